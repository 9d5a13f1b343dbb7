//! What every reader target does with an input: read it whole (strict or
//! tolerant, with or without the normaliser, upgraded or not), validate what was
//! read, and write it back; any panic is a bug.

use decp_core::{
    Checker, FileReport, Format, Limits, Mode, RawRecord, ReaderBuilder, Validator,
    ValidatorOptions, Writer, WriterBuilder, pipeline,
};

pub fn read_all(data: &[u8], format: Format) {
    let Some((&flags, data)) = data.split_first() else {
        return;
    };
    let mut b = ReaderBuilder::new();
    b.format(format)
        .mode(if flags & 1 == 0 {
            Mode::Tolerant
        } else {
            Mode::Strict
        })
        .normalize(flags & 2 != 0);
    same_cuts(data, flags, &b);
    // The per-record step and the file workflow, as the CLI runs them.
    if let Ok(reader) = b.from_slice(data) {
        let checker = Checker::new(reader.decode_options())
            .validator(Validator::new(ValidatorOptions::default()))
            .upgrade(flags & 4 != 0);
        let mut report = FileReport::new("fuzz");
        checker.validate(reader, 1, Some(100), &mut report, &|_| {}, |_| true);
        let _ = report.to_json(decp_core::Lang::Fr, flags & 8 != 0);
        // Records parsed in place, or walked and copied by the splitter as the
        // workers of several jobs get them (read a byte at a time, no record is
        // ever whole in the buffer: no in-place parse, no byte search): the same
        // report (findings, places, counts, the fatal error), JSON and XML. One
        // job here: threads' exit makes LeakSanitizer report std's channel
        // contexts.
        if flags & 16 != 0
            && let Ok(reader) = b.from_reader(OneByte(data))
        {
            let mut walked = FileReport::new("fuzz");
            checker.validate(reader, 1, Some(100), &mut walked, &|_| {}, |_| true);
            assert_eq!(report, walked, "in place and byte by byte differ");
        }
    }
    // Reading, then writing back what was read, in both formats and NDJSON.
    if let Ok(mut reader) = b.from_slice(data) {
        let mut json = Writer::from_writer(Vec::new(), Format::Json);
        let mut xml = Writer::from_writer(Vec::new(), Format::Xml);
        let mut nd = WriterBuilder::ndjson().from_writer(Vec::new());
        for item in reader.records().take(1000) {
            let Ok(d) = item else { continue };
            let _ = json.write_record(&d.record);
            let _ = xml.write_record(&d.record);
            let _ = nd.write_record(&d.record);
            let _ = d.record.to_value();
            let d = d.upgrade();
            let _ = d.record.to_json(true);
        }
        let _ = json.finish();
        let _ = xml.finish();
        // What the NDJSON writer writes, the reader reads back.
        if let Ok(bytes) = nd.finish() {
            let mut back = ReaderBuilder::new();
            back.format(Format::Json);
            if let Ok(mut r) = back.from_slice(&bytes) {
                for item in r.records() {
                    assert!(item.is_ok() || item.is_err_and(|e| !e.is_fatal()));
                }
            }
        }
    }
}

/// The reading of the parallel driver (runs of whole records cut from the buffer,
/// their ends found 64 bytes at a time) gives what the splitter's walk gives, one
/// record at a time: the same records, bytes, positions and errors. Read whole,
/// and in reads of a size taken from the input (records cut by refills, the end
/// after a refill); with the default limits, or with small ones (flag 32) so that
/// depth and size limits are met.
fn same_cuts(data: &[u8], flags: u8, b: &ReaderBuilder) {
    let mut b = b.clone();
    if flags & 32 != 0 {
        b.limits(
            Limits::default()
                .max_depth(5)
                .max_record_bytes(200)
                .max_records(40),
        );
    }
    let describe = |item: &Result<RawRecord, decp_core::Error>| match item {
        Ok(r) => format!(
            "{:?} {} {:?} {:?} {:?}",
            r.kind(),
            r.kind_index(),
            r.position(),
            r.bytes(),
            r.decode(Mode::Tolerant).err().map(|e| e.to_string())
        ),
        Err(e) => format!("error: {e}"),
    };
    for piece in [usize::MAX, 16 + data.len() % 251] {
        let Ok(mut reader) = b.from_reader(Pieces(data, piece)) else {
            return;
        };
        let mut walked = Vec::new();
        let mut raw = RawRecord::default();
        let end = loop {
            match reader.read_raw(&mut raw) {
                Ok(true) => walked.push(describe(&Ok(raw.clone()))),
                Ok(false) => break None,
                Err(e) if e.is_fatal() => break Some(e.to_string()),
                Err(e) => walked.push(describe(&Err(e))),
            }
        };
        let Ok(reader) = b.from_reader(Pieces(data, piece)) else {
            panic!("the same bytes read twice");
        };
        let mut cut = Vec::new();
        let stop = pipeline::for_each_batch_ordered(
            reader,
            1,
            7,
            &|_| {},
            |batch| batch.iter().map(describe).collect::<Vec<_>>(),
            |v| {
                cut.extend(v);
                true
            },
        );
        assert_eq!(
            walked, cut,
            "the driver's reading and the walk differ (reads of {piece})"
        );
        assert_eq!(end, stop.err().map(|e| e.to_string()));
    }
}

/// Gives `n` bytes per read.
struct Pieces<'a>(&'a [u8], usize);

impl std::io::Read for Pieces<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(out.len()).min(self.1);
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Gives one byte per read.
struct OneByte<'a>(&'a [u8]);

impl std::io::Read for OneByte<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(out.len()).min(1);
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}
