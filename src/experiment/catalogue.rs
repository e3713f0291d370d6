//! The one catalogue of metrics as a person reads them: each metric's
//! label, unit and direction (whether more is better), for tables,
//! charts, headlines and terminal tables. CSV columns, error messages and
//! `--help` keep the keys users type (`ext_wait_mean`); what a person
//! reads says "Mean wait before service". Values are written by the one
//! number formatter, [`crate::readable`].

use super::metrics::{KEY_METRICS, higher_is_better};
use crate::readable;

/// What a metric's numbers measure, which says how to write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A time, in the scenario's time unit.
    Time,
    /// A share of a whole (0–1), written as a percentage.
    Share,
    /// A score on the 0–1 scale (satisfaction, morale, quality).
    Score,
    /// Money, in the scenario's currency.
    Money,
    /// Money per time unit.
    MoneyPerTime,
    /// A count (customers, requests, episodes) or a mean count.
    Count,
}

impl Unit {
    /// The factor and suffix that write values of about `size` in this
    /// unit (`time_unit`: the scenario's): minutes, hours or days as they
    /// read best for times, percent for shares.
    fn scale(self, size: f64, time_unit: &str) -> (f64, String) {
        match self {
            Unit::Time => {
                let (factor, name) = readable::duration_unit(size, time_unit);
                (factor, format!(" {name}"))
            }
            Unit::Share => (100.0, "%".into()),
            Unit::MoneyPerTime => (1.0, format!("/{}", readable::short_unit(time_unit))),
            Unit::Score | Unit::Money | Unit::Count => (1.0, String::new()),
        }
    }

    /// How a chart axis shows this unit: the factor its values are drawn
    /// at and the words after the axis title (" (%)", " (minutes)").
    pub fn axis(self, time_unit: &str) -> (f64, String) {
        match self {
            Unit::Share => (100.0, " (%)".into()),
            Unit::Time => (1.0, format!(" ({time_unit}s)")),
            Unit::MoneyPerTime => (1.0, format!(" (per {time_unit})")),
            Unit::Score | Unit::Money | Unit::Count => (1.0, String::new()),
        }
    }

    /// `value` written in this unit (`time_unit`: the scenario's).
    pub fn format(self, value: f64, time_unit: &str) -> String {
        if !value.is_finite() {
            return readable::number(value);
        }
        let (factor, suffix) = self.scale(value.abs(), time_unit);
        format!("{}{suffix}", readable::number(value * factor))
    }

    /// A change of `value`, with its sign ("+3.2 min", "-1.5%").
    pub fn format_change(self, value: f64, time_unit: &str) -> String {
        let text = self.format(value, time_unit);
        if value > 0.0 { format!("+{text}") } else { text }
    }

    /// An interval, its unit written once ("-1.2 – 3.4 min").
    pub fn format_interval(self, low: f64, high: f64, time_unit: &str) -> String {
        let size = low.abs().max(high.abs());
        if !size.is_finite() {
            return readable::interval(low, high);
        }
        let (factor, suffix) = self.scale(size, time_unit);
        format!("{}{suffix}", readable::interval(low * factor, high * factor))
    }
}

/// A metric as a person reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    /// Its label ("Mean wait before service", "IT: reply delay it gives").
    pub label: String,
    /// Its unit.
    pub unit: Unit,
    /// `Some(true)`: more is better; `Some(false)`: more is worse.
    pub higher_is_better: Option<bool>,
}

/// The front lines' staff-weighted mean morale, a figure of the chain.
pub const FRONT_MORALE: &str = "front_morale_mean";

/// Organization-wide metrics not among [`KEY_METRICS`].
const OTHERS: [(&str, &str, Unit); 13] = [
    ("ext_served", "Customers served", Unit::Count),
    ("ext_abandoned", "Customers who gave up", Unit::Count),
    ("ext_in_system_end", "Customers still open at the end", Unit::Count),
    ("ext_open_share", "Still open at the end", Unit::Share),
    ("ext_wait_prob", "Customers who waited", Unit::Share),
    ("ext_wait_p90", "Wait before service, 90th percentile", Unit::Time),
    ("ext_service_level", "Answered within the service-level time", Unit::Share),
    ("ext_resolution_p90", "Resolution time, 90th percentile", Unit::Time),
    ("ext_handling_cost_mean", "Front-line cost per served customer", Unit::Money),
    ("int_cost_mean", "Cost per internal request", Unit::Money),
    ("revenue_at_risk_rate", "Revenue at risk per time unit", Unit::MoneyPerTime),
    (FRONT_MORALE, "Front-line morale (0–1)", Unit::Score),
    ("service_level", "Service level", Unit::Share),
];

/// A department's metrics (`department.<name>.<key>`).
const PER_DEPARTMENT: [(&str, &str, Unit); 19] = [
    ("utilization", "busy share of staff time", Unit::Share),
    ("queue_mean", "mean queue", Unit::Count),
    ("wait_mean", "mean wait", Unit::Time),
    ("open_share", "visits still open at the end", Unit::Share),
    ("int_delay_given_mean", "reply delay it gives", Unit::Time),
    ("requests_received", "requests received", Unit::Count),
    ("requests_sent", "requests sent", Unit::Count),
    ("service_level", "answered within the service-level time", Unit::Share),
    ("overflow_sent", "its work served by another team", Unit::Count),
    ("overflow_served", "other teams' work it served", Unit::Count),
    ("crisis_share", "time in overload", Unit::Share),
    ("crisis_episodes", "overload episodes", Unit::Count),
    ("crisis_length_median", "overload episode length (median)", Unit::Time),
    ("morale_mean", "morale (0–1)", Unit::Score),
    ("morale_final", "morale at the end (0–1)", Unit::Score),
    ("int_satisfaction_given", "satisfaction of those it serves (0–1)", Unit::Score),
    ("int_satisfaction_received", "its satisfaction with its suppliers (0–1)", Unit::Score),
    ("quality_given", "quality of its answers (0–1)", Unit::Score),
    ("rework_share", "share of its work redone", Unit::Share),
];

