//! The document's life: open, load, save, quit (asking first when edits
//! would be lost), the recovery file, and a new host thread after the
//! old one stopped.

use super::*;

impl AsyncLabApp {
    /// Writes `scene` to `path` (atomically) and marks it saved; then
    /// carries out what waited for the save. A failed save carries out
    /// nothing.
    pub(super) fn save_scene(&mut self, scene: &Scenario, path: &Path) {
        match self.files.save(scene, path) {
            Ok(()) => {
                self.apply(AppAction::Host(Command::MarkSaved));
                self.messages.status = Some(format!("saved {}", path.display()));
                if let Some(next) = self.after_save.take() {
                    self.apply(AppAction::Confirmed(Box::new(next)));
                }
            }
            Err(e) => {
                self.after_save = None;
                self.messages.error = Some(e);
            }
        }
    }

    /// The user chose to quit (after saving or discarding any edits): the
    /// recovery file goes, and the window closes on the next frame.
    pub(super) fn quit_now(&mut self) {
        self.quitting = true;
        self.recovery.exit(false);
        if let Some(ctx) = &self.workshop.ctx {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// A close of the window (its button, the desktop's Quit) with unsaved
    /// edits is held back and asked about, like Ctrl+Q.
    pub(super) fn intercept_close(&mut self, ctx: &egui::Context, dirty: bool) {
        let asked = ctx.input(|i| i.viewport().close_requested());
        if asked && dirty && !self.quitting {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            // A minimised window cannot show the question.
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
            ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
            self.messages.confirm = Some(AppAction::Quit);
        }
    }

    /// Restores the work an earlier app left in its recovery file: the
    /// scene as it was on disk and as it was edited (unsaved again), on
    /// its own file.
    pub(super) fn restore_found(&mut self) {
        let Some(found) = self.recovery.take_offer() else {
            return;
        };
        self.files.path = found.scene_path.clone();
        self.files.prefs.span_s = found.edited.view.span_s;
        self.messages.status = Some(format!(
            "restored the unsaved edits of \"{}\"",
            found.edited.title
        ));
        // A load starts the scene at its own speed and clears Undo; the
        // restore then puts the edits back.
        self.send(Command::LoadScenario(Box::new(found.file.clone())), true);
        self.send(
            Command::Restore {
                file: Box::new(found.file),
                edited: Box::new(found.edited),
            },
            false,
        );
        self.lesson.open = true;
    }

    /// A new host thread on the edited scene, after the last one stopped.
    pub(super) fn restart_host(&mut self) {
        let (file, edited) = {
            let s = self.host.snapshot();
            ((*s.file).clone(), (*s.edited).clone())
        };
        let Some(respawn) = &self.respawn else {
            self.messages.error = Some("This app cannot start a new simulation thread.".into());
            return;
        };
        match respawn(file.clone()) {
            Ok(host) => {
                self.host = host;
                self.messages.host_down = None;
                self.send(
                    Command::Restore {
                        file: Box::new(file),
                        edited: Box::new(edited),
                    },
                    false,
                );
                self.messages.status = Some("restarted from the edited scene".into());
            }
            Err(e) => {
                self.messages.error = Some(format!("Could not start the simulation again: {e}"))
            }
        }
    }

    /// Keeps the recovery file in step with the document; drops a
    /// continuation whose Save As browser was closed without a choice
    /// (one waiting for Save's question about the texts stays).
    pub(super) fn keep_recovery(&mut self, ctx: &egui::Context, snap: &Snapshot) {
        if self.after_save.is_some()
            && !self.browser.is_open()
            && self.messages.stale_texts.is_none()
        {
            self.after_save = None;
        }
        let now_s = self.started.elapsed().as_secs_f64();
        let path = self.files.path.as_deref();
        if let Some(wait) = self
            .recovery
            .track(&snap.edited, &snap.file, snap.dirty, path, now_s)
        {
            ctx.request_repaint_after(wait);
        }
        if let Some(problem) = self.recovery.problem.take() {
            self.messages.status = Some(problem);
        }
    }

    /// Starts reading a scene file (no questions asked).
    pub(super) fn open_now(&mut self, path: &Path) {
        self.files.start_open(path);
        self.messages.status = Some(format!("opening {}…", path.display()));
    }

    /// Opens a built-in scene (no questions asked).
    pub(super) fn open_builtin_now(&mut self, file: &'static str) {
        let loaded = self.files.open_builtin(file);
        if loaded.is_ok() {
            self.files.prefs.last_builtin = Some(file.to_string());
            self.files.prefs.last_scene = None;
        }
        self.load(loaded, None);
    }

    /// Asks for a file for `purpose`: in the desktop's dialog where there
    /// is one, else in the built-in browser (its choice arrives in a later
    /// frame, see [`AsyncLabApp::chosen`]).
    pub(super) fn choose(&mut self, purpose: file_dialog::Purpose) {
        use file_dialog::Purpose;
        let native = match purpose {
            Purpose::Open => self.files.pick_open(),
            Purpose::SaveAs => self.files.pick_save(false),
            Purpose::SaveRecording => self.files.pick_save(true),
            Purpose::ExportPng | Purpose::ExportCsv | Purpose::ExportGif => {
                return self.choose_export(purpose);
            }
        };
        match native {
            // A scene switch asked already, before the dialog.
            Some(AppAction::Open(p)) => {
                self.apply(AppAction::Confirmed(Box::new(AppAction::Open(p))))
            }
            Some(action) => self.apply(action),
            None => {
                let start = self.files.start_dir();
                self.browser.open(purpose, start.as_deref());
            }
        }
    }

    /// What to do with a file the built-in browser came to.
    pub(super) fn chosen(&mut self, purpose: file_dialog::Purpose, path: PathBuf) -> AppAction {
        use file_dialog::Purpose;
        match purpose {
            Purpose::Open => AppAction::Confirmed(Box::new(AppAction::Open(path))),
            Purpose::SaveAs => AppAction::SaveTo(path),
            Purpose::SaveRecording => AppAction::SaveRecordingTo(path),
            export => workshop::export_chosen(export, path),
        }
    }

    /// Runs a loaded scene from time zero and shows its lesson (with
    /// `status` on the status line), or shows why it did not load.
    pub(super) fn load(&mut self, loaded: Result<Scenario, String>, status: Option<String>) {
        match loaded {
            Ok(scene) => {
                // A scene opens with its own plot span (and, in the host,
                // its own speed), never the last scene's.
                self.files.prefs.span_s = scene.view.span_s;
                self.apply(AppAction::Host(Command::LoadScenario(Box::new(scene))));
                self.lesson.open = true;
                // A note about the last scene does not outlive it.
                self.messages.status = status;
                self.controls.forget_notes();
            }
            Err(e) => self.messages.error = Some(e),
        }
    }

    /// Applies a scene file whose background read has finished.
    pub(super) fn take_opened(&mut self, wait: std::time::Duration) {
        if let Some((path, loaded)) = self.files.finished_open(wait) {
            self.load(loaded, Some(format!("opened {}", path.display())));
        }
    }
}
