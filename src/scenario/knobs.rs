//! Every numeric knob of a scenario, addressed by a path such as
//! `database.connections` or `clients[1].rate_per_s`.
//!
//! One table serves the timeline (`Set { path, value }`), the command line
//! (`--set path=value`), validation (ranges) and the UI (controls panel with
//! units and hover help), so a knob is declared exactly once.

use super::model::Scenario;
use crate::sim::Dist;

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
    /// Broker and queue workers.
    Queue,
    /// Worker and inline retries.
    Retries,
    /// Targets and prices.
    SlaCost,
}

impl Group {
    /// All groups in panel order.
    pub const ALL: [Group; 7] = [
        Group::Traffic,
        Group::Network,
        Group::Server,
        Group::Database,
        Group::Queue,
        Group::Retries,
        Group::SlaCost,
    ];
    /// Heading shown in the UI.
    pub fn title(self) -> &'static str {
        match self {
            Group::Traffic => "Traffic per client",
            Group::Network => "Network & users",
            Group::Server => "Server",
            Group::Database => "Database",
            Group::Queue => "Queue & workers",
            Group::Retries => "Retries",
            Group::SlaCost => "SLA & cost",
        }
    }
}

/// Description of one knob.
#[derive(Clone, Debug, PartialEq)]
pub struct Knob {
    /// Address, e.g. `clients[0].rate_per_s`.
    pub path: String,
    /// Short label for the UI.
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

/// Why a knob could not be read or set.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KnobError {
    /// No knob has this path.
    #[error("unknown knob `{0}` (run `asynclab knobs FILE` for the list)")]
    Unknown(String),
    /// A mode change names an endpoint the scene does not have.
    #[error("no endpoint named `{0}`")]
    UnknownEndpoint(String),
    /// The value is outside the knob's range.
    #[error("{path} = {value}: must be {rule}")]
    OutOfRange {
        /// Knob path.
        path: String,
        /// Rejected value.
        value: f64,
        /// Allowed range in words.
        rule: String,
    },
}

