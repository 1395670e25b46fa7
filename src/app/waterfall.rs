//! One request's journey (View -> Request journey): the run's recent
//! traced actions with their outcomes, and the one picked drawn as a
//! waterfall of spans on one time axis, as a tracing tool draws them.
//!
//! ```text
//!  user        |== waiting ==|            sync: one long wait, its parts
//!  request 1   |net|backlog|CPU|DB wait|write|net|   on the request's row
//!  job 1                       (async)  |queued ...|write|   later
//!  polls                 |-| |-| |-|
//!              0 s ...................................... end
//! ```
//!
//! A user who gave up has their wait end at the patience limit, while the
//! request's row goes on past it: work nobody will use. Comparing twins,
//! the same user (the same arrival number) is drawn in every twin, one
//! waterfall under the other on the same axis.

use super::palette;
use crate::host::Snapshot;
use crate::scenario::Mode;
use crate::sim::trace::{Fate, Lane, Outcome, SpanKind, Trace};
use crate::sim::{Reason, SimTime};
use egui::{Color32, RichText};
use std::sync::Arc;

/// Traced actions listed, newest first, at most.
const LISTED: usize = 200;

/// One bar of a waterfall, seconds after the action's first click.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// Start, s after the first click.
    pub start_s: f64,
    /// End, s after the first click.
    pub end_s: f64,
    /// What it was spent on (`None`: a status poll, sent to answered, or
    /// a phase still under way).
    pub kind: Option<SpanKind>,
    /// A phase still under way at the last update (the action's work has
    /// not ended): from its start to then; what it is is known when it
    /// ends.
    pub under_way: bool,
}

/// What an under-way bar is, for the legend and hover.
pub const UNDER_WAY: &str = "under way (work goes on)";

/// One row: the user, a click's request or job, or the polls.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// "user", "request 1", "job 1", "polls".
    pub label: String,
    /// Its bars in time order.
    pub bars: Vec<Bar>,
}

/// A moment marked across the rows: an outcome, a commit, a dead letter.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// When, s after the first click.
    pub at_s: f64,
    /// What happened: "saved", "accepted", "gave up (patience)", ...
    pub label: String,
}

/// A traced action laid out for drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Waterfall {
    /// Rows, user first.
    pub rows: Vec<Row>,
    /// Outcomes, commits and dead letters.
    pub marks: Vec<Mark>,
    /// The axis' end, s after the first click.
    pub end_s: f64,
    /// The action went through the queue (async).
    pub asynchronous: bool,
    /// The modes the server handled its clicks in, in click order, a
    /// repeat merged (a click refused before the server decided has none):
    /// what the journey's head names.
    pub modes: Vec<Mode>,
}

impl Waterfall {
    /// When the user's wait for their last click ended, s after the first
    /// click (`None` while they still wait).
    pub fn wait_end_s(&self) -> Option<f64> {
        self.rows
            .first()
            .and_then(|r| {
                r.bars
                    .iter()
                    .rev()
                    .find(|b| b.kind == Some(SpanKind::Waiting))
            })
            .map(|b| b.end_s)
    }

    /// Bars in all rows.
    pub fn bars(&self) -> usize {
        self.rows.iter().map(|r| r.bars.len()).sum()
    }
}

