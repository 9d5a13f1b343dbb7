//! Low-level JSON and XML emitters shared by the writers and the codecs.

use crate::lexical::{below, equal, word};

/// A JSON emitter with optional pretty printing (two-space indentation).
#[derive(Debug)]
pub(crate) struct JsonOut {
    buf: Vec<u8>,
    pretty: bool,
    depth: usize,
    first: bool,
    after_key: bool,
}

impl JsonOut {
    pub fn new(pretty: bool) -> JsonOut {
        JsonOut::at_depth(pretty, 0)
    }

    /// An emitter whose output will sit at `depth` inside an enclosing document.
    pub fn at_depth(pretty: bool, depth: usize) -> JsonOut {
        JsonOut {
            buf: Vec::with_capacity(4096),
            pretty,
            depth,
            first: true,
            after_key: false,
        }
    }

    pub fn into_inner(self) -> Vec<u8> {
        self.buf
    }

    pub fn clear(&mut self, depth: usize) {
        self.buf.clear();
        self.depth = depth;
        self.first = true;
        self.after_key = false;
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    fn newline(&mut self) {
        if self.pretty {
            self.buf.push(b'\n');
            for _ in 0..self.depth {
                self.buf.extend_from_slice(b"  ");
            }
        }
    }

    fn pre_value(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if self.depth > 0 {
            if !self.first {
                self.buf.push(b',');
            }
            self.newline();
        }
        self.first = false;
    }

    pub fn key(&mut self, k: &str) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        self.newline();
        self.escape(k);
        self.buf.push(b':');
        if self.pretty {
            self.buf.push(b' ');
        }
        self.after_key = true;
    }

    pub fn begin_object(&mut self) {
        self.pre_value();
        self.buf.push(b'{');
        self.depth += 1;
        self.first = true;
    }

    pub fn end_object(&mut self) {
        self.depth -= 1;
        if !self.first {
            self.newline();
        }
        self.buf.push(b'}');
        self.first = false;
    }

    pub fn begin_array(&mut self) {
        self.pre_value();
        self.buf.push(b'[');
        self.depth += 1;
        self.first = true;
    }

    pub fn end_array(&mut self) {
        self.end_object();
        let last = self.buf.len() - 1;
        self.buf[last] = b']';
    }

    /// A value written as is (numbers, `true`, `null`).
    pub fn raw_value(&mut self, s: &str) {
        self.pre_value();
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn string(&mut self, s: &str) {
        self.pre_value();
        self.escape(s);
    }

    fn escape(&mut self, s: &str) {
        let b = s.as_bytes();
        self.buf.reserve(b.len() + 2);
        self.buf.push(b'"');
        let mut start = 0;
        loop {
            let i = find(b, start, json_flags, json_escaped);
            self.buf.extend_from_slice(&b[start..i]);
            let Some(&c) = b.get(i) else { break };
            match c {
                b'"' => self.buf.extend_from_slice(b"\\\""),
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                0..=0x1f => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let u = [
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(c >> 4)],
                        HEX[usize::from(c & 15)],
                    ];
                    self.buf.extend_from_slice(&u);
                }
                // `find` stops only where `json_escaped` does.
                _ => {
                    debug_assert!(false, "no escape for byte {c}");
                    self.buf.push(c);
                }
            }
            start = i + 1;
        }
        self.buf.push(b'"');
    }
}

/// An XML emitter with optional pretty printing (four-space indentation, as the
/// official examples). Errors (a character XML 1.0 cannot carry) are sticky.
#[derive(Debug)]
pub(crate) struct XmlOut {
    buf: Vec<u8>,
    pretty: bool,
    depth: usize,
    pub error: Option<crate::message::Message>,
}

impl XmlOut {
    pub fn at_depth(pretty: bool, depth: usize) -> XmlOut {
        XmlOut {
            buf: Vec::with_capacity(4096),
            pretty,
            depth,
            error: None,
        }
    }

