//! The figures a replication reports, derived from its raw counts, and their
//! summary across replications.
//!
//! External: `ext_arrivals`, `ext_served`, `ext_abandoned`,
//! `ext_in_system_end`, `ext_open_share` (the share of the customers who
//! arrived in the counted window still open at the horizon: their
//! resolution is censored), `ext_abandon_rate` (abandoned / arrivals),
//! `ext_wait_prob` (share whose wait was positive), `ext_wait_mean` (arrival
//! to start of service, or to abandonment: the Erlang-A definition),
//! `ext_wait_p90`, with a service-level time `ext_service_level` (the front
//! line's first waits answered within it, short abandons left out),
//! `ext_resolution_mean` and `ext_resolution_p90` (arrival to
//! final completion, internal waits included, served customers).
//! `ext_handling_cost_mean`: front-line staff cost per served customer
//! (server time × `cost_per_time`, repeat contacts included).
//! Internal: `int_requests`, `int_delay_mean` (request to reply),
//! `int_cost_mean` (the supplier's staff cost per answered request).
//! Cost: `staff_cost` over the statistics window.
//! Per department `department.<name>.<key>`: `utilization`, `queue_mean`,
//! `wait_mean`, `open_share` (visits begun in the counted window still open
//! at the horizon, over visits begun), `int_delay_given_mean`,
//! `requests_received`, `requests_sent`, with overflow between departments
//! `overflow_sent` (its work served by another's people) and
//! `overflow_served` (others' work its people served),
//! and the overload episodes of [`crate::model`]: `crisis_share` (share of
//! the counted time in an episode), `crisis_episodes` (episodes reaching
//! into the counted period) and `crisis_length_median` (the replication's
//! median episode length, undefined without one).
//! With the social layer on: `ext_satisfaction_mean` (served and abandoned
//! customers, abandonment counting 0), `ext_churn_rate` (expected share of
//! those customers lost), `ext_rework_rate` (served customers who had to come
//! back), `revenue_at_risk` (a total over the statistics window),
//! `revenue_at_risk_rate` (the same per time unit, which does not grow with
//! the horizon), `int_satisfaction_mean`, `morale_mean`
//! (staff-weighted), `quality_mean` (of served customers' answers), and per
//! department `morale_mean`, `morale_final`, `int_satisfaction_given`,
//! `int_satisfaction_received`, `quality_given`, `rework_share`.
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

/// Organization-wide metrics of one replication, in report order; `staff`
/// is the head count per department (it weights mean morale).
pub fn replication_metrics(result: &ReplicationResult) -> Vec<(&'static str, MetricValue)> {
    let external = &result.external;
    let internal = &result.internal;
    let mut metrics = vec![
        ("ext_arrivals", Some(external.arrivals as f64)),
        ("ext_served", Some(external.served as f64)),
        ("ext_abandoned", Some(external.abandoned as f64)),
        ("ext_in_system_end", Some(external.in_system_end as f64)),
        ("ext_open_share", ratio(external.in_system_end as f64, external.arrivals)),
        ("ext_abandon_rate", ratio(external.abandoned as f64, external.arrivals)),
        ("ext_wait_prob", ratio(external.waited as f64, external.waits)),
        ("ext_wait_mean", ratio(external.wait_sum, external.waits)),
        ("ext_wait_p90", external.wait_p90),
    ];
    if result.service_level {
        // The front line's customers answered within the service-level
        // time, short abandons left out (the engine's definition).
        let front = |pick: fn(&DepartmentTally) -> u64| result.departments.iter().map(pick).sum::<u64>();
        let total = front(|d| d.first_waits) - front(|d| d.short_abandoned);
        metrics.push(("ext_service_level", ratio(front(|d| d.in_time) as f64, total)));
    }
    metrics.extend([
        ("ext_resolution_mean", ratio(external.resolution_sum, external.served)),
        ("ext_resolution_p90", external.resolution_p90),
        ("int_requests", Some(internal.requests as f64)),
        ("ext_handling_cost_mean", ratio(external.cost_sum, external.served)),
        ("int_delay_mean", ratio(internal.delay_sum, internal.replies)),
        ("int_cost_mean", ratio(internal.cost_sum, internal.replies)),
        ("staff_cost", Some(result.departments.iter().map(|d| d.staff_cost).sum())),
    ]);
    if result.social {
        // Weighted by mean staff on duty; unlimited departments weigh nothing.
        let staff = |d: &DepartmentTally| d.staff_mean.unwrap_or(0.0);
        let head_count: f64 = result.departments.iter().map(staff).sum();
        let morale = (head_count > 0.0)
            .then(|| result.departments.iter().map(|d| d.morale_mean * staff(d)).sum::<f64>() / head_count);
        metrics.extend([
            ("ext_satisfaction_mean", ratio(external.satisfaction_sum, external.experiences)),
            ("ext_churn_rate", ratio(external.churn_sum, external.experiences)),
            ("ext_rework_rate", ratio(external.reworked as f64, external.served)),
            ("revenue_at_risk", Some(external.revenue_at_risk)),
            ("revenue_at_risk_rate", Some(external.revenue_at_risk / result.window)),
            ("int_satisfaction_mean", ratio(internal.satisfaction_sum, internal.replies)),
            ("morale_mean", morale),
            ("quality_mean", ratio(external.quality_sum, external.served)),
        ]);
    }
    metrics
}

