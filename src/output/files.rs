//! Writing result files: the one place orgsim writes to the filesystem.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::streams::{TimeseriesPart, join_timeseries, remove_parts};

/// A result file could not be written. Fatal for the command; the message
/// names the path.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}", path.display())]
pub struct OutputError {
    /// The file or folder.
    pub path: PathBuf,
    /// What the operating system said.
    #[source]
    pub source: std::io::Error,
}

/// Turns an I/O error at `path` into an [`OutputError`].
pub(crate) fn failed_at(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError { path: path.to_path_buf(), source }
}

/// Writes each `(name, bytes)` into `folder` (created if missing), each file
/// through a temporary name and a rename. On failure, removes the
/// temporary file, and the folder too if this call created it and it is empty.
pub fn write_files(folder: &Path, files: &[(String, Vec<u8>)]) -> Result<(), OutputError> {
    let created = make_folder(folder)?;
    let result = files.iter().try_for_each(|(name, bytes)| write_one(folder, name, bytes));
    if result.is_err() && created {
        let _ = fs::remove_dir(folder);
    }
    result
}

fn write_one(folder: &Path, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
    let target = folder.join(name);
    // An input holding these very bytes stays as it is; one that would
    // change is refused.
    if super::guard::check_write(&target, Some(bytes)).map_err(failed_at(&target))? {
        return Ok(());
    }
    let temporary = folder.join(format!(".{name}.tmp-{}", std::process::id()));
    super::guard::wrote(&temporary);
    super::guard::wrote(&target);
    let written = fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, &target));
    written.map_err(|source| {
        let _ = fs::remove_file(&temporary);
        OutputError { path: target, source }
    })
}

/// Creates the output folder if needed; `true` when this call created it.
pub fn prepare_folder(folder: &Path) -> Result<bool, OutputError> {
    make_folder(folder)
}

/// Creates `folder` and any missing parents, noting each one created in
/// the guard's ledger; `true` when `folder` itself was created.
fn make_folder(folder: &Path) -> Result<bool, OutputError> {
    let missing: Vec<&Path> = folder.ancestors().take_while(|a| !a.as_os_str().is_empty() && !a.exists()).collect();
    fs::create_dir_all(folder).map_err(failed_at(folder))?;
    for created in missing.iter().rev() {
        super::guard::made_folder(created);
    }
    Ok(!missing.is_empty())
}

/// Gives up a run's output: removes its time-series parts, and the folder
/// if `created` and left empty.
pub fn abandon_run(folder: &Path, created: bool, parts: Vec<TimeseriesPart>) {
    let paths: Vec<PathBuf> = parts.iter().map(|part| part.path().to_path_buf()).collect();
    drop(parts);
    remove_parts(&paths);
    if created {
        let _ = fs::remove_dir(folder);
    }
}

/// Finishes a run's output: the result files, then the time series joined
/// from its parts. On failure removes the parts, and the folder if `created`
/// and left empty.
pub fn finish_run(
    folder: &Path,
    created: bool,
    files: &[(String, Vec<u8>)],
    parts: Vec<TimeseriesPart>,
    social: bool,
) -> Result<(), OutputError> {
    let mut paths = Vec::with_capacity(parts.len());
    let mut failure = None;
    for part in parts {
        match part.finish() {
            Ok(path) => paths.push(path),
            Err(error) => {
                failure.get_or_insert(error);
            }
        }
    }
    let result = match failure {
        Some(error) => Err(error),
        None => write_files(folder, files).and_then(|()| join_timeseries(folder, &paths, social)),
    };
    if result.is_ok() {
        for stale in super::RUN_FILES_NOT_ALWAYS_WRITTEN {
            if !files.iter().any(|(name, _)| name == stale) {
                let _ = fs::remove_file(folder.join(stale));
            }
        }
    }
    if result.is_err() {
        remove_parts(&paths);
        if created {
            let _ = fs::remove_dir(folder);
        }
    }
    result
}

/// Removes the charts (`plots/*.svg`, `plots/*.png`) an earlier command
/// left in `folder` that are not among `kept` (names without extension),
/// so that a reused folder never shows another scenario's charts; then
/// `plots/` itself when it is left empty.
pub fn remove_stale_charts(folder: &Path, kept: &[&str]) {
    let plots = folder.join("plots");
    let Ok(entries) = fs::read_dir(&plots) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let chart = matches!(path.extension().and_then(|e| e.to_str()), Some("svg" | "png"));
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if chart && !kept.contains(&stem) && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(&path);
        }
    }
    let _ = fs::remove_dir(&plots);
}
