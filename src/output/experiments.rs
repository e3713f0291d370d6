//! CSV files and printed tables of the experiments: `sweep.csv`,
//! `compare.csv`, `impact.csv`, `optimize.csv`.

use std::fmt::Write as _;

use crate::experiment::catalogue::describe;
use crate::experiment::compare::{CompareResults, Difference};
use crate::experiment::impact::{ImpactResults, reported_metrics};
use crate::experiment::metrics::{headline_metrics, metric_names};
use crate::experiment::optimize::OptimizeResults;
use crate::experiment::sweep::{Point, SweepPlan, SweepResults, value_text};
use crate::experiment::{Estimate, RunResults};

use super::format::{bytes, number, row as write, writer};
use crate::readable::number as readable;

fn estimate_fields(estimate: Option<Estimate>) -> [String; 3] {
    match estimate {
        Some(e) => [number(Some(e.mean)), number(Some(e.low)), number(Some(e.high))],
        None => [String::new(), String::new(), String::new()],
    }
}

/// `sweep.csv`: one row per point, a column per swept parameter
/// (`param.<path>`), and `<metric>_mean`, `_ci_low`, `_ci_high` per metric.
pub fn sweep_csv(sweep: &SweepResults) -> Vec<u8> {
    let mut text = sweep_header(&sweep.plan);
    for (point, results) in sweep.plan.points.iter().zip(&sweep.results) {
        text.push_str(&sweep_row(point, results));
    }
    text.into_bytes()
}

/// The header line of `sweep.csv`.
pub fn sweep_header(plan: &SweepPlan) -> String {
    let mut out = writer();
    let metrics = plan.points.first().map_or(Vec::new(), |point| metric_names(&point.scenario));
    let mut header = vec!["point".to_string()];
    if plan.design == crate::experiment::sweep::Design::Sobol {
        header.push("block".to_string());
    }
    header.extend(plan.parameters.iter().map(|p| format!("param.{}", p.path)));
    for metric in &metrics {
        header.extend(["mean", "ci_low", "ci_high"].map(|part| format!("{metric}_{part}")));
    }
    header.push("replications".to_string());
    header.push("verdict".to_string());
    write(&mut out, &header);
    String::from_utf8(bytes(out)).expect("CSV of UTF-8 text")
}

/// One point's line of `sweep.csv`.
pub fn sweep_row(point: &Point, results: &RunResults) -> String {
    let mut out = writer();
    let mut row = vec![point.number.to_string()];
    row.extend(point.block.map(|block| block.label()));
    row.extend(point.values.iter().map(value_text));
    for metric in metric_names(&point.scenario) {
        row.extend(estimate_fields(results.metric(&metric).and_then(|r| r.estimate)));
    }
    row.push(results.replications.len().to_string());
    row.push(results.verdict().as_str().to_string());
    write(&mut out, &row);
    String::from_utf8(bytes(out)).expect("CSV of UTF-8 text")
}

