//! `decp convert` and `decp upgrade`: JSON ↔ XML (and NDJSON out), through the
//! typed model; `upgrade` maps v1 records to v2 on the way.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use decp_core::ocds::PackageBuilder;
use decp_core::{AtomicFile, Checker, ConvertError, Format, Lang, Mode, WriterBuilder};

use crate::input::Input;
use crate::progress::Progress;
use crate::validate::io_text;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// The official JSON shape.
    Json,
    /// The official XML shape.
    Xml,
    /// One record per line in the official JSON shape, with a `"kind"` member.
    Ndjson,
    /// An OCDS 1.1 release package: one release per contract state (needs
    /// --ocid-prefix).
    Ocds,
}

/// Options of the command.
pub struct Options {
    /// `None`: the input's format.
    pub to: Option<OutFormat>,
    pub from: Option<Format>,
    pub strict: bool,
    pub compact: bool,
    pub jobs: usize,
    /// Print no finding and no progress bar.
    pub quiet: bool,
    /// Print at most this many findings.
    pub max_issues: Option<u64>,
    /// Upgrade v1 records to v2 (`decp upgrade`).
    pub upgrade: bool,
    /// Repair producers' defects while reading.
    pub normalize: bool,
    /// Language of the findings on stderr.
    pub lang: Lang,
    /// The OCDS package's metadata (`--to ocds`).
    pub ocds: OcdsOptions,
}

/// The OCDS package's metadata.
#[derive(Default)]
pub struct OcdsOptions {
    /// The publisher's registered `ocid` prefix (required for `--to ocds`).
    pub ocid_prefix: Option<String>,
    /// The package's `uri`.
    pub uri: Option<String>,
    /// The publisher's name.
    pub publisher: Option<String>,
}

/// Where a conversion writes: standard output, or an [`AtomicFile`] (a
/// temporary file beside the target, renamed to it only once the conversion has
/// succeeded, so that a failed conversion never leaves a half-written or
/// truncated file; a link's target replaced beside itself; a device, a FIFO
/// or `/dev/stdout` written directly: see [`AtomicFile`]).
pub enum Output {
    /// `-`.
    Stdout(BufWriter<io::StdoutLock<'static>>),
    /// A file (or a device).
    File(BufWriter<AtomicFile>),
}

impl Output {
    /// Opens the output for `path` (`-`: standard output). Refuses an output that
    /// is the input: converting a file onto itself would destroy it.
    pub fn open(path: &Path, input: &Input, lang: Lang) -> Result<Output, String> {
        if path.as_os_str() == "-" {
            return Ok(Output::Stdout(BufWriter::new(io::stdout().lock())));
        }
        if let Input::File(i) = input
            && same_file(i, path)
        {
            return Err(format!(
                "{}: {}",
                path.display(),
                match lang {
                    Lang::Fr =>
                        "la sortie est l'entrée : écrire dans un autre fichier, puis le renommer",
                    Lang::En => "the output is the input; write to another file, then rename it",
                }
            ));
        }
        let tmp = AtomicFile::create(path)
            .map_err(|e| format!("{}: {}", path.display(), io_text(e, lang)))?;
        Ok(Output::File(BufWriter::new(tmp)))
    }

    /// Opens the output for `path`, refusing one that is any of the inputs.
    pub fn open_for(path: &Path, inputs: &[Input], lang: Lang) -> Result<Output, String> {
        let clash = inputs
            .iter()
            .find(|i| matches!(i, Input::File(f) if path.as_os_str() != "-" && same_file(f, path)));
        Output::open(path, clash.unwrap_or(&Input::Stdin), lang)
    }

