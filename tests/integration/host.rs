//! The live host without a display: a fake clock drives it by hand.

use asynclab::host::{Command, FakeClock, Host, Snapshot, Speed};
use asynclab::scenario::{Change, Mode, Scenario, TimelineEvent};
use asynclab::sim::{SimTime, System, Window};
use std::sync::Arc;
use std::time::Duration;

/// A small, busy scene: enough traffic for percentiles in every window.
fn scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.settings.timeline.clear();
    s
}

fn json(ws: &[Window]) -> String {
    serde_json::to_string(ws).expect("windows serialise")
}

/// One 16 ms frame: move the clock, pump, take the snapshot.
fn frame(host: &mut Host, clock: &FakeClock) -> Snapshot {
    clock.advance(Duration::from_millis(16));
    host.pump();
    host.take_snapshot()
}

/// Host windows at several speeds and tick sizes equal one headless run.
#[test]
fn host_matches_headless_run_bit_for_bit() {
    let end = SimTime::from_secs(30);
    let mut headless = System::new(scene());
    headless.run_until(end);
    let expected = headless.windows().to_vec();
    assert!(expected.len() >= 29);
    for (speed, tick_ms) in [(1.0, 16), (7.5, 33), (100.0, 250), (3.0, 1)] {
        let clock = FakeClock::new();
        let mut host = Host::manual(scene(), Box::new(clock.clone()));
        host.send(Command::SetSpeed(Speed::Times(speed)));
        let mut got: Vec<Window> = Vec::new();
        let mut guard = 0;
        while got.len() < expected.len() {
            clock.advance(Duration::from_millis(tick_ms));
            host.pump();
            got.extend(host.take_snapshot().first().new_windows.clone());
            guard += 1;
            assert!(guard < 2_000_000, "host never reached {end:?}");
        }
        got.truncate(expected.len());
        assert_eq!(
            json(&got),
            json(&expected),
            "speed {speed}, tick {tick_ms} ms"
        );
    }
}

/// At max speed, the host still makes the same run.
#[test]
fn host_at_max_speed_matches_too() {
    let mut headless = System::new(scene());
    headless.run_until(SimTime::from_secs(20));
    let expected = headless.windows().to_vec();
    let clock = FakeClock::new();
    let mut host = Host::manual(scene(), Box::new(clock.clone()));
    host.send(Command::SetSpeed(Speed::Max));
    let mut got = Vec::new();
    while got.len() < expected.len() {
        clock.advance(Duration::from_millis(16));
        host.pump();
        got.extend(host.take_snapshot().first().new_windows.clone());
    }
    got.truncate(expected.len());
    assert_eq!(json(&got), json(&expected));
}

/// Restart rebuilds from the edited scene; Save Recording replays the run.
#[test]
fn restart_keeps_tweaks_and_recording_replays() {
    let clock = FakeClock::new();
    let mut host = Host::manual(scene(), Box::new(clock.clone()));
    let mut live_ws: Vec<Window> = Vec::new();
    host.send(Command::SetSpeed(Speed::Times(10.0)));
    for _ in 0..60 {
        clock.advance(Duration::from_millis(16));
        host.pump();
        live_ws.extend(host.take_snapshot().first().new_windows.clone());
    }
    host.send(Command::Apply(Change::SetMode {
        endpoint: None,
        mode: Mode::Async,
    }));
    host.send(Command::Apply(Change::Set {
        path: "database.connections".into(),
        value: 7.0,
    }));
    host.pump();
    let snap = host.take_snapshot();
    live_ws.extend(snap.first().new_windows.iter().cloned());
    assert!(snap.dirty);
    assert_eq!(snap.edited.settings.database.connections, 7);
    assert_eq!(snap.edited.settings.endpoints[0].mode, Mode::Async);
    let recording = snap.recording.clone();
    assert_eq!(recording.settings.timeline.len(), 2);
    assert!(recording.settings.timeline[0].at_s > 5.0);

    // The recording replays: a headless run of it gives the same windows.
    for _ in 0..200 {
        clock.advance(Duration::from_millis(16));
        host.pump();
        live_ws.extend(host.take_snapshot().first().new_windows.clone());
    }
    let text = recording.to_ron().expect("ron");
    let mut replay = System::new(Scenario::from_ron(&text, "rec").expect("valid"));
    replay.run_until(SimTime::from_secs(40));
    assert!(live_ws.len() >= 40);
    assert_eq!(json(&replay.windows()[..40]), json(&live_ws[..40]));

    host.send(Command::Restart);
    host.pump();
    let snap = host.take_snapshot();
    assert!(snap.now_s < 0.1);
    // Restart keeps the knob tweaks but starts in the scene's own mode, so
    // a demo run again starts as the scene starts.
    assert_eq!(snap.first().live.database.connections, 7);
    assert_eq!(snap.first().live.endpoints[0].mode, Mode::Sync);
    host.send(Command::ResetToFile);
    host.pump();
    let snap = host.take_snapshot();
    assert!(!snap.dirty);
    assert_eq!(snap.first().live.endpoints[0].mode, Mode::Sync);
}

