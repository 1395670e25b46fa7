//! The eframe/egui app. Panels draw and push [`AppAction`]s; one function,
//! [`AsyncLabApp::apply`], carries them out and is the only one that sends
//! [`Command`]s to the host. The simulation runs on the host thread
//! ([`crate::host`]), never on the UI thread.
//!
//! ```text
//!  top bar       menu, title •, play/pause, speed, step,     top_bar.rs
//!                restart/reset, SYNC | ASYNC, clock
//!  headline      p95 wait, backlog, errors/min, SLA, ledger  headline.rs
//!  banner        the latest scripted caption                 lesson.rs
//!  lesson strip  the scene's lesson and what to watch        lesson.rs
//!  controls │ diagram, failure counters                      controls.rs │ diagram/, counters.rs
//!  (left)   │ plots (one shared moving time axis)            plots/
//!  status line                                               messages.rs
//! ```
//!
//! Comparing (C, View -> Compare twins), the centre shows the twins side
//! by side instead (`compare/`), and the controls panel first asks which
//! twin its changes go to.
//!
//! Explaining views: the bottleneck strip under the headline
//! (`bottleneck.rs`), one request's journey as a waterfall (`waterfall/`,
//! View -> Request journey) and the load curve swept in the background
//! (`sweep_window.rs`, View -> Load curve), wired in `explain_views.rs`.
//! The workshop kit (exports, scene as text, Check my answer) is wired in
//! `workshop.rs`.
//!
//! Also: the help window (`help.rs`), the problem dialog (`messages.rs`),
//! keyboard shortcuts (`keys.rs`), scene files, dialogs and preferences
//! (`files.rs`), failure labels on the diagram (`flashes.rs`), the plot
//! history (`history.rs`) and colours (`palette.rs`). The story, edited in
//! the app: the Timeline panel on the right (`timeline/`: the panel and its form; placed and
//! wired in `authoring.rs`) and undo/redo (`undo.rs`). Save asks before
//! keeping texts written for other settings (`stale_texts.rs`).
//!
//! The app's own code is split by what it does: the frame's layout and
//! the centre (`layout.rs`), carrying out actions (`apply.rs`), the
//! document's life: open, save, quit, recovery, a new host
//! (`document.rs`), and the window's bookkeeping: animation clock, scale
//! in effect, theme, full screen (`window.rs`).
//!
//! To add something the user can do: draw its widget in its panel and push
//! an [`AppAction`] when it is used; if no variant fits, add one in
//! `action.rs` and its arm in [`AsyncLabApp::apply`] (`apply.rs`). Panels keep their own
//! state (open, shown, values being typed) and never call the host.

mod action;
mod apply;
mod authoring;
pub mod bottleneck;
pub mod commands;
pub mod compare;
pub mod controls;
mod counters;
pub mod diagram;
mod document;
mod explain_views;
mod file_dialog;
mod files;
pub mod fit;
mod flashes;
mod headline;
mod help;
pub mod history;
mod inspect;
mod keys;
mod layout;
mod lesson;
mod messages;
pub mod palette;
pub mod plots;
pub mod recovery;
mod room;
mod stale_texts;
mod stitch;
pub mod sweep_window;
mod timeline;
mod top_bar;
mod undo;
pub mod waterfall;
mod window;
// Workshop kit: exports, scene as text, "Check my answer".
mod check;
mod exports;
mod gif_recorder;
pub mod workshop;

pub use action::AppAction;
pub use files::{DEFAULT_SCENE, Prefs, default_scene, reopen, startup_scene};
pub use help::help_text;
pub use inspect::HostView;
pub use keys::toggle_all;
pub use room::Startup;

use crate::host::{Clock, Command, Host, Snapshot, WallClock};
use crate::scenario::Scenario;
use controls::Controls;
use files::Files;
use flashes::Flashes;
use help::Help;
use history::History;
use lesson::{CaptionBanner, LessonStrip};
use messages::Messages;
use std::path::{Path, PathBuf};

/// The app's state: each panel owns its own; the simulation lives in the
/// host.
pub struct AsyncLabApp {
    host: Host,
    /// Plot history of the current run.
    history: History,
    /// The run the history belongs to (a new one clears it).
    run_id: u64,
    /// The scene's file, recent files, preferences, file dialogs.
    files: Files,
    /// Status line and problem dialog.
    messages: Messages,
    lesson: LessonStrip,
    caption: CaptionBanner,
    help: Help,
    controls: Controls,
    flashes: Flashes,
    /// The animation clock, frames drawn, and the scale, theme and full
    /// screen pushed to the window.
    window: window::WindowState,
    /// The in-app file browser (no desktop dialog here).
    browser: file_dialog::InAppDialog,
    /// The twins side by side (View → Compare, C).
    compare: compare::CompareView,
    /// Which twin the controls panel changes while comparing.
    target: crate::host::Target,
    /// The Timeline panel (the story: events, jump to a time, texts).
    timeline: timeline::TimelinePanel,
    /// Undo and redo of live changes and story edits.
    undo: undo::UndoHistory,
    /// The bottleneck strip, the request journey and the load curve.
    explain: explain_views::ExplainViews,
    /// What folds in presentation mode so the key plots fit (`fit.rs`).
    fit: fit::Fit,
    /// Exports, scene sharing and the goal check (`workshop.rs`).
    workshop: workshop::Workshop,
    /// The recovery file (the edited scene on disk, a few seconds behind).
    recovery: recovery::Recovery,
    /// Starts a new host thread on a scene (after the host stopped).
    respawn: Option<Respawn>,
    /// What to carry out once the scene is saved ("Save, then quit").
    after_save: Option<AppAction>,
    /// The user chose to quit: the window may close.
    quitting: bool,
    /// Wall clock of the recovery file's pace.
    started: std::time::Instant,
}

