//! Commands on output folders: `orgsim report` redraws a folder's charts
//! and report from its files; `orgsim merge` joins a sharded sweep.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::say;
use crate::output;

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// The run's output folder.
    folder: PathBuf,
    /// Skip the charts.
    #[arg(long)]
    no_plots: bool,
}

#[derive(Debug, Args)]
pub(super) struct MergeArgs {
    /// The folder the shards wrote to.
    folder: PathBuf,
    /// Output folder [default: the shard folder]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Redraws the charts and report of a folder.
pub(super) fn report(args: &ReportArgs, quiet: bool) -> Result<()> {
    output::report::write_report(&args.folder, !args.no_plots)?;
    say(
        quiet,
        &format!(
            "wrote {} in {}\n",
            if args.no_plots { "report.html" } else { "plots/ and report.html" },
            args.folder.display()
        ),
    )
}

/// Joins the shards of a sweep.
pub(super) fn merge(args: &MergeArgs, quiet: bool) -> Result<()> {
    let out = args.out.clone().unwrap_or_else(|| args.folder.clone());
    let kind = output::shards::merge(&args.folder, &out)?;
    output::report::write_experiment_report(&out, kind, true)?;
    let file = if kind == "robust" { "robust.csv" } else { "sweep.csv" };
    say(quiet, &format!("merged the shards in {} into {}\n", args.folder.display(), out.join(file).display()))
}
