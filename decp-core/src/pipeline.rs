//! The parallel driver: worker threads take turns at the reader to cut a batch of
//! raw records, run the per-record step on it, and results come back in document
//! order. Reading is the serial part of every run: in a list of records it finds
//! record ends fast (JSON 64 bytes at a time, XML by a search for the end tag)
//! and hands the records over as ranges of the input buffer they share, without
//! copying their bytes (the reader goes on in another buffer while they hold
//! it); elsewhere it walks and copies record by record. At most a
//! fixed number of batches are in flight (read, being worked on, or waiting for
//! their turn), so memory stays constant whatever the input size and however slow
//! the output is.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Mutex, PoisonError};

use crate::error::Error;
use crate::read::{RawRecord, Reader};

/// Records in flight at most (read, being worked on, or waiting for their turn),
/// whatever the number of jobs: with decoded records in the results, memory is
/// about this many records' worth (their bytes are ranges of the reader's
/// buffers, each kept by records holding at least a quarter of it).
const IN_FLIGHT_RECORDS: usize = 1024;

/// Records per batch for `jobs` threads: as large as the records in flight allow
/// (handing a batch between threads costs a lock and often a wake-up), 256 with
/// two jobs, at least 16.
fn batch_for(jobs: usize) -> usize {
    (IN_FLIGHT_RECORDS / (jobs + 2)).max(16)
}

/// What a worker gets: a record's bytes, or a recoverable error met while reading
/// (the envelope's, or a record's that could not be cut out).
pub type Item = Result<RawRecord, Error>;

/// The number of threads to run: `asked`, or every core when `None`; at least
/// one, and at most four per core (more only costs memory: each holds batches of
/// records in flight). The CLI's `-j` and the bindings' `jobs=` both go through it.
///
/// ```
/// let cores = std::thread::available_parallelism().map_or(1, usize::from);
/// assert_eq!(decp_core::pipeline::jobs(None), cores);
/// assert_eq!(decp_core::pipeline::jobs(Some(0)), 1);
/// assert_eq!(decp_core::pipeline::jobs(Some(100_000)), (4 * cores).max(4));
/// ```
pub fn jobs(asked: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    asked
        .unwrap_or(cores)
        .clamp(1, cores.saturating_mul(4).max(4))
}

/// Runs `work` on every item of `reader` on `jobs` threads (`0` or `1`: on this
/// thread) and passes the results to `sink` in document order; `progress` is told
/// the bytes read so far, from the thread that read them. `sink` returns `false` to stop
/// (a closed output): reading stops at once. Returns the fatal error that stopped
/// reading, if any, after every item before it has gone through `sink`.
///
/// # Errors
///
/// The fatal error of the reader (I/O, a broken envelope).
///
/// ```
/// use decp_core::{Reader, pipeline};
/// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B"}]}}"#;
/// let mut ids = Vec::new();
/// pipeline::for_each_ordered(Reader::from_slice(json)?, 2, &|_| {}, |item| {
///     item.map(|raw| raw.kind_index())
/// }, |r| { ids.push(r.unwrap()); true })?;
/// assert_eq!(ids, [0, 1]);
/// # Ok::<(), decp_core::Error>(())
/// ```
pub fn for_each_ordered<R, T, W, S, P>(
    mut reader: Reader<R>,
    jobs: usize,
    progress: &P,
    work: W,
    mut sink: S,
) -> Result<(), Error>
where
    R: Read + Send,
    T: Send,
    W: Fn(Item) -> T + Sync,
    S: FnMut(T) -> bool,
    P: Fn(u64) + Sync + ?Sized,
{
    if jobs <= 1 {
        loop {
            let mut raw = RawRecord::default();
            let go = match reader.read_raw(&mut raw) {
                Ok(true) => sink(work(Ok(raw))),
                Ok(false) => return Ok(()),
                Err(e) if e.is_fatal() => return Err(e),
                Err(e) => sink(work(Err(e))),
            };
            progress(reader.bytes_read());
            if !go {
                return Ok(());
            }
        }
    }
    for_each_batch_ordered(
        reader,
        jobs,
        batch_for(jobs),
        progress,
        |batch| batch.into_iter().map(&work).collect::<Vec<T>>(),
        |out| out.into_iter().all(&mut sink),
    )
}

