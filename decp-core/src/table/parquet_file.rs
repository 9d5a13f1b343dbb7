//! One Parquet file of a table. The rows of a file of its own (not a
//! partition) are encoded (dictionaries, statistics, levels, ZSTD) into the
//! column writers of the row group being written as they come, while their
//! Arrow columns are still in the processor's caches, and the row group is
//! written to the file when full. Encoding is about a quarter of the work of
//! `flatten`: with up to three jobs, the writing thread (in `decp flatten`,
//! the job that made the batch, one job at a time) encodes each batch as it
//! comes and keeps up with the jobs making the rows; with more, it would cap
//! them, and the columns of a few thousand rows at a time are shared out
//! among threads ([`encode_threads`]). A partition's rows wait as Arrow batches
//! until its row group is written, their columns then shared out among the
//! jobs: each file with open column writers holds their compression contexts
//! (hundreds of kilobytes per column), which a dataset of hundreds of
//! partitions cannot afford.
//!
//! The files are those [`parquet::arrow::ArrowWriter`] writes (same properties,
//! same Arrow schema in the footer, row groups cut at the same rows unless the
//! bound on the rows waiting across files writes one early), the same whatever
//! the number of jobs: it is made, then turned into its file writer and the
//! factory of its column writers, as the parquet crate documents for encoding
//! columns in parallel.

