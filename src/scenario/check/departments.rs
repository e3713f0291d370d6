//! Departments: names, staff, costs, service, the needs between them, and
//! the network check (a finite expected number of requests; no loop of
//! `hold` needs).

use super::super::errors::{Checker, Step};
use super::super::file::{DepartmentFile, Followup, NeedFile, ScenarioFile};
use super::super::network::{self, Edge, NetworkProblem};
use super::super::ranges::MOST_SCHEDULE_CHANGES;
use super::super::{Department, Need, ScenarioError, Schedule};
use super::has_control_characters;

/// Checks every department and the network of needs between them.
pub(super) fn check(checker: &Checker, file: &ScenarioFile) -> Result<Vec<Department>, ScenarioError> {
    if file.departments.is_empty() {
        return Err(checker.invalid(
            &[],
            "department",
            "the scenario has no departments; add at least one [[department]] table with `name`, `staff` and `service`",
        ));
    }
    let names = check_names(checker, file)?;
    let mut departments = Vec::with_capacity(file.departments.len());
    let mut edges = Vec::new();
    for (index, department) in file.departments.iter().enumerate() {
        let needs = check_needs(checker, file, &names, index, department)?;
        edges.extend(needs.iter().map(|need| Edge {
            from: index,
            to: need.supplier,
            probability: need.probability,
            mode: need.mode,
            transfer: false,
        }));
        // A transfer moves the work on and frees the server: for the
        // network it is a handoff that is never followed up.
        let transfers = super::transfers::check(checker, &names, index, department)?;
        edges.extend(transfers.iter().map(|transfer| Edge {
            from: index,
            to: transfer.to,
            probability: transfer.probability,
            mode: crate::scenario::NeedMode::Handoff,
            transfer: true,
        }));
        let mut checked = check_department(checker, index, department, needs, (super::period_of(file), file.horizon))?;
        checked.transfers = transfers;
        checked.overflow = super::overflow::check(checker, file, &names, index, department)?;
        departments.push(checked);
    }
    // A holder with unlimited staff always has a free server for the work
    // that comes back to it: its holds cannot deadlock, and the loop rule
    // reads them as handoffs.
    let loop_edges: Vec<Edge> = edges
        .iter()
        .map(|e| Edge {
            mode: if departments[e.from].unlimited { crate::scenario::NeedMode::Handoff } else { e.mode },
            ..*e
        })
        .collect();
    check_network(checker, &names, &loop_edges, &edges)?;
    super::overflow::check_loops(checker, &departments, &loop_edges)?;
    Ok(departments)
}

/// Names first, so needs and entries can refer to them.
fn check_names(checker: &Checker, file: &ScenarioFile) -> Result<Vec<String>, ScenarioError> {
    let names: Vec<String> = file.departments.iter().map(|d| d.name.clone()).collect();
    for (index, name) in names.iter().enumerate() {
        let path = [Step::Key("department"), Step::Index(index), Step::Key("name")];
        let field = format!("department[{}].name", index);
        if name.trim().is_empty() || name.contains(['.', '/', '\\']) || has_control_characters(name) {
            return Err(checker.invalid(
                &path,
                field,
                format!(
                    "must be a non-empty name without dots, '/', '\\' or control characters (got {name:?}); spaces are fine"
                ),
            ));
        }
        if let Some(why) = super::too_long(name) {
            return Err(checker.invalid(&path, field, why));
        }
        if names[..index].contains(name) {
            return Err(checker.invalid(
                &path,
                field,
                format!("{name:?} is used by an earlier department; names must be unique"),
            ));
        }
    }
    Ok(names)
}

