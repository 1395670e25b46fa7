//! The hand-out's plots and their lines, collected from a run's windows as
//! they stream out: each line keeps one point per bucket of time (at most
//! [`MAX_POINTS`] over the run), so a day-long run draws as lightly as a
//! minute. Titles and line names are the app's.

use crate::scenario::PlotName;
use crate::sim::{Reason, Settings, Window};

/// Most points per line.
pub const MAX_POINTS: usize = 600;

/// How a line's windows fold into one point.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fold {
    /// The largest value (latencies, backlog): peaks stay visible.
    Peak,
    /// Events per second over the bucket (the getter gives a count).
    Rate,
    /// Time-weighted mean (utilisation, cost rate).
    Mean,
}

/// One line: its legend name, colour and values per bucket.
pub struct Line {
    /// Legend entry.
    pub name: String,
    /// `#rrggbb`.
    pub colour: &'static str,
    /// One value per bucket (`NaN`: a gap).
    pub values: Vec<f64>,
    fold: Fold,
    /// Dropped from the plot when it never leaves 0.
    optional: bool,
    get: Box<dyn Fn(&Window) -> f64>,
    /// Per bucket: sum (rate, mean) and covered time, s.
    sum: Vec<f64>,
    time_s: Vec<f64>,
}

impl Line {
    fn new(
        name: impl Into<String>,
        colour: &'static str,
        fold: Fold,
        get: impl Fn(&Window) -> f64 + 'static,
    ) -> Line {
        Line {
            name: name.into(),
            colour,
            values: Vec::new(),
            fold,
            optional: false,
            get: Box::new(get),
            sum: Vec::new(),
            time_s: Vec::new(),
        }
    }

    fn optional(mut self) -> Line {
        self.optional = true;
        self
    }

    /// Whether the line has anything to show.
    pub fn shown(&self) -> bool {
        !self.optional || self.values.iter().any(|v| v.is_finite() && *v != 0.0)
    }