use std::fs::File;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::arrow_writer::{
    ArrowColumnChunk, ArrowColumnWriter, ArrowLeafColumn, ArrowRowGroupWriterFactory,
    compute_leaves,
};
use parquet::arrow::{ArrowSchemaConverter, ArrowWriter};
use parquet::basic::{Compression, Encoding, Type, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;

use crate::error::{Error, Result};
use crate::message::Message;

/// One file being written: the rows of the row group being written are in its
/// column writers (encoded) or waiting to be encoded (Arrow batches).
pub(super) struct ParquetFile {
    writer: SerializedFileWriter<File>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    /// How many column writers (Parquet leaves) each column has.
    leaves: Vec<usize>,
    /// Whether rows are encoded as they come (else when the row group is written).
    eager: bool,
    pending: Vec<RecordBatch>,
    pending_rows: usize,
    /// The column writers of the row group being written, per column, once
    /// rows were encoded.
    open: Option<Vec<Vec<ArrowColumnWriter>>>,
    open_rows: usize,
    /// The bytes the rows of the row group being written use in their Arrow
    /// batches, encoded or not: see [`ParquetFile::pending_bytes`].
    group_bytes: usize,
    groups: usize,
    group_rows: usize,
    /// A write failed: the file is not complete, nothing more goes in it.
    failed: bool,
}

/// The rows encoded together when the columns are shared out among threads:
/// few enough that their Arrow columns are still in the processor's caches (a
/// row group's worth, 20 MB of `marches`, is not), enough that starting the
/// threads costs little.
const ENCODE_ROWS: usize = 4096;

/// The threads encoding the columns of a file with `jobs` jobs: one (the
/// writing thread) up to three jobs, one more per three jobs beyond. With two
/// jobs, the writing thread (then the calling thread) encoding each batch as
/// it comes used 12 % less processor time than two threads sharing out a row
/// group's columns, in as much time or less, and held 52 MB instead of 86
/// (`gen-corpus json 200`, benches/README.md, session 21).
pub(super) fn encode_threads(jobs: usize) -> usize {
    jobs.div_ceil(3).max(1)
}

/// The bytes the rows of `batch` use in its columns (a slice's own, not its
/// batch's): not the buffers' capacities, which the builders' size hints set,
/// and with several jobs the hints depend on which chunk was written first.
fn used_bytes(batch: &RecordBatch) -> usize {
    batch
        .columns()
        .iter()
        .map(|c| c.to_data().get_slice_memory_size().unwrap_or(0))
        .sum()
}

/// One column's share of the rows being encoded: its writers (one per Parquet
/// leaf) and, per batch, its leaves.
type Work = (Vec<ArrowColumnWriter>, Vec<Vec<ArrowLeafColumn>>);

impl ParquetFile {
    /// A file of `schema` in `file`, ZSTD-compressed, in row groups of at most
    /// `group_rows` rows; its rows encoded as they come when `eager` (a file of
    /// its own), else when their row group is written (a partition).
    pub(super) fn create(
        file: File,
        schema: SchemaRef,
        group_rows: usize,
        eager: bool,
    ) -> Result<ParquetFile> {
        let props = properties(&schema, group_rows)?;
        let w = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(parquet_err)?;
        let (writer, factory) = w.into_serialized_writer().map_err(parquet_err)?;
        let leaves = schema
            .fields()
            .iter()
            .map(|f| {
                let empty = arrow_array::new_empty_array(f.data_type());
                compute_leaves(f, &empty).map(|l| l.len())
            })
            .collect::<std::result::Result<_, _>>()
            .map_err(parquet_err)?;
        Ok(ParquetFile {
            writer,
            factory,
            schema,
            leaves,
            eager,
            pending: Vec::new(),
            pending_rows: 0,
            open: None,
            open_rows: 0,
            group_bytes: 0,
            groups: 0,
            group_rows,
            failed: false,
        })
    }

    /// An error when an earlier write failed (the file is incomplete: its rows
    /// would be missing from it).
    fn usable(&self) -> Result<()> {
        if self.failed {
            return Err(Error::write(Message::Other(
                "an earlier error stopped writing this Parquet file".into(),
            )));
        }
        Ok(())
    }

    /// `r`, remembered when an error.
    fn remember<T>(&mut self, r: Result<T>) -> Result<T> {
        self.failed |= r.is_err();
        r
    }

    /// Adds rows after those added before: they are encoded, and written a row
    /// group at a time.
    pub(super) fn write(&mut self, batch: RecordBatch, jobs: usize) -> Result<()> {
        self.usable()?;
        let r = self.write_rows(batch, jobs);
        self.remember(r)
    }

    fn write_rows(&mut self, mut batch: RecordBatch, jobs: usize) -> Result<()> {
        while self.open_rows + self.pending_rows + batch.num_rows() >= self.group_rows {
            let take = self.group_rows - self.open_rows - self.pending_rows;
            self.push(batch.slice(0, take));
            batch = batch.slice(take, batch.num_rows() - take);
            self.flush_rows(jobs)?;
        }
        if batch.num_rows() > 0 {
            self.push(batch);
        }
        let threads = encode_threads(jobs);
        if self.eager && (threads == 1 || self.pending_rows >= ENCODE_ROWS) {
            self.encode(threads)?;
        }
        Ok(())
    }

    fn push(&mut self, batch: RecordBatch) {
        self.pending_rows += batch.num_rows();
        self.group_bytes += used_bytes(&batch);
        self.pending.push(batch);
    }

    /// The memory the rows not yet written hold, in bytes, as the bound across
    /// files counts it: the bytes the rows use in their Arrow batches, whether
    /// they were encoded yet or not (encoded, they hold less; counted so, the
    /// bound writes a row group early at the same rows whatever the number of
    /// jobs).
    pub(super) fn pending_bytes(&self) -> usize {
        self.group_bytes
    }

    /// Encodes the pending rows, on `threads` threads, into the row group being
    /// written (opened when none is).
    fn encode(&mut self, threads: usize) -> Result<()> {
        if self.pending_rows == 0 {
            return Ok(());
        }
        let work = self.work()?;
        self.open = Some(run_all(work, threads, encode)?);
        Ok(())
    }

    /// The pending rows and the writers of the row group being written (made
    /// when there are none), by column; the rows are then counted as encoded.
    fn work(&mut self) -> Result<Vec<Work>> {
        let batches = std::mem::take(&mut self.pending);
        self.open_rows += self.pending_rows;
        self.pending_rows = 0;
        let open = match self.open.take() {
            Some(open) => open,
            None => {
                let mut writers = self
                    .factory
                    .create_column_writers(self.groups)
                    .map_err(parquet_err)?
                    .into_iter();
                let leaves = self.leaves.iter();
                leaves
                    .map(|&n| writers.by_ref().take(n).collect())
                    .collect()
            }
        };
        let mut work: Vec<Work> = Vec::with_capacity(open.len());
        for ((k, field), writers) in self.schema.fields().iter().enumerate().zip(open) {
            let leaves = batches
                .iter()
                .map(|b| compute_leaves(field, b.column(k)))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(parquet_err)?;
            work.push((writers, leaves));
        }
        Ok(work)
    }

    /// Writes the rows not yet written as one row group (none when there are
    /// none).
    pub(super) fn flush(&mut self, jobs: usize) -> Result<()> {
        self.usable()?;
        let r = self.flush_rows(jobs);
        self.remember(r)
    }

    /// [`ParquetFile::flush`]: the rows of a file of its own encoded on
    /// [`encode_threads`] threads (most were as they came), a partition's on
    /// `jobs` threads.
    fn flush_rows(&mut self, jobs: usize) -> Result<()> {
        let threads = if self.eager {
            encode_threads(jobs)
        } else {
            jobs
        };
        if self.pending_rows == 0 && self.open.is_none() {
            self.group_bytes = 0;
            return Ok(());
        }
        // The rows left encoded and the writers closed in one pass per column.
        let work = self.work()?;
        self.open_rows = 0;
        self.group_bytes = 0;
        self.groups += 1;
        let chunks = run_all(work, threads, |w| close(encode(w)?))?;
        let mut group = self.writer.next_row_group().map_err(parquet_err)?;
        for chunk in chunks.into_iter().flatten() {
            chunk.append_to_row_group(&mut group).map_err(parquet_err)?;
        }
        group.close().map_err(parquet_err)?;
        Ok(())
    }

    /// Writes the pending rows and the footer, and waits for the file to be on
    /// disk (its write errors, such as a full disk, are reported here, and it
    /// is complete before it is renamed to its name).
    pub(super) fn close(mut self, jobs: usize) -> Result<()> {
        self.flush(jobs)?;
        self.writer.into_inner().map_err(parquet_err)?.sync_all()?;
        Ok(())
    }
}

/// The files' properties: ZSTD, row groups of at most `group_rows` rows, and
/// per column what pays. Dictionaries only for the codes ([`CODES`]): every
/// value of a column with a dictionary is hashed, and the ids, prose, dates and
/// amounts have too many distinct values for one (the writer gave up on it
/// after a megabyte, having hashed them all); plain and ZSTD, the files are
/// also smaller (10.1 MB against 11.3 MB from `gen-corpus json 200`). No
/// statistics for the texts but those that prune ([`PRUNING_TEXTS`]): two
/// comparisons per value, for a least and a greatest no filter uses. Integers
/// and dates (Parquet `INT32`, `INT64`; no code is one) as differences
/// bit-packed (`DELTA_BINARY_PACKED`, which every reader of the Parquet format
/// 2 encodings reads: pyarrow, polars, DuckDB, Spark): a tenth of their plain
/// bytes for ZSTD to compress, 3 % fewer instructions for all of `flatten` and
/// a smaller file (1 033 against 1 073 kB from `gen-corpus json 20`).
///
/// [`CODES`]: super::schema::CODES
/// [`PRUNING_TEXTS`]: super::schema::PRUNING_TEXTS
fn properties(schema: &SchemaRef, group_rows: usize) -> Result<WriterProperties> {
    let leaves = ArrowSchemaConverter::new()
        .convert(schema)
        .map_err(parquet_err)?;
    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(group_rows))
        .set_dictionary_enabled(false);
    for leaf in leaves.columns() {
        let path = leaf.path();
        let column = path.parts().first().map_or("", String::as_str);
        if super::schema::is_code(column) {
            props = props.set_column_dictionary_enabled(path.clone(), true);
        }
        if leaf.physical_type() == Type::BYTE_ARRAY && !super::schema::is_pruning_text(column) {
            props = props.set_column_statistics_enabled(path.clone(), EnabledStatistics::None);
        }
        if matches!(leaf.physical_type(), Type::INT32 | Type::INT64) {
            props = props.set_column_encoding(path.clone(), Encoding::DELTA_BINARY_PACKED);
        }
    }
    Ok(props.build())
}

