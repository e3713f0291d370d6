//! The `orgsim` command line: arguments → a scenario and settings → the
//! experiment → files and a printed summary.
//!
//! Arguments are parsed by clap into plain data ([`Cli`]); each command loads
//! and checks its scenario (reading the file is the only input this layer
//! does), applies overrides, runs, and hands results to [`crate::output`].
//! Errors are carried with anyhow and printed with their whole chain; every
//! error exits with code 2, a closed pipe on stdout exits quietly with 0.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::experiment;

mod progress;
mod slurm;
use crate::output;
use crate::scenario::{DEFAULT_ORIGIN, DEFAULT_SCENARIO, NeedMode, STARTER_SCENARIO, Scenario};
use crate::theory;

/// Simulate how work flows between an organization's departments and how
/// internal service reaches external customers.
#[derive(Debug, Parser)]
#[command(name = "orgsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario (the embedded default when no file is given) and
    /// write its results: CSV files, the time series, charts and report.html.
    Run(RunArgs),
    /// Check a scenario file and describe it: departments, staff, who needs
    /// whom, offered load, warnings.
    Validate {
        /// Scenario file (TOML); the embedded default when omitted.
        scenario: Option<PathBuf>,
    },
    /// Print a commented starter scenario: `orgsim new > my.toml`.
    New,
    /// Run every point of the scenario's [sweep] table and write sweep.csv.
    Sweep {
        /// Scenario file with a [sweep] table.
        scenario: PathBuf,
        /// Run only shard K of N (K from 0), writing shard-K-of-N.csv and its
        /// manifest; `orgsim merge` joins the shards.
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Go on with an interrupted sweep: run only the points its journal
        /// (sweep.journal in the output folder) does not hold yet.
        #[arg(long)]
        resume: bool,
        #[command(flatten)]
        common: ExperimentArgs,
    },
    /// Compare variants with a base scenario, paired (same customers), and
    /// write compare.csv.
    Compare {
        /// The base scenario.
        base: PathBuf,
        /// One or more variants; they run with the base's seed and replications.
        #[arg(required = true)]
        variants: Vec<PathBuf>,
        #[command(flatten)]
        common: ExperimentArgs,
    },
    /// Rank internal teams by what improving each is worth to external
    /// customers, and write impact.csv.
    Impact {
        /// Scenario file (TOML); the embedded default when omitted.
        scenario: Option<PathBuf>,
        /// Improvement to try: staff (+1), skill (+0.1), morale (+0.1
        /// baseline), silo (−20% silo delay); repeatable [default: all that
        /// apply]
        #[arg(long = "step", value_name = "STEP")]
        steps: Vec<String>,
        /// Metric to rank by [default: revenue_at_risk, or ext_abandon_rate
        /// with the social layer off]
        #[arg(long, value_name = "METRIC")]
        by: Option<String>,
        #[command(flatten)]
        common: ExperimentArgs,
    },
    /// Find the cheapest staffing that meets every target with confidence,
    /// and write optimize.csv.
    Optimize {
        /// Scenario file (TOML); the embedded default when omitted.
        scenario: Option<PathBuf>,
        /// A target such as "ext_abandon_rate<=0.05" (repeatable).
        #[arg(long = "target", value_name = "TARGET", required = true)]
        targets: Vec<String>,
        /// Most people that may be added in total across departments.
        #[arg(long, value_name = "N", default_value_t = 10)]
        max_hires: u32,
        #[command(flatten)]
        common: ExperimentArgs,
    },
    /// Redraw the charts and report.html of an earlier run from its files.
    Report {
        /// The run's output folder.
        folder: PathBuf,
        /// Skip the charts.
        #[arg(long)]
        no_plots: bool,
    },
    /// Join the shards of a sweep run with --shard into sweep.csv, the plots
    /// and the report, exactly as one machine would have written them.
    Merge {
        /// The folder the shards wrote to.
        folder: PathBuf,
        /// Output folder [default: the shard folder]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Hand a sweep to a Slurm cluster: a job array of shards and a merge job.
    Slurm {
        /// Scenario file with a [sweep] table.
        scenario: PathBuf,
        /// Number of shards (array tasks).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        shards: u32,
        /// Output folder on storage every node shares [default: output/<name>/sweep]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// CPUs per array task (the shard uses them all).
        #[arg(long, value_name = "C", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        cpus_per_task: u32,
        /// Slurm partition.
        #[arg(long, value_name = "P")]
        partition: Option<String>,
        /// Time limit per array task, in Slurm's format (e.g. 02:00:00).
        #[arg(long, value_name = "T")]
        time: Option<String>,
        /// Replications per point (overrides the scenario's).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        replications: Option<u32>,
        /// Master seed (overrides the scenario's).
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
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
    },
}

