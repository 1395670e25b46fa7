//! The plot catalogue: every plot it describes is drawn by the solo view,
//! the compare view and the hand-out, with the same titles, line names
//! and colours in the app and on the page, and times written as the top
//! bar writes them.

use crate::kit::harness_sized;
use asynclab::app::compare;
use asynclab::app::plots::{self, PlotContext};
use asynclab::chart::{self, PlotName};
use asynclab::handout::{HandoutRun, Plots, page};
use asynclab::scenario::{self, Scenario};
use asynclab::sim::{SimTime, System};
use egui_kittest::kittest::{NodeT, Queryable};

fn scene(name: &str) -> Scenario {
    scenario::builtin(name).expect("built in").expect("valid")
}

/// The hand-out page of `s` run to its end, its key plots as named.
fn hand_out(s: &Scenario) -> String {
    let mut plots = Plots::new(&s.settings, s.duration_s, &s.view.key_plots);
    let mut sys = System::new(s.clone());
    sys.run_until(SimTime::from_secs_f64(s.duration_s));
    sys.finish();
    plots.add(&sys.drain_windows());
    let run = HandoutRun {
        name: "run".into(),
        settings: sys.settings().clone(),
        summary: sys.summary(),
        ledgers: sys.ledgers(),
        balance: sys.check_ledgers(),
        plots,
    };
    page(s, &[run]).expect("page")
}

/// Pay for priority charges for processing and names the cost plot, so
/// every plot of the catalogue is on screen and on the page.
#[test]
fn every_catalogue_plot_is_drawn_solo_compared_and_in_the_hand_out() {
    let s = scene("08-pay-for-priority.ron");
    assert!(s.view.key_plots.contains(&PlotName::Cost));
    let html = hand_out(&s);
    let mut h = harness_sized(s, [1600.0, 2400.0]);
    h.run_steps(4);
    for spec in &chart::CATALOGUE {
        h.get_by_label(&format!("plot: {}", spec.title));
        let heading = format!("<h3>{} ", spec.title.replace('&', "&amp;"));
        assert!(html.contains(&heading), "hand-out draws {}", spec.title);
    }
    h.key_press(egui::Key::C);
    h.run_steps(4);
    assert!(h.state().app.host().snapshot().compare);
    for spec in &chart::CATALOGUE {
        assert!(compare::COMPARE_PLOTS.contains(&spec.name));
        h.get_by_label(&format!("compare plot: {} (all)", spec.compare.title));
    }
}

/// The app's lines (names, colours) and the hand-out's are the
/// catalogue's, plot by plot, for one client, several clients that pay by
/// tier, several endpoints and polling browsers.
#[test]
fn app_and_hand_out_plots_have_the_same_titles_lines_and_colours() {
    for name in [
        "01-hello-sync.ron",
        "08-pay-for-priority.ron",
        "09-polling.ron",
        "10-one-spot-async.ron",
    ] {
        let s = scene(name);
        let settings = &s.settings;
        let pc = PlotContext {
            markers: &[],
            settings,
            sla_wait_s: settings.sla.wait_target_s,
            x_range: (0.0, 60.0),
            height: 100.0,
            min_frame_h: plots::MIN_FRAME_H,
            traces: &[],
            cues: &[],
        };
        let page = Plots::new(settings, s.duration_s, &chart::ALL);
        assert_eq!(page.plots.len(), chart::ALL.len(), "{name}");
        for p in &page.plots {
            assert_eq!(p.title, chart::spec(p.name).title, "{name}");
            // Polling on: every line that may show.
            let app: Vec<(String, String)> = plots::lines::lines(p.name, &pc, true)
                .into_iter()
                .map(|l| (l.name, css(l.color)))
                .collect();
            let hand_out: Vec<(String, String)> = p
                .lines
                .iter()
                .map(|l| (l.name.clone(), l.colour.clone()))
                .collect();
            assert_eq!(app, hand_out, "{name}: {}", p.title);
            let reference = plots::lines::reference(p.name, &pc).map(|r| (r.name, r.y));
            let on_page = p.reference.as_ref().map(|r| (r.name.clone(), r.y));
            assert_eq!(reference, on_page, "{name}: {}", p.title);
        }
    }
}

fn css(c: egui::Color32) -> String {
    format!("#{:02X}{:02X}{:02X}", c.r(), c.g(), c.b())
}

/// The top bar's clock and the plots' time axis write sim time alike
/// (hours, minutes and seconds, the second under way).
#[test]
fn the_top_bar_and_the_time_axis_write_the_clock_alike() {
    let mut s = scene("01-hello-sync.ron");
    s.view.speed = scenario::StartSpeed::Times(20.0);
    let mut h = harness_sized(s, [1600.0, 1000.0]);
    h.run_steps(30);
    let before = h.state().app.host().snapshot().now_s;
    assert!(before >= 1.0, "the run moved: {before}");
    h.run_steps(1);
    let after = h.state().app.host().snapshot().now_s;
    let shown: Vec<String> = h
        .get_all_by_label_contains("t = ")
        .filter_map(|n| n.accesskit_node().value())
        .filter(|l| l.starts_with("t = "))
        .collect();
    let [label] = shown.as_slice() else {
        panic!("one clock in the top bar: {shown:?}");
    };
    let clock = label.trim_start_matches("t = ");
    let secs: Vec<f64> = clock.split(':').filter_map(|p| p.parse().ok()).collect();
    let [hh, mm, ss] = secs[..] else {
        panic!("h:mm:ss: {clock}");
    };
    let t = hh * 3600.0 + mm * 60.0 + ss;
    assert!(
        (before.floor()..=after).contains(&t),
        "{t} within {before}..={after}"
    );
    // The axis writes that second as the top bar does.
    assert_eq!(plots::axes::time_label(t), clock);
    assert_eq!(plots::axes::time_label(t + 0.9), clock, "truncated");
    assert_eq!(plots::axes::time_label(60.0), "0:01:00");
}

/// One clock and one number format: the app's axes, the top bar's clock
/// (`fmt::clock`) and the hand-out's axes write every tick alike.
#[test]
fn app_axes_top_bar_and_hand_out_write_times_and_values_alike() {
    use asynclab::app::plots::axes;
    use asynclab::handout;
    for t in [
        0.0, 30.0, 59.0, 60.0, 119.0, 600.0, 3599.0, 3600.0, 86_399.0,
    ] {
        let top_bar = asynclab::fmt::clock(t);
        assert_eq!(axes::time_label(t), top_bar, "app axis at {t} s");
        assert_eq!(handout::time_label(t), top_bar, "hand-out axis at {t} s");
    }
    // A clock truncates: the second under way, never the next.
    assert_eq!(axes::time_label(119.6), "0:01:59");
    for v in [0.0, 0.04, 0.5, 2.5, 20.0, 800.0, 1500.0, 12_000.0, 2e6] {
        assert_eq!(
            axes::value_label(v, false),
            handout::value_label(v, false),
            "{v}"
        );
    }
    assert_eq!(axes::value_label(1500.0, false), "1.5k");
    for v in [0.0, 0.25, 0.8, 1.0] {
        assert_eq!(
            axes::value_label(v, true),
            handout::value_label(v, true),
            "{v}"
        );
    }
    assert_eq!(handout::value_label(0.8, true), "80%");
}
