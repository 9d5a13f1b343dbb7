//! Python bindings of `decp-core`: the extension module `decp._decp` of the
//! package `decp` (built with maturin; the Python layer is `decp-py/python/decp`).
//!
//! Every entry point only translates: it resolves the source, calls the core's
//! reader, per-record step, file workflows, writers or tables, and turns their
//! results into Python objects. No rule, message or path is computed here. The GIL
//! is released while the core reads, checks and writes (a Python file object is
//! read with the GIL taken for each `read()` call only).

mod objects;
mod scan;
mod source;
mod values;

use decp_core::ocds::PackageBuilder;
use decp_core::{
    Checker, DecodeOptions, Families, Family, FileReport, IssueCode, Lang, Record, RecordKind,
    Validator, ValidatorOptions, WriterBuilder,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::objects::{Issue, RecordIterator, Report};
use crate::source::{
    DecpError, ParseError, ReadOpts, Src, ValidationError, open, parse_format, parse_mode, source,
    to_py_err,
};
use crate::values::{Numbers, PySink};

/// Runs `f`, turning a panic (a bug in decp) into a `DecpError` instead of pyo3's
/// `PanicException` (which is not an `Exception`).
pub(crate) fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(DecpError::new_err(format!(
            "internal error (a bug in decp): {what}"
        )))
    })
}

fn parse_lang(s: &str) -> PyResult<Lang> {
    match s {
        "fr" => Ok(Lang::Fr),
        "en" => Ok(Lang::En),
        o => Err(PyValueError::new_err(format!(
            "lang must be \"fr\" or \"en\", not {o:?}"
        ))),
    }
}

fn parse_dates(s: &str) -> PyResult<bool> {
    match s {
        "date" => Ok(true),
        "str" => Ok(false),
        o => Err(PyValueError::new_err(format!(
            "dates must be \"date\" or \"str\", not {o:?}"
        ))),
    }
}

/// Worker threads: the core's rule (`decp_core::pipeline::jobs`), as the CLI's `-j`;
/// a negative number is a `ValueError` (not the `OverflowError` of a conversion).
fn threads(j: Option<i64>) -> PyResult<usize> {
    match j {
        Some(n) if n < 0 => Err(PyValueError::new_err(format!(
            "jobs must be 0 or more (0 or 1: one thread), not {n}"
        ))),
        Some(n) => Ok(decp_core::pipeline::jobs(Some(
            usize::try_from(n).unwrap_or(usize::MAX),
        ))),
        None => Ok(decp_core::pipeline::jobs(None)),
    }
}

/// The records of a document, read to the end (syntax errors and, in strict mode,
/// values that do not fit raise).
fn read_all(src: Src, o: ReadOpts, upgrade: bool) -> Result<Vec<Record>, decp_core::Error> {
    let mut reader = open(src, o)?;
    let mut out = Vec::new();
    while let Some(d) = reader.next_record() {
        match d {
            Ok(d) => out.push(if upgrade {
                d.upgrade().record
            } else {
                d.record
            }),
            Err(e) => match e.kind() {
                decp_core::ErrorKind::Envelope { code, .. }
                    if *code != decp_core::IssueCode::NotDecp =>
                {
                    // A finding about the envelope (an encoding relabelled, an
                    // unknown top-level member): `validate` reports it.
                }
                _ => return Err(e),
            },
        }
    }
    Ok(out)
}

