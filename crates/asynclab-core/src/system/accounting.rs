//! What the run reports: window closes, the whole-run summary, the
//! capacity meter (provisioned capacity, cost and revenue over time), and
//! the live gauges the diagram draws.

use super::super::config::{Mode, OutageKind, Settings};
use super::super::metrics::{Draining, RunStat, Summary, Utilisation, Window, add_counts};
use super::super::stats::TimeWeighted;
use super::super::time::SimTime;
use super::{Ev, System};

/// Live levels for the diagram.
#[derive(Clone, Debug, Default)]
pub struct Gauges {
    /// Sim time, s.
    pub t_s: f64,
    /// Busy server workers.
    pub server_busy: u32,
    /// Server workers.
    pub server_workers: u32,
    /// Requests in the accept backlog.
    pub accept_backlog: u64,
    /// Accept backlog capacity.
    pub accept_capacity: u64,
    /// Busy DB connections.
    pub db_busy: u32,
    /// DB connections.
    pub db_connections: u32,
    /// Operations waiting for a DB connection.
    pub db_waiting: u64,
    /// Jobs in the broker.
    pub queue_len: u64,
    /// Per client: jobs in the broker.
    pub queue_by_client: Vec<u64>,
    /// Broker capacity (0 = unbounded).
    pub queue_capacity: u64,
    /// Busy queue workers.
    pub workers_busy: u32,
    /// Queue workers.
    pub workers: u32,
    /// Jobs in backoff.
    pub in_backoff: u64,
    /// Current outage.
    pub outage: Option<OutageKind>,
    /// Per endpoint: mode.
    pub modes: Vec<Mode>,
    /// Work the simulation holds (actions awaiting + requests in flight).
    pub held: u64,
    /// The most it may hold; arrivals beyond are shed.
    pub held_limit: u64,
    /// Capacity cost so far, $.
    pub cost_so_far: f64,
    /// Capacity cost rate now, $/h.
    pub cost_per_hour: f64,
    /// Revenue so far by tier (free, standard, premium), $.
    pub revenue_so_far: [f64; 3],
    /// Per client: the traffic shape's multiplier now.
    pub shape_now: Vec<f64>,
}

/// What a run holds in memory now, for checking that it stays bounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    /// User actions awaiting an outcome.
    pub actions: u64,
    /// Requests and jobs in flight (the work ledger's in-flight total).
    pub in_flight: u64,
    /// Action records allocated (live and free slots).
    pub action_slots: u64,
    /// Patience deadlines queued (answered ones linger until swept).
    pub deadlines: u64,
    /// Events scheduled.
    pub scheduled: u64,
    /// Closed windows retained for a reader.
    pub retained_windows: u64,
    /// Polling records (jobs whose browser polls, or browsers still
    /// polling after their job ended).
    pub polling: u64,
}

/// Provisioned capacity over time (server workers, DB connections, queue
/// workers), cost and revenue: utilisation divides busy time by the
/// capacity's area, so a capacity change mid-window or mid-run is weighted
/// by how long it held.
#[derive(Default)]
pub(super) struct Meter {
    capacity_tw: [TimeWeighted; 3],
    last_capacity: [u128; 3],
    /// Busy areas within capacity at the last window's end: server, DB,
    /// queue workers.
    last_busy: [u128; 3],
    /// Server workers' busy area on status polls at the last window's end.
    last_poll_busy: u128,
    /// Busy areas beyond capacity at the last window's end.
    last_beyond: [u128; 3],
    /// Sync requests' areas waiting for and holding a DB connection at the
    /// last window's end.
    last_sync_db: [u128; 2],
    /// Revenue by tier at the last window's end, $.
    last_revenue: [f64; 3],
    last_window: SimTime,
    /// Capacity cost so far, $.
    cost: f64,
    cost_t: SimTime,
    /// Revenue so far by tier, $.
    pub revenue: [f64; 3],
}

