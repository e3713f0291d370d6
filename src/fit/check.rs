//! `fit --check`: simulate the fitted scenario under the log's window and
//! censoring and compare. Each replication runs from time 0 to the log's
//! last event; only cases opened between the log's first and last opened
//! case count, on both sides; a case not resolved by the end counts as
//! unresolved (an infinite resolution time). Each measure's 2.5% and
//! 97.5% quantiles over replications make a prediction interval for one
//! log; the verdict is `ok` when the observed value lies inside.

use std::collections::HashMap;

use statrs::statistics::{Data, OrderStatistics};

use super::estimate::Fit;
use super::log::{Case, Event, Lifecycle, Outcome};
use super::visits::{Trail, trail};
use rayon::prelude::*;

use crate::model::{Observer, TraceEvent, simulate_observed};
use crate::scenario::Scenario;

/// One compared measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Its name (`cases_per_day`, `cases.<team>`, …).
    pub measure: String,
    /// In the log.
    pub observed: f64,
    /// Mean over replications (infinite values left out).
    pub simulated_mean: f64,
    /// 2.5% quantile over replications.
    pub simulated_p025: f64,
    /// 97.5% quantile over replications.
    pub simulated_p975: f64,
    /// Why a measure outside its range may be so (empty inside).
    pub note: String,
}

impl Comparison {
    /// `ok` inside the interval, else `above` or `below` (never `below`
    /// for the count of measures outside);
    /// `observed_only` for a measure the simulation cannot give.
    pub fn verdict(&self) -> &'static str {
        if self.simulated_p025.is_nan() && self.simulated_p975.is_nan() {
            "observed_only"
        } else if self.observed > self.simulated_p975 {
            "above"
        } else if self.observed < self.simulated_p025 && self.measure != MEASURES_OUTSIDE {
            // Fewer measures outside than chance gives is no fault.
            "below"
        } else {
            "ok"
        }
    }
}

/// The measures of a set of trails, in the order of [`measure_names`].
/// `within`: a resolution time in the scenario's unit.
pub fn measures(fit: &Fit, trails: &[Trail], within: Option<f64>) -> Vec<f64> {
    let (first, last) = fit.window;
    let unit = fit.settings.unit_seconds;
    let counted: Vec<&Trail> = trails.iter().filter(|t| t.opened >= first && t.opened <= last).collect();
    let n = counted.len().max(1) as f64;
    let mut values = vec![counted.len() as f64 / ((last - first) / 86_400.0)];
    for team in 0..fit.teams.len() as u32 {
        values.push(counted.iter().filter(|t| t.visits.iter().any(|v| v.team == team)).count() as f64);
    }
    // Time at each team (waiting included), over the visits of cases
    // resolved in the window: an open case's last visit is cut short.
    let mut time_at = vec![(0.0, 0u64); fit.teams.len()];
    for trail in counted.iter().filter(|t| t.outcome == Outcome::Resolved) {
        for visit in &trail.visits {
            let (total, count) = &mut time_at[visit.team as usize];
            *total += visit.own_time / unit;
            *count += 1;
        }
    }
    values.extend(time_at.iter().map(|&(total, count)| if count == 0 { f64::NAN } else { total / count as f64 }));
    values.push(counted.iter().map(|t| t.handoffs as f64).sum::<f64>() / n);
    let mut resolution: Vec<f64> = counted
        .iter()
        .filter(|t| t.outcome != Outcome::Abandoned)
        .map(|t| t.resolved.map_or(f64::INFINITY, |r| (r - t.opened) / unit))
        .collect();
    let share =
        within.map(|limit| resolution.iter().filter(|r| **r <= limit).count() as f64 / resolution.len().max(1) as f64);
    resolution.sort_by(f64::total_cmp);
    values.push(rank_quantile(&resolution, 0.5));
    values.push(rank_quantile(&resolution, 0.9));
    // The mean over the cases resolved within the window.
    let resolved: Vec<f64> = resolution.iter().copied().filter(|r| r.is_finite()).collect();
    values.push(if resolved.is_empty() { f64::NAN } else { resolved.iter().sum::<f64>() / resolved.len() as f64 });
    if fit.has_outcome {
        values.push(counted.iter().filter(|t| t.outcome == Outcome::Abandoned).count() as f64 / n);
    }
    values.extend(share);
    values
}

