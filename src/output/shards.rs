//! Shard files of a split sweep (or of the worlds of `impact --robust`)
//! and their merge: `shard-K-of-N.csv` (the shard's rows of `sweep.csv`, or
//! of `robust-worlds.csv`), `shard-K-of-N.toml` (its manifest) and the
//! shared `scenario.toml`; merging checks that every shard of the same run
//! is there exactly once and writes the files one machine would have.

use std::path::{Path, PathBuf};

use crate::experiment::shard::Manifest;

use super::files::{OutputError, write_files};

/// Why shards could not be merged. Fatal; the message names the shard.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The shards do not make one complete sweep.
    #[error("{folder}: {message}")]
    Mismatch {
        /// The shard folder.
        folder: String,
        /// What is wrong.
        message: String,
    },
    /// The merged files could not be written.
    #[error(transparent)]
    Write(#[from] OutputError),
}

/// The files of one shard, ready to write into the shard folder.
pub fn shard_files(manifest: &Manifest, rows: Vec<u8>, scenario: String) -> Vec<(String, Vec<u8>)> {
    let stem = format!("shard-{}-of-{}", manifest.shard, manifest.shards);
    vec![
        (format!("{stem}.csv"), rows),
        ("scenario.toml".to_string(), scenario.into_bytes()),
        // The manifest last: its presence says the shard is complete.
        (format!("{stem}.toml"), toml::to_string(manifest).expect("a manifest serializes").into_bytes()),
    ]
}

fn read(path: &Path) -> Result<String, MergeError> {
    std::fs::read_to_string(path).map_err(|source| MergeError::Read { path: path.to_path_buf(), source })
}

/// Checks the shards in `folder` and writes into `out` what one machine
/// would have: `sweep.csv` and `scenario.toml` for a sweep, the files of
/// `impact --robust` for its worlds. Returns the report kind (`sweep`,
/// `robust`).
pub fn merge(folder: &Path, out: &Path) -> Result<&'static str, MergeError> {
    let mismatch = |message: String| MergeError::Mismatch { folder: folder.display().to_string(), message };
    let mut manifests = read_manifests(folder)?;
    let Some((_, first)) = manifests.first() else {
        return Err(mismatch(
            "no shard manifests (shard-K-of-N.toml); run `orgsim sweep --shard K/N --out` into this folder first"
                .into(),
        ));
    };
    let first = first.clone();
    check_one_sweep(&manifests, &first).map_err(mismatch)?;
    check_every_point_once(&manifests, &first).map_err(mismatch)?;
    manifests.sort_by_key(|(_, m)| m.shard);
    let scenario = read(&folder.join("scenario.toml"))?;
    let robust = first.kind.as_deref() == Some("robust");
    // A sweep's rows are checked against its points; the worlds' rows for
    // finite numbers.
    let plan = if robust {
        None
    } else {
        let origin = folder.join("scenario.toml").display().to_string();
        let checked =
            crate::scenario::Scenario::from_toml_str(&scenario, &origin).map_err(|e| mismatch(e.to_string()))?;
        Some(crate::experiment::sweep::plan_sweep(&checked, &origin).map_err(|e| mismatch(e.to_string()))?)
    };
    let check = |line: &str| match &plan {
        Some(plan) => super::experiments::check_sweep_row(line, plan),
        None => finite_row(line),
    };
    let csv = joined_rows(folder, &manifests, &check, !robust)?;
    if robust {
        let files = super::robust::merged_files(&csv, &scenario).map_err(mismatch)?;
        write_files(out, &files)?;
        return Ok("robust");
    }
    write_files(
        out,
        &[("sweep.csv".to_string(), csv.into_bytes()), ("scenario.toml".to_string(), scenario.into_bytes())],
    )?;
    Ok("sweep")
}

/// Every `shard-*.toml` manifest in `folder`, with its file stem.
fn read_manifests(folder: &Path) -> Result<Vec<(String, Manifest)>, MergeError> {
    let entries =
        std::fs::read_dir(folder).map_err(|source| MergeError::Read { path: folder.to_path_buf(), source })?;
    let mut manifests = Vec::new();
    for entry in entries {
        let path = entry.map_err(|source| MergeError::Read { path: folder.to_path_buf(), source })?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        if name.starts_with("shard-") && name.ends_with(".toml") {
            let manifest: Manifest = toml::from_str(&read(&path)?).map_err(|e| MergeError::Mismatch {
                folder: folder.display().to_string(),
                message: format!("{name} is not a shard manifest: {}", e.message().trim()),
            })?;
            manifests.push((name.trim_end_matches(".toml").to_string(), manifest));
        }
    }
    Ok(manifests)
}

