//! The v1 → v2 upgrade on the official v1.5 examples: the result is a v2 record
//! whose only validation errors are for the fields v1 cannot supply (listed here),
//! every v1-only value is carried into a finding, and the v2 writers emit it.

mod common;
use std::collections::BTreeSet;

use common::*;
use decp_core::{
    Families, Family, Format, IssueCode, Mode, Record, Severity, Validator, ValidatorOptions,
    catalogue, upgrade,
};

/// Fields v2 requires that no v1 market can supply.
const MARCHE_NO_SOURCE: &[&str] = &[
    "formePrix",
    "considerationsSociales",
    "considerationsEnvironnementales",
    "marcheInnovant",
    "ccag",
    "offresRecues",
    "attributionAvance",
    "typeGroupementOperateurs",
    "sousTraitanceDeclaree",
];
/// Fields v2 requires that no v1 concession can supply.
const CONCESSION_NO_SOURCE: &[&str] =
    &["considerationsSociales", "considerationsEnvironnementales"];

fn schema_validator() -> Validator {
    Validator::new(ValidatorOptions::default().families(Families::SCHEMA_ONLY))
}

#[test]
fn upgraded_examples_fail_only_for_what_v1_cannot_supply() {
    let validator = schema_validator();
    let mut seen = 0;
    for path in official_in("v1.5", "json")
        .into_iter()
        .chain(official_in("v1.5", "xml"))
    {
        for d in read_all(&std::fs::read(&path).unwrap(), Mode::Strict) {
            let up = upgrade(&d.record);
            assert!(!up.record.is_v1());
            let errors: BTreeSet<(String, String)> = validator
                .iter_issues(&up.record)
                .filter(|i| i.severity() == Severity::Error)
                .map(|i| (i.code.to_string(), i.path.clone()))
                .collect();
            let mut expected: Vec<&str> = match &up.record {
                Record::Marche(_) => MARCHE_NO_SOURCE.to_vec(),
                _ => CONCESSION_NO_SOURCE.to_vec(),
            };
            // techniques / modalitesExecution come from the v1 nature when it says so.
            if let Record::Marche(m) = &up.record {
                if m.techniques.is_none() {
                    expected.push("techniques");
                }
                if m.modalites_execution.is_none() {
                    expected.push("modalitesExecution");
                }
            }
            let want: BTreeSet<(String, String)> = expected
                .iter()
                .map(|k| ("schema.required".to_string(), format!("/{k}")))
                .collect();
            assert_eq!(errors, want, "{}", path.display());
            // Every such field has its own upgrade finding too.
            let no_source: BTreeSet<String> = up
                .findings
                .iter()
                .filter(|i| i.code == IssueCode::UpgradeNoSource)
                .map(|i| i.path.clone())
                .collect();
            let want_paths: BTreeSet<String> = expected.iter().map(|k| format!("/{k}")).collect();
            assert_eq!(no_source, want_paths, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 17, "{seen}");
}

#[test]
fn v1_only_values_are_carried_into_findings() {
    let path = official_in("v1.5", "json")
        .into_iter()
        .find(|p| p.ends_with("mar-avec-modifications.json"))
        .unwrap();
    let d = read_all(&std::fs::read(path).unwrap(), Mode::Strict).remove(0);
    let up = upgrade(&d.record);
    let dropped: Vec<(&str, &str)> = up
        .findings
        .iter()
        .filter(|i| i.code == IssueCode::UpgradeDropped)
        .map(|i| (i.path.as_str(), i.value.as_deref().unwrap()))
        .collect();
    assert!(
        dropped.contains(&("/acheteur/nom", "Ville de Rennes")),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&("/lieuExecution/nom", "Rennes")),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&("/titulaires/1/denominationSociale", "Hellman Gmbh")),
        "{dropped:?}"
    );
    assert!(
        dropped.contains(&(
            "/modifications/0/objetModification",
            "Changement de titulaire : remplacement d'Hellman par Amandier."
        )),
        "{dropped:?}"
    );
    let Record::Marche(m) = &up.record else {
        panic!()
    };
    // Accord-cadre moved from nature to techniques; formePrix became typesPrix.
    assert_eq!(decp_core::get(&m.nature).unwrap().as_str(), "Marché");
    let t = decp_core::get(&m.techniques).unwrap();
    assert_eq!(t[0].valid().unwrap().as_str(), "Accord-cadre");
    let tp = decp_core::get(&m.types_prix).unwrap();
    assert_eq!(tp[0].valid().unwrap().as_str(), "Définitif actualisable");
    // Modifications numbered from 1, titulaires wrapped.
    let mods = decp_core::get(&m.modifications).unwrap();
    assert_eq!(decp_core::get(&mods[0].valid().unwrap().id), Some(&1));
    let out =
        String::from_utf8(write(std::slice::from_ref(&up.record), Format::Json, false)).unwrap();
    assert!(out.contains("\"titulaires\":[{\"titulaire\":{\"typeIdentifiant\":\"SIRET\",\"id\":\"81223113200026\"}}"), "{out}");
    assert!(
        !out.contains("denominationSociale") && !out.contains("\"nom\""),
        "{out}"
    );
}

