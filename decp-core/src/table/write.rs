//! Writing the tables: one file per table (`DIR/marches.parquet`,
//! `DIR/concessions.csv`…) or one Hive-partitioned dataset per table
//! (`DIR/marches/annee=2024/part-0.parquet`), in bounded memory, atomically: every
//! file is written under a temporary name and renamed when all are complete.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
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

/// The rows of a Parquet row group, at most (the writer buffers one per file).
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
const BATCH_ROWS: usize = 32_768;

enum Out {
    Csv(BufWriter<File>),
    #[cfg(feature = "parquet")]
    Parquet(Box<super::parquet_file::ParquetFile>),
    /// Parquet asked without the feature: never built (see [`TableFiles::new`]).
    #[allow(dead_code)]
    None,
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
    spec: Spec,
    files: BTreeMap<(Table, String), OneFile>,
    /// Rows given one record at a time ([`TableFiles::write`]), not yet written.
    pending: Option<TableChunk>,
    /// The jobs making the rows: the threads encoding the Parquet columns
    /// follow from it.
    jobs: usize,
    /// The bound on the memory of the rows waiting for their Parquet row group,
    /// across files ([`PENDING_BYTES`]; smaller in tests).
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pending_limit: usize,
    /// What the Arrow builders of the chunks made for these files start with.
    sizes: Sizes,
}

/// The sizes of each table's columns in the last chunk written, when the files
/// are not partitioned: the capacity a chunk's builders start with (they would
/// otherwise grow by doubling, copying their buffers each time), shared by the
/// chunks of one [`TableFiles`].
type Sizes = std::sync::Arc<std::sync::Mutex<[Vec<super::builder::Size>; 6]>>;

/// What the files are: a chunk's content depends on it.
#[derive(Debug, Clone, PartialEq)]
struct Spec {
    format: OutputFormat,
    partition: Partition,
    tables: Vec<Table>,
    float: bool,
}

impl std::fmt::Debug for TableFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableFiles")
            .field("dir", &self.dir)
            .field("format", &self.spec.format)
            .field("tables", &self.spec.tables)
            .field("files", &self.files.len())
            .finish()
    }
}

