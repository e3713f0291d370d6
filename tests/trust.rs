//! Whether a run's numbers can be trusted: the diagnostics, the automatic
//! warm-up, overload episodes, the runtime stall stop, and the shipped
//! baseline's own steadiness.

use orgsim::experiment::{self, Stalled};
use orgsim::scenario::{NeedMode, Scenario};

use crate::util::{Sandbox, bonferroni, csv_rows as rows, department_values, scenario, values};

/// One desk of two at half load, with a tenfold surge from 2,000 to 2,200:
/// the queue passes 4 (twice the staff) and takes hundreds of minutes to
/// drain, an overload episode in every replication.
const SURGE: &str = r#"name = "surge"
time_unit = "minute"
horizon = 6000.0
warmup = 500.0
replications = 8
seed = 11
[customers]
arrival_rate = 1.0
surges = [ { start = 2000.0, end = 2200.0, factor = 4.0 } ]
[[department]]
name = "Desk"
front_line = true
staff = 2
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#;

/// A heavily loaded M/M/3 from empty (ρ = 0.95): its start-up lasts
/// hundreds of service times.
const LOADED: &str = r#"name = "loaded"
horizon = 20000.0
warmup = 0.0
replications = 20
seed = 5
[customers]
arrival_rate = 2.85
[[department]]
name = "Desk"
front_line = true
staff = 3
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#;

#[test]
fn an_overload_episode_is_measured_written_drawn_and_said() {
    let sandbox = Sandbox::new();
    sandbox.write("surge.toml", SURGE);
    let stdout = sandbox.run(&["run", "surge.toml", "--out", "run"]).success();
    let folder = sandbox.path("run");
    for row in rows(&folder, "departments.csv") {
        assert!(row["crisis_episodes"].parse::<f64>().unwrap() >= 1.0, "{row:?}");
        // The surge adds 600 customers in 200 minutes that two servers
        // work off at one per minute net: the episode lasts hundreds of
        // minutes, far less than the whole run.
        let share: f64 = row["crisis_share"].parse().unwrap();
        assert!(share > 0.02 && share < 0.3, "crisis share {share}");
        let median: f64 = row["crisis_length_median"].parse().unwrap();
        assert!(median > 100.0 && median < 2000.0, "median episode {median}");
    }
    assert!(stdout.contains("Desk was in crisis") && stdout.contains("8 of 8 replications had an episode"), "{stdout}");
    let regimes = rows(&folder, "regimes.csv");
    assert_eq!(regimes.len(), 8 * orgsim::model::PATH_BINS);
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("Desk was in crisis"), "the report says it too");
    assert!(folder.join("plots/regimes.svg").exists());
    // `orgsim report` redraws the chart from regimes.csv.
    std::fs::remove_file(folder.join("plots/regimes.svg")).unwrap();
    sandbox.run(&["report", "run", "--quiet"]).success();
    assert!(folder.join("plots/regimes.svg").exists());
}

#[test]
fn a_calm_run_has_no_episode_and_an_empty_regime_file() {
    let sandbox = Sandbox::new();
    // A third of the load and no surge.
    sandbox.write(
        "calm.toml",
        &SURGE.replace("factor = 4.0", "factor = 1.0").replace("arrival_rate = 1.0", "arrival_rate = 0.6"),
    );
    sandbox.run(&["run", "calm.toml", "--out", "run", "--quiet", "--no-plots"]).success();
    let folder = sandbox.path("run");
    for row in rows(&folder, "departments.csv") {
        assert_eq!(row["crisis_episodes"], "0");
        assert_eq!(row["crisis_share"], "0");
        assert_eq!(row["crisis_length_median"], "", "undefined without an episode");
    }
    assert!(rows(&folder, "regimes.csv").is_empty());
}