/// One column's leaves of every batch, in order, through its writers.
fn encode((mut writers, leaves): Work) -> Result<Vec<ArrowColumnWriter>> {
    for per_batch in &leaves {
        for (w, leaf) in writers.iter_mut().zip(per_batch) {
            w.write(leaf).map_err(parquet_err)?;
        }
    }
    Ok(writers)
}

/// One column's chunk: its writers closed.
fn close(writers: Vec<ArrowColumnWriter>) -> Result<Vec<ArrowColumnChunk>> {
    writers
        .into_iter()
        .map(|w| w.close().map_err(parquet_err))
        .collect()
}

/// `f` of every column's work, in column order; the columns shared out among
/// `threads` threads, each taking the next column not yet taken (their costs
/// differ widely: a long text against a flag).
fn run_all<T: Send>(
    work: Vec<Work>,
    threads: usize,
    f: impl Fn(Work) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    let threads = threads.min(work.len());
    if threads <= 1 {
        return work.into_iter().map(f).collect();
    }
    let n = work.len();
    let slots: Vec<Mutex<Option<Work>>> = work.into_iter().map(|w| Mutex::new(Some(w))).collect();
    let done: Vec<Mutex<Option<Result<T>>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let taken = slots[i].lock().ok().and_then(|mut w| w.take());
                    if let Some(w) = taken {
                        let out = f(w);
                        if let Ok(mut d) = done[i].lock() {
                            *d = Some(out);
                        }
                    }
                }
            });
        }
    });
    done.into_iter()
        .map(|d| {
            d.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err(Error::write(Message::Other("a column not encoded".into()))))
        })
        .collect()
}

pub(super) fn parquet_err(e: ParquetError) -> Error {
    match e {
        ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(io) => Error::from(*io),
            Err(e) => Error::write(Message::Other(e.to_string())),
        },
        e => Error::write(Message::Other(e.to_string())),
    }
}
