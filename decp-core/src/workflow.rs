//! The per-record step and the file workflows every surface shares: validating an
//! input into a [`FileReport`], converting or upgrading it into a [`Writer`].
//!
//! The CLI calls these functions, and the Python package and the C library are to
//! call the same ones, so that their verdicts, codes, paths, positions and counts
//! are equal by construction; they only add threads, rendering and types of their
//! own.

use std::io::Read;

use crate::error::{Error, ErrorKind, Position};
use crate::issue::{Issue, IssueCode};
use crate::pipeline::{self, Item};
use crate::read::{DecodeOptions, RawRecord, Reader};
use crate::record::{Record, RecordKind, Version};
use crate::report::FileReport;
use crate::tree;
use crate::validate::Validator;
use crate::write::WriteRecord;

/// The per-record step: decode a raw record, upgrade it if asked, run the rules,
/// and place every finding at its line and column, from one parse of the record.
///
/// Built once and shared by the threads of a parallel driver
/// ([`pipeline::for_each_ordered`]).
///
/// ```
/// use decp_core::{Checker, DecodeOptions, Reader, Validator, ValidatorOptions};
/// let json = br#"{"marches": {"marche": [{"id": "A", "dureeMois": 0}]}}"#;
/// let checker = Checker::new(DecodeOptions::default()).validator(Validator::new(ValidatorOptions::default()));
/// let mut reader = Reader::from_slice(json)?;
/// let mut raw = decp_core::RawRecord::default();
/// reader.read_raw(&mut raw)?;
/// let c = checker.check_raw(&raw);
/// let dm = c.issues.iter().find(|i| i.path == "/marches/marche/0/dureeMois").unwrap();
/// assert_eq!((dm.position.unwrap().line, dm.position.unwrap().column), (1, 50));
/// # Ok::<(), decp_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Checker {
    decode: DecodeOptions,
    validator: Option<Validator>,
    upgrade: bool,
}

/// What the per-record step found about one record (or about the envelope, for
/// a recoverable read error between records).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Checked {
    /// The record, when it could be decoded (upgraded to v2 when asked).
    pub record: Option<Record>,
    /// The version told from the record's shape (before any upgrade).
    pub version: Option<Version>,
    /// Market or concession, when the item is a record.
    pub kind: Option<RecordKind>,
    /// Where the record starts; `None` for an envelope-level finding.
    pub position: Option<Position>,
    /// The record's JSON Pointer (`/marches/marche/3`), when it is a record.
    pub path: Option<String>,
    /// Every finding, placed, in document order: decoding (a record that cannot be
    /// read is one finding), upgrade, then rules, as the families asked.
    pub issues: Vec<Issue>,
    /// The record's `id` when the record itself was dropped once checked
    /// ([`Checker::validate`]).
    id_of_dropped: Option<String>,
}

/// The checked records of one batch of [`Checker::validate`], their records
/// dropped on the job that checked them: what the report needs of each, with
/// the pointers and ids of all of them in one text. Freeing a record's strings
/// on the reporting thread took the lock of the job's malloc arena twice a
/// record; a batch's text and list are two frees a batch.
#[derive(Default)]
struct Dropped {
    items: Vec<DroppedItem>,
    /// The pointers and ids of the items, one after the other.
    text: String,
}

/// One record of a [`Dropped`] batch: a [`Checked`] without its record; its
/// pointer and id as ranges of the batch's text.
struct DroppedItem {
    version: Option<Version>,
    kind: Option<RecordKind>,
    position: Option<Position>,
    path: Option<std::ops::Range<usize>>,
    issues: Vec<Issue>,
    id: Option<std::ops::Range<usize>>,
}

impl Dropped {
    /// Adds `c`; its record is dropped here, on the job.
    fn push(&mut self, c: Checked) {
        let mut keep = |s: Option<&str>| {
            s.map(|s| {
                let at = self.text.len();
                self.text.push_str(s);
                at..self.text.len()
            })
        };
        let id = keep(c.id());
        let path = keep(c.path.as_deref());
        self.items.push(DroppedItem {
            version: c.version,
            kind: c.kind,
            position: c.position,
            path,
            issues: c.issues,
            id,
        });
    }

