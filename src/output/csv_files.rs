//! CSV builders. Numbers are written in Rust's shortest round-trip form, so
//! the same results always give the same bytes; an undefined value (nothing
//! to average) is an empty field.

use super::format::{bytes as finish, number, row};
use crate::experiment::{RunResults, SummaryRow, department_metrics, replication_metrics};

/// `summary.csv`: `metric,mean,ci_low,ci_high,replications`.
pub fn summary(rows: &[SummaryRow]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    row(&mut writer, &["metric", "mean", "ci_low", "ci_high", "replications"].map(String::from));
    for summary in rows {
        let (mean, low, high, count) = match summary.estimate {
            Some(e) => (Some(e.mean), Some(e.low), Some(e.high), e.count),
            None => (None, None, None, 0),
        };
        row(&mut writer, &[summary.metric.clone(), number(mean), number(low), number(high), count.to_string()]);
    }
    finish(writer)
}

/// `departments.csv`: one row per department and replication.
pub fn departments(results: &RunResults) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header_written = false;
    for result in &results.replications {
        for (department, tally) in results.scenario.departments.iter().zip(&result.departments) {
            let metrics =
                department_metrics(tally, result.window, result.social, (result.pooled, result.service_level));
            if !header_written {
                let mut header = vec!["replication".to_string(), "department".to_string(), "staff".to_string()];
                header.extend(metrics.iter().map(|(key, _)| key.to_string()));
                row(&mut writer, &header);
                header_written = true;
            }
            let window = (results.scenario.warmup, results.scenario.horizon);
            let mut fields =
                vec![result.replication.to_string(), department.name.clone(), staff_label(department, window)];
            fields.extend(metrics.into_iter().map(|(_, value)| number(value)));
            row(&mut writer, &fields);
        }
    }
    finish(writer)
}

/// A department's staff as the files write it: a head count, `unlimited`,
/// or with shifts the mean on duty over `window` to one decimal.
pub fn staff_label(department: &crate::scenario::Department, (from, to): (f64, f64)) -> String {
    match department.mean_staff(from, to) {
        None => "unlimited".to_string(),
        Some(mean) if department.schedule.is_some() => format!("{mean:.1}"),
        Some(_) => department.staff.to_string(),
    }
}

/// `replications.csv`: each replication's organization-wide figures, its
/// index and the master seed its streams come from.
pub fn replications(results: &RunResults) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for (index, result) in results.replications.iter().enumerate() {
        let metrics = replication_metrics(result);
        if index == 0 {
            let mut header = vec!["replication".to_string(), "seed".to_string(), "events".to_string()];
            header.extend(metrics.iter().map(|(name, _)| name.to_string()));
            row(&mut writer, &header);
        }
        let mut fields = vec![result.replication.to_string(), result.seed.to_string(), result.events.to_string()];
        fields.extend(metrics.into_iter().map(|(_, value)| number(value)));
        row(&mut writer, &fields);
    }
    finish(writer)
}

/// `links.csv`: per need (requester → supplier), requests per replication
/// with their interval, and over all replications the mean reply delay and
/// (social layer) the requester's mean satisfaction.
pub fn links(results: &RunResults) -> Vec<u8> {
    let scenario = &results.scenario;
    let mut writer = csv::Writer::from_writer(Vec::new());
    row(
        &mut writer,
        &[
            "from",
            "to",
            "mode",
            "requests_mean",
            "requests_ci_low",
            "requests_ci_high",
            "delay_mean",
            "satisfaction_mean",
        ]
        .map(String::from),
    );
    let mut index = 0;
    for department in &scenario.departments {
        // Each department's needs, then its transfers (mode `transfer`:
        // work moved on, no reply), then its overflows (mode `overflow`:
        // its waiting work served by the other's people).
        let links = department
            .needs
            .iter()
            .map(|need| (need.supplier, need.mode.to_string()))
            .chain(department.transfers.iter().map(|t| (t.to, "transfer".to_string())))
            .chain(department.overflow.iter().map(|o| (o.to, "overflow".to_string())));
        for (to, mode) in links {
            let requests: Vec<f64> = results.replications.iter().map(|r| r.links[index].requests as f64).collect();
            let estimate = crate::experiment::estimate(&requests, crate::experiment::CONFIDENCE);
            let replies: u64 = results.replications.iter().map(|r| r.links[index].replies).sum();
            let pooled = |pick: fn(&crate::model::LinkTally) -> f64| {
                (replies > 0)
                    .then(|| results.replications.iter().map(|r| pick(&r.links[index])).sum::<f64>() / replies as f64)
            };
            let satisfaction = if scenario.behavior_enabled { pooled(|l| l.satisfaction_sum) } else { None };
            row(
                &mut writer,
                &[
                    department.name.clone(),
                    scenario.departments[to].name.clone(),
                    mode,
                    number(estimate.map(|e| e.mean)),
                    number(estimate.map(|e| e.low)),
                    number(estimate.map(|e| e.high)),
                    number(pooled(|l| l.delay_sum)),
                    number(satisfaction),
                ],
            );
            index += 1;
        }
    }
    finish(writer)
}