impl TableFiles {
    /// Files for `tables` in `dir` (created when missing).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the directory cannot be made
    /// or `dir` is not a directory;
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
        // Said as such, rather than as the "file exists" of making it.
        if dir.as_ref().exists() && !dir.as_ref().is_dir() {
            return Err(std::io::Error::from(std::io::ErrorKind::NotADirectory).into());
        }
        std::fs::create_dir_all(dir.as_ref())?;
        Ok(TableFiles {
            dir: dir.as_ref().to_path_buf(),
            spec: Spec {
                format,
                partition,
                tables: tables.to_vec(),
                float,
            },
            files: BTreeMap::new(),
            pending: None,
            jobs: 1,
            pending_limit: PENDING_BYTES,
            sizes: Sizes::default(),
        })
    }

    /// The number of jobs making the rows these files are written with (1, the
    /// default). The columns of a Parquet file of its own are encoded on the
    /// thread writing the chunk, as it is written (`decp flatten` writes each
    /// on the job that made it, one job at a time:
    /// [`Checker::fold_batches_on_jobs`](crate::Checker::fold_batches_on_jobs)),
    /// with up to three jobs (encoding is about a quarter of the work); with
    /// more, on a thread more per three jobs, started for each few thousand rows
    /// beside the writing thread, which waits for them. A partition's are encoded
    /// when its row group is written, on `jobs` threads. The files are the same
    /// whatever the number: only the time taken changes.
    pub fn jobs(mut self, jobs: usize) -> TableFiles {
        self.jobs = jobs.max(1);
        self
    }

    /// An empty chunk for these files, to fill with [`TableChunk::add`] (on any
    /// thread) and write with [`TableFiles::write_chunk`].
    pub fn chunk(&self) -> TableChunk {
        TableChunk::empty(&self.spec, &self.sizes)
    }

    /// Writes one record's rows (of the tables asked). They are gathered and
    /// written a few thousand rows at a time; [`TableFiles::chunk`] lets other
    /// threads prepare them instead.
    ///
    /// # Errors
    ///
    /// The output's I/O errors.
    pub fn write(&mut self, set: RowSet) -> Result<()> {
        let mut chunk = match self.pending.take() {
            Some(c) => c,
            None => self.chunk(),
        };
        chunk.add(set)?;
        if chunk.rows >= PENDING_ROWS {
            self.write_parts(chunk)
        } else {
            self.pending = Some(chunk);
            Ok(())
        }
    }

    /// Writes a chunk's rows after every row written before: chunks written in
    /// the order of their records give the files in document order.
    ///
    /// # Errors
    ///
    /// The output's I/O errors.
    pub fn write_chunk(&mut self, chunk: TableChunk) -> Result<()> {
        if chunk.spec != self.spec {
            return Err(Error::write(Message::Other(
                "a table chunk made for other files (format, partition, tables or decimals)".into(),
            )));
        }
        if let Some(p) = self.pending.take() {
            self.write_parts(p)?;
        }
        self.write_parts(chunk)
    }

    fn write_parts(&mut self, chunk: TableChunk) -> Result<()> {
        for (k, parts) in chunk.parts.into_iter().enumerate() {
            let t = Table::ALL[k];
            for (part, content) in parts {
                let file = match self.files.entry((t, part)) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let f = open(&self.dir, t, &e.key().1, &self.spec)?;
                        e.insert(f)
                    }
                };
                match (&mut file.out, content) {
                    (Out::Csv(w), Part::Csv(c, rows)) => {
                        file.rows += rows;
                        // `into_inner` flushes the CSV writer's own buffer.
                        let text = c.into_inner().map_err(|e| Error::from(e.into_error()))?;
                        w.write_all(&text)?;
                    }
                    #[cfg(feature = "parquet")]
                    (Out::Parquet(w), Part::Arrow(mut b)) => {
                        file.rows += b.len() as u64;
                        if self.spec.partition == Partition::None {
                            // At most twice the hint before: a chunk holding one
                            // huge record does not make the next ones reserve it.
                            let mut hints = super::builder::hints(&self.sizes);
                            let before = std::mem::take(&mut hints[k]);
                            hints[k] = b
                                .sizes()
                                .into_iter()
                                .enumerate()
                                .map(|(i, s)| match before.get(i) {
                                    Some(h) => s.scaled(1, 1).at_most(h.scaled(2, 1)),
                                    None => s.scaled(1, 1),
                                })
                                .collect();
                        }
                        w.write(b.finish(), self.jobs)?;
                    }
                    // The chunk was made for these files: the formats agree.
                    _ => {}
                }
            }
        }
        self.bound_pending()
    }

    /// Keeps the rows waiting for their row group within `pending_limit`
    /// ([`PENDING_BYTES`]) across files (many partitions each gathering rows
    /// would otherwise hold them all): the file holding the most is written
    /// first, as a smaller row group.
    fn bound_pending(&mut self) -> Result<()> {
        #[cfg(feature = "parquet")]
        loop {
            let mut total = 0;
            let mut most: Option<(usize, &mut super::parquet_file::ParquetFile)> = None;
            for f in self.files.values_mut() {
                if let Out::Parquet(w) = &mut f.out {
                    let b = w.pending_bytes();
                    total += b;
                    if most.as_ref().is_none_or(|(m, _)| b > *m) {
                        most = Some((b, w));
                    }
                }
            }
            match most {
                Some((_, w)) if total > self.pending_limit => w.flush(self.jobs)?,
                _ => return Ok(()),
            }
        }
        #[cfg(not(feature = "parquet"))]
        Ok(())
    }

    /// Completes every file, waits for it to be on disk (write errors reported
    /// late, such as a full disk, are errors here) and moves it to its name;
    /// returns each file's path and row count, in table order. Tables without
    /// rows get an empty file (a header, or an empty Parquet file with the
    /// schema) when not partitioned. A partitioned table's dataset is replaced,
    /// as a file of its own is: once the new files are in place, the partition
    /// files of its directory that this run did not write (`part-0.EXT` in an
    /// `annee=…` or `source=…` directory, from an earlier run) are removed, so
    /// that a reader of the directory does not mix the two runs' rows.
    ///
    /// # Errors
    ///
    /// The output's I/O errors (no file is then renamed).
    pub fn finish(mut self) -> Result<Vec<(PathBuf, u64)>> {
        if let Some(p) = self.pending.take() {
            self.write_parts(p)?;
        }
        if self.spec.partition == Partition::None {
            for t in self.spec.tables.clone() {
                if let std::collections::btree_map::Entry::Vacant(e) =
                    self.files.entry((t, String::new()))
                {
                    let f = open(&self.dir, t, "", &self.spec)?;
                    e.insert(f);
                }
            }
        }
        let files = std::mem::take(&mut self.files);
        #[cfg(feature = "parquet")]
        let jobs = self.jobs;
        let tmps: Vec<PathBuf> = files.values().map(|f| f.tmp.clone()).collect();
        let complete = || -> Result<Vec<(PathBuf, u64)>> {
            let mut done = Vec::new();
            for (_, f) in files {
                match f.out {
                    Out::Csv(w) => {
                        w.into_inner()
                            .map_err(|e| Error::from(e.into_error()))?
                            .sync_all()?;
                    }
                    #[cfg(feature = "parquet")]
                    Out::Parquet(w) => w.close(jobs)?,
                    Out::None => {}
                }
                done.push((f.tmp, f.path, f.rows));
            }
            let mut out = Vec::new();
            for (tmp, path, rows) in done {
                std::fs::rename(&tmp, &path)?;
                out.push((path, rows));
            }
            if self.spec.partition != Partition::None {
                let written = out.iter().map(|(p, _)| folded(p)).collect();
                for t in &self.spec.tables {
                    remove_stale_parts(&self.dir.join(t.name()), &self.spec, &written)?;
                }
            }
            Ok(out)
        };
        complete().inspect_err(|_| {
            // No half-written file left behind (those renamed are complete).
            for t in &tmps {
                let _ = std::fs::remove_file(t);
            }
        })
    }
}

