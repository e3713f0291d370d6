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
//! With the social layer on ([`social`]), each department also has a morale
//! that changes how fast and how well it works; every deliverable carries a
//! quality, may be sent back for rework, and leaves its receiver more or less
//! satisfied; customers end with a satisfaction and a churn probability.
//! Needs may carry a silo delay and quality loss, and a service agreement
//! (`priority`) lets a requester's work jump the supplier's queue.
//!
//! Randomness comes from named streams (see [`crate::engine::streams`]):
//! `customers:arrivals`, `customers:entry`, `customers:patience`, and per
//! department `department:<name>:service`, `…:followup`, `…:needs`. The
//! social layer draws only from its own streams, `customers:social` and
//! `department:<name>:social`, so switching it off leaves the queueing
//! streams untouched.

mod arrivals;
mod completion;
mod finish;
mod intervals;
pub mod load;
pub mod observer;
mod shifts;
pub mod social;
mod station;
mod tally;

use crate::engine::{Calendar, Stream, stream};
use crate::scenario::{NeedMode, Scenario};
use rand::RngExt;

pub use intervals::{Intervals, SlotTally};
pub use load::{LoadEstimate, SizeEstimate, load_estimate, overloaded, size_estimate};
pub use observer::{Observer, Sample, StaffEvent, TraceEvent, Unobserved};
use social::SocialState;
pub use station::PATH_BINS;
use station::Station;
pub use tally::{DepartmentTally, ExternalTally, InternalTally, LinkTally, Paths, ReplicationResult, Stall};

/// A replication stops when no service has ended for this many times the
/// longest mean service time while some department's servers all hold.
pub const STALL_SERVICE_TIMES: f64 = 1_000.0;

mod abandon;
mod overflow;
mod work;
use work::{Event, NO_PARENT, Stage, Work};

/// One replication in progress.
struct Simulation<'s, 'o, O: Observer> {
    scenario: &'s Scenario,
    observer: &'o mut O,
    calendar: Calendar<Event>,
    works: Vec<Work>,
    free_slots: Vec<u32>,
    next_serial: u32,
    stations: Vec<Station>,
    social: Option<SocialState>,
    arrival_stream: Stream,
    entry_stream: Stream,
    patience_stream: Stream,
    customer_social_stream: Stream,
    warmup: f64,
    now: f64,
    /// Customers' satisfaction since the last sample: sum and count.
    interval_satisfaction: (f64, u32),
    external: ExternalTally,
    internal: InternalTally,
    links: Vec<LinkTally>,
    /// Index in `links` of each department's first need (its transfers
    /// follow its needs, then its overflows).
    first_link: Vec<usize>,
    /// Whether each department passes work on (has transfers).
    moves_on: Vec<bool>,
    /// Whether some department's work may overflow to each department.
    helps: Vec<bool>,
    /// Whether any department's work may overflow.
    pooled: bool,
    /// With overflow, the department whose person serves (or last served)
    /// each piece of work, by slot: its own, or one it overflowed to.
    servers: Vec<u32>,
    paths: Paths,
    /// When a service last ended, anywhere.
    last_service_end: f64,
    /// How long without a service end counts as a stall.
    stall_span: f64,
    stalled: Option<Stall>,
    /// The slots of a profiled scenario.
    clock: Option<intervals::SlotClock>,
    /// The slot in force and the next boundary.
    slots: intervals::SlotCursor,
    /// A first wait up to this long is "in time" (service level).
    in_time: f64,
    /// Customers who give up within this wait are left out of the service
    /// level.
    short_abandon: f64,
}

/// Simulates replication `replication` of `scenario` under `master_seed`.
pub fn simulate(scenario: &Scenario, replication: u32, master_seed: u64) -> ReplicationResult {
    simulate_observed(scenario, replication, master_seed, &mut Unobserved)
}

/// Like [`simulate`], reporting samples and events to `observer`.
pub fn simulate_observed<O: Observer>(
    scenario: &Scenario,
    replication: u32,
    master_seed: u64,
    observer: &mut O,
) -> ReplicationResult {
    Simulation::new(scenario, replication, master_seed, observer).run(replication, master_seed)
}

