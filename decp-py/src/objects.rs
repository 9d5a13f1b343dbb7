//! The package's classes: `Issue`, `Report`, `Record` and the records iterator.

use std::sync::Mutex;

use decp_core::{Checked, Checker, FileReport, Lang, PathSegment, RawRecord};
use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::source::{DynReader, to_py_err};
use crate::values::{Numbers, PySink};

/// One finding.
#[pyclass(module = "decp", frozen, eq, hash)]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Issue {
    /// The stable code, e.g. `"schema.enum"`.
    #[pyo3(get)]
    pub code: String,
    /// `"schema"`, `"rule"`, `"quality"`, `"repair"`, `"upgrade"` or `"convert"`.
    #[pyo3(get)]
    pub family: String,
    /// `"error"`, `"warning"` or `"info"`.
    #[pyo3(get)]
    pub severity: String,
    /// JSON Pointer into the official JSON shape.
    #[pyo3(get)]
    pub path: String,
    /// The path as a tuple of member names and list indexes.
    pub loc: Vec<LocPart>,
    /// Line (from 1), or None (a document given as objects).
    #[pyo3(get)]
    pub line: Option<u64>,
    /// Column (from 1, in characters), or None.
    #[pyo3(get)]
    pub column: Option<u64>,
    /// Index of the record in the document, or None.
    #[pyo3(get)]
    pub record: Option<u64>,
    /// The value concerned, as text.
    #[pyo3(get)]
    pub value: Option<String>,
    /// The message in the language asked.
    #[pyo3(get)]
    pub message: String,
}

/// One step of a `loc` tuple.
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoPyObject, FromPyObject)]
pub enum LocPart {
    Key(String),
    Index(u64),
}

impl Issue {
    pub fn new(i: &decp_core::Issue, lang: Lang) -> Issue {
        Issue {
            code: i.code.as_str().to_owned(),
            family: i.family().as_str().to_owned(),
            severity: i.severity().as_str().to_owned(),
            path: i.path.clone(),
            loc: i
                .path_segments()
                .into_iter()
                .map(|s| match s {
                    PathSegment::Key(k) => LocPart::Key(k),
                    PathSegment::Index(n) => LocPart::Index(n),
                })
                .collect(),
            line: i.position.map(|p| p.line),
            column: i.position.map(|p| p.column),
            record: i.position.and_then(|p| p.record),
            value: i.value.clone(),
            message: i.message(lang),
        }
    }
}

#[pymethods]
impl Issue {
    /// `loc` as a tuple, as pydantic gives it.
    #[getter(loc)]
    fn loc_tuple<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.loc.clone())
    }

    /// The finding as a dict, the shape of the CLI's JSON report.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
        let d = pyo3::types::PyDict::new(py);
        d.set_item("code", &self.code)?;
        d.set_item("family", &self.family)?;
        d.set_item("severity", &self.severity)?;
        d.set_item("path", &self.path)?;
        d.set_item("line", self.line)?;
        d.set_item("column", self.column)?;
        d.set_item("record", self.record)?;
        d.set_item("value", &self.value)?;
        d.set_item("message", &self.message)?;
        Ok(d)
    }

    /// Pickling: the fields, rebuilt by `decp._restore_issue` (no public constructor).
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let state = (
            &self.code,
            &self.family,
            &self.severity,
            &self.path,
            self.loc.clone(),
            self.line,
            self.column,
            self.record,
            &self.value,
            &self.message,
        )
            .into_pyobject(py)?;
        Ok((
            py.import("decp")?.getattr("_restore_issue")?,
            PyTuple::new(py, [state])?,
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "Issue(code={:?}, severity={:?}, path={:?}, line={}, column={}, message={:?})",
            self.code,
            self.severity,
            self.path,
            self.line.map_or("None".into(), |l| l.to_string()),
            self.column.map_or("None".into(), |l| l.to_string()),
            self.message
        )
    }

    fn __str__(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!(
                "{l}:{c}: {} [{}] {} ({})",
                self.severity, self.code, self.message, self.path
            ),
            _ => format!(
                "{} [{}] {} ({})",
                self.severity, self.code, self.message, self.path
            ),
        }
    }
}

