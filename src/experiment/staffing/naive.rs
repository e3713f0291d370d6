//! The closed-form staffings beside the algorithm's: the pointwise
//! stationary approximation, Erlang's formulas at each slot's own rate.
//!
//! - `naive_staff`: Erlang A (M/M/n+M) at the front line when patience is
//!   exponential, Erlang C (M/M/n) where nobody abandons.
//! - `erlang_c_staff`: what the classic spreadsheet gives, Erlang C ignoring
//!   abandonment, for the `wait_prob` and `service_level` targets.
//!
//! Service level is the engine's: served after a wait of at most τ, over all
//! arrivals, abandoners counted as misses.

use super::{SlotGrid, SlotMetric, SlotTarget};
use crate::scenario::Scenario;

/// Per department and slot, the closed-form head counts (`None` where no
/// formula applies).
pub(super) struct Closed {
    /// Erlang A with exponential patience, Erlang C without patience.
    pub naive: Vec<Vec<Option<u32>>>,
    /// Erlang C ignoring abandonment.
    pub erlang_c: Vec<Vec<Option<u32>>>,
}

/// What a slot offers a department.
#[derive(Clone, Copy)]
struct Slot {
    load: f64,
    rate: f64,
    mu: f64,
}

/// The closed-form staffing of every department and slot: each
/// department's mean offered load scaled by the slot's share of the mean
/// customer rate.
pub(super) fn closed_form_staffing(base: &Scenario, grid: SlotGrid, targets: &[SlotTarget]) -> Closed {
    let estimate = crate::model::load_estimate(base);
    let mean_rate = base.customers.arrival_rate;
    let share = |k: usize| base.customers.profile.as_ref().map_or(1.0, |p| p.rates[k] / mean_rate);
    let patience = match &base.resolved.customers.patience {
        Some(crate::scenario::DistributionSpec::Exponential { mean }) => Some(1.0 / mean),
        _ => None,
    };
    // The service-level time, and the short abandons left out of it.
    let tau = base.customers.service_level_time.map(|time| (time, base.customers.short_abandon));
    let mut closed = Closed { naive: Vec::new(), erlang_c: Vec::new() };
    for (d, department) in base.departments.iter().enumerate() {
        let applies: Vec<&SlotTarget> =
            targets.iter().filter(|t| t.metric.applies(department) && !department.unlimited).collect();
        // Patience runs only in the customers' first queue: the front line.
        let abandons = base.customers.patience.is_some() && department.front_line;
        let slot = |k: usize| Slot {
            load: estimate.offered_load[d] * share(k),
            rate: estimate.arrival_rates[d] * share(k),
            mu: 1.0 / department.service_mean,
        };
        let naive = (0..grid.slots)
            .map(|k| {
                let theta = if abandons { Some(patience?) } else { None };
                most(applies.iter().map(|t| smallest_staff(slot(k), |s| met(t, s, slot(k), theta, tau))))
            })
            .collect();
        let classic: Vec<&SlotTarget> =
            applies.iter().copied().filter(|t| t.metric != SlotMetric::AbandonRate).collect();
        let erlang_c = (0..grid.slots)
            .map(|k| most(classic.iter().map(|t| smallest_staff(slot(k), |s| met(t, s, slot(k), None, tau)))))
            .collect();
        closed.naive.push(naive);
        closed.erlang_c.push(erlang_c);
    }
    closed
}

/// The largest of the targets' head counts; `None` when there is no target
/// or a target has no formula.
fn most(each: impl Iterator<Item = Option<u32>>) -> Option<u32> {
    let each: Vec<Option<u32>> = each.collect();
    if each.is_empty() || each.iter().any(Option::is_none) { None } else { each.into_iter().flatten().max() }
}

