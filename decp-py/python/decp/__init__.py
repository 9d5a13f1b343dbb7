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
from typing import Any

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
    iter_records,
    rules,
    scan,
    validate,
)

__all__ = [
    "DecpError",
    "Issue",
    "ParseError",
    "Record",
    "RecordIterator",
    "Report",
    "Scan",
    "ValidationError",
    "__version__",
    "dump",
    "dumps",
    "iter_records",
    "load",
    "loads",
    "rules",
    "scan",
    "to_arrow",
    "to_pandas",
    "to_polars",
    "upgrade",
    "validate",
]


def load(
    fp: Any,
    *,
    format: str | None = None,
    normalize: bool = False,
    upgrade: bool = False,
    mode: str = "tolerant",
    numbers: str = "decimal",
    dates: str = "date",
) -> dict[str, Any]:
    """Read a whole DECP document from a file object or a path."""
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
) -> dict[str, Any]:
    """Read a whole DECP document from text or bytes."""
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
    """Write a document given as Python objects, in JSON or XML."""
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
    """Write a document given as Python objects to a file object (text or binary)."""
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
) -> dict[str, Any]:
    """Read a document, v1 or v2, as a v2 document (Python objects)."""
    return _decp._load(src, format=format, normalize=normalize, upgrade=True, numbers=numbers, dates=dates)


def to_arrow(src: Any, **kwargs: Any) -> Any:
    """The flat table of ``scan(src, **kwargs)`` as a ``pyarrow.Table`` (needs pyarrow)."""
    import pyarrow

    return pyarrow.table(scan(src, **kwargs))


def to_polars(src: Any, **kwargs: Any) -> Any:
    """The flat table of ``scan(src, **kwargs)`` as a ``polars.DataFrame`` (needs polars)."""
    import polars

    return polars.DataFrame(scan(src, **kwargs))


def to_pandas(src: Any, **kwargs: Any) -> Any:
    """The flat table of ``scan(src, **kwargs)`` as a ``pandas.DataFrame`` (needs pandas;
    pyarrow too before pandas 3)."""
    import pandas

    s = scan(src, **kwargs)
    from_arrow = getattr(pandas.DataFrame, "from_arrow", None)
    if from_arrow is not None:
        return from_arrow(s)
    import pyarrow

    return pyarrow.table(s).to_pandas()
