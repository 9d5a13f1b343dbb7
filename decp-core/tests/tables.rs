//! The tables' API: chunks belong to their files, and a fatal read error comes
//! after the rows of every record read before it, whatever the number of jobs.
// The files written are Parquet (and CSV): the tests need the `parquet` feature.
#![cfg(feature = "parquet")]

use arrow_array::{Array, RecordBatchReader};
use decp_core::table::{OutputFormat, Partition, Table, TableFiles, TableReader};
use decp_core::{Checker, DecodeOptions, Format, Reader, Validator, ValidatorOptions};
use decp_testkit::synth::SynthReader;

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
    for (jobs, ahead) in [(1, false), (2, false), (2, true)] {
        for table in [Table::Marches, Table::Findings] {
            let checker = Checker::new(DecodeOptions::default())
                .validator(Validator::new(ValidatorOptions::default()));
            let reader = Reader::from_reader(std::io::Cursor::new(cut.to_vec())).unwrap();
            let mut r = TableReader::new(reader, checker, table).jobs(jobs);
            if ahead {
                r = r.read_ahead();
            }
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
            assert!(failed, "{table:?} -j{jobs} {ahead}: the cut is an error");
            ids.dedup();
            assert_eq!(ids, ["A", "B", "C"], "{table:?} -j{jobs} {ahead}");
        }
    }
}

/// A table's rows one by one (batches cut anywhere compare equal).
fn rows_of_table(
    format: Format,
    table: Table,
    jobs: usize,
    ahead: bool,
) -> Vec<arrow_array::RecordBatch> {
    let input = SynthReader::new(format, 7, 1_500_000).dirty(true);
    let checker = Checker::new(DecodeOptions::default())
        .validator(Validator::new(ValidatorOptions::default()));
    let mut r = TableReader::new(Reader::from_reader(input).unwrap(), checker, table)
        .source("synth")
        .batch_size(1000)
        .jobs(jobs);
    if ahead {
        r = r.read_ahead();
    }
    let mut rows = Vec::new();
    for b in r {
        let b = b.unwrap();
        // With one job, a record's rows stay in one batch (documented).
        assert!(
            jobs == 1 || b.num_rows() <= 1000,
            "a batch within batch_size"
        );
        rows.extend((0..b.num_rows()).map(|i| b.slice(i, 1)));
    }
    rows
}

#[test]
fn threads_reading_ahead_give_the_rows_of_one_job() {
    for format in [Format::Json, Format::Xml] {
        for table in [
            Table::Marches,
            Table::Concessions,
            Table::Modifications,
            Table::Findings,
        ] {
            let one = rows_of_table(format, table, 1, false);
            assert!(one.len() > 100, "{format:?} {table:?}: rows to compare");
            for (jobs, ahead) in [(2, false), (2, true), (3, true)] {
                let other = rows_of_table(format, table, jobs, ahead);
                assert_eq!(
                    other.len(),
                    one.len(),
                    "{format:?} {table:?} -j{jobs} {ahead}"
                );
                let same = one.iter().zip(&other).all(|(a, b)| a == b);
                assert!(same, "{format:?} {table:?} -j{jobs} {ahead}: other rows");
            }
        }
    }
}

/// Counts the bytes read from it.
struct Counted<R>(R, std::sync::Arc<std::sync::atomic::AtomicU64>);

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

#[test]
fn a_consumer_that_stops_early_stops_the_threads() {
    // Far more than the batches in flight (a few per job, ~1.5 MB each).
    let size = 40_000_000;
    let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let input = Counted(SynthReader::new(Format::Json, 3, size), read.clone());
    let mut r = TableReader::new(
        Reader::from_reader(input).unwrap(),
        Checker::new(DecodeOptions::default()),
        Table::Marches,
    )
    .batch_size(10)
    .jobs(2)
    .read_ahead();
    let first = r.next().unwrap().unwrap();
    assert_eq!(first.num_rows(), 10);
    drop(r);
    // The threads stop once their batches in hand are made: reading stops far
    // from the end (it would go on to the end otherwise).
    let mut last = u64::MAX;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let now = read.load(std::sync::atomic::Ordering::Relaxed);
        if now == last {
            break;
        }
        last = now;
    }
    assert!(
        last < size / 2,
        "{last} bytes read of {size} after the consumer left"
    );
}

