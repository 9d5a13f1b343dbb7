//! Reading one input on every core: a reader thread cuts raw records, worker
//! threads decode and check them, and results come back in document order. At most
//! a fixed number of batches are in flight (read, being worked on, or waiting for
//! their turn), so memory stays constant whatever the input size and however slow
//! the output is.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};

use decp_core::{Error, RawRecord, Reader};

use crate::progress::Progress;

const BATCH: usize = 64;

/// What a worker gets: a record's bytes, or a recoverable error met while reading.
pub type Item = Result<RawRecord, Error>;

/// Runs `work` on every item of `reader` on `jobs` threads and passes the results to
/// `sink` in document order. Returns the fatal error that stopped reading, if any
/// (after every item before it has gone through `sink`).
pub fn run<R, T, W, S>(
    mut reader: Reader<R>,
    jobs: usize,
    progress: &Progress,
    work: W,
    mut sink: S,
) -> Result<(), Error>
where
    R: Read + Send,
    T: Send,
    W: Fn(Item) -> T + Sync,
    S: FnMut(T),
{
    if jobs <= 1 {
        loop {
            let mut raw = RawRecord::default();
            match reader.read_raw(&mut raw) {
                Ok(true) => sink(work(Ok(raw))),
                Ok(false) => return Ok(()),
                Err(e) if e.is_fatal() => return Err(e),
                Err(e) => sink(work(Err(e))),
            }
            progress.bytes(reader.bytes_read());
        }
    }
    std::thread::scope(|scope| {
        let (raw_tx, raw_rx) = sync_channel::<(u64, Vec<Item>)>(jobs * 2);
        let raw_rx = Arc::new(Mutex::new(raw_rx));
        let (out_tx, out_rx) = channel::<(u64, Vec<T>)>();
        // One ticket per batch in flight: the reader takes one before sending a
        // batch, the output gives it back once the batch is written.
        let in_flight = jobs * 4;
        let (ticket_tx, ticket_rx) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = ticket_tx.send(());
        }
        let reading = scope.spawn(move || -> Result<(), Error> {
            let mut n = 0u64;
            loop {
                let mut batch = Vec::with_capacity(BATCH);
                let mut end = Ok(());
                let mut done = false;
                while batch.len() < BATCH {
                    let mut raw = RawRecord::default();
                    match reader.read_raw(&mut raw) {
                        Ok(true) => batch.push(Ok(raw)),
                        Ok(false) => {
                            done = true;
                            break;
                        }
                        Err(e) if e.is_fatal() => {
                            end = Err(e);
                            done = true;
                            break;
                        }
                        Err(e) => batch.push(Err(e)),
                    }
                }
                progress.bytes(reader.bytes_read());
                if !batch.is_empty()
                    && (ticket_rx.recv().is_err() || raw_tx.send((n, batch)).is_err())
                {
                    return end;
                }
                n += 1;
                if done {
                    return end;
                }
            }
        });
        for _ in 0..jobs {
            let rx = Arc::clone(&raw_rx);
            let tx = out_tx.clone();
            let work = &work;
            scope.spawn(move || {
                loop {
                    let next = rx.lock().map(|r| r.recv());
                    let Ok(Ok((n, batch))) = next else { return };
                    let out: Vec<T> = batch.into_iter().map(work).collect();
                    if tx.send((n, out)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(out_tx);
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        for (n, out) in out_rx {
            pending.insert(n, out);
            while let Some(out) = pending.remove(&next) {
                out.into_iter().for_each(&mut sink);
                next += 1;
                let _ = ticket_tx.send(());
            }
        }
        reading
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_slow_output_holds_the_reader_back() {
        let mut doc = String::from("{\"marches\": {\"marche\": [");
        for i in 0..3000 {
            if i > 0 {
                doc.push(',');
            }
            doc.push_str(&format!("{{\"id\": \"{i}\"}}"));
        }
        doc.push_str("]}}");
        let reader = Reader::from_slice(doc.as_bytes()).unwrap();
        let worked = AtomicUsize::new(0);
        let mut sunk = 0usize;
        let mut ahead = 0usize;
        let mut ids = Vec::new();
        run(
            reader,
            2,
            &Progress::new(None, true, ""),
            |item| {
                worked.fetch_add(1, Ordering::SeqCst);
                item.map(|raw| raw.position().record)
            },
            |r| {
                sunk += 1;
                ahead = ahead.max(worked.load(Ordering::SeqCst) - sunk);
                ids.push(r.unwrap());
                std::thread::sleep(std::time::Duration::from_micros(30));
            },
        )
        .unwrap();
        assert_eq!(sunk, 3000);
        // In document order, none lost.
        assert!(ids.iter().enumerate().all(|(i, r)| *r == Some(i as u64)));
        // Never more than the batches in flight (2 jobs × 4) worked ahead of the output.
        assert!(ahead <= 2 * 4 * BATCH, "{ahead} records worked ahead");
    }
}
