//! Decoding the parsed tree into the typed model, and writing the model back.
//!
//! Every value type implements [`Codec`]; record structs get their implementation
//! from the `decp_struct!` macro, which reads the field table once and generates the
//! struct, its decoder and both writers, so the three can never disagree.

use std::fmt::Write as _;

use crate::issue::{Issue, IssueCode};
use crate::raw::{Field, Raw};
use crate::sink::Sink;
use crate::tree::Node;
use crate::write_out::XmlOut;

mod lists;
mod macros;
mod members;
mod scalars;

pub(crate) use lists::{json_only, list, obj_list, one, str_list};
pub(crate) use macros::{decp_enum, decp_struct};
pub(crate) use members::{decode_members, placeholder_repair};

/// One step of the path to the current value; rendered only when reporting.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg {
    Key(&'static str),
    Index(usize),
}

/// The decoding context: the path of the current value, and the findings.
#[derive(Debug)]
pub(crate) struct Cx {
    prefix: String,
    segs: Vec<Seg>,
    /// Findings, each with the byte offset (in the record) of its value.
    pub findings: Vec<(u32, Issue)>,
    /// Whether the normaliser's repairs apply.
    pub normalize: bool,
    /// Whether the record was read from XML (where a list is an element holding
    /// its items, and one item looks like any element); in JSON a list is an array.
    pub xml: bool,
}

pub(super) use crate::path::push_pointer_key as push_escaped;

impl Cx {
    pub fn new(prefix: String) -> Cx {
        Cx {
            prefix,
            segs: Vec::with_capacity(8),
            findings: Vec::new(),
            normalize: false,
            xml: false,
        }
    }

    /// The key `back` steps up from the current value (0: the current member's own
    /// key), skipping list indexes.
    pub fn key(&self, back: usize) -> Option<&'static str> {
        self.segs
            .iter()
            .rev()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(*k),
                Seg::Index(_) => None,
            })
            .nth(back)
    }

    /// Reports a repair: `before` is the value as read, `after` what it became.
    pub fn repaired(
        &mut self,
        off: u32,
        code: IssueCode,
        before: impl Into<String>,
        after: impl Into<String>,
    ) {
        self.report(off, code, Some(before.into()), Some(after.into()));
    }

    /// A repair of the text of a valid string: identifiers written with separators,
    /// CPV codes that lost a zero or a dash.
    fn repair_text(&mut self, off: u32, s: &str) -> Option<String> {
        let (fixed, code) = match self.key(0)? {
            "codeCPV" => (crate::normalize::cpv(s)?, IssueCode::RepairCpv),
            "id" if matches!(
                self.key(1),
                Some(
                    "acheteur"
                        | "autoriteConcedante"
                        | "titulaire"
                        | "titulaires"
                        | "sousTraitant"
                        | "concessionnaire"
                        | "concessionnaires"
                )
            ) =>
            {
                (
                    crate::normalize::identifier(s)?,
                    IssueCode::RepairIdentifier,
                )
            }
            _ => return None,
        };
        self.repaired(off, code, s, fixed.clone());
        Some(fixed)
    }

    /// Reports the characters of `s` that XML 1.0 forbids (an error: no XML
    /// document can hold them) and its C1 control characters (a warning); with the
    /// normaliser, drops the former and reads the latter as the Windows-1252
    /// characters they stand for, reporting the repair. Returns the text to keep.
    pub fn control_characters(&mut self, off: u32, s: &str) -> String {
        use crate::lexical::{c1_control, xml_char};
        let code = |c: char| format!("U+{:04X}", u32::from(c));
        if self.normalize {
            let mut fixed = String::with_capacity(s.len());
            for c in s.chars() {
                if c1_control(c) {
                    let mut out = Vec::new();
                    crate::encoding::SingleByte::WINDOWS_1252.decode_into(&[c as u8], &mut out);
                    fixed.push_str(std::str::from_utf8(&out).unwrap_or(""));
                } else if xml_char(c) {
                    fixed.push(c);
                }
            }
            // A C1 position Windows-1252 leaves undefined stays a C1 character.
            if let Some(c) = fixed.chars().find(|&c| c1_control(c)) {
                self.report(
                    off,
                    IssueCode::ControlCharacter,
                    Some(s.to_owned()),
                    Some(code(c)),
                );
            }
            self.repaired(off, IssueCode::RepairCharacter, s, fixed.clone());
            return fixed;
        }
        if let Some(c) = s.chars().find(|&c| !xml_char(c)) {
            self.report(
                off,
                IssueCode::XmlCharacter,
                Some(s.to_owned()),
                Some(code(c)),
            );
        }
        if let Some(c) = s.chars().find(|&c| c1_control(c)) {
            self.report(
                off,
                IssueCode::ControlCharacter,
                Some(s.to_owned()),
                Some(code(c)),
            );
        }
        s.to_owned()
    }

    /// The JSON Pointer of the current value.
    pub fn path(&self) -> String {
        let mut p = self.prefix.clone();
        for s in &self.segs {
            match s {
                Seg::Key(k) => push_escaped(&mut p, k),
                Seg::Index(i) => {
                    let _ = write!(p, "/{i}");
                }
            }
        }
        p
    }

    pub fn push_key(&mut self, k: &'static str) {
        self.segs.push(Seg::Key(k));
    }

    pub fn push_index(&mut self, i: usize) {
        self.segs.push(Seg::Index(i));
    }

    pub fn pop(&mut self) {
        self.segs.pop();
    }

    fn report_at(
        &mut self,
        path: String,
        off: u32,
        code: IssueCode,
        value: Option<String>,
        expected: Option<String>,
    ) {
        let mut issue = Issue::new(code, path);
        issue.value = value;
        issue.expected = expected;
        self.findings.push((off, issue));
    }

    pub fn report(
        &mut self,
        off: u32,
        code: IssueCode,
        value: Option<String>,
        expected: Option<String>,
    ) {
        let path = self.path();
        self.report_at(path, off, code, value, expected);
    }

    /// Reports a finding about the member `key` of the current object.
    pub fn report_member(&mut self, key: &str, off: u32, code: IssueCode) {
        let mut path = self.path();
        push_escaped(&mut path, key);
        self.report_at(path, off, code, Some(key.to_owned()), None);
    }

    /// Keeps `n` verbatim and reports it.
    pub fn invalid<T>(&mut self, n: &Node<'_>, code: IssueCode, expected: &str) -> Field<T> {
        let raw = n.verbatim();
        self.report(
            n.off,
            code,
            Some(raw.display_value()),
            Some(expected.to_owned()),
        );
        Field::Invalid(raw)
    }
}

