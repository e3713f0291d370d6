//! External customers: arrival rate (constant, or rates by slot of a
//! period), patience, how arrivals split between front-line departments,
//! value, expected resolution and surges.

use super::super::errors::{Checker, Step};
use super::super::file::ScenarioFile;
use super::super::{Customers, Department, RateProfile, ScenarioError};

use super::super::ranges::{MOST_SCHEDULE_CHANGES, number};
use Step::Key as KEY;

/// Checks the `[customers]` table; returns the customers and the entry
/// shares by department index (as written, for the resolved file).
pub(super) fn check(
    checker: &Checker,
    file: &ScenarioFile,
    departments: &[Department],
    (arrival_rate, profile): (f64, Option<RateProfile>),
) -> Result<(Customers, Vec<(usize, f64)>), ScenarioError> {
    let customers = &file.customers;
    let service_level_time = match customers.service_level_time {
        Some(time) => {
            let path = [KEY("customers"), KEY("service_level_time")];
            checker.range(&path, "customers.service_level_time", "customers.service_level_time", time)?;
            Some(time)
        }
        None => None,
    };
    let short_abandon = match customers.short_abandon {
        Some(time) => {
            let path = [KEY("customers"), KEY("short_abandon")];
            checker.range(&path, "customers.short_abandon", "customers.short_abandon", time)?;
            if service_level_time.is_none() {
                return Err(checker.invalid(
                    &path,
                    "customers.short_abandon",
                    "short abandons are left out of the service level: give customers.service_level_time too",
                ));
            }
            time
        }
        None => 0.0,
    };
    let patience = match &customers.patience {
        Some(spec) => Some(checker.distribution(&[KEY("customers"), KEY("patience")], "customers.patience", spec)?),
        None => None,
    };
    let entry_shares = entry_shares(checker, file, departments)?;
    let mut cumulative = 0.0;
    let mut entry = Vec::new();
    for (index, share) in &entry_shares {
        cumulative += share;
        if *share > 0.0 {
            entry.push((*index, cumulative));
        }
    }
    if let Some(last) = entry.last_mut() {
        last.1 = 1.0;
    }
    checker.range(&[KEY("customers"), KEY("value")], "customers.value", "customers.value", customers.value)?;
    let expected_resolution = match customers.expected_resolution {
        Some(expected) => {
            checker.range(
                &[KEY("customers"), KEY("expected_resolution")],
                "customers.expected_resolution",
                "customers.expected_resolution",
                expected,
            )?;
            expected
        }
        None => {
            let mut previous = 0.0;
            let mut mean_service = 0.0;
            for &(index, cumulative) in &entry {
                mean_service += (cumulative - previous) * departments[index].service_mean;
                previous = cumulative;
            }
            (2.0 * mean_service).max(f64::MIN_POSITIVE)
        }
    };
    let surges = surges(checker, file)?;
    if !anyone_arrives(file.horizon, arrival_rate, profile.as_ref(), &surges) {
        return Err(checker.invalid(
            &[KEY("customers"), KEY("surges")],
            "customers.surges",
            "surges with factor = 0 cover every time the rates are above 0: no customer would ever arrive; give a factor above 0 or a shorter surge",
        ));
    }
    let checked = Customers {
        arrival_rate,
        profile,
        service_level_time,
        short_abandon,
        patience,
        entry,
        surges,
        expected_resolution,
        value: customers.value,
    };
    Ok((checked, entry_shares))
}

/// Most values a rate profile may have.
pub const MOST_SLOTS: usize = 100_000;

