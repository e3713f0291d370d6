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
    /// write summary.csv, departments.csv, replications.csv and scenario.toml.
    Run(RunArgs),
    /// Check a scenario file and describe it: departments, staff, who needs
    /// whom, offered load, warnings.
    Validate {
        /// Scenario file (TOML); the embedded default when omitted.
        scenario: Option<PathBuf>,
    },
    /// Print a commented starter scenario: `orgsim new > my.toml`.
    New,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Number of replications (overrides the scenario's `replications`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    replications: Option<u32>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Worker threads [default: one per core]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    threads: Option<u32>,
    /// Print nothing but errors.
    #[arg(long)]
    quiet: bool,
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
    if let Some(replications) = args.replications {
        scenario.set_replications(replications);
    }
    if let Some(seed) = args.seed {
        scenario.set_seed(seed);
    }
    let out = args.out.unwrap_or_else(|| Path::new("output").join(&scenario.name));
    if out.exists() && !out.is_dir() {
        anyhow::bail!("--out {}: exists and is not a folder; give a folder path", out.display());
    }
    if !args.quiet {
        for warning in load_warnings(&scenario) {
            eprintln!("warning: {warning}");
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |threads| threads as usize))
        .build()
        .context("cannot start the worker threads")?;
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
    if let Some((path, mut writer)) = trace {
        crate::model::simulate_observed(&results.scenario, 0, results.scenario.seed, &mut writer);
        writer.finish(path)?;
    }
    if !args.quiet {
        let mut text = output::table::summary_table(&results);
        text.push_str(&format!(
            "\nwrote {}, timeseries.csv to {}\n",
            files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", "),
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
