//! An analyst's job: read a v1 file (or any version), repair producers' defects,
//! upgrade every record to v2 and write it as v2 JSON on stdout; every repair and
//! every upgrade finding goes to stderr.
//!
//! `cargo run -p decp-examples --bin upgrade -- FILE > out.json`

use decp_core::{Format, Lang, ReaderBuilder, Writer};

fn main() -> Result<(), decp_core::Error> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/data/official/v1.5/json/paquet.json".into());
    let reader = ReaderBuilder::new().normalize(true).from_path(&path)?;
    let mut writer = Writer::from_writer(std::io::stdout().lock(), Format::Json);
    for item in reader.into_records() {
        let item = item?.upgrade();
        eprintln!("{} (version {})", item.path, item.version);
        for f in &item.findings {
            eprintln!(
                "  {} [{}] {} ({})",
                f.severity(),
                f.code,
                f.message(Lang::En),
                f.path
            );
        }
        writer.write_record(&item.record)?;
    }
    let _stdout = writer.finish()?;
    Ok(())
}
