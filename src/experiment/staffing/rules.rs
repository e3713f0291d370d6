//! A planner's rules for the shift cover of `optimize --by-interval`:
//! when shifts may start (`--shift-starts LENGTH@HH:MM-HH:MM`, or
//! `HH:MM-HH:MM` for every length, on the organization's clock from
//! `start_time`), how many people shifts of a length may hold
//! (`--max-shifts LENGTH=N`, per department) and the fewest on duty in
//! every slot (`--min-staff N` or `--min-staff DEPT=N`), and the breaks
//! people on shifts of a length take (`--shift-break "480: after=180,
//! window=120, length=30"`). Read from text here, so the rules are checked
//! the same wherever they come from.

use super::super::ExperimentError;
use super::super::shift_cover::{BreakRule, CoverRules};
use super::SlotGrid;
use crate::scenario::ranges::number;
use crate::scenario::{BreakFile, MOST_BREAKS_PER_SHIFT, Scenario};

/// The most people a rule may name.
const MOST_PEOPLE: u32 = 1_000_000;

/// The rules, as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShiftRules {
    /// A length (`None`: every length) and the window of clock minutes of
    /// the day, from and to (inclusive; it may wrap past midnight).
    starts: Vec<(Option<f64>, (u32, u32))>,
    /// A length and the most people on its shifts.
    most: Vec<(f64, u32)>,
    /// A department (`None`: every one) and the fewest on duty.
    least: Vec<(Option<usize>, u32)>,
    /// A length and the breaks its people take, in order.
    breaks: Vec<(f64, Vec<BreakFile>)>,
}

fn invalid(flag: &str, text: &str, why: &str, example: &str) -> ExperimentError {
    ExperimentError::Invalid(format!("{flag} {text:?}: {why}; write it like {example}"))
}

/// Minutes of the day of `HH:MM` (00:00 to 24:00).
fn clock_minutes(text: &str) -> Option<u32> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60 || hours == 24 && minutes == 0).then_some(hours * 60 + minutes)
}

/// A length among the allowed ones, as written in time units.
fn length_of(text: &str, lengths: &[f64]) -> Option<f64> {
    let value: f64 = text.trim().parse().ok()?;
    lengths.iter().copied().find(|l| (l - value).abs() <= 1e-9 * l.abs().max(1.0))
}

fn people(text: &str) -> Option<u32> {
    text.trim().parse::<u32>().ok().filter(|n| *n <= MOST_PEOPLE)
}

impl ShiftRules {
    /// Reads the rules; `lengths` are the allowed shift lengths (time
    /// units).
    pub fn parse(
        scenario: &Scenario,
        lengths: &[f64],
        (starts, most, least, breaks): (&[String], &[String], &[String], &[String]),
    ) -> Result<ShiftRules, ExperimentError> {
        let mut rules = ShiftRules::default();
        let named = lengths.iter().map(|l| number(*l)).collect::<Vec<_>>().join(", ");
        for text in starts {
            let example = "480@05:00-10:00 or 05:00-13:00";
            let (length, window) = match text.split_once('@') {
                Some((length, window)) => {
                    let length = length_of(length, lengths).ok_or_else(|| {
                        invalid(
                            "--shift-starts",
                            text,
                            &format!("the length must be one of --shift-lengths ({named})"),
                            example,
                        )
                    })?;
                    (Some(length), window)
                }
                None => (None, text.as_str()),
            };
            let (from, to) = window
                .split_once('-')
                .and_then(|(from, to)| Some((clock_minutes(from)?, clock_minutes(to)?)))
                .ok_or_else(|| invalid("--shift-starts", text, "give a window of clock times HH:MM-HH:MM", example))?;
            if crate::readable::seconds_in(&scenario.time_unit).is_none() {
                return Err(invalid(
                    "--shift-starts",
                    text,
                    &format!(
                        "clock times need a clock time unit (second, minute, hour or day; this scenario counts in {:?})",
                        scenario.time_unit
                    ),
                    example,
                ));
            }
            rules.starts.push((length, (from, to)));
        }
        for text in most {
            let example = "480=6";
            let (length, count) =
                text.split_once('=').ok_or_else(|| invalid("--max-shifts", text, "give LENGTH=N", example))?;
            let length = length_of(length, lengths).ok_or_else(|| {
                invalid("--max-shifts", text, &format!("the length must be one of --shift-lengths ({named})"), example)
            })?;
            let count = people(count).ok_or_else(|| {
                invalid("--max-shifts", text, &format!("N must be a whole number from 0 to {MOST_PEOPLE}"), example)
            })?;
            rules.most.push((length, count));
        }
        for text in least {
            let example = "2 or IT=2";
            let (department, count) = match text.rsplit_once('=') {
                Some((name, count)) => {
                    let index = scenario.department_index(name.trim()).ok_or_else(|| {
                        let known = scenario.departments.iter().map(|d| format!("{:?}", d.name)).collect::<Vec<_>>();
                        invalid(
                            "--min-staff",
                            text,
                            &format!("no department is named {name:?}; known: {}", known.join(", ")),
                            example,
                        )
                    })?;
                    (Some(index), count)
                }
                None => (None, text.as_str()),
            };
            let count = people(count).ok_or_else(|| {
                invalid("--min-staff", text, &format!("N must be a whole number from 0 to {MOST_PEOPLE}"), example)
            })?;
            rules.least.push((department, count));
        }
        for text in breaks {
            let (length, pause) = shift_break(scenario, lengths, text)?;
            let listed = match rules.breaks.iter_mut().find(|(l, _)| *l == length) {
                Some((_, listed)) => listed,
                None => {
                    rules.breaks.push((length, Vec::new()));
                    &mut rules.breaks.last_mut().expect("just pushed").1
                }
            };
            listed.push(pause);
            let example = "480: after=180, window=120, length=30";
            if listed.len() > MOST_BREAKS_PER_SHIFT {
                return Err(invalid(
                    "--shift-break",
                    text,
                    &format!("give at most {MOST_BREAKS_PER_SHIFT} breaks per shift length"),
                    example,
                ));
            }
            if let Some((_, why)) = crate::scenario::misplaced_break(length, listed) {
                return Err(invalid("--shift-break", text, &why, example));
            }
        }
        Ok(rules)
    }

