//! The JSON envelope walker: `{"marches": {"marche": [ … ], "contrat-concession":
//! [ … ]}}` (v2), `{"marches": [ … ]}` (v1, 2.0.0) and NDJSON.

use std::io::Read;

use super::Limits;
use super::source::{Source, advance_pos};
use super::{Common, RawRecord, Seek, index, kind_of, shared_run, too_large_skipped, ws_len};
use crate::detect::Envelope;
use crate::error::{Error, Position, Result};
use crate::format::Format;
use crate::issue::IssueCode;
use crate::message::{Message, Token};
use crate::record::RecordKind;

/// Where the walker is in the envelope. The transitions:
///
/// ```text
/// Start ──{──► Root ──"marches":{──► Marches ──"marche":[──► Array{kind} ──]──► Marches
///   │            │                      └──}──► Root ──}──► AfterRoot ──end──► done
///   │            └──"marches":[──► Array{None} (v1) ──]──► Root
///   └──{"kind"…──► Lines (NDJSON) ──end──► done
/// ```
///
/// `first` says whether a `,` is due before the next member or item. Other
/// members of the root (but `$schema`) and of `marches` are skipped with a
/// recoverable error; `seek_record` returns in `Array` or `Lines`, before a record.
#[derive(Debug, Clone, Copy)]
enum JState {
    /// Before the root value (a byte-order mark is skipped).
    Start,
    /// Inside the root object, between members.
    Root { first: bool },
    /// Inside the v2 `marches` object, between its two lists.
    Marches { first: bool },
    /// A list of records: one kind (v2), or `None` for the v1 heterogeneous array.
    Array {
        kind: Option<RecordKind>,
        first: bool,
    },
    /// After the root object: only white space may follow.
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
    // The value's text up to its closing quote, named by the one table of kinds.
    let value = b.get(i..).and_then(|r| r.strip_prefix(b"\""));
    let name = value.and_then(|v| v.split(|&c| c == b'"').next().filter(|n| n.len() < v.len()));
    Some(name.and_then(|n| RecordKind::from_name(std::str::from_utf8(n).ok()?)))
}

/// Whether a JSON value can start with `b`.
fn starts_value(b: u8) -> bool {
    matches!(
        b,
        b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    )
}

/// The JSON walker; see the module's contract in [`super`].
pub(crate) struct JsonSplitter {
    state: JState,
    pub c: Common,
    scratch: Vec<u8>,
    closers: Vec<u8>,
    /// The root had a `marches` member; the v2 `marches` object had a list.
    seen_marches: bool,
    seen_list: bool,
    /// Top-level members met before `marches`: reported once it comes, or as one
    /// finding (not a DECP document) if it never does.
    deferred: Vec<(Position, String)>,
    /// Errors to return before reading on.
    pending: std::collections::VecDeque<Error>,
    /// Where the root object starts.
    root_at: Position,
    /// The records of a run of the fast path (start, end, position), kept for
    /// its capacity.
    run: Vec<(usize, usize, Position)>,
}

impl JsonSplitter {
    pub fn new(limits: Limits) -> JsonSplitter {
        JsonSplitter {
            state: JState::Start,
            c: Common::new(limits),
            scratch: Vec::new(),
            closers: Vec::new(),
            seen_marches: false,
            seen_list: false,
            deferred: Vec::new(),
            pending: std::collections::VecDeque::new(),
            root_at: Position::START,
            run: Vec::new(),
        }
    }

    fn syntax(pos: Position, msg: Message) -> Error {
        Error::syntax(Format::Json, pos, msg)
    }

    fn unexpected<R: Read>(src: &mut Source<R>, what: Token) -> Result<Error> {
        Ok(match src.peek()? {
            None => Self::syntax(
                src.pos,
                Message::UnexpectedEnd {
                    input: true,
                    expected: what,
                },
            ),
            Some(b) => Self::syntax(
                src.pos,
                Message::UnexpectedChar {
                    found: char::from(b),
                    expected: what,
                },
            ),
        })
    }

