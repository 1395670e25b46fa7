//! The simulated system: browsers → server → (database | queue → workers →
//! database), with every event of MODEL.md and both conservation ledgers.
//!
//! One `System` is one run. Drive it with [`System::run_until`]; change it
//! with [`System::apply`]; read it with [`System::windows`],
//! [`System::summary`], [`System::ledgers`] and [`System::gauges`].

use super::dist::Sampler;
use super::lanes::{Job, LanePolicy, Lanes, Next};
use super::config::{Change, ChangeError, Mode, OutageKind, RetryPolicy, Settings};
use super::metrics::{Ledgers, Reason, Recorder, Summary, Utilisation, Window};
use super::rng::{SimRng, stream};
use super::scheduler::Scheduler;
use super::station::{Fifo, Station};
use super::stats::TimeWeighted;
use super::time::SimTime;
use super::traffic;
use rand::RngExt;
use rand_distr::{Distribution, Exp};

/// A save or poll request inside the server. 32 bytes.
#[derive(Clone, Copy, Debug)]
struct Req {
    /// When the action's first click happened: time to processed and time
    /// until a polling user learns count from it, so clicks again and the
    /// think time before them are part of what the user lived through.
    clicked: SimTime,
    action: u32,
    generation: u32,
    /// Polling record + 1 for a status poll; 0 for a save.
    poll: u32,
    click: u16,
    client: u16,
    endpoint: u8,
    /// Inline write attempts so far (sync).
    attempts: u8,
}

impl Req {
    fn is_save(&self) -> bool {
        self.poll == 0
    }
}

#[derive(Clone, Copy, Debug)]
enum DbOp {
    Sync(Req),
    Job(Job),
}

/// What a browser receives.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Answer {
    Ok,
    Ack,
    Error(Reason),
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    /// A candidate arrival of `client`. `boundary`: not a candidate, just
    /// the end of the span its rate bound covered (draw again from here).
    Arrival {
        client: u16,
        generation: u32,
        boundary: bool,
    },
    Click {
        action: u32,
        generation: u32,
    },
    AtServer(Req),
    CpuDone(Req),
    EnqueueDone(Req),
    DbDone {
        op: DbOp,
        ok: bool,
    },
    InlineRetry(Req),
    Response {
        action: u32,
        generation: u32,
        click: u16,
        answer: Answer,
        poll: u32,
    },
    /// The earliest patience deadline is due (see `System::deadlines`).
    PatienceWake,
    JobDue(Job),
    QueueWake,
    /// The browser sends its next status poll (record, its generation).
    PollTick(u32, u32),
    /// A poll's answer reaches the browser (record, its generation, done).
    PollAnswer {
        poll: u32,
        generation: u32,
        done: bool,
    },
    WindowEnd,
}

#[derive(Clone, Copy, Debug, Default)]
struct ActionState {
    /// The current click (user-perceived waits count from it).
    clicked: SimTime,
    /// The action's first click (time to processed counts from it).
    first: SimTime,
    generation: u32,
    click: u16,
    retries: u16,
    client: u16,
    endpoint: u8,
    live: bool,
    awaiting: bool,
}

/// When a user gives up on a click unless an answer came first.
#[derive(Clone, Copy, Debug)]
struct Deadline {
    at: SimTime,
    action: u32,
    generation: u32,
    click: u16,
}

#[derive(Clone, Copy, Debug, Default)]
struct PollState {
    clicked: SimTime,
    /// Bumped on reuse so a stale tick of an earlier user is ignored.
    generation: u32,
    client: u16,
    endpoint: u8,
    /// The job is finished and a poll answers "done".
    done: bool,
    /// The job was committed (not dead-lettered).
    committed: bool,
    /// The job is finished (committed or dead-lettered).
    job_finished: bool,
    /// The browser stopped polling (learned, or never started).
    browser_finished: bool,
}

/// A change that took effect, for a marker on the plots. The words for it
/// are made outside the core (`crate::words::change`).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// When, seconds of sim time.
    pub t_s: f64,
    /// What changed.
    pub change: Change,
}

impl Marker {
    /// What kind of marker this is.
    pub fn kind(&self) -> MarkerKind {
        match self.change {
            Change::SetMode { .. } => MarkerKind::Mode,
            Change::Caption(_) => MarkerKind::Caption,
            Change::OutageStart(_) | Change::OutageEnd => MarkerKind::Outage,
            Change::Set { .. } | Change::SetScheduling(_) | Change::SetRetry(_) => {
                MarkerKind::Change
            }
        }
    }
}

/// Kinds of plot markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A mode switched.
    Mode,
    /// A scripted caption.
    Caption,
    /// An outage started or ended.
    Outage,
    /// Any other change.
    Change,
}

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
}

/// Per-purpose random streams (see [`crate::sim::rng`]).
struct Rngs {
    arrivals: Vec<SimRng>,
    endpoint: Vec<SimRng>,
    net: SimRng,
    cpu: SimRng,
    db: SimRng,
    db_fail: SimRng,
    user: SimRng,
    think: SimRng,
    enqueue: SimRng,
    backoff: SimRng,
}

struct Samplers {
    net: Sampler,
    think: Sampler,
    poll_cpu: Sampler,
    enqueue: Sampler,
    cpu: Vec<Sampler>,
    db: Vec<Sampler>,
}

