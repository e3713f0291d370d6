//! The replay: replication 0 of a variant, every event of its trace (the
//! same events, in the same order, as `orgsim run --trace` writes) as one
//! JSON document the page animates. Computed once per variant and kept.
//!
//! A replay holds at most [`MOST_EVENTS`] events and [`MOST_BYTES`] bytes.
//! When the whole horizon would hold more (estimated from the traffic
//! equations), the replay covers its first part only, and the document
//! says so in `capped`, a sentence the page shows.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use serde_json::{Value as Json, json};

use crate::model::{Observer, StaffEvent, TraceEvent, load_estimate, simulate_observed};
use crate::readable;
use crate::scenario::Scenario;

/// The most events a replay holds.
pub const MOST_EVENTS: usize = 1_000_000;

/// The most bytes a replay document takes (64 MiB).
pub const MOST_BYTES: usize = 64 << 20;

/// Replays kept for the variants asked for last.
const MOST_KEPT: usize = 4;

/// The kinds of event, in the order the document numbers them.
const KINDS: [&str; 13] = [
    "arrival", "queue", "start", "end", "release", "request", "reply", "rework", "abandon", "transfer", "complete",
    "break", "back",
];

/// Room kept for the document around its events.
const HEAD_ROOM: usize = 1 << 20;

/// Trace events per visit of a department, at most on average (arrival or
/// request, queue, start, end, release, reply or complete), for the
/// estimate of a replay's size.
const EVENTS_PER_VISIT: f64 = 6.0;

/// Writes each event as a row `[time, kind, department, work, case,
/// parent, attitude]` (parent -1 for a customer's own work; attitude only
/// where the event carries one), until the caps.
struct Recorder<'a> {
    names: Vec<&'a str>,
    rows: String,
    events: usize,
    full: bool,
    last_time: f64,
}

impl Observer for Recorder<'_> {
    const TRACE: bool = true;

    fn trace(&mut self, event: &TraceEvent) {
        if self.full {
            return;
        }
        let kind = KINDS.iter().position(|k| *k == event.event).unwrap_or(KINDS.len());
        let department = self.names.iter().position(|n| *n == event.department).unwrap_or(self.names.len());
        let mut row = String::with_capacity(48);
        // The time as the trace CSV writes it (shortest exact decimal).
        let _ = write!(row, "[{},{kind},{department},{},{}", event.time, event.work, event.case);
        match event.parent {
            Some(parent) => {
                let _ = write!(row, ",{parent}");
            }
            None => row.push_str(",-1"),
        }
        if let Some(attitude) = event.attitude {
            let _ = write!(row, ",{}", (attitude * 1000.0).round() / 1000.0);
        }
        row.push(']');
        self.push(&row, event.time);
    }

    /// A person going on a break or back: `[time, kind, department, -1,
    /// -1, -1]` (no work, no case).
    fn staff(&mut self, event: &StaffEvent) {
        if self.full {
            return;
        }
        let kind = KINDS.iter().position(|k| *k == event.event).unwrap_or(KINDS.len());
        let department = self.names.iter().position(|n| *n == event.department).unwrap_or(self.names.len());
        let row = format!("[{},{kind},{department},-1,-1,-1]", event.time);
        self.push(&row, event.time);
    }
}

impl Recorder<'_> {
    /// Appends one row, or marks the replay full at the caps.
    fn push(&mut self, row: &str, time: f64) {
        if self.events >= MOST_EVENTS || self.rows.len() + row.len() + 1 > MOST_BYTES - HEAD_ROOM {
            self.full = true;
            return;
        }
        if self.events > 0 {
            self.rows.push(',');
        }
        self.rows.push_str(row);
        self.events += 1;
        self.last_time = time;
    }
}

/// Events the whole horizon of `scenario`'s replication 0 is expected to
/// hold.
pub fn estimated_events(scenario: &Scenario) -> f64 {
    let load = load_estimate(scenario);
    let visits: f64 =
        load.arrival_rates.iter().zip(&load.rework_share).map(|(rate, rework)| rate / (1.0 - rework.min(0.9))).sum();
    EVENTS_PER_VISIT * visits * scenario.horizon * surge_factor(scenario)
}

/// How much the surges add to the customers over the horizon.
fn surge_factor(scenario: &Scenario) -> f64 {
    let horizon = scenario.horizon;
    let extra: f64 = scenario
        .customers
        .surges
        .iter()
        .map(|s| (s.factor - 1.0).max(0.0) * (s.end.min(horizon) - s.start.min(horizon)))
        .sum();
    1.0 + extra / horizon
}

