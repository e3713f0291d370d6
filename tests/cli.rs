//! The built `orgsim` binary, run in a temporary folder as a user would.

use crate::util::Sandbox;

use crate::util::SMALL as VALID;

const OUTPUT_FILES: [&str; 4] = ["departments.csv", "replications.csv", "scenario.toml", "summary.csv"];

#[test]
fn run_without_arguments_simulates_the_embedded_default() {
    let sandbox = Sandbox::new();
    let stdout = sandbox.run(&["run", "--replications", "3"]).success();
    for figure in [
        "Customers arriving",
        "Abandoned before service",
        "Mean wait before service",
        "Mean resolution time",
        "95% CI",
        "Customer Service",
        "IT",
    ] {
        assert!(stdout.contains(figure), "summary lacks {figure:?}:\n{stdout}");
    }
    assert!(stdout.contains("output/baseline"), "says where the files went:\n{stdout}");
    for file in OUTPUT_FILES {
        assert!(sandbox.path("output/baseline").join(file).is_file(), "missing {file}");
    }
    let summary = std::fs::read_to_string(sandbox.path("output/baseline/summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert_eq!(lines.next(), Some("metric,mean,ci_low,ci_high,replications"));
    let metrics: Vec<&str> = lines.map(|line| line.split(',').next().unwrap()).collect();
    for required in [
        "ext_arrivals",
        "ext_served",
        "ext_abandon_rate",
        "ext_wait_mean",
        "ext_wait_p90",
        "ext_resolution_mean",
        "int_requests",
        "int_delay_mean",
        "staff_cost",
    ] {
        assert!(metrics.contains(&required), "summary.csv lacks {required}");
    }
    let row = summary.lines().find(|l| l.starts_with("ext_wait_mean,")).unwrap();
    let fields: Vec<f64> = row.split(',').skip(1).map(|f| f.parse().unwrap()).collect();
    assert!(fields[1] <= fields[0] && fields[0] <= fields[2] && fields[3] == 3.0, "{row}");
}

#[test]
fn run_writes_where_asked_and_the_resolved_scenario_repeats_the_run() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", VALID);
    sandbox.run(&["run", "small.toml", "--out", "first", "--seed", "11", "--quiet"]).success();
    let departments = std::fs::read_to_string(sandbox.path("first/departments.csv")).unwrap();
    assert_eq!(departments.lines().count(), 1 + 4 * 2, "a row per department and replication");
    let resolved = std::fs::read_to_string(sandbox.path("first/scenario.toml")).unwrap();
    assert!(resolved.contains("seed = 11"), "overrides are written out:\n{resolved}");
    // Running the resolved file gives the same bytes.
    sandbox.run(&["run", "first/scenario.toml", "--out", "second", "--quiet"]).success();
    for file in OUTPUT_FILES {
        let a = std::fs::read(sandbox.path("first").join(file)).unwrap();
        let b = std::fs::read(sandbox.path("second").join(file)).unwrap();
        assert!(a == b, "{file} differs when the resolved scenario is rerun");
    }
}

#[test]
fn the_same_seed_gives_identical_files_on_one_thread_and_two() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", VALID);
    sandbox.run(&["run", "small.toml", "--out", "one", "--threads", "1", "--quiet", "--replications", "6"]).success();
    sandbox.run(&["run", "small.toml", "--out", "two", "--threads", "2", "--quiet", "--replications", "6"]).success();
    // Every file, charts and report included.
    let files = |folder: &str| -> Vec<String> {
        sandbox
            .listing()
            .into_iter()
            .filter_map(|p| p.strip_prefix(&format!("{folder}/")).map(str::to_string))
            .collect()
    };
    assert_eq!(files("one"), files("two"));
    assert!(files("one").len() > 10, "{:?}", files("one"));
    for file in files("one") {
        if sandbox.path("one").join(&file).is_dir() {
            continue;
        }
        let a = std::fs::read(sandbox.path("one").join(&file)).unwrap();
        let b = std::fs::read(sandbox.path("two").join(&file)).unwrap();
        assert!(a == b, "{file} differs between --threads 1 and --threads 2");
    }
    // A different seed really changes the results.
    sandbox.run(&["run", "small.toml", "--out", "other", "--seed", "4", "--quiet", "--replications", "6"]).success();
    assert_ne!(
        std::fs::read(sandbox.path("one/summary.csv")).unwrap(),
        std::fs::read(sandbox.path("other/summary.csv")).unwrap()
    );
}