enum Slot<'a> {
    F64(&'a mut f64),
    U32(&'a mut u32),
    U64(&'a mut u64),
    Mean(&'a mut Dist),
}

impl Slot<'_> {
    fn get(&self) -> f64 {
        match self {
            Slot::F64(v) => **v,
            Slot::U32(v) => **v as f64,
            Slot::U64(v) => **v as f64,
            Slot::Mean(d) => d.mean_ms(),
        }
    }
    fn set(&mut self, x: f64) {
        match self {
            Slot::F64(v) => **v = x,
            Slot::U32(v) => **v = x as u32,
            Slot::U64(v) => **v = x as u64,
            Slot::Mean(d) => **d = d.with_mean_ms(x),
        }
    }
}

type Meta = (
    &'static str,
    Group,
    &'static str,
    f64,
    f64,
    bool,
    &'static str,
);

/// Static description of each knob pattern (`[]` stands for an index).
const TABLE: &[(&str, Meta)] = &[
    (
        "clients[].rate_per_s",
        (
            "rate",
            Group::Traffic,
            "actions/s",
            0.0,
            1e7,
            false,
            "Base rate of user actions from this client (the shape multiplies it). Push it past the database's capacity and sync waits climb while async backlog grows instead.",
        ),
    ),
    (
        "clients[].weight",
        (
            "fair weight",
            Group::Traffic,
            "×",
            0.01,
            1000.0,
            false,
            "Share of queue workers this client gets under fair scheduling when every lane is busy.",
        ),
    ),
    (
        "clients[].rate_limit_per_s",
        (
            "rate limit (0 = none)",
            Group::Traffic,
            "jobs/s",
            0.0,
            1e7,
            false,
            "Token-bucket cap on how fast this client's jobs are processed (0 = none). Protects others from a noisy neighbour; its own backlog grows instead.",
        ),
    ),
    (
        "endpoints[].share",
        (
            "traffic share",
            Group::Traffic,
            "×",
            0.0,
            1e6,
            false,
            "Relative share of every client's actions that go to this endpoint.",
        ),
    ),
    (
        "network.latency_ms",
        (
            "network latency",
            Group::Network,
            "ms",
            0.0,
            60_000.0,
            false,
            "One-way browser ↔ server latency. Every answer, ack and poll pays it twice.",
        ),
    ),
    (
        "browser.patience_s",
        (
            "patience",
            Group::Network,
            "s",
            0.1,
            86_400.0,
            false,
            "How long a user waits for any answer. Below the sync wait, users see timeouts and the server's later work is wasted.",
        ),
    ),
    (
        "browser.retry_probability",
        (
            "click-again chance",
            Group::Network,
            "",
            0.0,
            1.0,
            false,
            "Chance a user clicks again after an error. Higher means a bigger retry storm when the system struggles.",
        ),
    ),
    (
        "browser.think_time_ms",
        (
            "think time",
            Group::Network,
            "ms",
            0.0,
            3.6e6,
            false,
            "Mean pause between an error and the click again.",
        ),
    ),
    (
        "browser.max_user_retries",
        (
            "max clicks again",
            Group::Network,
            "",
            0.0,
            100.0,
            true,
            "Most times one user retries the same action.",
        ),
    ),
    (
        "browser.poll_interval_s",
        (
            "poll every",
            Group::Network,
            "s",
            0.0,
            3600.0,
            false,
            "Async: the browser asks for the job's status this often until done (0 = never). Shorter tells users sooner but every poll costs server time.",
        ),
    ),
    (
        "server.instances",
        (
            "instances",
            Group::Server,
            "",
            0.0,
            10_000.0,
            true,
            "Server instances. Capacity = instances × workers.",
        ),
    ),
    (
        "server.workers_per_instance",
        (
            "workers / instance",
            Group::Server,
            "",
            0.0,
            100_000.0,
            true,
            "Request threads per instance. In sync mode each is held for the whole database write.",
        ),
    ),
    (
        "server.backlog_per_instance",
        (
            "accept backlog / instance",
            Group::Server,
            "",
            0.0,
            10_000_000.0,
            true,
            "Requests that may wait for a worker; beyond it the server answers 'server busy' at once.",
        ),
    ),
    (
        "server.poll_cpu_ms",
        (
            "poll CPU",
            Group::Server,
            "ms",
            0.0,
            60_000.0,
            false,
            "Server time one status poll takes.",
        ),
    ),
    (
        "endpoints[].cpu_ms",
        (
            "CPU time",
            Group::Server,
            "ms",
            0.0,
            60_000.0,
            false,
            "Mean server CPU time of one request to this endpoint.",
        ),
    ),
    (
        "endpoints[].db_write_ms",
        (
            "DB write time",
            Group::Database,
            "ms",
            0.0,
            600_000.0,
            false,
            "Mean database time of one write. DB capacity ≈ connections ÷ this.",
        ),
    ),
    (
        "database.connections",
        (
            "connections",
            Group::Database,
            "",
            0.0,
            100_000.0,
            true,
            "Concurrent database writes. Doubling it only helps until the next bottleneck (often the servers) is reached.",
        ),
    ),
    (
        "database.failure_probability",
        (
            "transient failure",
            Group::Database,
            "",
            0.0,
            1.0,
            false,
            "Chance that a write fails and must be retried.",
        ),
    ),
    (
        "database.write_timeout_s",
        (
            "write timeout",
            Group::Database,
            "s",
            0.0,
            3600.0,
            false,
            "During a hanging outage a write fails after this long, holding its connection (and, in sync, its server worker).",
        ),
    ),
    (
        "queue.enqueue_ms",
        (
            "enqueue time",
            Group::Queue,
            "ms",
            0.0,
            60_000.0,
            false,
            "Time for the server to hand a job to the broker: part of the async acknowledgement.",
        ),
    ),
    (
        "queue.capacity",
        (
            "capacity",
            Group::Queue,
            "jobs",
            0.0,
            1e10,
            true,
            "Most jobs the broker holds (0 = unbounded). When full, users see 'queue full'.",
        ),
    ),
    (
        "queue.workers",
        (
            "workers",
            Group::Queue,
            "",
            0.0,
            100_000.0,
            true,
            "Queue workers writing jobs to the database: sets how fast the backlog drains, and caps how much of the database async work uses.",
        ),
    ),
    (
        "queue.max_attempts",
        (
            "max attempts",
            Group::Retries,
            "",
            1.0,
            1000.0,
            true,
            "Write attempts per job before it goes to the dead-letter queue.",
        ),
    ),
    (
        "queue.backoff_base_s",
        (
            "backoff base",
            Group::Retries,
            "s",
            0.0,
            3600.0,
            false,
            "First backoff of exponential retries; doubles per attempt up to the cap, with full jitter.",
        ),
    ),
    (
        "queue.backoff_cap_s",
        (
            "backoff cap",
            Group::Retries,
            "s",
            0.0,
            86_400.0,
            false,
            "Longest exponential backoff.",
        ),
    ),
    (
        "queue.sync_max_attempts",
        (
            "sync attempts",
            Group::Retries,
            "",
            1.0,
            100.0,
            true,
            "Sync mode: write attempts inline before the user sees 'DB error'. Each retry holds the server worker.",
        ),
    ),
    (
        "queue.sync_retry_delay_ms",
        (
            "sync retry pause",
            Group::Retries,
            "ms",
            0.0,
            60_000.0,
            false,
            "Sync mode: pause between inline attempts (the worker stays held).",
        ),
    ),
    (
        "sla.wait_target_s",
        (
            "wait target",
            Group::SlaCost,
            "s",
            0.0,
            86_400.0,
            false,
            "Users should see an outcome within this: the red line on the wait plot.",
        ),
    ),
    (
        "sla.processed_target_s",
        (
            "processed target",
            Group::SlaCost,
            "s",
            0.0,
            1e7,
            false,
            "Writes should be committed within this of the click.",
        ),
    ),
    (
        "cost.server_worker_per_hour",
        (
            "server worker price",
            Group::SlaCost,
            "$/h",
            0.0,
            1e6,
            false,
            "Price of one server worker per hour.",
        ),
    ),
    (
        "cost.db_connection_per_hour",
        (
            "DB connection price",
            Group::SlaCost,
            "$/h",
            0.0,
            1e6,
            false,
            "Price of one database connection per hour.",
        ),
    ),
    (
        "cost.queue_worker_per_hour",
        (
            "queue worker price",
            Group::SlaCost,
            "$/h",
            0.0,
            1e6,
            false,
            "Price of one queue worker per hour.",
        ),
    ),
];

fn meta(pattern: &str) -> Option<&'static Meta> {
    TABLE.iter().find(|(p, _)| *p == pattern).map(|(_, m)| m)
}

/// Splits `clients[3].rate_per_s` into (`clients[].rate_per_s`, Some(3)).
fn pattern_of(path: &str) -> Option<(String, Option<usize>)> {
    match (path.find('['), path.find(']')) {
        (Some(a), Some(b)) if b > a => {
            let index = path[a + 1..b].parse().ok()?;
            Some((format!("{}[]{}", &path[..a], &path[b + 1..]), Some(index)))
        }
        (None, None) => Some((path.to_string(), None)),
        _ => None,
    }
}

fn slot<'a>(s: &'a mut Scenario, pattern: &str, i: Option<usize>) -> Option<Slot<'a>> {
    let i = i.unwrap_or(usize::MAX);
    Some(match pattern {
        "clients[].rate_per_s" => Slot::F64(&mut s.clients.get_mut(i)?.rate_per_s),
        "clients[].weight" => Slot::F64(&mut s.clients.get_mut(i)?.weight),
        "clients[].rate_limit_per_s" => Slot::F64(&mut s.clients.get_mut(i)?.rate_limit_per_s),
        "endpoints[].share" => Slot::F64(&mut s.endpoints.get_mut(i)?.share),
        "endpoints[].cpu_ms" => Slot::Mean(&mut s.endpoints.get_mut(i)?.cpu),
        "endpoints[].db_write_ms" => Slot::Mean(&mut s.endpoints.get_mut(i)?.db_write),
        "network.latency_ms" => Slot::Mean(&mut s.network.latency),
        "browser.patience_s" => Slot::F64(&mut s.browser.patience_s),
        "browser.retry_probability" => Slot::F64(&mut s.browser.retry_probability),
        "browser.think_time_ms" => Slot::Mean(&mut s.browser.think_time),
        "browser.max_user_retries" => Slot::U32(&mut s.browser.max_user_retries),
        "browser.poll_interval_s" => Slot::F64(&mut s.browser.poll_interval_s),
        "server.instances" => Slot::U32(&mut s.server.instances),
        "server.workers_per_instance" => Slot::U32(&mut s.server.workers_per_instance),
        "server.backlog_per_instance" => Slot::U32(&mut s.server.backlog_per_instance),
        "server.poll_cpu_ms" => Slot::Mean(&mut s.server.poll_cpu),
        "database.connections" => Slot::U32(&mut s.database.connections),
        "database.failure_probability" => Slot::F64(&mut s.database.failure_probability),
        "database.write_timeout_s" => Slot::F64(&mut s.database.write_timeout_s),
        "queue.enqueue_ms" => Slot::Mean(&mut s.queue.enqueue),
        "queue.capacity" => Slot::U64(&mut s.queue.capacity),
        "queue.workers" => Slot::U32(&mut s.queue.workers),
        "queue.max_attempts" => Slot::U32(&mut s.queue.max_attempts),
        "queue.backoff_base_s" => Slot::F64(&mut s.queue.backoff_base_s),
        "queue.backoff_cap_s" => Slot::F64(&mut s.queue.backoff_cap_s),
        "queue.sync_max_attempts" => Slot::U32(&mut s.queue.sync_max_attempts),
        "queue.sync_retry_delay_ms" => Slot::F64(&mut s.queue.sync_retry_delay_ms),
        "sla.wait_target_s" => Slot::F64(&mut s.sla.wait_target_s),
        "sla.processed_target_s" => Slot::F64(&mut s.sla.processed_target_s),
        "cost.server_worker_per_hour" => Slot::F64(&mut s.cost.server_worker_per_hour),
        "cost.db_connection_per_hour" => Slot::F64(&mut s.cost.db_connection_per_hour),
        "cost.queue_worker_per_hour" => Slot::F64(&mut s.cost.queue_worker_per_hour),
        _ => return None,
    })
}

