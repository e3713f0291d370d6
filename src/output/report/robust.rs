//! The report of `impact --robust`, drawn from `robust.csv` and
//! `robust-assumptions.csv`: the headline sentence, the rank-stability
//! table, the assumptions' importance, and two charts (`robust-ranks`:
//! each team's gain over the worlds; `robust-assumptions`: each
//! assumption's partial rank correlation with the leading team's gain).

use std::fmt::Write as _;

use crate::readable::percent;
use std::path::Path;

use super::{ReportError, Table, escape, figures, page, write_pictures_and_page};
use crate::output::plots::experiment_charts::IntervalChart;
use crate::output::plots::{Picture, render};

/// A field of a row, empty when the column is missing.
fn field(row: &std::collections::HashMap<String, String>, column: &str) -> String {
    row.get(column).cloned().unwrap_or_default()
}

/// What the leading team's gain leans on (see
/// [`crate::experiment::robust::leaning`]), from the `stands_out` column;
/// `worlds` counted.
fn leaning(assumptions: &Table, worlds: usize) -> Result<crate::experiment::robust::Leaning, ReportError> {
    use crate::experiment::robust::Leaning;
    let mut best: Option<(String, f64)> = None;
    let mut estimated = false;
    for row in &assumptions.rows {
        let Some(value) = assumptions.number(row, "importance")? else { continue };
        estimated = true;
        if field(row, "stands_out") == "true" && best.as_ref().is_none_or(|(_, b)| value.abs() > b.abs()) {
            best = Some((field(row, "assumption"), value));
        }
    }
    Ok(match best {
        Some((name, _)) => Leaning::On(name),
        None if estimated => Leaning::NoneStandsOut(worlds),
        None => Leaning::TooFewWorlds,
    })
}

/// Writes `report.html` and the charts of a robust ranking in `folder`.
pub fn write_robust_report(folder: &Path, with_plots: bool) -> Result<(), ReportError> {
    let ranks = Table::read(folder, "robust.csv")?;
    let assumptions = Table::read(folder, "robust-assumptions.csv")?;
    let worlds = match ranks.rows.first() {
        Some(row) => ranks.number(row, "worlds")?.unwrap_or(0.0) as usize,
        None => 0,
    };
    let leaning = leaning(&assumptions, worlds)?;
    let leader = match ranks.rows.first() {
        Some(row) => Some((field(row, "department"), ranks.number(row, "first_share")?.unwrap_or(0.0))),
        None => None,
    };
    let headline = crate::output::robust::headline(leader.as_ref().map(|(d, s)| (d.as_str(), *s)), &leaning);
    let mut body = format!("<p class=\"story\">{}</p>\n", escape(&headline));
    body.push_str(&super::headlines::headline_html(&super::headlines::robust_headline(folder)?));
    let _ = writeln!(
        body,
        "<p>Each plausible world draws every assumption of the social layer from its range (docs/MODEL.md, \"Assumptions and their plausible ranges\"), a Latin hypercube over them, and ranks the internal teams there as <code>orgsim impact</code> does, paired against that world's baseline.</p>"
    );
    let _ = writeln!(
        body,
        "<h2>How stable the ranking is</h2><p>First: the share of plausible worlds where the team ranks first. Seeds only: the same share over as many runs of the scenario's own assumptions under other seeds, the part of the spread that is replication noise alone.</p><table><tr><th>department</th><th>first</th><th>seeds only</th><th>top 3</th><th>gain median</th><th>5%</th><th>95%</th></tr>"
    );
    let mut rank_rows = Vec::new();
    for row in &ranks.rows {
        let number = |c: &str| ranks.number(row, c).map(|v| v.unwrap_or(f64::NAN));
        let (first, top3) = (number("first_share")?, number("top3_share")?);
        let seeds_only = number("first_share_seeds_only")?;
        let (median, low, high) = (number("gain_median")?, number("gain_p05")?, number("gain_p95")?);
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&field(row, "department")),
            percent(first),
            percent(seeds_only),
            percent(top3),
            crate::readable::number(median),
            crate::readable::number(low),
            crate::readable::number(high)
        );
        rank_rows.push((format!("{} (first in {:.0}%)", field(row, "department"), first * 100.0), median, low, high));
    }
    let _ = writeln!(
        body,
        "</table><h2>What the leading team's gain leans on</h2><table><tr><th>assumption</th><th>from</th><th>to</th><th>importance</th><th>95% interval (Fisher's z)</th><th>p-value</th><th>stands out (Holm, 0.05)</th></tr>"
    );
    let mut importance_rows = Vec::new();
    for row in &assumptions.rows {
        let cell = |c: &str| escape(&field(row, c));
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td></tr>",
            cell("assumption"),
            cell("from"),
            cell("to"),
            cell("importance"),
            cell("ci_low"),
            cell("ci_high"),
            cell("p_value"),
            if field(row, "stands_out") == "true" { "yes" } else { "" }
        );
        if let Some(value) = assumptions.number(row, "importance")? {
            let low = assumptions.number(row, "ci_low")?.unwrap_or(value);
            let high = assumptions.number(row, "ci_high")?.unwrap_or(value);
            let assumption = match field(row, "assumption").as_str() {
                "skill" => "every team's skill (shift)".to_string(),
                "morale" => "every team's morale (shift)".to_string(),
                other => crate::experiment::catalogue::describe_parameter(other),
            };
            importance_rows.push((assumption, value, low, high));
        }
    }
    let _ = writeln!(body, "</table>");
    let mut pictures: Vec<(Picture, String)> = Vec::new();
    if with_plots {
        let ranks_chart = IntervalChart {
            name: "robust-ranks".into(),
            title: "Each team's best gain over the plausible worlds".into(),
            x_label: "gain (median, whiskers: 5% to 95% of worlds)".into(),
            rows: rank_rows,
            groups: Vec::new(),
        };
        let draw = |chart: &IntervalChart| {
            render(chart).map_err(|message| ReportError::Draw { chart: chart.name.clone(), message })
        };
        pictures.push((draw(&ranks_chart)?, "How much each team's best step gains, world by world.".into()));
        if !importance_rows.is_empty() {
            importance_rows.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            let chart = IntervalChart {
                name: "robust-assumptions".into(),
                title: "What the leading team's gain leans on".into(),
                x_label: "partial rank correlation with the gain (95% interval by Fisher's z)".into(),
                rows: importance_rows,
                groups: Vec::new(),
            };
            pictures.push((draw(&chart)?, "The assumptions the leading team's gain moves with, others held.".into()));
        }
    }
    body.push_str(&figures(&pictures));
    write_pictures_and_page(folder, &pictures, page("orgsim impact --robust", &body))
}
