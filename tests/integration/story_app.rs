//! The story in the app, through egui_kittest: the Timeline panel's edits
//! reach the saved scene; undo and redo by keys and the Edit menu; a click
//! on a plot marker selects its event; jumping to a time.

use crate::kit::{TestApp, harness};
use asynclab::app::AsyncLabApp;
use asynclab::host::{FakeClock, ScriptedEvent, scripted_events};
use asynclab::scenario::{Change, Scenario, TimelineEvent};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.settings.timeline.clear();
    s.view.speed = asynclab::scenario::StartSpeed::Times(1.0);
    s.view.span_s = 60.0;
    s
}

fn edited(h: &Harness<'_, TestApp>) -> Scenario {
    (*h.state().app.host().snapshot().edited).clone()
}

fn connections(h: &Harness<'_, TestApp>) -> u32 {
    h.state()
        .app
        .host()
        .snapshot()
        .first()
        .live
        .database
        .connections
}

fn open_timeline(h: &mut Harness<'_, TestApp>) {
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Timeline panel").click();
    h.run_steps(3);
    assert!(h.query_by_label("Jump to any time").is_some(), "panel open");
}

/// Types `text` into the field labelled `label`.
fn type_into(h: &mut Harness<'_, TestApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(1);
}

fn add_caption_here(h: &mut Harness<'_, TestApp>, text: &str) {
    type_into(h, "New caption", text);
    h.get_by_label("Add caption here").click();
    h.run_steps(3);
}

#[test]
fn the_timeline_panel_edits_what_save_writes() {
    let mut h = harness(scene());
    h.run_steps(40);
    open_timeline(&mut h);
    add_caption_here(&mut h, "Queue fills");
    let events = scripted_events(&edited(&h));
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].change, Change::Caption("Queue fills".into()));
    let now = h.state().app.host().snapshot().now_s;
    assert!(
        events[0].at_s > 1.0 && events[0].at_s <= now,
        "at the sim time"
    );
    assert!(h.state().app.host().snapshot().dirty);

    // Select it, switch it off.
    h.get_by_label_contains("caption: Queue fills").click();
    h.run_steps(2);
    h.get_by_label("Enabled").click();
    h.run_steps(1);
    h.get_by_label("Apply").click();
    h.run_steps(3);
    let s = edited(&h);
    assert!(s.settings.timeline.is_empty());
    assert_eq!(s.disabled.len(), 1, "kept, switched off");

    // A new event: a setting, then edited, then deleted.
    h.get_by_label("Add event").click();
    h.run_steps(2);
    type_into(&mut h, "value", "9");
    h.key_press(Key::Enter);
    h.run_steps(1);
    h.get_by_label("Apply").click();
    h.run_steps(3);
    let set = |v: f64| Change::Set {
        path: "database.connections".into(),
        value: v,
    };
    let timeline = edited(&h).settings.timeline;
    assert_eq!(timeline.len(), 1);
    assert_eq!(timeline[0].change, set(9.0));
    h.get_by_label_contains("= 9").click();
    h.run_steps(2);
    h.get_by_label("Delete").click();
    h.run_steps(3);
    assert!(edited(&h).settings.timeline.is_empty(), "deleted");

    // The lesson text.
    type_into(&mut h, "what the scene teaches", " Watch the backlog.");
    h.get_by_label("Save texts").click();
    h.run_steps(3);
    assert!(edited(&h).lesson.ends_with(" Watch the backlog."));

    // Save writes all of it; it loads back the same.
    let dir = std::env::temp_dir().join(format!("asynclab-story-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("story.ron");
    h.state_mut().app.save_to(&path);
    h.run_steps(2);
    assert!(!h.state().app.host().snapshot().dirty, "saved");
    let text = std::fs::read_to_string(&path).expect("written");
    let back = Scenario::from_ron(&text, "story.ron").expect("loads");
    assert_eq!(back.disabled.len(), 1);
    assert_eq!(
        back.disabled[0].change,
        Change::Caption("Queue fills".into())
    );
    assert!(back.lesson.ends_with(" Watch the backlog."));
    assert!(back.settings.timeline.is_empty());
}

/// Changes the database connections in the controls panel to `n`.
fn set_connections(h: &mut Harness<'_, TestApp>, n: u32) {
    let knob = h.get_by_role_and_label(Role::SpinButton, "connections");
    knob.focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::SpinButton, "connections")
        .type_text(&n.to_string());
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(4);
}

