//! Duplicate detection across sources: the same contract published several
//! times (the buyer's profile, a platform's export, a regional consolidation).
//!
//! ## The key
//!
//! Two records are one contract published twice when they agree on:
//!
//! - the buyer's identifier (a concession: the granting authority's), normalised:
//!   letters and digits only, upper case (`217 500 016 30066` = `21750001630066`);
//! - the contract's `id`, normalised the same way (`2024-001 a` = `2024001A`);
//! - the notification date (a concession: the signature date);
//! - the holders' identifiers (`titulaires`, `concessionnaires`), normalised and
//!   sorted (the order they are listed in does not count);
//! - the exact amount (`montant`; a concession: `valeurGlobale`), compared as a
//!   decimal (`45000.10` = `45000.1`, never rounded).
//!
//! The values are the contract's initial ones (modifications do not change the
//! key); a v1 record is compared after its upgrade. A record without a valid
//! buyer identifier or `id` has no key and is never a duplicate.
//!
//! **Near duplicates**: records with the same buyer, `id` and date that differ in
//! amount or holders (a correction, two lots numbered alike) are reported
//! (`convert.near_duplicate`), never merged.
//!
//! ## Which record is kept
//!
//! In a group of duplicates, the kept record is the first by: the most recent
//! publication (the latest of `datePublicationDonnees` and its modifications'
//! `datePublicationDonneesModification`); then the fewest findings; then the most
//! fields; then the source preferred by the user ([`Index::new`]'s `prefer`: the
//! first pattern its name contains); then, for records equal on all of these,
//! the smallest hash of the record's content, then the source name and the
//! record's place. None of these depends on the order of the inputs or of the
//! records, so the choice is stable.
//!
//! ## Memory
//!
//! The first pass keeps 64 bytes per record (hashes of the key's parts, the
//! ranking criteria, the record's place), not the records; then about 50 bytes
//! per record left out and per group (and the group's key, about 150 bytes, when
//! a report is asked). Measured: 1.53 million records (2.4 GB of JSON, half of
//! them duplicates) peak at 234 MB (`benches/README.md`). The second pass
//! (writing, or the tables' `duplicate_of_*` columns) reads the inputs again.
//!
//! ```
//! use decp_core::dedup::Index;
//! use decp_core::Reader;
//!
//! let a = br#"{"marches": {"marche": [{"id": "2024-01", "acheteur": {"id": "21690123100011"},
//!   "dateNotification": "2024-03-01", "montant": 100, "datePublicationDonnees": "2024-03-02"}]}}"#;
//! let b = br#"{"marches": {"marche": [{"id": "2024 01", "acheteur": {"id": "216 901 231 00011"},
//!   "dateNotification": "2024-03-01", "montant": 100.00, "datePublicationDonnees": "2024-03-05"}]}}"#;
//! let mut index = Index::new(Vec::new());
//! index.add("a.json", Reader::from_slice(a)?, 1, &|_| {})?;
//! index.add("b.json", Reader::from_slice(b)?, 1, &|_| {})?;
//! let dedup = index.finish();
//! assert_eq!((dedup.records(), dedup.dropped()), (2, 1));
//! // b.json was published later: it is kept.
//! assert!(dedup.duplicate_of(0, 0).is_some());
//! assert!(dedup.duplicate_of(1, 0).is_none());
//! # Ok::<(), decp_core::Error>(())
//! ```

use std::cmp::{Ordering, Reverse};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Read, Write};

use chrono::NaiveDate;

use crate::error::Error;
use crate::issue::{Issue, IssueCode};
use crate::model::Operateur;
use crate::raw::{Field, Raw, get};
use crate::read::Reader;
use crate::record::Record;
use crate::validate::{Validator, ValidatorOptions};
use crate::workflow::{Checked, Checker, ConvertError, Converted};
use crate::write::WriteRecord;

/// Letters and digits only, upper case: how identifiers are compared.
pub fn normalize_identifier(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A record's duplicate key, readable (for reports). A part present with a value
/// that does not fit its type takes part with that value as it was (`?` and its
/// JSON), so that two records differing only there are not taken for one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// The buyer's (or authority's) identifier, normalised.
    pub buyer: String,
    /// The contract's `id`, normalised.
    pub id: String,
    /// The notification (or signature) date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The holders' identifiers, normalised and sorted.
    pub holders: Vec<String>,
    /// The amount (or value), normalised (`45000.1`).
    pub amount: Option<String>,
}

