"""Read, validate, write and tabulate French public-procurement open data (DECP).

Documents are in the official JSON shape of the DECP schemas (arrêté du 22
décembre 2022; v2, or v1 as read): ``{"marches": {"marche": [...],
"contrat-concession": [...]}}``. Amounts are in euros HT, durations in months,
rates in [0, 1]. Every rule, message, path and position comes from the Rust core,
identical to the ``decp`` command-line tool's.
"""

import os
from collections.abc import Iterable, Iterator
from typing import Any, Literal, Protocol, TypedDict, final

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

__version__: str

class Limits(TypedDict, total=False):
    """Limits that keep hostile input from using unbounded memory (the
    ``limits=`` argument of the reading functions); what is left out keeps its
    default. A record over a limit is one unreadable record (a ``schema.syntax``
    finding at its place, or :class:`ParseError` where reading stops), never a
    crash; the same limits as the Rust core's ``decp_core::Limits``."""

    max_record_bytes: int
    """The largest record, in bytes (default 64 MiB)."""
    max_depth: int
    """The deepest nesting of objects, arrays or elements (default 64; DECP needs 7)."""
    max_members: int
    """The most members of one object, items of one array, attributes and children
    of one element (default 100 000)."""
    max_value_bytes: int
    """The longest string, number or XML text, in bytes (default 1 MiB)."""
    max_records: int
    """The most records in one input (default: no limit); past it, reading stops
    with :class:`ParseError`."""

class _SupportsRead(Protocol):
    def read(self, size: int, /) -> bytes | str: ...

class _SupportsWrite(Protocol):
    def write(self, data: Any, /) -> object: ...

_Source = str | bytes | bytearray | os.PathLike[str] | _SupportsRead | dict[str, Any]
# What `duplicates` reads twice: paths (files or directories) and bytes.
_DupSource = str | bytes | bytearray | os.PathLike[str]
"""A document: a path (``str`` not starting with ``{``, ``[`` or ``<``, or
``os.PathLike``), its text (``str`` starting with ``{``, ``[`` or ``<``: already
decoded, so an XML declaration's ``encoding`` is ignored), its bytes (the
declaration's encoding applies), a file object (binary or text mode, likewise), or
the document as Python objects."""

_Format = Literal["json", "xml"]
_Lang = Literal["fr", "en"]
_Numbers = Literal["decimal", "float", "str"]
_Dates = Literal["date", "str"]
_Mode = Literal["tolerant", "strict"]
_FamilyName = Literal["schema", "rule", "quality"]
_TableName = Literal["marches", "concessions", "modifications", "actes_sous_traitance", "donnees_execution", "findings"]

class DecpError(ValueError):
    """Base class of the errors of decp (a subclass of ``ValueError``)."""

class ParseError(DecpError):
    """The input is not well-formed JSON or XML, or not a DECP document.

    ``line`` and ``column`` count from 1 (columns in characters), ``offset`` in bytes
    from 0; ``record`` is the index of the record in the document, or None."""

    line: int | None
    column: int | None
    offset: int | None
    record: int | None

class ValidationError(DecpError):
    """The data does not conform (``mode="strict"``, or ``dumps(check=True)``):
    ``issues`` lists the findings."""

    issues: list[Issue]

