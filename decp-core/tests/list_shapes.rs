//! A JSON object where the schemas want an array (`"titulaires": {"titulaire":
//! {…}}`) passed as conforming and was rewritten as an array: the XML reading of a
//! list (an element holding its items) was applied to JSON. Found by a new user's
//! trial; the official JSON schema (2.0.3: `"type": "array"`) refuses it.

use decp_core::{DecodeOptions, Decoded, IssueCode, Record, RecordKind};

fn codes(d: &Decoded) -> Vec<(IssueCode, String)> {
    d.findings
        .iter()
        .map(|i| (i.code, i.path.clone()))
        .collect()
}

const HOLDER: &str = r#"{"titulaire": {"typeIdentifiant": "SIRET", "id": "44306184100047"}}"#;

#[test]
fn an_object_for_a_list_is_a_type_error_in_json() {
    let json = format!(r#"{{"id": "A", "titulaires": {HOLDER}}}"#);
    let d = Decoded::from_json(
        RecordKind::Marche,
        json.as_bytes(),
        &DecodeOptions::default(),
    )
    .unwrap();
    assert_eq!(codes(&d), [(IssueCode::Type, "/titulaires".to_string())]);
    // Kept as it was: writing it back gives the object, not an invented array.
    assert!(
        d.record
            .to_json(false)
            .contains(r#""titulaires":{"titulaire""#)
    );
    // The normaliser reads it as the one-item list it means, and says so.
    let n = Decoded::from_json(
        RecordKind::Marche,
        json.as_bytes(),
        &DecodeOptions::default().normalize(true),
    )
    .unwrap();
    assert_eq!(
        codes(&n),
        [(IssueCode::RepairListShape, "/titulaires".to_string())]
    );
    let array = format!(r#"{{"id": "A", "titulaires": [{HOLDER}]}}"#);
    let a = Decoded::from_json(
        RecordKind::Marche,
        array.as_bytes(),
        &DecodeOptions::default(),
    )
    .unwrap();
    assert!(a.findings.is_empty());
    assert_eq!(n.record, a.record);
}

#[test]
fn the_same_in_modifications_and_v1_lists() {
    let json = r#"{"id": "A", "modifications": {"modification": {"id": 1, "dureeMois": 3}}}"#;
    let d = Decoded::from_json(
        RecordKind::Marche,
        json.as_bytes(),
        &DecodeOptions::default(),
    )
    .unwrap();
    assert_eq!(codes(&d), [(IssueCode::Type, "/modifications".to_string())]);
    let v1 = br#"{"marches": [{"_type": "March\u00e9", "id": "A", "titulaires": {"titulaire": {"typeIdentifiant": "SIRET", "id": "1", "denominationSociale": "X"}}}]}"#;
    let r = decp_core::Reader::from_slice(v1)
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap();
    assert!(matches!(r.record, Record::MarcheV1(_)));
    assert!(
        r.findings
            .iter()
            .any(|i| i.code == IssueCode::Type && i.path == "/marches/0/titulaires"),
        "{:?}",
        r.findings
    );
}

#[test]
fn xml_lists_of_one_item_stay_official() {
    let xml = br#"<marche><id>A</id><titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>44306184100047</id></titulaire></titulaires></marche>"#;
    let d = Decoded::from_xml(RecordKind::Marche, xml, &DecodeOptions::default()).unwrap();
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    let n = Decoded::from_xml(
        RecordKind::Marche,
        xml,
        &DecodeOptions::default().normalize(true),
    )
    .unwrap();
    assert!(n.findings.is_empty(), "{:?}", n.findings);
}
