//! Internal-to-external attribution: for each internal (not front-line)
//! department, improve its service by one step and measure, paired against
//! the baseline, what changes for external customers. Teams are ranked by
//! the improvement in one metric (revenue at risk by default). An
//! organization with no internal department (every team takes some first
//! touches, as a fitted log often has it) ranks its front-line departments
//! instead, and `include_front_line` ranks them beside the internal ones;
//! each row says which it is.
//!
//! A report of many rows is read as a whole, so its intervals are
//! family-wise: each is taken at 1 − 0.05/rows (Bonferroni), and a change
//! marked significant is unlikely to be one of the chance findings that 5%
//! intervals over many rows would produce.
//!
//! The ranking is chosen on the plan's replications; the figures reported
//! come from a confirmation run of the same improvements on fresh
//! replications ([`super::confirm`]), so the top team's gain is not the
//! luckiest of many draws.

use std::fmt;

use super::compare::{Difference, differences_at};
use super::confirm::{Confirm, round_plan};
use super::jobs::{Plan, Progress, replicate};
use super::metrics::{higher_is_better, metric_names};
use super::{ExperimentError, RunResults};
use crate::model::ReplicationResult;
use crate::scenario::Scenario;

/// One way to improve a department's service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// One more person.
    Staff,
    /// Skill +0.1 (at most 1).
    Skill,
    /// Morale baseline +0.1, as recognition.
    Morale,
    /// 20% less silo delay on every link to or from it.
    Silo,
}

impl Step {
    /// Every step, in report order.
    pub const ALL: [Step; 4] = [Step::Staff, Step::Skill, Step::Morale, Step::Silo];

    /// The steps `given` (`staff`, `skill`, `morale`, `silo`), or with none
    /// given every step that applies (the social ones only with the social
    /// layer on).
    pub fn chosen(given: &[String], social: bool) -> Result<Vec<Step>, ExperimentError> {
        if given.is_empty() {
            Ok(Step::ALL.into_iter().filter(|step| social || !step.social()).collect())
        } else {
            given.iter().map(|step| Step::parse(step)).collect()
        }
    }

    /// Parses `staff`, `skill`, `morale` or `silo`.
    pub fn parse(text: &str) -> Result<Step, ExperimentError> {
        match text {
            "staff" => Ok(Step::Staff),
            "skill" => Ok(Step::Skill),
            "morale" => Ok(Step::Morale),
            "silo" => Ok(Step::Silo),
            other => Err(ExperimentError::Invalid(format!(
                "unknown impact step {other:?}; use staff (+1 person), skill (+0.1), morale (+0.1 baseline) or silo (−20% silo delay)"
            ))),
        }
    }

    /// Whether the step acts through the social layer.
    pub fn social(self) -> bool {
        self != Step::Staff
    }
}

impl fmt::Display for Step {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Step::Staff => "+1 staff",
            Step::Skill => "+0.1 skill",
            Step::Morale => "+0.1 morale baseline",
            Step::Silo => "-20% silo delay",
        })
    }
}

/// One department improved by one step, ready to run.
#[derive(Debug, Clone)]
pub struct Improvement {
    /// The department.
    pub department: String,
    /// The step.
    pub step: Step,
    /// The improved scenario.
    pub scenario: Scenario,
}

/// What `orgsim impact` will run.
#[derive(Debug, Clone)]
pub struct ImpactPlan {
    /// Every internal department × every step.
    pub improvements: Vec<Improvement>,
    /// The ranking metric.
    pub by: String,
}

/// One department improved by one step, against the baseline.
#[derive(Debug, Clone)]
pub struct ImpactRow {
    /// The department.
    pub department: String,
    /// The step.
    pub step: Step,
    /// Paired differences (improved − baseline) of every metric, with
    /// family-wise intervals.
    pub differences: Vec<Difference>,
    /// Improvement in the ranking metric (positive: better for customers).
    pub gain: f64,
    /// The family-wise interval of the gain.
    pub gain_interval: (f64, f64),
    /// The gain on the replications that chose the ranking, when the
    /// figures above come from a confirmation run.
    pub screening_gain: Option<f64>,
    /// The worse of the baseline's and the improved run's verdicts.
    pub verdict: super::diagnostics::Verdict,
    /// Whether the department is at the front line (ranked because the
    /// organization has no internal one, or on request).
    pub front_line: bool,
    /// The chain from the department's service to the customer, with
    /// family-wise intervals ([`super::chain`]).
    pub chain: Vec<super::chain::Link>,
}

