//! The words people read for the simulation's vocabulary: modes, policies,
//! reasons and changes. Made once here and shared by the app and the
//! command line, so a marker on a plot and a line in a report say the same.

use crate::scenario::knobs;
use crate::sim::Reason;
use crate::sim::config::{Change, Mode, OutageKind, RetryPolicy, Scheduling, Settings};

/// "SYNC" or "ASYNC".
pub fn mode(m: Mode) -> &'static str {
    match m {
        Mode::Sync => "SYNC",
        Mode::Async => "ASYNC",
    }
}

/// "FIFO", "fair" or "priority".
pub fn scheduling(s: Scheduling) -> &'static str {
    match s {
        Scheduling::Fifo => "FIFO",
        Scheduling::Fair => "fair",
        Scheduling::Priority => "priority",
    }
}

/// "none", "fixed 1 s" or "exp + jitter".
pub fn retry(r: RetryPolicy) -> String {
    match r {
        RetryPolicy::None => "none".to_string(),
        RetryPolicy::Fixed { delay_s } => format!("fixed {}", crate::fmt::target(delay_s)),
        RetryPolicy::ExponentialJitter => "exp + jitter".to_string(),
    }
}

/// What the database does in an outage.
pub fn outage(k: OutageKind) -> &'static str {
    match k {
        OutageKind::FailFast => "writes fail",
        OutageKind::Hang => "writes hang",
    }
}

/// A dependency outage's kind in words: "calls fail", "calls hang".
pub fn dependency_outage(k: OutageKind) -> &'static str {
    match k {
        OutageKind::FailFast => "calls fail",
        OutageKind::Hang => "calls hang",
    }
}

/// Why a user saw an error, as a short label: "timeout", "server busy".
pub fn reason(r: Reason) -> &'static str {
    match r {
        Reason::Timeout => "timeout",
        Reason::ServerBusy => "server busy",
        Reason::QueueFull => "queue full",
        Reason::DbError => "DB error",
        Reason::SimLimit => "simulation limit",
        Reason::CallFailed => "call failed",
        Reason::CallTimeout => "call timed out",
        Reason::Throttled => "throttled",
    }
}

/// A change as a marker caption: "save → ASYNC", "connections = 10",
/// "scheduling: fair", "DB outage: writes hang", or the caption itself.
/// `settings` names the endpoints and knobs (a knob's label carries its
/// client's name).
pub fn change(c: &Change, settings: &Settings) -> String {
    match c {
        Change::SetMode { endpoint, mode: m } => {
            let who = match endpoint {
                Some(name) => name.clone(),
                None if settings.endpoints.len() == 1 => settings.endpoints[0].name.clone(),
                None => "all endpoints".to_string(),
            };
            format!("{who} → {}", mode(*m))
        }
        Change::Set { path, value } => {
            let label = knobs::knob(settings, path).map_or_else(|_| path.clone(), |k| k.label);
            format!("{label} = {value}")
        }
        Change::SetScheduling(s) => format!("scheduling: {}", scheduling(*s)),
        Change::SetRetry(r) => format!("retry: {}", retry(*r)),
        Change::OutageStart(k) => format!("DB outage: {}", outage(*k)),
        Change::OutageEnd => "DB back".to_string(),
        Change::DependencyOutage { name, kind } => {
            format!("{name} outage: {}", dependency_outage(*kind))
        }
        Change::DependencyOutageEnd { name } => format!("{name} back"),
        Change::Caption(text) => text.clone(),
    }
}

/// The cue for a scripted change the run skipped because the presenter had
/// set it by hand: "Script: save → ASYNC now (skipped: you set it by
/// hand)".
pub fn cue(c: &Change, settings: &Settings) -> String {
    match c {
        // A caption that told of a skipped change.
        Change::Caption(text) => format!("Script (skipped with its change): {text}"),
        _ => format!(
            "Script: {} now (skipped: you set it by hand)",
            change(c, settings)
        ),
    }
}

/// A scene's direction for the live clock, in words: "8:30:00–9:45:00
/// slow to 100×", "9:00:00 pause: the peak".
pub fn clock_cue(c: &crate::scenario::Cue) -> String {
    use crate::fmt::clock;
    match c {
        crate::scenario::Cue::Slow {
            from_s,
            to_s,
            speed,
        } => format!("{}–{} slow to {speed}×", clock(*from_s), clock(*to_s)),
        crate::scenario::Cue::Pause { at_s, caption } => {
            format!("{} pause: {caption}", clock(*at_s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_the_panel_says_them() {
        let s = Settings::default();
        let to_async = Change::SetMode {
            endpoint: None,
            mode: Mode::Async,
        };
        assert_eq!(change(&to_async, &s), "save → ASYNC");
        let set = Change::Set {
            path: "clients[0].rate_per_s".into(),
            value: 50.0,
        };
        assert_eq!(change(&set, &s), "client: rate = 50");
        assert_eq!(
            change(&Change::SetRetry(RetryPolicy::Fixed { delay_s: 1.0 }), &s),
            "retry: fixed 1 s"
        );
        assert_eq!(
            change(&Change::SetScheduling(Scheduling::Fair), &s),
            "scheduling: fair"
        );
        assert_eq!(change(&Change::OutageEnd, &s), "DB back");
        let down = Change::DependencyOutage {
            name: "payments".into(),
            kind: OutageKind::Hang,
        };
        assert_eq!(change(&down, &s), "payments outage: calls hang");
        let back = Change::DependencyOutageEnd {
            name: "payments".into(),
        };
        assert_eq!(change(&back, &s), "payments back");
    }
}
