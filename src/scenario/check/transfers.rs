//! Transfers: where a department's work moves on to (Markov routing), each
//! to a known department, at most once, with probabilities in [0, 1] that
//! add up to at most 1.

use super::super::errors::{Checker, Step};
use super::super::file::DepartmentFile;
use super::super::{ScenarioError, Transfer};

/// Slack for probabilities that add up to 1 in decimal but not in binary.
const SUM_SLACK: f64 = 1e-9;

pub(super) fn check(
    checker: &Checker,
    names: &[String],
    index: usize,
    department: &DepartmentFile,
) -> Result<Vec<Transfer>, ScenarioError> {
    let mut transfers = Vec::with_capacity(department.transfers.len());
    let mut cumulative = 0.0;
    for (transfer_index, transfer) in department.transfers.iter().enumerate() {
        let path = |field: &'static str| {
            [
                Step::Key("department"),
                Step::Index(index),
                Step::Key("transfers"),
                Step::Index(transfer_index),
                Step::Key(field),
            ]
        };
        let label = |field: &str| format!("department {:?}.transfers[{}].{field}", department.name, transfer_index);
        let Some(to) = names.iter().position(|n| *n == transfer.dept) else {
            return Err(checker.invalid(
                &path("dept"),
                label("dept"),
                format!(
                    "no department is named {:?}; known departments: {}",
                    transfer.dept,
                    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if department.transfers[..transfer_index].iter().any(|earlier| earlier.dept == transfer.dept) {
            return Err(checker.invalid(
                &path("dept"),
                label("dept"),
                format!("{:?} appears twice; give each department one transfer", transfer.dept),
            ));
        }
        checker.range(
            &path("probability"),
            &label("probability"),
            "department.transfers.probability",
            transfer.probability,
        )?;
        cumulative += transfer.probability;
        if cumulative > 1.0 + SUM_SLACK {
            return Err(checker.invalid(
                &path("probability"),
                label("probability"),
                format!(
                    "the transfers of {:?} add up to {} by here; they must add up to at most 1 (the rest is done at {:?})",
                    department.name,
                    super::super::ranges::number(cumulative),
                    department.name
                ),
            ));
        }
        transfers.push(Transfer { to, probability: transfer.probability, cumulative });
    }
    Ok(transfers)
}
