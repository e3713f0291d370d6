//! A robust impact ranking (`orgsim impact --robust`): the impact
//! experiment repeated in many plausible worlds, a Latin hypercube over the
//! ranges of the model's assumptions, each world paired against its own
//! baseline; how often each team ranks first, and which assumptions the
//! leading team's gain leans on (partial rank correlation, in
//! [`super::importance`]).
//!
//! The assumptions ([`assumptions`]): every `behavior` coefficient but the
//! two weight triples, each from half to one and a half times the
//! scenario's value, clamped to the key's valid range (the defaults are
//! assumptions, docs/MODEL.md §4); the two weight triples that must add up
//! to 1, drawn uniformly on the simplex; one shift of every department's
//! `skill` and one of every `morale` in [−0.1, 0.1] (clamped to [0, 1]);
//! and `customers.expected_resolution` from half to twice its value.

use toml::Value;

use super::design::latin_hypercube;
use super::impact::{ImpactPlan, ImpactResults, Step, plan_impact, rank_impact};
pub use super::importance::{Importance, importance, leaning};
use super::jobs::{Plan, Progress, replicate};
use super::{ExperimentError, RunResults};
use crate::scenario::ranges::{range, six_digits};
use crate::scenario::{Scenario, edit};

use crate::scenario::{ROBUST_COEFFICIENTS as COEFFICIENTS, ROBUST_TRIPLES as TRIPLES};

/// How an assumption enters a world.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A key set to the drawn value.
    Key(String),
    /// Component `component` of a triple drawn on the simplex (`group` is
    /// the triple's index); one row per component, two design dimensions
    /// per triple.
    Simplex {
        /// The triple.
        group: usize,
        /// Which of its three keys.
        component: usize,
    },
    /// Added to every department's `skill`.
    SkillShift,
    /// Added to every department's `morale`.
    MoraleShift,
}

/// One assumption and its plausible range.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumption {
    /// Its name in `robust-assumptions.csv` (the key's path, or `skill`,
    /// `morale`).
    pub name: String,
    /// How it enters a world.
    pub kind: Kind,
    /// Lowest plausible value.
    pub from: f64,
    /// Highest plausible value.
    pub to: f64,
}

/// The assumptions of `base` with their ranges: the rule, or the
/// scenario's `[robust]` range where it gives one.
pub fn assumptions(base: &Scenario) -> Vec<Assumption> {
    let file = &base.resolved;
    let mut list = Vec::new();
    for key in COEFFICIENTS {
        let path = format!("behavior.{key}");
        let Ok(Some(value)) = edit::get(file, &path) else { continue };
        let value = value.as_float().or(value.as_integer().map(|i| i as f64)).unwrap_or(0.0);
        let valid = range(&path);
        let (from, to) = (valid.clamp(six_digits(0.5 * value)), valid.clamp(six_digits(1.5 * value)));
        list.push(Assumption { name: path.clone(), kind: Kind::Key(path), from, to });
    }
    for (group, triple) in TRIPLES.iter().enumerate() {
        for (component, key) in triple.iter().enumerate() {
            let name = format!("behavior.{key}");
            list.push(Assumption { name, kind: Kind::Simplex { group, component }, from: 0.0, to: 1.0 });
        }
    }
    list.push(Assumption { name: "skill".into(), kind: Kind::SkillShift, from: -0.1, to: 0.1 });
    list.push(Assumption { name: "morale".into(), kind: Kind::MoraleShift, from: -0.1, to: 0.1 });
    let expected = base.customers.expected_resolution;
    if expected > 0.0 {
        let path = "customers.expected_resolution".to_string();
        let valid = range(&path);
        list.push(Assumption {
            name: path.clone(),
            kind: Kind::Key(path),
            from: valid.clamp(six_digits(0.5 * expected)),
            to: valid.clamp(six_digits(2.0 * expected)),
        });
    }
    // The scenario's own ranges replace the rule; a range that the rule
    // leaves empty (a coefficient of 0) and the scenario does not give is
    // no assumption.
    for assumption in &mut list {
        if let Some(own) = base.robust.iter().find(|r| r.name == assumption.name) {
            (assumption.from, assumption.to) = (own.from, own.to);
        }
    }
    list.retain(|a| a.from < a.to);
    list
}

