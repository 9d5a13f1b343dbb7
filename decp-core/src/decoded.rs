//! What decoding gives: a record with its place, version and findings, and the
//! options it was decoded with.

use crate::error::Position;
use crate::issue::Issue;
use crate::record::{Record, Version};
use crate::split::Limits;

/// How values that do not fit the official types are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// A value that does not fit is an [`ErrorKind::Data`](crate::ErrorKind::Data) error (with its position
    /// and JSON Pointer) for that record; reading goes on with the next record.
    Strict,
    /// The record is produced; a value that does not fit is kept verbatim
    /// ([`Field::Invalid`](crate::Field::Invalid)) and reported as a finding. Nothing is dropped.
    #[default]
    Tolerant,
}

/// How records are decoded: what a [`Reader`](crate::Reader) applies, and what
/// [`RawRecord::decode_with`](crate::RawRecord::decode_with) takes on other threads. [`DecodeOptions::default`]
/// (tolerant, no normaliser, default limits), then the setters:
///
/// ```
/// use decp_core::{DecodeOptions, Mode};
/// let o = DecodeOptions::default().mode(Mode::Strict).normalize(true);
/// assert_eq!(o.mode, Mode::Strict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DecodeOptions {
    /// Strict or tolerant.
    pub mode: Mode,
    /// Apply the normaliser's repairs (see [`ReaderBuilder::normalize`](crate::ReaderBuilder::normalize)).
    pub normalize: bool,
    /// Safety limits (the nesting depth applies when decoding).
    pub limits: Limits,
    /// Decode every record as this version instead of telling it from the record's
    /// shape (`None`, the default). A v1 record with no member only v1 has is
    /// otherwise read as v2: a caller who knows the version says so.
    pub version: Option<Version>,
}

/// One record read from an input, with where it starts and what decoding found.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The record.
    pub record: Record,
    /// Where the record starts; `position.record` is its index in the document.
    pub position: Position,
    /// Findings of decoding (tolerant mode): values kept verbatim, unknown members.
    pub findings: Vec<Issue>,
    /// Index among the records of the same kind (`N` in `/marches/marche/N`); in a
    /// v1 array (`{"marches": [ … ]}`), the index in that array.
    pub kind_index: u64,
    /// The version detected from the record's shape.
    pub version: Version,
    /// The JSON Pointer of the record (`/marches/marche/3`, or `/marches/3` in the v1
    /// shape); findings' paths start with it.
    pub path: String,
}

impl DecodeOptions {
    /// Sets strict or tolerant decoding.
    pub fn mode(mut self, mode: Mode) -> DecodeOptions {
        self.mode = mode;
        self
    }
    /// Turns the normaliser on or off.
    pub fn normalize(mut self, yes: bool) -> DecodeOptions {
        self.normalize = yes;
        self
    }
    /// Sets the safety limits.
    pub fn limits(mut self, limits: Limits) -> DecodeOptions {
        self.limits = limits;
        self
    }
    /// Decodes as `version` (`None`: told from each record's shape).
    pub fn version(mut self, version: Option<Version>) -> DecodeOptions {
        self.version = version;
        self
    }
}

impl Decoded {
    /// Upgrades a v1 record to v2 ([`upgrade`](crate::upgrade())), adding the
    /// upgrade's findings, with the record's path and position, after the decoding
    /// ones. `version` and `path` still describe the source.
    pub fn upgrade(mut self) -> Decoded {
        let up = crate::upgrade(&self.record);
        self.record = up.record;
        for mut i in up.findings {
            i.path = format!("{}{}", self.path, i.path);
            i.position = Some(self.position);
            self.findings.push(i);
        }
        self
    }
}
