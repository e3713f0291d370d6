//! Overflow: other departments whose idle people may take a department's
//! work once it has waited `after` (multi-skill pooling). Each names a
//! known department other than this one, with finite staff, at most once;
//! `after` is a time, `service_factor` a positive multiple.
//!
//! For the hold-loop rule an overflow is a link that never holds, and the
//! helpers hold the work they take for its own `hold` needs: a loop through
//! either that holds somewhere could deadlock, and is refused.

use super::super::errors::{Checker, Step};
use super::super::file::{DepartmentFile, ScenarioFile};
use super::super::network::{self, Edge, NetworkProblem};
use super::super::{Department, NeedMode, Overflow, ScenarioError};

pub(super) fn check(
    checker: &Checker,
    file: &ScenarioFile,
    names: &[String],
    index: usize,
    department: &DepartmentFile,
) -> Result<Vec<Overflow>, ScenarioError> {
    let mut checked = Vec::with_capacity(department.overflow.len());
    for (entry, overflow) in department.overflow.iter().enumerate() {
        let path = |field: &'static str| {
            [Step::Key("department"), Step::Index(index), Step::Key("overflow"), Step::Index(entry), Step::Key(field)]
        };
        let label = |field: &str| format!("department {:?}.overflow[{entry}].{field}", department.name);
        let refuse = |message: String| Err(checker.invalid(&path("dept"), label("dept"), message));
        let Some(to) = names.iter().position(|n| *n == overflow.dept) else {
            return refuse(format!(
                "no department is named {:?}; known departments: {}",
                overflow.dept,
                names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
            ));
        };
        if to == index {
            return refuse(format!(
                "{:?} cannot overflow to itself; name another department whose idle people may help",
                overflow.dept
            ));
        }
        if file.departments[to].unlimited() {
            return refuse(format!(
                "{:?} has unlimited staff: work sent there never waits, so send it as a need or a transfer instead",
                overflow.dept
            ));
        }
        if department.overflow[..entry].iter().any(|earlier| earlier.dept == overflow.dept) {
            return refuse(format!("{:?} appears twice; give each department one overflow", overflow.dept));
        }
        checker.range(&path("after"), &label("after"), "department.overflow.after", overflow.after)?;
        checker.range(
            &path("service_factor"),
            &label("service_factor"),
            "department.overflow.service_factor",
            overflow.service_factor,
        )?;
        checked.push(Overflow { to, after: overflow.after, service_factor: overflow.service_factor });
    }
    Ok(checked)
}

/// The hold-loop rule with overflow: `edges` are the needs and transfers
/// as the rule reads them; each overflow adds a link that never holds
/// (home → helper) and the helper's holds for the home's `hold` needs.
pub(super) fn check_loops(checker: &Checker, departments: &[Department], edges: &[Edge]) -> Result<(), ScenarioError> {
    if departments.iter().all(|d| d.overflow.is_empty()) {
        return Ok(());
    }
    let mut extended = edges.to_vec();
    for (home, department) in departments.iter().enumerate() {
        for overflow in &department.overflow {
            let link = Edge { from: home, to: overflow.to, probability: 1.0, mode: NeedMode::Handoff, transfer: false };
            extended.push(link);
            for need in department.needs.iter().filter(|n| n.mode == NeedMode::Hold && n.probability > 0.0) {
                extended.push(Edge {
                    from: overflow.to,
                    to: need.supplier,
                    probability: 1.0,
                    mode: NeedMode::Hold,
                    ..link
                });
            }
        }
    }
    let Some(NetworkProblem::HoldOnLoop { cycle, hold }) = network::hold_on_loop(departments.len(), &extended) else {
        return Ok(());
    };
    // The overflow that brought the loop (the loop passes through its
    // helper or its home; without overflow the rule passed).
    let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
    let mut overflows = departments.iter().enumerate().flat_map(|(home, d)| d.overflow.iter().map(move |o| (home, o)));
    let (home, overflow) = overflows
        .clone()
        .find(|(home, o)| cycle.contains(&o.to) || cycle.contains(home))
        .or_else(|| overflows.next())
        .expect("some overflow");
    let render = cycle.iter().map(|&i| names[i]).collect::<Vec<_>>().join(" → ");
    let entry = departments[home].overflow.iter().position(|o| o.to == overflow.to).expect("listed");
    Err(checker.invalid(
        &[Step::Key("department"), Step::Index(home), Step::Key("overflow"), Step::Index(entry), Step::Key("dept")],
        format!("department {:?}.overflow[{entry}].dept", names[home]),
        format!(
            "with {}'s work overflowing to {}, a server at {} may hold work while it waits for {}, on the loop {render}: the loop can deadlock whenever staff is finite; make the hold needs on it mode = \"handoff\", or remove this overflow",
            names[home], names[overflow.to], names[hold.from], names[hold.to]
        ),
    ))
}
