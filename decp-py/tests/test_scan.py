"""scan: the Arrow PyCapsule stream read by pyarrow, polars, DuckDB and pandas."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Literal

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
    # One row per contract × holder × state.
    expected = [
        (m["id"], h["titulaire"]["id"])
        for m in decp.load(MC)["marches"]["marche"]
        for h in m["titulaires"]
    ]
    current = [(r["id"], r["titulaire_id"]) for r in rows if r["modification_id"] is None]
    assert current == expected
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
    assert t.schema.field("montant").type == pa.decimal128(38, 10)
    code = pa.dictionary(pa.int32(), pa.string())
    assert t.schema.field("procedure").type == code
    assert t.schema.field("techniques").type == pa.list_(code)
    assert t.schema.field("sourceFile").type == code
    # dictionary=False: plain texts, the same values.
    plain = decp.to_arrow(MC, dictionary=False)
    assert plain.schema.field("procedure").type == pa.string()
    assert plain.schema.field("techniques").type == pa.list_(pa.string())
    assert plain.to_pylist() == t.to_pylist()
    assert plain.schema == pa.schema(decp.scan(MC, dictionary=False))
    assert t.schema == pa.schema(decp.scan(MC))
    # Every consumer reads codes as its own type of texts.
    assert str(decp.to_pandas(MC)["procedure"].dtype) == "category"
    assert decp.to_polars(MC).schema["procedure"] == pl.Categorical
    s = decp.scan(MC)
    kinds = {r[0]: r[1] for r in duckdb.sql("describe select procedure, techniques from s").fetchall()}
    assert kinds == {"procedure": "VARCHAR", "techniques": "VARCHAR[]"}
    row = t.to_pylist()[0]
    m = decp.load(MC)["marches"]["marche"][0]
    assert row["montant"] == m["montant"]
    assert row["dateNotification"] == m["dateNotification"]
    assert row["uid"] == m["acheteur"]["id"] + m["id"]
    assert row["version"] == "2"
    assert decp.scan(MC).columns == t.column_names


def test_concessions_table() -> None:
    t = decp.to_arrow(MC, table="concessions", state="current")
    # One current row per concession and concessionnaire.
    cs = decp.load(MC)["marches"]["contrat-concession"]
    assert t.num_rows == sum(max(1, len(c["concessionnaires"])) for c in cs)
    assert t.column("valeurGlobale").type == pa.decimal128(38, 10)
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
    assert many.to_pylist() == one.to_pylist()
    # A file object is read on the consumer's thread, bytes on the scan's own.
    from_file = pa.table(decp.scan(io.BytesIO(data), batch_size=7, jobs=2))
    named = one.drop_columns(["sourceFile"])
    assert from_file.drop_columns(["sourceFile"]).to_pylist() == named.to_pylist()
    # A consumer that stops after one batch stops the scan's threads.
    reader = pa.RecordBatchReader.from_stream(decp.scan(data, batch_size=5, jobs=2))
    assert reader.read_next_batch().to_pylist() == one.to_pylist()[:5]
    del reader
    ids = {r["id"] for r in one.to_pylist()}
    assert len(ids) == 302
    # Ten decimals kept exactly; beyond, null with a finding.
    row = next(r for r in one.to_pylist() if r["id"] == "X00003")
    assert row["montant"] is None
    f = pa.table(decp.scan(data, table="findings")).to_pylist()
    tv = [x for x in f if x["code"] == "convert.table_value" and x["id"] == "X00003"]
    assert tv and tv[0]["value"] == str(Decimal(3) / 7)
    row = next(r for r in one.to_pylist() if r["id"] == "X00007")
    assert row["montant"] == Decimal(1)


def test_scan_twice_and_file_objects() -> None:
    s = decp.scan(MC)
    assert pa.table(s).num_rows == pa.table(s).num_rows > 0
    f = decp.scan(io.BytesIO(MC.read_bytes()))
    assert pa.table(f).num_rows == pa.table(s).num_rows
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
    with pytest.raises(pa.ArrowInvalid, match="syntax"):
        pa.table(decp.scan('{"marches": {"marche": [{"id": "A"}'))
    with pytest.raises(FileNotFoundError):
        decp.scan("/nonexistent/decp.json")


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("table", ["marches", "findings"])
def test_rows_before_a_fatal_error_come_out_before_it(
    jobs: int, table: Literal["marches", "findings"]
) -> None:
    cut = '{"marches": {"marche": [{"id": "A"}, {"id": "B"}, {"id": "C"}, {"id": "D"'
    whole = cut + "}]}}"
    expected = pa.table(decp.scan(whole, table=table, jobs=jobs)).to_pylist()
    reader = pa.RecordBatchReader.from_stream(decp.scan(cut, table=table, jobs=jobs))
    rows: list[dict[str, object]] = []
    with pytest.raises(pa.ArrowInvalid, match="syntax"):
        while True:
            rows += reader.read_next_batch().to_pylist()
    # Every record before the cut, none after: A, B and C (D is the broken one).
    assert rows == [r for r in expected if r["id"] in ("A", "B", "C")]
    assert {r["id"] for r in rows} == {"A", "B", "C"}


def test_v1_files_are_read_as_v2_with_their_dates() -> None:
    p = OFFICIAL / "v1.5/json/mar-basique.json"
    rows = pa.table(decp.scan(p)).to_pylist()
    assert rows and all(r["version"] == "1.5" for r in rows)
    assert all(isinstance(r["dateNotification"], datetime.date) for r in rows)
    assert any(r["acheteur_nom"] for r in rows)


def test_state_current_and_every_table() -> None:
    allrows = pa.table(decp.scan(OFFICIAL / "v2/json/marches_avec_modifications.json")).to_pylist()
    cur = pa.table(decp.scan(OFFICIAL / "v2/json/marches_avec_modifications.json", state="current")).to_pylist()
    assert cur == [r for r in allrows if r["donneesActuelles"]]
    assert len(cur) < len(allrows)
    for name in ("modifications", "actes_sous_traitance", "donnees_execution", "findings"):
        t = pa.table(decp.scan(MC, table=name))
        assert t.schema.names == decp.scan(MC, table=name).columns
