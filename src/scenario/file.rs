//! The scenario file as written by a user: plain serde structures that mirror
//! the TOML keys one for one. Every table denies unknown keys, so a typo is an
//! error instead of a silent default. Nothing here is checked beyond types;
//! [`crate::scenario::Scenario::from_file`] does the checking.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::distribution::DistributionSpec;

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
    /// Simulated time per replication.
    pub horizon: f64,
    /// Statistics ignore what starts before this time.
    #[serde(default)]
    pub warmup: f64,
    /// Independent replications to run.
    #[serde(default = "default_replications")]
    pub replications: u32,
    /// Master seed of every random stream.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// External customers.
    pub customers: CustomersFile,
    /// The departments, in the order they are written.
    #[serde(rename = "department", default)]
    pub departments: Vec<DepartmentFile>,
    /// The social layer's switch.
    #[serde(default)]
    pub behavior: BehaviorFile,
}

/// The `[customers]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomersFile {
    /// Poisson arrival rate, per time unit.
    pub arrival_rate: f64,
    /// How long a customer waits for service to start before abandoning;
    /// absent: customers never abandon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patience: Option<DistributionSpec>,
    /// Share of arrivals per front-line department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<BTreeMap<String, f64>>,
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
    /// Parallel servers.
    pub staff: u32,
    /// Staff cost per person per time unit.
    #[serde(default)]
    pub cost_per_time: f64,
    /// Time of the department's own work on a piece of work.
    pub service: DistributionSpec,
    /// Time of the follow-up on a piece of work whose `handoff` replies came
    /// back; absent: the same as `service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followup: Option<DistributionSpec>,
    /// What the department needs from others.
    #[serde(default)]
    pub needs: Vec<NeedFile>,
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

/// The `[behavior]` table.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehaviorFile {
    /// Whether the social layer runs.
    #[serde(default)]
    pub enabled: bool,
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
