//! `orgsim slurm`: hands a sweep (or, with `--robust`, the plausible worlds
//! of `impact --robust`) to a Slurm cluster as a job array of shards and a
//! merge job that runs only if every shard succeeds.
//!
//! The scripts are written under `<out>/slurm/`; with `--submit` they are
//! submitted with `sbatch`, the merge with `--dependency=afterok:<array>`
//! and `--kill-on-invalid-dep=yes` (otherwise a failed shard would leave the
//! merge pending forever); with `--wait` the command polls `squeue` until
//! both are gone and names any shard that failed, giving up with a clear
//! error if `squeue` keeps failing.
//!
//! Nothing the user wrote reaches a script unchecked: every path and value
//! on a command line is quoted for the shell; the `#SBATCH` lines, which
//! Slurm reads without shell quoting, take only the job name (reduced to
//! letters, digits, `-`, `_` and `.`), a partition and a time limit that
//! must match Slurm's own forms, and a log folder without spaces, quotes or
//! control characters.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::options::SimulationArgs;
use super::sweep::plan_checked;
use super::{load, say};
use crate::output;

#[derive(Debug, Args)]
pub(super) struct SlurmArgs {
    /// Scenario file with a [sweep] table (with --robust: any scenario with
    /// the social layer on).
    scenario: PathBuf,
    /// Spread the plausible worlds of `impact --robust` instead of a sweep's points.
    #[arg(long)]
    robust: bool,
    /// With --robust: plausible worlds (2 to 10000).
    #[arg(long, value_name = "N", default_value_t = 64, requires = "robust", value_parser = clap::value_parser!(u32).range(2..=10_000))]
    worlds: u32,
    /// With --robust: the improvement steps to try (repeatable) [default: all that apply].
    #[arg(long = "step", value_name = "STEP", requires = "robust")]
    steps: Vec<String>,
    /// With --robust: the metric to rank by.
    #[arg(long, value_name = "METRIC", requires = "robust")]
    by: Option<String>,
    /// Number of shards (array tasks).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    shards: u32,
    /// Output folder on storage every node shares [default: output/<name>/sweep]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// CPUs per array task (the shard uses them all).
    #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=4096))]
    cpus_per_task: u32,
    /// Slurm partition (letters, digits, `_`, `-`, `.`; several separated by commas).
    #[arg(long, value_name = "P")]
    partition: Option<String>,
    /// Time limit per array task, in Slurm's format (e.g. 02:00:00 or 1-12:00:00).
    #[arg(long, value_name = "T")]
    time: Option<String>,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// The orgsim binary the jobs run [default: this one]; it must be
    /// reachable from every node.
    #[arg(long, value_name = "PATH")]
    program: Option<PathBuf>,
    /// Submit with sbatch.
    #[arg(long)]
    submit: bool,
    /// With --submit: wait until the merge is done, and fail naming any
    /// shard that failed.
    #[arg(long, requires = "submit")]
    wait: bool,
}