impl<'s, 'o, O: Observer> Simulation<'s, 'o, O> {
    fn new(scenario: &'s Scenario, replication: u32, seed: u64, observer: &'o mut O) -> Self {
        let clock = intervals::SlotClock::of(scenario);
        let stations = scenario
            .departments
            .iter()
            .map(|department| {
                let named = |part: &str| stream(seed, replication, &format!("department:{}:{part}", department.name));
                let servers = match &department.schedule {
                    _ if department.unlimited => station::UNLIMITED,
                    _ => department.serving(0, 0),
                };
                let mut station =
                    Station::new(servers, department.service_mean, (scenario.horizon, scenario.warmup), named);
                if let Some(clock) = &clock {
                    station.slots = vec![SlotTally::default(); clock.slots()];
                }
                station
            })
            .collect();
        let longest_service = scenario.departments.iter().map(|d| d.service_mean).fold(0.0, f64::max);
        Simulation {
            scenario,
            observer,
            calendar: Calendar::new(),
            works: Vec::with_capacity(256),
            free_slots: Vec::with_capacity(256),
            next_serial: 0,
            stations,
            social: scenario.behavior_enabled.then(|| SocialState::new(scenario)),
            arrival_stream: stream(seed, replication, "customers:arrivals"),
            entry_stream: stream(seed, replication, "customers:entry"),
            patience_stream: stream(seed, replication, "customers:patience"),
            customer_social_stream: stream(seed, replication, "customers:social"),
            warmup: scenario.warmup,
            now: 0.0,
            interval_satisfaction: (0.0, 0),
            external: ExternalTally::default(),
            internal: InternalTally::default(),
            links: vec![
                LinkTally::default();
                scenario.departments.iter().map(|d| d.needs.len() + d.transfers.len() + d.overflow.len()).sum()
            ],
            first_link: scenario
                .departments
                .iter()
                .scan(0, |next, d| {
                    let first = *next;
                    *next += d.needs.len() + d.transfers.len() + d.overflow.len();
                    Some(first)
                })
                .collect(),
            moves_on: scenario.departments.iter().map(|d| !d.transfers.is_empty()).collect(),
            pooled: scenario.departments.iter().any(|d| !d.overflow.is_empty()),
            servers: Vec::new(),
            helps: (0..scenario.departments.len())
                .map(|d| scenario.departments.iter().any(|home| home.overflow.iter().any(|o| o.to == d)))
                .collect(),
            paths: Paths {
                bin_width: scenario.horizon / PATH_BINS as f64,
                bins_per_time: PATH_BINS as f64 / scenario.horizon,
                queue: Vec::new(),
                wait_sum: vec![0.0; PATH_BINS],
                wait_count: vec![0; PATH_BINS],
            },
            last_service_end: 0.0,
            stall_span: STALL_SERVICE_TIMES * longest_service,
            stalled: None,
            slots: intervals::SlotCursor::new(clock.as_ref()),
            clock,
            in_time: scenario.customers.service_level_time.unwrap_or(f64::NEG_INFINITY),
            short_abandon: scenario.customers.short_abandon,
        }
    }

