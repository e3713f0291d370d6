//! The cheapest staffing that meets service targets with confidence.
//!
//! A target holds when the unfavourable end of its 95% interval is on the
//! right side (`ext_abandon_rate<=0.05` needs the interval's upper end at or
//! below 0.05). The search is greedy marginal analysis (as in staffing
//! practice since Erlang): starting from the scenario's staffing, add one
//! person at a time where it buys the largest reduction of the targets'
//! shortfall per unit of staff cost, until every target holds or the hiring
//! budget is spent; then remove people, one at a time and the most expensive
//! first, while every target still holds. Every staffing evaluated runs the
//! same replications under the same seed, so candidates are compared on the
//! same customers.
//!
//! The choice is then confirmed ([`super::confirm`]): measured on fresh
//! replications, and where a target misses there, the person that round's
//! replications say helps most is added and the next round measures again.
//! Only the last round's figures are reported.

use std::collections::HashMap;
use std::fmt;

use super::confirm::{Confirm, MOST_ROUNDS, round_plan};
use super::jobs::{Plan, Progress, replicate};
use super::metrics::metric_names;
use super::{Estimate, ExperimentError, RunResults};
use crate::scenario::Scenario;

/// Which side of the value a target wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The metric must stay at or below the value.
    AtMost,
    /// The metric must reach at least the value.
    AtLeast,
}

/// A service target, e.g. `ext_abandon_rate<=0.05`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Metric name.
    pub metric: String,
    /// Direction.
    pub bound: Bound,
    /// The value.
    pub value: f64,
}

impl fmt::Display for Target {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.bound {
            Bound::AtMost => "<=",
            Bound::AtLeast => ">=",
        };
        write!(formatter, "{}{op}{}", self.metric, self.value)
    }
}

/// Splits `metric<=value` or `metric>=value` into its parts; errors show
/// `example`. Strict comparisons (`<`, `>`) are refused: a target is met
/// at its value, and reading `<` as `<=` would be a silent change.
pub fn split_target(text: &str, example: &str) -> Result<(String, Bound, f64), ExperimentError> {
    let invalid = |why: String| ExperimentError::Invalid(format!("--target {text:?}: {why}; write e.g. \"{example}\""));
    let (at, bound, width) =
        [("<=", Bound::AtMost), (">=", Bound::AtLeast), ("<", Bound::AtMost), (">", Bound::AtLeast)]
            .iter()
            .find_map(|(op, bound)| text.find(op).map(|at| (at, *bound, op.len())))
            .ok_or_else(|| invalid("no comparison; the valid forms are METRIC<=VALUE and METRIC>=VALUE".into()))?;
    let metric = text[..at].trim().to_string();
    if width == 1 {
        let op = &text[at..=at];
        return Err(invalid(format!(
            "the strict comparison {op:?} is not a target form; the valid forms are METRIC<=VALUE and METRIC>=VALUE (a target is met at its value)"
        )));
    }
    let value: f64 = text[at + width..]
        .trim()
        .parse()
        .map_err(|_| invalid(format!("{:?} is not a number", text[at + width..].trim())))?;
    if !value.is_finite() {
        return Err(invalid("the value must be finite".into()));
    }
    Ok((metric, bound, value))
}

