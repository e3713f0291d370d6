//! Figures by slot of the period, across replications: the rows of
//! `intervals.csv` (see [`crate::model::Intervals`]).

use super::{CONFIDENCE, Estimate, MetricValue, estimate};
use crate::model::{ReplicationResult, SlotTally};
use crate::scenario::Scenario;

/// The metrics of a slot, in column order.
pub const INTERVAL_METRICS: [&str; 10] = [
    "arrivals",
    "staff",
    "busy",
    "queue",
    "wait_mean",
    "wait_prob",
    "service_level",
    "abandon_rate",
    "asa",
    "occupancy",
];

/// One department in one slot.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// The department.
    pub department: String,
    /// Where the slot starts (within the period).
    pub start: f64,
    /// Where it ends.
    pub end: f64,
    /// Each of [`INTERVAL_METRICS`], mean and interval over replications.
    pub metrics: Vec<Option<Estimate>>,
}

fn ratio(numerator: f64, denominator: u64) -> MetricValue {
    (denominator > 0).then(|| numerator / denominator as f64)
}

/// A slot's metrics in one replication, in [`INTERVAL_METRICS`] order
/// (`staff`: mean on duty in the slot, `None` when unlimited);
/// `front_line` and `service_level` decide `service_level`,
/// `abandon_rate` and `asa` (the average speed of answer: the mean first
/// wait of the customers answered, by slot of arrival); `occupancy` is
/// busy over staff on duty.
fn slot_metrics(
    tally: &SlotTally,
    counted: f64,
    staff: Option<f64>,
    front_line: bool,
    service_level: bool,
) -> [MetricValue; 10] {
    let per_time = |value: f64| (counted > 0.0).then(|| value / counted);
    [
        per_time(tally.arrivals as f64),
        staff,
        per_time(tally.busy_area),
        per_time(tally.queue_area),
        ratio(tally.wait_sum, tally.waits),
        ratio(tally.waited as f64, tally.waits),
        if front_line && service_level {
            ratio(tally.in_time as f64, tally.first_waits - tally.short_abandoned)
        } else {
            None
        },
        if front_line { ratio(tally.abandoned as f64, tally.first_waits) } else { None },
        if front_line { ratio(tally.answered_wait_sum, tally.first_waits - tally.abandoned) } else { None },
        staff.filter(|&s| s > 0.0).and_then(|s| per_time(tally.busy_area).map(|busy| busy / s)),
    ]
}

/// Every department's slots, summarized over `results`; empty when the
/// replications kept no slots.
pub fn interval_rows(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<IntervalRow> {
    let Some(first) = results.first().filter(|r| r.intervals.departments.len() == scenario.departments.len()) else {
        return Vec::new();
    };
    let layout = &first.intervals;
    let service_level = scenario.customers.service_level_time.is_some();
    let mut rows = Vec::new();
    for (index, department) in scenario.departments.iter().enumerate() {
        for (slot, &start) in layout.starts.iter().enumerate() {
            let staff = department.mean_staff(start, start + layout.length);
            let per_replication: Vec<[MetricValue; 10]> = results
                .iter()
                .map(|r| {
                    let tally = &r.intervals.departments[index][slot];
                    slot_metrics(tally, r.intervals.counted, staff, department.front_line, service_level)
                })
                .collect();
            let metrics = (0..INTERVAL_METRICS.len())
                .map(|m| {
                    let values: Vec<f64> = per_replication.iter().filter_map(|v| v[m]).collect();
                    estimate(&values, CONFIDENCE)
                })
                .collect();
            rows.push(IntervalRow { department: department.name.clone(), start, end: start + layout.length, metrics });
        }
    }
    rows
}
