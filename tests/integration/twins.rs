//! Twins: the same users, sync and async (or any variants), side by side.
//! Same users in every twin; each twin equals a solo run of its variant;
//! the live host runs them on one clock and its recording replays them
//! exactly; the CLI compares them; extreme twins run with balanced ledgers.

use asynclab::cli::simulate::simulate;
use asynclab::compare::{Figures, Scope, per_minute, sentence};
use asynclab::fmt::{dollars, secs, thousands};
use asynclab::host::{Budget, Command, FakeClock, Host, HostCore, Speed, Target};
use asynclab::scenario::{self, Change, Mode, Scenario, Settings, Variant};
use asynclab::sim::{SimTime, System, Twins, Window};
use std::time::Duration;

/// Slow database, cut to 300 s: it still crosses its scripted switch to
/// async at 240 s.
fn slow_db() -> Scenario {
    let mut s = scenario::builtin("02-slow-database.ron")
        .expect("built in")
        .expect("valid");
    s.duration_s = 300.0;
    s
}

/// Two clients into an async queue, four twins: FIFO, fair, priority, and
/// one whose database has no connection at all.
const FOUR_TWINS: &str = r#"(
    version: 4,
    title: "Four twins",
    seed: 11,
    duration_s: 90,
    clients: [
        (name: "big", tier: Free, rate_per_s: 120),
        (name: "small", tier: Premium, rate_per_s: 10),
    ],
    endpoints: [(name: "save", mode: Async, cpu: Exponential(mean_ms: 5), db_write: Exponential(mean_ms: 40))],
    database: (connections: 5),
    queue: (workers: 5),
    timeline: [(at_s: 30, change: SetMode(endpoint: None, mode: Sync)), (at_s: 60, change: Set(path: "queue.workers", value: 8))],
    variants: [
        (name: "FIFO", changes: [SetScheduling(Fifo)]),
        (name: "fair", changes: [SetScheduling(Fair)]),
        (name: "priority", changes: [SetScheduling(Priority)]),
        (name: "no database", changes: [Set(path: "database.connections", value: 0), OutageStart(Hang)]),
    ],
)"#;

fn four_twins() -> Scenario {
    Scenario::from_ron(FOUR_TWINS, "four.ron").expect("valid")
}

/// Windows as exact text: `Debug` prints every float so it reads back to
/// the same bits (and tells -0.0 from 0.0), so equal text is bit for bit.
fn exact(ws: &[Window]) -> String {
    format!("{ws:?}")
}

/// A solo run of `s` with variant `v` applied to its settings at t = 0 and
/// its mode held: the scene's scripted mode switches removed (outages and
/// captions in `v` open the timeline at t = 0). Built without the twins'
/// own code, to check it.
fn solo_of(s: &Scenario, v: &Variant) -> System {
    let mut settings: Settings = s.settings.clone();
    settings
        .timeline
        .retain(|e| !matches!(e.change, Change::SetMode { .. }));
    let mut at_zero = Vec::new();
    for c in &v.changes {
        match c {
            Change::OutageStart(_) | Change::OutageEnd | Change::Caption(_) => {
                at_zero.push(asynclab::scenario::TimelineEvent {
                    mode: None,
                    at_s: 0.0,
                    change: c.clone(),
                })
            }
            _ => {
                c.apply_to(&mut settings).expect("valid variant");
            }
        }
    }
    // Last: sorted stably by time, they follow the scene's own events at
    // t = 0, as a twin's own events do.
    settings.timeline.extend(at_zero);
    System::new(settings)
}

/// Every window of a solo run to `end_s`, the partial last one included.
fn solo_windows(mut sys: System, end_s: f64) -> Vec<Window> {
    let mut ws = sys.run_collecting(SimTime::from_secs_f64(end_s));
    sys.finish();
    ws.extend(sys.drain_windows());
    ws
}