/// [`for_each_ordered`] a batch at a time: `work` gets up to `records` items in
/// document order and makes one result of them (a worker's share of a table, a
/// buffer of output), and `sink` gets the results in document order. The step
/// for work whose results are cheaper to combine per batch than per record.
///
/// # Errors
///
/// The fatal error of the reader (I/O, a broken envelope), after every batch
/// before it has gone through `sink`.
///
/// ```
/// use decp_core::{Reader, pipeline};
/// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B"}, {"id": "C"}]}}"#;
/// let mut sizes = Vec::new();
/// pipeline::for_each_batch_ordered(Reader::from_slice(json)?, 2, 2, &|_| {}, |batch| batch.len(), |n| {
///     sizes.push(n);
///     true
/// })?;
/// assert_eq!(sizes, [2, 1]);
/// # Ok::<(), decp_core::Error>(())
/// ```
pub fn for_each_batch_ordered<R, T, W, S, P>(
    reader: Reader<R>,
    jobs: usize,
    records: usize,
    progress: &P,
    work: W,
    sink: S,
) -> Result<(), Error>
where
    R: Read + Send,
    T: Send,
    W: Fn(Vec<Item>) -> T + Sync,
    S: FnMut(T) -> bool,
    P: Fn(u64) + Sync + ?Sized,
{
    batches_ordered(reader, jobs, records, 0, progress, work, sink)
}

/// [`for_each_batch_ordered`] with `waiting` more batches in flight: results
/// that may wait for `sink` while it works (it writes what the workers made,
/// and the jobs would otherwise stop, waiting for it, the cores idle but its
/// own). Each holds a batch's result in memory.
pub(crate) fn batches_ordered<R, T, W, S, P>(
    mut reader: Reader<R>,
    jobs: usize,
    records: usize,
    waiting: usize,
    progress: &P,
    work: W,
    mut sink: S,
) -> Result<(), Error>
where
    R: Read + Send,
    T: Send,
    W: Fn(Vec<Item>) -> T + Sync,
    S: FnMut(T) -> bool,
    P: Fn(u64) + Sync + ?Sized,
{
    let records = records.max(1);
    if jobs <= 1 {
        loop {
            let (batch, done, end) = read_batch(&mut reader, records);
            progress(reader.bytes_read());
            if !batch.is_empty() && !sink(work(batch)) {
                return Ok(());
            }
            if done {
                return end;
            }
        }
    }
    // The reader, shared: the workers take turns at it (under its lock), each
    // reading the batch it will work on next. A reading thread of its own cost a
    // thread more than the cores (and its wake-ups), and handed every batch to
    // another core's cache.
    let reading = Mutex::new(Reading::new(reader));
    // One ticket per batch in flight: a worker takes one before reading a batch,
    // the output gives it back once the batch is written. A batch per job, one
    // read ahead and one waiting for its turn keep the jobs busy when the output
    // has little to do; more only holds memory (decoded records wait in the
    // results), but for an output that works (`waiting`).
    let in_flight = jobs + 2 + waiting;
    let (ticket_tx, ticket_rx) = tickets(in_flight);
    // A panic no one could be told of (the output had stopped): resumed all the same.
    let unheard: Mutex<Option<Panic>> = Mutex::new(None);
    let panicked = std::thread::scope(|scope| {
        // A worker's panic travels to this thread as a message, so that the output
        // stops waiting for its batch, and is resumed here once every worker stopped.
        let (out_tx, out_rx) = channel::<Out<T>>();
        // Dropped when this closure returns, before the workers are joined: a
        // worker waiting for a ticket then stops.
        let ticket_tx = ticket_tx;
        for _ in 0..jobs {
            let tx = out_tx.clone();
            let (reading, ticket_rx, work, unheard) = (&reading, &ticket_rx, &work, &unheard);
            scope.spawn(move || {
                loop {
                    // No ticket: the output stopped (or failed).
                    if !ticket_rx.lock().is_ok_and(|t| t.recv().is_ok()) {
                        return;
                    }
                    let read = next_batch(reading, records, progress);
                    let out = match read {
                        Ok(Some((n, batch))) => Out::Done(
                            n,
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(batch))),
                        ),
                        Ok(None) => return,
                        Err(p) => Out::ReadPanicked(p),
                    };
                    let stop = !matches!(out, Out::Done(_, Ok(_)));
                    if let Err(std::sync::mpsc::SendError(out)) = tx.send(out) {
                        if let Out::Done(_, Err(p)) | Out::ReadPanicked(p) = out
                            && let Ok(mut u) = unheard.lock()
                        {
                            u.get_or_insert(p);
                        }
                        return;
                    }
                    if stop {
                        return;
                    }
                }
            });
        }
        drop(out_tx);
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        // A panic while reading: every batch before it still goes to the output
        // (the workers stop at the poisoned reader), then it is resumed.
        let mut read_panic = None;
        'out: for out in out_rx {
            let (n, out) = match out {
                Out::Done(n, out) => (n, out),
                Out::ReadPanicked(p) => {
                    read_panic.get_or_insert(p);
                    continue;
                }
            };
            pending.insert(n, out);
            while let Some(out) = pending.remove(&next) {
                // A panic in `work`: after the batches before it, as they come.
                let out = match out {
                    Ok(out) => out,
                    Err(p) => return Some(p),
                };
                if !sink(out) {
                    // The workers wait for a ticket: none will come.
                    break 'out;
                }
                next += 1;
                let _ = ticket_tx.send(());
            }
        }
        read_panic
    });
    // Every worker has stopped (the scope joined them).
    if let Some(p) = panicked.or_else(|| unheard.into_inner().ok().flatten()) {
        std::panic::resume_unwind(p);
    }
    reading.into_inner().map_or(Ok(()), |r| r.end)
}

