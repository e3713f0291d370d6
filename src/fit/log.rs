//! A ticket log read into cases: one row per event (or per status
//! snapshot) of a case, columns named by [`Columns`]. Every time column's
//! format is found from all its values ([`super::timestamps`]); cells `?`
//! and empty are missing. What is odd but usable (unsorted rows, exact
//! duplicates, rows without a team, times before the case was opened) is
//! repaired and counted in [`Quality`]; what cannot be read is a
//! [`LogError`] naming the file, the line and the column.

use super::gather::{Builder, Row};
use super::timestamps::{Clock, TimeError, TimeFormat, detect, missing, reads_all};

/// Column names of a log, and how to read them.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The case identifier.
    pub case: String,
    /// The event's time.
    pub time: String,
    /// The team holding the case after the event.
    pub team: String,
    /// The activity; `None`: `concept:name` when present.
    pub activity: Option<String>,
    /// Start/complete of work; `None`: `lifecycle:transition` when present.
    pub lifecycle: Option<String>,
    /// When the case was opened (case level); `None`: its first event.
    pub opened: Option<String>,
    /// When the case was resolved (case level); later rows are ignored.
    pub resolved: Option<String>,
    /// The case's outcome; `None`: `outcome` when present.
    pub outcome: Option<String>,
    /// The row's state (status); `None`: `incident_state` or `state` when
    /// present. A case without a resolved time is resolved at its first row
    /// in one of [`Columns::resolved_states`].
    pub state: Option<String>,
    /// The states that mean resolved (compared without case).
    pub resolved_states: Vec<String>,
    /// The case's closed time: the last fallback for its resolution.
    pub closed: Option<String>,
    /// The outcome of a customer who gave up.
    pub abandoned_value: String,
    /// One strftime form for every time column; `None`: detected per column.
    pub time_format: Option<String>,
    /// IANA zone of times written without an offset.
    pub zone: String,
    /// The field separator: `,`, `;` or a tab.
    pub delimiter: u8,
}

/// The states that mean resolved unless `--resolved-state` says:
/// ServiceNow's and Jira's.
pub fn default_resolved_states() -> Vec<String> {
    vec!["Resolved".to_string(), "Closed".to_string()]
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            case: "case:concept:name".into(),
            time: "time:timestamp".into(),
            team: "org:group".into(),
            activity: None,
            lifecycle: None,
            opened: None,
            resolved: None,
            outcome: None,
            state: None,
            resolved_states: default_resolved_states(),
            closed: None,
            abandoned_value: "abandoned".into(),
            time_format: None,
            zone: "UTC".into(),
            delimiter: b',',
        }
    }
}

/// Where work stands after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Work on the case begins (`start`, `resume`).
    Start,
    /// Work on the case ends (`complete`, `suspend`).
    Complete,
    /// The customer gave up (`withdraw`, `abort`, `ate_abort`).
    Withdraw,
    /// Anything else (`schedule`, `assign`, a status snapshot).
    Other,
}

impl Lifecycle {
    fn read(value: &str) -> Lifecycle {
        match value.trim().to_ascii_lowercase().as_str() {
            "start" | "resume" => Lifecycle::Start,
            "complete" | "suspend" => Lifecycle::Complete,
            "withdraw" | "abort" | "ate_abort" | "pi_abort" => Lifecycle::Withdraw,
            _ => Lifecycle::Other,
        }
    }
}

/// One event of a case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub time: f64,
    /// Index into [`Log::teams`]; `None` when the row names no team.
    pub team: Option<u32>,
    /// Where work stands after it.
    pub lifecycle: Lifecycle,
}

/// How a case ended, as far as the log says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Resolved (or, without outcome and resolved columns, ended).
    Resolved,
    /// The customer gave up.
    Abandoned,
    /// Still open when the log ends.
    Open,
}

/// One case: its events in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Its identifier in the log.
    pub name: String,
    /// When it was opened (seconds since the epoch).
    pub opened: f64,
    /// When it was resolved, where the log says.
    pub resolved: Option<f64>,
    /// How it ended.
    pub outcome: Outcome,
    /// Its events, by time (ties in file order).
    pub events: Vec<Event>,
}

