//! Staff that changes through the period: shift changes, breaks, and a
//! free server taking the next work in line (also when one arrives on
//! shift). A server whose shift has ended finishes its work and leaves (see
//! `end_visit`); the ones arriving take waiting work at once. A person due
//! a break takes it at once when someone is free, else on finishing the
//! work in hand, and is away the whole length from then.

use super::work::{Event, Stage};
use super::{Observer, Simulation, StaffEvent};

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
        self.restaff(department);
        let station = &mut self.stations[department];
        let next = station.shift_cycle + schedule.segment_end(station.shift);
        if next <= self.scenario.horizon {
            self.calendar.schedule(next, Event::StaffChange(department as u32));
        }
        while self.stations[department].busy < self.stations[department].staff && self.serve_next(department) {}
    }
}

impl<O: Observer> Simulation<'_, '_, O> {
    /// The people serving at `department`: those scheduled now, less those
    /// on a break or due one, less shrinkage.
    fn restaff(&mut self, department: usize) {
        let spec = &self.scenario.departments[department];
        let station = &mut self.stations[department];
        station.staff = spec.serving(station.shift, station.away());
        station.crisis.set_staff(station.staff, station.waiting, self.now);
    }

    /// A server of `department` has finished its work while the department
    /// is at or past its staff, or someone is due a break: the server takes
    /// the break due first, or leaves past its shift; returns whether it
    /// stops serving.
    #[cold]
    pub(super) fn server_leaves(&mut self, department: usize) -> bool {
        let now = self.now;
        let station = &mut self.stations[department];
        let before = (station.busy + 1).saturating_sub(station.staff + station.breaks_due.len() as u32);
        station.overtime.update(now, f64::from(before));
        match station.breaks_due.pop_front() {
            Some(length) => {
                self.start_break(department, length);
                true
            }
            None => station.busy >= station.staff,
        }
    }

    fn start_break(&mut self, department: usize, length: f64) {
        self.stations[department].on_break += 1;
        self.calendar.schedule(self.now + length, Event::BreakEnd(department as u32));
        self.note_staff("break", department);
    }

    /// A person of `department` is due a break: the people serving drop by
    /// one at once; the break starts now if someone is free, else when the
    /// next server finishes its work.
    pub(super) fn on_break_due(&mut self, department: usize) {
        let Some(breaks) = &self.scenario.departments[department].breaks else {
            return;
        };
        let station = &mut self.stations[department];
        let length = breaks.lengths[station.next_break];
        station.next_break += 1;
        if station.next_break == breaks.starts.len() {
            station.next_break = 0;
            station.break_cycle += breaks.period;
        }
        let next = station.break_cycle + breaks.starts[station.next_break];
        if next <= self.scenario.horizon {
            self.calendar.schedule(next, Event::BreakDue(department as u32));
        }
        let (busy, staff) = (station.busy, station.staff);
        if busy < staff {
            // Someone is free: that person goes now.
            self.start_break(department, length);
        } else {
            self.stations[department].breaks_due.push_back(length);
        }
        self.restaff(department);
    }

    /// A person of `department` is back from a break and takes waiting
    /// work.
    pub(super) fn on_break_end(&mut self, department: usize) {
        let now = self.now;
        let station = &mut self.stations[department];
        station.overtime.update(now, f64::from(station.excess()));
        station.on_break -= 1;
        self.restaff(department);
        self.note_staff("back", department);
        while self.stations[department].busy < self.stations[department].staff && self.serve_next(department) {}
    }

    fn note_staff(&mut self, event: &'static str, department: usize) {
        if O::TRACE {
            let department = &self.scenario.departments[department].name;
            self.observer.staff(&StaffEvent { time: self.now, event, department });
        }
    }
}
