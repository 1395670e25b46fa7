//! Choosing a file: the desktop's own dialog where there is one, and an
//! in-app file browser everywhere else (a fresh Linux box, a VM, Xvfb: no
//! file-dialog portal), so every file action works on every machine.

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

/// The in-app file browser while one is open.
#[derive(Default)]
pub struct InAppDialog {
    open: Option<(egui_file::FileDialog, Purpose)>,
}

impl InAppDialog {
    /// Opens the browser for `purpose`, starting in `start` (a folder).
    pub fn open(&mut self, purpose: Purpose, start: Option<&Path>) {
        let ext = purpose.extension();
        let filter = Box::new(move |p: &Path| p.extension().is_some_and(|e| e == ext));
        let mut d = if purpose == Purpose::Open {
            egui_file::FileDialog::open_file()
        } else {
            egui_file::FileDialog::save_file().default_filename(purpose.default_name())
        };
        d = d
            .title(purpose.title())
            .open_button_text("Open this scene".into())
            .save_button_text("Save here".into())
            .show_files_filter(filter)
            .show_new_folder(purpose != Purpose::Open)
            .show_rename(false);
        if let Some(dir) = start {
            d = d.initial_path(dir);
        }
        d.open();
        self.open = Some((d, purpose));
    }

    /// True while the browser is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Draws the browser while it is open; the chosen file and what it is
    /// for, once the user chose one.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<(Purpose, PathBuf)> {
        let (d, purpose) = self.open.as_mut()?;
        d.show(ctx);
        match d.state() {
            egui_file::State::Open => None,
            egui_file::State::Selected => {
                let chosen = d.path().map(|p| with_extension(p, purpose.extension()));
                let purpose = *purpose;
                self.open = None;
                chosen.map(|p| (purpose, p))
            }
            egui_file::State::Cancelled | egui_file::State::Closed => {
                self.open = None;
                None
            }
        }
    }
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
