//! The streaming [`Reader`].

use std::fs::File;
use std::io::Read;
use std::path::Path;

use bumpalo::Bump;

use crate::codec::{Codec, Cx};
pub use crate::decoded::{DecodeOptions, Decoded, Mode};
use crate::detect::{self, Envelope, Shape};
use crate::encoding::SingleByte;
use crate::error::{Error, ErrorKind, Position, Result};
use crate::format::Format;
use crate::issue::Issue;
use crate::issue::{IssueCode, Severity};
use crate::legacy;
use crate::message::Message;
use crate::model::{ContratConcession, Marche};
use crate::record::{Record, RecordKind, Version};
use crate::split::{JsonSplitter, Seek, Source, XmlSplitter};
pub use crate::split::{Limits, RawRecord};
use crate::tree;
use crate::v1;

/// Above this many bytes, a thread's tree arena is dropped after the record.
const ARENA_KEPT: usize = 1 << 20;

thread_local! {
    /// The arena of the record trees parsed on this thread ([`RawRecord::with_tree`]).
    static ARENA: std::cell::RefCell<Bump> = std::cell::RefCell::new(Bump::new());
}

impl RawRecord {
    /// Decodes the record's bytes into the typed model.
    ///
    /// A record whose own syntax is broken gives a recoverable
    /// [`ErrorKind::Syntax`] error; in [`Mode::Strict`], the first value that does
    /// not fit gives an [`ErrorKind::Data`] error.
    pub fn decode(&self, mode: Mode) -> Result<Decoded> {
        self.decode_with(&DecodeOptions::default().mode(mode))
    }

    /// Decodes with options: the mode, the normaliser, the limits. With the
    /// normaliser on, a record that is not UTF-8 is read as Windows-1252 (a
    /// `repair.encoding` finding) instead of being refused.
    pub fn decode_with(&self, opts: &DecodeOptions) -> Result<Decoded> {
        self.with_tree(opts, |node, text, encoding_repair| {
            self.decode_node(node, text, encoding_repair, opts)
        })
    }

