//! The XML envelope walker: `<marches>` and its record elements (every version),
//! the XML declaration and its encoding.

use std::io::Read;

use super::Limits;
use super::index::whole_element;
use super::source::{Source, advance_pos};
use super::{Common, RawRecord, Seek, kind_of, shared_run, too_large, too_large_skipped, ws_len};
use crate::encoding::SingleByte;
use crate::error::{Error, Position, Result};
use crate::format::Format;
use crate::issue::IssueCode;
use crate::message::{Message, Token};
use crate::record::RecordKind;

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
    Start {
        self_closing: bool,
    },
    End,
    Other,
    /// A `<` that opens no markup (`a < b`, `a<<b`: not followed by a name, `/`,
    /// `!` or `?`): text, ill-formed, which the record parser reports where it is.
    Text,
}

/// Where the walker is in the document:
///
/// ```text
/// Prolog ──<marches>──► InRoot ──<marche> or <contrat-concession>: a record──► InRoot
///   │                     └──</marches>──► AfterRoot ──end──► done
///   └──<marche> (a record as the root element)──► AfterRoot once it is read
/// ```
///
/// The prolog may hold the XML declaration (its `encoding` switches the input to
/// transcoding), comments, processing instructions and a DOCTYPE; between records,
/// comments, processing instructions and white space are skipped, and any other
/// element is skipped with a recoverable error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XState {
    /// Before the root element.
    Prolog,
    /// Inside `<marches>`, between records.
    InRoot,
    /// After the root element: only comments, PIs and white space may follow.
    AfterRoot,
}