#[test]
fn findings_about_the_envelope_keep_their_place_whatever_the_threads() {
    // A missing comma between records (a finding about the envelope, reading
    // goes on) and a member after the list.
    let doc = br#"{"marches": {"marche": [{"id": "A", "dureeMois": "x"} {"id": "B", "dureeMois": "y"}], "extra": 1}}"#;
    let rows = |jobs: usize, ahead: bool| -> Vec<(Option<String>, String)> {
        let checker = Checker::new(DecodeOptions::default())
            .validator(Validator::new(ValidatorOptions::default()));
        let reader = Reader::from_reader(std::io::Cursor::new(doc.to_vec())).unwrap();
        let mut r = TableReader::new(reader, checker, Table::Findings).jobs(jobs);
        if ahead {
            r = r.read_ahead();
        }
        let mut out = Vec::new();
        for b in r {
            let b = b.unwrap();
            let id = b.column(b.schema().index_of("id").unwrap()).clone();
            let code = b.column(b.schema().index_of("code").unwrap()).clone();
            let id = arrow_array::cast::AsArray::as_string::<i32>(&id);
            let code = arrow_array::cast::AsArray::as_string::<i32>(&code);
            for i in 0..b.num_rows() {
                out.push((
                    id.is_valid(i).then(|| id.value(i).to_owned()),
                    code.value(i).to_owned(),
                ));
            }
        }
        out
    };
    let one = rows(1, false);
    // A's findings, then the comma's (no record), then B's, then the member's.
    let ids: Vec<Option<&str>> = one.iter().map(|(id, _)| id.as_deref()).collect();
    let first_b = ids.iter().position(|i| *i == Some("B")).unwrap();
    let last_a = ids.iter().rposition(|i| *i == Some("A")).unwrap();
    assert!(
        ids[last_a + 1..first_b].iter().any(Option::is_none),
        "{one:?}"
    );
    assert!(ids.last().unwrap().is_none(), "{one:?}");
    assert_eq!(rows(2, false), one);
    assert_eq!(rows(2, true), one);
}

#[test]
fn settings_made_after_read_ahead_hold() {
    let json = br#"{"marches": {"marche": [{"id": "A", "montant": 12.5}, {"id": "B"}]}}"#;
    let r = TableReader::new(
        Reader::from_reader(std::io::Cursor::new(json.to_vec())).unwrap(),
        Checker::new(DecodeOptions::default()),
        Table::Marches,
    )
    .jobs(2)
    .read_ahead()
    .float(true)
    .source("a.json");
    let schema = r.schema();
    for b in r {
        let b = b.unwrap();
        assert_eq!(b.schema(), schema, "the batches have the reader's schema");
        let files = b.column(schema.index_of("sourceFile").unwrap());
        let files = arrow_array::cast::AsArray::as_string::<i32>(files);
        assert!(files.iter().all(|f| f == Some("a.json")));
    }
    assert_eq!(
        schema.field_with_name("montant").unwrap().data_type(),
        &arrow_schema::DataType::Float64
    );
}

#[test]
fn batches_stay_within_batch_size_with_jobs_and_the_schema_once_reading_started() {
    // One contract with two holders: two rows from one record.
    let json = br#"{"marches": {"marche": [{"id": "A", "montant": 1, "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "1"}}, {"titulaire": {"typeIdentifiant": "SIRET", "id": "2"}}]}, {"id": "B"}]}}"#;
    for ahead in [false, true] {
        let mut r = TableReader::new(
            Reader::from_reader(std::io::Cursor::new(json.to_vec())).unwrap(),
            Checker::new(DecodeOptions::default()),
            Table::Marches,
        )
        .batch_size(1)
        .jobs(2);
        if ahead {
            r = r.read_ahead();
        }
        let first = r.next().unwrap().unwrap();
        let schema = r.schema();
        // The schema is settled once a batch was asked for.
        let r = r.float(true);
        assert_eq!(r.schema(), schema);
        let mut rows = first.num_rows();
        for b in r {
            let b = b.unwrap();
            assert_eq!(b.num_rows(), 1, "ahead: {ahead}");
            assert_eq!(b.schema(), schema);
            rows += 1;
        }
        assert_eq!((first.num_rows(), rows), (1, 3), "ahead: {ahead}");
    }
}