    /// Parses the record's bytes into a tree and runs `f` on it, with the (UTF-8)
    /// text the tree's offsets count in and whether the text was transcoded (the
    /// normaliser reads a record that is not UTF-8 as Windows-1252).
    pub(crate) fn with_tree<T>(
        &self,
        opts: &DecodeOptions,
        f: impl FnOnce(&tree::Node<'_>, &[u8], bool) -> Result<T>,
    ) -> Result<T> {
        if let Some(e) = &self.failed {
            return Err((**e).clone());
        }
        let limits = opts.limits;
        let syntax = |off: usize, msg: Message| {
            if let Message::TooDeep { .. } | Message::TooMany { .. } | Message::TooLong { .. } = msg
            {
                // A limit, whichever of the splitter and the parser meets it.
                return Error::limit_recoverable(self.locate(off), msg);
            }
            Error::new(ErrorKind::Syntax {
                format: self.format,
                pos: self.locate(off),
                message: msg,
                recoverable: true,
            })
        };
        let transcoded;
        let mut encoding_repair = false;
        let text = match tree::utf8(self.bytes()) {
            Ok(t) => t,
            Err(_) if opts.normalize => {
                let mut v = Vec::with_capacity(self.bytes().len() + 16);
                SingleByte::WINDOWS_1252.decode_into(self.bytes(), &mut v);
                transcoded = String::from_utf8(v).unwrap_or_default();
                encoding_repair = true;
                transcoded.as_str()
            }
            Err(e) => return Err(syntax(e.off, e.msg)),
        };
        let run = |bump: &Bump| {
            let node = match self.format {
                Format::Json => tree::parse_json(text, limits, opts.normalize, bump),
                Format::Xml => tree::parse_xml(text, limits, bump).map(|(_, n)| n),
            }
            .map_err(|e| syntax(e.off, e.msg))?;
            f(&node, text.as_bytes(), encoding_repair)
        };
        // The tree's arena: this thread's, reset per record (no allocation per
        // record once it has grown to the records' size), unless in use already.
        ARENA.with(|arena| match arena.try_borrow_mut() {
            Ok(mut bump) => {
                bump.reset();
                let r = run(&bump);
                if bump.allocated_bytes() > ARENA_KEPT {
                    // A very large record's arena is not kept for the next ones.
                    *bump = Bump::new();
                }
                r
            }
            Err(_) => run(&Bump::with_capacity(2 * text.len())),
        })
    }

    /// Decodes a tree built elsewhere (from a generic value): no bytes to place
    /// findings in.
    pub(crate) fn decode_tree(
        &self,
        node: &tree::Node<'_>,
        opts: &DecodeOptions,
    ) -> Result<Decoded> {
        self.decode_node(node, &[], false, opts)
    }

    /// Decodes the parsed tree of the record whose (UTF-8) bytes are `bytes`; `self`
    /// gives where the record is, its bytes may be elsewhere (parsed in place).
    pub(crate) fn decode_node(
        &self,
        node: &tree::Node<'_>,
        bytes: &[u8],
        encoding_repair: bool,
        opts: &DecodeOptions,
    ) -> Result<Decoded> {
        let mode = opts.mode;
        let shape = match opts.version {
            Some(Version::V1_4 | Version::V1_5) => Shape::V1,
            Some(Version::V2_0_0) => Shape::V2_0_0,
            Some(Version::V2) => Shape::V2,
            None => detect::shape(node, self.envelope),
        };
        let kind = match self.envelope {
            Envelope::Array => detect::v1_kind(node),
            Envelope::Object | Envelope::Xml | Envelope::Lines => self.kind,
        };
        // NDJSON: a leading `"kind"` naming a kind told the kind; it is not part of
        // the record. Any other `kind` stays, reported as an unknown member; a record
        // without one is read as a market, and that is reported.
        let known_kind = |v: &tree::Node<'_>| matches!(v.v, tree::V::Str(k) if RecordKind::from_name(k).is_some());
        let (without_kind, kind_missing);
        let node = match (&node.v, self.envelope) {
            (tree::V::Obj(m), Envelope::Lines)
                if m.first()
                    .is_some_and(|(k, v)| *k == "kind" && known_kind(v)) =>
            {
                without_kind = tree::Node {
                    off: node.off,
                    v: tree::V::Obj(&m[1..]),
                };
                kind_missing = false;
                &without_kind
            }
            (tree::V::Obj(m), Envelope::Lines) => {
                kind_missing = !m.iter().any(|(k, _)| *k == "kind");
                node
            }
            _ => {
                kind_missing = false;
                node
            }
        };
        let path = self.pointer(kind, shape);
        let mut cx = Cx::new(path.clone());
        cx.normalize = opts.normalize;
        cx.xml = self.format == Format::Xml;
        if kind_missing {
            let mut i = Issue::new(IssueCode::Required, format!("{path}/kind"));
            i.expected = Some("kind".into());
            cx.findings.push((node.off, i));
        }
        let (bump, rewritten);
        let node = if shape == Shape::V2_0_0 {
            bump = Bump::new();
            rewritten = legacy::to_v2(node, kind, &path, &mut cx.findings, &bump);
            &rewritten
        } else {
            node
        };
        if encoding_repair {
            cx.repaired(
                0,
                IssueCode::RepairEncoding,
                "",
                SingleByte::WINDOWS_1252.name(),
            );
        }
        let record = match (shape, kind) {
            (Shape::V1, RecordKind::Marche) => v1::Marche::decode(node, &mut cx)
                .into_valid()
                .map(Record::MarcheV1),
            (Shape::V1, RecordKind::Concession) => v1::ContratConcession::decode(node, &mut cx)
                .into_valid()
                .map(Record::ConcessionV1),
            (Shape::V2 | Shape::V2_0_0, RecordKind::Marche) => Marche::decode(node, &mut cx)
                .into_valid()
                .map(Record::Marche),
            (Shape::V2 | Shape::V2_0_0, RecordKind::Concession) => {
                ContratConcession::decode(node, &mut cx)
                    .into_valid()
                    .map(Record::Concession)
            }
        };
        let record_path = path.clone();
        // Positions from one pass over the record's text, in offset order.
        let mut order: Vec<usize> = (0..cx.findings.len()).collect();
        order.sort_by_key(|&k| cx.findings[k].0);
        let (mut pos, mut at) = (self.position, 0usize);
        for k in order {
            let off = (cx.findings[k].0 as usize).min(bytes.len()).max(at);
            crate::split::advance_pos(&mut pos, &bytes[at..off]);
            at = off;
            cx.findings[k].1.position = Some(pos);
        }
        let findings: Vec<Issue> = cx.findings.into_iter().map(|(_, i)| i).collect();
        let Some(record) = record else {
            return Err(Error::new(ErrorKind::Data {
                pos: self.position,
                path: if record_path.is_empty() {
                    "/".into()
                } else {
                    record_path
                },
                code: IssueCode::Type,
                value: findings.first().and_then(|i| i.value.clone()),
                expected: Some("object".into()),
            }));
        };
        // Strict: what does not fit the official schemas (errors); warnings and
        // repairs are findings still.
        let first = findings.iter().find(|i| i.severity() == Severity::Error);
        if let (Mode::Strict, Some(first)) = (mode, first) {
            return Err(Error::new(ErrorKind::Data {
                pos: first.position.unwrap_or(self.position),
                path: first.path.clone(),
                code: first.code,
                value: first.value.clone(),
                expected: first.expected.clone(),
            }));
        }
        let version = match shape {
            Shape::V1 => record.version(),
            Shape::V2_0_0 => Version::V2_0_0,
            Shape::V2 => Version::V2,
        };
        Ok(Decoded {
            record,
            position: self.position,
            findings,
            kind_index: match self.envelope {
                Envelope::Array => self.position.record.unwrap_or(0),
                Envelope::Object | Envelope::Xml | Envelope::Lines => self.kind_index,
            },
            version,
            path,
        })
    }
}

impl RawRecord {
    /// The JSON Pointer of a record of this kind and shape: `/marches/marche/N` in
    /// the v2 shape, `/marches/N` (N counting every record) in the v1 shape.
    fn pointer(&self, kind: RecordKind, shape: Shape) -> String {
        if let Some(p) = &self.path {
            return p.clone();
        }
        match (self.envelope, shape) {
            (Envelope::Object | Envelope::Lines, _) | (Envelope::Xml, Shape::V2) => {
                format!("/marches/{}/{}", kind.name(), self.kind_index)
            }
            (Envelope::Array, _) | (Envelope::Xml, Shape::V1 | Shape::V2_0_0) => {
                format!("/marches/{}", self.position.record.unwrap_or(0))
            }
        }
    }