#[test]
fn undo_and_redo_a_knob_by_keys_and_the_edit_menu() {
    let mut h = harness(scene());
    h.run_steps(5);
    let before = connections(&h);
    set_connections(&mut h, before + 4);
    assert_eq!(connections(&h), before + 4);
    let label = format!("Undo: database connections {before} -> {}", before + 4);
    assert_eq!(h.state().app.undo_label().as_deref(), Some(&*label));
    h.get_by_label("Edit").click();
    h.run_steps(2);
    assert!(
        h.query_by_label(
            &asynclab::app::commands::UiCommand::Undo
                .menu_text(egui::os::OperatingSystem::from_target_os(), Some(&label))
        )
        .is_some()
    );
    h.key_press(Key::Escape);
    h.run_steps(2);

    // Ctrl+Z: the old value, now, as a new change the recording keeps.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(connections(&h), before);
    let rec = h.state().app.host().snapshot().recording.clone();
    let values: Vec<&Change> = rec.settings.timeline.iter().map(|e| &e.change).collect();
    assert_eq!(values.len(), 2, "both changes recorded: {values:?}");

    // Redo from the Edit menu.
    h.get_by_label("Edit").click();
    h.run_steps(2);
    let redo = format!("Redo: database connections {before} -> {}", before + 4);
    let redo = asynclab::app::commands::UiCommand::Redo
        .menu_text(egui::os::OperatingSystem::from_target_os(), Some(&redo));
    h.get_by_label(&redo).click();
    h.run_steps(4);
    assert_eq!(connections(&h), before + 4);
    // And Ctrl+Z again, then Ctrl+Shift+Z.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(4);
    assert_eq!(connections(&h), before);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_steps(4);
    assert_eq!(connections(&h), before + 4);
}

#[test]
fn undo_and_redo_a_timeline_edit() {
    let mut h = harness(scene());
    h.run_steps(20);
    open_timeline(&mut h);
    add_caption_here(&mut h, "Look here");
    assert_eq!(scripted_events(&edited(&h)).len(), 1);
    let undo = h.state().app.undo_label().expect("an undo");
    assert!(undo.starts_with("Undo: add caption at 0:00:0"), "{undo}");
    // Keys act when no text field has focus.
    h.get_by_label("Jump to any time").click();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(3);
    assert!(scripted_events(&edited(&h)).is_empty(), "undone");
    assert!(!h.state().app.host().snapshot().dirty, "back to the file");
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label_contains("Redo: add caption").click();
    h.run_steps(3);
    let events = scripted_events(&edited(&h));
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].change, Change::Caption("Look here".into()));
}

#[test]
fn clicking_a_marker_selects_its_event() {
    let mut s = scene();
    for (at_s, text) in [(1.0, "first"), (2.0, "second")] {
        s.settings.timeline.push(TimelineEvent {
            mode: None,
            at_s,
            change: Change::Caption(text.into()),
        });
    }
    let mut h = harness(s);
    // 50 ms of sim time a frame at 1x: 4 s.
    h.run_steps(80);
    let frame = h.get_by_label("plot: Queue backlog (jobs)").rect();
    // The axis shows 0..60 s across the plot's frame.
    let x = frame.left() + frame.width() * (2.0 / 60.0);
    let pos = egui::pos2(x, frame.center().y);
    h.hover_at(pos);
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::default(),
        });
    }
    h.run_steps(3);
    let want = ScriptedEvent {
        mode: None,
        at_s: 2.0,
        change: Change::Caption("second".into()),
        variant: None,
        enabled: true,
    };
    assert_eq!(h.state().app.selected_event(), Some(want));
    assert!(h.query_by_label("Edit event").is_some(), "panel open on it");
}

#[test]
fn jump_to_a_time_from_the_panel() {
    let mut h = harness(scene());
    h.run_steps(100);
    open_timeline(&mut h);
    let run = h.state().app.host().snapshot().run_id;
    h.get_by_role(Role::Slider).set_value_accesskit(2.0);
    h.run_steps(1);
    h.get_by_label("Go").click();
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    assert_eq!(snap.now_s, 2.0);
    assert!(!snap.playing);
    assert_ne!(snap.run_id, run, "replayed from zero");
    let last = h.state().app.history().rows.last().map(|r| r.t_s);
    assert_eq!(last, Some(2.0), "the plots show the replay up to there");
}