/// One batch read from `reader`: up to `records` items, whether reading is
/// over, and the fatal error that ended it.
fn read_batch<R: Read>(
    reader: &mut Reader<R>,
    records: usize,
) -> (Vec<Item>, bool, Result<(), Error>) {
    let mut batch = Vec::with_capacity(records.min(1024));
    while batch.len() < records {
        // Whole records straight from the buffer when the splitter can.
        if reader.read_run(records - batch.len(), |raw| batch.push(Ok(raw))) > 0 {
            continue;
        }
        let mut raw = RawRecord::default();
        match reader.read_raw(&mut raw) {
            Ok(true) => batch.push(Ok(raw)),
            Ok(false) => return (batch, true, Ok(())),
            Err(e) if e.is_fatal() => return (batch, true, Err(e)),
            Err(e) => batch.push(Err(e)),
        }
    }
    (batch, false, Ok(()))
}

/// A worker's turn at the shared reader: the next batch and its number in
/// document order; `None` when reading is over (or another worker panicked
/// while reading: the lock is poisoned); `Err` the panic of this read.
fn next_batch<R: Read, P: Fn(u64) + Sync + ?Sized>(
    reading: &Mutex<Reading<R>>,
    records: usize,
    progress: &P,
) -> std::thread::Result<Option<(u64, Vec<Item>)>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut r = reading.lock().ok()?;
        if r.over {
            return None;
        }
        let (batch, done, end) = read_batch(&mut r.reader, records);
        progress(r.reader.bytes_read());
        if done {
            r.over = true;
            r.end = end;
        }
        if batch.is_empty() {
            return None;
        }
        let n = r.next;
        r.next += 1;
        Some((n, batch))
    }))
}

