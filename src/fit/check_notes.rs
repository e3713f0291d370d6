//! Why a measure of `fit --check` may lie outside its simulated range:
//! what the log did to the figure (cases resolved by their state, still
//! open, lumped teams) and what the model assumes about it (Poisson
//! demand by slot, routing independent of a case's history, a fitted time
//! that includes waiting). A note is a lead to follow, not a verdict.

use super::check::Comparison;
use super::estimate::{Fit, OTHER_TEAMS, Team};
use crate::readable::{count, duration, number};

/// The note of `comparison`, a measure outside its range.
pub fn note(fit: &Fit, comparison: &Comparison) -> String {
    let measure = comparison.measure.as_str();
    let above = comparison.observed > comparison.simulated_p975;
    let mut parts: Vec<String> = Vec::new();
    if let Some(name) = measure.strip_prefix("cases.") {
        parts.extend(lumped(fit, name));
        parts.push(format!(
            "the model routes each visit by the fitted probabilities whatever the case's history; the log's cases reach this team {} often than that gives",
            if above { "more" } else { "less" }
        ));
    } else if let Some(name) = measure.strip_prefix("time_at_team_mean.") {
        parts.extend(lumped(fit, name));
        if let Some(team) = fit.teams.iter().find(|t| t.name == name) {
            parts.extend(time_at_team(fit, team, above));
        }
    } else {
        match measure {
            "cases_per_day" => parts.push(format!(
                "demand is fitted as a Poisson process by slot of the {}; a log whose days differ more than that, or with a trend, falls outside",
                if fit.weekly { "week" } else { "day" }
            )),
            "handoffs_mean" => parts.push(
                "the model passes each visit on by the fitted probabilities, independent of the case's history; set paths or repeated returns in the log change the count"
                    .into(),
            ),
            "abandon_share" => parts.push(match fit.patience {
                None => "the scenario has no patience (customers wait): give --patience-mean".into(),
                Some(p) if p.given => format!(
                    "patience was given (--patience-mean {}); the log's customers are {} patient",
                    number(p.mean),
                    if above { "less" } else { "more" }
                ),
                Some(p) => format!(
                    "patience is estimated from {} customers who gave up and {} waits of served ones",
                    p.abandoned, p.censored
                ),
            }),
            _ if measure.starts_with("resolution_") || measure == "resolved_within_share" => {
                parts.extend(resolution(fit));
                parts.push(format!(
                    "the log resolves its cases {} than the model: waits the model does not have (priorities, batching, hours a team is away) or times fitted with the waiting in them",
                    if above == (measure != "resolved_within_share") { "more slowly" } else { "faster" }
                ));
            }
            _ => {}
        }
    }
    parts.join("; ")
}

/// Where `name` is the lump of the smaller teams: how many.
fn lumped(fit: &Fit, name: &str) -> Option<String> {
    (name == OTHER_TEAMS).then(|| {
        let teams = fit.names.iter().filter(|(_, department)| department == OTHER_TEAMS).count();
        format!(
            "{} one department here, with one time and one routing",
            count(teams as u64, "log team is", "log teams are")
        )
    })
}

/// What the model does with a team's time.
fn time_at_team(fit: &Fit, team: &Team, above: bool) -> Vec<String> {
    let unit = &fit.settings.time_unit;
    let mut parts = Vec::new();
    if team.service.poor_fit() {
        parts.push(format!(
            "no family fits the team's times well (KS distance {}); the scenario takes their sample mean",
            number(team.service.fitted[0].ks)
        ));
    }
    parts.push(match (&team.given_work, team.staff) {
        (Some(work), staff) => format!(
            "staff given ({}), work time {} ({}): at that head count the model's waits are {} than the log's",
            staff.map_or("unlimited".into(), |s| s.to_string()),
            duration(work.mean, unit),
            work.how,
            if above { "shorter" } else { "longer" }
        ),
        (None, None) => {
            "staff unknown: the model gives each visit the fitted time, waiting included, with no queue".into()
        }
        (None, Some(staff)) => format!(
            "the model queues for {staff} staff (the most at once in the log); the log's team works {}",
            if above { "fewer at a time, or longer" } else { "more at a time, or faster" }
        ),
    });
    parts
}

/// What the log did to the resolution times.
fn resolution(fit: &Fit) -> Vec<String> {
    let q = &fit.quality;
    let mut parts = Vec::new();
    if q.resolved_by_state > 0 {
        parts.push(format!(
            "{} no resolved time; taken as resolved at their first row in a resolved state",
            count(q.resolved_by_state, "case has", "cases have")
        ));
    }
    if q.resolved_by_closed > 0 {
        parts.push(format!(
            "{} taken as resolved at the closed time",
            count(q.resolved_by_closed, "case is", "cases are")
        ));
    }
    if q.open > 0 {
        parts.push(format!(
            "{} still open at the log's end, counted as unresolved on both sides",
            count(q.open, "case is", "cases are")
        ));
    }
    parts
}
