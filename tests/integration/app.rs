//! The app without a display: a fake clock drives the host, egui_kittest
//! drives the UI.

use crate::kit::{TestApp, harness};
use asynclab::app::{AppAction, diagram, history::History, plots};
use asynclab::host::{Command, Speed};
use asynclab::scenario::{Change, Mode, Scenario, Settings};
use asynclab::sim::{Gauges, System, Window};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A small, busy scene: enough traffic for percentiles in every window.
fn scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.settings.timeline.clear();
    // The tests count frames at 1×, whatever speed the scene opens at.
    s.view.speed = asynclab::scenario::StartSpeed::Times(1.0);
    s
}

// ----- the app through egui_kittest -------------------------------------------

/// Runs frames until a scene file being read in the background has loaded
/// (at most 10 s), then a few more so the new run shows.
fn settle(h: &mut Harness<'_, TestApp>) {
    let started = std::time::Instant::now();
    h.run_steps(1);
    while h.state().app.loading() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(5));
        h.run_steps(1);
    }
    h.run_steps(3);
}

fn live(h: &Harness<'_, TestApp>) -> Settings {
    (*h.state().app.host().snapshot().first().live).clone()
}

fn now_s(h: &Harness<'_, TestApp>) -> f64 {
    h.state().app.host().snapshot().now_s
}

#[test]
fn flipping_the_switch_changes_the_simulated_mode() {
    let mut h = harness(scene());
    h.run_steps(3);
    assert_eq!(live(&h).endpoints[0].mode, Mode::Sync);
    h.get_by_label("ASYNC").click();
    h.run_steps(3);
    assert_eq!(live(&h).endpoints[0].mode, Mode::Async);
    h.get_by_label("SYNC").click();
    h.run_steps(3);
    assert_eq!(live(&h).endpoints[0].mode, Mode::Sync);
}

#[test]
fn moving_a_knob_changes_the_model() {
    let mut h = harness(scene());
    h.run_steps(3);
    let before = live(&h).database.connections;
    let knob = h.get_by_role_and_label(Role::SpinButton, "connections");
    knob.focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::SpinButton, "connections")
        .type_text(&format!("{}", before + 4));
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(4);
    assert_eq!(live(&h).database.connections, before + 4);
    // The System itself uses it: its gauges report the new connection count.
    assert_eq!(
        h.state()
            .app
            .host()
            .snapshot()
            .first()
            .gauges
            .db_connections,
        before + 4
    );
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("asynclab-app-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn a_broken_file_shows_the_error_and_the_scene_keeps_running() {
    let dir = temp_dir("broken");
    let bad = dir.join("broken.ron");
    std::fs::write(
        &bad,
        "(\n  version: 1,\n  title: \"x\",\n  clients: [ (name: 3) ],\n)\n",
    )
    .expect("write");
    let mut h = harness(scene());
    h.run_steps(5);
    let title = h.state().app.host().snapshot().edited.title.clone();
    let t0 = now_s(&h);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(bad.clone())));
    // Files are read in the background: frames go on until it is done.
    let started = std::time::Instant::now();
    h.run_steps(2);
    while h.state().app.loading() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(5));
        h.run_steps(1);
    }
    h.run_steps(1);
    let err = h.state().app.error().expect("an error dialog").to_string();
    assert!(
        err.contains("broken.ron:4:"),
        "error names file and line: {err}"
    );
    h.get_by_label_contains("Could not open the scene");
    h.run_steps(5);
    assert!(now_s(&h) > t0, "the scene keeps running");
    assert_eq!(h.state().app.host().snapshot().edited.title.clone(), title);
    // An invalid value names its field.
    let invalid = dir.join("invalid.ron");
    std::fs::write(&invalid, "(version: 1, clients: [(rate_per_s: -5.0)])").expect("write");
    h.state_mut().app.open_path(&invalid);
    h.run_steps(1);
    let err = h.state().app.error().expect("an error dialog").to_string();
    assert!(err.contains("clients[0].rate_per_s"), "{err}");
}