/// Starts a host thread on a scene.
pub type Respawn = Box<dyn Fn(Scenario) -> anyhow::Result<Host>>;

impl AsyncLabApp {
    fn with_host(host: Host, prefs: Prefs, path: Option<PathBuf>, native_dialogs: bool) -> Self {
        let show_controls = !prefs.presentation;
        AsyncLabApp {
            host,
            history: History::default(),
            run_id: 0,
            files: Files::new(prefs, path, native_dialogs),
            messages: Messages::default(),
            lesson: LessonStrip { open: true },
            caption: CaptionBanner::default(),
            help: Help::default(),
            controls: Controls::new(show_controls),
            flashes: Flashes::default(),
            window: window::WindowState::default(),
            browser: file_dialog::InAppDialog::default(),
            compare: compare::CompareView::default(),
            target: crate::host::Target::All,
            timeline: timeline::TimelinePanel::default(),
            undo: undo::UndoHistory::default(),
            explain: explain_views::ExplainViews::default(),
            fit: fit::Fit::default(),
            workshop: workshop::Workshop::default(),
            recovery: recovery::Recovery::off(),
            respawn: None,
            after_save: None,
            quitting: false,
            started: std::time::Instant::now(),
        }
    }

    /// The app for eframe: a host thread on `start`'s file (or the default
    /// scene), presenting at once if it says so.
    pub fn new(cc: &eframe::CreationContext<'_>, start: &Startup) -> anyhow::Result<Self> {
        let prefs = Prefs::load(cc.storage);
        let file = start.file.clone();
        // Without a file, the last scene opened reopens; if it is gone, the
        // default scene opens and says so.
        let file = file.or_else(|| files::reopen(&prefs));
        let (scenario, path, error) = files::startup_scene(file.as_deref());
        let span_s = scenario.view.span_s;
        let ctx = cc.egui_ctx.clone();
        let respawn: Respawn = Box::new(move |scene| {
            let ctx = ctx.clone();
            Host::spawn(
                scene,
                Box::new(WallClock::new()),
                Box::new(move || ctx.request_repaint()),
            )
        });
        let host = respawn(scenario)?;
        let mut app = AsyncLabApp::with_host(host, prefs, path.clone(), true);
        app.respawn = Some(respawn);
        app.recovery = recovery::Recovery::default_dir()
            .map_or_else(recovery::Recovery::off, |d| recovery::Recovery::in_dir(&d));
        app.files.prefs.span_s = span_s;
        app.messages.error = error;
        if let Some(p) = path {
            app.files.remember(&p);
        }
        Ok(app.started(start))
    }

    /// An app without a window or thread: the host is pumped once per frame
    /// with `clock`, so tests are deterministic.
    pub fn new_for_test(scenario: Scenario, clock: Box<dyn Clock>) -> Self {
        let prefs = Prefs {
            span_s: scenario.view.span_s,
            ..Prefs::default()
        };
        AsyncLabApp::with_host(Host::manual(scenario, clock), prefs, None, false)
    }

    /// An app on a host of the caller's making (a threaded one in tests of
    /// a host that stops), with `respawn` to start another.
    pub fn new_with_host(host: Host, scenario_span_s: f64, respawn: Respawn) -> Self {
        let prefs = Prefs {
            span_s: scenario_span_s,
            ..Prefs::default()
        };
        let mut app = AsyncLabApp::with_host(host, prefs, None, false);
        app.respawn = Some(respawn);
        app
    }

    /// Keeps a recovery file in `dir` (the installed app uses
    /// [`recovery::Recovery::default_dir`]), and offers what other apps
    /// left there.
    pub fn with_recovery(mut self, dir: &Path) -> Self {
        self.recovery = recovery::Recovery::in_dir(dir);
        self
    }

    /// True once the user chose to quit (the window may close).
    pub fn quitting(&self) -> bool {
        self.quitting
    }