    fn add(&mut self, bucket: usize, w: &Window, dt_s: f64) {
        if self.values.len() <= bucket {
            self.values.resize(bucket + 1, f64::NAN);
            self.sum.resize(bucket + 1, 0.0);
            self.time_s.resize(bucket + 1, 0.0);
        }
        let v = (self.get)(w);
        match self.fold {
            Fold::Peak => {
                if v.is_finite() {
                    let old = self.values[bucket];
                    self.values[bucket] = if old.is_nan() { v } else { old.max(v) };
                }
            }
            Fold::Rate | Fold::Mean => {
                let weight = if self.fold == Fold::Mean { dt_s } else { 1.0 };
                if v.is_finite() {
                    self.sum[bucket] += v * weight;
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
    pub(crate) fn of_values(name: &str, colour: &'static str, values: Vec<f64>) -> Line {
        let mut line = Line::new(name, colour, Fold::Peak, |_| f64::NAN);
        line.values = values;
        line
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
    /// Title above the plot (the app's).
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

/// Okabe–Ito, as the app's palette.
const BLUE: &str = "#0072B2";
const ORANGE: &str = "#E69F00";
const GREEN: &str = "#009E73";
const PURPLE: &str = "#CC79A7";
const SKY: &str = "#56B4E9";
const RED: &str = "#D55E00";
const YELLOW: &str = "#F0E442";
const OKABE_ITO: [&str; 7] = [BLUE, ORANGE, GREEN, PURPLE, SKY, RED, YELLOW];
const GREY: &str = "#808080";

impl Plots {
    /// Empty plots for a run of `duration_s` with `s`'s clients and
    /// endpoints, key plots first (`key`; the cost plot only when named).
    pub fn new(s: &Settings, duration_s: f64, key: &[PlotName]) -> Plots {
        let bucket_s = (duration_s / MAX_POINTS as f64).max(s.window_s);
        let mut plots: Vec<Plot> = [
            PlotName::Wait,
            PlotName::Processed,
            PlotName::Backlog,
            PlotName::Failures,
            PlotName::Throughput,
            PlotName::Utilisation,
            PlotName::Cost,
        ]
        .into_iter()
        .filter(|p| *p != PlotName::Cost || key.contains(p))
        .map(|p| plot(p, s))
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
            for p in &mut self.plots {
                for l in &mut p.lines {
                    l.add(bucket, w, dt_s);
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

fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(f64::NAN)
}

/// One plot's title and lines for settings `s`.
fn plot(name: PlotName, s: &Settings) -> Plot {
    let (title, share, lines, reference) = match name {
        PlotName::Wait => wait(s),
        PlotName::Processed => ("Time to processed (s)", false, processed(s), None),
        PlotName::Backlog => ("Queue backlog (jobs)", false, backlog(s), None),
        PlotName::Failures => ("Failures & retries (/s)", false, failures(), None),
        PlotName::Throughput => ("Throughput (/s)", false, throughput(), None),
        PlotName::Utilisation => (
            "Utilisation",
            true,
            vec![
                Line::new("server", BLUE, Fold::Mean, |w| w.util_server),
                Line::new("database", RED, Fold::Mean, |w| w.util_db),
                Line::new("queue workers", GREEN, Fold::Mean, |w| w.util_workers),
            ],
            Some(Reference {
                name: "80% busy".into(),
                y: 0.8,
            }),
        ),
        PlotName::Cost => (
            "Capacity cost ($/h)",
            false,
            vec![Line::new("cost", BLUE, Fold::Mean, |w| w.cost_per_hour)],
            None,
        ),
    };
    Plot {
        name,
        title,
        share,
        lines,
        reference,
    }
}

/// Title, share axis, lines and reference line of a plot.
type PlotParts = (&'static str, bool, Vec<Line>, Option<Reference>);

/// Wait p50/p95/p99 (one p95 per endpoint when there are several) and
/// the SLA target.
fn wait(s: &Settings) -> PlotParts {
    let lines = if s.endpoints.len() > 1 {
        (0..s.endpoints.len())
            .map(|k| {
                let name = format!("{} wait p95", s.endpoints[k].name);
                let colour = [GREEN, RED, BLUE, PURPLE][k % 4];
                Line::new(name, colour, Fold::Peak, move |w| {
                    at(&w.wait_p95_by_endpoint, k)
                })
            })
            .collect()
    } else {
        vec![
            Line::new("wait p50", GREEN, Fold::Peak, |w| w.wait.p50),
            Line::new("wait p95", ORANGE, Fold::Peak, |w| w.wait.p95),
            Line::new("wait p99", RED, Fold::Peak, |w| w.wait.p99),
        ]
    };
    let sla = Reference {
        name: format!("SLA {}", crate::fmt::target(s.sla.wait_target_s)),
        y: s.sla.wait_target_s,
    };
    ("User-perceived wait (s)", false, lines, Some(sla))
}

/// Processed p50/p95/p99 (one p95 per client when there are several),
/// and when polling users learn of it.
fn processed(s: &Settings) -> Vec<Line> {
    let mut lines: Vec<Line> = if s.clients.len() > 1 {
        (0..s.clients.len())
            .map(|c| {
                let name = format!("{} processed p95", s.clients[c].name);
                Line::new(name, OKABE_ITO[c % 7], Fold::Peak, move |w| {
                    at(&w.processed_p95_by_client, c)
                })
            })
            .collect()
    } else {
        vec![
            Line::new("processed p50", GREEN, Fold::Peak, |w| w.processed.p50),
            Line::new("processed p95", ORANGE, Fold::Peak, |w| w.processed.p95),
            Line::new("processed p99", RED, Fold::Peak, |w| w.processed.p99),
        ]
    };
    lines.push(Line::new("user learns p95", BLUE, Fold::Peak, |w| w.learn_p95).optional());
    lines
}

/// Total backlog, and each client's when there are several.
fn backlog(s: &Settings) -> Vec<Line> {
    let mut lines = vec![Line::new("total", GREY, Fold::Peak, |w| w.backlog as f64)];
    if s.clients.len() > 1 {
        for (c, client) in s.clients.iter().enumerate() {
            lines.push(Line::new(
                client.name.clone(),
                OKABE_ITO[c % 7],
                Fold::Peak,
                move |w| w.backlog_by_client.get(c).map_or(f64::NAN, |b| *b as f64),
            ));
        }
    }
    lines
}

/// Errors per reason (those that happen), retries and dead letters, /s.
fn failures() -> Vec<Line> {
    let colours = [RED, ORANGE, PURPLE, BLUE, YELLOW];
    let mut lines: Vec<Line> = Reason::ALL
        .iter()
        .zip(colours)
        .map(|(r, colour)| {
            let r = *r;
            Line::new(crate::words::reason(r), colour, Fold::Rate, move |w| {
                w.errors[r] as f64
            })
            .optional()
        })
        .collect();
    lines.push(Line::new("retries", SKY, Fold::Rate, |w| {
        (w.user_retries + w.system_retries) as f64
    }));
    lines.push(
        Line::new("dead letters", "#707070", Fold::Rate, |w| {
            w.dead_letters as f64
        })
        .optional(),
    );
    lines
}

/// Arrivals, answers, commits and (when polling) status polls, /s.
fn throughput() -> Vec<Line> {
    vec![
        Line::new("arrivals", BLUE, Fold::Rate, |w| w.clicks as f64),
        Line::new("answers", ORANGE, Fold::Rate, |w| {
            (w.responses + w.acks) as f64
        }),
        Line::new("commits", GREEN, Fold::Rate, |w| w.commits as f64),
        Line::new("status polls", PURPLE, Fold::Rate, |w| w.polls as f64).optional(),
    ]
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
