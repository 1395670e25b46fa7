//! Random valid scenes and random live commands for the property test
//! (`tests/integration/fuzz.rs`) and the long soak (`examples/fuzz_soak.rs`),
//! and the check every run must pass.
//!
//! Every knob a live command moves is drawn anywhere in its allowed range,
//! except the users' traffic: rates are drawn up to 20 actions/s per client
//! so that a case fits its event cap even when every amplifier (clicks
//! again, inline and worker retries, polls) is at its maximum. Loads beyond
//! what a machine can simulate are refused at validation and loads beyond
//! what the run may hold are shed (tests/integration/hardening.rs).

use asynclab::scenario::{
    self, Change, Client, Endpoint, Mode, OutageKind, RetryPolicy, Scenario, Scheduling, Shape,
    Tier,
};
use asynclab::sim::config::knobs;
use asynclab::sim::{Dist, SimTime, System};
use proptest::prelude::*;

/// Most events one case may take (a few million; a case that loops would
/// run into it).
pub const EVENT_CAP: u64 = 30_000_000;

/// Highest base rate a generated client has, actions/s.
const MAX_RATE: f64 = 20.0;

fn dist(max_ms: f64) -> impl Strategy<Value = Dist> {
    (0..4u8, 0.0..max_ms, 0.0..1.0f64, 0.05..3.0f64).prop_map(|(k, mean_ms, f, cv)| match k {
        0 => Dist::Constant { mean_ms },
        1 => Dist::Exponential { mean_ms },
        2 => Dist::Uniform {
            mean_ms,
            spread_ms: mean_ms * f,
        },
        _ => Dist::LogNormal { mean_ms, cv },
    })
}

fn shape(duration_s: f64) -> impl Strategy<Value = Shape> {
    prop_oneof![
        Just(Shape::Constant),
        (0.0..duration_s, 0.0..20.0f64, 0.1..60.0f64).prop_map(|(at_s, peak, decay_s)| {
            Shape::EmailBlast {
                at_s,
                peak,
                decay_s,
            }
        }),
        (0.1..30.0f64, 0.0..1.0f64, 0.0..10.0f64, 0.0..duration_s).prop_map(
            |(period_s, f, peak, offset_s)| Shape::Hourly {
                period_s,
                spike_s: period_s * f,
                peak,
                offset_s,
            }
        ),
        (
            0.0..duration_s,
            0.0..5.0f64,
            0.0..5.0f64,
            0.0..5.0f64,
            0.0..6.0f64
        )
            .prop_map(|(start_s, ramp_up_s, hold_s, ramp_down_s, peak)| {
                Shape::BlackFriday {
                    start_s,
                    ramp_up_s,
                    hold_s,
                    ramp_down_s,
                    peak,
                }
            }),
        prop::collection::vec((0.0..duration_s, 0.0..5.0f64), 1..6).prop_map(|mut p| {
            p.sort_by(|a, b| a.0.total_cmp(&b.0));
            Shape::Points(p)
        }),
    ]
}

fn client(i: usize, duration_s: f64) -> impl Strategy<Value = Client> {
    (
        0.0..MAX_RATE,
        shape(duration_s),
        0..3u8,
        0.01..10.0f64,
        prop_oneof![Just(0.0), 0.1..50.0f64],
        1.0..20.0f64,
    )
        .prop_map(move |(rate, shape, tier, weight, limit, burst)| Client {
            name: format!("c{i}"),
            tier: [Tier::Free, Tier::Standard, Tier::Premium][tier as usize],
            rate_per_s: rate,
            shape,
            weight,
            rate_limit_per_s: limit,
            rate_limit_burst: burst,
        })
}

fn endpoint(i: usize) -> impl Strategy<Value = Endpoint> {
    (0.1..5.0f64, any::<bool>(), dist(100.0), dist(300.0)).prop_map(
        move |(share, sync, cpu, db_write)| Endpoint {
            name: format!("e{i}"),
            share,
            mode: if sync { Mode::Sync } else { Mode::Async },
            cpu,
            db_write,
            ..Endpoint::default()
        },
    )
}

