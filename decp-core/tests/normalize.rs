//! The normaliser: one hand-written fixture per repair (`tests/data/normalize`),
//! each showing the value before, the value after and the finding; reading the same
//! fixture without the normaliser gives an error finding (the defect is real). And a
//! file mixing v1 and v2 records, broken values and an unknown encoding reads to the
//! end, record for record.

mod common;
use std::collections::BTreeSet;
use std::path::PathBuf;

use decp_core::{
    Decoded, Family, IssueCode, Mode, ReaderBuilder, Record, Severity, Validator, ValidatorOptions,
    catalogue,
};

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/normalize")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The records; findings about the document (its encoding label) are skipped.
fn read(bytes: &[u8], normalize: bool) -> Vec<Decoded> {
    ReaderBuilder::new()
        .normalize(normalize)
        .from_slice(bytes)
        .unwrap()
        .records()
        .filter(|r| {
            !r.as_ref()
                .is_err_and(|e| matches!(e.kind(), decp_core::ErrorKind::Envelope { .. }))
        })
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

/// The written JSON of the record, to check the value after repair.
fn json_of(r: &Record) -> serde_json::Value {
    let mut w = decp_core::WriterBuilder::ndjson().from_writer(Vec::new());
    w.write_record(r).unwrap();
    serde_json::from_slice(&w.finish().unwrap()).unwrap()
}

struct Case {
    file: &'static str,
    code: &'static str,
    path: &'static str,
    before: &'static str,
    after: &'static str,
    /// JSON Pointer into the written record, and the value it must hold then
    /// (`null`: the member is absent).
    check: (&'static str, serde_json::Value),
}

fn cases() -> Vec<Case> {
    use serde_json::{Value, json};
    const M: &str = "/marches/marche/0";
    let _ = M;
    vec![
        Case {
            file: "placeholder.json",
            code: "repair.placeholder",
            path: "/marches/marche/0/offresRecues",
            before: "NC",
            after: "(absent)",
            check: ("/offresRecues", Value::Null),
        },
        Case {
            file: "date.json",
            code: "repair.date",
            path: "/marches/marche/0/dateNotification",
            before: "2024-03-12+01:00",
            after: "2024-03-12",
            check: ("/dateNotification", json!("2024-03-12")),
        },
        Case {
            file: "number.json",
            code: "repair.number",
            path: "/marches/marche/0/montant",
            before: "412 500,50",
            after: "412500.50",
            check: ("/montant", json!(412500.50)),
        },
        Case {
            file: "boolean.json",
            code: "repair.boolean",
            path: "/marches/marche/0/marcheInnovant",
            before: "non",
            after: "false",
            check: ("/marcheInnovant", json!(false)),
        },
        Case {
            file: "label.json",
            code: "repair.label",
            path: "/marches/marche/0/procedure",
            before: "APPEL D’OFFRES OUVERT",
            after: "Appel d'offres ouvert",
            check: ("/procedure", json!("Appel d'offres ouvert")),
        },
        Case {
            file: "identifier.json",
            code: "repair.identifier",
            path: "/marches/marche/0/acheteur/id",
            before: "217 500 016 00019",
            after: "21750001600019",
            check: ("/acheteur/id", json!("21750001600019")),
        },
        Case {
            file: "cpv.json",
            code: "repair.cpv",
            path: "/marches/marche/0/codeCPV",
            before: "9310000",
            after: "09310000",
            check: ("/codeCPV", json!("09310000")),
        },
        Case {
            file: "list_shape.json",
            code: "repair.list_shape",
            path: "/marches/marche/0/titulaires",
            before: r#"[{"typeIdentifiant":"SIRET","id":"38103128500491"}]"#,
            after: "[{\"titulaire\": {…}}]",
            check: ("/titulaires/0/titulaire/id", json!("38103128500491")),
        },
        Case {
            file: "dotted_key.json",
            code: "repair.dotted_key",
            path: "/marches/marche/0/acheteur.id",
            before: "acheteur.id",
            after: "acheteur/id",
            check: ("/acheteur/id", json!("21750001600019")),
        },
        Case {
            file: "nan.json",
            code: "repair.placeholder",
            path: "/marches/marche/0/tauxAvance",
            before: "NaN",
            after: "(absent)",
            check: ("/tauxAvance", Value::Null),
        },
        Case {
            file: "blank_element.xml",
            code: "repair.placeholder",
            path: "/marches/marche/0/offresRecues",
            before: "  ",
            after: "(absent)",
            check: ("/offresRecues", Value::Null),
        },
        Case {
            file: "control_character.json",
            code: "repair.character",
            path: "/marches/marche/0/objet",
            before: "Travaux de r\u{2}éfection de la couverture du gymnase Jean\u{96}Moulin",
            after: "Travaux de réfection de la couverture du gymnase Jean–Moulin",
            check: (
                "/objet",
                json!("Travaux de réfection de la couverture du gymnase Jean–Moulin"),
            ),
        },
        Case {
            file: "encoding.xml",
            code: "repair.encoding",
            path: "/marches/marche/0",
            before: "",
            after: "windows-1252",
            check: (
                "/objet",
                json!("Travaux de réfection de la couverture du gymnase Jean-Moulin"),
            ),
        },
        Case {
            file: "v1_field.json",
            code: "repair.v1_field",
            path: "/marches/marche/0/titulaires/0/titulaire/denominationSociale",
            before: "COUVERTURES DE PARIS SARL",
            after: "denominationSociale",
            check: ("/titulaires/0/titulaire/denominationSociale", Value::Null),
        },
        Case {
            file: "v1_labels.json",
            code: "repair.label",
            path: "/marches/0/nature",
            before: "MARCHE",
            after: "Marché",
            check: ("/nature", json!("Marché")),
        },
    ]
}

#[test]
fn each_fixture_shows_before_after_and_the_finding() {
    let mut failures = Vec::new();
    for c in cases() {
        let bytes = fixture(c.file);
        let d = &read(&bytes, true)[0];
        let f = d
            .findings
            .iter()
            .find(|i| i.code.as_str() == c.code && i.path == c.path);
        match f {
            None => failures.push(format!(
                "{}: no {} at {}: {:?}",
                c.file, c.code, c.path, d.findings
            )),
            Some(f) => {
                assert_eq!(f.severity(), Severity::Info, "{}", c.file);
                assert_eq!(f.value.as_deref(), Some(c.before), "{}", c.file);
                assert_eq!(f.expected.as_deref(), Some(c.after), "{}", c.file);
                assert!(f.position.is_some(), "{}", c.file);
            }
        }
        // Every finding of the normalised read is a repair.
        assert!(
            d.findings.iter().all(|i| i.code.family() == Family::Repair),
            "{}: {:?}",
            c.file,
            d.findings
        );
        let v = json_of(&d.record);
        let got = v
            .pointer(c.check.0)
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        if got != c.check.1 {
            failures.push(format!(
                "{}: {} is {got}, expected {}",
                c.file, c.check.0, c.check.1
            ));
        }
        // Without the normaliser, the defect is an error (or the file cannot be read).
        let plain = ReaderBuilder::new()
            .from_slice(&bytes)
            .and_then(|mut r| r.records().collect::<Result<Vec<_>, _>>());
        let defect_seen = match plain {
            Err(_) => true,
            Ok(ds) => {
                let v = Validator::new(ValidatorOptions::default());
                ds.iter()
                    .any(|d| v.check(d).iter().any(|i| i.severity() == Severity::Error))
            }
        };
        if !defect_seen {
            failures.push(format!("{}: no error without the normaliser", c.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn normalised_fixtures_validate_clean() {
    // Apart from the placeholders (which leave a required field out) the repaired
    // records pass every rule, as the clean fixture they were made from does.
    let v = Validator::new(ValidatorOptions::default());
    for c in cases().iter().filter(|c| {
        !matches!(
            c.file,
            "placeholder.json" | "blank_element.xml" | "v1_labels.json" | "cpv.json"
        )
    }) {
        for d in read(&fixture(c.file), true) {
            let errors: Vec<_> = v
                .check(&d)
                .into_iter()
                .filter(|i| i.severity() != Severity::Info)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", c.file);
        }
    }
}

#[test]
fn every_repair_code_has_a_fixture() {
    let covered: BTreeSet<&str> = cases().iter().map(|c| c.code).collect();
    for e in catalogue().filter(|e| e.family == Family::Repair) {
        let code = e.code.as_str();
        // repair.number also covers integers and ids written as numbers (unit tests);
        // repair.encoding_label is about a document, not a record, and applies
        // without the normaliser (decp-core/tests/cases.rs, case 04).
        if code == "repair.encoding_label" {
            continue;
        }
        assert!(covered.contains(code), "no fixture for {code}");
    }
}

#[test]
fn a_declared_latin1_file_is_transcoded() {
    let bytes = fixture("latin1_declared.xml");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture is Latin-1"
    );
    // No normaliser needed: the declaration is honoured.
    let d = &read(&bytes, false)[0];
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    let v = json_of(&d.record);
    assert_eq!(
        v["objet"],
        "Travaux de réfection de la couverture du gymnase Jean-Moulin"
    );
}

#[test]
fn strict_mode_accepts_repairs() {
    let d = ReaderBuilder::new()
        .normalize(true)
        .mode(Mode::Strict)
        .from_slice(&fixture("date.json"))
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(d.findings[0].code, IssueCode::RepairDate);
}

#[test]
fn ambiguous_values_are_not_repaired() {
    let json = r#"{"marches": {"marche": [{"id": "A", "montant": "12,500", "codeCPV": "1234567", "dateNotification": "30/08/2018"}]}}"#;
    let d = &read(json.as_bytes(), true)[0];
    let codes: Vec<&str> = d.findings.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes, ["schema.type", "schema.date"], "{:?}", d.findings);
    let Record::Marche(m) = &d.record else {
        panic!()
    };
    assert_eq!(
        decp_core::get(&m.code_cpv).map(String::as_str),
        Some("1234567")
    );
}

#[test]
fn a_mixed_broken_file_reads_record_for_record() {
    // v2 envelope holding v2 and v1-style records, broken values, NaN, a record
    // that is not even an object; and an XML file with an unknown encoding.
    let json = r#"{"marches": {"marche": [
        {"id": "A1", "montant": "1 000", "dateNotification": "2024-01-05T00:00:00", "ccag": "TRAVAUX"},
        {"id": "2019B100", "uid": "217500016000192019B100", "acheteur": {"id": "21750001600019", "nom": "X"}, "titulaires": [{"typeIdentifiant": "SIRET", "id": "1", "denominationSociale": "Y"}], "modifications": []},
        {"id": "C3", "montant": NaN, "titulaires": [[{"titulaire": {"id": "1"}}]], "offresRecues": "3", "acheteur.id": "21750001600019"},
        {"id": "D4", "objet": "é", "dureeMois": 12.7, "techniques": "Sans objet", "origineUE": ""},
        "not an object",
        {"id": "F6", "dateNotification": "2024-99-99", "procedure": "Procédure négociée avec mise en concurrence préalable"}
    ]}}"#;
    let items: Vec<_> = ReaderBuilder::new()
        .normalize(true)
        .from_slice(json.as_bytes())
        .unwrap()
        .records()
        .collect();
    assert_eq!(items.len(), 6, "records in = records out");
    let ok: Vec<&Decoded> = items.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(ok.len(), 5, "only the string is not a record");
    assert!(ok[1].record.is_v1() && !ok[0].record.is_v1());
    let xml = "<?xml version=\"1.0\" encoding=\"x-unknown\"?><marches><marche><id>A</id><montant>1 000</montant></marche><marche><id>B</id></marche></marches>";
    let items: Vec<_> = ReaderBuilder::new()
        .normalize(true)
        .from_slice(xml.as_bytes())
        .unwrap()
        .records()
        .collect();
    // The unknown declaration is one recoverable error, then both records.
    assert_eq!(items.len(), 3);
    assert!(items[0].as_ref().is_err_and(|e| !e.is_fatal()));
    assert!(items[1].is_ok() && items[2].is_ok());
}

#[test]
fn the_xml_item_name_in_json_is_read() {
    let json = r#"{"marches": {"marche": [{"id": "A", "modificationsActesSousTraitance": [
        {"modificationActesSousTraitance": {"id": 1, "dureeMois": 8}}]}]}}"#;
    let d = &read(json.as_bytes(), true)[0];
    assert_eq!(d.findings.len(), 1, "{:?}", d.findings);
    assert_eq!(d.findings[0].code, IssueCode::RepairListShape);
    // The value before is the list as it was (language-neutral).
    assert_eq!(
        d.findings[0].value.as_deref(),
        Some(r#"[{"modificationActesSousTraitance":{"id":1,"dureeMois":8}}]"#)
    );
    let v = json_of(&d.record);
    assert_eq!(
        v["modificationsActesSousTraitance"][0]["modificationActeSousTraitance"]["dureeMois"],
        8
    );
}

