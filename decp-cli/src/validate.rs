//! `decp validate`: the official schemas' verdict, the regulatory rules and quality
//! warnings, as a text, JSON or NDJSON report.

use std::io::{self, Write};

use decp_core::{
    Checked, Checker, FileReport, Format, Issue, JsonReportWriter, Lang, Mode, Reader, Report,
    Severity, Validator,
};

use crate::input::Input;
use crate::progress::Progress;

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportKind {
    /// Like a compiler's diagnostics, grouped by record.
    Text,
    /// One JSON object at the end.
    Json,
    /// One finding per line, as found.
    Ndjson,
}

/// Options of the command.
pub struct Options {
    pub report: ReportKind,
    pub lang: Lang,
    pub mode: Mode,
    /// Repair producers' defects while reading (each repair is an info finding).
    pub normalize: bool,
    pub format: Option<Format>,
    pub max_issues: Option<u64>,
    pub jobs: usize,
    pub quiet: bool,
}

/// The severity in the language of the report.
pub fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match (s, lang) {
        (Severity::Error, Lang::Fr) => "erreur",
        (Severity::Warning, Lang::Fr) => "avertissement",
        (Severity::Info, _) => "info",
        (Severity::Error, Lang::En) => "error",
        (Severity::Warning, Lang::En) => "warning",
    }
}

/// `n` and the noun, singular or plural as the language wants it: French takes
/// the singular for 0 and 1 (« 0 erreur », « 1 erreur », « 2 erreurs »), English
/// for 1 only.
pub fn plural(n: u64, one: &str, many: &str, lang: Lang) -> String {
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En => n == 1,
    };
    format!("{n} {}", if singular { one } else { many })
}

/// The summary line of a file.
pub fn summary_line(f: &FileReport, lang: Lang) -> String {
    let (rec, err, warn, ok, ko) = match lang {
        Lang::Fr => (
            plural(f.records, "enregistrement", "enregistrements", lang),
            plural(f.errors, "erreur", "erreurs", lang),
            plural(f.warnings, "avertissement", "avertissements", lang),
            "conforme",
            "non conforme",
        ),
        Lang::En => (
            plural(f.records, "record", "records", lang),
            plural(f.errors, "error", "errors", lang),
            plural(f.warnings, "warning", "warnings", lang),
            "valid",
            "invalid",
        ),
    };
    let sep = if lang == Lang::Fr { " :" } else { ":" };
    format!(
        "{}{sep} {rec}, {err}, {warn} — {}",
        f.path,
        match (&f.fatal, f.valid()) {
            // Not read to the end: no verdict on what was not read.
            (Some(_), _) => match lang {
                Lang::Fr => "illisible",
                Lang::En => "unreadable",
            },
            (None, true) => ok,
            (None, false) => ko,
        }
    )
}

/// Control characters shown, not sent to the terminal (`\u{2}` for U+0002).
fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// One finding as a line: `file:line:column: severity [code] message (path)`,
/// control characters shown escaped.
pub fn issue_line(file: &str, i: &Issue, lang: Lang) -> String {
    let (l, c) = i.position.map_or((0, 0), |p| (p.line, p.column));
    format!(
        "{file}:{l}:{c}: {} [{}] {} ({})",
        severity_word(i.severity(), lang),
        i.code,
        visible(&i.message(lang)),
        visible(&i.path)
    )
}

