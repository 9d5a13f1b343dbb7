//! Drives `decp validate`, `stats` and `rules`: exit codes, reports, stdin,
//! directories, broken, empty and record-less files.

use assert_cmd::Command;
use serde_json::Value;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `decp` run from the repository root, so that paths in reports are stable.
fn decp() -> Command {
    let mut c = Command::cargo_bin("decp").unwrap();
    // The messages' language is the tests' to choose, not the environment's.
    c.env_remove("DECP_LANG");
    c.current_dir(root());
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = decp().args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn temp(name: &str, content: &[u8]) -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-cli-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn official_examples_text_report() {
    let (code, out, _) = run(&["validate", "-j", "2", "tests/data/official/v2"]);
    assert_eq!(code, 1, "the official examples break regulatory rules");
    insta::assert_snapshot!("official_text_fr", out);
}

#[test]
fn official_examples_pass_the_schema_family() {
    let (code, out, _) = run(&[
        "validate",
        "--only",
        "schema",
        "--lang",
        "en",
        "tests/data/official/v2",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("total (7 files): 16 records, 0 errors, 0 warnings — valid\n"),
        "{out}"
    );
}

#[test]
fn json_report() {
    let (code, out, _) = run(&[
        "validate",
        "--report",
        "json",
        "tests/data/valid/clean.json",
        "tests/data/official/v2/xml/Marche.xml",
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 2, "records": 4, "errors": 2, "warnings": 0})
    );
    assert_eq!(v["files"][0]["valid"], true);
    let issue = &v["files"][1]["issues"][0];
    for k in [
        "code", "family", "severity", "path", "line", "column", "record", "value", "message",
    ] {
        assert!(issue.get(k).is_some(), "{k} missing in {issue}");
    }
    insta::assert_snapshot!("json_report", out);
}

#[test]
fn ndjson_streams_one_finding_per_line() {
    let (code, out, _) = run(&[
        "validate",
        "--report",
        "ndjson",
        "--lang",
        "en",
        "tests/data/official/v2/json",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 32);
    assert!(
        lines
            .iter()
            .all(|l| l["file"].as_str().unwrap().ends_with(".json") && l["code"].is_string())
    );
    assert_eq!(lines[0]["record"], 0);
}

#[test]
fn stdin_and_exit_codes() {
    let clean = std::fs::read(root().join("tests/data/valid/clean.json")).unwrap();
    decp()
        .args(["validate", "-"])
        .write_stdin(clean.clone())
        .assert()
        .code(0);
    let broken = String::from_utf8(clean.clone()).unwrap().replacen(
        "\"montant\": 412500.50",
        "\"montant\": \"412 500,50\"",
        1,
    );
    let o = decp()
        .args(["validate", "-"])
        .write_stdin(broken)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("-:20:20: erreur [schema.type] type invalide : trouvé « 412 500,50 », attendu : nombre décimal"),
        "{out}"
    );
    // Quiet: nothing printed, the exit code tells.
    let o = decp()
        .args(["validate", "-q", "tests/data/official/v2"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    // Usage errors.
    decp().args(["validate"]).assert().code(2);
    decp()
        .args(["validate", "--report", "xml", "x.json"])
        .assert()
        .code(2);
}

#[test]
fn broken_empty_and_recordless_files() {
    let truncated = temp(
        "truncated.json",
        b"{\"marches\": {\"marche\": [\n  {\"id\": \"A\"},\n  {\"id\": ",
    );
    let empty = temp("empty.json", b"");
    let none = temp("none.json", b"{\"marches\": {\"marche\": []}}");
    let (code, out, err) = run(&[
        "validate",
        "--lang",
        "en",
        "--only",
        "schema",
        truncated.to_str().unwrap(),
        empty.to_str().unwrap(),
        none.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "unreadable input wins: {out}");
    // Fatal errors go to stderr; the report keeps the summary lines.
    assert!(
        err.contains("truncated.json: cannot read: JSON syntax error at line 3, column 10"),
        "{err}"
    );
    assert!(
        err.contains("empty.json: cannot read: unsupported input at line 1, column 1"),
        "{err}"
    );
    assert!(
        out.contains("none.json: 0 records, 0 errors, 0 warnings — valid"),
        "{out}"
    );
    // The record before the break was still checked and counted.
    assert!(out.contains("truncated.json: 1 record, 2"), "{out}");
    // A file not read to the end gets no verdict on what was not read.
    assert!(
        out.contains("empty.json: 0 records, 0 errors, 0 warnings — unreadable"),
        "{out}"
    );
    let (code, out, err) = run(&["validate", "/nonexistent.json"]);
    assert_eq!(code, 2);
    // One language at a time: the system's error is worded in French too.
    assert!(
        err.contains(
            "lecture impossible : erreur d'entrée-sortie : fichier ou dossier introuvable"
        ),
        "{err}"
    );
    let (_, _, err) = run(&["validate", "--lang", "en", "/nonexistent.json"]);
    assert!(err.contains("No such file"), "{err}");
    // French plurals: the singular for 0 and 1.
    assert!(
        out.contains("0 enregistrement, 0 erreur, 0 avertissement"),
        "{out}"
    );
}

#[test]
fn max_issues_keeps_counts_exact_and_jobs_keep_order() {
    let (_, out, _) = run(&[
        "validate",
        "--max-issues",
        "3",
        "--lang",
        "en",
        "tests/data/official/v2/json/marches_concessions.json",
    ]);
    assert_eq!(out.lines().filter(|l| l.starts_with("  ")).count(), 3);
    assert!(
        out.ends_with("4 records, 15 errors, 0 warnings — invalid\n"),
        "{out}"
    );
    let one = run(&["validate", "-j", "1", "tests/data/official/v2"]).1;
    let four = run(&["validate", "-j", "4", "tests/data/official/v2"]).1;
    assert_eq!(one, four);
}

#[test]
fn large_generated_file_on_all_cores() {
    // About 8 MB: enough records for several batches on every worker.
    let mut data = Vec::new();
    std::io::Read::read_to_end(
        &mut decp_testkit::synth::SynthReader::new(decp_core::Format::Json, 3, 8 << 20),
        &mut data,
    )
    .unwrap();
    let p = temp("big.json", &data);
    let (c1, o1, _) = run(&[
        "validate",
        "-j",
        "1",
        "--report",
        "ndjson",
        p.to_str().unwrap(),
    ]);
    let (c2, o2, _) = run(&[
        "validate",
        "-j",
        "3",
        "--report",
        "ndjson",
        p.to_str().unwrap(),
    ]);
    assert_eq!((c1, &o1), (c2, &o2));
    let (_, text, _) = run(&["validate", p.to_str().unwrap()]);
    assert!(
        text.lines().last().unwrap().contains(" enregistrements"),
        "{text}"
    );
}

#[test]
fn stats_command() {
    let (code, out, _) = run(&[
        "stats",
        "tests/data/official/v2/json/marches_concessions.json",
        "tests/data/valid/clean.json",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("stats_text", out);
    let (_, out, _) = run(&["stats", "--format", "json", "tests/data/valid/clean.json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["records"], 2);
    assert_eq!(v["amounts"]["marche"], "412500.50");
    assert_eq!(v["by_kind"]["contrat-concession"], 1);
}

/// Counted a batch at a time on the jobs: one job and several give the same
/// statistics, over several batches of a generated corpus with faults, and
/// they count what `validate` reads.
#[test]
fn stats_are_the_same_with_any_number_of_jobs() {
    use std::io::Read;
    let mut text = Vec::new();
    decp_testkit::synth::SynthReader::new(decp_core::Format::Json, 5, 2 << 20)
        .dirty(true)
        .read_to_end(&mut text)
        .unwrap();
    let p = temp("stats-jobs.json", &text);
    let p = p.to_str().unwrap();
    let stats = |jobs: &str| {
        let (code, out, err) = run(&["stats", "--format", "json", "-j", jobs, p]);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let one = stats("1");
    let records = one["records"].as_u64().unwrap() + one["unreadable"].as_u64().unwrap();
    assert!(records > 1200, "several batches of 512: {records}");
    assert!(
        one["findings_by_code"].as_object().unwrap().len() > 3,
        "{one}"
    );
    assert_ne!(one["amounts"]["marche"], "0");
    assert_eq!(stats("2"), one);
    assert_eq!(stats("3"), one);
    let (_, report, _) = run(&["validate", "--report", "json", "-j", "1", p]);
    let report: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(
        report["files"][0]["records"].as_u64(),
        Some(records),
        "{report}"
    );
}

/// The totals are the amounts added one by one in document order, whatever the
/// batches: a batch's amounts that cancel out (`1.50 + -1.50`) do not take the
/// total's scale away, and one that overflows is the only one left out.
#[test]
fn stats_amounts_are_added_one_by_one_across_batches() {
    let doc = |amounts: &[(usize, &str)]| {
        let mut json = String::from(r#"{"marches": {"marche": ["#);
        for i in 0..514 {
            if i > 0 {
                json.push(',');
            }
            match amounts.iter().find(|(k, _)| *k == i) {
                Some((_, a)) => json.push_str(&format!(r#"{{"id": "{i}", "montant": {a}}}"#)),
                None => json.push_str(&format!(r#"{{"id": "{i}"}}"#)),
            }
        }
        json.push_str("]}}");
        json
    };
    let big = "70000000000000000000000000000";
    for (name, amounts, want) in [
        (
            "cancel",
            vec![(0, "5"), (512, "1.50"), (513, "-1.50")],
            "5.00",
        ),
        (
            "overflow",
            vec![(0, big), (512, big), (513, "1")],
            "70000000000000000000000000001",
        ),
    ] {
        let p = temp(&format!("stats-{name}.json"), doc(&amounts).as_bytes());
        for jobs in ["1", "2"] {
            let args = ["stats", "--format", "json", "-j", jobs, p.to_str().unwrap()];
            let (_, out, err) = run(&args);
            let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
            assert_eq!(v["records"], 514, "{name}");
            assert_eq!(v["amounts"]["marche"], want, "{name} -j {jobs}");
        }
    }
}

#[test]
fn rules_command() {
    let (code, out, _) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), decp_core::catalogue().count());
    assert!(codes.contains(&"rule.siret_checksum"));
    let (_, text, _) = run(&["rules", "--lang", "en"]);
    assert!(text.contains("rule.cpv_unknown") && text.contains("is not in the CPV 2008 list"));
}

#[test]
fn help_for_every_command_has_examples() {
    for cmd in ["validate", "convert", "stats", "rules"] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains(&format!("decp {cmd}")), "{cmd}: {out}");
    }
}

#[test]
fn convert_to_ndjson() {
    let (code, out, _) = run(&[
        "convert",
        "tests/data/official/v2/xml/Marche.xml",
        "--to",
        "ndjson",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["kind"], "marche");
    assert_eq!(lines[0]["montant"], 575000);
}

#[test]
fn normalize_turns_defects_into_info_findings() {
    let f = "tests/data/normalize/number.json";
    let (code, out, _) = run(&["validate", f]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("erreur [schema.type]"), "{out}");
    let (code, out, _) = run(&["validate", "--normalize", "--report", "json", f]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let issues = v["files"][0]["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 2, "{out}");
    assert!(
        issues
            .iter()
            .all(|i| i["severity"] == "info" && i["family"] == "repair")
    );
    assert_eq!(issues[1]["value"], "412 500,50");
    assert_eq!(v["files"][0]["version"], "2");
}

#[test]
fn v1_files_report_their_version() {
    let (code, out, _) = run(&[
        "validate",
        "--only",
        "schema",
        "--report",
        "json",
        "tests/data/official/v1.5/json/paquet.json",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["files"][0]["version"], "1.5");
    assert_eq!(v["files"][0]["records"], 2);
    let (_, out, _) = run(&[
        "stats",
        "--format",
        "json",
        "tests/data/official/v1.5/json/paquet.json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["by_version"]["1.5"], 2, "{out}");
}

/// A directory walk meets files that are not DECP (a JSON schema): each gets one
/// clear finding; a directory with no DECP file, or no file, says so and exits 2.
#[test]
fn files_that_are_not_decp_and_empty_directories() {
    let (code, out, err) = run(&["validate", "tests/data/official/schemas"]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(out.matches("[schema.not_decp]").count(), 2, "{out}");
    assert!(!out.contains("additional_property"), "{out}");
    assert!(err.contains("aucun fichier DECP"), "{err}");
    let empty = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-empty-dir-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let (code, _, err) = run(&["validate", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("aucun fichier *.json ni *.xml"), "{err}");
    std::fs::remove_dir_all(&empty).unwrap();
    // Mixed with DECP files, the schemas are findings of their own and the run goes on.
    let (code, out, _) = run(&["validate", "tests/data/official"]);
    assert_eq!(code, 1);
    assert_eq!(out.matches("[schema.not_decp]").count(), 2, "{out}");
}

/// The README's synopsis names exactly the options each command's `--help` has.
#[test]
fn readme_synopsis_matches_help() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("## Command line")
        .nth(1)
        .and_then(|s| s.split("```text\n").nth(1))
        .and_then(|s| s.split("```").next())
        .unwrap();
    for cmd in [
        "validate", "convert", "upgrade", "flatten", "stats", "rules",
    ] {
        // The synopsis of `cmd`: from `decp cmd` to the next `decp `.
        let start = block
            .find(&format!("decp {cmd} "))
            .unwrap_or_else(|| panic!("{cmd} not in the synopsis"));
        let rest = &block[start + 5..];
        // Every synopsis line of `cmd` (flatten has two).
        let mut syn = String::new();
        let mut r = rest;
        loop {
            let end = r.find("decp ").unwrap_or(r.len());
            syn.push_str(&r[..end]);
            r = &r[end..];
            match r.strip_prefix(&format!("decp {cmd} ")) {
                Some(next) => r = next,
                None => break,
            }
        }
        let syn = syn.as_str();
        let long = |s: &str| -> std::collections::BTreeSet<String> {
            s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|w| w.starts_with("--") && w.len() > 2)
                .map(str::to_owned)
                .collect()
        };
        let (_, help, _) = run(&[cmd, "--help"]);
        let help_opts: std::collections::BTreeSet<String> = help
            .lines()
            .filter(|l| l.trim_start().starts_with('-'))
            .flat_map(|l| long(l.split("  ").find(|p| !p.trim().is_empty()).unwrap_or("")))
            .filter(|o| o != "--help")
            .collect();
        assert_eq!(
            long(syn),
            help_opts,
            "decp {cmd}: README synopsis vs --help"
        );
    }
}

/// A closed output pipe (`| head`) ends the run at once and quietly (141, as
/// SIGPIPE would); a full disk is an error, exit 2, whatever the command.
#[test]
fn closed_pipes_and_full_disks() {
    let mut data = Vec::new();
    std::io::Read::read_to_end(
        &mut decp_testkit::synth::SynthReader::new(decp_core::Format::Json, 5, 8 << 20).dirty(true),
        &mut data,
    )
    .unwrap();
    let p = temp("dirty.json", &data);
    for args in [
        vec!["validate", p.to_str().unwrap()],
        vec!["convert", "--to", "xml", p.to_str().unwrap()],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_decp"))
            .env_remove("DECP_LANG")
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 64];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(141), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if std::path::Path::new("/dev/full").exists() {
        for args in [
            vec!["validate", "tests/data/official/v2"],
            vec!["stats", "tests/data/official/v2"],
            vec![
                "convert",
                "--to",
                "xml",
                "tests/data/official/v2/json/marches_concessions.json",
            ],
        ] {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_decp"))
                .env_remove("DECP_LANG")
                .current_dir(root())
                .args(&args)
                .stdout(full)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            assert!(
                String::from_utf8_lossy(&out.stderr).contains("plus de place sur le périphérique"),
                "{args:?}"
            );
        }
    }
}

/// `--strict` reports the decoder's own finding: its message, its value, the record.
#[test]
fn strict_messages_are_the_decoders_findings() {
    let doc = r#"{"marches": {"marche": [{"id": "A", "dateNotification": "2024-13-45"}]}}"#;
    let p = temp("strict.json", doc.as_bytes());
    let (code, out, _) = run(&[
        "validate",
        "--strict",
        "--lang",
        "en",
        "--report",
        "ndjson",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(v["code"], "schema.date");
    assert_eq!(v["path"], "/marches/marche/0/dateNotification");
    assert_eq!(v["value"], "2024-13-45");
    assert_eq!(v["record"], 0);
    assert_eq!(
        v["message"],
        "invalid date “2024-13-45”: expected a YYYY-MM-DD date"
    );
    let (_, out, _) = run(&["validate", "--strict", p.to_str().unwrap()]);
    assert!(out.contains("enregistrement 1 (marche), ligne 1"), "{out}");
    assert!(
        out.contains(
            "[schema.date] date invalide « 2024-13-45 » : une date AAAA-MM-JJ est attendue"
        ),
        "{out}"
    );
}

/// A directory walk opens only regular files (a FIFO named `x.json` would block
/// forever) and does not follow symbolic links; `--jobs` out of reason is capped.
#[test]
fn walks_open_only_regular_files_and_jobs_are_capped() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-walk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        root().join("tests/data/official/v2/json/marches_concessions.json"),
        dir.join("a.json"),
    )
    .unwrap();
    let fifo = dir.join("x.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    let (code, out, err) = run(&["validate", "--only", "schema", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("a.json"), "{out}");
    assert!(!made || !out.contains("x.json"), "{out}");
    let (code, out, err) = run(&[
        "validate",
        "--only",
        "schema",
        "-j",
        "18446744073709551615",
        "tests/data/official/v2",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
