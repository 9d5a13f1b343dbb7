//! `decp stats`: counts and totals over one or more files.

use std::collections::BTreeMap;
use std::io::{self, Write};

use decp_core::{Checker, Format, Lang, Mode, Record, RecordKind, Validator, Version, get};
use rust_decimal::Decimal;

use crate::input::Input;
use crate::progress::Progress;

#[derive(Default)]
struct Stats {
    records: u64,
    unreadable: u64,
    by_kind: BTreeMap<String, u64>,
    by_version: BTreeMap<String, u64>,
    by_year: BTreeMap<String, u64>,
    by_procedure: BTreeMap<String, u64>,
    by_nature: BTreeMap<String, u64>,
    amount_marches: Decimal,
    amount_concessions: Decimal,
    by_code: BTreeMap<String, u64>,
    /// A batch's amounts, in order, added to the totals by [`Stats::merge`] one
    /// by one, as they were before batches: decimal sums are not associative
    /// (a batch's own sum can lose a scale, `1.50 + -1.50 = 0.00`, that adding
    /// to a total keeps or not, or overflow where the amounts alone do not).
    amounts: Vec<(RecordKind, Decimal)>,
}

fn bump(m: &mut BTreeMap<String, u64>, k: impl Into<String>) {
    *m.entry(k.into()).or_default() += 1;
}

fn label<T: std::fmt::Display>(f: &Option<decp_core::Field<T>>) -> String {
    match f {
        None => "(absent)".into(),
        Some(decp_core::Field::Valid(v)) => v.to_string(),
        Some(decp_core::Field::Invalid(r)) => format!("(invalide) {r}"),
    }
}

/// What the statistics read from one record, whatever its kind and version.
struct Summary {
    year: Option<i32>,
    procedure: String,
    nature: String,
    amount: Option<Decimal>,
}

fn summary(r: &Record) -> Summary {
    use chrono::Datelike;
    let (year, procedure, nature, amount) = match r {
        Record::Marche(m) => (
            get(&m.date_notification).map(|d| d.year()),
            label(&m.procedure),
            label(&m.nature),
            get(&m.montant),
        ),
        Record::Concession(c) => (
            get(&c.date_signature).map(|d| d.year()),
            label(&c.procedure),
            label(&c.nature),
            get(&c.valeur_globale),
        ),
        Record::MarcheV1(m) => (
            get(&m.date_notification).map(|d| d.date.year()),
            label(&m.procedure),
            label(&m.nature),
            get(&m.montant),
        ),
        Record::ConcessionV1(c) => (
            get(&c.date_signature).map(|d| d.date.year()),
            label(&c.procedure),
            label(&c.nature),
            get(&c.valeur_globale),
        ),
    };
    Summary {
        year,
        procedure,
        nature,
        amount: amount.copied(),
    }
}

impl Stats {
    fn add(&mut self, r: &Record, version: Version) {
        self.records += 1;
        bump(&mut self.by_kind, r.kind().name());
        bump(&mut self.by_version, version.as_str());
        let s = summary(r);
        bump(
            &mut self.by_year,
            s.year.map_or("(inconnue)".into(), |y| y.to_string()),
        );
        bump(&mut self.by_procedure, s.procedure);
        bump(&mut self.by_nature, s.nature);
        if let Some(a) = s.amount {
            self.amounts.push((r.kind(), a));
        }
    }

    /// One checked record counted: its kind, version, year, procedure, nature
    /// and amount, its findings by code.
    fn count(&mut self, c: &decp_core::Checked) {
        match (&c.record, c.version) {
            (Some(rec), Some(version)) => self.add(rec, version),
            _ if c.is_record() => self.unreadable += 1,
            _ => {}
        }
        for i in &c.issues {
            bump(&mut self.by_code, i.code.as_str());
        }
    }

    /// Adds the counts of `other` (records after those counted here), and its
    /// amounts to the totals one by one.
    fn merge(&mut self, other: Stats) {
        // Every field named: one added to `Stats` must be merged here too.
        let Stats {
            records,
            unreadable,
            by_kind,
            by_version,
            by_year,
            by_procedure,
            by_nature,
            amount_marches: _,
            amount_concessions: _,
            by_code,
            amounts,
        } = other;
        self.records += records;
        self.unreadable += unreadable;
        for (mine, theirs) in [
            (&mut self.by_kind, by_kind),
            (&mut self.by_version, by_version),
            (&mut self.by_year, by_year),
            (&mut self.by_procedure, by_procedure),
            (&mut self.by_nature, by_nature),
            (&mut self.by_code, by_code),
        ] {
            for (k, n) in theirs {
                *mine.entry(k).or_default() += n;
            }
        }
        for (kind, a) in amounts {
            let total = match kind {
                RecordKind::Marche => &mut self.amount_marches,
                RecordKind::Concession => &mut self.amount_concessions,
            };
            *total = total.checked_add(a).unwrap_or(*total);
        }
    }
}

fn table(out: &mut impl Write, title: &str, m: &BTreeMap<String, u64>) -> io::Result<()> {
    writeln!(out, "{title}")?;
    for (k, v) in m {
        writeln!(out, "  {v:>10}  {k}")?;
    }
    Ok(())
}

