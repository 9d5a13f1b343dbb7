//! Broken input gives an `Error` with the right position, never a panic.

mod common;
use common::*;
use decp_core::{ErrorKind, Format, Limits, Mode, ReaderBuilder};
use proptest::prelude::*;

fn pos(e: &decp_core::Error) -> (u64, u64) {
    let p = e.position().unwrap_or_else(|| panic!("no position: {e}"));
    (p.line, p.column)
}

#[test]
fn truncated_json() {
    let doc =
        b"{\"marches\": {\"marche\": [\n  {\"id\": \"A\"},\n  {\"id\": \"B\", \"objet\": \"trunc";
    let e = first_error(doc);
    assert!(e.is_fatal());
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Syntax {
                format: Format::Json,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(pos(&e), (3, 30), "{e}");
    assert!(e.to_string().contains("unexpected end of input"), "{e}");
    // The record before the break was still read.
    let mut r = decp_core::Reader::from_slice(doc).unwrap();
    let items: Vec<_> = r.records().collect();
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
}

#[test]
fn broken_json_record_is_skipped_with_its_position() {
    let doc =
        b"{\"marches\": {\"marche\": [\n  {\"id\": \"A\",, \"x\": 1},\n  {\"id\": \"B\"}\n]}}";
    let mut r = decp_core::Reader::from_slice(doc).unwrap();
    let items: Vec<_> = r.records().collect();
    assert_eq!(items.len(), 2);
    let e = items[0].as_ref().unwrap_err();
    assert!(!e.is_fatal());
    assert_eq!(pos(e), (2, 14), "{e}");
    assert_eq!(items[1].as_ref().unwrap().record.id(), Some("B"));
}

#[test]
fn envelope_syntax_errors() {
    let e = first_error(b"{\"marches\": {\"marche\": [{\"id\": \"A\"}\n  {\"id\": \"B\"}]}}");
    assert_eq!(pos(&e), (2, 3), "{e}");
    let e = first_error(b"{\"marches\": {\"marche\": [{\"id\": \"A\"}]}} trailing");
    assert_eq!(pos(&e), (1, 40), "{e}");
    let e = first_error(b"{\"marches\": {\"marche\": [{\"id\": [}]}}");
    assert_eq!(pos(&e), (1, 33), "{e}");
}

#[test]
fn unclosed_xml_element() {
    let doc = b"<marches>\n  <marche>\n    <id>A</id>\n    <objet>x\n  </marche>\n</marches>";
    let e = first_error(doc);
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Syntax {
                format: Format::Xml,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(pos(&e), (5, 3), "{e}");
    assert!(
        e.to_string().contains("</marche>") && e.to_string().contains("<objet>"),
        "{e}"
    );
}

#[test]
fn truncated_xml() {
    let doc = b"<marches>\n  <marche>\n    <id>A</id>";
    let e = first_error(doc);
    assert_eq!(pos(&e), (3, 15), "{e}");
    assert!(e.to_string().contains("<marche> is not closed"), "{e}");
}

#[test]
fn invalid_utf8() {
    let json = b"{\"marches\": {\"marche\": [\n  {\"id\": \"A\xFF\"}]}}";
    let e = first_error(json);
    assert!(!e.is_fatal());
    assert_eq!(pos(&e), (2, 12), "{e}");
    assert!(e.to_string().contains("UTF-8"));
    let xml = b"<marches>\n<marche><objet>caf\xE9</objet></marche></marches>";
    let e = first_error(xml);
    assert_eq!(pos(&e), (2, 19), "{e}");
}

#[test]
fn unsupported_inputs() {
    for (doc, what) in [
        (&b""[..], "empty"),
        (b"   \n ", "empty"),
        (b"hello", "cannot tell"),
        (
            b"<?xml version=\"1.0\" encoding=\"EBCDIC-FR\"?><marches/>",
            "EBCDIC-FR",
        ),
        (b"<html/>", "not a DECP element"),
        (b"\xFF\xFE<\x00", "UTF-16"),
    ] {
        let e = first_error(doc);
        assert!(e.is_fatal(), "{what}");
        assert!(e.to_string().contains(what), "{what}: {e}");
    }
    // The v1 envelope with no record is an empty document, not an error.
    let mut r = decp_core::Reader::from_slice(b"{\"marches\": []}").unwrap();
    assert_eq!(r.records().count(), 0);
}

#[test]
fn limits() {
    let deep = format!(
        "{{\"marches\": {{\"marche\": [{}{}]}}}}",
        "[".repeat(100),
        "]".repeat(100)
    );
    let e = first_error(deep.as_bytes());
    assert!(matches!(e.kind(), ErrorKind::Limit { .. }), "{e}");
    let deep_xml = format!(
        "<marches><marche>{}{}</marche></marches>",
        "<a>".repeat(100),
        "</a>".repeat(100)
    );
    let e = first_error(deep_xml.as_bytes());
    assert!(matches!(e.kind(), ErrorKind::Limit { .. }), "{e}");
    let big = format!(
        "{{\"marches\": {{\"marche\": [{{\"objet\": \"{}\"}}]}}}}",
        "x".repeat(5000)
    );
    let mut r = ReaderBuilder::new()
        .limits(Limits::default().max_record_bytes(1000))
        .from_slice(big.as_bytes())
        .unwrap();
    let e = r.records().next().unwrap().unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Limit { .. }), "{e}");
}

/// Reads everything, in both modes, and must not panic.
fn read_everything(bytes: &[u8]) {
    for mode in [Mode::Strict, Mode::Tolerant] {
        if let Ok(mut r) = ReaderBuilder::new().mode(mode).from_slice(bytes) {
            let mut n = 0;
            for item in r.records() {
                n += 1;
                assert!(n < 10_000);
                if let Ok(d) = item {
                    let _ = write(std::slice::from_ref(&d.record), Format::Json, false);
                    let mut w = decp_core::Writer::from_writer(Vec::new(), Format::Xml);
                    let _ = w.write_record(&d.record);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn mutated_examples_never_panic(
        which in 0usize..7,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let files: Vec<_> = official("json").into_iter().chain(official("xml")).collect();
        let mut bytes = std::fs::read(&files[which % files.len()]).unwrap();
        for (at, b, op) in edits {
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = b,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, b),
            }
        }
        read_everything(&bytes);
        let c = cut.index(bytes.len());
        read_everything(&bytes[..c]);
    }
}
