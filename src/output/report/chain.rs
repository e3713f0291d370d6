//! The chain that leads the compare and impact reports: read back from
//! `chain.csv` (or `chain-<variant>.csv` per variant), drawn, and said in
//! one sentence whose figures are the file's.

use std::path::Path;

use super::{ReportError, Table};
use crate::experiment::catalogue::describe;
use crate::output::chain::chain_stems;
use crate::output::plots::chain::{ChainBox, ChainChart};

/// The chains of an experiment folder (`kind`: compare or impact), each
/// with its sentence; none where no chain file was written.
pub fn chain_charts(folder: &Path, kind: &str, time_unit: &str) -> Result<Vec<(ChainChart, String)>, ReportError> {
    let stems: Vec<(String, Option<String>)> = match kind {
        "impact" => vec![("chain".to_string(), None)],
        "compare" => {
            let table = Table::read_experiment(folder, "compare")?;
            let mut variants: Vec<String> = Vec::new();
            for row in &table.rows {
                if !variants.contains(&row["variant"]) {
                    variants.push(row["variant"].clone());
                }
            }
            chain_stems(&variants).into_iter().zip(variants).map(|(stem, v)| (stem, Some(v))).collect()
        }
        _ => Vec::new(),
    };
    let mut charts = Vec::new();
    for (stem, variant) in stems {
        if !folder.join(format!("{stem}.csv")).is_file() {
            continue;
        }
        let table = Table::read(folder, &format!("{stem}.csv"))?;
        let mut links = Vec::new();
        for row in &table.rows {
            let number = |column: &str| table.number(row, column).map(|v| v.unwrap_or(f64::NAN));
            let (change, low, high) = (number("diff")?, number("diff_ci_low")?, number("diff_ci_high")?);
            links.push(ChainBox {
                metric: row.get("metric").cloned().unwrap_or_default(),
                label: row.get("label").cloned().unwrap_or_default(),
                base: number("base")?,
                variant: number("variant")?,
                change: (!change.is_nan()).then_some((change, low, high)),
            });
        }
        let supplier = links
            .first()
            .and_then(|l| l.metric.strip_prefix("department."))
            .and_then(|rest| rest.rsplit_once('.'))
            .map_or_else(|| "the team".to_string(), |(name, _)| name.to_string());
        let change = match &variant {
            Some(name) => format!("variant {name}"),
            None => "its improvement".to_string(),
        };
        let title = format!(
            "How {} service reaches the customer: {change} against the base",
            crate::readable::possessive(&supplier)
        );
        let sentence = sentence(&supplier, &links, time_unit);
        charts.push((ChainChart { name: stem, title, time_unit: time_unit.to_string(), links }, sentence));
    }
    Ok(charts)
}

/// The chain in words: each link's change with its interval, and whether
/// the interval excludes 0.
fn sentence(supplier: &str, links: &[ChainBox], time_unit: &str) -> String {
    let parts: Vec<String> = links
        .iter()
        .map(|link| {
            let unit = describe(&link.metric).unit;
            match link.change {
                Some((change, low, high)) if low.is_finite() && high.is_finite() => format!(
                    "{} {} ({}{})",
                    link.label,
                    unit.format_change(change, time_unit),
                    unit.format_interval(low, high, time_unit),
                    if link.significant() { "" } else { ", could be no change" }
                ),
                Some((change, _, _)) => format!("{} {}", link.label, unit.format_change(change, time_unit)),
                None => format!("{}: not defined", link.label),
            }
        })
        .collect();
    format!(
        "From {} service to the customer, link by link (change against the base, paired interval): {}.",
        crate::readable::possessive(supplier),
        parts.join(" → ")
    )
}
