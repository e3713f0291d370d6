//! The headline that opens each report: a few sentences a reader takes
//! away, every figure in them computed from the folder's CSV files (and so
//! checked against them by the tests) and written by the one formatter.

use std::collections::HashMap;
use std::path::Path;

use super::{ReportError, Table, escape};
use crate::experiment::catalogue::{Unit, describe, describe_parameter};
use crate::experiment::metrics::chart_metrics;
use crate::readable::number;
use crate::scenario::ScenarioFile;

type Row = HashMap<String, String>;

/// The headline as HTML: a short list under its heading; empty for none.
pub fn headline_html(sentences: &[String]) -> String {
    if sentences.is_empty() {
        return String::new();
    }
    let items: String = sentences.iter().map(|s| format!("<li>{}</li>", escape(s))).collect();
    format!("<h2>In short</h2><ul class=\"headline\">{items}</ul>\n")
}

/// A figure of `summary.csv` with its interval, in its unit.
fn summary_figure(summary: &Table, metric: &str, time_unit: &str) -> Result<Option<String>, ReportError> {
    let Some(row) = summary.rows.iter().find(|r| r.get("metric").map(String::as_str) == Some(metric)) else {
        return Ok(None);
    };
    let unit = describe(metric).unit;
    Ok(match (summary.number(row, "mean")?, summary.number(row, "ci_low")?, summary.number(row, "ci_high")?) {
        (Some(mean), Some(low), Some(high)) => {
            Some(format!("{} ({})", unit.format(mean, time_unit), unit.format_interval(low, high, time_unit)))
        }
        (Some(mean), _, _) => Some(unit.format(mean, time_unit)),
        _ => None,
    })
}

