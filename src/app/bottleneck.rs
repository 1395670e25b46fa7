//! The bottleneck strip under the headline: which stage limits throughput
//! now, with its arithmetic from the live settings and the rates measured
//! over the last few windows, what that does to users, how the async
//! queue grows or drains, and what doubling the bottleneck would buy.
//!
//! The sentences are [`crate::explain`]'s, the same the command line
//! prints, made from [`capacity::analyse`] of the live settings and
//! [`measured_span`] of the run's closed windows.

use super::diagram::Busy;
use super::palette;
use crate::explain::{self, Explanation};
use crate::host::Snapshot;
use crate::sim::capacity::{self, Measured};
use crate::sim::{Marker, Window};
use std::collections::VecDeque;

/// Closed windows the rates are measured over, at most: the span of the
/// headline's percentiles with the default 1 s windows (10 s), so a change
/// shows within seconds of it yet Poisson noise moves a 130/s rate by
/// about 4/s, not 11/s as over one window.
pub const MEASURE_WINDOWS: usize = 10;

/// The strip: it keeps the run's last windows and the sentences about
/// them.
#[derive(Default)]
pub struct BottleneckStrip {
    /// The newest closed windows of the run (of twin 0 when comparing).
    windows: VecDeque<Window>,
    /// The run they belong to.
    run_id: u64,
    /// The sentences for this frame.
    words: Option<Explanation>,
    /// Seconds of sim time the rates were measured over.
    span_s: f64,
    /// Comparing twins: the name of the twin described (the first).
    twin: Option<String>,
    /// Busy fractions over the span the sentences measured: what the
    /// diagram colours its stations by.
    busy: Option<Busy>,
}

/// The windows to measure rates over: the newest [`MEASURE_WINDOWS`] that
/// began after the last change to the settings
/// ([`capacity::last_change_s`], the rule the command line's bottleneck
/// uses too), so rates and capacities describe the same settings; just
/// after a change, the newest window alone. `windows` are oldest first,
/// each `window_s` long.
pub fn measured_span<'w>(windows: &'w [Window], markers: &[Marker], window_s: f64) -> &'w [Window] {
    let changed_s = capacity::last_change_s(markers);
    let after = windows
        .iter()
        .rev()
        .take(MEASURE_WINDOWS)
        .take_while(|w| w.t_s - window_s >= changed_s - 1e-9)
        .count()
        .max(1)
        .min(windows.len());
    &windows[windows.len() - after..]
}

/// The sentences about a run with `snap`'s live settings and gauges over
/// `windows` (oldest first): `None` before the first window closes.
pub fn explanation(snap: &Snapshot, windows: &[Window]) -> Option<(Explanation, f64)> {
    let span = measured_span(windows, &snap.first().markers, snap.first().live.window_s);
    if span.is_empty() {
        return None;
    }
    let m = Measured::from_windows(span, snap.first().live.window_s);
    let a = capacity::analyse(&snap.first().live, &m, snap.first().gauges.outage);
    Some((
        explain::explain(&a, &snap.first().live, &snap.first().gauges),
        m.span_s,
    ))
}

/// Busy fractions of server, database and queue workers over the span
/// [`explanation`] measures.
pub fn busy_over_span(snap: &Snapshot, windows: &[Window]) -> Option<Busy> {
    let span = measured_span(windows, &snap.first().markers, snap.first().live.window_s);
    if span.is_empty() {
        return None;
    }
    let m = Measured::from_windows(span, snap.first().live.window_s);
    Some(Busy {
        server: m.util_server,
        db: m.util_db,
        workers: m.util_workers,
    })
}

impl BottleneckStrip {
    /// Takes the snapshot's new windows and makes this frame's sentences.
    pub fn absorb(&mut self, snap: &Snapshot) {
        if snap.run_id != self.run_id {
            self.run_id = snap.run_id;
            self.windows.clear();
        }
        let keep = MEASURE_WINDOWS;
        let new = &snap.first().new_windows;
        self.windows
            .extend(new[new.len().saturating_sub(keep)..].iter().cloned());
        while self.windows.len() > keep {
            self.windows.pop_front();
        }
        self.twin = snap.compare.then(|| snap.first().name.clone());
        let windows: Vec<Window> = self.windows.iter().cloned().collect();
        match explanation(snap, &windows) {
            Some((words, span_s)) => {
                self.words = Some(words);
                self.span_s = span_s;
            }
            None => self.words = None,
        }
        self.busy = busy_over_span(snap, &windows);
    }

    /// Busy fractions over the span the sentences measured (`None` before
    /// the first window closes).
    pub fn busy(&self) -> Option<Busy> {
        self.busy
    }

    /// The sentences shown now (tests read them).
    pub fn words(&self) -> Option<&Explanation> {
        self.words.as_ref()
    }

