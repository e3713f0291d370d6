//! Parameter sweeps: the scenario's `[sweep]` table (checked and counted
//! with the scenario, see [`crate::scenario::SweepSpec`]) lists parameters by
//! path and their values; once the count is accepted, the full grid (or one
//! parameter at a time) becomes a list of scenario variants, each checked
//! before anything runs, and then one flat job list of variants ×
//! replications.
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
use crate::scenario::{Scenario, SweepSpec, edit};

pub use crate::scenario::Design;

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

/// How many points the `[sweep]` table of `base` has, counted without
/// building them.
pub fn count_points(base: &Scenario, origin: &str) -> Result<u64, ExperimentError> {
    Ok(spec(base, origin)?.points)
}

fn spec<'s>(base: &'s Scenario, origin: &str) -> Result<&'s SweepSpec, ExperimentError> {
    base.sweep.as_ref().ok_or_else(|| {
        sweep_error(
            origin,
            "the scenario has no [sweep] table; add one, e.g.\n[sweep]\n\"department.IT.staff\" = [2, 3, 4]",
        )
    })
}

/// Builds and checks every point of the `[sweep]` table of `base`; call it
/// once the count ([`count_points`]) was accepted.
pub fn plan_sweep(base: &Scenario, origin: &str) -> Result<SweepPlan, ExperimentError> {
    let spec = spec(base, origin)?;
    let design = spec.design;
    let parameters: Vec<Parameter> =
        spec.parameters.iter().map(|p| Parameter { path: p.path.clone(), values: p.values.build() }).collect();
    let mut file = base.resolved.clone();
    file.sweep = None;
    let path_error = |source| ExperimentError::Path { origin: origin.to_string(), source };
    // One parameter at a time varies around the scenario's own values.
    let base_values: Vec<Value> = match design {
        Design::Grid => Vec::new(),
        Design::OneAtATime => parameters
            .iter()
            .map(|parameter| {
                edit::get(&file, &parameter.path).map_err(path_error)?.ok_or_else(|| {
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
                point = edit::set(&point, &parameter.path, value).map_err(path_error)?;
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
pub fn run_sweep(plan: SweepPlan, run: &Plan, progress: &dyn Progress) -> Result<SweepResults, super::Stalled> {
    let scenarios: Vec<Scenario> = plan.points.iter().map(|point| point.scenario.clone()).collect();
    let replications = replicate(&scenarios, run, progress)?;
    let results = scenarios.into_iter().zip(replications).map(|(s, r)| RunResults::new(s, r)).collect();
    Ok(SweepResults { plan, results })
}
