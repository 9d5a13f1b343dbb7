//! Drives `decp flatten`: contract states and holders on hand-written fixtures
//! (tests/data/tables), exact values, Parquet read back with the `parquet` crate
//! equal to the CSV, row counts reconciled with the input and with `decp
//! validate`, partitions, the schema, and failures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Float64Type, Int64Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use assert_cmd::Command;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn decp() -> Command {
    let mut c = Command::cargo_bin("decp").unwrap();
    // The messages' language is the tests' to choose, not the environment's.
    c.env_remove("DECP_LANG");
    c.current_dir(root());
    c
}

fn out_dir(name: &str) -> PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-flatten-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn flatten(args: &[&str]) -> (i32, String) {
    let o = decp().arg("flatten").args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stderr).unwrap(),
    )
}

/// A table as text cells, column name → values, from CSV.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    let f = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}

/// A Parquet cell as the CSV writes it.
fn cell(a: &dyn Array, i: usize) -> String {
    use arrow_schema::DataType;
    if a.is_null(i) {
        return String::new();
    }
    match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).to_string(),
        DataType::Int64 => a.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::UInt64 => a.as_primitive::<UInt64Type>().value(i).to_string(),
        DataType::Boolean => a.as_boolean().value(i).to_string(),
        DataType::Float64 => a.as_primitive::<Float64Type>().value(i).to_string(),
        DataType::Date32 => {
            let d = a.as_primitive::<Date32Type>().value(i);
            (chrono::NaiveDate::default() + chrono::Duration::days(d.into())).to_string()
        }
        DataType::Decimal128(_, s) => {
            let v = a.as_primitive::<Decimal128Type>().value(i);
            rust_decimal::Decimal::from_i128_with_scale(v, *s as u32)
                .normalize()
                .to_string()
        }
        DataType::List(_) => {
            let l = a.as_list::<i32>().value(i);
            let items: Vec<Value> = (0..l.len())
                .map(|k| Value::String(l.as_string::<i32>().value(k).to_string()))
                .collect();
            serde_json::to_string(&items).unwrap()
        }
        t => panic!("unexpected type {t}"),
    }
}

fn parquet_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    for b in read_parquet(path) {
        for i in 0..b.num_rows() {
            out.push(
                b.schema()
                    .fields()
                    .iter()
                    .zip(b.columns())
                    .map(|(f, a)| (f.name().clone(), cell(a.as_ref(), i)))
                    .collect(),
            );
        }
    }
    out
}

const TABLES: [&str; 6] = [
    "marches",
    "concessions",
    "modifications",
    "actes_sous_traitance",
    "donnees_execution",
    "findings",
];

/// CSV decimals keep the input's digits; Parquet's are normalised: compare values.
fn same_rows(csv: &[BTreeMap<String, String>], pq: &[BTreeMap<String, String>]) {
    assert_eq!(csv.len(), pq.len());
    for (a, b) in csv.iter().zip(pq) {
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (k, v) in a {
            let w = &b[k];
            let eq = v == w
                || matches!(
                    (v.parse::<rust_decimal::Decimal>(), w.parse::<rust_decimal::Decimal>()),
                    (Ok(x), Ok(y)) if x == y
                );
            assert!(eq, "column {k}: CSV {v:?} != Parquet {w:?}");
        }
    }
}

