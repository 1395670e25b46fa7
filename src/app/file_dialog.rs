//! Choosing a file: the desktop's own dialog where there is one, and an
//! in-app file browser everywhere else (a fresh Linux box, a VM, Xvfb: no
//! file-dialog portal), so every file action works on every machine. The
//! browser is plain text (folders end in "/"): no icon glyph that the
//! app's font might lack.

use std::path::{Path, PathBuf};

/// What the chosen file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Open a scene.
    Open,
    /// Save the scene (with live tweaks) under a new name.
    SaveAs,
    /// Save this run's recording.
    SaveRecording,
    /// Export an image as PNG.
    ExportPng,
    /// Export the plotted series as CSV.
    ExportCsv,
    /// Export an animated GIF.
    ExportGif,
}

impl Purpose {
    /// The dialog's title.
    fn title(self) -> &'static str {
        match self {
            Purpose::Open => "Open a scene",
            Purpose::SaveAs => "Save the scene as",
            Purpose::SaveRecording => "Save this run's recording",
            Purpose::ExportPng => "Save the image as",
            Purpose::ExportCsv => "Save the plotted series as",
            Purpose::ExportGif => "Save the GIF as",
        }
    }

    /// The file name offered when saving.
    pub fn default_name(self) -> &'static str {
        match self {
            Purpose::Open | Purpose::SaveAs => "scene.ron",
            Purpose::SaveRecording => "recording.ron",
            Purpose::ExportPng => "asynclab.png",
            Purpose::ExportCsv => "asynclab-plots.csv",
            Purpose::ExportGif => "asynclab.gif",
        }
    }

    /// The extension of the files it lists and writes.
    pub fn extension(self) -> &'static str {
        match self {
            Purpose::Open | Purpose::SaveAs | Purpose::SaveRecording => "ron",
            Purpose::ExportPng => "png",
            Purpose::ExportCsv => "csv",
            Purpose::ExportGif => "gif",
        }
    }
}

/// The in-app file browser while one is open. Plain text only (no icon
/// glyphs): every label draws in the app's own font.
#[derive(Default)]
pub struct InAppDialog {
    open: Option<Browser>,
}

/// One open browser: the folder it lists and the name typed or picked.
struct Browser {
    purpose: Purpose,
    /// The folder listed.
    dir: PathBuf,
    /// The folder field's text (Enter goes there).
    dir_text: String,
    /// The file name field: the offered name when saving, the file
    /// clicked when opening. An absolute path is taken as it is.
    name: String,
    /// The folder's sub-folders and matching files, or why it could not
    /// be listed.
    entries: Result<Vec<Entry>, String>,
    /// A problem with the last thing asked (a folder that is not there, a
    /// file that cannot be opened), shown until the next step.
    problem: Option<String>,
    /// The name typed for a new folder, while one is being made.
    new_folder: Option<String>,
}

/// A line of the listing.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    name: String,
    folder: bool,
}

impl InAppDialog {
    /// Opens the browser for `purpose`, starting in `start` (a folder; the
    /// working folder when there is none).
    pub fn open(&mut self, purpose: Purpose, start: Option<&Path>) {
        let dir = start
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        let name = if purpose == Purpose::Open {
            String::new()
        } else {
            purpose.default_name().to_string()
        };
        let mut b = Browser {
            purpose,
            dir: PathBuf::new(),
            dir_text: String::new(),
            name,
            entries: Ok(Vec::new()),
            problem: None,
            new_folder: None,
        };
        b.go(dir);
        self.open = Some(b);
    }

    /// True while the browser is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Draws the browser while it is open; the chosen file and what it is
    /// for, once the user chose one.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<(Purpose, PathBuf)> {
        let b = self.open.as_mut()?;
        let mut keep = true;
        let mut outcome = Outcome::Open;
        egui::Window::new(b.purpose.title())
            .collapsible(false)
            .resizable(true)
            .default_size([560.0, 420.0])
            .open(&mut keep)
            .show(ctx, |ui| outcome = b.ui(ui));
        let purpose = b.purpose;
        // Escape closes the browser, as it closes other dialogs.
        if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
            outcome = Outcome::Cancelled;
        }
        match outcome {
            _ if !keep => {
                self.open = None;
                None
            }
            Outcome::Open => None,
            Outcome::Cancelled => {
                self.open = None;
                None
            }
            Outcome::Chosen(path) => {
                self.open = None;
                Some((purpose, with_extension(&path, purpose.extension())))
            }
        }
    }
}

/// What a frame of the browser came to.
enum Outcome {
    /// Still choosing.
    Open,
    /// Cancel was clicked.
    Cancelled,
    /// This file was chosen.
    Chosen(PathBuf),
}

impl Browser {
    /// Lists `dir` (made absolute where it can be).
    fn go(&mut self, dir: PathBuf) {
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        self.entries = list(&dir, self.purpose.extension());
        self.dir_text = dir.display().to_string();
        self.dir = dir;
        self.problem = None;
    }