#[test]
fn save_then_reopen_round_trips_live_tweaks() {
    let dir = temp_dir("save");
    let path = dir.join("saved.ron");
    let mut h = harness(scene());
    h.run_steps(3);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Apply(
            Change::Set {
                path: "clients[0].rate_per_s".into(),
                value: 42.0,
            },
        )));
    h.get_by_label("ASYNC").click();
    h.run_steps(3);
    assert!(h.state().app.host().snapshot().dirty);
    h.state_mut().app.save_to(&path);
    h.run_steps(2);
    // The rate and the mode changed under the scene's texts: Save asks.
    h.get_by_label("Save with the texts").click();
    h.run_steps(2);
    assert!(
        !h.state().app.host().snapshot().dirty,
        "saved clears the marker"
    );
    let saved = Scenario::load(&path).expect("saved file loads");
    assert_eq!(saved.settings.clients[0].rate_per_s, 42.0);
    assert_eq!(saved.settings.endpoints[0].mode, Mode::Async);
    assert_eq!(
        saved.settings.timeline,
        scene().settings.timeline,
        "the file's timeline stays"
    );
    h.state_mut().app.open_path(&path);
    h.run_steps(3);
    let l = live(&h);
    assert_eq!(l, saved.settings);
    assert!(now_s(&h) < 1.0, "reopening starts the scene over");
}

#[test]
fn keyboard_shortcuts_work() {
    let mut h = harness(scene());
    h.run_steps(3);
    assert!(h.state().app.host().snapshot().playing);
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(!h.state().app.host().snapshot().playing);
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(h.state().app.host().snapshot().playing);
    h.key_press(egui::Key::A);
    h.run_steps(2);
    assert_eq!(live(&h).endpoints[0].mode, Mode::Async);
    h.key_press(egui::Key::Plus);
    h.run_steps(2);
    assert_eq!(h.state().app.host().snapshot().speed, Speed::Times(2.0));
    h.key_press(egui::Key::Minus);
    h.key_press(egui::Key::Minus);
    h.run_steps(2);
    assert_eq!(h.state().app.host().snapshot().speed, Speed::Times(0.5));
    h.run_steps(20);
    assert!(now_s(&h) > 0.2);
    h.key_press(egui::Key::R);
    h.run_steps(1);
    assert!(now_s(&h) < 0.2, "R restarts from zero");
    assert_eq!(
        live(&h).endpoints[0].mode,
        Mode::Sync,
        "restart starts in the scene's own mode"
    );
}

fn playing(h: &Harness<'_, TestApp>) -> bool {
    h.state().app.host().snapshot().playing
}

/// Buttons, menus and keys all act through the app's one `apply`: clicks
/// on the transport and the queue's policies reach the host, keys and
/// clicks mix, the menus open files, change the view and open help.
#[test]
fn buttons_menus_and_keys_all_act() {
    use asynclab::scenario::{RetryPolicy, Scheduling};
    let dir = temp_dir("actions");
    let path = dir.join("actions.ron");
    let mut h = harness(scene());
    h.run_steps(3);
    assert!(playing(&h));
    h.get_by_label("Pause").click();
    h.run_steps(2);
    assert!(!playing(&h), "Pause pauses");
    h.get_by_label("Play").click();
    h.run_steps(2);
    assert!(playing(&h), "Play plays");
    h.get_by_label("step event").click();
    h.run_steps(2);
    assert!(!playing(&h), "a step pauses");
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(playing(&h), "Space after a button");

    h.get_by_label("fair").click();
    h.get_by_label("exp + jitter").click();
    h.run_steps(2);
    assert_eq!(live(&h).queue.scheduling, Scheduling::Fair);
    assert_eq!(live(&h).queue.retry, RetryPolicy::ExponentialJitter);
    h.get_by_label("outage: fail").click();
    h.run_steps(2);
    assert!(
        h.state()
            .app
            .host()
            .snapshot()
            .first()
            .gauges
            .outage
            .is_some()
    );
    h.get_by_label("end outage").click();
    h.run_steps(2);
    assert!(
        h.state()
            .app
            .host()
            .snapshot()
            .first()
            .gauges
            .outage
            .is_none()
    );

    h.key_press(egui::Key::A);
    h.run_steps(2);
    assert_eq!(live(&h).endpoints[0].mode, Mode::Async);
    h.get_by_label("SYNC").click();
    h.run_steps(2);
    assert_eq!(live(&h).endpoints[0].mode, Mode::Sync);

    // File ▸ Open recent reopens a saved scene from time zero.
    h.state_mut().app.save_to(&path);
    h.run_steps(4);
    // The modes changed under the scene's texts: Save asks.
    h.get_by_label("Save with the texts").click();
    h.run_steps(16);
    assert!(!h.state().app.host().snapshot().dirty, "saved");
    assert!(now_s(&h) > 0.5);
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Open recent").hover();
    h.run_steps(2);
    h.get_by_label(&path.display().to_string()).click();
    settle(&mut h);
    assert!(now_s(&h) < 0.5, "the recent file opened");
    assert_eq!(h.state().app.path(), Some(path.as_path()));

    // View ▸ Presentation mode hides the controls; Help opens its window.
    assert!(h.query_by_label("Controls").is_some());
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label(
        &asynclab::app::commands::UiCommand::Presentation
            .menu_text(egui::os::OperatingSystem::from_target_os(), None),
    )
    .click();
    h.run_steps(3);
    assert!(h.state().app.prefs().presentation);
    assert!(h.query_by_label("Controls").is_none(), "controls hidden");
    h.get_by_label("Help").click();
    h.run_steps(2);
    h.get_by_label("Keyboard & about").click();
    h.run_steps(3);
    assert!(h.state().app.help_open());
    assert!(h.query_by_label("Reading the screen").is_some());

    // Code can ask for the same actions.
    h.state_mut().app.apply(AppAction::Host(Command::Pause));
    h.run_steps(2);
    assert!(!playing(&h));
}

