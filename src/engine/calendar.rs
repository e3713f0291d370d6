//! The event calendar: a binary heap ordered by time, ties broken by the
//! order in which events were scheduled, so a run is deterministic whatever
//! the heap's internal layout. Events are plain `Copy` values stored inline:
//! scheduling never allocates once the heap has grown to its working size.
//!
//! Times are never negative, and the bit patterns of non-negative IEEE 754
//! doubles sort like the numbers, so (time, sequence) is packed into one
//! 128-bit key and the heap compares integers.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy)]
struct Scheduled<E> {
    /// Time's bits in the high half, the sequence number in the low half.
    key: u128,
    event: E,
}

impl<E> Scheduled<E> {
    fn time(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
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
        other.key.cmp(&self.key)
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
        Calendar { heap: BinaryHeap::with_capacity(64), next_sequence: 0, now: 0.0 }
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
        // `+ 0.0` turns −0.0 into +0.0, whose bits sort correctly.
        let bits = (time + 0.0).to_bits();
        self.heap.push(Scheduled { key: (u128::from(bits) << 64) | u128::from(self.next_sequence), event });
        self.next_sequence += 1;
    }

    /// Removes the earliest event if it happens no later than `until`, and
    /// advances the clock to it.
    #[inline]
    pub fn pop_until(&mut self, until: f64) -> Option<E> {
        match self.heap.peek() {
            Some(next) if next.time() <= until => {
                let next = self.heap.pop().expect("peeked");
                self.now = next.time();
                Some(next.event)
            }
            _ => None,
        }
    }

    /// Time of the earliest pending event.
    #[inline]
    pub fn next_time(&self) -> Option<f64> {
        self.heap.peek().map(Scheduled::time)
    }

    /// Moves the clock forward to `time` without an event (for work done on
    /// a fixed time grid between events).
    #[inline]
    pub fn advance_to(&mut self, time: f64) {
        debug_assert!(time >= self.now);
        self.now = time;
    }

    /// Drops every pending event: the run ends at the next pop.
    pub fn clear(&mut self) {
        self.heap.clear();
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