#[test]
fn new_prints_a_starter_that_validates_and_runs() {
    let sandbox = Sandbox::new();
    let starter = sandbox.run(&["new"]).success();
    assert!(starter.starts_with('#'), "the starter is commented");
    sandbox.write("my.toml", &starter);
    let description = sandbox.run(&["validate", "my.toml"]).success();
    assert!(description.contains("is valid"), "{description}");
    sandbox.run(&["run", "my.toml", "--replications", "2", "--quiet"]).success();
    assert!(sandbox.path("output/my-organization/summary.csv").is_file());
}

#[test]
fn validate_describes_the_organization_and_warns_about_overload() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", VALID);
    let text = sandbox.run(&["validate", "small.toml"]).success();
    for expected in ["Front Desk", "\"IT\" 30% (handoff)", "offered load", "warm-up"] {
        assert!(text.contains(expected), "validate lacks {expected:?}:\n{text}");
    }
    assert!(!text.contains("warning"), "{text}");
    // IT receives 0.3 requests per minute of 3 minutes each: 0.9 busy staff.
    // With one person left it runs at 90%, and with λ = 4 the front desk
    // is offered 8 busy staff for 3.
    let busy = VALID.replace("staff = 2", "staff = 1").replace("arrival_rate = 1.0", "arrival_rate = 4.0");
    sandbox.write("busy.toml", &busy);
    let text = sandbox.run(&["validate", "busy.toml"]).success();
    assert!(text.contains("warning: department \"Front Desk\" is offered"), "{text}");
    assert!(text.contains("capacity"), "{text}");
    assert!(sandbox.listing().iter().all(|p| !p.starts_with("output")), "validate writes nothing");
}

#[test]
fn validate_prints_the_erlang_prediction_for_a_single_station() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "mmc.toml",
        "# M/M/10\nname = \"mmc\"\nhorizon = 100.0\n[customers]\narrival_rate = 2.0\n[[department]]\nname = \"Desk\"\nfront_line = true\nstaff = 10\nservice = { dist = \"exponential\", mean = 4.0 }\n",
    );
    let text = sandbox.run(&["validate", "mmc.toml"]).success();
    assert!(text.contains("Erlang C") && text.contains("0.40918"), "{text}");
}

/// Each bad input: what to change in the valid file, and what the message
/// must contain (the field, and the line where the parser knows it).
const BAD_INPUTS: &[(&str, &str, &str, &[&str])] = &[
    ("invalid TOML", "horizon = 2000.0", "horizon = = 2000.0", &["bad.toml:3:"]),
    ("unknown key", "staff = 3", "staf = 3", &["bad.toml:15:", "unknown field `staf`", "staff"]),
    ("unknown supplier", "dept = \"IT\"", "dept = \"ITT\"", &["bad.toml:17:", "needs[0].dept", "\"ITT\"", "\"IT\""]),
    (
        "negative rate",
        "arrival_rate = 1.0",
        "arrival_rate = -1.0",
        &["bad.toml:9:", "customers.arrival_rate", "greater than 0"],
    ),
    ("zero rate", "arrival_rate = 1.0", "arrival_rate = 0", &["bad.toml:9:", "customers.arrival_rate"]),
    (
        "zero staff",
        "staff = 3",
        "staff = 0",
        &["bad.toml:15:", "department \"Front Desk\".staff", "a whole number ≥ 1"],
    ),
    ("negative staff", "staff = 3", "staff = -3", &["bad.toml:15:", "staff"]),
    (
        "probability above 1",
        "probability = 0.3",
        "probability = 1.5",
        &["bad.toml:17:", "probability", "≥ 0 and at most 1"],
    ),
    (
        "warm-up not shorter than the horizon",
        "warmup = 200.0",
        "warmup = 2000.0",
        &["bad.toml:4:", "warmup", "shorter than the horizon"],
    ),
    ("missing distribution parameter", "mean = 3.0, cv = 0.5", "mean = 3.0", &["bad.toml:22:", "missing field `cv`"]),
    (
        "invalid distribution parameter",
        "dist = \"exponential\", mean = 2.0",
        "dist = \"exponential\", mean = -2.0",
        &["bad.toml:16:", "department \"Front Desk\".service", "`mean`"],
    ),
    ("unknown distribution", "dist = \"lognormal\"", "dist = \"weibull\"", &["bad.toml:22:", "weibull", "exponential"]),
    ("missing required key", "horizon = 2000.0\n", "", &["missing field `horizon`"]),
    (
        "unknown entry department",
        "arrival_rate = 1.0",
        "arrival_rate = 1.0\nentry = { \"Sales\" = 1.0 }",
        &["bad.toml:10:", "customers.entry", "\"Sales\"", "\"Front Desk\""],
    ),
];

