//! One record to bytes and back, and a record as a generic value: what a platform
//! that holds one contract at a time, or a binding, needs.
//!
//! The document writers ([`Writer`](crate::Writer)) and these functions produce the
//! same bytes for a record (the document adds only its envelope), and the readers
//! and these functions decode it with the same findings, paths and positions.

use std::io::Write;

use bumpalo::Bump;

use crate::codec::Codec;
use crate::error::{Error, ErrorKind, Result};
use crate::format::Format;
use crate::raw::Raw;
use crate::read::{DecodeOptions, Decoded, RawRecord};
use crate::record::{Record, RecordKind};
use crate::sink::{Sink, ValueBuilder};
use crate::tree::{Member, Node, V};
use crate::write_out::{JsonOut, XmlOut};

impl Record {
    /// Walks the record in its official JSON shape into `sink` (see [`Sink`]): the
    /// one walk behind the JSON writer, [`Record::to_value`] and the bindings'
    /// builders.
    pub fn emit<S: Sink + ?Sized>(&self, sink: &mut S) {
        match self {
            Record::Marche(m) => m.write_json(sink),
            Record::Concession(c) => c.write_json(sink),
            Record::MarcheV1(m) => m.write_json(sink),
            Record::ConcessionV1(c) => c.write_json(sink),
        }
    }

    pub(crate) fn encode_xml(&self, out: &mut XmlOut) {
        let name = self.kind().name();
        match self {
            Record::Marche(m) => m.write_xml(out, name),
            Record::Concession(c) => c.write_xml(out, name),
            Record::MarcheV1(m) => m.write_xml(out, name),
            Record::ConcessionV1(c) => c.write_xml(out, name),
        }
    }

    /// The record as a generic value in its official JSON shape (members in the
    /// official order, amounts as exact number text); [`Decoded::from_value`] reads
    /// it back.
    pub fn to_value(&self) -> Raw {
        let mut b = ValueBuilder::new();
        self.emit(&mut b);
        b.finish()
    }

    /// The record as one JSON object, as a document written by
    /// [`Writer`](crate::Writer) holds it, without the envelope (compact: the same
    /// bytes; pretty: indented by two spaces from the first column, where a
    /// document indents it deeper).
    ///
    /// ```
    /// use decp_core::{set, Record, model::Marche};
    /// let r = Record::Marche(Marche { id: set("2024-001".into()), montant: set("45000.10".parse().unwrap()), ..Default::default() });
    /// assert_eq!(r.to_json(false), r#"{"id":"2024-001","montant":45000.10}"#);
    /// ```
    pub fn to_json(&self, pretty: bool) -> String {
        let mut out = JsonOut::new(pretty);
        self.emit(&mut out);
        String::from_utf8(out.into_inner()).unwrap_or_default()
    }

    /// The record as one XML element (`<marche>` or `<contrat-concession>`), as a
    /// document written by [`Writer`](crate::Writer) holds it (compact: the same
    /// bytes; pretty: indented by four spaces, as the official examples, from the
    /// first column).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Write`] when a value holds a character that XML 1.0 cannot carry
    /// (a control character).
    ///
    /// ```
    /// use decp_core::{set, Record, model::Marche};
    /// let r = Record::Marche(Marche { id: set("2024-001".into()), ..Default::default() });
    /// assert_eq!(r.to_xml(false)?, "<marche><id>2024-001</id></marche>");
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn to_xml(&self, pretty: bool) -> Result<String> {
        let bytes = self.xml_bytes(pretty)?;
        Ok(String::from_utf8(bytes).unwrap_or_default())
    }

    fn xml_bytes(&self, pretty: bool) -> Result<Vec<u8>> {
        let mut out = XmlOut::at_depth(pretty, 0);
        self.encode_xml(&mut out);
        if let Some(e) = out.error.take() {
            return Err(Error::write(e));
        }
        let mut bytes = out.bytes().to_vec();
        // The emitter starts each element on a new line when pretty.
        if bytes.first() == Some(&b'\n') {
            bytes.remove(0);
        }
        Ok(bytes)
    }

    /// Writes [`Record::to_json`] into `w`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] when `w` fails.
    pub fn write_json<W: Write>(&self, mut w: W, pretty: bool) -> Result<()> {
        let mut out = JsonOut::new(pretty);
        self.emit(&mut out);
        w.write_all(out.bytes())?;
        Ok(())
    }

    /// Writes [`Record::to_xml`] into `w`.
    ///
    /// # Errors
    ///
    /// As [`Record::to_xml`], and [`ErrorKind::Io`] when `w` fails.
    pub fn write_xml<W: Write>(&self, mut w: W, pretty: bool) -> Result<()> {
        w.write_all(&self.xml_bytes(pretty)?)?;
        Ok(())
    }
}