/// One simulation run.
pub struct System {
    cfg: Settings,
    /// Scripted changes, sorted by time (stable: file order within a time).
    file_timeline: Vec<(SimTime, Change)>,
    /// Index of the next scripted change to apply.
    next_change: usize,
    sched: Scheduler<Ev>,
    rng: Rngs,
    smp: Samplers,
    client_gen: Vec<u32>,
    /// Base rate each client's pending arrival was drawn for (a change
    /// restarts that client's arrivals, and only that client's).
    client_rate: Vec<f64>,
    /// Rate bound (actions/s) the pending candidate of each client was
    /// drawn with: the thinning acceptance test divides by it.
    client_bound: Vec<f64>,
    endpoint_cum: Vec<f64>,
    server: Station<Req>,
    db: Station<DbOp>,
    lanes: Lanes,
    policies: Vec<LanePolicy>,
    workers_busy: u32,
    workers_tw: TimeWeighted,
    poll_busy: u32,
    poll_tw: TimeWeighted,
    wake_at: Option<SimTime>,
    outage: Option<OutageKind>,
    actions: Vec<ActionState>,
    free_actions: Vec<u32>,
    /// Patience deadlines in time order, and the wake-up scheduled for them.
    deadlines: std::collections::VecDeque<Deadline>,
    patience_wake: Option<SimTime>,
    polls: Vec<PollState>,
    free_polls: Vec<u32>,
    polled_pending: u64,
    polled_tw: TimeWeighted,
    last_polled_area: u128,
    ledgers: Ledgers,
    rec: Recorder,
    markers: Vec<Marker>,
    events: u64,
    write_attempts: u64,
    last_window: SimTime,
    last_busy: [u128; 4],
    /// Provisioned capacity over time (server workers, DB connections, queue
    /// workers): utilisation divides busy time by this area, so a capacity
    /// change mid-window or mid-run is weighted by how long it held.
    capacity_tw: [TimeWeighted; 3],
    last_capacity: [u128; 3],
    cost: f64,
    cost_t: SimTime,
    revenue: [f64; 3],
    window: SimTime,
}

impl System {
    /// A run of `settings` at time zero. The settings should be valid
    /// (the scene format validates them); out-of-range values are clamped
    /// rather than trusted.
    pub fn new(settings: impl Into<Settings>) -> System {
        let scenario: Settings = settings.into();
        let seed = scenario.seed;
        let nc = scenario.clients.len();
        let ne = scenario.endpoints.len();
        let window = SimTime::from_secs_f64(scenario.window_s).max(SimTime::from_millis_f64(10.0));
        let span = (scenario.percentile_window_s / scenario.window_s)
            .round()
            .clamp(1.0, 3_600.0) as usize;
        let mut file_timeline: Vec<(SimTime, Change)> = scenario
            .timeline
            .iter()
            .map(|e| (SimTime::from_secs_f64(e.at_s), e.change.clone()))
            .collect();
        file_timeline.sort_by_key(|(t, _)| *t);
        let rng = Rngs {
            arrivals: (0..nc as u64)
                .map(|i| stream(seed, "arrivals", i))
                .collect(),
            endpoint: (0..nc as u64)
                .map(|i| stream(seed, "endpoint", i))
                .collect(),
            net: stream(seed, "network", 0),
            cpu: stream(seed, "cpu", 0),
            db: stream(seed, "db", 0),
            db_fail: stream(seed, "db-fail", 0),
            user: stream(seed, "user", 0),
            think: stream(seed, "think", 0),
            enqueue: stream(seed, "enqueue", 0),
            backoff: stream(seed, "backoff", 0),
        };
        let mut s = System {
            smp: samplers(&scenario),
            policies: policies(&scenario),
            lanes: Lanes::new(nc, &policies(&scenario)),
            server: Station::new(scenario.server_workers(), Fifo::default()),
            db: Station::new(scenario.database.connections, Fifo::default()),
            client_gen: vec![0; nc],
            client_rate: vec![f64::NAN; nc],
            client_bound: vec![0.0; nc],
            endpoint_cum: Vec::new(),
            rec: Recorder::new(nc, ne, span),
            cfg: scenario,
            file_timeline,
            next_change: 0,
            sched: Scheduler::new(),
            rng,
            workers_busy: 0,
            workers_tw: TimeWeighted::default(),
            poll_busy: 0,
            poll_tw: TimeWeighted::default(),
            wake_at: None,
            outage: None,
            actions: Vec::new(),
            free_actions: Vec::new(),
            deadlines: std::collections::VecDeque::new(),
            patience_wake: None,
            polls: Vec::new(),
            free_polls: Vec::new(),
            polled_pending: 0,
            polled_tw: TimeWeighted::default(),
            last_polled_area: 0,
            ledgers: Ledgers::default(),
            markers: Vec::new(),
            events: 0,
            write_attempts: 0,
            last_window: SimTime::ZERO,
            last_busy: [0; 4],
            capacity_tw: Default::default(),
            last_capacity: [0; 3],
            cost: 0.0,
            cost_t: SimTime::ZERO,
            revenue: [0.0; 3],
            window,
        };
        s.refresh_derived();
        for c in 0..nc {
            s.restart_arrivals(c);
        }
        s.sched.schedule_at(window, Ev::WindowEnd);
        s
    }

    // ----- reading ---------------------------------------------------------

