// The counting allocator needs `unsafe`: it only forwards to the system allocator.
#![allow(unsafe_code)]
//! Reading a generated file of 200 MB keeps memory bounded: the peak of live heap
//! bytes (measured by a counting global allocator in this test binary) does not
//! depend on the file size. The input is generated on the fly, never stored.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use decp_core::{Format, ReaderBuilder};
use decp_testkit::synth::SynthReader;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Tests in this binary measure one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Reads a generated document; returns (records read, bytes read, peak heap growth).
fn measure(format: Format, size: u64) -> (u64, u64, usize) {
    let src = SynthReader::new(format, 7, size);
    let mut reader = ReaderBuilder::new()
        .format(format)
        .from_reader(src)
        .unwrap();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut n = 0u64;
    for item in reader.records() {
        let d = item.unwrap();
        assert!(d.findings.is_empty());
        n += 1;
    }
    let peak = PEAK.load(Ordering::Relaxed) - base;
    (n, reader.bytes_read(), peak)
}

fn check(format: Format) {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Warm up lazily built tables (the generator's CPV list) outside the measures.
    measure(format, 64 << 10);
    let (n_small, bytes_small, peak_small) = measure(format, 2 << 20);
    let (n_big, bytes_big, peak_big) = measure(format, 200 << 20);
    eprintln!(
        "{format}: {n_small} records / {bytes_small} B → peak {peak_small} B; {n_big} records / {bytes_big} B → peak {peak_big} B"
    );
    assert!(bytes_big >= 200 << 20, "the big input is at least 200 MB");
    assert!(n_big > 50 * n_small);
    // A hundred times more input, the same memory (allowing for one larger record).
    assert!(
        peak_big < 2 * peak_small + (256 << 10),
        "peak grew with the input: {peak_small} → {peak_big}"
    );
    assert!(peak_big < 4 << 20, "peak {peak_big} B");
}

#[test]
fn json_200_mb_in_bounded_memory() {
    check(Format::Json);
}

#[test]
fn xml_200_mb_in_bounded_memory() {
    check(Format::Xml);
}
