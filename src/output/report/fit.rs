//! `fit.html`: what a log gave and how well the fitted scenario matches
//! it, drawn only from `fit.csv`, `observations.csv` and (with `--check`)
//! `fit-check.csv`, so `orgsim report DIR` rebuilds it: the log's quality
//! counts, the arrival profile (observed slot by slot against the fitted
//! rates), each team's time with the fitted density, the routing, and the
//! check table with its verdicts.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use super::{ReportError, Table, escape, figures, page};
use crate::fit::families::Family;
use crate::output::plots::charts::{FlowChart, FlowLink, FlowNode};
use crate::output::plots::fit_charts::{FittedHistogram, ProfileChart};
use crate::output::plots::{Picture, render};

type Row = HashMap<String, String>;

/// A field of a row, empty when absent.
fn text(row: &Row, column: &str) -> String {
    row.get(column).cloned().unwrap_or_default()
}

/// The rows of `fit.csv` of one kind.
fn rows_of<'a>(fit: &'a Table, kind: &'static str) -> impl Iterator<Item = &'a Row> + Clone {
    fit.rows.iter().filter(move |r| r.get("kind").map(String::as_str) == Some(kind))
}

/// The scenario's time unit, from the `log` rows of `fit.csv`.
fn time_unit(fit: &Table) -> String {
    rows_of(fit, "log")
        .find(|r| r.get("parameter").map(String::as_str) == Some("time_unit"))
        .map_or_else(|| "time unit".into(), |r| text(r, "statistic"))
}

/// Rebuilds `fit.html` (and its charts under `plots/`) in `folder`.
pub fn write_fit_report(folder: &Path) -> Result<(), ReportError> {
    let fit = Table::read(folder, "fit.csv")?;
    let observations = Table::read(folder, "observations.csv")?;
    let check = if folder.join("fit-check.csv").exists() { Some(Table::read(folder, "fit-check.csv")?) } else { None };
    let mut body = String::new();
    let _ = writeln!(body, "<h2>The log</h2><table><tr><th>count</th><th>value</th></tr>");
    for row in rows_of(&fit, "log") {
        let value = if text(row, "parameter") == "time_format" {
            format!("{} read as {}", text(row, "target"), text(row, "statistic"))
        } else {
            text(row, "value")
        };
        let _ = writeln!(body, "<tr><td>{}</td><td>{}</td></tr>", escape(&text(row, "parameter")), escape(&value));
    }
    let _ = writeln!(body, "</table>");
    let histograms = departments(&mut body, &fit, &observations);
    routing(&mut body, &fit);
    let mut pictures: Vec<(Picture, String)> = Vec::new();
    let flow = flow_chart(&fit)?;
    if !flow.nodes.is_empty() {
        let sentence = "The teams as a network: arrows are transfers and needs, as wide as the cases behind them.";
        pictures.push((render(&flow).map_err(|message| draw_error("flow", message))?, sentence.into()));
    }
    if let Some(profile) = profile_chart(&fit, &observations)? {
        let sentence = "Cases opened per time unit, slot by slot: each dot one day (or week) of the log, the line the fitted rate.";
        pictures.push((render(&profile).map_err(|message| draw_error("arrival profile", message))?, sentence.into()));
    }
    for histogram in histograms.iter().take(12) {
        let sentence = format!("Time at {}: the log's values and the fitted density.", histogram.team);
        pictures.push((render(histogram).map_err(|message| draw_error("time at team", message))?, sentence));
    }
    if let Some(check) = &check {
        check_table(&mut body, check);
    }
    body.push_str(&figures(&pictures));
    let html = page("orgsim fit: the scenario and the log", &body);
    super::write_pictures_and_named_page(folder, &pictures, "fit.html", html)
}

