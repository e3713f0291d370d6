//! Staff in shifts: the checks, the fold into a constant head count,
//! non-preemptive leaving with overtime, and what staff means in every
//! figure.

use crate::util::{Sandbox, csv_rows, scenario};

/// A desk whose staff is `staff` (a `staff = …` or `shifts = …` line),
/// fed at 0.8 a minute with one-minute services, and a back office of 2.
fn desk(staff: &str) -> String {
    crate::util::desk_and_back_office(
        "name = \"shifts\"\nhorizon = 2880.0\nwarmup = 240.0\nreplications = 4\nseed = 12",
        "arrival_rate = 0.8",
        &format!("{staff}\ncost_per_time = 2.0"),
    )
}

#[test]
fn one_shift_all_day_is_the_constant_head_count_byte_for_byte() {
    let sandbox = Sandbox::new();
    sandbox.write("constant.toml", &desk("staff = 3"));
    sandbox.write("all-day.toml", &desk("shifts = [ { start = 0.0, length = 1440.0, staff = 3 } ]"));
    // Two shifts that together keep three people on duty at every moment.
    sandbox.write(
        "relay.toml",
        &desk(
            "shifts = [ { start = 300.0, length = 720.0, staff = 3 }, { start = 1020.0, length = 720.0, staff = 3 } ]",
        )
        .replace("horizon = 2880.0", "horizon = 2880.0\nperiod = 1440.0"),
    );
    for name in ["constant", "all-day", "relay"] {
        sandbox.run(&["run", &format!("{name}.toml"), "--out", name, "--quiet", "--no-plots"]).success();
    }
    for file in ["summary.csv", "departments.csv", "replications.csv", "timeseries.csv"] {
        let constant = std::fs::read(sandbox.path("constant").join(file)).unwrap();
        for other in ["all-day", "relay"] {
            assert!(constant == std::fs::read(sandbox.path(other).join(file)).unwrap(), "{other}: {file} differs");
        }
    }
}

#[test]
fn bad_shifts_are_refused_with_the_field_and_what_is_valid() {
    let sandbox = Sandbox::new();
    let shift = |body: &str| desk(&format!("shifts = [ {{ {body} }} ]"));
    let cases: [(&str, String, &str); 10] = [
        ("both", desk("staff = 3\nshifts = [ { start = 0.0, length = 480.0, staff = 2 } ]"), "not both"),
        ("neither", desk(""), "give staff"),
        ("empty", desk("shifts = []"), "1 to 1000 shifts"),
        ("start", shift("start = 1440.0, length = 480.0, staff = 2"), "0 ≤ start < 1440"),
        ("negative", shift("start = -1.0, length = 480.0, staff = 2"), "department \"Desk\".shifts[0].start"),
        ("length", shift("start = 0.0, length = 0.0, staff = 2"), "department \"Desk\".shifts[0].length"),
        ("longer", shift("start = 0.0, length = 1441.0, staff = 2"), "at most the period, 1440"),
        ("nobody", shift("start = 0.0, length = 480.0, staff = 0"), "department \"Desk\".shifts[0].staff"),
        ("crowd", shift("start = 0.0, length = 480.0, staff = 1000001"), "at most 1000000"),
        (
            "many",
            desk(&format!("shifts = [ {} ]", vec!["{ start = 0.0, length = 60.0, staff = 1 }"; 1001].join(", "))),
            "at most 1000 shifts (got 1001)",
        ),
    ];
    for (name, text, expected) in cases {
        sandbox.write(&format!("{name}.toml"), &text);
        let stderr = sandbox.run(&["validate", &format!("{name}.toml")]).failure();
        assert!(stderr.contains(&format!("{name}.toml")) && stderr.contains(expected), "{name}: {stderr}");
    }
    // A period so short that the staff would change all the time.
    sandbox.write(
        "churn.toml",
        &desk("shifts = [ { start = 0.0, length = 0.0001, staff = 2 } ]")
            .replace("horizon = 2880.0", "horizon = 2880.0\nperiod = 0.0002"),
    );
    assert!(
        sandbox.run(&["validate", "churn.toml"]).failure().contains("period (0.0002) is too short for the horizon")
    );
    // With a period, a shift must fit in it.
    sandbox.write(
        "period.toml",
        &shift("start = 600.0, length = 480.0, staff = 2")
            .replace("horizon = 2880.0", "horizon = 2880.0\nperiod = 480.0"),
    );
    assert!(sandbox.run(&["validate", "period.toml"]).failure().contains("0 ≤ start < 480"));
}

