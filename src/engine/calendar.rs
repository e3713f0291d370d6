//! The event calendar: a binary heap ordered by time, ties broken by the
//! order in which events were scheduled, so a run is deterministic whatever
//! the heap's internal layout. Events are plain `Copy` values stored inline:
//! scheduling never allocates once the heap has grown to its working size.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy)]
struct Scheduled<E> {
    time: f64,
    sequence: u64,
    event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.sequence == other.sequence
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Scheduled<E> {
    /// Reversed, so that the max-heap pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.sequence.cmp(&self.sequence))
    }
}

/// A future-event list with a clock.
#[derive(Debug, Clone)]
pub struct Calendar<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_sequence: u64,
    now: f64,
}

impl<E: Copy> Default for Calendar<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Calendar<E> {
    /// An empty calendar at time 0.
    pub fn new() -> Self {
        Calendar {
            heap: BinaryHeap::with_capacity(64),
            next_sequence: 0,
            now: 0.0,
        }
    }

    /// The current simulated time: the time of the last event popped.
    #[inline]
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Schedules `event` at absolute `time` (not before now).
    #[inline]
    pub fn schedule(&mut self, time: f64, event: E) {
        debug_assert!(time >= self.now, "scheduling into the past");
        self.heap.push(Scheduled {
            time,
            sequence: self.next_sequence,
            event,
        });
        self.next_sequence += 1;
    }

    /// Removes the earliest event if it happens no later than `until`, and
    /// advances the clock to it.
    #[inline]
    pub fn pop_until(&mut self, until: f64) -> Option<E> {
        match self.heap.peek() {
            Some(next) if next.time <= until => {
                let next = self.heap.pop().expect("peeked");
                self.now = next.time;
                Some(next.event)
            }
            _ => None,
        }
    }

    /// Number of events scheduled so far.
    pub fn scheduled(&self) -> u64 {
        self.next_sequence
    }

    /// Number of events pending.
    pub fn pending(&self) -> usize {
        self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_with_ties_in_scheduling_order() {
        let mut calendar = Calendar::new();
        calendar.schedule(5.0, 'c');
        calendar.schedule(1.0, 'a');
        calendar.schedule(5.0, 'd');
        calendar.schedule(2.0, 'b');
        calendar.schedule(9.0, 'e');
        let mut order = Vec::new();
        while let Some(event) = calendar.pop_until(8.0) {
            order.push((calendar.now(), event));
        }
        assert_eq!(order, vec![(1.0, 'a'), (2.0, 'b'), (5.0, 'c'), (5.0, 'd')]);
        assert_eq!(calendar.pending(), 1, "the event after `until` stays");
    }
}
