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

mod behavior_file;
mod check;
pub mod distribution;
pub mod edit;
mod errors;
pub mod file;
pub mod network;
pub mod ranges;
mod schedule;
mod words;

use std::fmt;

pub use check::breaks::{MOST_BREAKS_PER_SHIFT, misplaced as misplaced_break};
pub use check::robust::{COEFFICIENTS as ROBUST_COEFFICIENTS, RobustRange, TRIPLES as ROBUST_TRIPLES};
pub use check::story::{Baseline, Expectation, Story};
pub use check::sweep::{Design, ParameterSpec, SweepSpec, Values};
pub use check::{DEFAULT_START, MOST_NAME_CHARS, MOST_SEED, day_in, forbidden_in_names, start_time_of};
pub use distribution::{Distribution, DistributionSpec};
pub use errors::ScenarioError;
use errors::{Locator, line_column, plain_types};
pub use file::{
    BehaviorFile, BreakFile, CustomersFile, DepartmentFile, Direction, ExpectFile, Followup, NeedFile, NeedMode,
    ScenarioFile, ShiftFile, Staff, StoryFile, SurgeFile, TransferFile, Warmup,
};
pub use schedule::{Breaks, Schedule};

/// The default organization, compiled into the binary; the same text is
/// `scenarios/baseline.toml`.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/baseline.toml");

/// The label under which the embedded default scenario reports errors.
pub const DEFAULT_ORIGIN: &str = "<embedded default scenario>";

/// A commented starter scenario printed by `orgsim new`.
pub const STARTER_SCENARIO: &str = include_str!("starter.toml");

/// A planner's starter printed by `orgsim new --desk`: one service desk
/// through the day in half-hour slots, shifts, a service-level time, short
/// abandons, FTE hours, the social layer off, every key commented.
pub const DESK_SCENARIO: &str = include_str!("desk.toml");

/// A scenario that passed every check.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name; names the output folder.
    pub name: String,
    /// The story the scenario tells.
    pub description: String,
    /// Label of the time unit.
    pub time_unit: String,
    /// What time 0 stands for: seconds since 1970-01-01T00:00:00 of the
    /// organization's civil clock (`start_time`; default a Monday,
    /// 2024-01-01T00:00:00).
    pub start_time: f64,
    /// Simulated time per replication.
    pub horizon: f64,
    /// The cycle demand repeats on; `None` for a stationary scenario.
    pub period: Option<f64>,
    /// Statistics ignore what starts before this time (0 until an
    /// `"auto"` warm-up is chosen).
    pub warmup: f64,
    /// The warm-up is to be chosen by MSER-5 on a pilot run before the
    /// run ([`crate::experiment::choose_warmup`]; `experiment::run` does it,
    /// a bare `model::simulate` counts from time 0 until it is chosen).
    pub warmup_auto: bool,
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
    /// Hours of one full-time equivalent per day.
    pub fte_hours: f64,
    /// Whether the social layer runs.
    pub behavior_enabled: bool,
    /// The social layer's coefficients (defaults when it is off).
    pub behavior: BehaviorFile,
    /// The checked `[sweep]` table, if the file has one.
    pub sweep: Option<SweepSpec>,
    /// The `[robust]` table's ranges.
    pub robust: Vec<RobustRange>,
    /// The `[story]` table: its baseline, what to look for, what to expect.
    pub story: Option<Story>,
    /// The file with every default written out, for `scenario.toml`.
    pub resolved: ScenarioFile,
}

