//! Carrying out what the panels ask for: [`AsyncLabApp::apply`] is the one
//! place that changes the app's state from an [`AppAction`] and the only
//! one that sends [`Command`]s to the host.

use super::*;

impl AsyncLabApp {
    /// Applies `actions` in order and empties the list; asks for another
    /// frame when there were any, so their effect shows at once.
    pub(super) fn apply_all(&mut self, ctx: &egui::Context, actions: &mut Vec<AppAction>) {
        if actions.is_empty() {
            return;
        }
        for action in actions.drain(..) {
            self.apply(action);
        }
        ctx.request_repaint();
    }

    /// Carries out one action. Every change the user asks for comes through
    /// here, and this is the only place that sends commands to the host.
    pub fn apply(&mut self, action: AppAction) {
        if action.drops_edits() && self.host.snapshot().dirty {
            // This would drop the presenter's edits: ask.
            self.messages.confirm = Some(action);
            return;
        }
        match action {
            AppAction::Host(command) => self.send(command, true),
            story @ (AppAction::Undo
            | AppAction::Redo
            | AppAction::ShowTimeline(_)
            | AppAction::SelectEvent(..)) => self.apply_story(story),
            AppAction::Confirmed(action) => {
                self.messages.confirm = None;
                match *action {
                    AppAction::Open(path) => self.open_now(&path),
                    AppAction::OpenBuiltin(file) => self.open_builtin_now(file),
                    // The desktop's dialog, or the in-app browser where
                    // there is none (after "Save, then open" too).
                    AppAction::PickOpen => self.choose(file_dialog::Purpose::Open),
                    AppAction::Workshop(workshop::WorkshopAction::OpenScene(s)) => {
                        self.workshop(workshop::WorkshopAction::OpenScene(s))
                    }
                    AppAction::Quit => self.quit_now(),
                    AppAction::ResetToFile => self.send(Command::ResetToFile, true),
                    AppAction::RestoreFound => self.restore_found(),
                    other => self.apply(other),
                }
            }
            AppAction::SaveThen(next) => {
                self.messages.confirm = None;
                self.after_save = Some(*next);
                self.apply(AppAction::Save);
                // Saved (its continuation ran), failed or cancelled: done,
                // unless the in-app browser is still asking where or Save
                // asks about the texts.
                if !self.browser.is_open() && self.messages.stale_texts.is_none() {
                    self.after_save = None;
                }
            }
            AppAction::CancelSwitch => {
                self.messages.confirm = None;
                self.after_save = None;
            }
            AppAction::Quit => self.quit_now(),
            AppAction::ResetToFile => self.send(Command::ResetToFile, true),
            AppAction::RestoreFound => self.restore_found(),
            AppAction::DeclineFound => self.recovery.decline(),
            AppAction::RestartHost => self.restart_host(),
            AppAction::Open(path) => self.open_now(&path),
            AppAction::OpenBuiltin(file) => self.open_builtin_now(file),
            AppAction::PickOpen => self.choose(file_dialog::Purpose::Open),
            AppAction::Save => match self.files.path.clone() {
                Some(path) => self.apply(AppAction::SaveTo(path)),
                None => self.apply(AppAction::SaveAs),
            },
            AppAction::SaveAs => self.choose(file_dialog::Purpose::SaveAs),
            AppAction::SaveRecording => self.choose(file_dialog::Purpose::SaveRecording),
            AppAction::SaveTo(path) => {
                let (file, edited) = {
                    let snap = self.host.snapshot();
                    (snap.file.clone(), snap.edited.clone())
                };
                let changed = stale_texts::changed_under_texts(&file, &edited);
                if changed.is_empty() {
                    self.save_scene(&edited, &path);
                } else {
                    // Ask first; a pending continuation waits for the answer.
                    self.messages.stale_texts = Some(stale_texts::Question { path, changed });
                }
            }
            AppAction::SaveAnswered(path, keep_texts) => {
                self.messages.stale_texts = None;
                let edited = (*self.host.snapshot().edited).clone();
                if keep_texts {
                    self.save_scene(&edited, &path);
                } else {
                    // The host drops the same texts, so the saved file and
                    // the scene on screen stay one.
                    let bare = stale_texts::without_texts(&edited);
                    for edit in stale_texts::caption_removals(&edited) {
                        self.send(Command::EditTimeline(edit), true);
                    }
                    let (lesson, watch) = (bare.lesson.clone(), bare.watch.clone());
                    self.send(Command::EditTexts { lesson, watch }, true);
                    self.save_scene(&bare, &path);
                }
            }
            AppAction::CancelSave => {
                self.messages.stale_texts = None;
                self.after_save = None;
            }
            AppAction::SaveRecordingTo(path) => {
                let recording = self.host.snapshot().recording.clone();
                match self.files.save_recording(&recording, &path) {
                    Ok(()) => {
                        let status = format!("recording saved to {}", path.display());
                        self.messages.status = Some(status);
                    }
                    Err(e) => self.messages.error = Some(e),
                }
            }
            AppAction::ShowControls(shown) => self.controls.shown = shown,
            AppAction::SetPresentation(on) => {
                self.files.prefs.presentation = on;
                self.controls.shown = !on;
            }
            AppAction::SetPlainWords(on) => self.files.prefs.plain_words = Some(on),
            AppAction::Present => self.present(),
            AppAction::SetDark(dark) => self.files.prefs.dark = dark,
            AppAction::SetUiScale(scale) => self.files.prefs.ui_scale = scale.clamp(1.0, 2.5),
            AppAction::ToggleFullscreen => self.window.fullscreen = !self.window.fullscreen,
            AppAction::ToggleFoldedDiagram => self.fit.toggle_diagram(),
            AppAction::SetSpan(span_s) => self.files.prefs.span_s = span_s.max(1.0),
            AppAction::SetCompareLayout(layout) => self.compare.layout = layout,
            AppAction::ShowHelp => self.help.open = true,
            AppAction::ShowLesson => self.lesson.open = true,
            AppAction::ShowStatus(text) => self.messages.status = Some(text),
            AppAction::ShowError(text) => self.messages.error = Some(text),
            AppAction::ShowJourney
            | AppAction::ShowJourneyOf(_)
            | AppAction::ShowLoadCurve
            | AppAction::Sweep(_) => self.explain_action(action),
            AppAction::Workshop(action) => self.workshop(action),
        }
    }

    /// Sends `command` to the host (the only place that does); a user's
    /// own command (`remember`, not an undo or redo) is noted in the undo
    /// history first, against the state it changes.
    pub(super) fn send(&mut self, command: Command, remember: bool) {
        if remember {
            self.undo.note(&command, &self.host.snapshot());
        }
        if matches!(
            command,
            Command::EditTimeline(_)
                | Command::EditTexts { .. }
                | Command::ResetToFile
                | Command::Restore { .. }
        ) {
            // A structural edit reaches the recovery file at once.
            self.recovery.soon();
        }
        self.host.send(command);
    }
}