/// A key part: the valid value as `show` gives it, or the invalid one as it was.
fn part<T>(f: &Option<Field<T>>, show: impl Fn(&T) -> String) -> Option<String> {
    match f.as_ref()? {
        Field::Valid(v) => Some(show(v)),
        Field::Invalid(raw) => Some(format!("?{}", raw.to_json())),
    }
}

impl Key {
    /// The key of a record (v1 upgraded first); `None` without a valid,
    /// non-empty buyer identifier or `id`.
    pub fn of(record: &Record) -> Option<Key> {
        let holders = |l: &Option<Field<Vec<Field<Operateur>>>>| -> Vec<String> {
            let mut h: Vec<String> = match l {
                None => Vec::new(),
                Some(Field::Invalid(raw)) => vec![format!("?{}", raw.to_json())],
                Some(Field::Valid(items)) => items
                    .iter()
                    .map(|o| match o {
                        Field::Valid(o) => {
                            part(&o.id, |s| normalize_identifier(s)).unwrap_or_default()
                        }
                        Field::Invalid(raw) => format!("?{}", raw.to_json()),
                    })
                    .collect(),
            };
            h.sort_unstable();
            h
        };
        let day = |d: &NaiveDate| d.to_string();
        let (buyer, id, date, holders, amount) = match record {
            Record::Marche(m) => (
                get(&m.acheteur).and_then(|a| get(&a.id)),
                get(&m.id),
                part(&m.date_notification, day),
                holders(&m.titulaires),
                part(&m.montant, |a| a.normalize().to_string()),
            ),
            Record::Concession(k) => (
                get(&k.autorite_concedante).and_then(|a| get(&a.id)),
                get(&k.id),
                part(&k.date_signature, day),
                holders(&k.concessionnaires),
                part(&k.valeur_globale, |a| a.normalize().to_string()),
            ),
            v1 => return Key::of(&crate::upgrade(v1).record),
        };
        let (buyer, id) = (normalize_identifier(buyer?), normalize_identifier(id?));
        if buyer.is_empty() || id.is_empty() {
            return None;
        }
        Some(Key {
            buyer,
            id,
            date,
            holders,
            amount,
        })
    }

    /// The key as a JSON object (`acheteur`, `id`, `date`, `titulaires`,
    /// `montant`), for reports.
    pub fn to_value(&self) -> Raw {
        let s = |x: &str| Raw::String(x.to_owned());
        let amount = match &self.amount {
            None => Raw::Null,
            Some(a) if a.starts_with('?') => s(a),
            Some(a) => Raw::Number(a.clone()),
        };
        Raw::Object(vec![
            ("acheteur".into(), s(&self.buyer)),
            ("id".into(), s(&self.id)),
            ("date".into(), self.date.as_deref().map_or(Raw::Null, s)),
            (
                "titulaires".into(),
                Raw::Array(self.holders.iter().map(|h| s(h)).collect()),
            ),
            ("montant".into(), amount),
        ])
    }
}

fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// A record's place: its source (in the order given to [`Index::add`]) and its
/// index in it (document order, from 0).
pub type Place = (u32, u64);

/// What the first pass keeps of one record.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Hashes of the key's parts: buyer + id + date, holders, amount.
    near: u64,
    holders: u64,
    amount: u64,
    /// Ranking: latest publication (days since 1970, `i32::MIN` when none),
    /// findings, fields, preferred-source rank, content hash.
    published: i32,
    findings: u32,
    fields: u32,
    prefer: u16,
    content: u64,
    place: Place,
}

impl Entry {
    fn exact(&self) -> (u64, u64, u64) {
        (self.near, self.holders, self.amount)
    }
}

/// Counts a record's members at any depth.
#[derive(Default)]
struct Fields(u32);

