//! The bound on the rows waiting for their Parquet row group across files, and
//! the Parquet files' properties.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{OutputFormat, Partition, TableFiles};
use crate::table::{RowOptions, Table, rows_of};
use crate::{Checker, DecodeOptions, Reader};

/// Years of the contracts: each chunk of the files holds rows of every year.
const YEARS: usize = 8;
const RECORDS: usize = 10_000;

/// A document of `n` contracts, the `i`th notified in `year(i)`, each with
/// `members` (JSON members and a comma, or nothing) before its date.
fn contracts(n: usize, year: impl Fn(usize) -> usize, members: &str) -> String {
    let mut json = String::from(r#"{"marches": {"marche": ["#);
    for i in 0..n {
        if i > 0 {
            json.push(',');
        }
        let _ = write!(
            json,
            r#"{{"id": "{i:06}", {members}"dateNotification": "{}-03-01"}}"#,
            year(i)
        );
    }
    json.push_str("]}}");
    json
}

/// Parquet files of `marches` partitioned by year, in a fresh directory named
/// after `name`.
fn by_year(name: &str) -> (PathBuf, TableFiles) {
    let dir = std::env::temp_dir().join(format!("decp-bound-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = TableFiles::new(
        &dir,
        OutputFormat::Parquet,
        Partition::Year,
        &[Table::Marches],
        false,
    )
    .unwrap();
    (dir, files)
}

/// Writes `RECORDS` contracts partitioned by year, with `limit` as the bound
/// (none when `None`); each file's row groups (their row counts) and its ids in
/// order, by year.
fn partitioned(limit: Option<usize>, name: &str) -> Vec<(String, Vec<i64>, Vec<String>)> {
    let json = contracts(RECORDS, |i| 2017 + i % YEARS, "");
    let (dir, mut files) = by_year(name);
    if let Some(l) = limit {
        files.pending_limit = l;
    }
    let written = write_all(&json, files);
    assert_eq!(written.len(), YEARS);
    assert_eq!(written.iter().map(|(_, n)| n).sum::<u64>(), RECORDS as u64);
    let mut out = Vec::new();
    for (path, _) in &written {
        out.push(read(path));
    }
    std::fs::remove_dir_all(&dir).unwrap();
    out
}

/// Writes the rows of every record of `json` (one job) to `files`; the files
/// written and their rows.
fn write_all(json: &str, mut files: TableFiles) -> Vec<(PathBuf, u64)> {
    let checker = Checker::new(DecodeOptions::default());
    let reader = Reader::from_slice(json.as_bytes()).unwrap();
    let rows = |c| rows_of(&c, "a.json", &RowOptions::default());
    checker
        .for_each(reader, 1, &|_| {}, rows, |set| files.write(set).is_ok())
        .unwrap();
    files.finish().unwrap()
}

/// A file's partition directory, row groups and ids.
fn read(path: &Path) -> (String, Vec<i64>, Vec<String>) {
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let groups = b
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows())
        .collect();
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
    let part = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (part, groups, ids)
}

fn expected_ids(year: usize) -> Vec<String> {
    (0..RECORDS)
        .filter(|i| i % YEARS == year)
        .map(|i| format!("{i:06}"))
        .collect()
}

#[test]
fn rows_waiting_across_partitions_are_written_early_and_nothing_is_lost() {
    // Unbounded in practice (96 MB): one row group per year.
    let free = partitioned(None, "free");
    // No room at all: after each chunk of 4 096 rows, every file writes what it
    // holds as a row group.
    let tight = partitioned(Some(0), "tight");
    for (k, ((part, groups, ids), (tpart, tgroups, tids))) in free.iter().zip(&tight).enumerate() {
        let year = 2017 + k;
        assert_eq!(part, &format!("annee={year}"));
        assert_eq!(tpart, part);
        assert_eq!(groups, &[(RECORDS / YEARS) as i64]);
        // Chunks end at rows 4 096 and 8 192, then at the end: three groups.
        assert_eq!(tgroups.len(), 3, "{part}: {tgroups:?}");
        assert_eq!(tgroups.iter().sum::<i64>(), (RECORDS / YEARS) as i64);
        let want = expected_ids(k);
        assert!(ids == &want, "{part}: every row, in order");
        assert!(tids == &want, "{part}: every row, in order, when bounded");
    }
}

/// Each file's rows waiting for their row group, in bytes, by partition.
fn waiting(files: &TableFiles) -> Vec<(String, usize)> {
    files
        .files
        .iter()
        .filter_map(|((_, part), f)| match &f.out {
            super::Out::Parquet(w) => Some((part.clone(), w.pending_bytes())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_file_holding_the_most_is_written_first() {
    // Three years, the middle one with most rows.
    let year = |i: usize| match i % 6 {
        0 => 2020,
        5 => 2022,
        _ => 2021,
    };
    let objet = format!(r#""objet": "{}", "#, "x".repeat(200));
    let json = contracts(600, year, &objet);
    let (dir, mut files) = by_year("most");
    let checker = Checker::new(DecodeOptions::default());
    let reader = Reader::from_slice(json.as_bytes()).unwrap();
    let mut chunk = files.chunk();
    let rows = |c| rows_of(&c, "a.json", &RowOptions::default());
    checker
        .for_each(reader, 1, &|_| {}, rows, |set| chunk.add(set).is_ok())
        .unwrap();
    files.write_chunk(chunk).unwrap();
    let before = waiting(&files);
    assert_eq!(before.len(), 3);
    assert!(before.iter().all(|(_, b)| *b > 0), "{before:?}");
    let total: usize = before.iter().map(|(_, b)| b).sum();
    let most = before.iter().max_by_key(|(_, b)| *b).unwrap().0.clone();
    assert_eq!(most, "annee=2021");
    // One byte over: the file holding the most is written, the others wait.
    files.pending_limit = total - 1;
    files.bound_pending().unwrap();
    let after = waiting(&files);
    for ((part, b), (_, was)) in after.iter().zip(&before) {
        if *part == most {
            assert_eq!(*b, 0, "{part} written");
        } else {
            assert_eq!(b, was, "{part} still waiting");
        }
    }
    let written = files.finish().unwrap();
    let groups: Vec<usize> = written.iter().map(|(p, _)| read(p).1.len()).collect();
    assert_eq!(groups, [1, 1, 1]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The capacity of `montant`'s builder in `chunk`'s `marches` (its one part).
fn montant_capacity(chunk: &super::TableChunk) -> usize {
    let parts = &chunk.parts[crate::table::rows::slot(Table::Marches)];
    let [(_, super::Part::Arrow(b))] = &parts[..] else {
        panic!("one Arrow part: {}", parts.len());
    };
    match &b.builders[crate::table::schema::col!(Table::Marches, "montant")] {
        crate::table::builder::Builder::Dec(m) => m.capacity(),
        _ => panic!("montant is a decimal column"),
    }
}

/// Unpartitioned files: a chunk's builders start with the size of the chunk
/// written before, so that they do not grow; partitions are left to grow (each
/// holds a share that varies from one chunk to the next).
#[test]
fn chunks_start_with_the_size_of_the_one_before() {
    for (partition, sized) in [(Partition::None, true), (Partition::Year, false)] {
        let dir = std::env::temp_dir().join(format!("decp-sized-{sized}-{}", std::process::id()));
        let mut files = TableFiles::new(
            &dir,
            OutputFormat::Parquet,
            partition,
            &[Table::Marches],
            false,
        )
        .unwrap();
        let checker = Checker::new(DecodeOptions::default());
        let chunk_of = |files: &TableFiles, n: usize| {
            let json = contracts(n, |_| 2024, r#""montant": 1.5, "#);
            let mut chunk = files.chunk();
            let mut reader = Reader::from_slice(json.as_bytes()).unwrap();
            let mut raw = crate::RawRecord::default();
            while reader.read_raw(&mut raw).unwrap() {
                chunk
                    .add(rows_of(
                        &checker.check_raw(&raw),
                        "a.json",
                        &RowOptions::default(),
                    ))
                    .unwrap();
            }
            chunk
        };
        let first = chunk_of(&files, 3000);
        files.write_chunk(first).unwrap();
        let next = chunk_of(&files, 10);
        let cap = montant_capacity(&next);
        assert_eq!(
            cap >= 3000,
            sized,
            "partition {partition:?}: capacity {cap}"
        );
        files.write_chunk(next).unwrap();
        files.finish().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// One Parquet file of `marches`, in a fresh directory named after `name`.
fn marches_files(name: &str) -> (PathBuf, TableFiles) {
    let dir = std::env::temp_dir().join(format!("decp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = TableFiles::new(
        &dir,
        OutputFormat::Parquet,
        Partition::None,
        &[Table::Marches],
        false,
    )
    .unwrap();
    (dir, files)
}

/// The files' column chunks: a dictionary for the codes only, statistics for
/// numbers, dates and the texts that prune (`parquet_file::properties`).
#[test]
fn dictionaries_for_codes_and_statistics_for_numbers_dates_and_pruning_texts() {
    let (dir, files) = marches_files("props");
    let members = r#""procedure": "Appel d'offres ouvert", "objet": "Travaux", "techniques": ["Concours"],
        "acheteur": {"id": "21690123100011"}, "dureeMois": 12, "montant": 1000.5, "#;
    let written = write_all(&contracts(50, |_| 2024, members), files);
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&written[0].0).unwrap())
        .unwrap();
    let group = &b.metadata().row_groups()[0];
    let mut seen = Vec::new();
    for chunk in group.columns() {
        let path = chunk.column_path().parts();
        let root = path[0].as_str();
        let code = crate::table::schema::is_code(root);
        let text = chunk.column_type() == parquet::basic::Type::BYTE_ARRAY;
        let stats = !text || crate::table::schema::is_pruning_text(root);
        assert_eq!(chunk.dictionary_page_offset().is_some(), code, "{path:?}");
        assert_eq!(chunk.statistics().is_some(), stats, "{path:?}");
        seen.push((root.to_owned(), code, stats));
    }
    for (name, code, stats) in [
        ("procedure", true, false),
        ("techniques", true, false),
        ("sourceFile", true, true),
        ("objet", false, false),
        ("id", false, false),
        ("uid", false, true),
        ("acheteur_id", false, true),
        ("dureeMois", false, true),
        ("montant", false, true),
        ("dateNotification", false, true),
    ] {
        assert!(
            seen.contains(&(name.to_owned(), code, stats)),
            "{name}: {seen:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The encodings of one column chunk of a file's first row group, by column.
fn encodings(
    meta: &parquet::file::metadata::ParquetMetaData,
    column: &str,
) -> Vec<parquet::basic::Encoding> {
    let g = &meta.row_groups()[0];
    let c = g
        .columns()
        .iter()
        .find(|c| c.column_path().parts()[0] == column)
        .unwrap();
    c.encodings().collect()
}

/// Integers and dates `DELTA_BINARY_PACKED` (`parquet_file::properties`), codes
/// in a dictionary, other texts plain; the values read back.
#[test]
fn integers_and_dates_are_delta_packed_codes_in_a_dictionary_and_values_read_back() {
    use arrow_array::{Array, Date32Array, Int64Array, UInt64Array};
    use parquet::basic::Encoding;
    let mut json = String::from(r#"{"marches": {"marche": ["#);
    for i in 0..300 {
        if i > 0 {
            json.push(',');
        }
        let _ = write!(
            json,
            r#"{{"id": "{i:05}", "nature": "Marché", "dureeMois": {}, "dateNotification": "2024-{:02}-01"}}"#,
            i % 37 + 1,
            i % 12 + 1
        );
    }
    json.push_str("]}}");
    let (dir, files) = marches_files("encodings");
    let written = write_all(&json, files);
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&written[0].0).unwrap())
        .unwrap();
    let meta = b.metadata().clone();
    for column in ["dureeMois", "record", "dateNotification"] {
        let e = encodings(&meta, column);
        assert!(
            e.contains(&Encoding::DELTA_BINARY_PACKED),
            "{column}: {e:?}"
        );
        assert!(!e.contains(&Encoding::PLAIN), "{column}: {e:?}");
    }
    assert!(encodings(&meta, "nature").contains(&Encoding::RLE_DICTIONARY));
    assert!(encodings(&meta, "id").contains(&Encoding::PLAIN));
    let (mut duree, mut record, mut dates) = (Vec::new(), Vec::new(), Vec::new());
    for batch in b.build().unwrap() {
        let batch = batch.unwrap();
        let col = |n: &str| batch.column_by_name(n).unwrap().clone();
        let d = col("dureeMois");
        let d = d.as_any().downcast_ref::<Int64Array>().unwrap();
        duree.extend(d.iter().map(Option::unwrap));
        let r = col("record");
        let r = r.as_any().downcast_ref::<UInt64Array>().unwrap();
        record.extend(r.iter().map(Option::unwrap));
        let t = col("dateNotification");
        let t = t.as_any().downcast_ref::<Date32Array>().unwrap();
        dates.extend((0..t.len()).map(|k| t.value_as_date(k).unwrap().to_string()));
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(duree, (0..300).map(|i| i % 37 + 1).collect::<Vec<i64>>());
    assert_eq!(record, (0..300).collect::<Vec<u64>>());
    let want: Vec<String> = (0..300)
        .map(|i| format!("2024-{:02}-01", i % 12 + 1))
        .collect();
    assert_eq!(dates, want);
}

/// The columns of a file of its own are encoded on the writing thread with
/// few jobs and shared out among threads with more
/// (`parquet_file::encode_threads`), a partition's when its row group is
/// written: the same files, byte for byte, whether row groups are full or
/// written early by the bound (at the same rows: it counts the rows' Arrow
/// share whether they were encoded or not).
#[test]
fn the_files_are_the_same_whatever_the_jobs() {
    let members = r#""objet": "Travaux", "montant": 12.5, "techniques": {"technique": ["Accord-cadre"]},
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "1"}}, {"titulaire": {"typeIdentifiant": "SIRET", "id": "2"}}], "#;
    let json = contracts(RECORDS, |i| 2017 + i % YEARS, members);
    // No bound, one that writes every file after each chunk, one in between.
    for limit in [None, Some(0), Some(1 << 20)] {
        for partitioned in [false, true] {
            let mut first: Option<Vec<(PathBuf, Vec<u8>)>> = None;
            for jobs in [1, 2, 4, 7] {
                assert!(jobs < 4 || super::super::parquet_file::encode_threads(jobs) > 1);
                let name = format!("jobs{jobs}-{limit:?}-{partitioned}");
                let (dir, files) = if partitioned {
                    by_year(&name)
                } else {
                    marches_files(&name)
                };
                let mut files = files.jobs(jobs);
                if let Some(l) = limit {
                    files.pending_limit = l;
                }
                let written = write_all(&json, files);
                let rows: u64 = written.iter().map(|(_, n)| n).sum();
                assert_eq!(rows, 2 * RECORDS as u64);
                let (mut groups, mut in_files) = (0, 0);
                let mut made = Vec::new();
                for (path, _) in &written {
                    let (_, g, _) = read(path);
                    groups += g.len();
                    in_files += g.iter().sum::<i64>();
                    made.push((
                        path.strip_prefix(&dir).unwrap().to_owned(),
                        std::fs::read(path).unwrap(),
                    ));
                }
                assert_eq!(
                    in_files,
                    2 * RECORDS as i64,
                    "{name}: the rows in the files"
                );
                // Bounded: row groups written early.
                let full = if partitioned { YEARS } else { 1 };
                assert_eq!(
                    groups > full,
                    limit.is_some(),
                    "{name}: {groups} row groups"
                );
                match &first {
                    None => first = Some(made),
                    Some(f) => assert!(f == &made, "{name}: other files"),
                }
                std::fs::remove_dir_all(&dir).unwrap();
            }
        }
    }
}

/// A Parquet file whose write failed (here the disk is full: `/dev/full`)
/// takes nothing more: each later write, row group and close is an error, at
/// once (it once looped, its row count stuck at a full row group).
#[cfg(target_os = "linux")]
#[test]
fn a_parquet_file_that_failed_takes_nothing_more() {
    use super::super::parquet_file::ParquetFile;
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let objet = format!(r#""objet": "{}", "#, "x".repeat(2_000));
    let json = contracts(400, |i| 2017 + i % YEARS, &objet);
    let checker = Checker::new(DecodeOptions::default());
    let mut reader = Reader::from_slice(json.as_bytes()).unwrap();
    let mut b = crate::table::TableBuilder::new(Table::Marches, false);
    let mut raw = crate::RawRecord::default();
    while reader.read_raw(&mut raw).unwrap() {
        let rows = rows_of(&checker.check_raw(&raw), "a.json", &RowOptions::default());
        b.extend(rows.rows(Table::Marches));
    }
    let batch = b.finish();
    assert_eq!(batch.num_rows(), 400);
    for jobs in [1, 4] {
        let file = full.try_clone().unwrap();
        let mut f = ParquetFile::create(file, Table::Marches.schema(false), 100, true).unwrap();
        // Four row groups of about 50 column chunks each: more than the file
        // writer's buffer (8 kB) holds, so it is written, and that fails.
        assert!(f.write(batch.clone(), jobs).is_err(), "jobs {jobs}");
        assert!(f.write(batch.slice(0, 0), jobs).is_err());
        assert!(f.write(batch.slice(0, 10), jobs).is_err());
        assert!(f.flush(jobs).is_err());
        assert!(f.close(jobs).is_err());
    }
}

/// The bound counts the bytes a file's rows use, not the room their builders
/// reserved (set by size hints: with several jobs, by which chunk was written
/// first), so it writes row groups early at the same rows whatever the jobs.
#[test]
fn the_bound_counts_the_bytes_rows_use_not_the_room_reserved() {
    use std::sync::Arc;

    use arrow_array::builder::StringBuilder;
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};

    use super::super::parquet_file::ParquetFile;
    let schema = Arc::new(Schema::new(vec![Field::new("objet", DataType::Utf8, true)]));
    let batch = |room: usize| {
        let mut b = StringBuilder::with_capacity(room, room * 64);
        for i in 0..100 {
            b.append_value(format!("objet {i}"));
        }
        RecordBatch::try_new(schema.clone(), vec![Arc::new(b.finish()) as ArrayRef]).unwrap()
    };
    let dir = std::env::temp_dir().join(format!("decp-room-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut counted = Vec::new();
    for (room, eager) in [(100, false), (100_000, false), (100_000, true)] {
        let file = std::fs::File::create(dir.join(format!("{room}-{eager}.parquet"))).unwrap();
        let mut f = ParquetFile::create(file, schema.clone(), 1_000, eager).unwrap();
        f.write(batch(room).slice(10, 50), 1).unwrap();
        counted.push(f.pending_bytes());
        f.close(1).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
    // 50 texts of 7 or 8 bytes, their offsets and no validity: used, not reserved.
    assert!(counted[0] > 50 * 7 && counted[0] < 1_000, "{counted:?}");
    assert_eq!(counted, [counted[0]; 3]);
}
