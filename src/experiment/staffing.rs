//! Staffing by interval: the staff each department needs in each slot of
//! the period to meet a target there, by the iterative staffing algorithm
//! (ISA) of Feldman, Mandelbaum, Massey & Whitt ("Staffing of time-varying
//! queues to achieve time-stable performance", *Management Science* 54(2),
//! 2008), then covered with shifts ([`super::shift_cover`]).
//!
//! 1. Simulate with the staffing of the last iteration (the first with
//!    unlimited staff) and sample, [`SAMPLES_PER_SLOT`] times per slot, the
//!    work present in each department (in service and waiting).
//! 2. For `wait_prob<=α`, set each slot's staff to the smallest `s ≥ 1`
//!    with `P(work present ≥ s) ≤ α` (an arrival finding all `s` servers
//!    busy waits). For `abandon_rate<=x` and `service_level>=y` (front line
//!    only), add one person to every slot whose measured mean misses the
//!    target, starting from the mean work present.
//! 3. Repeat until the staffing stops changing, or for at most
//!    [`MOST_ITERATIONS`] iterations, keeping the larger of the last two
//!    staffings where they oscillate.
//!
//! The **naive** staffing beside it is the pointwise stationary
//! approximation: Erlang C (or Erlang A with exponential patience) at each
//! slot's own rate, as if every slot were in steady state. Every iteration
//! runs the same replications under the same seed.

use rayon::prelude::*;

use super::intervals::{INTERVAL_METRICS, interval_rows};
use super::jobs::{Plan, Progress};
use super::optimize::{Bound, split_target};
use super::{Estimate, ExperimentError, Stalled};
use crate::model::{Observer, ReplicationResult, Sample, simulate_observed};
use crate::scenario::{Scenario, ranges::number};
use crate::scenario::{ScenarioFile, ShiftFile, Staff};

/// Most iterations of the algorithm.
pub const MOST_ITERATIONS: usize = 20;
/// Samples of the work present per slot and period.
pub const SAMPLES_PER_SLOT: f64 = 20.0;
/// Most slots a period may have for staffing by interval (each becomes a
/// shift while the algorithm runs).
pub const MOST_SLOTS: usize = 1000;

/// A metric that can be targeted slot by slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotMetric {
    /// Share of work arriving in the slot that waits at all.
    WaitProb,
    /// Share of front-line customers served within `service_level_time`.
    ServiceLevel,
    /// Share of front-line customers who abandon.
    AbandonRate,
}

impl SlotMetric {
    /// Its name in `intervals.csv` and `staffing.csv`.
    pub fn name(self) -> &'static str {
        match self {
            SlotMetric::WaitProb => "wait_prob",
            SlotMetric::ServiceLevel => "service_level",
            SlotMetric::AbandonRate => "abandon_rate",
        }
    }

    fn column(self) -> usize {
        INTERVAL_METRICS.iter().position(|m| *m == self.name()).expect("an interval metric")
    }

    /// Whether a department has this metric: waits everywhere, the rest at
    /// the front line.
    fn applies(self, department: &crate::scenario::Department) -> bool {
        self == SlotMetric::WaitProb || department.front_line
    }
}

/// A target for every slot, e.g. `wait_prob<=0.2`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotTarget {
    /// The metric.
    pub metric: SlotMetric,
    /// Its bound.
    pub value: f64,
}

impl std::fmt::Display for SlotTarget {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let op = if self.metric == SlotMetric::ServiceLevel { ">=" } else { "<=" };
        write!(formatter, "{}{op}{}", self.metric.name(), number(self.value))
    }
}

