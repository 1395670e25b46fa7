//! The load curve: one knob swept over a grid, each point run in sync and
//! in async (each mode held for the whole run) with one or more seeds, on
//! all cores. And the business question as a search: the cheapest value
//! of a capacity that keeps a scene within its SLA targets.
//!
//! Clap-free and UI-free: the command line (`asynclab sweep`) and the
//! app's Sweep window both call [`run_sweep`] and [`cheapest`], with a
//! progress callback (called on the caller's thread about ten times a
//! second) and a cancel flag. Percentiles of a point with several seeds
//! come from the seeds' merged histograms; [`Point::spread`] gives the
//! seeds' spread beside them.
//!
//! ```text
//!  mod       knobs, grids, points, run_sweep
//!  exec      one run; the pool of worker threads
//!  cheapest  bisection for the cheapest capacity meeting the SLAs
//! ```

mod cheapest;
mod exec;

pub use cheapest::{Cheapest, CheapestSpec, cheapest};
pub use exec::{SeedRun, SlaCheck};

use crate::scenario::{Change, ChangeError, Mode, Scenario, Settings, knobs, validate};
use crate::sim::capacity::{MmcStation, StageKind, mmc_station};
use crate::sim::metrics::RunStat;
use crate::sim::{Quantiles, traffic};
use std::sync::atomic::AtomicBool;

/// What a sweep or search moves.
#[derive(Clone, Debug, PartialEq)]
pub enum Knob {
    /// One knob by its path, e.g. `clients[0].rate_per_s`.
    Path(String),
    /// Database connections and queue workers together, the same number
    /// of each (the Black Friday claim's capacity).
    DbAndWorkers,
}

impl Knob {
    /// How the knob is written: its path, or both paths.
    pub fn label(&self) -> String {
        match self {
            Knob::Path(p) => p.clone(),
            Knob::DbAndWorkers => "database.connections + queue.workers".into(),
        }
    }

    /// Its value in `s`.
    pub fn get(&self, s: &Settings) -> Result<f64, ChangeError> {
        match self {
            Knob::Path(p) => knobs::get(s, p),
            Knob::DbAndWorkers => Ok(f64::from(s.database.connections)),
        }
    }

    /// Sets it in `s` (range-checked).
    pub fn set(&self, s: &mut Settings, v: f64) -> Result<(), ChangeError> {
        match self {
            Knob::Path(p) => knobs::set(s, p, v),
            Knob::DbAndWorkers => {
                knobs::set(s, "database.connections", v)?;
                knobs::set(s, "queue.workers", v)
            }
        }
    }

    /// The knob paths it sets.
    pub fn paths(&self) -> Vec<&str> {
        match self {
            Knob::Path(p) => vec![p.as_str()],
            Knob::DbAndWorkers => vec!["database.connections", "queue.workers"],
        }
    }

    /// Whole numbers only.
    pub fn integer(&self, s: &Settings) -> bool {
        match self {
            Knob::Path(p) => knobs::knob(s, p).is_ok_and(|k| k.integer),
            Knob::DbAndWorkers => true,
        }
    }

    /// Its allowed range, (min, max).
    pub fn range(&self, s: &Settings) -> Result<(f64, f64), ChangeError> {
        match self {
            Knob::Path(p) => knobs::knob(s, p).map(|k| (k.min, k.max)),
            Knob::DbAndWorkers => Ok((0.0, 100_000.0)),
        }
    }
}

/// Why a sweep could not run.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The knob or a value of it is not allowed.
    #[error(transparent)]
    Knob(#[from] ChangeError),
    /// The request does not make sense (named in the message).
    #[error("{0}")]
    Invalid(String),
    /// The cancel flag was set.
    #[error("cancelled")]
    Cancelled,
}

/// How far a sweep or search has got.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Runs finished.
    pub runs_done: usize,
    /// Runs planned (a search plans its expected number).
    pub runs_total: usize,
    /// Sim seconds simulated over all runs.
    pub sim_s_done: f64,
    /// Sim seconds planned over all runs.
    pub sim_s_total: f64,
    /// Events processed over all runs.
    pub events: u64,
}

impl Progress {
    /// Share done, 0–1, by sim time.
    pub fn fraction(&self) -> f64 {
        if self.sim_s_total > 0.0 {
            (self.sim_s_done / self.sim_s_total).clamp(0.0, 1.0)
        } else {
            1.0
        }
    }
}