/// The waterfall of `t`, times relative to its first click. A phase
/// still under way when `t` was copied (`Trace::as_of`) is a bar from its
/// start to then.
pub fn layout(t: &Trace) -> Waterfall {
    let t0 = t.first_click();
    let rel = |x: SimTime| (x - t0).as_secs_f64();
    let bar = |s: &crate::sim::trace::Span| Bar {
        start_s: rel(s.start),
        end_s: rel(s.end),
        kind: Some(s.kind),
        under_way: false,
    };
    let end = t.as_of.map_or(t.end(), |at| at.max(t.end()));
    let mut rows = vec![Row {
        label: "user".into(),
        bars: t.user_spans(end).iter().map(bar).collect(),
    }];
    for n in 1..=t.clicks.len() as u16 {
        for (lane, label) in [(Lane::Request(n), "request"), (Lane::Job(n), "job")] {
            let mut bars: Vec<Bar> = t.lane(lane).map(bar).collect();
            bars.extend(
                t.in_progress
                    .iter()
                    .filter(|(l, _)| *l == lane)
                    .map(|(_, since)| Bar {
                        start_s: rel(*since),
                        end_s: rel(end),
                        kind: None,
                        under_way: true,
                    }),
            );
            if !bars.is_empty() {
                rows.push(Row {
                    label: format!("{label} {n}"),
                    bars,
                });
            }
        }
    }
    if !t.polls.is_empty() {
        let bars = t
            .polls
            .iter()
            .map(|p| Bar {
                start_s: rel(p.sent),
                end_s: rel(p.answered),
                kind: None,
                under_way: false,
            })
            .collect();
        rows.push(Row {
            label: "polls".into(),
            bars,
        });
    }
    let mut marks: Vec<Mark> = t
        .clicks
        .iter()
        .filter_map(|c| c.outcome)
        .map(|(at, o)| Mark {
            at_s: rel(at),
            label: outcome_word(o).into(),
        })
        .collect();
    marks.extend(t.commits.iter().map(|c| Mark {
        at_s: rel(c.at),
        label: "committed".into(),
    }));
    marks.extend(t.dead_letters.iter().map(|d| Mark {
        at_s: rel(d.1),
        label: "dead letter".into(),
    }));
    Waterfall {
        rows,
        marks,
        end_s: rel(end),
        asynchronous: !t.jobs.is_empty() || t.spans.iter().any(|s| s.kind == SpanKind::Enqueue),
        modes: modes_met(t),
    }
}

/// The mode each click's request met, in click order with repeats merged.
/// The server decides when the request's CPU ends: an enqueue (or a job)
/// means async, a database wait or write on the request's own row means
/// sync; a request refused or still before that has no mode yet.
fn modes_met(t: &Trace) -> Vec<Mode> {
    let mut modes: Vec<Mode> = Vec::new();
    for n in 1..=t.clicks.len() as u16 {
        let on_request = |k: SpanKind| {
            t.spans
                .iter()
                .any(|s| s.lane == Lane::Request(n) && s.kind == k)
        };
        let mode = if on_request(SpanKind::Enqueue) || t.jobs.iter().any(|j| j.0 == Lane::Job(n)) {
            Some(Mode::Async)
        } else if [
            SpanKind::DbWait,
            SpanKind::Write,
            SpanKind::FailedWrite,
            SpanKind::RetryPause,
        ]
        .into_iter()
        .any(on_request)
        {
            Some(Mode::Sync)
        } else {
            None
        };
        if let Some(m) = mode
            && modes.last() != Some(&m)
        {
            modes.push(m);
        }
    }
    modes
}

/// What the user saw, in a word or two.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "saved",
        Outcome::Ack => "accepted",
        Outcome::Error(Reason::Timeout) => "gave up (patience)",
        Outcome::Error(r) => crate::words::reason(r),
    }
}

/// What became of the action, for the list.
pub fn fate_word(t: &Trace) -> String {
    if t.user_done && !t.finished {
        // The user has the final outcome; the work it caused goes on.
        return match t.fate() {
            Fate::Failed(Reason::Timeout) => "gave up, work goes on".into(),
            Fate::Failed(r) => format!("{}, work goes on", crate::words::reason(r)),
            _ if !t.jobs.is_empty() => "accepted, job under way".into(),
            _ => "answered, work goes on".into(),
        };
    }
    match t.fate() {
        Fate::InFlight => "under way".into(),
        Fate::Succeeded if t.jobs.is_empty() => "saved".into(),
        Fate::Succeeded => "processed".into(),
        Fate::Failed(Reason::Timeout) => "gave up".into(),
        Fate::Failed(r) => crate::words::reason(r).into(),
        Fate::DeadLettered => "accepted, dead-lettered".into(),
    }
}

