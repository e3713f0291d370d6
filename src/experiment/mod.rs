//! Experiments on the model: replications run in parallel, the metrics each
//! replication reports, and their means with 95% confidence intervals.
//!
//! Replications are independent jobs over rayon; job `r` always uses the
//! streams of replication `r`, and results are kept in replication order, so
//! the output does not depend on the number of threads.

pub mod catalogue;
pub mod chain;
pub mod compare;
pub mod confirm;
pub mod design;
pub mod diagnostics;
pub mod impact;
pub mod importance;
pub mod intervals;
pub mod jobs;
pub mod metrics;
pub mod optimize;
pub mod robust;
pub mod sensitivity;
pub mod shard;
pub mod shift_cover;
pub mod staffing;
pub mod statistics;
pub mod story;
pub mod sweep;

use rayon::prelude::*;

use crate::model::{Observer, ReplicationResult, simulate, simulate_observed};
use crate::scenario::edit::PathError;
use crate::scenario::{Scenario, ScenarioError};

/// Why an experiment cannot run. Every variant is fatal and found before
/// anything runs; the message says how to fix the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExperimentError {
    /// The `[sweep]` table is missing or malformed.
    #[error("{origin}: [sweep]: {message}")]
    Sweep {
        /// The scenario's source.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// A parameter path or its value is refused.
    #[error("{origin}")]
    Path {
        /// The scenario's source.
        origin: String,
        /// The path's problem.
        source: PathError,
    },
    /// A scenario variant fails its checks.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Any other bad request (a target, a step, a metric name).
    #[error("{0}")]
    Invalid(String),
}

pub use metrics::{
    MetricValue, SummaryRow, department_metrics, higher_is_better, metric_columns, metric_names, replication_metrics,
    summarize,
};
pub use statistics::{Estimate, estimate};

/// The confidence level of every interval orgsim reports.
pub const CONFIDENCE: f64 = 0.95;

/// Runs replications `0..replications` of `scenario` under `seed` on the
/// current rayon pool; results in replication order.
pub fn run_replications(scenario: &Scenario, replications: u32, seed: u64) -> Vec<ReplicationResult> {
    (0..replications).into_par_iter().map(|replication| simulate(scenario, replication, seed)).collect()
}

/// Like [`run_replications`], each replication watched by its own observer
/// made by `observe(replication)`; the observers come back in replication
/// order.
pub fn run_replications_observed<O, F>(
    scenario: &Scenario,
    replications: u32,
    seed: u64,
    observe: F,
) -> (Vec<ReplicationResult>, Vec<O>)
where
    O: Observer + Send,
    F: Fn(u32) -> O + Sync,
{
    (0..replications)
        .into_par_iter()
        .map(|replication| {
            let mut observer = observe(replication);
            let result = simulate_observed(scenario, replication, seed, &mut observer);
            (result, observer)
        })
        .unzip()
}

/// Chooses an `"auto"` warm-up ([`diagnostics::auto_warmup`] on a pilot
/// run of the scenario's replications under its seed) and sets it; returns
/// the warm-up in force. The dynamics do not depend on the warm-up, so the
/// pilot sees exactly the paths the real run will.
pub fn choose_warmup(scenario: &mut Scenario) -> Result<f64, Stalled> {
    if scenario.warmup_auto {
        let pilot = run_replications(scenario, scenario.replications, scenario.seed);
        Stalled::check(&pilot)?;
        scenario.set_warmup(diagnostics::auto_warmup(scenario, &pilot));
    }
    Ok(scenario.warmup)
}

/// Chooses each scenario's own `"auto"` warm-up on its own pilot run
/// ([`choose_warmup`]) and sets it, as every point of a sweep does; returns
/// the smallest and the largest chosen (paired experiments then give all
/// their runs the largest, so they share one counted window).
pub fn choose_warmups(scenarios: &mut [&mut Scenario]) -> Result<(f64, f64), Stalled> {
    let (mut smallest, mut largest) = (f64::INFINITY, 0.0f64);
    for scenario in scenarios.iter_mut() {
        scenario.set_warmup_auto();
        let chosen = choose_warmup(scenario)?;
        smallest = smallest.min(chosen);
        largest = largest.max(chosen);
    }
    Ok((smallest.min(largest), largest))
}

