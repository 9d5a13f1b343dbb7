//! The JSON record parser.

use bumpalo::Bump;
use bumpalo::collections::{String as BString, Vec as BVec};

use super::{Member, Node, TreeError, V, err};
use crate::limits::Limits;
use crate::message::{Message, Token};

/// Parses one JSON value that spans the whole of `src` (surrounding white space allowed).
/// With `nan`, the non-JSON literal `NaN` some producers write is read (as
/// `V::Num("NaN")`, which no number type accepts).
pub(crate) fn parse_json<'a>(
    src: &'a str,
    limits: Limits,
    nan: bool,
    bump: &'a Bump,
) -> Result<Node<'a>, TreeError> {
    let mut p = JsonParser::new(src, limits, nan, bump);
    p.ws();
    let n = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return err(p.i, Message::TrailingCharacters);
    }
    Ok(n)
}

/// Parses the JSON object that starts `src` and returns it with the offset just
/// after its closing brace; what follows is not looked at. Used to read a record
/// straight from the input buffer: any error (including an object cut by the end
/// of `src`) sends the caller back to the splitter, which reports it properly.
pub(crate) fn parse_json_object_prefix<'a>(
    src: &'a str,
    limits: Limits,
    nan: bool,
    bump: &'a Bump,
) -> Result<(Node<'a>, usize), TreeError> {
    let mut p = JsonParser::new(src, limits, nan, bump);
    if p.peek() != Some(b'{') {
        return p.unexpected(Token::OpenBrace);
    }
    let n = p.value(0)?;
    Ok((n, p.i))
}

struct JsonParser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    max_depth: usize,
    max_members: usize,
    max_value: usize,
    nan: bool,
    bump: &'a Bump,
    /// The error of the object or array that failed.
    failed: Option<TreeError>,
}

