//! The organization at work: one replication of a scenario, simulated event
//! by event.
//!
//! External customers arrive (Poisson) at a front-line department and queue
//! for a server; one who has not started service when patience runs out
//! abandons. A piece of work (a customer's case, or an internal request) gets
//! the department's own service; when that ends, each of the department's
//! needs fires with its probability and sends an internal request to the
//! supplier, all in parallel. With `hold` needs the server stays busy until
//! their replies are in; with `handoff` needs the server is freed, the work is
//! parked, and when every reply is back it queues again for a follow-up
//! service. A piece of work completes when its own service, its held replies
//! and (if it handed off) its follow-up are done; an internal request's
//! completion is the reply to its requester. Queues are first come, first
//! served, and follow-ups queue with new work.
//!
//! Randomness comes from named streams (see [`crate::engine::streams`]):
//! `customers:arrivals`, `customers:entry`, `customers:patience`, and per
//! department `department:<name>:service`, `…:followup`, `…:needs`.

mod tally;

use rand::RngExt;
use rand::distr::Distribution as _;
use rand_distr::Exp1;
use std::collections::VecDeque;

use crate::engine::{Calendar, Stream, TimeAverage, stream};
use crate::scenario::{NeedMode, Scenario};

pub use tally::{DepartmentTally, ExternalTally, InternalTally, ReplicationResult};

const NO_PARENT: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// In a department's queue.
    Waiting,
    /// A server is working on it.
    Serving,
    /// Own work done; the server waits for `hold` replies.
    Holding,
    /// Own work done; parked until `handoff` replies are back.
    Parked,
    /// The customer left the queue; the slot is freed when the queue reaches it.
    Abandoned,
    /// The slot is free.
    Free,
}

/// A piece of work: an external customer's case or an internal request.
#[derive(Debug, Clone, Copy)]
struct Work {
    /// Distinguishes successive uses of the same slot, for stale events.
    serial: u32,
    department: u32,
    /// The work this request replies to; `NO_PARENT` for a customer's case.
    parent: u32,
    created: f64,
    visit_start: f64,
    /// When the customer abandons if still waiting (cases only).
    deadline: f64,
    outstanding: u16,
    hold_outstanding: u16,
    stage: Stage,
    /// The next or current service is the follow-up.
    followup: bool,
    /// How the requester waits for this request.
    sent_as: NeedMode,
    /// Some of its needs were `handoff`.
    has_handoff: bool,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival,
    ServiceEnd(u32),
    Abandon { work: u32, serial: u32 },
}

/// A department's servers, queue and random streams during a replication.
struct Station {
    staff: u32,
    busy: u32,
    waiting: u32,
    queue: VecDeque<u32>,
    service_stream: Stream,
    followup_stream: Stream,
    needs_stream: Stream,
    busy_time: TimeAverage,
    queue_time: TimeAverage,
    tally: DepartmentTally,
}

/// One replication in progress.
struct Simulation<'s> {
    scenario: &'s Scenario,
    calendar: Calendar<Event>,
    works: Vec<Work>,
    free_slots: Vec<u32>,
    next_serial: u32,
    stations: Vec<Station>,
    arrival_stream: Stream,
    entry_stream: Stream,
    patience_stream: Stream,
    mean_interarrival: f64,
    warmup: f64,
    now: f64,
    external: ExternalTally,
    internal: InternalTally,
}

/// Simulates replication `replication` of `scenario` under `master_seed`.
pub fn simulate(scenario: &Scenario, replication: u32, master_seed: u64) -> ReplicationResult {
    Simulation::new(scenario, replication, master_seed).run(replication, master_seed)
}