/// Checks a line of `sweep.csv` read back (from a sweep's journal or a
/// shard) against the sweep's points: a point number in range, the point's
/// own block and parameter values, a finite number (or nothing) for each
/// metric, a whole number of replications and a known verdict. Returns the
/// point number, or what is wrong.
pub fn check_sweep_row(line: &str, plan: &SweepPlan) -> Result<usize, String> {
    let fields: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|record| record.iter().map(str::to_string).collect())
        .ok_or("not a CSV row")?;
    let number: usize =
        fields[0].parse().map_err(|_| format!("the point number {:?} is not a whole number", fields[0]))?;
    let point = number
        .checked_sub(1)
        .and_then(|index| plan.points.get(index))
        .ok_or_else(|| format!("point {number} is not one of the sweep's {} points", plan.points.len()))?;
    let mut expected = vec![number.to_string()];
    expected.extend(point.block.map(|block| block.label()));
    expected.extend(point.values.iter().map(value_text));
    let settings = expected.len();
    let length = settings + 3 * metric_names(&point.scenario).len() + 2;
    if fields.len() != length {
        return Err(format!("{} fields where the sweep's rows have {length}", fields.len()));
    }
    if let Some(at) = (1..settings).find(|&i| fields[i] != expected[i]) {
        return Err(format!("{:?} where point {number} has {:?}", fields[at], expected[at]));
    }
    let metrics = fields.len() - 2;
    if let Some(bad) =
        fields[settings..metrics].iter().find(|f| !f.is_empty() && !f.parse::<f64>().is_ok_and(f64::is_finite))
    {
        return Err(format!("{bad:?} where a metric must be a finite number (or empty)"));
    }
    if fields[metrics].parse::<u32>().is_err() {
        return Err(format!("{:?} replications is not a whole number", fields[metrics]));
    }
    if crate::experiment::diagnostics::Verdict::parse(&fields[metrics + 1]).is_none() {
        return Err(format!("{:?} is not a verdict", fields[metrics + 1]));
    }
    Ok(number)
}

/// The printed sweep table: each point's parameters and key metrics.
pub fn sweep_table(sweep: &SweepResults) -> String {
    let mut text = String::new();
    let Some(first) = sweep.results.first() else {
        return text;
    };
    let metrics = headline_metrics(first.scenario.behavior_enabled);
    let _ = writeln!(text, "{} points × {} replications", sweep.results.len(), first.replications.len());
    let mut header: Vec<String> = sweep.plan.parameters.iter().map(|p| p.path.clone()).collect();
    header.extend(metrics.iter().map(|m| m.to_string()));
    let _ = writeln!(text, "{}", header.join(" | "));
    // A sampled design's points are draws, not settings to read one by one.
    let shown = if sweep.plan.design.is_sampled() { SAMPLED_ROWS_SHOWN } else { usize::MAX };
    for (point, results) in sweep.plan.points.iter().zip(&sweep.results).take(shown) {
        let mut cells: Vec<String> = point.values.iter().map(value_text).collect();
        cells.extend(metrics.iter().map(|m| {
            results
                .metric(m)
                .and_then(|r| r.estimate)
                .map_or("–".into(), |e| format!("{} ± {}", readable(e.mean), readable(e.half_width())))
        }));
        let _ = writeln!(text, "{}", cells.join(" | "));
    }
    if sweep.results.len() > shown {
        let _ = writeln!(text, "… {} more points in sweep.csv", sweep.results.len() - shown);
    }
    text
}

/// Rows of a sampled design the printed table shows.
const SAMPLED_ROWS_SHOWN: usize = 10;

/// `compare.csv`: per variant and metric, both means and the paired
/// difference with its interval.
pub fn compare_csv(comparison: &CompareResults) -> Vec<u8> {
    let mut out = writer();
    write(
        &mut out,
        &[
            "variant",
            "metric",
            "base_mean",
            "variant_mean",
            "difference",
            "ci_low",
            "ci_high",
            "significant",
            "replications",
            "verdict",
        ]
        .map(String::from),
    );
    for variant in &comparison.variants {
        let verdict = comparison.base.verdict().max(variant.results.verdict()).as_str();
        for difference in &variant.differences {
            let [mean, low, high] = estimate_fields(difference.paired);
            write(
                &mut out,
                &[
                    variant.label.clone(),
                    difference.metric.clone(),
                    number(difference.base.map(|e| e.mean)),
                    number(difference.variant.map(|e| e.mean)),
                    mean,
                    low,
                    high,
                    difference.significant().to_string(),
                    difference.paired.map_or(0, |e| e.count).to_string(),
                    verdict.to_string(),
                ],
            );
        }
    }
    bytes(out)
}

