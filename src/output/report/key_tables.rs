//! The tables that open an experiment's report, read from its CSV file:
//! each variant's key changes (`compare`), the ranking (`impact`), the
//! recommendation (`optimize`), the staff by slot (`staffing`), and the
//! rows whose verdict is not `ok`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{ReportError, Table, escape};
use crate::experiment::catalogue::describe;
use crate::experiment::metrics::chart_metrics;
use crate::readable::number as readable;

/// The figures a reader wants in numbers: each variant's key changes for
/// `compare`, the ranking for `impact`, the recommendation for `optimize`.
pub(super) fn key_table(folder: &Path, kind: &str, social: bool, time_unit: &str) -> Result<String, ReportError> {
    let table = Table::read_experiment(folder, kind)?;
    let mut html = String::new();
    match kind {
        "compare" => {
            let _ = writeln!(
                html,
                "<h2>Key figures</h2><table><thead><tr><th>variant</th><th>figure</th><th>base</th><th>variant</th><th>change (95% CI)</th></tr></thead><tbody>"
            );
            for row in table.rows.iter().filter(|r| chart_metrics(social).contains(&r["metric"].as_str())) {
                let mark = if row["significant"] == "true" { " *" } else { "" };
                let described = describe(&row["metric"]);
                let value = |column: &str| -> Result<Option<f64>, ReportError> { table.number(row, column) };
                let shown = |v: Option<f64>| v.map_or("–".to_string(), |v| described.unit.format(v, time_unit));
                let change = match (value("difference")?, value("ci_low")?, value("ci_high")?) {
                    (Some(d), Some(low), Some(high)) => format!(
                        "{} ({})",
                        described.unit.format_change(d, time_unit),
                        described.unit.format_interval(low, high, time_unit)
                    ),
                    (Some(d), _, _) => described.unit.format_change(d, time_unit),
                    _ => "–".into(),
                };
                let _ = writeln!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{mark}</td></tr>",
                    escape(&row["variant"]),
                    escape(&described.label),
                    shown(value("base_mean")?),
                    shown(value("variant_mean")?),
                    escape(&change)
                );
            }
            let _ = writeln!(html, "</tbody></table><p>* the change is significant: its interval excludes 0.</p>");
        }
        "impact" => {
            let by = table
                .rows
                .first()
                .and_then(|r| r.keys().find(|k| k.starts_with("gain_in_")).cloned())
                .unwrap_or_default();
            let described = describe(by.trim_start_matches("gain_in_"));
            let _ = writeln!(
                html,
                "<h2>Ranking</h2><table><thead><tr><th>rank</th><th>department</th><th>step</th><th>gain in {} (family-wise 95% CI)</th><th>significant</th></tr></thead><tbody>",
                escape(&described.label.to_lowercase())
            );
            for row in &table.rows {
                let value = |column: &str| table.number(row, column);
                let (gain, low, high) = (value(&by)?, value("gain_ci_low")?, value("gain_ci_high")?);
                let gain_text = match (gain, low, high) {
                    (Some(g), Some(low), Some(high)) => format!(
                        "{} ({})",
                        described.unit.format_change(g, time_unit),
                        described.unit.format_interval(low, high, time_unit)
                    ),
                    (Some(g), _, _) => described.unit.format_change(g, time_unit),
                    _ => "–".into(),
                };
                let significant = matches!((low, high), (Some(low), Some(high)) if low > 0.0 || high < 0.0);
                let _ = writeln!(
                    html,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&row["rank"]),
                    escape(&row["department"]),
                    escape(&row["step"]),
                    escape(&gain_text),
                    if significant { "*" } else { "" }
                );
            }
            let _ = writeln!(
                html,
                "</tbody></table><p>* the gain's family-wise interval excludes 0. Staff steps cost one person's staff cost per time unit more; the model gives skill, morale and silo steps no cost.</p>"
            );
        }
        "optimize" => html.push_str(&recommendation(folder, &table)?),
        "staffing" => {
            html.push_str(&shift_list(folder, time_unit)?);
            html.push_str(&staffing_table(&table)?);
        }
        _ => {}
    }
    Ok(html)
}

