//! Collects a run's outcomes while it goes on: the open window's counts,
//! trailing percentiles for the plots, whole-run statistics for the summary.

use super::reasons::ByReason;
use super::stat::{Quantiles, RunStat, Trailing};
use super::{MIN_SAMPLES, Window};
use crate::time::SimTime;

/// Most closed windows a run keeps for a reader that has not drained them:
/// memory must not grow with duration × clients. Readers that want every
/// window (the CLI's CSV, the live host, tests) drain as the run goes.
pub const MAX_RETAINED_WINDOWS: usize = 10_000;

/// Collects everything while a run goes on.
pub(crate) struct Recorder {
    /// Closed windows not yet drained (at most [`MAX_RETAINED_WINDOWS`]).
    pub windows: Vec<Window>,
    /// Closed windows dropped because nobody drained them.
    pub windows_dropped: u64,
    pub cur: Window,
    /// Endpoints, clients and dependencies of the run.
    endpoints: usize,
    clients: usize,
    dependencies: usize,
    wait: Trailing,
    /// Per endpoint (per client below): kept only with more than one; with
    /// one, its statistics are the totals (the same samples in the same
    /// order), so they are not recorded twice.
    wait_ep: Vec<Trailing>,
    processed: Trailing,
    processed_client: Vec<Trailing>,
    learn: Trailing,
    run_wait: RunStat,
    run_wait_ep: Vec<RunStat>,
    run_processed: RunStat,
    run_processed_client: Vec<RunStat>,
    run_learn: RunStat,
    pub wait_target: SimTime,
    pub processed_target: SimTime,
    win_outcomes: u64,
    win_within: u64,
    /// Outcomes, those within the wait target, and errors (shed arrivals
    /// included) of each window in the trailing span.
    trailing_counts: std::collections::VecDeque<[u64; 4]>,
    trailing_sum: [u64; 4],
    span: usize,
    pub run_outcomes: u64,
    pub run_within: u64,
    pub run_commits_within: u64,
    pub totals: Window,
    pub peak_backlog: u64,
}

impl Recorder {
    pub fn new(clients: usize, endpoints: usize, dependencies: usize, span: usize) -> Self {
        let w = empty_window(clients, endpoints, dependencies);
        let per = |n: usize| if n > 1 { n } else { 0 };
        Recorder {
            endpoints,
            clients,
            dependencies,
            windows: Vec::new(),
            windows_dropped: 0,
            cur: w.clone(),
            wait: Trailing::new(span, MIN_SAMPLES),
            wait_ep: (0..per(endpoints))
                .map(|_| Trailing::new(span, MIN_SAMPLES))
                .collect(),
            processed: Trailing::new(span, MIN_SAMPLES),
            processed_client: (0..per(clients))
                .map(|_| Trailing::new(span, MIN_SAMPLES))
                .collect(),
            learn: Trailing::new(span, MIN_SAMPLES),
            run_wait: RunStat::new(),
            run_wait_ep: (0..per(endpoints)).map(|_| RunStat::new()).collect(),
            run_processed: RunStat::new(),
            run_processed_client: (0..per(clients)).map(|_| RunStat::new()).collect(),
            run_learn: RunStat::new(),
            wait_target: SimTime::ZERO,
            processed_target: SimTime::ZERO,
            win_outcomes: 0,
            win_within: 0,
            trailing_counts: std::collections::VecDeque::new(),
            trailing_sum: [0; 4],
            span: span.max(1),
            run_outcomes: 0,
            run_within: 0,
            run_commits_within: 0,
            totals: w,
            peak_backlog: 0,
        }
    }

    /// A user saw an outcome after waiting `wait`. `success`: a response or
    /// an acknowledgement; an error or a timeout is never "within the SLA",
    /// however fast it came.
    #[inline]
    pub fn wait(&mut self, endpoint: usize, wait: SimTime, success: bool) {
        self.wait.record(wait);
        self.run_wait.record(wait);
        if let Some(t) = self.wait_ep.get_mut(endpoint) {
            t.record(wait);
        }
        if let Some(h) = self.run_wait_ep.get_mut(endpoint) {
            h.record(wait);
        }
        self.win_outcomes += 1;
        self.run_outcomes += 1;
        if success && wait <= self.wait_target {
            self.win_within += 1;
            self.run_within += 1;
        }
    }