/// Options of the command.
pub struct Options {
    pub from: Option<Format>,
    pub jobs: usize,
    pub json: bool,
    pub quiet: bool,
    pub normalize: bool,
    pub lang: Lang,
}

/// Computes and prints the statistics; exit code 0, 1 when a record could not be
/// read, 2 when an input cannot be read or the output written.
pub fn run(inputs: &[Input], validator: &Validator, o: &Options) -> u8 {
    let (from, jobs, json, quiet, normalize, lang) =
        (o.from, o.jobs, o.json, o.quiet, o.normalize, o.lang);
    let mut s = Stats::default();
    let mut status = 0;
    let stderr = io::stderr();
    for input in inputs {
        let name = input.name();
        let reader = match input.reader(Mode::Tolerant, from, normalize) {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(stderr.lock(), "decp: {name}: {}", e.text(lang));
                status = 2;
                continue;
            }
        };
        let progress = Progress::new(input.size(), quiet, &name);
        let checker = Checker::new(reader.decode_options()).validator(validator.clone());
        // Each batch is counted on the job that checked it (its records are
        // freed there); this thread adds the batches' counts, and their amounts
        // one by one, in document order.
        let r = checker.fold_batches(
            reader,
            jobs,
            &|b| progress.bytes(b),
            Stats::default,
            |batch, c| batch.count(&c),
            |batch| {
                s.merge(batch);
                true
            },
        );
        progress.finish();
        if let Err(e) = r {
            let _ = writeln!(stderr.lock(), "decp: {name}: {}", e.text(lang));
            status = 2;
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = if json {
        let v = serde_json::json!({
            "records": s.records,
            "unreadable": s.unreadable,
            "by_kind": s.by_kind,
            "by_version": s.by_version,
            "by_year": s.by_year,
            "by_procedure": s.by_procedure,
            "by_nature": s.by_nature,
            "amounts": {
                "marche": s.amount_marches.to_string(),
                "contrat-concession": s.amount_concessions.to_string(),
            },
            "findings_by_code": s.by_code,
        });
        writeln!(out, "{v}")
    } else {
        (|| -> io::Result<()> {
            let t = |fr: &'static str, en: &'static str| match lang {
                Lang::Fr => fr,
                Lang::En => en,
            };
            writeln!(
                out,
                "{} {} ({} {})",
                t("enregistrements :", "records:"),
                s.records,
                t("illisibles :", "unreadable:"),
                s.unreadable
            )?;
            table(&mut out, t("par type :", "by kind:"), &s.by_kind)?;
            table(&mut out, t("par version :", "by version:"), &s.by_version)?;
            table(
                &mut out,
                t(
                    "par année de notification ou de signature :",
                    "by year of notification or signature:",
                ),
                &s.by_year,
            )?;
            table(
                &mut out,
                t("par procédure :", "by procedure:"),
                &s.by_procedure,
            )?;
            table(&mut out, t("par nature :", "by nature:"), &s.by_nature)?;
            writeln!(
                out,
                "{} {} €",
                t(
                    "montant total HT des marchés :",
                    "total amount of public contracts (marchés), excl. VAT:"
                ),
                euros(s.amount_marches, lang)
            )?;
            writeln!(
                out,
                "{} {} €",
                t(
                    "valeur globale HT des concessions :",
                    "total value of concession contracts, excl. VAT:"
                ),
                euros(s.amount_concessions, lang)
            )?;
            table(
                &mut out,
                t("constats par code :", "findings by code:"),
                &s.by_code,
            )
        })()
    };
    if let Err(e) = written.and_then(|()| out.flush()) {
        // A closed pipe (`| head`) ends the run quietly; any other failure is reported.
        if e.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(
                stderr.lock(),
                "decp: -: {}",
                crate::validate::io_text(e, lang)
            );
        }
        return 2;
    }
    if status == 0 && s.unreadable > 0 {
        // Records were lost to the statistics.
        status = 1;
    }
    status
}

/// An amount in euros as each language writes it, to the cent: `3 450 000,00`
/// (a narrow no-break space between thousands, as French typography has it) or
/// `3,450,000.00`.
fn euros(amount: Decimal, lang: Lang) -> String {
    let text = amount.round_dp(2).abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let (group, point) = match lang {
        Lang::Fr => ('\u{202f}', ','),
        Lang::En => (',', '.'),
    };
    let mut out = String::new();
    if amount.is_sign_negative() && !amount.is_zero() {
        out.push('-');
    }
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    out.push(point);
    out.push_str(&format!("{frac:0<2}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_as_each_language_does() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(euros(d("3450000"), Lang::Fr), "3\u{202f}450\u{202f}000,00");
        assert_eq!(euros(d("3450000"), Lang::En), "3,450,000.00");
        assert_eq!(euros(d("103.0"), Lang::Fr), "103,00");
        assert_eq!(euros(d("999.999"), Lang::En), "1,000.00");
        assert_eq!(euros(d("-1234.5"), Lang::Fr), "-1\u{202f}234,50");
        assert_eq!(euros(d("0"), Lang::En), "0.00");
    }
}
