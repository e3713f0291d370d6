//! A department during a replication: its servers, its queues, its random
//! streams, and the exact path of its queue length.
//!
//! The queue path is integrated from time 0 (not only after the warm-up):
//! its area at the warm-up, at each of [`PATH_BINS`] equal bins of the
//! horizon and at the horizon gives the counted queue mean, the
//! replication's queue series for the output analysis
//! ([`crate::experiment::diagnostics`]) and the regime chart.
//!
//! An **overload episode** (a crisis) is a stretch during which the queue
//! stays above twice the staff on duty for longer than ten mean service
//! times; while nobody is scheduled (a night without shifts) there is no
//! episode. It is read from every change of the queue and of the staff, not
//! from samples.
//!
//! With shifts, `staff` changes through the period; a server whose shift
//! has ended finishes its current piece of work (overtime) and leaves.

use std::collections::VecDeque;

use crate::engine::{Stream, TimeAverage};

/// The servers of an unlimited department.
pub(super) const UNLIMITED: u32 = u32::MAX;

/// Equal bins of the horizon over which the queue path and external waits
/// are averaged for the output analysis: MSER-5 then sees 80 batches.
pub const PATH_BINS: usize = 400;

/// Overload episodes at one department.
#[derive(Debug, Clone)]
pub(super) struct Crisis {
    /// The queue is in crisis above this length.
    threshold: u32,
    /// `threshold + 1`: the length at which an episode begins (never, for
    /// an unlimited department).
    enter: u32,
    /// Episodes shorter than this are not counted.
    shortest: f64,
    /// Start of the stretch above the threshold, if the queue is above it.
    since: Option<f64>,
    warmup: f64,
    /// Counted time (after the warm-up) spent in episodes.
    pub counted_time: f64,
    /// Lengths of the episodes that reach into the counted period.
    pub lengths: Vec<f64>,
}

/// The queue length above which `staff` on duty are in crisis (never,
/// with nobody on duty or unlimited staff).
fn crisis_threshold(staff: u32) -> u32 {
    if staff == 0 { u32::MAX } else { staff.saturating_mul(2) }
}

impl Crisis {
    fn new(staff: u32, mean_service: f64, warmup: f64) -> Self {
        let threshold = crisis_threshold(staff);
        Crisis {
            threshold,
            enter: threshold.saturating_add(1),
            shortest: 10.0 * mean_service,
            since: None,
            warmup,
            counted_time: 0.0,
            lengths: Vec::new(),
        }
    }

    /// The median length of the counted episodes.
    pub(super) fn median_length(&mut self) -> Option<f64> {
        let lengths = &mut self.lengths;
        lengths.sort_by(f64::total_cmp);
        let middle = lengths.len() / 2;
        match lengths.len() {
            0 => None,
            n if n % 2 == 1 => Some(lengths[middle]),
            _ => Some((lengths[middle - 1] + lengths[middle]) / 2.0),
        }
    }

    /// The staff on duty becomes `staff` at `now`, with `waiting` in the
    /// queue: an episode may begin or end on the spot.
    pub(super) fn set_staff(&mut self, staff: u32, waiting: u32, now: f64) {
        self.threshold = crisis_threshold(staff);
        self.enter = self.threshold.saturating_add(1);
        if waiting > self.threshold {
            self.since.get_or_insert(now);
        } else {
            self.close(now);
        }
    }

    /// The stretch above the threshold ends at `now` (or the run does).
    pub(super) fn close(&mut self, now: f64) {
        let Some(since) = self.since.take() else {
            return;
        };
        let length = now - since;
        if length > self.shortest && now > self.warmup {
            self.counted_time += now - since.max(self.warmup);
            self.lengths.push(length);
        }
    }
}

/// The queue length's path: its integral from time 0, and its value at the
/// marks (the warm-up and each bin's end), read when the first change after
/// a mark happens (the queue is constant in between), so the marks cost no
/// events.
#[derive(Debug, Clone)]
pub(super) struct QueuePath {
    last: f64,
    area: f64,
    /// The earliest mark not yet read.
    next_mark: f64,
    bin_width: f64,
    warmup: f64,
    /// Area up to the warm-up (read once the warm-up has passed).
    pub at_warmup: f64,
    warmup_read: bool,
    /// Area up to the end of each bin passed.
    pub at_bin_end: Vec<f64>,
}

impl QueuePath {
    fn new(horizon: f64, warmup: f64) -> Self {
        let bin_width = horizon / PATH_BINS as f64;
        QueuePath {
            last: 0.0,
            area: 0.0,
            next_mark: warmup.min(bin_width),
            bin_width,
            warmup,
            at_warmup: 0.0,
            warmup_read: false,
            at_bin_end: Vec::with_capacity(PATH_BINS),
        }
    }

