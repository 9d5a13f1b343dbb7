//! The scalar types: strings, integers, exact decimals, booleans, dates.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Codec, Cx};
use crate::issue::IssueCode;
use crate::lexical::{
    parse_date, parse_integer, parse_json_decimal, parse_xs_decimal, with_date_text, xs_trim,
};
use crate::raw::Field;
use crate::sink::Sink;
use crate::tree::{Node, V};
use crate::write_out::XmlOut;

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
            (Some(s), _) if crate::lexical::has_control_characters(s) => {
                let s = cx.control_characters(n.off, s);
                match cx.normalize.then(|| cx.repair_text(n.off, &s)).flatten() {
                    Some(fixed) => Field::Valid(fixed),
                    None => Field::Valid(s),
                }
            }
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
                    None => cx.invalid(n, IssueCode::Type, "number"),
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
                _ => cx.invalid(n, IssueCode::Type, "boolean-text"),
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
            _ => return cx.invalid(n, IssueCode::Type, "date"),
        };
        match parsed {
            Some(d) => Field::Valid(d),
            None => match repair_scalar(n, cx, IssueCode::RepairDate, crate::normalize::date) {
                Some(d) => Field::Valid(d),
                None => cx.invalid(n, IssueCode::Date, "date"),
            },
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        out.date(*self);
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        with_date_text(self, |t| out.leaf(name, t));
    }
}
