//! Where a record ends, found fast: a JSON object's end 64 bytes at a time, an XML
//! element's end by a search for its end tag (issue 16's serial stage).
//!
//! The splitter's general walk ([`super::JsonSplitter`]) looks at the bytes one
//! token at a time, which is what a reader thread cannot afford when several
//! workers wait for records. This module finds the end of an object the way
//! structural indexers do (simdjson's stage 1): each block of 64 bytes becomes
//! bit masks (quotes, backslashes, braces), escaped characters and string
//! interiors become masks by carries and a prefix XOR, and the depth moves at
//! each brace outside strings (a few per block). The masks come from 32-byte
//! AVX2 compares and the prefix XOR from a carry-less multiply (PCLMULQDQ)
//! where the CPU has them, detected at run time (the only `unsafe` here: the
//! intrinsics and their loads); elsewhere from portable 16-byte compares
//! (`wide`) and shifts, which give the same masks (tested against each other).
//! The result is the general walk's on every input (tested against it, and
//! fuzzed by the `json_reader` target): the same end, the same refusal of an
//! object too deep or too long (left to the general walk, which reports it).

use wide::u8x16;

const EVEN: u64 = 0x5555_5555_5555_5555;

/// The masks of one block of 64 bytes (bit `i`: byte `i`).
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
}

fn classify(block: &[u8; 64]) -> Masks {
    Masks {
        quote: eq_mask(block, b'"'),
        backslash: eq_mask(block, b'\\'),
        open: eq_mask(block, b'{'),
        close: eq_mask(block, b'}'),
    }
}

/// Bit `i` set when `block[i] == byte`: four 16-byte compares.
fn eq_mask(block: &[u8; 64], byte: u8) -> u64 {
    let needle = u8x16::splat(byte);
    let mut m = 0u64;
    for (k, part) in block.chunks_exact(16).enumerate() {
        let mut a = [0u8; 16];
        a.copy_from_slice(part);
        m |= u64::from(u8x16::new(a).simd_eq(needle).to_bitmask()) << (16 * k);
    }
    m
}

/// The 64 bytes of `buf` from `base`, the last block padded with `pad`; with how
/// many are `buf`'s.
fn block_at(buf: &[u8], base: usize, pad: u8) -> ([u8; 64], usize) {
    if let Some(Ok(block)) = buf.get(base..base + 64).map(<[u8; 64]>::try_from) {
        return (block, 64);
    }
    let n = buf.len().saturating_sub(base).min(64);
    let mut block = [pad; 64];
    block[..n].copy_from_slice(&buf[base..base + n]);
    (block, n)
}

/// The positions of `byte` in `buf`, in order, found 64 bytes at a time: for
/// bytes that come often (an XML record's `<`, every dozen bytes or so), where a
/// search call per occurrence costs more than the masks.
pub(crate) fn positions(buf: &[u8], byte: u8) -> impl Iterator<Item = usize> + '_ {
    let mut base = 0usize;
    let mut bits = 0u64;
    std::iter::from_fn(move || {
        while bits == 0 {
            if base >= buf.len() {
                return None;
            }
            let (block, n) = block_at(buf, base, 0);
            bits = eq_mask(&block, byte);
            // Padding bytes are not the byte, even a zero.
            if n < 64 {
                bits &= (1u64 << n) - 1;
            }
            base += 64;
        }
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        Some(base - 64 + i)
    })
}

/// Bit `i` is the XOR of bits `0..=i`: set inside a string (its opening quote
/// included, its closing quote not).
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The characters escaped by a backslash (the one after an odd run of them).
/// `carry` is 1 when the previous block ended with an unpaired backslash; it is
/// updated for the next block.
fn escaped(backslash: u64, carry: &mut u64) -> u64 {
    let backslash = backslash & !*carry;
    let follows = (backslash << 1) | *carry;
    let odd_starts = backslash & !EVEN & !follows;
    let (even_runs, overflow) = odd_starts.overflowing_add(backslash);
    *carry = u64::from(overflow);
    (EVEN ^ (even_runs << 1)) & follows
}

