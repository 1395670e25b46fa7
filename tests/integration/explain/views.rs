//! The app's explaining views through egui_kittest: the bottleneck strip
//! says what `explain` says for the live settings and the last windows;
//! the request journey draws the spans of traced sync and async actions;
//! the load curve runs a small sweep to its end and can be cancelled; all
//! three render on an empty run and on extreme ones.

use super::scene;
use crate::kit::{TestApp, click_at, harness};
use asynclab::app::diagram::{self, Busy};
use asynclab::app::sweep_window::{SweepAction, SweepRequest};
use asynclab::app::waterfall::{self, Waterfall};
use asynclab::app::{AppAction, bottleneck};
use asynclab::explain;
use asynclab::host::{Command, Speed};
use asynclab::scenario::{Mode, Scenario, StartSpeed};
use asynclab::sim::capacity::{self, Measured};
use asynclab::sim::trace::{Outcome, SpanKind, Trace};
use asynclab::sim::{MarkerKind, Reason, SimTime, System, Window};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::time::Duration;

/// The default scene, busy from the start, with no script, at 1×.
fn busy(rate_per_s: f64, mode: Mode) -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = rate_per_s;
    s.settings.clients[0].shape = asynclab::scenario::Shape::Constant;
    s.settings.timeline.clear();
    for e in &mut s.settings.endpoints {
        e.mode = mode;
    }
    s.view.speed = StartSpeed::Times(1.0);
    s
}

fn open_views(h: &mut Harness<'_, TestApp>) {
    h.state_mut().app.apply(AppAction::ShowJourney);
    h.state_mut().app.apply(AppAction::ShowLoadCurve);
}

#[test]
fn the_views_render_on_empty_and_extreme_runs() {
    // Empty: nothing has happened yet, no window, no trace.
    let mut h = harness(busy(150.0, Mode::Sync));
    open_views(&mut h);
    h.run_steps(3);
    assert!(h.state().app.bottleneck().words().is_none());
    h.get_by_label_contains("waiting for the first window");
    h.get_by_label("Run sweep");
    // A million actions a second into no database at all, and no traffic.
    for (rate, connections) in [(1e6, 0), (0.0, 5), (1e6, 1)] {
        for mode in [Mode::Sync, Mode::Async] {
            let mut s = busy(rate, mode);
            s.settings.database.connections = connections;
            s.settings.server.workers_per_instance = 1;
            s.settings.queue.capacity = 10;
            // Short windows: a few frames close some without simulating
            // millions of arrivals.
            s.settings.window_s = 0.05;
            let mut h = harness(s);
            open_views(&mut h);
            h.run_steps(4);
            let words = h.state().app.bottleneck().words().cloned();
            let words = words.expect("windows closed, so the strip speaks");
            assert!(!words.headline.is_empty());
            if rate == 0.0 {
                h.get_by_label_contains("No traced action has finished yet");
            }
        }
    }
}

/// The strip's rule, written out again: the newest ten windows that
/// began after the last change (captions change nothing).
fn last_windows(ws: &[Window], changed_s: f64, window_s: f64) -> &[Window] {
    let n = ws
        .iter()
        .rev()
        .take(10)
        .take_while(|w| w.t_s - window_s >= changed_s)
        .count()
        .max(1);
    &ws[ws.len() - n..]
}