/// What validation found in one input.
#[pyclass(module = "decp", frozen)]
pub struct Report {
    summary: Summary,
    entry: Entry,
    issues: Py<PyList>,
}

/// A report's figures, as the getters give them.
#[derive(Clone, PartialEq)]
struct Summary {
    valid: bool,
    records: u64,
    path: String,
    format: Option<String>,
    version: Option<String>,
    fatal: Option<String>,
    errors: u64,
    warnings: u64,
}

/// The CLI's JSON report entry: made from the core's report when asked, or kept
/// as text by an unpickled report.
enum Entry {
    Live(FileReport, Lang),
    Restored { compact: String, pretty: String },
}

impl Entry {
    fn json(&self, pretty: bool) -> String {
        match self {
            Entry::Live(r, lang) => r.to_json(*lang, pretty),
            Entry::Restored { compact, pretty: p } => {
                if pretty {
                    p.clone()
                } else {
                    compact.clone()
                }
            }
        }
    }
}

impl Report {
    pub fn new(py: Python<'_>, report: FileReport, lang: Lang) -> PyResult<Report> {
        let issues: Vec<Issue> = report.issues.iter().map(|i| Issue::new(i, lang)).collect();
        let summary = Summary {
            valid: report.valid(),
            records: report.records,
            path: report.path.clone(),
            format: report.format.map(|f| f.extension().to_owned()),
            version: report.version(),
            fatal: report.fatal.as_ref().map(|e| e.text(lang)),
            errors: report.errors,
            warnings: report.warnings,
        };
        Ok(Report {
            issues: PyList::new(py, issues)?.unbind(),
            summary,
            entry: Entry::Live(report, lang),
        })
    }

    fn of_severity<'py>(&self, py: Python<'py>, severity: &str) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for i in self.issues.bind(py).iter() {
            if i.cast::<Issue>()?.get().severity == severity {
                out.append(i)?;
            }
        }
        Ok(out)
    }
}

/// `decp._restore_issue`'s work: an `Issue` from its pickled fields.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (code, family, severity, path, loc, line, column, record, value, message))]
pub fn _issue_from_state(
    code: String,
    family: String,
    severity: String,
    path: String,
    loc: Vec<LocPart>,
    line: Option<u64>,
    column: Option<u64>,
    record: Option<u64>,
    value: Option<String>,
    message: String,
) -> Issue {
    Issue {
        code,
        family,
        severity,
        path,
        loc,
        line,
        column,
        record,
        value,
        message,
    }
}

/// `decp._restore_report`'s work: a `Report` from its pickled state.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
#[pyo3(signature = (valid, records, path, format, version, fatal, errors, warnings, issues, compact, pretty))]
pub fn _report_from_state(
    valid: bool,
    records: u64,
    path: String,
    format: Option<String>,
    version: Option<String>,
    fatal: Option<String>,
    errors: u64,
    warnings: u64,
    issues: Bound<'_, PyList>,
    compact: String,
    pretty: String,
) -> PyResult<Report> {
    for i in issues.iter() {
        i.cast::<Issue>()?;
    }
    Ok(Report {
        summary: Summary {
            valid,
            records,
            path,
            format,
            version,
            fatal,
            errors,
            warnings,
        },
        entry: Entry::Restored { compact, pretty },
        issues: issues.unbind(),
    })
}