#[test]
fn diagnostics_flag_a_short_warm_up_and_a_trend_and_pass_a_steady_queue() {
    let sandbox = Sandbox::new();
    let loaded = LOADED;
    sandbox.write("loaded.toml", loaded);
    let cold = sandbox.run(&["run", "loaded.toml", "--out", "cold", "--no-plots"]);
    cold.success();
    let stderr = cold.stderr();
    let verdicts = |name: &str| -> Vec<String> {
        rows(&sandbox.path(name), "diagnostics.csv").into_iter().map(|r| r["verdict"].clone()).collect()
    };
    assert!(verdicts("cold").contains(&"warmup_too_short".to_string()), "{:?}", verdicts("cold"));
    assert!(stderr.contains("warning: Desk's queue: the warm-up (0) ends before MSER-5"), "{stderr}");
    // Flagged, yet everything is written and the exit code is 0.
    assert!(sandbox.path("cold/summary.csv").exists() && sandbox.path("cold/report.html").exists());
    let report = std::fs::read_to_string(sandbox.path("cold/report.html")).unwrap();
    assert!(report.contains("Can these numbers be trusted?") && report.contains("No, not yet"));
    // --quiet says nothing, the file still tells.
    let quiet = sandbox.run(&["run", "loaded.toml", "--out", "quiet", "--no-plots", "--quiet"]);
    assert_eq!(quiet.success(), "");
    assert_eq!(quiet.stderr(), "");

    // Demand that doubles halfway through the counted period: a trend.
    sandbox.write(
        "trend.toml",
        &loaded
            .replace(
                "arrival_rate = 2.85",
                "arrival_rate = 1.2\nsurges = [ { start = 11000.0, end = 20000.0, factor = 2.0 } ]",
            )
            .replace("warmup = 0.0", "warmup = 1000.0"),
    );
    sandbox.run(&["run", "trend.toml", "--out", "trend", "--no-plots", "--quiet"]).success();
    assert!(verdicts("trend").contains(&"not_steady".to_string()), "{:?}", verdicts("trend"));

    // A moderately loaded M/M/3 past a warm-up: nothing to doubt.
    sandbox.write(
        "steady.toml",
        &loaded.replace("arrival_rate = 2.85", "arrival_rate = 2.1").replace("warmup = 0.0", "warmup = 1000.0"),
    );
    sandbox.run(&["run", "steady.toml", "--out", "steady", "--no-plots", "--quiet"]).success();
    assert!(verdicts("steady").iter().all(|v| v == "ok"), "{:?}", verdicts("steady"));
    let report = std::fs::read_to_string(sandbox.path("steady/report.html")).unwrap();
    assert!(report.contains("Yes, as far as the checks can tell"));
}

#[test]
fn an_auto_warm_up_is_chosen_printed_written_and_repeats_the_run() {
    let sandbox = Sandbox::new();
    let loaded = &LOADED.replace("warmup = 0.0", "warmup = \"auto\"").replace("replications = 20", "replications = 10");
    sandbox.write("loaded.toml", loaded);
    let outcome = sandbox.run(&["run", "loaded.toml", "--out", "auto", "--no-plots"]);
    outcome.success();
    let stderr = outcome.stderr();
    assert!(stderr.contains("chosen by MSER-5 on a pilot run of 10 replications"), "{stderr}");
    let resolved = std::fs::read_to_string(sandbox.path("auto/scenario.toml")).unwrap();
    let line = resolved.lines().find(|l| l.starts_with("warmup = ")).unwrap();
    let chosen: f64 = line["warmup = ".len()..].parse().unwrap_or_else(|_| panic!("a number: {line}"));
    assert!(chosen > 0.0 && chosen <= 10_000.0, "{chosen}");
    assert!(stderr.contains(&format!("warm-up: {} ", orgsim::scenario::ranges::number(chosen))), "{stderr}");
    for row in rows(&sandbox.path("auto"), "diagnostics.csv") {
        assert_ne!(row["verdict"], "warmup_too_short", "{row:?}");
    }
    // The resolved file repeats the run byte for byte.
    sandbox.run(&["run", "auto/scenario.toml", "--out", "again", "--no-plots", "--quiet"]).success();
    for file in ["summary.csv", "departments.csv", "diagnostics.csv"] {
        assert_eq!(
            std::fs::read(sandbox.path("auto").join(file)).unwrap(),
            std::fs::read(sandbox.path("again").join(file)).unwrap(),
            "{file}"
        );
    }
    // --warmup auto on the command line does the same from a fixed warm-up.
    sandbox.write("fixed.toml", &loaded.replace("warmup = \"auto\"", "warmup = 0.0"));
    let outcome = sandbox.run(&["run", "fixed.toml", "--warmup", "auto", "--out", "flag", "--no-plots", "--quiet"]);
    outcome.success();
    assert_eq!(
        std::fs::read(sandbox.path("auto/summary.csv")).unwrap(),
        std::fs::read(sandbox.path("flag/summary.csv")).unwrap()
    );
    // An experiment chooses it once, on the base, for every point.
    sandbox.write("sweep.toml", &format!("{loaded}[sweep]\n\"department.Desk.staff\" = [3, 4]\n"));
    sandbox.run(&["sweep", "sweep.toml", "--out", "sweep", "--no-plots", "--quiet"]).success();
    let swept = std::fs::read_to_string(sandbox.path("sweep/scenario.toml")).unwrap();
    assert!(swept.contains(line), "the sweep's resolved base holds the same warm-up:\n{swept}");
}

