//! The presenter stays in charge: a scripted change never silently undoes
//! a setting they set by hand (it is skipped, with a marker and a cue), a
//! recording replays the skip, and Restart keeps their knob tweaks but the
//! scene's own modes.

use asynclab::host::{Command, FakeClock, Host, Speed};
use asynclab::scenario::{Change, Mode, Scenario};
use asynclab::sim::{SimTime, System, Window};
use egui_kittest::kittest::Queryable;
use std::time::Duration;

/// The default scene (Slow database): its script switches to ASYNC at
/// 240 s.
fn scene() -> Scenario {
    asynclab::app::default_scene()
}

fn script_switch_s(s: &Scenario) -> f64 {
    s.settings
        .timeline
        .iter()
        .find(|e| matches!(e.change, Change::SetMode { .. }))
        .map(|e| e.at_s)
        .expect("the default scene switches by script")
}

fn to(mode: Mode) -> Change {
    Change::SetMode {
        endpoint: None,
        mode,
    }
}

#[test]
fn a_scripted_switch_is_skipped_once_the_presenter_switched_by_hand() {
    let s = scene();
    let at = script_switch_s(&s);
    assert!(at > 150.0, "the script switches at {at} s");
    // Untouched, the script switches.
    let mut plain = System::new(s.clone());
    plain.run_until(SimTime::from_secs_f64(at + 10.0));
    assert_eq!(plain.settings().endpoints[0].mode, Mode::Async);
    assert!(plain.markers().iter().all(|m| !m.skipped));
    // The presenter went async, then back to sync to show it again: the
    // script's switch must not flip them to async behind their back.
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(100));
    sys.apply(to(Mode::Async)).expect("applies");
    sys.run_until(SimTime::from_secs(150));
    sys.apply(to(Mode::Sync)).expect("applies");
    sys.run_until(SimTime::from_secs_f64(at + 10.0));
    assert_eq!(sys.settings().endpoints[0].mode, Mode::Sync);
    let skipped: Vec<_> = sys.markers().iter().filter(|m| m.skipped).collect();
    assert_eq!(skipped.len(), 2, "{:?}", sys.markers());
    assert_eq!(skipped[0].t_s, at);
    assert_eq!(skipped[0].change, to(Mode::Async));
    // The caption telling of the switch ("ASYNC: the server answers...")
    // would be false now: skipped with it. Earlier captions ran.
    assert!(matches!(&skipped[1].change, Change::Caption(t) if t.starts_with("ASYNC")));
    assert!(skipped[1].t_s - at <= asynclab::sim::CAPTION_TIE_S);
    let shown = sys
        .markers()
        .iter()
        .filter(|m| !m.skipped && matches!(m.change, Change::Caption(_)))
        .count();
    assert_eq!(shown, 2);
}

#[test]
fn a_knob_set_by_hand_is_not_reset_by_the_script_either() {
    let mut s = scene();
    s.settings.timeline.push(asynclab::scenario::TimelineEvent {
        mode: None,
        at_s: 60.0,
        change: Change::Set {
            path: "database.connections".into(),
            value: 3.0,
        },
    });
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(30));
    sys.apply(Change::Set {
        path: "database.connections".into(),
        value: 12.0,
    })
    .expect("applies");
    sys.run_until(SimTime::from_secs(90));
    assert_eq!(sys.settings().database.connections, 12);
    assert!(sys.markers().iter().any(|m| m.skipped && m.t_s == 60.0));
}

fn pump_to(host: &mut Host, clock: &FakeClock, t_s: f64, got: &mut Vec<Window>) {
    let mut guard = 0;
    while host.snapshot().now_s < t_s {
        clock.advance(Duration::from_millis(50));
        host.pump();
        got.extend(host.take_snapshot().first().new_windows.clone());
        guard += 1;
        assert!(guard < 100_000, "host never reached {t_s}");
    }
}

