"""Exceptions: hierarchy, positions, strict mode, no panic reaching Python."""

from __future__ import annotations

import io
import pathlib
from typing import Callable

import decp
import pytest


def test_hierarchy() -> None:
    assert issubclass(decp.DecpError, ValueError)
    assert issubclass(decp.ParseError, decp.DecpError)
    assert issubclass(decp.ValidationError, decp.DecpError)


def test_parse_error_positions_json() -> None:
    text = '{"marches": {"marche": [\n  {"id": "A"},\n  {"id": "B",, "x": 1}\n]}}'
    with pytest.raises(decp.ParseError) as e:
        decp.loads(text)
    assert (e.value.line, e.value.column) == (3, 14)
    assert e.value.offset == text.index(",,") + 1
    assert e.value.record == 1


def test_parse_error_positions_xml() -> None:
    text = "<marches>\n<marche><id>A</id></marche>\n<marche><id>B</idd></marche>\n</marches>"
    with pytest.raises(decp.ParseError) as e:
        decp.loads(text)
    assert e.value.line == 3
    assert e.value.record == 1


def test_broken_envelope_is_fatal() -> None:
    with pytest.raises(decp.ParseError):
        decp.loads('{"marches": {"marche": [{"id": "A"}')
    with pytest.raises(decp.ParseError):
        decp.loads("")
    with pytest.raises(decp.ParseError):
        decp.loads('{"autre": 1}')


def test_strict_raises_validation_error() -> None:
    text = '{"marches": {"marche": [{"id": "A", "dureeMois": "douze"}]}}'
    with pytest.raises(decp.ValidationError) as e:
        decp.loads(text, mode="strict")
    (issue,) = e.value.issues
    assert issue.code == "schema.type"
    assert issue.loc == ("marches", "marche", 0, "dureeMois")
    # At the value, columns from 1.
    assert (issue.line, issue.column) == (1, text.index('"douze"') + 1)
    # Tolerant: kept as given.
    doc = decp.loads('{"marches": {"marche": [{"id": "A", "dureeMois": "douze"}]}}')
    assert doc["marches"]["marche"][0]["dureeMois"] == "douze"


def test_os_errors() -> None:
    with pytest.raises(FileNotFoundError):
        decp.load("/nonexistent/decp.json")
    r = decp.validate(pathlib.Path("/nonexistent/decp.json"))
    assert not r.valid and r.fatal


def test_file_object_errors_come_back() -> None:
    class Broken(io.RawIOBase):
        def read(self, n: int = -1) -> bytes:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        decp.load(Broken())


def test_hostile_input_is_an_error_not_a_crash() -> None:
    deep = '{"marches": {"marche": [' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "]}}"
    r = decp.validate(deep)
    assert not r.valid
    with pytest.raises(decp.DecpError):
        decp.loads(deep)
    with pytest.raises(decp.ParseError):
        decp.loads(b"\xff\xfe\x00garbage")


def test_invalid_utf8_in_json() -> None:
    r = decp.validate(b'{"marches": {"marche": [{"id": "\xe9t\xe9"}]}}')
    assert not r.valid
    assert any(i.code == "schema.syntax" for i in r.issues) or r.fatal


def test_text_is_not_decoded_twice() -> None:
    # A str is already decoded: the XML declaration's encoding does not apply again.
    x = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<marches><marche><id>x</id><objet>école</objet></marche></marches>'
    assert decp.loads(x)["marches"]["marche"][0]["objet"] == "école"
    assert decp.load(io.StringIO(x))["marches"]["marche"][0]["objet"] == "école"
    assert [r.data["objet"] for r in decp.iter_records(x) if r.data] == ["école"]
    assert not any(i.code == "repair.encoding_label" for i in decp.validate(x).issues)
    # Bytes are not: the declaration applies.
    assert decp.loads(x.encode("latin-1"))["marches"]["marche"][0]["objet"] == "école"
    case = pathlib.Path(__file__).parents[2] / "tests/data/cases/04-cp1252-sous-declaration-latin1.xml"
    with open(case, encoding="cp1252") as f:
        text_mode = decp.load(f)
    assert text_mode == decp.load(case)


def test_dumps_refuses_what_is_not_a_document() -> None:
    rec = {"id": "A", "montant": 1}
    with pytest.raises(decp.ValidationError, match="pas un document DECP"):
        decp.dumps(rec)
    with pytest.raises(decp.ValidationError, match="not a DECP document"):
        decp.dumps(rec, lang="en")
    with pytest.raises(TypeError):
        decp.dumps("{}")  # type: ignore[arg-type]