/// [`batches_ordered`] with `sink` run on the jobs rather than on the calling
/// thread: each result goes through it on the job that made it when its turn
/// has come, or on the job then at the output, which takes every result
/// whose turn comes while it is there (one job at a time, in document order).
/// For an output that works (it encodes and compresses what the batch made):
/// no thread more than the jobs competes for the cores, and the batch is
/// written from the cache of the core that made it. A batch per job and two
/// more are in flight.
///
/// # Errors
///
/// The fatal error of the reader (I/O, a broken envelope), after every batch
/// before it has gone through `sink`.
///
/// # Panics
///
/// A panic of `work`, `sink` or `progress` is resumed on the calling thread
/// once every job stopped, after the batches before it went through `sink`.
pub(crate) fn batches_ordered_on_jobs<R, T, W, S, P>(
    reader: Reader<R>,
    jobs: usize,
    records: usize,
    progress: &P,
    work: W,
    sink: S,
) -> Result<(), Error>
where
    R: Read + Send,
    T: Send,
    W: Fn(Vec<Item>) -> T + Sync,
    S: FnMut(T) -> bool + Send,
    P: Fn(u64) + Sync + ?Sized,
{
    if jobs <= 1 {
        return batches_ordered(reader, jobs, records, 0, progress, work, sink);
    }
    let records = records.max(1);
    let reading = Mutex::new(Reading::new(reader));
    // Tickets as in `batches_ordered`: a job takes one before reading a batch,
    // and the job at the output gives it back once the batch went through it.
    let in_flight = jobs + 2;
    let (ticket_tx, ticket_rx) = tickets(in_flight);
    let order = Mutex::new(Order {
        waiting: BTreeMap::new(),
        next: 0,
        stopped: false,
        panic: None,
        read_panic: None,
    });
    let sink = Mutex::new(sink);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let (reading, ticket_rx, ticket_tx, order, sink, work) =
                (&reading, &ticket_rx, &ticket_tx, &order, &sink, &work);
            scope.spawn(move || {
                loop {
                    let stopped = || lock(order).stopped;
                    if stopped() || !ticket_rx.lock().is_ok_and(|t| t.recv().is_ok()) || stopped() {
                        return;
                    }
                    let (n, batch) = match next_batch(reading, records, progress) {
                        Ok(Some(b)) => b,
                        Ok(None) => return,
                        Err(p) => {
                            // The batches read before still go through `sink`
                            // (the other jobs stop at the poisoned reader);
                            // resumed unless one of them panicked.
                            lock(order).read_panic.get_or_insert(p);
                            return;
                        }
                    };
                    let out =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(batch)));
                    let panicked = out.is_err();
                    // A job whose `work` panicked stops (the panic waits for
                    // its turn at the output).
                    if !deliver(order, sink, ticket_tx, jobs, n, out) || panicked {
                        return;
                    }
                }
            });
        }
    });
    // Every job has stopped (the scope joined them).
    let order = order.into_inner().unwrap_or_else(PoisonError::into_inner);
    if let Some(p) = order.panic.or(order.read_panic) {
        std::panic::resume_unwind(p);
    }
    reading.into_inner().map_or(Ok(()), |r| r.end)
}

/// The output of [`batches_ordered_on_jobs`]: the results waiting for their
/// turn.
struct Order<T> {
    waiting: BTreeMap<u64, std::thread::Result<T>>,
    /// The number of the batch whose turn it is.
    next: u64,
    /// `sink` asked to stop, or a job panicked: nothing more goes through it.
    stopped: bool,
    /// The first panic of `work` or `sink` in document order, resumed on the
    /// calling thread; then a panic of `work` met after the output stopped.
    panic: Option<Panic>,
    /// A panic while reading: resumed when no batch before it panicked.
    read_panic: Option<Panic>,
}

/// Locks `m`, poisoned or not: what it guards stays consistent (every panic
/// under it is caught).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Hands batch `n`'s result to the output: through `sink` now if its turn has
/// come (then with every result whose turn comes while this job is there),
/// else left for the job that will be at the output then. `false` when the
/// output stopped.
fn deliver<T, S: FnMut(T) -> bool>(
    order: &Mutex<Order<T>>,
    sink: &Mutex<S>,
    tickets: &SyncSender<()>,
    jobs: usize,
    n: u64,
    out: std::thread::Result<T>,
) -> bool {
    let mut o = lock(order);
    if o.stopped {
        // Not lost: a panic of `work` is still resumed.
        if let Err(p) = out {
            o.panic.get_or_insert(p);
        }
        return false;
    }
    o.waiting.insert(n, out);
    // The batch whose turn it is leaves `waiting` when a job takes it to the
    // output, and `next` moves on once it went through: one job at a time.
    loop {
        let next = o.next;
        let Some(out) = o.waiting.remove(&next) else {
            return true;
        };
        drop(o);
        let went = match out {
            Ok(t) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (lock(sink))(t))),
            Err(p) => Err(p),
        };
        o = lock(order);
        match went {
            Ok(true) => {
                o.next += 1;
                // Never blocks: a ticket comes back for each one taken.
                let _ = tickets.try_send(());
            }
            stop => {
                if let Err(p) = stop {
                    o.panic.get_or_insert(p);
                }
                o.stopped = true;
                // The results after: dropped, but a panic of `work` among
                // them is still resumed.
                for (_, out) in std::mem::take(&mut o.waiting) {
                    if let Err(p) = out {
                        o.panic.get_or_insert(p);
                    }
                }
                drop(o);
                // Jobs waiting for a ticket wake up, and see the output stopped.
                for _ in 0..jobs {
                    let _ = tickets.try_send(());
                }
                return false;
            }
        }
    }
}