impl Meter {
    /// Capacity cost up to `now` (accrued plus the open stretch), $.
    pub fn cost_until(&self, now: SimTime, s: &Settings) -> f64 {
        let dt = now.saturating_sub(self.cost_t).as_secs_f64();
        self.cost + s.cost_per_hour() * dt / 3600.0
    }

    /// Records the capacity the settings provision from `now` on.
    pub fn set_capacity(&mut self, now: SimTime, s: &Settings) {
        let capacity = [s.server_workers(), s.database.connections, s.queue.workers];
        for (tw, c) in self.capacity_tw.iter_mut().zip(capacity) {
            tw.set(now, u64::from(c));
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

fn share(busy: u128, capacity: u128) -> f64 {
    if capacity > 0 {
        busy as f64 / capacity as f64
    } else {
        0.0
    }
}

impl System {
    /// Counts so far (closed windows plus the open one).
    pub fn totals(&self) -> Window {
        let mut t = self.rec.totals.clone();
        add_counts(&mut t, &self.rec.cur);
        t
    }

    /// What the run holds in memory now.
    pub fn holdings(&self) -> Holdings {
        Holdings {
            actions: self.ledgers.actions.awaiting,
            in_flight: self.ledgers.work.in_flight.total(),
            action_slots: self.actions.capacity() as u64,
            deadlines: self.patience.len() as u64,
            scheduled: self.sched.len() as u64,
            retained_windows: self.rec.windows.len() as u64,
            polling: self.polling_records() as u64,
        }
    }

    /// Scheduled events by kind, most first (for finding what a run holds).
    pub fn scheduled_by_kind(&self) -> Vec<(String, usize)> {
        let mut counts = std::collections::BTreeMap::new();
        for e in self.sched.pending_unsorted() {
            let name = format!("{e:?}");
            let mut kind = name.split([' ', '(', '{']).next().unwrap_or("").to_string();
            if name.contains("kind: Poll") {
                kind.push_str(" (poll)");
            }
            *counts.entry(kind).or_insert(0) += 1;
        }
        let mut v: Vec<(String, usize)> = counts.into_iter().collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        v
    }

    /// Live levels for the diagram.
    pub fn gauges(&self) -> Gauges {
        let lanes = &self.queue.lanes;
        Gauges {
            t_s: self.now().as_secs_f64(),
            server_busy: self.server.busy(),
            server_workers: self.server.servers(),
            accept_backlog: if self.non_blocking() {
                self.in_flight.waiting() as u64
            } else {
                self.server.waiting() as u64
            },
            accept_capacity: self.cfg.accept_capacity(),
            db_busy: self.db.busy(),
            db_connections: self.db.servers(),
            db_waiting: self.db.waiting() as u64,
            queue_len: lanes.len() as u64,
            queue_by_client: (0..self.cfg.clients.len())
                .map(|i| lanes.lane_len(i) as u64)
                .collect(),
            queue_capacity: self.cfg.queue.capacity,
            workers_busy: self.queue.busy,
            workers: self.cfg.queue.workers,
            in_backoff: self.ledgers.work.in_flight.backoff,
            outage: self.outage,
            modes: self.cfg.endpoints.iter().map(|e| e.mode).collect(),
            held: self.held(),
            held_limit: self.cfg.limits.max_in_flight,
            cost_so_far: self.meter.cost_until(self.now(), &self.cfg),
            cost_per_hour: self.cfg.cost_per_hour(),
            revenue_so_far: self.meter.revenue,
            shape_now: self
                .cfg
                .clients
                .iter()
                .map(|c| super::super::traffic::multiplier(&c.shape, self.now().as_secs_f64()))
                .collect(),
        }
    }

    /// The whole run's user-perceived wait statistic (to merge runs).
    pub fn wait_stat(&self) -> &RunStat {
        self.rec.run_stats().0
    }

    /// The whole run's time-to-processed statistic (to merge runs).
    pub fn processed_stat(&self) -> &RunStat {
        self.rec.run_stats().1
    }

    /// The whole-run summary so far.
    pub fn summary(&mut self) -> Summary {
        let now = self.now();
        self.accrue_cost(now);
        let q = self.rec.summary_quantiles();
        let t = self.totals();
        let cap = &mut self.meter.capacity_tw;
        let workers = &mut self.queue.busy_meter;
        let utilisation = Utilisation {
            server: share(self.server.busy_within_ns(now), cap[0].area_ns(now)),
            database: share(self.db.busy_within_ns(now), cap[1].area_ns(now)),
            queue_workers: share(workers.within_ns(now), cap[2].area_ns(now)),
        };
        let unit_s = |ns: u128| ns as f64 / 1e9;
        let draining_unit_s = Draining {
            server: unit_s(self.server.busy_beyond_ns(now)),
            database: unit_s(self.db.busy_beyond_ns(now)),
            queue_workers: unit_s(workers.beyond_ns(now)),
        };
        let actions = self.ledgers.actions.issued.max(1) as f64;
        let w = &self.ledgers.work;
        // Work never processed counts against the processing SLA too: dead
        // letters, and queued jobs already past the target.
        let target = SimTime::from_secs_f64(self.cfg.sla.processed_target_s);
        let late = self
            .queue
            .lanes
            .count_clicked_before(now.saturating_sub(target));
        Summary {
            duration_s: now.as_secs_f64(),
            events: self.events,
            wait: q.wait,
            wait_by_endpoint: q.wait_by_endpoint,
            processed: q.processed,
            processed_by_client: q.processed_by_client,
            learn: q.learn,
            sla_wait_share: ratio(self.rec.run_within, self.rec.run_outcomes),
            sla_processed_share: ratio(
                self.rec.run_commits_within,
                w.committed + w.dead_lettered + late,
            ),
            errors: t.errors,
            user_retries: t.user_retries,
            system_retries: t.system_retries,
            wasted: t.wasted,
            retry_amplification: (w.requests + t.system_retries) as f64 / actions,
            writes_per_action: self.write_attempts as f64 / actions,
            polls: t.polls,
            commits_by_client: t.commits_by_client,
            utilisation,
            draining_unit_s,
            capacity_cost: self.meter.cost,
            revenue_by_tier: self.meter.revenue,
            peak_backlog: self.rec.peak_backlog.max(self.queue.lanes.len() as u64),
            dependencies: self.dependency_summary(now),
        }
    }

    /// Adds the capacity cost accrued since the last call.
    pub(super) fn accrue_cost(&mut self, now: SimTime) {
        let m = &mut self.meter;
        let dt = now.saturating_sub(m.cost_t).as_secs_f64();
        m.cost += self.cfg.cost_per_hour() * dt / 3600.0;
        m.cost_t = m.cost_t.max(now);
    }

    /// Ends the run here: the open window, if any time has passed in it,
    /// closes now as a partial window, so the windows' counts add up to
    /// the ledgers. Run no further after this.
    pub fn finish(&mut self) {
        let now = self.now();
        if now > self.meter.last_window {
            self.close_window(now);
            if let Some(w) = self.rec.windows.last_mut() {
                w.partial = true;
            }
        }
    }

    /// A window closes; the next one is scheduled.
    pub(super) fn on_window_end(&mut self, now: SimTime) {
        self.close_window(now);
        self.sched.schedule_in(self.window, Ev::WindowEnd);
    }

    fn close_window(&mut self, now: SimTime) {
        self.accrue_cost(now);
        let m = &mut self.meter;
        let dt = now.saturating_sub(m.last_window).0 as f64;
        m.last_window = now;
        let workers = &mut self.queue.busy_meter;
        // Busy areas within capacity (utilisation) and beyond it (units
        // finishing their work after a capacity cut: draining).
        let busy = [
            self.server.busy_within_ns(now),
            self.db.busy_within_ns(now),
            workers.within_ns(now),
        ];
        let poll_busy = self.poll_tw.area_ns(now);
        let beyond = [
            self.server.busy_beyond_ns(now),
            self.db.busy_beyond_ns(now),
            workers.beyond_ns(now),
        ];
        let capacity = [
            m.capacity_tw[0].area_ns(now),
            m.capacity_tw[1].area_ns(now),
            m.capacity_tw[2].area_ns(now),
        ];
        let delta = |now: u128, last: u128| now.saturating_sub(last) as f64;
        let mut util = [0.0; 3];
        let mut draining = [0.0; 3];
        for k in 0..3 {
            let cap = delta(capacity[k], m.last_capacity[k]);
            let b = delta(busy[k], m.last_busy[k]);
            util[k] = if cap > 0.0 { b / cap } else { 0.0 };
            draining[k] = if dt > 0.0 {
                delta(beyond[k], m.last_beyond[k]) / dt
            } else {
                0.0
            };
        }
        // Polls use server workers: their share is of server capacity, and
        // never more than the servers' own (a poll beyond a cut capacity is
        // draining like any request).
        let server_cap = delta(capacity[0], m.last_capacity[0]);
        let polls = delta(poll_busy, m.last_poll_busy).min(delta(busy[0], m.last_busy[0]));
        let util_polls = if server_cap > 0.0 {
            polls / server_cap
        } else {
            0.0
        };
        // Where held server time goes in sync: waiting for a connection
        // (the database's symptom) and the write itself.
        let sync_db = [
            self.sync_db.waiting_tw.area_ns(now),
            self.sync_db.writing_tw.area_ns(now),
        ];
        let server_share = |k: usize| {
            let held = delta(sync_db[k], m.last_sync_db[k]);
            if server_cap > 0.0 {
                (held / server_cap).min(util[0])
            } else {
                0.0
            }
        };
        let (db_wait_share, db_write_share) = (server_share(0), server_share(1));
        let hours = dt / 1e9 / 3600.0;
        let revenue_per_hour: [f64; 3] = std::array::from_fn(|k| {
            if hours > 0.0 {
                (m.revenue[k] - m.last_revenue[k]) / hours
            } else {
                0.0
            }
        });
        m.last_revenue = m.revenue;
        m.last_sync_db = sync_db;
        m.last_capacity = capacity;
        m.last_busy = busy;
        m.last_poll_busy = poll_busy;
        m.last_beyond = beyond;
        let lanes = &self.queue.lanes;
        let backlog = lanes.len() as u64;
        let by_client: Vec<u64> = (0..self.cfg.clients.len())
            .map(|i| lanes.lane_len(i) as u64)
            .collect();
        let oldest = lanes.oldest().map_or(0.0, |t| (now - t).as_secs_f64());
        let in_backoff = self.ledgers.work.in_flight.backoff;
        let p = &mut self.polling;
        let polled_area = p.pending_tw.area_ns(now);
        let pending = if dt > 0.0 {
            (polled_area - p.last_area) as f64 / dt
        } else {
            0.0
        };
        p.last_area = polled_area;
        let cost = self.cfg.cost_per_hour();
        let deps = self.dependency_gauges(now, dt);
        self.rec.close(now, |w| {
            for (dw, (busy, util, waiting)) in w.dependencies.iter_mut().zip(deps) {
                dw.busy_slots = busy;
                dw.util = util;
                dw.waiting = waiting;
            }
            w.backlog = backlog;
            w.backlog_by_client = by_client;
            w.oldest_job_age_s = oldest;
            w.in_backoff = in_backoff;
            w.pending_polled = pending;
            w.util_server = util[0];
            w.util_db = util[1];
            w.util_workers = util[2];
            w.util_server_polls = util_polls;
            w.draining_server = draining[0];
            w.draining_db = draining[1];
            w.draining_workers = draining[2];
            w.util_server_db_wait = db_wait_share;
            w.util_server_db_write = db_write_share;
            w.revenue_per_hour = revenue_per_hour;
            w.cost_per_hour = cost;
        });
    }
}
