//! The valid range of every numeric scenario key, in one place.
//!
//! Each check of a scenario value looks its range up here, the error says
//! the range in words, README.md and docs/MODEL.md print the same table
//! (a test keeps docs/MODEL.md in step), and the fuzz test draws values at
//! and beyond these bounds. A key added to the scenario schema gets its row
//! here. Ranges that depend on other keys (a warm-up shorter than the
//! horizon, a surge that ends after it starts, the finest morale tick and
//! time-series sample) are checked where those keys meet, and their rule is
//! this table's `note`.

/// The valid values of one numeric key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyRange {
    /// The key as written in a scenario, with `<name>` for list items.
    pub key: &'static str,
    /// Smallest valid value.
    pub low: f64,
    /// Whether `low` itself is invalid (the value must be greater).
    pub low_open: bool,
    /// Largest valid value.
    pub high: f64,
    /// Whether only whole numbers are valid.
    pub whole: bool,
    /// A rule that involves other keys, or "".
    pub note: &'static str,
}

/// The longest time any duration key may state, in time units: far beyond
/// any organization's horizon, and small enough that sums of times stay exact
/// to well under a time unit.
pub const LONGEST_TIME: f64 = 1e12;

/// At most this many changes of a schedule per replication: boundaries of
/// the rate profile's slots, and changes of each department's staff.
pub const MOST_SCHEDULE_CHANGES: f64 = 1e7;

/// At most this many morale updates or time-series samples per replication.
pub const MOST_TICKS: f64 = 1e6;

/// A morale update or time-series sample may not be finer than this share of
/// the shortest mean service time.
pub const FINEST_TICK_PER_SERVICE: f64 = 1e-3;

const fn closed(key: &'static str, low: f64, high: f64) -> KeyRange {
    KeyRange { key, low, low_open: false, high, whole: false, note: "" }
}

const fn above(key: &'static str, low: f64, high: f64) -> KeyRange {
    KeyRange { key, low, low_open: true, high, whole: false, note: "" }
}

const fn whole(key: &'static str, low: f64, high: f64) -> KeyRange {
    KeyRange { key, low, low_open: false, high, whole: true, note: "" }
}

const fn noted(range: KeyRange, note: &'static str) -> KeyRange {
    KeyRange { note, ..range }
}

const T: f64 = LONGEST_TIME;

