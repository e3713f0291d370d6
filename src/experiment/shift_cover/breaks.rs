//! Covers with breaks: every person on a shift of a length with break
//! rules takes each break somewhere in its window, and a person on a break
//! does not count in that slot. Where each person breaks is chosen with
//! the shifts — the implicit break placement of Aykin ("Optimal shift
//! scheduling with multiple break windows", *Management Science* 42(4),
//! 1996): beside x(s, ℓ), the people starting shift (s, ℓ), y(s, ℓ, b, o)
//! people of it take break b at offset o, with Σₒ y = x for every break,
//! and slot k counts Σ x over the shifts covering it less Σ y over the
//! breaks covering it. A person's breaks lie in windows that follow one
//! another, so the people of a shift pair their offsets in order.

use super::Cover;
use super::{
    CoverError, CoverMethod, CoverRules, MOST_COVER_NODES, MOST_COVER_VARIABLES, ShiftCover, capped_slot, covers,
    idle_weights,
};

/// A break every person on shifts of one length takes (all in slots):
/// starting between `after` and `after + window` into the shift, `length`
/// long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakRule {
    /// The earliest start, from the shift's start.
    pub after: usize,
    /// The latest start less the earliest.
    pub window: usize,
    /// Its length.
    pub length: usize,
}

impl BreakRule {
    fn offsets(self) -> std::ops::RangeInclusive<usize> {
        self.after..=self.after + self.window
    }
}

/// Whether a break at `offset` into shift (`start`) of `length` covers
/// `slot`.
fn breaks_at(start: usize, (offset, length): (usize, usize), slot: usize, slots: usize) -> bool {
    covers((start + offset) % slots, length, slot, slots)
}

/// Per candidate shift: its x, and per break its y by offset.
type Variables = Vec<(microlp::Variable, Vec<Vec<microlp::Variable>>)>;

/// The cheapest cover of `required` by `candidates` (start, length) whose
/// people take the breaks of `rules`: an integer program as in the module
/// text, warmed by [`greedy`].
pub(super) fn cover(
    required: &[u32],
    candidates: &[(usize, usize)],
    rules: &CoverRules,
) -> Result<ShiftCover, CoverError> {
    let lower_bound = lower_bound(required, candidates, rules);
    let finish = |mut shifts: Vec<Cover>, method| {
        shifts.sort_by(|a, b| (a.start, a.length, &a.breaks).cmp(&(b.start, b.length, &b.breaks)));
        let staff_slots = shifts.iter().map(|c| c.length as u64 * u64::from(c.staff)).sum();
        ShiftCover { shifts, method, staff_slots, lower_bound }
    };
    let starting = greedy(required, candidates, rules)?;
    let starting_fits = rules.fits(&starting);
    let fallback = |why: &str| {
        if starting_fits {
            Ok(finish(starting.clone(), CoverMethod::Greedy))
        } else {
            Err(CoverError::Capped(capped_slot(required, candidates, rules), why.into()))
        }
    };
    let count: usize = candidates
        .iter()
        .map(|&(_, length)| 1 + rules.breaks_of(length).iter().map(|b| b.window + 1).sum::<usize>())
        .sum();
    if count > MOST_COVER_VARIABLES {
        return fallback("too many shifts to search");
    }
    let (problem, variables) = program(required, candidates, rules, &idle_weights(required, &starting));
    let mut options = microlp::SolveOptions::default();
    options.node_limit = Some(MOST_COVER_NODES);
    if starting_fits {
        options.warm_start = Some(warm(&starting, candidates, rules, &variables));
    }
    let outcome = problem
        .solve_with(options)
        .map_err(|e| CoverError::Capped(capped_slot(required, candidates, rules), e.to_string()))?;
    let optimal = outcome.is_optimal();
    let Some(solution) = outcome.solution() else {
        return fallback("no cover found");
    };
    let shifts =
        placed(&|v| solution.var_value(v).round().max(0.0) as u32, candidates, rules, (&variables, required.len()));
    Ok(finish(shifts, if optimal { CoverMethod::Optimal } else { CoverMethod::NodeLimit }))
}