/// Parquet row groups hold at most 32 768 rows, cut where that many rows are,
/// whatever the chunks; and a file is the same, byte for byte, whatever the
/// number of threads encoding its columns.
#[cfg(feature = "parquet")]
#[test]
fn parquet_files_are_the_same_whatever_the_threads_encoding_them() {
    use decp_core::table::{RowOptions, rows_of};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use std::fmt::Write as _;
    // 40 000 contracts of one row each: a full row group and a partial one.
    let mut json = String::from(r#"{"marches": {"marche": ["#);
    for i in 0..40_000 {
        if i > 0 {
            json.push(',');
        }
        let _ = write!(
            json,
            r#"{{"id": "{i:06}", "acheteur": {{"id": "21690123100011"}}, "montant": {i}.5}}"#
        );
    }
    json.push_str("]}}");
    let mut files_made = Vec::new();
    // One thread encoding (up to three jobs), two (four jobs), three (seven).
    let runs = [1, 4, 7].map(|j| (j, false));
    for (jobs, one_chunk) in runs.into_iter().chain(runs.map(|(j, _)| (j, true))) {
        let dir = tmp(&format!("pq-jobs{jobs}-{one_chunk}"));
        let mut files = TableFiles::new(
            &dir,
            OutputFormat::Parquet,
            Partition::None,
            &[Table::Marches],
            false,
        )
        .unwrap()
        .jobs(jobs);
        let checker = Checker::new(DecodeOptions::default());
        let reader = Reader::from_slice(json.as_bytes()).unwrap();
        let rows = |c| rows_of(&c, "a.json", &RowOptions::default());
        if !one_chunk {
            // A record at a time: chunks of a few thousand rows.
            checker
                .for_each(reader, 1, &|_| {}, rows, |set| files.write(set).is_ok())
                .unwrap();
        } else {
            // One chunk of every row, cut into row groups.
            let mut chunk = files.chunk();
            checker
                .for_each(reader, 1, &|_| {}, rows, |set| chunk.add(set).is_ok())
                .unwrap();
            files.write_chunk(chunk).unwrap();
        }
        let written = files.finish().unwrap();
        assert_eq!(written[0].1, 40_000);
        files_made.push(std::fs::read(&written[0].0).unwrap());
        let b =
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&written[0].0).unwrap())
                .unwrap();
        let groups: Vec<i64> = b
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(groups, [32_768, 7_232], "jobs: {jobs}, {one_chunk}");
        let mut ids = Vec::new();
        for batch in b.build().unwrap() {
            let batch = batch.unwrap();
            let col = batch.column_by_name("id").unwrap();
            let col = col
                .as_any()
                .downcast_ref::<arrow_array::StringArray>()
                .unwrap();
            ids.extend(col.iter().map(|s| s.unwrap().to_owned()));
        }
        let expected: Vec<String> = (0..40_000).map(|i| format!("{i:06}")).collect();
        assert!(
            ids == expected,
            "jobs: {jobs}, {one_chunk}: every row, in order"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
    // (Chunks of other sizes give other pages: the same rows, other bytes.)
    for k in [1, 2] {
        assert!(files_made[0] == files_made[k], "the same file, by chunks");
        assert!(
            files_made[3] == files_made[3 + k],
            "the same file, in one chunk"
        );
    }
}

/// The files of `dir` and below that a reader takes.
fn data_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    files_under(dir, &["json", "xml"], out);
}

