"""The Parquet tables of `decp flatten`, read by pyarrow, polars and DuckDB, hold what
`decp.scan` gives for the same input."""

from __future__ import annotations

import pathlib
import subprocess
from typing import Any

import decp
import pytest

from conftest import ROOT, cli

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

FIXTURE = ROOT / "tests" / "data" / "tables" / "etats.json"
TABLES = ["marches", "concessions", "modifications", "actes_sous_traitance", "donnees_execution", "findings"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("tables")
    subprocess.run([cli(), "flatten", "-q", str(FIXTURE), "-o", str(out)], check=True)
    return out


@pytest.mark.parametrize("name", TABLES)
def test_every_reader_gives_the_rows_scan_gives(tables: pathlib.Path, name: str) -> None:
    path = tables / f"{name}.parquet"
    from_pyarrow = pq.read_table(path).to_pylist()
    kw: dict[str, Any] = {"table": name}
    assert from_pyarrow == pa.table(decp.scan(FIXTURE, **kw)).to_pylist()
    assert pl.read_parquet(path).to_dicts() == from_pyarrow
    rel = duckdb.sql(f"select * from '{path}'")
    assert [dict(zip(rel.columns, r)) for r in rel.fetchall()] == from_pyarrow


def test_a_duckdb_query_over_the_tables(tables: pathlib.Path) -> None:
    q = f"""
        select m.id, count(*) as etats, max(m.montant) filter (where m.donneesActuelles) as montant,
               count(distinct mo.modification_id) as modifications
        from '{tables / "marches.parquet"}' m
        left join '{tables / "modifications.parquet"}' mo using (uid)
        where coalesce(m.titulaire_rang, 1) = 1
        group by all order by all
    """
    rows = {r[0]: r[1:] for r in duckdb.sql(q).fetchall()}
    from decimal import Decimal

    # Three states (x two modifications joined), the current amount, two modifications.
    assert rows["2024-0007"][1:] == (Decimal("12345678901.23"), 2)
    assert rows["2B-17"] == (1, Decimal("40000.555"), 0)
