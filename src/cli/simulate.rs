//! The headless run itself: a scene's `duration_s` of sim time, as fast as
//! the machine goes.

use super::progress::Progress;
use super::report::RunReport;
use crate::scenario::Scenario;
use crate::sim::{SimTime, System};
use std::io::IsTerminal;
use std::time::Instant;

/// Runs the scene for its `duration_s` in chunks of sim time, so a progress
/// bar can follow a long run (on a terminal only: pipes and files stay clean).
/// Returns the report and the system, whose windows make the CSV.
pub(super) fn simulate(s: Scenario) -> (RunReport, System) {
    const CHUNKS: u32 = 200;
    let title = s.title.clone();
    let seed = s.settings.seed;
    let duration_s = s.duration_s;
    let end = SimTime::from_secs_f64(duration_s);
    let mut bar = Progress::new(std::io::stderr().is_terminal());
    let started = Instant::now();
    let mut sys = System::new(s);
    for k in 1..=CHUNKS {
        let t = SimTime::from_secs_f64(duration_s * f64::from(k) / f64::from(CHUNKS)).min(end);
        sys.run_until(t);
        bar.show(
            f64::from(k) / f64::from(CHUNKS),
            t.as_secs_f64(),
            sys.events(),
        );
    }
    sys.run_until(end);
    bar.finish();
    let wall = started.elapsed();
    let report = RunReport {
        title,
        seed,
        duration_s,
        summary: sys.summary(),
        ledgers: sys.ledgers(),
        balance: sys.check_ledgers(),
        events: sys.events(),
        wall,
    };
    (report, sys)
}
