//! Where something is in the input.

use std::fmt;

use crate::message::Lang;

/// Where something is in the input.
///
/// `byte` and `record` are 0-based; `line` and `column` are 1-based, and `column`
/// counts Unicode characters (not bytes) from the start of the line, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Position {
    /// Byte offset from the start of the input (a UTF-8 BOM counts).
    pub byte: u64,
    /// Line number, starting at 1.
    pub line: u64,
    /// Column in characters, starting at 1.
    pub column: u64,
    /// Index of the record in document order (marchés and concessions together),
    /// when the position is inside or at the start of a record.
    pub record: Option<u64>,
}

impl Position {
    /// A position: byte offset (0-based), line and column (1-based), no record.
    pub fn new(byte: u64, line: u64, column: u64) -> Position {
        Position {
            byte,
            line,
            column,
            record: None,
        }
    }

    /// The same position, inside or at the start of the record `index`.
    pub fn with_record(mut self, index: u64) -> Position {
        self.record = Some(index);
        self
    }

    /// The position of the very first byte of an input.
    pub const START: Position = Position {
        byte: 0,
        line: 1,
        column: 1,
        record: None,
    };
}

impl Position {
    /// The position in words, for people: `ligne 3, colonne 5, enregistrement 2
    /// (octet 40)` in French, `line 3, column 5, record 2 (byte 40)` in English. The
    /// record is counted from 1 as a person counts (the field is 0-based: this is
    /// `record: Some(1)`); the byte is the 0-based offset. [`Display`](fmt::Display)
    /// gives the English.
    ///
    /// ```
    /// use decp_core::{Lang, Position};
    /// let p = Position::new(40, 3, 5).with_record(1);
    /// assert_eq!(p.text(Lang::Fr), "ligne 3, colonne 5, enregistrement 2 (octet 40)");
    /// assert_eq!(p.to_string(), "line 3, column 5, record 2 (byte 40)");
    /// ```
    pub fn text(&self, lang: Lang) -> String {
        let (line, column, record, byte) = match lang {
            Lang::Fr => ("ligne", "colonne", "enregistrement", "octet"),
            Lang::En => ("line", "column", "record", "byte"),
        };
        let mut s = format!("{line} {}, {column} {}", self.line, self.column);
        if let Some(r) = self.record {
            s.push_str(&format!(", {record} {}", r + 1));
        }
        s.push_str(&format!(" ({byte} {})", self.byte));
        s
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}