fn known(names: &[String]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

fn check_department(
    checker: &Checker,
    index: usize,
    department: &DepartmentFile,
    needs: Vec<Need>,
    (period, horizon): (Option<f64>, f64),
) -> Result<Department, ScenarioError> {
    let at = |field: &'static str| [Step::Key("department"), Step::Index(index), Step::Key(field)];
    let label = |field: &str| format!("department {:?}.{field}", department.name);
    let shrinkage = match department.shrinkage {
        Some(share) => {
            checker.range(&at("shrinkage"), &label("shrinkage"), "department.shrinkage", share)?;
            share
        }
        None => 0.0,
    };
    let (staff, schedule, kept_share) = check_staff(checker, index, department, (period, shrinkage))?;
    // A constant schedule whose shifts all keep the same share folds into
    // the head count at that share.
    let shrinkage = 1.0 - kept_share;
    let breaks = match (&department.shifts, department.staff) {
        (Some(shifts), None) => {
            let period = period.unwrap_or_else(|| super::default_period(""));
            super::breaks::check(checker, (index, department), shifts, (period, horizon))?
        }
        _ => None,
    };
    let peak = schedule.as_ref().map_or_else(
        || if shrinkage == 0.0 { staff } else { (f64::from(staff) * (1.0 - shrinkage)).round() as u32 },
        |s| s.peak_serving(),
    );
    let shrunk = shrinkage > 0.0 || department.shifts.iter().flatten().any(|s| s.shrinkage.is_some_and(|x| x > 0.0));
    if shrunk && (department.unlimited() || peak < 1) {
        return Err(checker.invalid(
            &at("shrinkage"),
            label("shrinkage"),
            format!(
                "with shrinkage {} (the department's; a shift's own where it gives one) nobody of {:?} would ever be available (round((1 − shrinkage) × staff) must be at least 1 at the busiest moment, and an unlimited department has no roster to shrink)",
                crate::scenario::ranges::number(department.shrinkage.unwrap_or(0.0)),
                department.name
            ),
        ));
    }
    if let Some(schedule) = &schedule {
        let changes = schedule.staff.len() as f64 * (horizon / schedule.period).ceil();
        if changes > MOST_SCHEDULE_CHANGES {
            return Err(checker.invalid(
                &at("shifts"),
                label("shifts"),
                format!(
                    "the staff would change {} times per replication (at most {}): the period ({}) is too short for the horizon",
                    super::super::ranges::number(changes),
                    super::super::ranges::number(MOST_SCHEDULE_CHANGES),
                    super::super::ranges::number(schedule.period)
                ),
            ));
        }
    }
    checker.range(
        &at("cost_per_time"),
        &label("cost_per_time"),
        "department.cost_per_time",
        department.cost_per_time,
    )?;
    let service = checker.distribution(&at("service"), &label("service"), &department.service)?;
    let followup = match &department.followup {
        Some(Followup::Work(spec)) => {
            Some((checker.distribution(&at("followup"), &label("followup"), spec)?, spec.mean()))
        }
        Some(Followup::None) | None => None,
    };
    for (field, value) in [
        ("skill", department.skill),
        ("morale", department.morale),
        ("recognition", department.recognition),
        ("training", department.training),
    ] {
        checker.range(&at(field), &label(field), &format!("department.{field}"), value)?;
    }
    Ok(Department {
        skill: (department.skill + department.training).min(1.0),
        morale_baseline: (department.morale + department.recognition).min(1.0),
        measured_morale: department.morale,
        name: department.name.clone(),
        front_line: department.front_line,
        staff,
        schedule,
        unlimited: department.unlimited(),
        cost_per_time: department.cost_per_time,
        service_mean: department.service.mean(),
        service,
        followup_mean: followup.as_ref().map_or(0.0, |(_, mean)| *mean),
        followup: followup.map(|(distribution, _)| distribution),
        needs,
        transfers: Vec::new(),
        overflow: Vec::new(),
        shrinkage,
        breaks,
    })
}

/// Most shifts in one department.
pub const MOST_SHIFTS: usize = 1_000;

/// The department's head count and, when it changes through the period,
/// its schedule: `staff` or `shifts`, never both.
fn check_staff(
    checker: &Checker,
    index: usize,
    department: &DepartmentFile,
    (period, shrinkage): (Option<f64>, f64),
) -> Result<(u32, Option<Schedule>, f64), ScenarioError> {
    let at = |field: &'static str| vec![Step::Key("department"), Step::Index(index), Step::Key(field)];
    let label = |field: &str| format!("department {:?}.{field}", department.name);
    let shifts = match (department.staff, &department.shifts) {
        (Some(_), Some(_)) => {
            return Err(checker.invalid(
                &at("shifts"),
                label("shifts"),
                "give either staff (a constant head count) or shifts (staff by time of day), not both",
            ));
        }
        (None, None) => {
            return Err(checker.invalid(
                &at("staff"),
                label("staff"),
                "missing: give staff (a whole number ≥ 1, or \"unlimited\") or shifts = [{ start = 480, length = 480, staff = 5 }]",
            ));
        }
        (Some(staff), None) => {
            if let Some(count) = staff.count() {
                checker.range(&at("staff"), &label("staff"), "department.staff", f64::from(count))?;
            }
            return Ok((staff.count().unwrap_or(0), None, 1.0 - shrinkage));
        }
        (None, Some(shifts)) => shifts,
    };
    if shifts.is_empty() {
        return Err(checker.invalid(
            &at("shifts"),
            label("shifts"),
            format!("give 1 to {MOST_SHIFTS} shifts (got none): a department nobody staffs over the whole period can never serve"),
        ));
    }
    if shifts.len() > MOST_SHIFTS {
        return Err(checker.invalid(
            &at("shifts"),
            label("shifts"),
            format!("give at most {MOST_SHIFTS} shifts (got {}); merge shifts that start together", shifts.len()),
        ));
    }
    // `period_of` gives every scenario with shifts a period.
    let period = period.unwrap_or_else(|| super::default_period(""));
    for (shift_index, shift) in shifts.iter().enumerate() {
        let path = |field: &'static str| {
            [
                Step::Key("department"),
                Step::Index(index),
                Step::Key("shifts"),
                Step::Index(shift_index),
                Step::Key(field),
            ]
        };
        let label = |field: &str| format!("department {:?}.shifts[{}].{field}", department.name, shift_index);
        checker.range(&path("start"), &label("start"), "department.shifts.start", shift.start)?;
        checker.range(&path("length"), &label("length"), "department.shifts.length", shift.length)?;
        checker.range(&path("staff"), &label("staff"), "department.shifts.staff", f64::from(shift.staff))?;
        if let Some(share) = shift.shrinkage {
            checker.range(&path("shrinkage"), &label("shrinkage"), "department.shifts.shrinkage", share)?;
        }
        let number = super::super::ranges::number;
        if shift.start >= period {
            return Err(checker.invalid(
                &path("start"),
                label("start"),
                format!("must lie within the period: 0 ≤ start < {} (got {})", number(period), number(shift.start)),
            ));
        }
        if shift.length > period {
            return Err(checker.invalid(
                &path("length"),
                label("length"),
                format!("must be at most the period, {} (got {})", number(period), number(shift.length)),
            ));
        }
    }
    let schedule = Schedule::of(shifts, period, shrinkage);
    Ok(match schedule.constant() {
        Some((staff, kept)) => (staff, None, kept),
        None => (schedule.peak(), Some(schedule), 1.0 - shrinkage),
    })
}

