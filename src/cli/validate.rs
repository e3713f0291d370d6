//! `orgsim validate`: checks a scenario and describes it: departments,
//! staff, who needs whom, offered load, warnings, and what queueing theory
//! predicts for a single exponential station.

use std::path::Path;

use anyhow::Result;

use super::{load, say};
use crate::output;
use crate::scenario::{DEFAULT_ORIGIN, Scenario};
use crate::theory;

/// A slot of the period as validate reads it: where it starts and ends,
/// and the customers' rate in it.
struct Slot {
    start: f64,
    end: f64,
    rate: f64,
}

/// The slots of a scenario whose demand or staff change through the
/// period: the rates' slots, or with shifts alone the hours of the period;
/// `None` when nothing changes.
fn slots(scenario: &Scenario) -> Option<Vec<Slot>> {
    let (every, count) = scenario.slot_layout()?;
    let customers = &scenario.customers;
    Some(
        (0..count)
            .map(|slot| Slot {
                start: slot as f64 * every,
                end: (slot + 1) as f64 * every,
                rate: customers.profile.as_ref().map_or(customers.arrival_rate, |p| p.rates[slot]),
            })
            .collect(),
    )
}

/// Mean people serving over the period (the head count without shifts,
/// less breaks and shrinkage).
fn period_staff(scenario: &Scenario, index: usize) -> f64 {
    let period = scenario.period.unwrap_or(scenario.horizon);
    scenario.departments[index].mean_serving(0.0, period).unwrap_or(f64::INFINITY)
}

/// Warnings about departments at or near capacity: on the mean load, and
/// with rates or shifts slot by slot (the load of a slot is the mean load
/// scaled by that slot's rate, over the staff on duty in it: the pointwise
/// stationary approximation).
pub(super) fn load_warnings(scenario: &Scenario) -> Vec<String> {
    let estimate = crate::model::load_estimate(scenario);
    let mut warnings = mean_load_warnings(scenario, &estimate);
    if scenario.whole_periods_counted() == Some(0.0) {
        warnings.push(format!(
            "no whole period ({}) lies between the warm-up ({}) and the horizon ({}): figures by slot need one, so intervals.csv is not written and no day chart is drawn; lengthen the horizon",
            crate::scenario::ranges::number(scenario.period.unwrap_or(0.0)),
            crate::scenario::ranges::number(scenario.warmup),
            crate::scenario::ranges::number(scenario.horizon)
        ));
    }
    let defaulted = scenario.resolved.period.is_none() && scenario.resolved.customers.rates.is_none();
    if let Some(period) = scenario.period.filter(|_| defaulted)
        && crate::scenario::day_in(&scenario.time_unit).is_none()
    {
        warnings.push(format!(
            "time_unit {:?} is not second, minute, hour or day, so the shifts' period defaults to {} {}s (a day in minutes); give period = the length of a day in your unit",
            scenario.time_unit,
            crate::scenario::ranges::number(period),
            scenario.time_unit
        ));
    }
    if let Some(slots) = slots(scenario) {
        for (index, department) in scenario.departments.iter().enumerate() {
            if department.unlimited {
                continue;
            }
            let over: Vec<(usize, f64)> = slots
                .iter()
                .enumerate()
                .map(|(slot, s)| (slot, slot_utilization(scenario, &estimate, index, s)))
                .filter(|&(_, utilization)| utilization >= 1.0)
                .collect();
            if let Some(peak) = over.iter().map(|o| o.1).reduce(f64::max) {
                // Neighbouring slots read as one stretch: 480–720, 780–960.
                let mut stretches: Vec<(usize, usize)> = Vec::new();
                for &(slot, _) in &over {
                    match stretches.last_mut() {
                        Some(last) if last.1 == slot => last.1 = slot + 1,
                        _ => stretches.push((slot, slot + 1)),
                    }
                }
                let number = |value: f64| crate::scenario::ranges::number(crate::scenario::ranges::six_digits(value));
                let mut shown: Vec<String> = stretches
                    .iter()
                    .take(MOST_STRETCHES_NAMED)
                    .map(|&(from, to)| format!("{}–{}", number(slots[from].start), number(slots[to - 1].end)))
                    .collect();
                if stretches.len() > MOST_STRETCHES_NAMED {
                    shown.push(format!("and {} more stretches", stretches.len() - MOST_STRETCHES_NAMED));
                }
                let stretches = shown;
                let peak = if peak.is_finite() {
                    format!("up to {:.0}% of capacity", peak * 100.0)
                } else {
                    "with nobody on duty in some".to_string()
                };
                warnings.push(format!(
                    "department {:?} is offered more than the people serving (on duty, less breaks and shrinkage) in {} of {} slots ({peak}, in {}): queues build there unless customers abandon",
                    department.name,
                    over.len(),
                    slots.len(),
                    stretches.join(", ")
                ));
            }
        }
    }
    warnings
}

