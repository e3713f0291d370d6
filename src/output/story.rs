//! `story.csv`: a story's expectations judged against its baseline, a row
//! per expectation: `metric,direction,base,story,diff,diff_ci_low,
//! diff_ci_high,borne_out` (`yes`, `opposite` or `unclear`; the interval is
//! family-wise 95% over the story's expectations).

use crate::experiment::catalogue::describe;
use crate::experiment::story::{Outcome, Verdict};

use super::format::{bytes, number, row, writer};

/// The columns of `story.csv`.
pub const STORY_COLUMNS: [&str; 8] =
    ["metric", "direction", "base", "story", "diff", "diff_ci_low", "diff_ci_high", "borne_out"];

/// `story.csv` of `outcomes`.
pub fn story_csv(outcomes: &[Outcome]) -> Vec<u8> {
    let mut out = writer();
    row(&mut out, &STORY_COLUMNS.map(String::from));
    for outcome in outcomes {
        let d = &outcome.difference;
        row(
            &mut out,
            &[
                outcome.metric.clone(),
                outcome.direction.as_str().to_string(),
                number(d.base.map(|e| e.mean)),
                number(d.variant.map(|e| e.mean)),
                number(d.paired.map(|e| e.mean)),
                number(d.paired.map(|e| e.low)),
                number(d.paired.map(|e| e.high)),
                outcome.verdict.as_str().to_string(),
            ],
        );
    }
    bytes(out)
}

/// A verdict in words, as tables and reports say it.
pub fn verdict_words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Yes => "borne out",
        Verdict::Opposite => "the opposite",
        Verdict::Unclear => "not shown",
    }
}

/// One expectation as a person reads it: its label, the direction
/// expected, base → story, and the change with its interval.
pub fn expectation_line(outcome: &Outcome, time_unit: &str) -> (String, String, String) {
    let described = describe(&outcome.metric);
    let unit = described.unit;
    let d = &outcome.difference;
    let show = |e: Option<crate::experiment::Estimate>| e.map_or("–".to_string(), |e| unit.format(e.mean, time_unit));
    let change = match d.paired {
        Some(p) if !p.low.is_nan() => {
            format!("{} ({})", unit.format_change(p.mean, time_unit), unit.format_interval(p.low, p.high, time_unit))
        }
        Some(p) => unit.format_change(p.mean, time_unit),
        None => "–".to_string(),
    };
    (
        format!("{}, {}", described.label, outcome.direction.as_str()),
        format!("{} → {}", show(d.base), show(d.variant)),
        change,
    )
}

/// The terminal's account of a story against its baseline.
pub fn story_table(outcomes: &[Outcome], time_unit: &str) -> String {
    let mut text = format!(
        "\nAgainst the story's baseline (same seeds; family-wise 95% intervals over its {} expectation(s)):\n",
        outcomes.len()
    );
    for outcome in outcomes {
        let (what, values, change) = expectation_line(outcome, time_unit);
        text.push_str(&format!("  {:<12} {what}: {values}, change {change}\n", verdict_words(outcome.verdict)));
    }
    text
}