/// True when two snapshots share all three scene-sized parts.
fn same_scene_parts(a: &Snapshot, b: &Snapshot) -> [bool; 3] {
    [
        Arc::ptr_eq(&a.first().live, &b.first().live),
        Arc::ptr_eq(&a.edited, &b.edited),
        Arc::ptr_eq(&a.recording, &b.recording),
    ]
}

/// Publishing is cheap: while nothing changes, every snapshot shares the
/// same live settings, edited scene and recording; a change rebuilds them
/// once, with the change in them.
#[test]
fn publish_copies_the_scene_only_when_it_changed() {
    let clock = FakeClock::new();
    let mut host = Host::manual(scene(), Box::new(clock.clone()));
    let first = frame(&mut host, &clock);
    let second = frame(&mut host, &clock);
    assert!(second.now_s > first.now_s, "the sim ran between the two");
    assert_eq!(same_scene_parts(&first, &second), [true; 3]);

    host.send(Command::Apply(Change::Set {
        path: "database.connections".into(),
        value: 7.0,
    }));
    let changed = frame(&mut host, &clock);
    assert_eq!(same_scene_parts(&second, &changed), [false; 3]);
    assert_eq!(changed.first().live.database.connections, 7);
    assert_eq!(changed.edited.settings.database.connections, 7);
    assert!(changed.dirty);
    let timeline = &changed.recording.settings.timeline;
    assert_eq!(timeline.len(), 1);
    assert!(matches!(
        &timeline[0].change,
        Change::Set { path, value } if path == "database.connections" && *value == 7.0
    ));

    // Settled again: the next publish reuses the new parts.
    let after = frame(&mut host, &clock);
    assert_eq!(same_scene_parts(&changed, &after), [true; 3]);

    // Saving touches the document only: the live settings stay shared.
    host.send(Command::MarkSaved);
    let saved = frame(&mut host, &clock);
    assert!(!saved.dirty);
    assert_eq!(same_scene_parts(&after, &saved), [true, false, false]);
    assert_eq!(*saved.edited, *after.edited);
}

/// A scripted change moves the live settings (and only them); between
/// changes the live settings stay shared.
#[test]
fn scripted_changes_reach_the_published_live_settings() {
    let mut s = scene();
    let before = s.settings.database.connections;
    s.settings.timeline.push(TimelineEvent {
        mode: None,
        at_s: 1.0,
        change: Change::Set {
            path: "database.connections".into(),
            value: f64::from(before + 3),
        },
    });
    let clock = FakeClock::new();
    let mut host = Host::manual(s, Box::new(clock.clone()));
    host.send(Command::SetSpeed(Speed::Times(10.0)));
    let start = frame(&mut host, &clock);
    assert_eq!(start.first().live.database.connections, before);
    let mut last = start.clone();
    while last.now_s < 2.0 {
        let snap = frame(&mut host, &clock);
        let crossed = last.now_s < 1.0 && snap.now_s >= 1.0;
        assert_eq!(
            same_scene_parts(&last, &snap),
            [!crossed, true, true],
            "at {} s",
            snap.now_s
        );
        last = snap;
    }
    assert_eq!(last.first().live.database.connections, before + 3);
    assert_eq!(last.edited.settings.database.connections, before);
    assert!(!last.dirty);
}

