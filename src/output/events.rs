//! `orgsim run --events FILE`: replication 0 as an event log in the column
//! names process-mining tools (and `orgsim fit`) read:
//! `case:concept:name,concept:name,org:group,lifecycle:transition,time:timestamp,request_id,parent_id,outcome`.
//!
//! Each visit of a piece of work is a `start` (its service begins) and a
//! `complete` (the server lets it go: a hold stays inside the holder's
//! start–complete), after a `schedule` when it had to queue (when it
//! joined the queue); a customer who gives up waiting is a `withdraw`. The
//! rows of a case are written together when it ends, with its `outcome`
//! (`served` or `abandoned`; empty for a case still open at the horizon),
//! so the file is grouped by case and in time order within each case.
//! Timestamps are RFC 3339 with milliseconds, counted from a start instant.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};

use super::files::{OutputError, failed_at};
use crate::model::{Observer, TraceEvent};

/// The instant time 0 maps to unless `--events-start` says otherwise (a
/// Monday).
pub const DEFAULT_EVENTS_START: &str = "2024-01-01T00:00:00Z";

/// A scenario's `start_time` (seconds of its civil clock since 1970) as
/// the RFC 3339 instant an event log starts at, read as UTC.
pub fn start_instant(start: f64) -> String {
    jiff::Timestamp::from_second(start.floor() as i64)
        .map_or_else(|_| DEFAULT_EVENTS_START.to_string(), |t| t.to_string())
}

/// Seconds in one of the time units an event log can be written in.
pub fn seconds_per_unit(time_unit: &str) -> Option<f64> {
    match time_unit.trim().to_ascii_lowercase().trim_end_matches('s') {
        "second" => Some(1.0),
        "minute" => Some(60.0),
        "hour" => Some(3600.0),
        "day" => Some(86_400.0),
        _ => None,
    }
}

/// Why an event log cannot be written for a scenario.
pub fn check_clock(start: &str, time_unit: &str, horizon: f64) -> Result<(Timestamp, f64), String> {
    let unit = seconds_per_unit(time_unit).ok_or_else(|| {
        format!("--events needs the scenario's time_unit to be second, minute, hour or day (got {time_unit:?})")
    })?;
    let start: Timestamp = start.parse().map_err(|e| {
        format!("--events-start {start:?} is not an RFC 3339 instant such as 2024-01-01T00:00:00Z ({e})")
    })?;
    let end = SignedDuration::try_from_secs_f64(horizon * unit).ok().and_then(|span| start.checked_add(span).ok());
    if end.is_none() {
        return Err(format!(
            "the horizon ({horizon} {time_unit}s from {start}) runs past the last instant a timestamp can hold; use a shorter horizon or an earlier --events-start"
        ));
    }
    Ok((start, unit))
}

/// One row waiting for its case to end.
struct Row {
    department: String,
    transition: &'static str,
    time: f64,
    request: u32,
    parent: Option<u32>,
}

/// Writes replication 0's events as an event log.
pub struct EventLogWriter {
    output: super::target::NamedOutput,
    writer: csv::Writer<BufWriter<File>>,
    start: Timestamp,
    unit: f64,
    open: HashMap<u32, Vec<Row>>,
    error: Option<String>,
}

impl EventLogWriter {
    /// Creates the log (at a temporary name; [`EventLogWriter::finish`]
    /// moves it into place); `clock` from [`check_clock`].
    pub fn create(path: &Path, (start, unit): (Timestamp, f64)) -> Result<Self, OutputError> {
        let (output, file) = super::target::NamedOutput::open(path)?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        writer
            .write_record([
                "case:concept:name",
                "concept:name",
                "org:group",
                "lifecycle:transition",
                "time:timestamp",
                "request_id",
                "parent_id",
                "outcome",
            ])
            .map_err(|e| failed_at(path)(e.into()))?;
        Ok(EventLogWriter { output, writer, start, unit, open: HashMap::new(), error: None })
    }

    fn timestamp(&self, time: f64) -> String {
        let span = SignedDuration::try_from_secs_f64(time * self.unit).unwrap_or(SignedDuration::ZERO);
        let instant = self.start.checked_add(span).unwrap_or(self.start);
        instant.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }

    /// Writes case `case`'s rows with `outcome`.
    fn flush_case(&mut self, case: u32, outcome: &str) {
        let Some(rows) = self.open.remove(&case) else { return };
        for row in rows {
            let record = [
                case.to_string(),
                row.department.clone(),
                row.department,
                row.transition.to_string(),
                self.timestamp(row.time),
                row.request.to_string(),
                row.parent.map_or(String::new(), |p| p.to_string()),
                outcome.to_string(),
            ];
            if let Err(error) = self.writer.write_record(&record) {
                self.error.get_or_insert(error.to_string());
            }
        }
    }

    /// Gives the log up: removes its temporary file.
    pub fn abandon(self) {
        drop(self.writer);
        self.output.abandon();
    }

    /// Writes the cases still open, flushes and moves the log into place.
    pub fn finish(mut self) -> Result<(), OutputError> {
        let mut open: Vec<u32> = self.open.keys().copied().collect();
        open.sort_unstable();
        for case in open {
            self.flush_case(case, "");
        }
        let flushed = match self.error.take() {
            Some(error) => Err(std::io::Error::other(error)),
            None => self.writer.flush(),
        };
        drop(self.writer);
        self.output.finish(flushed)
    }
}

impl Observer for EventLogWriter {
    const TRACE: bool = true;

    fn trace(&mut self, event: &TraceEvent) {
        let transition = match event.event {
            "queue" => "schedule",
            "start" => "start",
            "release" => "complete",
            "abandon" => "withdraw",
            "complete" => return self.flush_case(event.case, "served"),
            _ => return,
        };
        self.open.entry(event.case).or_default().push(Row {
            department: event.department.to_string(),
            transition,
            time: event.time,
            request: event.work,
            parent: event.parent,
        });
        if event.event == "abandon" {
            self.flush_case(event.case, "abandoned");
        }
    }
}