/// Work stopped moving in a replication (see [`crate::model::Stall`]): a
/// runtime failure of the model, not bad input; the command fails whole
/// and writes nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{context}replication {replication} stopped at time {time}: no service had ended from time {since} to time {time}, and every server of {departments} was holding work while it waited for replies, so work could not move; this is a deadlock of `hold` needs: make the needs on the loop mode = \"handoff\""
)]
pub struct Stalled {
    /// Which run of an experiment stalled (`"sweep point 3: …, "`); empty
    /// for a single run.
    pub context: String,
    /// Its index in the experiment's flat list of runs, when it ran in one.
    pub run: Option<usize>,
    /// The replication.
    pub replication: u32,
    /// When it stopped.
    pub time: String,
    /// The last service end.
    pub since: String,
    /// The departments whose servers all held.
    pub departments: String,
}

impl Stalled {
    /// The same stall, said to have happened in `run` of an experiment.
    pub fn in_run(self, run: &str) -> Stalled {
        Stalled { context: format!("{run}: "), ..self }
    }

    /// The first stalled replication among `results`, as an error.
    pub fn check(results: &[ReplicationResult]) -> Result<(), Stalled> {
        match results.iter().find_map(|r| r.stalled.as_ref().map(|stall| (r.replication, stall))) {
            None => Ok(()),
            Some((replication, stall)) => Err(Stalled {
                context: String::new(),
                run: None,
                replication,
                time: crate::scenario::ranges::number(stall.time),
                since: crate::scenario::ranges::number(stall.since),
                departments: stall.departments.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>().join(", "),
            }),
        }
    }
}

/// A finished run: the scenario, every replication, and the summary.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// The scenario, with any command-line overrides applied.
    pub scenario: Scenario,
    /// Each replication's counts, in order.
    pub replications: Vec<ReplicationResult>,
    /// One row per metric.
    pub summary: Vec<SummaryRow>,
    /// Whether the figures describe a settled organization.
    pub diagnostics: Vec<diagnostics::Diagnostic>,
}

/// Runs the scenario's replications (under its own seed) and summarizes them.
/// An `"auto"` warm-up is chosen first (a pilot that stalls leaves the
/// warm-up at 0: the run then stalls too, and its results say so).
pub fn run(mut scenario: Scenario) -> RunResults {
    let _ = choose_warmup(&mut scenario);
    let replications = run_replications(&scenario, scenario.replications, scenario.seed);
    RunResults::new(scenario, replications)
}

/// Like [`run`], with an observer per replication.
pub fn run_observed<O, F>(mut scenario: Scenario, observe: F) -> (RunResults, Vec<O>)
where
    O: Observer + Send,
    F: Fn(u32) -> O + Sync,
{
    let _ = choose_warmup(&mut scenario);
    let (replications, observers) = run_replications_observed(&scenario, scenario.replications, scenario.seed, observe);
    (RunResults::new(scenario, replications), observers)
}

impl RunResults {
    /// Summarizes finished replications.
    pub fn new(scenario: Scenario, replications: Vec<ReplicationResult>) -> Self {
        let summary = summarize(&scenario, &replications);
        let diagnostics = diagnostics::diagnose(&scenario, &replications);
        RunResults { scenario, replications, summary, diagnostics }
    }

    /// Summarizes an experiment's replications and checks them, then frees
    /// their series: experiments keep many runs and need only the figures
    /// and the verdict.
    pub fn reduced(scenario: Scenario, mut replications: Vec<ReplicationResult>) -> Self {
        let diagnostics = diagnostics::diagnose(&scenario, &replications);
        for replication in &mut replications {
            replication.drop_distributions();
        }
        let summary = summarize(&scenario, &replications);
        RunResults { scenario, replications, summary, diagnostics }
    }

    /// The summary row of `metric`.
    pub fn metric(&self, metric: &str) -> Option<&SummaryRow> {
        self.summary.iter().find(|row| row.metric == metric)
    }

    /// The worst verdict of the run's diagnostics: whether its figures can
    /// be trusted as a whole (`ok` without diagnostics).
    pub fn verdict(&self) -> diagnostics::Verdict {
        self.diagnostics.iter().map(|d| d.verdict).max().unwrap_or(diagnostics::Verdict::Ok)
    }
}
