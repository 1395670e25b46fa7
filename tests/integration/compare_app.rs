//! The compare view through egui_kittest: the twins side by side, each
//! with its own headline and switch, changes for every twin or for one,
//! the difference sentence against the twins' own figures, files, and
//! extreme twins.

use crate::kit::{TestApp, click_at, harness};
use asynclab::app::compare;
use asynclab::host::{Command, Speed, Target};
use asynclab::scenario::{Mode, Scenario, Settings};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// The default scene at 150 actions/s (percentiles in every window),
/// without its script, at 10× so each 50 ms frame is half a second.
fn scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.settings.timeline.clear();
    s.view.speed = asynclab::scenario::StartSpeed::Times(10.0);
    s
}

fn twin_live(h: &Harness<'_, TestApp>, k: usize) -> Settings {
    (*h.state().app.host().snapshot().runs[k].live).clone()
}

fn labels(h: &Harness<'_, TestApp>, part: &str) -> Vec<String> {
    h.get_all_by_label_contains(part)
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect()
}

/// Opens the compare view with its key and lets the twins run `frames`.
fn comparing(frames: usize) -> Harness<'static, TestApp> {
    let mut h = harness(scene());
    h.run_steps(2);
    assert!(!h.state().app.host().snapshot().compare);
    h.key_press(egui::Key::C);
    h.run_steps(frames);
    h
}

#[test]
fn c_opens_the_twins_side_by_side_each_with_its_headline() {
    let mut h = comparing(40);
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.compare);
    let names: Vec<&str> = snap.runs.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["sync", "async"],
        "a scene without variants: all sync vs all async"
    );
    h.get_by_label("twin sync: SYNC");
    h.get_by_label("twin async: ASYNC");
    // One headline per twin, each over the same labelled span.
    assert_eq!(labels(&h, "p95 wait · last 10 s:").len(), 2);
    assert_eq!(labels(&h, "jobs waiting:").len(), 2);
    assert_eq!(labels(&h, "capacity cost:").len(), 2);
    // The plots: one per measure with every twin on it.
    for p in compare::COMPARE_PLOTS {
        h.get_by_label(&format!("compare plot: {} (all)", compare::title(p)));
    }
    // C again: back to one run and its usual plots.
    h.key_press(egui::Key::C);
    h.run_steps(3);
    assert!(!h.state().app.host().snapshot().compare);
    assert!(h.query_by_label("twin sync: SYNC").is_none());
    h.get_by_label("plot: User-perceived wait (s)");
}

#[test]
fn a_twins_own_switch_flips_only_that_twin() {
    let mut h = comparing(6);
    // Comparing, the top bar has no switch of its own: each twin's header
    // has SYNC and ASYNC, the first twin's first.
    let async_buttons = h.get_all_by_role_and_label(Role::Button, "ASYNC").count();
    assert_eq!(async_buttons, 2);
    h.get_all_by_role_and_label(Role::Button, "ASYNC")
        .next()
        .expect("the sync twin's ASYNC")
        .click();
    h.run_steps(3);
    assert_eq!(twin_live(&h, 0).endpoints[0].mode, Mode::Async);
    assert_eq!(twin_live(&h, 1).endpoints[0].mode, Mode::Async);
    h.get_by_label("twin sync: ASYNC");
    h.get_all_by_role_and_label(Role::Button, "SYNC")
        .nth(1)
        .expect("the async twin's SYNC")
        .click();
    h.run_steps(3);
    assert_eq!(twin_live(&h, 0).endpoints[0].mode, Mode::Async);
    assert_eq!(twin_live(&h, 1).endpoints[0].mode, Mode::Sync);
    h.get_by_label("twin async: SYNC");
    // A, the solo run's toggle, would make the twins the same system: it
    // says where the switches are instead.
    h.key_press(egui::Key::A);
    h.run_steps(3);
    assert_eq!(twin_live(&h, 0).endpoints[0].mode, Mode::Async);
    assert_eq!(twin_live(&h, 1).endpoints[0].mode, Mode::Sync);
    h.get_by_label_contains("each twin has its own SYNC | ASYNC switch");
}

