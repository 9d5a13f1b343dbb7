//! The serialisation formats and their detection.

use std::fmt;
use std::str::FromStr;

/// A serialisation format of DECP data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON, as described by the official JSON schema.
    Json,
    /// XML, as described by the official XSD.
    Xml,
}

impl Format {
    /// Guesses the format from the first bytes of an input: after an optional UTF-8
    /// byte-order mark and white space, `{` or `[` means JSON and `<` means XML.
    ///
    /// ```
    /// use decp_core::Format;
    /// assert_eq!(Format::sniff(b"\xEF\xBB\xBF  {\"marches\": {}}"), Some(Format::Json));
    /// assert_eq!(Format::sniff(b"<?xml version=\"1.0\"?><marches/>"), Some(Format::Xml));
    /// assert_eq!(Format::sniff(b"hello"), None);
    /// ```
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
        match first {
            b'{' | b'[' => Some(Format::Json),
            b'<' => Some(Format::Xml),
            _ => None,
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Xml => "XML",
        })
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "xml" => Ok(Format::Xml),
            _ => Err(format!("unknown format `{s}` (expected json or xml)")),
        }
    }
}
