//! Lookups by name over a table's fixed names: a perfect hash, found once.
//!
//! Every member of every record walked into a table is looked up by name (half a
//! million lookups per 10 MB of input): a general hash map spent a tenth of
//! `flatten`'s instructions there. The names are known in advance and few, so a
//! seed is searched once that sends each to its own slot; a lookup is then one
//! hash, one slot and one comparison, and a name that is not in the map is
//! refused by that comparison.

/// Values by name, for a fixed set of `'static` names.
#[derive(Debug)]
pub(crate) struct NameMap<T> {
    slots: Vec<Option<(&'static str, T)>>,
    seed: u64,
    shift: u32,
}

/// Column indices by name.
pub(crate) type Names = NameMap<usize>;

/// The name's bytes folded eight at a time with its length (every byte counts:
/// a short name's words overlap, as do a long name's last two); multiplied by
/// the map's seed, the top bits pick the slot. No copy, no call.
#[inline]
fn fold(name: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let n = name.len();
    let step = |h: u64, x: u64| (h ^ x).wrapping_mul(K).rotate_left(31);
    // One load each (the callers keep `at` in bounds).
    let word = |at: usize| {
        name[at..]
            .first_chunk::<8>()
            .map_or(0, |w| u64::from_le_bytes(*w))
    };
    let half = |at: usize| {
        name[at..]
            .first_chunk::<4>()
            .map_or(0, |w| u64::from(u32::from_le_bytes(*w)))
    };
    let h = n as u64;
    match n {
        0 => h,
        1..=3 => step(
            h,
            u64::from(name[0]) | u64::from(name[n / 2]) << 8 | u64::from(name[n - 1]) << 16,
        ),
        4..=7 => step(h, half(0) | half(n - 4) << 32),
        _ => {
            let mut h = h;
            let mut at = 0;
            while at + 8 <= n {
                h = step(h, word(at));
                at += 8;
            }
            if at < n {
                h = step(h, word(n - 8));
            }
            h
        }
    }
}

impl<T> NameMap<T> {
    /// A map of these distinct names (a repeated name keeps its last value).
    pub(crate) fn new(entries: Vec<(&'static str, T)>) -> NameMap<T> {
        let mut entries = entries;
        // Last value wins, as with a hash map's inserts.
        let mut k = entries.len();
        while k > 0 {
            k -= 1;
            if entries[k + 1..].iter().any(|e| e.0 == entries[k].0) {
                entries.remove(k);
            }
        }
        let folded: Vec<u64> = entries.iter().map(|e| fold(e.0.as_bytes())).collect();
        // Four slots or more per name: a seed without collisions comes quickly.
        let bits = (entries.len() * 4)
            .next_power_of_two()
            .trailing_zeros()
            .max(3);
        let (shift, seed) = (bits..=20)
            .flat_map(|bits| {
                (0..256u64).map(move |k| {
                    let seed = 0x2545_F491_4F6C_DD1D_u64
                        .wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C16));
                    (64 - bits, seed | 1)
                })
            })
            .find(|&(shift, seed)| {
                let mut used = vec![false; 1 << (64 - shift)];
                folded.iter().all(|&h| {
                    let s = (h.wrapping_mul(seed) >> shift) as usize;
                    !std::mem::replace(&mut used[s], true)
                })
            })
            // Only two names folded to the same word never part: the names are
            // the tables' own (not input), and the tests build every map.
            .expect("the tables' names fold to distinct words");
        let mut slots: Vec<Option<(&'static str, T)>> =
            (0..1usize << (64 - shift)).map(|_| None).collect();
        for (e, h) in entries.into_iter().zip(folded) {
            slots[(h.wrapping_mul(seed) >> shift) as usize] = Some(e);
        }
        NameMap { slots, seed, shift }
    }

    /// The value of `name`, if it is one of the map's names.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<&T> {
        let s = (fold(name.as_bytes()).wrapping_mul(self.seed) >> self.shift) as usize;
        match &self.slots[s] {
            Some((n, v)) if *n == name => Some(v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_finds_its_value_and_no_other_string_finds_one() {
        let names: Vec<&'static str> = vec![
            "uid",
            "id",
            "acheteur_id",
            "titulaire_id",
            "objet",
            "montant",
            "a",
            "",
            "dateNotification",
            "dateNotificationModification",
            "considerationsSociales",
            "considerationsEnvironnementales",
        ];
        let m = NameMap::new(names.iter().enumerate().map(|(i, n)| (*n, i)).collect());
        for (i, n) in names.iter().enumerate() {
            assert_eq!(m.get(n), Some(&i), "{n}");
            // The same text at another address.
            let copy = String::from(*n);
            assert_eq!(m.get(copy.as_str()), Some(&i), "{n}");
        }
        for other in [
            "ui",
            "uidd",
            "Uid",
            "dateNotificatio",
            "considerationsSocialeS",
            "b",
            "\0",
        ] {
            assert_eq!(m.get(other), None, "{other}");
        }
    }

    #[test]
    fn every_column_of_every_table_is_found_by_name_and_by_parent_and_member() {
        use crate::table::Table;
        for t in Table::ALL {
            for (i, c) in t.columns().iter().enumerate() {
                assert_eq!(t.index(c.0), Some(i), "{}.{}", t.name(), c.0);
                for (at, _) in c.0.match_indices('_') {
                    let found = t.children(&c.0[..at]).and_then(|m| m.get(&c.0[at + 1..]));
                    assert_eq!(found, Some(&i), "{}.{}", t.name(), c.0);
                }
            }
            assert_eq!(t.index("not a column"), None);
            assert!(t.children("not a parent").is_none());
        }
    }

    #[test]
    fn a_repeated_name_keeps_its_last_value_and_an_empty_map_finds_nothing() {
        let m = NameMap::new(vec![("x", 1), ("y", 2), ("x", 3)]);
        assert_eq!(m.get("x"), Some(&3));
        assert_eq!(m.get("y"), Some(&2));
        let empty: NameMap<usize> = NameMap::new(Vec::new());
        assert_eq!(empty.get("x"), None);
        assert_eq!(empty.get(""), None);
    }
}
