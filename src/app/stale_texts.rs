//! Texts written for other settings. A scene's lesson, watch text and
//! scripted captions were written for the settings it was loaded or last
//! saved with. Saving it with other settings while those texts are
//! untouched would store sentences that may no longer hold ("traffic
//! passes 100/s" beside a rate of 8/s), so Save asks first, naming each
//! changed setting: save with the texts, save without them, or cancel.

use crate::host::{ScriptedEvent, TimelineEdit, scripted_events};
use crate::scenario::{Change, Scenario, knobs};
use crate::sim::config::{Mode, Settings};
use std::path::PathBuf;

/// Save's question, open while it waits for an answer: where the scene
/// goes and which settings changed, in words.
#[derive(Clone, Debug)]
pub struct Question {
    /// The file the scene is being saved to.
    pub path: PathBuf,
    /// "Database: connections 5 -> 12", one line per changed setting.
    pub changed: Vec<String>,
}

/// The settings whose change Save asks about before saving `edited` over
/// `file` (the scene as loaded or last saved): empty when none changed,
/// when the scene has no texts, or when the presenter edited the texts
/// too (then they were written for the new settings).
pub fn changed_under_texts(file: &Scenario, edited: &Scenario) -> Vec<String> {
    let has_texts = !edited.lesson.trim().is_empty()
        || !edited.watch.trim().is_empty()
        || !captions(edited).is_empty();
    let texts_kept = file.lesson == edited.lesson
        && file.lesson_short == edited.lesson_short
        && file.watch == edited.watch
        && captions(file) == captions(edited);
    if !has_texts || !texts_kept {
        return Vec::new();
    }
    changed_settings(&file.settings, &edited.settings)
}

/// Every starting setting that differs between `old` and `new`, in words.
/// The timeline (scripted changes and captions) is the story, not a
/// setting, and is left out.
pub fn changed_settings(old: &Settings, new: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    for k in knobs::knobs(new) {
        let now = knobs::get(new, &k.path).ok();
        let was = knobs::get(old, &k.path).ok();
        let name = if k.label.contains(':') {
            k.label.clone()
        } else {
            format!("{}: {}", k.group.title(), k.label)
        };
        let unit = if k.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", k.unit)
        };
        match (was, now) {
            (Some(a), Some(b)) if a != b => out.push(format!("{name} {a} -> {b}{unit}")),
            (None, Some(b)) => out.push(format!("{name} (new) {b}{unit}")),
            _ => {}
        }
    }
    for e in &new.endpoints {
        if let Some(o) = old.endpoints.iter().find(|o| o.name == e.name)
            && o.mode != e.mode
        {
            out.push(format!(
                "{}: mode {} -> {}",
                e.name,
                mode_word(o.mode),
                mode_word(e.mode)
            ));
        }
    }
    if old.queue.scheduling != new.queue.scheduling {
        out.push(format!(
            "Queue: scheduling {:?} -> {:?}",
            old.queue.scheduling, new.queue.scheduling
        ));
    }
    if old.queue.retry != new.queue.retry {
        out.push(format!(
            "Retries: worker retry {:?} -> {:?}",
            old.queue.retry, new.queue.retry
        ));
    }
    if out.is_empty() && without_timeline(old) != without_timeline(new) {
        // Clients or endpoints removed, or a setting no knob shows.
        out.push("other settings (clients, endpoints or the seed)".to_string());
    }
    out
}

/// The scene's scripted captions, switched off ones included.
fn captions(scene: &Scenario) -> Vec<ScriptedEvent> {
    scripted_events(scene)
        .into_iter()
        .filter(|e| matches!(e.change, Change::Caption(_)))
        .collect()
}

/// The edits that take every scripted caption out of `scene`.
pub fn caption_removals(scene: &Scenario) -> Vec<TimelineEdit> {
    captions(scene)
        .into_iter()
        .map(TimelineEdit::Remove)
        .collect()
}

/// `scene` without its lesson, watch text and scripted captions: what
/// "Save without the texts" writes.
pub fn without_texts(scene: &Scenario) -> Scenario {
    let mut out = scene.clone();
    out.lesson.clear();
    out.lesson_short.clear();
    out.watch.clear();
    for edit in caption_removals(scene) {
        // Taking a caption out never makes a scene invalid; were it
        // refused, the caption would stay, as it does in the host.
        let _ = edit.apply(&mut out);
    }
    out
}

fn without_timeline(s: &Settings) -> Settings {
    let mut s = s.clone();
    s.timeline.clear();
    s
}

fn mode_word(m: Mode) -> &'static str {
    match m {
        Mode::Sync => "SYNC",
        Mode::Async => "ASYNC",
    }
}
