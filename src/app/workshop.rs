//! The workshop kit in the app: exports for slides, a scene
//! shared as clipboard text, and "Check my answer" for exercises.
//!
//! ```text
//!  menus        File > Export, Edit > Copy / Paste scene      here
//!  exports      PNG of the window, the plot area or one plot;  exports.rs
//!               CSV of the plotted series
//!  gif          record frames, estimate, write in background   gif_recorder.rs
//!  check        an exercise's goal, pass / fail per threshold  check.rs
//! ```
//!
//! Like every panel, these push [`AppAction::Workshop`] and
//! `AsyncLabApp::workshop` carries them out (it is called from
//! [`AsyncLabApp::apply`], the one place that acts).

use super::check::CheckPanel;
use super::exports::{Exports, ImageDest, ImageTarget};
use super::file_dialog::Purpose;
use super::gif_recorder::GifPanel;
use super::plots::PlotName;
use super::stitch::ScrollView;
use super::{AppAction, AsyncLabApp};
use crate::host::Snapshot;
use crate::scenario::Scenario;
use std::path::PathBuf;

/// Something asked of the workshop kit.
#[derive(Clone, Debug)]
pub enum WorkshopAction {
    /// Put the scene (live tweaks included) on the clipboard as RON text.
    CopyScene,
    /// Ask the window for the clipboard's text (it arrives as a paste).
    PasteScene,
    /// Text pasted on the window: a scene to open, or an error to show.
    Pasted(String),
    /// A pasted scene that passed validation: run it (asks first when the
    /// running scene has unsaved changes).
    OpenScene(Box<Scenario>),
    /// An image of `target`, to a file or the clipboard.
    Image(ImageTarget, ImageDest),
    /// Choose a file for the image just taken.
    ChooseImageFile,
    /// Write the image taken for a file here.
    SaveImageTo(PathBuf),
    /// Choose a file for the plotted series as CSV.
    ExportCsv,
    /// Write the plotted series as CSV here.
    SaveCsvTo(PathBuf),
    /// Open the GIF panel (recording, length, estimate, save).
    ShowGif,
    /// Choose a file for the GIF estimated in the GIF panel.
    SaveGif,
    /// Write the GIF estimated in the GIF panel here, in the background.
    SaveGifTo(PathBuf),
    /// Open the "Check my answer" panel.
    CheckAnswer,
}

/// The workshop kit's panels and what they share with the frame.
#[derive(Default)]
pub struct Workshop {
    /// PNG and CSV exports.
    pub exports: Exports,
    /// GIF recording and writing.
    pub gif: GifPanel,
    /// "Check my answer".
    pub check: CheckPanel,
    /// Where each plot was drawn last frame, with its title, legend and
    /// axes, points (images are cut out of the window's screenshot there).
    pub plot_rects: Vec<(PlotName, egui::Rect)>,
    /// Where each plot was laid out last frame, whole (in or out of
    /// view), points.
    pub plot_full: Vec<egui::Rect>,
    /// The central scroll area last frame (the plots scroll in it).
    scroll: Option<ScrollView>,
    /// The window's context, from the first frame on (actions applied
    /// between frames copy to its clipboard and ask it for screenshots).
    pub ctx: Option<egui::Context>,
    /// A paste was asked of the clipboard: `Some(None)` until the next
    /// frame sets when to give up waiting for it (input time, s).
    paste_asked: Option<Option<f64>>,
}

/// How long a paste asked for may take to arrive, s. The window sends no
/// paste at all when the clipboard holds no text (an image, a file, bytes
/// that are not UTF-8), so silence this long means there was none.
const PASTE_WAIT_S: f64 = 1.0;

impl Workshop {
    /// The area of every plot shown last frame, points (None: none shown).
    pub fn plot_area(&self) -> Option<egui::Rect> {
        let mut rects = self.plot_rects.iter().map(|(_, r)| *r);
        let first = rects.next()?;
        Some(rects.fold(first, |a, r| a.union(r)))
    }