/// The measure names, for `teams` and with or without `--within`.
pub fn measure_names(fit: &Fit, within: bool) -> Vec<String> {
    let mut names = vec!["cases_per_day".to_string()];
    names.extend(fit.teams.iter().map(|t| format!("cases.{}", t.name)));
    names.extend(fit.teams.iter().map(|t| format!("time_at_team_mean.{}", t.name)));
    names.extend(["handoffs_mean", "resolution_p50", "resolution_p90", "resolution_mean"].map(String::from));
    if fit.has_outcome {
        names.push("abandon_share".into());
    }
    if within {
        names.push("resolved_within_share".into());
    }
    names
}

/// The smallest value with at least a share `q` at or below it (may be
/// infinite: unresolved cases); NaN for no values.
fn rank_quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Simulates `scenario` (the fitted one) `replications` times under
/// `seed` and compares it with the log behind `fit`.
pub fn check(fit: &Fit, scenario: &Scenario, replications: u32, seed: u64, within: Option<f64>) -> Vec<Comparison> {
    let mut scenario = scenario.clone();
    scenario.horizon = fit.to_time(fit.last_event).max(f64::MIN_POSITIVE);
    scenario.warmup = 0.0;
    let teams: HashMap<&str, u32> = fit.teams.iter().enumerate().map(|(i, t)| (t.name.as_str(), i as u32)).collect();
    let department_team: Vec<u32> =
        scenario.departments.iter().map(|d| teams.get(d.name.as_str()).copied().unwrap_or(0)).collect();
    let names: Vec<String> = scenario.departments.iter().map(|d| d.name.clone()).collect();
    // Each replication is reduced to its measures as soon as it ends, so
    // memory holds one replication's cases per thread.
    let simulated: Vec<Vec<f64>> = (0..replications)
        .into_par_iter()
        .map(|replication| {
            let mut recorder = CaseRecorder {
                origin: fit.origin,
                unit: fit.settings.unit_seconds,
                names: &names,
                teams: &department_team,
                cases: Vec::new(),
                index: HashMap::new(),
            };
            simulate_observed(&scenario, replication, seed, &mut recorder);
            let trails: Vec<Trail> = recorder.cases.iter().filter_map(trail).collect();
            measures(fit, &trails, within)
        })
        .collect();
    let observed = measures(fit, &fit.trails, within);
    let mut comparisons: Vec<Comparison> = measure_names(fit, within.is_some())
        .into_iter()
        .enumerate()
        .map(|(m, measure)| {
            let values: Vec<f64> = simulated.iter().map(|v| v[m]).collect();
            let (p025, p975) = range(&values);
            let mut comparison = Comparison {
                measure,
                observed: observed[m],
                simulated_mean: finite_mean(&values),
                simulated_p025: p025,
                simulated_p975: p975,
                note: String::new(),
            };
            if !matches!(comparison.verdict(), "ok" | "observed_only") {
                comparison.note = super::check_notes::note(fit, &comparison);
            }
            comparison
        })
        .collect();
    // Team changes as the log has them, before teams are lumped into
    // departments: observed only, the model knowing departments alone.
    comparisons.push(Comparison {
        measure: "handoffs_mean_raw".to_string(),
        observed: fit.raw_handoffs_mean,
        simulated_mean: f64::NAN,
        simulated_p025: f64::NAN,
        simulated_p975: f64::NAN,
        note: String::new(),
    });
    comparisons.push(outside_by_chance(&comparisons, &simulated));
    comparisons
}

/// The 2.5% and 97.5% quantiles of `values` (NaN left out; NaN for none).
fn range(values: &[f64]) -> (f64, f64) {
    let mut data = Data::new(values.iter().copied().filter(|v| !v.is_nan()).collect::<Vec<f64>>());
    if data.is_empty() { (f64::NAN, f64::NAN) } else { (data.quantile(0.025), data.quantile(0.975)) }
}

/// The mean of the finite values; NaN for none.
fn finite_mean(values: &[f64]) -> f64 {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() { f64::NAN } else { finite.iter().sum::<f64>() / finite.len() as f64 }
}

