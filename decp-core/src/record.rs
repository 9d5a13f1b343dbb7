//! A record of any kind and version: [`Record`], [`RecordKind`], [`Version`].

use crate::model::{ContratConcession, Marche};
use crate::v1;

/// The two kinds of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A public market (`marche`).
    Marche,
    /// A concession contract (`contrat-concession`).
    Concession,
}

impl RecordKind {
    /// The official JSON key and XML element name: `marche` or `contrat-concession`.
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::Marche => "marche",
            RecordKind::Concession => "contrat-concession",
        }
    }

    /// The kind whose official name is `name` (`marche`, `contrat-concession`).
    pub fn from_name(name: &str) -> Option<RecordKind> {
        match name {
            "marche" => Some(RecordKind::Marche),
            "contrat-concession" => Some(RecordKind::Concession),
            _ => None,
        }
    }
}

/// The version of the format a record was written in, as detected from its shape
/// (the format has no version marker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// Schema 1.4: v1 with one of the three procedure labels 1.5 renamed.
    V1_4,
    /// Schema 1.5 (and v1 data that uses no 1.4-only label).
    V1_5,
    /// The short-lived 2.0.0 hybrid (v1 envelope and bare lists, v2 fields); read
    /// into the v2 model, never written.
    V2_0_0,
    /// 2.0.1 and later (JSON schema 2.0.3, XSD 2.0.2).
    V2,
}

impl Version {
    /// `1.4`, `1.5`, `2.0.0` or `2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1_4 => "1.4",
            Version::V1_5 => "1.5",
            Version::V2_0_0 => "2.0.0",
            Version::V2 => "2",
        }
    }

    /// `true` for 1.4 and 1.5.
    pub fn is_v1(self) -> bool {
        matches!(self, Version::V1_4 | Version::V1_5)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record of a DECP file: a v2 market or concession, or a v1 one (see
/// [`upgrade`](crate::upgrade) to turn the latter into the former).
// The variants are large (about 1–2 KiB); boxing them would add an allocation per
// record on the reading hot path for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A public market (v2).
    Marche(Marche),
    /// A concession contract (v2).
    Concession(ContratConcession),
    /// A public market in the v1 format.
    MarcheV1(v1::Marche),
    /// A concession contract in the v1 format.
    ConcessionV1(v1::ContratConcession),
}

impl Record {
    /// Which kind of record this is.
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Marche(_) | Record::MarcheV1(_) => RecordKind::Marche,
            Record::Concession(_) | Record::ConcessionV1(_) => RecordKind::Concession,
        }
    }

    /// The record's `id`, when present and a string.
    pub fn id(&self) -> Option<&str> {
        let f = match self {
            Record::Marche(m) => &m.id,
            Record::Concession(c) => &c.id,
            Record::MarcheV1(m) => &m.id,
            Record::ConcessionV1(c) => &c.id,
        };
        crate::raw::get(f).map(String::as_str)
    }

    /// `true` for a v1 record.
    pub fn is_v1(&self) -> bool {
        matches!(self, Record::MarcheV1(_) | Record::ConcessionV1(_))
    }

    /// The version the record's model belongs to: [`Version::V2`] for v2 records;
    /// for v1 ones, [`Version::V1_4`] when its procedure is a 1.4-only label, else
    /// [`Version::V1_5`].
    pub fn version(&self) -> Version {
        match self {
            Record::Marche(_) | Record::Concession(_) => Version::V2,
            Record::MarcheV1(m) if crate::raw::get(&m.procedure).is_some_and(|p| p.is_v1_4()) => {
                Version::V1_4
            }
            Record::MarcheV1(_) | Record::ConcessionV1(_) => Version::V1_5,
        }
    }
}

impl Default for Record {
    fn default() -> Record {
        Record::Marche(Marche::default())
    }
}

impl From<Marche> for Record {
    fn from(m: Marche) -> Record {
        Record::Marche(m)
    }
}

impl From<ContratConcession> for Record {
    fn from(c: ContratConcession) -> Record {
        Record::Concession(c)
    }
}

impl From<v1::Marche> for Record {
    fn from(m: v1::Marche) -> Record {
        Record::MarcheV1(m)
    }
}

impl From<v1::ContratConcession> for Record {
    fn from(c: v1::ContratConcession) -> Record {
        Record::ConcessionV1(c)
    }
}