    /// The area up to `time`, with `waiting` in the queue since the last
    /// change.
    pub(super) fn area_until(&self, time: f64, waiting: u32) -> f64 {
        self.area + f64::from(waiting) * (time - self.last)
    }

    /// The queue changes at `now` after `waiting` since the last change.
    #[inline]
    fn advance(&mut self, now: f64, waiting: u32) {
        if now >= self.next_mark {
            self.read_marks(now, waiting);
        }
        self.area = self.area_until(now, waiting);
        self.last = now;
    }

    /// Reads every mark up to `now` (all of them at the horizon).
    #[cold]
    fn read_marks(&mut self, now: f64, waiting: u32) {
        if !self.warmup_read && self.warmup <= now {
            self.at_warmup = self.area_until(self.warmup, waiting);
            self.warmup_read = true;
        }
        while self.at_bin_end.len() < PATH_BINS {
            let end = if self.at_bin_end.len() == PATH_BINS - 1 {
                // The last bin ends at the horizon exactly.
                f64::INFINITY
            } else {
                self.bin_width * (self.at_bin_end.len() + 1) as f64
            };
            if end > now {
                break;
            }
            self.at_bin_end.push(self.area_until(end, waiting));
        }
        let next_bin = self.bin_width * (self.at_bin_end.len() + 1) as f64;
        self.next_mark = if self.warmup_read { next_bin } else { next_bin.min(self.warmup) };
    }

    /// Closes the path at the horizon: every mark read; returns the area.
    pub(super) fn close(&mut self, horizon: f64, waiting: u32) -> f64 {
        self.read_marks(horizon, waiting);
        while self.at_bin_end.len() < PATH_BINS {
            self.at_bin_end.push(self.area_until(horizon, waiting));
        }
        self.area_until(horizon, waiting)
    }
}

/// A department's servers, queues and random streams during a replication.
pub(super) struct Station {
    /// Servers on duty now (with shifts, it changes through the period).
    pub staff: u32,
    /// Staff-time worked past the end of a shift, from the warm-up.
    pub overtime: TimeAverage,
    /// The schedule's segment in force, and where its period began.
    pub shift: usize,
    pub shift_cycle: f64,
    /// People on a break now.
    pub on_break: u32,
    /// The lengths of breaks due whose people are still at work, in order.
    pub breaks_due: VecDeque<f64>,
    /// The next break due, and where its period began.
    pub next_break: usize,
    pub break_cycle: f64,
    /// When the department last opened after nobody was on duty (never:
    /// −∞); the stall check excuses work held for it a while after.
    pub reopened_at: f64,
    pub busy: u32,
    /// Servers holding their work while they wait for `hold` replies.
    pub holding: u32,
    pub waiting: u32,
    pub queue: VecDeque<u32>,
    pub priority_queue: VecDeque<u32>,
    pub service_stream: Stream,
    pub followup_stream: Stream,
    pub needs_stream: Stream,
    pub transfers_stream: Stream,
    pub social_stream: Stream,
    pub busy_time: TimeAverage,
    pub path: QueuePath,
    pub crisis: Crisis,
    pub tally: super::DepartmentTally,
    /// Busy and queue integrals at the last slot boundary (profiled
    /// scenarios only).
    pub slot_marks: (f64, f64),
    /// Counts by slot (profiled scenarios only).
    pub slots: Vec<super::intervals::SlotTally>,
}

impl Station {
    /// A department with `staff` servers whose service takes `mean_service`
    /// on average; `named` makes its streams.
    pub(super) fn new(
        staff: u32,
        mean_service: f64,
        (horizon, warmup): (f64, f64),
        named: impl Fn(&str) -> Stream,
    ) -> Self {
        Station {
            staff,
            reopened_at: f64::NEG_INFINITY,
            overtime: TimeAverage::new(warmup),
            shift: 0,
            shift_cycle: 0.0,
            on_break: 0,
            breaks_due: VecDeque::new(),
            next_break: 0,
            break_cycle: 0.0,
            busy: 0,
            holding: 0,
            waiting: 0,
            queue: VecDeque::with_capacity(64),
            priority_queue: VecDeque::new(),
            service_stream: named("service"),
            followup_stream: named("followup"),
            needs_stream: named("needs"),
            transfers_stream: named("transfers"),
            social_stream: named("social"),
            busy_time: TimeAverage::new(warmup),
            path: QueuePath::new(horizon, warmup),
            crisis: Crisis::new(staff, mean_service, warmup),
            tally: Default::default(),
            slot_marks: (0.0, 0.0),
            slots: Vec::new(),
        }
    }

