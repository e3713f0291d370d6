//! The reports of experiments (`sweep`, `compare`, `impact`, `optimize`):
//! their charts and the table of figures that opens each page.

use std::fmt::Write as _;
use std::path::Path;

use super::super::plots::{Picture, render};
use super::key_tables::{doubtful_rows, key_table};
use super::run::assumptions;
use super::sweep_charts::{sampled_design, sensitivity_pictures, sweep_pictures, write_sensitivity};
use super::{ReportError, Table, escape, figures, number_of, page, write_pictures_and_page};
use crate::experiment::catalogue::describe;
use crate::experiment::metrics::chart_metrics;
use crate::scenario::ScenarioFile;

/// The charts of an experiment, from its CSV file.
fn experiment_pictures(
    folder: &Path,
    kind: &str,
    scenario: &ScenarioFile,
) -> Result<Vec<(Picture, String)>, ReportError> {
    use crate::output::plots::experiment_charts::{IntervalChart, StaffingChart};
    let table = Table::read_experiment(folder, kind)?;
    let draw = |picture: Result<Picture, String>, name: &str| {
        picture.map_err(|message| ReportError::Draw { chart: name.to_string(), message })
    };
    let mut pictures = Vec::new();
    match kind {
        "sweep" => pictures.extend(sweep_pictures(folder, &table, scenario)?),
        "compare" => {
            let mut rows = Vec::new();
            for row in &table.rows {
                let metric = row["metric"].as_str();
                if !chart_metrics(scenario.behavior.enabled).contains(&metric) {
                    continue;
                }
                let base = number_of(&table, row, "base_mean")?.abs().max(1e-12);
                let scale = |v: f64| 100.0 * v / base;
                rows.push((
                    format!("{}: {}", row["variant"], describe(metric).label),
                    scale(number_of(&table, row, "difference")?),
                    scale(number_of(&table, row, "ci_low")?),
                    scale(number_of(&table, row, "ci_high")?),
                ));
            }
            let chart = IntervalChart {
                name: "compare".into(),
                title: format!("Each variant against {}: change in key metrics", scenario.name),
                x_label: "change against the base (% of the base's mean; paired 95% CI)".into(),
                rows,
                groups: Vec::new(),
            };
            pictures.push((
                draw(render(&chart), "compare")?,
                "Paired differences, variant minus base, as a share of the base's mean: a bar whose whisker does not cross the zero line is a significant change.".to_string(),
            ));
        }
        "impact" => {
            let chart = impact_chart(folder, &scenario.time_unit)?;
            let metric = describe(&chart.name).label.to_lowercase();
            let chart = IntervalChart { name: "impact".into(), ..chart };
            pictures.push((
                draw(render(&chart), "impact")?,
                format!("Internal teams ranked by what one step of improvement is worth to external customers, measured as the gain in {metric}, paired against the baseline."),
            ));
        }
        "optimize" => {
            let targets = table.rows.first().map(|r| r["targets"].clone()).unwrap_or_default();
            for target in targets.split(';').filter(|t| !t.is_empty()) {
                let Some(at) = target.find(['<', '>']) else {
                    continue;
                };
                let metric = target[..at].to_string();
                let value: f64 = target[at..].trim_start_matches(['<', '>', '=']).parse().unwrap_or(f64::NAN);
                let described = describe(&metric);
                let (factor, suffix) = described.unit.axis(&scenario.time_unit);
                let mut candidates = Vec::new();
                let mut confirmed = None;
                for row in &table.rows {
                    let value =
                        |column: &str| number_of(&table, row, &format!("{metric}_{column}")).map(|v| factor * v);
                    candidates.push((
                        number_of(&table, row, "staff_cost")?,
                        value("mean")?,
                        value("ci_low")?,
                        value("ci_high")?,
                        row["feasible"] == "true",
                        row["recommended"] == "true",
                    ));
                    if row["recommended"] == "true" && row.contains_key(&format!("{metric}_confirmed_mean")) {
                        let mean = value("confirmed_mean")?;
                        if mean.is_finite() {
                            confirmed = Some((mean, value("confirmed_ci_low")?, value("confirmed_ci_high")?));
                        }
                    }
                }
                let at_most = target[at..].starts_with('<');
                let chart = StaffingChart {
                    name: format!("staffing-{metric}"),
                    label: format!("{}{suffix}", described.label),
                    target: factor * value,
                    target_label: format!(
                        "{} {}",
                        if at_most { "≤" } else { "≥" },
                        described.unit.format(value, &scenario.time_unit)
                    ),
                    at_most,
                    candidates,
                    confirmed,
                };
                pictures.push((
                    draw(render(&chart), "staffing")?,
                    format!("Every staffing the search evaluated: its cost against {}, with the target line and the cost–service frontier (no cheaper staffing does better); filled dots meet every target at the unfavourable end of their interval, crosses miss one, and the ring marks the recommendation, drawn where fresh replications put it when it was confirmed.", described.label.to_lowercase()),
                ));
            }
        }
        "staffing" => {
            for chart in staffing_charts(&table, scenario)? {
                let sentence = format!(
                    "Staff by slot at {}: what the iterative algorithm requires to meet the target in every slot, Erlang's slot-by-slot answers beside it, and the staff on duty under the covering shifts (shifts.csv).",
                    chart.department
                );
                pictures.push((draw(render(&chart), &chart.name)?, sentence));
            }
        }
        _ => {}
    }
    Ok(pictures)
}

