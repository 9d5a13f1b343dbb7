//! The splitters on their own: what each record's description and bytes are,
//! whatever the size of the reads, and how the envelope's faults are reported.

use std::io::Read;

use super::*;

/// A reader that gives `n` bytes per read, to cut records and tags across refills.
struct Trickle<'a> {
    data: &'a [u8],
    n: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let k = self.n.min(out.len()).min(self.data.len());
        out[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

type Seen = Vec<Result<(RecordKind, u64, u64, u64, u64, String), String>>;

/// Every record (kind, kind index, record index, line, column, bytes) or error.
fn split(doc: &[u8], format: Format, n: usize) -> Seen {
    let mut src = Source::new(Trickle { data: doc, n });
    let mut rec = RawRecord::default();
    let mut out = Vec::new();
    let mut json = JsonSplitter::new(Limits::default());
    let mut xml = XmlSplitter::new(Limits::default());
    for _ in 0..100 {
        let r = match format {
            Format::Json => json.next(&mut src, &mut rec),
            Format::Xml => xml.next(&mut src, &mut rec),
        };
        match r {
            Ok(true) => {
                let p = rec.position();
                out.push(Ok((
                    rec.kind(),
                    rec.kind_index(),
                    p.record.unwrap(),
                    p.line,
                    p.column,
                    String::from_utf8(rec.bytes().to_vec()).unwrap(),
                )));
            }
            Ok(false) => break,
            Err(e) => {
                let fatal = e.is_fatal();
                out.push(Err(e.to_string()));
                if fatal {
                    break;
                }
            }
        }
    }
    out
}

/// The same records whatever the size of the reads.
fn same_in_pieces(doc: &[u8], format: Format) -> Seen {
    let whole = split(doc, format, usize::MAX);
    for n in [1, 2, 3, 7, 64] {
        assert_eq!(split(doc, format, n), whole, "reads of {n} bytes");
    }
    whole
}

#[test]
fn json_v2_envelope() {
    let doc = b"{\"$schema\": \"x\", \"marches\": {\n  \"marche\": [{\"id\": \"A\"}, {\"id\": \"B\", \"t\": \"}\"}],\n  \"contrat-concession\": [ {\"id\": \"C\"} ]}}";
    let got = same_in_pieces(doc, Format::Json);
    let m = RecordKind::Marche;
    let c = RecordKind::Concession;
    assert_eq!(
        got,
        vec![
            Ok((m, 0, 0, 2, 14, "{\"id\": \"A\"}".into())),
            Ok((m, 1, 1, 2, 27, "{\"id\": \"B\", \"t\": \"}\"}".into())),
            Ok((c, 0, 2, 3, 27, "{\"id\": \"C\"}".into())),
        ]
    );
}

#[test]
fn json_v1_array_and_ndjson() {
    let v1 = b"{\"marches\": [{\"_type\": \"Marche\"}, {\"autoriteConcedante\": {}}]}";
    let got = same_in_pieces(v1, Format::Json);
    let kinds: Vec<_> = got.iter().map(|r| r.as_ref().unwrap().0).collect();
    assert_eq!(kinds, [RecordKind::Marche, RecordKind::Concession]);
    // v1 records count in one array: the kind index is the record index.
    assert_eq!(got[1].as_ref().unwrap().1, 1);

    let nd = b"{\"kind\":\"contrat-concession\",\"id\":\"A\"}\n\n{\"kind\": \"marche\"}\n";
    let got = same_in_pieces(nd, Format::Json);
    assert_eq!(
        got,
        vec![
            Ok((
                RecordKind::Concession,
                0,
                0,
                1,
                1,
                "{\"kind\":\"contrat-concession\",\"id\":\"A\"}".into()
            )),
            Ok((
                RecordKind::Marche,
                0,
                1,
                3,
                1,
                "{\"kind\": \"marche\"}".into()
            )),
        ]
    );
}

#[test]
fn json_envelope_faults() {
    // An unknown member is skipped (recoverable); the records after it are read.
    let got = same_in_pieces(
        b"{\"x\": [1, {\"y\": 2}], \"marches\": {\"marche\": [{}]}}",
        Format::Json,
    );
    assert!(got[0].as_ref().unwrap_err().contains("“x”"), "{got:?}");
    assert!(got[1].is_ok());
    // A missing comma between records is reported, and both records are read.
    let got = same_in_pieces(b"{\"marches\": {\"marche\": [{} {}]}}", Format::Json);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        got[1].as_ref().unwrap_err().contains("`,` missing"),
        "{got:?}"
    );
    assert!(got[0].is_ok() && got[2].is_ok());
    // A broken envelope stops the reading.
    let got = same_in_pieces(b"{\"marches\": {\"marche\": [{}]] }}", Format::Json);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[1].as_ref().unwrap_err().contains("expected `,` or `}`"),
        "{got:?}"
    );
    // An unclosed record is reported where it starts.
    let got = same_in_pieces(b"{\"marches\": {\"marche\": [{\"id\": \"A\"", Format::Json);
    assert!(
        got[0].as_ref().unwrap_err().contains("line 1, column 25"),
        "{got:?}"
    );
}

