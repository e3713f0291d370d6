//! Options several commands share, in one place: how a simulation runs
//! ([`SimulationArgs`]: replications, seed, threads, the size check), how
//! an experiment runs ([`ExperimentArgs`]), and the shared set-up of an
//! experiment ([`Experiment`]).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::{print, progress};
use crate::experiment;
use crate::model::{ReplicationResult, SizeEstimate, size_estimate};
use crate::output;
use crate::scenario::Scenario;
use crate::scenario::ranges::number;

/// Options of every command that simulates.
#[derive(Debug, Args)]
pub(super) struct SimulationArgs {
    /// Replications (overrides the scenario's `replications`); with
    /// --precision, the size of each batch.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replications: Option<u32>,
    /// Master seed (overrides the scenario's `seed`), 0 to 9223372036854775807.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=crate::scenario::MOST_SEED))]
    pub seed: Option<u64>,
    /// Worker threads [default: one per core]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub threads: Option<u32>,
    /// Run even when the estimate says it would take more than a day of
    /// computing or more memory than the machine is likely to have.
    #[arg(long)]
    pub allow_large: bool,
    /// Warm-up (overrides the scenario's `warmup`): a time from 0 to below
    /// the horizon, or `auto` to choose it by MSER-5 on a pilot run.
    #[arg(long, value_name = "T|auto")]
    pub warmup: Option<crate::scenario::Warmup>,
    #[command(flatten)]
    pub settings: SetArgs,
}

/// `--set`, on every command that reads a scenario.
#[derive(Debug, Args, Default)]
pub(super) struct SetArgs {
    /// Change one value of the scenario, by a sweep path (repeatable, in
    /// order): `department.IT.staff=6`, `customers.rates.scale=1.1`,
    /// `behavior.enabled=false`; checked like the file's own values and
    /// written into the resolved scenario.toml.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = crate::scenario::edit::Setting::parse)]
    pub set: Vec<crate::scenario::edit::Setting>,
}

impl SetArgs {
    /// `scenario` with every `--set` applied.
    pub fn apply(&self, scenario: &mut Scenario) -> Result<()> {
        if !self.set.is_empty() {
            *scenario = crate::scenario::edit::apply(scenario, &self.set)?;
        }
        Ok(())
    }
}

/// The largest run orgsim starts without --allow-large: a day of computing
/// on one core, or 4 GiB held at once (a laptop's share of its memory).
const LARGEST_SECONDS: f64 = 86_400.0;
const LARGEST_BYTES: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;

/// Work to be checked for size: a scenario run `copies` times (points of a
/// sweep that are alike, candidates of a search).
pub(crate) struct Work<'a> {
    pub scenario: &'a Scenario,
    pub copies: u64,
}

impl<'a> Work<'a> {
    pub fn one(scenario: &'a Scenario) -> Self {
        Work { scenario, copies: 1 }
    }
}

impl SimulationArgs {
    /// Refuses, before anything runs, work that would run for days or
    /// exhaust memory, unless --allow-large. `keeps_distributions`: whether
    /// every replication's distributions are kept (`orgsim run`) or dropped
    /// as it finishes (experiments).
    pub fn check_size(
        &self,
        work: &[Work],
        replications: u32,
        threads: usize,
        keeps_distributions: bool,
    ) -> Result<()> {
        if self.allow_large {
            return Ok(());
        }
        match too_large(work, replications, threads, keeps_distributions) {
            None => Ok(()),
            Some(why) => anyhow::bail!(
                "{why}; shorten the horizon, use fewer replications or points, fix the overload, or pass --allow-large to run it anyway"
            ),
        }
    }

    /// Applies the overrides to `scenario`; a warm-up override is held to
    /// the same rules as the file's.
    pub fn apply(&self, scenario: &mut Scenario) -> Result<()> {
        self.settings.apply(scenario)?;
        self.apply_overrides(scenario)
    }

    /// Applies the seed, replications and warm-up overrides, not `--set`
    /// (a story's baseline takes those but keeps its own values).
    pub fn apply_overrides(&self, scenario: &mut Scenario) -> Result<()> {
        if let Some(replications) = self.replications {
            scenario.set_replications(replications);
        }
        if let Some(seed) = self.seed {
            scenario.set_seed(seed);
        }
        match self.warmup {
            None => {}
            Some(crate::scenario::Warmup::Auto) => scenario.set_warmup_auto(),
            Some(crate::scenario::Warmup::Time(time)) => {
                if !(0.0..scenario.horizon).contains(&time) {
                    anyhow::bail!(
                        "--warmup {}: give a time from 0 to below the horizon {}, or auto",
                        number(time),
                        number(scenario.horizon)
                    );
                }
                scenario.set_warmup(time);
            }
        }
        Ok(())
    }