impl<'s> Simulation<'s> {
    fn new(scenario: &'s Scenario, replication: u32, seed: u64) -> Self {
        let stations = scenario
            .departments
            .iter()
            .map(|department| {
                let named = |part: &str| {
                    stream(
                        seed,
                        replication,
                        &format!("department:{}:{part}", department.name),
                    )
                };
                Station {
                    staff: department.staff,
                    busy: 0,
                    waiting: 0,
                    queue: VecDeque::with_capacity(64),
                    service_stream: named("service"),
                    followup_stream: named("followup"),
                    needs_stream: named("needs"),
                    busy_time: TimeAverage::new(scenario.warmup),
                    queue_time: TimeAverage::new(scenario.warmup),
                    tally: DepartmentTally::default(),
                }
            })
            .collect();
        Simulation {
            scenario,
            calendar: Calendar::new(),
            works: Vec::with_capacity(256),
            free_slots: Vec::with_capacity(256),
            next_serial: 0,
            stations,
            arrival_stream: stream(seed, replication, "customers:arrivals"),
            entry_stream: stream(seed, replication, "customers:entry"),
            patience_stream: stream(seed, replication, "customers:patience"),
            mean_interarrival: 1.0 / scenario.customers.arrival_rate,
            warmup: scenario.warmup,
            now: 0.0,
            external: ExternalTally::default(),
            internal: InternalTally::default(),
        }
    }

    fn run(mut self, replication: u32, seed: u64) -> ReplicationResult {
        let horizon = self.scenario.horizon;
        self.schedule_next_arrival();
        let mut events = 0u64;
        while let Some(event) = self.calendar.pop_until(horizon) {
            self.now = self.calendar.now();
            events += 1;
            match event {
                Event::Arrival => self.on_arrival(),
                Event::ServiceEnd(work) => self.on_service_end(work),
                Event::Abandon { work, serial } => self.on_abandon(work, serial),
            }
        }
        self.now = horizon;
        self.finish(replication, seed, events)
    }

    fn schedule_next_arrival(&mut self) {
        let gap: f64 = Exp1.sample(&mut self.arrival_stream);
        let at = self.now + gap * self.mean_interarrival;
        if at <= self.scenario.horizon {
            self.calendar.schedule(at, Event::Arrival);
        }
    }

    fn allocate(&mut self, work: Work) -> u32 {
        let work = Work {
            serial: self.next_serial,
            ..work
        };
        self.next_serial = self.next_serial.wrapping_add(1);
        match self.free_slots.pop() {
            Some(slot) => {
                self.works[slot as usize] = work;
                slot
            }
            None => {
                self.works.push(work);
                (self.works.len() - 1) as u32
            }
        }
    }

    fn release(&mut self, id: u32) {
        self.works[id as usize].stage = Stage::Free;
        self.free_slots.push(id);
    }

    fn on_arrival(&mut self) {
        self.schedule_next_arrival();
        let customers = &self.scenario.customers;
        let department = if customers.entry.len() == 1 {
            customers.entry[0].0
        } else {
            let u: f64 = self.entry_stream.random();
            customers
                .entry
                .iter()
                .find(|(_, cumulative)| u < *cumulative)
                .unwrap_or(&customers.entry[customers.entry.len() - 1])
                .0
        };
        let deadline = match &customers.patience {
            Some(patience) => self.now + patience.sample(&mut self.patience_stream),
            None => f64::INFINITY,
        };
        if self.now >= self.warmup {
            self.external.arrivals += 1;
        }
        let id = self.allocate(Work {
            serial: 0,
            department: department as u32,
            parent: NO_PARENT,
            created: self.now,
            visit_start: self.now,
            deadline,
            outstanding: 0,
            hold_outstanding: 0,
            stage: Stage::Waiting,
            followup: false,
            sent_as: NeedMode::Handoff,
            has_handoff: false,
        });
        self.enqueue(id);
    }

