//! A document is whole or visibly not: a writer dropped without `finish`
//! leaves its document unclosed (a reader reports it truncated), and the file of
//! `WriterBuilder::from_path` is only created, whole, by `finish`.

use decp_core::{Format, Reader, Record, WriterBuilder, model::Marche, set};

fn marche(id: &str) -> Record {
    Record::Marche(Marche {
        id: set(id.into()),
        ..Default::default()
    })
}

fn dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("decp-writer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn entries(d: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Records read back from `bytes`, or the fatal error that stopped reading.
fn read_back(bytes: &[u8]) -> Result<usize, decp_core::Error> {
    let mut reader = Reader::from_slice(bytes)?;
    let mut n = 0;
    for item in reader.records() {
        item?;
        n += 1;
    }
    Ok(n)
}

#[test]
fn a_writer_dropped_without_finish_leaves_the_document_unclosed() {
    for format in [Format::Json, Format::Xml] {
        let mut out = Vec::new();
        {
            let mut w = WriterBuilder::new(format).from_writer(&mut out);
            w.write_record(&marche("A")).unwrap();
            w.write_record(&marche("B")).unwrap();
            // Dropped: an error in the caller's own code, say.
        }
        assert!(
            read_back(&out).is_err(),
            "{format:?}: an unfinished document must not read as whole: {}",
            String::from_utf8_lossy(&out)
        );
        let mut w = WriterBuilder::new(format).from_writer(Vec::new());
        w.write_record(&marche("A")).unwrap();
        w.write_record(&marche("B")).unwrap();
        assert_eq!(read_back(&w.finish().unwrap()).unwrap(), 2, "{format:?}");
    }
}

#[test]
fn from_path_creates_the_file_only_on_finish() {
    let d = dir("from-path");
    let path = d.join("out.json");
    std::fs::write(&path, b"the file before").unwrap();
    {
        let mut w = WriterBuilder::new(Format::Json).from_path(&path).unwrap();
        w.write_record(&marche("A")).unwrap();
    }
    assert_eq!(std::fs::read(&path).unwrap(), b"the file before");
    assert_eq!(entries(&d), ["out.json"], "no temporary file left");

    let mut w = WriterBuilder::new(Format::Json).from_path(&path).unwrap();
    w.write_record(&marche("A")).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"the file before");
    w.finish().unwrap();
    assert_eq!(read_back(&std::fs::read(&path).unwrap()).unwrap(), 1);
    assert_eq!(entries(&d), ["out.json"]);
    std::fs::remove_dir_all(&d).unwrap();
}