    /// One more piece of work waits, from `now`.
    #[inline]
    pub(super) fn join_queue(&mut self, now: f64) {
        self.advance_path(now);
        self.waiting += 1;
        if self.waiting == self.crisis.enter {
            self.crisis.since = Some(now);
        }
    }

    /// One piece of work stops waiting at `now`.
    #[inline]
    pub(super) fn leave_queue(&mut self, now: f64) {
        self.advance_path(now);
        self.waiting -= 1;
        if self.waiting == self.crisis.threshold {
            self.crisis.close(now);
        }
    }

    #[inline]
    fn advance_path(&mut self, now: f64) {
        self.path.advance(now, self.waiting);
    }

    /// Whether every server is present and holding: the department can do
    /// nothing until a supplier replies (never, with unlimited staff or
    /// nobody on duty).
    pub(super) fn all_holding(&self) -> bool {
        self.staff > 0 && self.staff < UNLIMITED && self.holding >= self.staff
    }

    /// Servers working past the end of their shift (not those due a
    /// break).
    pub(super) fn excess(&self) -> u32 {
        self.busy.saturating_sub(self.staff + self.breaks_due.len() as u32)
    }

    /// Whether someone is due a break and still at work.
    #[inline(always)]
    pub(super) fn due_breaks(&self) -> bool {
        !self.breaks_due.is_empty()
    }

    /// People away from serving: on a break, or due one.
    pub(super) fn away(&self) -> u32 {
        self.on_break + self.breaks_due.len() as u32
    }

    /// Whether the department has as many servers as there is work.
    pub(super) fn unlimited(&self) -> bool {
        self.staff == UNLIMITED
    }

    /// Its head count as the social layer sees it: the staff on duty (and
    /// anyone finishing past a shift), or for an unlimited department the
    /// servers busy now; at least one.
    pub(super) fn head_count(&self) -> u32 {
        if self.unlimited() { self.busy.max(1) } else { self.staff.max(self.busy).max(1) }
    }

    /// Busy servers / staff now, at most 1 (0 for an unlimited department:
    /// no stress; with nobody on duty, 1 while someone finishes late).
    pub(super) fn busy_share(&self) -> f64 {
        match self.staff {
            _ if self.unlimited() => 0.0,
            0 => f64::from(u8::from(self.busy > 0)),
            staff => (f64::from(self.busy) / f64::from(staff)).min(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn station(staff: u32) -> Station {
        // Mean service 1: episodes must last longer than 10; warm-up 5;
        // horizon 400 (bins of 1).
        Station::new(staff, 1.0, (400.0, 5.0), |name| crate::engine::stream(1, 0, name))
    }

    #[test]
    fn an_episode_is_a_long_stretch_above_twice_the_staff() {
        let mut desk = station(1);
        for t in [0.0, 1.0, 2.0] {
            desk.join_queue(t);
        }
        // Three waiting from t = 2: above 2·1.
        desk.leave_queue(20.0);
        assert_eq!(desk.crisis.lengths, vec![18.0]);
        assert_eq!(desk.crisis.counted_time, 15.0, "only the part after the warm-up counts");
        // A short stretch above the threshold is no episode.
        desk.join_queue(30.0);
        desk.leave_queue(35.0);
        assert_eq!(desk.crisis.lengths.len(), 1);
        // One still running at the horizon is closed there.
        desk.join_queue(100.0);
        desk.crisis.close(400.0);
        assert_eq!(desk.crisis.lengths, vec![18.0, 300.0]);
        assert_eq!(desk.crisis.median_length(), Some(159.0));
    }

    #[test]
    fn the_path_is_integrated_exactly_and_read_at_every_mark() {
        let mut desk = station(3);
        desk.join_queue(2.5);
        desk.join_queue(3.0);
        desk.leave_queue(7.5);
        // Queue: 0 until 2.5, 1 until 3, 2 until 7.5, then 1.
        let end = desk.path.close(10.0, desk.waiting);
        assert_eq!(end, 0.5 + 9.0 + 2.5);
        assert_eq!(desk.path.at_warmup, 0.5 + 2.0 * 2.0);
        assert_eq!(&desk.path.at_bin_end[..8], &[0.0, 0.0, 0.5, 2.5, 4.5, 6.5, 8.5, 10.0]);
        assert_eq!(desk.path.at_bin_end.len(), PATH_BINS);
    }
}
