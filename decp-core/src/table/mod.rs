//! Flat tables for analysts (feature `arrow`): contract states, holders, link
//! tables and findings, as Arrow record batches, written to Parquet (feature
//! `parquet`) or CSV.
//!
//! A contract's states are the contract as published, then after each of its
//! modifications in order (modification `id`, then notification or signature
//! date): amount, duration, holders and publication date as modified; the last is
//! the current state (`donneesActuelles`). The `marches` table has one row per
//! contract × holder × state, `concessions` one per concession × concessionnaire ×
//! state; `modifications`, `actes_sous_traitance`, `donnees_execution` and
//! `findings` are keyed by `uid` (the community tables' key: the buyer's
//! identifier then the contract's id) and `sourceFile` + `record`. Columns keep
//! the names of the community "format tabulaire" where it has them (see
//! [`Table::column_names`] and [`frictionless_schema`], the one description of
//! every column).
//!
//! Types: identifiers and codes are strings (leading zeros, `2A`/`2B` kept), dates
//! `date32`, integers `int64`, amounts (euros HT) and rates (in [0, 1])
//! `decimal128(38, 10)` (or `float64` when asked), lists of labels `list<utf8>`;
//! in memory, codes may be dictionary-encoded ([`Table::schema_with`]).
//! Values come from the one walk of a record that every writer uses (a
//! contract's state read from its typed fields when its shape allows, into
//! Arrow columns without a row in between for Parquet and Arrow). A value
//! that does not fit its column (kept verbatim by tolerant reading, or an amount
//! with more than ten decimals) is null in its table, and its finding, with the
//! value as it was, is in `findings`: nothing is lost silently. v1 records are
//! read through the upgrade (its findings in `findings`), their v1-only names in
//! `acheteur_nom` / `autoriteConcedante_nom`.

mod builder;
mod cells;
mod direct;
mod flat;
mod links;
mod names;
#[cfg(feature = "parquet")]
mod parquet_file;
mod rows;
mod schema;
mod write;

use std::io::Read;

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};

pub use builder::TableBuilder;
use builder::{Builder, decimal_units};
pub use rows::{Row, RowOptions, RowSet, rows_of};
pub use schema::{DECIMAL_PRECISION, DECIMAL_SCALE, Table, frictionless_schema};
pub use write::{OutputFormat, Partition, TableChunk, TableFiles};

use crate::read::{RawRecord, Reader};
use crate::workflow::Checker;

/// Records read ahead and turned into rows together (on `jobs` threads) while a
/// batch fills.
const READ_AHEAD: usize = 4096;

/// Reads one table from an input, batch by batch: an Arrow [`RecordBatchReader`]
/// (what Arrow's C stream interface exports). Each record goes through `checker`
/// (decoding with the reader's options, its validator and findings when it has
/// one) and [`rows_of`]. The calling thread cuts records (see
/// [`TableReader::read_ahead`] for threads of the reader's own). With one job, a
/// batch holds about `batch_size` rows (a record's rows stay together, so the last
/// record may take it a few rows past). With `jobs` > 1, `jobs` threads (the
/// calling one among them) check a few thousand records at a time and make their
/// rows into Arrow columns: batches come in document order, each of at most
/// `batch_size` rows and often fewer (one thread's share). Findings (of the
/// `findings` table) come in document order, those about the envelope among the
/// records' own.
///
/// A fatal read error ends the stream, after the rows of every record read before
/// it, with an [`ArrowError::ExternalError`] holding the [`Error`](crate::Error).
///
/// ```
/// use decp_core::{Checker, DecodeOptions, Reader, table::{Table, TableReader}};
/// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B"}]}}"#;
/// let r = TableReader::new(Reader::from_slice(json)?, Checker::new(DecodeOptions::default()), Table::Marches)
///     .batch_size(1);
/// let rows: Vec<usize> = r.map(|b| b.unwrap().num_rows()).collect();
/// assert_eq!(rows, [1, 1]);
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct TableReader<R> {
    /// `None` once handed to the threads of [`TableReader::read_ahead`].
    reader: Option<Reader<R>>,
    checker: Checker,
    opts: RowOptions,
    source: String,
    builder: TableBuilder,
    batch_size: usize,
    jobs: usize,
    done: bool,
    /// Batches made by the threads, not yet returned.
    ready: std::collections::VecDeque<RecordBatch>,
    /// The fatal error that stopped reading, returned after the rows before it.
    fatal: Option<crate::Error>,
    /// Batches made on the threads of [`TableReader::read_ahead`].
    ahead: Option<Ahead>,
    /// Set by [`TableReader::read_ahead`]: starts its threads at the first batch
    /// asked for, with the settings made by then.
    start_ahead: Option<fn(AheadArgs<R>) -> Ahead>,
    /// A batch was asked for: the way of reading is settled.
    started: bool,
    /// What the builders of batches made on threads are made to hold.
    hints: Hints,
}

