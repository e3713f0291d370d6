//! `orgsim compare`, `impact` and `optimize`: paired experiments on one
//! base scenario, each sized before it runs.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::load;
use super::options::{Experiment, ExperimentArgs, Work};
use crate::experiment;
use crate::output;

#[derive(Debug, Args)]
pub(super) struct CompareArgs {
    /// The base scenario.
    base: PathBuf,
    /// Variant scenario files; they run with the base's seed and
    /// replications.
    #[arg(required_unless_present = "variant_set")]
    variants: Vec<PathBuf>,
    /// A variant made from the base by changing values:
    /// 'PATH=VALUE;PATH=VALUE' (repeatable, one variant each, named
    /// `variant 1`, `variant 2`, … in compare.csv).
    #[arg(long = "variant-set", value_name = "PATH=VALUE;…", value_parser = parse_variant)]
    variant_set: Vec<Vec<crate::scenario::edit::Setting>>,
    #[command(flatten)]
    common: ExperimentArgs,
}

/// A `--variant-set`: settings separated by `;`.
fn parse_variant(text: &str) -> Result<Vec<crate::scenario::edit::Setting>, String> {
    let settings: Vec<_> = text
        .split(';')
        .filter(|part| !part.trim().is_empty())
        .map(crate::scenario::edit::Setting::parse)
        .collect::<Result<_, _>>()?;
    if settings.is_empty() {
        return Err("give at least one PATH=VALUE, e.g. 'department.IT.staff=6;department.IT.skill=0.9'".into());
    }
    Ok(settings)
}

#[derive(Debug, Args)]
pub(super) struct ImpactArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    scenario: Option<PathBuf>,
    /// Improvement to try: staff (+1), skill (+0.1), morale (+0.1
    /// baseline), silo (−20% silo delay); repeatable [default: all that
    /// apply]
    #[arg(long = "step", value_name = "STEP")]
    steps: Vec<String>,
    /// Metric to rank by [default: revenue_at_risk; with the social layer
    /// off ext_abandon_rate, or ext_resolution_mean when nobody abandons]
    #[arg(long, value_name = "METRIC")]
    by: Option<String>,
    /// Rank the front-line departments beside the internal ones (an
    /// organization with no internal department ranks its front line
    /// anyway).
    #[arg(long, conflicts_with = "robust")]
    include_front_line: bool,
    /// The change whose chain to the customer is drawn (chain.csv,
    /// plots/chain): a ranked department, optionally with its step
    /// (staff, skill, morale, silo) [default: the top-ranked row].
    #[arg(long, value_name = "DEPT[:STEP]", conflicts_with = "robust")]
    chain: Option<String>,
    /// Rank the teams in many plausible worlds (a Latin hypercube over the
    /// social layer's assumptions): robust.csv, robust-assumptions.csv.
    /// Runs twice as much as the worlds alone: as many seeds-only runs of
    /// the scenario's own assumptions tell replication noise apart.
    #[arg(long)]
    robust: bool,
    /// With --robust: run only shard K of N of the worlds (K from 0),
    /// writing shard-K-of-N.csv and its manifest; `orgsim merge` joins them.
    #[arg(long, value_name = "K/N", requires = "robust")]
    shard: Option<String>,
    /// Plausible worlds of --robust (2 to 10000); --replications apply per world.
    #[arg(long, value_name = "N", default_value_t = 64, requires = "robust", value_parser = clap::value_parser!(u32).range(2..=10_000))]
    worlds: u32,
    #[command(flatten)]
    confirm: ConfirmArgs,
    #[command(flatten)]
    common: ExperimentArgs,
}