/// Types `value` into the knob labelled `label`.
fn set_knob(h: &mut Harness<'_, TestApp>, label: &str, value: f64) {
    h.get_by_role_and_label(Role::SpinButton, label).focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::SpinButton, label)
        .type_text(&format!("{value}"));
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(4);
}

#[test]
fn a_knob_changes_every_twin_or_only_the_chosen_one() {
    let mut h = comparing(4);
    let before = twin_live(&h, 0).database.connections;
    set_knob(&mut h, "connections", (before + 4) as f64);
    assert_eq!(twin_live(&h, 0).database.connections, before + 4);
    assert_eq!(twin_live(&h, 1).database.connections, before + 4);
    h.get_by_label("only async").click();
    h.run_steps(2);
    set_knob(&mut h, "connections", (before + 10) as f64);
    assert_eq!(
        twin_live(&h, 0).database.connections,
        before + 4,
        "left alone"
    );
    assert_eq!(twin_live(&h, 1).database.connections, before + 10);
    // The knob now shows the chosen twin's value.
    let shown = h
        .get_by_role_and_label(Role::SpinButton, "connections")
        .accesskit_node()
        .numeric_value();
    assert_eq!(shown, Some((before + 10) as f64));
    // A traffic change for one twin is stopped in the app, with the reason
    // (the twins share their users) right under the knob: no twin changes.
    set_knob(&mut h, "webshop: rate", 60.0);
    let snap = h.state().app.host().snapshot().clone();
    for t in &snap.runs {
        assert_eq!(t.live.clients[0].rate_per_s, 150.0, "{} changed", t.name);
    }
    let knob = h
        .get_by_role_and_label(Role::SpinButton, "webshop: rate")
        .rect();
    let note = h.get_by_label_contains("twins share their users").rect();
    assert!(
        note.top() >= knob.bottom() - 1.0 && note.top() <= knob.bottom() + 12.0,
        "the explanation {note:?} is right under the knob {knob:?}"
    );
}

#[test]
fn the_difference_sentence_states_the_twins_own_headline_figures() {
    let h = comparing(60);
    let snap = h.state().app.host().snapshot().clone();
    let app = &h.state().app;
    let view = app.compare_view();
    let histories: Vec<_> = (0..2)
        .map(|k| view.history(k).expect("a history per twin").clone())
        .collect();
    let text = compare::difference_text(&snap, &histories);
    assert!(text.starts_with("sync vs async: p95 wait "), "{text}");
    // The sentence on screen is this one.
    let shown = asynclab::app::plain(&text);
    h.get_by_label(&shown);
    // Each twin's headline p95, queue, errors per minute and cost appear in
    // it, in twin order.
    let p95: Vec<String> = labels(&h, "p95 wait · last 10 s:")
        .iter()
        .map(|l| l.rsplit(": ").next().unwrap_or_default().to_string())
        .collect();
    let expected = format!("p95 wait {} vs {}", p95[0], p95[1]);
    assert!(text.contains(&expected), "{text} / {expected}");
    let lasts: Vec<_> = histories
        .iter()
        .map(|h| h.last.clone().expect("a window"))
        .collect();
    // Both twins' figures are read at one instant: the same window.
    assert_eq!(lasts[0].t_s, lasts[1].t_s);
    let twins = &snap.runs;
    let figures: Vec<_> = twins
        .iter()
        .zip(&lasts)
        .map(|(t, w)| compare::live_figures(t, w))
        .collect();
    for (f, w) in figures.iter().zip(&lasts) {
        assert_eq!(f.backlog, w.backlog);
        assert_eq!(f.cost_per_hour, w.cost_per_hour);
        let queued = asynclab::fmt::thousands(f.backlog);
        assert!(text.contains(&queued), "{text} / {queued}");
    }
    assert!(
        text.contains(&format!(
            "cost {}/h vs {}/h",
            asynclab::fmt::dollars(figures[0].cost_per_hour),
            asynclab::fmt::dollars(figures[1].cost_per_hour)
        )),
        "{text}"
    );
    // The default scene's point, on screen: above 100 saves/s the sync twin
    // waits far longer than the async one.
    assert!(
        figures[0].wait_p95_s > 10.0 * figures[1].wait_p95_s,
        "{figures:?}"
    );
}

