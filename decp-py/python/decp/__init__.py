"""Read, validate, write and tabulate French public-procurement open data (DECP).

The reference implementation of the DECP format (*Données Essentielles de la
Commande Publique*, arrêté du 22 décembre 2022 and its schemas), in Rust, with the
feel of the standard :mod:`json` module::

    import decp
    doc = decp.load("decp.json")                  # dict, Decimal amounts, date dates
    report = decp.validate("decp.xml", lang="en")  # findings with code, path, line
    xml = decp.dumps(doc, format="xml")            # the core's writer
    for rec in decp.iter_records("national.json"): # constant memory
        ...
    table = decp.to_arrow("decp.json")             # pyarrow, polars, pandas, DuckDB

Every rule, message, path and position comes from the Rust core, so the verdicts
are those of the ``decp`` command-line tool. See the stubs (``__init__.pyi``) for
the shapes, units and exceptions of each function.
"""

from __future__ import annotations

import pathlib
from typing import Any, TypedDict

from . import _decp
from ._decp import (
    DecpError,
    Issue,
    ParseError,
    Record,
    RecordIterator,
    Report,
    Scan,
    ValidationError,
    __version__,
)

__all__ = [
    "DecpError",
    "Issue",
    "Limits",
    "OcdsWarning",
    "ParseError",
    "Record",
    "RecordIterator",
    "Report",
    "Scan",
    "ValidationError",
    "__version__",
    "dump",
    "dump_ocds",
    "duplicates",
    "dumps",
    "iter_records",
    "load",
    "loads",
    "rules",
    "scan",
    "to_arrow",
    "to_ocds",
    "to_pandas",
    "to_polars",
    "upgrade",
    "validate",
]


def validate(
    src: Any,
    *,
    lang: str = "fr",
    normalize: bool = False,
    strict: bool = False,
    only: Any = None,
    upgrade: bool = False,
    format: str | None = None,
    max_issues: int | None = None,
    jobs: int | None = None,
    limits: Any = None,
) -> Report:
    return _decp.validate(
        src,
        lang=lang,
        normalize=normalize,
        strict=strict,
        only=only,
        upgrade=upgrade,
        format=format,
        max_issues=max_issues,
        jobs=jobs,
        limits=limits,
    )


def iter_records(
    src: Any,
    *,
    format: str | None = None,
    normalize: bool = False,
    upgrade: bool = False,
    mode: str = "tolerant",
    validate: bool = False,
    lang: str = "fr",
    numbers: str = "decimal",
    dates: str = "date",
    limits: Any = None,
) -> RecordIterator:
    return _decp.iter_records(
        src,
        format=format,
        normalize=normalize,
        upgrade=upgrade,
        mode=mode,
        validate=validate,
        lang=lang,
        numbers=numbers,
        dates=dates,
        limits=limits,
    )


def rules(lang: str = "fr") -> list[dict[str, Any]]:
    return _decp.rules(lang)


def scan(
    src: Any,
    *,
    table: str = "marches",
    format: str | None = None,
    normalize: bool = False,
    state: str = "all",
    float: bool = False,
    dictionary: bool = True,
    batch_size: int = 65536,
    jobs: int | None = None,
    limits: Any = None,
) -> Scan:
    return _decp.scan(
        src,
        table=table,
        format=format,
        normalize=normalize,
        state=state,
        float=float,
        dictionary=dictionary,
        batch_size=batch_size,
        jobs=jobs,
        limits=limits,
    )


def load(
    fp: Any,
    *,
    format: str | None = None,
    normalize: bool = False,
    upgrade: bool = False,
    mode: str = "tolerant",
    numbers: str = "decimal",
    dates: str = "date",
    limits: Any = None,
) -> dict[str, Any]:
    if isinstance(fp, str):
        fp = pathlib.Path(fp)
    return _decp._load(
        fp,
        format=format,
        normalize=normalize,
        upgrade=upgrade,
        mode=mode,
        numbers=numbers,
        dates=dates,
        limits=limits,
    )


def loads(
    s: str | bytes | bytearray,
    *,
    format: str | None = None,
    normalize: bool = False,
    upgrade: bool = False,
    mode: str = "tolerant",
    numbers: str = "decimal",
    dates: str = "date",
    limits: Any = None,
) -> dict[str, Any]:
    if not isinstance(s, (str, bytes, bytearray)):
        raise TypeError(f"the DECP document must be str, bytes or bytearray, not {type(s).__name__}")
    return _decp._load(
        s,
        text_is_document=True,
        format=format,
        normalize=normalize,
        upgrade=upgrade,
        mode=mode,
        numbers=numbers,
        dates=dates,
        limits=limits,
    )


def dumps(
    obj: Any,
    *,
    format: str = "json",
    indent: int | None = None,
    check: bool = False,
    upgrade: bool = False,
    lang: str = "fr",
) -> str:
    if not isinstance(obj, dict):
        raise TypeError(f"the document must be a dict ({{'marches': ...}}), not {type(obj).__name__}")
    if indent is not None and (not isinstance(indent, int) or isinstance(indent, bool) or indent < 0):
        raise ValueError(f"indent must be None or an int >= 0, not {indent!r}")
    return _decp._dumps(
        obj,
        format=format,
        indent=indent is not None,
        check=check,
        upgrade=upgrade,
        lang=lang,
    )


