//! The headline: the figures the room reads, over one trailing span and
//! labelled with it (p95 wait, the SLA share, the error share), the queue
//! with its backoff, cost and revenue per hour with their totals, an
//! overload badge, and both ledgers with what lies between them.

use super::history::History;
use super::palette;
use super::room::{self, say};
use crate::compare::SpanCounts;
use crate::fmt::{dollars, secs, share, thousands};
use crate::host::RunSnapshot;
use crate::sim::{Gauges, Ledgers, Settings};
use egui::{Color32, RichText};

/// What the headline reads of one run: the solo run, or one twin.
#[derive(Clone, Copy)]
pub struct RunView<'a> {
    /// Live settings (the SLA, the percentile span, prices).
    pub live: &'a Settings,
    /// Live levels.
    pub gauges: &'a Gauges,
    /// Both ledgers.
    pub ledgers: &'a Ledgers,
}

impl<'a> RunView<'a> {
    /// One run: the solo run, or one twin of a comparison.
    pub fn of(t: &'a RunSnapshot) -> Self {
        RunView {
            live: &t.live,
            gauges: &t.gauges,
            ledgers: &t.ledgers,
        }
    }
}

/// Above this error share the errors, not the percentile, are the news:
/// a fast error must never look like a good answer.
const ERRORS_DOMINATE: f64 = 0.5;

/// Draws the figures, then both ledgers. `folded` (presentation mode in a
/// window too small for it all): without the worst so far, and the gap
/// between the ledgers on one line.
pub fn ui(
    ui: &mut egui::Ui,
    run: RunView<'_>,
    history: &History,
    presentation: bool,
    folded: bool,
) {
    figures(ui, run, history, folded);
    if presentation {
        // The room reads the figures; the gap between the ledgers still
        // shows when there is one.
        gaps(ui, run.ledgers, folded);
    } else {
        ledgers(ui, run.ledgers);
    }
}

/// The headline figures, in large type; `folded`: in smaller type,
/// without the worst so far (every figure of the live run stays, the
/// cost included: each stays reachable at any scale and window).
fn figures(ui: &mut egui::Ui, run: RunView<'_>, history: &History, folded: bool) {
    let last = history.last.as_ref();
    let span = format!("last {}", crate::fmt::span(run.live.percentile_window_s));
    let p95 = last.map_or(f64::NAN, |w| w.wait.p95);
    // Shares and the error rate over the one trailing span the label
    // names; arrivals shed at the simulation limit are the simulator's,
    // shown apart below, not the system's errors or misses.
    let counts = last.map(|w| SpanCounts::of(w, run.live));
    let sla = counts.map_or(f64::NAN, |c| c.sla_share());
    let errors = counts.map_or(f64::NAN, |c| c.error_share());
    let errors_per_min = counts.map_or(0.0, |c| c.errors_per_min());
    let shed_per_min = counts.map_or(0.0, |c| c.shed_per_min());
    let target = run.live.sla.wait_target_s;
    let failing = errors >= ERRORS_DOMINATE;
    ui.horizontal_wrapped(|ui| {
        if folded {
            ui.style_mut()
                .text_styles
                .insert(figure_style(), egui::FontId::proportional(FOLDED_FIGURE_PT));
        }
        let p95_text = if p95.is_nan() { "—".to_string() } else { secs(p95) };
        let p95_bad = p95 > target || failing;
        big(ui, &format!("p95 wait · {span}"), p95_text, p95_bad.then_some(palette::RED))
            .on_hover_text("95% of the users who saw an outcome in this span waited at most this long (errors and timeouts included). '—': fewer than 100 outcomes.");
        big(
            ui,
            &format!("answered within {} · {span}", crate::fmt::target(target)),
            share(sla),
            (sla < 0.95).then_some(palette::AMBER),
        )
        .on_hover_text("Successes within the wait target / the system's outcomes in the same span: a fast error is a miss.");
        let err_text = format!("{} ({}/min)", share(errors), thousands(errors_per_min.round() as u64));
        big(ui, &format!("errors · {span}"), err_text, (errors > 0.0).then_some(palette::RED))
            .on_hover_text("The system's errors (timeouts, refusals, failed writes) / its outcomes, and per minute, both over the same span. Arrivals shed at the simulation limit are not counted here.");
        let g = run.gauges;
        let oldest = last.map_or(0.0, |w| w.oldest_job_age_s);
        let queue = format!("{} queued · {} in backoff", thousands(g.queue_len), thousands(g.in_backoff));
        big(ui, "jobs waiting", queue, None).on_hover_text(format!(
            "Queued in the broker, plus jobs waiting out a retry backoff (not lost). Oldest queued job: {} since it was queued.",
            secs(oldest)
        ));
        money(ui, run, history);
        if !folded {
            worst(ui, run, history);
        }
        if g.held >= g.held_limit || shed_per_min > 0.0 {
            let text = format!("LIMIT: shed {}/min", thousands(shed_per_min.round() as u64));
            big(ui, &format!("simulator · {span}"), text, Some(palette::RED)).on_hover_text(format!(
                "The simulation holds {} actions and requests (its limit is {}, limits.max_in_flight): arrivals beyond it are shed and counted as 'simulation limit'. This is the simulator's bound, not the modelled system's behaviour, so they are not in the errors or the share answered.",
                thousands(g.held),
                thousands(g.held_limit)
            ));
        }
    });
}