#[test]
fn the_cue_shows_and_the_recording_replays_the_skip() {
    let s = scene();
    let at = script_switch_s(&s);
    let clock = FakeClock::new();
    let mut host = Host::manual(s, Box::new(clock.clone()));
    host.send(Command::SetSpeed(Speed::Times(100.0)));
    let mut live: Vec<Window> = Vec::new();
    pump_to(&mut host, &clock, 100.0, &mut live);
    host.send(Command::Apply(to(Mode::Async)));
    pump_to(&mut host, &clock, 120.0, &mut live);
    host.send(Command::Apply(to(Mode::Sync)));
    pump_to(&mut host, &clock, at + 20.0, &mut live);
    let snap = host.take_snapshot();
    assert_eq!(snap.first().live.endpoints[0].mode, Mode::Sync);
    let (t, cue) = snap.caption.clone().expect("a cue");
    assert_eq!(t, at);
    assert!(
        cue.starts_with("Script: ") && cue.contains("skipped"),
        "{cue}"
    );
    // The recording leaves out the scripted switch the run skipped, so it
    // replays the run bit for bit.
    let text = snap.recording.to_ron().expect("ron");
    let mut replay = System::new(Scenario::from_ron(&text, "rec").expect("valid"));
    let n = (at as usize) + 15;
    replay.run_until(SimTime::from_secs(n as u64));
    assert!(live.len() >= n);
    assert_eq!(
        serde_json::to_string(&replay.windows()[..n]).expect("json"),
        serde_json::to_string(&live[..n]).expect("json")
    );
    assert_eq!(replay.settings().endpoints[0].mode, Mode::Sync);
}

#[test]
fn restart_keeps_knob_tweaks_but_the_scenes_modes_and_script() {
    let s = scene();
    let at = script_switch_s(&s);
    let clock = FakeClock::new();
    let mut host = Host::manual(s, Box::new(clock.clone()));
    host.send(Command::SetSpeed(Speed::Times(100.0)));
    let mut ws = Vec::new();
    pump_to(&mut host, &clock, 30.0, &mut ws);
    host.send(Command::Apply(to(Mode::Async)));
    host.send(Command::Apply(Change::Set {
        path: "database.connections".into(),
        value: 8.0,
    }));
    pump_to(&mut host, &clock, 40.0, &mut ws);
    host.send(Command::Restart);
    host.pump();
    let snap = host.take_snapshot();
    assert!(snap.now_s < 1.0);
    assert_eq!(
        snap.first().live.endpoints[0].mode,
        Mode::Sync,
        "the scene starts in SYNC"
    );
    assert_eq!(
        snap.first().live.database.connections,
        8,
        "the tweak is kept"
    );
    // And the script runs again as written: ASYNC at its time.
    pump_to(&mut host, &clock, at + 5.0, &mut ws);
    assert_eq!(host.snapshot().first().live.endpoints[0].mode, Mode::Async);
    host.send(Command::ResetToFile);
    host.pump();
    let snap = host.take_snapshot();
    assert_eq!(
        snap.first().live.database.connections,
        5,
        "reset discards tweaks"
    );
}

#[test]
fn the_app_shows_the_cue_in_its_caption_line() {
    let mut s = scene();
    s.view.speed = asynclab::scenario::StartSpeed::Times(100.0);
    let at = script_switch_s(&s);
    let mut h = crate::kit::harness(s);
    h.run_steps(3);
    h.key_press(egui::Key::A);
    h.run_steps(3);
    h.key_press(egui::Key::A);
    let mut guard = 0;
    while h.state().app.host().snapshot().now_s < at + 2.0 {
        h.run_steps(1);
        guard += 1;
        assert!(guard < 2_000, "never reached the script's switch");
    }
    h.run_steps(2);
    h.get_by_label_contains("caption: Script: ");
    assert_eq!(
        h.state().app.host().snapshot().first().live.endpoints[0].mode,
        Mode::Sync
    );
}