/// The arrival rate (the mean over the period with rates) and the profile
/// (`None` when constant: equal values fold into the constant form).
/// Checked before the departments, so that the period their shifts lie in
/// is known to be valid.
pub(super) fn demand(checker: &Checker, file: &ScenarioFile) -> Result<(f64, Option<RateProfile>), ScenarioError> {
    let customers = &file.customers;
    let both = || {
        checker.invalid(
            &[KEY("customers"), KEY("rates")],
            "customers.rates",
            "give either customers.arrival_rate (a constant) or customers.rates (by slot), not both",
        )
    };
    let rates = match (customers.arrival_rate, &customers.rates) {
        (Some(_), Some(_)) => return Err(both()),
        (None, None) => {
            return Err(checker.invalid(
                &[KEY("customers")],
                "customers.arrival_rate",
                "missing: give customers.arrival_rate (customers per time unit) or customers.rates = { every = 60, values = [...] }",
            ));
        }
        (Some(rate), None) => {
            let path = [KEY("customers"), KEY("arrival_rate")];
            checker.range(&path, "customers.arrival_rate", "customers.arrival_rate", rate)?;
            if let Some(period) = file.period {
                checker.range(&[KEY("period")], "period", "period", period)?;
            }
            return Ok((rate, None));
        }
        (None, Some(rates)) => rates,
    };
    let path = |key: &'static str| [KEY("customers"), KEY("rates"), KEY(key)];
    checker.range(&path("every"), "customers.rates.every", "customers.rates.every", rates.every)?;
    checker.range(&path("scale"), "customers.rates.scale", "customers.rates.scale", rates.scale)?;
    if rates.values.is_empty() || rates.values.len() > MOST_SLOTS {
        return Err(checker.invalid(
            &path("values"),
            "customers.rates.values",
            format!("give 1 to {MOST_SLOTS} rates, one per slot (got {})", rates.values.len()),
        ));
    }
    for value in &rates.values {
        checker.range(&path("values"), "customers.rates.values", "customers.rates.values", *value)?;
    }
    if rates.values.iter().all(|&v| v == 0.0) {
        return Err(checker.invalid(
            &path("values"),
            "customers.rates.values",
            "every rate is 0: no customer would ever arrive; give at least one rate above 0",
        ));
    }
    let boundaries = file.horizon / rates.every;
    if boundaries > MOST_SCHEDULE_CHANGES {
        return Err(checker.invalid(
            &path("every"),
            "customers.rates.every",
            format!(
                "the slots would change {} times per replication (at most {}): give an `every` of at least horizon / {} = {} (got {})",
                number(boundaries),
                number(MOST_SCHEDULE_CHANGES),
                number(MOST_SCHEDULE_CHANGES),
                number(file.horizon / MOST_SCHEDULE_CHANGES),
                number(rates.every)
            ),
        ));
    }
    let length = rates.every * rates.values.len() as f64;
    if let Some(period) = file.period {
        checker.range(&[KEY("period")], "period", "period", period)?;
        if (period - length).abs() > 1e-9 * length {
            return Err(checker.invalid(
                &[KEY("period")],
                "period",
                format!(
                    "must equal the rates' length, {} values × every {} = {} (got {})",
                    rates.values.len(),
                    number(rates.every),
                    number(length),
                    number(period)
                ),
            ));
        }
    }
    let scaled: Vec<f64> = rates.values.iter().map(|v| v * rates.scale).collect();
    let mean = scaled.iter().sum::<f64>() / scaled.len() as f64;
    if scaled.iter().all(|&v| v == scaled[0]) {
        return Ok((scaled[0], None));
    }
    Ok((mean, Some(RateProfile { every: rates.every, rates: scaled })))
}

