//! The Open Contracting Data Standard (OCDS 1.1) export: every market and
//! concession as releases of one release package, one release per contract
//! state (the contract as published, then after each modification, by
//! modification `id`, then date: the states of the `marches` table).
//!
//! ## Mapping
//!
//! - `ocid`: the publisher's prefix (`ocds-xxxxxx`, registered with the Open
//!   Contracting Partnership), `-`, the buyer's (or granting authority's) `id`,
//!   `-`, the contract's `id`, both with every byte other than ASCII letters,
//!   digits and `-._~` percent-encoded: the same for every state of a contract.
//!   A record without a valid, non-empty buyer id or contract id is not exported
//!   (`convert.not_written`, with the reason); the very record met again under
//!   its `ocid` is not repeated (`convert.repeated`, info); another record under
//!   an `ocid` already written (a republication with other values) gets release
//!   ids suffixed `-r2`, `-r3`…
//! - Release `id`: `{ocid}-initial`, then `{ocid}-modification-{n}` for the
//!   state after the n-th modification in order. `date`: the state's publication
//!   date (`datePublicationDonnees`, then the modification's
//!   `datePublicationDonneesModification`), else its notification (signature)
//!   date, at midnight UTC.
//! - `tag`: `award` and `contract` for the contract as published;
//!   `contractAmendment` for each modification, with `awardUpdate` when it
//!   changes the holders. `initiationType` is `tender`, `language` `fr`.
//! - `parties`: the buyer (`acheteur`, or `autoriteConcedante`; role `buyer`,
//!   identifier scheme `SIRET`) and the holders (`titulaires`, or
//!   `concessionnaires`; role `supplier`, scheme: their `typeIdentifiant`); a
//!   party's `id` is `{scheme}-{identifier}`. `buyer` refers to the buyer.
//! - `tender`: `id` the contract's id, `title` its `objet`, `procurementMethod`
//!   from the procedure (the table of `map.rs`: open, selective or limited;
//!   absent for a "Procédure adaptée", where the data does not decide it),
//!   `procurementMethodDetails` the DECP label, `mainProcurementCategory` from
//!   the CPV division (45 works; 03–44 and 48 goods; 50–98 services) or, for a
//!   concession, from its `nature`; `numberOfTenderers` from `offresRecues`;
//!   `items`: one, classified by `codeCPV` (scheme `CPV`, with its label).
//! - `awards[0]`: `id` the contract's id, `status` `active`, `date` the
//!   notification (signature) date, `value` the contract's initial `montant`
//!   (concession: `valeurGlobale`) in `EUR` (excluding VAT), `suppliers` the
//!   state's holders.
//! - `contracts[0]`: `id` and `awardID` the contract's id, `value` the state's
//!   `montant` (`valeurGlobale`),
//!   `dateSigned` the notification (signature) date, `period.startDate` the
//!   notification date (concession: `dateDebutExecution`), `period.endDate` the
//!   start plus the state's `dureeMois` months (DECP rounds durations up to whole
//!   months; left out past year 9999), `amendments` the modification that made
//!   the state (`id`, `date` of notification or signature, `amendsReleaseID`,
//!   `releaseID`: arrays of objects merge by `id` when releases are compiled).
//!   Amounts are written with the input's decimals.
//! - `decp` (an extension object, not an OCDS field): every DECP member of the
//!   state that the fields above do not carry, with its official name and shape
//!   (`nature`, `dureeMois`, `lieuExecution`, `formePrix`, `techniques`,
//!   `actesSousTraitance`, `donneesExecution`, …), members the schema does not
//!   define, any mapped member whose value did not fit its type (kept as it was),
//!   and the buyer, the holders and the modifications whole unless the fields
//!   above carry every member of them: nothing is dropped (tested on every
//!   official example). A record's releases are built and written one at a time.
//!
//! The package's `publishedDate` is the latest release date (OCDS: "the date of
//! the last change to the underlying contents"), so the same input gives the same
//! bytes; `uri` and the publisher's name are the caller's (defaults:
//! `urn:x-decp:{prefix}` and `decp`).
//!
//! ```
//! use decp_core::{Reader, ocds::PackageBuilder};
//!
//! let json = br#"{"marches": {"marche": [{"id": "2024-01", "acheteur": {"id": "21690123100011"},
//!   "dateNotification": "2024-03-01", "montant": 45000.10, "procedure": "Appel d'offres ouvert",
//!   "modifications": [{"modification": {"id": 1, "montant": 50000,
//!     "dateNotificationModification": "2024-06-01"}}]}]}}"#;
//! let mut package = PackageBuilder::new("ocds-abc123").from_writer(Vec::new());
//! for item in Reader::from_slice(json)?.records() {
//!     package.write_record(&item?.record)?;
//! }
//! let text = String::from_utf8(package.finish()?).unwrap();
//! assert_eq!(text.matches(r#""ocid": "ocds-abc123-21690123100011-2024-01""#).count(), 2);
//! assert!(text.contains(r#""procurementMethod": "open""#));
//! assert!(text.contains(r#""amount": 50000"#));
//! # Ok::<(), decp_core::Error>(())
//! ```