    /// Flushes the output; a file is renamed to its target.
    pub fn commit(self, lang: Lang) -> Result<(), String> {
        match self {
            Output::Stdout(mut w) => w.flush().map_err(|e| format!("-: {}", io_text(e, lang))),
            Output::File(tmp) => {
                let mut tmp = tmp.into_inner().map_err(|e| {
                    let (e, w) = e.into_parts();
                    format!("{}: {}", w.get_ref().path().display(), io_text(e, lang))
                })?;
                tmp.commit()
                    .map_err(|e| format!("{}: {}", tmp.path().display(), io_text(e, lang)))
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(tmp) => tmp.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(tmp) => tmp.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(tmp) => tmp.flush(),
        }
    }
}

/// Whether two paths name the same file (the same inode, or the same canonical
/// path where inodes are not known).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Converts; findings go to stderr. Exit code 0, 1 when a record could not be
/// converted or has an error finding, 2 when the input cannot be read or the
/// output written (the output file is then left as it was).
pub fn run(input: &Input, output: &Path, o: &Options) -> Result<u8, String> {
    let name = input.name();
    let mode = if o.strict {
        Mode::Strict
    } else {
        Mode::Tolerant
    };
    let reader = input
        .reader(mode, o.from, o.normalize)
        .map_err(|e| format!("{name}: {}", e.text(o.lang)))?;
    let to = o.to.unwrap_or(match reader.format() {
        Format::Json => OutFormat::Json,
        Format::Xml => OutFormat::Xml,
    });
    if to != OutFormat::Ocds
        && (o.ocds.ocid_prefix.is_some() || o.ocds.uri.is_some() || o.ocds.publisher.is_some())
    {
        // Options of the OCDS package given for another output: a mistake, not ignored.
        return Err(match o.lang {
            Lang::Fr => "--ocid-prefix, --package-uri et --publisher vont avec --to ocds".into(),
            Lang::En => "--ocid-prefix, --package-uri and --publisher go with --to ocds".into(),
        });
    }
    let package = match (to, &o.ocds.ocid_prefix) {
        (OutFormat::Ocds, None) => {
            return Err(match o.lang {
                Lang::Fr => "--to ocds demande --ocid-prefix (le préfixe d'ocid enregistré par l'éditeur des données, par exemple ocds-213czf)".into(),
                Lang::En => "--to ocds needs --ocid-prefix (the publisher's registered ocid prefix, such as ocds-213czf)".into(),
            });
        }
        (OutFormat::Ocds, Some(prefix)) => {
            decp_core::ocds::check_prefix(prefix)
                .map_err(|e| format!("--ocid-prefix: {}", e.text(o.lang)))?;
            let mut b = PackageBuilder::new(prefix.clone());
            b.pretty(!o.compact);
            if let Some(u) = &o.ocds.uri {
                b.uri(u.clone());
            }
            if let Some(p) = &o.ocds.publisher {
                b.publisher(p.clone());
            }
            Some(b)
        }
        _ => None,
    };
    let out = Output::open(output, input, o.lang)?;
    // OCDS is written from v2: v1 records are upgraded (and the upgrade's findings reported).
    let checker = Checker::new(reader.decode_options()).upgrade(o.upgrade || package.is_some());
    let progress = Progress::new(input.size(), o.quiet, &name);
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let mut n = 0u64;
    let mut printed = 0u64;
    let each = |c: &decp_core::Checked| {
        n += 1;
        for f in &c.issues {
            if o.quiet || o.max_issues.is_some_and(|m| printed >= m) {
                break;
            }
            printed += 1;
            let _ = writeln!(err, "{}", crate::validate::issue_line(&name, f, o.lang));
        }
        progress.counts(n, 0);
        true
    };
    let bytes = &|b| progress.bytes(b);
    let (result, finished) = match package {
        Some(b) => {
            let mut w = b.from_writer(out);
            let r = checker.convert(reader, &mut w, o.jobs, bytes, each);
            (r, w.finish())
        }
        None => {
            let builder = match to {
                OutFormat::Json => *WriterBuilder::new(Format::Json).pretty(!o.compact),
                OutFormat::Xml => *WriterBuilder::new(Format::Xml).pretty(!o.compact),
                OutFormat::Ndjson | OutFormat::Ocds => WriterBuilder::ndjson(),
            };
            let mut w = builder.from_writer(out);
            let r = checker.convert(reader, &mut w, o.jobs, bytes, each);
            (r, w.finish())
        }
    };
    progress.finish();
    let done = match result {
        Ok(done) => done,
        Err(ConvertError::Read(e)) => return Err(format!("{name}: {}", e.text(o.lang))),
        Err(ConvertError::Write(e)) => {
            if let decp_core::ErrorKind::Io(io) = e.kind()
                && io.kind() == io::ErrorKind::BrokenPipe
            {
                // A closed pipe (`| head`): stop quietly, as SIGPIPE would.
                return Ok(141);
            }
            return Err(format!("{}: {}", output.display(), e.text(o.lang)));
        }
    };
    let out = finished.map_err(|e| format!("{}: {}", output.display(), e.text(o.lang)))?;
    out.commit(o.lang)?;
    // 1 when a record could not be converted or has an error finding (as --help says).
    Ok(u8::from(done.unreadable > 0 || done.errors > 0))
}