impl SlotTarget {
    /// Parses `wait_prob<=α`, `abandon_rate<=x` or `service_level>=y`.
    pub fn parse(text: &str, scenario: &Scenario) -> Result<SlotTarget, ExperimentError> {
        let invalid = |why: String| {
            ExperimentError::Invalid(format!(
                "--target {text:?}: {why}; with --by-interval write wait_prob<=A, abandon_rate<=A (A in [0, 1)) or service_level>=A (A in (0, 1])"
            ))
        };
        let (metric, bound, value) = split_target(text, "wait_prob<=0.2")?;
        let metric = match (metric.as_str(), bound) {
            ("wait_prob", Bound::AtMost) => SlotMetric::WaitProb,
            ("abandon_rate", Bound::AtMost) => SlotMetric::AbandonRate,
            ("service_level", Bound::AtLeast) => SlotMetric::ServiceLevel,
            ("wait_prob" | "abandon_rate" | "service_level", _) => {
                return Err(invalid(format!("{metric} only makes sense with the other comparison")));
            }
            _ => return Err(invalid(format!("{metric:?} is not a metric by slot"))),
        };
        let in_range = match metric {
            SlotMetric::ServiceLevel => value > 0.0 && value <= 1.0,
            _ => (0.0..1.0).contains(&value),
        };
        if !in_range {
            return Err(invalid(format!("{} is out of range", number(value))));
        }
        if metric == SlotMetric::ServiceLevel && scenario.customers.service_level_time.is_none() {
            return Err(invalid("service_level needs customers.service_level_time in the scenario".into()));
        }
        if metric == SlotMetric::AbandonRate && scenario.customers.patience.is_none() {
            return Err(invalid("abandon_rate needs customers.patience: without it nobody abandons".into()));
        }
        Ok(SlotTarget { metric, value })
    }

    /// Whether an interval's unfavourable end meets the target (its mean,
    /// with one replication).
    pub fn holds(&self, estimate: Estimate) -> bool {
        let end = match self.metric {
            _ if estimate.low.is_nan() => estimate.mean,
            SlotMetric::ServiceLevel => estimate.low,
            _ => estimate.high,
        };
        self.met(end)
    }

    fn met(&self, measured: f64) -> bool {
        match self.metric {
            SlotMetric::ServiceLevel => measured >= self.value,
            _ => measured <= self.value,
        }
    }
}

/// The slots staffing works on: the rates' slots, or with shifts alone the
/// hours of the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotGrid {
    /// Slot length.
    pub every: f64,
    /// Slots per period.
    pub slots: usize,
}

impl SlotGrid {
    /// The grid of `scenario`; an error when nothing changes through a
    /// period.
    pub fn of(scenario: &Scenario) -> Result<SlotGrid, ExperimentError> {
        let grid = match (&scenario.customers.profile, scenario.period) {
            (Some(profile), _) => SlotGrid { every: profile.every, slots: profile.rates.len() },
            (None, Some(period)) if scenario.departments.iter().any(|d| d.schedule.is_some()) => {
                SlotGrid { every: period / crate::model::SHIFT_SLOTS as f64, slots: crate::model::SHIFT_SLOTS }
            }
            _ => {
                return Err(ExperimentError::Invalid(
                    "--by-interval staffs slot by slot, but this scenario's demand and staff never change through a period; give customers.rates (or shifts)".into(),
                ));
            }
        };
        if grid.slots > MOST_SLOTS {
            return Err(ExperimentError::Invalid(format!(
                "--by-interval staffs at most {MOST_SLOTS} slots per period (this scenario has {}); use longer slots",
                grid.slots
            )));
        }
        Ok(grid)
    }

    fn period(&self) -> f64 {
        self.every * self.slots as f64
    }
}

/// One department's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct DepartmentStaffing {
    /// Index in the scenario.
    pub index: usize,
    /// Its name.
    pub name: String,
    /// Staff each slot needs (the algorithm's result).
    pub required: Vec<u32>,
    /// Erlang C (or A) at each slot's own rate; `None` where no formula
    /// applies.
    pub naive: Vec<Option<u32>>,
    /// Staff on duty per slot under the shifts that cover `required`.
    pub scheduled: Vec<u32>,
    /// Those shifts.
    pub shifts: Vec<ShiftFile>,
    /// Per target (in order), per slot: the metric measured with
    /// `required` in place.
    pub measured: Vec<Vec<Option<Estimate>>>,
}

/// What staffing by interval found.
#[derive(Debug, Clone)]
pub struct IntervalStaffing {
    /// The targets.
    pub targets: Vec<SlotTarget>,
    /// The slots.
    pub grid: SlotGrid,
    /// The departments staffed (finite staff, a target that applies).
    pub departments: Vec<DepartmentStaffing>,
    /// Departments kept as written: no target applies there.
    pub kept: Vec<String>,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the staffing stopped changing.
    pub converged: bool,
    /// The scenario with the covering shifts (`optimized.toml`).
    pub optimized: ScenarioFile,
}

/// Work present (in service and waiting) by department and slot: how many
/// samples saw each count.
#[derive(Debug, Clone, Default)]
struct Occupancy {
    grid: Option<SlotGrid>,
    counted: (f64, f64),
    departments: usize,
    next: usize,
    counts: Vec<Vec<Vec<u64>>>,
}

