"""Reports, findings and exceptions pickle: what a ``multiprocessing`` worker
returns reaches the parent unchanged."""

from __future__ import annotations

import copy
import pickle

import decp
import pytest

DOC = '{"marches": {"marche": [{"id": "A", "dureeMois": "douze", "montant": 12.5}, {"id": "B"}]}}'


def test_a_report_pickles_with_its_findings_and_its_json() -> None:
    r = decp.validate(DOC, lang="en")
    assert not r.valid and r.issues
    for back in (pickle.loads(pickle.dumps(r)), copy.deepcopy(r)):
        assert isinstance(back, decp.Report)
        assert back.valid == r.valid and not back
        assert (back.records, back.path, back.format, back.version, back.fatal) == (
            r.records,
            r.path,
            r.format,
            r.version,
            r.fatal,
        )
        assert (back.error_count, back.warning_count) == (r.error_count, r.warning_count)
        assert back.issues == r.issues
        assert back.errors() == r.errors() and back.warnings() == r.warnings()
        assert back.to_dict() == r.to_dict()
        assert back.to_json() == r.to_json()
        assert back.to_json(indent=2) == r.to_json(indent=2)
        assert repr(back) == repr(r)
        assert back == r
    # Reports compare by value: the same input validated twice, not another one.
    assert decp.validate(DOC, lang="en") == r
    assert decp.validate(DOC, lang="fr") != r
    assert decp.validate('{"marches": {"marche": []}}') != r
    assert r != object()


def test_a_report_on_unreadable_input_keeps_its_fatal_error() -> None:
    r = decp.validate(b'{"marches": {"marche": [{"id": "A"}', lang="en")
    assert r.fatal
    back = pickle.loads(pickle.dumps(r))
    assert back.fatal == r.fatal and back.valid is False
    assert back.to_dict() == r.to_dict()


def test_an_issue_pickles_equal() -> None:
    (issue,) = [i for i in decp.validate(DOC).issues if i.code == "schema.type"]
    back = pickle.loads(pickle.dumps(issue))
    assert back == issue
    assert back.loc == issue.loc == ("marches", "marche", 0, "dureeMois")
    assert (back.line, back.column, back.message) == (issue.line, issue.column, issue.message)
    assert back.to_dict() == issue.to_dict()
    # Equal issues hash alike: sets of findings work.
    assert len({issue, back}) == 1


def test_validation_error_pickles_with_its_issues() -> None:
    with pytest.raises(decp.ValidationError) as e:
        decp.loads(DOC, mode="strict")
    back = pickle.loads(pickle.dumps(e.value))
    assert isinstance(back, decp.ValidationError)
    assert back.issues == e.value.issues
    assert str(back) == str(e.value)
