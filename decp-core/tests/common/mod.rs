//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use decp_core::{Decoded, Format, Mode, Reader, ReaderBuilder, Record, Writer, WriterBuilder};

/// The project's copy of the official v2 examples.
pub fn official(sub: &str) -> Vec<PathBuf> {
    official_in("v2", sub)
}

/// The project's copy of the official examples of a version (`v2`, `v1.5`).
pub fn official_in(version: &str, sub: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/official")
        .join(version)
        .join(sub);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json" || x == "xml"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no examples in {}", dir.display());
    v
}

pub fn read_all(bytes: &[u8], mode: Mode) -> Vec<Decoded> {
    ReaderBuilder::new()
        .mode(mode)
        .from_slice(bytes)
        .unwrap()
        .records()
        .collect::<Result<Vec<_>, _>>()
        .unwrap()
}

pub fn records(bytes: &[u8]) -> Vec<Record> {
    read_all(bytes, Mode::Strict)
        .into_iter()
        .map(|d| d.record)
        .collect()
}

pub fn write(records: &[Record], format: Format, pretty: bool) -> Vec<u8> {
    let mut w = WriterBuilder::new(format)
        .pretty(pretty)
        .from_writer(Vec::new());
    for r in records {
        w.write_record(r).unwrap();
    }
    w.finish().unwrap()
}

pub fn write_default(records: &[Record], format: Format) -> Vec<u8> {
    let mut w = Writer::from_writer(Vec::new(), format);
    for r in records {
        w.write_record(r).unwrap();
    }
    w.finish().unwrap()
}

pub fn first_error(bytes: &[u8]) -> decp_core::Error {
    let mut r = match Reader::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => return e,
    };
    for item in r.records() {
        if let Err(e) = item {
            return e;
        }
    }
    panic!("no error for {:?}", String::from_utf8_lossy(bytes));
}
