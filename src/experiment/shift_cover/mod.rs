//! Covering a staffing by slot with shifts: how many people start a shift
//! of each allowed length at each slot boundary, so that every slot has at
//! least the staff it needs, at the fewest staff-hours. An integer program
//! (shift scheduling as a set cover, after Dantzig 1954), solved by the
//! pure-Rust `microlp` solver under a node limit (so the result is the same
//! on every machine), started from a greedy cover that also stands alone
//! when the program would be too large. Shifts wrap past the end of the
//! period, as the scenario's shifts do. With breaks, where each person
//! takes each break is part of the program ([`breaks`]).

mod breaks;

pub use breaks::BreakRule;

use super::ExperimentError;
use crate::scenario::ranges::number;

/// People starting one shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// The slot it starts at.
    pub start: usize,
    /// Its length in slots.
    pub length: usize,
    /// People on it.
    pub staff: u32,
    /// Each person's breaks: where each starts (slots into the shift) and
    /// its length in slots.
    pub breaks: Vec<(usize, usize)>,
}

impl Cover {
    /// `staff` people on a shift without breaks.
    pub fn plain(start: usize, length: usize, staff: u32) -> Cover {
        Cover { start, length, staff, breaks: Vec::new() }
    }
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

/// Most variables (shift starts × lengths) the integer program takes; a
/// larger cover is found by [`greedy`] alone.
pub const MOST_COVER_VARIABLES: usize = 5_000;

/// Most branch-and-bound nodes the integer program explores: a count, not
/// a time, so that the cover is the same on every machine.
pub const MOST_COVER_NODES: u64 = 2_000;

/// How a cover was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverMethod {
    /// The integer program, proven optimal.
    Optimal,
    /// The integer program's best cover after [`MOST_COVER_NODES`] nodes.
    NodeLimit,
    /// The greedy cover: the integer program would have more than
    /// [`MOST_COVER_VARIABLES`] variables.
    Greedy,
}

impl CoverMethod {
    /// The word `staffing.csv` writes.
    pub fn label(self) -> &'static str {
        match self {
            CoverMethod::Optimal => "optimal",
            CoverMethod::NodeLimit => "best-after-node-limit",
            CoverMethod::Greedy => "greedy",
        }
    }
}

/// Shifts that cover a staffing by slot, and how good they are.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftCover {
    /// People starting each shift.
    pub shifts: Vec<Cover>,
    /// How they were found.
    pub method: CoverMethod,
    /// Their staff-slots (people × slots on duty).
    pub staff_slots: u64,
    /// A lower bound on any cover's staff-slots: the staff-slots required.
    pub lower_bound: u64,
}

impl ShiftCover {
    /// The staff-slots above the lower bound, as a share of it (0 when the
    /// cover wastes nothing).
    pub fn gap(&self) -> f64 {
        if self.lower_bound == 0 { 0.0 } else { (self.staff_slots - self.lower_bound) as f64 / self.lower_bound as f64 }
    }
}

/// What a planner allows of a cover: where shifts of each length may
/// start, and how many people shifts of each length may hold (lengths in
/// slots; a length not named is free).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverRules {
    /// For a length, the slots where its shifts may start.
    pub starts: Vec<(usize, Vec<bool>)>,
    /// For a length, the most people on its shifts together.
    pub most: Vec<(usize, u32)>,
    /// For a length, the breaks each person on it takes, in order.
    pub breaks: Vec<(usize, Vec<BreakRule>)>,
}

impl CoverRules {
    fn allows(&self, start: usize, length: usize) -> bool {
        self.starts
            .iter()
            .filter(|(l, _)| *l == length)
            .all(|(_, allowed)| allowed.get(start).copied().unwrap_or(false))
    }

    /// The breaks of shifts of `length` (none when not named).
    fn breaks_of(&self, length: usize) -> &[BreakRule] {
        self.breaks.iter().find(|(l, _)| *l == length).map_or(&[], |(_, rules)| rules.as_slice())
    }

