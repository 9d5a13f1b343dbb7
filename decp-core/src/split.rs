//! Splitting a stream into records, in constant memory, with positions.
//!
//! A splitter reads the input through a fixed-size buffer, walks the envelope
//! (`{"marches": {"marche": [...], "contrat-concession": [...]}}` or
//! `<marches><marche>…</marche>…</marches>`) and copies the bytes of one record at
//! a time into a reusable buffer, with the position where the record starts. It
//! checks only what it needs to find the record's end (strings, nesting, tag
//! names); the record's own syntax is checked when it is decoded, so that a broken
//! record can be reported and skipped without losing the rest of the file.

use std::io::{self, Read};

use crate::detect::Envelope;
use crate::encoding::SingleByte;
use crate::error::{Error, Position, Result};
use crate::format::Format;
use crate::model::RecordKind;

const CHUNK: usize = 64 * 1024;

/// Counts the characters (not bytes) of UTF-8 text; invalid bytes count as one each
/// only when they are not continuation bytes.
fn count_chars(s: &[u8]) -> u64 {
    s.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

/// Moves `pos` over `s`.
pub(crate) fn advance_pos(pos: &mut Position, s: &[u8]) {
    pos.byte += s.len() as u64;
    match memchr::memrchr(b'\n', s) {
        Some(last) => {
            pos.line += memchr::memchr_iter(b'\n', s).count() as u64;
            pos.column = 1 + count_chars(&s[last + 1..]);
        }
        None => pos.column += count_chars(s),
    }
}

/// The position of byte `off` of a record that starts at `start`.
pub(crate) fn locate(bytes: &[u8], start: Position, off: usize) -> Position {
    let mut p = start;
    advance_pos(&mut p, &bytes[..off.min(bytes.len())]);
    p
}

/// The buffered input with the position of its next byte.
pub(crate) struct Source<R> {
    rdr: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    pub pos: Position,
    /// When set, bytes are transcoded to UTF-8 as they are read (positions then
    /// count UTF-8 bytes; lines and columns are those of the input).
    transcode: Option<SingleByte>,
    raw: Vec<u8>,
    /// Bumped whenever the buffer's bytes change (a refill, a transcoding).
    generation: u64,
    /// The UTF-8 prefix of the buffer from `text_at`, copied out once per refill so
    /// that records can be parsed in place ([`Source::text`]).
    text: String,
    text_at: usize,
    text_generation: u64,
}

impl<R: Read> Source<R> {
    pub fn new(rdr: R) -> Source<R> {
        Source {
            rdr,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            pos: Position::START,
            transcode: None,
            raw: Vec::new(),
            generation: 0,
            text: String::new(),
            text_at: 0,
            text_generation: u64::MAX,
        }
    }

    /// The buffered input from the next unread byte, as far as it is valid UTF-8
    /// (possibly empty; never beyond the buffer). Validated and copied once per
    /// refill, so that reading many records in place costs one pass over the bytes.
    pub fn text(&mut self) -> &str {
        if self.text_generation != self.generation
            || self.start < self.text_at
            || self.start - self.text_at >= self.text.len()
        {
            let b = &self.buf[self.start..self.end];
            let valid = match std::str::from_utf8(b) {
                Ok(t) => t,
                Err(e) => std::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or_default(),
            };
            self.text.clear();
            self.text.push_str(valid);
            self.text_at = self.start;
            self.text_generation = self.generation;
        }
        self.text
            .get(self.start - self.text_at..)
            .unwrap_or_default()
    }

    /// From now on, reads the input as `enc` (what is buffered is transcoded too).
    pub fn set_transcode(&mut self, enc: SingleByte) {
        let mut out = Vec::with_capacity(CHUNK.max(2 * (self.end - self.start)));
        enc.decode_into(&self.buf[self.start..self.end], &mut out);
        self.end = out.len();
        self.start = 0;
        self.buf = out;
        self.transcode = Some(enc);
        self.generation += 1;
    }

    fn read_more(&mut self) -> io::Result<usize> {
        match self.transcode {
            None => {
                if self.buf.len() < CHUNK {
                    self.buf.resize(CHUNK, 0);
                }
                self.rdr.read(&mut self.buf)
            }
            Some(enc) => {
                self.raw.resize(CHUNK / 3, 0);
                let n = self.rdr.read(&mut self.raw)?;
                self.buf.clear();
                enc.decode_into(&self.raw[..n], &mut self.buf);
                Ok(self.buf.len())
            }
        }
    }

    /// Makes at least one byte available; `false` at the end of input.
    pub fn fill(&mut self) -> io::Result<bool> {
        while self.start == self.end {
            if self.eof {
                return Ok(false);
            }
            match self.read_more() {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.start = 0;
                    self.end = n;
                    self.generation += 1;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    pub fn chunk(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    pub fn peek(&mut self) -> Result<Option<u8>> {
        Ok(if self.fill()? {
            Some(self.buf[self.start])
        } else {
            None
        })
    }

    /// Consumes `n` available bytes, appending them to `out` when given.
    pub fn consume(&mut self, n: usize, out: Option<&mut Vec<u8>>) {
        let s = &self.buf[self.start..self.start + n];
        if let Some(out) = out {
            out.extend_from_slice(s);
        }
        advance_pos(&mut self.pos, s);
        self.start += n;
    }

    /// Buffers up to `n` bytes (fewer only at the end of input) and returns what is
    /// buffered from the next unread byte.
    pub fn lookahead(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.end - self.start < n && !self.eof {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.buf.len() < n {
                self.buf.resize(n, 0);
            }
            self.generation += 1;
            match self.rdr.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.chunk())
    }

    /// Skips a UTF-8 byte-order mark; rejects UTF-16 and UTF-32 ones.
    pub fn skip_bom(&mut self) -> Result<()> {
        self.lookahead(3)?;
        let c = self.chunk();
        if c.starts_with(b"\xEF\xBB\xBF") {
            self.start += 3;
            self.pos.byte += 3;
        } else if c.starts_with(b"\xFF\xFE") || c.starts_with(b"\xFE\xFF") {
            return Err(Error::unsupported(
                self.pos,
                "UTF-16 input: DECP files must be UTF-8 (convert the file first)",
                false,
            ));
        }
        Ok(())
    }

    /// Skips white space; returns the next byte, if any.
    pub fn skip_ws(&mut self) -> Result<Option<u8>> {
        while self.fill()? {
            let c = self.chunk();
            match c
                .iter()
                .position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            {
                Some(i) => {
                    let b = c[i];
                    self.consume(i, None);
                    return Ok(Some(b));
                }
                None => {
                    let n = c.len();
                    self.consume(n, None);
                }
            }
        }
        Ok(None)
    }
}

/// One record's bytes, as found in the input, not decoded yet.
///
/// Obtained from [`Reader::read_raw`](crate::Reader::read_raw); decode it with
/// [`RawRecord::decode`], possibly on another thread.
#[derive(Debug, Clone)]
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
        &self.bytes
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
        locate(&self.bytes, self.position, offset)
    }
}

/// Limits that keep hostile input from using unbounded memory:
/// [`Limits::default`], then the setters.
///
/// ```
/// use decp_core::Limits;
/// let l = Limits::default().max_depth(32);
/// assert_eq!(l.max_depth, 32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest record, in bytes (default 64 MiB; real records are a few KiB).
    pub max_record_bytes: usize,
    /// The deepest nesting of objects, arrays or elements (default 64; DECP needs 7).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_record_bytes: 64 << 20,
            max_depth: 64,
        }
    }
}

