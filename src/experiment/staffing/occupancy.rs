//! Sampling the work present in each department slot by slot, the
//! algorithm's only view of a run, and the scenarios it runs: the base with
//! one shift per slot.

use rayon::prelude::*;

use super::SlotGrid;
use crate::experiment::jobs::{Plan, Progress};
use crate::experiment::{ExperimentError, Stalled};
use crate::model::{Observer, ReplicationResult, Sample, simulate_observed};
use crate::scenario::{Scenario, ScenarioFile, ShiftFile, Staff};

/// Samples of the work present per slot and period.
pub const SAMPLES_PER_SLOT: f64 = 20.0;

/// Work present (in service and waiting) by department and slot: how many
/// samples saw each count.
#[derive(Debug, Clone, Default)]
pub(super) struct Occupancy {
    grid: Option<SlotGrid>,
    counted: (f64, f64),
    departments: usize,
    next: usize,
    pub(super) counts: Vec<Vec<Vec<u64>>>,
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
    pub(super) fn tail_staff(counts: &[u64], alpha: f64) -> u32 {
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

    pub(super) fn mean(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let sum: f64 = counts.iter().enumerate().map(|(n, &c)| n as f64 * c as f64).sum();
        if total == 0 { 0.0 } else { sum / total as f64 }
    }
}

/// The staffing of one iteration: per department, per slot; `None` keeps
/// the department as written.
pub(super) type Staffing = Vec<Option<Vec<u32>>>;

/// `base` with `staffing` (unlimited where `unlimited`) as one shift per
/// slot.
pub(super) fn staffed_file(base: &Scenario, grid: SlotGrid, staffing: &Staffing, unlimited: bool) -> ScenarioFile {
    let mut file = base.resolved.clone();
    file.sweep = None;
    file.period = Some(grid.period());
    for (department, slots) in file.departments.iter_mut().zip(staffing) {
        let Some(slots) = slots else { continue };
        // The algorithm staffs the people available: the roster adds
        // shrinkage afterwards.
        department.shrinkage = None;
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
                .map(|(slot, &staff)| ShiftFile {
                    start: slot as f64 * grid.every,
                    length: grid.every,
                    staff,
                    shrinkage: None,
                    breaks: Vec::new(),
                })
                .collect(),
        );
    }
    file
}

pub(super) fn checked(file: ScenarioFile, base: &Scenario) -> Result<Scenario, ExperimentError> {
    let mut scenario = Scenario::from_file(file, &base.name)
        .map_err(|e| ExperimentError::Invalid(format!("a staffing by interval could not be checked: {e}")))?;
    scenario.set_warmup(base.warmup);
    Ok(scenario)
}

/// Runs `scenario`'s replications, sampling the work present.
pub(super) fn sample_occupancy(
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
