//! A story in its report: what to look for (the `[story] look_for`
//! sentences of `scenario.toml`) and each expectation judged against the
//! baseline (`story.csv`), as the terminal says them.

use std::fmt::Write as _;
use std::path::Path;

use super::{ReportError, Table, escape};
use crate::experiment::Estimate;
use crate::experiment::compare::Difference;
use crate::experiment::story::{Outcome, Verdict};
use crate::output::story::{expectation_line, verdict_words};
use crate::scenario::{Direction, ScenarioFile};

/// `story.csv` of a run's folder, as outcomes; empty when there is none.
pub(super) fn load_story(folder: &Path) -> Result<Vec<Outcome>, ReportError> {
    if !folder.join("story.csv").exists() {
        return Ok(Vec::new());
    }
    let table = Table::read(folder, "story.csv")?;
    let bad = |message: String| ReportError::Content { path: table.path.clone(), message };
    let mut outcomes = Vec::new();
    for row in &table.rows {
        let text = |column: &str| row.get(column).cloned().ok_or_else(|| bad(format!("no column `{column}`")));
        let direction = match text("direction")?.as_str() {
            "higher" => Direction::Higher,
            "lower" => Direction::Lower,
            other => return Err(bad(format!("direction {other:?}: give higher or lower"))),
        };
        let verdict = Verdict::parse(&text("borne_out")?)
            .ok_or_else(|| bad("borne_out: give yes, opposite or unclear".to_string()))?;
        let mean = |column: &str| -> Result<Option<Estimate>, ReportError> {
            Ok(table.number(row, column)?.map(|mean| Estimate { mean, low: f64::NAN, high: f64::NAN, count: 0 }))
        };
        let paired =
            match (table.number(row, "diff")?, table.number(row, "diff_ci_low")?, table.number(row, "diff_ci_high")?) {
                (Some(mean), low, high) => {
                    Some(Estimate { mean, low: low.unwrap_or(f64::NAN), high: high.unwrap_or(f64::NAN), count: 0 })
                }
                _ => None,
            };
        let metric = text("metric")?;
        let difference = Difference { metric: metric.clone(), base: mean("base")?, variant: mean("story")?, paired };
        outcomes.push(Outcome { metric, direction, difference, verdict });
    }
    Ok(outcomes)
}

/// The mark beside a verdict.
fn mark(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Yes => "✓",
        Verdict::Opposite => "✗",
        Verdict::Unclear => "?",
    }
}

/// "What to look for" and, against the baseline, each expectation.
pub(super) fn story_section(scenario: &ScenarioFile, outcomes: &[Outcome]) -> String {
    let Some(story) = &scenario.story else { return String::new() };
    let mut html = String::new();
    if !story.look_for.is_empty() {
        let _ = writeln!(html, "<h2>What to look for</h2><ul>");
        for sentence in &story.look_for {
            let _ = writeln!(html, "<li>{}</li>", escape(sentence));
        }
        let _ = writeln!(html, "</ul>");
    }
    if outcomes.is_empty() {
        return html;
    }
    let baseline = match story.baseline.as_deref() {
        Some("embedded") | None => "the embedded baseline".to_string(),
        Some(path) => format!("its baseline ({})", escape(path)),
    };
    let borne = outcomes.iter().filter(|o| o.verdict == Verdict::Yes).count();
    let _ = writeln!(
        html,
        "<h2>Against the baseline</h2><p>The story ran beside {baseline} with the same seed and replications, so each difference is paired. {borne} of {} expectations are borne out: the whole interval (family-wise 95% over the story's expectations) lies on the expected side of zero. <em>Not shown</em> means the interval holds zero; <em>the opposite</em> that it lies wholly on the other side.</p>",
        outcomes.len()
    );
    let _ = writeln!(
        html,
        "<table><thead><tr><th>expectation</th><th>baseline → story</th><th>change (interval)</th><th>borne out</th></tr></thead><tbody>"
    );
    for outcome in outcomes {
        let (what, values, change) = expectation_line(outcome, &scenario.time_unit);
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td></tr>",
            escape(&what),
            escape(&values),
            escape(&change),
            mark(outcome.verdict),
            verdict_words(outcome.verdict)
        );
    }
    let _ = writeln!(html, "</tbody></table>");
    html
}
