//! Splitting a stream into records, in constant memory, with positions.
//!
//! A splitter reads the input through a fixed-size buffer ([`Source`]), walks the
//! envelope (`{"marches": {"marche": [...], "contrat-concession": [...]}}`,
//! `{"marches": [...]}`, NDJSON, or `<marches><marche>…</marche>…</marches>`) and
//! finds where each record starts and ends, with the position where it starts. It
//! checks only what it needs to find the record's end (strings, nesting, tag
//! names); the record's own syntax is checked when it is decoded, so that a broken
//! record can be reported and skipped without losing the rest of the file.
//!
//! # The contract between the reader and a splitter
//!
//! Both splitters ([`JsonSplitter`], [`XmlSplitter`]) offer the same three calls:
//!
//! - `seek_record(src, rec)` walks the envelope up to the next record and fills
//!   `rec`'s description (kind, position, index, envelope) without its bytes. It
//!   returns [`Seek::At`] (the next byte of `src` is the record's first), or
//!   [`Seek::Copied`] (the splitter had to copy the record already: an XML record
//!   whose start tag straddled a refill), or [`Seek::End`].
//! - After [`Seek::At`], the caller either parses the record in place from
//!   [`Source::text`] and consumes exactly its bytes ([`Source::consume`]), or
//!   calls `scan_record(src, rec)`, which copies the record's bytes into `rec`
//!   (checking the size limit) and consumes them. Nothing else may touch `src` in
//!   between: the splitter's state says "inside the list of records".
//! - `next(src, rec)` is `seek_record` then `scan_record`: the copying path of
//!   [`Reader::read_raw`](crate::Reader::read_raw).
//!
//! An error is recoverable when the splitter knows where the broken part ends
//! (a record, an envelope member); after a fatal one ([`Error::is_fatal`]) every
//! call returns [`Seek::End`].

use crate::detect::Envelope;
use crate::error::{Error, Position};
use crate::format::Format;
use crate::record::RecordKind;

pub use crate::limits::Limits;

mod index;
mod json;
mod source;
mod xml;

pub(crate) use json::{JsonSplitter, guess_kind};
pub(crate) use source::{Source, advance_pos, locate};
pub(crate) use xml::XmlSplitter;

/// One record's bytes, as found in the input, not decoded yet.
///
/// Obtained from [`Reader::read_raw`](crate::Reader::read_raw); decode it with
/// [`RawRecord::decode`], possibly on another thread. A record that the parallel
/// driver ([`pipeline`](crate::pipeline)) hands out may share the reader's buffer
/// (up to 96 KiB) with the records read before and after it: keeping it keeps
/// that buffer; a clone owns its bytes.
#[derive(Debug)]
pub struct RawRecord {
    pub(crate) kind: RecordKind,
    pub(crate) format: Format,
    pub(crate) bytes: Vec<u8>,
    pub(crate) position: Position,
    pub(crate) kind_index: u64,
    pub(crate) envelope: Envelope,
    /// The record's JSON Pointer when it is not the one its place in a document
    /// gives (a record decoded on its own: `""`, paths relative to it).
    pub(crate) path: Option<String>,
    /// Why the record could not be kept, when the splitter read it to its end but
    /// refused it (over a limit): decoding gives this error, at the record's place.
    pub(crate) failed: Option<Box<Error>>,
    /// The record's bytes when they are a range of a buffer shared with the other
    /// records cut in the same run (then `bytes` is empty).
    pub(crate) shared: Option<Shared>,
}

/// A range of the reader's buffer, shared by the records cut from it by the
/// splitter's fast path: no copy of their bytes; the reader goes on in another
/// buffer while they hold it, and it is freed (or reused) after the last.
pub(crate) struct Shared {
    pub buf: std::sync::Arc<Vec<u8>>,
    pub start: usize,
    pub end: usize,
}

/// The records of one run of a fast path, each `buf[base + start..base + end]`
/// (`base`: where the run's text starts in the reader's buffer, as
/// [`Source::shared`](source::Source::shared) gives it), in order, with each
/// record's `T` (its description): ranges of the buffer, no copy, when the run
/// fills at least a quarter of it; else ranges of a copy of the run (reads
/// that give a few bytes at a time, from a pipe, would otherwise have each
/// record keep a buffer mostly empty: a buffer kept holds at most four times
/// the bytes of the records keeping it).
pub(crate) fn shared_run<'a, T: Copy>(
    (buf, base): (&std::sync::Arc<Vec<u8>>, usize),
    found: &'a [(usize, usize, T)],
) -> impl Iterator<Item = (Shared, T)> + 'a {
    let lo = found.first().map_or(0, |f| f.0);
    let hi = found.last().map_or(0, |f| f.1);
    let copied = (hi - lo).saturating_mul(4) < buf.len();
    let buf = match copied {
        true => std::sync::Arc::new(buf[base + lo..base + hi].to_vec()),
        false => std::sync::Arc::clone(buf),
    };
    // Where byte `i` of the run's text is in `buf`.
    let at = move |i: usize| if copied { i - lo } else { base + i };
    found.iter().map(move |&(start, end, t)| {
        let shared = Shared {
            buf: std::sync::Arc::clone(&buf),
            start: at(start),
            end: at(end),
        };
        (shared, t)
    })
}

impl std::fmt::Debug for Shared {
    /// The record's own bytes, not the whole run's.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Shared")
            .field(&&self.buf[self.start..self.end])
            .finish()
    }
}

impl Clone for RawRecord {
    /// A copy that owns its bytes, whether or not they were shared.
    fn clone(&self) -> RawRecord {
        RawRecord {
            kind: self.kind,
            format: self.format,
            bytes: self.bytes().to_vec(),
            position: self.position,
            kind_index: self.kind_index,
            envelope: self.envelope,
            path: self.path.clone(),
            failed: self.failed.clone(),
            shared: None,
        }
    }
}

