//! The official v2 examples (copied in `tests/data/official`) read strictly, and
//! survive JSON → model → XML → model → JSON and the reverse.

mod common;
use common::*;
use decp_core::{Format, Mode, Record, RecordKind};

fn kinds(rs: &[Record]) -> (usize, usize) {
    let m = rs.iter().filter(|r| r.kind() == RecordKind::Marche).count();
    (m, rs.len() - m)
}

/// JSON keeps markets before concessions; compare by kind, in order.
fn by_kind(rs: Vec<Record>) -> Vec<Record> {
    let (mut m, c): (Vec<_>, Vec<_>) = rs.into_iter().partition(|r| r.kind() == RecordKind::Marche);
    m.extend(c);
    m
}

#[test]
fn every_official_example_reads_strictly() {
    let mut total = 0;
    for path in official("json").into_iter().chain(official("xml")) {
        let bytes = std::fs::read(&path).unwrap();
        let decoded = read_all(&bytes, Mode::Strict);
        assert!(!decoded.is_empty(), "{}", path.display());
        for d in &decoded {
            assert!(
                d.findings.is_empty(),
                "{}: {:?}",
                path.display(),
                d.findings
            );
            assert!(d.record.id().is_some());
        }
        total += decoded.len();
    }
    // JSON: 2 + 2 + 2 + 4 records; XML: 2 + 2 + 2 (see the files).
    assert_eq!(total, 16);
}

#[test]
fn json_to_xml_to_json_gives_the_same_records() {
    for path in official("json") {
        let bytes = std::fs::read(&path).unwrap();
        let original = records(&bytes);
        let xml = write_default(&original, Format::Xml);
        let from_xml = records(&xml);
        assert_eq!(original, from_xml, "{}", path.display());
        let json = write_default(&from_xml, Format::Json);
        let again = records(&json);
        assert_eq!(
            by_kind(original.clone()),
            by_kind(again.clone()),
            "{}",
            path.display()
        );
        assert_eq!(kinds(&original), kinds(&again));
    }
}

#[test]
fn xml_to_json_to_xml_gives_the_same_records() {
    for path in official("xml") {
        let bytes = std::fs::read(&path).unwrap();
        let original = records(&bytes);
        let json = write(&original, Format::Json, false);
        let from_json = records(&json);
        assert_eq!(
            by_kind(original.clone()),
            by_kind(from_json.clone()),
            "{}",
            path.display()
        );
        let xml = write(&from_json, Format::Xml, false);
        assert_eq!(from_json, records(&xml), "{}", path.display());
    }
}

#[test]
fn exact_values_of_the_examples() {
    let bytes = std::fs::read(
        official("json")
            .into_iter()
            .find(|p| p.ends_with("marches_avec_modifications.json"))
            .unwrap(),
    )
    .unwrap();
    let rs = records(&bytes);
    let Record::Marche(m) = &rs[0] else { panic!() };
    assert_eq!(decp_core::get(&m.montant).unwrap().to_string(), "575000");
    let acte = m.actes_sous_traitance.as_ref().unwrap().valid().unwrap()[0]
        .valid()
        .unwrap();
    assert_eq!(
        decp_core::get(&acte.montant).unwrap().to_string(),
        "123456.89"
    );
    assert_eq!(
        decp_core::get(&m.origine_ue).unwrap().unwrap().to_string(),
        "0.1"
    );
    // The JSON item name of modificationsActesSousTraitance becomes the XSD one in XML.
    let xml = String::from_utf8(write_default(&rs, Format::Xml)).unwrap();
    assert!(xml.contains("<modificationActesSousTraitance>"));
    assert!(!xml.contains("<modificationActeSousTraitance>"));
    let json = String::from_utf8(write_default(&rs, Format::Json)).unwrap();
    assert!(json.contains("\"modificationActeSousTraitance\""));
}

