//! The staffing's shift cover for one department: the shifts (with their
//! breaks) that cover its roster, the people they put on duty and on a
//! break in each slot, and the planner's words when the rules leave no
//! cover.

use super::super::ExperimentError;
use super::super::shift_cover::{CoverError, CoverRules, ShiftCover};
use super::SlotGrid;
use crate::scenario::{BreakFile, Scenario, ShiftFile, ranges::number};

/// Per slot: the people on duty, and of them those on a break.
pub(super) type OnDuty = (Vec<u32>, Vec<u32>);

/// The shifts that cover department `d`'s `required` staff, and the staff
/// they put on duty (and on a break) in each slot.
pub(super) fn cover(
    base: &Scenario,
    d: usize,
    required: &[u32],
    (lengths, rules): (&[usize], &CoverRules),
    grid: SlotGrid,
) -> Result<(Vec<ShiftFile>, OnDuty, ShiftCover), ExperimentError> {
    let name = &base.departments[d].name;
    let slot = |k: usize| {
        let unit = &base.time_unit;
        let at = |t: f64| crate::readable::clock(base.start_time, t, unit, false).unwrap_or_else(|| number(t));
        format!("{}-{} (needs {})", at(k as f64 * grid.every), at((k + 1) as f64 * grid.every), required[k])
    };
    let found = super::super::shift_cover::cover_with(required, lengths, rules).map_err(|why| {
        ExperimentError::Invalid(match why {
            CoverError::Uncovered(k) => format!(
                "covering {name}'s staffing with shifts: no allowed shift covers the slot {}; widen --shift-starts or allow another length",
                slot(k)
            ),
            CoverError::Capped(Some(k), _) => format!(
                "covering {name}'s staffing with shifts: --max-shifts leaves too few people for the slot {}; raise the caps or allow another length",
                slot(k)
            ),
            CoverError::Capped(None, why) => format!(
                "covering {name}'s staffing with shifts: the rules leave no cover ({why}); raise --max-shifts or widen --shift-starts"
            ),
        })
    })?;
    let shifts = found
        .shifts
        .iter()
        .map(|c| ShiftFile {
            start: c.start as f64 * grid.every,
            length: c.length as f64 * grid.every,
            staff: c.staff,
            shrinkage: None,
            breaks: c
                .breaks
                .iter()
                .map(|&(at, length)| BreakFile {
                    after: at as f64 * grid.every,
                    length: length as f64 * grid.every,
                    window: 0.0,
                })
                .collect(),
        })
        .collect();
    let scheduled = super::super::shift_cover::on_duty(&found.shifts, grid.slots);
    let on_break = super::super::shift_cover::on_break(&found.shifts, grid.slots);
    Ok((shifts, (scheduled, on_break), found))
}