/// What a span was spent on, for the legend and hover.
pub fn kind_word(k: Option<SpanKind>) -> &'static str {
    let Some(k) = k else {
        return "status poll";
    };
    match k {
        SpanKind::Waiting => "user waits",
        SpanKind::Think => "user thinks",
        SpanKind::NetworkOut => "network out",
        SpanKind::AcceptBacklog => "accept backlog",
        SpanKind::Cpu => "CPU",
        SpanKind::DbWait => "waiting for a DB connection",
        SpanKind::Write => "write",
        SpanKind::FailedWrite => "failed write",
        SpanKind::RetryPause => "retry pause",
        SpanKind::Enqueue => "enqueue",
        SpanKind::NetworkBack => "network back",
        SpanKind::Queued => "queued",
        SpanKind::Backoff => "backoff",
    }
}

/// A span's colour: one per kind, none shared (the theme table's
/// journey colours): network and the user's own time grey, waiting in a
/// line amber to brown, work blue and green, failures red.
fn colour(k: Option<SpanKind>) -> Color32 {
    palette::JOURNEY[match k {
        None => 0,
        Some(SpanKind::Waiting) => 1,
        Some(SpanKind::Think) => 2,
        Some(SpanKind::NetworkOut) => 3,
        Some(SpanKind::NetworkBack) => 4,
        Some(SpanKind::AcceptBacklog) => 5,
        Some(SpanKind::Cpu) => 6,
        Some(SpanKind::DbWait) => 7,
        Some(SpanKind::Write) => 8,
        Some(SpanKind::FailedWrite) => 9,
        Some(SpanKind::RetryPause) => 10,
        Some(SpanKind::Enqueue) => 11,
        Some(SpanKind::Queued) => 12,
        Some(SpanKind::Backoff) => 13,
    }]
}

/// The Request journey window.
#[derive(Default)]
pub struct Journey {
    /// Shown.
    pub open: bool,
    /// The action picked, by arrival number.
    picked: Option<u64>,
    /// Bars drawn in the last frame (tests).
    drawn: usize,
    /// The axis ends where the user's wait ends (the rest is cut off and
    /// said so), instead of at the journey's end.
    wait_only: bool,
    /// The list shows failed and dead-lettered actions only.
    failures_only: bool,
    /// The list as it was when the pointer came onto it: held still while
    /// the pointer is there, so an action can be picked while the run
    /// plays (new traces would otherwise push the rows down under it).
    held: Option<Arc<Vec<Trace>>>,
}

impl Journey {
    /// Bars the waterfall drew in the last frame.
    pub fn drawn(&self) -> usize {
        self.drawn
    }

    /// The action picked, by arrival number.
    pub fn picked(&self) -> Option<u64> {
        self.picked
    }

    /// Opens the window on action `seq` (its dot on the wait plot was
    /// clicked).
    pub fn pick(&mut self, seq: u64) {
        self.open = true;
        self.picked = Some(seq);
    }

    /// Whether the list is held still under the pointer.
    pub fn list_held(&self) -> bool {
        self.held.is_some()
    }

    /// Draws the window while it is open.
    pub fn ui(&mut self, ctx: &egui::Context, snap: &Snapshot) {
        self.drawn = 0;
        if !self.open {
            return;
        }
        let mut open = self.open;
        egui::Window::new("Request journey")
            .open(&mut open)
            .default_size([900.0, 520.0])
            .resizable(true)
            .show(ctx, |ui| self.contents(ui, snap));
        self.open = open;
    }

