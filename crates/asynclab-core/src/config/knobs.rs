//! Every numeric knob of the settings, addressed by a path such as
//! `database.connections` or `clients[1].rate_per_s`: its unit, its allowed
//! range, and how to read and write it.
//!
//! The words people read for a knob (label, group, help) belong to the
//! scene-format crate (its `knobs` module); this table is what the core
//! needs to honour `Change::Set`.

use super::{ChangeError, MAX_STEPS, ServerModel, Settings, Step};

/// One knob pattern (`[]` stands for a client, endpoint or dependency
/// index; a step knob, `endpoints[].steps[].cpu_ms`, has two, and its
/// index is `endpoint × MAX_STEPS + step`).
pub struct KnobSpec {
    /// Path pattern, e.g. `clients[].rate_per_s`.
    pub pattern: &'static str,
    /// Unit of the value.
    pub unit: &'static str,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// Whole numbers only.
    pub integer: bool,
    /// Smallest positive value honoured (0: none). Between 0 (off) and
    /// this, a value is refused: a poll every nanosecond is not a setting
    /// a run can honour, and rounding must never turn "on" into "off".
    pub min_positive: f64,
    /// Listed only for a scene that uses the parts of its own system
    /// ([`Settings::has_parts`]): a plain scene's panel is not cluttered
    /// with them. The path works on any scene.
    pub parts_only: bool,
    get: fn(&Settings, usize) -> Option<f64>,
    set: fn(&mut Settings, usize, f64) -> Option<()>,
}

impl KnobSpec {
    /// True for a per-client or per-endpoint knob.
    pub fn indexed(&self) -> bool {
        self.pattern.contains("[]")
    }

    /// True for a knob of one step of an endpoint.
    pub fn is_step(&self) -> bool {
        self.pattern.starts_with("endpoints[].steps[]")
    }

    /// The list this knob indexes (`clients` or `endpoints`), if any.
    pub fn list(&self) -> Option<&'static str> {
        self.indexed()
            .then(|| self.pattern.split('[').next().unwrap_or(""))
    }

    /// Checks `value` against the range without changing anything.
    pub fn check(&self, path: &str, value: f64) -> Result<(), ChangeError> {
        let ok = value.is_finite()
            && value >= self.min
            && value <= self.max
            && (!self.integer || value.fract() == 0.0)
            && !(value > 0.0 && value < self.min_positive);
        if ok {
            return Ok(());
        }
        let kind = if self.integer {
            "a whole number"
        } else {
            "a number"
        };
        let rule = if self.min_positive > 0.0 {
            format!(
                "0 (off) or {kind} between {} and {}",
                self.min_positive, self.max
            )
        } else {
            format!("{kind} between {} and {}", self.min, self.max)
        };
        Err(ChangeError::OutOfRange {
            path: path.to_string(),
            value,
            rule,
        })
    }
}

/// A knob of one settings: its spec and the index it addresses.
#[derive(Clone, Copy)]
pub struct KnobRef {
    /// The pattern's spec.
    pub spec: &'static KnobSpec,
    /// Client, endpoint or dependency index (0 for unindexed knobs;
    /// `endpoint × MAX_STEPS + step` for a step knob).
    pub index: usize,
}

impl KnobRef {
    /// The current value, in the knob's unit.
    pub fn get(&self, s: &Settings) -> f64 {
        (self.spec.get)(s, self.index).unwrap_or(f64::NAN)
    }
}

#[allow(clippy::too_many_arguments)]
const fn k(
    pattern: &'static str,
    unit: &'static str,
    min: f64,
    max: f64,
    integer: bool,
    get: fn(&Settings, usize) -> Option<f64>,
    set: fn(&mut Settings, usize, f64) -> Option<()>,
) -> KnobSpec {
    KnobSpec {
        pattern,
        unit,
        min,
        max,
        integer,
        min_positive: 0.0,
        parts_only: false,
        get,
        set,
    }
}

impl KnobSpec {
    /// The same knob with a smallest positive value (see `min_positive`).
    const fn floor(mut self, min_positive: f64) -> KnobSpec {
        self.min_positive = min_positive;
        self
    }
    /// The same knob, listed only for scenes with parts (see `parts_only`).
    const fn parts(mut self) -> KnobSpec {
        self.parts_only = true;
        self
    }
}

