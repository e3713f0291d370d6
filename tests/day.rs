//! Demand that changes through the period: rates by slot, their checks,
//! and how they fold into the constant form.

use orgsim::experiment;

use crate::util::{Sandbox, bonferroni, scenario, values};

/// A desk of 3 and a back office, with `demand` as the customers' rate
/// line(s).
fn desk(demand: &str) -> String {
    crate::util::desk_and_back_office(
        "name = \"day\"\nhorizon = 2880.0\nwarmup = 240.0\nreplications = 6\nseed = 9",
        &format!("{demand}\npatience = {{ dist = \"exponential\", mean = 5.0 }}"),
        "staff = 3",
    )
}

#[test]
fn a_constant_profile_is_the_constant_rate_byte_for_byte() {
    let sandbox = Sandbox::new();
    let flat = format!("rates = {{ every = 60.0, values = [{}] }}", vec!["1.2"; 24].join(", "));
    sandbox.write("constant.toml", &desk("arrival_rate = 1.2"));
    sandbox.write("flat.toml", &desk(&flat));
    sandbox.write("flat-period.toml", &desk(&flat).replace("horizon = 2880.0", "horizon = 2880.0\nperiod = 1440.0"));
    for name in ["constant", "flat", "flat-period"] {
        sandbox.run(&["run", &format!("{name}.toml"), "--out", name, "--quiet", "--no-plots"]).success();
    }
    for file in ["summary.csv", "departments.csv", "replications.csv", "timeseries.csv"] {
        let constant = std::fs::read(sandbox.path("constant").join(file)).unwrap();
        for other in ["flat", "flat-period"] {
            assert!(constant == std::fs::read(sandbox.path(other).join(file)).unwrap(), "{other}: {file} differs");
        }
    }
}

#[test]
fn arrivals_follow_the_profile() {
    // Rates 0.5, 2, 0 and 1.5 per minute in four 6-hour slots: 1,440
    // customers a day on average, none in the third slot.
    let day = "rates = { every = 360.0, values = [0.5, 2.0, 0.0, 1.5], scale = 1.0 }";
    let results = experiment::run(scenario(&desk(day).replace("replications = 6", "replications = 12")));
    // Expected customers in the counted window [240, 2880): the integral of
    // the rate, minute by minute (every slot boundary is a whole minute).
    let rate = |t: f64| [0.5, 2.0, 0.0, 1.5][((t / 360.0) as usize) % 4];
    let expected: f64 = (240..2880).map(|minute| rate(f64::from(minute))).sum();
    crate::util::assert_covers(bonferroni(&values(&results, "ext_arrivals"), 1), expected, "customers per replication");
    // Scaled by 1.1: 10% more.
    let more = experiment::run(scenario(
        &desk(&day.replace("scale = 1.0", "scale = 1.1")).replace("replications = 6", "replications = 12"),
    ));
    crate::util::assert_covers(bonferroni(&values(&more, "ext_arrivals"), 1), 1.1 * expected, "10% more");
}

#[test]
fn bad_rates_are_refused_with_the_field_and_what_is_valid() {
    let sandbox = Sandbox::new();
    let cases: [(&str, String, &str); 9] = [
        ("both", desk("arrival_rate = 1.0\nrates = { every = 60.0, values = [1.0, 2.0] }"), "not both"),
        ("neither", desk("value = 10.0"), "customers.arrival_rate"),
        ("empty", desk("rates = { every = 60.0, values = [] }"), "1 to 100000"),
        ("zeros", desk("rates = { every = 60.0, values = [0.0, 0.0] }"), "at least one rate above 0"),
        ("negative", desk("rates = { every = 60.0, values = [1.0, -1.0] }"), "customers.rates.values"),
        ("every", desk("rates = { every = 0.0, values = [1.0, 2.0] }"), "customers.rates.every"),
        ("scale", desk("rates = { every = 60.0, values = [1.0, 2.0], scale = 0.0 }"), "customers.rates.scale"),
        (
            "period",
            desk("rates = { every = 60.0, values = [1.0, 2.0] }")
                .replace("horizon = 2880.0", "horizon = 2880.0\nperiod = 1440.0"),
            "must equal the rates' length",
        ),
        (
            "long",
            desk(&format!("rates = {{ every = 1.0, values = [{}] }}", vec!["1.0"; 100_001].join(","))),
            "1 to 100000",
        ),
    ];
    for (name, text, expected) in cases {
        sandbox.write(&format!("{name}.toml"), &text);
        let stderr = sandbox.run(&["validate", &format!("{name}.toml")]).failure();
        assert!(stderr.contains(&format!("{name}.toml:")) && stderr.contains(expected), "{name}: {stderr}");
    }
}