/// Where the object that starts at `text[0]` ends, as far as it can be told from
/// `text` alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectEnd {
    /// The object is `text[..end]` (its line feeds are counted apart, by
    /// `memchr`'s count: faster than a mask here, without a population count
    /// instruction on the baseline x86-64).
    At { end: usize },
    /// `text` ends (or `max_len` bytes pass) before the object does, or the object
    /// nests more than `max_depth` braces: the general walk decides.
    Unknown,
}

/// Finds the end of the JSON object starting at `text[0]` (which must be `{`): the
/// brace that closes it outside strings. Only braces and strings count, as in the
/// splitter's walk of an object (a bracket out of place is the record parser's to
/// report). `Unknown` when it nests deeper than `max_depth` braces, is longer than
/// `max_len` bytes, is not whole in `text`, or has a backslash outside strings.
///
/// On x86-64 CPUs with AVX2 and PCLMULQDQ (checked at run time), a block's
/// masks come from two 32-byte compares per byte instead of four 16-byte ones,
/// and the string interiors from one carry-less multiplication.
pub(crate) fn object_end(text: &[u8], max_depth: usize, max_len: usize) -> ObjectEnd {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("pclmulqdq")
    {
        #[allow(unsafe_code)]
        // SAFETY: the CPU has AVX2 and PCLMULQDQ, checked just above.
        return unsafe { avx2::object_end(text, max_depth, max_len) };
    }
    object_end_in(text, max_depth, max_len, classify, prefix_xor)
}

/// [`object_end`] with the masks of each block from `classify`.
#[inline(always)]
fn object_end_in(
    text: &[u8],
    max_depth: usize,
    max_len: usize,
    classify: impl Fn(&[u8; 64]) -> Masks,
    prefix_xor: impl Fn(u64) -> u64,
) -> ObjectEnd {
    debug_assert_eq!(text.first(), Some(&b'{'));
    let limit = text.len().min(max_len.saturating_add(1));
    let max_depth = max_depth as u64;
    let mut depth = 0u64;
    let mut in_string = 0u64;
    let mut carry = 0u64;
    let mut base = 0usize;
    while base < limit {
        // The last, partial block is padded with spaces, which mean nothing.
        let (block, _) = block_at(text, base, b' ');
        let m = classify(&block);
        let quotes = m.quote & !escaped(m.backslash, &mut carry);
        let strings = prefix_xor(quotes) ^ in_string;
        in_string = 0u64.wrapping_sub(strings >> 63);
        // A backslash outside strings (broken JSON) escapes nothing for the walk,
        // but would here: past the first one, the walk decides. Up to it, both
        // read the same strings, so none goes unseen.
        let stray = m.backslash & !strings;
        let open = m.open & !strings;
        let close = m.close & !strings;
        // Braces are few (one per block, about, in DECP files): each is looked
        // at (a population count costs more without the POPCNT instruction).
        let mut bits = open | close;
        while bits != 0 {
            let i = bits.trailing_zeros();
            bits &= bits - 1;
            if open >> i & 1 == 1 {
                depth += 1;
                if depth > max_depth {
                    return ObjectEnd::Unknown;
                }
            } else {
                depth -= 1;
                if depth == 0 {
                    let end = base + i as usize + 1;
                    let upto = u64::MAX >> (63 - i);
                    if end > max_len || stray & upto != 0 {
                        return ObjectEnd::Unknown;
                    }
                    return ObjectEnd::At { end };
                }
            }
        }
        if stray != 0 {
            return ObjectEnd::Unknown;
        }
        base += 64;
    }
    ObjectEnd::Unknown
}