    /// The live settings (with every change applied so far).
    pub fn settings(&self) -> &Settings {
        &self.cfg
    }
    /// Current sim time.
    pub fn now(&self) -> SimTime {
        self.sched.now()
    }
    /// Scheduled events plus queued patience deadlines: what the run holds
    /// in memory for the future.
    pub fn pending(&self) -> usize {
        self.sched.len() + self.deadlines.len()
    }
    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Closed windows of the time series.
    pub fn windows(&self) -> &[Window] {
        &self.rec.windows
    }
    /// Mode switches, captions, outages and other changes so far.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }
    /// Both conservation ledgers, now.
    pub fn ledgers(&self) -> Ledgers {
        self.ledgers
    }
    /// Counts so far (closed windows plus the open one).
    pub fn totals(&self) -> Window {
        let mut t = self.rec.totals.clone();
        super::metrics::add_counts(&mut t, &self.rec.cur);
        t
    }
    /// Time of the next scripted timeline event, if any is left.
    pub fn next_scripted(&self) -> Option<SimTime> {
        self.file_timeline.get(self.next_change).map(|(t, _)| *t)
    }
    /// Live levels for the diagram.
    pub fn gauges(&self) -> Gauges {
        Gauges {
            t_s: self.now().as_secs_f64(),
            server_busy: self.server.busy(),
            server_workers: self.server.servers(),
            accept_backlog: self.server.waiting() as u64,
            accept_capacity: self.backlog_cap() as u64,
            db_busy: self.db.busy(),
            db_connections: self.db.servers(),
            db_waiting: self.db.waiting() as u64,
            queue_len: self.lanes.len() as u64,
            queue_by_client: (0..self.cfg.clients.len())
                .map(|i| self.lanes.lane_len(i) as u64)
                .collect(),
            queue_capacity: self.cfg.queue.capacity,
            workers_busy: self.workers_busy,
            workers: self.cfg.queue.workers,
            in_backoff: self.ledgers.work.in_flight.backoff,
            outage: self.outage,
            modes: self.cfg.endpoints.iter().map(|e| e.mode).collect(),
        }
    }

    /// Checks both ledgers and that each in-flight stage matches the
    /// structure that holds those requests. `Err` says what is off.
    pub fn check_ledgers(&self) -> Result<(), String> {
        let l = self.ledgers;
        if !l.actions.balances() {
            return Err(format!("action ledger does not balance: {:?}", l.actions));
        }
        if !l.work.balances() {
            return Err(format!("work ledger does not balance: {:?}", l.work));
        }
        let live = self.actions.iter().filter(|a| a.live).count() as u64;
        if live != l.actions.awaiting {
            return Err(format!(
                "{live} live actions but ledger says {} awaiting",
                l.actions.awaiting
            ));
        }
        let st = l.work.in_flight;
        if st.queued != self.lanes.len() as u64 {
            return Err(format!(
                "{} jobs in lanes but ledger says {}",
                self.lanes.len(),
                st.queued
            ));
        }
        Ok(())
    }

    /// The whole-run summary so far.
    pub fn summary(&mut self) -> Summary {
        let now = self.now();
        self.accrue_cost(now);
        let q = self.rec.summary_quantiles();
        let t = self.totals();
        let util = |busy: u128, capacity: u128| {
            if capacity > 0 {
                busy as f64 / capacity as f64
            } else {
                0.0
            }
        };
        let u = [
            util(
                self.server.busy_server_ns(now),
                self.capacity_tw[0].area_ns(now),
            ),
            util(
                self.db.busy_server_ns(now),
                self.capacity_tw[1].area_ns(now),
            ),
            util(
                self.workers_tw.area_ns(now),
                self.capacity_tw[2].area_ns(now),
            ),
        ];
        let actions = self.ledgers.actions.issued.max(1) as f64;
        Summary {
            duration_s: now.as_secs_f64(),
            events: self.events,
            wait: q.wait,
            wait_by_endpoint: q.wait_by_endpoint,
            processed: q.processed,
            processed_by_client: q.processed_by_client,
            learn: q.learn,
            sla_wait_share: ratio(self.rec.run_within, self.rec.run_outcomes),
            sla_processed_share: {
                // Work never processed counts too: dead letters, and queued
                // jobs already past the target.
                let target = SimTime::from_secs_f64(self.cfg.sla.processed_target_s);
                let late = self.lanes.count_clicked_before(now.saturating_sub(target));
                let w = &self.ledgers.work;
                ratio(
                    self.rec.run_commits_within,
                    w.committed + w.dead_lettered + late,
                )
            },
            errors: t.errors,
            user_retries: t.user_retries,
            system_retries: t.system_retries,
            wasted: t.wasted,
            retry_amplification: (self.ledgers.work.requests + t.system_retries) as f64 / actions,
            writes_per_action: self.write_attempts as f64 / actions,
            polls: t.polls,
            commits_by_client: t.commits_by_client,
            utilisation: Utilisation {
                server: u[0],
                database: u[1],
                queue_workers: u[2],
            },
            capacity_cost: self.cost,
            revenue_by_tier: self.revenue,
            peak_backlog: self.rec.peak_backlog.max(self.lanes.len() as u64),
        }
    }

    // ----- driving ---------------------------------------------------------

