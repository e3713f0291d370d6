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
//! 4. Confirm ([`super::confirm`]): measure the staffing on fresh
//!    replications and add one person to every slot whose interval's
//!    unfavourable end misses a target, round after round, until every slot
//!    meets the targets (at most [`MOST_SLOT_ROUNDS`] rounds). The measured
//!    figures reported are the last round's.
//!
//! The **naive** staffing beside it is the pointwise stationary
//! approximation: Erlang A (exponential patience) or Erlang C at each
//! slot's own rate, as if every slot were in steady state, and the
//! **Erlang C** staffing the classic spreadsheet gives, ignoring
//! abandonment ([`naive`]). Every iteration runs the same replications
//! under the same seed.

mod confirmation;
mod covering;
mod naive;
mod occupancy;
mod rules;
mod social;
pub use social::{PlanCheck, SocialCheck, plan_check, social_check};

use super::confirm::Confirm;
use super::diagnostics::Verdict;
use super::intervals::{INTERVAL_METRICS, IntervalRow, interval_rows};
use super::jobs::{Plan, Progress};
use super::optimize::{Bound, split_target};
use super::shift_cover::ShiftCover;
use super::{Estimate, ExperimentError, Stalled};
use crate::scenario::{Scenario, ScenarioFile, ShiftFile, ranges::number};
pub use occupancy::SAMPLES_PER_SLOT;
use occupancy::{Occupancy, Staffing, checked, sample_occupancy, staffed_file};
pub use rules::ShiftRules;

/// Most iterations of the algorithm.
pub const MOST_ITERATIONS: usize = 20;
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
    /// Average speed of answer: the mean wait of answered front-line
    /// customers.
    Asa,
    /// Busy share of the staff on duty.
    Occupancy,
}