    /// Gives each item in turn to `each` as a [`Checked`] (its record dropped,
    /// its id kept): one `Checked` whose strings are reused from one item to
    /// the next, its findings taken back after each; `false` from `each` stops.
    fn each(self, mut each: impl FnMut(&mut Checked) -> bool) -> bool {
        let mut c = Checked {
            record: None,
            version: None,
            kind: None,
            position: None,
            path: None,
            issues: Vec::new(),
            id_of_dropped: None,
        };
        let (mut path, mut id) = (String::new(), String::new());
        for item in self.items {
            let text = |buf: &mut String, r: Option<std::ops::Range<usize>>| {
                r.map(|r| {
                    let mut b = std::mem::take(buf);
                    b.clear();
                    b.push_str(&self.text[r]);
                    b
                })
            };
            c.version = item.version;
            c.kind = item.kind;
            c.position = item.position;
            c.path = text(&mut path, item.path);
            c.id_of_dropped = text(&mut id, item.id);
            c.issues = item.issues;
            let go = each(&mut c);
            path = c.path.take().unwrap_or(path);
            id = c.id_of_dropped.take().unwrap_or(id);
            if !go {
                return false;
            }
        }
        true
    }
}

impl Checked {
    /// The record's `id`, when it has a valid one (kept when the record itself
    /// was dropped once checked, as [`Checker::validate`] does).
    pub fn id(&self) -> Option<&str> {
        self.record
            .as_ref()
            .and_then(Record::id)
            .or(self.id_of_dropped.as_deref())
    }

    /// A decoded record as the per-record step's result, its decoding findings as
    /// they are (placed at the record's start when they have no position).
    /// Used by the tables (feature `arrow`).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn of_decoded(d: crate::Decoded) -> Checked {
        Checked {
            kind: Some(d.record.kind()),
            version: Some(d.version),
            position: Some(d.position),
            path: Some(d.path),
            issues: d.findings,
            record: Some(d.record),
            id_of_dropped: None,
        }
    }

    /// `true` when the item is a record (readable or not), not an envelope finding.
    pub fn is_record(&self) -> bool {
        self.position.is_some()
    }

    /// A record that could not be read (its finding at the record's own pointer),
    /// or an envelope-level finding (`raw` is `None`).
    fn unreadable(raw: Option<&RawRecord>, e: &Error) -> Checked {
        let path = raw.map(RawRecord::place);
        let mut issues: Vec<Issue> = e.to_issue().into_iter().collect();
        if let (Some(p), ErrorKind::Syntax { .. } | ErrorKind::Limit { .. }) = (&path, e.kind()) {
            for i in &mut issues {
                i.path.clone_from(p);
            }
        }
        Checked {
            record: None,
            version: None,
            kind: raw.map(RawRecord::kind),
            position: raw.map(RawRecord::position),
            path,
            issues,
            id_of_dropped: None,
        }
    }
}

/// The records of a batch of [`Checker::fold_batches`] and
/// [`Checker::fold_batches_on_jobs`], at most.
const FOLD_RECORDS: usize = 512;

impl Checker {
    /// A step that decodes with `decode` and reports the decoding findings only.
    pub fn new(decode: DecodeOptions) -> Checker {
        Checker {
            decode,
            validator: None,
            upgrade: false,
        }
    }

    /// Runs the validator's rules too (its families also filter the decoding
    /// findings, as [`Validator::check`] does).
    pub fn validator(mut self, validator: Validator) -> Checker {
        self.validator = Some(validator);
        self
    }

    /// Upgrades v1 records to v2 ([`upgrade`](crate::upgrade())), its findings
    /// placed at the v1 values they concern.
    pub fn upgrade(mut self, yes: bool) -> Checker {
        self.upgrade = yes;
        self
    }

    /// Whether v1 records are upgraded. Used by the tables (feature `arrow`).
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    pub(crate) fn upgrades(&self) -> bool {
        self.upgrade
    }

    /// The decoding options.
    pub fn decode_options(&self) -> &DecodeOptions {
        &self.decode
    }

    /// The same step, decoding with `decode` (see [`Checker::with_decode`]).
    pub(crate) fn decoding(mut self, decode: DecodeOptions) -> Checker {
        self.decode = decode;
        self
    }

