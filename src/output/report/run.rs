//! The report of `orgsim run`: what it reads from the folder, its charts
//! (flow, queues, morale, waits) and its page.

use std::fmt::Write as _;
use std::path::Path;

use super::super::plots::charts::{Band, BandChart, Bins, FlowChart, FlowLink, FlowNode, WaitsChart};
use super::super::plots::{Picture, render};
use super::{ReportError, Table, escape, figures, page, write_pictures_and_page};
use crate::experiment::statistics::student_t_critical;
use crate::scenario::{BehaviorFile, ScenarioFile};

/// One summary row.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Mean.
    pub mean: Option<f64>,
    /// Interval.
    pub low: Option<f64>,
    /// Interval.
    pub high: Option<f64>,
}

/// Everything a run's report reads.
pub struct RunData {
    /// The resolved scenario.
    pub scenario: ScenarioFile,
    /// `summary.csv`, by metric.
    pub summary: Vec<(String, Figure)>,
    /// The flow chart's data, from `departments.csv` and `links.csv`.
    pub flow: FlowChart,
    /// The waits chart's data, from `waits.csv`.
    pub waits: WaitsChart,
    /// The trust section's data.
    pub trust: super::trust::Trust,
    /// The day charts (runs with a rate profile).
    pub day: Option<(Vec<super::super::plots::day::DayChart>, super::super::plots::day::WaitsBySlot)>,
    timeseries: Option<(Vec<Band>, Vec<Band>)>,
    replications: usize,
    /// The headline's sentences ([`super::headlines`]).
    pub headline: Vec<String>,
    /// The story's expectations judged (`story.csv`; empty without one).
    pub story: Vec<crate::experiment::story::Outcome>,
}

impl RunData {
    fn figure(&self, metric: &str) -> Option<&Figure> {
        self.summary.iter().find(|(name, _)| name == metric).map(|(_, figure)| figure)
    }
}

/// Reads a run's output folder.
pub fn load_run(folder: &Path) -> Result<RunData, ReportError> {
    let scenario_path = folder.join("scenario.toml");
    let text = std::fs::read_to_string(&scenario_path)
        .map_err(|source| ReportError::Read { path: scenario_path.clone(), source })?;
    let scenario: ScenarioFile = toml::from_str(&text)
        .map_err(|e| ReportError::Content { path: scenario_path.clone(), message: e.message().trim().to_string() })?;
    let social = scenario.behavior.enabled;

    let summary_table = Table::read(folder, "summary.csv")?;
    let mut summary = Vec::new();
    let mut replications = 0;
    for row in &summary_table.rows {
        let metric = row.get("metric").cloned().unwrap_or_default();
        replications = replications.max(summary_table.number(row, "replications")?.unwrap_or(0.0) as usize);
        summary.push((
            metric,
            Figure {
                mean: summary_table.number(row, "mean")?,
                low: summary_table.number(row, "ci_low")?,
                high: summary_table.number(row, "ci_high")?,
            },
        ));
    }
    let find = |metric: &str| summary.iter().find(|(m, _)| m == metric).and_then(|(_, f)| f.mean);

    let names: Vec<String> = scenario.departments.iter().map(|d| d.name.clone()).collect();
    let mut flow = load_flow(folder, &scenario, &names, find("ext_arrivals").unwrap_or(0.0))?;
    flow.customers = Some(crate::output::plots::flow::CustomerOutcomes {
        abandoned: find("ext_abandon_rate"),
        churn: find("ext_churn_rate"),
        revenue_at_risk_rate: find("revenue_at_risk_rate"),
        time_unit: scenario.time_unit.clone(),
    });
    let waits = load_waits(folder, &scenario.time_unit, find("ext_abandon_rate"))?;
    let timeseries =
        if folder.join("timeseries.csv").exists() { Some(load_timeseries(folder, &names, social)?) } else { None };
    let trust = super::trust::load_trust(folder, &names, &summary, &scenario.time_unit, scenario.horizon)?;
    let day = super::day::load_day(folder, &scenario)?;
    let headline = super::headlines::run_headline(folder, &scenario)?;
    let story = super::story::load_story(folder)?;
    Ok(RunData { scenario, summary, flow, waits, trust, day, timeseries, replications, headline, story })
}