/// The threads of [`TableReader::read_ahead`]: their batches in document order,
/// then the fatal error that stopped reading, if any.
struct Ahead {
    batches: std::sync::mpsc::Receiver<Result<RecordBatch, crate::Error>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl<R> std::fmt::Debug for TableReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableReader")
            .field("table", &self.builder.table)
            .field("batch_size", &self.batch_size)
            .field("jobs", &self.jobs)
            .finish()
    }
}

impl<R: Read> TableReader<R> {
    /// A reader of `table` from `reader`, each record through `checker`; batches
    /// of 65 536 rows, one job, every state, `sourceFile` empty, exact decimals,
    /// codes as plain texts.
    pub fn new(reader: Reader<R>, checker: Checker, table: Table) -> TableReader<R> {
        let checker = checker.decoding(reader.decode_options());
        TableReader {
            reader: Some(reader),
            checker,
            opts: RowOptions::default().only(&[table]),
            source: String::new(),
            builder: TableBuilder::new(table, false),
            batch_size: 65_536,
            jobs: 1,
            done: false,
            ready: Default::default(),
            fatal: None,
            ahead: None,
            start_ahead: None,
            started: false,
            hints: Hints::default(),
        }
    }

    /// How rows are made (current state only, findings' language, decimals as
    /// `float64` as [`TableReader::float`] sets them); only this reader's table
    /// is made.
    pub fn options(mut self, opts: RowOptions) -> TableReader<R> {
        let table = self.builder.table;
        self.opts = opts.only(&[table]);
        if self.started {
            self.opts.float = self.builder.float;
        } else {
            self.builder = TableBuilder::with(table, opts.float, self.builder.dictionary);
        }
        self
    }

    /// The columns of codes dictionary-encoded (see [`Table::schema_with`]).
    /// Once a batch was asked for, the schema is settled: this changes nothing.
    pub fn dictionary(mut self, yes: bool) -> TableReader<R> {
        if !self.started {
            self.builder = TableBuilder::with(self.builder.table, self.builder.float, yes);
        }
        self
    }

    /// The `sourceFile` of every row.
    pub fn source(mut self, name: impl Into<String>) -> TableReader<R> {
        self.source = name.into();
        self
    }

    /// Decimals as `float64`. Once a batch was asked for, the schema is settled:
    /// this changes nothing.
    pub fn float(mut self, yes: bool) -> TableReader<R> {
        if !self.started {
            self.builder = TableBuilder::with(self.builder.table, yes, self.builder.dictionary);
            self.opts.float = yes;
        }
        self
    }

    /// At most `n` rows per batch (at least 1).
    pub fn batch_size(mut self, n: usize) -> TableReader<R> {
        self.batch_size = n.max(1);
        self
    }

