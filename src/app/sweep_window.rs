//! The load curve (View -> Load curve): one knob swept over a grid, each
//! value run in sync and in async on a background thread (all cores, with
//! a progress bar and Cancel; the live run keeps going), then p95 user
//! wait and p95 time to processed plotted against the bottleneck's
//! utilisation: the hockey stick. Where the processing path is an M/M/c
//! station, Erlang C's p95 is drawn beside the points.
//!
//! The sweep is [`crate::sweep::run_sweep`], the engine behind
//! `asynclab sweep`; this window only asks for it and draws the result.

use super::action::AppAction;
use super::history::History;
use super::palette;
use crate::host::Snapshot;
use crate::scenario::{Mode, Scenario, knobs};
use crate::sweep::{self, Knob, Progress, Spec, Sweep, SweepError};
use egui_plot::{Legend, Line, MarkerShape, Plot, Points};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What the user asked of the sweep.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepAction {
    /// Run this sweep (a sweep still running is cancelled first).
    Start(SweepRequest),
    /// Stop the sweep running.
    Cancel,
}

/// A sweep as the form describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRequest {
    /// The knob's path, e.g. `clients[0].rate_per_s`.
    pub knob: String,
    /// First value.
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// Values from `from` to `to`, evenly spaced.
    pub steps: usize,
    /// Sim seconds per run.
    pub duration_s: f64,
    /// Seeds per point (the scene's seed, then the next ones).
    pub seeds: usize,
}

/// A sweep under way on its own thread.
struct Job {
    cancel: Arc<AtomicBool>,
    progress: Arc<Mutex<Progress>>,
    handle: JoinHandle<Result<Sweep, SweepError>>,
}

/// The Load curve window.
#[derive(Default)]
pub struct SweepWindow {
    /// Shown.
    pub open: bool,
    /// The form (filled from the live scene when first shown).
    form: Option<SweepRequest>,
    job: Option<Job>,
    /// The last sweep's result, or why it did not finish.
    result: Option<Result<Sweep, String>>,
    /// The live run's point drawn on the curve last frame, if any.
    live: Option<LivePoint>,
}

/// Where the live run stands on the curve: its latest window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LivePoint {
    /// The busiest station's utilisation, % (the bottleneck's).
    pub busy_pct: f64,
    /// p95 user wait, s.
    pub wait_p95_s: f64,
    /// Its endpoints' mode, when they share one.
    pub mode: Option<Mode>,
}

impl LivePoint {
    /// The live run's point from its latest window with a p95 (None before
    /// the first).
    pub fn of(snap: &Snapshot, history: &History) -> Option<LivePoint> {
        // The latest window with a p95 (a span with too few answers has none).
        let row = history
            .rows
            .iter()
            .rev()
            .take(30)
            .find(|r| r.wait.p95.is_finite())?;
        let busy_pct = row.util.max() * 100.0;
        let wait_p95_s = row.wait.p95;
        let modes = &snap.first().live.endpoints;
        let mode = modes
            .first()
            .map(|e| e.mode)
            .filter(|m| modes.iter().all(|e| e.mode == *m));
        (busy_pct.is_finite() && wait_p95_s.is_finite()).then_some(LivePoint {
            busy_pct,
            wait_p95_s,
            mode,
        })
    }
}

impl SweepWindow {
    /// True while a sweep runs.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// The live run's point as the curve drew it last frame.
    pub fn live_point(&self) -> Option<LivePoint> {
        self.live
    }

    /// The last sweep, or why it stopped.
    pub fn result(&self) -> Option<&Result<Sweep, String>> {
        self.result.as_ref()
    }

