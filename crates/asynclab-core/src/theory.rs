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

/// Mean time in system of M/M/c (wait in queue plus service), seconds.
/// Infinite when unstable.
pub fn mmc_mean_sojourn_s(lambda_per_s: f64, mu_per_s: f64, c: u32) -> f64 {
    mmc_mean_wait_s(lambda_per_s, mu_per_s, c) + 1.0 / mu_per_s
}

/// P(time in system > t) of M/M/c: with probability 1 − C no wait, so
/// only the exponential service; with probability C an exponential wait
/// at rate cμ − λ, then the service.
pub fn mmc_sojourn_tail(lambda_per_s: f64, mu_per_s: f64, c: u32, t_s: f64) -> f64 {
    let theta = c as f64 * mu_per_s - lambda_per_s;
    if theta <= 0.0 {
        return 1.0;
    }
    let pw = erlang_c(c, lambda_per_s / mu_per_s);
    let mu = mu_per_s;
    let service = (-mu * t_s).exp();
    // Sum of two exponentials (rates θ and μ) exceeding t.
    let both = if (theta - mu).abs() < 1e-9 * mu {
        (-mu * t_s).exp() * (1.0 + mu * t_s)
    } else {
        (mu * (-theta * t_s).exp() - theta * (-mu * t_s).exp()) / (mu - theta)
    };
    (1.0 - pw) * service + pw * both
}

/// The `q`-quantile (0 < q < 1) of the time in system of M/M/c, seconds,
/// by bisection on its tail. Infinite when unstable.
pub fn mmc_sojourn_quantile_s(lambda_per_s: f64, mu_per_s: f64, c: u32, q: f64) -> f64 {
    if c as f64 * mu_per_s <= lambda_per_s || !(0.0..1.0).contains(&q) {
        return f64::INFINITY;
    }
    let target = 1.0 - q;
    let tail = |t: f64| mmc_sojourn_tail(lambda_per_s, mu_per_s, c, t);
    let mut hi = 1.0 / mu_per_s;
    while tail(hi) > target {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if tail(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
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

    #[test]
    fn sojourn_quantiles() {
        // M/M/1: the time in system is exponential at rate μ − λ.
        let q = mmc_sojourn_quantile_s(8.0, 10.0, 1, 0.95);
        assert!((q - (20.0f64).ln() / 2.0).abs() < 1e-9, "{q}");
        assert!((mmc_mean_sojourn_s(8.0, 10.0, 1) - 0.5).abs() < 1e-12);
        // Light load on many servers: just the service's quantile.
        let q = mmc_sojourn_quantile_s(0.01, 10.0, 50, 0.5);
        assert!((q - (2.0f64).ln() / 10.0).abs() < 1e-6, "{q}");
        assert_eq!(mmc_sojourn_quantile_s(20.0, 10.0, 2, 0.5), f64::INFINITY);
    }
}