#[test]
fn shortcuts_do_not_fire_while_typing() {
    let mut h = harness(scene());
    h.run_steps(3);
    h.get_by_role_and_label(Role::SpinButton, "connections")
        .focus();
    h.run_steps(2);
    h.key_press(egui::Key::A);
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert_eq!(live(&h).endpoints[0].mode, Mode::Sync);
    assert!(h.state().app.host().snapshot().playing);
}

#[test]
fn app_renders_empty_and_extreme_runs() {
    // Empty run: nothing has happened yet, and the figures say so rather
    // than show a number no window measured.
    let mut h = harness(scene());
    h.run_steps(1);
    assert!(
        h.query_by_label_contains("p95 wait · last 10 s: —")
            .is_some(),
        "no p95 before any outcome"
    );
    no_nan_or_inf(&h);
    // Extreme scene: a million requests per second into minimal capacity.
    let mut s = scene();
    s.settings.clients[0].rate_per_s = 1e6;
    s.settings.server.instances = 1;
    s.settings.server.workers_per_instance = 1;
    s.settings.server.backlog_per_instance = 0;
    s.settings.database.connections = 1;
    s.settings.queue.workers = 1;
    s.settings.queue.capacity = 10;
    let mut h = harness(s);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::SetSpeed(
            Speed::Times(0.25),
        )));
    h.run_steps(10);
    assert!(h.state().app.frames() >= 10);
    // Overloaded at once: the errors show, and every number is a number.
    let errors = h.get_by_label_contains("errors · last 10 s: ");
    let errors = errors.accesskit_node().label().unwrap_or_default();
    assert!(!errors.contains(": 0.0%"), "{errors}");
    no_nan_or_inf(&h);
}

/// No text the app shows (its accessible labels) reads NaN or inf.
fn no_nan_or_inf(h: &Harness<'_, TestApp>) {
    for n in h.root().query_all(by()) {
        let label = n.accesskit_node().label().unwrap_or_default();
        assert!(
            !label.contains("NaN") && !label.contains("inf"),
            "a number that is not one: {label}"
        );
    }
}

fn extreme_window(t_s: f64) -> Window {
    let mut w = System::new(scene()).totals();
    w.t_s = t_s;
    w.clicks = 1_000_000;
    w.commits = 0;
    w.errors = asynclab::sim::metrics::ByReason {
        timeout: 1_000_000,
        server_busy: 5,
        queue_full: 0,
        db_error: u64::MAX / 4,
        sim_limit: 7,
        ..Default::default()
    };
    w.backlog = 10_000_000;
    w.backlog_by_client = vec![10_000_000];
    w.wait.p95 = f64::NAN;
    w.wait.p99 = 1e9;
    w.util_db = 1.0;
    w.util_server = 0.0;
    w
}