    /// Opens a scene file and waits (at most 10 s) for it to be read, for
    /// tests and scripts; the app itself reads files in the background. A
    /// file that does not load leaves the running scene running and opens an
    /// error dialog with the reason.
    pub fn open_path(&mut self, path: &Path) {
        self.apply(AppAction::Open(path.to_path_buf()));
        self.take_opened(std::time::Duration::from_secs(10));
    }

    /// Saves the scene as the user edited it (live tweaks included, file
    /// timeline kept) to `path`, atomically.
    pub fn save_to(&mut self, path: &Path) {
        self.apply(AppAction::SaveTo(path.to_path_buf()));
    }

    /// Writes this run's start settings with every live change appended to
    /// the timeline: opening it replays the run.
    pub fn save_recording_to(&mut self, path: &Path) {
        self.apply(AppAction::SaveRecordingTo(path.to_path_buf()));
    }

    // ----- frame ----------------------------------------------------------

    /// Draws one frame (eframe, tests and benchmarks all call this).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.window.frames += 1;
        self.take_opened(std::time::Duration::ZERO);
        if self.files.is_loading() {
            // Look again soon: the read's end is not an input event.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(30));
        }
        self.host.pump();
        if let Some(why) = self.host.stopped() {
            self.messages.host_down = Some(why.to_string());
        }
        let snap = self.host.take_snapshot();
        self.absorb(&snap, ui.input(|i| i.time));
        self.keep_recovery(ui.ctx(), &snap);
        if let Some(note) = self.window.apply(ui.ctx(), &self.files.prefs) {
            self.messages.status = Some(note);
        }
        room::set_plain_words(ui.ctx(), self.files.prefs.plain_words());
        // Keys and dropped files act before anything is drawn, as if they
        // came between frames; what panels ask for acts after them.
        let mut actions = Vec::new();
        self.intercept_close(ui.ctx(), snap.dirty);
        let view = (self.files.prefs.ui_scale, self.files.prefs.presentation);
        keys::shortcuts(ui.ctx(), &snap, view, &mut actions);
        files::dropped(ui, &mut actions);
        self.workshop.before_panels(ui.ctx(), &snap, &mut actions);
        self.apply_all(ui.ctx(), &mut actions);
        self.panels(ui, &snap, &mut actions);
        self.apply_all(ui.ctx(), &mut actions);
    }

    // ----- per frame ------------------------------------------------------

    /// Advances the animation clock; takes new windows into the history
    /// (a new run starts it over) and spawns failure labels.
    fn absorb(&mut self, snap: &Snapshot, time_s: f64) {
        self.window.tick(time_s, snap.playing);
        if snap.run_id != self.run_id {
            self.run_id = snap.run_id;
            self.history = History::default();
            self.flashes.clear();
        }
        self.ingest(&snap.first().new_windows, snap.first().live.window_s);
        self.compare.absorb(snap);
        self.explain.strip.absorb(snap);
        self.flashes
            .absorb(&snap.first().new_windows, self.window.anim_s);
    }
}

/// Text with the arrows the sim writes replaced by ones the bundled font
/// can draw.
pub fn plain(text: &str) -> String {
    const MAP: [(char, &str); 8] = [
        ('→', "->"),
        ('←', "<-"),
        ('↔', "<->"),
        ('≥', ">="),
        ('≤', "<="),
        ('≈', "~"),
        ('÷', "/"),
        ('✓', "ok"),
    ];
    let mut out = text.to_string();
    for (c, with) in MAP {
        if out.contains(c) {
            out = out.replace(c, with);
        }
    }
    out
}

impl eframe::App for AsyncLabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Also when minimised (no ui pass then): a close is still asked about.
        let dirty = self.host.snapshot().dirty;
        self.intercept_close(ctx, dirty);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.files.prefs.store(storage);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Edits nobody chose to drop stay in the recovery file.
        let keep = self.host.snapshot().dirty && !self.quitting;
        self.recovery.exit(keep);
    }
}

/// Opens the app on `start`'s file or on the built-in default scene,
/// presenting at once with `--present`.
pub fn launch(start: Startup) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("AsyncLab")
            .with_inner_size([1600.0, 1000.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "AsyncLab",
        options,
        Box::new(move |cc| Ok(Box::new(AsyncLabApp::new(cc, &start)?))),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

#[cfg(test)]
mod tests {
    /// The rule this module is built on: panels push actions and only
    /// [`super::AsyncLabApp::apply`] sends commands to the host. A second
    /// `.send(` in the app's code (tests aside) breaks it.
    #[test]
    fn only_apply_sends_to_the_host() {
        fn sends(dir: &std::path::Path, found: &mut Vec<String>) {
            let entries = std::fs::read_dir(dir).expect("src/app is readable");
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sends(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("readable source");
                    // Tests below `#[cfg(test)]` may drive a host themselves.
                    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                    for (n, line) in code.lines().enumerate() {
                        if line.contains("host.send(") && !line.trim_start().starts_with("//") {
                            found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        sends(&dir, &mut found);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("self.host.send(command)"), "{found:#?}");
    }
}