/// Options of every command that simulates.
#[derive(Debug, Args)]
struct CommonArgs {
    /// Output folder [default: output/<scenario name>, and a subfolder per
    /// command for the experiments]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replications (overrides the scenario's `replications`); with
    /// --precision, the size of each batch.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Worker threads [default: one per core]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,
    /// Print nothing but errors (and no progress bar).
    #[arg(long)]
    quiet: bool,
    /// Run even when the estimate says it would take more than a day of
    /// computing or more memory than the machine is likely to have.
    #[arg(long)]
    allow_large: bool,
}

/// The largest run orgsim starts without --allow-large: a day of computing
/// on one core, or 8 GiB held at once.
const LARGEST_SECONDS: f64 = 86_400.0;
const LARGEST_BYTES: f64 = 8.0 * 1024.0 * 1024.0 * 1024.0;

impl CommonArgs {
    /// Refuses, before anything runs, work that would run for days or
    /// exhaust memory, unless --allow-large.
    fn check_size(&self, points: &[&Scenario], replications: u32, threads: usize) -> Result<()> {
        if self.allow_large {
            return Ok(());
        }
        let estimates: Vec<crate::model::SizeEstimate> =
            points.iter().map(|scenario| crate::model::size_estimate(scenario, replications)).collect();
        let seconds: f64 = estimates.iter().map(|e| e.seconds).sum();
        let parallel = threads.min(replications as usize).max(1) as f64;
        let bytes = estimates.iter().map(|e| e.peak_bytes).fold(0.0, f64::max) * parallel;
        if seconds <= LARGEST_SECONDS && bytes <= LARGEST_BYTES {
            return Ok(());
        }
        let growing = estimates.iter().find_map(|e| e.growing.clone());
        let mut reasons = Vec::new();
        if seconds > LARGEST_SECONDS {
            reasons.push(format!(
                "about {:.1e} events, {:.0} hours of computing on one core",
                estimates.iter().map(|e| e.events).sum::<f64>(),
                seconds / 3600.0
            ));
        }
        if bytes > LARGEST_BYTES {
            reasons.push(format!(
                "up to {:.0} GiB held at once, because the queue of {:?} grows without bound (it is offered more work than its staff can do and nobody there abandons)",
                bytes / 1024f64.powi(3),
                growing.unwrap_or_default()
            ));
        }
        anyhow::bail!(
            "this would take {}; shorten the horizon, use fewer replications or points, fix the overload, or pass --allow-large to run it anyway",
            reasons.join(" and ")
        )
    }
    /// Applies the overrides; returns the output folder (under `output/`
    /// by default, `subfolder` for an experiment) and the worker pool.
    fn prepare(&self, scenario: &mut Scenario, subfolder: Option<&str>) -> Result<(PathBuf, rayon::ThreadPool)> {
        if let Some(replications) = self.replications {
            scenario.set_replications(replications);
        }
        if let Some(seed) = self.seed {
            scenario.set_seed(seed);
        }
        let out = self.out.clone().unwrap_or_else(|| {
            let folder = Path::new("output").join(&scenario.name);
            subfolder.map_or(folder.clone(), |sub| folder.join(sub))
        });
        if out.exists() && !out.is_dir() {
            anyhow::bail!("--out {}: exists and is not a folder; give a folder path", out.display());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads.map_or(0, |threads| threads as usize))
            .build()
            .context("cannot start the worker threads")?;
        Ok((out, pool))
    }
}

