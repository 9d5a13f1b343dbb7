//! Random texts for the tests of byte scans (against their byte-by-byte
//! definitions): pieces of every kind joined at random, the same on every run.

/// `count` texts, each of up to `max_pieces - 1` pieces drawn from `pieces` by
/// a fixed-seed generator. The number of pieces is drawn from the generator
/// like each piece (the tests that drew it from the seed without advancing it
/// had stuck at 0 pieces: empty texts).
pub(crate) fn random_texts<'p>(
    pieces: &'p [&'p [u8]],
    count: usize,
    max_pieces: usize,
) -> impl Iterator<Item = Vec<u8>> + 'p {
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    (0..count).map(move |_| {
        let mut s = Vec::new();
        for _ in 0..next() % max_pieces {
            s.extend_from_slice(pieces[next() % pieces.len()]);
        }
        s
    })
}

#[test]
fn the_texts_vary_in_length() {
    let texts: Vec<Vec<u8>> = random_texts(&[b"a"], 1000, 30).collect();
    let lengths: std::collections::BTreeSet<usize> = texts.iter().map(Vec::len).collect();
    assert_eq!(lengths.len(), 30, "{lengths:?}");
}
