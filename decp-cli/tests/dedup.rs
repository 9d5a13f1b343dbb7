//! Drives the `decp` binary: `decp dedup` and `decp flatten --dedup` (the rule
//! itself is tested in `decp-core/tests/dedup.rs`).

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn decp() -> Command {
    let mut c = Command::cargo_bin("decp").unwrap();
    // The messages' language is the tests' to choose, not the environment's.
    c.env_remove("DECP_LANG");
    c
}

fn marche(id: &str, buyer: &str, montant: &str, published: &str) -> String {
    format!(
        r#"{{"id": "{id}", "acheteur": {{"id": "{buyer}"}}, "dateNotification": "2024-03-01",
            "montant": {montant}, "datePublicationDonnees": "{published}",
            "titulaires": [{{"titulaire": {{"typeIdentifiant": "SIRET", "id": "44229377500031"}}}}]}}"#
    )
}

/// Two sources: one contract in both (formatted differently, republished later
/// in b), one near duplicate pair, one contract of its own.
fn sources(dir: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let a = dir.join("profil.json");
    let b = dir.join("plateforme.json");
    std::fs::write(
        &a,
        format!(
            r#"{{"marches": {{"marche": [{}, {}, {}]}}}}"#,
            marche("2024-001A", "21690123100011", "45000.10", "2024-03-02"),
            marche("2024-002", "21690123100011", "5000", "2024-03-02"),
            marche("2024-003", "21690123100011", "7000", "2024-03-02"),
        ),
    )
    .unwrap();
    std::fs::write(
        &b,
        format!(
            r#"{{"marches": {{"marche": [{}, {}]}}}}"#,
            marche("2024 001a", "216 901 231 00011", "45000.1", "2024-04-01"),
            marche("2024-002", "21690123100011", "5500", "2024-03-02"),
        ),
    )
    .unwrap();
    (a, b)
}

fn tmp(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-dedup-{name}-{}", std::process::id()))
}

#[test]
fn dedup_writes_one_document_a_report_and_the_same_for_any_input_order() {
    let dir = tmp("cli");
    let (a, b) = sources(&dir);
    let run = |first: &Path, second: &Path, out: &Path, report: &Path| {
        let o = decp()
            .args(["dedup", "--compact", "--lang", "en", "-o"])
            .arg(out)
            .arg("--report")
            .arg(report)
            .arg(first)
            .arg(second)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stderr).unwrap()
    };
    let (out1, rep1) = (dir.join("o1.json"), dir.join("r1.json"));
    let stderr = run(&a, &b, &out1, &rep1);
    assert!(stderr.contains("[convert.duplicate]"), "{stderr}");
    assert!(stderr.contains("[convert.near_duplicate]"), "{stderr}");
    assert!(
        stderr.contains(
            "5 records read, 4 written, 1 duplicate left out (1 group), 1 group of near duplicates"
        ),
        "{stderr}"
    );
    let report = std::fs::read_to_string(&rep1).unwrap();
    assert!(report.starts_with(r#"{"records":5,"kept":4,"dropped":1,"unreadable":0,"groups":[{"key":{"acheteur":"21690123100011","id":"2024001A""#), "{report}");
    assert!(
        report.contains(r#""reason":"datePublicationDonnees""#),
        "{report}"
    );
    // The kept records are the same in the other order (the document's order follows the inputs').
    let (out2, rep2) = (dir.join("o2.json"), dir.join("r2.json"));
    run(&b, &a, &out2, &rep2);
    let ids = |p: &Path| {
        let mut v: Vec<String> = decp_core::Reader::from_path(p)
            .unwrap()
            .records()
            .map(|r| r.unwrap().record.to_json(false))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&out1), ids(&out2));
    assert_eq!(ids(&out1).len(), 4);
    assert!(
        ids(&out1).iter().any(|r| r.contains("216 901 231 00011")),
        "the later publication is kept"
    );
    assert_eq!(
        report,
        std::fs::read_to_string(&rep2).unwrap(),
        "the report does not depend on the order"
    );
}

/// `decp dedup -q -o DIR/out.json --report REPORT` on the two sources, in a
/// directory of its own: the run, the directory and the output's path.
fn dedup_reporting_to(
    name: &str,
    report: impl FnOnce(&Path) -> PathBuf,
) -> (std::process::Output, PathBuf, PathBuf) {
    let dir = tmp(name);
    let (a, b) = sources(&dir);
    let out = dir.join("out.json");
    let o = decp()
        .args(["dedup", "-q", "-o"])
        .arg(&out)
        .arg("--report")
        .arg(report(&dir))
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    (o, dir, out)
}

#[test]
fn a_report_that_cannot_be_written_is_refused_before_the_work() {
    let (o, _, out) = dedup_reporting_to("report", |dir| dir.join("missing/dir/r.json"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !out.exists(),
        "nothing is written when the report cannot be"
    );
}

/// A report that fails while it is written (a full disk: `/dev/full`) leaves
/// no output either: the output takes its name only after the report is out.
#[cfg(target_os = "linux")]
#[test]
fn a_report_that_fails_while_written_leaves_no_output() {
    let (o, dir, out) = dedup_reporting_to("report-full", |_| PathBuf::from("/dev/full"));
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("/dev/full"));
    assert!(!out.exists(), "no output without its report");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".decp-")), "{names:?}");
}