/// The files of `dir` and below with one of these extensions.
fn files_under(dir: &std::path::Path, extensions: &[&str], out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, extensions, out);
        } else if p
            .extension()
            .is_some_and(|x| extensions.iter().any(|e| x == *e))
        {
            out.push(p);
        }
    }
}

/// The contents of every test file (official examples, real-world cases, the
/// normaliser's inputs, fuzz finds).
fn test_files() -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    data_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data"),
        &mut paths,
    );
    assert!(paths.len() > 20, "the test data is found");
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// A generated corpus of about `size` bytes.
fn synth(format: Format, seed: u64, size: u64, dirty: bool) -> Vec<u8> {
    let mut t = Vec::new();
    std::io::Read::read_to_end(
        &mut SynthReader::new(format, seed, size).dirty(dirty),
        &mut t,
    )
    .unwrap();
    t
}

/// One batch as its rows, one batch each (batches cut anywhere compare equal).
fn one_by_one(batches: &[arrow_array::RecordBatch]) -> Vec<arrow_array::RecordBatch> {
    batches
        .iter()
        .flat_map(|b| (0..b.num_rows()).map(|i| b.slice(i, 1)))
        .collect()
}

/// `table` of `text` made two ways, row by row: by a table reader, whose
/// contract states go straight into the Arrow columns, and by the rows of each
/// record appended to a builder. `None` when the text cannot be read.
type Rows = Vec<arrow_array::RecordBatch>;
fn both_ways(
    text: &[u8],
    table: Table,
    opts: decp_core::table::RowOptions,
    normalize: bool,
) -> Option<(Rows, Rows)> {
    use decp_core::table::{TableBuilder, rows_of};
    use decp_core::{Mode, ReaderBuilder};
    let reader = || {
        ReaderBuilder::new()
            .mode(Mode::Tolerant)
            .normalize(normalize)
            .from_reader(std::io::Cursor::new(text.to_vec()))
            .ok()
    };
    let checker = Checker::new(reader()?.decode_options());
    let direct: Vec<_> = TableReader::new(reader()?, checker.clone(), table)
        .options(opts)
        .float(opts.float)
        .source("s.json")
        .collect::<Result<_, _>>()
        .ok()?;
    let mut b = TableBuilder::new(table, opts.float);
    let mut r = reader()?;
    let mut raw = decp_core::RawRecord::default();
    loop {
        match r.read_raw(&mut raw) {
            Ok(true) => {
                let set = rows_of(&checker.check_raw(&raw), "s.json", &opts.only(&[table]));
                b.extend(set.rows(table));
            }
            Ok(false) => break,
            Err(e) if e.is_fatal() => break,
            Err(_) => {}
        }
    }
    Some((one_by_one(&direct), one_by_one(&[b.finish()])))
}