fn check_needs(
    checker: &Checker,
    file: &ScenarioFile,
    names: &[String],
    index: usize,
    department: &DepartmentFile,
) -> Result<Vec<Need>, ScenarioError> {
    let mut needs = Vec::with_capacity(department.needs.len());
    for (need_index, need) in department.needs.iter().enumerate() {
        let path = |field: &'static str| {
            [Step::Key("department"), Step::Index(index), Step::Key("needs"), Step::Index(need_index), Step::Key(field)]
        };
        let label = |field: &str| format!("department {:?}.needs[{}].{field}", department.name, need_index);
        let Some(supplier) = names.iter().position(|n| *n == need.dept) else {
            return Err(checker.invalid(
                &path("dept"),
                label("dept"),
                format!("no department is named {:?}; known departments: {}", need.dept, known(names)),
            ));
        };
        if department.needs[..need_index].iter().any(|earlier: &NeedFile| earlier.dept == need.dept) {
            return Err(checker.invalid(
                &path("dept"),
                label("dept"),
                format!("{:?} is needed twice; give each supplier one entry", need.dept),
            ));
        }
        for (field, value) in [
            ("probability", need.probability),
            ("silo_delay", need.silo_delay),
            ("silo_quality_loss", need.silo_quality_loss),
            ("collaboration", need.collaboration),
        ] {
            checker.range(&path(field), &label(field), &format!("department.needs.{field}"), value)?;
        }
        let expected_delay = match need.expected_delay {
            Some(expected) => {
                checker.range(
                    &path("expected_delay"),
                    &label("expected_delay"),
                    "department.needs.expected_delay",
                    expected,
                )?;
                expected
            }
            None => 2.0 * file.departments[supplier].service.mean(),
        };
        let kept = 1.0 - need.collaboration;
        needs.push(Need {
            supplier,
            probability: need.probability,
            mode: need.mode,
            priority: need.priority,
            silo_delay: need.silo_delay * kept,
            silo_quality_loss: need.silo_quality_loss * kept,
            expected_delay: expected_delay.max(f64::MIN_POSITIVE),
        });
    }
    Ok(needs)
}