fn retry() -> impl Strategy<Value = RetryPolicy> {
    prop_oneof![
        Just(RetryPolicy::None),
        (0.0..5.0f64).prop_map(|delay_s| RetryPolicy::Fixed { delay_s }),
        Just(RetryPolicy::ExponentialJitter),
    ]
}

/// Variant names, hostile ones included: control characters (refused),
/// text a spreadsheet would run, commas and quotes, multi-byte letters
/// at and over the 40-character limit.
const NAMES: [&str; 14] = [
    "sync",
    "async",
    "=cmd|' /C calc'!A0",
    "+1",
    "-x",
    "@SUM(A1)",
    "a,b",
    "quo\"te",
    "tab\there",
    "new\nline",
    "\u{1b}[31mred",
    "éééééééééééééééééééééééééééééééééééééééé",
    "ééééééééééééééééééééééééééééééééééééééééé",
    "cr\rhere",
];

/// What [`scene`] adds to a base scene: 0 or 2–3 variants by name, scene
/// captions (many markers), switched-off events (one twin's traffic
/// among them, which validation refuses) and a goal (on the learn time
/// even without polling, which validation refuses).
#[derive(Clone, Debug)]
pub struct Extras {
    pub variants: Vec<usize>,
    pub captions: usize,
    pub disabled: Vec<(f64, bool, Option<usize>)>,
    pub goal: Option<(bool, f64)>,
}

fn extras() -> impl Strategy<Value = Extras> {
    (
        prop_oneof![
            Just(Vec::new()),
            prop::collection::vec(0..NAMES.len(), 2..4)
        ],
        prop_oneof![Just(0usize), 0..3_000usize],
        prop::collection::vec(
            (0.0..1.0f64, any::<bool>(), prop::option::of(0..3usize)),
            0..3,
        ),
        prop::option::of((any::<bool>(), 0.1..30.0f64)),
    )
        .prop_map(|(variants, captions, disabled, goal)| Extras {
            variants,
            captions,
            disabled,
            goal,
        })
}

/// A random scene of 1–20 s: valid, except where [`Extras`] says a
/// hostile name, a switched-off event or a goal must be refused.
pub fn scene() -> impl Strategy<Value = Scenario> {
    (base_scene(), extras()).prop_map(|(mut s, x)| {
        s.variants = x
            .variants
            .iter()
            .map(|&i| asynclab::sim::config::Variant {
                name: NAMES[i].to_string(),
                changes: Vec::new(),
                timeline: Vec::new(),
            })
            .collect();
        let d = s.duration_s;
        s.settings
            .timeline
            .extend((0..x.captions).map(|i| scenario::TimelineEvent {
                mode: None,
                at_s: d * i as f64 / x.captions as f64,
                change: Change::Caption(format!("caption {i}")),
            }));
        let names: Vec<String> = s.twin_variants().into_iter().map(|v| v.name).collect();
        s.disabled = x
            .disabled
            .iter()
            .map(|&(u, traffic, twin)| scenario::DisabledEvent {
                mode: None,
                at_s: d * u,
                change: if traffic {
                    Change::Set {
                        path: "clients[0].rate_per_s".into(),
                        value: 5.0,
                    }
                } else {
                    Change::Caption("off".into())
                },
                variant: twin.and_then(|k| names.get(k).cloned()),
            })
            .collect();
        s.goal = x.goal.map(|(learn, v)| scenario::Goal {
            learn_p95_max_s: learn.then_some(v),
            wait_p95_max_s: (!learn).then_some(v),
            ..scenario::Goal::default()
        });
        s
    })
}