/// Rows gathered by [`TableFiles::write`] before they are written.
const PENDING_ROWS: u64 = 4096;

#[cfg(all(test, feature = "parquet"))]
#[path = "write_tests.rs"]
mod tests;

/// The memory, in bytes, that rows waiting for their Parquet row group may hold
/// across files (one full row group of `marches` takes about 20 MB).
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
const PENDING_BYTES: usize = 96 << 20;

/// A share of the tables' content, made off the writing thread: rows as Arrow
/// columns (Parquet) or as CSV text, per file. Made by [`TableFiles::chunk`],
/// filled by [`TableChunk::add`], written by [`TableFiles::write_chunk`].
///
/// ```
/// use decp_core::{Checker, DecodeOptions, Reader, table::{OutputFormat, Partition, RowOptions, Table, TableFiles, rows_of}};
/// let json = br#"{"marches": {"marche": [{"id": "A", "acheteur": {"id": "21690123100011"}}, {"id": "B"}]}}"#;
/// let dir = std::env::temp_dir().join(format!("decp-doc-chunk-{}", std::process::id()));
/// let mut files = TableFiles::new(&dir, OutputFormat::Csv, Partition::None, &[Table::Marches], false)?;
/// let checker = Checker::new(DecodeOptions::default());
/// let mut chunk = files.chunk();
/// checker.for_each(Reader::from_slice(json)?, 1, &|_| {}, |c| rows_of(&c, "a.json", &RowOptions::default()), |set| {
///     chunk.add(set).is_ok()
/// })?;
/// assert_eq!(chunk.rows(), 2);
/// files.write_chunk(chunk)?;
/// let written = files.finish()?;
/// assert_eq!(written[0].1, 2);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct TableChunk {
    spec: Spec,
    /// Per table (in [`Table::ALL`] order): each partition's content.
    parts: [Vec<(String, Part)>; 6],
    rows: u64,
    sizes: Sizes,
}

enum Part {
    /// CSV text and its number of rows.
    Csv(Box<csv::Writer<Vec<u8>>>, u64),
    Arrow(TableBuilder),
}

impl std::fmt::Debug for TableChunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableChunk")
            .field("format", &self.spec.format)
            .field("rows", &self.rows)
            .finish()
    }
}

