//! The short human summary printed after a run: key external and internal
//! figures with their 95% intervals, and one line per department.

use std::fmt::Write;

use crate::experiment::{Estimate, RunResults};

/// How a figure reads best.
#[derive(Clone, Copy)]
enum Style {
    Count,
    Percent,
    Plain,
}

/// A number with about four significant digits.
pub fn readable(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let magnitude = value.abs();
    if magnitude >= 1000.0 {
        format!("{value:.0}")
    } else if magnitude >= 100.0 {
        format!("{value:.1}")
    } else if magnitude >= 10.0 {
        format!("{value:.2}")
    } else if magnitude >= 0.01 || magnitude == 0.0 {
        format!("{value:.3}")
    } else {
        format!("{value:.2e}")
    }
}

fn styled(value: f64, style: Style) -> String {
    match style {
        Style::Count => format!("{value:.1}"),
        Style::Percent => format!("{:.2}%", value * 100.0),
        Style::Plain => readable(value),
    }
}

fn with_interval(estimate: Option<Estimate>, style: Style) -> (String, String) {
    match estimate {
        None => ("–".to_string(), String::new()),
        Some(e) if e.low.is_nan() => (styled(e.mean, style), "(one replication: no interval)".to_string()),
        Some(e) => (styled(e.mean, style), format!("[{}, {}]", styled(e.low, style), styled(e.high, style))),
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
    let mut rows: Vec<(&str, &str, Style)> = vec![
        ("External customers", "", Style::Plain),
        ("  arrivals", "ext_arrivals", Style::Count),
        ("  served", "ext_served", Style::Count),
        ("  abandoned", "ext_abandon_rate", Style::Percent),
        ("  waited at all", "ext_wait_prob", Style::Percent),
        ("  wait, mean", "ext_wait_mean", Style::Plain),
        ("  wait, 90th percentile", "ext_wait_p90", Style::Plain),
        ("  resolution time, mean", "ext_resolution_mean", Style::Plain),
    ];
    if scenario.behavior_enabled {
        rows.extend([
            ("  came back (rework)", "ext_rework_rate", Style::Percent),
            ("  satisfaction (0–1)", "ext_satisfaction_mean", Style::Plain),
            ("  expected to leave (churn)", "ext_churn_rate", Style::Percent),
            ("  revenue at risk", "revenue_at_risk", Style::Plain),
        ]);
    }
    rows.extend([
        ("Internal service", "", Style::Plain),
        ("  requests", "int_requests", Style::Count),
        ("  delay, request to reply", "int_delay_mean", Style::Plain),
        ("  staff cost", "staff_cost", Style::Plain),
    ]);
    if scenario.behavior_enabled {
        rows.extend([
            ("  internal satisfaction (0–1)", "int_satisfaction_mean", Style::Plain),
            ("  morale (0–1)", "morale_mean", Style::Plain),
            ("  quality of answers (0–1)", "quality_mean", Style::Plain),
        ]);
    }
    let _ = writeln!(text);
    let _ = writeln!(text, "{:<30} {:>12}  95% CI", "", "mean");
    for (label, metric, style) in rows {
        if metric.is_empty() {
            let _ = writeln!(text, "{label}");
            continue;
        }
        let (mean, interval) = with_interval(results.metric(metric).and_then(|row| row.estimate), style);
        let _ = writeln!(text, "{label:<30} {mean:>12}  {interval}");
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
