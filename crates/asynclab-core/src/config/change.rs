//! Changes to a run's settings: from a scene's timeline, the presenter's
//! knobs or `--set`. One function says how each alters the settings, used
//! by the running system and by the document the app saves alike.

use super::{Mode, OutageKind, RetryPolicy, Scheduling, Settings, knobs};
use serde::{Deserialize, Serialize};

/// A scripted change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// When, seconds of sim time.
    pub at_s: f64,
    /// What changes.
    pub change: Change,
    /// For a caption: the mode it describes (format version 6). The run
    /// leaves such a caption out while no endpoint is in that mode (the
    /// presenter switched, or a twin holds the other mode), so "ASYNC: the
    /// server answers..." is never said of a run that is sync. `None`: true
    /// in either mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
}

/// A change to the running system: from the timeline, the UI or `--set`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Change {
    /// Set the mode of one endpoint (by name) or of all (`None`).
    SetMode {
        /// Endpoint name, or every endpoint.
        endpoint: Option<String>,
        /// The new mode.
        mode: Mode,
    },
    /// Set a numeric knob by its path, e.g. `database.connections`.
    Set {
        /// Knob path (see `asynclab knobs`).
        path: String,
        /// New value in the knob's unit.
        value: f64,
    },
    /// Set the queue scheduling.
    SetScheduling(Scheduling),
    /// Set the worker retry policy.
    SetRetry(RetryPolicy),
    /// Start a database outage.
    OutageStart(OutageKind),
    /// End the database outage.
    OutageEnd,
    /// Start an outage of the named dependency (format version 6): its
    /// calls fail fast or hang (until the call timeout) as database writes
    /// do in a database outage.
    DependencyOutage {
        /// The dependency's name.
        name: String,
        /// Fail fast or hang.
        kind: OutageKind,
    },
    /// End the named dependency's outage.
    DependencyOutageEnd {
        /// The dependency's name.
        name: String,
    },
    /// Show a caption to the presenter.
    Caption(String),
}

/// Why a change could not be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChangeError {
    /// No knob has this path.
    #[error("unknown knob `{0}` (run `asynclab knobs FILE` for the list)")]
    UnknownKnob(String),
    /// A mode change names an endpoint the scene does not have.
    #[error("no endpoint named `{0}`")]
    UnknownEndpoint(String),
    /// A step knob addresses a step that does not exist or a step of
    /// another kind.
    #[error("{path}: {reason}")]
    BadStep {
        /// Knob path.
        path: String,
        /// Why, naming the endpoint and its steps.
        reason: String,
    },
    /// An outage names a dependency the scene does not have.
    #[error("no dependency named `{name}` (this scene has {known})")]
    UnknownDependency {
        /// The name given.
        name: String,
        /// The scene's dependencies in words: "`a`, `b`" or "none".
        known: String,
    },
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

impl Change {
    /// True for an outage of the database or a dependency, or its end:
    /// an event of a run, not a setting.
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            Change::OutageStart(_)
                | Change::OutageEnd
                | Change::DependencyOutage { .. }
                | Change::DependencyOutageEnd { .. }
        )
    }

    /// Applies the change to `settings`. Returns whether any setting
    /// changed (a mode switch to the mode already set changes nothing).
    /// Outages and captions are events of a run, not settings: they leave
    /// `settings` as it is. On error nothing changes.
    pub fn apply_to(&self, settings: &mut Settings) -> Result<bool, ChangeError> {
        match self {
            Change::SetMode { endpoint, mode } => {
                if let Some(name) = endpoint
                    && settings.endpoint_index(name).is_none()
                {
                    return Err(ChangeError::UnknownEndpoint(name.clone()));
                }
                let mut changed = false;
                for e in settings.endpoints.iter_mut() {
                    if endpoint.as_ref().is_none_or(|n| *n == e.name) && e.mode != *mode {
                        e.mode = *mode;
                        changed = true;
                    }
                }
                Ok(changed)
            }
            Change::Set { path, value } => {
                knobs::set(settings, path, *value)?;
                Ok(true)
            }
            Change::SetScheduling(s) => {
                settings.queue.scheduling = *s;
                Ok(true)
            }
            Change::SetRetry(r) => {
                settings.queue.retry = *r;
                Ok(true)
            }
            Change::DependencyOutage { name, .. } | Change::DependencyOutageEnd { name } => {
                if settings.dependency_index(name).is_none() {
                    let known: Vec<String> = settings
                        .dependencies
                        .iter()
                        .map(|d| format!("`{}`", d.name))
                        .collect();
                    return Err(ChangeError::UnknownDependency {
                        name: name.clone(),
                        known: if known.is_empty() {
                            "none".into()
                        } else {
                            known.join(", ")
                        },
                    });
                }
                Ok(false)
            }
            Change::OutageStart(_) | Change::OutageEnd | Change::Caption(_) => Ok(false),
        }
    }

    /// True for a change to the users' traffic (a client's base rate, an
    /// endpoint's share): twins share their users, so these apply to all
    /// twins or none.
    pub fn touches_traffic(&self) -> bool {
        matches!(self, Change::Set { path, .. }
            if path.starts_with("clients[") && path.ends_with("].rate_per_s")
                || path.starts_with("endpoints[") && path.ends_with("].share"))
    }

    /// True when `self` and `other` set the same setting: the same knob
    /// path, the mode of an endpoint both address (all endpoints address
    /// every one), the queue's scheduling, the retry policy. Outages and
    /// captions are events, not settings: never.
    pub fn same_setting(&self, other: &Change) -> bool {
        match (self, other) {
            (Change::Set { path: a, .. }, Change::Set { path: b, .. }) => a == b,
            (Change::SetMode { endpoint: a, .. }, Change::SetMode { endpoint: b, .. }) => {
                a.is_none() || b.is_none() || a == b
            }
            (Change::SetScheduling(_), Change::SetScheduling(_))
            | (Change::SetRetry(_), Change::SetRetry(_)) => true,
            _ => false,
        }
    }

    /// True for a knob of a client's traffic (its arrivals restart).
    pub fn touches_clients(&self) -> bool {
        matches!(self, Change::Set { path, .. } if path.starts_with("clients["))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_switch_reports_whether_anything_changed() {
        let mut s = Settings::default();
        let to_async = Change::SetMode {
            endpoint: None,
            mode: Mode::Async,
        };
        assert_eq!(to_async.apply_to(&mut s), Ok(true));
        assert_eq!(s.endpoints[0].mode, Mode::Async);
        assert_eq!(to_async.apply_to(&mut s), Ok(false));
        let unknown = Change::SetMode {
            endpoint: Some("nope".into()),
            mode: Mode::Sync,
        };
        assert!(matches!(
            unknown.apply_to(&mut s),
            Err(ChangeError::UnknownEndpoint(_))
        ));
        assert_eq!(s.endpoints[0].mode, Mode::Async);
    }

    #[test]
    fn a_bad_knob_value_changes_nothing() {
        let mut s = Settings::default();
        let before = s.clone();
        let bad = Change::Set {
            path: "database.connections".into(),
            value: -1.0,
        };
        assert!(bad.apply_to(&mut s).is_err());
        assert_eq!(s, before);
        assert_eq!(Change::OutageEnd.apply_to(&mut s), Ok(false));
        assert_eq!(s, before);
    }
}