/// Options every experiment shares.
#[derive(Debug, Args)]
struct ExperimentArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Add replications until each key metric's 95% half-width is at most
    /// this share of its mean (e.g. 0.02).
    #[arg(long, value_name = "SHARE")]
    precision: Option<f64>,
    /// Skip the charts (report.html is still written, without them).
    #[arg(long)]
    no_plots: bool,
    /// Cap on replications with --precision.
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    max_replications: u32,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    scenario: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
    /// Skip the charts (report.html is still written, without them).
    #[arg(long)]
    no_plots: bool,
    /// Also write every event of replication 0 (time, event, department,
    /// work and case ids, quality, attitude) to this CSV file.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
}

/// Parses the process arguments, runs the command, and maps the outcome to
/// an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Validate { scenario } => validate(scenario.as_deref()),
        Command::New => print(STARTER_SCENARIO),
        Command::Report { folder, no_plots } => {
            output::report::write_report(&folder, !no_plots)?;
            print(&format!(
                "wrote {} in {}\n",
                if no_plots { "report.html" } else { "plots/ and report.html" },
                folder.display()
            ))
        }
        Command::Sweep { scenario, shard, resume, common } => sweep(&scenario, shard.as_deref(), resume, &common),
        Command::Slurm {
            scenario,
            shards,
            out,
            cpus_per_task,
            partition,
            time,
            replications,
            seed,
            program,
            submit,
            wait,
        } => {
            let base = load(Some(&scenario))?;
            experiment::sweep::plan_sweep(&base, &scenario.display().to_string())?;
            let out = out.unwrap_or_else(|| Path::new("output").join(&base.name).join("sweep"));
            let program = match program {
                Some(program) => program,
                None => std::env::current_exe().context("cannot find the orgsim binary; give --program")?,
            };
            let request = slurm::Request {
                scenario: &scenario,
                name: &base.name,
                shards,
                out: &out,
                cpus_per_task,
                partition: partition.as_deref(),
                time: time.as_deref(),
                program: &program,
                replications,
                seed,
            };
            let report = slurm::run(&request, submit, wait)?;
            print(&report)
        }
        Command::Merge { folder, out } => {
            let out = out.unwrap_or_else(|| folder.clone());
            output::shards::merge(&folder, &out)?;
            output::report::write_experiment_report(&out, "sweep", true)?;
            print(&format!("merged the shards in {} into {}\n", folder.display(), out.join("sweep.csv").display()))
        }
        Command::Compare { base, variants, common } => compare(&base, &variants, &common),
        Command::Impact { scenario, steps, by, common } => impact(scenario.as_deref(), &steps, by.as_deref(), &common),
        Command::Optimize { scenario, targets, max_hires, common } => {
            optimize(scenario.as_deref(), &targets, max_hires, &common)
        }
    }
}

fn print(text: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Reads and checks a scenario file, or the embedded default.
fn load(path: Option<&Path>) -> Result<Scenario> {
    match path {
        None => Ok(Scenario::from_toml_str(DEFAULT_SCENARIO, DEFAULT_ORIGIN)?),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read scenario file {}", path.display()))?;
            Ok(Scenario::from_toml_str(&text, &path.display().to_string())?)
        }
    }
}

/// Warnings about departments at or near capacity.
fn load_warnings(scenario: &Scenario) -> Vec<String> {
    let estimate = crate::model::load_estimate(scenario);
    scenario
        .departments
        .iter()
        .zip(&estimate.offered_load)
        .filter_map(|(department, &load)| {
            let utilization = load / f64::from(department.staff);
            if utilization >= 1.0 {
                Some(format!(
                    "department {:?} is offered {:.0}% of its capacity ({load:.2} busy staff needed, {} available): its queue grows without bound unless customers abandon",
                    department.name,
                    utilization * 100.0,
                    department.staff
                ))
            } else if utilization >= 0.9 {
                Some(format!(
                    "department {:?} runs at {:.0}% of capacity: expect long queues there",
                    department.name,
                    utilization * 100.0
                ))
            } else {
                None
            }
        })
        .collect()
}

