//! Receivers of a record in the official JSON shape.
//!
//! The field tables of the model drive one walk over a record (its members in the
//! official order, lists in their official wrappers); a [`Sink`] receives it. The
//! JSON writer is one sink, [`ValueBuilder`] (a record → [`Raw`] value) another, and
//! a binding can add its own (Python objects with `Decimal` and `date`, say): since
//! every sink is driven by the same walk, they cannot disagree on a name, an order
//! or a shape.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::raw::Raw;
use crate::write_out::JsonOut;

/// Receives a value in the official JSON shape, event by event.
///
/// Objects are `begin_object`, then `key` before each member's value, then
/// `end_object`; arrays are `begin_array`, the items, `end_array`. Scalars arrive
/// typed where the model knows their type ([`Sink::decimal`], [`Sink::date`],
/// [`Sink::integer`]) and as JSON text otherwise ([`Sink::number`] for a number
/// kept verbatim); the typed methods default to their JSON form, so a sink only
/// overrides what it renders differently.
///
/// ```
/// use decp_core::{Sink, Record, model::Marche, set};
///
/// /// Counts the members of a record, at any depth.
/// #[derive(Default)]
/// struct Count(usize);
/// impl Sink for Count {
///     fn begin_object(&mut self) {}
///     fn key(&mut self, _: &str) { self.0 += 1 }
///     fn end_object(&mut self) {}
///     fn begin_array(&mut self) {}
///     fn end_array(&mut self) {}
///     fn null(&mut self) {}
///     fn bool(&mut self, _: bool) {}
///     fn number(&mut self, _: &str) {}
///     fn string(&mut self, _: &str) {}
/// }
/// let r = Record::Marche(Marche { id: set("A".into()), montant: set(12.into()), ..Default::default() });
/// let mut c = Count::default();
/// r.emit(&mut c);
/// assert_eq!(c.0, 2);
/// ```
pub trait Sink {
    /// `{`
    fn begin_object(&mut self);
    /// The name of the next member of the current object.
    fn key(&mut self, key: &str);
    /// `}`
    fn end_object(&mut self);
    /// `[`
    fn begin_array(&mut self);
    /// `]`
    fn end_array(&mut self);
    /// `null`.
    fn null(&mut self);
    /// `true` or `false`.
    fn bool(&mut self, value: bool);
    /// A number given by its exact JSON text (`12.50`, `1e3`), as kept verbatim.
    fn number(&mut self, text: &str);
    /// A string.
    fn string(&mut self, value: &str);
    /// An integer of the model (`dureeMois`, `offresRecues`…). Default: its JSON text.
    fn integer(&mut self, value: i64) {
        self.number(&value.to_string());
    }
    /// An exact decimal of the model (amounts in euros HT, rates in [0, 1]).
    /// Default: its JSON text, every digit kept (`12.50` stays `12.50`).
    fn decimal(&mut self, value: &Decimal) {
        self.number(&value.to_string());
    }
    /// A date of the model. Default: the string `YYYY-MM-DD`.
    fn date(&mut self, value: NaiveDate) {
        crate::lexical::with_date_text(&value, |t| self.string(t));
    }
}

/// A [`Sink`] that builds a [`Raw`] value: the generic form of a record, as plain
/// data (what a vendor builds as dictionaries or arrays).
///
/// Numbers become [`Raw::Number`] with their exact text, dates strings: the value
/// is the record's official JSON shape, member for member.
///
/// ```
/// use decp_core::{Raw, Record, model::Marche, set};
/// let r = Record::Marche(Marche { id: set("A".into()), ..Default::default() });
/// assert_eq!(r.to_value(), Raw::Object(vec![("id".into(), Raw::String("A".into()))]));
/// ```
#[derive(Debug, Default)]
pub struct ValueBuilder {
    stack: Vec<Frame>,
    done: Option<Raw>,
}

#[derive(Debug)]
enum Frame {
    Object(Vec<(String, Raw)>, Option<String>),
    Array(Vec<Raw>),
}

impl ValueBuilder {
    /// An empty builder.
    pub fn new() -> ValueBuilder {
        ValueBuilder::default()
    }

    /// The value built (`Raw::Null` when nothing was received).
    pub fn finish(self) -> Raw {
        self.done.unwrap_or(Raw::Null)
    }

    fn value(&mut self, v: Raw) {
        match self.stack.last_mut() {
            Some(Frame::Object(members, key)) => {
                members.push((key.take().unwrap_or_default(), v));
            }
            Some(Frame::Array(items)) => items.push(v),
            None => self.done = Some(v),
        }
    }
}

impl Sink for ValueBuilder {
    fn begin_object(&mut self) {
        self.stack.push(Frame::Object(Vec::new(), None));
    }
    fn key(&mut self, key: &str) {
        if let Some(Frame::Object(_, k)) = self.stack.last_mut() {
            *k = Some(key.to_owned());
        }
    }
    fn end_object(&mut self) {
        if let Some(Frame::Object(m, _)) = self.stack.pop() {
            self.value(Raw::Object(m));
        }
    }
    fn begin_array(&mut self) {
        self.stack.push(Frame::Array(Vec::new()));
    }
    fn end_array(&mut self) {
        if let Some(Frame::Array(a)) = self.stack.pop() {
            self.value(Raw::Array(a));
        }
    }
    fn null(&mut self) {
        self.value(Raw::Null);
    }
    fn bool(&mut self, value: bool) {
        self.value(Raw::Bool(value));
    }
    fn number(&mut self, text: &str) {
        self.value(Raw::Number(text.to_owned()));
    }
    fn string(&mut self, value: &str) {
        self.value(Raw::String(value.to_owned()));
    }
}

/// The JSON writer.
impl Sink for JsonOut {
    fn begin_object(&mut self) {
        JsonOut::begin_object(self);
    }
    fn key(&mut self, key: &str) {
        JsonOut::key(self, key);
    }
    fn end_object(&mut self) {
        JsonOut::end_object(self);
    }
    fn begin_array(&mut self) {
        JsonOut::begin_array(self);
    }
    fn end_array(&mut self) {
        JsonOut::end_array(self);
    }
    fn null(&mut self) {
        self.raw_value("null");
    }
    fn bool(&mut self, value: bool) {
        self.raw_value(if value { "true" } else { "false" });
    }
    fn number(&mut self, text: &str) {
        self.raw_value(text);
    }
    fn string(&mut self, value: &str) {
        JsonOut::string(self, value);
    }
}
