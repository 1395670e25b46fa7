//! Every shipped scene runs headless and demonstrates the claim MODEL.md
//! states for it, and every sentence of its texts (lesson, watch, captions)
//! that carries a number or a direction holds on a run with the scene's own
//! seed, as the text says to run it. Thresholds come from each scene's own
//! physics (capacities, rates, patience); the reasoning sits beside each
//! assertion, quoting the words it checks.
//!
//! Each scene's claims are a function of the scene, so
//! `claims_hold_on_other_seeds` (ignored: a few minutes) checks them on ten
//! other seeds too: `cargo test --test integration -- --ignored seeds`
//! (`SEEDS_SCENE=07` for one scene). The few MODEL.md thresholds that sit
//! exactly at a stage's capacity are asserted on the scene's own seed only,
//! in its `#[test]`: on another seed a sample mean may pass them by its
//! noise.

use asynclab::scenario::{
    BUILTIN_SCENES, Change, Mode, RetryPolicy, Scenario, Scheduling, Shape, StartSpeed,
    TimelineEvent, builtin, knobs,
};
use asynclab::sim::traffic::multiplier;
use asynclab::sim::{Reason, SimTime, System, Window};

mod own;

fn scene(file: &str) -> Scenario {
    builtin(file)
        .expect("scene is built in")
        .expect("scene is valid")
}

/// Runs `s` for its duration; the ledgers must balance.
fn run(s: Scenario) -> System {
    let d = s.duration_s;
    run_to(s, d)
}

/// Runs `s` until `end_s`; the ledgers must balance.
fn run_to(s: Scenario, end_s: f64) -> System {
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs_f64(end_s));
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

/// End of the window in (from, to] where `f` is largest.
fn when_max(ws: &[Window], from_s: f64, to_s: f64, f: impl Fn(&Window) -> f64) -> f64 {
    between(ws, from_s, to_s)
        .filter(|w| !f(w).is_nan())
        .max_by(|a, b| f(a).total_cmp(&f(b)))
        .map(|w| w.t_s)
        .unwrap_or_else(|| panic!("no windows in ({from_s}, {to_s}]"))
}

/// End of the first window in (from, to] where `f` holds.
fn first_when(ws: &[Window], from_s: f64, to_s: f64, f: impl Fn(&Window) -> bool) -> Option<f64> {
    between(ws, from_s, to_s).find(|w| f(w)).map(|w| w.t_s)
}