#[test]
fn a_recording_made_while_comparing_reopens_comparing() {
    let mut h = comparing(10);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::ApplyTo(
            asynclab::scenario::Change::Set {
                path: "database.connections".into(),
                value: 9.0,
            },
            Target::Twin(1),
        )));
    h.run_steps(10);
    let dir = std::env::temp_dir().join(format!("asynclab-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("recording.ron");
    h.state_mut().app.save_recording_to(&path);
    let text = std::fs::read_to_string(&path).expect("written");
    let saved = Scenario::from_ron(&text, "recording.ron").expect("valid");
    assert!(saved.view.compare, "{text}");
    assert_eq!(saved.variants.len(), 2);
    let mut h2 = harness(scene());
    h2.run_steps(2);
    h2.state_mut().app.open_path(&path);
    h2.run_steps(30);
    let snap = h2.state().app.host().snapshot().clone();
    assert!(snap.compare, "the recording opens comparing");
    assert_eq!(snap.runs[1].live.database.connections, 9);
    assert_eq!(snap.runs[0].live.database.connections, 5);
    h2.get_by_label("twin sync: SYNC");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn four_twins_and_one_without_a_database_render_at_any_scale() {
    let mut s = scene();
    s.variants = vec![
        asynclab::scenario::Variant::new("FIFO", vec![]),
        asynclab::scenario::Variant::new(
            "no database",
            vec![asynclab::scenario::Change::Set {
                path: "database.connections".into(),
                value: 0.0,
            }],
        ),
        asynclab::scenario::Variant::new(
            "async",
            vec![asynclab::scenario::Change::SetMode {
                endpoint: None,
                mode: Mode::Async,
            }],
        ),
        asynclab::scenario::Variant::new(
            "async, 20 connections",
            vec![
                asynclab::scenario::Change::SetMode {
                    endpoint: None,
                    mode: Mode::Async,
                },
                asynclab::scenario::Change::Set {
                    path: "database.connections".into(),
                    value: 20.0,
                },
            ],
        ),
    ];
    let mut h = harness(s);
    h.run_steps(2);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::SetSpeed(
            Speed::Times(100.0),
        )));
    h.key_press(egui::Key::C);
    h.run_steps(20);
    assert_eq!(h.state().app.host().snapshot().runs.len(), 4);
    h.get_by_label("twin no database: SYNC");
    // More than two twins: one sentence per twin against the first.
    let snap = h.state().app.host().snapshot().clone();
    let histories: Vec<_> = (0..4)
        .filter_map(|k| h.state().app.compare_view().history(k).cloned())
        .collect();
    let text = compare::difference_text(&snap, &histories);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.starts_with("FIFO vs no database: "), "{text}");
    for scale in [1.5, 2.5] {
        h.state_mut()
            .app
            .apply(asynclab::app::AppAction::SetUiScale(scale));
        h.state_mut()
            .app
            .apply(asynclab::app::AppAction::SetCompareLayout(
                compare::PlotLayout::Split,
            ));
        h.run_steps(3);
        h.state_mut()
            .app
            .apply(asynclab::app::AppAction::SetPresentation(true));
        h.run_steps(3);
    }
}