#[test]
fn diagram_and_plots_survive_extreme_values() {
    let mut history = History::default();
    for i in 0..50 {
        history.push(&extreme_window(i as f64), 1.0);
    }
    let empty = History::default();
    let gauges = Gauges {
        queue_len: 10_000_000,
        queue_by_client: vec![10_000_000],
        server_workers: 0,
        db_connections: 0,
        workers: 0,
        modes: vec![Mode::Async, Mode::Sync],
        ..Gauges::default()
    };
    let zero = Gauges::default();
    let markers = vec![asynclab::sim::Marker {
        mode: None,
        t_s: 10.0,
        change: Change::SetMode {
            endpoint: None,
            mode: Mode::Async,
        },
        held: false,
        skipped: false,
    }];
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui(|ui| {
            for (i, (g, hist)) in [(&gauges, &history), (&zero, &empty)]
                .into_iter()
                .enumerate()
            {
                ui.push_id(i, |ui| {
                    diagram::show(
                        ui,
                        &diagram::DiagramInput {
                            gauges: g,
                            last: hist.last.as_ref(),
                            busy: None,
                            clients: vec!["acme".into()],
                            window_s: 1.0,
                            anim_s: 3.0,
                            flashes: &[],
                            height: 150.0,
                        },
                    );
                    plots::show(
                        ui,
                        hist,
                        &plots::PlotContext {
                            markers: &markers,
                            settings: &Settings::default(),
                            sla_wait_s: 1.0,
                            x_range: (-10.0, 60.0),
                            height: 60.0,
                            min_frame_h: plots::MIN_FRAME_H,
                            traces: &[],
                            cues: &[],
                        },
                        &asynclab::chart::ALL,
                    );
                });
            }
        });
    h.run_steps(3);
    // Every plot drawn for both histories, each with a frame to read.
    let frames: Vec<egui::Rect> = h
        .root()
        .query_all(by().label_contains("plot: "))
        .map(|n| n.rect())
        .collect();
    assert_eq!(frames.len(), 2 * asynclab::chart::ALL.len());
    assert!(
        frames
            .iter()
            .all(|r| r.height() >= 60.0 && r.width() > 100.0),
        "{frames:?}"
    );
    // The diagram writes the ten-million queue as a number, not NaN.
    for n in h.root().query_all(by()) {
        let label = n.accesskit_node().label().unwrap_or_default();
        assert!(!label.contains("NaN") && !label.contains("inf"), "{label}");
    }
}

#[test]
fn history_memory_is_bounded() {
    let mut history = History::default();
    let mut w = extreme_window(0.0);
    for i in 0..100_000 {
        w.t_s = i as f64;
        history.push(&w, 1.0);
    }
    assert!(history.rows.len() <= asynclab::app::history::MAX_ROWS);
    assert!(history.rows.windows(2).all(|w| w[0].t_s < w[1].t_s));
    assert_eq!(history.rows.last().map(|r| r.t_s), Some(99_999.0));
}

#[test]
fn shortcuts_still_work_after_clicking_a_button() {
    let mut h = harness(scene());
    h.run_steps(3);
    h.get_by_label("ASYNC").click();
    h.run_steps(3);
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(
        !h.state().app.host().snapshot().playing,
        "Space after a click"
    );
}

#[test]
fn the_lesson_and_watch_texts_show_when_a_scene_opens_until_dismissed() {
    let s = scene();
    let lesson = asynclab::app::plain(&s.lesson);
    let watch = asynclab::app::plain(&s.watch);
    let mut h = harness(s);
    h.run_steps(2);
    assert!(h.query_by_label(&lesson).is_some(), "lesson shown");
    assert!(h.query_by_label(&watch).is_some(), "watch shown");
    h.get_by_label("Got it").click();
    h.run_steps(2);
    assert!(h.query_by_label(&lesson).is_none(), "lesson dismissed");
}

#[test]
fn one_isolated_spike_does_not_flatten_a_plot_but_a_live_rise_does_count() {
    // 300 windows around 100/s with one window at 1,500/s (the answers
    // released at a switch): the spike is clipped and reported.
    let mut v = vec![100.0; 300];
    v[100] = 1500.0;
    let (top, clipped) = plots::y_top(&[v.clone()]);
    assert!(top < 200.0, "top {top}");
    assert_eq!(clipped, Some(1500.0));
    // The same value at the live edge is news, not a spike: shown in full.
    let mut live = vec![100.0; 300];
    live[298] = 1500.0;
    assert_eq!(plots::y_top(&[live]), (1500.0, None));
    // A sustained rise (a burst) is never clipped.
    let mut burst = vec![10.0; 300];
    for x in &mut burst[100..160] {
        *x = 200.0;
    }
    assert_eq!(plots::y_top(&[burst]), (200.0, None));
    // Gaps (NaN) and empty series are ignored.
    assert_eq!(plots::y_top(&[vec![f64::NAN; 5], vec![]]), (0.0, None));
}