impl TableChunk {
    /// Adds one record's rows (of the files' tables).
    ///
    /// # Errors
    ///
    /// None in practice (the rows are kept in memory); the CSV writer's error
    /// type is kept.
    pub fn add(&mut self, mut set: RowSet) -> Result<()> {
        for k in 0..self.spec.tables.len() {
            let t = self.spec.tables[k];
            for row in std::mem::take(&mut set.rows[slot(t)]) {
                let key = self.spec.partition_of(t, &row);
                match self
                    .spec
                    .part(&mut self.parts[slot(t)], t, key, &self.sizes)
                {
                    Part::Csv(w, n) => {
                        write_csv_row(w, row, self.spec.float)?;
                        *n += 1;
                    }
                    Part::Arrow(b) => b.push(row),
                }
                self.rows += 1;
            }
        }
        Ok(())
    }

    /// Adds the rows of one checked record (of the files' tables), as
    /// [`rows_of`](super::rows_of) makes them then [`TableChunk::add`] adds
    /// them, with decimals as the files take them (the `float` of
    /// [`TableFiles::new`], whatever `opts` says); marked as duplicates of the
    /// record kept when `duplicate_of` (its source file and record index, as
    /// [`RowSet::mark_duplicate_of`] marks them). For Parquet files, the rows of
    /// the contract's states go straight into the Arrow columns (of their
    /// partition: its states share the contract's date and source), without the
    /// rows in between.
    ///
    /// # Errors
    ///
    /// As [`TableChunk::add`].
    pub fn add_record(
        &mut self,
        c: &crate::workflow::Checked,
        source: &str,
        opts: &super::RowOptions,
        duplicate_of: Option<(&str, u64)>,
    ) -> Result<()> {
        let float = self.spec.float;
        let opts = &super::RowOptions { float, ..*opts };
        if self.spec.format != OutputFormat::Parquet {
            let mut set = super::rows_of(c, source, opts);
            if let Some((file, record)) = duplicate_of {
                set.mark_duplicate_of(file, record);
            }
            return self.add(set);
        }
        let mut parts = Parts {
            spec: &self.spec,
            parts: &mut self.parts,
            source,
            opts,
            sizes: &self.sizes,
        };
        let out = super::direct::StateBuilders {
            out: Some(&mut parts),
            duplicate_of,
        };
        let (set, put) = super::rows::rows_into(c, source, opts, out);
        self.rows += put as u64;
        self.add(set)
    }

    /// An empty chunk for the same files (one per batch of records).
    pub fn fresh(&self) -> TableChunk {
        TableChunk::empty(&self.spec, &self.sizes)
    }

    fn empty(spec: &Spec, sizes: &Sizes) -> TableChunk {
        TableChunk {
            spec: spec.clone(),
            parts: Default::default(),
            rows: 0,
            sizes: sizes.clone(),
        }
    }

    /// The number of rows added.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

/// A chunk's parts as the builders of a record's state rows
/// ([`TableChunk::add_record`]): the partition of a row, its builder.
struct Parts<'a> {
    spec: &'a Spec,
    parts: &'a mut [Vec<(String, Part)>; 6],
    source: &'a str,
    opts: &'a super::RowOptions,
    sizes: &'a Sizes,
}

impl super::direct::StateOut for Parts<'_> {
    fn key_column(&self, t: Table) -> Option<usize> {
        match self.spec.partition {
            Partition::Year => match year_columns(t) {
                [one] => t.index(one),
                _ => None,
            },
            Partition::None | Partition::Source => None,
        }
    }

    fn builder(&mut self, t: Table, key: Option<&Value>) -> Option<&mut TableBuilder> {
        if !self.spec.tables.contains(&t) || !self.opts.wants(t) {
            return None;
        }
        let part = match self.spec.partition {
            Partition::None => String::new(),
            Partition::Source => source_key(Some(self.source)),
            // A table whose rows take their year from several columns: by rows.
            Partition::Year if self.key_column(t).is_none() => return None,
            Partition::Year => year_key(key),
        };
        match self
            .spec
            .part(&mut self.parts[slot(t)], t, part, self.sizes)
        {
            Part::Arrow(b) => Some(b),
            Part::Csv(..) => None,
        }
    }
}

