//! Where a document comes from (a path, bytes, text, a file object, Python
//! objects), and the core's errors as Python exceptions.

use std::io::{Cursor, Read};
use std::path::PathBuf;

use decp_core::{Error, ErrorKind, Format, Mode, Reader, ReaderBuilder};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

use crate::values::to_raw;

pyo3::create_exception!(
    decp,
    DecpError,
    PyValueError,
    "Base class of the errors of decp (a subclass of ValueError)."
);
pyo3::create_exception!(
    decp,
    ParseError,
    DecpError,
    "The input is not well-formed JSON or XML, or not a DECP document it can read; \
     `.line`, `.column` (from 1), `.offset` (bytes from 0) and `.record` (index of the \
     record in the document, or None) say where."
);
pyo3::create_exception!(
    decp,
    ValidationError,
    DecpError,
    "The data does not conform (strict mode, or `check=True`); `.issues` lists the findings."
);

/// A document's origin.
pub enum Src {
    Path(PathBuf),
    Bytes(Vec<u8>),
    /// A `str`, as UTF-8: already decoded, so an XML declaration's encoding is ignored.
    Text(Vec<u8>),
    File(Py<PyAny>),
    /// A file object in text mode (`io.TextIOBase`): decoded text too.
    TextFile(Py<PyAny>),
    /// A document given as Python objects, as JSON text.
    Value(Vec<u8>),
}

/// The input as a source: `bytes`-like → bytes; `str` → the document itself when
/// it starts (after blanks) with `{`, `[` or `<`, a path otherwise (or always the
/// document, with `text_is_document`); `os.PathLike` → a path; an object with
/// `read()` → a file object; `dict`/`list` → a document as Python objects.
pub fn source(obj: &Bound<'_, PyAny>, text_is_document: bool) -> PyResult<(Src, String)> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok((Src::Bytes(b.as_bytes().to_vec()), "<bytes>".into()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok((Src::Bytes(b.to_vec()), "<bytes>".into()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_str()?;
        let t = s.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if text_is_document || t.starts_with(['{', '[', '<']) {
            return Ok((Src::Text(s.as_bytes().to_vec()), "<string>".into()));
        }
        return Ok((Src::Path(PathBuf::from(s)), s.to_owned()));
    }
    if obj.hasattr("__fspath__")? {
        let p: PathBuf = obj
            .py()
            .import("os")?
            .getattr("fspath")?
            .call1((obj,))?
            .extract()?;
        let name = p.to_string_lossy().into_owned();
        return Ok((Src::Path(p), name));
    }
    if obj.cast::<PyDict>().is_ok() || obj.cast::<PyList>().is_ok() {
        return Ok((
            Src::Value(to_raw(obj)?.to_json().into_bytes()),
            "<object>".into(),
        ));
    }
    if obj.hasattr("read")? {
        let name = obj
            .getattr("name")
            .ok()
            .and_then(|n| n.extract::<String>().ok())
            .unwrap_or_else(|| "<stream>".into());
        let text = obj.is_instance(&obj.py().import("io")?.getattr("TextIOBase")?)?;
        let f = obj.clone().unbind();
        return Ok((if text { Src::TextFile(f) } else { Src::File(f) }, name));
    }
    if let Ok(m) = obj.call_method0("tobytes") {
        // memoryview and other buffers.
        if let Ok(b) = m.cast::<PyBytes>() {
            return Ok((Src::Bytes(b.as_bytes().to_vec()), "<bytes>".into()));
        }
    }
    Err(PyTypeError::new_err(format!(
        "expected a path, bytes, str, a file object or a document as dict, not {}",
        obj.get_type()
    )))
}

thread_local! {
    /// The last exception raised by a file object's `read()` on this thread.
    pub static READ_ERROR: std::cell::RefCell<Option<PyErr>> = const { std::cell::RefCell::new(None) };
}

/// A Python file object as a byte reader: `read(n)` is called with the GIL taken
/// for the call only, so the rest of the work runs without it. A text file's `str`
/// is read as UTF-8.
pub struct PyReader {
    file: Py<PyAny>,
    pending: Vec<u8>,
    at: usize,
}

