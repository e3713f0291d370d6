//! Checking a parsed [`ScenarioFile`] into a [`Scenario`], one section at a
//! time: the run settings here, then [`departments`] (names, staff, needs and
//! the network of needs), [`customers`] (arrivals, entry, surges),
//! [`behavior`] (the social layer), [`sweep`] (the `[sweep]` table),
//! [`robust`] (the `[robust]` table) and [`story`] (the `[story]` table).
//! Every numeric value is held to its range in [`super::ranges`]; the
//! defaults are then written out so the resolved file repeats the run.

mod behavior;
pub mod breaks;
mod customers;
mod departments;
mod overflow;
pub mod robust;
pub mod story;
pub mod sweep;
mod transfers;

use super::errors::{Checker, Locator, Step};
use super::file::{self, BehaviorFile, ScenarioFile};
use super::ranges::{self, FINEST_TICK_PER_SERVICE, MOST_TICKS};
use super::{Department, Scenario, ScenarioError};

/// The largest seed: the largest integer a TOML file can hold.
pub const MOST_SEED: u64 = i64::MAX as u64;

/// One day in `time_unit` when it is a clock unit (`second`, `minute`,
/// `hour`, `day`); `None` for any other label.
pub fn day_in(time_unit: &str) -> Option<f64> {
    match time_unit {
        "second" => Some(86_400.0),
        "minute" => Some(1_440.0),
        "hour" => Some(24.0),
        "day" => Some(1.0),
        _ => None,
    }
}

/// The period of scenarios with shifts but neither `period` nor `rates`:
/// one day in the scenario's unit, or 1440 (a day in minutes) for a unit
/// that is not a clock unit (`validate` warns).
pub fn default_period(time_unit: &str) -> f64 {
    day_in(time_unit).unwrap_or(1_440.0)
}

/// The cycle demand and shifts repeat on, as the file gives it: `period`,
/// else the rates' length, else a day when some department has shifts.
pub(super) fn period_of(file: &ScenarioFile) -> Option<f64> {
    let rates = file.customers.rates.as_ref().map(|r| r.every * r.values.len() as f64);
    let shifts = file.departments.iter().any(|d| d.shifts.is_some()).then(|| default_period(&file.time_unit));
    file.period.or(rates).or(shifts)
}

/// Checks `file`; `text` (when known) gives errors their line and column.
pub(super) fn check(mut file: ScenarioFile, origin: &str, text: Option<&str>) -> Result<Scenario, ScenarioError> {
    let checker = Checker { origin, locator: Locator::new(text) };
    check_run_settings(&checker, &file)?;
    let demand = customers::demand(&checker, &file)?;
    let departments = departments::check(&checker, &file)?;
    let (customers, entry_shares) = customers::check(&checker, &file, &departments, demand)?;
    let sample_every = finest_tick(&checker, &file, &departments, "sample_every", file.sample_every)?;
    behavior::check(&checker, &file.behavior)?;
    if file.behavior.enabled {
        finest_tick(&checker, &file, &departments, "behavior.update_interval", Some(file.behavior.update_interval))?;
    }
    let sweep = sweep::check(&checker, &file)?;
    let robust = robust::check(&checker, &file)?;
    let story = story::check(&checker, &file)?;
    let fte_hours = match file.fte_hours {
        Some(hours) => {
            checker.range(&[Step::Key("fte_hours")], "fte_hours", "fte_hours", hours)?;
            hours
        }
        None => DEFAULT_FTE_HOURS,
    };
    resolve_defaults(&mut file, &departments, &customers, &entry_shares, sample_every);
    Ok(Scenario {
        name: file.name.clone(),
        description: file.description.clone(),
        time_unit: file.time_unit.clone(),
        start_time: start_seconds(&checker, file.start_time.as_ref())?,
        horizon: file.horizon,
        period: customers
            .profile
            .as_ref()
            .map(|p| p.every * p.rates.len() as f64)
            .or(file.period)
            .or(departments.iter().find_map(|d| d.schedule.as_ref().map(|s| s.period))),
        warmup: file.warmup.time().unwrap_or(0.0),
        warmup_auto: file.warmup == file::Warmup::Auto,
        replications: file.replications,
        seed: file.seed,
        customers,
        departments,
        sample_every,
        fte_hours,
        behavior_enabled: file.behavior.enabled,
        behavior: file.behavior.clone(),
        sweep,
        robust,
        story,
        resolved: file,
    })
}

/// Hours of one full-time equivalent per day when the file says nothing.
pub const DEFAULT_FTE_HOURS: f64 = 8.0;

/// Time 0 when the file says nothing: 2024-01-01T00:00:00, a Monday.
pub const DEFAULT_START: f64 = 1_704_067_200.0;

/// What time 0 of `file` stands for, as [`Scenario::start_time`] gives it
/// (the default where the file's `start_time` is absent or invalid).
pub fn start_time_of(file: &ScenarioFile) -> f64 {
    let checker = Checker { origin: "", locator: Locator::new(None) };
    start_seconds(&checker, file.start_time.as_ref()).unwrap_or(DEFAULT_START)
}