/// Runs twins to `end_s` in small interleaved steps (as a live host
/// would), collecting each twin's windows.
fn run_interleaved(twins: &mut Twins, end_s: f64, step_events: u64) -> Vec<Vec<Window>> {
    let end = SimTime::from_secs_f64(end_s);
    let mut out = vec![Vec::new(); twins.len()];
    loop {
        let done = twins.run_for(end, step_events);
        for (k, t) in twins.twins_mut().iter_mut().enumerate() {
            out[k].extend(t.system_mut().drain_windows());
        }
        if done {
            break;
        }
    }
    twins.finish();
    for (k, t) in twins.twins_mut().iter_mut().enumerate() {
        out[k].extend(t.system_mut().drain_windows());
    }
    out
}

#[test]
fn the_same_users_click_at_the_same_instants_in_every_twin() {
    let s = slow_db();
    let mut twins = Twins::compare(&s.settings, &s.variants).expect("twins");
    let mut sync_ws = Vec::new();
    let mut async_ws = Vec::new();
    for t_s in [1.0, 20.0, 47.5, 120.0, 241.0, 300.0] {
        twins.run_until(SimTime::from_secs_f64(t_s));
        // The fingerprint covers every first click's time, client and
        // endpoint, in order.
        assert!(twins.same_users(), "users differ by {t_s} s");
        sync_ws.extend(twins.twins_mut()[0].system_mut().drain_windows());
        async_ws.extend(twins.twins_mut()[1].system_mut().drain_windows());
    }
    let actions = |ws: &[Window]| ws.iter().map(|w| w.actions).collect::<Vec<_>>();
    assert_eq!(actions(&sync_ws), actions(&async_ws), "actions per window");
    // ... while the systems behind them do very different things.
    let errors = |ws: &[Window]| ws.iter().map(|w| w.errors.total()).sum::<u64>();
    assert!(errors(&sync_ws) > 1_000 && errors(&async_ws) == 0);
    let clicks = |ws: &[Window]| ws.iter().map(|w| w.clicks).sum::<u64>();
    assert!(
        clicks(&sync_ws) > clicks(&async_ws),
        "clicks again after errors"
    );

    // The fingerprint can tell other users apart: another seed, or one
    // more action per second, changes it.
    let digest = |s: &Settings| {
        let mut sys = System::new(s.clone());
        sys.run_until(SimTime::from_secs(60));
        sys.arrivals_digest()
    };
    let base = digest(&s.settings);
    let mut other_seed = s.settings.clone();
    other_seed.seed += 1;
    let mut busier = s.settings.clone();
    busier.clients[0].rate_per_s += 1.0;
    assert_ne!(base, digest(&other_seed));
    assert_ne!(base, digest(&busier));
    assert_eq!(base, digest(&s.settings), "and is itself repeatable");
}

#[test]
fn users_part_only_once_a_twin_sheds_work_at_its_limit() {
    // A twin at the simulation limit counts the arrivals it sheds in bulk
    // (a tick every 10 ms, not an event each), so it stops drawing the
    // other twins' users: the same until then, told apart after.
    let s = slow_db();
    let tight = Variant::new(
        "tight",
        vec![Change::Set {
            path: "limits.max_in_flight".into(),
            value: 1_000.0,
        }],
    );
    let roomy = Variant::new("roomy", Vec::new());
    let mut twins = Twins::compare(&s.settings, &[tight, roomy]).expect("twins");
    let mut t = 0;
    while twins.twins()[0].system().ledgers().work.rejected.sim_limit == 0 && t < 120 {
        assert!(twins.same_users(), "same users before any shedding ({t} s)");
        t += 1;
        twins.run_until(SimTime::from_secs(t));
    }
    twins.run_until(SimTime::from_secs(120));
    let shed = twins.twins()[0].system().ledgers().actions.failed.sim_limit;
    assert!(shed > 100, "the tight twin sheds ({shed})");
    assert_eq!(
        twins.twins()[1].system().ledgers().actions.failed.sim_limit,
        0
    );
    assert!(
        !twins.same_users(),
        "after shedding in bulk the users differ"
    );
    assert!(twins.check_ledgers().is_ok());
}