impl Spec {
    /// The content of partition `key` of table `t` among `parts` (made when
    /// missing).
    fn part<'p>(
        &self,
        parts: &'p mut Vec<(String, Part)>,
        t: Table,
        key: String,
        sizes: &Sizes,
    ) -> &'p mut Part {
        // A part per row is looked up, most often keyed "" (not partitioned).
        // `==` on two empty `String`s calls `memcmp(p, q, 0)` on their dangling
        // pointers, which glibc's AVX-512 `memcmp` reads with masked loads: on
        // an unmapped page, each call took ~135 ns (~1 ns on mapped memory),
        // 3-5 % of `flatten`'s time (benches/README.md, session 16).
        let same = |p: &String| p.len() == key.len() && (key.is_empty() || *p == key);
        let i = match parts.iter().position(|(p, _)| same(p)) {
            Some(i) => i,
            None => {
                let content = match self.format {
                    OutputFormat::Csv => {
                        Part::Csv(Box::new(csv::Writer::from_writer(Vec::new())), 0)
                    }
                    OutputFormat::Parquet => {
                        let sizes = super::builder::hints(sizes)[slot(t)].clone();
                        Part::Arrow(TableBuilder::sized(t, self.float, false, &sizes))
                    }
                };
                parts.push((key, content));
                parts.len() - 1
            }
        };
        &mut parts[i].1
    }

    /// The partition a row of `t` goes to (`""` when not partitioned).
    fn partition_of(&self, t: Table, row: &Row) -> String {
        match self.partition {
            Partition::None => String::new(),
            Partition::Source => {
                let k = t.index("sourceFile");
                source_key(k.and_then(|k| match &row.0[k] {
                    Some(Value::Text(s)) => Some(s.as_str()),
                    _ => None,
                }))
            }
            Partition::Year => {
                let mut cells = year_columns(t)
                    .iter()
                    .filter_map(|n| row.0[t.index(n)?].as_ref());
                year_key(cells.find(|v| matches!(v, Value::Date(_))))
            }
        }
    }
}

/// The columns whose date gives a row of `t` its year, the first given.
fn year_columns(t: Table) -> &'static [&'static str] {
    match t {
        Table::Marches => &["dateNotification"],
        Table::Concessions => &["dateSignature"],
        Table::Modifications => &["dateNotificationModification", "dateSignatureModification"],
        Table::ActesSousTraitance => &["dateNotification"],
        Table::DonneesExecution => &["datePublicationDonneesExecution"],
        Table::Findings => &[],
    }
}

/// The partition of a row whose year column holds `date`.
fn year_key(date: Option<&Value>) -> String {
    match date {
        Some(Value::Date(d)) => format!("{YEAR_KEY}={}", chrono::Datelike::year(d)),
        _ => format!("{YEAR_KEY}={NULL_PARTITION}"),
    }
}

/// The partition of a row from the source file `name`.
fn source_key(name: Option<&str>) -> String {
    format!(
        "{SOURCE_KEY}={}",
        name.map_or_else(|| NULL_PARTITION.to_string(), escape)
    )
}

impl Drop for TableFiles {
    fn drop(&mut self) {
        // Not finished (an error): no half-written file is left behind, nor a
        // partition's directory made for it (only when empty: an earlier
        // run's stays).
        for f in self.files.values() {
            let _ = std::fs::remove_file(&f.tmp);
            if self.spec.partition != Partition::None
                && let Some(part) = f.tmp.parent()
            {
                let _ = std::fs::remove_dir(part);
                if let Some(table) = part.parent() {
                    let _ = std::fs::remove_dir(table);
                }
            }
        }
    }
}

/// A path as compared with the files written: without case, so that on a
/// file system that ignores it (macOS, Windows) a partition written under
/// another spelling of an earlier one is never taken for a stale one (on one
/// that does not, such an earlier partition stays: kept, never lost).
fn folded(p: &Path) -> String {
    p.to_string_lossy().to_lowercase()
}

