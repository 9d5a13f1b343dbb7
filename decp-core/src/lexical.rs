//! The lexical forms of DECP's scalar types: what both the decoder and the
//! normaliser read (`xs:integer`, `xs:decimal`, JSON numbers, `YYYY-MM-DD` dates,
//! XML Schema's white-space collapsing), in one place.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// `bytes` as text when they are UTF-8, else the length of their longest valid
/// prefix (the offset of the first bad byte). Checked with SIMD (`simdutf8`,
/// several times the standard library's speed on French text); the standard
/// library's check only finds where an error is.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, usize> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => Err(std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len)),
    }
}

/// XML Schema's whitespace collapsing for non-string types (`xs:decimal`, `xs:date`…).
pub(crate) fn xs_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r'])
}

/// Parses an `xs:integer` lexical form: optional sign, digits.
pub(crate) fn parse_integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// Parses an `xs:decimal` lexical form exactly: `[+-]?(d+(.d*)?|.d+)`.
pub(crate) fn parse_xs_decimal(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let ok = (!int.is_empty() || !frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && body != ".";
    if !ok {
        return None;
    }
    let mut t = String::with_capacity(s.len() + 1);
    if s.starts_with('-') {
        t.push('-');
    }
    t.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        t.push('.');
        t.push_str(frac);
    }
    Decimal::from_str_exact(&t).ok()
}

/// Parses a JSON number exactly (exponents allowed), without going through `f64`.
pub(crate) fn parse_json_decimal(s: &str) -> Option<Decimal> {
    if s.contains(['e', 'E']) {
        Decimal::from_scientific(s).ok()
    } else {
        Decimal::from_str_exact(s).ok()
    }
}

/// Parses exactly `YYYY-MM-DD` (ASCII digits) into a real calendar date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |a, &d| a * 10 + u32::from(d - b'0')))
    };
    let y = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(y, num(5..7)?, num(8..10)?)
}

/// Days from 1970-01-01 to `d`: an Arrow `date32` (negative before 1970). By
/// the days from the common era, which chrono counts from the year; the
/// difference of two dates as a duration cost twice as much.
pub(crate) fn epoch_days(d: NaiveDate) -> i32 {
    /// `NaiveDate::from_ymd(1970, 1, 1).num_days_from_ce()`.
    const EPOCH_FROM_CE: i32 = 719_163;
    d.num_days_from_ce() - EPOCH_FROM_CE
}

/// Writes a date as `YYYY-MM-DD`.
pub(crate) fn format_date(d: &NaiveDate) -> String {
    with_date_text(d, str::to_owned)
}

/// Gives `f` a date as `YYYY-MM-DD` ([`format_date`]'s text), made on the stack
/// for years 0 to 9999 (every date the readers give: their years have four
/// digits); the writers call it for every date they write.
pub(crate) fn with_date_text<R>(d: &NaiveDate, f: impl FnOnce(&str) -> R) -> R {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let y = match u32::try_from(y) {
        Ok(y) if y <= 9999 => y,
        _ => return f(&format!("{y:04}-{m:02}-{day:02}")),
    };
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let b = [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ];
    // ASCII digits and hyphens.
    f(std::str::from_utf8(&b).unwrap_or_default())
}

/// Whether XML 1.0 can carry `c` (its `Char` production: tab, line feed, carriage
/// return, and U+0020 up, but the surrogates, U+FFFE and U+FFFF). The one place of
/// this rule: the decoder reports what breaks it, the XML writer refuses it.
pub(crate) fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A C1 control character (U+0080–U+009F): legal in XML but never meant in DECP
/// text; what remains of Windows-1252 bytes read as ISO-8859-1.
pub(crate) fn c1_control(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9F}')
}

/// Whether `s` holds a character XML 1.0 forbids or a C1 control character (a
/// byte-level sieve first: most texts have neither).
pub(crate) fn has_control_characters(s: &str) -> bool {
    suspect_bytes(s.as_bytes()) && s.chars().any(|c| !xml_char(c) || c1_control(c))
}

/// The sieve of [`has_control_characters`]: whether `b` has a byte that can
/// begin such a character: a C0 control but tab, line feed and carriage return;
/// 0xC2, the lead byte of the C1 controls; 0xEF, that of U+FFFE and U+FFFF.
/// Eight bytes at a time (every text of every record goes through it): a word
/// with none of these bytes, nor tab, line feed or carriage return, is passed
/// whole; the rare other word is looked at byte by byte.
fn suspect_bytes(b: &[u8]) -> bool {
    sieve::<true>(b)
}

/// The sieve of the XML writer's check of a text's characters: whether `b` has
/// a byte that can begin a character [`xml_char`] refuses (a C0 control but
/// tab, line feed and carriage return; 0xEF). [`suspect_bytes`] without the
/// C1 controls' lead byte 0xC2, which French text often has (no-break space,
/// guillemets, degree sign) and XML carries.
pub(crate) fn xml_suspect_bytes(b: &[u8]) -> bool {
    sieve::<false>(b)
}

