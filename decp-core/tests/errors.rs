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

/// One record over a limit loses no other (issue 16: "one bad record loses the
/// rest"): too deep in objects, arrays or XML elements, too large, or an over-deep
/// member of the envelope, it is a recoverable error at the record's own place, and
/// every record after it is read — in place, from a stream, and on several threads
/// (`Checker::validate` with one job and with three).
#[test]
fn a_record_over_a_limit_loses_no_other() {
    let objects = format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100));
    let arrays = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let json = |x: &str| {
        format!(
            "{{\"marches\": {{\"marche\": [{{\"id\": \"A\"}}, {{\"id\": \"B\", \"x\": {x}}}, {{\"id\": \"C\"}}]}}}}"
        )
    };
    let xml = format!(
        "<marches><marche><id>A</id></marche><marche><id>B</id>{}x{}</marche><marche><id>C</id></marche></marches>",
        "<x>".repeat(100),
        "</x>".repeat(100)
    );
    let big = json(&format!("\"{}\"", "x".repeat(5000)));
    let top = format!(
        "{{\"extra\": {objects}, \"marches\": {{\"marche\": [{{\"id\": \"A\"}}, {{\"id\": \"B\"}}, {{\"id\": \"C\"}}]}}}}"
    );
    let cases: [(&str, String, bool); 5] = [
        ("objects", json(&objects), true),
        ("arrays", json(&arrays), true),
        ("xml", xml, true),
        ("size", big, true),
        ("envelope", top, false),
    ];
    for (what, doc, broken) in cases {
        for trickle in [false, true] {
            let items = read_items(
                doc.as_bytes(),
                Limits::default().max_record_bytes(1000),
                trickle,
            );
            let ids: Vec<String> = items
                .iter()
                .filter_map(|i| i.as_ref().ok())
                .filter_map(|d| match &d.record {
                    decp_core::Record::Marche(m) => decp_core::get(&m.id).map(ToString::to_string),
                    _ => None,
                })
                .collect();
            let errors: Vec<&decp_core::Error> =
                items.iter().filter_map(|i| i.as_ref().err()).collect();
            if broken {
                assert_eq!(ids, ["A", "C"], "{what}, trickle {trickle}: {errors:?}");
                assert_eq!(errors.len(), 1, "{what}: {errors:?}");
                let e = errors[0];
                assert!(
                    !e.is_fatal() && matches!(e.kind(), ErrorKind::Limit { .. }),
                    "{what}: {e}"
                );
                assert_eq!(e.position().unwrap().record, Some(1), "{what}: {e}");
                let issue = e.to_issue().unwrap();
                assert_eq!(issue.code, decp_core::IssueCode::Syntax, "{what}");
            } else {
                assert_eq!(ids, ["A", "B", "C"], "{what}: {errors:?}");
            }
        }
        if broken && what != "size" {
            let one = checked(doc.as_bytes(), 1, false);
            assert_eq!(one.0.len(), 3, "{what}: {one:?}");
            assert!(
                one.0[1].starts_with("unreadable Some(\"/marches/marche/1\")"),
                "{what}: {one:?}"
            );
            assert_eq!(checked(doc.as_bytes(), 3, false), one, "{what}");
        }
    }
}

/// Every item of `doc` read with `limits`, from a slice (records parsed in place)
/// or a byte at a time (`trickle`: the splitter walks and copies every record).
fn read_items(
    doc: &[u8],
    limits: Limits,
    trickle: bool,
) -> Vec<decp_core::Result<decp_core::Decoded>> {
    let mut b = ReaderBuilder::new();
    b.limits(limits);
    if trickle {
        b.from_reader(Trickle(doc))
            .unwrap()
            .into_records()
            .collect()
    } else {
        b.from_slice(doc).unwrap().into_records().collect()
    }
}

/// Gives one byte per read.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(out.len()).min(1);
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
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
                    let _ = w.finish();
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

