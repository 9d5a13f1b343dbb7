//! Drives the `decp` binary: `decp convert`.

use assert_cmd::Command;
use std::path::PathBuf;

fn decp() -> Command {
    let mut c = Command::cargo_bin("decp").unwrap();
    // The messages' language is the tests' to choose, not the environment's.
    c.env_remove("DECP_LANG");
    c
}

fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/official/v2")
        .join(name)
}

fn ids(bytes: &[u8]) -> Vec<String> {
    decp_core::Reader::from_slice(bytes)
        .unwrap()
        .records()
        .map(|d| d.unwrap().record.id().unwrap().to_string())
        .collect()
}

#[test]
fn json_to_xml_file_and_back_through_stdin() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xml = dir.join("out.xml");
    decp()
        .args(["convert", "--to", "xml", "-o"])
        .arg(&xml)
        .arg(sample("json/marches_concessions.json"))
        .assert()
        .success();
    let xml_bytes = std::fs::read(&xml).unwrap();
    assert!(xml_bytes.starts_with(b"<?xml"));
    let out = decp()
        .args(["convert", "-", "--to", "json", "--compact"])
        .write_stdin(xml_bytes.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(ids(&out.stdout), ids(&xml_bytes));
    assert_eq!(ids(&out.stdout).len(), 4);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn findings_go_to_stderr_and_strict_refuses() {
    let doc = r#"{"marches": {"marche": [{"id": "A", "dateNotification": "2024-13-45"}]}}"#;
    let out = decp()
        .args(["convert", "-", "--to", "xml"])
        .write_stdin(doc)
        .output()
        .unwrap();
    // Converted (the value kept), and exit 1: a record has an error finding.
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    // One language at a time: French by default, severities included.
    assert!(
        err.contains("-:1:57: erreur [schema.date] date invalide"),
        "{err}"
    );
    assert!(err.contains("/marches/marche/0/dateNotification"), "{err}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("<dateNotification>2024-13-45</dateNotification>")
    );

    let out = decp()
        .args(["convert", "-", "--to", "xml", "--lang", "en"])
        .write_stdin(doc)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("-:1:57: error [schema.date] invalid date"),
        "{err}"
    );

    let out = decp()
        .args(["convert", "-", "--to", "xml", "--strict"])
        .write_stdin(doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("schema.date")
    );
}

#[test]
fn unreadable_input_exits_2_with_a_position() {
    let out = decp()
        .args(["convert", "-", "--to", "json"])
        .write_stdin("<marches>\n<marche><id>A</id>\n</marches>")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    // One language at a time: French by default, the position and the reason too.
    assert!(
        err.contains("erreur de syntaxe XML à la ligne 3, colonne 1, enregistrement 1")
            && err.contains("ne correspond pas à l'élément ouvert <marche>"),
        "{err}"
    );
    let out = decp()
        .args(["convert", "-", "--to", "json", "--lang", "en"])
        .write_stdin("<marches>\n<marche><id>A</id>\n</marches>")
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("XML syntax error at line 3, column 1, record 1")
            && err.contains("does not match the open element <marche>"),
        "{err}"
    );

    let out = decp()
        .args(["convert", "-", "--to", "json"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("l'entrée est vide")
    );

    decp()
        .args(["convert", "/nonexistent/file.json", "--to", "xml"])
        .assert()
        .code(2);
    decp().args(["convert", "x.json"]).assert().code(2); // --to is required
}

#[test]
fn help_has_examples() {
    let out = decp().args(["convert", "--help"]).output().unwrap();
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("decp convert marches.json --to xml")
    );
}

fn v1_sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/official/v1.5")
        .join(name)
}

#[test]
fn upgrade_v1_json_to_v2_xml_with_findings_on_stderr() {
    let out = decp()
        .args(["upgrade", "--to", "xml", "--compact"])
        .arg(v1_sample("json/mar-avec-modifications.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(
        xml.contains("<techniques><technique>Accord-cadre</technique></techniques>"),
        "{xml}"
    );
    assert!(!xml.contains("denominationSociale"), "{xml}");
    let records = decp_core::Reader::from_slice(xml.as_bytes())
        .unwrap()
        .records()
        .map(|d| d.unwrap())
        .collect::<Vec<_>>();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].version, decp_core::Version::V2);
    let err = String::from_utf8(out.stderr).unwrap();
    // Placed at the v1 value: line 8 of the file holds `"nom": "Ville de Rennes"`.
    assert!(
        err.contains("mar-avec-modifications.json:8:") && err.contains("[upgrade.field_dropped]"),
        "{err}"
    );
    assert!(
        err.contains("[upgrade.no_source]") && err.contains("offresRecues"),
        "{err}"
    );
}