fn run(args: RunArgs) -> Result<()> {
    let mut scenario = load(args.scenario.as_deref())?;
    let (out, pool) = args.common.prepare(&mut scenario, None)?;
    args.common.check_size(&[&scenario], scenario.replications, pool.current_num_threads())?;
    if !args.common.quiet {
        for warning in load_warnings(&scenario) {
            eprintln!("warning: {warning}");
        }
    }
    let trace = match &args.trace {
        Some(path) => Some((path, output::streams::TraceWriter::create(path)?)),
        None => None,
    };
    let social = scenario.behavior_enabled;
    let created = output::files::prepare_folder(&out)?;
    let (results, parts) = pool.install(|| {
        experiment::run_observed(scenario, |replication| {
            output::streams::TimeseriesPart::create(&out, replication, social)
        })
    });
    let files = output::run_files(&results);
    output::files::finish_run(&out, created, &files, parts, social)?;
    output::report::write_run_report(&out, !args.no_plots)?;
    if let Some((path, mut writer)) = trace {
        crate::model::simulate_observed(&results.scenario, 0, results.scenario.seed, &mut writer);
        writer.finish(path)?;
    }
    if !args.common.quiet {
        let mut text = output::table::summary_table(&results);
        text.push_str(&format!(
            "\nwrote {}, timeseries.csv, report.html{} to {}\n",
            files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", "),
            if args.no_plots { "" } else { ", plots/" },
            out.display()
        ));
        if let Some(path) = &args.trace {
            text.push_str(&format!("wrote the event trace of replication 0 to {}\n", path.display()));
        }
        print(&text)?;
    }
    Ok(())
}

fn validate(path: Option<&Path>) -> Result<()> {
    let scenario = load(path)?;
    let origin = path.map_or(DEFAULT_ORIGIN.to_string(), |p| p.display().to_string());
    print(&describe(&scenario, &origin))
}

/// What `orgsim validate` prints.
fn describe(scenario: &Scenario, origin: &str) -> String {
    use std::fmt::Write as _;
    let unit = &scenario.time_unit;
    let mut text = String::new();
    let _ = writeln!(text, "{origin}: scenario {:?} is valid", scenario.name);
    if !scenario.description.is_empty() {
        let _ = writeln!(text, "  {}", scenario.description);
    }
    let _ = writeln!(
        text,
        "horizon {} {unit}s, warm-up {}, {} replication(s), seed {}, social layer {}",
        scenario.horizon,
        scenario.warmup,
        scenario.replications,
        scenario.seed,
        if scenario.behavior_enabled { "on" } else { "off" }
    );
    let customers = &scenario.customers;
    let mut previous = 0.0;
    let entry: Vec<String> = customers
        .entry
        .iter()
        .map(|&(index, cumulative)| {
            let share = cumulative - previous;
            previous = cumulative;
            format!("{} {:.0}%", scenario.departments[index].name, share * 100.0)
        })
        .collect();
    let patience = match &scenario.resolved.customers.patience {
        Some(spec) => format!("patience with mean {} {unit}s", spec.mean()),
        None => "no abandonment".to_string(),
    };
    let _ = writeln!(
        text,
        "customers: {} per {unit}, {patience}; they arrive at {}",
        customers.arrival_rate,
        entry.join(", ")
    );
    let estimate = crate::model::load_estimate(scenario);
    let name_width = scenario.departments.iter().map(|d| d.name.chars().count()).max().unwrap_or(0).max(10);
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "{:<name_width$} {:>5}  {:>12}  {:>12}  {:>12}  {:>11}  needs",
        "department",
        "staff",
        "service mean",
        &format!("work/{unit}"),
        "offered load",
        "utilization"
    );
    for (index, department) in scenario.departments.iter().enumerate() {
        let needs: Vec<String> = department
            .needs
            .iter()
            .map(|need| {
                format!(
                    "{} {:.0}% ({})",
                    scenario.departments[need.supplier].name,
                    need.probability * 100.0,
                    match need.mode {
                        NeedMode::Hold => "hold",
                        NeedMode::Handoff => "handoff",
                    }
                )
            })
            .collect();
        let load = estimate.offered_load[index];
        let front = if department.front_line { "*" } else { " " };
        let _ = writeln!(
            text,
            "{:<name_width$} {:>5}  {:>12}  {:>12}  {:>12}  {:>10.1}%{front} {}",
            department.name,
            department.staff,
            output::table::readable(department.service_mean),
            output::table::readable(estimate.arrival_rates[index]),
            output::table::readable(load),
            load / f64::from(department.staff) * 100.0,
            if needs.is_empty() { "–".to_string() } else { needs.join(", ") }
        );
    }
    let _ = writeln!(
        text,
        "(* front line; offered load counts time held waiting for `hold` suppliers as if they never queued)"
    );
    if let Some(line) = theory_line(scenario) {
        let _ = writeln!(text, "\n{line}");
    }
    let warnings = load_warnings(scenario);
    if !warnings.is_empty() {
        let _ = writeln!(text);
        for warning in warnings {
            let _ = writeln!(text, "warning: {warning}");
        }
    }
    text
}