/// The integer program: its variables (x per candidate, y per break and
/// offset), the breaks' equalities, the slots' needs and the caps.
fn program(
    required: &[u32],
    candidates: &[(usize, usize)],
    rules: &CoverRules,
    weights: &[f64],
) -> (microlp::Problem, Variables) {
    let slots = required.len();
    let mut problem = microlp::Problem::new(microlp::OptimizationDirection::Minimize);
    let weight = |span: &dyn Fn(usize) -> bool| (0..slots).filter(|&k| span(k)).map(|k| weights[k]).sum::<f64>();
    let mut variables: Variables = Vec::with_capacity(candidates.len());
    for &(start, length) in candidates {
        let idle = weight(&|k| covers(start, length, k, slots));
        let x = problem.add_integer_var(length.min(slots) as f64 + idle, (0, i32::MAX));
        let ys = rules
            .breaks_of(length)
            .iter()
            .map(|rule| {
                rule.offsets()
                    .map(|o| {
                        let idle = weight(&|k| breaks_at(start, (o, rule.length), k, slots));
                        problem.add_integer_var(-idle, (0, i32::MAX))
                    })
                    .collect()
            })
            .collect();
        variables.push((x, ys));
    }
    for (x, ys) in &variables {
        for by_offset in ys {
            let terms = by_offset.iter().map(|&y| (y, 1.0)).chain([(*x, -1.0)]);
            problem.add_constraint(terms, microlp::ComparisonOp::Eq, 0.0);
        }
    }
    for (slot, &need) in required.iter().enumerate() {
        let mut terms: Vec<(microlp::Variable, f64)> = Vec::new();
        for (&(start, length), (x, ys)) in candidates.iter().zip(&variables) {
            if !covers(start, length, slot, slots) {
                continue;
            }
            terms.push((*x, 1.0));
            for (rule, by_offset) in rules.breaks_of(length).iter().zip(ys) {
                for (o, &y) in rule.offsets().zip(by_offset) {
                    if breaks_at(start, (o, rule.length), slot, slots) {
                        terms.push((y, -1.0));
                    }
                }
            }
        }
        problem.add_constraint(terms, microlp::ComparisonOp::Ge, f64::from(need));
    }
    for &(length, most) in &rules.most {
        let on_length =
            candidates.iter().zip(&variables).filter(|&(&(_, l), _)| l == length).map(|(_, (x, _))| (*x, 1.0));
        problem.add_constraint(on_length, microlp::ComparisonOp::Le, f64::from(most));
    }
    (problem, variables)
}

/// The shifts of a solution (`value` of each variable): the people of
/// each candidate pair their breaks' offsets in order, person by person,
/// and people with the same offsets share a shift.
fn placed(
    value: &dyn Fn(microlp::Variable) -> u32,
    candidates: &[(usize, usize)],
    rules: &CoverRules,
    (variables, slots): (&Variables, usize),
) -> Vec<Cover> {
    let mut shifts = Vec::new();
    for (&(start, length), (x, ys)) in candidates.iter().zip(variables) {
        let people = value(*x);
        if people == 0 {
            continue;
        }
        let offsets: Vec<(BreakRule, Vec<usize>)> = rules
            .breaks_of(length)
            .iter()
            .zip(ys)
            .map(|(&rule, by_offset)| {
                let mut offsets: Vec<usize> = rule
                    .offsets()
                    .zip(by_offset)
                    .flat_map(|(o, &y)| std::iter::repeat_n(o, value(y) as usize))
                    .collect();
                offsets.resize(people as usize, rule.after + rule.window);
                (rule, offsets)
            })
            .collect();
        for person in 0..people as usize {
            let breaks = offsets.iter().map(|(rule, at)| (at[person], rule.length)).collect();
            join(&mut shifts, Cover { start, length: length.min(slots), staff: 1, breaks });
        }
    }
    shifts
}

