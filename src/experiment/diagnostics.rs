//! Output analysis: whether a run's figures describe a settled
//! organization, read from each replication's series over equal bins of the
//! horizon ([`crate::model::Paths`]).
//!
//! - **Warm-up.** MSER-5 (White 1997; White, Cobb & Spratt 2000) on the
//!   replication-averaged series of each department's queue and of external
//!   waits by arrival time: bins are grouped in batches of five, and the
//!   truncation is the number of leading batches `d` (at most half of them)
//!   that minimizes `Σ_{i>d} (Yᵢ − Ȳ_d)² / (k − d)²`, the squared standard
//!   error of the mean of what is kept. A warm-up shorter than the
//!   truncation leaves start-up in the figures (`warmup_too_short`) when
//!   it matters: when the mean between the warm-up and the truncation
//!   differs from the mean after it, paired across replications, with an
//!   interval (at the level below) that excludes 0, by more than 10% of
//!   the latter and a floor (a nearly empty queue's rare spikes, or a slow
//!   wander of the averaged series, move MSER without biasing anything):
//!   0.1 for a queue, 0.1 mean front-line service times for external waits.
//! - **Trend.** The counted period's bins are cut in two halves; each
//!   replication gives the change (second-half mean − first-half mean), and
//!   the paired Student-t interval of the change, at level 1 − 0.05/rows
//!   (Bonferroni over the rows), tests that the level did not move. A row is
//!   `not_steady` when the interval excludes 0 and the change exceeds both
//!   10% of the first-half mean and the floor. A trend is
//!   reported before a short warm-up: it pushes MSER's truncation to its
//!   limit too, and no warm-up cures it.
//! - **Auto warm-up.** [`auto_warmup`] takes the largest truncation that
//!   matters (by the same rule, from time 0) over every series of a pilot
//!   run, at most half the horizon.
//!
//! - **With a period** (rates or shifts), the series are per-period means
//!   instead of bins, so that the day's own rhythm is not read as start-up
//!   or trend: each whole period of the horizon is one point (a bin cut by
//!   a period boundary is shared in proportion to the overlap), MSER runs on
//!   the points one by one, the halves are halves of the periods, and
//!   truncations are whole periods. When a period is shorter than a bin,
//!   the bins already average whole periods and are used as they are.
//!
//! - **Overload.** A queue the load estimate says grows without bound
//!   (offered more work than its staff can do, nobody there abandons) is
//!   `overloaded`: no steady state exists, whatever the series show.
//! - **Censoring.** Customers still open at the horizon are left out of
//!   the resolution figures, and they are the slowest; when more than 1% of
//!   the customers who arrived in the counted window are still open, the
//!   `external,resolution` row says `censored`: the mean and p90 of
//!   resolution are biased low (a longer horizon cures it).
//!
//! Diagnostics never change results; they say when to doubt them.

use super::statistics::{Estimate, estimate};
use crate::model::{PATH_BINS, ReplicationResult};
use crate::scenario::Scenario;

/// Bins per MSER batch.
const BATCH: usize = 5;
/// Family-wise error of the trend checks over all rows.
const FAMILY_ERROR: f64 = 0.05;
/// A change smaller than this share of the first-half mean is not a trend.
const RELATIVE_CHANGE: f64 = 0.10;
/// Nor is one smaller than this: in work for a queue (a count), and in
/// mean front-line service times for external waits (so the verdicts do not
/// depend on the time unit).
const ABSOLUTE_CHANGE: f64 = 0.1;

/// What a diagnostic row concludes, from best to worst (the order of
/// [`Ord`]: a run's verdict is the worst of its rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Nothing to doubt.
    Ok,
    /// More than [`CENSORED_SHARE`] of the customers who arrived in the
    /// counted window are still open at the horizon: the resolution
    /// figures leave out the slowest cases.
    Censored,
    /// MSER-5 truncates later than the warm-up used.
    WarmupTooShort,
    /// The level moved between the halves of the counted period.
    NotSteady,
    /// The load estimate says a queue grows without bound: no steady state
    /// exists to measure.
    Overloaded,
}

impl Verdict {
    /// Every verdict, best first.
    pub const ALL: [Verdict; 5] =
        [Verdict::Ok, Verdict::Censored, Verdict::WarmupTooShort, Verdict::NotSteady, Verdict::Overloaded];

