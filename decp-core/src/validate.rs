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

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::decoded::Decoded;
use crate::issue::{Family, Issue, IssueCode, Severity};
use crate::model::*;
use crate::path::PathWalk;
use crate::raw::{Field, get};

#[path = "validate_v1.rs"]
mod v1_rules;

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
            Family::Repair | Family::Upgrade => true,
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
    /// Publication threshold in € HT (40 000).
    pub threshold: Decimal,
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
            threshold: Decimal::new(40_000, 0),
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
    /// Sets the publication threshold, in euros HT.
    pub fn threshold(mut self, euros: Decimal) -> ValidatorOptions {
        self.threshold = euros;
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

// ------------------------------------------------------------------ helpers

/// Luhn check of a string of ASCII digits.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Checks a 14-digit SIRET: `Ok`, or the code of what is wrong.
pub fn check_siret(s: &str) -> Result<(), IssueCode> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IssueCode::Pattern);
    }
    // La Poste's establishments share SIREN 356000000 and use another rule.
    if s.starts_with("356000000") {
        let sum: u32 = s.bytes().map(|b| u32::from(b - b'0')).sum();
        return if sum.is_multiple_of(5) {
            Ok(())
        } else {
            Err(IssueCode::SiretChecksum)
        };
    }
    if !luhn(&s[..9]) {
        return Err(IssueCode::SirenChecksum);
    }
    if !luhn(s) {
        return Err(IssueCode::SiretChecksum);
    }
    Ok(())
}

fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}
fn digits(s: &str) -> bool {
    all(s, |b| b.is_ascii_digit())
}
fn alnum(s: &str) -> bool {
    all(s, |b| b.is_ascii_alphanumeric())
}

/// The format of an identifier of a non-SIRET type (conservative patterns, those of
/// the official consolidation pipeline; TVA: a country prefix and 2 to 13 characters).
fn identifier_ok(t: TypeIdentifiant, id: &str) -> bool {
    let up = |s: &str| all(s, |b| b.is_ascii_uppercase());
    match t {
        TypeIdentifiant::Siret => check_siret(id).is_ok(),
        TypeIdentifiant::Tva => {
            id.len() >= 4
                && id.len() <= 15
                && up(&id[..2])
                && all(&id[2..], |b| b.is_ascii_digit() || b.is_ascii_uppercase())
        }
        TypeIdentifiant::Tahiti => id.len() == 9 && alnum(id),
        TypeIdentifiant::Ridet => id.len() == 10 && alnum(id),
        TypeIdentifiant::Frwf => id.len() == 18 && id.starts_with("FRWF") && alnum(&id[4..]),
        TypeIdentifiant::Irep => {
            id.len() >= 5 && id.is_char_boundary(5) && digits(&id[..5]) && alnum(&id[5..])
        }
        TypeIdentifiant::HorsUe => {
            id.len() >= 2
                && id.len() <= 18
                && id.is_char_boundary(2)
                && up(&id[..2])
                && alnum(&id[2..])
        }
    }
}

/// A département code: `01`–`95`, `2A`, `2B`, `971`–`976`.
fn departement(s: &str) -> bool {
    match s.len() {
        2 => s == "2A" || s == "2B" || (digits(s) && s != "00" && s != "20" && s < "96"),
        3 => digits(s) && ("971".."977").contains(&s),
        _ => false,
    }
}

/// `code` fits `typeCode` (postal code, INSEE codes, ISO country).
fn lieu_code_ok(t: TypeCode, code: &str) -> bool {
    let split = |n: usize| -> bool {
        // A département prefix followed by `n` digits (INSEE codes).
        (code.len() >= n + 2)
            && [2usize, 3].iter().any(|&d| {
                code.len() == d + n
                    && code.is_char_boundary(d)
                    && departement(&code[..d])
                    && digits(&code[d..])
            })
    };
    match t {
        TypeCode::CodePostal => code.len() == 5 && digits(code),
        TypeCode::CodeCommune => code.len() == 5 && split(5 - 2) || code.len() == 5 && split(2),
        TypeCode::CodeArrondissement => split(1),
        TypeCode::CodeCanton => split(2),
        TypeCode::CodeDepartement => departement(code),
        TypeCode::CodeRegion => code.len() == 2 && digits(code),
        TypeCode::CodePays => {
            (code.len() == 2 || code.len() == 3) && all(code, |b| b.is_ascii_uppercase())
        }
    }
}