/// The XML walker; see the module's contract in [`super`].
pub(crate) struct XmlSplitter {
    /// Unknown encodings are read as UTF-8 (normalising) instead of refused.
    pub lenient: bool,
    /// The input is decoded text written as UTF-8: the declared encoding is ignored.
    pub decoded_text: bool,
    state: XState,
    pub c: Common,
    tag: Vec<u8>,
    /// The last markup scanned was larger than the record size limit: `tag` holds
    /// only its start.
    tag_overflow: bool,
    /// Names of the open elements of the record being copied, end to end.
    names: Vec<u8>,
    name_ends: Vec<usize>,
    /// The records of a run of the fast path (start, end, position, kind), kept
    /// for its capacity.
    run: Vec<(usize, usize, (Position, RecordKind))>,
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
            decoded_text: false,
            state: XState::Prolog,
            c: Common::new(limits),
            tag: Vec::new(),
            tag_overflow: false,
            names: Vec::new(),
            name_ends: Vec::new(),
            run: Vec::new(),
        }
    }

    /// The fast path between the records of `<marches>` (see
    /// [`Reader::read_run`](crate::Reader)): cuts up to `max` records that are
    /// whole in the buffered input, each a start tag without attributes
    /// (`<marche>`) and an element whose end the byte search of
    /// [`whole_element`] can tell, and gives them to `push` as ranges of the
    /// source's buffer, which they share (no copy: [`Source::shared`]). Returns
    /// how many; 0 when the next record is not
    /// plainly there (text, a comment, attributes, a record cut by a refill or
    /// over the size limit, the end of the list, an error due): the general path
    /// ([`XmlSplitter::next`]) then takes it. Each record is the one `next` gives,
    /// with the same position.
    pub fn next_run<R: Read>(
        &mut self,
        src: &mut Source<R>,
        max: usize,
        mut push: impl FnMut(RawRecord),
    ) -> usize {
        if self.state != XState::InRoot || self.c.done {
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
            let j = at + ws_len(&text[at..]);
            let Some(tag) = text.get(j..).filter(|t| t.first() == Some(&b'<')) else {
                break;
            };
            let name = tag_name(tag);
            let (Some(kind), Some(b'>')) = (kind_of(name), tag.get(1 + name.len())) else {
                break;
            };
            let open = 2 + name.len();
            let Some(n) = whole_element(&tag[open..], name) else {
                break;
            };
            if open + n > limits.max_record_bytes {
                break;
            }
            advance_pos(&mut pos, &text[at..j]);
            let start = pos;
            advance_pos(&mut pos, &tag[..open + n]);
            found.push((j, j + open + n, (start, kind)));
            at = j + open + n;
        }
        let n = found.len();
        if n > 0 {
            for (shared, (pos, kind)) in shared_run(src.shared(), &found) {
                let mut rec = RawRecord::default();
                self.c.begin(&mut rec, kind, Format::Xml, pos);
                rec.shared = Some(shared);
                push(rec);
            }
            src.consume_to(at, pos);
        }
        self.run = found;
        n
    }

    fn syntax(pos: Position, msg: Message) -> Error {
        Error::syntax(Format::Xml, pos, msg)
    }

    /// Copies one markup construct (tag, comment, CDATA, PI, DOCTYPE) starting at
    /// `<` into `self.tag`, and says what it was.
    /// Markup larger than the record size limit is read to its end with only its
    /// start kept, and `tag_overflow` set.
    fn scan_markup<R: Read>(&mut self, src: &mut Source<R>) -> Result<Markup> {
        let limits = self.c.limits;
        self.tag.clear();
        self.tag_overflow = false;
        let mut st = X::Start;
        loop {
            if !src.fill()? {
                return Err(Self::syntax(src.pos, Message::EndInsideMarkup));
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
                        b if b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80 => {
                            X::Tag {
                                end: false,
                                quote: 0,
                                slash: false,
                            }
                        }
                        _ => {
                            // Not a tag: the `<` is text; `b` is read again.
                            i -= 1;
                            result = Some(Markup::Text);
                            break;
                        }
                    },
                    X::Tag { end, quote, slash } => {
                        if b == b'<' {
                            // No `<` in a tag, not even in an attribute value: the
                            // tag is broken here (the record parser says so) and
                            // the `<` is read again, so that an unclosed tag or
                            // quote cannot swallow the record's end tag — the same
                            // end the byte search finds.
                            i -= 1;
                            result = Some(if end {
                                Markup::End
                            } else {
                                Markup::Start {
                                    self_closing: false,
                                }
                            });
                            break;
                        }
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
                // Read on to its end without keeping it (its name is kept).
                self.tag_overflow = true;
                src.consume(i, None);
            } else {
                src.consume(i, Some(&mut self.tag));
            }
            if let Some(m) = result {
                return Ok(m);
            }
        }
    }

    /// [`XmlSplitter::scan_markup`] where no markup may exceed the record size
    /// limit (outside records, or at a record's start): a fatal limit error.
    fn scan<R: Read>(&mut self, src: &mut Source<R>, limit_at: Position) -> Result<Markup> {
        let m = self.scan_markup(src)?;
        if self.tag_overflow {
            return Err(too_large(limit_at, self.c.limits));
        }
        Ok(m)
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
        self.c.counted(r, rec)
    }

    /// Copies the record that [`XmlSplitter::seek_record`] stopped before into `rec`.
    pub fn scan_record<R: Read>(&mut self, src: &mut Source<R>, rec: &mut RawRecord) -> Result<()> {
        let at = rec.position;
        let r = match self.scan(src, at) {
            Ok(Markup::Start { self_closing }) => self.copy_record(src, rec, self_closing),
            Ok(_) => Err(Self::syntax(at, Message::ExpectedStartTag)),
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
        if self.decoded_text {
            return Ok(());
        }
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
            if let Some((enc, relabelled)) = SingleByte::from_label(&v) {
                src.set_transcode(enc);
                if relabelled {
                    // Not an error: a finding about the document, then reading goes on.
                    return Err(Error::envelope(
                        pos,
                        "",
                        IssueCode::EncodingRelabelled,
                        Some(v),
                        Some(enc.name().to_owned()),
                    ));
                }
                return Ok(());
            }
            return Err(Error::unsupported(
                pos,
                if self.lenient {
                    Message::UnknownEncoding { label: v }
                } else {
                    Message::UnsupportedEncoding { label: v }
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
                            return Err(Self::syntax(src.pos, Message::EmptyDocument));
                        }
                        Some(b) => {
                            return Err(Self::syntax(
                                src.pos,
                                Message::UnexpectedChar {
                                    found: char::from(b),
                                    expected: Token::Lt,
                                },
                            ));
                        }
                    }
                    let at = src.pos;
                    match self.scan(src, at)? {
                        Markup::Other => {
                            // Only the XML declaration names the encoding: `<?xml`
                            // then white space, at the very start (after a BOM); a
                            // processing instruction such as `<?xml-stylesheet …?>`
                            // is not one.
                            let decl = self.tag.starts_with(b"<?xml")
                                && self.tag.get(5).is_some_and(u8::is_ascii_whitespace);
                            if decl && at.line == 1 && at.column == 1 {
                                self.check_decl(src, at)?;
                            } else if self.tag.starts_with(b"<!DOCTYPE") {
                                // Skipped, not applied; said once, reading goes on.
                                return Err(Error::envelope(
                                    at,
                                    "",
                                    IssueCode::Doctype,
                                    None,
                                    None,
                                ));
                            }
                        }
                        Markup::End => {
                            return Err(Self::syntax(at, Message::EndTagBeforeRoot));
                        }
                        Markup::Text => return Err(Self::syntax(at, Message::LtWithoutName)),
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
                                    Message::NotDecpRoot {
                                        name: String::from_utf8_lossy(name).into_owned(),
                                    },
                                    false,
                                ));
                            }
                        }
                    }
                }
                XState::InRoot => {
                    let at = src.pos;
                    if Self::skip_text(src)? {
                        return Err(Error::unsupported(at, Message::TextInMarches, true));
                    }
                    if src.peek()?.is_none() {
                        return Err(Self::syntax(
                            src.pos,
                            Message::EndInElement {
                                name: "marches".into(),
                            },
                        ));
                    }
                    let at = src.pos;
                    if let Some(kind) = Self::record_ahead(src) {
                        self.c.begin(rec, kind, Format::Xml, at);
                        return Ok(Seek::At);
                    }
                    let scanned = match self.scan(src, at) {
                        Ok(m) => m,
                        Err(e) => {
                            // A record's start tag cut by an error: the record's
                            // error, as when the tag's name was seen in the buffer.
                            let name = tag_name(&self.tag);
                            return Err(match kind_of(name) {
                                Some(kind)
                                    if !self.tag.starts_with(b"</")
                                        && self.tag.len() > 1 + name.len() =>
                                {
                                    self.c.begin(rec, kind, Format::Xml, at);
                                    let index = rec.position.record.unwrap_or(0);
                                    e.with_record(index)
                                }
                                _ => e,
                            });
                        }
                    };
                    match scanned {
                        Markup::Other => {}
                        Markup::Text => {
                            return Err(Error::unsupported(at, Message::TextInMarches, true));
                        }
                        Markup::End => {
                            if tag_name(&self.tag) != b"marches" {
                                // A stray end tag (the rest of a broken record):
                                // skipped and said; `</marches>` still ends the list.
                                return Err(Error::unsupported(
                                    at,
                                    Message::UnexpectedEndTag {
                                        name: String::from_utf8_lossy(tag_name(&self.tag))
                                            .into_owned(),
                                    },
                                    true,
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
                                Message::UnknownElement {
                                    name: String::from_utf8_lossy(&name).into_owned(),
                                },
                                true,
                            ));
                        }
                    }
                }
                XState::AfterRoot => {
                    if Self::skip_text(src)? {
                        return Err(Self::syntax(src.pos, Message::TextAfterRoot));
                    }
                    if src.peek()?.is_none() {
                        self.c.done = true;
                        return Ok(Seek::End);
                    }
                    let at = src.pos;
                    match self.scan(src, at)? {
                        Markup::Other => {}
                        Markup::Text => return Err(Self::syntax(at, Message::TextAfterRoot)),
                        _ => return Err(Self::syntax(at, Message::ElementAfterRoot)),
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
            if let Err(e) = r {
                if e.is_fatal() {
                    return Err(e);
                }
                // Read to its end but refused (over a limit): a record that cannot
                // be read, reported at its own place; reading goes on.
                rec.bytes.clear();
                rec.failed = Some(Box::new(e.with_record(rec.position.record.unwrap_or(0))));
            }
        }
        Ok(())
    }

    /// Copies the content of an element whose start tag `name` was just read, up to
    /// and including its end tag, checking that end tags match.
    ///
    /// Whatever is wrong inside is left to the record parser, which reports it at
    /// its place, as long as the element's end can still be told: a `<` that opens
    /// no markup is text; past an end tag that does not match, the element ends at
    /// the next end tag of its own name; levels past the depth limit are counted,
    /// not kept. An element larger than the size limit is read to its end without
    /// being kept, then refused as a recoverable limit error.
    fn content<R: Read>(
        &mut self,
        src: &mut Source<R>,
        out: &mut Vec<u8>,
        name: &[u8],
        at: Position,
    ) -> Result<()> {
        let limits = self.c.limits;
        if let Some(n) = whole_element(src.chunk(), name)
            && out.len() + n <= limits.max_record_bytes
        {
            // The element and its end tag are in the buffer, with no comment,
            // CDATA section or processing instruction inside: its end is the first
            // end tag of its name (`<` never appears unescaped in text or attribute
            // values), and the record parser checks the rest.
            src.consume(n, Some(out));
            return Ok(());
        }
        self.names.clear();
        self.names.extend_from_slice(name);
        self.name_ends.clear();
        self.name_ends.push(name.len());
        let root = name.len();
        // Levels past the depth limit; whether end tags are still matched; whether
        // the element is still being kept (not over the size limit).
        let mut extra = 0u64;
        let mut matching = true;
        let mut keep = true;
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
                        Message::EndInElement {
                            name: String::from_utf8_lossy(&self.names[from..]).into_owned(),
                        },
                    ));
                }
                let c = src.chunk();
                let (n, found) = match memchr::memchr(b'<', c) {
                    Some(n) => (n, true),
                    None => (c.len(), false),
                };
                keep &= out.len() + n <= limits.max_record_bytes;
                src.consume(n, keep.then_some(&mut *out));
                if found {
                    break;
                }
            }
            let tag_at = src.pos;
            let m = self.scan_markup(src)?;
            keep &= !self.tag_overflow && out.len() + self.tag.len() <= limits.max_record_bytes;
            if keep {
                out.extend_from_slice(&self.tag);
            }
            let closing = tag_name(&self.tag);
            match m {
                Markup::Other | Markup::Text | Markup::Start { self_closing: true } => {}
                Markup::Start {
                    self_closing: false,
                } => {
                    // Once end tags no longer match, open elements are not tracked.
                    if !matching {
                        continue;
                    }
                    if self.name_ends.len() >= limits.max_depth {
                        extra += 1;
                    } else {
                        self.names.extend_from_slice(closing);
                        self.name_ends.push(self.names.len());
                    }
                }
                // The list's end tag inside a record: the record is not closed —
                // unless the element walked is itself named `marches` (its own end
                // tag, below) or the innermost element open is, as the record
                // parser and the byte search read it.
                Markup::End
                    if closing == b"marches"
                        && self.names[..root] != *b"marches"
                        && !(matching && extra == 0 && {
                            let top = self.name_ends.last().copied().unwrap_or(root);
                            let from = self.name_ends.iter().rev().nth(1).copied().unwrap_or(0);
                            self.names[from..top] == *b"marches"
                        }) =>
                {
                    let from = self.name_ends.iter().rev().nth(1).copied().unwrap_or(0);
                    let top = self.name_ends.last().copied().unwrap_or(root);
                    return Err(Self::syntax(
                        tag_at,
                        Message::EndTagMismatch {
                            name: "marches".into(),
                            open: String::from_utf8_lossy(&self.names[from..top]).into_owned(),
                        },
                    ));
                }
                // Once end tags no longer match, or past the depth limit (levels
                // counted), the element's own end tag still ends it.
                Markup::End if !matching || extra > 0 => {
                    if closing == &self.names[..root] {
                        break;
                    }
                    if matching {
                        extra -= 1;
                    }
                }
                Markup::End => {
                    let top = self.name_ends.pop().unwrap_or(0);
                    let from = self.name_ends.last().copied().unwrap_or(0);
                    if self.names[from..top] != *closing {
                        if closing == &self.names[..root] {
                            // Inner elements left open: the element ends here.
                            break;
                        }
                        // The record parser reports it; the element ends at its
                        // own end tag.
                        matching = false;
                        continue;
                    }
                    self.names.truncate(from);
                    if self.name_ends.is_empty() {
                        break;
                    }
                }
            }
        }
        if keep {
            Ok(())
        } else {
            Err(too_large_skipped(at, limits))
        }
    }
}