/// The departments table; returns each team's histogram under its fitted
/// density.
fn departments(body: &mut String, fit: &Table, observations: &Table) -> Vec<FittedHistogram> {
    let _ = writeln!(
        body,
        "<h2>Departments</h2><table><tr><th>department</th><th>visits</th><th>staff</th><th>time at team</th><th>family</th><th>mean</th><th>cv</th><th>KS distance</th></tr>"
    );
    let mut histograms = Vec::new();
    let unit = time_unit(fit);
    for visit in rows_of(fit, "visits") {
        let team = text(visit, "team");
        let name = &team;
        let of_team = |kind: &'static str| rows_of(fit, kind).filter(move |r| r.get("team") == Some(name));
        let staff = of_team("staff").next().map_or(String::new(), |r| {
            if text(r, "statistic") == "unlimited" { "unlimited (unknown)".into() } else { text(r, "value") }
        });
        let chosen = of_team("service").filter(|r| text(r, "statistic") == "chosen");
        let params: BTreeMap<String, String> =
            chosen.clone().map(|r| (text(r, "parameter"), text(r, "value"))).collect();
        let family = chosen.clone().next().map_or("fixed".to_string(), |r| text(r, "target"));
        let what = of_team("service").find(|r| text(r, "target") == "sample").map_or(String::new(), |r| {
            if text(r, "statistic") == "work" { "work".into() } else { "waiting and work".into() }
        });
        let cell = |name: &str| params.get(name).cloned().unwrap_or_default();
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&team),
            escape(&text(visit, "value")),
            escape(&staff),
            what,
            family,
            cell("mean"),
            cell("cv"),
            cell("ks")
        );
        let sample: Vec<f64> = observations
            .rows
            .iter()
            .filter(|r| text(r, "kind") == "service" && text(r, "team") == team)
            .filter_map(|r| text(r, "value").parse().ok())
            .collect();
        let number = |name: &str| params.get(name).and_then(|v| v.parse::<f64>().ok());
        let density = match (number("mean"), number("cv")) {
            (Some(mean), Some(cv)) => Family::from_mean_cv(&family, mean, cv),
            _ => None,
        };
        if sample.len() >= 2 {
            histograms.push(FittedHistogram::new(team.clone(), sample, density, histograms.len(), &unit));
        }
    }
    let _ = writeln!(body, "</table>");
    let unknown: Vec<String> =
        rows_of(fit, "staff").filter(|r| text(r, "statistic") == "unlimited").map(|r| text(r, "team")).collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            body,
            "<p class=\"story\">The log gives no start and complete times for {}: their time mixes waiting and work, and they are modelled with unlimited staff. To study staffing, replace <code>staff = \"unlimited\"</code> and their <code>service</code> in scenario.toml with the real head count and work time.</p>",
            escape(&unknown.join(", "))
        );
    }
    histograms
}

fn draw_error(chart: &str, message: String) -> ReportError {
    ReportError::Draw { chart: chart.to_string(), message }
}

/// The teams, their staff where known, and the cases behind each
/// transfer and need, from `fit.csv`.
fn flow_chart(fit: &Table) -> Result<FlowChart, ReportError> {
    let names: Vec<String> = rows_of(fit, "visits").map(|r| text(r, "team")).collect();
    let mut nodes = Vec::new();
    for name in &names {
        let staff = rows_of(fit, "staff").find(|r| &text(r, "team") == name);
        nodes.push(FlowNode {
            name: name.clone(),
            staff: match staff {
                Some(row) => fit.number(row, "value")?,
                None => None,
            },
            front_line: rows_of(fit, "entry").any(|r| &text(r, "team") == name),
            morale: None,
            utilization: 0.0,
        });
    }
    let mut links = Vec::new();
    for row in rows_of(fit, "transfer").chain(rows_of(fit, "need")) {
        let position = |column: &str| names.iter().position(|n| *n == text(row, column));
        if let (Some(from), Some(to)) = (position("team"), position("target")) {
            links.push(FlowLink { from, to, requests: fit.number(row, "n")?.unwrap_or(0.0), satisfaction: None });
        }
    }
    let cases = rows_of(fit, "log").find(|r| text(r, "parameter") == "cases");
    let arrivals = match cases {
        Some(row) => fit.number(row, "value")?.unwrap_or(0.0),
        None => 0.0,
    };
    Ok(FlowChart { scenario: "the log".into(), nodes, links, arrivals, from_log: true })
}