impl crate::sink::Sink for Fields {
    fn begin_object(&mut self) {}
    fn key(&mut self, _: &str) {
        self.0 += 1;
    }
    fn end_object(&mut self) {}
    fn begin_array(&mut self) {}
    fn end_array(&mut self) {}
    fn null(&mut self) {}
    fn bool(&mut self, _: bool) {}
    fn number(&mut self, _: &str) {}
    fn string(&mut self, _: &str) {}
}

/// The latest publication date of a record and of its modifications.
fn published(r: &Record) -> Option<NaiveDate> {
    match r {
        Record::Marche(m) => get(&m.modifications)
            .into_iter()
            .flatten()
            .filter_map(|x| {
                x.valid()
                    .and_then(|x| get(&x.date_publication_donnees_modification))
            })
            .chain(get(&m.date_publication_donnees))
            .max()
            .copied(),
        Record::Concession(k) => get(&k.modifications)
            .into_iter()
            .flatten()
            .filter_map(|x| {
                x.valid()
                    .and_then(|x| get(&x.date_publication_donnees_modification))
            })
            .chain(get(&k.date_publication_donnees))
            .max()
            .copied(),
        v1 => published(&crate::upgrade(v1).record),
    }
}

fn entry(c: &Checked, source: u32, prefer: u16) -> Option<Entry> {
    let record = c.record.as_ref()?;
    let key = Key::of(record)?;
    let place = (source, c.position.and_then(|p| p.record)?);
    let mut fields = Fields::default();
    record.emit(&mut fields);
    Some(Entry {
        near: hash_of(&(&key.buyer, &key.id, key.date)),
        holders: hash_of(&key.holders),
        amount: hash_of(&key.amount),
        published: published(record).map_or(i32::MIN, crate::lexical::epoch_days),
        findings: c.issues.len().try_into().unwrap_or(u32::MAX),
        fields: fields.0,
        prefer,
        content: hash_of(&record.to_json(false)),
        place,
    })
}

/// The first pass: the key and ranking of every record of every source.
#[derive(Debug, Default)]
pub struct Index {
    prefer: Vec<String>,
    sources: Vec<String>,
    entries: Vec<Entry>,
    records: u64,
    unreadable: u64,
}

impl Index {
    /// An empty index. `prefer`: source patterns in order of preference (a source
    /// matches the first pattern its name contains); it only decides between
    /// records equal on publication date, findings and fields.
    pub fn new(prefer: Vec<String>) -> Index {
        Index {
            prefer,
            ..Index::default()
        }
    }

    /// Reads one source to its end on `jobs` threads and adds its records. Each
    /// record is decoded with the reader's options, upgraded when v1 and checked
    /// by the default [`Validator`]: its findings count in the
    /// ranking. Returns the source's number.
    ///
    /// # Errors
    ///
    /// The reader's fatal error; the records read before it are indexed.
    pub fn add<R: Read + Send, P: Fn(u64) + Sync + ?Sized>(
        &mut self,
        name: impl Into<String>,
        reader: Reader<R>,
        jobs: usize,
        progress: &P,
    ) -> Result<u32, Error> {
        let name = name.into();
        let rank = self
            .prefer
            .iter()
            .position(|p| name.contains(p.as_str()))
            .unwrap_or(self.prefer.len());
        let rank = u16::try_from(rank).unwrap_or(u16::MAX);
        let source = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
        self.sources.push(name);
        let checker = Checker::new(reader.decode_options())
            .validator(Validator::new(ValidatorOptions::default()))
            .upgrade(true);
        let (entries, records, unreadable) =
            (&mut self.entries, &mut self.records, &mut self.unreadable);
        checker.for_each(
            reader,
            jobs,
            progress,
            |c| (c.is_record(), c.record.is_none(), entry(&c, source, rank)),
            |(is_record, failed, e)| {
                *records += u64::from(is_record);
                *unreadable += u64::from(is_record && failed);
                entries.extend(e);
                true
            },
        )?;
        Ok(source)
    }

