//! The normaliser: repairs of the defects real producers make (the catalogue in
//! `spec/REAL-DATA.md`), applied while decoding when reading with
//! [`normalize`](crate::ReaderBuilder::normalize) on.
//!
//! A repair is attempted only on a value that does not fit its official type or
//! shape (or, for identifiers and CPV codes, whose content is plainly mis-typed), and
//! each one is reported as an `info` finding of the `repair` family whose `value` is
//! the value before and `expected` the value after. A repair that would have to
//! guess between two meanings is not made: the value stays a finding (`12,500` may
//! be twelve and a half or twelve thousand five hundred; a 7-digit CPV code whose
//! zero-prefixed form is not in the CPV list).
//!
//! | code | repairs |
//! |---|---|
//! | `repair.placeholder` | `"NC"`, `""`, `"nan"`, `"null"`, `"None"`, `"N/A"`, JSON `null` and `NaN`, blank XML elements → absent |
//! | `repair.date` | `2018-08-30+02:00`, `2018-08-30Z`, `2018-08-30T10:00:00`, `2018-08-30 10:00`, `2019-3-7` → `YYYY-MM-DD` |
//! | `repair.number` | numbers written as strings (`"48"`, `"3720.0"`), with spaces or a decimal comma (`"12 000,50"`), ids written as numbers |
//! | `repair.boolean` | `"oui"`, `"non"`, `"1"`, `"0"`, `"True"`, `"FALSE"`… → `true` / `false` |
//! | `repair.label` | upper-case or accent-less labels (`MARCHE`, `CODE POSTAL`, `Code departement`), typographic apostrophes, the three renamed 1.4 procedure labels, `TVA_INTRACOMMUNAUTAIRE`, `HORS_UE`, `FRW` |
//! | `repair.identifier` | SIRET / SIREN written with spaces, dots or dashes |
//! | `repair.cpv` | a 7-digit CPV code that lost its leading zero (when the list has it), a check digit without its dash |
//! | `repair.list_shape` | a list given as a single value, a single object, a list of lists, or in the other version's wrapper shape |
//! | `repair.v1_field` | v1 members left in a v2 record (`acheteur.nom`, `denominationSociale`, `lieuExecution.nom`, `uid`, `_type`, `objetModification`) taken out, the value kept in the finding |
//! | `repair.dotted_key` | flat keys such as `"acheteur.id"` → nested members |
//! | `repair.encoding` | a record that is not UTF-8 read as Windows-1252 (a superset of ISO-8859-1) |

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::lexical::parse_date;
use crate::tree::{Node, V};

/// The text shown for a placeholder that stands for "no value", if `n` is one.
pub(crate) fn placeholder(n: &Node<'_>) -> Option<String> {
    match &n.v {
        V::Null => Some("null".into()),
        V::Num("NaN") => Some("NaN".into()),
        V::Str(s) | V::Text(s) => {
            let t = s.trim().to_ascii_lowercase();
            matches!(
                t.as_str(),
                "" | "nc" | "n/c" | "nan" | "null" | "none" | "n/a" | "non communiqué"
            )
            .then(|| s.to_string())
        }
        _ => None,
    }
}

fn strip_spaces(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\t'))
        .collect()
}

/// An integer written as text: `"48"`, `" 48 "`, `"48.0"`, `"1 200"`.
pub(crate) fn integer(s: &str) -> Option<i64> {
    let d = decimal(s)?;
    (d.fract().is_zero()).then(|| i64::try_from(d.trunc()).ok())?
}

