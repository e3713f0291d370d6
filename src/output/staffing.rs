//! The files and the printed summary of staffing by interval:
//! `staffing.csv` (one row per department and slot) and `optimized.toml`
//! (the scenario with the covering shifts).

use std::fmt::Write as _;

use crate::experiment::staffing::IntervalStaffing;
use crate::scenario::Scenario;

use super::format::{number, row, writer};
use crate::readable::number as readable;

/// `staffing.csv`: per department and slot, the staff the algorithm
/// requires (people added in confirmation included), Erlang's pointwise
/// answers (`naive_staff`: Erlang A or C; `erlang_c_staff`: Erlang C
/// ignoring abandonment), the staff the shifts put on duty, whether the
/// slot is confirmed, the diagnostics' verdict, how the shifts were found
/// (`cover`: optimal, best-after-node-limit, greedy) and their staff-slots
/// above the staff-slots required (`cover_gap`, a share), and each target's metric measured with the required
/// staff in place in the last confirmation round.
pub fn staffing_csv(plan: &IntervalStaffing, scenario: &Scenario) -> Vec<u8> {
    let mut out = writer();
    let mut header: Vec<String> = [
        "department",
        "interval_start",
        "interval_end",
        "clock_start",
        "clock_end",
        "required_staff",
        "rostered_staff",
        "naive_staff",
        "erlang_c_staff",
        "scheduled_staff",
        "on_break",
        "scheduled_fte",
        "confirmed",
        "verdict",
        "cover",
        "cover_gap",
    ]
    .map(String::from)
    .to_vec();
    for target in &plan.targets {
        header.extend(["mean", "ci_low", "ci_high"].map(|part| format!("{}_{part}", target.metric.name())));
    }
    row(&mut out, &header);
    let every = plan.grid.every;
    let unit = &scenario.time_unit;
    let weekly = weekly(plan, unit);
    let clock = |time: f64| crate::readable::clock(scenario.start_time, time, unit, weekly).unwrap_or_default();
    let fte = fte_per_staff_time(scenario);
    for department in &plan.departments {
        for slot in 0..plan.grid.slots {
            let mut fields = vec![
                department.name.clone(),
                number(Some(slot as f64 * every)),
                number(Some((slot + 1) as f64 * every)),
                clock(slot as f64 * every),
                clock((slot + 1) as f64 * every),
                department.required[slot].to_string(),
                department.rostered[slot].to_string(),
                department.naive[slot].map_or(String::new(), |n| n.to_string()),
                department.erlang_c[slot].map_or(String::new(), |n| n.to_string()),
                department.scheduled[slot].to_string(),
                department.on_break[slot].to_string(),
                number(fte.map(|f| f * f64::from(department.scheduled[slot]) * every)),
                department.confirmed.as_ref().map_or(String::new(), |met| met[slot].to_string()),
                department.verdict.as_str().to_string(),
                department.cover.method.label().to_string(),
                number(Some(department.cover.gap())),
            ];
            for measured in &department.measured {
                match measured[slot] {
                    Some(e) => fields.extend([Some(e.mean), Some(e.low), Some(e.high)].map(number)),
                    None => fields.extend([String::new(), String::new(), String::new()]),
                }
            }
            row(&mut out, &fields);
        }
    }
    super::format::bytes(out)
}

/// Full-time equivalents per staff-time unit: one FTE works `fte_hours`
/// a day; `None` when the time unit is not a clock unit.
fn fte_per_staff_time(scenario: &Scenario) -> Option<f64> {
    let seconds = crate::readable::seconds_in(&scenario.time_unit)?;
    Some(seconds / 3600.0 / scenario.fte_hours)
}

/// Full-time equivalents a day of `plan`'s scheduled staff needs, by
/// department (its staff-hours over a period, per day, over `fte_hours`);
/// `None` without a clock unit.
pub fn fte_per_day(plan: &IntervalStaffing, scenario: &Scenario) -> Option<Vec<f64>> {
    let fte = fte_per_staff_time(scenario)?;
    let days = plan.grid.every * plan.grid.slots as f64 * crate::readable::seconds_in(&scenario.time_unit)? / 86_400.0;
    Some(
        plan.departments
            .iter()
            .map(|d| d.scheduled.iter().map(|&s| f64::from(s)).sum::<f64>() * plan.grid.every * fte / days)
            .collect(),
    )
}

