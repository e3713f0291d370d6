//! From a read log to the estimates of a scenario: which teams become
//! departments (the busiest `top`, the rest lumped into `Other teams`),
//! arrival rates by slot of the day or week, the entry split, transfer and
//! need probabilities, each team's time fitted by [`super::families`], its
//! staff where the log shows concurrent work, and patience from abandoned
//! cases.

use super::families::{Fitted, fit_all};
use super::log::{Case, Log, Outcome, Quality};
use super::timestamps::{Clock, SlotGrid};
use super::visits::{Arrival, Trail, trail};

/// How to turn a log into estimates.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Teams kept as departments; the rest are lumped.
    pub top: usize,
    /// Minutes per arrival-rate slot; divides 1440.
    pub slot_minutes: u32,
    /// Seconds per scenario time unit.
    pub unit_seconds: f64,
    /// The time unit's name (`minute`, …).
    pub time_unit: String,
    /// The customers' mean patience in the time unit, when the consultant
    /// knows it (`--patience-mean`); `None`: estimated where it can be.
    pub patience_mean: Option<f64>,
    /// The front-line teams the consultant named (`--front-line`, by
    /// department or log name); empty: every team where cases began.
    pub front_line: Vec<String>,
}

/// The name the lumped teams get.
pub const OTHER_TEAMS: &str = "Other teams";

/// Why a log cannot be fitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FitError {
    /// No case has a team.
    #[error("no row names a team; check the --team column")]
    NoTeams,
    /// `--front-line` names no team of the log.
    #[error("--front-line {0:?}: no such team; the fitted departments are {1}")]
    UnknownFrontLine(String, String),
    /// Cases were all opened at one instant.
    #[error(
        "every case was opened at the same instant, so no arrival rate can be estimated; the log needs cases opened over a stretch of time"
    )]
    NoWindow,
}

/// Time at a team, fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// The sample, in the scenario's time unit.
    pub sample: Vec<f64>,
    /// Every family fitted, best BIC first (empty for fewer than two
    /// distinct positive values).
    pub fitted: Vec<Fitted>,
    /// Whether the sample is work time (start to complete) rather than the
    /// whole time at the team.
    pub is_work: bool,
    /// The log's resolution in the scenario's unit, where it is coarse
    /// enough to matter and the families were fitted by the floored
    /// likelihood ([`super::floored`]); `None`: fitted as exact times.
    pub resolution: Option<f64>,
}

/// Above this Kolmogorov–Smirnov distance no family fits well: the
/// scenario takes the sample mean (unbiased under flooring) with the best
/// family's shape, and `fit` warns.
pub const POOR_FIT_KS: f64 = 0.1;

impl Service {
    /// The sample mean.
    pub fn mean(&self) -> f64 {
        if self.sample.is_empty() { 0.0 } else { self.sample.iter().sum::<f64>() / self.sample.len() as f64 }
    }

    /// Fits every family: by the floored likelihood where the log's
    /// `resolution` (in the scenario's unit) is coarse against the times
    /// (some are zero, or it is at least 1/200 of their median), as exact
    /// times otherwise.
    pub fn fit(&mut self, resolution: Option<f64>) {
        let mut sorted = self.sample.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        let coarse = resolution.filter(|&r| r > 0.0 && (sorted.first() == Some(&0.0) || r >= median / 200.0));
        self.fitted = match coarse {
            Some(r) => super::floored::fit_all(&self.sample, r),
            None => fit_all(&self.sample),
        };
        self.resolution = coarse;
    }

    /// Whether the best family fits poorly (KS above [`POOR_FIT_KS`]).
    pub fn poor_fit(&self) -> bool {
        self.fitted.first().is_some_and(|f| f.ks > POOR_FIT_KS)
    }

    /// The mean the scenario takes: the best family's, or the sample's
    /// when no family fits well or none could be fitted.
    pub fn scenario_mean(&self) -> f64 {
        match self.fitted.first() {
            Some(best) if !self.poor_fit() => best.family.mean(),
            _ => self.mean(),
        }
    }
}