#[test]
fn each_twin_equals_a_solo_run_of_its_variant_bit_for_bit() {
    for (s, step) in [(slow_db(), 997), (four_twins(), 5_003)] {
        let variants = s.twin_variants();
        let mut twins = Twins::compare(&s.settings, &s.variants).expect("twins");
        let got = run_interleaved(&mut twins, s.duration_s, step);
        for (k, v) in variants.iter().enumerate() {
            let want = solo_windows(solo_of(&s, v), s.duration_s);
            assert!(want.len() as f64 >= s.duration_s);
            assert_eq!(exact(&got[k]), exact(&want), "{}: twin {}", s.title, v.name);
        }
        assert!(twins.check_ledgers().is_ok());
    }
}

#[test]
fn a_twin_holds_its_mode_through_the_scripted_switch_and_marks_it() {
    let s = slow_db();
    let mut twins = Twins::compare(&s.settings, &s.variants).expect("twins");
    twins.run_until(SimTime::from_secs(300));
    let sync = twins.twins()[0].system();
    assert_eq!(sync.settings().endpoints[0].mode, Mode::Sync);
    let held: Vec<_> = sync.markers().iter().filter(|m| m.held).collect();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].t_s, 240.0);
    assert!(matches!(
        held[0].change,
        Change::SetMode {
            mode: Mode::Async,
            ..
        }
    ));
    let asyn = twins.twins()[1].system();
    assert!(
        asyn.markers().iter().all(|m| !m.held),
        "already async: nothing held"
    );
    // Solo, the scene switches as written.
    let mut solo = System::new(s.settings.clone());
    solo.run_until(SimTime::from_secs(300));
    assert_eq!(solo.settings().endpoints[0].mode, Mode::Async);
    assert!(solo.markers().iter().all(|m| !m.held));
}

/// Scene `s`'s twins a thread each, as `asynclab run --compare` runs
/// them: the run and each twin's windows.
fn threaded(s: &Scenario) -> (asynclab::cli::simulate::Runs, Vec<Vec<Window>>) {
    let twins = Twins::compare(&s.settings, &s.variants).expect("twins");
    let mut windows = vec![Vec::new(); twins.len()];
    let run = simulate(
        twins,
        &s.title,
        s.duration_s,
        true,
        |k, ws| {
            windows[k].extend_from_slice(ws);
            Ok::<(), ()>(())
        },
        |_| {},
    )
    .expect("no sink errors");
    (run, windows)
}

#[test]
fn four_twins_and_one_without_a_database_run_on_threads_with_balanced_ledgers() {
    let s = four_twins();
    let (run, windows) = threaded(&s);
    assert!(run.same_users);
    assert_eq!(run.runs.len(), 4);
    for (k, t) in run.runs.iter().enumerate() {
        assert!(t.run.balance.is_ok(), "{}: {:?}", t.name, t.run.balance);
        let want = solo_windows(solo_of(&s, &s.variants[k]), s.duration_s);
        assert_eq!(exact(&windows[k]), exact(&want), "{} on its thread", t.name);
    }
    let none = &run.runs[3];
    assert_eq!(none.run.ledgers.work.committed, 0, "no database, no commit");
    assert!(run.runs[0].run.ledgers.work.committed > 1_000);
}