/// A random valid scene of 1–20 s, without variants, captions or goal.
fn base_scene() -> impl Strategy<Value = Scenario> {
    (1.0..20.0f64, 1..4usize, 1..4usize).prop_flat_map(|(duration_s, nc, ne)| {
        let clients: Vec<_> = (0..nc).map(|i| client(i, duration_s)).collect();
        let endpoints: Vec<_> = (0..ne).map(endpoint).collect();
        (
            Just(duration_s),
            clients,
            endpoints,
            dist(50.0),
            (
                0.1..60.0f64,
                0.0..1.0f64,
                0..5u32,
                prop_oneof![Just(0.0), 0.05..5.0f64],
            ),
            (0..4u32, 0..200u32, 0..2000u32),
            (0..50u32, 0.0..1.0f64, 0.0..30.0f64),
            (
                prop_oneof![Just(0u64), 1..10_000u64],
                0..50u32,
                retry(),
                1..1000u32,
                1..20u32,
            ),
            1_000..50_000u64,
            any::<u64>(),
        )
            .prop_map(
                |(duration_s, clients, endpoints, net, b, sv, db, q, limit, seed)| {
                    let mut s = Scenario {
                        title: "fuzz".into(),
                        duration_s,
                        ..Scenario::default()
                    };
                    let st = &mut s.settings;
                    st.seed = seed;
                    st.clients = clients;
                    st.endpoints = endpoints;
                    st.network.latency = net;
                    (
                        st.browser.patience_s,
                        st.browser.retry_probability,
                        st.browser.max_user_retries,
                        st.browser.poll_interval_s,
                    ) = b;
                    (
                        st.server.instances,
                        st.server.workers_per_instance,
                        st.server.backlog_per_instance,
                    ) = sv;
                    (
                        st.database.connections,
                        st.database.failure_probability,
                        st.database.write_timeout_s,
                    ) = db;
                    (
                        st.queue.capacity,
                        st.queue.workers,
                        st.queue.retry,
                        st.queue.max_attempts,
                        st.queue.sync_max_attempts,
                    ) = q;
                    st.limits.max_in_flight = limit;
                    s
                },
            )
    })
}

/// A live command: what the app can do while a run goes on.
#[derive(Clone, Debug)]
pub enum Cmd {
    /// Flip every endpoint's mode, or one endpoint's.
    Mode(Option<usize>, bool),
    /// Move knob number `k` (of the scene's knob list, wrapped) to the
    /// value at fraction `u` of its range (`bias` squashes towards small).
    Knob(usize, f64, bool),
    Scheduling(u8),
    Retry(RetryPolicy),
    OutageStart(bool),
    OutageEnd,
}

/// Up to 12 commands, each at a fraction of the run.
pub fn commands() -> impl Strategy<Value = Vec<(f64, Cmd)>> {
    let cmd = prop_oneof![
        (prop::option::of(0..3usize), any::<bool>()).prop_map(|(e, a)| Cmd::Mode(e, a)),
        (0..64usize, 0.0..1.0f64, any::<bool>()).prop_map(|(k, u, b)| Cmd::Knob(k, u, b)),
        (0..3u8).prop_map(Cmd::Scheduling),
        retry().prop_map(Cmd::Retry),
        any::<bool>().prop_map(Cmd::OutageStart),
        Just(Cmd::OutageEnd),
    ];
    prop::collection::vec((0.0..1.0f64, cmd), 0..12).prop_map(|mut v| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    })
}