    /// Finds the groups of duplicates and of near duplicates, and chooses the
    /// record kept in each group.
    pub fn finish(mut self) -> Dedup {
        let sources = std::mem::take(&mut self.sources);
        let better = |a: &Entry, b: &Entry| -> Ordering {
            (
                Reverse(a.published),
                a.findings,
                Reverse(a.fields),
                a.prefer,
                a.content,
                &sources[a.place.0 as usize],
                a.place.1,
            )
                .cmp(&(
                    Reverse(b.published),
                    b.findings,
                    Reverse(b.fields),
                    b.prefer,
                    b.content,
                    &sources[b.place.0 as usize],
                    b.place.1,
                ))
        };
        let mut e = std::mem::take(&mut self.entries);
        e.sort_unstable_by(|a, b| a.exact().cmp(&b.exact()).then_with(|| better(a, b)));
        let mut groups = Vec::new();
        let mut decisions = HashMap::new();
        for g in e.chunk_by(|a, b| a.exact() == b.exact()) {
            if g.len() < 2 {
                continue;
            }
            let kept = g[0];
            let n = groups.len() as u32;
            let dropped: Vec<(Place, Reason)> =
                g[1..].iter().map(|d| (d.place, reason(&kept, d))).collect();
            for (p, r) in &dropped {
                decisions.insert(
                    *p,
                    Dropped {
                        group: n,
                        kept: kept.place,
                        reason: *r,
                    },
                );
            }
            groups.push(Group {
                key: None,
                kept: kept.place,
                dropped,
            });
        }
        // Near duplicates: one kept record per distinct exact key, by buyer, id, date.
        let mut heads: Vec<&Entry> = e
            .chunk_by(|a, b| a.exact() == b.exact())
            .map(|g| &g[0])
            .collect();
        heads.sort_by_key(|h| h.near);
        let mut near = Vec::new();
        let mut near_of = HashMap::new();
        for g in heads.chunk_by(|a, b| a.near == b.near) {
            if g.len() < 2 {
                continue;
            }
            let n = near.len() as u32;
            for (k, h) in g.iter().enumerate() {
                let other = g[if k == 0 { 1 } else { 0 }];
                let mut differs = Vec::new();
                if h.amount != other.amount {
                    differs.push("montant");
                }
                if h.holders != other.holders {
                    differs.push("titulaires");
                }
                near_of.insert(h.place, (n, other.place, differs.join(", ")));
            }
            let mut members: Vec<Place> = g.iter().map(|h| h.place).collect();
            members.sort_by(|a, b| by_place(&sources, a, b));
            near.push(members);
        }
        // Reports list groups in the order of their places, not of their hashes.
        near.sort_by(|a: &Vec<Place>, b| by_place(&sources, &a[0], &b[0]));
        for (n, g) in near.iter().enumerate() {
            for p in g {
                if let Some(x) = near_of.get_mut(p) {
                    x.0 = n as u32;
                }
            }
        }
        groups.sort_by(|a: &Group, b| by_place(&sources, &a.kept, &b.kept));
        for (n, g) in groups.iter().enumerate() {
            for (p, _) in &g.dropped {
                if let Some(d) = decisions.get_mut(p) {
                    d.group = n as u32;
                }
            }
        }
        Dedup {
            sources,
            collect_keys: false,
            records: self.records,
            unreadable: self.unreadable,
            groups,
            decisions,
            near,
            near_of,
        }
    }
}

/// Places in the order of their sources' names, then of the records.
fn by_place(sources: &[String], a: &Place, b: &Place) -> Ordering {
    (&sources[a.0 as usize], a.1).cmp(&(&sources[b.0 as usize], b.1))
}

/// The criterion that chose the kept record over a dropped one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Published,
    Findings,
    Fields,
    Prefer,
    Content,
    Identical,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Published => "datePublicationDonnees",
            Reason::Findings => "findings",
            Reason::Fields => "fields",
            Reason::Prefer => "prefer",
            Reason::Content => "content",
            Reason::Identical => "identical",
        }
    }
}

/// The first criterion on which the kept record beat a dropped one.
fn reason(kept: &Entry, d: &Entry) -> Reason {
    if kept.published != d.published {
        Reason::Published
    } else if kept.findings != d.findings {
        Reason::Findings
    } else if kept.fields != d.fields {
        Reason::Fields
    } else if kept.prefer != d.prefer {
        Reason::Prefer
    } else if kept.content != d.content {
        Reason::Content
    } else {
        Reason::Identical
    }
}