/// Whether a staffing period is longer than a day (its clock times then
/// carry the weekday); `unit`: the scenario's time unit.
pub fn weekly(plan: &IntervalStaffing, unit: &str) -> bool {
    let period = plan.grid.every * plan.grid.slots as f64;
    crate::output::events::seconds_per_unit(unit).is_some_and(|seconds| period * seconds > 86_400.0 + 1e-6)
}

/// The columns of `shifts.csv`.
pub const SHIFT_COLUMNS: [&str; 8] =
    ["department", "start", "end", "length", "staff", "clock_start", "clock_end", "breaks"];

/// `shifts.csv`: each department's covering shifts, times in the
/// scenario's unit and, for a clock unit, as clock times from the
/// scenario's `start` (the weekday with a weekly period); `breaks` lists
/// each person's breaks as FROM-TO, clock times where there are.
pub fn shifts_csv(plan: &IntervalStaffing, unit: &str, start: f64) -> Vec<u8> {
    let mut out = writer();
    row(&mut out, &SHIFT_COLUMNS.map(String::from));
    let weekly = weekly(plan, unit);
    let clock = |time: f64| crate::readable::clock(start, time, unit, weekly).unwrap_or_default();
    for department in &plan.departments {
        for shift in &department.shifts {
            let end = shift.start + shift.length;
            let at = |time: f64| Some(clock(time)).filter(|c| !c.is_empty()).unwrap_or_else(|| number(Some(time)));
            let breaks: Vec<String> = shift
                .breaks
                .iter()
                .map(|b| {
                    let from = shift.start + b.after;
                    format!("{}-{}", at(from), at(from + b.length))
                })
                .collect();
            row(
                &mut out,
                &[
                    department.name.clone(),
                    number(Some(shift.start)),
                    number(Some(end)),
                    number(Some(shift.length)),
                    shift.staff.to_string(),
                    clock(shift.start),
                    clock(end),
                    breaks.join(" "),
                ],
            );
        }
    }
    super::format::bytes(out)
}

/// The scenario with the covering shifts, ready for `orgsim run`.
pub fn optimized_toml(plan: &IntervalStaffing) -> Vec<u8> {
    let mut text = String::from(
        "# Written by `orgsim optimize --by-interval`: the scenario with the shifts that cover the\n# staff each slot requires (see staffing.csv).\n",
    );
    text.push_str(&toml::to_string(&plan.optimized).expect("a scenario file always serializes"));
    text.into_bytes()
}

/// The summary printed after the search.
pub fn staffing_table(plan: &IntervalStaffing, scenario: &Scenario) -> String {
    let mut text = String::new();
    let fte = fte_per_day(plan, scenario);
    let targets: Vec<String> = plan.targets.iter().map(ToString::to_string).collect();
    let _ = writeln!(
        text,
        "Staffing by interval for {} ({} slots of {}): {} after {} iteration(s)",
        targets.join(", "),
        plan.grid.slots,
        readable(plan.grid.every),
        if plan.converged { "converged" } else { "stopped at the iteration limit, keeping the larger staffing" },
        plan.iterations
    );
    for (index, department) in plan.departments.iter().enumerate() {
        let staff_slots = |staff: &[u32]| staff.iter().map(|&s| f64::from(s)).sum::<f64>() * plan.grid.every;
        let missed: Vec<String> = plan
            .targets
            .iter()
            .zip(&department.measured)
            .flat_map(|(target, measured)| {
                measured
                    .iter()
                    .enumerate()
                    .filter(move |(_, e)| e.is_some_and(|e| !target.holds(e)))
                    .map(|(slot, _)| readable(slot as f64 * plan.grid.every))
            })
            .collect();
        // A peak only where every slot has a formula's answer.
        let peak = |staff: &[Option<u32>]| {
            staff.iter().copied().collect::<Option<Vec<u32>>>().and_then(|all| all.into_iter().max())
        };
        let shown = |staff: Option<u32>| staff.map_or("–".to_string(), |n| n.to_string());
        let _ = writeln!(
            text,
            "  {:<20} required {} staff-time, shifts {} ({} shift(s)); peak {} (Erlang pointwise {}, Erlang C without abandonment {})",
            department.name,
            readable(staff_slots(&department.required)),
            readable(staff_slots(&department.scheduled)),
            department.shifts.len(),
            department.required.iter().max().copied().unwrap_or(0),
            shown(peak(&department.naive)),
            shown(peak(&department.erlang_c)),
        );
        if let Some(fte) = &fte {
            let _ = writeln!(
                text,
                "    {} FTE a day ({} hours each), {} on duty at the busiest",
                readable(fte[index]),
                readable(scenario.fte_hours),
                department.scheduled.iter().max().copied().unwrap_or(0)
            );
        }
        if department.cover.method != crate::experiment::shift_cover::CoverMethod::Optimal {
            let _ = writeln!(
                text,
                "    shifts found {}: {:.1}% more staff-time than required (the lower bound); not proven the fewest",
                match department.cover.method {
                    crate::experiment::shift_cover::CoverMethod::Greedy => format!(
                        "greedily (the integer program would have more than {} variables)",
                        crate::experiment::shift_cover::MOST_COVER_VARIABLES
                    ),
                    _ => format!(
                        "as the integer program's best after {} nodes",
                        crate::experiment::shift_cover::MOST_COVER_NODES
                    ),
                },
                department.cover.gap() * 100.0
            );
        }
        if !missed.is_empty() {
            let _ = writeln!(
                text,
                "    NOT CONFIRMED: the interval of a target misses in the slots starting at {} (more replications narrow it)",
                missed.join(", ")
            );
        }
    }
    if let Some(replications) = plan.confirm_replications {
        let all = plan.departments.iter().all(|d| d.confirmed.as_ref().is_none_or(|met| met.iter().all(|&m| m)));
        let _ = writeln!(
            text,
            "{} in confirmation round {} ({replications} replications under seed label {}, none used to choose); {} person-slot(s) added during confirmation",
            if all { "every slot meets the targets" } else { "some slots still miss" },
            plan.confirm_rounds,
            crate::experiment::confirm::label(plan.confirm_rounds),
            plan.confirm_added
        );
    }
    for (name, shrinkage) in &plan.shift_shrinkage {
        let _ = writeln!(
            text,
            "  {name:?}: the covering shifts take the department's shrinkage ({}%); the shrinkage given on its shifts applied to those shifts only",
            readable(100.0 * shrinkage)
        );
    }
    if !plan.kept.is_empty() {
        let _ = writeln!(
            text,
            "  kept as written (no target applies there): {}",
            plan.kept.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ")
        );
    }
    let _ = writeln!(text, "`orgsim run optimized.toml` runs the shift plan.");
    text
}