impl Observer for Occupancy {
    const SAMPLES: bool = true;

    fn sample(&mut self, sample: &Sample) {
        let department = self.next;
        self.next = (self.next + 1) % self.departments;
        let Some(grid) = self.grid else { return };
        if sample.time < self.counted.0 || sample.time >= self.counted.1 {
            return;
        }
        let slot = ((sample.time / grid.every) as usize) % grid.slots;
        let present = (sample.busy + sample.queue) as usize;
        let counts = &mut self.counts[department][slot];
        if counts.len() <= present {
            counts.resize(present + 1, 0);
        }
        counts[present] += 1;
    }
}

impl Occupancy {
    fn merge(&mut self, other: Occupancy) {
        for (mine, theirs) in self.counts.iter_mut().flatten().zip(other.counts.into_iter().flatten()) {
            if mine.len() < theirs.len() {
                mine.resize(theirs.len(), 0);
            }
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
    }

    /// The smallest `s ≥ 1` with `P(present ≥ s) ≤ alpha`.
    fn tail_staff(counts: &[u64], alpha: f64) -> u32 {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            return 1;
        }
        let mut at_least = total;
        for (s, &count) in counts.iter().enumerate() {
            // `at_least` samples saw `s` or more.
            if s >= 1 && at_least as f64 <= alpha * total as f64 {
                return s as u32;
            }
            at_least -= count;
        }
        counts.len().max(1) as u32
    }

    fn mean(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let sum: f64 = counts.iter().enumerate().map(|(n, &c)| n as f64 * c as f64).sum();
        if total == 0 { 0.0 } else { sum / total as f64 }
    }
}

/// The staffing of one iteration: per department, per slot; `None` keeps
/// the department as written.
type Staffing = Vec<Option<Vec<u32>>>;

/// `base` with `staffing` (unlimited where `unlimited`) as one shift per
/// slot.
fn staffed_file(base: &Scenario, grid: SlotGrid, staffing: &Staffing, unlimited: bool) -> ScenarioFile {
    let mut file = base.resolved.clone();
    file.sweep = None;
    file.period = Some(grid.period());
    for (department, slots) in file.departments.iter_mut().zip(staffing) {
        let Some(slots) = slots else { continue };
        if unlimited {
            department.staff = Some(Staff::Unlimited);
            department.shifts = None;
            continue;
        }
        department.staff = None;
        department.shifts = Some(
            slots
                .iter()
                .enumerate()
                .filter(|&(_, &staff)| staff > 0)
                .map(|(slot, &staff)| ShiftFile { start: slot as f64 * grid.every, length: grid.every, staff })
                .collect(),
        );
    }
    file
}

fn checked(file: ScenarioFile, base: &Scenario) -> Result<Scenario, ExperimentError> {
    let mut scenario = Scenario::from_file(file, &base.name)
        .map_err(|e| ExperimentError::Invalid(format!("a staffing by interval could not be checked: {e}")))?;
    scenario.set_warmup(base.warmup);
    Ok(scenario)
}