/// `orgsim slurm`: checks the sweep and its size, writes the scripts, and
/// submits (and waits) as asked.
pub(super) fn command(args: &SlurmArgs, quiet: bool) -> Result<()> {
    // Every job reads the scenario again: a pipe or a device would give
    // each one nothing.
    let special = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
    let resolved = std::fs::canonicalize(&args.scenario).unwrap_or_else(|_| args.scenario.clone());
    if args.scenario.exists()
        && (special(&args.scenario)
            || special(&resolved)
            || !std::fs::metadata(&args.scenario).is_ok_and(|m| m.is_file()))
    {
        anyhow::bail!(
            "{}: the scenario must be a regular file, which every job of the array reads again (a pipe or device such as /dev/stdin would give each job nothing); save it to a file first",
            args.scenario.display()
        );
    }
    let mut base = load(Some(&args.scenario))?;
    args.simulation.apply(&mut base)?;
    let origin = args.scenario.display().to_string();
    // The cluster runs it, but a sweep that is too large for it is refused
    // here, before a script is written, unless --allow-large.
    let threads = args.cpus_per_task as usize * args.shards as usize;
    let robust = if args.robust {
        let steps = crate::experiment::impact::Step::chosen(&args.steps, base.behavior_enabled)?;
        let plan =
            crate::experiment::robust::plan_robust(&base, &steps, args.by.as_deref(), args.worlds as usize, base.seed)?;
        let work: Vec<super::options::Work> = plan.scenarios().map(super::options::Work::one).collect();
        args.simulation.check_size(&work, base.replications, threads, false)?;
        Some(RobustRequest { worlds: args.worlds, steps: args.steps.clone(), by: args.by.clone() })
    } else {
        plan_checked(&base, &origin, |work| args.simulation.check_size(work, base.replications, threads, false))?;
        None
    };
    let folder = if robust.is_some() { "robust" } else { "sweep" };
    let out = args.out.clone().unwrap_or_else(|| Path::new("output").join(&base.name).join(folder));
    let program = match &args.program {
        Some(program) => program.clone(),
        None => std::env::current_exe().context("cannot find the orgsim binary; give --program")?,
    };
    let request = Request {
        scenario: &args.scenario,
        name: &base.name,
        shards: args.shards,
        out: &out,
        cpus_per_task: args.cpus_per_task,
        partition: args.partition.as_deref(),
        time: args.time.as_deref(),
        program: &program,
        replications: args.simulation.replications,
        seed: args.simulation.seed,
        threads: args.simulation.threads,
        allow_large: args.simulation.allow_large,
        warmup: args.simulation.warmup,
        settings: args.simulation.settings.set.iter().map(|s| s.text()).collect(),
        robust,
    };
    let report = run(&request, args.submit, args.wait)?;
    say(quiet, &report)
}

/// What to submit.
pub struct Request<'a> {
    /// Every `--set PATH=VALUE`, as text, repeated on each job's line.
    pub settings: Vec<String>,
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
    /// Worker threads per shard, if given (otherwise the task's CPUs).
    pub threads: Option<u32>,
    /// Whether the user passed --allow-large.
    pub allow_large: bool,
    /// Warm-up, if overridden (`auto`: each shard chooses the same one on
    /// the base scenario, which is deterministic).
    pub warmup: Option<crate::scenario::Warmup>,
    /// The worlds of `impact --robust` instead of a sweep, if asked.
    pub robust: Option<RobustRequest>,
}

/// What a robust ranking's shards run.
pub struct RobustRequest {
    /// Plausible worlds.
    pub worlds: u32,
    /// Improvement steps, as given (checked).
    pub steps: Vec<String>,
    /// The ranking metric, if given.
    pub by: Option<String>,
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

/// `text` quoted for a POSIX shell: single quotes, with each single quote
/// written as `'\''`. Nothing inside single quotes is expanded.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The job name: the scenario's name reduced to letters, digits, `-`, `_`
/// and `.`, the characters Slurm and every shell take as they are.
fn job_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect()
}

/// Refuses a value for an `#SBATCH` line unless every character is allowed.
fn sbatch_value(flag: &str, value: &str, allowed: impl Fn(char) -> bool, form: &str) -> Result<()> {
    if value.is_empty() || !value.chars().all(allowed) {
        bail!("{flag} {value:?}: give {form}");
    }
    Ok(())
}

/// Refuses a folder that an `#SBATCH` line cannot carry.
fn sbatch_path(path: &Path) -> Result<String> {
    let text = path.display().to_string();
    if text.chars().any(|c| crate::scenario::forbidden_in_names(c) || c.is_whitespace() || "'\"\\%$`".contains(c)) {
        bail!(
            "--out {text:?}: Slurm reads the log path from an #SBATCH line without shell quoting, so it may not hold spaces, quotes, '%', '$', '`', '\\' or control characters; choose another folder"
        );
    }
    Ok(text)
}

/// The flags of a robust ranking's shards, every value quoted.
fn robust_flags(robust: Option<&RobustRequest>) -> String {
    let Some(robust) = robust else { return String::new() };
    let mut flags = format!(" --robust --worlds {}", robust.worlds);
    for step in &robust.steps {
        flags.push_str(&format!(" --step {}", quote(step)));
    }
    if let Some(by) = &robust.by {
        flags.push_str(&format!(" --by {}", quote(by)));
    }
    flags
}

