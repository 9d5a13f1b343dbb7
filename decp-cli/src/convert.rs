//! `decp convert` and `decp upgrade`: JSON ↔ XML (and NDJSON out), through the
//! typed model; `upgrade` maps v1 records to v2 on the way.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use decp_core::{Checker, ConvertError, Format, Lang, Mode, WriterBuilder};

use crate::input::Input;
use crate::progress::Progress;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// The official JSON shape.
    Json,
    /// The official XML shape.
    Xml,
    /// One record per line in the official JSON shape, with a `"kind"` member.
    Ndjson,
}

/// Options of the command.
pub struct Options {
    /// `None`: the input's format.
    pub to: Option<OutFormat>,
    pub from: Option<Format>,
    pub strict: bool,
    pub compact: bool,
    pub jobs: usize,
    pub quiet: bool,
    /// Upgrade v1 records to v2 (`decp upgrade`).
    pub upgrade: bool,
    /// Repair producers' defects while reading.
    pub normalize: bool,
}

/// Opens the output: a file, or stdout for `-`.
pub fn open_output(path: &Path) -> io::Result<Box<dyn Write>> {
    if path.as_os_str() == "-" {
        Ok(Box::new(BufWriter::new(io::stdout().lock())))
    } else {
        Ok(Box::new(BufWriter::new(File::create(path)?)))
    }
}

/// Converts; findings go to stderr. Exit code 0, 1 when records could not be
/// converted, 2 when the input cannot be read.
pub fn run(input: &Input, output: &Path, o: &Options) -> Result<u8, String> {
    let name = input.name();
    let mode = if o.strict {
        Mode::Strict
    } else {
        Mode::Tolerant
    };
    let reader = input
        .reader(mode, o.from, o.normalize)
        .map_err(|e| format!("{name}: {e}"))?;
    let out = open_output(output).map_err(|e| format!("{}: {e}", output.display()))?;
    let checker = Checker::new(reader.decode_options()).upgrade(o.upgrade);
    let to = o.to.unwrap_or(match reader.format() {
        Format::Json => OutFormat::Json,
        Format::Xml => OutFormat::Xml,
    });
    let builder = match to {
        OutFormat::Json => *WriterBuilder::new(Format::Json).pretty(!o.compact),
        OutFormat::Xml => *WriterBuilder::new(Format::Xml).pretty(!o.compact),
        OutFormat::Ndjson => WriterBuilder::ndjson(),
    };
    let mut writer = builder.from_writer(out);
    let progress = Progress::new(input.size(), o.quiet, &name);
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let mut n = 0u64;
    let result = checker.convert(reader, &mut writer, o.jobs, &|b| progress.bytes(b), |c| {
        n += 1;
        for f in &c.issues {
            let p = f.position.unwrap_or_default();
            let _ = writeln!(
                err,
                "{name}:{}:{}: {} [{}] {} ({})",
                p.line,
                p.column,
                f.severity(),
                f.code,
                f.message(Lang::Fr),
                f.path
            );
        }
        progress.counts(n, 0);
        true
    });
    progress.finish();
    let finished = writer.finish();
    let done = match result {
        Ok(done) => done,
        Err(ConvertError::Read(e)) => return Err(format!("{name}: {e}")),
        Err(ConvertError::Write(e)) => return Err(format!("{}: {e}", output.display())),
    };
    finished.map_err(|e| format!("{}: {e}", output.display()))?;
    Ok(u8::from(done.unreadable > 0))
}
