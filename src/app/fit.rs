//! Presentation mode fits the window: the scene's key plots get the room
//! they need to be read whole (at least two of them, with their titles and
//! axes), and what stands above them folds, in this order, when the window
//! is too small for both:
//!
//! ```text
//!  Lesson    the lesson to one line
//!  Strip     the bottleneck strip to its headline line
//!  Diagram   the diagram behind a key (D, or the button on its line)
//!  Headline  the figures in smaller type, without the worst so far; the
//!            ledgers' gap to one line
//!  Below     the figures below the plots (scrolled to; comparing, each
//!            twin's name and switches stay above, and the difference
//!            line says what the figures would)
//! ```
//!
//! Below [`LEAST_WINDOW`] points (1920×1080 at 250%) even the folded
//! parts and two plots do not fit: such a window is presented at the
//! largest scale that gives it that room ([`presenting_zoom`]).
//!
//! Each part's height is measured as it is drawn, folded or not, and the
//! next frame's fold is chosen from those measures, not from the parts as
//! folded now, so a fold never undoes itself frame after frame.

use std::cell::Cell;

/// How far the parts above the plots are folded (each level folds its
/// part and every part before it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fold {
    /// Nothing folded.
    #[default]
    None,
    /// The lesson on one line.
    Lesson,
    /// ... and the bottleneck strip on its headline line.
    Strip,
    /// ... and the diagram behind a key.
    Diagram,
    /// ... and the headline to smaller figures without the worst so far,
    /// its ledgers' gap on one line.
    Headline,
    /// ... and the figures below the plots (many twins in a small window).
    Below,
}

impl Fold {
    /// Every level, least folded first.
    const ALL: [Fold; 6] = [
        Fold::None,
        Fold::Lesson,
        Fold::Strip,
        Fold::Diagram,
        Fold::Headline,
        Fold::Below,
    ];
}

/// A part above the plots that can fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The lesson strip.
    Lesson,
    /// The bottleneck strip.
    Strip,
    /// The diagram (comparing: the twins' diagrams).
    Diagram,
    /// The headline figures and the ledgers' gap (comparing: the tallest
    /// twin's).
    Headline,
}

impl Part {
    const ALL: [Part; 4] = [Part::Lesson, Part::Strip, Part::Diagram, Part::Headline];

    fn index(self) -> usize {
        self as usize
    }

    /// The fold level that folds this part.
    fn level(self) -> Fold {
        Fold::ALL[self.index() + 1]
    }
}

/// Smallest height of a plot in presentation mode, points, its x axis
/// included (the title above it is apart): what the back of the room
/// still reads.
pub const MIN_PLOT_H: f32 = super::plots::MIN_FRAME_H;

/// Least height of a plot in presentation mode once everything above the
/// plots is folded, points: 60 points are 150 pixels at 250%, still read
/// from the back of a room, and what lets two plots stand whole in a
/// 1920×1080 window at 250% (768×432 points).
pub const LEAST_PLOT_H: f32 = 60.0;

/// Smallest height of the diagram when it is shown, points.
pub const MIN_DIAGRAM_H: f32 = 130.0;

/// Height of one plot row besides the plot: its title and the gap below,
/// points.
pub const PLOT_ROW_EXTRA: f32 = super::plots::TITLE_H + 6.0;

/// Room kept for a plot's legend wrapping to a second line, and for the
/// margins below the plots, points.
const SLACK_H: f32 = 30.0;

/// The margin kept below the plots when only the first rows fit, points.
const MARGIN_H: f32 = 8.0;

/// A folded part not yet measured is taken to be this high, points.
const ONE_LINE_GUESS: f32 = 24.0;

/// How many plots must be whole on screen, at least.
pub const WHOLE_PLOTS: usize = 2;

/// The fold for this frame and what each part measured, points. Parts
/// note their heights through a shared reference as they draw (the
/// compare view draws its twins in columns).
#[derive(Default)]
pub struct Fit {
    /// This frame's fold.
    fold: Fold,
    /// Each part's height when last drawn unfolded (`None`: not yet).
    natural: [Option<f32>; 4],
    /// Each part's height when last drawn folded (`None`: not yet).
    folded: [Option<f32>; 4],
    /// What stayed above the plots of the headline when its figures went
    /// below them, points (`None`: not yet).
    below: Option<f32>,
    /// This frame's measures: the parts drawn (the tallest, when a part
    /// is drawn once per twin).
    drawn: [Cell<Option<f32>>; 4],
    /// This frame's height above the plots that never folds (comparing:
    /// the difference between the twins), points.
    fixed: Cell<f32>,
    /// The folded diagram is shown all the same (its key, D).
    diagram_anyway: Cell<bool>,
    /// The window's width the measures were taken at, points: text wraps
    /// differently at another (a resize, or a new scale).
    width: Option<f32>,
}