    /// Carries out `act` on `scene` (the scene as edited).
    pub fn act(&mut self, act: SweepAction, scene: &Scenario) {
        match act {
            SweepAction::Cancel => {
                if let Some(job) = &self.job {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            }
            SweepAction::Start(req) => {
                if let Some(job) = self.job.take() {
                    job.cancel.store(true, Ordering::Relaxed);
                }
                self.form = Some(req.clone());
                self.result = None;
                self.job = Some(start(scene.clone(), &req));
            }
        }
    }

    /// Takes the result of a sweep that has finished.
    pub fn poll(&mut self) {
        if !self.job.as_ref().is_some_and(|j| j.handle.is_finished()) {
            return;
        }
        if let Some(job) = self.job.take() {
            self.result = Some(match job.handle.join() {
                Ok(r) => r.map_err(|e| e.to_string()),
                Err(_) => Err("the sweep stopped on an internal error".into()),
            });
        }
    }

    /// Draws the window while it is open: the form, progress, the plot.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        snap: &Snapshot,
        history: &History,
        actions: &mut Vec<AppAction>,
    ) {
        self.poll();
        self.live = None;
        if self.job.is_some() {
            // The thread's end is not an input event: look again soon.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if !self.open {
            return;
        }
        let mut open = self.open;
        let live = LivePoint::of(snap, history);
        egui::Window::new("Load curve")
            .open(&mut open)
            .default_size([820.0, 560.0])
            .min_width(640.0)
            .min_height(360.0)
            .resizable(true)
            .show(ctx, |ui| {
                self.form_ui(ui, snap, actions);
                ui.separator();
                match &self.result {
                    Some(Ok(s)) => {
                        curve_ui(ui, s, live);
                        self.live = live;
                    }
                    Some(Err(e)) => {
                        ui.label(format!("The sweep stopped: {e}."));
                    }
                    None if self.job.is_none() => {
                        ui.label(
                            "Sweep a knob to see waiting time against load: flat, a knee near \
                             80-90% of the bottleneck, then a wall for sync.",
                        );
                    }
                    None => {}
                }
            });
        self.open = open;
    }

    /// The knob, its range, steps, run length and seeds; Run or Cancel with
    /// the progress bar.
    fn form_ui(&mut self, ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        let all = knobs::knobs(&snap.first().live);
        let form = self.form.get_or_insert_with(|| default_request(snap));
        let label = all
            .iter()
            .find(|k| k.path == form.knob)
            .map_or(form.knob.clone(), |k| k.label.clone());
        let mut changed_knob = false;
        ui.horizontal_wrapped(|ui| {
            ui.label("Sweep");
            egui::ComboBox::new("sweep knob", "")
                .selected_text(label)
                .height(400.0)
                .show_ui(ui, |ui| {
                    for k in &all {
                        if ui
                            .selectable_label(form.knob == k.path, &k.label)
                            .on_hover_text(&k.path)
                            .clicked()
                        {
                            form.knob = k.path.clone();
                            changed_knob = true;
                        }
                    }
                });
            ui.label("from");
            ui.add(egui::DragValue::new(&mut form.from).speed(0.1));
            ui.label("to");
            ui.add(egui::DragValue::new(&mut form.to).speed(0.1));
            ui.label("steps");
            ui.add(egui::DragValue::new(&mut form.steps).range(1..=60));
            ui.label("run");
            ui.add(
                egui::DragValue::new(&mut form.duration_s)
                    .range(1.0..=86_400.0)
                    .suffix(" s"),
            );
            ui.label("seeds");
            ui.add(egui::DragValue::new(&mut form.seeds).range(1..=20));
        });
        if changed_knob {
            let current = knobs::get(&snap.first().live, &form.knob).unwrap_or(1.0);
            (form.from, form.to) = default_range(current);
        }
        let integer = Knob::Path(form.knob.clone()).integer(&snap.first().live);
        let values = sweep::round_grid(form.from, form.to, form.steps.max(1), integer);
        ui.label(
            egui::RichText::new(format!("values at round steps: {}", values_text(&values))).weak(),
        );
        ui.horizontal(|ui| match &self.job {
            None => {
                if ui.button("Run sweep").clicked() {
                    actions.push(AppAction::Sweep(SweepAction::Start(form.clone())));
                }
                ui.label(
                    egui::RichText::new(format!(
                        "{} runs (sync and async at each value), on every core; the live run keeps going",
                        2 * values.len() * form.seeds.max(1)
                    ))
                    .weak(),
                );
            }
            Some(job) => {
                if ui.button("Cancel").clicked() {
                    actions.push(AppAction::Sweep(SweepAction::Cancel));
                }
                let p = job.progress.lock().map(|p| *p).unwrap_or_default();
                ui.add(
                    egui::ProgressBar::new(p.fraction() as f32)
                        .show_percentage()
                        .desired_width(240.0),
                );
                ui.label(format!("{} of {} runs", p.runs_done, p.runs_total));
            }
        });
    }
}

/// The grid's values as the form lists them: all of a short grid, the
/// first three and the last of a long one.
fn values_text(values: &[f64]) -> String {
    let text = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match values {
        [a, b, c, _, _, .., z] => {
            format!("{} … {} ({} values)", text(&[*a, *b, *c]), z, values.len())
        }
        _ => format!("{} ({} values)", text(values), values.len()),
    }
}

