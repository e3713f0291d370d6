//! A piece of work, the stages it goes through, and the events of the
//! calendar.

use crate::scenario::NeedMode;

/// The `parent` of a customer's case at its first department.
pub(super) const NO_PARENT: u32 = u32::MAX;
/// The `parent` of a customer's case that a transfer moved on.
pub(super) const MOVED_CASE: u32 = u32::MAX - 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// On its way to the supplier through a silo.
    InTransit,
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
pub(super) struct Work {
    /// Distinguishes successive uses of the same slot, for stale events and
    /// the trace.
    pub(super) serial: u32,
    /// Serial of the customer case it belongs to.
    pub(super) case: u32,
    pub(super) department: u32,
    /// The work this request replies to; `NO_PARENT` for a customer's case
    /// (`MOVED_CASE` once a transfer moved it on).
    pub(super) parent: u32,
    pub(super) created: f64,
    pub(super) visit_start: f64,
    /// When its current service began.
    pub(super) service_start: f64,
    /// Staff cost of the time servers spent on it here (service, follow-up,
    /// redo and time held), at its department's `cost_per_time`.
    pub(super) cost: f64,
    /// When the customer abandons if still waiting (cases only).
    pub(super) deadline: f64,
    /// Sum of the perceived quality of the replies used.
    pub(super) input_quality_sum: f64,
    pub(super) outstanding: u16,
    pub(super) hold_outstanding: u16,
    /// Replies used.
    pub(super) inputs: u16,
    /// Times it was sent back for rework (repeat contacts for a case).
    pub(super) repeats: u16,
    /// Index of the requester's need this request serves.
    pub(super) need: u16,
    pub(super) stage: Stage,
    /// The next or current service is the follow-up.
    pub(super) followup: bool,
    /// The next or current service redoes work sent back: no new requests.
    pub(super) redo: bool,
    /// How the requester waits for this request.
    pub(super) sent_as: NeedMode,
    /// Some of its needs were `handoff`.
    pub(super) has_handoff: bool,
    /// Served before work without a service agreement.
    pub(super) priority: bool,
}

impl Work {
    pub(super) fn new(department: usize, parent: u32, now: f64) -> Work {
        Work {
            serial: 0,
            case: 0,
            department: department as u32,
            parent,
            created: now,
            visit_start: now,
            service_start: now,
            cost: 0.0,
            deadline: f64::INFINITY,
            input_quality_sum: 0.0,
            outstanding: 0,
            hold_outstanding: 0,
            inputs: 0,
            repeats: 0,
            need: 0,
            stage: Stage::Waiting,
            followup: false,
            redo: false,
            sent_as: NeedMode::Handoff,
            has_handoff: false,
            priority: false,
        }
    }

    pub(super) fn is_case(&self) -> bool {
        self.parent >= MOVED_CASE
    }

    /// Waiting for the first time, at the front line: only then may a
    /// customer abandon.
    pub(super) fn first_wait(&self) -> bool {
        self.parent == NO_PARENT && !self.followup && self.repeats == 0
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Event {
    Arrival,
    ServiceEnd(u32),
    Abandon {
        work: u32,
        serial: u32,
    },
    Deliver(u32),
    Sample,
    /// A department's staff on duty changes (shifts).
    StaffChange(u32),
    /// A person of a department is due a break.
    BreakDue(u32),
    /// A person of a department comes back from a break.
    BreakEnd(u32),
    /// Waiting work becomes eligible for overflow (`after` has passed).
    Overflow {
        work: u32,
        serial: u32,
    },
}
