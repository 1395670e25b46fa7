//! Texts written for other settings: saving a scene whose settings were
//! changed while its lesson, watch text and captions were not asks first,
//! naming each changed setting; the answer decides whether the texts are
//! saved, and a save that waits for it ("Save, then quit") goes on only
//! once the scene is saved.

use crate::kit::{TestApp, harness};
use asynclab::app::AppAction;
use asynclab::host::Command;
use asynclab::scenario::{Change, Scenario, TimelineEvent};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;

const QUESTION: &str = "Texts written for other settings";

/// The sandbox with a scripted caption, saved to `path` as it is.
fn saved_scene(path: &Path) -> (Harness<'static, TestApp>, u32) {
    let mut s: Scenario = asynclab::app::default_scene();
    s.settings.timeline.push(TimelineEvent {
        mode: None,
        at_s: 30.0,
        change: Change::Caption("The database keeps up".into()),
    });
    let connections = s.settings.database.connections;
    let mut h = harness(s);
    h.run_steps(2);
    h.state_mut().app.save_to(path);
    h.run_steps(2);
    assert!(
        h.query_by_label(QUESTION).is_none(),
        "nothing changed: no question"
    );
    assert!(path.exists(), "saved at once");
    (h, connections)
}

/// A live change of the database's connections to `to`.
fn more_connections(h: &mut Harness<'static, TestApp>, to: u32) {
    h.state_mut().app.apply(AppAction::change(Change::Set {
        path: "database.connections".into(),
        value: f64::from(to),
    }));
    h.run_steps(3);
    assert!(h.state().app.host().snapshot().dirty);
}

#[test]
fn save_asks_about_texts_and_without_them_drops_lesson_watch_and_captions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talk.ron");
    let (mut h, was) = saved_scene(&path);
    let to = was + 7;
    more_connections(&mut h, to);

    h.state_mut().app.save_to(&path);
    h.run_steps(2);
    assert!(h.query_by_label(QUESTION).is_some(), "Save asks first");
    let line = format!("Database: connections {was} -> {to}");
    assert!(
        h.query_by_label_contains(&line).is_some(),
        "the question names the changed setting ({line})"
    );
    let on_disk = Scenario::load(&path).expect("loads");
    assert_eq!(on_disk.settings.database.connections, was, "not saved yet");

    h.get_by_label("Save without the texts").click();
    h.run_steps(3);
    assert!(h.query_by_label(QUESTION).is_none());
    let saved = Scenario::load(&path).expect("the saved scene loads");
    assert_eq!(saved.settings.database.connections, to);
    assert!(saved.lesson.is_empty() && saved.watch.is_empty());
    assert!(
        !saved
            .settings
            .timeline
            .iter()
            .any(|e| matches!(e.change, Change::Caption(_))),
        "no caption saved"
    );
    let snap = h.state().app.host().snapshot().clone();
    assert!(!snap.dirty, "the scene on screen is the saved one");
    assert!(snap.edited.lesson.is_empty() && snap.edited.watch.is_empty());
    assert!(
        !snap
            .edited
            .settings
            .timeline
            .iter()
            .any(|e| matches!(e.change, Change::Caption(_)))
    );
}

#[test]
fn save_then_quit_waits_for_the_texts_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talk.ron");
    let (mut h, was) = saved_scene(&path);
    let lesson = h.state().app.host().snapshot().edited.lesson.clone();
    more_connections(&mut h, was + 3);

    // Cancel: nothing saved, nothing quit.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run_steps(2);
    h.get_by_label("Save, then quit").click();
    // One window closes, the other opens (and sizes itself first).
    h.run_steps(4);
    assert!(
        h.query_by_label(QUESTION).is_some(),
        "Save asks about the texts"
    );
    assert!(!h.state().app.quitting(), "no quit before the save");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(!h.state().app.quitting(), "cancelled: still running");
    assert_eq!(
        Scenario::load(&path)
            .expect("loads")
            .settings
            .database
            .connections,
        was
    );

    // A later plain save does not quit: the cancelled quit is gone.
    more_connections(&mut h, was + 2);
    h.state_mut().app.save_to(&path);
    h.run_steps(2);
    h.get_by_label("Save with the texts").click();
    h.run_steps(2);
    assert!(!h.state().app.quitting(), "a plain save does not quit");
    assert_eq!(
        Scenario::load(&path)
            .expect("loads")
            .settings
            .database
            .connections,
        was + 2
    );
    more_connections(&mut h, was + 3);

    // Save with the texts: saved as it is, then the app quits.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run_steps(2);
    h.get_by_label("Save, then quit").click();
    // One window closes, the other opens (and sizes itself first).
    h.run_steps(4);
    h.get_by_label("Save with the texts").click();
    h.run_steps(2);
    assert!(h.state().app.quitting(), "saved, then quit");
    let saved = Scenario::load(&path).expect("loads");
    assert_eq!(saved.settings.database.connections, was + 3);
    assert_eq!(saved.lesson, lesson, "the texts kept");
}

#[test]
fn edited_texts_count_as_written_for_the_new_settings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("talk.ron");
    let (mut h, was) = saved_scene(&path);
    more_connections(&mut h, was + 1);
    let watch = h.state().app.host().snapshot().edited.watch.clone();
    h.state_mut().app.apply(AppAction::Host(Command::EditTexts {
        lesson: "More connections, less waiting.".into(),
        watch,
    }));
    h.run_steps(3);
    h.state_mut().app.save_to(&path);
    h.run_steps(2);
    assert!(h.query_by_label(QUESTION).is_none(), "no question");
    let saved = Scenario::load(&path).expect("loads");
    assert_eq!(saved.settings.database.connections, was + 1);
    assert_eq!(saved.lesson, "More connections, less waiting.");
}
