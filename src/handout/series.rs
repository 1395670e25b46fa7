//! The hand-out's plots and their lines, collected from a run's windows as
//! they stream out: each line keeps one point per bucket of time (at most
//! [`MAX_POINTS`] over the run), so a day-long run draws as lightly as a
//! minute. What each plot draws (titles, line names, colours, fold rules)
//! is the plot catalogue's (`crate::chart`), as in the app.

use crate::chart::{self, Fold, PlotName, Row, Show, Unit};
use crate::sim::{Settings, Window};

/// Most points per line.
pub const MAX_POINTS: usize = 600;

/// One line: its legend name, colour and values per bucket.
pub struct Line {
    /// Legend entry.
    pub name: String,
    /// `#RRGGBB`.
    pub colour: String,
    /// One value per bucket (`NaN`: a gap).
    pub values: Vec<f64>,
    fold: Fold,
    /// Dropped from the plot when it never leaves 0.
    optional: bool,
    get: Box<dyn Fn(&Row) -> f64 + Send + Sync>,
    /// Per bucket: time-weighted sum (mean) and covered time, s.
    sum: Vec<f64>,
    time_s: Vec<f64>,
}

impl Line {
    /// A catalogue line, empty.
    fn of(line: chart::Line) -> Line {
        Line {
            name: line.name,
            colour: line.colour.css(),
            values: Vec::new(),
            fold: line.fold,
            // A finished run shows the polling lines and the rare ones
            // only when they happened.
            optional: line.show != Show::Always,
            get: line.get,
            sum: Vec::new(),
            time_s: Vec::new(),
        }
    }

    /// Whether the line has anything to show.
    pub fn shown(&self) -> bool {
        !self.optional || self.values.iter().any(|v| v.is_finite() && *v != 0.0)
    }

    /// Takes in `row`, which covers `dt_s` of bucket `bucket`.
    fn add(&mut self, bucket: usize, row: &Row, dt_s: f64) {
        if self.values.len() <= bucket {
            self.values.resize(bucket + 1, f64::NAN);
            self.sum.resize(bucket + 1, 0.0);
            self.time_s.resize(bucket + 1, 0.0);
        }
        let v = (self.get)(row);
        match self.fold {
            Fold::Peak => {
                if v.is_finite() {
                    let old = self.values[bucket];
                    self.values[bucket] = if old.is_nan() { v } else { old.max(v) };
                }
            }
            Fold::Mean => {
                if v.is_finite() {
                    self.sum[bucket] += v * dt_s;
                    self.time_s[bucket] += dt_s;
                }
                if self.time_s[bucket] > 0.0 {
                    self.values[bucket] = self.sum[bucket] / self.time_s[bucket];
                }
            }
        }
    }
}

#[cfg(test)]
impl Line {
    /// A line holding `values` already (tests of the drawing).
    pub(crate) fn of_values(name: &str, colour: &str, values: Vec<f64>) -> Line {
        Line {
            name: name.to_string(),
            colour: colour.to_string(),
            values,
            fold: Fold::Peak,
            optional: false,
            get: Box::new(|_| f64::NAN),
            sum: Vec::new(),
            time_s: Vec::new(),
        }
    }
}

/// A horizontal line to compare against.
pub struct Reference {
    /// Legend entry.
    pub name: String,
    /// Where, in the plot's unit.
    pub y: f64,
}

/// One plot: title, unit, lines and an optional reference line.
pub struct Plot {
    /// Which plot (the scene's key plots come first).
    pub name: PlotName,
    /// Title above the plot (the catalogue's, as in the app).
    pub title: &'static str,
    /// The y axis is a share of one (0–100%).
    pub share: bool,
    /// Its lines.
    pub lines: Vec<Line>,
    /// SLA target or busy threshold.
    pub reference: Option<Reference>,
}

