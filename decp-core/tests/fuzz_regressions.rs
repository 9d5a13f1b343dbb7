//! Inputs the fuzzers found (`tests/data/fuzz/`, with their story in its README),
//! replayed through the reader targets' own flow (`fuzz/fuzz_targets/common.rs`:
//! read, check, upgrade, report, write back, read the NDJSON back).

#[path = "../../fuzz/fuzz_targets/common.rs"]
mod common;

use decp_core::Format;

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/fuzz");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "bin") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let format = if name.starts_with("xml") {
            Format::Xml
        } else {
            Format::Json
        };
        // The recorded flags, then with the upgrade on as well.
        common::read_all(&bytes, format);
        let mut upgraded = bytes.clone();
        upgraded[0] |= 4;
        common::read_all(&upgraded, format);
        n += 1;
    }
    assert!(n >= 1, "no input in {}", dir.display());
}

/// What the XML differential target (ours against quick-xml) found in our record
/// parser, on the one-record path (`Decoded::from_xml`, the vendors' and the C
/// library's): text before the element and content after it were accepted
/// silently. Both are syntax errors now; a byte-order mark before the element and
/// white space, comments and processing instructions after it are allowed.
#[test]
fn xml_differential_findings_stay_fixed() {
    use decp_core::{DecodeOptions, Decoded, ErrorKind, RecordKind};
    let read =
        |s: &str| Decoded::from_xml(RecordKind::Marche, s.as_bytes(), &DecodeOptions::default());
    for bad in [
        "   yx-/------@-typ.<marche><id>A</id></marche>",
        "\u{feff}\u{feff}<marche><id>A</id></marche>",
        "\u{c}<marche><id>A</id></marche>",
        "<marche><id>A</id></marche> et la suite",
        "<marche><id>A</id></marche><marche/>",
        "\r\r<marche/>\u{feff}\r\r",
        "&#9;<marche><id>A</id></marche>",
    ] {
        let e = read(bad).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Syntax { .. }), "{bad:?}: {e}");
    }
    for good in [
        "\u{feff}<marche><id>A</id></marche>",
        " \n<marche><id>A</id></marche>\n<!-- fin --> <?pi x?>\n",
    ] {
        assert!(read(good).is_ok(), "{good:?}");
    }
}