    pub fn clear(&mut self, depth: usize) {
        self.buf.clear();
        self.depth = depth;
        self.error = None;
    }

    pub fn bytes(&self) -> &[u8] {
        &self.buf
    }

    fn newline(&mut self) {
        if self.pretty {
            self.buf.push(b'\n');
            for _ in 0..self.depth {
                self.buf.extend_from_slice(b"    ");
            }
        }
    }

    /// Writes `<name attr="v"…>` (or a substitute for a name that is not an XML
    /// name); whether `name` is one, for [`XmlOut::close_tag`].
    fn open_tag(&mut self, name: &str, attrs: &[(&str, &str)]) -> bool {
        self.newline();
        self.buf.push(b'<');
        let valid = is_xml_name(name);
        if valid {
            self.buf.extend_from_slice(name.as_bytes());
        } else {
            // A member whose name XML cannot carry (it came from JSON): keep it as data.
            self.buf.extend_from_slice(b"_ name=\"");
            self.escape(name, true);
            self.buf.push(b'"');
        }
        for (k, v) in attrs {
            if !is_xml_name(k) {
                self.error = Some(crate::message::Message::AttributeName {
                    name: (*k).to_owned(),
                });
                continue;
            }
            self.buf.push(b' ');
            self.buf.extend_from_slice(k.as_bytes());
            self.buf.extend_from_slice(b"=\"");
            self.escape(v, true);
            self.buf.push(b'"');
        }
        valid
    }

    /// `</name>`, or the substitute's end when `name` is not an XML name
    /// (`valid`: what [`XmlOut::open_tag`] found).
    fn close_tag(&mut self, name: &str, valid: bool) {
        self.buf.extend_from_slice(b"</");
        self.buf
            .extend_from_slice(if valid { name } else { "_" }.as_bytes());
        self.buf.push(b'>');
    }

    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let _ = self.open_tag(name, attrs);
        self.buf.push(b'>');
        self.depth += 1;
    }

    pub fn end(&mut self, name: &str) {
        self.depth -= 1;
        self.newline();
        self.close_tag(name, is_xml_name(name));
    }

    /// `<name>text</name>`, or `<name/>` for empty text.
    pub fn leaf(&mut self, name: &str, text: &str) {
        let valid = self.open_tag(name, &[]);
        if text.is_empty() {
            self.buf.extend_from_slice(b"/>");
        } else {
            self.buf.push(b'>');
            self.escape(text, false);
            self.close_tag(name, valid);
        }
    }

    /// Text inside the current element (mixed content kept from an input).
    pub fn text(&mut self, text: &str) {
        self.escape(text, false);
    }

    fn escape(&mut self, s: &str, attr: bool) {
        let b = s.as_bytes();
        self.buf.reserve(b.len());
        let mut start = 0;
        loop {
            let i = if attr {
                find(b, start, xml_attr_flags, |c| xml_escaped(c, true))
            } else {
                find(b, start, xml_text_flags, |c| xml_escaped(c, false))
            };
            self.buf.extend_from_slice(&b[start..i]);
            let Some(&c) = b.get(i) else { break };
            let esc: &[u8] = match c {
                b'&' => b"&amp;",
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'"' => b"&quot;",
                b'\r' => b"&#13;",
                b'\t' => b"&#9;",
                b'\n' => b"&#10;",
                // `find` stops only where `xml_escaped` does.
                _ => {
                    debug_assert!(false, "no escape for byte {c}");
                    std::slice::from_ref(&b[i])
                }
            };
            self.buf.extend_from_slice(esc);
            start = i + 1;
        }
        if crate::lexical::xml_suspect_bytes(b)
            && let Some(c) = s.chars().find(|&c| !crate::lexical::xml_char(c))
        {
            self.error = Some(crate::message::Message::XmlCharacter { code: u32::from(c) });
        }
    }
}

