//! The charts of a sweep, by design: the metric against the first swept
//! parameter with a line per value of the others (grids), scatter charts
//! (Latin hypercubes), and the Sobol indices with their intervals, written
//! to `sensitivity.csv` beside `sweep.csv`.

use std::path::Path;

use super::super::plots::charts::{Band, BandChart};
use super::super::plots::{Picture, render};
use super::{ReportError, Table, number_of};
use crate::experiment::catalogue::{describe, describe_parameter};
use crate::experiment::metrics::chart_metrics;
use crate::output::sensitivity::{Sensitivity, sensitivity, sensitivity_csv};
use crate::scenario::ScenarioFile;

/// A sweep's charts by design: scatter charts (LHS), none here (Sobol:
/// its charts are its indices, `sensitivity-<metric>`), or the metric
/// against the first parameter (grids).
pub(super) fn sweep_pictures(
    folder: &Path,
    table: &Table,
    scenario: &ScenarioFile,
) -> Result<Vec<(Picture, String)>, ReportError> {
    let draw = |picture: Result<Picture, String>, name: &str| {
        picture.map_err(|message| ReportError::Draw { chart: name.to_string(), message })
    };
    let social = scenario.behavior.enabled;
    let mut pictures = Vec::new();
    match sampled_design(scenario) {
        Some("lhs") => {
            for chart in scatter_charts(folder, table, social, &scenario.time_unit)? {
                let sentence =
                    format!("{} at every point of the Latin hypercube, against each parameter.", chart.metric);
                pictures.push((draw(render(&chart), &chart.name)?, sentence));
            }
        }
        Some(_) => {}
        None => {
            for (chart, sentence) in sweep_charts(folder, social, &scenario.time_unit)? {
                pictures.push((draw(render(&chart), &chart.name)?, sentence));
            }
        }
    }
    Ok(pictures)
}

/// The `[sweep]` design of a folder's scenario when it is sampled
/// (`lhs`, `sobol`).
pub(super) fn sampled_design(scenario: &ScenarioFile) -> Option<&str> {
    scenario.sweep.as_ref()?.get("design")?.as_str().filter(|d| matches!(*d, "lhs" | "sobol"))
}

/// One scatter chart per key metric: its mean at every point against
/// each parameter.
fn scatter_charts(
    folder: &Path,
    table: &Table,
    social: bool,
    time_unit: &str,
) -> Result<Vec<crate::output::plots::experiment_charts::ScatterChart>, ReportError> {
    use crate::output::plots::experiment_charts::ScatterChart;
    let Some(first) = table.rows.first() else { return Ok(Vec::new()) };
    let parameters = swept_parameters(folder)?;
    let mut charts = Vec::new();
    for metric in chart_metrics(social) {
        let column = format!("{metric}_mean");
        if !first.contains_key(&column) {
            continue;
        }
        let described = describe(metric);
        let (factor, suffix) = described.unit.axis(time_unit);
        let mut panels = Vec::new();
        for parameter in &parameters {
            let mut points = Vec::new();
            for row in &table.rows {
                let x = table.number(row, parameter)?.unwrap_or(f64::NAN);
                let y = factor * table.number(row, &column)?.unwrap_or(f64::NAN);
                points.push((x, y));
            }
            panels.push((describe_parameter(parameter.trim_start_matches("param.")), points));
        }
        charts.push(ScatterChart {
            name: format!("scatter-{metric}"),
            metric: format!("{}{suffix}", described.label),
            panels,
        });
    }
    Ok(charts)
}

/// The `param.<path>` columns of a folder's `sweep.csv`, in its order.
fn swept_parameters(folder: &Path) -> Result<Vec<String>, ReportError> {
    let text = std::fs::read_to_string(folder.join("sweep.csv"))
        .map_err(|source| ReportError::Read { path: folder.join("sweep.csv"), source })?;
    Ok(text.lines().next().unwrap_or("").split(',').filter(|h| h.starts_with("param.")).map(String::from).collect())
}

/// Writes `sensitivity.csv` beside the `sweep.csv` of a Sobol design (the
/// bootstrap under `seed`); `None` for other designs.
pub(super) fn write_sensitivity(folder: &Path, seed: u64) -> Result<Option<Sensitivity>, ReportError> {
    let path = folder.join("sweep.csv");
    let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Read { path: path.clone(), source })?;
    let sensitivity = sensitivity(&text, seed).map_err(|message| ReportError::Content { path, message })?;
    match &sensitivity {
        Some(sensitivity) => {
            crate::output::write_files(folder, &[("sensitivity.csv".to_string(), sensitivity_csv(sensitivity))])?;
        }
        // A sweep of another design leaves no indices of an earlier one.
        None => {
            let stale = folder.join("sensitivity.csv");
            if stale.exists() {
                std::fs::remove_file(&stale)
                    .map_err(|source| crate::output::OutputError { path: stale.clone(), source })?;
            }
        }
    }
    Ok(sensitivity)
}

