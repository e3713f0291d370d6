//! Timestamps of a ticket log. A column's format is found from all its
//! values at once: RFC 3339 instants (with an offset), or one civil form
//! (ISO 8601 without an offset, day-first or month-first dates) read in the
//! log's time zone. A column whose values read both day-first and
//! month-first (no day above 12 anywhere) is refused with its values shown:
//! only `--time-format` can tell. `?` and empty cells are missing.
//!
//! A civil time that a daylight-saving change skipped (a gap) or repeated
//! (a fold) is read the "compatible" way (RFC 5545: a skipped time moves
//! forward by the gap, a repeated one takes the earlier instant) and
//! counted.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};

/// What a column's dates begin with, to tell day-first from month-first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Year,
    Day,
    Month,
}

/// Civil forms tried, in order of preference within each family.
const CIVIL_FORMATS: [(&str, Order); 16] = [
    ("%Y-%m-%dT%H:%M:%S%.f", Order::Year),
    ("%Y-%m-%dT%H:%M:%S", Order::Year),
    ("%Y-%m-%dT%H:%M", Order::Year),
    ("%Y-%m-%d %H:%M:%S%.f", Order::Year),
    ("%Y-%m-%d %H:%M:%S", Order::Year),
    ("%Y-%m-%d %H:%M", Order::Year),
    ("%d-%m-%Y %H:%M:%S", Order::Day),
    ("%d-%m-%Y %H:%M", Order::Day),
    ("%d/%m/%Y %H:%M:%S", Order::Day),
    ("%d/%m/%Y %H:%M", Order::Day),
    ("%d.%m.%Y %H:%M:%S", Order::Day),
    ("%d.%m.%Y %H:%M", Order::Day),
    ("%m-%d-%Y %H:%M:%S", Order::Month),
    ("%m-%d-%Y %H:%M", Order::Month),
    ("%m/%d/%Y %H:%M:%S", Order::Month),
    ("%m/%d/%Y %H:%M", Order::Month),
];

/// Most example values an ambiguity error shows.
const SHOWN_VALUES: usize = 5;

/// How one column's values are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeFormat {
    /// RFC 3339 instants, each with its own offset.
    Instant,
    /// A civil form (strftime) read in the log's time zone.
    Civil(String),
}

/// Why a time column cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// No known form reads every value.
    #[error(
        "no date-time form reads every value (for instance {example:?}); give the column's form with --time-format, e.g. \"%d-%m-%Y %H:%M\""
    )]
    Unknown {
        /// A value no form read.
        example: String,
    },
    /// A well-formed instant beyond the times orgsim represents.
    #[error(
        "{example:?} is a date-time, but outside the times orgsim can represent ({} to {}); check the log's dates",
        jiff::Timestamp::MIN.strftime("%Y-%m-%d"),
        jiff::Timestamp::MAX.strftime("%Y-%m-%d")
    )]
    OutOfRange {
        /// The value.
        example: String,
    },
    /// Both day-first and month-first read every value.
    #[error(
        "the dates read both day-first and month-first (no day above 12), e.g. {examples}; say which with --time-format \"%d-%m-%Y %H:%M\" or \"%m-%d-%Y %H:%M\""
    )]
    Ambiguous {
        /// Some of the values.
        examples: String,
    },
    /// A value does not match the given or detected form.
    #[error("{value:?} does not match {format:?}")]
    Mismatch {
        /// The value.
        value: String,
        /// The form.
        format: String,
    },
    /// The time zone is not a known IANA name.
    #[error("--tz {0:?} is not a known IANA time zone, such as Europe/Paris or UTC")]
    Zone(String),
}

/// Whether a cell holds no value.
pub fn missing(value: &str) -> bool {
    let value = value.trim();
    value.is_empty() || value == "?"
}

