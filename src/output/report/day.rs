//! The day charts of a run with a rate profile, read back from
//! `intervals.csv` (a stationary run has one interval per department and
//! no day to draw).

use std::path::Path;

use super::super::plots::day::{ClockAxis, DayChart, DaySlot, WaitsBySlot};
use super::{ReportError, Table};
use crate::scenario::ScenarioFile;

/// One row of intervals.csv: its bounds and its fields.
type Slot = (f64, f64, std::collections::HashMap<String, String>);

/// A file stem safe on every system for `name`.
fn stem(name: &str) -> String {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("day-{safe}")
}

/// Most slots a day chart draws: more than a chart has pixels for, and far
/// fewer than a rate profile may have (intervals.csv holds them all).
pub const MOST_DAY_SLOTS: usize = 2_000;

/// The day charts: one per front-line department, and the waits heat map;
/// `None` without a profile (or without intervals.csv), and when the
/// profile has more than [`MOST_DAY_SLOTS`] slots.
pub fn load_day(folder: &Path, scenario: &ScenarioFile) -> Result<Option<(Vec<DayChart>, WaitsBySlot)>, ReportError> {
    let slots = scenario.customers.rates.as_ref().map_or(0, |r| r.values.len());
    if !folder.join("intervals.csv").exists() || slots > MOST_DAY_SLOTS {
        return Ok(None);
    }
    let table = Table::read(folder, "intervals.csv")?;
    let names: Vec<String> = scenario.departments.iter().map(|d| d.name.clone()).collect();
    let mut slots: Vec<Vec<Slot>> = vec![Vec::new(); names.len()];
    for row in &table.rows {
        let Some(index) = row.get("department").and_then(|name| names.iter().position(|n| n == name)) else {
            return Err(ReportError::Content {
                path: table.path.clone(),
                message: "a department not in scenario.toml".into(),
            });
        };
        let (Some(start), Some(end)) = (table.number(row, "interval_start")?, table.number(row, "interval_end")?)
        else {
            return Err(ReportError::Content {
                path: table.path.clone(),
                message: "interval bounds must be numbers".into(),
            });
        };
        slots[index].push((start, end, row.clone()));
    }
    if slots.iter().all(|s| s.len() <= 1) {
        return Ok(None);
    }
    let with_level = scenario.customers.service_level_time.is_some();
    let level_label = match scenario.customers.service_level_time {
        Some(time) => {
            format!("service level (share served within {})", crate::readable::duration(time, &scenario.time_unit))
        }
        None => "share served without waiting".to_string(),
    };
    // Clock time on the axis for a clock unit and a period of a day or a week.
    let seconds = crate::output::events::seconds_per_unit(&scenario.time_unit);
    let period = scenario.period().unwrap_or(0.0) * seconds.unwrap_or(0.0);
    let clock =
        (seconds.is_some() && ((period - 86_400.0).abs() < 1e-6 || (period - 604_800.0).abs() < 1e-6)).then(|| {
            ClockAxis {
                start: crate::scenario::start_time_of(scenario),
                unit: scenario.time_unit.clone(),
                weekly: period > 86_400.0 + 1e-6,
            }
        });
    let mut days = Vec::new();
    for (department, rows) in scenario.departments.iter().zip(&slots) {
        if !department.front_line {
            continue;
        }
        let mean_service = department.service.mean();
        let mut day = Vec::new();
        for (start, end, row) in rows {
            let level = if with_level {
                table.number(row, "service_level_mean")?
            } else {
                table.number(row, "wait_prob_mean")?.map(|p| 1.0 - p)
            };
            day.push(DaySlot {
                start: *start,
                end: *end,
                load: table.number(row, "arrivals_mean")?.unwrap_or(0.0) * mean_service,
                staff: table.number(row, "staff_mean")?,
                busy: table.number(row, "busy_mean")?.unwrap_or(0.0),
                level,
            });
        }
        days.push(DayChart {
            department: department.name.clone(),
            stem: stem(&department.name),
            time_unit: scenario.time_unit.clone(),
            level_label: level_label.clone(),
            slots: day,
            clock: clock.clone(),
        });
    }
    let bounds: Vec<(f64, f64)> =
        slots.iter().max_by_key(|s| s.len()).map_or(Vec::new(), |s| s.iter().map(|r| (r.0, r.1)).collect());
    let mut waits = Vec::new();
    for rows in &slots {
        let mut row_waits = Vec::new();
        for (_, _, row) in rows {
            row_waits.push(table.number(row, "wait_mean_mean")?);
        }
        waits.push(row_waits);
    }
    let heat = WaitsBySlot { time_unit: scenario.time_unit.clone(), departments: names, slots: bounds, waits, clock };
    Ok(Some((days, heat)))
}