    /// The clock minute of the day at which slot `k` starts.
    fn slot_minute(scenario: &Scenario, grid: SlotGrid, k: usize) -> u32 {
        let seconds = crate::readable::seconds_in(&scenario.time_unit).unwrap_or(60.0);
        let minutes = ((scenario.start_time + seconds * grid.every * k as f64) / 60.0).round() as i64;
        minutes.rem_euclid(1440) as u32
    }

    /// Department `d`'s rules for the cover (lengths in slots, as
    /// `lengths_in_slots` made them from `lengths`) and the fewest people
    /// it keeps on duty.
    pub fn for_department(
        &self,
        scenario: &Scenario,
        d: usize,
        grid: SlotGrid,
        lengths: &[(f64, usize)],
    ) -> (CoverRules, u32) {
        let mut cover = CoverRules::default();
        for &(length, (from, to)) in &self.starts {
            let allowed: Vec<bool> = (0..grid.slots)
                .map(|k| {
                    let minute = Self::slot_minute(scenario, grid, k);
                    if from <= to { (from..=to).contains(&minute) } else { minute >= from || minute <= to }
                })
                .collect();
            for &(time, slots) in lengths {
                if length.is_none_or(|l| l == time) {
                    // Two windows for one length: either may hold.
                    match cover.starts.iter_mut().find(|(l, _)| *l == slots) {
                        Some((_, mask)) => mask.iter_mut().zip(&allowed).for_each(|(m, a)| *m |= a),
                        None => cover.starts.push((slots, allowed.clone())),
                    }
                }
            }
        }
        for &(length, most) in &self.most {
            if let Some(&(_, slots)) = lengths.iter().find(|(time, _)| *time == length) {
                cover.most.push((slots, most));
            }
        }
        for (length, listed) in &self.breaks {
            if let Some(&(_, slots)) = lengths.iter().find(|(time, _)| time == length) {
                let whole = |time: f64| (time / grid.every).round() as usize;
                let rules = listed
                    .iter()
                    .map(|b| BreakRule { after: whole(b.after), window: whole(b.window), length: whole(b.length) })
                    .collect();
                cover.breaks.push((slots, rules));
            }
        }
        let least =
            self.least.iter().filter(|(dept, _)| dept.is_none_or(|x| x == d)).map(|(_, n)| *n).max().unwrap_or(0);
        (cover, least)
    }
}

/// One `--shift-break` rule: its shift length and the break, each time a
/// whole number of slots.
fn shift_break(scenario: &Scenario, lengths: &[f64], text: &str) -> Result<(f64, BreakFile), ExperimentError> {
    let example = "480: after=180, window=120, length=30";
    let named = lengths.iter().map(|l| number(*l)).collect::<Vec<_>>().join(", ");
    let (length, fields) = text
        .split_once(':')
        .ok_or_else(|| invalid("--shift-break", text, "give LENGTH: after=A, window=W, length=L", example))?;
    let length = length_of(length, lengths).ok_or_else(|| {
        invalid("--shift-break", text, &format!("the length must be one of --shift-lengths ({named})"), example)
    })?;
    let (mut after, mut window, mut span) = (None, 0.0, None);
    for field in fields.split(',') {
        let (key, value) = field
            .split_once('=')
            .ok_or_else(|| invalid("--shift-break", text, &format!("{:?} is not KEY=VALUE", field.trim()), example))?;
        let value: f64 = value.trim().parse().ok().filter(|v: &f64| (0.0..=1e12).contains(v)).ok_or_else(|| {
            invalid("--shift-break", text, &format!("{} must be a number from 0 to 1e12", key.trim()), example)
        })?;
        match key.trim() {
            "after" => after = Some(value),
            "window" => window = value,
            "length" if value > 0.0 => span = Some(value),
            "length" => return Err(invalid("--shift-break", text, "the break's length must be above 0", example)),
            other => {
                return Err(invalid(
                    "--shift-break",
                    text,
                    &format!("unknown key {other:?}; the keys are after, window (default 0) and length"),
                    example,
                ));
            }
        }
    }
    let (Some(after), Some(span)) = (after, span) else {
        return Err(invalid("--shift-break", text, "give both after and length", example));
    };
    let every = SlotGrid::of(scenario)?.every;
    for (key, time) in [("after", after), ("window", window), ("length", span)] {
        let whole = (time / every).round();
        if (whole * every - time).abs() > 1e-9 * every.max(time) {
            return Err(invalid(
                "--shift-break",
                text,
                &format!("{key} must be a whole number of slots of {} (got {})", number(every), number(time)),
                example,
            ));
        }
    }
    Ok((length, BreakFile { after, window, length: span }))
}