#[test]
fn a_server_finishes_its_work_after_the_shift_and_nobody_starts_while_off_duty() {
    // Two people from 0:00 to 10:00, nobody for the rest of the day: work
    // queues overnight and the morning shift takes it.
    let sandbox = Sandbox::new();
    sandbox.write("day.toml", &desk("shifts = [ { start = 0.0, length = 600.0, staff = 2 } ]"));
    sandbox.run(&["run", "day.toml", "--out", "run", "--quiet", "--no-plots", "--trace", "trace.csv"]).success();
    let trace = csv_rows(&sandbox.path("."), "trace.csv");
    let off_duty = |time: f64| time.rem_euclid(1440.0) > 600.0;
    let desk_events = |event: &str| -> Vec<f64> {
        trace
            .iter()
            .filter(|r| r["department"] == "Desk" && r["event"] == event)
            .map(|r| r["time"].parse::<f64>().unwrap())
            .collect()
    };
    let starts = desk_events("start");
    assert!(!starts.is_empty());
    assert!(starts.iter().all(|&t| !off_duty(t)), "nobody starts work off duty");
    // Work begun before 10:00 ends after it: overtime.
    assert!(desk_events("end").iter().any(|&t| off_duty(t)), "the last services end past the shift");
    let rows = csv_rows(&sandbox.path("run"), "departments.csv");
    for row in rows.iter().filter(|r| r["department"] == "Desk") {
        let get = |key: &str| row[key].parse::<f64>().unwrap();
        let overtime = get("overtime");
        assert!(overtime > 0.0, "{row:?}");
        // Two people on duty 600 of every 1440 minutes of [240, 2880]:
        // 360 + 600 minutes.
        let on_duty = 2.0 * (360.0 + 600.0);
        assert!((get("staff_cost") - 2.0 * (on_duty + overtime)).abs() < 1e-6, "{row:?}");
        let mean_staff = on_duty / 2640.0;
        assert!((get("utilization") - get("busy_mean") / mean_staff).abs() < 1e-9, "{row:?}");
        assert_eq!(row["staff"], format!("{mean_staff:.1}"));
        // The night's queue is no overload episode: only time with staff
        // on duty can count.
        assert!(get("crisis_share") <= 960.0 / 2640.0 + 1e-9, "{row:?}");
    }
}

#[test]
fn one_more_person_on_a_shift_department_joins_every_shift() {
    let mut file: orgsim::scenario::ScenarioFile = toml::from_str(&desk(
        "shifts = [ { start = 0.0, length = 600.0, staff = 2 }, { start = 600.0, length = 600.0, staff = 4 } ]",
    ))
    .unwrap();
    file.departments[0].add_staff(1);
    let staff: Vec<u32> = file.departments[0].shifts.as_ref().unwrap().iter().map(|s| s.staff).collect();
    assert_eq!(staff, vec![3, 5]);
    let checked = orgsim::scenario::Scenario::from_file(file, "test").unwrap();
    let schedule = checked.departments[0].schedule.as_ref().unwrap();
    assert_eq!(schedule.staff, vec![3, 5, 0], "0:00, 10:00 and 20:00");
}

#[test]
fn sweeps_reach_a_shift_by_its_index() {
    let base = scenario(&desk(
        "shifts = [ { start = 0.0, length = 600.0, staff = 2 }, { start = 600.0, length = 600.0, staff = 4 } ]",
    ));
    let edited =
        orgsim::scenario::edit::set(&base.resolved, "department.Desk.shifts.1.staff", &toml::Value::Integer(6))
            .unwrap();
    assert_eq!(edited.departments[0].shifts.as_ref().unwrap()[1].staff, 6);
    let error = orgsim::scenario::edit::set(&base.resolved, "department.Desk.shifts.2.staff", &toml::Value::Integer(6))
        .unwrap_err();
    assert!(error.to_string().contains("shifts") && error.message.contains("index from 0 to 1"), "{error}");
}

#[test]
fn the_size_estimate_counts_every_shift_change() {
    let flat = scenario(&desk("staff = 3"));
    // Three changes a day (0:00, 10:00, 20:00) over two days.
    let shifts = scenario(&desk(
        "shifts = [ { start = 0.0, length = 600.0, staff = 2 }, { start = 600.0, length = 600.0, staff = 4 } ]",
    ));
    let events = |s: &orgsim::scenario::Scenario| orgsim::model::size_estimate(s, 1).events;
    assert!((events(&shifts) - events(&flat) - 6.0).abs() < 1e-6, "{} vs {}", events(&shifts), events(&flat));
}

