//! Scene files and preferences: the file the scene came from, recent files,
//! native file dialogs, dropped files and the remembered [`Prefs`].

use super::action::AppAction;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Key of the remembered preferences in eframe storage.
const PREFS_KEY: &str = "asynclab-prefs";
/// Most entries in File ▸ Open recent.
const MAX_RECENT: usize = 8;

/// What the app remembers between sessions.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// The scene file last opened or saved.
    pub last_scene: Option<PathBuf>,
    /// The built-in scene last opened (when the last scene was built in).
    pub last_builtin: Option<String>,
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
    /// Plain words for the room, chosen in the View menu; `None`: on in
    /// presentation mode, off otherwise (see [`Prefs::plain_words`]).
    pub plain_words: Option<bool>,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            last_scene: None,
            last_builtin: None,
            recent: Vec::new(),
            dark: true,
            ui_scale: 1.0,
            presentation: false,
            span_s: 300.0,
            plain_words: None,
        }
    }
}

impl Prefs {
    /// Whether the headline, strip, diagram, lesson and captions speak in
    /// the room's words ([`crate::glossary`]): the presenter's choice, or
    /// by default in presentation mode only.
    pub fn plain_words(&self) -> bool {
        self.plain_words.unwrap_or(self.presentation)
    }

    /// The preferences remembered in eframe storage, or the defaults.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Prefs {
        storage
            .and_then(|s| eframe::get_value(s, PREFS_KEY))
            .unwrap_or_default()
    }

    /// Remembers the preferences in eframe storage.
    pub fn store(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, self);
    }
}

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
                connections / write time) and watch the wait plot in sync mode; \
                then press A."
            .into(),
        duration_s: 600.0,
        ..Scenario::default()
    };
    s.settings.clients[0].name = "acme".into();
    s
}

/// The scene file the app is on, the preferences, and the file dialogs.
pub struct Files {
    /// The file the scene came from (None: built in).
    pub path: Option<PathBuf>,
    /// What the app remembers between sessions.
    pub prefs: Prefs,
    /// Native file dialogs (off in tests, which have no desktop).
    native_dialogs: bool,
    /// The desktop's dialog failed once this session.
    native_failed: std::cell::Cell<bool>,
    /// A scene being read on a background thread (the UI thread never
    /// waits on a file: a slow disk or a FIFO must not freeze the window).
    loading: Option<Loading>,
}

/// A scene file being read in the background.
struct Loading {
    path: PathBuf,
    rx: std::sync::mpsc::Receiver<Result<Scenario, String>>,
}

/// What the app opens when started without a file: the scene last opened
/// (a file, or a built-in scene), else the default scene.
pub fn reopen(prefs: &Prefs) -> Option<PathBuf> {
    prefs
        .last_scene
        .clone()
        .or_else(|| prefs.last_builtin.as_ref().map(PathBuf::from))
}

/// The scene the app starts on: `file` (a path, or a built-in scene's
/// file name, as `asynclab run` accepts) or the default scene. Returns the
/// scene, its file (None when built in) and the problem to show when
/// `file` did not open.
pub fn startup_scene(file: Option<&Path>) -> (Scenario, Option<PathBuf>, Option<String>) {
    match file.map(crate::scenario::open) {
        None => (default_scene(), None, None),
        Some(Ok((s, crate::scenario::Source::File(p)))) => (s, Some(p), None),
        Some(Ok((s, crate::scenario::Source::Builtin(_)))) => (s, None, None),
        Some(Err(e)) => (
            default_scene(),
            None,
            Some(format!("Could not open the scene.\n\n{e}")),
        ),
    }
}

impl Files {
    /// Files on `path`, with native dialogs or without (tests).
    pub fn new(prefs: Prefs, path: Option<PathBuf>, native_dialogs: bool) -> Self {
        Files {
            path,
            prefs,
            native_dialogs,
            native_failed: std::cell::Cell::new(false),
            loading: None,
        }
    }