#[test]
fn marker_texts_use_the_panel_words() {
    use asynclab::scenario::{OutageKind, RetryPolicy, Scheduling};
    let mut sys = System::new(scene());
    for c in [
        Change::OutageStart(OutageKind::FailFast),
        Change::SetRetry(RetryPolicy::Fixed { delay_s: 1.0 }),
        Change::SetScheduling(Scheduling::Fair),
    ] {
        sys.apply(c).expect("valid change");
    }
    let texts: Vec<String> = sys
        .markers()
        .iter()
        .map(|m| asynclab::words::change(&m.change, sys.settings()))
        .collect();
    assert_eq!(
        texts,
        [
            "DB outage: writes fail",
            "retry: fixed 1 s",
            "scheduling: fair"
        ]
    );
    assert_eq!(asynclab::app::plain("save → ASYNC"), "save -> ASYNC");
}

#[test]
fn the_app_opens_a_fifo_in_the_background_and_keeps_drawing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("blocked.ron");
    super::files::mkfifo(&fifo);
    let mut h = harness(scene());
    h.state_mut().app.apply(AppAction::Open(fifo));
    let before = h.state().app.frames();
    let started = std::time::Instant::now();
    while h.state().app.error().is_none() && started.elapsed() < Duration::from_secs(10) {
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(5));
    }
    let error = h
        .state()
        .app
        .error()
        .expect("the FIFO is refused")
        .to_string();
    assert!(error.contains("not a regular file"), "{error}");
    assert!(h.state().app.frames() > before, "frames kept running");
    assert!(!h.state().app.loading());
}

/// Every plot and headline figure at `scale` in a `w`×`h` window: their
/// rectangles (in points).
fn layout_at(
    scale: f32,
    size: [f32; 2],
    presentation: bool,
) -> (Vec<(String, egui::Rect)>, egui::Rect) {
    let mut h = crate::kit::harness_sized(scene(), size);
    h.state_mut().app.apply(AppAction::SetUiScale(scale));
    if presentation {
        h.state_mut().app.apply(AppAction::SetPresentation(true));
    }
    h.run_steps(30);
    let screen = h.ctx.content_rect();
    let mut found = Vec::new();
    for node in h
        .root()
        .query_all(egui_kittest::kittest::by().label_contains(": "))
    {
        use egui_kittest::kittest::NodeT;
        let label = node.accesskit_node().label().unwrap_or_default();
        if label.starts_with("plot: ") || HEADLINE_NAMES.iter().any(|n| label.starts_with(n)) {
            found.push((label, node.rect()));
        }
    }
    (found, screen)
}

const HEADLINE_NAMES: [&str; 5] = [
    "p95 wait",
    "answered within",
    "errors ·",
    "jobs waiting",
    "capacity cost",
];

#[test]
fn every_plot_and_figure_is_reachable_at_any_scale_and_window() {
    for presentation in [false, true] {
        for size in [[1280.0, 720.0], [1600.0, 1000.0], [3840.0, 2160.0]] {
            for scale in [1.0, 1.5, 2.0, 2.5] {
                let (found, screen) = layout_at(scale, size, presentation);
                let at = format!("{scale}× in {size:?}, presentation {presentation}");
                let plots: Vec<_> = found
                    .iter()
                    .filter(|(l, _)| l.starts_with("plot: "))
                    .collect();
                let want = if presentation { 4 } else { 6 };
                assert_eq!(plots.len(), want, "{at}: {found:#?}");
                let figures: Vec<_> = found
                    .iter()
                    .filter(|(l, _)| !l.starts_with("plot: "))
                    .collect();
                assert_eq!(figures.len(), HEADLINE_NAMES.len(), "{at}: {found:#?}");
                for (label, r) in &found {
                    // Never cut off sideways (the area scrolls down only).
                    assert!(
                        r.left() >= screen.left() - 0.5 && r.right() <= screen.right() + 0.5,
                        "{at}: {label} at {r:?} outside {screen:?}"
                    );
                }
                for (label, r) in &plots {
                    assert!(r.height() >= 90.0, "{at}: {label} only {} high", r.height());
                }
                for (i, (a, ra)) in found.iter().enumerate() {
                    for (b, rb) in &found[i + 1..] {
                        let overlap = ra.intersect(*rb);
                        assert!(
                            overlap.width() <= 0.5 || overlap.height() <= 0.5,
                            "{at}: {a} {ra:?} overlaps {b} {rb:?}"
                        );
                    }
                }
            }
        }
    }
}

