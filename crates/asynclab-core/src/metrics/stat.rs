//! Latency statistics: quantiles from an `hdrhistogram` (accurate to its 2
//! significant digits), with the mean, minimum and maximum kept exactly
//! beside it. A quantile is clamped to the exact minimum and maximum, so a
//! bucket's top is never printed above the largest sample (or its bottom
//! below the smallest).
//!
//! A whole run's statistic ([`RunStat`]) and a trailing span of windows
//! ([`Trailing`]) both record nanosecond durations; the histogram holds
//! microseconds, the exact sum and maximum nanoseconds.

use super::super::time::SimTime;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::VecDeque;

/// p50 / p95 / p99 from the histogram, clamped to the exact minimum and
/// maximum; mean and max exact; in seconds (`NaN` when too few samples).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Quantiles {
    /// Median, s.
    pub p50: f64,
    /// 95th percentile, s.
    pub p95: f64,
    /// 99th percentile, s.
    pub p99: f64,
    /// Maximum (exact), s.
    pub max: f64,
    /// Mean (exact), s.
    pub mean: f64,
    /// Samples the quantiles come from.
    pub n: u64,
}

impl Quantiles {
    /// No samples.
    pub const NONE: Quantiles = Quantiles {
        p50: f64::NAN,
        p95: f64::NAN,
        p99: f64::NAN,
        max: f64::NAN,
        mean: f64::NAN,
        n: 0,
    };

    /// From a histogram of microseconds plus the exact sum, minimum and
    /// maximum of the same samples, in nanoseconds; `NONE` below
    /// `min_samples`.
    fn of(
        h: &Histogram<u64>,
        sum_ns: u128,
        min_ns: u64,
        max_ns: u64,
        min_samples: u64,
    ) -> Quantiles {
        let n = h.len();
        if n < min_samples.max(1) {
            return Quantiles {
                n,
                ..Quantiles::NONE
            };
        }
        // A bucket's top can pass the largest sample (and a sample below
        // 1 µs is recorded as 1 µs): the exact extremes bound every quantile.
        let (lo, hi) = (min_ns.min(max_ns) as f64 / 1e9, max_ns as f64 / 1e9);
        let s = |v: u64| (h.highest_equivalent(v) as f64 / 1e6).clamp(lo, hi);
        Quantiles {
            p50: s(h.value_at_quantile(0.50)),
            p95: s(h.value_at_quantile(0.95)),
            p99: s(h.value_at_quantile(0.99)),
            max: max_ns as f64 / 1e9,
            mean: sum_ns as f64 / n as f64 / 1e9,
            n,
        }
    }
}

/// Latencies are recorded in microseconds, 2 significant digits, 1 µs to
/// 30 days; larger values saturate at the top.
fn new_hist() -> Histogram<u64> {
    // The bounds are constants known to be valid.
    Histogram::new_with_bounds(1, 30 * 86_400 * 1_000_000, 2).expect("valid histogram bounds")
}

fn micros(t: SimTime) -> u64 {
    (t.0 / 1_000).max(1)
}

/// A whole run's latency statistic: the histogram and the exact sum and
/// maximum. Statistics of several runs merge (a sweep's seeds), so their
/// percentiles come from the pooled samples.
#[derive(Clone, Debug)]
pub struct RunStat {
    hist: Histogram<u64>,
    sum_ns: u128,
    /// `u64::MAX` without samples.
    min_ns: u64,
    max_ns: u64,
}

impl Default for RunStat {
    fn default() -> Self {
        RunStat::new()
    }
}

impl RunStat {
    /// No samples yet.
    pub fn new() -> Self {
        RunStat {
            hist: new_hist(),
            sum_ns: 0,
            min_ns: u64::MAX,
            max_ns: 0,
        }
    }

    /// Records one sample.
    #[inline]
    pub fn record(&mut self, t: SimTime) {
        self.hist.saturating_record(micros(t));
        self.sum_ns += u128::from(t.0);
        self.min_ns = self.min_ns.min(t.0);
        self.max_ns = self.max_ns.max(t.0);
    }

