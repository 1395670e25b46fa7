//! Every shipped scene runs headless and demonstrates the claim MODEL.md
//! states for it. Thresholds come from each scene's own physics (capacities,
//! rates, patience); the reasoning sits beside each assertion.

use asynclab::scenario::{
    BUILTIN_SCENES, Change, Mode, RetryPolicy, Scenario, Scheduling, Shape, builtin, knobs,
};
use asynclab::sim::{Reason, SimTime, System, Window};

fn scene(file: &str) -> Scenario {
    builtin(file)
        .expect("scene is built in")
        .expect("scene is valid")
}

/// Runs `s` for its duration; the ledgers must balance.
fn run(s: Scenario) -> System {
    let d = SimTime::from_secs_f64(s.duration_s);
    let mut sys = System::new(s);
    sys.run_until(d);
    if let Err(e) = sys.check_ledgers() {
        panic!("ledger: {e}");
    }
    sys
}

fn between(ws: &[Window], from_s: f64, to_s: f64) -> impl Iterator<Item = &Window> {
    ws.iter().filter(move |w| w.t_s > from_s && w.t_s <= to_s)
}

/// Largest non-NaN value of `f` over windows in (from, to].
fn max_of(ws: &[Window], from_s: f64, to_s: f64, f: impl Fn(&Window) -> f64) -> f64 {
    between(ws, from_s, to_s)
        .map(f)
        .filter(|v| !v.is_nan())
        .fold(f64::NAN, f64::max)
}

fn mean_of(ws: &[Window], from_s: f64, to_s: f64, f: impl Fn(&Window) -> f64) -> f64 {
    let v: Vec<f64> = between(ws, from_s, to_s)
        .map(f)
        .filter(|v| !v.is_nan())
        .collect();
    assert!(!v.is_empty(), "no windows in ({from_s}, {to_s}]");
    v.iter().sum::<f64>() / v.len() as f64
}

