//! The short human summary printed after a run: key external and internal
//! figures with their 95% intervals, and one line per department.

use std::fmt::Write;

use crate::experiment::catalogue::{Unit, describe};
use crate::experiment::{Estimate, RunResults};
use crate::readable::number as readable;

/// A mean and its interval, in the metric's unit; one replication gives
/// no interval.
fn with_interval(estimate: Option<Estimate>, unit: Unit, time_unit: &str) -> (String, String) {
    match estimate {
        None => ("–".to_string(), String::new()),
        Some(e) if e.low.is_nan() => (unit.format(e.mean, time_unit), "(one replication: no interval)".to_string()),
        Some(e) => (unit.format(e.mean, time_unit), unit.format_interval(e.low, e.high, time_unit)),
    }
}

/// The summary table of a finished run.
pub fn summary_table(results: &RunResults) -> String {
    let scenario = &results.scenario;
    let unit = &scenario.time_unit;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} — {} replication(s) of {} {unit}s after a {} {unit} warm-up (seed {})",
        scenario.name,
        results.replications.len(),
        readable(scenario.horizon - scenario.warmup),
        readable(scenario.warmup),
        scenario.seed
    );
    // Section headings, then metrics by key: their labels and units come
    // from the one catalogue.
    let mut rows: Vec<&str> = vec![
        "External customers",
        "ext_arrivals",
        "ext_served",
        "ext_abandon_rate",
        "ext_wait_prob",
        "ext_wait_mean",
        "ext_wait_p90",
        "ext_resolution_mean",
    ];
    if scenario.behavior_enabled {
        rows.extend([
            "ext_rework_rate",
            "ext_satisfaction_mean",
            "ext_churn_rate",
            "revenue_at_risk",
            "revenue_at_risk_rate",
        ]);
    }
    rows.extend(["Internal service", "int_requests", "int_delay_mean", "staff_cost"]);
    if scenario.behavior_enabled {
        rows.extend(["int_satisfaction_mean", "morale_mean", "quality_mean"]);
    }
    let _ = writeln!(text);
    let _ = writeln!(text, "{:<40} {:>14}  95% CI", "", "mean");
    for row in rows {
        if row.contains(' ') {
            let _ = writeln!(text, "{row}");
            continue;
        }
        let described = describe(row);
        let (mean, interval) = with_interval(results.metric(row).and_then(|r| r.estimate), described.unit, unit);
        let _ = writeln!(text, "  {:<38} {mean:>14}  {interval}", described.label);
    }
    let _ = writeln!(text);
    let name_width = scenario.departments.iter().map(|d| d.name.chars().count()).max().unwrap_or(0).max(10);
    let _ = writeln!(
        text,
        "{:<name_width$} {:>5}  {:>18}  {:>10}  {:>12}  {:>12}{}",
        "Department",
        "staff",
        "utilization (CI)",
        "queue",
        &format!("wait ({unit})"),
        "reply delay",
        if scenario.behavior_enabled { "  morale  quality  rework" } else { "" }
    );
    for department in &scenario.departments {
        let metric =
            |key: &str| results.metric(&format!("department.{}.{key}", department.name)).and_then(|row| row.estimate);
        let utilization = match metric("utilization") {
            Some(e) if !e.low.is_nan() => {
                format!("{:.1}% ± {:.1}", e.mean * 100.0, e.half_width() * 100.0)
            }
            Some(e) => format!("{:.1}%", e.mean * 100.0),
            None => "–".to_string(),
        };
        let mean = |key: &str| metric(key).map_or("–".to_string(), |e| readable(e.mean));
        let social = if scenario.behavior_enabled {
            let share = metric("rework_share").map_or("–".to_string(), |e| format!("{:.0}%", e.mean * 100.0));
            format!("  {:>6}  {:>7}  {:>6}", mean("morale_mean"), mean("quality_given"), share)
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "{:<name_width$} {:>5}  {:>18}  {:>10}  {:>12}  {:>12}{social}",
            department.name,
            super::csv_files::staff_label(department, (scenario.warmup, scenario.horizon)),
            utilization,
            mean("queue_mean"),
            mean("wait_mean"),
            mean("int_delay_given_mean")
        );
    }
    let crises = super::trust::crisis_sentences(results);
    if !crises.is_empty() {
        let _ = writeln!(text, "\nOverload episodes (queue above twice the staff for over ten mean service times):");
        for sentence in crises {
            let _ = writeln!(text, "  {sentence}");
        }
    }
    text
}