impl Fit {
    /// This frame's fold.
    pub fn fold(&self) -> Fold {
        self.fold
    }

    /// Whether `part` is folded this frame.
    pub fn folds(&self, part: Part) -> bool {
        self.fold >= part.level()
    }

    /// Whether the headline's figures go below the plots this frame.
    pub fn figures_below(&self) -> bool {
        self.fold >= Fold::Below
    }

    /// Whether the diagram is drawn this frame (not folded, or shown by
    /// its key).
    pub fn shows_diagram(&self) -> bool {
        !self.folds(Part::Diagram) || self.diagram_anyway.get()
    }

    /// Notes the height `part` took as drawn this frame, points.
    pub fn measure(&self, part: Part, height: f32) {
        let cell = &self.drawn[part.index()];
        cell.set(Some(cell.get().unwrap_or(0.0).max(height)));
    }

    /// Notes a height above the plots that never folds, points.
    pub fn measure_fixed(&self, height: f32) {
        self.fixed.set(self.fixed.get() + height);
    }

    /// Chooses the next frame's fold: the least that leaves `need` points
    /// for the plots out of `budget` (what the parts and the plots share),
    /// from each part's measures. Returns true when it changed (the caller
    /// asks for another frame).
    pub fn finish(&mut self, budget: f32, need: f32) -> bool {
        let budget = budget - self.fixed.take();
        for part in Part::ALL {
            let i = part.index();
            if let Some(h) = self.drawn[i].take() {
                let folded =
                    self.folds(part) && !(part == Part::Diagram && self.diagram_anyway.get());
                if part == Part::Headline && self.figures_below() {
                    self.below = Some(h);
                } else if folded {
                    self.folded[i] = Some(h);
                } else {
                    self.natural[i] = Some(h);
                }
            }
        }
        let next = self.choose(budget, need);
        let changed = next != self.fold;
        self.fold = next;
        changed
    }

    /// The least fold at which the parts' heights and `need` fit in
    /// `budget`; the most when none does.
    fn choose(&self, budget: f32, need: f32) -> Fold {
        let height = |part: Part, level: Fold| -> f32 {
            let i = part.index();
            let natural = self.natural[i].unwrap_or(0.0);
            if part == Part::Headline && level >= Fold::Below {
                // Not yet seen: about a line of twins' names.
                return self.below.unwrap_or(ONE_LINE_GUESS).min(natural);
            }
            if level >= part.level() {
                // Not yet seen folded: about one line (the headline keeps
                // its main figures); folded is never taller.
                let guess = match part {
                    Part::Headline => natural * 0.6,
                    _ => ONE_LINE_GUESS,
                };
                self.folded[i].unwrap_or(guess).min(natural)
            } else {
                natural
            }
        };
        let least = Fold::ALL
            .into_iter()
            .find(|level| {
                let parts: f32 = Part::ALL.iter().map(|p| height(*p, *level)).sum();
                parts + need <= budget
            })
            .unwrap_or(Fold::Below);
        // The figures go below the plots only once their folded height is
        // known not to fit: drawn below, it is never measured above.
        if least == Fold::Below && self.folded[Part::Headline.index()].is_none() {
            Fold::Headline
        } else {
            least
        }
    }

    /// Notes the window's width, points: at a new width (a resize, a new
    /// scale) every part wraps anew, so the measures start over and
    /// nothing is folded until they are taken again (a fold chosen from a
    /// narrower window's heights would otherwise stay, never re-measured).
    pub fn window_width(&mut self, width: f32) {
        if self.width.is_some_and(|w| (w - width).abs() <= 0.5) {
            return;
        }
        self.width = Some(width);
        self.fold = Fold::None;
        self.natural = [None; 4];
        self.folded = [None; 4];
        self.below = None;
    }

    /// Leaves presentation mode (or its window): nothing folded, measures
    /// kept.
    pub fn reset(&mut self) {
        self.fold = Fold::None;
        for cell in &self.drawn {
            cell.set(None);
        }
        self.fixed.set(0.0);
    }

    /// Shows the folded diagram, or folds it again (its key, D).
    pub fn toggle_diagram(&self) {
        self.diagram_anyway.set(!self.diagram_anyway.get());
    }

    /// Whether the folded diagram is shown all the same (its key).
    pub fn diagram_shown_anyway(&self) -> bool {
        self.diagram_anyway.get()
    }

    /// The line that stands for the folded diagram: a button that shows
    /// it (or folds it again), as its key in the command table does.
    pub fn diagram_key(&self, ui: &mut egui::Ui) {
        let key = super::commands::UiCommand::Diagram.shortcut(ui.ctx().os());
        let text = if self.diagram_anyway.get() {
            format!("Fold the diagram ({key})")
        } else {
            format!("Diagram folded: show it ({key})")
        };
        let clicked = ui
            .small_button(text)
            .on_hover_text("The window is too small for the diagram and two whole plots")
            .clicked();
        if clicked {
            self.toggle_diagram();
        }
    }

