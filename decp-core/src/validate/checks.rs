//! The walker of the rules ([`Ck`]): where it is in the record, what it found,
//! and the checks shared by every part of a record.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ids::*;
use crate::issue::{Issue, IssueCode};
use crate::model::*;
use crate::path::PathWalk;
use crate::raw::{Field, get};

use super::Validator;

impl PathWalk for Ck<'_> {
    fn path_mut(&mut self) -> &mut String {
        &mut self.path
    }
}

pub(super) struct Ck<'v> {
    pub(super) v: &'v Validator,
    pub(super) path: String,
    pub(super) out: Vec<Issue>,
}

impl Ck<'_> {
    pub(super) fn emit(
        &mut self,
        code: IssueCode,
        value: Option<String>,
        expected: Option<String>,
    ) {
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

    pub(super) fn emit_at(
        &mut self,
        key: &str,
        code: IssueCode,
        value: Option<String>,
        expected: Option<String>,
    ) {
        self.at(key, |c| c.emit(code, value, expected));
    }

    /// Reports a missing required member.
    pub(super) fn required<T>(&mut self, f: &Option<Field<T>>, key: &str) {
        if f.is_none() {
            self.emit_at(key, IssueCode::Required, None, Some(key.to_owned()));
        }
    }

    pub(super) fn text(&mut self, f: &Option<Field<String>>, key: &str, min: usize, max: usize) {
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

    pub(super) fn min_int(&mut self, f: &Option<Field<i64>>, key: &str, min: i64) {
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

    pub(super) fn range_dec(&mut self, f: Option<&Decimal>, key: &str, min: i64, max: Option<i64>) {
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

    pub(super) fn dec(
        &mut self,
        f: &Option<Field<Decimal>>,
        key: &str,
        min: i64,
        max: Option<i64>,
    ) {
        self.range_dec(get(f), key, min, max);
    }

    pub(super) fn future(&mut self, f: &Option<Field<NaiveDate>>, key: &str) {
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
    pub(super) fn list<T: PartialEq + std::fmt::Debug>(
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
    pub(super) fn labels<T: Copy + PartialEq + std::fmt::Display + std::fmt::Debug>(
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

    pub(super) fn operateur(&mut self, o: &Operateur) {
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

    pub(super) fn operateurs(
        &mut self,
        f: &Option<Field<Vec<Field<Operateur>>>>,
        key: &str,
        item: &str,
    ) {
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

    pub(super) fn buyer(&mut self, f: &Option<Field<Acheteur>>, key: &str) {
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
                            Some("digits-14".into()),
                        );
                    }
                    Err(code) => c.emit_at("id", code, Some(id.clone()), None),
                }
            }
        });
    }

    pub(super) fn cpv(&mut self, f: &Option<Field<String>>) {
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
    pub(super) fn sequence(
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

    /// A date (`key`, its value `d`) before the contract's own (`contract`).
    pub(super) fn not_before(
        &mut self,
        d: Option<&NaiveDate>,
        key: &str,
        contract: Option<&NaiveDate>,
    ) {
        if let (Some(d), Some(c)) = (d, contract)
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

    /// A publication date (`key`, its value `publ`) before the notification.
    pub(super) fn published_after(
        &mut self,
        publ: Option<&NaiveDate>,
        key: &str,
        notif: Option<&NaiveDate>,
    ) {
        if let (Some(p), Some(n)) = (publ, notif)
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

    pub(super) fn amount_quality(&mut self, d: Option<&Decimal>, key: &str) {
        let Some(d) = d else { return };
        // Language-neutral: a bound, or the `repeated-digits` token.
        let why = if *d <= Decimal::ONE {
            Some("≤ 1 €".to_owned())
        } else if *d > self.v.opts.max_amount {
            Some(format!("> {} €", self.v.opts.max_amount))
        } else if repeated_digits(d) {
            Some("repeated-digits".to_owned())
        } else {
            None
        };
        if let Some(why) = why {
            self.emit_at(
                key,
                IssueCode::AmountImplausible,
                Some(d.to_string()),
                Some(why),
            );
        }
    }

    pub(super) fn duration_quality(&mut self, f: &Option<Field<i64>>, key: &str) {
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

    pub(super) fn objet(&mut self, f: &Option<Field<String>>) {
        self.text(f, "objet", 0, 1000);
        self.objet_quality(f);
    }

    /// `quality.objet_too_short`.
    pub(super) fn objet_quality(&mut self, f: &Option<Field<String>>) {
        if let Some(s) = get(f)
            && s.trim().chars().count() < self.v.opts.min_objet_chars
        {
            self.emit_at("objet", IssueCode::ObjetTooShort, Some(s.clone()), None);
        }
    }

    pub(super) fn publication_delay(
        &mut self,
        notif: Option<&NaiveDate>,
        publ: Option<&NaiveDate>,
    ) {
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

    /// `rule.below_threshold`: an amount under the publication threshold in force
    /// on the notification date (or the one set in the options).
    pub(super) fn below_threshold(&mut self, montant: Option<&Decimal>, notif: Option<NaiveDate>) {
        let threshold = self
            .v
            .opts
            .threshold
            .unwrap_or_else(|| super::publication_threshold(notif));
        if let Some(montant) = montant
            && *montant >= Decimal::ONE
            && *montant < threshold
        {
            self.emit_at(
                "montant",
                IssueCode::BelowThreshold,
                Some(montant.to_string()),
                Some(threshold.to_string()),
            );
        }
    }

    /// `quality.buyer_is_holder`: the buyer (or granting authority) among the
    /// holders of its own contract (`key`: `titulaires`, `concessionnaires`).
    pub(super) fn buyer_is_holder<T>(
        &mut self,
        buyer: Option<&String>,
        holders: &Option<Field<Vec<Field<T>>>>,
        id: impl Fn(&T) -> Option<&String>,
        key: &str,
    ) {
        let mut ids = holders
            .as_ref()
            .and_then(Field::valid)
            .into_iter()
            .flatten()
            .map(|h| h.valid().and_then(&id));
        if let Some(b) = buyer
            && ids.any(|h| h == Some(b))
        {
            self.emit_at(key, IssueCode::BuyerIsHolder, Some(b.clone()), None);
        }
    }

    /// `rule.lieu_code_format`: `code` fits the kind of code `typeCode` announces
    /// (v1 and v2 places alike).
    pub(super) fn lieu_code(&mut self, code: &Option<Field<String>>, t: &Option<Field<TypeCode>>) {
        if let (Some(code), Some(&t)) = (get(code), get(t))
            && !lieu_code_ok(t, code)
        {
            self.emit_at(
                "code",
                IssueCode::LieuCodeFormat,
                Some(code.clone()),
                Some(t.to_string()),
            );
        }
    }
}