mod map;
mod release;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;

use crate::error::{Error, Result};
use crate::message::Message;
use crate::raw::Raw;
use crate::record::Record;
use crate::write::WriteRecord;
use crate::write_out::JsonOut;

/// Checks an `ocid` prefix: not empty, no white space or control character.
///
/// # Errors
///
/// [`ErrorKind::Write`](crate::ErrorKind::Write) saying what is wrong.
///
/// ```
/// assert!(decp_core::ocds::check_prefix("ocds-213czf").is_ok());
/// assert!(decp_core::ocds::check_prefix(" ").is_err());
/// ```
pub fn check_prefix(prefix: &str) -> Result<()> {
    if prefix.is_empty() || prefix.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::write(Message::OcdsPrefix));
    }
    Ok(())
}

/// The package's metadata and the output's layout; makes [`PackageWriter`]s.
#[derive(Debug, Clone)]
pub struct PackageBuilder {
    prefix: String,
    uri: Option<String>,
    publisher: String,
    published_date: Option<String>,
    pretty: bool,
}

impl PackageBuilder {
    /// A package whose `ocid`s start with `ocid_prefix` (the publisher's
    /// registered prefix, such as `ocds-213czf`).
    pub fn new(ocid_prefix: impl Into<String>) -> PackageBuilder {
        PackageBuilder {
            prefix: ocid_prefix.into(),
            uri: None,
            publisher: "decp".into(),
            published_date: None,
            pretty: true,
        }
    }

    /// The package's `uri` (default `urn:x-decp:{prefix}`): where the package is
    /// published.
    pub fn uri(&mut self, uri: impl Into<String>) -> &mut PackageBuilder {
        self.uri = Some(uri.into());
        self
    }

    /// The publisher's name (`publisher.name`, default `decp`).
    pub fn publisher(&mut self, name: impl Into<String>) -> &mut PackageBuilder {
        self.publisher = name.into();
        self
    }

    /// The package's `publishedDate` (an RFC 3339 date-time), instead of the
    /// latest release date.
    pub fn published_date(&mut self, date_time: impl Into<String>) -> &mut PackageBuilder {
        self.published_date = Some(date_time.into());
        self
    }

    /// Indented by two spaces (the default) or compact.
    pub fn pretty(&mut self, yes: bool) -> &mut PackageBuilder {
        self.pretty = yes;
        self
    }

    /// A package writer into `w`.
    pub fn from_writer<W: Write>(&self, w: W) -> PackageWriter<W> {
        PackageWriter {
            w: Some(w),
            opts: self.clone(),
            out: JsonOut::at_depth(self.pretty, 2),
            releases: 0,
            latest: None,
            seen: HashMap::new(),
            repeats: HashMap::new(),
        }
    }
}

/// Writes records as the releases of one OCDS release package, streaming: one
/// record's releases at a time, the package closed by [`PackageWriter::finish`].
pub struct PackageWriter<W: Write> {
    w: Option<W>,
    opts: PackageBuilder,
    out: JsonOut,
    releases: u64,
    latest: Option<String>,
    /// By the hash of a contract's `ocid`: the hash of the record written under
    /// it (16 bytes a contract in the table: 2 million contracts, about 64 MB).
    seen: HashMap<u64, u64>,
    /// The other records written under an `ocid` met more than once.
    repeats: HashMap<u64, Vec<u64>>,
}

fn hash_of<T: Hash>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

