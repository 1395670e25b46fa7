//! The two money scenes as a presenter plays them: the app under
//! egui_kittest on the fake clock (50 ms a frame), at each scene's own
//! speed and clock cues. Black Friday's crisis stays red on screen for a
//! good part of its first minute, C shows its three twins' costs together,
//! and its worst figures stay after the peak; in Pay for priority the
//! priority twin out-earns FIFO in every trailing minute, and the revenue
//! plot is on screen without scrolling.

use crate::kit::{FRAME, TestApp, harness};
use asynclab::scenario::{Scenario, builtin};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::Duration;

fn scene(file: &str) -> Scenario {
    builtin(file)
        .expect("scene is built in")
        .expect("scene is valid")
}

/// Every label on screen containing `part`, in tree order (comparing:
/// twin by twin, left to right).
fn labels(h: &Harness<'_, TestApp>, part: &str) -> Vec<String> {
    h.query_all_by_label_contains(part)
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect()
}

/// The value after a figure's name ("p95 wait · last 10 min: 15.0 s").
fn value(label: &str) -> &str {
    label.split_once(": ").map_or("", |(_, v)| v)
}

/// A duration as `fmt::secs` writes it ("15.0 s", "74.2 ms"), in seconds;
/// `None` for "—".
fn seconds(text: &str) -> Option<f64> {
    let (num, unit) = text.split_once(' ')?;
    let x: f64 = num.parse().ok()?;
    match unit {
        "s" => Some(x),
        "ms" => Some(x / 1000.0),
        _ => None,
    }
}

/// The first amount of money in `text` ("$4,680/h · $12 so far" → 4680).
fn dollars(text: &str) -> f64 {
    let digits: String = text
        .trim_start_matches('$')
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .filter(|c| *c != ',')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no amount in {text:?}"))
}

fn now_s(h: &Harness<'_, TestApp>) -> f64 {
    h.state().app.host().snapshot().now_s
}

/// Plays Black Friday solo for its first minute of wall time, as it
/// opens: the sync p95 on screen is over the 1 s SLA for at least 15 s of
/// it, the pause at 09:00 holds with its caption (Space plays on at once),
/// and after the crisis the worst figures are still on screen.
#[test]
fn black_friday_is_red_for_a_quarter_of_its_first_minute_and_remembers_its_worst() {
    let s = scene("04-black-friday.ron");
    let sla = s.settings.sla.wait_target_s;
    let mut h = harness(s);
    let minute = (Duration::from_secs(60).as_millis() / FRAME.as_millis()) as usize;
    let mut red = Duration::ZERO;
    let mut paused_at = None;
    for _ in 0..minute {
        h.step();
        let p95 = labels(&h, "p95 wait · last 10 min:");
        assert_eq!(p95.len(), 1, "{p95:?}");
        if seconds(value(&p95[0])).is_some_and(|x| x > sla) {
            red += FRAME;
        }
        if h.state().app.host().snapshot().cue_note.is_some() {
            paused_at = Some(now_s(&h));
            let caption = labels(&h, "caption: Paused at 9:00:00: the doorbuster peak");
            assert_eq!(caption.len(), 1, "the pause's caption on screen");
            h.key_press(egui::Key::Space);
        }
    }
    assert!(
        red >= Duration::from_secs(15),
        "sync's p95 over the SLA on screen for only {red:?} of the first minute"
    );
    assert_eq!(paused_at, Some(32_400.0), "paused at 09:00");
    // On to 10:15, past the crisis (the slow stretch ends at 09:45).
    let mut guard = 0;
    while now_s(&h) < 36_900.0 {
        h.step();
        guard += 1;
        assert!(guard < 2_000, "never reached 10:15");
    }
    let p95 = seconds(value(&labels(&h, "p95 wait · last 10 min:")[0]));
    assert!(p95.is_some_and(|x| x <= sla), "the crisis is over: {p95:?}");
    let worst = labels(&h, "worst so far:");
    assert_eq!(worst.len(), 1, "{worst:?}");
    // "p95 15.0 s · 6,950/min errors · $14.30/h": the history's own worst.
    let w = h.state().app.history().worst;
    let expected = format!(
        "worst so far: p95 {} · {}/min errors · {}/h",
        asynclab::fmt::secs(w.wait_p95_s.0),
        asynclab::fmt::thousands(w.errors_per_min.0.round() as u64),
        asynclab::fmt::dollars(w.cost_per_hour.0)
    );
    assert_eq!(worst[0], expected);
    assert!(w.wait_p95_s.0 > sla && w.errors_per_min.0 > 100.0, "{w:?}");
    assert_eq!(asynclab::fmt::dollars(w.cost_per_hour.0), "$14.30");
}