/// Refuses a loop of needs that spawns unboundedly many requests, and a
/// `hold` need on any loop, naming the loop and its links as written
/// (`written`; `edges` are what the rule reads).
fn check_network(checker: &Checker, names: &[String], edges: &[Edge], written: &[Edge]) -> Result<(), ScenarioError> {
    let Err(problem) = network::check_loops(names.len(), edges) else {
        return Ok(());
    };
    let render = |cycle: &[usize]| cycle.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(" → ");
    let links = |cycle: &[usize]| {
        cycle
            .windows(2)
            .filter_map(|pair| {
                written.iter().find(|e| e.from == pair[0] && e.to == pair[1]).map(|e| {
                    let kind = if e.transfer { "transfer".to_string() } else { e.mode.to_string() };
                    format!("{} → {} {} ({kind})", names[e.from], names[e.to], e.probability)
                })
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (cycle, message) = match &problem {
        NetworkProblem::Divergent { cycle } => (
            cycle,
            format!(
                "the loop {} sends on average at least one piece of work (a request or a transfer) around again for each it serves, so the expected number of visits per customer is infinite; lower the probabilities on the loop ({})",
                render(cycle),
                links(cycle)
            ),
        ),
        NetworkProblem::HoldOnLoop { cycle, hold } => (
            cycle,
            format!(
                "the need {} → {} is mode = \"hold\" and lies on the loop {} ({}): a server at {} holding its work waits for {}, whose work may in turn wait in {}'s queue, so the loop can deadlock whenever staff is finite; make this need mode = \"handoff\" (the server takes other work while it waits), or break the loop",
                names[hold.from],
                names[hold.to],
                render(cycle),
                links(cycle),
                names[hold.from],
                names[hold.to],
                names[hold.from]
            ),
        ),
    };
    // The field of the loop's first link: a need, or a transfer.
    let first_is_transfer =
        cycle.len() > 1 && written.iter().filter(|e| e.from == cycle[0] && e.to == cycle[1]).all(|e| e.transfer);
    let field = if first_is_transfer { "transfers" } else { "needs" };
    Err(checker.invalid(
        &[Step::Key("department"), Step::Index(cycle[0]), Step::Key(field)],
        format!("department {:?}.{field}", names[cycle[0]]),
        message,
    ))
}