    /// The quantiles, or `None` without samples.
    pub fn quantiles(&self) -> Option<Quantiles> {
        let q = Quantiles::of(&self.hist, self.sum_ns, self.min_ns, self.max_ns, 1);
        (q.n > 0).then_some(q)
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &RunStat) {
        // Same bounds on both sides: addition cannot fail.
        let _ = self.hist.add(&other.hist);
        self.sum_ns += other.sum_ns;
        self.min_ns = self.min_ns.min(other.min_ns);
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// Samples recorded.
    pub fn len(&self) -> u64 {
        self.hist.len()
    }

    /// True without samples.
    pub fn is_empty(&self) -> bool {
        self.hist.is_empty()
    }
}

/// One closed window's samples, kept while it is in the trailing span.
struct Closed {
    /// (bucket value, count) of its non-empty buckets.
    buckets: Vec<(u64, u64)>,
    sum_ns: u128,
}

/// Trailing-window statistic: the histogram summed over the span, and for
/// each window in it only its non-empty buckets, so memory follows the
/// samples, not the span × the histogram's full bucket array. The span's
/// exact sum is kept the same way; its maximum and minimum by monotone
/// queues.
pub(crate) struct Trailing {
    ring: VecDeque<Closed>,
    sum: Histogram<u64>,
    current: Histogram<u64>,
    /// Rebuilds a leaving window so it can be subtracted from `sum`.
    scratch: Histogram<u64>,
    span: usize,
    cur_sum_ns: u128,
    cur_max_ns: u64,
    /// `u64::MAX` while the current window is empty.
    cur_min_ns: u64,
    span_sum_ns: u128,
    /// (window number, its maximum), maxima decreasing from the front: the
    /// front is the span's maximum.
    maxima: VecDeque<(u64, u64)>,
    /// (window number, its minimum), minima increasing from the front: the
    /// front is the span's minimum.
    minima: VecDeque<(u64, u64)>,
    /// Windows closed so far.
    closed: u64,
    /// Smallest sample count for quantiles to be given.
    min_samples: u64,
}

impl Trailing {
    pub fn new(span: usize, min_samples: u64) -> Self {
        Trailing {
            ring: VecDeque::new(),
            sum: new_hist(),
            current: new_hist(),
            scratch: new_hist(),
            span: span.max(1),
            cur_sum_ns: 0,
            cur_max_ns: 0,
            cur_min_ns: u64::MAX,
            span_sum_ns: 0,
            maxima: VecDeque::new(),
            minima: VecDeque::new(),
            closed: 0,
            min_samples,
        }
    }

    #[inline]
    pub fn record(&mut self, t: SimTime) {
        self.current.saturating_record(micros(t));
        self.cur_sum_ns += u128::from(t.0);
        self.cur_max_ns = self.cur_max_ns.max(t.0);
        self.cur_min_ns = self.cur_min_ns.min(t.0);
    }

