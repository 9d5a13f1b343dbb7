//! Writes a generated DECP v2 corpus to standard output.
//!
//! Usage: `gen-corpus json|xml SIZE_MB [SEED] [dirty]` (`dirty`: several findings
//! in every record), e.g.
//! `cargo run --release -p decp-benches --bin gen-corpus -- json 200 > /tmp/c.json`.

use std::io::{self, Write};
use std::process::ExitCode;

use decp_core::Format;
use decp_testkit::synth::SynthReader;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(format), Some(size)) = (args.first(), args.get(1)) else {
        eprintln!("usage: gen-corpus json|xml SIZE_MB [SEED] [dirty]");
        return ExitCode::from(2);
    };
    let Ok(format) = format.parse::<Format>() else {
        eprintln!("gen-corpus: unknown format {format}");
        return ExitCode::from(2);
    };
    let Ok(mb) = size.parse::<u64>() else {
        eprintln!("gen-corpus: SIZE_MB must be a whole number");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(42);
    let dirty = args.get(3).is_some_and(|a| a == "dirty");
    let mut src = SynthReader::new(format, seed, mb << 20).dirty(dirty);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if let Err(e) = io::copy(&mut src, &mut out).and_then(|_| out.flush()) {
        eprintln!("gen-corpus: {e}");
        return ExitCode::from(2);
    }
    eprintln!("gen-corpus: {} records", src.records());
    ExitCode::SUCCESS
}
