//! Records are read straight from the input buffer when they are whole there, and
//! through the splitter's copy otherwise (a record cut by a refill, a broken one).
//! Both ways must give exactly the same records, findings, positions and errors:
//! these tests read the same bytes all at once, a few bytes at a time (every record
//! then crosses refills) and as raw records decoded afterwards, and compare.

use std::io::Read;

use decp_core::{DecodeOptions, Format, Mode, RawRecord, ReaderBuilder};
use decp_testkit::synth::SynthReader;

/// A reader that hands out at most a few bytes per call (1 to 13, varying).
struct Trickle<'a> {
    data: &'a [u8],
    n: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.n = self.n % 13 + 1;
        let k = self.n.min(buf.len()).min(self.data.len());
        buf[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

/// Every result as comparable text: the decoded record with its findings and
/// positions, or the error with its position.
fn outcomes<R: Read>(b: &ReaderBuilder, rdr: R) -> Vec<String> {
    let mut r = b.from_reader(rdr).unwrap();
    let mut out = Vec::new();
    while let Some(x) = r.next_record() {
        out.push(match x {
            Ok(d) => format!("{d:?}"),
            Err(e) => format!("error {:?}: {e}", e.position()),
        });
    }
    out
}

fn same_three_ways(data: &[u8], mode: Mode, normalize: bool) -> usize {
    let mut b = ReaderBuilder::new();
    b.mode(mode).normalize(normalize);
    let whole = outcomes(&b, data);
    let trickled = outcomes(&b, Trickle { data, n: 0 });
    let raw = raw_outcomes_from(&b, data);
    assert_eq!(whole.len(), trickled.len());
    for (i, (a, t)) in whole.iter().zip(&trickled).enumerate() {
        assert_eq!(a, t, "record {i}, read whole vs a few bytes at a time");
    }
    assert_eq!(whole, raw, "read whole vs raw records decoded afterwards");
    whole.len()
}

#[test]
fn generated_corpus_same_either_way() {
    for format in [Format::Json, Format::Xml] {
        // About 300 KiB: several 64 KiB refills, so some records cross one.
        let mut data = Vec::new();
        SynthReader::new(format, 7, 300 << 10)
            .read_to_end(&mut data)
            .unwrap();
        let n = same_three_ways(&data, Mode::Tolerant, false);
        assert!(n > 100, "{format}: {n} records");
    }
}

#[test]
fn findings_errors_and_repairs_same_either_way() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/normalize");
    let mut files = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json" || x == "xml") {
            let data = std::fs::read(&p).unwrap();
            for normalize in [false, true] {
                for mode in [Mode::Tolerant, Mode::Strict] {
                    same_three_ways(&data, mode, normalize);
                }
            }
            files += 1;
        }
    }
    assert!(files >= 14);
    // Broken records, a non-object, invalid UTF-8, a v1 array, a truncated end.
    let docs: [&[u8]; 5] = [
        b"{\"marches\": {\"marche\": [\n  {\"id\": \"A\",, \"x\": 1},\n  {\"id\": \"B\"}, 12,\n  {\"id\": \"C\", \"montant\": \"x\"}\n]}}",
        b"{\"marches\": {\"marche\": [{\"id\": \"\xff\xfe\"}, {\"id\": \"D\"}]}}",
        b"{\"marches\": [{\"id\": \"E\", \"_type\": \"March\xc3\xa9\"}, {\"id\": \"F\", \"autoriteConcedante\": {\"id\": \"1\"}}]}",
        b"{\"marches\": {\"marche\": [{\"id\": \"G\"}, {\"id\": \"H\", \"objet\": \"trunc",
        b"{\"marches\": {\"marche\": [{\"id\": \"I\", \"montant\": NaN}, {\"a\": {\"b\": {\"c\": [[[[1]]]]}}}]}}",
    ];
    let xml: [&[u8]; 5] = [
        b"<?xml version=\"1.0\"?>\n<marches>\n  <marche><id>A</id><x></y></marche>\n  <marche><id>B</id></marche>\n  <marche/>\n  <contrat-concession><id>C</id><valeurGlobale>x</valeurGlobale></contrat-concession>\n</marches>",
        b"<marches><marche><id>\xff</id></marche><marche><id>D</id><objet>a &amp; b &#233; <![CDATA[<c>]]></objet></marche></marches>",
        b"<marches><marche id=\"1\"><id>E</id><techniques><technique>Concours</technique><technique>Sans objet</technique></techniques></marche><marcheX/><marche><id>F</id>",
        b"<marche><id>G</id></marche>",
        b"<marches><!-- c --><marche><id>H</id><montant>NaN</montant></marche><marche><a><b><c><d>1</d></c></b></a></marche></marches>",
    ];
    for d in docs.iter().chain(&xml) {
        for normalize in [false, true] {
            for mode in [Mode::Tolerant, Mode::Strict] {
                same_three_ways(d, mode, normalize);
            }
        }
    }
}

