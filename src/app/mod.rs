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
//! (`bottleneck.rs`), one request's journey as a waterfall (`waterfall.rs`,
//! View -> Request journey) and the load curve swept in the background
//! (`sweep_window.rs`, View -> Load curve), wired in `explain_views.rs`.
//! The workshop kit (exports, scene as text, Check my answer) is wired in
//! `workshop.rs`.
//!
//! Also: the help window (`help.rs`), the problem dialog (`messages.rs`),
//! keyboard shortcuts (`keys.rs`), scene files, dialogs and preferences
//! (`files.rs`), failure labels on the diagram (`flashes.rs`), the plot
//! history (`history.rs`) and colours (`palette.rs`). The story, edited in
//! the app: the Timeline panel on the right (`timeline.rs`, placed and
//! wired in `authoring.rs`) and undo/redo (`undo.rs`). Save asks before
//! keeping texts written for other settings (`stale_texts.rs`).
//!
//! To add something the user can do: draw its widget in its panel and push
//! an [`AppAction`] when it is used; if no variant fits, add one in
//! `action.rs` and its arm in [`AsyncLabApp::apply`]. Panels keep their own
//! state (open, shown, values being typed) and never call the host.

mod action;
mod authoring;
pub mod bottleneck;
pub mod commands;
pub mod compare;
pub mod controls;
mod counters;
pub mod diagram;
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
    /// Animation clock, s: advances with wall time while playing.
    anim_s: f64,
    /// Wall time of the previous frame, s.
    last_time: Option<f64>,
    /// The in-app file browser (no desktop dialog here).
    browser: file_dialog::InAppDialog,
    /// Full screen wanted (F11, View menu).
    fullscreen: bool,
    /// Full screen last sent to the window.
    applied_fullscreen: bool,
    /// Settings last pushed to the context (the scale in effect,
    /// presentation, dark).
    applied_view: Option<(f32, bool, bool)>,
    /// Presenting in a window too small for the chosen scale: the scale
    /// used instead (`fit::presenting_zoom`), shown in the top bar.
    fitted_zoom: Option<f32>,
    /// Frames drawn (tests and benchmarks).
    frames: u64,
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
            anim_s: 0.0,
            last_time: None,
            applied_view: None,
            fitted_zoom: None,
            browser: file_dialog::InAppDialog::default(),
            fullscreen: false,
            applied_fullscreen: false,
            frames: 0,
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

    /// Applies a scene file whose background read has finished.
    fn take_opened(&mut self, wait: std::time::Duration) {
        if let Some((path, loaded)) = self.files.finished_open(wait) {
            self.load(loaded, Some(format!("opened {}", path.display())));
        }
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
        self.frames += 1;
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
        self.apply_view(ui.ctx());
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

    /// The frame's layout: which panel goes where. Panels push what the
    /// user asks for into `actions`.
    fn panels(&mut self, ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        // Comparing too: the host marks a caption with the twins it holds
        // for ("ASYNC: the server answers... (in async)").
        let caption = self.caption.current(snap, ui.input(|i| i.time));
        // A scene's pause cue speaks for every twin: it holds the one clock.
        let cue_note = snap.cue_note.as_ref().map(|c| {
            format!(
                "Paused at {}: {c} ({} plays on)",
                crate::fmt::clock(snap.now_s),
                commands::UiCommand::PlayPause.shortcut(ui.ctx().os())
            )
        });
        let caption = cue_note.as_deref().or(caption);
        egui::Panel::top("top").show(ui, |ui| {
            let view = top_bar::ViewState {
                controls_shown: self.controls.shown,
                compare_layout: self.compare.layout,
                fitted_zoom: self.fitted_zoom,
            };
            let story = self.story();
            top_bar::ui(ui, snap, &self.files.prefs, view, &story, actions);
            // The scene's end shares the caption's line: nothing moves.
            self.caption.ui(ui, caption, |ui| {
                if snap.ended {
                    lesson::ended_banner(ui, snap, actions);
                }
            });
        });
        // In presentation mode the lesson line is the first part to fold
        // (fit.rs): its panel's height, points, counts in what the parts
        // above the plots and the plots share.
        let mut lesson_h = 0.0;
        if self.lesson.wanted(&snap.edited) {
            let prefs = &self.files.prefs;
            let plain = prefs.plain_words();
            if prefs.presentation {
                // The room reads the lesson in one sentence; folded, on
                // one line.
                let one_line = self.fit.folds(fit::Part::Lesson);
                let shown = egui::Panel::top("intro").show(ui, |ui| {
                    room::lesson_line(ui, &snap.edited, plain, one_line);
                });
                lesson_h = shown.response.rect.height();
            } else {
                egui::Panel::top("intro").show(ui, |ui| self.lesson.ui(ui, &snap.edited, actions));
            }
        }
        if self.files.prefs.presentation {
            self.fit.measure(fit::Part::Lesson, lesson_h);
        }
        if self.controls.shown {
            // At a large scale in a small window the panel starts narrow
            // enough to leave the plots most of the width; it can be
            // widened, and scrolls both ways rather than clip a field.
            let width = ui.ctx().content_rect().width();
            // A small window (a large scale) keeps the plots most of its
            // width: the panel starts at most 30% of it there; wider, half
            // at most, enough for the fields beside their names.
            let share = if width < SMALL_WINDOW_W { 0.3 } else { 0.5 };
            // A width is kept per zoom: one dragged (or grown) at 100%
            // would take most of the window at 250%, so a new zoom starts
            // the panel at its default for the window. The zoom in effect
            // (a new one applies from the next frame, and `width` with it).
            let zoom_pct = (ui.ctx().zoom_factor() * 100.0).round() as u32;
            egui::Panel::left(("controls", zoom_pct))
                .resizable(true)
                .default_size(320.0_f32.min(width * share))
                .min_size(120.0_f32.min(width * 0.3))
                .max_size(width * 0.75)
                .show(ui, |ui| self.controls_panel(ui, snap, actions));
        }
        self.timeline_panel(ui, snap, actions);
        let mut clicked = None;
        egui::CentralPanel::default().show(ui, |ui| {
            // Scrolls only when the window is too small (large UI scale)
            // to show readable plots. What fits is measured against the
            // visible height, never the scrolled content's (and the lesson
            // line above it, which folds first).
            let visible_h = ui.available_height() + lesson_h;
            let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
            // An image of the whole plot area scrolls it a screenful at a time.
            if let Some(y) = self.workshop.scroll_to() {
                area = area.vertical_scroll_offset(y);
            }
            let out = area.show(ui, |ui| {
                clicked = self.central(ui, snap, visible_h, actions)
            });
            self.workshop
                .scrolled(out.inner_rect, out.state.clamped_offset().y);
        });
        if let Some(m) = clicked {
            actions.push(AppAction::SelectEvent(m.t_s, m.change));
        }
        if let Some((purpose, path)) = self.browser.ui(ui.ctx()) {
            actions.push(self.chosen(purpose, path));
        }
        // The status note floats over the bottom left corner.
        self.messages
            .status_ui(ui.ctx(), snap.last_error.as_deref());
        self.messages.error_ui(ui.ctx());
        self.messages
            .confirm_ui(ui.ctx(), &snap.edited.title, actions);
        self.messages
            .host_down_ui(ui.ctx(), &snap.edited.title, actions);
        self.messages.stale_texts_ui(ui.ctx(), actions);
        if let Some(found) = self.recovery.found.first()
            && self.messages.confirm.is_none()
        {
            messages::Messages::found_ui(ui.ctx(), found, actions);
        }
        self.help.ui(ui.ctx());
        self.explain.journey.ui(ui.ctx(), snap);
        self.explain
            .sweep
            .ui(ui.ctx(), snap, &self.history, actions);
        self.workshop.windows(ui.ctx(), snap, actions);
    }

    /// Headline and ledgers, diagram, failure counters and plots; in
    /// presentation mode the diagram and the scene's key plots only. Every
    /// part keeps a readable minimum height: at a large UI scale the area
    /// scrolls instead of squeezing a plot away.
    /// Returns the plot marker clicked, if any.
    fn central(
        &mut self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        visible_h: f32,
        actions: &mut Vec<AppAction>,
    ) -> Option<crate::sim::Marker> {
        let presentation = self.files.prefs.presentation;
        // Presentation mode fits the window: what stands above the plots
        // folds (fit.rs) so two key plots are whole on screen.
        let budget = visible_h;
        if snap.compare {
            let cx = compare::CompareContext {
                anim_s: self.anim_s,
                presentation,
                span_s: self.files.prefs.span_s,
                fit: &self.fit,
            };
            self.explain.dots = self.compare.ui(ui, snap, &cx, actions);
            let columns = fit::columns(ui.available_width());
            self.finish_fit(ui, budget, columns);
            return None;
        }
        let fit = presentation.then_some(&self.fit);
        let folds = |part| fit.is_some_and(|f| f.folds(part));
        let top = ui.cursor().top();
        let run = headline::RunView::of(snap.first());
        headline::ui(
            ui,
            run,
            &self.history,
            presentation,
            folds(fit::Part::Headline),
        );
        ui.separator();
        let top = measure(ui, fit, fit::Part::Headline, top);
        self.explain
            .strip
            .ui(ui, presentation, folds(fit::Part::Strip));
        ui.separator();
        let top = measure(ui, fit, fit::Part::Strip, top);
        let columns = if presentation {
            fit::columns(ui.available_width())
        } else {
            plots::columns(ui.available_width())
        };
        let clients: Vec<String> = snap.first().live.client_names();
        if folds(fit::Part::Diagram) {
            self.fit.diagram_key(ui);
        }
        let mut diagram_extra = 0.0;
        if fit.is_none_or(|f| f.shows_diagram()) {
            let avail = ui.available_height();
            let share = if presentation { 0.22 } else { 0.24 };
            let mut diagram_h = (avail * share).max(MIN_DIAGRAM_H);
            if presentation {
                // Two whole plots first; the diagram takes its share of
                // the rest.
                let rest = avail - fit::Fit::plots_need(columns);
                diagram_h = (avail * share).min(rest).max(fit::MIN_DIAGRAM_H);
                diagram_extra = diagram_h - fit::MIN_DIAGRAM_H;
            }
            diagram::show(
                ui,
                &diagram::DiagramInput {
                    gauges: &snap.first().gauges,
                    last: self.history.last.as_ref(),
                    busy: self.explain.strip.busy(),
                    clients: clients.clone(),
                    window_s: snap.first().live.window_s,
                    anim_s: self.anim_s,
                    flashes: self.flashes.all(),
                    height: diagram_h,
                },
            );
        }
        if let Some(f) = fit {
            // Shown, the diagram needs its least height, not the share it
            // took from a large window.
            let drawn = ui.cursor().top() - top;
            let least = drawn - diagram_extra;
            f.measure(
                fit::Part::Diagram,
                if f.folds(fit::Part::Diagram) {
                    drawn
                } else {
                    least
                },
            );
        }
        if !presentation {
            counters::ui(ui, snap);
        }
        let kinds = self.plot_kinds(snap);
        let span = self.files.prefs.span_s;
        let x1 = snap.now_s.max(span);
        let per_plot = if presentation {
            fit::plot_height(ui.available_height(), columns, kinds.len())
        } else {
            fit::PlotHeight {
                height: plots::height_to_fit(
                    ui.available_height(),
                    ui.available_width(),
                    kinds.len(),
                )
                .max(MIN_PLOT_H),
                least_frame: plots::MIN_FRAME_H,
            }
        };
        let mut shown = plots::show_in(
            ui,
            columns,
            &self.history,
            &plots::PlotContext {
                markers: &snap.first().markers,
                settings: &snap.first().live,
                clients,
                endpoints: snap.first().live.endpoint_names(),
                sla_wait_s: snap.first().live.sla.wait_target_s,
                x_range: (x1 - span, x1),
                height: per_plot.height,
                min_frame_h: per_plot.least_frame,
                traces: &snap.first().traces,
                cues: &snap.edited.view.cues,
            },
            &kinds,
        );
        self.workshop.plots_shown(&shown, actions);
        if let Some(seq) = shown.iter().find_map(|s| s.trace) {
            actions.push(AppAction::ShowJourneyOf(seq));
        }
        self.explain.dots = shown
            .iter_mut()
            .flat_map(|s| std::mem::take(&mut s.dots))
            .collect();
        self.finish_fit(ui, budget, columns);
        shown.iter().find_map(|s| s.marker.clone())
    }

    /// Chooses the next frame's fold from this frame's measures (in
    /// presentation mode; out of it, nothing folds): `budget` is the
    /// height the parts and the plots shared, points.
    fn finish_fit(&mut self, ui: &egui::Ui, budget: f32, columns: usize) {
        if !self.files.prefs.presentation {
            self.fit.reset();
            return;
        }
        if self.fit.finish(budget, fit::Fit::plots_need(columns)) {
            ui.ctx().request_repaint();
        }
    }

    /// Every plot, the scene's key plots first; in presentation mode the
    /// scene's key plots only (or four that carry most lessons, for a
    /// scene that names none).
    fn plot_kinds(&self, snap: &Snapshot) -> Vec<plots::PlotName> {
        use plots::PlotName;
        if !self.files.prefs.presentation {
            // The cost plot joins the others when the scene is about money:
            // it names it as a key plot, or charges for processing.
            // The scene's key plots come first, so they are on screen
            // without scrolling; the rest follow in their usual order.
            let view = &snap.edited.view;
            let money = view.key_plots.contains(&crate::scenario::PlotName::Cost)
                || snap
                    .first()
                    .live
                    .cost
                    .revenue_per_action
                    .iter()
                    .any(|r| *r > 0.0);
            let mut kinds: Vec<PlotName> = view.key_plots.clone();
            let rest: Vec<PlotName> = crate::chart::ALL
                .into_iter()
                .filter(|k| (*k != PlotName::Cost || money) && !kinds.contains(k))
                .collect();
            kinds.extend(rest);
            return kinds;
        }
        let named: Vec<PlotName> = snap.edited.view.key_plots.clone();
        if named.is_empty() {
            vec![
                PlotName::Wait,
                PlotName::Backlog,
                PlotName::Throughput,
                PlotName::Utilisation,
            ]
        } else {
            named
        }
    }

    // ----- actions --------------------------------------------------------

    /// Applies `actions` in order and empties the list; asks for another
    /// frame when there were any, so their effect shows at once.
    fn apply_all(&mut self, ctx: &egui::Context, actions: &mut Vec<AppAction>) {
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
            AppAction::ToggleFullscreen => self.fullscreen = !self.fullscreen,
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

    /// Writes `scene` to `path` (atomically) and marks it saved; then
    /// carries out what waited for the save. A failed save carries out
    /// nothing.
    fn save_scene(&mut self, scene: &Scenario, path: &Path) {
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

    /// Sends `command` to the host (the only place that does); a user's
    /// own command (`remember`, not an undo or redo) is noted in the undo
    /// history first, against the state it changes.
    fn send(&mut self, command: Command, remember: bool) {
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

    /// The user chose to quit (after saving or discarding any edits): the
    /// recovery file goes, and the window closes on the next frame.
    fn quit_now(&mut self) {
        self.quitting = true;
        self.recovery.exit(false);
        if let Some(ctx) = &self.workshop.ctx {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// A close of the window (its button, the desktop's Quit) with unsaved
    /// edits is held back and asked about, like Ctrl+Q.
    fn intercept_close(&mut self, ctx: &egui::Context, dirty: bool) {
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
    fn restore_found(&mut self) {
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
    fn restart_host(&mut self) {
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
    fn keep_recovery(&mut self, ctx: &egui::Context, snap: &Snapshot) {
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
    fn open_now(&mut self, path: &Path) {
        self.files.start_open(path);
        self.messages.status = Some(format!("opening {}…", path.display()));
    }

    /// Opens a built-in scene (no questions asked).
    fn open_builtin_now(&mut self, file: &'static str) {
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
    fn choose(&mut self, purpose: file_dialog::Purpose) {
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
    fn chosen(&mut self, purpose: file_dialog::Purpose, path: PathBuf) -> AppAction {
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
    fn load(&mut self, loaded: Result<Scenario, String>, status: Option<String>) {
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

    // ----- per frame ------------------------------------------------------

    /// Advances the animation clock; takes new windows into the history
    /// (a new run starts it over) and spawns failure labels.
    fn absorb(&mut self, snap: &Snapshot, time_s: f64) {
        let dt = self
            .last_time
            .map_or(0.0, |t| (time_s - t).clamp(0.0, 0.25));
        self.last_time = Some(time_s);
        if snap.playing {
            self.anim_s += dt;
        }
        if snap.run_id != self.run_id {
            self.run_id = snap.run_id;
            self.history = History::default();
            self.flashes.clear();
        }
        self.ingest(&snap.first().new_windows, snap.first().live.window_s);
        self.compare.absorb(snap);
        self.explain.strip.absorb(snap);
        self.flashes.absorb(&snap.first().new_windows, self.anim_s);
    }

    /// Pushes the UI scale, presentation mode and theme to egui when they
    /// changed.
    fn apply_view(&mut self, ctx: &egui::Context) {
        if self.fullscreen != self.applied_fullscreen {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.fullscreen));
            self.applied_fullscreen = self.fullscreen;
        }
        let prefs = &self.files.prefs;
        let chosen = prefs.ui_scale.clamp(1.0, 2.5);
        // Presenting, a window too small for the chosen scale is shown at
        // the largest that holds the presentation's layout (fit.rs). The
        // window at 100%, points: its size now times the zoom in effect.
        let zoom = if prefs.presentation {
            let window = ctx.content_rect().size() * ctx.zoom_factor();
            fit::presenting_zoom(chosen, window)
        } else {
            chosen
        };
        let fitted = (zoom < chosen).then_some(zoom);
        if fitted != self.fitted_zoom
            && let Some(zoom) = fitted
        {
            // Said where it does not take a row from the plots: a note
            // that floats and goes, and the View menu beside the scale.
            self.messages.status = Some(format!(
                "Presenting at {:.0}% to fit this window ({:.0}% chosen): the figures and \
                 two whole plots need {:.0}×{:.0} points",
                zoom * 100.0,
                chosen * 100.0,
                fit::LEAST_WINDOW.x,
                fit::LEAST_WINDOW.y
            ));
        }
        self.fitted_zoom = fitted;
        let want = (zoom, prefs.presentation, prefs.dark);
        if self.applied_view != Some(want) {
            // One zoom: the View menu's scale and Ctrl+ / Ctrl− are the
            // same setting, so egui's own keyboard zoom is off.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
            ctx.set_zoom_factor(zoom);
            ctx.set_theme(if prefs.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.applied_view = Some(want);
        }
    }
}

/// Notes the height from `top` to the cursor as `part`'s (when fitting);
/// returns the cursor's top.
fn measure(ui: &egui::Ui, fit: Option<&fit::Fit>, part: fit::Part, top: f32) -> f32 {
    let now = ui.cursor().top();
    if let Some(f) = fit {
        f.measure(part, now - top);
    }
    now
}

/// Below this window width, points, the controls panel starts at most
/// 30% of it wide (else half).
const SMALL_WINDOW_W: f32 = 600.0;

/// Smallest height of the diagram, points.
const MIN_DIAGRAM_H: f32 = 150.0;

/// Smallest height of a plot, points: below this a plot is not readable,
/// so the central area scrolls instead.
const MIN_PLOT_H: f32 = 150.0;

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
