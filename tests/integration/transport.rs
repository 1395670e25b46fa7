//! The transport's steps (one event, one window, to the next scripted
//! event), full screen and the preferences remembered between runs.

use crate::kit::{click_at, harness};
use asynclab::app::{AppAction, Prefs};
use asynclab::host::Command;
use egui_kittest::kittest::Queryable;
use std::collections::HashMap;

/// The default scene, paused after a few frames.
fn paused() -> egui_kittest::Harness<'static, crate::kit::TestApp> {
    let mut h = harness(asynclab::app::default_scene());
    h.run_steps(4);
    h.state_mut().app.apply(AppAction::Host(Command::Pause));
    h.run_steps(2);
    h
}

fn now(h: &egui_kittest::Harness<'static, crate::kit::TestApp>) -> f64 {
    h.state().app.host().snapshot().now_s
}

/// Clicks a top-bar button by its rectangle's centre (their ids shift).
fn press(h: &mut egui_kittest::Harness<'static, crate::kit::TestApp>, label: &str) {
    let at = h.get_by_label(label).rect().center();
    click_at(h, at);
    h.run_steps(3);
}

#[test]
fn step_window_advances_one_metrics_window_and_stays_paused() {
    let mut h = paused();
    let window_s = h.state().app.host().snapshot().first().live.window_s;
    press(&mut h, "step window");
    let t0 = now(&h);
    press(&mut h, "step window");
    let t1 = now(&h);
    assert!(
        (t1 - t0 - window_s).abs() < 1e-6,
        "one window of {window_s} s: {t0} -> {t1}"
    );
    assert!(!h.state().app.host().snapshot().playing);
}

#[test]
fn step_event_advances_less_than_a_window() {
    let mut h = paused();
    let window_s = h.state().app.host().snapshot().first().live.window_s;
    let t0 = now(&h);
    press(&mut h, "step event");
    let t1 = now(&h);
    assert!(t1 > t0 && t1 - t0 < window_s, "{t0} -> {t1}");
    assert!(!h.state().app.host().snapshot().playing);
}

#[test]
fn next_event_runs_to_the_next_scripted_event_and_pauses() {
    let mut h = paused();
    let next = h
        .state()
        .app
        .host()
        .snapshot()
        .next_scripted_s
        .expect("the default scene has a script");
    assert!(next > now(&h));
    press(&mut h, "next event");
    for _ in 0..200 {
        if (now(&h) - next).abs() < 1e-6 {
            break;
        }
        h.run_steps(1);
    }
    assert!((now(&h) - next).abs() < 1e-6, "at {} not {next}", now(&h));
    assert!(!h.state().app.host().snapshot().playing);
}

#[test]
fn f11_toggles_full_screen() {
    let mut h = paused();
    assert!(!h.state().app.fullscreen());
    h.key_press(egui::Key::F11);
    h.run_steps(2);
    assert!(h.state().app.fullscreen());
    h.key_press(egui::Key::F11);
    h.run_steps(2);
    assert!(!h.state().app.fullscreen());
}

/// eframe's storage in memory.
#[derive(Default)]
struct Memory(HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn preferences_round_trip_through_storage() {
    let prefs = Prefs {
        last_scene: Some("/tmp/mine.ron".into()),
        last_builtin: None,
        recent: vec!["/tmp/mine.ron".into(), "/tmp/other.ron".into()],
        dark: false,
        ui_scale: 1.75,
        presentation: true,
        span_s: 900.0,
        plain_words: Some(false),
    };
    let mut storage = Memory::default();
    prefs.store(&mut storage);
    let back = Prefs::load(Some(&storage));
    assert_eq!(format!("{back:?}"), format!("{prefs:?}"));
    // Nothing stored: the defaults.
    let none = Prefs::load(Some(&Memory::default()));
    assert_eq!(format!("{none:?}"), format!("{:?}", Prefs::default()));
    // What the app changes is what it stores.
    let mut h = paused();
    h.state_mut().app.apply(AppAction::SetDark(false));
    h.state_mut().app.apply(AppAction::SetUiScale(2.0));
    h.run_steps(2);
    let mut storage = Memory::default();
    h.state().app.prefs().store(&mut storage);
    let back = Prefs::load(Some(&storage));
    assert!(!back.dark && back.ui_scale == 2.0, "{back:?}");
    assert!(h.query_by_label("File").is_some());
}
