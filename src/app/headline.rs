//! The headline strip under the top bar: p95 wait now, backlog, errors per
//! minute, SLA share and the action ledger, in large type.

use super::history::History;
use super::palette;
use crate::host::Snapshot;
use egui::{Color32, RichText};

/// Draws the strip.
pub fn ui(ui: &mut egui::Ui, snap: &Snapshot, history: &History) {
    let last = history.last.as_ref();
    let p95 = last.map_or(f64::NAN, |w| w.wait.p95);
    let sla = last.map_or(f64::NAN, |w| w.sla_share);
    let l = &snap.ledgers.actions;
    let failed: u64 = l.failed.total();
    let thousands = crate::fmt::thousands;
    ui.horizontal_wrapped(|ui| {
        let p95_color = (p95 > snap.live.sla.wait_target_s).then_some(palette::RED);
        big(ui, "p95 wait now", crate::fmt::secs(p95), p95_color);
        big(ui, "queue backlog", thousands(snap.gauges.queue_len), None);
        let epm = history.errors_per_min();
        big(
            ui,
            "errors / min",
            thousands(epm.round() as u64),
            (epm > 0.0).then_some(palette::RED),
        );
        let sla_text = if sla.is_nan() {
            "–".to_string()
        } else {
            format!("{:.1} %", sla * 100.0)
        };
        let target = crate::fmt::target(snap.live.sla.wait_target_s);
        big(ui, &format!("answered within {target}"), sla_text, None);
        big(ui, "issued", thousands(l.issued), None);
        big(ui, "succeeded", thousands(l.succeeded), Some(palette::OK));
        big(
            ui,
            "failed",
            thousands(failed),
            (failed > 0).then_some(palette::RED),
        );
        big(ui, "in flight", thousands(l.awaiting), None);
        ui.label(if l.balances() {
            "ledger balances"
        } else {
            "LEDGER DOES NOT BALANCE"
        })
        .on_hover_text("issued = succeeded + failed + in flight: nothing is lost");
    });
}

/// One figure: its name small, its value large (in `color` if given), and
/// a separator after it.
fn big(ui: &mut egui::Ui, name: &str, value: String, color: Option<Color32>) {
    ui.vertical(|ui| {
        ui.label(RichText::new(name).small());
        let t = RichText::new(value).size(22.0).strong();
        ui.label(match color {
            Some(c) => t.color(c),
            None => t,
        });
    });
    ui.separator();
}
