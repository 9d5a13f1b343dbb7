//! The XML record parser.

use std::collections::HashSet;

use bumpalo::Bump;
use bumpalo::collections::{String as BString, Vec as BVec};

use super::{Member, Node, TreeError, V, err};
use crate::limits::Limits;
use crate::message::Message;

pub(super) struct Open<'a> {
    pub(super) name: &'a str,
    off: u32,
    text: &'a str,
    /// The text when it is made of several pieces (text, references, CDATA),
    /// grown in place: joining each piece to a copy of the others was quadratic.
    joined: Option<BString<'a>>,
    pub(super) members: BVec<'a, Member<'a>>,
    pub(super) attrs: BVec<'a, Member<'a>>,
}

impl<'a> Open<'a> {
    pub(super) fn new(name: &'a str, off: u32, bump: &'a Bump) -> Open<'a> {
        Open {
            name,
            off,
            text: "",
            joined: None,
            members: BVec::new_in(bump),
            attrs: BVec::new_in(bump),
        }
    }

    pub(super) fn push_text(&mut self, t: &'a str, bump: &'a Bump) {
        // Beside children, only the trimmed text is kept (see `close`): white space
        // gathered so far would be trimmed away, so the indentation between children
        // is never concatenated.
        let blank = |s: &str| s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        let so_far = self.joined.as_ref().map_or(self.text, |j| j.as_str());
        if so_far.is_empty() || (!self.members.is_empty() && blank(so_far)) {
            self.text = t;
            self.joined = None;
        } else if !t.is_empty() {
            let first = self.text;
            self.joined
                .get_or_insert_with(|| {
                    let mut j = BString::with_capacity_in(2 * (first.len() + t.len()), bump);
                    j.push_str(first);
                    j
                })
                .push_str(t);
        }
    }

    /// The length of the text gathered so far, in bytes.
    pub(super) fn text_len(&self) -> usize {
        self.joined.as_ref().map_or(self.text.len(), |j| j.len())
    }

    pub(super) fn close(mut self) -> Member<'a> {
        if let Some(j) = self.joined.take() {
            self.text = j.into_bump_str();
        }
        let off = self.off;
        let v = if self.members.is_empty() && self.attrs.is_empty() {
            V::Text(self.text)
        } else {
            let mut m = self.attrs;
            if m.is_empty() {
                m = self.members;
            } else {
                m.extend(self.members);
            }
            // Text beside children (mixed content): kept without the indentation around it.
            let t = self.text.trim();
            if !t.is_empty() {
                m.push(("#text", Node { off, v: V::Text(t) }));
            }
            V::Obj(m.into_bump_slice())
        };
        (self.name, Node { off, v })
    }
}

/// Parses one XML element that spans `src` (the record captured by the splitter,
/// or one given on its own). Returns the element's name and its node. After the
/// element, only white space, comments and processing instructions may follow.
pub(crate) fn parse_xml<'a>(
    src: &'a str,
    limits: Limits,
    bump: &'a Bump,
) -> Result<(&'a str, Node<'a>), TreeError> {
    let (name, n, end) = parse_xml_prefix(src, limits, bump)?;
    let b = src.as_bytes();
    let mut i = end;
    while i < b.len() {
        if is_xml_space(b[i]) {
            i += 1;
        } else if b[i..].starts_with(b"<!--") {
            match memchr::memmem::find(&b[i + 4..], b"-->") {
                Some(k) => i += 4 + k + 3,
                None => return err(i, Message::UnclosedComment),
            }
        } else if b[i..].starts_with(b"<?") {
            match memchr::memmem::find(&b[i + 2..], b"?>") {
                Some(k) => i += 2 + k + 2,
                None => return err(i, Message::UnclosedProcessingInstruction),
            }
        } else {
            return err(i, Message::TrailingCharacters);
        }
    }
    Ok((name, n))
}

/// An attribute's member name: `@` and the attribute's name, in the arena.
pub(super) fn at_name<'a>(name: &str, bump: &'a Bump) -> &'a str {
    let mut k = BString::with_capacity_in(name.len() + 1, bump);
    k.push('@');
    k.push_str(name);
    k.into_bump_str()
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// An XML name, as far as ASCII goes: letters, digits, `-`, `_`, `.`, `:`, not
/// starting with a digit, `-` or `.` (other characters are left to the schema).
fn xml_name_ok(name: &str) -> bool {
    let ok = |b: u8| {
        !b.is_ascii() || b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')
    };
    name.bytes().all(ok)
        && name
            .bytes()
            .next()
            .is_some_and(|b| !b.is_ascii_digit() && !matches!(b, b'-' | b'.'))
}