/// What was odd in a log and how much of it there was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quality {
    /// Data rows read.
    pub rows: u64,
    /// Rows earlier than the row before them in the same case (sorted).
    pub unsorted: u64,
    /// Rows equal to an earlier row of the same case (dropped).
    pub duplicates: u64,
    /// Rows without a team (the case stays with its team).
    pub missing_team: u64,
    /// Cases with one event only.
    pub single_event: u64,
    /// Events before their case's opened time, and resolved times before
    /// it (moved to the opened time; a resolved time so read is dropped).
    pub clock_jumps: u64,
    /// Rows after their case's resolved time (ignored for times).
    pub after_resolved: u64,
    /// Cases still open when the log ends (a resolution after the log's
    /// last event included).
    pub open: u64,
    /// Cases without a resolved time, resolved at their first row in a
    /// resolved state.
    pub resolved_by_state: u64,
    /// Cases resolved at their closed time, the last fallback.
    pub resolved_by_closed: u64,
    /// Cases whose resolution falls after the log's last event (counted as
    /// open: the log's window does not see it).
    pub resolved_after_window: u64,
    /// Cases whose opened time differs between rows (the earliest kept).
    pub opened_differs: u64,
    /// The first such case's identifier.
    pub opened_differs_example: Option<String>,
    /// Cases dropped because no row names a team.
    pub dropped_no_team: u64,
    /// Cases dropped because every row comes after their resolution.
    pub dropped_after_resolution: u64,
    /// Civil times a daylight-saving change skipped.
    pub dst_gaps: u64,
    /// Civil times a daylight-saving change repeated.
    pub dst_folds: u64,
}

/// A log read into cases.
#[derive(Debug, Clone, PartialEq)]
pub struct Log {
    /// Team names as the log writes them, in order of first appearance.
    pub teams: Vec<String>,
    /// Cases in order of first appearance.
    pub cases: Vec<Case>,
    /// Whether any event says when work started or completed.
    pub has_lifecycle: bool,
    /// Whether abandoned cases can be told (an outcome column).
    pub has_outcome: bool,
    /// What was odd in it.
    pub quality: Quality,
    /// The time columns' forms.
    pub formats: Vec<(String, String)>,
}

/// Why a log cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}{}: {message}", line.map_or(String::new(), |l| format!(", line {l}")), column.as_ref().map_or(String::new(), |c| format!(", column {c:?}")))]
pub struct LogError {
    /// The log's name.
    pub file: String,
    /// The line (1 is the header), where one is to blame.
    pub line: Option<u64>,
    /// The column, where one is to blame.
    pub column: Option<String>,
    /// What is wrong and what would be valid.
    pub message: String,
}

/// Column positions found in the header.
struct Positions {
    case: usize,
    time: usize,
    team: usize,
    lifecycle: Option<usize>,
    opened: Option<usize>,
    resolved: Option<usize>,
    outcome: Option<usize>,
    state: Option<usize>,
    closed: Option<usize>,
}