/// One chart per department of `staffing.csv`.
fn staffing_charts(
    table: &Table,
    scenario: &ScenarioFile,
) -> Result<Vec<crate::output::plots::staffing_day::StaffingDayChart>, ReportError> {
    use crate::output::plots::staffing_day::StaffingDayChart;
    let mut charts: Vec<StaffingDayChart> = Vec::new();
    for row in &table.rows {
        let department = row["department"].clone();
        let start = number_of(table, row, "interval_start")?;
        let end = number_of(table, row, "interval_end")?;
        let optional = |column: &str| table.number(row, column);
        if charts.last().is_none_or(|c| c.department != department) {
            let clean: String = department.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            charts.push(StaffingDayChart {
                name: format!("staffing-{clean}"),
                department: department.clone(),
                every: end - start,
                time_unit: scenario.time_unit.clone(),
                weekly: false,
                start: crate::scenario::start_time_of(scenario),
                required: Vec::new(),
                naive: Vec::new(),
                erlang_c: Vec::new(),
                scheduled: Vec::new(),
            });
        }
        let chart = charts.last_mut().expect("pushed");
        chart.required.push(number_of(table, row, "required_staff")?);
        chart.naive.push(optional("naive_staff")?);
        chart.erlang_c.push(optional("erlang_c_staff")?);
        chart.scheduled.push(number_of(table, row, "scheduled_staff")?);
    }
    let seconds = crate::output::events::seconds_per_unit(&scenario.time_unit);
    for chart in &mut charts {
        chart.weekly = seconds.is_some_and(|s| chart.every * chart.required.len() as f64 * s > 86_400.0 + 1e-6);
    }
    Ok(charts)
}