#[test]
fn the_strip_says_what_explain_says_for_the_live_settings() {
    let s = busy(150.0, Mode::Sync);
    let mut h = harness(s.clone());
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::SetSpeed(
            Speed::Times(10.0),
        )));
    h.run_steps(40);
    // Double the connections mid-run: the strip measures from then on.
    h.state_mut()
        .app
        .apply(AppAction::change(asynclab::scenario::Change::Set {
            path: "database.connections".into(),
            value: 10.0,
        }));
    h.run_steps(60);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(2);
    let snap = h.state().app.host().snapshot().clone();
    // The same run headless: the same windows, closed by the same time.
    let mut sys = System::new(s);
    for m in snap.first().markers.iter() {
        if m.kind() != MarkerKind::Caption {
            sys.run_until(SimTime::from_secs_f64(m.t_s));
            sys.apply(m.change.clone()).expect("the change applies");
        }
    }
    sys.run_until(SimTime::from_secs_f64(snap.now_s));
    let ws: Vec<Window> = sys
        .windows()
        .iter()
        .filter(|w| w.t_s <= snap.now_s)
        .cloned()
        .collect();
    let changed_s = snap
        .first()
        .markers
        .iter()
        .map(|m| m.t_s)
        .fold(0.0, f64::max);
    assert!(changed_s > 0.0, "the change left a marker");
    let span = last_windows(&ws, changed_s, snap.first().live.window_s);
    assert_eq!(span.len(), 10, "ten windows since the change");
    let m = Measured::from_windows(span, snap.first().live.window_s);
    let a = capacity::analyse(&snap.first().live, &m, snap.first().gauges.outage);
    let want = explain::explain(&a, &snap.first().live, &snap.first().gauges);
    let shown = h.state().app.bottleneck().words().cloned();
    assert_eq!(shown.as_ref(), Some(&want));
    // The diagram colours its stations by the same span the sentence reads,
    // not by the newest window alone.
    let busy = Busy {
        server: m.util_server,
        db: m.util_db,
        workers: m.util_workers,
    };
    assert_eq!(h.state().app.bottleneck().busy(), Some(busy));
    let newest = ws.last().expect("windows");
    let input = |busy: Option<Busy>| diagram::DiagramInput {
        gauges: &snap.first().gauges,
        last: Some(newest),
        busy,
        clients: Vec::new(),
        window_s: snap.first().live.window_s,
        anim_s: 0.0,
        flashes: &[],
        height: 150.0,
    };
    assert_eq!(diagram::busy_shown(&input(Some(busy))), busy);
    assert_eq!(diagram::busy_shown(&input(None)).db, newest.util_db);
    // And on screen, in the app's glyphs: the strip's first row is
    // "Bottleneck now (last …)" and then this very sentence.
    let headline = bottleneck::text(&want.headline);
    let node = h.get_by_label_contains(&headline);
    let node = node.accesskit_node();
    let first_row = node.label().or_else(|| node.value()).unwrap_or_default();
    assert!(
        first_row.starts_with("Bottleneck now (last ") && first_row.ends_with(&headline),
        "the strip's first row: {first_row}"
    );
    if let Some(next) = &want.next {
        h.get_by_label(&bottleneck::text(next));
    }
    assert!(
        want.headline.contains("10 connections"),
        "the live settings: {}",
        want.headline
    );
}

/// Runs the app until `n` traced actions have finished (at most 400
/// frames), then returns them.
fn traced(h: &mut Harness<'_, TestApp>, n: usize) -> Vec<Trace> {
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::SetSpeed(
            Speed::Times(10.0),
        )));
    for _ in 0..400 {
        h.run_steps(1);
        if h.state().app.host().snapshot().first().traces.len() >= n {
            break;
        }
    }
    let traces = h.state().app.host().snapshot().first().traces.clone();
    assert!(traces.len() >= n, "only {} traces finished", traces.len());
    traces.to_vec()
}

fn row<'w>(w: &'w Waterfall, label: &str) -> &'w waterfall::Row {
    w.rows
        .iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label}: {w:#?}"))
}

fn kinds(r: &waterfall::Row) -> Vec<Option<SpanKind>> {
    r.bars.iter().map(|b| b.kind).collect()
}