    /// The list on the left, the waterfall (or one per twin) on the right.
    fn contents(&mut self, ui: &mut egui::Ui, snap: &Snapshot) {
        let traces = &snap.first().traces;
        if self
            .picked
            .is_none_or(|p| !traces.iter().any(|t| t.seq == p))
        {
            // The newest finished action until one is picked; a picked one
            // stays until the run forgets it.
            self.picked = traces.last().map(|t| t.seq);
        }
        ui.label(
            "Traced actions (one in 100 by arrival: the last 300 finished, the last failures of each kind, \
             and the newest 100 whose user has an answer while the work goes on). \
             Pick one to see its spans on one time axis; hover a bar for its length.",
        );
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(300.0_f32.min(ui.available_width() * 0.35));
                let live = Arc::clone(traces);
                let shown = self.held.clone().unwrap_or(live);
                let area = self.list(ui, &shown);
                let over = ui.rect_contains_pointer(area);
                match (over, self.held.is_some()) {
                    (true, false) => self.held = Some(shown),
                    (false, true) => self.held = None,
                    _ => {}
                }
            });
            ui.separator();
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    ui.label("Time axis:");
                    ui.selectable_value(&mut self.wait_only, false, "the whole journey");
                    ui.selectable_value(&mut self.wait_only, true, "the user's wait");
                });
                let zoom = self.wait_only;
                let Some(seq) = self.picked else {
                    ui.label("No traced action has finished yet: let the run play a little.");
                    return;
                };
                let clients: Vec<String> = snap.first().live.client_names();
                // The same user in every run (one solo): named when comparing.
                for run in &snap.runs {
                    let name = snap.compare.then_some(run.name.as_str());
                    match run.traces.iter().find(|t| t.seq == seq) {
                        Some(t) => self.drawn += waterfall_ui(ui, t, name, zoom, &clients),
                        None => {
                            ui.label(format!(
                                "{}: this user's action is still under way, or no longer kept.",
                                run.name
                            ));
                        }
                    }
                    if snap.compare {
                        ui.separator();
                    }
                }
            });
        });
    }

    /// The traced actions, newest first: arrival number, when, outcome and
    /// the wait the user saw. Returns the rows' area (the filter buttons
    /// above it are not part of it).
    fn list(&mut self, ui: &mut egui::Ui, traces: &[Trace]) -> egui::Rect {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.failures_only, false, "all");
            ui.selectable_value(&mut self.failures_only, true, "failed only");
        });
        if traces.is_empty() {
            return ui.label("(none yet)").rect;
        }
        let failed = |t: &&Trace| t.fate().is_failure();
        let shown: Vec<&Trace> = if self.failures_only {
            traces.iter().rev().filter(failed).take(LISTED).collect()
        } else {
            traces.iter().rev().take(LISTED).collect()
        };
        if shown.is_empty() {
            ui.label("(no failures kept)");
        }
        let held = self.held.is_some();
        ui.weak(if held {
            "Held while the pointer is on the list."
        } else {
            "Newest first; the list holds still under the pointer."
        });
        egui::ScrollArea::both()
            .id_salt("journey list")
            .max_height(ui.available_height().max(200.0))
            .show(ui, |ui| {
                // One row per action, never wrapped between a number and
                // its unit: a narrow list scrolls sideways instead.
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                for t in shown {
                    let wait = t.user_wait().map_or(f64::NAN, SimTime::as_secs_f64);
                    let text = format!(
                        "#{} {} · {} · {}",
                        t.seq,
                        crate::fmt::clock(t.first_click().as_secs_f64()),
                        fate_word(t),
                        crate::fmt::secs(wait)
                    );
                    let on = self.picked == Some(t.seq);
                    if ui.selectable_label(on, text).clicked() {
                        self.picked = Some(t.seq);
                    }
                }
            })
            .inner_rect
    }
}

