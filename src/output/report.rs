//! The report of a run: charts under `plots/` (SVG and PNG) and one
//! self-contained `report.html` (SVGs inlined, no external requests), drawn
//! only from the CSV files and `scenario.toml` in the output folder, so
//! `orgsim report DIR` can rebuild them from an earlier run.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::plots::charts::{Band, Bins, FlowChart, FlowLink, FlowNode, TimeChart, WaitsChart};
use super::plots::{Picture, render};
use super::table::readable;
use crate::experiment::statistics::student_t_critical;
use crate::scenario::{BehaviorFile, ScenarioFile};

/// Why a report could not be built. Fatal for the command; the message names
/// the file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file is missing or unreadable.
    #[error("cannot read {}: {source}; is this the output folder of `orgsim run`?", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file does not have the expected content.
    #[error("{}: {message}", path.display())]
    Content {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A chart could not be drawn.
    #[error("cannot draw the {chart} chart: {message}")]
    Draw {
        /// Which chart.
        chart: String,
        /// What went wrong.
        message: String,
    },
    /// The report could not be written.
    #[error(transparent)]
    Write(#[from] super::OutputError),
}

/// A CSV file as rows of named fields.
struct Table {
    path: PathBuf,
    rows: Vec<HashMap<String, String>>,
}

impl Table {
    fn read(folder: &Path, name: &str) -> Result<Table, ReportError> {
        let path = folder.join(name);
        let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Read { path: path.clone(), source })?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers =
            reader.headers().map_err(|e| ReportError::Content { path: path.clone(), message: e.to_string() })?.clone();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| ReportError::Content { path: path.clone(), message: e.to_string() })?;
            rows.push(headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect());
        }
        Ok(Table { path, rows })
    }

    fn number(&self, row: &HashMap<String, String>, column: &str) -> Result<Option<f64>, ReportError> {
        match row.get(column).map(String::as_str) {
            None => Err(ReportError::Content { path: self.path.clone(), message: format!("no column `{column}`") }),
            Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| ReportError::Content {
                path: self.path.clone(),
                message: format!("`{column}` is not a number: {text:?}"),
            }),
        }
    }
}

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
    flow: FlowChart,
    waits: WaitsChart,
    timeseries: Option<(Vec<Band>, Vec<Band>)>,
    replications: usize,
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

    let departments = Table::read(folder, "departments.csv")?;
    let names: Vec<String> = scenario.departments.iter().map(|d| d.name.clone()).collect();
    let mut nodes: Vec<FlowNode> = scenario
        .departments
        .iter()
        .map(|d| FlowNode {
            name: d.name.clone(),
            staff: d.staff,
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
        });
    }
    let flow =
        FlowChart { scenario: scenario.name.clone(), nodes, links, arrivals: find("ext_arrivals").unwrap_or(0.0) };

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
    let waits =
        WaitsChart { time_unit: scenario.time_unit.clone(), wait, resolution, abandon_rate: find("ext_abandon_rate") };

    let timeseries =
        if folder.join("timeseries.csv").exists() { Some(load_timeseries(folder, &names, social)?) } else { None };
    Ok(RunData { scenario, summary, flow, waits, timeseries, replications })
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
            let chart = TimeChart {
                name: "morale".into(),
                title: "Morale over time, by department".into(),
                y_label: "morale (0–1)".into(),
                x_label: format!("time ({unit}s)"),
                y_range: (0.0, 1.0),
                series: morale.clone(),
                legend: plotters::chart::SeriesLabelPosition::LowerRight,
            };
            pictures.push((
                draw(&|| render(&chart), "morale")?,
                format!(
                    "Morale of each department over time: the mean across {} replications, with its 95% interval as a band. Contagion shows as departments that work together moving together.",
                    data.replications
                ),
            ));
        }
        let top = queues.iter().flat_map(|b| b.points.iter().map(|p| p.3)).fold(0.0, f64::max).max(1.0) * 1.05;
        let chart = TimeChart {
            name: "queues".into(),
            title: "Work waiting in each department's queue over time".into(),
            y_label: "pieces of work waiting".into(),
            x_label: format!("time ({unit}s)"),
            y_range: (0.0, top),
            series: queues.clone(),
            legend: plotters::chart::SeriesLabelPosition::UpperLeft,
        };
        pictures.push((
            draw(&|| render(&chart), "queues")?,
            "Queue length of each department over time (mean across replications, 95% band): where work piles up, and whether the warm-up covers the start-up.".to_string(),
        ));
    }
    pictures.push((
        draw(&|| render(&data.waits), "waits")?,
        "How long external customers wait before service starts (left, abandoners' waits included; the share who gave up is marked) and how long until their case is resolved, internal requests included (right).".to_string(),
    ));
    Ok(pictures)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Every social parameter that differs from orgsim's defaults.
