//! `decp rules`: the catalogue of finding codes.

use std::io::{self, Write};

use decp_core::{Lang, catalogue};

use crate::validate::json_string;

/// Prints the catalogue as text or JSON.
pub fn run(json: bool, lang: Lang) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if json {
        let items: Vec<String> = catalogue()
            .map(|e| {
                format!(
                    "{{\"code\":{},\"family\":{},\"severity\":{},\"message_fr\":{},\"message_en\":{}}}",
                    json_string(e.code.as_str()),
                    json_string(e.family.as_str()),
                    json_string(e.severity.as_str()),
                    json_string(e.fr),
                    json_string(e.en)
                )
            })
            .collect();
        writeln!(out, "[{}]", items.join(",\n "))?;
    } else {
        for e in catalogue() {
            let msg = if lang == Lang::Fr { e.fr } else { e.en };
            writeln!(
                out,
                "{:<36} {:<8} {:<8} {msg}",
                e.code.as_str(),
                e.family.as_str(),
                e.severity.as_str()
            )?;
        }
    }
    out.flush()
}
