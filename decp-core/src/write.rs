//! The streaming [`Writer`].

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::format::Format;
use crate::message::Message;
use crate::output::AtomicFile;
use crate::record::{Record, RecordKind};
use crate::write_out::{JsonOut, XmlOut};

/// Builds a [`Writer`].
#[derive(Debug, Clone, Copy)]
pub struct WriterBuilder {
    format: Format,
    pretty: bool,
    ndjson: bool,
}

impl WriterBuilder {
    /// A builder for the given format, pretty-printed by default.
    pub fn new(format: Format) -> WriterBuilder {
        WriterBuilder {
            format,
            pretty: true,
            ndjson: false,
        }
    }

    /// NDJSON: one record per line, in the official JSON shape, with a `"kind"`
    /// member (`marche` or `contrat-concession`) first; no envelope.
    ///
    /// ```
    /// use decp_core::{WriterBuilder, set, Record, model::Marche};
    /// let mut w = WriterBuilder::ndjson().from_writer(Vec::new());
    /// w.write_record(&Record::Marche(Marche { id: set("A".into()), ..Default::default() }))?;
    /// assert_eq!(w.finish()?, b"{\"kind\":\"marche\",\"id\":\"A\"}\n");
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn ndjson() -> WriterBuilder {
        WriterBuilder {
            format: Format::Json,
            pretty: false,
            ndjson: true,
        }
    }

    /// Indented output (default) or compact output.
    pub fn pretty(&mut self, yes: bool) -> &mut WriterBuilder {
        self.pretty = yes;
        self
    }

    /// Writes to any writer (buffer it, e.g. with `BufWriter`, for files).
    pub fn from_writer<W: Write>(&self, w: W) -> Writer<W> {
        Writer {
            w: Some(w),
            format: self.format,
            pretty: self.pretty,
            first_kind: None,
            v1: None,
            counts: [0; 2],
            spill: Spill::Mem(Vec::new()),
            json: JsonOut::at_depth(self.pretty && !self.ndjson, 3),
            ndjson: self.ndjson,
            xml: XmlOut::at_depth(self.pretty, 1),
            started: false,
            commit: None,
        }
    }

    /// Writes the file `path`, whole or not at all: the records go to a
    /// temporary file beside it ([`AtomicFile`]), which [`Writer::finish`]
    /// closes, puts on disk and renames to `path`. Until then, and if the
    /// writer is dropped without `finish` or `finish` fails, `path` (or the
    /// file there before) is untouched — unless `path` is one that
    /// [`AtomicFile`] writes directly (a device, a FIFO, `/dev/stdout`), which
    /// receives the bytes as they are written.
    ///
    /// # Errors
    ///
    /// The I/O error of creating the temporary file (or of opening a path
    /// written directly).
    ///
    /// ```
    /// use decp_core::{Format, WriterBuilder, set, Record, model::Marche};
    /// let dir = std::env::temp_dir().join(format!("decp-doc-from-path-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("marches.xml");
    /// let mut w = WriterBuilder::new(Format::Xml).from_path(&path)?;
    /// w.write_record(&Record::Marche(Marche { id: set("A".into()), ..Default::default() }))?;
    /// assert!(!path.exists());
    /// w.finish()?;
    /// assert!(std::fs::read_to_string(&path)?.ends_with("</marches>\n"));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), decp_core::Error>(())
    /// ```
    pub fn from_path(&self, path: impl AsRef<Path>) -> Result<Writer<io::BufWriter<AtomicFile>>> {
        let mut w = self.from_writer(io::BufWriter::new(AtomicFile::create(path)?));
        w.commit = Some(|w: &mut io::BufWriter<AtomicFile>| {
            w.flush()?;
            w.get_mut().commit()
        });
        Ok(w)
    }
}

const SPILL_MEM: usize = 8 << 20;

/// Where JSON records of the second kind wait until the first kind's array is
/// closed: memory, then a temporary file past 8 MiB.
enum Spill {
    Mem(Vec<u8>),
    File(File),
}

impl Spill {
    fn write(&mut self, b: &[u8]) -> io::Result<()> {
        if let Spill::Mem(v) = self {
            if v.len() + b.len() <= SPILL_MEM {
                v.extend_from_slice(b);
                return Ok(());
            }
            let mut f = temp_file()?;
            f.write_all(v)?;
            *self = Spill::File(f);
        }
        match self {
            Spill::File(f) => f.write_all(b),
            Spill::Mem(_) => unreachable!(),
        }
    }

