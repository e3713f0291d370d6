//! Scenario files → a validated, typed [`Scenario`].
//!
//! A scenario arrives as TOML text with a label saying where it came from (a
//! file name, or `<embedded default>`); the caller reads files, this module
//! never touches the filesystem. Parsing gives a [`ScenarioFile`] (the keys as
//! written, unknown keys refused); checking turns it into a [`Scenario`] whose
//! departments refer to each other by index and whose distributions are ready
//! to sample. Every refusal is a [`ScenarioError`] that names the source, the
//! field, the line and column where the text is known, and what would be
//! valid.

pub mod distribution;
pub mod file;
pub mod network;

use std::fmt;

use toml::de::{DeTable, DeValue};

pub use distribution::{Distribution, DistributionSpec};
pub use file::{BehaviorFile, CustomersFile, DepartmentFile, NeedFile, NeedMode, ScenarioFile};
use network::{Edge, NetworkProblem};

/// The default organization, compiled into the binary; the same text is
/// `scenarios/baseline.toml`.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/baseline.toml");

/// The label under which the embedded default scenario reports errors.
pub const DEFAULT_ORIGIN: &str = "<embedded default scenario>";

/// A commented starter scenario printed by `orgsim new`.
pub const STARTER_SCENARIO: &str = include_str!("starter.toml");

/// A scenario that passed every check.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name; names the output folder.
    pub name: String,
    /// The story the scenario tells.
    pub description: String,
    /// Label of the time unit.
    pub time_unit: String,
    /// Simulated time per replication.
    pub horizon: f64,
    /// Statistics ignore what starts before this time.
    pub warmup: f64,
    /// Replications to run.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// External customers.
    pub customers: Customers,
    /// Departments, in file order; needs refer to them by index.
    pub departments: Vec<Department>,
    /// Whether the social layer runs.
    pub behavior_enabled: bool,
    /// The file with every default written out, for `scenario.toml`.
    pub resolved: ScenarioFile,
}

/// External customers, checked.
#[derive(Debug, Clone)]
pub struct Customers {
    /// Poisson arrival rate.
    pub arrival_rate: f64,
    /// Patience; `None`: customers never abandon.
    pub patience: Option<Distribution>,
    /// Front-line departments and the cumulative share of arrivals up to and
    /// including each, in file order of the departments; the last is 1.
    pub entry: Vec<(usize, f64)>,
}

/// A department, checked.
#[derive(Debug, Clone)]
pub struct Department {
    /// Unique name.
    pub name: String,
    /// Whether external customers arrive here.
    pub front_line: bool,
    /// Parallel servers.
    pub staff: u32,
    /// Staff cost per person per time unit.
    pub cost_per_time: f64,
    /// Own work on a piece of work.
    pub service: Distribution,
    /// Mean of `service`.
    pub service_mean: f64,
    /// Follow-up after `handoff` replies return.
    pub followup: Distribution,
    /// Mean of `followup`.
    pub followup_mean: f64,
    /// What this department needs from others.
    pub needs: Vec<Need>,
}

/// One need, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Need {
    /// Index of the supplier department.
    pub supplier: usize,
    /// Probability that a piece of work needs it.
    pub probability: f64,
    /// How the requester waits.
    pub mode: NeedMode,
}

/// Why a scenario was refused. Every variant is fatal for that scenario; the
/// message says how to fix the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// The text is not valid TOML, or a key or value does not fit the schema
    /// (unknown key, wrong type, missing key).
    #[error("{origin}{}: {message}", position_suffix(*.line, *.column))]
    Syntax {
        /// Where the text came from.
        origin: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The file parses but a value is not allowed.
    #[error("{origin}{}: {field}: {message}", position_suffix(*.line, *.column))]
    Invalid {
        /// Where the text came from.
        origin: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// The field, e.g. `department "IT".staff`.
        field: String,
        /// What is wrong and what would be valid.
        message: String,
    },
}

