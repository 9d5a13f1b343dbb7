//! Read throughput (MB/s) on generated corpora, next to the cost of merely
//! scanning the same bytes (the floor): serde_json skipping every value, and
//! quick-xml visiting every event.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use decp_benches::{corpus, dirty_corpus};
use decp_core::{
    Checker, DecodeOptions, Format, RawRecord, Reader, Validator, ValidatorOptions, Writer,
    pipeline,
};
use std::hint::black_box;

const SIZE: u64 = 16 << 20;

fn read(c: &mut Criterion) {
    for format in [Format::Json, Format::Xml] {
        let data = corpus(format, SIZE);
        let mut g = c.benchmark_group(format.extension());
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(10);

        g.bench_function("floor", |b| match format {
            Format::Json => b.iter(|| {
                let v: serde::de::IgnoredAny = serde_json::from_slice(black_box(&data)).unwrap();
                black_box(v)
            }),
            Format::Xml => b.iter(|| {
                let mut r = quick_xml::Reader::from_reader(black_box(&data[..]));
                let mut buf = Vec::new();
                let mut n = 0u64;
                loop {
                    match r.read_event_into(&mut buf).unwrap() {
                        quick_xml::events::Event::Eof => break,
                        _ => n += 1,
                    }
                    buf.clear();
                }
                black_box(n)
            }),
        });

        g.bench_function("split", |b| {
            b.iter(|| {
                let mut r = Reader::from_slice(black_box(&data)).unwrap();
                let mut raw = RawRecord::default();
                let mut n = 0u64;
                while r.read_raw(&mut raw).unwrap() {
                    n += 1;
                }
                black_box(n)
            })
        });

        // The serial stage of several jobs: the reading thread's work alone
        // (records cut out in batches, as `pipeline` hands them to workers).
        g.bench_function("split for workers", |b| {
            b.iter(|| {
                let mut n = 0usize;
                pipeline::for_each_batch_ordered(
                    Reader::from_slice(black_box(&data)).unwrap(),
                    1,
                    256,
                    &|_| {},
                    |batch| batch.len(),
                    |k| {
                        n += k;
                        true
                    },
                )
                .unwrap();
                black_box(n)
            })
        });

        g.bench_function("read", |b| {
            b.iter(|| {
                let mut n = 0u64;
                for d in Reader::from_slice(black_box(&data)).unwrap().records() {
                    black_box(d.unwrap());
                    n += 1;
                }
                black_box(n)
            })
        });

        let validator = Validator::new(ValidatorOptions::default());
        g.bench_function("read+validate", |b| {
            b.iter(|| {
                let mut n = 0usize;
                for d in Reader::from_slice(black_box(&data)).unwrap().records() {
                    n += validator.check(&d.unwrap()).len();
                }
                black_box(n)
            })
        });

        let records: Vec<_> = Reader::from_slice(&data)
            .unwrap()
            .records()
            .map(|d| d.unwrap().record)
            .collect();
        g.bench_function("write", |b| {
            b.iter(|| {
                let mut w = Writer::from_writer(Vec::with_capacity(data.len()), format);
                for r in &records {
                    w.write_record(r).unwrap();
                }
                black_box(w.finish().unwrap().len())
            })
        });
        g.finish();
    }
}

/// The per-record step (decode, rules, every finding placed at its line and
/// column) on a clean corpus and on the same corpus with several findings in every
/// record; "placed by re-parsing" is what placing cost before the step placed all
/// of a record's findings from its one parse (one parse per finding).
fn findings(c: &mut Criterion) {
    for format in [Format::Json, Format::Xml] {
        let mut g = c.benchmark_group(format!("findings-{}", format.extension()));
        g.sample_size(10);
        for (name, data) in [
            ("clean", corpus(format, SIZE / 4)),
            ("dirty", dirty_corpus(format, SIZE / 4)),
        ] {
            let mut raws = Vec::new();
            let mut r = Reader::from_slice(&data).unwrap();
            let mut raw = RawRecord::default();
            while r.read_raw(&mut raw).unwrap() {
                raws.push(raw.clone());
            }
            g.throughput(Throughput::Bytes(data.len() as u64));
            let checker = Checker::new(DecodeOptions::default())
                .validator(Validator::new(ValidatorOptions::default()));
            g.bench_function(name, |b| {
                b.iter(|| {
                    let mut n = 0usize;
                    for raw in &raws {
                        n += checker.check_raw(black_box(raw)).issues.len();
                    }
                    black_box(n)
                })
            });
            let validator = Validator::new(ValidatorOptions::default());
            g.bench_function(format!("{name}, placed by re-parsing"), |b| {
                b.iter(|| {
                    let mut n = 0u64;
                    for raw in &raws {
                        let d = raw.decode(decp_core::Mode::Tolerant).unwrap();
                        for i in validator.check(&d) {
                            n += raw.locate_path(&i.path).line;
                        }
                    }
                    black_box(n)
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, read, findings);
criterion_main!(benches);
