//! The files of `orgsim fit`: `fit.csv` (every estimate with its sample
//! size), `observations.csv` (the samples behind the charts),
//! `fit-check.csv` (the log against the simulated fitted scenario) and
//! the printed summary.

use std::fmt::Write as _;

use super::format::{bytes, number, row, writer};
use crate::fit::check::Comparison;
use crate::fit::estimate::Fit;

/// The columns of `fit.csv`.
pub const FIT_COLUMNS: [&str; 7] = ["kind", "team", "target", "parameter", "value", "n", "statistic"];

fn record(out: &mut csv::Writer<Vec<u8>>, fields: [&str; 7]) {
    row(out, &fields.map(String::from));
}

/// `fit.csv`: the log's quality counts, the name mapping, rates, entry,
/// routing, fitted families, staff and patience.
pub fn fit_csv(fit: &Fit) -> Vec<u8> {
    let mut out = writer();
    record(&mut out, FIT_COLUMNS);
    let q = &fit.quality;
    let counts = [
        ("rows", q.rows),
        ("cases", fit.trails.len() as u64),
        ("unsorted_rows", q.unsorted),
        ("duplicate_rows", q.duplicates),
        ("rows_without_team", q.missing_team),
        ("single_event_cases", q.single_event),
        ("clock_jumps", q.clock_jumps),
        ("rows_after_resolved", q.after_resolved),
        ("open_cases", q.open),
        ("resolved_by_state", q.resolved_by_state),
        ("resolved_by_closed", q.resolved_by_closed),
        ("resolved_after_window", q.resolved_after_window),
        ("opened_differs", q.opened_differs),
        ("dst_gaps", q.dst_gaps),
        ("dst_folds", q.dst_folds),
        ("dropped_no_team", q.dropped_no_team),
        ("dropped_rows_after_resolution", q.dropped_after_resolution),
    ];
    for (name, value) in counts {
        record(&mut out, ["log", "", "", name, &value.to_string(), "", ""]);
    }
    record(&mut out, ["log", "", "", "time_unit", "", "", &fit.settings.time_unit]);
    record(&mut out, ["log", "", "", "resolution_seconds", &number(fit.resolution_seconds), "", ""]);
    if let Some((front, moved)) = fit.entered_elsewhere {
        let team = &fit.teams[front].name;
        record(&mut out, ["log", team, "", "entered_elsewhere", &moved.to_string(), "", "passed_on_by_front_line"]);
    }
    for (column, form) in &fit.formats {
        record(&mut out, ["log", "", column, "time_format", "", "", form]);
    }
    for (raw, department) in &fit.names {
        record(&mut out, ["name", department, raw, "department", "", "", ""]);
    }
    let every = fit.settings.slot_minutes as f64 * 60.0 / fit.settings.unit_seconds;
    for (index, slot) in fit.slots.iter().enumerate() {
        let start = number(Some(index as f64 * every));
        let n = slot.count.to_string();
        let exposure = format!("exposure={}", number(Some(slot.exposure)));
        record(&mut out, ["rate", "", &start, "rate", &number(Some(slot.rate())), &n, &exposure]);
    }
    let cases: u64 = fit.teams.iter().map(|t| t.entries).sum();
    for team in fit.teams.iter().filter(|t| t.entries > 0) {
        let share = number(Some(team.entries as f64 / cases.max(1) as f64));
        record(&mut out, ["entry", &team.name, "", "probability", &share, &team.entries.to_string(), ""]);
    }
    for team in &fit.teams {
        team_rows(&mut out, fit, team);
    }
    if let Some(p) = fit.patience {
        let censored = if p.given { "given".to_string() } else { format!("censored={}", p.censored) };
        record(
            &mut out,
            ["patience", "", "exponential", "mean", &number(Some(p.mean)), &p.abandoned.to_string(), &censored],
        );
    }
    bytes(out)
}

