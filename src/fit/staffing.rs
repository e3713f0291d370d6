//! What the consultant knows and the log does not: a team's head count,
//! and with it how busy the team is or how long its work takes. In a log
//! without start/complete events a team's fitted time is its whole
//! sojourn, waiting included, so a head count alone would count the waiting
//! twice: with `staff` comes a utilization `U` (the work time then follows
//! from Little's law, mean = U·N/λ at the team's visit rate λ) or a mean
//! work time, and the team becomes a staffed queue. With start/complete
//! events the fitted time is already work time and a head count replaces
//! the concurrency estimate directly.

use super::estimate::Fit;

/// A head count given for one team, and what goes with it.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenStaff {
    /// The team, by its department name or its name in the log.
    pub team: String,
    /// Its head count.
    pub staff: u32,
    /// The share of the staff's time spent working, in (0, 1].
    pub utilization: Option<f64>,
    /// The mean work time per visit, in the fitted time unit.
    pub work_time: Option<f64>,
}

/// The work time a team was given, and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct GivenWork {
    /// The mean work time per visit, in the fitted time unit.
    pub mean: f64,
    /// How: "given", or Little's law from a utilization.
    pub how: String,
}

/// Applies `given` to `fit`: each team's staff, and where the log has no
/// work times, its work time. `Err` names the team and what is missing.
pub fn apply(fit: &mut Fit, given: &[GivenStaff]) -> Result<(), String> {
    let window = (fit.window.1 - fit.window.0) / fit.settings.unit_seconds;
    let unit = fit.settings.time_unit.clone();
    for entry in given {
        let department = fit
            .names
            .iter()
            .find(|(raw, _)| *raw == entry.team)
            .map(|(_, department)| department.clone())
            .unwrap_or_else(|| entry.team.clone());
        let Some(team) = fit.teams.iter_mut().find(|t| t.name == department) else {
            let known: Vec<String> = fit.teams.iter().map(|t| format!("{:?}", t.name)).collect();
            return Err(format!(
                "--staff {:?}: no such team; the fitted departments are {}",
                entry.team,
                known.join(", ")
            ));
        };
        if entry.staff == 0 {
            return Err(format!("--staff {:?}: give a head count of at least 1", entry.team));
        }
        let rate = team.visits as f64 / window.max(f64::MIN_POSITIVE);
        let work = match (entry.utilization, entry.work_time) {
            (Some(_), Some(_)) => {
                return Err(format!("{:?}: give --utilization or --work-time, not both", entry.team));
            }
            (Some(u), None) if !(u > 0.0 && u <= 1.0) => {
                return Err(format!("--utilization {:?}: a share above 0 and at most 1 (got {u})", entry.team));
            }
            (Some(u), None) => Some(GivenWork {
                mean: u * f64::from(entry.staff) / rate,
                how: format!(
                    "Little's law: utilization {u} × {} staff / {} visits per {unit}",
                    entry.staff,
                    crate::scenario::ranges::number(crate::scenario::ranges::six_digits(rate))
                ),
            }),
            (None, Some(mean))
                if !(mean.is_finite() && mean > 0.0 && mean <= crate::scenario::ranges::LONGEST_TIME) =>
            {
                return Err(format!("--work-time {:?}: a time above 0 and at most 1e12 (got {mean})", entry.team));
            }
            (None, Some(mean)) => Some(GivenWork { mean, how: "--work-time".to_string() }),
            (None, None) if !team.service.is_work => {
                return Err(format!(
                    "--staff {:?}: the log has no start/complete times, so the team's fitted time ({} {unit}s on average) is its whole stay, waiting included, and a head count alone would count the waiting twice; give --utilization {0}=U (the share of time its staff are busy) or --work-time {0}=MEAN with it",
                    entry.team,
                    crate::scenario::ranges::number(crate::scenario::ranges::six_digits(team.service.mean()))
                ));
            }
            (None, None) => None,
        };
        team.staff = Some(entry.staff);
        team.given_work = work;
    }
    Ok(())
}

/// Parses `TEAM=VALUE` (the last `=` splits, so a team name may hold one).
pub fn split_assignment(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((team, value)) if !team.trim().is_empty() => Ok((team.trim().to_string(), value.trim().to_string())),
        _ => Err(format!("{text:?}: write TEAM=VALUE, e.g. \"Service Desk=4\"")),
    }
}
