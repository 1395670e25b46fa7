//! What people read about each knob: its label, the panel group it sits
//! in, and a hover text saying what moving it does. The knobs themselves
//! (paths, units, ranges, get and set) are the core's
//! ([`asynclab_core::config::knobs`]); a test keeps the two tables in step.

use asynclab_core::config::knobs::{self as core, KnobRef};
use asynclab_core::config::{ChangeError, MAX_STEPS, Settings};

/// Where a knob appears in the controls panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// Per-client traffic.
    Traffic,
    /// Browser ↔ server network and user behaviour.
    Network,
    /// The web tier and endpoint CPU.
    Server,
    /// The database.
    Database,
    /// Dependencies besides the database.
    Dependencies,
    /// Broker and queue workers.
    Queue,
    /// Worker and inline retries.
    Retries,
    /// Targets and prices.
    SlaCost,
    /// Bounds on the simulation itself.
    Simulation,
}

impl Group {
    /// All groups in panel order.
    pub const ALL: [Group; 9] = [
        Group::Traffic,
        Group::Network,
        Group::Server,
        Group::Database,
        Group::Dependencies,
        Group::Queue,
        Group::Retries,
        Group::SlaCost,
        Group::Simulation,
    ];
    /// Heading shown in the UI.
    pub fn title(self) -> &'static str {
        match self {
            Group::Traffic => "Traffic per client",
            Group::Network => "Network & users",
            Group::Server => "Server",
            Group::Database => "Database",
            Group::Dependencies => "Dependencies",
            Group::Queue => "Queue & workers",
            Group::Retries => "Retries",
            Group::SlaCost => "SLA & cost",
            Group::Simulation => "Simulation limits",
        }
    }
}

/// The words for one knob pattern.
pub struct KnobText {
    /// Path pattern, as in the core's table.
    pub pattern: &'static str,
    /// Short label for the UI.
    pub label: &'static str,
    /// Panel group.
    pub group: Group,
    /// What it does and what to expect when it moves.
    pub help: &'static str,
}

const fn t(
    pattern: &'static str,
    label: &'static str,
    group: Group,
    help: &'static str,
) -> KnobText {
    KnobText {
        pattern,
        label,
        group,
        help,
    }
}

