//! Validation: one rule set over the typed model, whatever the input format.
//!
//! Three families run in order: the rules equivalent to the official schemas
//! (`schema.*`: a record passes when it would pass both the JSON schema 2.0.3 and
//! the XSD 2.0.2; where they disagree the stricter one wins and the code's docs say
//! so), the regulatory rules the schemas cannot state (`rule.*`), and data-quality
//! warnings (`quality.*`). Type, label, date and unknown-member findings come from
//! decoding ([`Decoded::findings`](crate::Decoded)); [`Validator::check`] merges both.
//!
//! ```
//! use decp_core::{Reader, Validator, ValidatorOptions, IssueCode};
//! let json = br#"{"marches": {"marche": [{"id": "A", "montant": 0.5}]}}"#;
//! let v = Validator::new(ValidatorOptions::default());
//! let d = Reader::from_slice(json)?.records().next().unwrap()?;
//! let issues = v.check(&d);
//! assert!(issues.iter().any(|i| i.code == IssueCode::Required && i.path == "/marches/marche/0/acheteur"));
//! assert!(issues.iter().any(|i| i.code == IssueCode::Minimum && i.path == "/marches/marche/0/montant"));
//! # Ok::<(), decp_core::Error>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::decoded::Decoded;
use crate::issue::{Family, Issue, Severity};
use crate::record::Record;

mod checks;
mod concession;
mod ids;
mod marche;
mod v1;

use checks::Ck;
pub use ids::{check_siret, luhn};

/// Which families of rules run ([`Families::default`]: all of them).
///
/// ```
/// use decp_core::{Families, Family};
/// let f = Families::of(&[Family::Schema, Family::Quality]);
/// assert!(f.runs(Family::Schema) && !f.runs(Family::Rule));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Families {
    /// `schema.*`
    pub schema: bool,
    /// `rule.*`
    pub rule: bool,
    /// `quality.*`
    pub quality: bool,
}

impl Default for Families {
    fn default() -> Families {
        Families {
            schema: true,
            rule: true,
            quality: true,
        }
    }
}

impl Families {
    /// Only the `schema` family: the official schemas' verdict.
    pub const SCHEMA_ONLY: Families = Families {
        schema: true,
        rule: false,
        quality: false,
    };

    /// Only the families listed (the `repair` and `upgrade` findings of reading
    /// are always kept).
    pub fn of(families: &[Family]) -> Families {
        Families {
            schema: families.contains(&Family::Schema),
            rule: families.contains(&Family::Rule),
            quality: families.contains(&Family::Quality),
        }
    }

    /// Whether findings of the family `f` are reported.
    pub fn runs(&self, f: Family) -> bool {
        match f {
            Family::Schema => self.schema,
            Family::Rule => self.rule,
            Family::Quality => self.quality,
            Family::Repair | Family::Upgrade | Family::Convert => true,
        }
    }
}

/// Options of a [`Validator`]: [`ValidatorOptions::default`], then the setters.
///
/// ```
/// use decp_core::{Families, ValidatorOptions};
/// let o = ValidatorOptions::default().families(Families::SCHEMA_ONLY).max_duration_months(240);
/// assert_eq!(o.max_duration_months, 240);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ValidatorOptions {
    /// Which families run.
    pub families: Families,
    /// "Today", for `rule.date_in_future`; the system date when `None`.
    pub today: Option<NaiveDate>,
    /// Publication threshold in € HT for every record; `None` (the default): the
    /// threshold in force on the record's notification date ([`publication_threshold`]).
    pub threshold: Option<Decimal>,
    /// Largest plausible amount in € (3 billion).
    pub max_amount: Decimal,
    /// Longest plausible duration in months (180).
    pub max_duration_months: i64,
    /// Longest delay between notification and publication, in months (2).
    pub max_publication_delay_months: u32,
    /// Shortest meaningful `objet`, in characters (10).
    pub min_objet_chars: usize,
}

impl Default for ValidatorOptions {
    fn default() -> ValidatorOptions {
        ValidatorOptions {
            families: Families::default(),
            today: None,
            threshold: None,
            max_amount: Decimal::new(3_000_000_000, 0),
            max_duration_months: 180,
            max_publication_delay_months: 2,
            min_objet_chars: 10,
        }
    }
}

