//! `orgsim fit`: a log orgsim wrote gives back the scenario behind it
//! (rates, routing, times, families, patience) within their sampling
//! intervals; a status-history export in the ServiceNow shape parses to
//! the expected visits; the command writes its files and checks the fit.

use orgsim::fit::estimate::{Fit, Settings, estimate};
use orgsim::fit::families::Family;
use orgsim::fit::log::{Columns, read_csv};
use orgsim::fit::timestamps::Clock;
use orgsim::output::events::{EventLogWriter, check_clock};
use statrs::distribution::{ContinuousCDF, Gamma, Normal};

use crate::util::{Sandbox, csv_rows, scenario};

/// A front line that passes three in ten cases to a second line (which
/// passes a quarter on to engineering) and asks billing in 15% of them,
/// holding the case; demand follows the day; customers may give up.
const NETWORK: &str = r#"name = "roundtrip"
time_unit = "minute"
horizon = 14400.0
warmup = 0.0
replications = 1
[customers]
rates = { every = 60.0, values = [0.8, 0.6, 0.6, 0.6, 0.8, 1.0, 1.5, 2.5, 3.5, 4.0, 4.0, 3.5,
                                  3.5, 4.0, 4.0, 3.5, 3.0, 2.5, 2.0, 1.5, 1.2, 1.0, 1.0, 0.8] }
patience = { dist = "exponential", mean = 4.0 }
[[department]]
name = "Front"
front_line = true
staff = 9
service = { dist = "lognormal", mean = 3.0, cv = 0.6 }
transfers = [ { dept = "Second", probability = 0.3 } ]
needs = [ { dept = "Billing", probability = 0.15, mode = "hold" } ]
[[department]]
name = "Second"
staff = 6
service = { dist = "gamma", mean = 8.0, cv = 0.5 }
transfers = [ { dept = "Engineering", probability = 0.25 } ]
[[department]]
name = "Billing"
staff = 3
service = { dist = "exponential", mean = 2.0 }
[[department]]
name = "Engineering"
staff = 4
service = { dist = "exponential", mean = 15.0 }
[behavior]
enabled = false
"#;

/// The rates of `NETWORK` (per minute, by hour of the day).
const RATES: [f64; 24] = [
    0.8, 0.6, 0.6, 0.6, 0.8, 1.0, 1.5, 2.5, 3.5, 4.0, 4.0, 3.5, 3.5, 4.0, 4.0, 3.5, 3.0, 2.5, 2.0, 1.5, 1.2, 1.0, 1.0,
    0.8,
];

/// Fitting in minutes by the hour, keeping the `top` busiest teams.
pub fn minute_settings(top: usize) -> Settings {
    Settings {
        top,
        slot_minutes: 60,
        unit_seconds: 60.0,
        time_unit: "minute".into(),
        patience_mean: None,
        front_line: Vec::new(),
    }
}

/// The event log orgsim writes for replication 0 of `text` under `seed`.
fn own_log_text(text: &str, seed: u64) -> String {
    let scenario = scenario(text);
    let sandbox = Sandbox::new();
    let path = sandbox.path("events.csv");
    let clock = check_clock("2024-01-01T00:00:00Z", "minute", scenario.horizon).unwrap();
    let mut writer = EventLogWriter::create(&path, clock).unwrap();
    orgsim::model::simulate_observed(&scenario, 0, seed, &mut writer);
    writer.finish().unwrap();
    std::fs::read_to_string(&path).unwrap()
}

/// The log of replication 0 of `text` under `seed`, fitted by the hour.
fn fit_own_log(text: &str, seed: u64) -> Fit {
    let log = read_csv(own_log_text(text, seed).as_bytes(), "events.csv", &Columns::default()).unwrap();
    estimate(&log, &Clock::new("UTC").unwrap(), &minute_settings(10)).unwrap()
}

