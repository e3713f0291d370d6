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

use super::design::{Block, latin_hypercube, saltelli};
use super::jobs::{Plan, Progress, replicate};
use super::{ExperimentError, RunResults};
use crate::scenario::{Scenario, SweepSpec, edit};

pub use crate::scenario::Design;

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its path, e.g. `department.IT.staff`.
    pub path: String,
    /// The values it takes (empty for a sampled design, which draws them).
    pub values: Vec<Value>,
    /// A sampled design's range: (from, to).
    pub range: Option<(f64, f64)>,
}

/// One point of the sweep: a value per parameter and the scenario it gives.
#[derive(Debug, Clone)]
pub struct Point {
    /// Its number in the whole sweep, from 1.
    pub number: usize,
    /// The parameters' values at this point, in parameter order.
    pub values: Vec<Value>,
    /// Its Saltelli block, in a Sobol design.
    pub block: Option<Block>,
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
    let parameters: Vec<Parameter> = spec
        .parameters
        .iter()
        .map(|p| Parameter {
            path: p.path.clone(),
            values: p.values.build(),
            range: match p.values {
                crate::scenario::Values::Interval { from, to, .. } => Some((from, to)),
                _ => None,
            },
        })
        .collect();
    let mut file = base.resolved.clone();
    file.sweep = None;
    let path_error = |source| ExperimentError::Path { origin: origin.to_string(), source };
    let combinations = combinations(spec, &parameters, base.seed, || {
        parameters
            .iter()
            .map(|parameter| {
                edit::get(&file, &parameter.path).map_err(path_error)?.ok_or_else(|| {
                    sweep_error(origin, format!("`{}` has no value in the scenario to vary around", parameter.path))
                })
            })
            .collect::<Result<Vec<Value>, _>>()
    })?;
    let points = combinations
        .into_iter()
        .enumerate()
        .map(|(index, (block, values))| {
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
            let scenario = Scenario::from_file(point, &label).map_err(|error| {
                // Each value was checked against its key's range: what fails
                // here is a rule joining several keys.
                sweep_error(
                    origin,
                    format!(
                        "{error} (this point's values are each valid; a rule that joins several keys, such as weights adding up to 1, depends on the values drawn together)"
                    ),
                )
            })?;
            Ok(Point { number: index + 1, values, block, scenario })
        })
        .collect::<Result<Vec<_>, ExperimentError>>()?;
    Ok(SweepPlan { design, parameters, points })
}

/// A point's block (Sobol designs) and its values.
type Combination = (Option<Block>, Vec<Value>);

/// Every point's values (with its block in a Sobol design), in order;
/// `around` gives the scenario's own values (one at a time).
fn combinations(
    spec: &SweepSpec,
    parameters: &[Parameter],
    run_seed: u64,
    around: impl FnOnce() -> Result<Vec<Value>, ExperimentError>,
) -> Result<Vec<Combination>, ExperimentError> {
    let draw = |unit: &[f64]| -> Vec<Value> {
        spec.parameters.iter().zip(unit).filter_map(|(p, &u)| p.values.at(u)).collect()
    };
    let (k, samples, seed) = (parameters.len(), spec.samples.unwrap_or(0) as usize, spec.seed.unwrap_or(run_seed));
    Ok(match spec.design {
        Design::Grid => parameters
            .iter()
            .fold(vec![Vec::new()], |combinations, parameter| {
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
            })
            .into_iter()
            .map(|values| (None, values))
            .collect(),
        Design::OneAtATime => {
            let base_values = around()?;
            parameters
                .iter()
                .enumerate()
                .flat_map(|(index, parameter)| {
                    let base_values = &base_values;
                    parameter.values.iter().map(move |value| {
                        let mut values = base_values.clone();
                        values[index] = value.clone();
                        (None, values)
                    })
                })
                .collect()
        }
        Design::Lhs => latin_hypercube(samples, k, seed).iter().map(|unit| (None, draw(unit))).collect(),
        Design::Sobol => {
            saltelli(samples, k, seed).into_iter().map(|(block, unit)| (Some(block), draw(&unit))).collect()
        }
    })
}

impl SweepPlan {
    /// A point as a person reads it: `point 3 (department.IT.staff = 4)`.
    pub fn label(&self, point: &Point) -> String {
        let settings: Vec<String> =
            self.parameters.iter().zip(&point.values).map(|(p, v)| format!("{} = {}", p.path, value_text(v))).collect();
        format!("point {} ({})", point.number, settings.join(", "))
    }
}

/// Runs every point of the sweep; a stall names its point.
pub fn run_sweep(plan: SweepPlan, run: &Plan, progress: &dyn Progress) -> Result<SweepResults, super::Stalled> {
    let scenarios: Vec<Scenario> = plan.points.iter().map(|point| point.scenario.clone()).collect();
    let replications = replicate(&scenarios, run, progress).map_err(|stall| match stall.run {
        Some(index) => stall.in_run(&format!("sweep {}", plan.label(&plan.points[index]))),
        None => stall,
    })?;
    let results = scenarios.into_iter().zip(replications).map(|(s, r)| RunResults::reduced(s, r)).collect();
    Ok(SweepResults { plan, results })
}