    /// The same step, decoding with `decode`: the whole-input workflows decode
    /// with the options their reader split with, so the two never disagree.
    fn with_decode(&self, decode: DecodeOptions) -> std::borrow::Cow<'_, Checker> {
        if decode == self.decode {
            std::borrow::Cow::Borrowed(self)
        } else {
            std::borrow::Cow::Owned(self.clone().decoding(decode))
        }
    }

    /// The step on one item of a reader: a raw record, or a recoverable read error
    /// (which becomes one finding).
    pub fn check(&self, item: Item) -> Checked {
        match item {
            Ok(raw) => self.check_raw(&raw),
            Err(e) => Checked::unreadable(None, &e),
        }
    }

    /// The step on one raw record.
    pub fn check_raw(&self, raw: &RawRecord) -> Checked {
        raw.with_tree(&self.decode, |node, text, encoding_repair| {
            self.check_tree(raw, node, text, encoding_repair)
        })
        .unwrap_or_else(|e| Checked::unreadable(Some(raw), &e))
    }

    /// The step on a record whose tree was parsed (from its copy or in place):
    /// decode, upgrade, rules, findings placed.
    fn check_tree(
        &self,
        raw: &RawRecord,
        node: &tree::Node<'_>,
        text: &[u8],
        encoding_repair: bool,
    ) -> Result<Checked, Error> {
        {
            let d = raw.decode_node(node, text, encoding_repair, &self.decode)?;
            // Findings of the upgrade and the rules are placed at the value they
            // concern: offsets from the tree, then positions in one pass over the
            // record's text (not one pass per finding).
            let rel = |path: &str, record: &str| -> u32 {
                let rel = path.strip_prefix(record).unwrap_or(path);
                tree::locate(node, rel)
            };
            let n_decoded = d.findings.len();
            let version = d.version;
            let mut d = if self.upgrade { d.upgrade() } else { d };
            let families = self.validator.as_ref().map(|v| v.options().families);
            let mut issues = Vec::with_capacity(d.findings.len());
            let mut to_place: Vec<(u32, usize)> = Vec::new();
            for (i, f) in std::mem::take(&mut d.findings).into_iter().enumerate() {
                if families.is_none_or(|fs| fs.runs(f.family())) {
                    if i >= n_decoded {
                        to_place.push((rel(&f.path, &d.path), issues.len()));
                    }
                    issues.push(f);
                }
            }
            if let Some(v) = &self.validator {
                for f in v.run(&d.record, d.path.clone()) {
                    to_place.push((rel(&f.path, &d.path), issues.len()));
                    issues.push(f);
                }
            }
            to_place.sort_unstable();
            let mut pos = raw.position();
            let mut at = 0usize;
            for (off, k) in to_place {
                let off = (off as usize).min(text.len());
                crate::split::advance_pos(&mut pos, &text[at..off]);
                at = off;
                issues[k].position = Some(pos);
            }
            if self.validator.is_some() {
                // In document order, as a compiler lists its diagnostics.
                issues.sort_by_key(|i| i.position.map(|p| p.byte));
            }
            Ok(Checked {
                kind: Some(d.record.kind()),
                record: Some(d.record),
                version: Some(version),
                position: Some(d.position),
                path: Some(d.path),
                issues,
                id_of_dropped: None,
            })
        }
    }

    /// Runs the step on every record of `reader`, maps each result with `map` on
    /// the worker that made it, and passes the results to `sink` in document order
    /// (`false` stops): the loop that validation, conversion, the tables and the
    /// statistics share. With one job, records are parsed in place in the input
    /// buffer (no copy); with more, the reader hands copies to `jobs` threads
    /// ([`pipeline::for_each_ordered`]). `progress` is told the bytes read.
    ///
    /// # Errors
    ///
    /// The fatal error that stopped reading, after every record before it went
    /// through `sink`.
    ///
    /// ```
    /// use decp_core::{Checker, DecodeOptions, Reader};
    /// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B", "dureeMois": "x"}]}}"#;
    /// let checker = Checker::new(DecodeOptions::default());
    /// let mut counts = Vec::new();
    /// for jobs in [1, 2] {
    ///     let mut n = Vec::new();
    ///     checker.for_each(Reader::from_slice(json)?, jobs, &|_| {}, |c| c.issues.len(), |k| {
    ///         n.push(k);
    ///         true
    ///     })?;
    ///     counts.push(n);
    /// }
    /// assert_eq!(counts, [vec![0, 1], vec![0, 1]]);
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn for_each<R, T, M, S, P>(
        &self,
        mut reader: Reader<R>,
        jobs: usize,
        progress: &P,
        map: M,
        mut sink: S,
    ) -> Result<(), Error>
    where
        R: Read + Send,
        T: Send,
        M: Fn(Checked) -> T + Sync,
        S: FnMut(T) -> bool,
        P: Fn(u64) + Sync + ?Sized,
    {
        if jobs > 1 {
            return pipeline::for_each_ordered(
                reader,
                jobs,
                progress,
                |item| map(self.check(item)),
                sink,
            );
        }
        loop {
            let c = match self.next_in_place(&mut reader) {
                None => return Ok(()),
                Some(Ok(c)) => c,
                Some(Err(e)) => return Err(e),
            };
            let go = sink(map(*c));
            progress(reader.bytes_read());
            if !go {
                return Ok(());
            }
        }
    }

    /// [`Checker::for_each`] a batch at a time: the records checked on one worker
    /// are folded into one value (`new` makes it, `fold` adds a record to it) and
    /// the values reach `sink`, on the calling thread, in document order
    /// (`false` stops). For work that is cheaper to combine per batch than per
    /// record, such as counts (`decp stats`); an output that works (encodes,
    /// compresses) is better run on the jobs ([`Checker::fold_batches_on_jobs`]).
    /// A batch is at most 512 records; with one job, records are parsed in
    /// place. With several, up to eight batches folded more than one per job may
    /// wait for `sink` while it works.
    ///
    /// # Errors
    ///
    /// The fatal error that stopped reading, after every record before it went
    /// through `sink`.
    ///
    /// ```
    /// use decp_core::{Checker, DecodeOptions, Reader};
    /// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B", "dureeMois": "x"}]}}"#;
    /// let checker = Checker::new(DecodeOptions::default());
    /// for jobs in [1, 2] {
    ///     let mut findings = 0;
    ///     checker.fold_batches(Reader::from_slice(json)?, jobs, &|_| {}, || 0, |n, c| *n += c.issues.len(), |n| {
    ///         findings += n;
    ///         true
    ///     })?;
    ///     assert_eq!(findings, 1);
    /// }
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn fold_batches<R, A, N, F, S, P>(
        &self,
        reader: Reader<R>,
        jobs: usize,
        progress: &P,
        new: N,
        fold: F,
        sink: S,
    ) -> Result<(), Error>
    where
        R: Read + Send,
        A: Send,
        N: Fn() -> A + Sync,
        F: Fn(&mut A, Checked) + Sync,
        S: FnMut(A) -> bool,
        P: Fn(u64) + Sync + ?Sized,
    {
        // Batches folded that may wait while `sink` works, so that the jobs do
        // not stop for a slow output (each holds a batch's values). Measured
        // when `flatten` encoded on this thread (3.96 → 3.60 s with two jobs on
        // 1 GB); it now encodes on the jobs (`fold_batches_on_jobs`).
        const WAITING: usize = 8;
        if jobs > 1 {
            return pipeline::batches_ordered(
                reader,
                jobs,
                FOLD_RECORDS,
                WAITING,
                progress,
                |batch| self.fold_batch(batch, &new, &fold),
                sink,
            );
        }
        self.fold_here(reader, FOLD_RECORDS, progress, new, fold, sink)
    }

    /// [`Checker::fold_batches`] with `sink` run on the jobs themselves, one at
    /// a time and in document order, rather than on the calling thread: for a
    /// `sink` that works (`flatten`'s encodes and compresses the Parquet
    /// columns a batch made), which then runs on the core that made the batch,
    /// with no thread more than the jobs competing for the cores. `sink` must
    /// be [`Send`]; a panic in it is resumed on the calling thread.
    ///
    /// # Errors
    ///
    /// The fatal error that stopped reading, after every record before it went
    /// through `sink`.
    ///
    /// ```
    /// use decp_core::{Checker, DecodeOptions, Reader};
    /// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B", "dureeMois": "x"}]}}"#;
    /// let checker = Checker::new(DecodeOptions::default());
    /// for jobs in [1, 2] {
    ///     let mut ids = Vec::new();
    ///     checker.fold_batches_on_jobs(Reader::from_slice(json)?, jobs, &|_| {}, Vec::new, |v, c| v.push(c.id().map(str::to_owned)), |v| {
    ///         ids.extend(v);
    ///         true
    ///     })?;
    ///     assert_eq!(ids, [Some("A".to_owned()), Some("B".to_owned())]);
    /// }
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn fold_batches_on_jobs<R, A, N, F, S, P>(
        &self,
        reader: Reader<R>,
        jobs: usize,
        progress: &P,
        new: N,
        fold: F,
        sink: S,
    ) -> Result<(), Error>
    where
        R: Read + Send,
        A: Send,
        N: Fn() -> A + Sync,
        F: Fn(&mut A, Checked) + Sync,
        S: FnMut(A) -> bool + Send,
        P: Fn(u64) + Sync + ?Sized,
    {
        if jobs > 1 {
            return pipeline::batches_ordered_on_jobs(
                reader,
                jobs,
                FOLD_RECORDS,
                progress,
                |batch| self.fold_batch(batch, &new, &fold),
                sink,
            );
        }
        self.fold_here(reader, FOLD_RECORDS, progress, new, fold, sink)
    }

    /// One batch's records checked and folded into a value, on the job that
    /// read them.
    fn fold_batch<A, N, F>(&self, batch: Vec<Item>, new: &N, fold: &F) -> A
    where
        N: Fn() -> A,
        F: Fn(&mut A, Checked),
    {
        let mut acc = new();
        for item in batch {
            fold(&mut acc, self.check(item));
        }
        acc
    }

    /// The one-job path of [`Checker::fold_batches`]: records parsed in place,
    /// `records` to a value.
    fn fold_here<R, A, N, F, S, P>(
        &self,
        mut reader: Reader<R>,
        records: usize,
        progress: &P,
        new: N,
        fold: F,
        mut sink: S,
    ) -> Result<(), Error>
    where
        R: Read + Send,
        N: Fn() -> A,
        F: Fn(&mut A, Checked),
        S: FnMut(A) -> bool,
        P: Fn(u64) + ?Sized,
    {
        let mut acc = new();
        let mut n = 0;
        loop {
            let c = match self.next_in_place(&mut reader) {
                None => break,
                Some(Ok(c)) => c,
                Some(Err(e)) => {
                    if n > 0 {
                        sink(acc);
                    }
                    progress(reader.bytes_read());
                    return Err(e);
                }
            };
            fold(&mut acc, *c);
            n += 1;
            if n == records {
                n = 0;
                let go = sink(std::mem::replace(&mut acc, new()));
                progress(reader.bytes_read());
                if !go {
                    return Ok(());
                }
            }
        }
        if n > 0 {
            sink(acc);
        }
        progress(reader.bytes_read());
        Ok(())
    }

    /// The next record of `reader` checked, parsed in place in its buffer (the
    /// one-job path); `Err` only for a fatal error, a record that cannot be read
    /// being a checked record with its finding.
    fn next_in_place<R: Read>(
        &self,
        reader: &mut Reader<R>,
    ) -> Option<Result<Box<Checked>, Error>> {
        let c = match reader.next_parsed(|raw, parsed| match parsed {
            Ok((node, text, repair)) => self
                .check_tree(raw, node, text, repair)
                .map_or_else(|e| Box::new(Checked::unreadable(Some(raw), &e)), Box::new),
            Err(e) => Box::new(Checked::unreadable(Some(raw), &e)),
        })? {
            Ok(c) => c,
            Err(e) if e.is_fatal() => return Some(Err(e)),
            Err(e) => Box::new(Checked::unreadable(None, &e)),
        };
        Some(Ok(c))
    }

    /// Validates a whole input into `report` on `jobs` threads: every record goes
    /// through [`Checker::check`], in document order, then to `each` (a renderer:
    /// return `false` to stop; it sees the findings, the place and the id, the
    /// decoded record being dropped once checked: use [`Checker::for_each`] to
    /// keep records) and into the report (counts, versions, findings kept up to
    /// `max_issues`). A fatal read error is the report's `fatal`. Records are
    /// checked in batches (of 512) and reported a batch at a time, with one job
    /// as with several: after `false`, the rest of the batch is not reported.
    /// Records are decoded with the reader's options ([`Reader::decode_options`]),
    /// which split them; the checker's validator and upgrade apply.
    ///
    /// ```
    /// use decp_core::{Checker, DecodeOptions, FileReport, Reader, Validator, ValidatorOptions};
    /// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B", "dureeMois": "x"}]}}"#;
    /// let checker = Checker::new(DecodeOptions::default()).validator(Validator::new(ValidatorOptions::default()));
    /// let mut report = FileReport::new("a.json");
    /// let mut ids = Vec::new();
    /// checker.validate(Reader::from_slice(json)?, 2, None, &mut report, &|_| {}, |c| {
    ///     // The id stays; the decoded record is gone.
    ///     ids.push((c.id().map(str::to_owned), c.record.is_none()));
    ///     true
    /// });
    /// assert_eq!(report.records, 2);
    /// assert!(!report.valid());
    /// assert_eq!(ids, [(Some("A".to_owned()), true), (Some("B".to_owned()), true)]);
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn validate<R, P, E>(
        &self,
        reader: Reader<R>,
        jobs: usize,
        max_issues: Option<u64>,
        report: &mut FileReport,
        progress: &P,
        mut each: E,
    ) where
        R: Read + Send,
        P: Fn(u64) + Sync + ?Sized,
        E: FnMut(&Checked) -> bool,
    {
        report.format = Some(reader.format());
        let this = self.with_decode(reader.decode_options());
        let r = this.fold_batches(
            reader,
            jobs,
            progress,
            Dropped::default,
            // Freed where it was made: freeing it on the reporting thread costs
            // every job a lock per allocation (5 % of the instructions with 2 jobs).
            // What travels is the rest (see `Dropped`).
            Dropped::push,
            |d| {
                d.each(|c| {
                    let go = each(c);
                    report.absorb_parts(
                        c.is_record(),
                        c.version,
                        std::mem::take(&mut c.issues),
                        max_issues,
                    );
                    go
                })
            },
        );
        if let Err(e) = r {
            report.fatal = Some(e);
        }
    }

    /// Converts (or upgrades) a whole input into `writer` (a document [`Writer`](crate::Writer), an
    /// OCDS package: any [`WriteRecord`]) on `jobs` threads, decoding
    /// with the reader's options: every
    /// record goes through [`Checker::check`], is written, then goes to `each`
    /// (which sees its findings: return `false` to stop). A record that cannot be
    /// read is reported and not written; one the output format cannot carry is
    /// skipped with a `convert.not_written` finding, and the conversion goes on.
    /// The writer is not finished.
    ///
    /// # Errors
    ///
    /// [`ConvertError::Read`] with the reader's fatal error, or
    /// [`ConvertError::Write`] with the writer's (the output's I/O, or a value the
    /// output format cannot carry).
    ///
    /// ```
    /// use decp_core::{Checker, DecodeOptions, Format, Reader, Writer};
    /// let json = br#"{"marches": {"marche": [{"id": "A"}]}}"#;
    /// let mut w = Writer::from_writer(Vec::new(), Format::Xml);
    /// let n = Checker::new(DecodeOptions::default()).convert(Reader::from_slice(json)?, &mut w, 1, &|_| {}, |_| true)?;
    /// assert_eq!((n.records, n.written), (1, 1));
    /// assert!(String::from_utf8(w.finish()?).unwrap().contains("<id>A</id>"));
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn convert<R, O, P, E>(
        &self,
        reader: Reader<R>,
        writer: &mut O,
        jobs: usize,
        progress: &P,
        each: E,
    ) -> std::result::Result<Converted, ConvertError>
    where
        R: Read + Send,
        O: WriteRecord + ?Sized,
        P: Fn(u64) + Sync + ?Sized,
        E: FnMut(&Checked) -> bool,
    {
        self.convert_keeping(reader, writer, jobs, progress, |_| true, each)
    }

    /// [`Checker::convert`], where `keep` sees each checked record first (and may
    /// add findings to it): a record it refuses is not written, and counted in
    /// [`Converted::duplicates`] (deduplication's second pass).
    pub(crate) fn convert_keeping<R, O, P, K, E>(
        &self,
        reader: Reader<R>,
        writer: &mut O,
        jobs: usize,
        progress: &P,
        mut keep: K,
        mut each: E,
    ) -> std::result::Result<Converted, ConvertError>
    where
        R: Read + Send,
        O: WriteRecord + ?Sized,
        P: Fn(u64) + Sync + ?Sized,
        K: FnMut(&mut Checked) -> bool,
        E: FnMut(&Checked) -> bool,
    {
        let mut n = Converted::default();
        let mut write_error = None;
        let this = self.with_decode(reader.decode_options());
        let r = this.for_each(
            reader,
            jobs,
            progress,
            |c| c,
            |mut c| {
                if !keep(&mut c) {
                    n.duplicates += 1;
                    n.records += 1;
                    return each(&c);
                }
                match n.write(writer, &mut c) {
                    Ok(()) => each(&c),
                    Err(e) => {
                        write_error = Some(e);
                        false
                    }
                }
            },
        );
        if let Some(e) = write_error {
            return Err(ConvertError::Write(e));
        }
        r.map_err(ConvertError::Read)?;
        Ok(n)
    }
}