/// End of the last window in (from, to] where `f` holds.
fn last_when(ws: &[Window], from_s: f64, to_s: f64, f: impl Fn(&Window) -> bool) -> Option<f64> {
    between(ws, from_s, to_s)
        .filter(|w| f(w))
        .last()
        .map(|w| w.t_s)
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

fn sum_of(ws: &[Window], from_s: f64, to_s: f64, f: impl Fn(&Window) -> u64) -> u64 {
    between(ws, from_s, to_s).map(f).sum()
}

fn errors(w: &Window) -> u64 {
    w.errors.total()
}

/// Client `c`'s offered rate at `t_s`, actions/s.
fn rate_at(s: &Scenario, c: usize, t_s: f64) -> f64 {
    let client = &s.settings.clients[c];
    client.rate_per_s * multiplier(&client.shape, t_s)
}

/// The database's write capacity, writes/s: connections ÷ mean write time
/// of the scene's first endpoint.
fn db_capacity_per_s(s: &Scenario) -> f64 {
    f64::from(s.settings.database.connections) * 1000.0 / s.settings.endpoints[0].db_write.mean_ms()
}

fn all_modes(s: &mut Scenario, mode: Mode) {
    for e in &mut s.settings.endpoints {
        e.mode = mode;
    }
    s.settings
        .timeline
        .retain(|e| !matches!(e.change, Change::SetMode { .. }));
}

fn set_at(s: &mut Scenario, at_s: f64, path: &str, value: f64) {
    s.settings.timeline.push(TimelineEvent {
        mode: None,
        at_s,
        change: Change::Set {
            path: path.into(),
            value,
        },
    });
}

#[test]
fn every_shipped_scene_parses_runs_and_balances() {
    // Eleven lessons, one example (scenes/examples/) and five exercises
    // (scenes/exercises/).
    assert_eq!(BUILTIN_SCENES.len(), 17);
    for b in BUILTIN_SCENES {
        let s = scene(b.file);
        assert!(
            !s.lesson.is_empty() && !s.watch.is_empty(),
            "{} needs lesson and watch",
            b.file
        );
        // The file on disk is the one built in, written in the current
        // format.
        let disk = std::fs::read_to_string(format!("scenes/{}", b.file)).expect("scene file");
        assert_eq!(disk, b.text, "{} differs from the built-in copy", b.file);
        // Version 3, or 6 for a scene that directs the live clock or
        // says its lesson in one sentence or states the mode a caption
        // describes.
        let v6 = !s.view.cues.is_empty()
            || !s.lesson_short.is_empty()
            || s.settings.timeline.iter().any(|e| e.mode.is_some());
        let version = if v6 { 6 } else { 3 };
        assert!(
            disk.contains(&format!("    version: {version},\n")),
            "{} is version {version}",
            b.file
        );
        // Its own view: the plots span the whole run, two to four key
        // plots, and at its starting speed the run plays in half a minute
        // to two minutes of wall time (a day at 1000×, a 2-minute scene at
        // 2×), long enough to talk over, short enough to watch twice.
        let v = &s.view;
        assert!(disk.contains("    view: ("), "{} sets its view", b.file);
        assert_eq!(v.span_s, s.duration_s, "{} plots its whole run", b.file);
        assert!(
            (2..=4).contains(&v.key_plots.len()),
            "{} names 2–4 key plots",
            b.file
        );
        let StartSpeed::Times(x) = v.speed else {
            panic!("{} starts at a speed the captions can be read at", b.file)
        };
        // Slow stretches play at their own speed.
        let slowed: f64 = v
            .cues
            .iter()
            .map(|c| match c {
                asynclab::scenario::Cue::Slow {
                    from_s,
                    to_s,
                    speed,
                } => (to_s - from_s) / speed - (to_s - from_s) / x,
                asynclab::scenario::Cue::Pause { .. } => 0.0,
            })
            .sum();
        let wall_s = s.duration_s / x + slowed;
        assert!(
            (30.0..=120.0).contains(&wall_s),
            "{} plays in {wall_s} s",
            b.file
        );
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

// ----- 1. Hello, sync ----------------------------------------------------------

fn s01(s: Scenario) {
    let mut sys = run(s.clone());
    let sum = sys.summary();
    let wait = sum.wait.expect("waits recorded");
    // "the user sees 'saved' in about 100 ms": network 2 × 20 ms + CPU
    // 10 ms + write 50 ms = 100 ms on average (the mean is exact); at 10%
    // load nothing waits for a connection.
    assert!((0.09..=0.11).contains(&wait.mean), "mean {}", wait.mean);
    // The median of that sum of exponentials sits a little below the mean.
    assert!((0.06..=0.14).contains(&wait.p50), "p50 {}", wait.p50);
    assert!(wait.p95 < 0.3, "p95 {}", wait.p95);
    // "The wait plot's p50 line sits flat near 0.1 s (p95 near 0.2 s)": in
    // every plotted window. The p95 of 40 ms plus a 50 ms and a 10 ms
    // exponential is about 40 + 160 ms.
    for w in sys.windows().iter().filter(|w| !w.wait.p50.is_nan()) {
        assert!(
            (0.06..=0.12).contains(&w.wait.p50) && (0.14..=0.3).contains(&w.wait.p95),
            "at {} s: p50 {} s, p95 {} s",
            w.t_s,
            w.wait.p50,
            w.wait.p95
        );
    }
    // "Nothing queues and nothing fails", "no errors appear".
    assert_eq!(sum.errors.total(), 0, "errors under light load");
    assert_eq!(sum.peak_backlog, 0, "nothing queues");
    // Every outcome of the run counts against the SLA, the first window's too.
    assert!(
        sum.sla_wait_share > 0.995,
        "SLA share {}",
        sum.sla_wait_share
    );
    // "the database about 10% busy": 20/s × 50 ms = 1 of 10 connections.
    let u = sum.utilisation;
    assert!((0.07..=0.13).contains(&u.database), "DB {}", u.database);
    // "the servers about 1%": 20/s × 60 ms (CPU + write) = 1.2 of 100.
    assert!((0.005..=0.02).contains(&u.server), "server {}", u.server);
}

#[test]
fn s01_hello_sync_is_quick_and_quiet() {
    s01(scene("01-hello-sync.ron"));
}

// ----- 2. Slow database --------------------------------------------------------

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

fn s02(s: Scenario) {
    let switch_s = 240.0;
    let db = db_capacity_per_s(&s);
    assert_eq!(db, 100.0, "5 connections ÷ 50 ms");
    let sys = run(s.clone());
    let ws = sys.windows();
    // Caption at 5 s, "a sync save takes about 100 ms": network 40 ms +
    // CPU 10 ms + write 50 ms, before traffic starts rising at 20 s.
    let light_mean = mean_of(ws, 10.0, 20.0, |w| w.wait.mean);
    assert!(
        (0.08..=0.12).contains(&light_mean),
        "light mean {light_mean}"
    );
    // Caption at 47 s, "Traffic passes 100/s, the database's limit".
    assert!(rate_at(&s, 0, 46.0) < db && rate_at(&s, 0, 47.0) >= db);

    // MODEL: light load is 40/s against a 100/s database for the first 20 s.
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

    // "100 ms becomes 10 s, then timeouts" and "the p95 wait climb past
    // 5 s, then timeouts and 'server busy' errors appear": the queue in
    // front of the database grows by 30/s; a user gives up after 15 s.
    let first_timeout = first_when(ws, 0.0, switch_s, |w| w.errors[Reason::Timeout] > 0)
        .expect("timeouts before the switch");
    let p50_10 = first_when(ws, 0.0, switch_s, |w| w.wait.p50 >= 10.0).expect("p50 10 s");
    let p95_5 = first_when(ws, 0.0, switch_s, |w| w.wait.p95 > 5.0).expect("p95 5 s");
    assert!(
        p95_5 < p50_10 && p50_10 < first_timeout,
        "p95 > 5 s at {p95_5} s, p50 ≥ 10 s at {p50_10} s, first timeout at {first_timeout} s"
    );
    // The 2,200 places (workers + accept backlog) fill up at the same time.
    let busy = sum_of(ws, 0.0, switch_s, |w| w.errors[Reason::ServerBusy]);
    assert!(busy > 0, "no 'server busy' before the switch");
    // "while the database sits at 100%": from the traffic's plateau on.
    let util_db = mean_of(ws, 60.0, switch_s, |w| w.util_db);
    assert!(util_db >= 0.98, "DB utilisation {util_db}");

    // MODEL: sync work in flight at the switch is at most workers +
    // backlog = 2,200 requests, drained by the database at 100/s: 22 s.
    // Add the 10 s percentile window; from then on every window is
    // async-only.
    let drained = switch_s + 2200.0 / db + s.settings.percentile_window_s;
    let ack = light_ack_p95(s.clone(), 40.0);
    let after = max_of(ws, drained, s.duration_s, |w| w.wait.p95);
    assert!(
        after <= 2.0 * ack,
        "async p95 {after} s vs light-load ack p95 {ack} s"
    );
    // "the wait collapses to the ~70 ms acknowledgement": network 40 ms +
    // CPU 10 ms + enqueue 2 ms on average, its p95 about 70 ms.
    let ack_now = median_of(ws, drained, s.duration_s, |w| w.wait.p95);
    assert!((0.055..=0.09).contains(&ack_now), "ack p95 {ack_now} s");
    // "while the queue backlog grows": for as long as traffic exceeds the
    // database, i.e. until it falls back through 100/s (at 442 s).
    let fall = (420.0, 480.0);
    assert!(rate_at(&s, 0, fall.0) > db && rate_at(&s, 0, fall.1) < db);
    let peak_at = when_max(ws, switch_s, s.duration_s, |w| w.backlog as f64);
    assert!(
        peak_at > fall.0 && peak_at <= fall.1,
        "backlog peaks at {peak_at} s"
    );
    assert!(
        max_of(ws, switch_s, s.duration_s, |w| w.backlog as f64) > 1000.0,
        "the queue absorbed the excess"
    );
    // "once traffic falls back at 7–8 minutes, the backlog drains to zero":
    // at 50/s against 100/s it empties, then stays at ordinary queueing
    // levels (ρ = 0.5 on 5 workers).
    let drained_at = first_when(ws, peak_at, s.duration_s, |w| w.backlog == 0);
    assert!(
        drained_at.is_some_and(|t| t < s.duration_s - 60.0),
        "backlog never drained: {drained_at:?}"
    );
    let tail = mean_of(ws, s.duration_s - 60.0, s.duration_s, |w| w.backlog as f64);
    assert!(tail < 1.0, "mean backlog over the last minute {tail}");
    s02_strip(&s, ws, switch_s);
}

/// "The bottleneck strip under the headline does the arithmetic: the
/// database can do 100/s (5 connections / 50 ms) while more arrive, and
/// after the switch it says how fast the queue grows." The strip's words
/// for the live settings and its last ten windows, before and after the
/// switch.
fn s02_strip(s: &Scenario, ws: &[Window], switch_s: f64) {
    use asynclab::app::bottleneck::{MEASURE_WINDOWS, text};
    use asynclab::sim::capacity::{Measured, StageKind, analyse};
    let words_at = |end_s: f64, mode: Mode| {
        let mut live = s.settings.clone();
        all_modes_in(&mut live, mode);
        let span: Vec<Window> = between(ws, end_s - MEASURE_WINDOWS as f64, end_s)
            .cloned()
            .collect();
        assert_eq!(span.len(), MEASURE_WINDOWS, "1 s windows");
        let m = Measured::from_windows(&span, live.window_s);
        let a = analyse(&live, &m, None);
        let g = asynclab::sim::Gauges::default();
        (a.clone(), asynclab::explain::explain(&a, &live, &g))
    };
    // Sync, on the plateau (130/s against the database's 100/s).
    let (a, words) = words_at(150.0, Mode::Sync);
    assert!(a.saturated(), "more arrive than it can do");
    assert_eq!(a.bottleneck().kind, StageKind::Database);
    assert_eq!(a.bottleneck().capacity_per_s, 100.0);
    assert!(a.bottleneck().offered_per_s > 100.0);
    let shown = text(&words.headline);
    assert!(
        shown.contains("it can do 100/s (5 connections / 50 ms)"),
        "{shown}"
    );
    // Async, well after the switch, traffic still on its plateau.
    let (_, words) = words_at(switch_s + 60.0, Mode::Async);
    let queue = words.queue.expect("a sentence about the queue");
    assert!(queue.starts_with("Queue grows "), "{queue}");
}

fn all_modes_in(s: &mut asynclab::scenario::Settings, mode: Mode) {
    for e in &mut s.endpoints {
        e.mode = mode;
    }
}

#[test]
fn s02_slow_database_sync_collapses_and_async_rescues() {
    s02(scene("02-slow-database.ron"));
}

// ----- 3. Morning e-mail blast -------------------------------------------------

fn s03(s: Scenario) {
    let Shape::EmailBlast {
        at_s,
        peak,
        decay_s,
    } = s.settings.clients[0].shape
    else {
        panic!("shape")
    };
    let sla = s.settings.sla.wait_target_s;
    // Caption at 120 s, "20× the usual traffic".
    let jump = rate_at(&s, 0, at_s) / rate_at(&s, 0, at_s - 10.0);
    assert!((jump - 20.0).abs() < 0.01, "{jump}×");
    assert_eq!(peak, 20.0);

    // Caption at 110 s, "The e-mail goes out in 10 s".
    assert!(s.settings.timeline.iter().any(|e| e.at_s == at_s - 10.0));

    let sync = run(s.clone());
    let ws = sync.windows();
    assert_eq!(
        max_of(ws, 0.0, at_s, |w| errors(w) as f64),
        0.0,
        "no errors before the blast"
    );
    // "at 120 s 'server busy' errors spike": within seconds of the e-mail
    // the 140 places (workers + accept backlog) are full.
    let first = first_when(ws, 0.0, s.duration_s, |w| errors(w) > 0);
    assert!(
        first.is_some_and(|t| t > at_s && t <= at_s + 10.0),
        "first error at {first:?}"
    );
    // MODEL and "at 120 s 'server busy' errors spike".
    let burst = (at_s, at_s + 120.0);
    let burst_errors = sum_of(ws, burst.0, burst.1, errors) as f64;
    let burst_actions = sum_of(ws, burst.0, burst.1, |w| w.actions) as f64;
    assert!(
        burst_errors >= 0.01 * burst_actions,
        "sync: {burst_errors} errors in {burst_actions} actions"
    );
    // They are the accept backlog (40 workers + 100 places) overflowing,
    // not timeouts: the waits stay far below the 10 s patience.
    let busy = sum_of(ws, burst.0, burst.1, |w| w.errors[Reason::ServerBusy]) as f64;
    assert!(busy >= 0.9 * burst_errors, "{busy} of {burst_errors}");
    // "up to about half of all answers": at 200/s against 100 writes/s
    // half the arrivals find no room.
    let share = max_of(ws, burst.0, burst.1, |w| w.error_share);
    assert!((0.35..=0.65).contains(&share), "error share {share}");
    // "the wait passes the 1 s SLA".
    let wait = max_of(ws, burst.0, burst.1, |w| w.wait.p95);
    assert!(wait > sla, "sync p95 {wait} s");

    let mut a = s.clone();
    all_modes(&mut a, Mode::Async);
    let asys = run(a);
    let ws = asys.windows();
    // MODEL: ack p95 within 2× its pre-burst value. "the acknowledgement
    // wait does not move": the server enqueues at ~3,000/s, far above the
    // 200/s peak, so it stays within the noise of its own p95 (±25%).
    let before = max_of(ws, 30.0, at_s, |w| w.wait.p95);
    let during = max_of(ws, at_s, s.duration_s, |w| w.wait.p95);
    assert!(
        during <= 2.0 * before,
        "async ack p95 {during} s vs {before} s before the blast"
    );
    let in_burst = max_of(ws, burst.0, burst.1, |w| w.wait.p95);
    assert!(
        in_burst <= 1.25 * before,
        "async ack p95 {in_burst} s in the burst vs {before} s before"
    );
    // "no error appears".
    assert_eq!(asys.totals().errors.total(), 0, "async errors");
    // "the backlog peaks near 2,000 jobs": arrivals above the database's
    // 100/s, ∫(190·e^(−t/60) − 90) dt over the 45 s they last ≈ 1,970.
    let peak_backlog = max_of(ws, at_s, s.duration_s, |w| w.backlog as f64);
    assert!(peak_backlog >= 100.0, "backlog peak {peak_backlog}");
    assert!(
        (1500.0..=2500.0).contains(&peak_backlog),
        "backlog peak {peak_backlog}"
    );
    // MODEL: the burst is over when the rate is back within 10% of the
    // base: 1 + (peak − 1)·e^(−t/decay) = 1.1.
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
    // "back to zero about two minutes after the e-mail": the database's
    // spare capacity catches up with that excess 105 s after it lands.
    assert!(
        zero > at_s + 90.0 && zero <= at_s + 150.0,
        "backlog zero at {zero} s"
    );
}

#[test]
fn s03_email_blast_errors_sync_but_async_absorbs_it() {
    s03(scene("03-morning-email-blast.ron"));
}

// ----- 4. Black Friday ---------------------------------------------------------

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

fn s04_sweep(s: Scenario) {
    // The day compressed 24× in time (1 h of sim time): rates, service times
    // and the 1 s response SLA are unchanged; the 30 min processing SLA
    // becomes 75 s.
    let s = compress(s, 24.0);
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
fn s04_black_friday_sync_costs_half_again_as_much() {
    s04_sweep(scene("04-black-friday.ron"));
}

/// The day as shipped (6 connections): its morning in sync, with 6, 11 and
/// 13 connections (the texts' sync claims are all about 09:00), and the
/// whole day in async.
fn s04_day(s: Scenario) {
    let h = 3600.0;
    let sla = s.settings.sla.wait_target_s;
    let processed_sla = s.settings.sla.processed_target_s;
    // "the database's 60 writes/s": 6 connections ÷ 100 ms.
    assert_eq!(db_capacity_per_s(&s), 60.0);
    // Caption at 09:00, "peak traffic, 6× the night rate" (midnight's).
    let night = rate_at(&s, 0, 0.0);
    assert_eq!(rate_at(&s, 0, 9.0 * h), 6.0 * night);
    assert_eq!(
        rate_at(&s, 0, 19.0 * h),
        2.5 * night,
        "19:00: evening shoppers"
    );

    let noon = 12.0 * h;
    let sync = run_to(s.clone(), noon);
    let ws = sync.windows();
    // "In SYNC the morning is fine": within the SLA, no errors, until the
    // sale opens at 08:30 (40/s against 60 writes/s).
    assert!(max_of(ws, 0.0, 8.5 * h, |w| w.wait.p95) <= sla);
    assert_eq!(sum_of(ws, 0.0, 8.5 * h, errors), 0);
    // "from about 08:40 the doorbuster outruns the database's 60
    // writes/s": traffic passes 60/s at 08:37:30; the 10-minute p95
    // crosses the SLA as the queue builds.
    assert!(rate_at(&s, 0, 8.6 * h) < 60.0 && rate_at(&s, 0, 8.65 * h) > 60.0);
    let crossed = first_when(ws, 0.0, noon, |w| w.wait.p95 > sla).expect("crosses");
    assert!(
        crossed > 8.5 * h && crossed <= 8.85 * h,
        "sync crosses the SLA at {:.2} h",
        crossed / h
    );
    // "the wait crosses the 1 s SLA and nearly every order fails until
    // about 09:30": once the queue holds more than 15 s of writes, users
    // give up (or find no room) before their turn comes.
    let failing = mean_of(ws, 9.0 * h, 9.4 * h, |w| w.error_share);
    assert!(failing >= 0.9, "error share at 09:00–09:25 {failing}");
    let last_error = last_when(ws, 0.0, noon, |w| errors(w) > 0).expect("errors");
    assert!(
        last_error > 9.25 * h && last_error <= 9.75 * h,
        "last error at {:.2} h",
        last_error / h
    );
    let cost = |sys: &System| sys.gauges().cost_per_hour;
    // "$14.30": 200 server workers × $0.01 + 6 connections × $2 + 6 queue
    // workers × $0.05.
    assert!((cost(&sync) - 14.30).abs() < 1e-9, "${}", cost(&sync));

    // "To hold the SLA at 09:00 sync needs 13 connections, a little more
    // than the peak": 13 × 10 writes/s against 120 orders/s hold it
    // without an error; 11 do not. (12 match the peak exactly: at ρ = 1
    // whether the 10-minute p95 stays under 1 s is down to the seed.)
    assert!(13.0 * 10.0 > rate_at(&s, 0, 9.0 * h));
    let mut thirteen = s.clone();
    thirteen.settings.database.connections = 13;
    let sys13 = run_to(thirteen, noon);
    let worst = max_of(sys13.windows(), 0.0, noon, |w| w.wait.p95);
    assert!(worst <= sla, "13 connections: p95 {worst} s");
    assert_eq!(sys13.totals().errors.total(), 0, "13 connections: errors");
    // "$28.30 per hour instead of $14.30": 7 more connections × $2.
    assert!((cost(&sys13) - 28.30).abs() < 1e-9, "${}", cost(&sys13));
    let mut eleven = s.clone();
    eleven.settings.database.connections = 11;
    let sys11 = run_to(eleven, noon);
    let worst = max_of(sys11.windows(), 0.0, noon, |w| w.wait.p95);
    assert!(worst > sla, "11 connections hold the SLA: p95 {worst} s");

    // "In ASYNC the 6 connections are enough".
    let mut a = s.clone();
    all_modes(&mut a, Mode::Async);
    let asys = run(a);
    let ws = asys.windows();
    // "every user is answered within a quarter of a second, 95% of them
    // in under 0.1 s": the acknowledgement (network 40 ms + CPU 10 ms +
    // enqueue 2 ms), whatever the load; its exponential CPU tail makes the
    // slowest answer of the day a few times that.
    let ack = max_of(ws, 0.0, s.duration_s, |w| w.wait.p95);
    assert!(ack < 0.1, "async p95 {ack} s");
    let slowest = max_of(ws, 0.0, s.duration_s, |w| w.wait.max);
    assert!(slowest < 0.25, "async slowest answer {slowest} s");
    assert!(
        s.watch.contains(
            "every user is answered within a quarter of a second, 95% of them in under 0.1 s"
        ),
        "the text asserted here"
    );
    assert_eq!(asys.totals().errors.total(), 0, "async errors");
    // "the backlog peaks near 80,000 orders around 09:20": arrivals above
    // 60/s pile up from 08:37:30 until traffic falls back to 60/s at
    // 09:22:30 (half of 45 min × 60/s of excess at the peak ≈ 81,000).
    let peak = max_of(ws, 0.0, s.duration_s, |w| w.backlog as f64);
    let peak_at = when_max(ws, 0.0, s.duration_s, |w| w.backlog as f64);
    assert!((70_000.0..=90_000.0).contains(&peak), "backlog peak {peak}");
    assert!(
        peak_at > 9.15 * h && peak_at <= 9.5 * h,
        "backlog peaks at {:.2} h",
        peak_at / h
    );
    // "and is gone by about 10:30": the spare 20/s of the late morning
    // clears it; then only ordinary queueing remains (at most a few dozen
    // jobs at 40/s on 6 workers).
    let gone = first_when(ws, peak_at, s.duration_s, |w| w.backlog <= 100).expect("drains");
    assert!(
        gone > 10.25 * h && gone <= 10.75 * h,
        "backlog gone at {:.2} h",
        gone / h
    );
    assert!(max_of(ws, 11.0 * h, s.duration_s, |w| w.backlog as f64) <= 100.0);
    // "each order committed within 30 minutes": the longest click → commit
    // of any window (exact maxima), and no queued job ever older.
    let slowest = max_of(ws, 0.0, s.duration_s, |w| w.processed.max);
    let oldest = max_of(ws, 0.0, s.duration_s, |w| w.oldest_job_age_s);
    assert!(
        slowest <= processed_sla && oldest <= processed_sla,
        "slowest commit {slowest} s, oldest queued {oldest} s"
    );
    assert_eq!(asys.ledgers().work.dead_lettered, 0);
    assert!((cost(&asys) - 14.30).abs() < 1e-9, "${}", cost(&asys));
}

#[test]
fn s04_black_friday_texts_hold_over_the_whole_day() {
    s04_day(scene("04-black-friday.ron"));
}

/// The live clock's cues and the twins C compares, as the scene names
/// them.
#[test]
fn s04_black_friday_cues_and_twins_are_what_they_say() {
    use asynclab::scenario::Cue;
    let s = scene("04-black-friday.ron");
    let h = 3600.0;
    let [
        Cue::Slow {
            from_s,
            to_s,
            speed,
        },
        Cue::Pause { at_s, caption },
    ] = s.view.cues.as_slice()
    else {
        panic!("a slow stretch and a pause: {:?}", s.view.cues);
    };
    // Slow through 08:30–09:45, the whole crisis (sync crosses the SLA
    // after 08:30 and its last error comes by 09:45: `s04_day`), at about
    // a tenth of the scene's 1000×; the pause at 09:00.
    assert_eq!((*from_s, *to_s, *speed), (8.5 * h, 9.75 * h, 120.0));
    assert_eq!(s.view.speed, StartSpeed::Times(1000.0));
    assert_eq!(*at_s, 9.0 * h);
    // "the doorbuster peak, 120 orders a second": the day's highest rate.
    assert!(caption.starts_with("the doorbuster peak, 120 orders a second."));
    assert_eq!(rate_at(&s, 0, 9.0 * h), 120.0);
    let highest = (0..=86_400)
        .step_by(60)
        .map(|t| rate_at(&s, 0, t as f64))
        .fold(0.0, f64::max);
    assert_eq!(highest, 120.0);
    // "hold the 1 s SLA".
    assert!(caption.contains("the 1 s SLA") && s.settings.sla.wait_target_s == 1.0);
    // "C compares them": the three twins, each what its name says.
    let twins = asynclab::sim::Twins::compare(&s.settings, &s.variants).expect("twins build");
    let described: Vec<(String, Mode, u32)> = twins
        .twins()
        .iter()
        .map(|t| {
            let live = t.system().settings();
            let modes: Vec<Mode> = live.endpoints.iter().map(|e| e.mode).collect();
            assert!(modes.windows(2).all(|m| m[0] == m[1]), "{modes:?}");
            (t.name().to_string(), modes[0], live.database.connections)
        })
        .collect();
    assert_eq!(
        described,
        [
            ("sync, 6 connections".to_string(), Mode::Sync, 6),
            ("sync, sized for the peak (13)".to_string(), Mode::Sync, 13),
            ("async, 6 connections".to_string(), Mode::Async, 6),
        ]
    );
}

// ----- 5. Noisy neighbour ------------------------------------------------------

fn s05(s: Scenario) {
    let small = |w: &Window| w.processed_p95_by_client[0];
    let (start, end) = (120.0, 240.0);
    // Caption at 120 s, "12× the small one's rate": 30 × 5/s = 150/s
    // against 12/s.
    let ratio = rate_at(&s, 1, 180.0) / rate_at(&s, 0, 180.0);
    assert!((12.0..13.0).contains(&ratio), "{ratio}×");

    let fifo = run(s.clone());
    let ws = fifo.windows();
    let quiet = median_of(ws, 30.0, start, small);
    let burst = max_of(ws, start, 300.0, small);
    // MODEL.
    assert!(
        burst >= 10.0 * quiet,
        "FIFO: small p95 {burst} s vs quiet {quiet} s"
    );
    // "puts the small client's jobs behind thousands of others": 162/s
    // offered to 100 writes/s for 120 s leaves ~7,400 queued.
    let total = max_of(ws, start, 300.0, |w| w.backlog as f64);
    assert!(total >= 5000.0, "FIFO backlog {total}");
    // "its time-to-processed climbs from 0.2 s to over a minute": the
    // last job of the burst waits behind ~7,400 at 100/s, 74 s.
    assert!((0.12..=0.3).contains(&quiet), "quiet p95 {quiet} s");
    assert!(burst >= 60.0, "FIFO: small p95 {burst} s");

    let mut f = s.clone();
    f.settings.queue.scheduling = Scheduling::Fair;
    let fair = run(f);
    let ws = fair.windows();
    let quiet = median_of(ws, 30.0, start, small);
    let burst = max_of(ws, start, 300.0, small);
    // MODEL, and "the small client's line stays flat near 0.2 s".
    assert!(
        burst <= 2.0 * quiet,
        "fair: small p95 {burst} s vs quiet {quiet} s"
    );
    assert!(burst <= 0.3, "fair: small p95 {burst} s");
    // "the big client's own backlog, about 7,000 jobs, absorbs the
    // burst": it gets the 88/s the small one leaves, 62/s short for 120 s.
    let big = max_of(ws, start, 300.0, |w| w.backlog_by_client[1] as f64);
    assert!((6000.0..=8500.0).contains(&big), "big backlog {big}");
    assert!(max_of(ws, start, 300.0, |w| w.backlog_by_client[0] as f64) <= 20.0);
    // Caption at 240 s, "Burst over: the backlog drains": it peaks as the
    // burst ends and is empty well before the run does.
    let peak_at = when_max(ws, start, 300.0, |w| w.backlog_by_client[1] as f64);
    assert!((end..=end + 5.0).contains(&peak_at), "peak at {peak_at} s");
    let empty = first_when(ws, end, s.duration_s, |w| w.backlog == 0);
    assert!(
        empty.is_some_and(|t| t < s.duration_s - 120.0),
        "drained at {empty:?}"
    );
}

#[test]
fn s05_noisy_neighbour_fifo_hurts_fair_protects() {
    s05(scene("05-noisy-neighbour.ron"));
}

// ----- 6. Flaky database -------------------------------------------------------

/// Returns the retry peaks (fixed 1 s, exponential), per window.
fn s06(s: Scenario) -> (f64, f64) {
    let (start, end) = (120.0, 150.0);
    // Caption at 121 s, "The database is down for 30 s".
    let at = |pred: fn(&Change) -> bool| {
        s.settings
            .timeline
            .iter()
            .find(|e| pred(&e.change))
            .map(|e| e.at_s)
    };
    assert_eq!(at(|c| matches!(c, Change::OutageStart(_))), Some(start));
    assert_eq!(at(|c| matches!(c, Change::OutageEnd)), Some(end));
    let rate = s.settings.clients[0].rate_per_s;

    let mut sync = s.clone();
    all_modes(&mut sync, Mode::Sync);
    let mut sys = run(sync);
    let sum = sys.summary();
    // "Sync, a failing write is an error on screen and a user clicking
    // again".
    assert!(sum.errors[Reason::DbError] > 0, "sync users see DB errors");
    assert!(sum.user_retries > 0, "sync users click again");
    // MODEL: each user retry and inline retry is an extra attempt for one
    // action.
    assert!(
        sum.retry_amplification >= 1.1,
        "sync retry amplification {}",
        sum.retry_amplification
    );

    let expo = run(s.clone());
    let ws = expo.windows();
    let issued = expo.ledgers().actions.issued as f64;
    let dead = expo.ledgers().work.dead_lettered as f64;
    // MODEL, and "almost none is dead-lettered": 10 attempts with
    // full-jitter backoff span ~60 s on average, longer than the 30 s
    // outage, and 5%^10 transient failures never exhaust them.
    assert!(
        dead <= 0.001 * issued,
        "exponential: {dead} dead letters of {issued}"
    );
    // "the jobs wait in backoff, about 1,500 by the end of the outage":
    // every job of the outage, 30 s × 50/s.
    let backoff = max_of(ws, start, end + 1.0, |w| w.in_backoff as f64);
    assert!(
        (0.8 * 30.0 * rate..=1.2 * 30.0 * rate).contains(&backoff),
        "{backoff} in backoff"
    );
    // MODEL, and "when it returns they come back spread out": retries come
    // back spread over the jittered backoff, never faster than during the
    // outage itself.
    let retries = |w: &Window| w.system_retries as f64;
    let during = max_of(ws, start, end, retries);
    let expo_after = max_of(ws, end, end + 60.0, retries);
    assert!(
        expo_after <= during,
        "exponential: {expo_after} retries/s after the outage vs {during} during"
    );
    let expo_peak = max_of(ws, 0.0, s.duration_s, retries);
    // "the backlog is cleared within a minute": nothing queued and only the
    // transient failures' few jobs in backoff (5% of 50/s, for ~0.25 s).
    let cleared = first_when(ws, end, s.duration_s, |w| {
        w.backlog == 0 && w.in_backoff <= 10
    });
    assert!(
        cleared.is_some_and(|t| t <= end + 60.0),
        "cleared at {cleared:?}"
    );

    let mut fixed = s.clone();
    fixed.settings.queue.retry = RetryPolicy::Fixed { delay_s: 1.0 };
    let fx = run(fixed);
    let ws = fx.windows();
    let dead = fx.ledgers().work.dead_lettered as f64;
    // MODEL: fixed 1 s: 10 attempts last 9 s, so jobs that fail in the
    // first 21 s of the outage (≈ 21 s × 50/s of ~18,000) die: ≥ 5%.
    assert!(
        dead >= 0.05 * issued,
        "fixed: {dead} dead letters of {issued}"
    );
    // "about a thousand are dead-lettered": those 21 s × 50/s ≈ 1,050.
    assert!(
        (800.0..=1300.0).contains(&dead),
        "fixed: {dead} dead letters"
    );
    // "the user was told 'accepted', yet the work is lost": no user saw an
    // error; every one of them had its acknowledgement.
    assert_eq!(fx.totals().errors.total(), 0, "fixed: users saw errors");
    // "jobs use up their 10 attempts in 9 s": dead letters arrive at the
    // arrival rate from 9 s into the outage (a few jobs come sooner: a
    // transient failure had already cost them an attempt).
    let first_dead = first_when(ws, 0.0, s.duration_s, |w| {
        w.dead_letters as f64 >= 0.5 * rate * s.settings.window_s
    });
    assert!(
        first_dead.is_some_and(|t| t > start + 8.0 && t <= start + 11.0),
        "first dead letter at {first_dead:?}"
    );
    // MODEL: a storm: every live job retries every second, so retries/s
    // approach 9 retries × 50 arrivals/s = 450/s, well above the jittered
    // backoff's ~log2(30 s / 0.25 s) ≈ 7 attempts spread over the outage.
    let fixed_peak = max_of(ws, start, end + 30.0, retries);
    assert!(
        fixed_peak >= 8.0 * rate,
        "fixed: peak {fixed_peak} retries/s"
    );
    // "about 450 retries/s hammer the dead database": once the outage is
    // 10 s old, 9 s of arrivals retry each second.
    let storm = mean_of(ws, start + 10.0, end, retries) / s.settings.window_s;
    assert!((350.0..=550.0).contains(&storm), "fixed: {storm} retries/s");
    // "the retries stop only when it comes back": from 2 s after the
    // return, only the transient failures' retries remain (as before it).
    let calm = mean_of(ws, 20.0, start, retries);
    let back = mean_of(ws, end + 2.0, end + 60.0, retries);
    assert!(
        back <= 2.0 * calm + 1.0,
        "fixed: {back} retries per window after vs {calm} before"
    );
    // "The ledgers show every job: committed, in backoff or dead-lettered":
    // both runs balanced (checked by `run`), in flight included.
    (fixed_peak, expo_peak)
}

#[test]
fn s06_flaky_database_backoff_rides_out_the_outage() {
    let (fixed_peak, expo_peak) = s06(scene("06-flaky-database.ron"));
    // MODEL's spike, on the scene's own seed: the fixed storm's busiest
    // second against the jittered backoff's (on a few other seeds a lucky
    // jittered second comes within 20%).
    assert!(
        fixed_peak >= 1.25 * expo_peak,
        "fixed peak {fixed_peak}/s vs exponential {expo_peak}/s"
    );
}

// ----- 7. Moving bottleneck ----------------------------------------------------

/// Returns commits/s before and after the doubling.
fn s07(s: Scenario) -> (f64, f64) {
    // DB: 5 connections ÷ 50 ms = 100/s. Server: 9 workers ÷ 75 ms = 120/s.
    let db_rate = db_capacity_per_s(&s);
    let e = &s.settings.endpoints[0];
    let hold_s = (e.cpu.mean_ms() + e.db_write.mean_ms()) / 1000.0;
    let workers = f64::from(s.settings.server_workers());
    let server_rate = workers / hold_s;
    assert_eq!((db_rate, server_rate), (100.0, 120.0));
    let (switch, settled) = (120.0, 150.0);
    // Caption at 121 s, "Database doubled: 10 connections".
    let doubled = s.settings.timeline.iter().find_map(|e| match &e.change {
        Change::Set { path, value } if path == "database.connections" => Some((e.at_s, *value)),
        _ => None,
    });
    assert_eq!(doubled, Some((switch, 2.0 * 5.0)));
    assert_eq!(s.settings.database.connections, 5);
    let sys = run(s.clone());
    let ws = sys.windows();
    let own = |w: &Window| w.util_server - w.util_server_db_wait;

    // "Before 120 s commits sit near 100/s": the database's limit, give or
    // take 2σ of sampling noise (90 s of ~100 commits/s: σ ≈ 1/s).
    let before = mean_of(ws, 30.0, switch, |w| w.commits as f64);
    assert!(
        (95.0..=102.0).contains(&before),
        "commits/s before {before}"
    );
    // "the database is 100% busy, while the servers' own work (CPU and
    // write) is only about 80%; the rest of their time is spent holding
    // requests that wait for a connection": 100/s × 75 ms ÷ 9 = 0.83;
    // the server box itself reads 100%.
    let db_before = mean_of(ws, 30.0, switch, |w| w.util_db);
    let own_before = mean_of(ws, 30.0, switch, own);
    let held_before = mean_of(ws, 30.0, switch, |w| w.util_server_db_wait);
    let server_before = mean_of(ws, 30.0, switch, |w| w.util_server);
    assert!(db_before >= 0.95, "DB before {db_before}");
    assert!((0.75..=0.88).contains(&own_before), "own work {own_before}");
    assert!(held_before >= 0.1, "held waiting {held_before}");
    assert!(server_before >= 0.97, "server box {server_before}");

    // "commits rise only to about 120/s", the servers' limit (±2σ).
    let after = mean_of(ws, settled, s.duration_s, |w| w.commits as f64);
    assert!((110.0..=122.5).contains(&after), "commits/s after {after}");
    // Lesson, "Doubling the database here buys about 20%".
    assert!(
        (1.1..=1.3).contains(&(after / before)),
        "{after} vs {before}"
    );
    // MODEL: server utilisation ≥ 0.95, DB ≤ 0.65. "the servers' own work
    // reaches 100% with no waiting left, and the database drops to about
    // 60%": 120/s × 50 ms ÷ 10 connections.
    let server = mean_of(ws, settled, s.duration_s, |w| w.util_server);
    let db = mean_of(ws, settled, s.duration_s, |w| w.util_db);
    assert!(server >= 0.95 && db <= 0.65, "server {server}, DB {db}");
    assert!(db >= 0.5, "DB after {db}");
    let own_after = mean_of(ws, settled, s.duration_s, own);
    let held_after = mean_of(ws, settled, s.duration_s, |w| w.util_server_db_wait);
    assert!(
        own_after >= 0.95 && held_after <= 0.02,
        "own work {own_after}, held waiting {held_after}"
    );
    // "the cost per hour goes from $14.75 to $24.75": 9 workers × $0.50 +
    // 5 connections × $2 + 5 queue workers × $0.05, then 5 more
    // connections.
    let cost = |t: f64| {
        between(ws, t - 1.0, t)
            .next()
            .map(|w| w.cost_per_hour)
            .expect("window")
    };
    assert!((cost(switch - 1.0) - 14.75).abs() < 1e-9);
    assert!((cost(settled) - 24.75).abs() < 1e-9);

    // "One more connection instead (+20%)".
    let mut plus20 = s.clone();
    plus20
        .settings
        .timeline
        .retain(|e| !matches!(e.change, Change::Set { .. }));
    set_at(&mut plus20, switch, "database.connections", 6.0);
    let p = run(plus20);
    let rate20 = mean_of(p.windows(), settled, s.duration_s, |w| w.commits as f64);
    // MODEL: both tiers then top out at 120/s: within 10% of the doubled
    // database.
    assert!(
        rate20 >= 0.9 * after,
        "+20%: {rate20}/s vs doubled {after}/s"
    );
    // "already gets about 110/s": with both stages at 120/s a worker
    // sometimes still waits for a connection, so it stays below 120.
    assert!((105.0..=115.0).contains(&rate20), "+20%: {rate20}/s");
    // "for a fifth of the added cost": 1 connection instead of 5.
    let price = s.settings.cost.db_connection_per_hour;
    assert!((6.0 - 5.0) * price <= 0.2 * (10.0 - 5.0) * price + 1e-9);
    (before, after)
}

#[test]
fn s07_doubling_the_database_moves_the_bottleneck() {
    let (before, after) = s07(scene("07-moving-bottleneck.ron"));
    // MODEL's ranges, on the scene's own seed: they end at the stages'
    // exact capacities, which a sample mean on another seed may pass by
    // its noise.
    assert!(
        (95.0..=100.0).contains(&before),
        "commits/s before {before}"
    );
    assert!(
        (110.0..=120.0).contains(&after),
        "commits/s after doubling {after}"
    );
}

// ----- 8. Pay for priority -----------------------------------------------------

fn s08(s: Scenario) {
    // Clients in the file: premium, standard, free; tiers index revenue
    // as (free, standard, premium).
    let (premium, standard, free) = (0, 1, 2);
    // "The three tiers offer 120 jobs/s to a database that writes 100/s".
    let offered: f64 = (0..3).map(|c| rate_at(&s, c, 0.0)).sum();
    assert_eq!((offered, db_capacity_per_s(&s)), (120.0, 100.0));
    let mut sys = run(s.clone());
    let sum = sys.summary();
    let p95 = |i: usize| sum.processed_by_client[i].expect("commits").p95;
    // MODEL.
    let (pr, fr) = (p95(premium), p95(free));
    assert!(pr <= fr / 5.0, "premium {pr} s vs free {fr} s");
    assert!(sum.revenue_by_tier[2] > sum.revenue_by_tier[1] && sum.revenue_by_tier[1] > 0.0);
    assert_eq!(sum.revenue_by_tier[0], 0.0);

    let ws = sys.windows();
    let d = s.duration_s;
    let client = |c: usize| move |w: &Window| w.processed_p95_by_client[c];
    // "premium clients' jobs go first and finish in under a second",
    // "premium and standard stay near 0.2 s": served first, they see an
    // unloaded system (network, CPU, enqueue and a 50 ms write).
    for c in [premium, standard] {
        let typical = median_of(ws, 20.0, d, client(c));
        let worst = max_of(ws, 20.0, d, client(c));
        assert!(
            (0.15..=0.3).contains(&typical) && worst < 0.5,
            "client {c}: p95 {typical} s, worst {worst} s"
        );
    }
    // "while free climbs past a minute, its backlog growing by about 20
    // jobs a second": it gets what is left, 100 − 50 = 50 of its 70/s.
    let free_end = max_of(ws, d - 10.0, d, client(free));
    let free_mid = max_of(ws, d / 2.0 - 10.0, d / 2.0, client(free));
    assert!(
        free_end >= 60.0 && free_end > 1.5 * free_mid,
        "free p95 {free_mid} s mid-run, {free_end} s at the end"
    );
    let backlog = |t: f64| mean_of(ws, t - 10.0, t, |w| w.backlog_by_client[free] as f64);
    let growth = (backlog(d) - backlog(60.0)) / (d - 60.0);
    assert!((16.0..=24.0).contains(&growth), "free backlog +{growth}/s");
    // "premium about $3,600, standard about $1,100, free nothing, against
    // $7.25 of capacity": 20/s × $0.05 and 30/s × $0.01 an hour, all
    // committed; 100 server workers × $0.02 + 5 connections × $1 + 5
    // queue workers × $0.05.
    let revenue = |tier: usize| mean_of(ws, 20.0, d, |w| w.revenue_per_hour[tier]);
    let (r_free, r_std, r_prem) = (revenue(0), revenue(1), revenue(2));
    assert!((3240.0..=3960.0).contains(&r_prem), "premium ${r_prem}/h");
    assert!((970.0..=1190.0).contains(&r_std), "standard ${r_std}/h");
    assert_eq!(r_free, 0.0);
    assert!((sys.gauges().cost_per_hour - 7.25).abs() < 1e-9);

    // "Press C to run FIFO beside priority": the scene's two twins.
    let names: Vec<&str> = s.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["FIFO", "priority"]);
    assert_eq!(s.settings.queue.scheduling, Scheduling::Priority);
    // "served in arrival order, bring in about $3,900 an hour to
    // priority's $4,700": FIFO commits its 100/s in the arrival mix (1 in
    // 6 premium, 1 in 4 standard: 100 × ($0.05/6 + $0.01/4) × 3,600),
    // priority commits every premium and standard job (20 × $0.05 + 30 ×
    // $0.01 a second).
    let mut fifo = s.clone();
    fifo.settings.queue.scheduling = Scheduling::Fifo;
    let fifo = run(fifo);
    let total = |w: &Window| w.revenue_per_hour.iter().sum::<f64>();
    let r_fifo = mean_of(fifo.windows(), 60.0, d, total);
    let r_priority = mean_of(ws, 60.0, d, total);
    assert!((3_600.0..=4_200.0).contains(&r_fifo), "FIFO ${r_fifo}/h");
    assert!(
        (4_450.0..=4_950.0).contains(&r_priority),
        "priority ${r_priority}/h"
    );
}

#[test]
fn s08_premium_pays_for_priority() {
    s08(scene("08-pay-for-priority.ron"));
}

// ----- 9. Polling --------------------------------------------------------------

fn s09(s: Scenario) {
    let sys = run(s.clone());
    let ws = sys.windows();
    let per_s = s.settings.window_s;
    let (slow, fast) = ((30.0, 150.0), (180.0, 300.0));
    // MODEL, and "polls/s = browsers waiting ÷ interval": steady state
    // after the first jobs (~6 s) and percentile windows, and again once
    // the browsers have moved to the 5 s interval.
    for ((from, to), p) in [(slow, 1.0), (fast, 5.0)] {
        let polls: f64 = between(ws, from, to).map(|w| w.polls as f64).sum();
        let expected: f64 = between(ws, from, to).map(|w| w.pending_polled / p).sum();
        let rel = (polls - expected) / expected;
        assert!(
            rel.abs() <= 0.05,
            "P = {p}: {polls} polls vs pending/P {expected} ({rel:+.3})"
        );
    }
    let u1 = mean_of(ws, slow.0, slow.1, |w| w.util_server_polls);
    let u5 = mean_of(ws, fast.0, fast.1, |w| w.util_server_polls);
    assert!(u1 > 0.05, "polls load the servers: {u1}");
    assert!(u5 <= 0.35 * u1, "P = 5 s cuts poll load: {u5} vs {u1}");

    // "50 uploads/s, each processed in 3–6 s": a uniform write, plus CPU
    // and enqueue.
    assert_eq!(rate_at(&s, 0, 0.0), 50.0);
    let processed = median_of(ws, slow.0, fast.1, |w| w.processed.p95);
    assert!(
        (5.5..=6.2).contains(&processed),
        "processed p95 {processed}"
    );
    // "Polling every second, about 250 polls/s": Little's law, 50/s ×
    // (4.5 s + ~0.5 s until the next poll) ≈ 250 browsers waiting.
    let polls1 = mean_of(ws, slow.0, slow.1, |w| w.polls as f64) / per_s;
    assert!((200.0..=300.0).contains(&polls1), "{polls1} polls/s");
    // "take about a quarter of the servers' time": 250/s × 5 ms ÷ 5
    // workers.
    assert!((0.2..=0.3).contains(&u1), "poll share {u1}");
    // "users learn their upload is done within about 6 s (p95)": the
    // processed p95 plus part of an interval.
    let learn1 = median_of(ws, slow.0, slow.1, |w| w.learn_p95);
    assert!((5.5..=7.0).contains(&learn1), "learn p95 {learn1} s");
    // "polls fall to about 70/s": ~340 browsers waiting (they learn later)
    // ÷ 5 s.
    let polls5 = mean_of(ws, fast.0, fast.1, |w| w.polls as f64) / per_s;
    assert!((55.0..=85.0).contains(&polls5), "{polls5} polls/s");
    // "and their share of the servers to under a tenth".
    assert!(u5 < 0.1, "poll share {u5}");
    // "the 'user learns' p95 jumps to about 10 s": a third of the jobs take
    // longer than the first poll, 5 s after the acknowledgement, and are
    // seen at the second, 10 s after it.
    let learn5 = median_of(ws, fast.0, fast.1, |w| w.learn_p95);
    assert!(
        (9.5..=11.0).contains(&learn5) && learn5 >= 1.4 * learn1,
        "learn p95 {learn5} s vs {learn1} s"
    );
}

#[test]
fn s09_polls_cost_pending_over_interval() {
    s09(scene("09-polling.ron"));
}

// ----- 10. One spot async ------------------------------------------------------

fn s10(s: Scenario) {
    let switch_s = 150.0;
    let settled = switch_s + 30.0;
    let d = s.duration_s;
    let sys = run(s.clone());
    let ws = sys.windows();
    let other: fn(&Window) -> f64 = |w| w.wait_p95_by_endpoint[1];
    let slow: fn(&Window) -> f64 = |w| w.wait_p95_by_endpoint[0];
    // MODEL.
    let before = median_of(ws, 60.0, switch_s, other);
    let after = max_of(ws, settled, d, other);
    assert!(
        after <= before / 2.0,
        "'update settings' p95 {after} s after vs {before} s before"
    );
    let slow_before = median_of(ws, 60.0, switch_s, slow);
    let slow_after = max_of(ws, settled, d, slow);
    assert!(
        slow_after <= slow_before / 4.0,
        "'export report' p95 {slow_after} s after vs {slow_before} s"
    );
    // "its queue workers cap how much of the database it can take": 5 of
    // 7 connections.
    assert!(s.settings.queue.workers < s.settings.database.connections);
    let _ = knobs::knobs(&s.settings);

    // "'export report' holds server workers through its 100 ms writes: the
    // six workers are nearly always busy (the database only about 65%)":
    // 40/s × 110 ms + 100/s × 15 ms = 5.9 of 6 workers; 40/s × 100 ms +
    // 100/s × 5 ms = 4.5 of 7 connections.
    let server = mean_of(ws, 60.0, switch_s, |w| w.util_server);
    let db = mean_of(ws, 60.0, switch_s, |w| w.util_db);
    assert!(server >= 0.9, "server {server}");
    assert!((0.55..=0.75).contains(&db), "DB {db}");
    // "both endpoints' p95 waits wander from a few tenths of a second to
    // around a second, sometimes more": at ρ ≈ 0.98 the queue for a worker
    // drifts (on other seeds its worst p95 ranges from 0.9 s to 3 s).
    for (name, f) in [("export", slow), ("update", other)] {
        let typical = median_of(ws, 60.0, switch_s, f);
        let worst = max_of(ws, 60.0, switch_s, f);
        assert!(
            typical >= 0.2 && worst >= 0.8,
            "{name} p95 {typical} s typical, {worst} s worst"
        );
    }
    // "its wait collapses to the ~75 ms acknowledgement".
    let ack = median_of(ws, settled, d, slow);
    assert!((0.06..=0.09).contains(&ack), "ack p95 {ack} s");
    // "'update settings', still sync, drops with it to under 0.1 s".
    assert!(after < 0.1, "'update settings' p95 {after} s");
    // "because the server workers are free again": 40/s × 12 ms + 100/s ×
    // 15 ms = 2 of 6 workers.
    let server_after = mean_of(ws, settled, d, |w| w.util_server);
    assert!(server_after <= 0.5, "server after {server_after}");
}

#[test]
fn s10_one_spot_async_helps_the_other_endpoint_too() {
    s10(scene("10-one-spot-async.ron"));
}

// ----- other seeds -------------------------------------------------------------

/// Every scene's claims on ten seeds besides its own: the texts describe
/// the scene, not one lucky run. Takes a few minutes (Black Friday runs
/// four whole days per seed), so it is run by hand.
#[test]
#[ignore]
fn claims_hold_on_other_seeds() {
    type Claims = fn(Scenario);
    let all: [(&str, Claims); 13] = [
        ("01-hello-sync.ron", s01),
        ("02-slow-database.ron", s02),
        ("03-morning-email-blast.ron", s03),
        ("04-black-friday.ron", s04_sweep),
        ("04-black-friday.ron", s04_day),
        ("05-noisy-neighbour.ron", s05),
        ("06-flaky-database.ron", |s| {
            s06(s);
        }),
        ("07-moving-bottleneck.ron", |s| {
            s07(s);
        }),
        ("08-pay-for-priority.ron", s08),
        ("09-polling.ron", s09),
        ("10-one-spot-async.ron", s10),
        ("11-slow-partner-api.ron", own::s11),
        ("examples/checkout.ron", own::checkout),
    ];
    // `SEEDS_SCENE=07` checks one scene only.
    let only = std::env::var("SEEDS_SCENE").unwrap_or_default();
    let mut failed = Vec::new();
    for (file, claims) in all.into_iter().filter(|(f, _)| f.starts_with(&only)) {
        for seed in 101..=110 {
            let mut s = scene(file);
            s.settings.seed = seed;
            if let Err(e) = std::panic::catch_unwind(|| claims(s)) {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|m| m.to_string()))
                    .unwrap_or_default();
                failed.push(format!("{file} seed {seed}: {msg}"));
            }
        }
    }
    assert!(failed.is_empty(), "claims failed on: {failed:#?}");
}