    /// The JSON Pointer of the record when its shape is not known (it could not be
    /// read): where a v2 record of its kind would be, or its place in a v1 array.
    pub(crate) fn place(&self) -> String {
        self.pointer(self.kind, Shape::V2)
    }

    /// The position of the value at `pointer` in this record: an absolute JSON
    /// Pointer as in findings (`/marches/marche/3/titulaires/0/titulaire/id`) or one
    /// relative to the record. When the value is absent (a missing required member),
    /// the position of the deepest enclosing value is given.
    pub fn locate_path(&self, pointer: &str) -> Position {
        let v2 = format!("/marches/{}/{}", self.kind.name(), self.kind_index);
        let v1 = format!("/marches/{}", self.position.record.unwrap_or(0));
        let own = self.path.clone().unwrap_or_else(|| v2.clone());
        let rel = [own, v2, v1]
            .iter()
            .find_map(|p| {
                pointer
                    .strip_prefix(p.as_str())
                    .filter(|r| r.is_empty() || r.starts_with('/'))
            })
            .unwrap_or(pointer);
        let Ok(text) = tree::utf8(self.bytes()) else {
            return self.position;
        };
        let bump = Bump::new();
        let node = match self.format {
            Format::Json => tree::parse_json(text, LOCATE_LIMITS, true, &bump).ok(),
            Format::Xml => tree::parse_xml(text, LOCATE_LIMITS, &bump)
                .ok()
                .map(|(_, n)| n),
        };
        match node {
            Some(n) => self.locate(tree::locate(&n, rel) as usize),
            None => self.position,
        }
    }
}

/// Builds a [`Reader`] with options.
///
/// ```
/// use decp_core::{Format, Mode, ReaderBuilder};
/// let mut r = ReaderBuilder::new().mode(Mode::Strict).format(Format::Xml)
///     .from_slice(b"<marches><marche><id>A</id></marche></marches>")?;
/// assert_eq!(r.records().count(), 1);
/// # Ok::<(), decp_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ReaderBuilder {
    format: Option<Format>,
    opts: DecodeOptions,
    decoded_text: bool,
}