/// How arrivals split between front-line departments, by index.
fn entry_shares(
    checker: &Checker,
    file: &ScenarioFile,
    departments: &[Department],
) -> Result<Vec<(usize, f64)>, ScenarioError> {
    let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
    let front_line: Vec<usize> = (0..departments.len()).filter(|&i| departments[i].front_line).collect();
    let Some(entry) = &file.customers.entry else {
        return match front_line.as_slice() {
            [only] => Ok(vec![(*only, 1.0)]),
            [] => Err(checker.invalid(
                &[KEY("department")],
                "department.front_line",
                "no department has `front_line = true`; mark the department(s) where external customers arrive",
            )),
            several => Err(checker.invalid(
                &[KEY("customers")],
                "customers.entry",
                format!(
                    "{} departments are front line ({}); say how arrivals split between them, e.g. entry = {{ {} }}",
                    several.len(),
                    several.iter().map(|&i| format!("{:?}", names[i])).collect::<Vec<_>>().join(", "),
                    several.iter().map(|&i| format!("{:?} = 0.5", names[i])).collect::<Vec<_>>().join(", ")
                ),
            )),
        };
    };
    let mut shares = Vec::new();
    for (name, &share) in entry {
        let path = [KEY("customers"), KEY("entry"), KEY(name)];
        let field = format!("customers.entry.{name:?}");
        let Some(index) = names.iter().position(|n| n == name) else {
            return Err(checker.invalid(
                &path,
                field,
                format!(
                    "no department is named {name:?}; known departments: {}",
                    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if !departments[index].front_line {
            return Err(checker.invalid(
                &path,
                field,
                format!("{name:?} receives external customers but is not front line; add `front_line = true` to it"),
            ));
        }
        checker.range(&path, &field, "customers.entry.<name>", share)?;
        shares.push((index, share));
    }
    let total: f64 = shares.iter().map(|(_, share)| share).sum();
    if (total - 1.0).abs() > 1e-9 {
        return Err(checker.invalid(
            &[KEY("customers"), KEY("entry")],
            "customers.entry",
            format!("the shares must add up to 1 (they add up to {total})"),
        ));
    }
    if let Some(&missing) = front_line.iter().find(|i| !shares.iter().any(|(j, _)| j == *i)) {
        return Err(checker.invalid(
            &[KEY("customers"), KEY("entry")],
            "customers.entry",
            format!(
                "front-line department {:?} has no share; give it one (0 is allowed) or set its `front_line = false`",
                names[missing]
            ),
        ));
    }
    shares.sort_by_key(|(index, _)| *index);
    Ok(shares)
}

/// Periods of changed demand: each valid, sorted, none overlapping.
fn surges(checker: &Checker, file: &ScenarioFile) -> Result<Vec<crate::scenario::SurgeFile>, ScenarioError> {
    let mut surges = file.customers.surges.clone();
    for (index, surge) in surges.iter().enumerate() {
        let at = |field: &'static str| [KEY("customers"), KEY("surges"), Step::Index(index), KEY(field)];
        let label = |field: &str| format!("customers.surges[{}].{field}", index);
        checker.range(&at("start"), &label("start"), "customers.surges.start", surge.start)?;
        checker.range(&at("end"), &label("end"), "customers.surges.end", surge.end)?;
        if surge.end <= surge.start {
            return Err(checker.invalid(
                &at("end"),
                label("end"),
                format!("must be later than `start` {} (got {})", surge.start, surge.end),
            ));
        }
        checker.range(&at("factor"), &label("factor"), "customers.surges.factor", surge.factor)?;
    }
    surges.sort_by(|a, b| a.start.total_cmp(&b.start));
    if let Some(pair) = surges.windows(2).find(|pair| pair[1].start < pair[0].end) {
        return Err(checker.invalid(
            &[KEY("customers"), KEY("surges")],
            "customers.surges",
            format!(
                "the surges {}–{} and {}–{} overlap; merge them into one",
                pair[0].start, pair[0].end, pair[1].start, pair[1].end
            ),
        ));
    }
    Ok(surges)
}

/// Whether any customer can arrive in [0, `horizon`): some time outside the
/// surges with factor 0 where the rate is above 0. Visits at most one
/// period's slots per stretch, and no more slots than the horizon holds.
fn anyone_arrives(
    horizon: f64,
    arrival_rate: f64,
    profile: Option<&RateProfile>,
    surges: &[crate::scenario::SurgeFile],
) -> bool {
    // The stretches outside the zero-factor surges (sorted, not overlapping).
    let mut open = Vec::new();
    let mut from = 0.0;
    for surge in surges.iter().filter(|s| s.factor == 0.0) {
        if surge.start > from {
            open.push((from, surge.start.min(horizon)));
        }
        from = from.max(surge.end);
    }
    open.push((from, horizon));
    open.retain(|(start, end)| end > start);
    let Some(profile) = profile else {
        return arrival_rate > 0.0 && !open.is_empty();
    };
    let slots = profile.rates.len();
    open.iter().any(|&(start, end)| {
        let first = (start / profile.every).floor() as usize;
        let last = ((end / profile.every).ceil() as usize).min(first + slots);
        (first..last).any(|slot| profile.rates[slot % slots] > 0.0)
    })
}