/// The transfers and needs, with the visits behind each.
fn routing(body: &mut String, fit: &Table) {
    let _ = writeln!(
        body,
        "<h2>Handoffs</h2><table><tr><th>from</th><th>to</th><th>kind</th><th>probability</th><th>cases</th><th>of visits</th></tr>"
    );
    for row in fit.rows.iter().filter(|r| matches!(r.get("kind").map(String::as_str), Some("transfer" | "need"))) {
        let cell = |c: &str| escape(row.get(c).map_or("", String::as_str));
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            cell("team"),
            cell("target"),
            cell("kind"),
            cell("value"),
            cell("n"),
            cell("statistic").trim_start_matches("of=")
        );
    }
    let _ = writeln!(body, "</table>");
}

/// The check: each measure, the log's value and the simulated range.
fn check_table(body: &mut String, check: &Table) {
    let compared = check.rows.iter().filter(|r| r.get("verdict").is_none_or(|v| v != "observed_only")).count();
    let outside =
        check.rows.iter().filter(|r| r.get("verdict").is_some_and(|v| v != "ok" && v != "observed_only")).count();
    let _ = writeln!(
        body,
        "<h2>Check against the log</h2><p class=\"story\">{} of {} measures of the log lie inside the range the fitted scenario gives one log (2.5% to 97.5% over replications). <code>handoffs_mean</code> counts changes between the model's departments, where the smaller teams are one department; <code>handoffs_mean_raw</code> counts every change of team in the log, so it is at least as large, and the model, knowing departments only, cannot simulate it (observed only).</p>",
        compared - outside,
        compared
    );
    let _ = writeln!(
        body,
        "<table><tr><th>measure</th><th>observed</th><th>simulated mean</th><th>2.5%</th><th>97.5%</th><th>verdict</th></tr>"
    );
    for row in &check.rows {
        let cell = |c: &str| escape(row.get(c).map_or("", String::as_str));
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            cell("measure"),
            cell("observed"),
            cell("simulated_mean"),
            cell("simulated_p025"),
            cell("simulated_p975"),
            cell("verdict")
        );
    }
    let _ = writeln!(body, "</table>");
}

/// The arrival profile from the `rate` rows of `fit.csv` and the opening
/// times in `observations.csv`; `None` without rates.
fn profile_chart(fit: &Table, observations: &Table) -> Result<Option<ProfileChart>, ReportError> {
    let mut fitted = Vec::new();
    let mut starts = Vec::new();
    for row in fit.rows.iter().filter(|r| r.get("kind").map(String::as_str) == Some("rate")) {
        starts.push(fit.number(row, "target")?.unwrap_or(f64::NAN));
        fitted.push(fit.number(row, "value")?.unwrap_or(0.0));
    }
    if starts.len() < 2 || starts[1].partial_cmp(&starts[0]) != Some(std::cmp::Ordering::Greater) {
        return Ok(None);
    }
    let every = starts[1] - starts[0];
    let period = every * starts.len() as f64;
    let time_unit = time_unit(fit);
    let mut counts: BTreeMap<(i64, usize), u64> = BTreeMap::new();
    for row in observations.rows.iter().filter(|r| r.get("kind").map(String::as_str) == Some("opened")) {
        let Some(time) = observations.number(row, "value")? else { continue };
        let slot = ((time.rem_euclid(period) / every) as usize).min(starts.len() - 1);
        *counts.entry(((time / period).floor() as i64, slot)).or_default() += 1;
    }
    let periods: std::collections::BTreeSet<i64> = counts.keys().map(|k| k.0).collect();
    let mut observed = Vec::new();
    for &p in &periods {
        for (slot, start) in starts.iter().enumerate() {
            observed.push((*start, counts.get(&(p, slot)).copied().unwrap_or(0) as f64 / every));
        }
    }
    Ok(Some(ProfileChart { time_unit, every, fitted, observed }))
}
