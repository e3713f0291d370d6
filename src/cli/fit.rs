//! `orgsim fit LOG`: reads a ticket log, estimates a scenario from it,
//! optionally simulates that scenario against the log (`--check`), and
//! writes `scenario.toml`, `fit.csv`, `observations.csv`, `fit-check.csv`
//! and `fit.html`. Every input problem is found before anything is
//! written.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use super::say;
use crate::fit::check::{Comparison, check};
use crate::fit::estimate::{Settings, clean_name, estimate};
use crate::fit::log::{Columns, read_csv};
use crate::fit::scenario_file::{NeedMode, scenario_toml};
use crate::fit::source::is_gzip;
use crate::fit::timestamps::Clock;
use crate::fit::xes::{is_xes, read_xes};
use crate::output;
use crate::scenario::Scenario;

/// The time unit of the fitted scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum TimeUnit {
    Second,
    Minute,
    Hour,
    Day,
}

impl TimeUnit {
    fn name(self) -> &'static str {
        match self {
            TimeUnit::Second => "second",
            TimeUnit::Minute => "minute",
            TimeUnit::Hour => "hour",
            TimeUnit::Day => "day",
        }
    }
}

#[derive(Debug, Args)]
pub(super) struct FitArgs {
    /// The ticket log: a CSV file with one row per event or status update,
    /// or an XES log (.xes, .xes.gz).
    log: PathBuf,
    /// Output folder [default: output/<log name>/fit]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Column of the case identifier.
    #[arg(long, value_name = "COLUMN", default_value = "case:concept:name")]
    case: String,
    /// Column of the event's time.
    #[arg(long, value_name = "COLUMN", default_value = "time:timestamp")]
    time: String,
    /// Column of the team holding the case after the event.
    #[arg(long, value_name = "COLUMN", default_value = "org:group")]
    team: String,
    /// Column of the activity [default: concept:name when present].
    #[arg(long, value_name = "COLUMN")]
    activity: Option<String>,
    /// Column of start/complete [default: lifecycle:transition when present].
    #[arg(long, value_name = "COLUMN")]
    lifecycle: Option<String>,
    /// Column of the case's opened time [default: its first event].
    #[arg(long, value_name = "COLUMN")]
    opened: Option<String>,
    /// Column of the case's resolved time; later rows are ignored for times.
    #[arg(long, value_name = "COLUMN")]
    resolved: Option<String>,
    /// Column of the case's outcome [default: outcome when present].
    #[arg(long, value_name = "COLUMN")]
    outcome: Option<String>,
    /// Column of the row's state [default: incident_state or state when
    /// present]: a case without a resolved time is resolved at its first
    /// row in a resolved state.
    #[arg(long, value_name = "COLUMN")]
    state: Option<String>,
    /// A state that means resolved, repeatable [default: Resolved, Closed;
    /// compared without case].
    #[arg(long = "resolved-state", value_name = "NAME")]
    resolved_states: Vec<String>,
    /// Column of the case's closed time: the last fallback for its
    /// resolution.
    #[arg(long, value_name = "COLUMN")]
    closed: Option<String>,
    /// The outcome of a customer who gave up.
    #[arg(long, value_name = "VALUE", default_value = "abandoned")]
    abandoned_value: String,
    /// The form of every time column (strftime, e.g. "%d-%m-%Y %H:%M")
    /// [default: detected per column].
    #[arg(long, value_name = "FORM")]
    time_format: Option<String>,
    /// A team's head count, TEAM=N (repeatable; the team by its department
    /// or log name). A log without start/complete times needs
    /// --utilization or --work-time for the same team with it.
    #[arg(long = "staff", value_name = "TEAM=N")]
    staff: Vec<String>,
    /// The share of a staffed team's time spent working, TEAM=U (0 < U ≤ 1):
    /// its work time follows by Little's law.
    #[arg(long = "utilization", value_name = "TEAM=U")]
    utilization: Vec<String>,
    /// A staffed team's mean work time per visit, TEAM=MEAN (in the fitted
    /// time unit).
    #[arg(long = "work-time", value_name = "TEAM=MEAN")]
    work_time: Vec<String>,
    /// Head counts for many teams: a CSV file with columns team,staff and
    /// optionally utilization.
    #[arg(long, value_name = "FILE")]
    staff_file: Option<PathBuf>,
    /// The customers' mean patience, in the fitted time unit (above 0, at
    /// most 1e12): for a log that marks abandonment but not the waits of
    /// served customers, where it cannot be estimated.
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    patience_mean: Option<f64>,
    /// A front-line team (repeatable, by department or log name): cases
    /// that began at any other team count as passed on by the busiest
    /// front-line team at their opening [default: every team where cases
    /// began].
    #[arg(long = "front-line", value_name = "TEAM")]
    front_line: Vec<String>,
    /// The field separator of a CSV log: `,` `;` or `tab`.
    #[arg(long, value_name = "SEP", default_value = ",", value_parser = ["," , ";", "tab"])]
    delimiter: String,
    /// IANA time zone of times without an offset; slots are in its local time.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,
    /// Teams kept as departments (1 to 1000); the rest become "Other teams".
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    top: u32,
    /// Minutes per arrival-rate slot (1 to 1440, dividing 1440).
    #[arg(long, value_name = "MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=1440))]
    slot: u32,
    /// Time unit of the fitted scenario.
    #[arg(long, value_enum, default_value = "minute")]
    time_unit: TimeUnit,
    /// Simulate the fitted scenario and compare it with the log (fit-check.csv).
    #[arg(long)]
    check: bool,
    /// With --check: also compare the share of cases resolved within T
    /// (in the time unit; above 0).
    #[arg(long, value_name = "T", requires = "check", allow_negative_numbers = true)]
    within: Option<f64>,
    /// Replications of the check (1 to 100000) [default: 40].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    replications: Option<u32>,
    /// Master seed of the check and of the scenario, 0 to 9223372036854775807 [default: 1].
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=crate::scenario::MOST_SEED))]
    seed: Option<u64>,
    /// Worker threads of the check [default: one per core]; results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    threads: Option<u32>,
    /// The most the log may hold, in MiB once decompressed (1 to 65536): a
    /// guard against a small `.gz` that unpacks into gigabytes.
    #[arg(long, value_name = "MiB", default_value_t = crate::fit::source::DEFAULT_MOST_MIB,
          value_parser = clap::value_parser!(u64).range(1..=crate::fit::source::LARGEST_MOST_MIB))]
    max_log_size: u64,
}

