//! kittest: the app at a scene's end, while paused and during a flood, as
//! the presenter sees it. At the end the run pauses by itself; R, C and
//! the Restart button then play the new run (not a frozen 0:00). A run
//! that cannot keep up says so while it plays and never while paused.
//! Arrivals shed at the simulation limit show as the simulator's, never
//! in the system's errors.

use crate::kit::{self, TestApp};
use asynclab::app::AsyncLabApp;
use asynclab::host::{Budget, FakeClock, Host, HostCore, TICK_BUDGET};
use asynclab::scenario::{Scenario, StartSpeed};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The default scene, two seconds long, at 1×.
fn short() -> Scenario {
    let mut s = Scenario {
        duration_s: 2.0,
        ..Scenario::default()
    };
    s.view.speed = StartSpeed::Times(1.0);
    s
}

/// Plays `h` until its scene ends (at most 200 frames of 50 ms).
fn play_to_the_end(h: &mut Harness<'static, TestApp>) {
    for _ in 0..200 {
        h.run_steps(1);
        if h.state().app.host().snapshot().ended {
            return;
        }
    }
    panic!("the two-second scene did not end");
}

/// After the end: the run plays again and has moved past 0:00.
fn plays_the_new_run(h: &mut Harness<'static, TestApp>, what: &str) {
    h.run_steps(12);
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.playing, "{what}: the new run plays");
    assert!(
        !snap.ended && snap.now_s > 0.2,
        "{what}: the new run moved, at {} s",
        snap.now_s
    );
}

#[test]
fn after_the_end_r_c_and_restart_play_the_new_run() {
    // R.
    let mut h = kit::harness(short());
    play_to_the_end(&mut h);
    assert!(
        !h.state().app.host().snapshot().playing,
        "paused at the end"
    );
    h.key_press(Key::R);
    plays_the_new_run(&mut h, "R");
    // C: the twins start and play.
    let mut h = kit::harness(short());
    play_to_the_end(&mut h);
    h.key_press(Key::C);
    plays_the_new_run(&mut h, "C");
    assert!(h.state().app.host().snapshot().compare, "comparing");
    // The Restart button (a pointer click: top-bar ids move between
    // frames).
    let mut h = kit::harness(short());
    play_to_the_end(&mut h);
    let at = h
        .query_all_by_label("Restart")
        .next()
        .expect("a Restart button")
        .rect()
        .center();
    kit::click_at(&mut h, at);
    plays_the_new_run(&mut h, "the Restart button");
}

#[test]
fn cant_keep_up_shows_while_playing_and_never_while_paused() {
    let mut s = Scenario::default();
    s.settings.clients[0].rate_per_s = 1e6;
    s.view.speed = StartSpeed::Times(10.0);
    let budget = Budget {
        limit: TICK_BUDGET,
        clock: Box::new(kit::Ticking::default()),
    };
    let clock = FakeClock::new();
    let host = Host::manual_core(HostCore::new(s, Some(budget)), Box::new(clock.clone()));
    let app = AsyncLabApp::new_for_test_on(host, 60.0);
    let mut h = kit::harness_on(app, clock, kit::SIZE);
    h.run_steps(2);
    if !h.state().app.host().snapshot().playing {
        h.key_press(Key::Space);
    }
    h.run_steps(4);
    assert!(h.state().app.host().snapshot().playing, "playing");
    assert!(
        h.query_by_label_contains("can't keep up").is_some(),
        "a million actions/s at 10× cannot keep up, and says so"
    );
    h.key_press(Key::Space);
    h.run_steps(4);
    assert!(!h.state().app.host().snapshot().playing, "paused");
    assert!(
        h.query_by_label_contains("can't keep up").is_none(),
        "paused, nothing says it cannot keep up"
    );
}

#[test]
fn a_flood_shows_the_simulators_limit_not_the_systems_errors() {
    // Every arrival is answered at once (plenty of servers, async), so
    // the only failures are arrivals shed at the simulation limit.
    let mut s = Scenario::default();
    s.settings.clients[0].rate_per_s = 200_000.0;
    s.settings.limits.max_in_flight = 1_000;
    s.view.speed = StartSpeed::Times(1.0);
    for e in &mut s.settings.endpoints {
        e.mode = asynclab::scenario::Mode::Async;
    }
    s.settings.queue.workers = 0;
    s.settings.server.workers_per_instance = 100_000;
    let mut h = kit::harness(s);
    h.run_steps(40);
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.playing);
    let limit = h
        .query_by_label_contains("LIMIT: shed")
        .expect("the simulator's limit figure is on screen");
    assert!(
        !limit
            .accesskit_node()
            .label()
            .unwrap_or_default()
            .contains("LIMIT: shed 0/min")
    );
    let errors = h
        .query_all_by_label_contains("errors · ")
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .find(|l| l.starts_with("errors · "))
        .expect("the errors figure");
    assert!(
        errors.contains(": 0.0% (0/min)"),
        "shed arrivals are not the system's errors: {errors}"
    );
}
