//! The scenario file as written by a user: plain serde structures that mirror
//! the TOML keys one for one. Every table denies unknown keys, so a typo is an
//! error instead of a silent default. Nothing here is checked beyond types;
//! [`crate::scenario::Scenario::from_file`] does the checking.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use super::behavior_file::BehaviorFile;
use super::distribution::DistributionSpec;
pub use super::words::{Staff, Warmup};

/// A department's follow-up: `"none"`, or the time of its work.
#[derive(Debug, Clone, PartialEq)]
pub enum Followup {
    /// No follow-up: the work is done as soon as the last reply is back.
    None,
    /// A follow-up of this duration, queued like any work.
    Work(DistributionSpec),
}

impl Serialize for Followup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Followup::None => serializer.serialize_str("none"),
            Followup::Work(spec) => spec.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Followup {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(word) if word == "none" => Ok(Followup::None),
            toml::Value::String(word) => Err(D::Error::custom(format!(
                "unknown follow-up {word:?}; give \"none\" or a distribution such as {{ dist = \"exponential\", mean = 2.0 }}"
            ))),
            table @ toml::Value::Table(_) => table
                .try_into()
                .map(Followup::Work)
                .map_err(|e: toml::de::Error| D::Error::custom(e.message().trim().to_string())),
            other => Err(D::Error::custom(format!(
                "give \"none\" or a distribution such as {{ dist = \"exponential\", mean = 2.0 }} (got {other})"
            ))),
        }
    }
}

/// The whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name; names the output folder.
    pub name: String,
    /// The story the scenario tells.
    #[serde(default)]
    pub description: String,
    /// A label for the time unit every time and rate is given in.
    #[serde(default = "default_time_unit")]
    pub time_unit: String,
    /// The local date and time that time 0 stands for (a TOML local
    /// date-time, e.g. `2025-01-06T06:00:00`); default 2024-01-01T00:00:00,
    /// a Monday at midnight. Clock times in charts and files count from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<toml::value::Datetime>,
    /// Simulated time per replication.
    pub horizon: f64,
    /// The cycle demand (and shifts) repeat on; default: the rates' length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<f64>,
    /// Statistics ignore what starts before this time; `"auto"` chooses it.
    #[serde(default)]
    pub warmup: Warmup,
    /// Independent replications to run.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Master seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Interval between rows of `timeseries.csv`; default: horizon / 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_every: Option<f64>,
    /// Hours of one full-time equivalent per day (staffing plans count in
    /// FTE); default 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fte_hours: Option<f64>,
    /// External customers.
    pub customers: CustomersFile,
    /// The departments, in the order they are written.
    #[serde(rename = "department", default)]
    pub departments: Vec<DepartmentFile>,
    /// The social layer's switch.
    #[serde(default)]
    pub behavior: BehaviorFile,
    /// Parameters to sweep (`orgsim sweep`): paths and their values, and
    /// optionally `design = "grid"` or `"one-at-a-time"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<toml::Table>,
    /// Plausible ranges of the assumptions `orgsim impact --robust` varies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robust: Option<toml::Table>,
    /// What the scenario teaches: its baseline, what to look for, and what
    /// should move against the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<StoryFile>,
}

/// The `[story]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoryFile {
    /// The scenario the story changes: a path relative to the story's own
    /// file, or `"embedded"` for the embedded default; absent when the story
    /// stands alone (then it has no expectations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// What to look for, one sentence each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub look_for: Vec<String>,
    /// The metrics that should move against the baseline, and which way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<ExpectFile>,
}

/// One entry of a story's `expect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectFile {
    /// A metric of `summary.csv`, e.g. `ext_churn_rate` or
    /// `department.IT.morale_mean`.
    pub metric: String,
    /// Which way it should move against the baseline.
    pub direction: Direction,
}

/// Which way a metric should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The story's value above the baseline's.
    Higher,
    /// The story's value below the baseline's.
    Lower,
}