/// Finds the one form that reads every non-missing value of a column.
pub fn detect(values: &[&str]) -> Result<TimeFormat, TimeError> {
    let present: Vec<&str> = values.iter().map(|v| v.trim()).filter(|v| !missing(v)).collect();
    if present.iter().all(|v| v.parse::<Timestamp>().is_ok()) {
        return Ok(TimeFormat::Instant);
    }
    let reads = |format: &str| present.iter().all(|v| DateTime::strptime(format, v).is_ok());
    let viable: Vec<(&str, Order)> = CIVIL_FORMATS.iter().copied().filter(|(format, _)| reads(format)).collect();
    let has = |order: Order| viable.iter().any(|&(_, o)| o == order);
    if has(Order::Day) && has(Order::Month) {
        let mut examples: Vec<String> = Vec::new();
        for value in &present {
            let shown = format!("{value:?}");
            if !examples.contains(&shown) && examples.len() < SHOWN_VALUES {
                examples.push(shown);
            }
        }
        return Err(TimeError::Ambiguous { examples: examples.join(", ") });
    }
    match viable.first() {
        Some((format, _)) => Ok(TimeFormat::Civil((*format).to_string())),
        None => {
            // Blame the first value the form that reads the most values
            // cannot read: in a column of mixed forms, the odd one out.
            let best = CIVIL_FORMATS
                .iter()
                .enumerate()
                .max_by_key(|(index, (f, _))| {
                    (present.iter().filter(|v| DateTime::strptime(f, v).is_ok()).count(), std::cmp::Reverse(*index))
                })
                .map_or("", |(_, (f, _))| *f);
            let instants = present.iter().filter(|v| v.parse::<Timestamp>().is_ok()).count();
            let civil = present.iter().filter(|v| DateTime::strptime(best, v).is_ok()).count();
            let example = present
                .iter()
                .find(|v| {
                    if instants > civil {
                        v.parse::<Timestamp>().is_err()
                    } else {
                        DateTime::strptime(best, v).is_err()
                    }
                })
                .or(present.first())
                .map_or(String::new(), |v| v.to_string());
            // Well formed, only too far from 1970 for a timestamp.
            if example.parse::<jiff::Timestamp>().is_err() && instant_shaped(&example) {
                return Err(TimeError::OutOfRange { example });
            }
            Err(TimeError::Unknown { example })
        }
    }
}

/// Whether `value` is an RFC 3339 instant in form: a civil date-time that
/// parses, followed by an offset or `Z`.
fn instant_shaped(value: &str) -> bool {
    let civil = value.trim_end_matches('Z');
    let civil = match civil.rfind(['+', '-']) {
        Some(at) if at > 10 => &civil[..at],
        _ => civil,
    };
    civil.len() < value.len() && civil.parse::<jiff::civil::DateTime>().is_ok()
}

/// Whether the civil `form` reads every non-missing value.
pub fn reads_all(form: &str, values: &[&str]) -> bool {
    values.iter().map(|v| v.trim()).filter(|v| !missing(v)).all(|v| DateTime::strptime(form, v).is_ok())
}

/// Reads a log's times in one zone, counting daylight-saving gaps and folds.
#[derive(Debug, Clone)]
pub struct Clock {
    zone: TimeZone,
    /// Civil times a change skipped, moved forward.
    pub gaps: u64,
    /// Civil times a change repeated, read as the earlier instant.
    pub folds: u64,
}

impl Clock {
    /// A clock in the IANA zone `name`.
    pub fn new(name: &str) -> Result<Clock, TimeError> {
        let zone = TimeZone::get(name).map_err(|_| TimeError::Zone(name.to_string()))?;
        Ok(Clock { zone, gaps: 0, folds: 0 })
    }

    /// The instant `value` stands for under `format`; `None` when missing.
    pub fn read(&mut self, format: &TimeFormat, value: &str) -> Result<Option<Timestamp>, TimeError> {
        let value = value.trim();
        if missing(value) {
            return Ok(None);
        }
        let mismatch = || TimeError::Mismatch { value: value.to_string(), format: format.to_string() };
        let civil = match format {
            TimeFormat::Instant => return value.parse::<Timestamp>().map(Some).map_err(|_| mismatch()),
            TimeFormat::Civil(form) => DateTime::strptime(form, value).map_err(|_| mismatch())?,
        };
        let ambiguous = self.zone.to_ambiguous_timestamp(civil);
        match ambiguous.offset() {
            AmbiguousOffset::Unambiguous { .. } => {}
            AmbiguousOffset::Gap { .. } => self.gaps += 1,
            AmbiguousOffset::Fold { .. } => self.folds += 1,
        }
        ambiguous.compatible().map(Some).map_err(|_| mismatch())
    }
}

