//! The CLI's findings (codes, paths, lines, columns, records, counts, exit codes)
//! on the official examples and the test fixtures, against golden files written by
//! the CLI before its workflows moved into the core (commit 54201cc): the move
//! changed where the code lives, not what it reports. A deliberate change of a
//! verdict regenerates them (`DECP_BLESS=1 cargo test -p decp-cli --test golden`)
//! and says why in its commit.

use std::path::Path;
use std::process::Command;

fn decp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_decp"))
        .env_remove("DECP_LANG")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn check(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("DECP_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap();
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .filter(|(a, b)| a != b)
            .take(5)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .collect();
        panic!(
            "{name}: {} lines expected, {} got; first differences:\n{}",
            want.lines().count(),
            got.lines().count(),
            diff.join("\n")
        );
    }
}

#[test]
fn validate_findings_unchanged() {
    let runs: [&[&str]; 4] = [
        &[
            "validate",
            "--report",
            "ndjson",
            "../tests/data/official",
            "../tests/data/normalize",
            "../tests/data/legacy-2.0.0",
            "../tests/data/valid",
        ],
        &[
            "validate",
            "--report",
            "ndjson",
            "--normalize",
            "../tests/data/official",
            "../tests/data/normalize",
            "../tests/data/legacy-2.0.0",
        ],
        &[
            "validate",
            "--report",
            "ndjson",
            "--only",
            "schema",
            "../tests/data/official",
        ],
        &[
            "validate",
            "--report",
            "ndjson",
            "--lang",
            "en",
            "--strict",
            "../tests/data/official/v2",
            "../tests/data/normalize",
        ],
    ];
    // One job (records parsed in place) and several (copies on worker threads)
    // report the same findings at the same places.
    for jobs in ["1", "3"] {
        let mut got = String::new();
        for args in runs {
            got.push_str(&format!("# decp {}\n", args.join(" ")));
            let mut args = args.to_vec();
            args.extend(["-j", jobs]);
            let out = decp(&args);
            got.push_str(&String::from_utf8(out.stdout).unwrap());
            got.push_str(&format!("# exit {}\n", out.status.code().unwrap()));
        }
        check("findings.ndjson", &got);
    }
}

#[test]
fn convert_and_upgrade_findings_unchanged() {
    let dir = |d: &str| {
        let mut v: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(d))
            .unwrap()
            .map(|e| format!("{d}/{}", e.unwrap().file_name().to_string_lossy()))
            .filter(|p| !p.ends_with(".md"))
            .collect();
        v.sort();
        v
    };
    let mut got = String::new();
    let mut run = |args: &[&str]| {
        got.push_str(&format!("# decp {}\n", args.join(" ")));
        let out = decp(args);
        let mut lines: Vec<&str> = std::str::from_utf8(&out.stderr).unwrap().lines().collect();
        lines.sort_unstable();
        for l in lines {
            got.push_str(l);
            got.push('\n');
        }
    };
    for f in dir("../tests/data/official/v1.5/json")
        .iter()
        .chain(&dir("../tests/data/official/v1.5/xml"))
    {
        run(&["upgrade", f, "--to", "xml", "-o", "-"]);
    }
    for f in dir("../tests/data/normalize") {
        run(&["convert", "--normalize", &f, "--to", "json", "-o", "-"]);
    }
    check("convert.txt", &got);
    // One job (records parsed in place) and three (copies on workers): the same
    // output and the same findings.
    for f in dir("../tests/data/normalize") {
        let run = |jobs: &str| {
            let out = decp(&[
                "convert",
                "--normalize",
                &f,
                "--to",
                "json",
                "-o",
                "-",
                "-j",
                jobs,
            ]);
            let mut err: Vec<String> = String::from_utf8(out.stderr)
                .unwrap()
                .lines()
                .map(String::from)
                .collect();
            err.sort_unstable();
            (out.stdout, err, out.status.code())
        };
        assert_eq!(run("1"), run("3"), "{f}: convert -j 1 and -j 3 differ");
    }
}