/// Ill-formed markup inside an XML record (an unescaped `<` in a text, an end tag
/// that does not match) is the record's error, where it is, and the records after
/// it are read: the splitter no longer takes `< b` for a tag, nor gives up on the
/// file at a wrong end tag (issue 16: `<objet>a < b</objet>` lost the whole file
/// and was reported 44 lines later).
#[test]
fn broken_markup_in_an_xml_record_loses_no_other() {
    let cases: [(&str, (u64, u64)); 4] = [
        // Line 3 is `<marche><id>B</id>` then the broken part: the `<` at 28.
        ("<objet>a < b</objet>", (3, 28)),
        ("<objet>a<b</objet>", (3, 27)),
        ("<objet>a << b</objet>", (3, 28)),
        (
            "<titulaires><titulaire><id>1</idx></titulaire></titulaires>",
            (3, 47),
        ),
    ];
    for (broken, (line, column)) in cases {
        let doc = format!(
            "<marches>\n<marche><id>A</id></marche>\n<marche><id>B</id>{broken}</marche>\n<marche><id>C</id></marche>\n</marches>\n"
        );
        for trickle in [false, true] {
            let items = read_items(doc.as_bytes(), Limits::default(), trickle);
            assert_eq!(items.len(), 3, "{broken}: {items:?}");
            assert!(items[0].is_ok() && items[2].is_ok(), "{broken}: {items:?}");
            let e = items[1].as_ref().unwrap_err();
            assert!(!e.is_fatal(), "{broken}: {e}");
            let p = e.position().unwrap();
            assert_eq!(
                (p.line, p.column, p.record),
                (line, column, Some(1)),
                "{broken}: {e}"
            );
        }
    }
}

/// The limits of `Limits` (issue 16): members per object / items per array /
/// children and attributes per element, value length, records per input. Each is
/// an error with a position and the record's place; the first three lose no other
/// record, the last stops reading.
#[test]
fn members_values_and_records_are_limited() {
    let limits = Limits::default().max_members(10).max_value_bytes(8);
    let read = |doc: &str| -> Vec<Result<decp_core::Decoded, decp_core::Error>> {
        let mut b = ReaderBuilder::new();
        b.limits(limits);
        b.from_slice(doc.as_bytes())
            .unwrap()
            .into_records()
            .collect()
    };
    let members: String = (0..20).map(|i| format!(", \"k{i}\": 1")).collect();
    let items: String = (0..20).map(|i| format!("{i}, ")).collect();
    let children: String = (0..20).map(|i| format!("<k{i}/>")).collect();
    let attrs: String = (0..20).map(|i| format!(" a{i}=\"1\"")).collect();
    let docs = [
        format!("{{\"marches\": {{\"marche\": [{{\"id\": \"A\"{members}}}, {{\"id\": \"B\"}}]}}}}"),
        format!("{{\"marches\": {{\"marche\": [{{\"id\": \"A\", \"l\": [{items}0]}}, {{\"id\": \"B\"}}]}}}}"),
        "{\"marches\": {\"marche\": [{\"id\": \"ABCDEFGHIJKLMNOP\"}, {\"id\": \"B\"}]}}".to_string(),
        "{\"marches\": {\"marche\": [{\"id\": \"A\", \"montant\": 1234567890.5}, {\"id\": \"B\"}]}}".to_string(),
        format!("<marches><marche><id>A</id>{children}</marche><marche><id>B</id></marche></marches>"),
        format!("<marches><marche><id{attrs}>A</id></marche><marche><id>B</id></marche></marches>"),
        "<marches><marche><id>ABCDEFGHIJKLMNOP</id></marche><marche><id>B</id></marche></marches>".to_string(),
    ];
    for doc in &docs {
        let items = read(doc);
        assert_eq!(items.len(), 2, "{doc}: {items:?}");
        let e = items[0].as_ref().unwrap_err();
        assert!(
            !e.is_fatal() && matches!(e.kind(), ErrorKind::Limit { .. }),
            "{doc}: {e}"
        );
        assert_eq!(e.position().unwrap().record, Some(0), "{doc}: {e}");
        assert!(items[1].is_ok(), "{doc}: {:?}", items[1]);
    }

    // Records per input: the reading stops, with an error at the record past it.
    let doc = "{\"marches\": {\"marche\": [{\"id\": \"A\"}, {\"id\": \"B\"}, {\"id\": \"C\"}]}}";
    let mut b = ReaderBuilder::new();
    b.limits(Limits::default().max_records(2));
    let items: Vec<_> = b
        .from_slice(doc.as_bytes())
        .unwrap()
        .into_records()
        .collect();
    assert_eq!(items.len(), 3, "{items:?}");
    let e = items[2].as_ref().unwrap_err();
    assert!(
        e.is_fatal() && e.to_string().contains("more than 2 records"),
        "{e}"
    );
}

