//! Values kept verbatim: what tolerant reading stores when input does not fit the model.

use std::fmt;

/// A value exactly as it appeared in the input, for the places where it did not fit
/// the official type (tolerant mode), and for members the schema does not define.
///
/// JSON values map one to one (numbers keep their text, so nothing is rounded).
/// XML text becomes [`Raw::String`], an element with children becomes
/// [`Raw::Object`] (repeated child names are kept as repeated members, attributes as
/// members named `@name`, and non-blank text beside children as a member `#text`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Raw {
    /// JSON `null`.
    Null,
    /// JSON `true` or `false`.
    Bool(bool),
    /// A JSON number, with its exact text (`1e3`, `12.50`).
    Number(String),
    /// A JSON string, or the text of an XML element.
    String(String),
    /// A JSON array.
    Array(Vec<Raw>),
    /// A JSON object or an XML element with children, members in input order.
    Object(Vec<(String, Raw)>),
}

impl Raw {
    /// A short rendering of the value for messages: strings as they are, anything
    /// else as compact JSON, cut after 200 characters.
    pub fn display_value(&self) -> String {
        let mut s = match self {
            Raw::String(s) => s.clone(),
            other => other.to_json(),
        };
        if let Some((i, _)) = s.char_indices().nth(200) {
            s.truncate(i);
            s.push('…');
        }
        s
    }

    /// The value as compact JSON text (numbers keep their exact text).
    ///
    /// ```
    /// use decp_core::Raw;
    /// let v = Raw::Object(vec![("montant".into(), Raw::Number("12.50".into()))]);
    /// assert_eq!(v.to_json(), r#"{"montant":12.50}"#);
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = crate::write_out::JsonOut::new(false);
        self.write_json(&mut out);
        String::from_utf8(out.into_inner()).unwrap_or_default()
    }

    /// The value as text when it is a string or a number.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Raw::String(s) | Raw::Number(s) => Some(s),
            _ => None,
        }
    }
}

impl fmt::Display for Raw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_value())
    }
}

/// A field's value: either it fits the official type, or it is kept verbatim.
///
/// Strict reading only ever produces [`Field::Valid`]. Tolerant reading produces
/// [`Field::Invalid`] where the input did not fit, together with a finding; writers
/// emit the raw value back unchanged, so nothing of the input is lost.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Field<T> {
    /// The value fits the official type.
    Valid(T),
    /// The value does not fit; here it is, as it was in the input.
    Invalid(Raw),
}

impl<T> Field<T> {
    /// The typed value, if valid.
    pub fn valid(&self) -> Option<&T> {
        match self {
            Field::Valid(v) => Some(v),
            Field::Invalid(_) => None,
        }
    }

    /// The typed value, mutably, if valid.
    pub fn valid_mut(&mut self) -> Option<&mut T> {
        match self {
            Field::Valid(v) => Some(v),
            Field::Invalid(_) => None,
        }
    }

    /// The raw value, if invalid.
    pub fn invalid(&self) -> Option<&Raw> {
        match self {
            Field::Valid(_) => None,
            Field::Invalid(r) => Some(r),
        }
    }

    /// `true` for [`Field::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, Field::Valid(_))
    }

    /// Consumes the field, returning the typed value if valid.
    pub fn into_valid(self) -> Option<T> {
        match self {
            Field::Valid(v) => Some(v),
            Field::Invalid(_) => None,
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(v: T) -> Field<T> {
        Field::Valid(v)
    }
}

/// Shorthand used by builders: `Some(Field::Valid(v))`.
///
/// ```
/// use decp_core::{set, model::Marche};
/// let m = Marche { id: set("2024-001".to_string()), ..Default::default() };
/// assert_eq!(m.id.unwrap().valid().map(String::as_str), Some("2024-001"));
/// ```
pub fn set<T>(v: T) -> Option<Field<T>> {
    Some(Field::Valid(v))
}

/// Reads a field that may be absent or invalid: `Some(&T)` only when present and valid.
pub fn get<T>(f: &Option<Field<T>>) -> Option<&T> {
    f.as_ref().and_then(Field::valid)
}