/// Every knob, in the order the controls panel shows them. Kept as a
/// table, one knob per three lines.
#[rustfmt::skip]
pub const SPECS: &[KnobSpec] = &[
    k("clients[].rate_per_s", "actions/s", 0.0, 1e7, false,
        |s, i| Some(s.clients.get(i)?.rate_per_s),
        |s, i, v| { s.clients.get_mut(i)?.rate_per_s = v; Some(()) }),
    k("clients[].weight", "×", 0.01, 1000.0, false,
        |s, i| Some(s.clients.get(i)?.weight),
        |s, i, v| { s.clients.get_mut(i)?.weight = v; Some(()) }),
    k("clients[].rate_limit_per_s", "jobs/s", 0.0, 1e7, false,
        |s, i| Some(s.clients.get(i)?.rate_limit_per_s),
        |s, i, v| { s.clients.get_mut(i)?.rate_limit_per_s = v; Some(()) }),
    k("endpoints[].share", "×", 0.0, 1e6, false,
        |s, i| Some(s.endpoints.get(i)?.share),
        |s, i, v| { s.endpoints.get_mut(i)?.share = v; Some(()) }),
    k("network.latency_ms", "ms", 0.0, 60_000.0, false,
        |s, _| Some(s.network.latency.mean_ms()),
        |s, _, v| { s.network.latency = s.network.latency.with_mean_ms(v); Some(()) }),
    k("browser.patience_s", "s", 0.1, 86_400.0, false,
        |s, _| Some(s.browser.patience_s),
        |s, _, v| { s.browser.patience_s = v; Some(()) }),
    k("browser.retry_probability", "", 0.0, 1.0, false,
        |s, _| Some(s.browser.retry_probability),
        |s, _, v| { s.browser.retry_probability = v; Some(()) }),
    k("browser.think_time_ms", "ms", 0.0, 3.6e6, false,
        |s, _| Some(s.browser.think_time.mean_ms()),
        |s, _, v| { s.browser.think_time = s.browser.think_time.with_mean_ms(v); Some(()) }),
    k("browser.max_user_retries", "", 0.0, 100.0, true,
        |s, _| Some(f64::from(s.browser.max_user_retries)),
        |s, _, v| { s.browser.max_user_retries = v as u32; Some(()) }),
    k("browser.poll_interval_s", "s", 0.0, 3600.0, false,
        |s, _| Some(s.browser.poll_interval_s),
        |s, _, v| { s.browser.poll_interval_s = v; Some(()) }).floor(super::MIN_POLL_INTERVAL_S),
    k("server.instances", "", 0.0, 10_000.0, true,
        |s, _| Some(f64::from(s.server.instances)),
        |s, _, v| { s.server.instances = v as u32; Some(()) }),
    k("server.workers_per_instance", "", 0.0, 100_000.0, true,
        |s, _| Some(f64::from(s.server.workers_per_instance)),
        |s, _, v| { s.server.workers_per_instance = v as u32; Some(()) }),
    k("server.backlog_per_instance", "", 0.0, 10_000_000.0, true,
        |s, _| Some(f64::from(s.server.backlog_per_instance)),
        |s, _, v| { s.server.backlog_per_instance = v as u32; Some(()) }),
    k("server.poll_cpu_ms", "ms", 0.0, 60_000.0, false,
        |s, _| Some(s.server.poll_cpu.mean_ms()),
        |s, _, v| { s.server.poll_cpu = s.server.poll_cpu.with_mean_ms(v); Some(()) }),
    k("server.in_flight_per_instance", "requests", 0.0, 1_000_000.0, true,
        |s, _| Some(f64::from(in_flight_per_instance(s.server.model))),
        |s, _, v| { s.server.model = server_model(v as u32); Some(()) }).parts(),
    k("endpoints[].cpu_ms", "ms", 0.0, 60_000.0, false,
        |s, i| Some(s.endpoints.get(i)?.cpu.mean_ms()),
        |s, i, v| { let e = s.endpoints.get_mut(i)?; e.cpu = e.cpu.with_mean_ms(v); Some(()) }),
    k("endpoints[].db_write_ms", "ms", 0.0, 600_000.0, false,
        |s, i| Some(s.endpoints.get(i)?.db_write.mean_ms()),
        |s, i, v| { let e = s.endpoints.get_mut(i)?; e.db_write = e.db_write.with_mean_ms(v); Some(()) }),
    k("database.connections", "", 0.0, 100_000.0, true,
        |s, _| Some(f64::from(s.database.connections)),
        |s, _, v| { s.database.connections = v as u32; Some(()) }),
    k("database.failure_probability", "", 0.0, 1.0, false,
        |s, _| Some(s.database.failure_probability),
        |s, _, v| { s.database.failure_probability = v; Some(()) }),
    k("database.write_timeout_s", "s", 0.0, 3600.0, false,
        |s, _| Some(s.database.write_timeout_s),
        |s, _, v| { s.database.write_timeout_s = v; Some(()) }),
    k("queue.enqueue_ms", "ms", 0.0, 60_000.0, false,
        |s, _| Some(s.queue.enqueue.mean_ms()),
        |s, _, v| { s.queue.enqueue = s.queue.enqueue.with_mean_ms(v); Some(()) }),
    k("endpoints[].ack_after", "steps", 0.0, super::MAX_STEPS as f64, true,
        |s, i| Some(f64::from(s.endpoints.get(i)?.ack_after)),
        |s, i, v| { s.endpoints.get_mut(i)?.ack_after = v as u32; Some(()) }).parts(),
    k("endpoints[].steps[].cpu_ms", "ms", 0.0, 60_000.0, false,
        |s, i| match step(s, i)? { Step::Cpu(d) => Some(d.mean_ms()), _ => None },
        |s, i, v| match step_mut(s, i)? { Step::Cpu(d) => { *d = d.with_mean_ms(v); Some(()) } _ => None }).parts(),
    k("endpoints[].steps[].read_ms", "ms", 0.0, 600_000.0, false,
        |s, i| match step(s, i)? { Step::Read(d) => Some(d.mean_ms()), _ => None },
        |s, i, v| match step_mut(s, i)? { Step::Read(d) => { *d = d.with_mean_ms(v); Some(()) } _ => None }).parts(),
    k("endpoints[].steps[].hit_ratio", "", 0.0, 1.0, false,
        |s, i| match step(s, i)? { Step::Cache { hit_ratio, .. } => Some(*hit_ratio), _ => None },
        |s, i, v| match step_mut(s, i)? { Step::Cache { hit_ratio, .. } => { *hit_ratio = v; Some(()) } _ => None }).parts(),
    k("endpoints[].steps[].latency_ms", "ms", 0.0, 60_000.0, false,
        |s, i| match step(s, i)? { Step::Cache { latency, .. } => Some(latency.mean_ms()), _ => None },
        |s, i, v| match step_mut(s, i)? { Step::Cache { latency, .. } => { *latency = latency.with_mean_ms(v); Some(()) } _ => None }).parts(),
    k("queue.capacity", "jobs", 0.0, 1e10, true,
        |s, _| Some(s.queue.capacity as f64),
        |s, _, v| { s.queue.capacity = v as u64; Some(()) }),
    k("queue.workers", "", 0.0, 100_000.0, true,
        |s, _| Some(f64::from(s.queue.workers)),
        |s, _, v| { s.queue.workers = v as u32; Some(()) }),
    k("queue.max_attempts", "", 1.0, 1000.0, true,
        |s, _| Some(f64::from(s.queue.max_attempts)),
        |s, _, v| { s.queue.max_attempts = v as u32; Some(()) }),
    k("queue.backoff_base_s", "s", 0.0, 3600.0, false,
        |s, _| Some(s.queue.backoff_base_s),
        |s, _, v| { s.queue.backoff_base_s = v; Some(()) }),
    k("queue.backoff_cap_s", "s", 0.0, 86_400.0, false,
        |s, _| Some(s.queue.backoff_cap_s),
        |s, _, v| { s.queue.backoff_cap_s = v; Some(()) }),
    k("queue.sync_max_attempts", "", 1.0, 100.0, true,
        |s, _| Some(f64::from(s.queue.sync_max_attempts)),
        |s, _, v| { s.queue.sync_max_attempts = v as u32; Some(()) }),
    k("queue.sync_retry_delay_ms", "ms", 0.0, 60_000.0, false,
        |s, _| Some(s.queue.sync_retry_delay_ms),
        |s, _, v| { s.queue.sync_retry_delay_ms = v; Some(()) }),
    k("sla.wait_target_s", "s", 0.0, 86_400.0, false,
        |s, _| Some(s.sla.wait_target_s),
        |s, _, v| { s.sla.wait_target_s = v; Some(()) }),
    k("sla.processed_target_s", "s", 0.0, 1e7, false,
        |s, _| Some(s.sla.processed_target_s),
        |s, _, v| { s.sla.processed_target_s = v; Some(()) }),
    k("cost.server_worker_per_hour", "$/h", 0.0, 1e6, false,
        |s, _| Some(s.cost.server_worker_per_hour),
        |s, _, v| { s.cost.server_worker_per_hour = v; Some(()) }),
    k("cost.db_connection_per_hour", "$/h", 0.0, 1e6, false,
        |s, _| Some(s.cost.db_connection_per_hour),
        |s, _, v| { s.cost.db_connection_per_hour = v; Some(()) }),
    k("cost.queue_worker_per_hour", "$/h", 0.0, 1e6, false,
        |s, _| Some(s.cost.queue_worker_per_hour),
        |s, _, v| { s.cost.queue_worker_per_hour = v; Some(()) }),
    k("dependencies[].slots", "", 0.0, 100_000.0, true,
        |s, i| Some(f64::from(s.dependencies.get(i)?.slots)),
        |s, i, v| { s.dependencies.get_mut(i)?.slots = v as u32; Some(()) }).parts(),
    k("dependencies[].latency_ms", "ms", 0.0, 600_000.0, false,
        |s, i| Some(s.dependencies.get(i)?.latency.mean_ms()),
        |s, i, v| { let d = s.dependencies.get_mut(i)?; d.latency = d.latency.with_mean_ms(v); Some(()) }).parts(),
    k("dependencies[].failure_probability", "", 0.0, 1.0, false,
        |s, i| Some(s.dependencies.get(i)?.failure_probability),
        |s, i, v| { s.dependencies.get_mut(i)?.failure_probability = v; Some(()) }).parts(),
    k("dependencies[].timeout_s", "s", 0.0, 3_600.0, false,
        |s, i| Some(s.dependencies.get(i)?.timeout_s),
        |s, i, v| { s.dependencies.get_mut(i)?.timeout_s = v; Some(()) }).parts(),
    k("dependencies[].rate_limit_per_s", "calls/s", 0.0, 1e7, false,
        |s, i| Some(s.dependencies.get(i)?.rate_limit_per_s),
        |s, i, v| { s.dependencies.get_mut(i)?.rate_limit_per_s = v; Some(()) }).parts(),
    k("dependencies[].cost_per_slot_per_hour", "$/h", 0.0, 1e6, false,
        |s, i| Some(s.dependencies.get(i)?.cost_per_slot_per_hour),
        |s, i, v| { s.dependencies.get_mut(i)?.cost_per_slot_per_hour = v; Some(()) }).parts(),
    k("limits.max_in_flight", "", 1_000.0, super::MAX_MAX_IN_FLIGHT as f64, true,
        |s, _| Some(s.limits.max_in_flight as f64),
        |s, _, v| { s.limits.max_in_flight = v as u64; Some(()) }),
];

