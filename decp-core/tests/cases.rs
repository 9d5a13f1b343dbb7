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

/// 04: declared ISO-8859-1, written in Windows-1252: read as the web reads the
/// label, the relabelling reported, no C1 control character left.
#[test]
fn latin1_label_read_as_windows_1252() {
    let path = case("04-cp1252-sous-declaration-latin1.xml");
    let r = validate(&path, false);
    let label: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::EncodingRelabelled)
        .collect();
    assert_eq!(label.len(), 1, "{:?}", codes(&r));
    assert_eq!(label[0].value.as_deref(), Some("ISO-8859-1"));
    assert_eq!(label[0].expected.as_deref(), Some("windows-1252"));
    assert!(r.valid(), "{:?}", codes(&r));
    let d = ReaderBuilder::new()
        .from_path(&path)
        .unwrap()
        .records()
        .find_map(Result::ok)
        .unwrap();
    let json = d.record.to_json(false);
    for c in ['’', 'œ', '…', '€'] {
        assert!(json.contains(c), "{c} in {json}");
    }
    assert!(
        !json.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
        "{json}"
    );
}

/// 08: a character XML 1.0 forbids is reported where it is read (its value's line
/// and column), the record still produced; the normaliser drops it.
#[test]
fn forbidden_xml_character() {
    let path = case("08-xml-caractere-controle-u0002.xml");
    let r = validate(&path, false);
    let bad: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::XmlCharacter)
        .collect();
    assert_eq!(bad.len(), 1, "{:?}", codes(&r));
    assert_eq!(bad[0].path, "/marches/marche/1/objet");
    assert_eq!(bad[0].expected.as_deref(), Some("U+0002"));
    let p = bad[0].position.unwrap();
    assert_eq!((p.line, p.column), (36, 5));
    assert_eq!(r.records, 3);
    // Normalised: dropped, the repair reported, nothing XML cannot write left.
    let r = validate(&path, true);
    assert!(
        r.issues
            .iter()
            .any(|i| i.code == IssueCode::RepairCharacter),
        "{:?}",
        codes(&r)
    );
    assert!(r.valid(), "{:?}", codes(&r));
    let all = ReaderBuilder::new()
        .normalize(true)
        .from_path(&path)
        .unwrap();
    for d in all.into_records() {
        d.unwrap().record.to_xml(false).unwrap();
    }
    // The same character from JSON (`\u0002`) is reported the same way.
    let json = br#"{"marches": {"marche": [{"id": "A", "objet": "a\u0002b"}]}}"#;
    let d = ReaderBuilder::new()
        .from_slice(json)
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(d.findings[0].code, IssueCode::XmlCharacter);
    assert!(d.record.to_xml(false).is_err());
    // And in a member the schema does not define, kept to be written back.
    let json = br#"{"marches": {"marche": [{"id": "A", "note": ["x\u0007"]}]}}"#;
    let d = ReaderBuilder::new()
        .from_slice(json)
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap();
    let f: Vec<_> = d
        .findings
        .iter()
        .map(|i| (i.code, i.path.as_str()))
        .collect();
    assert!(
        f.contains(&(IssueCode::XmlCharacter, "/marches/marche/0/note")),
        "{f:?}"
    );
}

/// A record that cannot be read is reported at its own pointer; a `null` item of a
/// list is one finding, not a consistency warning as well.
#[test]
fn findings_point_at_their_record_and_item() {
    let doc = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B", "x": [1 2]}, {"id": "C", "sousTraitanceDeclaree": false, "actesSousTraitance": [null]}]}}"#;
    let reader = ReaderBuilder::new().from_slice(doc).unwrap();
    let checker = Checker::new(reader.decode_options())
        .validator(Validator::new(ValidatorOptions::default()));
    let mut r = FileReport::new("-");
    checker.validate(reader, 1, None, &mut r, &|_| {}, |_| true);
    let syntax: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::Syntax)
        .collect();
    assert_eq!(syntax.len(), 1);
    assert_eq!(syntax[0].path, "/marches/marche/1");
    assert!(
        !r.issues
            .iter()
            .any(|i| i.code == IssueCode::SousTraitanceInconsistent),
        "{:?}",
        codes(&r)
    );
    assert!(
        r.issues.iter().any(
            |i| i.code == IssueCode::Type && i.path == "/marches/marche/2/actesSousTraitance/0"
        )
    );
}