    fn fits(&self, shifts: &[Cover]) -> bool {
        shifts.iter().all(|c| self.allows(c.start, c.length))
            && self.most.iter().all(|&(length, most)| {
                shifts.iter().filter(|c| c.length == length).map(|c| c.staff).sum::<u32>() <= most
            })
    }
}

/// Why no cover keeps the rules.
#[derive(Debug, Clone, PartialEq)]
pub enum CoverError {
    /// No allowed shift covers this slot, which needs people.
    Uncovered(usize),
    /// The rules leave no cover (people are capped): the slot that needs
    /// more than the capped lengths can bring, if one does, and the
    /// solver's words.
    Capped(Option<usize>, String),
}

/// The cheapest shifts (fewest staff-slots) that give every slot at least
/// `required` people; `lengths` in slots. The integer program (after
/// Dantzig 1954) starts from the greedy cover and explores at most
/// [`MOST_COVER_NODES`] nodes; past [`MOST_COVER_VARIABLES`] variables the
/// greedy cover stands.
pub fn cover(required: &[u32], lengths: &[usize]) -> Result<ShiftCover, String> {
    cover_with(required, lengths, &CoverRules::default()).map_err(|e| format!("{e:?}"))
}

/// [`cover`] keeping `rules`: only allowed starts are candidates, the
/// caps are constraints, and the greedy start is the greedy cover over the
/// allowed shifts (used to warm the program when it keeps the caps).
pub fn cover_with(required: &[u32], lengths: &[usize], rules: &CoverRules) -> Result<ShiftCover, CoverError> {
    let slots = required.len();
    let lower_bound: u64 = required.iter().map(|&r| u64::from(r)).sum();
    let finish = |shifts: Vec<Cover>, method| {
        let staff_slots = shifts.iter().map(|c| c.length as u64 * u64::from(c.staff)).sum();
        ShiftCover { shifts, method, staff_slots, lower_bound }
    };
    if lower_bound == 0 {
        return Ok(finish(Vec::new(), CoverMethod::Optimal));
    }
    let candidates: Vec<(usize, usize)> = lengths
        .iter()
        .flat_map(|&length| {
            // A shift as long as the period is the same whatever its start.
            let starts = if length >= slots { 1 } else { slots };
            (0..starts).map(move |start| (start, length))
        })
        .filter(|&(start, length)| rules.allows(start, length))
        .collect();
    if candidates.iter().any(|&(_, length)| !rules.breaks_of(length).is_empty()) {
        return breaks::cover(required, &candidates, rules);
    }
    let free = *rules == CoverRules::default();
    let starting = if free {
        greedy(required, lengths)
    } else {
        if let Some(slot) = (0..slots)
            .find(|&k| required[k] > 0 && !candidates.iter().any(|&(start, length)| covers(start, length, k, slots)))
        {
            return Err(CoverError::Uncovered(slot));
        }
        greedy_within(required, &candidates)
    };
    let starting_fits = rules.fits(&starting);
    if candidates.len() > MOST_COVER_VARIABLES {
        return if starting_fits {
            Ok(finish(starting, CoverMethod::Greedy))
        } else {
            Err(CoverError::Capped(capped_slot(required, &candidates, rules), "too many shifts to search".into()))
        };
    }
    let mut problem = microlp::Problem::new(microlp::OptimizationDirection::Minimize);
    let weights = idle_weights(required, &starting);
    let variables: Vec<microlp::Variable> = candidates
        .iter()
        .map(|&(start, length)| {
            let idle: f64 = (0..slots).filter(|&k| covers(start, length, k, slots)).map(|k| weights[k]).sum();
            problem.add_integer_var(length.min(slots) as f64 + idle, (0, i32::MAX))
        })
        .collect();
    for (slot, &need) in required.iter().enumerate() {
        let covering = candidates
            .iter()
            .zip(&variables)
            .filter(|&(&(start, length), _)| covers(start, length, slot, slots))
            .map(|(_, &x)| (x, 1.0));
        problem.add_constraint(covering, microlp::ComparisonOp::Ge, f64::from(need));
    }
    for &(length, most) in &rules.most {
        let on_length = candidates.iter().zip(&variables).filter(|&(&(_, l), _)| l == length).map(|(_, &x)| (x, 1.0));
        problem.add_constraint(on_length, microlp::ComparisonOp::Le, f64::from(most));
    }
    let warm = candidates
        .iter()
        .zip(&variables)
        .map(|(&(start, length), &x)| {
            let staff =
                starting.iter().find(|c| c.start == start && c.length == length.min(slots)).map_or(0, |c| c.staff);
            (x, f64::from(staff))
        })
        .collect();
    let mut options = microlp::SolveOptions::default();
    options.node_limit = Some(MOST_COVER_NODES);
    if starting_fits {
        options.warm_start = Some(warm);
    }
    let outcome = problem
        .solve_with(options)
        .map_err(|e| CoverError::Capped(capped_slot(required, &candidates, rules), e.to_string()))?;
    let optimal = outcome.is_optimal();
    let Some(solution) = outcome.solution() else {
        return if starting_fits {
            Ok(finish(starting, CoverMethod::Greedy))
        } else {
            Err(CoverError::Capped(capped_slot(required, &candidates, rules), "no cover found".into()))
        };
    };
    let shifts = candidates
        .iter()
        .zip(&variables)
        .filter_map(|(&(start, length), &x)| {
            let staff = solution.var_value(x).round() as u32;
            (staff > 0).then_some(Cover::plain(start, length.min(slots), staff))
        })
        .collect();
    Ok(finish(shifts, if optimal { CoverMethod::Optimal } else { CoverMethod::NodeLimit }))
}

