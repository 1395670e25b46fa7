//! The scene's story as the Timeline panel edits it: every scripted event
//! (the scene's, each variant's own, and those switched off) and the
//! lesson and watch texts.
//!
//! An edit names the event it changes by value, not by position, so it
//! stays valid however the list is sorted, and its inverse (for undo) is
//! just another edit: add ↔ remove, replace old → new ↔ new → old. A
//! switched-off event lives in [`Scenario::disabled`]; switching it on
//! moves it back into its timeline (a `Replace` with `enabled` flipped).
//! Every edit is checked by validating the whole edited scene, so the
//! panel can never make a scene that would not load again.

use crate::scenario::{Change, DisabledEvent, Scenario, TimelineEvent, validate};

/// One scripted event, wherever it lives.
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptedEvent {
    /// When, seconds of sim time.
    pub at_s: f64,
    /// What changes.
    pub change: Change,
    /// The variant whose own timeline holds it, by name; `None`: the
    /// scene's timeline (every twin).
    pub variant: Option<String>,
    /// False for an event switched off (kept, never applied).
    pub enabled: bool,
    /// A caption's mode (see [`TimelineEvent::mode`]).
    pub mode: Option<crate::scenario::Mode>,
}

/// An edit of the scene's scripted events.
#[derive(Clone, Debug, PartialEq)]
pub enum TimelineEdit {
    /// Adds an event (after any others at the same time).
    Add(ScriptedEvent),
    /// Removes the first event equal to this one.
    Remove(ScriptedEvent),
    /// Replaces the first event equal to `old` by `new` (enable, disable,
    /// a new time, value, caption or place).
    Replace {
        /// The event as it is.
        old: ScriptedEvent,
        /// The event as it becomes.
        new: ScriptedEvent,
    },
}

impl TimelineEdit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> TimelineEdit {
        match self {
            TimelineEdit::Add(e) => TimelineEdit::Remove(e.clone()),
            TimelineEdit::Remove(e) => TimelineEdit::Add(e.clone()),
            TimelineEdit::Replace { old, new } => TimelineEdit::Replace {
                old: new.clone(),
                new: old.clone(),
            },
        }
    }

    /// Applies the edit to `scene`; on error (no such event, or the
    /// result would not validate) `scene` is left as it was.
    pub fn apply(&self, scene: &mut Scenario) -> Result<(), String> {
        let mut trial = scene.clone();
        match self {
            TimelineEdit::Add(e) => add(&mut trial, e)?,
            TimelineEdit::Remove(e) => remove(&mut trial, e)?,
            TimelineEdit::Replace { old, new } => {
                remove(&mut trial, old)?;
                add(&mut trial, new)?;
            }
        }
        if let Some(p) = validate::validate(&trial).first() {
            return Err(p.to_string());
        }
        *scene = trial;
        Ok(())
    }
}

/// Every scripted event of `scene` in time order (stable: the scene's
/// timeline, then each variant's, then those switched off).
pub fn events(scene: &Scenario) -> Vec<ScriptedEvent> {
    let on = |ev: &TimelineEvent, variant: Option<&str>| ScriptedEvent {
        mode: ev.mode,
        at_s: ev.at_s,
        change: ev.change.clone(),
        variant: variant.map(str::to_string),
        enabled: true,
    };
    let mut all: Vec<ScriptedEvent> = scene
        .settings
        .timeline
        .iter()
        .map(|e| on(e, None))
        .collect();
    for v in &scene.variants {
        all.extend(v.timeline.iter().map(|e| on(e, Some(&v.name))));
    }
    all.extend(scene.disabled.iter().map(|d| ScriptedEvent {
        mode: d.mode,
        at_s: d.at_s,
        change: d.change.clone(),
        variant: d.variant.clone(),
        enabled: false,
    }));
    all.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    all
}

/// Whether the run built from `run` would play the same scripted events
/// as one built from `edited` (the story's events only; settings may
/// differ).
pub fn same_script(run: &Scenario, edited: &Scenario) -> bool {
    events(run) == events(edited)
}

/// Copies the scripted events of `from` into `to` (scene timeline, each
/// variant's own timeline by name, events switched off), leaving every
/// setting of `to` as it is. A variant `to` lacks (the default pair, not
/// yet written out) is written out first.
pub fn copy_script(from: &Scenario, to: &mut Scenario) {
    to.settings.timeline = from.settings.timeline.clone();
    to.disabled = from.disabled.clone();
    let own = from.variants.iter().any(|v| !v.timeline.is_empty());
    if own && to.variants.is_empty() {
        to.variants = to.twin_variants();
    }
    for v in &mut to.variants {
        v.timeline = from
            .variants
            .iter()
            .find(|f| f.name == v.name)
            .map(|f| f.timeline.clone())
            .unwrap_or_default();
    }
}

