//! Writing the tables: one file per table (`DIR/marches.parquet`,
//! `DIR/concessions.csv`…) or one Hive-partitioned dataset per table
//! (`DIR/marches/annee=2024/part-0.parquet`), in bounded memory, atomically: every
//! file is written under a temporary name and renamed when all are complete.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::TableBuilder;
use super::flat::Value;
use super::rows::{Row, RowSet, slot};
use super::schema::Table;
use crate::error::{Error, Result};
use crate::message::Message;

/// The files' format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputFormat {
    /// Apache Parquet (ZSTD-compressed, row groups of at most 32 768 rows); needs
    /// the `parquet` feature.
    Parquet,
    /// CSV (RFC 4180, UTF-8, comma, a header line); lists as JSON arrays,
    /// decimals with every digit and no exponent, dates `YYYY-MM-DD`.
    Csv,
}

impl OutputFormat {
    /// The files' extension.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Parquet => "parquet",
            OutputFormat::Csv => "csv",
        }
    }
}

/// How each table's rows are split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Partition {
    /// One file per table: `DIR/NAME.EXT`.
    None,
    /// By year of the row's own date (`marches`: `dateNotification`,
    /// `concessions`: `dateSignature`, `modifications`: the modification's date,
    /// `actes_sous_traitance`: `dateNotification`, `donnees_execution`:
    /// `datePublicationDonneesExecution`): `DIR/NAME/annee=YYYY/part-0.EXT`, rows
    /// without a date in `annee=__HIVE_DEFAULT_PARTITION__` (Hive's name for null).
    Year,
    /// By input file: `DIR/NAME/source=FILE/part-0.EXT` (the file name
    /// percent-encoded).
    Source,
}

/// Rows buffered per file before a Parquet batch is written.
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
const BATCH_ROWS: usize = 32_768;

enum Out {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    #[cfg(feature = "parquet")]
    Parquet(Box<parquet::arrow::ArrowWriter<File>>, TableBuilder),
    /// Parquet asked without the feature: never built (see [`TableFiles::new`]).
    #[allow(dead_code)]
    None(TableBuilder),
}

struct OneFile {
    tmp: PathBuf,
    path: PathBuf,
    out: Out,
    rows: u64,
}

/// The files of a set of tables being written into a directory.
///
/// ```
/// use decp_core::{Checker, DecodeOptions, Reader, table::{OutputFormat, Partition, RowOptions, Table, TableFiles, rows_of}};
/// let json = br#"{"marches": {"marche": [{"id": "A", "acheteur": {"id": "21690123100011"}, "montant": 0.1}]}}"#;
/// let dir = std::env::temp_dir().join(format!("decp-doc-{}", std::process::id()));
/// let mut files = TableFiles::new(&dir, OutputFormat::Csv, Partition::None, &[Table::Marches], false)?;
/// let checker = Checker::new(DecodeOptions::default());
/// let mut reader = Reader::from_slice(json)?;
/// let mut raw = decp_core::RawRecord::default();
/// while reader.read_raw(&mut raw)? {
///     files.write(rows_of(&checker.check_raw(&raw), "a.json", &RowOptions::default()))?;
/// }
/// let written = files.finish()?;
/// let csv = std::fs::read_to_string(&written[0].0)?;
/// assert!(csv.starts_with("uid,id,nature,"));
/// assert!(csv.contains(",0.1,"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct TableFiles {
    dir: PathBuf,
    format: OutputFormat,
    partition: Partition,
    tables: Vec<Table>,
    float: bool,
    files: BTreeMap<(Table, String), OneFile>,
}

impl std::fmt::Debug for TableFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableFiles")
            .field("dir", &self.dir)
            .field("format", &self.format)
            .field("tables", &self.tables)
            .field("files", &self.files.len())
            .finish()
    }
}