/// Why a conversion stopped: the input or the output failed.
#[derive(Debug)]
pub enum ConvertError {
    /// Reading failed (I/O, a broken envelope).
    Read(Error),
    /// Writing failed (I/O, a value the output format cannot carry).
    Write(Error),
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConvertError::Read(e) | ConvertError::Write(e) => e.fmt(f),
        }
    }
}

impl From<ConvertError> for Error {
    fn from(e: ConvertError) -> Error {
        match e {
            ConvertError::Read(e) | ConvertError::Write(e) => e,
        }
    }
}

impl std::error::Error for ConvertError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConvertError::Read(e) | ConvertError::Write(e) => Some(e),
        }
    }
}

impl FileReport {
    /// Takes in what the per-record step found about one item: a record counts
    /// (readable or not), its version is noted, its findings are counted and kept
    /// while fewer than `max_issues` are (all of them when `None`).
    pub fn absorb(&mut self, c: Checked, max_issues: Option<u64>) {
        self.absorb_parts(c.is_record(), c.version, c.issues, max_issues);
    }

    /// [`FileReport::absorb`] from the parts of a checked item it takes in.
    fn absorb_parts(
        &mut self,
        is_record: bool,
        version: Option<Version>,
        issues: Vec<Issue>,
        max_issues: Option<u64>,
    ) {
        if is_record {
            self.records += 1;
        }
        if let Some(v) = version {
            self.add_version(v);
        }
        for i in issues {
            let keep = max_issues.is_none_or(|m| (self.issues.len() as u64) < m);
            self.add(i, keep);
        }
    }
}