/// The contracts' states go straight into the Arrow columns of `marches` and
/// `concessions` (no row of values in between): the same cells as the rows give,
/// on every test file (official examples, real-world cases, the normaliser's
/// inputs, fuzz finds) and generated corpora, clean and dirty, with every option
/// that changes a state's cells.
#[test]
fn state_rows_straight_into_arrow_are_the_rows() {
    use decp_core::table::RowOptions;
    let mut texts = Vec::new();
    texts.extend(test_files());
    // Amounts a decimal128(38, 10) column cannot hold, in a state read from its
    // fields and in one only the walk handles (a member of its own), each with
    // two holders and a modification.
    let unfit = |extra: &str| {
        format!(
            r#"{{"id": "U{extra}", "acheteur": {{"id": "1"}}, "montant": 1.123456789012,
            "tauxAvance": 0.123456789012, "origineUE": 0.5{extra},
            "titulaires": [{{"titulaire": {{"typeIdentifiant": "SIRET", "id": "44229377500031"}}}},
                           {{"titulaire": {{"typeIdentifiant": "SIRET", "id": "44229377500049"}}}}],
            "modifications": [{{"modification": {{"id": 1, "montant": 2.000000000001}}}}]}}"#
        )
    };
    texts.push(
        format!(
            r#"{{"marches": {{"marche": [{}, {}], "contrat-concession": [{{"id": "K",
            "valeurGlobale": 10.0000000000005, "montantSubventionPublique": 1.00000000000001}},
            {{"id": "L", "valeurGlobale": 3.1415926535897, "x": 1}}]}}}}"#,
            unfit(""),
            unfit(r#", "membreInconnu": {"a": 1}"#),
        )
        .into_bytes(),
    );
    for (format, seed, dirty) in [
        (Format::Json, 3, true),
        (Format::Xml, 4, true),
        (Format::Json, 5, false),
    ] {
        texts.push(synth(format, seed, 1_000_000, dirty));
    }
    let mut compared = 0;
    for text in &texts {
        for table in [Table::Marches, Table::Concessions] {
            for (float, current, normalize) in [
                (false, false, false),
                (true, false, true),
                (true, false, false),
                (false, true, false),
            ] {
                let opts = RowOptions::default().float(float).current_only(current);
                let Some((direct, rows)) = both_ways(text, table, opts, normalize) else {
                    continue;
                };
                assert_eq!(direct.len(), rows.len());
                for (k, (a, b)) in direct.iter().zip(&rows).enumerate() {
                    if a != b {
                        let col = (0..a.num_columns())
                            .find(|&i| a.column(i) != b.column(i))
                            .map(|i| a.schema().field(i).name().clone());
                        panic!(
                            "row {k} of {table:?}, float {float}, current {current}: {col:?}: {:?} against {:?}",
                            col.as_ref().map(|c| a.column_by_name(c)),
                            col.as_ref().map(|c| b.column_by_name(c)),
                        );
                    }
                }
                compared += direct.len();
            }
        }
    }
    assert!(compared > 5_000, "{compared} rows compared");
}

/// `float` and `options` each set both halves of "decimals as `float64`" (the
/// columns' type and the rows' check), the last call winning: an amount with
/// more than ten decimals is a float, not null.
#[test]
fn float_set_either_way_keeps_every_amount() {
    use arrow_array::Float64Array;
    use decp_core::table::RowOptions;
    let json = br#"{"marches": {"marche": [{"id": "A", "montant": 1.123456789012,
        "modifications": [{"modification": {"id": 1, "montant": 1.123456789012}}]}]}}"#;
    // A contract's states and its modifications (made through rows) alike.
    let cases =
        [Table::Marches, Table::Modifications].map(|t| [(t, true, false), (t, false, true)]);
    for (table, by_float, by_options) in cases.into_iter().flatten() {
        let mut r = TableReader::new(
            Reader::from_reader(std::io::Cursor::new(json.to_vec())).unwrap(),
            Checker::new(DecodeOptions::default()),
            table,
        );
        if by_float {
            r = r.float(true);
        }
        if by_options {
            r = r.options(RowOptions::default().float(true));
        }
        let b = r.next().unwrap().unwrap();
        let montant = b.column_by_name("montant").unwrap();
        let montant = montant.as_any().downcast_ref::<Float64Array>().unwrap();
        assert!(
            montant.is_valid(0),
            "{table:?}: float {by_float}, options {by_options}"
        );
        assert!((montant.value(0) - 1.123456789012).abs() < 1e-12);
    }
}

