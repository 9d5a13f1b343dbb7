//! Inputs the fuzzers found (`tests/data/fuzz/`, with their story in its README),
//! replayed through what the reader targets do: read, check, upgrade, write back.

use decp_core::{
    Checker, FileReport, Format, Mode, ReaderBuilder, Validator, ValidatorOptions, Writer,
};

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
        let (flags, data) = bytes.split_first().unwrap();
        let format = if p.file_name().unwrap().to_string_lossy().starts_with("xml") {
            Format::Xml
        } else {
            Format::Json
        };
        for upgrade in [false, true] {
            let mut b = ReaderBuilder::new();
            b.format(format)
                .mode(if flags & 1 == 0 {
                    Mode::Tolerant
                } else {
                    Mode::Strict
                })
                .normalize(flags & 2 != 0);
            let reader = b.from_slice(data).unwrap();
            let checker = Checker::new(reader.decode_options())
                .validator(Validator::new(ValidatorOptions::default()))
                .upgrade(upgrade);
            let mut report = FileReport::new("fuzz");
            checker.validate(reader, 2, None, &mut report, &|_| {}, |_| true);
            let mut w = Writer::from_writer(Vec::new(), Format::Json);
            for d in b.from_slice(data).unwrap().records().flatten() {
                let _ = w.write_record(&d.record);
            }
            w.finish().unwrap();
        }
        n += 1;
    }
    assert!(n >= 1, "no input in {}", dir.display());
}
