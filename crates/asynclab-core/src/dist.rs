//! Service-time and latency distributions, each given by its mean.
//!
//! Parameters are in milliseconds because that is how engineers talk about
//! latencies; samples come out as [`SimTime`] nanoseconds, rounded once.

use super::time::SimTime;
use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal, Uniform};
use serde::{Deserialize, Serialize};

/// A non-negative duration distribution, parameterised by its mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    /// Always exactly `mean_ms`.
    Constant {
        /// Mean (and only value), ms.
        mean_ms: f64,
    },
    /// Exponential with mean `mean_ms` (memoryless; the M in M/M/c).
    Exponential {
        /// Mean, ms.
        mean_ms: f64,
    },
    /// Uniform on `[mean_ms − spread_ms, mean_ms + spread_ms]`
    /// (`spread_ms ≤ mean_ms`).
    Uniform {
        /// Mean, ms.
        mean_ms: f64,
        /// Half-width of the range, ms.
        spread_ms: f64,
    },
    /// Log-normal with mean `mean_ms` and coefficient of variation `cv`
    /// (standard deviation ÷ mean): the long right tail of real latencies.
    LogNormal {
        /// Mean, ms.
        mean_ms: f64,
        /// Coefficient of variation (standard deviation ÷ mean).
        cv: f64,
    },
}

impl Default for Dist {
    fn default() -> Self {
        Dist::Exponential { mean_ms: 10.0 }
    }
}

impl Dist {
    /// The mean in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Dist::Constant { mean_ms }
            | Dist::Exponential { mean_ms }
            | Dist::Uniform { mean_ms, .. }
            | Dist::LogNormal { mean_ms, .. } => mean_ms,
        }
    }

    /// The same shape with another mean (live "make the DB 2× faster").
    pub fn with_mean_ms(self, m: f64) -> Dist {
        match self {
            Dist::Constant { .. } => Dist::Constant { mean_ms: m },
            Dist::Exponential { .. } => Dist::Exponential { mean_ms: m },
            Dist::Uniform { mean_ms, spread_ms } => Dist::Uniform {
                mean_ms: m,
                spread_ms: if mean_ms > 0.0 {
                    spread_ms * m / mean_ms
                } else {
                    0.0
                },
            },
            Dist::LogNormal { cv, .. } => Dist::LogNormal { mean_ms: m, cv },
        }
    }

    /// Why these parameters are unusable, if they are: (parameter, value, rule).
    pub fn problem(&self) -> Option<(&'static str, f64, &'static str)> {
        let finite_nonneg = |v: f64| v.is_finite() && v >= 0.0;
        let mean = self.mean_ms();
        if !finite_nonneg(mean) || mean > 1e9 {
            return Some(("mean_ms", mean, "must be between 0 and 1e9"));
        }
        match *self {
            Dist::Uniform { spread_ms, mean_ms }
                if !(finite_nonneg(spread_ms) && spread_ms <= mean_ms) =>
            {
                Some(("spread_ms", spread_ms, "must be between 0 and mean_ms"))
            }
            Dist::LogNormal { cv, .. } if !(cv.is_finite() && cv > 0.0 && cv <= 100.0) => {
                Some(("cv", cv, "must be > 0 and ≤ 100"))
            }
            _ => None,
        }
    }

    /// A ready-to-draw sampler. Invalid parameters degrade to a constant of
    /// the (clamped) mean rather than panicking; validation reports them.
    pub fn sampler(&self) -> Sampler {
        let mean = if self.mean_ms().is_finite() {
            self.mean_ms().clamp(0.0, 1e9)
        } else {
            0.0
        };
        let mean_ns = mean * 1e6;
        if self.problem().is_some() || mean_ns <= 0.0 {
            return Sampler::Constant(SimTime::from_millis_f64(mean));
        }
        match *self {
            Dist::Constant { .. } => Sampler::Constant(SimTime::from_millis_f64(mean)),
            Dist::Exponential { .. } => match Exp::new(1.0 / mean_ns) {
                Ok(d) => Sampler::Exponential(d),
                Err(_) => Sampler::Constant(SimTime::from_millis_f64(mean)),
            },
            Dist::Uniform { spread_ms, .. } => {
                let s = spread_ms * 1e6;
                match Uniform::new_inclusive(mean_ns - s, mean_ns + s) {
                    Ok(d) => Sampler::Uniform(d),
                    Err(_) => Sampler::Constant(SimTime::from_millis_f64(mean)),
                }
            }
            Dist::LogNormal { cv, .. } => {
                let sigma2 = (1.0 + cv * cv).ln();
                let mu = mean_ns.ln() - sigma2 / 2.0;
                match LogNormal::new(mu, sigma2.sqrt()) {
                    Ok(d) => Sampler::LogNormal(d),
                    Err(_) => Sampler::Constant(SimTime::from_millis_f64(mean)),
                }
            }
        }
    }
}

/// A prepared distribution (parameters checked once, not on every draw).
/// Internally in nanoseconds.
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Always the same duration.
    Constant(SimTime),
    /// Exponential, rate in 1/ns.
    Exponential(Exp<f64>),
    /// Uniform over nanoseconds.
    Uniform(Uniform<f64>),
    /// Log-normal over nanoseconds.
    LogNormal(LogNormal<f64>),
}

impl Sampler {
    /// One draw, rounded to the nearest nanosecond.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimTime {
        let ns = match self {
            Sampler::Constant(t) => return *t,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
        };
        // Saturating, NaN-free conversion (NaN and negatives give 0).
        SimTime::from_nanos_f64(ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    fn mean_of(d: Dist) -> f64 {
        let s = d.sampler();
        let mut r = stream(1, "t", 0);
        let n = 200_000;
        (0..n)
            .map(|_| s.sample(&mut r).as_millis_f64())
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn every_shape_has_the_mean_it_claims() {
        for d in [
            Dist::Constant { mean_ms: 10.0 },
            Dist::Exponential { mean_ms: 10.0 },
            Dist::Uniform {
                mean_ms: 10.0,
                spread_ms: 5.0,
            },
            Dist::LogNormal {
                mean_ms: 10.0,
                cv: 1.0,
            },
        ] {
            let m = mean_of(d);
            assert!((m - 10.0).abs() < 0.1, "{d:?}: mean {m}");
        }
    }

    #[test]
    fn bad_parameters_are_reported_and_never_panic() {
        for d in [
            Dist::Exponential { mean_ms: f64::NAN },
            Dist::Exponential { mean_ms: -1.0 },
            Dist::Uniform {
                mean_ms: 1.0,
                spread_ms: 2.0,
            },
            Dist::LogNormal {
                mean_ms: 1.0,
                cv: 0.0,
            },
            Dist::Constant {
                mean_ms: f64::INFINITY,
            },
        ] {
            assert!(d.problem().is_some(), "{d:?}");
            let _ = d.sampler().sample(&mut stream(1, "t", 0));
        }
        assert_eq!(
            Dist::Exponential { mean_ms: 0.0 }
                .sampler()
                .sample(&mut stream(1, "t", 0)),
            SimTime::ZERO
        );
    }
}