    /// Puts `path` first in the recent files.
    pub fn remember(&mut self, path: &Path) {
        self.prefs.last_scene = Some(path.to_path_buf());
        self.prefs.last_builtin = None;
        self.prefs.recent.retain(|p| p != path);
        self.prefs.recent.insert(0, path.to_path_buf());
        self.prefs.recent.truncate(MAX_RECENT);
    }

    /// Starts reading the scene in `path` on a background thread (a newer
    /// request replaces an older one still loading).
    pub fn start_open(&mut self, path: &Path) {
        let (tx, rx) = std::sync::mpsc::channel();
        let file = path.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("asynclab-open".into())
            .spawn(move || {
                let loaded = Scenario::load(&file).map_err(|e| {
                    format!("Could not open the scene; the current one keeps running.\n\n{e}")
                });
                // The app may have gone or asked for another file: fine.
                let _ = tx.send(loaded);
            });
        if let Err(e) = spawned {
            let (tx, rx2) = std::sync::mpsc::channel();
            let _ = tx.send(Err(format!("Could not open the scene: {e}")));
            self.loading = Some(Loading {
                path: path.to_path_buf(),
                rx: rx2,
            });
            return;
        }
        self.loading = Some(Loading {
            path: path.to_path_buf(),
            rx,
        });
    }

    /// True while a scene file is being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// The file whose read finished since the last call, with the scene (it
    /// becomes the current file) or the text for the problem dialog. Waits
    /// at most `wait` for it (zero in the app's frames).
    pub fn finished_open(
        &mut self,
        wait: std::time::Duration,
    ) -> Option<(PathBuf, Result<Scenario, String>)> {
        use std::sync::mpsc::RecvTimeoutError;
        let l = self.loading.as_ref()?;
        let result = match l.rx.recv_timeout(wait) {
            Ok(r) => r,
            Err(RecvTimeoutError::Timeout) => return None,
            Err(RecvTimeoutError::Disconnected) => {
                Err("Could not open the scene: the reader stopped.".to_string())
            }
        };
        let path = self.loading.take()?.path;
        let result = match result {
            Ok(scene) => {
                self.path = Some(path.clone());
                self.remember(&path);
                Ok(scene)
            }
            Err(e) if self.prefs.recent.contains(&path) => {
                // A recent entry that fails would fail again: it goes.
                self.prefs.recent.retain(|p| p != &path);
                Err(format!("{e}\n\nRemoved from Open recent."))
            }
            Err(e) => Err(e),
        };
        Some((path, result))
    }

    /// Loads the built-in scene `file`; the scene then has no file.
    pub fn open_builtin(&mut self, file: &str) -> Result<Scenario, String> {
        let scene = match crate::scenario::builtin(file) {
            Some(Ok(s)) => s,
            Some(Err(e)) => return Err(format!("Built-in scene {file} is broken.\n\n{e}")),
            None => return Err(format!("No built-in scene {file}")),
        };
        self.path = None;
        Ok(scene)
    }

    /// Writes `scene` to `path` (atomically) and makes it the current file.
    pub fn save(&mut self, scene: &Scenario, path: &Path) -> Result<(), String> {
        crate::scenario::regular_target(path).map_err(|e| format!("Could not save.\n\n{e}"))?;
        scene
            .save(path)
            .map_err(|e| format!("Could not save.\n\n{e}"))?;
        self.path = Some(path.to_path_buf());
        self.remember(path);
        Ok(())
    }

    /// Writes a run's recording to `path`; the current file stays.
    pub fn save_recording(&mut self, recording: &Scenario, path: &Path) -> Result<(), String> {
        crate::scenario::regular_target(path)
            .map_err(|e| format!("Could not save the recording.\n\n{e}"))?;
        recording
            .save(path)
            .map_err(|e| format!("Could not save the recording.\n\n{e}"))?;
        self.remember(path);
        Ok(())
    }

    /// The folder file dialogs start in: the last scene's.
    pub fn start_dir(&self) -> Option<PathBuf> {
        self.prefs
            .last_scene
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .filter(|p| p.is_dir())
    }

    /// True when the desktop's own file dialog can be used (not after it
    /// failed once: the built-in browser takes over).
    pub fn native(&self) -> bool {
        self.native_dialogs && !self.native_failed.get() && super::file_dialog::native_available()
    }

