//! Validation reports: per file and in total, with a JSON form.

use crate::error::Error;
use crate::format::Format;
use crate::issue::{Issue, Lang, Severity};
use crate::record::Version;
use crate::write_out::JsonOut;

/// What validation found in one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileReport {
    /// The file's name as given (`-` for standard input).
    pub path: String,
    /// The detected format.
    pub format: Option<Format>,
    /// The versions detected in the file's records, each once, in version order
    /// (one, unless the file mixes shapes).
    pub versions: Vec<Version>,
    /// Records read (those that could not be decoded count too).
    pub records: u64,
    /// Findings of severity error.
    pub errors: u64,
    /// Findings of severity warning.
    pub warnings: u64,
    /// Findings of severity info.
    pub infos: u64,
    /// The findings kept (all of them, unless a maximum was set).
    pub issues: Vec<Issue>,
    /// The error that stopped reading the file, if any (the file is then not valid);
    /// [`Error::text`] words it in either language.
    pub fatal: Option<Error>,
}

impl FileReport {
    /// A report for a file.
    pub fn new(path: impl Into<String>) -> FileReport {
        FileReport {
            path: path.into(),
            ..FileReport::default()
        }
    }

    /// Counts a finding; keeps it when `keep` is true.
    pub fn add(&mut self, issue: Issue, keep: bool) {
        match issue.severity() {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
        if keep {
            self.issues.push(issue);
        }
    }

    /// Notes the version of a record.
    pub fn add_version(&mut self, v: Version) {
        if let Err(i) = self.versions.binary_search(&v) {
            self.versions.insert(i, v);
        }
    }

    /// The detected version as reported: `1.5`, `2`, or `1.5+2` for a file mixing
    /// shapes; `None` when no record was read.
    pub fn version(&self) -> Option<String> {
        (!self.versions.is_empty()).then(|| {
            self.versions
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join("+")
        })
    }

    /// No error finding, and the file could be read to the end.
    pub fn valid(&self) -> bool {
        self.errors == 0 && self.fatal.is_none()
    }

    /// The report of one file as one JSON object, the entry of the CLI's JSON
    /// report: `path`, `format` (`json`, `xml` or null), `issues` (each as
    /// [`Issue::to_json`]), then the counts, which a stream knows only at the end:
    /// `version` (`2`, `1.5`, `1.5+2`… or null), `records`, `errors`, `warnings`,
    /// `valid`, and `fatal` (only when reading stopped). [`JsonReportWriter`]
    /// writes the same entries as findings come.
    ///
    /// ```
    /// use decp_core::{FileReport, Lang};
    /// let j = FileReport::new("a.json").to_json(Lang::Fr, false);
    /// assert_eq!(j, r#"{"path":"a.json","format":null,"issues":[],"version":null,"records":0,"errors":0,"warnings":0,"valid":true}"#);
    /// ```
    pub fn to_json(&self, lang: Lang, pretty: bool) -> String {
        let mut out = Vec::new();
        let p = Pretty {
            on: pretty,
            depth: 0,
        };
        file_head(&mut out, &self.path, self.format, p);
        for (k, i) in self.issues.iter().enumerate() {
            file_issue(&mut out, i, lang, k == 0, p);
        }
        file_tail(&mut out, self, lang, !self.issues.is_empty(), p);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Indentation of the JSON report's parts.
#[derive(Clone, Copy)]
struct Pretty {
    on: bool,
    depth: usize,
}

impl Pretty {
    fn nl(self, out: &mut Vec<u8>, extra: usize) {
        if self.on {
            out.push(b'\n');
            for _ in 0..self.depth + extra {
                out.extend_from_slice(b"  ");
            }
        }
    }
    fn sep(self) -> &'static str {
        if self.on { ": " } else { ":" }
    }
}

fn json_string(s: &str) -> Vec<u8> {
    let mut o = JsonOut::new(false);
    o.string(s);
    o.into_inner()
}

/// `{"path": …, "format": …, "issues": [`
fn file_head(out: &mut Vec<u8>, path: &str, format: Option<Format>, p: Pretty) {
    out.push(b'{');
    p.nl(out, 1);
    out.extend_from_slice(format!("\"path\"{}", p.sep()).as_bytes());
    out.extend_from_slice(&json_string(path));
    out.push(b',');
    p.nl(out, 1);
    out.extend_from_slice(format!("\"format\"{}", p.sep()).as_bytes());
    match format {
        Some(f) => out.extend_from_slice(&json_string(f.extension())),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b',');
    p.nl(out, 1);
    out.extend_from_slice(format!("\"issues\"{}[", p.sep()).as_bytes());
}

/// One finding of the `issues` array.
fn file_issue(out: &mut Vec<u8>, i: &Issue, lang: Lang, first: bool, p: Pretty) {
    if !first {
        out.push(b',');
    }
    let mut o = JsonOut::at_depth(p.on, p.depth + 2);
    i.write_json(&mut o, lang, &[]);
    out.extend_from_slice(o.bytes());
}

/// `], "version": …, counts…}`
fn file_tail(out: &mut Vec<u8>, f: &FileReport, lang: Lang, any: bool, p: Pretty) {
    if any {
        p.nl(out, 1);
    }
    out.push(b']');
    let member = |out: &mut Vec<u8>, k: &str, v: &[u8]| {
        out.push(b',');
        p.nl(out, 1);
        out.extend_from_slice(format!("\"{k}\"{}", p.sep()).as_bytes());
        out.extend_from_slice(v);
    };
    let version = f.version().map_or(b"null".to_vec(), |v| json_string(&v));
    member(out, "version", &version);
    member(out, "records", f.records.to_string().as_bytes());
    member(out, "errors", f.errors.to_string().as_bytes());
    member(out, "warnings", f.warnings.to_string().as_bytes());
    member(out, "valid", if f.valid() { b"true" } else { b"false" });
    if let Some(e) = &f.fatal {
        member(out, "fatal", &json_string(&e.text(lang)));
    }
    p.nl(out, 0);
    out.push(b'}');
}

/// Writes the JSON report of several files as findings come, in memory that does
/// not grow with their number: `{"files": [FILE…], "summary": {"files", "records",
/// "errors", "warnings"}}`, each `FILE` as [`FileReport::to_json`] gives it.
///
/// ```
/// use decp_core::{FileReport, Issue, IssueCode, JsonReportWriter, Lang};
/// let mut w = JsonReportWriter::new(Vec::new(), Lang::En, false);
/// w.begin_file("a.json", None)?;
/// let mut f = FileReport::new("a.json");
/// let i = Issue::new(IssueCode::Required, "/marches");
/// w.issue(&i)?;
/// f.add(i, false);
/// w.end_file(&f)?;
/// let json = String::from_utf8(w.finish()?).unwrap();
/// assert!(json.starts_with(r#"{"files":[{"path":"a.json","format":null,"issues":[{"code":"schema.required""#));
/// assert!(json.ends_with(r#""summary":{"files":1,"records":0,"errors":1,"warnings":0}}"#));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct JsonReportWriter<W: std::io::Write> {
    w: W,
    lang: Lang,
    pretty: bool,
    files: u64,
    records: u64,
    errors: u64,
    warnings: u64,
    issues_in_file: u64,
    buf: Vec<u8>,
}

impl<W: std::io::Write> JsonReportWriter<W> {
    /// Starts the report (`{"files": [`); `pretty` indents by two spaces.
    pub fn new(w: W, lang: Lang, pretty: bool) -> JsonReportWriter<W> {
        JsonReportWriter {
            w,
            lang,
            pretty,
            files: 0,
            records: 0,
            errors: 0,
            warnings: 0,
            issues_in_file: 0,
            buf: Vec::new(),
        }
    }