/// Per-department figures of one replication, as `(key, value)`, in report
/// order (utilization is busy over mean staff on duty, undefined for an
/// unlimited department); `social` whether the social layer ran, `pooled`
/// whether some work may overflow between departments, `service_level`
/// whether the scenario has a service-level time (`service_level`: the
/// share of its customers' first waits answered within it, short abandons
/// left out; undefined where no customer arrives).
pub fn department_metrics(
    tally: &DepartmentTally,
    window: f64,
    social: bool,
    (pooled, service_level): (bool, bool),
) -> Vec<(&'static str, MetricValue)> {
    let mut metrics = vec![
        ("utilization", tally.staff_mean.filter(|&staff| staff > 0.0).map(|staff| tally.busy_mean / staff)),
        ("busy_mean", Some(tally.busy_mean)),
        ("queue_mean", Some(tally.queue_mean)),
        ("in_system_mean", Some(tally.busy_mean + tally.queue_mean)),
        ("wait_mean", ratio(tally.wait_sum, tally.waits)),
        ("visits", Some(tally.visits as f64)),
        ("visit_rate", Some(tally.visits as f64 / window)),
        ("visit_time_mean", ratio(tally.visit_time_sum, tally.visits_completed)),
        ("open_share", ratio(tally.open_at_end as f64, tally.visits)),
        ("requests_received", Some(tally.requests_received as f64)),
        ("requests_sent", Some(tally.requests_sent as f64)),
        ("completed", Some(tally.completed as f64)),
        ("abandoned", Some(tally.abandoned as f64)),
        ("int_delay_given_mean", ratio(tally.delay_given_sum, tally.replies_given)),
        ("staff_cost", Some(tally.staff_cost)),
        ("overtime", Some(tally.overtime)),
        ("crisis_share", Some(tally.crisis_time / window)),
        ("crisis_episodes", Some(tally.crisis_episodes as f64)),
        ("crisis_length_median", tally.crisis_length_median),
    ];
    if service_level {
        metrics.push(("service_level", ratio(tally.in_time as f64, tally.first_waits - tally.short_abandoned)));
    }
    if pooled {
        metrics.extend([
            ("overflow_sent", Some(tally.overflow_sent as f64)),
            ("overflow_served", Some(tally.overflow_served as f64)),
        ]);
    }
    if social {
        metrics.extend([
            ("morale_mean", Some(tally.morale_mean)),
            ("morale_final", Some(tally.morale_final)),
            ("int_satisfaction_given", ratio(tally.satisfaction_given_sum, tally.replies_given)),
            ("int_satisfaction_received", ratio(tally.satisfaction_received_sum, tally.replies_received)),
            ("quality_given", ratio(tally.quality_given_sum, tally.deliveries)),
            ("rework_share", ratio(tally.reworked as f64, tally.deliveries)),
        ]);
    }
    metrics
}

