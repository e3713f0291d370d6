//! The files of `orgsim impact --robust`: `robust.csv` (how stable each
//! team's rank is over the plausible worlds), `robust-assumptions.csv`
//! (which assumptions the leading team's gain leans on) and the printed
//! summary.

use std::fmt::Write as _;

use super::format::{bytes, number, row, writer};
use crate::experiment::robust::{Assumption, TeamRobustness};

/// `robust.csv`.
pub fn robust_csv(table: &[TeamRobustness]) -> Vec<u8> {
    let mut out = writer();
    let header = ["department", "first_share", "top3_share", "gain_median", "gain_p05", "gain_p95", "worlds"];
    row(&mut out, &header.map(String::from));
    for team in table {
        row(
            &mut out,
            &[
                team.department.clone(),
                number(Some(team.first_share)),
                number(Some(team.top3_share)),
                number(Some(team.gain.0)),
                number(Some(team.gain.1)),
                number(Some(team.gain.2)),
                team.worlds.to_string(),
            ],
        );
    }
    bytes(out)
}

/// `robust-assumptions.csv`; `importance` is `None` when there were too
/// few worlds to estimate it (the columns stay empty).
pub fn assumptions_csv(assumptions: &[Assumption], importance: Option<&[(f64, (f64, f64))]>) -> Vec<u8> {
    let mut out = writer();
    row(&mut out, &["assumption", "from", "to", "importance", "ci_low", "ci_high"].map(String::from));
    for (index, assumption) in assumptions.iter().enumerate() {
        let mut fields = vec![assumption.name.clone(), number(Some(assumption.from)), number(Some(assumption.to))];
        match importance.and_then(|all| all.get(index)) {
            Some(&(value, (low, high))) => fields.extend([value, low, high].map(|v| number(Some(v)))),
            None => fields.extend([String::new(), String::new(), String::new()]),
        }
        row(&mut out, &fields);
    }
    bytes(out)
}

/// The headline: who ranks first how often (`leader`: its name and share
/// of worlds), and what the conclusion leans on most.
pub fn headline(leader: Option<(&str, f64)>, leaning: Option<&str>) -> String {
    let Some((department, share)) = leader else {
        return "No team could be ranked.".into();
    };
    let share = (share * 100.0).round();
    match leaning {
        Some(assumption) => {
            format!(
                "{department} ranks first in {share}% of plausible worlds; the conclusion leans most on {assumption}."
            )
        }
        None => format!(
            "{department} ranks first in {share}% of plausible worlds; too few worlds to say which assumption it leans on."
        ),
    }
}

/// The printed summary: the headline and the rank-stability table.
pub fn robust_table(table: &[TeamRobustness], leaning: Option<&str>) -> String {
    let mut text = headline(table.first().map(|t| (t.department.as_str(), t.first_share)), leaning);
    text.push('\n');
    let _ = writeln!(
        text,
        "{:<24} {:>8} {:>8} {:>12} {:>12} {:>12}",
        "department", "first", "top 3", "gain median", "gain 5%", "gain 95%"
    );
    for team in table {
        let _ = writeln!(
            text,
            "{:<24} {:>7.0}% {:>7.0}% {:>12} {:>12} {:>12}",
            team.department,
            team.first_share * 100.0,
            team.top3_share * 100.0,
            super::table::readable(team.gain.0),
            super::table::readable(team.gain.1),
            super::table::readable(team.gain.2)
        );
    }
    text
}
