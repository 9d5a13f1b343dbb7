//! The single-byte encodings some producers declare in XML (ISO-8859-1,
//! ISO-8859-15, Windows-1252), transcoded to UTF-8 as the input is read.

/// A single-byte encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SingleByte {
    /// ISO-8859-1 (Latin-1).
    Latin1,
    /// ISO-8859-15 (Latin-9: `€`, `œ`, `Œ`, `š`… in place of eight Latin-1 signs).
    Latin9,
    /// Windows-1252 (Latin-1 with printable characters in 0x80–0x9F).
    Windows1252,
}

const CP1252: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

impl SingleByte {
    /// The encoding an XML declaration names, if it is one of these.
    pub fn from_label(label: &str) -> Option<SingleByte> {
        match label.to_ascii_lowercase().as_str() {
            "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1" | "l1" | "iso_8859-1" => {
                Some(SingleByte::Latin1)
            }
            "iso-8859-15" | "iso8859-15" | "latin9" | "latin-9" | "iso_8859-15" => {
                Some(SingleByte::Latin9)
            }
            "windows-1252" | "cp1252" | "x-cp1252" => Some(SingleByte::Windows1252),
            _ => None,
        }
    }

    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            SingleByte::Latin1 => "ISO-8859-1",
            SingleByte::Latin9 => "ISO-8859-15",
            SingleByte::Windows1252 => "Windows-1252",
        }
    }

    fn char(self, b: u8) -> char {
        match (self, b) {
            (SingleByte::Windows1252, 0x80..=0x9f) => CP1252[usize::from(b - 0x80)],
            (SingleByte::Latin9, 0xa4) => '€',
            (SingleByte::Latin9, 0xa6) => 'Š',
            (SingleByte::Latin9, 0xa8) => 'š',
            (SingleByte::Latin9, 0xb4) => 'Ž',
            (SingleByte::Latin9, 0xb8) => 'ž',
            (SingleByte::Latin9, 0xbc) => 'Œ',
            (SingleByte::Latin9, 0xbd) => 'œ',
            (SingleByte::Latin9, 0xbe) => 'Ÿ',
            _ => char::from(b),
        }
    }

    /// Appends the UTF-8 form of `bytes` to `out`.
    pub fn decode_into(self, bytes: &[u8], out: &mut Vec<u8>) {
        let mut tmp = [0u8; 4];
        for &b in bytes {
            if b < 0x80 {
                out.push(b);
            } else {
                out.extend_from_slice(self.char(b).encode_utf8(&mut tmp).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcodes() {
        let mut out = Vec::new();
        SingleByte::Windows1252.decode_into(b"March\xe9 \x80 d\x92", &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "Marché € d’");
        let mut out = Vec::new();
        SingleByte::Latin9.decode_into(b"\xa4\xbd", &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "€œ");
        let mut out = Vec::new();
        SingleByte::Latin1.decode_into(b"\xe9\xa4", &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "é¤");
    }
}
