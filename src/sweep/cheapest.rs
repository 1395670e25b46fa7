//! "Cheapest capacity that meets the SLA": for each mode, the smallest
//! value of a capacity knob with which every seed's run stays within the
//! scene's SLA targets in every window (p95 wait, p95 time to processed,
//! no job older than the processing target) with no user-visible error.
//!
//! More capacity never hurts, so the search brackets the answer (the
//! floor, then doubling from the scene's value) and bisects. The modes
//! are searched in lockstep so each round's runs share the cores.

use super::exec::{self, SlaCheck};
use super::{Knob, Progress, SweepError, prepare};
use crate::scenario::{Mode, Scenario};
use std::sync::atomic::AtomicBool;

/// A search to run.
#[derive(Clone, Debug, PartialEq)]
pub struct CheapestSpec {
    /// The capacity searched.
    pub knob: Knob,
    /// Smallest value considered (`None`: 1 for a whole-number knob, else
    /// the knob's minimum).
    pub from: Option<f64>,
    /// Largest value considered (`None`: doubled from the scene's value
    /// until the targets are met, up to the knob's maximum).
    pub to: Option<f64>,
    /// Modes searched, each held for the whole run.
    pub modes: Vec<Mode>,
    /// Every seed must meet the targets.
    pub seeds: Vec<u64>,
    /// Sim seconds per run (`None`: the scene's duration).
    pub duration_s: Option<f64>,
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// A continuous knob's answer is within this share of itself.
    pub tolerance: f64,
}

/// One value tried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tried {
    /// The knob's value.
    pub value: f64,
    /// Every seed met the targets.
    pub meets: bool,
    /// The worst of the seeds' checks (largest waits, oldest job, most
    /// errors).
    pub check: SlaCheck,
    /// Capacity cost, $ per hour.
    pub cost_per_hour: f64,
}

/// The answer for one mode.
#[derive(Clone, Debug, PartialEq)]
pub struct Cheapest {
    /// The mode.
    pub mode: Mode,
    /// The smallest value meeting the targets (`None`: none up to the
    /// largest value tried).
    pub value: Option<f64>,
    /// Capacity cost at that value, $ per hour.
    pub cost_per_hour: f64,
    /// Every value tried, in the order tried.
    pub tried: Vec<Tried>,
}

/// Where one mode's search stands.
struct Search {
    integer: bool,
    /// A value known to fail (or the floor, untested).
    lo: f64,
    /// A value known to meet the targets.
    hi: Option<f64>,
    /// The next value to test, `None` when done.
    next: Option<f64>,
    /// The first value tried above the floor.
    top: f64,
    /// The largest value the bracket may grow to.
    max: f64,
    out: Cheapest,
}

impl Search {
    /// Takes the result of testing `next`; decides what to test next: the
    /// top after a failing floor, then doubling until a value meets the
    /// targets, then bisection between the last failing and meeting ones.
    fn learn(&mut self, t: Tried, tolerance: f64) {
        self.out.tried.push(t);
        let v = t.value;
        if t.meets {
            self.hi = Some(v);
            self.out.value = Some(v);
            self.out.cost_per_hour = t.cost_per_hour;
        } else {
            self.lo = v;
        }
        self.next = match self.hi {
            // The floor met the targets: nothing cheaper is allowed.
            Some(h) if h <= self.lo => None,
            Some(h) => {
                let close = if self.integer {
                    h - self.lo <= 1.0
                } else {
                    h - self.lo <= tolerance * h
                };
                let mid = 0.5 * (self.lo + h);
                (!close).then(|| if self.integer { mid.floor() } else { mid })
            }
            None if self.out.tried.len() == 1 => Some(self.top),
            None if v >= self.max => None,
            None => Some((2.0 * v).min(self.max)),
        };
    }
}