/// The line above a waterfall: the twin's name when comparing, the
/// action, the modes its clicks met ("SYNC → ASYNC" when a switch came
/// between them; none when no click reached the point the server decides),
/// what became of it, the wait and the time to processed.
pub fn head(t: &Trace, w: &Waterfall, twin: Option<&str>) -> String {
    let modes: Vec<&str> = w.modes.iter().map(|m| crate::words::mode(*m)).collect();
    let mode = if modes.is_empty() {
        String::new()
    } else {
        format!(" ({})", modes.join(" → "))
    };
    format!(
        "{}#{}{mode}: {} · user wait {} · time to processed {}",
        twin.map_or(String::new(), |n| format!("{n}: ")),
        t.seq,
        fate_word(t),
        crate::fmt::secs(t.user_wait().map_or(f64::NAN, SimTime::as_secs_f64)),
        crate::fmt::secs(t.time_to_processed().map_or(f64::NAN, SimTime::as_secs_f64)),
    )
}

/// Height of one row, points.
const ROW_H: f32 = 18.0;
/// Width of the row labels, points.
const LABEL_W: f32 = 80.0;

/// Draws `t`'s waterfall (with the twin's name above it when comparing),
/// its axis cut at the user's wait when `wait_only`; returns the bars
/// drawn.
fn waterfall_ui(
    ui: &mut egui::Ui,
    t: &Trace,
    twin: Option<&str>,
    wait_only: bool,
    clients: &[String],
) -> usize {
    let w = layout(t);
    let axis_s = if wait_only {
        w.wait_end_s().unwrap_or(w.end_s)
    } else {
        w.end_s
    };
    let head = head(t, &w, twin);
    ui.horizontal_wrapped(|ui| {
        // With several clients, the action's client in its own colour (as
        // its lane and its lines).
        let client = usize::from(t.client);
        if clients.len() > 1
            && let Some(name) = clients.get(client)
        {
            let ink = palette::text(palette::client(client), ui.visuals().dark_mode);
            ui.label(RichText::new(name).strong().color(ink));
        }
        ui.label(RichText::new(head).strong());
    });
    let rows = w.rows.len() as f32;
    let width = ui.available_width().max(LABEL_W + 100.0);
    let height = ROW_H * (rows + 2.2);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let text_col = ui.visuals().text_color();
    let font = egui::FontId::proportional(12.0);
    let x0 = rect.left() + LABEL_W;
    let span_s = axis_s.max(1e-3);
    let to_x = |s: f64| x0 + ((s / span_s) as f32).clamp(0.0, 1.0) * (rect.right() - x0 - 4.0);
    let mut drawn = 0;
    let mut hovered: Option<String> = None;
    let pointer = response.hover_pos();
    for (i, row) in w.rows.iter().enumerate() {
        let y = rect.top() + ROW_H * i as f32;
        painter.text(
            egui::pos2(rect.left(), y + ROW_H / 2.0),
            egui::Align2::LEFT_CENTER,
            &row.label,
            font.clone(),
            text_col,
        );
        for b in row.bars.iter().filter(|b| b.start_s <= span_s) {
            let (a, z) = (to_x(b.start_s), to_x(b.end_s));
            // A bar is at least 2 points wide: a 70 ms acknowledgement
            // still shows on a minute's axis.
            let r = egui::Rect::from_min_max(
                egui::pos2(a, y + 3.0),
                egui::pos2(z.max(a + 2.0), y + ROW_H - 3.0),
            );
            painter.rect_filled(r, 1.0, bar_colour(b));
            drawn += 1;
            if pointer.is_some_and(|p| r.expand2(egui::vec2(1.0, 0.0)).contains(p)) {
                hovered = Some(format!(
                    "{}: {} (from {} to {})",
                    bar_word(b),
                    crate::fmt::secs(b.end_s - b.start_s),
                    crate::fmt::secs(b.start_s),
                    crate::fmt::secs(b.end_s)
                ));
            }
        }
    }
    let axis_y = rect.top() + ROW_H * rows;
    marks_ui(&painter, &w, span_s, (rect.top(), axis_y), &to_x);
    axis_ui(&painter, (rect, axis_y), (span_s, w.end_s), &to_x, text_col);
    if let Some(text) = hovered {
        response.on_hover_text_at_pointer(text);
    }
    legend_ui(ui, &w);
    drawn
}