/// A DOCTYPE is reported and not applied (DECP never needs one): its entities are
/// unknown to the records that use them; the other records are read.
#[test]
fn doctype_is_reported_and_not_applied() {
    let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE marches [<!ENTITY x \"y\">]>\n<marches><marche><id>&x;</id></marche><marche><id>B</id></marche></marches>";
    let items: Vec<_> = decp_core::Reader::from_slice(doc.as_bytes())
        .unwrap()
        .into_records()
        .collect();
    assert_eq!(items.len(), 3, "{items:?}");
    let doctype = items[0].as_ref().unwrap_err().to_issue().unwrap();
    assert_eq!(doctype.code, decp_core::IssueCode::Doctype);
    assert_eq!(doctype.position.map(|p| p.line), Some(2));
    let e = items[1].as_ref().unwrap_err();
    assert!(e.to_string().contains("unknown entity `&x;`"), "{e}");
    assert!(items[2].is_ok());
}

/// Every record, readable or not, in order, with its finding codes and path: what
/// `Checker::validate` reports with `jobs` threads (1: records parsed in place).
fn checked(doc: &[u8], jobs: usize, trickle: bool) -> (Vec<String>, Option<String>) {
    use decp_core::{Checker, DecodeOptions};
    let reader = if trickle {
        ReaderBuilder::new()
            .from_reader(Box::new(Trickle(doc)) as Box<dyn std::io::Read + Send + '_>)
    } else {
        ReaderBuilder::new().from_reader(Box::new(doc) as Box<dyn std::io::Read + Send + '_>)
    }
    .unwrap();
    let checker = Checker::new(DecodeOptions::default());
    let mut seen = Vec::new();
    // `for_each`: `validate` drops each record once checked.
    let r = checker.for_each(
        reader,
        jobs,
        &|_| {},
        |c| c,
        |c| {
            let id = c
                .record
                .as_ref()
                .map(|r| match r {
                    decp_core::Record::Marche(m) => {
                        decp_core::get(&m.id).cloned().unwrap_or_default()
                    }
                    _ => String::new(),
                })
                .unwrap_or_else(|| "unreadable".into());
            let codes: Vec<&str> = c.issues.iter().map(|i| i.code.as_str()).collect();
            seen.push(format!("{id} {:?} {codes:?}", c.path));
            true
        },
    );
    (seen, r.err().map(|e| e.to_string()))
}

/// Where the XML splitter's byte search for a record's end tag could be fooled
/// (review of a2163c2): an end tag with something after its name, an end tag
/// inside an attribute value, an element of the record's own name inside it, a
/// wrong end tag at the record's level, a comment larger than the record size
/// limit. Each is at most one unreadable record; the records after it are read,
/// and one job (in place), three jobs (copies) and byte-by-byte reads agree.
#[test]
fn xml_record_ends_are_not_fooled() {
    let cases = [
        (
            "end tag with an attribute",
            "<marche><id>A</id></marche foo><marche><id>B</id></marche>",
        ),
        (
            "end tag in an attribute",
            "<marche><x a=\"</marche>\"/></marche><marche><id>B</id></marche>",
        ),
        (
            "same name inside",
            "<marche><x><marche>y</marche></x></marche><marche><id>B</id></marche>",
        ),
        (
            "wrong end tag",
            "<marche><id>1</id></x></marche><marche><id>B</id></marche>",
        ),
        // An element named like the list inside a record, or between records
        // (fuzzing: the walk took its end tag for the list's, the byte search and
        // the record parser did not).
        (
            "marches inside a record",
            "<marche><id>A</id><marches>x</marches></marche><marche><id>B</id></marche>",
        ),
        (
            "marches between records",
            "<marches><x>y</x></marches><marche><id>B</id></marche>",
        ),
        (
            "marches between records, an element left open inside",
            "<marches><x>y</marches><marche><id>B</id></marche>",
        ),
        // A start tag of the element's own name broken by `<` (review).
        (
            "own name broken by <, between records",
            "<x><x<</x><marche><id>A</id></marche></x><marche><id>B</id></marche>",
        ),
        (
            "own name broken by <, in a record",
            "<marche><marche<</marche><id>A</id></marche><marche><id>B</id></marche>",
        ),
    ];
    for (what, records) in cases {
        let doc = format!("<marches>\n{records}\n<marche><id>C</id></marche>\n</marches>\n");
        let (one, fatal) = checked(doc.as_bytes(), 1, false);
        assert!(fatal.is_none(), "{what}: {fatal:?}");
        assert!(one.iter().any(|r| r.starts_with("C ")), "{what}: {one:?}");
        assert!(
            one.iter().any(|r| r.starts_with("B ")),
            "{what}: record B lost: {one:?}"
        );
        for (jobs, trickle) in [(3, false), (1, true), (3, true)] {
            assert_eq!(
                checked(doc.as_bytes(), jobs, trickle),
                (one.clone(), None),
                "{what}: jobs {jobs}, byte by byte {trickle}"
            );
        }
    }
    // A comment over the record size limit inside a record: that record only.
    let doc = format!(
        "<marches><marche><id>A</id><!-- {} --></marche><marche><id>B</id></marche></marches>",
        "x".repeat(3000)
    );
    for trickle in [false, true] {
        let items = read_items(
            doc.as_bytes(),
            Limits::default().max_record_bytes(1000),
            trickle,
        );
        assert_eq!(items.len(), 2, "{items:?}");
        let e = items[0].as_ref().unwrap_err();
        assert!(
            !e.is_fatal() && matches!(e.kind(), ErrorKind::Limit { .. }),
            "{e}"
        );
        assert!(items[1].is_ok());
    }
}

/// The fuzzers' one-job comparison (records parsed from a whole buffer, against
/// the same input read a byte at a time): a record that is the document's root,
/// with a `<` in its start tag and the list's end tag `</marches>` inside, was one
/// unreadable record from a whole buffer (the byte search took a later end tag)
/// and a fatal error from a stream (the walk stops at `</marches>`). Both agree now.
#[test]
fn whole_buffer_and_stream_agree_on_a_broken_root_record() {
    let all = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/data/fuzz/xml_reader-record-as-root-marches-inside.bin"),
    )
    .unwrap();
    let doc = &all[1..];
    let whole = checked(doc, 1, false);
    let stream = checked(doc, 1, true);
    assert_eq!(whole, stream);
}

/// Reading a whole buffer and reading a byte at a time agree at the document's
/// edges (review of the session-7 splitter changes): a record past
/// `max_records` whose start is cut, and an end tag cut by the end of input
/// (no record of its own).
#[test]
fn whole_buffer_and_stream_agree_at_the_edges() {
    let report = |doc: &[u8], limits: Limits, trickle: bool| {
        let items = read_items(doc, limits, trickle);
        items
            .iter()
            .map(|r| match r {
                Ok(d) => format!("ok {:?}", d.record.id()),
                Err(e) => format!("err {} {:?}", e.is_fatal(), e.position()),
            })
            .collect::<Vec<_>>()
    };
    let cases: [(&[u8], Limits); 3] = [
        (
            b"<marches><marche/><marche>",
            Limits::default().max_records(1),
        ),
        (
            b"<marches><marche/><marche",
            Limits::default().max_records(1),
        ),
        (
            b"<marches><marche><id>A</id></marche></marche ",
            Limits::default(),
        ),
    ];
    for (k, (doc, limits)) in cases.into_iter().enumerate() {
        let whole = report(doc, limits, false);
        assert_eq!(
            whole,
            report(doc, limits, true),
            "{}",
            String::from_utf8_lossy(doc)
        );
        if k == 0 {
            let items = read_items(doc, limits, false);
            let e = items.last().unwrap().as_ref().unwrap_err();
            assert!(e.to_string().contains("1 record"), "{e}");
        } else {
            // A name cut by the end, or a cut end tag: no record; the error
            // belongs to none.
            let items = read_items(doc, limits, true);
            let e = items.last().unwrap().as_ref().unwrap_err();
            assert_eq!(e.position().and_then(|p| p.record), None, "{e}");
        }
    }
}