impl Target {
    /// Parses `metric<=value` or `metric>=value`.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<Target, ExperimentError> {
        let invalid = |why: String| {
            ExperimentError::Invalid(format!("--target {text:?}: {why}; write e.g. \"ext_abandon_rate<=0.05\""))
        };
        let (metric, bound, value) = split_target(text, "ext_abandon_rate<=0.05")?;
        let names = metric_names(scenario);
        if !names.contains(&metric) {
            return Err(invalid(format!(
                "no metric {metric:?}; choose one of {}",
                names.iter().filter(|n| !n.starts_with("department.")).cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        Ok(Target { metric, bound, value })
    }

    /// How far the interval's unfavourable end misses the target, relative to
    /// the target (0 when met).
    fn shortfall(&self, estimate: Option<Estimate>) -> f64 {
        let Some(e) = estimate else {
            return f64::INFINITY;
        };
        let scale = self.value.abs().max(1e-9);
        let (low, high) = if e.low.is_nan() { (e.mean, e.mean) } else { (e.low, e.high) };
        match self.bound {
            Bound::AtMost => (high - self.value).max(0.0) / scale,
            Bound::AtLeast => (self.value - low).max(0.0) / scale,
        }
    }
}

/// A staffing the search evaluated.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Staff per department, scenario order.
    pub staff: Vec<u32>,
    /// Which phase of the search proposed it: `start`, `add`, `remove`, or
    /// `confirm` (an addition chosen on a confirmation round's replications).
    pub phase: &'static str,
    /// The replications it was measured on: 0 for the search's own seed,
    /// `r` for confirmation round `r`'s.
    pub round: u32,
    /// Its results.
    pub results: RunResults,
    /// Sum of the targets' shortfalls (0: every target holds).
    pub shortfall: f64,
    /// Mean staff cost.
    pub cost: f64,
}

impl Candidate {
    /// Whether every target holds with confidence.
    pub fn feasible(&self) -> bool {
        self.shortfall == 0.0
    }

    /// Orders by cost, then head count (for departments that cost nothing).
    fn cheaper(&self, other: &Candidate) -> std::cmp::Ordering {
        let heads = |c: &Candidate| c.staff.iter().map(|&s| u64::from(s)).sum::<u64>();
        self.cost.total_cmp(&other.cost).then(heads(self).cmp(&heads(other)))
    }
}

/// The recommendation measured on replications that played no part in
/// choosing it ([`super::confirm`]).
#[derive(Debug, Clone)]
pub struct Confirmation {
    /// Rounds run, 1 to [`MOST_ROUNDS`].
    pub rounds: u32,
    /// Whether every target holds at its interval's unfavourable end in the
    /// last round.
    pub confirmed: bool,
    /// Why confirmation stopped short, when it did.
    pub stopped: Option<String>,
    /// The recommended staffing's results in the last round.
    pub results: RunResults,
}

/// A finished search.
#[derive(Debug, Clone)]
pub struct OptimizeResults {
    /// The targets.
    pub targets: Vec<Target>,
    /// Every staffing evaluated, in order.
    pub candidates: Vec<Candidate>,
    /// Index of the recommendation: the cheapest feasible candidate, or the
    /// one closest to feasible when none is; after confirmation rounds that
    /// added staff, the last staffing they chose.
    pub best: usize,
    /// Whether the removal pass stopped at its cap (`max_hires` + 1 people)
    /// while removing still kept every target.
    pub removal_capped: bool,
    /// The recommendation on fresh replications (`None` when the search ran
    /// without confirmation).
    pub confirmation: Option<Confirmation>,
}

impl OptimizeResults {
    /// The recommended candidate.
    pub fn recommended(&self) -> &Candidate {
        &self.candidates[self.best]
    }

    /// The figures to report for the recommendation: the last confirmation
    /// round's, or the search's own without confirmation.
    pub fn reported(&self) -> &RunResults {
        self.confirmation.as_ref().map_or(&self.recommended().results, |c| &c.results)
    }
}

struct Search<'a> {
    base: &'a Scenario,
    targets: &'a [Target],
    /// The replications in use: the search's, or a confirmation round's.
    plan: Plan,
    round: u32,
    progress: &'a dyn Progress,
    candidates: Vec<Candidate>,
    seen: HashMap<(u32, Vec<u32>), usize>,
}

impl Search<'_> {
    fn scenario(&self, staff: &[u32]) -> Scenario {
        let mut file = self.base.resolved.clone();
        file.sweep = None;
        // Unlimited departments keep their unlimited staff; shifts move by
        // the same number of people on every shift (the count is the peak).
        for ((department, &count), checked) in file.departments.iter_mut().zip(staff).zip(&self.base.departments) {
            if department.shifts.is_some() {
                department.add_staff(count.saturating_sub(checked.staff));
            } else if !department.unlimited() {
                department.staff = Some(crate::scenario::Staff::Count(count));
            }
        }
        Scenario::from_file(file, &self.base.name).expect("changing staff keeps a valid scenario valid")
    }

