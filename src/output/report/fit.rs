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
use crate::output::plots::fit_charts::{CheckChart, CheckedMeasure, FittedHistogram, ProfileChart};
use crate::output::plots::{Picture, render};
use crate::readable::{duration, number, percent};

type Row = HashMap<String, String>;

/// Handoffs listed in the table, the busiest; the rest are summed.
const MOST_HANDOFFS: usize = 15;

/// A CSV number as a person reads it; other text as it is.
fn readable(value: &str) -> String {
    value.parse::<f64>().map_or_else(|_| value.to_string(), number)
}

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
        let parameter = text(row, "parameter");
        let value = match parameter.as_str() {
            "time_format" => format!("{} read as {}", text(row, "target"), text(row, "statistic")),
            "entered_elsewhere" => format!("{} (passed on by {})", text(row, "value"), text(row, "team")),
            _ if text(row, "value").is_empty() => text(row, "statistic"),
            _ => readable(&text(row, "value")),
        };
        if parameter == "resolution_seconds" && value.is_empty() {
            continue;
        }
        let _ = writeln!(body, "<tr><td>{}</td><td>{}</td></tr>", escape(&parameter.replace('_', " ")), escape(&value));
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
    if let Some(check) = &check
        && let Some(chart) = check_table(&mut body, check, &time_unit(&fit))
    {
        let sentence = "Each measure's simulated range as a band, from its 2.5% to its 97.5% end, and the log's value as a dot: dark inside the range, light outside (a value far outside sits at the edge).";
        pictures.insert(0, (render(&chart).map_err(|message| draw_error("check", message))?, sentence.into()));
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
        "<h2>Departments</h2><p class=\"story\">The <em>sample mean</em> is the plain mean of the log's times at the team; the <em>fitted mean</em> is the mean of the family chosen by BIC, which the scenario takes unless no family fits well (KS distance above 0.1), when it takes the sample mean.</p><table><tr><th>department</th><th>visits</th><th>staff</th><th>time at team</th><th>family</th><th>sample mean</th><th>fitted mean</th><th>cv</th><th>KS distance</th></tr>"
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
        let cell = |name: &str| params.get(name).map_or(String::new(), |v| readable(v));
        let time = |value: Option<&String>| {
            value.and_then(|v| v.parse::<f64>().ok()).map_or(String::new(), |v| duration(v, &unit))
        };
        let sample_mean = of_team("service").find(|r| text(r, "target") == "sample").map(|r| text(r, "value"));
        let poor = of_team("service").any(|r| text(r, "statistic") == "sample_mean_poor_fit");
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&team),
            escape(&readable(&text(visit, "value"))),
            escape(&staff),
            what,
            family,
            if poor { " (poor fit: the scenario takes the sample mean)" } else { "" },
            time(sample_mean.as_ref()),
            time(params.get("mean")),
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
            let kind = crate::output::plots::flow::LinkKind::parse(&text(row, "kind"));
            links.push(FlowLink { from, to, requests: fit.number(row, "n")?.unwrap_or(0.0), satisfaction: None, kind });
        }
    }
    let cases = rows_of(fit, "log").find(|r| text(r, "parameter") == "cases");
    let arrivals = match cases {
        Some(row) => fit.number(row, "value")?.unwrap_or(0.0),
        None => 0.0,
    };
    Ok(FlowChart { scenario: "the log".into(), nodes, links, arrivals, from_log: true, customers: None })
}

/// The transfers and needs, with the visits behind each.
fn routing(body: &mut String, fit: &Table) {
    let _ = writeln!(
        body,
        "<h2>Handoffs</h2><table><tr><th>from</th><th>to</th><th>kind</th><th>probability</th><th>cases</th><th>of visits</th></tr>"
    );
    let mut handoffs: Vec<&Row> =
        fit.rows.iter().filter(|r| matches!(r.get("kind").map(String::as_str), Some("transfer" | "need"))).collect();
    let cases = |row: &Row| text(row, "n").parse::<u64>().unwrap_or(0);
    // The busiest first, ties in file order.
    handoffs.sort_by_key(|row| std::cmp::Reverse(cases(row)));
    for row in handoffs.iter().take(MOST_HANDOFFS) {
        let cell = |c: &str| escape(&text(row, c));
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            cell("team"),
            cell("target"),
            cell("kind"),
            percent(text(row, "value").parse().unwrap_or(f64::NAN)),
            cell("n"),
            cell("statistic").trim_start_matches("of=")
        );
    }
    if handoffs.len() > MOST_HANDOFFS {
        let rest = &handoffs[MOST_HANDOFFS..];
        let _ = writeln!(
            body,
            "<tr><td colspan=\"3\">others: {} more pairs of teams (fit.csv lists them all)</td><td></td><td>{}</td><td></td></tr>",
            rest.len(),
            rest.iter().map(|r| cases(r)).sum::<u64>()
        );
    }
    let _ = writeln!(body, "</table>");
}

