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
//!
//! A sampled design (`"lhs"`, a Latin hypercube, or `"sobol"`, Saltelli's
//! scheme for Sobol indices) draws `samples` points over ranges
//! `{ from, to }`, from the design's own `seed` (absent: the run's seed).

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
    /// A Latin hypercube of `samples` points over the ranges.
    Lhs,
    /// Saltelli's scheme on a scrambled Sobol sequence: `samples` × (k + 2)
    /// points, for first-order and total Sobol indices.
    Sobol,
}

impl Design {
    /// Whether its points are drawn over ranges `{ from, to }`.
    pub fn is_sampled(self) -> bool {
        matches!(self, Design::Lhs | Design::Sobol)
    }
}

/// The most samples of a Sobol design: the scrambled Sobol sequence gives
/// 2^16 points per dimension.
pub const MOST_SOBOL_SAMPLES: u64 = 1 << 16;

/// The most parameters of a Sobol design: its sequence has 256
/// dimensions, two per parameter.
pub const MOST_SOBOL_PARAMETERS: usize = 128;

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
    /// A range a sampled design draws from: uniform on [from, to], or for a
    /// whole-number key floor(U·(to − from + 1)) + from.
    Interval {
        /// Lowest value.
        from: f64,
        /// Highest value.
        to: f64,
        /// Whether the key takes whole numbers.
        whole: bool,
    },
}

impl Values {
    /// How many values (a list has at least one, a range two).
    pub fn count(&self) -> u64 {
        match self {
            Values::List(values) => values.len() as u64,
            Values::Range { steps, .. } => *steps,
            Values::Interval { .. } => 0,
        }
    }

    /// The value at `u` in [0, 1) of a drawn range (`None` for a list or a
    /// stepped range).
    pub fn at(&self, u: f64) -> Option<Value> {
        match *self {
            Values::Interval { from, to, whole: true } => {
                let span = to - from + 1.0;
                Some(Value::Integer(((u * span).floor().min(span - 1.0) + from) as i64))
            }
            Values::Interval { from, to, whole: false } => {
                // Six significant digits: a design's draws read as numbers,
                // not as the last bits of a 32-bit sequence.
                let value = super::super::ranges::six_digits(from + u * (to - from));
                Some(Value::Float(value.clamp(from, to)))
            }
            _ => None,
        }
    }