#[test]
fn bad_inputs_exit_2_with_a_clear_message_and_write_nothing() {
    for (what, from, to, expected) in BAD_INPUTS {
        assert!(VALID.contains(from), "{what}: the valid file lacks {from:?}");
        let sandbox = Sandbox::new();
        sandbox.write("bad.toml", &VALID.replacen(from, to, 1));
        let stderr = sandbox.run(&["run", "bad.toml"]).failure();
        assert!(stderr.starts_with("error: "), "{what}: {stderr}");
        assert!(stderr.contains("bad.toml"), "{what}: the message names the file: {stderr}");
        for piece in *expected {
            assert!(stderr.contains(piece), "{what}: message lacks {piece:?}: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        assert_eq!(sandbox.listing(), vec!["bad.toml".to_string()], "{what}: output left behind");
        // validate refuses the same file the same way.
        let again = sandbox.run(&["validate", "bad.toml"]).failure();
        assert_eq!(again, stderr, "{what}: validate and run disagree");
    }
}

#[test]
fn a_loop_whose_expected_requests_diverge_is_named() {
    let sandbox = Sandbox::new();
    let looping = VALID.replace(
        "service = { dist = \"lognormal\", mean = 3.0, cv = 0.5 }",
        "service = { dist = \"lognormal\", mean = 3.0, cv = 0.5 }\nneeds = [ { dept = \"Front Desk\", probability = 1.0, mode = \"handoff\" } ]",
    )
    .replace("probability = 0.3", "probability = 1.0");
    sandbox.write("loop.toml", &looping);
    let stderr = sandbox.run(&["run", "loop.toml"]).failure();
    assert!(stderr.contains("Front Desk → IT → Front Desk"), "{stderr}");
    assert!(stderr.contains("infinite"), "{stderr}");
    assert!(stderr.contains("loop.toml:"), "{stderr}");
    assert_eq!(sandbox.listing(), vec!["loop.toml".to_string()]);
}

#[test]
fn a_hold_need_on_a_loop_is_refused_even_when_the_loop_has_a_handoff() {
    let sandbox = Sandbox::new();
    // A's only server holds, waiting on B, whose request to A waits in A's
    // queue: a deadlock that one handoff on the loop does not prevent.
    let deadlock = r#"name = "deadlock"
horizon = 1000.0
[customers]
arrival_rate = 0.5
[[department]]
name = "A"
front_line = true
staff = 1
service = { dist = "exponential", mean = 1.0 }
needs = [ { dept = "B", probability = 0.3, mode = "hold" } ]
[[department]]
name = "B"
staff = 1
service = { dist = "exponential", mean = 1.0 }
needs = [ { dept = "A", probability = 0.3, mode = "handoff" } ]
[behavior]
enabled = false
"#;
    sandbox.write("deadlock.toml", deadlock);
    for command in ["validate", "run"] {
        let stderr = sandbox.run(&[command, "deadlock.toml"]).failure();
        assert!(stderr.contains("deadlock.toml:10:"), "{stderr}");
        assert!(stderr.contains("A → B → A") && stderr.contains("the need A → B is mode = \"hold\""), "{stderr}");
        assert!(stderr.contains("deadlock") && stderr.contains("mode = \"handoff\""), "{stderr}");
    }
    assert_eq!(sandbox.listing(), vec!["deadlock.toml".to_string()]);
    // Both needs held is refused the same way.
    sandbox.write("holds.toml", &deadlock.replace("mode = \"handoff\"", "mode = \"hold\""));
    assert!(sandbox.run(&["validate", "holds.toml"]).failure().contains("A → B → A"));
    // The hold off the loop (B answers without asking A back) is fine.
    sandbox.write(
        "fine.toml",
        &deadlock.replace("probability = 0.3, mode = \"handoff\"", "probability = 0.0, mode = \"handoff\""),
    );
    sandbox.run(&["validate", "fine.toml", "--quiet"]).success();
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let sandbox = Sandbox::new();
    let stderr = sandbox.run(&["run", "nowhere.toml"]).failure();
    assert!(stderr.contains("cannot read scenario file nowhere.toml"), "{stderr}");
    assert!(sandbox.listing().is_empty());
}

#[test]
fn bad_flags_exit_2() {
    let sandbox = Sandbox::new();
    let stderr = sandbox.run(&["run", "--replications", "0"]).failure();
    assert!(stderr.contains("--replications"), "{stderr}");
    sandbox.run(&["run", "--threads", "0"]).failure();
    sandbox.run(&["frobnicate"]).failure();
    assert!(sandbox.listing().is_empty());
}

#[test]
fn with_the_social_layer_off_social_parameters_change_no_output_byte() {
    let sandbox = Sandbox::new();
    sandbox.write("plain.toml", VALID);
    let social = VALID
        .replace("arrival_rate = 1.0", "arrival_rate = 1.0\nexpected_resolution = 3.0\nvalue = 250.0")
        .replace("staff = 3", "staff = 3\nskill = 0.3\nmorale = 0.2\nrecognition = 0.1\ntraining = 0.2")
        .replace("staff = 2", "staff = 2\nskill = 0.95\nmorale = 0.9")
        .replace(
            "mode = \"handoff\" }",
            "mode = \"handoff\", silo_delay = 7.0, silo_quality_loss = 0.4, collaboration = 0.5, expected_delay = 1.0 }",
        )
        .replace(
            "enabled = false",
            "enabled = false\ncontagion_rate = 0.5\nloss_aversion = 3.0\nrework_per_defect = 2.0\nmorale_slowdown = 0.9\nchurn_after_bad = 0.5",
        );
    assert_ne!(social, VALID);
    sandbox.write("social.toml", &social);
    for (name, out) in [("plain.toml", "a"), ("social.toml", "b")] {
        sandbox.run(&["run", name, "--out", out, "--quiet", "--trace", &format!("{out}.trace.csv")]).success();
    }
    for file in OUTPUT_FILES {
        let a = std::fs::read(sandbox.path("a").join(file)).unwrap();
        let b = std::fs::read(sandbox.path("b").join(file)).unwrap();
        assert!(a == b, "{file} changed with social parameters while the layer is off");
    }
    assert_eq!(
        std::fs::read(sandbox.path("a.trace.csv")).unwrap(),
        std::fs::read(sandbox.path("b.trace.csv")).unwrap()
    );
    let summary = std::fs::read_to_string(sandbox.path("a/summary.csv")).unwrap();
    assert!(
        !summary.contains("satisfaction") && !summary.contains("morale"),
        "social metrics are left out:\n{summary}"
    );
}

#[test]
fn with_the_social_layer_on_the_outputs_carry_its_figures() {
    let sandbox = Sandbox::new();
    sandbox.write("social.toml", &VALID.replace("enabled = false", "enabled = true"));
    let stdout = sandbox.run(&["run", "social.toml", "--out", "out", "--trace", "trace.csv"]).success();
    for figure in
        ["Customer satisfaction", "churn", "Morale", "Revenue at risk over the window", "Revenue at risk per time unit"]
    {
        assert!(stdout.contains(figure), "summary lacks {figure}:\n{stdout}");
    }
    let summary = std::fs::read_to_string(sandbox.path("out/summary.csv")).unwrap();
    for metric in [
        "ext_satisfaction_mean",
        "ext_churn_rate",
        "ext_rework_rate",
        "revenue_at_risk",
        "int_satisfaction_mean",
        "morale_mean",
        "quality_mean",
    ] {
        assert!(summary.lines().any(|l| l.starts_with(&format!("{metric},"))), "summary.csv lacks {metric}");
    }
    let departments = std::fs::read_to_string(sandbox.path("out/departments.csv")).unwrap();
    let header = departments.lines().next().unwrap();
    for column in [
        "morale_mean",
        "morale_final",
        "int_satisfaction_given",
        "int_satisfaction_received",
        "quality_given",
        "rework_share",
    ] {
        assert!(header.split(',').any(|c| c == column), "departments.csv lacks {column}: {header}");
    }
    let timeseries = std::fs::read_to_string(sandbox.path("out/timeseries.csv")).unwrap();
    assert_eq!(timeseries.lines().next(), Some("replication,time,department,queue,busy,morale,ext_satisfaction"));
    // 4 replications × 2 departments × one sample every horizon/200 (0 included).
    assert_eq!(timeseries.lines().count(), 1 + 4 * 2 * 201);
    let trace = std::fs::read_to_string(sandbox.path("trace.csv")).unwrap();
    assert_eq!(trace.lines().next(), Some("time,event,department,work,case,quality,attitude"));
    for event in ["arrival", "start", "request", "reply", "complete"] {
        assert!(trace.lines().any(|l| l.split(',').nth(1) == Some(event)), "the trace has no {event}");
    }
    // One case followed from arrival to completion.
    let case_rows: Vec<&str> = trace.lines().filter(|l| l.split(',').nth(4) == Some("0")).collect();
    assert_eq!(case_rows.first().and_then(|l| l.split(',').nth(1)), Some("arrival"));
    assert!(case_rows.iter().any(|l| l.split(',').nth(1) == Some("complete")));
    assert!(
        sandbox.listing().iter().all(|p| !p.contains(".part") && !p.contains(".tmp")),
        "temporary files left: {:?}",
        sandbox.listing()
    );
}

#[test]
fn work_that_would_run_for_days_or_exhaust_memory_is_refused_up_front() {
    let sandbox = Sandbox::new();
    // B is offered 50 busy staff for its 10, and nobody leaves its queue.
    let big = VALID
        .replace("horizon = 2000.0", "horizon = 1e9")
        .replace("arrival_rate = 1.0", "arrival_rate = 100.0")
        .replace("staff = 3", "staff = 400")
        .replace("probability = 0.3", "probability = 1.0");
    sandbox.write("big.toml", &big);
    let stderr = sandbox.run(&["run", "big.toml"]).failure();
    for piece in ["hours of computing", "GiB", "\"IT\"", "--allow-large"] {
        assert!(stderr.contains(piece), "message lacks {piece:?}: {stderr}");
    }
    assert_eq!(sandbox.listing(), vec!["big.toml".to_string()]);
    let stderr = sandbox.run(&["impact", "big.toml", "--step", "staff"]).failure();
    assert!(stderr.contains("--allow-large"), "{stderr}");
}

/// Without a `followup` key a handed-off case is done when its reply is
/// back: a plain front line and back office are loaded as they look.
#[test]
fn an_absent_followup_adds_no_work() {
    let sandbox = Sandbox::new();
    // Front line: 6 people, 3 minutes a case, 1.5 cases a minute: 75%.
    // Half the cases go to a back office of 2 at 2 minutes: 75%.
    let plain = r#"name = "plain"
horizon = 20000.0
warmup = 2000.0
replications = 8
seed = 4
[customers]
arrival_rate = 1.5
patience = { dist = "exponential", mean = 10.0 }
[[department]]
name = "Front"
front_line = true
staff = 6
service = { dist = "exponential", mean = 3.0 }
needs = [ { dept = "Back", probability = 0.5, mode = "handoff" } ]
[[department]]
name = "Back"
staff = 2
service = { dist = "exponential", mean = 2.0 }
[behavior]
enabled = false
"#;
    sandbox.write("plain.toml", plain);
    let text = sandbox.run(&["validate", "plain.toml"]).success();
    let front = text.lines().find(|l| l.starts_with("Front ")).unwrap();
    assert!(front.contains("none") && front.contains("75.0%*"), "{text}");
    assert!(!text.contains("warning"), "{text}");
    sandbox.run(&["run", "plain.toml", "--out", "plain", "--quiet", "--no-plots"]).success();
    let summary = std::fs::read_to_string(sandbox.path("plain/summary.csv")).unwrap();
    let abandon: f64 = summary
        .lines()
        .find(|l| l.starts_with("ext_abandon_rate,"))
        .and_then(|l| l.split(',').nth(3))
        .unwrap()
        .parse()
        .unwrap();
    assert!(abandon < 0.05, "the upper end of the abandonment interval is {abandon}");
    let resolved = std::fs::read_to_string(sandbox.path("plain/scenario.toml")).unwrap();
    assert_eq!(resolved.matches("followup = \"none\"").count(), 2, "{resolved}");
    // A follow-up given as a word other than "none" is a clear error.
    sandbox.write("typo.toml", &plain.replace("staff = 2\n", "staff = 2\nfollowup = \"nothing\"\n"));
    let stderr = sandbox.run(&["validate", "typo.toml"]).failure();
    assert!(stderr.contains("typo.toml:") && stderr.contains("\"none\""), "{stderr}");
}