/// One department of the fitted scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Its department name.
    pub name: String,
    /// Visits in the log.
    pub visits: u64,
    /// Visits of resolved cases, the base of its routing probabilities.
    pub routed: u64,
    /// Time at the team.
    pub service: Service,
    /// Servers seen working at once; `None`: unknown (unlimited).
    pub staff: Option<u32>,
    /// Visits that passed the case on to each team (by index).
    pub transfers: Vec<(usize, u64)>,
    /// Visits that asked each team (by index) and got the case back.
    pub needs: Vec<(usize, u64)>,
    /// Cases that began here.
    pub entries: u64,
    /// A work time the consultant gave, with the staff (see
    /// [`super::staffing`]); `None`: the fitted time stands.
    pub given_work: Option<super::staffing::GivenWork>,
}

/// Arrivals in one slot of the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    /// Cases opened in it.
    pub count: u64,
    /// Time the window covered it, in the scenario's unit.
    pub exposure: f64,
}

impl Slot {
    /// Cases per time unit.
    pub fn rate(&self) -> f64 {
        if self.exposure > 0.0 { self.count as f64 / self.exposure } else { 0.0 }
    }
}

/// Patience, fitted exponential with right-censoring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Patience {
    /// The mean: exposure over abandonments.
    pub mean: f64,
    /// Customers who gave up.
    pub abandoned: u64,
    /// Served customers, whose wait says only that patience was longer.
    pub censored: u64,
    /// Whether the mean was given (`--patience-mean`) rather than estimated.
    pub given: bool,
}

/// Everything `fit` estimated.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The settings used.
    pub settings: Settings,
    /// Departments, busiest first.
    pub teams: Vec<Team>,
    /// Each team name in the log and the department it became.
    pub names: Vec<(String, String)>,
    /// Scenario time 0: local midnight (weekly: Monday) before the first
    /// case, seconds since the epoch.
    pub origin: f64,
    /// First and last case opened, seconds since the epoch.
    pub window: (f64, f64),
    /// The last event of the log.
    pub last_event: f64,
    /// Whether rates are by slot of the week.
    pub weekly: bool,
    /// Arrivals per slot.
    pub slots: Vec<Slot>,
    /// Team changes per case in the log, counted on the log's own teams
    /// (before the smaller ones are lumped into one department), over the
    /// cases the check counts.
    pub raw_handoffs_mean: f64,
    /// Patience, where the log shows abandoned cases and the waits of
    /// served ones (or where `--patience-mean` gives it).
    pub patience: Option<Patience>,
    /// Customers who gave up in a log without the waits of served
    /// customers: patience cannot be estimated from them alone.
    pub patience_unknown: Option<u64>,
    /// Whether the log has an outcome column.
    pub has_outcome: bool,
    /// The cases as trails over the departments.
    pub trails: Vec<Trail>,
    /// What was odd in the log.
    pub quality: Quality,
    /// Each time column and the form it was read in.
    pub formats: Vec<(String, String)>,
    /// The log's resolution in seconds: the largest of a day, an hour, a
    /// minute and a second that every time is a multiple of.
    pub resolution_seconds: Option<f64>,
    /// With `--front-line`: the busiest front-line department and the
    /// cases that began elsewhere, counted as passed on by it.
    pub entered_elsewhere: Option<(usize, u64)>,
}

impl Fit {
    /// Seconds since the epoch → scenario time.
    pub fn to_time(&self, seconds: f64) -> f64 {
        (seconds - self.origin) / self.settings.unit_seconds
    }
}