/// Slots of a day (or, `weekly`, of a week from Monday 00:00) in local
/// time, `slot_minutes` long: where instants fall and how long the log's
/// window covered each.
#[derive(Debug, Clone)]
pub struct SlotGrid {
    zone: TimeZone,
    slot_minutes: u32,
    weekly: bool,
}

impl SlotGrid {
    /// The grid in the zone of `clock`; `slot_minutes` divides a day.
    pub fn new(clock: &Clock, slot_minutes: u32, weekly: bool) -> SlotGrid {
        SlotGrid { zone: clock.zone.clone(), slot_minutes, weekly }
    }

    /// Slots in one period.
    pub fn slots(&self) -> usize {
        let per_day = (1440 / self.slot_minutes) as usize;
        if self.weekly { 7 * per_day } else { per_day }
    }

    /// The slot an instant (seconds since the epoch) falls in.
    pub fn slot_of(&self, seconds: f64) -> usize {
        let zoned = self.zone.to_datetime(instant(seconds));
        let minute = zoned.hour() as u32 * 60 + zoned.minute() as u32;
        let in_day = (minute / self.slot_minutes) as usize;
        if self.weekly {
            zoned.weekday().to_monday_zero_offset() as usize * (1440 / self.slot_minutes) as usize + in_day
        } else {
            in_day
        }
    }

    /// Local midnight of the day of `seconds` (weekly: of its week's
    /// Monday), in seconds since the epoch.
    pub fn period_start(&self, seconds: f64) -> f64 {
        let zoned = self.zone.to_datetime(instant(seconds));
        let back = if self.weekly { zoned.weekday().to_monday_zero_offset() as i64 } else { 0 };
        let date = zoned.date().checked_sub(jiff::Span::new().days(back)).unwrap_or(zoned.date());
        self.local(date, 0)
    }

    /// Seconds of `[from, to]` that fall in each slot.
    pub fn exposure(&self, from: f64, to: f64) -> Vec<f64> {
        let mut seconds = vec![0.0; self.slots()];
        let per_day = 1440 / self.slot_minutes;
        let mut date = self.zone.to_datetime(instant(from)).date();
        while self.local(date, 0) < to {
            let day_slot = if self.weekly { date.weekday().to_monday_zero_offset() as u32 * per_day } else { 0 };
            let Ok(next) = date.tomorrow() else { break };
            for slot in 0..per_day {
                let begin = self.local(date, slot * self.slot_minutes);
                let end = if slot + 1 == per_day {
                    self.local(next, 0)
                } else {
                    self.local(date, (slot + 1) * self.slot_minutes)
                };
                seconds[(day_slot + slot) as usize] += (end.min(to) - begin.max(from)).max(0.0);
            }
            date = next;
        }
        seconds
    }

    /// The instant of local `minute` after midnight on `date`.
    fn local(&self, date: jiff::civil::Date, minute: u32) -> f64 {
        let civil = date.at((minute / 60) as i8, (minute % 60) as i8, 0, 0);
        self.zone.to_ambiguous_timestamp(civil).compatible().map_or(f64::NAN, |t| t.as_millisecond() as f64 / 1000.0)
    }
}