#[derive(Debug, Args)]
pub(super) struct OptimizeArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub(super) scenario: Option<PathBuf>,
    /// A target such as "ext_abandon_rate<=0.05" (repeatable).
    #[arg(long = "target", value_name = "TARGET", required = true)]
    pub(super) targets: Vec<String>,
    /// Most people that may be added in total across departments; the
    /// removal pass takes away at most this many plus one [default: 10;
    /// not with --by-interval].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub(super) max_hires: Option<u32>,
    /// Staff every department slot by slot of the period (iterative
    /// staffing algorithm), then cover it with shifts: writes staffing.csv
    /// and optimized.toml. Targets: wait_prob<=A, abandon_rate<=A,
    /// service_level>=A, asa<=T, occupancy<=A.
    #[arg(long)]
    by_interval: bool,
    /// Allowed shift lengths for --by-interval, comma-separated, each a
    /// whole number of slots and at most the period.
    #[arg(
        long,
        value_name = "LENGTHS",
        value_delimiter = ',',
        default_value = "480",
        requires = "by_interval",
        allow_negative_numbers = true
    )]
    pub(super) shift_lengths: Vec<f64>,
    /// When shifts may start, on the clock from `start_time`:
    /// LENGTH@HH:MM-HH:MM for one of --shift-lengths, or HH:MM-HH:MM for
    /// every length (repeatable; windows for one length add up; a window
    /// may wrap past midnight)
    #[arg(long, value_name = "[LENGTH@]HH:MM-HH:MM", requires = "by_interval")]
    pub(super) shift_starts: Vec<String>,
    /// At most N people on shifts of LENGTH (one of --shift-lengths), in
    /// each department: LENGTH=N, N from 0 to 1,000,000 (repeatable)
    #[arg(long, value_name = "LENGTH=N", requires = "by_interval")]
    pub(super) max_shifts: Vec<String>,
    /// The fewest people on duty in every slot: N for every department, or
    /// DEPT=N for one, N from 0 to 1,000,000 (repeatable)
    #[arg(long, value_name = "[DEPT=]N", requires = "by_interval")]
    pub(super) min_staff: Vec<String>,
    /// A break every person on shifts of LENGTH takes, in whole slots:
    /// "LENGTH: after=A, window=W, length=L" starts it between A and A + W
    /// into the shift (W default 0); the cover places each person's break
    /// (repeatable, in order; at most 10 per length)
    #[arg(long, value_name = "LENGTH: after=A, window=W, length=L", requires = "by_interval")]
    pub(super) shift_break: Vec<String>,
    #[command(flatten)]
    pub(super) confirm: ConfirmArgs,
    #[command(flatten)]
    pub(super) common: ExperimentArgs,
}

/// How a recommendation is confirmed on fresh replications.
#[derive(Debug, Args)]
pub(super) struct ConfirmArgs {
    /// Replications of each confirmation round, 1 to 1,000,000: the
    /// recommendation is measured again under seeds derived from the master
    /// seed and `confirm:<round>`, and only those figures are reported
    /// [default: as many as the choice used]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    confirm_replications: Option<u32>,
}

impl ConfirmArgs {
    pub(super) fn confirm(&self) -> experiment::confirm::Confirm {
        experiment::confirm::Confirm::Rounds(self.confirm_replications)
    }

    /// `runs` confirmation runs of a scenario as copies of it run with
    /// the choice's `replications` (the size check's unit).
    pub(super) fn copies(&self, runs: u64, replications: u32) -> u64 {
        (runs * u64::from(self.confirm_replications.unwrap_or(replications))).div_ceil(u64::from(replications.max(1)))
    }
}

