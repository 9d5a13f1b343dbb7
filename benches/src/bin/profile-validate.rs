//! Reads and validates a generated corpus in a loop, for profilers
//! (`perf record target/release/profile-validate json 16`).

use decp_benches::corpus;
use decp_core::{Format, Reader, Validator, ValidatorOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let format: Format = args
        .first()
        .map_or("json", String::as_str)
        .parse()
        .unwrap_or(Format::Json);
    let mb: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(16);
    let validate = args.get(2).is_none_or(|s| s != "read");
    let data = corpus(format, mb << 20);
    let v = Validator::new(ValidatorOptions::default());
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for _ in 0..5 {
        for d in Reader::from_slice(&data).unwrap().records() {
            let d = d.unwrap();
            if validate {
                n += v.check(&d).len();
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{n} findings; {:.0} MB/s",
        5.0 * data.len() as f64 / secs / 1e6
    );
}
