//! One plot as inline SVG, drawn with plotters' SVG backend (no fonts or
//! system libraries: text is written as SVG text for the browser to set).
//! Its axes step as the app's do (clock steps in time, 1-2-5 in value), an
//! isolated spike is clipped with a note, and the legend is the page's,
//! beside the title, so it never covers a curve.

use super::series::{Line, Plot, Plots};
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Plot size, pixels (the page scales it to its column).
const WIDTH: u32 = 880;
const HEIGHT: u32 = 300;

/// Most labelled steps along the time axis.
const TIME_LABELS: f64 = 8.0;

/// A vertical marker: a scripted change at a time.
pub struct Marker {
    /// When, s of sim time.
    pub t_s: f64,
}

/// The y axis a plot is drawn on: its top and, when one isolated spike
/// was clipped, the spike's height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YAxis {
    /// Top of the axis, in the plot's unit.
    pub top: f64,
    /// The clipped spike's height, if one was clipped.
    pub spike: Option<f64>,
}

impl YAxis {
    /// One axis for several runs of a plot (twins share their y scale):
    /// the highest top, and the highest spike above it.
    pub fn shared(axes: &[YAxis]) -> YAxis {
        let top = axes.iter().map(|a| a.top).fold(0.0, f64::max);
        let spike = axes
            .iter()
            .filter_map(|a| a.spike)
            .filter(|s| *s > top)
            .reduce(f64::max);
        YAxis { top, spike }
    }
}

/// Draws `plot` of `plots` on `axis`, markers as thin vertical lines.
/// Returns the `<svg>` element.
pub fn plot_svg(
    plots: &Plots,
    plot: &Plot,
    axis: YAxis,
    markers: &[Marker],
) -> Result<String, String> {
    let mut svg = String::new();
    draw(&mut svg, plots, plot, axis, markers)
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
    axis: YAxis,
    markers: &[Marker],
) -> DrawResult {
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_end = plots.span_s().max(plots.bucket_s);
    let y_top = axis.top;
    let (x_step, _) = crate::ticks::time_steps(x_end, TIME_LABELS);
    let y_step = if plot.share {
        0.25
    } else {
        crate::ticks::nice_step(y_top / 5.0)
    };
    // Ticks at every multiple of the steps, as in the app.
    let x = (0.0..x_end).step(x_step);
    let y = (0.0..y_top).step(y_step);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(60)
        .build_cartesian_2d(x, y)?;
    let share = plot.share;
    let y_label = move |y: &f64| value_label(*y, share);
    let x_label = |x: &f64| time_label(*x);
    chart
        .configure_mesh()
        // More than the steps can ever make: every step is labelled.
        .x_labels(64)
        .y_labels(64)
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
        chart.draw_series(DashedLineSeries::new(
            [(0.0, r.y), (x_end, r.y)],
            6,
            4,
            style,
        ))?;
    }
    for line in plot.lines.iter().filter(|l| l.shown()) {
        draw_line(&mut chart, plots, line, y_top)?;
    }
    if let Some(spike) = axis.spike {
        let note = format!("spike to {} off the top", crate::fmt::axis(spike));
        let style = ("sans-serif", 13)
            .into_font()
            .color(&BLACK.mix(0.7))
            .pos(Pos::new(HPos::Right, VPos::Top));
        chart.draw_series(std::iter::once(Text::new(note, (x_end, y_top), style)))?;
    }
    root.present()?;
    Ok(())
}

/// A line in pieces between gaps (a lone point between gaps is a dot),
/// values above `y_top` drawn at the top (the spike note says how high).
fn draw_line<DB: DrawingBackend, X: Ranged<ValueType = f64>, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    plots: &Plots,
    line: &Line,
    y_top: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let c = colour(&line.colour);
    let style = c.stroke_width(2);
    let mut pieces: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, v) in line.values.iter().enumerate() {
        if v.is_finite() {
            if let Some(p) = pieces.last_mut() {
                p.push((plots.t_s(i), v.min(y_top)));
            }
        } else if pieces.last().is_some_and(|p| !p.is_empty()) {
            pieces.push(Vec::new());
        }
    }
    for piece in pieces.into_iter().filter(|p| !p.is_empty()) {
        if piece.len() == 1 {
            chart.draw_series(piece.into_iter().map(|p| Circle::new(p, 2, c.filled())))?;
        } else {
            chart.draw_series(LineSeries::new(piece, style))?;
        }
    }
    Ok(())
}

/// A time tick: sim time as the app's axes and top bar write it
/// ([`crate::fmt::clock`]).
pub fn time_label(s: f64) -> String {
    crate::fmt::clock(s)
}

/// A value tick as the app's axes write it ([`crate::fmt::axis`]); a
/// share in percent ("25%").
pub fn value_label(v: f64, share: bool) -> String {
    if share {
        crate::fmt::axis_share(v)
    } else {
        crate::fmt::axis(v)
    }
}

/// A plot's y axis: a little above its highest value or reference line
/// (1 when empty; 100% for shares), unless one isolated spike would
/// flatten the rest (as in the app).
pub fn y_axis(plot: &Plot) -> YAxis {
    if plot.share {
        return YAxis {
            top: 1.05,
            spike: None,
        };
    }
    let series: Vec<&[f64]> = plot
        .lines
        .iter()
        .filter(|l| l.shown())
        .map(|l| l.values.as_slice())
        .collect();
    let (data, spike) = crate::ticks::y_top(&series, 0);
    let top = data.max(plot.reference.as_ref().map_or(0.0, |r| r.y));
    let spike = spike.filter(|s| *s > top * 1.1);
    YAxis {
        top: if top > 0.0 { top * 1.1 } else { 1.0 },
        spike,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ten_minute_axis_ticks_every_two_minutes() {
        assert_eq!(crate::ticks::time_steps(600.0, TIME_LABELS).0, 120.0);
    }

    #[test]
    fn an_isolated_spike_is_clipped_with_a_note_and_no_legend_covers_the_curves() {
        let mut values = vec![10.0; 100];
        values[40] = 1605.0;
        let plot = Plot {
            name: crate::scenario::PlotName::Throughput,
            title: "Throughput (/s)",
            share: false,
            lines: vec![Line::of_values("arrivals", "#0072B2", values)],
            reference: None,
        };
        let axis = y_axis(&plot);
        assert_eq!(axis.spike, Some(1605.0));
        assert!(axis.top < 100.0, "{axis:?}");
        let plots = Plots::new(&crate::sim::Settings::default(), 100.0, &[]);
        let svg = plot_svg(&plots, &plot, axis, &[]).expect("drawn");
        assert!(svg.contains("spike to 1.6k off the top"), "{svg}");
        // The legend is the page's, beside the title: not in the plot.
        assert!(!svg.contains("arrivals"), "{svg}");
    }
}
