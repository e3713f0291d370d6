//! The naive staffing beside the algorithm's: the pointwise stationary
//! approximation, Erlang's formulas at each slot's own rate.

use super::{SlotGrid, SlotMetric, SlotTarget};
use crate::scenario::Scenario;

/// Erlang C (wait probability, service level) or Erlang A (abandonment,
/// with exponential patience) at each slot's own rate: each department's
/// mean offered load scaled by the slot's share of the mean customer rate.
pub(super) fn naive_staffing(base: &Scenario, grid: SlotGrid, targets: &[SlotTarget]) -> Vec<Vec<Option<u32>>> {
    let estimate = crate::model::load_estimate(base);
    let mean_rate = base.customers.arrival_rate;
    let share = |k: usize| base.customers.profile.as_ref().map_or(1.0, |p| p.rates[k] / mean_rate);
    let patience = match &base.resolved.customers.patience {
        Some(crate::scenario::DistributionSpec::Exponential { mean }) => Some(1.0 / mean),
        _ => None,
    };
    base.departments
        .iter()
        .enumerate()
        .map(|(d, department)| {
            (0..grid.slots)
                .map(|k| {
                    let load = estimate.offered_load[d] * share(k);
                    let rate = estimate.arrival_rates[d] * share(k);
                    let mu = 1.0 / department.service_mean;
                    let each: Vec<Option<u32>> = targets
                        .iter()
                        .filter(|t| t.metric.applies(department) && !department.unlimited)
                        .map(|t| smallest_staff(load, |s| formula_met(t, s, load, rate, mu, patience, base)))
                        .collect();
                    if each.is_empty() || each.iter().any(Option::is_none) {
                        None
                    } else {
                        each.into_iter().flatten().max()
                    }
                })
                .collect()
        })
        .collect()
}

/// Whether `s` servers meet `target` by formula (`None`: no formula).
fn formula_met(
    target: &SlotTarget,
    s: u32,
    load: f64,
    rate: f64,
    mu: f64,
    patience: Option<f64>,
    base: &Scenario,
) -> Option<bool> {
    match target.metric {
        SlotMetric::WaitProb if patience.is_none() => {
            Some(f64::from(s) > load && crate::theory::erlang_c(s, load)? <= target.value)
        }
        SlotMetric::ServiceLevel if patience.is_none() => {
            let tau = base.customers.service_level_time?;
            let late = crate::theory::erlang_c(s, load)? * (-(f64::from(s) - load) * mu * tau).exp();
            Some(f64::from(s) > load && 1.0 - late >= target.value)
        }
        SlotMetric::WaitProb => Some(crate::theory::erlang_a(s, rate, mu, patience?)?.p_wait <= target.value),
        SlotMetric::AbandonRate => Some(crate::theory::erlang_a(s, rate, mu, patience?)?.p_abandon <= target.value),
        SlotMetric::ServiceLevel => None,
    }
}

/// The smallest head count `met` accepts, searching up from 1.
fn smallest_staff(load: f64, met: impl Fn(u32) -> Option<bool>) -> Option<u32> {
    let most = (load * 4.0 + 50.0).min(1e6) as u32;
    (1..=most).find_map(|s| match met(s) {
        Some(true) => Some(Some(s)),
        Some(false) => None,
        None => Some(None),
    })?
}