/// Most stretches of overloaded slots a warning names.
const MOST_STRETCHES_NAMED: usize = 8;

fn mean_load_warnings(scenario: &Scenario, estimate: &crate::model::LoadEstimate) -> Vec<String> {
    scenario
        .departments
        .iter()
        .zip(&estimate.offered_load)
        .enumerate()
        .filter(|(_, (department, _))| !department.unlimited)
        .filter_map(|(index, (department, &load))| {
            let staff = period_staff(scenario, index);
            let utilization = load / staff;
            if utilization >= 1.0 {
                Some(format!(
                    "department {:?} is offered {:.0}% of its capacity ({load:.2} busy staff needed, {} available): its queue grows without bound unless customers abandon",
                    department.name,
                    utilization * 100.0,
                    crate::scenario::ranges::number(staff)
                ))
            } else if utilization >= 0.9 {
                Some(format!(
                    "department {:?} runs at {:.0}% of capacity: expect long queues there",
                    department.name,
                    utilization * 100.0
                ))
            } else {
                None
            }
        })
        .collect()
}

/// Checks the scenario and prints its description (nothing with `quiet`:
/// the exit code says whether it is valid).
pub(super) fn validate(path: Option<&Path>, settings: &super::options::SetArgs, quiet: bool) -> Result<()> {
    let mut scenario = load(path)?;
    settings.apply(&mut scenario)?;
    let mut origin = path.map_or(DEFAULT_ORIGIN.to_string(), |p| p.display().to_string());
    for setting in &settings.set {
        origin.push_str(&format!(" --set {}", setting.text()));
    }
    say(quiet, &describe(&scenario, &origin))
}

/// What `orgsim validate` prints.
fn describe(scenario: &Scenario, origin: &str) -> String {
    use std::fmt::Write as _;
    let unit = &scenario.time_unit;
    let mut text = String::new();
    let _ = writeln!(text, "{origin}: scenario {:?} is valid", scenario.name);
    if !scenario.description.is_empty() {
        let _ = writeln!(text, "  {}", scenario.description);
    }
    let _ = writeln!(
        text,
        "horizon {} {unit}s, warm-up {}, {} replication(s), seed {}, social layer {}",
        scenario.horizon,
        scenario.warmup,
        scenario.replications,
        scenario.seed,
        if scenario.behavior_enabled { "on" } else { "off" }
    );
    let customers = &scenario.customers;
    let mut previous = 0.0;
    let entry: Vec<String> = customers
        .entry
        .iter()
        .map(|&(index, cumulative)| {
            let share = cumulative - previous;
            previous = cumulative;
            format!("{:?} {:.0}%", scenario.departments[index].name, share * 100.0)
        })
        .collect();
    let patience = match &scenario.resolved.customers.patience {
        Some(spec) => format!("patience with mean {} {unit}s", spec.mean()),
        None => "no abandonment".to_string(),
    };
    let _ = writeln!(
        text,
        "customers: {} per {unit}, {patience}; they arrive at {}",
        customers.arrival_rate,
        entry.join(", ")
    );
    department_table(scenario, &mut text);
    slot_table(scenario, &mut text);
    if let Some(line) = theory_line(scenario) {
        let _ = writeln!(text, "\n{line}");
    }
    let warnings = load_warnings(scenario);
    if !warnings.is_empty() {
        let _ = writeln!(text);
        for warning in warnings {
            let _ = writeln!(text, "warning: {warning}");
        }
    }
    text
}

/// Department `index`'s utilization in `slot`: its mean offered load
/// scaled by the slot's share of the mean rate (the pointwise stationary
/// approximation), over the people serving in the slot (on duty less
/// breaks and shrinkage; infinite with work and nobody serving).
fn slot_utilization(scenario: &Scenario, estimate: &crate::model::LoadEstimate, index: usize, slot: &Slot) -> f64 {
    let load = estimate.offered_load[index] * slot.rate / scenario.customers.arrival_rate;
    let staff = scenario.departments[index].mean_serving(slot.start, slot.end).unwrap_or(f64::INFINITY);
    if load == 0.0 { 0.0 } else { load / staff }
}

/// Most departments the slot table shows.
const SLOT_TABLE_DEPARTMENTS: usize = 8;