/// `metric` as a person reads it; a key the catalogue does not know keeps
/// its name (never a panic).
pub fn describe(metric: &str) -> Described {
    let direction = if metric == FRONT_MORALE { Some(true) } else { higher_is_better(metric) };
    if let Some(key) = KEY_METRICS.iter().find(|k| k.name == metric) {
        let unit = match metric {
            _ if key.percent => Unit::Share,
            "ext_wait_mean" | "ext_resolution_mean" | "int_delay_mean" => Unit::Time,
            "revenue_at_risk" | "staff_cost" => Unit::Money,
            "ext_arrivals" | "int_requests" => Unit::Count,
            _ => Unit::Score,
        };
        return Described { label: key.label.to_string(), unit, higher_is_better: direction };
    }
    if let Some((_, label, unit)) = OTHERS.iter().find(|(name, _, _)| *name == metric) {
        return Described { label: label.to_string(), unit: *unit, higher_is_better: direction };
    }
    if let Some(rest) = metric.strip_prefix("department.")
        && let Some((department, key)) = rest.rsplit_once('.')
        && let Some((_, label, unit)) = PER_DEPARTMENT.iter().find(|(name, _, _)| *name == key)
    {
        return Described { label: format!("{department}: {label}"), unit: *unit, higher_is_better: direction };
    }
    Described { label: metric.to_string(), unit: Unit::Count, higher_is_better: direction }
}

/// A swept or varied parameter as a person reads it: `department.IT.staff`
/// is "IT: staff", `department.Help Desk.shifts.0.staff` "Help Desk: shift
/// 1 staff", `customers.rates.scale` "demand (× the rates)",
/// `behavior.contagion_rate` "contagion rate".
pub fn describe_parameter(path: &str) -> String {
    let words = |key: &str| key.replace('_', " ");
    if path == "customers.rates.scale" {
        return "demand (× the rates)".to_string();
    }
    if let Some(rest) = path.strip_prefix("department.") {
        let parts: Vec<&str> = rest.split('.').collect();
        // The department's name holds no dots; what follows is the key.
        if let [department, key, index, field] = parts[..]
            && let Ok(index) = index.parse::<usize>()
        {
            let item = key.trim_end_matches('s');
            return format!("{department}: {item} {} {}", index + 1, words(field));
        }
        if let Some((department, key)) = rest.split_once('.') {
            return format!("{department}: {}", words(key).replace('.', " "));
        }
    }
    if let Some(key) = path.strip_prefix("behavior.") {
        return words(key);
    }
    if let Some(key) = path.strip_prefix("customers.") {
        return format!("customers: {}", words(key).replace('.', " "));
    }
    words(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_a_run_reports_has_a_label_and_a_unit() {
        for social in [false, true] {
            let mut scenario = crate::scenario::Scenario::default_scenario();
            scenario.behavior_enabled = social;
            for metric in super::super::metrics::metric_names(&scenario) {
                let described = describe(&metric);
                assert_ne!(described.label, metric, "{metric} has no label");
                assert!(!described.label.contains('_'), "{metric}: {}", described.label);
            }
        }
        assert_eq!(describe("department.IT.int_delay_given_mean").label, "IT: reply delay it gives");
        assert_eq!(describe("department.IT.int_delay_given_mean").higher_is_better, Some(false));
        assert_eq!(describe(FRONT_MORALE).higher_is_better, Some(true));
        assert_eq!(describe("no_such_metric").label, "no_such_metric");
    }

    #[test]
    fn parameters_read_as_words() {
        assert_eq!(describe_parameter("department.IT.staff"), "IT: staff");
        assert_eq!(describe_parameter("department.Help Desk.shifts.0.staff"), "Help Desk: shift 1 staff");
        assert_eq!(describe_parameter("department.IT.needs.1.silo_delay"), "IT: need 2 silo delay");
        assert_eq!(describe_parameter("customers.rates.scale"), "demand (× the rates)");
        assert_eq!(describe_parameter("customers.arrival_rate"), "customers: arrival rate");
        assert_eq!(describe_parameter("behavior.contagion_rate"), "contagion rate");
        assert_eq!(describe_parameter("warmup"), "warmup");
    }

    #[test]
    fn values_are_written_in_their_unit() {
        assert_eq!(Unit::Time.format(150.0, "minute"), "2.5 h");
        assert_eq!(Unit::Share.format(0.0834, "minute"), "8.34%");
        assert_eq!(Unit::MoneyPerTime.format(12.345_67, "minute"), "12.35/min");
        assert_eq!(Unit::Share.format_change(0.012, "minute"), "+1.2%");
        assert_eq!(Unit::Time.format_change(-3.0, "minute"), "-3 min");
        assert_eq!(Unit::Time.format_interval(-5.456, 5.424, "minute"), "-5.456 – 5.424 min");
        assert_eq!(Unit::Share.format_interval(-0.01234, 0.0057, "minute"), "-1.234 – 0.57%");
    }
}
