//! A customer who gives up: the wait it ends, the counts it enters (short
//! abandons apart for the service level), and a failed experience for the
//! social layer. The queue keeps its place until a server reaches it.

use super::work::Stage;
use super::{Observer, Simulation};

impl<O: Observer> Simulation<'_, '_, O> {
    /// The customer of work `id` gives up waiting (if still waiting for the
    /// first time: `serial` tells a stale timer).
    pub(super) fn on_abandon(&mut self, id: u32, serial: u32) {
        let work = self.works[id as usize];
        if work.serial != serial || work.stage != Stage::Waiting || !work.first_wait() {
            return;
        }
        let now = self.now;
        let department = work.department as usize;
        self.slot_wait(department, work.visit_start, now - work.visit_start, Some((work.created, true)));
        let station = &mut self.stations[department];
        station.leave_queue(now);
        if work.visit_start >= self.warmup {
            station.tally.wait_sum += now - work.visit_start;
            station.tally.waits += 1;
            station.tally.waited += u64::from(now > work.visit_start);
            station.tally.abandoned += 1;
        }
        let counted = work.created >= self.warmup;
        station.tally.first_waits += u64::from(counted);
        station.tally.short_abandoned += u64::from(counted && now - work.created < self.short_abandon);
        self.paths.record_wait(work.created, now - work.created);
        if counted {
            self.external.abandoned += 1;
            self.external.record_wait(now - work.created);
        }
        if self.social.is_some() {
            // An abandonment is a failed experience: satisfaction 0.
            self.record_experience(0.0, counted);
        }
        self.trace("abandon", id, None, None);
        self.end_visit(id, false);
        // The slot stays in the queue until a server reaches it.
        self.works[id as usize].stage = Stage::Abandoned;
    }
}