/// What the diagnostics of a check run say, for its heading.
fn diagnostics_words(verdict: crate::experiment::diagnostics::Verdict) -> String {
    match verdict {
        crate::experiment::diagnostics::Verdict::Ok => "diagnostics ok".to_string(),
        other => format!(
            "diagnostics: {}, doubt these figures; `orgsim run optimized.toml` writes diagnostics.csv",
            other.as_str()
        ),
    }
}

/// The covered plan's whole-day figures as written (layer off).
pub fn plan_lines(check: &crate::experiment::staffing::PlanCheck, replications: u32) -> String {
    use crate::experiment::catalogue::describe;
    let mut text = format!(
        "The shift plan as written (optimized.toml: its breaks and shrinkage as the engine takes them), on {replications} fresh replications (95% intervals; {}):\n",
        diagnostics_words(check.verdict)
    );
    for (name, e) in &check.figures {
        let _ = writeln!(
            text,
            "  {:<40} {} ({})",
            describe(name).label,
            crate::readable::percent(e.mean),
            crate::readable::interval(e.low * 100.0, e.high * 100.0) + "%"
        );
    }
    text
}

/// What the social layer adds to the plan, for the summary: its figures
/// with the layer on and off, and the rework it assumes.
pub fn social_lines(check: &crate::experiment::staffing::SocialCheck) -> String {
    use crate::experiment::catalogue::describe;
    let mut text = format!(
        "The social layer is on: the plan assumes its rework and moods. The same plan, with and without it, on fresh seeds shared by both (95% intervals; {}):\n",
        diagnostics_words(check.verdict)
    );
    let shown = |e: Option<crate::experiment::Estimate>| {
        e.map_or("–".to_string(), |e| {
            format!(
                "{} ({})",
                crate::readable::percent(e.mean),
                crate::readable::interval(e.low * 100.0, e.high * 100.0) + "%"
            )
        })
    };
    for (name, on, off) in &check.figures {
        let _ = writeln!(text, "  {:<40} layer on {}, layer off {}", describe(name).label, shown(*on), shown(*off));
    }
    if !check.rework.is_empty() {
        let shares: Vec<String> =
            check.rework.iter().map(|(name, share)| format!("{name} {}", crate::readable::percent(*share))).collect();
        let _ = writeln!(
            text,
            "  work it assumes is redone: {} (set behavior.enabled = false for a pure queueing plan)",
            shares.join(", ")
        );
    }
    text
}