    /// A write committed `processed` after its click.
    #[inline]
    pub fn commit(&mut self, client: usize, processed: SimTime) {
        self.cur.commits += 1;
        if let Some(c) = self.cur.commits_by_client.get_mut(client) {
            *c += 1;
        }
        self.processed.record(processed);
        self.run_processed.record(processed);
        if let Some(t) = self.processed_client.get_mut(client) {
            t.record(processed);
        }
        if let Some(h) = self.run_processed_client.get_mut(client) {
            h.record(processed);
        }
        if processed <= self.processed_target {
            self.run_commits_within += 1;
        }
    }

    /// A polling user learned of completion `t` after the click.
    pub fn learn(&mut self, t: SimTime) {
        self.learn.record(t);
        self.run_learn.record(t);
    }

    /// Closes the window ending at `t`; gauges are filled in by `gauges`.
    pub fn close(&mut self, t: SimTime, gauges: impl FnOnce(&mut Window)) {
        let mut w = std::mem::replace(
            &mut self.cur,
            empty_window(self.clients, self.endpoints, self.dependencies),
        );
        w.t_s = t.as_secs_f64();
        w.wait = self.wait.roll();
        w.wait_p95_by_endpoint = if self.wait_ep.is_empty() {
            vec![w.wait.p95; self.endpoints]
        } else {
            self.wait_ep.iter_mut().map(|t| t.roll().p95).collect()
        };
        w.processed = self.processed.roll();
        w.processed_p95_by_client = if self.processed_client.is_empty() {
            vec![w.processed.p95; self.clients]
        } else {
            self.processed_client
                .iter_mut()
                .map(|t| t.roll().p95)
                .collect()
        };
        w.learn_p95 = self.learn.roll().p95;
        // The SLA and error shares cover the same trailing span as the
        // percentiles, so a headline never sets "p95 15 s" beside "100%
        // within 1 s" from a calmer last second.
        let shed = w.errors[super::Reason::SimLimit];
        let counts = [
            self.win_outcomes + shed,
            self.win_within,
            w.errors.total(),
            shed,
        ];
        if self.trailing_counts.len() >= self.span
            && let Some(old) = self.trailing_counts.pop_front()
        {
            for (sum, o) in self.trailing_sum.iter_mut().zip(old) {
                *sum -= o;
            }
        }
        for (sum, c) in self.trailing_sum.iter_mut().zip(counts) {
            *sum += c;
        }
        self.trailing_counts.push_back(counts);
        let [outcomes, within, errors, span_shed] = self.trailing_sum;
        (w.sla_share, w.error_share) = if outcomes > 0 {
            (
                within as f64 / outcomes as f64,
                (errors as f64 / outcomes as f64).min(1.0),
            )
        } else {
            (f64::NAN, f64::NAN)
        };
        w.outcomes = outcomes;
        w.span_errors = errors;
        w.span_shed = span_shed;
        self.win_outcomes = 0;
        self.win_within = 0;
        gauges(&mut w);
        self.peak_backlog = self.peak_backlog.max(w.backlog);
        add_counts(&mut self.totals, &w);
        self.windows.push(w);
        if self.windows.len() > MAX_RETAINED_WINDOWS {
            // Nobody drained them: keep the newest half, count the rest.
            let cut = self.windows.len() - MAX_RETAINED_WINDOWS / 2;
            self.windows.drain(..cut);
            self.windows_dropped += cut as u64;
        }
    }

    /// The whole run's wait and time-to-processed statistics.
    pub fn run_stats(&self) -> (&RunStat, &RunStat) {
        (&self.run_wait, &self.run_processed)
    }

    pub fn summary_quantiles(&self) -> SummaryQuantiles {
        let q = RunStat::quantiles;
        let (wait, processed) = (q(&self.run_wait), q(&self.run_processed));
        let each = |per: &[RunStat], total: Option<Quantiles>, n: usize| {
            if per.is_empty() {
                vec![total; n]
            } else {
                per.iter().map(q).collect()
            }
        };
        SummaryQuantiles {
            wait,
            wait_by_endpoint: each(&self.run_wait_ep, wait, self.endpoints),
            processed,
            processed_by_client: each(&self.run_processed_client, processed, self.clients),
            learn: q(&self.run_learn),
        }
    }
}

