//! Where something is in the input.

use std::fmt;

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

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)?;
        if let Some(r) = self.record {
            write!(f, ", record {r}")?;
        }
        write!(f, " (byte {})", self.byte)
    }
}
