//! Figures by slot of the period (`intervals.csv`): for each department and
//! slot, the work arriving, time averages of busy servers and of the queue,
//! waits, and for the front line the service level and abandonment.
//!
//! With a rate profile the slots are the profile's (`every`; with shifts
//! alone, [`crate::scenario::SHIFT_SLOTS`] equal slots of the period), folded over
//! the whole periods that lie in [warmup, horizon]: slot s of every such
//! period adds to row s. Work is counted by the slot its visit began in; the
//! time averages are integrated across slot boundaries exactly. A
//! stationary scenario has one slot, [warmup, horizon], read from the
//! department tallies at the end, so the stationary engine pays nothing.

use super::{DepartmentTally, Simulation};
use crate::scenario::Scenario;

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
    /// Of those, how many gave up within `short_abandon`.
    pub short_abandoned: u64,
    /// Sum of the first waits of those who were answered.
    pub answered_wait_sum: f64,
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
    /// period ([`Scenario::slot_layout`]).
    pub(super) fn of(scenario: &Scenario) -> Option<SlotClock> {
        let (every, slots) = scenario.slot_layout()?;
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

/// Where the slots stand during a replication: the slot in force now and
/// the next boundary. At each boundary every station's busy and queue
/// integrals (kept anyway for the whole-run figures) are read, and their
/// growth since the last boundary goes to the slot that ends there; so a
/// change of busy servers or of a queue costs nothing more.
#[derive(Debug, Clone, Copy)]
pub(super) struct SlotCursor {
    /// The slot in force now, folded into the period; `None` outside the
    /// counted periods.
    pub current: Option<usize>,
    /// Where the slot in force now began.
    pub start: f64,
    /// The next boundary (infinite when none is left to read).
    pub next: f64,
    /// Slots begun since time 0.
    count: u64,
}

impl SlotCursor {
    /// At time 0: no boundary without a clock.
    pub(super) fn new(clock: Option<&SlotClock>) -> Self {
        let Some(clock) = clock else {
            return SlotCursor { current: None, start: 0.0, next: f64::INFINITY, count: 0 };
        };
        if clock.start > 0.0 || clock.end <= 0.0 {
            // The counted periods begin later (or never).
            let count = (clock.start / clock.every).round() as u64;
            let next = if clock.end > clock.start { clock.start } else { f64::INFINITY };
            return SlotCursor { current: None, start: 0.0, next, count: count.saturating_sub(1) };
        }
        SlotCursor { current: Some(0), start: 0.0, next: clock.every, count: 0 }
    }
}

impl<O: super::Observer> Simulation<'_, '_, O> {
    /// The time is the next slot boundary: closes the slot ending here (if
    /// counted) and opens the next one.
    #[cold]
    pub(super) fn cross_slot_boundary(&mut self) {
        let Some(clock) = self.clock else {
            return;
        };
        let at = self.slots.next;
        for station in &mut self.stations {
            let busy = station.busy_time.area_until(at, f64::from(station.busy));
            let queue = station.path.area_until(at, station.waiting);
            if let Some(slot) = self.slots.current {
                let tally = &mut station.slots[slot];
                tally.busy_area += busy - station.slot_marks.0;
                tally.queue_area += queue - station.slot_marks.1;
            }
            station.slot_marks = (busy, queue);
        }
        self.slots.count += 1;
        self.slots.start = at;
        if at + 0.5 * clock.every >= clock.end {
            self.slots.current = None;
            self.slots.next = f64::INFINITY;
        } else {
            self.slots.current = Some((self.slots.count % clock.slots as u64) as usize);
            self.slots.next = (self.slots.count + 1) as f64 * clock.every;
        }
    }

    /// The counted slot `time` lies in (a time not later than now).
    #[inline(always)]
    fn slot_of(&self, time: f64, clock: &SlotClock) -> Option<usize> {
        if time >= self.slots.start { self.slots.current } else { clock.slot(time) }
    }

    /// A visit to `department` begins now (counted by slot when profiled).
    #[inline(always)]
    pub(super) fn slot_visit(&mut self, department: usize) {
        if let Some(slot) = self.slots.current {
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
        let short = self.short_abandon;
        let visit_slot = self.slot_of(visit_start, &clock);
        let arrival_slot = first.and_then(|(arrival, _)| self.slot_of(arrival, &clock));
        let station = &mut self.stations[department];
        if let Some(slot) = visit_slot {
            let tally = &mut station.slots[slot];
            tally.waits += 1;
            tally.wait_sum += wait;
            tally.waited += u64::from(wait > 0.0);
        }
        if let (Some((_, abandoned)), Some(slot)) = (first, arrival_slot) {
            let tally = &mut station.slots[slot];
            tally.first_waits += 1;
            tally.in_time += u64::from(!abandoned && wait <= in_time);
            tally.abandoned += u64::from(abandoned);
            tally.short_abandoned += u64::from(abandoned && wait < short);
            if !abandoned {
                tally.answered_wait_sum += wait;
            }
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
                        short_abandoned: t.short_abandoned,
                        answered_wait_sum: t.answered_wait_sum,
                    }]
                })
                .collect();
            return Intervals { starts: vec![self.warmup], length: window, counted: window, departments };
        };
        let departments = self.stations.iter().map(|station| station.slots.clone()).collect();
        Intervals {
            starts: (0..clock.slots).map(|s| s as f64 * clock.every).collect(),
            length: clock.every,
            counted: clock.every * clock.periods(),
            departments,
        }
    }
}