/// With rates or shifts, one row per slot: the customers' rate and each
/// department's staff on duty and utilization in it (its mean load scaled
/// by the slot's rate: the pointwise stationary approximation), the first
/// [`SLOT_TABLE_DEPARTMENTS`] departments with finite staff.
fn slot_table(scenario: &Scenario, text: &mut String) {
    use std::fmt::Write as _;
    let Some(slots) = slots(scenario) else {
        return;
    };
    let estimate = crate::model::load_estimate(scenario);
    let shown: Vec<usize> = (0..scenario.departments.len())
        .filter(|&d| !scenario.departments[d].unlimited)
        .take(SLOT_TABLE_DEPARTMENTS)
        .collect();
    let _ = write!(text, "\nby slot: {:>15}  {:>10}", "slot", "customers");
    for &d in &shown {
        let _ = write!(text, "  {:>18}", scenario.departments[d].name.chars().take(18).collect::<String>());
    }
    let _ = writeln!(text);
    let _ = write!(text, "         {:>15}  {:>10}", "", "");
    for _ in &shown {
        let _ = write!(text, "  {:>18}", "staff  utilization");
    }
    let _ = writeln!(text);
    let number = crate::scenario::ranges::number;
    for slot in &slots {
        let _ = write!(
            text,
            "         {:>15}  {:>10}",
            format!("{}–{}", number(slot.start), number(slot.end)),
            crate::readable::number(slot.rate)
        );
        for &d in &shown {
            let staff = scenario.departments[d].mean_staff(slot.start, slot.end).unwrap_or(0.0);
            let utilization = slot_utilization(scenario, &estimate, d, slot);
            let utilization =
                if utilization.is_finite() { format!("{:.0}%", 100.0 * utilization) } else { "nobody".to_string() };
            let _ = write!(text, "  {:>5} {:>12}", crate::readable::number(staff), utilization);
        }
        let _ = writeln!(text);
    }
    let hidden = scenario.departments.iter().filter(|d| !d.unlimited).count().saturating_sub(shown.len());
    if hidden > 0 {
        let _ = writeln!(text, "         (utilization by slot of {hidden} more departments not shown)");
    }
}

/// One row per department: staff, service, work arriving, offered load,
/// utilization and needs.
fn department_table(scenario: &Scenario, text: &mut String) {
    use std::fmt::Write as _;
    let unit = &scenario.time_unit;
    let estimate = crate::model::load_estimate(scenario);
    let name_width = scenario.departments.iter().map(|d| d.name.chars().count()).max().unwrap_or(0).max(10);
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "{:<name_width$} {:>5}  {:>12}  {:>9}  {:>7}  {:>12}  {:>12}  {:>11}  needs",
        "department",
        "staff",
        "service mean",
        "follow-up",
        "rework",
        &format!("work/{unit}"),
        "offered load",
        "utilization"
    );
    for (index, department) in scenario.departments.iter().enumerate() {
        let needs: Vec<String> = department
            .needs
            .iter()
            .map(|need| {
                format!(
                    "{:?} {:.0}% ({})",
                    scenario.departments[need.supplier].name,
                    need.probability * 100.0,
                    need.mode
                )
            })
            .chain(department.transfers.iter().map(|transfer| {
                format!(
                    "→ {:?} {:.0}% (transfer)",
                    scenario.departments[transfer.to].name,
                    transfer.probability * 100.0
                )
            }))
            .chain(department.overflow.iter().map(|overflow| {
                format!(
                    "⇢ {:?} after {} (overflow, ×{})",
                    scenario.departments[overflow.to].name,
                    crate::readable::duration(overflow.after, unit),
                    crate::readable::number(overflow.service_factor)
                )
            }))
            .collect();
        let load = estimate.offered_load[index];
        let front = if department.front_line { "*" } else { " " };
        let _ = writeln!(
            text,
            "{:<name_width$} {:>5}  {:>12}  {:>9}  {:>6.1}%  {:>12}  {:>12}  {:>11}{front} {}",
            department.name,
            output::csv_files::staff_label(department, (0.0, scenario.period.unwrap_or(scenario.horizon))),
            crate::readable::number(department.service_mean),
            if department.followup.is_some() {
                crate::readable::number(department.followup_mean)
            } else {
                "none".into()
            },
            estimate.rework_share[index] * 100.0,
            crate::readable::number(estimate.arrival_rates[index]),
            crate::readable::number(load),
            if department.unlimited {
                "–".to_string()
            } else {
                format!("{:.1}%", load / period_staff(scenario, index) * 100.0)
            },
            if needs.is_empty() { "–".to_string() } else { needs.join(", ") }
        );
    }
    let _ = writeln!(
        text,
        "(* front line; needs: requests that come back, → transfers: work that moves on, ⇢ overflow: waiting work another team's idle people may take; follow-up: mean time after the last handoff reply, \"none\": done when it is back; rework: share of work redone at baseline skill and morale, counted in the load; offered load counts time held waiting for `hold` suppliers as if they never queued)"
    );
    serving_lines(scenario, text);
    pooled_groups(scenario, &estimate, text);
}