/// Reads `intervals.csv` of a run folder: per row, the named fields.
fn interval_rows(folder: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    crate::util::csv_rows(folder, "intervals.csv")
}

fn field(row: &std::collections::HashMap<String, String>, name: &str) -> f64 {
    row[name].parse().unwrap_or_else(|_| panic!("{name} = {:?}", row[name]))
}

/// Slot averages of the mean number busy in an Mt/M/∞ queue with a
/// piecewise-constant rate, from m′(t) = λ(t) − μ·m(t) (Eick, Massey &
/// Whitt 1993), in its periodic regime.
fn mt_m_infinity(rates: &[f64], every: f64, mu: f64) -> Vec<f64> {
    let decay = (-mu * every).exp();
    let mut start = 0.0;
    for _ in 0..1000 {
        for &rate in rates {
            start = rate + (start - rate) * decay;
        }
    }
    rates
        .iter()
        .map(|&rate| {
            let average = rate + (start - rate) * (1.0 - decay) / (mu * every);
            start = rate + (start - rate) * decay;
            average
        })
        .collect()
}

#[test]
fn busy_servers_by_slot_follow_the_mt_m_infinity_equation() {
    // An infinite-server desk: nobody waits.
    let rates = [2.0, 8.0, 4.0, 0.5];
    let text = r#"name = "mtm"
horizon = 4000.0
warmup = 100.0
replications = 12
seed = 4
[customers]
rates = { every = 5.0, values = [2.0, 8.0, 4.0, 0.5] }
[[department]]
name = "Desk"
front_line = true
staff = "unlimited"
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#;
    let sandbox = Sandbox::new();
    sandbox.write("mtm.toml", text);
    sandbox.run(&["run", "mtm.toml", "--out", "run", "--quiet", "--no-plots"]).success();
    let rows = interval_rows(&sandbox.path("run"));
    assert_eq!(rows.len(), 4, "one row per slot");
    let expected = mt_m_infinity(&rates, 5.0, 1.0);
    // Each slot's interval is 95%; widened to 1 − 0.05/8 over the 8 checks.
    let widen = orgsim::experiment::statistics::student_t_critical(1.0 - 0.05 / 8.0, 11)
        / orgsim::experiment::statistics::student_t_critical(0.95, 11);
    for (slot, row) in rows.iter().enumerate() {
        assert_eq!(field(row, "interval_start"), 5.0 * slot as f64);
        for (metric, exact) in [("busy", expected[slot]), ("arrivals", rates[slot])] {
            let mean = field(row, &format!("{metric}_mean"));
            let half = (field(row, &format!("{metric}_ci_high")) - mean) * widen;
            assert!((mean - exact).abs() <= half, "slot {slot} {metric}: {mean} ± {half}, theory {exact}");
        }
        assert_eq!(field(row, "wait_prob_mean"), 0.0, "nobody waits with unlimited staff");
        assert_eq!(row["staff_mean"], "", "no head count to report");
    }
}

#[test]
fn a_stationary_run_has_one_interval_per_department_that_matches_its_summary() {
    let sandbox = Sandbox::new();
    sandbox.write("constant.toml", &desk("arrival_rate = 1.2\nservice_level_time = 0.5"));
    sandbox.run(&["run", "constant.toml", "--out", "run", "--quiet", "--no-plots"]).success();
    let rows = interval_rows(&sandbox.path("run"));
    assert_eq!(rows.len(), 2);
    let summary = std::fs::read_to_string(sandbox.path("run/summary.csv")).unwrap();
    let mean_of = |metric: &str| -> f64 {
        let line = summary.lines().find(|l| l.starts_with(&format!("{metric},"))).unwrap();
        line.split(',').nth(1).unwrap().parse().unwrap()
    };
    for row in &rows {
        assert_eq!((field(row, "interval_start"), field(row, "interval_end")), (240.0, 2880.0));
        let name = &row["department"];
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        assert!(close(field(row, "queue_mean"), mean_of(&format!("department.{name}.queue_mean"))), "{row:?}");
        assert!(close(field(row, "wait_mean_mean"), mean_of(&format!("department.{name}.wait_mean"))), "{row:?}");
        assert_eq!(field(row, "staff_mean"), if name == "Desk" { 3.0 } else { 2.0 });
        // Service level and abandonment are front-line figures.
        assert_eq!(row["service_level_mean"].is_empty(), name != "Desk");
        assert_eq!(row["abandon_rate_mean"].is_empty(), name != "Desk");
    }
    let desk = rows.iter().find(|r| r["department"] == "Desk").unwrap();
    let abandon = field(desk, "abandon_rate_mean");
    assert!((abandon - mean_of("ext_abandon_rate")).abs() < 0.01, "{abandon}");
    let served_in_time = field(desk, "service_level_mean");
    assert!(served_in_time > 0.3 && served_in_time < 1.0, "{served_in_time}");
}

