//! A progress bar on standard error, only when it is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Bytes read, records and findings so far; a no-op when hidden.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for an input of `total` bytes (when known), shown only on a terminal.
    pub fn new(total: Option<u64>, quiet: bool, label: &str) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let pb = match total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::no_length(),
        };
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        pb.set_style(style);
        pb.set_prefix(label.to_string());
        pb.enable_steady_tick(Duration::from_millis(200));
        Progress(Some(pb))
    }

    /// Bytes read so far.
    pub fn bytes(&self, n: u64) {
        if let Some(pb) = &self.0 {
            pb.set_position(n);
        }
    }

    /// Records and findings so far.
    pub fn counts(&self, records: u64, findings: u64) {
        if let Some(pb) = &self.0
            && records.is_multiple_of(256)
        {
            pb.set_message(format!("{records} enregistrements, {findings} constats"));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}