/// The masks with 32-byte vectors, for CPUs that have them.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use std::arch::x86_64::{
        __m256i, _mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_set_epi64x, _mm_set1_epi8,
        _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    };

    use super::{Masks, ObjectEnd};

    /// [`super::object_end`], compiled for AVX2 and PCLMULQDQ.
    #[target_feature(enable = "avx2,pclmulqdq")]
    pub(super) fn object_end(text: &[u8], max_depth: usize, max_len: usize) -> ObjectEnd {
        super::object_end_in(
            text,
            max_depth,
            max_len,
            |block| classify(block),
            |x| prefix_xor(x),
        )
    }

    /// [`super::prefix_xor`] as a carry-less multiplication by all ones.
    #[target_feature(enable = "pclmulqdq")]
    #[inline]
    fn prefix_xor(x: u64) -> u64 {
        let product = _mm_clmulepi64_si128(_mm_set_epi64x(0, x as i64), _mm_set1_epi8(-1), 0);
        _mm_cvtsi128_si64(product) as u64
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn classify(block: &[u8; 64]) -> Masks {
        // SAFETY: two unaligned 32-byte loads, at 0 and at 32, both inside the
        // 64 bytes of `block`.
        let (lo, hi) = unsafe {
            (
                _mm256_loadu_si256(block.as_ptr().cast::<__m256i>()),
                _mm256_loadu_si256(block[32..].as_ptr().cast::<__m256i>()),
            )
        };
        Masks {
            quote: eq_mask(lo, hi, b'"'),
            backslash: eq_mask(lo, hi, b'\\'),
            open: eq_mask(lo, hi, b'{'),
            close: eq_mask(lo, hi, b'}'),
        }
    }

    /// Bit `i` set when byte `i` of `lo` then `hi` is `byte`.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn eq_mask(lo: __m256i, hi: __m256i, byte: u8) -> u64 {
        let needle = _mm256_set1_epi8(byte as i8);
        let low = _mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, needle)) as u32;
        let high = _mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, needle)) as u32;
        u64::from(low) | (u64::from(high) << 32)
    }
}