#[test]
fn with_slow_variation_each_slot_waits_as_erlang_c_says() {
    // Slots of 2,000 service times: each reaches its own steady state
    // (relaxation takes a few dozen), so each slot's wait probability
    // approaches Erlang C at its own rate; the bias of the first minutes of
    // a slot is below 0.01.
    let text = r#"name = "slow"
horizon = 40000.0
warmup = 4000.0
replications = 10
seed = 8
[customers]
rates = { every = 2000.0, values = [1.5, 2.4] }
[[department]]
name = "Desk"
front_line = true
staff = 3
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#;
    let sandbox = Sandbox::new();
    sandbox.write("slow.toml", text);
    sandbox.run(&["run", "slow.toml", "--out", "run", "--quiet", "--no-plots"]).success();
    let rows = interval_rows(&sandbox.path("run"));
    let widen = orgsim::experiment::statistics::student_t_critical(1.0 - 0.05 / 2.0, 9)
        / orgsim::experiment::statistics::student_t_critical(0.95, 9);
    for (row, rate) in rows.iter().zip([1.5, 2.4]) {
        let theory = orgsim::theory::erlang_c(3, rate).unwrap();
        let mean = field(row, "wait_prob_mean");
        let half = (field(row, "wait_prob_ci_high") - mean) * widen;
        assert!((mean - theory).abs() <= half + 0.01, "rate {rate}: {mean} ± {half}, Erlang C {theory}");
    }
}

#[test]
fn a_profile_of_many_slots_in_a_large_organization_is_refused_by_size() {
    // 100,000 slots × 2 departments × replications held at once is small;
    // copied into 2,000 departments it is not.
    let sandbox = Sandbox::new();
    let values = vec!["1.0, 2.0"; 50_000].join(", ");
    let mut text = desk(&format!("rates = {{ every = 0.03, values = [{values}] }}"));
    for index in 0..2000 {
        text.push_str(&format!(
            "[[department]]\nname = \"Unit {index}\"\nstaff = 1\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n"
        ));
    }
    let text = text.replace("[behavior]\nenabled = false\n", "") + "[behavior]\nenabled = false\n";
    sandbox.write("many.toml", &text);
    let stderr = sandbox.run(&["run", "many.toml", "--out", "x", "--replications", "2"]).failure();
    assert!(stderr.contains("figures by slot") && stderr.contains("--allow-large"), "{stderr}");
    assert_eq!(sandbox.listing(), vec!["many.toml".to_string()]);
}

#[test]
fn the_call_centre_day_story_draws_its_day_and_its_peak_is_understaffed() {
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml")).unwrap();
    sandbox.write("day.toml", &text.replace("replications = 10", "replications = 4"));
    sandbox.run(&["run", "day.toml", "--out", "run", "--quiet"]).success();
    let folder = sandbox.path("run");
    let rows = interval_rows(&folder);
    let desk: Vec<_> = rows.iter().filter(|r| r["department"] == "Help Desk").collect();
    assert_eq!(desk.len(), 24, "one row per hour");
    // 2:00 (slot 2) against 9:00 (slot 9): everyone in time at night, most
    // customers late or gone at the peak.
    let (night, peak) = (desk[2], desk[9]);
    assert_eq!((field(night, "staff_mean"), field(peak, "staff_mean")), (3.0, 10.0), "the night and the day shift");
    assert!(field(night, "service_level_mean") > 0.99, "{night:?}");
    assert!(field(peak, "service_level_ci_high") < 0.6, "{peak:?}");
    assert!(field(peak, "abandon_rate_ci_low") > 0.1, "{peak:?}");
    let report = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(
        report.contains("Help Desk's day") && report.contains("Mean wait in each department's queue, slot by slot")
    );
    for chart in ["day-Help_Desk", "waits-by-slot"] {
        let svg = folder.join(format!("plots/{chart}.svg"));
        assert!(svg.exists() && folder.join(format!("plots/{chart}.png")).exists(), "{chart}");
        std::fs::remove_file(&svg).unwrap();
    }
    sandbox.run(&["report", "run", "--quiet"]).success();
    assert!(folder.join("plots/day-Help_Desk.svg").exists(), "orgsim report redraws the day from intervals.csv");
}

