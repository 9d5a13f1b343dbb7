//! The single-byte encodings some producers declare in XML, transcoded to UTF-8 as
//! the input is read, as the WHATWG encoding standard reads them (with the
//! `encoding_rs` crate): the labels `iso-8859-1`, `latin1` and `us-ascii` name
//! Windows-1252, whose bytes 0x80–0x9F are `€`, `’`, `œ`, `…`… (what Windows tools
//! write), not C1 control characters.

use encoding_rs::Encoding;

/// A single-byte encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SingleByte(&'static Encoding);

impl SingleByte {
    /// Windows-1252 (what ISO-8859-1 means on the web).
    pub const WINDOWS_1252: SingleByte = SingleByte(encoding_rs::WINDOWS_1252);

    /// The encoding an XML declaration's label names, when it is a single-byte
    /// one, and whether the label names another standard than the one read (an
    /// ISO-8859-1 or ASCII label read as Windows-1252).
    pub fn from_label(label: &str) -> Option<(SingleByte, bool)> {
        let enc = Encoding::for_label(label.trim().as_bytes())?;
        if !enc.is_single_byte() {
            return None;
        }
        let l = label.trim().to_ascii_lowercase();
        let relabelled = enc == encoding_rs::WINDOWS_1252
            && !matches!(l.as_str(), "windows-1252" | "cp1252" | "x-cp1252");
        Some((SingleByte(enc), relabelled))
    }

    /// The encoding's name (`windows-1252`, `ISO-8859-15`…).
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Appends the UTF-8 form of `bytes` to `out` (single-byte: no state across
    /// calls, so a stream is transcoded chunk by chunk).
    pub fn decode_into(self, bytes: &[u8], out: &mut Vec<u8>) {
        let (text, _) = self.0.decode_without_bom_handling(bytes);
        out.extend_from_slice(text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcodes_as_the_web_does() {
        let mut out = Vec::new();
        SingleByte::WINDOWS_1252.decode_into(b"March\xe9 \x80 d\x92", &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "Marché € d’");
        let (latin9, relabelled) = SingleByte::from_label("ISO-8859-15").unwrap();
        assert!(!relabelled);
        let mut out = Vec::new();
        latin9.decode_into(b"\xa4\xbd", &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "€œ");
        // ISO-8859-1 and ASCII labels are read as Windows-1252, and say so.
        for label in ["ISO-8859-1", "latin1", "us-ascii"] {
            let (enc, relabelled) = SingleByte::from_label(label).unwrap();
            assert_eq!(
                (enc, relabelled),
                (SingleByte::WINDOWS_1252, true),
                "{label}"
            );
        }
        assert_eq!(
            SingleByte::from_label("cp1252"),
            Some((SingleByte::WINDOWS_1252, false))
        );
        assert_eq!(SingleByte::from_label("UTF-16"), None);
        assert_eq!(SingleByte::from_label("klingon"), None);
    }
}