#[test]
fn states_and_holders_of_the_fixture() {
    let d = out_dir("states");
    let (code, err) = flatten(&[
        "tests/data/tables/etats.json",
        "--format",
        "csv",
        "-o",
        d.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let m = read_csv(&d.join("marches.csv"));
    let pick = |r: &BTreeMap<String, String>, cols: &[&str]| -> Vec<String> {
        cols.iter().map(|c| r[*c].clone()).collect()
    };
    let cols = [
        "id",
        "titulaire_id",
        "titulaire_rang",
        "montant",
        "dureeMois",
        "modification_id",
        "donneesActuelles",
    ];
    let got: Vec<Vec<String>> = m.iter().map(|r| pick(r, &cols)).collect();
    let want = [
        ["2024-0007", "00123456700018", "1", "0.1", "12", "", "false"],
        ["2024-0007", "44306184100047", "2", "0.1", "12", "", "false"],
        // Modification 1 comes second in the list but first by id.
        [
            "2024-0007",
            "00123456700018",
            "1",
            "0.1",
            "18",
            "1",
            "false",
        ],
        [
            "2024-0007",
            "44306184100047",
            "2",
            "0.1",
            "18",
            "1",
            "false",
        ],
        [
            "2024-0007",
            "44306184100047",
            "1",
            "12345678901.23",
            "18",
            "2",
            "true",
        ],
        ["2B-17", "01234567800011", "1", "40000.555", "", "", "true"],
    ];
    assert_eq!(got, want.map(|r| r.map(String::from).to_vec()).to_vec());
    // Identifiers and codes as strings: leading zeros and Corsican codes kept.
    assert_eq!(m[0]["acheteur_id"], "02100000000001");
    assert_eq!(m[0]["uid"], "021000000000012024-0007");
    assert_eq!(m[0]["lieuExecution_code"], "2A004");
    assert_eq!(m[5]["lieuExecution_code"], "2B033");
    assert_eq!(m[0]["techniques"], "");
    // The concession: its value modified.
    let c = read_csv(&d.join("concessions.csv"));
    let vals: Vec<_> = c
        .iter()
        .map(|r| (r["valeurGlobale"].as_str(), r["donneesActuelles"].as_str()))
        .collect();
    assert_eq!(vals, [("1500000", "false"), ("1750000.25", "true")]);
    assert_eq!(c[1]["dateSignatureModification"], "2024-01-10");
    let mods = read_csv(&d.join("modifications.csv"));
    assert_eq!(mods.len(), 3);
    assert_eq!(mods[0]["titulaires"], r#"["44306184100047"]"#);
    let actes = read_csv(&d.join("actes_sous_traitance.csv"));
    assert_eq!(
        actes.iter().map(|r| r["type"].as_str()).collect::<Vec<_>>(),
        ["acte", "modification"]
    );
    let de = read_csv(&d.join("donnees_execution.csv"));
    assert_eq!(
        de.iter().map(|r| r["tarif"].as_str()).collect::<Vec<_>>(),
        ["3.1", "5.75"]
    );
    // Current state only: one row per current holder.
    let d2 = out_dir("current");
    let (code, _) = flatten(&[
        "tests/data/tables/etats.json",
        "--format",
        "csv",
        "--state",
        "current",
        "--table",
        "marches",
        "-o",
        d2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let cur = read_csv(&d2.join("marches.csv"));
    assert_eq!(cur.len(), 2);
    assert!(cur.iter().all(|r| r["donneesActuelles"] == "true"));
    assert!(!d2.join("concessions.csv").exists(), "only the table asked");
}

/// Columns that flatten makes (the key, the state's modification, the duplicate
/// marks) are never filled by an unknown member of the record with their name.
#[test]
fn made_columns_are_not_filled_by_unknown_members() {
    let d = out_dir("made");
    let input = d.with_extension("json");
    std::fs::write(
        &input,
        br#"{"marches": {"marche": [{"id": "A", "acheteur": {"id": "21690123100011"},
            "duplicate": {"of_sourceFile": "evil.json"}, "uid": "zzz", "sourceFile": "x",
            "modification": {"id": "7"}, "donneesActuelles": false}],
          "contrat-concession": [{"id": "K", "duplicate": {"of_sourceFile": "evil.json"}}]}}"#,
    )
    .unwrap();
    for jobs in ["1", "2"] {
        for format in ["csv", "parquet"] {
            let (code, err) = flatten(&[
                input.to_str().unwrap(),
                "--format",
                format,
                "-j",
                jobs,
                "-o",
                d.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{err}");
            for table in ["marches", "concessions"] {
                let path = d.join(format!("{table}.{format}"));
                let rows = if format == "csv" {
                    read_csv(&path)
                } else {
                    parquet_rows(&path)
                };
                assert_eq!(rows.len(), 1, "{table} {format} -j{jobs}");
                let r = &rows[0];
                assert_eq!(r["duplicate_of_sourceFile"], "", "{table} {format}");
                assert_eq!(r["sourceFile"], input.to_str().unwrap());
                assert_eq!(r["donneesActuelles"], "true");
                if table == "marches" {
                    assert_eq!(r["uid"], "21690123100011A");
                    assert_eq!(r["modification_id"], "");
                }
            }
        }
    }
}

#[test]
fn exact_decimals_in_parquet() {
    let d = out_dir("decimals");
    let (code, err) = flatten(&["tests/data/tables/etats.json", "-o", d.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let b = read_parquet(&d.join("marches.parquet"));
    let montant = b[0].column_by_name("montant").unwrap();
    assert_eq!(
        montant.data_type(),
        &arrow_schema::DataType::Decimal128(38, 10)
    );
    let m = montant.as_primitive::<Decimal128Type>();
    assert_eq!(m.value(0), 1_000_000_000); // 0.1 at scale 10
    assert_eq!(m.value(4), 123_456_789_012_300_000_000); // 12345678901.23
    assert_eq!(m.value(5), 400_005_550_000_000); // 40000.555
    let id = b[0]
        .column_by_name("acheteur_id")
        .unwrap()
        .as_string::<i32>();
    assert_eq!(id.value(0), "02100000000001");
    // --float: float64 columns.
    let d2 = out_dir("float");
    let (code, _) = flatten(&[
        "tests/data/tables/etats.json",
        "--float",
        "--table",
        "marches",
        "-o",
        d2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let b = read_parquet(&d2.join("marches.parquet"));
    let m = b[0]
        .column_by_name("montant")
        .unwrap()
        .as_primitive::<Float64Type>();
    assert_eq!(m.value(4), 12345678901.23);
}

#[test]
fn an_amount_with_too_many_decimals_is_null_with_its_finding() {
    let d = out_dir("toomany");
    let input = d.with_extension("json");
    std::fs::write(
        &input,
        r#"{"marches": {"marche": [{"id": "A", "acheteur": {"id": "1"}, "montant": 1.123456789012}]}}"#,
    )
    .unwrap();
    let (code, _) = flatten(&[
        input.to_str().unwrap(),
        "--format",
        "csv",
        "-o",
        d.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let m = read_csv(&d.join("marches.csv"));
    assert_eq!(m[0]["montant"], "");
    let f = read_csv(&d.join("findings.csv"));
    let tv: Vec<_> = f
        .iter()
        .filter(|r| r["code"] == "convert.table_value")
        .collect();
    assert_eq!(tv.len(), 1);
    assert_eq!(tv[0]["value"], "1.123456789012");
    assert_eq!(tv[0]["path"], "/marches/marche/0/montant");
    // The findings table alone says it too (the data rows are made to find it).
    let d2 = out_dir("toomany-findings");
    let (code, _) = flatten(&[
        input.to_str().unwrap(),
        "--format",
        "csv",
        "--table",
        "findings",
        "-o",
        d2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let f2 = read_csv(&d2.join("findings.csv"));
    assert_eq!(f2, f);
    assert!(!d2.join("marches.csv").exists());
}

/// Every table in CSV and in Parquet holds the same data; the row counts
/// reconcile with the input and with `decp validate`.
fn reconcile(inputs: &[&str], name: &str) {
    let dc = out_dir(&format!("{name}-csv"));
    let dp = out_dir(&format!("{name}-pq"));
    let mut args: Vec<&str> = inputs.to_vec();
    let (dcs, dps) = (
        dc.to_str().unwrap().to_string(),
        dp.to_str().unwrap().to_string(),
    );
    args.extend(["--format", "csv", "-o", &dcs, "-j", "2"]);
    let (code, err) = flatten(&args);
    assert_eq!(code, 0, "{err}");
    let mut args: Vec<&str> = inputs.to_vec();
    args.extend(["-o", &dps]);
    let (code, err) = flatten(&args);
    assert_eq!(code, 0, "{err}");
    for t in TABLES {
        let c = read_csv(&dc.join(format!("{t}.csv")));
        let p = parquet_rows(&dp.join(format!("{t}.parquet")));
        same_rows(&c, &p);
    }
    // Findings: exactly those `decp validate` reports, when no v1 record is upgraded.
    let out = decp()
        .arg("validate")
        .args(inputs)
        .args(["--report", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = read_csv(&dc.join("findings.csv"));
    let mut records = 0u64;
    let mut expected = 0usize;
    for f in report["files"].as_array().unwrap() {
        records += f["records"].as_u64().unwrap();
        expected += f["issues"].as_array().unwrap().len();
    }
    let upgrade = findings.iter().filter(|r| r["family"] == "upgrade").count();
    assert_eq!(
        findings.len() - upgrade,
        expected,
        "findings table = validate's findings"
    );
    // Every record is in marches or concessions (each has at least one row), and
    // the current states are one per contract and holder.
    let m = read_csv(&dc.join("marches.csv"));
    let c = read_csv(&dc.join("concessions.csv"));
    let keys: std::collections::BTreeSet<(String, String)> = m
        .iter()
        .chain(&c)
        .map(|r| (r["sourceFile"].clone(), r["record"].clone()))
        .collect();
    assert_eq!(keys.len() as u64, records);
    let mods = read_csv(&dc.join("modifications.csv"));
    let initial: usize = m
        .iter()
        .chain(&c)
        .filter(|r| r["modification_id"].is_empty())
        .count();
    assert!(initial > 0);
    // A contract's states are one plus its modifications (valid ones).
    let mut per_contract: BTreeMap<(String, String), std::collections::BTreeSet<String>> =
        BTreeMap::new();
    for r in m.iter().chain(&c) {
        per_contract
            .entry((r["sourceFile"].clone(), r["record"].clone()))
            .or_default()
            .insert(r["modification_id"].clone() + "#" + &r["datePublicationDonneesModification"]);
    }
    let mut mods_per: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &mods {
        *mods_per
            .entry((r["sourceFile"].clone(), r["record"].clone()))
            .or_default() += 1;
    }
    for (k, s) in &per_contract {
        assert!(
            s.len() <= 1 + mods_per.get(k).copied().unwrap_or(0),
            "{k:?}"
        );
    }
}

#[test]
fn official_examples_reconcile() {
    reconcile(&["tests/data/official/v2"], "official");
    reconcile(&["tests/data/tables/etats.json"], "fixture");
}

/// A generated corpus (`decp_testkit::synth`) of about `bytes` bytes, with
/// producers' defects when `dirty`, written to a file named after `name`.
fn generated(format: decp_core::Format, seed: u64, bytes: u64, dirty: bool, name: &str) -> PathBuf {
    use std::io::Read;
    let mut text = Vec::new();
    decp_testkit::synth::SynthReader::new(format, seed, bytes)
        .dirty(dirty)
        .read_to_end(&mut text)
        .unwrap();
    let ext = if format == decp_core::Format::Xml {
        "xml"
    } else {
        "json"
    };
    let p = out_dir(name).with_extension(ext);
    std::fs::write(&p, &text).unwrap();
    p
}

#[test]
fn generated_corpus_reconciles() {
    let p = generated(decp_core::Format::Json, 7, 2 << 20, true, "gen");
    reconcile(&[p.to_str().unwrap()], "gen");
    let p = generated(decp_core::Format::Xml, 8, 1 << 20, false, "genx");
    reconcile(&[p.to_str().unwrap()], "genx");
}

/// Every file, Parquet and CSV, is the same byte for byte whatever the number
/// of jobs: with several, each batch's rows are written on the job that made
/// them, in document order.
#[test]
fn the_files_are_the_same_whatever_the_jobs() {
    // About 2 600 records: several batches of 512 for the jobs to share.
    let input = generated(decp_core::Format::Json, 11, 4 << 20, true, "jobs");
    for format in ["parquet", "csv"] {
        let mut first: Option<Vec<(String, Vec<u8>)>> = None;
        for jobs in ["1", "2", "3"] {
            let d = out_dir(&format!("jobs-{format}-{jobs}"));
            let (code, err) = flatten(&[
                input.to_str().unwrap(),
                "--format",
                format,
                "-j",
                jobs,
                "-o",
                d.to_str().unwrap(),
            ]);
            assert_eq!(code, 0, "{err}");
            let files: Vec<(String, Vec<u8>)> = TABLES
                .iter()
                .map(|t| {
                    let name = format!("{t}.{format}");
                    let bytes = std::fs::read(d.join(&name)).unwrap();
                    (name, bytes)
                })
                .collect();
            match &first {
                None => {
                    let marches = read_csv_or_parquet(&d, format, "marches");
                    assert!(marches > 1_500, "{marches} rows: too few to share out");
                    first = Some(files);
                }
                Some(one) => {
                    for ((name, a), (_, b)) in one.iter().zip(&files) {
                        assert!(a == b, "{name}: -j{jobs} differs from -j1");
                    }
                }
            }
        }
    }
}

/// The rows of `table` in `d`.
fn read_csv_or_parquet(d: &Path, format: &str, table: &str) -> usize {
    let path = d.join(format!("{table}.{format}"));
    if format == "csv" {
        read_csv(&path).len()
    } else {
        parquet_rows(&path).len()
    }
}

/// Without the findings table, records are not validated: the data tables are
/// the same, byte for byte, as when every table is made.
#[test]
fn data_tables_do_not_depend_on_the_findings_table() {
    let p = generated(decp_core::Format::Json, 11, 1 << 20, true, "nofindings");
    let all = out_dir("nofindings-all");
    let some = out_dir("nofindings-some");
    for (d, extra) in [
        (&all, &[][..]),
        (
            &some,
            &["--table", "marches", "--table", "modifications"][..],
        ),
    ] {
        let mut args = vec![
            p.to_str().unwrap(),
            "--format",
            "csv",
            "-o",
            d.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, err) = flatten(&args);
        assert_eq!(code, 0, "{err}");
    }
    for t in ["marches", "modifications"] {
        let a = std::fs::read(all.join(format!("{t}.csv"))).unwrap();
        let b = std::fs::read(some.join(format!("{t}.csv"))).unwrap();
        assert!(a.len() > 1000, "{t}: rows made");
        assert!(a == b, "{t}: the same rows");
    }
    assert!(!some.join("findings.csv").exists());
}

#[test]
fn partitions_by_year_hold_every_row() {
    let d = out_dir("part");
    let (code, err) = flatten(&[
        "tests/data/tables/etats.json",
        "--partition-by",
        "year",
        "-o",
        d.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let y2024 = d.join("marches").join("annee=2024").join("part-0.parquet");
    let y2023 = d.join("marches").join("annee=2023").join("part-0.parquet");
    let n = |p: &Path| {
        read_parquet(p)
            .iter()
            .map(RecordBatch::num_rows)
            .sum::<usize>()
    };
    assert_eq!(n(&y2024), 5);
    assert_eq!(n(&y2023), 1);
    assert!(
        d.join("findings")
            .join("annee=__HIVE_DEFAULT_PARTITION__")
            .join("part-0.parquet")
            .exists()
    );
    // No temporary file is left.
    let leftovers: Vec<_> = walk(&d)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A partitioned table written again into the same directory is replaced:
/// the partitions of the earlier run that this one did not write are gone (a
/// reader of the directory would mix both runs' rows), other files stay.
#[test]
fn partitions_of_an_earlier_run_are_replaced() {
    let d = out_dir("repart");
    let run = |input: &str| {
        let (code, err) = flatten(&[
            input,
            "--partition-by",
            "year",
            "--format",
            "csv",
            "-o",
            d.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    };
    run("tests/data/tables/etats.json");
    let marches = d.join("marches");
    assert!(marches.join("annee=2024").join("part-0.csv").exists());
    // Files that are not the partitions' own stay, and a partition that is a
    // link to elsewhere is not followed.
    std::fs::write(marches.join("annee=2023").join("notes.txt"), b"mine").unwrap();
    std::fs::write(marches.join("README.txt"), b"mine").unwrap();
    let elsewhere = out_dir("repart-elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("part-0.csv"), b"id\n1\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&elsewhere, marches.join("annee=1999")).unwrap();
    // Concessions only: no contract row, so no partition of `marches`.
    run("tests/data/official/v2/json/concessions.json");
    let mut left: Vec<String> = walk(&marches)
        .iter()
        .map(|p| p.strip_prefix(&marches).unwrap().display().to_string())
        .filter(|p| !p.starts_with("annee=1999"))
        .collect();
    left.sort();
    assert_eq!(left, ["README.txt", "annee=2023/notes.txt"]);
    assert!(!marches.join("annee=2024").exists(), "empty partition left");
    assert!(elsewhere.join("part-0.csv").exists(), "a link was followed");
    // A partitioned run that fails leaves no directory of its own behind.
    let d2 = out_dir("repart-failed");
    let broken = d2.with_extension("json");
    std::fs::write(&broken, br#"{"marches": {"marche": [{"id": "A"}"#).unwrap();
    let (code, err) = flatten(&[
        "tests/data/tables/etats.json",
        broken.to_str().unwrap(),
        "--partition-by",
        "year",
        "-o",
        d2.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    let left: Vec<_> = std::fs::read_dir(&d2).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    // The concessions of this run are there.
    let rows: usize = walk(&d.join("concessions"))
        .iter()
        .map(|p| read_csv(p).len())
        .sum();
    assert!(rows > 0);
}

/// The files under `d`, sorted.
fn walk(d: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn schema_describes_every_column_of_every_table() {
    let o = decp().args(["flatten", "--schema"]).output().unwrap();
    assert!(o.status.success());
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let res = s["resources"].as_array().unwrap();
    assert_eq!(
        res.iter()
            .map(|r| r["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        TABLES
    );
    let d = out_dir("schema");
    let (code, _) = flatten(&["tests/data/tables/etats.json", "-o", d.to_str().unwrap()]);
    assert_eq!(code, 0);
    for r in res {
        let names: Vec<&str> = r["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(
            r["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| !f["description"].as_str().unwrap().is_empty())
        );
        let path = d.join(r["path"].as_str().unwrap());
        let f = std::fs::File::open(&path).unwrap();
        let b = ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
        let pq: Vec<String> = b
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(pq, names, "{path:?}");
    }
}

#[test]
fn failures_are_reported() {
    // The output is a file, not a directory.
    let f = out_dir("notadir");
    std::fs::write(&f, b"x").unwrap();
    let (code, err) = flatten(&["tests/data/tables/etats.json", "-o", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ce n'est pas un dossier"), "{err}");
    let (code, err) = flatten(&[
        "tests/data/tables/etats.json",
        "--lang",
        "en",
        "-o",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a directory"), "{err}");
    // Tables written by a good run, then runs with a broken input (cut off),
    // a missing one and a file that is not DECP: no table is written (they
    // would miss part of the inputs), those already there are unchanged and
    // no temporary file is left.
    let d = out_dir("broken");
    let good = |format: &str| {
        let (code, err) = flatten(&[
            "tests/data/tables/etats.json",
            "--format",
            format,
            "-o",
            d.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    };
    good("csv");
    good("parquet");
    let before = walk(&d);
    let contents: Vec<Vec<u8>> = before.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let broken = d.with_extension("json");
    std::fs::write(
        &broken,
        br#"{"marches": {"marche": [{"id": "A"}, {"id": "B"}"#,
    )
    .unwrap();
    let not_decp = d.with_extension("txt");
    std::fs::write(&not_decp, b"hello").unwrap();
    for (input, format) in [
        (broken.to_str().unwrap(), "csv"),
        (broken.to_str().unwrap(), "parquet"),
        ("/nonexistent.json", "parquet"),
        (not_decp.to_str().unwrap(), "csv"),
    ] {
        let (code, err) = flatten(&[
            "tests/data/tables/etats.json",
            input,
            "--format",
            format,
            "--lang",
            "en",
            "-o",
            d.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{input}: {err}");
        assert!(err.contains("no table written"), "{input}: {err}");
        if input.ends_with(".json") && input != "/nonexistent.json" {
            assert!(err.contains("reading stopped"), "{err}");
        }
        assert_eq!(walk(&d), before, "{input}: files added or removed");
        for (p, c) in before.iter().zip(&contents) {
            assert!(
                std::fs::read(p).unwrap() == *c,
                "{input}: {} changed",
                p.display()
            );
        }
    }
    let (code, _) = flatten(&["tests/data/tables/etats.json"]);
    assert_eq!(code, 2);
}

/// Parquet files not partitioned take the contracts' states straight into their
/// Arrow columns, CSV through rows of values: both give the same rows, with
/// amounts a decimal column cannot hold (null, with their findings, in a state
/// that goes straight and in one that goes through the walk) and duplicates
/// marked (`--dedup`).
#[test]
fn parquet_and_csv_agree_on_unfit_amounts_and_duplicates() {
    let d = out_dir("agree");
    std::fs::create_dir_all(&d).unwrap();
    let a = d.join("a.json");
    let b = d.join("b.json");
    std::fs::write(
        &a,
        r#"{"marches": {"marche": [
            {"id": "A", "acheteur": {"id": "21690123100011"}, "montant": 1.123456789012,
             "dateNotification": "2024-03-01", "datePublicationDonnees": "2024-03-02",
             "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500031"}},
                            {"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500049"}}],
             "modifications": [{"modification": {"id": 1, "montant": 2.000000000001,
               "dateNotificationModification": "2024-06-01", "datePublicationDonneesModification": "2024-06-02"}}]},
            {"id": "W", "acheteur": {"id": "21690123100011"}, "montant": 3.000000000007,
             "membreInconnu": 1}
        ],
        "contrat-concession": [
            {"id": "K", "autoriteConcedante": {"id": "21690123100011"}, "valeurGlobale": 10.0000000000005}
        ]}}"#,
    )
    .unwrap();
    std::fs::write(
        &b,
        r#"{"marches": {"marche": [
            {"id": "A", "acheteur": {"id": "21690123100011"}, "montant": 1.123456789012,
             "dateNotification": "2024-03-01", "datePublicationDonnees": "2024-04-01",
             "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500031"}},
                            {"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500049"}}]}
        ]}}"#,
    )
    .unwrap();
    let (dc, dp) = (d.join("csv"), d.join("pq"));
    for (out, format) in [(&dc, "csv"), (&dp, "parquet")] {
        let (code, err) = flatten(&[
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--dedup",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
    }
    for t in TABLES {
        let c = read_csv(&dc.join(format!("{t}.csv")));
        let p = parquet_rows(&dp.join(format!("{t}.parquet")));
        same_rows(&c, &p);
    }
    let m = read_csv(&dc.join("marches.csv"));
    assert!(m.iter().any(|r| !r["duplicate_of_sourceFile"].is_empty()));
    let f = read_csv(&dc.join("findings.csv"));
    let unfit: Vec<&str> = f
        .iter()
        .filter(|r| r["code"] == "convert.table_value")
        .map(|r| r["value"].as_str())
        .collect();
    // Each state's rows report their amount (two holders: twice).
    for v in [
        "1.123456789012",
        "2.000000000001",
        "3.000000000007",
        "10.0000000000005",
    ] {
        assert!(unfit.contains(&v), "{v}: {unfit:?}");
    }
}
