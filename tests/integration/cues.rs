//! A scene's clock cues (`view.cues`) in the live host on a fake clock: a
//! slow stretch runs at its speed, a pause holds exactly at its time with
//! its caption, a speed set by hand wins until the next cue or a restart,
//! and none of it changes a single window.

use asynclab::host::{Command, FakeClock, Host, Snapshot, Speed};
use asynclab::scenario::{Cue, Scenario};
use asynclab::sim::{SimTime, System, Window};
use std::time::Duration;

/// A small, busy scene at 10×: slow to 2× from 20 s to 40 s, pause at 30 s.
fn scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.settings.timeline.clear();
    s.view.speed = asynclab::scenario::StartSpeed::Times(10.0);
    s.view.cues = vec![
        Cue::Slow {
            from_s: 20.0,
            to_s: 40.0,
            speed: 2.0,
        },
        Cue::Pause {
            at_s: 30.0,
            caption: "look at the queue".into(),
        },
    ];
    s
}

fn json(ws: &[Window]) -> String {
    serde_json::to_string(ws).expect("windows serialise")
}

/// One 100 ms tick of the fake clock.
fn tick(host: &mut Host, clock: &FakeClock, windows: &mut Vec<Window>) -> Snapshot {
    clock.advance(Duration::from_millis(100));
    host.pump();
    let snap = host.take_snapshot();
    windows.extend(snap.first().new_windows.iter().cloned());
    snap
}

#[test]
fn cues_slow_the_clock_and_pause_it_with_their_caption() {
    let clock = FakeClock::new();
    let mut host = Host::manual(scene(), Box::new(clock.clone()));
    let mut ws = Vec::new();
    // 10× until 20 s of sim time: 2 s of wall time.
    for _ in 0..20 {
        tick(&mut host, &clock, &mut ws);
    }
    let snap = host.take_snapshot();
    assert!((snap.now_s - 20.0).abs() < 1e-6, "at {} s", snap.now_s);
    // Then 2×: 100 ms of wall time is 0.2 s of sim time.
    let snap = tick(&mut host, &clock, &mut ws);
    assert_eq!(snap.speed, Speed::Times(2.0));
    assert!((snap.now_s - 20.2).abs() < 1e-6, "at {} s", snap.now_s);
    // The pause holds at 30 s exactly, with its caption, however long.
    for _ in 0..100 {
        tick(&mut host, &clock, &mut ws);
    }
    let snap = tick(&mut host, &clock, &mut ws);
    assert!(!snap.playing);
    assert_eq!(snap.now_s, 30.0);
    assert_eq!(snap.cue_note.as_deref(), Some("look at the queue"));
    // Play goes on at the stretch's speed (from the tick that takes the
    // command); the caption goes.
    host.send(Command::Play);
    let snap = tick(&mut host, &clock, &mut ws);
    assert!(snap.playing && snap.cue_note.is_none());
    let snap = tick(&mut host, &clock, &mut ws);
    assert!((snap.now_s - 30.2).abs() < 1e-6, "at {} s", snap.now_s);
    // At 40 s the stretch ends and the scene's 10× is back.
    for _ in 0..60 {
        tick(&mut host, &clock, &mut ws);
    }
    let snap = host.take_snapshot();
    assert_eq!(snap.speed, Speed::Times(10.0));
    assert!(snap.now_s > 45.0, "at {} s", snap.now_s);
}

#[test]
fn c_or_restart_at_a_pause_cue_plays_the_new_run() {
    for command in [Command::SetCompare(true), Command::Restart] {
        let clock = FakeClock::new();
        let mut host = Host::manual(scene(), Box::new(clock.clone()));
        let mut ws = Vec::new();
        let mut snap = tick(&mut host, &clock, &mut ws);
        for _ in 0..200 {
            if !snap.playing {
                break;
            }
            snap = tick(&mut host, &clock, &mut ws);
        }
        assert!(
            !snap.playing && snap.cue_note.is_some(),
            "held at the pause"
        );
        // The caption asks for C: the new run must not sit frozen at 0:00.
        host.send(command.clone());
        tick(&mut host, &clock, &mut ws);
        let snap = tick(&mut host, &clock, &mut ws);
        assert!(snap.playing, "{command:?} plays");
        assert!(snap.now_s > 0.0 && snap.cue_note.is_none(), "{command:?}");
    }
}

