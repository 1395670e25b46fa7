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
//!
//! What a journey is drawn from (bars, rows, marks, their words and
//! colours): `layout.rs`; the drawing (the waterfall, its axis, marks and
//! legend): `draw.rs`; the window that lists the traced actions: here.

mod draw;
mod layout;

pub use layout::*;

use super::palette;
use crate::host::Snapshot;
use crate::sim::SimTime;
use crate::sim::trace::Trace;
use draw::*;
use std::sync::Arc;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Mode;
    use crate::sim::Reason;
    use crate::sim::trace::{Click, Lane, Outcome, Span, SpanKind};

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
