"""decp.to_ocds: the package is the CLI's (`decp convert --to ocds`), as Python objects."""

from __future__ import annotations

import decimal
import io
import json
import pathlib
import subprocess
import warnings
from typing import Any

import pytest

import decp
from conftest import OFFICIAL, cli

MODS = OFFICIAL / "v2" / "json" / "marches_avec_modifications.json"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in OFFICIAL.glob("v*/*/*") if p.suffix in (".json", ".xml")),
    ids=lambda p: p.name,
)
def test_same_package_as_the_cli(path: pathlib.Path) -> None:
    ours = decp.to_ocds(path, ocid_prefix="ocds-abc123", jobs=1)
    out = subprocess.run(
        [cli(), "convert", "--to", "ocds", "--ocid-prefix", "ocds-abc123", "-q", str(path)],
        capture_output=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    assert ours == json.loads(out.stdout, parse_float=decimal.Decimal)
    assert ours["version"] == "1.1"
    assert ours["releases"]


def test_states_amounts_and_metadata() -> None:
    p = decp.to_ocds(
        MODS.read_bytes(), ocid_prefix="ocds-abc123", uri="https://example.org/p.json", publisher="Ville"
    )
    assert p["uri"] == "https://example.org/p.json"
    assert p["publisher"] == {"name": "Ville"}
    rel = p["releases"]
    assert len({r["ocid"] for r in rel}) < len(rel)  # states share their ocid
    amount = rel[0]["contracts"][0]["value"]["amount"]
    assert isinstance(amount, (int, decimal.Decimal))  # exact, never float
    assert not any(isinstance(r['contracts'][0]['value']['amount'], float) for r in rel)
    assert rel[0]["tag"] == ["award", "contract"]
    assert any("contractAmendment" in r["tag"] for r in rel)


def test_records_not_exported_warn_in_the_language_asked() -> None:
    doc = b'{"marches": {"marche": [{"id": "A1", "dateNotification": "2024-03-01"}]}}'
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        p = decp.to_ocds(doc, ocid_prefix="ocds-abc123", lang="en")
    assert p["releases"] == []
    assert len(w) == 1 and issubclass(w[0].category, decp.OcdsWarning)
    assert "/marches/marche/0" in str(w[0].message) and "acheteur/id" in str(w[0].message)


def test_errors() -> None:
    with pytest.raises(ValueError):
        decp.to_ocds(MODS, ocid_prefix=" ")
    with pytest.raises(decp.ParseError):
        decp.to_ocds(b'{"marches": ', ocid_prefix="ocds-abc123")


def _marche(id_: str, buyer: str, montant: str, published: str) -> str:
    return (
        f'{{"id": "{id_}", "acheteur": {{"id": "{buyer}"}}, "dateNotification": "2024-03-01", '
        f'"montant": {montant}, "datePublicationDonnees": "{published}"}}'
    )


def test_duplicates_is_the_clis_report(tmp_path: pathlib.Path) -> None:
    a = tmp_path / "profil.json"
    b = tmp_path / "plateforme.json"
    a.write_text(
        '{"marches": {"marche": [%s, %s]}}'
        % (_marche("2024-001A", "21690123100011", "45000.10", "2024-03-02"), _marche("X", "21690123100011", "1", "2024-03-02")),
        encoding="utf-8",
    )
    b.write_text(
        '{"marches": {"marche": [%s]}}' % _marche("2024 001a", "216 901 231 00011", "45000.1", "2024-04-01"),
        encoding="utf-8",
    )
    ours = decp.duplicates([a, b])
    assert ours == decp.duplicates([str(b), str(a)])  # whatever the order
    # One preferred source may be given as a string (not split into letters): equal
    # records, the preferred source's is kept.
    same = '{"marches": {"marche": [%s]}}' % _marche("Z1", "21690123100011", "5", "2024-03-02")
    x = tmp_path / "x_profil.json"
    y = tmp_path / "y_plateforme.json"
    x.write_text(same, encoding="utf-8")
    y.write_text(same, encoding="utf-8")
    kept = decp.duplicates([x, y], prefer="plateforme")["groups"][0]["kept"]
    assert kept == {"source": str(y), "record": 0}
    assert (ours["records"], ours["kept"], ours["dropped"]) == (3, 2, 1)
    group = ours["groups"][0]
    assert group["kept"] == {"source": str(b), "record": 0}
    assert group["dropped"] == [{"source": str(a), "record": 0, "reason": "datePublicationDonnees"}]
    assert group["key"]["montant"] == decimal.Decimal("45000.1")
    report = tmp_path / "report.json"
    subprocess.run(
        [cli(), "dedup", "-q", "-o", str(tmp_path / "out.json"), "--report", str(report), str(a), str(b)],
        check=True,
    )
    assert ours == json.loads(report.read_text(encoding="utf-8"), parse_float=decimal.Decimal)
    with open(a, "rb") as f, pytest.raises(ValueError):
        decp.duplicates([f])  # type: ignore[list-item]


def test_duplicates_reads_a_directory_as_the_cli_does(tmp_path: pathlib.Path) -> None:
    d = tmp_path / "decp"
    (d / "sub").mkdir(parents=True)
    (d / "a.json").write_text(
        '{"marches": {"marche": [%s]}}' % _marche("2024-001", "21690123100011", "10", "2024-03-02"),
        encoding="utf-8",
    )
    (d / "sub" / "b.json").write_text(
        '{"marches": {"marche": [%s]}}' % _marche("2024-001", "21690123100011", "10", "2024-04-02"),
        encoding="utf-8",
    )
    (d / "notes.txt").write_text("not DECP", encoding="utf-8")
    ours = decp.duplicates(d)
    assert (ours["records"], ours["kept"], ours["dropped"]) == (2, 1, 1)
    assert ours["groups"][0]["kept"] == {"source": str(d / "sub" / "b.json"), "record": 0}
    report = tmp_path / "report.json"
    subprocess.run(
        [cli(), "dedup", "-q", "-o", str(tmp_path / "out.json"), "--report", str(report), str(d)],
        check=True,
    )
    assert ours == json.loads(report.read_text(encoding="utf-8"), parse_float=decimal.Decimal)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no \\*.json"):
        decp.duplicates(empty)


def test_dump_ocds_streams_what_to_ocds_and_the_cli_give(tmp_path: pathlib.Path) -> None:
    src = OFFICIAL / "v2/json/marches_avec_modifications.json"
    as_objects = decp.to_ocds(src, ocid_prefix="ocds-abc123")
    binary = tmp_path / "package.json"
    with open(binary, "wb") as f:
        decp.dump_ocds(src, f, ocid_prefix="ocds-abc123")
    text = io.StringIO()
    decp.dump_ocds(src, text, ocid_prefix="ocds-abc123")
    assert text.getvalue() == binary.read_text(encoding="utf-8")
    assert json.loads(binary.read_text(encoding="utf-8"), parse_float=decimal.Decimal) == as_objects
    cli_out = tmp_path / "cli.json"
    subprocess.run(
        [cli(), "convert", "-q", "--to", "ocds", "--ocid-prefix", "ocds-abc123", "-o", str(cli_out), str(src)],
        check=True,
    )
    assert binary.read_bytes() == cli_out.read_bytes()


def test_dump_ocds_raises_the_file_objects_error_and_refuses_non_files() -> None:
    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b: Any) -> int:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        decp.dump_ocds(OFFICIAL / "v2/json/marches_concessions.json", Full(), ocid_prefix="ocds-abc123")
    with pytest.raises(TypeError):
        decp.dump_ocds(OFFICIAL / "v2/json/marches_concessions.json", object(), ocid_prefix="ocds-abc123")
    with pytest.raises(decp.ParseError):
        decp.dump_ocds(b'{"marches": ', io.BytesIO(), ocid_prefix="ocds-abc123")


def test_a_document_that_is_not_decp_is_a_parse_error_not_an_empty_package() -> None:
    for export in (
        lambda: decp.to_ocds(b'{"a": 1}', ocid_prefix="ocds-abc123"),
        lambda: decp.dump_ocds(b'{"a": 1}', io.BytesIO(), ocid_prefix="ocds-abc123"),
    ):
        with pytest.raises(decp.ParseError):
            export()
    with pytest.raises(decp.ParseError):
        decp.loads(b'{"a": 1}')


def test_stray_text_between_records_is_warned_about() -> None:
    (case,) = (OFFICIAL.parent / "cases").glob("17-*.json")
    with pytest.warns(decp.OcdsWarning) as w:
        package = decp.to_ocds(case, ocid_prefix="ocds-abc123")
    assert package["releases"]
    with pytest.warns(decp.OcdsWarning) as d:
        decp.dump_ocds(case, io.BytesIO(), ocid_prefix="ocds-abc123")
    # Each warning points at the caller's line, not inside the package.
    assert {r.filename for r in [*w, *d]} == {__file__}