#[test]
fn concession_place_and_empty_lists() {
    let path = official_in("v1.5", "json")
        .into_iter()
        .find(|p| p.ends_with("cc-basique.json"))
        .unwrap();
    let d = read_all(&std::fs::read(path).unwrap(), Mode::Strict).remove(0);
    let up = d.upgrade();
    let Record::Concession(c) = &up.record else {
        panic!()
    };
    assert!(c.modifications.is_none() && c.donnees_execution.is_none());
    let lieu = up
        .findings
        .iter()
        .find(|i| i.code == IssueCode::UpgradeDropped && i.path == "/marches/0/lieuExecution")
        .unwrap();
    assert!(
        lieu.value
            .as_deref()
            .unwrap()
            .contains("\"nom\":\"Millau\""),
        "{lieu:?}"
    );
    // The upgraded record writes to both formats and reads back the same.
    for f in [Format::Json, Format::Xml] {
        let bytes = write(std::slice::from_ref(&up.record), f, true);
        assert_eq!(records(&bytes), vec![up.record.clone()]);
    }
}

#[test]
fn dates_with_offsets_and_1_4_labels_are_mapped() {
    let json = r#"{"marches": [{"id": "2018123400", "procedure": "Procédure concurrentielle avec négociation",
        "dateNotification": "2018-07-10+02:00", "modifications": [
          {"objetModification": "b", "dateNotificationModification": "2019-02-01"},
          {"objetModification": "a", "dateNotificationModification": "2018-12-01"}]}]}"#;
    let d = read_all(json.as_bytes(), Mode::Tolerant).remove(0);
    let up = upgrade(&d.record);
    let Record::Marche(m) = &up.record else {
        panic!()
    };
    assert_eq!(
        decp_core::get(&m.procedure).unwrap().as_str(),
        "Procédure avec négociation"
    );
    assert_eq!(
        decp_core::get(&m.date_notification).unwrap().to_string(),
        "2018-07-10"
    );
    let mods = decp_core::get(&m.modifications).unwrap();
    let ids: Vec<i64> = mods
        .iter()
        .map(|x| *decp_core::get(&x.valid().unwrap().id).unwrap())
        .collect();
    assert_eq!(ids, [2, 1], "ids follow the notification dates");
    let mapped: Vec<&str> = up
        .findings
        .iter()
        .filter(|i| i.code == IssueCode::UpgradeMapped)
        .map(|i| i.path.as_str())
        .collect();
    assert_eq!(
        mapped,
        ["/procedure", "/dateNotification", "/modifications"]
    );
}

#[test]
fn every_upgrade_code_is_triggered_and_v2_records_pass_through() {
    let mut seen = BTreeSet::new();
    for path in official_in("v1.5", "json") {
        for d in read_all(&std::fs::read(&path).unwrap(), Mode::Strict) {
            seen.extend(upgrade(&d.record).findings.iter().map(|i| i.code.as_str()));
        }
    }
    for e in catalogue().filter(|e| e.family == Family::Upgrade) {
        assert!(seen.contains(e.code.as_str()), "{} never triggered", e.code);
    }
    for path in official("json") {
        for r in records(&std::fs::read(&path).unwrap()) {
            let up = upgrade(&r);
            assert_eq!(up.record, r);
            assert!(up.findings.is_empty());
        }
    }
}
