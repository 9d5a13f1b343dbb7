//! Reads the bundled sample file, prints each finding and each market's id and
//! amount on stderr, and writes the records as XML on stdout (the README's example).

use decp_core::{Format, Reader, Record, Writer};

fn main() -> Result<(), decp_core::Error> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "tests/data/official/v2/json/marches_concessions.json".into());
    let mut reader = Reader::from_path(path)?;
    let mut writer = Writer::from_writer(std::io::stdout(), Format::Xml);
    for item in reader.records() {
        let item = item?;
        for finding in &item.findings {
            eprintln!("{finding}");
        }
        if let Record::Marche(m) = &item.record {
            eprintln!("{:?} {:?}", m.id, m.montant);
        }
        writer.write_record(&item.record)?;
    }
    writer.finish()?;
    Ok(())
}