    fn run(mut self, replication: u32, seed: u64) -> ReplicationResult {
        let horizon = self.scenario.horizon;
        self.schedule_next_arrival();
        for (index, department) in self.scenario.departments.iter().enumerate() {
            if let Some(schedule) = &department.schedule {
                self.calendar.schedule(schedule.segment_end(0), Event::StaffChange(index as u32));
            }
            if let Some(breaks) = &department.breaks {
                self.calendar.schedule(breaks.starts[0], Event::BreakDue(index as u32));
            }
        }
        if O::SAMPLES {
            self.calendar.schedule(0.0, Event::Sample);
        }
        // Morale updates and slot boundaries run on fixed grids between
        // events, without going through the calendar.
        let tick_interval = self.scenario.behavior.update_interval;
        let mut next_tick = if self.social.is_some() { tick_interval } else { f64::INFINITY };
        let mut next_mark = next_tick.min(self.slots.next);
        let mut events = 0u64;
        loop {
            // With the social layer off and no slots `next_mark` is
            // infinite and the calendar is not peeked twice.
            if next_mark <= horizon && next_mark <= self.calendar.next_time().unwrap_or(f64::INFINITY) {
                self.calendar.advance_to(next_mark);
                self.now = next_mark;
                if self.slots.next <= next_mark {
                    self.cross_slot_boundary();
                }
                if next_tick <= next_mark {
                    self.on_tick();
                    next_tick += tick_interval;
                }
                next_mark = next_tick.min(self.slots.next);
                continue;
            }
            let Some(event) = self.calendar.pop_until(horizon) else {
                break;
            };
            self.now = self.calendar.now();
            events += 1;
            match event {
                Event::Arrival => self.on_arrival(),
                Event::ServiceEnd(work) => self.on_service_end(work),
                Event::Abandon { work, serial } => self.on_abandon(work, serial),
                Event::Deliver(work) => self.enqueue(work),
                Event::Sample => self.on_sample(),
                Event::StaffChange(department) => self.on_staff_change(department as usize),
                Event::Overflow { work, serial } => self.on_overflow(work, serial),
                Event::BreakDue(department) => self.on_break_due(department as usize),
                Event::BreakEnd(department) => self.on_break_end(department as usize),
            }
        }
        if self.stalled.is_none() {
            self.now = horizon;
        }
        self.finish(replication, seed, events)
    }

    #[inline]
    fn trace(&mut self, event: &'static str, id: u32, quality: Option<f64>, attitude: Option<f64>) {
        if O::TRACE {
            let work = self.works[id as usize];
            self.observer.trace(&TraceEvent {
                time: self.now,
                event,
                department: &self.scenario.departments[work.department as usize].name,
                work: work.serial,
                case: work.case,
                parent: (!work.is_case()).then(|| self.works[work.parent as usize].serial),
                quality,
                attitude,
            });
        }
    }