def dump(
    obj: Any,
    fp: Any,
    *,
    format: str = "json",
    indent: int | None = None,
    check: bool = False,
    upgrade: bool = False,
    lang: str = "fr",
) -> None:
    s = dumps(obj, format=format, indent=indent, check=check, upgrade=upgrade, lang=lang)
    try:
        fp.write(s)
    except TypeError:
        fp.write(s.encode("utf-8"))


def upgrade(
    src: Any,
    *,
    format: str | None = None,
    normalize: bool = False,
    numbers: str = "decimal",
    dates: str = "date",
    limits: Any = None,
) -> dict[str, Any]:
    return _decp._load(
        src, format=format, normalize=normalize, upgrade=True, numbers=numbers, dates=dates, limits=limits
    )


def to_ocds(
    src: Any,
    *,
    ocid_prefix: str,
    uri: str | None = None,
    publisher: str | None = None,
    format: str | None = None,
    normalize: bool = False,
    jobs: int | None = None,
    lang: str = "fr",
    limits: Any = None,
) -> dict[str, Any]:
    import decimal
    import json

    text, skipped = _decp._to_ocds(
        src,
        ocid_prefix=ocid_prefix,
        uri=uri,
        publisher=publisher,
        format=format,
        normalize=normalize,
        jobs=jobs,
        lang=lang,
        limits=limits,
    )
    _warn_not_exported(skipped)
    return json.loads(text, parse_float=decimal.Decimal)


def _warn_not_exported(skipped: list[Issue]) -> None:
    """One ``OcdsWarning`` per record (or envelope error) the package left out,
    pointing at the caller of ``to_ocds`` / ``dump_ocds``."""
    import warnings

    for issue in skipped:
        warnings.warn(f"{issue.path}: {issue.message}", OcdsWarning, stacklevel=3)


def dump_ocds(
    src: Any,
    fp: Any,
    *,
    ocid_prefix: str,
    uri: str | None = None,
    publisher: str | None = None,
    format: str | None = None,
    normalize: bool = False,
    jobs: int | None = None,
    lang: str = "fr",
    limits: Any = None,
) -> None:
    skipped = _decp._dump_ocds(
        src,
        fp,
        ocid_prefix=ocid_prefix,
        uri=uri,
        publisher=publisher,
        format=format,
        normalize=normalize,
        jobs=jobs,
        lang=lang,
        limits=limits,
    )
    _warn_not_exported(skipped)


def duplicates(
    srcs: Any,
    *,
    prefer: Any = (),
    format: str | None = None,
    normalize: bool = False,
    jobs: int | None = None,
    limits: Any = None,
) -> dict[str, Any]:
    import decimal
    import json

    if isinstance(srcs, (str, bytes, bytearray)) or hasattr(srcs, "__fspath__"):
        srcs = [srcs]
    if isinstance(prefer, str):
        prefer = [prefer]
    text = _decp._duplicates(
        list(srcs), prefer=list(prefer), format=format, normalize=normalize, jobs=jobs, limits=limits
    )
    return json.loads(text, parse_float=decimal.Decimal)  # type: ignore[no-any-return]


class Limits(TypedDict, total=False):
    """Limits that keep hostile input from using unbounded memory (see the stubs)."""

    max_record_bytes: int
    max_depth: int
    max_members: int
    max_value_bytes: int
    max_records: int


class OcdsWarning(UserWarning):
    """A record :func:`to_ocds` could not export (unreadable, or without the buyer's
    or the contract's ``id`` that its ``ocid`` is made of): the message says which
    and why (the record's error finding, e.g. ``convert.not_written``)."""


def to_arrow(src: Any, **kwargs: Any) -> Any:
    import pyarrow

    return pyarrow.table(scan(src, **kwargs))


def to_polars(src: Any, **kwargs: Any) -> Any:
    import polars

    return polars.DataFrame(scan(src, **kwargs))


def to_pandas(src: Any, **kwargs: Any) -> Any:
    import pandas

    s = scan(src, **kwargs)
    from_arrow = getattr(pandas.DataFrame, "from_arrow", None)
    if from_arrow is not None:
        return from_arrow(s)
    import pyarrow

    return pyarrow.table(s).to_pandas()


def _restore_issue(state: tuple[Any, ...]) -> Issue:
    """Unpickles an ``Issue`` (its ``__reduce__`` names this function)."""
    return _decp._issue_from_state(*state)


def _restore_report(*state: Any) -> Report:
    """Unpickles a ``Report`` (its ``__reduce__`` names this function)."""
    return _decp._report_from_state(*state)


def _docs_from_stubs() -> None:
    """Give the functions the docstrings of the stubs (``__init__.pyi``), the one
    place the API is documented, so that ``help()`` and Jupyter's ``?`` show them."""
    import ast

    try:
        tree = ast.parse(pathlib.Path(__file__).with_suffix(".pyi").read_text(encoding="utf-8"))
    except OSError:
        return
    g = globals()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and callable(g.get(node.name)):
            doc = ast.get_docstring(node)
            if doc:
                g[node.name].__doc__ = doc


_docs_from_stubs()
