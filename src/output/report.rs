//! The report of a run: charts under `plots/` (SVG and PNG) and one
//! self-contained `report.html` (SVGs inlined, no external requests), drawn
//! only from the CSV files and `scenario.toml` in the output folder, so
//! `orgsim report DIR` can rebuild them from an earlier run.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::plots::charts::{Band, BandChart, Bins, FlowChart, FlowLink, FlowNode, WaitsChart};
use super::plots::{Picture, render};
use super::table::readable;
use crate::experiment::metrics::chart_metrics;
use crate::experiment::statistics::student_t_critical;
use crate::scenario::{BehaviorFile, ScenarioFile};

/// Why a report could not be built. Fatal for the command; the message names
/// the file.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file is missing or unreadable.
    #[error("cannot read {} (is this an output folder of orgsim?)", path.display())]
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
    /// The folder holds no results orgsim knows.
    #[error(
        "{} is not an orgsim output folder: it has no summary.csv (from `orgsim run`), sweep.csv, compare.csv, impact.csv or optimize.csv",
        folder.display()
    )]
    NotAnOutputFolder {
        /// The folder.
        folder: PathBuf,
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

    /// Reads `<kind>.csv` of an experiment and checks that it has every
    /// column the report reads as text (numbers are checked as they are read).
    fn read_experiment(folder: &Path, kind: &str) -> Result<Table, ReportError> {
        let required: &[&str] = match kind {
            "compare" => &["variant", "metric", "significant"],
            "impact" => &["rank", "department", "step"],
            "optimize" => &["targets", "feasible", "recommended"],
            _ => &[],
        };
        let table = Table::read(folder, &format!("{kind}.csv"))?;
        if let Some(first) = table.rows.first()
            && let Some(missing) = required.iter().find(|column| !first.contains_key(**column))
        {
            return Err(ReportError::Content {
                path: table.path.clone(),
                message: format!("no column `{missing}`; is this file from orgsim {kind}?"),
            });
        }
        Ok(table)
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
            let (morale, which) = most_telling(morale, |mean| -mean, "with the lowest morale");
            let chart = BandChart {
                name: "morale".into(),
                title: format!("Morale over time, by department{which}"),
                y_label: "morale (0–1)".into(),
                x_label: format!("time ({unit}s)"),
                y_range: (0.0, 1.0),
                series: morale,
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
        let (queues, which) = most_telling(queues, |mean| mean, "with the longest queues");
        let top = queues.iter().flat_map(|b| b.points.iter().map(|p| p.3)).fold(0.0, f64::max).max(1.0) * 1.05;
        let chart = BandChart {
            name: "queues".into(),
            title: format!("Work waiting in each department's queue over time{which}"),
            y_label: "pieces of work waiting".into(),
            x_label: format!("time ({unit}s)"),
            y_range: (0.0, top),
            series: queues,
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
        scenario.horizon - scenario.warmup,
        escape(&scenario.time_unit),
        scenario.warmup
    );
    let _ = writeln!(
        html,
        "<h2>Key figures</h2>\n<table><thead><tr><th>figure</th><th>mean</th><th>95% interval</th></tr></thead><tbody>"
    );
    for key in crate::experiment::metrics::KEY_METRICS {
        let (label, percent) = (key.label, key.percent);
        let Some(figure) = data.figure(key.name) else {
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

/// A whole HTML page around `body`.
fn page(title: &str, body: &str) -> String {
    let title = escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n{body}</body></html>\n"
    )
}

/// The charts, each inlined with its sentence.
fn figures(pictures: &[(Picture, String)]) -> String {
    let mut html = String::new();
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
    write_pictures_and_page(folder, &pictures, run_report(&data, &pictures))
}

fn write_pictures_and_page(folder: &Path, pictures: &[(Picture, String)], html: String) -> Result<(), ReportError> {
    if !pictures.is_empty() {
        let mut files = Vec::new();
        for (picture, _) in pictures {
            files.push((format!("{}.svg", picture.name), picture.svg.clone().into_bytes()));
            files.push((format!("{}.png", picture.name), picture.png.clone()));
        }
        super::write_files(&folder.join("plots"), &files)?;
    }
    super::write_files(folder, &[("report.html".to_string(), html.into_bytes())])?;
    Ok(())
}

/// Rebuilds the report of whatever ran in `folder`: a run, or an experiment
/// (recognized by its `sweep.csv`, `compare.csv`, `impact.csv` or
/// `optimize.csv`).
pub fn write_report(folder: &Path, with_plots: bool) -> Result<(), ReportError> {
    if folder.join("summary.csv").exists() {
        return write_run_report(folder, with_plots);
    }
    for kind in ["sweep", "compare", "impact", "optimize"] {
        if folder.join(format!("{kind}.csv")).exists() {
            return write_experiment_report(folder, kind, with_plots);
        }
    }
    Err(ReportError::NotAnOutputFolder { folder: folder.to_path_buf() })
}

fn number_of(table: &Table, row: &HashMap<String, String>, column: &str) -> Result<f64, ReportError> {
    Ok(table.number(row, column)?.unwrap_or(f64::NAN))
}

/// The charts of an experiment, from its CSV file.
fn experiment_pictures(
    folder: &Path,
    kind: &str,
    scenario: &ScenarioFile,
) -> Result<Vec<(Picture, String)>, ReportError> {
    use super::plots::experiment_charts::{IntervalChart, StaffingChart};
    let table = Table::read_experiment(folder, kind)?;
    let draw = |picture: Result<Picture, String>, name: &str| {
        picture.map_err(|message| ReportError::Draw { chart: name.to_string(), message })
    };
    let mut pictures = Vec::new();
    match kind {
        "sweep" => {
            let charts = sweep_charts(folder, scenario.behavior.enabled)?;
            for (chart, sentence) in charts {
                pictures.push((draw(render(&chart), &chart.name)?, sentence));
            }
        }
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
                    format!("{}: {metric}", row["variant"]),
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
            };
            pictures.push((
                draw(render(&chart), "compare")?,
                "Paired differences, variant minus base, as a share of the base's mean: a bar whose whisker does not cross the zero line is a significant change.".to_string(),
            ));
        }
        "impact" => {
            let chart = impact_chart(folder)?;
            let metric = chart.name.clone();
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
                let mut candidates = Vec::new();
                for row in &table.rows {
                    candidates.push((
                        number_of(&table, row, "staff_cost")?,
                        number_of(&table, row, &format!("{metric}_mean"))?,
                        number_of(&table, row, &format!("{metric}_ci_low"))?,
                        number_of(&table, row, &format!("{metric}_ci_high"))?,
                        row["feasible"] == "true",
                        row["recommended"] == "true",
                    ));
                }
                let at_most = target[at..].starts_with('<');
                let chart = StaffingChart { metric: metric.clone(), target: value, at_most, candidates };
                let mut picture = draw(render(&chart), "staffing")?;
                picture.name = format!("staffing-{metric}");
                pictures.push((
                    picture,
                    format!("Every staffing the search evaluated: its cost against {metric}, with the target line and the cost–service frontier (no cheaper staffing does better); filled dots meet every target at the unfavourable end of their interval, and the ring marks the cheapest of them."),
                ));
            }
        }
        _ => {}
    }
    Ok(pictures)
}

/// The figures a reader wants in numbers: each variant's key changes for
/// `compare`, the ranking for `impact`, the recommendation for `optimize`.
fn key_table(folder: &Path, kind: &str, social: bool) -> Result<String, ReportError> {
    let table = Table::read_experiment(folder, kind)?;
    let cell = |row: &HashMap<String, String>, column: &str| -> Result<String, ReportError> {
        Ok(table.number(row, column)?.map_or("–".to_string(), readable))
    };
    let mut html = String::new();
    match kind {
        "compare" => {
            let _ = writeln!(
                html,
                "<h2>Key figures</h2><table><thead><tr><th>variant</th><th>metric</th><th>base</th><th>variant</th><th>change (95% CI)</th></tr></thead><tbody>"
            );
            for row in table.rows.iter().filter(|r| chart_metrics(social).contains(&r["metric"].as_str())) {
                let mark = if row["significant"] == "true" { " *" } else { "" };
                let _ = writeln!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({} – {}){mark}</td></tr>",
                    escape(&row["variant"]),
                    escape(&row["metric"]),
                    cell(row, "base_mean")?,
                    cell(row, "variant_mean")?,
                    cell(row, "difference")?,
                    cell(row, "ci_low")?,
                    cell(row, "ci_high")?
                );
            }
            let _ = writeln!(html, "</tbody></table><p>* the change is significant: its interval excludes 0.</p>");
        }
        "impact" => {
            let by = table
                .rows
                .first()
                .and_then(|r| r.keys().find(|k| k.starts_with("gain_in_")).cloned())
                .unwrap_or_default();
            let _ = writeln!(
                html,
                "<h2>Ranking</h2><table><thead><tr><th>rank</th><th>department</th><th>step</th><th>{} (family-wise 95% CI)</th></tr></thead><tbody>",
                escape(&by.replace('_', " "))
            );
            for row in &table.rows {
                let _ = writeln!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} ({} – {})</td></tr>",
                    escape(&row["rank"]),
                    escape(&row["department"]),
                    escape(&row["step"]),
                    cell(row, &by)?,
                    cell(row, "gain_ci_low")?,
                    cell(row, "gain_ci_high")?
                );
            }
            let _ = writeln!(html, "</tbody></table>");
        }
        "optimize" => {
            if let Some(best) = table.rows.iter().find(|r| r["recommended"] == "true") {
                let _ = writeln!(html, "<h2>Recommendation</h2><table><tbody>");
                let mut staff: Vec<(&String, &String)> = best.iter().filter(|(k, _)| k.starts_with("staff.")).collect();
                let text = std::fs::read_to_string(folder.join("optimize.csv")).unwrap_or_default();
                let order: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
                staff.sort_by_key(|(k, _)| order.iter().position(|o| o == k));
                for (key, value) in staff {
                    let _ = writeln!(
                        html,
                        "<tr><td>{}</td><td>{}</td></tr>",
                        escape(key.trim_start_matches("staff.")),
                        escape(value)
                    );
                }
                let _ = writeln!(html, "<tr><td>staff cost</td><td>{}</td></tr>", cell(best, "staff_cost")?);
                let verdict = if best["feasible"] == "true" {
                    "meets every target"
                } else {
                    "closest to the targets; none met them all"
                };
                let _ = writeln!(
                    html,
                    "</tbody></table><p>Targets {}: this staffing {verdict}.</p>",
                    escape(&best["targets"])
                );
            }
        }
        _ => {}
    }
    Ok(html)
}