/// Every numeric key and its range.
pub const RANGES: &[KeyRange] = &[
    above("horizon", 0.0, T),
    noted(closed("warmup", 0.0, T), "shorter than `horizon`; or `\"auto\"` (MSER-5 on a pilot run)"),
    whole("replications", 1.0, 1e6),
    noted(whole("seed", 0.0, 9.223_372_036_854_776e18), "at most 9223372036854775807, the largest TOML integer"),
    noted(
        whole("sweep.samples", 2.0, 1e5),
        "with `design = \"lhs\"` or `\"sobol\"`; a Sobol design at most 65536, with samples × (parameters + 2) at most 100000 points",
    ),
    noted(whole("sweep.seed", 0.0, 9.223_372_036_854_776e18), "the design's seed; absent: the run's seed"),
    noted(closed("robust.skill", -1.0, 1.0), "a shift of every department's skill (`[robust]`, `impact --robust`)"),
    noted(closed("robust.morale", -1.0, 1.0), "a shift of every department's morale (`[robust]`, `impact --robust`)"),
    noted(above("sample_every", 0.0, T), "at least horizon / 1,000,000 and 1/1,000 of the shortest mean service time"),
    noted(
        above("period", 0.0, T),
        "with `customers.rates`, equal to the number of values × `every`; default: that, or with only shifts one day in `time_unit` (1440 minute, 24 hour, 86400 second, 1 day; 1440 for another label, with a warning)",
    ),
    noted(above("customers.arrival_rate", 0.0, 1e9), "or `customers.rates`, never both"),
    noted(
        above("customers.rates.every", 0.0, T),
        "at least horizon / 10,000,000 (at most 10⁷ slot boundaries per replication)",
    ),
    noted(closed("customers.rates.values", 0.0, 1e9), "each; at least one above 0; at most 100000 values"),
    above("customers.rates.scale", 0.0, 1e6),
    noted(above("fte_hours", 0.0, 24.0), "hours of one full-time equivalent per day (default 8): staffing.csv's FTE"),
    closed("customers.service_level_time", 0.0, T),
    noted(
        closed("customers.short_abandon", 0.0, T),
        "customers who give up within it count neither for nor against the service level; needs `service_level_time`",
    ),
    closed("customers.value", 0.0, 1e15),
    above("customers.expected_resolution", 0.0, T),
    closed("customers.entry.<name>", 0.0, 1.0),
    closed("customers.surges.start", 0.0, T),
    noted(above("customers.surges.end", 0.0, T), "later than `start`"),
    closed("customers.surges.factor", 0.0, 1e6),
    noted(whole("department.staff", 1.0, 1e6), "or `\"unlimited\"`; or `shifts`, never both"),
    noted(
        closed("department.shifts.start", 0.0, T),
        "before the end of the period; at most 10⁷ staff changes per replication",
    ),
    noted(above("department.shifts.length", 0.0, T), "at most the period"),
    noted(whole("department.shifts.staff", 1.0, 1e6), "each shift; 1 to 1000 shifts per department"),
    noted(
        closed("department.shifts.shrinkage", 0.0, 0.9),
        "this shift's people; default: the department's `shrinkage`",
    ),
    noted(
        closed("department.shifts.breaks.after", 0.0, T),
        "from the shift's start; at most 10 breaks per shift, in order and apart; after + window + length within the shift",
    ),
    noted(
        above("department.shifts.breaks.length", 0.0, T),
        "each person's break; taken whole, from when the work in hand is done",
    ),
    noted(
        closed("department.shifts.breaks.window", 0.0, T),
        "default 0; person i of n starts at after + window × i / n; at most 100000 breaks per period",
    ),
    closed("department.cost_per_time", 0.0, 1e12),
    closed("department.skill", 0.0, 1.0),
    closed("department.morale", 0.0, 1.0),
    closed("department.recognition", 0.0, 1.0),
    closed("department.training", 0.0, 1.0),
    closed("department.needs.probability", 0.0, 1.0),
    closed("department.needs.silo_delay", 0.0, T),
    closed("department.needs.silo_quality_loss", 0.0, 1.0),
    closed("department.needs.collaboration", 0.0, 1.0),
    above("department.needs.expected_delay", 0.0, T),
    noted(closed("department.transfers.probability", 0.0, 1.0), "each; a department's transfers add up to at most 1"),
    noted(
        closed("department.shrinkage", 0.0, 0.9),
        "share of scheduled time unavailable; round((1 − s) × scheduled) people serve at every moment",
    ),
    noted(
        closed("department.overflow.after", 0.0, T),
        "wait before another team's idle people may take the work; to a known department, not itself, not unlimited, each at most once",
    ),
    noted(
        above("department.overflow.service_factor", 0.0, 100.0),
        "default 1: the helpers' service time over the home team's",
    ),
    above("<distribution>.mean", 0.0, T),
    above("<distribution>.cv", 0.0, 100.0),
    closed("<distribution>.value", 0.0, T),
    noted(closed("<distribution>.min", 0.0, T), "below `max` (uniform); at most `mode` (triangular)"),
    closed("<distribution>.mode", 0.0, T),
    noted(closed("<distribution>.max", 0.0, T), "above `min`; at least `mode` (triangular)"),
    noted(
        above("behavior.update_interval", 0.0, T),
        "at least horizon / 1,000,000 and 1/1,000 of the shortest mean service time",
    ),
    closed("behavior.morale_slowdown", 0.0, 100.0),
    noted(closed("behavior.quality_weight_skill", 0.0, 1.0), "the three quality weights add up to 1"),
    closed("behavior.quality_weight_morale", 0.0, 1.0),
    closed("behavior.quality_weight_inputs", 0.0, 1.0),
    closed("behavior.stress_threshold", 0.0, 0.999),
    above("behavior.stress_window", 0.0, T),
    closed("behavior.rush_speedup", 0.0, 0.9),
    closed("behavior.rush_quality_loss", 0.0, 1.0),
    closed("behavior.rework_per_defect", 0.0, 100.0),
    closed("behavior.rework_cap", 0.0, 0.99),
    noted(closed("behavior.weight_timeliness", 0.0, 1.0), "the three satisfaction weights add up to 1"),
    closed("behavior.weight_quality", 0.0, 1.0),
    closed("behavior.weight_attitude", 0.0, 1.0),
    closed("behavior.loss_aversion", 0.0, 100.0),
    closed("behavior.quality_reference", 0.01, 0.99),
    closed("behavior.attitude_reference", 0.01, 0.99),
    closed("behavior.repeat_penalty", 0.0, 1.0),
    closed("behavior.experience_weight", 0.0, 1.0),
    closed("behavior.customer_experience_weight", 0.0, 1.0),
    closed("behavior.contagion_rate", 0.0, 1e3),
    closed("behavior.negative_contagion_factor", 0.0, 1e3),
    closed("behavior.stress_morale_rate", 0.0, 1e3),
    closed("behavior.recovery_rate", 0.0, 1e3),
    closed("behavior.negative_fade_factor", 0.0, 1e3),
    closed("behavior.churn_base", 0.0, 1.0),
    closed("behavior.churn_after_bad", 0.0, 1.0),
    noted(whole("story.look_for", 0.0, 20.0), "the number of sentences, each 1 to 1000 characters"),
    noted(
        whole("story.expect", 0.0, 50.0),
        "the number of `{ metric, direction }` entries: a metric of `summary.csv`, each once, `direction = \"higher\"` or `\"lower\"`; needs `story.baseline`",
    ),
];

