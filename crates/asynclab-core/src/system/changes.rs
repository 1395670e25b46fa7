//! Scripted and live changes to the settings, and everything rebuilt after
//! one (samplers, capacities, lane policies, endpoint shares).

use super::super::config::{Change, ChangeError};
use super::super::station::Discipline;
use super::super::time::SimTime;
use super::{Marker, Plan, Samplers, Script, System, workers};

/// A scene caption this soon after a scripted change that was skipped
/// tells of that change, s of sim time: it is skipped with it.
pub const CAPTION_TIE_S: f64 = 5.0;

impl System {
    /// Applies the next scripted change, due at `t`.
    pub(super) fn apply_scripted(&mut self, t: SimTime) {
        self.sched.advance_to(t);
        let (_, change, from, mode) = self.timeline[self.next_change].clone();
        self.next_change += 1;
        if let Some(m) = mode
            && matches!(change, Change::Caption(_))
            && !self.cfg.endpoints.iter().any(|e| e.mode == m)
        {
            // It describes the other mode than the run is in: it would
            // be false now. The marker stays, skipped.
            self.markers.push(Marker {
                t_s: t.as_secs_f64(),
                change,
                held: false,
                skipped: true,
                mode,
            });
            return;
        }
        if self.hold_mode && from == Script::Scene && matches!(change, Change::SetMode { .. }) {
            self.hold(t, change);
            return;
        }
        let tied_caption = matches!(change, Change::Caption(_))
            && self
                .skipped_at
                .is_some_and(|s| t.as_secs_f64() - s <= CAPTION_TIE_S);
        if from == Script::Scene
            && (tied_caption || self.hand.iter().any(|h| h.same_setting(&change)))
        {
            // The presenter set this by hand: the script does not undo it
            // behind their back; the marker is their cue. The caption that
            // tells of the skipped change would now be false: skipped too.
            if !tied_caption {
                self.skipped_at = Some(t.as_secs_f64());
            }
            self.markers.push(Marker {
                mode,
                t_s: t.as_secs_f64(),
                change,
                held: false,
                skipped: true,
            });
            return;
        }
        // Validated files cannot fail here; a bad knob in an unvalidated
        // scenario is skipped rather than fatal.
        let caption = matches!(change, Change::Caption(_));
        if self.apply_change(t, change.clone()).is_ok() && from == Script::Own {
            self.remember_hand(change);
        }
        if caption && let Some(m) = self.markers.last_mut() {
            m.mode = mode;
        }
    }

    /// Remembers a setting changed by hand (see `System::hand`).
    fn remember_hand(&mut self, change: Change) {
        if matches!(
            change,
            Change::Set { .. }
                | Change::SetMode { .. }
                | Change::SetScheduling(_)
                | Change::SetRetry(_)
        ) && !self.hand.contains(&change)
        {
            self.hand.push(change);
        }
    }

    /// Settings the presenter changed by hand in this run, oldest first.
    pub fn hand_changes(&self) -> &[Change] {
        &self.hand
    }

    /// A twin meets the scene's scripted mode switch: only a marker, and
    /// only where the switch would have changed a mode (nothing else is
    /// touched, so the run equals one without the switch).
    fn hold(&mut self, t: SimTime, change: Change) {
        let Change::SetMode { endpoint, mode } = &change else {
            return;
        };
        let would_change = self
            .cfg
            .endpoints
            .iter()
            .any(|e| endpoint.as_ref().is_none_or(|n| *n == e.name) && e.mode != *mode);
        if would_change {
            self.markers.push(Marker {
                mode: None,
                t_s: t.as_secs_f64(),
                change,
                held: true,
                skipped: false,
            });
        }
    }

    /// Applies a change now (a live tweak). Knob values are range-checked;
    /// an invalid one changes nothing.
    /// The setting counts as set by hand from now on: the scene's script
    /// will not change it again in this run.
    pub fn apply(&mut self, change: Change) -> Result<(), ChangeError> {
        let now = self.now();
        self.apply_change(now, change.clone())?;
        self.remember_hand(change);
        Ok(())
    }