/// Design dimensions: one per assumption, two per triple.
fn dimensions(assumptions: &[Assumption]) -> usize {
    assumptions.iter().filter(|a| !matches!(a.kind, Kind::Simplex { component: 2, .. })).count()
}

/// Each world's value of every assumption, from a Latin hypercube of
/// `worlds` points under `seed`.
pub fn world_values(assumptions: &[Assumption], worlds: usize, seed: u64) -> Vec<Vec<f64>> {
    let design = latin_hypercube(worlds, dimensions(assumptions), seed);
    design
        .iter()
        .map(|unit| {
            let mut column = 0;
            let mut values = Vec::with_capacity(assumptions.len());
            let mut simplex = [0.0; 3];
            for assumption in assumptions {
                let value = match assumption.kind {
                    // Two sorted uniforms cut [0, 1] into a uniform point
                    // of the simplex.
                    Kind::Simplex { component: 0, .. } => {
                        let (a, b) = (unit[column], unit[column + 1]);
                        let (low, high) = (a.min(b), a.max(b));
                        simplex = [low, high - low, 1.0 - high];
                        column += 2;
                        simplex[0]
                    }
                    Kind::Simplex { component, .. } => simplex[component],
                    _ => {
                        column += 1;
                        assumption.from + unit[column - 1] * (assumption.to - assumption.from)
                    }
                };
                values.push(value);
            }
            values
        })
        .collect()
}

/// `base` in the world `values`.
fn world(
    base: &Scenario,
    assumptions: &[Assumption],
    values: &[f64],
    index: usize,
) -> Result<Scenario, ExperimentError> {
    let mut file = base.resolved.clone();
    file.sweep = None;
    let path_error = |source| ExperimentError::Path { origin: base.name.clone(), source };
    for (assumption, &value) in assumptions.iter().zip(values) {
        match &assumption.kind {
            Kind::Key(path) => file = edit::set(&file, path, &Value::Float(value)).map_err(path_error)?,
            Kind::Simplex { group, component } => {
                let path = format!("behavior.{}", TRIPLES[*group][*component]);
                file = edit::set(&file, &path, &Value::Float(value)).map_err(path_error)?;
            }
            Kind::SkillShift => file.departments.iter_mut().for_each(|d| d.skill = (d.skill + value).clamp(0.0, 1.0)),
            Kind::MoraleShift => {
                file.departments.iter_mut().for_each(|d| d.morale = (d.morale + value).clamp(0.0, 1.0))
            }
        }
    }
    Ok(Scenario::from_file(file, &format!("{} (plausible world {})", base.name, index + 1))?)
}

/// What `impact --robust` will run.
#[derive(Debug, Clone)]
pub struct RobustPlan {
    /// The assumptions and their ranges.
    pub assumptions: Vec<Assumption>,
    /// Each world's assumption values.
    pub values: Vec<Vec<f64>>,
    /// Each world's baseline and impact plan.
    pub worlds: Vec<(Scenario, ImpactPlan)>,
    /// The scenario's own assumption values.
    pub own_values: Vec<f64>,
    /// The scenario's own world and impact plan, which the seeds-only runs
    /// repeat.
    pub own: (Scenario, ImpactPlan),
    /// The seeds-only runs (numbered from 1, as many as worlds): the
    /// scenario's own assumptions under the seed labelled
    /// `seeds-only:<i>`, to tell replication noise from the spread across
    /// assumptions.
    pub seeds_only: Vec<usize>,
}

/// The scenarios of one world: its baseline, then its improvements.
fn world_scenarios((base, impact): &(Scenario, ImpactPlan)) -> impl Iterator<Item = &Scenario> {
    std::iter::once(base).chain(impact.improvements.iter().map(|i| &i.scenario))
}