/// A caught panic's payload.
type Panic = Box<dyn std::any::Any + Send>;

/// The reader the workers share, with what they learnt from it.
struct Reading<R> {
    reader: Reader<R>,
    /// The number of the next batch read, in document order.
    next: u64,
    /// Reading is over: the end of input, or a fatal error (in `end`).
    over: bool,
    end: Result<(), Error>,
}

impl<R> Reading<R> {
    /// `reader`, before its first batch.
    fn new(reader: Reader<R>) -> Reading<R> {
        Reading {
            reader,
            next: 0,
            over: false,
            end: Ok(()),
        }
    }
}

/// `in_flight` tickets, all available: the channel that gives them back and
/// its receiving end, shared by the jobs.
fn tickets(in_flight: usize) -> (SyncSender<()>, Mutex<Receiver<()>>) {
    let (tx, rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = tx.send(());
    }
    (tx, Mutex::new(rx))
}

/// What a worker sends the output.
enum Out<T> {
    /// The result of the batch of this number, or the panic of `work` on it.
    Done(u64, std::thread::Result<T>),
    /// The worker panicked while reading (the reader is poisoned: no batch after).
    ReadPanicked(Panic),
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A JSON list of `n` records `{"id": "0"}`, `{"id": "1"}`…
    fn list_of(n: usize) -> String {
        let ids: Vec<String> = (0..n).map(|i| format!("{{\"id\": \"{i}\"}}")).collect();
        format!("{{\"marches\": {{\"marche\": [{}]}}}}", ids.join(","))
    }