fn describe(pattern: &str, path: String, prefix: String) -> Option<Knob> {
    let (label, group, unit, min, max, integer, help) = *meta(pattern)?;
    Some(Knob {
        path,
        label: format!("{prefix}{label}"),
        group,
        unit,
        min,
        max,
        integer,
        help,
    })
}

/// Every knob of this scenario, in panel order.
pub fn knobs(s: &Scenario) -> Vec<Knob> {
    let mut out = Vec::new();
    for (pattern, _) in TABLE {
        if pattern.starts_with("clients[]") {
            for (i, c) in s.clients.iter().enumerate() {
                let path = pattern.replace("[]", &format!("[{i}]"));
                out.extend(describe(pattern, path, format!("{}: ", c.name)));
            }
        } else if pattern.starts_with("endpoints[]") {
            for (i, e) in s.endpoints.iter().enumerate() {
                let path = pattern.replace("[]", &format!("[{i}]"));
                out.extend(describe(pattern, path, format!("{}: ", e.name)));
            }
        } else {
            out.extend(describe(pattern, pattern.to_string(), String::new()));
        }
    }
    out
}

/// The description of the knob at `path`.
pub fn knob(s: &Scenario, path: &str) -> Result<Knob, KnobError> {
    let unknown = || KnobError::Unknown(path.to_string());
    let (pattern, i) = pattern_of(path).ok_or_else(unknown)?;
    let prefix = match (pattern.split('[').next(), i) {
        (Some("clients"), Some(i)) => format!("{}: ", s.clients.get(i).ok_or_else(unknown)?.name),
        (Some("endpoints"), Some(i)) => {
            format!("{}: ", s.endpoints.get(i).ok_or_else(unknown)?.name)
        }
        (_, None) => String::new(),
        _ => return Err(unknown()),
    };
    describe(&pattern, path.to_string(), prefix).ok_or_else(unknown)
}