fn team<'a>(fit: &'a Fit, name: &str) -> (usize, &'a orgsim::fit::estimate::Team) {
    fit.teams.iter().enumerate().find(|(_, t)| t.name == name).unwrap_or_else(|| panic!("no team {name}"))
}

/// Garwood's exact interval for a Poisson count at level 1 − alpha.
fn poisson_interval(count: u64, alpha: f64) -> (f64, f64) {
    let low = if count == 0 { 0.0 } else { Gamma::new(count as f64, 1.0).unwrap().inverse_cdf(alpha / 2.0) };
    let high = Gamma::new(count as f64 + 1.0, 1.0).unwrap().inverse_cdf(1.0 - alpha / 2.0);
    (low, high)
}

/// Wilson's interval for a binomial share at level 1 − alpha.
fn binomial_interval(successes: u64, trials: u64, alpha: f64) -> (f64, f64) {
    let z = Normal::standard().inverse_cdf(1.0 - alpha / 2.0);
    let n = trials as f64;
    let p = successes as f64 / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    (centre - half, centre + half)
}

/// A sample mean's normal interval at level 1 − alpha.
fn mean_interval(sample: &[f64], alpha: f64) -> (f64, f64) {
    let n = sample.len() as f64;
    let mean = sample.iter().sum::<f64>() / n;
    let sd = (sample.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let z = Normal::standard().inverse_cdf(1.0 - alpha / 2.0);
    (mean - z * sd / n.sqrt(), mean + z * sd / n.sqrt())
}

#[test]
fn a_log_orgsim_wrote_gives_back_its_scenario() {
    let seeds = [11u64, 12, 13];
    // Per seed: 24 rates, 3 routing probabilities, 4 service means and the
    // patience mean.
    let checks = seeds.len() * (24 + 3 + 4 + 1);
    let alpha = 0.05 / checks as f64;
    let z = Normal::standard().inverse_cdf(1.0 - alpha / 2.0);
    let (mut fits_checked, mut fits_right) = (0, 0);
    for seed in seeds {
        let fit = fit_own_log(NETWORK, seed);
        let names: Vec<&str> = fit.teams.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Front", "Second", "Billing", "Engineering"], "seed {seed}");
        assert!(!fit.weekly && fit.slots.len() == 24);
        for (slot, truth) in fit.slots.iter().zip(RATES) {
            let (low, high) = poisson_interval(slot.count, alpha);
            assert!(
                (low..=high).contains(&(truth * slot.exposure)),
                "seed {seed}: rate {truth} gives {} expected cases, the log has {} (interval {low:.1}–{high:.1})",
                truth * slot.exposure,
                slot.count
            );
        }
        let routing =
            [("Front", "Second", 0.3, false), ("Front", "Billing", 0.15, true), ("Second", "Engineering", 0.25, false)];
        for (from, to, truth, is_need) in routing {
            let (_, source) = team(&fit, from);
            let (target, _) = team(&fit, to);
            let list = if is_need { &source.needs } else { &source.transfers };
            assert_eq!(list.len(), 1, "seed {seed}: {from}'s routing {list:?}");
            let count = list.iter().find(|(t, _)| *t == target).map_or(0, |(_, n)| *n);
            let (low, high) = binomial_interval(count, source.routed, alpha);
            assert!(
                (low..=high).contains(&truth),
                "seed {seed}: {from}→{to} {count}/{} ({low:.4}–{high:.4})",
                source.routed
            );
        }
        let truths = [
            ("Front", 3.0, "lognormal"),
            ("Second", 8.0, "gamma"),
            ("Billing", 2.0, "exponential"),
            ("Engineering", 15.0, "exponential"),
        ];
        for (name, mean, family) in truths {
            let (_, fitted) = team(&fit, name);
            assert!(fitted.service.is_work, "{name}: the log has start and complete");
            let (low, high) = mean_interval(&fitted.service.sample, alpha);
            assert!((low..=high).contains(&mean), "seed {seed}: {name}'s mean time {mean} outside {low:.3}–{high:.3}");
            let staff = scenario(NETWORK).departments.iter().find(|d| d.name == name).unwrap().staff;
            assert!(
                fitted.staff.is_some_and(|s| s >= 1 && s <= staff),
                "{name}: {:?} servers seen, {staff} exist",
                fitted.staff
            );
            let n = fitted.service.sample.len();
            if n >= 2000 {
                fits_checked += 1;
                let best = fitted.service.fitted[0].family;
                let right = match best {
                    _ if best.name() == family => true,
                    // An exponential is a gamma of shape 1: right when the
                    // shape's interval holds 1.
                    Family::Gamma { shape, .. } if family == "exponential" => {
                        let trigamma = (1..200_000).map(|k| 1.0 / (shape + k as f64 - 1.0).powi(2)).sum::<f64>();
                        let sd = 1.0 / (n as f64 * (trigamma - 1.0 / shape)).sqrt();
                        (shape - z * sd..=shape + z * sd).contains(&1.0)
                    }
                    _ => false,
                };
                fits_right += usize::from(right);
            }
        }
        let patience = fit.patience.expect("customers gave up");
        let half = z * patience.mean / (patience.abandoned as f64).sqrt();
        assert!((patience.mean - 4.0).abs() <= half, "seed {seed}: patience {patience:?}");
    }
    assert!(fits_checked >= 9, "{fits_checked} fits with 2,000 values or more");
    assert!(fits_right * 10 >= fits_checked * 9, "{fits_right} of {fits_checked} fits chose the right family");
}

/// The ServiceNow incident audit shape: snapshots at each update, the team
/// repeated, a return to the first team, rows after the resolution.
const SERVICENOW: &str = "\
number,incident_state,reassignment_count,opened_at,sys_updated_at,assignment_group,resolved_at
INC0000047,New,0,29-02-2016 04:40,29-02-2016 04:57,Group 70,01-03-2016 09:52
INC0000047,Active,1,29-02-2016 04:40,29-02-2016 05:30,Group 24,01-03-2016 09:52
INC0000047,Active,1,29-02-2016 04:40,29-02-2016 06:10,Group 24,01-03-2016 09:52
INC0000047,Active,2,29-02-2016 04:40,29-02-2016 08:00,Group 70,01-03-2016 09:52
INC0000047,Active,3,29-02-2016 04:40,01-03-2016 08:52,Group 31,01-03-2016 09:52
INC0000047,Resolved,3,29-02-2016 04:40,01-03-2016 09:52,Group 31,01-03-2016 09:52
INC0000047,Closed,3,29-02-2016 04:40,06-03-2016 10:00,Group 31,01-03-2016 09:52
INC0000048,New,0,29-02-2016 06:00,29-02-2016 06:00,Group 70,?
INC0000048,Active,0,29-02-2016 06:00,29-02-2016 07:00,?,?
INC0000049,New,0,01-03-2016 10:00,01-03-2016 10:00,Group 70,01-03-2016 11:30
INC0000049,Active,1,01-03-2016 10:00,01-03-2016 10:30,Group 24,01-03-2016 11:30
";

#[test]
fn a_status_history_export_gives_visits_transfers_and_returns() {
    let columns = Columns {
        case: "number".into(),
        time: "sys_updated_at".into(),
        team: "assignment_group".into(),
        opened: Some("opened_at".into()),
        resolved: Some("resolved_at".into()),
        ..Columns::default()
    };
    let log = read_csv(SERVICENOW.as_bytes(), "incidents.csv", &columns).unwrap();
    assert_eq!(log.teams, ["Group 70", "Group 24", "Group 31"]);
    assert_eq!(log.cases.len(), 3);
    assert!(!log.has_lifecycle);
    assert_eq!((log.quality.after_resolved, log.quality.missing_team, log.quality.open), (1, 1, 1));
    let trail = orgsim::fit::visits::trail(&log.cases[0]).unwrap();
    use orgsim::fit::visits::Arrival;
    let visits: Vec<(u32, Arrival, f64)> =
        trail.visits.iter().map(|v| (v.team, v.arrival, v.own_time / 60.0)).collect();
    // Group 70 from opening (04:40) to 05:30 and again 08:00 to 08:52 the
    // next day; Group 24 from 05:30 to 08:00 (a need: the case came back);
    // Group 31 from 08:52 to the resolution at 09:52 (a transfer).
    assert_eq!(
        visits,
        [(0, Arrival::Entry, 50.0 + 1492.0), (1, Arrival::Need(0), 150.0), (2, Arrival::Transfer(0), 60.0)]
    );
    assert_eq!(trail.handoffs, 3);
    let fit = estimate(&log, &Clock::new("UTC").unwrap(), &minute_settings(2)).unwrap();
    let names: Vec<&str> = fit.teams.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Group 70", "Group 24", "Other teams"]);
    assert!(fit.teams.iter().all(|t| t.staff.is_none()), "no start/complete: staff unknown");
    // Of Group 70's two resolved visits one asked Group 24 back, one
    // passed the case on for good; Group 24 passed one on.
    let front = &fit.teams[0];
    assert_eq!((front.routed, front.needs.clone(), front.transfers.clone()), (2, vec![(1, 1)], vec![(1, 1), (2, 1)]));
    assert!(fit.teams[1].transfers.is_empty() && fit.teams[1].needs.is_empty());
    assert_eq!(fit.names[2], ("Group 31".to_string(), "Other teams".to_string()));
}

#[test]
fn fit_writes_a_scenario_that_runs_and_checks_it_against_the_log() {
    let sandbox = Sandbox::new();
    sandbox.write("net.toml", &NETWORK.replace("horizon = 14400.0", "horizon = 2880.0"));
    sandbox.run(&["run", "net.toml", "--out", "run", "--quiet", "--no-plots", "--events", "events.csv"]).success();
    let stdout = sandbox
        .run(&["fit", "events.csv", "--check", "--within", "30", "--replications", "20", "--seed", "3"])
        .success();
    assert!(stdout.contains("check:"), "{stdout}");
    let folder = sandbox.path("output/events/fit");
    for file in ["scenario.toml", "fit.csv", "observations.csv", "fit-check.csv", "fit.html", "plots/fit-arrivals.svg"]
    {
        assert!(folder.join(file).exists(), "{file} missing");
    }
    let check = csv_rows(&folder, "fit-check.csv");
    let measures: Vec<&str> = check.iter().map(|r| r["measure"].as_str()).collect();
    assert_eq!(
        measures,
        [
            "cases_per_day",
            "cases.Front",
            "cases.Second",
            "cases.Billing",
            "cases.Engineering",
            "time_at_team_mean.Front",
            "time_at_team_mean.Second",
            "time_at_team_mean.Billing",
            "time_at_team_mean.Engineering",
            "handoffs_mean",
            "resolution_p50",
            "resolution_p90",
            "resolution_mean",
            "abandon_share",
            "resolved_within_share",
            "handoffs_mean_raw",
            "measures_outside"
        ]
    );
    // The log's own team changes: the model has no such measure.
    let raw = check.iter().find(|r| r["measure"] == "handoffs_mean_raw").unwrap();
    assert_eq!((raw["verdict"].as_str(), raw["simulated_p025"].as_str()), ("observed_only", ""));
    for row in check.iter().filter(|r| !matches!(r["measure"].as_str(), "handoffs_mean_raw" | "measures_outside")) {
        let value = |c: &str| row[c].parse::<f64>().unwrap_or_else(|_| panic!("{c} in {row:?}"));
        assert!(value("simulated_p025") <= value("simulated_p975"), "{row:?}");
        let inside = (value("simulated_p025")..=value("simulated_p975")).contains(&value("observed"));
        assert_eq!(row["verdict"] == "ok", inside, "{row:?}");
        assert_eq!(row["note"].is_empty(), inside, "a note exactly where outside: {row:?}");
    }
    // The model is the log's own: most measures lie inside one log's range,
    // and no more lie outside than chance explains.
    let inside = check.iter().filter(|r| r["verdict"] == "ok").count();
    assert!(inside >= 11, "{check:?}");
    let count = check.iter().find(|r| r["measure"] == "measures_outside").unwrap();
    assert_eq!(count["verdict"], "ok", "{check:?}");
    // One thread or many: the same bytes.
    let args = ["fit", "events.csv", "--check", "--within", "30", "--replications", "20", "--seed", "3", "--quiet"];
    sandbox.run(&[&args[..], &["--threads", "1", "--out", "one"]].concat()).success();
    for file in ["scenario.toml", "fit.csv", "observations.csv", "fit-check.csv"] {
        let many = std::fs::read(folder.join(file)).unwrap();
        assert!(many == std::fs::read(sandbox.path("one").join(file)).unwrap(), "{file} depends on the threads");
    }
    // The fitted scenario is accepted as is, and the report rebuilds.
    sandbox.run(&["validate", "output/events/fit/scenario.toml"]).success();
    sandbox
        .run(&[
            "run",
            "output/events/fit/scenario.toml",
            "--out",
            "again",
            "--quiet",
            "--no-plots",
            "--replications",
            "2",
        ])
        .success();
    std::fs::remove_file(folder.join("fit.html")).unwrap();
    sandbox.run(&["report", "output/events/fit", "--quiet"]).success();
    let html = std::fs::read_to_string(folder.join("fit.html")).unwrap();
    assert!(html.contains("Check against the log") && html.contains("<svg"), "fit.html");
    assert!(
        folder.join("plots/flow.svg").exists() && html.contains("How cases moved between the teams"),
        "the network"
    );
    let fit = csv_rows(&folder, "fit.csv");
    assert_eq!(fit[0].keys().len(), 7);
    assert!(fit.iter().any(|r| r["kind"] == "service" && r["team"] == "Front" && r["statistic"] == "chosen"));
}

#[test]
fn bad_logs_and_flags_get_a_clear_error_and_nothing_is_written() {
    let sandbox = Sandbox::new();
    let header = "case:concept:name,org:group,time:timestamp\n";
    let good = "1,A,2024-01-01T08:00:00Z\n2,A,2024-01-01T09:00:00Z\n";
    let mut latin = format!("{header}1,A,2024-01-01T08:00:00Z\n").into_bytes();
    latin.extend(b"2,Caf\xe9,2024-01-01T09:00:00Z\n");
    std::fs::write(sandbox.path("latin.csv"), latin).unwrap();
    let logs: [(&str, String, &[&str], &str); 17] = [
        (
            "noteam.csv",
            "case:concept:name,time:timestamp\n1,2024-01-01T08:00:00Z\n".into(),
            &[],
            "column \"org:group\": no such column; name the right one with --team",
        ),
        ("named.csv", format!("{header}{good}"), &["--resolved", "closed_at"], "column \"closed_at\": no such column"),
        (
            "twice.csv",
            "case:concept:name,org:group,org:group,time:timestamp\n1,A,A,2024-01-01T08:00:00Z\n".to_string(),
            &[],
            "appears twice in the header",
        ),
        ("ragged.csv", format!("{header}{good}3,A\n"), &[], "line 4: this row has 2 fields where the header has 3"),
        (
            "nocase.csv",
            format!("{header}{good},A,2024-01-01T10:00:00Z\n"),
            &[],
            "line 4, column \"case:concept:name\": the case identifier is empty",
        ),
        (
            "notime.csv",
            format!("{header}{good}3,A,?\n"),
            &[],
            "line 4, column \"time:timestamp\": the event time is empty",
        ),
        (
            "words.csv",
            format!("{header}{good}3,A,next tuesday\n"),
            &[],
            "line 4, column \"time:timestamp\": no date-time form reads every value (for instance \"next tuesday\")",
        ),
        (
            "ambiguous.csv",
            format!("{header}1,A,01-02-2024 08:00\n2,A,03-04-2024 09:00\n"),
            &[],
            "read both day-first and month-first",
        ),
        (
            "form.csv",
            format!("{header}{good}"),
            &["--time-format", "%d/%m/%Y %H:%M"],
            "line 2, column \"time:timestamp\": \"2024-01-01T08:00:00Z\" does not match",
        ),
        ("empty.csv", header.to_string(), &[], "the log has a header but no rows"),
        ("nothing.csv", String::new(), &[], "line 1: the log is empty or its first line is blank"),
        ("latin.csv", String::new(), &[], "line 3: this row is not valid UTF-8"),
        ("zone.csv", format!("{header}{good}"), &["--tz", "Mars/Olympus"], "not a known IANA time zone"),
        (
            "instant.csv",
            format!("{header}1,A,2024-01-01T08:00:00Z\n2,B,2024-01-01T08:00:00Z\n"),
            &[],
            "every case was opened at the same instant",
        ),
        (
            "teamless.csv",
            format!("{header}1,?,2024-01-01T08:00:00Z\n2,,2024-01-01T09:00:00Z\n"),
            &[],
            "no row names a team",
        ),
        ("missing.csv", String::new(), &[], "cannot read the log missing.csv"),
        ("broken.xes", "<log><trace>".into(), &[], "broken.xes: the XES log holds no events"),
    ];
    for (name, text, flags, expected) in logs {
        if !text.is_empty() || name == "nothing.csv" {
            sandbox.write(name, &text);
        }
        let mut args = vec!["fit", name, "--out", "never", "--check"];
        args.extend(flags);
        let stderr = sandbox.run(&args).failure();
        assert!(stderr.contains(expected), "{name}: expected {expected:?} in\n{stderr}");
        assert!(stderr.contains(name) || name == "zone.csv", "{name}: the error names the file\n{stderr}");
        assert!(!sandbox.path("never").exists(), "{name}: nothing written");
    }
    sandbox.write("good.csv", &format!("{header}{good}"));
    let flags: [(&[&str], &str); 7] = [
        (&["--slot", "7"], "--slot must divide a day of 1440 minutes"),
        (&["--slot", "0"], "--slot"),
        (&["--top", "0"], "--top"),
        (&["--within", "0"], "--within must be a time above 0"),
        (&["--within", "NaN"], "--within must be a time above 0"),
        (&["--time-unit", "week"], "--time-unit"),
        (&["--replications", "0"], "--replications"),
    ];
    for (extra, expected) in flags {
        let mut args = vec!["fit", "good.csv", "--out", "never", "--check"];
        args.extend(extra);
        let stderr = sandbox.run(&args).failure();
        assert!(stderr.contains(expected), "{extra:?}: expected {expected:?} in\n{stderr}");
        assert!(!sandbox.path("never").exists(), "{extra:?}: nothing written");
    }
}

#[test]
fn teams_beyond_the_top_are_lumped_and_odd_names_cleaned() {
    let sandbox = Sandbox::new();
    let mut log = String::from("case:concept:name,org:group,time:timestamp\n");
    // Visits: "Desk/1" 4, "Other teams" 3, "Net.Ops" 2, "Tiny" 1.
    let paths: [&[&str]; 4] = [
        &["Desk/1", "Other teams", "Net.Ops"],
        &["Desk/1", "Other teams", "Tiny"],
        &["Desk/1", "Other teams", "Net.Ops"],
        &["Desk/1"],
    ];
    for (case, path) in paths.iter().enumerate() {
        for (step, team) in path.iter().enumerate() {
            log.push_str(&format!("{case},{team},2024-01-0{}T0{}:{}0:00Z\n", case + 1, step + 1, step));
        }
    }
    sandbox.write("teams.csv", &log);
    sandbox.run(&["fit", "teams.csv", "--top", "2", "--quiet"]).success();
    let folder = sandbox.path("output/teams/fit");
    let names: Vec<(String, String)> = csv_rows(&folder, "fit.csv")
        .into_iter()
        .filter(|r| r["kind"] == "name")
        .map(|r| (r["target"].clone(), r["team"].clone()))
        .collect();
    let expected = [
        ("Desk/1", "Desk-1"),
        ("Other teams", "Other teams (team)"),
        ("Net.Ops", "Other teams"),
        ("Tiny", "Other teams"),
    ];
    assert_eq!(names, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    let text = std::fs::read_to_string(folder.join("scenario.toml")).unwrap();
    assert!(text.contains("staff = \"unlimited\"") && text.contains("replace with the real staff"), "{text}");
    sandbox.run(&["validate", "output/teams/fit/scenario.toml"]).success();
    let html = std::fs::read_to_string(folder.join("fit.html")).unwrap();
    assert!(
        html.contains("modelled with unlimited staff") && html.contains("Desk-1"),
        "the report names what to replace"
    );
}

#[test]
fn the_shipped_example_log_is_what_orgsim_writes_for_its_scenario() {
    let sandbox = Sandbox::new();
    let root = env!("CARGO_MANIFEST_DIR");
    let scenario = format!("{root}/scenarios/helpdesk-log.toml");
    sandbox.run(&["run", &scenario, "--out", "run", "--quiet", "--no-plots", "--events", "events.csv"]).success();
    let written = std::fs::read(sandbox.path("events.csv")).unwrap();
    let shipped = std::fs::read(format!("{root}/scenarios/helpdesk-log.csv")).unwrap();
    assert!(
        written == shipped,
        "scenarios/helpdesk-log.csv is stale: regenerate it with the command in scenarios/helpdesk-log.toml"
    );
}

#[test]
fn a_log_of_two_weeks_or_more_gives_rates_by_slot_of_the_week() {
    let sandbox = Sandbox::new();
    let mut log = String::from("case,team,opened,closed\n");
    // A case every six hours from Wednesday 3 January 2024 for 15 days,
    // each at the desk for 30 minutes.
    let start: jiff::Timestamp = "2024-01-03T00:00:00Z".parse().unwrap();
    for case in 0..15 * 4 {
        let opened = start + jiff::SignedDuration::from_hours(6 * case);
        log.push_str(&format!(
            "{case},Desk,{opened},\n{case},Desk,{},\n",
            opened + jiff::SignedDuration::from_mins(30)
        ));
    }
    sandbox.write("weeks.csv", &log);
    sandbox
        .run(&["fit", "weeks.csv", "--case", "case", "--team", "team", "--time", "opened", "--slot", "1440", "--quiet"])
        .success();
    let folder = sandbox.path("output/weeks/fit");
    let rates: Vec<f64> = csv_rows(&folder, "fit.csv")
        .into_iter()
        .filter(|r| r["kind"] == "rate")
        .map(|r| r["value"].parse().unwrap())
        .collect();
    // Seven daily slots from Monday, four cases a day: 4 / 1440 per minute;
    // the window ends with the last case opened, at 18:00 on the third
    // Wednesday, so Wednesdays saw 12 cases in 2.75 days.
    assert_eq!(rates.len(), 7);
    for (day, rate) in rates.into_iter().enumerate() {
        let expected = if day == 2 { 12.0 / (2.75 * 1440.0) } else { 4.0 / 1440.0 };
        assert!((rate - expected).abs() < 1e-9, "day {day}: {rate} against {expected}");
    }
    let text = std::fs::read_to_string(folder.join("scenario.toml")).unwrap();
    assert!(text.contains("period = 10080.0") && text.contains("week (Monday first)"), "{text}");
    assert!(text.contains("service = { dist = \"fixed\", value = 30.0 }"), "{text}");
}

#[test]
fn shares_that_add_up_to_one_still_do_in_the_fitted_scenario() {
    let sandbox = Sandbox::new();
    let mut log = String::from("case:concept:name,org:group,time:timestamp\n");
    // Cases begin at Intake, Phone or Mail, a third each; Intake always
    // passes its case on, to one of three teams in turn.
    for case in 0..36 {
        let first = ["Intake", "Phone", "Mail"][case % 3];
        let next = ["Alpha", "Beta", "Gamma"][(case / 3) % 3];
        let day = 1 + case / 10;
        let minute = case % 10;
        log.push_str(&format!("{case},{first},2024-01-0{day}T08:0{minute}:00Z\n"));
        log.push_str(&format!("{case},{next},2024-01-0{day}T09:0{minute}:00Z\n"));
        log.push_str(&format!("{case},{next},2024-01-0{day}T10:0{minute}:00Z\n"));
    }
    sandbox.write("shares.csv", &log);
    sandbox.run(&["fit", "shares.csv", "--quiet"]).success();
    sandbox.run(&["validate", "output/shares/fit/scenario.toml"]).success();
    let text = std::fs::read_to_string(sandbox.path("output/shares/fit/scenario.toml")).unwrap();
    let third = (1.0f64 / 3.0).to_string();
    assert!(text.contains(&format!("\"Intake\" = {third}")) && text.contains(&format!("\"Mail\" = {third}")), "{text}");
    assert!(text.contains(&format!("{{ dept = \"Alpha\", probability = {third} }}")), "{text}");
}

/// One front line, exponential work of mean 1.0 minute, staff to spare.
const ONE_MINUTE: &str = r#"name = "floored"
time_unit = "minute"
horizon = 2400.0
warmup = 0.0
replications = 1
[customers]
arrival_rate = 2.0
[[department]]
name = "Front"
front_line = true
staff = 20
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#;

#[test]
fn times_floored_to_whole_minutes_are_fitted_within_their_interval() {
    let text = own_log_text(ONE_MINUTE, 5);
    // Every timestamp cut to its minute, as a ticket system exports it.
    let floored: String = text
        .lines()
        .map(|line| {
            let fields: Vec<String> = line
                .split(',')
                .map(|f| if f.len() == 24 && f.ends_with('Z') { format!("{}:00Z", &f[..16]) } else { f.to_string() })
                .collect();
            fields.join(",") + "\n"
        })
        .collect();
    assert!(floored.contains(":00Z") && !floored.contains(".000Z,"), "{}", &floored[..300]);
    let log = read_csv(floored.as_bytes(), "events.csv", &Columns::default()).unwrap();
    let fit = estimate(&log, &Clock::new("UTC").unwrap(), &minute_settings(10)).unwrap();
    assert_eq!(fit.resolution_seconds, Some(60.0));
    let (_, front) = team(&fit, "Front");
    assert!(front.service.is_work && front.service.resolution == Some(1.0), "{:?}", front.service.resolution);
    let sample = &front.service.sample;
    assert!(sample.contains(&0.0), "zeros are kept");
    // The sample's 99.9% interval (its spread includes the rounding's).
    let (low, high) = mean_interval(sample, 0.001);
    let fitted = front.service.scenario_mean();
    assert!(low <= 1.0 && 1.0 <= high, "the sample itself: {low}..{high}");
    assert!(
        (fitted - 1.0).abs() <= (high - low) / 2.0,
        "fitted mean {fitted}, interval half-width {}",
        (high - low) / 2.0
    );
    let best = &front.service.fitted[0];
    assert!(matches!(best.family.name(), "exponential" | "gamma"), "{best:?}");
    assert!((best.family.cv() - 1.0).abs() < 0.1, "{best:?}");
    // Fitted as exact times, without the zeros, the mean is far too long.
    let plain = orgsim::fit::families::best(sample).unwrap();
    assert!(plain.family.mean() > high, "{plain:?}");
}
