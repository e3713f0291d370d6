//! The `[story]` table: what a shipped scenario teaches. A story names the
//! scenario it changes (`baseline`), says what to look for, and lists the
//! metrics that should move against the baseline (`expect`). `orgsim run`
//! runs the baseline paired with the story and says which expectations the
//! run bears out.
//!
//! ```toml
//! [story]
//! baseline = "baseline.toml"          # or "embedded"
//! look_for = ["IT's queue and reply delay grow."]
//! expect = [ { metric = "department.IT.int_delay_given_mean", direction = "higher" } ]
//! ```
//!
//! Metric names are checked against the metrics a run reports by
//! `crate::experiment::story`, which knows them; the positions kept here let
//! its error name the line.

use super::super::ScenarioError;
use super::super::errors::{Checker, Step};
use super::super::file::{Direction, ScenarioFile};
use super::has_control_characters;

/// The longest sentence of `look_for`, in characters.
pub const MOST_SENTENCE_CHARS: usize = 1_000;

/// The longest baseline path or metric name, in characters.
pub const MOST_PATH_CHARS: usize = 4_096;

/// What a story compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Baseline {
    /// The embedded default scenario.
    Embedded,
    /// A scenario file, relative to the story's own file.
    File(String),
}

/// One checked expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// A metric of `summary.csv`.
    pub metric: String,
    /// Which way it should move against the baseline.
    pub direction: Direction,
    /// Where it is written (line, column), for later errors.
    position: (Option<usize>, Option<usize>),
}

/// A checked `[story]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// The scenario the story changes; `None` for a story that stands alone.
    pub baseline: Option<Baseline>,
    /// What to look for.
    pub look_for: Vec<String>,
    /// What should move against the baseline.
    pub expect: Vec<Expectation>,
    /// The scenario's origin, for later errors.
    origin: String,
}

impl Story {
    /// An error about expectation `index` (its metric), naming the file and
    /// line where it is written.
    pub fn refuse(&self, index: usize, message: impl Into<String>) -> ScenarioError {
        let (line, column) = self.expect.get(index).map_or((None, None), |e| e.position);
        ScenarioError::Invalid {
            origin: self.origin.clone(),
            line,
            column,
            field: format!("story.expect[{index}].metric"),
            message: message.into(),
        }
    }
}

/// Checks the `[story]` table, if there is one.
pub(super) fn check(checker: &Checker, file: &ScenarioFile) -> Result<Option<Story>, ScenarioError> {
    let Some(story) = &file.story else {
        return Ok(None);
    };
    let key = Step::Key;
    let baseline = match &story.baseline {
        None => None,
        Some(word) if word == "embedded" => Some(Baseline::Embedded),
        Some(path) => {
            let at = [key("story"), key("baseline")];
            if path.trim().is_empty() || has_control_characters(path) || path.chars().count() > MOST_PATH_CHARS {
                return Err(checker.invalid(
                    &at,
                    "story.baseline",
                    format!(
                        "must be a scenario file relative to this one (at most {MOST_PATH_CHARS} characters, no control characters) or \"embedded\" (got {path:?})"
                    ),
                ));
            }
            Some(Baseline::File(path.clone()))
        }
    };
    let count = |list: &'static str, len: usize| {
        checker.range(
            &[Step::Key("story"), Step::Key(list)],
            &format!("story.{list}"),
            &format!("story.{list}"),
            len as f64,
        )
    };
    count("look_for", story.look_for.len())?;
    for (index, sentence) in story.look_for.iter().enumerate() {
        let length = sentence.chars().count();
        if sentence.trim().is_empty() || has_control_characters(sentence) || length > MOST_SENTENCE_CHARS {
            return Err(checker.invalid(
                &[key("story"), key("look_for"), Step::Index(index)],
                format!("story.look_for[{index}]"),
                format!(
                    "must be a sentence of 1 to {MOST_SENTENCE_CHARS} characters without control characters (got {length} characters)"
                ),
            ));
        }
    }
    count("expect", story.expect.len())?;
    if !story.expect.is_empty() && baseline.is_none() {
        return Err(checker.invalid(
            &[key("story"), key("expect")],
            "story.expect",
            "compares with a baseline: give `baseline = \"<file>.toml\"` (relative to this file) or `baseline = \"embedded\"`",
        ));
    }
    let mut expect: Vec<Expectation> = Vec::new();
    for (index, entry) in story.expect.iter().enumerate() {
        let at = [key("story"), key("expect"), Step::Index(index), key("metric")];
        let field = format!("story.expect[{index}].metric");
        let metric = &entry.metric;
        if metric.trim().is_empty() || has_control_characters(metric) || metric.chars().count() > MOST_PATH_CHARS {
            return Err(checker.invalid(
                &at,
                field,
                "must name a metric of summary.csv, such as \"ext_churn_rate\" or \"department.IT.morale_mean\"",
            ));
        }
        if expect.iter().any(|e| e.metric == *metric) {
            return Err(checker.invalid(&at, field, format!("{metric:?} is expected twice; give each metric once")));
        }
        expect.push(Expectation {
            metric: metric.clone(),
            direction: entry.direction,
            position: checker.locator.position(&at),
        });
    }
    Ok(Some(Story { baseline, look_for: story.look_for.clone(), expect, origin: checker.origin.to_string() }))
}
