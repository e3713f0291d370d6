//! Parameter sweeps: the scenario's `[sweep]` table lists parameters by path
//! and their values; the full grid (or one parameter at a time) becomes a
//! list of scenario variants, each checked before anything runs, and then
//! one flat job list of variants × replications.
//!
//! ```toml
//! [sweep]
//! design = "grid"                                   # or "one-at-a-time"
//! "department.IT.staff" = [2, 3, 4, 5, 6]
//! "customers.arrival_rate" = { from = 1.0, to = 3.0, steps = 9 }
//! ```

use toml::Value;

use super::jobs::{Plan, Progress, replicate};
use super::{ExperimentError, RunResults};
use crate::scenario::{Scenario, edit};

/// How the swept values combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Every combination of every parameter's values.
    Grid,
    /// Each parameter varied alone, the others at the scenario's values.
    OneAtATime,
}

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its path, e.g. `department.IT.staff`.
    pub path: String,
    /// The values it takes.
    pub values: Vec<Value>,
}

/// One point of the sweep: a value per parameter and the scenario it gives.
#[derive(Debug, Clone)]
pub struct Point {
    /// Its number in the whole sweep, from 1.
    pub number: usize,
    /// The parameters' values at this point, in parameter order.
    pub values: Vec<Value>,
    /// The checked scenario.
    pub scenario: Scenario,
}

/// A sweep ready to run.
#[derive(Debug, Clone)]
pub struct SweepPlan {
    /// How values combine.
    pub design: Design,
    /// The parameters, in the order the file lists them.
    pub parameters: Vec<Parameter>,
    /// Every point, in order.
    pub points: Vec<Point>,
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct SweepResults {
    /// The plan that ran.
    pub plan: SweepPlan,
    /// Results per point, in point order.
    pub results: Vec<RunResults>,
}

/// A value as a CSV field: integers without a decimal point, strings bare.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Integer(integer) => integer.to_string(),
        Value::Float(float) => float.to_string(),
        other => other.to_string(),
    }
}

fn sweep_error(origin: &str, message: impl Into<String>) -> ExperimentError {
    ExperimentError::Sweep { origin: origin.to_string(), message: message.into() }
}

/// The values of one parameter: a list, or an evenly spaced range.
fn parameter_values(origin: &str, path: &str, spec: &Value) -> Result<Vec<Value>, ExperimentError> {
    let fail = |message: String| sweep_error(origin, format!("`{path}`: {message}"));
    match spec {
        Value::Array(values) if !values.is_empty() => {
            if let Some(bad) = values.iter().find(|v| matches!(v, Value::Array(_) | Value::Table(_))) {
                return Err(fail(format!("values must be plain numbers, strings or booleans (got {bad})")));
            }
            Ok(values.clone())
        }
        Value::Array(_) => Err(fail("the list of values is empty".into())),
        Value::Table(range) => {
            let number = |key: &str| match range.get(key) {
                Some(Value::Integer(i)) => Ok((*i as f64, true)),
                Some(Value::Float(f)) if f.is_finite() => Ok((*f, false)),
                _ => Err(fail(format!("a range needs a number `{key}`: {{ from = 1.0, to = 3.0, steps = 9 }}"))),
            };
            if let Some(unknown) = range.keys().find(|k| !["from", "to", "steps"].contains(&k.as_str())) {
                return Err(fail(format!("unknown key `{unknown}` in a range; use {{ from, to, steps }}")));
            }
            let ((from, from_integer), (to, to_integer)) = (number("from")?, number("to")?);
            let steps = match range.get("steps") {
                Some(Value::Integer(steps)) if *steps >= 2 => *steps as usize,
                _ => return Err(fail("a range needs a whole number `steps` ≥ 2".into())),
            };
            let step = (to - from) / (steps - 1) as f64;
            let integral = from_integer && to_integer && step.fract() == 0.0;
            Ok((0..steps)
                .map(|i| {
                    let value = if i == steps - 1 { to } else { from + step * i as f64 };
                    if integral { Value::Integer(value.round() as i64) } else { Value::Float(value) }
                })
                .collect())
        }
        other => Err(fail(format!("give a list of values or a range {{ from, to, steps }} (got {other})"))),
    }
}

