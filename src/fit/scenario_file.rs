//! The fitted scenario as a commented TOML file: each estimate with the
//! number of cases or visits behind it, and a plain word where the log
//! could not say (unknown staff, no abandoned cases).

use std::fmt::Write;

use super::estimate::{Fit, Service, Team};
use super::families::Family;

/// How the fitted needs wait for their replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedMode {
    /// The requester keeps the case (and its server) until the reply.
    Hold,
    /// The requester lets its server go (used where a hold would lie on a
    /// loop of needs and transfers between staffed departments).
    Handoff,
}

/// A number as TOML writes a float, to six significant digits.
pub fn float(value: f64) -> String {
    let text = crate::scenario::ranges::six_digits(value).to_string();
    if text.contains('.') || text.contains('e') || text.contains("inf") || text.contains("NaN") {
        text
    } else {
        format!("{text}.0")
    }
}

/// A share as TOML writes a float, to full precision: shares that add up
/// to 1 (the entry split, a team that always passes work on) still do.
pub fn share(value: f64) -> String {
    let text = value.to_string();
    if text.contains('.') || text.contains('e') { text } else { format!("{text}.0") }
}

/// A TOML basic string.
pub fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `service = …` for a team's fitted time.
pub fn service_spec(service: &Service) -> String {
    let mean = service.scenario_mean();
    match service.fitted.first().map(|f| f.family) {
        Some(Family::Exponential { .. }) => format!("{{ dist = \"exponential\", mean = {} }}", float(mean)),
        Some(family @ (Family::Lognormal { .. } | Family::Gamma { .. })) => format!(
            "{{ dist = \"{}\", mean = {}, cv = {} }}",
            family.name(),
            float(mean),
            float(family.cv().clamp(1e-6, 100.0))
        ),
        None => format!("{{ dist = \"fixed\", value = {} }}", float(service.mean())),
    }
}

/// The scenario file of `fit`, named `name`, drawing from `seed`.
pub fn scenario_toml(fit: &Fit, name: &str, log_name: &str, seed: u64, mode: NeedMode) -> String {
    let settings = &fit.settings;
    let unit = &settings.time_unit;
    let cases = fit.trails.len();
    let mut text = String::new();
    let days = (fit.window.1 - fit.window.0) / 86_400.0;
    let _ = writeln!(text, "# Fitted by `orgsim fit` from {log_name}: {cases} cases opened over {days:.1} days.");
    let _ = writeln!(
        text,
        "# Time 0 is local midnight{} before the first case; times are in {unit}s.",
        if fit.weekly { " on the Monday" } else { "" }
    );
    let _ = writeln!(text, "# Every estimate says how many cases or visits it rests on; fit.csv lists them all.");
    if fit.teams.iter().any(|t| t.staff.is_none()) {
        let _ = writeln!(text, "# A department with staff = \"unlimited\" had no start/complete times in the log: its");
        let _ = writeln!(text, "# service is the whole time a case spent there, waiting included. Replace it with");
        let _ = writeln!(text, "# the team's real head count and work time to study staffing.");
    }
    let _ = writeln!(text, "name = {}", quoted(name));
    let _ = writeln!(text, "description = {}", quoted(&format!("Fitted from the ticket log {log_name}.")));
    let _ = writeln!(text, "time_unit = {}", quoted(unit));
    let _ = writeln!(text, "# The log's span, from time 0 to its last event.");
    let _ = writeln!(text, "horizon = {}", float(fit.to_time(fit.last_event).ceil().max(1.0)));
    let _ = writeln!(text, "warmup = 0.0");
    let every = settings.slot_minutes as f64 * 60.0 / settings.unit_seconds;
    let _ = writeln!(text, "period = {}", float(every * fit.slots.len() as f64));
    let _ = writeln!(text, "replications = 10");
    let _ = writeln!(text, "seed = {seed}");
    let _ = writeln!(text, "\n[customers]");
    let _ = writeln!(
        text,
        "# Cases opened per {unit}, by {}-minute slot of the {} from {} cases.",
        settings.slot_minutes,
        if fit.weekly { "week (Monday first)" } else { "day" },
        cases
    );
    let values: Vec<String> = fit.slots.iter().map(|s| float(s.rate())).collect();
    let rows: Vec<String> = values.chunks(8).map(|row| row.join(", ")).collect();
    let _ = writeln!(text, "rates = {{ every = {}, values = [\n    {}\n] }}", float(every), rows.join(",\n    "));
    entry(&mut text, fit);
    match fit.patience {
        Some(p) if p.given => {
            let _ = writeln!(text, "# Exponential, its mean given with --patience-mean.");
            let _ = writeln!(text, "patience = {{ dist = \"exponential\", mean = {} }}", float(p.mean));
        }
        Some(p) => {
            let _ = writeln!(
                text,
                "# Exponential, from {} customers who gave up and {} served ones whose wait bounds it (censored).",
                p.abandoned, p.censored
            );
            let _ = writeln!(text, "patience = {{ dist = \"exponential\", mean = {} }}", float(p.mean));
        }
        None if fit.patience_unknown.is_some() => {
            let _ = writeln!(
                text,
                "# {} customers gave up, but the log has no waits of served customers, so patience cannot be\n# estimated: nobody gives up here. Give --patience-mean if you know it.",
                fit.patience_unknown.unwrap_or(0)
            );
        }
        None if fit.has_outcome => {
            let _ = writeln!(text, "# No case in the log was abandoned: nobody gives up.");
        }
        None => {
            let _ = writeln!(text, "# The log has no outcome column, so abandonment is unknown: nobody gives up.");
        }
    }
    for team in &fit.teams {
        department(&mut text, fit, team, mode);
    }
    let _ = writeln!(text, "\n[behavior]\n# The log says nothing about morale.\nenabled = false");
    text
}