impl Direction {
    /// As written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

/// The `[customers]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomersFile {
    /// Poisson arrival rate, per time unit (or `rates`, never both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_rate: Option<f64>,
    /// Arrival rates that change through the period (or `arrival_rate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rates: Option<RatesFile>,
    /// "Answered within": the wait under which a front-line customer counts
    /// as served in time (`service_level` in intervals.csv).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_level_time: Option<f64>,
    /// Customers who give up within this wait are left out of the service
    /// level's count and total (as planners do); absent: none are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_abandon: Option<f64>,
    /// How long a customer waits for service to start before abandoning;
    /// absent: customers never abandon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<DistributionSpec>,
    /// Share of arrivals per front-line department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<BTreeMap<String, f64>>,
    /// Periods when the arrival rate is multiplied by a factor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub surges: Vec<SurgeFile>,
    /// Resolution time customers expect; default: twice the mean front-line
    /// service time (social layer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_resolution: Option<f64>,
    /// What a customer is worth: the revenue lost when one leaves (social
    /// layer).
    #[serde(default = "default_value")]
    pub value: f64,
}

/// Arrival rates in consecutive slots of length `every` from time 0,
/// repeating every period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatesFile {
    /// Slot length.
    pub every: f64,
    /// Customers per time unit in each slot.
    pub values: Vec<f64>,
    /// Multiplier of every value ("+10% demand" is 1.1).
    #[serde(default = "default_scale")]
    pub scale: f64,
}

/// The rates' default scale: 1.
pub fn default_scale() -> f64 {
    1.0
}

/// One shift: `staff` people from `start` (within the period) for
/// `length`; it may wrap past the period's end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftFile {
    /// When it starts, within the period.
    pub start: f64,
    /// How long it lasts.
    pub length: f64,
    /// People on it.
    pub staff: u32,
    /// Share of this shift's time its people are unavailable (meetings,
    /// training, absence); absent: the department's `shrinkage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<f64>,
    /// Breaks every person of the shift takes, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breaks: Vec<BreakFile>,
}

/// A break each person of a shift takes: `length` long, starting `after`
/// the shift's start; the people of the shift spread their starts evenly
/// over `window` (person i of n at `after + window × i / n`). A person
/// busy when the break is due starts it on finishing the work in hand, and
/// takes the whole `length`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakFile {
    /// When the first break starts, from the shift's start.
    pub after: f64,
    /// How long each break lasts.
    pub length: f64,
    /// The stretch over which the people's break starts are spread (0:
    /// all at `after`).
    #[serde(default)]
    pub window: f64,
}

impl DepartmentFile {
    /// One more person (or more) at every moment: on the head count, or on
    /// every shift; unlimited staff stays unlimited.
    pub fn add_staff(&mut self, more: u32) {
        if let Some(staff) = &mut self.staff {
            *staff += more;
        }
        for shift in self.shifts.iter_mut().flatten() {
            shift.staff = shift.staff.saturating_add(more);
        }
    }

    /// Whether the department has as many servers as there is work.
    pub fn unlimited(&self) -> bool {
        self.staff == Some(Staff::Unlimited)
    }

    /// The head count, or with shifts the mean on duty over `period`;
    /// `None` when unlimited.
    pub fn mean_staff(&self, period: Option<f64>) -> Option<f64> {
        match (&self.shifts, self.staff) {
            (Some(shifts), _) => {
                // `period()` gives every scenario with shifts a period.
                let period = period.unwrap_or_else(|| super::check::default_period(""));
                Some(shifts.iter().map(|s| f64::from(s.staff) * s.length.min(period)).sum::<f64>() / period)
            }
            (None, Some(staff)) => staff.count().map(f64::from),
            (None, None) => None,
        }
    }
}

impl ScenarioFile {
    /// The cycle demand and shifts repeat on: `period`, else the rates'
    /// length, else a day when some department has shifts.
    pub fn period(&self) -> Option<f64> {
        super::check::period_of(self)
    }
}