/// Runs the variants against the base, paired.
pub(super) fn compare(args: &CompareArgs, quiet: bool) -> Result<()> {
    let common = &args.common;
    let mut base = load(Some(&args.base))?;
    let experiment = Experiment::new(&mut base, "compare", common, quiet)?;
    let mut variants = Vec::new();
    for path in &args.variants {
        let mut variant = load(Some(path))?;
        variant.set_replications(base.replications);
        variant.set_seed(base.seed);
        let label = path.file_stem().map_or(path.display().to_string(), |stem| stem.to_string_lossy().into_owned());
        variants.push((label, variant));
    }
    for (index, settings) in args.variant_set.iter().enumerate() {
        let mut variant = crate::scenario::edit::apply(&base, settings)?;
        variant.set_replications(base.replications);
        variant.set_seed(base.seed);
        variants.push((format!("variant {}", index + 1), variant));
    }
    let auto = experiment.warmup_chosen || variants.iter().any(|(_, v)| v.warmup_auto);
    // Each variant's pilot counts in the size too.
    let copies = if auto { 2 } else { 1 };
    let mut work = vec![Work::one(&base)];
    work.extend(variants.iter().map(|(_, scenario)| Work { scenario, copies }));
    experiment.check_size(common, &work)?;
    if auto {
        let mut runs: Vec<&mut crate::scenario::Scenario> = variants.iter_mut().map(|(_, v)| v).collect();
        common_warmup(&experiment, &mut base, &mut runs, quiet)?;
    }
    let base_scenario = base.clone();
    let results = experiment
        .pool
        .install(|| experiment::compare::compare(base_scenario, variants, &experiment.plan, &experiment.progress))?;
    let mut files = vec![
        ("compare.csv".to_string(), output::experiments::compare_csv(&results)),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    let labels: Vec<String> = results.variants.iter().map(|v| v.label.clone()).collect();
    for (variant, stem) in results.variants.iter().zip(output::chain::chain_stems(&labels)) {
        if let Some((_, links)) = &variant.chain {
            files.push((format!("{stem}.csv"), output::chain::chain_csv(links)));
        }
    }
    let verdicts: Vec<_> = results
        .variants
        .iter()
        .map(|v| (format!("variant {}", v.label), results.base.verdict().max(v.results.verdict())))
        .collect();
    experiment.finish(files, output::experiments::compare_table(&results), &verdicts)
}

/// Ranks the internal teams by what improving each is worth.
pub(super) fn impact(args: &ImpactArgs, quiet: bool) -> Result<()> {
    let common = &args.common;
    let mut base = load(args.scenario.as_deref())?;
    let experiment = Experiment::new(&mut base, if args.robust { "robust" } else { "impact" }, common, quiet)?;
    let steps = experiment::impact::Step::chosen(&args.steps, base.behavior_enabled)?;
    if args.robust {
        if args.confirm.confirm_replications.is_some() {
            anyhow::bail!(
                "--confirm-replications does not apply to --robust: its shares are measured over the worlds, not chosen"
            );
        }
        return robust_impact(args, &base, &steps, &experiment, quiet);
    }
    let mut plan = experiment::impact::plan_impact(&base, &steps, args.by.as_deref(), args.include_front_line)?;
    let chain = args.chain.as_deref().map(|text| chain_choice(text, &plan)).transpose()?;
    // The screening run and the confirmation run, each of every variant,
    // and with an automatic warm-up each improvement's pilot.
    let copies = 1 + args.confirm.copies(1, experiment.plan.replications);
    let pilot = u64::from(experiment.warmup_chosen);
    let mut work = vec![Work { scenario: &base, copies }];
    work.extend(plan.improvements.iter().map(|i| Work { scenario: &i.scenario, copies: copies + pilot }));
    experiment.check_size(common, &work)?;
    if experiment.warmup_chosen {
        let mut runs: Vec<&mut crate::scenario::Scenario> =
            plan.improvements.iter_mut().map(|improvement| &mut improvement.scenario).collect();
        common_warmup(&experiment, &mut base, &mut runs, quiet)?;
    }
    let base_scenario = base.clone();
    let confirm = args.confirm.confirm();
    let results = experiment.pool.install(|| {
        experiment::impact::run_impact(base_scenario, plan, &experiment.plan, confirm, &experiment.progress)
    })?;
    let mut files = vec![
        ("impact.csv".to_string(), output::experiments::impact_csv(&results)),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    let drawn = match &chain {
        Some((department, step)) => {
            results.rows.iter().find(|r| r.department == *department && step.is_none_or(|s| r.step == s))
        }
        None => results.rows.first(),
    };
    if let Some(row) = drawn {
        files.push(("chain.csv".to_string(), output::chain::chain_csv(&row.chain)));
    }
    let verdicts: Vec<_> = results.rows.iter().map(|r| (format!("{} {}", r.department, r.step), r.verdict)).collect();
    experiment.finish(files, output::experiments::impact_table(&results), &verdicts)
}

/// `--chain DEPT[:STEP]`: a department the plan ranks, and the step when
/// one is named; an error lists what could be chosen.
fn chain_choice(
    text: &str,
    plan: &experiment::impact::ImpactPlan,
) -> Result<(String, Option<experiment::impact::Step>)> {
    let (department, step) = match text.rsplit_once(':') {
        Some((department, step)) if experiment::impact::Step::parse(step).is_ok() => {
            (department, experiment::impact::Step::parse(step).ok())
        }
        _ => (text, None),
    };
    let known = plan.improvements.iter().any(|i| i.department == department && step.is_none_or(|s| i.step == s));
    if !known {
        let mut choices: Vec<String> = plan.improvements.iter().map(|i| format!("{:?}", i.department)).collect();
        choices.dedup();
        anyhow::bail!(
            "--chain {text:?}: no such ranked change; the departments ranked are {} (add :staff, :skill, :morale or :silo to name a step)",
            choices.join(", ")
        );
    }
    Ok((department.to_string(), step))
}

/// Ranks the internal teams in many plausible worlds.
fn robust_impact(
    args: &ImpactArgs,
    base: &crate::scenario::Scenario,
    steps: &[experiment::impact::Step],
    experiment: &Experiment,
    quiet: bool,
) -> Result<()> {
    use experiment::robust::{plan_robust, run_robust, summarize};
    let plan = plan_robust(base, steps, args.by.as_deref(), args.worlds as usize, base.seed)?;
    let work: Vec<Work> = plan.scenarios().map(Work::one).collect();
    experiment.check_size(&args.common, &work)?;
    if let Some(shard) = &args.shard {
        return robust_shard(shard, base, steps, args, plan, experiment, quiet);
    }
    let results = experiment.pool.install(|| run_robust(&plan, &experiment.plan, &experiment.progress))?;
    let numbers: Vec<usize> = (1..=plan.values.len()).collect();
    let (teams, gains, seeds_only, worlds_file) = worlds_file(&plan, &results, &numbers);
    let summary = summarize(&plan.assumptions, &plan.values, &teams, (&gains, &seeds_only));
    if summary.importance.is_none() && !quiet {
        eprintln!("warning: {}", output::robust::too_few_worlds(plan.values.len(), plan.assumptions.len()));
    }
    let files = vec![
        ("robust.csv".to_string(), output::robust::robust_csv(&summary.table)),
        (
            "robust-assumptions.csv".to_string(),
            output::robust::assumptions_csv(&plan.assumptions, summary.importance.as_deref()),
        ),
        ("robust-worlds.csv".to_string(), worlds_file),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    experiment.finish(files, output::robust::robust_table(&summary.table, &summary.leaning), &[])
}

/// Runs one shard of the worlds and writes its rows of robust-worlds.csv
/// with a manifest.
fn robust_shard(
    shard: &str,
    base: &crate::scenario::Scenario,
    steps: &[experiment::impact::Step],
    args: &ImpactArgs,
    mut plan: experiment::robust::RobustPlan,
    experiment: &Experiment,
    quiet: bool,
) -> Result<()> {
    use experiment::robust::{restrict, run_robust, shard_worlds};
    let shard = experiment::shard::Shard::parse(shard)?;
    if args.common.precision.is_some() {
        anyhow::bail!("--precision cannot be used with --shard: every shard must run the same replications");
    }
    let worlds = plan.values.len();
    let members = shard_worlds(worlds, shard.index, shard.count);
    restrict(&mut plan, &members);
    let results = experiment.pool.install(|| run_robust(&plan, &experiment.plan, &experiment.progress))?;
    let (_, _, _, rows) = worlds_file(&plan, &results, &members);
    // The hash covers what every shard must share: the scenario, seed and
    // replications, the steps and the ranking metric.
    let setting = format!("{}|{steps:?}|{:?}", experiment::shard::sweep_hash(base), args.by);
    let manifest = experiment::shard::Manifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_hash: format!("{:016x}", crate::engine::streams::fnv1a(setting.as_bytes())),
        seed: base.seed,
        replications: base.replications,
        shard: shard.index,
        shards: shard.count,
        points_total: worlds,
        points: members.clone(),
        kind: Some("robust".into()),
    };
    experiment.progress.clear();
    output::write_files(&experiment.out, &output::shards::shard_files(&manifest, rows, base.to_toml()))?;
    if !quiet {
        super::print(&format!(
            "shard {} of {}: {} of {worlds} worlds; wrote {}.csv and {}.toml to {}\n",
            shard.index,
            shard.count,
            members.len(),
            shard.stem(),
            shard.stem(),
            experiment.out.display()
        ))?;
    }
    Ok(())
}

/// Most searches `optimize` runs with an automatic warm-up: after each,
/// every candidate's pilot may ask for a longer one.
const MOST_WARMUP_PASSES: u64 = 3;

/// Searches for the cheapest staffing that meets every target.
pub(super) fn optimize(args: &OptimizeArgs, quiet: bool) -> Result<()> {
    if args.by_interval {
        return super::staffing::staff_by_interval(args, quiet);
    }
    let common = &args.common;
    let mut base = load(args.scenario.as_deref())?;
    let experiment = Experiment::new(&mut base, "optimize", common, quiet)?;
    let targets: Vec<experiment::optimize::Target> =
        args.targets.iter().map(|t| experiment::optimize::Target::parse(t, &base)).collect::<Result<_, _>>()?;
    let max_hires = args.max_hires.unwrap_or(10);
    // At most one candidate per department for each person added or
    // removed, and the confirmation rounds.
    let departments = base.departments.len() as u64;
    let evaluations = 1
        + 2 * (u64::from(max_hires) + 1) * departments
        + args
            .confirm
            .copies(u64::from(experiment::confirm::MOST_ROUNDS) * (1 + departments), experiment.plan.replications);
    // With an automatic warm-up every candidate has a pilot too, and the
    // search may run again with a longer warm-up.
    let passes = if experiment.warmup_chosen { 2 * MOST_WARMUP_PASSES } else { 1 };
    experiment.check_size(common, &[Work { scenario: &base, copies: evaluations * passes }])?;
    let confirm = args.confirm.confirm();
    let search = |base: &crate::scenario::Scenario| {
        experiment.pool.install(|| {
            experiment::optimize::optimize(base, &targets, max_hires, &experiment.plan, confirm, &experiment.progress)
        })
    };
    let mut results = search(&base)?;
    if experiment.warmup_chosen {
        // Every candidate's own truncation; the largest for all of them, so
        // every candidate is measured on one counted window.
        for _ in 1..MOST_WARMUP_PASSES {
            let mut runs: Vec<crate::scenario::Scenario> =
                results.candidates.iter().map(|c| c.results.scenario.clone()).collect();
            let mut refs: Vec<&mut crate::scenario::Scenario> = runs.iter_mut().collect();
            let (_, largest) = experiment.pool.install(|| experiment::choose_warmups(&mut refs))?;
            if largest <= base.warmup {
                break;
            }
            base.set_warmup(largest);
            if !quiet {
                eprintln!(
                    "warm-up: {} for every candidate, the largest of their own MSER-5 choices (a candidate settles later than the base); searching again",
                    crate::scenario::ranges::number(largest)
                );
            }
            results = search(&base)?;
        }
    }
    let files = vec![
        ("optimize.csv".to_string(), output::experiments::optimize_csv(&results)),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    let mut verdicts: Vec<_> = results
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("candidate {} ({})", i + 1, c.phase), c.results.verdict()))
        .collect();
    if let Some(confirmation) = &results.confirmation {
        verdicts.push(("the recommendation on fresh replications".into(), confirmation.results.verdict()));
    }
    experiment.finish(files, output::experiments::optimize_table(&results), &verdicts)
}

/// Each world's verdict: the worst of its baseline and improvements.
fn world_verdicts(results: &[experiment::impact::ImpactResults]) -> Vec<experiment::diagnostics::Verdict> {
    results.iter().map(|r| r.rows.iter().map(|row| row.verdict).max().unwrap_or(r.base.verdict())).collect()
}

/// The teams, each world's best gains (worlds numbered `numbers`), each
/// seeds-only run's, and the rows of `robust-worlds.csv`.
type WorldsFile = (Vec<String>, Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<u8>);

fn worlds_file(
    plan: &experiment::robust::RobustPlan,
    (worlds, seeds_only): &(Vec<experiment::impact::ImpactResults>, Vec<experiment::impact::ImpactResults>),
    numbers: &[usize],
) -> WorldsFile {
    use output::robust::WorldRow;
    let (teams, gains) = experiment::robust::best_gains(plan, worlds);
    let (_, seeds_gains) = experiment::robust::best_gains(plan, seeds_only);
    let (world_verdicts, seeds_verdicts) = (world_verdicts(worlds), world_verdicts(seeds_only));
    let mut rows: Vec<WorldRow> = numbers
        .iter()
        .enumerate()
        .map(|(i, &number)| WorldRow {
            number,
            kind: "world",
            values: &plan.values[i],
            gains: &gains[i],
            verdict: world_verdicts[i],
        })
        .collect();
    rows.extend(plan.seeds_only.iter().enumerate().map(|(i, &number)| WorldRow {
        number,
        kind: "seeds_only",
        values: &plan.own_values,
        gains: &seeds_gains[i],
        verdict: seeds_verdicts[i],
    }));
    let csv = output::robust::worlds_csv(&plan.assumptions, &teams, &rows);
    (teams, gains, seeds_gains, csv)
}

/// Gives the base and every other run of a paired experiment the largest
/// of their warm-ups, so the pairs share one counted window, and says so:
/// each other run's chosen by MSER-5 on its own pilot, the base's as it
/// stands (chosen already when it was `"auto"`, else the user's).
fn common_warmup(
    experiment: &Experiment,
    base: &mut crate::scenario::Scenario,
    others: &mut [&mut crate::scenario::Scenario],
    quiet: bool,
) -> Result<()> {
    let (smallest, largest) = experiment.pool.install(|| experiment::choose_warmups(others))?;
    let (smallest, largest) = (smallest.min(base.warmup), largest.max(base.warmup));
    if let Some(short) = others.iter().map(|run| &**run).chain([&*base]).find(|run| run.horizon <= largest) {
        anyhow::bail!(
            "the largest warm-up the runs chose ({}) is not shorter than the horizon of {} ({}): give the runs one horizon",
            crate::scenario::ranges::number(largest),
            short.name,
            crate::scenario::ranges::number(short.horizon)
        );
    }
    base.set_warmup(largest);
    for run in others.iter_mut() {
        run.set_warmup(largest);
    }
    if !quiet {
        let number = crate::scenario::ranges::number;
        eprintln!(
            "warm-up: {} for all {} runs, the largest of their own MSER-5 choices ({} to {}), so every pair shares one counted window",
            number(largest),
            others.len() + 1,
            number(smallest),
            number(largest)
        );
    }
    Ok(())
}
