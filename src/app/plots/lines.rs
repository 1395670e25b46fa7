//! The catalogue's lines as egui draws them: colours from the theme
//! table, widths, dashes. What each plot draws is the catalogue's
//! (`crate::chart`); how a line looks on screen is decided here.

use super::PlotContext;
use crate::app::history::Row;
use crate::app::palette;
use crate::chart::{self, PlotName};
use egui::Color32;
use egui_plot::LineStyle;

/// A horizontal line to compare against (SLA target, busy threshold).
pub struct Reference {
    /// Legend entry.
    pub name: String,
    /// Where, in the plot's unit.
    pub y: f64,
    /// Colour.
    pub color: Color32,
    /// Dashed or dotted.
    pub style: LineStyle,
}

impl Reference {
    /// The catalogue's reference line, as drawn.
    pub fn of(r: chart::Reference) -> Reference {
        Reference {
            name: r.name,
            y: r.y,
            color: palette::of(r.colour),
            style: match r.dash {
                chart::Dash::Dashed => LineStyle::dashed_loose(),
                chart::Dash::Dotted => LineStyle::dotted_loose(),
            },
        }
    }
}

/// One line of a plot: its legend entry and how to read it from a row.
pub struct LineSpec {
    /// Legend entry.
    pub name: String,
    /// Colour.
    pub color: Color32,
    /// Line width, points: wider lines are drawn first, so a thin line on
    /// top of an equal one leaves both visible.
    pub width: f32,
    /// The value of a history row, in the plot's unit (NaN: a gap).
    pub y: Box<dyn Fn(&Row) -> f64 + Send + Sync>,
    /// A percentile: gaps (too few samples in the trailing span) are
    /// bridged with a faint dotted line instead of breaking it into dots.
    pub bridge: bool,
    /// Solid, or (twins compared on one plot) dashed or dotted.
    pub style: LineStyle,
}

impl LineSpec {
    /// A line of the catalogue, as drawn: line `layer` of a comparison
    /// (per client, per endpoint) is wider beneath the ones before it, so
    /// when they coincide (FIFO: everyone waits alike) each still shows.
    pub fn of(line: chart::Line) -> LineSpec {
        LineSpec {
            name: line.name,
            color: palette::of(line.colour),
            width: LINE_W + 1.8 * line.layer.min(3) as f32,
            y: line.get,
            bridge: line.percentile,
            style: LineStyle::Solid,
        }
    }

    /// Twin `k`'s line of `plot`'s compared measure, named `name`.
    pub fn twin(plot: PlotName, k: usize, name: &str) -> LineSpec {
        let measure = &chart::spec(plot).compare;
        LineSpec {
            name: name.to_string(),
            color: twin_color(k),
            width: 3.2 - 0.5 * k.min(3) as f32,
            y: Box::new(measure.get),
            bridge: measure.percentile,
            style: twin_style(k),
        }
    }
}

/// Width of a plot line, points.
const LINE_W: f32 = 1.8;

/// The catalogue's context of the run on screen.
pub fn context(pc: &PlotContext<'_>, polling: bool) -> chart::Context {
    chart::Context {
        sla_wait_s: pc.sla_wait_s,
        ..chart::Context::of(pc.settings, polling)
    }
}

/// The lines of `plot` on a live plot (the polling lines only when the
/// browsers poll).
pub fn lines(plot: PlotName, pc: &PlotContext<'_>, polling: bool) -> Vec<LineSpec> {
    let cx = context(pc, polling);
    chart::spec(plot)
        .live_lines(&cx)
        .into_iter()
        .map(LineSpec::of)
        .collect()
}

/// The reference line of `plot`, if any.
pub fn reference(plot: PlotName, pc: &PlotContext<'_>) -> Option<Reference> {
    (chart::spec(plot).reference)(&context(pc, false)).map(Reference::of)
}

/// Twin `k`'s colour (the catalogue's twin colours).
pub fn twin_color(k: usize) -> Color32 {
    palette::of(chart::palette::TWINS[k % chart::palette::TWINS.len()])
}

/// Twin `k`'s line style: solid, dashed, dotted, loosely dashed, so twins
/// stay apart in print and for colour-blind eyes.
pub fn twin_style(k: usize) -> LineStyle {
    match k % 4 {
        0 => LineStyle::Solid,
        1 => LineStyle::dashed_dense(),
        2 => LineStyle::dotted_dense(),
        _ => LineStyle::dashed_loose(),
    }
}