    /// What the plots need: `WHOLE_PLOTS` of them at a readable height, in
    /// `columns` columns, points.
    pub fn plots_need(columns: usize) -> f32 {
        let rows = WHOLE_PLOTS.div_ceil(columns.max(1)) as f32;
        rows * (MIN_PLOT_H + PLOT_ROW_EXTRA) + SLACK_H
    }
}

/// The least window presentation mode lays out, points: what 1920×1080
/// pixels are at 250%, where the parts fold and two key plots stand
/// whole. A smaller window (1280×720 at 200%) is shown at the largest
/// scale that still gives this room: the same picture in proportion, as
/// a slide scales to its screen.
pub const LEAST_WINDOW: egui::Vec2 = egui::vec2(768.0, 432.0);

/// The UI scale presentation mode uses in a window of `window` points at
/// 100%, when the user chose `chosen`: the chosen scale, or the largest
/// whole percent below it that leaves [`LEAST_WINDOW`] (never below
/// 100%).
pub fn presenting_zoom(chosen: f32, window: egui::Vec2) -> f32 {
    let fits = (window.x / LEAST_WINDOW.x).min(window.y / LEAST_WINDOW.y);
    // Whole percents, rounded down: the room the layout was tested on is
    // kept, and a window resized by a pixel does not re-zoom.
    let fits = (fits * 100.0).floor() / 100.0;
    chosen.min(fits).max(1.0)
}

/// In presentation mode the plots go in two columns when the space for
/// them is wider than this, points (out of it, from
/// [`super::plots::TWO_COLUMNS_MIN_W`]): two plots side by side are what
/// a small window at a large scale can show whole.
pub const TWO_COLUMNS_MIN_W: f32 = 400.0;

/// Columns of plots in `width` points in presentation mode.
pub fn columns(width: f32) -> usize {
    if width > TWO_COLUMNS_MIN_W { 2 } else { 1 }
}

/// How high each plot is in presentation mode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotHeight {
    /// Each plot's height, points (its title row apart).
    pub height: f32,
    /// The least its frame may shrink to when its legend wraps, points:
    /// [`LEAST_PLOT_H`] when the first rows are sized to fill the window
    /// exactly, else the usual [`MIN_PLOT_H`].
    pub least_frame: f32,
}