/// The index of the first byte of `b` from `i` on that `hit` takes (`b.len()`
/// when it takes none), eight bytes at a time: `flags` marks in a word (read
/// little-endian) the bytes `hit` takes, its lowest mark exact, so that a word
/// without a mark is passed whole (most texts have nothing to escape). The last
/// bytes, fewer than eight, one at a time (as a word padded with spaces they
/// cost more: the copy of a few bytes is a call).
#[inline]
fn find(b: &[u8], mut i: usize, flags: impl Fn(u64) -> u64, hit: impl Fn(u8) -> bool) -> usize {
    while let Some(w) = b.get(i..i + 8) {
        let m = flags(word(w));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !hit(b[i]) {
        i += 1;
    }
    i
}

/// Whether JSON escapes byte `c` in a string: a quote, a backslash, a control
/// ([`json_flags`] eight at a time).
fn json_escaped(c: u8) -> bool {
    matches!(c, b'"' | b'\\' | 0..=0x1f)
}

/// Whether XML escapes byte `c` in text, or in an attribute's value when `attr`
/// ([`xml_text_flags`], [`xml_attr_flags`] eight at a time).
fn xml_escaped(c: u8, attr: bool) -> bool {
    matches!(c, b'&' | b'<' | b'>' | b'\r') || (attr && matches!(c, b'"' | b'\t' | b'\n'))
}

/// Marks the bytes JSON escapes in a string: a quote, a backslash, a control.
fn json_flags(x: u64) -> u64 {
    below(x, 0x20) | equal(x, b'"') | equal(x, b'\\')
}

/// Marks the bytes XML escapes in text: `&`, `<`, `>` and carriage return.
fn xml_text_flags(x: u64) -> u64 {
    equal(x, b'&') | equal(x, b'<') | equal(x, b'>') | equal(x, b'\r')
}

/// Marks the bytes XML escapes in an attribute's value: those of text, quote,
/// tab and line feed.
fn xml_attr_flags(x: u64) -> u64 {
    xml_text_flags(x) | equal(x, b'"') | equal(x, b'\t') | equal(x, b'\n')
}

/// The ASCII bytes an XML name may hold (as [`is_xml_name`] tests characters):
/// 2 for those it may begin with (letters, `_`), 1 for the others (digits, `-`,
/// `.`), 0 for the rest.
const NAME_BYTES: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphabetic() || b == b'_' {
            2
        } else if b.is_ascii_digit() || b == b'-' || b == b'.' {
            1
        } else {
            0
        };
        c += 1;
    }
    t
};