/// The department keys that also appear in the summary.
const SUMMARIZED_DEPARTMENT_KEYS: [&str; 18] = [
    "utilization",
    "queue_mean",
    "wait_mean",
    "open_share",
    "int_delay_given_mean",
    "requests_received",
    "requests_sent",
    "service_level",
    "overflow_sent",
    "overflow_served",
    "crisis_share",
    "crisis_episodes",
    "crisis_length_median",
    "morale_mean",
    "int_satisfaction_given",
    "int_satisfaction_received",
    "quality_given",
    "rework_share",
];

/// One metric summarized across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Metric name.
    pub metric: String,
    /// Mean and 95% interval; `None` when no replication defined it.
    pub estimate: Option<super::Estimate>,
}

/// Every summary metric's value in each replication, by name: the
/// organization-wide metrics first, then `department.<name>.<key>` for each
/// department. Values are in replication order (`None`: undefined there).
pub fn metric_columns(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<(String, Vec<MetricValue>)> {
    let mut columns: Vec<(String, Vec<MetricValue>)> = Vec::new();
    let mut push = |index: usize, name: &dyn Fn() -> String, value: MetricValue| {
        if columns.len() <= index {
            columns.push((name(), Vec::with_capacity(results.len())));
        }
        columns[index].1.push(value);
    };
    for result in results {
        let mut index = 0;
        for (name, value) in replication_metrics(result) {
            push(index, &|| name.to_string(), value);
            index += 1;
        }
        for (department, tally) in scenario.departments.iter().zip(&result.departments) {
            for (key, value) in
                department_metrics(tally, result.window, result.social, (result.pooled, result.service_level))
            {
                if SUMMARIZED_DEPARTMENT_KEYS.contains(&key) {
                    push(index, &|| format!("department.{}.{key}", department.name), value);
                    index += 1;
                }
            }
        }
    }
    columns
}

/// Every metric of every replication, summarized, in [`metric_columns`] order.
pub fn summarize(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<SummaryRow> {
    metric_columns(scenario, results)
        .into_iter()
        .map(|(metric, values)| {
            let defined: Vec<f64> = values.into_iter().flatten().collect();
            SummaryRow { metric, estimate: estimate(&defined, CONFIDENCE) }
        })
        .collect()
}

/// Whether more of a metric is better for the organization (`Some(true)`),
/// worse (`Some(false)`), or neither (counts, for instance).
pub fn higher_is_better(metric: &str) -> Option<bool> {
    let key = metric.rsplit('.').next().unwrap_or(metric);
    const BETTER: [&str; 7] = [
        "satisfaction",
        "morale",
        "quality",
        "ext_served",
        "int_satisfaction_given",
        "int_satisfaction_received",
        "service_level",
    ];
    const WORSE: [&str; 11] = [
        "abandon",
        "wait",
        "resolution",
        "churn",
        "revenue_at_risk",
        "rework",
        "delay",
        "cost",
        "queue",
        "crisis",
        "open_share",
    ];
    if BETTER.iter().any(|word| key.contains(word)) {
        Some(true)
    } else if WORSE.iter().any(|word| key.contains(word)) {
        Some(false)
    } else {
        None
    }
}

/// The names of every summary metric a run of `scenario` reports.
pub fn metric_names(scenario: &Scenario) -> Vec<String> {
    let mut dummy = empty_result(scenario.behavior_enabled, scenario.departments.len());
    dummy.pooled = scenario.departments.iter().any(|d| !d.overflow.is_empty());
    dummy.service_level = scenario.customers.service_level_time.is_some();
    metric_columns(scenario, std::slice::from_ref(&dummy)).into_iter().map(|(name, _)| name).collect()
}

/// Where a key metric is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Never in experiment charts.
    NoChart,
    /// In experiment charts of every scenario.
    Chart,
    /// In experiment charts only with the social layer off.
    ChartWithoutSocial,
    /// In experiment charts only with the social layer on.
    ChartWithSocial,
}

/// A metric that tells the story of a run: the one list of key metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMetric {
    /// Its name in `summary.csv`.
    pub name: &'static str,
    /// How a report labels it.
    pub label: &'static str,
    /// Whether it is a share, shown as a percentage.
    pub percent: bool,
    /// Whether printed experiment tables show it.
    pub headline: bool,
    /// Whether a `--precision` goal watches it.
    pub precision: bool,
    /// Which experiment charts show it.
    pub chart: Shown,
}