/// Runs `scenario`'s replications, sampling the work present.
fn sample_occupancy(
    scenario: &Scenario,
    grid: SlotGrid,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<(Occupancy, Vec<ReplicationResult>), Stalled> {
    let mut sampled = scenario.clone();
    sampled.sample_every = grid.every / SAMPLES_PER_SLOT;
    let period = grid.period();
    let counted = (
        (scenario.warmup / period - 1e-9).ceil().max(0.0) * period,
        (scenario.horizon / period + 1e-9).floor() * period,
    );
    let empty = Occupancy {
        grid: Some(grid),
        counted,
        departments: scenario.departments.len(),
        next: 0,
        counts: vec![vec![Vec::new(); grid.slots]; scenario.departments.len()],
    };
    progress.planned(u64::from(plan.replications));
    let runs: Vec<(ReplicationResult, Occupancy)> = (0..plan.replications)
        .into_par_iter()
        .map(|replication| {
            let mut observer = empty.clone();
            let result = simulate_observed(&sampled, replication, plan.seed, &mut observer);
            progress.finished();
            (result, observer)
        })
        .collect();
    let mut occupancy = empty;
    let mut results = Vec::with_capacity(runs.len());
    for (result, observer) in runs {
        occupancy.merge(observer);
        results.push(result);
    }
    Stalled::check(&results)?;
    Ok((occupancy, results))
}

/// Why staffing by interval stopped.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    /// A bad request (shift lengths, a staffing that cannot be checked).
    #[error(transparent)]
    Invalid(#[from] ExperimentError),
    /// A replication stopped making progress.
    #[error(transparent)]
    Stalled(#[from] Stalled),
}

/// Finds the staffing by interval that meets `targets` in every slot.
pub fn staff_by_interval(
    base: &Scenario,
    targets: &[SlotTarget],
    lengths: &[f64],
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<IntervalStaffing, StaffingError> {
    let grid = SlotGrid::of(base)?;
    let lengths = super::shift_cover::lengths_in_slots(lengths, grid.every, grid.period())?;
    let plan = Plan { precision: None, ..*plan };
    let staffed: Vec<bool> =
        base.departments.iter().map(|d| !d.unlimited && targets.iter().any(|t| t.metric.applies(d))).collect();
    let mut current: Staffing = staffed.iter().map(|&s| s.then(|| vec![0; grid.slots])).collect::<Vec<_>>();
    let mut previous: Option<Staffing> = None;
    let mut converged = false;
    let mut iterations = 0;
    while iterations < MOST_ITERATIONS {
        let first = iterations == 0;
        iterations += 1;
        let scenario = checked(staffed_file(base, grid, &current, first), base)?;
        let (occupancy, results) = sample_occupancy(&scenario, grid, &plan, progress)?;
        let rows = if first { Vec::new() } else { interval_rows(&scenario, &results) };
        let next: Staffing = current
            .iter()
            .enumerate()
            .map(|(d, slots)| {
                let slots = slots.as_ref()?;
                let department = &base.departments[d];
                Some(
                    (0..grid.slots)
                        .map(|k| {
                            let counts = &occupancy.counts[d][k];
                            targets
                                .iter()
                                .filter(|t| t.metric.applies(department))
                                .map(|target| match target.metric {
                                    SlotMetric::WaitProb => Occupancy::tail_staff(counts, target.value),
                                    _ if first => (Occupancy::mean(counts).ceil() as u32).max(1),
                                    metric => {
                                        let measured =
                                            row_at(&rows, d, k, grid.slots).metrics[metric.column()].map(|e| e.mean);
                                        let missed = measured.is_some_and(|m| !target.met(m));
                                        slots[k] + u32::from(missed)
                                    }
                                })
                                .max()
                                .unwrap_or(slots[k])
                        })
                        .collect(),
                )
            })
            .collect();
        if !first && next == current {
            converged = true;
            break;
        }
        previous = Some(std::mem::replace(&mut current, next));
    }
    if !converged && let Some(previous) = previous {
        // Oscillating: the larger of the last two, slot by slot.
        for (now, before) in current.iter_mut().zip(previous) {
            if let (Some(now), Some(before)) = (now, before) {
                for (n, b) in now.iter_mut().zip(before) {
                    *n = (*n).max(b);
                }
            }
        }
    }
    // Measure the targets with the required staffing in place.
    let required_scenario = checked(staffed_file(base, grid, &current, false), base)?;
    let (_, results) = sample_occupancy(&required_scenario, grid, &plan, progress)?;
    let rows = interval_rows(&required_scenario, &results);
    let naive = naive_staffing(base, grid, targets);
    let mut departments = Vec::new();
    let mut optimized = base.resolved.clone();
    optimized.sweep = None;
    for (d, required) in current.iter().enumerate() {
        let Some(required) = required else { continue };
        let cover = super::shift_cover::cover(required, &lengths).map_err(|why| {
            ExperimentError::Invalid(format!("covering {}'s staffing with shifts: {why}", base.departments[d].name))
        })?;
        let shifts: Vec<ShiftFile> = cover
            .iter()
            .map(|c| ShiftFile {
                start: c.start as f64 * grid.every,
                length: c.length as f64 * grid.every,
                staff: c.staff,
            })
            .collect();
        optimized.departments[d].staff = None;
        optimized.departments[d].shifts = Some(shifts.clone());
        departments.push(DepartmentStaffing {
            index: d,
            name: base.departments[d].name.clone(),
            required: required.clone(),
            naive: naive[d].clone(),
            scheduled: super::shift_cover::on_duty(&cover, grid.slots),
            shifts,
            measured: targets
                .iter()
                .map(|t| (0..grid.slots).map(|k| row_at(&rows, d, k, grid.slots).metrics[t.metric.column()]).collect())
                .collect(),
        });
    }
    if base.resolved.period.is_none() {
        optimized.period = Some(grid.period());
    }
    let kept = base
        .departments
        .iter()
        .zip(&staffed)
        .filter(|(d, s)| !**s && !d.unlimited)
        .map(|(d, _)| d.name.clone())
        .collect();
    Ok(IntervalStaffing { targets: targets.to_vec(), grid, departments, kept, iterations, converged, optimized })
}

/// Department `d`'s row for slot `k`: a staffing that never changes runs
/// stationary, with one row per department.
fn row_at(rows: &[super::intervals::IntervalRow], d: usize, k: usize, slots: usize) -> &super::intervals::IntervalRow {
    if rows.iter().filter(|r| r.department == rows[0].department).count() == slots {
        &rows[d * slots + k]
    } else {
        &rows[d]
    }
}

/// Erlang C (wait probability, service level) or Erlang A (abandonment,
/// with exponential patience) at each slot's own rate: each department's
/// mean offered load scaled by the slot's share of the mean customer rate.
fn naive_staffing(base: &Scenario, grid: SlotGrid, targets: &[SlotTarget]) -> Vec<Vec<Option<u32>>> {
    let estimate = crate::model::load_estimate(base);
    let mean_rate = base.customers.arrival_rate;
    let share = |k: usize| base.customers.profile.as_ref().map_or(1.0, |p| p.rates[k] / mean_rate);
    let patience = match &base.resolved.customers.patience {
        Some(crate::scenario::DistributionSpec::Exponential { mean }) => Some(1.0 / mean),
        _ => None,
    };
    base.departments
        .iter()
        .enumerate()
        .map(|(d, department)| {
            (0..grid.slots)
                .map(|k| {
                    let load = estimate.offered_load[d] * share(k);
                    let rate = estimate.arrival_rates[d] * share(k);
                    let mu = 1.0 / department.service_mean;
                    let each: Vec<Option<u32>> = targets
                        .iter()
                        .filter(|t| t.metric.applies(department) && !department.unlimited)
                        .map(|t| smallest_staff(load, |s| formula_met(t, s, load, rate, mu, patience, base)))
                        .collect();
                    if each.is_empty() || each.iter().any(Option::is_none) {
                        None
                    } else {
                        each.into_iter().flatten().max()
                    }
                })
                .collect()
        })
        .collect()
}

/// Whether `s` servers meet `target` by formula (`None`: no formula).
fn formula_met(
    target: &SlotTarget,
    s: u32,
    load: f64,
    rate: f64,
    mu: f64,
    patience: Option<f64>,
    base: &Scenario,
) -> Option<bool> {
    match target.metric {
        SlotMetric::WaitProb if patience.is_none() => {
            Some(f64::from(s) > load && crate::theory::erlang_c(s, load)? <= target.value)
        }
        SlotMetric::ServiceLevel if patience.is_none() => {
            let tau = base.customers.service_level_time?;
            let late = crate::theory::erlang_c(s, load)? * (-(f64::from(s) - load) * mu * tau).exp();
            Some(f64::from(s) > load && 1.0 - late >= target.value)
        }
        SlotMetric::WaitProb => Some(crate::theory::erlang_a(s, rate, mu, patience?)?.p_wait <= target.value),
        SlotMetric::AbandonRate => Some(crate::theory::erlang_a(s, rate, mu, patience?)?.p_abandon <= target.value),
        SlotMetric::ServiceLevel => None,
    }
}

/// The smallest head count `met` accepts, searching up from 1.
fn smallest_staff(load: f64, met: impl Fn(u32) -> Option<bool>) -> Option<u32> {
    let most = (load * 4.0 + 50.0).min(1e6) as u32;
    (1..=most).find_map(|s| match met(s) {
        Some(true) => Some(Some(s)),
        Some(false) => None,
        None => Some(None),
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_rule_takes_the_smallest_staff_whose_tail_is_small_enough() {
        // Present 0..=4 seen 10, 20, 40, 20, 10 times: P(≥3) = 0.3, P(≥4) = 0.1.
        let counts = [10, 20, 40, 20, 10];
        assert_eq!(Occupancy::tail_staff(&counts, 0.2), 4);
        assert_eq!(Occupancy::tail_staff(&counts, 0.3), 3);
        assert_eq!(Occupancy::tail_staff(&counts, 0.05), 5);
        assert_eq!(Occupancy::tail_staff(&[5], 0.2), 1, "at least one person");
        assert_eq!(Occupancy::tail_staff(&[], 0.2), 1);
        assert!((Occupancy::mean(&counts) - 2.0).abs() < 1e-12);
    }
}