fn assumptions(scenario: &ScenarioFile) -> Vec<String> {
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
                ("skill", department.skill, 0.8),
                ("morale", department.morale, 0.7),
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

const KEY_FIGURES: [(&str, &str, bool); 14] = [
    ("Customers arriving", "ext_arrivals", false),
    ("Abandoned before service", "ext_abandon_rate", true),
    ("Mean wait before service", "ext_wait_mean", false),
    ("Mean resolution time", "ext_resolution_mean", false),
    ("Came back (rework)", "ext_rework_rate", true),
    ("Customer satisfaction (0–1)", "ext_satisfaction_mean", false),
    ("Expected to leave (churn)", "ext_churn_rate", true),
    ("Revenue at risk", "revenue_at_risk", false),
    ("Internal requests", "int_requests", false),
    ("Internal reply delay", "int_delay_mean", false),
    ("Internal satisfaction (0–1)", "int_satisfaction_mean", false),
    ("Morale (0–1)", "morale_mean", false),
    ("Quality of answers (0–1)", "quality_mean", false),
    ("Staff cost", "staff_cost", false),
];

/// The self-contained HTML report of a run.
pub fn run_report(data: &RunData, pictures: &[(Picture, String)]) -> String {
    let scenario = &data.scenario;
    let mut html = String::new();
    let title = format!("orgsim report: {}", escape(&scenario.name));
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>{}</style></head><body>\n",
        STYLE
    );
    let _ = writeln!(html, "<h1>{title}</h1>");
    if !scenario.description.is_empty() {
        let _ = writeln!(html, "<p class=\"story\">{}</p>", escape(&scenario.description));
    }
    let _ = writeln!(
        html,
        "<p>{} replications of {} {}s each, after a warm-up of {}; every figure is a mean over replications with its 95% confidence interval.</p>",
        data.replications,
        scenario.horizon - scenario.warmup,
        escape(&scenario.time_unit),
        scenario.warmup
    );
    let _ = writeln!(
        html,
        "<h2>Key figures</h2>\n<table><thead><tr><th>figure</th><th>mean</th><th>95% interval</th></tr></thead><tbody>"
    );
    for (label, metric, percent) in KEY_FIGURES {
        let Some(figure) = data.figure(metric) else {
            continue;
        };
        let show = |v: Option<f64>| match v {
            Some(v) if percent => format!("{:.2}%", v * 100.0),
            Some(v) => readable(v),
            None => "–".into(),
        };
        let interval = match (figure.low, figure.high) {
            (Some(_), Some(_)) => format!("{} – {}", show(figure.low), show(figure.high)),
            _ => "–".into(),
        };
        let _ = writeln!(html, "<tr><td>{label}</td><td>{}</td><td>{interval}</td></tr>", show(figure.mean));
    }
    let _ = writeln!(html, "</tbody></table>");
    if !pictures.is_empty() {
        let _ = writeln!(html, "<h2>Charts</h2>");
    }
    for (picture, sentence) in pictures {
        let _ = writeln!(
            html,
            "<figure id=\"chart-{}\">{}<figcaption>{}</figcaption></figure>",
            picture.name,
            picture.svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").trim(),
            escape(sentence)
        );
    }
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
    let _ = writeln!(html, "</body></html>");
    html
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}\
.story{font-size:1.1em;color:#333}table{border-collapse:collapse;margin:1em 0}\
td,th{border:1px solid #bbb;padding:.3em .8em;text-align:right}td:first-child,th:first-child{text-align:left}\
figure{margin:1.5em 0;page-break-inside:avoid}figure svg{display:block;width:100%;height:auto;border:1px solid #ddd}\
figcaption{margin-top:.4em;color:#333}code{background:#f3f3f3;padding:0 .3em}\
@media print{body{max-width:none;margin:0}figure{break-inside:avoid}}";

/// Builds `plots/` (unless `with_plots` is false) and `report.html` in a
/// run's output folder from its files.
pub fn write_run_report(folder: &Path, with_plots: bool) -> Result<(), ReportError> {
    let data = load_run(folder)?;
    let pictures = if with_plots { run_pictures(&data)? } else { Vec::new() };
    if with_plots {
        let mut files = Vec::new();
        for (picture, _) in &pictures {
            files.push((format!("{}.svg", picture.name), picture.svg.clone().into_bytes()));
            files.push((format!("{}.png", picture.name), picture.png.clone()));
        }
        super::write_files(&folder.join("plots"), &files)?;
    }
    super::write_files(folder, &[("report.html".to_string(), run_report(&data, &pictures).into_bytes())])?;
    Ok(())
}