/// Reads the `[sweep]` table of `base` and checks every point's scenario.
pub fn plan_sweep(base: &Scenario, origin: &str) -> Result<SweepPlan, ExperimentError> {
    let Some(table) = &base.resolved.sweep else {
        return Err(sweep_error(
            origin,
            "the scenario has no [sweep] table; add one, e.g.\n[sweep]\n\"department.IT.staff\" = [2, 3, 4]",
        ));
    };
    let mut design = Design::Grid;
    let mut parameters = Vec::new();
    for (key, spec) in table {
        if key == "design" {
            design = match spec.as_str() {
                Some("grid") => Design::Grid,
                Some("one-at-a-time") => Design::OneAtATime,
                _ => {
                    return Err(sweep_error(
                        origin,
                        format!("`design` must be \"grid\" or \"one-at-a-time\" (got {spec})"),
                    ));
                }
            };
            continue;
        }
        parameters.push(Parameter { path: key.clone(), values: parameter_values(origin, key, spec)? });
    }
    if parameters.is_empty() {
        return Err(sweep_error(origin, "no parameters to sweep; add e.g. \"department.IT.staff\" = [2, 3, 4]"));
    }
    let mut file = base.resolved.clone();
    file.sweep = None;
    // One parameter at a time varies around the scenario's own values.
    let base_values: Vec<Value> = match design {
        Design::Grid => Vec::new(),
        Design::OneAtATime => parameters
            .iter()
            .map(|parameter| {
                edit::get(&file, &parameter.path)
                    .map_err(|source| ExperimentError::Path { origin: origin.to_string(), source })?
                    .ok_or_else(|| {
                        sweep_error(origin, format!("`{}` has no value in the scenario to vary around", parameter.path))
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    let combinations: Vec<Vec<Value>> = match design {
        Design::Grid => parameters.iter().fold(vec![Vec::new()], |combinations, parameter| {
            combinations
                .into_iter()
                .flat_map(|prefix| {
                    parameter.values.iter().map(move |value| {
                        let mut next = prefix.clone();
                        next.push(value.clone());
                        next
                    })
                })
                .collect()
        }),
        Design::OneAtATime => parameters
            .iter()
            .enumerate()
            .flat_map(|(index, parameter)| {
                let base_values = &base_values;
                parameter.values.iter().map(move |value| {
                    let mut values = base_values.clone();
                    values[index] = value.clone();
                    values
                })
            })
            .collect(),
    };
    let points = combinations
        .into_iter()
        .enumerate()
        .map(|(index, values)| {
            let mut point = file.clone();
            for (parameter, value) in parameters.iter().zip(&values) {
                point = edit::set(&point, &parameter.path, value)
                    .map_err(|source| ExperimentError::Path { origin: origin.to_string(), source })?;
            }
            let label = format!(
                "{origin} (sweep point {}: {})",
                index + 1,
                parameters
                    .iter()
                    .zip(&values)
                    .map(|(p, v)| format!("{} = {}", p.path, value_text(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let scenario = Scenario::from_file(point, &label)?;
            Ok(Point { number: index + 1, values, scenario })
        })
        .collect::<Result<Vec<_>, ExperimentError>>()?;
    Ok(SweepPlan { design, parameters, points })
}

/// Runs every point of the sweep.
pub fn run_sweep(plan: SweepPlan, run: &Plan, progress: &dyn Progress) -> SweepResults {
    let scenarios: Vec<Scenario> = plan.points.iter().map(|point| point.scenario.clone()).collect();
    let replications = replicate(&scenarios, run, progress);
    let results = scenarios.into_iter().zip(replications).map(|(s, r)| RunResults::new(s, r)).collect();
    SweepResults { plan, results }
}