fn team_rows(out: &mut csv::Writer<Vec<u8>>, fit: &Fit, team: &crate::fit::estimate::Team) {
    let name = team.name.as_str();
    let routed = team.routed.max(1) as f64;
    record(out, ["visits", name, "", "visits", &team.visits.to_string(), &team.visits.to_string(), ""]);
    for (kind, list) in [("transfer", &team.transfers), ("need", &team.needs)] {
        for &(to, n) in list {
            let p = number(Some(n as f64 / routed));
            let of = format!("of={}", team.routed);
            record(out, [kind, name, &fit.teams[to].name, "probability", &p, &n.to_string(), &of]);
        }
    }
    let n = team.service.sample.len().to_string();
    let what = if team.service.is_work { "work" } else { "time_at_team" };
    record(out, ["service", name, "sample", "mean", &number(Some(team.service.mean())), &n, what]);
    let scenario_mean = if team.service.poor_fit() { "sample_mean_poor_fit" } else { "family_mean" };
    record(out, ["service", name, "scenario", "mean", &number(Some(team.service.scenario_mean())), &n, scenario_mean]);
    if let Some(resolution) = team.service.resolution {
        record(out, ["service", name, "floored", "resolution", &number(Some(resolution)), &n, "floored_likelihood"]);
    }
    for (rank, fitted) in team.service.fitted.iter().enumerate() {
        let role = if rank == 0 { "chosen" } else { "alternative" };
        let family = fitted.family.name();
        for (parameter, value) in
            [("mean", fitted.family.mean()), ("cv", fitted.family.cv()), ("bic", fitted.bic), ("ks", fitted.ks)]
        {
            record(out, ["service", name, family, parameter, &number(Some(value)), &n, role]);
        }
    }
    match team.staff {
        Some(staff) => record(out, ["staff", name, "", "staff", &staff.to_string(), &n, "most_at_once"]),
        None => record(out, ["staff", name, "", "staff", "", "", "unlimited"]),
    }
}

/// `observations.csv`: each team's time sample and each case's opening
/// time, in the scenario's unit.
pub fn observations_csv(fit: &Fit) -> Vec<u8> {
    let mut out = writer();
    row(&mut out, &["kind", "team", "value"].map(String::from));
    for trail in &fit.trails {
        row(&mut out, &["opened".into(), String::new(), number(Some(fit.to_time(trail.opened)))]);
    }
    for team in &fit.teams {
        for value in &team.service.sample {
            row(&mut out, &["service".into(), team.name.clone(), number(Some(*value))]);
        }
    }
    bytes(out)
}

/// A value of the check: `inf` for an unresolved share of cases.
fn checked(value: f64) -> String {
    if value == f64::INFINITY { "inf".into() } else { number(Some(value)) }
}

/// `fit-check.csv`.
pub fn check_csv(comparisons: &[Comparison]) -> Vec<u8> {
    let mut out = writer();
    row(
        &mut out,
        &["measure", "observed", "simulated_mean", "simulated_p025", "simulated_p975", "verdict", "note"]
            .map(String::from),
    );
    for c in comparisons {
        row(
            &mut out,
            &[
                c.measure.clone(),
                checked(c.observed),
                checked(c.simulated_mean),
                checked(c.simulated_p025),
                checked(c.simulated_p975),
                c.verdict().to_string(),
                c.note.clone(),
            ],
        );
    }
    bytes(out)
}

