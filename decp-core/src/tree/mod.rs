//! One record, parsed into a small tree that remembers where each value starts.
//!
//! Both formats parse into the same [`Node`] shape, so that the decoder into the
//! typed model is written once. JSON keeps the distinction between strings,
//! numbers, booleans and null; XML leaves are untyped [`V::Text`].

use crate::raw::Raw;

mod json;
#[cfg(test)]
mod tests;
mod xml;

pub(crate) use json::{parse_json, parse_json_object_prefix};
pub(crate) use xml::{parse_xml, parse_xml_prefix};

/// A parsed value and the byte offset (in its record) where it starts.
///
/// Trees live in an arena ([`Bump`](bumpalo::Bump)) reset between records: no allocation per
/// object or list, and nothing to free value by value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'a> {
    pub off: u32,
    pub v: V<'a>,
}

/// The value of a [`Node`]. Strings borrow the record's text, or the arena when
/// they had to be unescaped or joined.
#[derive(Debug, Clone, Copy)]
pub(crate) enum V<'a> {
    Null,
    Bool(bool),
    /// A JSON number: its exact text, already checked against the JSON grammar.
    Num(&'a str),
    /// A JSON string.
    Str(&'a str),
    /// The text of an XML element without children (untyped).
    Text(&'a str),
    /// A JSON object or an XML element with children (names may repeat in XML).
    Obj(&'a [Member<'a>]),
    /// A JSON array.
    Arr(&'a [Node<'a>]),
}

/// A member of an object: its name and its value.
pub(crate) type Member<'a> = (&'a str, Node<'a>);

impl Node<'_> {
    /// The value, owned and verbatim.
    pub fn verbatim(&self) -> Raw {
        match &self.v {
            V::Null => Raw::Null,
            V::Bool(b) => Raw::Bool(*b),
            // `NaN` (normalising) has no JSON form: kept as null.
            V::Num("NaN") => Raw::Null,
            V::Num(s) => Raw::Number((*s).to_owned()),
            V::Str(s) | V::Text(s) => Raw::String(s.to_string()),
            V::Obj(m) => Raw::Object(
                m.iter()
                    .map(|(k, n)| (k.to_string(), n.verbatim()))
                    .collect(),
            ),
            V::Arr(a) => Raw::Array(a.iter().map(Node::verbatim).collect()),
        }
    }
}

/// The offset of the value at `pointer` (a JSON Pointer relative to the record, in
/// the official JSON shape), or of the deepest enclosing value that exists. XML
/// trees are walked the same way: a list container's items are its children, and
/// the JSON wrapper key after an index names the XML item element.
pub(crate) fn locate(root: &Node<'_>, pointer: &str) -> u32 {
    // Segments are compared as they are; only one with an escape is unescaped.
    let segs: Vec<std::borrow::Cow<'_, str>> = pointer
        .split('/')
        .skip(1)
        .map(|s| {
            if s.contains('~') {
                std::borrow::Cow::Owned(s.replace("~1", "/").replace("~0", "~"))
            } else {
                std::borrow::Cow::Borrowed(s)
            }
        })
        .collect();
    let mut node = root;
    let mut i = 0;
    while i < segs.len() {
        let seg: &str = &segs[i];
        let index = seg.parse::<usize>().ok();
        match (&node.v, index) {
            (V::Arr(items), Some(k)) => match items.get(k) {
                Some(n) => node = n,
                None => break,
            },
            // XML list container: `…/titulaires/0/titulaire` is the 1st child.
            (V::Obj(m), Some(k)) => match m.get(k) {
                Some((name, n)) => {
                    node = n;
                    if segs.get(i + 1).is_some_and(|s| s == name) {
                        i += 1;
                    }
                }
                None => break,
            },
            (V::Obj(m), None) => {
                let mut same = m.iter().filter(|(k, _)| *k == seg);
                let Some((_, first)) = same.next() else { break };
                // XML repeated label: `…/techniques/technique/1` is the 2nd `technique`
                // (repeated elements, or one element holding text). One element with
                // children is a list container: the index is its child's (v1
                // `<modifications><modification>…`).
                let repeated = m.iter().filter(|(k, _)| *k == seg).count() > 1
                    || !matches!(first.v, V::Obj(_) | V::Arr(_));
                let next_index = segs.get(i + 1).and_then(|s| s.parse::<usize>().ok());
                match (next_index, repeated) {
                    (Some(k), true) => {
                        match std::iter::once(first).chain(same.map(|(_, n)| n)).nth(k) {
                            Some(n) => {
                                node = n;
                                i += 1;
                            }
                            None => node = first,
                        }
                    }
                    _ => node = first,
                }
            }
            _ => break,
        }
        i += 1;
    }
    node.off
}

use crate::message::Message;

/// A syntax error inside a record: byte offset in the record and message.
#[derive(Debug)]
pub(crate) struct TreeError {
    pub off: usize,
    pub msg: Message,
}

fn err<T>(off: usize, msg: Message) -> Result<T, TreeError> {
    Err(TreeError { off, msg })
}

/// Checks that the record is UTF-8, pointing at the first bad byte.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, TreeError> {
    crate::lexical::utf8(bytes).map_err(|off| TreeError {
        off,
        msg: Message::InvalidUtf8,
    })
}