/// The check: each measure, the log's value and the simulated range, a
/// note where it lies outside; the count outside against chance; and its
/// chart.
fn check_table(body: &mut String, check: &Table, unit: &str) -> Option<CheckChart> {
    let is_count = |r: &Row| text(r, "measure") == crate::fit::check::MEASURES_OUTSIDE;
    let measures: Vec<&Row> = check.rows.iter().filter(|r| !is_count(r)).collect();
    let compared = measures.iter().filter(|r| text(r, "verdict") != "observed_only").count();
    let outside = measures.iter().filter(|r| !matches!(text(r, "verdict").as_str(), "ok" | "observed_only")).count();
    let chance = check.rows.iter().find(|r| is_count(r)).map_or(String::new(), |row| {
        format!(
            " With this many measures some fall outside by chance even for a perfect model: holding out each simulated replication against the others, the model itself puts {} outside on average ({} in 95% of replications); {} outside here is {}.",
            readable(&text(row, "simulated_mean")),
            interval(&text(row, "simulated_p025"), &text(row, "simulated_p975")),
            outside,
            if text(row, "verdict") == "above" { "more than chance explains" } else { "no more than chance explains" }
        )
    });
    let _ = writeln!(
        body,
        "<h2>Check against the log</h2><p class=\"story\">{} of {} measures of the log lie inside the range the fitted scenario gives one log (2.5% to 97.5% over replications).{chance} <code>handoffs_mean</code> counts changes between the model's departments, where the smaller teams are one department; <code>handoffs_mean_raw</code> counts every change of team in the log, so it is at least as large, and the model, knowing departments only, cannot simulate it (observed only).</p>",
        compared - outside,
        compared
    );
    let _ = writeln!(
        body,
        "<table><tr><th>measure</th><th>observed</th><th>simulated mean</th><th>2.5%</th><th>97.5%</th><th>verdict</th><th>note</th></tr>"
    );
    let mut charted = Vec::new();
    for row in &measures {
        let measure = text(row, "measure");
        let show = |c: &str| shown(&measure, &text(row, c), unit);
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&measure),
            escape(&show("observed")),
            escape(&show("simulated_mean")),
            escape(&show("simulated_p025")),
            escape(&show("simulated_p975")),
            escape(&text(row, "verdict")),
            escape(&text(row, "note"))
        );
        let value = |c: &str| text(row, c).parse::<f64>().ok();
        if let (Some(observed), Some(low), Some(high)) =
            (value("observed"), value("simulated_p025"), value("simulated_p975"))
        {
            charted.push(CheckedMeasure { name: measure.clone(), observed, low, high });
        }
    }
    let _ = writeln!(body, "</table>");
    (!charted.is_empty()).then(|| CheckChart::new(charted))
}

/// "a – b" from two CSV fields.
fn interval(low: &str, high: &str) -> String {
    match (low.parse::<f64>(), high.parse::<f64>()) {
        (Ok(low), Ok(high)) => crate::readable::interval(low, high),
        _ => String::new(),
    }
}

/// A value of the check as a person reads it: times as durations, shares
/// as percentages, `inf` as unresolved.
fn shown(measure: &str, value: &str, unit: &str) -> String {
    if value == "inf" {
        return "unresolved".into();
    }
    let Ok(number) = value.parse::<f64>() else { return value.to_string() };
    if measure.starts_with("resolution_") || measure.starts_with("time_at_team_mean.") {
        duration(number, unit)
    } else if measure.ends_with("_share") {
        percent(number)
    } else {
        crate::readable::number(number)
    }
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