/// The change a command makes to a run with settings `s`.
pub fn change(cmd: &Cmd, s: &asynclab::sim::Settings) -> Change {
    match cmd {
        Cmd::Mode(e, to_async) => Change::SetMode {
            endpoint: e.and_then(|i| s.endpoints.get(i).map(|x| x.name.clone())),
            mode: if *to_async { Mode::Async } else { Mode::Sync },
        },
        Cmd::Knob(k, u, bias) => {
            let all = knobs::all(s);
            let (path, knob) = &all[k % all.len()];
            let spec = knob.spec;
            let u = if *bias { u.powi(6) } else { *u };
            let mut value = if path.ends_with("rate_per_s") && path.starts_with("clients") {
                u * MAX_RATE
            } else {
                spec.min + (spec.max - spec.min) * u
            };
            if spec.integer {
                value = value.round().clamp(spec.min, spec.max);
            }
            if value > 0.0 && value < spec.min_positive {
                value = spec.min_positive;
            }
            Change::Set {
                path: path.clone(),
                value,
            }
        }
        Cmd::Scheduling(k) => Change::SetScheduling(
            [Scheduling::Fifo, Scheduling::Fair, Scheduling::Priority][*k as usize % 3],
        ),
        Cmd::Retry(r) => Change::SetRetry(*r),
        Cmd::OutageStart(hang) => Change::OutageStart(if *hang {
            OutageKind::Hang
        } else {
            OutageKind::FailFast
        }),
        Cmd::OutageEnd => Change::OutageEnd,
    }
}

/// The fields validation must refuse in a generated scene, and why.
fn expected_refusals(s: &Scenario) -> Vec<String> {
    let mut want = Vec::new();
    for (i, v) in s.variants.iter().enumerate() {
        if v.name.chars().any(char::is_control)
            || v.name.chars().count() > 40
            || s.variants[..i].iter().any(|o| o.name == v.name)
        {
            want.push(format!("variants[{i}].name"));
        }
    }
    for (i, d) in s.disabled.iter().enumerate() {
        if d.variant.is_some() && d.change.touches_traffic() {
            want.push(format!("disabled_timeline[{i}].change"));
        }
    }
    if let Some(g) = &s.goal
        && g.learn_p95_max_s.is_some()
        && s.settings.browser.poll_interval_s == 0.0
    {
        want.push("goal.learn_p95_max_s".into());
    }
    want
}

/// Runs one case and checks it: it completes within [`EVENT_CAP`] events,
/// both ledgers balance at every command and at the end, every
/// utilisation lies in [0, 1], and what it holds stays within its limits.
/// A scene the generator made invalid on purpose must be refused for
/// exactly those fields, and is not run; a valid scene's twins are run
/// and their CSV checked too. Returns the events taken and the solo run's
/// windows (the soak checks more on them).
pub fn run_checked(
    s: &Scenario,
    cmds: &[(f64, Cmd)],
) -> Result<(u64, Vec<asynclab::sim::Window>), String> {
    let problems = scenario::validate::validate(s);
    let want = expected_refusals(s);
    let mut got: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
    got.sort();
    got.dedup();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    want_sorted.dedup();
    if got != want_sorted {
        return Err(format!(
            "validation refused {got:?}, expected {want_sorted:?}: {problems:?}"
        ));
    }
    if !want.is_empty() {
        return Ok((0, Vec::new()));
    }
    if !s.variants.is_empty() {
        check_twins(s)?;
    }
    let end = SimTime::from_secs_f64(s.duration_s);
    let mut sys = System::new(s);
    let mut windows = Vec::new();
    let mut max_retries = s.settings.browser.max_user_retries;
    for (at, cmd) in cmds {
        let t = SimTime::from_secs_f64(s.duration_s * at);
        let left = EVENT_CAP.saturating_sub(sys.events());
        if !sys.run_for(t, left) {
            return Err(format!("event cap reached before {t:?}"));
        }
        windows.extend(sys.drain_windows());
        check_now(&sys, max_retries)?;
        let c = change(cmd, sys.settings());
        // A valid change always applies; a refused one must say why.
        if let Err(e) = sys.apply(c.clone()) {
            return Err(format!("{c:?} refused: {e}"));
        }
        max_retries = max_retries.max(sys.settings().browser.max_user_retries);
    }
    let left = EVENT_CAP.saturating_sub(sys.events());
    if !sys.run_for(end, left) {
        return Err(format!("event cap reached at {:?}", sys.now()));
    }
    sys.finish();
    windows.extend(sys.drain_windows());
    check_now(&sys, max_retries)?;
    for w in &windows {
        for u in [
            w.util_server,
            w.util_db,
            w.util_workers,
            w.util_server_polls,
        ] {
            if !(0.0..=1.0 + 1e-9).contains(&u) {
                return Err(format!("utilisation {u} in the window ending {}", w.t_s));
            }
        }
    }
    let u = sys.summary().utilisation;
    for x in [u.server, u.database, u.queue_workers] {
        if !(0.0..=1.0 + 1e-9).contains(&x) {
            return Err(format!("run utilisation {u:?}"));
        }
    }
    let issued: u64 = windows.iter().map(|w| w.actions).sum();
    if issued != sys.ledgers().actions.issued {
        return Err(format!(
            "windows count {issued} actions, the ledger {}",
            sys.ledgers().actions.issued
        ));
    }
    Ok((sys.events(), windows))
}