/// Replications of the check unless `--replications` says otherwise: 40
/// puts the 2.5% and 97.5% quantiles one replication in from each end.
const CHECK_REPLICATIONS: u32 = 40;

pub(super) fn fit(args: &FitArgs, quiet: bool) -> Result<()> {
    if 1440 % args.slot != 0 {
        bail!("--slot must divide a day of 1440 minutes (e.g. 15, 30, 60, 120; got {})", args.slot);
    }
    if let Some(within) = args.within
        && !(within.is_finite() && within > 0.0 && within <= crate::scenario::ranges::LONGEST_TIME)
    {
        bail!("--within must be a time above 0 and at most 1e12 (got {})", crate::scenario::ranges::number(within));
    }
    let file = args.log.display().to_string();
    let stem = args.log.file_stem().map_or("log".into(), |s| s.to_string_lossy().into_owned());
    let name = clean_name(&stem, 0);
    let scenario_name = format!("{name}-fitted");
    let seed = args.seed.unwrap_or(1);
    let out = args.out.clone().unwrap_or_else(|| Path::new("output").join(&name).join("fit"));
    output::guard::protect(&args.log);
    output::guard::refuse_inputs(
        &out,
        &["scenario.toml", "fit.csv", "observations.csv", "fit-check.csv", "fit.html"],
        &[],
    )?;
    let opened =
        std::fs::File::open(&args.log).with_context(|| format!("cannot read the log {}", args.log.display()))?;
    if let Some(mean) = args.patience_mean
        && !(mean.is_finite() && mean > 0.0 && mean <= crate::scenario::ranges::LONGEST_TIME)
    {
        bail!(
            "--patience-mean must be a time above 0 and at most 1e12 (got {})",
            crate::scenario::ranges::number(mean)
        );
    }
    let bytes = crate::fit::source::read_log(opened, is_gzip(&file), args.max_log_size, &file)?;
    let columns = Columns {
        case: args.case.clone(),
        time: args.time.clone(),
        team: args.team.clone(),
        activity: args.activity.clone(),
        lifecycle: args.lifecycle.clone(),
        opened: args.opened.clone(),
        resolved: args.resolved.clone(),
        outcome: args.outcome.clone(),
        state: args.state.clone(),
        resolved_states: if args.resolved_states.is_empty() {
            crate::fit::log::default_resolved_states()
        } else {
            args.resolved_states.clone()
        },
        closed: args.closed.clone(),
        abandoned_value: args.abandoned_value.clone(),
        time_format: args.time_format.clone(),
        zone: args.tz.clone(),
        delimiter: match args.delimiter.as_str() {
            ";" => b';',
            "tab" => b'\t',
            _ => b',',
        },
    };
    let log = if is_xes(&file) { read_xes(&bytes, &file, &columns)? } else { read_csv(&bytes, &file, &columns)? };
    let clock = Clock::new(&args.tz)?;
    let unit = args.time_unit.name();
    let settings = Settings {
        top: args.top as usize,
        slot_minutes: args.slot,
        unit_seconds: output::events::seconds_per_unit(unit).unwrap_or(60.0),
        time_unit: unit.to_string(),
        patience_mean: args.patience_mean,
        front_line: args.front_line.clone(),
    };
    let mut fit = estimate(&log, &clock, &settings).with_context(|| format!("cannot fit {file}"))?;
    let given = given_staff(args)?;
    crate::fit::staffing::apply(&mut fit, &given).map_err(anyhow::Error::msg)?;
    let (text, scenario) = fitted_scenario(&fit, &scenario_name, &file, seed, &out)?;
    let comparisons: Option<Vec<Comparison>> = if args.check {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads.map_or(0, |t| t as usize))
            .build()
            .context("cannot start the worker threads")?;
        let replications = args.replications.unwrap_or(CHECK_REPLICATIONS);
        Some(pool.install(|| check(&fit, &scenario, replications, seed, args.within)))
    } else {
        None
    };
    let mut files = vec![
        ("scenario.toml".to_string(), text.into_bytes()),
        ("fit.csv".to_string(), output::fit::fit_csv(&fit)),
        ("observations.csv".to_string(), output::fit::observations_csv(&fit)),
    ];
    if let Some(comparisons) = &comparisons {
        files.push(("fit-check.csv".to_string(), output::fit::check_csv(comparisons)));
    }
    output::write_files(&out, &files)?;
    output::report::write_fit_report(&out)?;
    let summary = output::fit::fit_summary(&fit, comparisons.as_deref());
    say(quiet, &format!("{summary}wrote scenario.toml, fit.csv and fit.html in {}\n", out.display()))
}