/// What a conversion did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Converted {
    /// Records read (readable or not).
    pub records: u64,
    /// Records written.
    pub written: u64,
    /// Records that could not be read, so not written.
    pub unreadable: u64,
    /// Records the output format could not carry, skipped (a `convert.not_written`
    /// finding each).
    pub skipped: u64,
    /// Findings of severity error.
    pub errors: u64,
    /// Findings of severity warning.
    pub warnings: u64,
    /// Records left out as duplicates: of a record kept (deduplication, a
    /// `convert.duplicate` finding each), or identical to one already written
    /// where the output cannot hold it twice (OCDS, `convert.repeated`).
    pub duplicates: u64,
}

impl Converted {
    /// Writes one checked record (written first, so that what follows sees a
    /// record the output refused: skipped, with a `convert.not_written` finding)
    /// and counts it. The error is the output's failure.
    pub(crate) fn write<O: WriteRecord + ?Sized>(
        &mut self,
        writer: &mut O,
        c: &mut Checked,
    ) -> Result<(), Error> {
        if let Some(rec) = &c.record {
            match writer.write_record(rec) {
                Ok(()) => self.written += 1,
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Write {
                            message: crate::message::Message::OcdsRepeated
                        }
                    ) =>
                {
                    // The same record again, where the output cannot hold it twice.
                    self.duplicates += 1;
                    let mut i = Issue::new(IssueCode::Repeated, c.path.clone().unwrap_or_default());
                    i.position = c.position;
                    c.issues.push(i);
                }
                Err(e) if matches!(e.kind(), ErrorKind::Write { .. }) => {
                    // The record is skipped and reported; the rest goes on, so the
                    // output never looks complete when it is not.
                    self.skipped += 1;
                    let mut i =
                        Issue::new(IssueCode::NotWritten, c.path.clone().unwrap_or_default());
                    i.position = c.position;
                    if let ErrorKind::Write { message } = e.into_kind() {
                        i.detail = Some(Box::new(message));
                    }
                    c.issues.push(i);
                }
                Err(e) => return Err(e),
            }
        } else if c.is_record() {
            self.unreadable += 1;
        }
        self.records += u64::from(c.is_record());
        self.count(&c.issues);
        Ok(())
    }

    fn count(&mut self, issues: &[Issue]) {
        for i in issues {
            match i.severity() {
                crate::Severity::Error => self.errors += 1,
                crate::Severity::Warning => self.warnings += 1,
                crate::Severity::Info => {}
            }
        }
    }
}