#[test]
fn the_waterfall_draws_a_traced_sync_and_a_traced_async_action() {
    // Sync: one long wait, its parts on the request's row.
    let mut h = harness(busy(60.0, Mode::Sync));
    h.state_mut().app.apply(AppAction::ShowJourney);
    let traces = traced(&mut h, 3);
    h.run_steps(2);
    let picked = h.state().app.journey().picked().expect("one is picked");
    let t = traces.iter().find(|t| t.seq == picked).expect("listed");
    let w = waterfall::layout(t);
    assert!(!w.asynchronous);
    let req = kinds(row(&w, "request 1"));
    for k in [
        SpanKind::NetworkOut,
        SpanKind::Cpu,
        SpanKind::Write,
        SpanKind::NetworkBack,
    ] {
        assert!(req.contains(&Some(k)), "{k:?} in {req:?}");
    }
    assert!(w.rows.iter().all(|r| !r.label.starts_with("job")));
    assert_eq!(
        h.state().app.journey().drawn(),
        w.bars(),
        "every bar of the picked action is drawn"
    );
    // The user's wait ends where the request's answer arrives.
    let user = row(&w, "user");
    let back = row(&w, "request 1").bars.last().expect("bars");
    assert!((user.bars[0].end_s - back.end_s).abs() < 1e-9);
    // Pick another one from the list (paused, so the list holds still).
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(2);
    let other = traces.iter().find(|t| t.seq != picked).expect("two traces");
    let label = format!("#{} ", other.seq);
    h.get_by_label_contains(&label).click();
    h.run_steps(2);
    assert_eq!(h.state().app.journey().picked(), Some(other.seq));
    assert!(h.state().app.journey().drawn() > 0);

    // Async: a short acknowledgement, then the job's own spans.
    let mut h = harness(busy(60.0, Mode::Async));
    h.state_mut().app.apply(AppAction::ShowJourney);
    let traces = traced(&mut h, 1);
    h.run_steps(2);
    let t = traces.last().expect("one");
    let w = waterfall::layout(t);
    assert!(w.asynchronous);
    let req = kinds(row(&w, "request 1"));
    assert!(req.contains(&Some(SpanKind::Enqueue)), "{req:?}");
    assert!(!req.contains(&Some(SpanKind::Write)), "{req:?}");
    let job = row(&w, "job 1");
    assert!(kinds(job).contains(&Some(SpanKind::Write)), "{job:?}");
    let ack = row(&w, "request 1").bars.last().expect("bars").end_s;
    let committed = job.bars.last().expect("bars").end_s;
    assert!(
        ack <= committed,
        "the job commits after the acknowledgement"
    );
    assert!(w.marks.iter().any(|m| m.label == "accepted"));
    assert!(w.marks.iter().any(|m| m.label == "committed"));
    assert!(h.state().app.journey().drawn() > 0);
}

/// While the run plays, new traces push the list's rows down; with the
/// pointer on the list it holds still, so the row under it stays there
/// to be clicked, and moves on once the pointer leaves.
#[test]
fn the_journey_list_holds_still_under_the_pointer() {
    let mut h = harness(busy(60.0, Mode::Sync));
    h.state_mut().app.apply(AppAction::ShowJourney);
    let before = traced(&mut h, 2);
    h.run_steps(2);
    // Not the newest: that one is picked, and its waterfall's head names
    // it too.
    let row = before[before.len() - 2].seq;
    let newest = before.last().expect("two").seq;
    h.get_by_label_contains(&format!("#{row} ")).hover();
    h.run_steps(1);
    assert!(
        h.state().app.journey().list_held(),
        "held under the pointer"
    );
    // Play on until a newer action has been traced.
    let mut newer = None;
    for _ in 0..400 {
        h.run_steps(1);
        let live = h.state().app.host().snapshot().first().traces.clone();
        if let Some(t) = live.last().filter(|t| t.seq > newest) {
            newer = Some(t.seq);
            break;
        }
    }
    let newer = newer.expect("a newer trace while playing");
    h.run_steps(1);
    assert!(h.state().app.journey().list_held());
    assert!(
        h.query_by_label_contains(&format!("#{newer} ")).is_none(),
        "the held list does not show #{newer} yet"
    );
    h.get_by_label_contains(&format!("#{row} ")).click();
    h.run_steps(1);
    assert_eq!(h.state().app.journey().picked(), Some(row));
    // The pointer leaves: the list shows the newest again.
    h.get_by_label("Time axis:").hover();
    h.run_steps(2);
    assert!(!h.state().app.journey().list_held());
    assert!(h.query_by_label_contains(&format!("#{newer} ")).is_some());
}