impl ReaderBuilder {
    /// Default options: format detected, tolerant mode, default limits.
    pub fn new() -> ReaderBuilder {
        ReaderBuilder::default()
    }

    /// Sets the format instead of detecting it.
    pub fn format(&mut self, format: Format) -> &mut ReaderBuilder {
        self.format = Some(format);
        self
    }

    /// Decodes every record as `version` instead of telling it from each record's
    /// shape (see [`DecodeOptions::version`]).
    pub fn version(&mut self, version: Option<Version>) -> &mut ReaderBuilder {
        self.opts.version = version;
        self
    }

    /// Strict or tolerant decoding (default tolerant).
    pub fn mode(&mut self, mode: Mode) -> &mut ReaderBuilder {
        self.opts.mode = mode;
        self
    }

    /// Safety limits.
    pub fn limits(&mut self, limits: Limits) -> &mut ReaderBuilder {
        self.opts.limits = limits;
        self
    }

    /// Repairs the defects real producers make (off by default): placeholders,
    /// dates with a time zone or a time, numbers and booleans written as strings,
    /// upper-case or accent-less labels, identifiers with separators, lost CPV
    /// zeros, list shapes, dotted keys, `NaN`, non-UTF-8 records, unknown XML
    /// encodings. Each repair is an `info` finding of the `repair` family, whose
    /// `value` is the value before and `expected` the value after; see the table
    /// in the crate's `normalize` documentation (README).
    ///
    /// ```
    /// use decp_core::{IssueCode, ReaderBuilder, Record};
    /// let json = br#"{"marches": {"marche": [{"id": "A", "montant": "12 000,50", "ccag": "TRAVAUX"}]}}"#;
    /// let d = ReaderBuilder::new().normalize(true).from_slice(json)?.records().next().unwrap()?;
    /// let Record::Marche(m) = &d.record else { unreachable!() };
    /// assert_eq!(decp_core::get(&m.montant).unwrap().to_string(), "12000.50");
    /// assert_eq!(d.findings[0].code, IssueCode::RepairNumber);
    /// assert_eq!(d.findings[0].value.as_deref(), Some("12 000,50"));
    /// assert_eq!(d.findings[1].code, IssueCode::RepairLabel);
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn normalize(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.opts.normalize = yes;
        self
    }

    /// Opens a file.
    pub fn from_path(&self, path: impl AsRef<Path>) -> Result<Reader<File>> {
        self.from_reader(File::open(path)?)
    }

    /// Reads from any reader (it is buffered internally: do not wrap it in a `BufReader`).
    pub fn from_reader<R: Read>(&self, rdr: R) -> Result<Reader<R>> {
        let mut src = Source::new(rdr);
        let format = match self.format {
            Some(f) => f,
            None => {
                src.skip_bom()?;
                match src.skip_ws()? {
                    Some(b'{' | b'[') => Format::Json,
                    Some(b'<') => Format::Xml,
                    Some(b) => {
                        return Err(Error::unsupported(
                            src.pos,
                            Message::UnknownFormat {
                                found: char::from(b),
                            },
                            false,
                        ));
                    }
                    None => return Err(Error::unsupported(src.pos, Message::EmptyInput, false)),
                }
            }
        };
        let split = match format {
            // Told it is JSON, an empty input is an empty NDJSON stream (what the
            // NDJSON writer writes for no record); detected, it is refused above.
            Format::Json if self.format.is_some() && src.lookahead(1)?.is_empty() => {
                let mut s = JsonSplitter::new(self.opts.limits);
                s.c.done = true;
                Splitter::Json(s)
            }
            Format::Json => Splitter::Json(JsonSplitter::new(self.opts.limits)),
            Format::Xml => {
                let mut s = XmlSplitter::new(self.opts.limits);
                s.lenient = self.opts.normalize;
                s.decoded_text = self.decoded_text;
                Splitter::Xml(s)
            }
        };
        Ok(Reader {
            src,
            split,
            format,
            opts: self.opts,
            raw: RawRecord::default(),
            bump: Bump::new(),
        })
    }