#[test]
fn upgrade_keeps_the_input_format_and_v1_convert_stays_v1() {
    let xml = std::fs::read(v1_sample("xml/cc-basique.xml")).unwrap();
    let out = decp()
        .args(["upgrade", "-"])
        .write_stdin(xml.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"<?xml"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("<nom>"));
    let out = decp()
        .args(["convert", "-", "--to", "json", "--compact"])
        .write_stdin(xml)
        .output()
        .unwrap();
    assert!(out.status.success());
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(
        json.starts_with("{\"marches\":[{") && json.contains("\"nom\":\"Millau\""),
        "{json}"
    );
}

/// Converting a file onto itself is refused, the file untouched; a conversion
/// that fails leaves the output as it was (written beside it, renamed on success).
#[test]
fn outputs_are_never_lost_or_half_written() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-convert-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("marches.json");
    std::fs::copy(sample("json/marches_concessions.json"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    for cmd in ["convert", "upgrade"] {
        let out = decp()
            .args([cmd, "--to", "json", "-o"])
            .arg(&input)
            .arg(&input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("la sortie est l'entrée"));
        assert_eq!(
            std::fs::read(&input).unwrap(),
            before,
            "{cmd} destroyed its input"
        );
    }
    // A conversion that fails (the input breaks half-way) leaves the old output.
    let broken = dir.join("broken.json");
    std::fs::write(
        &broken,
        "{\"marches\": {\"marche\": [{\"id\": \"A\"}, {\"id\": ",
    )
    .unwrap();
    let target = dir.join("out.xml");
    std::fs::write(&target, "previous").unwrap();
    let out = decp()
        .args(["convert", "--to", "xml", "-o"])
        .arg(&target)
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "previous");
    // A record XML cannot carry is skipped and reported; the others are converted.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"marches\": {\"marche\": [{\"id\": \"A\"}, {\"id\": \"a\\u0002b\"}, {\"id\": \"C\"}]}}",
    )
    .unwrap();
    let out = decp()
        .args(["convert", "--to", "xml", "-o"])
        .arg(&target)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("[convert.not_written]") && err.contains("/marches/marche/1"),
        "{err}"
    );
    let xml = std::fs::read_to_string(&target).unwrap();
    assert!(
        xml.contains("<id>A</id>") && xml.contains("<id>C</id>") && xml.ends_with("</marches>\n"),
        "{xml}"
    );
    // A conversion that succeeds replaces it; no temporary file is left behind.
    let out = decp()
        .args(["convert", "--to", "xml", "-o"])
        .arg(&target)
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.code() == Some(0) || out.status.code() == Some(1));
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("<?xml")
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with(".decp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An output that is a device (`-o /dev/null`) is written, never replaced by a
/// file; `--quiet` and `--max-issues` bound the findings printed.
#[cfg(unix)]
#[test]
fn device_outputs_and_quiet_findings() {
    use std::os::unix::fs::FileTypeExt;
    let out = decp()
        .args(["upgrade", "-o", "/dev/null", "--max-issues", "2"])
        .arg(v1_sample("json/mar-avec-modifications.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 2);
    let out = decp()
        .args(["upgrade", "-q", "-o", "/dev/null"])
        .arg(v1_sample("json/mar-avec-modifications.json"))
        .output()
        .unwrap();
    assert!(out.stderr.is_empty());
}

/// `-o /dev/stdout` writes to the descriptor the shell opened: a file opened
/// for appending keeps what it held (opening `/proc/self/fd/1` anew would
/// start it over), and nothing is left beside it.
#[cfg(unix)]
#[test]
fn dev_stdout_appends_where_the_shell_opened_it() {
    let dir = std::env::temp_dir().join(format!("decp-stdout-append-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.xml");
    std::fs::write(&log, "header\n").unwrap();
    for target in ["/dev/stdout", "/proc/self/fd/1"] {
        let file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_decp"))
            .env_remove("DECP_LANG")
            .args(["convert", "--to", "xml", "-o", target])
            .arg(sample("json/marches_avec_modifications.json"))
            .stdout(file)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{target}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("header\n<?xml"), "{text:.60}");
    assert_eq!(
        text.matches("</marches>").count(),
        2,
        "both documents, one after the other"
    );
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(names.len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
