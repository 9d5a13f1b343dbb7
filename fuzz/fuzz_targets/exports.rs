//! The exports on arbitrary documents: every record's table rows (all tables,
//! every state or the current one, exact decimals or floats, codes plain or
//! dictionary-encoded) as Arrow batches and
//! as CSV text, its OCDS releases, its deduplication key and findings. Any panic
//! is a bug (among them a cell whose type is not its column's, which
//! `TableBuilder::finish` refuses); so is an OCDS package that is not JSON, and
//! a table reader (whose contract states go straight into the Arrow columns)
//! that gives other `marches` or `concessions` rows than the rows of values.
#![no_main]

use std::sync::{Mutex, OnceLock};

use decp_core::dedup::{Index, Key};
use decp_core::ocds::PackageBuilder;
use decp_core::table::{
    OutputFormat, Partition, RowOptions, Table, TableBuilder, TableFiles, TableReader, rows_of,
};
use decp_core::{Checker, Format, Mode, ReaderBuilder, RecordKind, Validator, ValidatorOptions};

/// CSV files that are never written: only their chunks (text in memory) are used.
fn csv_files(partition: Partition) -> &'static Mutex<TableFiles> {
    static FILES: OnceLock<[Mutex<TableFiles>; 2]> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        [Partition::None, Partition::Year].map(|p| {
            // Made once and left empty (no file is ever written).
            let dir = std::env::temp_dir().join("decp-fuzz-exports");
            Mutex::new(
                TableFiles::new(dir, OutputFormat::Csv, p, &Table::ALL, false)
                    .expect("a temporary directory"),
            )
        })
    });
    &files[usize::from(partition == Partition::Year)]
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&flags, data)) = data.split_first() else {
        return;
    };
    let mut b = ReaderBuilder::new();
    b.format(if flags & 1 == 0 {
        Format::Json
    } else {
        Format::Xml
    })
    .mode(Mode::Tolerant)
    .normalize(flags & 2 != 0);
    let Ok(reader) = b.from_slice(data) else {
        return;
    };
    let checker = Checker::new(reader.decode_options())
        .validator(Validator::new(ValidatorOptions::default()))
        .upgrade(flags & 4 != 0);
    let float = flags & 16 != 0;
    // Codes dictionary-encoded (decp.scan's default) or plain.
    let dictionary = flags & 64 != 0;
    let opts = RowOptions::default()
        .current_only(flags & 8 != 0)
        .float(float);
    let partition = if flags & 32 != 0 {
        Partition::Year
    } else {
        Partition::None
    };
    let mut chunk = csv_files(partition)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .chunk();
    // Deduplication's first pass over the same bytes, then its findings per record.
    let mut index = Index::new(Vec::new());
    let indexed = b
        .from_slice(data)
        .is_ok_and(|r| index.add("fuzz", r, 1, &|_| {}).is_ok());
    let dedup = indexed.then(|| index.finish());
    let mut ocds = PackageBuilder::new("ocds-fuzz00-").from_writer(Vec::new());
    let states = [Table::Marches, Table::Concessions];
    let mut by_rows = states.map(|t| TableBuilder::new(t, float).dictionary(dictionary));
    let _ = checker.for_each(
        reader,
        1,
        &|_| {},
        |c| c,
        |c| {
            let set = rows_of(&c, "fuzz.json", &opts);
            for t in Table::ALL {
                let mut tb = TableBuilder::new(t, float).dictionary(dictionary);
                tb.extend(set.rows(t));
                // Refuses (panics on) a cell whose type is not its column's.
                let _ = tb.finish();
            }
            // A record read gives at least one row of its kind (its current state),
            // and each of its findings a row of `findings`.
            if let Some(r) = &c.record {
                let t = match r.kind() {
                    RecordKind::Marche => Table::Marches,
                    RecordKind::Concession => Table::Concessions,
                };
                assert!(!set.rows(t).is_empty(), "no {t:?} row for a record read");
            }
            assert!(set.rows(Table::Findings).len() >= c.issues.len());
            for (b, t) in by_rows.iter_mut().zip(states) {
                b.extend(set.rows(t));
            }
            chunk.add(set).expect("rows in memory");
            if let Some(d) = &dedup {
                let _ = d.findings(0, &c);
            }
            if let Some(r) = &c.record {
                if let Some(k) = Key::of(r) {
                    let _ = k.to_value().to_json();
                }
                let _ = ocds.write_record(r);
            }
            true
        },
    );
    // The same tables straight from the records: the same rows, in order.
    for (built, t) in by_rows.iter_mut().zip(states) {
        let Ok(r) = b.from_slice(data) else {
            continue;
        };
        let direct: Vec<_> = TableReader::new(r, checker.clone(), t)
            .options(opts)
            .float(float)
            .dictionary(dictionary)
            .source("fuzz.json")
            .filter_map(Result::ok)
            .collect();
        let expected = built.finish();
        let direct_rows = direct.iter().flat_map(|d| (0..d.num_rows()).map(|i| d.slice(i, 1)));
        let expected_rows = (0..expected.num_rows()).map(|i| expected.slice(i, 1));
        assert!(direct_rows.eq(expected_rows), "{t:?}: the table reader's rows");
    }
    if let Ok(out) = ocds.finish() {
        serde_json::from_slice::<serde_json::Value>(&out).expect("the OCDS package is JSON");
    }
});
