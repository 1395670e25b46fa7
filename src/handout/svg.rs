//! One plot as inline SVG, drawn with plotters' SVG backend (no fonts or
//! system libraries: text is written as SVG text for the browser to set).

use super::series::{Line, Plot, Plots};
use plotters::prelude::*;

/// Plot size, pixels (the page scales it to its column).
const WIDTH: u32 = 880;
const HEIGHT: u32 = 300;

/// A vertical marker: a scripted change at a time.
pub struct Marker {
    /// When, s of sim time.
    pub t_s: f64,
}

/// Draws `plot` of `plots` with its y axis up to `y_top`, markers as
/// thin vertical lines. Returns the `<svg>` element.
pub fn plot_svg(
    plots: &Plots,
    plot: &Plot,
    y_top: f64,
    markers: &[Marker],
) -> Result<String, String> {
    let mut svg = String::new();
    draw(&mut svg, plots, plot, y_top, markers)
        .map_err(|e| format!("drawing {}: {e}", plot.title))?;
    // Inline SVG in HTML needs no namespace; without it the page names no
    // address at all.
    Ok(svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1))
}

fn colour(hex: &str) -> RGBColor {
    let c = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    RGBColor(c(1), c(3), c(5))
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(
    svg: &mut String,
    plots: &Plots,
    plot: &Plot,
    y_top: f64,
    markers: &[Marker],
) -> DrawResult {
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_end = plots.span_s().max(plots.bucket_s);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..x_end, 0.0..y_top)?;
    let share = plot.share;
    let y_label = move |y: &f64| {
        if share {
            format!("{:.0}%", y * 100.0)
        } else {
            short(*y)
        }
    };
    let x_label = |x: &f64| crate::fmt::clock(*x);
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .light_line_style(WHITE)
        .bold_line_style(BLACK.mix(0.08))
        .axis_style(BLACK.mix(0.4))
        .label_style(("sans-serif", 13))
        .draw()?;
    for m in markers {
        let t = m.t_s.clamp(0.0, x_end);
        chart.draw_series(LineSeries::new(
            [(t, 0.0), (t, y_top)],
            RGBColor(0xCC, 0x79, 0xA7).mix(0.7).stroke_width(1),
        ))?;
    }
    if let Some(r) = &plot.reference {
        let style = BLACK.mix(0.45).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, r.y), (x_end, r.y)],
                6,
                4,
                style,
            ))?
            .label(r.name.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
    }
    for line in plot.lines.iter().filter(|l| l.shown()) {
        draw_line(&mut chart, plots, line)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.25))
        .label_font(("sans-serif", 13))
        .draw()?;
    root.present()?;
    Ok(())
}

/// A line in pieces between gaps (a lone point between gaps is a dot).
fn draw_line<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    plots: &Plots,
    line: &Line,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let c = colour(line.colour);
    let style = c.stroke_width(2);
    let mut pieces: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, v) in line.values.iter().enumerate() {
        if v.is_finite() {
            if let Some(p) = pieces.last_mut() {
                p.push((plots.t_s(i), *v));
            }
        } else if pieces.last().is_some_and(|p| !p.is_empty()) {
            pieces.push(Vec::new());
        }
    }
    let mut labelled = false;
    for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
        let drawn = if piece.len() == 1 {
            chart.draw_series(piece.into_iter().map(|p| Circle::new(p, 2, c.filled())))?
        } else {
            chart.draw_series(LineSeries::new(piece, style))?
        };
        if !labelled {
            drawn
                .label(line.name.clone())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], style));
            labelled = true;
        }
    }
    Ok(())
}

/// An axis number, short: "0.5", "12", "1.2k", "3M".
fn short(y: f64) -> String {
    let a = y.abs();
    if a >= 1e6 {
        format!("{:.1}M", y / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", y / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", y / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{y:.0}")
    } else if a >= 1.0 {
        format!("{y:.1}")
    } else {
        format!("{y:.2}")
    }
}

/// The top of a plot's y axis: a little above its highest value or
/// reference line (1 when empty; 100% for shares).
pub fn y_top(plot: &Plot) -> f64 {
    if plot.share {
        return 1.05;
    }
    let data = plot
        .lines
        .iter()
        .filter(|l| l.shown())
        .flat_map(|l| l.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = data.max(plot.reference.as_ref().map_or(0.0, |r| r.y));
    if top > 0.0 { top * 1.1 } else { 1.0 }
}
