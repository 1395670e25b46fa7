//! Summaries of repeated timings, shared by the benchmarks (an example
//! cannot import another; each includes this file with `#[path]`).

// Each benchmark uses some of these, so each copy leaves some unused.
#![allow(dead_code)]

/// The median of `xs` (the mean of the middle two for an even count; NaN
/// when empty).
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The least of `xs` (infinity when empty).
pub fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

/// The greatest of `xs` (minus infinity when empty).
pub fn max(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}