    /// Chooses an `"auto"` warm-up on a pilot run of `scenario` (checked
    /// for size first), and says which (unless `quiet`).
    pub fn choose_warmup(&self, scenario: &mut Scenario, pool: &rayon::ThreadPool, quiet: bool) -> Result<()> {
        if !scenario.warmup_auto {
            return Ok(());
        }
        self.check_size(&[Work::one(scenario)], scenario.replications, pool.current_num_threads(), true)?;
        let chosen = pool.install(|| experiment::choose_warmup(scenario))?;
        if !quiet {
            eprintln!(
                "warm-up: {} {}s, chosen by MSER-5 on a pilot run of {} replications",
                number(chosen),
                scenario.time_unit,
                scenario.replications
            );
            if let Some(period) = scenario.period.filter(|&p| chosen > 0.0 && (chosen / p).fract() > 1e-9) {
                eprintln!(
                    "warning: the warm-up is not a whole number of periods ({}): not one whole period fits in half the horizon, so the counted days start mid-period; lengthen the horizon",
                    number(period)
                );
            }
        }
        Ok(())
    }

    /// The worker pool.
    pub fn pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.map_or(0, |threads| threads as usize))
            .build()
            .context("cannot start the worker threads")
    }
}

/// The output folder: `out` when given, else `output/<name>` (and
/// `subfolder` for an experiment); refused when it exists as a file.
pub(super) fn output_folder(out: Option<&Path>, scenario: &Scenario, subfolder: Option<&str>) -> Result<PathBuf> {
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| {
        let folder = Path::new("output").join(&scenario.name);
        subfolder.map_or(folder.clone(), |sub| folder.join(sub))
    });
    if out.exists() && !out.is_dir() {
        anyhow::bail!("--out {}: exists and is not a folder; give a folder path", out.display());
    }
    Ok(out)
}

/// Options every experiment shares.
#[derive(Debug, Args)]
pub(super) struct ExperimentArgs {
    /// Output folder [default: output/<scenario name>/<command>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Add replications until each key metric's 95% half-width is at most
    /// this share of its mean (e.g. 0.02), in batches of --replications. A
    /// sweep with --precision keeps no journal: it cannot be resumed, and
    /// Ctrl-C saves nothing.
    #[arg(long, value_name = "SHARE")]
    pub precision: Option<f64>,
    /// Skip the charts (report.html is still written, without them).
    #[arg(long)]
    pub no_plots: bool,
    /// Cap on replications with --precision.
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_replications: u32,
}

/// Shared set-up of an experiment: overrides, plan, thread pool, output
/// folder, progress bar.
pub(super) struct Experiment {
    pub plan: experiment::jobs::Plan,
    pub pool: rayon::ThreadPool,
    pub out: PathBuf,
    pub progress: progress::Bar,
    pub quiet: bool,
    pub plots: bool,
    pub command: &'static str,
    /// The base's warm-up was `"auto"` and has been chosen.
    pub warmup_chosen: bool,
}

impl Experiment {
    pub fn new(scenario: &mut Scenario, command: &'static str, args: &ExperimentArgs, quiet: bool) -> Result<Self> {
        args.simulation.apply(scenario)?;
        let out = output_folder(args.out.as_deref(), scenario, Some(command))?;
        let pool = args.simulation.pool()?;
        let warmup_chosen = scenario.warmup_auto;
        args.simulation.choose_warmup(scenario, &pool, quiet)?;
        let precision = match args.precision {
            Some(share) if share > 0.0 && share < 1.0 => Some(experiment::jobs::Precision {
                relative: share,
                max_replications: args.max_replications.max(scenario.replications),
            }),
            Some(share) => anyhow::bail!("--precision {share}: give a share between 0 and 1, e.g. 0.02 for ±2%"),
            None => None,
        };
        Ok(Experiment {
            plan: experiment::jobs::Plan { replications: scenario.replications, seed: scenario.seed, precision },
            pool,
            out,
            progress: progress::Bar::new(quiet),
            quiet,
            plots: !args.no_plots,
            command,
            warmup_chosen,
        })
    }

    /// The size check of the work this experiment will run.
    pub fn check_size(&self, args: &ExperimentArgs, work: &[Work]) -> Result<()> {
        let replications = self.plan.precision.map_or(self.plan.replications, |p| p.max_replications);
        args.simulation.check_size(work, replications, self.pool.current_num_threads(), false)
    }