/// Every manifest must come from the same sweep, and every shard be there.
fn check_one_sweep(manifests: &[(String, Manifest)], first: &Manifest) -> Result<(), String> {
    for (stem, manifest) in manifests {
        let differs =
            |what: &str| format!("{stem} belongs to another sweep: its {what} differs from the other shards'");
        if manifest.shards != first.shards {
            return Err(differs("shard count"));
        }
        if manifest.scenario_hash != first.scenario_hash
            || manifest.seed != first.seed
            || manifest.replications != first.replications
        {
            return Err(differs("scenario, seed or replications"));
        }
        if manifest.version != first.version {
            return Err(differs("orgsim version"));
        }
    }
    // The first few missing shards; the scan stops early, however large the
    // shard count a manifest claims.
    let present: std::collections::BTreeSet<u32> = manifests.iter().map(|(_, m)| m.shard).collect();
    let missing: Vec<u32> = (0..first.shards).filter(|k| !present.contains(k)).take(10).collect();
    if !missing.is_empty() {
        let names = missing.iter().map(|k| format!("shard-{k}-of-{}", first.shards)).collect::<Vec<_>>().join(", ");
        let reruns = missing.iter().map(|k| format!("--shard {k}/{}", first.shards)).collect::<Vec<_>>().join(", ");
        return Err(format!("missing {names}: it failed or has not finished; rerun `orgsim sweep` with {reruns}"));
    }
    Ok(())
}

/// Every point of the sweep must be in exactly one shard; the counts the
/// manifests claim are checked before anything is sized by them.
fn check_every_point_once(manifests: &[(String, Manifest)], first: &Manifest) -> Result<(), String> {
    let listed: usize = manifests.iter().map(|(_, m)| m.points.len()).sum();
    if first.points_total != listed || manifests.len() != first.shards as usize {
        return Err(format!(
            "the manifests list {listed} points in {} shards, but say the sweep has {} points in {} shards",
            manifests.len(),
            first.points_total,
            first.shards
        ));
    }
    let mut seen = vec![0u32; first.points_total + 1];
    for (_, manifest) in manifests {
        for &point in &manifest.points {
            if point == 0 || point > first.points_total {
                return Err(format!(
                    "shard-{}-of-{} lists point {point} of {}",
                    manifest.shard, manifest.shards, first.points_total
                ));
            }
            seen[point] += 1;
        }
    }
    match (1..=first.points_total).find(|&p| seen[p] != 1) {
        Some(point) => Err(format!("point {point} is in {} shards instead of one", seen[point])),
        None => Ok(()),
    }
}

/// The shards' rows under their shared header, sorted by point; each row
/// checked by `check`, and every point of a shard's manifest there (once
/// when `row_per_point`; a robust world has a row per metric).
fn joined_rows(
    folder: &Path,
    manifests: &[(String, Manifest)],
    check: &dyn Fn(&str) -> Result<usize, String>,
    row_per_point: bool,
) -> Result<String, MergeError> {
    let mismatch = |message: String| MergeError::Mismatch { folder: folder.display().to_string(), message };
    let mut header: Option<String> = None;
    let mut rows: Vec<(usize, String)> = Vec::new();
    for (stem, manifest) in manifests {
        let text = read(&folder.join(format!("{stem}.csv")))?;
        let mut lines = text.lines();
        let head = lines.next().unwrap_or("").to_string();
        match &header {
            None => header = Some(head),
            Some(h) if *h != head => {
                return Err(mismatch(format!("{stem}.csv has other columns than the first shard")));
            }
            Some(_) => {}
        }
        let mut seen = Vec::new();
        for (index, line) in lines.enumerate() {
            let bad = |why: String| mismatch(format!("{stem}.csv, line {}: {why}", index + 2));
            let point = check(line).map_err(bad)?;
            if !manifest.points.contains(&point) || (row_per_point && seen.contains(&point)) {
                return Err(bad(format!("point {point} is not one of this shard's points, or comes twice")));
            }
            if !seen.contains(&point) {
                seen.push(point);
            }
            rows.push((point, line.to_string()));
        }
        if seen.len() != manifest.points.len() {
            return Err(mismatch(format!(
                "{stem}.csv holds {} of its {} points; rerun this shard",
                seen.len(),
                manifest.points.len()
            )));
        }
    }
    rows.sort_by_key(|(point, _)| *point);
    let mut csv = header.unwrap_or_default();
    csv.push('\n');
    for (_, row) in rows {
        csv.push_str(&row);
        csv.push('\n');
    }
    Ok(csv)
}

/// The point number of a row, when it has one and no cell is a number that
/// is not finite (NaN, inf).
fn finite_row(line: &str) -> Result<usize, String> {
    let mut fields = line.split(',');
    let point = fields.next().and_then(|p| p.parse().ok()).ok_or("a row without a point number")?;
    match fields.find(|f| f.parse::<f64>().is_ok_and(|v| !v.is_finite())) {
        Some(bad) => Err(format!("{bad:?} where a number must be finite")),
        None => Ok(point),
    }
}