fn difference_line(difference: &Difference, time_unit: &str) -> String {
    let described = describe(&difference.metric);
    let unit = described.unit;
    let base = difference.base.map_or("–".into(), |e| unit.format(e.mean, time_unit));
    let variant = difference.variant.map_or("–".into(), |e| unit.format(e.mean, time_unit));
    let change = match difference.paired {
        Some(e) if !e.low.is_nan() => {
            format!("{} ({})", unit.format_change(e.mean, time_unit), unit.format_interval(e.low, e.high, time_unit))
        }
        Some(e) => unit.format_change(e.mean, time_unit),
        None => "–".into(),
    };
    let mark = if difference.significant() { "  *" } else { "" };
    format!("  {:<34} {:>14} {:>14}   {change}{mark}", described.label, base, variant)
}

/// The printed comparison: key metrics per variant, significant changes marked.
pub fn compare_table(comparison: &CompareResults) -> String {
    let mut text = String::new();
    let metrics = headline_metrics(comparison.base.scenario.behavior_enabled);
    for variant in &comparison.variants {
        let _ = writeln!(
            text,
            "{} vs {} ({} paired replications)",
            variant.label,
            comparison.base.scenario.name,
            variant.results.replications.len()
        );
        let _ = writeln!(text, "  {:<34} {:>14} {:>14}   change (95% CI)", "", "base", "variant");
        let time_unit = &comparison.base.scenario.time_unit;
        for difference in variant.differences.iter().filter(|d| metrics.contains(&d.metric.as_str())) {
            let _ = writeln!(text, "{}", difference_line(difference, time_unit));
        }
        let _ = writeln!(text);
    }
    let _ = writeln!(text, "* the 95% interval of the paired difference excludes 0");
    text
}

/// `impact.csv`: the improvements ranked, with each reported metric's change.
pub fn impact_csv(impact: &ImpactResults) -> Vec<u8> {
    let mut out = writer();
    let metrics = reported_metrics(impact.base.scenario.behavior_enabled);
    let mut header = vec![
        "rank".to_string(),
        "department".to_string(),
        "role".to_string(),
        "step".to_string(),
        format!("gain_in_{}", impact.by),
        "gain_ci_low".to_string(),
        "gain_ci_high".to_string(),
        "screening_gain".to_string(),
        "verdict".to_string(),
    ];
    for metric in metrics {
        header.extend(["change", "ci_low", "ci_high"].map(|part| format!("{metric}_{part}")));
    }
    write(&mut out, &header);
    for (rank, row) in impact.rows.iter().enumerate() {
        let mut fields = vec![
            (rank + 1).to_string(),
            row.department.clone(),
            role(row.front_line).to_string(),
            row.step.to_string(),
            number(Some(row.gain)),
            number(Some(row.gain_interval.0)),
            number(Some(row.gain_interval.1)),
            row.screening_gain.map_or(String::new(), |g| number(Some(g))),
            row.verdict.as_str().to_string(),
        ];
        for metric in metrics {
            fields.extend(estimate_fields(row.differences.iter().find(|d| d.metric == *metric).and_then(|d| d.paired)));
        }
        write(&mut out, &fields);
    }
    bytes(out)
}

/// A ranked department's role in `impact.csv`.
fn role(front_line: bool) -> &'static str {
    if front_line { "front line" } else { "internal" }
}

/// Which teams an attribution ranked, in words: "internal team", "front-line
/// team" (an organization without internal departments), or both.
pub fn ranked_teams(impact: &ImpactResults) -> &'static str {
    let front = impact.rows.iter().filter(|r| r.front_line).count();
    match (front, impact.rows.len() - front) {
        (0, _) => "internal team",
        (_, 0) => "front-line team",
        _ => "team (internal or front line)",
    }
}

