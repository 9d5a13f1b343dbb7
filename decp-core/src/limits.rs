//! Limits that keep hostile input from using unbounded memory or time.

/// Limits that keep hostile input from using unbounded memory:
/// [`Limits::default`], then the setters.
///
/// ```
/// use decp_core::Limits;
/// let l = Limits::default().max_depth(32);
/// assert_eq!(l.max_depth, 32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The largest record, in bytes (default 64 MiB; real records are a few KiB).
    pub max_record_bytes: usize,
    /// The deepest nesting of objects, arrays or elements (default 64; DECP needs 7).
    pub max_depth: usize,
    /// The most members in one object, items in one array, or attributes and
    /// children of one element (default 100 000; the longest real lists hold a
    /// few thousand holders).
    pub max_members: usize,
    /// The longest string, number or XML text, in bytes (default 1 MiB; the
    /// longest DECP field, `objet`, allows 1 000 characters).
    pub max_value_bytes: usize,
    /// The most records in one input (default: no limit); past it, reading stops
    /// with an error.
    pub max_records: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_record_bytes: 64 << 20,
            max_depth: 64,
            max_members: 100_000,
            max_value_bytes: 1 << 20,
            max_records: u64::MAX,
        }
    }
}

impl Limits {
    /// Sets the largest record, in bytes.
    pub fn max_record_bytes(mut self, bytes: usize) -> Limits {
        self.max_record_bytes = bytes;
        self
    }
    /// Sets the deepest nesting of objects, arrays or elements.
    pub fn max_depth(mut self, depth: usize) -> Limits {
        self.max_depth = depth;
        self
    }
    /// Sets the most members of one object (items of one array, attributes and
    /// children of one element).
    pub fn max_members(mut self, members: usize) -> Limits {
        self.max_members = members;
        self
    }
    /// Sets the longest string, number or XML text, in bytes.
    pub fn max_value_bytes(mut self, bytes: usize) -> Limits {
        self.max_value_bytes = bytes;
        self
    }
    /// Sets the most records in one input.
    pub fn max_records(mut self, records: u64) -> Limits {
        self.max_records = records;
        self
    }
}
