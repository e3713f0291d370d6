//! CSV builders. Numbers are written in Rust's shortest round-trip form, so
//! the same results always give the same bytes; an undefined value (nothing
//! to average) is an empty field.

use crate::experiment::{MetricValue, RunResults, SummaryRow, department_metrics, replication_metrics};

fn number(value: MetricValue) -> String {
    match value {
        Some(value) if value.is_finite() => value.to_string(),
        _ => String::new(),
    }
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Vec<u8> {
    writer.into_inner().expect("writing to memory cannot fail")
}

fn row(writer: &mut csv::Writer<Vec<u8>>, fields: &[String]) {
    writer.write_record(fields).expect("writing to memory cannot fail");
}

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
            let metrics = department_metrics(tally, department.staff, result.window, result.social);
            if !header_written {
                let mut header = vec!["replication".to_string(), "department".to_string(), "staff".to_string()];
                header.extend(metrics.iter().map(|(key, _)| key.to_string()));
                row(&mut writer, &header);
                header_written = true;
            }
            let mut fields =
                vec![result.replication.to_string(), department.name.clone(), department.staff.to_string()];
            fields.extend(metrics.into_iter().map(|(_, value)| number(value)));
            row(&mut writer, &fields);
        }
    }
    finish(writer)
}

/// `replications.csv`: each replication's organization-wide figures, its
/// index and the master seed its streams come from.
pub fn replications(results: &RunResults) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let staff = results.scenario.staff();
    for (index, result) in results.replications.iter().enumerate() {
        let metrics = replication_metrics(result, &staff);
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
