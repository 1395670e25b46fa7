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
    // Outages as a red band from "DB outage" to "DB back" (a
    // dependency's from its outage to its "back", paired by name).
    let mut open: Vec<(Option<&str>, f64)> = Vec::new();
    let mut bands = Vec::new();
    for m in pc.markers.iter().filter(|m| m.kind() == MarkerKind::Outage) {
        use crate::sim::Change;
        let (who, end) = match &m.change {
            Change::OutageEnd => (None, true),
            Change::DependencyOutage { name, .. } => (Some(name.as_str()), false),
            Change::DependencyOutageEnd { name } => (Some(name.as_str()), true),
            _ => (None, false),
        };
        let at = open.iter().position(|(w, _)| *w == who);
        match (end, at) {
            (true, Some(i)) => bands.push((open.remove(i).1, m.t_s)),
            (false, None) => open.push((who, m.t_s)),
            _ => {}
        }
    }
    for (_, t0) in open {
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
    let width_px = p.transform().frame().width();
    let shown = lines(pc.markers, pc.x_range, width_px);
    count_drawn(p.ctx(), LINES_DRAWN, shown.len());
    for i in shown {
        let m = &pc.markers[i];
        p.vline(
            VLine::new("", m.t_s)
                .color(marker_color(m, dark))
                .id(("marker", i))
                .style(LineStyle::dashed_dense()),
        );
    }
}

/// The markers worth a line on a plot `width_px` points wide showing
/// `x_range`: those in the range, at most one of each kind (colour) per
/// point of width. A scene may script many thousands of captions; more
/// lines than the plot has points would look the same and cost a frame
/// its time. Indices into `markers`, in order.
pub fn lines(markers: &[Marker], x_range: (f64, f64), width_px: f32) -> Vec<usize> {
    let (x0, x1) = x_range;
    let per_s = f64::from(width_px.max(1.0)) / (x1 - x0).max(1e-9);
    let mut seen = std::collections::HashSet::new();
    markers
        .iter()
        .enumerate()
        .filter(|(_, m)| m.t_s >= x0 && m.t_s <= x1)
        .filter(|(_, m)| {
            seen.insert((
                ((m.t_s - x0) * per_s) as i64,
                std::mem::discriminant(&m.kind()),
            ))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Where a frame's count of marker lines is kept.
const LINES_DRAWN: &str = "asynclab-marker-lines-drawn";
/// Where a frame's count of marker captions is kept.
const CAPTIONS_DRAWN: &str = "asynclab-marker-captions-drawn";

/// Adds `n` to this frame's count under `what`, over every plot (tests
/// read it with [`drawn_this_frame`]).
fn count_drawn(ctx: &egui::Context, what: &str, n: usize) {
    let frame = ctx.cumulative_frame_nr();
    let id = egui::Id::unique(what);
    ctx.data_mut(|d| {
        let slot = d.get_temp_mut_or_default::<(u64, usize)>(id);
        if slot.0 != frame {
            *slot = (frame, 0);
        }
        slot.1 += n;
    });
}

/// Marker lines and captions drawn in the latest frame that drew any, over
/// every plot: what a frame's marker work is bounded by.
pub fn drawn_this_frame(ctx: &egui::Context) -> (usize, usize) {
    let lines = egui::Id::unique(LINES_DRAWN);
    let captions = egui::Id::unique(CAPTIONS_DRAWN);
    ctx.data(|d| {
        (
            d.get_temp::<(u64, usize)>(lines).map_or(0, |s| s.1),
            d.get_temp::<(u64, usize)>(captions).map_or(0, |s| s.1),
        )
    })
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
        MarkerKind::Change => palette::CHANGE_MARK,
    }
}

/// Caption text beside each marker line of the first plot, painted over
/// the plot so it never widens the plot's bounds. Captions never overlap:
/// each takes the first of four rows where it fits; one that fits nowhere
/// is cut to its first word (or to a dot), and every caption shows its full
/// text on hover. Many captions at one point of width (thousands of
/// scripted ones seen from afar) show as the first of them.
pub(crate) fn captions(ui: &egui::Ui, transform: &PlotTransform, pc: &PlotContext<'_>) {
    const ROWS: usize = 4;
    let frame = *transform.frame();
    let painter = ui.painter_at(frame);
    let font = egui::FontId::proportional(11.0);
    let mut taken: Vec<Vec<(f32, f32)>> = vec![Vec::new(); ROWS];
    let (x0, x1) = pc.x_range;
    let dark = ui.visuals().dark_mode;
    // The scene's clock cues first: a pause is where the presenter talks.
    let cues = pc
        .cues
        .iter()
        .map(|c| {
            let at = match c {
                Cue::Slow { from_s, .. } => *from_s,
                Cue::Pause { at_s, .. } => *at_s,
            };
            let text = crate::app::plain(&crate::words::clock_cue(c));
            (at, text, palette::CUE, true)
        })
        .filter(|(t_s, ..)| *t_s >= x0 && *t_s <= x1);
    // One caption at most per point of width and kind, as for the lines.
    let markers = lines(pc.markers, pc.x_range, frame.width())
        .into_iter()
        .map(|i| {
            let m = &pc.markers[i];
            let mut full = crate::app::plain(&crate::words::change(&m.change, pc.settings));
            if m.skipped {
                full = crate::app::plain(&crate::words::cue(&m.change, pc.settings));
            } else if m.held {
                // A twin keeps its own mode: the script's switch did nothing.
                full.push_str(" (script; held: twins keep their modes)");
            }
            let full = crate::app::room::say(ui.ctx(), &full);
            (m.t_s, full, marker_color(m, dark), false)
        });
    let mut placed_count = 0;
    for (i, (t_s, full, color, cue)) in cues.chain(markers).enumerate() {
        // Written in the marker's colour as text on this theme.
        let color = palette::text(color, dark);
        let x = transform.position_from_point(&PlotPoint::new(t_s, 0.0)).x + 3.0;
        if taken
            .iter()
            .all(|row| row.iter().any(|(a, b)| x >= *a && x < *b))
        {
            // Every row is taken here: not even a dot would fit.
            continue;
        }
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
        placed_count += 1;
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
    count_drawn(ui.ctx(), CAPTIONS_DRAWN, placed_count);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Change;

    fn caption(t_s: f64) -> Marker {
        Marker {
            mode: None,
            t_s,
            change: Change::Caption("hello".into()),
            held: false,
            skipped: false,
        }
    }

    /// Ten thousand captions over a minute on an 800-point plot: a line
    /// per point of width at most, and a lone marker of another kind
    /// still drawn among them.
    #[test]
    fn marker_lines_are_at_most_one_per_point_of_width_and_kind() {
        let mut markers: Vec<Marker> = (0..10_000).map(|i| caption(i as f64 * 0.006)).collect();
        markers.push(Marker {
            mode: None,
            t_s: 30.0,
            change: Change::OutageEnd,
            held: false,
            skipped: false,
        });
        markers.sort_by(|a, b| a.t_s.total_cmp(&b.t_s));
        let shown = lines(&markers, (0.0, 60.0), 800.0);
        assert!(shown.len() <= 802, "{} lines", shown.len());
        assert!(shown.len() >= 700, "{} lines", shown.len());
        assert!(
            shown
                .iter()
                .any(|i| markers[*i].change == Change::OutageEnd)
        );
        // Out of range: none; zoomed in, every one.
        assert!(lines(&markers, (100.0, 160.0), 800.0).is_empty());
        assert_eq!(lines(&markers[..50], (0.0, 0.3), 800.0).len(), 50);
    }
}