#[test]
fn a_bad_warm_up_is_refused_before_anything_runs() {
    let sandbox = Sandbox::new();
    let text = SURGE.replace("warmup = 500.0", "warmup = \"soon\"");
    sandbox.write("bad.toml", &text);
    let stderr = sandbox.run(&["run", "bad.toml", "--out", "x"]).failure();
    assert!(stderr.contains("bad.toml:4:") && stderr.contains("warmup") && stderr.contains("\"auto\""), "{stderr}");
    sandbox.write("good.toml", SURGE);
    for value in ["soon", "-1", "6000", "1e400", "NaN"] {
        let stderr = sandbox.run(&["run", "good.toml", &format!("--warmup={value}"), "--out", "x"]).failure();
        assert!(stderr.contains("--warmup"), "{value}: {stderr}");
    }
    assert_eq!(sandbox.listing(), vec!["bad.toml".to_string(), "good.toml".to_string()], "nothing written");
}

/// The deadlock of a `hold` loop, forced past the check (which refuses
/// it): A's only server holds while B's request waits in A's queue.
fn forced_hold_loop() -> Scenario {
    forced_hold_loop_with("")
}

/// [`forced_hold_loop`] with `extra` departments after its two.
fn forced_hold_loop_with(extra: &str) -> Scenario {
    let mut scenario = scenario(&format!(
        r#"name = "loop"
horizon = 20000.0
replications = 4
seed = 3
[customers]
arrival_rate = 0.2
[[department]]
name = "A"
front_line = true
staff = 1
service = {{ dist = "exponential", mean = 1.0 }}
needs = [ {{ dept = "B", probability = 0.3, mode = "handoff" }} ]
[[department]]
name = "B"
staff = 1
service = {{ dist = "exponential", mean = 1.0 }}
needs = [ {{ dept = "A", probability = 0.3, mode = "handoff" }} ]
{extra}
[behavior]
enabled = false
"#
    ));
    scenario.departments[0].needs[0].mode = NeedMode::Hold;
    scenario
}

#[test]
fn a_replication_that_stops_moving_stops_with_an_error_naming_the_departments() {
    let scenario = forced_hold_loop();
    let results = experiment::run_replications(&scenario, 4, 3);
    let stalled: Vec<_> = results.iter().filter_map(|r| r.stalled.as_ref()).collect();
    assert!(!stalled.is_empty(), "the forced loop deadlocks within 20,000 minutes");
    for stall in &stalled {
        assert_eq!(stall.departments, vec!["A".to_string()]);
        // Stopped after 1,000 mean service times without a service end,
        // not at the horizon.
        assert!(stall.time - stall.since >= 1000.0 && stall.time < 20_000.0, "{stall:?}");
    }
    let error = Stalled::check(&results).unwrap_err().to_string();
    assert!(error.contains("every server of \"A\"") && error.contains("mode = \"handoff\""), "{error}");
    // The message's times are the stall's own: no service from `since`
    // to `time`.
    let first = &stalled[0];
    let number = orgsim::scenario::ranges::number;
    assert!(
        error.contains(&format!(
            "no service had ended from time {} to time {}",
            number(first.since),
            number(first.time)
        )),
        "{error}"
    );
    // An experiment fails whole, and says which of its runs stalled.
    let plan = experiment::jobs::Plan { replications: 4, seed: 3, precision: None };
    let error = experiment::jobs::replicate(&[scenario.clone(), scenario], &plan, &experiment::jobs::Silent)
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("run 1 of 2 of this experiment (loop): replication"), "{error}");
    // A sweep names the point, with its settings.
    let swept = forced_hold_loop_with("[sweep]\n\"department.B.staff\" = [1, 2]");
    let mut sweep = experiment::sweep::plan_sweep(&swept, "loop.toml").unwrap();
    for point in &mut sweep.points {
        point.scenario.departments[0].needs[0].mode = NeedMode::Hold;
    }
    let error = experiment::sweep::run_sweep(sweep, &plan, &experiment::jobs::Silent).unwrap_err().to_string();
    assert!(error.starts_with("sweep point 1 (department.B.staff = 1): replication"), "{error}");
}

