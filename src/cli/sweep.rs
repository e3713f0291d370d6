//! `orgsim sweep`: every point of the scenario's `[sweep]` table, counted
//! and size-checked before a point is built; with `--shard K/N` one share
//! of the points; otherwise journaled point by point, so Ctrl-C stops
//! cleanly and `--resume` finishes the rest.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::options::{Experiment, ExperimentArgs, Work};
use super::{load, print};
use crate::experiment;
use crate::output;
use crate::scenario::Scenario;

#[derive(Debug, Args)]
pub(super) struct SweepArgs {
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
}

/// Counts the points of the `[sweep]` table of `base`, refuses the sweep if
/// that many points would be too large (before building them), then builds
/// and checks every point, and checks their size exactly.
pub(super) fn plan_checked(
    base: &Scenario,
    origin: &str,
    check: impl Fn(&[Work]) -> Result<()>,
) -> Result<experiment::sweep::SweepPlan> {
    let points = experiment::sweep::count_points(base, origin)?;
    check(&[Work { scenario: base, copies: points }])?;
    let plan = experiment::sweep::plan_sweep(base, origin)?;
    check(&plan.points.iter().map(|p| Work::one(&p.scenario)).collect::<Vec<_>>())?;
    Ok(plan)
}

/// Runs the sweep as asked.
pub(super) fn sweep(args: &SweepArgs, quiet: bool) -> Result<()> {
    let (path, shard, resume) = (args.scenario.as_path(), args.shard.as_deref(), args.resume);
    let args = &args.common;
    let mut base = load(Some(path))?;
    let experiment = Experiment::new(&mut base, "sweep", args, quiet)?;
    let origin = path.display().to_string();
    if let Some(shard) = shard {
        let shard = experiment::shard::Shard::parse(shard)?;
        if args.precision.is_some() {
            anyhow::bail!("--precision cannot be used with --shard: every shard must run the same replications");
        }
        if resume {
            anyhow::bail!("--resume cannot be used with --shard: rerun a failed shard whole");
        }
        // Every point is built (at most MOST_POINTS, refused when the
        // scenario was checked) to share them out; only this shard's
        // points are sized.
        let mut plan = experiment::sweep::plan_sweep(&base, &origin)?;
        let points_total = plan.points.len();
        let members =
            experiment::shard::assign(&plan, base.replications, shard.count).swap_remove(shard.index as usize);
        experiment::shard::restrict(&mut plan, &members);
        let pilots = u64::from(experiment.warmup_chosen) + 1;
        experiment.check_size(
            args,
            &plan.points.iter().map(|p| Work { scenario: &p.scenario, copies: pilots }).collect::<Vec<_>>(),
        )?;
        pilot_points(plan.points.iter_mut(), &experiment, quiet)?;
        let results =
            experiment.pool.install(|| experiment::sweep::run_sweep(plan, &experiment.plan, &experiment.progress))?;
        let manifest = experiment::shard::Manifest {
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_hash: experiment::shard::sweep_hash(&base),
            seed: base.seed,
            replications: base.replications,
            shard: shard.index,
            shards: shard.count,
            points_total,
            points: members,
            kind: None,
        };
        experiment.progress.clear();
        output::write_files(
            &experiment.out,
            &output::shards::shard_files(&manifest, output::experiments::sweep_csv(&results), base.to_toml()),
        )?;
        if !quiet {
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
    // With an automatic warm-up every point runs its own pilot first.
    let pilots = u64::from(experiment.warmup_chosen) + 1;
    let mut plan = plan_checked(&base, &origin, |work| {
        let piloted: Vec<Work> =
            work.iter().map(|w| Work { scenario: w.scenario, copies: w.copies * pilots }).collect();
        experiment.check_size(args, &piloted)
    })?;
    if experiment.plan.precision.is_some() {
        if resume {
            anyhow::bail!(
                "--resume cannot be used with --precision: a point is only finished when the whole sweep is precise enough"
            );
        }
        pilot_points(plan.points.iter_mut(), &experiment, quiet)?;
        let results =
            experiment.pool.install(|| experiment::sweep::run_sweep(plan, &experiment.plan, &experiment.progress))?;
        let files = vec![
            ("sweep.csv".to_string(), output::experiments::sweep_csv(&results)),
            ("scenario.toml".to_string(), base.to_toml().into_bytes()),
        ];
        let verdicts = point_verdicts(&results.plan, results.results.iter().map(|r| r.verdict()));
        return experiment.finish(files, output::experiments::sweep_table(&results), &verdicts);
    }
    journaled_sweep(&base, plan, &experiment, resume, quiet)
}

/// With an automatic warm-up, each of `points` runs its own pilot and
/// takes its own MSER-5 truncation (a point with a heavier load settles
/// later), and the range chosen is said.
fn pilot_points<'a>(
    points: impl Iterator<Item = &'a mut experiment::sweep::Point>,
    experiment: &Experiment,
    quiet: bool,
) -> Result<()> {
    if !experiment.warmup_chosen {
        return Ok(());
    }
    let mut scenarios: Vec<&mut Scenario> = points.map(|p| &mut p.scenario).collect();
    if scenarios.is_empty() {
        return Ok(());
    }
    let (smallest, largest) = experiment.pool.install(|| experiment::choose_warmups(&mut scenarios))?;
    if !quiet {
        let number = crate::scenario::ranges::number;
        eprintln!(
            "warm-up: each of {} points its own, chosen by MSER-5 on its pilot run ({} to {})",
            scenarios.len(),
            number(smallest),
            number(largest)
        );
    }
    Ok(())
}

/// A sweep that journals each point as it finishes, stops cleanly on
/// Ctrl-C, and with `resume` runs only the points its journal lacks.
fn journaled_sweep(
    base: &Scenario,
    mut plan: experiment::sweep::SweepPlan,
    experiment: &Experiment,
    resume: bool,
    quiet: bool,
) -> Result<()> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    let hash = experiment::shard::sweep_hash(base);
    let total = plan.points.len();
    output::files::prepare_folder(&experiment.out)?;
    let path = experiment.out.join("sweep.journal");
    let (journal, done) = match resume {
        true => match output::journal::Journal::resume(&path, &hash, total, &|line| {
            output::experiments::check_sweep_row(line, &plan)
        })? {
            Some(found) => found,
            None => anyhow::bail!(
                "--resume: {} holds no journal of this sweep (same scenario, seed and replications); run without --resume to start it",
                experiment.out.display()
            ),
        },
        false => (output::journal::Journal::create(&path, &hash, total)?, Default::default()),
    };
    let resumed = done.len();
    pilot_points(plan.points.iter_mut().filter(|p| !done.contains_key(&p.number)), experiment, quiet)?;
    let todo: Vec<&experiment::sweep::Point> = plan.points.iter().filter(|p| !done.contains_key(&p.number)).collect();
    let scenarios: Vec<Scenario> = todo.iter().map(|p| p.scenario.clone()).collect();
    // Ctrl-C lets the points in progress finish and saves them; a second
    // one ends the process at once.
    static STOP: AtomicBool = AtomicBool::new(false);
    let stop = &STOP;
    output::guard::stop_gracefully(stop);
    let rows = Mutex::new(done);
    let fresh: Mutex<Vec<(usize, experiment::RunResults)>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<output::OutputError>> = Mutex::new(None);
    let stalled: Mutex<Option<experiment::Stalled>> = Mutex::new(None);
    let finished = |index: usize, replications: Vec<crate::model::ReplicationResult>| {
        if let Err(stall) = experiment::Stalled::check(&replications) {
            let stall = stall.in_run(&format!("sweep {}", plan.label(todo[index])));
            stalled.lock().expect("no panics").get_or_insert(stall);
            stop.store(true, Ordering::SeqCst);
            return;
        }
        let point = todo[index];
        let results = experiment::RunResults::reduced(point.scenario.clone(), replications);
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
            stop,
            &finished,
        )
    });
    experiment.progress.clear();
    if let Some(stall) = stalled.into_inner().expect("no panics") {
        return Err(stall.into());
    }
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
    // Resumed points are only text: their verdict is the row's last field.
    let verdicts = point_verdicts(
        &plan,
        rows.values().map(|row| {
            let word = row.trim_end().rsplit(',').next().unwrap_or("");
            experiment::diagnostics::Verdict::parse(word).unwrap_or(experiment::diagnostics::Verdict::Ok)
        }),
    );
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
    experiment.finish(files, table, &verdicts)?;
    journal.remove();
    Ok(())
}

/// Each point's label (its number and settings) with its verdict.
fn point_verdicts(
    plan: &experiment::sweep::SweepPlan,
    verdicts: impl Iterator<Item = experiment::diagnostics::Verdict>,
) -> Vec<(String, experiment::diagnostics::Verdict)> {
    plan.points.iter().zip(verdicts).map(|(point, verdict)| (plan.label(point), verdict)).collect()
}