    #[test]
    fn a_slow_output_holds_the_reader_back() {
        let doc = list_of(3000);
        let reader = Reader::from_slice(doc.as_bytes()).unwrap();
        let worked = AtomicUsize::new(0);
        let mut sunk = 0usize;
        let mut ahead = 0usize;
        let mut ids = Vec::new();
        for_each_ordered(
            reader,
            2,
            &|_| {},
            |item| {
                worked.fetch_add(1, Ordering::SeqCst);
                item.map(|raw| raw.position().record)
            },
            |r| {
                sunk += 1;
                ahead = ahead.max(worked.load(Ordering::SeqCst) - sunk);
                ids.push(r.unwrap());
                std::thread::sleep(std::time::Duration::from_micros(30));
                true
            },
        )
        .unwrap();
        assert_eq!(sunk, 3000);
        // In document order, none lost.
        assert!(ids.iter().enumerate().all(|(i, r)| *r == Some(i as u64)));
        // Never more than the batches in flight (2 jobs + 2) worked ahead of the output.
        assert!(
            ahead <= (2 + 2) * batch_for(2),
            "{ahead} records worked ahead"
        );
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller_instead_of_hanging() {
        let doc = list_of(5_000);
        for bad in [100, 1_000] {
            let mut sunk = Vec::new();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                for_each_ordered(
                    Reader::from_slice(doc.as_bytes()).unwrap(),
                    2,
                    &|_| {},
                    |item| {
                        let raw = item.unwrap();
                        assert!(raw.kind_index() != bad, "boom");
                        raw.kind_index()
                    },
                    |i| {
                        sunk.push(i);
                        true
                    },
                )
            }));
            assert!(r.is_err());
            // Every batch before the one that panicked went to the output, in
            // order; none after it.
            let per = batch_for(2) as u64;
            let first = bad / per * per;
            assert_eq!(sunk, (0..first).collect::<Vec<_>>(), "panic at {bad}");
        }
    }

    #[test]
    fn a_panic_while_reading_reaches_the_caller_instead_of_hanging() {
        // `progress` runs where the batch was read, under the reader's lock: a
        // panic there poisons the lock the other worker waits for.
        let doc = list_of(5_000);
        for jobs in [2, 3] {
            let calls = AtomicUsize::new(0);
            let sunk = AtomicUsize::new(0);
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                for_each_ordered(
                    Reader::from_slice(doc.as_bytes()).unwrap(),
                    jobs,
                    &|_| assert!(calls.fetch_add(1, Ordering::SeqCst) != 3, "boom"),
                    |item| item.is_ok(),
                    |_| {
                        sunk.fetch_add(1, Ordering::SeqCst);
                        true
                    },
                )
            }));
            assert!(r.is_err(), "jobs {jobs}");
            // The batches read before the panic went to the output, no more.
            let n = sunk.load(Ordering::SeqCst);
            assert!(n >= 3 * batch_for(jobs) && n < 5_000, "jobs {jobs}: {n}");
        }
    }

    #[test]
    fn the_records_in_flight_do_not_grow_with_the_jobs() {
        assert_eq!(batch_for(2), 256);
        for jobs in 1..=64 {
            // Tickets: jobs + 2 batches at most.
            let records = (jobs + 2) * batch_for(jobs);
            assert!(records <= IN_FLIGHT_RECORDS.max((jobs + 2) * 16), "{jobs}");
        }
    }

    /// Batches waiting for an output that works are bounded: while it holds
    /// the first, the jobs work `jobs + 2 + waiting` batches, no more.
    #[test]
    fn batches_waiting_for_the_output_are_bounded() {
        use std::time::{Duration, Instant};
        let doc = list_of(20_000);
        for (jobs, waiting) in [(2, 0), (2, 8), (3, 8)] {
            let in_flight = jobs + 2 + waiting;
            let worked = AtomicUsize::new(0);
            let (mut sunk, mut reached, mut after) = (0, 0, 0);
            batches_ordered(
                Reader::from_slice(doc.as_bytes()).unwrap(),
                jobs,
                10,
                waiting,
                &|_| {},
                |_batch| worked.fetch_add(1, Ordering::SeqCst),
                |_| {
                    if sunk == 0 {
                        // The jobs run ahead as far as they may (however
                        // slowly they are given the cores)…
                        let start = Instant::now();
                        while worked.load(Ordering::SeqCst) < in_flight
                            && start.elapsed() < Duration::from_secs(20)
                        {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        reached = worked.load(Ordering::SeqCst);
                        // …and no further.
                        std::thread::sleep(Duration::from_millis(30));
                        after = worked.load(Ordering::SeqCst);
                    }
                    sunk += 1;
                    sunk < 3
                },
            )
            .unwrap();
            assert_eq!(
                (reached, after),
                (in_flight, in_flight),
                "{jobs} jobs, {waiting} waiting"
            );
            let worked = worked.load(Ordering::SeqCst);
            assert!(
                worked <= 3 + in_flight,
                "{jobs} jobs, {waiting} waiting: {worked}"
            );
        }
    }

    #[test]
    fn a_closed_output_stops_reading() {
        let doc = list_of(20_000);
        for jobs in [1, 2] {
            let worked = AtomicUsize::new(0);
            let mut sunk = 0;
            for_each_ordered(
                Reader::from_slice(doc.as_bytes()).unwrap(),
                jobs,
                &|_| {},
                |_item| worked.fetch_add(1, Ordering::SeqCst),
                |_| {
                    sunk += 1;
                    sunk < 10
                },
            )
            .unwrap();
            assert_eq!(sunk, 10);
            // No more than the batches in flight were read past the stop.
            assert!(
                worked.load(Ordering::SeqCst) <= 10 + IN_FLIGHT_RECORDS + batch_for(jobs),
                "jobs {jobs}"
            );
        }
    }

    /// The output on the jobs: every batch once, in document order (later
    /// batches done first wait for their turn), on a job, not the calling
    /// thread; no more than `jobs + 2` batches taken while the output holds
    /// the first.
    #[test]
    fn an_output_on_the_jobs_takes_the_batches_in_order_one_at_a_time() {
        use std::time::{Duration, Instant};
        let doc = list_of(3_000);
        let caller = std::thread::current().id();
        for jobs in [2, 3, 5] {
            let worked = AtomicUsize::new(0);
            let (mut firsts, mut reached, mut after, mut elsewhere) = (Vec::new(), 0, 0, true);
            batches_ordered_on_jobs(
                Reader::from_slice(doc.as_bytes()).unwrap(),
                jobs,
                10,
                &|_| {},
                |batch| {
                    let n = worked.fetch_add(1, Ordering::SeqCst);
                    // Some batches take longer: later ones are done first.
                    if n % 7 == 3 {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    batch
                        .into_iter()
                        .map(|i| i.unwrap().position().record)
                        .collect::<Vec<_>>()
                },
                |records| {
                    elsewhere &= std::thread::current().id() != caller;
                    if firsts.is_empty() {
                        let start = Instant::now();
                        while worked.load(Ordering::SeqCst) < jobs + 2
                            && start.elapsed() < Duration::from_secs(20)
                        {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        reached = worked.load(Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(30));
                        after = worked.load(Ordering::SeqCst);
                    }
                    firsts.extend(records);
                    true
                },
            )
            .unwrap();
            assert!(
                elsewhere,
                "{jobs} jobs: the output ran on the calling thread"
            );
            assert_eq!((reached, after), (jobs + 2, jobs + 2), "{jobs} jobs");
            let all: Vec<_> = (0..3_000).map(Some).collect();
            assert_eq!(firsts, all, "{jobs} jobs");
        }
    }

    /// A panic in `work`, in `sink` or while reading stops the run and is
    /// resumed on the caller: the batches before it went through `sink`, in
    /// order, and none after the one that panicked.
    #[test]
    fn a_panic_on_the_jobs_reaches_the_caller_after_the_batches_before_it() {
        let doc = list_of(5_000);
        for jobs in [2, 3] {
            for (place, bad) in [("work", 1_000u64), ("sink", 1_000), ("read", 3)] {
                let sunk = Mutex::new(Vec::new());
                let reads = AtomicUsize::new(0);
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    batches_ordered_on_jobs(
                        Reader::from_slice(doc.as_bytes()).unwrap(),
                        jobs,
                        100,
                        &|_| {
                            let n = reads.fetch_add(1, Ordering::SeqCst);
                            assert!(place != "read" || n != bad as usize, "boom");
                        },
                        |batch| {
                            let first = batch[0].as_ref().unwrap().position().record.unwrap();
                            assert!(place != "work" || first != bad, "boom");
                            first
                        },
                        |first| {
                            assert!(place != "sink" || first != bad, "boom");
                            sunk.lock().unwrap().push(first);
                            true
                        },
                    )
                }));
                assert!(r.is_err(), "{place}, {jobs} jobs: no panic");
                let sunk = sunk.into_inner().unwrap();
                let n = sunk.len() as u64;
                assert_eq!(sunk, (0..n).map(|b| b * 100).collect::<Vec<_>>(), "{place}");
                // Reading: the batches read before the fourth (whose
                // `progress` panicked).
                let before = if place == "read" { bad } else { bad / 100 };
                assert_eq!(n, before, "{place}, {jobs} jobs");
            }
        }
    }

    #[test]
    fn a_closed_output_on_the_jobs_stops_reading() {
        let doc = list_of(20_000);
        for jobs in [2, 4] {
            let worked = AtomicUsize::new(0);
            let mut sunk = 0;
            batches_ordered_on_jobs(
                Reader::from_slice(doc.as_bytes()).unwrap(),
                jobs,
                10,
                &|_| {},
                |_batch| worked.fetch_add(1, Ordering::SeqCst),
                |_| {
                    sunk += 1;
                    sunk < 10
                },
            )
            .unwrap();
            assert_eq!(sunk, 10);
            let worked = worked.load(Ordering::SeqCst);
            assert!(worked <= 10 + jobs + 2, "{jobs} jobs: {worked}");
        }
    }

    /// A fatal error while reading (the document cut off) is returned once
    /// every record before it went through the output, in order.
    #[test]
    fn a_fatal_error_on_the_jobs_comes_after_the_records_before_it() {
        let doc = list_of(2_000);
        let cut = &doc[..doc.find(r#"{"id": "1500"}"#).unwrap() + 5];
        for jobs in [2, 3] {
            let mut ids = Vec::new();
            let r = batches_ordered_on_jobs(
                Reader::from_slice(cut.as_bytes()).unwrap(),
                jobs,
                64,
                &|_| {},
                |batch| {
                    batch
                        .into_iter()
                        .filter_map(|i| i.ok()?.position().record)
                        .collect::<Vec<_>>()
                },
                |records| {
                    ids.extend(records);
                    true
                },
            );
            let e = r.expect_err("a document cut off is a fatal error");
            assert!(e.is_fatal(), "{jobs} jobs: {e:?}");
            assert_eq!(ids, (0..1500).collect::<Vec<_>>(), "{jobs} jobs");
        }
    }
}
