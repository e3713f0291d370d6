//! Overflow: other departments whose idle people may take a department's
//! work once it has waited `after` (multi-skill pooling). Each names a
//! known department other than this one, with finite staff, at most once;
//! `after` is a time, `service_factor` a positive multiple.

use super::super::errors::{Checker, Step};
use super::super::file::{DepartmentFile, ScenarioFile};
use super::super::{Overflow, ScenarioError};

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