/// Builds `plots/` and `report.html` for an experiment's output folder.
pub fn write_experiment_report(folder: &Path, kind: &str, with_plots: bool) -> Result<(), ReportError> {
    if kind == "robust" {
        return super::write_robust_report(folder, with_plots);
    }
    let scenario_path = folder.join("scenario.toml");
    let text = std::fs::read_to_string(&scenario_path)
        .map_err(|source| ReportError::Read { path: scenario_path.clone(), source })?;
    let scenario: ScenarioFile = toml::from_str(&text)
        .map_err(|e| ReportError::Content { path: scenario_path.clone(), message: e.message().trim().to_string() })?;
    let sensitivity = if kind == "sweep" { write_sensitivity(folder, scenario.seed)? } else { None };
    let mut pictures = if with_plots { experiment_pictures(folder, kind, &scenario)? } else { Vec::new() };
    if with_plots && let Some(sensitivity) = &sensitivity {
        pictures.extend(sensitivity_pictures(sensitivity, scenario.behavior.enabled)?);
    }
    let what = match kind {
        "sweep" => "a parameter sweep: every point of the [sweep] table, each with the same customers",
        "compare" => "a paired comparison: variants against the base, each with the same customers",
        "impact" => {
            "impact attribution: each internal team (or, in an organization without one, each front-line team) improved one step at a time, paired against the baseline"
        }
        "staffing" => {
            "staffing by interval: the staff each slot of the period needs to meet the target there (iterative staffing algorithm), Erlang's slot-by-slot answer beside it, and the shifts that cover it (optimized.toml)"
        }
        _ => "a staffing search: the cheapest staffing that meets every target with confidence",
    };
    let mut body = String::new();
    if !scenario.description.is_empty() {
        let _ = writeln!(body, "<p class=\"story\">{}</p>", escape(&scenario.description));
    }
    let _ = writeln!(
        body,
        "<p>This folder holds {what}. The figures are in <code>{kind}.csv</code>; every mean comes with its 95% confidence interval.</p>"
    );
    let headline = match kind {
        "compare" => super::headlines::compare_headline(folder, scenario.behavior.enabled, &scenario.time_unit)?,
        "impact" => super::headlines::impact_headline(folder, &scenario)?,
        "staffing" => super::headlines::staffing_headline(folder, &scenario.time_unit)?,
        "sweep" if sampled_design(&scenario).is_none() => {
            super::headlines::sweep_headline(folder, scenario.behavior.enabled, &scenario.time_unit)?
        }
        "sweep" => super::headlines::sampled_sweep_headline(
            folder,
            scenario.behavior.enabled,
            &scenario.time_unit,
            sensitivity.as_ref(),
        )?,
        _ => Vec::new(),
    };
    body.push_str(&super::headlines::headline_html(&headline));
    let mut chains = Vec::new();
    for (chart, sentence) in super::chain::chain_charts(folder, kind, &scenario.time_unit)? {
        let picture = render(&chart).map_err(|message| ReportError::Draw { chart: chart.name.clone(), message })?;
        chains.push((picture, sentence));
    }
    if !chains.is_empty() {
        let _ = writeln!(body, "<h2>From internal service to the customer</h2>");
        for (picture, sentence) in &chains {
            let _ = writeln!(body, "<p class=\"story\">{}</p>", escape(sentence));
            if with_plots {
                body.push_str(&super::figure(
                    picture,
                    "Each box a link of the chain: the base, the variant, the change and its paired interval.",
                ));
            }
        }
    }
    body.push_str(&key_table(folder, kind, scenario.behavior.enabled, &scenario.time_unit)?);
    body.push_str(&doubtful_rows(folder, kind)?);
    body.push_str(&figures(&pictures));
    if with_plots {
        pictures.extend(chains);
    }
    let _ = writeln!(body, "<h2>Assumptions</h2><ul>");
    for line in assumptions(&scenario) {
        let _ = writeln!(body, "<li>{}</li>", escape(&line));
    }
    let _ = writeln!(
        body,
        "</ul><h2>Reproduce</h2><p>orgsim {}, seed {}, {} replications per point; <code>scenario.toml</code> in this folder is the base scenario as it ran, and <code>orgsim report .</code> redraws this page from the CSV files.</p>",
        env!("CARGO_PKG_VERSION"),
        scenario.seed,
        scenario.replications
    );
    write_pictures_and_page(folder, &pictures, page(&format!("orgsim {kind}: {}", scenario.name), &body))
}

/// The tornado of an impact folder, rows in `impact.csv`'s ranking; its
/// `name` is the ranking metric.
pub fn impact_chart(
    folder: &Path,
    time_unit: &str,
) -> Result<crate::output::plots::experiment_charts::IntervalChart, ReportError> {
    let table = Table::read_experiment(folder, "impact")?;
    let by = table
        .rows
        .first()
        .and_then(|r| r.keys().find(|k| k.starts_with("gain_in_")).cloned())
        .unwrap_or_else(|| "gain_in_revenue_at_risk".into());
    let front = |row: &std::collections::HashMap<String, String>| row.get("role").is_some_and(|r| r == "front line");
    let all_front = !table.rows.is_empty() && table.rows.iter().all(front);
    let metric = by.trim_start_matches("gain_in_").to_string();
    let described = describe(&metric);
    let (factor, suffix) = described.unit.axis(time_unit);
    let mut rows = Vec::new();
    for row in &table.rows {
        let marked = if front(row) && !all_front { " (front line)" } else { "" };
        rows.push((
            format!("{}{marked} {}", row["department"], row["step"]),
            factor * number_of(&table, row, &by)?,
            factor * number_of(&table, row, "gain_ci_low")?,
            factor * number_of(&table, row, "gain_ci_high")?,
        ));
    }
    let label = described.label.to_lowercase();
    Ok(crate::output::plots::experiment_charts::IntervalChart {
        title: format!(
            "Which {} team matters most to customers: gain in {label}",
            if all_front { "front-line" } else { "internal" }
        ),
        x_label: format!("improvement in {label}{suffix} (positive is better; family-wise 95% CI)"),
        name: metric,
        rows,
        groups: Vec::new(),
    })
}