/// The words of every knob, in the core table's order.
#[rustfmt::skip]
pub const TEXTS: &[KnobText] = &[
    t("clients[].rate_per_s", "rate", Group::Traffic,
        "Base rate of user actions from this client (the shape multiplies it). Push it past the database's capacity and sync waits climb while async backlog grows instead."),
    t("clients[].weight", "fair weight", Group::Traffic,
        "Share of queue workers this client gets under fair scheduling when every lane is busy."),
    t("clients[].rate_limit_per_s", "rate limit (0 = none)", Group::Traffic,
        "Token-bucket cap on how fast this client's jobs are processed (0 = none). Protects others from a noisy neighbour; its own backlog grows instead."),
    t("endpoints[].share", "traffic share", Group::Traffic,
        "Relative share of every client's actions that go to this endpoint."),
    t("network.latency_ms", "network latency", Group::Network,
        "One-way browser ↔ server latency. Every answer, ack and poll pays it twice."),
    t("browser.patience_s", "patience", Group::Network,
        "How long a user waits for any answer. Below the sync wait, users see timeouts and the server's later work is wasted."),
    t("browser.retry_probability", "click-again chance", Group::Network,
        "Chance a user clicks again after an error. Higher means a bigger retry storm when the system struggles."),
    t("browser.think_time_ms", "think time", Group::Network,
        "Mean pause between an error and the click again."),
    t("browser.max_user_retries", "max clicks again", Group::Network,
        "Most times one user retries the same action."),
    t("browser.poll_interval_s", "poll every", Group::Network,
        "Async: the browser asks for the job's status this often until done (0 = never). Shorter tells users sooner but every poll costs server time."),
    t("server.instances", "instances", Group::Server,
        "Server instances. Capacity = instances × workers."),
    t("server.workers_per_instance", "workers / instance", Group::Server,
        "Request threads per instance. In sync mode each is held for the whole database write."),
    t("server.backlog_per_instance", "accept backlog / instance", Group::Server,
        "Requests that may wait for a worker; beyond it the server answers 'server busy' at once."),
    t("server.poll_cpu_ms", "poll CPU", Group::Server,
        "Server time one status poll takes."),
    t("server.in_flight_per_instance", "in flight / instance (0 = threads)", Group::Server,
        "0: a threads server, each request holds a worker from its first step to its answer, waits included. Above 0: a non-blocking server (async I/O), each request holds one of this many in-flight slots per instance and takes a worker only for CPU and the enqueue. A switch applies to requests accepted from then on; those in progress finish holding what they hold."),
    t("endpoints[].cpu_ms", "CPU time", Group::Server,
        "Mean server CPU time of one request to this endpoint."),
    t("endpoints[].db_write_ms", "DB write time", Group::Database,
        "Mean database time of one write. DB capacity ≈ connections ÷ this."),
    t("database.connections", "connections", Group::Database,
        "Concurrent database writes. Doubling it only helps until the next bottleneck (often the servers) is reached."),
    t("database.failure_probability", "transient failure", Group::Database,
        "Chance that a write fails and must be retried."),
    t("database.write_timeout_s", "write timeout", Group::Database,
        "During a hanging outage a write fails after this long, holding its connection (and, in sync, its server worker)."),
    t("queue.enqueue_ms", "enqueue time", Group::Queue,
        "Time for the server to hand a job to the broker: part of the async acknowledgement."),
    t("endpoints[].ack_after", "acknowledge after step", Group::Queue,
        "Async: how many of this endpoint's steps run in the request before the job is enqueued and the user answered; the rest run in a queue worker. A move applies at each request's next step; it never splits a cache from the step it may skip and stays before the write."),
    t("endpoints[].steps[].cpu_ms", "CPU time", Group::Server,
        "Mean time of this Cpu step: a server worker's before the acknowledgement, a queue worker's after it."),
    t("endpoints[].steps[].read_ms", "read time", Group::Database,
        "Mean time this Read holds a database connection (it commits nothing). DB capacity ≈ connections ÷ (reads + write) per action."),
    t("endpoints[].steps[].hit_ratio", "cache hit ratio", Group::Server,
        "Share of lookups that hit: a hit skips the next step, so that step sees (1 − hit ratio) of the traffic."),
    t("endpoints[].steps[].latency_ms", "cache lookup time", Group::Server,
        "Mean time of one cache lookup; every lookup pays it, hit or miss."),
    t("queue.capacity", "capacity", Group::Queue,
        "Most jobs the broker holds (0 = unbounded). When full, users see 'queue full'."),
    t("queue.workers", "workers", Group::Queue,
        "Queue workers writing jobs to the database: sets how fast the backlog drains, and caps how much of the database async work uses."),
    t("queue.max_attempts", "max attempts", Group::Retries,
        "Write attempts per job before it goes to the dead-letter queue."),
    t("queue.backoff_base_s", "backoff base", Group::Retries,
        "First backoff of exponential retries; doubles per attempt up to the cap, with full jitter."),
    t("queue.backoff_cap_s", "backoff cap", Group::Retries,
        "Longest exponential backoff."),
    t("queue.sync_max_attempts", "sync attempts", Group::Retries,
        "Sync mode: write attempts inline before the user sees 'DB error'. Each retry holds the server worker."),
    t("queue.sync_retry_delay_ms", "sync retry pause", Group::Retries,
        "Sync mode: pause between inline attempts (the worker stays held)."),
    t("sla.wait_target_s", "wait target", Group::SlaCost,
        "Users should see an outcome within this: the red line on the wait plot."),
    t("sla.processed_target_s", "processed target", Group::SlaCost,
        "Writes should be committed within this of the click."),
    t("cost.server_worker_per_hour", "server worker price", Group::SlaCost,
        "Price of one server worker per hour."),
    t("cost.db_connection_per_hour", "DB connection price", Group::SlaCost,
        "Price of one database connection per hour."),
    t("cost.queue_worker_per_hour", "queue worker price", Group::SlaCost,
        "Price of one queue worker per hour."),
    t("dependencies[].slots", "slots (0 = unlimited)", Group::Dependencies,
        "Calls this dependency serves at once, shared by every server and queue worker. Capacity = slots ÷ latency; a cut lets running calls finish."),
    t("dependencies[].latency_ms", "latency", Group::Dependencies,
        "Mean time one call holds its slot. In a threads server the request's worker waits through it too."),
    t("dependencies[].failure_probability", "failure chance", Group::Dependencies,
        "Chance that a call fails. In the request it is retried inline, then the user sees 'call failed'; after the acknowledgement the job retries under the retry policy."),
    t("dependencies[].timeout_s", "call timeout (0 = none)", Group::Dependencies,
        "A call still running this long after it got its slot fails and frees the slot."),
    t("dependencies[].rate_limit_per_s", "rate limit (0 = none)", Group::Dependencies,
        "Calls admitted per second (a bucket of one second of the rate); a call over it fails at once as 'throttled'."),
    t("dependencies[].cost_per_slot_per_hour", "slot price", Group::Dependencies,
        "Price of one slot per hour, added to the capacity cost."),
    t("limits.max_in_flight", "most work in flight", Group::Simulation,
        "The simulation holds at most this many user actions and requests at once; beyond it new arrivals are shed and counted as 'simulation limit', so no setting can exhaust memory. Raise it only for very large backlogs."),
];