/// A record left out: its group, the record kept, why.
#[derive(Debug, Clone, Copy)]
struct Dropped {
    group: u32,
    kept: Place,
    reason: Reason,
}

#[derive(Debug)]
struct Group {
    /// The key as compact JSON, once a second pass has noted it.
    key: Option<Box<str>>,
    kept: Place,
    dropped: Vec<(Place, Reason)>,
}

/// The groups of duplicates and near duplicates of a set of sources, and the
/// record kept in each group (see the module's documentation).
#[derive(Debug)]
pub struct Dedup {
    sources: Vec<String>,
    /// Whether [`Dedup::convert`] notes the groups' keys for the report.
    collect_keys: bool,
    records: u64,
    unreadable: u64,
    groups: Vec<Group>,
    /// The records left out (only those: about 50 bytes each).
    decisions: HashMap<Place, Dropped>,
    near: Vec<Vec<Place>>,
    /// Each near duplicate's group, one other member, and what differs.
    near_of: HashMap<Place, (u32, Place, String)>,
}

impl Dedup {
    /// Records read (readable or not) in every source.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Records that could not be read (neither kept nor left out).
    pub fn unreadable(&self) -> u64 {
        self.unreadable
    }

    /// Records left out as duplicates.
    pub fn dropped(&self) -> u64 {
        self.groups.iter().map(|g| g.dropped.len() as u64).sum()
    }

    /// Groups of duplicates (each: one kept record, one or more dropped).
    pub fn groups(&self) -> usize {
        self.groups.len()
    }

    /// Groups of near duplicates.
    pub fn near_groups(&self) -> usize {
        self.near.len()
    }

    /// The record kept in place of the record at `(source, record)`, when that
    /// record is a duplicate left out.
    pub fn duplicate_of(&self, source: u32, record: u64) -> Option<Place> {
        self.decisions.get(&(source, record)).map(|d| d.kept)
    }

    /// The name of a source, as given to [`Index::add`].
    pub fn source_name(&self, source: u32) -> &str {
        &self.sources[source as usize]
    }

    /// A place as `source#n`, records counted from 1 (the text reports' numbering).
    pub fn place_text(&self, (source, record): Place) -> String {
        format!("{}#{}", self.sources[source as usize], record + 1)
    }

    /// The findings of deduplication on one record (`convert.duplicate` when it is
    /// left out, `convert.near_duplicate` when it has near duplicates), placed at
    /// the record.
    pub fn findings(&self, source: u32, c: &Checked) -> Vec<Issue> {
        let Some(record) = c.position.and_then(|p| p.record) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut issue = |code, value: &str, expected: String| {
            let mut i = Issue::new(code, c.path.clone().unwrap_or_default());
            i.position = c.position;
            i.value = Some(value.to_owned());
            i.expected = Some(expected);
            out.push(i);
        };
        if let Some(d) = self.decisions.get(&(source, record)) {
            issue(
                IssueCode::Duplicate,
                d.reason.as_str(),
                self.place_text(d.kept),
            );
        }
        if let Some((_, other, differs)) = self.near_of.get(&(source, record)) {
            issue(IssueCode::NearDuplicate, differs, self.place_text(*other));
        }
        out
    }

    /// Notes the readable key of a record of a group, for the report (a dropped
    /// record has its group's key).
    pub fn note(&mut self, source: u32, c: &Checked) {
        let Some(record) = c.position.and_then(|p| p.record) else {
            return;
        };
        if let Some(d) = self.decisions.get(&(source, record)).copied()
            && self.groups[d.group as usize].key.is_none()
        {
            self.groups[d.group as usize].key = c
                .record
                .as_ref()
                .and_then(Key::of)
                .map(|k| k.to_value().to_json().into_boxed_str());
        }
    }

    /// Whether [`Dedup::convert`] notes the groups' keys for the report (off by
    /// default: the keys take about 150 bytes a group).
    pub fn collect_keys(&mut self, yes: bool) {
        self.collect_keys = yes;
    }