/// Adds `shift`'s people to the same shift with the same breaks, or as a
/// shift of its own.
fn join(shifts: &mut Vec<Cover>, shift: Cover) {
    match shifts.iter_mut().find(|c| c.start == shift.start && c.length == shift.length && c.breaks == shift.breaks) {
        Some(existing) => existing.staff += shift.staff,
        None => shifts.push(shift),
    }
}

/// The program's values for the greedy cover.
fn warm(
    starting: &[Cover],
    candidates: &[(usize, usize)],
    rules: &CoverRules,
    variables: &Variables,
) -> Vec<(microlp::Variable, f64)> {
    let mut values = Vec::new();
    for (&(start, length), (x, ys)) in candidates.iter().zip(variables) {
        let on: Vec<&Cover> = starting.iter().filter(|c| c.start == start && c.length == length).collect();
        values.push((*x, on.iter().map(|c| f64::from(c.staff)).sum()));
        for (b, (rule, by_offset)) in rules.breaks_of(length).iter().zip(ys).enumerate() {
            for (o, &y) in rule.offsets().zip(by_offset) {
                let people: u32 = on.iter().filter(|c| c.breaks.get(b).map(|p| p.0) == Some(o)).map(|c| c.staff).sum();
                values.push((y, f64::from(people)));
            }
        }
    }
    values
}

/// Σ required scaled by the least paid time per serving time of any
/// allowed shift (a person on shift ℓ with breaks of β slots in all serves
/// ℓ − β of its ℓ slots), rounded up: no cover has fewer staff-slots.
fn lower_bound(required: &[u32], candidates: &[(usize, usize)], rules: &CoverRules) -> u64 {
    let slots = required.len();
    let ratio = candidates
        .iter()
        .map(|&(_, length)| {
            let paid = length.min(slots) as f64;
            paid / (paid - rules.breaks_of(length).iter().map(|b| b.length).sum::<usize>() as f64)
        })
        .fold(f64::INFINITY, f64::min);
    let sum: u64 = required.iter().map(|&r| u64::from(r)).sum();
    (sum as f64 * ratio - 1e-9).ceil().max(sum as f64) as u64
}

/// A cover built slot by slot around the period: from the slot after the
/// quietest, each slot still short gets its shortfall on the candidate
/// that covers it and wastes least, each person taking each break where
/// the people serving stand furthest above the need (not in that slot,
/// where the window allows). A break lies inside its person's own shift,
/// so adding a person never lowers a slot: every slot ends covered, or
/// the slot no candidate can serve is named.
fn greedy(required: &[u32], candidates: &[(usize, usize)], rules: &CoverRules) -> Result<Vec<Cover>, CoverError> {
    let slots = required.len();
    let mut serving = vec![0u32; slots];
    let mut shifts: Vec<Cover> = Vec::new();
    let quietest = (0..slots).min_by_key(|&k| (required[k], k)).unwrap_or(0);
    for step in 1..=slots {
        let slot = (quietest + step) % slots;
        let people = required[slot].saturating_sub(serving[slot]);
        if people == 0 {
            continue;
        }
        let useful = |&(start, length): &(usize, usize)| {
            let met: u64 = (0..length.min(slots))
                .map(|o| {
                    u64::from(required[(start + o) % slots].saturating_sub(serving[(start + o) % slots]).min(people))
                })
                .sum();
            met as f64 / (u64::from(people) * length.min(slots) as u64) as f64
        };
        let serves = |&&(start, length): &&(usize, usize)| {
            covers(start, length, slot, slots)
                && rules
                    .breaks_of(length)
                    .iter()
                    .all(|rule| rule.offsets().any(|o| !breaks_at(start, (o, rule.length), slot, slots)))
        };
        let Some(&(start, length)) = candidates.iter().filter(serves).max_by(|a, b| useful(a).total_cmp(&useful(b)))
        else {
            return Err(CoverError::Uncovered(slot));
        };
        for _ in 0..people {
            let breaks: Vec<(usize, usize)> = rules
                .breaks_of(length)
                .iter()
                .map(|rule| {
                    let room = |o: usize| {
                        let away = (0..slots).filter(|&k| breaks_at(start, (o, rule.length), k, slots));
                        away.map(|k| i64::from(serving[k]) - i64::from(required[k])).min().unwrap_or(i64::MAX)
                    };
                    let best = rule
                        .offsets()
                        .filter(|&o| !breaks_at(start, (o, rule.length), slot, slots))
                        .max_by_key(|&o| (room(o), std::cmp::Reverse(o)))
                        .unwrap_or(rule.after);
                    (best, rule.length)
                })
                .collect();
            let shift = Cover { start, length: length.min(slots), staff: 1, breaks };
            for (k, count) in serving.iter_mut().enumerate() {
                let away = shift.breaks.iter().any(|&b| breaks_at(start, b, k, slots));
                *count += u32::from(covers(start, shift.length, k, slots) && !away);
            }
            join(&mut shifts, shift);
        }
    }
    Ok(shifts)
}