impl<'a> JsonParser<'a> {
    fn new(src: &'a str, limits: Limits, nan: bool, bump: &'a Bump) -> JsonParser<'a> {
        JsonParser {
            s: src,
            b: src.as_bytes(),
            i: 0,
            max_depth: limits.max_depth,
            max_members: limits.max_members,
            max_value: limits.max_value_bytes,
            nan,
            bump,
            failed: None,
        }
    }

    /// Skips JSON whitespace. Most calls find none (a quote, a colon, a digit
    /// is next): one comparison tells, as every whitespace byte is at most a
    /// space. After a line break, the indentation that follows is counted a word
    /// at a time (four in ten bytes of a pretty-printed file are indentation).
    #[inline(always)]
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            if c > b' ' {
                return;
            }
            match c {
                b'\n' => self.i = leading_spaces(self.b, self.i + 1),
                b' ' | b'\r' | b'\t' => self.i += 1,
                _ => return,
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn expect_byte(&mut self, c: u8, what: Token) -> Result<(), TreeError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            self.unexpected(what)
        }
    }

    fn unexpected<T>(&self, what: Token) -> Result<T, TreeError> {
        match self.s[self.i..].chars().next() {
            None => err(
                self.i,
                Message::UnexpectedEnd {
                    input: false,
                    expected: what,
                },
            ),
            Some(c) => err(
                self.i,
                Message::UnexpectedChar {
                    found: c,
                    expected: what,
                },
            ),
        }
    }

    /// One value (see [`JsonParser::value_to`]).
    fn value(&mut self, depth: usize) -> Result<Node<'a>, TreeError> {
        let mut out = None;
        self.value_to(depth, |n| out = Some(n))?;
        // `value_to` puts every value it returns `Ok` for: this error is never
        // made (it stands where a panic would).
        out.ok_or(TreeError {
            off: self.i,
            msg: Message::MalformedValue,
        })
    }

    /// One value, handed to `put` once read. Scalars are read here (inlined
    /// into the loops of objects and arrays: most values are scalars); objects
    /// and arrays in their own functions, which return only their slice (in
    /// registers) and leave an error in `self.failed`. Each kind of value is
    /// put from its own branch: a node made in every branch and put after
    /// them was written to the stack in pieces and read back whole, a load
    /// that waits for the stores (a fifth of the time of `object`).
    #[inline(always)]
    fn value_to(&mut self, depth: usize, put: impl FnOnce(Node<'a>)) -> Result<(), TreeError> {
        let off = self.i;
        let node = |v| Node { off: off as u32, v };
        match self.peek() {
            Some(b'"') => put(node(V::Str(self.string()?))),
            Some(b'{') => match self.object(depth) {
                Some(m) => put(node(V::Obj(m))),
                None => return Err(self.take_failure()),
            },
            Some(b'[') => match self.array(depth) {
                Some(a) => put(node(V::Arr(a))),
                None => return Err(self.take_failure()),
            },
            Some(b't') => put(self.literal("true", node(V::Bool(true)))?),
            Some(b'f') => put(self.literal("false", node(V::Bool(false)))?),
            Some(b'n') => put(self.literal("null", node(V::Null))?),
            Some(b'N') if self.nan => put(self.literal("NaN", node(V::Num("NaN")))?),
            Some(b'-' | b'0'..=b'9') => {
                let end = number_end(self.b, self.i).ok_or(TreeError {
                    off,
                    msg: Message::MalformedNumber,
                })?;
                if end - off > self.max_value {
                    return err(
                        off,
                        Message::TooLong {
                            max: self.max_value,
                        },
                    );
                }
                self.i = end;
                put(node(V::Num(&self.s[off..end])));
            }
            _ => return self.unexpected(Token::Value),
        }
        Ok(())
    }

    /// Keeps `r`'s error for [`JsonParser::take_failure`].
    fn fail<T>(&mut self, r: Result<std::convert::Infallible, TreeError>) -> Option<T> {
        let Err(e) = r;
        self.failed = Some(e);
        None
    }

    fn take_failure(&mut self) -> TreeError {
        self.failed.take().unwrap_or(TreeError {
            off: self.i,
            msg: Message::MalformedValue,
        })
    }

    /// An object, from its `{`.
    #[inline(never)]
    fn object(&mut self, depth: usize) -> Option<&'a [Member<'a>]> {
        macro_rules! tri {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => return self.fail(Err(e)),
                }
            };
        }
        if depth >= self.max_depth {
            let e = Message::TooDeep {
                max: self.max_depth,
            };
            return self.fail(err(self.i, e));
        }
        self.i += 1;
        // A record has some thirty members; nested objects a few.
        let mut members = BVec::with_capacity_in(if depth == 0 { 32 } else { 4 }, self.bump);
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Some(&[]);
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return self.fail(self.unexpected(Token::Key));
            }
            let key = tri!(self.string());
            self.ws();
            tri!(self.expect_byte(b':', Token::Colon));
            self.ws();
            let (max, mut over) = (self.max_members, None);
            tri!(self.value_to(depth + 1, |v| {
                if members.len() >= max {
                    over = Some(v.off as usize);
                } else {
                    members.push((key, v));
                }
            }));
            if let Some(off) = over {
                return self.fail(err(off, Message::TooMany { max }));
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Some(members.into_bump_slice());
                }
                _ => return self.fail(self.unexpected(Token::CommaOrBrace)),
            }
        }
    }

    /// An array, from its `[`.
    #[inline(never)]
    fn array(&mut self, depth: usize) -> Option<&'a [Node<'a>]> {
        if depth >= self.max_depth {
            let e = Message::TooDeep {
                max: self.max_depth,
            };
            return self.fail(err(self.i, e));
        }
        self.i += 1;
        let mut items = BVec::with_capacity_in(4, self.bump);
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Some(&[]);
        }
        loop {
            self.ws();
            let (max, mut over) = (self.max_members, None);
            let put = |v: Node<'a>| {
                if items.len() >= max {
                    over = Some(v.off as usize);
                } else {
                    items.push(v);
                }
            };
            if let Err(e) = self.value_to(depth + 1, put) {
                return self.fail(Err(e));
            }
            if let Some(off) = over {
                return self.fail(err(off, Message::TooMany { max }));
            }
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Some(items.into_bump_slice());
                }
                _ => return self.fail(self.unexpected(Token::CommaOrBracket)),
            }
        }
    }

    fn literal(&mut self, word: &str, n: Node<'a>) -> Result<Node<'a>, TreeError> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(n)
        } else {
            self.unexpected(Token::Value)
        }
    }

    /// Parses a string starting at the opening quote.
    #[inline(always)]
    fn string(&mut self) -> Result<&'a str, TreeError> {
        let start = self.i + 1;
        let mut i = start;
        let mut owned: Option<BString<'a>> = None;
        let mut chunk = start;
        loop {
            let Some(j) = string_special(self.b, i) else {
                return err(self.b.len(), Message::UnterminatedString);
            };
            match self.b[j] {
                b'"' => {
                    if j - start > self.max_value {
                        return err(
                            start,
                            Message::TooLong {
                                max: self.max_value,
                            },
                        );
                    }
                    self.i = j + 1;
                    return Ok(match owned {
                        None => &self.s[start..j],
                        Some(mut o) => {
                            o.push_str(&self.s[chunk..j]);
                            o.into_bump_str()
                        }
                    });
                }
                b'\n' => return err(j, Message::LineBreakInString),
                // Control characters are not allowed raw inside JSON strings.
                c if c < 0x20 => return err(j, Message::ControlCharInString),
                _ => {
                    let o = owned.get_or_insert_with(|| BString::new_in(self.bump));
                    o.push_str(&self.s[chunk..j]);
                    let (c, len) = self.escape(j)?;
                    o.push(c);
                    i = j + len;
                    chunk = i;
                }
            }
        }
    }

    /// Decodes the escape at `at` (a backslash); returns the char and the escape's length.
    fn escape(&self, at: usize) -> Result<(char, usize), TreeError> {
        let c = match self.b.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = self.hex4(at + 2)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if self.b.get(at + 6) == Some(&b'\\') && self.b.get(at + 7) == Some(&b'u') {
                        let lo = self.hex4(at + 8)?;
                        if (0xDC00..0xE000).contains(&lo) {
                            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            return match char::from_u32(cp) {
                                Some(c) => Ok((c, 12)),
                                None => err(at, Message::InvalidUnicodeEscape),
                            };
                        }
                    }
                    return err(at, Message::UnpairedSurrogate);
                }
                return match char::from_u32(hi) {
                    Some(c) => Ok((c, 6)),
                    None => err(at, Message::UnpairedSurrogate),
                };
            }
            _ => return err(at, Message::InvalidEscape),
        };
        Ok((c, 2))
    }

    fn hex4(&self, at: usize) -> Result<u32, TreeError> {
        let Some(h) = self.b.get(at..at + 4) else {
            return err(at, Message::TruncatedUnicodeEscape);
        };
        let mut v = 0u32;
        for &c in h {
            let d = (c as char).to_digit(16).ok_or(TreeError {
                off: at,
                msg: Message::InvalidUnicodeEscape,
            })?;
            v = v * 16 + d;
        }
        Ok(v)
    }
}