/// For departments with breaks or shrinkage: the people on duty, on a
/// break and serving on average over the period (utilization is over
/// those serving).
fn serving_lines(scenario: &Scenario, text: &mut String) {
    use std::fmt::Write as _;
    let period = scenario.period.unwrap_or(scenario.horizon);
    for department in &scenario.departments {
        let (Some(on_duty), Some(serving)) = (department.mean_staff(0.0, period), department.mean_serving(0.0, period))
        else {
            continue;
        };
        if serving == on_duty {
            continue;
        }
        let away = department.breaks.as_ref().map_or(0.0, |b| b.time(0.0, period) / period);
        // The share of those present lost to shrinkage (the department's,
        // or its shifts' own), on average.
        let present = on_duty - away;
        let shrinkage = if present > 0.0 { 1.0 - serving / present } else { 0.0 };
        let shrinkage = if shrinkage.abs() < 1e-9 { 0.0 } else { shrinkage };
        let _ = writeln!(
            text,
            "{:?}: {} on duty on average, {} on a break, shrinkage {}%: {} serving, the utilization's denominator",
            department.name,
            crate::readable::number(on_duty),
            crate::readable::number(away),
            crate::readable::number(100.0 * shrinkage),
            crate::readable::number(serving)
        );
    }
}

/// The departments that overflow joins into groups (either way), each
/// with its offered load over its staff together: what the group carries
/// if its people share all of its work (at home service times).
fn pooled_groups(scenario: &Scenario, estimate: &crate::model::LoadEstimate, text: &mut String) {
    use std::fmt::Write as _;
    let n = scenario.departments.len();
    let mut group: Vec<usize> = (0..n).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    for (home, department) in scenario.departments.iter().enumerate() {
        for overflow in &department.overflow {
            let (a, b) = (root(&mut group, home), root(&mut group, overflow.to));
            group[a.max(b)] = a.min(b);
        }
    }
    let mut lines = Vec::new();
    for first in 0..n {
        let members: Vec<usize> = (0..n).filter(|&i| root(&mut group, i) == first).collect();
        if members.len() < 2 {
            continue;
        }
        let load: f64 = members.iter().map(|&i| estimate.offered_load[i]).sum();
        let staff: f64 = members.iter().map(|&i| period_staff(scenario, i)).sum();
        let names: Vec<&str> = members.iter().map(|&i| scenario.departments[i].name.as_str()).collect();
        lines.push(format!(
            "  {}: offered load {} on {} staff, utilization {:.1}%",
            names.join(" + "),
            crate::readable::number(load),
            crate::readable::number(staff),
            load / staff * 100.0
        ));
    }
    if !lines.is_empty() {
        let _ = writeln!(text, "Pooled by overflow (each group's load over its staff together):");
        for line in lines {
            let _ = writeln!(text, "{line}");
        }
    }
}

/// For a single exponential station, what queueing theory predicts.
fn theory_line(scenario: &Scenario) -> Option<String> {
    use crate::scenario::DistributionSpec;
    let [department] = scenario.resolved.departments.as_slice() else {
        return None;
    };
    if scenario.customers.profile.is_some() {
        return None;
    }
    let staff = department.staff?.count()?;
    let DistributionSpec::Exponential { mean } = department.service else {
        return None;
    };
    if !department.needs.is_empty() {
        return None;
    }
    let (lambda, mu) = (scenario.customers.arrival_rate, 1.0 / mean);
    match &scenario.resolved.customers.patience {
        None => theory::mmc_wait(staff, lambda, mu).map(|(p_wait, wait)| {
            format!("theory (Erlang C, M/M/{staff}): P(wait) = {p_wait:.5}, mean wait = {wait:.5}")
        }),
        Some(DistributionSpec::Exponential { mean: patience }) => theory::erlang_a(staff, lambda, mu, 1.0 / patience)
            .map(|a| {
                format!(
                    "theory (Erlang A, M/M/{staff}+M): P(wait) = {:.5}, P(abandon) = {:.5}, mean wait = {:.5}",
                    a.p_wait, a.p_abandon, a.wait_mean
                )
            }),
        Some(_) => None,
    }
}
