//! Drives the `decp` binary: `decp convert --to ocds` (the package's schema
//! validity is `decp-core/tests/ocds.rs`'s; here: the command's surface).

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
        .join("../tests/data/official")
        .join(name)
}

/// The ids of a package's releases, parsed back by the core's own reader of
/// generic values (no JSON library in this crate's tests).
fn release_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("\"id\": \"ocds-"))
        .filter(|l| l.contains("-initial") || l.contains("-modification-"))
        .map(|l| l.trim_end_matches(['"', ',']).to_string())
        .collect()
}

#[test]
fn json_and_xml_give_the_same_package_on_one_job_or_three() {
    let dir = tempfile_dir();
    let xml = dir.join("m.xml");
    decp()
        .args(["convert", "--to", "xml", "-o"])
        .arg(&xml)
        .arg(sample("v2/json/marches_avec_modifications.json"))
        .assert()
        .success();
    let run = |input: &PathBuf, jobs: &str| {
        let out = decp()
            .args([
                "convert",
                "--to",
                "ocds",
                "--ocid-prefix",
                "ocds-abc123",
                "-j",
                jobs,
            ])
            .arg(input)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let input = sample("v2/json/marches_avec_modifications.json");
    let json = run(&input, "1");
    assert_eq!(json, run(&input, "3"));
    assert_eq!(json, run(&xml, "1"));
    let ids = release_ids(&json);
    assert!(ids.len() >= 2, "{ids:?}");
    assert!(
        ids.iter().any(|i| i.ends_with("-modification-1")),
        "{ids:?}"
    );
    assert!(json.contains("\"publishedDate\": \"20"));
}

#[test]
fn v1_is_upgraded_and_metadata_is_the_users() {
    let dir = tempfile_dir();
    let out = dir.join("ocds.json");
    let o = decp()
        .args([
            "convert",
            "--to",
            "ocds",
            "--ocid-prefix",
            "ocds-abc123",
            "--compact",
            "--package-uri",
            "https://example.org/ocds.json",
            "--publisher",
            "Ville de Lyon",
            "-o",
        ])
        .arg(&out)
        .arg(sample("v1.5/json/mar-avec-modifications.json"))
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with(r#"{"uri":"https://example.org/ocds.json","version":"1.1","publisher":{"name":"Ville de Lyon"},"releases":[{"ocid":"ocds-abc123-"#), "{text:.300}");
    // The upgrade's findings are reported, as `decp upgrade` reports them.
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("upgrade."),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_prefix_is_required() {
    let o = decp()
        .args(["convert", "--to", "ocds"])
        .arg(sample("v2/json/concessions.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--ocid-prefix"));
}

fn tempfile_dir() -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-ocds-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_record_repeated_in_a_file_is_not_an_error() {
    // The official example holds the same concession twice: written once, an
    // info finding, exit code 0.
    let o = decp()
        .args([
            "convert",
            "--to",
            "ocds",
            "--ocid-prefix",
            "ocds-abc123",
            "--lang",
            "en",
        ])
        .arg(sample("v2/xml/Contrat-concession.xml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("info [convert.repeated]"), "{stderr}");
    assert_eq!(release_ids(&String::from_utf8(o.stdout).unwrap()).len(), 1);
}

#[test]
fn an_empty_prefix_is_refused() {
    let o = decp()
        .args(["convert", "--to", "ocds", "--ocid-prefix", " "])
        .arg(sample("v2/json/concessions.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--ocid-prefix"));
}

#[test]
fn package_options_without_ocds_are_refused() {
    let o = decp()
        .args([
            "convert",
            "--to",
            "json",
            "--ocid-prefix",
            "ocds-abc123",
            "--lang",
            "en",
        ])
        .arg(sample("v2/json/concessions.json"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("go with --to ocds"));
    assert!(o.stdout.is_empty());
}
