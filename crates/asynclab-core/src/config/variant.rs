//! Twins' variants: a name, the changes that make a twin differ from the
//! scene at t = 0, and the twin's own timeline (live changes recorded for
//! that twin alone).

use super::{Change, Mode, TimelineEvent};
use serde::{Deserialize, Serialize};

/// One twin of a scene: a name and changes applied at t = 0 on top of the
/// scene. Traffic (rates, shares) is common to all twins: a variant may
/// not change it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Shown above the twin, e.g. "sync".
    pub name: String,
    /// Applied at t = 0, in order.
    pub changes: Vec<Change>,
    /// This twin's own scripted changes (format version 4), applied after
    /// the scene's own events at the same time. Unlike the scene's
    /// timeline, a mode switch here does apply: it is a choice made for
    /// this twin (a recorded live switch), not the scene's script.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEvent>,
}

impl Variant {
    /// A variant with `changes` and no timeline of its own.
    pub fn new(name: impl Into<String>, changes: Vec<Change>) -> Variant {
        Variant {
            name: name.into(),
            changes,
            timeline: Vec::new(),
        }
    }
}

/// The pair a scene without variants is compared as: every endpoint sync
/// against every endpoint async, everything else as written.
pub fn default_pair() -> Vec<Variant> {
    [("sync", Mode::Sync), ("async", Mode::Async)]
        .into_iter()
        .map(|(name, mode)| {
            Variant::new(
                name,
                vec![Change::SetMode {
                    endpoint: None,
                    mode,
                }],
            )
        })
        .collect()
}