/// The spec of a pattern such as `clients[].rate_per_s`.
pub fn spec(pattern: &str) -> Option<&'static KnobSpec> {
    SPECS.iter().find(|k| k.pattern == pattern)
}

/// Splits `clients[3].rate_per_s` into (`clients[].rate_per_s`, ["3"]),
/// `dependencies[payments].slots` into (`dependencies[].slots`,
/// ["payments"]) and `endpoints[0].steps[2].cpu_ms` into
/// (`endpoints[].steps[].cpu_ms`, ["0", "2"]).
fn split_path(path: &str) -> Option<(String, Vec<&str>)> {
    let mut pattern = String::new();
    let mut indices = Vec::new();
    let mut rest = path;
    while let Some(a) = rest.find('[') {
        let b = rest.find(']')?;
        if b < a {
            return None;
        }
        pattern.push_str(&rest[..a]);
        pattern.push_str("[]");
        indices.push(&rest[a + 1..b]);
        rest = &rest[b + 1..];
    }
    if rest.contains(']') {
        return None;
    }
    pattern.push_str(rest);
    Some((pattern, indices))
}

/// The step at `index` (`endpoint × MAX_STEPS + step`).
fn step(s: &Settings, index: usize) -> Option<&Step> {
    s.endpoints
        .get(index / MAX_STEPS)?
        .steps
        .get(index % MAX_STEPS)
}