impl Limits {
    /// Sets the largest record, in bytes.
    pub fn max_record_bytes(mut self, bytes: usize) -> Limits {
        self.max_record_bytes = bytes;
        self
    }
    /// Sets the deepest nesting of objects, arrays or elements.
    pub fn max_depth(mut self, depth: usize) -> Limits {
        self.max_depth = depth;
        self
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
        format!(
            "record larger than {} bytes (see Limits::max_record_bytes)",
            limits.max_record_bytes
        ),
    )
}

fn kind_of(name: &[u8]) -> Option<RecordKind> {
    match name {
        b"marche" => Some(RecordKind::Marche),
        b"contrat-concession" => Some(RecordKind::Concession),
        _ => None,
    }
}

// ------------------------------------------------------------------ JSON

#[derive(Debug, Clone, Copy)]
enum JState {
    Start,
    Root {
        first: bool,
    },
    Marches {
        first: bool,
    },
    /// A list of records: one kind (v2), or `None` for the v1 heterogeneous array.
    Array {
        kind: Option<RecordKind>,
        first: bool,
    },
    AfterRoot,
    /// NDJSON: records one after the other, each an object whose first member is
    /// `"kind"`; white space (line breaks) between them.
    Lines,
}

/// The kind an NDJSON record's leading `{"kind": "…"` names; `None` when the object
/// does not start with a `kind` member (`Some(None)`: it does, with another value).
fn ndjson_kind(b: &[u8]) -> Option<Option<RecordKind>> {
    let ws = |b: &[u8], i: usize| {
        i + b[i.min(b.len())..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            .count()
    };
    let mut i = ws(b, 1);
    let rest = b.get(i..)?;
    if b.first() != Some(&b'{') || !rest.starts_with(b"\"kind\"") {
        return None;
    }
    i = ws(b, i + 6);
    if b.get(i) != Some(&b':') {
        return None;
    }
    i = ws(b, i + 1);
    let rest = b.get(i..).unwrap_or_default();
    Some(
        [RecordKind::Marche, RecordKind::Concession]
            .into_iter()
            .find(|k| {
                rest.len() > k.name().len() + 1
                    && rest[0] == b'"'
                    && rest[1..].starts_with(k.name().as_bytes())
                    && rest[1 + k.name().len()] == b'"'
            }),
    )
}

pub(crate) struct JsonSplitter {
    state: JState,
    pub c: Common,
    scratch: Vec<u8>,
    closers: Vec<u8>,
}

impl JsonSplitter {
    pub fn new(limits: Limits) -> JsonSplitter {
        JsonSplitter {
            state: JState::Start,
            c: Common::new(limits),
            scratch: Vec::new(),
            closers: Vec::new(),
        }
    }

    fn syntax(pos: Position, msg: impl Into<String>) -> Error {
        Error::syntax(Format::Json, pos, msg)
    }

    fn unexpected<R: Read>(src: &mut Source<R>, what: &str) -> Result<Error> {
        Ok(match src.peek()? {
            None => Self::syntax(src.pos, format!("unexpected end of input, expected {what}")),
            Some(b) => Self::syntax(
                src.pos,
                format!(
                    "unexpected character `{}`, expected {what}",
                    char::from(b).escape_default()
                ),
            ),
        })
    }

    fn expect<R: Read>(src: &mut Source<R>, b: u8, what: &str) -> Result<()> {
        if src.skip_ws()? == Some(b) {
            src.consume(1, None);
            Ok(())
        } else {
            Err(Self::unexpected(src, what)?)
        }
    }

    /// Reads an envelope key (a short string) into `scratch`.
    fn key<R: Read>(&mut self, src: &mut Source<R>) -> Result<()> {
        if src.skip_ws()? != Some(b'"') {
            return Err(Self::unexpected(src, "a string key")?);
        }
        self.scratch.clear();
        let limits = self.c.limits;
        Self::scan_value(
            src,
            Some(&mut self.scratch),
            &mut self.closers,
            limits,
            Position::START,
        )?;
        Ok(())
    }

    /// Copies (or skips) one JSON value. `start` is the position of the record, for
    /// errors found inside it.
    fn scan_value<R: Read>(
        src: &mut Source<R>,
        mut out: Option<&mut Vec<u8>>,
        closers: &mut Vec<u8>,
        limits: Limits,
        rec_start: Position,
    ) -> Result<()> {
        let first = match src.peek()? {
            Some(b) => b,
            None => {
                return Err(Self::syntax(
                    src.pos,
                    "unexpected end of input, expected a value",
                ));
            }
        };
        let value_start = src.pos;
        closers.clear();
        let mut in_str = false;
        let mut esc = false;
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        let objects_only = first == b'{';
        loop {
            if !src.fill()? {
                if scalar {
                    return Ok(());
                }
                let what = if in_str { " (in a string)" } else { "" };
                return Err(Self::syntax(
                    src.pos,
                    format!(
                        "unexpected end of input{what}: the value that starts at line {}, column {} is not closed",
                        value_start.line, value_start.column
                    ),
                ));
            }
            let chunk = src.chunk();
            let mut i = 0;
            let mut done = false;
            while i < chunk.len() {
                let b = chunk[i];
                if in_str {
                    if esc {
                        esc = false;
                    } else {
                        match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                            Some(j) => {
                                i += j;
                                if chunk[i] == b'\\' {
                                    esc = true;
                                } else {
                                    in_str = false;
                                    if closers.is_empty() {
                                        done = true;
                                        i += 1;
                                        break;
                                    }
                                }
                            }
                            None => {
                                i = chunk.len();
                                continue;
                            }
                        }
                    }
                } else if scalar {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        done = true;
                        break;
                    }
                } else if objects_only {
                    // Inside an object, only strings and braces decide where it
                    // ends: jump to the next of them. A bracket out of place is the
                    // record parser's to report.
                    let Some(j) = memchr::memchr3(b'"', b'{', b'}', &chunk[i..]) else {
                        i = chunk.len();
                        continue;
                    };
                    i += j;
                    match chunk[i] {
                        b'"' => in_str = true,
                        b'{' => {
                            if closers.len() >= limits.max_depth {
                                let mut p = src.pos;
                                advance_pos(&mut p, &chunk[..i]);
                                return Err(Error::limit(
                                    p,
                                    format!("nesting deeper than {} levels", limits.max_depth),
                                ));
                            }
                            closers.push(b'}');
                        }
                        _ => {
                            closers.pop();
                            if closers.is_empty() {
                                done = true;
                                i += 1;
                                break;
                            }
                        }
                    }
                } else {
                    match b {
                        b'"' => in_str = true,
                        b'{' | b'[' => {
                            if closers.len() >= limits.max_depth {
                                let mut p = src.pos;
                                advance_pos(&mut p, &chunk[..i]);
                                return Err(Error::limit(
                                    p,
                                    format!("nesting deeper than {} levels", limits.max_depth),
                                ));
                            }
                            closers.push(if b == b'{' { b'}' } else { b']' });
                        }
                        b'}' | b']' => {
                            if closers.pop() != Some(b) {
                                let mut p = src.pos;
                                advance_pos(&mut p, &chunk[..i]);
                                return Err(Self::syntax(
                                    p,
                                    format!("unexpected `{}`", char::from(b)),
                                ));
                            }
                            if closers.is_empty() {
                                done = true;
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            if out
                .as_deref()
                .is_some_and(|o| o.len() + i > limits.max_record_bytes)
            {
                return Err(too_large(rec_start, limits));
            }
            src.consume(i, out.as_deref_mut());
            if done {
                return Ok(());
            }
        }
    }

    pub fn next<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<bool> {
        match self.seek_record(src, rec)? {
            Seek::End => Ok(false),
            Seek::At | Seek::Copied => self.scan_record(src, rec).map(|()| true),
        }
    }

    /// Goes through the envelope up to the start of the next record (`rec` then
    /// describes it, without its bytes): [`Seek::At`], or [`Seek::End`]. The record
    /// is then either scanned ([`JsonSplitter::scan_record`]) or parsed in place by
    /// the caller, who consumes its bytes.
    pub fn seek_record<R: Read>(
        &mut self,
        src: &mut Source<R>,
        rec: &mut RawRecord,
    ) -> Result<Seek> {
        if self.c.done {
            return Ok(Seek::End);
        }
        let r = self.step(src, rec);
        self.c.done |= r.as_ref().is_err_and(Error::is_fatal);
        r.map(|at| if at { Seek::At } else { Seek::End })
    }

    /// Copies the record that [`JsonSplitter::seek_record`] stopped at into `rec`.
    pub fn scan_record<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<()> {
        let limits = self.c.limits;
        let start = rec.position;
        let r = Self::scan_value(src, Some(&mut rec.bytes), &mut self.closers, limits, start)
            .map_err(|e| e.with_record(start.record.unwrap_or(0)));
        self.c.done |= r.as_ref().is_err_and(Error::is_fatal);
        r?;
        if rec.envelope == Envelope::Array
            && memchr::memmem::find(&rec.bytes, b"\"autoriteConcedante\"").is_some()
        {
            // The kind is told when decoding; this guess only serves callers of
            // `read_raw` who look at `RawRecord::kind`.
            rec.kind = RecordKind::Concession;
        }
        Ok(())
    }

    fn step<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<bool> {
        loop {
            match self.state {
                JState::Start => {
                    src.skip_bom()?;
                    match src.skip_ws()? {
                        Some(b'{') if ndjson_kind(src.lookahead(64)?).is_some() => {
                            self.state = JState::Lines;
                        }
                        Some(b'{') => {
                            src.consume(1, None);
                            self.state = JState::Root { first: true };
                        }
                        Some(b'[') => {
                            return Err(Error::unsupported(
                                src.pos,
                                "the document is a JSON array: a DECP file is an object {\"marches\": …}",
                                false,
                            ));
                        }
                        _ => return Err(Self::unexpected(src, "`{`")?),
                    }
                }
                JState::Root { first } => {
                    if src.skip_ws()? == Some(b'}') {
                        src.consume(1, None);
                        self.state = JState::AfterRoot;
                        continue;
                    }
                    if !first {
                        Self::expect(src, b',', "`,` or `}`")?;
                    }
                    self.state = JState::Root { first: false };
                    let at = src.pos;
                    self.key(src)?;
                    Self::expect(src, b':', "`:`")?;
                    let next = src.skip_ws()?;
                    if self.scratch == b"\"marches\"" {
                        match next {
                            Some(b'{') => {
                                src.consume(1, None);
                                self.state = JState::Marches { first: true };
                            }
                            Some(b'[') => {
                                src.consume(1, None);
                                self.state = JState::Array {
                                    kind: None,
                                    first: true,
                                };
                            }
                            _ => {
                                return Err(Self::unexpected(src, "`{` (the value of `marches`)")?);
                            }
                        }
                    } else {
                        let key = String::from_utf8_lossy(&self.scratch).into_owned();
                        let limits = self.c.limits;
                        Self::scan_value(src, None, &mut self.closers, limits, at)?;
                        if key != "\"$schema\"" {
                            return Err(Error::unsupported(
                                at,
                                format!(
                                    "member {key} at the top level is not part of DECP; skipped"
                                ),
                                true,
                            ));
                        }
                    }
                }
                JState::Marches { first } => {
                    if src.skip_ws()? == Some(b'}') {
                        src.consume(1, None);
                        self.state = JState::Root { first: false };
                        continue;
                    }
                    if !first {
                        Self::expect(src, b',', "`,` or `}`")?;
                    }
                    self.state = JState::Marches { first: false };
                    let at = src.pos;
                    self.key(src)?;
                    Self::expect(src, b':', "`:`")?;
                    let next = src.skip_ws()?;
                    let name = &self.scratch[1..self.scratch.len() - 1];
                    match (kind_of(name), next) {
                        (Some(kind), Some(b'[')) => {
                            src.consume(1, None);
                            self.state = JState::Array {
                                kind: Some(kind),
                                first: true,
                            };
                        }
                        (k, _) => {
                            let key = String::from_utf8_lossy(&self.scratch).into_owned();
                            let limits = self.c.limits;
                            Self::scan_value(src, None, &mut self.closers, limits, at)?;
                            let msg = if k.is_some() {
                                format!("{key} is not an array; skipped")
                            } else {
                                format!("member {key} of `marches` is not part of DECP; skipped")
                            };
                            return Err(Error::unsupported(at, msg, true));
                        }
                    }
                }
                JState::Array { kind, first } => {
                    if src.skip_ws()? == Some(b']') {
                        src.consume(1, None);
                        self.state = match kind {
                            Some(_) => JState::Marches { first: false },
                            None => JState::Root { first: false },
                        };
                        continue;
                    }
                    if !first {
                        Self::expect(src, b',', "`,` or `]`")?;
                        src.skip_ws()?;
                    }
                    self.state = JState::Array { kind, first: false };
                    self.c.begin(
                        rec,
                        kind.unwrap_or(RecordKind::Marche),
                        Format::Json,
                        src.pos,
                    );
                    if kind.is_none() {
                        rec.envelope = Envelope::Array;
                        rec.kind_index = rec.position.record.unwrap_or(0);
                    }
                    return Ok(true);
                }
                JState::Lines => {
                    return match src.skip_ws()? {
                        None => {
                            self.c.done = true;
                            Ok(false)
                        }
                        Some(b'{') => {
                            let kind = ndjson_kind(src.lookahead(64)?)
                                .flatten()
                                .unwrap_or(RecordKind::Marche);
                            self.c.begin(rec, kind, Format::Json, src.pos);
                            rec.envelope = Envelope::Lines;
                            Ok(true)
                        }
                        Some(_) => Err(Self::unexpected(
                            src,
                            "`{` (the next record of the NDJSON stream)",
                        )?),
                    };
                }
                JState::AfterRoot => {
                    return match src.skip_ws()? {
                        None => {
                            self.c.done = true;
                            Ok(false)
                        }
                        Some(_) => Err(Self::unexpected(src, "the end of the document")?),
                    };
                }
            }
        }
    }
}

// ------------------------------------------------------------------ XML

/// Byte-level state of the scanner of one markup construct, resumable across refills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum X {
    Start,
    Lt,
    /// In a tag; `quote` is the open quote or 0, `slash` if the last byte was `/`.
    Tag {
        end: bool,
        quote: u8,
        slash: bool,
    },
    Bang,
    BangDash,
    CDataOpen,
    Comment(u8),
    CData(u8),
    Pi(bool),
    Doctype(u32),
}

/// What one scanned markup construct was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    Start { self_closing: bool },
    End,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XState {
    Prolog,
    InRoot,
    AfterRoot,
}

pub(crate) struct XmlSplitter {
    /// Unknown encodings are read as UTF-8 (normalising) instead of refused.
    pub lenient: bool,
    state: XState,
    pub c: Common,
    tag: Vec<u8>,
    /// Names of the open elements of the record being copied, end to end.
    names: Vec<u8>,
    name_ends: Vec<usize>,
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

fn tag_name(tag: &[u8]) -> &[u8] {
    let s = tag
        .strip_prefix(b"</")
        .or_else(|| tag.strip_prefix(b"<"))
        .unwrap_or(tag);
    let end = s
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>'))
        .unwrap_or(s.len());
    &s[..end]
}

impl XmlSplitter {
    pub fn new(limits: Limits) -> XmlSplitter {
        XmlSplitter {
            lenient: false,
            state: XState::Prolog,
            c: Common::new(limits),
            tag: Vec::new(),
            names: Vec::new(),
            name_ends: Vec::new(),
        }
    }

    fn syntax(pos: Position, msg: impl Into<String>) -> Error {
        Error::syntax(Format::Xml, pos, msg)
    }

    /// Copies one markup construct (tag, comment, CDATA, PI, DOCTYPE) starting at
    /// `<` into `self.tag`, and says what it was.
    fn scan<R: Read>(&mut self, src: &mut Source<R>, limit_at: Position) -> Result<Markup> {
        let limits = self.c.limits;
        self.tag.clear();
        let mut st = X::Start;
        loop {
            if !src.fill()? {
                return Err(Self::syntax(
                    src.pos,
                    "unexpected end of input inside markup",
                ));
            }
            let chunk = src.chunk();
            let mut result = None;
            let mut i = 0;
            while i < chunk.len() {
                let b = chunk[i];
                i += 1;
                st = match st {
                    X::Start => X::Lt,
                    X::Lt => match b {
                        b'/' => X::Tag {
                            end: true,
                            quote: 0,
                            slash: false,
                        },
                        b'!' => X::Bang,
                        b'?' => X::Pi(false),
                        _ => X::Tag {
                            end: false,
                            quote: 0,
                            slash: false,
                        },
                    },
                    X::Tag { end, quote, slash } => {
                        if quote != 0 {
                            X::Tag {
                                end,
                                quote: if b == quote { 0 } else { quote },
                                slash: false,
                            }
                        } else {
                            match b {
                                b'"' | b'\'' => X::Tag {
                                    end,
                                    quote: b,
                                    slash: false,
                                },
                                b'>' => {
                                    result = Some(if end {
                                        Markup::End
                                    } else {
                                        Markup::Start {
                                            self_closing: slash,
                                        }
                                    });
                                    break;
                                }
                                _ => X::Tag {
                                    end,
                                    quote: 0,
                                    slash: b == b'/',
                                },
                            }
                        }
                    }
                    X::Bang => match b {
                        b'-' => X::BangDash,
                        b'[' => X::CDataOpen,
                        _ => X::Doctype(0),
                    },
                    X::BangDash => X::Comment(0),
                    X::CDataOpen => {
                        if b == b'[' {
                            X::CData(0)
                        } else {
                            X::CDataOpen
                        }
                    }
                    X::Comment(d) => match b {
                        b'-' => X::Comment((d + 1).min(2)),
                        b'>' if d >= 2 => {
                            result = Some(Markup::Other);
                            break;
                        }
                        _ => X::Comment(0),
                    },
                    X::CData(d) => match b {
                        b']' => X::CData((d + 1).min(2)),
                        b'>' if d >= 2 => {
                            result = Some(Markup::Other);
                            break;
                        }
                        _ => X::CData(0),
                    },
                    X::Pi(q) => match b {
                        b'?' => X::Pi(true),
                        b'>' if q => {
                            result = Some(Markup::Other);
                            break;
                        }
                        _ => X::Pi(false),
                    },
                    X::Doctype(d) => match b {
                        b'[' => X::Doctype(d + 1),
                        b']' => X::Doctype(d.saturating_sub(1)),
                        b'>' if d == 0 => {
                            result = Some(Markup::Other);
                            break;
                        }
                        _ => X::Doctype(d),
                    },
                };
            }
            if self.tag.len() + i > limits.max_record_bytes {
                return Err(too_large(limit_at, limits));
            }
            src.consume(i, Some(&mut self.tag));
            if let Some(m) = result {
                return Ok(m);
            }
        }
    }

    /// Skips text up to the next `<`; `true` if it held anything but white space.
    fn skip_text<R: Read>(src: &mut Source<R>) -> Result<bool> {
        let mut meaningful = false;
        while src.fill()? {
            let c = src.chunk();
            let n = memchr::memchr(b'<', c).unwrap_or(c.len());
            meaningful |= c[..n]
                .iter()
                .any(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'));
            let stop = n < c.len();
            src.consume(n, None);
            if stop {
                break;
            }
        }
        Ok(meaningful)
    }

    pub fn next<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<bool> {
        match self.seek_record(src, rec)? {
            Seek::End => Ok(false),
            Seek::Copied => Ok(true),
            Seek::At => self.scan_record(src, rec).map(|()| true),
        }
    }

    /// Goes through the document up to the next record. When the record's start
    /// tag is in the buffer, stops before it ([`Seek::At`]: `rec` describes the
    /// record, without its bytes), for the caller to parse it in place or to call
    /// [`XmlSplitter::scan_record`]; otherwise copies it into `rec` ([`Seek::Copied`]).
    pub fn seek_record<R: Read>(
        &mut self,
        src: &mut Source<R>,
        rec: &mut RawRecord,
    ) -> Result<Seek> {
        if self.c.done {
            return Ok(Seek::End);
        }
        let r = self.step(src, rec);
        self.c.done |= r.as_ref().is_err_and(Error::is_fatal);
        r
    }

    /// Copies the record that [`XmlSplitter::seek_record`] stopped before into `rec`.
    pub fn scan_record<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<()> {
        let at = rec.position;
        let r = match self.scan(src, at) {
            Ok(Markup::Start { self_closing }) => self.copy_record(src, rec, self_closing),
            Ok(_) => Err(Self::syntax(at, "expected a start tag")),
            Err(e) => Err(e),
        }
        .map_err(|e| e.with_record(at.record.unwrap_or(0)));
        self.c.done |= r.as_ref().is_err_and(Error::is_fatal);
        r
    }

    /// Tells, from the buffer, whether the next markup is the start tag of a record.
    fn record_ahead<R: Read>(src: &Source<R>) -> Option<RecordKind> {
        let c = src.chunk();
        if !c.starts_with(b"<") || c.starts_with(b"</") {
            return None;
        }
        let name = tag_name(c);
        // The name is whole only if what ends it is in the buffer too.
        c.get(1 + name.len())?;
        kind_of(name)
    }

    /// Reads the encoding of the XML declaration: UTF-8, or a single-byte encoding
    /// the source then transcodes. Another encoding is a fatal error, or, when
    /// `lenient` (normalising), a recoverable one and the input is read as UTF-8.
    fn check_decl<R: Read>(&self, src: &mut Source<R>, pos: Position) -> Result<()> {
        let decl = String::from_utf8_lossy(&self.tag);
        if let Some(i) = decl.find("encoding") {
            let v: String = decl[i + 8..]
                .trim_start_matches([' ', '=', '\t', '\n', '\r'])
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\''))
                .collect();
            if v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8") {
                return Ok(());
            }
            if let Some(enc) = SingleByte::from_label(&v) {
                src.set_transcode(enc);
                return Ok(());
            }
            return Err(Error::unsupported(
                pos,
                if self.lenient {
                    format!("the XML declaration names an unknown encoding `{v}`: read as UTF-8")
                } else {
                    format!(
                        "the XML declaration names the encoding `{v}`: only UTF-8, ISO-8859-1, ISO-8859-15 and Windows-1252 are read"
                    )
                },
                self.lenient,
            ));
        }
        Ok(())
    }

    fn step<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<Seek> {
        loop {
            match self.state {
                XState::Prolog => {
                    if src.pos.byte == 0 {
                        src.skip_bom()?;
                    }
                    match src.skip_ws()? {
                        Some(b'<') => {}
                        None => {
                            return Err(Self::syntax(
                                src.pos,
                                "empty document: expected an element",
                            ));
                        }
                        Some(b) => {
                            return Err(Self::syntax(
                                src.pos,
                                format!(
                                    "unexpected character `{}`, expected `<`",
                                    char::from(b).escape_default()
                                ),
                            ));
                        }
                    }
                    let at = src.pos;
                    match self.scan(src, at)? {
                        Markup::Other => {
                            if self.tag.starts_with(b"<?xml") {
                                self.check_decl(src, at)?;
                            }
                        }
                        Markup::End => {
                            return Err(Self::syntax(
                                at,
                                "unexpected end tag before the root element",
                            ));
                        }
                        Markup::Start { self_closing } => {
                            let name = tag_name(&self.tag);
                            if name == b"marches" {
                                self.state = if self_closing {
                                    XState::AfterRoot
                                } else {
                                    XState::InRoot
                                };
                            } else if let Some(kind) = kind_of(name) {
                                self.state = XState::AfterRoot;
                                return self.record(src, rec, kind, at, self_closing);
                            } else {
                                return Err(Error::unsupported(
                                    at,
                                    format!(
                                        "root element <{}> is not a DECP element (expected <marches>)",
                                        String::from_utf8_lossy(name)
                                    ),
                                    false,
                                ));
                            }
                        }
                    }
                }
                XState::InRoot => {
                    let at = src.pos;
                    if Self::skip_text(src)? {
                        return Err(Error::unsupported(
                            at,
                            "text directly inside <marches> is not part of DECP; skipped",
                            true,
                        ));
                    }
                    if src.peek()?.is_none() {
                        return Err(Self::syntax(
                            src.pos,
                            "unexpected end of input: element <marches> is not closed",
                        ));
                    }
                    let at = src.pos;
                    if let Some(kind) = Self::record_ahead(src) {
                        self.c.begin(rec, kind, Format::Xml, at);
                        return Ok(Seek::At);
                    }
                    match self.scan(src, at)? {
                        Markup::Other => {}
                        Markup::End => {
                            if tag_name(&self.tag) != b"marches" {
                                return Err(Self::syntax(
                                    at,
                                    format!(
                                        "end tag </{}> does not match the open element <marches>",
                                        String::from_utf8_lossy(tag_name(&self.tag))
                                    ),
                                ));
                            }
                            self.state = XState::AfterRoot;
                        }
                        Markup::Start { self_closing } => {
                            let name = tag_name(&self.tag).to_vec();
                            if let Some(kind) = kind_of(&name) {
                                return self.record(src, rec, kind, at, self_closing);
                            }
                            // An unknown element: skip it whole, and say so.
                            if !self_closing {
                                let mut sink = Vec::new();
                                self.content(src, &mut sink, &name, at)?;
                            }
                            return Err(Error::unsupported(
                                at,
                                format!(
                                    "element <{}> is not part of DECP; skipped",
                                    String::from_utf8_lossy(&name)
                                ),
                                true,
                            ));
                        }
                    }
                }
                XState::AfterRoot => {
                    if Self::skip_text(src)? {
                        return Err(Self::syntax(
                            src.pos,
                            "unexpected text after the root element",
                        ));
                    }
                    if src.peek()?.is_none() {
                        self.c.done = true;
                        return Ok(Seek::End);
                    }
                    let at = src.pos;
                    if self.scan(src, at)? != Markup::Other {
                        return Err(Self::syntax(
                            at,
                            "unexpected element after the root element",
                        ));
                    }
                }
            }
        }
    }

    fn record<R: Read>(
        &mut self,
        src: &mut Source<R>,
        rec: &mut RawRecord,
        kind: RecordKind,
        at: Position,
        self_closing: bool,
    ) -> Result<Seek> {
        self.c.begin(rec, kind, Format::Xml, at);
        let index = self.c.index - 1;
        self.copy_record(src, rec, self_closing)
            .map_err(|e| e.with_record(index))?;
        Ok(Seek::Copied)
    }

    /// Copies a record whose start tag was just scanned into `self.tag`.
    fn copy_record<R: Read>(
        &mut self,
        src: &mut Source<R>,
        rec: &mut RawRecord,
        self_closing: bool,
    ) -> Result<()> {
        rec.bytes.extend_from_slice(&self.tag);
        if !self_closing {
            let name = tag_name(&self.tag).to_vec();
            let mut bytes = std::mem::take(&mut rec.bytes);
            let r = self.content(src, &mut bytes, &name, rec.position);
            rec.bytes = bytes;
            r?;
        }
        Ok(())
    }

    /// Copies the content of an element whose start tag `name` was just read, up to
    /// and including its end tag, checking that end tags match.
    fn content<R: Read>(
        &mut self,
        src: &mut Source<R>,
        out: &mut Vec<u8>,
        name: &[u8],
        at: Position,
    ) -> Result<()> {
        let limits = self.c.limits;
        self.names.clear();
        self.names.extend_from_slice(name);
        self.name_ends.clear();
        self.name_ends.push(name.len());
        loop {
            // Text up to the next `<` belongs to the element.
            loop {
                if !src.fill()? {
                    let from = self
                        .name_ends
                        .len()
                        .checked_sub(2)
                        .map_or(0, |i| self.name_ends[i]);
                    return Err(Self::syntax(
                        src.pos,
                        format!(
                            "unexpected end of input: element <{}> is not closed",
                            String::from_utf8_lossy(&self.names[from..])
                        ),
                    ));
                }
                let c = src.chunk();
                let (n, found) = match memchr::memchr(b'<', c) {
                    Some(n) => (n, true),
                    None => (c.len(), false),
                };
                if out.len() + n > limits.max_record_bytes {
                    return Err(too_large(at, limits));
                }
                src.consume(n, Some(out));
                if found {
                    break;
                }
            }
            let tag_at = src.pos;
            let m = self.scan(src, at)?;
            if out.len() + self.tag.len() > limits.max_record_bytes {
                return Err(too_large(at, limits));
            }
            out.extend_from_slice(&self.tag);
            match m {
                Markup::Other | Markup::Start { self_closing: true } => {}
                Markup::Start {
                    self_closing: false,
                } => {
                    if self.name_ends.len() >= limits.max_depth {
                        return Err(Error::limit(
                            tag_at,
                            format!("nesting deeper than {} levels", limits.max_depth),
                        ));
                    }
                    self.names.extend_from_slice(tag_name(&self.tag));
                    self.name_ends.push(self.names.len());
                }
                Markup::End => {
                    let top = self.name_ends.pop().unwrap_or(0);
                    let from = self.name_ends.last().copied().unwrap_or(0);
                    let closing = tag_name(&self.tag);
                    if self.names[from..top] != *closing {
                        return Err(Self::syntax(
                            tag_at,
                            format!(
                                "end tag </{}> does not match the open element <{}>",
                                String::from_utf8_lossy(closing),
                                String::from_utf8_lossy(&self.names[from..top])
                            ),
                        ));
                    }
                    self.names.truncate(from);
                    if self.name_ends.is_empty() {
                        return Ok(());
                    }
                }
            }
        }
    }
}
