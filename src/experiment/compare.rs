//! Paired comparisons: a base scenario and variants run with the same seed
//! and replications, so each variant meets the same customers and service
//! draws wherever it did not change anything (common random numbers). Each
//! metric's difference is taken replication by replication and gets a 95%
//! Student-t interval; a difference is significant when its interval
//! excludes 0.

use super::jobs::{Plan, Progress, replicate_until};
use super::metrics::metric_columns;
use super::{CONFIDENCE, Estimate, RunResults, estimate, statistics};
use crate::scenario::Scenario;

/// One metric compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Metric name.
    pub metric: String,
    /// The base's mean and interval.
    pub base: Option<Estimate>,
    /// The variant's mean and interval.
    pub variant: Option<Estimate>,
    /// Variant − base, replication by replication.
    pub paired: Option<Estimate>,
}

impl Difference {
    /// Whether the paired interval excludes 0.
    pub fn significant(&self) -> bool {
        self.paired.is_some_and(|e| !e.low.is_nan() && (e.low > 0.0 || e.high < 0.0))
    }
}

/// One variant against the base.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// How the variant is named (its file, or a description).
    pub label: String,
    /// The variant's own results.
    pub results: RunResults,
    /// Every metric both have, in the base's metric order.
    pub differences: Vec<Difference>,
    /// The supplier whose change the variant is about, and the chain from
    /// its service to the customer ([`super::chain`]).
    pub chain: Option<(String, Vec<super::chain::Link>)>,
}

/// A finished comparison.
#[derive(Debug, Clone)]
pub struct CompareResults {
    /// The base's results.
    pub base: RunResults,
    /// Each variant against it.
    pub variants: Vec<Comparison>,
}

/// Paired differences of every metric the two runs share, with 95% intervals.
pub fn differences(base: &RunResults, variant: &RunResults) -> Vec<Difference> {
    differences_at(base, variant, CONFIDENCE)
}

/// Paired differences with intervals at `confidence` (e.g. a
/// Bonferroni-corrected level when many comparisons are read together).
pub fn differences_at(base: &RunResults, variant: &RunResults, confidence: f64) -> Vec<Difference> {
    let base_columns = metric_columns(&base.scenario, &base.replications);
    let variant_columns = metric_columns(&variant.scenario, &variant.replications);
    base_columns
        .into_iter()
        .filter_map(|(metric, base_values)| {
            let (_, variant_values) = variant_columns.iter().find(|(name, _)| *name == metric)?;
            let pairs: Vec<f64> =
                base_values.iter().zip(variant_values).filter_map(|(b, v)| Some((*v)? - (*b)?)).collect();
            let defined = |values: &[Option<f64>]| values.iter().flatten().copied().collect::<Vec<_>>();
            Some(Difference {
                base: estimate(&defined(&base_values), CONFIDENCE),
                variant: estimate(&defined(variant_values), CONFIDENCE),
                paired: estimate(&pairs, confidence),
                metric,
            })
        })
        .collect()
}

/// The difference of two means from independent samples, with Welch's
/// interval: what a comparison without common random numbers would report.
pub fn unpaired(base: &[f64], variant: &[f64], confidence: f64) -> Option<Estimate> {
    let (a, b) = (estimate(base, confidence)?, estimate(variant, confidence)?);
    let variance = |values: &[f64], mean: f64| {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() as f64 - 1.0) / values.len() as f64
    };
    let (va, vb) = (variance(base, a.mean), variance(variant, b.mean));
    let degrees =
        (va + vb).powi(2) / (va.powi(2) / (base.len() as f64 - 1.0) + vb.powi(2) / (variant.len() as f64 - 1.0));
    let half = statistics::student_t_critical(confidence, degrees.floor().max(1.0) as u64) * (va + vb).sqrt();
    let mean = b.mean - a.mean;
    Some(Estimate { mean, low: mean - half, high: mean + half, count: base.len().min(variant.len()) })
}

/// Runs the base and every variant with the same replications and seed.
pub fn compare(
    base: Scenario,
    variants: Vec<(String, Scenario)>,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<CompareResults, super::Stalled> {
    let never = std::sync::atomic::AtomicBool::new(false);
    Ok(compare_until(base, variants, plan, progress, &never)?.expect("never stopped"))
}

/// [`compare`], given up (`None`) when `stop` is set before every
/// replication has started: the studio's cancel, between replications.
pub fn compare_until(
    base: Scenario,
    variants: Vec<(String, Scenario)>,
    plan: &Plan,
    progress: &dyn Progress,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<Option<CompareResults>, super::Stalled> {
    let mut scenarios = vec![base];
    let labels: Vec<String> = variants.iter().map(|(label, _)| label.clone()).collect();
    scenarios.extend(variants.into_iter().map(|(_, scenario)| scenario));
    let Some(mut replications) = replicate_until(&scenarios, plan, progress, stop)? else { return Ok(None) };
    let mut runs = scenarios.into_iter().zip(replications.drain(..)).map(|(s, r)| RunResults::reduced(s, r));
    let base = runs.next().expect("the base runs");
    let variants = runs
        .zip(labels)
        .map(|(results, label)| {
            let chain = super::chain::changed_supplier(&base, &results)
                .map(|supplier| (supplier.clone(), super::chain::chain(&base, &results, &supplier, CONFIDENCE)));
            Comparison { differences: differences(&base, &results), label, results, chain }
        })
        .collect();
    Ok(Some(CompareResults { base, variants }))
}
