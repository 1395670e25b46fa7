//! Twins: copies of one scene, each with its variant applied at t = 0,
//! fed the very same users, run side by side on one sim clock.
//!
//! ```text
//!  scene settings ──┬── + variant 0 changes ──▶ System (twin 0) ─┐
//!  (one seed, one   ├── + variant 1 changes ──▶ System (twin 1) ─┼─▶ one clock: now() = the
//!   traffic)        └── + variant k changes ──▶ System (twin k) ─┘   slowest twin's time
//! ```
//!
//! - Every twin is an ordinary [`System`] built with
//!   [`System::new_twin`]: the scene's scripted mode switches are held
//!   (they leave a marker, the twin's mode stays as its variant set it),
//!   and the variant's own timeline applies in full.
//! - The twins share the seed and therefore the users: each client's
//!   arrivals and endpoint picks have their own random streams, and
//!   traffic (rates, shares) may not differ between twins, so the same
//!   users click at the same instants in every twin
//!   ([`System::arrivals_digest`] proves it). What happens afterwards
//!   differs only because the systems differ.
//! - Twin k's windows equal, bit for bit, a run of
//!   `System::new_twin(scene with variant k applied, variant k's timeline)`:
//!   nothing here reaches into a twin's internals. A live change made while
//!   the twins stand at different times (one ran further within its budget)
//!   takes effect in every targeted twin at the leading twin's time, so it
//!   records as one timeline event and replays exactly.
//!
//! The core stays single-threaded: [`Twins::twins_mut`] hands out each
//! [`Twin`] so a caller (the CLI, the live host) may run them on a thread
//! each with [`Twin::run_for`].

use super::config::{Change, ChangeError, Settings, TimelineEvent, Variant, default_pair};
use super::system::System;
use super::time::SimTime;
use std::borrow::Cow;
use std::collections::VecDeque;

/// Most twins one comparison runs.
pub const MAX_TWINS: usize = 8;

/// Most work all twins of one comparison may hold together (the sum of
/// their `limits.max_in_flight`): eight twins at the default limit, about
/// 560 MB of heap at the ~140 bytes a held item costs at most. Each twin
/// keeps its own limit, so a twin still equals its solo run.
pub const MAX_HELD_ALL_TWINS: u64 = 8 * super::config::DEFAULT_MAX_IN_FLIGHT;

/// Which twins a live change is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// Every twin: the same world changed (the only choice when running
    /// solo).
    #[default]
    All,
    /// One twin, by index in variant order ("what if only the right one had
    /// 10 connections").
    Twin(usize),
}

/// Why twins could not be built or a change could not be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TwinError {
    /// A variant or a change for one twin touches the users' traffic.
    #[error(
        "{what} changes the traffic ({path}): twins share their users, so traffic changes apply to every twin or none"
    )]
    Traffic {
        /// Which variant or change, in words.
        what: String,
        /// The knob path.
        path: String,
    },
    /// More variants than [`MAX_TWINS`].
    #[error("{0} variants: at most {MAX_TWINS} twins run side by side")]
    TooMany(usize),
    /// A target names a twin that does not exist.
    #[error("no twin {index}: there are {count}")]
    NoSuchTwin {
        /// The index asked for.
        index: usize,
        /// How many twins run.
        count: usize,
    },
    /// A change for one twin while running solo.
    #[error("not comparing twins: a change for one twin needs the compare view")]
    NotComparing,
    /// A variant's change is invalid.
    #[error("variant `{name}`: {source}")]
    Variant {
        /// The variant's name.
        name: String,
        /// What is wrong with its change.
        source: ChangeError,
    },
    /// The change itself is invalid.
    #[error(transparent)]
    Change(#[from] ChangeError),
    /// The twins' in-flight limits add up to more than
    /// [`MAX_HELD_ALL_TWINS`].
    #[error(
        "the {twins} twins would hold up to {total} items in flight together (their limits.max_in_flight added up): at most {max} fit in memory side by side, so give each twin at most {per_twin}",
        max = MAX_HELD_ALL_TWINS,
        per_twin = MAX_HELD_ALL_TWINS / *twins as u64
    )]
    HeldTogether {
        /// How many twins.
        twins: usize,
        /// Their limits added up.
        total: u64,
    },
}

