//! The plot catalogue: every plot the app, the compare view, the CSV
//! export and the hand-out draw, described once and free of egui. A plot
//! is named by the scene format's [`PlotName`] (its serialized names are
//! the file format's) and described by its [`Spec`]: title, unit, lines
//! (name, colour, value of a [`Row`], fold rule, when shown), reference
//! line and the one measure the compare view draws per twin.
//!
//! Adding a plot: a [`PlotName`] variant and its [`Spec`] in [`CATALOGUE`]
//! (its lines in `lines.rs`); the solo plots, the compare plots, the CSV
//! export and the hand-out all read it from here.
//!
//! ```text
//!  mod.rs      the catalogue: Spec per plot, the screen and compare orders
//!  lines.rs    each plot's lines and reference line
//!  row.rs      Row: one window's plotted values, named per stage
//!  palette.rs  the plots' colours (egui's theme table takes them as they are)
//! ```

mod lines;
pub mod palette;
mod row;

pub use crate::scenario::PlotName;
use crate::sim::Settings;
pub use palette::Rgb;
pub use row::{Quantiles, Row, Stages};

/// What a plot's y axis counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Seconds.
    Seconds,
    /// Jobs.
    Jobs,
    /// Events per second.
    PerSecond,
    /// A share of one, always shown from 0 to 1 (100%).
    Share,
    /// Dollars per hour.
    DollarsPerHour,
}

/// How a line's values fold when several windows become one point (the
/// hand-out's buckets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// The largest value (latencies, backlog): peaks stay visible.
    Peak,
    /// The time-weighted mean (rates, busy shares, cost rates).
    Mean,
}

/// When a line is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// Always.
    Always,
    /// Only when the browsers poll for results.
    Polling,
    /// Live plots always (it may happen any moment); a finished run's
    /// page only when it ever left 0.
    WhenItHappens,
}

/// The style of a reference line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    /// Loosely dashed (a target).
    Dashed,
    /// Loosely dotted (a threshold).
    Dotted,
}

/// One line of a plot.
pub struct Line {
    /// Legend entry.
    pub name: String,
    /// Colour.
    pub colour: Rgb,
    /// The value of a row, in the plot's unit (`NaN`: a gap).
    pub get: Box<dyn Fn(&Row) -> f64 + Send + Sync>,
    /// How windows fold into one point.
    pub fold: Fold,
    /// A percentile: its gaps (too few samples) are bridged.
    pub percentile: bool,
    /// Line `k` of a comparison (per client, per endpoint) that may
    /// coincide with the others: drawn wider beneath them (0: a plain line).
    pub layer: usize,
    /// When it is drawn.
    pub show: Show,
}

impl Line {
    fn new(
        name: impl Into<String>,
        colour: Rgb,
        fold: Fold,
        get: impl Fn(&Row) -> f64 + Send + Sync + 'static,
    ) -> Line {
        Line {
            name: name.into(),
            colour,
            get: Box::new(get),
            fold,
            percentile: false,
            layer: 0,
            show: Show::Always,
        }
    }

    fn percentile(mut self) -> Line {
        self.percentile = true;
        self
    }

    fn layer(mut self, k: usize) -> Line {
        self.layer = k;
        self
    }

    fn show(mut self, show: Show) -> Line {
        self.show = show;
        self
    }
}

/// A horizontal line to compare against (SLA target, busy threshold).
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Legend entry.
    pub name: String,
    /// Where, in the plot's unit.
    pub y: f64,
    /// Colour.
    pub colour: Rgb,
    /// Dashed or dotted.
    pub dash: Dash,
}

/// What a plot's lines depend on besides the rows: the run's clients,
/// endpoints, SLA and charges, and whether its browsers poll.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Client names, in order (one line each where there are several).
    pub clients: Vec<String>,
    /// Each client's tier (0 free, 1 standard, 2 premium), in order.
    pub client_tiers: Vec<usize>,
    /// Endpoint names (one wait line each where there are several).
    pub endpoints: Vec<String>,
    /// SLA wait target, s.
    pub sla_wait_s: f64,
    /// Revenue per processed action by tier, $ (a revenue line per tier
    /// that charges).
    pub revenue_per_action: [f64; 3],
    /// The browsers poll for results (adds the polling lines).
    pub polling: bool,
    /// The scene calls dependencies (adds the call failures' lines).
    pub dependencies: bool,
}