impl RobustPlan {
    /// Every scenario the plan runs: each world's baseline, then its
    /// improvements; then the scenario's own world once per seeds-only run.
    pub fn scenarios(&self) -> impl Iterator<Item = &Scenario> {
        self.worlds
            .iter()
            .flat_map(world_scenarios)
            .chain(self.seeds_only.iter().flat_map(|_| world_scenarios(&self.own)))
    }
}

/// The scenario's own value of each assumption (0 for the skill and
/// morale shifts).
fn own_values(base: &Scenario, assumptions: &[Assumption]) -> Vec<f64> {
    let number = |path: &str| {
        edit::get(&base.resolved, path)
            .ok()
            .flatten()
            .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
            .unwrap_or(0.0)
    };
    assumptions
        .iter()
        .map(|a| match &a.kind {
            Kind::Key(path) => number(path),
            Kind::Simplex { group, component } => number(&format!("behavior.{}", TRIPLES[*group][*component])),
            Kind::SkillShift | Kind::MoraleShift => 0.0,
        })
        .collect()
}

/// Plans `worlds` worlds of `base` (a Latin hypercube under `seed`), each
/// with the impact plan of `steps` ranked by `by`.
pub fn plan_robust(
    base: &Scenario,
    steps: &[Step],
    by: Option<&str>,
    worlds: usize,
    seed: u64,
) -> Result<RobustPlan, ExperimentError> {
    if !base.behavior_enabled {
        return Err(ExperimentError::Invalid(
            "--robust varies the social layer's assumptions, which this scenario switches off; run impact without --robust".into(),
        ));
    }
    let assumptions = assumptions(base);
    let values = world_values(&assumptions, worlds, seed);
    let worlds = values
        .iter()
        .enumerate()
        .map(|(index, values)| {
            let scenario = world(base, &assumptions, values, index)?;
            let plan = plan_impact(&scenario, steps, by, false)?;
            Ok((scenario, plan))
        })
        .collect::<Result<Vec<_>, ExperimentError>>()?;
    let own_values = own_values(base, &assumptions);
    let mut own_scenario = world(base, &assumptions, &own_values, 0)?;
    own_scenario.name = format!("{} (its own assumptions)", base.name);
    let own_plan = plan_impact(&own_scenario, steps, by, false)?;
    let seeds_only = (1..=values.len()).collect();
    Ok(RobustPlan { assumptions, values, worlds, own_values, own: (own_scenario, own_plan), seeds_only })
}

/// Every world's impact results, in world order, and every seeds-only
/// run's, in their order.
pub fn run_robust(
    plan: &RobustPlan,
    run: &Plan,
    progress: &dyn Progress,
) -> Result<(Vec<ImpactResults>, Vec<ImpactResults>), super::Stalled> {
    // One flat job list: every world's baseline and improvements.
    let scenarios: Vec<Scenario> = plan.worlds.iter().flat_map(world_scenarios).cloned().collect();
    let replications = replicate(&scenarios, run, progress)?;
    let ranked = |scenarios: Vec<Scenario>, replications: Vec<Vec<crate::model::ReplicationResult>>| {
        let mut replications = replications.into_iter();
        let mut scenarios = scenarios.into_iter();
        move |impact: &ImpactPlan| {
            let count = 1 + impact.improvements.len();
            let runs: Vec<RunResults> = scenarios
                .by_ref()
                .take(count)
                .zip(replications.by_ref().take(count))
                .map(|(s, r)| RunResults::reduced(s, r))
                .collect();
            let labels = impact.improvements.iter().map(|i| (i.department.clone(), i.step)).collect();
            rank_impact(runs, labels, &impact.by)
        }
    };
    let mut rank = ranked(scenarios, replications);
    let worlds = plan.worlds.iter().map(|(_, impact)| rank(impact)).collect();
    // The seeds-only runs: the scenario's own world, each under its own seed.
    let own: Vec<Scenario> = world_scenarios(&plan.own).cloned().collect();
    let mut seeds_only = Vec::with_capacity(plan.seeds_only.len());
    for &number in &plan.seeds_only {
        let seed = crate::engine::streams::labelled_seed(run.seed, &format!("seeds-only:{number}"));
        let replications = replicate(&own, &Plan { seed, ..*run }, progress)?;
        seeds_only.push(ranked(own.clone(), replications)(&plan.own.1));
    }
    Ok((worlds, seeds_only))
}

