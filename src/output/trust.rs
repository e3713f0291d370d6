//! Whether a run's figures can be trusted, in files and in words:
//! `diagnostics.csv` (see [`crate::experiment::diagnostics`]), `regimes.csv`
//! (the queue per staff member over time, for the departments with overload
//! episodes), the warnings a run prints, and the sentences about crisis
//! episodes that the terminal summary and the report share.

use super::format::{bytes, number, row, writer};
use crate::experiment::RunResults;
use crate::experiment::diagnostics::{Diagnostic, Verdict};
use crate::model::PATH_BINS;

/// `regimes.csv` holds at most this many replications (the first ones).
pub const REGIME_REPLICATIONS: usize = 100;

/// `diagnostics.csv`: one row per series checked.
pub fn diagnostics(rows: &[Diagnostic]) -> Vec<u8> {
    let mut out = writer();
    row(
        &mut out,
        &[
            "department",
            "series",
            "warmup_used",
            "mser_truncation",
            "first_half_mean",
            "second_half_mean",
            "change_ci_low",
            "change_ci_high",
            "verdict",
            "open_share",
        ]
        .map(String::from),
    );
    for d in rows {
        row(
            &mut out,
            &[
                d.department.clone(),
                d.series.to_string(),
                number(Some(d.warmup_used)),
                number(d.mser_truncation),
                number(d.first_half_mean),
                number(d.second_half_mean),
                number(d.change.map(|c| c.low)),
                number(d.change.map(|c| c.high)),
                d.verdict.as_str().to_string(),
                number(d.open_share),
            ],
        );
    }
    bytes(out)
}

/// The departments with at least one overload episode, by index.
pub fn departments_in_crisis(results: &RunResults) -> Vec<usize> {
    (0..results.scenario.departments.len())
        .filter(|&d| results.replications.iter().any(|r| r.departments[d].crisis_episodes > 0))
        .collect()
}

/// `regimes.csv`: `replication,department,time,queue_per_staff`, the
/// time-average queue per staff member over each of the run's equal bins
/// (`time` is the bin's start), for the departments with overload episodes
/// and the first [`REGIME_REPLICATIONS`] replications; only a header when
/// no department had an episode.
pub fn regimes(results: &RunResults) -> Vec<u8> {
    let mut out = writer();
    row(&mut out, &["replication", "department", "time", "queue_per_staff"].map(String::from));
    for &index in &departments_in_crisis(results) {
        let department = &results.scenario.departments[index];
        let staff = department.mean_staff(results.scenario.warmup, results.scenario.horizon).unwrap_or(1.0).max(1.0);
        for result in results.replications.iter().take(REGIME_REPLICATIONS) {
            let Some(queue) = result.paths.queue.get(index) else { continue };
            for (bin, value) in queue.iter().enumerate().take(PATH_BINS) {
                row(
                    &mut out,
                    &[
                        result.replication.to_string(),
                        department.name.clone(),
                        number(Some(result.paths.bin_width * bin as f64)),
                        number(Some(value / staff)),
                    ],
                );
            }
        }
    }
    bytes(out)
}

/// A number for a sentence: rounded to a whole number.
fn amount(value: f64) -> String {
    crate::scenario::ranges::number(value.round())
}