#[test]
fn validate_warns_slot_by_slot_where_the_peak_exceeds_the_staff() {
    let sandbox = Sandbox::new();
    // A mean load of 2 on 3 staff is fine on average; the second half of
    // the period brings 3.5.
    sandbox.write("peaks.toml", &desk("rates = { every = 60.0, values = [0.5, 0.5, 3.5, 3.5] }"));
    let stdout = sandbox.run(&["validate", "peaks.toml"]).success();
    assert!(
        stdout.contains(
            "\"Desk\" is offered more than the people serving (on duty, less breaks and shrinkage) in 2 of 4 slots"
        ) && stdout.contains("120–240"),
        "{stdout}"
    );
    // The table by slot: 3.5 customers a minute of 1 minute each on 3 staff.
    let row = stdout.lines().find(|l| l.trim_start().starts_with("120–180")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.contains("3.5 ") && row.contains("117%"), "{row}");
    sandbox.write("flat.toml", &desk("rates = { every = 60.0, values = [1.0, 1.0, 1.0, 1.0] }"));
    assert!(!sandbox.run(&["validate", "flat.toml"]).success().contains("slots"));
}

#[test]
fn an_unlimited_department_is_an_infinite_server_queue() {
    // M/M/∞ behind a desk nobody leaves: Back is offered 0.5 × 1.2 work per
    // minute of 5 minutes each, 3 busy on average (Little), and costs its
    // busy time.
    let sandbox = Sandbox::new();
    let text = desk("arrival_rate = 1.2")
        .replace("name = \"Back\"\nstaff = 2\nservice = { dist = \"exponential\", mean = 2.0 }", "name = \"Back\"\nstaff = \"unlimited\"\ncost_per_time = 2.0\nservice = { dist = \"exponential\", mean = 5.0 }")
        .replace("probability = 0.2", "probability = 0.5")
        .replace("patience = { dist = \"exponential\", mean = 5.0 }\n", "")
        .replace("replications = 6", "replications = 10");
    sandbox.write("infinite.toml", &text);
    let stdout = sandbox.run(&["validate", "infinite.toml"]).success();
    assert!(stdout.contains("unlimited"), "{stdout}");
    sandbox.run(&["run", "infinite.toml", "--out", "run", "--quiet", "--no-plots"]).success();
    let results = experiment::run(scenario(&text));
    let busy = crate::util::department_values(&results, "Back", "busy_mean");
    crate::util::assert_covers(bonferroni(&busy, 2), 0.5 * 1.2 * 5.0, "busy servers at Back");
    let cost = crate::util::department_values(&results, "Back", "staff_cost");
    let window = 2880.0 - 240.0;
    for (busy, cost) in busy.iter().zip(&cost) {
        assert!((cost - busy * 2.0 * window).abs() < 1e-6 * cost, "an unlimited department pays for its busy time");
    }
    let departments = std::fs::read_to_string(sandbox.path("run/departments.csv")).unwrap();
    let back = departments.lines().find(|l| l.contains(",Back,")).unwrap();
    assert!(back.contains(",Back,unlimited,,"), "staff unlimited, utilization undefined: {back}");
    let queue = crate::util::department_values(&results, "Back", "queue_mean");
    assert!(queue.iter().all(|&q| q == 0.0));
}

