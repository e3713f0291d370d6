//! Gathering a log's rows into cases: each row's case and team found or
//! added, exact duplicates dropped, opened, resolved and closed times taken
//! from the rows, and what was odd counted in [`Quality`]; then each case's
//! resolution settled (its resolved time, else its first row in a resolved
//! state, else its closed time; none after the log's last event).

use std::collections::HashMap;

use super::log::{Case, Event, Lifecycle, Log, Outcome, Quality};

/// One row, read.
pub(super) struct Row<'a> {
    pub(super) case: &'a str,
    pub(super) time: f64,
    pub(super) team: Option<&'a str>,
    pub(super) lifecycle: Lifecycle,
    pub(super) opened: Option<f64>,
    pub(super) resolved: Option<f64>,
    pub(super) abandoned: Option<bool>,
    /// Whether the row's state is a resolved state.
    pub(super) resolved_state: bool,
    pub(super) closed: Option<f64>,
    /// The whole row, to find exact duplicates.
    pub(super) text: String,
}

/// A case being gathered.
struct Gathering {
    name: String,
    opened: Option<f64>,
    resolved: Option<f64>,
    abandoned: Option<bool>,
    /// The earliest row in a resolved state.
    resolved_state: Option<f64>,
    closed: Option<f64>,
    opened_differs: bool,
    events: Vec<Event>,
    seen: std::collections::HashSet<String>,
    last_time: f64,
}

/// Gathers rows into cases and teams.
#[derive(Default)]
pub(super) struct Builder {
    teams: Vec<String>,
    team_index: HashMap<String, u32>,
    cases: Vec<Gathering>,
    case_index: HashMap<String, usize>,
    quality: Quality,
    has_lifecycle: bool,
}

impl Builder {
    pub(super) fn add(&mut self, row: Row) {
        self.quality.rows += 1;
        let index = match self.case_index.get(row.case) {
            Some(&i) => i,
            None => {
                self.case_index.insert(row.case.to_string(), self.cases.len());
                self.cases.push(Gathering {
                    name: row.case.to_string(),
                    opened: None,
                    resolved: None,
                    abandoned: None,
                    resolved_state: None,
                    closed: None,
                    opened_differs: false,
                    events: Vec::new(),
                    seen: Default::default(),
                    last_time: f64::NEG_INFINITY,
                });
                self.cases.len() - 1
            }
        };
        let team = row.team.map(|name| match self.team_index.get(name) {
            Some(&t) => t,
            None => {
                self.team_index.insert(name.to_string(), self.teams.len() as u32);
                self.teams.push(name.to_string());
                self.teams.len() as u32 - 1
            }
        });
        let case = &mut self.cases[index];
        if !case.seen.insert(row.text) {
            self.quality.duplicates += 1;
            return;
        }
        if row.time < case.last_time {
            self.quality.unsorted += 1;
        }
        case.last_time = row.time;
        if team.is_none() {
            self.quality.missing_team += 1;
        }
        self.has_lifecycle |= matches!(row.lifecycle, Lifecycle::Start | Lifecycle::Complete);
        if let (Some(held), Some(read)) = (case.opened, row.opened)
            && held != read
        {
            case.opened_differs = true;
            case.opened = Some(held.min(read));
        }
        case.opened = case.opened.or(row.opened);
        if row.resolved_state {
            case.resolved_state = Some(case.resolved_state.map_or(row.time, |t| t.min(row.time)));
        }
        case.closed = case.closed.or(row.closed);
        case.resolved = case.resolved.or(row.resolved);
        case.abandoned = case.abandoned.or(row.abandoned);
        case.events.push(Event { time: row.time, team, lifecycle: row.lifecycle });
    }

    pub(super) fn finish(mut self, has_outcome: bool, has_resolved: bool) -> Log {
        let quality = &mut self.quality;
        // The log's window ends at its last event: a resolution after it
        // is not seen by the log.
        let window_end =
            self.cases.iter().flat_map(|c| c.events.iter().map(|e| e.time)).fold(f64::NEG_INFINITY, f64::max);
        let cases = self
            .cases
            .into_iter()
            .map(|mut gathering| {
                // A stable sort keeps file order among equal times.
                gathering.events.sort_by(|a, b| a.time.total_cmp(&b.time));
                let first = gathering.events[0].time;
                let opened = gathering.opened.unwrap_or(first);
                for event in gathering.events.iter_mut().filter(|e| e.time < opened) {
                    quality.clock_jumps += 1;
                    event.time = opened;
                }
                if gathering.opened_differs {
                    quality.opened_differs += 1;
                    quality.opened_differs_example.get_or_insert_with(|| gathering.name.clone());
                }
                let mut resolved = gathering.resolved;
                if resolved.is_none() && gathering.resolved_state.is_some() {
                    quality.resolved_by_state += 1;
                    resolved = gathering.resolved_state;
                } else if resolved.is_none() && gathering.closed.is_some() {
                    quality.resolved_by_closed += 1;
                    resolved = gathering.closed;
                }
                if resolved.is_some_and(|r| r > window_end) {
                    quality.resolved_after_window += 1;
                    resolved = None;
                    gathering.abandoned = gathering.abandoned.filter(|&a| a);
                }
                if resolved.is_some_and(|r| r < opened) {
                    quality.clock_jumps += 1;
                    resolved = None;
                }
                if let Some(at) = resolved {
                    quality.after_resolved += gathering.events.iter().filter(|e| e.time > at).count() as u64;
                }
                if gathering.events.len() == 1 {
                    quality.single_event += 1;
                }
                let outcome = match gathering.abandoned {
                    Some(true) => Outcome::Abandoned,
                    Some(false) => Outcome::Resolved,
                    None if resolved.is_some() => Outcome::Resolved,
                    None if has_outcome || has_resolved || gathering.resolved_state.is_some() => Outcome::Open,
                    None => Outcome::Resolved,
                };
                if outcome == Outcome::Open {
                    quality.open += 1;
                }
                Case { name: gathering.name, opened, resolved, outcome, events: gathering.events }
            })
            .collect();
        Log {
            teams: self.teams,
            cases,
            has_lifecycle: self.has_lifecycle,
            has_outcome,
            quality: self.quality,
            formats: Vec::new(),
        }
    }
}
