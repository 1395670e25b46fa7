//! The room sees it: presentation mode fits any window at any scale
//! (folding what stands above the plots), nothing moves under the pointer
//! when the scene ends, a caption comes or the strip changes, and the
//! controls panel fits: it scrolls, its clock keeps one line, a refused
//! change is explained under its knob and status notes go.

use crate::kit::{TestApp, harness_sized};
use asynclab::app::AppAction;
use asynclab::scenario::{Change, Scenario, TimelineEvent};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};

/// Windows the room uses, pixels.
const WINDOWS: [[f32; 2]; 3] = [[1280.0, 720.0], [1920.0, 1080.0], [3840.0, 2160.0]];

/// UI scales (pixels per point), 100% to 250%.
const SCALES: [f32; 4] = [1.0, 1.5, 2.0, 2.5];

/// Room below a plot's frame for its time axis labels, points.
const X_AXIS_H: f32 = 18.0;

/// Room left of a plot's frame for its value labels, points.
const Y_AXIS_W: f32 = 40.0;

/// The default scene overloaded (the strip speaks, errors and the
/// ledgers' gap show), at 10×: each 50 ms frame is half a second.
fn busy_scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.view.speed = asynclab::scenario::StartSpeed::Times(10.0);
    s
}

/// Every plot frame on screen (solo or compared), by label.
fn plot_frames(h: &Harness<'_, TestApp>) -> Vec<(String, egui::Rect)> {
    h.root()
        .query_all(by().label_contains("plot: "))
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect()
}

/// The plots whole in `screen`: their frame, the time axis below it and
/// the values left of it.
fn whole(plots: &[(String, egui::Rect)], screen: egui::Rect) -> Vec<String> {
    plots
        .iter()
        .filter(|(_, r)| {
            r.top() >= screen.top() - 0.5
                && r.bottom() + X_AXIS_H <= screen.bottom() + 0.5
                && r.left() - Y_AXIS_W >= screen.left() - 0.5
                && r.right() <= screen.right() + 0.5
                && r.height() >= 60.0
        })
        .map(|(l, _)| l.clone())
        .collect()
}

/// The app on `scene` at `scale` in a window of `pixels`, in presentation
/// mode, solo or compared, after `frames` frames.
fn presenting(
    scene: Scenario,
    pixels: [f32; 2],
    scale: f32,
    compare: bool,
    frames: usize,
) -> Harness<'static, TestApp> {
    let mut h = harness_sized(scene, pixels);
    h.state_mut().app.apply(AppAction::SetUiScale(scale));
    h.state_mut().app.apply(AppAction::SetPresentation(true));
    h.run_steps(2);
    if compare {
        h.key_press(egui::Key::C);
    }
    h.run_steps(frames);
    h
}