#[test]
fn xml_envelope() {
    let doc = b"<?xml version=\"1.0\"?>\n<!-- c --><marches>\n  <?pi x?><marche a=\"&gt;\"><id>A</id><!-- </marche> --></marche>\n  <contrat-concession><id>C</id></contrat-concession>\n</marches>\n";
    let got = same_in_pieces(doc, Format::Xml);
    assert_eq!(
        got,
        vec![
            Ok((
                RecordKind::Marche,
                0,
                0,
                3,
                11,
                "<marche a=\"&gt;\"><id>A</id><!-- </marche> --></marche>".into()
            )),
            Ok((
                RecordKind::Concession,
                0,
                1,
                4,
                3,
                "<contrat-concession><id>C</id></contrat-concession>".into()
            )),
        ]
    );
}

#[test]
fn xml_record_as_root_and_faults() {
    let got = same_in_pieces(b"<marche><id>A</id></marche>", Format::Xml);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].as_ref().unwrap().0, RecordKind::Marche);
    // An element that is not a record is skipped (recoverable).
    let got = same_in_pieces(
        b"<marches><autre><x/></autre><marche/></marches>",
        Format::Xml,
    );
    assert!(got[0].is_err() && got[1].is_ok(), "{got:?}");
    // A record left open is an error at the end of input.
    let got = same_in_pieces(b"<marches><marche><id>A</id>", Format::Xml);
    assert!(got.last().unwrap().is_err(), "{got:?}");
}

/// A record over the size limit is read to its end without being kept, refused
/// at its own place, and the next record is read (JSON and XML, in any pieces).
#[test]
fn record_size_limit() {
    let limits = Limits::default().max_record_bytes(14);
    let json =
        b"{\"marches\": {\"marche\": [{\"id\": \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"}, {\"id\": \"B\"}]}}";
    let xml = b"<marches><marche><id>ABCDEFGHIJKLMNOPQRSTUVWXYZ</id></marche><marche/></marches>";
    for (doc, format) in [(&json[..], Format::Json), (&xml[..], Format::Xml)] {
        for piece in [1, 3, 7, 64] {
            let mut recs = Vec::new();
            let mut rec = RawRecord::default();
            let (mut js, mut xs) = (JsonSplitter::new(limits), XmlSplitter::new(limits));
            let mut src = Source::new(Trickle {
                data: doc,
                n: piece,
            });
            loop {
                let more = match format {
                    Format::Json => js.next(&mut src, &mut rec),
                    Format::Xml => xs.next(&mut src, &mut rec),
                }
                .unwrap();
                if !more {
                    break;
                }
                let failed = rec.failed.as_ref().map(|e| e.to_string());
                recs.push((failed, rec.bytes.clone(), rec.kind_index));
            }
            assert_eq!(recs.len(), 2, "{format:?} in pieces of {piece}: {recs:?}");
            let e = recs[0].0.as_deref().unwrap();
            assert!(
                e.contains("larger than 14 bytes") && e.contains("record 1"),
                "{e}"
            );
            assert!(
                recs[1].0.is_none() && !recs[1].1.is_empty() && recs[1].2 == 1,
                "{recs:?}"
            );
        }
    }
}

#[test]
fn only_the_declaration_at_the_start_names_the_encoding() {
    // A stylesheet PI mentioning "encoding" after the declaration is not one.
    let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"x-encoding.xsl\"?>\n<marches><marche><id>é</id></marche></marches>";
    let got = same_in_pieces(doc.as_bytes(), Format::Xml);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].as_ref().unwrap().5.contains("<id>é</id>"), "{got:?}");
    // Nor is a second `<?xml …?>` later in the prolog.
    let doc = "<!-- c --><?xml version=\"1.0\" encoding=\"klingon\"?><marches><marche/></marches>";
    let got = same_in_pieces(doc.as_bytes(), Format::Xml);
    assert!(got.iter().all(Result::is_ok), "{got:?}");
}