/// The head counts given with --staff, --utilization, --work-time and
/// --staff-file.
fn given_staff(args: &FitArgs) -> Result<Vec<crate::fit::staffing::GivenStaff>> {
    use crate::fit::staffing::{GivenStaff, split_assignment};
    let number = |flag: &str, text: &str| -> Result<f64> {
        text.parse::<f64>().ok().filter(|v| v.is_finite()).with_context(|| format!("{flag}: {text:?} is not a number"))
    };
    let mut given: Vec<GivenStaff> = Vec::new();
    let mut add = |team: String, staff: &str, utilization: Option<f64>| -> Result<()> {
        let staff: u32 = staff
            .parse()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
            .with_context(|| format!("--staff {team:?}: {staff:?} is not a head count from 1 to 1000000"))?;
        given.push(GivenStaff { team, staff, utilization, work_time: None });
        Ok(())
    };
    for text in &args.staff {
        let (team, staff) = split_assignment(text).map_err(anyhow::Error::msg)?;
        add(team, &staff, None)?;
    }
    if let Some(path) = &args.staff_file {
        output::guard::protect(path);
        let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
        let header = reader.headers().with_context(|| format!("cannot read {}", path.display()))?.clone();
        let at = |name: &str| header.iter().position(|h| h.trim() == name);
        let (Some(team), Some(staff)) = (at("team"), at("staff")) else {
            bail!("{}: the header must name the columns team,staff (and optionally utilization)", path.display());
        };
        let utilization = at("utilization");
        for (index, record) in reader.records().enumerate() {
            let record = record.with_context(|| format!("{}, line {}", path.display(), index + 2))?;
            let cell = |i: usize| record.get(i).unwrap_or("").trim().to_string();
            let share = match utilization.map(cell).filter(|u| !u.is_empty()) {
                Some(u) => Some(number(&format!("{}, line {}", path.display(), index + 2), &u)?),
                None => None,
            };
            add(cell(team), &cell(staff), share).with_context(|| format!("{}, line {}", path.display(), index + 2))?;
        }
    }
    for (flag, list, is_share) in [("--utilization", &args.utilization, true), ("--work-time", &args.work_time, false)]
    {
        for text in list {
            let (team, value) = split_assignment(text).map_err(anyhow::Error::msg)?;
            let value = number(flag, &value)?;
            let Some(entry) = given.iter_mut().find(|g| g.team == team) else {
                bail!("{flag} {team:?}: give the team's head count with --staff {team:?}=N too");
            };
            if is_share { entry.utilization = Some(value) } else { entry.work_time = Some(value) }
        }
    }
    Ok(given)
}

/// The fitted scenario's text and its checked form: needs that hold, or,
/// where a hold would lie on a loop between staffed departments, that hand
/// off.
fn fitted_scenario(
    fit: &crate::fit::estimate::Fit,
    name: &str,
    file: &str,
    seed: u64,
    out: &Path,
) -> Result<(String, Scenario)> {
    let origin = out.join("scenario.toml").display().to_string();
    let mut last_error = None;
    for mode in [NeedMode::Hold, NeedMode::Handoff] {
        let text = scenario_toml(fit, name, file, seed, mode);
        match Scenario::from_toml_str(&text, &origin) {
            Ok(scenario) => return Ok((text, scenario)),
            Err(error) => last_error = Some(error),
        }
    }
    Err(anyhow::anyhow!("the fitted scenario is not valid: {}", last_error.map_or(String::new(), |e| e.to_string())))
}