/// A finished attribution.
#[derive(Debug, Clone)]
pub struct ImpactResults {
    /// The baseline's results.
    pub base: RunResults,
    /// The ranking metric.
    pub by: String,
    /// Rows ranked best first: by `gain`, or with confirmation by the gain
    /// on the replications that chose the ranking (`screening_gain`), the
    /// figures being the confirmation run's.
    pub rows: Vec<ImpactRow>,
    /// The replications that chose the ranking, when the figures come from
    /// a confirmation run.
    pub screening_replications: Option<usize>,
}

/// The metrics an impact report shows.
pub fn reported_metrics(social: bool) -> &'static [&'static str] {
    if social {
        &["revenue_at_risk", "ext_satisfaction_mean", "ext_churn_rate", "ext_abandon_rate"]
    } else {
        &["ext_abandon_rate", "ext_wait_mean", "ext_resolution_mean"]
    }
}

/// The ranking metric unless `--by` says: revenue at risk with the social
/// layer, else the abandonment rate, or without patience (nobody
/// abandons, so it cannot move) the mean resolution time.
pub fn default_ranking(base: &Scenario) -> &'static str {
    if base.behavior_enabled {
        "revenue_at_risk"
    } else if base.customers.patience.is_some() {
        "ext_abandon_rate"
    } else {
        "ext_resolution_mean"
    }
}

/// The departments an attribution improves: the internal ones, or the
/// front-line ones too when `include_front_line` or when there is no
/// internal one.
pub fn ranked_departments(base: &Scenario, include_front_line: bool) -> Vec<usize> {
    let internal: Vec<usize> = (0..base.departments.len()).filter(|&d| !base.departments[d].front_line).collect();
    if include_front_line || internal.is_empty() { (0..base.departments.len()).collect() } else { internal }
}

/// The scenario with `department` improved by `step`.
fn improved(base: &Scenario, department: usize, step: Step) -> Result<Scenario, ExperimentError> {
    let mut file = base.resolved.clone();
    file.sweep = None;
    let name = base.departments[department].name.clone();
    match step {
        Step::Staff => file.departments[department].add_staff(1),
        Step::Skill => {
            let skill = &mut file.departments[department].skill;
            *skill = (*skill + 0.1).min(1.0);
        }
        Step::Morale => {
            let recognition = &mut file.departments[department].recognition;
            *recognition = (*recognition + 0.1).min(1.0);
        }
        Step::Silo => {
            for requester in &mut file.departments {
                let own = requester.name == name;
                for need in &mut requester.needs {
                    if own || need.dept == name {
                        need.silo_delay *= 0.8;
                    }
                }
            }
        }
    }
    Ok(Scenario::from_file(file, &format!("{} ({name} {step})", base.name))?)
}