/// A day whose demand swings as a sine, with slots as long as a service:
/// the load lags the arrival rate, which Erlang's pointwise answer ignores.
fn sine_day() -> orgsim::scenario::Scenario {
    let rates: Vec<String> = (0..24)
        .map(|k| {
            let phase = 2.0 * std::f64::consts::PI * (f64::from(k) + 0.5) / 24.0;
            format!("{:.3}", 20.0 + 15.0 * phase.sin())
        })
        .collect();
    scenario(&format!(
        r#"name = "sine"
horizon = 960.0
warmup = 48.0
replications = 20
seed = 31
[customers]
rates = {{ every = 1.0, values = [{}] }}
[[department]]
name = "Desk"
front_line = true
staff = 40
service = {{ dist = "exponential", mean = 1.0 }}
[behavior]
enabled = false
"#,
        rates.join(", ")
    ))
}

#[test]
fn iterative_staffing_meets_the_target_in_every_slot_where_erlang_c_by_slot_does_not() {
    use orgsim::experiment::confirm::Confirm;
    use orgsim::experiment::jobs::{Plan, Silent};
    use orgsim::experiment::staffing::{SlotTarget, staff_by_interval};
    let base = sine_day();
    let target = SlotTarget::parse("wait_prob<=0.2", &base).unwrap();
    let plan = Plan { replications: 20, seed: 31, precision: None };
    let staffing =
        staff_by_interval(&base, &[target], (&[8.0], &Default::default()), &plan, Confirm::Rounds(None), &Silent)
            .unwrap();
    assert!(staffing.iterations >= 2);
    let desk = &staffing.departments[0];
    // Each slot's interval is 95% over 20 replications; Bonferroni over 24
    // slots widens it.
    let widen = orgsim::experiment::statistics::student_t_critical(1.0 - 0.05 / 24.0, 19)
        / orgsim::experiment::statistics::student_t_critical(0.95, 19);
    let mut means = Vec::new();
    for (slot, measured) in desk.measured[0].iter().enumerate() {
        let e = measured.unwrap();
        let upper = e.mean + (e.high - e.mean) * widen;
        assert!(upper <= 0.2 + 0.05, "slot {slot}: wait_prob {} (upper end {upper})", e.mean);
        means.push(e.mean);
    }
    let average = means.iter().sum::<f64>() / means.len() as f64;
    assert!(average > 0.1, "not far below the target on average: {average}");
    // The shifts of eight slots cover what each slot requires.
    assert!(desk.scheduled.iter().zip(&desk.required).all(|(s, r)| s >= r));
    // Erlang C slot by slot, run the same way: the lag makes it miss.
    let naive: Vec<u32> = desk.naive.iter().map(|n| n.unwrap()).collect();
    assert_ne!(naive, desk.required);
    let mut file = base.resolved.clone();
    file.departments[0].staff = None;
    file.departments[0].shifts = Some(
        naive
            .iter()
            .enumerate()
            .map(|(k, &staff)| orgsim::scenario::ShiftFile {
                start: k as f64,
                length: 1.0,
                staff,
                shrinkage: None,
                breaks: Vec::new(),
            })
            .collect(),
    );
    let naive_run = orgsim::experiment::run(orgsim::scenario::Scenario::from_file(file, "naive").unwrap());
    let rows = orgsim::experiment::intervals::interval_rows(&naive_run.scenario, &naive_run.replications);
    let column = orgsim::experiment::intervals::INTERVAL_METRICS.iter().position(|m| *m == "wait_prob").unwrap();
    let missed: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| {
            let e = row.metrics[column].unwrap();
            e.mean - (e.mean - e.low) * widen > 0.2
        })
        .map(|(slot, _)| slot)
        .collect();
    assert!(!missed.is_empty(), "Erlang C by slot misses the target somewhere");
}