    /// Every value, in order (call only once the count was accepted).
    pub fn build(&self) -> Vec<Value> {
        match self {
            Values::List(values) => values.clone(),
            Values::Interval { .. } => Vec::new(),
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
    /// Points drawn by a sampled design (`None` for grids).
    pub samples: Option<u64>,
    /// The sampled design's seed; `None`: the run's seed.
    pub seed: Option<u64>,
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
    let (mut samples, mut seed) = (None, None);
    let mut raw = Vec::new();
    for (key, spec) in table {
        let path = [Step::Key("sweep"), Step::Key(key)];
        let field = format!("sweep.{key:?}");
        match key.as_str() {
            "design" => {
                design = match spec.as_str() {
                    Some("grid") => Design::Grid,
                    Some("one-at-a-time") => Design::OneAtATime,
                    Some("lhs") => Design::Lhs,
                    Some("sobol") => Design::Sobol,
                    _ => {
                        return Err(checker.invalid(
                            &path,
                            field,
                            format!("must be \"grid\", \"one-at-a-time\", \"lhs\" or \"sobol\" (got {spec})"),
                        ));
                    }
                }
            }
            "samples" | "seed" => {
                let Some(number) = spec.as_integer() else {
                    let message = if key == "seed" {
                        format!(
                            "is the sampled design's seed, a whole number (got {spec}); the seed cannot be swept: every point runs under the same seed, given with --seed"
                        )
                    } else {
                        format!("must be a whole number (got {spec})")
                    };
                    return Err(checker.invalid(&path, format!("sweep.{key}"), message));
                };
                let field = format!("sweep.{key}");
                checker.range(&path, &field, &field, number as f64)?;
                if key == "samples" { samples = Some(number as u64) } else { seed = Some(number as u64) }
            }
            _ => {
                if let Some(instead) = refused(key) {
                    return Err(checker.invalid(&path, field, format!("cannot be swept: {instead}")));
                }
                raw.push((key, spec));
            }
        }
    }
    let mut parameters = Vec::new();
    for (key, spec) in raw {
        let path = [Step::Key("sweep"), Step::Key(key)];
        let field = format!("sweep.{key:?}");
        let values = if design.is_sampled() {
            let whole = whole_key(key) || matches!(super::super::edit::get(file, key), Ok(Some(Value::Integer(_))));
            interval(spec, whole)
        } else {
            values(spec)
        };
        let values = values.map_err(|message| checker.invalid(&path, field.clone(), message))?;
        check_in_range(key, &values).map_err(|message| checker.invalid(&path, field.clone(), message))?;
        parameters.push(ParameterSpec { path: key.clone(), values });
    }
    if parameters.is_empty() {
        return Err(checker.invalid(
            &[Step::Key("sweep")],
            "sweep",
            "no parameters to sweep; add e.g. \"department.IT.staff\" = [2, 3, 4]",
        ));
    }
    let points = count(checker, design, samples, &parameters)?;
    Ok(Some(SweepSpec { design, parameters, points, samples: samples.filter(|_| design.is_sampled()), seed }))
}

/// The number of points of a design, refused above [`MOST_POINTS`].
fn count(
    checker: &Checker,
    design: Design,
    samples: Option<u64>,
    parameters: &[ParameterSpec],
) -> Result<u64, ScenarioError> {
    let sweep = [Step::Key("sweep")];
    let k = parameters.len() as u64;
    let points = match (design, samples) {
        (Design::Grid, None) => parameters.iter().fold(1u64, |product, p| product.saturating_mul(p.values.count())),
        (Design::OneAtATime, None) => parameters.iter().fold(0u64, |sum, p| sum.saturating_add(p.values.count())),
        (Design::Grid | Design::OneAtATime, Some(_)) => {
            return Err(checker.invalid(
                &sweep,
                "sweep.samples",
                "only a sampled design (design = \"lhs\" or \"sobol\") draws samples; a grid takes its values from the lists and steps",
            ));
        }
        (Design::Lhs | Design::Sobol, None) => {
            return Err(checker.invalid(
                &sweep,
                "sweep.samples",
                "a sampled design needs the number of points to draw, e.g. samples = 256",
            ));
        }
        (Design::Lhs, Some(n)) => n,
        (Design::Sobol, Some(n)) => {
            if n > MOST_SOBOL_SAMPLES || parameters.len() > MOST_SOBOL_PARAMETERS {
                return Err(checker.invalid(
                    &sweep,
                    "sweep.samples",
                    format!(
                        "a Sobol design takes at most {MOST_SOBOL_SAMPLES} samples and {MOST_SOBOL_PARAMETERS} parameters (got {n} and {k})"
                    ),
                ));
            }
            n.saturating_mul(k + 2)
        }
    };
    if points > MOST_POINTS {
        return Err(checker.invalid(
            &sweep,
            "sweep",
            format!(
                "the design has {} points, more than the {MOST_POINTS} one sweep may hold; use fewer values, steps or samples, or split it into several sweeps",
                if points == u64::MAX { "over 1.8e19".to_string() } else { points.to_string() }
            ),
        ));
    }
    Ok(points)
}

/// The valid range of the key a sweep path names, if the table has it:
/// the path without its item names (`department.IT.staff` →
/// `department.staff`), or for a distribution's field
/// `<distribution>.mean`.
fn range_of(path: &str) -> Option<&'static super::super::ranges::KeyRange> {
    let key = table_key(path);
    let ranges = super::super::ranges::RANGES;
    ranges.iter().find(|range| range.key == key).or_else(|| {
        let field = path.rsplit('.').next()?;
        let general = format!("<distribution>.{field}");
        ranges.iter().find(|range| range.key == general)
    })
}

/// Every value a parameter can take must be valid for its key, whatever
/// the seed draws: a range's ends (a range is valid when both ends are, for
/// every range in the table is an interval) and a list's values.
fn check_in_range(path: &str, values: &Values) -> Result<(), String> {
    let Some(range) = range_of(path) else {
        return Ok(());
    };
    let number = super::super::ranges::number;
    let (ends, what) = match values {
        Values::Interval { from, to, .. } => (vec![*from, *to], "the range"),
        Values::Range { from, to, .. } => (vec![*from, *to], "the range"),
        Values::List(list) => (list.iter().filter_map(value_number).collect(), "the list"),
    };
    match ends.iter().find(|&&v| !range.contains(v)) {
        Some(&bad) => Err(format!(
            "{what} holds {}, outside the valid values of `{}`: {}; give values inside it, so that every point is valid",
            number(bad),
            range.key,
            range.describe()
        )),
        None => Ok(()),
    }
}

fn value_number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Whether the key a sweep path names takes whole numbers (staff).
fn whole_key(path: &str) -> bool {
    let key = table_key(path);
    super::super::ranges::RANGES.iter().any(|range| range.key == key && range.whole)
}

/// A sweep path without its item names, as the table of ranges names keys.
fn table_key(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let mut key = Vec::new();
    let mut index = 0;
    while index < parts.len() {
        key.push(parts[index]);
        // A department, need or transfer is named by the part after it.
        let named = matches!(parts[index], "department" | "needs" | "transfers");
        index += if named { 2 } else { 1 };
    }
    key.join(".")
}

/// The range a sampled design draws one parameter from: `{ from, to }`.
fn interval(spec: &Value, whole: bool) -> Result<Values, String> {
    let Value::Table(range) = spec else {
        return Err(format!("a sampled design draws each parameter from a range {{ from, to }} (got {spec})"));
    };
    if let Some(unknown) = range.keys().find(|k| !["from", "to"].contains(&k.as_str())) {
        return Err(format!(
            "a sampled design draws its values: give {{ from, to }} only (got `{unknown}`; steps belong to design = \"grid\")"
        ));
    }
    let number = |key: &str| match range.get(key) {
        Some(Value::Integer(i)) => Ok(*i as f64),
        Some(Value::Float(f)) if f.is_finite() => Ok(*f),
        _ => Err(format!("a range needs a finite number `{key}`: {{ from = 1.0, to = 3.0 }}")),
    };
    let (from, to) = (number("from")?, number("to")?);
    if from.partial_cmp(&to) != Some(std::cmp::Ordering::Less) || !(to - from).is_finite() {
        return Err(format!("`from` must be below `to` (got {from} and {to})"));
    }
    if whole && (from.fract() != 0.0 || to.fract() != 0.0) {
        return Err(format!("this key takes whole numbers: give whole `from` and `to` (got {from} and {to})"));
    }
    Ok(Values::Interval { from, to, whole })
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