    fn drain_into(&mut self, w: &mut impl Write) -> io::Result<()> {
        match self {
            Spill::Mem(v) => {
                w.write_all(v)?;
                v.clear();
            }
            Spill::File(f) => {
                f.flush()?;
                f.rewind()?;
                io::copy(&mut Read::by_ref(f), w)?;
            }
        }
        Ok(())
    }
}

fn temp_file() -> io::Result<File> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "decp-spill-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    // The open handle keeps the data; the name is not needed (on Unix).
    let _ = std::fs::remove_file(&path);
    Ok(f)
}

/// Writes records in the official JSON or XML shape, streaming.
///
/// XML records are written in the order given. JSON keeps markets and concessions
/// in two arrays: records of the first kind seen stream straight out, records of
/// the other kind wait (in memory, then in a temporary file) until [`finish`].
///
/// Call [`Writer::finish`] to close the document. A writer dropped without it
/// does not close it: a JSON or XML document stays unclosed, which a reader
/// reports as truncated rather than take what was written for the whole (an
/// NDJSON stream has no envelope: its complete lines read as they are). The
/// file of [`WriterBuilder::from_path`] is then not created, or left as it
/// was, except for a path written directly (see [`AtomicFile`]).
///
/// [`finish`]: Writer::finish
///
/// ```
/// use decp_core::{Format, Writer, set, Record, model::Marche};
/// let mut w = Writer::from_writer(Vec::new(), Format::Json);
/// w.write_record(&Record::Marche(Marche { id: set("A".into()), ..Default::default() }))?;
/// let out = String::from_utf8(w.finish()?).unwrap();
/// assert!(out.contains("\"marche\": ["));
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct Writer<W: Write> {
    w: Option<W>,
    format: Format,
    pretty: bool,
    first_kind: Option<RecordKind>,
    /// Whether the document holds v1 records (set by the first record).
    v1: Option<bool>,
    counts: [u64; 2],
    spill: Spill,
    json: JsonOut,
    xml: XmlOut,
    started: bool,
    ndjson: bool,
    /// What [`Writer::finish`] does last (renames the file of
    /// [`WriterBuilder::from_path`]).
    commit: Option<fn(&mut W) -> io::Result<()>>,
}

impl<W: Write> Writer<W> {
    /// A pretty-printing writer for the given format.
    pub fn from_writer(w: W, format: Format) -> Writer<W> {
        WriterBuilder::new(format).from_writer(w)
    }

    fn out(&mut self) -> &mut W {
        self.w.as_mut().expect("writer used after finish")
    }

    fn nl(&self, s: &'static str) -> &'static str {
        if self.pretty { s } else { "" }
    }

    fn start(&mut self, kind: RecordKind, v1: bool) -> Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let head = match self.format {
            Format::Json if v1 => format!("{{{}\"marches\":{}[", self.nl("\n  "), self.nl(" ")),
            Format::Json => format!(
                "{{{}\"marches\":{}{{{}\"{}\":{}[",
                self.nl("\n  "),
                self.nl(" "),
                self.nl("\n    "),
                kind.name(),
                self.nl(" ")
            ),
            Format::Xml => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<marches>".to_string(),
        };
        self.out().write_all(head.as_bytes())?;
        Ok(())
    }