    /// The whole plot area in the central scroll area's content
    /// coordinates, and that area's view, when part of it is out of view
    /// (then it is taken a screenful at a time).
    fn tall_plot_area(&self) -> Option<(egui::Rect, ScrollView)> {
        let view = self.scroll?;
        let mut rects = self.plot_full.iter().copied();
        let first = rects.next()?;
        let area = rects.fold(first, |a, r| a.union(r));
        let visible = area.intersect(view.inner);
        let cut = visible.height() < area.height() - 0.5;
        cut.then(|| (view.to_content(area), view))
    }

    /// Where `target` was drawn last frame, points.
    pub fn rect_of(&self, target: ImageTarget, screen: egui::Rect) -> Option<egui::Rect> {
        match target {
            ImageTarget::Window => Some(screen),
            ImageTarget::Plots => self.plot_area(),
            ImageTarget::Plot(kind) => self
                .plot_rects
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, r)| *r),
        }
    }

    /// Per frame, before the panels: pastes become actions; screenshots
    /// asked for are requested; finished ones, estimates and writes are
    /// taken in.
    pub fn before_panels(
        &mut self,
        ctx: &egui::Context,
        snap: &Snapshot,
        actions: &mut Vec<AppAction>,
    ) {
        self.check.watch(snap);
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        // A paste while a text field has the keyboard is that field's.
        if !ctx.egui_wants_keyboard_input() {
            let pasted = ctx.input(|i| {
                i.events.iter().find_map(|e| match e {
                    egui::Event::Paste(text) => Some(text.clone()),
                    _ => None,
                })
            });
            if let Some(text) = pasted {
                self.paste_asked = None;
                actions.push(AppAction::Workshop(WorkshopAction::Pasted(text)));
            }
        }
        if let Some(asked) = &mut self.paste_asked {
            let now = ctx.input(|i| i.time);
            let until = *asked.get_or_insert(now + PASTE_WAIT_S);
            if now >= until {
                self.paste_asked = None;
                actions.push(AppAction::ShowError(
                    "Nothing to paste: the clipboard holds no text (an image, a file, or bytes that are not UTF-8 text). The current scene keeps running.".into(),
                ));
            } else {
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        let screen = ctx.content_rect();
        let wanted = self.exports.due();
        let tall = self.tall_plot_area();
        if let (Some(ImageTarget::Plots), Some((area, view))) = (wanted, tall) {
            self.exports.request_tall(area, view);
        } else if let Some(target) = wanted {
            match self.rect_of(target, screen) {
                Some(rect) => self.exports.request(ctx, rect),
                None => {
                    self.exports.forget();
                    actions.push(AppAction::ShowError(
                        "That plot is not shown now: nothing to take a picture of.".into(),
                    ));
                }
            }
        }
        if let Some(failed) = self.exports.stitch_step(ctx, self.scroll) {
            actions.push(failed);
        }
        if let Some(shot) = self.exports.take_shot(ctx) {
            actions.push(shot);
        }
        let area = match self.gif.target() {
            ImageTarget::Plots => self.plot_area(),
            _ => Some(screen),
        };
        self.gif.frame(ctx, area, actions);
    }
}

impl Workshop {
    /// The workshop's windows: the goal check and the GIF panel.
    pub fn windows(&mut self, ctx: &egui::Context, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        self.check.ui(ctx, snap, actions);
        self.gif.ui(ctx, actions);
    }

    /// Where the central scroll area must be scrolled this frame (an
    /// image of the plot area under way), if anywhere.
    pub fn scroll_to(&mut self) -> Option<f32> {
        self.exports.scroll_to()
    }

    /// Remembers the central scroll area's view this frame.
    pub fn scrolled(&mut self, inner: egui::Rect, offset: f32) {
        self.scroll = Some(ScrollView { inner, offset });
    }

    /// Remembers where the plots were drawn (visible part, points) and
    /// gives each its context menu.
    pub fn plots_shown(&mut self, shown: &[super::plots::Shown], actions: &mut Vec<AppAction>) {
        self.plot_rects = shown
            .iter()
            .map(|s| (s.kind, s.rect))
            .filter(|(_, r)| r.is_positive())
            .collect();
        self.plot_full = shown.iter().map(|s| s.full).collect();
        plot_menus(shown, actions);
    }
}

/// The File menu's Export submenu.
pub fn export_menu(ui: &mut egui::Ui, actions: &mut Vec<AppAction>) {
    let mut push = |a: WorkshopAction| actions.push(AppAction::Workshop(a));
    if ui.button("Window as PNG…").clicked() {
        push(WorkshopAction::Image(ImageTarget::Window, ImageDest::File));
    }
    if ui.button("Plot area as PNG…").clicked() {
        push(WorkshopAction::Image(ImageTarget::Plots, ImageDest::File));
    }
    if ui
        .button("Plotted series as CSV…")
        .on_hover_text("A time column and one column per plotted line, named as in the legends")
        .clicked()
    {
        push(WorkshopAction::ExportCsv);
    }
    if ui
        .button("GIF of the last N seconds…")
        .on_hover_text("Record the window or the plot area, then write its last seconds")
        .clicked()
    {
        push(WorkshopAction::ShowGif);
    }
}

/// The Edit menu's scene sharing items.
pub fn edit_menu(ui: &mut egui::Ui, actions: &mut Vec<AppAction>) {
    if ui
        .button("Copy scene")
        .on_hover_text("The scene with your live changes, as text to post in a chat")
        .clicked()
    {
        actions.push(AppAction::Workshop(WorkshopAction::CopyScene));
    }
    if ui
        .add(super::commands::menu_button(
            ui,
            super::commands::UiCommand::Paste,
            None,
        ))
        .on_hover_text("Open a scene from text on the clipboard")
        .clicked()
    {
        actions.push(AppAction::Workshop(WorkshopAction::PasteScene));
    }
}

/// The plots' context menus: Save image and Copy image.
pub fn plot_menus(shown: &[super::plots::Shown], actions: &mut Vec<AppAction>) {
    for super::plots::Shown { kind, response, .. } in shown {
        response.context_menu(|ui| {
            let mut push = |d| {
                actions.push(AppAction::Workshop(WorkshopAction::Image(
                    ImageTarget::Plot(*kind),
                    d,
                )))
            };
            if ui.button("Save image…").clicked() {
                push(ImageDest::File);
            }
            if ui.button("Copy image").clicked() {
                push(ImageDest::Clipboard);
            }
        });
    }
}

impl AsyncLabApp {
    /// Carries out a workshop action (from [`AsyncLabApp::apply`]).
    pub(super) fn workshop(&mut self, action: WorkshopAction) {
        use WorkshopAction as W;
        match action {
            W::CopyScene => self.copy_scene(),
            W::PasteScene => {
                if let Some(ctx) = &self.workshop.ctx {
                    ctx.send_viewport_cmd(egui::ViewportCommand::RequestPaste);
                    self.workshop.paste_asked = Some(None);
                }
            }
            W::Pasted(text) => match crate::export::scene_from_text(&text) {
                Ok(scene) => self.apply(AppAction::Workshop(W::OpenScene(Box::new(scene)))),
                Err(e) => {
                    self.messages.error = Some(format!(
                        "Could not open the scene from the clipboard; the current one keeps running.\n\n{e}"
                    ))
                }
            },
            W::OpenScene(scene) => {
                self.files.path = None;
                let status = format!("opened \"{}\" from the clipboard", scene.title);
                self.load(Ok(*scene), Some(status));
            }
            W::Image(target, dest) => self.workshop.exports.ask(target, dest),
            W::ChooseImageFile => self.choose_export(Purpose::ExportPng),
            W::SaveImageTo(path) => {
                let done = self.workshop.exports.save_image(&path);
                self.report(done);
            }
            W::ExportCsv => self.choose_export(Purpose::ExportCsv),
            W::SaveCsvTo(path) => {
                let snap = self.host.snapshot().clone();
                let kinds = self.plot_kinds(&snap);
                let done = super::exports::save_csv(&path, &self.history, &snap, &kinds);
                self.report(done);
            }
            W::ShowGif => self.workshop.gif.open = true,
            W::SaveGif => self.choose_export(Purpose::ExportGif),
            W::SaveGifTo(path) => {
                let ctx = self.workshop.ctx.clone();
                if let Err(e) = self.workshop.gif.write(&path, ctx) {
                    self.messages.error = Some(e);
                }
            }
            W::CheckAnswer => self.workshop.check.open = true,
        }
    }

    /// Edit > Copy scene: the edited scene with live tweaks, as RON text.
    fn copy_scene(&mut self) {
        let edited = self.host.snapshot().edited.clone();
        match crate::export::scene_to_text(&edited) {
            Ok(text) => {
                if let Some(ctx) = &self.workshop.ctx {
                    ctx.copy_text(text);
                }
                self.messages.status = Some(format!(
                    "copied \"{}\" to the clipboard as text",
                    super::plain(&edited.title)
                ));
            }
            Err(e) => self.messages.error = Some(format!("Could not copy the scene.\n\n{e}")),
        }
    }

    /// A status line on success, the problem dialog on failure.
    fn report(&mut self, done: Result<String, String>) {
        match done {
            Ok(status) => self.messages.status = Some(status),
            Err(e) => self.messages.error = Some(e),
        }
    }

    /// Asks for the file an export goes to: the desktop's dialog where
    /// there is one, else the built-in browser.
    pub(super) fn choose_export(&mut self, purpose: Purpose) {
        match self.files.pick_export(purpose) {
            Some(Ok(Some(path))) => {
                let action = export_chosen(purpose, path);
                self.apply(action);
            }
            Some(Ok(None)) => self.messages.status = Some("no file chosen".into()),
            Some(Err(e)) => self.messages.error = Some(e),
            None => {
                let start = self.files.start_dir();
                self.browser.open(purpose, start.as_deref());
            }
        }
    }
}

/// What to do with a file chosen for an export.
pub fn export_chosen(purpose: Purpose, path: PathBuf) -> AppAction {
    AppAction::Workshop(match purpose {
        Purpose::ExportCsv => WorkshopAction::SaveCsvTo(path),
        Purpose::ExportGif => WorkshopAction::SaveGifTo(path),
        _ => WorkshopAction::SaveImageTo(path),
    })
}

/// "Check my answer" in the ended banner and the top bar, for a scene with
/// a goal.
pub fn check_button(ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
    if snap.edited.goal.is_some()
        && ui
            .button("Check my answer")
            .on_hover_text("This exercise's goal, threshold by threshold")
            .clicked()
    {
        actions.push(AppAction::Workshop(WorkshopAction::CheckAnswer));
    }
}

/// The GIF recorder, for tests and scripts.
impl AsyncLabApp {
    /// The whole plot area laid out last frame (every plot, in view or
    /// scrolled out of it, with titles and axes), points.
    pub fn plot_area_full(&self) -> Option<egui::Rect> {
        let mut rects = self.workshop.plot_full.iter().copied();
        let first = rects.next()?;
        Some(rects.fold(first, |a, r| a.union(r)))
    }

    /// Frames the GIF recorder holds, and the bytes they take.
    pub fn gif_held(&self) -> (usize, usize) {
        self.workshop.gif.held()
    }

    /// Waits (at most `timeout`) until every frame captured is held; false
    /// on timeout.
    pub fn gif_wait_idle(&self, timeout: std::time::Duration) -> bool {
        self.workshop.gif.wait_idle(timeout)
    }

    /// Sets the GIF panel's N (the last N seconds), as its slider does.
    pub fn set_gif_seconds(&mut self, seconds: f64) {
        self.workshop.gif.set_seconds(seconds);
    }

    /// Holds GIF writes before their first frame while `hold` is true
    /// (tests cancel a write that has surely not finished).
    pub fn hold_gif_writes(&mut self, hold: bool) {
        self.workshop
            .gif
            .hold_writes
            .store(hold, std::sync::atomic::Ordering::Relaxed);
    }
}