    /// Lines the strip takes: its headline and, unless `one_line`, the
    /// lines below it (what it does to users unless in presentation mode,
    /// the queue, the next bottleneck). Always this many, said or empty,
    /// so the strip keeps its height when the sentences come and go.
    pub fn lines(presentation: bool, one_line: bool) -> usize {
        match (one_line, presentation) {
            (true, _) => 1,
            (false, true) => 3,
            (false, false) => 4,
        }
    }

    /// Draws the strip on [`BottleneckStrip::lines`] lines of one row
    /// each, every sentence cut with "…" when it is too long (the whole on
    /// hover): the headline in bold, then what it does to users, the
    /// queue and the next bottleneck; every stage's arithmetic and the
    /// estimates on hover. In presentation mode the headline, the queue
    /// and the next one only; `one_line`: the headline only.
    pub fn ui(&self, ui: &mut egui::Ui, presentation: bool, one_line: bool) {
        let lines = Self::lines(presentation, one_line);
        let Some(words) = &self.words else {
            let wait = "Bottleneck: waiting for the first window to close.";
            let weak = ui.visuals().weak_text_color();
            row(ui, vec![(wait.to_string(), weak)], None);
            blank_rows(ui, lines - 1);
            return;
        };
        let dark = ui.visuals().dark_mode;
        let accent = palette::text(palette::caption(dark), dark);
        let of = self
            .twin
            .as_ref()
            .map_or(String::new(), |n| format!(", twin {n}"));
        let span = crate::fmt::span(self.span_s.max(0.0));
        let strong = ui.visuals().strong_text_color();
        let weak = ui.visuals().weak_text_color();
        row(
            ui,
            vec![
                ("Bottleneck now ".to_string(), accent),
                (format!("(last {span}{of}) "), weak),
                (say(ui.ctx(), &words.headline), strong),
            ],
            Some(stages_text(words)),
        );
        let mut rest: Vec<&String> = Vec::new();
        if !presentation {
            rest.extend(words.consequence.iter());
        }
        rest.extend(words.queue.iter());
        rest.extend(words.next.iter());
        let color = ui.visuals().text_color();
        let shown = rest.len().min(lines - 1);
        let plain = super::room::plain_words(ui.ctx());
        for line in &rest[..shown] {
            // In plain words, the engineer's term stays one hover away.
            let hover = if plain {
                crate::glossary::engineer_hover(&text(line))
            } else {
                None
            };
            row(ui, vec![(say(ui.ctx(), line), color)], hover);
        }
        blank_rows(ui, lines - 1 - shown);
    }
}

/// One row of the strip, the full width: `parts` (text, colour) on
/// one line, cut with "…" when too long; the whole text (or `hover`) on
/// hover. Screen readers and tests read the whole text.
fn row(ui: &mut egui::Ui, parts: Vec<(String, egui::Color32)>, hover: Option<String>) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let height = ui.fonts_mut(|f| f.row_height(&font)) + 2.0;
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let mut job = egui::text::LayoutJob {
        wrap: egui::text::TextWrapping::truncate_at_width(width),
        ..Default::default()
    };
    let mut whole = String::new();
    for (t, color) in &parts {
        job.append(
            t,
            0.0,
            egui::TextFormat {
                font_id: font.clone(),
                color: *color,
                ..Default::default()
            },
        );
        whole.push_str(t);
    }
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    let elided = galley.elided;
    ui.painter()
        .galley(rect.min, galley, ui.visuals().text_color());
    let label = whole.trim_end().to_string();
    let response = match hover {
        Some(h) if elided => response.on_hover_text(format!("{label}\n\n{h}")),
        Some(h) => response.on_hover_text(h),
        None if elided => response.on_hover_text(label.clone()),
        None => response,
    };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
}

/// `n` empty rows, so the strip keeps its height.
fn blank_rows(ui: &mut egui::Ui, n: usize) {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let height = ui.fonts_mut(|f| f.row_height(&font)) + 2.0;
    for _ in 0..n {
        ui.allocate_exact_size(
            egui::vec2(ui.available_width(), height),
            egui::Sense::hover(),
        );
    }
}

/// Every stage's arithmetic and the estimates, one per line (hover text).
fn stages_text(words: &Explanation) -> String {
    let mut lines = vec!["Every stage, in actions/s of the present mix:".to_string()];
    lines.extend(words.stages.iter().map(|s| text(s)));
    lines.extend(
        words
            .estimates
            .iter()
            .map(|e| text(&format!("Estimate: {e}"))),
    );
    lines.join("\n")
}

/// `s` in glyphs the app's font has, in the room's words when this
/// frame's plain-language setting is on.
fn say(ctx: &egui::Context, s: &str) -> String {
    super::room::say(ctx, &text(s))
}

/// `s` in glyphs the app's font has.
pub fn text(s: &str) -> String {
    super::plain(s).replace('×', "x")
}