/// Whether the integer part has at least six digits, all the same (`999999.50`).
fn repeated_digits(d: &Decimal) -> bool {
    use rust_decimal::prelude::ToPrimitive;
    // Every Decimal's integer part is below 2^96: it fits a u128.
    let Some(mut n) = d.trunc().abs().to_u128() else {
        return false;
    };
    if n < 100_000 {
        return false;
    }
    let first = n % 10;
    while n > 0 {
        if n % 10 != first {
            return false;
        }
        n /= 10;
    }
    true
}

// ------------------------------------------------------------------ the checks

impl PathWalk for Ck<'_> {
    fn path_mut(&mut self) -> &mut String {
        &mut self.path
    }
}

struct Ck<'v> {
    v: &'v Validator,
    path: String,
    out: Vec<Issue>,
}

impl Ck<'_> {
    fn emit(&mut self, code: IssueCode, value: Option<String>, expected: Option<String>) {
        if self.v.opts.families.runs(code.family()) {
            let mut i = Issue::new(
                code,
                if self.path.is_empty() {
                    "/".to_owned()
                } else {
                    self.path.clone()
                },
            );
            i.value = value;
            i.expected = expected;
            self.out.push(i);
        }
    }

    fn emit_at(
        &mut self,
        key: &str,
        code: IssueCode,
        value: Option<String>,
        expected: Option<String>,
    ) {
        self.at(key, |c| c.emit(code, value, expected));
    }

    /// Reports a missing required member.
    fn required<T>(&mut self, f: &Option<Field<T>>, key: &str) {
        if f.is_none() {
            self.emit_at(key, IssueCode::Required, None, Some(key.to_owned()));
        }
    }

    fn text(&mut self, f: &Option<Field<String>>, key: &str, min: usize, max: usize) {
        if let Some(s) = get(f) {
            let n = s.chars().count();
            if n < min {
                self.emit_at(
                    key,
                    IssueCode::MinLength,
                    Some(s.clone()),
                    Some(min.to_string()),
                );
            } else if n > max {
                let shown: String = s.chars().take(60).collect();
                self.emit_at(
                    key,
                    IssueCode::MaxLength,
                    Some(format!("{shown}…")),
                    Some(max.to_string()),
                );
            }
        }
    }

    fn min_int(&mut self, f: &Option<Field<i64>>, key: &str, min: i64) {
        if let Some(&n) = get(f)
            && n < min
        {
            self.emit_at(
                key,
                IssueCode::Minimum,
                Some(n.to_string()),
                Some(min.to_string()),
            );
        }
    }

    fn range_dec(&mut self, f: Option<&Decimal>, key: &str, min: i64, max: Option<i64>) {
        if let Some(d) = f {
            if *d < Decimal::from(min) {
                self.emit_at(
                    key,
                    IssueCode::Minimum,
                    Some(d.to_string()),
                    Some(min.to_string()),
                );
            } else if let Some(max) = max.filter(|&m| *d > Decimal::from(m)) {
                self.emit_at(
                    key,
                    IssueCode::Maximum,
                    Some(d.to_string()),
                    Some(max.to_string()),
                );
            }
        }
    }

    fn dec(&mut self, f: &Option<Field<Decimal>>, key: &str, min: i64, max: Option<i64>) {
        self.range_dec(get(f), key, min, max);
    }

    fn future(&mut self, f: &Option<Field<NaiveDate>>, key: &str) {
        if let Some(d) = get(f)
            && *d > self.v.today
        {
            self.emit_at(
                key,
                IssueCode::DateInFuture,
                Some(d.to_string()),
                Some(self.v.today.to_string()),
            );
        }
    }

    /// `minItems` (when `min` > 0) and `uniqueItems` of a list.
    fn list<T: PartialEq + std::fmt::Debug>(
        &mut self,
        f: &Option<Field<Vec<Field<T>>>>,
        key: &str,
        min: usize,
        label: impl Fn(&Field<T>) -> String,
    ) {
        let Some(items) = f.as_ref().and_then(Field::valid) else {
            return;
        };
        self.at(key, |c| {
            if items.len() < min {
                c.emit(IssueCode::MinItems, None, Some(min.to_string()));
            }
            for (i, it) in items.iter().enumerate() {
                if items[..i].contains(it) {
                    c.at_index(i, |c| c.emit(IssueCode::UniqueItems, Some(label(it)), None));
                }
            }
        });
    }

    /// A list of labels: min 1, unique, and the exclusive "none" label (if the list
    /// has one) alone.
    fn labels<T: Copy + PartialEq + std::fmt::Display + std::fmt::Debug>(
        &mut self,
        f: &Option<Field<Vec<Field<T>>>>,
        key: &str,
        item: &str,
        none: Option<T>,
    ) {
        let Some(items) = f.as_ref().and_then(Field::valid) else {
            return;
        };
        self.at(key, |c| {
            c.at(item, |c| {
                if items.is_empty() {
                    c.emit(IssueCode::MinItems, None, Some("1".into()));
                }
                for (i, it) in items.iter().enumerate() {
                    if items[..i].contains(it) {
                        let shown = it.valid().map(ToString::to_string).unwrap_or_default();
                        c.at_index(i, |c| c.emit(IssueCode::UniqueItems, Some(shown), None));
                    }
                }
                if items.len() > 1
                    && let Some(none) = none
                    && let Some(i) = items.iter().position(|x| x.valid() == Some(&none))
                {
                    c.at_index(i, |c| {
                        c.emit(IssueCode::ExclusiveLabel, Some(none.to_string()), None)
                    });
                }
            })
        });
    }

    fn operateur(&mut self, o: &Operateur) {
        self.required(&o.type_identifiant, "typeIdentifiant");
        self.required(&o.id, "id");
        if let (Some(&t), Some(id)) = (get(&o.type_identifiant), get(&o.id)) {
            let code = if t == TypeIdentifiant::Siret {
                match check_siret(id) {
                    Ok(()) => None,
                    Err(IssueCode::Pattern) => Some(IssueCode::IdentifierFormat),
                    Err(c) => Some(c),
                }
            } else {
                (!identifier_ok(t, id)).then_some(IssueCode::IdentifierFormat)
            };
            if let Some(code) = code {
                self.emit_at("id", code, Some(id.clone()), Some(t.to_string()));
            }
        }
    }

    fn operateurs(&mut self, f: &Option<Field<Vec<Field<Operateur>>>>, key: &str, item: &str) {
        self.list(f, key, 1, |o| {
            format!("{:?}", o.valid().map(|o| get(&o.id)))
        });
        let Some(items) = f.as_ref().and_then(Field::valid) else {
            return;
        };
        self.at(key, |c| {
            for (i, o) in items.iter().enumerate() {
                if let Field::Valid(o) = o {
                    c.at_index(i, |c| c.at(item, |c| c.operateur(o)));
                }
            }
        });
    }

    fn buyer(&mut self, f: &Option<Field<Acheteur>>, key: &str) {
        self.required(f, key);
        let Some(a) = get(f) else { return };
        self.at(key, |c| {
            c.required(&a.id, "id");
            if let Some(id) = get(&a.id) {
                match check_siret(id) {
                    Ok(()) => {}
                    Err(IssueCode::Pattern) => {
                        c.emit_at(
                            "id",
                            IssueCode::Pattern,
                            Some(id.clone()),
                            Some("14 digits".into()),
                        );
                    }
                    Err(code) => c.emit_at("id", code, Some(id.clone()), None),
                }
            }
        });
    }

    fn cpv(&mut self, f: &Option<Field<String>>) {
        let Some(code) = get(f) else { return };
        let b = code.as_bytes();
        let shape = (b.len() == 8 || (b.len() == 10 && b[8] == b'-' && b[9].is_ascii_digit()))
            && digits(&code[..8]);
        if !shape {
            self.emit_at(
                "codeCPV",
                IssueCode::Pattern,
                Some(code.clone()),
                Some("^[0-9]{8}(-[0-9])?$".into()),
            );
            return;
        }
        match crate::cpv::lookup(code) {
            None => self.emit_at("codeCPV", IssueCode::CpvUnknown, Some(code.clone()), None),
            Some(c) if b.len() == 10 && char::from(b[9]) != c.check_digit => {
                self.emit_at(
                    "codeCPV",
                    IssueCode::CpvCheckDigit,
                    Some(code.clone()),
                    Some(c.check_digit.to_string()),
                );
            }
            Some(_) => {}
        }
    }

    /// Ids of a list: unique, and increasing in date order.
    fn sequence(
        &mut self,
        key: &str,
        item: &str,
        entries: &[(usize, Option<i64>, Option<NaiveDate>)],
    ) {
        let mut seen = HashSet::new();
        for &(i, id, _) in entries {
            if let Some(id) = id
                && !seen.insert(id)
            {
                self.at(key, |c| {
                    c.at_index(i, |c| {
                        c.at(item, |c| {
                            c.emit_at("id", IssueCode::IdNotUnique, Some(id.to_string()), None)
                        })
                    })
                });
            }
        }
        let mut dated: Vec<(NaiveDate, i64, usize)> = entries
            .iter()
            .filter_map(|&(i, id, d)| Some((d?, id?, i)))
            .collect();
        dated.sort_by_key(|&(d, _, i)| (d, i));
        for w in dated.windows(2) {
            let ((d0, id0, _), (d1, id1, i1)) = (w[0], w[1]);
            if id1 <= id0 && d1 > d0 {
                self.at(key, |c| {
                    c.at_index(i1, |c| {
                        c.at(item, |c| {
                            c.emit_at(
                                "id",
                                IssueCode::IdNotIncreasing,
                                Some(format!("{id0} ({d0}) → {id1} ({d1})")),
                                None,
                            )
                        })
                    })
                });
            }
        }
    }

    fn not_before(
        &mut self,
        f: &Option<Field<NaiveDate>>,
        key: &str,
        contract: Option<&NaiveDate>,
    ) {
        if let (Some(d), Some(c)) = (get(f), contract)
            && d < c
        {
            self.emit_at(
                key,
                IssueCode::DateBeforeContract,
                Some(d.to_string()),
                Some(c.to_string()),
            );
        }
    }

    fn published_after(
        &mut self,
        publ: &Option<Field<NaiveDate>>,
        key: &str,
        notif: Option<&NaiveDate>,
    ) {
        if let (Some(p), Some(n)) = (get(publ), notif)
            && p < n
        {
            self.emit_at(
                key,
                IssueCode::PublicationBeforeNotification,
                Some(p.to_string()),
                Some(n.to_string()),
            );
        }
    }

    fn amount_quality(&mut self, d: Option<&Decimal>, key: &str) {
        let Some(d) = d else { return };
        let why = if *d <= Decimal::ONE {
            Some("≤ 1 €")
        } else if *d > self.v.opts.max_amount {
            Some("> 3 000 000 000 €")
        } else if repeated_digits(d) {
            Some("chiffres répétés / repeated digits")
        } else {
            None
        };
        if let Some(why) = why {
            self.emit_at(
                key,
                IssueCode::AmountImplausible,
                Some(d.to_string()),
                Some(why.into()),
            );
        }
    }

    fn duration_quality(&mut self, f: &Option<Field<i64>>, key: &str) {
        if let Some(&n) = get(f)
            && n > self.v.opts.max_duration_months
        {
            self.emit_at(
                key,
                IssueCode::DurationImplausible,
                Some(n.to_string()),
                Some(self.v.opts.max_duration_months.to_string()),
            );
        }
    }

    fn objet(&mut self, f: &Option<Field<String>>) {
        self.text(f, "objet", 0, 1000);
        if let Some(s) = get(f)
            && s.trim().chars().count() < self.v.opts.min_objet_chars
        {
            self.emit_at("objet", IssueCode::ObjetTooShort, Some(s.clone()), None);
        }
    }

    fn publication_delay(&mut self, notif: Option<&NaiveDate>, publ: Option<&NaiveDate>) {
        if let (Some(n), Some(p)) = (notif, publ) {
            let limit = n.checked_add_months(chrono::Months::new(
                self.v.opts.max_publication_delay_months,
            ));
            if limit.is_some_and(|l| *p > l) {
                self.emit_at(
                    "datePublicationDonnees",
                    IssueCode::PublicationDelay,
                    Some(p.to_string()),
                    Some(n.to_string()),
                );
            }
        }
    }

    fn marche(&mut self, m: &Marche) {
        for (f, k) in [
            (m.id.is_none(), "id"),
            (m.nature.is_none(), "nature"),
            (m.objet.is_none(), "objet"),
            (m.code_cpv.is_none(), "codeCPV"),
            (m.techniques.is_none(), "techniques"),
            (m.modalites_execution.is_none(), "modalitesExecution"),
            (m.marche_innovant.is_none(), "marcheInnovant"),
            (m.ccag.is_none(), "ccag"),
            (m.offres_recues.is_none(), "offresRecues"),
            (m.attribution_avance.is_none(), "attributionAvance"),
            (
                m.type_groupement_operateurs.is_none(),
                "typeGroupementOperateurs",
            ),
            (m.procedure.is_none(), "procedure"),
            (m.lieu_execution.is_none(), "lieuExecution"),
            (m.duree_mois.is_none(), "dureeMois"),
            (m.date_notification.is_none(), "dateNotification"),
            (
                m.date_publication_donnees.is_none(),
                "datePublicationDonnees",
            ),
            (m.montant.is_none(), "montant"),
            (m.types_prix.is_none(), "typesPrix"),
            (m.forme_prix.is_none(), "formePrix"),
            (m.sous_traitance_declaree.is_none(), "sousTraitanceDeclaree"),
            (m.titulaires.is_none(), "titulaires"),
            (
                m.considerations_sociales.is_none(),
                "considerationsSociales",
            ),
            (
                m.considerations_environnementales.is_none(),
                "considerationsEnvironnementales",
            ),
        ] {
            if f {
                self.emit_at(k, IssueCode::Required, None, Some(k.to_owned()));
            }
        }
        // schema: lengths, patterns, bounds, lists
        self.text(&m.id, "id", 1, 16);
        self.text(&m.id_accord_cadre, "idAccordCadre", 1, 16);
        self.buyer(&m.acheteur, "acheteur");
        self.objet(&m.objet);
        self.cpv(&m.code_cpv);
        self.min_int(&m.duree_mois, "dureeMois", 1);
        self.min_int(&m.offres_recues, "offresRecues", 1);
        self.dec(&m.montant, "montant", 1, None);
        self.dec(&m.taux_avance, "tauxAvance", 0, Some(1));
        let ue = get(&m.origine_ue).copied().flatten();
        let fr = get(&m.origine_france).copied().flatten();
        self.range_dec(ue.as_ref(), "origineUE", 0, Some(1));
        self.range_dec(fr.as_ref(), "origineFrance", 0, Some(1));
        if let Some(l) = get(&m.lieu_execution) {
            self.at("lieuExecution", |c| {
                c.required(&l.code, "code");
                c.required(&l.type_code, "typeCode");
                if let (Some(code), Some(&t)) = (get(&l.code), get(&l.type_code))
                    && !lieu_code_ok(t, code)
                {
                    c.emit_at(
                        "code",
                        IssueCode::LieuCodeFormat,
                        Some(code.clone()),
                        Some(t.to_string()),
                    );
                }
            });
        }
        self.operateurs(&m.titulaires, "titulaires", "titulaire");
        self.labels(
            &m.techniques,
            "techniques",
            "technique",
            Some(Technique::SansObjet),
        );
        self.labels(
            &m.modalites_execution,
            "modalitesExecution",
            "modaliteExecution",
            Some(ModaliteExecution::SansObjet),
        );
        // No exclusive label: `Provisoire` may be combined with a definitive kind.
        self.labels(&m.types_prix, "typesPrix", "typePrix", None);
        self.labels(
            &m.considerations_sociales,
            "considerationsSociales",
            "considerationSociale",
            Some(ConsiderationSociale::PasDeConsiderationSociale),
        );
        self.labels(
            &m.considerations_environnementales,
            "considerationsEnvironnementales",
            "considerationEnvironnementale",
            Some(ConsiderationEnvironnementale::PasDeConsiderationEnvironnementale),
        );

        let notif = get(&m.date_notification);
        for (f, k) in [
            (&m.date_notification, "dateNotification"),
            (&m.date_publication_donnees, "datePublicationDonnees"),
        ] {
            self.future(f, k);
        }
        self.published_after(&m.date_publication_donnees, "datePublicationDonnees", notif);

        // Subcontracting acts.
        self.list(&m.actes_sous_traitance, "actesSousTraitance", 1, |a| {
            format!("{a:?}")
        });
        let mut acte_ids = HashSet::new();
        if let Some(actes) = m.actes_sous_traitance.as_ref().and_then(Field::valid) {
            let mut seq = Vec::new();
            self.at("actesSousTraitance", |c| {
                for (i, a) in actes.iter().enumerate() {
                    let Field::Valid(a) = a else { continue };
                    c.at_index(i, |c| {
                        c.at("acteSousTraitance", |c| {
                            for (f, k) in [
                                (a.id.is_none(), "id"),
                                (a.duree_mois.is_none(), "dureeMois"),
                                (a.montant.is_none(), "montant"),
                            ] {
                                if f {
                                    c.emit_at(k, IssueCode::Required, None, Some(k.to_owned()));
                                }
                            }
                            c.required(&a.sous_traitant, "sousTraitant");
                            c.required(&a.date_notification, "dateNotification");
                            c.required(&a.date_publication_donnees, "datePublicationDonnees");
                            c.required(&a.variation_prix, "variationPrix");
                            c.min_int(&a.id, "id", 1);
                            c.min_int(&a.duree_mois, "dureeMois", 1);
                            c.dec(&a.montant, "montant", 1, None);
                            if let Some(st) = get(&a.sous_traitant) {
                                c.at("sousTraitant", |c| c.operateur(st));
                            }
                            c.not_before(&a.date_notification, "dateNotification", notif);
                            c.published_after(
                                &a.date_publication_donnees,
                                "datePublicationDonnees",
                                get(&a.date_notification),
                            );
                            c.future(&a.date_notification, "dateNotification");
                            c.future(&a.date_publication_donnees, "datePublicationDonnees");
                        })
                    });
                    if let Some(&id) = get(&a.id) {
                        acte_ids.insert(id);
                    }
                    seq.push((i, get(&a.id).copied(), get(&a.date_notification).copied()));
                }
            });
            self.sequence("actesSousTraitance", "acteSousTraitance", &seq);
        }
        if m.actes_sous_traitance
            .as_ref()
            .and_then(Field::valid)
            .is_some_and(|a| !a.is_empty())
            && get(&m.sous_traitance_declaree) == Some(&false)
        {
            self.emit_at(
                "sousTraitanceDeclaree",
                IssueCode::SousTraitanceInconsistent,
                Some("false".into()),
                None,
            );
        }

        // Changes to subcontracting acts.
        self.list(
            &m.modifications_actes_sous_traitance,
            "modificationsActesSousTraitance",
            1,
            |a| format!("{a:?}"),
        );
        if let Some(mods) = m
            .modifications_actes_sous_traitance
            .as_ref()
            .and_then(Field::valid)
        {
            self.at("modificationsActesSousTraitance", |c| {
                for (i, a) in mods.iter().enumerate() {
                    let Field::Valid(a) = a else { continue };
                    c.at_index(i, |c| {
                        c.at("modificationActeSousTraitance", |c| {
                            c.required(&a.id, "id");
                            c.required(
                                &a.date_notification_modification_sous_traitance,
                                "dateNotificationModificationSousTraitance",
                            );
                            c.required(&a.date_publication_donnees, "datePublicationDonnees");
                            c.min_int(&a.id, "id", 1);
                            c.min_int(&a.duree_mois, "dureeMois", 1);
                            c.dec(&a.montant, "montant", 1, None);
                            let d = &a.date_notification_modification_sous_traitance;
                            c.not_before(d, "dateNotificationModificationSousTraitance", notif);
                            c.published_after(
                                &a.date_publication_donnees,
                                "datePublicationDonnees",
                                get(d),
                            );
                            c.future(d, "dateNotificationModificationSousTraitance");
                            c.future(&a.date_publication_donnees, "datePublicationDonnees");
                            if let Some(id) = get(&a.id)
                                && (m.actes_sous_traitance.is_none() || !acte_ids.contains(id))
                            {
                                c.emit_at(
                                    "id",
                                    IssueCode::ModificationActeUnknown,
                                    Some(id.to_string()),
                                    None,
                                );
                            }
                        })
                    });
                }
            });
        }

        // Modifications.
        self.list(&m.modifications, "modifications", 1, |a| format!("{a:?}"));
        if let Some(mods) = m.modifications.as_ref().and_then(Field::valid) {
            let mut seq = Vec::new();
            self.at("modifications", |c| {
                for (i, md) in mods.iter().enumerate() {
                    let Field::Valid(md) = md else { continue };
                    c.at_index(i, |c| {
                        c.at("modification", |c| {
                            c.required(&md.id, "id");
                            c.required(
                                &md.date_notification_modification,
                                "dateNotificationModification",
                            );
                            c.required(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            c.min_int(&md.id, "id", 1);
                            c.min_int(&md.duree_mois, "dureeMois", 1);
                            c.dec(&md.montant, "montant", 1, None);
                            c.operateurs(&md.titulaires, "titulaires", "titulaire");
                            let d = &md.date_notification_modification;
                            c.not_before(d, "dateNotificationModification", notif);
                            c.published_after(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                                get(d),
                            );
                            c.future(d, "dateNotificationModification");
                            c.future(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            c.duration_quality(&md.duree_mois, "dureeMois");
                            c.amount_quality(get(&md.montant), "montant");
                        })
                    });
                    seq.push((
                        i,
                        get(&md.id).copied(),
                        get(&md.date_notification_modification).copied(),
                    ));
                }
            });
            self.sequence("modifications", "modification", &seq);
        }

        // Rules across fields.
        if let (Some(u), Some(f)) = (ue, fr)
            && u < f
        {
            self.emit_at(
                "origineUE",
                IssueCode::OrigineUeBelowFrance,
                Some(u.to_string()),
                Some(f.to_string()),
            );
        }
        if let (Some(false), Some(t)) = (get(&m.attribution_avance), get(&m.taux_avance))
            && !t.is_zero()
        {
            self.emit_at(
                "tauxAvance",
                IssueCode::TauxAvanceInconsistent,
                Some(t.to_string()),
                None,
            );
        }
        let subsequent = get(&m.modalites_execution)
            .is_some_and(|l| l.contains(&Field::Valid(ModaliteExecution::MarchesSubsequents)));
        if subsequent && m.id_accord_cadre.is_none() {
            self.emit(IssueCode::AccordCadreExpected, None, None);
        }
        if let Some(montant) = get(&m.montant)
            && *montant >= Decimal::ONE
            && *montant < self.v.opts.threshold
        {
            self.emit_at(
                "montant",
                IssueCode::BelowThreshold,
                Some(montant.to_string()),
                Some(self.v.opts.threshold.to_string()),
            );
        }

        // Quality.
        self.amount_quality(get(&m.montant), "montant");
        self.duration_quality(&m.duree_mois, "dureeMois");
        self.publication_delay(notif, get(&m.date_publication_donnees));
        let buyer = get(&m.acheteur).and_then(|a| get(&a.id));
        if let (Some(b), Some(tits)) = (buyer, m.titulaires.as_ref().and_then(Field::valid))
            && tits
                .iter()
                .any(|t| t.valid().and_then(|t| get(&t.id)) == Some(b))
        {
            self.emit_at(
                "titulaires",
                IssueCode::BuyerIsHolder,
                Some(b.clone()),
                None,
            );
        }
    }

    fn concession(&mut self, c: &ContratConcession) {
        for (f, k) in [
            (c.id.is_none(), "id"),
            (c.nature.is_none(), "nature"),
            (c.objet.is_none(), "objet"),
            (c.procedure.is_none(), "procedure"),
            (c.duree_mois.is_none(), "dureeMois"),
            (c.date_signature.is_none(), "dateSignature"),
            (
                c.date_publication_donnees.is_none(),
                "datePublicationDonnees",
            ),
            (c.date_debut_execution.is_none(), "dateDebutExecution"),
            (c.valeur_globale.is_none(), "valeurGlobale"),
            (
                c.montant_subvention_publique.is_none(),
                "montantSubventionPublique",
            ),
            (c.concessionnaires.is_none(), "concessionnaires"),
            (
                c.considerations_sociales.is_none(),
                "considerationsSociales",
            ),
            (
                c.considerations_environnementales.is_none(),
                "considerationsEnvironnementales",
            ),
        ] {
            if f {
                self.emit_at(k, IssueCode::Required, None, Some(k.to_owned()));
            }
        }
        self.text(&c.id, "id", 1, 16);
        self.buyer(&c.autorite_concedante, "autoriteConcedante");
        self.objet(&c.objet);
        self.min_int(&c.duree_mois, "dureeMois", 1);
        self.dec(&c.valeur_globale, "valeurGlobale", 1, None);
        self.dec(
            &c.montant_subvention_publique,
            "montantSubventionPublique",
            0,
            None,
        );
        self.operateurs(&c.concessionnaires, "concessionnaires", "concessionnaire");
        self.labels(
            &c.considerations_sociales,
            "considerationsSociales",
            "considerationSociale",
            Some(ConsiderationSocialeConcession::PasDeConsiderationSociale),
        );
        self.labels(
            &c.considerations_environnementales,
            "considerationsEnvironnementales",
            "considerationEnvironnementale",
            Some(ConsiderationEnvironnementale::PasDeConsiderationEnvironnementale),
        );
        let sig = get(&c.date_signature);
        for (f, k) in [
            (&c.date_signature, "dateSignature"),
            (&c.date_publication_donnees, "datePublicationDonnees"),
            (&c.date_debut_execution, "dateDebutExecution"),
        ] {
            self.future(f, k);
        }
        self.published_after(&c.date_publication_donnees, "datePublicationDonnees", sig);

        // Yearly execution data: JSON 2.0.2+ accepts [], the XSD does not.
        self.list(&c.donnees_execution, "donneesExecution", 1, |a| {
            format!("{a:?}")
        });
        if let Some(de) = c.donnees_execution.as_ref().and_then(Field::valid) {
            self.at("donneesExecution", |ck| {
                for (i, d) in de.iter().enumerate() {
                    let Field::Valid(d) = d else { continue };
                    ck.at_index(i, |ck| {
                        ck.at("donneesAnnuelles", |ck| {
                            ck.required(
                                &d.date_publication_donnees_execution,
                                "datePublicationDonneesExecution",
                            );
                            ck.required(&d.depenses_investissement, "depensesInvestissement");
                            ck.required(&d.tarifs, "tarifs");
                            ck.dec(
                                &d.depenses_investissement,
                                "depensesInvestissement",
                                0,
                                None,
                            );
                            ck.future(
                                &d.date_publication_donnees_execution,
                                "datePublicationDonneesExecution",
                            );
                            ck.not_before(
                                &d.date_publication_donnees_execution,
                                "datePublicationDonneesExecution",
                                sig,
                            );
                            ck.list(&d.tarifs, "tarifs", 1, |a| format!("{a:?}"));
                            if let Some(tarifs) = d.tarifs.as_ref().and_then(Field::valid) {
                                ck.at("tarifs", |ck| {
                                    for (j, t) in tarifs.iter().enumerate() {
                                        let Field::Valid(t) = t else { continue };
                                        ck.at_index(j, |ck| {
                                            ck.at("tarif", |ck| {
                                                ck.required(&t.intitule_tarif, "intituleTarif");
                                                ck.required(&t.tarif, "tarif");
                                                ck.text(&t.intitule_tarif, "intituleTarif", 0, 256);
                                                ck.dec(&t.tarif, "tarif", 0, None);
                                            })
                                        });
                                    }
                                });
                            }
                        })
                    });
                }
            });
        }

        self.list(&c.modifications, "modifications", 1, |a| format!("{a:?}"));
        if let Some(mods) = c.modifications.as_ref().and_then(Field::valid) {
            let mut seq = Vec::new();
            self.at("modifications", |ck| {
                for (i, md) in mods.iter().enumerate() {
                    let Field::Valid(md) = md else { continue };
                    ck.at_index(i, |ck| {
                        ck.at("modification", |ck| {
                            ck.required(&md.id, "id");
                            ck.required(
                                &md.date_signature_modification,
                                "dateSignatureModification",
                            );
                            ck.required(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            ck.min_int(&md.id, "id", 1);
                            ck.min_int(&md.duree_mois, "dureeMois", 1);
                            ck.dec(&md.valeur_globale, "valeurGlobale", 1, None);
                            let d = &md.date_signature_modification;
                            ck.not_before(d, "dateSignatureModification", sig);
                            ck.published_after(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                                get(d),
                            );
                            ck.future(d, "dateSignatureModification");
                            ck.future(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            ck.amount_quality(get(&md.valeur_globale), "valeurGlobale");
                        })
                    });
                    seq.push((
                        i,
                        get(&md.id).copied(),
                        get(&md.date_signature_modification).copied(),
                    ));
                }
            });
            self.sequence("modifications", "modification", &seq);
        }

        self.amount_quality(get(&c.valeur_globale), "valeurGlobale");
        self.duration_quality(&c.duree_mois, "dureeMois");
        self.publication_delay(sig, get(&c.date_publication_donnees));
        let buyer = get(&c.autorite_concedante).and_then(|a| get(&a.id));
        if let (Some(b), Some(cs)) = (buyer, c.concessionnaires.as_ref().and_then(Field::valid))
            && cs
                .iter()
                .any(|t| t.valid().and_then(|t| get(&t.id)) == Some(b))
        {
            self.emit_at(
                "concessionnaires",
                IssueCode::BuyerIsHolder,
                Some(b.clone()),
                None,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_digit_amounts() {
        let yes = ["999999", "111111.50", "-222222", "7777777777"];
        let no = ["99999", "999998", "1000000", "0", "0.999999", "123456"];
        for s in yes {
            assert!(repeated_digits(&s.parse().unwrap()), "{s}");
        }
        for s in no {
            assert!(!repeated_digits(&s.parse().unwrap()), "{s}");
        }
        assert!(!repeated_digits(&Decimal::MAX));
    }

    #[test]
    fn siret_checks() {
        assert!(check_siret("73282932000074").is_ok());
        assert_eq!(check_siret("73282932000075"), Err(IssueCode::SiretChecksum));
        assert_eq!(check_siret("12345678901234"), Err(IssueCode::SirenChecksum));
        assert_eq!(check_siret("7328293200007"), Err(IssueCode::Pattern));
        // La Poste: SIREN 356000000, sum of digits divisible by 5.
        assert!(check_siret("35600000000010").is_ok());
        assert_eq!(check_siret("35600000000011"), Err(IssueCode::SiretChecksum));
    }

    #[test]
    fn lieu_codes() {
        assert!(lieu_code_ok(TypeCode::CodeCommune, "2B002"));
        assert!(lieu_code_ok(TypeCode::CodeCommune, "75056"));
        assert!(lieu_code_ok(TypeCode::CodeCommune, "97411"));
        assert!(!lieu_code_ok(TypeCode::CodeCommune, "2C002"));
        assert!(lieu_code_ok(TypeCode::CodeDepartement, "2A"));
        assert!(lieu_code_ok(TypeCode::CodeDepartement, "974"));
        assert!(!lieu_code_ok(TypeCode::CodeDepartement, "99"));
        assert!(lieu_code_ok(TypeCode::CodePostal, "75000"));
        assert!(!lieu_code_ok(TypeCode::CodePostal, "7500"));
        assert!(lieu_code_ok(TypeCode::CodePays, "FR"));
        assert!(!lieu_code_ok(TypeCode::CodePays, "France"));
        assert!(lieu_code_ok(TypeCode::CodeRegion, "84"));
        assert!(lieu_code_ok(TypeCode::CodeCanton, "7501"));
        assert!(lieu_code_ok(TypeCode::CodeArrondissement, "751"));
    }
}
