//! One language at a time (issue 11, item 13): under `--lang fr` nothing the
//! commands print — findings, read errors, syntax details, positions, I/O errors —
//! is in English, and under `--lang en` nothing is in French. The inputs below are
//! broken in every way the readers word differently (JSON and XML syntax, limits,
//! encodings, envelopes, writing), plus the real-world cases of `tests/data/cases`.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Words that only the English texts use, and words only the French ones use
/// (whole words, lower case).
const ENGLISH: &[&str] = &[
    "unexpected",
    "expected",
    "record",
    "records",
    "line",
    "column",
    "error",
    "errors",
    "cannot",
    "invalid",
    "skipped",
    "unclosed",
    "closed",
    "missing",
    "byte",
    "bytes",
    "nesting",
    "deeper",
    "unreadable",
    "unsupported",
    "input",
    "the",
    "found",
    "warning",
    "warnings",
    "valid",
    "read",
];
const FRENCH: &[&str] = &[
    "inattendu",
    "inattendue",
    "attendu",
    "enregistrement",
    "enregistrements",
    "ligne",
    "colonne",
    "erreur",
    "erreurs",
    "illisible",
    "octet",
    "octets",
    "fermé",
    "fermée",
    "entrée",
    "lecture",
    "ignoré",
    "ignorés",
    "imbrication",
    "le",
    "la",
    "des",
    "avertissement",
    "avertissements",
    "conforme",
    "impossible",
];

/// Inputs broken in each of the ways the readers report, by name.
fn broken() -> Vec<(&'static str, Vec<u8>)> {
    let deep = format!(
        "{{\"marches\": {{\"marche\": [{{\"id\": \"A\", \"x\": {}1{}}}]}}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let deep_xml = format!(
        "<marches><marche><id>A</id>{}{}</marche></marches>",
        "<x>".repeat(200),
        "</x>".repeat(200)
    );
    vec![
        ("cas-tronque.json", b"{\"marches\": {\"marche\": [\n  {\"id\": \"A\"},\n  {\"id\": ".to_vec()),
        ("cas-vide.json", b"".to_vec()),
        ("cas-liste.json", b"[1, 2]".to_vec()),
        ("cas-inconnu.json", b"hello".to_vec()),
        ("cas-utf16.json", b"\xFF\xFE{\x00}\x00".to_vec()),
        ("cas-racine.json", b"{}".to_vec()),
        ("cas-schema.json", b"{\"$schema\": \"x\", \"type\": \"object\"}".to_vec()),
        ("cas-virgule.json", b"{\"marches\": {\"marche\": [{\"id\": \"A\"} {\"id\": \"B\"}]}}".to_vec()),
        ("cas-parasite.json", b"{\"marches\": {\"marche\": [{\"id\": \"A\"}, <html>Erreur 500</html> {\"id\": \"B\"}]}}".to_vec()),
        ("cas-echappement.json", b"{\"marches\": {\"marche\": [{\"id\": \"A\\q\"}, {\"id\": \"\\ud800\"}, {\"id\": \"a\x01\"}, {\"id\": \"A\", \"m\": 1.}]}}".to_vec()),
        ("cas-profond.json", deep.into_bytes()),
        ("cas-octets.json", b"{\"marches\": {\"marche\": [{\"id\": \"\xC3\x28\"}]}}".to_vec()),
        ("cas-entite.xml", b"<marches><marche><id>&foo;</id></marche><marche><id>&#0;</id></marche><marche><id>a & b</id></marche></marches>".to_vec()),
        ("cas-balises.xml", b"<marches><marche><id>A</idx></marche><marche><id a=1>B</id></marche><marche><id a='1' a='2'>C</id></marche><marche><!-- x</marche></marches>".to_vec()),
        ("cas-racine.xml", b"<?xml version=\"1.0\"?><contrats><marche/></contrats>".to_vec()),
        ("cas-element.xml", b"<marches>du texte<autre>x</autre><marche><id>A</id></marche></marches>".to_vec()),
        ("cas-encodage.xml", b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><marches/>".to_vec()),
        ("cas-profond.xml", deep_xml.into_bytes()),
        ("cas-fin.xml", b"<marches><marche><id>A</id>".to_vec()),
        ("cas-apres.xml", b"<marches></marches><marche/>".to_vec()),
        ("cas-controle.xml", b"<marches><marche><id>A\x02</id></marche></marches>".to_vec()),
    ]
}

/// Every message a command prints about `files`, stdout and stderr together.
fn outputs(dir: &std::path::Path, files: &[String], lang: &str) -> Vec<(String, String)> {
    let mut runs = Vec::new();
    let mut run = |label: String, args: Vec<String>| {
        let o = Command::new(env!("CARGO_BIN_EXE_decp"))
            .env_remove("DECP_LANG")
            .current_dir(dir)
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.code().is_some(), "{label}: killed by a signal");
        // Something to check: validation always reports something.
        assert!(
            !label.starts_with("validate") || !o.stdout.is_empty() || !o.stderr.is_empty(),
            "{label}: said nothing"
        );
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        runs.push((label, text));
    };
    for f in files {
        for report in ["text", "json"] {
            run(
                format!("validate --report {report} {f}"),
                vec![
                    "validate".into(),
                    "--lang".into(),
                    lang.into(),
                    "--report".into(),
                    report.into(),
                    f.clone(),
                ],
            );
        }
        run(
            format!("convert {f}"),
            vec![
                "convert".into(),
                "--lang".into(),
                lang.into(),
                "--to".into(),
                "xml".into(),
                "-o".into(),
                "sortie.xml".into(),
                f.clone(),
            ],
        );
        run(
            format!("stats {f}"),
            vec!["stats".into(), "--lang".into(), lang.into(), f.clone()],
        );
    }
    runs
}