#[test]
fn the_difference_sentence_states_the_twins_own_figures() {
    let s = slow_db();
    let (run, windows) = threaded(&s);
    let figures: Vec<Figures> = run.runs.iter().map(|t| t.figures()).collect();
    for (k, t) in run.runs.iter().enumerate() {
        let f = &figures[k];
        let sm = &t.run.summary;
        assert_eq!(f.wait_p95_s, sm.wait.expect("waits").p95);
        assert_eq!(f.processed_p95_s, sm.processed.expect("commits").p95);
        assert_eq!(f.backlog, sm.peak_backlog);
        assert_eq!(f.cost_per_hour, sm.capacity_cost / (300.0 / 3600.0));
        // Errors per minute, counted again from the twin's own windows
        // (arrivals shed at the simulation limit are the simulator's).
        let errors: u64 = windows[k]
            .iter()
            .map(|w| w.errors.total() - w.errors.sim_limit)
            .sum();
        assert_eq!(f.errors_per_min, errors as f64 / 5.0, "{}", t.name);
        let backlog_seen = windows[k].iter().map(|w| w.backlog).max();
        assert!(f.backlog >= backlog_seen.unwrap_or(0));
    }
    let (a, b) = (&figures[0], &figures[1]);
    let text = sentence(a, b, Scope::Run);
    let ratio = a.wait_p95_s / b.wait_p95_s;
    let expected = format!(
        "p95 wait {} vs {}: answered {:.0}× sooner; p95 time to processed {} vs {}; peak backlog {} vs {}; errors {}/min vs {}/min; cost {}/h vs {}/h",
        secs(a.wait_p95_s),
        secs(b.wait_p95_s),
        ratio,
        secs(a.processed_p95_s),
        secs(b.processed_p95_s),
        thousands(a.backlog),
        thousands(b.backlog),
        per_minute(a.errors_per_min),
        per_minute(b.errors_per_min),
        dollars(a.cost_per_hour),
        dollars(b.cost_per_hour),
    );
    assert_eq!(text, expected);
    assert!(ratio > 20.0, "sync waits far longer: {text}");
    assert!(
        a.errors_per_min > 100.0 && b.errors_per_min == 0.0,
        "{text}"
    );
    assert!(b.backlog > 1_000, "{text}");
}

// ----- the live host ------------------------------------------------------

/// Slow database, its users raised so every window has percentiles.
fn host_scene() -> Scenario {
    let mut s = slow_db();
    s.settings.clients[0].rate_per_s = 60.0;
    s
}

#[test]
fn host_twins_equal_solo_runs_at_any_speed() {
    let s = host_scene();
    let end_s = 60.0;
    let want: Vec<String> = s
        .twin_variants()
        .iter()
        .map(|v| {
            let mut sys = solo_of(&s, v);
            exact(&sys.run_collecting(SimTime::from_secs_f64(end_s)))
        })
        .collect();
    for speed in [Speed::Times(1.0), Speed::Times(100.0), Speed::Max] {
        let clock = FakeClock::new();
        let mut host = Host::manual(s.clone(), Box::new(clock.clone()));
        host.send(Command::SetCompare(true));
        host.send(Command::SetSpeed(speed));
        let mut got = vec![Vec::new(); 2];
        let mut guard = 0;
        while got.iter().any(|g| g.len() < end_s as usize) {
            clock.advance(Duration::from_millis(250));
            host.pump();
            let snap = host.take_snapshot();
            assert!(snap.compare);
            assert_eq!(
                exact(&snap.first().new_windows),
                exact(&snap.runs[0].new_windows)
            );
            for (k, t) in snap.runs.into_iter().enumerate() {
                got[k].extend(t.new_windows);
            }
            guard += 1;
            assert!(guard < 100_000, "the host never got there");
        }
        for k in 0..2 {
            got[k].truncate(end_s as usize);
            assert_eq!(exact(&got[k]), want[k], "{speed:?}, twin {k}");
        }
    }
}

/// One 16 ms frame of a manual host.
fn frame(host: &mut Host, clock: &FakeClock) -> asynclab::host::Snapshot {
    clock.advance(Duration::from_millis(16));
    host.pump();
    host.take_snapshot()
}