    /// Checks on `n` threads (`0` or `1`: on the calling thread).
    pub fn jobs(mut self, n: usize) -> TableReader<R> {
        self.jobs = n.max(1);
        self
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, crate::Error> {
        if !self.started {
            self.started = true;
            if let Some(start) = self.start_ahead.take()
                && self.jobs > 1
                && let Some(reader) = self.reader.take()
            {
                self.ahead = Some(start(AheadArgs {
                    reader,
                    checker: self.checker.clone(),
                    opts: self.opts,
                    source: self.source.clone(),
                    jobs: self.jobs,
                    table: self.builder.table,
                    float: self.builder.float,
                    dictionary: self.builder.dictionary,
                }));
            }
        }
        if let Some(ahead) = &mut self.ahead {
            if let Some(b) = self.ready.pop_front() {
                return Ok(Some(b));
            }
            match ahead.batches.recv() {
                Ok(Ok(b)) => {
                    slice_into(&mut self.ready, &b, self.batch_size);
                    return Ok(self.ready.pop_front());
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    // Every batch is out: a panic of the threads (a bug) goes on
                    // here, where the caller can catch it.
                    if let Some(t) = ahead.thread.take()
                        && let Err(p) = t.join()
                    {
                        std::panic::resume_unwind(p);
                    }
                    return Ok(None);
                }
            }
        }
        let batch = self.fill()?;
        // A fatal error comes after every row of the records read before it.
        match (batch, self.fatal.take()) {
            (Some(b), fatal) => {
                self.fatal = fatal;
                Ok(Some(b))
            }
            (None, Some(e)) => Err(e),
            (None, None) => Ok(None),
        }
    }

    /// The next batch of rows; a fatal error met while reading is kept in
    /// `self.fatal` (reading stops) for [`TableReader::next_batch`] to return once
    /// the rows before it are out.
    fn fill(&mut self) -> Result<Option<RecordBatch>, crate::Error> {
        if let Some(b) = self.ready.pop_front() {
            return Ok(Some(b));
        }
        let table = self.builder.table;
        let Some(reader) = self.reader.as_mut() else {
            return Ok(None);
        };
        if self.jobs <= 1 && table != Table::Findings {
            // One job and a data table: records decoded in place in the reader's
            // buffer (no copy), and no finding placed (no findings table to fill).
            let upgrade = self.checker.upgrades();
            while !self.done && self.builder.len() < self.batch_size {
                match reader.next_record() {
                    None => self.done = true,
                    Some(Ok(d)) => {
                        let d = if upgrade { d.upgrade() } else { d };
                        let c = crate::workflow::Checked::of_decoded(d);
                        add_checked(&mut self.builder, &c, &self.source, &self.opts);
                    }
                    Some(Err(e)) if e.is_fatal() => {
                        self.done = true;
                        self.fatal = Some(e);
                    }
                    // A record that cannot be read gives no row (its finding is in
                    // the findings table); an envelope finding neither.
                    Some(Err(_)) => {}
                }
            }
            return Ok(
                (!self.builder.is_empty()).then(|| finish_builder(&mut self.builder, self.done))
            );
        }
        while !self.done && self.builder.len() < self.batch_size {
            // At most a few thousand records in memory at once, whatever the batch
            // size (records of the other kind give no row, so this may loop).
            // Items stay in document order: a finding about the envelope (text
            // between records) takes its place among the records' findings.
            let want = (self.batch_size - self.builder.len()).min(READ_AHEAD);
            // Findings about the envelope count too: memory stays bounded even
            // when the text between records is all broken.
            let mut items: Vec<crate::pipeline::Item> = Vec::with_capacity(want.min(1024));
            while items.len() < want {
                let mut raw = RawRecord::default();
                match reader.read_raw(&mut raw) {
                    Ok(true) => items.push(Ok(raw)),
                    Ok(false) => {
                        self.done = true;
                        break;
                    }
                    Err(e) if e.is_fatal() => {
                        // The records read before it are made into rows first.
                        self.done = true;
                        self.fatal = Some(e);
                        break;
                    }
                    Err(e) => items.push(Err(e)),
                }
            }
            let (checker, source, opts) = (&self.checker, self.source.as_str(), &self.opts);
            if self.jobs <= 1 || items.len() < 2 {
                add_items(&mut self.builder, items, checker, source, opts);
                continue;
            }
            // Each thread makes its share's rows into Arrow columns; this thread
            // takes the last share instead of waiting.
            let (float, dictionary) = (self.builder.float, self.builder.dictionary);
            let hints = &self.hints;
            let build = |c: Vec<crate::pipeline::Item>| {
                let n = c.len();
                let mut b = hints.builder(table, float, dictionary, n);
                add_items(&mut b, c, checker, source, opts);
                hints.finish(&mut b, n)
            };
            let chunk = items.len().div_ceil(self.jobs);
            let mut shares: Vec<Vec<crate::pipeline::Item>> = Vec::new();
            let mut rest = items.into_iter();
            loop {
                let share: Vec<_> = rest.by_ref().take(chunk).collect();
                if share.is_empty() {
                    break;
                }
                shares.push(share);
            }
            let last = shares.pop().unwrap_or_default();
            let batches: Vec<RecordBatch> = std::thread::scope(|s| {
                let handles: Vec<_> = shares.into_iter().map(|c| s.spawn(|| build(c))).collect();
                let mine = build(last);
                let mut out: Vec<RecordBatch> = handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect();
                out.push(mine);
                out
            });
            // The rows gathered so far come first.
            if !self.builder.is_empty() {
                let b = finish_builder(&mut self.builder, self.done);
                slice_into(&mut self.ready, &b, self.batch_size);
            }
            for b in batches {
                slice_into(&mut self.ready, &b, self.batch_size);
            }
            if let Some(b) = self.ready.pop_front() {
                return Ok(Some(b));
            }
        }
        if self.builder.is_empty() {
            return Ok(None);
        }
        let b = finish_builder(&mut self.builder, self.done);
        if self.jobs <= 1 {
            // One job: a record's rows stay together (documented).
            return Ok(Some(b));
        }
        slice_into(&mut self.ready, &b, self.batch_size);
        Ok(self.ready.pop_front())
    }
}

/// The batch of a reader's own builder, which is then made to hold one like it
/// unless reading is `done` (it would hold a batch that never comes for as long
/// as the reader lives).
fn finish_builder(b: &mut TableBuilder, done: bool) -> RecordBatch {
    match done {
        true => b.finish(),
        false => b.finish_and_size(),
    }
}

/// Appends to `b` the rows of its table that one checked record gives.
fn add_checked(
    b: &mut TableBuilder,
    c: &crate::workflow::Checked,
    source: &str,
    opts: &RowOptions,
) {
    let t = b.table;
    if !matches!(t, Table::Marches | Table::Concessions) {
        let mut set = rows_of(c, source, opts);
        b.extend_owned(std::mem::take(&mut set.rows[rows::slot(t)]));
        return;
    }
    // A state's rows go straight to the builder of their table.
    let mut one = OneBuilder(b);
    let out = direct::StateBuilders {
        out: Some(&mut one),
        duplicate_of: None,
    };
    rows::rows_into(c, source, opts, out);
}

/// The one builder a table reader's state rows go to.
struct OneBuilder<'a>(&'a mut TableBuilder);