/// The two batch scripts: (array, merge).
pub fn scripts(request: &Request) -> Result<(String, String)> {
    let out = absolute(request.out)?;
    let logs = sbatch_path(&out.join("slurm"))?;
    let scenario = absolute(request.scenario)?;
    let program = quote(&absolute(request.program)?.display().to_string());
    let mut options = String::new();
    if let Some(partition) = request.partition {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "_-.,".contains(c);
        sbatch_value(
            "--partition",
            partition,
            allowed,
            "partition names of letters, digits, '_', '-' or '.', separated by commas",
        )?;
        options.push_str(&format!("#SBATCH --partition={partition}\n"));
    }
    if let Some(time) = request.time {
        let allowed = |c: char| c.is_ascii_digit() || ":-".contains(c);
        sbatch_value("--time", time, allowed, "a time limit in Slurm's form, e.g. 90, 02:00:00 or 1-12:00:00")?;
        options.push_str(&format!("#SBATCH --time={time}\n"));
    }
    let mut overrides = String::new();
    if let Some(replications) = request.replications {
        overrides.push_str(&format!(" --replications {replications}"));
    }
    if let Some(seed) = request.seed {
        overrides.push_str(&format!(" --seed {seed}"));
    }
    if let Some(threads) = request.threads {
        overrides.push_str(&format!(" --threads {threads}"));
    }
    if request.allow_large {
        overrides.push_str(" --allow-large");
    }
    if let Some(warmup) = request.warmup {
        overrides.push_str(&format!(" --warmup {warmup}"));
    }
    for setting in &request.settings {
        overrides.push_str(&format!(" --set {}", quote(setting)));
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
         exec {program} {command} {scenario}{robust} --shard \"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\" --out {out} --quiet{overrides}\n",
        command = if request.robust.is_some() { "impact" } else { "sweep" },
        robust = robust_flags(request.robust.as_ref()),
        name = job_name(request.name),
        last = request.shards - 1,
        cpus = request.cpus_per_task,
        logs = logs,
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
         exec {program} merge {out} --quiet\n",
        name = job_name(request.name),
        logs = logs,
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
    wait_for_jobs(&array_id, &merge_id)?;
    let merged = request.out.join(if request.robust.is_some() { "robust.csv" } else { "sweep.csv" });
    if merged.exists() && request.out.join("report.html").exists() {
        report.push_str(&format!("merged: {}\n", merged.display()));
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
        "the {} did not finish: {} failed, so the merge was cancelled; rerun `orgsim {}` with {}, then `orgsim merge {}`",
        if request.robust.is_some() { "robust ranking" } else { "sweep" },
        named.join(", "),
        if request.robust.is_some() { "impact --robust" } else { "sweep" },
        reruns.join(", "),
        request.out.display()
    )
}

/// How many `squeue` failures in a row `--wait` accepts before giving up.
const MOST_SQUEUE_FAILURES: u32 = 10;

/// Polls `squeue` once a second until both jobs are gone; gives up with a
/// clear error after [`MOST_SQUEUE_FAILURES`] failures in a row.
fn wait_for_jobs(array_id: &str, merge_id: &str) -> Result<()> {
    let mut failures = 0;
    loop {
        let outcome = Command::new("squeue").args(["-h", "-o", "%i", "-j", &format!("{array_id},{merge_id}")]).output();
        match outcome {
            Ok(output) if output.status.success() => {
                failures = 0;
                if String::from_utf8_lossy(&output.stdout).trim().is_empty() {
                    return Ok(());
                }
            }
            failed => {
                failures += 1;
                if failures >= MOST_SQUEUE_FAILURES {
                    let why = match failed {
                        Ok(output) => format!(
                            "it exited with {}: {}",
                            output.status,
                            String::from_utf8_lossy(&output.stderr).trim()
                        ),
                        Err(error) => format!("it could not be started: {error}"),
                    };
                    bail!(
                        "--wait: squeue failed {failures} times in a row ({why}); the jobs {array_id} and {merge_id} may still be running: check them with squeue, then run `orgsim merge` yourself if the merge did not run"
                    );
                }
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