    /// The word `diagnostics.csv` and the experiments' `verdict` columns use.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Censored => "censored",
            Verdict::WarmupTooShort => "warmup_too_short",
            Verdict::NotSteady => "not_steady",
            Verdict::Overloaded => "overloaded",
        }
    }

    /// The verdict a word names.
    pub fn parse(word: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == word)
    }
}

/// Above this share of customers still open at the horizon, resolution
/// figures are censored.
pub const CENSORED_SHARE: f64 = 0.01;

/// One series checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The department, or `external` for external waits and resolution.
    pub department: String,
    /// `queue`, `ext_wait`, or `resolution` (the censoring check).
    pub series: &'static str,
    /// The warm-up of the run.
    pub warmup_used: f64,
    /// MSER-5's truncation point in time units; `None` without data.
    pub mser_truncation: Option<f64>,
    /// Mean over the first half of the counted period.
    pub first_half_mean: Option<f64>,
    /// Mean over the second half.
    pub second_half_mean: Option<f64>,
    /// Second half − first half, paired across replications, with its
    /// interval at [`Diagnostic::level`] (ends `NaN` with one replication).
    pub change: Option<Estimate>,
    /// The interval's confidence level.
    pub level: f64,
    /// For `resolution`: the mean share of the counted window's customers
    /// still open at the horizon.
    pub open_share: Option<f64>,
    /// The conclusion.
    pub verdict: Verdict,
}

impl Diagnostic {
    /// The censoring check: the share of the customers who arrived in the
    /// counted window still open at the horizon (mean over replications).
    fn censoring(scenario: &Scenario, results: &[ReplicationResult]) -> Diagnostic {
        let shares: Vec<f64> = results
            .iter()
            .filter(|r| r.external.arrivals > 0)
            .map(|r| r.external.in_system_end as f64 / r.external.arrivals as f64)
            .collect();
        let open_share = (!shares.is_empty()).then(|| shares.iter().sum::<f64>() / shares.len() as f64);
        Diagnostic {
            department: "external".to_string(),
            series: "resolution",
            warmup_used: scenario.warmup,
            mser_truncation: None,
            first_half_mean: None,
            second_half_mean: None,
            change: None,
            level: f64::NAN,
            open_share,
            verdict: if open_share.is_some_and(|s| s > CENSORED_SHARE) { Verdict::Censored } else { Verdict::Ok },
        }
    }
}

/// A series per replication: each point's (sum, weight), whose ratio is
/// the point's value (a bin's, or a period's); points with no weight have
/// no value.
struct Series {
    department: String,
    name: &'static str,
    replications: Vec<Vec<(f64, f64)>>,
    /// The smallest change that matters, in the series' own units.
    floor: f64,
}

/// The points the series are read on: equal bins, or whole periods.
#[derive(Debug, Clone, PartialEq)]
struct Points {
    /// Time each point covers.
    width: f64,
    /// Points per MSER batch.
    batch: usize,
    /// For each point, the bins it takes and the share of each.
    shares: Option<Vec<Vec<(usize, f64)>>>,
}

impl Points {
    fn of(scenario: &Scenario, bin_width: f64) -> Points {
        let bins = Points { width: bin_width, batch: BATCH, shares: None };
        let Some(period) = scenario.period.filter(|&p| p >= bin_width) else {
            return bins;
        };
        let periods = (scenario.horizon / period + 1e-9).floor() as usize;
        if periods < 2 {
            return bins;
        }
        let shares = (0..periods)
            .map(|p| {
                let (start, end) = (p as f64 * period, (p + 1) as f64 * period);
                let first = ((start / bin_width) as usize).min(PATH_BINS - 1);
                (first..PATH_BINS)
                    .map(|b| (b, b as f64 * bin_width, (b + 1) as f64 * bin_width))
                    .take_while(|&(_, from, _)| from < end - 1e-9 * period)
                    .map(|(b, from, to)| (b, (to.min(end) - from.max(start)).max(0.0) / bin_width))
                    .filter(|&(_, share)| share > 0.0)
                    .collect()
            })
            .collect();
        Points { width: period, batch: 1, shares: Some(shares) }
    }

    fn count(&self) -> usize {
        self.shares.as_ref().map_or(PATH_BINS, Vec::len)
    }

    /// `bins` read on these points.
    fn read(&self, bins: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
        match &self.shares {
            None => bins,
            Some(shares) => shares
                .iter()
                .map(|point| {
                    point.iter().fold((0.0, 0.0), |(s, w), &(b, share)| (s + share * bins[b].0, w + share * bins[b].1))
                })
                .collect(),
        }
    }
}