/// How the page writes the time: the clock, when the period is a day or a
/// week and the unit a clock unit.
fn clock(scenario: &Scenario) -> Json {
    let Some(seconds) = readable::seconds_in(&scenario.time_unit) else { return Json::Null };
    let weekly = match scenario.period.map(|p| p * seconds) {
        Some(period) if (period - 86_400.0).abs() < 1e-6 => false,
        Some(period) if (period - 604_800.0).abs() < 1e-6 => true,
        _ => return Json::Null,
    };
    json!({ "start": scenario.start_time, "seconds_per_unit": seconds, "weekly": weekly })
}

/// The departments: name, front line, staff (constant, by schedule, or
/// `null` when unlimited) and the morale they start with.
fn departments(scenario: &Scenario) -> Vec<Json> {
    scenario
        .departments
        .iter()
        .map(|d| {
            let staff = if d.unlimited {
                Json::Null
            } else if let Some(schedule) = &d.schedule {
                json!({ "period": schedule.period, "starts": schedule.starts, "staff": schedule.staff })
            } else {
                json!({ "period": 1.0, "starts": [0.0], "staff": [d.staff] })
            };
            json!({
                "name": d.name,
                "front_line": d.front_line,
                "staff": staff,
                "peak": d.schedule.as_ref().map_or(d.staff, |s| s.peak()),
                "morale": scenario.behavior_enabled.then_some(d.morale_baseline),
            })
        })
        .collect()
}

/// The replay of `scenario`'s replication 0 (its own seed), as the bytes
/// of its JSON document.
pub fn replay(scenario: &Scenario) -> Vec<u8> {
    let estimate = estimated_events(scenario);
    let mut played = scenario.clone();
    let window = if estimate > MOST_EVENTS as f64 {
        // Events before the cut are those of the whole run: the engine
        // never looks ahead.
        scenario.horizon * 0.9 * MOST_EVENTS as f64 / estimate
    } else {
        scenario.horizon
    };
    played.horizon = window;
    let names = scenario.departments.iter().map(|d| d.name.as_str()).collect();
    let mut recorder = Recorder { names, rows: String::new(), events: 0, full: false, last_time: 0.0 };
    simulate_observed(&played, 0, scenario.seed, &mut recorder);
    let end = if recorder.full { recorder.last_time } else { window };
    let unit = &scenario.time_unit;
    let capped = (end < scenario.horizon).then(|| {
        format!(
            "The replay covers the first {} of {}: a replay holds at most {} events ({} MiB).",
            readable::duration(end, unit),
            readable::duration(scenario.horizon, unit),
            readable::number(MOST_EVENTS as f64),
            MOST_BYTES >> 20
        )
    });
    let head = json!({
        "scenario": scenario.name,
        "seed": scenario.seed,
        "time_unit": unit,
        "horizon": scenario.horizon,
        "warmup": scenario.warmup,
        "end": end,
        "capped": capped,
        "clock": clock(scenario),
        "social": scenario.behavior_enabled,
        "departments": departments(scenario),
        "kinds": KINDS,
        "count": recorder.events,
    });
    let mut document = head.to_string();
    document.pop();
    document.push_str(",\"events\":[");
    document.push_str(&recorder.rows);
    document.push_str("]}");
    document.into_bytes()
}

/// The replays computed last, by variant (its settings and seed).
#[derive(Default)]
pub struct Replays {
    kept: Mutex<VecDeque<(String, Arc<Vec<u8>>)>>,
    computing: Mutex<()>,
}

impl Replays {
    /// The replay of `scenario`, known by `key`: kept, or computed now
    /// (one at a time, so a variant asked for twice at once is computed
    /// once).
    pub fn get(&self, key: &str, scenario: &Scenario) -> Arc<Vec<u8>> {
        let find = || self.kept.lock().expect("replays").iter().find(|(k, _)| k == key).map(|(_, r)| r.clone());
        if let Some(found) = find() {
            return found;
        }
        let _one = self.computing.lock().expect("replay");
        if let Some(found) = find() {
            return found;
        }
        let computed = Arc::new(replay(scenario));
        let mut kept = self.kept.lock().expect("replays");
        kept.push_back((key.to_string(), computed.clone()));
        if kept.len() > MOST_KEPT {
            kept.pop_front();
        }
        computed
    }
}
