//! For the room: the one-minute demo in one action (`asynclab --present
//! SCENE`, the lesson strip's *Present* button) and the lesson as one
//! sentence in presentation mode. The words themselves come from
//! [`crate::glossary`] when the plain-language setting is on.

use super::AppAction;
use crate::host::Command;
use crate::scenario::Scenario;
use egui::RichText;
use std::path::PathBuf;

/// How the app opens: on which scene, and whether presenting at once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Startup {
    /// The scene file, or a built-in scene's file name (`None`: the last
    /// scene opened, else the default scene).
    pub file: Option<PathBuf>,
    /// Open presenting: the one-minute demo (`asynclab --present SCENE`).
    pub present: bool,
    /// Open at this UI scale, percent (`--scale`; `None`: as remembered).
    pub scale_pct: Option<u16>,
}

impl Startup {
    /// From the command line: FILE, or `--present SCENE` (which opens
    /// SCENE presenting), at `--scale PERCENT` if given.
    pub fn from_args(
        file: Option<PathBuf>,
        present: Option<PathBuf>,
        scale_pct: Option<u16>,
    ) -> Startup {
        match present {
            Some(scene) => Startup {
                file: Some(scene),
                present: true,
                scale_pct,
            },
            None => Startup {
                file,
                present: false,
                scale_pct,
            },
        }
    }
}

impl super::AsyncLabApp {
    /// The scene's twins side by side, in presentation mode, playing.
    pub(super) fn present(&mut self) {
        self.apply(AppAction::SetPresentation(true));
        self.apply(AppAction::Host(Command::SetCompare(true)));
        self.apply(AppAction::Host(Command::Play));
    }

    /// The app as `start` asks: at its `--scale`, presenting from the
    /// first frame with `--present`, else as it is.
    pub fn started(mut self, start: &Startup) -> Self {
        if let Some(pct) = start.scale_pct {
            self.apply(AppAction::SetUiScale(f32::from(pct) / 100.0));
        }
        if start.present {
            self.apply(AppAction::Present);
        }
        self
    }
}

/// The lesson in one sentence (the scene's `lesson_short`, or the
/// lesson's first sentence), in the room's words when `plain` is on; the
/// whole lesson on hover. `one_line` (folded to fit a small window): cut
/// with "…" on one line.
pub fn lesson_line(ui: &mut egui::Ui, scene: &Scenario, plain: bool, one_line: bool) {
    let line = scene.lesson_line();
    if line.is_empty() {
        return;
    }
    let text = words(line, plain);
    let wrap = if one_line {
        egui::TextWrapMode::Truncate
    } else {
        egui::TextWrapMode::Wrap
    };
    ui.add_space(2.0);
    ui.add(
        egui::Label::new(RichText::new(super::plain(&text)).size(18.0).strong()).wrap_mode(wrap),
    )
    .on_hover_text(super::plain(&scene.lesson));
    ui.add_space(2.0);
}

/// Where the frame's plain-language setting is kept for the panels that
/// draw words (the headline, the strip, the diagram, the compare view), so
/// none of them needs it passed down.
const PLAIN_WORDS: &str = "asynclab plain words";

/// Sets the plain-language setting for this frame's drawing.
pub fn set_plain_words(ctx: &egui::Context, on: bool) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(PLAIN_WORDS), on));
}

/// The plain-language setting of this frame.
pub fn plain_words(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp(egui::Id::unique(PLAIN_WORDS)))
        .unwrap_or(false)
}

/// `text` in the room's words when this frame's setting says so.
pub fn say(ctx: &egui::Context, text: &str) -> String {
    words(text, plain_words(ctx))
}

/// `text` in the room's words when `plain` is on, else as it is.
pub fn words(text: &str, plain: bool) -> String {
    if plain {
        crate::glossary::plain_text(text)
    } else {
        text.to_string()
    }
}