impl TableFiles {
    /// Files for `tables` in `dir` (created when missing).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the directory cannot be made;
    /// [`ErrorKind::Write`](crate::ErrorKind::Write) for Parquet without the
    /// `parquet` feature.
    pub fn new(
        dir: impl AsRef<Path>,
        format: OutputFormat,
        partition: Partition,
        tables: &[Table],
        float: bool,
    ) -> Result<TableFiles> {
        if format == OutputFormat::Parquet && !cfg!(feature = "parquet") {
            return Err(Error::write(Message::ParquetUnavailable));
        }
        std::fs::create_dir_all(dir.as_ref())?;
        Ok(TableFiles {
            dir: dir.as_ref().to_path_buf(),
            format,
            partition,
            tables: tables.to_vec(),
            float,
            files: BTreeMap::new(),
        })
    }

    /// Writes one record's rows (of the tables asked).
    ///
    /// # Errors
    ///
    /// The output's I/O errors.
    pub fn write(&mut self, mut set: RowSet) -> Result<()> {
        for k in 0..self.tables.len() {
            let t = self.tables[k];
            for row in std::mem::take(&mut set.rows[slot(t)]) {
                let part = self.partition_of(t, &row);
                let file = match self.files.entry((t, part.clone())) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let f = open(&self.dir, t, &part, self.format, self.partition, self.float)?;
                        e.insert(f)
                    }
                };
                file.rows += 1;
                match &mut file.out {
                    Out::Csv(w) => write_csv_row(w, row, self.float)?,
                    #[cfg(feature = "parquet")]
                    Out::Parquet(w, b) => {
                        b.extend_owned(vec![row]);
                        if b.len() >= BATCH_ROWS {
                            w.write(&b.finish()).map_err(parquet_err)?;
                        }
                    }
                    Out::None(_) => {}
                }
            }
        }
        Ok(())
    }

    fn partition_of(&self, t: Table, row: &Row) -> String {
        match self.partition {
            Partition::None => String::new(),
            Partition::Source => {
                let k = t.index("sourceFile");
                let v = k.and_then(|k| match &row.0[k] {
                    Some(Value::Text(s)) => Some(s.to_string()),
                    _ => None,
                });
                format!(
                    "source={}",
                    v.map_or_else(|| NULL_PARTITION.to_string(), |s| escape(&s))
                )
            }
            Partition::Year => {
                let names: &[&str] = match t {
                    Table::Marches => &["dateNotification"],
                    Table::Concessions => &["dateSignature"],
                    Table::Modifications => {
                        &["dateNotificationModification", "dateSignatureModification"]
                    }
                    Table::ActesSousTraitance => &["dateNotification"],
                    Table::DonneesExecution => &["datePublicationDonneesExecution"],
                    _ => &[],
                };
                let year = names.iter().find_map(|n| {
                    let k = t.index(n)?;
                    match &row.0[k] {
                        Some(Value::Date(d)) => Some(chrono::Datelike::year(d)),
                        _ => None,
                    }
                });
                format!(
                    "annee={}",
                    year.map_or_else(|| NULL_PARTITION.to_string(), |y| y.to_string())
                )
            }
        }
    }

    /// Completes every file and moves it to its name; returns each file's path
    /// and row count, in table order. Tables without rows get an empty file
    /// (a header, or an empty Parquet file with the schema) when not partitioned.
    ///
    /// # Errors
    ///
    /// The output's I/O errors (no file is then renamed).
    pub fn finish(mut self) -> Result<Vec<(PathBuf, u64)>> {
        if self.partition == Partition::None {
            for t in self.tables.clone() {
                if let std::collections::btree_map::Entry::Vacant(e) =
                    self.files.entry((t, String::new()))
                {
                    let f = open(&self.dir, t, "", self.format, self.partition, self.float)?;
                    e.insert(f);
                }
            }
        }
        let mut done = Vec::new();
        for (_, f) in std::mem::take(&mut self.files) {
            match f.out {
                Out::Csv(mut w) => {
                    w.flush()?;
                    let inner = w.into_inner().map_err(|e| Error::from(e.into_error()))?;
                    inner
                        .into_inner()
                        .map_err(|e| Error::from(e.into_error()))?
                        .sync_all()?;
                }
                #[cfg(feature = "parquet")]
                Out::Parquet(mut w, mut b) => {
                    if !b.is_empty() {
                        w.write(&b.finish()).map_err(parquet_err)?;
                    }
                    w.close().map_err(parquet_err)?;
                }
                Out::None(_) => {}
            }
            done.push((f.tmp, f.path, f.rows));
        }
        let mut out = Vec::new();
        for (tmp, path, rows) in done {
            std::fs::rename(&tmp, &path)?;
            out.push((path, rows));
        }
        Ok(out)
    }
}