/// A sweep to run.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    /// What moves.
    pub knob: Knob,
    /// The values it takes (see [`grid`]).
    pub values: Vec<f64>,
    /// The modes each value runs in, each held for the whole run.
    pub modes: Vec<Mode>,
    /// Seeds of each point (see [`seeds`]).
    pub seeds: Vec<u64>,
    /// Sim seconds per run (`None`: the scene's duration).
    pub duration_s: Option<f64>,
    /// Worker threads (0: all cores).
    pub threads: usize,
}

/// The seeds' spread of one measure at a point.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    /// Seeds with a value.
    pub n: usize,
    /// Mean over seeds.
    pub mean: f64,
    /// Standard deviation over seeds (0 for one seed).
    pub sd: f64,
    /// Standard error of the mean: sd ÷ √n.
    pub se: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
}

impl Spread {
    /// The spread of the finite values in `xs` (NaN mean when none).
    pub fn of(xs: impl IntoIterator<Item = f64>) -> Spread {
        let v: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
        let n = v.len();
        if n == 0 {
            return Spread {
                mean: f64::NAN,
                ..Spread::default()
            };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let var = if n > 1 {
            v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
        let sd = var.sqrt();
        Spread {
            n,
            mean,
            sd,
            se: sd / (n as f64).sqrt(),
            min: v.iter().copied().fold(f64::INFINITY, f64::min),
            max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// One value in one mode, over its seeds.
#[derive(Clone, Debug)]
pub struct Point {
    /// The knob's value.
    pub value: f64,
    /// The mode held.
    pub mode: Mode,
    /// Each seed's run, in seed order.
    pub runs: Vec<SeedRun>,
    /// User-perceived wait over all seeds (merged histograms).
    pub wait: Option<Quantiles>,
    /// Time to processed over all seeds (merged histograms).
    pub processed: Option<Quantiles>,
    /// The M/M/c station of the processing path, when it is one (to draw
    /// the Erlang C curve beside the points).
    pub mmc: Option<MmcStation>,
}

impl Point {
    /// The spread over seeds of `f`.
    pub fn spread(&self, f: impl Fn(&SeedRun) -> f64) -> Spread {
        Spread::of(self.runs.iter().map(f))
    }

    /// Mean user actions per second.
    pub fn offered_per_s(&self) -> f64 {
        self.spread(|r| r.offered_per_s).mean
    }

    /// The stage named as the bottleneck (by the first seed).
    pub fn bottleneck(&self) -> Option<StageKind> {
        self.runs.first().map(|r| r.analysis.bottleneck().kind)
    }

    /// Mean busy fraction of the bottleneck.
    pub fn bottleneck_utilisation(&self) -> f64 {
        self.spread(|r| r.bottleneck_utilisation).mean
    }

    /// Mean share of actions that failed.
    pub fn error_share(&self) -> f64 {
        self.spread(|r| r.error_share).mean
    }

    /// Mean jobs in the broker at the end.
    pub fn backlog_end(&self) -> f64 {
        self.spread(|r| r.backlog_end as f64).mean
    }

    /// Mean capacity cost, $ per hour.
    pub fn cost_per_hour(&self) -> f64 {
        self.spread(|r| r.cost_per_hour).mean
    }
}

/// A finished sweep.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The scene's title.
    pub title: String,
    /// What moved.
    pub knob: Knob,
    /// Sim seconds per run.
    pub duration_s: f64,
    /// Seeds of each point.
    pub seeds: Vec<u64>,
    /// Every point: values in grid order, modes in spec order within each.
    pub points: Vec<Point>,
    /// Events processed over all runs.
    pub events: u64,
}

/// `steps` values from `from` to `to`, evenly spaced (one step: `from`);
/// for an integer knob, whole numbers within the range, without repeats.
pub fn grid(from: f64, to: f64, steps: usize, integer: bool) -> Vec<f64> {
    let (lo, hi) = (from.min(to).ceil(), from.max(to).floor());
    let mut v: Vec<f64> = (0..steps)
        .map(|i| {
            let x = if steps > 1 {
                from + (to - from) * i as f64 / (steps - 1) as f64
            } else {
                from
            };
            if integer {
                x.round().clamp(lo, hi.max(lo))
            } else {
                x
            }
        })
        .collect();
    v.dedup();
    v
}

/// About `steps` values from `from` towards `to` at a round spacing (1,
/// 2, 2.5 or 5 × 10ⁿ, the one nearest the even spacing; at least 1 for an
/// integer knob), so a load curve's values read 10, 15, 20 rather than
/// 15.555555555555555: `from`, then every step while within the range
/// (`to` itself when it falls on one). Never fewer than two values for two
/// or more steps: when one round step does not fit, the two ends.
pub fn round_grid(from: f64, to: f64, steps: usize, integer: bool) -> Vec<f64> {
    let from = if integer { from.round() } else { from };
    let span = to - from;
    if steps <= 1 || !(from.is_finite() && span.is_finite()) || span == 0.0 {
        return grid(from, to, 1, integer);
    }
    let even = span.abs() / (steps - 1) as f64;
    let p = 10f64.powf(even.log10().floor());
    let far = |s: f64| (s.ln() - even.ln()).abs();
    let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .min_by(|a, b| far(*a).total_cmp(&far(*b)))
        .unwrap_or(even);
    if integer {
        step = step.max(1.0).round();
    }
    let mut n = (span.abs() / step + 1e-9).floor() as usize;
    if n == 0 {
        step = span.abs();
        n = 1;
    }
    let decimals = decimals(step).max(decimals(from));
    (0..=n)
        .map(|k| {
            let v = from + span.signum() * k as f64 * step;
            // Written with the decimals the values need, and read back:
            // 0.1 + 0.2 is 0.3 here.
            format!("{v:.decimals$}").parse().unwrap_or(v)
        })
        .collect()
}

/// The decimals that write `x` exactly (at most 9).
fn decimals(x: f64) -> usize {
    (0..9)
        .find(|d| {
            let scaled = x * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(9)
}

/// `k` seeds from the scene's own: seed, seed + 1, …
pub fn seeds(first: u64, k: usize) -> Vec<u64> {
    (0..k as u64).map(|i| first.wrapping_add(i)).collect()
}

/// The scene one run runs: `knob` at `value` and every endpoint in `mode`,
/// both for the whole run (scripted mode switches and scripted changes of
/// the knob are dropped), `seed`, and `duration_s` (`None`: the scene's).
/// Validated as a whole.
pub fn prepare(
    scene: &Scenario,
    knob: &Knob,
    value: f64,
    mode: Mode,
    seed: u64,
    duration_s: Option<f64>,
) -> Result<Scenario, SweepError> {
    let mut s = scene.clone();
    knob.set(&mut s.settings, value)?;
    for e in &mut s.settings.endpoints {
        e.mode = mode;
    }
    let held = knob.paths();
    s.settings.timeline.retain(|e| match &e.change {
        Change::SetMode { .. } => false,
        Change::Set { path, .. } => !held.contains(&path.as_str()),
        _ => true,
    });
    s.settings.seed = seed;
    if let Some(d) = duration_s {
        s.duration_s = d;
    }
    let problems = validate::validate(&s);
    if let Some(p) = problems.first() {
        return Err(SweepError::Invalid(format!(
            "with {} = {value}: {p}",
            knob.label()
        )));
    }
    Ok(s)
}

/// Expected user actions of a run: what it costs, roughly.
fn expected_actions(s: &Scenario) -> f64 {
    s.settings
        .clients
        .iter()
        .map(|c| c.rate_per_s * traffic::mean_multiplier(&c.shape, s.duration_s) * s.duration_s)
        .sum()
}

/// Runs every value × mode × seed of `spec` on `spec.threads` threads.
/// `progress` hears how far it got on the calling thread; setting
/// `cancel` stops it with [`SweepError::Cancelled`].
pub fn run_sweep(
    scene: &Scenario,
    spec: &Spec,
    mut progress: impl FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Sweep, SweepError> {
    if spec.values.is_empty() || spec.modes.is_empty() || spec.seeds.is_empty() {
        return Err(SweepError::Invalid(
            "a sweep needs at least one value, mode and seed".into(),
        ));
    }
    let mut jobs = Vec::new();
    let mut keys = Vec::new();
    for &value in &spec.values {
        for &mode in &spec.modes {
            keys.push((value, mode));
            for &seed in &spec.seeds {
                let scene = prepare(scene, &spec.knob, value, mode, seed, spec.duration_s)?;
                let cost = expected_actions(&scene);
                jobs.push(exec::Job {
                    slot: jobs.len(),
                    scene,
                    cost,
                });
            }
        }
    }
    let duration_s = spec.duration_s.unwrap_or(scene.duration_s);
    let base = Progress {
        runs_total: jobs.len(),
        sim_s_total: jobs.iter().map(|j| j.scene.duration_s).sum(),
        ..Progress::default()
    };
    let stations: Vec<Option<MmcStation>> = jobs
        .iter()
        .step_by(spec.seeds.len())
        .map(|j| mmc_station(&j.scene.settings))
        .collect();
    let mut done = exec::execute(jobs, spec.threads, &mut progress, cancel, base)?;
    done.sort_by_key(|d| d.slot);
    let k = spec.seeds.len();
    let mut points = Vec::with_capacity(keys.len());
    let mut events = 0;
    let mut runs = done.into_iter();
    for (i, (value, mode)) in keys.into_iter().enumerate() {
        let mut wait = RunStat::new();
        let mut processed = RunStat::new();
        let mut seeds = Vec::with_capacity(k);
        for d in runs.by_ref().take(k) {
            wait.merge(&d.wait);
            processed.merge(&d.processed);
            events += d.run.events;
            seeds.push(d.run);
        }
        points.push(Point {
            value,
            mode,
            runs: seeds,
            wait: wait.quantiles(),
            processed: processed.quantiles(),
            mmc: stations.get(i).copied().flatten(),
        });
    }
    Ok(Sweep {
        title: scene.title.clone(),
        knob: spec.knob.clone(),
        duration_s,
        seeds: spec.seeds.clone(),
        points,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_and_spreads() {
        assert_eq!(grid(1.0, 2.0, 3, false), vec![1.0, 1.5, 2.0]);
        assert_eq!(grid(1.0, 3.0, 5, true), vec![1.0, 2.0, 3.0]);
        assert_eq!(grid(7.0, 9.0, 1, true), vec![7.0]);
        assert_eq!(grid(1.0, 2.5, 3, true), vec![1.0, 2.0]);
        let s = Spread::of([1.0, 3.0, f64::NAN]);
        assert_eq!((s.n, s.mean, s.min, s.max), (2, 2.0, 1.0, 3.0));
        assert!((s.sd - 2f64.sqrt()).abs() < 1e-12 && (s.se - 1.0).abs() < 1e-12);
        assert!(Spread::of([]).mean.is_nan());
    }

    #[test]
    fn load_curve_grids_step_at_round_values() {
        let fives: Vec<f64> = (0..=10).map(|k| 10.0 + 5.0 * f64::from(k)).collect();
        assert_eq!(round_grid(10.0, 60.0, 10, false), fives);
        assert_eq!(
            round_grid(0.1, 1.0, 10, false),
            vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
        );
        assert_eq!(round_grid(20.0, 60.0, 2, false), vec![20.0, 60.0]);
        assert_eq!(round_grid(1.0, 13.0, 10, true).len(), 13);
        assert_eq!(round_grid(7.0, 9.0, 1, true), vec![7.0]);
        assert_eq!(
            round_grid(60.0, 10.0, 6, false),
            vec![60.0, 50.0, 40.0, 30.0, 20.0, 10.0]
        );
        for v in round_grid(2.0, 47.0, 13, false) {
            assert!(format!("{v}").len() <= 4, "{v}");
        }
    }

    #[test]
    fn a_point_holds_its_mode_and_a_bad_value_is_named() {
        let mut scene = Scenario::default();
        scene
            .settings
            .timeline
            .push(crate::scenario::TimelineEvent {
                mode: None,
                at_s: 1.0,
                change: Change::SetMode {
                    endpoint: None,
                    mode: Mode::Sync,
                },
            });
        let knob = Knob::DbAndWorkers;
        scene
            .settings
            .timeline
            .push(crate::scenario::TimelineEvent {
                mode: None,
                at_s: 2.0,
                change: Change::Set {
                    path: "queue.workers".into(),
                    value: 1.0,
                },
            });
        let s = prepare(&scene, &knob, 7.0, Mode::Async, 9, Some(5.0)).expect("valid");
        assert!(
            s.settings.timeline.is_empty(),
            "the knob and the mode are held"
        );
        assert_eq!(s.settings.endpoints[0].mode, Mode::Async);
        assert_eq!(
            (s.settings.database.connections, s.settings.queue.workers),
            (7, 7)
        );
        assert_eq!((s.settings.seed, s.duration_s), (9, 5.0));
        let bad = Knob::Path("database.connections".into());
        let e = prepare(&scene, &bad, 2.5, Mode::Sync, 1, None).unwrap_err();
        assert!(e.to_string().contains("database.connections = 2.5"), "{e}");
        let cancel = AtomicBool::new(true);
        let spec = Spec {
            knob: bad,
            values: vec![5.0],
            modes: vec![Mode::Sync],
            seeds: vec![1],
            duration_s: Some(1.0),
            threads: 1,
        };
        assert!(matches!(
            run_sweep(&scene, &spec, |_| {}, &cancel),
            Err(SweepError::Cancelled)
        ));
    }
}