/// The recommended staffing of `optimize`, with its figures on fresh
/// replications and whether they confirm it.
fn recommendation(folder: &Path, table: &Table) -> Result<String, ReportError> {
    let mut html = String::new();
    let cell = |row: &HashMap<String, String>, column: &str| -> Result<String, ReportError> {
        Ok(table.number(row, column)?.map_or("–".to_string(), readable))
    };
    if let Some(best) = table.rows.iter().find(|r| r["recommended"] == "true") {
        let _ = writeln!(html, "<h2>Recommendation</h2><table><tbody>");
        let mut staff: Vec<(&String, &String)> = best.iter().filter(|(k, _)| k.starts_with("staff.")).collect();
        let text = std::fs::read_to_string(folder.join("optimize.csv")).unwrap_or_default();
        let order: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
        staff.sort_by_key(|(k, _)| order.iter().position(|o| o == k));
        for (key, value) in staff {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(key.trim_start_matches("staff.")),
                escape(value)
            );
        }
        let _ = writeln!(html, "<tr><td>staff cost</td><td>{}</td></tr>", cell(best, "staff_cost")?);
        for target in best["targets"].split(';') {
            let metric = &target[..target.find(['<', '>']).unwrap_or(target.len())];
            let column = format!("{metric}_confirmed_mean");
            if best.get(&column).is_some_and(|v| !v.is_empty()) {
                let _ = writeln!(
                    html,
                    "<tr><td>{} on fresh replications (95% CI)</td><td>{} ({} – {})</td></tr>",
                    escape(metric),
                    cell(best, &column)?,
                    cell(best, &format!("{metric}_confirmed_ci_low"))?,
                    cell(best, &format!("{metric}_confirmed_ci_high"))?
                );
            }
        }
        let verdict = match best.get("confirmed").map(String::as_str) {
            Some("true") => "meets every target, confirmed on replications that played no part in choosing it",
            Some("false") => "does NOT meet every target on replications that played no part in choosing it",
            _ if best["feasible"] == "true" => "meets every target",
            _ => "closest to the targets; none met them all",
        };
        let _ = writeln!(html, "</tbody></table><p>Targets {}: this staffing {verdict}.</p>", escape(&best["targets"]));
    }
    Ok(html)
}

/// Staffing by interval: per department and slot, the required, naive and
/// scheduled staff and the measured targets.
fn staffing_table(table: &Table) -> Result<String, ReportError> {
    let mut html = String::new();
    let Some(first) = table.rows.first() else {
        return Ok(html);
    };
    let text = std::fs::read_to_string(&table.path).unwrap_or_default();
    let header: Vec<&str> = text.lines().next().unwrap_or("").split(',').collect();
    let measured: Vec<&str> = header
        .iter()
        .filter_map(|c| c.strip_suffix("_mean"))
        .filter(|m| first.contains_key(&format!("{m}_mean")))
        .collect();
    let _ = write!(
        html,
        "<h2>Staff by slot</h2><table><thead><tr><th>department</th><th>slot</th><th>required</th><th>Erlang pointwise</th><th>Erlang C</th><th>rostered</th><th>scheduled</th><th>on a break</th><th>confirmed</th>"
    );
    for metric in &measured {
        let _ = write!(html, "<th>{} with required staff (95% CI)</th>", escape(metric));
    }
    let _ = writeln!(html, "</tr></thead><tbody>");
    for row in &table.rows {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}–{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&row["department"]),
            escape(&row["interval_start"]),
            escape(row.get("interval_end").map_or("", String::as_str)),
            escape(&row["required_staff"]),
            escape(&row["naive_staff"]),
            escape(row.get("erlang_c_staff").map_or("", String::as_str)),
            escape(row.get("rostered_staff").map_or("", String::as_str)),
            escape(&row["scheduled_staff"]),
            escape(row.get("on_break").map_or("", String::as_str)),
            match row.get("confirmed").map(String::as_str) {
                Some("true") => "yes",
                Some("false") => "NO",
                _ => "",
            }
        );
        for metric in &measured {
            let value =
                |part: &str| table.number(row, &format!("{metric}_{part}")).map(|v| v.map_or("–".into(), readable));
            let _ = write!(html, "<td>{} ({} – {})</td>", value("mean")?, value("ci_low")?, value("ci_high")?);
        }
        let _ = writeln!(html, "</tr>");
    }
    let _ = writeln!(
        html,
        "</tbody></table><p>Required: the staff each slot needs, confirmed on replications that played no part in choosing it (people were added to any slot that missed there). Erlang pointwise: Erlang A (with exponential patience) or Erlang C at each slot's own rate, as if every slot were in steady state; where demand changes fast against service times the load lags the demand and this answer misses. Erlang C: the classic spreadsheet's answer, ignoring abandonment. Rostered: the required staff over 1 − shrinkage, the people who must be on duty and not on a break. Scheduled: on duty under the covering shifts, of whom those on a break are away.</p>"
    );
    Ok(html)
}

