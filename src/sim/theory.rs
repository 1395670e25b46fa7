//! Closed-form queueing results the simulation is checked against.

/// Erlang C: probability that an arrival waits in an M/M/c queue with
/// offered load `a = λ/μ` (Erlangs) and `c` servers. 1 when `a ≥ c`.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    if c == 0 || a >= c as f64 {
        return 1.0;
    }
    // Erlang B by its stable recurrence, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let c = c as f64;
    c * b / (c - a * (1.0 - b))
}

/// Mean wait in queue (seconds) of M/M/c: `C(c, λ/μ) / (cμ − λ)`.
/// Infinite when unstable.
pub fn mmc_mean_wait_s(lambda_per_s: f64, mu_per_s: f64, c: u32) -> f64 {
    let cap = c as f64 * mu_per_s;
    if lambda_per_s >= cap {
        return f64::INFINITY;
    }
    erlang_c(c, lambda_per_s / mu_per_s) / (cap - lambda_per_s)
}

/// Mean wait in queue (seconds) of M/M/1: `ρ / (μ − λ)`.
pub fn mm1_mean_wait_s(lambda_per_s: f64, mu_per_s: f64) -> f64 {
    mmc_mean_wait_s(lambda_per_s, mu_per_s, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // M/M/1: C = ρ.
        assert!((erlang_c(1, 0.8) - 0.8).abs() < 1e-12);
        assert!((mm1_mean_wait_s(8.0, 10.0) - 0.4).abs() < 1e-12);
        // A textbook value: c = 2, a = 1 → C = 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(mmc_mean_wait_s(100.0, 10.0, 10), f64::INFINITY);
    }
}