/// Five ticks under the rows, from 0 to `span_s`, and a note when the
/// axis is cut before the journey's end `end_s`. `(rect, axis_y)`: the
/// waterfall's rectangle and the axis' height in it.
fn axis_ui(
    painter: &egui::Painter,
    (rect, axis_y): (egui::Rect, f32),
    (span_s, end_s): (f64, f64),
    to_x: &dyn Fn(f64) -> f32,
    text_col: Color32,
) {
    let font = egui::FontId::proportional(12.0);
    for i in 0..=4 {
        let s = span_s * f64::from(i) / 4.0;
        let align = match i {
            0 => egui::Align2::LEFT_TOP,
            4 => egui::Align2::RIGHT_TOP,
            _ => egui::Align2::CENTER_TOP,
        };
        let tick = if i == 0 {
            "0".to_string()
        } else {
            crate::fmt::secs(s)
        };
        painter.text(
            egui::pos2(to_x(s), axis_y + 2.0),
            align,
            tick,
            font.clone(),
            text_col,
        );
    }
    if span_s < end_s - 1e-9 {
        let cut = format!(
            "cut at the user's wait: the journey goes on to {}",
            crate::fmt::secs(end_s)
        );
        let at = egui::pos2(rect.right(), axis_y + ROW_H);
        painter.text(at, egui::Align2::RIGHT_TOP, cut, font.clone(), text_col);
    }
}

/// Thin vertical lines at outcomes, commits and dead letters (listed with
/// their times under the legend); giving up and dead letters are red.
fn marks_ui(
    painter: &egui::Painter,
    w: &Waterfall,
    axis_s: f64,
    (top, bottom): (f32, f32),
    to_x: &dyn Fn(f64) -> f32,
) {
    for m in w.marks.iter().filter(|m| m.at_s <= axis_s) {
        let x = to_x(m.at_s);
        let col = match m.label.as_str() {
            "gave up (patience)" | "dead letter" => palette::RED,
            "committed" => palette::COMMITS,
            _ => palette::ANSWERS,
        };
        painter.line_segment(
            [egui::pos2(x, top), egui::pos2(x, bottom)],
            egui::Stroke::new(1.5, col),
        );
    }
}

/// A bar's colour: its kind's, or grey while under way.
fn bar_colour(b: &Bar) -> Color32 {
    if b.under_way {
        palette::JOURNEY[14]
    } else {
        colour(b.kind)
    }
}

/// A bar's name, for the legend and hover.
fn bar_word(b: &Bar) -> &'static str {
    if b.under_way {
        UNDER_WAY
    } else {
        kind_word(b.kind)
    }
}

