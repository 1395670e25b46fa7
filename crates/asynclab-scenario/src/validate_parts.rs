//! Checks of the parts of your own system (format version 6):
//! dependencies, an endpoint's steps and acknowledgement point, and the
//! server model.

use asynclab_core::config::{MAX_DEPENDENCIES, MAX_STEPS, ServerModel, Settings, Step};

/// One problem: field path, the value as written, the rule.
pub(super) type Found = (String, String, String);

/// Every problem of the parts in `s`.
pub(super) fn problems(s: &Settings) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let mut push = |path: String, value: String, rule: &str| out.push((path, value, rule.into()));
    if s.dependencies.len() > MAX_DEPENDENCIES {
        push(
            "dependencies".into(),
            format!("{} dependencies", s.dependencies.len()),
            "must have at most 16 dependencies",
        );
    }
    for (i, d) in s.dependencies.iter().enumerate() {
        let p = format!("dependencies[{i}]");
        if d.name.trim().is_empty() {
            push(format!("{p}.name"), "\"\"".into(), "must not be empty");
        }
        if s.dependencies[..i].iter().any(|o| o.name == d.name) {
            push(
                format!("{p}.name"),
                format!("{:?}", d.name),
                "must be unique",
            );
        }
        if d.slots > 100_000 {
            push(
                format!("{p}.slots"),
                d.slots.to_string(),
                "must be between 0 (unlimited) and 100000",
            );
        }
        if let Some((field, v, rule)) = d.latency.problem() {
            push(format!("{p}.latency.{field}"), v.to_string(), rule);
        }
        let ranges = [
            ("failure_probability", d.failure_probability, 1.0),
            ("timeout_s", d.timeout_s, 3_600.0),
            ("rate_limit_per_s", d.rate_limit_per_s, 1e7),
            ("cost_per_slot_per_hour", d.cost_per_slot_per_hour, 1e6),
        ];
        for (field, v, max) in ranges {
            if !(v.is_finite() && (0.0..=max).contains(&v)) {
                push(
                    format!("{p}.{field}"),
                    v.to_string(),
                    &format!("must be between 0 and {max}"),
                );
            }
        }
    }
    for (i, e) in s.endpoints.iter().enumerate() {
        let p = format!("endpoints[{i}]");
        let steps = e.effective_steps();
        if e.steps.len() > MAX_STEPS {
            push(
                format!("{p}.steps"),
                format!("{} steps", e.steps.len()),
                "must have at most 16 steps",
            );
        }
        let write_at = steps.iter().position(|st| *st == Step::Write);
        for (k, st) in steps.iter().enumerate() {
            let sp = format!("{p}.steps[{k}]");
            match st {
                Step::Cpu(d) | Step::Read(d) => {
                    if let Some((field, v, rule)) = d.problem() {
                        push(format!("{sp}.{field}"), v.to_string(), rule);
                    }
                }
                Step::Call(name) => {
                    if s.dependency_index(name).is_none() {
                        push(
                            sp,
                            format!("Call({name:?})"),
                            "must name one of the scene's dependencies",
                        );
                    }
                }
                Step::Cache { hit_ratio, latency } => {
                    if !(hit_ratio.is_finite() && (0.0..=1.0).contains(hit_ratio)) {
                        push(
                            format!("{sp}.hit_ratio"),
                            hit_ratio.to_string(),
                            "must be between 0 and 1",
                        );
                    }
                    if let Some((field, v, rule)) = latency.problem() {
                        push(format!("{sp}.latency.{field}"), v.to_string(), rule);
                    }
                    if !matches!(
                        steps.get(k + 1),
                        Some(Step::Cpu(_) | Step::Call(_) | Step::Read(_))
                    ) {
                        push(
                            sp,
                            "Cache".into(),
                            "must be followed by a Cpu, Call or Read step (a hit skips it)",
                        );
                    }
                }
                Step::Write => {
                    if k + 1 != steps.len() {
                        push(
                            sp,
                            "Write".into(),
                            "must be the last step (and the only Write)",
                        );
                    }
                }
            }
        }
        let before_write = write_at.unwrap_or(steps.len());
        let ack = e.ack_after as usize;
        if ack > before_write {
            push(
                format!("{p}.ack_after"),
                ack.to_string(),
                &format!(
                    "must be between 0 and {before_write} (the acknowledgement comes before the Write)"
                ),
            );
        } else if ack > 0 && matches!(steps.get(ack - 1), Some(Step::Cache { .. })) {
            push(
                format!("{p}.ack_after"),
                ack.to_string(),
                "must not split a Cache from the step it may skip",
            );
        }
    }
    if let ServerModel::NonBlocking {
        in_flight_per_instance,
    } = s.server.model
        && !(1..=1_000_000).contains(&in_flight_per_instance)
    {
        push(
            "server.model.in_flight_per_instance".into(),
            in_flight_per_instance.to_string(),
            "must be between 1 and 1000000",
        );
    }
    out
}