/// A type that can be decoded from a parsed node and written to JSON and XML.
pub(crate) trait Codec: Sized {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<Self>;
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S);
    fn write_xml(&self, out: &mut XmlOut, name: &str);
    /// `true` when the JSON writer must leave the member out (the only JSON way to
    /// say "empty" for `origineUE` / `origineFrance`).
    fn json_omit(&self) -> bool {
        false
    }
}

impl Raw {
    pub(crate) fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        match self {
            Raw::Null => out.null(),
            Raw::Bool(b) => out.bool(*b),
            Raw::Number(n) => out.number(n),
            Raw::String(s) => out.string(s),
            Raw::Array(a) => {
                out.begin_array();
                for x in a {
                    x.write_json(out);
                }
                out.end_array();
            }
            Raw::Object(m) => {
                out.begin_object();
                for (k, v) in m {
                    out.key(k);
                    v.write_json(out);
                }
                out.end_object();
            }
        }
    }

    pub(crate) fn write_xml(&self, out: &mut XmlOut, name: &str) {
        match self {
            Raw::Null => out.leaf(name, ""),
            Raw::Bool(b) => out.leaf(name, if *b { "true" } else { "false" }),
            Raw::Number(s) | Raw::String(s) => out.leaf(name, s),
            Raw::Array(a) => {
                for x in a {
                    x.write_xml(out, name);
                }
            }
            Raw::Object(m) => write_xml_members(
                out,
                name,
                |out| {
                    for (k, v) in m {
                        v.write_xml(out, k);
                    }
                },
                m,
            ),
        }
    }
}

/// Writes an element whose unknown members may hold attributes (`@name`) and text
/// (`#text`) kept from an XML input; `body` writes the known children.
pub(crate) fn write_xml_members(
    out: &mut XmlOut,
    name: &str,
    body: impl FnOnce(&mut XmlOut),
    members: &[(String, Raw)],
) {
    let attrs: Vec<(&str, &str)> = members
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix('@')?, v.as_text()?)))
        .collect();
    out.start(name, &attrs);
    body(out);
    for (k, v) in members {
        if let (true, Some(t)) = (k == "#text", v.as_text()) {
            out.text(t);
        }
    }
    out.end(name);
}

/// Writes the unknown members of a struct (the `@`/`#text` ones are written by
/// [`write_xml_members`]).
pub(crate) fn write_unknown_xml(out: &mut XmlOut, members: &[(String, Raw)]) {
    for (k, v) in members {
        if !k.starts_with('@') && k != "#text" {
            v.write_xml(out, k);
        }
    }
}

#[allow(private_bounds)]
impl<T: Codec> Field<T> {
    pub(crate) fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        match self {
            Field::Valid(v) => v.write_json(out),
            Field::Invalid(r) => r.write_json(out),
        }
    }

    pub(crate) fn write_xml(&self, out: &mut XmlOut, name: &str) {
        match self {
            Field::Valid(v) => v.write_xml(out, name),
            Field::Invalid(r) => r.write_xml(out, name),
        }
    }

    pub(crate) fn json_omit(&self) -> bool {
        matches!(self, Field::Valid(v) if v.json_omit())
    }
}