/// `start_time` as seconds since 1970-01-01T00:00:00 of the same civil
/// clock (read as UTC): a local date-time, nothing else.
fn start_seconds(checker: &Checker, start: Option<&toml::value::Datetime>) -> Result<f64, ScenarioError> {
    let Some(start) = start else { return Ok(DEFAULT_START) };
    let refuse = |what: &str| {
        checker.invalid(
            &[Step::Key("start_time")],
            "start_time",
            format!("must be a local date and time such as 2025-01-06T06:00:00 ({what}; got {start})"),
        )
    };
    let (Some(date), Some(time)) = (start.date, start.time) else {
        return Err(refuse("both a date and a time"));
    };
    if start.offset.is_some() {
        return Err(refuse("no offset or Z: clock times are the organization's own"));
    }
    let second = time.second.unwrap_or(0);
    let nanosecond = time.nanosecond.unwrap_or(0);
    jiff::civil::Date::new(date.year as i16, date.month as i8, date.day as i8).map_err(|_| refuse("a real date"))?;
    if time.hour > 23 || time.minute > 59 || second > 59 {
        return Err(refuse("a real time of day"));
    }
    let days = days_since_epoch(i64::from(date.year), i64::from(date.month), i64::from(date.day));
    let seconds = days * 86_400 + i64::from(time.hour) * 3_600 + i64::from(time.minute) * 60 + i64::from(second);
    Ok(seconds as f64 + f64::from(nanosecond) * 1e-9)
}

/// Days from 1970-01-01 to a civil date of the proleptic Gregorian
/// calendar (H. Hinnant's `days_from_civil`).
fn days_since_epoch(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let of_era = year - era * 400;
    let of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let of_cycle = of_era * 365 + of_era / 4 - of_era / 100 + of_year;
    era * 146_097 + of_cycle - 719_468
}

/// Whether a character has no place in a name: control characters (a
/// newline, an escape) could forge lines in files and scripts, and the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)
/// make a name read differently from what it is.
pub fn forbidden_in_names(c: char) -> bool {
    c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Whether `name` carries a character [`forbidden_in_names`].
pub(super) fn has_control_characters(name: &str) -> bool {
    name.chars().any(forbidden_in_names)
}

/// The longest name of a scenario or department, in characters: a name
/// labels files, charts and tables.
pub const MOST_NAME_CHARS: usize = 200;

/// Why `name` is too long, if it is.
pub(super) fn too_long(name: &str) -> Option<String> {
    let length = name.chars().count();
    (length > MOST_NAME_CHARS).then(|| format!("is {length} characters long; give a name of at most {MOST_NAME_CHARS}"))
}

fn check_run_settings(checker: &Checker, file: &ScenarioFile) -> Result<(), ScenarioError> {
    let key = Step::Key;
    let name = &file.name;
    if name.trim().is_empty()
        || name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || has_control_characters(name)
    {
        return Err(checker.invalid(
            &[key("name")],
            "name",
            format!(
                "must be a non-empty name without '/', '\\' or control characters (it names the output folder; got {name:?})"
            ),
        ));
    }
    if let Some(why) = too_long(name) {
        return Err(checker.invalid(&[key("name")], "name", why));
    }
    checker.range(&[key("horizon")], "horizon", "horizon", file.horizon)?;
    if let Some(warmup) = file.warmup.time() {
        checker.range(&[key("warmup")], "warmup", "warmup", warmup)?;
        if warmup >= file.horizon {
            return Err(checker.invalid(
                &[key("warmup")],
                "warmup",
                format!(
                    "must be shorter than the horizon {} or \"auto\" (got {})",
                    ranges::number(file.horizon),
                    ranges::number(warmup)
                ),
            ));
        }
    }
    checker.range(&[key("replications")], "replications", "replications", f64::from(file.replications))?;
    // Compared as integers: f64 cannot tell i64::MAX from i64::MAX + 1.
    if file.seed > MOST_SEED {
        return Err(checker.invalid(
            &[key("seed")],
            "seed",
            format!(
                "must be a whole number ≥ 0 and at most {MOST_SEED}, so that scenario.toml can repeat it (got {})",
                file.seed
            ),
        ));
    }
    Ok(())
}

/// A tick (a time-series sample or a morale update) must not be so fine
/// that a replication takes millions of them: at least horizon / 1,000,000
/// and 1/1,000 of the shortest mean service time. Returns the tick, with
/// horizon / 200 when `value` is absent.
fn finest_tick(
    checker: &Checker,
    file: &ScenarioFile,
    departments: &[Department],
    key: &str,
    value: Option<f64>,
) -> Result<f64, ScenarioError> {
    let path: Vec<Step> = key.split('.').map(Step::Key).collect();
    let Some(value) = value else {
        return Ok(file.horizon / 200.0);
    };
    checker.range(&path, key, key, value)?;
    let shortest_service = departments.iter().map(|d| d.service_mean).fold(f64::INFINITY, f64::min);
    let finest = (file.horizon / MOST_TICKS).max(shortest_service * FINEST_TICK_PER_SERVICE);
    if value < finest {
        return Err(checker.invalid(
            &path,
            key,
            format!(
                "must be at least {} (horizon / {} and 1/{} of the shortest mean service time, {}), or a run would take millions of ticks (got {})",
                ranges::number(finest),
                ranges::number(MOST_TICKS),
                ranges::number(1.0 / FINEST_TICK_PER_SERVICE),
                ranges::number(shortest_service),
                ranges::number(value)
            ),
        ));
    }
    Ok(value)
}

/// Writes every default out, so `scenario.toml` repeats the run exactly.
/// With the social layer off its parameters had no effect: they are written
/// as their defaults, so they cannot change any output.
fn resolve_defaults(
    file: &mut ScenarioFile,
    departments: &[Department],
    customers: &super::Customers,
    entry_shares: &[(usize, f64)],
    sample_every: f64,
) {
    file.sample_every = Some(sample_every);
    if file.behavior.enabled {
        file.customers.expected_resolution = Some(customers.expected_resolution);
        for (department, checked) in file.departments.iter_mut().zip(departments) {
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
    let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
    file.customers.entry = Some(entry_shares.iter().map(|&(i, share)| (names[i].to_string(), share)).collect());
    for department in &mut file.departments {
        if department.followup.is_none() {
            department.followup = Some(file::Followup::None);
        }
    }
}