/// `intervals.csv`: per department and slot of the period, each interval
/// metric's mean and 95% interval over replications.
pub fn intervals(results: &RunResults) -> Vec<u8> {
    use crate::experiment::intervals::{INTERVAL_METRICS, interval_rows};
    let mut writer = csv::Writer::from_writer(Vec::new());
    let scenario = &results.scenario;
    let mut header: Vec<String> =
        ["department", "interval_start", "interval_end", "clock_start", "clock_end"].map(String::from).to_vec();
    for metric in INTERVAL_METRICS {
        header.extend(["mean", "ci_low", "ci_high"].map(|part| format!("{metric}_{part}")));
    }
    row(&mut writer, &header);
    // Clock times from the scenario's start, the weekday added when the
    // period (or, without one, the horizon) is longer than a day.
    let span = scenario.period.unwrap_or(scenario.horizon);
    let weekly =
        super::events::seconds_per_unit(&scenario.time_unit).is_some_and(|seconds| span * seconds > 86_400.0 + 1e-6);
    let clock =
        |time: f64| crate::readable::clock(scenario.start_time, time, &scenario.time_unit, weekly).unwrap_or_default();
    for interval in interval_rows(scenario, &results.replications) {
        let mut fields = vec![
            interval.department.clone(),
            number(Some(interval.start)),
            number(Some(interval.end)),
            clock(interval.start),
            clock(interval.end),
        ];
        for estimate in &interval.metrics {
            fields.extend([estimate.map(|e| e.mean), estimate.map(|e| e.low), estimate.map(|e| e.high)].map(number));
        }
        row(&mut writer, &fields);
    }
    finish(writer)
}

/// Number of equal-width bins in `waits.csv`.
pub const WAIT_BINS: usize = 40;

/// `waits.csv`: the distribution of external waits and resolution times
/// over all replications, each as shares in equal-width bins from 0 to its
/// own 99th percentile (longer values count in the last bin).
pub fn waits(results: &RunResults) -> Vec<u8> {
    let mut waits = crate::engine::LogHistogram::new();
    let mut resolutions = crate::engine::LogHistogram::new();
    for replication in &results.replications {
        waits.merge(&replication.external.wait_histogram);
        resolutions.merge(&replication.external.resolution_histogram);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    row(&mut writer, &["measure", "bin_low", "bin_high", "share"].map(String::from));
    for (measure, histogram) in [("wait", &waits), ("resolution", &resolutions)] {
        let top = histogram.quantile(0.99).filter(|top| *top > 0.0).unwrap_or(1.0);
        let width = top / WAIT_BINS as f64;
        let mut shares = [0.0; WAIT_BINS];
        let total = histogram.count().max(1) as f64;
        for (low, high, count) in histogram.buckets() {
            let middle = (low + high) / 2.0;
            let bin = ((middle / width) as usize).min(WAIT_BINS - 1);
            shares[bin] += count as f64 / total;
        }
        for (bin, share) in shares.iter().enumerate() {
            row(
                &mut writer,
                &[
                    measure.to_string(),
                    number(Some(width * bin as f64)),
                    number(Some(width * (bin + 1) as f64)),
                    number(Some(*share)),
                ],
            );
        }
    }
    finish(writer)
}