/// The largest `limits.max_in_flight` a run of `settings` with `own`
/// timeline reaches: its starting value or a scripted change's.
fn peak_held_limit(settings: &Settings, own: &[TimelineEvent]) -> u64 {
    settings
        .timeline
        .iter()
        .chain(own)
        .filter_map(|e| match &e.change {
            Change::Set { path, value } if path == "limits.max_in_flight" => Some(*value as u64),
            _ => None,
        })
        .fold(settings.limits.max_in_flight, u64::max)
}

/// Refuses twins whose in-flight limits add up to more than
/// [`MAX_HELD_ALL_TWINS`]; `limits` holds each twin's largest limit.
fn check_held_together(limits: impl Iterator<Item = u64>) -> Result<(), TwinError> {
    let (twins, total) = limits.fold((0, 0u64), |(n, sum), l| (n + 1, sum.saturating_add(l)));
    if twins > 1 && total > MAX_HELD_ALL_TWINS {
        return Err(TwinError::HeldTogether { twins, total });
    }
    Ok(())
}

/// `variants`, or the default pair (all sync, all async) when empty.
fn or_default_pair(variants: &[Variant]) -> Cow<'_, [Variant]> {
    if variants.is_empty() {
        Cow::Owned(default_pair())
    } else {
        Cow::Borrowed(variants)
    }
}

/// Checks that the twins of `settings` with `variants` (the default pair
/// when empty) may hold their in-flight limits side by side; for
/// validation, before any twin is built.
pub fn check_twins_held(settings: &Settings, variants: &[Variant]) -> Result<(), TwinError> {
    let pair = or_default_pair(variants);
    let variants = &pair[..];
    let mut limits = Vec::with_capacity(variants.len());
    for v in variants {
        let (s, own) = twin_setup(settings, v)?;
        limits.push(peak_held_limit(&s, &own));
    }
    check_held_together(limits.into_iter())
}

/// The knob path of a traffic change, for messages.
fn traffic_path(c: &Change) -> String {
    match c {
        Change::Set { path, .. } => path.clone(),
        _ => String::new(),
    }
}

/// A variant timeline's traffic changes, in order. A twin's own timeline
/// may hold traffic changes only when every twin's holds the very same
/// ones (a recorded change of the traffic for all twins): the users stay
/// shared.
pub fn traffic_events(v: &Variant) -> Vec<&TimelineEvent> {
    v.timeline
        .iter()
        .filter(|e| e.change.touches_traffic())
        .collect()
}

/// One twin: a name, its run, and live changes waiting for it to reach
/// their time.
pub struct Twin {
    name: String,
    system: System,
    /// Live changes made while this twin was behind the leading twin: each
    /// applies when this twin reaches its time (in time order).
    pending: VecDeque<(SimTime, Change)>,
}

impl Twin {
    fn new(name: String, system: System) -> Twin {
        Twin {
            name,
            system,
            pending: VecDeque::new(),
        }
    }

    /// The variant's name ("" when running solo).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The twin's run.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// The twin's run, to drain windows, read its summary or finish it.
    /// Advance it with [`Twin::run_for`] (or [`Twins`]), never directly,
    /// so live changes waiting for it apply on time.
    pub fn system_mut(&mut self) -> &mut System {
        &mut self.system
    }

    /// The twin's sim time.
    pub fn now(&self) -> SimTime {
        self.system.now()
    }

    /// Live changes still waiting for this twin to reach their time.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Like [`System::run_for`]: runs towards `goal` for at most
    /// `max_events` events, applying waiting live changes when their time
    /// comes. True when the twin reached `goal`.
    pub fn run_for(&mut self, goal: SimTime, max_events: u64) -> bool {
        let end = self.system.events().saturating_add(max_events);
        loop {
            let due = self.pending.front().map(|(t, _)| *t).filter(|t| *t <= goal);
            let stop = due.unwrap_or(goal);
            let left = end.saturating_sub(self.system.events());
            if !self.system.run_for(stop, left) {
                return false;
            }
            if due.is_none() {
                return true;
            }
            if let Some((_, change)) = self.pending.pop_front() {
                // Checked on every twin before any took it: cannot fail.
                let _ = self.system.apply(change);
            }
        }
    }

    /// Runs to `t` (every event and change due by then).
    pub fn run_until(&mut self, t: SimTime) {
        self.run_for(t, u64::MAX);
    }

    /// When [`Twin::step`] would act next.
    fn next_at(&self) -> Option<SimTime> {
        let p = self.pending.front().map(|(t, _)| *t);
        match (p, self.system.next_at()) {
            (Some(p), Some(n)) => Some(p.min(n)),
            (p, n) => p.or(n),
        }
    }