/// A chunk's `add_record` makes decimals as its files take them (whatever the
/// options say), and counts only the rows it adds.
#[cfg(feature = "parquet")]
#[test]
fn add_record_takes_the_files_decimals_and_counts_its_rows() {
    use arrow_array::Float64Array;
    use decp_core::table::RowOptions;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let json = br#"{"marches": {"marche": [{"id": "A", "montant": 1.123456789012},
        {"id": "B", "montant": 2.000000000001, "membreInconnu": 1,
         "modifications": [{"modification": {"id": 1, "montant": 3.000000000001}}]}]}}"#;
    let dir = tmp("add-record");
    let files = TableFiles::new(
        &dir,
        OutputFormat::Parquet,
        Partition::None,
        &[Table::Marches, Table::Modifications, Table::Findings],
        true,
    )
    .unwrap();
    let mut chunk = files.chunk();
    let checker = Checker::new(DecodeOptions::default());
    let mut reader = Reader::from_slice(json).unwrap();
    let mut raw = decp_core::RawRecord::default();
    while reader.read_raw(&mut raw).unwrap() {
        let c = checker.check_raw(&raw);
        let before = chunk.rows();
        chunk
            .add_record(&c, "a.json", &RowOptions::default(), None)
            .unwrap();
        let added = chunk.rows() - before;
        assert!(added > c.issues.len() as u64, "its rows and its findings'");
        // Options leaving the files' tables out add nothing, and count nothing.
        let only = RowOptions::default().only(&[Table::Concessions]);
        chunk.add_record(&c, "a.json", &only, None).unwrap();
        assert_eq!(chunk.rows(), before + added);
    }
    let mut files = files;
    files.write_chunk(chunk).unwrap();
    let written = files.finish().unwrap();
    let read = |name: &str| {
        let f = std::fs::File::open(dir.join(name)).unwrap();
        let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        b.build().unwrap().map(Result::unwrap).collect::<Vec<_>>()
    };
    let m = read("marches.parquet");
    let montant = m[0].column_by_name("montant").unwrap();
    let montant = montant.as_any().downcast_ref::<Float64Array>().unwrap();
    // A, then B as published and as modified.
    assert_eq!(montant.len(), 3);
    assert_eq!(montant.null_count(), 0, "floats hold every amount");
    assert!((montant.value(1) - 2.000000000001).abs() < 1e-12);
    assert!((montant.value(2) - 3.000000000001).abs() < 1e-12);
    // The modification's amount, made through rows, alike.
    let mods = read("modifications.parquet");
    let montant = mods[0].column_by_name("montant").unwrap();
    let montant = montant.as_any().downcast_ref::<Float64Array>().unwrap();
    assert!(montant.is_valid(0), "the modification's amount");
    let f = read("findings.parquet");
    let codes = f[0].column_by_name("code").unwrap();
    let codes = codes
        .as_any()
        .downcast_ref::<arrow_array::StringArray>()
        .unwrap();
    assert!(
        codes.iter().all(|c| c != Some("convert.table_value")),
        "nothing reported lost"
    );
    assert_eq!(written.len(), 3);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A partitioned dataset's files, each read back: its path under `dir` and its
/// rows.
fn dataset(dir: &std::path::Path) -> Vec<(String, Vec<arrow_array::RecordBatch>)> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let mut paths = Vec::new();
    files_under(dir, &["parquet"], &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let b =
                ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&p).unwrap()).unwrap();
            let rows = b.build().unwrap().map(Result::unwrap).collect::<Vec<_>>();
            let name = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (name, one_by_one(&rows))
        })
        .collect()
}

