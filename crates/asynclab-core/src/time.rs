//! Simulated time.
//!
//! Time is an integer count of **nanoseconds** since the start of a run.
//! Integers were chosen over `f64` seconds because:
//! - ordering is total and exact (no NaN, no `0.1 + 0.2` surprises), so the
//!   event heap and every comparison are bit-for-bit reproducible;
//! - a millisecond latency keeps its full resolution however long the run is
//!   (an `f64` second count loses sub-microsecond precision only after years,
//!   but integer time makes the exactness a property rather than a hope);
//! - `u64` nanoseconds span about 584 years, far beyond any scene.
//!
//! Durations drawn from continuous distributions are rounded to the nearest
//! nanosecond once, at the draw; nothing is rounded after that.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Nanoseconds in one second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// An instant or a span of simulated time, in nanoseconds.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct SimTime(pub u64);

/// `x.round() as u64`, without a call to the C library's `round` (every
/// sampled duration goes through here): truncation is one instruction,
/// and `x - trunc(x)` is exact, so the result is the same bit for bit.
/// Values beyond `u64::MAX` saturate and negative ones or NaN give 0, as
/// `as` does. The half-up step adds a flag rather than branching on it: the
/// fraction of a sampled duration is a coin toss that a branch predictor
/// loses half the time (it was 7% of a Black Friday run).
#[inline]
fn round_to_u64(x: f64) -> u64 {
    if x >= u64::MAX as f64 {
        return u64::MAX;
    }
    let whole = x as u64;
    whole + u64::from(x - whole as f64 >= 0.5)
}

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// Later than any event a scene can schedule.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// From seconds; negative or NaN becomes zero, huge values saturate.
    pub fn from_secs_f64(s: f64) -> SimTime {
        if s.is_nan() || s <= 0.0 {
            SimTime::ZERO
        } else {
            SimTime(round_to_u64(s * NANOS_PER_SEC as f64))
        }
    }

    /// From nanoseconds, rounded to the nearest; negative or NaN becomes
    /// zero, huge values saturate.
    #[inline]
    pub fn from_nanos_f64(ns: f64) -> SimTime {
        SimTime(round_to_u64(ns))
    }

    /// From milliseconds; negative or NaN becomes zero, huge values saturate.
    pub fn from_millis_f64(ms: f64) -> SimTime {
        SimTime::from_secs_f64(ms / 1e3)
    }

    /// Whole seconds.
    pub const fn from_secs(s: u64) -> SimTime {
        SimTime(s.saturating_mul(NANOS_PER_SEC))
    }

    /// This time in seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_SEC as f64
    }

    /// This time in milliseconds.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// `self - earlier`, or zero if `earlier` is later.
    pub fn saturating_sub(self, earlier: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(earlier.0))
    }
}

impl Add for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for SimTime {
    fn add_assign(&mut self, rhs: SimTime) {
        *self = *self + rhs;
    }
}

impl Sub for SimTime {
    type Output = SimTime;
    /// Saturating: a span is never negative.
    fn sub(self, rhs: SimTime) -> SimTime {
        self.saturating_sub(rhs)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_clamp() {
        assert_eq!(SimTime::from_millis_f64(1.5), SimTime(1_500_000));
        assert_eq!(SimTime::from_secs_f64(-3.0), SimTime::ZERO);
        assert_eq!(SimTime::from_secs_f64(f64::NAN), SimTime::ZERO);
        assert_eq!(SimTime::from_secs_f64(f64::INFINITY), SimTime(u64::MAX));
        assert_eq!(SimTime(5) - SimTime(9), SimTime::ZERO);
        assert_eq!(SimTime::MAX + SimTime(1), SimTime::MAX);
        assert_eq!(SimTime::from_secs(2).as_secs_f64(), 2.0);
    }

    #[test]
    fn rounding_equals_the_library_s_round_bit_for_bit() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values = vec![
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            4503599627370495.5,
            4503599627370497.0,
            9007199254740993.0,
            f64::from_bits((u64::MAX as f64).to_bits() - 1),
            1.8446744073709552e19,
            1e30,
            f64::INFINITY,
            f64::MIN_POSITIVE,
        ];
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Any positive finite double, and plenty of halves.
            values.push(f64::from_bits(x >> 2));
            values.push((x % 1_000_000) as f64 + 0.5);
        }
        values.extend([-0.3, -0.5, -7.5, -1e300, f64::NAN, f64::NEG_INFINITY, 0.0]);
        for v in values {
            assert_eq!(round_to_u64(v), v.round() as u64, "{v:e}");
        }
    }
}