/// The printed ranking.
pub fn impact_table(impact: &ImpactResults) -> String {
    let mut text = String::new();
    let metrics = reported_metrics(impact.base.scenario.behavior_enabled);
    let _ = writeln!(
        text,
        "Which {} matters most to customers — ranked by the gain in {} ({} paired replications)",
        ranked_teams(impact),
        describe(&impact.by).label.to_lowercase(),
        impact.base.replications.len()
    );
    if impact.rows.iter().all(|r| r.front_line) {
        let _ = writeln!(
            text,
            "(the organization has no internal department: every team takes some first contacts, so its front-line teams are ranked)"
        );
    }
    let _ = write!(text, "{:>4}  {:<20} {:<22}", "rank", "department", "step");
    let short = |metric: &str| -> String { describe(metric).label.chars().take(26).collect() };
    for metric in metrics {
        let _ = write!(text, " {:>26}", short(metric));
    }
    let _ = writeln!(text);
    let time_unit = &impact.base.scenario.time_unit;
    for (rank, row) in impact.rows.iter().enumerate() {
        let name = if row.front_line && !impact.rows.iter().all(|r| r.front_line) {
            format!("{} (front line)", row.department)
        } else {
            row.department.clone()
        };
        let _ = write!(text, "{:>4}  {:<20} {:<22}", rank + 1, name, row.step.to_string());
        for metric in metrics {
            let cell = match row.differences.iter().find(|d| d.metric == *metric) {
                Some(difference) => match difference.paired {
                    Some(e) if !e.low.is_nan() => {
                        let unit = describe(metric).unit;
                        format!(
                            "{} ± {}{}",
                            unit.format_change(e.mean, time_unit),
                            unit.format(e.half_width(), time_unit),
                            if difference.significant() { "*" } else { " " }
                        )
                    }
                    _ => "–".into(),
                },
                None => "–".into(),
            };
            let _ = write!(text, " {cell:>26}");
        }
        let _ = writeln!(text);
    }
    let _ = writeln!(
        text,
        "changes are improved − baseline, mean ± half-width of a family-wise 95% interval over the {} rows; * significant",
        impact.rows.len()
    );
    if let Some(screening) = impact.screening_replications {
        let _ = writeln!(
            text,
            "ranked on {screening} replications; every figure above comes from {} fresh replications (seed label {}) that played no part in the ranking",
            impact.base.replications.len(),
            crate::experiment::confirm::label(1)
        );
    }
    text
}

/// `optimize.csv`: every staffing evaluated, with the selection columns
/// measured on the replications named by `round` (0: the search's own, `r`:
/// confirmation round `r`'s), and for the recommended row its figures on
/// the last confirmation round's fresh replications.
pub fn optimize_csv(search: &OptimizeResults) -> Vec<u8> {
    let mut out = writer();
    let Some(first) = search.candidates.first() else {
        return bytes(out);
    };
    let departments = &first.results.scenario.departments;
    let targets = search.targets.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(";");
    let mut header = vec![
        "candidate".to_string(),
        "phase".to_string(),
        "round".to_string(),
        "feasible".to_string(),
        "recommended".to_string(),
        "confirmed".to_string(),
        "verdict".to_string(),
        "targets".to_string(),
    ];
    header.extend(departments.iter().map(|d| format!("staff.{}", d.name)));
    header.push("staff_cost".to_string());
    for target in &search.targets {
        header.extend(["mean", "ci_low", "ci_high"].map(|part| format!("{}_{part}", target.metric)));
    }
    for target in &search.targets {
        header.extend(
            ["confirmed_mean", "confirmed_ci_low", "confirmed_ci_high"].map(|part| format!("{}_{part}", target.metric)),
        );
    }
    write(&mut out, &header);
    for (index, candidate) in search.candidates.iter().enumerate() {
        let recommended = index == search.best;
        let confirmation = search.confirmation.as_ref().filter(|_| recommended);
        let mut row = vec![
            (index + 1).to_string(),
            candidate.phase.to_string(),
            candidate.round.to_string(),
            candidate.feasible().to_string(),
            recommended.to_string(),
            confirmation.map_or(String::new(), |c| c.confirmed.to_string()),
            candidate.results.verdict().as_str().to_string(),
            targets.clone(),
        ];
        row.extend(candidate.staff.iter().enumerate().map(staff_text(departments)));
        row.push(number(Some(candidate.cost)));
        for target in &search.targets {
            row.extend(estimate_fields(candidate.results.metric(&target.metric).and_then(|r| r.estimate)));
        }
        for target in &search.targets {
            row.extend(estimate_fields(
                confirmation.and_then(|c| c.results.metric(&target.metric)).and_then(|r| r.estimate),
            ));
        }
        write(&mut out, &row);
    }
    bytes(out)
}