/// The instant `seconds` after the epoch.
fn instant(seconds: f64) -> Timestamp {
    Timestamp::from_millisecond((seconds * 1000.0).round() as i64).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl std::fmt::Display for TimeFormat {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeFormat::Instant => formatter.write_str("RFC 3339"),
            TimeFormat::Civil(form) => formatter.write_str(form),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_with_offsets_need_no_zone() {
        let format = detect(&["2024-01-01T08:00:00Z", "?", "2024-01-01T09:30:00.250+01:00"]).unwrap();
        assert_eq!(format, TimeFormat::Instant);
        let mut clock = Clock::new("Asia/Tokyo").unwrap();
        let first = clock.read(&format, "2024-01-01T08:00:00Z").unwrap().unwrap();
        let second = clock.read(&format, "2024-01-01T09:30:00.250+01:00").unwrap().unwrap();
        assert_eq!(second.as_millisecond() - first.as_millisecond(), 30 * 60 * 1000 + 250);
        assert_eq!(clock.read(&format, " ").unwrap(), None);
    }

    #[test]
    fn a_day_above_twelve_tells_day_first_from_month_first() {
        // The ServiceNow export's form.
        let format = detect(&["29-02-2016 04:40", "01-03-2016 09:52", ""]).unwrap();
        assert_eq!(format, TimeFormat::Civil("%d-%m-%Y %H:%M".into()));
        let format = detect(&["02/29/2016 04:40:00", "03/01/2016 09:52:10"]).unwrap();
        assert_eq!(format, TimeFormat::Civil("%m/%d/%Y %H:%M:%S".into()));
        let error = detect(&["01-02-2016 04:40", "03-04-2016 09:52"]).unwrap_err();
        assert!(matches!(&error, TimeError::Ambiguous { examples } if examples.contains("\"01-02-2016 04:40\"")));
        assert!(error.to_string().contains("--time-format"), "{error}");
        let error = detect(&["2016-02-29 04:40", "next tuesday"]).unwrap_err();
        assert_eq!(error, TimeError::Unknown { example: "next tuesday".into() });
    }

    #[test]
    fn daylight_saving_gaps_and_folds_are_read_and_counted() {
        let format = detect(&["2024-03-31 02:30", "2024-10-27 02:30"]).unwrap();
        let mut clock = Clock::new("Europe/Paris").unwrap();
        // 02:30 on 31 March 2024 never happened in Paris: read as 03:30
        // summer time, 01:30 UTC.
        let gap = clock.read(&format, "2024-03-31 02:30").unwrap().unwrap();
        assert_eq!(gap, "2024-03-31T01:30:00Z".parse::<Timestamp>().unwrap());
        // 02:30 on 27 October 2024 happened twice: the earlier, summer time.
        let fold = clock.read(&format, "2024-10-27 02:30").unwrap().unwrap();
        assert_eq!(fold, "2024-10-27T00:30:00Z".parse::<Timestamp>().unwrap());
        assert_eq!((clock.gaps, clock.folds), (1, 1));
        assert!(matches!(Clock::new("Mars/Olympus"), Err(TimeError::Zone(_))));
        assert!(matches!(clock.read(&format, "27/10/2024 02:30"), Err(TimeError::Mismatch { .. })));
    }

    #[test]
    fn slots_follow_local_time_through_a_daylight_saving_change() {
        let clock = Clock::new("Europe/Paris").unwrap();
        let grid = SlotGrid::new(&clock, 60, false);
        let at = |text: &str| text.parse::<Timestamp>().unwrap().as_millisecond() as f64 / 1000.0;
        // 07:30 UTC on 31 March 2024 is 09:30 in Paris (summer time).
        assert_eq!(grid.slot_of(at("2024-03-31T07:30:00Z")), 9);
        assert_eq!(grid.period_start(at("2024-03-31T07:30:00Z")), at("2024-03-30T23:00:00Z"));
        // The day of the change has 23 hours: its 02:00 slot is empty.
        let exposure = grid.exposure(at("2024-03-30T23:00:00Z"), at("2024-03-31T22:00:00Z"));
        assert_eq!(exposure.iter().sum::<f64>(), 23.0 * 3600.0);
        assert_eq!((exposure[1], exposure[2], exposure[3]), (3600.0, 0.0, 3600.0));
        let weekly = SlotGrid::new(&clock, 1440, true);
        // A Sunday is slot 6; its week starts on Monday 25 March.
        assert_eq!(weekly.slot_of(at("2024-03-31T07:30:00Z")), 6);
        assert_eq!(weekly.period_start(at("2024-03-31T07:30:00Z")), at("2024-03-24T23:00:00Z"));
    }
}
