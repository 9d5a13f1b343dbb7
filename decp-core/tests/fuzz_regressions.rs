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