/// Searches each mode of `spec` for its cheapest value. `progress` hears
/// how far it got (the total is an estimate); `cancel` stops it.
pub fn cheapest(
    scene: &Scenario,
    spec: &CheapestSpec,
    mut progress: impl FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<Vec<Cheapest>, SweepError> {
    if spec.modes.is_empty() || spec.seeds.is_empty() {
        return Err(SweepError::Invalid(
            "a search needs a mode and a seed".into(),
        ));
    }
    let s = &scene.settings;
    let integer = spec.knob.integer(s);
    let (min, max) = spec.knob.range(s)?;
    let floor = spec
        .from
        .unwrap_or(if integer { min.max(1.0) } else { min });
    let top = spec
        .to
        .unwrap_or_else(|| spec.knob.get(s).unwrap_or(floor).max(floor + 1.0));
    if !(floor.is_finite() && top.is_finite() && floor < top && top <= max) {
        return Err(SweepError::Invalid(format!(
            "search {} from {floor} to {top}: needs from < to ≤ {max}",
            spec.knob.label()
        )));
    }
    let mut searches: Vec<Search> = spec
        .modes
        .iter()
        .map(|&mode| Search {
            integer,
            lo: floor,
            hi: None,
            next: Some(floor),
            top,
            max: if spec.to.is_some() { top } else { max },
            out: Cheapest {
                mode,
                value: None,
                cost_per_hour: f64::NAN,
                tried: Vec::new(),
            },
        })
        .collect();
    let rounds = 2.0 + (top - floor).max(1.0).log2().ceil();
    let mut base = Progress {
        runs_total: spec.modes.len() * spec.seeds.len() * rounds as usize,
        ..Progress::default()
    };
    loop {
        let asks: Vec<(usize, f64)> = searches
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.next.map(|v| (i, v)))
            .collect();
        if asks.is_empty() {
            break;
        }
        let modes: Vec<Mode> = asks.iter().map(|(m, _)| searches[*m].out.mode).collect();
        let tried = round(scene, spec, &asks, &modes, &mut progress, cancel, &mut base)?;
        for ((m, _), t) in asks.iter().zip(tried) {
            searches[*m].learn(t, spec.tolerance.max(1e-6));
        }
    }
    Ok(searches.into_iter().map(|x| x.out).collect())
}

/// Tests each asked value (in its search's mode) with every seed, all on
/// the pool at once.
fn round(
    scene: &Scenario,
    spec: &CheapestSpec,
    asks: &[(usize, f64)],
    modes: &[Mode],
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    base: &mut Progress,
) -> Result<Vec<Tried>, SweepError> {
    let duration = spec.duration_s.unwrap_or(scene.duration_s);
    let mut jobs = Vec::new();
    for (i, (&(_, v), &mode)) in asks.iter().zip(modes).enumerate() {
        for &seed in &spec.seeds {
            let scene = prepare(scene, &spec.knob, v, mode, seed, spec.duration_s)?;
            // Same traffic in every run of a round: no order to prefer.
            jobs.push(exec::Job {
                slot: i,
                scene,
                cost: 0.0,
            });
        }
    }
    let n = jobs.len();
    base.runs_total = base.runs_total.max(base.runs_done + n);
    base.sim_s_total = base.runs_total as f64 * duration;
    let done = exec::execute(jobs, spec.threads, progress, cancel, *base)?;
    base.runs_done += n;
    base.sim_s_done = base.runs_done as f64 * duration;
    base.events += done.iter().map(|d| d.run.events).sum::<u64>();
    Ok(asks
        .iter()
        .enumerate()
        .map(|(i, &(_, value))| {
            let runs: Vec<&exec::SeedRun> = done
                .iter()
                .filter(|d| d.slot == i)
                .map(|d| &d.run)
                .collect();
            Tried {
                value,
                meets: runs.iter().all(|r| r.sla.meets),
                check: worst(runs.iter().map(|r| r.sla)),
                cost_per_hour: runs.iter().map(|r| r.cost_per_hour).sum::<f64>()
                    / runs.len().max(1) as f64,
            }
        })
        .collect())
}

fn worst(checks: impl Iterator<Item = SlaCheck>) -> SlaCheck {
    checks.fold(
        SlaCheck {
            meets: true,
            ..SlaCheck::default()
        },
        |a, c| SlaCheck {
            worst_wait_p95_s: a.worst_wait_p95_s.max(c.worst_wait_p95_s),
            worst_processed_p95_s: a.worst_processed_p95_s.max(c.worst_processed_p95_s),
            oldest_job_s: a.oldest_job_s.max(c.oldest_job_s),
            errors: a.errors.max(c.errors),
            meets: a.meets && c.meets,
        },
    )
}