/// Every record (kind, kind index, record index, line, column, byte, bytes,
/// failure) or error, read with the fast path first when `runs` (as the parallel
/// driver's reading thread does), else with the general path alone.
fn split_runs(
    doc: &[u8],
    format: Format,
    n: usize,
    limits: Limits,
    runs: bool,
) -> (Seen, Vec<u64>, u64) {
    let mut src = Source::new(Trickle { data: doc, n });
    let mut json = JsonSplitter::new(limits);
    let mut xml = XmlSplitter::new(limits);
    let mut out = Vec::new();
    let mut bytes = Vec::new();
    let mut fast = 0;
    // The records of runs, kept to the end with their bytes when cut: the
    // source's buffer they share must not change under them.
    let mut kept: Vec<(RawRecord, Vec<u8>)> = Vec::new();
    let mut seen = |rec: &RawRecord, out: &mut Seen| {
        let p = rec.position();
        bytes.push(p.byte);
        out.push(Ok((
            rec.kind(),
            rec.kind_index(),
            p.record.unwrap(),
            p.line,
            p.column,
            format!(
                "{}{}",
                String::from_utf8_lossy(rec.bytes()),
                rec.failed
                    .as_ref()
                    .map(|e| e.to_string())
                    .unwrap_or_default()
            ),
        )));
    };
    for _ in 0..10_000 {
        if runs {
            let mut got = Vec::new();
            let k = match format {
                Format::Json => json.next_run(&mut src, 3, |r| got.push(r)),
                Format::Xml => xml.next_run(&mut src, 3, |r| got.push(r)),
            };
            assert_eq!(k, got.len());
            fast += k as u64;
            // A run keeps a buffer at most four times its bytes (reads of a
            // few bytes would otherwise have records keep mostly empty ones).
            if let (Some(first), Some(last)) = (got.first(), got.last()) {
                let (a, b) = (
                    first.shared.as_ref().unwrap(),
                    last.shared.as_ref().unwrap(),
                );
                assert!(std::sync::Arc::ptr_eq(&a.buf, &b.buf));
                assert!(a.buf.len() <= 4 * (b.end - a.start), "reads of {n}");
            }
            for rec in got {
                seen(&rec, &mut out);
                let bytes = rec.bytes().to_vec();
                kept.push((rec, bytes));
            }
            if k > 0 {
                continue;
            }
        }
        let mut rec = RawRecord::default();
        let r = match format {
            Format::Json => json.next(&mut src, &mut rec),
            Format::Xml => xml.next(&mut src, &mut rec),
        };
        match r {
            Ok(true) => seen(&rec, &mut out),
            Ok(false) => break,
            Err(e) => {
                let fatal = e.is_fatal();
                out.push(Err(e.to_string()));
                if fatal {
                    break;
                }
            }
        }
    }
    for (rec, bytes) in &kept {
        assert!(rec.shared.is_some());
        assert_eq!(rec.bytes(), &bytes[..], "reads of {n}");
    }
    (out, bytes, fast)
}

/// The fast path (whole records found 64 bytes at a time) gives what the token
/// walk gives: the same records, positions and errors, whatever the reads' sizes
/// and the limits, and leaves what it cannot take (a record cut by a refill, too
/// deep, too long, stray text, the end of the list) to the walk.
#[test]
fn the_fast_path_cuts_what_the_walk_cuts() {
    let record = |i: usize| {
        format!(
            "{{\"id\": \"{i}\", \"objet\": \"a {{ b }} \\\" c \\\\\", \"n\": {{\"x\": [1, {{\"y\": \"é\"}}]}},\n  \"t\": \"{}\"}}",
            "ü}".repeat(i % 40)
        )
    };
    let list: Vec<String> = (0..40).map(record).collect();
    let docs = [
        format!(
            "{{\"marches\": {{\"marche\": [{}], \"contrat-concession\": [{}]}}}}",
            list.join(", "),
            list[..3].join(",\n    ")
        ),
        format!(
            "{{\"marches\": [\n  {}\n]}}",
            list.join(",\n  ")
                .replace("\"n\"", "\"autoriteConcedante\"")
        ),
        format!(
            "{{\"marches\": {{\"marche\": [{}, x {}, {{\"a\": }}, \"s\"]}}}}",
            list[0], list[1]
        ),
        format!("{{\"marches\": {{\"marche\": [{} {}]}}}}", list[0], list[1]),
        format!("{{\"marches\": {{\"marche\": [{}, {}", list[0], list[1]),
    ];
    let limits = [
        Limits::default(),
        Limits::default().max_depth(4),
        Limits::default().max_record_bytes(120),
        Limits::default().max_records(7),
    ];
    // Each record but the first of each list (read with the envelope).
    let run = split_runs(
        docs[0].as_bytes(),
        Format::Json,
        usize::MAX,
        Limits::default(),
        true,
    );
    assert_eq!((run.0.len(), run.2), (43, 41));
    runs_cut_what_the_walk_cuts(&docs, Format::Json, &limits);
}