/// Every traced action with an outcome is a dot on the wait plot, at
/// the moment its user saw the outcome and at the wait recorded; a click
/// on a dot opens the request journey on that action.
#[test]
fn clicking_a_traced_dot_on_the_wait_plot_opens_its_journey() {
    let mut h = harness(busy(60.0, Mode::Sync));
    traced(&mut h, 3);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(3);
    assert!(!h.state().app.journey().open);
    let dots = h.state().app.traced_dots().to_vec();
    let traces = h.state().app.host().snapshot().first().traces.clone();
    let done: Vec<u64> = traces
        .iter()
        .filter(|t| t.user_done)
        .map(|t| t.seq)
        .collect();
    let drawn: Vec<u64> = dots.iter().map(|d| d.0).collect();
    assert_eq!(
        drawn, done,
        "one dot per traced action with an outcome, in the list's order"
    );
    // The dots sit on the wait plot.
    let plot = h
        .get_by_label(&format!(
            "plot: {}",
            asynclab::chart::spec(asynclab::chart::PlotName::Wait).title
        ))
        .rect();
    for (_, at) in &dots {
        assert!(plot.contains(*at), "{at:?} in {plot:?}");
    }
    // A click on the plot away from every dot opens nothing.
    let far = dots.iter().map(|(_, p)| p.x).fold(f32::INFINITY, f32::min) - 40.0;
    let far = egui::pos2(far.max(plot.left() + 50.0), plot.top() + 20.0);
    assert!(dots.iter().all(|(_, p)| p.distance(far) > 20.0), "{far:?}");
    click_at(&mut h, far);
    assert!(!h.state().app.journey().open);
    // A click a couple of points off a dot opens the journey on it.
    let (seq, at) = dots[dots.len() / 2];
    let near = at + egui::vec2(2.0, -1.0);
    click_at(&mut h, near);
    assert!(h.state().app.journey().open, "the click opened the journey");
    assert_eq!(h.state().app.journey().picked(), Some(seq));
    assert!(h.state().app.journey().drawn() > 0);
}

/// In Slow database held in sync, users give up at 15 s while their
/// saves still wait for the database: the host publishes them before
/// that work ends, so they are red dots at 15 s on the wait plot (where
/// the p95 line is) and their journey shows the work under way.
#[test]
fn users_who_gave_up_are_dots_and_journeys_before_their_work_ends() {
    use asynclab::app::plots::traced;
    use asynclab::host::HostCore;
    let mut s = scene("02-slow-database.ron");
    super::hold_mode(&mut s, Mode::Sync);
    s.view.speed = StartSpeed::Times(1.0);
    let mut core = HostCore::new(s.clone(), None);
    core.handle(Command::SetSpeed(Speed::Times(100.0)), Duration::ZERO);
    let mut wall = Duration::ZERO;
    let mut snap = core.snapshot();
    while snap.now_s < 200.0 {
        wall += Duration::from_millis(100);
        core.tick(wall);
        snap = core.snapshot();
    }
    core.handle(Command::Pause, wall);
    let snap = core.snapshot();
    let gave_up: Vec<&Trace> = snap
        .first()
        .traces
        .iter()
        .filter(|t| !t.finished && t.user_done)
        .collect();
    assert!(gave_up.len() >= 3, "{} published in flight", gave_up.len());
    let patience = s.settings.browser.patience_s;
    let dots = traced::dots(&snap.first().traces, (0.0, snap.now_s), f64::INFINITY);
    let red_at_patience = dots
        .iter()
        .filter(|d| d.failed && (d.y - patience).abs() < 1e-9)
        .filter(|d| gave_up.iter().any(|t| t.seq == d.seq))
        .count();
    assert!(red_at_patience >= 3, "{red_at_patience} red dots at 15 s");
    let t = gave_up
        .iter()
        .find(|t| t.fate() == asynclab::sim::trace::Fate::Failed(Reason::Timeout))
        .expect("one gave up");
    assert_eq!(waterfall::fate_word(t), "gave up, work goes on");
    let w = waterfall::layout(t);
    let as_of = (t.as_of.expect("copied in flight") - t.first_click()).as_secs_f64();
    let under_way: Vec<&waterfall::Bar> = w
        .rows
        .iter()
        .flat_map(|r| &r.bars)
        .filter(|b| b.under_way)
        .collect();
    assert!(!under_way.is_empty(), "{w:#?}");
    assert!(under_way.iter().all(|b| (b.end_s - as_of).abs() < 1e-9));
    assert!(as_of > patience, "the work goes on past the user's wait");
    assert!((w.end_s - as_of).abs() < 1e-9);
}

