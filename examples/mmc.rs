//! Speed benchmark: the M/M/c model of the theory tests, timed.
//!
//! `cargo run --release --example mmc -- --customers 1000000 --seed 42`

use asynclab::sim::mmc::{MmcParams, run_mmc};
use asynclab::sim::theory::mmc_mean_wait_s;
use clap::Parser;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Times AsyncLab's event loop on an M/M/c queue")]
struct Args {
    /// Customers to simulate.
    #[arg(long, default_value_t = 1_000_000)]
    customers: u64,
    /// Run seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Arrival rate λ per second.
    #[arg(long, default_value_t = 90.0)]
    lambda: f64,
    /// Service rate μ per server per second.
    #[arg(long, default_value_t = 10.0)]
    mu: f64,
    /// Servers c.
    #[arg(long, default_value_t = 10)]
    servers: u32,
}

fn main() {
    let a = Args::parse();
    let p = MmcParams {
        lambda_per_s: a.lambda,
        mu_per_s: a.mu,
        servers: a.servers,
        customers: a.customers,
        warmup: a.customers / 100,
        seed: a.seed,
        record_waits: false,
    };
    let t0 = Instant::now();
    let r = run_mmc(&p);
    let wall = t0.elapsed().as_secs_f64();
    let theory = mmc_mean_wait_s(a.lambda, a.mu, a.servers);
    println!(
        "model=M/M/{} customers={} events={} wall_s={:.3} events_per_s={:.0} mean_wait_s={:.6} erlang_c_wait_s={:.6} rel_err={:+.4}",
        a.servers,
        a.customers,
        r.events,
        wall,
        r.events as f64 / wall,
        r.mean_wait_s,
        theory,
        (r.mean_wait_s - theory) / theory
    );
}