impl Context {
    /// The context of a run with settings `s`.
    pub fn of(s: &Settings, polling: bool) -> Context {
        Context {
            clients: s.client_names(),
            client_tiers: s.clients.iter().map(|c| c.tier.index()).collect(),
            endpoints: s.endpoint_names(),
            sla_wait_s: s.sla.wait_target_s,
            revenue_per_action: s.cost.revenue_per_action,
            polling,
            dependencies: !s.dependencies.is_empty(),
        }
    }
}

/// The one measure of a plot the compare view draws, a line per twin.
pub struct Measure {
    /// The compare plot's title.
    pub title: &'static str,
    /// The value of a row (`NaN`: a gap).
    pub get: fn(&Row) -> f64,
    /// A percentile: its gaps are bridged.
    pub percentile: bool,
}

/// One plot of the catalogue.
pub struct Spec {
    /// Which plot.
    pub name: PlotName,
    /// The title above the plot (tests and screen readers find it by it).
    pub title: &'static str,
    /// What its y axis counts.
    pub unit: Unit,
    /// Its lines for a run.
    pub lines: fn(&Context) -> Vec<Line>,
    /// Its reference line, if any.
    pub reference: fn(&Context) -> Option<Reference>,
    /// What the compare view draws of it, a line per twin.
    pub compare: Measure,
}

impl Spec {
    /// The lines drawn on a live plot: all but the polling lines when the
    /// browsers do not poll.
    pub fn live_lines(&self, cx: &Context) -> Vec<Line> {
        (self.lines)(cx)
            .into_iter()
            .filter(|l| l.show != Show::Polling || cx.polling)
            .collect()
    }

    /// The top of a fixed y range, if the plot has one: a share is always
    /// shown from 0 to 1; the others follow their data.
    pub fn fixed_top(&self) -> Option<f64> {
        (self.unit == Unit::Share).then_some(1.0)
    }
}

/// Every plot, in screen order (left to right, top to bottom).
pub static CATALOGUE: [Spec; 7] = [
    Spec {
        name: PlotName::Wait,
        title: "User-perceived wait (s)",
        unit: Unit::Seconds,
        lines: lines::wait,
        reference: lines::sla,
        compare: Measure {
            title: "p95 user-perceived wait (s)",
            get: |r| r.wait.p95,
            percentile: true,
        },
    },
    Spec {
        name: PlotName::Processed,
        title: "Time to processed (s)",
        unit: Unit::Seconds,
        lines: lines::processed,
        reference: lines::none,
        compare: Measure {
            title: "p95 time to processed (s)",
            get: |r| r.processed.p95,
            percentile: true,
        },
    },
    Spec {
        name: PlotName::Backlog,
        title: "Queue backlog (jobs)",
        unit: Unit::Jobs,
        lines: lines::backlog,
        reference: lines::none,
        compare: Measure {
            title: "Jobs waiting: queued + in backoff",
            get: |r| r.backlog + r.in_backoff,
            percentile: false,
        },
    },
    Spec {
        name: PlotName::Failures,
        title: "Failures & retries (/s)",
        unit: Unit::PerSecond,
        lines: lines::failures,
        reference: lines::none,
        compare: Measure {
            title: "User-visible errors (/s)",
            get: |r| r.errors_per_s.iter().sum(),
            percentile: false,
        },
    },
    Spec {
        name: PlotName::Throughput,
        title: "Throughput (/s)",
        unit: Unit::PerSecond,
        lines: lines::throughput,
        reference: lines::none,
        compare: Measure {
            title: "Saved in the database (/s)",
            get: |r| r.commits_per_s,
            percentile: false,
        },
    },
    Spec {
        name: PlotName::Utilisation,
        title: "Utilisation",
        unit: Unit::Share,
        lines: lines::utilisation,
        reference: lines::busy,
        compare: Measure {
            title: "Busiest stage (share of time busy)",
            get: |r| r.util.max(),
            percentile: false,
        },
    },
    Spec {
        name: PlotName::Cost,
        title: "Cost & revenue ($/h)",
        unit: Unit::DollarsPerHour,
        lines: lines::cost,
        reference: lines::none,
        compare: Measure {
            title: "Capacity cost ($/h)",
            get: |r| r.cost_per_hour,
            percentile: false,
        },
    },
];

/// Every plot, in screen order.
pub const ALL: [PlotName; 7] = [
    PlotName::Wait,
    PlotName::Processed,
    PlotName::Backlog,
    PlotName::Failures,
    PlotName::Throughput,
    PlotName::Utilisation,
    PlotName::Cost,
];