/// The flow chart's data: each department's utilization and morale
/// (means of `departments.csv` over replications) and each link's volume
/// and satisfaction (`links.csv`).
fn load_flow(
    folder: &Path,
    scenario: &ScenarioFile,
    names: &[String],
    arrivals: f64,
) -> Result<FlowChart, ReportError> {
    let social = scenario.behavior.enabled;
    let departments = Table::read(folder, "departments.csv")?;
    let period = scenario.period();
    let mut nodes: Vec<FlowNode> = scenario
        .departments
        .iter()
        .map(|d| FlowNode {
            name: d.name.clone(),
            staff: d.mean_staff(period),
            front_line: d.front_line,
            morale: None,
            utilization: 0.0,
        })
        .collect();
    let mut counts = vec![0.0; nodes.len()];
    let mut morale_sums = vec![0.0; nodes.len()];
    for row in &departments.rows {
        let Some(index) = row.get("department").and_then(|name| names.iter().position(|n| n == name)) else {
            return Err(ReportError::Content {
                path: departments.path.clone(),
                message: "a department not in scenario.toml".into(),
            });
        };
        counts[index] += 1.0;
        nodes[index].utilization += departments.number(row, "utilization")?.unwrap_or(0.0);
        if social {
            morale_sums[index] += departments.number(row, "morale_mean")?.unwrap_or(0.0);
        }
    }
    for (index, node) in nodes.iter_mut().enumerate() {
        let count: f64 = counts[index];
        node.utilization /= count.max(1.0);
        if social && count > 0.0 {
            node.morale = Some(morale_sums[index] / count);
        }
    }
    let links_table = Table::read(folder, "links.csv")?;
    let mut links = Vec::new();
    for row in &links_table.rows {
        let position = |column: &str| row.get(column).and_then(|name| names.iter().position(|n| n == name));
        let (Some(from), Some(to)) = (position("from"), position("to")) else {
            return Err(ReportError::Content {
                path: links_table.path.clone(),
                message: "a link between unknown departments".into(),
            });
        };
        links.push(FlowLink {
            from,
            to,
            requests: links_table.number(row, "requests_mean")?.unwrap_or(0.0),
            satisfaction: links_table.number(row, "satisfaction_mean")?,
            kind: crate::output::plots::flow::LinkKind::parse(row.get("mode").map_or("", String::as_str)),
        });
    }
    Ok(FlowChart { scenario: scenario.name.clone(), nodes, links, arrivals, from_log: false, customers: None })
}

/// The waits chart's data: the bins of `waits.csv`.
fn load_waits(folder: &Path, time_unit: &str, abandon_rate: Option<f64>) -> Result<WaitsChart, ReportError> {
    let waits_table = Table::read(folder, "waits.csv")?;
    let (mut wait, mut resolution): (Bins, Bins) = (Vec::new(), Vec::new());
    for row in &waits_table.rows {
        let bin = (
            waits_table.number(row, "bin_low")?.unwrap_or(0.0),
            waits_table.number(row, "bin_high")?.unwrap_or(0.0),
            waits_table.number(row, "share")?.unwrap_or(0.0),
        );
        match row.get("measure").map(String::as_str) {
            Some("wait") => wait.push(bin),
            Some("resolution") => resolution.push(bin),
            _ => {
                return Err(ReportError::Content {
                    path: waits_table.path.clone(),
                    message: "measure must be wait or resolution".into(),
                });
            }
        }
    }
    Ok(WaitsChart { time_unit: time_unit.to_string(), wait, resolution, abandon_rate })
}