#[test]
fn optimize_by_interval_writes_a_shift_plan_that_runs() {
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml")).unwrap();
    sandbox.write("day.toml", &text.replace("replications = 10", "replications = 4"));
    let stdout = sandbox
        .run(&["optimize", "day.toml", "--by-interval", "--target", "wait_prob<=0.2", "--out", "plan", "--no-plots"])
        .success();
    assert!(stdout.contains("Staffing by interval for wait_prob<=0.2 (24 slots"), "{stdout}");
    let rows = csv_rows(&sandbox.path("plan"), "staffing.csv");
    assert_eq!(rows.len(), 48, "two departments × 24 slots");
    for row in &rows {
        let get = |key: &str| row[key].parse::<f64>().unwrap_or_else(|_| panic!("{key}: {row:?}"));
        assert!(get("scheduled_staff") >= get("required_staff") && get("required_staff") >= 1.0, "{row:?}");
        assert!(get("wait_prob_mean") <= 1.0);
    }
    let desk = |slot: usize| rows.iter().filter(|r| r["department"] == "Help Desk").nth(slot).unwrap();
    let staff = |slot: usize| desk(slot)["required_staff"].parse::<u32>().unwrap();
    assert!(staff(9) > 2 * staff(2), "the peak needs far more than the night: {} vs {}", staff(9), staff(2));
    // optimized.toml runs as it is, and its shifts put the scheduled staff
    // on duty.
    sandbox.run(&["run", "plan/optimized.toml", "--out", "check", "--quiet", "--no-plots"]).success();
    let intervals = csv_rows(&sandbox.path("check"), "intervals.csv");
    let on_duty = intervals.iter().filter(|r| r["department"] == "Help Desk").nth(9).unwrap();
    assert_eq!(on_duty["staff_mean"], desk(9)["scheduled_staff"]);
    sandbox.run(&["report", "plan", "--quiet", "--no-plots"]).success();
    assert!(std::fs::read_to_string(sandbox.path("plan/report.html")).unwrap().contains("Staff by slot"));
}

#[test]
fn optimize_by_interval_refuses_what_it_cannot_do() {
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml")).unwrap();
    sandbox.write("day.toml", &text);
    sandbox.write("flat.toml", &desk("staff = 3"));
    let cases: [(&[&str], &str); 7] = [
        (&["day.toml", "--target", "wait_prob>=0.2"], "the other comparison"),
        (&["day.toml", "--target", "wait_prob<=1.5"], "out of range"),
        (&["day.toml", "--target", "ext_wait_mean<=2"], "not a metric by slot"),
        (&["day.toml", "--target", "wait_prob<=0.2", "--max-hires", "3"], "--max-hires does not apply"),
        (&["day.toml", "--target", "wait_prob<=0.2", "--shift-lengths", "450"], "whole number of slots of 60"),
        (&["day.toml", "--target", "wait_prob<=0.2", "--shift-lengths", "2880"], "at most the period"),
        (&["flat.toml", "--target", "wait_prob<=0.2"], "never change through a period"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["optimize", "--by-interval", "--out", "never"];
        all.extend_from_slice(args);
        let stderr = sandbox.run(&all).failure();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!sandbox.path("never").exists(), "{args:?}: nothing written");
    }
    // --shift-lengths belongs to --by-interval.
    let outcome = sandbox.run(&["optimize", "day.toml", "--target", "ext_wait_mean<=2", "--shift-lengths", "480"]);
    assert_eq!(outcome.output.status.code(), Some(2), "{}", outcome.stderr());
}

#[test]
fn impact_and_optimize_work_on_shifts() {
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml")).unwrap();
    let text = text.replace("replications = 10", "replications = 3").replace(
        "staff = 4\n",
        "shifts = [ { start = 480.0, length = 540.0, staff = 3 }, { start = 1020.0, length = 900.0, staff = 1 } ]\n",
    );
    sandbox.write("day.toml", &text);
    sandbox.run(&["impact", "day.toml", "--step", "staff", "--out", "impact", "--no-plots", "--quiet"]).success();
    let rows = csv_rows(&sandbox.path("impact"), "impact.csv");
    assert!(rows.iter().any(|r| r["department"] == "Billing" && r["step"] == "+1 staff"), "{rows:?}");
    sandbox
        .run(&[
            "optimize",
            "day.toml",
            "--target",
            "ext_abandon_rate<=0.1",
            "--max-hires",
            "2",
            "--out",
            "optimize",
            "--no-plots",
            "--quiet",
        ])
        .success();
    let rows = csv_rows(&sandbox.path("optimize"), "optimize.csv");
    // Shift departments count by their peak: the desk's day shift of 10.
    assert_eq!(rows[0]["staff.Help Desk"], "10", "{:?}", rows[0]);
    assert!(rows.iter().any(|r| r["staff.Help Desk"] == "11"), "a person added to every desk shift");
}