/// A department's head count as written: `unlimited` where it has no limit.
fn staff_text(departments: &[crate::scenario::Department]) -> impl Fn((usize, &u32)) -> String + '_ {
    move |(d, staff)| if departments[d].unlimited { "unlimited".to_string() } else { staff.to_string() }
}

/// An estimate as `mean [low, high]` (the mean alone without an interval).
fn interval_text(estimate: Option<Estimate>) -> String {
    estimate.map_or("–".into(), |e| {
        if e.low.is_nan() {
            readable(e.mean)
        } else {
            format!("{} [{}, {}]", readable(e.mean), readable(e.low), readable(e.high))
        }
    })
}

/// The printed recommendation, with the figures of its last confirmation
/// round.
pub fn optimize_table(search: &OptimizeResults) -> String {
    let mut text = String::new();
    let start = &search.candidates[0];
    let best = search.recommended();
    let departments = &start.results.scenario.departments;
    let verdict = match &search.confirmation {
        Some(c) if c.confirmed => "Cheapest staffing that meets every target, confirmed on fresh replications",
        Some(_) => "NOT CONFIRMED: the staffing below misses a target on fresh replications",
        None if best.feasible() => "Cheapest staffing that meets every target",
        None => "No staffing within the hiring budget meets every target; the closest",
    };
    let _ = writeln!(text, "{verdict} ({} staffings evaluated):", search.candidates.len());
    let shown = staff_text(departments);
    for (d, ((department, from), to)) in departments.iter().zip(&start.staff).zip(&best.staff).enumerate() {
        let change = i64::from(*to) - i64::from(*from);
        let note = if change == 0 { String::new() } else { format!("  ({change:+})") };
        let _ = writeln!(text, "  {:<24} {:>9} → {:<9}{note}", department.name, shown((d, from)), shown((d, to)));
    }
    let reported = search.reported();
    let cost = |results: &crate::experiment::RunResults| {
        results.metric("staff_cost").and_then(|r| r.estimate).map_or("–".into(), |e| readable(e.mean))
    };
    let _ = writeln!(text, "staff cost {} (now {})", cost(reported), cost(&start.results));
    for target in &search.targets {
        let figure = |results: &crate::experiment::RunResults| {
            interval_text(results.metric(&target.metric).and_then(|r| r.estimate))
        };
        let _ = writeln!(text, "  target {target}: {} (now {})", figure(reported), figure(&start.results));
    }
    if let Some(confirmation) = &search.confirmation {
        let added = search.candidates[search.best].round > 0;
        let _ = writeln!(
            text,
            "figures from confirmation round {} ({} replications under seed label {}, none used to choose){}",
            confirmation.rounds,
            reported.replications.len(),
            crate::experiment::confirm::label(confirmation.rounds),
            if added { "; the search's choice missed on fresh replications, so people were added" } else { "" }
        );
        if let Some(why) = &confirmation.stopped {
            let _ = writeln!(text, "could not confirm: {why}; add replications or raise --max-hires");
        }
    }
    if search.removal_capped {
        let _ = writeln!(
            text,
            "removal stopped after --max-hires + 1 people while every target still held: rerun from the recommended staffing to remove more"
        );
    }
    text
}