/// The length of an element's content up to and including its end tag `</name>`,
/// when all of it is in `buf` and its end can be told by a byte search: the
/// splitter's fast path, instead of a walk through every tag. It gives up (`None`,
/// the caller walks) whenever the first `</name>` might not be the element's end:
/// a comment, CDATA section or processing instruction before it (`<!`, `<?`), an
/// element of the same name inside (`<name`), a quote since the last `<` before it
/// (the end tag could be inside an attribute value), the list's end tag
/// `</marches` (the record is not closed before it), an end tag that is not
/// exactly `</name>` (white space allowed), or an end cut by the buffer.
pub(crate) fn whole_element(buf: &[u8], name: &[u8]) -> Option<usize> {
    let name_char =
        |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b':') || c >= 0x80;
    // One pass over the markup: each `<` either ends the element, or makes the
    // search unsure (the walk decides), or is passed.
    // A name's first byte is looked at before the name is compared: most tags
    // inside a record start otherwise.
    let may_be_name = |s: &[u8]| name.first().is_none_or(|n| s.first() == Some(n));
    let mut last_markup = 0;
    for i in positions(buf, b'<') {
        let next = &buf[i + 1..];
        match next.first() {
            Some(b'/') => {
                let after = &next[1..];
                if may_be_name(after)
                    && after.starts_with(name)
                    && !after.get(name.len()).is_some_and(|&c| name_char(c))
                {
                    let rest = &after[name.len()..];
                    let ws = super::ws_len(rest);
                    // Not exactly `</name>`, or a quote since the last markup (the
                    // end tag could be inside an attribute value).
                    if rest.get(ws) != Some(&b'>')
                        || memchr::memchr2(b'"', b'\'', &buf[last_markup..i]).is_some()
                    {
                        return None;
                    }
                    return Some(i + 2 + name.len() + ws + 1);
                }
                // The list's end tag inside: the walk says where the record stops.
                if after.first() == Some(&b'm') && after.starts_with(b"marches") {
                    return None;
                }
            }
            Some(b'!' | b'?') => return None,
            _ if may_be_name(next)
                && next.starts_with(name)
                && matches!(
                    next.get(name.len()),
                    None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'>' | b'<')
                ) =>
            {
                return None;
            }
            _ => {}
        }
        last_markup = i;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`object_end`] as this CPU runs it, checked equal to the portable one
    /// (the AVX2 one, where the CPU has it, is then checked too).
    fn ends(text: &[u8], max_depth: usize, max_len: usize) -> ObjectEnd {
        let portable = object_end_in(text, max_depth, max_len, classify, prefix_xor);
        let run = object_end(text, max_depth, max_len);
        assert_eq!(run, portable, "{:?}", String::from_utf8_lossy(text));
        run
    }

    /// The end by a byte-at-a-time walk: the reference (with the same refusal of
    /// a backslash outside strings).
    fn reference(text: &[u8], max_depth: usize, max_len: usize) -> ObjectEnd {
        let (mut depth, mut in_str, mut esc) = (0usize, false, false);
        for (i, &b) in text.iter().enumerate() {
            if i >= max_len.saturating_add(1) {
                return ObjectEnd::Unknown;
            }
            if in_str {
                if esc {
                    esc = false;
                } else if b == b'\\' {
                    esc = true;
                } else if b == b'"' {
                    in_str = false;
                }
                continue;
            }
            match b {
                b'"' => in_str = true,
                b'\\' => return ObjectEnd::Unknown,
                b'{' => {
                    depth += 1;
                    if depth > max_depth {
                        return ObjectEnd::Unknown;
                    }
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        if i + 1 > max_len {
                            return ObjectEnd::Unknown;
                        }
                        return ObjectEnd::At { end: i + 1 };
                    }
                }
                _ => {}
            }
        }
        ObjectEnd::Unknown
    }

    #[test]
    fn escapes_strings_and_braces_across_blocks() {
        let cases: &[&[u8]] = &[
            b"{}",
            b"{\"a\": \"}\"}",
            b"{\"a\": \"\\\"}\"}",
            b"{\"a\": \"\\\\\"}",
            b"{\"a\": \"\\\\\\\"}\"} }",
            b"{\"a\": {\"b\": {\"c\": 1}}, \"d\": \"{{{\"}\n,",
            b"{\n  \"a\": 1\n}\n",
            b"{\"a\": 1",
            b"{\"a\": \"}",
        ];
        for case in cases {
            for pad in 0..70 {
                // The same object shifted across block boundaries by white space
                // inside it.
                let mut t = b"{".to_vec();
                t.extend(std::iter::repeat_n(b' ', pad));
                t.extend_from_slice(&case[1..]);
                for (depth, len) in [(64, usize::MAX), (2, usize::MAX), (64, 10), (1, 80)] {
                    assert_eq!(
                        ends(&t, depth, len),
                        reference(&t, depth, len),
                        "{:?} depth {depth} len {len}",
                        String::from_utf8_lossy(&t)
                    );
                }
            }
        }
    }

    #[test]
    fn positions_are_memchrs() {
        let text: Vec<u8> = (0..300u32)
            .map(|i| {
                if i % 7 == 0 || i % 64 == 63 {
                    b'<'
                } else {
                    b'a'
                }
            })
            .collect();
        for len in 0..text.len() {
            for byte in [b'<', b'a', 0] {
                let want: Vec<usize> = memchr::memchr_iter(byte, &text[..len]).collect();
                assert_eq!(
                    positions(&text[..len], byte).collect::<Vec<_>>(),
                    want,
                    "{len}"
                );
            }
        }
    }

    #[test]
    fn runs_of_backslashes_of_every_length() {
        for run in 0..140 {
            for pad in 0..64 {
                let mut t = b"{\"".to_vec();
                t.extend(std::iter::repeat_n(b'x', pad));
                t.extend(std::iter::repeat_n(b'\\', run));
                t.extend_from_slice(b"\"}\"}");
                assert_eq!(
                    ends(&t, 64, usize::MAX),
                    reference(&t, 64, usize::MAX),
                    "run {run} pad {pad}"
                );
            }
        }
    }

    #[test]
    fn random_texts_agree_with_the_reference() {
        // A small xorshift generator: the bytes that matter, often.
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let alphabet = b"{}{}\"\"\\\\\n a[],:";
        for _ in 0..20_000 {
            let len = (next() % 300) as usize;
            let mut t = vec![b'{'];
            for _ in 0..len {
                t.push(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            for (depth, max) in [(64, usize::MAX), (3, usize::MAX), (64, 100)] {
                assert_eq!(ends(&t, depth, max), reference(&t, depth, max));
            }
        }
    }
}
