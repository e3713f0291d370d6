//! Watching a replication from outside: time-series samples and a trace of
//! every event. The model calls an [`Observer`]; a run that observes nothing
//! uses [`Unobserved`], whose constants let the compiler drop the calls.

/// One time-series sample of one department.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample<'a> {
    /// Simulated time.
    pub time: f64,
    /// Department name.
    pub department: &'a str,
    /// Morale (social layer only).
    pub morale: Option<f64>,
    /// Pieces of work waiting in its queues.
    pub queue: u32,
    /// Servers occupied.
    pub busy: u32,
    /// Mean satisfaction of the customers whose experience ended since the
    /// last sample (social layer only; `None` if there were none).
    pub external_satisfaction: Option<f64>,
}

/// One event of the trace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceEvent<'a> {
    /// Simulated time.
    pub time: f64,
    /// What happened: `arrival`, `queue`, `start`, `end` (of a service),
    /// `release` (the server lets the work go: at the end of its service,
    /// or when the replies it held for are in), `request`, `reply`,
    /// `rework`, `abandon`, `transfer`, `complete`.
    pub event: &'static str,
    /// Department where it happened.
    pub department: &'a str,
    /// The piece of work (unique within the replication).
    pub work: u32,
    /// The customer case it belongs to.
    pub case: u32,
    /// The requester's piece of work, for an internal request.
    pub parent: Option<u32>,
    /// Quality of the delivered work, where there is one.
    pub quality: Option<f64>,
    /// Attitude shown (the department's morale), where there is one.
    pub attitude: Option<f64>,
}

/// A person of a department going on a break or coming back (trace).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffEvent<'a> {
    /// Simulated time.
    pub time: f64,
    /// `break` (the person leaves: at the break's time when free, else on
    /// finishing the work in hand) or `back`.
    pub event: &'static str,
    /// Department where it happened.
    pub department: &'a str,
}

/// Receives samples and trace events during a replication.
pub trait Observer {
    /// Whether the model should take samples every `sample_every`.
    const SAMPLES: bool = false;
    /// Whether the model should report every event.
    const TRACE: bool = false;
    /// A time-series sample.
    fn sample(&mut self, _sample: &Sample) {}
    /// An event.
    fn trace(&mut self, _event: &TraceEvent) {}
    /// A break begins or ends (reported with the trace).
    fn staff(&mut self, _event: &StaffEvent) {}
}

/// Observes nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unobserved;

impl Observer for Unobserved {}