/// Partitioned Parquet, a record's states going straight into the builder of
/// their partition (by year: the contract's date, which its modifications do not
/// change), holds the rows the rows of values give, partition by partition, in
/// the same order: records across years, without a date or with one that is not
/// a date, left to the walk, in v1, with modifications and several holders.
#[test]
fn partitioned_states_straight_into_arrow_are_the_rows() {
    use decp_core::table::{RowOptions, rows_of};
    let mut texts = vec![
        br#"{"marches": {"marche": [
        {"id": "A", "dateNotification": "2019-03-01", "montant": 10,
         "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500031"}},
                        {"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500049"}}],
         "modifications": [{"modification": {"id": 1, "montant": 20, "dateNotificationModification": "2021-01-05"}}]},
        {"id": "B", "montant": 5},
        {"id": "C", "dateNotification": "2020-13-45", "montant": 5},
        {"id": "D", "dateNotification": "2021-06-01", "membreInconnu": {"a": 1},
         "modifications": [{"modification": {"id": 1, "montant": {"x": 1}}}]},
        {"id": "E", "dateNotification": "2019-07-01",
         "modifications": [{"modification": {"id": 2, "montant": {"x": 1}}},
                           {"modification": {"id": 1, "dureeMois": 3}}]},
        {"id": "F", "dateNotification": "2022-02-02", "techniques": {"technique": [{"x": 1}]},
         "montant": 1.123456789012,
         "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500031"}},
                        {"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500049"}}],
         "modifications": [{"modification": {"id": 1, "montant": 3}}]}
        ], "contrat-concession": [
        {"id": "K", "dateSignature": "2018-01-01", "valeurGlobale": 10,
         "modifications": [{"modification": {"id": 1, "valeurGlobale": 12}}]},
        {"id": "L", "dateSignature": 2018, "valeurGlobale": 3}
        ]}}"#
        .to_vec(),
    ];
    texts.extend(test_files());
    for (format, seed) in [(Format::Json, 7), (Format::Xml, 8)] {
        texts.push(synth(format, seed, 500_000, true));
    }
    let mut compared = 0;
    for (n, text) in texts.iter().enumerate() {
        let Ok(reader) = decp_core::ReaderBuilder::new()
            .mode(decp_core::Mode::Tolerant)
            .from_reader(std::io::Cursor::new(text.clone()))
        else {
            continue;
        };
        let checker = Checker::new(reader.decode_options());
        let mut checked = Vec::new();
        let mut r = reader;
        let mut raw = decp_core::RawRecord::default();
        loop {
            match r.read_raw(&mut raw) {
                Ok(true) => checked.push(checker.check_raw(&raw)),
                Ok(false) => break,
                Err(e) if e.is_fatal() => break,
                Err(_) => {}
            }
        }
        for partition in [Partition::Year, Partition::Source] {
            for (current, float, findings) in [
                (false, false, true),
                (true, true, true),
                (false, false, false),
            ] {
                let mut opts = RowOptions::default().current_only(current).float(float);
                if !findings {
                    opts = opts.only(&[Table::Marches, Table::Concessions]);
                }
                let made = |direct: bool| {
                    let dir = tmp(&format!(
                        "part-{n}-{partition:?}-{current}-{findings}-{direct}"
                    ));
                    let mut files = TableFiles::new(
                        &dir,
                        OutputFormat::Parquet,
                        partition,
                        &[Table::Marches, Table::Concessions, Table::Findings],
                        float,
                    )
                    .unwrap();
                    let mut chunk = files.chunk();
                    for (k, c) in checked.iter().enumerate() {
                        // Every third record a duplicate of the first; two sources.
                        let dup = (k % 3 == 2).then_some(("first.json", 0));
                        let source = ["a b.json", "c/d.xml"][k % 2];
                        if direct {
                            chunk.add_record(c, source, &opts, dup).unwrap();
                        } else {
                            let mut set = rows_of(c, source, &opts);
                            if let Some((f, r)) = dup {
                                set.mark_duplicate_of(f, r);
                            }
                            chunk.add(set).unwrap();
                        }
                    }
                    let rows = chunk.rows();
                    files.write_chunk(chunk).unwrap();
                    files.finish().unwrap();
                    let got = dataset(&dir);
                    std::fs::remove_dir_all(&dir).unwrap();
                    (rows, got)
                };
                let ((direct_rows, direct), (rows_rows, rows)) = (made(true), made(false));
                assert_eq!(
                    direct_rows, rows_rows,
                    "text {n}, {partition:?}: rows counted"
                );
                let names =
                    |d: &[(String, Vec<_>)]| d.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
                assert_eq!(
                    names(&direct),
                    names(&rows),
                    "text {n}, {partition:?}: files"
                );
                for ((name, a), (_, b)) in direct.iter().zip(&rows) {
                    assert_eq!(a.len(), b.len(), "text {n}, {name}");
                    for (k, (x, y)) in a.iter().zip(b).enumerate() {
                        assert!(x == y, "text {n}, {name}, row {k}: {x:?} against {y:?}");
                    }
                    compared += a.len();
                }
            }
        }
    }
    assert!(compared > 5_000, "{compared} rows compared");
}