/// [`suspect_bytes`] (`C1`) or [`xml_suspect_bytes`].
fn sieve<const C1: bool>(b: &[u8]) -> bool {
    let suspect = |c: &u8| {
        (*c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r')) || *c == 0xEF || (C1 && *c == 0xC2)
    };
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let x = word(w);
        // Tab, line feed and carriage return are marked too: the word is then
        // looked at byte by byte.
        let mut m = below(x, 0x20) | equal(x, 0xEF);
        if C1 {
            m |= equal(x, 0xC2);
        }
        if m != 0 && w.iter().any(suspect) {
            return true;
        }
    }
    words.remainder().iter().any(suspect)
}

/// Eight bytes at a time: each byte of a word `0x01`.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a word.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The first eight bytes of `w` as a word, the first byte lowest (so that the
/// lowest mark of [`equal`] and [`below`] is the first byte marked).
#[inline]
pub(crate) fn word(w: &[u8]) -> u64 {
    u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]])
}

/// High bits in the bytes of `x` equal to `c`, and maybe in bytes above such a
/// byte (a borrow): the lowest is exact, and none means no such byte.
#[inline]
pub(crate) fn equal(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * u64::from(c));
    y.wrapping_sub(ONES) & !y & HIGH
}

/// High bits in the bytes of `x` below `n` (at most 0x80), and maybe above such
/// a byte: the lowest is exact, and none means no such byte.
#[inline]
pub(crate) fn below(x: u64, n: u8) -> u64 {
    x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against chrono's difference of dates, over every year the dates can
    /// hold (their days from the common era are `i32`s).
    #[test]
    fn epoch_days_are_the_days_since_1970() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(epoch_days(epoch), 0);
        let days = |d: NaiveDate| (d - epoch).num_days();
        for d in [NaiveDate::MIN, NaiveDate::MAX, epoch.pred_opt().unwrap()] {
            assert_eq!(i64::from(epoch_days(d)), days(d), "{d}");
        }
        for year in (-9999..=9999).step_by(7) {
            for (m, day) in [(1, 1), (2, 28), (2, 29), (3, 1), (12, 31)] {
                if let Some(d) = NaiveDate::from_ymd_opt(year, m, day) {
                    assert_eq!(i64::from(epoch_days(d)), days(d), "{d}");
                }
            }
        }
    }

    /// The date on the stack against `format!` (the text it replaced), over
    /// every day of years 0 to 9999 in steps, and outside them.
    #[test]
    fn dates_written_on_the_stack_are_formats() {
        let mut d = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        let mut n = 0;
        while d <= end {
            let want = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            assert_eq!(format_date(&d), want);
            d += chrono::Duration::days(1 + i64::from(n % 97));
            n += 1;
        }
        assert!(n > 30_000, "{n}");
        for (y, want) in [
            (-1, "-001-03-04"),
            (10000, "10000-03-04"),
            (-12345, "-12345-03-04"),
        ] {
            let d = NaiveDate::from_ymd_opt(y, 3, 4).unwrap();
            assert_eq!(format_date(&d), want);
        }
    }

    /// The word-at-a-time sieve against its byte-by-byte definition, and the
    /// whole check against the characters' one: texts of every kind of piece
    /// (ASCII, accents, tab and line breaks, C0 and C1 controls, U+FFFE, the
    /// other characters led by 0xEF) in every place and of every length.
    #[test]
    fn control_characters_are_found_in_every_place() {
        let pieces = [
            "a", "é", "\t", "\n", "\r", "\u{1}", "\u{1f}", "\u{85}", "\u{a0}", "\u{fffe}",
            "\u{ffff}", "\u{fffd}", "\u{f000}", " ",
        ];
        for s in [
            "abcde\u{fffe}",
            "abcdef\u{85}",
            "abcdefg\u{1}",
            "abcdefgh\u{ffff}xyz",
        ] {
            assert!(
                suspect_bytes(s.as_bytes()) && has_control_characters(s),
                "{s:?}"
            );
        }
        for s in [
            "abcde\u{fffd}",
            "abcdef\u{a0}",
            "abcdefg\t",
            "abcdefgh\r\nxyz",
        ] {
            assert!(!has_control_characters(s), "{s:?}");
        }
        let pieces: Vec<&[u8]> = pieces.iter().map(|p| p.as_bytes()).collect();
        for s in crate::test_texts::random_texts(&pieces, 5000, 30) {
            let s = String::from_utf8(s).expect("whole characters");
            let plain = s.bytes().any(|b| {
                (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xC2 || b == 0xEF
            });
            assert_eq!(suspect_bytes(s.as_bytes()), plain, "{s:?}");
            let exact = s.chars().any(|c| !xml_char(c) || c1_control(c));
            assert_eq!(has_control_characters(&s), exact, "{s:?}");
            // The XML writer's sieve: the same without 0xC2, and every
            // character XML refuses begins with a byte it finds.
            let xml = s
                .bytes()
                .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
            assert_eq!(xml_suspect_bytes(s.as_bytes()), xml, "{s:?}");
            assert!(xml || s.chars().all(xml_char), "{s:?}");
        }
    }
}
