//! Overflow between teams (multi-skill pooling): work that has waited
//! `after` at its department may be served by an idle person of a
//! department it overflows to, in `service_factor` times the service time
//! drawn from its own department's stream (so variants stay paired).
//! Work-conserving both ways: a helper who becomes free with nothing of
//! its own waiting takes the eligible work that has waited longest, and
//! work that becomes eligible while a helper is idle is taken at once.
//! Everything else about the work (needs, holds, transfers, follow-ups)
//! follows its own department's rules; the helper's person is the one who
//! is busy, holds, and delivers (its morale sets speed and quality).

use super::work::{Event, Stage};
use super::{Observer, Simulation};

impl<O: Observer> Simulation<'_, '_, O> {
    /// Work `id` has just joined its department's queue: it becomes
    /// eligible for each overflow when that overflow's `after` has passed.
    #[cold]
    pub(super) fn schedule_overflow(&mut self, id: u32) {
        let work = self.works[id as usize];
        if self.scenario.departments[work.department as usize].overflow.is_empty() {
            return;
        }
        for overflow in &self.scenario.departments[work.department as usize].overflow {
            self.calendar
                .schedule(work.visit_start + overflow.after, Event::Overflow { work: id, serial: work.serial });
        }
    }

    /// Work `id` may have become eligible somewhere: an idle helper with
    /// nothing of its own waiting takes it (the first such overflow in the
    /// department's list).
    pub(super) fn on_overflow(&mut self, id: u32, serial: u32) {
        let work = self.works[id as usize];
        if work.serial != serial || work.stage != Stage::Waiting {
            return;
        }
        let home = work.department as usize;
        let now = self.now;
        let helper = self.scenario.departments[home].overflow.iter().find(|o| {
            let station = &self.stations[o.to];
            now >= work.visit_start + o.after && station.busy < station.staff && station.waiting == 0
        });
        let Some(helper) = helper.map(|o| o.to) else { return };
        let station = &mut self.stations[home];
        let queue = if work.priority { &mut station.priority_queue } else { &mut station.queue };
        if let Some(position) = queue.iter().position(|&w| w == id) {
            queue.remove(position);
            self.hand_over(home, helper, id);
        }
    }

    /// A person of `helper` is free and nothing of its own waits: takes
    /// the eligible work, of the departments that overflow to it, that has
    /// waited longest; returns whether there was any.
    #[cold]
    pub(super) fn take_overflow(&mut self, helper: usize) -> bool {
        let now = self.now;
        // (visit start, home, priority queue)
        let mut best: Option<(f64, usize, bool)> = None;
        for home in 0..self.scenario.departments.len() {
            let Some(overflow) = self.scenario.departments[home].overflow.iter().find(|o| o.to == helper) else {
                continue;
            };
            let after = overflow.after;
            for priority in [true, false] {
                let Some(head) = self.live_head(home, priority) else { continue };
                let start = self.works[head as usize].visit_start;
                if now >= start + after {
                    if best.is_none_or(|(earliest, _, _)| start < earliest) {
                        best = Some((start, home, priority));
                    }
                    // The home department serves its priority queue first.
                    break;
                }
            }
        }
        let Some((_, home, priority)) = best else { return false };
        let station = &mut self.stations[home];
        let queue = if priority { &mut station.priority_queue } else { &mut station.queue };
        let id = queue.pop_front().expect("a live head");
        self.hand_over(home, helper, id);
        true
    }

    /// The first work still waiting in one of `home`'s queues; customers
    /// who gave up ahead of it leave the queue (their slots are freed).
    fn live_head(&mut self, home: usize, priority: bool) -> Option<u32> {
        loop {
            let station = &mut self.stations[home];
            let queue = if priority { &mut station.priority_queue } else { &mut station.queue };
            let head = *queue.front()?;
            if self.works[head as usize].stage != Stage::Abandoned {
                return Some(head);
            }
            queue.pop_front();
            self.release(head);
        }
    }

    /// Work `id`, out of `home`'s queue, is served by a person of `helper`.
    fn hand_over(&mut self, home: usize, helper: usize, id: u32) {
        let now = self.now;
        self.stations[home].leave_queue(now);
        if self.works[id as usize].visit_start >= self.warmup {
            self.stations[home].tally.overflow_sent += 1;
            self.stations[helper].tally.overflow_served += 1;
            let index = self.scenario.departments[home].overflow.iter().position(|o| o.to == helper).expect("listed");
            let spec = &self.scenario.departments[home];
            self.links[self.first_link[home] + spec.needs.len() + spec.transfers.len() + index].requests += 1;
        }
        self.begin_service(id, helper);
    }

    /// A person of `helper` starts on work of `home`: busy there; returns
    /// the factor of the service time.
    #[cold]
    pub(super) fn helped(&mut self, home: usize, helper: usize) -> f64 {
        let now = self.now;
        let station = &mut self.stations[helper];
        station.busy_time.update(now, f64::from(station.busy));
        station.busy += 1;
        self.scenario.departments[home].overflow.iter().find(|o| o.to == helper).map_or(1.0, |o| o.service_factor)
    }

    /// Notes who serves work `id` (with overflow only).
    #[cold]
    pub(super) fn note_server(&mut self, id: u32, server: usize) {
        let slot = id as usize;
        if self.servers.len() <= slot {
            self.servers.resize(self.works.len().max(slot + 1), 0);
        }
        self.servers[slot] = server as u32;
    }

    /// The department whose person serves (or last served) work `id`.
    #[inline]
    pub(super) fn server_of(&self, id: u32) -> usize {
        if self.pooled { self.servers[id as usize] as usize } else { self.works[id as usize].department as usize }
    }
}