    fn allocate(&mut self, work: Work) -> u32 {
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1);
        let work = Work { serial, case: if work.is_case() { serial } else { work.case }, ..work };
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
        if self.now - self.last_service_end > self.stall_span {
            self.check_stall();
        }
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
        let id = self.allocate(Work { deadline, ..Work::new(department, NO_PARENT, self.now) });
        self.trace("arrival", id, None, None);
        self.enqueue(id);
    }

    /// Starts a visit of work `id` at its department.
    fn enqueue(&mut self, id: u32) {
        let now = self.now;
        let counted = now >= self.warmup;
        let work = &mut self.works[id as usize];
        work.visit_start = now;
        work.stage = Stage::Waiting;
        let department = work.department as usize;
        let station = &mut self.stations[department];
        if counted {
            station.tally.visits += 1;
        }
        if station.busy < station.staff {
            self.slot_visit(department);
            self.begin_service(id, department);
            return;
        }
        self.slot_visit(department);
        let work = &self.works[id as usize];
        let station = &mut self.stations[department];
        station.join_queue(now);
        if work.priority {
            station.priority_queue.push_back(id);
        } else {
            station.queue.push_back(id);
        }
        if work.first_wait() && work.deadline.is_finite() {
            let (deadline, serial) = (work.deadline, work.serial);
            self.calendar.schedule(deadline.max(now), Event::Abandon { work: id, serial });
        }
        self.trace("queue", id, None, None);
        if self.pooled {
            self.schedule_overflow(id);
        }
    }

    /// A person of department `server` (the work's own, or one it
    /// overflowed to) takes work `id`.
    fn begin_service(&mut self, id: u32, server: usize) {
        let now = self.now;
        if self.pooled {
            self.note_server(id, server);
        }
        let work = &mut self.works[id as usize];
        work.stage = Stage::Serving;
        work.service_start = now;
        let department = work.department as usize;
        if self.clock.is_some() {
            let (visit_start, created, first_wait) = (work.visit_start, work.created, work.first_wait());
            self.slot_wait(department, visit_start, now - visit_start, first_wait.then_some((created, false)));
        }
        let work = &self.works[id as usize];
        let station = &mut self.stations[department];
        let own = server == department;
        if own {
            station.busy_time.update(now, f64::from(station.busy));
            station.busy += 1;
        }
        if work.visit_start >= self.warmup {
            station.tally.wait_sum += now - work.visit_start;
            station.tally.waits += 1;
            station.tally.waited += u64::from(now > work.visit_start);
        }
        if work.first_wait() {
            let wait = now - work.created;
            self.paths.record_wait(work.created, wait);
            if work.created >= self.warmup {
                self.external.record_wait(wait);
                station.tally.first_waits += 1;
                station.tally.in_time += u64::from(wait <= self.in_time);
                station.tally.answered_wait_sum += wait;
            }
        }
        let spec = &self.scenario.departments[department];
        let mut duration = if work.followup {
            spec.followup.as_ref().map_or(0.0, |followup| followup.sample(&mut station.followup_stream))
        } else {
            spec.service.sample(&mut station.service_stream)
        };
        if !own {
            duration *= self.helped(department, server);
        }
        if let Some(social) = &self.social {
            duration *= social.moods[server].speed_factor;
        }
        self.calendar.schedule(now + duration, Event::ServiceEnd(id));
        self.trace("start", id, None, None);
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
        let server = if self.pooled { self.server_of(id) } else { department };
        self.works[id as usize].cost += (now - work.service_start) * self.scenario.departments[server].cost_per_time;
        self.trace("release", id, None, None);
        let station = &mut self.stations[server];
        station.busy_time.update(now, f64::from(station.busy));
        station.busy -= 1;
        if (station.busy >= station.staff || station.due_breaks()) && self.server_leaves(server) {
            return;
        }
        self.serve_next(server);
    }

    fn on_service_end(&mut self, id: u32) {
        self.last_service_end = self.now;
        let work = self.works[id as usize];
        self.trace("end", id, None, None);
        if work.followup || work.redo {
            self.end_visit(id, true);
            self.complete(id);
            return;
        }
        let scenario = self.scenario;
        let department = work.department as usize;
        let counted = self.now >= self.warmup;
        let social = self.social.is_some();
        let mut holds = 0u16;
        let mut handoffs = 0u16;
        for (need_index, need) in scenario.departments[department].needs.iter().enumerate() {
            let u: f64 = self.stations[department].needs_stream.random();
            if u >= need.probability {
                continue;
            }
            match need.mode {
                NeedMode::Hold => holds += 1,
                NeedMode::Handoff => handoffs += 1,
            }
            if counted {
                self.links[self.first_link[department] + need_index].requests += 1;
                self.stations[department].tally.requests_sent += 1;
                self.stations[need.supplier].tally.requests_received += 1;
                self.internal.requests += 1;
            }
            let request = self.allocate(Work {
                case: work.case,
                need: need_index as u16,
                sent_as: need.mode,
                priority: need.priority,
                ..Work::new(need.supplier, id, self.now)
            });
            self.trace("request", request, None, None);
            if social && need.silo_delay > 0.0 {
                self.works[request as usize].stage = Stage::InTransit;
                self.calendar.schedule(self.now + need.silo_delay, Event::Deliver(request));
            } else {
                self.enqueue(request);
            }
        }
        let work = &mut self.works[id as usize];
        work.outstanding = holds + handoffs;
        work.hold_outstanding = holds;
        work.has_handoff = handoffs > 0;
        if holds > 0 {
            work.stage = Stage::Holding;
            let server = self.server_of(id);
            self.stations[server].holding += 1;
        } else if handoffs > 0 {
            work.stage = Stage::Parked;
            self.end_visit(id, true);
        } else {
            self.end_visit(id, true);
            self.complete(id);
        }
    }
}