/// The secondary cost of a person on duty in each slot: among covers of
/// equal staff-slots, the one whose extra people stand in the busiest
/// slots, not the quietest (no more idle staff at 03:00 for two people's
/// work). w(k) = ε/(1 + required(k)) decreases in the slot's requirement;
/// the whole term Σ w(k)·on_duty(k) differs between two covers of at most
/// the greedy cover's staff-slots by less than ε·(greedy − lower bound),
/// and ε = 1/(2·(that + 1)) keeps it below half a staff-slot, so the
/// fewest staff-slots still win.
fn idle_weights(required: &[u32], starting: &[Cover]) -> Vec<f64> {
    let lower: u64 = required.iter().map(|&r| u64::from(r)).sum();
    let upper: u64 = starting.iter().map(|c| c.length as u64 * u64::from(c.staff)).sum();
    let epsilon = 0.5 / (upper.saturating_sub(lower) as f64 + 1.0);
    required.iter().map(|&r| epsilon / (1.0 + f64::from(r))).collect()
}

/// A cover built slot by slot around the period: from the slot after the
/// quietest one, each slot still short of its staff gets that many people
/// starting there, on the length that wastes least (the share of its
/// staff-slots that meet a shortfall; ties to the longer). Costs at most
/// slots × the longest length per pass, and every slot ends covered.
pub fn greedy(required: &[u32], lengths: &[usize]) -> Vec<Cover> {
    let slots = required.len();
    let mut short: Vec<u32> = required.to_vec();
    let quietest = (0..slots).min_by_key(|&k| (required[k], k)).unwrap_or(0);
    let mut allowed = vec![false; slots + 1];
    for &length in lengths {
        allowed[length.min(slots)] = true;
    }
    let longest = lengths.iter().copied().max().unwrap_or(1).min(slots);
    let mut shifts: Vec<Cover> = Vec::new();
    for step in 1..=slots {
        let start = (quietest + step) % slots;
        let people = short[start];
        if people == 0 {
            continue;
        }
        // Useful staff-slots of `people` starting here, by length so far.
        let mut useful = 0u64;
        let mut best = (0.0, 0);
        for offset in 0..longest {
            useful += u64::from(short[(start + offset) % slots].min(people));
            let length = offset + 1;
            if allowed[length] {
                let share = useful as f64 / (u64::from(people) * length as u64) as f64;
                if share >= best.0 {
                    best = (share, length);
                }
            }
        }
        start_shift(&mut short, &mut shifts, Cover::plain(start, best.1, people));
    }
    shifts.sort_by_key(|c| (c.start, c.length));
    shifts
}

