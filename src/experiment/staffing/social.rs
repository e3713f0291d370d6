//! What the social layer adds to a staffing plan: the plan's whole-day
//! figures with the layer on (as planned) and off (a pure queueing
//! network), on the same seeds, and the share of each department's work
//! the layer assumes is redone. A planner who leaves the layer on by
//! accident sees how much of the plan it carries. With the layer off, the
//! plan's figures as written: the covered shifts with their breaks and
//! shrinkage, not the slot-by-slot staffing that confirmation measured.

use super::super::diagnostics::{Verdict, diagnose};
use super::super::{CONFIDENCE, Estimate, estimate, replication_metrics, run_replications};
use crate::model::load_estimate;
use crate::scenario::edit::{Setting, apply};
use crate::scenario::{Scenario, ScenarioFile};

/// The plan's figures with the layer on and off.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialCheck {
    /// Metric, with the layer on and off (95% intervals).
    pub figures: Vec<(&'static str, Option<Estimate>, Option<Estimate>)>,
    /// Departments and the share of their work redone at baseline.
    pub rework: Vec<(String, f64)>,
    /// The worst diagnostics verdict of the two runs.
    pub verdict: Verdict,
}

/// The covered plan's whole-day figures as written (layer off).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanCheck {
    /// Metric and its 95% interval.
    pub figures: Vec<(&'static str, Estimate)>,
    /// The worst diagnostics verdict of the run.
    pub verdict: Verdict,
}

/// The whole-day figures the check reports.
const FIGURES: [&str; 3] = ["ext_service_level", "ext_wait_prob", "ext_abandon_rate"];

/// The check of `optimized` (the plan, social layer on), on `replications`
/// under `seed`; `None` when the layer is off or the plan cannot be read.
pub fn social_check(optimized: &ScenarioFile, replications: u32, seed: u64) -> Option<SocialCheck> {
    if !optimized.behavior.enabled {
        return None;
    }
    let on = Scenario::from_file(optimized.clone(), "optimized.toml").ok()?;
    let off_setting = Setting { path: "behavior.enabled".into(), value: toml::Value::Boolean(false) };
    let off = apply(&on, &[off_setting]).ok()?;
    let ((with, on_verdict), (without, off_verdict)) =
        (figures(&on, replications, seed), figures(&off, replications, seed));
    let figures = with
        .into_iter()
        .zip(without)
        .filter(|((_, a), (_, b))| a.is_some() || b.is_some())
        .map(|((name, a), (_, b))| (name, a, b))
        .collect();
    let shares = load_estimate(&on).rework_share;
    let rework = on
        .departments
        .iter()
        .zip(shares)
        .filter(|(_, share)| *share > 0.0)
        .map(|(d, share)| (d.name.clone(), share))
        .collect();
    Some(SocialCheck { figures, rework, verdict: on_verdict.max(off_verdict) })
}

/// The whole-day figures of `scenario` on `replications` under `seed`
/// (95% intervals; `None` where a figure has no value), and the worst
/// verdict of the run's diagnostics.
fn figures(scenario: &Scenario, replications: u32, seed: u64) -> ([(&'static str, Option<Estimate>); 3], Verdict) {
    let results = run_replications(scenario, replications, seed);
    let figures = FIGURES.map(|name| {
        let values: Vec<f64> = results
            .iter()
            .filter_map(|r| replication_metrics(r).into_iter().find(|(n, _)| *n == name).and_then(|(_, v)| v))
            .collect();
        (name, estimate(&values, CONFIDENCE))
    });
    let verdict = diagnose(scenario, &results).iter().map(|row| row.verdict).max().unwrap_or(Verdict::Ok);
    (figures, verdict)
}

/// The plan `optimized` run as written (its shifts, breaks and shrinkage
/// as the engine takes them) on `replications` under `seed`: its
/// whole-day figures. `None` when the social layer is on (the social
/// check reports the plan) or the plan cannot be read.
pub fn plan_check(optimized: &ScenarioFile, replications: u32, seed: u64) -> Option<PlanCheck> {
    if optimized.behavior.enabled {
        return None;
    }
    let plan = Scenario::from_file(optimized.clone(), "optimized.toml").ok()?;
    let (figures, verdict) = figures(&plan, replications, seed);
    Some(PlanCheck { figures: figures.into_iter().filter_map(|(name, e)| Some((name, e?))).collect(), verdict })
}
