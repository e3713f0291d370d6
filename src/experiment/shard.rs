//! Splitting a sweep across machines: shard K of N runs a deterministic
//! share of the sweep's points, balanced by their expected cost, and
//! describes itself in a manifest so that the shards can be checked and
//! merged into exactly the file one machine would have written.
//!
//! Points (not single replications) are the unit of work, so each shard's
//! rows are complete summaries; the split is longest-processing-time first:
//! points in descending order of estimated events, each to the shard with
//! the least work so far (ties: the lower point number, the lower shard).

use serde::{Deserialize, Serialize};

use super::ExperimentError;
use super::sweep::SweepPlan;
use crate::model::size_estimate;
use crate::scenario::Scenario;

/// Which shard of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 0 (as Slurm's array index).
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with 0 ≤ K < N.
    pub fn parse(text: &str) -> Result<Shard, ExperimentError> {
        let invalid =
            || ExperimentError::Invalid(format!("--shard {text:?}: write K/N with 0 ≤ K < N, e.g. --shard 0/4"));
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let (index, count): (u32, u32) =
            (index.trim().parse().map_err(|_| invalid())?, count.trim().parse().map_err(|_| invalid())?);
        if count == 0 || index >= count {
            return Err(invalid());
        }
        Ok(Shard { index, count })
    }

    /// The file stem of this shard's results: `shard-K-of-N`.
    pub fn stem(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

/// Point numbers (from 1) of each shard, balanced by estimated events.
pub fn assign(plan: &SweepPlan, replications: u32, shards: u32) -> Vec<Vec<usize>> {
    let mut costs: Vec<(f64, usize)> =
        plan.points.iter().map(|point| (size_estimate(&point.scenario, replications).events, point.number)).collect();
    costs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut load = vec![0.0f64; shards as usize];
    let mut members = vec![Vec::new(); shards as usize];
    for (cost, number) in costs {
        let lightest =
            (0..shards as usize).min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b))).expect("shards ≥ 1");
        load[lightest] += cost;
        members[lightest].push(number);
    }
    for list in &mut members {
        list.sort_unstable();
    }
    members
}

/// What a shard ran, written beside its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// orgsim's version.
    pub version: String,
    /// Hash of the scenario, replications and seed the sweep ran with.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u32,
    /// This shard.
    pub shard: u32,
    /// Of how many.
    pub shards: u32,
    /// Points in the whole sweep.
    pub points_total: usize,
    /// The point numbers this shard ran.
    pub points: Vec<usize>,
    /// What was split: absent for a sweep's points, `robust` for the
    /// worlds of `impact --robust`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A hash that identifies the sweep: 64-bit FNV-1a of the resolved scenario
/// (its `[sweep]` table included), the replications and the seed.
pub fn sweep_hash(base: &Scenario) -> String {
    let text = format!("{}\nreplications={}\nseed={}", base.to_toml(), base.replications, base.seed);
    format!("{:016x}", crate::engine::streams::fnv1a(text.as_bytes()))
}

/// Keeps only the points of `shard` in `plan`.
pub fn restrict(plan: &mut SweepPlan, members: &[usize]) {
    plan.points.retain(|point| members.contains(&point.number));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::sweep::plan_sweep;

    #[test]
    fn every_point_goes_to_one_shard_and_the_work_is_balanced() {
        let text = format!(
            "{}\n[sweep]\n\"customers.arrival_rate\" = [0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4]\n",
            crate::scenario::DEFAULT_SCENARIO
        );
        let base = Scenario::from_toml_str(&text, "test").unwrap();
        let plan = plan_sweep(&base, "test").unwrap();
        let shards = assign(&plan, 10, 3);
        let mut all: Vec<usize> = shards.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (1..=7).collect::<Vec<_>>());
        let cost = |members: &Vec<usize>| -> f64 {
            members.iter().map(|&n| size_estimate(&plan.points[n - 1].scenario, 10).events).sum()
        };
        let loads: Vec<f64> = shards.iter().map(cost).collect();
        let largest_point = plan.points.iter().map(|p| size_estimate(&p.scenario, 10).events).fold(0.0, f64::max);
        let (low, high) = loads.iter().fold((f64::INFINITY, 0.0f64), |(a, b), &l| (a.min(l), b.max(l)));
        assert!(high - low <= largest_point, "loads {loads:?}");
        assert_eq!(assign(&plan, 10, 3), shards, "the split is deterministic");
        assert!(Shard::parse("3/3").is_err() && Shard::parse("x").is_err() && Shard::parse("1/3").is_ok());
    }
}