    /// One event, scripted change or waiting live change; false when
    /// nothing is pending.
    fn step(&mut self) -> bool {
        match (self.pending.front().map(|(t, _)| *t), self.system.next_at()) {
            // Events and scripted changes at the change's time come first.
            (Some(p), n) if n.is_none_or(|n| n > p) => {
                self.run_until(p);
                true
            }
            _ => self.system.step(),
        }
    }

    /// Takes `change` at sim time `at` (now, or later if behind).
    fn take(&mut self, at: SimTime, change: Change) {
        if self.now() < at {
            self.pending.push_back((at, change));
        } else {
            // Everything due at `at` first (events at that very instant
            // may remain after a budgeted stop): a scripted change at `at`
            // replays the same way.
            self.run_until(at);
            let _ = self.system.apply(change);
        }
    }
}

/// One run solo, or k twins of one scene on one clock.
pub struct Twins {
    twins: Vec<Twin>,
    compare: bool,
}

/// A twin's settings and own timeline: the scene's settings with the
/// variant's changes applied (outages and captions, which are events rather
/// than settings, open its own timeline at t = 0), then the variant's
/// timeline. Refuses traffic changes and invalid ones, naming the variant.
pub fn twin_setup(
    settings: &Settings,
    variant: &Variant,
) -> Result<(Settings, Vec<TimelineEvent>), TwinError> {
    let mut s = settings.clone();
    let mut own = Vec::new();
    let changes = variant.changes.iter();
    for c in changes.clone() {
        if c.touches_traffic() {
            return Err(TwinError::Traffic {
                what: format!("variant `{}`", variant.name),
                path: traffic_path(c),
            });
        }
    }
    for c in changes {
        match c {
            Change::OutageStart(_)
            | Change::OutageEnd
            | Change::DependencyOutage { .. }
            | Change::DependencyOutageEnd { .. }
            | Change::Caption(_) => {
                // Checked here (a wrong name names the variant), applied
                // as an event of the twin's own timeline.
                c.apply_to(&mut s.clone())
                    .map_err(|source| TwinError::Variant {
                        name: variant.name.clone(),
                        source,
                    })?;
                own.push(TimelineEvent {
                    mode: None,
                    at_s: 0.0,
                    change: c.clone(),
                });
            }
            _ => {
                c.apply_to(&mut s).map_err(|source| TwinError::Variant {
                    name: variant.name.clone(),
                    source,
                })?;
            }
        }
    }
    own.extend(variant.timeline.iter().cloned());
    Ok((s, own))
}

impl Twins {
    /// One ordinary run (no twins): its scripted mode switches apply.
    pub fn solo(settings: Settings) -> Twins {
        Twins {
            twins: vec![Twin::new(String::new(), System::new(settings))],
            compare: false,
        }
    }

    /// The twins of a scene: one per variant, in order, or the default
    /// pair (all sync, all async) when `variants` is empty.
    pub fn compare(settings: &Settings, variants: &[Variant]) -> Result<Twins, TwinError> {
        let pair = or_default_pair(variants);
        let variants = &pair[..];
        if variants.len() > MAX_TWINS {
            return Err(TwinError::TooMany(variants.len()));
        }
        if let Some(v) = variants
            .iter()
            .find(|v| traffic_events(v) != traffic_events(&variants[0]))
        {
            let path = traffic_events(v)
                .first()
                .or(traffic_events(&variants[0]).first())
                .map_or_else(String::new, |e| traffic_path(&e.change));
            return Err(TwinError::Traffic {
                what: format!("the timeline of variant `{}` alone", v.name),
                path,
            });
        }
        let mut twins = Vec::with_capacity(variants.len());
        let mut limits = Vec::with_capacity(variants.len());
        for v in variants {
            let (s, own) = twin_setup(settings, v)?;
            limits.push(peak_held_limit(&s, &own));
            twins.push((v.name.clone(), s, own));
        }
        // Before any twin is built: a refused comparison allocates nothing.
        check_held_together(limits.into_iter())?;
        let twins = twins
            .into_iter()
            .map(|(name, s, own)| Twin::new(name, System::new_twin(s, &own)))
            .collect();
        Ok(Twins {
            twins,
            compare: true,
        })
    }

    /// True for twins, false for a solo run.
    pub fn is_compare(&self) -> bool {
        self.compare
    }

    /// How many runs (1 when solo).
    pub fn len(&self) -> usize {
        self.twins.len()
    }

    /// Never true: there is always at least one run.
    pub fn is_empty(&self) -> bool {
        self.twins.is_empty()
    }