fn series_of(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<Series> {
    let points = Points::of(scenario, results[0].paths.bin_width);
    let mut all = bin_series(scenario, results);
    for series in &mut all {
        series.replications =
            std::mem::take(&mut series.replications).into_iter().map(|bins| points.read(bins)).collect();
    }
    all
}

fn bin_series(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<Series> {
    let mut all: Vec<Series> = scenario
        .departments
        .iter()
        .enumerate()
        .map(|(index, department)| Series {
            department: department.name.clone(),
            name: "queue",
            replications: results.iter().map(|r| r.paths.queue[index].iter().map(|&q| (q, 1.0)).collect()).collect(),
            floor: ABSOLUTE_CHANGE,
        })
        .collect();
    // The customers' mean first service time: their front lines' means,
    // weighted by where they arrive.
    let front_service: f64 =
        scenario.customers.entry.iter().map(|&(d, share)| share * scenario.departments[d].service_mean).sum();
    all.push(Series {
        department: "external".to_string(),
        name: "ext_wait",
        floor: ABSOLUTE_CHANGE * front_service,
        replications: results
            .iter()
            .map(|r| r.paths.wait_sum.iter().zip(&r.paths.wait_count).map(|(&s, &c)| (s, f64::from(c))).collect())
            .collect(),
    });
    all
}

/// Pools bins `range` of every replication in `replications`.
fn pooled<'a>(replications: impl Iterator<Item = &'a Vec<(f64, f64)>>, range: std::ops::Range<usize>) -> Option<f64> {
    let (sum, weight) = replications
        .flat_map(|bins| bins[range.clone()].iter())
        .fold((0.0, 0.0), |(s, w), &(bin_sum, bin_weight)| (s + bin_sum, w + bin_weight));
    (weight > 0.0).then(|| sum / weight)
}

/// MSER over `batches` (missing ones skipped): the number of leading
/// batches to drop, at most half of them.
pub fn mser_truncation(batches: &[Option<f64>]) -> usize {
    let mut best = (f64::INFINITY, 0);
    for d in 0..=batches.len() / 2 {
        let kept: Vec<f64> = batches[d..].iter().flatten().copied().collect();
        if kept.len() < 2 {
            break;
        }
        let n = kept.len() as f64;
        let mean = kept.iter().sum::<f64>() / n;
        let statistic = kept.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (n * n);
        if statistic < best.0 {
            best = (statistic, d);
        }
    }
    best.1
}

/// MSER's truncation of a series, in points.
fn truncation_points(series: &Series, points: &Points) -> Option<usize> {
    let batch = points.batch;
    let batches: Vec<Option<f64>> =
        (0..points.count() / batch).map(|b| pooled(series.replications.iter(), b * batch..(b + 1) * batch)).collect();
    batches.iter().any(Option::is_some).then(|| mser_truncation(&batches) * batch)
}

/// Whether a change matters: more than 10% of `reference` and more than
/// `floor`.
fn material(change: f64, reference: f64, floor: f64) -> bool {
    change.abs() > floor && change.abs() > RELATIVE_CHANGE * reference.abs()
}

/// The change from bins `first` to bins `second`, paired across
/// replications, with its interval at `level`.
fn paired_change(
    series: &Series,
    first: std::ops::Range<usize>,
    second: std::ops::Range<usize>,
    level: f64,
) -> Option<Estimate> {
    let changes: Vec<f64> = series
        .replications
        .iter()
        .filter_map(|bins| {
            Some(pooled(std::iter::once(bins), second.clone())? - pooled(std::iter::once(bins), first.clone())?)
        })
        .collect();
    estimate(&changes, level)
}

/// Whether an interval excludes 0 by a change that matters relative to
/// `reference` and `floor`.
fn moved(change: Option<Estimate>, reference: Option<f64>, floor: f64) -> bool {
    change.is_some_and(|change| {
        let excludes_zero = change.low > 0.0 || change.high < 0.0;
        excludes_zero && material(change.mean, reference.unwrap_or(0.0), floor)
    })
}

/// Whether dropping points `from..truncation` (start-up by MSER) would
/// move the series' mean over what is kept after them, at `level`.
fn start_up_matters(series: &Series, from: usize, truncation: usize, level: f64) -> bool {
    let count = series.replications.first().map_or(0, Vec::len);
    if truncation <= from || truncation >= count {
        return false;
    }
    let kept = pooled(series.replications.iter(), truncation..count);
    moved(paired_change(series, truncation..count, from..truncation, level), kept, series.floor)
}

/// Checks every series of a run: one row per department's queue, then
/// external waits. Empty when the replications kept no series.
pub fn diagnose(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<Diagnostic> {
    if results.is_empty() || results.iter().any(|r| r.paths.queue.len() != scenario.departments.len()) {
        return Vec::new();
    }
    let points = Points::of(scenario, results[0].paths.bin_width);
    let count = points.count();
    let all = series_of(scenario, results);
    let level = 1.0 - FAMILY_ERROR / all.len() as f64;
    // The counted period's whole points, cut in two equal halves.
    let first_counted = (((scenario.warmup / points.width) - 1e-9).ceil().max(0.0) as usize).min(count);
    let half = (count - first_counted) / 2;
    let first = first_counted..first_counted + half;
    let second = count - half..count;
    let mut rows: Vec<Diagnostic> = all
        .iter()
        .map(|series| {
            let truncation = truncation_points(series, &points);
            let mser = truncation.map(|n| n as f64 * points.width);
            let start_up = truncation.is_some_and(|bins| start_up_matters(series, first_counted, bins, level));
            let change = if half == 0 { None } else { paired_change(series, first.clone(), second.clone(), level) };
            let first_half_mean = pooled(series.replications.iter(), first.clone());
            let second_half_mean = pooled(series.replications.iter(), second.clone());
            let verdict = verdict(start_up, first_half_mean, change, series.floor);
            Diagnostic {
                department: series.department.clone(),
                series: series.name,
                warmup_used: scenario.warmup,
                mser_truncation: mser,
                first_half_mean,
                second_half_mean,
                change,
                level,
                open_share: None,
                verdict,
            }
        })
        .collect();
    // A queue the load estimate says grows without bound has no steady
    // state, whatever its series look like.
    for (row, overloaded) in rows.iter_mut().zip(crate::model::overloaded(scenario)) {
        if overloaded {
            row.verdict = Verdict::Overloaded;
        }
    }
    rows.push(Diagnostic::censoring(scenario, results));
    rows
}

/// `start_up`: MSER truncates after the warm-up and it matters. A trend
/// comes first: it also pushes MSER's truncation to its limit, and no
/// warm-up cures it.
fn verdict(start_up: bool, first_half: Option<f64>, change: Option<Estimate>, floor: f64) -> Verdict {
    if moved(change, first_half, floor) {
        Verdict::NotSteady
    } else if start_up {
        Verdict::WarmupTooShort
    } else {
        Verdict::Ok
    }
}

/// The warm-up MSER-5 chooses from a pilot run: the largest truncation that
/// matters over every series, at most half the horizon (0 when none does);
/// with a period, rounded up to whole periods (down, when that would pass
/// half the horizon; as it is, when no whole period fits there).
pub fn auto_warmup(scenario: &Scenario, pilot: &[ReplicationResult]) -> f64 {
    whole_periods(largest_truncation(scenario, pilot), scenario.period, scenario.horizon)
}

/// `warmup` rounded up to whole periods, or down when up would pass half
/// the horizon; kept as it is when not even one whole period fits in half
/// the horizon (never silently 0: the command line says it is not whole
/// periods).
fn whole_periods(warmup: f64, period: Option<f64>, horizon: f64) -> f64 {
    match period {
        Some(period) if warmup > 0.0 => {
            let whole = (warmup / period).ceil() * period;
            let down = (horizon / 2.0 / period).floor() * period;
            if whole <= horizon / 2.0 {
                whole
            } else if down > 0.0 {
                down
            } else {
                warmup
            }
        }
        _ => warmup,
    }
}

fn largest_truncation(scenario: &Scenario, pilot: &[ReplicationResult]) -> f64 {
    if pilot.is_empty() || pilot.iter().any(|r| r.paths.queue.len() != scenario.departments.len()) {
        return 0.0;
    }
    let points = Points::of(scenario, pilot[0].paths.bin_width);
    let all = series_of(scenario, pilot);
    let level = 1.0 - FAMILY_ERROR / all.len() as f64;
    all.iter()
        .filter_map(|series| truncation_points(series, &points).filter(|&n| start_up_matters(series, 0, n, level)))
        .map(|n| n as f64 * points.width)
        .fold(0.0, f64::max)
        .min(scenario.horizon / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mser_drops_a_start_up_transient_and_keeps_a_flat_series() {
        // Ten batches climbing from 0 to 9, then forty at 10 with a small
        // alternating noise: the climb is cut, nothing after it.
        let mut climb: Vec<Option<f64>> = (0..10).map(|i| Some(f64::from(i))).collect();
        climb.extend((0..40).map(|i| Some(10.0 + if i % 2 == 0 { 0.1 } else { -0.1 })));
        assert_eq!(mser_truncation(&climb), 10);
        let flat: Vec<Option<f64>> = (0..50).map(|i| Some(if i % 2 == 0 { 1.1 } else { 0.9 })).collect();
        assert_eq!(mser_truncation(&flat), 0);
        // Never more than half, even for a series that only climbs.
        let ramp: Vec<Option<f64>> = (0..50).map(|i| Some(f64::from(i))).collect();
        assert_eq!(mser_truncation(&ramp), 25);
    }

    #[test]
    fn with_a_period_the_points_are_whole_periods_of_shared_bins() {
        let scenario = crate::scenario::Scenario::from_toml_str(
            "name = \"p\"\nhorizon = 1000.0\n[customers]\nrates = { every = 60.0, values = [1.0, 2.0] }\n[[department]]\nname = \"D\"\nfront_line = true\nstaff = 5\nservice = { dist = \"exponential\", mean = 1.0 }\n",
            "test",
        )
        .unwrap();
        // Bins of 2.5; periods of 120: 8 whole periods, each 48 bins.
        let points = Points::of(&scenario, 2.5);
        assert_eq!((points.count(), points.width, points.batch), (8, 120.0, 1));
        let bins: Vec<(f64, f64)> = (0..PATH_BINS).map(|b| (b as f64, 1.0)).collect();
        let read = points.read(bins);
        // Period 1 covers bins 48..96: mean bin index 71.5.
        assert!((read[1].0 / read[1].1 - 71.5).abs() < 1e-9 && (read[1].1 - 48.0).abs() < 1e-9);
        // Bins of 7 do not divide 120: a shared bin counts by its overlap.
        let uneven = Points::of(&scenario, 7.0);
        let total: f64 = uneven.shares.as_ref().unwrap()[0].iter().map(|&(_, share)| share).sum();
        assert!((total - 120.0 / 7.0).abs() < 1e-9, "{total}");
    }

    #[test]
    fn an_auto_warm_up_is_whole_periods() {
        assert_eq!(whole_periods(3250.0, Some(1440.0), 20160.0), 4320.0);
        assert_eq!(whole_periods(3250.0, None, 20160.0), 3250.0);
        assert_eq!(whole_periods(0.0, Some(1440.0), 20160.0), 0.0);
        // Up would pass half the horizon (5,000): down to whole periods.
        assert_eq!(whole_periods(4900.0, Some(1440.0), 10000.0), 4320.0);
        // Not one whole period in half the horizon: MSER's own truncation.
        assert_eq!(whole_periods(900.0, Some(1440.0), 2000.0), 900.0);
    }

    #[test]
    fn verdicts_follow_the_rules() {
        let change = |mean: f64, low: f64, high: f64| Some(Estimate { mean, low, high, count: 10 });
        assert_eq!(verdict(true, Some(1.0), None, 0.1), Verdict::WarmupTooShort);
        assert_eq!(verdict(true, Some(1.0), change(0.5, 0.2, 0.8), 0.1), Verdict::NotSteady);
        assert_eq!(verdict(false, Some(1.0), change(0.5, 0.2, 0.8), 0.1), Verdict::NotSteady);
        // Excludes 0 but is under 10% of the level, or under the floor.
        assert_eq!(verdict(false, Some(10.0), change(0.5, 0.2, 0.8), 0.1), Verdict::Ok);
        assert_eq!(verdict(false, Some(0.1), change(0.05, 0.02, 0.08), 0.1), Verdict::Ok);
        assert_eq!(verdict(false, Some(1.0), change(0.5, 0.2, 0.8), 0.6), Verdict::Ok);
        // Large but the interval holds 0.
        assert_eq!(verdict(false, Some(1.0), change(0.5, -0.1, 1.1), 0.1), Verdict::Ok);
    }
}