/// A period of higher (or lower) demand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurgeFile {
    /// When it starts.
    pub start: f64,
    /// When it ends.
    pub end: f64,
    /// Arrival rate multiplier during it.
    pub factor: f64,
}

/// One `[[department]]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentFile {
    /// Unique name (spaces allowed, dots not).
    pub name: String,
    /// Whether external customers arrive here.
    #[serde(default)]
    pub front_line: bool,
    /// Parallel servers, or `"unlimited"` (or `shifts`, never both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<Staff>,
    /// Staff by shifts repeating every period (or `staff`, never both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shifts: Option<Vec<ShiftFile>>,
    /// Staff cost per person per time unit.
    #[serde(default)]
    pub cost_per_time: f64,
    /// Time of the department's own work on a piece of work.
    pub service: DistributionSpec,
    /// Time of the follow-up on a piece of work whose `handoff` replies came
    /// back; absent or `"none"`: the work is done as soon as the last reply
    /// is back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followup: Option<Followup>,
    /// What the department needs from others.
    #[serde(default)]
    pub needs: Vec<NeedFile>,
    /// Where work goes after this department (Markov routing): to exactly
    /// one of these with their probabilities, otherwise it is done here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<TransferFile>,
    /// Share of scheduled time a person is unavailable (breaks, meetings,
    /// training, absence): `round((1 − s) × scheduled)` people are
    /// available at every moment; absent: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shrinkage: Option<f64>,
    /// Other departments whose idle people may take this department's work
    /// once it has waited long enough (multi-skill pooling).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overflow: Vec<OverflowFile>,
    /// Base quality of the department's work, 0..1 (social layer).
    #[serde(default = "default_skill")]
    pub skill: f64,
    /// Morale baseline, 0..1 (social layer).
    #[serde(default = "default_morale")]
    pub morale: f64,
    /// Intervention: raises the morale baseline by this much (social layer).
    #[serde(default)]
    pub recognition: f64,
    /// Intervention: raises skill by this much (social layer).
    #[serde(default)]
    pub training: f64,
}

/// One entry of a department's `needs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedFile {
    /// The supplier department.
    pub dept: String,
    /// Probability that a piece of work needs this supplier.
    pub probability: f64,
    /// How the requester waits for the reply.
    pub mode: NeedMode,
    /// Service agreement: the supplier serves these requests before work
    /// without one.
    #[serde(default)]
    pub priority: bool,
    /// Extra delay before a request reaches the supplier (social layer).
    #[serde(default)]
    pub silo_delay: f64,
    /// Share of a reply's quality lost on the way back (social layer).
    #[serde(default)]
    pub silo_quality_loss: f64,
    /// Intervention: share of the silo delay and loss removed (social layer).
    #[serde(default)]
    pub collaboration: f64,
    /// Reply delay the requester expects; default: twice the supplier's mean
    /// service time (social layer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_delay: Option<f64>,
}

/// One entry of a department's `transfers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferFile {
    /// The department the work moves to.
    pub dept: String,
    /// Probability that a piece of work moves there.
    pub probability: f64,
}

/// One entry of a department's `overflow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverflowFile {
    /// The department whose idle people may help.
    pub dept: String,
    /// How long work waits here before they may take it.
    pub after: f64,
    /// Their service time as a multiple of this department's (default 1).
    #[serde(default = "one")]
    pub service_factor: f64,
}

fn one() -> f64 {
    1.0
}

/// How a requester waits for an internal reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NeedMode {
    /// The server waits with the work in hand and stays busy until the reply.
    Hold,
    /// The work is parked, the server takes other work; the reply puts the
    /// work back in the queue for a follow-up.
    Handoff,
}

/// A department's skill when the file gives none.
pub fn default_skill() -> f64 {
    0.8
}

/// A department's morale baseline when the file gives none.
pub fn default_morale() -> f64 {
    0.7
}

pub(crate) fn default_value() -> f64 {
    1.0
}

fn default_time_unit() -> String {
    "minute".to_string()
}

fn default_replications() -> u32 {
    10
}

fn default_seed() -> u64 {
    1
}
