//! Reading 2.0.0 (hand-written fixtures in `tests/data/legacy-2.0.0`, following the
//! 2.0.0 schemas): records are read into the v2 model, the value changes are
//! reported, the result passes the v2 schema rules and writes as v2.

mod common;
use std::path::PathBuf;

use common::*;
use decp_core::{
    Families, Format, IssueCode, Mode, Record, Validator, ValidatorOptions, Version, get,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/legacy-2.0.0")
            .join(name),
    )
    .unwrap()
}

fn mapped(d: &decp_core::Decoded) -> Vec<(String, String, String)> {
    d.findings
        .iter()
        .filter(|i| i.code == IssueCode::UpgradeMapped)
        .map(|i| {
            (
                i.path.clone(),
                i.value.clone().unwrap(),
                i.expected.clone().unwrap(),
            )
        })
        .collect()
}

#[test]
fn json_2_0_0_reads_into_v2_and_passes_the_v2_schema_rules() {
    let ds = read_all(&fixture("marches.json"), Mode::Strict);
    assert_eq!(ds.len(), 2);
    let v = Validator::new(ValidatorOptions::default().families(Families::SCHEMA_ONLY));
    for d in &ds {
        assert_eq!(d.version, Version::V2_0_0);
        assert!(!d.record.is_v1());
        let errors: Vec<_> = v.iter_issues(&d.record).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
    let m = mapped(&ds[0]);
    let want = |p: &str, before: &str, after: &str| {
        assert!(
            m.contains(&(p.into(), before.into(), after.into())),
            "{p}: {m:#?}"
        );
    };
    want(
        "/marches/0/modalitesExecution",
        "Mixte",
        "modalitesExecution = Bons de commande + Marchés subséquents",
    );
    want(
        "/marches/0/techniques",
        "Système d’acquisition dynamique",
        "techniques = Système d'acquisition dynamique",
    );
    want("/marches/0/ccag", "null", "ccag = Pas de CCAG");
    want(
        "/marches/0/considerationsSociales",
        "[]",
        "considerationsSociales = [Pas de considération sociale]",
    );
    want("/marches/0/modifications", "id 0…", "modifications = id 1…");
    let Record::Marche(mk) = &ds[0].record else {
        panic!()
    };
    assert!(
        mk.actes_sous_traitance.is_none()
            && mk.id_accord_cadre.is_none()
            && mk.origine_ue.is_none()
    );
    let mods = get(&mk.modifications).unwrap();
    assert_eq!(get(&mods[0].valid().unwrap().id), Some(&1));
    let Record::Concession(c) = &ds[1].record else {
        panic!()
    };
    assert!(c.modifications.is_none() && c.donnees_execution.is_none());
    // Written as v2 and read back: the same records, now plain v2.
    let recs: Vec<Record> = ds.iter().map(|d| d.record.clone()).collect();
    for f in [Format::Json, Format::Xml] {
        let again = read_all(&write(&recs, f, true), Mode::Strict);
        assert!(
            again
                .iter()
                .all(|d| d.version == Version::V2 && d.findings.is_empty())
        );
        let mut got: Vec<Record> = again.into_iter().map(|d| d.record).collect();
        got.sort_by_key(|r| r.kind() as u8);
        assert_eq!(got, recs);
    }
}

#[test]
fn xml_2_0_0_reads_into_v2() {
    let ds = read_all(&fixture("marche.xml"), Mode::Strict);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].version, Version::V2_0_0);
    let v = Validator::new(ValidatorOptions::default().families(Families::SCHEMA_ONLY));
    let errors: Vec<_> = v.iter_issues(&ds[0].record).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let m = mapped(&ds[0]);
    assert!(
        m.contains(&(
            "/marches/0/modalitesExecution".into(),
            "Bon de commande".into(),
            "modalitesExecution = Bons de commande".into()
        )),
        "{m:?}"
    );
    let Record::Marche(mk) = &ds[0].record else {
        panic!()
    };
    assert_eq!(
        get(&mk.techniques).unwrap()[0].valid().unwrap().as_str(),
        "Sans objet"
    );
}