/// One line per problem the diagnostics found, each saying what to change.
pub fn warnings(rows: &[Diagnostic], replications: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for d in rows {
        let (what, is) = match d.series {
            "queue" => (format!("{}'s queue", d.department), "is"),
            "resolution" => ("resolution times".to_string(), "are"),
            _ => ("external waits".to_string(), "are"),
        };
        match d.verdict {
            Verdict::Ok => {}
            Verdict::Censored => lines.push(format!(
                "{what} {is} censored: {:.1}% of the customers who arrived in the counted window are still open at the horizon \
                 and are left out, and they are the slowest, so the mean and p90 of resolution are biased low; \
                 run a longer horizon",
                100.0 * d.open_share.unwrap_or(0.0)
            )),
            Verdict::Overloaded => lines.push(format!(
                "{what} grows without bound: it is offered more work than its staff can do and nobody there abandons, \
                 so no steady state exists and its figures grow with the horizon; add staff or lower the load"
            )),
            Verdict::WarmupTooShort => lines.push(format!(
                "{what}: the warm-up ({}) ends before MSER-5's truncation point ({}), so start-up is counted; \
                 set warmup = \"auto\" (or --warmup auto) or a warm-up of at least {}",
                amount(d.warmup_used),
                amount(d.mser_truncation.unwrap_or(0.0)),
                amount(d.mser_truncation.unwrap_or(0.0)),
            )),
            Verdict::NotSteady => {
                let change = d.change.expect("a trend verdict has an interval");
                lines.push(format!(
                    "{what} {is} not steady: the mean moved from {:.3} in the first half of the counted period to {:.3} \
                     in the second ({:.1}% interval of the change {:.3} to {:.3}); the figures mix regimes or a slow drift: \
                     run a longer horizon, or set warmup = \"auto\"",
                    d.first_half_mean.unwrap_or(f64::NAN),
                    d.second_half_mean.unwrap_or(f64::NAN),
                    100.0 * d.level,
                    change.low,
                    change.high,
                ));
            }
        }
    }
    if replications == 1 && !rows.is_empty() {
        lines.push("one replication: the steadiness check needs 2 or more (--replications)".to_string());
    }
    lines
}

/// Rows of an experiment whose verdict is not `ok` warned about one by one,
/// at most this many; the rest are counted.
pub const MOST_ROW_WARNINGS: usize = 10;

/// One line per experiment row (`label`, its verdict) whose figures cannot
/// be trusted as they stand, at most [`MOST_ROW_WARNINGS`], then a count.
pub fn row_warnings(rows: &[(String, Verdict)]) -> Vec<String> {
    let doubtful: Vec<&(String, Verdict)> = rows.iter().filter(|(_, v)| *v != Verdict::Ok).collect();
    let mut lines: Vec<String> = doubtful
        .iter()
        .take(MOST_ROW_WARNINGS)
        .map(|(label, verdict)| format!("{label}: {}: {}", verdict.as_str(), verdict_meaning(*verdict)))
        .collect();
    if doubtful.len() > MOST_ROW_WARNINGS {
        lines.push(format!(
            "… and {} more rows whose verdict is not ok (see the verdict column)",
            doubtful.len() - MOST_ROW_WARNINGS
        ));
    }
    lines
}

/// What a verdict says about a row's figures, in a few words.
pub fn verdict_meaning(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ok => "nothing to doubt",
        Verdict::Censored => {
            "over 1% of its customers are still open at the horizon, so resolution times are biased low (a longer horizon)"
        }
        Verdict::WarmupTooShort => "start-up is counted in its figures (warmup = \"auto\" or a longer warm-up)",
        Verdict::NotSteady => "a level moved during the counted period, so its means mix regimes (a longer horizon)",
        Verdict::Overloaded => "a queue grows without bound: no steady state exists, its figures grow with the horizon",
    }
}

/// What a department's overload episodes amount to, in one sentence: "IT
/// was in crisis 31% of the time; 14 of 20 replications had an episode; a
/// median episode lasts 2,100 minutes." `share` and `median` are means
/// over replications.
pub fn crisis_sentence(
    name: &str,
    share: f64,
    with_episode: usize,
    replications: usize,
    median: f64,
    unit: &str,
) -> String {
    format!(
        "{name} was in crisis {:.0}% of the time; {with_episode} of {replications} replications had an episode; \
         a median episode lasts {} {unit}s.",
        100.0 * share,
        amount(median),
    )
}

/// [`crisis_sentence`] for each department with overload episodes.
pub fn crisis_sentences(results: &RunResults) -> Vec<String> {
    departments_in_crisis(results)
        .into_iter()
        .map(|index| {
            let name = &results.scenario.departments[index].name;
            let mean = |key: &str| {
                results.metric(&format!("department.{name}.{key}")).and_then(|row| row.estimate).map(|e| e.mean)
            };
            let with_episode = results.replications.iter().filter(|r| r.departments[index].crisis_episodes > 0).count();
            crisis_sentence(
                name,
                mean("crisis_share").unwrap_or(0.0),
                with_episode,
                results.replications.len(),
                mean("crisis_length_median").unwrap_or(0.0),
                &results.scenario.time_unit,
            )
        })
        .collect()
}