/// The compare view's order: what differs first (wait, backlog, errors,
/// processed: the presentation shows these four), the rest after.
pub const COMPARED: [PlotName; 7] = [
    PlotName::Wait,
    PlotName::Backlog,
    PlotName::Failures,
    PlotName::Processed,
    PlotName::Throughput,
    PlotName::Utilisation,
    PlotName::Cost,
];

/// The catalogue's entry for `name`.
pub fn spec(name: PlotName) -> &'static Spec {
    match name {
        PlotName::Wait => &CATALOGUE[0],
        PlotName::Processed => &CATALOGUE[1],
        PlotName::Backlog => &CATALOGUE[2],
        PlotName::Failures => &CATALOGUE[3],
        PlotName::Throughput => &CATALOGUE[4],
        PlotName::Utilisation => &CATALOGUE[5],
        PlotName::Cost => &CATALOGUE[6],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_plot_is_described_once_and_listed_in_both_orders() {
        for (k, s) in CATALOGUE.iter().enumerate() {
            assert_eq!(spec(s.name).name, s.name, "spec() finds {}", s.title);
            assert_eq!(ALL[k], s.name);
            assert!(COMPARED.contains(&s.name), "{} is compared", s.title);
        }
        let mut titles: Vec<&str> = CATALOGUE.iter().map(|s| s.title).collect();
        titles.extend(CATALOGUE.iter().map(|s| s.compare.title));
        let n = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), n, "no two titles alike");
    }

    #[test]
    fn every_plot_has_lines_and_only_a_share_a_fixed_range() {
        let cx = Context {
            sla_wait_s: 0.5,
            ..Context::of(&Settings::default(), false)
        };
        for s in &CATALOGUE {
            assert!(!s.live_lines(&cx).is_empty(), "{}", s.title);
            assert_eq!(s.fixed_top().is_some(), s.name == PlotName::Utilisation);
        }
        let sla = (spec(PlotName::Wait).reference)(&cx).map(|r| r.name);
        assert_eq!(sla.as_deref(), Some("SLA 500 ms"));
        assert!((spec(PlotName::Backlog).reference)(&cx).is_none());
        // Polling adds a line to the processed, throughput and utilisation
        // plots.
        let polling = Context::of(&Settings::default(), true);
        for name in [
            PlotName::Processed,
            PlotName::Throughput,
            PlotName::Utilisation,
        ] {
            let s = spec(name);
            assert_eq!(s.live_lines(&polling).len(), s.live_lines(&cx).len() + 1);
        }
    }

    /// Pay for priority: each tier's revenue line is drawn in the colour
    /// of its client's lane and lines (premium blue, standard orange, free
    /// green), not a colour of its own.
    #[test]
    fn revenue_by_tier_takes_its_clients_colour() {
        let scene = crate::scenario::builtin("08-pay-for-priority.ron")
            .expect("built in")
            .expect("valid");
        let settings = scene.settings;
        let lines = (spec(PlotName::Cost).lines)(&Context::of(&settings, false));
        let mut checked = 0;
        for (i, c) in settings.clients.iter().enumerate() {
            let tier = ["free", "standard", "premium"][c.tier.index()];
            let name = format!("revenue: {tier}");
            if let Some(line) = lines.iter().find(|l| l.name == name) {
                assert_eq!(line.colour, palette::client(i), "{name}");
                checked += 1;
            }
        }
        assert!(checked >= 2, "the scene charges at least two tiers");
    }

    #[test]
    fn failures_show_the_calls_reasons_only_where_the_scene_calls_dependencies() {
        let names = |s: &Settings| -> Vec<(String, super::palette::Rgb)> {
            spec(PlotName::Failures)
                .live_lines(&Context::of(s, false))
                .into_iter()
                .map(|l| (l.name, l.colour))
                .collect()
        };
        let plain = Settings::default();
        let lines = names(&plain);
        for reason in ["call failed", "call timed out", "throttled"] {
            assert!(lines.iter().all(|(n, _)| n != reason), "{lines:?}");
        }
        let mut calls = Settings::default();
        calls
            .dependencies
            .push(crate::sim::config::Dependency::default());
        let lines = names(&calls);
        for reason in [
            "timeout",
            "DB error",
            "call failed",
            "call timed out",
            "throttled",
        ] {
            assert!(
                lines.iter().any(|(n, _)| n == reason),
                "{reason}: {lines:?}"
            );
        }
        // Every line of the plot has a colour of its own.
        let mut colours: Vec<_> = lines.iter().map(|(_, c)| *c).collect();
        colours.sort_by_key(|c| (c.0, c.1, c.2));
        colours.dedup();
        assert_eq!(colours.len(), lines.len(), "{lines:?}");
    }
}