#[pymethods]
impl Report {
    /// No error finding, and the input could be read to the end.
    #[getter]
    fn valid(&self) -> bool {
        self.summary.valid
    }
    /// Records read (those that could not be decoded count too).
    #[getter]
    fn records(&self) -> u64 {
        self.summary.records
    }
    /// Every finding, in document order.
    #[getter]
    fn issues<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {
        self.issues.bind(py).clone()
    }
    /// The input's name: the path as given, `"<bytes>"`, `"<string>"`, a file's `name`.
    #[getter]
    fn path(&self) -> &str {
        &self.summary.path
    }
    /// `"json"`, `"xml"`, or None when the input could not be read.
    #[getter]
    fn format(&self) -> Option<&str> {
        self.summary.format.as_deref()
    }
    /// The detected version (`"2"`, `"1.5"`, `"1.5+2"`…), or None.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.summary.version.as_deref()
    }
    /// The error that stopped reading, or None.
    #[getter]
    fn fatal(&self) -> Option<&str> {
        self.summary.fatal.as_deref()
    }
    /// Number of error findings.
    #[getter]
    fn error_count(&self) -> u64 {
        self.summary.errors
    }
    /// Number of warning findings.
    #[getter]
    fn warning_count(&self) -> u64 {
        self.summary.warnings
    }
    /// The error findings.
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.of_severity(py, "error")
    }
    /// The warning findings.
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.of_severity(py, "warning")
    }
    /// The CLI's JSON report entry for this input, as a dict (identical).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json = self.entry.json(false);
        py.import("json")?.getattr("loads")?.call1((json,))
    }
    /// The same entry as JSON text; `indent` (any int, or True) pretty-prints.
    #[pyo3(signature = (*, indent=None))]
    fn to_json(&self, indent: Option<Bound<'_, PyAny>>) -> PyResult<String> {
        let pretty = match indent {
            None => false,
            Some(i) => i.is_truthy()? || i.extract::<i64>().is_ok_and(|n| n == 0),
        };
        Ok(self.entry.json(pretty))
    }
    /// Pickling: the figures, the findings and the JSON entry (compact and
    /// indented, so that `to_json` stays the CLI's text), rebuilt by
    /// `decp._restore_report`.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let s = &self.summary;
        let state = (
            s.valid,
            s.records,
            &s.path,
            &s.format,
            &s.version,
            &s.fatal,
            s.errors,
            s.warnings,
            self.issues.bind(py),
            self.entry.json(false),
            self.entry.json(true),
        )
            .into_pyobject(py)?;
        Ok((py.import("decp")?.getattr("_restore_report")?, state))
    }
    fn __bool__(&self) -> bool {
        self.summary.valid
    }
    /// Equal when the figures and the JSON entry are (the same input validated
    /// twice, a report and its unpickled copy); `NotImplemented` for another type.
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> Py<PyAny> {
        let py = other.py();
        match other.cast::<Report>() {
            Ok(o) => {
                let o = o.get();
                let same =
                    self.summary == o.summary && self.entry.json(false) == o.entry.json(false);
                same.into_pyobject(py)
                    .map_or_else(|_| py.None(), |b| b.to_owned().into_any().unbind())
            }
            Err(_) => py.NotImplemented(),
        }
    }
    fn __repr__(&self) -> String {
        format!(
            "Report(path={:?}, valid={}, records={}, errors={}, warnings={})",
            self.summary.path,
            if self.summary.valid { "True" } else { "False" },
            self.summary.records,
            self.summary.errors,
            self.summary.warnings
        )
    }
}

/// One record of a document, as `iter_records` yields it.
#[pyclass(module = "decp", frozen)]
pub struct Record {
    checked: Checked,
    lang: Lang,
    numbers: Numbers,
    dates: bool,
    data: std::sync::OnceLock<Py<PyAny>>,
}

