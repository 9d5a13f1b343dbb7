//! One record on its own, from JSON or XML bytes, through the per-record step;
//! a record read strictly survives record → generic value → record.
#![no_main]

use decp_core::{
    Checker, DecodeOptions, Decoded, Format, Mode, RawRecord, RecordKind, Validator,
    ValidatorOptions,
};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&flags, data)) = data.split_first() else {
        return;
    };
    let kind = if flags & 1 == 0 {
        RecordKind::Marche
    } else {
        RecordKind::Concession
    };
    let format = if flags & 2 == 0 {
        Format::Json
    } else {
        Format::Xml
    };
    let opts = DecodeOptions::default()
        .mode(if flags & 4 == 0 {
            Mode::Tolerant
        } else {
            Mode::Strict
        })
        .normalize(flags & 8 != 0);
    let checker = Checker::new(opts)
        .validator(Validator::new(ValidatorOptions::default()))
        .upgrade(flags & 16 != 0);
    let _ = checker
        .check_raw(&RawRecord::new(format, kind, data.to_vec()).with_path("/marches/marche/0"));
    let decoded = match format {
        Format::Json => Decoded::from_json(kind, data, &opts),
        Format::Xml => Decoded::from_xml(kind, data, &opts),
    };
    if let Ok(d) = decoded {
        let value = d.record.to_value();
        let back = Decoded::from_value(kind, &value, &opts.version(Some(d.version)));
        if opts.mode == Mode::Strict && !opts.normalize {
            // A strictly valid record is the same after a trip through plain data.
            let back = back.expect("a record's own value decodes");
            assert_eq!(back.record.to_value(), value);
        }
        let _ = d.record.to_xml(flags & 32 != 0);
        let _ = d.record.to_json(flags & 32 != 0);
    }
});