/// C in Black Friday compares the scene's own three twins, and their
/// three capacity costs are on screen together.
#[test]
fn black_friday_compares_three_twins_with_their_costs_on_screen() {
    let mut h = harness(scene("04-black-friday.ron"));
    h.run_steps(2);
    h.key_press(egui::Key::C);
    h.run_steps(20);
    let snap = h.state().app.host().snapshot().clone();
    let names: Vec<&str> = snap.runs.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sync, 6 connections",
            "sync, sized for the peak (13)",
            "async, 6 connections"
        ]
    );
    h.get_by_label("twin sync, 6 connections: SYNC");
    h.get_by_label("twin sync, sized for the peak (13): SYNC");
    h.get_by_label("twin async, 6 connections: ASYNC");
    let screen = h.ctx.content_rect();
    let costs: Vec<(String, egui::Rect)> = h
        .query_all_by_label_contains("capacity cost:")
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect();
    let rates: Vec<String> = costs
        .iter()
        .map(|(l, _)| value(l).split(" · ").next().unwrap_or("").to_string())
        .collect();
    assert_eq!(rates, ["$14.30/h", "$28.30/h", "$14.30/h"], "{costs:?}");
    for (label, r) in &costs {
        assert!(screen.contains_rect(*r), "{label} at {r:?} off {screen:?}");
    }
    // The sentences above the twins say the same costs.
    let text = asynclab::app::compare::difference_text(
        &snap,
        &(0..3)
            .map(|k| {
                h.state()
                    .app
                    .compare_view()
                    .history(k)
                    .expect("history")
                    .clone()
            })
            .collect::<Vec<_>>(),
    );
    assert!(text.contains("cost $14.30/h vs $28.30/h"), "{text}");
    assert!(text.contains("cost $14.30/h vs $14.30/h"), "{text}");
}

/// Pay for priority compared: in every frame after the first minute the
/// priority twin's revenue figure (over the trailing minute, labelled so)
/// is above FIFO's, to the scene's end.
#[test]
fn pay_for_priority_priority_out_earns_fifo_in_every_trailing_minute() {
    let s = scene("08-pay-for-priority.ron");
    let end = s.duration_s;
    let mut h = harness(s);
    h.run_steps(2);
    h.key_press(egui::Key::C);
    h.run_steps(2);
    let names: Vec<String> = h
        .state()
        .app
        .host()
        .snapshot()
        .runs
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(names, ["FIFO", "priority"]);
    let mut checked = 0;
    let mut guard = 0;
    while !h.state().app.host().snapshot().ended {
        h.step();
        guard += 1;
        assert!(guard < 3_000, "the scene never ended");
        // The figure covers the trailing minute once a minute has closed.
        let first_closed = h
            .state()
            .app
            .compare_view()
            .history(0)
            .and_then(|hi| hi.last.as_ref().map(|w| w.t_s));
        if first_closed.is_none_or(|t| t <= 60.0) {
            continue;
        }
        let revenue = labels(&h, "revenue · last 1 min:");
        assert_eq!(revenue.len(), 2, "{revenue:?}");
        let (fifo, priority) = (dollars(value(&revenue[0])), dollars(value(&revenue[1])));
        assert!(
            priority > fifo,
            "at {} s: priority ${priority}/h, FIFO ${fifo}/h",
            now_s(&h)
        );
        checked += 1;
    }
    assert_eq!(now_s(&h), end);
    assert!(checked > 1_500, "{checked} frames checked");
}

/// Solo at 1600×1000, Pay for priority's key plots come first: the
/// revenue plot and time to processed per tier are on screen without
/// scrolling.
#[test]
fn pay_for_priority_shows_its_revenue_plot_without_scrolling() {
    let mut h = harness(scene("08-pay-for-priority.ron"));
    h.run_steps(30);
    let screen = h.ctx.content_rect();
    for title in ["Cost & revenue ($/h)", "Time to processed"] {
        let label = format!("plot: {title}");
        let r = h.get_by_label_contains(&label).rect();
        assert!(screen.contains_rect(r), "{title} at {r:?} off {screen:?}");
    }
}

/// Black Friday's clock cues are listed on the Timeline panel and marked
/// on the plot from the start (the plots span the whole day).
#[test]
fn black_friday_cues_show_on_the_timeline_and_the_plot() {
    let mut h = harness(scene("04-black-friday.ron"));
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::ShowTimeline(true));
    h.run_steps(3);
    h.get_by_label("Clock cues (2)");
    h.get_by_label("8:30:00–9:45:00 slow to 120×");
    h.get_by_label(
        "9:00:00 pause: the doorbuster peak, 120 orders a second. What does each design pay \
         to hold the 1 s SLA now? C compares them.",
    );
    h.get_by_label("plot cue: 8:30:00–9:45:00 slow to 120×");
    h.get_by_label_contains("plot cue: 9:00:00 pause: the doorbuster peak");
}
