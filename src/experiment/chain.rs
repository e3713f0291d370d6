//! The chain from an internal team's service to the external customer,
//! for one change (a compare variant, an impact step): link by link, the
//! paired difference of each figure with its interval.
//!
//! With the social layer: the supplier's reply delay and the quality of
//! its answers → the front lines' morale (staff-weighted) → the
//! customers' wait → their satisfaction → churn → revenue at risk per time
//! unit. Without it: the supplier's reply delay → the customers' wait →
//! abandonment → resolution time.

use super::catalogue::{FRONT_MORALE, describe};
use super::metrics::metric_columns;
use super::{Estimate, RunResults, estimate};

/// One link of the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The metric's key.
    pub metric: String,
    /// Its label, from the catalogue.
    pub label: String,
    /// The base's mean (NaN where undefined).
    pub base: f64,
    /// The variant's mean (NaN where undefined).
    pub variant: f64,
    /// Variant − base, replication by replication, with its interval.
    pub difference: Option<Estimate>,
}

impl Link {
    /// Whether the interval of the difference excludes 0.
    pub fn significant(&self) -> bool {
        self.difference.is_some_and(|d| d.low > 0.0 || d.high < 0.0)
    }

    /// `Some(true)` when the change is better for the organization,
    /// `Some(false)` when worse, `None` when it has no direction or is 0.
    pub fn better(&self) -> Option<bool> {
        let change = self.difference?.mean;
        let higher = describe(&self.metric).higher_is_better?;
        (change != 0.0).then_some((change > 0.0) == higher)
    }
}

/// The chain's metrics for `supplier`, left to right.
pub fn chain_metrics(social: bool, supplier: &str) -> Vec<String> {
    let delay = format!("department.{supplier}.int_delay_given_mean");
    if social {
        vec![
            delay,
            format!("department.{supplier}.quality_given"),
            FRONT_MORALE.to_string(),
            "ext_wait_mean".into(),
            "ext_satisfaction_mean".into(),
            "ext_churn_rate".into(),
            "revenue_at_risk_rate".into(),
        ]
    } else {
        vec![delay, "ext_wait_mean".into(), "ext_abandon_rate".into(), "ext_resolution_mean".into()]
    }
}

/// Each replication's value of `metric` in `run` (`None` where undefined).
fn column(run: &RunResults, metric: &str) -> Vec<Option<f64>> {
    if metric == FRONT_MORALE {
        return front_morale(run);
    }
    metric_columns(&run.scenario, &run.replications)
        .into_iter()
        .find(|(name, _)| name == metric)
        .map_or_else(|| vec![None; run.replications.len()], |(_, values)| values)
}

/// The front lines' mean morale in each replication, weighted by their
/// mean staff on duty.
fn front_morale(run: &RunResults) -> Vec<Option<f64>> {
    let front: Vec<usize> =
        run.scenario.departments.iter().enumerate().filter(|(_, d)| d.front_line).map(|(i, _)| i).collect();
    run.replications
        .iter()
        .map(|replication| {
            if !replication.social {
                return None;
            }
            let (mut weighted, mut staff) = (0.0, 0.0);
            for &i in &front {
                let tally = replication.departments.get(i)?;
                let weight = tally.staff_mean.unwrap_or(0.0);
                weighted += tally.morale_mean * weight;
                staff += weight;
            }
            (staff > 0.0).then(|| weighted / staff)
        })
        .collect()
}

/// The chain of `variant` against `base` through `supplier`, each
/// difference with an interval at `confidence` (paired by replication).
pub fn chain(base: &RunResults, variant: &RunResults, supplier: &str, confidence: f64) -> Vec<Link> {
    chain_metrics(base.scenario.behavior_enabled, supplier)
        .into_iter()
        .map(|metric| {
            let (before, after) = (column(base, &metric), column(variant, &metric));
            let mean = |values: &[Option<f64>]| {
                let defined: Vec<f64> = values.iter().flatten().copied().collect();
                if defined.is_empty() { f64::NAN } else { defined.iter().sum::<f64>() / defined.len() as f64 }
            };
            let pairs: Vec<f64> = before.iter().zip(&after).filter_map(|(b, a)| Some((*a)? - (*b)?)).collect();
            Link {
                label: describe(&metric).label,
                base: mean(&before),
                variant: mean(&after),
                difference: estimate(&pairs, confidence),
                metric,
            }
        })
        .collect()
}

/// The supplier whose change a comparison is about: the first department
/// the variant changed (an internal one before the front line); else the
/// internal department whose reply delay moved most, relative to its
/// base; else the first department.
pub fn changed_supplier(base: &RunResults, variant: &RunResults) -> Option<String> {
    let departments = &base.scenario.departments;
    let changed = |front: bool| {
        departments.iter().find(|d| {
            d.front_line == front
                && variant.scenario.departments.iter().find(|v| v.name == d.name).is_some_and(|v| {
                    // Every setting of a department shows in its debug form.
                    format!("{v:?}") != format!("{d:?}")
                })
        })
    };
    if let Some(department) = changed(false).or_else(|| changed(true)) {
        return Some(department.name.clone());
    }
    let moved = |name: &str| {
        let metric = format!("department.{name}.int_delay_given_mean");
        let (b, v) = (base.metric(&metric)?.estimate?.mean, variant.metric(&metric)?.estimate?.mean);
        (b > 0.0).then(|| ((v - b) / b).abs())
    };
    departments
        .iter()
        .filter(|d| !d.front_line)
        .filter_map(|d| Some((d, moved(&d.name)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(d, _)| d.name.clone())
        .or_else(|| departments.first().map(|d| d.name.clone()))
}