/// Text with its references resolved and its line ends normalised (`\r\n` and a
/// lone `\r` become `\n`, as XML 1.0 says); borrowed when there is nothing to do.
/// `attr`: an attribute value, whose white space characters also become spaces.
fn xml_text<'a>(src: &'a str, at: usize, attr: bool, bump: &'a Bump) -> Result<&'a str, TreeError> {
    let b = src.as_bytes();
    let special = |c: u8| c == b'&' || c == b'\r' || (attr && matches!(c, b'\t' | b'\n'));
    let Some(first) = b.iter().position(|&c| special(c)) else {
        return Ok(src);
    };
    let mut out = BString::with_capacity_in(src.len(), bump);
    out.push_str(&src[..first]);
    let mut i = first;
    let mut plain = first;
    while i < b.len() {
        match b[i] {
            b'&' => {
                out.push_str(&src[plain..i]);
                let Some(len) = b[i..].iter().position(|&c| c == b';') else {
                    return err(at + i, Message::BareAmpersand);
                };
                let name = &src[i + 1..i + len];
                let c = match name {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "apos" => '\'',
                    "quot" => '"',
                    _ => {
                        let code = if let Some(h) = name.strip_prefix("#x") {
                            u32::from_str_radix(h, 16).ok()
                        } else if let Some(d) = name.strip_prefix('#') {
                            d.parse::<u32>().ok()
                        } else {
                            return err(at + i, Message::UnknownEntity { name: name.into() });
                        };
                        match code.filter(|&c| c != 0).and_then(char::from_u32) {
                            Some(c) => c,
                            None => {
                                return err(
                                    at + i,
                                    Message::BadCharacterReference { name: name.into() },
                                );
                            }
                        }
                    }
                };
                out.push(c);
                i += len + 1;
                plain = i;
            }
            b'\r' => {
                out.push_str(&src[plain..i]);
                out.push(if attr { ' ' } else { '\n' });
                i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                plain = i;
            }
            b'\t' | b'\n' if attr => {
                out.push_str(&src[plain..i]);
                out.push(' ');
                i += 1;
                plain = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&src[plain..]);
    Ok(out.into_bump_str())
}

/// Parses the XML element that starts `src`; returns its name, its node and the
/// offset just after its end tag. What follows is not looked at (see
/// [`parse_json_object_prefix`]).
///
/// A small parser for what a record may hold: elements, attributes, text,
/// character and predefined entity references, CDATA sections, comments and
/// processing instructions. It checks that end tags match, that attribute values
/// are quoted and not repeated, and that references are known.
pub(crate) fn parse_xml_prefix<'a>(
    src: &'a str,
    limits: Limits,
    bump: &'a Bump,
) -> Result<(&'a str, Node<'a>, usize), TreeError> {
    let (max_depth, max_members, max_value) =
        (limits.max_depth, limits.max_members, limits.max_value_bytes);
    let too_many = |off: usize| err(off, Message::TooMany { max: max_members });
    let b = src.as_bytes();
    let mut stack: Vec<Open<'a>> = Vec::new();
    let mut i = 0;
    loop {
        if i >= b.len() {
            return match stack.last() {
                Some(top) => err(
                    src.len(),
                    Message::UnclosedElement {
                        name: top.name.into(),
                    },
                ),
                None => err(src.len(), Message::NoElement),
            };
        }
        if b[i] != b'<' {
            // Text, up to the next markup.
            let end = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |k| i + k);
            if end - i > max_value {
                return err(i, Message::TooLong { max: max_value });
            }
            let t = xml_text(&src[i..end], i, false, bump)?;
            match stack.last_mut() {
                Some(top) => {
                    top.push_text(t, bump);
                    if top.text_len() > max_value {
                        return err(i, Message::TooLong { max: max_value });
                    }
                }
                // Outside the element, white space only, as written (a reference
                // such as `&#9;` is content, not allowed there); a byte-order mark
                // may start the text, as XML 1.0 allows.
                None if !(if i == 0 {
                    src[i..end].strip_prefix('\u{feff}').unwrap_or(&src[i..end])
                } else {
                    &src[i..end]
                })
                .bytes()
                .all(is_xml_space) =>
                {
                    return err(i, Message::TextOutsideElement);
                }
                None => {}
            }
            i = end;
            continue;
        }
        let off = i;
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            let Some(k) = memchr::memmem::find(&rest[4..], b"-->") else {
                return err(off, Message::UnclosedComment);
            };
            i += 4 + k + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            let Some(k) = memchr::memmem::find(&rest[9..], b"]]>") else {
                return err(off, Message::UnclosedCdata);
            };
            let text = &src[i + 9..i + 9 + k];
            if k > max_value {
                return err(off, Message::TooLong { max: max_value });
            }
            match stack.last_mut() {
                Some(top) => {
                    top.push_text(text, bump);
                    if top.text_len() > max_value {
                        return err(off, Message::TooLong { max: max_value });
                    }
                }
                None => return err(off, Message::CdataOutsideElement),
            }
            i += 9 + k + 3;
        } else if rest.starts_with(b"<?") {
            let Some(k) = memchr::memmem::find(&rest[2..], b"?>") else {
                return err(off, Message::UnclosedProcessingInstruction);
            };
            i += 2 + k + 2;
        } else if rest.starts_with(b"<!") {
            return err(off, Message::Declaration);
        } else if rest.starts_with(b"</") {
            let name_end = rest[2..]
                .iter()
                .position(|&c| is_xml_space(c) || c == b'>')
                .map_or(rest.len(), |k| 2 + k);
            let name = &src[i + 2..i + name_end];
            let mut j = i + name_end;
            while b.get(j).is_some_and(|&c| is_xml_space(c)) {
                j += 1;
            }
            if b.get(j) != Some(&b'>') {
                return err(
                    j.min(b.len()),
                    Message::EndTagNotClosed { name: name.into() },
                );
            }
            let Some(el) = stack.pop() else {
                return err(off, Message::UnexpectedEndTag { name: name.into() });
            };
            if el.name != name {
                return err(
                    off,
                    Message::EndTagMismatch {
                        name: name.into(),
                        open: el.name.into(),
                    },
                );
            }
            i = j + 1;
            let el = el.close();
            match stack.last_mut() {
                Some(top) if top.members.len() + top.attrs.len() >= max_members => {
                    return too_many(off);
                }
                Some(top) => top.members.push(el),
                None => return Ok((el.0, el.1, i)),
            }
        } else {
            // A start tag.
            let name_end = rest[1..]
                .iter()
                .position(|&c| is_xml_space(c) || c == b'>' || c == b'/')
                .map_or(rest.len(), |k| 1 + k);
            if name_end == 1 {
                return err(off, Message::LtWithoutName);
            }
            let name = &src[i + 1..i + name_end];
            if !xml_name_ok(name) {
                return err(off, Message::NotXmlName { name: name.into() });
            }
            let mut el = Open::new(name, off as u32, bump);
            let mut seen: Option<HashSet<&str>> = None;
            let mut j = i + name_end;
            let self_closing = loop {
                while b.get(j).is_some_and(|&c| is_xml_space(c)) {
                    j += 1;
                }
                match b.get(j) {
                    None => return err(src.len(), Message::UnclosedStartTag { name: name.into() }),
                    Some(b'>') => break false,
                    Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                        j += 1;
                        break true;
                    }
                    Some(_) => {}
                }
                // An attribute: name, `=`, quoted value.
                let a = j;
                while b
                    .get(j)
                    .is_some_and(|&c| !is_xml_space(c) && !matches!(c, b'=' | b'>' | b'/'))
                {
                    j += 1;
                }
                let key = &src[a..j];
                if !xml_name_ok(key) {
                    return err(a, Message::BadStartTag { name: name.into() });
                }
                while b.get(j).is_some_and(|&c| is_xml_space(c)) {
                    j += 1;
                }
                if b.get(j) != Some(&b'=') {
                    return err(
                        j.min(b.len()),
                        Message::AttributeWithoutValue { name: key.into() },
                    );
                }
                j += 1;
                while b.get(j).is_some_and(|&c| is_xml_space(c)) {
                    j += 1;
                }
                let Some(&q @ (b'"' | b'\'')) = b.get(j) else {
                    return err(
                        j.min(b.len()),
                        Message::AttributeNotQuoted { name: key.into() },
                    );
                };
                let Some(len) = b[j + 1..].iter().position(|&c| c == q) else {
                    return err(
                        src.len(),
                        Message::UnclosedAttributeValue { name: key.into() },
                    );
                };
                let raw = &src[j + 1..j + 1 + len];
                if let Some(k) = raw.find('<') {
                    return err(j + 1 + k, Message::LtInAttribute { name: key.into() });
                }
                let value = xml_text(raw, j + 1, true, bump)?;
                // Repeated names: a scan while the tag is short (DECP's have one
                // attribute at most), a set past that, so that the check stays linear.
                let repeated = if el.attrs.len() < 16 {
                    el.attrs.iter().any(|(k, _)| k[1..] == *key)
                } else {
                    let seen = seen.get_or_insert_with(|| {
                        el.attrs
                            .iter()
                            .map(|(k, _)| &k[1..])
                            .collect::<HashSet<&str>>()
                    });
                    !seen.insert(key)
                };
                if repeated {
                    return err(a, Message::RepeatedAttribute { name: key.into() });
                }
                if el.attrs.len() >= max_members {
                    return too_many(a);
                }
                if value.len() > max_value {
                    return err(j + 1, Message::TooLong { max: max_value });
                }
                let key = at_name(key, bump);
                el.attrs.push((
                    key,
                    Node {
                        off: off as u32,
                        v: V::Text(value),
                    },
                ));
                j += len + 2;
            };
            i = j + 1;
            if self_closing {
                let el = el.close();
                match stack.last_mut() {
                    Some(top) if top.members.len() + top.attrs.len() >= max_members => {
                        return too_many(off);
                    }
                    Some(top) => top.members.push(el),
                    None => return Ok((el.0, el.1, i)),
                }
            } else {
                if stack.len() >= max_depth {
                    return err(off, Message::TooDeep { max: max_depth });
                }
                stack.push(el);
            }
        }
    }
}
