//! The figures a replication reports, derived from its raw counts, and their
//! summary across replications.
//!
//! External: `ext_arrivals`, `ext_served`, `ext_abandoned`,
//! `ext_in_system_end`, `ext_abandon_rate` (abandoned / arrivals),
//! `ext_wait_prob` (share whose wait was positive), `ext_wait_mean` (arrival
//! to start of service, or to abandonment: the Erlang-A definition),
//! `ext_wait_p90`, `ext_resolution_mean` and `ext_resolution_p90` (arrival to
//! final completion, internal waits included, served customers).
//! Internal: `int_requests`, `int_delay_mean` (request to reply).
//! Cost: `staff_cost` over the statistics window.
//! Per department `department.<name>.<key>`: `utilization`, `queue_mean`,
//! `wait_mean`, `int_delay_given_mean`, `requests_received`, `requests_sent`.
//! A figure with nothing to average (no customers waited, no requests) is
//! undefined in that replication and left out of its mean.

use super::{CONFIDENCE, estimate};
use crate::model::{DepartmentTally, ReplicationResult};
use crate::scenario::Scenario;

/// A metric's value in one replication; `None` when undefined.
pub type MetricValue = Option<f64>;

fn ratio(numerator: f64, denominator: u64) -> MetricValue {
    (denominator > 0).then(|| numerator / denominator as f64)
}

/// Organization-wide metrics of one replication, in report order.
pub fn replication_metrics(result: &ReplicationResult) -> Vec<(&'static str, MetricValue)> {
    let external = &result.external;
    let internal = &result.internal;
    vec![
        ("ext_arrivals", Some(external.arrivals as f64)),
        ("ext_served", Some(external.served as f64)),
        ("ext_abandoned", Some(external.abandoned as f64)),
        ("ext_in_system_end", Some(external.in_system_end as f64)),
        (
            "ext_abandon_rate",
            ratio(external.abandoned as f64, external.arrivals),
        ),
        (
            "ext_wait_prob",
            ratio(external.waited as f64, external.waits),
        ),
        ("ext_wait_mean", ratio(external.wait_sum, external.waits)),
        ("ext_wait_p90", external.wait_histogram.quantile(0.9)),
        (
            "ext_resolution_mean",
            ratio(external.resolution_sum, external.served),
        ),
        (
            "ext_resolution_p90",
            external.resolution_histogram.quantile(0.9),
        ),
        ("int_requests", Some(internal.requests as f64)),
        (
            "int_delay_mean",
            ratio(internal.delay_sum, internal.replies),
        ),
        (
            "staff_cost",
            Some(result.departments.iter().map(|d| d.staff_cost).sum()),
        ),
    ]
}

/// Per-department figures of one replication, as `(key, value)`, in report
/// order; `staff` is the department's head count.
pub fn department_metrics(
    tally: &DepartmentTally,
    staff: u32,
    window: f64,
) -> Vec<(&'static str, MetricValue)> {
    vec![
        ("utilization", Some(tally.busy_mean / f64::from(staff))),
        ("busy_mean", Some(tally.busy_mean)),
        ("queue_mean", Some(tally.queue_mean)),
        ("in_system_mean", Some(tally.busy_mean + tally.queue_mean)),
        ("wait_mean", ratio(tally.wait_sum, tally.waits)),
        ("visits", Some(tally.visits as f64)),
        ("visit_rate", Some(tally.visits as f64 / window)),
        (
            "visit_time_mean",
            ratio(tally.visit_time_sum, tally.visits_completed),
        ),
        ("requests_received", Some(tally.requests_received as f64)),
        ("requests_sent", Some(tally.requests_sent as f64)),
        ("completed", Some(tally.completed as f64)),
        ("abandoned", Some(tally.abandoned as f64)),
        (
            "int_delay_given_mean",
            ratio(tally.delay_given_sum, tally.replies_given),
        ),
        ("staff_cost", Some(tally.staff_cost)),
    ]
}

/// The department keys that also appear in the summary.
const SUMMARIZED_DEPARTMENT_KEYS: [&str; 6] = [
    "utilization",
    "queue_mean",
    "wait_mean",
    "int_delay_given_mean",
    "requests_received",
    "requests_sent",
];

/// One metric summarized across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Metric name.
    pub metric: String,
    /// Mean and 95% interval; `None` when no replication defined it.
    pub estimate: Option<super::Estimate>,
}

/// Every metric of every replication, summarized: the organization-wide
/// metrics first, then `department.<name>.<key>` for each department.
pub fn summarize(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<SummaryRow> {
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    let mut push = |index: usize, name: &dyn Fn() -> String, value: MetricValue| {
        if columns.len() <= index {
            columns.push((name(), Vec::with_capacity(results.len())));
        }
        if let Some(value) = value {
            columns[index].1.push(value);
        }
    };
    for result in results {
        let mut index = 0;
        for (name, value) in replication_metrics(result) {
            push(index, &|| name.to_string(), value);
            index += 1;
        }
        for (department, tally) in scenario.departments.iter().zip(&result.departments) {
            for (key, value) in department_metrics(tally, department.staff, result.window) {
                if SUMMARIZED_DEPARTMENT_KEYS.contains(&key) {
                    push(
                        index,
                        &|| format!("department.{}.{key}", department.name),
                        value,
                    );
                    index += 1;
                }
            }
        }
    }
    columns
        .into_iter()
        .map(|(metric, values)| SummaryRow {
            metric,
            estimate: estimate(&values, CONFIDENCE),
        })
        .collect()
}