/// Cost per hour with its running total; revenue likewise when the scene
/// charges for processing.
fn money(ui: &mut egui::Ui, run: RunView<'_>, history: &History) {
    let g = run.gauges;
    let cost = format!(
        "{}/h · {} so far",
        dollars(g.cost_per_hour),
        dollars(g.cost_so_far)
    );
    big(ui, "capacity cost", cost, None).on_hover_text(
        "Provisioned server workers, DB connections and queue workers × their prices.",
    );
    if run.live.cost.revenue_per_action.iter().any(|r| *r > 0.0) {
        // Over the same trailing span as the p95, and labelled with it.
        let span_s = run.live.percentile_window_s;
        let rates = history.revenue_per_hour(span_s);
        let per_hour: f64 = rates.iter().sum();
        let total: f64 = g.revenue_so_far.iter().sum();
        let by_tier: Vec<String> = ["free", "standard", "premium"]
            .iter()
            .zip(g.revenue_so_far)
            .zip(rates)
            .map(|((t, so_far), rate)| {
                format!("{t}: {}/h, {} so far", dollars(rate), dollars(so_far))
            })
            .collect();
        let text = format!("{}/h · {} so far", dollars(per_hour), dollars(total));
        let name = format!("revenue · last {}", crate::fmt::span(span_s));
        big(ui, &name, text, Some(palette::OK)).on_hover_text(by_tier.join("\n"));
    }
}

/// Once the run has missed its wait target or shown errors, the worst it
/// has been so far, so the peak's figures stay on screen after it passed.
fn worst(ui: &mut egui::Ui, run: RunView<'_>, history: &History) {
    let w = &history.worst;
    let target = run.live.sla.wait_target_s;
    let (p95, p95_at) = w.wait_p95_s;
    let (errors, errors_at) = w.errors_per_min;
    if !(p95 > target || errors > 0.0) {
        return;
    }
    let (cost, _) = w.cost_per_hour;
    let p95_text = if p95.is_nan() {
        "—".to_string()
    } else {
        secs(p95)
    };
    let text = format!(
        "p95 {p95_text} · {}/min errors · {}/h",
        thousands(errors.round() as u64),
        dollars(cost)
    );
    let span = crate::fmt::span(run.live.percentile_window_s);
    big(ui, "worst so far", text, Some(palette::RED)).on_hover_text(format!(
        "The highest p95 wait of any trailing {span} so far (at {}), the most errors per minute over a trailing minute (at {}), and the highest capacity cost rate.",
        crate::fmt::clock(p95_at),
        crate::fmt::clock(errors_at)
    ));
}

/// Both ledgers, and the gap between them in words.
fn ledgers(ui: &mut egui::Ui, ledgers: &Ledgers) {
    let a = &ledgers.actions;
    let w = &ledgers.work;
    let f = &w.in_flight;
    let other = f.total() - f.queued - f.backoff;
    let t = thousands;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Users saw").strong());
        nowrap(ui, say(ui.ctx(), &format!(
            "{} actions = {} succeeded + {} failed + {} waiting",
            t(a.issued), t(a.succeeded), t(a.failed.total()), t(a.awaiting)
        )))
        .on_hover_text(failed_by_reason(a));
        ui.separator();
        ui.label(RichText::new("System did").strong());
        nowrap(ui, say(ui.ctx(), &format!(
            "{} requests = {} committed + {} queued + {} in backoff + {} dead-lettered + {} rejected + {} in progress",
            t(w.requests), t(w.committed), t(f.queued), t(f.backoff), t(w.dead_lettered), t(w.rejected.total()), t(other)
        )))
        .on_hover_text("Each click is a request; in async its job is queued, written, retried after a backoff, or dead-lettered after its last attempt.");
        let balanced = a.balances() && w.balances();
        let (text, color) = if balanced {
            ("both ledgers balance", palette::OK)
        } else {
            ("LEDGERS DO NOT BALANCE", palette::RED)
        };
        ui.colored_label(palette::text(color, ui.visuals().dark_mode), say(ui.ctx(), text));
    });
    gaps(ui, ledgers, false);
}

