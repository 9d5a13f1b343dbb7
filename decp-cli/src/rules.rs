//! `decp rules`: the catalogue of finding codes.

use std::io::{self, Write};

use decp_core::{Lang, catalogue};

/// The versions a check applies to: `v1`, `v2`.
fn versions(v1: bool, v2: bool) -> Vec<&'static str> {
    [(v1, "v1"), (v2, "v2")]
        .into_iter()
        .filter_map(|(yes, v)| yes.then_some(v))
        .collect()
}

/// Prints the catalogue as text or JSON; a column (`versions` in JSON) says which
/// versions each check applies to.
pub fn run(json: bool, lang: Lang) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if json {
        let items: Vec<serde_json::Value> = catalogue()
            .map(|e| {
                serde_json::json!({
                    "code": e.code.as_str(),
                    "family": e.family.as_str(),
                    "severity": e.severity.as_str(),
                    "versions": versions(e.v1, e.v2),
                    "message_fr": e.fr,
                    "message_en": e.en,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(items))?;
    } else {
        for e in catalogue() {
            let msg = if lang == Lang::Fr { e.fr } else { e.en };
            writeln!(
                out,
                "{:<36} {:<8} {:<8} {:<6} {msg}",
                e.code.as_str(),
                e.family.as_str(),
                e.severity.as_str(),
                versions(e.v1, e.v2).join("+")
            )?;
        }
    }
    out.flush()
}