    /// Processes every event and scripted change due at or before `t`, then
    /// sets the clock to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        while self.advance_one(t) {}
        self.sched.advance_to(t);
    }

    /// Processes exactly one event or scripted change; false when nothing is
    /// pending.
    pub fn step(&mut self) -> bool {
        self.advance_one(SimTime::MAX)
    }

    /// One event or scripted change due at or before `limit`.
    ///
    /// A scripted change at time T applies after every event at T, exactly
    /// as a live change does (the host runs to T, then applies). That is why
    /// a recorded demo, saved as timeline events, replays bit for bit.
    fn advance_one(&mut self, limit: SimTime) -> bool {
        let change_t = self.next_scripted().filter(|c| *c <= limit);
        let event_t = self.sched.peek_time().filter(|e| *e <= limit);
        match (change_t, event_t) {
            (Some(c), e) if e.is_none_or(|e| e > c) => {
                self.sched.advance_to(c);
                let change = self.file_timeline[self.next_change].1.clone();
                self.next_change += 1;
                // Validated files cannot fail here; a bad knob in an
                // unvalidated scenario is skipped rather than fatal.
                let _ = self.apply_change(c, change);
                true
            }
            (_, Some(_)) => match self.sched.pop() {
                Some((now, ev)) => {
                    self.handle(now, ev);
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// Applies a change now (a live tweak). Knob values are range-checked;
    /// an invalid one changes nothing.
    pub fn apply(&mut self, change: Change) -> Result<(), ChangeError> {
        let now = self.now();
        self.apply_change(now, change)
    }

    fn apply_change(&mut self, now: SimTime, change: Change) -> Result<(), ChangeError> {
        self.accrue_cost(now);
        let changed = change.apply_to(&mut self.cfg)?;
        match &change {
            // Already in that mode (e.g. the presenter switched before the
            // script did): nothing changes, nothing to mark.
            Change::SetMode { .. } if !changed => return Ok(()),
            Change::Set { .. } => {
                self.refresh_derived();
                if change.touches_clients() {
                    for c in 0..self.cfg.clients.len() {
                        self.restart_arrivals(c);
                    }
                }
            }
            Change::OutageStart(k) => self.outage = Some(*k),
            Change::OutageEnd => self.outage = None,
            _ => {}
        }
        self.markers.push(Marker {
            t_s: now.as_secs_f64(),
            change,
        });
        self.dispatch(now);
        Ok(())
    }

    /// Rebuilds everything derived from the settings after a change.
    fn refresh_derived(&mut self) {
        let now = self.now();
        let capacity = [
            self.cfg.server_workers(),
            self.cfg.database.connections,
            self.cfg.queue.workers,
        ];
        for (tw, c) in self.capacity_tw.iter_mut().zip(capacity) {
            tw.set(now, c as u64);
        }
        self.rec.wait_target = SimTime::from_secs_f64(self.cfg.sla.wait_target_s);
        self.rec.processed_target = SimTime::from_secs_f64(self.cfg.sla.processed_target_s);
        self.smp = samplers(&self.cfg);
        self.policies = policies(&self.cfg);
        let total: f64 = self.cfg.endpoints.iter().map(|e| e.share.max(0.0)).sum();
        let mut acc = 0.0;
        self.endpoint_cum = self
            .cfg
            .endpoints
            .iter()
            .map(|e| {
                acc += e.share.max(0.0) / total.max(1e-300);
                acc
            })
            .collect();
        for r in self.server.set_servers(now, self.cfg.server_workers()) {
            self.start_cpu(now, r, true);
        }
        for op in self.db.set_servers(now, self.cfg.database.connections) {
            self.db_started_from_wait(now, op);
        }
    }

    fn restart_arrivals(&mut self, c: usize) {
        let rate = self.cfg.clients[c].rate_per_s;
        if rate == self.client_rate[c] {
            return;
        }
        self.client_rate[c] = rate;
        self.client_gen[c] = self.client_gen[c].wrapping_add(1);
        self.schedule_arrival(c);
    }

    /// Draws client `c`'s next candidate arrival by thinning against the
    /// shape's bound over the span ahead (piecewise, so a six-fold peak at
    /// 09:00 does not waste five candidates in six all night).
    fn schedule_arrival(&mut self, c: usize) {
        let now = self.now();
        let cl = &self.cfg.clients[c];
        let (bound, until_s) = traffic::bound(&cl.shape, now.as_secs_f64());
        let rate = cl.rate_per_s.max(0.0) * bound;
        let generation = self.client_gen[c];
        let client = c as u16;
        let until =
            (until_s.is_finite()).then(|| SimTime::from_secs_f64(until_s).max(now + SimTime(1)));
        let gap = match Exp::new(rate) {
            Ok(exp) if rate.is_finite() && rate > 0.0 => Some(SimTime::from_secs_f64(
                exp.sample(&mut self.rng.arrivals[c]),
            )),
            _ => None,
        };
        self.client_bound[c] = rate;
        match (gap, until) {
            (Some(g), u) if u.is_none_or(|u| now + g <= u) => {
                let ev = Ev::Arrival {
                    client,
                    generation,
                    boundary: false,
                };
                self.sched.schedule_in(g, ev);
            }
            (_, Some(u)) => {
                let ev = Ev::Arrival {
                    client,
                    generation,
                    boundary: true,
                };
                self.sched.schedule_at(u, ev);
            }
            // No traffic now and no change ahead: silent until a knob moves.
            (None, None) => {}
            (Some(_), None) => unreachable!("covered by the first arm"),
        }
    }

    fn handle(&mut self, now: SimTime, ev: Ev) {
        self.events += 1;
        match ev {
            Ev::Arrival {
                client,
                generation,
                boundary,
            } => {
                let c = client as usize;
                if generation != self.client_gen[c] {
                    return;
                }
                if !boundary {
                    // Thinning: accept with probability rate(t) / bound.
                    let cl = &self.cfg.clients[c];
                    let rate =
                        cl.rate_per_s.max(0.0) * traffic::multiplier(&cl.shape, now.as_secs_f64());
                    let u: f64 = self.rng.arrivals[c].random();
                    if u * self.client_bound[c] < rate {
                        self.new_action(now, c);
                    }
                }
                self.schedule_arrival(c);
            }
            Ev::Click { action, generation } => {
                if self.action_alive(action, generation) {
                    self.rec.cur.user_retries += 1;
                    self.click(now, action);
                }
            }
            Ev::AtServer(req) => self.at_server(now, req),
            Ev::CpuDone(req) => self.cpu_done(now, req),
            Ev::EnqueueDone(req) => self.enqueue_done(now, req),
            Ev::DbDone { op, ok } => self.db_done(now, op, ok),
            Ev::InlineRetry(req) => {
                // Counted when it runs, like a worker's retry.
                self.rec.cur.system_retries += 1;
                self.ledgers.work.in_flight.server -= 1;
                self.db_request(now, DbOp::Sync(req));
            }
            Ev::Response {
                action,
                generation,
                click,
                answer,
                poll,
            } => self.response(now, action, generation, click, answer, poll),
            Ev::PatienceWake => {
                if self.patience_wake == Some(now) {
                    self.patience_wake = None;
                }
                while let Some(d) = self.deadlines.front().copied().filter(|d| d.at <= now) {
                    self.deadlines.pop_front();
                    if self.still_waiting(d.action, d.generation, d.click) {
                        let st = self.actions[d.action as usize];
                        self.rec.wait(st.endpoint as usize, now - st.clicked, false);
                        self.user_error(now, d.action, Reason::Timeout);
                    }
                }
                self.schedule_patience_wake();
            }
            Ev::JobDue(mut job) => {
                // A retry counts when it runs, so a herd returning from
                // backoff at once shows as a spike.
                self.rec.cur.system_retries += 1;
                let f = &mut self.ledgers.work.in_flight;
                f.backoff -= 1;
                f.queued += 1;
                job.enqueued = now;
                self.lanes.push(job);
                self.dispatch(now);
            }
            Ev::QueueWake => {
                if self.wake_at == Some(now) {
                    self.wake_at = None;
                }
                self.dispatch(now);
            }
            Ev::PollTick(p, generation) => {
                let ps = self.polls[p as usize];
                if ps.generation != generation || ps.browser_finished {
                    return;
                }
                // Polls go out on a fixed cadence, so polls/s = pending ÷ P.
                let interval = SimTime::from_secs_f64(self.cfg.browser.poll_interval_s);
                if interval == SimTime::ZERO {
                    self.stop_polling(p);
                    return;
                }
                self.sched
                    .schedule_in(interval, Ev::PollTick(p, generation));
                let req = Req {
                    clicked: ps.clicked,
                    action: 0,
                    generation,
                    poll: p + 1,
                    click: 0,
                    client: ps.client,
                    endpoint: ps.endpoint,
                    attempts: 0,
                };
                let d = self.smp.net.sample(&mut self.rng.net);
                self.sched.schedule_in(d, Ev::AtServer(req));
            }
            Ev::PollAnswer {
                poll,
                generation,
                done,
            } => {
                let p = poll as usize;
                // Polls overlap when a round trip outlasts the interval: a
                // late answer for a record since reused must not touch it.
                let current = self.polls[p].generation == generation;
                if current && done && !self.polls[p].browser_finished {
                    if self.polls[p].committed {
                        self.rec.learn(now - self.polls[p].clicked);
                    }
                    self.stop_polling(poll);
                }
            }
            Ev::WindowEnd => {
                self.close_window(now);
                self.sched.schedule_in(self.window, Ev::WindowEnd);
            }
        }
    }

    // ----- browser ---------------------------------------------------------

    fn action_alive(&self, action: u32, generation: u32) -> bool {
        self.actions
            .get(action as usize)
            .is_some_and(|a| a.live && a.generation == generation)
    }

    fn new_action(&mut self, now: SimTime, c: usize) {
        let u: f64 = self.rng.endpoint[c].random();
        // Rounding can leave the cumulative share a hair below 1: the last
        // endpoint takes that sliver.
        let last = self.endpoint_cum.len().saturating_sub(1);
        let endpoint = self
            .endpoint_cum
            .iter()
            .position(|x| u < *x)
            .unwrap_or(last);
        let idx = match self.free_actions.pop() {
            Some(i) => i,
            None => {
                self.actions.push(ActionState::default());
                (self.actions.len() - 1) as u32
            }
        };
        let a = &mut self.actions[idx as usize];
        *a = ActionState {
            clicked: now,
            first: now,
            generation: a.generation.wrapping_add(1),
            click: 0,
            retries: 0,
            client: c as u16,
            endpoint: endpoint as u8,
            live: true,
            awaiting: false,
        };
        self.ledgers.actions.issued += 1;
        self.ledgers.actions.awaiting += 1;
        self.rec.cur.actions += 1;
        self.click(now, idx);
    }

    fn click(&mut self, now: SimTime, action: u32) {
        let a = &mut self.actions[action as usize];
        a.click = a.click.wrapping_add(1);
        a.clicked = now;
        a.awaiting = true;
        let st = *a;
        self.rec.cur.clicks += 1;
        if let Some(c) = self.rec.cur.clicks_by_client.get_mut(st.client as usize) {
            *c += 1;
        }
        self.ledgers.work.requests += 1;
        self.ledgers.work.in_flight.network += 1;
        let patience = SimTime::from_secs_f64(self.cfg.browser.patience_s);
        self.add_deadline(Deadline {
            at: now + patience,
            action,
            generation: st.generation,
            click: st.click,
        });
        let req = Req {
            clicked: st.first,
            action,
            generation: st.generation,
            poll: 0,
            click: st.click,
            client: st.client,
            endpoint: st.endpoint,
            attempts: 0,
        };
        let d = self.smp.net.sample(&mut self.rng.net);
        self.sched.schedule_in(d, Ev::AtServer(req));
    }

    /// True while the user of `action` still waits for click `click`.
    fn still_waiting(&self, action: u32, generation: u32, click: u16) -> bool {
        self.action_alive(action, generation)
            && self.actions[action as usize].click == click
            && self.actions[action as usize].awaiting
    }

    /// Queues a click's patience deadline. Deadlines sit in one queue in
    /// time order with a single wake-up event, instead of one heap event per
    /// click that lingers long after the answer came; answered ones are
    /// swept out when they outnumber the users still waiting.
    fn add_deadline(&mut self, d: Deadline) {
        match self.deadlines.back() {
            Some(last) if last.at > d.at => {
                // Patience was shortened live: keep the queue in time order.
                let i = self.deadlines.partition_point(|x| x.at <= d.at);
                self.deadlines.insert(i, d);
            }
            _ => self.deadlines.push_back(d),
        }
        let live = self.ledgers.actions.awaiting as usize;
        if self.deadlines.len() > 2 * live + 4096 {
            let actions = &self.actions;
            self.deadlines.retain(|x| {
                actions.get(x.action as usize).is_some_and(|a| {
                    a.live && a.generation == x.generation && a.click == x.click && a.awaiting
                })
            });
        }
        self.schedule_patience_wake();
    }

    /// Makes sure a wake-up is scheduled for the earliest deadline.
    fn schedule_patience_wake(&mut self) {
        if let Some(front) = self.deadlines.front().map(|d| d.at)
            && self.patience_wake.is_none_or(|w| front < w)
        {
            self.patience_wake = Some(front);
            self.sched.schedule_at(front, Ev::PatienceWake);
        }
    }

    fn respond(&mut self, req: &Req, answer: Answer) {
        let d = self.smp.net.sample(&mut self.rng.net);
        let ev = Ev::Response {
            action: req.action,
            generation: req.generation,
            click: req.click,
            answer,
            poll: 0,
        };
        self.sched.schedule_in(d, ev);
    }

    fn response(
        &mut self,
        now: SimTime,
        action: u32,
        generation: u32,
        click: u16,
        answer: Answer,
        poll: u32,
    ) {
        let a = action as usize;
        if !self.still_waiting(action, generation, click) {
            // Nobody is waiting for this answer: the work behind it is waste
            // (a "server busy" refusal had no work behind it).
            if answer != Answer::Error(Reason::ServerBusy) {
                self.rec.cur.wasted += 1;
            }
            if answer == Answer::Ok {
                self.ledgers.work.committed_wasted += 1;
            }
            if poll > 0 {
                self.polls[poll as usize - 1].browser_finished = true;
                self.maybe_free_poll(poll - 1);
            }
            return;
        }
        let st = self.actions[a];
        let success = matches!(answer, Answer::Ok | Answer::Ack);
        self.rec
            .wait(st.endpoint as usize, now - st.clicked, success);
        match answer {
            Answer::Ok | Answer::Ack => {
                if answer == Answer::Ok {
                    self.rec.cur.responses += 1;
                } else {
                    self.rec.cur.acks += 1;
                }
                self.ledgers.actions.succeeded += 1;
                self.finish_action(action);
                if poll > 0 {
                    let interval = SimTime::from_secs_f64(self.cfg.browser.poll_interval_s);
                    self.polled_pending += 1;
                    self.polled_tw.set(now, self.polled_pending);
                    let generation = self.polls[poll as usize - 1].generation;
                    self.sched
                        .schedule_in(interval, Ev::PollTick(poll - 1, generation));
                }
            }
            Answer::Error(reason) => self.user_error(now, action, reason),
        }
    }

    fn finish_action(&mut self, action: u32) {
        let a = &mut self.actions[action as usize];
        a.live = false;
        a.awaiting = false;
        self.ledgers.actions.awaiting -= 1;
        self.free_actions.push(action);
    }

    fn user_error(&mut self, now: SimTime, action: u32, reason: Reason) {
        self.rec.cur.errors[reason] += 1;
        let b = &self.cfg.browser;
        let (max_retries, p) = (b.max_user_retries, b.retry_probability);
        let a = &mut self.actions[action as usize];
        a.awaiting = false;
        let again = (a.retries as u32) < max_retries && self.rng.user.random::<f64>() < p;
        if again {
            a.retries += 1;
            let generation = a.generation;
            let think = self.smp.think.sample(&mut self.rng.think);
            self.sched
                .schedule_at(now + think, Ev::Click { action, generation });
        } else {
            self.ledgers.actions.failed[reason] += 1;
            self.finish_action(action);
        }
    }

    // ----- server ----------------------------------------------------------

    fn backlog_cap(&self) -> usize {
        self.cfg.accept_capacity() as usize
    }

    fn at_server(&mut self, now: SimTime, req: Req) {
        if req.is_save() {
            self.ledgers.work.in_flight.network -= 1;
        }
        if !self.server.has_free_server() && self.server.waiting() >= self.backlog_cap() {
            if req.is_save() {
                self.ledgers.work.rejected.server_busy += 1;
                self.respond(&req, Answer::Error(Reason::ServerBusy));
            } else {
                let d = self.smp.net.sample(&mut self.rng.net);
                self.sched.schedule_in(
                    d,
                    Ev::PollAnswer {
                        poll: req.poll - 1,
                        generation: req.generation,
                        done: false,
                    },
                );
            }
            return;
        }
        match self.server.arrive(now, req) {
            Some(r) => self.start_cpu(now, r, false),
            None => {
                if req.is_save() {
                    self.ledgers.work.in_flight.accept_backlog += 1;
                }
            }
        }
    }

    /// A worker picks `req` up (`from_backlog`: it had waited).
    fn start_cpu(&mut self, now: SimTime, req: Req, from_backlog: bool) {
        let f = &mut self.ledgers.work.in_flight;
        let d = if req.is_save() {
            if from_backlog {
                f.accept_backlog -= 1;
            }
            f.server += 1;
            self.smp.cpu[req.endpoint as usize].sample(&mut self.rng.cpu)
        } else {
            self.poll_busy += 1;
            self.poll_tw.set(now, self.poll_busy as u64);
            self.smp.poll_cpu.sample(&mut self.rng.cpu)
        };
        self.sched.schedule_in(d, Ev::CpuDone(req));
    }

    fn release_worker(&mut self, now: SimTime) {
        if let Some(next) = self.server.depart(now) {
            self.start_cpu(now, next, true);
        }
    }

    fn cpu_done(&mut self, now: SimTime, req: Req) {
        if !req.is_save() {
            let p = req.poll - 1;
            self.rec.cur.polls += 1;
            self.poll_busy -= 1;
            self.poll_tw.set(now, self.poll_busy as u64);
            let record = &self.polls[p as usize];
            let done = record.generation == req.generation && record.done;
            let d = self.smp.net.sample(&mut self.rng.net);
            let generation = req.generation;
            self.sched.schedule_in(
                d,
                Ev::PollAnswer {
                    poll: p,
                    generation,
                    done,
                },
            );
            self.release_worker(now);
            return;
        }
        match self.cfg.endpoints[req.endpoint as usize].mode {
            Mode::Sync => {
                self.ledgers.work.in_flight.server -= 1;
                self.db_request(now, DbOp::Sync(req));
            }
            Mode::Async => {
                let d = self.smp.enqueue.sample(&mut self.rng.enqueue);
                self.sched.schedule_in(d, Ev::EnqueueDone(req));
            }
        }
    }

    fn enqueue_done(&mut self, now: SimTime, req: Req) {
        self.ledgers.work.in_flight.server -= 1;
        let cap = self.cfg.queue.capacity;
        if cap > 0 && self.lanes.len() as u64 >= cap {
            self.ledgers.work.rejected.queue_full += 1;
            self.respond(&req, Answer::Error(Reason::QueueFull));
            self.release_worker(now);
            return;
        }
        let poll = if self.cfg.browser.poll_interval_s > 0.0 {
            let ps = PollState {
                clicked: req.clicked,
                client: req.client,
                endpoint: req.endpoint,
                ..PollState::default()
            };
            let idx = match self.free_polls.pop() {
                Some(i) => {
                    let generation = self.polls[i as usize].generation.wrapping_add(1);
                    self.polls[i as usize] = PollState { generation, ..ps };
                    i
                }
                None => {
                    self.polls.push(ps);
                    (self.polls.len() - 1) as u32
                }
            };
            idx + 1
        } else {
            0
        };
        self.ledgers.work.in_flight.queued += 1;
        // Nobody waits for this acknowledgement if the user already gave up
        // on this click: whatever the job does later is wasted work.
        let waiting = self.still_waiting(req.action, req.generation, req.click);
        self.lanes.push(Job {
            clicked: req.clicked,
            enqueued: now,
            poll,
            client: req.client as u8,
            endpoint: req.endpoint,
            attempts: 0,
            wasted: !waiting,
        });
        let d = self.smp.net.sample(&mut self.rng.net);
        let ev = Ev::Response {
            action: req.action,
            generation: req.generation,
            click: req.click,
            answer: Answer::Ack,
            poll,
        };
        self.sched.schedule_in(d, ev);
        self.release_worker(now);
        self.dispatch(now);
    }

    // ----- database --------------------------------------------------------

    fn db_request(&mut self, now: SimTime, op: DbOp) {
        match self.db.arrive(now, op) {
            Some(op) => {
                self.ledgers.work.in_flight.db_write += 1;
                self.start_write(now, op);
            }
            None => self.ledgers.work.in_flight.db_wait += 1,
        }
    }

    fn db_started_from_wait(&mut self, now: SimTime, op: DbOp) {
        let f = &mut self.ledgers.work.in_flight;
        f.db_wait -= 1;
        f.db_write += 1;
        self.start_write(now, op);
    }

    fn start_write(&mut self, now: SimTime, op: DbOp) {
        self.write_attempts += 1;
        let endpoint = match op {
            DbOp::Sync(r) => r.endpoint,
            DbOp::Job(j) => j.endpoint,
        } as usize;
        let (d, ok) = match self.outage {
            Some(OutageKind::FailFast) => (SimTime::from_millis_f64(1.0), false),
            Some(OutageKind::Hang) => (
                SimTime::from_secs_f64(self.cfg.database.write_timeout_s),
                false,
            ),
            None => {
                let d = self.smp.db[endpoint].sample(&mut self.rng.db);
                let ok = self.rng.db_fail.random::<f64>() >= self.cfg.database.failure_probability;
                (d, ok)
            }
        };
        self.sched.schedule_at(now + d, Ev::DbDone { op, ok });
    }

    fn db_done(&mut self, now: SimTime, op: DbOp, ok: bool) {
        self.ledgers.work.in_flight.db_write -= 1;
        if let Some(next) = self.db.depart(now) {
            self.db_started_from_wait(now, next);
        }
        match op {
            DbOp::Sync(mut req) => {
                if ok {
                    self.commit(now, req.client, req.clicked);
                    self.respond(&req, Answer::Ok);
                    self.release_worker(now);
                } else if (req.attempts as u32 + 1) < self.cfg.queue.sync_max_attempts {
                    req.attempts = req.attempts.saturating_add(1);
                    self.ledgers.work.in_flight.server += 1;
                    let pause = SimTime::from_millis_f64(self.cfg.queue.sync_retry_delay_ms);
                    self.sched.schedule_in(pause, Ev::InlineRetry(req));
                } else {
                    self.ledgers.work.rejected.db_error += 1;
                    self.respond(&req, Answer::Error(Reason::DbError));
                    self.release_worker(now);
                }
            }
            DbOp::Job(mut job) => {
                self.workers_busy -= 1;
                self.workers_tw.set(now, self.workers_busy as u64);
                job.attempts = job.attempts.saturating_add(1);
                if ok {
                    self.commit(now, job.client as u16, job.clicked);
                    if job.wasted {
                        self.ledgers.work.committed_wasted += 1;
                    }
                    self.finish_job(job.poll, true);
                } else {
                    let q = &self.cfg.queue;
                    let delay = match q.retry {
                        _ if job.attempts as u32 >= q.max_attempts => None,
                        RetryPolicy::None => None,
                        RetryPolicy::Fixed { delay_s } => Some(delay_s),
                        RetryPolicy::ExponentialJitter => {
                            let exp = q.backoff_base_s * 2f64.powi(job.attempts as i32 - 1);
                            let ceiling = exp.min(q.backoff_cap_s).max(0.0);
                            Some(self.rng.backoff.random::<f64>() * ceiling)
                        }
                    };
                    match delay {
                        Some(s) => {
                            self.ledgers.work.in_flight.backoff += 1;
                            self.sched
                                .schedule_in(SimTime::from_secs_f64(s), Ev::JobDue(job));
                        }
                        None => {
                            self.rec.cur.dead_letters += 1;
                            self.ledgers.work.dead_lettered += 1;
                            self.finish_job(job.poll, false);
                        }
                    }
                }
                self.dispatch(now);
            }
        }
    }

    fn commit(&mut self, now: SimTime, client: u16, clicked: SimTime) {
        self.ledgers.work.committed += 1;
        self.rec.commit(client as usize, now - clicked);
        if let Some(c) = self.cfg.clients.get(client as usize) {
            self.revenue[c.tier.index()] += self.cfg.cost.revenue_per_action[c.tier.index()];
        }
    }

    fn finish_job(&mut self, poll: u32, committed: bool) {
        if poll == 0 {
            return;
        }
        let p = &mut self.polls[poll as usize - 1];
        p.job_finished = true;
        // A dead-lettered job is "done" too: the next poll tells the browser
        // it failed, and it stops polling.
        p.done = true;
        p.committed = committed;
        self.maybe_free_poll(poll - 1);
    }

    fn stop_polling(&mut self, p: u32) {
        self.polled_pending -= 1;
        self.polled_tw.set(self.sched.now(), self.polled_pending);
        self.polls[p as usize].browser_finished = true;
        self.maybe_free_poll(p);
    }

    fn maybe_free_poll(&mut self, p: u32) {
        let ps = self.polls[p as usize];
        if ps.job_finished && ps.browser_finished {
            self.free_polls.push(p);
        }
    }

    // ----- queue workers ---------------------------------------------------

    fn dispatch(&mut self, now: SimTime) {
        while self.workers_busy < self.cfg.queue.workers {
            match self
                .lanes
                .pop(now, self.cfg.queue.scheduling, &self.policies)
            {
                Next::Job(job) => {
                    self.ledgers.work.in_flight.queued -= 1;
                    self.workers_busy += 1;
                    self.workers_tw.set(now, self.workers_busy as u64);
                    self.db_request(now, DbOp::Job(job));
                }
                Next::Blocked(t) => {
                    if self.wake_at.is_none_or(|w| t < w || w < now) {
                        self.wake_at = Some(t);
                        self.sched.schedule_at(t, Ev::QueueWake);
                    }
                    break;
                }
                Next::Empty => break,
            }
        }
    }

    // ----- metrics ---------------------------------------------------------

    fn accrue_cost(&mut self, now: SimTime) {
        let dt = now.saturating_sub(self.cost_t).as_secs_f64();
        self.cost += self.cfg.cost_per_hour() * dt / 3600.0;
        self.cost_t = self.cost_t.max(now);
    }

    fn close_window(&mut self, now: SimTime) {
        self.accrue_cost(now);
        let dt = now.saturating_sub(self.last_window).0 as f64;
        self.last_window = now;
        let busy = [
            self.server.busy_server_ns(now),
            self.db.busy_server_ns(now),
            self.workers_tw.area_ns(now),
            self.poll_tw.area_ns(now),
        ];
        let capacity = [
            self.capacity_tw[0].area_ns(now),
            self.capacity_tw[1].area_ns(now),
            self.capacity_tw[2].area_ns(now),
        ];
        let cap_delta = |k: usize| (capacity[k] - self.last_capacity[k]) as f64;
        // Polls use server workers: their share is of server capacity.
        let caps = [cap_delta(0), cap_delta(1), cap_delta(2), cap_delta(0)];
        let mut frac = [0.0; 4];
        for k in 0..4 {
            let busy = (busy[k] - self.last_busy[k]) as f64;
            frac[k] = if caps[k] > 0.0 { busy / caps[k] } else { 0.0 };
        }
        self.last_capacity = capacity;
        self.last_busy = busy;
        let backlog = self.lanes.len() as u64;
        let by_client: Vec<u64> = (0..self.cfg.clients.len())
            .map(|i| self.lanes.lane_len(i) as u64)
            .collect();
        let oldest = self.lanes.oldest().map_or(0.0, |t| (now - t).as_secs_f64());
        let in_backoff = self.ledgers.work.in_flight.backoff;
        let polled_area = self.polled_tw.area_ns(now);
        let pending = if dt > 0.0 {
            (polled_area - self.last_polled_area) as f64 / dt
        } else {
            0.0
        };
        self.last_polled_area = polled_area;
        let cost = self.cfg.cost_per_hour();
        self.rec.close(now, |w| {
            w.backlog = backlog;
            w.backlog_by_client = by_client;
            w.oldest_job_age_s = oldest;
            w.in_backoff = in_backoff;
            w.pending_polled = pending;
            w.util_server = frac[0];
            w.util_db = frac[1];
            w.util_workers = frac[2];
            w.util_server_polls = frac[3];
            w.cost_per_hour = cost;
        });
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

fn samplers(s: &Settings) -> Samplers {
    Samplers {
        net: s.network.latency.sampler(),
        think: s.browser.think_time.sampler(),
        poll_cpu: s.server.poll_cpu.sampler(),
        enqueue: s.queue.enqueue.sampler(),
        cpu: s.endpoints.iter().map(|e| e.cpu.sampler()).collect(),
        db: s.endpoints.iter().map(|e| e.db_write.sampler()).collect(),
    }
}

fn policies(s: &Settings) -> Vec<LanePolicy> {
    s.clients
        .iter()
        .map(|c| LanePolicy {
            tier: c.tier,
            weight: c.weight,
            limit_per_s: c.rate_limit_per_s,
            burst: c.rate_limit_burst,
        })
        .collect()
}