fn position_suffix(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// One step of a path to a value in the TOML document.
#[derive(Debug, Clone, Copy)]
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// Finds where fields are written, for error positions.
struct Locator<'t> {
    text: Option<&'t str>,
    root: Option<toml::Spanned<DeTable<'t>>>,
}

impl<'t> Locator<'t> {
    fn new(text: Option<&'t str>) -> Self {
        let root = text.and_then(|text| DeTable::parse(text).ok());
        Locator { text, root }
    }

    /// Line and column of the deepest part of `path` that is written in the file.
    fn position(&self, path: &[Step]) -> (Option<usize>, Option<usize>) {
        let (Some(text), Some(root)) = (self.text, &self.root) else {
            return (None, None);
        };
        let mut span = None;
        let mut current: Option<&DeValue> = None;
        for (depth, step) in path.iter().enumerate() {
            let found = match (depth, step) {
                (0, Step::Key(key)) => root.get_ref().get(*key),
                (_, Step::Key(key)) => current.and_then(|value| value.get(*key)),
                (_, Step::Index(index)) => current.and_then(|value| value.get(*index)),
            };
            match found {
                Some(spanned) => {
                    span = Some(spanned.span());
                    current = Some(spanned.get_ref());
                }
                None => break,
            }
        }
        match span {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                (Some(line), Some(column))
            }
            None => (None, None),
        }
    }
}

/// Says serde's Rust type names in words a scenario author knows.
fn plain_types(message: &str) -> String {
    message
        .replace("expected u32", "expected a whole number ≥ 0")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected f64", "expected a number")
}

impl Locator<'_> {
    /// The field whose value is written at byte `offset`, named as in
    /// validation errors (`department "IT".staff`); `None` at the top level.
    fn field_at(&self, offset: usize) -> Option<String> {
        // Table headers' spans do not cover their bodies, so every key and
        // value is visited; the deepest one written at `offset` wins.
        fn walk(table: &DeTable, offset: usize, prefix: &str, found: &mut Option<String>) {
            let at = |span: std::ops::Range<usize>| {
                span.start <= offset && offset < span.end.max(span.start + 1)
            };
            for (key, value) in table.iter() {
                let name = if prefix.is_empty() {
                    key.get_ref().to_string()
                } else {
                    format!("{prefix}.{}", key.get_ref())
                };
                if at(key.span()) || at(value.span()) {
                    *found = Some(name.clone());
                }
                match value.get_ref() {
                    DeValue::Table(inner) => walk(inner, offset, &name, found),
                    DeValue::Array(items) => {
                        for (index, item) in items.iter().enumerate() {
                            let label = match item
                                .get_ref()
                                .get("name")
                                .and_then(|n| n.get_ref().as_str())
                            {
                                Some(item_name) => format!("{name} {item_name:?}"),
                                None => format!("{name}[{}]", index + 1),
                            };
                            if at(item.span()) {
                                *found = Some(label.clone());
                            }
                            if let DeValue::Table(inner) = item.get_ref() {
                                walk(inner, offset, &label, found);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let root = self.root.as_ref()?;
        let mut found = None;
        walk(root.get_ref(), offset, "", &mut found);
        found
    }
}

/// Collects what the checks need to build errors.
struct Checker<'t> {
    origin: &'t str,
    locator: Locator<'t>,
}

impl Checker<'_> {
    fn invalid(
        &self,
        path: &[Step],
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        let (line, column) = self.locator.position(path);
        ScenarioError::Invalid {
            origin: self.origin.to_string(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }

    fn positive(&self, path: &[Step], field: &str, value: f64) -> Result<(), ScenarioError> {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(self.invalid(
                path,
                field,
                format!("must be a finite number greater than 0 (got {value})"),
            ))
        }
    }

    fn distribution(
        &self,
        path: &[Step],
        field: &str,
        spec: &DistributionSpec,
    ) -> Result<Distribution, ScenarioError> {
        spec.build()
            .map_err(|error| self.invalid(path, field, error.0))
    }
}

impl fmt::Display for NeedMode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            NeedMode::Hold => "hold",
            NeedMode::Handoff => "handoff",
        })
    }
}

