//! The eframe/egui app. It draws and sends [`Command`]s; the simulation
//! runs on the host thread ([`crate::host`]), never on the UI thread.
//!
//! ```text
//!  top bar      title •, play/pause, speed, step, restart/reset, SYNC | ASYNC
//!  headline     p95 wait, backlog, errors/min, SLA share, ledger
//!  banner       the latest scripted caption
//!  controls │ diagram
//!  (left)   │ plots (one shared moving time axis)
//! ```

pub mod controls;
pub mod diagram;
pub mod history;
pub mod palette;
pub mod plots;

use crate::host::{Clock, Command, Host, Snapshot, Speed, StepKind, WallClock};
use crate::scenario::{BUILTIN_SCENES, Change, Mode, Scenario, Settings};
use diagram::{Flash, Spot};
use egui::{Key, Modifiers, RichText};
use history::History;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Key of the remembered preferences in eframe storage.
const PREFS_KEY: &str = "asynclab-prefs";
/// Most entries in File ▸ Open recent.
const MAX_RECENT: usize = 8;
/// Plot spans the View menu offers, s of sim time.
const SPANS_S: [f64; 5] = [60.0, 300.0, 900.0, 3600.0, 86_400.0];

/// What the app remembers between sessions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// The scene file last opened or saved.
    pub last_scene: Option<PathBuf>,
    /// Recently used scene files, newest first.
    pub recent: Vec<PathBuf>,
    /// Dark theme (else light).
    pub dark: bool,
    /// UI scale, 1.0–2.5.
    pub ui_scale: f32,
    /// Presentation mode: larger text, controls collapsed.
    pub presentation: bool,
    /// Plot span, s.
    pub span_s: f64,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            last_scene: None,
            recent: Vec::new(),
            dark: true,
            ui_scale: 1.0,
            presentation: false,
            span_s: 300.0,
        }
    }
}

/// A failure label takes in new counts for this long before the next one
/// starts, s of animation time.
const FLASH_JOIN_S: f64 = 0.8;

/// The built-in scene the app opens on.
pub const DEFAULT_SCENE: &str = "02-slow-database.ron";

/// The scene the app opens on: [`DEFAULT_SCENE`], whose sync wait starts
/// climbing within the first minute, or a sensible stand-in if it is
/// missing.
pub fn default_scene() -> Scenario {
    if let Some(Ok(s)) = crate::scenario::builtin(DEFAULT_SCENE) {
        return s;
    }
    let mut s = Scenario {
        title: "Sandbox".into(),
        lesson: "A save goes browser -> server -> database. Switch between SYNC and \
                 ASYNC and raise the traffic to see where users start to wait."
            .into(),
        watch: "Raise the client's rate past what the database can write (about \
                connections ÷ write time) and watch the wait plot in sync mode; \
                then press A."
            .into(),
        duration_s: 600.0,
        ..Scenario::default()
    };
    s.settings.clients[0].name = "acme".into();
    s
}

/// The app's state. The simulation lives in the host.
pub struct AsyncLabApp {
    host: Host,
    history: History,
    run_id: u64,
    /// The file the scene came from (None: built in).
    path: Option<PathBuf>,
    prefs: Prefs,
    /// Error dialog text.
    error: Option<String>,
    /// One-line status (saved, no file chosen, ...).
    status: Option<String>,
    show_intro: bool,
    show_help: bool,
    show_controls: bool,
    pending: controls::Pending,
    flashes: Vec<Flash>,
    /// Animation clock: advances with wall time while playing.
    anim_s: f64,
    last_time: Option<f64>,
    /// Settings last pushed to the context (scale, presentation, dark).
    applied_view: Option<(f32, bool, bool)>,
    /// Native file dialogs (off in tests, which have no desktop).
    native_dialogs: bool,
    /// Frames drawn (tests and benchmarks).
    frames: u64,
    /// The caption on the banner and the wall time it first showed.
    caption_seen: Option<((u64, String), f64)>,
}