@final
class Issue:
    """One finding: what is wrong (or repaired), where, and why.

    The catalogue of codes is :func:`rules`; the JSON form is :meth:`to_dict`,
    identical to an entry of the CLI's JSON report. Issues compare equal field by
    field, hash (sets, dict keys) and pickle (to come back from ``multiprocessing``
    workers)."""

    @property
    def code(self) -> str:
        """The stable code, e.g. ``"schema.enum"``."""
    @property
    def family(self) -> str:
        """``"schema"`` (the official schemas' verdict), ``"rule"`` (regulatory rules),
        ``"quality"``, ``"repair"`` (what ``normalize`` changed), ``"upgrade"`` or
        ``"convert"``."""
    @property
    def severity(self) -> Literal["error", "warning", "info"]:
        """``"error"``, ``"warning"`` or ``"info"``."""
    @property
    def path(self) -> str:
        """JSON Pointer into the official JSON shape, e.g.
        ``"/marches/marche/0/titulaires/0/titulaire/id"``."""
    @property
    def loc(self) -> tuple[str | int, ...]:
        """The path as a tuple of member names and list indexes, as pydantic's ``loc``."""
    @property
    def line(self) -> int | None:
        """Line of the value (from 1); None for a document given as Python objects."""
    @property
    def column(self) -> int | None:
        """Column of the value (from 1, in characters); None as ``line``."""
    @property
    def record(self) -> int | None:
        """Index of the record in its document (from 0), or None."""
    @property
    def value(self) -> str | None:
        """The value concerned, as text (cut after 200 characters), or None."""
    @property
    def message(self) -> str:
        """The message, in the language asked."""
    def to_dict(self) -> dict[str, Any]:
        """The finding as the CLI's JSON report writes it: ``code``, ``family``,
        ``severity``, ``path``, ``line``, ``column``, ``record``, ``value``, ``message``."""

@final
class Report:
    """What :func:`validate` found in one input. True when valid.

    A report pickles with its findings and its JSON entry: unpickled, every
    property and :meth:`to_dict` / :meth:`to_json` give what the original gave.
    Reports compare equal when their figures and JSON entries are (unhashable)."""

    @property
    def valid(self) -> bool:
        """No error finding, and the input could be read to the end."""
    @property
    def records(self) -> int:
        """Records read (those that could not be decoded count too)."""
    @property
    def issues(self) -> list[Issue]:
        """The findings kept (all, unless ``max_issues``), in document order."""
    @property
    def path(self) -> str:
        """The input's name: the path as given, ``"<bytes>"``, ``"<string>"``,
        ``"<object>"``, or a file object's ``name``."""
    @property
    def format(self) -> _Format | None:
        """The detected format, or None when the input could not be read."""
    @property
    def version(self) -> str | None:
        """The detected version: ``"2"``, ``"1.5"``, ``"1.5+2"`` (a file mixing shapes), or None."""
    @property
    def fatal(self) -> str | None:
        """The error that stopped reading (the input is then not valid), or None."""
    @property
    def error_count(self) -> int:
        """Number of error findings (all of them, even beyond ``max_issues``)."""
    @property
    def warning_count(self) -> int:
        """Number of warning findings."""
    def errors(self) -> list[Issue]:
        """The error findings kept."""
    def warnings(self) -> list[Issue]:
        """The warning findings kept."""
    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON report entry for this input (``decp validate --report json``), identical."""
    def to_json(self, *, indent: int | bool | None = None) -> str:
        """The same entry as JSON text; any ``indent`` (an int, or True) pretty-prints
        with the CLI's indentation."""
    def __bool__(self) -> bool: ...

@final
class Record:
    """One record of a document, as :func:`iter_records` yields it."""

    @property
    def kind(self) -> Literal["marche", "contrat-concession"] | None:
        """The record's kind."""
    @property
    def version(self) -> str | None:
        """The version told from the record's shape (``"2"``, ``"1.5"``…), before any upgrade."""
    @property
    def data(self) -> dict[str, Any] | None:
        """The record in the official JSON shape, built on first access (amounts
        ``Decimal``, dates ``date`` by default); None when it could not be read (its
        finding is in ``issues``)."""
    @property
    def issues(self) -> list[Issue]:
        """The record's findings: decoding, upgrade, and rules with ``validate=True``."""
    @property
    def path(self) -> str | None:
        """The record's JSON Pointer, e.g. ``"/marches/marche/3"``."""
    @property
    def id(self) -> str | None:
        """The record's ``id``, when valid."""
    @property
    def line(self) -> int | None:
        """Line where the record starts (from 1)."""
    @property
    def column(self) -> int | None:
        """Column where the record starts (from 1)."""
    @property
    def offset(self) -> int | None:
        """Byte offset where the record starts (from 0)."""
    @property
    def index(self) -> int | None:
        """Index of the record in its document (from 0)."""