#[cfg(test)]
mod tests {
    use super::super::{on_break, on_duty};
    use super::*;

    fn serving(shifts: &[Cover], slots: usize) -> Vec<u32> {
        on_duty(shifts, slots).iter().zip(on_break(shifts, slots)).map(|(d, b)| d - b).collect()
    }

    #[test]
    fn breaks_are_placed_with_the_shifts_at_the_fewest_staff_slots() {
        // Twelve slots, shifts of six with a break of one slot starting
        // two to four slots in. Two people must serve in every slot: four
        // shifts of six cover each slot twice, but every person is away
        // one slot, so the cover needs more.
        let required = [2u32; 12];
        let rules =
            CoverRules { breaks: vec![(6, vec![BreakRule { after: 2, window: 2, length: 1 }])], ..Default::default() };
        let found = super::super::cover_with(&required, &[6], &rules).unwrap();
        assert_eq!(found.method, CoverMethod::Optimal);
        let served = serving(&found.shifts, 12);
        assert!(served.iter().zip(&required).all(|(s, r)| s >= r), "{served:?}: {:?}", found.shifts);
        // Each person serves 5 of 6 slots: at least ⌈24 × 6/5⌉ = 29
        // staff-slots, in whole shifts of 6: 5 people are 30.
        assert_eq!(found.lower_bound, 29);
        assert_eq!(found.staff_slots, 30, "{:?}", found.shifts);
        for shift in &found.shifts {
            let (at, length) = shift.breaks[0];
            assert!((2..=4).contains(&at) && length == 1, "{shift:?}");
        }
    }

    #[test]
    fn the_greedy_start_covers_every_slot_and_keeps_the_windows() {
        let required: Vec<u32> = (0..48).map(|k| ((k * 7919) % 9) as u32 + u32::from(k % 5 == 0)).collect();
        let rules = CoverRules {
            breaks: vec![(
                16,
                vec![BreakRule { after: 4, window: 3, length: 1 }, BreakRule { after: 9, window: 2, length: 2 }],
            )],
            ..Default::default()
        };
        let candidates: Vec<(usize, usize)> = (0..48).map(|s| (s, 16)).collect();
        let shifts = greedy(&required, &candidates, &rules).unwrap();
        let served = serving(&shifts, 48);
        assert!(served.iter().zip(&required).all(|(s, r)| s >= r), "{served:?}");
        for shift in &shifts {
            assert!((4..=7).contains(&shift.breaks[0].0) && (9..=11).contains(&shift.breaks[1].0), "{shift:?}");
        }
        // The program does at least as well.
        let found = super::super::cover_with(&required, &[16], &rules).unwrap();
        let served = serving(&found.shifts, 48);
        assert!(served.iter().zip(&required).all(|(s, r)| s >= r), "{served:?}");
        let greedy_slots: u64 = shifts.iter().map(|c| 16 * u64::from(c.staff)).sum();
        assert!(found.staff_slots <= greedy_slots && found.staff_slots >= found.lower_bound);
    }
}
