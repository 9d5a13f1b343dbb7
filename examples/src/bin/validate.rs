//! Validates a file and prints every finding, then a count per code.
//!
//! `cargo run -p decp-examples --bin validate -- FILE`

use std::collections::BTreeMap;

use decp_core::{Lang, Reader, Validator, ValidatorOptions};

fn main() -> Result<(), decp_core::Error> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/data/official/v2/json/marches_concessions.json".into());
    let validator = Validator::new(ValidatorOptions::default());
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for item in Reader::from_path(&path)?.records() {
        let item = item?;
        for issue in validator.check(&item) {
            *counts.entry(issue.code.as_str()).or_default() += 1;
            let p = issue.position.unwrap_or(item.position);
            println!(
                "{path}:{}:{}: {} [{}] {} ({})",
                p.line,
                p.column,
                issue.severity(),
                issue.code,
                issue.message(Lang::Fr),
                issue.path
            );
        }
    }
    for (code, n) in counts {
        eprintln!("{n:>8} {code}");
    }
    Ok(())
}
