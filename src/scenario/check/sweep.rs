//! The `[sweep]` table: its design, each parameter's values (a list, or a
//! range that is never built before it is counted), the parameters a sweep
//! may not vary, and the number of points, all checked before a single
//! point is built.
//!
//! ```toml
//! [sweep]
//! design = "grid"                                   # or "one-at-a-time"
//! "department.IT.staff" = [2, 3, 4, 5, 6]
//! "customers.arrival_rate" = { from = 1.0, to = 3.0, steps = 9 }
//! ```

use toml::Value;

use super::super::ScenarioError;
use super::super::errors::{Checker, Step};
use super::super::file::ScenarioFile;

/// The most points one sweep may have, whatever `--allow-large` says: each
/// point is a whole checked scenario held in memory.
pub const MOST_POINTS: u64 = 100_000;

/// How the swept values combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of every parameter's values.
    Grid,
    /// Each parameter varied alone, the others at the scenario's values.
    OneAtATime,
}

/// The values of one parameter, as written: counted without being built.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// A list of plain values.
    List(Vec<Value>),
    /// `steps` evenly spaced values from `from` to `to`; whole numbers when
    /// both ends and the step are.
    Range {
        /// First value.
        from: f64,
        /// Last value.
        to: f64,
        /// Number of values, at least 2.
        steps: u64,
        /// Whether every value is a whole number.
        integral: bool,
    },
}

impl Values {
    /// How many values (a list has at least one, a range two).
    pub fn count(&self) -> u64 {
        match self {
            Values::List(values) => values.len() as u64,
            Values::Range { steps, .. } => *steps,
        }
    }

    /// Every value, in order (call only once the count was accepted).
    pub fn build(&self) -> Vec<Value> {
        match self {
            Values::List(values) => values.clone(),
            &Values::Range { from, to, steps, integral } => {
                let step = (to - from) / (steps - 1) as f64;
                (0..steps)
                    .map(|i| {
                        let value = if i == steps - 1 { to } else { from + step * i as f64 };
                        if integral { Value::Integer(value.round() as i64) } else { Value::Float(value) }
                    })
                    .collect()
            }
        }
    }
}

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterSpec {
    /// Its path, e.g. `department.IT.staff`.
    pub path: String,
    /// The values it takes.
    pub values: Values,
}

/// A checked `[sweep]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// How values combine.
    pub design: Design,
    /// The parameters, in the order the file lists them.
    pub parameters: Vec<ParameterSpec>,
    /// How many points the design has.
    pub points: u64,
}

/// Parameters a sweep cannot vary, and what to use instead.
fn refused(path: &str) -> Option<&'static str> {
    let last = path.rsplit('.').next().unwrap_or(path);
    match path {
        "seed" => Some("every point runs under the same seed (common random numbers); give the seed with --seed"),
        "replications" => Some("every point runs the same replications; give them with --replications"),
        "behavior.enabled" => Some(
            "switching the social layer changes which metrics exist, so the points' rows cannot share columns; compare the two settings with `orgsim compare`",
        ),
        "name" | "description" | "time_unit" => Some("it is a label, not a parameter of the model"),
        _ if path.starts_with("sweep") => Some("the sweep cannot sweep itself"),
        _ if path.starts_with("department.") && (last == "name" || last == "dept") => {
            Some("renaming a department changes the output's columns; write a second scenario and use `orgsim compare`")
        }
        _ => None,
    }
}

/// Checks the `[sweep]` table, if there is one.
pub(super) fn check(checker: &Checker, file: &ScenarioFile) -> Result<Option<SweepSpec>, ScenarioError> {
    let Some(table) = &file.sweep else {
        return Ok(None);
    };
    let mut design = Design::Grid;
    let mut parameters = Vec::new();
    for (key, spec) in table {
        let path = [Step::Key("sweep"), Step::Key(key)];
        let field = format!("sweep.{key:?}");
        if key == "design" {
            design = match spec.as_str() {
                Some("grid") => Design::Grid,
                Some("one-at-a-time") => Design::OneAtATime,
                _ => {
                    return Err(checker.invalid(
                        &path,
                        field,
                        format!("must be \"grid\" or \"one-at-a-time\" (got {spec})"),
                    ));
                }
            };
            continue;
        }
        if let Some(instead) = refused(key) {
            return Err(checker.invalid(&path, field, format!("cannot be swept: {instead}")));
        }
        let values = values(spec).map_err(|message| checker.invalid(&path, field.clone(), message))?;
        parameters.push(ParameterSpec { path: key.clone(), values });
    }
    if parameters.is_empty() {
        return Err(checker.invalid(
            &[Step::Key("sweep")],
            "sweep",
            "no parameters to sweep; add e.g. \"department.IT.staff\" = [2, 3, 4]",
        ));
    }
    let points = match design {
        Design::Grid => parameters.iter().fold(1u64, |product, p| product.saturating_mul(p.values.count())),
        Design::OneAtATime => parameters.iter().fold(0u64, |sum, p| sum.saturating_add(p.values.count())),
    };
    if points > MOST_POINTS {
        return Err(checker.invalid(
            &[Step::Key("sweep")],
            "sweep",
            format!(
                "the design has {} points, more than the {MOST_POINTS} one sweep may hold; use fewer values or steps, or split it into several sweeps",
                if points == u64::MAX { "over 1.8e19".to_string() } else { points.to_string() }
            ),
        ));
    }
    Ok(Some(SweepSpec { design, parameters, points }))
}

/// The values of one parameter: a list, or an evenly spaced range.
fn values(spec: &Value) -> Result<Values, String> {
    match spec {
        Value::Array(values) if !values.is_empty() => {
            if let Some(bad) = values.iter().find(|v| matches!(v, Value::Array(_) | Value::Table(_))) {
                return Err(format!("values must be plain numbers, strings or booleans (got {bad})"));
            }
            Ok(Values::List(values.clone()))
        }
        Value::Array(_) => Err("the list of values is empty".into()),
        Value::Table(range) => {
            if let Some(unknown) = range.keys().find(|k| !["from", "to", "steps"].contains(&k.as_str())) {
                return Err(format!("unknown key `{unknown}` in a range; use {{ from, to, steps }}"));
            }
            let number = |key: &str| match range.get(key) {
                Some(Value::Integer(i)) => Ok((*i as f64, true)),
                Some(Value::Float(f)) if f.is_finite() => Ok((*f, false)),
                _ => Err(format!("a range needs a finite number `{key}`: {{ from = 1.0, to = 3.0, steps = 9 }}")),
            };
            let ((from, from_integer), (to, to_integer)) = (number("from")?, number("to")?);
            let steps = match range.get("steps") {
                Some(Value::Integer(steps)) if (2..=MOST_POINTS as i64).contains(steps) => *steps as u64,
                _ => return Err(format!("a range needs a whole number `steps` from 2 to {MOST_POINTS}")),
            };
            let step = (to - from) / (steps - 1) as f64;
            if !step.is_finite() {
                return Err("`from` and `to` are too far apart".into());
            }
            let integral = from_integer && to_integer && step.fract() == 0.0;
            Ok(Values::Range { from, to, steps, integral })
        }
        other => Err(format!("give a list of values or a range {{ from, to, steps }} (got {other})")),
    }
}
