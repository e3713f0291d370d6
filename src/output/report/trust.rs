//! The report's "Can these numbers be trusted?" section and its regime
//! chart, read back from `diagnostics.csv`, `regimes.csv`, `summary.csv`
//! and `departments.csv`, so `orgsim report` redraws them.

use std::fmt::Write as _;
use std::path::Path;

use super::super::plots::regimes::{RegimeChart, RegimePanel};
use super::super::trust::{crisis_sentence, warnings};
use super::{ReportError, Table, escape};
use crate::experiment::diagnostics::{Diagnostic, Verdict};
use crate::experiment::statistics::Estimate;

/// What the trust section says.
pub struct Trust {
    /// The rows of `diagnostics.csv`; `None` for a folder written before it
    /// existed.
    pub diagnostics: Option<Vec<Diagnostic>>,
    /// One sentence per department with overload episodes.
    pub crises: Vec<String>,
    /// The regime chart's data, when a department had episodes.
    pub regimes: Option<RegimeChart>,
}

fn content(table: &Table, message: String) -> ReportError {
    ReportError::Content { path: table.path.clone(), message }
}

/// Reads `diagnostics.csv` back into rows.
fn load_diagnostics(folder: &Path) -> Result<Option<Vec<Diagnostic>>, ReportError> {
    if !folder.join("diagnostics.csv").exists() {
        return Ok(None);
    }
    let table = Table::read(folder, "diagnostics.csv")?;
    // The trend checks' family: every series but the censoring check.
    let checked = table.rows.iter().filter(|r| r.get("series").is_some_and(|s| s != "resolution")).count();
    let level = 1.0 - 0.05 / checked.max(1) as f64;
    let mut rows = Vec::new();
    for row in &table.rows {
        let series = match row.get("series").map(String::as_str) {
            Some("queue") => "queue",
            Some("ext_wait") => "ext_wait",
            Some("resolution") => "resolution",
            other => {
                return Err(content(&table, format!("series must be queue, ext_wait or resolution (got {other:?})")));
            }
        };
        let Some(verdict) = row.get("verdict").and_then(|v| Verdict::parse(v)) else {
            let words: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
            return Err(content(
                &table,
                format!("verdict must be one of {} (got {:?})", words.join(", "), row.get("verdict")),
            ));
        };
        let (low, high) = (table.number(row, "change_ci_low")?, table.number(row, "change_ci_high")?);
        rows.push(Diagnostic {
            department: row.get("department").cloned().unwrap_or_default(),
            series,
            warmup_used: table.number(row, "warmup_used")?.unwrap_or(0.0),
            mser_truncation: table.number(row, "mser_truncation")?,
            first_half_mean: table.number(row, "first_half_mean")?,
            second_half_mean: table.number(row, "second_half_mean")?,
            // The interval is symmetric: its middle is the mean change.
            change: low.zip(high).map(|(low, high)| Estimate { mean: (low + high) / 2.0, low, high, count: 0 }),
            level,
            open_share: match row.get("open_share") {
                Some(_) => table.number(row, "open_share")?,
                None => None,
            },
            verdict,
        });
    }
    Ok(Some(rows))
}

/// Reads the crisis sentences and the regime chart of a run's folder.
pub fn load_trust(
    folder: &Path,
    names: &[String],
    summary: &[(String, super::Figure)],
    time_unit: &str,
    horizon: f64,
) -> Result<Trust, ReportError> {
    let diagnostics = load_diagnostics(folder)?;
    let departments = Table::read(folder, "departments.csv")?;
    let mut with_episode = vec![0usize; names.len()];
    let mut replications = vec![0usize; names.len()];
    for row in &departments.rows {
        let Some(index) = row.get("department").and_then(|name| names.iter().position(|n| n == name)) else {
            return Err(content(&departments, "a department not in scenario.toml".into()));
        };
        replications[index] += 1;
        if departments.number(row, "crisis_episodes")?.unwrap_or(0.0) > 0.0 {
            with_episode[index] += 1;
        }
    }
    let mean = |name: &str, key: &str| {
        let metric = format!("department.{name}.{key}");
        summary.iter().find(|(m, _)| *m == metric).and_then(|(_, figure)| figure.mean).unwrap_or(0.0)
    };
    let crises = names
        .iter()
        .enumerate()
        .filter(|&(index, _)| with_episode[index] > 0)
        .map(|(index, name)| {
            crisis_sentence(
                name,
                mean(name, "crisis_share"),
                with_episode[index],
                replications[index],
                mean(name, "crisis_length_median"),
                time_unit,
            )
        })
        .collect();
    let regimes = load_regimes(folder, names, time_unit, horizon)?;
    Ok(Trust { diagnostics, crises, regimes })
}