#[test]
fn a_user_who_gave_up_ends_at_patience_while_the_work_goes_on() {
    let mut s = scene("02-slow-database.ron");
    super::hold_mode(&mut s, Mode::Sync);
    let mut sys = System::new(s.clone());
    sys.run_until(SimTime::from_secs_f64(200.0));
    let patience = s.settings.browser.patience_s;
    let gave_up = sys
        .tracer()
        .finished()
        .into_iter()
        .find(|t| {
            t.clicks
                .first()
                .and_then(|c| c.outcome)
                .is_some_and(|o| o.1 == Outcome::Error(Reason::Timeout))
        })
        .cloned()
        .expect("someone gave up by 200 s");
    let w = waterfall::layout(&gave_up);
    let waited = row(&w, "user").bars[0];
    assert_eq!(waited.kind, Some(SpanKind::Waiting));
    assert!((waited.end_s - patience).abs() < 1e-6, "{waited:?}");
    let work_end = row(&w, "request 1").bars.last().expect("bars").end_s;
    assert!(
        work_end > patience,
        "the server's work goes on past the wait"
    );
    assert!(w.marks.iter().any(|m| m.label == "gave up (patience)"));
}

fn tiny(duration_s: f64, steps: usize) -> SweepRequest {
    SweepRequest {
        knob: "clients[0].rate_per_s".into(),
        from: 20.0,
        to: 60.0,
        steps,
        duration_s,
        seeds: 1,
    }
}

