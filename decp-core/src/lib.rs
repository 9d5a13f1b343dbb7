//! # decp-core
//!
//! The reference implementation of the French public-procurement open-data format
//! **DECP** (*Données Essentielles de la Commande Publique*): typed models of v2 and
//! v1, streaming readers and writers for JSON and XML, conversion, validation, the
//! normaliser of real-world defects and the v1 → v2 upgrade.
//!
//! ## Overview
//!
//! - [`model`]: [`Marche`](model::Marche), [`ContratConcession`](model::ContratConcession)
//!   and every nested type and enumeration of the official v2 schema; [`v1`]: the
//!   same for v1 (1.4 and 1.5).
//! - [`Reader`]: streams records out of a file of any size in constant memory, with
//!   the position of each; strict or tolerant ([`Mode`]); the version of each record
//!   is told from its shape ([`Version`]), 2.0.0 is read into the v2 model; with
//!   [`ReaderBuilder::normalize`], producers' defects are repaired and reported.
//! - [`Writer`]: writes records in the official JSON or XML shape, streaming.
//! - [`Validator`]: the official schemas' verdict, the regulatory rules and quality
//!   warnings, as [`Issue`]s with stable codes and JSON Pointers ([`catalogue`]).
//! - [`upgrade()`]: a v1 record to v2, reporting what moved, what v2 has no place
//!   for and what v1 cannot supply.
//! - **One record at a time**, for platforms that hold one contract and for the
//!   bindings: [`Record::to_json`], [`Record::to_xml`], [`Record::to_value`] (a
//!   generic [`Raw`] value) and back with [`Decoded::from_json`],
//!   [`Decoded::from_xml`], [`Decoded::from_value`]; every JSON-shaped output is
//!   one walk of the field tables into a [`Sink`].
//! - **The workflows every surface shares**: [`Checker`] is the per-record step
//!   (decode, upgrade, rules, findings placed at their line and column);
//!   [`Checker::validate`] fills a [`FileReport`] (its [`FileReport::to_json`] is the
//!   CLI's report entry), [`Checker::convert`] feeds a [`Writer`], both on as many
//!   threads as asked ([`pipeline`]).
//!
//! ## Example: convert JSON to XML
//!
//! ```
//! use decp_core::{Format, Reader, Writer};
//!
//! let json = br#"{"marches": {"marche": [{"id": "2024-001", "montant": 45000.10}]}}"#;
//! let mut reader = Reader::from_slice(json)?;
//! let mut writer = Writer::from_writer(Vec::new(), Format::Xml);
//! for item in reader.records() {
//!     writer.write_record(&item?.record)?;
//! }
//! let xml = String::from_utf8(writer.finish()?).unwrap();
//! assert!(xml.contains("<montant>45000.10</montant>"));
//! # Ok::<(), decp_core::Error>(())
//! ```
//!
//! ## Example: tolerant reading keeps what does not fit
//!
//! ```
//! use decp_core::{Reader, IssueCode, Record};
//!
//! let json = br#"{"marches": {"marche": [{"id": "A1", "dateNotification": "2024-13-45"}]}}"#;
//! let item = Reader::from_slice(json)?.records().next().unwrap()?;
//! assert_eq!(item.findings[0].code, IssueCode::Date);
//! assert_eq!(item.findings[0].path, "/marches/marche/0/dateNotification");
//! let Record::Marche(m) = &item.record else { unreachable!() };
//! assert_eq!(m.date_notification.as_ref().unwrap().invalid().unwrap().as_text(), Some("2024-13-45"));
//! # Ok::<(), decp_core::Error>(())
//! ```