impl<W: Write> PackageWriter<W> {
    fn nl(&self, s: &'static str) -> &'static str {
        if self.opts.pretty { s } else { "" }
    }

    /// Writes the releases of one record (a v1 record is upgraded to v2 first).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Write`](crate::ErrorKind::Write) when the record lacks what its
    /// `ocid` or its release date is made of, when it is the very record already
    /// written under its `ocid` ([`Message::OcdsRepeated`]),
    /// or when the prefix is not usable ([`check_prefix`]): nothing is written, the
    /// package stays whole; [`ErrorKind::Io`](crate::ErrorKind::Io) from the output.
    pub fn write_record(&mut self, record: &Record) -> Result<()> {
        check_prefix(&self.opts.prefix)?;
        let upgraded;
        let record = if record.is_v1() {
            upgraded = crate::upgrade(record).record;
            &upgraded
        } else {
            record
        };
        let ocid = release::ocid(record, &self.opts.prefix).map_err(Error::write)?;
        let date = release::first_date(record).map_err(Error::write)?;
        // Release ids are unique within an ocid: a contract met again is skipped
        // when it is the same record, else written as a republication.
        let content = hash_of(&record.to_json(false));
        let again = match self.seen.entry(hash_of(&ocid)) {
            Entry::Vacant(v) => {
                v.insert(content);
                String::new()
            }
            Entry::Occupied(o) => {
                let others = self.repeats.entry(*o.key()).or_default();
                if *o.get() == content || others.contains(&content) {
                    return Err(Error::write(Message::OcdsRepeated));
                }
                others.push(content);
                format!("-r{}", others.len() + 1)
            }
        };
        if self.releases == 0 {
            self.write_head()?;
        }
        let PackageWriter {
            w,
            out,
            releases,
            latest,
            ..
        } = self;
        let w = w.as_mut().expect("writer used after finish");
        release::each_release(record, &ocid, date, &again, &mut |r| {
            if let Raw::Object(m) = &r
                && let Some((_, Raw::String(d))) = m.iter().find(|(k, _)| k == "date")
                && latest.as_ref().is_none_or(|l| d > l)
            {
                *latest = Some(d.clone());
            }
            out.clear(2);
            r.write_json(out);
            if *releases > 0 {
                w.write_all(b",")?;
            }
            w.write_all(out.bytes())?;
            *releases += 1;
            Ok(())
        })
    }

    /// The package's metadata and the opening of `releases`.
    fn write_head(&mut self) -> Result<()> {
        let uri = self
            .opts
            .uri
            .clone()
            .unwrap_or_else(|| format!("urn:x-decp:{}", self.opts.prefix));
        let head = format!(
            "{{{n2}\"uri\":{sp}{}{c}\"version\":{sp}\"1.1\"{c}\"publisher\":{sp}{{{n4}\"name\":{sp}{}{n2}}}{c}\"releases\":{sp}[",
            Raw::String(uri).to_json(),
            Raw::String(self.opts.publisher.clone()).to_json(),
            n2 = self.nl("\n  "),
            n4 = self.nl("\n    "),
            sp = self.nl(" "),
            c = if self.opts.pretty { ",\n  " } else { "," },
        );
        let w = self.w.as_mut().expect("writer used after finish");
        w.write_all(head.as_bytes())?;
        Ok(())
    }

    /// The number of releases written so far.
    pub fn releases(&self) -> u64 {
        self.releases
    }

    /// Closes the package (its `publishedDate` last) and returns the output,
    /// flushed. A package with no release is still a well-formed JSON object, but
    /// OCDS asks for at least one release.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) from the output.
    pub fn finish(mut self) -> Result<W> {
        if self.releases == 0 {
            // The head was never written: the package has only its metadata.
            self.write_head()?;
        }
        let date = self
            .opts
            .published_date
            .clone()
            .or_else(|| self.latest.clone())
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        let tail = format!(
            "{}]{}\"publishedDate\":{}{}{}}}{}",
            if self.releases > 0 {
                self.nl("\n  ")
            } else {
                ""
            },
            if self.opts.pretty { ",\n  " } else { "," },
            self.nl(" "),
            Raw::String(date).to_json(),
            self.nl("\n"),
            self.nl("\n"),
        );
        let mut w = self.w.take().expect("writer used after finish");
        w.write_all(tail.as_bytes())?;
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> WriteRecord for PackageWriter<W> {
    fn write_record(&mut self, record: &Record) -> Result<()> {
        PackageWriter::write_record(self, record)
    }
}
