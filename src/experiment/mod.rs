//! Experiments on the model: replications run in parallel, the metrics each
//! replication reports, and their means with 95% confidence intervals.
//!
//! Replications are independent jobs over rayon; job `r` always uses the
//! streams of replication `r`, and results are kept in replication order, so
//! the output does not depend on the number of threads.

pub mod compare;
pub mod impact;
pub mod jobs;
pub mod metrics;
pub mod optimize;
pub mod shard;
pub mod statistics;
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

/// A finished run: the scenario, every replication, and the summary.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// The scenario, with any command-line overrides applied.
    pub scenario: Scenario,
    /// Each replication's counts, in order.
    pub replications: Vec<ReplicationResult>,
    /// One row per metric.
    pub summary: Vec<SummaryRow>,
}

/// Runs the scenario's replications (under its own seed) and summarizes them.
pub fn run(scenario: Scenario) -> RunResults {
    let replications = run_replications(&scenario, scenario.replications, scenario.seed);
    RunResults::new(scenario, replications)
}

/// Like [`run`], with an observer per replication.
pub fn run_observed<O, F>(scenario: Scenario, observe: F) -> (RunResults, Vec<O>)
where
    O: Observer + Send,
    F: Fn(u32) -> O + Sync,
{
    let (replications, observers) = run_replications_observed(&scenario, scenario.replications, scenario.seed, observe);
    (RunResults::new(scenario, replications), observers)
}

impl RunResults {
    /// Summarizes finished replications.
    pub fn new(scenario: Scenario, replications: Vec<ReplicationResult>) -> Self {
        let summary = summarize(&scenario, &replications);
        RunResults { scenario, replications, summary }
    }

    /// The summary row of `metric`.
    pub fn metric(&self, metric: &str) -> Option<&SummaryRow> {
        self.summary.iter().find(|row| row.metric == metric)
    }
}