    /// Writes the files and prints the table (unless quiet), with a
    /// warning for each row (`label`, verdict) whose figures cannot be
    /// trusted as they stand.
    pub fn finish(
        &self,
        files: Vec<(String, Vec<u8>)>,
        table: String,
        verdicts: &[(String, experiment::diagnostics::Verdict)],
    ) -> Result<()> {
        self.progress.clear();
        if !self.quiet {
            for line in output::trust::row_warnings(verdicts) {
                eprintln!("warning: {line}");
            }
        }
        output::write_files(&self.out, &files)?;
        output::report::write_experiment_report(&self.out, self.command, self.plots)?;
        if !self.quiet {
            let mut names = files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ");
            // The report computes the indices of a Sobol sweep from its sweep.csv.
            if self.out.join("sensitivity.csv").exists() && files.iter().any(|(name, _)| name == "sweep.csv") {
                names.push_str(", sensitivity.csv");
                let text = std::fs::read_to_string(self.out.join("sensitivity.csv")).unwrap_or_default();
                if let Some(warning) = output::sensitivity::warning(&text) {
                    eprintln!("warning: {warning}");
                }
            }
            names.push_str(if self.plots { ", report.html, plots/" } else { ", report.html" });
            print(&format!("{table}\nwrote {names} to {}\n", self.out.display()))?;
        }
        Ok(())
    }
}

/// Why `work` is too large to start without --allow-large (a day of
/// computing on one core, or 4 GiB held at once), or `None`.
/// `keeps_distributions`: whether every replication's distributions are
/// kept (`orgsim run`) or dropped as it finishes (experiments).
pub(crate) fn too_large(work: &[Work], replications: u32, threads: usize, keeps_distributions: bool) -> Option<String> {
    let estimates: Vec<(SizeEstimate, f64)> =
        work.iter().map(|w| (size_estimate(w.scenario, replications), w.copies as f64)).collect();
    let events: f64 = estimates.iter().map(|(e, copies)| e.events * copies).sum();
    let seconds: f64 = estimates.iter().map(|(e, copies)| e.seconds * copies).sum();
    let parallel = threads.min(replications as usize).max(1) as f64;
    let growing_bytes = estimates.iter().map(|(e, _)| e.peak_bytes).fold(0.0, f64::max) * parallel;
    let slot_bytes =
        work.iter().map(|w| ReplicationResult::slot_bytes(w.scenario) as f64).fold(0.0, f64::max) * parallel;
    let kept_bytes: f64 = work
        .iter()
        .map(|w| {
            let links = w.scenario.departments.iter().map(|d| d.needs.len()).sum();
            // Experiments keep each replication's series until its
            // point is diagnosed.
            let per_replication = ReplicationResult::kept_bytes(w.scenario.departments.len(), links) as f64
                + if keeps_distributions {
                    2.0 * crate::engine::LogHistogram::BYTES as f64 + ReplicationResult::series_bytes(w.scenario) as f64
                } else {
                    ReplicationResult::path_bytes(w.scenario) as f64
                };
            per_replication * f64::from(replications) * w.copies as f64
        })
        .sum();
    let written_bytes = if keeps_distributions {
        work.iter().map(|w| ReplicationResult::written_slot_bytes(w.scenario) as f64).fold(0.0, f64::max)
    } else {
        0.0
    };
    let bytes = growing_bytes + slot_bytes + kept_bytes + written_bytes;
    if seconds <= LARGEST_SECONDS && bytes <= LARGEST_BYTES {
        return None;
    }
    let mut reasons = Vec::new();
    if seconds > LARGEST_SECONDS {
        reasons.push(format!(
            "about {} events, {} hours of computing on one core",
            number(events.max(1.0).round()),
            number((seconds / 3600.0).round())
        ));
    }
    if bytes > LARGEST_BYTES {
        let gib = |b: f64| number((b / 1024f64.powi(3) * 10.0).round() / 10.0);
        let mut parts = Vec::new();
        if growing_bytes > LARGEST_BYTES / 100.0 {
            let growing = estimates.iter().find_map(|(e, _)| e.growing.clone()).unwrap_or_default();
            parts.push(format!(
                "{} GiB of work waiting at once, most of it at {growing:?} (it is offered more work than its staff can do, over the horizon, in its busiest slot or in a surge)",
                gib(growing_bytes)
            ));
        }
        if slot_bytes > LARGEST_BYTES / 8.0 {
            parts.push(format!(
                "{} GiB of figures by slot of the rate profile in the running replications (fewer, longer slots need less)",
                gib(slot_bytes)
            ));
        }
        if kept_bytes + written_bytes > LARGEST_BYTES / 100.0 {
            parts.push(format!("{} GiB of results kept until the files are written", gib(kept_bytes + written_bytes)));
        }
        reasons.push(format!("up to {} GiB held at once: {}", gib(bytes), parts.join(", and ")));
    }
    Some(format!("this would take {}", reasons.join(" and ")))
}