#[test]
fn a_change_goes_to_both_twins_or_to_one() {
    let clock = FakeClock::new();
    let mut host = Host::manual(host_scene(), Box::new(clock.clone()));
    let solo = frame(&mut host, &clock);
    assert!(!solo.compare && solo.runs.len() == 1);
    host.send(Command::SetCompare(true));
    let snap = frame(&mut host, &clock);
    assert_eq!(snap.run_id, solo.run_id + 1, "a new run");
    host.send(Command::SetCompare(true));
    assert_eq!(
        frame(&mut host, &clock).run_id,
        snap.run_id,
        "already comparing"
    );
    let names: Vec<&str> = snap.runs.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["sync", "async"]);
    assert_eq!(snap.run_name(1), "async");

    let connections = |n: f64| Change::Set {
        path: "database.connections".into(),
        value: n,
    };
    host.send(Command::ApplyTo(connections(10.0), Target::Twin(1)));
    let snap = frame(&mut host, &clock);
    let conns = |s: &asynclab::host::Snapshot| {
        s.runs
            .iter()
            .map(|t| t.live.database.connections)
            .collect::<Vec<_>>()
    };
    assert_eq!(conns(&snap), [5, 10], "only the right one");
    host.send(Command::Apply(connections(7.0)));
    assert_eq!(conns(&frame(&mut host, &clock)), [7, 7], "both");

    // The mode, per twin: each switch moves its twin only.
    let modes =
        |s: &asynclab::host::Snapshot| s.runs.iter().map(|t| t.gauges.modes[0]).collect::<Vec<_>>();
    host.send(Command::ApplyTo(mode(Mode::Async), Target::Twin(0)));
    let snap = frame(&mut host, &clock);
    assert_eq!(modes(&snap), [Mode::Async, Mode::Async]);
    assert_eq!(
        snap.first().live.endpoints[0].mode,
        Mode::Async,
        "twin 0 up top"
    );
    host.send(Command::ApplyTo(mode(Mode::Sync), Target::Twin(1)));
    assert_eq!(modes(&frame(&mut host, &clock)), [Mode::Async, Mode::Sync]);

    // Traffic for one twin is refused with the reason; for both it goes.
    let rate = Change::Set {
        path: "clients[0].rate_per_s".into(),
        value: 80.0,
    };
    host.send(Command::ApplyTo(rate.clone(), Target::Twin(1)));
    let snap = frame(&mut host, &clock);
    let error = snap.last_error.clone().unwrap_or_default();
    assert!(error.contains("twins share their users"), "{error}");
    assert!(
        snap.runs
            .iter()
            .all(|t| t.live.clients[0].rate_per_s == 60.0)
    );
    host.send(Command::Apply(rate));
    let snap = frame(&mut host, &clock);
    assert!(
        snap.runs
            .iter()
            .all(|t| t.live.clients[0].rate_per_s == 80.0)
    );

    // Restart keeps the world as it now is; solo again with one command.
    host.send(Command::Restart);
    let snap = frame(&mut host, &clock);
    assert!(snap.compare);
    assert_eq!(conns(&snap), [7, 7]);
    host.send(Command::SetCompare(false));
    let snap = frame(&mut host, &clock);
    assert!(!snap.compare && snap.runs.len() == 1);
    assert_eq!(snap.first().live.database.connections, 7);
}

/// A clock that moves 1 ms each time it is read: a tick's budget is spent
/// after a fixed number of looks, so budgeted ticks stop twins wherever
/// their events put them, at different times.
struct TickingClock(std::sync::atomic::AtomicU64);

impl asynclab::host::Clock for TickingClock {
    fn elapsed(&self) -> Duration {
        let ms = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Duration::from_millis(ms)
    }
}

/// Drives a budgeted core for `n` ticks of 16 ms, collecting each twin's
/// windows.
fn ticks(core: &mut HostCore, wall: &mut Duration, n: usize, got: &mut [Vec<Window>]) {
    for _ in 0..n {
        *wall += Duration::from_millis(16);
        core.tick(*wall);
        let snap = core.snapshot_keeping(Vec::new());
        for (k, t) in snap.runs.into_iter().enumerate() {
            got[k].extend(t.new_windows);
        }
    }
}

/// The host scene at 400 users/s, comparing its twins at Max speed on a
/// 3 ms budget of a ticking clock, taking turns or on `threads`.
fn comparing_at_max(threads: bool) -> HostCore {
    let mut s = host_scene();
    s.settings.clients[0].rate_per_s = 400.0;
    let budget = Budget {
        limit: Duration::from_millis(3),
        clock: Box::new(TickingClock(Default::default())),
    };
    let mut core = HostCore::new(s, Some(budget));
    core.set_threads(threads);
    core.handle(Command::SetCompare(true), Duration::ZERO);
    core.handle(Command::SetSpeed(Speed::Max), Duration::ZERO);
    core
}