/// The measure counting the log's measures outside their ranges, checked
/// against the count the model itself gives by chance: each replication
/// held out in turn and its measures compared with the ranges of the
/// others. Many measures mean a few outside even for a perfect model;
/// this says how many.
fn outside_by_chance(comparisons: &[Comparison], simulated: &[Vec<f64>]) -> Comparison {
    let compared: Vec<usize> =
        (0..comparisons.len()).filter(|&m| comparisons[m].verdict() != "observed_only").collect();
    let outside = compared.iter().filter(|&&m| comparisons[m].verdict() != "ok").count();
    let counts: Vec<f64> = (0..simulated.len())
        .map(|held| {
            let others: Vec<&Vec<f64>> =
                simulated.iter().enumerate().filter(|(r, _)| *r != held).map(|(_, v)| v).collect();
            compared
                .iter()
                .filter(|&&m| {
                    let value = simulated[held][m];
                    let (low, high) = range(&others.iter().map(|v| v[m]).collect::<Vec<f64>>());
                    !value.is_nan() && (value < low || value > high)
                })
                .count() as f64
        })
        .collect();
    // Counts are whole: the range widened to whole numbers.
    let (low, high) = if simulated.len() < 3 { (f64::NAN, f64::NAN) } else { range(&counts) };
    let (low, high) = (low.floor(), high.ceil());
    let mut comparison = Comparison {
        measure: MEASURES_OUTSIDE.to_string(),
        observed: outside as f64,
        simulated_mean: finite_mean(&counts),
        simulated_p025: low,
        simulated_p975: high,
        note: String::new(),
    };
    if comparison.verdict() == "above" {
        comparison.note = format!(
            "more measures lie outside than the model gives by chance ({} on average when a replication of the model itself is held out against the others)",
            crate::scenario::ranges::number(comparison.simulated_mean)
        );
    }
    comparison
}

/// The name of the count of measures outside their ranges.
pub const MEASURES_OUTSIDE: &str = "measures_outside";

/// Writes a replication down as cases, the way a log would show it.
struct CaseRecorder<'a> {
    origin: f64,
    unit: f64,
    names: &'a [String],
    teams: &'a [u32],
    cases: Vec<Case>,
    index: HashMap<u32, usize>,
}

impl Observer for CaseRecorder<'_> {
    const TRACE: bool = true;

    fn trace(&mut self, event: &TraceEvent) {
        let time = self.origin + event.time * self.unit;
        if event.event == "arrival" {
            self.index.insert(event.case, self.cases.len());
            self.cases.push(Case {
                name: String::new(),
                opened: time,
                resolved: None,
                outcome: Outcome::Open,
                events: Vec::new(),
            });
        }
        let Some(&index) = self.index.get(&event.case) else { return };
        let case = &mut self.cases[index];
        let lifecycle = match event.event {
            "queue" | "arrival" => Lifecycle::Other,
            "start" => Lifecycle::Start,
            "release" => Lifecycle::Complete,
            "abandon" => {
                case.outcome = Outcome::Abandoned;
                Lifecycle::Withdraw
            }
            "complete" => {
                case.outcome = Outcome::Resolved;
                case.resolved = Some(time);
                return;
            }
            _ => return,
        };
        let department = self.names.iter().position(|n| n == event.department).unwrap_or(0);
        case.events.push(Event { time, team: Some(self.teams[department]), lifecycle });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::Distribution;

    #[test]
    fn the_count_outside_by_chance_follows_the_held_out_replications() {
        // 200 independent measures, 40 replications: a held-out replication
        // lies outside the others' 2.5–97.5% range whenever it is the
        // smallest or largest of the 40 (2 in 40) and at most when it is
        // among the two at either end (4 in 40).
        let (measures, replications) = (200, 40);
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        let normal = rand_distr::StandardNormal;
        let simulated: Vec<Vec<f64>> =
            (0..replications).map(|_| (0..measures).map(|_| normal.sample(&mut rng)).collect()).collect();
        let comparisons: Vec<Comparison> = (0..measures)
            .map(|m| Comparison {
                measure: format!("m{m}"),
                observed: 0.0,
                simulated_mean: 0.0,
                simulated_p025: -1.0,
                simulated_p975: 1.0,
                note: String::new(),
            })
            .collect();
        let count = outside_by_chance(&comparisons, &simulated);
        assert_eq!(count.observed, 0.0);
        let share = count.simulated_mean / measures as f64;
        // Each replication's count is a sum over 200 measures: its mean over
        // 40 replications has a standard error under √(0.1·0.9/200/40).
        let se = (0.1f64 * 0.9 / (measures * replications) as f64).sqrt();
        assert!(share >= 2.0 / 40.0 - 4.0 * se && share <= 4.0 / 40.0 + 4.0 * se, "{share}");
        assert_eq!(count.verdict(), "ok");
        assert!(
            count.simulated_p975.fract() == 0.0 && count.simulated_p025 <= count.observed.max(count.simulated_p025)
        );
    }
}