/// A run: the supplier whose replies hold up the front line most, the
/// customers' outcomes, and the overload episodes.
pub fn run_headline(folder: &Path, scenario: &ScenarioFile) -> Result<Vec<String>, ReportError> {
    let unit = scenario.time_unit.as_str();
    let summary = Table::read(folder, "summary.csv")?;
    let links = Table::read(folder, "links.csv")?;
    let mean_of = |metric: &str| -> Result<Option<f64>, ReportError> {
        match summary.rows.iter().find(|r| r.get("metric").map(String::as_str) == Some(metric)) {
            Some(row) => summary.number(row, "mean"),
            None => Ok(None),
        }
    };
    let mut sentences = Vec::new();
    // Requests the front line sent each supplier × the supplier's delay.
    let front: Vec<&str> = scenario.departments.iter().filter(|d| d.front_line).map(|d| d.name.as_str()).collect();
    let mut held: Vec<(String, f64, f64, f64)> = Vec::new();
    for row in links.rows.iter().filter(|r| front.contains(&r["from"].as_str())) {
        let supplier = row["to"].clone();
        let requests = links.number(row, "requests_mean")?.unwrap_or(0.0);
        let Some(delay) = mean_of(&format!("department.{supplier}.int_delay_given_mean"))? else { continue };
        match held.iter_mut().find(|h| h.0 == supplier) {
            Some(entry) => entry.1 += requests,
            None => held.push((supplier, requests, delay, 0.0)),
        }
    }
    for entry in &mut held {
        entry.3 = entry.1 * entry.2;
    }
    if let Some((supplier, requests, delay, total)) =
        held.iter().max_by(|a, b| a.3.total_cmp(&b.3).then_with(|| b.0.cmp(&a.0)))
    {
        sentences.push(format!(
            "{} replies hold up the front line most: {} requests per replication × {} each = {} of waiting for replies.",
            crate::readable::possessive(supplier),
            number(*requests),
            Unit::Time.format(*delay, unit),
            Unit::Time.format(*total, unit)
        ));
    }
    let outcomes: Vec<String> = chart_metrics(scenario.behavior.enabled)
        .into_iter()
        .chain(["ext_abandon_rate"])
        .filter_map(|metric| {
            summary_figure(&summary, metric, unit)
                .map(|figure| figure.map(|f| format!("{} {f}", describe(metric).label.to_lowercase())))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = Vec::new();
    let outcomes: Vec<String> = outcomes
        .into_iter()
        .filter(|o| {
            !seen.contains(o) && {
                seen.push(o.clone());
                true
            }
        })
        .collect();
    if !outcomes.is_empty() {
        sentences.push(format!("Customers: {}.", outcomes.join("; ")));
    }
    let mut episodes = 0.0;
    let mut where_: Vec<String> = Vec::new();
    for department in &scenario.departments {
        let count = mean_of(&format!("department.{}.crisis_episodes", department.name))?.unwrap_or(0.0);
        if count > 0.0 {
            episodes += count;
            where_.push(format!("{} {}", department.name, number(count)));
        }
    }
    sentences.push(if episodes > 0.0 {
        format!("Overload episodes per replication: {} ({}).", number(episodes), where_.join(", "))
    } else {
        "No department went into overload.".to_string()
    });
    Ok(sentences)
}

/// A comparison: each variant's effect on the key figures, with its
/// interval, significant or not.
pub fn compare_headline(folder: &Path, social: bool, time_unit: &str) -> Result<Vec<String>, ReportError> {
    let table = Table::read_experiment(folder, "compare")?;
    let mut variants: Vec<String> = Vec::new();
    for row in &table.rows {
        if !variants.contains(&row["variant"]) {
            variants.push(row["variant"].clone());
        }
    }
    let mut sentences = Vec::new();
    for variant in variants {
        let mut parts = Vec::new();
        for row in table.rows.iter().filter(|r| r["variant"] == variant) {
            if !chart_metrics(social).contains(&row["metric"].as_str()) {
                continue;
            }
            parts.push(change_text(&table, row, &row["metric"], ("difference", "ci_low", "ci_high"), time_unit)?);
        }
        if !parts.is_empty() {
            sentences.push(format!("Variant {variant} against the base: {}.", parts.join("; ")));
        }
        let verdict = table
            .rows
            .iter()
            .filter(|r| r["variant"] == variant)
            .find_map(|r| r.get("verdict").filter(|v| !v.is_empty() && *v != "ok"));
        if let Some(verdict) = verdict {
            sentences
                .push(format!("Variant {variant}'s figures are marked {verdict}: read them with the warnings below."));
        }
    }
    Ok(sentences)
}

/// "label +3.2 min (1.1 – 5.3 min), significant" from three columns.
fn change_text(
    table: &Table,
    row: &Row,
    metric: &str,
    (mean, low, high): (&str, &str, &str),
    time_unit: &str,
) -> Result<String, ReportError> {
    let described = describe(metric);
    let unit = described.unit;
    Ok(match (table.number(row, mean)?, table.number(row, low)?, table.number(row, high)?) {
        (Some(m), Some(l), Some(h)) => format!(
            "{} {} ({}), {}",
            described.label.to_lowercase(),
            unit.format_change(m, time_unit),
            unit.format_interval(l, h, time_unit),
            if l > 0.0 || h < 0.0 { "significant" } else { "could be no change" }
        ),
        (Some(m), _, _) => format!("{} {}", described.label.to_lowercase(), unit.format_change(m, time_unit)),
        _ => format!("{}: not measured", described.label.to_lowercase()),
    })
}

/// An attribution: the top team, its gain (per time unit too, where the
/// ranking metric is a total over the window), and what the step costs.
pub fn impact_headline(folder: &Path, scenario: &ScenarioFile) -> Result<Vec<String>, ReportError> {
    let table = Table::read_experiment(folder, "impact")?;
    let Some(top) = table.rows.first() else { return Ok(Vec::new()) };
    let unit = scenario.time_unit.as_str();
    let by_column = top.keys().find(|k| k.starts_with("gain_in_")).cloned().unwrap_or_default();
    let by = by_column.trim_start_matches("gain_in_").to_string();
    let described = describe(&by);
    let (gain, low, high) =
        (table.number(top, &by_column)?, table.number(top, "gain_ci_low")?, table.number(top, "gain_ci_high")?);
    let department = &top["department"];
    let step = &top["step"];
    let mut sentences = Vec::new();
    if let Some(gain) = gain {
        let interval = match (low, high) {
            (Some(l), Some(h)) => format!(" ({}, family-wise)", described.unit.format_interval(l, h, unit)),
            _ => String::new(),
        };
        let significant = matches!((low, high), (Some(l), Some(h)) if l > 0.0 || h < 0.0);
        sentences.push(format!(
            "The team whose service matters most to customers: {department} ({step}), a gain in {} of {}{interval}{}.",
            described.label.to_lowercase(),
            described.unit.format(gain, unit),
            if significant { "" } else { "; its interval includes no gain" }
        ));
        let window = scenario.horizon - scenario.warmup.time().unwrap_or(0.0);
        if by == "revenue_at_risk" && window > 0.0 && significant {
            sentences.push(format!("Per {unit}: {} of revenue no longer at risk.", number(gain / window)));
        }
    }
    if let Some(verdict) = top.get("verdict").filter(|v| !v.is_empty() && *v != "ok") {
        sentences.push(format!("Its figures are marked {verdict}: read them with the warnings below."));
    }
    if step == "+1 staff" {
        let cost = scenario.departments.iter().find(|d| d.name == *department).map(|d| d.cost_per_time);
        if let Some(cost) = cost {
            let window = scenario.horizon - scenario.warmup.time().unwrap_or(0.0);
            sentences.push(format!(
                "The step costs one more person at {department}: {} per {unit}, {} over the window.",
                number(cost),
                number(cost * window)
            ));
        }
    } else {
        sentences.push(format!("The model gives the step {step} no cost; weigh it against what it takes to make."));
    }
    Ok(sentences)
}

/// Staffing by interval: per department the staff-time required and on
/// duty, the peak, the shifts, and the slots that miss the target.
pub fn staffing_headline(folder: &Path, time_unit: &str) -> Result<Vec<String>, ReportError> {
    let table = Table::read_experiment(folder, "staffing")?;
    let shifts = if folder.join("shifts.csv").is_file() { Some(Table::read(folder, "shifts.csv")?) } else { None };
    let mut departments: Vec<String> = Vec::new();
    for row in &table.rows {
        if !departments.contains(&row["department"]) {
            departments.push(row["department"].clone());
        }
    }
    let mut sentences = Vec::new();
    for department in departments {
        let (mut required, mut scheduled, mut peak, mut missed) = (0.0, 0.0, 0.0f64, 0);
        for row in table.rows.iter().filter(|r| r["department"] == department) {
            let length =
                table.number(row, "interval_end")?.unwrap_or(0.0) - table.number(row, "interval_start")?.unwrap_or(0.0);
            let need = table.number(row, "required_staff")?.unwrap_or(0.0);
            required += need * length;
            scheduled += table.number(row, "scheduled_staff")?.unwrap_or(0.0) * length;
            peak = peak.max(need);
            missed += usize::from(row.get("confirmed").map(String::as_str) == Some("false"));
        }
        let count = shifts.as_ref().map_or(0, |t| t.rows.iter().filter(|r| r["department"] == department).count());
        sentences.push(format!(
            "{department}: {} of staff time required, {} on duty under {count} shifts; a peak of {} people; {}.",
            Unit::Time.format(required, time_unit),
            Unit::Time.format(scheduled, time_unit),
            number(peak),
            match missed {
                0 => "every slot meets the target".to_string(),
                n => format!("{n} slots miss the target on fresh replications"),
            }
        ));
    }
    Ok(sentences)
}

/// A parameter's value and the figure's mean there.
type Level = (String, f64);

/// A grid sweep: for each key figure, the parameter that moves it most
/// (the widest spread between the means at its values, averaged over the
/// other parameters), from where to where.
pub fn sweep_headline(folder: &Path, social: bool, time_unit: &str) -> Result<Vec<String>, ReportError> {
    let table = Table::read(folder, "sweep.csv")?;
    let Some(first) = table.rows.first() else { return Ok(Vec::new()) };
    let mut parameters: Vec<String> = first.keys().filter(|k| k.starts_with("param.")).cloned().collect();
    parameters.sort();
    let mut sentences = Vec::new();
    for metric in chart_metrics(social) {
        let column = format!("{metric}_mean");
        if !first.contains_key(&column) {
            continue;
        }
        let mut best: Option<(String, Level, Level)> = None;
        for parameter in &parameters {
            // The metric's mean at each value of the parameter.
            let mut groups: Vec<(String, f64, f64, usize)> = Vec::new();
            for row in &table.rows {
                let Some(value) = table.number(row, &column)? else { continue };
                let key = row[parameter].clone();
                let order = key.parse::<f64>().unwrap_or(f64::NAN);
                match groups.iter_mut().find(|g| g.0 == key) {
                    Some(group) => {
                        group.2 += value;
                        group.3 += 1;
                    }
                    None => groups.push((key, order, value, 1)),
                }
            }
            if groups.len() < 2 {
                continue;
            }
            groups.sort_by(|a, b| a.1.total_cmp(&b.1));
            let mean = |g: &(String, f64, f64, usize)| g.2 / g.3 as f64;
            let (low, high) = (&groups[0], &groups[groups.len() - 1]);
            let spread = (mean(high) - mean(low)).abs();
            if best.as_ref().is_none_or(|b| spread > (b.2.1 - b.1.1).abs()) {
                best = Some((parameter.clone(), (low.0.clone(), mean(low)), (high.0.clone(), mean(high))));
            }
        }
        if let Some((parameter, (low_at, low), (high_at, high))) = best {
            let described = describe(metric);
            sentences.push(format!(
                "{} moves {} most: {} at {low_at}, {} at {high_at}.",
                describe_parameter(parameter.trim_start_matches("param.")),
                described.label.to_lowercase(),
                described.unit.format(low, time_unit),
                described.unit.format(high, time_unit)
            ));
        }
    }
    Ok(sentences)
}

/// A sampled sweep (Latin hypercube or Sobol): for each key figure the
/// parameter that moves it most, by its total Sobol index (from
/// `sensitivity.csv`'s figures) or, for a Latin hypercube, by the rank
/// correlation between the parameter and the figure over the points.
pub fn sampled_sweep_headline(
    folder: &Path,
    social: bool,
    time_unit: &str,
    sensitivity: Option<&crate::output::sensitivity::Sensitivity>,
) -> Result<Vec<String>, ReportError> {
    let mut sentences = Vec::new();
    if let Some(sensitivity) = sensitivity {
        for metric in chart_metrics(social) {
            let best = sensitivity
                .iter()
                .filter(|(m, _, _)| m == metric)
                .filter_map(|(_, parameter, indices)| indices.map(|i| (parameter, i)))
                .max_by(|a, b| a.1.st.total_cmp(&b.1.st));
            if let Some((parameter, i)) = best {
                sentences.push(format!(
                    "{} explains most of the variance of {}: total Sobol index {} ({}), first order {}.",
                    describe_parameter(parameter),
                    describe(metric).label.to_lowercase(),
                    number(i.st),
                    crate::readable::interval(i.st_interval.0, i.st_interval.1),
                    number(i.s1)
                ));
            }
        }
        return Ok(sentences);
    }
    let table = Table::read(folder, "sweep.csv")?;
    let Some(first) = table.rows.first() else { return Ok(Vec::new()) };
    let mut parameters: Vec<String> = first.keys().filter(|k| k.starts_with("param.")).cloned().collect();
    parameters.sort();
    for metric in chart_metrics(social) {
        let column = format!("{metric}_mean");
        if !first.contains_key(&column) {
            continue;
        }
        let mut points: Vec<(Vec<f64>, f64)> = Vec::new();
        for row in &table.rows {
            let Some(value) = table.number(row, &column)? else { continue };
            let values: Option<Vec<f64>> = parameters.iter().map(|p| row[p].parse::<f64>().ok()).collect();
            if let Some(values) = values {
                points.push((values, value));
            }
        }
        let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
        let best = (0..parameters.len())
            .map(|k| {
                let xs: Vec<f64> = points.iter().map(|p| p.0[k]).collect();
                (k, crate::experiment::importance::rank_correlation(&xs, &ys))
            })
            .filter(|(_, rho)| rho.is_finite())
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
        if let Some((k, rho)) = best {
            let described = describe(metric);
            let (low, high) = ys.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| (a.min(y), b.max(y)));
            sentences.push(format!(
                "{} moves {} most: rank correlation {} over {} points, where it ranges from {} to {}.",
                describe_parameter(parameters[k].trim_start_matches("param.")),
                described.label.to_lowercase(),
                number(rho),
                ys.len(),
                described.unit.format(low, time_unit),
                described.unit.format(high, time_unit)
            ));
        }
    }
    Ok(sentences)
}

/// A robust ranking: which team ranks first in how many worlds, against
/// replication noise alone, and whether the first place holds.
pub fn robust_headline(folder: &Path) -> Result<Vec<String>, ReportError> {
    let table = Table::read(folder, "robust.csv")?;
    let Some(top) = table.rows.iter().max_by(|a, b| {
        let share = |r: &Row| r.get("first_share").and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        share(a).total_cmp(&share(b))
    }) else {
        return Ok(Vec::new());
    };
    let first = table.number(top, "first_share")?.unwrap_or(0.0);
    let seeds = match top.get("first_share_seeds_only") {
        Some(text) if !text.is_empty() => table.number(top, "first_share_seeds_only")?,
        _ => None,
    };
    let mut sentence = format!(
        "{} ranks first in {} of the plausible worlds{}",
        top["department"],
        crate::readable::percent(first),
        seeds.map_or(String::new(), |s| format!(" ({} under replication noise alone)", crate::readable::percent(s)))
    );
    sentence.push_str(if first >= 0.8 {
        ": the first place holds across the assumptions."
    } else if first >= 0.5 {
        ": the first place holds in most worlds, not all."
    } else {
        ": the first place does not hold; it changes with the assumptions."
    });
    let median = table.number(top, "gain_median")?;
    let (low, high) = (table.number(top, "gain_p05")?, table.number(top, "gain_p95")?);
    let mut sentences = vec![sentence];
    if let (Some(m), Some(l), Some(h)) = (median, low, high) {
        sentences.push(format!(
            "Its median gain over the worlds is {}, from {} in the worst 5% to {} in the best 5%.",
            number(m),
            number(l),
            number(h)
        ));
    }
    Ok(sentences)
}