/// Frames until the sweep is no longer running (at most about 60 s, so a
/// broken sweep fails the test instead of hanging it).
fn until_done(h: &mut Harness<'_, TestApp>) {
    for _ in 0..6_000 {
        h.run_steps(1);
        if !h.state().app.sweep_window().running() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the sweep did not end");
}

#[test]
fn the_load_curve_runs_a_small_sweep_and_can_be_cancelled() {
    let mut h = harness(busy(40.0, Mode::Sync));
    h.state_mut().app.apply(AppAction::ShowLoadCurve);
    h.run_steps(2);
    let before = h.state().app.host().snapshot().now_s;
    h.state_mut()
        .app
        .apply(AppAction::Sweep(SweepAction::Start(tiny(5.0, 2))));
    assert!(h.state().app.sweep_window().running());
    until_done(&mut h);
    let result = h.state().app.sweep_window().result().cloned();
    let sweep = result.expect("finished").expect("the sweep ran");
    assert_eq!(sweep.points.len(), 4, "2 values × sync and async");
    let series = asynclab::app::sweep_window::series(&sweep);
    assert!(
        series.iter().all(|s| !s.3.is_empty()),
        "every series has points"
    );
    h.run_steps(2);
    h.get_by_label("Points");
    assert!(
        h.state().app.host().snapshot().now_s > before,
        "the live run kept going"
    );

    // A long sweep, cancelled at once.
    h.state_mut()
        .app
        .apply(AppAction::Sweep(SweepAction::Start(tiny(3_600.0, 20))));
    h.run_steps(1);
    h.get_by_label("Cancel").click();
    until_done(&mut h);
    let result = h.state().app.sweep_window().result().cloned();
    assert_eq!(result.map(|r| r.err()), Some(Some("cancelled".to_string())));
    h.run_steps(1);
    h.get_by_label_contains("The sweep stopped: cancelled");
}

#[test]
fn the_load_curve_draws_erlang_c_beside_an_mmc_scene() {
    let mut s = busy(40.0, Mode::Async);
    s.settings.database.failure_probability = 0.0;
    s.settings.browser.poll_interval_s = 0.0;
    let mut h = harness(s);
    h.state_mut().app.apply(AppAction::ShowLoadCurve);
    h.state_mut()
        .app
        .apply(AppAction::Sweep(SweepAction::Start(tiny(20.0, 3))));
    until_done(&mut h);
    let result = h.state().app.sweep_window().result().cloned();
    let sweep = result.expect("finished").expect("the sweep ran");
    let curve = asynclab::app::sweep_window::erlang(&sweep);
    assert!(
        curve.len() > 50,
        "a curve over utilisation: {}",
        curve.len()
    );
    // Erlang C's p95 rises with utilisation.
    assert!(curve.windows(2).all(|p| p[1][1] >= p[0][1] - 1e-12));
    h.run_steps(2);
}

/// The host publishes the kept traces as one shared list: the same
/// allocation while nothing finished, a new one once a trace did, equal
/// to the tracer's own kept traces. Comparing, every twin publishes its
/// own, and the same users (arrival numbers) are traced in each.
#[test]
fn the_host_publishes_traces_shared_and_every_twin_traces_the_same_users() {
    use asynclab::host::HostCore;
    use std::sync::Arc;
    let mut core = HostCore::new(busy(60.0, Mode::Sync), None);
    let mut wall = Duration::ZERO;
    fn step(core: &mut HostCore, wall: &mut Duration, s: f64) -> asynclab::host::Snapshot {
        *wall += Duration::from_secs_f64(s);
        core.tick(*wall);
        core.snapshot()
    }
    let mut first = step(&mut core, &mut wall, 5.0);
    for _ in 0..40 {
        if !first.first().traces.is_empty() {
            break;
        }
        first = step(&mut core, &mut wall, 1.0);
    }
    assert!(
        !first.first().traces.is_empty(),
        "traces finished in the first seconds"
    );
    core.handle(Command::Pause, wall);
    let paused = [core.snapshot(), core.snapshot()];
    assert!(Arc::ptr_eq(
        &paused[0].first().traces,
        &paused[1].first().traces
    ));
    let tracer = core.system().tracer();
    let mut kept: Vec<u64> = tracer.finished().iter().map(|t| t.seq).collect();
    let now = SimTime::from_secs_f64(paused[1].now_s);
    kept.extend(
        tracer
            .answered_in_flight(asynclab::host::ANSWERED_IN_FLIGHT, now)
            .iter()
            .map(|t| t.seq),
    );
    kept.sort();
    let published: Vec<u64> = paused[1].first().traces.iter().map(|t| t.seq).collect();
    assert_eq!(
        published, kept,
        "exactly the tracer's kept traces and the answered ones in flight, oldest first"
    );
    core.handle(Command::Play, wall);
    let mut later = step(&mut core, &mut wall, 10.0);
    for _ in 0..40 {
        later = step(&mut core, &mut wall, 0.1);
    }
    assert!(!Arc::ptr_eq(
        &paused[1].first().traces,
        &later.first().traces
    ));
    assert!(later.first().traces.len() > paused[1].first().traces.len());

    // Twins: the same arrival numbers in each, sync and async.
    let mut core = HostCore::new(busy(60.0, Mode::Sync), None);
    core.handle(Command::SetCompare(true), Duration::ZERO);
    let mut wall = Duration::ZERO;
    for _ in 0..60 {
        step(&mut core, &mut wall, 0.5);
    }
    core.handle(Command::Pause, wall);
    let snap2 = core.snapshot();
    assert!(snap2.runs.len() >= 2, "{} twins", snap2.runs.len());
    let seqs = |k: usize| -> Vec<u64> { snap2.runs[k].traces.iter().map(|t| t.seq).collect() };
    let (a, b) = (seqs(0), seqs(1));
    let both: Vec<&u64> = a.iter().filter(|s| b.contains(s)).collect();
    assert!(both.len() >= 5, "users traced in both twins: {both:?}");
    assert!(
        both.iter().all(|s| *s % 100 == 0),
        "one in 100 by arrival number"
    );
}

/// Comparing twins, the journey draws the picked user in every twin: a
/// sync waterfall and an async one, one under the other.
#[test]
fn comparing_the_journey_shows_the_same_user_in_each_twin() {
    let mut h = harness(busy(60.0, Mode::Sync));
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::SetCompare(true)));
    h.state_mut().app.apply(AppAction::ShowJourney);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::SetSpeed(
            Speed::Times(10.0),
        )));
    // Until one user is traced in both twins.
    let both = |h: &Harness<'_, TestApp>| {
        let snap = h.state().app.host().snapshot();
        let twins = &snap.runs;
        twins.len() >= 2
            && twins[0]
                .traces
                .iter()
                .any(|t| twins[1].traces.iter().any(|u| u.seq == t.seq))
    };
    for _ in 0..400 {
        h.run_steps(1);
        if both(&h) {
            break;
        }
    }
    assert!(both(&h), "a user traced in both twins");
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(3);
    let seq = h.state().app.journey().picked().expect("picked");
    let snap = h.state().app.host().snapshot().clone();
    let drawn: Vec<&asynclab::host::RunSnapshot> = snap
        .runs
        .iter()
        .filter(|tw| tw.traces.iter().any(|t| t.seq == seq))
        .collect();
    assert!(!drawn.is_empty());
    for tw in &drawn {
        let t = tw.traces.iter().find(|t| t.seq == seq).expect("traced");
        let head = waterfall::head(t, &waterfall::layout(t), Some(&tw.name));
        h.get_by_label(&head);
    }
    let bars: usize = drawn
        .iter()
        .filter_map(|tw| tw.traces.iter().find(|t| t.seq == seq))
        .map(|t| waterfall::layout(t).bars())
        .sum();
    assert_eq!(h.state().app.journey().drawn(), bars);
}