    /// Says the input is text already decoded (a Python `str`, a .NET string, a
    /// file opened in text mode), handed over as UTF-8: the encoding an XML
    /// declaration names is then ignored instead of being applied a second time.
    ///
    /// ```
    /// use decp_core::ReaderBuilder;
    /// let xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><marches><marche><objet>école</objet></marche></marches>";
    /// let d = ReaderBuilder::new().decoded_text(true).from_slice(xml.as_bytes())?.records().next().unwrap()?;
    /// assert_eq!(d.record.to_value().to_json(), r#"{"objet":"école"}"#);
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn decoded_text(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.decoded_text = yes;
        self
    }

    /// Reads from bytes in memory.
    pub fn from_slice<'a>(&self, bytes: &'a [u8]) -> Result<Reader<&'a [u8]>> {
        self.from_reader(bytes)
    }
}

enum Splitter {
    Json(JsonSplitter),
    Xml(XmlSplitter),
}

/// Reads DECP records one at a time from JSON or XML, in memory that does not grow
/// with the input.
///
/// ```
/// use decp_core::Reader;
/// let json = br#"{"marches": {"marche": [{"id": "A"}], "contrat-concession": [{"id": "B"}]}}"#;
/// let ids: Vec<String> = Reader::from_slice(json)?
///     .into_records()
///     .map(|r| r.map(|d| d.record.id().unwrap().to_string()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(ids, ["A", "B"]);
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct Reader<R> {
    src: Source<R>,
    split: Splitter,
    format: Format,
    opts: DecodeOptions,
    raw: RawRecord,
    /// The arena of the records' trees, reset for each record.
    bump: Bump,
}

impl Reader<File> {
    /// Opens a file with default options (format detected, tolerant).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Reader<File>> {
        ReaderBuilder::new().from_path(path)
    }
}

impl<'a> Reader<&'a [u8]> {
    /// Reads bytes in memory with default options.
    pub fn from_slice(bytes: &'a [u8]) -> Result<Reader<&'a [u8]>> {
        ReaderBuilder::new().from_slice(bytes)
    }
}

impl<R: Read> Reader<R> {
    /// Reads from any reader with default options.
    pub fn from_reader(rdr: R) -> Result<Reader<R>> {
        ReaderBuilder::new().from_reader(rdr)
    }

    /// The format being read.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The decoding mode.
    pub fn mode(&self) -> Mode {
        self.opts.mode
    }

    /// The decoding options, to decode raw records elsewhere
    /// ([`RawRecord::decode_with`]).
    pub fn decode_options(&self) -> DecodeOptions {
        self.opts
    }

    /// How many bytes of input have been consumed so far (for progress bars).
    pub fn bytes_read(&self) -> u64 {
        self.src.pos.byte
    }

    /// The position of the next unread byte.
    pub fn position(&self) -> Position {
        self.src.pos
    }

    /// Reads the next record's bytes without decoding them; `Ok(false)` at the end.
    /// Use it to decode on other threads ([`RawRecord::decode`]) or to pass records
    /// through untouched.
    pub fn read_raw(&mut self, raw: &mut RawRecord) -> Result<bool> {
        match &mut self.split {
            Splitter::Json(s) => s.next(&mut self.src, raw),
            Splitter::Xml(s) => s.next(&mut self.src, raw),
        }
    }

    /// Up to `max` more records for the parallel driver's reading, cut by the
    /// splitter's fast path (a list of records whose next records are whole in
    /// the buffer) and given to `push`. When none is whole in the buffer, the
    /// next may be cut by its end: the buffer is refilled behind it once
    /// ([`Source::refill_keeping`](crate::split::source::Source::refill_keeping))
    /// and the fast path tried again. 0 when the next record is for
    /// [`Reader::read_raw`] (the envelope, an error, a record larger than the
    /// buffer or over a limit, one whose end only a walk can tell). The records
    /// are those `read_raw` would give, with the same positions.
    pub(crate) fn read_run(&mut self, max: usize, mut push: impl FnMut(RawRecord)) -> usize {
        for refilled in [false, true] {
            if refilled && !self.src.refill_keeping() {
                break;
            }
            let n = match &mut self.split {
                Splitter::Json(s) => s.next_run(&mut self.src, max, &mut push),
                Splitter::Xml(s) => s.next_run(&mut self.src, max, &mut push),
            };
            if n > 0 {
                return n;
            }
        }
        0
    }

