//! Undo and redo, kept in the app (not in the document): every live
//! change and every Timeline panel edit the user makes.
//!
//! - A live change is undone *now*, by applying the previous value as a
//!   new live change: the run (and its recording) keeps both, the past is
//!   never rewritten. Comparing, each twin gets its own previous value.
//!   Outages and captions are events, not settings: nothing to undo.
//! - A timeline or text edit is an edit of the document and is undone
//!   directly, by its inverse edit.
//!
//! Redo makes the change again. A new change clears the redo list; opening
//! another scene (or restoring one) clears both. Reset to file is a step of
//! its own: undoing it puts back the edited scene as it was (the run starts
//! again from it), so the steps before it can still be undone. Restart
//! keeps them: the scene, with the tweaks, is still the same.

use super::plain;
use crate::host::{Command, ScriptedEvent, Snapshot, Target, TimelineEdit};
use crate::scenario::{Change, Settings, knobs};

/// Most steps kept each way.
const MAX_STEPS: usize = 200;

/// One step: what it did, in words, and the commands that undo and redo it.
#[derive(Clone, Debug)]
struct Step {
    what: String,
    undo: Vec<Command>,
    redo: Vec<Command>,
}

/// The steps that can be undone and redone.
#[derive(Default)]
pub struct UndoHistory {
    done: Vec<Step>,
    undone: Vec<Step>,
}

impl UndoHistory {
    /// "Undo: database connections 5 -> 10", or `None` with nothing to undo.
    pub fn undo_label(&self) -> Option<String> {
        self.done.last().map(|s| format!("Undo: {}", s.what))
    }

    /// "Redo: ...", or `None` with nothing to redo.
    pub fn redo_label(&self) -> Option<String> {
        self.undone.last().map(|s| format!("Redo: {}", s.what))
    }

    /// Takes the latest step back: the commands to send.
    pub fn undo(&mut self) -> Vec<Command> {
        let Some(step) = self.done.pop() else {
            return Vec::new();
        };
        let commands = step.undo.clone();
        self.undone.push(step);
        commands
    }

    /// Makes the latest undone step again: the commands to send.
    pub fn redo(&mut self) -> Vec<Command> {
        let Some(step) = self.undone.pop() else {
            return Vec::new();
        };
        let commands = step.redo.clone();
        self.done.push(step);
        commands
    }

    /// Forgets everything (another scene, or back to the file).
    pub fn clear(&mut self) {
        self.done.clear();
        self.undone.clear();
    }

    /// Notes a command the user sent, seen against `snap` (the state before
    /// it): a live change or an edit becomes a step; a new scene or a reset
    /// clears the history; anything else leaves it alone.
    pub fn note(&mut self, command: &Command, snap: &Snapshot) {
        let step = match command {
            Command::Apply(c) => live_step(c, Target::All, snap),
            Command::ApplyTo(c, target) => live_step(c, *target, snap),
            Command::EditTimeline(edit) => edit_step(edit, snap),
            Command::EditTexts { lesson, .. } => Some(Step {
                what: texts_words(&snap.edited.lesson, lesson),
                undo: vec![Command::EditTexts {
                    lesson: snap.edited.lesson.clone(),
                    watch: snap.edited.watch.clone(),
                }],
                redo: vec![command.clone()],
            }),
            Command::ResetToFile if snap.dirty => Some(Step {
                what: "reset to file".to_string(),
                undo: vec![Command::Restore {
                    file: Box::new((*snap.file).clone()),
                    edited: Box::new((*snap.edited).clone()),
                }],
                redo: vec![command.clone()],
            }),
            Command::LoadScenario(_) | Command::Restore { .. } => {
                self.clear();
                None
            }
            _ => None,
        };
        if let Some(step) = step {
            self.undone.clear();
            self.done.push(step);
            if self.done.len() > MAX_STEPS {
                self.done.remove(0);
            }
        }
    }
}

/// The live settings of each run `target` names (the solo run is the
/// one run), with the run's index.
fn targets(target: Target, snap: &Snapshot) -> Vec<(usize, &Settings)> {
    snap.runs
        .iter()
        .enumerate()
        .filter(|(k, _)| target == Target::All || target == Target::Twin(*k))
        .map(|(k, t)| (k, &*t.live))
        .collect()
}

/// The step of a live change: per twin, the change that puts back what it
/// replaced. None for events (outages, captions), for a change that
/// changes nothing, and for one the host will refuse.
fn live_step(change: &Change, target: Target, snap: &Snapshot) -> Option<Step> {
    let runs = targets(target, snap);
    let (_, first) = runs.first()?;
    let mut trial = (*first).clone();
    if change.apply_to(&mut trial).is_err() {
        return None;
    }
    let mut undo = Vec::new();
    for (k, live) in &runs {
        for back in previous(change, live) {
            // One run: all of them.
            undo.push(if snap.runs.len() > 1 {
                Command::ApplyTo(back, Target::Twin(*k))
            } else {
                Command::ApplyTo(back, Target::All)
            });
        }
    }
    // The same value back for every twin: one change for all (traffic
    // changes may only go that way).
    if runs.len() > 1 && target == Target::All {
        let all: Vec<&Change> = undo.iter().filter_map(change_of).collect();
        let per_twin = all.len() / runs.len();
        if per_twin > 0 && all.chunks(per_twin).all(|c| c == &all[..per_twin]) {
            undo = all[..per_twin]
                .iter()
                .map(|c| Command::ApplyTo((*c).clone(), Target::All))
                .collect();
        }
    }
    if undo.is_empty() {
        return None;
    }
    let twin = match target {
        Target::Twin(k) => format!(" ({})", snap.run_name(k)),
        Target::All => String::new(),
    };
    Some(Step {
        what: format!("{}{twin}", change_words(change, first)),
        undo,
        redo: vec![Command::ApplyTo(change.clone(), target)],
    })
}