#[test]
fn the_recording_replays_the_comparison_exactly() {
    for threads in [false, true] {
        let mut core = comparing_at_max(threads);
        let mut wall = Duration::ZERO;
        let mut got = vec![Vec::new(); 2];
        let mut apart = 0;
        let changes: Vec<(Change, Target)> = vec![
            (set("database.connections", 7.0), Target::All),
            (set("queue.workers", 9.0), Target::Twin(1)),
            (mode(Mode::Async), Target::Twin(0)),
            (set("clients[0].rate_per_s", 300.0), Target::All),
            (set("database.connections", 3.0), Target::Twin(1)),
            (set("database.connections", 4.0), Target::All),
            (mode(Mode::Sync), Target::All),
        ];
        for (i, (change, target)) in changes.into_iter().enumerate() {
            ticks(&mut core, &mut wall, 3 + i, &mut got);
            let t = core.twins();
            if t.now() != t.frontier() {
                apart += 1;
            }
            core.handle(Command::ApplyTo(change, target), wall);
            assert_eq!(core.snapshot_keeping(Vec::new()).last_error, None);
        }
        ticks(&mut core, &mut wall, 40, &mut got);
        assert!(apart > 0, "some change met the twins at different times");
        let recording = core.snapshot_keeping(Vec::new()).recording.clone();
        assert!(recording.view.compare);
        assert_eq!(recording.variants[0].timeline.len(), 5);
        assert_eq!(recording.variants[1].timeline.len(), 6);

        let text = recording.to_ron().expect("ron");
        let replayed = Scenario::from_ron(&text, "recording").expect("valid");
        let mut twins = Twins::compare(&replayed.settings, &replayed.variants).expect("twins");
        let n = got.iter().map(Vec::len).min().unwrap_or(0);
        assert!(n > 20, "{n} windows");
        twins.run_until(SimTime::from_secs(n as u64));
        for (k, twin) in twins.twins_mut().iter_mut().enumerate() {
            let want = twin.system_mut().drain_windows();
            assert_eq!(
                exact(&want[..n]),
                exact(&got[k][..n]),
                "threads {threads}, twin {k}"
            );
        }
    }
}

/// At Max speed on a budget, twins of different loads (a sync twin whose
/// users time out and click again, an async twin at ease) stay on
/// one clock: after every tick no twin is more than one window ahead of
/// the slowest, and every twin has published the same windows, so the
/// newest window of each (what the difference sentence reads) is of the
/// same time. Taking turns and on threads.
#[test]
fn twins_of_different_loads_share_one_clock_at_max() {
    for threads in [false, true] {
        let mut core = comparing_at_max(threads);
        let mut wall = Duration::ZERO;
        let window = SimTime::from_secs_f64(core.system().settings().window_s);
        let mut got = vec![Vec::new(); 2];
        for tick in 0..150 {
            ticks(&mut core, &mut wall, 1, &mut got);
            let t = core.twins();
            let ahead = t.frontier().saturating_sub(t.now());
            assert!(
                ahead <= window,
                "threads {threads}, tick {tick}: {} s ahead",
                ahead.as_secs_f64()
            );
            assert_eq!(got[0].len(), got[1].len(), "threads {threads}, tick {tick}");
            if let (Some(a), Some(b)) = (got[0].last(), got[1].last()) {
                assert_eq!(a.t_s, b.t_s);
            }
        }
        let events: Vec<u64> = core
            .twins()
            .twins()
            .iter()
            .map(|t| t.system().events())
            .collect();
        assert!(
            events[0].max(events[1]) * 100 > events[0].min(events[1]) * 115,
            "loads more than 15% apart: {events:?}"
        );
        assert!(got[0].len() > 10, "{} windows", got[0].len());
    }
}

fn set(path: &str, value: f64) -> Change {
    Change::Set {
        path: path.into(),
        value,
    }
}

fn mode(mode: Mode) -> Change {
    Change::SetMode {
        endpoint: None,
        mode,
    }
}

// ----- the file format ----------------------------------------------------