//! ## Example: the vendor's path, one record
//!
//! A contract built as plain data is decoded, validated, and written as XML; the
//! findings are those the same record would get in a file.
//!
//! ```
//! use decp_core::{DecodeOptions, Decoded, IssueCode, Raw, RecordKind, Validator, ValidatorOptions};
//!
//! let s = |x: &str| Raw::String(x.into());
//! let contract = Raw::Object(vec![
//!     ("id".into(), s("2024-0042")),
//!     ("dateNotification".into(), s("2024-02-30")),
//!     ("montant".into(), Raw::Number("45000.10".into())),
//! ]);
//! let d = Decoded::from_value(RecordKind::Marche, &contract, &DecodeOptions::default())?;
//! let issues = Validator::new(ValidatorOptions::default()).check(&d);
//! let date = issues.iter().find(|i| i.path == "/dateNotification").unwrap();
//! assert_eq!(date.code, IssueCode::Date);
//! assert!(d.record.to_xml(false)?.starts_with("<marche><id>2024-0042</id>"));
//! # Ok::<(), decp_core::Error>(())
//! ```
//!
//! ## Example: validate a file into a report
//!
//! ```
//! use decp_core::{Checker, FileReport, Lang, Reader, Validator, ValidatorOptions};
//!
//! let json = br#"{"marches": {"marche": [{"id": "A", "dureeMois": "douze"}]}}"#;
//! let reader = Reader::from_slice(json)?;
//! let checker = Checker::new(reader.decode_options()).validator(Validator::new(ValidatorOptions::default()));
//! let mut report = FileReport::new("marches.json");
//! checker.validate(reader, 2, None, &mut report, &|_bytes| {}, |_record| true);
//! assert!(!report.valid());
//! assert!(report.to_json(Lang::En, false).contains(r#""path":"/marches/marche/0/dureeMois""#));
//! # Ok::<(), decp_core::Error>(())
//! ```

mod codec;
pub mod cpv;
mod decoded;
pub mod dedup;
mod detect;
mod encoding;
mod error;
pub mod files;
mod format;
mod issue;
mod legacy;
mod lexical;
mod limits;
mod message;
pub mod model;
mod normalize;
pub mod ocds;
mod output;
mod path;
pub mod pipeline;
mod position;
mod raw;
mod read;
mod record;
mod report;
mod single;
mod sink;
mod split;
mod states;
#[cfg(feature = "arrow")]
pub mod table;
#[cfg(test)]
mod test_texts;
mod tree;
mod upgrade;
pub mod v1;
mod validate;
mod workflow;
mod write;
mod write_out;

pub use error::{Error, ErrorKind, Position, Result};
pub use format::Format;
pub use issue::{CatalogueEntry, Family, Issue, IssueCode, Lang, PathSegment, Severity, catalogue};
pub use lexical::parse_date;
pub use message::{Message, Token};
pub use output::AtomicFile;
pub use raw::{Field, Raw, get, set};
pub use read::{
    DecodeOptions, Decoded, IntoRecords, Limits, Mode, RawRecord, Reader, ReaderBuilder, Records,
};
pub use record::{Record, RecordKind, Version};
pub use report::{FileReport, JsonReportWriter, Report};
pub use sink::{Sink, ValueBuilder};
pub use upgrade::{Upgraded, upgrade};
pub use validate::{
    Families, PUBLICATION_THRESHOLDS, Validator, ValidatorOptions, check_siret, luhn,
    publication_threshold,
};
pub use workflow::{Checked, Checker, ConvertError, Converted};
pub use write::{WriteRecord, Writer, WriterBuilder};

/// What the bindings rely on, checked at compile time: a change that makes one of
/// these types lose `Send` or `Sync` fails the build instead of a binding.
const _: () = {
    const fn send<T: Send>() {}
    const fn send_sync<T: Send + Sync>() {}
    send::<Reader<std::fs::File>>();
    send::<Reader<Box<dyn std::io::Read + Send>>>();
    send::<Writer<std::fs::File>>();
    send_sync::<Writer<Vec<u8>>>();
    send_sync::<Validator>();
    send_sync::<Checker>();
    send_sync::<Checked>();
    send_sync::<Decoded>();
    send_sync::<RawRecord>();
    send_sync::<Error>();
    send_sync::<FileReport>();
    send_sync::<Issue>();
};