fn change_of(c: &Command) -> Option<&Change> {
    match c {
        Command::ApplyTo(c, _) | Command::Apply(c) => Some(c),
        _ => None,
    }
}

/// The changes that put back in `live` what `change` replaces (none when
/// it replaces nothing, or is an event).
fn previous(change: &Change, live: &Settings) -> Vec<Change> {
    match change {
        Change::Set { path, value } => match knobs::get(live, path) {
            Ok(old) if old != *value => vec![Change::Set {
                path: path.clone(),
                value: old,
            }],
            _ => Vec::new(),
        },
        Change::SetMode { endpoint, mode } => live
            .endpoints
            .iter()
            .filter(|e| endpoint.as_ref().is_none_or(|n| *n == e.name) && e.mode != *mode)
            .map(|e| Change::SetMode {
                endpoint: Some(e.name.clone()),
                mode: e.mode,
            })
            .collect(),
        Change::SetScheduling(s) if *s != live.queue.scheduling => {
            vec![Change::SetScheduling(live.queue.scheduling)]
        }
        Change::SetRetry(r) if *r != live.queue.retry => vec![Change::SetRetry(live.queue.retry)],
        _ => Vec::new(),
    }
}

/// A live change in words, from what it replaces: "database connections
/// 5 -> 10", "save order SYNC -> ASYNC".
fn change_words(change: &Change, live: &Settings) -> String {
    let words = match change {
        Change::Set { path, value } => match knobs::knob(live, path) {
            Ok(k) => {
                let old = knobs::get(live, path).unwrap_or(f64::NAN);
                let label = if k.label.contains(':') {
                    k.label
                } else {
                    format!("{} {}", k.group.title().to_lowercase(), k.label)
                };
                format!("{label} {old} -> {value}")
            }
            Err(_) => crate::words::change(change, live),
        },
        Change::SetMode { endpoint, mode } => {
            let from: Vec<&str> = live
                .endpoints
                .iter()
                .filter(|e| endpoint.as_ref().is_none_or(|n| *n == e.name))
                .map(|e| crate::words::mode(e.mode))
                .collect();
            let who = match endpoint {
                Some(n) => n.clone(),
                None if live.endpoints.len() == 1 => live.endpoints[0].name.clone(),
                None => "all endpoints".to_string(),
            };
            let from = if from.iter().all(|m| *m == from[0]) && !from.is_empty() {
                from[0].to_string()
            } else {
                "mixed".to_string()
            };
            format!("{who} {from} -> {}", crate::words::mode(*mode))
        }
        Change::SetScheduling(s) => format!(
            "scheduling {} -> {}",
            crate::words::scheduling(live.queue.scheduling),
            crate::words::scheduling(*s)
        ),
        Change::SetRetry(r) => format!(
            "retry {} -> {}",
            crate::words::retry(live.queue.retry),
            crate::words::retry(*r)
        ),
        _ => crate::words::change(change, live),
    };
    plain(&words)
}

/// The step of a timeline edit, if the host will take it.
fn edit_step(edit: &TimelineEdit, snap: &Snapshot) -> Option<Step> {
    let mut trial = (*snap.edited).clone();
    edit.apply(&mut trial).ok()?;
    Some(Step {
        what: edit_words(edit, &snap.first().live),
        undo: vec![Command::EditTimeline(edit.inverse())],
        redo: vec![Command::EditTimeline(edit.clone())],
    })
}

/// "add caption at 1:30", "delete event at 4:00", "disable event at 4:00".
pub fn edit_words(edit: &TimelineEdit, live: &Settings) -> String {
    let at = |e: &ScriptedEvent| {
        let what = match &e.change {
            Change::Caption(_) => "caption",
            _ => "event",
        };
        format!("{what} at {}", crate::fmt::clock(e.at_s))
    };
    let words = match edit {
        TimelineEdit::Add(e) => format!("add {}", at(e)),
        TimelineEdit::Remove(e) => format!("delete {}", at(e)),
        TimelineEdit::Replace { old, new } if old.enabled != new.enabled => {
            let verb = if new.enabled { "enable" } else { "disable" };
            format!("{verb} {}", at(old))
        }
        TimelineEdit::Replace { old, new } => {
            let what = crate::words::change(&new.change, live);
            format!("edit {} ({})", at(old), short(&what))
        }
    };
    plain(&words)
}

fn texts_words(old_lesson: &str, new_lesson: &str) -> String {
    if old_lesson == new_lesson {
        "edit watch text".to_string()
    } else {
        "edit lesson text".to_string()
    }
}

/// At most 40 characters of `text`.
fn short(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        let cut: String = text.chars().take(39).collect();
        format!("{cut}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_values_put_back_exactly_what_changed() {
        let s = Settings::default();
        let n = s.database.connections as f64;
        let set = Change::Set {
            path: "database.connections".into(),
            value: n + 5.0,
        };
        assert_eq!(
            previous(&set, &s),
            [Change::Set {
                path: "database.connections".into(),
                value: n
            }]
        );
        assert!(change_words(&set, &s).starts_with(&format!("database connections {n} -> ")));
        let same = Change::Set {
            path: "database.connections".into(),
            value: n,
        };
        assert!(previous(&same, &s).is_empty(), "nothing to undo");
        assert!(previous(&Change::OutageEnd, &s).is_empty());
    }
}
