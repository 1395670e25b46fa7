//! The failure counters under the diagram: totals so far by reason, dead
//! letters, retries, wasted work and commits.

use super::palette;
use crate::fmt::thousands;
use crate::host::Snapshot;

/// Draws the counters of the first run (the solo run, or twin 0).
pub fn ui(ui: &mut egui::Ui, snap: &Snapshot) {
    let t = &snap.first().totals;
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        // The calls' reasons only where the scene calls dependencies.
        let calls = !snap.first().live.dependencies.is_empty();
        for (k, r) in crate::sim::Reason::listed(calls).iter().enumerate() {
            ui.colored_label(
                palette::text(palette::REASONS[k], dark),
                format!("{}: {}", crate::words::reason(*r), thousands(t.errors[*r])),
            );
        }
        ui.label(format!("dead letters: {}", thousands(t.dead_letters)));
        ui.label(format!(
            "retries: {}",
            thousands(t.user_retries + t.system_retries)
        ));
        ui.label(format!("wasted: {}", thousands(t.wasted)));
        ui.label(format!(
            "committed: {}",
            thousands(snap.first().ledgers.work.committed)
        ));
    });
}