fn step_mut(s: &mut Settings, index: usize) -> Option<&mut Step> {
    s.endpoints
        .get_mut(index / MAX_STEPS)?
        .steps
        .get_mut(index % MAX_STEPS)
}

/// The server model as one number: 0 for a threads server, else the
/// non-blocking server's in-flight requests per instance.
fn in_flight_per_instance(m: ServerModel) -> u32 {
    match m {
        ServerModel::Threads => 0,
        ServerModel::NonBlocking {
            in_flight_per_instance,
        } => in_flight_per_instance,
    }
}

fn server_model(in_flight_per_instance: u32) -> ServerModel {
    if in_flight_per_instance == 0 {
        ServerModel::Threads
    } else {
        ServerModel::NonBlocking {
            in_flight_per_instance,
        }
    }
}

/// The knob at `path` in `s`: unknown if the pattern does not exist or
/// its index is out of range; a step knob says why it does not fit (no
/// such step, or a step of another kind).
pub fn resolve(s: &Settings, path: &str) -> Result<KnobRef, ChangeError> {
    let unknown = || ChangeError::UnknownKnob(path.to_string());
    let (pattern, indices) = split_path(path).ok_or_else(unknown)?;
    let spec = spec(&pattern).ok_or_else(unknown)?;
    let number = |j: usize| indices.get(j).and_then(|i| i.parse::<usize>().ok());
    let index = match (spec.list(), indices.len()) {
        (None, 0) => 0,
        (Some("clients"), 1) => number(0)
            .filter(|&i| i < s.clients.len())
            .ok_or_else(unknown)?,
        (Some("endpoints"), 1) if !spec.is_step() => number(0)
            .filter(|&i| i < s.endpoints.len())
            .ok_or_else(unknown)?,
        (Some("endpoints"), 2) if spec.is_step() => {
            step_index(s, path, spec, number(0), number(1))?
        }
        // A dependency by name (its index works too).
        (Some("dependencies"), 1) => match s.dependency_index(indices[0]) {
            Some(i) => i,
            None => number(0)
                .filter(|&i| i < s.dependencies.len())
                .ok_or_else(unknown)?,
        },
        _ => return Err(unknown()),
    };
    Ok(KnobRef { spec, index })
}

