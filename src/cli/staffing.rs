//! `orgsim optimize --by-interval`: the staff each slot of the period
//! needs, and the shifts that cover it.

use anyhow::Result;

use super::experiments::OptimizeArgs;
use super::load;
use super::options::{Experiment, Work};
use crate::experiment;
use crate::output;

/// `optimize --by-interval`: the staff each slot needs, and the shifts that
/// cover it.
pub(super) fn staff_by_interval(args: &OptimizeArgs, quiet: bool) -> Result<()> {
    use experiment::staffing::{MOST_ITERATIONS, SlotGrid, SlotTarget};
    if args.max_hires.is_some() {
        anyhow::bail!("--max-hires does not apply to --by-interval: the staffing of every slot is free");
    }
    let common = &args.common;
    let mut base = load(args.scenario.as_deref())?;
    let experiment = Experiment::new(&mut base, "staffing", common, quiet)?;
    let targets: Vec<SlotTarget> =
        args.targets.iter().map(|t| SlotTarget::parse(t, &base)).collect::<Result<_, _>>()?;
    SlotGrid::of(&base)?;
    let rules = experiment::staffing::ShiftRules::parse(
        &base,
        &args.shift_lengths,
        (&args.shift_starts, &args.max_shifts, &args.min_staff, &args.shift_break),
    )?;
    // Every iteration runs the replications once, and so does every
    // confirmation round with its own.
    let rounds = args.confirm.copies(u64::from(experiment::confirm::MOST_SLOT_ROUNDS), experiment.plan.replications);
    experiment.check_size(common, &[Work { scenario: &base, copies: MOST_ITERATIONS as u64 + rounds + 2 }])?;
    let confirm = args.confirm.confirm();
    let plan = experiment
        .pool
        .install(|| {
            experiment::staffing::staff_by_interval(
                &base,
                &targets,
                (&args.shift_lengths, &rules),
                &experiment.plan,
                confirm,
                &experiment.progress,
            )
        })
        .map_err(|error| match error {
            experiment::staffing::StaffingError::Stalled(stalled) => anyhow::Error::from(stalled),
            experiment::staffing::StaffingError::Invalid(invalid) => anyhow::Error::from(invalid),
        })?;
    let files = vec![
        ("staffing.csv".to_string(), output::staffing::staffing_csv(&plan, &base)),
        ("optimized.toml".to_string(), output::staffing::optimized_toml(&plan)),
        ("shifts.csv".to_string(), output::staffing::shifts_csv(&plan, &base.time_unit, base.start_time)),
        ("scenario.toml".to_string(), base.to_toml().into_bytes()),
    ];
    let verdicts: Vec<_> = plan.departments.iter().map(|d| (d.name.clone(), d.verdict)).collect();
    let mut summary = output::staffing::staffing_table(&plan, &base);
    let replications = plan.confirm_replications.unwrap_or(experiment.plan.replications);
    // Fresh seeds, shared by the runs with and without the layer: the
    // figures are not those that chose the plan.
    let seed = crate::engine::streams::labelled_seed(experiment.plan.seed, "social-check");
    let check = experiment.pool.install(|| experiment::staffing::social_check(&plan.optimized, replications, seed));
    if let Some(check) = check {
        summary.push_str(&output::staffing::social_lines(&check));
    }
    // The covered plan as written, on fresh seeds of its own.
    let seed = crate::engine::streams::labelled_seed(experiment.plan.seed, "plan-check");
    let check = experiment.pool.install(|| experiment::staffing::plan_check(&plan.optimized, replications, seed));
    if let Some(check) = check {
        summary.push_str(&output::staffing::plan_lines(&check, replications));
    }
    experiment.finish(files, summary, &verdicts)
}