#[test]
fn an_unlimited_holder_on_a_loop_cannot_deadlock_and_is_accepted() {
    let sandbox = Sandbox::new();
    let looped = desk("arrival_rate = 1.0").replace(
        "name = \"Back\"\nstaff = 2",
        "name = \"Back\"\nstaff = \"unlimited\"\nneeds = [ { dept = \"Desk\", probability = 0.1, mode = \"hold\" } ]",
    );
    sandbox.write("looped.toml", &looped);
    sandbox.run(&["validate", "looped.toml"]).success();
    let results = experiment::run(scenario(&looped));
    assert!(results.replications.iter().all(|r| r.stalled.is_none()));
    // The same hold from a finite department is refused.
    sandbox.write("finite.toml", &looped.replace("staff = \"unlimited\"", "staff = 2"));
    let stderr = sandbox.run(&["validate", "finite.toml"]).failure();
    assert!(stderr.contains("Back → Desk 0.1 (hold)"), "{stderr}");
    for (value, expected) in [("\"lots\"", "\"unlimited\""), ("0", "at most 1000000"), ("-1", "\"unlimited\"")] {
        sandbox.write("bad.toml", &looped.replace("staff = \"unlimited\"", &format!("staff = {value}")));
        let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
        assert!(stderr.contains("staff") && stderr.contains(expected), "{value}: {stderr}");
    }
}

#[test]
fn a_sweep_reaches_the_rates_by_index_and_scale() {
    let sandbox = Sandbox::new();
    let text = desk("rates = { every = 60.0, values = [0.5, 1.0, 1.5, 1.0] }")
        .replace("replications = 6", "replications = 3")
        + "[sweep]\n\"customers.rates.scale\" = [1.0, 1.2]\n\"customers.rates.values.2\" = [1.5, 2.0]\n";
    sandbox.write("sweep.toml", &text);
    sandbox.run(&["sweep", "sweep.toml", "--out", "sweep", "--quiet", "--no-plots"]).success();
    let csv = std::fs::read_to_string(sandbox.path("sweep/sweep.csv")).unwrap();
    let arrivals: Vec<f64> = csv.lines().skip(1).map(|l| l.split(',').nth(3).unwrap().parse().unwrap()).collect();
    assert_eq!(arrivals.len(), 4);
    // More demand in every point that scales or raises the third slot.
    assert!(arrivals[0] < arrivals[1] && arrivals[0] < arrivals[2] && arrivals[3] > arrivals[1], "{arrivals:?}");
    for (path, expected) in
        [("customers.rates.values.4", "give an index from 0 to 3"), ("customers.rates.values.x", "give an index")]
    {
        sandbox.write("bad.toml", &text.replace("customers.rates.values.2", path));
        let stderr = sandbox.run(&["sweep", "bad.toml", "--out", "bad"]).failure();
        assert!(stderr.contains(expected), "{path}: {stderr}");
    }
}

#[test]
fn with_a_period_the_trend_check_compares_whole_days() {
    // Five and a half days after a one-day warm-up: halves of the counted
    // time would set mornings against evenings; halves of the whole days
    // compare like with like.
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml")).unwrap();
    sandbox.write("days.toml", &text.replace("horizon = 15840.0", "horizon = 7920.0"));
    let stderr = sandbox.run(&["run", "days.toml", "--out", "run", "--no-plots"]).stderr();
    assert!(!stderr.contains("not steady"), "{stderr}");
    let rows = crate::util::csv_rows(&sandbox.path("run"), "diagnostics.csv");
    // Two queues, the external waits and the censoring check.
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3]["series"], "resolution");
    for row in &rows[..3] {
        assert_eq!(row["verdict"], "ok", "{row:?}");
        // Truncations are whole days.
        let truncation: f64 = row["mser_truncation"].parse().unwrap();
        assert_eq!(truncation % 1440.0, 0.0, "{row:?}");
    }
}

