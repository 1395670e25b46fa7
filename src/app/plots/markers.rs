//! Markers on the plots: a dashed vertical line at each mode switch,
//! scripted event or user change, red bands over database outages, and
//! captions beside the lines on the first plot; the scene's clock cues as
//! a faint band over each slow stretch and a dotted line at each pause.

use super::PlotContext;
use crate::app::palette;
use crate::scenario::Cue;
use crate::sim::{Marker, MarkerKind};
use egui::Color32;
use egui_plot::{LineStyle, PlotPoint, PlotTransform, PlotUi, Span, VLine};

/// Vertical lines where the mode switched or a scripted event fired.
/// Unnamed, so they stay out of the legends.
pub(crate) fn markers(p: &mut PlotUi<'_>, pc: &PlotContext<'_>, dark: bool) {
    let (x0, x1) = pc.x_range;
    // Database outages as a red band from "DB outage" to "DB back".
    let mut open: Option<f64> = None;
    let mut bands = Vec::new();
    for m in pc.markers.iter().filter(|m| m.kind() == MarkerKind::Outage) {
        if m.change == crate::sim::Change::OutageEnd {
            if let Some(t0) = open.take() {
                bands.push((t0, m.t_s));
            }
        } else if open.is_none() {
            open = Some(m.t_s);
        }
    }
    if let Some(t0) = open {
        bands.push((t0, x1.max(t0)));
    }
    for (a, b) in bands {
        if b < x0 || a > x1 {
            continue;
        }
        p.span(Span::new("", a.max(x0)..=b.min(x1)).fill(palette::RED.gamma_multiply(0.14)));
    }
    for (i, c) in pc.cues.iter().enumerate() {
        match c {
            Cue::Slow { from_s, to_s, .. } if *to_s >= x0 && *from_s <= x1 => {
                let band = from_s.max(x0)..=to_s.min(x1);
                p.span(Span::new("", band).fill(palette::CUE.gamma_multiply(0.10)));
            }
            Cue::Pause { at_s, .. } if *at_s >= x0 && *at_s <= x1 => {
                p.vline(
                    VLine::new("", *at_s)
                        .color(palette::CUE)
                        .id(("cue", i))
                        .style(LineStyle::dotted_dense()),
                );
            }
            _ => {}
        }
    }
    for (i, m) in pc.markers.iter().enumerate() {
        if m.t_s < x0 || m.t_s > x1 {
            continue;
        }
        p.vline(
            VLine::new("", m.t_s)
                .color(marker_color(m, dark))
                .id(("marker", i))
                .style(LineStyle::dashed_dense()),
        );
    }
}

/// The marker whose line is nearest `pos` (screen) within a few points,
/// if any: a click there selects its event.
pub(super) fn near(
    pos: egui::Pos2,
    transform: &PlotTransform,
    pc: &PlotContext<'_>,
) -> Option<Marker> {
    const REACH: f32 = 6.0;
    let (x0, x1) = pc.x_range;
    pc.markers
        .iter()
        .filter(|m| m.t_s >= x0 && m.t_s <= x1)
        .map(|m| {
            let x = transform.position_from_point(&PlotPoint::new(m.t_s, 0.0)).x;
            ((x - pos.x).abs(), m)
        })
        .filter(|(d, _)| *d <= REACH)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, m)| m.clone())
}

fn marker_color(m: &Marker, dark: bool) -> Color32 {
    match m.kind() {
        MarkerKind::Mode => palette::MODE_MARK,
        MarkerKind::Caption => palette::caption(dark),
        MarkerKind::Outage => palette::RED,
        MarkerKind::Change => Color32::GRAY,
    }
}

/// Caption text beside each marker line of the first plot, painted over
/// the plot so it never widens the plot's bounds. Captions never overlap:
/// each takes the first of four rows where it fits; one that fits nowhere
/// is cut to its first word (or to a dot), and every caption shows its full
/// text on hover.
pub(crate) fn captions(ui: &egui::Ui, transform: &PlotTransform, pc: &PlotContext<'_>) {
    const ROWS: usize = 4;
    let (x0, x1) = pc.x_range;
    let frame = *transform.frame();
    let painter = ui.painter_at(frame);
    let font = egui::FontId::proportional(11.0);
    let mut taken: Vec<Vec<(f32, f32)>> = vec![Vec::new(); ROWS];
    let dark = ui.visuals().dark_mode;
    // The scene's clock cues first: a pause is where the presenter talks.
    let cues = pc.cues.iter().map(|c| {
        let at = match c {
            Cue::Slow { from_s, .. } => *from_s,
            Cue::Pause { at_s, .. } => *at_s,
        };
        let text = crate::app::plain(&crate::words::clock_cue(c));
        (at, text, palette::CUE, true)
    });
    let markers = pc.markers.iter().map(|m| {
        let mut full = crate::app::plain(&crate::words::change(&m.change, pc.settings));
        if m.skipped {
            full = crate::app::plain(&crate::words::cue(&m.change, pc.settings));
        } else if m.held {
            // A twin keeps its own mode: the script's switch did nothing.
            full.push_str(" (script; held: twins keep their modes)");
        }
        (m.t_s, full, marker_color(m, dark), false)
    });
    let shown = cues
        .chain(markers)
        .enumerate()
        .filter(|(_, (t_s, ..))| *t_s >= x0 && *t_s <= x1);
    for (i, (t_s, full, color, cue)) in shown {
        let x = transform.position_from_point(&PlotPoint::new(t_s, 0.0)).x + 3.0;
        let first_word = full.split_whitespace().next().unwrap_or("•").to_string();
        let candidates = [short(&full), format!("{first_word}…"), "•".to_string()];
        let placed = candidates.iter().find_map(|text| {
            let galley = painter.layout_no_wrap(text.clone(), font.clone(), color);
            let w = galley.size().x + 4.0;
            // Right of its line, or left of it near the plot's right edge.
            let left = if x + w > frame.right() {
                x - w - 3.0
            } else {
                x
            };
            let right = left + w;
            let row =
                (0..ROWS).find(|r| taken[*r].iter().all(|(a, b)| right <= *a || left >= *b))?;
            taken[row].push((left, right));
            Some((galley, row, left))
        });
        let Some((galley, row, left)) = placed else {
            continue;
        };
        let pos = egui::pos2(left, frame.top() + 2.0 + 13.0 * row as f32);
        let rect = egui::Rect::from_min_size(pos, galley.size());
        painter.galley(pos, galley, color);
        let response = ui.interact(
            rect,
            ui.scope_id().with(("caption", i)),
            egui::Sense::hover(),
        );
        if cue {
            // Screen readers and tests read a cue on the plot as "plot
            // cue: 8:30:00–9:45:00 slow to 120×".
            let label = format!("plot cue: {full}");
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
        }
        response.on_hover_text(full);
    }
}

/// Marker captions are cut so they do not cover the plot.
fn short(text: &str) -> String {
    const MAX: usize = 32;
    let text = &crate::app::plain(text);
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
