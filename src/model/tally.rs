//! What one replication counts: raw sums and counts, from which
//! [`crate::experiment`] derives the reported metrics. Only work that starts
//! after the warm-up is counted (customers that arrive, requests that are
//! sent, visits that begin after it); time averages cover the window from
//! the warm-up to the horizon.

use super::PATH_BINS;
use crate::engine::LogHistogram;

/// External customers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExternalTally {
    /// Customers who arrived.
    pub arrivals: u64,
    /// Customers whose case was completed.
    pub served: u64,
    /// Customers who abandoned before service started.
    pub abandoned: u64,
    /// Customers still in the system at the horizon.
    pub in_system_end: u64,
    /// Customers whose wait ended (service started or they abandoned).
    pub waits: u64,
    /// Of those, how many waited a positive time.
    pub waited: u64,
    /// Sum of waits (arrival to start of service, or to abandonment).
    pub wait_sum: f64,
    /// Distribution of waits (emptied by
    /// [`ReplicationResult::drop_distributions`]).
    pub wait_histogram: LogHistogram,
    /// The 90th percentile of waits, read from the histogram at the end.
    pub wait_p90: Option<f64>,
    /// Sum of resolution times (arrival to completion) of served customers.
    pub resolution_sum: f64,
    /// Distribution of resolution times (emptied by
    /// [`ReplicationResult::drop_distributions`]).
    pub resolution_histogram: LogHistogram,
    /// The 90th percentile of resolution times, read at the end.
    pub resolution_p90: Option<f64>,
    /// Front-line staff cost of served customers' cases (their own
    /// department's time, repeat contacts and follow-ups included).
    pub cost_sum: f64,
    /// Customers whose experience ended (served or abandoned): the
    /// denominator of satisfaction and churn (social layer).
    pub experiences: u64,
    /// Sum of their satisfaction, abandonment counting 0.
    pub satisfaction_sum: f64,
    /// Sum of their churn probabilities: expected customers lost.
    pub churn_sum: f64,
    /// Expected revenue lost: Σ churn probability × customer value.
    pub revenue_at_risk: f64,
    /// Served customers who had to come back at least once (repeat contact).
    pub reworked: u64,
    /// Sum of the quality of served customers' final answers.
    pub quality_sum: f64,
}

impl ExternalTally {
    pub(crate) fn record_wait(&mut self, wait: f64) {
        self.waits += 1;
        if wait > 0.0 {
            self.waited += 1;
        }
        self.wait_sum += wait;
        self.wait_histogram.record(wait);
    }

    pub(crate) fn record_resolution(&mut self, resolution: f64) {
        self.served += 1;
        self.resolution_sum += resolution;
        self.resolution_histogram.record(resolution);
    }
}

/// Internal requests, over the whole organization.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct InternalTally {
    /// Requests sent.
    pub requests: u64,
    /// Requests answered.
    pub replies: u64,
    /// Sum of delays, request to reply, of answered requests.
    pub delay_sum: f64,
    /// Staff cost of answered requests (the supplier's own time).
    pub cost_sum: f64,
    /// Sum of requesters' satisfaction with accepted replies (social layer).
    pub satisfaction_sum: f64,
}

/// One department.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DepartmentTally {
    /// Mean staff on duty over the counted window; `None` when unlimited.
    pub staff_mean: Option<f64>,
    /// Staff-time worked past the end of a shift, in the counted window.
    pub overtime: f64,
    /// Visits begun: new work and follow-ups joining the queue.
    pub visits: u64,
    /// Visits ended (server released, or the customer abandoned).
    pub visits_completed: u64,
    /// Visits begun in the counted window and still open at the horizon
    /// (waiting, in service, held or parked here).
    pub open_at_end: u64,
    /// Sum of visit durations (queue + service + time held).
    pub visit_time_sum: f64,
    /// Queue waits ended (service started or abandoned).
    pub waits: u64,
    /// Sum of queue waits.
    pub wait_sum: f64,
    /// Customers who abandoned this department's queue.
    pub abandoned: u64,
    /// Internal requests this department received.
    pub requests_received: u64,
    /// Internal requests this department sent.
    pub requests_sent: u64,
    /// Its work served by another department's people (overflow).
    pub overflow_sent: u64,
    /// Other departments' work its people served (overflow).
    pub overflow_served: u64,
    /// Pieces of work (cases and requests) completed here.
    pub completed: u64,
    /// Internal requests completed here (replies given).
    pub replies_given: u64,
    /// Sum of delays, request to reply, of requests completed here.
    pub delay_given_sum: f64,
    /// Mean number of busy servers over the window.
    pub busy_mean: f64,
    /// Mean number waiting in the queue over the window.
    pub queue_mean: f64,
    /// Staff cost over the window.
    pub staff_cost: f64,
    /// Deliverables (replies and customers' answers) checked by their
    /// receiver (social layer).
    pub deliveries: u64,
    /// Of those, how many were sent back for rework.
    pub reworked: u64,
    /// Sum of the quality of those deliverables.
    pub quality_given_sum: f64,
    /// Sum of requesters' satisfaction with this department's accepted replies.
    pub satisfaction_given_sum: f64,
    /// Replies accepted from suppliers.
    pub replies_received: u64,
    /// Sum of this department's satisfaction with the replies it accepted.
    pub satisfaction_received_sum: f64,
    /// Time-average morale over the window.
    pub morale_mean: f64,
    /// Morale at the horizon.
    pub morale_final: f64,
    /// Counted time spent in overload episodes (see [`super::station`]).
    pub crisis_time: f64,
    /// Overload episodes that reach into the counted period.
    pub crisis_episodes: u64,
    /// Median length of those episodes; `None` without one.
    pub crisis_length_median: Option<f64>,
    /// Queue waits ended that were positive.
    pub waited: u64,
    /// External customers whose first wait here ended (served or
    /// abandoned).
    pub first_waits: u64,
    /// Of those, served within the service-level time.
    pub in_time: u64,
    /// Of those, gave up within `short_abandon` (left out of the service
    /// level).
    pub short_abandoned: u64,
    /// Sum of the first waits of those answered (the average speed of
    /// answer).
    pub answered_wait_sum: f64,
}