/// What a run says in words: each line of a text report, and the `message` and
/// `fatal` strings of a JSON one (its member names are the format's, not words).
fn words(text: &str) -> Vec<String> {
    match serde_json::from_str::<serde_json::Value>(text.split("\ndecp").next().unwrap_or("")) {
        Ok(v) => {
            let mut out = Vec::new();
            collect(&v, &mut out);
            // stderr after the JSON document.
            out.extend(
                text.lines()
                    .filter(|l| l.starts_with("decp"))
                    .map(String::from),
            );
            out
        }
        Err(_) => text.lines().map(String::from).collect(),
    }
}

fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("message" | "fatal", serde_json::Value::String(s)) => out.push(s.clone()),
                    _ => collect(v, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// The text without what it quotes from the input (« … », “…”, `…`) and without
/// codes in brackets.
fn unquoted(s: &str) -> String {
    let mut out = String::new();
    let mut close = None;
    for c in s.chars() {
        match close {
            Some(end) if c == end => close = None,
            Some(_) => {}
            None => match c {
                '«' => close = Some('»'),
                '“' => close = Some('”'),
                '`' => close = Some('`'),
                '[' => close = Some(']'),
                _ => out.push(c),
            },
        }
    }
    out
}

fn check(lang: &str, foreign: &[&str]) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("decp-lang-{lang}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, bytes) in broken() {
        std::fs::write(dir.join(name), bytes).unwrap();
        files.push(name.to_string());
    }
    for entry in std::fs::read_dir(root().join("tests/data/cases")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "json" || e == "xml") {
            files.push(p.to_string_lossy().into_owned());
        }
    }
    let mut bad = Vec::new();
    for (label, text) in outputs(&dir, &files, lang) {
        for said in words(&text) {
            // File names are the user's; codes, paths and quoted values neutral.
            let mut said = said;
            for f in &files {
                said = said.replace(f.as_str(), "");
            }
            let said = unquoted(&said).to_lowercase();
            let found = said
                .split(|c: char| !c.is_alphanumeric())
                .find(|w| foreign.contains(w));
            if let Some(w) = found {
                bad.push(format!("{label}: “{w}” in: {said}"));
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        bad.is_empty(),
        "{} lines in the other language:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn french_runs_say_nothing_in_english() {
    check("fr", ENGLISH);
}

#[test]
fn english_runs_say_nothing_in_french() {
    check("en", FRENCH);
}

/// The help (`-h`, `--help`, of the tool and of every command) and the usage
/// errors speak the run's language too: French unless `--lang en`.
#[test]
fn help_and_usage_errors_speak_the_language_of_the_run() {
    let commands = [
        "", "validate", "convert", "upgrade", "flatten", "dedup", "stats", "rules",
    ];
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for c in commands {
        for flag in ["-h", "--help"] {
            runs.push([c, flag].into_iter().filter(|a| !a.is_empty()).collect());
        }
    }
    runs.push(vec!["help", "flatten"]);
    runs.push(vec!["help", "help"]);
    for wrong in [
        "validate --bogus x",
        "validate --report foo x",
        "validate",
        "frobnicate",
        "convert x",
        "validate -j abc x",
        "convert x --to json --to xml",
        "validat x",
        "validate --repot json x",
        "validate --report= x",
    ] {
        runs.push(wrong.split(' ').collect());
    }
    let mut bad = Vec::new();
    // English by `--lang en`, or by the environment (`DECP_LANG=en`), which
    // `decp help COMMAND` (no option) and the tool's own help follow too.
    for (lang, by_env, foreign) in [
        ("fr", false, ENGLISH),
        ("en", false, FRENCH),
        ("en", true, FRENCH),
    ] {
        for args in &runs {
            let mut args = args.clone();
            if lang == "en" && !by_env {
                if args[0] == "help" {
                    // `decp help COMMAND` takes no option.
                    continue;
                }
                args.extend(["--lang", "en"]);
            }
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_decp"));
            cmd.args(&args).env_remove("DECP_LANG");
            if by_env {
                cmd.env("DECP_LANG", "en");
            }
            let o = cmd.output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            let help = args.iter().any(|a| matches!(*a, "-h" | "--help" | "help"));
            assert_eq!(
                o.status.code(),
                Some(if help { 0 } else { 2 }),
                "{args:?}: {text}"
            );
            assert!(text.len() > 40, "{args:?}: {text}");
            for line in text.lines() {
                let said = unquoted(line).to_lowercase();
                if let Some(w) = said
                    .split(|c: char| !c.is_alphanumeric())
                    .find(|w| foreign.contains(w))
                {
                    bad.push(format!("{lang} (env {by_env}) {args:?}: “{w}” in: {line}"));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} lines in the other language:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// `DECP_LANG` chooses the language when `--lang` does not: `--lang` wins, an
/// empty value is no choice, any value but `fr` and `en` is a usage error.
#[test]
fn decp_lang_chooses_the_language_unless_lang_does() {
    let dir = std::env::temp_dir().join(format!("decp-lang-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("a.json");
    std::fs::write(&input, br#"{"marches":{"marche":[{"id":"A"}]}}"#).unwrap();
    let run = |env: Option<&str>, extra: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_decp"));
        cmd.arg("validate")
            .args(extra)
            .arg(&input)
            .env_remove("DECP_LANG");
        if let Some(v) = env {
            cmd.env("DECP_LANG", v);
        }
        let o = cmd.output().unwrap();
        (
            o.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    };
    let english = "required field missing";
    let french = "champ obligatoire absent";
    let (code, text) = run(None, &[]);
    assert_eq!(code, Some(1));
    assert!(text.contains(french), "{text}");
    let (code, text) = run(Some("en"), &[]);
    assert_eq!(code, Some(1));
    assert!(text.contains(english) && !text.contains(french), "{text}");
    let (_, text) = run(Some("en"), &["--lang", "fr"]);
    assert!(text.contains(french) && !text.contains(english), "{text}");
    let (_, text) = run(Some("fr"), &["--lang", "en"]);
    assert!(text.contains(english), "{text}");
    let (_, text) = run(Some(""), &[]);
    assert!(text.contains(french), "{text}");
    let (code, text) = run(Some("de"), &[]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("DECP_LANG"), "{text}");
    // Only a default: an explicit `--lang` makes it irrelevant.
    let (code, text) = run(Some("de"), &["--lang", "en"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(english), "{text}");
    // An invalid `--lang` is refused in the language chosen before it.
    let (code, text) = run(Some("en"), &["--lang", "de"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("invalid value 'de'"), "{text}");
    assert!(!text.contains("DECP_LANG"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}