def test_option_errors_are_value_errors() -> None:
    doc = '{"marches": {"marche": [{"id": "A", "dureeMois": "x"}]}}'
    assert [i.code for i in decp.validate(doc, only="schema").issues] == [
        i.code for i in decp.validate(doc, only=["schema"]).issues
    ]
    with pytest.raises(ValueError):
        decp.validate(doc, only=[])
    assert decp.validate(doc).to_json(indent=2).startswith("{\n")


def test_exception_attributes_exist_on_hand_made_instances() -> None:
    e = decp.ParseError("x")
    assert e.line is None and e.record is None
    assert decp.ValidationError("x").issues == []


def test_file_object_errors_propagate_from_validate() -> None:
    class Broken(io.RawIOBase):
        def read(self, n: int = -1) -> bytes:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        decp.validate(Broken())


def test_one_language_per_call() -> None:
    """What a reader met is worded in the language asked, with nothing of the other."""
    broken = b"<marches><marche><id>&foo;</id></marche><marche><id>A</id></marches>"
    fr = decp.validate(broken, lang="fr")
    en = decp.validate(broken, lang="en")
    assert [i.message for i in fr.issues if i.code == "schema.syntax"] == [
        "enregistrement illisible : entité inconnue `&foo;`"
    ]
    assert [i.message for i in en.issues if i.code == "schema.syntax"] == [
        "unreadable record: unknown entity `&foo;`"
    ]
    # The detail is a message, not a value taken from the input.
    assert all(i.value is None for i in fr.issues if i.code == "schema.syntax")
    assert fr.fatal is not None and fr.fatal.startswith("erreur de syntaxe XML à la ligne 1")
    assert en.fatal is not None and en.fatal.startswith("XML syntax error at line 1")
    with pytest.raises(decp.ParseError, match="XML syntax error at line 1"):
        decp.loads(broken, mode="strict")


def test_limits_are_the_cores_and_checked() -> None:
    deep = b'{"marches": {"marche": [{"id": "A", "x": ' + b"[" * 20 + b"]" * 20 + b"}]}}"
    # Within the default limits: read.
    assert decp.loads(deep)["marches"]["marche"][0]["id"] == "A"
    # Past a lower depth limit: one unreadable record, at its place.
    report = decp.validate(deep, limits={"max_depth": 8})
    assert [i.code for i in report.issues] == ["schema.syntax"]
    assert report.issues[0].path == "/marches/marche/0"
    with pytest.raises(decp.ParseError):
        decp.loads(deep, limits={"max_depth": 8})
    two = b'{"marches": {"marche": [{"id": "A"}, {"id": "B"}]}}'
    with pytest.raises(decp.ParseError):
        decp.loads(two, limits={"max_records": 1})
    records = decp.iter_records(two, limits={"max_records": 2})
    assert [(r.data or {})["id"] for r in records] == ["A", "B"]
    with pytest.raises(ValueError, match="max_depth"):
        decp.loads(two, limits={"depth": 3})  # type: ignore[arg-type]
    for bad in (0, -1, 2**64):
        with pytest.raises(ValueError, match="from 1"):
            decp.loads(two, limits={"max_depth": bad})
    # What was loaded with wider limits is written back (the objects are in memory).
    wide = decp.loads(deep, limits={"max_depth": 100})
    assert "[[[[" in decp.dumps(wide).replace(" ", "").replace("\n", "")


def test_os_errors_name_the_file_as_open_does(tmp_path: pathlib.Path) -> None:
    import errno

    missing = tmp_path / "absent.json"
    calls: list[Callable[[], object]] = [
        lambda: decp.load(missing),
        lambda: decp.iter_records(missing),
        lambda: decp.scan(missing),
        lambda: decp.to_ocds(missing, ocid_prefix="ocds-abc123"),
        lambda: decp.duplicates([missing]),
    ]
    for call in calls:
        with pytest.raises(FileNotFoundError) as e:
            call()
        assert e.value.errno == errno.ENOENT
        assert e.value.filename == str(missing)
    with pytest.raises(IsADirectoryError) as d:
        decp.load(tmp_path)
    assert d.value.filename == str(tmp_path)


def test_negative_counts_are_value_errors() -> None:
    doc = '{"marches": {"marche": [{"id": "A"}]}}'
    with pytest.raises(ValueError, match="jobs"):
        decp.validate(doc, jobs=-1)
    with pytest.raises(ValueError, match="jobs"):
        decp.scan(doc, jobs=-2)
    with pytest.raises(ValueError, match="batch_size"):
        decp.scan(doc, batch_size=-1)
    with pytest.raises(ValueError, match="batch_size"):
        decp.scan(doc, batch_size=0)
    assert decp.validate(doc, jobs=0).records == 1