/// One link: requests from one department to one supplier.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LinkTally {
    /// Requests sent on the link.
    pub requests: u64,
    /// Replies accepted.
    pub replies: u64,
    /// Sum of their delays, request to reply.
    pub delay_sum: f64,
    /// Sum of the requester's satisfaction with them (social layer).
    pub satisfaction_sum: f64,
}

/// Everything one replication measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Replication index, from 0.
    pub replication: u32,
    /// The master seed its streams were derived from.
    pub seed: u64,
    /// Length of the statistics window (horizon − warm-up).
    pub window: f64,
    /// Events processed.
    pub events: u64,
    /// Whether the social layer ran (its figures are meaningful).
    pub social: bool,
    /// Whether some department's work may overflow to another.
    pub pooled: bool,
    /// Whether the scenario has a service-level time.
    pub service_level: bool,
    /// External customers.
    pub external: ExternalTally,
    /// Internal requests.
    pub internal: InternalTally,
    /// Per department, in scenario order.
    pub departments: Vec<DepartmentTally>,
    /// Per need, department by department in scenario order, each
    /// department's needs in file order.
    pub links: Vec<LinkTally>,
    /// Series over equal bins of the horizon, for the output analysis
    /// (emptied by [`ReplicationResult::drop_distributions`]).
    pub paths: Paths,
    /// Set when the replication stopped because work could no longer move.
    pub stalled: Option<Stall>,
    /// Figures by slot of the period (emptied by
    /// [`ReplicationResult::drop_distributions`]).
    pub intervals: super::Intervals,
}

/// A replication's series over [`super::PATH_BINS`] equal bins of the
/// whole horizon, warm-up included.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paths {
    /// Width of a bin.
    pub bin_width: f64,
    /// Bins per time unit (1 / `bin_width`).
    pub(crate) bins_per_time: f64,
    /// Per department, the time-average queue length in each bin.
    pub queue: Vec<Vec<f64>>,
    /// Sum of the external waits of the customers who arrived in each bin.
    pub wait_sum: Vec<f64>,
    /// Number of those waits.
    pub wait_count: Vec<u32>,
}

impl Paths {
    /// Counts the wait of a customer who arrived at `arrival`.
    #[inline]
    pub(crate) fn record_wait(&mut self, arrival: f64, wait: f64) {
        let bin = ((arrival * self.bins_per_time) as usize).min(PATH_BINS - 1);
        self.wait_sum[bin] += wait;
        self.wait_count[bin] += 1;
    }
}

/// Work stopped moving: for a long stretch every server of some departments
/// held work waiting for replies, and no service ended anywhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Stall {
    /// When the replication was stopped.
    pub time: f64,
    /// No service had ended since then.
    pub since: f64,
    /// The departments whose servers were all holding.
    pub departments: Vec<String>,
}

impl ReplicationResult {
    /// Frees the distributions (two histograms of about 30 KB each) once
    /// their percentiles are read: experiments keep thousands of
    /// replications and need only the figures; `orgsim run` keeps them for
    /// `waits.csv`.
    pub fn drop_distributions(&mut self) {
        self.drop_all_but_series();
        self.paths = Paths::default();
    }

    /// Frees the distributions and slots but keeps the series ([`Paths`]):
    /// an experiment's diagnostics read them once a point's replications
    /// are all in, then drop them too.
    pub fn drop_all_but_series(&mut self) {
        self.external.wait_histogram = LogHistogram::empty();
        self.external.resolution_histogram = LogHistogram::empty();
        self.intervals = Default::default();
    }

    /// Bytes of the series ([`Paths`]) of a replication of `scenario`.
    pub fn path_bytes(scenario: &crate::scenario::Scenario) -> usize {
        super::PATH_BINS * (8 * scenario.departments.len() + 8 + 4)
    }

    /// Bytes of the series ([`Paths`]) and slots ([`super::Intervals`]) a
    /// replication of `scenario` keeps until `orgsim run` writes its files.
    pub fn series_bytes(scenario: &crate::scenario::Scenario) -> usize {
        Self::path_bytes(scenario) + Self::slot_bytes(scenario)
    }

    /// Bytes a replication of `scenario` holds by slot while it runs (its
    /// counts and integrals per department and slot of the profile).
    pub fn slot_bytes(scenario: &crate::scenario::Scenario) -> usize {
        let slots = scenario.customers.profile.as_ref().map_or(1, |p| p.rates.len());
        slots * scenario.departments.len() * (std::mem::size_of::<super::SlotTally>() * 2 + 16)
    }

    /// Bytes the figures by slot take once more while a run's files are
    /// written: the means across replications and the text of
    /// `intervals.csv`, a row per department and slot.
    pub fn written_slot_bytes(scenario: &crate::scenario::Scenario) -> usize {
        let slots = scenario.customers.profile.as_ref().map_or(1, |p| p.rates.len());
        slots * scenario.departments.len() * 256
    }

    /// Bytes an experiment holds per kept replication of a scenario with
    /// `departments` departments and `links` needs, distributions dropped.
    pub fn kept_bytes(departments: usize, links: usize) -> usize {
        std::mem::size_of::<ReplicationResult>()
            + departments * std::mem::size_of::<DepartmentTally>()
            + links * std::mem::size_of::<LinkTally>()
    }
}