/// A desk that holds its servers for a back office open Monday to Friday,
/// 08:00 to 17:00: over a weekend the desk's servers all hold and no
/// service ends for 63 hours, more than 1,000 of the back office's mean
/// service times, yet nothing is stuck: the office opens on Monday.
const WEEKEND: &str = r#"name = "weekend"
horizon = 30240.0
warmup = 10080.0
period = 10080.0
replications = 3
seed = 4
[customers]
arrival_rate = 0.05
[[department]]
name = "Desk"
front_line = true
staff = 2
service = { dist = "exponential", mean = 1.0 }
needs = [ { dept = "Back", probability = 0.5, mode = "hold" } ]
[[department]]
name = "Back"
shifts = [
  { start = 480.0, length = 540.0, staff = 2 },
  { start = 1920.0, length = 540.0, staff = 2 },
  { start = 3360.0, length = 540.0, staff = 2 },
  { start = 4800.0, length = 540.0, staff = 2 },
  { start = 6240.0, length = 540.0, staff = 2 },
]
service = { dist = "exponential", mean = 2.0 }
[behavior]
enabled = false
"#;

#[test]
fn a_back_office_closed_over_the_weekend_is_no_deadlock() {
    let sandbox = Sandbox::new();
    sandbox.write("weekend.toml", WEEKEND);
    let outcome = sandbox.run(&["run", "weekend.toml", "--out", "run", "--no-plots", "--quiet"]);
    outcome.success();
    // The work held over the weekend is served once the office opens.
    let summary = rows(&sandbox.path("run"), "summary.csv");
    let mean =
        |metric: &str| -> f64 { summary.iter().find(|r| r["metric"] == metric).unwrap()["mean"].parse().unwrap() };
    // Two counted weeks at 0.05 a minute: about 1,008 customers, most served.
    assert!(mean("ext_arrivals") > 900.0 && mean("ext_served") > 0.8 * mean("ext_arrivals"), "{summary:?}");
    // A loop that truly stalls is still caught while an unrelated office
    // closes every night and reopens every morning.
    let stuck = forced_hold_loop_with(
        "[[department]]\nname = \"C\"\nshifts = [ { start = 480.0, length = 480.0, staff = 1 } ]\nservice = { dist = \"exponential\", mean = 1.0 }",
    );
    let results = experiment::run_replications(&stuck, 4, 3);
    let stalled: Vec<_> = results.iter().filter_map(|r| r.stalled.as_ref()).collect();
    assert!(!stalled.is_empty() && stalled.iter().all(|s| s.departments == ["A"]), "{stalled:?}");
}

#[test]
fn the_frozen_v0_baseline_is_flagged_at_four_times_its_horizon() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/baseline-v0.toml")).unwrap();
    let mut scenario = Scenario::from_toml_str(&text, "baseline-v0.toml").unwrap();
    scenario.horizon = 40_000.0;
    assert_eq!(scenario.warmup, 1_000.0);
    let results = experiment::run(scenario);
    let flagged: Vec<_> = results.diagnostics.iter().filter(|d| d.verdict.as_str() != "ok").collect();
    assert!(!flagged.is_empty(), "{:?}", results.diagnostics);
}