/// `shift`'s people start: the slots it covers are that much less short.
fn start_shift(short: &mut [u32], shifts: &mut Vec<Cover>, shift: Cover) {
    let slots = short.len();
    for offset in 0..shift.length {
        let slot = (shift.start + offset) % slots;
        short[slot] = short[slot].saturating_sub(shift.staff);
    }
    match shifts.iter_mut().find(|c| c.start == shift.start && c.length == shift.length) {
        Some(existing) => existing.staff += shift.staff,
        None => shifts.push(shift),
    }
}

/// The greedy cover over `candidates` alone (start, length): each slot
/// still short, from the first, gets its shortfall on the candidate that
/// covers it and wastes least. Every slot must have a covering candidate.
fn greedy_within(required: &[u32], candidates: &[(usize, usize)]) -> Vec<Cover> {
    let slots = required.len();
    let mut short: Vec<u32> = required.to_vec();
    let mut shifts: Vec<Cover> = Vec::new();
    for slot in 0..slots {
        let people = short[slot];
        if people == 0 {
            continue;
        }
        let useful = |&(start, length): &(usize, usize)| {
            let met: u64 = (0..length.min(slots)).map(|o| u64::from(short[(start + o) % slots].min(people))).sum();
            met as f64 / (u64::from(people) * length.min(slots) as u64) as f64
        };
        let Some(&(start, length)) = candidates
            .iter()
            .filter(|&&(start, length)| covers(start, length, slot, slots))
            .max_by(|a, b| useful(a).total_cmp(&useful(b)))
        else {
            continue;
        };
        start_shift(&mut short, &mut shifts, Cover::plain(start, length.min(slots), people));
    }
    shifts.sort_by_key(|c| (c.start, c.length));
    shifts
}