impl direct::StateOut for OneBuilder<'_> {
    fn key_column(&self, _: Table) -> Option<usize> {
        None
    }
    fn builder(&mut self, t: Table, _: Option<&flat::Value>) -> Option<&mut TableBuilder> {
        (t == self.0.table).then_some(&mut *self.0)
    }
}

/// Checks `items` in order and appends to `b` the rows of its table they give.
fn add_items(
    b: &mut TableBuilder,
    items: impl IntoIterator<Item = crate::pipeline::Item>,
    checker: &Checker,
    source: &str,
    opts: &RowOptions,
) {
    for item in items {
        add_checked(b, &checker.check(item), source, opts);
    }
}

/// Pushes `b` in slices of at most `size` rows.
fn slice_into(ready: &mut std::collections::VecDeque<RecordBatch>, b: &RecordBatch, size: usize) {
    let mut at = 0;
    while at < b.num_rows() {
        let n = (b.num_rows() - at).min(size);
        ready.push_back(b.slice(at, n));
        at += n;
    }
}

/// Records per batch of [`TableReader::read_ahead`]'s threads: a few thousand
/// rows, a few megabytes of columns.
const AHEAD_RECORDS: usize = 1024;

impl<R: Read + Send + 'static> TableReader<R> {
    /// Reads on threads of the reader's own, ahead of the consumer: each of the
    /// [`TableReader::jobs`] threads reads its next records from the input (in
    /// turn), checks them and makes their rows into Arrow columns while the
    /// consumer handles the batches before (the parallel driver of
    /// [`crate::pipeline::for_each_batch_ordered`]). Batches come in document
    /// order, each of at most [`TableReader::batch_size`] rows and usually a few
    /// thousand; a few per job are made ahead (about a thousand records each),
    /// so memory stays bounded. Dropping the reader stops the threads once they
    /// have made the batches they were working on. Without it, the calling
    /// thread reads and the other threads only check and build. The threads
    /// start at the first batch asked for, with the settings made by then; once
    /// reading has started, and with one job, it changes nothing.
    ///
    /// ```
    /// use decp_core::{Checker, DecodeOptions, Reader, table::{Table, TableReader}};
    /// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B"}]}}"#.to_vec();
    /// let r = TableReader::new(Reader::from_reader(std::io::Cursor::new(json))?, Checker::new(DecodeOptions::default()), Table::Marches)
    ///     .jobs(2)
    ///     .read_ahead();
    /// let rows: usize = r.map(|b| b.unwrap().num_rows()).sum();
    /// assert_eq!(rows, 2);
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn read_ahead(mut self) -> TableReader<R> {
        if !self.started {
            self.start_ahead = Some(start_ahead::<R>);
        }
        self
    }
}