/// The index of the first byte from `i` on that ends a run of plain string content:
/// a quote, a backslash or a control character (below 0x20). Eight bytes at a time:
/// for each, the classic "has a zero byte" test on the word, the word xor a quote,
/// the word xor a backslash, and "has a byte below 0x20"; the lowest flagged byte is
/// exact (borrows only ever flag bytes above a true one).
#[inline]
pub(super) fn string_special(b: &[u8], mut i: usize) -> Option<usize> {
    use crate::lexical::{below, equal, word};
    while let Some(w) = b.get(i..i + 8) {
        let x = word(w);
        let m = equal(x, b'"') | equal(x, b'\\') | below(x, 0x20);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b.get(i..)?
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .map(|k| i + k)
}

/// The index of the first byte from `i` on that is not a space (`b.len()` if
/// none is): eight bytes at a time, the first other byte found by the lowest
/// set bit of the word xor eight spaces.
#[inline(always)]
pub(super) fn leading_spaces(b: &[u8], mut i: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]) ^ SPACES;
        if x != 0 {
            return i + (x.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// The end of a JSON number starting at `i`, if it follows the JSON grammar.
pub(crate) fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |b: &[u8], mut i: usize| {
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > s).then_some(i)
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(b, i)?,
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(b, i)?;
    }
    Some(i)
}