    /// Reads and decodes the next record; `None` at the end or after a fatal error.
    pub fn next_record(&mut self) -> Option<Result<Decoded>> {
        let mut raw = std::mem::take(&mut self.raw);
        let seek = match &mut self.split {
            Splitter::Json(s) => s.seek_record(&mut self.src, &mut raw),
            Splitter::Xml(s) => s.seek_record(&mut self.src, &mut raw),
        };
        let r = match seek {
            Ok(Seek::End) => None,
            Ok(Seek::Copied) => Some(raw.decode_with(&self.opts)),
            Ok(Seek::At) => Some(match self.decode_in_place(&raw) {
                Some(d) => d,
                None => match &mut self.split {
                    Splitter::Json(s) => s.scan_record(&mut self.src, &mut raw),
                    Splitter::Xml(s) => s.scan_record(&mut self.src, &mut raw),
                }
                .and_then(|()| raw.decode_with(&self.opts)),
            }),
            Err(e) => Some(Err(e)),
        };
        self.raw = raw;
        r
    }

    /// The next record's tree, for a step that needs it (the [`Checker`](crate::Checker)
    /// places its findings from it): parsed in place in the input buffer when the
    /// record is whole there (no copy, one parse), else copied by the splitter as
    /// [`Reader::read_raw`] does. `f` gets the record's description and its tree and
    /// text, or the error that makes it unreadable. `None` at the end; `Err` for a
    /// read error outside any record (fatal or not, as [`Reader::read_raw`]).
    pub(crate) fn next_parsed<T>(
        &mut self,
        f: impl FnOnce(&RawRecord, Result<(&tree::Node<'_>, &[u8], bool)>) -> T,
    ) -> Option<Result<T>> {
        let mut raw = std::mem::take(&mut self.raw);
        let seek = match &mut self.split {
            Splitter::Json(s) => s.seek_record(&mut self.src, &mut raw),
            Splitter::Xml(s) => s.seek_record(&mut self.src, &mut raw),
        };
        let mut f = Some(f);
        let mut call = |raw: &RawRecord, r: Result<(&tree::Node<'_>, &[u8], bool)>| {
            f.take().map(|f| f(raw, r))
        };
        let out = match seek {
            Ok(Seek::End) => None,
            Err(e) => Some(Err(e)),
            Ok(seek) => {
                let json = self.format == Format::Json;
                let done = if seek == Seek::At {
                    self.in_place(|node, text| {
                        if json {
                            crate::split::guess_kind(&mut raw, Some(text));
                        }
                        call(&raw, Ok((node, text, false)))
                    })
                    .flatten()
                } else {
                    None
                };
                match done {
                    Some(t) => Some(Ok(t)),
                    None => {
                        let copied = match (seek, &mut self.split) {
                            (Seek::At, Splitter::Json(s)) => s.scan_record(&mut self.src, &mut raw),
                            (Seek::At, Splitter::Xml(s)) => s.scan_record(&mut self.src, &mut raw),
                            _ => Ok(()),
                        };
                        match copied {
                            Err(e) if e.is_fatal() => Some(Err(e)),
                            Err(e) => call(&raw, Err(e)).map(Ok),
                            Ok(()) => {
                                let opts = self.opts;
                                let r = raw
                                    .with_tree(&opts, |n, t, enc| Ok(call(&raw, Ok((n, t, enc)))));
                                match r {
                                    Ok(t) => t.map(Ok),
                                    Err(e) => call(&raw, Err(e)).map(Ok),
                                }
                            }
                        }
                    }
                }
            }
        };
        self.raw = raw;
        out
    }

    /// Reads the record `raw` describes straight from the input buffer, when it is
    /// whole there and well formed (nearly always): no copy, one parse. A record
    /// cut by the end of the buffer is tried once more after the buffer is
    /// refilled behind it ([`Source::refill_keeping`](crate::split::source::Source::refill_keeping)).
    /// Anything else (a syntax error, a record over the size limit, a record
    /// larger than the buffer) is left to the splitter, which copies the record
    /// and reports what is wrong with it exactly as when reading raw records;
    /// `None` then, and nothing is consumed.
    fn decode_in_place(&mut self, raw: &RawRecord) -> Option<Result<Decoded>> {
        let opts = self.opts;
        self.in_place(|node, text| raw.decode_node(node, text, false, &opts))
    }

    /// Parses the record at the start of the buffer in place and gives `f` its
    /// tree and text, then consumes it. A record cut by the buffer's end is tried
    /// once more with the buffer refilled behind it; a broken record whole in the
    /// buffer is not (on a pipe, it is reported without waiting for more input).
    /// `None`, nothing consumed, when it cannot be read in place.
    fn in_place<T>(&mut self, f: impl FnOnce(&tree::Node<'_>, &[u8]) -> T) -> Option<T> {
        let opts = self.opts;
        for refilled in [false, true] {
            if refilled && !self.src.refill_keeping() {
                break;
            }
            self.bump.reset();
            let text = self.src.text();
            match parse_prefix(self.format, text, &opts, &self.bump) {
                Ok((node, end)) => {
                    let t = f(&node, &text.as_bytes()[..end]);
                    self.src.consume(end, None);
                    return Some(t);
                }
                Err(Cut(true)) => {}
                Err(Cut(false)) => break,
            }
        }
        None
    }

    /// An iterator over the records, borrowing the reader.
    pub fn records(&mut self) -> Records<'_, R> {
        Records { r: self }
    }

    /// An iterator over the records that owns the reader.
    pub fn into_records(self) -> IntoRecords<R> {
        IntoRecords { r: self }
    }
}

/// Borrowing iterator over records; see [`Reader::records`].
pub struct Records<'r, R> {
    r: &'r mut Reader<R>,
}

impl<R: Read> Iterator for Records<'_, R> {
    type Item = Result<Decoded>;
    fn next(&mut self) -> Option<Result<Decoded>> {
        self.r.next_record()
    }
}

/// Owning iterator over records; see [`Reader::into_records`].
pub struct IntoRecords<R> {
    r: Reader<R>,
}

impl<R: Read> IntoRecords<R> {
    /// The reader, for its position or byte count.
    pub fn reader(&self) -> &Reader<R> {
        &self.r
    }
}

impl<R: Read> Iterator for IntoRecords<R> {
    type Item = Result<Decoded>;
    fn next(&mut self) -> Option<Result<Decoded>> {
        self.r.next_record()
    }
}

/// The record that starts `text` (the input buffer), parsed in place, with the
/// offset just after it: `None` when it is not whole there, not well formed or
/// over the size limit — the splitter then copies it and says what is wrong.
fn parse_prefix<'a>(
    format: Format,
    text: &'a str,
    opts: &DecodeOptions,
    bump: &'a Bump,
) -> std::result::Result<(tree::Node<'a>, usize), Cut> {
    let parsed = match format {
        Format::Json => tree::parse_json_object_prefix(text, opts.limits, opts.normalize, bump),
        Format::Xml => tree::parse_xml_prefix(text, opts.limits, bump).map(|(_, n, end)| (n, end)),
    };
    match parsed {
        Ok((node, end)) if end <= opts.limits.max_record_bytes => Ok((node, end)),
        Ok(_) => Err(Cut(false)),
        // Within a few bytes of the end of the text (a cut literal, escape or tag
        // counts): the record may go on past the buffer.
        Err(e) => Err(Cut(e.off.saturating_add(8) >= text.len())),
    }
}

/// Why a record was not read in place: `Cut(true)` when its parse ran out of
/// buffered text (the record may be whole once the buffer is refilled behind it),
/// `Cut(false)` for anything else (a syntax error, a limit).
struct Cut(bool);

/// The limits of the re-parse that places a finding in a record already read
/// (with limits at least as wide as the reader's own defaults).
const LOCATE_LIMITS: Limits = Limits {
    max_record_bytes: usize::MAX,
    max_depth: 256,
    max_members: usize::MAX,
    max_value_bytes: usize::MAX,
    max_records: u64::MAX,
};