/// How one team fared over the worlds.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRobustness {
    /// The department.
    pub department: String,
    /// Share of worlds where its best step gains most.
    pub first_share: f64,
    /// Share of the seeds-only runs (the scenario's own assumptions, other
    /// seeds) where it gains most: how much of `first_share`'s spread is
    /// replication noise rather than the assumptions.
    pub first_share_seeds_only: f64,
    /// Share of worlds where it is among the three best.
    pub top3_share: f64,
    /// Median, 5% and 95% quantiles of its best step's gain over the worlds.
    pub gain: (f64, f64, f64),
    /// Worlds counted.
    pub worlds: usize,
}

/// Each team's best gain in each world: `gains[world][team]`, teams in
/// the order the plan improves them (the same in every world and shard).
pub fn best_gains(plan: &RobustPlan, results: &[ImpactResults]) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut teams: Vec<String> = Vec::new();
    for improvement in &plan.own.1.improvements {
        if !teams.contains(&improvement.department) {
            teams.push(improvement.department.clone());
        }
    }
    let gains = results
        .iter()
        .map(|result| {
            teams
                .iter()
                .map(|team| {
                    result
                        .rows
                        .iter()
                        .filter(|r| &r.department == team)
                        .map(|r| r.gain)
                        .fold(f64::NEG_INFINITY, f64::max)
                })
                .collect()
        })
        .collect();
    (teams, gains)
}

/// Keeps only the worlds numbered (from 1) in `members`.
pub fn restrict(plan: &mut RobustPlan, members: &[usize]) {
    let keep = |index: &usize| members.contains(&(index + 1));
    plan.values = plan.values.iter().enumerate().filter(|(i, _)| keep(i)).map(|(_, v)| v.clone()).collect();
    plan.worlds =
        std::mem::take(&mut plan.worlds).into_iter().enumerate().filter(|(i, _)| keep(i)).map(|(_, w)| w).collect();
    plan.seeds_only.retain(|number| members.contains(number));
}

/// The worlds (numbered from 1) of shard `index` of `shards`: every
/// world costs about the same, so they are dealt round.
pub fn shard_worlds(worlds: usize, index: u32, shards: u32) -> Vec<usize> {
    (1..=worlds).filter(|w| (w - 1) % shards as usize == index as usize).collect()
}

/// How many of `gains` (one row per world or run) rank team `t` first,
/// and among the three best. A gain that could not be measured (NaN)
/// never ranks.
fn ranked_first(gains: &[Vec<f64>], t: usize) -> (usize, usize) {
    let (mut first, mut top3) = (0usize, 0usize);
    for world in gains {
        if world[t].is_nan() {
            continue;
        }
        let better = world.iter().filter(|g| **g > world[t]).count();
        first += usize::from(better == 0);
        top3 += usize::from(better < 3);
    }
    (first, top3)
}

/// The rank-stability table, most often first at the top: `gains` per
/// world, and `seeds_only` per run of the scenario's own assumptions.
pub fn robustness(teams: &[String], gains: &[Vec<f64>], seeds_only: &[Vec<f64>]) -> Vec<TeamRobustness> {
    let worlds = gains.len();
    let mut table: Vec<TeamRobustness> = teams
        .iter()
        .enumerate()
        .map(|(t, team)| {
            let (first, top3) = ranked_first(gains, t);
            let first_seeds_only = ranked_first(seeds_only, t).0;
            let mut own: Vec<f64> = gains.iter().map(|w| w[t]).filter(|g| g.is_finite()).collect();
            own.sort_by(f64::total_cmp);
            let quantile = |q: f64| {
                if own.is_empty() {
                    f64::NAN
                } else {
                    let mut data = statrs::statistics::Data::new(own.clone());
                    statrs::statistics::OrderStatistics::quantile(&mut data, q)
                }
            };
            TeamRobustness {
                department: team.clone(),
                first_share: first as f64 / worlds.max(1) as f64,
                first_share_seeds_only: first_seeds_only as f64 / seeds_only.len().max(1) as f64,
                top3_share: top3 as f64 / worlds.max(1) as f64,
                gain: (quantile(0.5), quantile(0.05), quantile(0.95)),
                worlds,
            }
        })
        .collect();
    table.sort_by(|a, b| b.first_share.total_cmp(&a.first_share).then(b.gain.0.total_cmp(&a.gain.0)));
    table
}