/// The five headline rates of the issue, per replication.
fn headline(results: &experiment::RunResults) -> Vec<(&'static str, Vec<f64>)> {
    let mut rates: Vec<(&'static str, Vec<f64>)> =
        ["ext_satisfaction_mean", "ext_abandon_rate", "ext_churn_rate", "revenue_at_risk_rate"]
            .into_iter()
            .map(|metric| (metric, values(results, metric)))
            .collect();
    rates.push(("IT wait_mean", department_values(results, "IT", "wait_mean")));
    rates
}

/// Welch's interval of the difference of two means at `confidence`.
fn welch(a: &[f64], b: &[f64], confidence: f64) -> (f64, f64) {
    let moments = |v: &[f64]| {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        (mean, v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) / n, n)
    };
    let ((ma, va, na), (mb, vb, nb)) = (moments(a), moments(b));
    let degrees = (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let t = orgsim::experiment::statistics::student_t_critical(confidence, degrees.floor().max(1.0) as u64);
    let half = t * (va + vb).sqrt();
    (mb - ma - half, mb - ma + half)
}

#[test]
fn the_shipped_baseline_passes_its_diagnostics_and_agrees_with_itself_at_four_times_its_horizon() {
    let base = Scenario::default_scenario();
    let mut long = base.clone();
    long.horizon *= 4.0;
    let (short, long) = (experiment::run(base), experiment::run(long));
    for results in [&short, &long] {
        assert!(results.diagnostics.iter().all(|d| d.verdict.as_str() == "ok"), "{:?}", results.diagnostics);
    }
    let rates = headline(&short).into_iter().zip(headline(&long));
    let confidence = 1.0 - 0.05 / 5.0;
    for ((metric, at_1x), (_, at_4x)) in rates {
        let (low, high) = welch(&at_1x, &at_4x, confidence);
        assert!(low <= 0.0 && 0.0 <= high, "{metric}: 4x − 1x in [{low}, {high}]");
    }
    // The headline rate's own interval is narrow enough to mean something.
    let satisfaction = bonferroni(&values(&short, "ext_satisfaction_mean"), 1);
    assert!(satisfaction.half_width() < 0.05, "{satisfaction:?}");
}

#[test]
fn the_library_run_chooses_an_auto_warm_up_too() {
    let mut scenario = scenario(
        &LOADED.replace("warmup = 0.0", "warmup = \"auto\"").replace("replications = 20", "replications = 10"),
    );
    assert!(scenario.warmup_auto);
    let results = experiment::run(scenario.clone());
    assert!(!results.scenario.warmup_auto && results.scenario.warmup > 0.0, "{}", results.scenario.warmup);
    // The same as choosing it by hand first.
    experiment::choose_warmup(&mut scenario).unwrap();
    assert_eq!(scenario.warmup, results.scenario.warmup);
}

/// A desk whose cases half the time wait on a back office that takes 300
/// minutes a request: over a counted window of 1,800 minutes, the cases
/// that arrive late are still open at the horizon.
fn slow_back_office(horizon: f64) -> String {
    format!(
        r#"name = "slow"
horizon = {horizon:.1}
warmup = 200.0
replications = 6
seed = 3
[customers]
arrival_rate = 0.5
[[department]]
name = "Desk"
front_line = true
staff = 2
service = {{ dist = "exponential", mean = 1.0 }}
needs = [ {{ dept = "Back", probability = 0.5, mode = "handoff" }} ]
[[department]]
name = "Back"
staff = "unlimited"
service = {{ dist = "exponential", mean = 300.0 }}
[behavior]
enabled = false
"#
    )
}

#[test]
fn resolution_cut_by_the_horizon_is_measured_and_said_censored() {
    let sandbox = Sandbox::new();
    sandbox.write("slow.toml", &slow_back_office(2000.0));
    let output = sandbox.run(&["run", "slow.toml", "--out", "run", "--no-plots"]);
    let stderr = output.stderr();
    output.success();
    let folder = sandbox.path("run");
    let summary = rows(&folder, "summary.csv");
    let open: f64 = summary.iter().find(|r| r["metric"] == "ext_open_share").unwrap()["mean"].parse().unwrap();
    // Half the cases spend 300 minutes at the back office: about
    // 0.5 × 300 / 1800 of the window's customers are open at the end.
    assert!(open > 0.04 && open < 0.15, "ext_open_share {open}");
    let back_open: f64 =
        summary.iter().find(|r| r["metric"] == "department.Back.open_share").unwrap()["mean"].parse().unwrap();
    assert!(back_open > 0.05, "the back office holds the open work: {back_open}");
    let diagnostics = rows(&folder, "diagnostics.csv");
    let resolution = diagnostics.iter().find(|r| r["series"] == "resolution").expect("a censoring row");
    assert_eq!((resolution["department"].as_str(), resolution["verdict"].as_str()), ("external", "censored"));
    assert!((resolution["open_share"].parse::<f64>().unwrap() - open).abs() < 1e-9);
    assert!(stderr.contains("censored") && stderr.contains("longer horizon"), "{stderr}");
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(report.contains("No, not yet") && report.contains("biased low"), "the trust section says no");
    // Ten times the horizon: the share of open cases falls under 1%.
    sandbox.write("long.toml", &slow_back_office(40000.0));
    sandbox.run(&["run", "long.toml", "--out", "long", "--no-plots", "--quiet"]).success();
    let diagnostics = rows(&sandbox.path("long"), "diagnostics.csv");
    let resolution = diagnostics.iter().find(|r| r["series"] == "resolution").unwrap();
    assert_eq!(resolution["verdict"], "ok", "{resolution:?}");
}

#[test]
fn every_sweep_point_carries_a_verdict_and_an_overloaded_one_is_warned_about_once() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "desk.toml",
        r#"name = "desk"
horizon = 4000.0
warmup = 400.0
replications = 4
seed = 2
[customers]
arrival_rate = 4.0
[[department]]
name = "Desk"
front_line = true
staff = 6
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
[sweep]
"department.Desk.staff" = [3, 7]
"#,
    );
    let outcome = sandbox.run(&["sweep", "desk.toml", "--out", "sweep", "--no-plots"]);
    let stderr = outcome.stderr();
    outcome.success();
    let points = rows(&sandbox.path("sweep"), "sweep.csv");
    // Three servers for a load of 4: the queue grows without bound.
    assert_eq!(points[0]["verdict"], "overloaded", "{:?}", points[0]);
    assert_eq!(points[1]["verdict"], "ok", "{:?}", points[1]);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("point 1 (department.Desk.staff = 3): overloaded"), "{stderr}");
    // The report marks the row too, and only that one.
    let report = std::fs::read_to_string(sandbox.path("sweep/report.html")).unwrap();
    assert!(report.contains("Rows to read with care"), "the report marks doubtful rows");
    assert!(report.contains("point 1 (department.Desk.staff = 3): <strong>overloaded</strong>"));
    assert!(!report.contains("point 2 ("), "a healthy point is not marked");
    // The same verdicts, row for row, in a compare of the two staffings.
    let text = std::fs::read_to_string(sandbox.path("desk.toml")).unwrap();
    let plain = text.split("[sweep]").next().unwrap();
    sandbox.write("three.toml", &plain.replace("staff = 6", "staff = 3"));
    sandbox.write("seven.toml", &plain.replace("staff = 6", "staff = 7"));
    sandbox.run(&["compare", "seven.toml", "three.toml", "--out", "compare", "--no-plots", "--quiet"]).success();
    let compared = rows(&sandbox.path("compare"), "compare.csv");
    assert!(compared.iter().all(|r| r["verdict"] == "overloaded"), "the pair is as doubtful as its worse run");
    // The report's headline says so beside the figures it gives.
    let page = std::fs::read_to_string(sandbox.path("compare/report.html")).unwrap();
    assert!(page.contains("Variant three's figures are marked overloaded"), "the headline carries the verdict");
}