    /// The file the name field names: in the listed folder, or the typed
    /// absolute path.
    fn target(&self) -> Option<PathBuf> {
        let name = self.name.trim();
        if name.is_empty() {
            return None;
        }
        let p = Path::new(name);
        Some(if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        })
    }

    /// The chosen file, or why it cannot be chosen yet (shown).
    fn choose(&mut self) -> Outcome {
        let Some(path) = self.target() else {
            self.problem = Some("Type a file name first.".into());
            return Outcome::Open;
        };
        if path.is_dir() {
            self.go(path);
            return Outcome::Open;
        }
        if self.purpose == Purpose::Open && !path.is_file() {
            self.problem = Some(format!("{} is not a file.", path.display()));
            return Outcome::Open;
        }
        Outcome::Chosen(path)
    }

    fn ui(&mut self, ui: &mut egui::Ui) -> Outcome {
        let mut outcome = Outcome::Open;
        ui.horizontal(|ui| {
            if ui
                .button("Up")
                .on_hover_text("The folder that holds this one")
                .clicked()
                && let Some(parent) = self.dir.parent().map(Path::to_path_buf)
            {
                self.go(parent);
            }
            ui.label("Folder:");
            let field =
                ui.add(egui::TextEdit::singleline(&mut self.dir_text).desired_width(f32::INFINITY));
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                let asked = PathBuf::from(self.dir_text.trim());
                if asked.is_dir() {
                    self.go(asked);
                } else {
                    self.problem = Some(format!("{} is not a folder.", asked.display()));
                }
            }
        });
        ui.separator();
        let mut go_to = None;
        egui::ScrollArea::vertical()
            .id_salt("in-app file browser listing")
            .max_height((ui.available_height() - 90.0).max(120.0))
            .auto_shrink([false, true])
            .show(ui, |ui| match &self.entries {
                Err(e) => {
                    ui.label(e.as_str());
                }
                Ok(entries) if entries.is_empty() => {
                    ui.weak(format!(
                        "No folders and no .{} files here.",
                        self.purpose.extension()
                    ));
                }
                Ok(entries) => {
                    for e in entries {
                        if e.folder {
                            let text = format!("{}/", e.name);
                            if ui
                                .selectable_label(false, text)
                                .on_hover_text("Open this folder")
                                .clicked()
                            {
                                go_to = Some(self.dir.join(&e.name));
                            }
                        } else {
                            let on = self.name == e.name;
                            let r = ui.selectable_label(on, e.name.as_str());
                            if r.clicked() {
                                self.name = e.name.clone();
                            }
                            if r.double_clicked() {
                                outcome = Outcome::Chosen(self.dir.join(&e.name));
                            }
                        }
                    }
                }
            });
        if let Some(dir) = go_to {
            self.go(dir);
        }
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("File name:");
            ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(f32::INFINITY));
        });
        if let Some(p) = &self.problem {
            ui.label(p.as_str());
        }
        ui.horizontal(|ui| {
            let verb = if self.purpose == Purpose::Open {
                "Open this scene"
            } else {
                "Save here"
            };
            if ui.button(verb).clicked() {
                outcome = self.choose();
            }
            if ui.button("Cancel").clicked() {
                outcome = Outcome::Cancelled;
            }
            if self.purpose != Purpose::Open {
                self.new_folder_ui(ui);
            }
        });
        outcome
    }

    /// "New folder": a name, then the folder is made and listed.
    fn new_folder_ui(&mut self, ui: &mut egui::Ui) {
        match &mut self.new_folder {
            None => {
                if ui.button("New folder").clicked() {
                    self.new_folder = Some(String::new());
                }
            }
            Some(name) => {
                ui.add(egui::TextEdit::singleline(name).hint_text("folder name"));
                if ui.button("Make it").clicked() {
                    let dir = self.dir.join(name.trim());
                    self.new_folder = None;
                    match std::fs::create_dir(&dir) {
                        Ok(()) => self.go(dir),
                        Err(e) => {
                            self.problem = Some(format!("Could not make {}: {e}", dir.display()))
                        }
                    }
                }
            }
        }
    }
}

/// `dir`'s sub-folders, then its files ending in `.ext`, each sorted by
/// name; hidden ones (a leading dot) left out.
fn list(dir: &Path, ext: &str) -> Result<Vec<Entry>, String> {
    let read =
        std::fs::read_dir(dir).map_err(|e| format!("Could not list {}: {e}", dir.display()))?;
    let mut entries: Vec<Entry> = read
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let folder = e.path().is_dir();
            let wanted = folder || Path::new(&name).extension().is_some_and(|x| x == ext);
            (wanted && !name.starts_with('.')).then_some(Entry { name, folder })
        })
        .collect();
    entries.sort_by(|a, b| b.folder.cmp(&a.folder).then_with(|| a.name.cmp(&b.name)));
    Ok(entries)
}

/// `path`, with `ext` added when it has none (a typed "talk" saves as
/// "talk.ron").
fn with_extension(path: &Path, ext: &str) -> PathBuf {
    if path.extension().is_none() {
        path.with_extension(ext)
    } else {
        path.to_path_buf()
    }
}

/// Whether this desktop can show its own file dialog: on Linux that takes a
/// session bus (where the file-dialog portal lives); elsewhere there is
/// always one.
pub fn native_available() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_is_folders_then_matching_files_without_hidden_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        for f in ["b.ron", "a.ron", "notes.txt", ".hidden.ron"] {
            std::fs::write(dir.path().join(f), "").expect("file");
        }
        std::fs::create_dir(dir.path().join("talks")).expect("folder");
        let names: Vec<(String, bool)> = list(dir.path(), "ron")
            .expect("listed")
            .into_iter()
            .map(|e| (e.name, e.folder))
            .collect();
        assert_eq!(
            names,
            vec![
                ("talks".to_string(), true),
                ("a.ron".to_string(), false),
                ("b.ron".to_string(), false)
            ]
        );
        assert!(list(&dir.path().join("missing"), "ron").is_err());
    }

    #[test]
    fn a_typed_name_gets_its_extension() {
        assert_eq!(
            with_extension(Path::new("/tmp/talk"), "ron"),
            PathBuf::from("/tmp/talk.ron")
        );
        assert_eq!(
            with_extension(Path::new("/tmp/a.csv"), "ron"),
            PathBuf::from("/tmp/a.csv")
        );
    }
}
