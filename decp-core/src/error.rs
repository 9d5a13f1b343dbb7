//! The error type for input that cannot be read: I/O, broken syntax, limits.
//!
//! Findings about a record that *could* be read (an unknown label, a bad date…) are
//! not errors: they are [`Issue`](crate::Issue)s. In [`Mode::Strict`](crate::Mode)
//! the first such finding is turned into an [`ErrorKind::Data`] error instead.

use std::fmt;
use std::io;

use crate::format::Format;
use crate::issue::IssueCode;

pub use crate::position::Position;

/// An error while reading or writing DECP data.
///
/// It is small (one pointer), like `csv::Error`; look at [`Error::kind`] for details.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing the underlying stream failed.
    Io(io::Error),
    /// The bytes are not well-formed JSON or XML (or not UTF-8).
    Syntax {
        /// The format being read.
        format: Format,
        /// Where the problem was found.
        pos: Position,
        /// What was expected or found.
        message: String,
        /// `true` when the broken part was a single record whose boundaries were
        /// still clear, so that reading can go on with the next record.
        recoverable: bool,
    },
    /// In strict mode, a value that does not fit the official type.
    Data {
        /// Where the value starts.
        pos: Position,
        /// JSON Pointer into the official JSON shape.
        path: String,
        /// The stable finding code (see the catalogue), e.g. `schema.enum`.
        code: IssueCode,
        /// The offending value, as in the finding.
        value: Option<String>,
        /// What was expected, as in the finding.
        expected: Option<String>,
    },
    /// The input is well-formed but is not a DECP document this version can read
    /// (an unknown root, a v1 envelope, an unsupported encoding…).
    Unsupported {
        /// Where the problem was found.
        pos: Position,
        /// What is not supported.
        message: String,
        /// `true` when only one record or envelope member was skipped.
        recoverable: bool,
    },
    /// A safety limit (record size, nesting depth) was exceeded.
    Limit {
        /// Where the limit was hit.
        pos: Position,
        /// Which limit.
        message: String,
    },
    /// A finding about the document rather than a record (its envelope, its
    /// encoding): reading goes on; [`Error::to_issue`] gives the finding.
    Envelope {
        /// Where it is.
        pos: Position,
        /// The JSON Pointer of the envelope part concerned (`""`: the document).
        path: String,
        /// The finding's code.
        code: IssueCode,
        /// The value concerned.
        value: Option<String>,
        /// What was expected, as in findings.
        expected: Option<String>,
    },
    /// A value cannot be written in the requested format.
    Write {
        /// What cannot be written and why.
        message: String,
    },
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    pub(crate) fn syntax(format: Format, pos: Position, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Syntax {
            format,
            pos,
            message: message.into(),
            recoverable: false,
        })
    }

    /// A syntax error whose extent is known: reading goes on after it.
    pub(crate) fn syntax_recoverable(
        format: Format,
        pos: Position,
        message: impl Into<String>,
    ) -> Error {
        Error::new(ErrorKind::Syntax {
            format,
            pos,
            message: message.into(),
            recoverable: true,
        })
    }

    pub(crate) fn limit(pos: Position, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Limit {
            pos,
            message: message.into(),
        })
    }

    pub(crate) fn unsupported(
        pos: Position,
        message: impl Into<String>,
        recoverable: bool,
    ) -> Error {
        Error::new(ErrorKind::Unsupported {
            pos,
            message: message.into(),
            recoverable,
        })
    }

    pub(crate) fn envelope(
        pos: Position,
        path: impl Into<String>,
        code: IssueCode,
        value: Option<String>,
        expected: Option<String>,
    ) -> Error {
        Error::new(ErrorKind::Envelope {
            pos,
            path: path.into(),
            code,
            value,
            expected,
        })
    }

    pub(crate) fn write(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Write {
            message: message.into(),
        })
    }

    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// Where in the input the error is, when known.
    pub fn position(&self) -> Option<&Position> {
        match &*self.0 {
            ErrorKind::Syntax { pos, .. }
            | ErrorKind::Data { pos, .. }
            | ErrorKind::Unsupported { pos, .. }
            | ErrorKind::Envelope { pos, .. }
            | ErrorKind::Limit { pos, .. } => Some(pos),
            ErrorKind::Io(_) | ErrorKind::Write { .. } => None,
        }
    }

    /// The JSON Pointer of the offending value, for [`ErrorKind::Data`].
    pub fn path(&self) -> Option<&str> {
        match &*self.0 {
            ErrorKind::Data { path, .. } | ErrorKind::Envelope { path, .. } => Some(path),
            _ => None,
        }
    }

    /// `true` when reading cannot go on after this error: the iterators stop.
    pub fn is_fatal(&self) -> bool {
        match &*self.0 {
            ErrorKind::Data { .. } | ErrorKind::Envelope { .. } => false,
            ErrorKind::Syntax { recoverable, .. } | ErrorKind::Unsupported { recoverable, .. } => {
                !recoverable
            }
            ErrorKind::Io(_) | ErrorKind::Limit { .. } | ErrorKind::Write { .. } => true,
        }
    }

    /// `true` for an I/O error.
    pub fn is_io(&self) -> bool {
        matches!(&*self.0, ErrorKind::Io(_))
    }

    /// The finding that reports this error in a validation report, for errors that
    /// concern one record and do not stop reading (a broken record, a value refused
    /// in strict mode, a skipped envelope member). `None` for fatal errors.
    pub fn to_issue(&self) -> Option<crate::Issue> {
        if self.is_fatal() {
            return None;
        }
        let (code, path, value) = match &*self.0 {
            ErrorKind::Data {
                path,
                code,
                value,
                expected,
                ..
            }
            | ErrorKind::Envelope {
                path,
                code,
                value,
                expected,
                ..
            } => {
                // The decoder's own finding, as tolerant reading reports it.
                let mut i = crate::Issue::new(*code, path.clone());
                i.position = self.position().copied();
                i.value.clone_from(value);
                i.expected.clone_from(expected);
                return Some(i);
            }
            ErrorKind::Syntax { message, .. } => (
                crate::IssueCode::Syntax,
                "/marches".to_string(),
                message.clone(),
            ),
            ErrorKind::Unsupported { message, .. } => (
                crate::IssueCode::AdditionalProperty,
                "/marches".to_string(),
                message.clone(),
            ),
            _ => return None,
        };
        let mut i = crate::Issue::new(code, path);
        i.position = self.position().copied();
        i.value = Some(value);
        Some(i)
    }

    pub(crate) fn with_record(mut self, record: u64) -> Error {
        match &mut *self.0 {
            ErrorKind::Syntax { pos, .. }
            | ErrorKind::Data { pos, .. }
            | ErrorKind::Unsupported { pos, .. }
            | ErrorKind::Limit { pos, .. } => pos.record = Some(record),
            _ => {}
        }
        self
    }
}

impl Error {
    /// The message of the finding an error carries ([`Error::to_issue`]), in English.
    fn english_message(&self) -> String {
        self.to_issue()
            .map(|i| i.message(crate::Lang::En))
            .unwrap_or_default()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Io(e) => write!(f, "I/O error: {e}"),
            ErrorKind::Syntax {
                format,
                pos,
                message,
                ..
            } => write!(f, "{format} syntax error at {pos}: {message}"),
            ErrorKind::Data {
                pos, path, code, ..
            } => write!(
                f,
                "invalid value at {pos}, {path} [{code}]: {}",
                self.english_message()
            ),
            ErrorKind::Unsupported { pos, message, .. } => {
                write!(f, "unsupported input at {pos}: {message}")
            }
            ErrorKind::Limit { pos, message } => write!(f, "limit exceeded at {pos}: {message}"),
            ErrorKind::Write { message } => write!(f, "cannot write: {message}"),
            ErrorKind::Envelope { pos, code, .. } => {
                write!(f, "at {pos} [{code}]: {}", self.english_message())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::new(ErrorKind::Io(e))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