/// What a robust ranking concludes.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The rank-stability table, most often first at the top.
    pub table: Vec<TeamRobustness>,
    /// Each assumption's importance and interval; `None` with too few
    /// worlds.
    pub importance: Option<Vec<Importance>>,
    /// What the leading team's gain leans on.
    pub leaning: Leaning,
}

/// What the leading team's gain leans on, as far as the worlds can tell.
#[derive(Debug, Clone, PartialEq)]
pub enum Leaning {
    /// Too few worlds to estimate the importance at all.
    TooFewWorlds,
    /// No assumption stands out (Holm at 0.05) over this many worlds.
    NoneStandsOut(usize),
    /// The assumption with the largest importance among those that stand out.
    On(String),
}

/// Whether `worlds` are enough to tell the importance of `assumptions`
/// apart: each partial correlation holds all the others fixed.
pub fn enough_worlds(worlds: usize, assumptions: usize) -> bool {
    worlds >= assumptions + 10
}

/// The conclusions from each world's assumption values and each team's
/// best gain there.
pub fn summarize(
    assumptions: &[Assumption],
    values: &[Vec<f64>],
    teams: &[String],
    (gains, seeds_only): (&[Vec<f64>], &[Vec<f64>]),
) -> Summary {
    let table = robustness(teams, gains, seeds_only);
    let importance = enough_worlds(values.len(), assumptions.len()).then(|| {
        let leader = table.first().and_then(|t| teams.iter().position(|n| *n == t.department)).unwrap_or(0);
        let outcome: Vec<f64> = gains.iter().map(|world| world[leader]).collect();
        importance(assumptions, values, &outcome)
    });
    let leaning = match importance.as_deref() {
        None => Leaning::TooFewWorlds,
        Some(found) => match leaning(found) {
            Some(index) => Leaning::On(assumptions[index].name.clone()),
            None => Leaning::NoneStandsOut(values.len()),
        },
    };
    Summary { table, importance, leaning }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gain_that_could_not_be_measured_never_ranks() {
        let teams = vec!["A".to_string(), "B".to_string()];
        let gains = vec![vec![f64::NAN, 1.0], vec![f64::NAN, -1.0], vec![2.0, 1.0]];
        let table = robustness(&teams, &gains, &[]);
        let a = table.iter().find(|t| t.department == "A").unwrap();
        let b = table.iter().find(|t| t.department == "B").unwrap();
        assert!((a.first_share - 1.0 / 3.0).abs() < 1e-12, "{a:?}");
        assert!((b.first_share - 2.0 / 3.0).abs() < 1e-12, "{b:?}");
        assert_eq!(table[0].department, "B");
    }

    #[test]
    fn every_range_lies_inside_its_key_and_triples_add_up_to_one() {
        let base = Scenario::default_scenario();
        let list = assumptions(&base);
        assert!(list.len() >= 25, "{}", list.len());
        for a in list.iter().filter(|a| matches!(a.kind, Kind::Key(_))) {
            let valid = range(&a.name);
            assert!(a.from < a.to && valid.contains(a.from) && valid.contains(a.to), "{a:?}");
        }
        let worlds = world_values(&list, 16, 3);
        for values in &worlds {
            for group in 0..2 {
                let sum: f64 = list
                    .iter()
                    .zip(values)
                    .filter(|(a, _)| matches!(a.kind, Kind::Simplex { group: g, .. } if g == group))
                    .map(|(_, v)| v)
                    .sum();
                assert!((sum - 1.0).abs() < 1e-12, "{sum}");
            }
        }
        // Every world is a valid scenario.
        for (index, values) in worlds.iter().enumerate() {
            world(&base, &list, values, index).unwrap();
        }
    }
}
