//! Confirmation of a staffing by interval: the targets measured with the
//! required staffing in place on fresh replications, round after round,
//! one person added to every slot that misses ([`crate::experiment::confirm`]).

use super::occupancy::{Staffing, checked, sample_occupancy, staffed_file};
use super::{SlotGrid, SlotTarget, StaffingError, row_at};
use crate::experiment::confirm::{MOST_SLOT_ROUNDS, round_plan};
use crate::experiment::intervals::{IntervalRow, interval_rows};
use crate::experiment::jobs::{Plan, Progress};
use crate::scenario::Scenario;

/// The targets measured with the required staffing in place, after
/// confirmation.
pub(super) struct Measured {
    pub(super) rows: Vec<IntervalRow>,
    /// Per department and slot, whether the targets hold (`None` without
    /// confirmation).
    pub(super) confirmed: Option<Vec<Option<Vec<bool>>>>,
    pub(super) diagnostics: Vec<crate::experiment::diagnostics::Diagnostic>,
    pub(super) rounds: u32,
    pub(super) added: u32,
}

/// Measures `required` on the choosing seed without confirmation, else
/// round after round on fresh seeds, adding one person to every slot that
/// misses until every slot meets the targets or [`MOST_SLOT_ROUNDS`] have
/// run.
pub(super) fn measure(
    base: &Scenario,
    targets: &[SlotTarget],
    grid: SlotGrid,
    (plan, confirm_replications): (&Plan, Option<u32>),
    required: &mut Staffing,
    progress: &dyn Progress,
) -> Result<Measured, StaffingError> {
    let mut rounds = 0;
    let mut added = 0;
    loop {
        let measuring = match confirm_replications {
            None => *plan,
            Some(replications) => round_plan(plan, replications, rounds + 1),
        };
        let required_scenario = checked(staffed_file(base, grid, required, false), base)?;
        let (_, results) = sample_occupancy(&required_scenario, grid, &measuring, progress)?;
        let rows = interval_rows(&required_scenario, &results);
        let diagnostics = || crate::experiment::diagnostics::diagnose(&required_scenario, &results);
        if confirm_replications.is_none() {
            return Ok(Measured { rows, confirmed: None, diagnostics: diagnostics(), rounds, added });
        }
        rounds += 1;
        let met = slots_met(base, targets, grid, required, &rows);
        let misses: u32 = met.iter().flatten().flatten().map(|&m| u32::from(!m)).sum();
        if misses == 0 || rounds == MOST_SLOT_ROUNDS {
            return Ok(Measured { rows, confirmed: Some(met), diagnostics: diagnostics(), rounds, added });
        }
        let most_staff = crate::scenario::ranges::range("department.staff").high as u32;
        for (staff, met) in required.iter_mut().zip(&met) {
            let (Some(staff), Some(met)) = (staff, met) else { continue };
            for (slot, met) in staff.iter_mut().zip(met) {
                if !met && *slot < most_staff {
                    *slot += 1;
                    added += 1;
                }
            }
        }
    }
}

/// Per staffed department and slot: whether every target that applies
/// holds at its interval's unfavourable end in `rows` (a slot with nothing
/// to measure holds).
fn slots_met(
    base: &Scenario,
    targets: &[SlotTarget],
    grid: SlotGrid,
    staffing: &Staffing,
    rows: &[IntervalRow],
) -> Vec<Option<Vec<bool>>> {
    let departments = base.departments.len();
    staffing
        .iter()
        .enumerate()
        .map(|(d, staff)| {
            staff.as_ref()?;
            Some(
                (0..grid.slots)
                    .map(|k| {
                        let row = row_at(rows, (d, departments), k, grid.slots);
                        targets
                            .iter()
                            .filter(|t| t.metric.applies(&base.departments[d]))
                            .all(|t| row.metrics[t.metric.column()].is_none_or(|e| t.holds(e)))
                    })
                    .collect(),
            )
        })
        .collect()
}
