//! Small exact accumulators shared by the model and the metrics.

use super::time::SimTime;

/// The integral over time of a piecewise-constant integer quantity
/// (jobs in system, busy servers, queue depth). Exact: integer area in
/// value × nanoseconds.
#[derive(Clone, Debug, Default)]
pub struct TimeWeighted {
    last: SimTime,
    value: u64,
    area: u128,
}

impl TimeWeighted {
    /// Current value of the tracked quantity.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// Records that the quantity becomes `value` at `now`.
    #[inline]
    pub fn set(&mut self, now: SimTime, value: u64) {
        self.accrue(now);
        self.value = value;
    }

    /// Adds the area up to `now` without changing the value.
    #[inline]
    pub fn accrue(&mut self, now: SimTime) {
        if now > self.last {
            self.area += self.value as u128 * (now.0 - self.last.0) as u128;
            self.last = now;
        }
    }

    /// Area in value·seconds up to `now`.
    pub fn area_secs(&mut self, now: SimTime) -> f64 {
        self.accrue(now);
        self.area as f64 / 1e9
    }

    /// Area in value·nanoseconds up to `now`, exactly.
    pub fn area_ns(&mut self, now: SimTime) -> u128 {
        self.accrue(now);
        self.area
    }
}

/// Busy units of a capacity over time, split into the part within the
/// capacity and the part beyond it: when capacity is cut below the units
/// busy, those finish their work ("draining"), and that time must not
/// count as utilisation above 100%.
#[derive(Clone, Debug, Default)]
pub struct BusyMeter {
    within: TimeWeighted,
    beyond: TimeWeighted,
}

impl BusyMeter {
    /// Records `busy` units at `now` against `capacity` units.
    #[inline]
    pub fn set(&mut self, now: SimTime, busy: u64, capacity: u64) {
        self.within.set(now, busy.min(capacity));
        self.beyond.set(now, busy.saturating_sub(capacity));
    }

    /// Busy unit·nanoseconds within capacity up to `now`.
    pub fn within_ns(&mut self, now: SimTime) -> u128 {
        self.within.area_ns(now)
    }

    /// Busy unit·nanoseconds beyond capacity (draining) up to `now`.
    pub fn beyond_ns(&mut self, now: SimTime) -> u128 {
        self.beyond.area_ns(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_a_step_function() {
        let mut tw = TimeWeighted::default();
        tw.set(SimTime::from_secs(1), 2); // 0 for 1 s
        tw.set(SimTime::from_secs(3), 5); // 2 for 2 s
        assert_eq!(tw.area_secs(SimTime::from_secs(4)), 4.0 + 5.0);
    }

    #[test]
    fn busy_beyond_a_cut_capacity_is_draining_not_utilisation() {
        let mut m = BusyMeter::default();
        m.set(SimTime(0), 10, 10);
        m.set(SimTime(100), 10, 2); // capacity cut while 10 are busy
        m.set(SimTime(200), 1, 2);
        assert_eq!(m.within_ns(SimTime(300)), 10 * 100 + 2 * 100 + 100);
        assert_eq!(m.beyond_ns(SimTime(300)), 8 * 100);
    }
}