/// The form's first values: the first client's rate, from a quarter of
/// it to one and a half times it, 10 steps of at most 300 s.
fn default_request(snap: &Snapshot) -> SweepRequest {
    let knob = "clients[0].rate_per_s".to_string();
    let current = knobs::get(&snap.first().live, &knob).unwrap_or(10.0);
    let (from, to) = default_range(current);
    SweepRequest {
        knob,
        from,
        to,
        steps: 10,
        duration_s: snap.edited.duration_s.clamp(1.0, 300.0),
        seeds: 1,
    }
}

/// A range around a knob's value: a quarter of it to 1.5 times it.
fn default_range(current: f64) -> (f64, f64) {
    let c = if current > 0.0 { current } else { 1.0 };
    (
        (c * 0.25 * 100.0).round() / 100.0,
        (c * 1.5 * 100.0).round() / 100.0,
    )
}

/// Starts `req` on `scene` on its own thread.
fn start(scene: Scenario, req: &SweepRequest) -> Job {
    let cancel = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(Mutex::new(Progress::default()));
    let knob = Knob::Path(req.knob.clone());
    let integer = knob.integer(&scene.settings);
    let spec = Spec {
        knob,
        values: sweep::round_grid(req.from, req.to, req.steps.max(1), integer),
        modes: vec![Mode::Sync, Mode::Async],
        seeds: sweep::seeds(scene.settings.seed, req.seeds.max(1)),
        duration_s: Some(req.duration_s.max(1.0)),
        threads: 0,
    };
    let (c, p) = (cancel.clone(), progress.clone());
    let handle = std::thread::spawn(move || {
        sweep::run_sweep(
            &scene,
            &spec,
            |now| {
                if let Ok(mut slot) = p.lock() {
                    *slot = now;
                }
            },
            &c,
        )
    });
    Job {
        cancel,
        progress,
        handle,
    }
}

/// log10 of a wait in seconds (the plot's y), floored at 1 ms.
fn log_s(x: f64) -> f64 {
    x.max(1e-3).log10()
}

