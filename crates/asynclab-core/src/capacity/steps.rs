//! What one action's steps hold, split at the acknowledgement point: the
//! request's part (a server worker or in-flight slot) and the job's part (a
//! queue worker). Means only: the arithmetic excludes waits.
//!
//! A cache lookup with hit ratio h runs the next step for only (1 − h) of
//! the actions, so that step weighs (1 − h) in every sum. A plain endpoint
//! is `[Cpu(cpu), Write]`: every weight is exactly 1, so the sums it feeds
//! are bit for bit what they were before steps existed.

use crate::config::{Endpoint, Mode, Settings, Step};

/// Mean seconds per action that a run of steps spends in each kind of
/// step, each weighted by the chance the step runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct StepTimes {
    /// Cpu steps, s.
    pub cpu_s: f64,
    /// Calls to dependencies (their mean latency), s.
    pub call_s: f64,
    /// Database reads, s.
    pub read_s: f64,
    /// Cache lookups, s.
    pub cache_s: f64,
    /// Expected writes (0 or 1: the Write step is never skipped).
    pub writes: f64,
    /// Per dependency, in the scene's order: expected calls.
    pub calls: Vec<f64>,
}

impl StepTimes {
    fn add(&mut self, s: &Settings, step: &Step, w: f64) {
        match step {
            Step::Cpu(d) => self.cpu_s += w * d.mean_ms() / 1e3,
            Step::Call(name) => {
                if let Some(i) = s.dependency_index(name) {
                    self.calls[i] += w;
                    self.call_s += w * s.dependencies[i].latency.mean_ms() / 1e3;
                }
            }
            Step::Read(d) => self.read_s += w * d.mean_ms() / 1e3,
            Step::Cache { latency, .. } => self.cache_s += w * latency.mean_ms() / 1e3,
            Step::Write => self.writes += w,
        }
    }
}

/// The endpoint's steps split at its acknowledgement point: (in the
/// request, in the job). Sync runs every step in the request.
pub(super) fn split(s: &Settings, e: &Endpoint) -> (StepTimes, StepTimes) {
    let steps = e.effective_steps();
    let blank = StepTimes {
        calls: vec![0.0; s.dependencies.len()],
        ..StepTimes::default()
    };
    let (mut req, mut job) = (blank.clone(), blank);
    let ack = match e.mode {
        Mode::Sync => steps.len(),
        Mode::Async => (e.ack_after as usize).min(steps.len()),
    };
    let mut w = 1.0;
    for (i, step) in steps.iter().enumerate() {
        let part = if i < ack { &mut req } else { &mut job };
        part.add(s, step, w);
        w = match step {
            Step::Cache { hit_ratio, .. } => 1.0 - hit_ratio.clamp(0.0, 1.0),
            _ => 1.0,
        };
    }
    (req, job)
}

/// True when some endpoint calls dependency `index` before its
/// acknowledgement point (sync: at all), so users wait for it.
pub fn dependency_in_request(s: &Settings, index: usize) -> bool {
    s.endpoints
        .iter()
        .any(|e| split(s, e).0.calls.get(index).is_some_and(|c| *c > 0.0))
}