    /// The twins in variant order.
    pub fn twins(&self) -> &[Twin] {
        &self.twins
    }

    /// The twins, to run each on its own thread ([`Twin::run_for`]).
    pub fn twins_mut(&mut self) -> &mut [Twin] {
        &mut self.twins
    }

    /// The first twin (the solo run when not comparing).
    pub fn first(&self) -> &System {
        &self.twins[0].system
    }

    /// The first twin's run, mutably.
    pub fn first_mut(&mut self) -> &mut System {
        &mut self.twins[0].system
    }

    /// The twins' names in order ("" when solo).
    pub fn names(&self) -> Vec<String> {
        self.twins.iter().map(|t| t.name.clone()).collect()
    }

    /// The common clock: the time every twin has reached.
    pub fn now(&self) -> SimTime {
        self.twins.iter().map(Twin::now).min().unwrap_or_default()
    }

    /// The leading twin's time (ahead of [`Twins::now`] when a budgeted
    /// run stopped the twins at different times).
    pub fn frontier(&self) -> SimTime {
        self.twins.iter().map(Twin::now).max().unwrap_or_default()
    }

    /// Events processed over all twins.
    pub fn events(&self) -> u64 {
        self.twins.iter().map(|t| t.system.events()).sum()
    }

    /// The next scripted change of any twin.
    pub fn next_scripted(&self) -> Option<SimTime> {
        self.twins
            .iter()
            .filter_map(|t| t.system.next_scripted())
            .min()
    }

    /// Runs every twin towards `goal`, each at most `max_events` events
    /// (one after the other). True when all reached it.
    pub fn run_for(&mut self, goal: SimTime, max_events: u64) -> bool {
        let mut all = true;
        for t in &mut self.twins {
            if t.now() < goal || t.pending.front().is_some_and(|(p, _)| *p <= goal) {
                all &= t.run_for(goal, max_events);
            }
        }
        all
    }