/// With no desktop file dialog (tests have none, nor has a bare Xvfb), Open,
/// Save As and Save Recording use the built-in browser.
#[test]
fn file_actions_work_without_a_desktop_dialog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("first.ron");
    scene().save(&first).expect("save");
    let mut h = harness(scene());
    h.run_steps(3);
    // Opening a file makes its folder where the browser starts.
    h.state_mut().app.open_path(&first);
    settle(&mut h);
    h.state_mut().app.apply(AppAction::SaveAs);
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("Save the scene as").is_some(),
        "the browser opened"
    );
    let name = h
        .get_all_by_role(Role::TextInput)
        .last()
        .expect("file name field");
    name.focus();
    h.run_steps(1);
    // Replace the offered name.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    let name = h
        .get_all_by_role(Role::TextInput)
        .last()
        .expect("file name field");
    name.type_text("talk");
    h.run_steps(2);
    h.get_by_label("Save here").click();
    h.run_steps(3);
    let saved = dir.path().join("talk.ron");
    let listing: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        Scenario::load(&saved).is_ok(),
        "saved through the browser: {:?} in {listing:?}; error {:?}",
        saved,
        h.state().app.error()
    );
    assert_eq!(h.state().app.path(), Some(saved.as_path()));
    // Open: the browser lists scene files; Escape closes it.
    h.state_mut().app.apply(AppAction::PickOpen);
    h.run_steps(3);
    assert!(h.query_by_label_contains("Open a scene").is_some());
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("Open a scene").is_none(),
        "closed"
    );
}

/// The label of the headline figure whose name starts with `name`.
fn figure(h: &Harness<'_, TestApp>, name: &str) -> String {
    use egui_kittest::kittest::NodeT;
    h.get_by_label_contains(name)
        .accesskit_node()
        .label()
        .unwrap_or_default()
}

/// The headline says which span it covers, and the SLA and error shares
/// are over the same span as the p95 (a scene whose every answer is an
/// error shows the errors, never a good-looking p95).
#[test]
fn the_headline_labels_its_span_and_never_contradicts_itself() {
    let mut s = scene();
    s.settings.database.connections = 0; // every write waits for ever
    s.settings.browser.patience_s = 1.0;
    s.settings.browser.retry_probability = 0.0;
    let mut h = harness(s);
    h.run_steps(120); // 6 s of sim time at 1×
    let p95 = figure(&h, "p95 wait · last 10 s");
    let sla = figure(&h, "answered within 1 s · last 10 s");
    let errors = figure(&h, "errors · last 10 s");
    assert!(sla.ends_with(": 0.0%"), "{sla}");
    assert!(errors.contains("100.0%"), "{errors}");
    assert!(
        p95.contains("1.00 s"),
        "timeouts at the 1 s patience: {p95}"
    );
    assert!(
        figure(&h, "capacity cost").contains("/h ·"),
        "cost per hour with its total"
    );
}

/// Both ledgers show, and the gap between them is said in words: jobs
/// acknowledged to users and later dead-lettered.
#[test]
fn both_ledgers_show_and_name_what_was_acknowledged_then_lost() {
    let mut s = scene();
    for e in &mut s.settings.endpoints {
        e.mode = Mode::Async;
    }
    s.settings.database.failure_probability = 1.0;
    s.settings.queue.retry = asynclab::scenario::RetryPolicy::None;
    let mut h = harness(s);
    h.run_steps(60);
    assert!(h.query_by_label_contains("Users saw").is_some());
    assert!(
        h.query_by_label_contains("dead-lettered + ").is_some(),
        "the system's ledger"
    );
    let gap = h
        .query_by_label_contains("acknowledged, then dead-lettered: the users were told it worked")
        .is_some();
    assert!(gap, "the gap is named");
    let help_says_nothing_lost = asynclab::app::help_text().contains("nothing is lost")
        || asynclab::app::help_text().contains("nothing is ever lost");
    assert!(!help_says_nothing_lost, "no text claims nothing is lost");
}

