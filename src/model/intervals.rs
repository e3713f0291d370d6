//! Figures by slot of the period (`intervals.csv`): for each department and
//! slot, the work arriving, time averages of busy servers and of the queue,
//! waits, and for the front line the service level and abandonment.
//!
//! With a rate profile the slots are the profile's (`every`; with shifts
//! alone, [`SHIFT_SLOTS`] equal slots of the period), folded over
//! the whole periods that lie in [warmup, horizon]: slot s of every such
//! period adds to row s. Work is counted by the slot its visit began in; the
//! time averages are integrated across slot boundaries exactly. A
//! stationary scenario has one slot, [warmup, horizon], read from the
//! department tallies at the end, so the stationary engine pays nothing.

use super::{DepartmentTally, Simulation};
use crate::scenario::Scenario;

/// Slots per period when only staff changes through it (shifts with a
/// constant arrival rate): the hours of a day.
pub const SHIFT_SLOTS: usize = 24;

/// One department in one slot: raw counts and integrals.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SlotTally {
    /// Visits that began in the slot (new work, follow-ups, repeats).
    pub arrivals: u64,
    /// Integral of busy servers over the slot's counted time.
    pub busy_area: f64,
    /// Integral of the queue length over the slot's counted time.
    pub queue_area: f64,
    /// Queue waits ended, of visits that began in the slot.
    pub waits: u64,
    /// Their sum.
    pub wait_sum: f64,
    /// Of those, how many were positive.
    pub waited: u64,
    /// External customers whose first wait here ended (served or
    /// abandoned), by arrival slot.
    pub first_waits: u64,
    /// Of those, served within the service-level time.
    pub in_time: u64,
    /// Of those, abandoned.
    pub abandoned: u64,
}

/// The slots of a replication.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intervals {
    /// Start of each slot (within the period; the warm-up for a stationary
    /// scenario).
    pub starts: Vec<f64>,
    /// Length of a slot (the counted window for a stationary scenario).
    pub length: f64,
    /// Counted time per slot: its length × the whole periods folded.
    pub counted: f64,
    /// Per department, per slot.
    pub departments: Vec<Vec<SlotTally>>,
}

/// Where the slots of a profiled scenario lie.
#[derive(Debug, Clone, Copy)]
pub(super) struct SlotClock {
    every: f64,
    slots: usize,
    /// The counted whole periods: [start, end).
    start: f64,
    end: f64,
}

impl SlotClock {
    /// The clock of `scenario`, when demand or staff change through the
    /// period: the rates' slots, or with shifts alone [`SHIFT_SLOTS`]
    /// equal slots of the period.
    pub(super) fn of(scenario: &Scenario) -> Option<SlotClock> {
        let (every, slots) = match &scenario.customers.profile {
            Some(profile) => (profile.every, profile.rates.len()),
            None if scenario.departments.iter().any(|d| d.schedule.is_some()) => {
                (scenario.period? / SHIFT_SLOTS as f64, SHIFT_SLOTS)
            }
            None => return None,
        };
        let period = every * slots as f64;
        let first = (scenario.warmup / period - 1e-9).ceil().max(0.0);
        let last = (scenario.horizon / period + 1e-9).floor();
        Some(SlotClock { every, slots, start: first * period, end: last * period })
    }

    /// Whole periods counted.
    fn periods(&self) -> f64 {
        ((self.end - self.start) / (self.every * self.slots as f64)).round().max(0.0)
    }

    /// The slot of `time`, when it lies in the counted periods.
    #[inline]
    pub(super) fn slot(&self, time: f64) -> Option<usize> {
        (time >= self.start && time < self.end).then(|| ((time / self.every) as usize) % self.slots)
    }

    /// Slots in a period.
    pub(super) fn slots(&self) -> usize {
        self.slots
    }
}

/// The integral of one piecewise-constant quantity by slot: it remembers
/// the slot it is in, so a change inside the same slot costs one
/// comparison and one addition.
#[derive(Debug, Clone)]
pub(super) struct SlotIntegral {
    since: f64,
    /// The slot `since` lies in, counted from time 0 (not folded).
    slot: u64,
    /// The same slot within the period.
    index: usize,
    slot_end: f64,
    pub areas: Vec<f64>,
}

impl SlotIntegral {
    fn new(clock: &SlotClock) -> Self {
        SlotIntegral { since: 0.0, slot: 0, index: 0, slot_end: clock.every, areas: vec![0.0; clock.slots] }
    }

    /// `value` was held from the last change until `now`.
    #[inline]
    fn advance(&mut self, clock: &SlotClock, now: f64, value: u32) {
        let value = f64::from(value);
        let mut at = self.since;
        while now > self.slot_end {
            self.add(clock, at, self.slot_end, value);
            at = self.slot_end;
            self.slot += 1;
            self.index = if self.index + 1 == clock.slots { 0 } else { self.index + 1 };
            self.slot_end = (self.slot + 1) as f64 * clock.every;
        }
        self.add(clock, at, now, value);
        self.since = now;
    }