/// With the Timeline panel open (and the controls), at every scale and
/// window size: every plot is there and readable, the panel on screen and,
/// when the window has room, beside the plots.
#[test]
fn plots_stay_reachable_beside_the_timeline_panel() {
    use asynclab::app::AppAction;
    use egui_kittest::kittest::NodeT;
    for size in [[1280.0, 720.0], [1600.0, 1000.0], [3840.0, 2160.0]] {
        for scale in [1.0, 1.5, 2.0, 2.5] {
            let at = format!("{scale}x in {size:?}");
            let mut h = crate::kit::harness_sized(scene(), size);
            h.state_mut().app.apply(AppAction::SetUiScale(scale));
            h.state_mut().app.apply(AppAction::ShowTimeline(true));
            h.run_steps(30);
            let screen = h.ctx.content_rect();
            let panel = h.get_by_label("Jump to any time").rect();
            let plots: Vec<(String, egui::Rect)> = h
                .root()
                .query_all(egui_kittest::kittest::by().label_contains("plot: "))
                .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
                .collect();
            assert_eq!(plots.len(), 6, "{at}: {plots:#?}");
            assert!(screen.contains_rect(panel), "{at}: the panel is on screen");
            for (i, (label, r)) in plots.iter().enumerate() {
                assert!(r.left() >= screen.left() - 0.5, "{at}: {label} {r:?}");
                // Beside the plots when the window has room; in a small
                // window at a large scale it floats over them instead.
                if screen.width() >= 1000.0 {
                    assert!(
                        r.right() <= panel.left() + 0.5,
                        "{at}: {label} under the panel"
                    );
                }
                assert!(
                    r.height() >= 90.0 && r.width() >= 90.0,
                    "{at}: {label} {r:?}"
                );
                for (other, ro) in &plots[i + 1..] {
                    let o = r.intersect(*ro);
                    assert!(
                        o.width() <= 0.5 || o.height() <= 0.5,
                        "{at}: {label} on {other}"
                    );
                }
            }
        }
    }
}

/// A long jump shows its progress in the panel, and Cancel stops it where
/// it got to.
#[test]
fn a_long_jump_shows_progress_and_cancels() {
    use asynclab::host::{Budget, Command, Host, HostCore, TICK_BUDGET};
    let mut s = scene();
    s.duration_s = 2_000.0;
    let budget = Budget {
        limit: TICK_BUDGET,
        clock: Box::new(crate::kit::Ticking::default()),
    };
    let clock = FakeClock::new();
    let host = Host::manual_core(HostCore::new(s, Some(budget)), Box::new(clock.clone()));
    let app = AsyncLabApp::new_for_test_on(host, 60.0);
    let mut h = crate::kit::harness_on(app, clock, crate::kit::SIZE);
    h.run_steps(3);
    open_timeline(&mut h);
    let app = &mut h.state_mut().app;
    app.apply(asynclab::app::AppAction::Host(Command::Seek(1_500.0)));
    h.run_steps(2);
    let snap = h.state().app.host().snapshot().clone();
    let seek = snap.seek.expect("still replaying");
    assert!(seek.done(snap.now_s) < 1.0);
    assert!(h.query_by_label_contains("replaying to 0:25:00").is_some());
    h.get_by_label("Cancel jump").click();
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.seek.is_none() && !snap.playing, "stopped");
    assert!(
        snap.now_s > 0.0 && snap.now_s < 1_500.0,
        "where it got: {}",
        snap.now_s
    );
    assert!(h.query_by_label("Cancel jump").is_none());
    assert!(h.query_by_label("Go").is_some());
}

/// The Timeline form's value belongs to the setting picked: picking
/// another setting starts its value from that setting's live value, not
/// from the number typed for the previous one.
#[test]
fn the_timeline_form_resets_its_value_when_the_setting_changes() {
    let mut h = harness(scene());
    h.run_steps(5);
    open_timeline(&mut h);
    h.get_by_label("Add event").click();
    h.run_steps(2);
    type_into(&mut h, "value", "9");
    h.key_press(Key::Enter);
    h.run_steps(1);
    // Pick "patience" instead of "connections".
    let combo = h
        .get_all_by_role(Role::ComboBox)
        .find(|n| n.value().as_deref() == Some("connections"))
        .expect("the setting's combo box");
    combo.click();
    h.run_steps(2);
    h.get_all_by_label("patience")
        .last()
        .expect("patience in the list")
        .click();
    h.run_steps(2);
    h.get_by_label("Apply").click();
    h.run_steps(3);
    let live = h
        .state()
        .app
        .host()
        .snapshot()
        .first()
        .live
        .browser
        .patience_s;
    let timeline = edited(&h).settings.timeline;
    assert_eq!(timeline.len(), 1, "{timeline:?}");
    assert_eq!(
        timeline[0].change,
        Change::Set {
            path: "browser.patience_s".into(),
            value: live,
        },
        "the live patience, not the 9 typed for connections"
    );
}
