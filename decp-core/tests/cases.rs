//! Real-world cases (`tests/data/cases/`, described in its README), each with the
//! behaviour that is right for it.

mod common;
use common::*;
use decp_core::{
    Checker, DecodeOptions, Family, FileReport, IssueCode, ReaderBuilder, Severity, Validator,
    ValidatorOptions,
};
use std::path::PathBuf;

fn case(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/cases")
        .join(name)
}

/// Validates a file as `decp validate` does (every family; `normalize` as asked).
fn validate(path: &std::path::Path, normalize: bool) -> FileReport {
    let reader = ReaderBuilder::new()
        .normalize(normalize)
        .from_path(path)
        .unwrap();
    let validator = Validator::new(
        ValidatorOptions::default().today(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()),
    );
    let checker = Checker::new(reader.decode_options()).validator(validator);
    let mut report = FileReport::new(path.display().to_string());
    checker.validate(reader, 1, None, &mut report, &|_| {}, |_| true);
    report
}

fn codes(r: &FileReport) -> Vec<(IssueCode, String)> {
    r.issues.iter().map(|i| (i.code, i.path.clone())).collect()
}

/// 01: a document in the official shape gets no repair finding, whatever its
/// lists hold; every official example, v1 and v2, JSON and XML, likewise.
#[test]
fn official_shapes_get_no_repair() {
    let mut files = vec![case("01-xml-listes-un-element-normalize.xml")];
    for v in ["v2", "v1.5"] {
        for f in ["json", "xml"] {
            files.extend(official_in(v, f));
        }
    }
    for f in &files {
        let r = validate(f, true);
        let repairs: Vec<_> = r
            .issues
            .iter()
            .filter(|i| i.family() == Family::Repair)
            .collect();
        assert!(repairs.is_empty(), "{}: {repairs:?}", f.display());
        assert!(r.fatal.is_none(), "{}: {:?}", f.display(), r.fatal);
    }
    assert!(files.len() > 20);
}

/// 11: the threshold in force at the notification date: 25 000 € HT before 2020.
#[test]
fn publication_threshold_of_the_record_date() {
    let r = validate(&case("11-seuil-publication-2019.json"), false);
    let below: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::BelowThreshold)
        .collect();
    assert_eq!(below.len(), 1, "{:?}", codes(&r));
    assert_eq!(below[0].path, "/marches/marche/1/montant");
    assert_eq!(below[0].expected.as_deref(), Some("40000"));
}

/// 12: the official geographic codes of the overseas collectivities are valid.
#[test]
fn overseas_place_codes() {
    let r = validate(&case("12-codes-lieu-outre-mer.json"), false);
    assert!(
        !r.issues.iter().any(|i| i.code == IssueCode::LieuCodeFormat),
        "{:?}",
        codes(&r)
    );
    // And the check, a heuristic, is a warning where it fires.
    assert_eq!(IssueCode::LieuCodeFormat.severity(), Severity::Warning);
    let _ = DecodeOptions::default();
}
