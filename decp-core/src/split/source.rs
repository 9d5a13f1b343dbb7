//! The buffered input and the positions of its bytes.

use std::io::{self, Read};
use std::sync::Arc;

use crate::encoding::SingleByte;
use crate::error::{Error, Position, Result};

const CHUNK: usize = 64 * 1024;

/// Buffers kept for reuse once the records that shared them are gone (a few
/// batches' worth for the parallel driver; each at most one and a half chunks).
const SPARES: usize = 32;

/// Counts the characters (not bytes) of UTF-8 text; invalid bytes count as one each
/// only when they are not continuation bytes.
fn count_chars(s: &[u8]) -> u64 {
    s.iter().filter(|&&b| (b as i8) >= -0x40).count() as u64
}

/// Moves `pos` over `s`.
pub(crate) fn advance_pos(pos: &mut Position, s: &[u8]) {
    pos.byte += s.len() as u64;
    match memchr::memrchr(b'\n', s) {
        Some(last) => {
            pos.line += memchr::memchr_iter(b'\n', s).count() as u64;
            pos.column = 1 + count_chars(&s[last + 1..]);
        }
        None => pos.column += count_chars(s),
    }
}

/// The position of byte `off` of a record that starts at `start`.
pub(crate) fn locate(bytes: &[u8], start: Position, off: usize) -> Position {
    let mut p = start;
    advance_pos(&mut p, &bytes[..off.min(bytes.len())]);
    p
}

/// The buffered input with the position of its next byte.
pub(crate) struct Source<R> {
    rdr: R,
    /// The buffered bytes. The parallel driver's runs of records share it
    /// ([`Source::shared`]) instead of copying their bytes: a buffer still shared
    /// is never written again, the source goes on in another
    /// ([`Source::unshare`]).
    buf: Arc<Vec<u8>>,
    /// Buffers that records shared, kept to be reused once they are dropped.
    spares: Vec<Arc<Vec<u8>>>,
    start: usize,
    end: usize,
    eof: bool,
    pub pos: Position,
    /// When set, bytes are transcoded to UTF-8 as they are read (positions then
    /// count UTF-8 bytes; lines and columns are those of the input).
    transcode: Option<SingleByte>,
    raw: Vec<u8>,
    /// Bumped whenever the buffer's bytes change (a refill, a transcoding):
    /// [`Source::text`] serves the bytes it checked only while it is the same.
    generation: u64,
    /// `buf[text_at..text_end]` is valid UTF-8 (checked once per refill, so that
    /// records can be parsed in place: [`Source::text`]) while `text_generation`
    /// is `generation`.
    text_at: usize,
    text_end: usize,
    text_generation: u64,
    /// A read error met by [`Source::refill_keeping`], returned by the next
    /// [`Source::fill`] (where the reader would have met it).
    pending: Option<io::Error>,
}

impl<R: Read> Source<R> {
    pub fn new(rdr: R) -> Source<R> {
        Source {
            rdr,
            buf: Arc::new(vec![0; CHUNK]),
            spares: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            pos: Position::START,
            transcode: None,
            raw: Vec::new(),
            generation: 0,
            text_at: 0,
            text_end: 0,
            text_generation: u64::MAX,
            pending: None,
        }
    }

    /// The buffered input from the next unread byte, as far as it is valid UTF-8
    /// (possibly empty; never beyond the buffer; empty when the next byte is
    /// inside a character). Validated once per refill, so that reading many
    /// records in place costs one pass over the bytes, and not copied.
    pub fn text(&mut self) -> &str {
        if self.text_generation != self.generation
            || self.start < self.text_at
            || self.start >= self.text_end
        {
            let valid = match crate::lexical::utf8(&self.buf[self.start..self.end]) {
                Ok(t) => t.len(),
                Err(n) => n,
            };
            self.text_at = self.start;
            self.text_end = self.start + valid;
            self.text_generation = self.generation;
        }
        let b = &self.buf[self.start..self.text_end];
        // A continuation byte (10xxxxxx) starts no character.
        if b.first().is_some_and(|&c| c & 0xC0 == 0x80) {
            return "";
        }
        // SAFETY: `buf[text_at..text_end]` was checked to be UTF-8 since the
        // buffer last changed (the generation is the same), and `b` is a part of
        // it that starts at a character's first byte and ends where it ends: it
        // is UTF-8 too.
        #[allow(unsafe_code)]
        unsafe {
            std::str::from_utf8_unchecked(b)
        }
    }

    /// From now on, reads the input as `enc` (what is buffered is transcoded too).
    pub fn set_transcode(&mut self, enc: SingleByte) {
        let mut out = Vec::with_capacity(CHUNK.max(2 * (self.end - self.start)));
        enc.decode_into(&self.buf[self.start..self.end], &mut out);
        self.end = out.len();
        self.start = 0;
        self.buf = Arc::new(out);
        self.transcode = Some(enc);
        self.generation += 1;
    }