/// Removes the partition files of `table_dir` (`KEY=VALUE/part-0.EXT`, `KEY`
/// one of the partitions' names, `EXT` the files' format) not in `written`
/// ([`folded`] paths), and their directories when left empty; nothing else is
/// touched, nor followed: a partition directory or file that is a symbolic
/// link stays.
fn remove_stale_parts(
    table_dir: &Path,
    spec: &Spec,
    written: &std::collections::BTreeSet<String>,
) -> Result<()> {
    let entries = match std::fs::read_dir(table_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    let part = format!("part-0.{}", spec.format.extension());
    for entry in entries {
        let dir = entry?.path();
        let ours = dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split_once('='))
            .is_some_and(|(key, _)| key == YEAR_KEY || key == SOURCE_KEY);
        let file = dir.join(&part);
        let linked = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink());
        let regular = std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_file());
        if !ours || linked || !regular || written.contains(&folded(&file)) {
            continue;
        }
        std::fs::remove_file(&file)?;
        // Only when empty: another file there is not ours.
        let _ = std::fs::remove_dir(&dir);
    }
    Ok(())
}

const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The key of the partitions by year, as their directories are named
/// (`annee=2024`).
const YEAR_KEY: &str = "annee";
/// The key of the partitions by source (`source=a.json`).
const SOURCE_KEY: &str = "source";

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

fn open(dir: &Path, t: Table, part: &str, spec: &Spec) -> Result<OneFile> {
    let ext = spec.format.extension();
    let path = if spec.partition == Partition::None {
        dir.join(format!("{}.{ext}", t.name()))
    } else {
        let d = dir.join(t.name()).join(part);
        std::fs::create_dir_all(&d)?;
        d.join(format!("part-0.{ext}"))
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let file = File::create(&tmp)?;
    let out = match spec.format {
        OutputFormat::Csv => {
            let mut header = csv::Writer::from_writer(Vec::new());
            header.write_record(t.column_names()).map_err(csv_err)?;
            let header = header
                .into_inner()
                .map_err(|e| Error::from(e.into_error()))?;
            let mut w = BufWriter::with_capacity(1 << 16, file);
            w.write_all(&header)?;
            Out::Csv(w)
        }
        #[cfg(feature = "parquet")]
        OutputFormat::Parquet => Out::Parquet(Box::new(super::parquet_file::ParquetFile::create(
            file,
            t.schema(spec.float),
            BATCH_ROWS,
            spec.partition == Partition::None,
        )?)),
        #[cfg(not(feature = "parquet"))]
        OutputFormat::Parquet => Out::None,
    };
    Ok(OneFile {
        tmp,
        path,
        out,
        rows: 0,
    })
}

fn csv_err(e: csv::Error) -> Error {
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        _ => Error::write(Message::Other(text)),
    }
}

fn write_csv_row<W: Write>(w: &mut csv::Writer<W>, row: Row, float: bool) -> Result<()> {
    use std::fmt::Write as _;
    let mut buf = String::new();
    for v in &row.0 {
        buf.clear();
        let cell: &[u8] = match v {
            None => b"",
            Some(Value::Text(s)) => s.as_bytes(),
            Some(Value::Int(i)) => {
                let _ = write!(buf, "{i}");
                buf.as_bytes()
            }
            Some(Value::Index(i)) => {
                let _ = write!(buf, "{i}");
                buf.as_bytes()
            }
            Some(Value::Bool(true)) => b"true",
            Some(Value::Bool(false)) => b"false",
            Some(Value::Date(d)) => {
                crate::lexical::with_date_text(d, |t| buf.push_str(t));
                buf.as_bytes()
            }
            Some(Value::Dec(d)) if float => {
                if let Some(f) = rust_decimal::prelude::ToPrimitive::to_f64(d) {
                    let _ = write!(buf, "{f}");
                }
                buf.as_bytes()
            }
            // Every digit, no exponent, no trailing zero beyond the input's.
            Some(Value::Dec(d)) => {
                let _ = write!(buf, "{d}");
                buf.as_bytes()
            }
            Some(Value::List(items)) => {
                let mut o = crate::write_out::JsonOut::new(false);
                o.begin_array();
                for i in items.iter() {
                    o.string(i.as_str());
                }
                o.end_array();
                w.write_field(o.into_inner()).map_err(csv_err)?;
                continue;
            }
        };
        w.write_field(cell).map_err(csv_err)?;
    }
    w.write_record(None::<&[u8]>).map_err(csv_err)
}