/// The regime chart's data from `regimes.csv` (absent or header only: no
/// chart).
fn load_regimes(
    folder: &Path,
    names: &[String],
    time_unit: &str,
    horizon: f64,
) -> Result<Option<RegimeChart>, ReportError> {
    if !folder.join("regimes.csv").exists() {
        return Ok(None);
    }
    let table = Table::read(folder, "regimes.csv")?;
    let mut panels: Vec<RegimePanel> = Vec::new();
    let mut replication_ids: Vec<Vec<String>> = Vec::new();
    for row in &table.rows {
        let name = row.get("department").cloned().unwrap_or_default();
        if !names.contains(&name) {
            return Err(content(&table, format!("department {name:?} is not in scenario.toml")));
        }
        let panel = match panels.iter().position(|p| p.department == name) {
            Some(panel) => panel,
            None => {
                panels.push(RegimePanel { department: name, rows: Vec::new() });
                replication_ids.push(Vec::new());
                panels.len() - 1
            }
        };
        let replication = row.get("replication").cloned().unwrap_or_default();
        let ids = &mut replication_ids[panel];
        if ids.last() != Some(&replication) {
            ids.push(replication);
            panels[panel].rows.push(Vec::new());
        }
        let (Some(time), Some(value)) = (table.number(row, "time")?, table.number(row, "queue_per_staff")?) else {
            return Err(content(&table, "time and queue_per_staff must be numbers".into()));
        };
        panels[panel].rows.last_mut().expect("pushed").push((time, value));
    }
    Ok((!panels.is_empty()).then(|| RegimeChart { time_unit: time_unit.to_string(), horizon, panels }))
}

/// The section that opens a run's report.
pub fn trust_section(trust: &Trust, replications: usize) -> String {
    let mut html = String::from("<h2>Can these numbers be trusted?</h2>\n");
    match &trust.diagnostics {
        None => html.push_str(
            "<p>This folder has no diagnostics.csv: run the scenario again with this version of orgsim to check whether its figures describe a settled organization.</p>\n",
        ),
        Some(rows) => {
            let problems = warnings(rows, replications);
            if problems.is_empty() {
                let _ = writeln!(
                    html,
                    "<p>Yes, as far as the checks can tell: every queue and the external waits settled before the warm-up ended (MSER-5), none moved between the first and second half of the counted period, and almost every customer's case was resolved by the horizon. See diagnostics.csv.</p>"
                );
            } else {
                let _ = writeln!(html, "<p class=\"warning\">No, not yet. Read the figures below with care:</p>\n<ul>");
                for problem in problems {
                    let _ = writeln!(html, "<li>{}</li>", escape(&problem));
                }
                let _ = writeln!(
                    html,
                    "</ul><p>What to change: a longer horizon, <code>warmup = \"auto\"</code> (or <code>--warmup auto</code>), more replications. The details are in diagnostics.csv; the rules in docs/MODEL.md, “Output analysis”.</p>"
                );
            }
        }
    }
    if !trust.crises.is_empty() {
        let _ = writeln!(
            html,
            "<p>Overload episodes (a queue above twice the staff for over ten mean service times) are part of the findings, not noise:</p>\n<ul>"
        );
        for sentence in &trust.crises {
            let _ = writeln!(html, "<li>{}</li>", escape(sentence));
        }
        let _ = writeln!(html, "</ul>");
    }
    html
}
