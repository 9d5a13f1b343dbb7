//! The tables' API: chunks belong to their files, and a fatal read error comes
//! after the rows of every record read before it, whatever the number of jobs.
#![cfg(feature = "arrow")]

use arrow_array::RecordBatchReader;
use decp_core::table::{OutputFormat, Partition, Table, TableFiles, TableReader};
use decp_core::{Checker, DecodeOptions, Reader, Validator, ValidatorOptions};

fn tmp(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("tables-{name}-{}", std::process::id()))
}

#[test]
fn a_chunk_is_written_only_to_the_files_it_was_made_for() {
    let csv = TableFiles::new(
        tmp("csv"),
        OutputFormat::Csv,
        Partition::None,
        &[Table::Marches],
        false,
    )
    .unwrap();
    let mut by_year = TableFiles::new(
        tmp("year"),
        OutputFormat::Csv,
        Partition::Year,
        &[Table::Marches],
        false,
    )
    .unwrap();
    let mut floats = TableFiles::new(
        tmp("float"),
        OutputFormat::Csv,
        Partition::None,
        &[Table::Marches],
        true,
    )
    .unwrap();
    assert!(by_year.write_chunk(csv.chunk()).is_err());
    assert!(floats.write_chunk(csv.chunk()).is_err());
    let mut same = TableFiles::new(
        tmp("same"),
        OutputFormat::Csv,
        Partition::None,
        &[Table::Marches],
        false,
    )
    .unwrap();
    assert!(same.write_chunk(csv.chunk()).is_ok());
}

#[test]
fn rows_before_a_fatal_error_come_before_it() {
    let cut = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B"}, {"id": "C"}, {"id": "D""#;
    for jobs in [1, 2] {
        for table in [Table::Marches, Table::Findings] {
            let checker = Checker::new(DecodeOptions::default())
                .validator(Validator::new(ValidatorOptions::default()));
            let r = TableReader::new(Reader::from_slice(cut).unwrap(), checker, table).jobs(jobs);
            let schema = r.schema();
            let id = schema.index_of("id").unwrap();
            let mut ids = Vec::new();
            let mut failed = false;
            for b in r {
                match b {
                    Ok(b) => {
                        assert!(!failed, "rows after the error");
                        let col = arrow_array::cast::AsArray::as_string::<i32>(b.column(id));
                        ids.extend(col.iter().map(|v| v.unwrap_or("").to_string()));
                    }
                    Err(_) => failed = true,
                }
            }
            assert!(failed, "{table:?} -j{jobs}: the cut is an error");
            ids.dedup();
            assert_eq!(ids, ["A", "B", "C"], "{table:?} -j{jobs}");
        }
    }
}
