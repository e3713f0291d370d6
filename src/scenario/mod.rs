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
pub mod edit;
pub mod file;
pub mod network;

use std::fmt;

use toml::de::{DeTable, DeValue};

pub use distribution::{Distribution, DistributionSpec};
pub use file::{BehaviorFile, CustomersFile, DepartmentFile, NeedFile, NeedMode, ScenarioFile, SurgeFile};
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
    /// Interval between time-series samples.
    pub sample_every: f64,
    /// Whether the social layer runs.
    pub behavior_enabled: bool,
    /// The social layer's coefficients (defaults when it is off).
    pub behavior: BehaviorFile,
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
    /// Periods of changed demand, sorted by start, not overlapping.
    pub surges: Vec<SurgeFile>,
    /// The resolution time customers expect.
    pub expected_resolution: f64,
    /// Revenue lost when a customer leaves.
    pub value: f64,
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
    /// Base quality of its work, training included, at most 1.
    pub skill: f64,
    /// Morale baseline, recognition included, at most 1.
    pub morale_baseline: f64,
    /// Morale as stated (before recognition): service takes its stated time
    /// at this morale.
    pub measured_morale: f64,
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
    /// Requests jump the supplier's queue (a service agreement).
    pub priority: bool,
    /// Delay before the request reaches the supplier, collaboration applied.
    pub silo_delay: f64,
    /// Share of the reply's quality lost, collaboration applied.
    pub silo_quality_loss: f64,
    /// The reply delay the requester expects.
    pub expected_delay: f64,
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
            let at = |span: std::ops::Range<usize>| span.start <= offset && offset < span.end.max(span.start + 1);
            for (key, value) in table.iter() {
                let name =
                    if prefix.is_empty() { key.get_ref().to_string() } else { format!("{prefix}.{}", key.get_ref()) };
                if at(key.span()) || at(value.span()) {
                    *found = Some(name.clone());
                }
                match value.get_ref() {
                    DeValue::Table(inner) => walk(inner, offset, &name, found),
                    DeValue::Array(items) => {
                        for (index, item) in items.iter().enumerate() {
                            let label = match item.get_ref().get("name").and_then(|n| n.get_ref().as_str()) {
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
    fn invalid(&self, path: &[Step], field: impl Into<String>, message: impl Into<String>) -> ScenarioError {
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
            Err(self.invalid(path, field, format!("must be a finite number greater than 0 (got {value})")))
        }
    }

    /// `value` must lie in `[low, high]`.
    fn within(&self, path: &[Step], field: &str, value: f64, low: f64, high: f64) -> Result<(), ScenarioError> {
        if value.is_finite() && low <= value && value <= high {
            Ok(())
        } else {
            let range = if high.is_infinite() { format!("≥ {low}") } else { format!("between {low} and {high}") };
            Err(self.invalid(path, field, format!("must be a number {range} (got {value})")))
        }
    }

    fn distribution(&self, path: &[Step], field: &str, spec: &DistributionSpec) -> Result<Distribution, ScenarioError> {
        spec.build().map_err(|error| self.invalid(path, field, error.0))
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
            let field = error.span().and_then(|span| Locator::new(Some(text)).field_at(span.start));
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
        Self::from_toml_str(DEFAULT_SCENARIO, DEFAULT_ORIGIN).expect("the embedded default scenario is valid")
    }

    /// The resolved scenario (every default written out) as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.resolved).expect("a scenario file always serializes")
    }

    /// Index of the department with this name.
    pub fn department_index(&self, name: &str) -> Option<usize> {
        self.departments.iter().position(|department| department.name == name)
    }

    fn check(mut file: ScenarioFile, origin: &str, text: Option<&str>) -> Result<Scenario, ScenarioError> {
        let checker = Checker { origin, locator: Locator::new(text) };
        let key = Step::Key;
        if file.name.trim().is_empty() || file.name.contains(['/', '\\']) || file.name == "." || file.name == ".." {
            return Err(checker.invalid(
                &[key("name")],
                "name",
                format!(
                    "must be a non-empty name without '/' or '\\' (it names the output folder; got {:?})",
                    file.name
                ),
            ));
        }
        checker.positive(&[key("horizon")], "horizon", file.horizon)?;
        if !(file.warmup.is_finite() && file.warmup >= 0.0 && file.warmup < file.horizon) {
            return Err(checker.invalid(
                &[key("warmup")],
                "warmup",
                format!("must be ≥ 0 and shorter than the horizon {} (got {})", file.horizon, file.warmup),
            ));
        }
        if file.replications == 0 {
            return Err(checker.invalid(&[key("replications")], "replications", "must be at least 1 (got 0)"));
        }
        if file.departments.is_empty() {
            return Err(checker.invalid(
                &[],
                "department",
                "the scenario has no departments; add at least one [[department]] table with `name`, `staff` and `service`",
            ));
        }

        // Departments: names first, so needs and entries can refer to them.
        let names: Vec<String> = file.departments.iter().map(|d| d.name.clone()).collect();
        for (index, name) in names.iter().enumerate() {
            let path = [key("department"), Step::Index(index), key("name")];
            if name.trim().is_empty() || name.contains('.') {
                return Err(checker.invalid(
                    &path,
                    format!("department[{}].name", index + 1),
                    format!("must be a non-empty name without dots (got {name:?}); spaces are fine"),
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
        let known = || names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");

        let mut departments = Vec::with_capacity(file.departments.len());
        let mut edges = Vec::new();
        for (index, department) in file.departments.iter().enumerate() {
            let at = |field: &'static str| [key("department"), Step::Index(index), key(field)];
            let label = |field: &str| format!("department {:?}.{field}", department.name);
            if department.staff == 0 {
                return Err(checker.invalid(&at("staff"), label("staff"), "must be at least 1 (got 0)"));
            }
            if !(department.cost_per_time.is_finite() && department.cost_per_time >= 0.0) {
                return Err(checker.invalid(
                    &at("cost_per_time"),
                    label("cost_per_time"),
                    format!("must be a finite number ≥ 0 (got {})", department.cost_per_time),
                ));
            }
            let service = checker.distribution(&at("service"), &label("service"), &department.service)?;
            let followup_spec = department.followup.clone().unwrap_or_else(|| department.service.clone());
            let followup = checker.distribution(&at("followup"), &label("followup"), &followup_spec)?;
            let mut needs = Vec::with_capacity(department.needs.len());
            for (need_index, need) in department.needs.iter().enumerate() {
                let need_path = |field: &'static str| {
                    [key("department"), Step::Index(index), key("needs"), Step::Index(need_index), key(field)]
                };
                let need_label =
                    |field: &str| format!("department {:?}.needs[{}].{field}", department.name, need_index + 1);
                let Some(supplier) = names.iter().position(|n| *n == need.dept) else {
                    return Err(checker.invalid(
                        &need_path("dept"),
                        need_label("dept"),
                        format!("no department is named {:?}; known departments: {}", need.dept, known()),
                    ));
                };
                if department.needs[..need_index].iter().any(|earlier| earlier.dept == need.dept) {
                    return Err(checker.invalid(
                        &need_path("dept"),
                        need_label("dept"),
                        format!("{:?} is needed twice; give each supplier one entry", need.dept),
                    ));
                }
                if !(need.probability.is_finite() && (0.0..=1.0).contains(&need.probability)) {
                    return Err(checker.invalid(
                        &need_path("probability"),
                        need_label("probability"),
                        format!("must be a probability between 0 and 1 (got {})", need.probability),
                    ));
                }
                checker.within(
                    &need_path("silo_delay"),
                    &need_label("silo_delay"),
                    need.silo_delay,
                    0.0,
                    f64::INFINITY,
                )?;
                checker.within(
                    &need_path("silo_quality_loss"),
                    &need_label("silo_quality_loss"),
                    need.silo_quality_loss,
                    0.0,
                    1.0,
                )?;
                checker.within(
                    &need_path("collaboration"),
                    &need_label("collaboration"),
                    need.collaboration,
                    0.0,
                    1.0,
                )?;
                let expected_delay = match need.expected_delay {
                    Some(expected) => {
                        checker.positive(&need_path("expected_delay"), &need_label("expected_delay"), expected)?;
                        expected
                    }
                    None => 2.0 * file.departments[supplier].service.mean(),
                };
                let kept = 1.0 - need.collaboration;
                needs.push(Need {
                    supplier,
                    probability: need.probability,
                    mode: need.mode,
                    priority: need.priority,
                    silo_delay: need.silo_delay * kept,
                    silo_quality_loss: need.silo_quality_loss * kept,
                    expected_delay: expected_delay.max(f64::MIN_POSITIVE),
                });
                edges.push(Edge { from: index, to: supplier, probability: need.probability, mode: need.mode });
            }
            for (field, value) in [
                ("skill", department.skill),
                ("morale", department.morale),
                ("recognition", department.recognition),
                ("training", department.training),
            ] {
                checker.within(&at(field), &label(field), value, 0.0, 1.0)?;
            }
            departments.push(Department {
                skill: (department.skill + department.training).min(1.0),
                morale_baseline: (department.morale + department.recognition).min(1.0),
                measured_morale: department.morale,
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
            let render = |cycle: &[usize]| cycle.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(" → ");
            let links = |cycle: &[usize]| {
                cycle
                    .windows(2)
                    .filter_map(|pair| {
                        edges
                            .iter()
                            .find(|e| e.from == pair[0] && e.to == pair[1])
                            .map(|e| format!("{} → {} {} ({})", names[e.from], names[e.to], e.probability, e.mode))
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
        checker.positive(&[key("customers"), key("arrival_rate")], "customers.arrival_rate", customers.arrival_rate)?;
        let patience = match &customers.patience {
            Some(spec) => {
                Some(checker.distribution(&[key("customers"), key("patience")], "customers.patience", spec)?)
            }
            None => None,
        };
        let front_line: Vec<usize> = (0..departments.len()).filter(|&i| departments[i].front_line).collect();
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
                            format!("no department is named {name:?}; known departments: {}", known()),
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
                if let Some(&missing) = front_line.iter().find(|i| !shares.iter().any(|(j, _)| j == *i)) {
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

        let customers_file = &file.customers;
        checker.within(
            &[key("customers"), key("value")],
            "customers.value",
            customers_file.value,
            0.0,
            f64::INFINITY,
        )?;
        let expected_resolution = match customers_file.expected_resolution {
            Some(expected) => {
                checker.positive(
                    &[key("customers"), key("expected_resolution")],
                    "customers.expected_resolution",
                    expected,
                )?;
                expected
            }
            None => {
                let mut previous = 0.0;
                let mut mean_service = 0.0;
                for &(index, cumulative) in &entry {
                    mean_service += (cumulative - previous) * departments[index].service_mean;
                    previous = cumulative;
                }
                (2.0 * mean_service).max(f64::MIN_POSITIVE)
            }
        };
        let mut surges = customers_file.surges.clone();
        for (index, surge) in surges.iter().enumerate() {
            let at = |field: &'static str| [key("customers"), key("surges"), Step::Index(index), key(field)];
            let label = |field: &str| format!("customers.surges[{}].{field}", index + 1);
            checker.within(&at("start"), &label("start"), surge.start, 0.0, f64::INFINITY)?;
            if !(surge.end.is_finite() && surge.end > surge.start) {
                return Err(checker.invalid(
                    &at("end"),
                    label("end"),
                    format!("must be later than `start` {} (got {})", surge.start, surge.end),
                ));
            }
            checker.within(&at("factor"), &label("factor"), surge.factor, 0.0, f64::INFINITY)?;
        }
        surges.sort_by(|a, b| a.start.total_cmp(&b.start));
        if let Some(pair) = surges.windows(2).find(|pair| pair[1].start < pair[0].end) {
            return Err(checker.invalid(
                &[key("customers"), key("surges")],
                "customers.surges",
                format!(
                    "the surges {}–{} and {}–{} overlap; merge them into one",
                    pair[0].start, pair[0].end, pair[1].start, pair[1].end
                ),
            ));
        }
        let sample_every = match file.sample_every {
            Some(every) => {
                checker.positive(&[key("sample_every")], "sample_every", every)?;
                every
            }
            None => file.horizon / 200.0,
        };
        check_behavior(&checker, &file.behavior)?;

        // Write every default out, so `scenario.toml` repeats the run exactly.
        // With the social layer off its parameters had no effect: they are
        // written as their defaults, so they cannot change any output.
        file.sample_every = Some(sample_every);
        if file.behavior.enabled {
            file.customers.expected_resolution = Some(expected_resolution);
            for (department, checked) in file.departments.iter_mut().zip(&departments) {
                for (need, checked_need) in department.needs.iter_mut().zip(&checked.needs) {
                    need.expected_delay = Some(need.expected_delay.unwrap_or(checked_need.expected_delay));
                }
            }
        } else {
            file.behavior = BehaviorFile { enabled: false, ..BehaviorFile::default() };
            file.customers.expected_resolution = None;
            file.customers.value = file::default_value();
            for department in &mut file.departments {
                department.skill = file::default_skill();
                department.morale = file::default_morale();
                department.recognition = 0.0;
                department.training = 0.0;
                for need in &mut department.needs {
                    need.silo_delay = 0.0;
                    need.silo_quality_loss = 0.0;
                    need.collaboration = 0.0;
                    need.expected_delay = None;
                }
            }
        }
        file.customers.entry = Some(entry_shares.iter().map(|&(i, share)| (names[i].to_string(), share)).collect());
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
                surges,
                expected_resolution,
                value: file.customers.value,
            },
            departments,
            sample_every,
            behavior_enabled: file.behavior.enabled,
            behavior: file.behavior.clone(),
            resolved: file,
        })
    }
}

impl Scenario {
    /// Sets the number of replications, in the resolved file too.
    pub fn set_replications(&mut self, replications: u32) {
        self.replications = replications;
        self.resolved.replications = replications;
    }

    /// Head count per department, in scenario order.
    pub fn staff(&self) -> Vec<u32> {
        self.departments.iter().map(|department| department.staff).collect()
    }

    /// Sets the master seed, in the resolved file too.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.resolved.seed = seed;
    }
}

/// Checks the `[behavior]` coefficients (also when the layer is off, so a
/// wrong value never waits to bite).
fn check_behavior(checker: &Checker, behavior: &BehaviorFile) -> Result<(), ScenarioError> {
    let unbounded = f64::INFINITY;
    let b = behavior;
    let rules: [(&str, f64, f64, f64); 27] = [
        ("update_interval", b.update_interval, f64::MIN_POSITIVE, unbounded),
        ("morale_slowdown", b.morale_slowdown, 0.0, unbounded),
        ("quality_weight_skill", b.quality_weight_skill, 0.0, 1.0),
        ("quality_weight_morale", b.quality_weight_morale, 0.0, 1.0),
        ("quality_weight_inputs", b.quality_weight_inputs, 0.0, 1.0),
        ("stress_threshold", b.stress_threshold, 0.0, 0.999),
        ("stress_window", b.stress_window, f64::MIN_POSITIVE, unbounded),
        ("rush_speedup", b.rush_speedup, 0.0, 0.9),
        ("rush_quality_loss", b.rush_quality_loss, 0.0, 1.0),
        ("rework_per_defect", b.rework_per_defect, 0.0, unbounded),
        ("rework_cap", b.rework_cap, 0.0, 0.99),
        ("weight_timeliness", b.weight_timeliness, 0.0, 1.0),
        ("weight_quality", b.weight_quality, 0.0, 1.0),
        ("weight_attitude", b.weight_attitude, 0.0, 1.0),
        ("loss_aversion", b.loss_aversion, 0.0, unbounded),
        ("quality_reference", b.quality_reference, 0.01, 0.99),
        ("attitude_reference", b.attitude_reference, 0.01, 0.99),
        ("repeat_penalty", b.repeat_penalty, 0.0, 1.0),
        ("experience_weight", b.experience_weight, 0.0, 1.0),
        ("customer_experience_weight", b.customer_experience_weight, 0.0, 1.0),
        ("contagion_rate", b.contagion_rate, 0.0, unbounded),
        ("negative_contagion_factor", b.negative_contagion_factor, 0.0, unbounded),
        ("stress_morale_rate", b.stress_morale_rate, 0.0, unbounded),
        ("recovery_rate", b.recovery_rate, 0.0, unbounded),
        ("negative_fade_factor", b.negative_fade_factor, 0.0, unbounded),
        ("churn_base", b.churn_base, 0.0, 1.0),
        ("churn_after_bad", b.churn_after_bad, 0.0, 1.0),
    ];
    for (name, value, low, high) in rules {
        checker.within(&[Step::Key("behavior"), Step::Key(name)], &format!("behavior.{name}"), value, low, high)?;
    }
    let sums = [
        (
            "quality_weight_skill + quality_weight_morale + quality_weight_inputs",
            b.quality_weight_skill + b.quality_weight_morale + b.quality_weight_inputs,
        ),
        (
            "weight_timeliness + weight_quality + weight_attitude",
            b.weight_timeliness + b.weight_quality + b.weight_attitude,
        ),
    ];
    for (what, total) in sums {
        if (total - 1.0).abs() > 1e-9 {
            return Err(checker.invalid(
                &[Step::Key("behavior")],
                format!("behavior.{what}"),
                format!("the weights must add up to 1 (they add up to {total})"),
            ));
        }
    }
    Ok(())
}