#[test]
fn xml_booleans_and_empty_origins() {
    let xml = b"<marches><marche><marcheInnovant>oui</marcheInnovant><attributionAvance>0</attributionAvance>\
        <sousTraitanceDeclaree>false</sousTraitanceDeclaree><origineUE/><origineFrance></origineFrance></marche></marches>";
    let rs = records(xml);
    let Record::Marche(m) = &rs[0] else { panic!() };
    assert_eq!(decp_core::get(&m.marche_innovant), Some(&true));
    assert_eq!(decp_core::get(&m.attribution_avance), Some(&false));
    assert_eq!(decp_core::get(&m.origine_ue), Some(&None));
    // XML keeps the empty element; JSON leaves the member out (its only valid form).
    let out = String::from_utf8(write_default(&rs, Format::Xml)).unwrap();
    assert!(
        out.contains("<origineUE/>") && out.contains("<origineFrance/>"),
        "{out}"
    );
    assert!(out.contains("<marcheInnovant>true</marcheInnovant>"));
    assert_eq!(records(out.as_bytes()), rs);
    let json = String::from_utf8(write_default(&rs, Format::Json)).unwrap();
    assert!(!json.contains("origine"), "{json}");
}

#[test]
fn envelopes_and_bom() {
    // BOM, single-record XML root, empty documents, both JSON arrays in either order.
    assert_eq!(records(b"\xEF\xBB\xBF<marche><id>A</id></marche>").len(), 1);
    assert!(records(b"<marches/>").is_empty());
    // `{"marches": {}}` holds no record, and breaks the schema's requirement of a
    // list: one finding about the envelope, not a failure.
    let items: Vec<_> = decp_core::Reader::from_slice(b"{\"marches\": {}}")
        .unwrap()
        .records()
        .collect();
    assert_eq!(items.len(), 1);
    assert!(
        items[0]
            .as_ref()
            .is_err_and(|e| !e.is_fatal() && e.path() == Some("/marches"))
    );
    let rs = records(br#"{"$schema": "x", "marches": {"contrat-concession": [{"id": "C"}], "marche": [{"id": "M"}, {"id": "N"}]}}"#);
    assert_eq!(
        rs.iter().map(|r| r.id().unwrap()).collect::<Vec<_>>(),
        ["C", "M", "N"]
    );
    // Interleaved kinds in XML are written as two arrays in JSON.
    let xml = b"<marches><marche><id>1</id></marche><contrat-concession><id>2</id></contrat-concession><marche><id>3</id></marche></marches>";
    let rs = records(xml);
    let json = write_default(&rs, Format::Json);
    let back = records(&json);
    assert_eq!(
        back.iter().map(|r| r.id().unwrap()).collect::<Vec<_>>(),
        ["1", "3", "2"]
    );
    // And the output is a valid JSON document with both arrays.
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["marches"]["marche"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["marches"]["contrat-concession"].as_array().unwrap().len(),
        1
    );
    let compact = write(&rs, Format::Json, false);
    let v2: serde_json::Value = serde_json::from_slice(&compact).unwrap();
    assert_eq!(v, v2);
    // No records at all: still a valid 2.0.3 document.
    let empty = write_default(&[], Format::Json);
    let v: serde_json::Value = serde_json::from_slice(&empty).unwrap();
    assert_eq!(v, serde_json::json!({"marches": {"marche": []}}));
}

#[test]
fn positions_of_records() {
    let json = b"{\"marches\": {\"marche\": [\n  {\"id\": \"A\"},\n  {\"id\": \"\xC3\xA9\"}, {\"id\": \"B\"}]}}";
    let d = read_all(json, Mode::Strict);
    assert_eq!(
        (d[0].position.line, d[0].position.column, d[0].position.byte),
        (2, 3, 27)
    );
    assert_eq!((d[1].position.line, d[1].position.column), (3, 3));
    // Columns count characters: `é` is two bytes but one column.
    assert_eq!((d[2].position.line, d[2].position.column), (3, 16));
    assert_eq!(d[2].position.record, Some(2));
}
