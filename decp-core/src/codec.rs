//! Decoding the parsed tree into the typed model, and writing the model back.
//!
//! Every value type implements [`Codec`]; record structs get their implementation
//! from the `decp_struct!` macro, which reads the field table once and generates the
//! struct, its decoder and both writers, so the three can never disagree.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::issue::{Issue, IssueCode};
pub(crate) use crate::lexical::{format_date, parse_date, xs_trim};
use crate::lexical::{parse_integer, parse_json_decimal, parse_xs_decimal};
use crate::raw::{Field, Raw};
use crate::sink::Sink;
use crate::tree::{Member, Node, V};
use crate::write_out::XmlOut;

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
}

fn push_escaped(path: &mut String, k: &str) {
    path.push('/');
    for c in k.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

impl Cx {
    pub fn new(prefix: String) -> Cx {
        Cx {
            prefix,
            segs: Vec::with_capacity(8),
            findings: Vec::new(),
            normalize: false,
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

// ------------------------------------------------------------------ scalars

/// Text of a scalar: JSON string or XML text.
fn text<'n>(n: &'n Node<'_>) -> Option<&'n str> {
    match &n.v {
        V::Str(s) | V::Text(s) => Some(s),
        _ => None,
    }
}

/// The normaliser's repair of a scalar that did not parse: `parse` is tried on its
/// text (a JSON string or number, or XML text); the repair is reported.
fn repair_scalar<T: std::fmt::Display>(
    n: &Node<'_>,
    cx: &mut Cx,
    code: IssueCode,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    if !cx.normalize {
        return None;
    }
    let s = match &n.v {
        V::Str(s) | V::Text(s) => s,
        V::Num(s) => s,
        _ => return None,
    };
    let v = parse(s)?;
    cx.repaired(n.off, code, *s, v.to_string());
    Some(v)
}

impl Codec for String {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<String> {
        match (text(n), &n.v) {
            (Some(s), _) if cx.normalize => match cx.repair_text(n.off, s) {
                Some(fixed) => Field::Valid(fixed),
                None => Field::Valid(s.to_owned()),
            },
            (Some(s), _) => Field::Valid(s.to_owned()),
            // An id written as a number.
            (None, V::Num(s)) if cx.normalize && *s != "NaN" => {
                cx.repaired(n.off, IssueCode::RepairNumber, *s, format!("\"{s}\""));
                Field::Valid((*s).to_owned())
            }
            (None, _) => cx.invalid(n, IssueCode::Type, "string"),
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        out.string(self);
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        out.leaf(name, self);
    }
}

impl Codec for i64 {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<i64> {
        let parsed = match &n.v {
            // JSON integers: no fraction, no exponent (the official validator rejects `12.0`).
            V::Num(s) if !s.contains(['.', 'e', 'E']) => s.parse().ok(),
            V::Text(s) => parse_integer(xs_trim(s)),
            _ => None,
        };
        match parsed {
            Some(v) => Field::Valid(v),
            None => {
                match repair_scalar(n, cx, IssueCode::RepairNumber, crate::normalize::integer) {
                    Some(v) => Field::Valid(v),
                    None => cx.invalid(n, IssueCode::Type, "integer"),
                }
            }
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        out.integer(*self);
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        out.leaf(name, &self.to_string());
    }
}

impl Codec for Decimal {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<Decimal> {
        let parsed = match &n.v {
            V::Num(s) => parse_json_decimal(s),
            V::Text(s) => parse_xs_decimal(xs_trim(s)),
            _ => None,
        };
        match parsed {
            Some(v) => Field::Valid(v),
            None => {
                match repair_scalar(n, cx, IssueCode::RepairNumber, crate::normalize::decimal) {
                    Some(v) => Field::Valid(v),
                    None => cx.invalid(n, IssueCode::Type, "decimal number"),
                }
            }
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        out.decimal(self);
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        out.leaf(name, &self.to_string());
    }
}

/// `origineUE` / `origineFrance`: a share in [0, 1], or explicitly empty (`None`),
/// which only XML can say (`<origineUE/>`); in JSON the member is then left out.
impl Codec for Option<Decimal> {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<Option<Decimal>> {
        if matches!(&n.v, V::Text(s) if s.is_empty()) {
            return Field::Valid(None);
        }
        match Decimal::decode(n, cx) {
            Field::Valid(d) => Field::Valid(Some(d)),
            Field::Invalid(r) => Field::Invalid(r),
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        match self {
            Some(d) => d.write_json(out),
            None => out.null(),
        }
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        match self {
            Some(d) => d.write_xml(out, name),
            None => out.leaf(name, ""),
        }
    }
    fn json_omit(&self) -> bool {
        self.is_none()
    }
}

impl Codec for bool {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<bool> {
        let strict = matches!(&n.v, V::Bool(_))
            || matches!(&n.v, V::Text(s) if matches!(*s, "oui" | "true" | "1" | "non" | "false" | "0"));
        if !strict
            && let Some(b) =
                repair_scalar(n, cx, IssueCode::RepairBoolean, crate::normalize::boolean)
        {
            return Field::Valid(b);
        }
        match &n.v {
            V::Bool(b) => Field::Valid(*b),
            // XSD 2.0.1+: an enumeration of strings, matched exactly.
            V::Text(s) => match *s {
                "oui" | "true" | "1" => Field::Valid(true),
                "non" | "false" | "0" => Field::Valid(false),
                _ => cx.invalid(n, IssueCode::Type, "boolean (oui, non, true, false, 1, 0)"),
            },
            _ => cx.invalid(n, IssueCode::Type, "boolean"),
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        out.bool(*self);
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        out.leaf(name, if *self { "true" } else { "false" });
    }
}

impl Codec for NaiveDate {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<NaiveDate> {
        let parsed = match &n.v {
            V::Str(s) => parse_date(s),
            V::Text(s) => parse_date(xs_trim(s)),
            _ => return cx.invalid(n, IssueCode::Type, "date string"),
        };
        match parsed {
            Some(d) => Field::Valid(d),
            None => match repair_scalar(n, cx, IssueCode::RepairDate, crate::normalize::date) {
                Some(d) => Field::Valid(d),
                None => cx.invalid(n, IssueCode::Date, "YYYY-MM-DD"),
            },
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        out.date(*self);
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        out.leaf(name, &format_date(self));
    }
}

// ------------------------------------------------------------------ lists

/// A list of objects, each wrapped: JSON `[{"titulaire": {…}}, …]`,
/// XML `<titulaires><titulaire>…</titulaire>…</titulaires>`.
pub(crate) mod obj_list {
    use super::*;

    pub fn decode<T: Codec>(
        n: &Node<'_>,
        cx: &mut Cx,
        json_item: &'static str,
        xml_item: &str,
    ) -> Field<Vec<Field<T>>> {
        if cx.normalize
            && let Some(items) = reshape(
                n,
                cx,
                [json_item, xml_item],
                &format!("[{{\"{json_item}\": {{…}}}}]"),
            )
        {
            return Field::Valid(decode_items(&items, cx, json_item));
        }
        match &n.v {
            V::Arr(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    cx.push_index(i);
                    out.push(match &it.v {
                        V::Obj(m) if m.len() == 1 && m[0].0 == json_item => {
                            cx.push_key(json_item);
                            let f = T::decode(&m[0].1, cx);
                            cx.pop();
                            f
                        }
                        _ => {
                            cx.invalid(it, IssueCode::Type, &format!("{{\"{json_item}\": {{…}}}}"))
                        }
                    });
                    cx.pop();
                }
                Field::Valid(out)
            }
            V::Obj(m) => {
                let mut out = Vec::with_capacity(m.len());
                for (i, (k, v)) in m.iter().enumerate() {
                    cx.push_index(i);
                    if *k == xml_item {
                        cx.push_key(json_item);
                        out.push(T::decode(v, cx));
                        cx.pop();
                    } else {
                        cx.report(
                            v.off,
                            IssueCode::AdditionalProperty,
                            Some(k.to_string()),
                            None,
                        );
                        out.push(Field::Invalid(Raw::Object(vec![(
                            k.to_string(),
                            v.verbatim(),
                        )])));
                    }
                    cx.pop();
                }
                Field::Valid(out)
            }
            V::Text(s) if s.trim().is_empty() => Field::Valid(Vec::new()),
            _ => cx.invalid(n, IssueCode::Type, "array"),
        }
    }

    pub fn write_json<T: Codec, S: Sink + ?Sized>(
        f: &Field<Vec<Field<T>>>,
        out: &mut S,
        json_item: &str,
    ) {
        match f {
            Field::Valid(items) => {
                out.begin_array();
                for it in items {
                    match it {
                        Field::Valid(v) => {
                            out.begin_object();
                            out.key(json_item);
                            v.write_json(out);
                            out.end_object();
                        }
                        Field::Invalid(r) => r.write_json(out),
                    }
                }
                out.end_array();
            }
            Field::Invalid(r) => r.write_json(out),
        }
    }

    pub fn write_xml<T: Codec>(
        f: &Field<Vec<Field<T>>>,
        out: &mut XmlOut,
        name: &str,
        xml_item: &str,
    ) {
        match f {
            Field::Valid(items) if items.is_empty() => out.leaf(name, ""),
            Field::Valid(items) => {
                out.start(name, &[]);
                for it in items {
                    match it {
                        Field::Valid(v) => v.write_xml(out, xml_item),
                        Field::Invalid(Raw::Object(m)) if m.len() == 1 => {
                            m[0].1.write_xml(out, &m[0].0)
                        }
                        Field::Invalid(r) => r.write_xml(out, xml_item),
                    }
                }
                out.end(name);
            }
            Field::Invalid(r) => r.write_xml(out, name),
        }
    }
}

/// The items of a list in an unofficial shape, each unwrapped, for the normaliser:
/// a bare array of objects (v1 shape in v2 or the reverse), a list of lists, a single
/// object, a wrapper holding an array (`{"titulaire": […]}`). `None` when the list
/// has the official shape (or no shape the normaliser knows).
fn reshape<'n, 'a>(
    n: &'n Node<'a>,
    cx: &mut Cx,
    [item, xml_item]: [&str; 2],
    official: &str,
) -> Option<Vec<&'n Node<'a>>> {
    // `item` is "json_item|xml_item" when they differ (JSON files that use the XML
    // name `modificationActesSousTraitance` are common).
    fn wrapped<'n, 'a>(it: &'n Node<'a>, item: &str) -> Option<&'n Node<'a>> {
        match &it.v {
            V::Obj(m) if m.len() == 1 && item.split('|').any(|i| m[0].0 == i) => Some(&m[0].1),
            _ => None,
        }
    }
    fn flatten<'n, 'a>(it: &'n Node<'a>, item: &str, out: &mut Vec<&'n Node<'a>>) {
        match &it.v {
            V::Arr(a) => a.iter().for_each(|x| flatten(x, item, out)),
            V::Obj(_) => match wrapped(it, item) {
                Some(inner) if matches!(inner.v, V::Arr(_)) => flatten(inner, item, out),
                Some(inner) => out.push(inner),
                None => out.push(it),
            },
            _ => out.push(it),
        }
    }
    let what = match &n.v {
        V::Arr(a)
            if a.iter()
                .all(|it| wrapped(it, item).is_some_and(|w| !matches!(w.v, V::Arr(_)))) =>
        {
            return None;
        }
        V::Arr(a) if a.iter().any(|it| matches!(it.v, V::Arr(_))) => "list of lists",
        V::Arr(a) if a.iter().all(|it| wrapped(it, xml_item).is_some()) => "the XML item name",
        V::Arr(_) => "items without their wrapper",
        V::Obj(m) if m.len() == 1 && m[0].0 == item && matches!(m[0].1.v, V::Arr(_)) => {
            "wrapper holding a list"
        }
        V::Obj(m) if !m.is_empty() && m.iter().all(|(k, _)| *k != item && *k != xml_item) => {
            "a single object"
        }
        _ => return None,
    };
    let both = format!("{item}|{xml_item}");
    let mut out = Vec::new();
    flatten(n, &both, &mut out);
    if !out.iter().all(|it| matches!(it.v, V::Obj(_))) {
        return None;
    }
    cx.repaired(n.off, IssueCode::RepairListShape, what, official);
    Some(out)
}

/// Decodes unwrapped items; the path says `/i/item` as in the official shape.
fn decode_items<T: Codec>(items: &[&Node<'_>], cx: &mut Cx, item: &'static str) -> Vec<Field<T>> {
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            cx.push_index(i);
            cx.push_key(item);
            let f = T::decode(it, cx);
            cx.pop();
            cx.pop();
            f
        })
        .collect()
}

/// A list of labels in a wrapper: JSON `{"technique": ["…", …]}`,
/// XML `<techniques><technique>…</technique>…</techniques>`.
pub(crate) mod str_list {
    use super::*;

    fn items<T: Codec>(
        nodes: &mut dyn Iterator<Item = &Node<'_>>,
        cx: &mut Cx,
        item: &'static str,
    ) -> Vec<Field<T>> {
        cx.push_key(item);
        let out = nodes
            .enumerate()
            .map(|(i, n)| {
                cx.push_index(i);
                let f = T::decode(n, cx);
                cx.pop();
                f
            })
            .collect();
        cx.pop();
        out
    }

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx, item: &'static str) -> Field<Vec<Field<T>>> {
        if cx.normalize {
            let mut labels = Vec::new();
            let odd = match &n.v {
                V::Obj(m) if m.len() == 1 && m[0].0 == item => {
                    !matches!(&m[0].1.v, V::Arr(a) if a.iter().all(|x| matches!(x.v, V::Str(_) | V::Text(_))))
                }
                V::Obj(m)
                    if m.iter()
                        .all(|(k, v)| *k == item && matches!(v.v, V::Text(_))) =>
                {
                    false
                }
                V::Text(t) if t.trim().is_empty() => false,
                _ => true,
            };
            if odd {
                gather(n, item, &mut labels);
                if !labels.is_empty()
                    && labels.iter().all(|l| matches!(l.v, V::Str(_) | V::Text(_)))
                {
                    cx.repaired(
                        n.off,
                        IssueCode::RepairListShape,
                        "single value, plain list or items in objects",
                        format!("{{\"{item}\": […]}}"),
                    );
                    return Field::Valid(items(&mut labels.into_iter(), cx, item));
                }
            }
        }
        match &n.v {
            V::Obj(m) if m.len() == 1 && m[0].0 == item && matches!(m[0].1.v, V::Arr(_)) => {
                let V::Arr(a) = &m[0].1.v else { unreachable!() };
                Field::Valid(items(&mut a.iter(), cx, item))
            }
            V::Obj(m)
                if !m.is_empty()
                    && m.iter()
                        .all(|(k, v)| *k == item && matches!(v.v, V::Text(_))) =>
            {
                Field::Valid(items(&mut m.iter().map(|(_, v)| v), cx, item))
            }
            V::Text(s) if s.trim().is_empty() => Field::Valid(Vec::new()),
            _ => cx.invalid(n, IssueCode::Type, &format!("{{\"{item}\": […]}}")),
        }
    }

    /// Labels found anywhere in a list of unofficial shape.
    fn gather<'n, 'a>(n: &'n Node<'a>, item: &str, out: &mut Vec<&'n Node<'a>>) {
        match &n.v {
            V::Arr(a) => a.iter().for_each(|x| gather(x, item, out)),
            V::Obj(m) => m
                .iter()
                .filter(|(k, _)| *k == item)
                .for_each(|(_, v)| gather(v, item, out)),
            V::Str(s) | V::Text(s) if !s.trim().is_empty() => out.push(n),
            _ => {}
        }
    }

    pub fn write_json<T: Codec, S: Sink + ?Sized>(
        f: &Field<Vec<Field<T>>>,
        out: &mut S,
        item: &str,
    ) {
        match f {
            Field::Valid(items) => {
                out.begin_object();
                out.key(item);
                out.begin_array();
                for it in items {
                    it.write_json(out);
                }
                out.end_array();
                out.end_object();
            }
            Field::Invalid(r) => r.write_json(out),
        }
    }

    pub fn write_xml<T: Codec>(f: &Field<Vec<Field<T>>>, out: &mut XmlOut, name: &str, item: &str) {
        match f {
            Field::Valid(items) if items.is_empty() => out.leaf(name, ""),
            Field::Valid(items) => {
                out.start(name, &[]);
                for it in items {
                    it.write_xml(out, item);
                }
                out.end(name);
            }
            Field::Invalid(r) => r.write_xml(out, name),
        }
    }
}

/// A bare list of objects (v1): JSON `[{…}, …]`, XML
/// `<titulaires><titulaire>…</titulaire>…</titulaires>`.
pub(crate) mod list {
    use super::*;

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx, xml_item: &str) -> Field<Vec<Field<T>>> {
        let bare_obj =
            |it: &Node<'_>| matches!(&it.v, V::Obj(m) if m.iter().all(|(k, _)| *k != xml_item));
        let odd = match &n.v {
            V::Arr(a) => !a.iter().all(bare_obj),
            V::Obj(m) => !m.is_empty() && bare_obj(n),
            _ => false,
        };
        let decode_all = |items: &mut dyn Iterator<Item = &Node<'_>>, cx: &mut Cx| {
            items
                .enumerate()
                .map(|(i, it)| {
                    cx.push_index(i);
                    let f = T::decode(it, cx);
                    cx.pop();
                    f
                })
                .collect::<Vec<_>>()
        };
        if cx.normalize && odd {
            let mut items = Vec::new();
            unwrap_all(n, xml_item, &mut items);
            if items.iter().all(|it| matches!(it.v, V::Obj(_))) {
                cx.repaired(
                    n.off,
                    IssueCode::RepairListShape,
                    "v2 wrapper shape, list of lists or single object",
                    "[{…}]",
                );
                return Field::Valid(decode_all(&mut items.into_iter(), cx));
            }
        }
        match &n.v {
            V::Arr(items) => Field::Valid(decode_all(&mut items.iter(), cx)),
            V::Obj(m) if m.iter().all(|(k, _)| *k == xml_item) => {
                Field::Valid(decode_all(&mut m.iter().map(|(_, v)| v), cx))
            }
            V::Text(s) if s.trim().is_empty() => Field::Valid(Vec::new()),
            _ => cx.invalid(n, IssueCode::Type, "array"),
        }
    }

    pub fn write_json<T: Codec, S: Sink + ?Sized>(f: &Field<Vec<Field<T>>>, out: &mut S) {
        match f {
            Field::Valid(items) => {
                out.begin_array();
                for it in items {
                    it.write_json(out);
                }
                out.end_array();
            }
            Field::Invalid(r) => r.write_json(out),
        }
    }

    pub fn write_xml<T: Codec>(
        f: &Field<Vec<Field<T>>>,
        out: &mut XmlOut,
        name: &str,
        xml_item: &str,
    ) {
        match f {
            Field::Valid(items) if items.is_empty() => out.leaf(name, ""),
            Field::Valid(items) => {
                out.start(name, &[]);
                for it in items {
                    it.write_xml(out, xml_item);
                }
                out.end(name);
            }
            Field::Invalid(r) => r.write_xml(out, name),
        }
    }
}

/// The items of a bare list in any shape: nested lists flattened, `{"item": …}`
/// wrappers removed, a single object taken as a list of one.
fn unwrap_all<'n, 'a>(n: &'n Node<'a>, item: &str, out: &mut Vec<&'n Node<'a>>) {
    match &n.v {
        V::Arr(a) => a.iter().for_each(|x| unwrap_all(x, item, out)),
        V::Obj(m) if m.len() == 1 && m[0].0 == item => unwrap_all(&m[0].1, item, out),
        _ => out.push(n),
    }
}

/// A member that exists only in JSON (v1 `_type`): read like [`one`], left out of XML,
/// where the element name already says what the record is.
pub(crate) mod json_only {
    use super::*;

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx) -> Field<T> {
        T::decode(n, cx)
    }
}

/// One value: a scalar, a label or a nested object.
pub(crate) mod one {
    use super::*;

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx) -> Field<T> {
        T::decode(n, cx)
    }
}

/// The normaliser's last resort for a member that did not decode: a placeholder for
/// "no value" (`NC`, `""`, `null`…) leaves the member out, with a repair finding
/// instead of the decoding findings.
#[inline]
pub(crate) fn placeholder_repair<T>(
    f: Field<T>,
    n: &Node<'_>,
    cx: &mut Cx,
    before: usize,
) -> Option<Field<T>> {
    if !cx.normalize {
        return Some(f);
    }
    // A valid string may be a placeholder too (`"idAccordCadre": "NC"`), but not a
    // blank XML element, which says "empty" in the official XML (`<origineUE/>`).
    let applies = !f.is_valid()
        || match &n.v {
            V::Str(_) => true,
            V::Text(t) => !t.trim().is_empty(),
            _ => false,
        };
    if cx.normalize
        && applies
        && let Some(shown) = crate::normalize::placeholder(n)
    {
        cx.findings.truncate(before);
        cx.repaired(n.off, IssueCode::RepairPlaceholder, shown, "(absent)");
        return None;
    }
    Some(f)
}

fn dotted(k: &str) -> bool {
    k.contains('.') && !k.starts_with(['@', '#', '$', '.']) && !k.ends_with('.')
}

/// Nests flat dotted keys (`"acheteur.id"`) under their first part, merged into a
/// member of that name when there is one.
fn nest_dotted<'a>(
    members: &[Member<'a>],
    cx: &mut Cx,
    bump: &'a bumpalo::Bump,
) -> Vec<Member<'a>> {
    let mut out: Vec<Member<'a>> = Vec::with_capacity(members.len());
    for &(k, v) in members {
        if !dotted(k) {
            out.push((k, v));
            continue;
        }
        let (head, rest) = k.split_once('.').unwrap_or((k, ""));
        let mut path = cx.path();
        push_escaped(&mut path, k);
        cx.report_at(
            path,
            v.off,
            IssueCode::RepairDottedKey,
            Some(k.to_string()),
            Some(format!("{head}/{rest}")),
        );
        let child = (rest, v);
        match out
            .iter_mut()
            .find(|(k2, n)| *k2 == head && matches!(n.v, V::Obj(_)))
        {
            Some((_, n)) => {
                let V::Obj(m) = n.v else { unreachable!() };
                let mut joined = bumpalo::collections::Vec::with_capacity_in(m.len() + 1, bump);
                joined.extend_from_slice(m);
                joined.push(child);
                n.v = V::Obj(joined.into_bump_slice());
            }
            None => out.push((
                head,
                Node {
                    off: v.off,
                    v: V::Obj(bump.alloc_slice_copy(&[child])),
                },
            )),
        }
    }
    out
}

/// Members of v1 records that v2 has no place for (they are known members of the v1
/// structs, so they are unknown only in a v2 record).
const V1_LEFTOVERS: &[&str] = &[
    "nom",
    "denominationSociale",
    "uid",
    "_type",
    "objetModification",
];

/// Decodes the members of an object node into a struct; shared by every
/// `decp_struct!` type. `set` stores a known member and returns `false` for an
/// unknown key; it is called with the member's key, node and the context.
pub(crate) fn decode_members(
    n: &Node<'_>,
    cx: &mut Cx,
    unknown: &mut Vec<(String, Raw)>,
    mut set: impl FnMut(&str, &Node<'_>, &mut Cx) -> Option<bool>,
) -> bool {
    let members = match &n.v {
        V::Obj(members) => members,
        // An XML element with no children (`<acheteur/>`) is an empty object.
        V::Text(s) if s.trim().is_empty() => return true,
        _ => return false,
    };
    let (bump, nested);
    let members = if cx.normalize && members.iter().any(|(k, _)| dotted(k)) {
        bump = bumpalo::Bump::new();
        nested = nest_dotted(members, cx, &bump);
        &nested[..]
    } else {
        members
    };
    for (k, v) in members {
        // Namespace prefixes and `xsi:` hints (`xsi:noNamespaceSchemaLocation`) are
        // XML plumbing the XSD allows on any element, not data.
        if k.starts_with("@xmlns:") || k.starts_with("@xsi:") {
            continue;
        }
        match set(k, v, cx) {
            Some(true) => {}
            Some(false) => {
                cx.report_member(k, v.off, IssueCode::DuplicateField);
                unknown.push((k.to_string(), v.verbatim()));
            }
            // v1 names left in a v2 record (`acheteur.nom`, `denominationSociale`…):
            // the normaliser takes them out, keeping the value in the finding.
            None if cx.normalize && V1_LEFTOVERS.contains(k) => {
                let mut path = cx.path();
                push_escaped(&mut path, k);
                cx.report_at(
                    path,
                    v.off,
                    IssueCode::RepairV1Field,
                    Some(v.verbatim().display_value()),
                    Some(k.to_string()),
                );
            }
            None => {
                // Attributes and stray text of an XML element are kept too.
                cx.report_member(k, v.off, IssueCode::AdditionalProperty);
                unknown.push((k.to_string(), v.verbatim()));
            }
        }
    }
    true
}

/// Defines a record struct from its field table: the struct itself, its decoder and
/// its JSON and XML writers. Each field is `name: Type = kind("jsonName", args…)`
/// where `kind` is `one`, `json_only` (left out of XML), `list` (a bare v1 list; the
/// XML item name), `obj_list` (item names for JSON and XML) or `str_list`
/// (item name). Fields are written in the order of the table (the XSD order).
macro_rules! decp_struct {
    (
        $(#[$sm:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                $field:ident : $ty:ty = $kind:ident ( $json:literal $(, $arg:literal)* ) ;
            )*
        }
    ) => {
        $(#[$sm])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$fm])* pub $field: Option<Field<$ty>>, )*
            /// Members the official schema does not define (or duplicated ones), kept
            /// verbatim in input order and written back after the known ones.
            pub unknown: Vec<(String, Raw)>,
        }

        impl $name {
            /// The official JSON names of the fields, in writing order.
            pub const FIELDS: &'static [&'static str] = &[$($json),*];
        }

        impl crate::codec::Codec for $name {
            fn decode(n: &crate::tree::Node<'_>, cx: &mut crate::codec::Cx) -> Field<Self> {
                let mut out = Self::default();
                let mut unknown = Vec::new();
                let ok = crate::codec::decode_members(n, cx, &mut unknown, |k, v, cx| {
                    $(
                        if k == $json {
                            if out.$field.is_some() {
                                return Some(false);
                            }
                            cx.push_key($json);
                            let before = cx.findings.len();
                            let f = crate::codec::$kind::decode(v, cx $(, $arg)*);
                            out.$field = crate::codec::placeholder_repair(f, v, cx, before);
                            cx.pop();
                            return Some(true);
                        }
                    )*
                    None
                });
                if !ok {
                    return cx.invalid(n, crate::issue::IssueCode::Type, "object");
                }
                out.unknown = unknown;
                Field::Valid(out)
            }

            fn write_json<S: crate::sink::Sink + ?Sized>(&self, out: &mut S) {
                out.begin_object();
                $(
                    if let Some(f) = &self.$field {
                        if !decp_struct!(@omit $kind, f) {
                            out.key($json);
                            decp_struct!(@json $kind, f, out $(, $arg)*);
                        }
                    }
                )*
                for (k, v) in &self.unknown {
                    out.key(k);
                    v.write_json(out);
                }
                out.end_object();
            }

            fn write_xml(&self, out: &mut crate::write_out::XmlOut, name: &str) {
                crate::codec::write_xml_members(out, name, |out| {
                    $(
                        if let Some(f) = &self.$field {
                            decp_struct!(@xml $kind, f, out, $json $(, $arg)*);
                        }
                    )*
                    crate::codec::write_unknown_xml(out, &self.unknown);
                }, &self.unknown);
            }
        }
    };
    (@omit one, $f:ident) => { $f.json_omit() };
    (@omit json_only, $f:ident) => { $f.json_omit() };
    (@omit $other:ident, $f:ident) => { false };
    (@json one, $f:ident, $out:ident) => { $f.write_json($out) };
    (@json json_only, $f:ident, $out:ident) => { $f.write_json($out) };
    (@json list, $f:ident, $out:ident, $xi:literal) => {
        crate::codec::list::write_json($f, $out)
    };
    (@json obj_list, $f:ident, $out:ident, $ji:literal, $xi:literal) => {
        crate::codec::obj_list::write_json($f, $out, $ji)
    };
    (@json str_list, $f:ident, $out:ident, $item:literal) => {
        crate::codec::str_list::write_json($f, $out, $item)
    };
    (@xml one, $f:ident, $out:ident, $json:literal) => { $f.write_xml($out, $json) };
    (@xml json_only, $f:ident, $out:ident, $json:literal) => { let _ = $f; };
    (@xml list, $f:ident, $out:ident, $json:literal, $xi:literal) => {
        crate::codec::list::write_xml($f, $out, $json, $xi)
    };
    (@xml obj_list, $f:ident, $out:ident, $json:literal, $ji:literal, $xi:literal) => {
        crate::codec::obj_list::write_xml($f, $out, $json, $xi)
    };
    (@xml str_list, $f:ident, $out:ident, $json:literal, $item:literal) => {
        crate::codec::str_list::write_xml($f, $out, $json, $item)
    };
}
pub(crate) use decp_struct;

/// Defines an enumeration whose labels are the exact official strings.
macro_rules! decp_enum {
    (
        $(#[$em:meta])*
        pub enum $name:ident {
            $( $(#[$vm:meta])* $variant:ident = $label:literal, )*
        }
    ) => {
        $(#[$em])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vm])* #[doc = concat!("`", $label, "`")] $variant, )*
        }

        impl $name {
            /// Every value, in the order of the official schema.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The exact official label.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $label,)* }
            }

            /// The value whose official label is exactly `s`.
            pub fn from_label(s: &str) -> Option<$name> {
                match s { $($label => Some($name::$variant),)* _ => None }
            }

            fn expected() -> &'static str {
                concat!($("« ", $label, " » "),*)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::from_label(s).ok_or_else(|| format!("`{s}` is not a valid {}", stringify!($name)))
            }
        }

        impl crate::codec::Codec for $name {
            fn decode(n: &crate::tree::Node<'_>, cx: &mut crate::codec::Cx) -> Field<Self> {
                match &n.v {
                    crate::tree::V::Str(s) | crate::tree::V::Text(s) => match $name::from_label(s) {
                        Some(v) => Field::Valid(v),
                        None => {
                            let fixed = cx.normalize.then(|| {
                                crate::normalize::label(s, &[$($label),*], stringify!($name))
                            }).flatten().and_then($name::from_label);
                            match fixed {
                                Some(v) => {
                                    cx.repaired(n.off, crate::issue::IssueCode::RepairLabel, *s, v.as_str());
                                    Field::Valid(v)
                                }
                                None => cx.invalid(n, crate::issue::IssueCode::Enum, $name::expected().trim_end()),
                            }
                        }
                    },
                    _ => cx.invalid(n, crate::issue::IssueCode::Type, "string"),
                }
            }
            fn write_json<S: crate::sink::Sink + ?Sized>(&self, out: &mut S) {
                out.string(self.as_str());
            }
            fn write_xml(&self, out: &mut crate::write_out::XmlOut, name: &str) {
                out.leaf(name, self.as_str());
            }
        }
    };
}
pub(crate) use decp_enum;
