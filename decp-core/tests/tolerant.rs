//! Tolerant reading keeps what does not fit, reports it with its path and position,
//! and writes it back unchanged; strict reading refuses it with the same path.

mod common;
use common::*;
use decp_core::{ErrorKind, Format, IssueCode, Mode, Raw, ReaderBuilder, Record};

const DOC: &str = r#"{"marches": {"marche": [
  {"id": "OK1", "montant": 1000},
  {
    "id": "BAD",
    "nature": "Marché public",
    "dateNotification": "2024-13-45",
    "montant": "12 000,50",
    "champInconnu": {"a": [1, 2.50]},
    "dureeMois": 12
  }
]}}"#;

#[test]
fn four_problems_four_findings() {
    let d = read_all(DOC.as_bytes(), Mode::Tolerant);
    assert_eq!(d.len(), 2);
    assert!(d[0].findings.is_empty());
    let f = &d[1].findings;
    let got: Vec<(IssueCode, &str, u64, u64)> = f
        .iter()
        .map(|i| {
            (
                i.code,
                i.path.as_str(),
                i.position.unwrap().line,
                i.position.unwrap().column,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (IssueCode::Enum, "/marches/marche/1/nature", 5, 15),
            (IssueCode::Date, "/marches/marche/1/dateNotification", 6, 25),
            (IssueCode::Type, "/marches/marche/1/montant", 7, 16),
            (
                IssueCode::AdditionalProperty,
                "/marches/marche/1/champInconnu",
                8,
                21
            ),
        ]
    );
    assert_eq!(f[0].value.as_deref(), Some("Marché public"));
    assert_eq!(f[2].value.as_deref(), Some("12 000,50"));
    assert!(
        f[0].message(decp_core::Lang::Fr)
            .contains("hors de la liste officielle")
    );

    let Record::Marche(m) = &d[1].record else {
        panic!()
    };
    assert_eq!(
        m.nature.as_ref().unwrap().invalid(),
        Some(&Raw::String("Marché public".into()))
    );
    assert_eq!(
        decp_core::get(&m.duree_mois),
        Some(&12),
        "the rest of the record is still decoded"
    );
}

#[test]
fn writing_back_keeps_the_raw_values() {
    let rs: Vec<Record> = read_all(DOC.as_bytes(), Mode::Tolerant)
        .into_iter()
        .map(|d| d.record)
        .collect();
    let json = write_default(&rs, Format::Json);
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let bad = &v["marches"]["marche"][1];
    assert_eq!(bad["nature"], "Marché public");
    assert_eq!(bad["dateNotification"], "2024-13-45");
    assert_eq!(bad["montant"], "12 000,50");
    assert_eq!(bad["champInconnu"], serde_json::json!({"a": [1, 2.50]}));
    assert!(
        String::from_utf8_lossy(&json).contains("2.50"),
        "number text kept"
    );
    // Through XML and back: same values, same findings.
    let xml = write_default(&rs, Format::Xml);
    let again = read_all(&xml, Mode::Tolerant);
    let Record::Marche(m) = &again[1].record else {
        panic!()
    };
    assert_eq!(
        m.date_notification.as_ref().unwrap().invalid(),
        Some(&Raw::String("2024-13-45".into()))
    );
    assert_eq!(
        m.montant.as_ref().unwrap().invalid(),
        Some(&Raw::String("12 000,50".into()))
    );
    let codes: Vec<_> = again[1].findings.iter().map(|i| i.code).collect();
    assert_eq!(
        codes,
        [
            IssueCode::Enum,
            IssueCode::Date,
            IssueCode::Type,
            IssueCode::AdditionalProperty
        ]
    );
    // Re-reading the JSON output gives back the same records.
    let again_json: Vec<Record> = read_all(&json, Mode::Tolerant)
        .into_iter()
        .map(|d| d.record)
        .collect();
    assert_eq!(again_json, rs);
}

#[test]
fn strict_mode_refuses_with_path_and_position() {
    let mut r = ReaderBuilder::new()
        .mode(Mode::Strict)
        .from_slice(DOC.as_bytes())
        .unwrap();
    let items: Vec<_> = r.records().collect();
    assert_eq!(items.len(), 2, "a Data error does not stop the stream");
    assert!(items[0].is_ok());
    let e = items[1].as_ref().unwrap_err();
    assert!(!e.is_fatal());
    assert_eq!(e.path(), Some("/marches/marche/1/nature"));
    assert_eq!(
        (e.position().unwrap().line, e.position().unwrap().column),
        (5, 15)
    );
    assert!(matches!(
        e.kind(),
        ErrorKind::Data {
            code: IssueCode::Enum,
            ..
        }
    ));
}

#[test]
fn wrong_shapes_are_kept_too() {
    let doc = br#"{"marches": {"marche": [{
        "titulaires": [{"typeIdentifiant": "SIRET", "id": "1"}, {"titulaire": {"id": 42}}],
        "techniques": ["Concours"],
        "offresRecues": 12.0,
        "marcheInnovant": "oui",
        "id": "A", "id": "B"
    }]}}"#;
    let d = &read_all(doc, Mode::Tolerant)[0];
    let got: Vec<(IssueCode, &str)> = d
        .findings
        .iter()
        .map(|i| (i.code, i.path.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (IssueCode::Type, "/marches/marche/0/titulaires/0"),
            (
                IssueCode::Type,
                "/marches/marche/0/titulaires/1/titulaire/id"
            ),
            (IssueCode::Type, "/marches/marche/0/techniques"),
            (IssueCode::Type, "/marches/marche/0/offresRecues"),
            (IssueCode::Type, "/marches/marche/0/marcheInnovant"),
            (IssueCode::DuplicateField, "/marches/marche/0/id"),
        ]
    );
    let out = write_default(std::slice::from_ref(&d.record), Format::Json);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let m = &v["marches"]["marche"][0];
    assert_eq!(
        m["titulaires"][0],
        serde_json::json!({"typeIdentifiant": "SIRET", "id": "1"})
    );
    assert_eq!(m["titulaires"][1]["titulaire"]["id"], 42);
    assert_eq!(m["techniques"], serde_json::json!(["Concours"]));
    assert!(String::from_utf8_lossy(&out).contains("12.0"));
    assert_eq!(m["marcheInnovant"], "oui");
}

#[test]
fn xml_unknown_elements_and_attributes_are_kept() {
    let xml = br#"<marches><marche a="1"><id>X</id><nom>Ville</nom><acheteur><id>1</id>texte</acheteur></marche></marches>"#;
    let d = &read_all(xml, Mode::Tolerant)[0];
    let codes: Vec<_> = d
        .findings
        .iter()
        .map(|i| (i.code, i.path.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (IssueCode::AdditionalProperty, "/marches/marche/0/@a"),
            (IssueCode::AdditionalProperty, "/marches/marche/0/nom"),
            (
                IssueCode::AdditionalProperty,
                "/marches/marche/0/acheteur/#text"
            ),
        ]
    );
    let out =
        String::from_utf8(write_default(std::slice::from_ref(&d.record), Format::Xml)).unwrap();
    assert!(out.contains("<marche a=\"1\">"), "{out}");
    assert!(out.contains("<nom>Ville</nom>"));
    assert!(out.contains("texte"));
    assert_eq!(read_all(out.as_bytes(), Mode::Tolerant)[0].record, d.record);
}
