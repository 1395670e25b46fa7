//! Drawing a journey: the waterfall of bars, its time axis, the marks
//! (gave up, the acknowledgement) and the legend.

use super::layout::*;
use super::palette;
use crate::sim::trace::{SpanKind, Trace};
use egui::{Color32, RichText};

pub(super) const ROW_H: f32 = 18.0;
/// Width of the row labels, points.
pub(super) const LABEL_W: f32 = 80.0;

/// Draws `t`'s waterfall (with the twin's name above it when comparing),
/// its axis cut at the user's wait when `wait_only`; returns the bars
/// drawn.
pub(super) fn waterfall_ui(
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
pub(super) fn axis_ui(
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
pub(super) fn marks_ui(
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
pub(super) fn bar_colour(b: &Bar) -> Color32 {
    if b.under_way {
        palette::JOURNEY[14]
    } else {
        colour(b.kind)
    }
}

/// A bar's name, for the legend and hover.
pub(super) fn bar_word(b: &Bar) -> &'static str {
    if b.under_way {
        UNDER_WAY
    } else {
        kind_word(b.kind)
    }
}

/// The colours used by this waterfall, and its marks with their times.
pub(super) fn legend_ui(ui: &mut egui::Ui, w: &Waterfall) {
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