/// `value` to six significant digits: what orgsim writes where a number
/// is drawn or estimated (a design's draws, a fitted time, a plausible
/// range), so it reads as a number rather than as floating-point noise.
pub fn six_digits(value: f64) -> f64 {
    format!("{value:.5e}").parse().unwrap_or(value)
}

/// The range of `key`. Every key a check uses is in [`RANGES`]; a missing
/// one is a programming error that the unit tests catch.
pub fn range(key: &str) -> &'static KeyRange {
    RANGES.iter().find(|range| range.key == key).unwrap_or_else(|| panic!("no range for the scenario key {key}"))
}

/// The range of a field as errors name it (`department "IT".staff`,
/// `customers.surges[0].factor`), if it has one.
pub fn for_field(field: &str) -> Option<&'static KeyRange> {
    // Drop quoted item names and [n] indices: `department "IT".staff` →
    // `department.staff`.
    let mut key = String::new();
    let mut chars = field.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' if chars.peek() == Some(&'"') => {
                chars.next();
                for inner in chars.by_ref() {
                    if inner == '"' {
                        break;
                    }
                }
            }
            '[' => {
                for inner in chars.by_ref() {
                    if inner == ']' {
                        break;
                    }
                }
            }
            other => key.push(other),
        }
    }
    RANGES.iter().find(|range| range.key == key)
}

/// A number as a person reads it: plain when short, in scientific notation
/// when it would take many digits (`6.0e300`, not 300 digits).
pub fn number(value: f64) -> String {
    if value.is_finite() && value != 0.0 && !(1e-4..1e15).contains(&value.abs()) {
        format!("{value:.1e}")
    } else {
        format!("{value}")
    }
}

impl KeyRange {
    /// The nearest value to `value` inside the range (an open lower end
    /// is approached to within a billionth).
    pub fn clamp(&self, value: f64) -> f64 {
        let low = if self.low_open { self.low + 1e-9 * (1.0 + self.low.abs()) } else { self.low };
        value.clamp(low, self.high)
    }

    /// Whether `value` is valid.
    pub fn contains(&self, value: f64) -> bool {
        let low_ok = if self.low_open { value > self.low } else { value >= self.low };
        value.is_finite() && low_ok && value <= self.high && (!self.whole || value.fract() == 0.0)
    }

    /// The range in words, e.g. "a number greater than 0 and at most 1.0e12".
    pub fn describe(&self) -> String {
        let kind = if self.whole { "a whole number" } else { "a number" };
        let low = if self.low_open {
            format!("greater than {}", number(self.low))
        } else {
            format!("≥ {}", number(self.low))
        };
        format!("{kind} {low} and at most {}", number(self.high))
    }

    /// The range as written in the docs' table, e.g. `(0, 1e12]`.
    pub fn interval(&self) -> String {
        let bound = |value: f64| if value >= 1e6 { format!("{value:.0e}") } else { format!("{value}") };
        let open = if self.low_open { "(" } else { "[" };
        let kind = if self.whole { " whole" } else { "" };
        format!("{open}{}, {}]{kind}", bound(self.low), bound(self.high))
    }
}

/// The table of ranges in Markdown, as docs/MODEL.md prints it.
pub fn markdown_table() -> String {
    let mut table = String::from("| key | valid range | also |\n|---|---|---|\n");
    for range in RANGES {
        table.push_str(&format!("| `{}` | {} | {} |\n", range.key, range.interval(), range.note));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_or_open_as_stated() {
        let horizon = range("horizon");
        assert!(!horizon.contains(0.0) && horizon.contains(1e-9) && horizon.contains(LONGEST_TIME));
        assert!(!horizon.contains(f64::NAN) && !horizon.contains(f64::INFINITY) && !horizon.contains(2e12));
        let staff = range("department.staff");
        assert!(staff.contains(1.0) && !staff.contains(0.0) && !staff.contains(1.5) && !staff.contains(4294967295.0));
        assert_eq!(staff.describe(), "a whole number ≥ 1 and at most 1000000");
    }

    #[test]
    fn huge_numbers_are_written_short() {
        assert_eq!(number(6e300), "6.0e300");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(1e-300), "1.0e-300");
    }

    #[test]
    fn every_key_has_one_row() {
        for (index, range) in RANGES.iter().enumerate() {
            assert!(RANGES[..index].iter().all(|earlier| earlier.key != range.key), "{} twice", range.key);
            assert!(range.low <= range.high, "{}", range.key);
        }
    }

    #[test]
    fn docs_model_md_prints_this_table() {
        let doc = include_str!("../../docs/MODEL.md");
        assert!(
            doc.contains(&markdown_table()),
            "docs/MODEL.md must contain the table of valid ranges exactly as ranges::markdown_table() writes it:\n{}",
            markdown_table()
        );
    }
}
