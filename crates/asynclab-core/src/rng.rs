//! Seeded, portable random streams.
//!
//! The generator is PCG-64 MCG (`rand_pcg::Pcg64Mcg`): a named algorithm
//! whose output is specified and stable across platforms and crate versions,
//! unlike `StdRng`, which may change between `rand` releases.
//!
//! Each purpose (arrivals of client 3, DB service times, network jitter, ...)
//! gets its own stream, derived from the run seed, a label and an index by
//! SplitMix64. Adding a client or a knob therefore does not reshuffle the
//! draws of any other stream.

use rand_pcg::Pcg64Mcg;

/// The random generator every stream uses.
pub type SimRng = Pcg64Mcg;

/// SplitMix64 finaliser: a fast, well-mixed bijection on u64.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over the label bytes: stable, dependency-free string hash.
fn fnv1a(label: &str) -> u64 {
    label.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// The independent stream for `label` number `index` of a run seeded `seed`.
pub fn stream(seed: u64, label: &str, index: u64) -> SimRng {
    let a = splitmix64(seed ^ splitmix64(fnv1a(label) ^ splitmix64(index)));
    let b = splitmix64(a ^ 0x5851_F42D_4C95_7F2D);
    Pcg64Mcg::new(((a as u128) << 64) | b as u128)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut ra = stream(7, "x", 0);
        let a: Vec<u64> = (0..4).map(|_| ra.next_u64()).collect();
        let mut rb = stream(7, "x", 0);
        let b: Vec<u64> = (0..4).map(|_| rb.next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(stream(7, "x", 0).next_u64(), stream(7, "x", 1).next_u64());
        assert_ne!(stream(7, "x", 0).next_u64(), stream(7, "y", 0).next_u64());
        assert_ne!(stream(7, "x", 0).next_u64(), stream(8, "x", 0).next_u64());
    }

    #[test]
    fn stream_output_is_pinned() {
        // Guards portability: if a crate upgrade changed the generator, every
        // saved scenario would silently replay differently.
        assert_eq!(stream(42, "arrivals", 0).next_u64(), PINNED);
    }
    const PINNED: u64 = 11831214144795036417;
}