impl SlotMetric {
    /// Its name in `intervals.csv` and `staffing.csv`.
    pub fn name(self) -> &'static str {
        match self {
            SlotMetric::WaitProb => "wait_prob",
            SlotMetric::ServiceLevel => "service_level",
            SlotMetric::AbandonRate => "abandon_rate",
            SlotMetric::Asa => "asa",
            SlotMetric::Occupancy => "occupancy",
        }
    }

    fn column(self) -> usize {
        INTERVAL_METRICS.iter().position(|m| *m == self.name()).expect("an interval metric")
    }

    /// Whether a department has this metric: waits everywhere, the rest at
    /// the front line.
    fn applies(self, department: &crate::scenario::Department) -> bool {
        matches!(self, SlotMetric::WaitProb | SlotMetric::Occupancy) || department.front_line
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
    /// Parses `wait_prob<=α`, `abandon_rate<=x`, `service_level>=y`,
    /// `asa<=t` (a time) or `occupancy<=u` (u in (0, 1]).
    pub fn parse(text: &str, scenario: &Scenario) -> Result<SlotTarget, ExperimentError> {
        let invalid = |why: String| {
            ExperimentError::Invalid(format!(
                "--target {text:?}: {why}; with --by-interval write wait_prob<=A, abandon_rate<=A (A in [0, 1)), service_level>=A, occupancy<=A (A in (0, 1]) or asa<=T (T a time from 0 to 1e12)"
            ))
        };
        let (metric, bound, value) = split_target(text, "wait_prob<=0.2")?;
        let metric = match (metric.as_str(), bound) {
            ("wait_prob", Bound::AtMost) => SlotMetric::WaitProb,
            ("abandon_rate", Bound::AtMost) => SlotMetric::AbandonRate,
            ("service_level", Bound::AtLeast) => SlotMetric::ServiceLevel,
            ("asa", Bound::AtMost) => SlotMetric::Asa,
            ("occupancy", Bound::AtMost) => SlotMetric::Occupancy,
            ("wait_prob" | "abandon_rate" | "service_level" | "asa" | "occupancy", _) => {
                return Err(invalid(format!("{metric} only makes sense with the other comparison")));
            }
            _ => return Err(invalid(format!("{metric:?} is not a metric by slot"))),
        };
        let in_range = match metric {
            SlotMetric::ServiceLevel | SlotMetric::Occupancy => value > 0.0 && value <= 1.0,
            SlotMetric::Asa => (0.0..=crate::scenario::ranges::LONGEST_TIME).contains(&value),
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
        let Some((every, slots)) = scenario.slot_layout() else {
            return Err(ExperimentError::Invalid(
                "--by-interval staffs slot by slot, but this scenario's demand and staff never change through a period; give customers.rates (or shifts)".into(),
            ));
        };
        let grid = SlotGrid { every, slots };
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
    /// Staff each slot needs available (the algorithm's result).
    pub required: Vec<u32>,
    /// Staff each slot needs on the roster: ⌈required / (1 − shrinkage)⌉,
    /// so that round((1 − shrinkage) × rostered) ≥ required.
    pub rostered: Vec<u32>,
    /// Erlang A (exponential patience at the front line) or Erlang C at
    /// each slot's own rate; `None` where no formula applies.
    pub naive: Vec<Option<u32>>,
    /// Erlang C ignoring abandonment (the classic spreadsheet) for the
    /// `wait_prob` and `service_level` targets; `None` for `abandon_rate`
    /// alone.
    pub erlang_c: Vec<Option<u32>>,
    /// Staff on duty per slot under the shifts that cover `required`.
    pub scheduled: Vec<u32>,
    /// Of them, people on a break (`--shift-break`).
    pub on_break: Vec<u32>,
    /// Those shifts.
    pub shifts: Vec<ShiftFile>,
    /// How the cover was found, and its staff-slots against the lower bound.
    pub cover: ShiftCover,
    /// Per target (in order), per slot: the metric measured with
    /// `required` in place, in the last confirmation round.
    pub measured: Vec<Vec<Option<Estimate>>>,
    /// Per slot: whether every target holds at the unfavourable end of its
    /// interval in the last confirmation round (`None` without
    /// confirmation).
    pub confirmed: Option<Vec<bool>>,
    /// The diagnostics' verdict on the measuring run: the worst of this
    /// department's queue and, at the front line, the external rows.
    pub verdict: Verdict,
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
    /// Departments whose shifts had a shrinkage of their own, and the
    /// department's shrinkage the covering shifts take instead.
    pub shift_shrinkage: Vec<(String, f64)>,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the staffing stopped changing.
    pub converged: bool,
    /// The confirmation rounds run (none without confirmation).
    pub confirm_rounds: u32,
    /// People added to slots during confirmation, in all.
    pub confirm_added: u32,
    /// The replications of each confirmation round.
    pub confirm_replications: Option<u32>,
    /// The scenario with the covering shifts (`optimized.toml`).
    pub optimized: ScenarioFile,
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

/// Finds the staffing by interval that meets `targets` in every slot, and
/// confirms it as `confirm` says: each round measures the staffing on fresh
/// replications and adds one person to every slot whose interval's
/// unfavourable end misses a target, until every slot meets them or
/// [`MOST_SLOT_ROUNDS`] rounds have run.
pub fn staff_by_interval(
    base: &Scenario,
    targets: &[SlotTarget],
    (lengths, rules): (&[f64], &ShiftRules),
    plan: &Plan,
    confirm: Confirm,
    progress: &dyn Progress,
) -> Result<IntervalStaffing, StaffingError> {
    let grid = SlotGrid::of(base)?;
    let pairs: Vec<(f64, usize)> = lengths.iter().map(|&l| (l, (l / grid.every).round() as usize)).collect();
    let lengths = super::shift_cover::lengths_in_slots(lengths, grid.every, grid.period())?;
    let plan = Plan { precision: None, ..*plan };
    let (mut required, iterations, converged) = iterate(base, targets, grid, &plan, progress)?;
    let confirm_replications = confirm.replications(plan.replications as usize);
    let confirmation::Measured { rows, confirmed, diagnostics, rounds, added } =
        confirmation::measure(base, targets, grid, (&plan, confirm_replications), &mut required, progress)?;
    let closed = naive::closed_form_staffing(base, grid, targets);
    let mut departments = Vec::new();
    let mut shift_shrinkage = Vec::new();
    let mut optimized = base.resolved.clone();
    optimized.sweep = None;
    if optimized.period.is_none() {
        optimized.period = Some(grid.period());
    }
    for (d, required) in required.iter().enumerate() {
        let Some(required) = required else { continue };
        let (cover_rules, least) = rules.for_department(base, d, grid, &pairs);
        let shrinkage = base.departments[d].shrinkage;
        let rostered: Vec<u32> =
            required.iter().map(|&r| (f64::from(r) / (1.0 - shrinkage) - 1e-9).ceil().max(0.0) as u32).collect();
        let needed: Vec<u32> = rostered.iter().map(|&r| r.max(least)).collect();
        let (shifts, (scheduled, on_break), found) = covering::cover(base, d, &needed, (&lengths, &cover_rules), grid)?;
        if base.resolved.departments[d].shifts.iter().flatten().any(|s| s.shrinkage.is_some()) {
            shift_shrinkage.push((base.departments[d].name.clone(), shrinkage));
            optimized.departments[d].shrinkage = (shrinkage > 0.0).then_some(shrinkage);
        }
        optimized.departments[d].staff = None;
        optimized.departments[d].shifts = Some(shifts.clone());
        departments.push(DepartmentStaffing {
            index: d,
            name: base.departments[d].name.clone(),
            required: required.clone(),
            rostered,
            naive: closed.naive[d].clone(),
            erlang_c: closed.erlang_c[d].clone(),
            scheduled,
            on_break,
            shifts,
            cover: found,
            measured: targets
                .iter()
                .map(|t| {
                    (0..grid.slots)
                        .map(|k| row_at(&rows, (d, base.departments.len()), k, grid.slots).metrics[t.metric.column()])
                        .collect()
                })
                .collect(),
            confirmed: confirmed.as_ref().and_then(|met| met[d].clone()),
            verdict: diagnostics
                .iter()
                .filter(|row| {
                    row.department == base.departments[d].name
                        || (row.department == "external" && base.departments[d].front_line)
                })
                .map(|row| row.verdict)
                .max()
                .unwrap_or(Verdict::Ok),
        });
    }
    let kept = base
        .departments
        .iter()
        .enumerate()
        .filter(|&(d, department)| required[d].is_none() && !department.unlimited)
        .map(|(_, department)| department.name.clone())
        .collect();
    Ok(IntervalStaffing {
        targets: targets.to_vec(),
        grid,
        departments,
        kept,
        shift_shrinkage,
        iterations,
        converged,
        confirm_rounds: rounds,
        confirm_added: added,
        confirm_replications,
        optimized,
    })
}

/// The algorithm's loop: the required staffing, the iterations run and
/// whether it converged.
fn iterate(
    base: &Scenario,
    targets: &[SlotTarget],
    grid: SlotGrid,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<(Staffing, usize, bool), StaffingError> {
    // Departments with finite staff where some target applies; the others
    // are kept as written.
    let mut current: Staffing = base
        .departments
        .iter()
        .map(|d| (!d.unlimited && targets.iter().any(|t| t.metric.applies(d))).then(|| vec![0; grid.slots]))
        .collect();
    let mut previous: Option<Staffing> = None;
    for iteration in 0..MOST_ITERATIONS {
        let first = iteration == 0;
        let scenario = checked(staffed_file(base, grid, &current, first), base)?;
        let (occupancy, results) = sample_occupancy(&scenario, grid, plan, progress)?;
        let rows = if first { Vec::new() } else { interval_rows(&scenario, &results) };
        let next: Staffing = (0..current.len())
            .map(|d| {
                let slots = current[d].as_ref()?;
                Some((0..grid.slots).map(|k| slot_staff(base, targets, (d, k), slots[k], &occupancy, &rows)).collect())
            })
            .collect();
        if !first && next == current {
            return Ok((current, iteration + 1, true));
        }
        previous = Some(std::mem::replace(&mut current, next));
    }
    // Oscillating: the larger of the last two, slot by slot.
    if let Some(previous) = previous {
        for (now, before) in current.iter_mut().zip(previous) {
            if let (Some(now), Some(before)) = (now, before) {
                for (n, b) in now.iter_mut().zip(before) {
                    *n = (*n).max(b);
                }
            }
        }
    }
    Ok((current, MOST_ITERATIONS, false))
}

/// The next staff of department `d` in slot `k`, now `staff`: the largest
/// any target asks for. Without `rows` (the first, unlimited run) the
/// per-slot searches start from the mean work present.
fn slot_staff(
    base: &Scenario,
    targets: &[SlotTarget],
    (d, k): (usize, usize),
    staff: u32,
    occupancy: &Occupancy,
    rows: &[IntervalRow],
) -> u32 {
    let counts = &occupancy.counts[d][k];
    let slots = occupancy.counts[d].len();
    targets
        .iter()
        .filter(|t| t.metric.applies(&base.departments[d]))
        .map(|target| match target.metric {
            SlotMetric::WaitProb => Occupancy::tail_staff(counts, target.value),
            _ if rows.is_empty() => (Occupancy::mean(counts).ceil() as u32).max(1),
            metric => {
                let measured =
                    row_at(rows, (d, base.departments.len()), k, slots).metrics[metric.column()].map(|e| e.mean);
                staff + u32::from(measured.is_some_and(|m| !target.met(m)))
            }
        })
        .max()
        .unwrap_or(staff)
}

/// Department `d`'s row for slot `k`: a staffing that never changes runs
/// stationary, with one row per department.
fn row_at(rows: &[IntervalRow], (d, departments): (usize, usize), k: usize, slots: usize) -> &IntervalRow {
    if rows.len() == departments * slots { &rows[d * slots + k] } else { &rows[d] }
}