/// One chart per key metric: each parameter's first-order and total
/// index with its interval.
pub(super) fn sensitivity_pictures(
    sensitivity: &Sensitivity,
    social: bool,
) -> Result<Vec<(Picture, String)>, ReportError> {
    use crate::output::plots::experiment_charts::IntervalChart;
    let mut pictures = Vec::new();
    for metric in chart_metrics(social) {
        let rows: Vec<_> = sensitivity
            .iter()
            .filter(|(m, _, _)| m == metric)
            .filter_map(|(_, parameter, indices)| indices.map(|i| (parameter, i)))
            .flat_map(|(parameter, i)| {
                let parameter = describe_parameter(parameter);
                [
                    (format!("{parameter} · first order"), i.s1, i.s1_interval.0, i.s1_interval.1),
                    (format!("{parameter} · total"), i.st, i.st_interval.0, i.st_interval.1),
                ]
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let label = describe(metric).label.to_lowercase();
        let chart = IntervalChart {
            name: format!("sensitivity-{metric}"),
            title: format!("How much of the variance of {label} each parameter explains"),
            x_label: "Sobol index (share of variance), 95% bootstrap interval".into(),
            rows,
            groups: vec!["first order (S1): the parameter alone".into(), "total (ST): with its interactions".into()],
        };
        let sentence = format!(
            "Sobol indices of {label}: first order (the parameter alone) and total (with its interactions); a total near 0 means the parameter does not matter over its range."
        );
        let picture = render(&chart).map_err(|message| ReportError::Draw { chart: chart.name.clone(), message })?;
        pictures.push((picture, sentence));
    }
    Ok(pictures)
}

/// The sweep charts of a sweep's output folder: one per key metric, the
/// first swept parameter on x, one line per value of the others; each with
/// its sentence. Empty when the first parameter is not numeric.
pub fn sweep_charts(folder: &Path, social: bool, time_unit: &str) -> Result<Vec<(BandChart, String)>, ReportError> {
    let table = Table::read(folder, "sweep.csv")?;
    let params = swept_parameters(folder)?;
    let mut charts = Vec::new();
    let Some(x_param) = params.first() else {
        return Ok(charts);
    };
    for metric in chart_metrics(social) {
        let described = describe(metric);
        let (factor, suffix) = described.unit.axis(time_unit);
        let mut series: Vec<Band> = Vec::new();
        for row in &table.rows {
            let Ok(x) = row[x_param].parse::<f64>() else {
                return Ok(Vec::new());
            };
            let label = if params.len() > 1 {
                params[1..]
                    .iter()
                    .map(|p| format!("{} = {}", describe_parameter(p.trim_start_matches("param.")), row[p]))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                described.label.clone()
            };
            let point = (
                x,
                factor * number_of(&table, row, &format!("{metric}_mean"))?,
                factor * number_of(&table, row, &format!("{metric}_ci_low"))?,
                factor * number_of(&table, row, &format!("{metric}_ci_high"))?,
            );
            match series.iter_mut().find(|s| s.name == label) {
                Some(band) => band.points.push(point),
                None => series.push(Band { name: label, points: vec![point] }),
            }
        }
        for band in &mut series {
            band.points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        let values = series.iter().flat_map(|s| s.points.iter().flat_map(|p| [p.2, p.3]));
        let (low, high) =
            values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if !low.is_finite() {
            continue;
        }
        let pad = (high - low).abs().max(1e-9) * 0.1;
        let x_name = describe_parameter(x_param.trim_start_matches("param."));
        let label = &described.label;
        let chart = BandChart {
            name: format!("sweep-{metric}"),
            title: format!("{label} as {x_name} changes"),
            y_label: format!("{label}{suffix}, mean and 95% CI"),
            x_label: x_name.clone(),
            y_range: (if low >= 0.0 { (low - pad).max(0.0) } else { low - pad }, high + pad),
            series,
            shaded: Vec::new(),
        };
        let sentence = format!(
            "How {} for external customers changes with {x_name}{}: each line is the mean over replications, the band its 95% interval.",
            label.to_lowercase(),
            if params.len() > 1 { ", one line per value of the other swept parameters" } else { "" }
        );
        charts.push((chart, sentence));
    }
    Ok(charts)
}