impl Scenario {
    /// Parses and checks TOML text; `origin` names the source in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let file: ScenarioFile = toml::from_str(text).map_err(|error| {
            let (line, column) = match error.span() {
                Some(span) => {
                    let (line, column) = line_column(text, span.start);
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            let field = error
                .span()
                .and_then(|span| Locator::new(Some(text)).field_at(span.start));
            let message = plain_types(error.message().trim());
            ScenarioError::Syntax {
                origin: origin.to_string(),
                line,
                column,
                message: match field {
                    Some(field) => format!("{field}: {message}"),
                    None => message,
                },
            }
        })?;
        Self::check(file, origin, Some(text))
    }

    /// Checks a scenario built in memory (no positions in errors).
    pub fn from_file(file: ScenarioFile, origin: &str) -> Result<Scenario, ScenarioError> {
        Self::check(file, origin, None)
    }

    /// The embedded default organization.
    pub fn default_scenario() -> Scenario {
        Self::from_toml_str(DEFAULT_SCENARIO, DEFAULT_ORIGIN)
            .expect("the embedded default scenario is valid")
    }

    /// The resolved scenario (every default written out) as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.resolved).expect("a scenario file always serializes")
    }

    /// Index of the department with this name.
    pub fn department_index(&self, name: &str) -> Option<usize> {
        self.departments
            .iter()
            .position(|department| department.name == name)
    }

    fn check(
        mut file: ScenarioFile,
        origin: &str,
        text: Option<&str>,
    ) -> Result<Scenario, ScenarioError> {
        let checker = Checker {
            origin,
            locator: Locator::new(text),
        };
        let key = Step::Key;
        if file.name.trim().is_empty()
            || file.name.contains(['/', '\\'])
            || file.name == "."
            || file.name == ".."
        {
            return Err(checker.invalid(
                &[key("name")],
                "name",
                format!("must be a non-empty name without '/' or '\\' (it names the output folder; got {:?})", file.name),
            ));
        }
        checker.positive(&[key("horizon")], "horizon", file.horizon)?;
        if !(file.warmup.is_finite() && file.warmup >= 0.0 && file.warmup < file.horizon) {
            return Err(checker.invalid(
                &[key("warmup")],
                "warmup",
                format!(
                    "must be ≥ 0 and shorter than the horizon {} (got {})",
                    file.horizon, file.warmup
                ),
            ));
        }
        if file.replications == 0 {
            return Err(checker.invalid(
                &[key("replications")],
                "replications",
                "must be at least 1 (got 0)",
            ));
        }
        if file.behavior.enabled {
            return Err(checker.invalid(
                &[key("behavior"), key("enabled")],
                "behavior.enabled",
                "the social layer is not available in this version of orgsim; set `enabled = false` to run the queueing network",
            ));
        }
        if file.departments.is_empty() {
            return Err(checker.invalid(
                &[],
                "department",
                "the scenario has no departments; add at least one [[department]] table with `name`, `staff` and `service`",
            ));
        }

        // Departments: names first, so needs and entries can refer to them.
        let names: Vec<&str> = file.departments.iter().map(|d| d.name.as_str()).collect();
        for (index, name) in names.iter().enumerate() {
            let path = [key("department"), Step::Index(index), key("name")];
            if name.trim().is_empty() || name.contains('.') {
                return Err(checker.invalid(
                    &path,
                    format!("department[{}].name", index + 1),
                    format!(
                        "must be a non-empty name without dots (got {name:?}); spaces are fine"
                    ),
                ));
            }
            if names[..index].contains(name) {
                return Err(checker.invalid(
                    &path,
                    format!("department[{}].name", index + 1),
                    format!("{name:?} is used by an earlier department; names must be unique"),
                ));
            }
        }
        let known = || {
            names
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };

        let mut departments = Vec::with_capacity(file.departments.len());
        let mut edges = Vec::new();
        for (index, department) in file.departments.iter().enumerate() {
            let at = |field: &'static str| [key("department"), Step::Index(index), key(field)];
            let label = |field: &str| format!("department {:?}.{field}", department.name);
            if department.staff == 0 {
                return Err(checker.invalid(
                    &at("staff"),
                    label("staff"),
                    "must be at least 1 (got 0)",
                ));
            }
            if !(department.cost_per_time.is_finite() && department.cost_per_time >= 0.0) {
                return Err(checker.invalid(
                    &at("cost_per_time"),
                    label("cost_per_time"),
                    format!(
                        "must be a finite number ≥ 0 (got {})",
                        department.cost_per_time
                    ),
                ));
            }
            let service =
                checker.distribution(&at("service"), &label("service"), &department.service)?;
            let followup_spec = department
                .followup
                .clone()
                .unwrap_or_else(|| department.service.clone());
            let followup =
                checker.distribution(&at("followup"), &label("followup"), &followup_spec)?;
            let mut needs = Vec::with_capacity(department.needs.len());
            for (need_index, need) in department.needs.iter().enumerate() {
                let need_path = |field: &'static str| {
                    [
                        key("department"),
                        Step::Index(index),
                        key("needs"),
                        Step::Index(need_index),
                        key(field),
                    ]
                };
                let need_label = |field: &str| {
                    format!(
                        "department {:?}.needs[{}].{field}",
                        department.name,
                        need_index + 1
                    )
                };
                let Some(supplier) = names.iter().position(|n| *n == need.dept) else {
                    return Err(checker.invalid(
                        &need_path("dept"),
                        need_label("dept"),
                        format!(
                            "no department is named {:?}; known departments: {}",
                            need.dept,
                            known()
                        ),
                    ));
                };
                if department.needs[..need_index]
                    .iter()
                    .any(|earlier| earlier.dept == need.dept)
                {
                    return Err(checker.invalid(
                        &need_path("dept"),
                        need_label("dept"),
                        format!(
                            "{:?} is needed twice; give each supplier one entry",
                            need.dept
                        ),
                    ));
                }
                if !(need.probability.is_finite() && (0.0..=1.0).contains(&need.probability)) {
                    return Err(checker.invalid(
                        &need_path("probability"),
                        need_label("probability"),
                        format!(
                            "must be a probability between 0 and 1 (got {})",
                            need.probability
                        ),
                    ));
                }
                needs.push(Need {
                    supplier,
                    probability: need.probability,
                    mode: need.mode,
                });
                edges.push(Edge {
                    from: index,
                    to: supplier,
                    probability: need.probability,
                    mode: need.mode,
                });
            }
            departments.push(Department {
                name: department.name.clone(),
                front_line: department.front_line,
                staff: department.staff,
                cost_per_time: department.cost_per_time,
                service_mean: department.service.mean(),
                service,
                followup_mean: followup_spec.mean(),
                followup,
                needs,
            });
        }

        if let Err(problem) = network::check_loops(departments.len(), &edges) {
            let render = |cycle: &[usize]| {
                cycle
                    .iter()
                    .map(|&i| names[i])
                    .collect::<Vec<_>>()
                    .join(" → ")
            };
            let links = |cycle: &[usize]| {
                cycle
                    .windows(2)
                    .filter_map(|pair| {
                        edges
                            .iter()
                            .find(|e| e.from == pair[0] && e.to == pair[1])
                            .map(|e| {
                                format!(
                                    "{} → {} {} ({})",
                                    names[e.from], names[e.to], e.probability, e.mode
                                )
                            })
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (cycle, message) = match &problem {
                NetworkProblem::Divergent { cycle } => (
                    cycle,
                    format!(
                        "the loop {} spawns on average at least one new request for each request it serves, so the expected number of requests per customer is infinite; lower the probabilities on the loop ({})",
                        render(cycle),
                        links(cycle)
                    ),
                ),
                NetworkProblem::HoldLoop { cycle } => (
                    cycle,
                    format!(
                        "the loop {} consists of `hold` needs only: every server on it could end up waiting for another and the loop deadlocks; make at least one of these needs mode = \"handoff\" ({})",
                        render(cycle),
                        links(cycle)
                    ),
                ),
            };
            return Err(checker.invalid(
                &[key("department"), Step::Index(cycle[0]), key("needs")],
                format!("department {:?}.needs", names[cycle[0]]),
                message,
            ));
        }

        // Customers.
        let customers = &file.customers;
        checker.positive(
            &[key("customers"), key("arrival_rate")],
            "customers.arrival_rate",
            customers.arrival_rate,
        )?;
        let patience = match &customers.patience {
            Some(spec) => Some(checker.distribution(
                &[key("customers"), key("patience")],
                "customers.patience",
                spec,
            )?),
            None => None,
        };
        let front_line: Vec<usize> = (0..departments.len())
            .filter(|&i| departments[i].front_line)
            .collect();
        let entry_shares: Vec<(usize, f64)> = match &customers.entry {
            None => match front_line.as_slice() {
                [only] => vec![(*only, 1.0)],
                [] => {
                    return Err(checker.invalid(
                        &[key("department")],
                        "department.front_line",
                        "no department has `front_line = true`; mark the department(s) where external customers arrive",
                    ));
                }
                several => {
                    return Err(checker.invalid(
                        &[key("customers")],
                        "customers.entry",
                        format!(
                            "{} departments are front line ({}); say how arrivals split between them, e.g. entry = {{ {} }}",
                            several.len(),
                            several.iter().map(|&i| format!("{:?}", names[i])).collect::<Vec<_>>().join(", "),
                            several.iter().map(|&i| format!("{:?} = 0.5", names[i])).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            },
            Some(entry) => {
                let mut shares = Vec::new();
                for (name, &share) in entry {
                    let path = [key("customers"), key("entry"), key(name)];
                    let field = format!("customers.entry.{name:?}");
                    let Some(index) = names.iter().position(|n| n == name) else {
                        return Err(checker.invalid(
                            &path,
                            field,
                            format!(
                                "no department is named {name:?}; known departments: {}",
                                known()
                            ),
                        ));
                    };
                    if !departments[index].front_line {
                        return Err(checker.invalid(
                            &path,
                            field,
                            format!("{name:?} receives external customers but is not front line; add `front_line = true` to it"),
                        ));
                    }
                    if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                        return Err(checker.invalid(
                            &path,
                            field,
                            format!("a share must be between 0 and 1 (got {share})"),
                        ));
                    }
                    shares.push((index, share));
                }
                let total: f64 = shares.iter().map(|(_, share)| share).sum();
                if (total - 1.0).abs() > 1e-9 {
                    return Err(checker.invalid(
                        &[key("customers"), key("entry")],
                        "customers.entry",
                        format!("the shares must add up to 1 (they add up to {total})"),
                    ));
                }
                if let Some(&missing) = front_line
                    .iter()
                    .find(|i| !shares.iter().any(|(j, _)| j == *i))
                {
                    return Err(checker.invalid(
                        &[key("customers"), key("entry")],
                        "customers.entry",
                        format!("front-line department {:?} has no share; give it one (0 is allowed) or set its `front_line = false`", names[missing]),
                    ));
                }
                shares.sort_by_key(|(index, _)| *index);
                shares
            }
        };
        let mut cumulative = 0.0;
        let mut entry = Vec::new();
        for (index, share) in &entry_shares {
            cumulative += share;
            if *share > 0.0 {
                entry.push((*index, cumulative));
            }
        }
        if let Some(last) = entry.last_mut() {
            last.1 = 1.0;
        }

        // Write every default out, so `scenario.toml` repeats the run exactly.
        file.customers.entry = Some(
            entry_shares
                .iter()
                .map(|&(i, share)| (names[i].to_string(), share))
                .collect(),
        );
        for department in &mut file.departments {
            if department.followup.is_none() {
                department.followup = Some(department.service.clone());
            }
        }

        Ok(Scenario {
            name: file.name.clone(),
            description: file.description.clone(),
            time_unit: file.time_unit.clone(),
            horizon: file.horizon,
            warmup: file.warmup,
            replications: file.replications,
            seed: file.seed,
            customers: Customers {
                arrival_rate: file.customers.arrival_rate,
                patience,
                entry,
            },
            departments,
            behavior_enabled: file.behavior.enabled,
            resolved: file,
        })
    }

    /// Expected load on each department, from the traffic equations.
    pub fn load_estimate(&self) -> LoadEstimate {
        let n = self.departments.len();
        let edges: Vec<Edge> = self
            .departments
            .iter()
            .enumerate()
            .flat_map(|(from, department)| {
                department.needs.iter().map(move |need| Edge {
                    from,
                    to: need.supplier,
                    probability: need.probability,
                    mode: need.mode,
                })
            })
            .collect();
        let mut external = vec![0.0; n];
        let mut previous = 0.0;
        for &(index, cumulative) in &self.customers.entry {
            external[index] = (cumulative - previous) * self.customers.arrival_rate;
            previous = cumulative;
        }
        let arrival_rates =
            network::arrival_rates(&external, &edges).expect("checked loops have finite traffic");
        let handoff_probability: Vec<f64> = self
            .departments
            .iter()
            .map(|d| {
                1.0 - d
                    .needs
                    .iter()
                    .filter(|n| n.mode == NeedMode::Handoff)
                    .map(|n| 1.0 - n.probability)
                    .product::<f64>()
            })
            .collect();
        // Response time of one piece of work when nobody queues:
        // R_i = S_i + Σ_j p_ij R_j + P(any handoff at i)·F_i.
        let mut a = vec![vec![0.0; n]; n];
        for (i, row) in a.iter_mut().enumerate() {
            row[i] = 1.0;
        }
        for edge in &edges {
            a[edge.from][edge.to] -= edge.probability;
        }
        let own: Vec<f64> = (0..n)
            .map(|i| {
                self.departments[i].service_mean
                    + handoff_probability[i] * self.departments[i].followup_mean
            })
            .collect();
        let response = network::solve_linear(a, own).expect("checked loops have finite response");
        let offered_load = (0..n)
            .map(|i| {
                let department = &self.departments[i];
                let held: f64 = department
                    .needs
                    .iter()
                    .filter(|need| need.mode == NeedMode::Hold)
                    .map(|need| need.probability * response[need.supplier])
                    .sum();
                arrival_rates[i]
                    * (department.service_mean
                        + held
                        + handoff_probability[i] * department.followup_mean)
            })
            .collect();
        LoadEstimate {
            arrival_rates,
            offered_load,
        }
    }
}

/// Expected traffic per department, without queueing delays.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadEstimate {
    /// New pieces of work per time unit (follow-ups not counted).
    pub arrival_rates: Vec<f64>,
    /// Busy servers needed on average (own work, follow-ups, and time held
    /// waiting for `hold` suppliers' replies as if no supplier queued).
    pub offered_load: Vec<f64>,
}

impl Scenario {
    /// Sets the number of replications, in the resolved file too.
    pub fn set_replications(&mut self, replications: u32) {
        self.replications = replications;
        self.resolved.replications = replications;
    }

    /// Sets the master seed, in the resolved file too.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.resolved.seed = seed;
    }
}