impl Default for RawRecord {
    fn default() -> RawRecord {
        RawRecord {
            kind: RecordKind::Marche,
            format: Format::Json,
            bytes: Vec::new(),
            position: Position::START,
            kind_index: 0,
            envelope: Envelope::Object,
            path: None,
            failed: None,
            shared: None,
        }
    }
}

impl RawRecord {
    /// One record's bytes on their own: a JSON object or an XML element of the
    /// given kind, decoded ([`RawRecord::decode_with`]) with paths relative to the
    /// record and positions from its first byte. [`RawRecord::with_path`] gives it
    /// its place in a document.
    ///
    /// ```
    /// use decp_core::{Format, Mode, RawRecord, RecordKind};
    /// let raw = RawRecord::new(Format::Xml, RecordKind::Marche, b"<marche><dureeMois>x</dureeMois></marche>".to_vec())
    ///     .with_path("/marches/marche/7");
    /// let d = raw.decode(Mode::Tolerant)?;
    /// assert_eq!(d.findings[0].path, "/marches/marche/7/dureeMois");
    /// assert_eq!((d.findings[0].position.unwrap().line, d.findings[0].position.unwrap().column), (1, 9));
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn new(format: Format, kind: RecordKind, bytes: Vec<u8>) -> RawRecord {
        RawRecord {
            kind,
            format,
            bytes,
            position: Position::START,
            kind_index: 0,
            envelope: match format {
                Format::Json => Envelope::Object,
                Format::Xml => Envelope::Xml,
            },
            path: Some(String::new()),
            failed: None,
            shared: None,
        }
    }

    /// Sets the record's JSON Pointer (`/marches/marche/7`): the prefix of its
    /// findings' paths.
    pub fn with_path(mut self, pointer: impl Into<String>) -> RawRecord {
        self.path = Some(pointer.into());
        self
    }

    /// Market or concession.
    pub fn kind(&self) -> RecordKind {
        self.kind
    }
    /// The format of the bytes.
    pub fn format(&self) -> Format {
        self.format
    }
    /// The record's bytes, exactly as in the input (one JSON value or one XML element).
    pub fn bytes(&self) -> &[u8] {
        match &self.shared {
            Some(s) => &s.buf[s.start..s.end],
            None => &self.bytes,
        }
    }
    /// Where the record starts; `position().record` is its index in the document.
    pub fn position(&self) -> Position {
        self.position
    }
    /// Index among the records of the same kind (the index in the JSON Pointer
    /// `/marches/marche/N`).
    pub fn kind_index(&self) -> u64 {
        self.kind_index
    }
    /// The position of byte `offset` of the record.
    pub fn locate(&self, offset: usize) -> Position {
        locate(self.bytes(), self.position, offset)
    }
}

/// Shared state of both splitters.
pub(crate) struct Common {
    pub limits: Limits,
    pub index: u64,
    pub counts: [u64; 2],
    pub done: bool,
}

impl Common {
    /// The result of a seek, after the checks every record gets: a fatal error
    /// ends the input; a record past `Limits::max_records` is a fatal error.
    fn counted(&mut self, r: crate::Result<Seek>, rec: &RawRecord) -> crate::Result<Seek> {
        let r = match r {
            // A record past the limit is refused whether it was read or failed
            // (a start tag cut, an unclosed record), as whatever the reads' sizes.
            Ok(Seek::At | Seek::Copied) | Err(_)
                if self.index > self.limits.max_records
                    && rec.position.record == Some(self.index - 1) =>
            {
                Err(Error::limit(
                    rec.position,
                    crate::message::Message::TooManyRecords {
                        max: self.limits.max_records,
                    },
                ))
            }
            r => r,
        };
        self.done |= r.as_ref().is_err_and(Error::is_fatal);
        r
    }

    fn new(limits: Limits) -> Common {
        Common {
            limits,
            index: 0,
            counts: [0; 2],
            done: false,
        }
    }

    fn begin(&mut self, rec: &mut RawRecord, kind: RecordKind, format: Format, pos: Position) {
        rec.kind = kind;
        rec.format = format;
        rec.envelope = match format {
            Format::Json => Envelope::Object,
            Format::Xml => Envelope::Xml,
        };
        rec.bytes.clear();
        rec.path = None;
        rec.failed = None;
        rec.shared = None;
        rec.position = Position {
            record: Some(self.index),
            ..pos
        };
        let k = kind as usize;
        rec.kind_index = self.counts[k];
        self.counts[k] += 1;
        self.index += 1;
    }
}

fn too_large(at: Position, limits: Limits) -> Error {
    Error::limit(
        at,
        crate::message::Message::RecordTooLarge {
            max: limits.max_record_bytes,
        },
    )
}

/// A record over the size limit that was read to its end without being kept:
/// reading goes on with the next record.
fn too_large_skipped(at: Position, limits: Limits) -> Error {
    Error::limit_recoverable(
        at,
        crate::message::Message::RecordTooLarge {
            max: limits.max_record_bytes,
        },
    )
}

/// The length of the white space (JSON's and XML's: space, tab, CR, LF) that
/// `s` starts with.
pub(crate) fn ws_len(s: &[u8]) -> usize {
    s.iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .count()
}

fn kind_of(name: &[u8]) -> Option<RecordKind> {
    RecordKind::from_name(std::str::from_utf8(name).ok()?)
}

/// Where a splitter's `seek_record` stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seek {
    /// At the end of the records.
    End,
    /// Before a record, nothing of it consumed.
    At,
    /// After a record, copied into the `RawRecord`.
    Copied,
}

#[cfg(test)]
mod tests;
