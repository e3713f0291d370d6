//! Arrivals whose rate changes through the period: a non-homogeneous
//! Poisson process drawn by inversion of the cumulative rate. A unit
//! exponential is spent along time, rate × length per stretch of constant
//! rate (a slot of the profile, cut where a surge starts or ends), until it
//! runs out: the arrival falls there. One draw per arrival, on the same
//! stream as constant arrivals, so variants stay paired.

use rand::distr::Distribution as _;
use rand_distr::Exp1;

use super::work::Event;
use crate::scenario::{RateProfile, SurgeFile};

/// The surge factor in force at `time` and when it next changes.
fn surge_segment(surges: &[SurgeFile], time: f64) -> (f64, f64) {
    for surge in surges {
        if time < surge.start {
            return (1.0, surge.start);
        }
        if time < surge.end {
            return (surge.factor, surge.end);
        }
    }
    (1.0, f64::INFINITY)
}

/// The first arrival after `now` for a unit exponential draw `unit`;
/// beyond `horizon` when none falls before it.
pub(super) fn next_arrival(profile: &RateProfile, surges: &[SurgeFile], now: f64, unit: f64, horizon: f64) -> f64 {
    let mut remaining = unit;
    let mut at = now;
    while at <= horizon {
        let (rate, slot_end) = profile.segment(at);
        let (factor, surge_end) = surge_segment(surges, at);
        let end = slot_end.min(surge_end);
        let rate = rate * factor;
        if rate > 0.0 {
            let needed = remaining / rate;
            if at + needed <= end {
                return at + needed;
            }
            remaining -= rate * (end - at);
        }
        // Always forward, even when rounding puts `end` on `at`.
        at = if end > at { end } else { at.next_up() };
    }
    f64::INFINITY
}

impl<O: super::Observer> super::Simulation<'_, '_, O> {
    /// Draws the next arrival: a unit exponential turned into time through
    /// the integrated arrival rate, which the surges make piecewise constant.
    pub(super) fn schedule_next_arrival(&mut self) {
        let customers = &self.scenario.customers;
        let unit: f64 = Exp1.sample(&mut self.arrival_stream);
        if let Some(profile) = &customers.profile {
            let at = next_arrival(profile, &customers.surges, self.now, unit, self.scenario.horizon);
            if at <= self.scenario.horizon {
                self.calendar.schedule(at, Event::Arrival);
            }
            return;
        }
        let mut remaining = unit / customers.arrival_rate;
        let mut at = self.now;
        for surge in &customers.surges {
            if surge.end <= at {
                continue;
            }
            // Normal rate until the surge starts…
            if at < surge.start {
                if at + remaining <= surge.start {
                    break;
                }
                remaining -= surge.start - at;
                at = surge.start;
            }
            // …then `factor` times the rate until it ends.
            let scaled = remaining / surge.factor;
            if at + scaled <= surge.end {
                remaining = scaled;
                break;
            }
            remaining -= (surge.end - at) * surge.factor;
            at = surge.end;
        }
        at += remaining;
        if at <= self.scenario.horizon {
            self.calendar.schedule(at, Event::Arrival);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_draw_is_spent_slot_by_slot() {
        // Rate 1 in [0, 10), 0 in [10, 20), 2 in [20, 30), repeating.
        let profile = RateProfile { every: 10.0, rates: vec![1.0, 0.0, 2.0] };
        assert_eq!(next_arrival(&profile, &[], 0.0, 4.0, 1e9), 4.0);
        // 6 spent by time 10, nothing in the empty slot, 3 more at rate 2.
        assert_eq!(next_arrival(&profile, &[], 4.0, 9.0, 1e9), 21.5);
        // The next period repeats the profile.
        assert_eq!(next_arrival(&profile, &[], 29.0, 3.0, 1e9), 31.0);
        // A surge doubles the rate where it applies.
        let surge = SurgeFile { start: 2.0, end: 5.0, factor: 2.0 };
        assert_eq!(next_arrival(&profile, std::slice::from_ref(&surge), 0.0, 4.0, 1e9), 3.0);
        assert_eq!(next_arrival(&profile, &[], 0.0, 1e9, 100.0), f64::INFINITY);
    }
}