/// A batch with its dictionary-encoded columns decoded into plain texts.
fn plain(b: &arrow_array::RecordBatch) -> arrow_array::RecordBatch {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int32Type;
    use arrow_array::{ArrayRef, ListArray, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;
    let texts = |a: &dyn Array| -> StringArray {
        let d = a.as_dictionary::<Int32Type>();
        d.downcast_dict::<StringArray>()
            .unwrap()
            .into_iter()
            .collect()
    };
    let item = Arc::new(Field::new("item", DataType::Utf8, true));
    let mut fields = Vec::new();
    let mut cols: Vec<ArrayRef> = Vec::new();
    for (f, c) in b.schema().fields().iter().zip(b.columns()) {
        let (ty, col): (DataType, ArrayRef) = match c.data_type() {
            DataType::Dictionary(..) => (DataType::Utf8, Arc::new(texts(c))),
            DataType::List(i) if matches!(i.data_type(), DataType::Dictionary(..)) => {
                let l = c.as_list::<i32>();
                let values = Arc::new(texts(l.values()));
                let list = ListArray::new(
                    item.clone(),
                    l.offsets().clone(),
                    values,
                    l.nulls().cloned(),
                );
                (DataType::List(item.clone()), Arc::new(list))
            }
            ty => (ty.clone(), c.clone()),
        };
        fields.push(Field::new(f.name(), ty, true));
        cols.push(col);
    }
    arrow_array::RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).unwrap()
}

/// With `dictionary`, the columns of codes are dictionary-encoded and hold the
/// same texts, in every table, on every test file and two dirty corpora, with
/// one job and with threads.
#[test]
fn dictionary_encoded_codes_are_the_same_texts() {
    let mut texts = test_files();
    texts.push(synth(Format::Json, 11, 600_000, true));
    texts.push(synth(Format::Xml, 12, 600_000, true));
    let read = |text: &[u8], table: Table, jobs: usize, ahead: bool, dictionary: bool| {
        let reader = Reader::from_reader(std::io::Cursor::new(text.to_vec())).ok()?;
        let checker = Checker::new(DecodeOptions::default())
            .validator(Validator::new(ValidatorOptions::default()));
        let mut r = TableReader::new(reader, checker, table)
            .dictionary(dictionary)
            .source("s.json")
            .batch_size(500)
            .jobs(jobs);
        if ahead {
            r = r.read_ahead();
        }
        let schema = r.schema();
        assert_eq!(schema, table.schema_with(false, dictionary));
        // The rows before a fatal error, if any.
        let batches: Vec<_> = r.map_while(Result::ok).collect();
        assert!(batches.iter().all(|b| b.schema() == schema));
        Some(batches)
    };
    let (mut compared, mut shared) = (0, false);
    for text in &texts {
        for table in Table::ALL {
            for (jobs, ahead) in [(1, false), (2, false), (2, true)] {
                let (Some(coded), Some(plain_rows)) = (
                    read(text, table, jobs, ahead, true),
                    read(text, table, jobs, ahead, false),
                ) else {
                    continue;
                };
                let decoded: Vec<_> = coded.iter().map(plain).collect();
                assert_eq!(
                    one_by_one(&decoded),
                    one_by_one(&plain_rows),
                    "{table:?} -j{jobs} {ahead}"
                );
                compared += decoded.iter().map(|b| b.num_rows()).sum::<usize>();
                // Codes repeat: a batch holds each once.
                if let Some(b) = coded.iter().find(|b| b.num_rows() == 500)
                    && table == Table::Marches
                {
                    use arrow_array::cast::AsArray;
                    let d = b.column_by_name("procedure").unwrap();
                    let d = d.as_dictionary::<arrow_array::types::Int32Type>();
                    shared |= d.values().len() < 50;
                }
            }
        }
    }
    assert!(compared > 8_000, "{compared} rows compared");
    assert!(shared, "a batch of marches holds each procedure once");
}