/// Estimates a scenario from `log`, slots in the zone of `clock`.
pub fn estimate(log: &Log, clock: &Clock, settings: &Settings) -> Result<Fit, FitError> {
    let (names, mapping) = departments(log, settings.top)?;
    let cases: Vec<Case> = log
        .cases
        .iter()
        .map(|case| {
            let mut case = case.clone();
            for event in &mut case.events {
                event.team = event.team.map(|t| mapping[t as usize]);
            }
            case
        })
        .collect();
    let mut quality = log.quality.clone();
    let mut trails: Vec<Trail> = Vec::with_capacity(cases.len());
    for case in &cases {
        match trail(case) {
            Some(found) => trails.push(found),
            None if case.events.iter().all(|e| e.team.is_none()) => quality.dropped_no_team += 1,
            None => quality.dropped_after_resolution += 1,
        }
    }
    let entered_elsewhere = enter_at_front_line(&mut trails, log, &names, &mapping, &settings.front_line)?;
    let first = trails.iter().map(|t| t.opened).fold(f64::INFINITY, f64::min);
    let last = trails.iter().map(|t| t.opened).fold(f64::NEG_INFINITY, f64::max);
    if last.partial_cmp(&first) != Some(std::cmp::Ordering::Greater) {
        return Err(FitError::NoWindow);
    }
    let weekly = last - first >= 14.0 * 86_400.0;
    let grid = SlotGrid::new(clock, settings.slot_minutes, weekly);
    let mut slots: Vec<Slot> = grid
        .exposure(first, last)
        .into_iter()
        .map(|seconds| Slot { count: 0, exposure: seconds / settings.unit_seconds })
        .collect();
    for trail in &trails {
        slots[grid.slot_of(trail.opened)].count += 1;
    }
    let last_event = cases.iter().flat_map(|c| c.events.iter().map(|e| e.time)).fold(last, f64::max);
    let mut teams = tally_teams(&trails, &names, log.has_lifecycle, settings.unit_seconds);
    let resolution_seconds =
        super::floored::resolution(cases.iter().flat_map(|c| c.events.iter().map(|e| e.time).chain([c.opened])));
    for team in &mut teams {
        team.service.fit(resolution_seconds.map(|r| r / settings.unit_seconds));
    }
    Ok(Fit {
        settings: settings.clone(),
        teams,
        names: log.teams.iter().zip(&mapping).map(|(raw, &m)| (raw.clone(), names[m as usize].clone())).collect(),
        origin: grid.period_start(first),
        window: (first, last),
        last_event,
        weekly,
        slots,
        raw_handoffs_mean: raw_handoffs_mean(log, (first, last)),
        patience: match settings.patience_mean {
            Some(mean) => Some(Patience { mean, abandoned: 0, censored: 0, given: true }),
            None => super::patience::estimate(&trails, settings.unit_seconds),
        },
        patience_unknown: match settings.patience_mean {
            Some(_) => None,
            None => super::patience::unknown(&trails),
        },
        has_outcome: log.has_outcome,
        trails,
        quality,
        formats: log.formats.clone(),
        resolution_seconds,
        entered_elsewhere,
    })
}

/// With front-line teams named: every case that began elsewhere begins at
/// the busiest of them, which passes it on at once. Returns that team and
/// the cases moved.
fn enter_at_front_line(
    trails: &mut [Trail],
    log: &Log,
    names: &[String],
    mapping: &[u32],
    named: &[String],
) -> Result<Option<(usize, u64)>, FitError> {
    if named.is_empty() {
        return Ok(None);
    }
    let mut chosen: Vec<u32> = Vec::new();
    for name in named {
        let department = log
            .teams
            .iter()
            .position(|raw| raw == name)
            .map(|t| mapping[t])
            .or_else(|| names.iter().position(|n| n == name).map(|d| d as u32));
        let Some(department) = department else {
            let known: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
            return Err(FitError::UnknownFrontLine(name.clone(), known.join(", ")));
        };
        chosen.push(department);
    }
    let mut visits = vec![0u64; names.len()];
    for visit in trails.iter().flat_map(|t| &t.visits) {
        visits[visit.team as usize] += 1;
    }
    let busiest = *chosen.iter().max_by_key(|&&d| (visits[d as usize], std::cmp::Reverse(d))).expect("named");
    let mut moved = 0;
    for trail in trails.iter_mut().filter(|t| !chosen.contains(&t.visits[0].team)) {
        trail.enter_at(busiest);
        moved += 1;
    }
    Ok(Some((busiest as usize, moved)))
}

/// Team changes per case on the log's own teams, over the cases opened in
/// `window`.
fn raw_handoffs_mean(log: &Log, (first, last): (f64, f64)) -> f64 {
    let handoffs: Vec<f64> = log
        .cases
        .iter()
        .filter_map(trail)
        .filter(|t| t.opened >= first && t.opened <= last)
        .map(|t| f64::from(t.handoffs))
        .collect();
    handoffs.iter().sum::<f64>() / handoffs.len().max(1) as f64
}