    /// Reads more input into the buffer after its first `kept` bytes (transcoded
    /// when the input is); the number of bytes added.
    /// The buffer must be unshared ([`Source::unshare`]) with `buf[..kept]`
    /// the unread bytes.
    fn read_more(&mut self, kept: usize) -> io::Result<usize> {
        debug_assert!(self.start == 0 || kept == 0);
        let buf = Arc::make_mut(&mut self.buf);
        match self.transcode {
            None => {
                if buf.len() < kept + CHUNK {
                    buf.resize(kept + CHUNK, 0);
                }
                self.rdr.read(&mut buf[kept..])
            }
            Some(enc) => {
                self.raw.resize(CHUNK / 3, 0);
                let n = self.rdr.read(&mut self.raw)?;
                buf.truncate(kept);
                enc.decode_into(&self.raw[..n], buf);
                Ok(buf.len() - kept)
            }
        }
    }

    /// Makes the buffer this source's own before it is written: when records
    /// still share it, the unread bytes go to the front of a spare buffer (one
    /// no record shares any more) or a new one, and the shared one is left to
    /// them. Positions in the buffer may change: the checked text is stale.
    fn unshare(&mut self) {
        if Arc::get_mut(&mut self.buf).is_some() {
            return;
        }
        let unread = &self.buf[self.start..self.end];
        let spare = self.spares.iter().position(|b| Arc::strong_count(b) == 1);
        let mut fresh = match spare.map(|i| Arc::try_unwrap(self.spares.swap_remove(i))) {
            Some(Ok(b)) => b,
            // Room for a refill behind the unread bytes: grown once.
            _ => Vec::with_capacity(CHUNK + CHUNK / 2),
        };
        if fresh.len() < unread.len() {
            fresh.resize(unread.len(), 0);
        }
        fresh[..unread.len()].copy_from_slice(unread);
        self.end = unread.len();
        self.start = 0;
        let shared = std::mem::replace(&mut self.buf, Arc::new(fresh));
        if self.spares.len() < SPARES {
            self.spares.push(shared);
        }
        self.generation += 1;
    }

    /// The buffer and the offset in it of the next unread byte, for records
    /// that share it ([`Source::chunk`] is the same bytes): it is not written
    /// again while they hold it.
    pub fn shared(&self) -> (&Arc<Vec<u8>>, usize) {
        (&self.buf, self.start)
    }

    /// Moves the unread bytes to the front of the buffer and reads more after
    /// them, so that a record cut by the buffer's end can be read in place: only
    /// when less than half a chunk is unread (the buffer stays within one and a
    /// half chunks). `false` when nothing more was read: the end of input, a
    /// read error (kept for the next [`Source::fill`]), or too much unread.
    pub fn refill_keeping(&mut self) -> bool {
        let kept = self.end - self.start;
        if self.eof || self.pending.is_some() || kept >= CHUNK / 2 {
            return false;
        }
        self.unshare();
        let (start, end) = (self.start, self.end);
        Arc::make_mut(&mut self.buf).copy_within(start..end, 0);
        self.start = 0;
        self.end = kept;
        // The bytes moved: the checked text's offsets are stale.
        self.generation += 1;
        loop {
            match self.read_more(kept) {
                Ok(0) => {
                    self.eof = true;
                    return false;
                }
                Ok(n) => {
                    self.end = kept + n;
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.pending = Some(e);
                    return false;
                }
            }
        }
    }