#[test]
fn a_speed_set_by_hand_wins_until_the_next_cue_or_restart() {
    let clock = FakeClock::new();
    let mut host = Host::manual(scene(), Box::new(clock.clone()));
    let mut ws = Vec::new();
    for _ in 0..25 {
        tick(&mut host, &clock, &mut ws);
    }
    // Inside the slow stretch the presenter asks for 20×: it holds...
    host.send(Command::SetSpeed(Speed::Times(20.0)));
    let before = tick(&mut host, &clock, &mut ws).now_s;
    let after = tick(&mut host, &clock, &mut ws).now_s;
    assert!((after - before - 2.0).abs() < 1e-6, "{before} → {after}");
    // ...until the next cue: the pause at 30 s still holds.
    for _ in 0..10 {
        tick(&mut host, &clock, &mut ws);
    }
    let snap = tick(&mut host, &clock, &mut ws);
    assert_eq!((snap.playing, snap.now_s), (false, 30.0));
    // After the stretch the presenter's speed is the one outside it.
    host.send(Command::Play);
    for _ in 0..10 {
        tick(&mut host, &clock, &mut ws);
    }
    assert_eq!(host.take_snapshot().speed, Speed::Times(20.0));
    // A restart from 0:00 keeps the presenter's speed and the cues: 20 s
    // of sim time in 1 s of wall time (after the tick that takes the
    // command), then the stretch's 2×.
    host.send(Command::Restart);
    for _ in 0..11 {
        tick(&mut host, &clock, &mut ws);
    }
    let snap = host.take_snapshot();
    assert_eq!(snap.speed, Speed::Times(2.0), "the stretch from 20 s");
    assert!((snap.now_s - 20.0).abs() < 1e-6, "at {} s", snap.now_s);
}

/// Cues steer the clock only: the windows of a run that slowed and
/// paused equal, bit for bit, a headless run's and a cue-less host's.
#[test]
fn a_run_with_cues_equals_one_without_bit_for_bit() {
    let end = 60;
    let mut headless = System::new(scene());
    headless.run_until(SimTime::from_secs(end));
    let expected = headless.windows().to_vec();
    assert_eq!(expected.len(), end as usize);
    let mut plain = scene();
    plain.view.cues.clear();
    for s in [scene(), plain] {
        let clock = FakeClock::new();
        let mut host = Host::manual(s.clone(), Box::new(clock.clone()));
        let mut got = Vec::new();
        let mut paused = 0;
        let mut guard = 0;
        while got.len() < expected.len() {
            let snap = tick(&mut host, &clock, &mut got);
            if snap.cue_note.is_some() {
                paused += 1;
                host.send(Command::Play);
            }
            guard += 1;
            assert!(guard < 10_000, "the host never reached {end} s");
        }
        assert_eq!(paused, usize::from(!s.view.cues.is_empty()));
        got.truncate(expected.len());
        assert_eq!(json(&got), json(&expected));
    }
}

#[test]
fn cues_are_checked_with_their_field_path_and_reason() {
    let text = r#"(
        version: 6,
        duration_s: 100,
        view: (cues: [
            Slow(from_s: 50, to_s: 40, speed: 2),
            Slow(from_s: 10, to_s: 60, speed: 5000),
            Pause(at_s: 0, caption: "now"),
            Pause(at_s: 20, caption: " "),
        ]),
    )"#;
    let err = Scenario::from_ron(text, "cues.ron").expect_err("invalid cues");
    let msg = err.to_string();
    for expected in [
        "view.cues[0].to_s = 40: must be after from_s (50)",
        "view.cues[1].speed = 5000: must be between 0.25 and 1000",
        "view.cues[1].from_s = 10: must not overlap the slow stretch view.cues[0]",
        "view.cues[2].at_s = 0: must be > 0",
        "view.cues[3].caption",
    ] {
        assert!(msg.contains(expected), "{expected} not in:\n{msg}");
    }
    // A typo in a cue's field is refused where it is.
    let typo = "(version: 6, view: (cues: [Pause(at: 5, caption: \"x\")]))";
    let err = Scenario::from_ron(typo, "typo.ron").expect_err("unknown field");
    assert!(err.to_string().contains("typo.ron:1:"), "{err}");
    // Written and read back, the cues are the same; a scene without cues
    // writes none.
    let s = scene();
    let back = Scenario::from_ron(&s.to_ron().expect("writes"), "back").expect("reads");
    assert_eq!(back.view.cues, s.view.cues);
    let mut none = scene();
    none.view.cues.clear();
    assert!(!none.to_ron().expect("writes").contains("cues"));
}
