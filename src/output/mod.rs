//! Results → bytes and files. Builders turn results into CSV bytes or text
//! ([`csv_files`], [`table`]); [`files`] is the only place that touches the
//! filesystem, and writes every file atomically (a temporary name in the same
//! folder, then a rename), so a reader never sees half a file.

pub mod chain;
pub mod csv_files;
pub mod events;
pub mod experiments;
pub mod files;
pub mod fit;
pub mod format;
pub mod guard;
pub mod journal;
pub mod plots;
pub mod report;
pub mod robust;
pub mod sensitivity;
pub mod shards;
pub mod staffing;
pub mod story;
pub mod streams;
pub mod table;
pub mod target;
pub mod trust;

pub use files::{OutputError, write_files};

use crate::experiment::RunResults;

/// Every file `orgsim run` writes, as (file name, contents). Without a
/// whole period between the warm-up and the horizon there are no figures
/// by slot, and no `intervals.csv` (that would read as a result).
pub fn run_files(results: &RunResults) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        ("summary.csv".to_string(), csv_files::summary(&results.summary)),
        ("departments.csv".to_string(), csv_files::departments(results)),
        ("replications.csv".to_string(), csv_files::replications(results)),
        ("links.csv".to_string(), csv_files::links(results)),
        ("waits.csv".to_string(), csv_files::waits(results)),
        ("intervals.csv".to_string(), csv_files::intervals(results)),
        ("diagnostics.csv".to_string(), trust::diagnostics(&results.diagnostics)),
        ("regimes.csv".to_string(), trust::regimes(results)),
        ("scenario.toml".to_string(), results.scenario.to_toml().into_bytes()),
    ];
    if results.scenario.whole_periods_counted() == Some(0.0) {
        files.retain(|(name, _)| name != "intervals.csv");
    }
    files
}

/// Every file `orgsim run` may write in its folder but `scenario.toml`
/// and a story's `baseline.toml`.
pub const RUN_FOLDER_FILES: [&str; 11] = [
    "summary.csv",
    "departments.csv",
    "replications.csv",
    "links.csv",
    "waits.csv",
    "intervals.csv",
    "diagnostics.csv",
    "regimes.csv",
    "story.csv",
    "timeseries.csv",
    "report.html",
];

/// Files an earlier run may have left in a folder that this run does not
/// write: removed, so the report never draws them as this run's.
pub const RUN_FILES_NOT_ALWAYS_WRITTEN: [&str; 3] = ["intervals.csv", "story.csv", "baseline.toml"];