#[test]
fn mutated_mixed_files_never_panic_and_keep_their_records() {
    // Truncations and byte changes of a file mixing v1, 2.0.0 and v2 records, read
    // tolerant and normalised: no panic; when the envelope survives, every record
    // the plain reader finds is found too.
    let mut base = fixture("v1_labels.json");
    base.extend_from_slice(b"\n");
    let docs = [
        fixture("v1_labels.json"),
        fixture("list_shape.json"),
        fixture("nan.json"),
        std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/data/legacy-2.0.0/marches.json"),
        )
        .unwrap(),
        fixture("encoding.xml"),
        fixture("blank_element.xml"),
    ];
    let mut seed = 0x2545_f491_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for doc in &docs {
        for _ in 0..150 {
            let mut m = doc.clone();
            match next() % 3 {
                0 => m.truncate((next() as usize) % m.len()),
                1 => {
                    let i = (next() as usize) % m.len();
                    m[i] = (next() % 256) as u8;
                }
                _ => {
                    let i = (next() as usize) % m.len();
                    m.insert(i, b"\"{[<NaN,"[(next() % 8) as usize]);
                }
            }
            let normalised = ReaderBuilder::new()
                .normalize(true)
                .from_slice(&m)
                .map(|mut r| r.records().filter(|x| x.is_ok()).count());
            let plain = ReaderBuilder::new()
                .from_slice(&m)
                .map(|mut r| r.records().filter(|x| x.is_ok()).count());
            if let (Ok(n), Ok(p)) = (normalised, plain) {
                assert!(
                    n >= p,
                    "normalising lost records: {n} < {p}\n{}",
                    String::from_utf8_lossy(&m)
                );
            }
        }
    }
}