/// A slot that needs more people than the allowed shifts can bring under
/// the caps (a capped length brings at most its cap), if one does.
fn capped_slot(required: &[u32], candidates: &[(usize, usize)], rules: &CoverRules) -> Option<usize> {
    let slots = required.len();
    (0..slots).find(|&k| {
        let mut lengths: Vec<usize> =
            candidates.iter().filter(|&&(start, length)| covers(start, length, k, slots)).map(|&(_, l)| l).collect();
        lengths.dedup();
        let uncapped = lengths.iter().any(|l| !rules.most.iter().any(|(m, _)| m == l));
        !uncapped
            && u64::from(required[k])
                > lengths
                    .iter()
                    .map(|l| rules.most.iter().find(|(m, _)| m == l).map_or(0, |&(_, most)| u64::from(most)))
                    .sum::<u64>()
    })
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

/// People on a break in each of `slots` slots under `shifts`.
pub fn on_break(shifts: &[Cover], slots: usize) -> Vec<u32> {
    (0..slots)
        .map(|slot| {
            shifts
                .iter()
                .filter(|c| c.breaks.iter().any(|&(at, length)| covers((c.start + at) % slots, length, slot, slots)))
                .map(|c| c.staff)
                .sum()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cover_meets_every_slot_at_the_fewest_staff_slots() {
        let required = [1, 1, 3, 5, 5, 4, 2, 1];
        let found = cover(&required, &[3]).unwrap();
        assert_eq!(found.method, CoverMethod::Optimal);
        let shifts = found.shifts;
        let duty = on_duty(&shifts, required.len());
        assert!(duty.iter().zip(&required).all(|(d, r)| d >= r), "{duty:?}");
        // A lower bound: the peak needs five shifts of three slots, and
        // slots 0 and 7 one more shift between them: 8 shifts = 24.
        let staff_slots: usize = shifts.iter().map(|c| c.length * c.staff as usize).sum();
        assert_eq!(staff_slots, 24, "{shifts:?}");
        assert_eq!((found.staff_slots, found.lower_bound), (24, 22));
    }

    #[test]
    fn among_covers_of_equal_cost_the_extra_people_stand_where_it_is_busy() {
        // Six slots around the clock, shifts of two: every cover of the
        // fewest staff-slots, found by brute force, and the one whose
        // extra people are in the busiest slots.
        let required = [1u32, 0, 4, 4, 4, 1];
        let slots = required.len();
        let found = cover(&required, &[2]).unwrap();
        assert_eq!(found.method, CoverMethod::Optimal);
        let idle = |duty: &[u32]| -> f64 {
            duty.iter().zip(&required).map(|(&d, &r)| f64::from(d - r) / (1.0 + f64::from(r))).sum()
        };
        let mut best: Option<(u64, f64)> = None;
        for code in 0..7usize.pow(6) {
            let shifts: Vec<Cover> = (0..slots)
                .map(|start| Cover::plain(start, 2, ((code / 7usize.pow(start as u32)) % 7) as u32))
                .collect();
            let duty = on_duty(&shifts, slots);
            if duty.iter().zip(&required).any(|(d, r)| d < r) {
                continue;
            }
            let cost = duty.iter().map(|&d| u64::from(d)).sum::<u64>();
            let candidate = (cost, idle(&duty));
            best = Some(match best {
                Some(b) if (b.0, b.1) <= (candidate.0, candidate.1) => b,
                _ => candidate,
            });
        }
        let (cost, least_idle) = best.unwrap();
        let duty = on_duty(&found.shifts, slots);
        assert_eq!(found.staff_slots, cost, "{:?}", found.shifts);
        assert!((idle(&duty) - least_idle).abs() < 1e-9, "{duty:?}: {} against {least_idle}", idle(&duty));
    }

    #[test]
    fn the_greedy_cover_covers_every_slot() {
        let required: Vec<u32> = (0..97).map(|k| ((k * 7919) % 13) as u32).collect();
        for lengths in [vec![1], vec![5], vec![8, 12], vec![3, 97]] {
            let shifts = greedy(&required, &lengths);
            let duty = on_duty(&shifts, required.len());
            assert!(duty.iter().zip(&required).all(|(d, r)| d >= r), "{lengths:?}: {duty:?}");
            assert!(shifts.iter().all(|c| lengths.iter().any(|&l| l.min(97) == c.length)));
        }
        // Length 1 wastes nothing.
        let exact: u64 = greedy(&required, &[1]).iter().map(|c| u64::from(c.staff)).sum();
        assert_eq!(exact, required.iter().map(|&r| u64::from(r)).sum::<u64>());
    }

    #[test]
    fn a_large_cover_is_bounded_and_says_how_it_was_found() {
        // 960 slots × 10 lengths: past the integer program's size.
        // A smooth day: the gap to the lower bound is then the cover's own.
        let required: Vec<u32> =
            (0..960).map(|k| (12.0 + 10.0 * (k as f64 / 960.0 * std::f64::consts::TAU).sin()).round() as u32).collect();
        let lengths: Vec<usize> = (0..10).map(|i| 40 + 8 * i).collect();
        let found = cover(&required, &lengths).unwrap();
        assert_eq!(found.method, CoverMethod::Greedy);
        let duty = on_duty(&found.shifts, required.len());
        assert!(duty.iter().zip(&required).all(|(d, r)| d >= r));
        assert!(found.staff_slots >= found.lower_bound && found.gap() < 0.15, "{}", found.gap());
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