#[test]
fn twin_timelines_and_compare_round_trip_and_traffic_stays_shared() {
    let text = r#"(
        version: 4,
        title: "v4",
        view: (compare: true),
        variants: [
            (name: "a", changes: [], timeline: [(at_s: 5, change: Set(path: "database.connections", value: 9))]),
            (name: "b", changes: [SetMode(endpoint: None, mode: Async)]),
        ],
    )"#;
    let s = Scenario::from_ron(text, "v4.ron").expect("valid");
    assert!(s.view.compare);
    assert_eq!(s.variants[0].timeline.len(), 1);
    let again = Scenario::from_ron(&s.to_ron().expect("ron"), "again").expect("round trip");
    assert_eq!(again, s);

    // A traffic change in one twin's timeline only is refused by field...
    let one = text.replace(
        "Set(path: \"database.connections\", value: 9)",
        "Set(path: \"clients[0].rate_per_s\", value: 9)",
    );
    let e = Scenario::from_ron(&one, "one.ron").expect_err("refused");
    let msg = e.to_string();
    assert!(
        msg.contains("variants[1].timeline") && msg.contains("twins share their users"),
        "{msg}"
    );
    // ... and accepted when every twin's holds it, at the same time.
    let both = one.replace(
        "changes: [SetMode(endpoint: None, mode: Async)])",
        "changes: [SetMode(endpoint: None, mode: Async)], timeline: [(at_s: 5, change: Set(path: \"clients[0].rate_per_s\", value: 9))])",
    );
    let s = Scenario::from_ron(&both, "both.ron").expect("valid");
    assert!(Twins::compare(&s.settings, &s.variants).is_ok());

    // A version-3 scene with variants reads as before: not comparing.
    let v3 = r#"(version: 3, title: "v3", variants: [(name: "x", changes: [])])"#;
    let s = Scenario::from_ron(v3, "v3.ron").expect("valid");
    assert!(!s.view.compare && s.variants[0].timeline.is_empty());
}

#[test]
fn a_scene_that_says_compare_opens_comparing() {
    let mut s = host_scene();
    s.view.compare = true;
    let clock = FakeClock::new();
    let mut host = Host::manual(s, Box::new(clock.clone()));
    let snap = frame(&mut host, &clock);
    assert!(snap.compare);
    assert_eq!(snap.runs.len(), 2);
    host.send(Command::LoadScenario(Box::new(host_scene())));
    assert!(
        !frame(&mut host, &clock).compare,
        "the next scene says solo"
    );
}

// ----- the command line ---------------------------------------------------

fn asynclab(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(args)
        .output()
        .expect("run asynclab")
}

#[test]
fn run_compare_prints_twins_side_by_side_as_text_json_and_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("twins.csv");
    let csv_arg = csv.to_str().expect("utf-8");
    let base = ["run", "02-slow-database.ron", "--duration", "60"];

    let o = asynclab(&[&base[..], &["--compare"]].concat());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains("Slow database — twins side by side"), "{out}");
    let header = out.lines().find(|l| l.contains("sync")).expect("header");
    assert!(header.trim_start().starts_with("sync") && header.contains("async"));
    assert!(out.contains("p95 wait") && out.contains("same"), "{out}");

    let o = asynclab(&[&base[..], &["--compare", "--json", "--csv", csv_arg]].concat());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let names: Vec<&str> = v["twins"]
        .as_array()
        .expect("twins")
        .iter()
        .map(|t| t["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["sync", "async"]);
    assert_eq!(v["same_users"], true);
    for t in v["twins"].as_array().expect("twins") {
        assert_eq!(t["ledgers_balanced"], true);
        assert!(t["summary"]["wait"]["p95"].is_number());
        assert!(t["ledgers"]["work"]["requests"].is_number());
    }
    let text = std::fs::read_to_string(&csv).expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("twin,t_s,actions,"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + 2 * 60);
    assert!(lines[1].starts_with("sync,1,") && lines[2].starts_with("async,1,"));
    let actions = |l: &str| l.split(',').nth(2).map(str::to_string);
    assert_eq!(actions(lines[1]), actions(lines[2]), "same users");

    // Without --compare, one run as before: no twins.
    let o = asynclab(&[&base[..], &["--json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v.get("twins").is_none() && v["summary"].is_object());
}