/// Where `e` goes: the scene's timeline, a variant's (written out from
/// the default pair if need be), or the switched-off list (`None`).
fn timeline_of<'a>(
    scene: &'a mut Scenario,
    e: &ScriptedEvent,
) -> Result<Option<&'a mut Vec<TimelineEvent>>, String> {
    if !e.enabled {
        return Ok(None);
    }
    let Some(name) = &e.variant else {
        return Ok(Some(&mut scene.settings.timeline));
    };
    if scene.variants.is_empty() {
        scene.variants = scene.twin_variants();
    }
    scene
        .variants
        .iter_mut()
        .find(|v| v.name == *name)
        .map(|v| Some(&mut v.timeline))
        .ok_or_else(|| format!("no twin named `{name}`"))
}

fn add(scene: &mut Scenario, e: &ScriptedEvent) -> Result<(), String> {
    if !(e.at_s.is_finite() && e.at_s >= 0.0) {
        return Err(format!("time {} s: must be 0 or later", e.at_s));
    }
    match timeline_of(scene, e)? {
        Some(timeline) => {
            let at = timeline
                .iter()
                .position(|t| t.at_s > e.at_s)
                .unwrap_or(timeline.len());
            let ev = TimelineEvent {
                mode: e.mode,
                at_s: e.at_s,
                change: e.change.clone(),
            };
            timeline.insert(at, ev);
        }
        None => {
            let at = scene
                .disabled
                .iter()
                .position(|d| d.at_s > e.at_s)
                .unwrap_or(scene.disabled.len());
            let d = DisabledEvent {
                mode: e.mode,
                at_s: e.at_s,
                change: e.change.clone(),
                variant: e.variant.clone(),
            };
            scene.disabled.insert(at, d);
        }
    }
    Ok(())
}

fn remove(scene: &mut Scenario, e: &ScriptedEvent) -> Result<(), String> {
    let gone = || "that event is no longer in the scene".to_string();
    match timeline_of(scene, e)? {
        Some(timeline) => {
            let i = timeline
                .iter()
                .position(|t| t.at_s == e.at_s && t.change == e.change)
                .ok_or_else(gone)?;
            timeline.remove(i);
        }
        None => {
            let i = scene
                .disabled
                .iter()
                .position(|d| d.at_s == e.at_s && d.change == e.change && d.variant == e.variant)
                .ok_or_else(gone)?;
            scene.disabled.remove(i);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption(at_s: f64, text: &str) -> ScriptedEvent {
        ScriptedEvent {
            mode: None,
            at_s,
            change: Change::Caption(text.into()),
            variant: None,
            enabled: true,
        }
    }

    #[test]
    fn every_edit_is_undone_by_its_inverse() {
        let start = Scenario::default();
        let mut s = start.clone();
        let a = caption(10.0, "a");
        let edits = [
            TimelineEdit::Add(a.clone()),
            TimelineEdit::Replace {
                old: a.clone(),
                new: ScriptedEvent {
                    enabled: false,
                    ..a.clone()
                },
            },
        ];
        for e in &edits {
            e.apply(&mut s).expect("applies");
        }
        assert!(s.settings.timeline.is_empty());
        assert_eq!(s.disabled.len(), 1, "switched off, kept");
        for e in edits.iter().rev() {
            e.inverse().apply(&mut s).expect("undoes");
        }
        assert_eq!(s, start);
    }

    #[test]
    fn an_edit_that_would_not_validate_leaves_the_scene_alone() {
        let mut s = Scenario::default();
        let bad = ScriptedEvent {
            change: Change::Set {
                path: "database.connections".into(),
                value: -3.0,
            },
            ..caption(5.0, "")
        };
        let e = TimelineEdit::Add(bad).apply(&mut s).expect_err("refused");
        assert!(e.contains("timeline[0].change.value"), "{e}");
        assert_eq!(s, Scenario::default());
        let missing = TimelineEdit::Remove(caption(1.0, "never added"));
        assert!(missing.apply(&mut s).is_err());
    }

    #[test]
    fn a_twin_event_writes_out_the_default_pair() {
        let mut s = Scenario::default();
        let e = ScriptedEvent {
            variant: Some("async".into()),
            ..caption(3.0, "right")
        };
        TimelineEdit::Add(e.clone()).apply(&mut s).expect("added");
        assert_eq!(s.variants.len(), 2);
        assert_eq!(s.variants[1].timeline.len(), 1);
        assert_eq!(events(&s), [e]);
        let mut run = Scenario::default();
        assert!(!same_script(&run, &s));
        copy_script(&s, &mut run);
        assert!(same_script(&run, &s));
    }
}