/// The index of the step knob `path` (`endpoints[e].steps[j].value`):
/// the step must exist and be of the kind the value belongs to.
fn step_index(
    s: &Settings,
    path: &str,
    spec: &KnobSpec,
    e: Option<usize>,
    j: Option<usize>,
) -> Result<usize, ChangeError> {
    let unknown = || ChangeError::UnknownKnob(path.to_string());
    let bad = |reason: String| ChangeError::BadStep {
        path: path.to_string(),
        reason,
    };
    let (Some(e), Some(j)) = (e, j) else {
        return Err(unknown());
    };
    let endpoint = s.endpoints.get(e).ok_or_else(unknown)?;
    let n = endpoint.steps.len().min(MAX_STEPS);
    if n == 0 {
        return Err(bad(format!(
            "endpoint `{}` has no steps of its own (its cpu_ms and db_write_ms are its knobs)",
            endpoint.name
        )));
    }
    if j >= n {
        return Err(bad(format!(
            "endpoint `{}` has {n} step{} (steps[0] to steps[{}])",
            endpoint.name,
            if n == 1 { "" } else { "s" },
            n - 1
        )));
    }
    let index = e * MAX_STEPS + j;
    if (spec.get)(s, index).is_none() {
        let value = spec.pattern.rsplit('.').next().unwrap_or("");
        return Err(bad(format!(
            "step {j} of `{}` is {}, which has no {value} (a Cpu step has cpu_ms, \
             a Read read_ms, a Cache hit_ratio and latency_ms; a Call changes at its \
             dependency, the Write by db_write_ms)",
            endpoint.name,
            endpoint.steps[j].label()
        )));
    }
    Ok(index)
}