impl PyReader {
    pub fn new(file: Py<PyAny>) -> PyReader {
        PyReader {
            file,
            pending: Vec::new(),
            at: 0,
        }
    }
}

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at >= self.pending.len() {
            let chunk = Python::attach(|py| -> PyResult<Vec<u8>> {
                let r = self
                    .file
                    .bind(py)
                    .call_method1("read", (buf.len().max(8192),))?;
                if let Ok(b) = r.cast::<PyBytes>() {
                    Ok(b.as_bytes().to_vec())
                } else if let Ok(s) = r.cast::<PyString>() {
                    Ok(s.to_str()?.as_bytes().to_vec())
                } else if r.is_none() {
                    Ok(Vec::new())
                } else {
                    Err(PyTypeError::new_err(format!(
                        "read() returned {}, expected bytes or str",
                        r.get_type()
                    )))
                }
            })
            .map_err(|e| {
                // Kept for callers that turn read errors into a report (validate):
                // a Python exception from the file object is raised as itself.
                Python::attach(|py| {
                    READ_ERROR.with(|r| *r.borrow_mut() = Some(e.clone_ref(py)));
                });
                std::io::Error::other(e)
            })?;
            self.pending = chunk;
            self.at = 0;
        }
        let n = (self.pending.len() - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The reader type of every binding entry point.
pub type DynReader = Reader<Box<dyn Read + Send>>;

/// Reading options shared by the entry points.
#[derive(Debug, Clone, Copy)]
pub struct ReadOpts {
    pub format: Option<Format>,
    pub mode: Mode,
    pub normalize: bool,
    pub limits: decp_core::Limits,
}

impl ReadOpts {
    /// The reading options of a call, from its Python arguments (`format=` and
    /// `limits=` checked, a `ValueError` naming what is wrong).
    pub fn parse(
        format: Option<&str>,
        mode: Mode,
        normalize: bool,
        limits: Option<std::collections::HashMap<String, i128>>,
    ) -> PyResult<ReadOpts> {
        Ok(ReadOpts {
            format: parse_format(format)?,
            mode,
            normalize,
            limits: parse_limits(limits)?,
        })
    }
}

/// The `limits` argument: a mapping of `decp_core::Limits` field names to
/// values; the others keep their defaults.
pub fn parse_limits(
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<decp_core::Limits> {
    let mut l = decp_core::Limits::default();
    for (k, v) in limits.unwrap_or_default() {
        let v = u64::try_from(v).ok().filter(|v| *v >= 1).ok_or_else(|| {
            PyValueError::new_err(format!(
                "limits[{k:?}] must be an int from 1 to 2**64-1, not {v}"
            ))
        })?;
        let size = || {
            usize::try_from(v)
                .map_err(|_| PyValueError::new_err(format!("limits[{k:?}] is too large")))
        };
        l = match k.as_str() {
            "max_record_bytes" => l.max_record_bytes(size()?),
            "max_depth" => l.max_depth(size()?),
            "max_members" => l.max_members(size()?),
            "max_value_bytes" => l.max_value_bytes(size()?),
            "max_records" => l.max_records(v),
            o => {
                return Err(PyValueError::new_err(format!(
                    "limits takes \"max_record_bytes\", \"max_depth\", \"max_members\", \"max_value_bytes\" and \"max_records\", not {o:?}"
                )));
            }
        };
    }
    Ok(l)
}

/// `"json"`, `"xml"` or `None`.
pub fn parse_format(s: Option<&str>) -> PyResult<Option<Format>> {
    match s {
        None => Ok(None),
        Some("json") => Ok(Some(Format::Json)),
        Some("xml") => Ok(Some(Format::Xml)),
        Some(o) => Err(PyValueError::new_err(format!(
            "format must be \"json\", \"xml\" or None, not {o:?}"
        ))),
    }
}

/// `"tolerant"` or `"strict"`.
pub fn parse_mode(s: &str) -> PyResult<Mode> {
    match s {
        "tolerant" => Ok(Mode::Tolerant),
        "strict" => Ok(Mode::Strict),
        o => Err(PyValueError::new_err(format!(
            "mode must be \"tolerant\" or \"strict\", not {o:?}"
        ))),
    }
}

/// Opens a reader on a source (without the GIL for a path or bytes).
pub fn open(src: Src, o: ReadOpts) -> Result<DynReader, Error> {
    match src {
        Src::Path(p) => open_boxed(Box::new(std::fs::File::open(p)?), o.format, o, false),
        Src::Bytes(v) => open_boxed(Box::new(Cursor::new(v)), o.format, o, false),
        Src::Text(v) => open_boxed(Box::new(Cursor::new(v)), o.format, o, true),
        Src::File(f) => open_boxed(Box::new(PyReader::new(f)), o.format, o, false),
        Src::TextFile(f) => open_boxed(Box::new(PyReader::new(f)), o.format, o, true),
        Src::Value(v) => open_boxed(Box::new(Cursor::new(v)), Some(Format::Json), o, false),
    }
}

/// Opens a reader on bytes read from `rd`.
/// (`decoded`: the bytes are text already decoded, as UTF-8.)
pub fn open_boxed(
    rd: Box<dyn Read + Send>,
    format: Option<Format>,
    o: ReadOpts,
    decoded: bool,
) -> Result<DynReader, Error> {
    let mut b = ReaderBuilder::new();
    b.mode(o.mode)
        .normalize(o.normalize)
        .decoded_text(decoded)
        .limits(o.limits);
    if let Some(f) = format {
        b.format(f);
    }
    b.from_reader(rd)
}

/// A core error as a Python exception: I/O errors as `OSError` (with their errno
/// subclass: `FileNotFoundError`…), syntax, unsupported input and limits as
/// [`ParseError`] with the position, a value refused in strict mode as
/// [`ValidationError`] with its finding.
pub fn to_py_err(py: Python<'_>, e: Error, lang: decp_core::Lang) -> PyErr {
    let issue = e.to_issue();
    let pos = e.position().copied();
    let message = e.text(lang);
    match e.into_kind() {
        ErrorKind::Io(io) => {
            // An error raised by a Python file object comes back as itself.
            if let Some(inner) = io.get_ref().and_then(|i| i.downcast_ref::<PyErr>()) {
                return inner.clone_ref(py);
            }
            PyErr::from(io)
        }
        ErrorKind::Data { .. } => {
            let err = ValidationError::new_err(message);
            let issues: Vec<crate::objects::Issue> = issue
                .into_iter()
                .map(|i| crate::objects::Issue::new(&i, lang))
                .collect();
            let _ = err.value(py).setattr("issues", issues);
            err
        }
        ErrorKind::Write { .. } => DecpError::new_err(message),
        _ => parse_error(py, message, pos),
    }
}

/// A Python file object as a byte writer, for output too large to build in
/// memory: bytes gather up to 64 KiB, then `write()` is called with the GIL taken
/// for the call only. A text file (an `io.TextIOBase`) gets `str`, cut on UTF-8
/// character boundaries. An exception from `write()` is kept in `error` and
/// raised as itself.
pub struct PyWriter {
    file: Py<PyAny>,
    text: bool,
    buf: Vec<u8>,
    /// The exception `write()` raised, shared with the caller (the writer itself
    /// may be out of reach when the error surfaces).
    pub error: std::sync::Arc<std::sync::Mutex<Option<PyErr>>>,
}

impl PyWriter {
    pub fn new(file: &Bound<'_, PyAny>) -> PyResult<PyWriter> {
        let py = file.py();
        if !file.hasattr("write")? {
            return Err(PyTypeError::new_err(format!(
                "expected a file object with write(), not {}",
                file.get_type()
            )));
        }
        let text = file.is_instance(&py.import("io")?.getattr("TextIOBase")?)?;
        Ok(PyWriter {
            file: file.clone().unbind(),
            text,
            buf: Vec::with_capacity(1 << 16),
            error: Default::default(),
        })
    }

    /// Hands the gathered bytes to `write()`; with `all`, a text file's last
    /// incomplete character too (an error: the output is UTF-8).
    fn drain(&mut self, all: bool) -> std::io::Result<()> {
        if self.error.lock().map_or(true, |e| e.is_some()) {
            return Err(std::io::Error::other("the file object's write() failed"));
        }
        let n = if self.text {
            match std::str::from_utf8(&self.buf) {
                Ok(_) => self.buf.len(),
                Err(e) if e.error_len().is_none() && !all => e.valid_up_to(),
                Err(e) => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            }
        } else {
            self.buf.len()
        };
        if n == 0 {
            return Ok(());
        }
        let r = Python::attach(|py| -> PyResult<()> {
            let f = self.file.bind(py);
            if self.text {
                let s = std::str::from_utf8(&self.buf[..n]).unwrap_or_default();
                f.call_method1("write", (s,))?;
            } else {
                f.call_method1("write", (PyBytes::new(py, &self.buf[..n]),))?;
            }
            Ok(())
        });
        self.buf.drain(..n);
        r.map_err(|e| {
            if let Ok(mut slot) = self.error.lock() {
                *slot = Some(e);
            }
            std::io::Error::other("the file object's write() failed")
        })
    }
}

impl std::io::Write for PyWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(buf);
        if self.buf.len() >= 1 << 16 {
            self.drain(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain(true)
    }
}

/// A path that cannot be read raises now, as Python's `open()` would: an
/// `OSError` subclass with `errno`, `strerror` and `filename` (a directory:
/// `IsADirectoryError`). Other sources pass.
pub fn check_path(py: Python<'_>, src: &Src) -> PyResult<()> {
    let Src::Path(p) = src else { return Ok(()) };
    let errno = if p.is_dir() {
        Some(py.import("errno")?.getattr("EISDIR")?.extract::<i32>()?)
    } else {
        match std::fs::File::open(p) {
            Ok(_) => None,
            Err(e) => match e.raw_os_error() {
                Some(n) => Some(n),
                None => return Err(e.into()),
            },
        }
    };
    match errno {
        None => Ok(()),
        Some(n) => {
            let strerror = py.import("os")?.getattr("strerror")?.call1((n,))?;
            let err =
                py.get_type::<pyo3::exceptions::PyOSError>()
                    .call1((n, strerror, p.as_os_str()))?;
            Err(PyErr::from_value(err))
        }
    }
}

/// A `ParseError` with its position (`line`, `column`, `offset`, `record`).
pub fn parse_error(py: Python<'_>, message: String, pos: Option<decp_core::Position>) -> PyErr {
    let err = ParseError::new_err(message);
    let v = err.value(py);
    let _ = v.setattr("line", pos.map(|p| p.line));
    let _ = v.setattr("column", pos.map(|p| p.column));
    let _ = v.setattr("offset", pos.map(|p| p.byte));
    let _ = v.setattr("record", pos.and_then(|p| p.record));
    err
}