    /// Makes at least one byte available; `false` at the end of input.
    pub fn fill(&mut self) -> io::Result<bool> {
        while self.start == self.end {
            if let Some(e) = self.pending.take() {
                return Err(e);
            }
            if self.eof {
                return Ok(false);
            }
            self.unshare();
            match self.read_more(0) {
                Ok(0) => {
                    // Transcoding clears the buffer before a read: nothing is
                    // buffered any more, at the same offsets. The buffer changed:
                    // its checked text (`text`) must not be served again.
                    self.eof = true;
                    self.start = 0;
                    self.end = 0;
                    self.generation += 1;
                }
                Ok(n) => {
                    self.start = 0;
                    self.end = n;
                    self.generation += 1;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    pub fn chunk(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    pub fn peek(&mut self) -> Result<Option<u8>> {
        Ok(if self.fill()? {
            Some(self.buf[self.start])
        } else {
            None
        })
    }

    /// Consumes `n` available bytes, appending them to `out` when given.
    pub fn consume(&mut self, n: usize, out: Option<&mut Vec<u8>>) {
        let s = &self.buf[self.start..self.start + n];
        if let Some(out) = out {
            out.extend_from_slice(s);
        }
        advance_pos(&mut self.pos, s);
        self.start += n;
    }

    /// Consumes `n` available bytes whose end is at `pos` (computed by the caller).
    pub fn consume_to(&mut self, n: usize, pos: Position) {
        debug_assert!(n <= self.end - self.start);
        self.start += n;
        self.pos = pos;
    }

    /// Buffers up to `n` bytes (fewer only at the end of input) and returns what is
    /// buffered from the next unread byte.
    pub fn lookahead(&mut self, n: usize) -> io::Result<&[u8]> {
        // It reads raw bytes into the buffer: only before transcoding starts.
        debug_assert!(self.transcode.is_none() || self.end - self.start >= n);
        while self.end - self.start < n && !self.eof {
            if let Some(e) = self.pending.take() {
                return Err(e);
            }
            self.unshare();
            let (start, end) = (self.start, self.end);
            let buf = Arc::make_mut(&mut self.buf);
            if start > 0 {
                buf.copy_within(start..end, 0);
                self.end -= start;
                self.start = 0;
            }
            if buf.len() < n {
                buf.resize(n, 0);
            }
            self.generation += 1;
            match self.rdr.read(&mut buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.chunk())
    }

    /// Skips a UTF-8 byte-order mark; rejects UTF-16 and UTF-32 ones.
    pub fn skip_bom(&mut self) -> Result<()> {
        self.lookahead(3)?;
        let c = self.chunk();
        if c.starts_with(b"\xEF\xBB\xBF") {
            self.start += 3;
            self.pos.byte += 3;
        } else if c.starts_with(b"\xFF\xFE") || c.starts_with(b"\xFE\xFF") {
            return Err(Error::unsupported(
                self.pos,
                crate::message::Message::Utf16,
                false,
            ));
        }
        Ok(())
    }

    /// Skips white space; returns the next byte, if any.
    pub fn skip_ws(&mut self) -> Result<Option<u8>> {
        while self.fill()? {
            let c = self.chunk();
            match c
                .iter()
                .position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            {
                Some(i) => {
                    let b = c[i];
                    self.consume(i, None);
                    return Ok(Some(b));
                }
                None => {
                    let n = c.len();
                    self.consume(n, None);
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives its parts one `read` at a time.
    struct Parts(Vec<Vec<u8>>);

    impl Read for Parts {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Ok(0);
            }
            let part = &mut self.0[0];
            let n = part.len().min(out.len());
            out[..n].copy_from_slice(&part[..n]);
            part.drain(..n);
            if part.is_empty() {
                self.0.remove(0);
            }
            Ok(n)
        }
    }

    fn source(parts: &[&[u8]]) -> Source<Parts> {
        Source::new(Parts(parts.iter().map(|p| p.to_vec()).collect()))
    }

    #[test]
    fn the_text_is_the_valid_prefix_from_the_next_byte() {
        let mut s = source(&["é{\"a\": \"à\"}\u{1F600}".as_bytes()]);
        assert!(s.fill().unwrap());
        assert_eq!(s.text(), "é{\"a\": \"à\"}\u{1F600}");
        // From a character's first byte: the rest, without a new check.
        s.consume(2, None);
        assert_eq!(s.text(), "{\"a\": \"à\"}\u{1F600}");
        // From inside a character (`à`'s second byte): nothing.
        s.consume(8, None);
        assert_eq!(s.text(), "");
        s.consume(1, None);
        assert_eq!(s.text(), "\"}\u{1F600}");
    }

    #[test]
    fn the_text_stops_before_a_byte_that_is_not_utf8() {
        let mut s = source(&[b"ab\xffcd"]);
        assert!(s.fill().unwrap());
        assert_eq!(s.text(), "ab");
        s.consume(2, None);
        assert_eq!(s.text(), "");
        s.consume(1, None);
        // Past the bad byte, the rest is checked anew.
        assert_eq!(s.text(), "cd");
    }

    #[test]
    fn the_text_follows_the_buffer_when_it_changes() {
        // A character cut by the end of a read: not text until the rest comes.
        let mut s = source(&[b"{\"x\": \"\xc3", b"\xa9\"}"]);
        assert!(s.fill().unwrap());
        assert_eq!(s.text(), "{\"x\": \"");
        s.consume(3, None);
        assert_eq!(s.text(), "\": \"");
        // The unread bytes move to the buffer's start and the rest is read
        // behind them: the text is the new bytes, checked again.
        assert!(s.refill_keeping());
        assert_eq!(s.text(), "\": \"é\"}");
        // Transcoded from windows-1252 from now on: the buffered bytes too.
        let mut s = source(&[b"caf\xe9 \xe0"]);
        assert!(s.fill().unwrap());
        assert_eq!(s.text(), "caf");
        s.set_transcode(SingleByte::WINDOWS_1252);
        assert_eq!(s.text(), "café à");
    }
}
