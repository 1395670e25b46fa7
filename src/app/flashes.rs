//! Failure flashes: short-lived labels ("timeout ×12") that rise from the
//! part of the diagram where requests fail, made from each new window's
//! failure counts.

use super::diagram::{FLASH_JOIN_S, FLASH_LIFE_S, Flash, Spot};
use crate::sim::{Reason, Window};
/// Most labels alive at once, so a storm stays readable.
const MAX_FLASHES: usize = 20;

/// The failure labels alive now.
#[derive(Default)]
pub struct Flashes {
    list: Vec<Flash>,
}

impl Flashes {
    /// The labels to draw.
    pub fn all(&self) -> &[Flash] {
        &self.list
    }

    /// Drops every label (the run started over).
    pub fn clear(&mut self) {
        self.list.clear();
    }

    /// Adds labels for the failures in `windows` and retires old ones;
    /// `now_s` is the animation clock.
    pub fn absorb(&mut self, windows: &[Window], now_s: f64) {
        if !windows.is_empty() {
            for reason in Reason::ALL {
                let n: u64 = windows.iter().map(|w| w.errors[reason]).sum();
                self.flash(spot_of(reason), crate::words::reason(reason), n, now_s);
            }
            let dead: u64 = windows.iter().map(|w| w.dead_letters).sum();
            self.flash(Spot::Workers, "dead letter", dead, now_s);
        }
        self.list.retain(|f| now_s - f.born_s < FLASH_LIFE_S);
        if self.list.len() > MAX_FLASHES {
            let cut = self.list.len() - MAX_FLASHES;
            self.list.drain(..cut);
        }
    }

    /// Shows `n` failures of `label` at `spot`. At high speed windows close
    /// many times a second; counts then join the spot's newest label while
    /// it is young, so labels rise one at a time instead of smearing.
    fn flash(&mut self, spot: Spot, label: &str, n: u64, now_s: f64) {
        if n == 0 {
            return;
        }
        if let Some(f) = self
            .list
            .iter_mut()
            .rev()
            .find(|f| f.spot == spot && now_s - f.born_s < FLASH_JOIN_S)
        {
            f.count += n;
            f.text = format!("{label} ×{}", f.count);
            return;
        }
        self.list.push(Flash {
            text: format!("{label} ×{n}"),
            spot,
            born_s: now_s,
            count: n,
        });
    }
}

/// Where a reason's failures show on the diagram: where the user or the
/// request met them.
fn spot_of(reason: Reason) -> Spot {
    match reason {
        // Timeouts and shed arrivals happen at the browser.
        Reason::Timeout | Reason::SimLimit => Spot::Browsers,
        // A dependency has no box of its own yet: its calls are made
        // from the server.
        Reason::ServerBusy | Reason::CallFailed | Reason::CallTimeout | Reason::Throttled => {
            Spot::Server
        }
        Reason::QueueFull => Spot::Queue,
        Reason::DbError => Spot::Database,
    }
}
