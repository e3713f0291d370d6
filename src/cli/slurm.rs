//! `orgsim slurm`: hands a sweep to a Slurm cluster as a job array of
//! shards and a merge job that runs only if every shard succeeds.
//!
//! The scripts are written under `<out>/slurm/`; with `--submit` they are
//! submitted with `sbatch`, the merge with `--dependency=afterok:<array>`
//! and `--kill-on-invalid-dep=yes` (otherwise a failed shard would leave the
//! merge pending forever); with `--wait` the command polls `squeue` until
//! both are gone and names any shard that failed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::output;

/// What to submit.
pub struct Request<'a> {
    /// The sweep's scenario file.
    pub scenario: &'a Path,
    /// Its name (for job names).
    pub name: &'a str,
    /// Number of shards.
    pub shards: u32,
    /// Shared folder every node can write to.
    pub out: &'a Path,
    /// CPUs per array task.
    pub cpus_per_task: u32,
    /// Partition, if any.
    pub partition: Option<&'a str>,
    /// Time limit per task, if any.
    pub time: Option<&'a str>,
    /// The orgsim binary the jobs run.
    pub program: &'a Path,
    /// Replications per point, if overridden.
    pub replications: Option<u32>,
    /// Seed, if overridden.
    pub seed: Option<u64>,
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The two batch scripts: (array, merge).
pub fn scripts(request: &Request) -> Result<(String, String)> {
    let out = absolute(request.out)?;
    let logs = out.join("slurm");
    let scenario = absolute(request.scenario)?;
    let program = quote(&absolute(request.program)?.display().to_string());
    let mut options = String::new();
    if let Some(partition) = request.partition {
        options.push_str(&format!("#SBATCH --partition={partition}\n"));
    }
    if let Some(time) = request.time {
        options.push_str(&format!("#SBATCH --time={time}\n"));
    }
    let mut overrides = String::new();
    if let Some(replications) = request.replications {
        overrides.push_str(&format!(" --replications {replications}"));
    }
    if let Some(seed) = request.seed {
        overrides.push_str(&format!(" --seed {seed}"));
    }
    let array = format!(
        "#!/bin/bash\n\
         #SBATCH --job-name=orgsim-{name}\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --cpus-per-task={cpus}\n\
         #SBATCH --output={logs}/shard-%a.log\n\
         {options}\
         # One shard of the sweep per array task, on all the task's CPUs.\n\
         export RAYON_NUM_THREADS=\"${{SLURM_CPUS_PER_TASK:-{cpus}}}\"\n\
         exec {program} sweep {scenario} --shard \"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\" --out {out} --quiet --allow-large{overrides}\n",
        name = request.name,
        last = request.shards - 1,
        cpus = request.cpus_per_task,
        logs = logs.display(),
        scenario = quote(&scenario.display().to_string()),
        out = quote(&out.display().to_string()),
    );
    let merge = format!(
        "#!/bin/bash\n\
         #SBATCH --job-name=orgsim-{name}-merge\n\
         #SBATCH --cpus-per-task=1\n\
         #SBATCH --output={logs}/merge.log\n\
         {options}\
         # Runs only after every shard succeeded (afterok).\n\
         exec {program} merge {out}\n",
        name = request.name,
        logs = logs.display(),
        out = quote(&out.display().to_string()),
    );
    Ok((array, merge))
}

fn sbatch(arguments: &[&str]) -> Result<String> {
    let output = Command::new("sbatch")
        .args(arguments)
        .output()
        .context("cannot run sbatch: is Slurm installed and SLURM_CONF set?")?;
    if !output.status.success() {
        bail!("sbatch {} failed: {}", arguments.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.trim().split(';').next().unwrap_or("").to_string())
}

/// Writes the scripts, and submits (and waits) as asked. Returns a report
/// for the user.
pub fn run(request: &Request, submit: bool, wait: bool) -> Result<String> {
    let (array, merge) = scripts(request)?;
    let folder = request.out.join("slurm");
    output::write_files(
        &folder,
        &[("array.sh".to_string(), array.into_bytes()), ("merge.sh".to_string(), merge.into_bytes())],
    )?;
    let mut report = format!("wrote {} and {}\n", folder.join("array.sh").display(), folder.join("merge.sh").display());
    if !submit {
        report.push_str(&format!(
            "submit with:\n  array=$(sbatch --parsable {})\n  sbatch --dependency=afterok:$array --kill-on-invalid-dep=yes {}\n",
            folder.join("array.sh").display(),
            folder.join("merge.sh").display()
        ));
        return Ok(report);
    }
    let array_id = sbatch(&["--parsable", &folder.join("array.sh").display().to_string()])?;
    let merge_id = sbatch(&[
        "--parsable",
        &format!("--dependency=afterok:{array_id}"),
        "--kill-on-invalid-dep=yes",
        &folder.join("merge.sh").display().to_string(),
    ])?;
    report.push_str(&format!("submitted the shards as job array {array_id} and the merge as job {merge_id}\n"));
    if !wait {
        return Ok(report);
    }
    loop {
        let output = Command::new("squeue")
            .args(["-h", "-o", "%i", "-j", &format!("{array_id},{merge_id}")])
            .output()
            .context("cannot run squeue")?;
        let pending = String::from_utf8_lossy(&output.stdout);
        if output.status.success() && pending.trim().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    if request.out.join("sweep.csv").exists() && request.out.join("report.html").exists() {
        report.push_str(&format!("merged: {}\n", request.out.join("sweep.csv").display()));
        return Ok(report);
    }
    let failed: Vec<u32> = (0..request.shards)
        .filter(|k| !request.out.join(format!("shard-{k}-of-{}.toml", request.shards)).exists())
        .collect();
    if failed.is_empty() {
        bail!("every shard finished but the merge did not; see {}", folder.join("merge.log").display());
    }
    let named: Vec<String> = failed
        .iter()
        .map(|k| format!("shard {k} (log: {})", folder.join(format!("shard-{k}.log")).display()))
        .collect();
    let reruns: Vec<String> = failed.iter().map(|k| format!("--shard {k}/{}", request.shards)).collect();
    bail!(
        "the sweep did not finish: {} failed, so the merge was cancelled; rerun `orgsim sweep` with {}, then `orgsim merge {}`",
        named.join(", "),
        reruns.join(", "),
        request.out.display()
    )
}