    /// Starts a visit of work `id` at its department.
    fn enqueue(&mut self, id: u32) {
        let now = self.now;
        let counted = now >= self.warmup;
        let work = &mut self.works[id as usize];
        work.visit_start = now;
        work.stage = Stage::Waiting;
        let station = &mut self.stations[work.department as usize];
        if counted {
            station.tally.visits += 1;
        }
        if station.busy < station.staff {
            self.begin_service(id);
        } else {
            station.queue_time.update(now, f64::from(station.waiting));
            station.waiting += 1;
            station.queue.push_back(id);
            if work.parent == NO_PARENT && !work.followup && work.deadline.is_finite() {
                let (deadline, serial) = (work.deadline, work.serial);
                self.calendar
                    .schedule(deadline.max(now), Event::Abandon { work: id, serial });
            }
        }
    }

    /// A server takes work `id`.
    fn begin_service(&mut self, id: u32) {
        let now = self.now;
        let work = &mut self.works[id as usize];
        work.stage = Stage::Serving;
        let department = work.department as usize;
        let station = &mut self.stations[department];
        station.busy_time.update(now, f64::from(station.busy));
        station.busy += 1;
        if work.visit_start >= self.warmup {
            station.tally.wait_sum += now - work.visit_start;
            station.tally.waits += 1;
        }
        if work.parent == NO_PARENT && !work.followup && work.created >= self.warmup {
            self.external.record_wait(now - work.created);
        }
        let spec = &self.scenario.departments[department];
        let duration = if work.followup {
            spec.followup.sample(&mut station.followup_stream)
        } else {
            spec.service.sample(&mut station.service_stream)
        };
        self.calendar
            .schedule(now + duration, Event::ServiceEnd(id));
    }

    /// Work `id` leaves its server (or its queue, when abandoning): records
    /// the visit and gives the server to the next in line.
    fn end_visit(&mut self, id: u32, held_server: bool) {
        let now = self.now;
        let work = self.works[id as usize];
        let department = work.department as usize;
        let station = &mut self.stations[department];
        if work.visit_start >= self.warmup {
            station.tally.visits_completed += 1;
            station.tally.visit_time_sum += now - work.visit_start;
        }
        if !held_server {
            return;
        }
        station.busy_time.update(now, f64::from(station.busy));
        station.busy -= 1;
        let next = loop {
            match self.stations[department].queue.pop_front() {
                Some(stale) if self.works[stale as usize].stage == Stage::Abandoned => {
                    self.release(stale)
                }
                other => break other,
            }
        };
        if let Some(next) = next {
            let station = &mut self.stations[department];
            station.queue_time.update(now, f64::from(station.waiting));
            station.waiting -= 1;
            self.begin_service(next);
        }
    }

    fn on_abandon(&mut self, id: u32, serial: u32) {
        let work = self.works[id as usize];
        if work.serial != serial || work.stage != Stage::Waiting || work.followup {
            return;
        }
        let now = self.now;
        let station = &mut self.stations[work.department as usize];
        station.queue_time.update(now, f64::from(station.waiting));
        station.waiting -= 1;
        if work.visit_start >= self.warmup {
            station.tally.wait_sum += now - work.visit_start;
            station.tally.waits += 1;
            station.tally.abandoned += 1;
        }
        if work.created >= self.warmup {
            self.external.abandoned += 1;
            self.external.record_wait(now - work.created);
        }
        self.end_visit(id, false);
        // The slot stays in the queue until a server reaches it.
        self.works[id as usize].stage = Stage::Abandoned;
    }