/// The rows of the folder's CSV file whose `verdict` is not `ok`, each
/// once, with what the verdict means; empty when every row is `ok` (or
/// the file predates verdicts).
pub(super) fn doubtful_rows(folder: &Path, kind: &str) -> Result<String, ReportError> {
    use crate::experiment::diagnostics::Verdict;
    let table = Table::read_experiment(folder, kind)?;
    let mut seen: Vec<String> = Vec::new();
    let mut items = String::new();
    for row in &table.rows {
        let Some(verdict) = row.get("verdict").and_then(|v| Verdict::parse(v)) else { continue };
        if verdict == Verdict::Ok {
            continue;
        }
        let get = |column: &str| row.get(column).cloned().unwrap_or_default();
        let label = match kind {
            "sweep" => {
                let mut settings: Vec<String> =
                    row.iter().filter_map(|(k, v)| k.strip_prefix("param.").map(|p| format!("{p} = {v}"))).collect();
                settings.sort();
                format!("point {} ({})", get("point"), settings.join(", "))
            }
            "compare" => format!("variant {}", get("variant")),
            "impact" => format!("{} {}", get("department"), get("step")),
            "optimize" => format!("candidate {} ({})", get("candidate"), get("phase")),
            _ => get("department"),
        };
        if seen.contains(&label) {
            continue;
        }
        let _ = writeln!(
            items,
            "<li>{}: <strong>{}</strong>, {}</li>",
            escape(&label),
            verdict.as_str(),
            escape(crate::output::trust::verdict_meaning(verdict))
        );
        seen.push(label);
    }
    if items.is_empty() {
        return Ok(String::new());
    }
    Ok(format!(
        "<h2>Rows to read with care</h2><p class=\"warning\">The checks a run makes on its own figures (docs/MODEL.md, \"Output analysis\") doubt these rows; their <code>verdict</code> column says why.</p>\n<ul>\n{items}</ul>\n"
    ))
}

/// The covering shifts of `shifts.csv`, with their clock times and
/// breaks.
fn shift_list(folder: &Path, time_unit: &str) -> Result<String, ReportError> {
    if !folder.join("shifts.csv").is_file() {
        return Ok(String::new());
    }
    let table = Table::read(folder, "shifts.csv")?;
    let mut html = String::from(
        "<h2>Shifts</h2><table><thead><tr><th>department</th><th>from</th><th>to</th><th>length</th><th>people</th><th>breaks</th></tr></thead><tbody>\n",
    );
    for row in &table.rows {
        let field = |c: &str| row.get(c).cloned().unwrap_or_default();
        let clock = |clock: &str, time: &str| if field(clock).is_empty() { field(time) } else { field(clock) };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&field("department")),
            escape(&clock("clock_start", "start")),
            escape(&clock("clock_end", "end")),
            escape(
                &crate::experiment::catalogue::Unit::Time
                    .format(table.number(row, "length")?.unwrap_or(f64::NAN), time_unit)
            ),
            escape(&field("staff")),
            escape(&field("breaks"))
        );
    }
    html.push_str("</tbody></table>\n");
    Ok(html)
}