#[test]
fn the_same_scenario_in_minutes_and_in_hours_gets_the_same_verdicts() {
    // LOADED from empty: start-up counted in both the queue and the waits
    // (about six minutes, a tenth of an hour).
    let hours = LOADED
        .replace("name = \"loaded\"", "name = \"loaded\"\ntime_unit = \"hour\"")
        .replace("horizon = 20000.0", &format!("horizon = {:?}", 20000.0 / 60.0))
        .replace("arrival_rate = 2.85", &format!("arrival_rate = {:?}", 2.85 * 60.0))
        .replace("mean = 1.0", &format!("mean = {:?}", 1.0 / 60.0));
    assert_ne!(hours, LOADED);
    let verdicts = |text: &str| {
        let results = experiment::run(scenario(text));
        results.diagnostics.iter().map(|d| (d.series, d.verdict)).collect::<Vec<_>>()
    };
    let (in_minutes, in_hours) = (verdicts(LOADED), verdicts(&hours));
    assert_eq!(in_minutes, in_hours);
    assert!(
        in_minutes.iter().any(|&(series, v)| series == "ext_wait" && v != orgsim::experiment::diagnostics::Verdict::Ok),
        "the waits' start-up is flagged in both units: {in_minutes:?}"
    );
    // A shift plan without a period repeats daily in the scenario's unit.
    let shifts = |unit: &str, day: f64| {
        scenario(&format!(
            r#"name = "s"
time_unit = "{unit}"
horizon = {:?}
[customers]
arrival_rate = {:?}
[[department]]
name = "Desk"
front_line = true
shifts = [ {{ start = 0.0, length = {:?}, staff = 4 }}, {{ start = {:?}, length = {:?}, staff = 5 }} ]
service = {{ dist = "exponential", mean = {:?} }}
[behavior]
enabled = false
"#,
            day * 10.0,
            3.0 * 1440.0 / day,
            day / 2.0,
            day / 2.0,
            day / 2.0,
            day / 1440.0
        ))
    };
    for (unit, day) in [("minute", 1440.0), ("hour", 24.0), ("second", 86400.0), ("day", 1.0)] {
        let s = shifts(unit, day);
        assert_eq!(s.period, Some(day), "{unit}");
        let staff = s.departments[0].mean_staff(0.0, s.horizon).unwrap();
        assert!((staff - 4.5).abs() < 1e-9, "{unit}: half a day each, {staff}");
    }
}