    fn on_service_end(&mut self, id: u32) {
        let work = self.works[id as usize];
        if work.followup {
            self.end_visit(id, true);
            self.complete(id);
            return;
        }
        let scenario = self.scenario;
        let department = work.department as usize;
        let counted = self.now >= self.warmup;
        let mut holds = 0u16;
        let mut handoffs = 0u16;
        for need in &scenario.departments[department].needs {
            let u: f64 = self.stations[department].needs_stream.random();
            if u >= need.probability {
                continue;
            }
            match need.mode {
                NeedMode::Hold => holds += 1,
                NeedMode::Handoff => handoffs += 1,
            }
            if counted {
                self.stations[department].tally.requests_sent += 1;
                self.stations[need.supplier].tally.requests_received += 1;
                self.internal.requests += 1;
            }
            let request = self.allocate(Work {
                serial: 0,
                department: need.supplier as u32,
                parent: id,
                created: self.now,
                visit_start: self.now,
                deadline: f64::INFINITY,
                outstanding: 0,
                hold_outstanding: 0,
                stage: Stage::Waiting,
                followup: false,
                sent_as: need.mode,
                has_handoff: false,
            });
            self.enqueue(request);
        }
        let work = &mut self.works[id as usize];
        work.outstanding = holds + handoffs;
        work.hold_outstanding = holds;
        work.has_handoff = handoffs > 0;
        if holds > 0 {
            work.stage = Stage::Holding;
        } else if handoffs > 0 {
            work.stage = Stage::Parked;
            self.end_visit(id, true);
        } else {
            self.end_visit(id, true);
            self.complete(id);
        }
    }

    /// Work `id` is finished: record it, reply to its requester, and go on
    /// up the chain while requesters finish in turn.
    fn complete(&mut self, mut id: u32) {
        loop {
            let now = self.now;
            let work = self.works[id as usize];
            let department = work.department as usize;
            let counted = work.created >= self.warmup;
            if counted {
                self.stations[department].tally.completed += 1;
            }
            self.release(id);
            if work.parent == NO_PARENT {
                if counted {
                    self.external.record_resolution(now - work.created);
                }
                return;
            }
            if counted {
                let delay = now - work.created;
                self.stations[department].tally.delay_given_sum += delay;
                self.stations[department].tally.replies_given += 1;
                self.internal.replies += 1;
                self.internal.delay_sum += delay;
            }
            let parent_id = work.parent;
            let parent = &mut self.works[parent_id as usize];
            parent.outstanding -= 1;
            if work.sent_as == NeedMode::Hold {
                parent.hold_outstanding -= 1;
            }
            match parent.stage {
                Stage::Holding if parent.hold_outstanding == 0 => {
                    let (has_handoff, outstanding) = (parent.has_handoff, parent.outstanding);
                    self.end_visit(parent_id, true);
                    if !has_handoff {
                        id = parent_id;
                        continue;
                    }
                    if outstanding == 0 {
                        self.start_followup(parent_id);
                    } else {
                        self.works[parent_id as usize].stage = Stage::Parked;
                    }
                }
                Stage::Parked if parent.outstanding == 0 => self.start_followup(parent_id),
                _ => {}
            }
            return;
        }
    }

    fn start_followup(&mut self, id: u32) {
        self.works[id as usize].followup = true;
        self.enqueue(id);
    }

    fn finish(mut self, replication: u32, seed: u64, events: u64) -> ReplicationResult {
        let horizon = self.scenario.horizon;
        let window = horizon - self.warmup;
        for station in &mut self.stations {
            station.busy_time.update(horizon, f64::from(station.busy));
            station
                .queue_time
                .update(horizon, f64::from(station.waiting));
        }
        self.external.in_system_end = self
            .works
            .iter()
            .filter(|w| {
                w.parent == NO_PARENT
                    && w.created >= self.warmup
                    && !matches!(w.stage, Stage::Free | Stage::Abandoned)
            })
            .count() as u64;
        let departments = self
            .stations
            .into_iter()
            .zip(&self.scenario.departments)
            .map(|(station, department)| DepartmentTally {
                busy_mean: station.busy_time.mean(horizon),
                queue_mean: station.queue_time.mean(horizon),
                staff_cost: f64::from(department.staff) * department.cost_per_time * window,
                ..station.tally
            })
            .collect();
        ReplicationResult {
            replication,
            seed,
            window,
            events,
            external: self.external,
            internal: self.internal,
            departments,
        }
    }
}
