"""The public API: every function documented at run time (help(), Jupyter's ?), from the
stubs, the one place the API is described."""

from __future__ import annotations

import inspect

import decp


def test_every_public_function_has_its_full_docstring() -> None:
    for name in decp.__all__:
        obj = getattr(decp, name)
        if inspect.isfunction(obj):
            doc = obj.__doc__ or ""
            assert len(doc.strip().splitlines()) >= 1, name
            assert obj.__doc__ == inspect.getdoc(obj), name
    # The long ones, from the stubs.
    assert "Raises" in (decp.load.__doc__ or "")
    assert "families" in (decp.validate.__doc__ or "")
    assert "donneesActuelles" in (decp.scan.__doc__ or "")


def test_the_classes_document_their_attributes() -> None:
    for cls in (decp.Issue, decp.Report, decp.Record, decp.Scan):
        for name, member in vars(cls).items():
            if not name.startswith("_") and (getattr(member, "__doc__", None) or "").strip() == "":
                raise AssertionError(f"{cls.__name__}.{name} has no docstring")
