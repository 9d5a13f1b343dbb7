//! The error type for input that cannot be read: I/O, broken syntax, limits.
//!
//! Findings about a record that *could* be read (an unknown label, a bad date…) are
//! not errors: they are [`Issue`](crate::Issue)s. In [`Mode::Strict`](crate::Mode)
//! the first such finding is turned into an [`ErrorKind::Data`] error instead.

use std::fmt;
use std::io;

use crate::format::Format;
use crate::issue::{IssueCode, Lang};
use crate::message::Message;

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
        message: Message,
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
        message: Message,
        /// `true` when only one record or envelope member was skipped.
        recoverable: bool,
    },
    /// A safety limit (record size, nesting depth) was exceeded.
    Limit {
        /// Where the limit was hit.
        pos: Position,
        /// Which limit.
        message: Message,
        /// `true` when the record over the limit was read to its end (without
        /// being kept), so that reading goes on with the next record.
        recoverable: bool,
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
        message: Message,
    },
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    pub(crate) fn syntax(format: Format, pos: Position, message: Message) -> Error {
        Error::new(ErrorKind::Syntax {
            format,
            pos,
            message,
            recoverable: false,
        })
    }

    /// A syntax error whose extent is known: reading goes on after it.
    pub(crate) fn syntax_recoverable(format: Format, pos: Position, message: Message) -> Error {
        Error::new(ErrorKind::Syntax {
            format,
            pos,
            message,
            recoverable: true,
        })
    }

    pub(crate) fn limit(pos: Position, message: Message) -> Error {
        Error::new(ErrorKind::Limit {
            pos,
            message,
            recoverable: false,
        })
    }

    /// A record over a limit, skipped: reading goes on after it.
    pub(crate) fn limit_recoverable(pos: Position, message: Message) -> Error {
        Error::new(ErrorKind::Limit {
            pos,
            message,
            recoverable: true,
        })
    }

    pub(crate) fn unsupported(pos: Position, message: Message, recoverable: bool) -> Error {
        Error::new(ErrorKind::Unsupported {
            pos,
            message,
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

    pub(crate) fn write(message: Message) -> Error {
        Error::new(ErrorKind::Write { message })
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
            ErrorKind::Syntax { recoverable, .. }
            | ErrorKind::Unsupported { recoverable, .. }
            | ErrorKind::Limit { recoverable, .. } => !recoverable,
            ErrorKind::Io(_) | ErrorKind::Write { .. } => true,
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
        let (code, message) = match &*self.0 {
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
                if *code == IssueCode::NotDecp && value.is_none() {
                    // A root with no member at all.
                    i.detail = Some(Box::new(Message::NoMembers));
                }
                return Some(i);
            }
            ErrorKind::Syntax { message, .. } | ErrorKind::Limit { message, .. } => {
                (IssueCode::Syntax, message)
            }
            ErrorKind::Unsupported { message, .. } => (IssueCode::AdditionalProperty, message),
            _ => return None,
        };
        let mut i = crate::Issue::new(code, "/marches");
        i.position = self.position().copied();
        match message {
            // An element DECP does not define: its name is the value.
            Message::UnknownElement { name } => i.value = Some(name.clone()),
            m => {
                // Text skipped between records is the input's: the value too.
                if let Message::SkippedText { sample, .. } = m {
                    i.value = Some(sample.clone());
                }
                i.detail = Some(Box::new(m.clone()));
            }
        }
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
    /// The error as one sentence in `lang`: what kind of error, where, and what was
    /// met. [`Display`](fmt::Display) gives it in English.
    ///
    /// ```
    /// use decp_core::{Lang, Reader};
    /// let e = Reader::from_slice(b"[1]")?.records().next().unwrap().err().unwrap();
    /// assert!(e.text(Lang::Fr).starts_with("entrée non prise en charge à la ligne 1, colonne 1"));
    /// assert!(e.to_string().starts_with("unsupported input at line 1, column 1"));
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn text(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        let finding = || self.to_issue().map(|i| i.message(lang)).unwrap_or_default();
        match &*self.0 {
            ErrorKind::Io(e) if fr => format!("erreur d'entrée-sortie : {}", io_text_fr(e)),
            ErrorKind::Io(e) => format!("I/O error: {e}"),
            ErrorKind::Syntax {
                format,
                pos,
                message,
                ..
            } => {
                let (pos, message) = (pos.text(lang), message.text(lang));
                if fr {
                    format!("erreur de syntaxe {format} à la {pos} : {message}")
                } else {
                    format!("{format} syntax error at {pos}: {message}")
                }
            }
            ErrorKind::Data {
                pos, path, code, ..
            } => {
                let pos = pos.text(lang);
                if fr {
                    format!(
                        "valeur invalide à la {pos}, {path} [{code}] : {}",
                        finding()
                    )
                } else {
                    format!("invalid value at {pos}, {path} [{code}]: {}", finding())
                }
            }
            ErrorKind::Unsupported { pos, message, .. } => {
                let (pos, message) = (pos.text(lang), message.text(lang));
                if fr {
                    format!("entrée non prise en charge à la {pos} : {message}")
                } else {
                    format!("unsupported input at {pos}: {message}")
                }
            }
            ErrorKind::Limit { pos, message, .. } => {
                let (pos, message) = (pos.text(lang), message.text(lang));
                if fr {
                    format!("limite dépassée à la {pos} : {message}")
                } else {
                    format!("limit exceeded at {pos}: {message}")
                }
            }
            ErrorKind::Write { message } if fr => {
                format!("écriture impossible : {}", message.text(lang))
            }
            ErrorKind::Write { message } => format!("cannot write: {}", message.text(lang)),
            ErrorKind::Envelope { pos, code, .. } => {
                let pos = pos.text(lang);
                if fr {
                    format!("à la {pos} [{code}] : {}", finding())
                } else {
                    format!("at {pos} [{code}]: {}", finding())
                }
            }
        }
    }
}

/// The common I/O errors worded in French; others keep the system's text.
fn io_text_fr(e: &io::Error) -> String {
    let what = match e.kind() {
        io::ErrorKind::NotFound => "fichier ou dossier introuvable",
        io::ErrorKind::PermissionDenied => "permission refusée",
        io::ErrorKind::AlreadyExists => "le fichier existe déjà",
        io::ErrorKind::BrokenPipe => "tube fermé par le lecteur",
        io::ErrorKind::UnexpectedEof => "fin de fichier inattendue",
        io::ErrorKind::StorageFull => "plus de place sur le périphérique",
        io::ErrorKind::IsADirectory => "c'est un dossier",
        io::ErrorKind::NotADirectory => "ce n'est pas un dossier",
        io::ErrorKind::InvalidData => "données invalides",
        io::ErrorKind::ReadOnlyFilesystem => "système de fichiers en lecture seule",
        io::ErrorKind::FileTooLarge => "fichier trop grand",
        io::ErrorKind::TimedOut => "délai dépassé",
        io::ErrorKind::Interrupted => "opération interrompue",
        io::ErrorKind::OutOfMemory => "mémoire insuffisante",
        io::ErrorKind::DirectoryNotEmpty => "dossier non vide",
        io::ErrorKind::QuotaExceeded => "quota dépassé",
        _ => return e.to_string(),
    };
    match e.raw_os_error() {
        Some(n) => format!("{what} (erreur système {n})"),
        None => what.to_owned(),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// A copy; an I/O error is copied as its kind and text (its source chain is not).
impl Clone for Error {
    fn clone(&self) -> Error {
        Error::new(match &*self.0 {
            ErrorKind::Io(e) => ErrorKind::Io(match e.raw_os_error() {
                Some(n) => io::Error::from_raw_os_error(n),
                None => io::Error::new(e.kind(), e.to_string()),
            }),
            ErrorKind::Syntax {
                format,
                pos,
                message,
                recoverable,
            } => ErrorKind::Syntax {
                format: *format,
                pos: *pos,
                message: message.clone(),
                recoverable: *recoverable,
            },
            ErrorKind::Data {
                pos,
                path,
                code,
                value,
                expected,
            } => ErrorKind::Data {
                pos: *pos,
                path: path.clone(),
                code: *code,
                value: value.clone(),
                expected: expected.clone(),
            },
            ErrorKind::Unsupported {
                pos,
                message,
                recoverable,
            } => ErrorKind::Unsupported {
                pos: *pos,
                message: message.clone(),
                recoverable: *recoverable,
            },
            ErrorKind::Limit {
                pos,
                message,
                recoverable,
            } => ErrorKind::Limit {
                pos: *pos,
                message: message.clone(),
                recoverable: *recoverable,
            },
            ErrorKind::Envelope {
                pos,
                path,
                code,
                value,
                expected,
            } => ErrorKind::Envelope {
                pos: *pos,
                path: path.clone(),
                code: *code,
                value: value.clone(),
                expected: expected.clone(),
            },
            ErrorKind::Write { message } => ErrorKind::Write {
                message: message.clone(),
            },
        })
    }
}

/// Two errors are equal when they say the same thing at the same place (I/O
/// errors: the same kind and text).
impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        std::mem::discriminant(&*self.0) == std::mem::discriminant(&*other.0)
            && self.is_fatal() == other.is_fatal()
            && self.text(Lang::En) == other.text(Lang::En)
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