/// The series of the plot: (name, colour, time to processed (else user
/// wait), points as (utilisation %, log10 s)).
type Series = (&'static str, egui::Color32, bool, Vec<[f64; 2]>);

/// The points of `s`: p95 wait and p95 processed per mode.
pub fn series(s: &Sweep) -> Vec<Series> {
    let o = palette::OKABE_ITO;
    let pick = |mode: Mode, f: fn(&sweep::Point) -> Option<f64>| -> Vec<[f64; 2]> {
        s.points
            .iter()
            .filter(|p| p.mode == mode)
            .filter_map(|p| {
                let y = f(p)?;
                let x = p.bottleneck_utilisation() * 100.0;
                (x.is_finite() && y.is_finite()).then(|| [x, log_s(y)])
            })
            .collect()
    };
    let wait = |p: &sweep::Point| p.wait.map(|q| q.p95);
    let processed = |p: &sweep::Point| p.processed.map(|q| q.p95);
    vec![
        ("SYNC p95 wait", o[5], false, pick(Mode::Sync, wait)),
        (
            "SYNC p95 processed",
            o[1],
            true,
            pick(Mode::Sync, processed),
        ),
        ("ASYNC p95 wait", o[2], false, pick(Mode::Async, wait)),
        (
            "ASYNC p95 processed",
            o[0],
            true,
            pick(Mode::Async, processed),
        ),
    ]
}

/// Erlang C's p95 time to processed for the async points whose path is
/// an M/M/c station: a curve over utilisation when every point has the
/// same station, else one prediction per point.
pub fn erlang(s: &Sweep) -> Vec<[f64; 2]> {
    let stations: Vec<_> = s
        .points
        .iter()
        .filter(|p| p.mode == Mode::Async)
        .filter_map(|p| p.mmc.map(|m| (m, p.offered_per_s())))
        .collect();
    let Some((first, _)) = stations.first() else {
        return Vec::new();
    };
    if stations.iter().all(|(m, _)| m == first) {
        let cap = f64::from(first.servers) * first.mu_per_s;
        (1..=96)
            .map(|i| {
                let lambda = cap * i as f64 / 100.0;
                [i as f64, log_s(first.processed_quantile_s(lambda, 0.95))]
            })
            .filter(|p| p[1].is_finite())
            .collect()
    } else {
        stations
            .iter()
            .filter(|(m, l)| m.utilisation(*l) < 1.0)
            .map(|(m, l)| {
                [
                    m.utilisation(*l) * 100.0,
                    log_s(m.processed_quantile_s(*l, 0.95)),
                ]
            })
            .filter(|p| p[1].is_finite())
            .collect()
    }
}

/// Grid marks of a log10 axis at 1, 2 and 5 of each decade (1 the major
/// step), so its labels read 100 ms, 200 ms, 500 ms, 1.00 s.
fn log_grid(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    if !(lo.is_finite() && hi.is_finite()) || hi - lo > 40.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    for decade in (lo.floor() as i32)..=(hi.ceil() as i32) {
        for (m, step_size) in [(1.0_f64, 1.0), (2.0, 0.3), (5.0, 0.3)] {
            let value = f64::from(decade) + m.log10();
            if (lo..=hi).contains(&value) {
                marks.push(egui_plot::GridMark { value, step_size });
            }
        }
    }
    marks
}

/// The plot (log time against utilisation) and the table of points.
fn curve_ui(ui: &mut egui::Ui, s: &Sweep, live: Option<LivePoint>) {
    ui.label(format!(
        "{}: {} swept, {} per run, {} seed(s). x: utilisation of the bottleneck; y: p95, log scale.",
        super::plain(&s.title),
        s.knob.label(),
        crate::fmt::span(s.duration_s),
        s.seeds.len()
    ));
    let series = series(s);
    let erlang = erlang(s);
    // High points sit top right, low ones bottom left: the legend goes
    // top left, where the curve never is.
    let height = (ui.available_height() - 140.0).max(320.0);
    Plot::new("load curve")
        .height(height)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .x_axis_label("bottleneck busy, %")
        .y_axis_label("p95")
        .y_grid_spacer(log_grid)
        .y_axis_formatter(|mark, _| crate::fmt::secs(10f64.powf(mark.value)))
        .x_axis_formatter(|mark, _| format!("{:.0}%", mark.value))
        .label_formatter(|h| match h {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position: p,
                ..
            } => Some(format!(
                "{plot_name}\n{:.1}% busy, {}",
                p.x,
                crate::fmt::secs(10f64.powf(p.y))
            )),
            _ => None,
        })
        .include_x(0.0)
        .include_x(100.0)
        .show(ui, |p| {
            // Waits are solid lines with dots; times to processed dashed
            // with diamonds, so sync's two (nearly equal) stay apart.
            for (name, colour, processed, pts) in series {
                if pts.is_empty() {
                    continue;
                }
                let (style, shape) = if processed {
                    (egui_plot::LineStyle::dashed_dense(), MarkerShape::Diamond)
                } else {
                    (egui_plot::LineStyle::Solid, MarkerShape::Circle)
                };
                // Unnamed: the legend shows the dots only.
                p.line(
                    Line::new("", pts.clone())
                        .color(colour)
                        .style(style)
                        .id((name, "line")),
                );
                p.points(
                    Points::new(name, pts)
                        .color(colour)
                        .shape(shape)
                        .filled(true)
                        .radius(if processed { 5.0 } else { 3.5 }),
                );
            }
            if let Some(l) = live {
                // Where the run on screen stands now, among the sweep's.
                let mode = l.mode.map_or("mixed", crate::words::mode);
                p.points(
                    Points::new(
                        format!("live run now ({mode})"),
                        vec![[l.busy_pct, log_s(l.wait_p95_s)]],
                    )
                    .color(palette::LIVE)
                    .shape(MarkerShape::Square)
                    .filled(false)
                    .radius(7.0),
                );
            }
            if !erlang.is_empty() {
                p.line(
                    Line::new("Erlang C p95 (M/M/c)", erlang)
                        .color(palette::SLA)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        });
    table_ui(ui, s);
}

/// One row per point: value, mode, offered, bottleneck, busy, p95s.
fn table_ui(ui: &mut egui::Ui, s: &Sweep) {
    egui::CollapsingHeader::new("Points").show(ui, |ui| {
        egui::ScrollArea::vertical()
            .max_height(160.0)
            .show(ui, |ui| {
                egui::Grid::new("sweep points")
                    .striped(true)
                    .show(ui, |ui| {
                        for h in [
                            "value",
                            "mode",
                            "offered",
                            "busy",
                            "p95 wait",
                            "p95 processed",
                        ] {
                            ui.label(egui::RichText::new(h).strong());
                        }
                        ui.end_row();
                        for p in &s.points {
                            ui.label(format!("{}", p.value));
                            ui.label(crate::words::mode(p.mode));
                            ui.label(crate::fmt::rate(p.offered_per_s()));
                            ui.label(crate::fmt::share(p.bottleneck_utilisation()));
                            ui.label(crate::fmt::secs(p.wait.map_or(f64::NAN, |q| q.p95)));
                            ui.label(crate::fmt::secs(p.processed.map_or(f64::NAN, |q| q.p95)));
                            ui.end_row();
                        }
                    });
            });
    });
}