/// For a single exponential station, what queueing theory predicts.
fn theory_line(scenario: &Scenario) -> Option<String> {
    use crate::scenario::DistributionSpec;
    let [department] = scenario.resolved.departments.as_slice() else {
        return None;
    };
    let DistributionSpec::Exponential { mean } = department.service else {
        return None;
    };
    if !department.needs.is_empty() {
        return None;
    }
    let (lambda, mu) = (scenario.customers.arrival_rate, 1.0 / mean);
    match &scenario.resolved.customers.patience {
        None => theory::mmc_wait(department.staff, lambda, mu).map(|(p_wait, wait)| {
            format!("theory (Erlang C, M/M/{}): P(wait) = {p_wait:.5}, mean wait = {wait:.5}", department.staff)
        }),
        Some(DistributionSpec::Exponential { mean: patience }) => {
            theory::erlang_a(department.staff, lambda, mu, 1.0 / patience).map(|a| {
                format!(
                    "theory (Erlang A, M/M/{}+M): P(wait) = {:.5}, P(abandon) = {:.5}, mean wait = {:.5}",
                    department.staff, a.p_wait, a.p_abandon, a.wait_mean
                )
            })
        }
        Some(_) => None,
    }
}

/// Shared set-up of an experiment: overrides, plan, thread pool, output
/// folder, progress bar.
struct Experiment {
    plan: experiment::jobs::Plan,
    pool: rayon::ThreadPool,
    out: PathBuf,
    progress: progress::Bar,
    quiet: bool,
    plots: bool,
    command: &'static str,
}

impl Experiment {
    fn new(scenario: &mut Scenario, command: &'static str, args: &ExperimentArgs) -> Result<Self> {
        let (out, pool) = args.common.prepare(scenario, Some(command))?;
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
            progress: progress::Bar::new(args.common.quiet),
            quiet: args.common.quiet,
            plots: !args.no_plots,
            command,
        })
    }

    /// The size check of the points this experiment will run.
    fn check_size(&self, args: &ExperimentArgs, points: &[&Scenario]) -> Result<()> {
        let replications = self.plan.precision.map_or(self.plan.replications, |p| p.max_replications);
        args.common.check_size(points, replications, self.pool.current_num_threads())
    }

    /// Writes the files and prints the table (unless quiet).
    fn finish(&self, files: Vec<(String, Vec<u8>)>, table: String) -> Result<()> {
        self.progress.clear();
        output::write_files(&self.out, &files)?;
        output::report::write_experiment_report(&self.out, self.command, self.plots)?;
        if !self.quiet {
            let mut names = files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ");
            names.push_str(if self.plots { ", report.html, plots/" } else { ", report.html" });
            print(&format!("{table}\nwrote {names} to {}\n", self.out.display()))?;
        }
        Ok(())
    }
}

