//! Low-level JSON and XML emitters shared by the writers and the codecs.

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
        self.buf.push(b'"');
        let b = s.as_bytes();
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            self.buf.extend_from_slice(&b[start..i]);
            if esc.is_empty() {
                self.buf.extend_from_slice(format!("\\u{c:04x}").as_bytes());
            } else {
                self.buf.extend_from_slice(esc);
            }
            start = i + 1;
        }
        self.buf.extend_from_slice(&b[start..]);
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

    /// Writes `<name attr="v"…>` (or a substitute for a name that is not an XML name).
    fn open_tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.newline();
        self.buf.push(b'<');
        if is_xml_name(name) {
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
    }

    fn close_tag(&mut self, name: &str) {
        self.buf.extend_from_slice(b"</");
        self.buf
            .extend_from_slice(if is_xml_name(name) { name } else { "_" }.as_bytes());
        self.buf.push(b'>');
    }

    pub fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.open_tag(name, attrs);
        self.buf.push(b'>');
        self.depth += 1;
    }

    pub fn end(&mut self, name: &str) {
        self.depth -= 1;
        self.newline();
        self.close_tag(name);
    }

    /// `<name>text</name>`, or `<name/>` for empty text.
    pub fn leaf(&mut self, name: &str, text: &str) {
        self.open_tag(name, &[]);
        if text.is_empty() {
            self.buf.extend_from_slice(b"/>");
        } else {
            self.buf.push(b'>');
            self.escape(text, false);
            self.close_tag(name);
        }
    }

    /// Text inside the current element (mixed content kept from an input).
    pub fn text(&mut self, text: &str) {
        self.escape(text, false);
    }

    fn escape(&mut self, s: &str, attr: bool) {
        let b = s.as_bytes();
        let mut start = 0;
        for (i, &c) in b.iter().enumerate() {
            let esc: &[u8] = match c {
                b'&' => b"&amp;",
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'"' if attr => b"&quot;",
                b'\r' => b"&#13;",
                b'\t' if attr => b"&#9;",
                b'\n' if attr => b"&#10;",
                _ => continue,
            };
            self.buf.extend_from_slice(&b[start..i]);
            self.buf.extend_from_slice(esc);
            start = i + 1;
        }
        self.buf.extend_from_slice(&b[start..]);
        if let Some(c) = s.chars().find(|&c| !crate::lexical::xml_char(c)) {
            self.error = Some(crate::message::Message::XmlCharacter { code: u32::from(c) });
        }
    }
}

/// A conservative test for XML names (no colon: documents have no namespace).
pub(crate) fn is_xml_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
}