pub(crate) struct SummaryQuantiles {
    pub wait: Option<Quantiles>,
    pub wait_by_endpoint: Vec<Option<Quantiles>>,
    pub processed: Option<Quantiles>,
    pub processed_by_client: Vec<Option<Quantiles>>,
    pub learn: Option<Quantiles>,
}

/// Adds the counts (not gauges or quantiles) of `w` to `t`.
pub(crate) fn add_counts(t: &mut Window, w: &Window) {
    t.actions += w.actions;
    t.clicks += w.clicks;
    t.responses += w.responses;
    t.acks += w.acks;
    t.commits += w.commits;
    for (a, b) in t.commits_by_client.iter_mut().zip(&w.commits_by_client) {
        *a += b;
    }
    for (a, b) in t.clicks_by_client.iter_mut().zip(&w.clicks_by_client) {
        *a += b;
    }
    t.errors.add(&w.errors);
    t.user_retries += w.user_retries;
    t.system_retries += w.system_retries;
    t.dead_letters += w.dead_letters;
    t.wasted += w.wasted;
    t.polls += w.polls;
    for (a, b) in t.dependencies.iter_mut().zip(&w.dependencies) {
        a.calls += b.calls;
        a.failures.add(&b.failures);
    }
}

pub(crate) fn empty_window(clients: usize, endpoints: usize, dependencies: usize) -> Window {
    Window {
        t_s: 0.0,
        actions: 0,
        clicks: 0,
        clicks_by_client: vec![0; clients],
        responses: 0,
        acks: 0,
        commits: 0,
        commits_by_client: vec![0; clients],
        errors: ByReason::default(),
        user_retries: 0,
        system_retries: 0,
        dead_letters: 0,
        wasted: 0,
        polls: 0,
        wait: Quantiles::NONE,
        wait_p95_by_endpoint: vec![f64::NAN; endpoints],
        processed: Quantiles::NONE,
        processed_p95_by_client: vec![f64::NAN; clients],
        learn_p95: f64::NAN,
        sla_share: f64::NAN,
        backlog: 0,
        backlog_by_client: vec![0; clients],
        in_backoff: 0,
        oldest_job_age_s: 0.0,
        pending_polled: 0.0,
        util_server: 0.0,
        util_db: 0.0,
        util_workers: 0.0,
        util_server_polls: 0.0,
        draining_server: 0.0,
        draining_db: 0.0,
        draining_workers: 0.0,
        cost_per_hour: 0.0,
        partial: false,
        error_share: f64::NAN,
        outcomes: 0,
        span_errors: 0,
        span_shed: 0,
        revenue_per_hour: [0.0; 3],
        util_server_db_wait: 0.0,
        util_server_db_write: 0.0,
        dependencies: vec![super::DepWindow::default(); dependencies],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_and_error_shares_cover_the_percentiles_span() {
        let mut r = Recorder::new(1, 1, 0, 10);
        r.wait_target = SimTime::from_secs(1);
        // A bad second: 100 users wait 15 s and time out …
        for _ in 0..100 {
            r.wait(0, SimTime::from_secs(15), false);
            r.cur.errors[super::super::Reason::Timeout] += 1;
        }
        r.close(SimTime::from_secs(1), |_| {});
        // … then a calm one: 10 answered in 10 ms.
        for _ in 0..10 {
            r.wait(0, SimTime::from_millis_f64(10.0), true);
        }
        r.close(SimTime::from_secs(2), |_| {});
        let w = r.windows.last().expect("window");
        // p95 and the shares describe the same 110 outcomes.
        assert_eq!(w.wait.n, 110);
        assert!(w.wait.p95 > 14.0);
        assert!(
            (w.sla_share - 10.0 / 110.0).abs() < 1e-12,
            "{}",
            w.sla_share
        );
        assert!((w.error_share - 100.0 / 110.0).abs() < 1e-12);
        assert_eq!(w.outcomes, 110);
    }
}
