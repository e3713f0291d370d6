//! The `[robust]` table: a scenario's own plausible range for any of the
//! assumptions `orgsim impact --robust` varies, narrower or wider than the
//! default rule, inside the key's valid range.
//!
//! ```toml
//! [robust]
//! "behavior.rework_per_defect" = { from = 0.5, to = 2.0 }
//! skill = { from = -0.05, to = 0.05 }
//! ```

use toml::Value;

use super::super::ScenarioError;
use super::super::errors::{Checker, Step};
use super::super::file::ScenarioFile;

/// The `behavior` coefficients an impact ranking varies one by one.
pub const COEFFICIENTS: [&str; 20] = [
    "morale_slowdown",
    "stress_threshold",
    "stress_window",
    "rush_speedup",
    "rush_quality_loss",
    "rework_per_defect",
    "rework_cap",
    "loss_aversion",
    "quality_reference",
    "attitude_reference",
    "repeat_penalty",
    "experience_weight",
    "customer_experience_weight",
    "contagion_rate",
    "negative_contagion_factor",
    "stress_morale_rate",
    "recovery_rate",
    "negative_fade_factor",
    "churn_base",
    "churn_after_bad",
];

/// The weight triples that add up to 1, drawn on the simplex.
pub const TRIPLES: [[&str; 3]; 2] = [
    ["quality_weight_skill", "quality_weight_morale", "quality_weight_inputs"],
    ["weight_timeliness", "weight_quality", "weight_attitude"],
];

/// One assumption's range as the scenario gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustRange {
    /// The assumption (`behavior.<key>`, `skill`, `morale`,
    /// `customers.expected_resolution`).
    pub name: String,
    /// Lowest plausible value.
    pub from: f64,
    /// Highest plausible value.
    pub to: f64,
}

/// The range key each assumption is held to.
fn range_key(name: &str) -> Option<String> {
    match name {
        "skill" | "morale" => Some(format!("robust.{name}")),
        "customers.expected_resolution" => Some(name.to_string()),
        _ => name.strip_prefix("behavior.").filter(|k| COEFFICIENTS.contains(k)).map(|_| name.to_string()),
    }
}

/// Checks the `[robust]` table, if there is one.
pub(super) fn check(checker: &Checker, file: &ScenarioFile) -> Result<Vec<RobustRange>, ScenarioError> {
    let Some(table) = &file.robust else {
        return Ok(Vec::new());
    };
    let mut ranges = Vec::new();
    for (name, spec) in table {
        let path = [Step::Key("robust"), Step::Key(name)];
        let field = format!("robust.{name:?}");
        let Some(key) = range_key(name) else {
            let simplex = TRIPLES.iter().flatten().any(|k| name.strip_prefix("behavior.") == Some(*k));
            let message = if simplex {
                "is one of a weight triple that adds up to 1; the triple is drawn over the whole simplex".to_string()
            } else {
                format!(
                    "is not an assumption an impact ranking varies; use `behavior.<coefficient>` (e.g. \"behavior.rework_per_defect\"), `skill`, `morale` or `customers.expected_resolution` (got {name:?})"
                )
            };
            return Err(checker.invalid(&path, field, message));
        };
        let number = |end: &str| match spec.get(end) {
            Some(Value::Integer(i)) => Some(*i as f64),
            Some(Value::Float(f)) => Some(*f),
            _ => None,
        };
        let (Some(from), Some(to)) = (number("from"), number("to")) else {
            return Err(checker.invalid(
                &path,
                field,
                format!("must be a range {{ from, to }} of numbers (got {spec})"),
            ));
        };
        let extra = spec.as_table().and_then(|t| t.keys().find(|k| *k != "from" && *k != "to"));
        if let Some(extra) = extra {
            return Err(checker.invalid(&path, field, format!("unknown key `{extra}`; a range is {{ from, to }}")));
        }
        checker.range(&path, &format!("{field}.from"), &key, from)?;
        checker.range(&path, &format!("{field}.to"), &key, to)?;
        if from >= to {
            return Err(checker.invalid(&path, field, format!("`from` must be below `to` (got {from} and {to})")));
        }
        ranges.push(RobustRange { name: name.clone(), from, to });
    }
    Ok(ranges)
}