/// Reads a CSV log from `bytes`; `file` names it in errors.
pub fn read_csv(bytes: &[u8], file: &str, columns: &Columns) -> Result<Log, LogError> {
    let error = |line: Option<u64>, column: Option<&str>, message: String| LogError {
        file: file.to_string(),
        line,
        column: column.map(str::to_string),
        message,
    };
    // Lines ended by CR LF are read as LF, so that every line number is the
    // file's own.
    let unix: Vec<u8>;
    let bytes = if bytes.windows(2).any(|w| w == b"\r\n") {
        unix = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
            .map(|(_, &b)| b)
            .collect();
        unix.as_slice()
    } else {
        bytes
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).delimiter(columns.delimiter).from_reader(bytes);
    let header = reader.headers().map_err(|e| error(Some(1), None, format!("the header cannot be read: {e}")))?.clone();
    if header.iter().all(|name| name.trim().is_empty()) {
        return Err(error(
            Some(1),
            None,
            "the log is empty or its first line is blank; the first line must name the columns (case, time, team, …)"
                .into(),
        ));
    }
    let positions =
        find_columns(&header, columns).map_err(|(column, message)| error(Some(1), Some(&column), message))?;
    let records = all_records(&mut reader).map_err(|(line, message)| error(line, None, message))?;
    if records.is_empty() {
        return Err(error(None, None, "the log has a header but no rows; export at least one event".into()));
    }
    let line = |record: &csv::StringRecord| record.position().map_or(0, |p| p.line());
    let mut clock = Clock::new(&columns.zone).map_err(|e| error(None, None, e.to_string()))?;
    let named: Vec<(usize, &str)> = [
        Some((positions.time, columns.time.as_str())),
        positions.opened.map(|p| (p, columns.opened.as_deref().unwrap_or(""))),
        positions.resolved.map(|p| (p, columns.resolved.as_deref().unwrap_or(""))),
        positions.closed.map(|p| (p, columns.closed.as_deref().unwrap_or(""))),
    ]
    .into_iter()
    .flatten()
    .collect();
    let found = time_formats(&records, &named, columns.time_format.as_deref()).map_err(|(name, e)| {
        // Point at the first row holding a value no form reads.
        let at = match (&e, named.iter().find(|(_, n)| *n == name)) {
            (TimeError::Unknown { example } | TimeError::OutOfRange { example }, Some((position, _))) => {
                records.iter().find(|r| r.get(*position).map(str::trim) == Some(example.as_str())).map(line)
            }
            _ => None,
        };
        error(at, Some(name), e.to_string())
    })?;
    let formats: Vec<(String, String)> =
        named.iter().zip(&found).map(|((_, n), f)| (n.to_string(), f.to_string())).collect();
    // The forms in the order of `named`: time, then opened, resolved and
    // closed where present.
    let mut rest = found[1..].iter().cloned();
    let opened_format = positions.opened.and_then(|_| rest.next());
    let resolved_format = positions.resolved.and_then(|_| rest.next());
    let closed_format = positions.closed.and_then(|_| rest.next());
    let forms =
        Forms { time: found[0].clone(), opened: opened_format, resolved: resolved_format, closed: closed_format };
    let mut builder = Builder::default();
    for record in &records {
        let row = read_row(record, &positions, columns, &forms, &mut clock)
            .map_err(|(column, message)| error(Some(line(record)), Some(column), message))?;
        builder.add(row);
    }
    let says_resolution = positions.resolved.is_some() || positions.state.is_some() || positions.closed.is_some();
    let mut log = builder.finish(positions.outcome.is_some(), says_resolution);
    log.quality.dst_gaps = clock.gaps;
    log.quality.dst_folds = clock.folds;
    log.formats = formats;
    Ok(log)
}

/// The form of each time column: `--time-format` for all, or each
/// column's own; a column that reads both day-first and month-first takes
/// the civil form another time column of the log settled on, when that
/// reads all its values. `Err((column, why))`.
fn time_formats<'a>(
    records: &[csv::StringRecord],
    named: &[(usize, &'a str)],
    given: Option<&str>,
) -> Result<Vec<TimeFormat>, (&'a str, TimeError)> {
    if let Some(form) = given {
        return Ok(named.iter().map(|_| TimeFormat::Civil(form.to_string())).collect());
    }
    let values: Vec<Vec<&str>> =
        named.iter().map(|(p, _)| records.iter().map(|r| r.get(*p).unwrap_or("")).collect()).collect();
    let detected: Vec<Result<TimeFormat, TimeError>> = values.iter().map(|v| detect(v)).collect();
    let settled: Vec<&str> = detected
        .iter()
        .filter_map(|d| match d {
            Ok(TimeFormat::Civil(form)) => Some(form.as_str()),
            _ => None,
        })
        .collect();
    named
        .iter()
        .zip(&detected)
        .zip(&values)
        .map(|(((_, name), found), values)| match found {
            Ok(format) => Ok(format.clone()),
            Err(TimeError::Ambiguous { .. }) if settled.iter().any(|f| reads_all(f, values)) => {
                let form = settled.iter().find(|f| reads_all(f, values)).copied().unwrap_or_default();
                Ok(TimeFormat::Civil(form.to_string()))
            }
            Err(e) => Err((*name, e.clone())),
        })
        .collect()
}

/// Every record after the header; `Err((line, why))` at the first that
/// cannot be read.
fn all_records(reader: &mut csv::Reader<&[u8]>) -> Result<Vec<csv::StringRecord>, (Option<u64>, String)> {
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    format!(
                        "this row has {len} fields where the header has {expected_len}; quote fields that hold commas"
                    )
                }
                csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8; save the log as UTF-8".to_string(),
                _ => e.to_string(),
            };
            (line, message)
        })?;
        records.push(record);
    }
    Ok(records)
}

/// The forms of the time columns.
struct Forms {
    time: TimeFormat,
    opened: Option<TimeFormat>,
    resolved: Option<TimeFormat>,
    closed: Option<TimeFormat>,
}