/// The journey list's rows are one line each however narrow the list (a
/// large UI scale in a small window): a duration never wraps away from
/// its unit ("47.1 / ms").
#[test]
fn the_journey_list_rows_never_wrap() {
    let mut h = crate::kit::harness_sized(busy(60.0, Mode::Sync), [1280.0, 720.0]);
    h.state_mut().app.apply(AppAction::SetUiScale(2.5));
    h.state_mut().app.apply(AppAction::ShowJourney);
    traced(&mut h, 3);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(3);
    // A selectable button of one line, in the list's own header; the
    // rows start where it starts (the waterfall's head is further right).
    let all = h.get_by_label("all").rect();
    let one_line = all.height();
    let rows: Vec<egui::Rect> = h
        .query_all_by_label_contains(" · ")
        .map(|n| n.rect())
        .filter(|r| (r.left() - all.left()).abs() < 8.0)
        .collect();
    assert!(!rows.is_empty(), "the list shows rows");
    for r in &rows {
        assert!(
            r.height() < one_line * 1.5,
            "a row wrapped: {} high for {one_line} a line",
            r.height()
        );
    }
}

/// The load curve's values are round (10, 15, 20 … never
/// 15.555555555555555), and the live run's point is drawn on it.
#[test]
fn the_load_curve_steps_at_round_values_and_marks_the_live_run() {
    let mut h = harness(busy(40.0, Mode::Sync));
    h.state_mut().app.apply(AppAction::ShowLoadCurve);
    h.run_steps(2);
    let req = SweepRequest {
        knob: "clients[0].rate_per_s".into(),
        from: 10.0,
        to: 60.0,
        steps: 10,
        duration_s: 3.0,
        seeds: 1,
    };
    h.state_mut()
        .app
        .apply(AppAction::Sweep(SweepAction::Start(req)));
    until_done(&mut h);
    let result = h.state().app.sweep_window().result().cloned();
    let sweep = result.expect("finished").expect("the sweep ran");
    assert_eq!(sweep.points.len(), 22, "10, 15 … 60, sync and async");
    for p in &sweep.points {
        assert_eq!(p.value % 5.0, 0.0, "{}", p.value);
        assert!(format!("{}", p.value).len() <= 2, "{}", p.value);
    }
    let mut live = None;
    for _ in 0..400 {
        h.run_steps(1);
        live = h.state().app.sweep_window().live_point();
        if live.is_some() {
            break;
        }
    }
    let live = live.expect("the live run's point is drawn");
    assert!(live.busy_pct > 0.0 && live.wait_p95_s > 0.0, "{live:?}");
    assert_eq!(live.mode, Some(Mode::Sync));
}