/// Every plot of a run, filled window by window.
pub struct Plots {
    /// The plots, in the hand-out's order.
    pub plots: Vec<Plot>,
    /// Width of one bucket, s.
    pub bucket_s: f64,
    last_t_s: f64,
}

impl Plots {
    /// Empty plots for a run of `duration_s` with `s`'s clients and
    /// endpoints, key plots first (`key`; the cost plot only when named).
    pub fn new(s: &Settings, duration_s: f64, key: &[PlotName]) -> Plots {
        let bucket_s = (duration_s / MAX_POINTS as f64).max(s.window_s);
        // Every line that may show: a finished run drops the polling
        // lines when nobody polled (see `Line::shown`).
        let cx = chart::Context::of(s, true);
        let mut plots: Vec<Plot> = chart::ALL
            .into_iter()
            .filter(|p| *p != PlotName::Cost || key.contains(p))
            .map(|p| plot(p, &cx))
            .collect();
        // Key plots first, in the scene's order; the rest keep theirs.
        plots.sort_by_key(|p| key.iter().position(|k| *k == p.name).unwrap_or(key.len()));
        Plots {
            plots,
            bucket_s,
            last_t_s: 0.0,
        }
    }

    /// Adds windows in time order.
    pub fn add(&mut self, windows: &[Window]) {
        for w in windows {
            let dt_s = (w.t_s - self.last_t_s).max(0.0);
            self.last_t_s = w.t_s;
            let bucket = ((w.t_s / self.bucket_s).ceil() as usize).saturating_sub(1);
            let row = Row::of(w, dt_s);
            for p in &mut self.plots {
                for l in &mut p.lines {
                    l.add(bucket, &row, dt_s);
                }
            }
        }
    }

    /// Time at the end of bucket `i`, s.
    pub fn t_s(&self, i: usize) -> f64 {
        ((i + 1) as f64 * self.bucket_s).min(self.last_t_s.max(self.bucket_s))
    }

    /// Time covered, s.
    pub fn span_s(&self) -> f64 {
        self.last_t_s
    }
}

/// The catalogue's plot `name`, empty.
fn plot(name: PlotName, cx: &chart::Context) -> Plot {
    let spec = chart::spec(name);
    Plot {
        name,
        title: spec.title,
        share: spec.unit == Unit::Share,
        lines: (spec.lines)(cx).into_iter().map(Line::of).collect(),
        reference: (spec.reference)(cx).map(|r| Reference {
            name: r.name,
            y: r.y,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimTime, System};

    #[test]
    fn a_long_run_keeps_at_most_max_points_and_rates_stay_rates() {
        let s = Settings::default();
        let mut sys = System::new(s.clone());
        let mut plots = Plots::new(&s, 1200.0, &[]);
        sys.run_until(SimTime::from_secs_f64(1200.0));
        sys.finish();
        let windows = sys.drain_windows();
        plots.add(&windows);
        assert_eq!(plots.bucket_s, 2.0);
        let tp = plots
            .plots
            .iter()
            .find(|p| p.name == PlotName::Throughput)
            .expect("plot");
        let arrivals = &tp.lines[0];
        assert_eq!(arrivals.values.len(), 600);
        let mean = arrivals.values.iter().sum::<f64>() / 600.0;
        // The default client offers 20 actions/s.
        assert!((18.0..22.0).contains(&mean), "{mean}");
        assert!(!tp.lines[3].shown(), "no polls, no polling line");
        assert!(plots.plots.iter().all(|p| p.name != PlotName::Cost));
    }

    #[test]
    fn key_plots_come_first() {
        let s = Settings::default();
        let plots = Plots::new(&s, 60.0, &[PlotName::Backlog, PlotName::Cost]);
        let names: Vec<PlotName> = plots.plots.iter().map(|p| p.name).collect();
        assert_eq!(
            names[..3],
            [PlotName::Backlog, PlotName::Cost, PlotName::Wait]
        );
        assert_eq!(names.len(), 7);
    }
}