fn sweep(path: &Path, shard: Option<&str>, resume: bool, args: &ExperimentArgs) -> Result<()> {
    let mut base = load(Some(path))?;
    let experiment = Experiment::new(&mut base, "sweep", args)?;
    let mut plan = experiment::sweep::plan_sweep(&base, &path.display().to_string())?;
    if let Some(shard) = shard {
        let shard = experiment::shard::Shard::parse(shard)?;
        if args.precision.is_some() {
            anyhow::bail!("--precision cannot be used with --shard: every shard must run the same replications");
        }
        if resume {
            anyhow::bail!("--resume cannot be used with --shard: rerun a failed shard whole");
        }
        let points_total = plan.points.len();
        let members =
            experiment::shard::assign(&plan, base.replications, shard.count).swap_remove(shard.index as usize);
        experiment::shard::restrict(&mut plan, &members);
        experiment.check_size(args, &plan.points.iter().map(|p| &p.scenario).collect::<Vec<_>>())?;
        let results =
            experiment.pool.install(|| experiment::sweep::run_sweep(plan, &experiment.plan, &experiment.progress));
        let manifest = experiment::shard::Manifest {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_hash: experiment::shard::sweep_hash(&base),
            seed: base.seed,
            replications: base.replications,
            shard: shard.index,
            shards: shard.count,
            points_total,
            points: members,
        };
        experiment.progress.clear();
        output::write_files(
            &experiment.out,
            &output::shards::shard_files(&manifest, output::experiments::sweep_csv(&results), base.to_toml()),
        )?;
        if !args.common.quiet {
            print(&format!(
                "shard {} of {}: {} of {} points; wrote {}.csv and {}.toml to {}\n",
                shard.index,
                shard.count,
                manifest.points.len(),
                points_total,
                shard.stem(),
                shard.stem(),
                experiment.out.display()
            ))?;
        }
        return Ok(());
    }
    experiment.check_size(args, &plan.points.iter().map(|p| &p.scenario).collect::<Vec<_>>())?;
    if experiment.plan.precision.is_some() {
        if resume {
            anyhow::bail!(
                "--resume cannot be used with --precision: a point is only finished when the whole sweep is precise enough"
            );
        }
        let results =
            experiment.pool.install(|| experiment::sweep::run_sweep(plan, &experiment.plan, &experiment.progress));
        let files = vec![
            ("sweep.csv".to_string(), output::experiments::sweep_csv(&results)),
            ("scenario.toml".to_string(), base.to_toml().into_bytes()),
        ];
        return experiment.finish(files, output::experiments::sweep_table(&results));
    }
    journaled_sweep(&base, plan, &experiment, resume)
}

/// A sweep that journals each point as it finishes, stops cleanly on
/// Ctrl-C, and with `resume` runs only the points its journal lacks.
fn journaled_sweep(
    base: &Scenario,
    plan: experiment::sweep::SweepPlan,
    experiment: &Experiment,
    resume: bool,
) -> Result<()> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    let hash = experiment::shard::sweep_hash(base);
    let total = plan.points.len();
    output::files::prepare_folder(&experiment.out)?;
    let path = experiment.out.join("sweep.journal");
    let (journal, done) = match resume {
        true => match output::journal::Journal::resume(&path, &hash, total)? {
            Some(found) => found,
            None => anyhow::bail!(
                "--resume: {} holds no journal of this sweep (same scenario, seed and replications); run without --resume to start it",
                experiment.out.display()
            ),
        },
        false => (output::journal::Journal::create(&path, &hash, total)?, Default::default()),
    };
    let resumed = done.len();
    let todo: Vec<&experiment::sweep::Point> = plan.points.iter().filter(|p| !done.contains_key(&p.number)).collect();
    let scenarios: Vec<Scenario> = todo.iter().map(|p| p.scenario.clone()).collect();
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    // A second Ctrl-C ends the process at once.
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let rows = Mutex::new(done);
    let fresh: Mutex<Vec<(usize, experiment::RunResults)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<output::OutputError>> = Mutex::new(None);
    let finished = |index: usize, replications: Vec<crate::model::ReplicationResult>| {
        let point = todo[index];
        let results = experiment::RunResults::new(point.scenario.clone(), replications);
        let row = output::experiments::sweep_row(point, &results);
        if let Err(error) = journal.append(&row) {
            failure.lock().expect("no panics").get_or_insert(error);
        }
        rows.lock().expect("no panics").insert(point.number, row);
        fresh.lock().expect("no panics").push((point.number, results));
    };
    let complete = experiment.pool.install(|| {
        experiment::jobs::replicate_each(
            &scenarios,
            0..experiment.plan.replications,
            experiment.plan.seed,
            &experiment.progress,
            &stop,
            &finished,
        )
    });
    experiment.progress.clear();
    if let Some(error) = failure.into_inner().expect("no panics") {
        return Err(error.into());
    }
    let rows = rows.into_inner().expect("no panics");
    if !complete {
        anyhow::bail!(
            "interrupted: {} of {total} points are saved in {}; run the same command with --resume to finish the others",
            rows.len(),
            path.display()
        );
    }
    let mut csv = output::experiments::sweep_header(&plan);
    for row in rows.values() {
        csv.push_str(row);
    }
    let files =
        vec![("sweep.csv".to_string(), csv.into_bytes()), ("scenario.toml".to_string(), base.to_toml().into_bytes())];
    let mut fresh = fresh.into_inner().expect("no panics");
    fresh.sort_by_key(|(number, _)| *number);
    let table = if resumed == 0 {
        let results = experiment::sweep::SweepResults { plan, results: fresh.into_iter().map(|(_, r)| r).collect() };
        output::experiments::sweep_table(&results)
    } else {
        format!("resumed: {resumed} of {total} points came from the journal, {} ran now\n", fresh.len())
    };
    experiment.finish(files, table)?;
    journal.remove();
    Ok(())
}