    #[inline]
    fn add(&mut self, clock: &SlotClock, from: f64, to: f64, value: f64) {
        if value > 0.0 && from >= clock.start && from < clock.end {
            self.areas[self.index] += value * (to - from);
        }
    }
}

/// Busy and queue integrals by slot of one station (profiled scenarios).
#[derive(Debug, Clone)]
pub(super) struct SlotAreas {
    pub busy: SlotIntegral,
    pub queue: SlotIntegral,
}

impl SlotAreas {
    pub(super) fn new(clock: &SlotClock) -> Self {
        SlotAreas { busy: SlotIntegral::new(clock), queue: SlotIntegral::new(clock) }
    }
}

impl<O: super::Observer> Simulation<'_, '_, O> {
    /// Busy servers at `department` are about to change from `busy`.
    #[inline(always)]
    pub(super) fn slot_busy_changes(&mut self, department: usize, busy: u32) {
        if self.clock.is_some() {
            self.slot_area_changes(department, busy, true);
        }
    }

    /// The queue at `department` is about to change from `waiting`.
    #[inline(always)]
    pub(super) fn slot_queue_changes(&mut self, department: usize, waiting: u32) {
        if self.clock.is_some() {
            self.slot_area_changes(department, waiting, false);
        }
    }

    #[inline(never)]
    fn slot_area_changes(&mut self, department: usize, value: u32, busy: bool) {
        let (Some(clock), Some(areas)) = (&self.clock, &mut self.stations[department].slot_areas) else {
            return;
        };
        if busy {
            areas.busy.advance(clock, self.now, value);
        } else {
            areas.queue.advance(clock, self.now, value);
        }
    }

    /// A visit to `department` begins now (counted by slot when profiled).
    #[inline(always)]
    pub(super) fn slot_visit(&mut self, department: usize) {
        if let Some(clock) = &self.clock
            && let Some(slot) = clock.slot(self.now)
        {
            self.stations[department].slots[slot].arrivals += 1;
        }
    }

    /// A wait of a visit begun at `visit_start` ended after `wait`; for an
    /// external customer's first wait, `first` holds its arrival and
    /// whether it abandoned.
    /// (Profiled scenarios; the stationary tallies count at the call
    /// sites.)
    #[inline(always)]
    pub(super) fn slot_wait(&mut self, department: usize, visit_start: f64, wait: f64, first: Option<(f64, bool)>) {
        if let Some(clock) = &self.clock {
            self.slot_wait_by_slot(department, visit_start, wait, first, *clock);
        }
    }

    #[inline(never)]
    fn slot_wait_by_slot(
        &mut self,
        department: usize,
        visit_start: f64,
        wait: f64,
        first: Option<(f64, bool)>,
        clock: SlotClock,
    ) {
        let in_time = self.in_time;
        let station = &mut self.stations[department];
        if let Some(slot) = clock.slot(visit_start) {
            let tally = &mut station.slots[slot];
            tally.waits += 1;
            tally.wait_sum += wait;
            tally.waited += u64::from(wait > 0.0);
        }
        if let Some((arrival, abandoned)) = first
            && let Some(slot) = clock.slot(arrival)
        {
            let tally = &mut station.slots[slot];
            tally.first_waits += 1;
            tally.in_time += u64::from(!abandoned && wait <= in_time);
            tally.abandoned += u64::from(abandoned);
        }
    }

    /// The replication's slots, at the horizon (stations' areas closed).
    pub(super) fn close_intervals(&mut self, horizon: f64, tallies: &[DepartmentTally]) -> Intervals {
        let window = horizon - self.warmup;
        let Some(clock) = self.clock else {
            // Stationary: one slot, the counted window, from the tallies.
            let departments = tallies
                .iter()
                .map(|t| {
                    vec![SlotTally {
                        arrivals: t.visits,
                        busy_area: t.busy_mean * window,
                        queue_area: t.queue_mean * window,
                        waits: t.waits,
                        wait_sum: t.wait_sum,
                        waited: t.waited,
                        first_waits: t.first_waits,
                        in_time: t.in_time,
                        abandoned: t.abandoned,
                    }]
                })
                .collect();
            return Intervals { starts: vec![self.warmup], length: window, counted: window, departments };
        };
        let now = self.now;
        self.now = horizon;
        for department in 0..self.stations.len() {
            let (busy, waiting) = (self.stations[department].busy, self.stations[department].waiting);
            self.slot_busy_changes(department, busy);
            self.slot_queue_changes(department, waiting);
        }
        self.now = now;
        let departments = self
            .stations
            .iter()
            .map(|station| {
                let areas = station.slot_areas.as_ref().expect("profiled stations keep areas");
                station
                    .slots
                    .iter()
                    .enumerate()
                    .map(|(slot, tally)| SlotTally {
                        busy_area: areas.busy.areas[slot],
                        queue_area: areas.queue.areas[slot],
                        ..*tally
                    })
                    .collect()
            })
            .collect();
        Intervals {
            starts: (0..clock.slots).map(|s| s as f64 * clock.every).collect(),
            length: clock.every,
            counted: clock.every * clock.periods(),
            departments,
        }
    }
}