#[test]
fn presentation_keeps_two_key_plots_whole_in_every_window_at_every_scale() {
    let mut failures = Vec::new();
    // The default scene solo and compared (two twins), and Black Friday
    // compared: three twins' figures side by side.
    let black_friday = || {
        let (s, _, error) = asynclab::app::startup_scene(Some("04-black-friday.ron".as_ref()));
        assert_eq!(error, None);
        s
    };
    type Case = (&'static str, fn() -> Scenario, bool);
    let cases: [Case; 3] = [
        ("default", busy_scene, false),
        ("default", busy_scene, true),
        ("Black Friday", black_friday, true),
    ];
    for (name, scene, compare) in cases {
        for pixels in WINDOWS {
            for scale in SCALES {
                let h = presenting(scene(), pixels, scale, compare, 40);
                // The window in points is its pixels over the scale in
                // effect: the chosen one, or (1280×720 at 200% and 250%)
                // the largest that leaves the presentation its least room,
                // said in the top bar.
                let screen = h.ctx.content_rect();
                let least = asynclab::app::fit::LEAST_WINDOW;
                let fits = (pixels[0] / least.x).min(pixels[1] / least.y);
                let zoom = scale.min((fits * 100.0).floor() / 100.0);
                assert!(
                    (screen.width() - pixels[0] / zoom).abs() < 1.0,
                    "{pixels:?} at {scale}: {screen:?}, not at {zoom}"
                );
                let plots = plot_frames(&h);
                let ok = whole(&plots, screen);
                if ok.len() < 2 {
                    failures.push(format!(
                        "{name}, compare {compare}, {pixels:?} at {scale}x ({:?} points): whole {ok:?} of {plots:#?}",
                        screen.size()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A window too small for the chosen scale is presented at the largest
/// that fits, and the app says so.
#[test]
fn presenting_in_a_small_window_says_the_scale_it_fits() {
    let mut h = harness_sized(busy_scene(), [1280.0, 720.0]);
    h.state_mut().app.apply(AppAction::SetUiScale(2.5));
    h.state_mut().app.apply(AppAction::SetPresentation(true));
    h.run_steps(4);
    let note = "Presenting at 166% to fit this window (250% chosen)";
    assert!(
        h.query_by_label_contains(note).is_some(),
        "the note says it"
    );
    assert!((h.ctx.zoom_factor() - 1.66).abs() < 1e-4);
    // Out of presentation mode the chosen scale is back.
    h.state_mut().app.apply(AppAction::SetPresentation(false));
    h.run_steps(3);
    assert!((h.ctx.zoom_factor() - 2.5).abs() < 1e-4);
}

/// In a large window nothing folds: the strip says more than its
/// headline and the diagram shows; in a small one at 250% they fold.
#[test]
fn presentation_folds_only_when_the_window_is_too_small() {
    let h = presenting(busy_scene(), [1920.0, 1080.0], 1.0, false, 40);
    assert!(h.query_by_label_contains("Diagram folded").is_none());
    let h = presenting(busy_scene(), [1280.0, 720.0], 2.5, false, 40);
    assert!(
        h.query_by_label_contains("Diagram folded").is_some(),
        "the diagram folds behind its key"
    );
}

/// Where the widgets a pointer aims at are: a knob, and each plot (its
/// title, where the plot's box starts; the frame inside it moves with
/// its own legend and axis labels, which are not the layout's doing).
fn aimed_at(h: &Harness<'_, TestApp>) -> Vec<(String, egui::Rect)> {
    let mut out: Vec<(String, egui::Rect)> = asynclab::chart::ALL
        .iter()
        .map(|n| asynclab::chart::spec(*n).title)
        .filter_map(|t| {
            h.query_all_by_label(t)
                .next()
                .map(|n| (t.to_string(), n.rect()))
        })
        .collect();
    assert!(out.len() >= 4, "{out:#?}");
    let knob = h.get_by_role_and_label(Role::SpinButton, "connections");
    out.push(("connections".into(), knob.rect()));
    out
}

#[test]
fn nothing_moves_when_the_scene_ends_a_caption_comes_or_the_strip_speaks() {
    // A calm run (no worst-so-far or ledger gap joins the headline), a
    // caption at 5 s and the end at 12 s.
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 40.0;
    s.settings.timeline.clear();
    s.settings.timeline.push(TimelineEvent {
        at_s: 5.0,
        change: Change::Caption("Here the story turns".into()),
        mode: None,
    });
    s.duration_s = 12.0;
    // 2×: each 50 ms frame is 0.1 s.
    s.view.speed = asynclab::scenario::StartSpeed::Times(2.0);
    let mut h = harness_sized(s, [1600.0, 1000.0]);
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("waiting for the first window")
            .is_some()
    );
    let before = aimed_at(&h);
    // The strip speaks (several lines), the caption comes.
    h.run_steps(60);
    assert!(h.query_by_label_contains("Bottleneck now").is_some());
    assert!(
        h.query_by_label_contains("caption: Here the story")
            .is_some()
    );
    assert_eq!(
        aimed_at(&h),
        before,
        "the strip or the caption moved things"
    );
    // The scene ends: its banner shares the caption's line.
    h.run_steps(70);
    assert!(h.query_by_label_contains("The scene ended at").is_some());
    h.get_by_label("Continue");
    assert_eq!(aimed_at(&h), before, "the end banner moved things");
    // A status note floats.
    h.state_mut()
        .app
        .apply(AppAction::ShowStatus("saved somewhere".into()));
    h.run_steps(2);
    assert!(h.query_by_label("saved somewhere").is_some());
    assert_eq!(aimed_at(&h), before, "the status note moved things");
}

/// Where the central area starts: the left of the plots' titles, points.
fn title_left(h: &Harness<'_, TestApp>) -> f32 {
    asynclab::chart::ALL
        .iter()
        .map(|n| asynclab::chart::spec(*n).title)
        .filter_map(|t| h.query_all_by_label(t).next().map(|n| n.rect().left()))
        .fold(f32::INFINITY, f32::min)
}

#[test]
fn controls_fit_at_every_scale_and_the_clock_keeps_one_line() {
    for pixels in [[1280.0, 720.0], [1920.0, 1080.0]] {
        for scale in SCALES {
            let at = format!("{pixels:?} at {scale}x");
            let mut h = harness_sized(busy_scene(), pixels);
            h.state_mut().app.apply(AppAction::SetUiScale(scale));
            h.run_steps(6);
            let screen = h.ctx.content_rect();
            // The central area starts where the plots' titles do.
            let plots_left = title_left(&h);
            assert!(plots_left.is_finite(), "{at}: no plot titles");
            let rate = |h: &Harness<'_, TestApp>| {
                h.root()
                    .query_all(by().role(Role::SpinButton).label_contains(": rate"))
                    .next()
                    .expect("the rate knob")
                    .rect()
            };
            let mut plots_left = plots_left;
            if rate(&h).right() > plots_left + 0.5 {
                // Too narrow at this scale: the panel widens when its
                // edge is dragged (and scrolls meanwhile).
                // The panel's edge: its resize handle, the one nearest
                // left of the plots.
                let edge = h
                    .root()
                    .query_all(by().label("Resize panel"))
                    .map(|n| n.rect())
                    .filter(|r| r.center().x < plots_left)
                    .max_by(|a, b| a.center().x.total_cmp(&b.center().x))
                    // Where the handle is on screen (under a top bar
                    // that wraps at this scale, only its top shows).
                    .map(|r| {
                        let y0 = r.top().max(screen.top());
                        let y1 = r.bottom().min(screen.bottom());
                        egui::pos2(r.center().x, (y0 + y1) / 2.0)
                    })
                    .expect("the controls panel's resize handle");
                h.hover_at(edge);
                h.run_steps(1);
                h.drag_at(edge);
                h.run_steps(1);
                h.hover_at(edge + egui::vec2(170.0, 0.0));
                h.run_steps(1);
                h.drop_at(edge + egui::vec2(170.0, 0.0));
                h.run_steps(3);
                plots_left = title_left(&h);
            }
            let rate = rate(&h);
            assert!(
                rate.left() >= screen.left() && rate.right() <= plots_left + 0.5,
                "{at}: the rate field {rate:?} is cut (plots from {plots_left})"
            );
            for name in ["priority", "exp + jitter"] {
                let r = h.get_by_label(name).rect();
                assert!(
                    r.right() <= plots_left + 0.5,
                    "{at}: {name} at {r:?} is cut (plots from {plots_left})"
                );
            }
            let clock = h.get_by_label_contains("t = ").rect();
            assert!(clock.height() < 26.0, "{at}: the clock wraps: {clock:?}");
        }
    }
}

#[test]
fn a_refused_change_is_explained_under_its_knob() {
    let mut s = asynclab::app::default_scene();
    s.view.speed = asynclab::scenario::StartSpeed::Times(1.0);
    let mut h = harness_sized(s, [1600.0, 1000.0]);
    h.run_steps(2);
    h.key_press(egui::Key::C);
    h.run_steps(4);
    h.get_by_label("only sync").click();
    h.run_steps(2);
    let rate_before = h.state().app.host().snapshot().runs[0].live.clients[0].rate_per_s;
    let field = h
        .root()
        .query_all(by().role(Role::SpinButton).label_contains(": rate"))
        .next()
        .expect("the rate knob");
    field.focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    let field = h
        .root()
        .query_all(by().role(Role::SpinButton).label_contains(": rate"))
        .next()
        .expect("the rate knob");
    field.type_text("7");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    for t in &snap.runs {
        assert_eq!(t.live.clients[0].rate_per_s, rate_before, "not changed");
    }
    let knob = h
        .root()
        .query_all(by().role(Role::SpinButton).label_contains(": rate"))
        .next()
        .expect("the rate knob")
        .rect();
    let note = h.get_by_label_contains("twins share their users").rect();
    assert!(
        note.top() >= knob.bottom() - 1.0 && note.top() <= knob.bottom() + 12.0,
        "the explanation {note:?} is right under the knob {knob:?}"
    );
    assert!(
        note.left() < knob.right() && note.right() > knob.left(),
        "the explanation {note:?} is beside the knob {knob:?}"
    );
}

#[test]
fn status_notes_go_after_a_while_and_with_their_scene() {
    let mut h = harness_sized(busy_scene(), [1600.0, 1000.0]);
    h.state_mut()
        .app
        .apply(AppAction::ShowStatus("exported somewhere".into()));
    h.run_steps(2);
    assert!(h.query_by_label("exported somewhere").is_some());
    // 0.25 s of input time per frame: 12 s.
    h.run_steps(48);
    assert!(h.query_by_label("exported somewhere").is_none(), "it went");
    h.state_mut()
        .app
        .apply(AppAction::ShowStatus("about this scene".into()));
    h.run_steps(2);
    assert!(h.query_by_label("about this scene").is_some());
    h.state_mut()
        .app
        .apply(AppAction::OpenBuiltin("06-flaky-database.ron"));
    h.run_steps(3);
    assert!(
        h.query_by_label("about this scene").is_none(),
        "a note about the last scene does not outlive it"
    );
}

/// Prints what presentation mode shows in one window (`ROOM_FIT="1 1280
/// 720 2.5"`: compare, pixels, scale): for tuning, not a check.
#[test]
#[ignore]
fn probe_presentation_layout() {
    let spec = std::env::var("ROOM_FIT").unwrap_or("0 1280 720 2.5".into());
    let v: Vec<f32> = spec.split(' ').filter_map(|x| x.parse().ok()).collect();
    let h = presenting(busy_scene(), [v[1], v[2]], v[3], v[0] > 0.0, 40);
    for n in h.root().query_all(by()) {
        let label = n.accesskit_node().label().unwrap_or_default();
        let label = format!("{:?} {label}", n.accesskit_node().role());
        if let Some(b) = n.accesskit_node().bounding_box() {
            let r = egui::Rect::from_min_max(
                egui::pos2(b.x0 as f32, b.y0 as f32),
                egui::pos2(b.x1 as f32, b.y1 as f32),
            );
            eprintln!(
                "{:>6.1} {:>6.1} {:>6.1} {:>6.1}  {label:.70}",
                r.left(),
                r.top(),
                r.right(),
                r.bottom()
            );
        }
    }
}

/// As a presenter does it: solo at 100%, P, C, then 250% (`ROOM_SEQ=1`
/// prints what shows): for tuning, not a check.
#[test]
#[ignore]
fn probe_presenter_sequence() {
    let mut h = harness_sized(busy_scene(), [1920.0, 1080.0]);
    h.run_steps(2);
    h.key_press(egui::Key::P);
    h.run_steps(30);
    h.key_press(egui::Key::C);
    h.run_steps(30);
    h.state_mut().app.apply(AppAction::SetUiScale(2.5));
    h.run_steps(40);
    for n in h.root().query_all(by()) {
        let label = n.accesskit_node().label().unwrap_or_default();
        if !label.is_empty() {
            let r = n.rect();
            eprintln!(
                "{:>6.1} {:>6.1} {:>6.1} {:>6.1}  {label:.70}",
                r.left(),
                r.top(),
                r.right(),
                r.bottom()
            );
        }
    }
}