/// LOADED with `warmup = "auto"` and a sweep of its staff: three servers
/// settle late, six at once.
fn loaded_auto(staff: &str) -> String {
    LOADED
        .replace("warmup = 0.0", "warmup = \"auto\"")
        .replace("replications = 20", "replications = 8")
        .replace("staff = 3", &format!("staff = 3\n{staff}"))
}

/// The two warm-ups `(smallest, largest)` a line of stderr names as
/// `(A to B)`.
fn range_said(stderr: &str, line_with: &str) -> (f64, f64) {
    let line = stderr.lines().find(|l| l.contains(line_with)).unwrap_or_else(|| panic!("{line_with}: {stderr}"));
    let inside = &line[line.rfind('(').unwrap() + 1..line.rfind(')').unwrap()];
    let (a, b) = inside.split_once(" to ").unwrap();
    (a.replace(',', "").parse().unwrap(), b.replace(',', "").parse().unwrap())
}

#[test]
fn with_an_automatic_warm_up_every_sweep_point_and_paired_run_gets_its_own_pilot() {
    let sandbox = Sandbox::new();
    sandbox.write("sweep.toml", &(loaded_auto("") + "[sweep]\n\"department.Desk.staff\" = [3, 6]\n"));
    let stderr = sandbox.run(&["sweep", "sweep.toml", "--out", "one", "--no-plots"]).stderr();
    let (smallest, largest) = range_said(&stderr, "each of 2 points its own");
    assert!(smallest < largest, "the loaded point settles later: {stderr}");
    // Shards run the same pilots: merged, the bytes of one machine.
    for shard in ["0/2", "1/2"] {
        sandbox.run(&["sweep", "sweep.toml", "--shard", shard, "--out", "shards", "--quiet"]).success();
    }
    sandbox.run(&["merge", "shards", "--out", "merged", "--quiet"]).success();
    let read = |folder: &str| std::fs::read(sandbox.path(folder).join("sweep.csv")).unwrap();
    assert!(read("one") == read("merged"), "pilots per point keep shards byte-identical");
    // A paired comparison gives both runs the largest, one counted window.
    sandbox.write("three.toml", &loaded_auto(""));
    sandbox.write("six.toml", &loaded_auto("").replace("staff = 3", "staff = 6"));
    let outcome = sandbox.run(&["compare", "six.toml", "three.toml", "--out", "compare", "--no-plots"]);
    let stderr = outcome.stderr();
    outcome.success();
    let (low, high) = range_said(&stderr, "for all 2 runs, the largest");
    assert!(low < high && (high - largest).abs() < 1e-9, "{stderr}");
    let written = std::fs::read_to_string(sandbox.path("compare/scenario.toml")).unwrap();
    assert!(written.contains(&format!("warmup = {high:?}")), "{written}");
    // optimize from a light staffing: the removal pass reaches loaded
    // candidates, whose pilots ask for the longer warm-up, and the search
    // runs again with it for every candidate.
    sandbox.write("light.toml", &loaded_auto("").replace("staff = 3", "staff = 8"));
    let outcome =
        sandbox.run(&["optimize", "light.toml", "--target", "ext_wait_prob<=0.9", "--out", "opt", "--no-plots"]);
    let stderr = outcome.stderr();
    outcome.success();
    assert!(stderr.contains("for every candidate, the largest of their own MSER-5 choices"), "{stderr}");
    let written = std::fs::read_to_string(sandbox.path("opt/scenario.toml")).unwrap();
    assert!(written.contains(&format!("warmup = {largest:?}")), "the loaded desk's own warm-up: {written}");
}