impl ValidatorOptions {
    /// Sets which families run.
    pub fn families(mut self, families: Families) -> ValidatorOptions {
        self.families = families;
        self
    }
    /// Sets "today", for `rule.date_in_future` (reproducible runs).
    pub fn today(mut self, today: NaiveDate) -> ValidatorOptions {
        self.today = Some(today);
        self
    }
    /// Sets one publication threshold for every record, in euros HT, instead of
    /// the one in force on each record's date.
    pub fn threshold(mut self, euros: Decimal) -> ValidatorOptions {
        self.threshold = Some(euros);
        self
    }
    /// Sets the largest plausible amount, in euros HT.
    pub fn max_amount(mut self, euros: Decimal) -> ValidatorOptions {
        self.max_amount = euros;
        self
    }
    /// Sets the longest plausible duration, in months.
    pub fn max_duration_months(mut self, months: i64) -> ValidatorOptions {
        self.max_duration_months = months;
        self
    }
    /// Sets the longest delay between notification and publication, in months.
    pub fn max_publication_delay_months(mut self, months: u32) -> ValidatorOptions {
        self.max_publication_delay_months = months;
        self
    }
    /// Sets the shortest meaningful `objet`, in characters.
    pub fn min_objet_chars(mut self, chars: usize) -> ValidatorOptions {
        self.min_objet_chars = chars;
        self
    }
}

/// The thresholds (€ HT) above which a contract's essential data must be
/// published, with the first day each was in force: 25 000 € until 31 December
/// 2019, 40 000 € since 1 January 2020 (décret n° 2019-1344 of 12 December 2019;
/// code de la commande publique, art. R. 2196-1 and annex 15).
pub const PUBLICATION_THRESHOLDS: &[((i32, u32, u32), i64)] =
    &[((1, 1, 1), 25_000), ((2020, 1, 1), 40_000)];

/// The publication threshold in force on `date` (the latest one when the date is
/// unknown), in euros HT; see [`PUBLICATION_THRESHOLDS`].
///
/// ```
/// use chrono::NaiveDate;
/// use decp_core::publication_threshold;
/// assert_eq!(publication_threshold(NaiveDate::from_ymd_opt(2019, 12, 31)).to_string(), "25000");
/// assert_eq!(publication_threshold(NaiveDate::from_ymd_opt(2020, 1, 1)).to_string(), "40000");
/// assert_eq!(publication_threshold(None).to_string(), "40000");
/// ```
pub fn publication_threshold(date: Option<NaiveDate>) -> Decimal {
    let in_force = PUBLICATION_THRESHOLDS.iter().rev().find(|((y, m, d), _)| {
        date.is_none_or(|date| NaiveDate::from_ymd_opt(*y, *m, *d).is_some_and(|from| from <= date))
    });
    Decimal::new(in_force.map_or(40_000, |(_, euros)| *euros), 0)
}

/// Runs the rules; built once and reused for every record.
#[derive(Debug, Clone)]
pub struct Validator {
    opts: ValidatorOptions,
    today: NaiveDate,
}

fn system_today() -> NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Days::new(secs / 86_400)
}

impl Validator {
    /// A validator with these options.
    pub fn new(opts: ValidatorOptions) -> Validator {
        let today = opts.today.unwrap_or_else(system_today);
        Validator { opts, today }
    }

    /// The options.
    pub fn options(&self) -> &ValidatorOptions {
        &self.opts
    }

    /// All findings of the rules about `record`, with paths relative to the record
    /// (`/titulaires/0/titulaire/id`) and no position.
    pub fn iter_issues(&self, record: &Record) -> std::vec::IntoIter<Issue> {
        self.run(record, String::new()).into_iter()
    }

    /// `true` when no rule finds an error (warnings do not count).
    pub fn is_valid(&self, record: &Record) -> bool {
        !self
            .iter_issues(record)
            .any(|i| i.severity() == Severity::Error)
    }

    /// The first error, if any.
    // The finding itself is the error (128 bytes, returned once per record at most).
    #[allow(clippy::result_large_err)]
    pub fn validate(&self, record: &Record) -> Result<(), Issue> {
        match self
            .iter_issues(record)
            .find(|i| i.severity() == Severity::Error)
        {
            Some(i) => Err(i),
            None => Ok(()),
        }
    }

    /// Everything known about a record read from an input: its decoding findings and
    /// the rules' findings, with absolute paths (`/marches/marche/N/…`); findings of
    /// families that do not run are left out. Rule findings carry the record's
    /// position; [`Checker::check_raw`](crate::Checker::check_raw) places each at
    /// its value instead.
    pub fn check(&self, d: &Decoded) -> Vec<Issue> {
        let prefix = d.path.clone();
        let mut out: Vec<Issue> = d
            .findings
            .iter()
            .filter(|i| self.opts.families.runs(i.family()))
            .cloned()
            .collect();
        for mut i in self.run(&d.record, prefix) {
            i.position = i.position.or(Some(d.position));
            out.push(i);
        }
        out
    }

    pub(crate) fn run(&self, record: &Record, prefix: String) -> Vec<Issue> {
        let mut path = prefix;
        path.reserve(96);
        let mut ck = Ck {
            v: self,
            path,
            out: Vec::new(),
        };
        match record {
            Record::Marche(m) => ck.marche(m),
            Record::Concession(c) => ck.concession(c),
            Record::MarcheV1(m) => ck.marche_v1(m),
            Record::ConcessionV1(c) => ck.concession_v1(c),
        }
        ck.out
    }
}