    /// Runs `staffings` in one flat job list under the plan in use.
    fn measure(&self, staffings: Vec<Vec<u32>>, phase: &'static str) -> Result<Vec<Candidate>, super::Stalled> {
        let scenarios: Vec<Scenario> = staffings.iter().map(|staff| self.scenario(staff)).collect();
        let replications = replicate(&scenarios, &self.plan, self.progress)?;
        Ok(staffings
            .into_iter()
            .zip(scenarios)
            .zip(replications)
            .map(|((staff, scenario), replications)| {
                let results = RunResults::reduced(scenario, replications);
                let shortfall =
                    self.targets.iter().map(|t| t.shortfall(results.metric(&t.metric).and_then(|r| r.estimate))).sum();
                let cost = results.metric("staff_cost").and_then(|r| r.estimate).map_or(f64::INFINITY, |e| e.mean);
                Candidate { staff, phase, round: self.round, results, shortfall, cost }
            })
            .collect())
    }

    /// Evaluates the staffings not seen yet under the plan in use, as
    /// candidates; returns the candidate index of each.
    fn evaluate(&mut self, staffings: Vec<Vec<u32>>, phase: &'static str) -> Result<Vec<usize>, super::Stalled> {
        let mut fresh: Vec<Vec<u32>> = Vec::new();
        for staff in &staffings {
            if !self.seen.contains_key(&(self.round, staff.clone())) && !fresh.contains(staff) {
                fresh.push(staff.clone());
            }
        }
        for candidate in self.measure(fresh, phase)? {
            self.seen.insert((self.round, candidate.staff.clone()), self.candidates.len());
            self.candidates.push(candidate);
        }
        Ok(staffings.iter().map(|staff| self.seen[&(self.round, staff.clone())]).collect())
    }

    /// One more person where it buys the largest reduction of the
    /// shortfall per unit of cost, from staffing `here` whose shortfall and
    /// cost are given; `None` when no department can grow.
    fn add_one(
        &mut self,
        here: &[u32],
        (shortfall, cost): (f64, f64),
        phase: &'static str,
    ) -> Result<Option<usize>, super::Stalled> {
        // No department grows past the largest staff a scenario may have.
        let most_staff = crate::scenario::ranges::range("department.staff").high as u32;
        let options: Vec<Vec<u32>> = (0..here.len())
            .filter(|&d| here[d] < most_staff && !self.base.departments[d].unlimited)
            .map(|d| {
                let mut next = here.to_vec();
                next[d] += 1;
                next
            })
            .collect();
        if options.is_empty() {
            return Ok(None);
        }
        let indices = self.evaluate(options, phase)?;
        let value = |i: usize| {
            let candidate = &self.candidates[i];
            let gain = if shortfall.is_infinite() { 0.0 } else { shortfall - candidate.shortfall };
            (gain / (candidate.cost - cost).max(1e-9), -candidate.shortfall)
        };
        Ok(indices.into_iter().max_by(|&a, &b| {
            let (va, vb) = (value(a), value(b));
            va.0.total_cmp(&vb.0).then(va.1.total_cmp(&vb.1)).then(b.cmp(&a))
        }))
    }
}