const fn key(name: &'static str, label: &'static str, percent: bool) -> KeyMetric {
    KeyMetric { name, label, percent, headline: false, precision: false, chart: Shown::NoChart }
}

/// The key metrics, in the order reports show them (charts best first);
/// those of the social layer are left out where it is off.
pub const KEY_METRICS: [KeyMetric; 14] = [
    key("ext_arrivals", "Customers arriving", false),
    KeyMetric {
        headline: true,
        precision: true,
        chart: Shown::ChartWithSocial,
        ..key("ext_satisfaction_mean", "Customer satisfaction (0–1)", false)
    },
    KeyMetric {
        headline: true,
        precision: true,
        chart: Shown::Chart,
        ..key("ext_abandon_rate", "Abandoned before service", true)
    },
    KeyMetric {
        headline: true,
        precision: true,
        chart: Shown::ChartWithoutSocial,
        ..key("ext_wait_mean", "Mean wait before service", false)
    },
    KeyMetric {
        headline: true,
        precision: true,
        chart: Shown::ChartWithoutSocial,
        ..key("ext_resolution_mean", "Mean resolution time", false)
    },
    key("ext_rework_rate", "Came back (rework)", true),
    KeyMetric {
        headline: true,
        precision: true,
        chart: Shown::ChartWithSocial,
        ..key("ext_churn_rate", "Expected to leave (churn)", true)
    },
    KeyMetric {
        headline: true,
        chart: Shown::ChartWithSocial,
        ..key("revenue_at_risk", "Revenue at risk over the window", false)
    },
    key("int_requests", "Internal requests", false),
    key("int_delay_mean", "Internal reply delay", false),
    key("int_satisfaction_mean", "Internal satisfaction (0–1)", false),
    KeyMetric { headline: true, ..key("morale_mean", "Morale (0–1)", false) },
    key("quality_mean", "Quality of answers (0–1)", false),
    KeyMetric { headline: true, ..key("staff_cost", "Staff cost", false) },
];

/// Whether a run with the social layer on (`social`) reports `metric`:
/// asked of [`replication_metrics`] itself, the one place that knows.
fn reported(metric: &str, social: bool) -> bool {
    replication_metrics(&empty_result(social, 0)).iter().any(|(name, _)| *name == metric)
}

/// The key metrics a printed experiment table shows.
pub fn headline_metrics(social: bool) -> Vec<&'static str> {
    KEY_METRICS.iter().filter(|m| m.headline && reported(m.name, social)).map(|m| m.name).collect()
}

/// The key metrics a `--precision` goal watches.
pub fn precision_metrics() -> impl Iterator<Item = &'static str> {
    KEY_METRICS.iter().filter(|m| m.precision).map(|m| m.name)
}

/// The metrics an experiment's charts show, best first.
pub fn chart_metrics(social: bool) -> Vec<&'static str> {
    KEY_METRICS
        .iter()
        .filter(|m| match m.chart {
            Shown::NoChart => false,
            Shown::Chart => true,
            Shown::ChartWithoutSocial => !social,
            Shown::ChartWithSocial => social,
        })
        .map(|m| m.name)
        .collect()
}

/// A replication that counted nothing: asked which metrics a run reports.
fn empty_result(social: bool, departments: usize) -> ReplicationResult {
    ReplicationResult {
        replication: 0,
        seed: 0,
        window: 1.0,
        events: 0,
        social,
        pooled: false,
        service_level: false,
        external: Default::default(),
        internal: Default::default(),
        departments: vec![DepartmentTally::default(); departments],
        links: Vec::new(),
        paths: Default::default(),
        stalled: None,
        intervals: Default::default(),
    }
}
