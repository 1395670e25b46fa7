//! The eframe/egui app.

use std::path::PathBuf;

/// Opens the app on `file` or on the built-in default scene.
pub fn launch(file: Option<PathBuf>) -> anyhow::Result<()> {
    let _ = file;
    anyhow::bail!("the app is not built yet; use `asynclab run SCENE.ron`")
}