impl Drop for TableFiles {
    fn drop(&mut self) {
        // Not finished (an error): no half-written file is left behind.
        for f in self.files.values() {
            let _ = std::fs::remove_file(&f.tmp);
        }
    }
}

const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// A partition value as Hive writes it: characters other than letters, digits,
/// `.`, `-` and `_` percent-encoded.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn open(
    dir: &Path,
    t: Table,
    part: &str,
    format: OutputFormat,
    partition: Partition,
    float: bool,
) -> Result<OneFile> {
    let ext = format.extension();
    let path = if partition == Partition::None {
        dir.join(format!("{}.{ext}", t.name()))
    } else {
        let d = dir.join(t.name()).join(part);
        std::fs::create_dir_all(&d)?;
        d.join(format!("part-0.{ext}"))
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let file = File::create(&tmp)?;
    let out = match format {
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(BufWriter::new(file));
            w.write_record(t.column_names()).map_err(csv_err)?;
            Out::Csv(Box::new(w))
        }
        #[cfg(feature = "parquet")]
        OutputFormat::Parquet => {
            use parquet::basic::{Compression, ZstdLevel};
            use parquet::file::properties::WriterProperties;
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                .set_max_row_group_row_count(Some(BATCH_ROWS))
                .build();
            let w = parquet::arrow::ArrowWriter::try_new(file, t.schema(float), Some(props))
                .map_err(parquet_err)?;
            Out::Parquet(Box::new(w), TableBuilder::new(t, float))
        }
        #[cfg(not(feature = "parquet"))]
        OutputFormat::Parquet => Out::None(TableBuilder::new(t, float)),
    };
    Ok(OneFile {
        tmp,
        path,
        out,
        rows: 0,
    })
}

#[cfg(feature = "parquet")]
fn parquet_err(e: parquet::errors::ParquetError) -> Error {
    match e {
        parquet::errors::ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(io) => Error::from(*io),
            Err(e) => Error::write(Message::Other(e.to_string())),
        },
        e => Error::write(Message::Other(e.to_string())),
    }
}

fn csv_err(e: csv::Error) -> Error {
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        _ => Error::write(Message::Other(text)),
    }
}

fn write_csv_row(w: &mut csv::Writer<BufWriter<File>>, row: Row, float: bool) -> Result<()> {
    use std::fmt::Write as _;
    let mut buf = String::new();
    for v in row.0 {
        buf.clear();
        let cell: &str = match v {
            None => "",
            Some(Value::Text(s)) => {
                buf.push_str(&s);
                &buf
            }
            Some(Value::Int(i)) => {
                let _ = write!(buf, "{i}");
                &buf
            }
            Some(Value::Index(i)) => {
                let _ = write!(buf, "{i}");
                &buf
            }
            Some(Value::Bool(b)) => {
                if b {
                    "true"
                } else {
                    "false"
                }
            }
            Some(Value::Date(d)) => {
                buf = crate::lexical::format_date(&d);
                &buf
            }
            Some(Value::Dec(d)) if float => {
                if let Some(f) = rust_decimal::prelude::ToPrimitive::to_f64(&d) {
                    let _ = write!(buf, "{f}");
                }
                &buf
            }
            // Every digit, no exponent, no trailing zero beyond the input's.
            Some(Value::Dec(d)) => {
                let _ = write!(buf, "{d}");
                &buf
            }
            Some(Value::List(items)) => {
                buf = crate::raw::Raw::Array(
                    items.iter().cloned().map(crate::raw::Raw::String).collect(),
                )
                .to_json();
                &buf
            }
        };
        w.write_field(cell).map_err(csv_err)?;
    }
    w.write_record(None::<&[u8]>).map_err(csv_err)
}