/// External customers, checked.
#[derive(Debug, Clone)]
pub struct Customers {
    /// Poisson arrival rate; with a profile, its mean over the period.
    pub arrival_rate: f64,
    /// Rates that change through the period; `None` when constant (a
    /// profile of equal values folds into `arrival_rate`).
    pub profile: Option<RateProfile>,
    /// The "answered within" threshold of `service_level`.
    pub service_level_time: Option<f64>,
    /// Customers who give up within this wait count neither for nor
    /// against the service level (0: every abandonment counts).
    pub short_abandon: f64,
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

/// Slots per period when only staff changes through it (shifts with a
/// constant arrival rate): the hours of a day.
pub const SHIFT_SLOTS: usize = 24;

/// Arrival rates by slot, repeating every `every × rates.len()`.
#[derive(Debug, Clone, PartialEq)]
pub struct RateProfile {
    /// Slot length.
    pub every: f64,
    /// Customers per time unit in each slot, scale applied.
    pub rates: Vec<f64>,
}

impl RateProfile {
    /// The rate in force at `time` and when it next changes.
    pub fn segment(&self, time: f64) -> (f64, f64) {
        let mut slot = (time / self.every).floor();
        // Rounding may put a time exactly on a boundary in the slot before.
        if (slot + 1.0) * self.every <= time {
            slot += 1.0;
        }
        let index = (slot as u64 % self.rates.len() as u64) as usize;
        (self.rates[index], (slot + 1.0) * self.every)
    }
}

/// A department, checked.
#[derive(Debug, Clone)]
pub struct Department {
    /// Unique name.
    pub name: String,
    /// Whether external customers arrive here.
    pub front_line: bool,
    /// Parallel servers; 0 when `unlimited`; with shifts, the most on duty
    /// at once.
    pub staff: u32,
    /// Staff by shifts; `None` when constant (a schedule that never changes
    /// is folded into `staff`).
    pub schedule: Option<Schedule>,
    /// An infinite-server department: nobody queues, nobody is stressed,
    /// its cost is the time its servers are busy.
    pub unlimited: bool,
    /// Staff cost per person per time unit.
    pub cost_per_time: f64,
    /// Own work on a piece of work.
    pub service: Distribution,
    /// Mean of `service`.
    pub service_mean: f64,
    /// Follow-up after `handoff` replies return; `None`: the work is done
    /// as soon as the last reply is back.
    pub followup: Option<Distribution>,
    /// Mean of `followup` (0 without one).
    pub followup_mean: f64,
    /// What this department needs from others.
    pub needs: Vec<Need>,
    /// Where its work moves on to, and the cumulative probabilities.
    pub transfers: Vec<Transfer>,
    /// Departments whose idle people may take its waiting work.
    pub overflow: Vec<Overflow>,
    /// Share of scheduled time a person is unavailable (0: none).
    pub shrinkage: f64,
    /// Every person's breaks through the period (shifts with `breaks`).
    pub breaks: Option<Breaks>,
    /// Base quality of its work, training included, at most 1.
    pub skill: f64,
    /// Morale baseline, recognition included, at most 1.
    pub morale_baseline: f64,
    /// Morale as stated (before recognition): service takes its stated time
    /// at this morale.
    pub measured_morale: f64,
}

impl Department {
    /// People available when `scheduled` are on duty: round((1 − s) ×
    /// scheduled), the rest unavailable (shrinkage) in a rotation that
    /// keeps the count constant.
    pub fn available(&self, scheduled: u32) -> u32 {
        if self.shrinkage == 0.0 { scheduled } else { (f64::from(scheduled) * (1.0 - self.shrinkage)).round() as u32 }
    }

    /// People serving in the schedule's segment `segment` (or at the
    /// constant head count) when `away` of those on duty are on a break
    /// (or due one): shrinkage, the department's or each shift's, applies
    /// to the rest.
    pub fn serving(&self, segment: usize, away: u32) -> u32 {
        match &self.schedule {
            Some(schedule) => schedule.serving(segment, away),
            None => self.available(self.staff.saturating_sub(away)),
        }
    }

    /// Mean staff on duty over `[from, to]`; `None` when unlimited.
    pub fn mean_staff(&self, from: f64, to: f64) -> Option<f64> {
        if self.unlimited {
            return None;
        }
        Some(match &self.schedule {
            Some(schedule) if to > from => schedule.mean(from, to),
            Some(schedule) => f64::from(schedule.staff_at(from)),
            None => f64::from(self.staff),
        })
    }

    /// Mean people serving over `[from, to]`: on duty less those on a
    /// break, less shrinkage (before the engine's rounding); `None` when
    /// unlimited. What the load is held against.
    pub fn mean_serving(&self, from: f64, to: f64) -> Option<f64> {
        let on_duty = self.mean_staff(from, to)?;
        let away = match &self.breaks {
            Some(breaks) if to > from => breaks.time(from, to) / (to - from),
            _ => 0.0,
        };
        let kept = match &self.schedule {
            Some(schedule) if to > from => schedule.kept_time(from, to) / (to - from),
            Some(schedule) => schedule.kept[schedule.segment_at(from)],
            None => (1.0 - self.shrinkage) * on_duty,
        };
        Some(if on_duty > 0.0 { kept * (1.0 - away / on_duty).max(0.0) } else { 0.0 })
    }

    /// Staff-time on duty over `[from, to]` (0 when unlimited).
    pub fn staff_time(&self, from: f64, to: f64) -> f64 {
        match &self.schedule {
            _ if self.unlimited => 0.0,
            Some(schedule) => schedule.staff_time(from, to),
            None => f64::from(self.staff) * (to - from),
        }
    }
}

/// One transfer, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transfer {
    /// Index of the department the work moves to.
    pub to: usize,
    /// Probability that a piece of work moves there.
    pub probability: f64,
    /// This and the earlier transfers' probabilities, added up.
    pub cumulative: f64,
}