    /// Closes the current window; returns the trailing quantiles.
    pub fn roll(&mut self) -> Quantiles {
        if self.ring.len() >= self.span
            && let Some(old) = self.ring.pop_front()
        {
            self.span_sum_ns -= old.sum_ns;
            if !old.buckets.is_empty() {
                self.scratch.reset();
                for (value, count) in &old.buckets {
                    // Each value is its bucket's own value: it lands back in
                    // the same bucket, and every count was added to `sum`.
                    let _ = self.scratch.record_n(*value, *count);
                }
                let _ = self.sum.subtract(&self.scratch);
            }
        }
        let mut buckets = Vec::new();
        if !self.current.is_empty() {
            buckets.extend(
                self.current
                    .iter_recorded()
                    .map(|v| (v.value_iterated_to(), v.count_at_value())),
            );
            // Same bounds on both sides: addition cannot fail.
            let _ = self.sum.add(&self.current);
            self.current.reset();
            while self.maxima.back().is_some_and(|m| m.1 <= self.cur_max_ns) {
                self.maxima.pop_back();
            }
            self.maxima.push_back((self.closed, self.cur_max_ns));
            while self.minima.back().is_some_and(|m| m.1 >= self.cur_min_ns) {
                self.minima.pop_back();
            }
            self.minima.push_back((self.closed, self.cur_min_ns));
        }
        self.span_sum_ns += self.cur_sum_ns;
        self.ring.push_back(Closed {
            buckets,
            sum_ns: self.cur_sum_ns,
        });
        self.cur_sum_ns = 0;
        self.cur_max_ns = 0;
        self.cur_min_ns = u64::MAX;
        // Windows numbered closed + 1 − span ..= closed are in the span.
        let oldest = (self.closed + 1).saturating_sub(self.span as u64);
        while self.maxima.front().is_some_and(|m| m.0 < oldest) {
            self.maxima.pop_front();
        }
        while self.minima.front().is_some_and(|m| m.0 < oldest) {
            self.minima.pop_front();
        }
        self.closed += 1;
        let max_ns = self.maxima.front().map_or(0, |m| m.1);
        let min_ns = self.minima.front().map_or(0, |m| m.1);
        Quantiles::of(
            &self.sum,
            self.span_sum_ns,
            min_ns,
            max_ns,
            self.min_samples,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_max_are_exact() {
        let mut r = RunStat::new();
        for _ in 0..1000 {
            r.record(SimTime::from_millis_f64(27.0));
        }
        r.record(SimTime::from_secs_f64(5.0));
        let q = r.quantiles().expect("samples");
        assert_eq!(q.max, 5.0);
        assert!((q.mean - (27.0 * 1000.0 + 5000.0) / 1001.0 / 1000.0).abs() < 1e-12);
        // The quantile is the histogram's, accurate to 2 significant digits.
        assert!((q.p50 - 0.027).abs() / 0.027 < 0.01, "{}", q.p50);
    }

    #[test]
    fn merged_statistics_pool_their_samples() {
        let mut a = RunStat::new();
        let mut b = RunStat::new();
        for _ in 0..900 {
            a.record(SimTime::from_millis_f64(10.0));
        }
        for _ in 0..100 {
            b.record(SimTime::from_millis_f64(1000.0));
        }
        a.merge(&b);
        let q = a.quantiles().expect("samples");
        assert_eq!((q.n, q.max), (1000, 1.0));
        assert!((q.mean - 0.109).abs() < 1e-12);
        assert!((q.p95 - 1.0).abs() < 0.01 && (q.p50 - 0.01).abs() < 1e-4);
    }

    #[test]
    fn quantiles_stay_within_the_exact_extremes() {
        // 424 ms lies in a bucket whose top is above it: the printed p99
        // must not pass the maximum.
        let mut r = RunStat::new();
        for _ in 0..100 {
            r.record(SimTime::from_millis_f64(424.0));
        }
        let q = r.quantiles().expect("samples");
        assert_eq!(q.max, 0.424);
        assert_eq!((q.p50, q.p95, q.p99), (0.424, 0.424, 0.424));
        // Below 1 µs every sample is recorded as 1 µs: still not above max.
        let mut r = RunStat::new();
        r.record(SimTime(400));
        let q = r.quantiles().expect("samples");
        assert_eq!(q.p99, 400e-9);
        // The trailing span keeps its own extremes.
        let mut t = Trailing::new(2, 1);
        t.record(SimTime::from_millis_f64(424.0));
        let q = t.roll();
        assert_eq!((q.p50, q.p99, q.max), (0.424, 0.424, 0.424));
        t.record(SimTime::from_millis_f64(1.234));
        let q = t.roll();
        assert!(q.p50 >= 0.001234 && q.p99 <= 0.424, "{q:?}");
        t.roll();
        let q = t.roll();
        assert_eq!(q.n, 0);
        t.record(SimTime::from_millis_f64(1.234));
        let q = t.roll();
        assert_eq!((q.p50, q.max), (0.001234, 0.001234));
    }

    #[test]
    fn trailing_max_and_mean_follow_the_span() {
        let mut t = Trailing::new(3, 1);
        let ms = SimTime::from_millis_f64;
        t.record(ms(900.0));
        assert_eq!(t.roll().max, 0.9);
        t.record(ms(10.0));
        t.record(ms(30.0));
        let q = t.roll();
        assert_eq!((q.max, q.n), (0.9, 3));
        assert!((q.mean - 0.94 / 3.0).abs() < 1e-12);
        t.roll();
        // The 900 ms window leaves the span: the max is the next largest.
        let q = t.roll();
        assert_eq!((q.max, q.n), (0.03, 2));
        assert!((q.mean - 0.02).abs() < 1e-12);
        t.roll();
        let q = t.roll();
        assert_eq!(q.n, 0);
        assert!(q.max.is_nan());
    }
}
