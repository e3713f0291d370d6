//! Covering a staffing by slot with shifts: how many people start a shift
//! of each allowed length at each slot boundary, so that every slot has at
//! least the staff it needs, at the fewest staff-hours. An integer program
//! (shift scheduling as a set cover, after Dantzig 1954), solved by
//! `good_lp` with its pure-Rust `microlp` solver. Shifts wrap past the end
//! of the period, as the scenario's shifts do.

use good_lp::{Expression, Solution, SolverModel, Variable, constraint, microlp, variable, variables};

use super::ExperimentError;
use crate::scenario::ranges::number;

/// People starting one shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cover {
    /// The slot it starts at.
    pub start: usize,
    /// Its length in slots.
    pub length: usize,
    /// People on it.
    pub staff: u32,
}

/// Shift lengths in slots, from lengths in time units: each a whole number
/// of slots, at most the period.
pub fn lengths_in_slots(lengths: &[f64], every: f64, period: f64) -> Result<Vec<usize>, ExperimentError> {
    if lengths.is_empty() {
        return Err(ExperimentError::Invalid("--shift-lengths: give at least one length, e.g. 480".into()));
    }
    let mut slots = Vec::with_capacity(lengths.len());
    for &length in lengths {
        let whole = (length / every).round();
        if !(length > 0.0 && length <= period && (whole * every - length).abs() <= 1e-9 * length) {
            return Err(ExperimentError::Invalid(format!(
                "--shift-lengths: {} must be a whole number of slots of {} and at most the period, {}",
                number(length),
                number(every),
                number(period)
            )));
        }
        slots.push(whole as usize);
    }
    slots.sort_unstable();
    slots.dedup();
    Ok(slots)
}

/// The cheapest shifts (fewest staff-slots) that give every slot at least
/// `required` people; `lengths` in slots.
pub fn cover(required: &[u32], lengths: &[usize]) -> Result<Vec<Cover>, String> {
    let slots = required.len();
    if required.iter().all(|&r| r == 0) {
        return Ok(Vec::new());
    }
    let mut problem_variables = variables!();
    let mut shifts: Vec<(usize, usize, Variable)> = Vec::new();
    for &length in lengths {
        // A shift as long as the period is the same whatever its start.
        let starts = if length >= slots { 1 } else { slots };
        for start in 0..starts {
            shifts.push((start, length, problem_variables.add(variable().integer().min(0))));
        }
    }
    let objective: Expression = shifts.iter().map(|&(_, length, x)| x * length as f64).sum();
    let mut problem = problem_variables.minimise(objective).using(microlp);
    for (slot, &need) in required.iter().enumerate() {
        let covering: Expression =
            shifts.iter().filter(|&&(start, length, _)| covers(start, length, slot, slots)).map(|&(_, _, x)| x).sum();
        problem = problem.with(constraint!(covering >= f64::from(need)));
    }
    let solution = problem.solve().map_err(|e| e.to_string())?;
    Ok(shifts
        .iter()
        .filter_map(|&(start, length, x)| {
            let staff = solution.value(x).round() as u32;
            (staff > 0).then_some(Cover { start, length: length.min(slots), staff })
        })
        .collect())
}

/// Whether a shift from `start` for `length` slots covers `slot` (wrapping).
fn covers(start: usize, length: usize, slot: usize, slots: usize) -> bool {
    length >= slots || (slot + slots - start) % slots < length
}

/// People on duty in each of `slots` slots under `shifts`.
pub fn on_duty(shifts: &[Cover], slots: usize) -> Vec<u32> {
    (0..slots)
        .map(|slot| shifts.iter().filter(|c| covers(c.start, c.length, slot, slots)).map(|c| c.staff).sum())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cover_meets_every_slot_at_the_fewest_staff_slots() {
        let required = [1, 1, 3, 5, 5, 4, 2, 1];
        let shifts = cover(&required, &[3]).unwrap();
        let duty = on_duty(&shifts, required.len());
        assert!(duty.iter().zip(&required).all(|(d, r)| d >= r), "{duty:?}");
        // A lower bound: the peak needs five shifts of three slots, and
        // slots 0 and 7 one more shift between them: 8 shifts = 24.
        let staff_slots: usize = shifts.iter().map(|c| c.length * c.staff as usize).sum();
        assert_eq!(staff_slots, 24, "{shifts:?}");
    }

    #[test]
    fn lengths_must_be_whole_slots_within_the_period() {
        assert_eq!(lengths_in_slots(&[480.0, 600.0, 480.0], 60.0, 1440.0).unwrap(), vec![8, 10]);
        assert!(lengths_in_slots(&[450.0], 60.0, 1440.0).is_err());
        assert!(lengths_in_slots(&[2880.0], 60.0, 1440.0).is_err());
        assert!(lengths_in_slots(&[0.0], 60.0, 1440.0).is_err());
        assert!(lengths_in_slots(&[], 60.0, 1440.0).is_err());
    }
}
