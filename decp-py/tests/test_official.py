"""Every official example: loaded, written back in JSON and XML, and validated exactly as the CLI does."""

from __future__ import annotations

import datetime
import decimal
import io
import pathlib

import decp
import pytest

from conftest import cli_report


def test_validate_equals_the_cli(official: pathlib.Path) -> None:
    for args, kw in (([], {}), (["--normalize"], {"normalize": True}), (["--only", "schema"], {"only": ["schema"]})):
        expected = cli_report(official, *args)
        # The path as the CLI was given it: the same string.
        report = decp.validate(str(official), **kw)
        assert report.to_dict() == expected
        assert report.valid == expected["valid"]
        assert report.records == expected["records"]
        assert [i.code for i in report.issues] == [i["code"] for i in expected["issues"]]
        assert [(i.line, i.column) for i in report.issues] == [(i["line"], i["column"]) for i in expected["issues"]]


def test_validate_in_english_equals_the_cli(official: pathlib.Path) -> None:
    assert decp.validate(str(official), lang="en").to_dict() == cli_report(official, "--lang", "en")


def test_every_source_type_gives_the_same_findings(official: pathlib.Path) -> None:
    by_path = decp.validate(official)
    data = official.read_bytes()
    for src in (data, bytearray(data), io.BytesIO(data)):
        r = decp.validate(src)
        assert [i.to_dict() for i in r.issues] == [i.to_dict() for i in by_path.issues]
    with open(official, "rb") as f:
        r = decp.validate(f)
    assert r.path == str(official)
    assert [i.to_dict() for i in r.issues] == [i.to_dict() for i in by_path.issues]


def test_load_dump_round_trip(official: pathlib.Path) -> None:
    doc = decp.load(official)
    assert "marches" in doc
    # The JSON written reads back as the same document, and so does the XML.
    again = decp.loads(decp.dumps(doc))
    assert again == doc
    if official.parent.parent.name == "v2":
        assert decp.loads(decp.dumps(doc, format="xml", indent=2)) == doc
        # Written as the core's writer (the CLI's convert) writes it.
        assert decp.dumps(doc, indent=2) == decp.dumps(decp.load(official), indent=2)


def test_types_of_loaded_values() -> None:
    doc = decp.load(pathlib.Path(__file__).parents[2] / "tests/data/official/v2/json/marches_concessions.json")
    m = doc["marches"]["marche"][0]
    assert isinstance(m["montant"], decimal.Decimal)
    assert isinstance(m["dateNotification"], datetime.date)
    assert isinstance(m["dureeMois"], int)
    assert isinstance(m["acheteur"]["id"], str)
    f = decp.load(pathlib.Path(__file__).parents[2] / "tests/data/official/v2/json/marches_concessions.json", numbers="float", dates="str")
    m = f["marches"]["marche"][0]
    assert isinstance(m["montant"], float) and isinstance(m["dateNotification"], str)


def test_loaded_records_share_their_keys() -> None:
    # As the json module does: each key is one str object for the whole
    # document, not one per dict (a fifth of a loaded document's memory).
    doc = decp.load(pathlib.Path(__file__).parents[2] / "tests/data/official/v2/json/marches_concessions.json")
    first, second = doc["marches"]["marche"][:2]
    shared = [k for k in first if k in second]
    assert "dateNotification" in shared and "acheteur" in shared
    for k in shared:
        (same,) = [s for s in second if s == k]
        assert same is k, k
    assert next(iter(first["acheteur"])) is next(iter(second["acheteur"]))


def test_v1_stays_v1_unless_upgraded() -> None:
    root = pathlib.Path(__file__).parents[2] / "tests/data/official/v1.5/json"
    for p in sorted(root.glob("*.json")):
        v1 = decp.load(p)
        assert isinstance(v1["marches"], list), p
        v2 = decp.load(p, upgrade=True)
        assert isinstance(v2["marches"], dict), p
        assert decp.upgrade(p) == v2
        assert decp.validate(decp.dumps(v2)).version == "2"