/// Jobs in backoff are as plain as queued ones: on the diagram and in the
/// headline.
#[test]
fn jobs_in_backoff_show_on_the_diagram_and_in_the_headline() {
    let mut s = scene();
    for e in &mut s.settings.endpoints {
        e.mode = Mode::Async;
    }
    s.settings.timeline = vec![asynclab::scenario::TimelineEvent {
        mode: None,
        at_s: 0.5,
        change: Change::OutageStart(asynclab::scenario::OutageKind::FailFast),
    }];
    let mut h = harness(s);
    h.run_steps(80);
    let backoff = h.state().app.host().snapshot().first().gauges.in_backoff;
    assert!(
        backoff > 10,
        "jobs wait out a backoff during the outage: {backoff}"
    );
    let waiting = figure(&h, "jobs waiting");
    assert!(
        waiting.contains("in backoff") && !waiting.contains(" 0 in backoff"),
        "{waiting}"
    );
}

/// Beside a rate knob, the rate it gives now; beside a share, its part of
/// the whole; typed values outside the range are clamped with a note.
#[test]
fn knobs_say_what_they_mean_now_and_what_they_did_with_input() {
    let mut h = harness(scene());
    h.run_steps(5);
    assert!(h.query_by_label_contains("base 150/s × shape").is_some());
    assert!(h.query_by_label_contains("1 of 1 parts").is_some());
    let conns = h.get_by_role_and_label(Role::SpinButton, "connections");
    conns.focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    let conns = h.get_by_role_and_label(Role::SpinButton, "connections");
    conns.type_text("999999");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("is outside 0–100,000: set to 100,000")
            .is_some(),
        "a clamped value says so"
    );
}

/// A scene opens at its own speed and plot span, and pauses at its end
/// with Continue and Restart.
#[test]
fn a_scene_starts_at_its_speed_and_span_and_pauses_at_its_end() {
    let mut s = scene();
    s.duration_s = 3.0;
    s.view.speed = asynclab::scenario::StartSpeed::Times(2.0);
    s.view.span_s = 60.0;
    let mut h = harness(scene());
    h.run_steps(3);
    h.state_mut()
        .app
        .apply(AppAction::Host(Command::SetSpeed(Speed::Max)));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("short.ron");
    s.save(&path).expect("save");
    h.state_mut().app.open_path(&path);
    settle(&mut h);
    assert_eq!(
        h.state().app.host().snapshot().speed,
        Speed::Times(2.0),
        "its own speed, not Max"
    );
    assert_eq!(h.state().app.prefs().span_s, 60.0, "its own span");
    h.run_steps(60); // 3 s of wall time at 2× passes the 3 s end
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.ended && !snap.playing, "paused at its end");
    assert!((snap.now_s - 3.0).abs() < 1e-9, "exactly at {}", snap.now_s);
    assert!(h.query_by_label_contains("The scene ended at").is_some());
    h.get_by_label("Continue").click();
    h.run_steps(5);
    assert!(now_s(&h) > 3.0, "Continue plays on");
}

/// Switching away from a scene with unsaved changes asks first; the last
/// scene opened reopens next time.
#[test]
fn switching_away_asks_first_and_the_last_scene_reopens() {
    let mut h = harness(scene());
    h.run_steps(3);
    h.get_by_label("ASYNC").click();
    h.run_steps(3);
    assert!(h.state().app.host().snapshot().dirty);
    let title = h.state().app.host().snapshot().edited.title.clone();
    h.state_mut()
        .app
        .apply(AppAction::OpenBuiltin("01-hello-sync.ron"));
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("has edits that are not saved")
            .is_some()
    );
    h.get_by_label("Cancel").click();
    h.run_steps(3);
    assert_eq!(
        h.state().app.host().snapshot().edited.title,
        title,
        "cancel keeps the scene"
    );
    h.state_mut()
        .app
        .apply(AppAction::OpenBuiltin("01-hello-sync.ron"));
    h.run_steps(3);
    h.get_by_label("Discard changes").click();
    h.run_steps(3);
    assert_eq!(h.state().app.host().snapshot().edited.title, "Hello, sync");
    let prefs = h.state().app.prefs().clone();
    let reopened = asynclab::app::reopen(&prefs).expect("a last scene");
    let (s, _, _) = asynclab::app::startup_scene(Some(&reopened));
    assert_eq!(s.title, "Hello, sync", "the last scene reopens");
}