    fn apply_change(&mut self, now: SimTime, change: Change) -> Result<(), ChangeError> {
        self.accrue_cost(now);
        let was_non_blocking = self.non_blocking();
        let changed = change.apply_to(&mut self.cfg)?;
        match &change {
            // Already in that mode (e.g. the presenter switched before the
            // script did): nothing changes, nothing to mark.
            Change::SetMode { .. } if !changed => return Ok(()),
            Change::Set { .. } => {
                self.refresh_derived();
                if self.non_blocking() != was_non_blocking {
                    self.move_accept_backlog(now);
                }
                if change.touches_clients() {
                    for c in 0..self.cfg.clients.len() {
                        self.restart_arrivals(c);
                    }
                }
            }
            Change::OutageStart(k) => self.outage = Some(*k),
            Change::OutageEnd => self.outage = None,
            Change::DependencyOutage { name, kind } => {
                if let Some(d) = self.cfg.dependency_index(name) {
                    self.deps[d].outage = Some(*kind);
                }
            }
            Change::DependencyOutageEnd { name } => {
                if let Some(d) = self.cfg.dependency_index(name) {
                    self.dependency_back(now, d);
                }
            }
            _ => {}
        }
        self.markers.push(Marker {
            mode: None,
            t_s: now.as_secs_f64(),
            change,
            held: false,
            skipped: false,
        });
        self.dispatch(now);
        Ok(())
    }

    /// The server model switched: the requests waiting to be accepted move
    /// to the new model's accept backlog, in order, and are admitted under
    /// it (a threads server's workers, a non-blocking server's in-flight
    /// slots). Requests already admitted keep what they hold until their
    /// answer; a non-blocking request waiting for a worker's CPU keeps
    /// waiting for it.
    fn move_accept_backlog(&mut self, now: SimTime) {
        let nb = self.non_blocking();
        let waiting: Vec<_> = if nb {
            // The threads server's backlog waits in the workers' queue,
            // with any non-blocking requests waiting there for CPU.
            let all: Vec<_> = std::iter::from_fn(|| self.server.queue_mut().pop()).collect();
            let (stay, go): (Vec<_>, Vec<_>) = all.into_iter().partition(|r| r.non_blocking());
            for r in stay {
                self.server.queue_mut().push(r);
            }
            go
        } else {
            std::iter::from_fn(|| self.in_flight.queue_mut().pop()).collect()
        };
        for mut r in waiting {
            r.set_non_blocking(nb);
            let gate = if nb {
                &mut self.in_flight
            } else {
                &mut self.server
            };
            if let Some(r) = gate.arrive(now, r) {
                self.start_cpu(now, r, true);
            }
        }
    }

    /// Rebuilds everything derived from the settings after a change.
    pub(super) fn refresh_derived(&mut self) {
        let now = self.now();
        self.meter.set_capacity(now, &self.cfg);
        self.meter_queue_workers(now);
        self.rec.wait_target = SimTime::from_secs_f64(self.cfg.sla.wait_target_s);
        self.rec.processed_target = SimTime::from_secs_f64(self.cfg.sla.processed_target_s);
        self.smp = Samplers::new(&self.cfg);
        self.plans = self
            .cfg
            .endpoints
            .iter()
            .map(|e| Plan::new(e, &self.cfg))
            .collect();
        self.refresh_dependencies(now);
        self.queue.policies = workers::policies(&self.cfg);
        let total: f64 = self.cfg.endpoints.iter().map(|e| e.share.max(0.0)).sum();
        let mut acc = 0.0;
        self.arrivals.endpoint_cum = self
            .cfg
            .endpoints
            .iter()
            .map(|e| {
                acc += e.share.max(0.0) / total.max(1e-300);
                acc
            })
            .collect();
        for r in self.server.set_servers(now, self.cfg.server_workers()) {
            self.worker_taken(now, r);
        }
        let slots = self.cfg.in_flight_capacity().unwrap_or(0);
        for r in self.in_flight.set_servers(now, slots) {
            self.start_cpu(now, r, true);
        }
        for op in self.db.set_servers(now, self.cfg.database.connections) {
            self.db_started_from_wait(now, op);
        }
    }
}
