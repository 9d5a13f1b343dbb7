//! Our JSON record parser against serde_json: the same verdict on well-formedness
//! for one record (a JSON value). Documented differences, skipped: numbers out of
//! `f64`'s range (serde_json refuses them, we keep their text), nesting past our
//! depth limit (64) or serde_json's recursion limit (128).
#![no_main]

use decp_core::{DecodeOptions, Decoded, ErrorKind, RecordKind};

fn depth(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let ours = Decoded::from_json(RecordKind::Marche, data, &DecodeOptions::default());
    let ours_well_formed = !matches!(
        &ours,
        Err(e) if matches!(e.kind(), ErrorKind::Syntax { .. } | ErrorKind::Limit { .. })
    );
    match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(v) => {
            if depth(&v) < 60 {
                assert!(ours_well_formed, "serde_json accepts, we refuse: {ours:?}");
            }
        }
        Err(e) => {
            let m = e.to_string();
            if m.contains("out of range") || m.contains("recursion limit") {
                return;
            }
            assert!(!ours_well_formed, "serde_json refuses ({m}), we accept");
        }
    }
});