/// Searches for the cheapest staffing meeting every target, adding at most
/// `max_hires` people in total to the scenario's staffing, then confirms it
/// on fresh replications as `confirm` says.
pub fn optimize(
    base: &Scenario,
    targets: &[Target],
    max_hires: u32,
    plan: &Plan,
    confirm: Confirm,
    progress: &dyn Progress,
) -> Result<OptimizeResults, super::Stalled> {
    let mut search =
        Search { base, targets, plan: *plan, round: 0, progress, candidates: Vec::new(), seen: HashMap::new() };
    // Head counts: shifts count by their peak, and the search adds to
    // every shift alike (never removing below the written schedule).
    let start: Vec<u32> = base.departments.iter().map(|d| d.staff).collect();
    let mut current = search.evaluate(vec![start.clone()], "start")?[0];
    let hires = |staff: &[u32]| staff.iter().zip(&start).map(|(s, b)| u64::from(s.saturating_sub(*b))).sum::<u64>();
    // Add: the largest shortfall reduction per unit of cost.
    while !search.candidates[current].feasible() && hires(&search.candidates[current].staff) < u64::from(max_hires) {
        let here = &search.candidates[current];
        let (staff, measured) = (here.staff.clone(), (here.shortfall, here.cost));
        match search.add_one(&staff, measured, "add")? {
            Some(next) => current = next,
            None => break,
        }
    }
    // Remove: the largest saving that keeps every target, at most
    // max_hires + 1 people (the size check counts that many rounds), so an
    // organization overstaffed by thousands never runs thousands of rounds.
    let mut removed = 0u64;
    let mut removal_capped = false;
    while search.candidates[current].feasible() {
        if removed > u64::from(max_hires) {
            removal_capped = true;
            break;
        }
        removed += 1;
        let here = search.candidates[current].staff.clone();
        let options: Vec<Vec<u32>> = (0..here.len())
            .filter(|&d| here[d] > 1 && (base.departments[d].schedule.is_none() || here[d] > start[d]))
            .map(|d| {
                let mut next = here.clone();
                next[d] -= 1;
                next
            })
            .collect();
        let indices = search.evaluate(options, "remove")?;
        let cheapest = indices
            .into_iter()
            .filter(|&i| search.candidates[i].feasible())
            .min_by(|&a, &b| search.candidates[a].cheaper(&search.candidates[b]).then(a.cmp(&b)));
        match cheapest {
            Some(next) => current = next,
            None => break,
        }
    }
    let best = (0..search.candidates.len())
        .filter(|&i| search.candidates[i].feasible())
        .min_by(|&a, &b| search.candidates[a].cheaper(&search.candidates[b]).then(a.cmp(&b)))
        .unwrap_or_else(|| {
            (0..search.candidates.len())
                .min_by(|&a, &b| {
                    let (x, y) = (&search.candidates[a], &search.candidates[b]);
                    x.shortfall.total_cmp(&y.shortfall).then(x.cheaper(y)).then(a.cmp(&b))
                })
                .expect("the start was evaluated")
        });
    let (best, confirmation) = match confirm.replications(search.candidates[best].results.replications.len()) {
        None => (best, None),
        Some(replications) => {
            let budget = |staff: &[u32]| hires(staff) < u64::from(max_hires);
            let (best, confirmation) = confirm_choice(&mut search, best, replications, &budget)?;
            (best, Some(confirmation))
        }
    };
    Ok(OptimizeResults { targets: targets.to_vec(), candidates: search.candidates, best, removal_capped, confirmation })
}

/// Measures candidate `best` on fresh replications, round after round;
/// where a target misses, adds the person that round's replications say
/// helps most (within the budget) and measures again in the next round.
fn confirm_choice(
    search: &mut Search,
    mut best: usize,
    replications: u32,
    budget: &dyn Fn(&[u32]) -> bool,
) -> Result<(usize, Confirmation), super::Stalled> {
    let choosing = search.plan;
    let mut round = 1;
    loop {
        search.plan = round_plan(&choosing, replications, round);
        search.round = round;
        let staff = search.candidates[best].staff.clone();
        let measured = search.measure(vec![staff.clone()], "confirm")?.remove(0);
        let stopped = if measured.feasible() {
            None
        } else if round == MOST_ROUNDS {
            Some(format!("a target still missed after {MOST_ROUNDS} confirmation rounds"))
        } else if !budget(&staff) {
            Some("a target missed on fresh replications and --max-hires allows no one more".to_string())
        } else if let Some(next) = search.add_one(&staff, (measured.shortfall, measured.cost), "confirm")? {
            best = next;
            round += 1;
            continue;
        } else {
            Some("a target missed on fresh replications and no department can grow".to_string())
        };
        let confirmed = measured.feasible();
        return Ok((best, Confirmation { rounds: round, confirmed, stopped, results: measured.results }));
    }
}