/// `customers.entry` when cases begin at more than one team.
fn entry(text: &mut String, fit: &Fit) {
    let first: Vec<&Team> = fit.teams.iter().filter(|t| t.entries > 0).collect();
    if first.len() < 2 {
        return;
    }
    let total: u64 = first.iter().map(|t| t.entries).sum();
    let parts: Vec<String> =
        first.iter().map(|t| format!("{} = {}", quoted(&t.name), share(t.entries as f64 / total as f64))).collect();
    let _ = writeln!(text, "# Where cases began, from {total} cases.");
    let _ = writeln!(text, "entry = {{ {} }}", parts.join(", "));
}

fn department(text: &mut String, fit: &Fit, team: &Team, mode: NeedMode) {
    let unit = &fit.settings.time_unit;
    let _ = writeln!(text, "\n[[department]]");
    let _ = writeln!(text, "name = {}", quoted(&team.name));
    if team.entries > 0 {
        let _ = writeln!(text, "front_line = true");
    }
    match team.staff {
        Some(staff) if team.given_work.is_some() || !team.service.is_work => {
            let _ = writeln!(text, "# Given with --staff.");
            let _ = writeln!(text, "staff = {staff}");
        }
        Some(staff) => {
            let _ = writeln!(text, "# The most cases worked on at once in the log (or given with --staff).");
            let _ = writeln!(text, "staff = {staff}");
        }
        None => {
            let _ = writeln!(
                text,
                "# Head count unknown (the log has no start/complete times here): replace with the real staff."
            );
            let _ = writeln!(text, "staff = \"unlimited\"");
        }
    }
    if let Some(work) = &team.given_work {
        let _ = writeln!(
            text,
            "# Work time per visit, in {unit}s, from {} (the log's time here, {} on average, includes waiting).",
            work.how,
            float(team.service.mean())
        );
        let _ = writeln!(text, "service = {{ dist = \"exponential\", mean = {} }}", float(work.mean));
        routing(text, fit, team, mode);
        return;
    }
    let what =
        if team.service.is_work { "Work time (start to complete)" } else { "Time a case spent here, waiting included" };
    match team.service.fitted.first() {
        Some(best) => {
            let _ = writeln!(
                text,
                "# {what}, in {unit}s: {} by BIC over {} visits (KS distance {:.3}).",
                best.family.name(),
                team.service.sample.len(),
                best.ks
            );
            if let Some(resolution) = team.service.resolution {
                let _ = writeln!(
                    text,
                    "# The log's times are whole multiples of {} {unit}s: fitted by the likelihood of floored times.",
                    float(resolution)
                );
            }
            if team.service.poor_fit() {
                let _ = writeln!(
                    text,
                    "# No family fits well (KS above {}): the mean is the sample mean, the shape the family's.",
                    crate::fit::estimate::POOR_FIT_KS
                );
            }
        }
        None => {
            let _ = writeln!(
                text,
                "# {what}, in {unit}s: the mean of {} visits (too few distinct values to fit).",
                team.service.sample.len()
            );
        }
    }
    let _ = writeln!(text, "service = {}", service_spec(&team.service));
    routing(text, fit, team, mode);
}

/// The department's needs and transfers.
fn routing(text: &mut String, fit: &Fit, team: &Team, mode: NeedMode) {
    let routed = team.routed.max(1) as f64;
    if !team.needs.is_empty() {
        let mode = match mode {
            NeedMode::Hold => "hold",
            NeedMode::Handoff => "handoff",
        };
        let parts: Vec<String> = team
            .needs
            .iter()
            .map(|&(to, n)| {
                format!(
                    "{{ dept = {}, probability = {}, mode = \"{mode}\" }}",
                    quoted(&fit.teams[to].name),
                    share(n as f64 / routed)
                )
            })
            .collect();
        let counts: Vec<String> = team.needs.iter().map(|&(to, n)| format!("{} {n}", fit.teams[to].name)).collect();
        let _ = writeln!(
            text,
            "# Visits that asked a team and got the case back, of {}: {}.",
            team.routed,
            counts.join(", ")
        );
        let _ = writeln!(text, "needs = [ {} ]", parts.join(", "));
    }
    if !team.transfers.is_empty() {
        let parts: Vec<String> = team
            .transfers
            .iter()
            .map(|&(to, n)| {
                format!("{{ dept = {}, probability = {} }}", quoted(&fit.teams[to].name), share(n as f64 / routed))
            })
            .collect();
        let counts: Vec<String> = team.transfers.iter().map(|&(to, n)| format!("{} {n}", fit.teams[to].name)).collect();
        let _ = writeln!(text, "# Visits that passed the case on, of {}: {}.", team.routed, counts.join(", "));
        let _ = writeln!(text, "transfers = [ {} ]", parts.join(", "));
    }
}