@final
class RecordIterator(Iterator[Record]):
    """The records of a document, read one at a time in constant memory."""

    def __iter__(self) -> RecordIterator: ...
    def __next__(self) -> Record:
        """The next record. Raises ``ParseError`` when the document's structure
        breaks (a broken record is yielded with its finding instead), ``OSError``
        when reading fails."""
    @property
    def envelope_issues(self) -> list[Issue]:
        """Findings about the document rather than a record (its envelope, its
        encoding), met so far."""

@final
class Scan:
    """A flat table of a document, exported through the Arrow PyCapsule interface
    when a consumer asks: ``pyarrow.table(s)``, ``polars.DataFrame(s)``,
    ``duckdb.sql("select … from s")``, ``pandas.DataFrame.from_arrow(s)``."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """A capsule ``arrow_array_stream``; each call reads the source anew (a file
        object only once: ``DecpError`` then)."""
    def __arrow_c_schema__(self) -> object:
        """A capsule ``arrow_schema`` of the table's schema."""
    @property
    def table(self) -> _TableName:
        """The table's name."""
    @property
    def columns(self) -> list[str]:
        """The column names, in order."""

def load(
    fp: str | os.PathLike[str] | _SupportsRead,
    *,
    format: _Format | None = None,
    normalize: bool = False,
    upgrade: bool = False,
    mode: _Mode = "tolerant",
    numbers: _Numbers = "decimal",
    dates: _Dates = "date",
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Read a whole document from a path or a file object, as :mod:`json` does.

    Returns the document in the official JSON shape: v2, or v1 as read unless
    ``upgrade=True`` (then v1 records become v2). Amounts and rates are
    ``decimal.Decimal`` (``numbers="float"`` or ``"str"`` otherwise), dates
    ``datetime.date`` (``dates="str"``: ``"YYYY-MM-DD"``), integers ``int``
    (``numbers="str"`` gives every number as its exact text: for display, since
    ``dumps`` then writes them as JSON strings, which the schema refuses). v1
    records keep their dates as the text published (v1 allows forms v2 does not):
    ``upgrade=True`` gives dates. In the
    default tolerant mode a value that does not fit its official type is kept as
    it was; ``mode="strict"`` raises on it. ``normalize=True`` repairs producers'
    defects (``"12 000,50"``, dates with a time zone…) as ``decp validate
    --normalize`` does. ``format`` is detected when None.

    ``limits``: the limits on hostile input (:class:`Limits`); a record over one
    raises ``ParseError``.

    Raises ``ParseError`` (broken JSON/XML, not a DECP document), ``ValidationError``
    (strict mode), ``DecpError`` (a document mixing v1 and v2 records without
    ``upgrade``), ``OSError``.
    """

def loads(
    s: str | bytes | bytearray,
    *,
    format: _Format | None = None,
    normalize: bool = False,
    upgrade: bool = False,
    mode: _Mode = "tolerant",
    numbers: _Numbers = "decimal",
    dates: _Dates = "date",
    limits: Limits | None = None,
) -> dict[str, Any]:
    """:func:`load` from the document's text or bytes (``TypeError`` for anything else)."""

def dumps(
    obj: dict[str, Any],
    *,
    format: _Format = "json",
    indent: int | None = None,
    check: bool = False,
    upgrade: bool = False,
    lang: _Lang = "fr",
) -> str:
    """Write a document given as Python objects, exactly as the core's writers do.

    ``obj`` is in the official JSON shape; values may be ``Decimal``, ``float``,
    ``int``, ``datetime.date``, ``str``, ``bool``, ``None``, dicts, lists and tuples.
    ``indent`` (any int) pretty-prints with the writers' own indentation; None
    writes compactly. A value that does not fit the schema is written as given
    where the format allows (``decp.validate(obj)`` lists its findings);
    ``check=True`` runs every check and raises ``ValidationError`` on an error
    finding. ``upgrade=True`` writes v1 records as v2.

    Raises ``ValidationError`` (``check=True`` and an error finding; a record the
    format cannot carry; a dict that is not a DECP document, such as a record
    without its ``{"marches": {"marche": [...]}}`` envelope: nothing is dropped
    silently), ``TypeError`` (``obj`` not a dict, or a value of another type),
    ``ValueError`` (a non-finite number).
    """

def dump(
    obj: dict[str, Any],
    fp: _SupportsWrite,
    *,
    format: _Format = "json",
    indent: int | None = None,
    check: bool = False,
    upgrade: bool = False,
    lang: _Lang = "fr",
) -> None:
    """:func:`dumps` into a file object (text, or binary: UTF-8)."""

def iter_records(
    src: _Source,
    *,
    format: _Format | None = None,
    normalize: bool = False,
    upgrade: bool = False,
    mode: _Mode = "tolerant",
    validate: bool = False,
    lang: _Lang = "fr",
    numbers: _Numbers = "decimal",
    dates: _Dates = "date",
    limits: Limits | None = None,
) -> RecordIterator:
    """The records of a document one at a time, in constant memory (multi-GB files).

    A record that cannot be read is yielded with ``data`` None and its finding;
    ``validate=True`` adds the rules' findings to each record's ``issues``.

    Raises ``ParseError`` (when iterating: a broken document structure), ``OSError``.
    """

def validate(
    src: _Source,
    *,
    lang: _Lang = "fr",
    normalize: bool = False,
    strict: bool = False,
    only: _FamilyName | Iterable[_FamilyName] | None = None,
    upgrade: bool = False,
    format: _Format | None = None,
    max_issues: int | None = None,
    jobs: int | None = None,
    limits: Limits | None = None,
) -> Report:
    """Validate a document as ``decp validate`` does: same codes, paths, positions, counts.

    ``only`` runs only these families (``"schema"`` or ``["schema"]`` is the
    official schemas' verdict; an empty list is a ``ValueError``); ``strict`` refuses values that do not fit their types (a refused
    record is one finding); ``max_issues`` keeps at most that many findings (counts
    stay exact); ``jobs`` is the number of threads (None: every core; at least 1, at most
    4 per core, as the CLI's ``-j``). A document
    given as Python objects has findings without ``line``/``column``: ``path`` and
    ``loc`` say where. A file that cannot be read gives a report with ``fatal``.

    ``limits`` lowers (or raises) the limits on hostile input (:class:`Limits`:
    ``{"max_depth": 16}``...): a record over one is a ``schema.syntax`` finding.

    Raises ``TypeError`` for a source of another type (or a value of another type
    in a document given as objects), ``ValueError`` for a bad option or a
    non-finite number, and the exception a file object's ``read()`` raised.
    """

def upgrade(
    src: _Source,
    *,
    format: _Format | None = None,
    normalize: bool = False,
    numbers: _Numbers = "decimal",
    dates: _Dates = "date",
    limits: Limits | None = None,
) -> dict[str, Any]:
    """A document, v1 or v2, as a v2 document in Python objects (see :func:`load`)."""

def duplicates(
    srcs: _DupSource | Iterable[_DupSource],
    *,
    prefer: str | Iterable[str] = (),
    format: _Format | None = None,
    normalize: bool = False,
    jobs: int | None = None,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """The contracts published several times across sources (paths or ``bytes``;
    each is read twice, so not file objects; a directory stands for its ``*.json``
    and ``*.xml`` files, recursively, as on the command line; ``bytes`` are named
    ``<bytes HASH>`` by their content), as ``decp dedup --report`` gives them:
    ``{"records", "kept", "dropped", "unreadable", "groups": [{"key", "kept", "dropped"}],
    "near_duplicates": [[PLACE, …]]}``; a PLACE is ``{"source", "record"}`` (record
    from 0), a dropped one has a ``"reason"`` (the criterion that chose the kept
    record: ``datePublicationDonnees``, ``findings``, ``fields``, ``prefer``,
    ``content``, ``identical``); a ``key`` is ``{"acheteur", "id", "date",
    "titulaires", "montant"}`` as compared (identifiers on letters and digits,
    upper case; the amount exact, ``decimal.Decimal``).

    Records agreeing on the buyer, the contract's id, the notification date, the
    sorted holders and the exact amount are one contract: the most recently
    published is kept, then the one with the fewest findings, then the most
    fields, then the first ``prefer`` pattern its source name contains — whatever
    the order of ``srcs``. Same buyer, id and date with another amount or other
    holders: near duplicates, reported, never merged. Memory: about 150 bytes per
    record at the peak, not the records. Raises :class:`ParseError` when a source cannot be read,
    ``ValueError`` for a file object or a directory without DECP files.
    """

class OcdsWarning(UserWarning):
    """A record :func:`to_ocds` could not export (unreadable, or without the buyer's
    or the contract's ``id`` that its ``ocid`` is made of): the message says which
    and why. A record identical to one already exported is not repeated, and not
    warned about."""

def to_ocds(
    src: _Source,
    *,
    ocid_prefix: str,
    uri: str | None = None,
    publisher: str | None = None,
    format: _Format | None = None,
    normalize: bool = False,
    jobs: int | None = None,
    lang: _Lang = "fr",
    limits: Limits | None = None,
) -> dict[str, Any]:
    """A document (v1 or v2, JSON or XML; a path, file object, ``bytes`` or
    ``str``) as an OCDS 1.1 release package, as Python objects: amounts exact,
    ``int`` or ``decimal.Decimal``, never ``float`` (euros excluding VAT, in
    ``value.amount`` with currency ``EUR``), dates as OCDS date-time strings.

    One release per contract state: the contract as published (tags ``award``,
    ``contract``), then one per modification in order (``contractAmendment``, with
    ``awardUpdate`` when the holders change), all with one ``ocid``:
    ``ocid_prefix`` (the publisher's registered prefix, such as ``"ocds-213czf"``),
    the buyer's id and the contract's id. ``procurementMethod`` comes from the DECP
    procedure (absent for a "Procédure adaptée"), ``mainProcurementCategory`` from
    the CPV division; DECP fields OCDS has no place for are in each release's
    ``decp`` object. The mapping is documented in the Rust core
    (``decp_core::ocds``); the same as ``decp convert --to ocds``.

    ``uri`` and ``publisher`` are the package's ``uri`` (default
    ``urn:x-decp:{ocid_prefix}``) and ``publisher.name`` (default ``"decp"``);
    ``publishedDate`` is the latest release date.

    Records that cannot be exported are skipped with an :class:`OcdsWarning` each
    (message in ``lang``), as are errors about the envelope (text between records).
    Raises :class:`ParseError` when the document cannot be read or is not DECP,
    ``OSError`` (``FileNotFoundError``…, with ``filename``) for a path that cannot be
    opened, ``ValueError`` for an empty ``ocid_prefix``.
    """

def dump_ocds(
    src: _Source,
    fp: Any,
    *,
    ocid_prefix: str,
    uri: str | None = None,
    publisher: str | None = None,
    format: _Format | None = None,
    normalize: bool = False,
    jobs: int | None = None,
    lang: _Lang = "fr",
    limits: Limits | None = None,
) -> None:
    """:func:`to_ocds` written to ``fp`` as it is made, as :func:`json.dump` does:
    the release package's JSON text, byte for byte what ``decp convert --to ocds``
    writes, in memory that does not grow with the document (for national files of
    several gigabytes, where :func:`to_ocds`'s objects would not fit). ``fp`` is a
    binary file (``open(path, "wb")``: UTF-8 bytes) or a text file (``str``).

    Records that cannot be exported are skipped with an :class:`OcdsWarning` each.
    Raises :class:`ParseError` when the document cannot be read (what was written
    before stays in ``fp``: write to a temporary file and rename it once this
    returns), ``ValueError`` for an empty ``ocid_prefix``, ``TypeError`` when ``fp``
    has no ``write``, and whatever ``fp.write`` raises.
    """

def rules(lang: _Lang = "fr") -> list[dict[str, Any]]:
    """The catalogue of finding codes: ``code``, ``family``, ``severity``, ``message``
    (the template in ``lang``), ``versions`` (``["v1", "v2"]``: the versions the check
    applies to)."""

def scan(
    src: _Source,
    *,
    table: _TableName = "marches",
    format: _Format | None = None,
    normalize: bool = False,
    state: Literal["all", "current"] = "all",
    float: bool = False,
    dictionary: bool = True,
    batch_size: int = 65536,
    jobs: int | None = None,
    limits: Limits | None = None,
) -> Scan:
    """A flat table of the document, read when a consumer asks for its Arrow stream
    (no copy, no runtime dependency); the tables of ``decp flatten``.

    ``table``: ``"marches"`` (one row per contract × holder × state: as published,
    then after each modification in order; ``donneesActuelles`` marks the current
    state), ``"concessions"`` (likewise per concessionnaire), ``"modifications"``,
    ``"actes_sous_traitance"``, ``"donnees_execution"`` or ``"findings"`` (every
    finding of validation, with the record's key). ``state="current"`` keeps only
    each contract's current state. Columns are named as in the community "format
    tabulaire" (``uid``, ``id``, ``acheteur_id``, ``titulaire_id``, ``montant``,
    ``dateNotification``…); identifiers are strings, dates ``date32``, amounts and
    rates ``decimal128(38, 10)`` (``float=True``: ``float64``). Codes
    (``nature``, ``procedure``, ``ccag``, the items of ``techniques``…, and
    ``sourceFile``, ``version``) are dictionary-encoded, ``dictionary<int32,
    string>``, lists of codes ``list<dictionary<int32, string>>``: the same texts,
    each held once per batch (``marches`` takes about 40 % less memory; pandas
    ``category``, polars ``Categorical``, DuckDB ``VARCHAR``).
    ``dictionary=False`` gives plain ``string`` and ``list<string>`` columns, as
    the Parquet files of ``decp flatten`` hold. v1 records are read as v2
    (``version`` gives the source version). A value that does not fit its column is null, and a record that
    cannot be read gives no row: ``table="findings"`` lists both, with the value.
    ``decp flatten --schema`` describes every column.

    ``batch_size``: rows per record batch, at most (with one job, a record's rows
    stay together, so the last record of a batch may take it a few rows past);
    with ``jobs`` above 1 each thread makes a few thousand records' rows at a time,
    so batches are often smaller. ``jobs``: threads (default: every core). A path
    or ``bytes`` are read on those threads, ahead of the consumer (a few batches
    ahead, never more); a file object is read on the consumer's thread.

    Errors surface in the consumer, with decp's message: ``pyarrow.ArrowInvalid``,
    ``polars.ComputeError``, ``duckdb.InvalidInputException``, after the rows of
    every record read before the error. A path that does not exist raises
    ``FileNotFoundError`` at once.
    """

def to_arrow(src: _Source, **kwargs: Any) -> Any:
    """``pyarrow.table(scan(src, **kwargs))`` (needs pyarrow)."""

def to_polars(src: _Source, **kwargs: Any) -> Any:
    """``polars.DataFrame(scan(src, **kwargs))`` (needs polars)."""

def to_pandas(src: _Source, **kwargs: Any) -> Any:
    """The table as a ``pandas.DataFrame`` (needs pandas, and pyarrow before pandas 3)."""