    /// The underlying writer (an in-memory buffer may be drained between calls).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.w
    }

    fn p(&self, depth: usize) -> Pretty {
        Pretty {
            on: self.pretty,
            depth,
        }
    }

    /// `{"files": [`
    fn open(&mut self) {
        self.buf.push(b'{');
        self.p(0).nl(&mut self.buf, 1);
        let sep = self.p(0).sep();
        self.buf
            .extend_from_slice(format!("\"files\"{sep}[").as_bytes());
    }

    fn flush_buf(&mut self) -> std::io::Result<()> {
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// Starts a file's entry.
    ///
    /// # Errors
    ///
    /// The underlying writer's.
    pub fn begin_file(&mut self, path: &str, format: Option<Format>) -> std::io::Result<()> {
        if self.files == 0 {
            self.open();
        } else {
            self.buf.push(b',');
        }
        self.p(2).nl(&mut self.buf, 0);
        let p = self.p(2);
        file_head(&mut self.buf, path, format, p);
        self.issues_in_file = 0;
        self.flush_buf()
    }

    /// Writes one finding of the current file.
    ///
    /// # Errors
    ///
    /// The underlying writer's.
    pub fn issue(&mut self, issue: &Issue) -> std::io::Result<()> {
        let p = self.p(2);
        file_issue(&mut self.buf, issue, self.lang, self.issues_in_file == 0, p);
        self.issues_in_file += 1;
        self.flush_buf()
    }

    /// Ends the current file's entry with its counts (`report`'s kept findings
    /// are not written again: they went through [`JsonReportWriter::issue`]).
    ///
    /// # Errors
    ///
    /// The underlying writer's.
    pub fn end_file(&mut self, report: &FileReport) -> std::io::Result<()> {
        let p = self.p(2);
        file_tail(&mut self.buf, report, self.lang, self.issues_in_file > 0, p);
        self.files += 1;
        self.records += report.records;
        self.errors += report.errors;
        self.warnings += report.warnings;
        self.flush_buf()
    }

    /// Ends the report with its summary and returns the writer.
    ///
    /// # Errors
    ///
    /// The underlying writer's.
    pub fn finish(mut self) -> std::io::Result<W> {
        if self.files == 0 {
            self.open();
        } else {
            self.p(0).nl(&mut self.buf, 1);
        }
        self.buf.push(b']');
        self.buf.push(b',');
        self.p(0).nl(&mut self.buf, 1);
        let sep = self.p(0).sep();
        let summary = if self.pretty {
            format!(
                "\"summary\"{sep}{{\n    \"files\": {},\n    \"records\": {},\n    \"errors\": {},\n    \"warnings\": {}\n  }}",
                self.files, self.records, self.errors, self.warnings
            )
        } else {
            format!(
                "\"summary\":{{\"files\":{},\"records\":{},\"errors\":{},\"warnings\":{}}}",
                self.files, self.records, self.errors, self.warnings
            )
        };
        self.buf.extend_from_slice(summary.as_bytes());
        self.p(0).nl(&mut self.buf, 0);
        self.buf.push(b'}');
        if self.pretty {
            self.buf.push(b'\n');
        }
        self.flush_buf()?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// A report over several files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// One entry per file, in the order given.
    pub files: Vec<FileReport>,
}

impl Report {
    /// Total records.
    pub fn records(&self) -> u64 {
        self.files.iter().map(|f| f.records).sum()
    }
    /// Total errors.
    pub fn errors(&self) -> u64 {
        self.files.iter().map(|f| f.errors).sum()
    }
    /// Total warnings.
    pub fn warnings(&self) -> u64 {
        self.files.iter().map(|f| f.warnings).sum()
    }

    /// The report as one JSON object:
    /// `{"files": [{"path", "format", "issues": […], "version", "records", "errors",
    /// "warnings", "valid"}], "summary": {"files", "records", "errors", "warnings"}}`
    /// ([`JsonReportWriter`] writes the same, streaming).
    ///
    /// ```
    /// use decp_core::{FileReport, Lang, Report};
    /// let r = Report { files: vec![FileReport::new("a.json")] };
    /// let v = r.to_json(Lang::Fr, false);
    /// assert!(v.starts_with(r#"{"files":[{"path":"a.json""#));
    /// assert!(v.ends_with(r#""summary":{"files":1,"records":0,"errors":0,"warnings":0}}"#));
    /// ```
    pub fn to_json(&self, lang: Lang, pretty: bool) -> String {
        let mut w = JsonReportWriter::new(Vec::new(), lang, pretty);
        let run = |w: &mut JsonReportWriter<Vec<u8>>| -> std::io::Result<()> {
            for f in &self.files {
                w.begin_file(&f.path, f.format)?;
                for i in &f.issues {
                    w.issue(i)?;
                }
                w.end_file(f)?;
            }
            Ok(())
        };
        // Writing to memory cannot fail.
        let _ = run(&mut w);
        let mut out = w.finish().unwrap_or_default();
        if pretty && out.last() == Some(&b'\n') {
            out.pop();
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
