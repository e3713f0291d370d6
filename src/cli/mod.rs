//! The `orgsim` command line: arguments → a scenario and settings → the
//! experiment → files and a printed summary.
//!
//! Arguments are parsed by clap into plain data ([`Cli`]); options shared by
//! several commands live in [`options`] (every command takes `--quiet`;
//! every command that simulates takes `--replications`, `--seed`,
//! `--threads` and `--allow-large` from one set), and each command has a
//! small module: [`run`], [`validate`], [`sweep`], [`experiments`]
//! (`compare`, `impact`, `optimize`), [`fit`], [`folders`] (`report`, `merge`) and
//! [`slurm`]. Each loads and checks its scenario (reading the file is the
//! only input this layer does), applies overrides, runs, and hands results
//! to [`crate::output`]. Errors are carried with anyhow and printed once,
//! with their whole chain; every error exits with code 2 (bad input or an
//! unwritable file) except a replication that stalled at run time
//! ([`crate::experiment::Stalled`]), which exits with 1; a closed pipe on
//! stdout exits quietly with 0.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

mod experiments;
mod fit;
mod folders;
pub(crate) mod options;
mod progress;
mod run;
mod slurm;
mod staffing;
mod studio;
mod sweep;
mod validate;

use crate::scenario::{DEFAULT_ORIGIN, DEFAULT_SCENARIO, DESK_SCENARIO, STARTER_SCENARIO, Scenario};

/// Simulate how work flows between an organization's departments and how
/// internal service reaches external customers.
#[derive(Debug, Parser)]
#[command(name = "orgsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print nothing but errors (and no progress bar or warnings).
    #[arg(long, global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate a scenario (the embedded default when no file is given) and
    /// write its results: CSV files, the time series, charts and report.html.
    Run(run::RunArgs),
    /// Check a scenario file and describe it: departments, staff, who needs
    /// whom, offered load, warnings.
    Validate {
        /// Scenario file (TOML); the embedded default when omitted.
        scenario: Option<PathBuf>,
        #[command(flatten)]
        settings: options::SetArgs,
    },
    /// Print a commented starter scenario: `orgsim new > my.toml`.
    New {
        /// A planner's service desk instead: half-hour slots with two daily
        /// peaks, shifts, an 80/20 service level, the social layer off
        #[arg(long)]
        desk: bool,
    },
    /// Run every point of the scenario's [sweep] table and write sweep.csv.
    Sweep(sweep::SweepArgs),
    /// Compare variants with a base scenario, paired (same customers), and
    /// write compare.csv.
    Compare(experiments::CompareArgs),
    /// Rank internal teams by what improving each is worth to external
    /// customers, and write impact.csv.
    Impact(experiments::ImpactArgs),
    /// Find the cheapest staffing that meets every target with confidence,
    /// and write optimize.csv.
    Optimize(experiments::OptimizeArgs),
    /// Build a scenario from a ticket log (CSV event log or status-history
    /// export), with fit.csv and fit.html; --check simulates it against the log.
    Fit(Box<fit::FitArgs>),
    /// Redraw the charts and report.html of an earlier run from its files.
    Report(folders::ReportArgs),
    /// Join the shards of a sweep run with --shard into sweep.csv, the plots
    /// and the report, exactly as one machine would have written them.
    Merge(folders::MergeArgs),
    /// Hand a sweep to a Slurm cluster: a job array of shards and a merge job.
    Slurm(slurm::SlurmArgs),
    /// A local what-if page for classes and workshops: change a team's
    /// staff, skill or demand and see its effect on customers, paired with
    /// the base (prints `listening on http://ADDR:PORT/` first).
    Studio(studio::StudioArgs),
}

/// Parses the process arguments, runs the command, and maps the outcome to
/// an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::output::guard::on_interrupt();
    let outcome = execute(cli);
    match &outcome {
        Ok(()) => crate::output::guard::keep(),
        // Files of an unfinished command are not results.
        Err(_) => crate::output::guard::take_back(),
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            // A model that stopped moving is a runtime failure, not bad input.
            if error.chain().any(|cause| cause.is::<crate::experiment::Stalled>()) {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Run(args) => run::run(args, quiet),
        Command::Validate { scenario, settings } => validate::validate(scenario.as_deref(), &settings, quiet),
        Command::New { desk } => print(if desk { DESK_SCENARIO } else { STARTER_SCENARIO }),
        Command::Sweep(args) => sweep::sweep(&args, quiet),
        Command::Compare(args) => experiments::compare(&args, quiet),
        Command::Impact(args) => experiments::impact(&args, quiet),
        Command::Optimize(args) => experiments::optimize(&args, quiet),
        Command::Fit(args) => fit::fit(&args, quiet),
        Command::Report(args) => folders::report(&args, quiet),
        Command::Merge(args) => folders::merge(&args, quiet),
        Command::Slurm(args) => slurm::command(&args, quiet),
        Command::Studio(args) => studio::studio(&args, quiet),
    }
}

/// Writes `text` to stdout.
fn print(text: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Writes `text` to stdout unless `quiet`.
fn say(quiet: bool, text: &str) -> Result<()> {
    if quiet { Ok(()) } else { print(text) }
}

/// Reads and checks a scenario file, or the embedded default.
fn load(path: Option<&Path>) -> Result<Scenario> {
    match path {
        None => Ok(Scenario::from_toml_str(DEFAULT_SCENARIO, DEFAULT_ORIGIN)?),
        Some(path) => {
            crate::output::guard::protect(path);
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read scenario file {}", path.display()))?;
            Ok(Scenario::from_toml_str(&text, &path.display().to_string())?)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