/// Validates every input and writes the report; returns the exit code.
pub fn run(inputs: &[Input], validator: &Validator, o: &Options) -> u8 {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    // The JSON report is streamed: each finding written as it comes, the counts
    // after it, so memory does not grow with the findings.
    let mut json = (o.report == ReportKind::Json && !o.quiet)
        .then(|| JsonReportWriter::new(Vec::new(), o.lang, true));
    let mut report = Report::default();
    let mut kept = 0u64;
    let mut fatal = false;
    // Files that are not DECP at all (no `marches`): if every input is one, the
    // run found nothing to validate.
    let mut not_decp = 0usize;
    // The first failure to write the report: the run stops at once.
    let mut write_error: Option<io::Error> = None;
    for input in inputs {
        if write_error.is_some() {
            break;
        }
        let name = input.name();
        let mut fr = FileReport::new(name.clone());
        let progress = Progress::new(input.size(), o.quiet, &name);
        let reader = input.reader(o.mode, o.format, o.normalize);
        if let Some(j) = &mut json {
            let format = reader.as_ref().ok().map(Reader::format);
            if let Err(e) = j
                .begin_file(&name, format)
                .and_then(|()| out.write_all(&std::mem::take(j.get_mut())))
            {
                write_error = Some(e);
                break;
            }
        }
        match reader {
            Err(e) => {
                fr.fatal = Some(e);
            }
            Ok(reader) => {
                let checker = Checker::new(reader.decode_options()).validator(validator.clone());
                let mut findings = 0u64;
                let mut records = 0u64;
                // Every report is rendered as findings come: the report keeps counts.
                let keep = Some(0);
                let json = &mut json;
                let write_error = &mut write_error;
                let render = |c: &Checked| -> bool {
                    records += u64::from(c.is_record());
                    if c.issues
                        .iter()
                        .any(|i| i.code == decp_core::IssueCode::NotDecp)
                    {
                        not_decp += 1;
                    }
                    let mut first = true;
                    let mut written = Ok(());
                    for i in &c.issues {
                        findings += 1;
                        if o.max_issues.is_some_and(|m| kept >= m) {
                            continue;
                        }
                        kept += 1;
                        if o.quiet || written.is_err() {
                            continue;
                        }
                        written = match o.report {
                            ReportKind::Ndjson => {
                                let line = i.to_json_with(o.lang, &[("file", &name)]);
                                writeln!(out, "{line}")
                            }
                            ReportKind::Text => {
                                let header = if first {
                                    first = false;
                                    writeln!(out, "{}", record_header(&name, c, o.lang))
                                } else {
                                    Ok(())
                                };
                                header.and_then(|()| {
                                    writeln!(out, "  {}", issue_line(&name, i, o.lang))
                                })
                            }
                            ReportKind::Json => match json {
                                Some(j) => j
                                    .issue(i)
                                    .and_then(|()| out.write_all(&std::mem::take(j.get_mut()))),
                                None => Ok(()),
                            },
                        };
                    }
                    progress.counts(records, findings);
                    match written {
                        Ok(()) => true,
                        Err(e) => {
                            *write_error = Some(e);
                            false
                        }
                    }
                };
                checker.validate(
                    reader,
                    o.jobs,
                    keep,
                    &mut fr,
                    &|b| progress.bytes(b),
                    render,
                );
            }
        }
        progress.finish();
        if fr.fatal.is_some() {
            fatal = true;
        }
        if let Some(e) = &fr.fatal {
            // Fatal errors go to stderr, whatever the report.
            eprintln!(
                "decp: {}: {} {}",
                fr.path,
                match o.lang {
                    Lang::Fr => "lecture impossible :",
                    Lang::En => "cannot read:",
                },
                e.text(o.lang)
            );
        }
        if !o.quiet && write_error.is_none() {
            let written = match o.report {
                ReportKind::Text => writeln!(out, "{}", summary_line(&fr, o.lang)),
                ReportKind::Ndjson => match &fr.fatal {
                    Some(e) => {
                        let line = serde_json::json!({"file": fr.path, "fatal": e.text(o.lang)});
                        writeln!(out, "{line}")
                    }
                    None => Ok(()),
                },
                ReportKind::Json => match &mut json {
                    Some(j) => j
                        .end_file(&fr)
                        .and_then(|()| out.write_all(&std::mem::take(j.get_mut()))),
                    None => Ok(()),
                },
            };
            if let Err(e) = written.and_then(|()| out.flush()) {
                write_error = Some(e);
            }
        }
        report.files.push(fr);
    }
    if let Some(e) = write_error {
        return write_failed(e, o.lang);
    }
    if !o.quiet {
        let written = match o.report {
            ReportKind::Json => match json.take() {
                Some(j) => j.finish().and_then(|rest| out.write_all(&rest)),
                None => Ok(()),
            },
            ReportKind::Text if report.files.len() > 1 => {
                let total = FileReport {
                    path: match o.lang {
                        Lang::Fr => format!("total ({} fichiers)", report.files.len()),
                        Lang::En => format!("total ({} files)", report.files.len()),
                    },
                    records: report.records(),
                    errors: report.errors(),
                    warnings: report.warnings(),
                    fatal: report.files.iter().find_map(|f| f.fatal.clone()),
                    ..FileReport::default()
                };
                writeln!(out, "{}", summary_line(&total, o.lang))
            }
            _ => Ok(()),
        };
        if let Err(e) = written.and_then(|()| out.flush()) {
            return write_failed(e, o.lang);
        }
    }
    if !inputs.is_empty() && not_decp == inputs.len() {
        eprintln!(
            "decp: {}",
            match o.lang {
                Lang::Fr => "aucun fichier DECP parmi les entrées",
                Lang::En => "no DECP file among the inputs",
            }
        );
        return 2;
    }
    if fatal {
        2
    } else if report.errors() > 0 {
        1
    } else {
        0
    }
}

/// The exit code of a run whose report could not be written: a closed pipe
/// (`| head`) ends it quietly, as the shell's SIGPIPE would (141); any other
/// failure (a full disk) is reported, exit 2.
pub fn write_failed(e: io::Error, lang: Lang) -> u8 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        141
    } else {
        eprintln!("decp: -: {}", io_text(e, lang));
        2
    }
}

/// An I/O error in the run's language (the core words the common ones).
pub fn io_text(e: io::Error, lang: Lang) -> String {
    decp_core::Error::from(e).text(lang)
}

fn record_header(file: &str, c: &Checked, lang: Lang) -> String {
    let (Some(pos), Some(kind)) = (c.position, c.kind) else {
        return match lang {
            Lang::Fr => format!("{file} — enveloppe"),
            Lang::En => format!("{file} — envelope"),
        };
    };
    // Numbered from 1, as a person counts (JSON reports keep the 0-based index).
    let idx = pos.record.unwrap_or(0) + 1;
    let line = pos.line;
    match lang {
        Lang::Fr => {
            let id = c.id().map(|i| format!(" « {i} »")).unwrap_or_default();
            format!(
                "{file} — enregistrement {idx} ({}{id}), ligne {line}",
                kind.name()
            )
        }
        Lang::En => {
            let id = c.id().map(|i| format!(" “{i}”")).unwrap_or_default();
            format!("{file} — record {idx} ({}{id}), line {line}", kind.name())
        }
    }
}