#[test]
fn dedup_refuses_stdin_and_its_input_as_output() {
    let dir = tmp("refuse");
    let (a, _) = sources(&dir);
    let o = decp().args(["dedup", "-"]).arg(&a).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = decp()
        .args(["dedup", "-o"])
        .arg(&a)
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        std::fs::read_to_string(&a).unwrap().contains("2024-003"),
        "the input is intact"
    );
}

#[test]
fn flatten_dedup_names_the_record_kept() {
    let dir = tmp("flatten");
    let (a, b) = sources(&dir);
    let out = dir.join("tables");
    decp()
        .args([
            "flatten", "--dedup", "--format", "csv", "--table", "marches", "-q", "-o",
        ])
        .arg(&out)
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let mut r = csv::Reader::from_path(out.join("marches.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (file, rec, id) = (
        col("duplicate_of_sourceFile"),
        col("duplicate_of_record"),
        col("id"),
    );
    let rows: Vec<(String, String, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[id].to_string(), x[file].to_string(), x[rec].to_string())
        })
        .collect();
    assert_eq!(rows.len(), 5);
    let marked: Vec<_> = rows.iter().filter(|r| !r.1.is_empty()).collect();
    assert_eq!(marked.len(), 1, "{rows:?}");
    assert_eq!(marked[0].0, "2024-001A");
    assert!(
        marked[0].1.ends_with("plateforme.json") && marked[0].2 == "0",
        "{marked:?}"
    );
}

/// The summary's nouns and participles agree with their numbers as French wants
/// them (the singular for 0 and 1), by the rule the other summaries use.
#[test]
fn the_french_summary_agrees_with_its_numbers() {
    let dir = tmp("fr");
    let (a, b) = sources(&dir);
    let one = dir.join("one.json");
    std::fs::write(
        &one,
        format!(
            r#"{{"marches": {{"marche": [{}]}}}}"#,
            marche("2024-009", "21690123100011", "10", "2024-03-02")
        ),
    )
    .unwrap();
    let summary = |inputs: &[&Path]| {
        let o = decp()
            .args(["dedup", "-o"])
            .arg(dir.join("out.json"))
            .args(inputs)
            .output()
            .unwrap();
        let stderr = String::from_utf8(o.stderr).unwrap();
        stderr.lines().last().unwrap_or_default().to_owned()
    };
    assert_eq!(
        summary(&[&one]),
        "1 enregistrement lu, 1 écrit, 0 doublon laissé de côté (0 groupe), 0 groupe de quasi-doublons"
    );
    assert_eq!(
        summary(&[&a, &b]),
        "5 enregistrements lus, 4 écrits, 1 doublon laissé de côté (1 groupe), 1 groupe de quasi-doublons"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