/// What lies between the two ledgers, in red, when anything does; on one
/// line cut with "…" (the whole on hover) when `one_line`.
fn gaps(ui: &mut egui::Ui, ledgers: &Ledgers, one_line: bool) {
    let gaps = gap_sentences(ledgers);
    if !gaps.is_empty() {
        let text = gaps.join(" · ");
        let mode = if one_line {
            egui::TextWrapMode::Truncate
        } else {
            egui::TextWrapMode::Wrap
        };
        let color = palette::text(palette::RED, ui.visuals().dark_mode);
        let said = RichText::new(say(ui.ctx(), &text)).color(color);
        let response = ui.add(egui::Label::new(said).wrap_mode(mode));
        engineer_hover(response, &text, ui.ctx());
    }
}

/// What lies between the two ledgers, said in words.
pub fn gap_sentences(ledgers: &Ledgers) -> Vec<String> {
    let w = &ledgers.work;
    let t = thousands;
    let mut out = Vec::new();
    if w.dead_lettered_after_ack > 0 {
        out.push(format!(
            "{} acknowledged, then dead-lettered: the users were told it worked",
            t(w.dead_lettered_after_ack)
        ));
    }
    let silent = w.dead_lettered - w.dead_lettered_after_ack;
    if silent > 0 {
        out.push(format!(
            "{} dead-lettered after their users gave up",
            t(silent)
        ));
    }
    if w.committed_wasted > 0 {
        out.push(format!(
            "{} committed after their users gave up (wasted work)",
            t(w.committed_wasted)
        ));
    }
    if w.rejected.sim_limit > 0 {
        out.push(format!(
            "{} shed at the simulation limit",
            t(w.rejected.sim_limit)
        ));
    }
    out
}

fn failed_by_reason(a: &crate::sim::metrics::ActionLedger) -> String {
    crate::sim::Reason::ALL
        .iter()
        .filter(|r| !r.of_calls() || a.failed[**r] > 0)
        .map(|r| format!("{}: {}", crate::words::reason(*r), thousands(a.failed[*r])))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sentence that wraps between words (a number has no spaces, so it
/// never breaks).
fn nowrap(ui: &mut egui::Ui, text: String) -> egui::Response {
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Wrap))
}

/// Size of a figure's value when the headline is folded, points (22
/// otherwise).
const FOLDED_FIGURE_PT: f32 = 16.0;

/// The text style of a figure's value (22 points unless the headline is
/// folded).
fn figure_style() -> egui::TextStyle {
    egui::TextStyle::Name("headline figure".into())
}

/// One figure: its name small above its value large (in `color` if
/// given), then a gap. Measured before it is placed, so the row wraps
/// whole figures and never cuts one off or breaks a number.
fn big(ui: &mut egui::Ui, name: &str, value: String, color: Option<Color32>) -> egui::Response {
    // Screen readers and tests read the figure by its engineer's name
    // ("p95 wait · last 10 s: 15.0 s") whatever words the room sees.
    let label = format!("{name}: {value}");
    let (name, value) = (say(ui.ctx(), name), say(ui.ctx(), &value));
    let text_color = ui.visuals().text_color();
    let small = egui::TextStyle::Small.resolve(ui.style());
    // The figure's type: large, or smaller when the headline is folded.
    let large = ui
        .style()
        .text_styles
        .get(&figure_style())
        .cloned()
        .unwrap_or(egui::FontId::proportional(22.0));
    // A narrow column (eight twins side by side) wraps the name and
    // shrinks the value rather than painting over its neighbour.
    let room = (ui.max_rect().width() - 14.0).max(30.0);
    let name_g = ui.painter().layout(name, small, text_color, room);
    let strong = ui.visuals().strong_text_color();
    // A state's colour as text on this theme (the theme table's variant).
    let value_color = color
        .map(|c| palette::text(c, ui.visuals().dark_mode))
        .unwrap_or(strong);
    let mut value_g = ui
        .painter()
        .layout_no_wrap(value.clone(), large.clone(), value_color);
    if value_g.size().x > room {
        let size = (large.size * room / value_g.size().x).max(9.0);
        let font = egui::FontId::new(size, large.family.clone());
        value_g = ui.painter().layout_no_wrap(value, font, value_color);
    }
    let size = egui::vec2(
        name_g.size().x.max(value_g.size().x) + 14.0,
        name_g.size().y + value_g.size().y + 2.0,
    );
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
    let painter = ui.painter();
    painter.galley(rect.min, name_g.clone(), text_color);
    painter.galley(
        rect.min + egui::vec2(0.0, name_g.size().y + 2.0),
        value_g,
        text_color,
    );
    let x = rect.right() - 6.0;
    painter.line_segment(
        [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
        ui.visuals().widgets.noninteractive.bg_stroke,
    );
    engineer_hover(response, &label, ui.ctx())
}

/// In the room's words, a text's hover also gives the engineer's own.
fn engineer_hover(response: egui::Response, text: &str, ctx: &egui::Context) -> egui::Response {
    if !room::plain_words(ctx) {
        return response;
    }
    match crate::glossary::engineer_hover(text) {
        Some(hover) => response.on_hover_text(hover),
        None => response,
    }
}
