//! One fixture per rule: the clean fixture (`tests/data/valid/clean.json`) with one
//! change, which must trigger exactly that finding code; the clean fixture itself
//! triggers none. A last test walks the catalogue so that no code goes untested.

use std::collections::BTreeSet;
use std::path::PathBuf;

use decp_core::{IssueCode, Lang, Mode, ReaderBuilder, Validator, ValidatorOptions, catalogue};
use serde_json::{Value, json};

fn clean() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/valid/clean.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn validator() -> Validator {
    Validator::new(
        ValidatorOptions::default().today(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()),
    )
}

/// Every finding code of a document: decoding and validation together.
fn codes(doc: &[u8]) -> BTreeSet<&'static str> {
    let v = validator();
    let mut out = BTreeSet::new();
    for d in ReaderBuilder::new()
        .mode(Mode::Tolerant)
        .from_slice(doc)
        .unwrap()
        .records()
    {
        match d {
            Ok(d) => out.extend(v.check(&d).into_iter().map(|i| i.code.as_str())),
            Err(e) => {
                out.insert(e.to_issue().expect("a recoverable error").code.as_str());
            }
        }
    }
    out
}

enum Op {
    Set(&'static str, Value),
    Remove(&'static str),
    /// A textual edit, for what a JSON value cannot hold (duplicate keys).
    Text(&'static str, &'static str),
}
use Op::*;

const M: &str = "/marches/marche/0";
const C: &str = "/marches/contrat-concession/0";

fn apply(ops: &[Op]) -> Vec<u8> {
    let mut doc = clean();
    let mut texts = Vec::new();
    for op in ops {
        match op {
            Set(p, v) => {
                let (parent, key) = p.rsplit_once('/').unwrap();
                let target = doc.pointer_mut(parent).unwrap_or_else(|| panic!("{p}"));
                match target {
                    Value::Object(o) => {
                        o.insert(key.to_string(), v.clone());
                    }
                    Value::Array(a) => a[key.parse::<usize>().unwrap()] = v.clone(),
                    _ => panic!("{p}"),
                }
            }
            Remove(p) => {
                let (parent, key) = p.rsplit_once('/').unwrap();
                doc.pointer_mut(parent)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .remove(key)
                    .unwrap();
            }
            Text(a, b) => texts.push((*a, *b)),
        }
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    for (a, b) in texts {
        assert!(s.contains(a), "{a}");
        s = s.replacen(a, b, 1);
    }
    s.into_bytes()
}

fn fixtures() -> Vec<(&'static str, Vec<Op>)> {
    let p = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    vec![
        (
            "schema.type",
            vec![Set(p(&format!("{M}/montant")), json!("412 500,50"))],
        ),
        (
            "schema.enum",
            vec![Set(p(&format!("{M}/nature")), json!("Marché public"))],
        ),
        (
            "schema.xml_character",
            vec![Set(
                p(&format!("{M}/objet")),
                json!("Entretien\u{2} des espaces verts"),
            )],
        ),
        (
            "quality.control_character",
            vec![Set(
                p(&format!("{M}/objet")),
                json!("Entretien d\u{92}espaces verts"),
            )],
        ),
        (
            "schema.date",
            vec![Set(
                p(&format!("{M}/dateNotification")),
                json!("2024-03-32"),
            )],
        ),
        (
            "schema.additional_property",
            vec![Set(
                p(&format!("{M}/acheteur/nom")),
                json!("Ville de Paris"),
            )],
        ),
        (
            "schema.duplicate_field",
            vec![Text(
                "\"dureeMois\": 18,",
                "\"dureeMois\": 18, \"dureeMois\": 18,",
            )],
        ),
        (
            "schema.syntax",
            vec![Text("\"dureeMois\": 18,", "\"dureeMois\": 18,,")],
        ),
        ("schema.required", vec![Remove(p(&format!("{M}/ccag")))]),
        (
            "schema.min_length",
            vec![Set(p(&format!("{M}/id")), json!(""))],
        ),
        (
            "schema.max_length",
            vec![Set(p(&format!("{M}/id")), json!("2024-TX-0042-LOT-12"))],
        ),
        (
            "schema.pattern",
            vec![Set(p(&format!("{M}/acheteur/id")), json!("2175000160001"))],
        ),
        (
            "schema.minimum",
            vec![Set(p(&format!("{M}/offresRecues")), json!(0))],
        ),
        (
            "schema.maximum",
            vec![Set(p(&format!("{M}/tauxAvance")), json!(1.5))],
        ),
        (
            "schema.min_items",
            vec![Set(p(&format!("{C}/donneesExecution")), json!([]))],
        ),
        (
            "schema.unique_items",
            vec![Set(
                p(&format!("{M}/techniques/technique")),
                json!(["Concours", "Concours"]),
            )],
        ),
        (
            "rule.siret_checksum",
            vec![Set(
                p(&format!("{M}/titulaires/0/titulaire/id")),
                json!("38103128500492"),
            )],
        ),
        (
            "rule.siren_checksum",
            vec![Set(
                p(&format!("{M}/titulaires/0/titulaire/id")),
                json!("12345678901234"),
            )],
        ),
        (
            "rule.identifier_format",
            vec![Set(
                p(&format!(
                    "{M}/modifications/1/modification/titulaires/0/titulaire/id"
                )),
                json!("FR 61 443061841"),
            )],
        ),
        (
            "rule.cpv_unknown",
            vec![Set(p(&format!("{M}/codeCPV")), json!("99999999"))],
        ),
        (
            "rule.cpv_check_digit",
            vec![Set(p(&format!("{M}/codeCPV")), json!("45261210-3"))],
        ),
        (
            "rule.origine_ue_below_france",
            vec![Set(p(&format!("{M}/origineUE")), json!(0.5))],
        ),
        (
            "rule.id_not_unique",
            vec![
                Set(p(&format!("{M}/modifications/1/modification/id")), json!(1)),
                Set(
                    p(&format!(
                        "{M}/modifications/1/modification/dateNotificationModification"
                    )),
                    json!("2024-07-01"),
                ),
            ],
        ),
        (
            "rule.id_not_increasing",
            vec![
                Set(p(&format!("{M}/modifications/0/modification/id")), json!(2)),
                Set(p(&format!("{M}/modifications/1/modification/id")), json!(1)),
            ],
        ),
        (
            "rule.date_before_contract",
            vec![Set(
                p(&format!(
                    "{M}/actesSousTraitance/0/acteSousTraitance/dateNotification"
                )),
                json!("2024-03-01"),
            )],
        ),
        (
            "rule.publication_before_notification",
            vec![Set(
                p(&format!("{M}/datePublicationDonnees")),
                json!("2024-03-10"),
            )],
        ),
        (
            "rule.date_in_future",
            vec![Set(
                p(&format!(
                    "{C}/donneesExecution/0/donneesAnnuelles/datePublicationDonneesExecution"
                )),
                json!("2026-06-01"),
            )],
        ),
        (
            "rule.lieu_code_format",
            vec![Set(p(&format!("{M}/lieuExecution/code")), json!("7505"))],
        ),
        (
            "rule.modification_acte_unknown",
            vec![Set(
                p(&format!(
                    "{M}/modificationsActesSousTraitance/0/modificationActeSousTraitance/id"
                )),
                json!(2),
            )],
        ),
        (
            "rule.taux_avance_inconsistent",
            vec![Set(p(&format!("{M}/attributionAvance")), json!(false))],
        ),
        (
            "rule.exclusive_label",
            vec![Set(
                p(&format!("{M}/considerationsSociales/considerationSociale")),
                json!(["Clause sociale", "Pas de considération sociale"]),
            )],
        ),
        (
            "rule.accord_cadre_expected",
            vec![Set(
                p(&format!("{M}/modalitesExecution/modaliteExecution")),
                json!(["Marchés subséquents"]),
            )],
        ),
        (
            "rule.below_threshold",
            vec![Set(p(&format!("{M}/montant")), json!(25000))],
        ),
        (
            "rule.sous_traitance_inconsistent",
            vec![Set(p(&format!("{M}/sousTraitanceDeclaree")), json!(false))],
        ),
        (
            "quality.amount_implausible",
            vec![Set(p(&format!("{M}/montant")), json!(999999))],
        ),
        (
            "quality.duration_implausible",
            vec![Set(p(&format!("{C}/dureeMois")), json!(240))],
        ),
        (
            "quality.buyer_is_holder",
            vec![Set(
                p(&format!("{M}/titulaires/0/titulaire/id")),
                json!("21750001600019"),
            )],
        ),
        (
            "quality.publication_delay",
            vec![Set(
                p(&format!("{C}/datePublicationDonnees")),
                json!("2024-05-15"),
            )],
        ),
        (
            // A modification that changes nothing (tables: two equal states).
            "quality.modification_no_change",
            vec![Remove(p(&format!(
                "{C}/modifications/0/modification/valeurGlobale"
            )))],
        ),
        (
            "quality.objet_too_short",
            vec![Set(p(&format!("{M}/objet")), json!("Travaux"))],
        ),
    ]
}

#[test]
fn the_clean_fixture_triggers_nothing() {
    let doc = apply(&[]);
    assert_eq!(codes(&doc), BTreeSet::new());
    // `Provisoire` may stand beside a definitive price kind: no exclusive label there.
    let both = apply(&[Set(
        "/marches/marche/0/typesPrix/typePrix",
        json!(["Définitif ferme", "Provisoire"]),
    )]);
    assert_eq!(codes(&both), BTreeSet::new());
}

#[test]
fn each_fixture_triggers_exactly_its_code() {
    let mut failures = Vec::new();
    for (code, ops) in fixtures() {
        let got = codes(&apply(&ops));
        if got != BTreeSet::from([code]) {
            failures.push(format!("{code}: got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_has_a_fixture_and_two_languages() {
    let covered: BTreeSet<&str> = fixtures().iter().map(|(c, _)| *c).collect();
    for e in catalogue() {
        // Repairs, upgrades and the v1-only rule have their fixtures in
        // normalize.rs, upgrade.rs and v1.rs, which walk the catalogue likewise;
        // the envelope's findings are in cases.rs (encoding), oracle.rs and
        // errors.rs (schema.doctype); the tables' convert.table_value in
        // decp-cli/tests/flatten.rs; deduplication's in dedup.rs.
        let elsewhere = matches!(
            e.family,
            decp_core::Family::Repair | decp_core::Family::Upgrade
        ) || matches!(
            e.code,
            IssueCode::V14Label
                | IssueCode::NotDecp
                | IssueCode::NotWritten
                | IssueCode::TableValue
                | IssueCode::Doctype
                | IssueCode::Duplicate
                | IssueCode::NearDuplicate
                | IssueCode::Repeated
        );
        if !elsewhere {
            assert!(
                covered.contains(e.code.as_str()),
                "no fixture for {}",
                e.code
            );
        }
        assert!(
            !e.fr.is_empty() && !e.en.is_empty() && e.fr != e.en,
            "{}",
            e.code
        );
        assert_eq!(IssueCode::from_code(e.code.as_str()), Some(e.code));
        let mut i = decp_core::Issue::new(e.code, "/x");
        i.value = Some("V".into());
        i.expected = Some("E".into());
        for lang in [Lang::Fr, Lang::En] {
            let m = i.message(lang);
            assert!(!m.contains('{'), "{}: unfilled template {m}", e.code);
        }
    }
}

fn raw_of(doc: &[u8], n: usize) -> decp_core::RawRecord {
    let mut r = ReaderBuilder::new().from_slice(doc).unwrap();
    let mut raw = decp_core::RawRecord::default();
    for _ in 0..=n {
        assert!(r.read_raw(&mut raw).unwrap());
    }
    raw
}

#[test]
fn paths_and_positions_of_rule_findings() {
    let doc = apply(&[Set(
        "/marches/marche/0/titulaires/0/titulaire/id",
        json!("38103128500492"),
    )]);
    let v = validator();
    let checker = decp_core::Checker::new(decp_core::DecodeOptions::default()).validator(v.clone());
    let checked = checker.check_raw(&raw_of(&doc, 1));
    let d = decp_core::Decoded::from_json(
        decp_core::RecordKind::Marche,
        raw_of(&doc, 1).bytes(),
        &decp_core::DecodeOptions::default(),
    )
    .unwrap();
    assert_eq!(checked.record.as_ref(), Some(&d.record));
    let issues = checked.issues;
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].path,
        "/marches/marche/0/titulaires/0/titulaire/id"
    );
    assert_eq!(issues[0].value.as_deref(), Some("38103128500492"));
    // The finding points at the value itself in the pretty-printed input.
    let p = issues[0].position.unwrap();
    let line = String::from_utf8_lossy(&doc)
        .lines()
        .nth(p.line as usize - 1)
        .unwrap()
        .to_string();
    assert!(line[..].contains("\"id\": \"38103128500492\""), "{line}");
    assert_eq!(line.chars().nth(p.column as usize - 1), Some('"'));
    assert!(issues[0].message(Lang::Fr).contains("clé de contrôle"));
    // Relative paths from iter_issues, and the boolean forms.
    assert!(
        v.iter_issues(&d.record)
            .all(|i| i.path.starts_with("/titulaires"))
    );
    assert!(!v.is_valid(&d.record));
    assert_eq!(
        v.validate(&d.record).unwrap_err().code,
        IssueCode::SiretChecksum
    );
}

#[test]
fn official_examples_break_the_rules_the_digest_lists() {
    // DIGEST §7: the examples' SIRETs fail Luhn and their modifications predate the contract.
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/official/v2/json/marches_avec_modifications.json");
    let got = codes(&std::fs::read(p).unwrap());
    // 21750001630066 fails the SIRET check (its SIREN part is fine); 214356 typed SIRET is no SIRET.
    for c in [
        "rule.siret_checksum",
        "rule.identifier_format",
        "rule.date_before_contract",
    ] {
        assert!(got.contains(c), "{c} in {got:?}");
    }
    assert!(
        !got.iter().any(|c| c.starts_with("schema.")),
        "the official examples are schema-valid: {got:?}"
    );
}