    /// Runs every twin to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        for twin in &mut self.twins {
            twin.run_until(t);
        }
    }

    /// One event in whichever twin is next in time (the first on a tie);
    /// false when nothing is pending anywhere.
    pub fn step(&mut self) -> bool {
        let next = self
            .twins
            .iter_mut()
            .filter_map(|t| t.next_at().map(|at| (at, t)))
            .min_by_key(|(at, _)| *at);
        match next {
            Some((_, t)) => t.step(),
            None => false,
        }
    }

    /// Checks `target` and whether `change` may go to it: traffic changes
    /// go to every twin or none.
    fn check_target(&self, change: &Change, target: Target) -> Result<(), TwinError> {
        let Target::Twin(index) = target else {
            return Ok(());
        };
        if !self.compare {
            return Err(TwinError::NotComparing);
        }
        if index >= self.twins.len() {
            return Err(TwinError::NoSuchTwin {
                index,
                count: self.twins.len(),
            });
        }
        if change.touches_traffic() {
            return Err(TwinError::Traffic {
                what: format!("a change for twin `{}` alone", self.twins[index].name),
                path: traffic_path(change),
            });
        }
        Ok(())
    }

    /// A live change to the targeted twins. It takes effect in each at the
    /// leading twin's time (returned, for the recording): at once in the
    /// twins standing there, when they reach it in the others. All or
    /// nothing: a change any targeted twin refuses goes to none.
    pub fn apply(&mut self, change: Change, target: Target) -> Result<SimTime, TwinError> {
        self.check_target(&change, target)?;
        let chosen = |k: usize| target == Target::All || target == Target::Twin(k);
        let mut limits = Vec::with_capacity(self.twins.len());
        for (k, t) in self.twins.iter().enumerate() {
            let mut after = t.system.settings().clone();
            if chosen(k) {
                change.apply_to(&mut after)?;
            }
            // What each twin may hold from now on.
            limits.push(after.limits.max_in_flight);
        }
        if self.compare {
            check_held_together(limits.into_iter())?;
        }
        let at = self.frontier();
        for (k, t) in self.twins.iter_mut().enumerate() {
            if chosen(k) {
                t.take(at, change.clone());
            }
        }
        Ok(at)
    }

    /// Ends every twin's run (closes its partial window).
    pub fn finish(&mut self) {
        for t in &mut self.twins {
            t.system.finish();
        }
    }

    /// Checks every twin's ledgers; the first problem names its twin.
    pub fn check_ledgers(&self) -> Result<(), String> {
        for t in &self.twins {
            t.system
                .check_ledgers()
                .map_err(|e| format!("twin `{}`: {e}", t.name))?;
        }
        Ok(())
    }

    /// True when every twin has seen the same users so far (equal
    /// [`System::arrivals_digest`]s and action counts). Meaningful when the
    /// twins stand at the same time.
    pub fn same_users(&self) -> bool {
        let first = self.first();
        let key = (first.arrivals_digest(), first.ledgers().actions.issued);
        self.twins.iter().all(|t| {
            (
                t.system.arrivals_digest(),
                t.system.ledgers().actions.issued,
            ) == key
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Mode;

    fn scene() -> Settings {
        let mut s = Settings::default();
        s.clients[0].rate_per_s = 80.0;
        s
    }

    #[test]
    fn twins_and_their_threads_can_be_sent() {
        fn send<T: Send>() {}
        send::<Twin>();
        send::<System>();
    }

    #[test]
    fn without_variants_the_twins_are_all_sync_and_all_async() {
        let t = Twins::compare(&scene(), &[]).expect("twins");
        assert_eq!(t.names(), ["sync", "async"]);
        let modes: Vec<Mode> = t
            .twins()
            .iter()
            .map(|t| t.system().settings().endpoints[0].mode)
            .collect();
        assert_eq!(modes, [Mode::Sync, Mode::Async]);
        assert!(t.twins().iter().all(|t| t.system().holds_mode()));
        assert!(!Twins::solo(scene()).first().holds_mode());
    }

    #[test]
    fn traffic_is_refused_for_a_variant_and_for_one_twin() {
        let rate = Change::Set {
            path: "clients[0].rate_per_s".into(),
            value: 5.0,
        };
        let v = Variant::new("busy", vec![rate.clone()]);
        let e = Twins::compare(&scene(), &[v]).err().expect("refused");
        assert!(e.to_string().contains("twins share their users"), "{e}");
        let mut t = Twins::compare(&scene(), &[]).expect("twins");
        let e = t.apply(rate.clone(), Target::Twin(1)).expect_err("refused");
        assert!(matches!(e, TwinError::Traffic { .. }), "{e}");
        assert!(t.apply(rate, Target::All).is_ok(), "all twins may");
        assert_eq!(t.twins()[1].system().settings().clients[0].rate_per_s, 5.0);
    }

    #[test]
    fn a_bad_change_or_target_goes_nowhere() {
        let mut t = Twins::compare(&scene(), &[]).expect("twins");
        let bad = Change::Set {
            path: "database.connections".into(),
            value: -3.0,
        };
        assert!(t.apply(bad, Target::All).is_err());
        let ok = Change::Set {
            path: "database.connections".into(),
            value: 9.0,
        };
        assert!(matches!(
            t.apply(ok.clone(), Target::Twin(2)),
            Err(TwinError::NoSuchTwin { index: 2, count: 2 })
        ));
        assert!(t.twins().iter().all(|t| t.system().markers().is_empty()));
        let mut solo = Twins::solo(scene());
        assert_eq!(
            solo.apply(ok, Target::Twin(0)),
            Err(TwinError::NotComparing)
        );
    }

    #[test]
    fn a_change_made_while_a_twin_is_behind_waits_for_it() {
        let mut t = Twins::compare(&scene(), &[]).expect("twins");
        let goal = SimTime::from_secs(5);
        t.twins_mut()[1].run_until(goal);
        assert_eq!((t.now(), t.frontier()), (SimTime::ZERO, goal));
        let c = Change::Set {
            path: "database.connections".into(),
            value: 9.0,
        };
        assert_eq!(t.apply(c, Target::All), Ok(goal));
        assert_eq!(t.twins()[0].pending(), 1);
        assert_eq!(t.twins()[0].system().settings().database.connections, 5);
        assert_eq!(t.twins()[1].system().settings().database.connections, 9);
        t.run_until(SimTime::from_secs(6));
        let m = &t.twins()[0].system().markers()[0];
        assert_eq!((m.t_s, m.held), (5.0, false));
        assert_eq!(t.twins()[0].system().settings().database.connections, 9);
    }

    #[test]
    fn stepping_goes_to_the_earliest_twin() {
        let mut t = Twins::compare(&scene(), &[]).expect("twins");
        for _ in 0..500 {
            let before = t.now();
            assert!(t.step());
            assert!(t.now() >= before);
            assert!(t.frontier().saturating_sub(t.now()) < SimTime::from_secs(1));
        }
    }
}
