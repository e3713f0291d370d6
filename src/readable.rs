//! Numbers as a person reads them, the one formatter of every report,
//! table and sentence (CSV files keep full precision; see
//! `output::format`): three to four significant digits, thousands
//! grouped, durations in the unit that keeps them short, shares as
//! percentages, intervals as "a – b". Undefined values read "–", infinite
//! ones "∞", never "NaN" or "inf".

/// `value` to four significant digits (trailing zeros dropped), whole
/// numbers of 10,000 or more grouped by thousands, tiny and huge ones in
/// scientific notation.
pub fn number(value: f64) -> String {
    if value.is_nan() {
        return "–".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let size = value.abs();
    if size == 0.0 {
        return "0".into();
    }
    if !(1e-4..1e15).contains(&size) {
        return format!("{value:.2e}");
    }
    if size >= 9_999.5 {
        return grouped(value.round());
    }
    let digits = (3 - size.log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.digits$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    if text == "-0" { "0".into() } else { text }
}

/// A whole number grouped by thousands: 11577 → "11,577".
fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut text = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            text.push(',');
        }
        text.push(c);
    }
    if value < 0.0 { format!("-{text}") } else { text }
}

/// An identifier or count, whole and ungrouped (a seed: 9223372036854775807).
pub fn whole(value: u64) -> String {
    value.to_string()
}

/// A name's possessive: "IT's", "Operations'".
pub fn possessive(name: &str) -> String {
    if name.ends_with('s') { format!("{name}'") } else { format!("{name}'s") }
}

/// The clock time of scenario time `time` (in `unit`, a clock unit:
/// second, minute, hour or day) where time 0 is `start` (seconds since
/// 1970-01-01T00:00:00 of the organization's clock): "06:30", with the
/// weekday ("Tue 06:30") when `weekly`. `None` for other units.
pub fn clock(start: f64, time: f64, unit: &str, weekly: bool) -> Option<String> {
    let seconds = start + seconds_in(unit)? * time;
    if !seconds.is_finite() {
        return None;
    }
    let minutes = (seconds / 60.0).round() as i64;
    let (days, minute) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let text = format!("{:02}:{:02}", minute / 60, minute % 60);
    if weekly {
        // 1970-01-01 was a Thursday.
        let name = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(days + 3).rem_euclid(7) as usize];
        Some(format!("{name} {text}"))
    } else {
        Some(text)
    }
}

/// A count with its noun: "1 case", "29 cases".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// A share (0.123) as a percentage ("12.3%").
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        return number(share);
    }
    format!("{}%", number(share * 100.0))
}

/// An interval: "a – b".
pub fn interval(low: f64, high: f64) -> String {
    format!("{} – {}", number(low), number(high))
}

/// The short name of a time unit ("min" for minute); other units as given.
pub fn short_unit(unit: &str) -> &str {
    match seconds_in(unit) {
        Some(1.0) => "s",
        Some(60.0) => "min",
        Some(3600.0) => "h",
        Some(86_400.0) => "day",
        _ => unit,
    }
}

/// Seconds in each time unit a scenario can have.
pub fn seconds_in(unit: &str) -> Option<f64> {
    match unit {
        "second" | "seconds" | "s" => Some(1.0),
        "minute" | "minutes" | "min" => Some(60.0),
        "hour" | "hours" | "h" => Some(3600.0),
        "day" | "days" | "d" => Some(86_400.0),
        _ => None,
    }
}

/// A duration of `value` time units (`unit`: second, minute, hour, day),
/// in the unit that keeps it short ([`duration_unit`]): "3.5 h",
/// "12 days". Other units are written as given ("3 shift").
pub fn duration(value: f64, unit: &str) -> String {
    if !value.is_finite() {
        return number(value);
    }
    let (factor, name) = duration_unit(value.abs(), unit);
    format!("{} {name}", number(value * factor))
}

/// The unit that keeps a duration of `size` time units (`unit`) short:
/// seconds under 2 minutes, minutes under 2 hours, hours under 2 days,
/// then days; returns the factor from `unit` to it and its name. For a
/// chart's axis, `size` is its largest value. Units other than second,
/// minute, hour and day stay as they are.
pub fn duration_unit(size: f64, unit: &str) -> (f64, String) {
    let Some(seconds) = seconds_in(unit) else { return (1.0, unit.to_string()) };
    let (per, name) = match size * seconds {
        s if s < 120.0 => (1.0, "s"),
        s if s < 7_200.0 => (60.0, "min"),
        s if s < 172_800.0 => (3_600.0, "h"),
        _ => (86_400.0, "days"),
    };
    (seconds / per, name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_three_to_four_significant_digits() {
        assert_eq!(number(376.950_000_000_000_05), "377");
        assert_eq!(number(-1.000_000_000_000_000_2), "-1");
        assert_eq!(number(11_577.335_7), "11,577");
        assert_eq!(number(1_234_567.0), "1,234,567");
        assert_eq!(number(0.333_333_33), "0.3333");
        assert_eq!(number(4.937_6), "4.938");
        assert_eq!(number(62.6), "62.6");
        assert_eq!(number(1e-7), "1.00e-7");
        assert_eq!(number(0.0005), "0.0005");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-0.000_01), "-1.00e-5");
        assert_eq!(number(f64::NAN), "–");
        assert_eq!(number(f64::INFINITY), "∞");
        assert_eq!(whole(9_223_372_036_854_775_807), "9223372036854775807");
    }

    #[test]
    fn shares_durations_and_intervals_read_plainly() {
        assert_eq!(percent(0.1234), "12.34%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!((count(1, "case", "cases"), count(29, "case", "cases")), ("1 case".into(), "29 cases".into()));
        assert_eq!(interval(1.23456, 2.5), "1.235 – 2.5");
        assert_eq!(duration(3411.0, "minute"), "2.369 days");
        assert_eq!(duration(62.6 * 60.0, "minute"), "2.608 days");
        assert_eq!(duration(90.0, "minute"), "90 min");
        assert_eq!(duration(0.5, "minute"), "30 s");
        assert_eq!(duration(150.0, "minute"), "2.5 h");
        assert_eq!(duration(3.0, "shift"), "3 shift");
        assert_eq!(duration_unit(1200.0, "minute"), (1.0 / 60.0, "h".to_string()));
        // 2024-01-01T00:00:00 was a Monday.
        let monday = 1_704_067_200.0;
        assert_eq!(clock(monday, 390.0, "minute", false).as_deref(), Some("06:30"));
        assert_eq!(clock(monday, 1440.0 + 390.0, "minute", true).as_deref(), Some("Tue 06:30"));
        assert_eq!(clock(monday + 6.0 * 3600.0, 24.0, "hour", false).as_deref(), Some("06:00"));
        assert_eq!(clock(monday, 3.0, "shift", false), None);
    }
}