    /// Asks for a scene file to open in the desktop's dialog, starting in
    /// the last one's folder; None when there is none (the in-app browser
    /// is used instead).
    pub fn pick_open(&self) -> Option<AppAction> {
        if !self.native() {
            return None;
        }
        let start = self.start_dir();
        let picked = self.native_dialog(move || {
            let mut d = rfd::FileDialog::new().add_filter("AsyncLab scene", &["ron"]);
            if let Some(dir) = start {
                d = d.set_directory(dir);
            }
            d.pick_file()
        });
        Some(then(picked, AppAction::Open))
    }

    /// Asks for a file to save the scene (or, with `recording`, this run's
    /// recording) to in the desktop's dialog; None when there is none.
    pub fn pick_save(&self, recording: bool) -> Option<AppAction> {
        if !self.native() {
            return None;
        }
        let name = if recording {
            "recording.ron"
        } else {
            "scene.ron"
        };
        let picked = self.native_dialog(move || {
            rfd::FileDialog::new()
                .add_filter("AsyncLab scene", &["ron"])
                .set_file_name(name)
                .save_file()
        });
        Some(if recording {
            then(picked, AppAction::SaveRecordingTo)
        } else {
            then(picked, AppAction::SaveTo)
        })
    }
}

/// Files dropped on the window this frame: scenes open, anything else is
/// refused with a reason.
pub fn dropped(ui: &egui::Ui, actions: &mut Vec<AppAction>) {
    let dropped = ui.input(|i| i.raw.dropped_files.clone());
    for f in dropped {
        let p = f.path().to_path_buf();
        if p.extension().is_some_and(|e| e == "ron") {
            actions.push(AppAction::Open(p));
        } else {
            actions.push(AppAction::ShowError(format!(
                "{} is not a .ron scene file.",
                p.display()
            )));
        }
    }
}

const NO_FILE: &str = "No file chosen.";

/// What to do after a dialog: `with` the chosen file, a status line when
/// none was chosen, the problem dialog when the dialog failed.
fn then(picked: Result<Option<PathBuf>, String>, with: fn(PathBuf) -> AppAction) -> AppAction {
    match picked {
        Ok(Some(p)) => with(p),
        Ok(None) => AppAction::ShowStatus(NO_FILE.into()),
        Err(e) => AppAction::ShowError(e),
    }
}

impl Files {
    /// Asks for a file to export to (`purpose`: PNG, CSV or GIF) in the
    /// desktop's dialog; None when there is none (the in-app browser is
    /// used instead), else the file chosen, if any, or the dialog's error.
    pub fn pick_export(
        &self,
        purpose: super::file_dialog::Purpose,
    ) -> Option<Result<Option<PathBuf>, String>> {
        if !self.native() {
            return None;
        }
        let (ext, name) = (purpose.extension(), purpose.default_name());
        let start = self.start_dir();
        Some(self.native_dialog(move || {
            let mut d = rfd::FileDialog::new()
                .add_filter(ext.to_uppercase(), &[ext])
                .set_file_name(name);
            if let Some(dir) = start {
                d = d.set_directory(dir);
            }
            d.save_file()
        }))
    }

    /// Runs a native dialog; a panic inside it (no desktop portal, ...)
    /// becomes an error message instead of a crash, and the built-in
    /// browser is used from then on.
    fn native_dialog<T>(
        &self,
        f: impl FnOnce() -> Option<T> + std::panic::UnwindSafe,
    ) -> Result<Option<T>, String> {
        let result = native_dialog(f);
        if result.is_err() {
            self.native_failed.set(true);
        }
        result
    }
}

/// Runs a native dialog; a panic inside it (no desktop portal, ...) becomes
/// an error message instead of a crash.
fn native_dialog<T>(
    f: impl FnOnce() -> Option<T> + std::panic::UnwindSafe,
) -> Result<Option<T>, String> {
    std::panic::catch_unwind(f).map_err(|_| {
        "The desktop's file dialog failed (no file portal?). Try again: the built-in file browser opens instead (or drag a .ron file onto the window).".to_string()
    })
}
