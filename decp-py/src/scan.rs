//! `decp.scan`: a flat table as an Arrow C stream (the PyCapsule protocol).

use std::sync::{Arc, Mutex};

use arrow_array::ffi::FFI_ArrowSchema;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use decp_core::table::RowOptions;
use decp_core::table::{Table, TableReader};
use decp_core::{Checker, DecodeOptions, Lang, Validator, ValidatorOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::source::{DecpError, ReadOpts, Src, open, open_boxed, source, to_py_err};

/// Where a scan reads from, kept so that each stream re-opens it.
enum Origin {
    Path(std::path::PathBuf),
    /// Bytes, and whether they are decoded text (a `str`).
    Bytes(Arc<Vec<u8>>, bool),
    /// A file object (and whether it is in text mode) can be read once.
    File(Mutex<Option<(Py<PyAny>, bool)>>),
}

/// A flat table of a document, read when a consumer asks for its Arrow stream
/// (`pyarrow.table(scan)`, `polars.DataFrame(scan)`, `duckdb.sql("… from scan")`).
#[pyclass(module = "decp", frozen)]
pub struct Scan {
    origin: Origin,
    opts: ReadOpts,
    table: Table,
    current_only: bool,
    float: bool,
    dictionary: bool,
    source: String,
    batch_size: usize,
    jobs: usize,
}

/// Reads a flat table (see `decp.scan`).
#[pyfunction]
#[pyo3(signature = (src, *, table="marches", format=None, normalize=false, state="all", float=false, dictionary=true, batch_size=65536, jobs=None, limits=None))]
#[allow(clippy::too_many_arguments)]
pub fn scan(
    src: &Bound<'_, PyAny>,
    table: &str,
    format: Option<&str>,
    normalize: bool,
    state: &str,
    float: bool,
    dictionary: bool,
    batch_size: i64,
    jobs: Option<i64>,
    limits: Option<std::collections::HashMap<String, i128>>,
) -> PyResult<Scan> {
    crate::guarded(|| {
        let table = Table::from_name(table).ok_or_else(|| {
            let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
            PyValueError::new_err(format!("table must be one of {names:?}, not {table:?}"))
        })?;
        let current_only = match state {
            "all" => false,
            "current" => true,
            o => {
                return Err(PyValueError::new_err(format!(
                    "state must be \"all\" or \"current\", not {o:?}"
                )));
            }
        };
        let batch_size = match usize::try_from(batch_size) {
            Ok(n) if n > 0 => n,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "batch_size must be at least 1, not {batch_size}"
                )));
            }
        };
        let src_py = src.py();
        let (src, name) = source(src, false)?;
        let origin = match src {
            Src::Path(p) => {
                // A path that cannot be read fails now, not in the consumer.
                crate::source::check_path(src_py, &Src::Path(p.clone()))?;
                Origin::Path(p)
            }
            Src::Bytes(b) | Src::Value(b) => Origin::Bytes(Arc::new(b), false),
            Src::Text(b) => Origin::Bytes(Arc::new(b), true),
            Src::File(f) => Origin::File(Mutex::new(Some((f, false)))),
            Src::TextFile(f) => Origin::File(Mutex::new(Some((f, true)))),
        };
        Ok(Scan {
            origin,
            opts: ReadOpts::parse(format, decp_core::Mode::Tolerant, normalize, limits)?,
            table,
            current_only,
            float,
            dictionary,
            source: name,
            batch_size,
            jobs: crate::threads(jobs)?,
        })
    })
}

/// A table reader whose panics (bugs) become Arrow errors: nothing unwinds into
/// the consumer's C code.
struct Guarded<R>(TableReader<R>);

impl<R: std::io::Read> Iterator for Guarded<R> {
    type Item = Result<arrow_array::RecordBatch, arrow_schema::ArrowError>;
    fn next(&mut self) -> Option<Self::Item> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.next())).unwrap_or_else(
            |_| {
                Some(Err(arrow_schema::ArrowError::ExternalError(
                    "internal error (a bug in decp) while reading the table".into(),
                )))
            },
        )
    }
}

impl<R: std::io::Read> arrow_array::RecordBatchReader for Guarded<R> {
    fn schema(&self) -> arrow_schema::SchemaRef {
        arrow_array::RecordBatchReader::schema(&self.0)
    }
}

/// Bytes shared by every stream of a scan.
struct Shared(Arc<Vec<u8>>);
impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

#[pymethods]
impl Scan {
    /// The Arrow C stream of the table (the Arrow PyCapsule interface): a capsule
    /// named `arrow_array_stream`. Each call reads the source anew.
    ///
    /// Raises `DecpError` for a file object already read, `ParseError` or
    /// `OSError` when the source cannot be opened.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        // The schema is fixed; a consumer that asks for another casts it itself.
        let _ = requested_schema;
        let opts = self.opts;
        let reader = match &self.origin {
            Origin::Path(p) => {
                let p = p.clone();
                py.detach(|| open(Src::Path(p), opts))
            }
            Origin::Bytes(b, decoded) => {
                let b = Shared(Arc::clone(b));
                let decoded = *decoded;
                py.detach(|| {
                    open_boxed(
                        Box::new(std::io::Cursor::new(b)),
                        opts.format,
                        opts,
                        decoded,
                    )
                })
            }
            Origin::File(f) => {
                let f = f
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .take();
                let Some(f) = f else {
                    return Err(DecpError::new_err(
                        "a file object can be scanned once: pass a path or bytes to scan again",
                    ));
                };
                let (f, text) = f;
                py.detach(|| open(if text { Src::TextFile(f) } else { Src::File(f) }, opts))
            }
        }
        .map_err(|e| to_py_err(py, e, Lang::En))?;
        // Every finding for the findings table; decoding alone for the others.
        let mut checker = Checker::new(DecodeOptions::default());
        if self.table == Table::Findings {
            checker = checker.validator(Validator::new(ValidatorOptions::default()));
        }
        let mut tr = TableReader::new(reader, checker, self.table)
            .options(
                RowOptions::default()
                    .current_only(self.current_only)
                    .float(self.float),
            )
            .float(self.float)
            .dictionary(self.dictionary)
            .source(self.source.clone())
            .batch_size(self.batch_size)
            .jobs(self.jobs);
        // A path or bytes are read on the reader's own threads, ahead of the
        // consumer. A file object is read on the consumer's thread: reading it
        // takes the GIL, which a consumer may hold while it waits for a batch.
        if !matches!(self.origin, Origin::File(_)) {
            tr = tr.read_ahead();
        }
        let stream = FFI_ArrowArrayStream::new(Box::new(Guarded(tr)));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// The Arrow C schema of the table (a capsule named `arrow_schema`).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema =
            FFI_ArrowSchema::try_from(self.table.schema_with(self.float, self.dictionary).as_ref())
                .map_err(|e| DecpError::new_err(e.to_string()))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    /// The table's name: `"marches"` or `"concessions"`.
    #[getter]
    fn table(&self) -> &'static str {
        self.table.name()
    }

    /// The table's column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.table
            .schema(self.float)
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Scan(table={:?}, batch_size={})",
            self.table.name(),
            self.batch_size
        )
    }
}
