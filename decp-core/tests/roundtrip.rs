//! Property tests: arbitrary valid records survive model → JSON → model and
//! model → XML → model unchanged, and exact decimals stay exact.

mod common;
use common::*;
use decp_core::{Format, Mode, Record};
use decp_testkit::strategies;
use proptest::prelude::*;

fn roundtrip(records: &[Record], format: Format, pretty: bool) -> Vec<Record> {
    let bytes = write(records, format, pretty);
    read_all(&bytes, Mode::Strict)
        .into_iter()
        .map(|d| d.record)
        .collect()
}

fn same_kind_order(mut rs: Vec<Record>) -> Vec<Record> {
    // JSON groups records by kind (first kind seen first); keep that order here.
    let first = rs.first().map(Record::kind);
    rs.sort_by_key(|r| Some(r.kind()) != first);
    rs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn json_roundtrip(rs in proptest::collection::vec(strategies::record(), 1..4), pretty in any::<bool>()) {
        prop_assert_eq!(roundtrip(&rs, Format::Json, pretty), same_kind_order(rs));
    }

    #[test]
    fn xml_roundtrip(rs in proptest::collection::vec(strategies::record(), 1..4), pretty in any::<bool>()) {
        prop_assert_eq!(roundtrip(&rs, Format::Xml, pretty), rs);
    }

    #[test]
    fn v1_json_roundtrip(rs in proptest::collection::vec(strategies::v1::record(), 1..4), pretty in any::<bool>()) {
        // One v1 array: records keep their order whatever their kind.
        prop_assert_eq!(roundtrip(&rs, Format::Json, pretty), rs);
    }

    #[test]
    fn v1_xml_roundtrip(rs in proptest::collection::vec(strategies::v1::record(), 1..4), pretty in any::<bool>()) {
        prop_assert_eq!(roundtrip(&rs, Format::Xml, pretty), rs);
    }

    #[test]
    fn json_xml_json(r in strategies::record()) {
        let xml = roundtrip(std::slice::from_ref(&r), Format::Xml, true);
        prop_assert_eq!(roundtrip(&xml, Format::Json, false), vec![r]);
    }

    #[test]
    fn decimals_are_exact(d in strategies::decimal()) {
        let text = d.to_string();
        let doc = format!(r#"{{"marches": {{"marche": [{{"montant": {text}}}]}}}}"#);
        let rs = roundtrip(&read_all(doc.as_bytes(), Mode::Strict).into_iter().map(|d| d.record).collect::<Vec<_>>(), Format::Xml, false);
        let Record::Marche(m) = &rs[0] else { unreachable!() };
        let back = decp_core::get(&m.montant).unwrap();
        // Same value and same written form (scale kept: 0.10 stays 0.10).
        prop_assert_eq!(back.to_string(), text);
    }
}

#[test]
fn decimal_text_is_never_rounded() {
    for s in [
        "0.1",
        "0.10",
        "123456789012345678.99",
        "1e3",
        "-0.000001",
        "79228162514264337593543950335",
    ] {
        let doc = format!(r#"{{"marches": {{"marche": [{{"montant": {s}}}]}}}}"#);
        let rs = read_all(doc.as_bytes(), Mode::Strict);
        let Record::Marche(m) = &rs[0].record else {
            unreachable!()
        };
        let d = decp_core::get(&m.montant).unwrap();
        let expected: rust_decimal::Decimal = if s.contains('e') {
            rust_decimal::Decimal::from_scientific(s).unwrap()
        } else {
            s.parse().unwrap()
        };
        assert_eq!(*d, expected, "{s}");
        if !s.contains('e') {
            assert_eq!(d.to_string(), s);
        }
    }
    // Too many digits for an exact decimal: kept verbatim, never rounded.
    let doc = r#"{"marches": {"marche": [{"montant": 792281625142643375935439503351}]}}"#;
    let d = read_all(doc.as_bytes(), Mode::Tolerant);
    let Record::Marche(m) = &d[0].record else {
        unreachable!()
    };
    assert_eq!(
        m.montant.as_ref().unwrap().invalid().unwrap().as_text(),
        Some("792281625142643375935439503351")
    );
}