/// The current value of the knob at `path`, in its unit.
pub fn get(s: &Scenario, path: &str) -> Result<f64, KnobError> {
    // `slot` needs `&mut` so that one table serves both reading and
    // writing; a getter on a shared scenario reads from a copy. Callers
    // reading many knobs use [`read`] on one copy instead.
    read(&mut s.clone(), path)
}

/// Like [`get`], without copying: `s` is only read.
pub fn read(s: &mut Scenario, path: &str) -> Result<f64, KnobError> {
    let unknown = || KnobError::Unknown(path.to_string());
    let (pattern, i) = pattern_of(path).ok_or_else(unknown)?;
    slot(s, &pattern, i).map(|v| v.get()).ok_or_else(unknown)
}

/// Checks `value` against the knob's range without changing anything.
pub fn check(k: &Knob, value: f64) -> Result<(), KnobError> {
    let ok = value.is_finite()
        && value >= k.min
        && value <= k.max
        && (!k.integer || value.fract() == 0.0);
    if ok {
        Ok(())
    } else {
        let kind = if k.integer {
            "a whole number"
        } else {
            "a number"
        };
        Err(KnobError::OutOfRange {
            path: k.path.clone(),
            value,
            rule: format!("{kind} between {} and {}", k.min, k.max),
        })
    }
}

