"""scan: the Arrow PyCapsule stream read by pyarrow, polars, DuckDB and pandas."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import decp
import pytest

from conftest import OFFICIAL

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

MC = OFFICIAL / "v2/json/marches_concessions.json"


def test_the_same_rows_in_every_consumer() -> None:
    s = decp.scan(MC)
    t = pa.table(s)
    rows = t.to_pylist()
    assert [r["id"] for r in rows] == [m["id"] for m in decp.load(MC)["marches"]["marche"]]
    assert pl.DataFrame(s).to_dicts() == rows
    rel = duckdb.sql("select * from s")
    assert [dict(zip(rel.columns, r)) for r in rel.fetchall()] == rows
    assert decp.to_pandas(MC)["id"].tolist() == [r["id"] for r in rows]
    assert decp.to_polars(MC).to_dicts() == rows
    assert decp.to_arrow(MC).equals(t)


def test_types_and_values() -> None:
    t = decp.to_arrow(MC)
    assert t.schema.field("acheteur_id").type == pa.string()
    assert t.schema.field("dateNotification").type == pa.date32()
    assert t.schema.field("montant").type == pa.decimal128(38, 6)
    row = t.to_pylist()[0]
    m = decp.load(MC)["marches"]["marche"][0]
    assert row["montant"] == m["montant"]
    assert row["dateNotification"] == m["dateNotification"]
    assert row["uid"] == m["acheteur"]["id"] + m["id"]
    assert row["version"] == "2"
    assert decp.scan(MC).columns == t.column_names


def test_concessions_table() -> None:
    t = decp.to_arrow(MC, table="concessions")
    assert t.num_rows == 2
    assert t.column("valeurGlobale").type == pa.decimal128(38, 6)
    with pytest.raises(ValueError):
        decp.scan(MC, table="lots")  # type: ignore[arg-type]


def test_batches_and_jobs_give_the_same_table() -> None:
    doc = decp.load(MC)
    ms = doc["marches"]["marche"]
    for i in range(300):
        m = dict(ms[i % 2])
        m["id"] = f"X{i:05d}"
        m["montant"] = Decimal(i) / 7
        ms.append(m)
    data = decp.dumps(doc).encode()
    one = pa.table(decp.scan(data, batch_size=65536, jobs=1))
    many = pa.table(decp.scan(data, batch_size=7, jobs=3))
    assert one.num_rows == 302
    assert many.to_pylist() == one.to_pylist()
    # Six decimals, rounded half away from zero.
    assert one.to_pylist()[3]["montant"] == Decimal("0.142857")


def test_scan_twice_and_file_objects() -> None:
    s = decp.scan(MC)
    assert pa.table(s).num_rows == pa.table(s).num_rows == 2
    f = decp.scan(io.BytesIO(MC.read_bytes()))
    assert pa.table(f).num_rows == 2
    with pytest.raises(decp.DecpError):
        pa.table(f)


def test_invalid_values_are_null_and_ids_stay_strings() -> None:
    doc = '{"marches": {"marche": [{"id": "007", "acheteur": {"id": "02100000000001"}, "montant": "NC", "dateNotification": "2024-13-01", "lieuExecution": {"code": "2A004", "typeCode": "Code commune"}}]}}'
    (row,) = pa.table(decp.scan(doc)).to_pylist()
    assert row["id"] == "007" and row["acheteur_id"] == "02100000000001"
    assert row["lieuExecution_code"] == "2A004"
    assert row["montant"] is None and row["dateNotification"] is None
    fixed = pa.table(decp.scan('{"marches": {"marche": [{"id": "A", "montant": "12 000,50", "dateNotification": "2024-03-01+01:00"}]}}', normalize=True)).to_pylist()[0]
    assert fixed["montant"] == Decimal("12000.50")
    assert fixed["dateNotification"] == datetime.date(2024, 3, 1)


def test_broken_document_raises_in_the_consumer() -> None:
    with pytest.raises(Exception):
        pa.table(decp.scan('{"marches": {"marche": [{"id": "A"}'))