#[test]
fn without_a_whole_period_after_the_warm_up_there_are_no_figures_by_slot() {
    let sandbox = Sandbox::new();
    // Two-hour slots of a day; the run counts 1,000 to 2,000: no whole day.
    let text = desk("rates = { every = 120.0, values = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0] }")
        .replace("horizon = 2880.0\nwarmup = 240.0", "horizon = 2000.0\nwarmup = 1000.0");
    sandbox.write("short.toml", &text);
    let long = text.replace("horizon = 2000.0", "horizon = 4000.0");
    sandbox.write("long.toml", &long);
    // A folder with the figures of a longer run: they must not survive.
    sandbox.run(&["run", "long.toml", "--out", "run", "--quiet"]).success();
    assert!(sandbox.path("run/intervals.csv").is_file());
    assert!(std::fs::read_to_string(sandbox.path("run/report.html")).unwrap().contains("id=\"chart-day-"));
    let stderr = sandbox.run(&["run", "short.toml", "--out", "run"]).stderr();
    assert!(stderr.contains("no whole period (1440)") && stderr.contains("intervals.csv is not written"), "{stderr}");
    assert!(!sandbox.path("run/intervals.csv").exists(), "no empty intervals.csv that reads as a result");
    let report = std::fs::read_to_string(sandbox.path("run/report.html")).unwrap();
    assert!(!report.contains("id=\"chart-day-"), "no day chart drawn from nothing");
    let stdout = sandbox.run(&["validate", "short.toml"]).success();
    assert!(stdout.contains("no whole period"), "{stdout}");
}

#[test]
fn start_time_puts_the_day_on_the_clock() {
    let sandbox = Sandbox::new();
    let day = desk(
        "rates = { every = 60.0, values = [0.5, 0.5, 3.5, 3.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0] }",
    );
    let started = day.replace("name = \"day\"", "name = \"day\"\nstart_time = 2025-01-06T06:00:00");
    sandbox.write("clock.toml", &started);
    sandbox
        .run(&["run", "clock.toml", "--replications", "2", "--out", "clock", "--quiet", "--events", "events.csv"])
        .success();
    // intervals.csv: each slot's clock time, from 06:00.
    let rows = crate::util::csv_rows(&sandbox.path("clock"), "intervals.csv");
    let first = rows.iter().find(|r| r["interval_start"] == "0").unwrap();
    assert_eq!((first["clock_start"].as_str(), first["clock_end"].as_str()), ("06:00", "07:00"));
    let late = rows.iter().find(|r| r["interval_start"] == "1080").unwrap();
    assert_eq!(late["clock_start"], "00:00", "18 hours after 06:00");
    // The day chart's axis reads clock time.
    let svg = std::fs::read_to_string(sandbox.path("clock/plots/day-Desk.svg")).unwrap();
    assert!(svg.contains("clock time") && svg.contains("\n06:00\n") && svg.contains("\n11:00\n"), "HH:MM ticks");
    // Its legend stands beside the plot, right of its last tick, not over the data.
    let x_of = |text: &str| -> f64 {
        let at = svg.find(&format!("\n{text}\n")).unwrap_or_else(|| panic!("{text}"));
        let tag = svg[..at].rfind("<text x=\"").unwrap() + 9;
        svg[tag..].split('"').next().unwrap().parse().unwrap()
    };
    assert!(x_of("scheduled staff") > x_of("1.0"), "the legend is right of the plot and its second axis");
    // The event log starts there (as UTC) unless --events-start says otherwise.
    let events = std::fs::read_to_string(sandbox.path("events.csv")).unwrap();
    assert!(events.lines().nth(1).unwrap().contains("2025-01-06T06:"), "{}", events.lines().nth(1).unwrap());
    // Without start_time, time 0 is Monday 2024-01-01 at midnight.
    sandbox.write("plain.toml", &day);
    sandbox.run(&["run", "plain.toml", "--replications", "2", "--out", "plain", "--quiet", "--no-plots"]).success();
    let rows = crate::util::csv_rows(&sandbox.path("plain"), "intervals.csv");
    assert_eq!(rows.iter().find(|r| r["interval_start"] == "0").unwrap()["clock_start"], "00:00");
    // Anything but a local date and time is refused at its line.
    for (bad, why) in [
        ("start_time = 2025-01-06", "start_time: must be a local date and time"),
        ("start_time = 2025-01-06T06:00:00Z", "no offset"),
        ("start_time = 2025-02-30T06:00:00", "invalid date, expected day between 01 and 28"),
    ] {
        sandbox.write("bad.toml", &day.replace("name = \"day\"", &format!("name = \"day\"\n{bad}")));
        let stderr = sandbox.run(&["run", "bad.toml", "--out", "bad"]).failure();
        assert!(stderr.contains(why) && stderr.contains("bad.toml:2"), "{bad}: {stderr}");
        assert!(!sandbox.path("bad").exists());
    }
}