/// At 10 million actions/s a tick stops when its budget is spent (here
/// measured on a clock that ticks per look, so no wall-clock assert), says
/// it cannot keep up at once, and a Pause sent meanwhile applies next tick.
#[test]
fn a_tick_stops_at_its_budget_whatever_the_load() {
    use asynclab::host::{Budget, EVENTS_PER_CHECK, HostCore};
    let mut s = scene();
    s.settings.clients[0].rate_per_s = 1e7;
    let budget = Budget {
        limit: Duration::from_millis(12),
        clock: Box::new(crate::kit::Ticking::default()),
    };
    let mut core = HostCore::new(s, Some(budget));
    core.handle(Command::Play, Duration::ZERO);
    core.tick(Duration::from_secs(1));
    let events = core.system().events();
    // 12 looks at the budget's clock, one per EVENTS_PER_CHECK events.
    assert!(
        events > 0 && events <= 13 * EVENTS_PER_CHECK,
        "{events} events"
    );
    assert!(core.system().now() < SimTime::from_secs(1), "fell behind");
    let snap = core.snapshot();
    assert!(snap.lagging_at.is_some(), "says it cannot keep up at once");
    core.handle(Command::Pause, Duration::from_millis(1016));
    let paused_at = core.system().now();
    core.tick(Duration::from_millis(1032));
    assert_eq!(core.system().now(), paused_at, "the pause held");
    assert!(!core.snapshot().playing);
    assert!(
        core.snapshot().lagging_at.is_none(),
        "paused, nothing says it cannot keep up"
    );
}

/// At the scene's end the run pauses by itself; Restart (R, the end
/// banner's button) and switching to compare (C) then play the new run
/// rather than leave a frozen screen at 0:00.
#[test]
fn restart_and_compare_after_the_end_play() {
    use asynclab::host::HostCore;
    for cmd in [Command::Restart, Command::SetCompare(true)] {
        let mut s = scene();
        s.duration_s = 2.0;
        let mut core = HostCore::new(s, None);
        core.handle(Command::SetSpeed(Speed::Times(1.0)), Duration::ZERO);
        core.handle(Command::Play, Duration::ZERO);
        core.tick(Duration::from_secs(3));
        let snap = core.snapshot();
        assert!(snap.ended && !snap.playing, "paused at the end");
        core.handle(cmd.clone(), Duration::from_secs(3));
        core.tick(Duration::from_secs(4));
        let snap = core.snapshot();
        assert!(snap.playing, "{cmd:?}: the new run plays");
        assert!(snap.now_s > 0.5, "{cmd:?}: at {} s", snap.now_s);
    }
}

/// Nobody drained windows for a long while (a hidden window at Max speed):
/// the snapshot keeps only the newest, so memory stays flat.
#[test]
fn undrained_windows_are_bounded() {
    use asynclab::host::{HostCore, MAX_PENDING_WINDOWS};
    let mut s = scene();
    s.settings.clients[0].rate_per_s = 1.0;
    s.settings.window_s = 0.01;
    s.settings.percentile_window_s = 0.01;
    let mut core = HostCore::new(s, None);
    core.handle(Command::SetSpeed(Speed::Times(1.0)), Duration::ZERO);
    core.tick(Duration::from_secs(200));
    let snap = core.snapshot();
    assert_eq!(snap.first().new_windows.len(), MAX_PENDING_WINDOWS);
    assert!(core.system().windows().is_empty(), "drained from the run");
}

/// Solo is the one-run case of the snapshot: one run, unnamed, and
/// comparing one run per twin; either way each run's windows are taken
/// once, add up to its own counts and are in no other list.
#[test]
fn solo_and_compare_snapshots_are_one_shape_with_each_window_once() {
    let clock = FakeClock::new();
    let mut host = Host::manual(scene(), Box::new(clock.clone()));
    host.send(Command::SetSpeed(Speed::Times(20.0)));
    for compare in [false, true] {
        host.send(Command::SetCompare(compare));
        let mut windows: Vec<Vec<Window>> = Vec::new();
        let mut snap = frame(&mut host, &clock);
        for _ in 0..200 {
            windows.resize(snap.runs.len(), Vec::new());
            for (k, r) in snap.runs.iter().enumerate() {
                windows[k].extend(r.new_windows.iter().cloned());
            }
            snap = frame(&mut host, &clock);
        }
        let names: Vec<&str> = snap.runs.iter().map(|r| r.name.as_str()).collect();
        if compare {
            assert!(
                names.len() == 2 && names.iter().all(|n| !n.is_empty()),
                "{names:?}"
            );
        } else {
            assert_eq!(names, [""], "solo: one run, no twin name");
        }
        assert_eq!(snap.first().name, names[0]);
        for (k, r) in snap.runs.iter().enumerate() {
            let ws = &windows[k];
            assert!(ws.len() >= 20, "run {k}: {} windows", ws.len());
            for pair in ws.windows(2) {
                assert!(pair[0].t_s < pair[1].t_s, "run {k}: a window twice");
            }
            let actions: u64 = ws.iter().map(|w| w.actions).sum();
            assert!(actions <= r.totals.actions, "run {k}: more than it counted");
            assert!(actions > 0, "run {k}: its own windows");
        }
    }
}
