//! Staff that changes through the period: shift changes, and a free
//! server taking the next work in line (also when one arrives on shift).
//! A server whose shift has ended finishes its work and leaves (see
//! `end_visit`); the ones arriving take waiting work at once.

use super::work::{Event, Stage};
use super::{Observer, Simulation};

impl<O: Observer> Simulation<'_, '_, O> {
    /// A free server at `department` takes the next work in line, if any;
    /// returns whether it did.
    #[inline(always)]
    pub(super) fn serve_next(&mut self, department: usize) -> bool {
        let next = loop {
            let station = &mut self.stations[department];
            let candidate = match station.priority_queue.pop_front() {
                Some(first) => Some(first),
                None => station.queue.pop_front(),
            };
            match candidate {
                Some(stale) if self.works[stale as usize].stage == Stage::Abandoned => self.release(stale),
                other => break other,
            }
        };
        let Some(next) = next else {
            // Nothing of its own waits: work of others that may overflow
            // here.
            return self.pooled && self.helps[department] && self.take_overflow(department);
        };
        self.stations[department].leave_queue(self.now);
        self.begin_service(next, department);
        true
    }

    /// The next shift change at `department`: the staff on duty moves to
    /// the schedule's next segment. Arriving staff take waiting work; staff
    /// whose shift ends finish what they hold first (see [`Self::end_visit`]).
    pub(super) fn on_staff_change(&mut self, department: usize) {
        let now = self.now;
        let Some(schedule) = &self.scenario.departments[department].schedule else {
            return;
        };
        let station = &mut self.stations[department];
        station.shift += 1;
        if station.shift == schedule.staff.len() {
            station.shift = 0;
            station.shift_cycle += schedule.period;
        }
        station.overtime.update(now, f64::from(station.excess()));
        if station.staff == 0 && schedule.staff[station.shift] > 0 {
            station.reopened_at = now;
        }
        station.staff = self.scenario.departments[department].available(schedule.staff[station.shift]);
        station.crisis.set_staff(station.staff, station.waiting, now);
        let next = station.shift_cycle + schedule.segment_end(station.shift);
        if next <= self.scenario.horizon {
            self.calendar.schedule(next, Event::StaffChange(department as u32));
        }
        while self.stations[department].busy < self.stations[department].staff && self.serve_next(department) {}
    }
}