/// A knob of one scene, as people see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Knob {
    /// Address, e.g. `clients[0].rate_per_s`.
    pub path: String,
    /// Short label for the UI, prefixed by the client or endpoint name.
    pub label: String,
    /// Panel group.
    pub group: Group,
    /// Unit shown beside the value.
    pub unit: &'static str,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Whole numbers only.
    pub integer: bool,
    /// What it does and what to expect when it moves.
    pub help: &'static str,
}

impl Knob {
    /// Checks `value` against the knob's range without changing anything.
    pub fn check(&self, value: f64) -> Result<(), ChangeError> {
        match core::spec(&pattern_of(&self.path)) {
            Some(spec) => spec.check(&self.path, value),
            None => Err(ChangeError::UnknownKnob(self.path.clone())),
        }
    }
}

/// `clients[3].rate_per_s` → `clients[].rate_per_s`,
/// `endpoints[0].steps[2].cpu_ms` → `endpoints[].steps[].cpu_ms`.
fn pattern_of(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '[' => {
                inside = true;
                out.push('[');
            }
            ']' => {
                inside = false;
                out.push(']');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn text(pattern: &str) -> Option<&'static KnobText> {
    TEXTS.iter().find(|t| t.pattern == pattern)
}

fn describe(s: &Settings, path: String, k: KnobRef) -> Knob {
    let prefix = match k.spec.list() {
        Some("clients") => s.clients.get(k.index).map(|c| format!("{}: ", c.name)),
        // A step knob: the endpoint and the step's number and kind.
        Some("endpoints") if k.spec.is_step() => {
            let (e, j) = (k.index / MAX_STEPS, k.index % MAX_STEPS);
            s.endpoints.get(e).and_then(|e| {
                let step = e.steps.get(j)?;
                Some(format!("{} step {j} ({}): ", e.name, step.label()))
            })
        }
        Some("endpoints") => s.endpoints.get(k.index).map(|e| format!("{}: ", e.name)),
        Some("dependencies") => s.dependencies.get(k.index).map(|d| format!("{}: ", d.name)),
        _ => None,
    }
    .unwrap_or_default();
    let (label, group, help) = match text(k.spec.pattern) {
        Some(t) => (t.label, t.group, t.help),
        // The table test keeps this from happening; a knob without words
        // still shows, under its path.
        None => (k.spec.pattern, Group::SlaCost, ""),
    };
    Knob {
        path,
        label: format!("{prefix}{label}"),
        group,
        unit: k.spec.unit,
        min: k.spec.min,
        max: k.spec.max,
        integer: k.spec.integer,
        help,
    }
}

/// Every knob of these settings, in panel order.
pub fn knobs(s: &Settings) -> Vec<Knob> {
    core::all(s)
        .into_iter()
        .map(|(path, k)| describe(s, path, k))
        .collect()
}

/// The description of the knob at `path`.
pub fn knob(s: &Settings, path: &str) -> Result<Knob, ChangeError> {
    let k = core::resolve(s, path)?;
    Ok(describe(s, path.to_string(), k))
}

/// The current value of the knob at `path`, in its unit (no copy of the
/// settings is made: the controls panel reads every knob every frame).
pub fn get(s: &Settings, path: &str) -> Result<f64, ChangeError> {
    core::get(s, path)
}

/// Sets the knob at `path` to `value` after checking its range.
pub fn set(s: &mut Settings, path: &str, value: f64) -> Result<(), ChangeError> {
    core::set(s, path, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_knob_has_words_and_every_text_a_knob() {
        let core_patterns: Vec<&str> = core::SPECS.iter().map(|k| k.pattern).collect();
        let text_patterns: Vec<&str> = TEXTS.iter().map(|t| t.pattern).collect();
        assert_eq!(core_patterns, text_patterns);
        for t in TEXTS {
            assert!(!t.label.is_empty() && !t.help.is_empty(), "{}", t.pattern);
        }
    }

    #[test]
    fn labels_name_the_client() {
        let s = Settings::default();
        let k = knob(&s, "clients[0].rate_per_s").expect("knob");
        assert_eq!(k.label, "client: rate");
        assert_eq!(k.unit, "actions/s");
        assert!(k.check(-1.0).is_err() && k.check(5.0).is_ok());
        let plain = core::SPECS.iter().filter(|k| !k.parts_only).count();
        assert_eq!(knobs(&s).len(), plain);
    }
}