/// Reads a whole document into plain Python objects (see `decp.load`).
#[pyfunction]
#[pyo3(signature = (src, *, text_is_document=false, format=None, normalize=false, upgrade=false, mode="tolerant", numbers="decimal", dates="date", limits=None))]
#[allow(clippy::too_many_arguments)]
fn _load<'py>(
    py: Python<'py>,
    src: &Bound<'py, PyAny>,
    text_is_document: bool,
    format: Option<&str>,
    normalize: bool,
    upgrade: bool,
    mode: &str,
    numbers: &str,
    dates: &str,
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let o = ReadOpts::parse(format, parse_mode(mode)?, normalize, limits)?;
        let (numbers, dates) = (Numbers::parse(numbers)?, parse_dates(dates)?);
        let (src, _) = source(src, text_is_document)?;
        source::check_path(py, &src)?;
        let records = py
            .detach(|| read_all(src, o, upgrade))
            // `load` has no `lang`: its exceptions speak English, as Python's do.
            .map_err(|e| to_py_err(py, e, Lang::En))?;
        let v1 = records.first().is_some_and(Record::is_v1);
        if records.iter().any(|r| r.is_v1() != v1) {
            return Err(DecpError::new_err(
                "the document mixes v1 and v2 records: load it with upgrade=True",
            ));
        }
        let mut sink = PySink::new(py, numbers, dates)?.sharing_keys();
        let marches = PyDict::new(py);
        if v1 {
            let items = PyList::empty(py);
            for r in &records {
                r.emit(&mut sink);
                items.append(sink.finish()?)?;
            }
            marches.set_item("marches", items)?;
            return Ok(marches.into_any());
        }
        let lists = PyDict::new(py);
        for kind in [RecordKind::Marche, RecordKind::Concession] {
            let items = PyList::empty(py);
            for r in records.iter().filter(|r| r.kind() == kind) {
                r.emit(&mut sink);
                items.append(sink.finish()?)?;
            }
            if kind == RecordKind::Marche || !items.is_empty() {
                lists.set_item(kind.name(), items)?;
            }
        }
        marches.set_item("marches", lists)?;
        Ok(marches.into_any())
    })
}

/// Writes a document given as Python objects (see `decp.dumps`).
#[pyfunction]
#[pyo3(signature = (obj, *, format="json", indent=false, check=false, upgrade=false, lang="fr"))]
fn _dumps(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    format: &str,
    indent: bool,
    check: bool,
    upgrade: bool,
    lang: &str,
) -> PyResult<String> {
    guarded(|| {
        let to = parse_format(Some(format))?.unwrap_or(decp_core::Format::Json);
        let lang = parse_lang(lang)?;
        let (src, _) = source(obj, true)?;
        let o = ReadOpts {
            format: Some(decp_core::Format::Json),
            mode: decp_core::Mode::Tolerant,
            normalize: false,
            // The objects are in memory already: only the depth the decoders can
            // recurse safely is kept.
            limits: decp_core::Limits::default()
                .max_record_bytes(usize::MAX)
                .max_members(usize::MAX)
                .max_value_bytes(usize::MAX),
        };
        let mut checker = Checker::new(DecodeOptions::default()).upgrade(upgrade);
        if check {
            checker = checker.validator(Validator::new(ValidatorOptions::default()));
        }
        let r = py.detach(|| {
            let reader = open(src, o)?;
            let mut w = WriterBuilder::new(to)
                .pretty(indent)
                .from_writer(Vec::new());
            let mut issues = Vec::new();
            let n = checker
                .convert(reader, &mut w, 1, &|_| {}, |c| {
                    issues.extend(c.issues.iter().cloned());
                    true
                })
                .map_err(decp_core::Error::from)?;
            let bytes = w.finish()?;
            Ok::<_, decp_core::Error>((bytes, issues, n))
        });
        let (bytes, mut issues, n) = r.map_err(|e| to_py_err(py, e, lang))?;
        for i in &mut issues {
            // Positions in a text the caller never saw mean nothing: the path says where.
            i.position = None;
        }
        // Not a DECP document at all (a record without its envelope, say): writing
        // it would give an empty document.
        let not_decp = issues
            .iter()
            .any(|i| i.code == decp_core::IssueCode::NotDecp);
        let lost = n.skipped > 0 || n.unreadable > 0 || not_decp;
        if lost
            || (check
                && issues
                    .iter()
                    .any(|i| i.severity() == decp_core::Severity::Error))
        {
            let errors = issues
                .iter()
                .filter(|i| i.severity() == decp_core::Severity::Error)
                .count();
            let lost_records = n.skipped + n.unreadable;
            // In the language of the findings it carries.
            let what = match (lang, not_decp, lost) {
                (Lang::Fr, true, _) => "document non conforme : pas un document DECP ; les enregistrements vont dans {\"marches\": {\"marche\": [...]}}".to_string(),
                (Lang::En, true, _) => "the document does not conform: not a DECP document: the records go inside {\"marches\": {\"marche\": [...]}}".to_string(),
                (Lang::Fr, _, true) => format!("document non conforme : {lost_records} enregistrement(s) non écrit(s)"),
                (Lang::En, _, true) => format!("the document does not conform: {lost_records} record(s) could not be written"),
                (Lang::Fr, _, _) => format!("document non conforme : {errors} constat(s) d'erreur"),
                (Lang::En, _, _) => format!("the document does not conform: {errors} error finding(s)"),
            };
            let err = ValidationError::new_err(what);
            let list: Vec<Issue> = issues.iter().map(|i| Issue::new(i, lang)).collect();
            err.value(py).setattr("issues", list)?;
            return Err(err);
        }
        String::from_utf8(bytes).map_err(|e| DecpError::new_err(e.to_string()))
    })
}