#[pymethods]
impl Record {
    /// `"marche"` or `"contrat-concession"` (None for a record of unknown kind).
    #[getter]
    fn kind(&self) -> Option<&'static str> {
        self.checked.kind.map(|k| k.name())
    }
    /// The version told from the record's shape (`"2"`, `"1.5"`…), before any upgrade.
    #[getter]
    fn version(&self) -> Option<&'static str> {
        self.checked.version.map(|v| v.as_str())
    }
    /// The record in the official JSON shape, built on first access; None when the
    /// record could not be read (its finding is in `issues`).
    #[getter]
    fn data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        crate::guarded(|| self.build_data(py))
    }
    /// The record's findings (decoding, upgrade, and rules when asked), in document order.
    #[getter]
    fn issues(&self) -> Vec<Issue> {
        self.checked
            .issues
            .iter()
            .map(|i| Issue::new(i, self.lang))
            .collect()
    }
    /// The record's JSON Pointer (`/marches/marche/3`).
    #[getter]
    fn path(&self) -> Option<&str> {
        self.checked.path.as_deref()
    }
    /// The record's `id`, when valid.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.checked.id()
    }
    /// Line where the record starts (from 1).
    #[getter]
    fn line(&self) -> Option<u64> {
        self.checked.position.map(|p| p.line)
    }
    /// Column where the record starts (from 1).
    #[getter]
    fn column(&self) -> Option<u64> {
        self.checked.position.map(|p| p.column)
    }
    /// Byte offset where the record starts (from 0).
    #[getter]
    fn offset(&self) -> Option<u64> {
        self.checked.position.map(|p| p.byte)
    }
    /// Index of the record in the document (from 0).
    #[getter]
    fn index(&self) -> Option<u64> {
        self.checked.position.and_then(|p| p.record)
    }
    fn __repr__(&self) -> String {
        let opt = |v: Option<String>| v.unwrap_or_else(|| "None".into());
        format!(
            "Record(kind={}, id={}, index={}, issues={})",
            opt(self.kind().map(|k| format!("{k:?}"))),
            opt(self.id().map(|k| format!("{k:?}"))),
            opt(self.index().map(|i| i.to_string())),
            self.checked.issues.len()
        )
    }
}

struct IterState {
    reader: Option<DynReader>,
    raw: RawRecord,
}

/// The records of a document, one at a time, in constant memory.
#[pyclass(module = "decp")]
pub struct RecordIterator {
    state: Mutex<IterState>,
    checker: Checker,
    lang: Lang,
    numbers: Numbers,
    dates: bool,
    envelope: Mutex<Vec<decp_core::Issue>>,
}

impl RecordIterator {
    pub fn new(
        reader: DynReader,
        checker: Checker,
        lang: Lang,
        numbers: Numbers,
        dates: bool,
    ) -> RecordIterator {
        RecordIterator {
            state: Mutex::new(IterState {
                reader: Some(reader),
                raw: RawRecord::default(),
            }),
            checker,
            lang,
            numbers,
            dates,
            envelope: Mutex::new(Vec::new()),
        }
    }
}

#[pymethods]
impl RecordIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Record> {
        crate::guarded(|| self.next_record(py))
    }

    /// Findings about the document rather than a record (its envelope, its
    /// encoding), met so far.
    #[getter]
    fn envelope_issues(&self) -> Vec<Issue> {
        let env = self
            .envelope
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        env.iter().map(|i| Issue::new(i, self.lang)).collect()
    }
}

impl RecordIterator {
    fn next_record(&self, py: Python<'_>) -> PyResult<Record> {
        loop {
            let step = py.detach(|| {
                let mut st = self
                    .state
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let IterState { reader, raw } = &mut *st;
                let Some(r) = reader.as_mut() else {
                    return Ok(None);
                };
                match r.read_raw(raw) {
                    Ok(true) => Ok(Some(Ok(self.checker.check_raw(raw)))),
                    Ok(false) => {
                        *reader = None;
                        Ok(None)
                    }
                    Err(e) if e.is_fatal() => {
                        *reader = None;
                        Err(e)
                    }
                    Err(e) => Ok(Some(Err(e))),
                }
            });
            match step {
                Ok(Some(Ok(checked))) => {
                    return Ok(Record {
                        checked,
                        lang: self.lang,
                        numbers: self.numbers,
                        dates: self.dates,
                        data: std::sync::OnceLock::new(),
                    });
                }
                // A finding about the envelope: kept aside, reading goes on.
                Ok(Some(Err(e))) => {
                    let mut env = self
                        .envelope
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    env.extend(e.to_issue());
                }
                Ok(None) => return Err(PyStopIteration::new_err(())),
                Err(e) => return Err(to_py_err(py, e, self.lang)),
            }
        }
    }
}

impl Record {
    fn build_data(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Some(d) = self.data.get() {
            return Ok(d.clone_ref(py));
        }
        let v = match &self.checked.record {
            None => py.None(),
            Some(r) => {
                let mut sink = PySink::new(py, self.numbers, self.dates)?;
                r.emit(&mut sink);
                sink.finish()?.unbind()
            }
        };
        Ok(self.data.get_or_init(|| v).clone_ref(py))
    }
}