impl Decoded {
    /// Decodes one record given as a JSON object (`{"id": …, …}`, without the
    /// envelope), strict or tolerant, with the same findings as when it sits in a
    /// document. Paths are relative to the record (`/titulaires/0/titulaire/id`);
    /// positions count from the object's first byte (line 1, column 1).
    /// [`Decoded::with_path`] places them under an absolute prefix.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Syntax`] for broken JSON, [`ErrorKind::Data`] in strict mode.
    ///
    /// ```
    /// use decp_core::{DecodeOptions, Decoded, IssueCode, RecordKind};
    /// let d = Decoded::from_json(RecordKind::Marche, br#"{"id": "A", "dureeMois": "douze"}"#, &DecodeOptions::default())?;
    /// assert_eq!(d.findings[0].code, IssueCode::Type);
    /// assert_eq!(d.findings[0].path, "/dureeMois");
    /// assert_eq!(d.findings[0].position.unwrap().column, 26);
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn from_json(kind: RecordKind, json: &[u8], opts: &DecodeOptions) -> Result<Decoded> {
        RawRecord::new(Format::Json, kind, json.to_vec()).decode_with(opts)
    }

    /// Decodes one record given as an XML element (`<marche>…</marche>` or
    /// `<contrat-concession>…</contrat-concession>`); see [`Decoded::from_json`].
    ///
    /// ```
    /// use decp_core::{DecodeOptions, Decoded, RecordKind};
    /// let d = Decoded::from_xml(RecordKind::Marche, b"<marche><id>A</id></marche>", &DecodeOptions::default())?;
    /// assert_eq!(d.record.id(), Some("A"));
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn from_xml(kind: RecordKind, xml: &[u8], opts: &DecodeOptions) -> Result<Decoded> {
        RawRecord::new(Format::Xml, kind, xml.to_vec()).decode_with(opts)
    }

    /// Decodes one record given as a generic value in the official JSON shape (what
    /// a vendor builds as plain data: [`Raw::Object`] with strings, numbers as their
    /// text, lists in their official wrappers), with the same findings as the same
    /// record read from a JSON file, and no positions. The inverse of
    /// [`Record::to_value`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Data`] in strict mode, or when the value is not an object;
    /// [`ErrorKind::Limit`] when it nests deeper than the limits allow.
    ///
    /// ```
    /// use decp_core::{DecodeOptions, Decoded, IssueCode, Raw, RecordKind};
    /// let v = Raw::Object(vec![
    ///     ("id".into(), Raw::String("A".into())),
    ///     ("montant".into(), Raw::String("beaucoup".into())),
    /// ]);
    /// let d = Decoded::from_value(RecordKind::Marche, &v, &DecodeOptions::default())?;
    /// assert_eq!(d.findings[0].code, IssueCode::Type);
    /// assert_eq!(d.findings[0].path, "/montant");
    /// assert_eq!(d.record.to_value(), v);
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn from_value(kind: RecordKind, value: &Raw, opts: &DecodeOptions) -> Result<Decoded> {
        let bump = Bump::new();
        let Some(node) = node_of(value, &bump, opts.limits.max_depth) else {
            return Err(Error::new(ErrorKind::Limit {
                recoverable: false,
                pos: crate::Position::START,
                message: crate::message::Message::TooDeep {
                    max: opts.limits.max_depth,
                },
            }));
        };
        let mut d = RawRecord::new(Format::Json, kind, Vec::new()).decode_tree(&node, opts)?;
        for i in &mut d.findings {
            i.position = None;
        }
        d.position.record = None;
        Ok(d)
    }

    /// Places the record at `pointer` (`/marches/marche/3`): its path becomes
    /// `pointer`, and its findings' paths move from under the old path to under it
    /// (so a record read from a document can be moved too).
    ///
    /// ```
    /// use decp_core::{DecodeOptions, Decoded, RecordKind};
    /// let d = Decoded::from_json(RecordKind::Marche, br#"{"id": 1}"#, &DecodeOptions::default())?
    ///     .with_path("/marches/marche/3");
    /// assert_eq!(d.findings[0].path, "/marches/marche/3/id");
    /// let d = d.with_path("/marches/marche/0");
    /// assert_eq!(d.findings[0].path, "/marches/marche/0/id");
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn with_path(mut self, pointer: &str) -> Decoded {
        let old = std::mem::take(&mut self.path);
        for i in &mut self.findings {
            let rest = i.path.strip_prefix(old.as_str()).unwrap_or(&i.path);
            // `/` is the record itself in a relative path.
            let rest = if rest == "/" { "" } else { rest };
            i.path = format!("{pointer}{rest}");
        }
        self.path = pointer.to_owned();
        self
    }
}

/// The tree of a generic value, in `bump`; `None` when it nests deeper than `depth`.
fn node_of<'a>(v: &Raw, bump: &'a Bump, depth: usize) -> Option<Node<'a>> {
    let v = match v {
        Raw::Null => V::Null,
        Raw::Bool(b) => V::Bool(*b),
        Raw::Number(n) => V::Num(bump.alloc_str(n)),
        Raw::String(s) => V::Str(bump.alloc_str(s)),
        Raw::Array(a) => {
            let d = depth.checked_sub(1)?;
            let mut items = Vec::with_capacity(a.len());
            for x in a {
                items.push(node_of(x, bump, d)?);
            }
            V::Arr(bump.alloc_slice_copy(&items))
        }
        Raw::Object(m) => {
            let d = depth.checked_sub(1)?;
            let mut members: Vec<Member<'a>> = Vec::with_capacity(m.len());
            for (k, x) in m {
                members.push((bump.alloc_str(k), node_of(x, bump, d)?));
            }
            V::Obj(bump.alloc_slice_copy(&members))
        }
    };
    Some(Node { off: 0, v })
}