/// Validates a document (see `decp.validate`).
#[pyfunction]
#[pyo3(signature = (src, *, lang="fr", normalize=false, strict=false, only=None, upgrade=false, format=None, max_issues=None, jobs=None, limits=None))]
#[allow(clippy::too_many_arguments)]
fn validate(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    lang: &str,
    normalize: bool,
    strict: bool,
    only: Option<Bound<'_, PyAny>>,
    upgrade: bool,
    format: Option<&str>,
    max_issues: Option<u64>,
    jobs: Option<i64>,
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<Report> {
    guarded(|| {
        let lang = parse_lang(lang)?;
        let only: Option<Vec<String>> = match only {
            None => None,
            // One family given as a string, or an iterable of them.
            Some(o) if o.is_instance_of::<pyo3::types::PyString>() => Some(vec![o.extract()?]),
            Some(o) => Some(
                o.try_iter()?
                    .map(|x| x.and_then(|x| x.extract::<String>()))
                    .collect::<PyResult<_>>()?,
            ),
        };
        if only.as_ref().is_some_and(Vec::is_empty) {
            return Err(PyValueError::new_err(
                "only needs at least one family: \"schema\", \"rule\" or \"quality\"",
            ));
        }
        let families = match only {
            None => Families::default(),
            Some(names) => {
                let fs = names
                    .iter()
                    .map(|n| match n.as_str() {
                        "schema" => Ok(Family::Schema),
                        "rule" => Ok(Family::Rule),
                        "quality" => Ok(Family::Quality),
                        o => Err(PyValueError::new_err(format!(
                            "only takes \"schema\", \"rule\" and \"quality\", not {o:?}"
                        ))),
                    })
                    .collect::<PyResult<Vec<_>>>()?;
                Families::of(&fs)
            }
        };
        let mode = if strict {
            decp_core::Mode::Strict
        } else {
            decp_core::Mode::Tolerant
        };
        let o = ReadOpts::parse(format, mode, normalize, limits)?;
        let (src, name) = source(src, false)?;
        let is_value = matches!(src, Src::Value(_));
        let validator = Validator::new(ValidatorOptions::default().families(families));
        let checker = Checker::new(DecodeOptions::default())
            .validator(validator)
            .upgrade(upgrade);
        let jobs = threads(jobs)?;
        source::READ_ERROR.with(|r| r.borrow_mut().take());
        let mut report = py.detach(|| {
            let mut fr = FileReport::new(name);
            match open(src, o) {
                Err(e) => fr.fatal = Some(e),
                Ok(reader) => {
                    checker.validate(reader, jobs, max_issues, &mut fr, &|_| {}, |_| true)
                }
            }
            fr
        });
        if let Some(e) = source::READ_ERROR.with(|r| r.borrow_mut().take()) {
            // The file object failed: its exception, not a report.
            return Err(e);
        }
        if is_value {
            for i in &mut report.issues {
                i.position = None;
            }
        }
        Report::new(py, report, lang)
    })
}

/// The records of a document, one at a time (see `decp.iter_records`).
#[pyfunction]
#[pyo3(signature = (src, *, format=None, normalize=false, upgrade=false, mode="tolerant", validate=false, lang="fr", numbers="decimal", dates="date", limits=None))]
#[allow(clippy::too_many_arguments)]
fn iter_records(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    format: Option<&str>,
    normalize: bool,
    upgrade: bool,
    mode: &str,
    validate: bool,
    lang: &str,
    numbers: &str,
    dates: &str,
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<RecordIterator> {
    guarded(|| {
        let o = ReadOpts::parse(format, parse_mode(mode)?, normalize, limits)?;
        let lang = parse_lang(lang)?;
        let (numbers, dates) = (Numbers::parse(numbers)?, parse_dates(dates)?);
        let (src, _) = source(src, false)?;
        source::check_path(py, &src)?;
        let reader = py
            .detach(|| open(src, o))
            .map_err(|e| to_py_err(py, e, lang))?;
        let mut checker = Checker::new(reader.decode_options()).upgrade(upgrade);
        if validate {
            checker = checker.validator(Validator::new(ValidatorOptions::default()));
        }
        Ok(RecordIterator::new(reader, checker, lang, numbers, dates))
    })
}

/// A document as an OCDS release package (see `decp.to_ocds`): the package's
/// JSON text and the findings of the records it could not carry
/// (`convert.not_written`, and the unreadable records' syntax findings).
#[pyfunction]
#[pyo3(signature = (src, *, ocid_prefix, uri=None, publisher=None, format=None, normalize=false, jobs=None, lang="fr", limits=None))]
#[allow(clippy::too_many_arguments)]
fn _to_ocds(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    ocid_prefix: &str,
    uri: Option<String>,
    publisher: Option<String>,
    format: Option<&str>,
    normalize: bool,
    jobs: Option<i64>,
    lang: &str,
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<(String, Vec<Issue>)> {
    guarded(|| {
        let o = OcdsOpts::new(
            ocid_prefix,
            uri,
            publisher,
            format,
            normalize,
            jobs,
            lang,
            limits,
        )?;
        let (bytes, skipped) = ocds_package(py, src, Vec::new(), &o)?;
        Ok((String::from_utf8(bytes).unwrap_or_default(), skipped))
    })
}

/// A document as an OCDS release package written to a file object as it is made
/// (see `decp.dump_ocds`); returns the findings of the records not carried.
#[pyfunction]
#[pyo3(signature = (src, fp, *, ocid_prefix, uri=None, publisher=None, format=None, normalize=false, jobs=None, lang="fr", limits=None))]
#[allow(clippy::too_many_arguments)]
fn _dump_ocds(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    fp: &Bound<'_, PyAny>,
    ocid_prefix: &str,
    uri: Option<String>,
    publisher: Option<String>,
    format: Option<&str>,
    normalize: bool,
    jobs: Option<i64>,
    lang: &str,
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<Vec<Issue>> {
    guarded(|| {
        let o = OcdsOpts::new(
            ocid_prefix,
            uri,
            publisher,
            format,
            normalize,
            jobs,
            lang,
            limits,
        )?;
        let w = source::PyWriter::new(fp)?;
        let failed = std::sync::Arc::clone(&w.error);
        let result = ocds_package(py, src, w, &o);
        // The file object's own exception, raised as itself.
        if let Some(e) = failed.lock().ok().and_then(|mut e| e.take()) {
            return Err(e);
        }
        let (mut w, skipped) = result?;
        std::io::Write::flush(&mut w)?;
        if let Some(e) = failed.lock().ok().and_then(|mut e| e.take()) {
            return Err(e);
        }
        Ok(skipped)
    })
}

/// The options of an OCDS export, checked.
struct OcdsOpts {
    package: PackageBuilder,
    read: ReadOpts,
    jobs: usize,
    lang: Lang,
}

impl OcdsOpts {
    #[allow(clippy::too_many_arguments)]
    fn new(
        ocid_prefix: &str,
        uri: Option<String>,
        publisher: Option<String>,
        format: Option<&str>,
        normalize: bool,
        jobs: Option<i64>,
        lang: &str,
        limits: Option<std::collections::HashMap<String, i128>>,
    ) -> PyResult<OcdsOpts> {
        let lang = parse_lang(lang)?;
        decp_core::ocds::check_prefix(ocid_prefix)
            .map_err(|e| PyValueError::new_err(format!("ocid_prefix: {}", e.text(lang))))?;
        let mut package = PackageBuilder::new(ocid_prefix);
        if let Some(u) = uri {
            package.uri(u);
        }
        if let Some(p) = publisher {
            package.publisher(p);
        }
        Ok(OcdsOpts {
            package,
            read: ReadOpts::parse(format, decp_core::Mode::Tolerant, normalize, limits)?,
            jobs: threads(jobs)?,
            lang,
        })
    }
}

/// Writes the release package of `src` into `out`; returns `out` and the findings
/// of the records not carried (unreadable, or refused by the package).
fn ocds_package<W: std::io::Write + Send>(
    py: Python<'_>,
    src: &Bound<'_, PyAny>,
    out: W,
    o: &OcdsOpts,
) -> PyResult<(W, Vec<Issue>)> {
    let (src, _) = source(src, false)?;
    source::check_path(py, &src)?;
    source::READ_ERROR.with(|r| r.borrow_mut().take());
    let result = py.detach(|| {
        let reader = open(src, o.read)?;
        let checker = Checker::new(reader.decode_options()).upgrade(true);
        let mut w = o.package.from_writer(out);
        let mut skipped = Vec::new();
        let mut not_decp = None;
        checker.convert(reader, &mut w, o.jobs, &|_| {}, |c| {
            let error = || {
                c.issues
                    .iter()
                    .find(|i| i.severity() == decp_core::Severity::Error)
                    .cloned()
            };
            if !c.is_record() {
                // A document that is not DECP cannot be read, as `load` says;
                // another error about the envelope (stray text between records)
                // is warned about, as the CLI reports it.
                if let Some(i) = c.issues.iter().find(|i| i.code == IssueCode::NotDecp) {
                    not_decp = Some(i.clone());
                    return false;
                }
                skipped.extend(error());
                return true;
            }
            // A record not exported: unreadable, or refused by the package (its
            // error finding says why). A repeat is not a loss.
            if c.record.is_none() || c.issues.iter().any(|i| i.code == IssueCode::NotWritten) {
                skipped.extend(error());
            }
            true
        })?;
        if let Some(i) = not_decp {
            return Ok(Err(i));
        }
        Ok::<_, decp_core::Error>(Ok((w.finish()?, skipped)))
    });
    if let Some(e) = source::READ_ERROR.with(|r| r.borrow_mut().take()) {
        return Err(e);
    }
    match result.map_err(|e| to_py_err(py, e, o.lang))? {
        Err(i) => Err(source::parse_error(py, i.message(o.lang), i.position)),
        Ok((out, skipped)) => Ok((out, skipped.iter().map(|i| Issue::new(i, o.lang)).collect())),
    }
}

/// The duplicates report of a set of sources (see `decp.duplicates`), as JSON.
#[pyfunction]
#[pyo3(signature = (srcs, *, prefer=Vec::new(), format=None, normalize=false, jobs=None, limits=None))]
fn _duplicates(
    py: Python<'_>,
    srcs: Vec<Bound<'_, PyAny>>,
    prefer: Vec<String>,
    format: Option<&str>,
    normalize: bool,
    jobs: Option<i64>,
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<String> {
    guarded(|| {
        let o = ReadOpts::parse(format, decp_core::Mode::Tolerant, normalize, limits)?;
        // Each source is read twice: paths and bytes only (a file object could not be).
        let mut sources = Vec::new();
        for src in &srcs {
            let (s, name) = source(src, false)?;
            if !matches!(&s, Src::Path(p) if p.is_dir()) {
                source::check_path(py, &s)?;
            }
            // A directory stands for its DECP files, as on the command line.
            if let Src::Path(p) = &s
                && p.is_dir()
            {
                let files = decp_core::files::decp_files(p)?;
                if files.is_empty() {
                    return Err(PyValueError::new_err(format!(
                        "{name}: no *.json or *.xml file in this directory"
                    )));
                }
                for f in files {
                    let name = f.display().to_string();
                    sources.push((Src::Path(f), name));
                }
                continue;
            }
            let name = match &s {
                Src::Path(_) => name,
                // Named by content, so that the report does not depend on the order.
                Src::Bytes(b) | Src::Text(b) => {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::hash::DefaultHasher::new();
                    b.hash(&mut h);
                    format!("<bytes {:016x}>", h.finish())
                }
                _ => {
                    return Err(PyValueError::new_err(
                        "duplicates reads each source twice: give paths or bytes, not file objects",
                    ));
                }
            };
            sources.push((s, name));
        }
        // A second `Src` of the same source, for the second pass.
        let again = |s: &Src| match s {
            Src::Path(p) => Src::Path(p.clone()),
            Src::Bytes(b) => Src::Bytes(b.clone()),
            Src::Text(b) => Src::Text(b.clone()),
            _ => unreachable!("refused above"),
        };
        let jobs = threads(jobs)?;
        let result = py.detach(|| {
            let mut index = decp_core::dedup::Index::new(prefer);
            for (s, name) in &sources {
                index.add(name.clone(), open(again(s), o)?, jobs, &|_| {})?;
            }
            let mut d = index.finish();
            for (k, (s, _)) in sources.iter().enumerate() {
                d.note_keys(k as u32, open(again(s), o)?, jobs)?;
            }
            Ok::<_, decp_core::Error>(d.to_json())
        });
        result.map_err(|e| to_py_err(py, e, Lang::En))
    })
}

/// The catalogue of finding codes (see `decp.rules`).
#[pyfunction]
#[pyo3(signature = (lang="fr"))]
fn rules<'py>(py: Python<'py>, lang: &str) -> PyResult<Bound<'py, PyList>> {
    guarded(|| {
        let lang = parse_lang(lang)?;
        let out = PyList::empty(py);
        for e in decp_core::catalogue() {
            let d = PyDict::new(py);
            d.set_item("code", e.code.as_str())?;
            d.set_item("family", e.family.as_str())?;
            d.set_item("severity", e.severity.as_str())?;
            d.set_item("message", e.code.template(lang))?;
            let mut versions = Vec::new();
            if e.v1 {
                versions.push("v1");
            }
            if e.v2 {
                versions.push("v2");
            }
            d.set_item("versions", versions)?;
            out.append(d)?;
        }
        Ok(out)
    })
}

/// The extension module.
#[pymodule]
fn _decp(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DecpError", py.get_type::<DecpError>())?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    // Class-level defaults, so that an instance made by hand has the attributes.
    let pe = py.get_type::<ParseError>();
    for a in ["line", "column", "offset", "record"] {
        pe.setattr(a, py.None())?;
    }
    py.get_type::<ValidationError>()
        .setattr("issues", PyList::empty(py))?;
    m.add_class::<Issue>()?;
    m.add_class::<Report>()?;
    m.add_class::<objects::Record>()?;
    m.add_class::<RecordIterator>()?;
    m.add_class::<scan::Scan>()?;
    m.add_function(wrap_pyfunction!(_load, m)?)?;
    m.add_function(wrap_pyfunction!(objects::_issue_from_state, m)?)?;
    m.add_function(wrap_pyfunction!(objects::_report_from_state, m)?)?;
    m.add_function(wrap_pyfunction!(_dumps, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(iter_records, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(_to_ocds, m)?)?;
    m.add_function(wrap_pyfunction!(_dump_ocds, m)?)?;
    m.add_function(wrap_pyfunction!(_duplicates, m)?)?;
    m.add_function(wrap_pyfunction!(scan::scan, m)?)?;
    Ok(())
}