/// Department names (busiest first; lumped last) and each log team's
/// department index.
fn departments(log: &Log, top: usize) -> Result<(Vec<String>, Vec<u32>), FitError> {
    let mut visits = vec![0u64; log.teams.len()];
    for trail in log.cases.iter().filter_map(trail) {
        for visit in &trail.visits {
            visits[visit.team as usize] += 1;
        }
    }
    let mut order: Vec<usize> = (0..log.teams.len()).filter(|&t| visits[t] > 0).collect();
    if order.is_empty() {
        return Err(FitError::NoTeams);
    }
    order.sort_by(|&a, &b| visits[b].cmp(&visits[a]).then_with(|| log.teams[a].cmp(&log.teams[b])));
    let kept = order.len().min(top.max(1));
    let lumped = order.len() > kept;
    let mut names: Vec<String> = Vec::new();
    let mut mapping = vec![0u32; log.teams.len()];
    for (index, &team) in order.iter().enumerate() {
        if index < kept {
            let mut name = clean_name(&log.teams[team], index);
            if lumped && name == OTHER_TEAMS {
                name = format!("{OTHER_TEAMS} (team)");
            }
            while names.contains(&name) {
                name.push_str(" (2)");
            }
            mapping[team] = names.len() as u32;
            names.push(name);
        } else {
            mapping[team] = kept as u32;
        }
    }
    if lumped {
        names.push(OTHER_TEAMS.to_string());
    }
    Ok((names, mapping))
}

/// A team name orgsim accepts as a department: no control characters,
/// dots or path separators, not empty.
pub fn clean_name(raw: &str, index: usize) -> String {
    let cleaned: String = raw
        .chars()
        .filter(|&c| !crate::scenario::forbidden_in_names(c))
        .map(|c| if matches!(c, '.' | '/' | '\\') { '-' } else { c })
        .take(crate::scenario::MOST_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() { format!("Team {}", index + 1) } else { cleaned.to_string() }
}

/// Visits, routing, service samples and staff per department.
fn tally_teams(trails: &[Trail], names: &[String], lifecycle: bool, unit: f64) -> Vec<Team> {
    let count = names.len();
    let mut visits = vec![0u64; count];
    let mut routed = vec![0u64; count];
    let mut entries = vec![0u64; count];
    let mut transfers = vec![vec![0u64; count]; count];
    let mut needs = vec![vec![0u64; count]; count];
    let mut work: Vec<Vec<f64>> = vec![Vec::new(); count];
    let mut own: Vec<Vec<f64>> = vec![Vec::new(); count];
    let mut spans: Vec<Vec<(f64, f64)>> = vec![Vec::new(); count];
    for trail in trails {
        entries[trail.visits[0].team as usize] += 1;
        let done = trail.outcome == Outcome::Resolved;
        for (index, visit) in trail.visits.iter().enumerate() {
            let team = visit.team as usize;
            visits[team] += 1;
            spans[team].extend(visit.busy);
            if !done {
                continue;
            }
            routed[team] += 1;
            if !(index == 0 && trail.entered_elsewhere) {
                own[team].push(visit.own_time / unit);
                work[team].extend(visit.work.map(|w| w / unit));
            }
            let mut asked = vec![false; count];
            for other in &trail.visits[index + 1..] {
                match other.arrival {
                    Arrival::Transfer(from) if from == index => transfers[team][other.team as usize] += 1,
                    Arrival::Need(from) if from == index => asked[other.team as usize] = true,
                    _ => {}
                }
            }
            for (supplier, _) in asked.iter().enumerate().filter(|(_, a)| **a) {
                needs[team][supplier] += 1;
            }
        }
    }
    let listed = |row: &[u64]| row.iter().enumerate().filter(|(_, n)| **n > 0).map(|(t, n)| (t, *n)).collect();
    (0..count)
        .map(|team| {
            let is_work = lifecycle && !work[team].is_empty();
            Team {
                name: names[team].clone(),
                visits: visits[team],
                routed: routed[team],
                service: Service {
                    sample: if is_work { std::mem::take(&mut work[team]) } else { std::mem::take(&mut own[team]) },
                    fitted: Vec::new(),
                    is_work,
                    resolution: None,
                },
                staff: is_work.then(|| most_at_once(&spans[team])),
                transfers: listed(&transfers[team]),
                needs: listed(&needs[team]),
                entries: entries[team],
                given_work: None,
            }
        })
        .collect()
}

/// The most spans open at one instant (at least 1).
pub fn most_at_once(spans: &[(f64, f64)]) -> u32 {
    let mut changes: Vec<(f64, i32)> = spans.iter().flat_map(|&(from, to)| [(from, 1), (to, -1)]).collect();
    // At equal times an end comes before a start: a server freed and taken
    // again at once is one server.
    changes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut open = 0i32;
    let mut most = 1i32;
    for (_, change) in changes {
        open += change;
        most = most.max(open);
    }
    most as u32
}