/// Builds `plots/` and `report.html` for an experiment's output folder.
pub fn write_experiment_report(folder: &Path, kind: &str, with_plots: bool) -> Result<(), ReportError> {
    let scenario_path = folder.join("scenario.toml");
    let text = std::fs::read_to_string(&scenario_path)
        .map_err(|source| ReportError::Read { path: scenario_path.clone(), source })?;
    let scenario: ScenarioFile = toml::from_str(&text)
        .map_err(|e| ReportError::Content { path: scenario_path.clone(), message: e.message().trim().to_string() })?;
    let pictures = if with_plots { experiment_pictures(folder, kind, &scenario)? } else { Vec::new() };
    let what = match kind {
        "sweep" => "a parameter sweep: every point of the [sweep] table, each with the same customers",
        "compare" => "a paired comparison: variants against the base, each with the same customers",
        "impact" => "impact attribution: each internal team improved one step at a time, paired against the baseline",
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
    body.push_str(&key_table(folder, kind, scenario.behavior.enabled)?);
    body.push_str(&figures(&pictures));
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

/// The sweep charts of a sweep's output folder: one per key metric, the
/// first swept parameter on x, one line per value of the others; each with
/// its sentence. Empty when the first parameter is not numeric.
pub fn sweep_charts(folder: &Path, social: bool) -> Result<Vec<(BandChart, String)>, ReportError> {
    let table = Table::read(folder, "sweep.csv")?;
    let text = std::fs::read_to_string(folder.join("sweep.csv"))
        .map_err(|source| ReportError::Read { path: folder.join("sweep.csv"), source })?;
    let params: Vec<String> =
        text.lines().next().unwrap_or("").split(',').filter(|h| h.starts_with("param.")).map(String::from).collect();
    let mut charts = Vec::new();
    let Some(x_param) = params.first() else {
        return Ok(charts);
    };
    for metric in chart_metrics(social) {
        let mut series: Vec<Band> = Vec::new();
        for row in &table.rows {
            let Ok(x) = row[x_param].parse::<f64>() else {
                return Ok(Vec::new());
            };
            let label = if params.len() > 1 {
                params[1..]
                    .iter()
                    .map(|p| format!("{} = {}", p.trim_start_matches("param."), row[p]))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                metric.to_string()
            };
            let point = (
                x,
                number_of(&table, row, &format!("{metric}_mean"))?,
                number_of(&table, row, &format!("{metric}_ci_low"))?,
                number_of(&table, row, &format!("{metric}_ci_high"))?,
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
        let x_name = x_param.trim_start_matches("param.");
        let chart = BandChart {
            name: format!("sweep-{metric}"),
            title: format!("{metric} as {x_name} changes"),
            y_label: format!("{metric} (mean, 95% CI)"),
            x_label: x_name.to_string(),
            y_range: (if low >= 0.0 { (low - pad).max(0.0) } else { low - pad }, high + pad),
            series,
            legend: plotters::chart::SeriesLabelPosition::UpperRight,
        };
        let sentence = format!(
            "How {metric} for external customers changes with {x_name}{}: each line is the mean over replications, the band its 95% interval.",
            if params.len() > 1 { ", one line per value of the other swept parameters" } else { "" }
        );
        charts.push((chart, sentence));
    }
    Ok(charts)
}

/// The tornado of an impact folder, rows in `impact.csv`'s ranking; its
/// `name` is the ranking metric.
pub fn impact_chart(folder: &Path) -> Result<super::plots::experiment_charts::IntervalChart, ReportError> {
    let table = Table::read_experiment(folder, "impact")?;
    let by = table
        .rows
        .first()
        .and_then(|r| r.keys().find(|k| k.starts_with("gain_in_")).cloned())
        .unwrap_or_else(|| "gain_in_revenue_at_risk".into());
    let mut rows = Vec::new();
    for row in &table.rows {
        rows.push((
            format!("{} {}", row["department"], row["step"]),
            number_of(&table, row, &by)?,
            number_of(&table, row, "gain_ci_low")?,
            number_of(&table, row, "gain_ci_high")?,
        ));
    }
    let metric = by.trim_start_matches("gain_in_").to_string();
    Ok(super::plots::experiment_charts::IntervalChart {
        title: format!("Which internal team matters most to customers: gain in {metric}"),
        x_label: format!("improvement in {metric} (positive is better; family-wise 95% CI)"),
        name: metric,
        rows,
    })
}