/// Means across replications, per department and sample time, with a 95%
/// interval: (queue bands, morale bands).
fn load_timeseries(folder: &Path, names: &[String], social: bool) -> Result<(Vec<Band>, Vec<Band>), ReportError> {
    let path = folder.join("timeseries.csv");
    let file = std::fs::File::open(&path).map_err(|source| ReportError::Read { path: path.clone(), source })?;
    let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
    let content = |message: String| ReportError::Content { path: path.clone(), message };
    let headers = reader.headers().map_err(|e| content(e.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(time_at), Some(department_at), Some(queue_at)) = (column("time"), column("department"), column("queue"))
    else {
        return Err(content("expected the columns time, department and queue".into()));
    };
    let morale_at = column("morale");
    // Per department: time → (n, Σ queue, Σ queue², Σ morale, Σ morale²).
    let mut sums: Vec<Vec<(f64, [f64; 5])>> = vec![Vec::new(); names.len()];
    for record in reader.records() {
        let record = record.map_err(|e| content(e.to_string()))?;
        let number = |at: usize| record.get(at).unwrap_or("").parse::<f64>().ok();
        let Some(department) = names.iter().position(|n| Some(n.as_str()) == record.get(department_at)) else {
            return Err(content(format!("unknown department {:?}", record.get(department_at))));
        };
        let (Some(time), Some(queue)) = (number(time_at), number(queue_at)) else {
            return Err(content("time and queue must be numbers".into()));
        };
        let morale = morale_at.and_then(number).unwrap_or(0.0);
        let series = &mut sums[department];
        let slot = match series.iter().position(|(t, _)| *t == time) {
            Some(slot) => slot,
            None => {
                series.push((time, [0.0; 5]));
                series.len() - 1
            }
        };
        let acc = &mut series[slot].1;
        acc[0] += 1.0;
        acc[1] += queue;
        acc[2] += queue * queue;
        acc[3] += morale;
        acc[4] += morale * morale;
    }
    let band = |name: &str, series: &[(f64, [f64; 5])], sum: usize| Band {
        name: name.to_string(),
        points: series
            .iter()
            .map(|(time, acc)| {
                let n = acc[0];
                let mean = acc[sum] / n;
                let half = if n > 1.0 {
                    let variance = ((acc[sum + 1] - n * mean * mean) / (n - 1.0)).max(0.0);
                    student_t_critical(0.95, n as u64 - 1) * (variance / n).sqrt()
                } else {
                    0.0
                };
                (*time, mean, mean - half, mean + half)
            })
            .collect(),
    };
    let queues = names.iter().zip(&sums).map(|(name, series)| band(name, series, 1)).collect();
    let morale =
        if social { names.iter().zip(&sums).map(|(name, series)| band(name, series, 3)).collect() } else { Vec::new() };
    Ok((queues, morale))
}

/// The charts of a run, each with the sentence the report says about it.
pub fn run_pictures(data: &RunData) -> Result<Vec<(Picture, String)>, ReportError> {
    let draw = |chart: &dyn Fn() -> Result<Picture, String>, name: &str| {
        chart().map_err(|message| ReportError::Draw { chart: name.to_string(), message })
    };
    let unit = &data.scenario.time_unit;
    let mut pictures = vec![(
        draw(&|| render(&data.flow), "flow")?,
        if data.scenario.behavior.enabled {
            "The organization as a network: customers enter at the front line; each arrow is a stream of internal requests (wider: more requests; lighter: requesters more satisfied with the replies); each circle a department (larger: more staff; lighter: higher morale).".to_string()
        } else {
            "The organization as a network: customers enter at the front line; each arrow is a stream of internal requests (wider: more requests); each circle a department (larger: more staff; darker: busier).".to_string()
        },
    )];
    if let Some((queues, morale)) = &data.timeseries {
        if !morale.is_empty() {
            let (morale, which) = most_telling(morale, |mean| -mean, "with the lowest morale");
            let chart = BandChart {
                name: "morale".into(),
                title: format!("Morale over time, by department{which}"),
                y_label: "morale (0–1)".into(),
                x_label: format!("time ({unit}s)"),
                y_range: (0.0, 1.0),
                series: morale,
                shaded: shading(&data.scenario),
            };
            pictures.push((
                draw(&|| render(&chart), "morale")?,
                format!(
                    "Morale of each department over time: the mean across {} replications, with its 95% interval as a band. Contagion shows as departments that work together moving together.",
                    data.replications
                ),
            ));
        }
        let (queues, which) = most_telling(queues, |mean| mean, "with the longest queues");
        let top = queues.iter().flat_map(|b| b.points.iter().map(|p| p.3)).fold(0.0, f64::max).max(1.0) * 1.05;
        let chart = BandChart {
            name: "queues".into(),
            title: format!("Work waiting in each department's queue over time{which}"),
            y_label: "pieces of work waiting".into(),
            x_label: format!("time ({unit}s)"),
            y_range: (0.0, top),
            series: queues,
            shaded: shading(&data.scenario),
        };
        pictures.push((
            draw(&|| render(&chart), "queues")?,
            "Queue length of each department over time (mean across replications, 95% band): where work piles up, and whether the warm-up covers the start-up.".to_string(),
        ));
    }
    if let Some((days, heat)) = &data.day {
        for day in days {
            pictures.push((
                draw(&|| render(day), &day.stem)?,
                format!(
                    "{}'s day, slot by slot over the counted periods: the demand as offered load (arrivals × mean service time, in people), the staff scheduled and the staff busy, and on the right axis the share of customers served in time.",
                    day.department
                ),
            ));
        }
        pictures.push((
            draw(&|| render(heat), "waits-by-slot")?,
            "Mean wait in each department's queue, slot by slot: where and when work waits through the period."
                .to_string(),
        ));
    }
    if let Some(regimes) = &data.trust.regimes {
        pictures.push((
            draw(&|| render(regimes), "regimes")?,
            format!(
                "Overload episodes: each row is a replication (the first {} at most), each colour the queue per staff member along time; the bright stretches are crises, the dark ones normal running.",
                super::super::trust::REGIME_REPLICATIONS
            ),
        ));
    }
    pictures.push((
        draw(&|| render(&data.waits), "waits")?,
        "How long external customers wait before service starts (left, abandoners' waits included; the share who gave up is marked) and how long until their case is resolved, internal requests included (right).".to_string(),
    ));
    Ok(pictures)
}

/// The spans a time series shades: the warm-up (not counted) and each
/// surge of demand.
fn shading(scenario: &ScenarioFile) -> Vec<(f64, f64, String)> {
    let mut spans = Vec::new();
    if let Some(warmup) = scenario.warmup.time().filter(|w| *w > 0.0) {
        spans.push((0.0, warmup, "warm-up (not counted)".to_string()));
    }
    for surge in &scenario.customers.surges {
        spans.push((surge.start, surge.end, format!("demand × {}", crate::readable::number(surge.factor))));
    }
    spans
}

/// Most series a time chart shows; a larger organization shows the ones
/// that matter most.
const MOST_SERIES: usize = 12;

/// All bands when there are few; otherwise the [`MOST_SERIES`] with the
/// highest `score` of their overall mean, in their original order, and a
/// title note saying which.
fn most_telling(bands: &[Band], score: impl Fn(f64) -> f64, which: &str) -> (Vec<Band>, String) {
    if bands.len() <= MOST_SERIES {
        return (bands.to_vec(), String::new());
    }
    let mean = |band: &Band| band.points.iter().map(|p| p.1).sum::<f64>() / band.points.len().max(1) as f64;
    let mut ranked: Vec<usize> = (0..bands.len()).collect();
    ranked.sort_by(|&a, &b| score(mean(&bands[b])).total_cmp(&score(mean(&bands[a]))).then(a.cmp(&b)));
    ranked.truncate(MOST_SERIES);
    ranked.sort_unstable();
    (ranked.into_iter().map(|i| bands[i].clone()).collect(), format!(" (the {MOST_SERIES} of {} {which})", bands.len()))
}

/// Every social parameter that differs from orgsim's defaults.
pub(super) fn assumptions(scenario: &ScenarioFile) -> Vec<String> {
    let mut lines = Vec::new();
    if !scenario.behavior.enabled {
        lines.push("The social layer is off: a pure queueing network.".to_string());
    } else {
        let defaults = toml::Value::try_from(BehaviorFile::default()).expect("converts");
        let actual = toml::Value::try_from(&scenario.behavior).expect("converts");
        if let (Some(defaults), Some(actual)) = (defaults.as_table(), actual.as_table()) {
            for (key, value) in actual {
                if defaults.get(key) != Some(value) {
                    lines.push(format!(
                        "behavior.{key} = {value} (default {})",
                        defaults.get(key).map_or("–".into(), |v| v.to_string())
                    ));
                }
            }
        }
        for department in &scenario.departments {
            for (key, value, default) in [
                ("skill", department.skill, crate::scenario::file::default_skill()),
                ("morale", department.morale, crate::scenario::file::default_morale()),
                ("recognition", department.recognition, 0.0),
                ("training", department.training, 0.0),
            ] {
                if value != default {
                    lines.push(format!("{}: {key} = {value} (default {default})", department.name));
                }
            }
            for need in &department.needs {
                for (key, value) in [
                    ("silo_delay", need.silo_delay),
                    ("silo_quality_loss", need.silo_quality_loss),
                    ("collaboration", need.collaboration),
                ] {
                    if value != 0.0 {
                        lines.push(format!("{} → {}: {key} = {value} (default 0)", department.name, need.dept));
                    }
                }
            }
        }
        if let Some(expected) = scenario.customers.expected_resolution {
            lines.push(format!("customers expect resolution within {expected} {}s", scenario.time_unit));
        }
        lines.push(format!("a lost customer is worth {}", scenario.customers.value));
    }
    for need in
        scenario.departments.iter().flat_map(|d| d.needs.iter().map(move |n| (d, n))).filter(|(_, n)| n.priority)
    {
        lines.push(format!("{} has a service agreement with {}: its requests go first", need.0.name, need.1.dept));
    }
    for surge in &scenario.customers.surges {
        lines.push(format!("demand × {} from {} to {}", surge.factor, surge.start, surge.end));
    }
    lines
}

/// The self-contained HTML report of a run.
pub fn run_report(data: &RunData, pictures: &[(Picture, String)]) -> String {
    let scenario = &data.scenario;
    let mut html = String::new();
    if !scenario.description.is_empty() {
        let _ = writeln!(html, "<p class=\"story\">{}</p>", escape(&scenario.description));
    }
    let _ = writeln!(
        html,
        "<p>{} replications of {} {}s each, after a warm-up of {}; every figure is a mean over replications with its 95% confidence interval.</p>",
        data.replications,
        scenario.horizon - scenario.warmup.time().unwrap_or(0.0),
        escape(&scenario.time_unit),
        scenario.warmup
    );
    html.push_str(&super::headlines::headline_html(&data.headline));
    html.push_str(&super::story::story_section(scenario, &data.story));
    html.push_str(&super::trust::trust_section(&data.trust, data.replications));
    let _ = writeln!(
        html,
        "<h2>Key figures</h2>\n<table><thead><tr><th>figure</th><th>mean</th><th>95% interval</th></tr></thead><tbody>"
    );
    let unit = &scenario.time_unit;
    for key in crate::experiment::metrics::KEY_METRICS {
        let Some(figure) = data.figure(key.name) else {
            continue;
        };
        let described = crate::experiment::catalogue::describe(key.name);
        let show = |v: Option<f64>| v.map_or("–".to_string(), |v| described.unit.format(v, unit));
        let interval = match (figure.low, figure.high) {
            (Some(low), Some(high)) => described.unit.format_interval(low, high, unit),
            _ => "–".into(),
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{interval}</td></tr>",
            escape(&described.label),
            show(figure.mean)
        );
    }
    let _ = writeln!(html, "</tbody></table>");
    html.push_str(&figures(pictures));
    let _ = writeln!(html, "<h2>Assumptions</h2><ul>");
    for line in assumptions(scenario) {
        let _ = writeln!(html, "<li>{}</li>", escape(&line));
    }
    let _ = writeln!(html, "</ul><p>Every rule and default is stated, with its source, in orgsim's docs/MODEL.md.</p>");
    let _ = writeln!(
        html,
        "<h2>Reproduce</h2><p>orgsim {version}, seed {seed}, {replications} replications. In this folder, <code>orgsim run scenario.toml --out again</code> repeats the run byte for byte; <code>orgsim report .</code> redraws this report from the CSV files.</p>",
        version = env!("CARGO_PKG_VERSION"),
        seed = scenario.seed,
        replications = scenario.replications
    );
    page(&format!("orgsim report: {}", scenario.name), &html)
}

/// Builds `plots/` (unless `with_plots` is false) and `report.html` in a
/// run's output folder from its files.
pub fn write_run_report(folder: &Path, with_plots: bool) -> Result<(), ReportError> {
    let data = load_run(folder)?;
    let pictures = if with_plots { run_pictures(&data)? } else { Vec::new() };
    write_pictures_and_page(folder, &pictures, run_report(&data, &pictures))
}