    /// Reads one source again (the `source`-th given to [`Index::add`]) to note the
    /// readable keys of its groups for [`Dedup::to_json`], when the records are
    /// not written ([`Dedup::convert`] notes them as it writes).
    ///
    /// # Errors
    ///
    /// The reader's fatal error.
    pub fn note_keys<R: Read + Send>(
        &mut self,
        source: u32,
        reader: Reader<R>,
        jobs: usize,
    ) -> Result<(), Error> {
        let checker = Checker::new(reader.decode_options()).upgrade(true);
        checker.for_each(
            reader,
            jobs,
            &|_| {},
            |c| c,
            |c| {
                self.note(source, &c);
                true
            },
        )
    }

    /// Writes the records of one source (the `source`-th given to [`Index::add`],
    /// read again) into `writer`, leaving out the duplicates with a
    /// `convert.duplicate` finding each (near duplicates get a
    /// `convert.near_duplicate` finding and are written); v1 records are upgraded.
    /// Otherwise as [`Checker::convert`] (decoding with the reader's options):
    /// `each` sees every record and its findings.
    ///
    /// # Errors
    ///
    /// As [`Checker::convert`].
    #[allow(clippy::too_many_arguments)]
    pub fn convert<R, O, P, E>(
        &mut self,
        source: u32,
        reader: Reader<R>,
        writer: &mut O,
        jobs: usize,
        progress: &P,
        each: E,
    ) -> Result<Converted, ConvertError>
    where
        R: Read + Send,
        O: WriteRecord + ?Sized,
        P: Fn(u64) + Sync + ?Sized,
        E: FnMut(&Checked) -> bool,
    {
        let checker = Checker::new(reader.decode_options()).upgrade(true);
        checker.convert_keeping(
            reader,
            writer,
            jobs,
            progress,
            |c| {
                if self.collect_keys {
                    self.note(source, c);
                }
                let found = self.findings(source, c);
                let dropped = found.iter().any(|i| i.code == IssueCode::Duplicate);
                c.issues.extend(found);
                !dropped
            },
            each,
        )
    }

    /// The duplicates report as JSON (see [`Dedup::write_report`]).
    pub fn to_json(&self) -> String {
        let mut v = Vec::new();
        self.write_report(&mut v).expect("writing to memory");
        String::from_utf8(v).unwrap_or_default()
    }

    /// Writes the duplicates report as compact JSON, one group at a time:
    /// `{"records", "kept", "dropped", "unreadable", "groups": [{"key", "kept": PLACE,
    /// "dropped": [PLACE + "reason"]}], "near_duplicates": [[PLACE…]]}` where a
    /// PLACE is `{"source", "record"}` (record from 0, as in the findings) and
    /// `key` is the group's [`Key::to_value`] (null when no second pass noted it).
    ///
    /// # Errors
    ///
    /// The output's.
    pub fn write_report<W: Write>(&self, mut w: W) -> io::Result<()> {
        let place = |(s, r): Place| {
            format!(
                r#"{{"source":{},"record":{r}}}"#,
                Raw::String(self.sources[s as usize].clone()).to_json()
            )
        };
        write!(
            w,
            r#"{{"records":{},"kept":{},"dropped":{},"unreadable":{},"groups":["#,
            self.records,
            self.records - self.dropped() - self.unreadable,
            self.dropped(),
            self.unreadable
        )?;
        for (k, g) in self.groups.iter().enumerate() {
            let dropped: Vec<String> = g
                .dropped
                .iter()
                .map(|(p, why)| {
                    let mut x = place(*p);
                    x.pop();
                    format!(r#"{x},"reason":"{}"}}"#, why.as_str())
                })
                .collect();
            write!(
                w,
                r#"{}{{"key":{},"kept":{},"dropped":[{}]}}"#,
                if k > 0 { "," } else { "" },
                g.key.as_deref().unwrap_or("null"),
                place(g.kept),
                dropped.join(",")
            )?;
        }
        w.write_all(br#"],"near_duplicates":["#)?;
        for (k, g) in self.near.iter().enumerate() {
            let members: Vec<String> = g.iter().map(|p| place(*p)).collect();
            write!(w, "{}[{}]", if k > 0 { "," } else { "" }, members.join(","))?;
        }
        w.write_all(b"]}")?;
        w.flush()
    }
}