/// The colours used by this waterfall, and its marks with their times.
fn legend_ui(ui: &mut egui::Ui, w: &Waterfall) {
    let mut seen: Vec<(Option<SpanKind>, bool)> = Vec::new();
    let mut bars: Vec<&Bar> = Vec::new();
    for b in w.rows.iter().flat_map(|r| &r.bars) {
        if !seen.contains(&(b.kind, b.under_way)) {
            seen.push((b.kind, b.under_way));
            bars.push(b);
        }
    }
    ui.horizontal_wrapped(|ui| {
        for b in bars {
            let (r, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
            ui.painter().rect_filled(r, 2.0, bar_colour(b));
            ui.label(bar_word(b));
        }
    });
    let marks: Vec<String> = w
        .marks
        .iter()
        .map(|m| format!("{} at {}", m.label, crate::fmt::secs(m.at_s)))
        .collect();
    if !marks.is_empty() {
        ui.label(RichText::new(format!("Lines: {}", marks.join(" · "))).weak());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::trace::{Click, Span};

    fn span(lane: Lane, kind: SpanKind, from_s: f64, to_s: f64) -> Span {
        Span {
            lane,
            kind,
            start: SimTime::from_secs_f64(from_s),
            end: SimTime::from_secs_f64(to_s),
        }
    }

    fn click(at_s: f64, outcome: Outcome, after_s: f64) -> Click {
        Click {
            at: SimTime::from_secs_f64(at_s),
            outcome: Some((SimTime::from_secs_f64(at_s + after_s), outcome)),
            measured_wait: Some(SimTime::from_secs_f64(after_s)),
        }
    }

    /// A user who clicked during SYNC, gave up waiting for the database,
    /// and clicked again after the switch to ASYNC.
    fn sync_then_async() -> Trace {
        Trace {
            seq: 7,
            client: 0,
            endpoint: 0,
            clicks: vec![
                click(0.0, Outcome::Error(Reason::Timeout), 15.0),
                click(20.0, Outcome::Ack, 0.1),
            ],
            spans: vec![
                span(Lane::Request(1), SpanKind::NetworkOut, 0.0, 0.02),
                span(Lane::Request(1), SpanKind::Cpu, 0.02, 0.03),
                span(Lane::Request(1), SpanKind::DbWait, 0.03, 16.0),
                span(Lane::Request(2), SpanKind::NetworkOut, 20.0, 20.02),
                span(Lane::Request(2), SpanKind::Cpu, 20.02, 20.03),
                span(Lane::Request(2), SpanKind::Enqueue, 20.03, 20.05),
            ],
            commits: Vec::new(),
            jobs: vec![(Lane::Job(2), SimTime::from_secs_f64(20.05))],
            dead_letters: Vec::new(),
            polls: Vec::new(),
            polls_sent: 0,
            in_progress: Vec::new(),
            user_done: true,
            finished: false,
            truncated: false,
            as_of: None,
        }
    }

    #[test]
    fn span_kinds_never_share_a_colour() {
        let kinds = [
            None,
            Some(SpanKind::Waiting),
            Some(SpanKind::Think),
            Some(SpanKind::NetworkOut),
            Some(SpanKind::NetworkBack),
            Some(SpanKind::AcceptBacklog),
            Some(SpanKind::Cpu),
            Some(SpanKind::DbWait),
            Some(SpanKind::Write),
            Some(SpanKind::FailedWrite),
            Some(SpanKind::RetryPause),
            Some(SpanKind::Enqueue),
            Some(SpanKind::Queued),
            Some(SpanKind::Backoff),
        ];
        // A bar still under way has its own grey too.
        let mut seen = vec![(palette::JOURNEY[14], UNDER_WAY)];
        for k in kinds {
            let c = colour(k);
            if let Some((_, other)) = seen.iter().find(|(s, _)| *s == c) {
                panic!("{} and {other} share a colour", kind_word(k));
            }
            seen.push((c, kind_word(k)));
        }
    }

    #[test]
    fn the_head_names_the_modes_the_clicks_met() {
        let t = sync_then_async();
        let w = layout(&t);
        assert_eq!(w.modes, [Mode::Sync, Mode::Async]);
        assert!(
            head(&t, &w, None).starts_with("#7 (SYNC → ASYNC): "),
            "{}",
            head(&t, &w, None)
        );
        // Only the first click, still in SYNC: no word of ASYNC.
        let mut first = t.clone();
        first.clicks.truncate(1);
        first.spans.retain(|s| s.lane == Lane::Request(1));
        first.jobs.clear();
        let w = layout(&first);
        assert!(head(&first, &w, None).starts_with("#7 (SYNC): "));
        // Refused before the server decided: no mode claimed.
        let mut refused = first.clone();
        refused.spans.retain(|s| s.kind == SpanKind::NetworkOut);
        refused.clicks[0].outcome = Some((
            SimTime::from_secs_f64(0.05),
            Outcome::Error(Reason::ServerBusy),
        ));
        let w = layout(&refused);
        assert!(
            head(&refused, &w, None).starts_with("#7: "),
            "{}",
            head(&refused, &w, None)
        );
    }
}