    fn expect<R: Read>(src: &mut Source<R>, b: u8, what: Token) -> Result<()> {
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
            return Err(Self::unexpected(src, Token::Key)?);
        }
        self.scratch.clear();
        let limits = self.c.limits;
        let at = src.pos;
        Self::scan_value(src, Some(&mut self.scratch), &mut self.closers, limits, at).map_err(|e| {
            // A member name of the envelope over the size limit: the envelope's
            // structure cannot be followed after it.
            if e.is_fatal() {
                e
            } else {
                Error::limit(
                    at,
                    Message::TooLong {
                        max: limits.max_record_bytes,
                    },
                )
            }
        })
    }

    /// Copies (or skips) one JSON value. `start` is the position of the record, for
    /// errors found inside it.
    ///
    /// A value copied (a record) that nests deeper than the limit, or is larger, is
    /// still read to its end, in constant memory (the levels past the limit are
    /// only counted, the bytes past the size no longer copied), and is then a
    /// recoverable limit error: the reader goes on with the next record. A value
    /// skipped (`out` is `None`) has no depth limit: nothing of it is kept.
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
                    Message::UnexpectedEnd {
                        input: true,
                        expected: Token::Value,
                    },
                ));
            }
        };
        let value_start = src.pos;
        closers.clear();
        let keep = out.is_some();
        // Levels past the limit (counted, not kept), and the first limit exceeded.
        let mut extra = 0u64;
        let mut over: Option<Error> = None;
        let mut in_str = false;
        let mut esc = false;
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        let objects_only = first == b'{';
        loop {
            if !src.fill()? {
                if scalar {
                    return over.map_or(Ok(()), Err);
                }
                return Err(Self::syntax(
                    src.pos,
                    Message::UnclosedValue {
                        in_string: in_str,
                        line: value_start.line,
                        column: value_start.column,
                    },
                ));
            }
            let chunk = src.chunk();
            // The first limit met in document order is the one reported, however
            // the input was cut into reads: a level opened at or past the size
            // limit is one of a record already too large.
            let kept = out.as_deref().map(Vec::len);
            let past_size = |i: usize| kept.is_some_and(|k| k + i >= limits.max_record_bytes);
            let pos = src.pos;
            // Opens the level of the bracket at `i`, closed by `closer`.
            let open = |i: usize,
                        closer,
                        closers: &mut Vec<u8>,
                        extra: &mut u64,
                        over: &mut Option<Error>| {
                if past_size(i) {
                    over.get_or_insert_with(|| too_large_skipped(rec_start, limits));
                }
                let at = || at_in(pos, &chunk[..i]);
                Self::open(closers, closer, keep, extra, over, limits, at);
            };
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
                            open(i, b'}', closers, &mut extra, &mut over);
                        }
                        _ if extra > 0 => extra -= 1,
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
                        b'{' => {
                            open(i, b'}', closers, &mut extra, &mut over);
                        }
                        b'[' => {
                            open(i, b']', closers, &mut extra, &mut over);
                        }
                        // Past the limit, levels are counted, not matched: the
                        // record is refused whatever its brackets.
                        b'}' | b']' if extra > 0 => extra -= 1,
                        b'}' | b']' => {
                            if closers.pop() != Some(b) {
                                let mut p = src.pos;
                                advance_pos(&mut p, &chunk[..i]);
                                return Err(Self::syntax(
                                    p,
                                    Message::UnexpectedCloser {
                                        found: char::from(b),
                                    },
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
                // Read on to the record's end without keeping it.
                out = None;
                over.get_or_insert_with(|| too_large_skipped(rec_start, limits));
            }
            src.consume(i, out.as_deref_mut());
            if done {
                return over.map_or(Ok(()), Err);
            }
        }
    }

    /// Opens a level of a value being scanned, or, past the depth limit, counts it
    /// (and, for a value being kept, notes the first such place).
    fn open(
        closers: &mut Vec<u8>,
        closer: u8,
        keep: bool,
        extra: &mut u64,
        over: &mut Option<Error>,
        limits: Limits,
        at: impl FnOnce() -> Position,
    ) {
        if closers.len() < limits.max_depth {
            closers.push(closer);
        } else if !keep {
            // Skipped: counted only, so that memory stays bounded.
            *extra += 1;
        } else {
            *extra += 1;
            over.get_or_insert_with(|| {
                Error::limit_recoverable(
                    at(),
                    Message::TooDeep {
                        max: limits.max_depth,
                    },
                )
            });
        }
    }

    /// A member of the root that DECP does not define (`$schema` is allowed).
    /// A finding at the member's own pointer, as for a record's unknown member
    /// (the member is skipped: DECP has no place for it).
    fn not_decp_member(at: Position, name: &str) -> Error {
        let mut path = String::new();
        crate::path::push_pointer_key(&mut path, name);
        Error::envelope(
            at,
            path,
            IssueCode::AdditionalProperty,
            Some(name.to_owned()),
            None,
        )
    }

    /// Skips text that is not part of the list of records (an error page pasted
    /// into a file, a missing comma's neighbour) up to the next record (`{`) or the
    /// end of the list (a `]` followed by `,` or `}`), and reports the skipped bytes
    /// with where they start, as a recoverable error: the records after them are
    /// read. At the end of input, the error is fatal.
    fn resync<R: Read>(&mut self, src: &mut Source<R>, kind: Option<RecordKind>) -> Result<Error> {
        let start = src.pos;
        let mut skipped = 0u64;
        let mut sample = Vec::new();
        loop {
            let Some(b) = src.peek()? else {
                return Err(Self::syntax(start, Message::TextToEnd));
            };
            if b == b'{' {
                break;
            }
            if b == b']' {
                // The end of the list only if the envelope goes on after it.
                let ahead = src.lookahead(256)?;
                let rest = ahead[1..]
                    .iter()
                    .find(|c| !matches!(c, b' ' | b'\n' | b'\r' | b'\t'));
                if matches!(rest, Some(b',' | b'}') | None) {
                    break;
                }
            }
            if sample.len() < 60 {
                sample.push(b);
            }
            src.consume(1, None);
            skipped += 1;
        }
        // A record follows (no comma due before it), or the end of the list.
        self.state = JState::Array { kind, first: true };
        let text = String::from_utf8_lossy(&sample);
        let text = text.trim();
        Ok(Error::syntax_recoverable(
            Format::Json,
            start,
            if skipped == 0 {
                Message::MissingComma
            } else {
                Message::SkippedText {
                    bytes: skipped,
                    sample: text.to_owned(),
                }
            },
        ))
    }

    /// Describes a record of a list that starts at `at` (v1's list: `kind` is `None`).
    fn begin_item(&mut self, rec: &mut RawRecord, kind: Option<RecordKind>, at: Position) {
        self.c
            .begin(rec, kind.unwrap_or(RecordKind::Marche), Format::Json, at);
        if kind.is_none() {
            rec.envelope = Envelope::Array;
            rec.kind_index = rec.position.record.unwrap_or(0);
        }
    }

    /// The fast path through a list of records (see [`Reader::read_run`]): cuts
    /// up to `max` records that are whole in the buffered input, finding each end
    /// with [`index::object_end`] instead of the token walk, and gives them to
    /// `push` as ranges of the source's buffer, which they share (no copy:
    /// [`Source::shared`]). Returns how many; 0 when
    /// the next record is not plainly there (not an object, not whole in the
    /// buffer, over a limit, the end of the list, an error due): the general path
    /// ([`JsonSplitter::next`]) then takes it. Each record is the one `next` gives,
    /// with the same position.
    ///
    /// [`Reader::read_run`]: crate::Reader
    pub fn next_run<R: Read>(
        &mut self,
        src: &mut Source<R>,
        max: usize,
        mut push: impl FnMut(RawRecord),
    ) -> usize {
        let JState::Array { kind, mut first } = self.state else {
            return 0;
        };
        if self.c.done || !self.pending.is_empty() {
            return 0;
        }
        let limits = self.c.limits;
        let room = limits.max_records.saturating_sub(self.c.index);
        let text = src.chunk();
        let mut pos = src.pos;
        let mut at = 0;
        let mut found = std::mem::take(&mut self.run);
        found.clear();
        while found.len() < max && (found.len() as u64) < room {
            let mut j = at + ws_len(&text[at..]);
            if !first {
                if text.get(j) != Some(&b',') {
                    break;
                }
                j += 1 + ws_len(&text[j + 1..]);
            }
            if text.get(j) != Some(&b'{') {
                break;
            }
            let index::ObjectEnd::At { end } =
                index::object_end(&text[j..], limits.max_depth, limits.max_record_bytes)
            else {
                break;
            };
            advance_pos(&mut pos, &text[at..j]);
            let start = pos;
            advance_pos(&mut pos, &text[j..j + end]);
            found.push((j, j + end, start));
            at = j + end;
            first = false;
        }
        let n = found.len();
        if n > 0 {
            for (shared, pos) in shared_run(src.shared(), &found) {
                let mut rec = RawRecord::default();
                self.begin_item(&mut rec, kind, pos);
                rec.shared = Some(shared);
                guess_kind(&mut rec, None);
                push(rec);
            }
            self.state = JState::Array { kind, first: false };
            src.consume_to(at, pos);
        }
        self.run = found;
        n
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
        let r = self
            .step(src, rec)
            .map(|at| if at { Seek::At } else { Seek::End });
        self.c.counted(r, rec)
    }

    /// Copies the record that [`JsonSplitter::seek_record`] stopped at into `rec`.
    pub fn scan_record<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<()> {
        let limits = self.c.limits;
        let start = rec.position;
        let r = Self::scan_value(src, Some(&mut rec.bytes), &mut self.closers, limits, start)
            .map_err(|e| e.with_record(start.record.unwrap_or(0)));
        self.c.done |= r.as_ref().is_err_and(Error::is_fatal);
        if let Err(e) = r {
            if e.is_fatal() {
                return Err(e);
            }
            // Read to its end but refused (over a limit): a record that cannot be
            // read, reported at its own place; reading goes on.
            rec.bytes.clear();
            rec.failed = Some(Box::new(e));
            return Ok(());
        }
        guess_kind(rec, None);
        Ok(())
    }

    fn step<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<bool> {
        if let Some(e) = self.pending.pop_front() {
            return Err(e);
        }
        loop {
            match self.state {
                JState::Start => {
                    src.skip_bom()?;
                    match src.skip_ws()? {
                        Some(b'{') if ndjson_kind(src.lookahead(64)?).is_some() => {
                            self.state = JState::Lines;
                        }
                        Some(b'{') => {
                            self.root_at = src.pos;
                            src.consume(1, None);
                            self.state = JState::Root { first: true };
                        }
                        Some(b'[') => {
                            return Err(Error::unsupported(
                                src.pos,
                                Message::JsonArrayDocument,
                                false,
                            ));
                        }
                        _ => return Err(Self::unexpected(src, Token::OpenBrace)?),
                    }
                }
                JState::Root { first } => {
                    if src.skip_ws()? == Some(b'}') {
                        let at = src.pos;
                        src.consume(1, None);
                        self.state = JState::AfterRoot;
                        if !self.seen_marches {
                            // No `marches`: not a DECP document (a JSON schema, an
                            // export of something else): one finding naming what
                            // the root holds, then the end.
                            self.seen_marches = true;
                            let names: Vec<&str> =
                                self.deferred.iter().map(|(_, k)| k.as_str()).collect();
                            let e = Error::envelope(
                                if names.is_empty() { at } else { self.root_at },
                                "",
                                IssueCode::NotDecp,
                                (!names.is_empty()).then(|| names.join(", ")),
                                Some("marches".into()),
                            );
                            self.deferred.clear();
                            return Err(e);
                        }
                        continue;
                    }
                    if !first {
                        Self::expect(src, b',', Token::CommaOrBrace)?;
                    }
                    self.state = JState::Root { first: false };
                    let at = src.pos;
                    self.key(src)?;
                    Self::expect(src, b':', Token::Colon)?;
                    let next = src.skip_ws()?;
                    if self.scratch == b"\"marches\"" {
                        self.seen_marches = true;
                        // A DECP document after all: what came before is reported.
                        for (at, key) in self.deferred.drain(..) {
                            if key != "$schema" {
                                self.pending.push_back(Self::not_decp_member(at, &key));
                            }
                        }
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
                                return Err(Self::unexpected(src, Token::MarchesObject)?);
                            }
                        }
                        if let Some(e) = self.pending.pop_front() {
                            return Err(e);
                        }
                    } else {
                        let key = String::from_utf8_lossy(&self.scratch).into_owned();
                        let limits = self.c.limits;
                        Self::scan_value(src, None, &mut self.closers, limits, at)?;
                        let name = key.trim_matches('"').to_owned();
                        if !self.seen_marches {
                            if self.deferred.len() < 20 {
                                self.deferred.push((at, name));
                            }
                        } else if name != "$schema" {
                            return Err(Self::not_decp_member(at, &name));
                        }
                    }
                }
                JState::Marches { first } => {
                    if src.skip_ws()? == Some(b'}') {
                        let at = src.pos;
                        src.consume(1, None);
                        self.state = JState::Root { first: false };
                        if !self.seen_list {
                            // v2 requires `marche` or `contrat-concession` in it.
                            self.seen_list = true;
                            return Err(Error::envelope(
                                at,
                                "/marches",
                                IssueCode::Required,
                                None,
                                Some("marche".into()),
                            ));
                        }
                        continue;
                    }
                    if !first {
                        Self::expect(src, b',', Token::CommaOrBrace)?;
                    }
                    self.state = JState::Marches { first: false };
                    let at = src.pos;
                    self.key(src)?;
                    Self::expect(src, b':', Token::Colon)?;
                    let next = src.skip_ws()?;
                    let name = &self.scratch[1..self.scratch.len() - 1];
                    match (kind_of(name), next) {
                        (Some(kind), Some(b'[')) => {
                            self.seen_list = true;
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
                            let name = key.trim_matches('"');
                            let mut path = String::from("/marches");
                            crate::path::push_pointer_key(&mut path, name);
                            return Err(if k.is_some() {
                                Error::envelope(
                                    at,
                                    path,
                                    IssueCode::Type,
                                    None,
                                    Some("array".into()),
                                )
                            } else {
                                Error::envelope(
                                    at,
                                    path,
                                    IssueCode::AdditionalProperty,
                                    Some(name.to_owned()),
                                    None,
                                )
                            });
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
                        match src.skip_ws()? {
                            Some(b',') => {
                                src.consume(1, None);
                            }
                            Some(_) => {
                                // Not a separator: stray text after a record.
                                return Err(self.resync(src, kind)?);
                            }
                            None => Self::expect(src, b',', Token::CommaOrBracket)?,
                        }
                        src.skip_ws()?;
                    }
                    if src.peek()?.is_some_and(|b| !starts_value(b)) {
                        // Not a JSON value: stray text where a record should be.
                        return Err(self.resync(src, kind)?);
                    }
                    self.state = JState::Array { kind, first: false };
                    self.begin_item(rec, kind, src.pos);
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
                        Some(_) => Err(Self::unexpected(src, Token::NdjsonRecord)?),
                    };
                }
                JState::AfterRoot => {
                    return match src.skip_ws()? {
                        None => {
                            self.c.done = true;
                            Ok(false)
                        }
                        Some(_) => Err(Self::unexpected(src, Token::EndOfDocument)?),
                    };
                }
            }
        }
    }
}

/// The position of the end of `before`, which starts at `start`.
fn at_in(start: Position, before: &[u8]) -> Position {
    let mut p = start;
    advance_pos(&mut p, before);
    p
}

/// A record of a v1 list (`{"marches": [ … ]}`, marchés and concessions mixed) is
/// taken for a concession when it names an `autoriteConcedante`: the kind is told
/// when decoding, but a record that cannot be decoded keeps this guess (its report
/// header, `RawRecord::kind`), the same whether it was copied or read in place.
/// `bytes`: the record's text when not in `rec.bytes`.
pub(crate) fn guess_kind(rec: &mut RawRecord, bytes: Option<&[u8]>) {
    if rec.envelope == Envelope::Array
        && memchr::memmem::find(bytes.unwrap_or(rec.bytes()), b"\"autoriteConcedante\"").is_some()
    {
        rec.kind = RecordKind::Concession;
    }
}
