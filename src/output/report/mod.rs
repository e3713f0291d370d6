//! Reports: charts under `plots/` (SVG and PNG) and one self-contained
//! `report.html` (SVGs inlined, no external requests), drawn only from the
//! CSV files and `scenario.toml` in an output folder, so `orgsim report DIR`
//! can rebuild them from an earlier run. The report of a run is in [`run`],
//! those of experiments in [`experiments`]; this module holds what both
//! share: errors, the CSV reader, the page and its figures.

mod chain;
mod day;
mod experiments;
mod fit;
mod glossary;
mod headlines;
mod key_tables;
mod robust;
mod run;
mod story;
mod sweep_charts;
mod trust;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub use experiments::{impact_chart, write_experiment_report};
pub use fit::write_fit_report;
pub use robust::write_robust_report;
pub use run::{Figure, RunData, load_run, run_pictures, run_report, write_run_report};
pub use sweep_charts::sweep_charts;

use super::plots::Picture;

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
        "{} is not an orgsim output folder: it has no summary.csv (from `orgsim run`), sweep.csv, compare.csv, impact.csv, optimize.csv, staffing.csv, fit.csv or robust.csv",
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
            "staffing" => &["department", "interval_start", "required_staff", "naive_staff", "scheduled_staff"],
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

pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A whole HTML page around `body`, the glossary at its end.
fn page(title: &str, body: &str) -> String {
    let title = escape(title);
    let glossary = glossary::glossary_html();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n{body}{glossary}</body></html>\n"
    )
}

/// The charts, each inlined with its sentence.
/// One chart as a figure with its sentence.
fn figure(picture: &Picture, sentence: &str) -> String {
    format!(
        "<figure id=\"chart-{}\">{}<figcaption><strong>How to read this:</strong> {}</figcaption></figure>\n",
        picture.name,
        picture.svg.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").trim(),
        escape(sentence)
    )
}

fn figures(pictures: &[(Picture, String)]) -> String {
    let mut html = String::new();
    if !pictures.is_empty() {
        let _ = writeln!(html, "<h2>Charts</h2>");
    }
    for (picture, sentence) in pictures {
        html.push_str(&figure(picture, sentence));
    }
    html
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}\
.story{font-size:1.1em;color:#333}table{border-collapse:collapse;margin:1em 0}\
td,th{border:1px solid #bbb;padding:.3em .8em;text-align:right}td:first-child,th:first-child{text-align:left}\
figure{margin:1.5em 0;page-break-inside:avoid}figure svg{display:block;width:100%;height:auto;border:1px solid #ddd}\
figcaption{margin-top:.4em;color:#333}dl.glossary dt{font-weight:bold;float:left;clear:left;margin-right:.5em}dl.glossary dd{margin:0 0 .3em 0}code{background:#f3f3f3;padding:0 .3em}\
@media print{body{max-width:none;margin:0}figure{break-inside:avoid}}";

fn write_pictures_and_page(folder: &Path, pictures: &[(Picture, String)], html: String) -> Result<(), ReportError> {
    write_pictures_and_named_page(folder, pictures, "report.html", html)
}

fn write_pictures_and_named_page(
    folder: &Path,
    pictures: &[(Picture, String)],
    page_name: &str,
    html: String,
) -> Result<(), ReportError> {
    if !pictures.is_empty() {
        let mut files = Vec::new();
        for (picture, _) in pictures {
            files.push((format!("{}.svg", picture.name), picture.svg.clone().into_bytes()));
            files.push((format!("{}.png", picture.name), picture.png.clone()));
        }
        super::write_files(&folder.join("plots"), &files)?;
    }
    super::files::remove_stale_charts(folder, &pictures.iter().map(|(p, _)| p.name.as_str()).collect::<Vec<_>>());
    super::write_files(folder, &[(page_name.to_string(), html.into_bytes())])?;
    Ok(())
}

/// Rebuilds the report of whatever ran in `folder`: a run, or an experiment
/// (recognized by its `sweep.csv`, `compare.csv`, `impact.csv`,
/// `optimize.csv` or `staffing.csv`), or a fit (`fit.csv`: `fit.html`).
pub fn write_report(folder: &Path, with_plots: bool) -> Result<(), ReportError> {
    if folder.join("summary.csv").exists() {
        return write_run_report(folder, with_plots);
    }
    if folder.join("fit.csv").exists() {
        return write_fit_report(folder);
    }
    if folder.join("robust.csv").exists() {
        return write_robust_report(folder, with_plots);
    }
    for kind in ["sweep", "compare", "impact", "optimize", "staffing"] {
        if folder.join(format!("{kind}.csv")).exists() {
            return write_experiment_report(folder, kind, with_plots);
        }
    }
    Err(ReportError::NotAnOutputFolder { folder: folder.to_path_buf() })
}

fn number_of(table: &Table, row: &HashMap<String, String>, column: &str) -> Result<f64, ReportError> {
    Ok(table.number(row, column)?.unwrap_or(f64::NAN))
}