/// Sets the knob at `path` to `value` after checking its range.
pub fn set(s: &mut Scenario, path: &str, value: f64) -> Result<(), KnobError> {
    let k = knob(s, path)?;
    check(&k, value)?;
    let (pattern, i) = pattern_of(path).ok_or_else(|| KnobError::Unknown(path.to_string()))?;
    let mut slot = slot(s, &pattern, i).ok_or_else(|| KnobError::Unknown(path.to_string()))?;
    slot.set(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_entry_is_addressable_on_the_default_scene() {
        let s = Scenario::default();
        let ks = knobs(&s);
        assert_eq!(ks.len(), TABLE.len());
        for k in &ks {
            let v = get(&s, &k.path).expect("readable");
            assert!(
                check(k, v).is_ok(),
                "default {} = {v} out of its own range",
                k.path
            );
        }
    }

    #[test]
    fn set_checks_range_and_changes_the_value() {
        let mut s = Scenario::default();
        set(&mut s, "database.connections", 7.0).expect("valid");
        assert_eq!(s.database.connections, 7);
        set(&mut s, "endpoints[0].db_write_ms", 20.0).expect("valid");
        assert_eq!(s.endpoints[0].db_write.mean_ms(), 20.0);
        let e = set(&mut s, "clients[0].rate_per_s", -5.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "clients[0].rate_per_s = -5: must be a number between 0 and 10000000"
        );
        assert!(matches!(
            set(&mut s, "clients[9].rate_per_s", 1.0),
            Err(KnobError::Unknown(_))
        ));
        assert!(set(&mut s, "database.connections", 2.5).is_err());
        assert!(set(&mut s, "database.connections", f64::NAN).is_err());
        assert!(matches!(get(&s, "nope"), Err(KnobError::Unknown(_))));
    }
}