/// The summary printed after a fit.
pub fn fit_summary(fit: &Fit, comparisons: Option<&[Comparison]>) -> String {
    let mut text = String::new();
    let q = &fit.quality;
    let _ = writeln!(
        text,
        "{} cases, {} rows; {} teams became {} departments",
        fit.trails.len(),
        q.rows,
        fit.names.len(),
        fit.teams.len()
    );
    let odd = [
        (q.unsorted, "unsorted rows (sorted)"),
        (q.duplicates, "duplicate rows (dropped)"),
        (q.missing_team, "rows without a team (kept with the team before)"),
        (q.single_event, "single-event cases"),
        (q.clock_jumps, "clock jumps (times before the case was opened)"),
        (q.after_resolved, "rows after the resolved time (ignored for times)"),
        (q.open, "cases still open at the end"),
        (q.resolved_by_state, "cases without a resolved time, resolved at their first row in a resolved state"),
        (q.resolved_by_closed, "cases resolved at their closed time (no resolved time or resolved state)"),
        (q.resolved_after_window, "cases resolved after the log's last event (counted as open: outside the window)"),
        (q.dropped_no_team, "cases dropped: no row names a team"),
        (q.dropped_after_resolution, "cases dropped: every row comes after the case's resolution"),
        (q.dst_gaps, "times in a daylight-saving gap (moved forward)"),
        (q.dst_folds, "times in a daylight-saving fold (earlier reading)"),
    ];
    for (count, what) in odd.iter().filter(|(c, _)| *c > 0) {
        let _ = writeln!(text, "  {count} {what}");
    }
    if let Some(abandoned) = fit.patience_unknown {
        let _ = writeln!(
            text,
            "  warning: {abandoned} customers gave up, but the log has no waits of served customers: patience cannot be estimated (it would come out as the mean time to abandon, far too short), so the scenario has none; give --patience-mean if you know it"
        );
    }
    if let Some(example) = &q.opened_differs_example {
        let _ = writeln!(
            text,
            "  warning: {} case(s) give different opened times on different rows (the earliest is kept), e.g. {example:?}",
            q.opened_differs
        );
    }
    let unknown: Vec<String> =
        fit.teams.iter().filter(|t| t.staff.is_none()).map(|t| format!("{:?}", t.name)).collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            text,
            "staff unknown (the log has no start/complete times), set to \"unlimited\": {}; replace with real head counts and work times to study staffing",
            unknown.join(", ")
        );
    }
    if let Some(seconds) = fit.resolution_seconds
        && fit.teams.iter().any(|t| t.service.resolution.is_some())
    {
        let _ = writeln!(
            text,
            "the log's times are whole {}: times fitted by the likelihood of floored times (zeros included)",
            match seconds as u64 {
                86_400 => "days",
                3_600 => "hours",
                60 => "minutes",
                _ => "seconds",
            }
        );
    }
    if let Some((front, moved)) = fit.entered_elsewhere {
        let _ = writeln!(
            text,
            "front line as named: {moved} cases that began elsewhere count as passed on by {:?} at their opening",
            fit.teams[front].name
        );
    }
    for team in &fit.teams {
        let family = team.service.fitted.first().map_or("fixed", |f| f.family.name());
        let _ = writeln!(
            text,
            "  {:<24} {:>7} visits  sample mean {:>10.4}  scenario mean {:>10.4}  {family}",
            team.name,
            team.visits,
            team.service.mean(),
            team.service.scenario_mean()
        );
    }
    for team in fit.teams.iter().filter(|t| t.service.poor_fit()) {
        let _ = writeln!(
            text,
            "warning: no family fits the time at {:?} well (KS distance {:.3}, above {}); its scenario mean is the sample mean",
            team.name,
            team.service.fitted[0].ks,
            crate::fit::estimate::POOR_FIT_KS
        );
    }
    if let Some(comparisons) = comparisons {
        let _ = writeln!(text, "{}", check_summary(comparisons));
    }
    text
}

/// The check in a sentence: how many measures lie outside their ranges,
/// which, and how many the model itself puts outside by chance.
pub fn check_summary(comparisons: &[Comparison]) -> String {
    use crate::fit::check::MEASURES_OUTSIDE;
    use crate::readable::number;
    let measures = comparisons.iter().filter(|c| c.measure != MEASURES_OUTSIDE);
    // Measures only the log has are not compared.
    let compared = measures.clone().filter(|c| c.verdict() != "observed_only").count();
    let outside: Vec<&str> =
        measures.filter(|c| !matches!(c.verdict(), "ok" | "observed_only")).map(|c| c.measure.as_str()).collect();
    let chance = comparisons.iter().find(|c| c.measure == MEASURES_OUTSIDE);
    let by_chance = chance.map_or(String::new(), |c| {
        format!(
            "; by chance the model itself puts {} outside on average (up to {} in 97.5% of replications){}",
            number(c.simulated_mean),
            number(c.simulated_p975),
            if c.verdict() == "above" { ": more than chance explains" } else { ": no more than chance explains" }
        )
    });
    if outside.is_empty() {
        format!("check: every one of {compared} measures of the log lies inside the simulated 95% range")
    } else {
        format!(
            "check: {} of {} measures lie outside the simulated 95% range ({}){by_chance}",
            outside.len(),
            compared,
            outside.join(", ")
        )
    }
}