/// The height of each of `count` plots in presentation mode when `height`
/// points are left for them in `columns` columns: all of them when each
/// row can be read; else the first [`WHOLE_PLOTS`] fill the space (down
/// to [`LEAST_PLOT_H`]) and the rest follow below; in a window too small
/// even for that, readable plots the area scrolls to.
pub fn plot_height(height: f32, columns: usize, count: usize) -> PlotHeight {
    let columns = columns.max(1);
    let rows = |n: usize| n.max(1).div_ceil(columns) as f32;
    let usual = |height| PlotHeight {
        height,
        least_frame: MIN_PLOT_H,
    };
    let all = height / rows(count) - PLOT_ROW_EXTRA;
    if all >= MIN_PLOT_H {
        return usual(all);
    }
    // A legend that wraps takes its lines from its plot's frame (see
    // `plots::show_in`), so only the margin below the rows is kept here.
    let some = (height - MARGIN_H) / rows(count.min(WHOLE_PLOTS)) - PLOT_ROW_EXTRA;
    if some >= LEAST_PLOT_H + PLOT_ROW_EXTRA {
        PlotHeight {
            height: some,
            least_frame: LEAST_PLOT_H,
        }
    } else {
        usual(MIN_PLOT_H)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(fit: &mut Fit, parts: [f32; 4]) {
        for (part, h) in Part::ALL.into_iter().zip(parts) {
            fit.measure(part, h);
        }
    }

    #[test]
    fn folds_in_order_only_as_far_as_needed_and_never_flips_back() {
        let mut fit = Fit::default();
        // Lesson 60, strip 72, diagram 150, headline 100: 382 over the plots.
        seen(&mut fit, [60.0, 72.0, 150.0, 100.0]);
        assert!(!fit.finish(382.0 + 300.0, 300.0));
        assert_eq!(fit.fold(), Fold::None);
        seen(&mut fit, [60.0, 72.0, 150.0, 100.0]);
        fit.finish(382.0 + 300.0 - 1.0, 300.0);
        assert_eq!(fit.fold(), Fold::Lesson, "the lesson folds first");
        // Drawn folded, the lesson is one line: the fold stays.
        seen(&mut fit, [20.0, 72.0, 150.0, 100.0]);
        assert!(!fit.finish(382.0 + 300.0 - 1.0, 300.0));
        assert_eq!(fit.fold(), Fold::Lesson);
        // Much smaller: the strip, then the diagram fold, and the folded
        // figures are tried before they go below the plots.
        seen(&mut fit, [20.0, 72.0, 150.0, 100.0]);
        fit.finish(350.0, 300.0);
        assert_eq!(fit.fold(), Fold::Headline, "the folded figures tried first");
        seen(&mut fit, [20.0, 20.0, 24.0, 60.0]);
        fit.finish(350.0, 300.0);
        assert_eq!(fit.fold(), Fold::Below, "nothing fits: all folded");
        assert!(fit.figures_below());
        // Drawn so, what stays above is small: the headline comes back
        // above the plots as soon as its folded figures (60) fit.
        seen(&mut fit, [20.0, 20.0, 24.0, 0.0]);
        fit.finish(350.0, 300.0);
        assert_eq!(fit.fold(), Fold::Below);
        seen(&mut fit, [20.0, 20.0, 24.0, 0.0]);
        fit.finish(20.0 + 20.0 + 24.0 + 60.0 + 300.0, 300.0);
        assert_eq!(fit.fold(), Fold::Headline, "the folded figures fit above");
        seen(&mut fit, [20.0, 20.0, 24.0, 30.0]);
        fit.finish(350.0, 300.0);
        assert!(fit.folds(Part::Diagram) && fit.folds(Part::Strip));
        // Room again: everything unfolds from the natural heights.
        seen(&mut fit, [20.0, 20.0, 24.0, 60.0]);
        fit.finish(2000.0, 300.0);
        assert_eq!(fit.fold(), Fold::None);
    }

    #[test]
    fn a_new_window_width_measures_again() {
        let mut fit = Fit::default();
        fit.window_width(500.0);
        seen(&mut fit, [60.0, 72.0, 150.0, 300.0]);
        fit.finish(400.0, 300.0);
        seen(&mut fit, [20.0, 20.0, 24.0, 200.0]);
        fit.finish(400.0, 300.0);
        assert_eq!(fit.fold(), Fold::Below, "narrow: the figures go below");
        // The same width: kept.
        fit.window_width(500.2);
        assert_eq!(fit.fold(), Fold::Below);
        // Wider, the parts wrap less: measured again from nothing folded.
        fit.window_width(770.0);
        assert_eq!(fit.fold(), Fold::None);
        seen(&mut fit, [30.0, 30.0, 150.0, 80.0]);
        fit.finish(30.0 + 30.0 + 24.0 + 80.0 + 300.0, 300.0);
        assert_eq!(fit.fold(), Fold::Diagram, "the wide window's own heights");
    }

    #[test]
    fn plots_fill_the_space_or_the_first_two_do() {
        // Four plots in two columns in 600 points: two rows of 300.
        assert_eq!(plot_height(600.0, 2, 4).height, 300.0 - PLOT_ROW_EXTRA);
        // In 250 points two rows are too low: the first row fills it
        // (a legend's second line comes out of the frame).
        assert_eq!(
            plot_height(250.0, 2, 4).height,
            250.0 - MARGIN_H - PLOT_ROW_EXTRA
        );
        assert_eq!(plot_height(250.0, 2, 4).least_frame, LEAST_PLOT_H);
        // Too small even for that: readable plots, scrolled to.
        assert_eq!(plot_height(100.0, 2, 4).height, MIN_PLOT_H);
        assert_eq!(plot_height(100.0, 2, 4).least_frame, MIN_PLOT_H);
        // One column: the first two share the space.
        assert_eq!(
            plot_height(400.0, 1, 4).height,
            (400.0 - MARGIN_H) / 2.0 - PLOT_ROW_EXTRA
        );
        let row = MIN_PLOT_H + PLOT_ROW_EXTRA;
        assert_eq!(Fit::plots_need(2), row + SLACK_H);
        assert_eq!(Fit::plots_need(1), 2.0 * row + SLACK_H);
    }

    #[test]
    fn presenting_zoom_keeps_the_chosen_scale_where_the_window_holds_it() {
        let full_hd = egui::vec2(1920.0, 1080.0);
        assert_eq!(presenting_zoom(2.5, full_hd), 2.5);
        assert_eq!(presenting_zoom(1.5, egui::vec2(1280.0, 720.0)), 1.5);
        // 1280×720 holds 768×432 points up to 166%.
        assert_eq!(presenting_zoom(2.5, egui::vec2(1280.0, 720.0)), 1.66);
        assert_eq!(presenting_zoom(2.0, egui::vec2(1280.0, 720.0)), 1.66);
        // A tall narrow window: its width decides.
        assert_eq!(presenting_zoom(2.5, egui::vec2(1000.0, 2000.0)), 1.3);
        // Never below 100%.
        assert_eq!(presenting_zoom(2.0, egui::vec2(400.0, 300.0)), 1.0);
    }
}
