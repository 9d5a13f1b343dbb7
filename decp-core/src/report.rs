//! Validation reports: per file and in total, with a JSON form.

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
    /// The error that stopped reading the file, if any (the file is then not valid).
    pub fatal: Option<String>,
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
    /// report: `path`, `format` (`json`, `xml` or null), `version` (`2`, `1.5`,
    /// `1.5+2`… or null), `records`, `errors`, `warnings`, `valid`, `fatal` (only
    /// when reading stopped), `issues` (each as [`Issue::to_json`]).
    ///
    /// ```
    /// use decp_core::{FileReport, Lang};
    /// let j = FileReport::new("a.json").to_json(Lang::Fr, false);
    /// assert_eq!(j, r#"{"path":"a.json","format":null,"version":null,"records":0,"errors":0,"warnings":0,"valid":true,"issues":[]}"#);
    /// ```
    pub fn to_json(&self, lang: Lang, pretty: bool) -> String {
        let mut out = JsonOut::new(pretty);
        self.write_json(&mut out, lang);
        String::from_utf8(out.into_inner()).unwrap_or_default()
    }

    fn write_json(&self, out: &mut JsonOut, lang: Lang) {
        let n = |out: &mut JsonOut, k: &str, v: u64| {
            out.key(k);
            out.raw_value(&v.to_string());
        };
        out.begin_object();
        out.key("path");
        out.string(&self.path);
        out.key("format");
        match self.format {
            Some(x) => out.string(x.extension()),
            None => out.raw_value("null"),
        }
        out.key("version");
        match &self.version() {
            Some(v) => out.string(v),
            None => out.raw_value("null"),
        }
        n(out, "records", self.records);
        n(out, "errors", self.errors);
        n(out, "warnings", self.warnings);
        out.key("valid");
        out.raw_value(if self.valid() { "true" } else { "false" });
        if let Some(e) = &self.fatal {
            out.key("fatal");
            out.string(e);
        }
        out.key("issues");
        out.begin_array();
        for i in &self.issues {
            i.write_json(out, lang, &[]);
        }
        out.end_array();
        out.end_object();
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
    /// `{"files": [{"path", "format", "version", "records", "errors", "warnings",
    /// "valid", "issues": […]}], "summary": {"files", "records", "errors", "warnings"}}`.
    ///
    /// ```
    /// use decp_core::{FileReport, Lang, Report};
    /// let r = Report { files: vec![FileReport::new("a.json")] };
    /// let v = r.to_json(Lang::Fr, false);
    /// assert!(v.starts_with(r#"{"files":[{"path":"a.json""#));
    /// assert!(v.ends_with(r#""summary":{"files":1,"records":0,"errors":0,"warnings":0}}"#));
    /// ```
    pub fn to_json(&self, lang: Lang, pretty: bool) -> String {
        let mut out = JsonOut::new(pretty);
        let n = |out: &mut JsonOut, k: &str, v: u64| {
            out.key(k);
            out.raw_value(&v.to_string());
        };
        out.begin_object();
        out.key("files");
        out.begin_array();
        for f in &self.files {
            f.write_json(&mut out, lang);
        }
        out.end_array();
        out.key("summary");
        out.begin_object();
        n(&mut out, "files", self.files.len() as u64);
        n(&mut out, "records", self.records());
        n(&mut out, "errors", self.errors());
        n(&mut out, "warnings", self.warnings());
        out.end_object();
        out.end_object();
        String::from_utf8(out.into_inner()).unwrap_or_default()
    }
}
