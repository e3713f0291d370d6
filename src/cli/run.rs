//! `orgsim run`: simulates a scenario's replications and writes every
//! result file, the time series, the charts and report.html.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;

use super::options::{SimulationArgs, Work, output_folder};
use super::validate::load_warnings;
use super::{load, print};
use crate::experiment;
use crate::output;
use crate::scenario::{Baseline, Scenario};

#[derive(Debug, Args)]
pub(super) struct RunArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    simulation: SimulationArgs,
    /// Skip the charts (report.html is still written, without them).
    #[arg(long)]
    no_plots: bool,
    /// Also write every event of replication 0 (time, event, department,
    /// work and case ids, quality, attitude) to this CSV file.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
    /// Also write replication 0 as an event log (the columns process-mining
    /// tools and `orgsim fit` read) to this CSV file; needs time_unit
    /// second, minute, hour or day.
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
    /// The instant time 0 stands for in the event log (RFC 3339)
    /// [default: the scenario's start_time read as UTC, else
    /// 2024-01-01T00:00:00Z].
    #[arg(long, value_name = "INSTANT", requires = "events")]
    events_start: Option<String>,
    /// Run a story alone: without its `[story] baseline`, and so without
    /// story.csv.
    #[arg(long)]
    no_story: bool,
}

/// Runs the scenario and writes its files.
pub(super) fn run(args: RunArgs, quiet: bool) -> Result<()> {
    let mut scenario = load(args.scenario.as_deref())?;
    args.simulation.apply(&mut scenario)?;
    let mut baseline = story_setup(&args, &mut scenario)?;
    let clock = match &args.events {
        Some(_) => Some(
            output::events::check_clock(
                &args.events_start.clone().unwrap_or_else(|| output::events::start_instant(scenario.start_time)),
                &scenario.time_unit,
                scenario.horizon,
            )
            .map_err(anyhow::Error::msg)?,
        ),
        None => None,
    };
    let out = output_folder(args.out.as_deref(), &scenario, None)?;
    let streams: Vec<&std::path::Path> = args.events.iter().chain(&args.trace).map(|p| p.as_path()).collect();
    output::guard::refuse_inputs(&out, &output::RUN_FOLDER_FILES, &streams)?;
    refuse_changed_inputs(&out, &scenario, baseline.as_ref())?;
    let pool = args.simulation.pool()?;
    let work: Vec<Work> = std::iter::once(&scenario).chain(&baseline).map(Work::one).collect();
    args.simulation.check_size(&work, scenario.replications, pool.current_num_threads(), true)?;
    args.simulation.choose_warmup(&mut scenario, &pool, quiet)?;
    if let Some(base) = &mut baseline {
        args.simulation.choose_warmup(base, &pool, quiet)?;
    }
    if !quiet {
        for warning in load_warnings(&scenario) {
            eprintln!("warning: {warning}");
        }
    }
    let trace = match &args.trace {
        Some(path) => Some(output::streams::TraceWriter::create(path)?),
        None => None,
    };
    let events = match (&args.events, clock) {
        (Some(path), Some(clock)) => Some(output::events::EventLogWriter::create(path, clock)?),
        _ => None,
    };
    let social = scenario.behavior_enabled;
    let created = output::files::prepare_folder(&out)?;
    let (results, parts) = pool.install(|| {
        experiment::run_observed(scenario, |replication| {
            output::streams::TimeseriesPart::create(&out, replication, social)
        })
    });
    let mut judged = Vec::new();
    let mut story_files_written = Vec::new();
    // A stalled run, or a stalled baseline of a story, leaves nothing.
    let stalled = match experiment::Stalled::check(&results.replications) {
        Err(stall) => Some(anyhow::Error::from(stall)),
        Ok(()) => match (baseline, &results.scenario.story) {
            (Some(base), Some(story)) => {
                let base = pool.install(|| experiment::run(base));
                match experiment::Stalled::check(&base.replications) {
                    Err(stall) => Some(anyhow::Error::from(stall).context("the story's baseline")),
                    Ok(()) => {
                        judged = experiment::story::judge(story, &base, &results);
                        story_files_written = story_files(story, &judged, &base);
                        None
                    }
                }
            }
            _ => None,
        },
    };
    if let Some(error) = stalled {
        output::files::abandon_run(&out, created, parts);
        if let Some(writer) = trace {
            writer.abandon();
        }
        if let Some(writer) = events {
            writer.abandon();
        }
        return Err(error);
    }
    let mut files = output::run_files(&results);
    files.extend(story_files_written);
    output::files::finish_run(&out, created, &files, parts, social)?;
    output::report::write_run_report(&out, !args.no_plots)?;
    write_streams(&results.scenario, trace, events)?;
    if !quiet {
        for warning in output::trust::warnings(&results.diagnostics, results.replications.len()) {
            eprintln!("warning: {warning}");
        }
        print(&summary(&args, &results, &judged, &files, &out))?;
    }
    Ok(())
}