fn compare(base_path: &Path, variant_paths: &[PathBuf], args: &ExperimentArgs) -> Result<()> {
    let mut base = load(Some(base_path))?;
    let experiment = Experiment::new(&mut base, "compare", args)?;
    let mut variants = Vec::new();
    for path in variant_paths {
        let mut variant = load(Some(path))?;
        variant.set_replications(base.replications);
        variant.set_seed(base.seed);
        let label = path.file_stem().map_or(path.display().to_string(), |stem| stem.to_string_lossy().into_owned());
        variants.push((label, variant));
    }
    let mut points = vec![&base];
    points.extend(variants.iter().map(|(_, scenario)| scenario));
    experiment.check_size(args, &points)?;
    let base_scenario = base.clone();
    let results = experiment
        .pool
        .install(|| experiment::compare::compare(base_scenario, variants, &experiment.plan, &experiment.progress));
    let files = vec![
        ("compare.csv".to_string(), output::experiments::compare_csv(&results)),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    experiment.finish(files, output::experiments::compare_table(&results))
}

fn impact(path: Option<&Path>, steps: &[String], by: Option<&str>, args: &ExperimentArgs) -> Result<()> {
    let mut base = load(path)?;
    let experiment = Experiment::new(&mut base, "impact", args)?;
    let steps: Vec<experiment::impact::Step> = if steps.is_empty() {
        experiment::impact::Step::ALL.into_iter().filter(|step| base.behavior_enabled || !step.social()).collect()
    } else {
        steps.iter().map(|step| experiment::impact::Step::parse(step)).collect::<Result<_, _>>()?
    };
    let plan = experiment::impact::plan_impact(&base, &steps, by)?;
    let mut points = vec![&base];
    points.extend(plan.improvements.iter().map(|improvement| &improvement.scenario));
    experiment.check_size(args, &points)?;
    let base_scenario = base.clone();
    let results = experiment
        .pool
        .install(|| experiment::impact::run_impact(base_scenario, plan, &experiment.plan, &experiment.progress));
    let files = vec![
        ("impact.csv".to_string(), output::experiments::impact_csv(&results)),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    experiment.finish(files, output::experiments::impact_table(&results))
}

fn optimize(path: Option<&Path>, targets: &[String], max_hires: u32, args: &ExperimentArgs) -> Result<()> {
    let mut base = load(path)?;
    let experiment = Experiment::new(&mut base, "optimize", args)?;
    let targets: Vec<experiment::optimize::Target> =
        targets.iter().map(|t| experiment::optimize::Target::parse(t, &base)).collect::<Result<_, _>>()?;
    // At most one candidate per department for each person added or removed.
    let evaluations = 1 + 2 * (max_hires as usize + 1) * base.departments.len();
    experiment.check_size(args, &vec![&base; evaluations])?;
    let results = experiment
        .pool
        .install(|| experiment::optimize::optimize(&base, &targets, max_hires, &experiment.plan, &experiment.progress));
    let files = vec![
        ("optimize.csv".to_string(), output::experiments::optimize_csv(&results)),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    experiment.finish(files, output::experiments::optimize_table(&results))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
