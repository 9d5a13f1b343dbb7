//! The CPV 2008 nomenclature (Common Procurement Vocabulary), embedded at build time.
//!
//! Source: Commission Regulation (EC) No 213/2008, official list of 9 454 codes
//! (`data/cpv_2008.csv`, see its README for provenance).

use std::sync::OnceLock;

static CSV: &str = include_str!("../data/cpv_2008.csv");

/// One CPV code: its 8 digits, its check digit and its French label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cpv {
    /// The 8 digits, e.g. `45000000`.
    pub code: &'static str,
    /// The official check digit, e.g. `7`.
    pub check_digit: char,
    /// The French label.
    pub label: &'static str,
}

/// The 8 digits as a number, for fast lookups.
fn key(digits: &str) -> Option<u32> {
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.bytes().fold(0, |a, b| a * 10 + u32::from(b - b'0')))
}

fn keys() -> &'static [u32] {
    static KEYS: OnceLock<Vec<u32>> = OnceLock::new();
    KEYS.get_or_init(|| table().iter().filter_map(|c| key(c.code)).collect())
}

fn table() -> &'static [Cpv] {
    static TABLE: OnceLock<Vec<Cpv>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut v: Vec<Cpv> = CSV
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (full, label) = line.split_once(',')?;
                let (code, check) = full.split_once('-')?;
                Some(Cpv {
                    code,
                    check_digit: check.chars().next()?,
                    label: label.trim_matches('"'),
                })
            })
            .collect();
        v.sort_by_key(|c| c.code);
        v
    })
}

/// Every code of the list, sorted by code.
///
/// ```
/// assert_eq!(decp_core::cpv::all().len(), 9454);
/// ```
pub fn all() -> &'static [Cpv] {
    table()
}

/// Looks up a code by its 8 digits (a `-d` check digit, if given, is ignored here).
///
/// ```
/// let c = decp_core::cpv::lookup("45000000-7").unwrap();
/// assert_eq!(c.check_digit, '7');
/// assert!(decp_core::cpv::lookup("45000001").is_none());
/// ```
pub fn lookup(code: &str) -> Option<&'static Cpv> {
    let digits = code.split_once('-').map_or(code, |(d, _)| d);
    let k = key(digits)?;
    keys().binary_search(&k).ok().map(|i| &table()[i])
}