/// Whether `s` servers meet `target` by formula: Erlang A with abandonment
/// rate `theta`, Erlang C without (`None`: no formula).
fn met(target: &SlotTarget, s: u32, slot: Slot, theta: Option<f64>, tau: Option<(f64, f64)>) -> Option<bool> {
    let Slot { load, rate, mu } = slot;
    let value = target.value;
    match (target.metric, theta) {
        // Erlang C: an unstable queue meets no target.
        (_, None) if f64::from(s) <= load => Some(false),
        (SlotMetric::WaitProb, None) => Some(crate::theory::erlang_c(s, load)? <= value),
        (SlotMetric::ServiceLevel, None) => Some(crate::theory::erlang_c_service_level(s, rate, mu, tau?.0)? >= value),
        (SlotMetric::AbandonRate, None) => None,
        (SlotMetric::Asa, None) => Some(crate::theory::mmc_wait(s, rate, mu)?.1 <= value),
        (SlotMetric::Occupancy, None) => Some(load / f64::from(s) <= value),
        // The carried load: those who abandon take no service.
        (SlotMetric::Occupancy, Some(theta)) => {
            Some(load * (1.0 - crate::theory::erlang_a(s, rate, mu, theta)?.p_abandon) / f64::from(s) <= value)
        }
        // The mean wait of the answered alone has no closed form here.
        (SlotMetric::Asa, Some(_)) => None,
        (SlotMetric::WaitProb, Some(theta)) => Some(crate::theory::erlang_a(s, rate, mu, theta)?.p_wait <= value),
        (SlotMetric::AbandonRate, Some(theta)) => Some(crate::theory::erlang_a(s, rate, mu, theta)?.p_abandon <= value),
        (SlotMetric::ServiceLevel, Some(theta)) => {
            Some(crate::theory::erlang_a_service_level(s, rate, mu, theta, tau?)? >= value)
        }
    }
}

/// The smallest head count `met` accepts, searching up from 1.
fn smallest_staff(slot: Slot, met: impl Fn(u32) -> Option<bool>) -> Option<u32> {
    let most = (slot.load * 4.0 + 50.0).min(1e6) as u32;
    (1..=most).find_map(|s| match met(s) {
        Some(true) => Some(Some(s)),
        Some(false) => None,
        None => Some(None),
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(metric: SlotMetric, value: f64) -> SlotTarget {
        SlotTarget { metric, value }
    }

    #[test]
    fn erlang_c_answers_where_the_load_is_at_least_one() {
        // λ = 4, μ = 1 (load 4): C(6, 4) = 0.285, C(7, 4) = 0.140.
        let slot = Slot { load: 4.0, rate: 4.0, mu: 1.0 };
        let wait = target(SlotMetric::WaitProb, 0.2);
        assert_eq!(smallest_staff(slot, |s| met(&wait, s, slot, None, None)), Some(7));
        // 80% within 0.5: 1 − C·e^(−(n − 4)·0.5).
        let level = target(SlotMetric::ServiceLevel, 0.8);
        let expected =
            (5..20).find(|&n| crate::theory::erlang_c_service_level(n, 4.0, 1.0, 0.5).unwrap() >= 0.8).unwrap();
        assert_eq!(smallest_staff(slot, |s| met(&level, s, slot, None, Some((0.5, 0.0)))), Some(expected));
        // Without a service-level time there is no formula.
        assert_eq!(smallest_staff(slot, |s| met(&level, s, slot, None, None)), None);
    }

    #[test]
    fn erlang_a_answers_every_target_with_exponential_patience() {
        // The reference queue: λ = 2, μ = 0.25, θ = 0.5 — at n = 10 the
        // service level within 1 is 0.90053, P(wait) 0.24752, P(abandon) 0.06841.
        let slot = Slot { load: 8.0, rate: 2.0, mu: 0.25 };
        let cases = [
            (target(SlotMetric::ServiceLevel, 0.9005), 10),
            (target(SlotMetric::ServiceLevel, 0.9006), 11),
            (target(SlotMetric::WaitProb, 0.2476), 10),
            (target(SlotMetric::AbandonRate, 0.0685), 10),
        ];
        for (t, staff) in cases {
            let found = smallest_staff(slot, |s| met(&t, s, slot, Some(0.5), Some((1.0, 0.0))));
            assert_eq!(found, Some(staff), "{t}");
        }
        // Erlang C ignores abandonment and asks for more.
        let level = target(SlotMetric::ServiceLevel, 0.9);
        let a = smallest_staff(slot, |s| met(&level, s, slot, Some(0.5), Some((1.0, 0.0)))).unwrap();
        let c = smallest_staff(slot, |s| met(&level, s, slot, None, Some((1.0, 0.0)))).unwrap();
        assert!(c > a, "Erlang C {c} vs Erlang A {a}");
    }
}
