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
//! stays above `2 · max(staff, 1)` for longer than ten mean service times.
//! It is read from every change of the queue, not from samples.

use std::collections::VecDeque;

use crate::engine::{Stream, TimeAverage};

/// Equal bins of the horizon over which the queue path and external waits
/// are averaged for the output analysis: MSER-5 then sees 80 batches.
pub const PATH_BINS: usize = 400;

/// Overload episodes at one department.
#[derive(Debug, Clone)]
pub(super) struct Crisis {
    /// The queue is in crisis above this length.
    threshold: u32,
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

impl Crisis {
    fn new(staff: u32, mean_service: f64, warmup: f64) -> Self {
        Crisis {
            threshold: 2 * staff.max(1),
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

/// The queue length's path: its integral from time 0.
#[derive(Debug, Clone)]
pub(super) struct QueuePath {
    last: f64,
    area: f64,
    /// Area up to the warm-up (set when the warm-up ends).
    pub at_warmup: f64,
    /// Area up to the end of each bin.
    pub at_bin_end: Vec<f64>,
}

impl QueuePath {
    /// The area up to `now`, with `waiting` in the queue since the last change.
    pub(super) fn area_until(&self, now: f64, waiting: u32) -> f64 {
        self.area + f64::from(waiting) * (now - self.last)
    }
}

/// A department's servers, queues and random streams during a replication.
pub(super) struct Station {
    pub staff: u32,
    pub busy: u32,
    /// Servers holding their work while they wait for `hold` replies.
    pub holding: u32,
    pub waiting: u32,
    pub queue: VecDeque<u32>,
    pub priority_queue: VecDeque<u32>,
    pub service_stream: Stream,
    pub followup_stream: Stream,
    pub needs_stream: Stream,
    pub social_stream: Stream,
    pub busy_time: TimeAverage,
    pub path: QueuePath,
    pub crisis: Crisis,
    pub tally: super::DepartmentTally,
}

impl Station {
    /// A department with `staff` servers whose service takes `mean_service`
    /// on average; `named` makes its streams.
    pub(super) fn new(staff: u32, mean_service: f64, warmup: f64, named: impl Fn(&str) -> Stream) -> Self {
        Station {
            staff,
            busy: 0,
            holding: 0,
            waiting: 0,
            queue: VecDeque::with_capacity(64),
            priority_queue: VecDeque::new(),
            service_stream: named("service"),
            followup_stream: named("followup"),
            needs_stream: named("needs"),
            social_stream: named("social"),
            busy_time: TimeAverage::new(warmup),
            path: QueuePath { last: 0.0, area: 0.0, at_warmup: 0.0, at_bin_end: Vec::with_capacity(PATH_BINS) },
            crisis: Crisis::new(staff, mean_service, warmup),
            tally: Default::default(),
        }
    }

    /// One more piece of work waits, from `now`.
    #[inline]
    pub(super) fn join_queue(&mut self, now: f64) {
        self.advance_path(now);
        self.waiting += 1;
        if self.waiting == self.crisis.threshold + 1 {
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
        self.path.area = self.path.area_until(now, self.waiting);
        self.path.last = now;
    }

    /// Whether every server is present and holding: the department can do
    /// nothing until a supplier replies.
    pub(super) fn all_holding(&self) -> bool {
        self.staff > 0 && self.holding == self.staff
    }
}