/// The scene's twins run to its end with balanced ledgers, and their CSV
/// writes each name as one safe text cell: a formula-like name gets a
/// leading `'`, every row has the header's number of cells, and every
/// cell but the name is a number or empty.
fn check_twins(s: &Scenario) -> Result<(), String> {
    let mut twins = asynclab::sim::Twins::compare(&s.settings, &s.variants)
        .map_err(|e| format!("twins of a valid scene: {e}"))?;
    let end = SimTime::from_secs_f64(s.duration_s);
    if !twins.run_for(end, EVENT_CAP) {
        return Err("twins: event cap reached".into());
    }
    twins.finish();
    twins.check_ledgers()?;
    let mut csv = asynclab::cli::report::CsvWriter::new_compare(&s.settings, Vec::new())
        .map_err(|e| e.to_string())?;
    for t in twins.twins_mut() {
        let name = t.name().to_string();
        let windows = t.system_mut().drain_windows();
        csv.twin_rows(&name, &windows).map_err(|e| e.to_string())?;
    }
    let text = String::from_utf8(csv.into_inner()).map_err(|e| e.to_string())?;
    let rows = csv_rows(&text);
    let header = rows.first().map_or(0, Vec::len);
    for r in &rows[1..] {
        if r.len() != header {
            return Err(format!(
                "CSV row of {} cells, header {header}: {r:?}",
                r.len()
            ));
        }
        let name = &r[0];
        let bare = name.strip_prefix('\'').unwrap_or(name);
        if !s.variants.iter().any(|v| v.name == bare) {
            return Err(format!("CSV twin cell {name:?} names no twin"));
        }
        if bare.starts_with(['=', '+', '-', '@']) != name.starts_with('\'') {
            return Err(format!(
                "CSV twin cell {name:?}: a formula-like name needs its '"
            ));
        }
        if let Some(c) = r[1..]
            .iter()
            .find(|c| !c.is_empty() && c.parse::<f64>().is_err())
        {
            return Err(format!("CSV cell {c:?} is not a number"));
        }
    }
    Ok(())
}

/// CSV text as rows of unquoted cells (RFC 4180 quoting).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

/// Ledgers balance; holdings within the limit and the bounds that follow.
fn check_now(sys: &System, max_retries: u32) -> Result<(), String> {
    sys.check_ledgers()?;
    let h = sys.holdings();
    let limit = sys.settings().limits.max_in_flight;
    // New actions stop at the limit; each may have one request per click
    // still in flight (a user who gave up and clicked again).
    let in_flight_max = (u64::from(max_retries) + 2) * (limit + 1);
    let bounded = h.actions <= limit + 1
        && h.in_flight <= in_flight_max
        && h.deadlines <= 2 * (h.actions + 1) + 4097
        && h.polling <= limit + h.in_flight + 1
        && h.scheduled <= 8 * (h.in_flight + h.actions + h.polling + 64)
        && h.retained_windows <= asynclab::sim::metrics::MAX_RETAINED_WINDOWS as u64;
    if bounded {
        Ok(())
    } else {
        Err(format!(
            "holdings out of bounds (limit {limit}): {h:?}; scheduled: {:?}",
            sys.scheduled_by_kind()
        ))
    }
}