/// A decimal written as text, with spaces as thousands separators and a decimal
/// comma or point; `None` when the separators are ambiguous (`12,500`, `1.234`).
pub(crate) fn decimal(s: &str) -> Option<Decimal> {
    let t = strip_spaces(s.trim());
    let (sign, body) = match t.strip_prefix('-') {
        Some(b) => ("-", b),
        None => ("", t.strip_prefix('+').unwrap_or(&t)),
    };
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let commas = body.matches(',').count();
    let dots = body.matches('.').count();
    let last_group = |sep: char| body.rsplit(sep).next().map_or(0, str::len);
    let plain: String = match (commas, dots) {
        (0, 0) => body.to_owned(),
        (0, 1) => body.to_owned(),
        (1, 0) if last_group(',') != 3 => body.replace(',', "."),
        // Several of one separator: thousands groups of 3.
        (c, 0) if c > 1 && body.split(',').skip(1).all(|g| g.len() == 3) => body.replace(',', ""),
        (0, d) if d > 1 && body.split('.').skip(1).all(|g| g.len() == 3) => body.replace('.', ""),
        // Both: the last one is the decimal separator.
        (c, d) if c > 0 && d > 0 => {
            let (thousands, dec) = if body.rfind(',') > body.rfind('.') {
                ('.', ',')
            } else {
                (',', '.')
            };
            if body.matches(dec).count() != 1 {
                return None;
            }
            body.replace(thousands, "").replace(dec, ".")
        }
        _ => return None,
    };
    if plain.starts_with('.') || plain.ends_with('.') {
        return None;
    }
    Decimal::from_str_exact(&format!("{sign}{plain}")).ok()
}

/// A boolean written as text.
pub(crate) fn boolean(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "oui" | "true" | "1" | "vrai" | "o" | "yes" => Some(true),
        "non" | "false" | "0" | "faux" | "n" | "no" => Some(false),
        _ => None,
    }
}

fn is_offset(s: &str) -> bool {
    let b = s.as_bytes();
    s == "Z"
        || (matches!(b.first(), Some(b'+' | b'-'))
            && ((b.len() == 6
                && b[3] == b':'
                && b[1..3].iter().chain(&b[4..6]).all(u8::is_ascii_digit))
                || (b.len() == 5 && b[1..].iter().all(u8::is_ascii_digit))
                || (b.len() == 3 && b[1..].iter().all(u8::is_ascii_digit))))
}

/// A date with a time-zone suffix, a time, or one-digit month or day.
pub(crate) fn date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    if let Some(d) = t.get(..10).and_then(parse_date) {
        let rest = &t[10..];
        let time = |r: &str| {
            let r = r.strip_prefix(['T', ' '])?;
            let b = r.as_bytes();
            (b.len() >= 5 && b[2] == b':' && b[..2].iter().chain(&b[3..5]).all(u8::is_ascii_digit))
                .then_some(())
        };
        if rest.is_empty() || is_offset(rest) || time(rest).is_some() {
            return Some(d);
        }
        return None;
    }
    let parts: Vec<&str> = t.split('-').collect();
    if let [y, m, d] = parts[..]
        && y.len() == 4
        && (1..=2).contains(&m.len())
        && (1..=2).contains(&d.len())
        && [y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return parse_date(&format!("{y}-{m:0>2}-{d:0>2}"));
    }
    None
}