    /// Writes one record.
    ///
    /// A document holds records of one format family: v1 records (written in the
    /// v1 envelope `{"marches": [ … ]}`) or v2 ones; mixing them is an error
    /// (upgrade the v1 records first, see [`upgrade`](crate::upgrade())).
    pub fn write_record(&mut self, record: &Record) -> Result<()> {
        let kind = record.kind();
        let v1 = record.is_v1();
        if *self.v1.get_or_insert(v1) != v1 && !self.ndjson {
            return Err(Error::write(Message::MixedVersions {
                record: self.counts.iter().sum::<u64>(),
                version: if v1 { 1 } else { 2 },
                document: if v1 { 2 } else { 1 },
            }));
        }
        if self.ndjson {
            self.json.clear(0);
            record.emit(&mut self.json);
            let body = &self.json.bytes()[1..];
            let w = self.w.as_mut().expect("writer used after finish");
            write!(w, "{{\"kind\":\"{}\"", kind.name())?;
            if body != b"}" {
                w.write_all(b",")?;
            }
            w.write_all(body)?;
            w.write_all(b"\n")?;
            self.counts[kind as usize] += 1;
            return Ok(());
        }
        self.start(kind, v1)?;
        let first_kind = *self.first_kind.get_or_insert(kind);
        let n = if v1 {
            self.counts.iter().sum()
        } else {
            self.counts[kind as usize]
        };
        match self.format {
            Format::Json => {
                self.json.clear(if v1 { 2 } else { 3 });
                record.emit(&mut self.json);
                let sep: &[u8] = if n > 0 { b"," } else { b"" };
                if kind == first_kind || v1 {
                    let w = self.w.as_mut().expect("writer used after finish");
                    w.write_all(sep)?;
                    w.write_all(self.json.bytes())?;
                } else {
                    self.spill.write(sep)?;
                    self.spill.write(self.json.bytes())?;
                }
            }
            Format::Xml => {
                self.xml.clear(1);
                record.encode_xml(&mut self.xml);
                if let Some(e) = self.xml.error.take() {
                    return Err(Error::write(Message::InRecord {
                        record: self.counts.iter().sum::<u64>(),
                        message: Box::new(e),
                    }));
                }
                let w = self.w.as_mut().expect("writer used after finish");
                w.write_all(self.xml.bytes())?;
            }
        }
        self.counts[kind as usize] += 1;
        Ok(())
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> Result<()> {
        self.out().flush()?;
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        if self.w.is_none() {
            return Ok(());
        }
        if self.ndjson {
            self.out().flush()?;
            return Ok(());
        }
        let v1 = self.v1 == Some(true);
        self.start(RecordKind::Marche, v1)?;
        if v1 && self.format == Format::Json {
            let n = self.counts.iter().sum::<u64>();
            let end = if n > 0 && self.pretty {
                "\n  ]\n}\n"
            } else if self.pretty {
                "]\n}\n"
            } else {
                "]}\n"
            };
            self.out().write_all(end.as_bytes())?;
            self.out().flush()?;
            return Ok(());
        }
        let first_kind = self.first_kind.unwrap_or(RecordKind::Marche);
        let other = match first_kind {
            RecordKind::Marche => RecordKind::Concession,
            RecordKind::Concession => RecordKind::Marche,
        };
        match self.format {
            Format::Json => {
                let close_arr =
                    |n: u64, pretty: bool| if n > 0 && pretty { "\n    ]" } else { "]" };
                let tail1 = close_arr(self.counts[first_kind as usize], self.pretty);
                self.out().write_all(tail1.as_bytes())?;
                if self.counts[other as usize] > 0 {
                    let head = format!(
                        ",{}\"{}\":{}[",
                        self.nl("\n    "),
                        other.name(),
                        self.nl(" ")
                    );
                    let mut w = self.w.take().expect("writer present");
                    w.write_all(head.as_bytes())?;
                    let r = self.spill.drain_into(&mut w);
                    self.w = Some(w);
                    r?;
                    let tail2 = close_arr(self.counts[other as usize], self.pretty);
                    self.out().write_all(tail2.as_bytes())?;
                }
                let end = format!("{}}}{}}}\n", self.nl("\n  "), self.nl("\n"));
                self.out().write_all(end.as_bytes())?;
            }
            Format::Xml => {
                let end = format!("{}</marches>\n", self.nl("\n"));
                self.out().write_all(end.as_bytes())?;
            }
        }
        self.out().flush()?;
        Ok(())
    }

    /// Closes the document and returns the underlying writer (for
    /// [`WriterBuilder::from_path`], once the file is renamed to its path).
    ///
    /// # Errors
    ///
    /// The I/O error of writing the end of the document, of the records of the
    /// second kind kept until then, or of putting the file in place. The
    /// writer is consumed either way: after an error, the file of
    /// [`WriterBuilder::from_path`] is not created (or left as it was) and its
    /// temporary file is removed; to try again, write the records again.
    pub fn finish(mut self) -> Result<W> {
        self.close()?;
        let mut w = self.w.take().expect("writer present");
        if let Some(commit) = self.commit.take() {
            commit(&mut w)?;
        }
        Ok(w)
    }
}

/// A destination of records, one at a time: a document [`Writer`] or an OCDS
/// [`PackageWriter`](crate::ocds::PackageWriter). [`Checker::convert`](crate::Checker::convert)
/// feeds any of them.
pub trait WriteRecord {
    /// Writes one record.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Write`](crate::ErrorKind::Write) when this record cannot be
    /// written (it is skipped; the output stays whole), any other kind when the
    /// output failed.
    fn write_record(&mut self, record: &Record) -> Result<()>;
}

impl<W: Write> WriteRecord for Writer<W> {
    fn write_record(&mut self, record: &Record) -> Result<()> {
        Writer::write_record(self, record)
    }
}