/// Replication 0 again, observed by the trace and event-log writers asked
/// for.
fn write_streams(
    scenario: &Scenario,
    trace: Option<output::streams::TraceWriter>,
    events: Option<output::events::EventLogWriter>,
) -> Result<()> {
    if let Some(mut writer) = trace {
        crate::model::simulate_observed(scenario, 0, scenario.seed, &mut writer);
        writer.finish()?;
    }
    if let Some(mut writer) = events {
        crate::model::simulate_observed(scenario, 0, scenario.seed, &mut writer);
        writer.finish()?;
    }
    Ok(())
}

/// What the terminal says after a run: the summary, a story's verdicts,
/// and the files written.
fn summary(
    args: &RunArgs,
    results: &experiment::RunResults,
    judged: &[experiment::story::Outcome],
    files: &[(String, Vec<u8>)],
    out: &Path,
) -> String {
    let mut text = output::table::summary_table(results);
    if !judged.is_empty() {
        text.push_str(&output::story::story_table(judged, &results.scenario.time_unit));
    }
    text.push_str(&format!(
        "\nwrote {}, timeseries.csv, report.html{} to {}\n",
        files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", "),
        if args.no_plots { "" } else { ", plots/" },
        out.display()
    ));
    if let Some(path) = &args.trace {
        text.push_str(&format!("wrote the event trace of replication 0 to {}\n", path.display()));
    }
    if let Some(path) = &args.events {
        text.push_str(&format!("wrote replication 0 as an event log to {}\n", path.display()));
    }
    text
}

/// The story's baseline to run beside it (none with `--no-story` or
/// without one); the resolved story points at the copy its output folder
/// will hold, so its scenario.toml reruns the story from there.
fn story_setup(args: &RunArgs, scenario: &mut Scenario) -> Result<Option<Scenario>> {
    let baseline = match args.no_story {
        true => None,
        false => story_baseline(args.scenario.as_deref(), scenario, args)?,
    };
    match &baseline {
        None => scenario.set_story_baseline(None),
        Some((_, Baseline::Embedded)) => {}
        Some((_, Baseline::File(_))) => scenario.set_story_baseline(Some(Baseline::File(BASELINE_FILE.into()))),
    }
    Ok(baseline.map(|(base, _)| base))
}

/// The scenario may be rerun from its own folder (a story with its
/// baseline.toml): those inputs stay as they are when the run writes the
/// same bytes, and are refused otherwise.
fn refuse_changed_inputs(out: &Path, scenario: &Scenario, baseline: Option<&Scenario>) -> Result<()> {
    let copied = scenario.resolved.story.as_ref().and_then(|s| s.baseline.as_deref()) == Some(BASELINE_FILE);
    let base_file = baseline.filter(|_| copied);
    for (name, written) in std::iter::once(("scenario.toml", scenario)).chain(base_file.map(|b| (BASELINE_FILE, b))) {
        if let Some(input) = output::guard::input_at(&out.join(name))
            && std::fs::read(&input).ok() != Some(written.to_toml().into_bytes())
        {
            output::guard::refuse_inputs(out, &[name], &[])?;
        }
    }
    Ok(())
}

/// story.csv, and the baseline's copy when the story names a file.
fn story_files(
    story: &crate::scenario::Story,
    judged: &[experiment::story::Outcome],
    base: &experiment::RunResults,
) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("story.csv".to_string(), output::story::story_csv(judged))];
    if story.baseline == Some(Baseline::File(BASELINE_FILE.into())) {
        files.push((BASELINE_FILE.to_string(), base.scenario.to_toml().into_bytes()));
    }
    files
}

/// The copy of a story's baseline file in its output folder.
const BASELINE_FILE: &str = "baseline.toml";

/// The baseline a story runs against, with the story's seed and
/// replications (and the same command-line settings), so the two are
/// paired; `None` for a scenario without `[story] baseline`. Its path is
/// relative to the story's file.
fn story_baseline(path: Option<&Path>, told: &Scenario, args: &RunArgs) -> Result<Option<(Scenario, Baseline)>> {
    let Some(story) = &told.story else { return Ok(None) };
    let Some(baseline) = &story.baseline else { return Ok(None) };
    experiment::story::check_metrics(story, told, "the story")?;
    let (mut base, which) = match baseline {
        Baseline::Embedded => (load(None)?, "the embedded baseline".to_string()),
        Baseline::File(relative) => {
            let folder = path.and_then(Path::parent).unwrap_or(Path::new(""));
            let file = folder.join(relative);
            let base = load(Some(&file)).with_context(|| {
                format!(
                    "{}: story.baseline = {relative:?} (give a scenario file relative to the story's own, or \"embedded\")",
                    path.map_or("<embedded default scenario>".into(), |p| p.display().to_string())
                )
            })?;
            (base, format!("the baseline {}", file.display()))
        }
    };
    args.simulation.apply_overrides(&mut base)?;
    base.set_seed(told.seed);
    base.set_replications(told.replications);
    base.drop_story();
    experiment::story::check_metrics(story, &base, &which)?;
    Ok(Some((base, baseline.clone())))
}