/// One overflow, checked: work that has waited `after` here may be served
/// by an idle person of `to`, in `service_factor` times its service time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overflow {
    /// Index of the department that helps.
    pub to: usize,
    /// Wait before the work may be taken there.
    pub after: f64,
    /// Service time there as a multiple of the home department's.
    pub service_factor: f64,
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
            let raw = error.message().trim();
            let mut message = plain_types(raw);
            if let Some(range) = field.as_deref().and_then(ranges::for_field) {
                // "invalid value: integer `4294967296`, expected u32",
                // "invalid type: floating point `1.5`, expected u32": say the
                // field's own range instead of the type's.
                let integer = raw.strip_prefix("invalid value: integer `").and_then(|rest| rest.split_once('`'));
                let other = raw
                    .strip_prefix("invalid type: ")
                    .or_else(|| raw.strip_prefix("invalid value: "))
                    .and_then(|rest| rest.split_once(", expected"));
                match (integer, other) {
                    (Some((got, _)), _) => message = format!("must be {} (got {got})", range.describe()),
                    (None, Some((got, _))) => message = format!("must be {} (got {got})", range.describe()),
                    (None, None) => message.push_str(&format!("; valid: {}", range.describe())),
                }
            }
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
        check::check(file, origin, Some(text))
    }

    /// Checks a scenario built in memory (no positions in errors).
    pub fn from_file(file: ScenarioFile, origin: &str) -> Result<Scenario, ScenarioError> {
        check::check(file, origin, None)
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
}

impl Scenario {
    /// Sets the number of replications, in the resolved file too.
    pub fn set_replications(&mut self, replications: u32) {
        self.replications = replications;
        self.resolved.replications = replications;
    }

    /// The slots of the period figures by slot use, as `(every, slots)`:
    /// the rates' slots, or with shifts alone [`SHIFT_SLOTS`] equal slots of
    /// the period; `None` when neither demand nor staff change through it.
    pub fn slot_layout(&self) -> Option<(f64, usize)> {
        match &self.customers.profile {
            Some(profile) => Some((profile.every, profile.rates.len())),
            None if self.departments.iter().any(|d| d.schedule.is_some()) => {
                Some((self.period? / SHIFT_SLOTS as f64, SHIFT_SLOTS))
            }
            None => None,
        }
    }

    /// Whole periods of the slot layout between the warm-up and the
    /// horizon, which figures by slot are folded over; `None` without a
    /// slot layout.
    pub fn whole_periods_counted(&self) -> Option<f64> {
        let (every, slots) = self.slot_layout()?;
        let period = every * slots as f64;
        let first = (self.warmup / period - 1e-9).ceil().max(0.0);
        let last = (self.horizon / period + 1e-9).floor();
        Some((last - first).max(0.0))
    }

    /// Mean staff on duty per department over the counted window
    /// [warmup, horizon], in scenario order (0 for an unlimited one).
    pub fn mean_staff(&self) -> Vec<f64> {
        self.departments.iter().map(|d| d.mean_staff(self.warmup, self.horizon).unwrap_or(0.0)).collect()
    }

    /// Sets the warm-up (a chosen `"auto"` one, or an override), in the
    /// resolved file too.
    pub fn set_warmup(&mut self, warmup: f64) {
        self.warmup = warmup;
        self.warmup_auto = false;
        self.resolved.warmup = file::Warmup::Time(warmup);
    }

    /// Asks for the warm-up to be chosen by MSER-5 before the run.
    pub fn set_warmup_auto(&mut self) {
        self.warmup = 0.0;
        self.warmup_auto = true;
        self.resolved.warmup = file::Warmup::Auto;
    }

    /// Sets the master seed, in the resolved file too.
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = seed;
        self.resolved.seed = seed;
    }

    /// Points the story at another copy of its baseline (a file beside the
    /// resolved scenario), or with `None` makes it stand alone: no baseline,
    /// no expectations; in the resolved file too.
    pub fn set_story_baseline(&mut self, baseline: Option<Baseline>) {
        let (Some(story), Some(file)) = (&mut self.story, &mut self.resolved.story) else { return };
        file.baseline = baseline.as_ref().map(|b| match b {
            Baseline::Embedded => "embedded".to_string(),
            Baseline::File(path) => path.clone(),
        });
        if baseline.is_none() {
            story.expect.clear();
            file.expect.clear();
        }
        story.baseline = baseline;
    }

    /// Drops the `[story]` table (a baseline run as a story's reference).
    pub fn drop_story(&mut self) {
        self.story = None;
        self.resolved.story = None;
    }
}
