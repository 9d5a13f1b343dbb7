//! Helpers for the benches: generated corpora, kept in memory.

use std::io::Read;

use decp_core::Format;
use decp_testkit::synth::SynthReader;

/// A generated DECP v2 document of about `bytes` bytes (deterministic).
pub fn corpus(format: Format, bytes: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes as usize + (1 << 16));
    SynthReader::new(format, 42, bytes)
        .read_to_end(&mut v)
        .expect("reading from memory cannot fail");
    v
}

/// The same corpus as [`corpus`], with several findings in every record
/// ([`SynthReader::dirty`]).
pub fn dirty_corpus(format: Format, bytes: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes as usize + (1 << 16));
    SynthReader::new(format, 42, bytes)
        .dirty(true)
        .read_to_end(&mut v)
        .expect("reading from memory cannot fail");
    v
}
