//! `sensitivity.csv` of a Sobol sweep, computed from its `sweep.csv`
//! alone (so `merge` and `orgsim report` recompute it from a folder): for
//! every metric the sweep reports (its `<metric>_mean` column) and every
//! swept parameter, the first-order and total Sobol indices with their
//! bootstrap intervals (see [`crate::experiment::sensitivity`]).

use rayon::prelude::*;

use super::format::{bytes, number, row, writer};
use crate::experiment::design::Block;
use crate::experiment::sensitivity::{Indices, RESAMPLES, sobol_indices, split_blocks};

/// The columns of `sensitivity.csv`.
pub const COLUMNS: [&str; 9] =
    ["metric", "parameter", "s1", "s1_ci_low", "s1_ci_high", "st", "st_ci_low", "st_ci_high", "note"];

/// An index interval wider than this is too wide to read.
pub const WIDEST_INTERVAL: f64 = 0.2;

/// What to doubt in a row's indices: `s1_above_st` where the first-order
/// index exceeds the total one beyond their intervals (impossible in
/// truth: too few samples), `few_samples` where an interval is wider than
/// [`WIDEST_INTERVAL`]; several joined by `;`.
pub fn note(indices: &Indices) -> String {
    let mut notes = Vec::new();
    if indices.s1_interval.0 > indices.st_interval.1 {
        notes.push("s1_above_st");
    }
    if widest(indices) > WIDEST_INTERVAL {
        notes.push("few_samples");
    }
    notes.join(";")
}

fn widest(indices: &Indices) -> f64 {
    (indices.s1_interval.1 - indices.s1_interval.0).max(indices.st_interval.1 - indices.st_interval.0)
}

/// Every metric's indices: (metric, parameter, indices when the metric
/// varies).
pub type Sensitivity = Vec<(String, String, Option<Indices>)>;

/// The indices of the Sobol sweep in `sweep_csv` (bootstrap under
/// `seed`); `Ok(None)` when the sweep is not a Sobol design (no `block`
/// column); `Err` names what is wrong with the file.
pub fn sensitivity(sweep_csv: &str, seed: u64) -> Result<Option<Sensitivity>, String> {
    let mut reader = csv::Reader::from_reader(sweep_csv.as_bytes());
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    let Some(block_column) = header.iter().position(|h| h == "block") else {
        return Ok(None);
    };
    let parameters: Vec<&str> = header.iter().filter_map(|h| h.strip_prefix("param.")).collect();
    let metrics: Vec<(usize, &str)> =
        header.iter().enumerate().filter_map(|(i, h)| h.strip_suffix("_mean").map(|m| (i, m))).collect();
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let label = record.get(block_column).unwrap_or("");
        let block =
            Block::parse(label).ok_or_else(|| format!("row {}: {label:?} is not a block (A, B, AB<i>)", line + 2))?;
        rows.push((block, record));
    }
    // Metrics in parallel (each bootstrap is seeded alone), in column order.
    let per_metric: Vec<Sensitivity> = metrics
        .par_iter()
        .map(|&(column, metric)| {
            let outputs: Option<Vec<(Block, f64)>> = rows
                .iter()
                .map(|(block, record)| record.get(column).and_then(|v| v.parse::<f64>().ok()).map(|y| (*block, y)))
                .collect();
            let indices = outputs
                .and_then(|points| split_blocks(&points, parameters.len()))
                .and_then(|(a, b, ab)| sobol_indices(&a, &b, &ab, RESAMPLES, seed));
            parameters
                .iter()
                .enumerate()
                .map(|(i, parameter)| (metric.to_string(), parameter.to_string(), indices.as_ref().map(|all| all[i])))
                .collect()
        })
        .collect();
    let out: Sensitivity = per_metric.into_iter().flatten().collect();
    Ok(Some(out))
}

/// `sensitivity.csv`.
pub fn sensitivity_csv(sensitivity: &Sensitivity) -> Vec<u8> {
    let mut out = writer();
    row(&mut out, &COLUMNS.map(String::from));
    for (metric, parameter, indices) in sensitivity {
        let mut fields = vec![metric.clone(), parameter.clone()];
        match indices {
            Some(i) => {
                fields.extend(
                    [i.s1, i.s1_interval.0, i.s1_interval.1, i.st, i.st_interval.0, i.st_interval.1]
                        .map(|v| number(Some(v))),
                );
                fields.push(note(i));
            }
            None => fields.extend(std::iter::repeat_n(String::new(), 7)),
        }
        row(&mut out, &fields);
    }
    bytes(out)
}

/// The warning a Sobol sweep's `sensitivity.csv` calls for: how far to
/// raise `samples` when an interval is wider than [`WIDEST_INTERVAL`], and
/// whether some S1 exceeds its ST; `None` when nothing is to doubt.
pub fn warning(sensitivity_csv: &str) -> Option<String> {
    let mut reader = csv::Reader::from_reader(sensitivity_csv.as_bytes());
    let header = reader.headers().ok()?.clone();
    let column = |name: &str| header.iter().position(|h| h == name);
    let (s1_low, s1_high, st_low, st_high, note) =
        (column("s1_ci_low")?, column("s1_ci_high")?, column("st_ci_low")?, column("st_ci_high")?, column("note")?);
    let mut widest: f64 = 0.0;
    let mut above = 0;
    for record in reader.records().flatten() {
        let value = |i: usize| record.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        widest = widest.max(value(s1_high) - value(s1_low)).max(value(st_high) - value(st_low));
        above += usize::from(record.get(note).is_some_and(|n| n.contains("s1_above_st")));
    }
    if widest <= WIDEST_INTERVAL && above == 0 {
        return None;
    }
    let factor = (widest / WIDEST_INTERVAL).powi(2).max(1.0);
    Some(format!(
        "the Sobol indices rest on too few samples: the widest interval is {} wide{}; raise samples about {}-fold (intervals narrow as 1/√samples) to bring every interval under {}",
        crate::scenario::ranges::number((widest * 1000.0).round() / 1000.0),
        if above > 0 {
            format!(", and {above} row(s) show S1 above ST beyond their intervals, which cannot be so in truth")
        } else {
            String::new()
        },
        crate::scenario::ranges::number(factor.ceil()),
        WIDEST_INTERVAL
    ))
}
