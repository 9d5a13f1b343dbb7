//! `decp dedup`: one deduplicated v2 document from several sources, and the
//! duplicates report (the rule is `decp_core::dedup`'s).

use std::io::{self, Write};
use std::path::PathBuf;

use decp_core::dedup::{Dedup, Index};
use decp_core::{ConvertError, Format, Lang, Mode, WriterBuilder};

use crate::convert::Output;
use crate::input::Input;
use crate::progress::Progress;
use crate::validate::{io_text, issue_line};

/// What `dedup` was asked.
pub struct Options {
    pub output: PathBuf,
    /// `None`: the first input's format.
    pub to: Option<Format>,
    pub report: Option<PathBuf>,
    pub prefer: Vec<String>,
    pub normalize: bool,
    pub from: Option<Format>,
    pub compact: bool,
    pub jobs: usize,
    pub quiet: bool,
    pub max_issues: Option<u64>,
    pub lang: Lang,
}

/// The first pass over every input: their keys and rankings.
pub fn index(
    inputs: &[Input],
    o_from: Option<Format>,
    normalize: bool,
    prefer: &[String],
    jobs: usize,
    quiet: bool,
    lang: Lang,
) -> Result<Dedup, String> {
    if inputs.contains(&Input::Stdin) {
        return Err(match lang {
            Lang::Fr => "la déduplication lit ses entrées deux fois : donner des fichiers, pas l'entrée standard".into(),
            Lang::En => "deduplication reads its inputs twice: give files, not standard input".into(),
        });
    }
    let mut index = Index::new(prefer.to_vec());
    for input in inputs {
        let name = input.name();
        let reader = input
            .reader(Mode::Tolerant, o_from, normalize)
            .map_err(|e| format!("{name}: {}", e.text(lang)))?;
        let progress = Progress::new(input.size(), quiet, &name);
        let r = index.add(name.clone(), reader, jobs, &|b| progress.bytes(b));
        progress.finish();
        r.map_err(|e| format!("{name}: {}", e.text(lang)))?;
    }
    Ok(index.finish())
}

/// Deduplicates; findings go to stderr. Exit code 0, 1 when a record could not be
/// read or written, 2 when an input cannot be read or the output written.
pub fn run(inputs: &[Input], o: &Options) -> Result<u8, String> {
    // The report's place is checked before the work, not after it.
    let mut report_out = match &o.report {
        Some(path) => Some((path, Output::open_for(path, inputs, o.lang)?)),
        None => None,
    };
    let mut dedup = index(
        inputs,
        o.from,
        o.normalize,
        &o.prefer,
        o.jobs,
        o.quiet,
        o.lang,
    )?;
    // The groups' keys are noted for the report only.
    dedup.collect_keys(report_out.is_some());
    let first_format = match inputs.first() {
        Some(i) => i
            .reader(Mode::Tolerant, o.from, o.normalize)
            .map(|r| r.format())
            .map_err(|e| format!("{}: {}", i.name(), e.text(o.lang)))?,
        None => Format::Json,
    };
    let out = Output::open_for(&o.output, inputs, o.lang)?;
    let mut writer = WriterBuilder::new(o.to.unwrap_or(first_format))
        .pretty(!o.compact)
        .from_writer(out);
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let mut printed = 0u64;
    let (mut records, mut written, mut dropped, mut bad) = (0u64, 0u64, 0u64, false);
    for (k, input) in inputs.iter().enumerate() {
        let name = input.name();
        let reader = input
            .reader(Mode::Tolerant, o.from, o.normalize)
            .map_err(|e| format!("{name}: {}", e.text(o.lang)))?;
        let progress = Progress::new(input.size(), o.quiet, &name);
        let r = dedup.convert(
            k as u32,
            reader,
            &mut writer,
            o.jobs,
            &|b| progress.bytes(b),
            |c| {
                for f in &c.issues {
                    if o.quiet || o.max_issues.is_some_and(|m| printed >= m) {
                        break;
                    }
                    printed += 1;
                    let _ = writeln!(err, "{}", issue_line(&name, f, o.lang));
                }
                true
            },
        );
        progress.finish();
        let n = match r {
            Ok(n) => n,
            Err(ConvertError::Read(e)) => return Err(format!("{name}: {}", e.text(o.lang))),
            Err(ConvertError::Write(e)) => {
                if broken_pipe(&e) {
                    // A closed pipe (`| head`): stop quietly, as SIGPIPE would.
                    return Ok(141);
                }
                return Err(format!("{}: {}", o.output.display(), e.text(o.lang)));
            }
        };
        records += n.records;
        written += n.written;
        dropped += n.duplicates;
        bad |= n.unreadable > 0 || n.errors > 0;
    }
    let out = match writer.finish() {
        Ok(out) => out,
        Err(e) if broken_pipe(&e) => return Ok(141),
        Err(e) => return Err(format!("{}: {}", o.output.display(), e.text(o.lang))),
    };
    // The report is written out before the output takes its name: a report
    // that cannot be written (a full disk) leaves no output either.
    if let Some((path, r)) = &mut report_out {
        dedup
            .write_report(&mut *r)
            .and_then(|()| r.write_all(b"\n"))
            .and_then(|()| r.flush())
            .map_err(|e| format!("{}: {}", path.display(), io_text(e, o.lang)))?;
    }
    out.commit(o.lang)?;
    if let Some((_, r)) = report_out.take() {
        r.commit(o.lang)?;
    }
    if !o.quiet {
        let (g, near) = (dedup.groups() as u64, dedup.near_groups() as u64);
        let p = |n: u64, one: &str, many: &str| crate::validate::plural(n, one, many, o.lang);
        match o.lang {
            Lang::Fr => eprintln!(
                "{}, {}, {} ({}), {}",
                p(records, "enregistrement lu", "enregistrements lus"),
                p(written, "écrit", "écrits"),
                p(
                    dropped,
                    "doublon laissé de côté",
                    "doublons laissés de côté"
                ),
                p(g, "groupe", "groupes"),
                p(
                    near,
                    "groupe de quasi-doublons",
                    "groupes de quasi-doublons"
                ),
            ),
            Lang::En => eprintln!(
                "{} read, {written} written, {} left out ({}), {} of near duplicates",
                p(records, "record", "records"),
                p(dropped, "duplicate", "duplicates"),
                p(g, "group", "groups"),
                p(near, "group", "groups"),
            ),
        }
    }
    Ok(u8::from(bad))
}

/// Whether writing failed because the reader of a pipe went away (`| head`).
fn broken_pipe(e: &decp_core::Error) -> bool {
    matches!(e.kind(), decp_core::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe)
}