#[test]
fn size_and_depth_limits_hold_in_place() {
    let data = br#"{"marches": {"marche": [{"id": "A", "objet": "0123456789012345678901234567890123456789"}, {"id": "B"}]}}"#;
    let mut b = ReaderBuilder::new();
    b.limits(
        decp_core::Limits::default()
            .max_record_bytes(40)
            .max_depth(64),
    );
    let got = outcomes(&b, &data[..]);
    assert!(got[0].contains("larger than 40 bytes"), "{got:?}");
    let deep = br#"{"marches": {"marche": [{"id": "A", "x": {"y": {"z": {}}}}]}}"#;
    b.limits(
        decp_core::Limits::default()
            .max_record_bytes(1 << 20)
            .max_depth(3),
    );
    let got = outcomes(&b, &deep[..]);
    assert!(got[0].contains("nesting deeper than 3"), "{got:?}");
    let deep = b"<marches><marche><id>A</id><x><y><z>1</z></y></x></marche></marches>";
    let got = outcomes(&b, &deep[..]);
    assert!(got[0].contains("nesting deeper than 3"), "{got:?}");
    assert_eq!(got, outcomes(&b, Trickle { data: deep, n: 0 }));
    let data = b"<marches><marche><id>A</id><objet>0123456789012345678901234567890123456789</objet></marche><marche><id>B</id></marche></marches>";
    b.limits(
        decp_core::Limits::default()
            .max_record_bytes(40)
            .max_depth(64),
    );
    let got = outcomes(&b, &data[..]);
    assert!(got[0].contains("larger than 40 bytes"), "{got:?}");
    assert_eq!(got, outcomes(&b, Trickle { data, n: 0 }));
}

/// A reader that gives its pieces one per read, as cut.
struct Pieces<'a>(Vec<&'a [u8]>);

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(p) = self.0.first_mut() else {
            return Ok(0);
        };
        let k = p.len().min(buf.len());
        buf[..k].copy_from_slice(&p[..k]);
        *p = &p[k..];
        if p.is_empty() {
            self.0.remove(0);
        }
        Ok(k)
    }
}

/// A record parsed in place from the start of a refill, then the end of the
/// input right after a list opens (a cut file): the end is an error, not the
/// record read again from the last buffer's text (review of d633018, where the
/// end of input emptied the buffer without telling its text copy: a phantom
/// record, then a panic).
#[test]
fn the_end_of_input_after_a_refill_is_not_the_last_buffer_again() {
    // The first read is long enough for the envelope's look-ahead (64 bytes):
    // the record then starts the second buffer.
    let head = format!("{{\"marches\": {{\"marche\": [{}", " ".repeat(64));
    let pieces = [
        head.as_bytes(),
        &b"{\"id\": \"A\"}], \"contrat-concession\": ["[..],
    ];
    let b = ReaderBuilder::new();
    let got = outcomes(&b, Pieces(pieces.to_vec()));
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[0].contains("\"A\""), "{got:#?}");
    assert!(got[1].starts_with("error"), "{got:#?}");
    // The workflow of one job (parsed in place) says the same.
    let checker = decp_core::Checker::new(DecodeOptions::default());
    let mut seen = 0;
    let end = checker.for_each(
        b.from_reader(Pieces(pieces.to_vec())).unwrap(),
        1,
        &|_| {},
        |c| c.record.is_some(),
        |ok| {
            assert!(ok);
            seen += 1;
            true
        },
    );
    assert_eq!(seen, 1);
    assert!(end.is_err_and(|e| e.is_fatal()));
}

/// [`Pieces`], then a read error on every later read.
struct PiecesThenFail<'a>(Pieces<'a>);

impl Read for PiecesThenFail<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 => Err(std::io::Error::other("the disk went away")),
            n => Ok(n),
        }
    }
}

/// Every result of reading raw records then decoding them (the splitter's way).
fn raw_outcomes_from<R: Read>(b: &ReaderBuilder, rdr: R) -> Vec<String> {
    let mut r = b.from_reader(rdr).unwrap();
    let opts = r.decode_options();
    let mut raw = RawRecord::default();
    let mut out = Vec::new();
    loop {
        match r.read_raw(&mut raw) {
            Ok(true) => out.push(match raw.decode_with(&opts) {
                Ok(d) => format!("{d:?}"),
                Err(e) => format!("error {:?}: {e}", e.position()),
            }),
            Ok(false) => break,
            Err(e) => {
                out.push(format!("error {:?}: {e}", e.position()));
                if e.is_fatal() {
                    break;
                }
            }
        }
    }
    out
}

/// A record cut by the end of a read is read in place once the buffer is
/// refilled behind it (its start moved to the front); a broken record cut the
/// same way still goes to the splitter; a read error met while refilling is
/// reported where the reader meets it, after the records before it.
#[test]
fn records_cut_by_a_read_are_read_the_same_after_a_refill() {
    let head = format!("{{\"marches\": {{\"marche\": [{}", " ".repeat(64));
    let docs: [&[&[u8]]; 3] = [
        &[
            head.as_bytes(),
            b"{\"id\": \"A\", \"montant\": 12.5},\n{\"id\": \"B\", \"obj",
            b"et\": \"cut here\", \"montant\": 3}, {\"id\": \"C\"}]}}",
        ],
        &[
            head.as_bytes(),
            b"{\"id\": \"A\"}, {\"id\": \"B\",, \"obj",
            b"et\": \"broken\"}, {\"id\": \"C\"}]}}",
        ],
        &[
            b"<?xml version=\"1.0\"?>\n<marches><marche><id>A</id></marche>\n<marche><id>B</id><obj",
            b"et>cut here</objet></marche><marche><id>C</id></marche></marches>",
        ],
    ];
    let b = ReaderBuilder::new();
    for pieces in docs {
        let whole: Vec<u8> = pieces.concat();
        let expected = raw_outcomes_from(&b, &whole[..]);
        assert_eq!(outcomes(&b, Pieces(pieces.to_vec())), expected);
        assert_eq!(raw_outcomes_from(&b, Pieces(pieces.to_vec())), expected);
        // The read after the first piece fails.
        let first = &pieces[..pieces.len() - 1];
        let failing = outcomes(&b, PiecesThenFail(Pieces(first.to_vec())));
        assert_eq!(
            failing,
            raw_outcomes_from(&b, PiecesThenFail(Pieces(first.to_vec())))
        );
        let last = failing.last().unwrap();
        assert!(last.contains("disk went away"), "{failing:#?}");
    }
}
