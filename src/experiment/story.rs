//! A story against its baseline: the two run with the same seed and
//! replications (common random numbers), and each expectation of the
//! story's `[story] expect` is judged on the paired difference of its
//! metric. The intervals are family-wise 95% over the story's expectations
//! (Bonferroni), so "every expectation borne out" is itself a 95% claim.

use super::compare::{Difference, differences_at};
use super::metrics::metric_names;
use super::{CONFIDENCE, RunResults};
use crate::scenario::{Direction, Scenario, ScenarioError, Story};

/// Whether a run bears an expectation out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The whole interval lies on the expected side of 0.
    Yes,
    /// The whole interval lies on the other side: the run contradicts it.
    Opposite,
    /// The interval holds 0: the run cannot tell.
    Unclear,
}

impl Verdict {
    /// As `story.csv` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::Opposite => "opposite",
            Verdict::Unclear => "unclear",
        }
    }

    /// The verdict `story.csv` wrote.
    pub fn parse(text: &str) -> Option<Verdict> {
        [Verdict::Yes, Verdict::Opposite, Verdict::Unclear].into_iter().find(|v| v.as_str() == text)
    }
}

/// One expectation judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The metric.
    pub metric: String,
    /// Which way it should move.
    pub direction: Direction,
    /// Base, story and their paired difference (family-wise interval).
    pub difference: Difference,
    /// Whether the run bears it out.
    pub verdict: Verdict,
}

/// The confidence of each expectation's interval: 95% for the family of
/// `count` expectations.
pub fn confidence(count: usize) -> f64 {
    1.0 - (1.0 - CONFIDENCE) / count.max(1) as f64
}

/// Refuses an expectation whose metric `scenario` does not report (the
/// story itself, or its baseline, named by `which` in the message).
pub fn check_metrics(story: &Story, scenario: &Scenario, which: &str) -> Result<(), ScenarioError> {
    let names = metric_names(scenario);
    for (index, expectation) in story.expect.iter().enumerate() {
        if !names.contains(&expectation.metric) {
            let mut message = format!("{which} reports no metric {:?}; ", expectation.metric);
            message.push_str(
                "give a column of summary.csv such as \"ext_churn_rate\", \"ext_wait_mean\" or \"department.<name>.morale_mean\" (`orgsim run` on the scenario lists them)",
            );
            return Err(story.refuse(index, message));
        }
    }
    Ok(())
}

/// Judges each expectation of `story` on `told` (the story's results)
/// against `base` (its baseline's, same seed and replications).
pub fn judge(story: &Story, base: &RunResults, told: &RunResults) -> Vec<Outcome> {
    let differences = differences_at(base, told, confidence(story.expect.len()));
    story
        .expect
        .iter()
        .filter_map(|expectation| {
            let difference = differences.iter().find(|d| d.metric == expectation.metric)?.clone();
            let verdict = match difference.paired {
                Some(paired) if paired.low.is_nan() || paired.high.is_nan() => Verdict::Unclear,
                Some(paired) => {
                    let (above, below) = (paired.low > 0.0, paired.high < 0.0);
                    match (expectation.direction, above, below) {
                        (Direction::Higher, true, _) | (Direction::Lower, _, true) => Verdict::Yes,
                        (Direction::Higher, _, true) | (Direction::Lower, true, _) => Verdict::Opposite,
                        _ => Verdict::Unclear,
                    }
                }
                None => Verdict::Unclear,
            };
            Some(Outcome { metric: expectation.metric.clone(), direction: expectation.direction, difference, verdict })
        })
        .collect()
}