impl AsyncLabApp {
    fn with_host(host: Host, prefs: Prefs, path: Option<PathBuf>, native_dialogs: bool) -> Self {
        let show_controls = !prefs.presentation;
        AsyncLabApp {
            host,
            history: History::default(),
            run_id: 0,
            path,
            prefs,
            error: None,
            status: None,
            show_intro: true,
            show_help: false,
            show_controls,
            pending: Default::default(),
            flashes: Vec::new(),
            anim_s: 0.0,
            last_time: None,
            applied_view: None,
            native_dialogs,
            frames: 0,
            caption_seen: None,
        }
    }

    /// The app for eframe: a host thread on `file` (or the default scene).
    pub fn new(cc: &eframe::CreationContext<'_>, file: Option<PathBuf>) -> anyhow::Result<Self> {
        let prefs: Prefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, PREFS_KEY))
            .unwrap_or_default();
        let (scenario, path, error) = match file {
            Some(p) => match Scenario::load(&p) {
                Ok(s) => (s, Some(p), None),
                Err(e) => (
                    default_scene(),
                    None,
                    Some(format!("Could not open the scene.\n\n{e}")),
                ),
            },
            None => (default_scene(), None, None),
        };
        let ctx = cc.egui_ctx.clone();
        let host = Host::spawn(
            scenario,
            Box::new(WallClock::new()),
            Box::new(move || ctx.request_repaint()),
        )?;
        let mut app = AsyncLabApp::with_host(host, prefs, path.clone(), true);
        app.error = error;
        if let Some(p) = path {
            app.remember(&p);
        }
        Ok(app)
    }

    /// An app without a window or thread: the host is pumped once per frame
    /// with `clock`, so tests are deterministic.
    pub fn new_for_test(scenario: Scenario, clock: Box<dyn Clock>) -> Self {
        AsyncLabApp::with_host(Host::manual(scenario, clock), Prefs::default(), None, false)
    }

    /// The host (tests send commands and read the live scenario).
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The host, mutable (benchmarks pump a manual host themselves).
    pub fn host_mut(&mut self) -> &mut Host {
        &mut self.host
    }

    /// The plot history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Text of the error dialog, if one is open.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The scene file the app is on.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Preferences (theme, scale, presentation).
    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    /// Sets the plots' time span, s of sim time.
    pub fn set_span_s(&mut self, span_s: f64) {
        self.prefs.span_s = span_s.max(1.0);
    }

    /// Frames drawn so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Adds closed windows to the history (benchmarks fill an hour at once).
    pub fn ingest(&mut self, windows: &[crate::sim::Window], window_s: f64) {
        for w in windows {
            self.history.push(w, window_s);
        }
    }

    /// Shows `n` failures of `label` at `spot`. At high speed windows close
    /// many times a second; counts then join the spot's newest label while
    /// it is young, so labels rise one at a time instead of smearing.
    fn flash(&mut self, spot: Spot, label: &str, n: u64) {
        if n == 0 {
            return;
        }
        let now = self.anim_s;
        if let Some(f) = self
            .flashes
            .iter_mut()
            .rev()
            .find(|f| f.spot == spot && now - f.born_s < FLASH_JOIN_S)
        {
            f.count += n;
            f.text = format!("{label} ×{}", f.count);
            return;
        }
        self.flashes.push(Flash {
            text: format!("{label} ×{n}"),
            spot,
            born_s: now,
            count: n,
        });
    }

    // ----- files ----------------------------------------------------------

    fn remember(&mut self, path: &Path) {
        self.prefs.last_scene = Some(path.to_path_buf());
        self.prefs.recent.retain(|p| p != path);
        self.prefs.recent.insert(0, path.to_path_buf());
        self.prefs.recent.truncate(MAX_RECENT);
    }

    /// Opens a scene file. A file that does not load leaves the running
    /// scene running and opens an error dialog with the reason.
    pub fn open_path(&mut self, path: &Path) {
        match Scenario::load(path) {
            Ok(s) => {
                self.host.send(Command::LoadScenario(Box::new(s)));
                self.path = Some(path.to_path_buf());
                self.remember(path);
                self.show_intro = true;
                self.status = Some(format!("opened {}", path.display()));
            }
            Err(e) => {
                self.error = Some(format!(
                    "Could not open the scene; the current one keeps running.\n\n{e}"
                ));
            }
        }
    }

    /// Opens a built-in scene.
    fn open_builtin(&mut self, file: &str) {
        match crate::scenario::builtin(file) {
            Some(Ok(s)) => {
                self.host.send(Command::LoadScenario(Box::new(s)));
                self.path = None;
                self.show_intro = true;
            }
            Some(Err(e)) => self.error = Some(format!("Built-in scene {file} is broken.\n\n{e}")),
            None => self.error = Some(format!("No built-in scene {file}")),
        }
    }

    /// Saves the scene as the user edited it (live tweaks included, file
    /// timeline kept) to `path`, atomically.
    pub fn save_to(&mut self, path: &Path) {
        let edited = self.host.snapshot().edited.clone();
        match edited.save(path) {
            Ok(()) => {
                self.host.send(Command::MarkSaved);
                self.path = Some(path.to_path_buf());
                self.remember(path);
                self.status = Some(format!("saved {}", path.display()));
            }
            Err(e) => self.error = Some(format!("Could not save.\n\n{e}")),
        }
    }

    /// Writes this run's start settings with every live change appended to
    /// the timeline: opening it replays the run.
    pub fn save_recording_to(&mut self, path: &Path) {
        let rec = self.host.snapshot().recording.clone();
        match rec.save(path) {
            Ok(()) => {
                self.remember(path);
                self.status = Some(format!("recording saved to {}", path.display()));
            }
            Err(e) => self.error = Some(format!("Could not save the recording.\n\n{e}")),
        }
    }

    fn pick_open(&mut self) {
        if !self.native_dialogs {
            return;
        }
        let start = self
            .prefs
            .last_scene
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        let picked = native_dialog(move || {
            let mut d = rfd::FileDialog::new().add_filter("AsyncLab scene", &["ron"]);
            if let Some(dir) = start {
                d = d.set_directory(dir);
            }
            d.pick_file()
        });
        match picked {
            Ok(Some(p)) => self.open_path(&p),
            Ok(None) => self.status = Some(NO_FILE.into()),
            Err(e) => self.error = Some(e),
        }
    }

    fn pick_save(&mut self, recording: bool) {
        if !self.native_dialogs {
            return;
        }
        let name = if recording {
            "recording.ron"
        } else {
            "scene.ron"
        };
        let picked = native_dialog(move || {
            rfd::FileDialog::new()
                .add_filter("AsyncLab scene", &["ron"])
                .set_file_name(name)
                .save_file()
        });
        match picked {
            Ok(Some(p)) if recording => self.save_recording_to(&p),
            Ok(Some(p)) => self.save_to(&p),
            Ok(None) => self.status = Some(NO_FILE.into()),
            Err(e) => self.error = Some(e),
        }
    }

    fn save(&mut self) {
        match self.path.clone() {
            Some(p) => self.save_to(&p),
            None => self.pick_save(false),
        }
    }

    // ----- frame ----------------------------------------------------------

    /// Draws one frame (eframe, tests and benchmarks all call this).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.frames += 1;
        self.host.pump();
        let snap = self.host.take_snapshot();
        self.absorb(&snap, ui.input(|i| i.time));
        self.apply_view(ui.ctx());
        self.keyboard(ui, &snap);
        self.dropped_files(ui);

        let top = egui::Panel::top("top").show(ui, |ui| {
            self.menu_bar(ui, &snap);
            self.transport(ui, &snap);
            headline(ui, &snap, &self.history);
        });
        let _ = top;
        if let Some((t, text)) = &snap.caption
            && self.caption_visible(*t, text, ui.input(|i| i.time), snap.now_s)
        {
            egui::Panel::top("caption").show(ui, |ui| {
                ui.label(
                    RichText::new(plain(text))
                        .size(20.0)
                        .color(palette::caption(ui.visuals().dark_mode)),
                );
            });
        }
        if self.show_intro && !(snap.edited.lesson.is_empty() && snap.edited.watch.is_empty()) {
            // A strip, not a floating window: it pushes the plots down
            // instead of covering the ones the lesson talks about.
            egui::Panel::top("intro").show(ui, |ui| {
                ui.add_space(4.0);
                ui.columns(2, |cols| {
                    cols[0].label(RichText::new("Lesson").strong());
                    cols[0].label(plain(&snap.edited.lesson));
                    cols[1].label(RichText::new("Watch").strong());
                    cols[1].label(plain(&snap.edited.watch));
                });
                if ui.button("Got it").clicked() {
                    self.show_intro = false;
                }
                ui.add_space(2.0);
            });
        }
        if let Some(s) = &self.status {
            egui::Panel::bottom("status").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(s);
                    if let Some(e) = &snap.last_error {
                        ui.colored_label(palette::RED, e);
                    }
                });
            });
        }
        if self.show_controls {
            egui::Panel::left("controls")
                .resizable(true)
                .default_size(300.0)
                .show(ui, |ui| {
                    ui.heading("Controls");
                    let changes = controls::show(ui, &snap.live, &mut self.pending);
                    for c in changes {
                        self.host.send(Command::Apply(c));
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            // Scrolls only when the window is too small (large UI scale)
            // to show readable plots.
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| self.central(ui, &snap));
        });
        self.windows(ui.ctx());
    }

    /// Diagram, counters and plots.
    fn central(&mut self, ui: &mut egui::Ui, snap: &Snapshot) {
        {
            let avail = ui.available_height();
            // The plots carry the story; the diagram needs less height
            // than it had (its boxes left a band of empty space).
            let diagram_h = (avail * 0.26).max(150.0);
            let clients: Vec<String> = snap.live.clients.iter().map(|c| c.name.clone()).collect();
            diagram::show(
                ui,
                &diagram::DiagramInput {
                    gauges: &snap.gauges,
                    last: self.history.last.as_ref(),
                    clients: clients.clone(),
                    window_s: snap.live.window_s,
                    anim_s: self.anim_s,
                    flashes: &self.flashes,
                    height: diagram_h,
                },
            );
            counters(ui, snap);
            let span = self.prefs.span_s;
            let x1 = snap.now_s.max(span);
            let rows_h = ui.available_height();
            let columns = if ui.available_width() > 900.0 {
                2.0
            } else {
                1.0
            };
            // Less a little per row for the spacing between rows, so the
            // last row's time axis is not cut off.
            let per_plot = (rows_h / (6.0 / columns) - plots::TITLE_H - 6.0).max(80.0);
            plots::show(
                ui,
                &self.history,
                &plots::PlotContext {
                    markers: &snap.markers,
                    settings: &snap.live,
                    clients,
                    endpoints: snap.live.endpoints.iter().map(|e| e.name.clone()).collect(),
                    sla_wait_s: snap.live.sla.wait_target_s,
                    x_range: (x1 - span, x1),
                    height: per_plot,
                },
            );
        }
    }

    /// A caption stays up for 30 s of sim time and at least 8 s of wall
    /// time, so it can be read even at 1000×.
    fn caption_visible(&mut self, t_s: f64, text: &str, wall_s: f64, now_s: f64) -> bool {
        let key = (t_s.to_bits(), text.to_string());
        if self.caption_seen.as_ref().map(|(k, _)| k) != Some(&key) {
            self.caption_seen = Some((key, wall_s));
        }
        let shown_at = self.caption_seen.as_ref().map_or(wall_s, |(_, w)| *w);
        now_s - t_s < 30.0 || wall_s - shown_at < 8.0
    }

    /// Takes new windows into the history; spawns failure labels.
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
        let window_s = snap.live.window_s;
        for w in &snap.new_windows {
            self.history.push(w, window_s);
        }
        if !snap.new_windows.is_empty() {
            let spots = [Spot::Browsers, Spot::Server, Spot::Queue, Spot::Database];
            for (k, reason) in crate::sim::Reason::ALL.iter().enumerate() {
                let n: u64 = snap.new_windows.iter().map(|w| w.errors[*reason]).sum();
                self.flash(spots[k], crate::words::reason(*reason), n);
            }
            let dead: u64 = snap.new_windows.iter().map(|w| w.dead_letters).sum();
            self.flash(Spot::Workers, "dead letter", dead);
        }
        let now = self.anim_s;
        self.flashes
            .retain(|f| now - f.born_s < diagram::FLASH_LIFE_S);
        // Keep at most a handful per spot so a storm stays readable.
        if self.flashes.len() > 20 {
            let cut = self.flashes.len() - 20;
            self.flashes.drain(..cut);
        }
    }

    fn apply_view(&mut self, ctx: &egui::Context) {
        let want = (
            self.prefs.ui_scale,
            self.prefs.presentation,
            self.prefs.dark,
        );
        if self.applied_view != Some(want) {
            let boost = if self.prefs.presentation { 1.3 } else { 1.0 };
            ctx.set_zoom_factor((self.prefs.ui_scale * boost).clamp(0.5, 4.0));
            ctx.set_theme(if self.prefs.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.applied_view = Some(want);
        }
    }

    /// Shortcuts; none fire while a text field has keyboard focus.
    fn keyboard(&mut self, ui: &egui::Ui, snap: &Snapshot) {
        let ctx = ui.ctx();
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_key(m, k));
        if pressed(Modifiers::NONE, Key::Space) {
            self.host.send(Command::TogglePlay);
        }
        if pressed(Modifiers::NONE, Key::A) {
            self.host.send(Command::Apply(toggle_all(&snap.live)));
        }
        if pressed(Modifiers::NONE, Key::R) {
            self.host.send(Command::Restart);
        }
        if pressed(Modifiers::NONE, Key::Plus)
            || pressed(Modifiers::NONE, Key::Equals)
            || pressed(Modifiers::SHIFT, Key::Equals)
        {
            self.host.send(Command::SetSpeed(snap.speed.faster()));
        }
        if pressed(Modifiers::NONE, Key::Minus) {
            self.host.send(Command::SetSpeed(snap.speed.slower()));
        }
        if pressed(Modifiers::COMMAND, Key::O) {
            self.pick_open();
        }
        if pressed(Modifiers::COMMAND, Key::S) {
            self.save();
        }
    }

    fn dropped_files(&mut self, ui: &egui::Ui) {
        let dropped = ui.input(|i| i.raw.dropped_files.clone());
        for f in dropped {
            let p = f.path().to_path_buf();
            if p.extension().is_some_and(|e| e == "ron") {
                self.open_path(&p);
            } else {
                self.error = Some(format!("{} is not a .ron scene file.", p.display()));
            }
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui, snap: &Snapshot) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open… (Ctrl+O)").clicked() {
                    self.pick_open();
                }
                ui.menu_button("Open recent", |ui| {
                    if self.prefs.recent.is_empty() {
                        ui.label("(none yet)");
                    }
                    for p in self.prefs.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            self.open_path(&p);
                        }
                    }
                });
                if ui.button("Save (Ctrl+S)").clicked() {
                    self.save();
                }
                if ui.button("Save As…").clicked() {
                    self.pick_save(false);
                }
                if ui.button("Save Recording…").on_hover_text("The scene with every live change of this run appended to its timeline: opening it replays the run.").clicked() {
                    self.pick_save(true);
                }
            });
            ui.menu_button("Scenes", |ui| {
                if BUILTIN_SCENES.is_empty() {
                    ui.label("(no built-in scenes in this build)");
                }
                for s in BUILTIN_SCENES {
                    let title = crate::scenario::builtin(s.file)
                        .and_then(Result::ok)
                        .map_or_else(|| s.file.to_string(), |sc| sc.title);
                    if ui.button(title).clicked() {
                        self.open_builtin(s.file);
                    }
                }
            });
            ui.menu_button("View", |ui| {
                ui.checkbox(&mut self.show_controls, "Controls panel");
                if ui.checkbox(&mut self.prefs.presentation, "Presentation mode").changed() {
                    self.show_controls = !self.prefs.presentation;
                }
                ui.horizontal(|ui| {
                    ui.label("Theme");
                    ui.selectable_value(&mut self.prefs.dark, true, "dark");
                    ui.selectable_value(&mut self.prefs.dark, false, "light");
                });
                let mut pct = self.prefs.ui_scale * 100.0;
                if ui.add(egui::Slider::new(&mut pct, 100.0..=250.0).suffix(" %").text("UI scale")).changed() {
                    self.prefs.ui_scale = pct / 100.0;
                }
                ui.horizontal(|ui| {
                    ui.label("Plot span");
                    for s in SPANS_S {
                        ui.selectable_value(&mut self.prefs.span_s, s, crate::fmt::span(s));
                    }
                });
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard & about").clicked() {
                    self.show_help = true;
                }
                if ui.button("This scene's lesson").clicked() {
                    self.show_intro = true;
                }
            });
            let _ = snap;
        });
    }

    fn transport(&mut self, ui: &mut egui::Ui, snap: &Snapshot) {
        ui.horizontal_wrapped(|ui| {
            let dirty = if snap.dirty { " •" } else { "" };
            ui.label(
                RichText::new(format!("{}{dirty}", plain(&snap.edited.title)))
                    .heading()
                    .strong(),
            )
            .on_hover_text(if snap.dirty {
                "unsaved live changes"
            } else {
                "no unsaved changes"
            });
            ui.separator();
            let play = if snap.playing { "Pause" } else { "Play" };
            if ui.button(play).on_hover_text("Space").clicked() {
                self.host.send(Command::TogglePlay);
            }
            let mut speed = snap.speed;
            egui::ComboBox::new("speed", "speed")
                .selected_text(speed.label())
                .show_ui(ui, |ui| {
                    for s in crate::host::SPEEDS {
                        ui.selectable_value(&mut speed, Speed::Times(s), Speed::Times(s).label());
                    }
                    ui.selectable_value(&mut speed, Speed::Max, "max");
                });
            if speed != snap.speed {
                self.host.send(Command::SetSpeed(speed));
            }
            if ui.button("step event").clicked() {
                self.host.send(Command::Step(StepKind::Event));
            }
            if ui.button("step window").clicked() {
                self.host.send(Command::Step(StepKind::Window));
            }
            if ui
                .add_enabled(
                    snap.next_scripted_s.is_some(),
                    egui::Button::new("next event"),
                )
                .on_hover_text("Run to the next scripted event, then pause")
                .clicked()
            {
                self.host.send(Command::JumpToNextScripted);
            }
            if ui
                .button("Restart")
                .on_hover_text("R: same scene and seed from zero, keeping your changes")
                .clicked()
            {
                self.host.send(Command::Restart);
            }
            if ui
                .button("Reset to file")
                .on_hover_text("Discard your changes and start over")
                .clicked()
            {
                self.host.send(Command::ResetToFile);
            }
            ui.separator();
            mode_switches(ui, snap, &self.host);
            ui.separator();
            ui.label(format!("t = {}", crate::fmt::clock(snap.now_s)));
            match (snap.speed, snap.lagging_at) {
                (Speed::Max, Some(x)) => {
                    ui.label(format!("running at {x:.0}×"));
                }
                (Speed::Times(_), Some(x)) => {
                    ui.colored_label(palette::AMBER, format!("can't keep up: running at {x:.1}×"));
                }
                _ => {}
            }
        });
    }

    /// Dialogs: error, scene lesson, help.
    fn windows(&mut self, ctx: &egui::Context) {
        if let Some(text) = self.error.clone() {
            let mut open = true;
            egui::Window::new("Problem")
                .collapsible(false)
                .open(&mut open)
                .show(ctx, |ui| {
                    ui.label(&text);
                    if ui.button("OK").clicked() {
                        self.error = None;
                    }
                });
            if !open {
                self.error = None;
            }
        }
        if self.show_help {
            let mut open = true;
            egui::Window::new("Help")
                .open(&mut open)
                .default_pos(ctx.content_rect().center())
                .pivot(egui::Align2::CENTER_CENTER)
                .default_width(560.0)
                .show(ctx, |ui| {
                    ui.label(HELP);
                    ui.add_space(6.0);
                    ui.label(RichText::new("Reading the screen").strong());
                    egui::Grid::new("reading").show(ui, |ui| {
                        for (what, how) in READING {
                            ui.label(RichText::new(*what).strong());
                            ui.label(*how);
                            ui.end_row();
                        }
                    });
                    ui.add_space(6.0);
                    ui.label(RichText::new("Keys").strong());
                    egui::Grid::new("keys").show(ui, |ui| {
                        for (k, what) in KEYS {
                            ui.label(RichText::new(*k).monospace().strong());
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
                });
            if !open {
                self.show_help = false;
            }
        }
    }
}

const NO_FILE: &str = "No file chosen. (If no dialog appeared, this desktop has no file-dialog portal: drag a .ron file onto the window instead.)";

const HELP: &str = "AsyncLab shows why going asynchronous rescues a system under load. \
In sync mode a server worker holds each request while the database writes, so a slow \
database makes every user wait and time out. In async mode the server enqueues a job and \
answers at once; queue workers drain the backlog at the database's pace. Flip the mode, \
move the knobs, and watch the wait, the backlog and the ledgers (nothing is ever lost).";

const READING: &[(&str, &str)] = &[
    (
        "Boxes",
        "how busy each part is: amber from 80%, red from 95%",
    ),
    ("Dots", "a sample of the traffic, in each client's colour"),
    (
        "User-perceived wait",
        "how long a click takes to get an answer; the dashed line is the SLA target",
    ),
    (
        "Time to processed",
        "click to saved in the database: in async, the work still being done",
    ),
    ("Queue backlog", "jobs accepted but not yet saved"),
    (
        "Dashed vertical lines",
        "a mode switch, a scripted event or a change you made; red bands: database outage",
    ),
    ("Time axis", "simulated time (m:ss), as in the top bar"),
];

const KEYS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("A", "toggle SYNC / ASYNC (all endpoints)"),
    ("R", "restart (same scene and seed, your changes kept)"),
    ("+  −", "faster / slower"),
    ("Ctrl+O", "open a scene"),
    ("Ctrl+S", "save the scene with your changes"),
];

/// The change the A key makes: all async unless all already are.
pub fn toggle_all(live: &Settings) -> Change {
    let all_async = live.endpoints.iter().all(|e| e.mode == Mode::Async);
    Change::SetMode {
        endpoint: None,
        mode: if all_async { Mode::Sync } else { Mode::Async },
    }
}

/// The large SYNC | ASYNC switch, one per endpoint when there are several.
fn mode_switches(ui: &mut egui::Ui, snap: &Snapshot, host: &Host) {
    let several = snap.live.endpoints.len() > 1;
    for e in &snap.live.endpoints {
        if several {
            ui.label(&e.name);
        }
        for mode in [Mode::Sync, Mode::Async] {
            let label = if mode == Mode::Sync { "SYNC" } else { "ASYNC" };
            let on = e.mode == mode;
            let text = RichText::new(label).size(18.0).strong();
            let text = if on {
                text.color(egui::Color32::WHITE)
            } else {
                text
            };
            let fill = if on {
                if mode == Mode::Sync {
                    palette::OKABE_ITO[5]
                } else {
                    palette::OKABE_ITO[2]
                }
            } else {
                ui.visuals().widgets.inactive.weak_bg_fill
            };
            let r = ui
                .add(egui::Button::new(text).fill(fill).selected(on))
                .on_hover_text("A toggles every endpoint");
            if r.clicked() && !on {
                host.send(Command::Apply(Change::SetMode {
                    endpoint: Some(e.name.clone()),
                    mode,
                }));
            }
        }
    }
}

/// p95 wait now, backlog, errors/min, SLA share and the action ledger.
fn headline(ui: &mut egui::Ui, snap: &Snapshot, history: &History) {
    let last = history.last.as_ref();
    let p95 = last.map_or(f64::NAN, |w| w.wait.p95);
    let sla = last.map_or(f64::NAN, |w| w.sla_share);
    let l = &snap.ledgers.actions;
    let failed: u64 = l.failed.total();
    ui.horizontal_wrapped(|ui| {
        let big = |ui: &mut egui::Ui, name: &str, value: String, color: Option<egui::Color32>| {
            ui.vertical(|ui| {
                ui.label(RichText::new(name).small());
                let t = RichText::new(value).size(22.0).strong();
                ui.label(match color {
                    Some(c) => t.color(c),
                    None => t,
                });
            });
            ui.separator();
        };
        let p95_color = (p95 > snap.live.sla.wait_target_s).then_some(palette::RED);
        big(ui, "p95 wait now", crate::fmt::secs(p95), p95_color);
        big(
            ui,
            "queue backlog",
            crate::fmt::thousands(snap.gauges.queue_len),
            None,
        );
        let epm = history.errors_per_min();
        big(
            ui,
            "errors / min",
            crate::fmt::thousands(epm.round() as u64),
            (epm > 0.0).then_some(palette::RED),
        );
        let sla_text = if sla.is_nan() {
            "–".to_string()
        } else {
            format!("{:.1} %", sla * 100.0)
        };
        big(
            ui,
            &format!(
                "answered within {}",
                crate::fmt::target(snap.live.sla.wait_target_s)
            ),
            sla_text,
            None,
        );
        big(ui, "issued", crate::fmt::thousands(l.issued), None);
        big(
            ui,
            "succeeded",
            crate::fmt::thousands(l.succeeded),
            Some(palette::OK),
        );
        big(
            ui,
            "failed",
            crate::fmt::thousands(failed),
            (failed > 0).then_some(palette::RED),
        );
        big(ui, "in flight", crate::fmt::thousands(l.awaiting), None);
        let ok = l.balances();
        ui.label(if ok {
            "ledger balances"
        } else {
            "LEDGER DOES NOT BALANCE"
        })
        .on_hover_text("issued = succeeded + failed + in flight: nothing is lost");
    });
}

/// Failure counters under the diagram.
fn counters(ui: &mut egui::Ui, snap: &Snapshot) {
    let Some(t) = &snap.totals else { return };
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        for (k, r) in crate::sim::Reason::ALL.iter().enumerate() {
            ui.colored_label(
                palette::text_on(palette::REASONS[k], dark),
                format!(
                    "{}: {}",
                    crate::words::reason(*r),
                    crate::fmt::thousands(t.errors[*r])
                ),
            );
        }
        ui.label(format!(
            "dead letters: {}",
            crate::fmt::thousands(t.dead_letters)
        ));
        ui.label(format!(
            "retries: {}",
            crate::fmt::thousands(t.user_retries + t.system_retries)
        ));
        ui.label(format!("wasted: {}", crate::fmt::thousands(t.wasted)));
        ui.label(format!(
            "committed: {}",
            crate::fmt::thousands(snap.ledgers.work.committed)
        ));
    });
}

/// Runs a native dialog; a panic inside it (no desktop portal, ...) becomes
/// an error message instead of a crash.
fn native_dialog<T>(
    f: impl FnOnce() -> Option<T> + std::panic::UnwindSafe,
) -> Result<Option<T>, String> {
    std::panic::catch_unwind(f).map_err(|_| {
        "The file dialog failed (no desktop file portal?). Drag a .ron file onto the window instead.".to_string()
    })
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
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, &self.prefs);
    }
}

/// Opens the app on `file` or on the built-in default scene.
pub fn launch(file: Option<PathBuf>) -> anyhow::Result<()> {
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
        Box::new(move |cc| Ok(Box::new(AsyncLabApp::new(cc, file)?))),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}