/// Plans the variants: every department [`ranked_departments`] gives ×
/// every step that applies to it.
pub fn plan_impact(
    base: &Scenario,
    steps: &[Step],
    by: Option<&str>,
    include_front_line: bool,
) -> Result<ImpactPlan, ExperimentError> {
    let social = base.behavior_enabled;
    if !social && let Some(step) = steps.iter().find(|s| s.social()) {
        return Err(ExperimentError::Invalid(format!(
            "the step {step} acts through the social layer, which this scenario switches off; use --step staff"
        )));
    }
    let by = by.unwrap_or(default_ranking(base)).to_string();
    let names = metric_names(base);
    if !names.contains(&by) {
        return Err(ExperimentError::Invalid(format!(
            "--by {by:?}: no such metric; choose one of {}",
            names.iter().filter(|n| !n.starts_with("department.")).cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    if higher_is_better(&by).is_none() {
        return Err(ExperimentError::Invalid(format!(
            "--by {by}: a count has no better direction; rank by a rate, time or value"
        )));
    }
    let mut variants = Vec::new();
    for department in ranked_departments(base, include_front_line) {
        let has_silo = base.departments.iter().enumerate().any(|(from, d)| {
            d.needs.iter().any(|need| need.silo_delay > 0.0 && (from == department || need.supplier == department))
        });
        for &step in steps {
            // Less of nothing changes nothing: no silo step where there is
            // no silo, no one more person where staff is unlimited.
            if (step == Step::Silo && !has_silo) || (step == Step::Staff && base.departments[department].unlimited) {
                continue;
            }
            variants.push(Improvement {
                department: base.departments[department].name.clone(),
                step,
                scenario: improved(base, department, step)?,
            });
        }
    }
    if variants.is_empty() {
        return Err(ExperimentError::Invalid(nothing_applies(base, steps, include_front_line)));
    }
    Ok(ImpactPlan { improvements: variants, by })
}

/// Why no step applies to any department, naming the steps and what would
/// make each apply.
fn nothing_applies(base: &Scenario, steps: &[Step], include_front_line: bool) -> String {
    let names = |indices: Vec<usize>| {
        indices.iter().map(|&d| format!("{:?}", base.departments[d].name)).collect::<Vec<_>>().join(", ")
    };
    let ranked = ranked_departments(base, include_front_line);
    let reasons: Vec<String> = steps
        .iter()
        .map(|step| match step {
            Step::Staff => format!(
                "{step}: every department ranked has unlimited staff ({}); give them head counts (`staff = N` in the scenario) to try one more person",
                names(ranked.clone())
            ),
            Step::Silo => format!("{step}: no need to or from them carries a silo delay"),
            other => format!("{other}: does not apply"),
        })
        .collect();
    let front_left_out = !include_front_line && ranked.iter().all(|&d| !base.departments[d].front_line);
    format!(
        "no improvement applies to any department ranked; the steps: {}{}",
        reasons.join("; "),
        if front_left_out { "; or rank the front line too with --include-front-line" } else { "" }
    )
}

/// Runs the baseline and every improvement, paired, and ranks them; with
/// confirmation, runs them all again on fresh replications (round 1 of
/// [`super::confirm`]) and reports those figures in the ranking's order.
pub fn run_impact(
    base: Scenario,
    plan: ImpactPlan,
    run: &Plan,
    confirm: Confirm,
    progress: &dyn Progress,
) -> Result<ImpactResults, super::Stalled> {
    let ImpactPlan { improvements, by } = plan;
    let mut scenarios = vec![base];
    let labels: Vec<(String, Step)> = improvements.iter().map(|i| (i.department.clone(), i.step)).collect();
    scenarios.extend(improvements.into_iter().map(|improvement| improvement.scenario));
    let replications = replicate(&scenarios, run, progress)?;
    let chosen_on = replications[0].len();
    let runs = |scenarios: &[Scenario], replications: Vec<Vec<ReplicationResult>>| {
        scenarios.iter().cloned().zip(replications).map(|(s, r)| RunResults::reduced(s, r)).collect()
    };
    let screening = rank_impact(runs(&scenarios, replications), labels.clone(), &by);
    let Some(fresh) = confirm.replications(chosen_on) else {
        return Ok(screening);
    };
    let replications = replicate(&scenarios, &round_plan(run, fresh, 1), progress)?;
    let mut confirmed = rank_impact(runs(&scenarios, replications), labels, &by);
    let mut rows = Vec::with_capacity(screening.rows.len());
    for chosen in &screening.rows {
        let at = confirmed
            .rows
            .iter()
            .position(|r| r.department == chosen.department && r.step == chosen.step)
            .expect("the same improvements ran in both");
        let mut row = confirmed.rows.swap_remove(at);
        row.screening_gain = Some(chosen.gain);
        rows.push(row);
    }
    confirmed.rows = rows;
    confirmed.screening_replications = Some(chosen_on);
    Ok(confirmed)
}

/// Ranks the improvements: `runs` are the baseline's results and then each
/// improvement's, in the order of `labels`.
pub fn rank_impact(runs: Vec<RunResults>, labels: Vec<(String, Step)>, by: &str) -> ImpactResults {
    let by = by.to_string();
    let mut runs = runs.into_iter();
    let base = runs.next().expect("the base runs");
    let sign = if higher_is_better(&by) == Some(true) { 1.0 } else { -1.0 };
    let confidence = 1.0 - (1.0 - super::CONFIDENCE) / labels.len().max(1) as f64;
    let mut rows: Vec<ImpactRow> = runs
        .zip(labels)
        .map(|(results, (department, step))| {
            let differences = differences_at(&base, &results, confidence);
            let verdict = base.verdict().max(results.verdict());
            let paired = differences.iter().find(|d| d.metric == by).and_then(|d| d.paired);
            let gain = paired.map_or(f64::NEG_INFINITY, |e| sign * e.mean);
            let gain_interval = paired.map_or((f64::NAN, f64::NAN), |e| {
                let (a, b) = (sign * e.low, sign * e.high);
                (a.min(b), a.max(b))
            });
            let front_line = base.scenario.departments.iter().any(|d| d.name == department && d.front_line);
            let chain = super::chain::chain(&base, &results, &department, confidence);
            ImpactRow {
                department,
                step,
                differences,
                gain,
                gain_interval,
                screening_gain: None,
                verdict,
                front_line,
                chain,
            }
        })
        .collect();
    // A gain that could not be measured (NaN) never ranks above a number.
    let key = |gain: f64| if gain.is_nan() { f64::NEG_INFINITY } else { gain };
    rows.sort_by(|a, b| key(b.gain).total_cmp(&key(a.gain)));
    ImpactResults { base, by, rows, screening_replications: None }
}