/// What the threads of [`TableReader::read_ahead`] are given when the first
/// batch is asked for (the reader's settings as they are then).
struct AheadArgs<R> {
    reader: Reader<R>,
    checker: Checker,
    opts: RowOptions,
    source: String,
    jobs: usize,
    table: Table,
    float: bool,
    dictionary: bool,
}

/// The sizes of the last batch the threads made, and of how many records: what
/// the builders of the next ones are made to hold ([`builder::Size`]).
#[derive(Default)]
struct Hints(std::sync::Mutex<(usize, Vec<builder::Size>)>);

impl Hints {
    /// A builder for a batch of `records` records: never made to hold more
    /// than the last batch (a batch of few records, one of them with a
    /// thousand holders, would otherwise be extrapolated to each record of a
    /// full batch).
    fn builder(&self, table: Table, float: bool, dictionary: bool, records: usize) -> TableBuilder {
        let sizes: Vec<_> = {
            let h = builder::hints(&self.0);
            h.1.iter()
                .map(|s| s.scaled(records.min(h.0), h.0))
                .collect()
        };
        TableBuilder::sized(table, float, dictionary, &sizes)
    }

    /// The batch of `b`, made of `records` records; its sizes are the hint.
    fn finish(&self, b: &mut TableBuilder, records: usize) -> RecordBatch {
        let sizes = b.sizes();
        *builder::hints(&self.0) = (records, sizes);
        b.finish()
    }
}

/// Starts the threads of [`TableReader::read_ahead`].
fn start_ahead<R: Read + Send + 'static>(a: AheadArgs<R>) -> Ahead {
    let (tx, rx) = std::sync::mpsc::sync_channel(2);
    let thread = std::thread::spawn(move || {
        let AheadArgs {
            reader,
            checker,
            opts,
            source,
            jobs,
            table,
            float,
            dictionary,
        } = a;
        let hints = Hints::default();
        let end = crate::pipeline::for_each_batch_ordered(
            reader,
            jobs,
            AHEAD_RECORDS,
            &|_| {},
            |items| {
                let n = items.len();
                let mut b = hints.builder(table, float, dictionary, n);
                add_items(&mut b, items, &checker, &source, &opts);
                hints.finish(&mut b, n)
            },
            // A consumer gone stops the threads.
            |b| b.num_rows() == 0 || tx.send(Ok(b)).is_ok(),
        );
        if let Err(e) = end {
            let _ = tx.send(Err(e));
        }
    });
    Ahead {
        batches: rx,
        thread: Some(thread),
    }
}

impl<R: Read> Iterator for TableReader<R> {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch()
            .map_err(|e| ArrowError::ExternalError(Box::new(e)))
            .transpose()
    }
}

impl<R: Read> RecordBatchReader for TableReader<R> {
    fn schema(&self) -> SchemaRef {
        let b = &self.builder;
        b.table.schema_with(b.float, b.dictionary)
    }
}
