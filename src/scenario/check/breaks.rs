//! Breaks inside shifts: each within its shift, a person's breaks in order
//! and apart, and few enough break events per replication.

use super::super::Breaks;
use super::super::errors::{Checker, Step};
use super::super::file::{BreakFile, DepartmentFile, ShiftFile};
use super::super::ranges::{MOST_SCHEDULE_CHANGES, number};
use super::ScenarioError;

/// Most breaks one shift's people take each.
pub const MOST_BREAKS_PER_SHIFT: usize = 10;

/// Most person-breaks per period in one department.
pub const MOST_BREAKS_PER_PERIOD: f64 = 100_000.0;

/// Checks the breaks of `shifts` (department `index`) and gathers them.
pub(super) fn check(
    checker: &Checker,
    (index, department): (usize, &DepartmentFile),
    shifts: &[ShiftFile],
    (period, horizon): (f64, f64),
) -> Result<Option<Breaks>, ScenarioError> {
    let mut people_breaks = 0.0;
    for (shift_index, shift) in shifts.iter().enumerate() {
        let shift_path = [Step::Key("department"), Step::Index(index), Step::Key("shifts"), Step::Index(shift_index)];
        let shift_label = format!("department {:?}.shifts[{shift_index}]", department.name);
        if shift.breaks.len() > MOST_BREAKS_PER_SHIFT {
            let mut path = shift_path.to_vec();
            path.push(Step::Key("breaks"));
            return Err(checker.invalid(
                &path,
                format!("{shift_label}.breaks"),
                format!("give at most {MOST_BREAKS_PER_SHIFT} breaks per shift (got {})", shift.breaks.len()),
            ));
        }
        for (break_index, pause) in shift.breaks.iter().enumerate() {
            let path = |field: &'static str| {
                let mut path = shift_path.to_vec();
                path.extend([Step::Key("breaks"), Step::Index(break_index), Step::Key(field)]);
                path
            };
            let label = |field: &str| format!("{shift_label}.breaks[{break_index}].{field}");
            for (field, value) in [("after", pause.after), ("length", pause.length), ("window", pause.window)] {
                checker.range(&path(field), &label(field), &format!("department.shifts.breaks.{field}"), value)?;
            }
        }
        if let Some((break_index, why)) = misplaced(shift.length, &shift.breaks) {
            let mut path = shift_path.to_vec();
            path.extend([Step::Key("breaks"), Step::Index(break_index), Step::Key("after")]);
            return Err(checker.invalid(&path, format!("{shift_label}.breaks[{break_index}].after"), why));
        }
        people_breaks += f64::from(shift.staff) * shift.breaks.len() as f64;
    }
    let per_replication = people_breaks * (horizon / period).ceil();
    if people_breaks > MOST_BREAKS_PER_PERIOD || 2.0 * per_replication > MOST_SCHEDULE_CHANGES {
        return Err(checker.invalid(
            &[Step::Key("department"), Step::Index(index), Step::Key("shifts")],
            format!("department {:?}.shifts", department.name),
            format!(
                "{} breaks per period, {} per replication: at most {} per period and {} per replication",
                number(people_breaks),
                number(per_replication),
                number(MOST_BREAKS_PER_PERIOD),
                number(MOST_SCHEDULE_CHANGES / 2.0)
            ),
        ));
    }
    Ok(Breaks::of(shifts, period))
}

/// The first of a shift's breaks (of `shift_length`) that is out of place,
/// and why: each must end within the shift (after + window + length at
/// most its length), and start after the previous one's window has ended,
/// so that a person's breaks never overlap.
pub fn misplaced(shift_length: f64, breaks: &[BreakFile]) -> Option<(usize, String)> {
    let mut free_from = 0.0;
    for (index, pause) in breaks.iter().enumerate() {
        let end = pause.after + pause.window + pause.length;
        if end > shift_length {
            return Some((
                index,
                format!(
                    "the last break would end at {} into the shift, past its length {}: after + window + length must be at most the shift's length",
                    number(end),
                    number(shift_length)
                ),
            ));
        }
        if pause.after < free_from {
            return Some((
                index,
                format!(
                    "starts at {} into the shift, before the previous break's window ends ({} = after + window + length); give a shift's breaks in order, apart",
                    number(pause.after),
                    number(free_from)
                ),
            ));
        }
        free_from = end;
    }
    None
}