/// The compare view's wait plot shows every twin's traced actions as dots
/// (the same user once per twin, one dot per pixel); a click on one opens
/// the journey on that user, which draws it in every twin. A click away
/// from the dots opens nothing.
#[test]
fn a_traced_dot_on_the_compare_wait_plot_opens_its_journey() {
    let mut h = comparing(80);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(3);
    let (done0, done1) = {
        let snap = h.state().app.host().snapshot();
        let done = |k: usize| snap.runs[k].traces.iter().filter(|t| t.user_done).count();
        (done(0), done(1))
    };
    assert!(done0 >= 5 && done1 >= 5, "{done0} and {done1} traced users");
    let dots = h.state().app.traced_dots().to_vec();
    // A dot per traced user per twin, less those sharing a pixel.
    assert!(dots.len() <= done0 + done1 && dots.len() * 2 >= done0 + done1);
    let seqs: std::collections::HashSet<u64> = dots.iter().map(|d| d.0).collect();
    let in_twin = |k: usize| {
        let snap = h.state().app.host().snapshot();
        snap.runs[k]
            .traces
            .iter()
            .any(|t| seqs.contains(&t.seq) && t.user_done)
    };
    assert!(in_twin(0) && in_twin(1), "both twins' users are dots");
    let plot = h
        .get_by_label(&format!(
            "compare plot: {} (all)",
            compare::title(asynclab::chart::PlotName::Wait)
        ))
        .rect();
    assert!(dots.iter().all(|(_, at)| plot.contains(*at)));
    assert!(!h.state().app.journey().open);
    // Away from every dot: nothing opens.
    let far = egui::pos2(plot.right() - 10.0, plot.top() + 10.0);
    assert!(dots.iter().all(|(_, p)| p.distance(far) > 20.0), "{far:?}");
    click_at(&mut h, far);
    assert!(!h.state().app.journey().open);
    // A couple of points off a dot: its journey.
    let (_, at) = dots[dots.len() / 2];
    let near = at + egui::vec2(1.5, -1.0);
    click_at(&mut h, near);
    assert!(h.state().app.journey().open, "the click opened the journey");
    let picked = h.state().app.journey().picked();
    // Dots of the same user in two twins may sit together: the nearest wins.
    let nearest = dots
        .iter()
        .min_by(|a, b| a.1.distance(near).total_cmp(&b.1.distance(near)))
        .map(|d| d.0);
    assert_eq!(picked, nearest);
    assert!(h.state().app.journey().drawn() > 0);
}

/// On demand (and by itself at the scene's end) compare tells each twin's
/// run so far: its worst minute, every error its users saw, its peak
/// backlog, its cost and revenue, counted from its own windows.
#[test]
fn the_run_story_tells_each_twins_worst_minute_and_totals() {
    let mut h = comparing(80);
    assert!(
        h.query_by_label_contains("errors users saw in all")
            .is_none()
    );
    h.get_by_label("Run story").click();
    h.run_steps(2);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    let view = h.state().app.compare_view();
    let histories: Vec<_> = (0..2)
        .map(|k| view.history(k).expect("a history per twin").clone())
        .collect();
    let lines = compare::story_lines(&snap, &histories);
    for (line, t) in lines.iter().zip(&snap.runs) {
        h.get_by_label(line);
        let errors = t.totals.errors.total() - t.totals.errors.sim_limit;
        assert!(
            line.starts_with(&format!("{}: ", t.name))
                && line.contains(&format!(
                    "; {} errors users saw in all; ",
                    asynclab::fmt::thousands(errors)
                ))
                && line.contains(&format!(
                    "; cost {};",
                    asynclab::fmt::dollars(t.gauges.cost_so_far)
                )),
            "{line}"
        );
    }
    // The sync twin's worst minute has errors; the async one has none.
    assert!(lines[0].starts_with("sync: worst minute "), "{}", lines[0]);
    assert!(
        lines[1].starts_with("async: no errors; slowest minute "),
        "{}",
        lines[1]
    );
}