/// The same for XML: records cut by the byte search for their end tag, in runs,
/// are those the walk cuts, and what the search cannot tell is left to the walk.
#[test]
fn the_xml_fast_path_cuts_what_the_walk_cuts() {
    let record = |i: usize| {
        format!(
            "<marche>\n  <id>{i}</id>\n  <objet>a &lt; b é{}</objet>\n  <titulaires><titulaire><id>1</id></titulaire></titulaires>\n</marche>",
            "ü".repeat(i % 30)
        )
    };
    let list: Vec<String> = (0..40).map(record).collect();
    let docs = [
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<marches>\n{}\n<contrat-concession><id>C</id></contrat-concession>\n</marches>\n",
            list.join("\n")
        ),
        format!(
            "<marches>{}<!-- c --><marche a=\"1\"><id>x</id></marche>{}<marche><x><marche>y</marche></x></marche>{}<marche><![CDATA[</marche>]]></marche>{}</marches>",
            list[0], list[1], list[2], list[3]
        ),
        format!(
            "<marches>{} stray {}<other>z</other>{}<marche/>{}</marches>",
            list[0], list[1], list[2], list[3]
        ),
        format!(
            "<marches>{}<marche><id>A</id></marche foo>{}<marche><id>1</id></x></marche>{}",
            list[0], list[1], list[2]
        ),
    ];
    let limits = [
        Limits::default(),
        Limits::default().max_record_bytes(150),
        Limits::default().max_records(7),
    ];
    let run = split_runs(
        docs[0].as_bytes(),
        Format::Xml,
        usize::MAX,
        Limits::default(),
        true,
    );
    // Each record but the first (read with the envelope).
    assert_eq!((run.0.len(), run.2), (41, 40));
    runs_cut_what_the_walk_cuts(&docs, Format::Xml, &limits);
}

/// A record of a run shares the run's buffer; its clone owns its bytes (so that
/// keeping a clone does not keep the run).
#[test]
fn a_clone_of_a_shared_record_owns_its_bytes() {
    let doc = b"{\"marches\": {\"marche\": [{\"id\": \"A\"}, {\"id\": \"B\"}, {\"id\": \"C\"}]}}";
    let mut src = Source::new(&doc[..]);
    let mut json = JsonSplitter::new(Limits::default());
    let mut rec = RawRecord::default();
    assert!(json.next(&mut src, &mut rec).unwrap());
    let mut got = Vec::new();
    assert_eq!(json.next_run(&mut src, 10, |r| got.push(r)), 2);
    assert!(got[0].shared.is_some() && got[0].bytes == b"");
    let c = got[0].clone();
    assert!(c.shared.is_none());
    assert_eq!(c.bytes(), b"{\"id\": \"B\"}");
    assert_eq!(
        (c.kind_index(), c.position()),
        (got[0].kind_index(), got[0].position())
    );
    // Debug shows the record's bytes, not the run's.
    let shown = format!("{:?}", got[0]);
    assert!(
        shown.contains(&format!("{:?}", b"{\"id\": \"B\"}"))
            && !shown.contains(&format!("{:?}", b"\"C\"")),
        "{shown}"
    );
}

/// Each document, under each limit, read in pieces of many sizes: the same
/// records, positions and errors with the fast path as with the walk alone.
fn runs_cut_what_the_walk_cuts(docs: &[String], format: Format, limits: &[Limits]) {
    for doc in docs {
        for &limits in limits {
            for n in [1, 5, 64, 200, 1000, usize::MAX] {
                let walk = split_runs(doc.as_bytes(), format, n, limits, false);
                let run = split_runs(doc.as_bytes(), format, n, limits, true);
                assert_eq!(run.0, walk.0, "reads of {n}, {limits:?}, {doc}");
                assert_eq!(run.1, walk.1, "byte offsets: reads of {n}, {limits:?}");
            }
        }
    }
}
