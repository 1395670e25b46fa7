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

/// A random valid scene of 1–20 s.
pub fn scene() -> impl Strategy<Value = Scenario> {
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

/// Runs one case and checks it: it completes within [`EVENT_CAP`] events,
/// both ledgers balance at every command and at the end, every
/// utilisation lies in [0, 1], and what it holds stays within its limits.
/// Returns the events it took.
pub fn check(s: &Scenario, cmds: &[(f64, Cmd)]) -> Result<u64, String> {
    let problems = scenario::validate::validate(s);
    if !problems.is_empty() {
        return Err(format!("generated an invalid scene: {problems:?}"));
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
    Ok(sys.events())
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