fn median_of(ws: &[Window], from_s: f64, to_s: f64, f: impl Fn(&Window) -> f64) -> f64 {
    let mut v: Vec<f64> = between(ws, from_s, to_s)
        .map(f)
        .filter(|v| !v.is_nan())
        .collect();
    assert!(!v.is_empty(), "no windows in ({from_s}, {to_s}]");
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn all_modes(s: &mut Scenario, mode: Mode) {
    for e in &mut s.settings.endpoints {
        e.mode = mode;
    }
    s.settings
        .timeline
        .retain(|e| !matches!(e.change, Change::SetMode { .. }));
}

#[test]
fn every_shipped_scene_parses_runs_and_balances() {
    // Ten lessons and five exercises (scenes/exercises/).
    assert_eq!(BUILTIN_SCENES.len(), 15);
    for b in BUILTIN_SCENES {
        let s = scene(b.file);
        assert!(
            !s.lesson.is_empty() && !s.watch.is_empty(),
            "{} needs lesson and watch",
            b.file
        );
        // The file on disk is the one built in.
        let disk = std::fs::read_to_string(format!("scenes/{}", b.file)).expect("scene file");
        assert_eq!(disk, b.text, "{} differs from the built-in copy", b.file);
        let mut short = s.clone();
        short.duration_s = short.duration_s.min(120.0);
        let sys = run(short);
        assert!(
            sys.ledgers().actions.issued > 0,
            "{} issued nothing",
            b.file
        );
    }
}

#[test]
fn s01_hello_sync_is_quick_and_quiet() {
    let mut sys = run(scene("01-hello-sync.ron"));
    let sum = sys.summary();
    let wait = sum.wait.expect("waits recorded");
    // Network 2 × 20 ms + CPU 10 ms + write 50 ms = 100 ms on average; the
    // median of that sum of exponentials sits a little below the mean.
    assert!((0.06..=0.14).contains(&wait.p50), "p50 {}", wait.p50);
    assert!(wait.p95 < 0.3, "p95 {}", wait.p95);
    assert_eq!(sum.errors.total(), 0, "errors under light load");
    assert_eq!(sum.peak_backlog, 0, "nothing queues");
    // Every outcome of the run counts against the SLA, the first window's too.
    assert!(
        sum.sla_wait_share > 0.995,
        "SLA share {}",
        sum.sla_wait_share
    );
    // 20/s × 50 ms = 1 of 10 connections busy.
    assert!(
        sum.utilisation.database < 0.2,
        "DB utilisation {}",
        sum.utilisation.database
    );
}

/// Light-load acknowledgement p95 of a scene: the same scene in async mode
/// with its traffic held at `rate` actions/s.
fn light_ack_p95(mut s: Scenario, rate: f64) -> f64 {
    all_modes(&mut s, Mode::Async);
    for c in &mut s.settings.clients {
        c.rate_per_s = rate;
        c.shape = Shape::Constant;
    }
    s.settings.timeline.clear();
    s.duration_s = 120.0;
    median_of(run(s).windows(), 20.0, 120.0, |w| w.wait.p95)
}

#[test]
fn s02_slow_database_sync_collapses_and_async_rescues() {
    let s = scene("02-slow-database.ron");
    let switch_s = 240.0;
    let sys = run(s.clone());
    let ws = sys.windows();
    // Light load: 40/s against a 100/s database for the first 20 s.
    let light = max_of(ws, 10.0, 20.0, |w| w.wait.p95);
    let peak = max_of(ws, 0.0, switch_s, |w| w.wait.p95);
    assert!(peak >= 5.0, "sync peak p95 {peak} s");
    assert!(
        peak >= 20.0 * light,
        "sync peak p95 {peak} s vs light {light} s"
    );
    let t = sys.totals();
    let timeouts = t.errors[Reason::Timeout] as f64 / t.actions as f64;
    assert!(timeouts >= 0.01, "timeouts {:.4} of actions", timeouts);

    // Sync work in flight at the switch is at most workers + backlog = 2,200
    // requests, drained by the database at 100/s: 22 s. Add the 10 s
    // percentile window; from then on every window is async-only.
    let drained = switch_s + 2200.0 / 100.0 + s.settings.percentile_window_s;
    let ack = light_ack_p95(s.clone(), 40.0);
    let after = max_of(ws, drained, s.duration_s, |w| w.wait.p95);
    assert!(
        after <= 2.0 * ack,
        "async p95 {after} s vs light-load ack p95 {ack} s"
    );
    // Once traffic is back at 50/s against 100/s, the backlog drains to zero
    // and stays at ordinary queueing levels (ρ = 0.5 on 5 workers).
    let drained_at = between(ws, switch_s, s.duration_s)
        .find(|w| w.backlog == 0)
        .map(|w| w.t_s);
    assert!(
        drained_at.is_some_and(|t| t < s.duration_s - 60.0),
        "backlog never drained: {drained_at:?}"
    );
    let tail = mean_of(ws, s.duration_s - 60.0, s.duration_s, |w| w.backlog as f64);
    assert!(tail < 1.0, "mean backlog over the last minute {tail}");
    assert!(
        max_of(ws, switch_s, s.duration_s, |w| w.backlog as f64) > 1000.0,
        "the queue absorbed the excess"
    );
}

#[test]
fn s03_email_blast_errors_sync_but_async_absorbs_it() {
    let s = scene("03-morning-email-blast.ron");
    let Shape::EmailBlast {
        at_s,
        peak,
        decay_s,
    } = s.settings.clients[0].shape
    else {
        panic!("shape")
    };
    let sync = run(s.clone());
    let ws = sync.windows();
    let errors = |w: &Window| w.errors.total() as f64;
    assert_eq!(
        max_of(ws, 0.0, at_s, errors),
        0.0,
        "no errors before the blast"
    );
    let burst_errors: f64 = between(ws, at_s, at_s + 120.0).map(errors).sum();
    let burst_actions: f64 = between(ws, at_s, at_s + 120.0)
        .map(|w| w.actions as f64)
        .sum();
    assert!(
        burst_errors >= 0.01 * burst_actions,
        "sync: {burst_errors} errors in {burst_actions} actions"
    );

    let mut a = s.clone();
    all_modes(&mut a, Mode::Async);
    let asys = run(a);
    let ws = asys.windows();
    let before = max_of(ws, 30.0, at_s, |w| w.wait.p95);
    let during = max_of(ws, at_s, s.duration_s, |w| w.wait.p95);
    assert!(
        during <= 2.0 * before,
        "async ack p95 {during} s vs {before} s before the blast"
    );
    let peak_backlog = max_of(ws, at_s, s.duration_s, |w| w.backlog as f64);
    assert!(peak_backlog >= 100.0, "backlog peak {peak_backlog}");
    // The burst is over when the rate is back within 10% of the base:
    // 1 + (peak − 1)·e^(−t/decay) = 1.1.
    let burst_end = at_s + decay_s * ((peak - 1.0) / 0.1).ln();
    let zero = between(ws, at_s, s.duration_s)
        .skip_while(|w| w.backlog == 0)
        .find(|w| w.backlog == 0)
        .map(|w| w.t_s)
        .expect("backlog drains");
    assert!(
        zero <= burst_end + 600.0,
        "backlog zero at {zero} s, burst ended at {burst_end} s"
    );
}

/// Compresses a scene in time by `k`: shape times, duration, windows and the
/// processing SLA shrink; rates and service times stay.
fn compress(mut s: Scenario, k: f64) -> Scenario {
    for c in &mut s.settings.clients {
        if let Shape::Points(p) = &mut c.shape {
            for pt in p.iter_mut() {
                pt.0 /= k;
            }
        }
    }
    s.duration_s /= k;
    s.settings.window_s /= k;
    s.settings.percentile_window_s /= k;
    s.settings.sla.processed_target_s /= k;
    for e in &mut s.settings.timeline {
        e.at_s /= k;
    }
    s
}

/// Cheapest database size (and queue workers, in async) meeting both SLAs in
/// every window; returns (connections, capacity cost).
fn cheapest(s: &Scenario, mode: Mode) -> (u32, f64) {
    for n in 2..=30u32 {
        let mut t = s.clone();
        all_modes(&mut t, mode);
        t.settings.database.connections = n;
        t.settings.queue.workers = n;
        let mut sys = run(t.clone());
        let ws = sys.windows();
        let wait = max_of(ws, 0.0, t.duration_s, |w| w.wait.p95);
        let processed = max_of(ws, 0.0, t.duration_s, |w| w.processed.p95);
        // A job still queued counts too: no window may hold one older than
        // the target (its commit would come too late, or never).
        let oldest = max_of(ws, 0.0, t.duration_s, |w| w.oldest_job_age_s);
        let errors: u64 = sys.totals().errors.total();
        let target = t.settings.sla.processed_target_s;
        if wait <= t.settings.sla.wait_target_s
            && processed <= target
            && oldest <= target
            && errors == 0
        {
            return (n, sys.summary().capacity_cost);
        }
    }
    panic!("no size up to 30 connections meets the SLAs in {mode:?}");
}

#[test]
fn s04_black_friday_sync_costs_half_again_as_much() {
    // The day compressed 24× in time (1 h of sim time): rates, service times
    // and the 1 s response SLA are unchanged; the 30 min processing SLA
    // becomes 75 s.
    let s = compress(scene("04-black-friday.ron"), 24.0);
    let (n_sync, cost_sync) = cheapest(&s, Mode::Sync);
    let (n_async, cost_async) = cheapest(&s, Mode::Async);
    // Sync must carry the 120/s doorbuster through 100 ms writes: at least
    // 10 connections (its short peak lets ρ touch 1 without breaking the
    // SLA). Async only needs the evening plateau (50/s → more than 5) plus
    // enough to drain the doorbuster backlog within the processing SLA.
    assert!(n_sync >= 10, "sync needs {n_sync} connections");
    assert!(n_async > 5, "async needs {n_async} connections");
    assert!(
        cost_sync >= 1.5 * cost_async,
        "sync ${cost_sync:.2} ({n_sync} conns) vs async ${cost_async:.2} ({n_async} conns)"
    );
}

#[test]
fn s05_noisy_neighbour_fifo_hurts_fair_protects() {
    let s = scene("05-noisy-neighbour.ron");
    let small = |w: &Window| w.processed_p95_by_client[0];
    let fifo = run(s.clone());
    let ws = fifo.windows();
    let quiet = median_of(ws, 30.0, 120.0, small);
    let burst = max_of(ws, 120.0, 300.0, small);
    assert!(
        burst >= 10.0 * quiet,
        "FIFO: small p95 {burst} s vs quiet {quiet} s"
    );

    let mut f = s.clone();
    f.settings.queue.scheduling = Scheduling::Fair;
    let fair = run(f);
    let ws = fair.windows();
    let quiet = median_of(ws, 30.0, 120.0, small);
    let burst = max_of(ws, 120.0, 300.0, small);
    assert!(
        burst <= 2.0 * quiet,
        "fair: small p95 {burst} s vs quiet {quiet} s"
    );
    // The big client's own backlog absorbs its burst.
    assert!(max_of(ws, 120.0, 300.0, |w| w.backlog_by_client[1] as f64) > 1000.0);
}

#[test]
fn s06_flaky_database_backoff_rides_out_the_outage() {
    let s = scene("06-flaky-database.ron");
    let (start, end) = (120.0, 150.0);

    let mut sync = s.clone();
    all_modes(&mut sync, Mode::Sync);
    let mut sys = run(sync);
    let sum = sys.summary();
    assert!(sum.errors[Reason::DbError] > 0, "sync users see DB errors");
    // Each user retry and inline retry is an extra attempt for one action.
    assert!(
        sum.retry_amplification >= 1.1,
        "sync retry amplification {}",
        sum.retry_amplification
    );

    let mut expo = run(s.clone());
    let issued = expo.ledgers().actions.issued as f64;
    let dead = expo.ledgers().work.dead_lettered as f64;
    // 10 attempts with full-jitter backoff span ~90 s on average: longer
    // than the 30 s outage, and 5%^10 transient failures never exhaust them.
    assert!(
        dead <= 0.001 * issued,
        "exponential: {dead} dead letters of {issued}"
    );
    // No stampede when the database returns: retries come back spread over
    // the jittered backoff, never faster than during the outage itself.
    let during = max_of(expo.windows(), start, end, |w| w.system_retries as f64);
    let expo_after = max_of(expo.windows(), end, end + 60.0, |w| w.system_retries as f64);
    assert!(
        expo_after <= during,
        "exponential: {expo_after} retries/s after the outage vs {during} during"
    );
    let expo_peak = max_of(expo.windows(), 0.0, s.duration_s, |w| {
        w.system_retries as f64
    });
    let _ = expo.summary();

    let mut fixed = s.clone();
    fixed.settings.queue.retry = RetryPolicy::Fixed { delay_s: 1.0 };
    let fx = run(fixed);
    let dead = fx.ledgers().work.dead_lettered as f64;
    // Fixed 1 s: 10 attempts last 9 s, so jobs that fail in the first 21 s
    // of the outage (≈ 21 s × 50/s of ~18,000) die: ≥ 5%.
    assert!(
        dead >= 0.05 * issued,
        "fixed: {dead} dead letters of {issued}"
    );
    // A storm: every live job retries every second, so retries/s approach
    // 9 retries × 50 arrivals/s = 450/s, well above the jittered backoff's
    // ~log2(30 s / 0.25 s) ≈ 7 attempts spread over the whole outage.
    let rate = s.settings.clients[0].rate_per_s;
    let fixed_peak = max_of(fx.windows(), start, end + 30.0, |w| w.system_retries as f64);
    assert!(
        fixed_peak >= 8.0 * rate,
        "fixed: peak {fixed_peak} retries/s"
    );
    assert!(
        fixed_peak >= 1.25 * expo_peak,
        "fixed peak {fixed_peak}/s vs exponential {expo_peak}/s"
    );
}

#[test]
fn s07_doubling_the_database_moves_the_bottleneck() {
    let s = scene("07-moving-bottleneck.ron");
    // DB: 5 connections ÷ 50 ms = 100/s. Server: 9 workers ÷ 75 ms = 120/s.
    let db_rate = s.settings.database.connections as f64 / 0.050;
    let server_rate = 9.0 / 0.075;
    assert_eq!((db_rate, server_rate), (100.0, 120.0));
    let sys = run(s.clone());
    let ws = sys.windows();
    let before = mean_of(ws, 30.0, 120.0, |w| w.commits as f64);
    assert!(
        (95.0..=100.0).contains(&before),
        "commits/s before {before}"
    );
    let after = mean_of(ws, 150.0, 240.0, |w| w.commits as f64);
    assert!(
        (110.0..=120.0).contains(&after),
        "commits/s after doubling {after}"
    );
    let server = mean_of(ws, 150.0, 240.0, |w| w.util_server);
    let db = mean_of(ws, 150.0, 240.0, |w| w.util_db);
    assert!(server >= 0.95 && db <= 0.65, "server {server}, DB {db}");

    // +20% on the database instead: 6 connections.
    let mut plus20 = s.clone();
    plus20
        .settings
        .timeline
        .retain(|e| !matches!(e.change, Change::Set { .. }));
    plus20
        .settings
        .timeline
        .push(asynclab::scenario::TimelineEvent {
            at_s: 120.0,
            change: Change::Set {
                path: "database.connections".into(),
                value: 6.0,
            },
        });
    let p = run(plus20);
    let rate20 = mean_of(p.windows(), 150.0, 240.0, |w| w.commits as f64);
    // Both tiers then top out at 120/s: within 10% of the doubled database.
    assert!(
        rate20 >= 0.9 * after,
        "+20%: {rate20}/s vs doubled {after}/s"
    );
    // Added cost: 1 connection instead of 5.
    let price = s.settings.cost.db_connection_per_hour;
    assert!((6.0 - 5.0) * price <= 0.2 * (10.0 - 5.0) * price + 1e-9);
}

#[test]
fn s08_premium_pays_for_priority() {
    let s = scene("08-pay-for-priority.ron");
    let mut sys = run(s.clone());
    let sum = sys.summary();
    let p95 = |i: usize| sum.processed_by_client[i].expect("commits").p95;
    let (premium, free) = (p95(0), p95(2));
    assert!(
        premium <= free / 5.0,
        "premium {premium} s vs free {free} s"
    );
    assert!(sum.revenue_by_tier[2] > sum.revenue_by_tier[1] && sum.revenue_by_tier[1] > 0.0);
    assert_eq!(sum.revenue_by_tier[0], 0.0);
}

#[test]
fn s09_polls_cost_pending_over_interval() {
    let s = scene("09-polling.ron");
    let sys = run(s.clone());
    let ws = sys.windows();
    // Steady state after the first jobs (~10 s) and percentile windows.
    for (from, to, p) in [(30.0, 150.0, 1.0), (180.0, 300.0, 5.0)] {
        let polls: f64 = between(ws, from, to).map(|w| w.polls as f64).sum();
        let expected: f64 = between(ws, from, to).map(|w| w.pending_polled / p).sum();
        let rel = (polls - expected) / expected;
        assert!(
            rel.abs() <= 0.05,
            "P = {p}: {polls} polls vs pending/P {expected} ({rel:+.3})"
        );
    }
    let u1 = mean_of(ws, 30.0, 150.0, |w| w.util_server_polls);
    let u5 = mean_of(ws, 180.0, 300.0, |w| w.util_server_polls);
    assert!(u1 > 0.05, "polls load the servers: {u1}");
    assert!(u5 <= 0.35 * u1, "P = 5 s cuts poll load: {u5} vs {u1}");
}

#[test]
fn s10_one_spot_async_helps_the_other_endpoint_too() {
    let s = scene("10-one-spot-async.ron");
    let switch_s = 150.0;
    let sys = run(s.clone());
    let ws = sys.windows();
    let other = |w: &Window| w.wait_p95_by_endpoint[1];
    let slow = |w: &Window| w.wait_p95_by_endpoint[0];
    let before = median_of(ws, 60.0, switch_s, other);
    let after = max_of(ws, switch_s + 30.0, s.duration_s, other);
    assert!(
        after <= before / 2.0,
        "'update settings' p95 {after} s after vs {before} s before"
    );
    let slow_before = median_of(ws, 60.0, switch_s, slow);
    let slow_after = max_of(ws, switch_s + 30.0, s.duration_s, slow);
    assert!(
        slow_after <= slow_before / 4.0,
        "'export report' p95 {slow_after} s after vs {slow_before} s"
    );
    // The queue workers cap the slow endpoint at 5 of 7 connections.
    assert!(s.settings.queue.workers < s.settings.database.connections);
    let _ = knobs::knobs(&s.settings);
}