/// 17: stray text between two records of a JSON array (a server's error page):
/// reading resynchronises at the next record, the skipped bytes are reported with
/// their position, no record is lost. A missing comma likewise; and in XML, text
/// between records is skipped and reported.
#[test]
fn stray_text_between_records() {
    let r = validate(&case("17-texte-parasite-entre-enregistrements.json"), false);
    assert_eq!(r.records, 3, "{:?}", codes(&r));
    assert!(r.fatal.is_none(), "{:?}", r.fatal);
    let skipped: Vec<_> = r
        .issues
        .iter()
        .filter(|i| i.code == IssueCode::Syntax)
        .collect();
    assert_eq!(skipped.len(), 1, "{:?}", codes(&r));
    let p = skipped[0].position.unwrap();
    assert_eq!((p.line, p.column), (33, 1));
    // The skipped text is the value; the detail says what it is, in either language.
    assert!(
        skipped[0]
            .value
            .as_deref()
            .unwrap()
            .contains("Internal Server Error")
    );
    assert!(matches!(
        skipped[0].detail.as_deref(),
        Some(decp_core::Message::SkippedText { bytes: 22, .. })
    ));
    assert!(skipped[0].message(decp_core::Lang::Fr).starts_with(
        "enregistrement illisible : 22 octets qui ne sont pas un enregistrement, ignorés"
    ));

    let ids = |doc: &[u8]| -> Vec<String> {
        ReaderBuilder::new()
            .from_slice(doc)
            .unwrap()
            .records()
            .filter_map(Result::ok)
            .map(|d| d.record.id().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(
        ids(br#"{"marches": {"marche": [{"id":"A"} {"id":"B"}, <html>Error [500]</html> {"id":"C"}]}}"#),
        ["A", "B", "C"]
    );
    assert_eq!(
        ids(b"<marches><marche><id>A</id></marche>Internal Server Error<marche><id>B</id></marche></marches>"),
        ["A", "B"]
    );
}

/// A JSON document that is not DECP (no `marches`) is one finding naming what its
/// root holds, at the document's start; `{}` likewise.
#[test]
fn not_a_decp_document() {
    let schema = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/official/schemas/schema_decp_v2.0.3.json");
    let r = validate(&schema, false);
    assert_eq!(codes(&r), [(IssueCode::NotDecp, String::new())]);
    let i = &r.issues[0];
    assert!(i.value.as_deref().unwrap().contains("definitions"), "{i:?}");
    assert_eq!(i.position.map(|p| (p.line, p.column)), Some((1, 1)));
    let items: Vec<_> = ReaderBuilder::new()
        .from_slice(b"{}")
        .unwrap()
        .records()
        .collect();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap_err().to_issue().unwrap().code,
        IssueCode::NotDecp
    );
}

/// 10: a v1 record gets every rule and quality check that does not depend on a
/// v2-only field, with v1 paths.
#[test]
fn v1_records_get_the_rules_too() {
    let r = validate(&case("10-v1-controles-dates-montants.json"), false);
    let got = codes(&r);
    for want in [
        (
            IssueCode::PublicationBeforeNotification,
            "/marches/0/datePublicationDonnees",
        ),
        (
            IssueCode::DateBeforeContract,
            "/marches/0/modifications/0/dateNotificationModification",
        ),
        (IssueCode::AmountImplausible, "/marches/0/montant"),
        (
            IssueCode::AmountImplausible,
            "/marches/0/modifications/0/montant",
        ),
        (IssueCode::DurationImplausible, "/marches/0/dureeMois"),
        (IssueCode::BuyerIsHolder, "/marches/0/titulaires"),
    ] {
        assert!(
            got.contains(&(want.0, want.1.to_string())),
            "{want:?} not in {got:?}"
        );
    }
    assert!(!r.valid());
    // The catalogue says which checks apply to which version.
    assert!(IssueCode::BuyerIsHolder.applies_to_v1() && IssueCode::BuyerIsHolder.applies_to_v2());
    assert!(!IssueCode::OrigineUeBelowFrance.applies_to_v1());
    assert!(!IssueCode::V14Label.applies_to_v2());
}

/// A record the writer refuses (a v1 record among v2 ones) is skipped and reported;
/// the conversion goes on and the document is complete without it.
#[test]
fn refused_records_are_skipped_not_fatal() {
    let doc = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B", "uid": "21350001000011B", "acheteur": {"id": "21350001000011", "nom": "X"}}, {"id": "C"}]}}"#;
    let reader = ReaderBuilder::new().from_slice(doc).unwrap();
    let mut w = decp_core::Writer::from_writer(Vec::new(), decp_core::Format::Xml);
    let mut seen = Vec::new();
    let n = Checker::new(reader.decode_options())
        .convert(reader, &mut w, 1, &|_| {}, |c| {
            seen.extend(
                c.issues
                    .iter()
                    .filter(|i| i.code == IssueCode::NotWritten)
                    .map(|i| i.path.clone()),
            );
            true
        })
        .unwrap();
    assert_eq!((n.records, n.written, n.skipped), (3, 2, 1));
    assert_eq!(seen, ["/marches/marche/1"]);
    let xml = String::from_utf8(w.finish().unwrap()).unwrap();
    assert!(
        xml.contains("<id>A</id>") && xml.contains("<id>C</id>") && !xml.contains("<id>B</id>"),
        "{xml}"
    );
}

/// Findings about the first item of a v1 XML list (`<modifications><modification>`)
/// are placed at the item's value, not at the list's element.
#[test]
fn first_item_of_a_v1_xml_list_is_located() {
    let f = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/official/v1.5/xml/cc-avec-modifications.xml");
    let r = validate(&f, false);
    let at = |path: &str| {
        r.issues
            .iter()
            .find(|i| i.path == path)
            .and_then(|i| i.position)
            .map(|p| (p.line, p.column))
    };
    assert_eq!(
        at("/marches/0/modifications/0/datePublicationDonneesModification"),
        Some((48, 4))
    );
    assert_eq!(
        at("/marches/0/modifications/1/datePublicationDonneesModification"),
        Some((55, 4))
    );
}