/// One record as a row; `Err((column, why))`.
fn read_row<'r, 'c>(
    record: &'r csv::StringRecord,
    positions: &Positions,
    columns: &'c Columns,
    forms: &Forms,
    clock: &mut Clock,
) -> Result<Row<'r>, (&'c str, String)> {
    let cell = |position: usize| record.get(position).unwrap_or("").trim();
    let case = cell(positions.case);
    if missing(case) {
        return Err((&columns.case, "the case identifier is empty; every row needs one".into()));
    }
    let mut read = |position: Option<usize>, format: Option<&TimeFormat>, name: &'c str| match (position, format) {
        (Some(p), Some(f)) => clock.read(f, cell(p)).map_err(|e| (name, e.to_string())),
        _ => Ok(None),
    };
    let Some(time) = read(Some(positions.time), Some(&forms.time), &columns.time)? else {
        return Err((&columns.time, "the event time is empty; every row needs one".into()));
    };
    let opened = read(positions.opened, forms.opened.as_ref(), columns.opened.as_deref().unwrap_or(""))?;
    let resolved = read(positions.resolved, forms.resolved.as_ref(), columns.resolved.as_deref().unwrap_or(""))?;
    let closed = read(positions.closed, forms.closed.as_ref(), columns.closed.as_deref().unwrap_or(""))?;
    let team = cell(positions.team);
    let length = team.chars().count();
    if length > crate::scenario::MOST_NAME_CHARS {
        return Err((
            &columns.team,
            format!(
                "this team name is {length} characters long; a team becomes a department, whose name has at most {} characters",
                crate::scenario::MOST_NAME_CHARS
            ),
        ));
    }
    let outcome = positions.outcome.map(cell).filter(|v| !missing(v));
    Ok(Row {
        case,
        time: seconds(time),
        team: (!missing(team)).then_some(team),
        lifecycle: positions.lifecycle.map_or(Lifecycle::Other, |p| Lifecycle::read(cell(p))),
        opened: opened.map(seconds),
        resolved: resolved.map(seconds),
        abandoned: outcome.map(|v| v.eq_ignore_ascii_case(columns.abandoned_value.trim())),
        resolved_state: positions
            .state
            .map(cell)
            .is_some_and(|state| columns.resolved_states.iter().any(|r| r.trim().eq_ignore_ascii_case(state))),
        closed: closed.map(seconds),
        text: record.iter().collect::<Vec<_>>().join("\u{1f}"),
    })
}

fn seconds(instant: jiff::Timestamp) -> f64 {
    instant.as_millisecond() as f64 / 1000.0
}

/// Finds each named column in the header; `Err((column, message))`.
fn find_columns(header: &csv::StringRecord, columns: &Columns) -> Result<Positions, (String, String)> {
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            return Err((name.to_string(), "this column name appears twice in the header; rename one".into()));
        }
    }
    // A header of one column holding semicolons or tabs was read with the
    // wrong separator.
    let hint = match names.as_slice() {
        [only] if only.contains(';') => "; the header is one column holding semicolons: pass --delimiter ';'",
        [only] if only.contains('\t') => "; the header is one column holding tabs: pass --delimiter tab",
        _ => "",
    };
    let shown = || names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ") + hint;
    let required = |name: &str, flag: &str| {
        names.iter().position(|n| *n == name.trim()).ok_or_else(|| {
            (name.to_string(), format!("no such column; name the right one with {flag} (the header has {})", shown()))
        })
    };
    let optional = |given: &Option<String>, default: Option<&str>, flag: &str| match given {
        Some(name) => required(name, flag).map(Some),
        None => Ok(default.and_then(|d| names.iter().position(|n| *n == d))),
    };
    let _activity = optional(&columns.activity, Some("concept:name"), "--activity")?;
    Ok(Positions {
        case: required(&columns.case, "--case")?,
        time: required(&columns.time, "--time")?,
        team: required(&columns.team, "--team")?,
        lifecycle: optional(&columns.lifecycle, Some("lifecycle:transition"), "--lifecycle")?,
        opened: optional(&columns.opened, None, "--opened")?,
        resolved: optional(&columns.resolved, None, "--resolved")?,
        outcome: optional(&columns.outcome, Some("outcome"), "--outcome")?,
        state: match &columns.state {
            Some(_) => optional(&columns.state, None, "--state")?,
            None => optional(&None, Some("incident_state"), "--state")?.or(optional(&None, Some("state"), "--state")?),
        },
        closed: optional(&columns.closed, None, "--closed")?,
    })
}