/// A conservative test for XML names (no colon: documents have no namespace).
/// Every tag written goes through it: an ASCII name (every name of the schema)
/// is looked up a byte at a time in [`NAME_BYTES`], the same test on ASCII.
pub(crate) fn is_xml_name(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_ascii() {
        return match b.split_first() {
            Some((&first, rest)) => {
                // `& 0x7f`: ASCII already, and no bounds check.
                NAME_BYTES[usize::from(first & 0x7f)] == 2
                    && rest.iter().all(|&c| NAME_BYTES[usize::from(c & 0x7f)] != 0)
            }
            None => false,
        };
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_texts::random_texts;

    /// The escapes as they were written byte by byte: the oracle of the word
    /// at a time ones.
    fn json_reference(s: &str) -> Vec<u8> {
        let mut out = vec![b'"'];
        for &c in s.as_bytes() {
            match c {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0..=0x1f => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
                _ => out.push(c),
            }
        }
        out.push(b'"');
        out
    }

    fn xml_reference(s: &str, attr: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for &c in s.as_bytes() {
            match c {
                b'&' => out.extend_from_slice(b"&amp;"),
                b'<' => out.extend_from_slice(b"&lt;"),
                b'>' => out.extend_from_slice(b"&gt;"),
                b'"' if attr => out.extend_from_slice(b"&quot;"),
                b'\r' => out.extend_from_slice(b"&#13;"),
                b'\t' if attr => out.extend_from_slice(b"&#9;"),
                b'\n' if attr => out.extend_from_slice(b"&#10;"),
                _ => out.push(c),
            }
        }
        out
    }

    /// Texts of every kind of piece, escaped word at a time and byte by byte:
    /// the same bytes, and the same verdict on characters XML cannot carry.
    #[test]
    fn escapes_word_at_a_time_are_the_byte_by_byte_ones() {
        let pieces: &[&[u8]] = &[
            b"a",
            b"Travaux de voirie ",
            b"\"",
            b"\\",
            b"\n",
            b"\r",
            b"\t",
            b"\x01",
            b"\x1f",
            b"\x7f",
            b" ",
            b"&",
            b"<",
            b">",
            "\u{e9}".as_bytes(),
            "\u{85}".as_bytes(),
            "\u{fffe}".as_bytes(),
            "\u{20ac}".as_bytes(),
            "\u{1F600}".as_bytes(),
            b"0123456789",
        ];
        let mut escaped = 0;
        for t in random_texts(pieces, 4000, 40) {
            let s = std::str::from_utf8(&t).unwrap();
            let mut j = JsonOut::new(false);
            j.escape(s);
            assert_eq!(j.bytes(), json_reference(s), "{s:?}");
            escaped += usize::from(j.bytes().len() > s.len() + 2);
            for attr in [false, true] {
                let mut x = XmlOut::at_depth(false, 0);
                x.escape(s, attr);
                assert_eq!(x.buf, xml_reference(s, attr), "{s:?} attr {attr}");
                let bad = s.chars().find(|&c| !crate::lexical::xml_char(c));
                let want =
                    bad.map(|c| crate::message::Message::XmlCharacter { code: u32::from(c) });
                assert_eq!(x.error, want, "{s:?}");
            }
        }
        assert!(escaped > 1000, "texts with something to escape: {escaped}");
    }

    /// A name XML cannot carry is kept as data in a substitute element, closed
    /// as it was opened; a valid one is written as is.
    #[test]
    fn names_xml_cannot_carry_are_kept_in_a_substitute() {
        let mut x = XmlOut::at_depth(false, 0);
        x.leaf("montant", "1");
        x.leaf("a b", "t<");
        x.leaf("2x", "");
        x.start("été", &[]);
        x.leaf("x:y", "v");
        x.end("été");
        x.start("é t", &[("k", "\"")]);
        x.end("é t");
        let out = String::from_utf8(x.buf).unwrap();
        assert_eq!(
            out,
            concat!(
                "<montant>1</montant>",
                "<_ name=\"a b\">t&lt;</_>",
                "<_ name=\"2x\"/>",
                "<été><_ name=\"x:y\">v</_></été>",
                "<_ name=\"é t\" k=\"&quot;\"></_>",
            )
        );
        assert_eq!(x.error, None);
    }

    /// The name test on ASCII bytes is the test on characters.
    #[test]
    fn ascii_names_are_tested_as_characters_are() {
        let by_chars = |s: &str| {
            let mut chars = s.chars();
            match chars.next() {
                Some(c) if c == '_' || c.is_alphabetic() => {}
                _ => return false,
            }
            chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
        };
        let pieces: &[&[u8]] = &[
            b"a",
            b"Z",
            b"_",
            b"-",
            b".",
            b"0",
            b"9",
            b":",
            b" ",
            b"@",
            b"titulaire",
            b"\x7f",
            "\u{e9}".as_bytes(),
            "\u{663}".as_bytes(),
        ];
        let (mut names, mut ascii) = (0, 0);
        for t in random_texts(pieces, 5000, 8) {
            let s = std::str::from_utf8(&t).unwrap();
            assert_eq!(is_xml_name(s), by_chars(s), "{s:?}");
            names += usize::from(by_chars(s));
            ascii += usize::from(s.is_ascii() && by_chars(s));
        }
        assert!(names > 500 && ascii > 300, "{names} names, {ascii} ASCII");
    }
}