/// The path of pattern `spec` at `index`.
pub fn path_of(spec: &KnobSpec, index: usize) -> String {
    if spec.is_step() {
        let (e, j) = (index / MAX_STEPS, index % MAX_STEPS);
        spec.pattern
            .replacen("[]", &format!("[{e}]"), 1)
            .replacen("[]", &format!("[{j}]"), 1)
    } else if spec.indexed() {
        spec.pattern.replacen("[]", &format!("[{index}]"), 1)
    } else {
        spec.pattern.to_string()
    }
}

/// Every knob of `s`, in table order, with its path.
pub fn all(s: &Settings) -> Vec<(String, KnobRef)> {
    let mut out = Vec::new();
    let parts = s.has_parts();
    for spec in SPECS.iter().filter(|k| parts || !k.parts_only) {
        let n = match spec.list() {
            Some("clients") => s.clients.len(),
            Some("endpoints") => s.endpoints.len(),
            Some("dependencies") => s.dependencies.len(),
            Some(_) => 0,
            None => 1,
        };
        if spec.is_step() {
            // Each step of each endpoint that has this value.
            for (e, endpoint) in s.endpoints.iter().enumerate() {
                for j in 0..endpoint.steps.len().min(MAX_STEPS) {
                    let index = e * MAX_STEPS + j;
                    if (spec.get)(s, index).is_some() {
                        out.push((path_of(spec, index), KnobRef { spec, index }));
                    }
                }
            }
            continue;
        }
        for index in 0..n {
            let path = match spec.list() {
                // Dependencies are addressed by name.
                Some("dependencies") => {
                    let name = &s.dependencies[index].name;
                    spec.pattern.replacen("[]", &format!("[{name}]"), 1)
                }
                _ => path_of(spec, index),
            };
            out.push((path, KnobRef { spec, index }));
        }
    }
    out
}

/// The current value of the knob at `path`, in its unit.
pub fn get(s: &Settings, path: &str) -> Result<f64, ChangeError> {
    Ok(resolve(s, path)?.get(s))
}

/// Sets the knob at `path` to `value` after checking its range.
pub fn set(s: &mut Settings, path: &str, value: f64) -> Result<(), ChangeError> {
    let k = resolve(s, path)?;
    k.spec.check(path, value)?;
    (k.spec.set)(s, k.index, value).ok_or_else(|| ChangeError::UnknownKnob(path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_knob_reads_back_what_was_set() {
        let s0 = Settings::default();
        for (path, k) in all(&s0) {
            let v0 = k.get(&s0);
            assert!(k.spec.check(&path, v0).is_ok(), "default {path} = {v0}");
            let mut s = s0.clone();
            let v = if k.spec.integer {
                k.spec.max.min(v0 + 1.0)
            } else {
                (k.spec.min + k.spec.max) / 2.0
            };
            set(&mut s, &path, v).expect("in range");
            assert_eq!(get(&s, &path), Ok(v), "{path}");
        }
    }

    #[test]
    fn a_floored_knob_is_off_or_at_least_its_floor() {
        let mut s = Settings::default();
        for v in [1e-9, 4e-10, 0.01] {
            let e = set(&mut s, "browser.poll_interval_s", v).unwrap_err();
            assert!(
                e.to_string().contains("0 (off) or a number between 0.05"),
                "{e}"
            );
        }
        set(&mut s, "browser.poll_interval_s", 0.0).expect("off");
        set(&mut s, "browser.poll_interval_s", 0.05).expect("the floor itself");
    }

    #[test]
    fn set_checks_range_and_index() {
        let mut s = Settings::default();
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
            Err(ChangeError::UnknownKnob(_))
        ));
        assert!(matches!(
            set(&mut s, "database[0].connections", 1.0),
            Err(ChangeError::UnknownKnob(_))
        ));
        assert!(set(&mut s, "database.connections", 2.5).is_err());
        assert!(set(&mut s, "database.connections", f64::NAN).is_err());
        assert!(matches!(get(&s, "nope"), Err(ChangeError::UnknownKnob(_))));
    }
}