/// The label folded for comparison: lower case, no accents, straight apostrophes,
/// hyphens, underscores and runs of spaces as one space.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' => "i",
            'ô' | 'ö' => "o",
            'ù' | 'û' | 'ü' => "u",
            'ç' => "c",
            'œ' => "oe",
            '’' | '‘' | '`' | '´' => "'",
            '-' | '_' | ' ' | '\u{a0}' | '\t' | '\n' => " ",
            _ => {
                out.push(c);
                space = false;
                continue;
            }
        };
        if c == " " {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push_str(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Spellings that folding alone does not reach: renamed labels and identifier types.
fn alias(enum_name: &str, folded: &str) -> Option<&'static str> {
    Some(match (enum_name, folded) {
        ("ProcedureMarche", "procedure concurrentielle avec negociation")
        | ("ProcedureMarche", "procedure negociee avec mise en concurrence prealable") => {
            "Procédure avec négociation"
        }
        ("ProcedureMarche", "marche negocie sans publicite ni mise en concurrence prealable") => {
            "Marché passé sans publicité ni mise en concurrence préalable"
        }
        ("TypeIdentifiant", "tva intracommunautaire") => "TVA",
        ("TypeIdentifiant", "frw") => "FRWF",
        ("FormePrix", "ferme, actualisable") => "Ferme et actualisable",
        _ => return None,
    })
}

/// The official label that `s` spells differently, if exactly one.
pub(crate) fn label(s: &str, labels: &[&'static str], enum_name: &str) -> Option<&'static str> {
    let f = fold(s);
    if let Some(a) = alias(enum_name, &f).filter(|a| labels.contains(a)) {
        return Some(a);
    }
    let mut found = labels.iter().filter(|l| fold(l) == f);
    let first = found.next()?;
    found.next().is_none().then_some(*first)
}

/// A SIRET (14 digits) or SIREN (9 digits) written with spaces, dots or dashes.
pub(crate) fn identifier(s: &str) -> Option<String> {
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'.' | b'-' | b'\t'))
    {
        return None;
    }
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    (matches!(d.len(), 9 | 14) && d != s).then_some(d)
}

/// A CPV code that lost its leading zero (7 digits, when the zero-prefixed code is in
/// the CPV list), or whose check digit lost its dash (9 digits, when the ninth is the
/// right check digit); spaces removed.
pub(crate) fn cpv(s: &str) -> Option<String> {
    let t = strip_spaces(s.trim());
    let (code, check) = match t.split_once('-') {
        Some((c, d)) if d.len() == 1 => (c.to_owned(), Some(d.to_owned())),
        Some(_) => return None,
        None => (t.clone(), None),
    };
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fixed = match (code.len(), &check) {
        (8, _) => t.clone(),
        (7, _) => {
            let z = format!("0{code}");
            crate::cpv::lookup(&z)?;
            match check {
                Some(d) => format!("{z}-{d}"),
                None => z,
            }
        }
        (9, None) => {
            let (c8, d) = code.split_at(8);
            let entry = crate::cpv::lookup(c8)?;
            d.starts_with(entry.check_digit)
                .then(|| format!("{c8}-{d}"))?
        }
        _ => return None,
    };
    (fixed != s).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_repair_only_the_unambiguous() {
        let d = |s: &str| decimal(s).map(|d| d.to_string());
        assert_eq!(d("12 000,50"), Some("12000.50".into()));
        assert_eq!(d("3720.0"), Some("3720.0".into()));
        assert_eq!(d("1.234.567"), Some("1234567".into()));
        assert_eq!(d("1.234,5"), Some("1234.5".into()));
        assert_eq!(d("1,234.5"), Some("1234.5".into()));
        assert_eq!(d("12,5"), Some("12.5".into()));
        assert_eq!(d("12,500"), None);
        assert_eq!(d("12 €"), None);
        assert_eq!(integer("48.0"), Some(48));
        assert_eq!(integer("48.5"), None);
    }

    #[test]
    fn dates_and_labels() {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(date("2018-08-30+02:00"), ymd(2018, 8, 30));
        assert_eq!(date("2018-08-30T10:00:00.000Z"), ymd(2018, 8, 30));
        assert_eq!(date("2019-3-7"), ymd(2019, 3, 7));
        assert_eq!(date("2018-08-30 !"), None);
        assert_eq!(date("30/08/2018"), None);
        let labels = &["Code postal", "Code département"];
        assert_eq!(
            label("CODE POSTAL", labels, "TypeCode"),
            Some("Code postal")
        );
        assert_eq!(
            label("Code departement", labels, "TypeCode"),
            Some("Code département")
        );
        assert_eq!(label("Code", labels, "TypeCode"), None);
        assert_eq!(
            label("HORS_UE", &["HORS-UE"], "TypeIdentifiant"),
            Some("HORS-UE")
        );
    }

    #[test]
    fn identifiers_and_cpv() {
        assert_eq!(
            identifier("334 873 726 00239"),
            Some("33487372600239".into())
        );
        assert_eq!(
            identifier("   33487372600239"),
            Some("33487372600239".into())
        );
        assert_eq!(identifier("33487372600239"), None);
        assert_eq!(identifier("DE 123"), None);
        assert_eq!(cpv("9310000"), Some("09310000".into()));
        assert_eq!(cpv("45316110"), None);
        assert_eq!(cpv("45 31 61 10"), Some("45316110".into()));
    }
}
