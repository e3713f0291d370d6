//! From a ticket log to an impact answer: a fitted organization (every team
//! takes some first contacts, staff often unknown) can be asked which team's
//! service matters most.

use crate::util::{SMALL, Sandbox, csv_rows};

/// Two front-line teams, no internal one, nobody abandons, social layer off.
const FLAT: &str = r#"name = "flat"
horizon = 3000.0
replications = 4
seed = 1

[customers]
arrival_rate = 1.0
entry = { "A" = 0.6, "B" = 0.4 }

[[department]]
name = "A"
front_line = true
staff = 2
service = { dist = "exponential", mean = 1.5 }
transfers = [ { dept = "B", probability = 0.3 } ]

[[department]]
name = "B"
front_line = true
staff = "unlimited"
service = { dist = "exponential", mean = 2.0 }

[behavior]
enabled = false
"#;

#[test]
fn an_organization_without_internal_teams_ranks_its_front_line() {
    let sandbox = Sandbox::new();
    sandbox.write("flat.toml", FLAT);
    let stdout = sandbox.run(&["impact", "flat.toml", "--out", "out"]).success();
    assert!(
        stdout.contains("Which front-line team matters most") && stdout.contains("no internal department"),
        "{stdout}"
    );
    // Nobody abandons: the abandonment rate cannot move, so resolution ranks.
    assert!(stdout.contains("ranked by the gain in mean resolution time"), "{stdout}");
    let rows = csv_rows(&sandbox.path("out"), "impact.csv");
    assert_eq!(rows.len(), 1, "only A can take one more person: {rows:?}");
    assert_eq!((rows[0]["department"].as_str(), rows[0]["role"].as_str()), ("A", "front line"));
    assert!(rows[0]["gain_in_ext_resolution_mean"].parse::<f64>().unwrap() > 0.0);
    let report = std::fs::read_to_string(sandbox.path("out/report.html")).unwrap();
    assert!(report.contains("Which front-line team matters most to customers: gain in mean resolution time"));
}

#[test]
fn when_no_step_applies_the_error_says_why() {
    let sandbox = Sandbox::new();
    sandbox.write("unlimited.toml", &FLAT.replace("staff = 2", "staff = \"unlimited\""));
    let stderr = sandbox.run(&["impact", "unlimited.toml", "--out", "out"]).failure();
    assert!(stderr.contains("no improvement applies") && stderr.contains("+1 staff"), "{stderr}");
    assert!(stderr.contains("unlimited staff (\"A\", \"B\")") && stderr.contains("staff = N"), "{stderr}");
    assert!(!sandbox.path("out").exists());
}

#[test]
fn front_line_teams_rank_beside_internal_ones_on_request() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    let args = ["impact", "small.toml", "--replications", "3", "--quiet"];
    sandbox.run(&[&args[..], &["--out", "internal"]].concat()).success();
    let internal = csv_rows(&sandbox.path("internal"), "impact.csv");
    assert!(internal.iter().all(|r| r["role"] == "internal" && r["department"] == "IT"), "{internal:?}");
    sandbox.run(&[&args[..], &["--out", "both", "--include-front-line"]].concat()).success();
    let both = csv_rows(&sandbox.path("both"), "impact.csv");
    let roles: Vec<(&str, &str)> = both.iter().map(|r| (r["department"].as_str(), r["role"].as_str())).collect();
    assert!(roles.contains(&("Front Desk", "front line")) && roles.contains(&("IT", "internal")), "{roles:?}");
    // --robust ranks internal teams only.
    let stderr = sandbox.run(&["impact", "small.toml", "--robust", "--include-front-line"]).failure();
    assert!(stderr.contains("--include-front-line"), "{stderr}");
}

/// A ServiceNow incident audit in miniature: a row per update, CRLF, day-first
/// dates, `?` for missing values, a Closed incident without resolved_at, a
/// team-less incident, rows after a resolution, an opened time that differs
/// between rows, and a resolution after the log's last event.
const AUDIT: &str = "number,incident_state,opened_at,sys_updated_at,assignment_group,resolved_at,closed_at\r\n\
INC1,New,29-02-2016 04:40,29-02-2016 04:57,Desk,01-03-2016 09:52,06-03-2016 10:00\r\n\
INC1,Active,29-02-2016 04:40,29-02-2016 05:30,Network,01-03-2016 09:52,06-03-2016 10:00\r\n\
INC1,Resolved,29-02-2016 04:40,01-03-2016 09:52,Network,01-03-2016 09:52,06-03-2016 10:00\r\n\
INC1,Closed,29-02-2016 04:40,06-03-2016 10:00,Network,01-03-2016 09:52,06-03-2016 10:00\r\n\
INC2,New,29-02-2016 06:00,29-02-2016 06:00,Desk,?,?\r\n\
INC2,Active,29-02-2016 06:00,29-02-2016 07:00,Network,?,?\r\n\
INC2,Resolved,29-02-2016 06:00,29-02-2016 10:00,Network,?,?\r\n\
INC2,Closed,29-02-2016 06:00,05-03-2016 10:00,Network,?,?\r\n\
INC3,New,01-03-2016 10:00,01-03-2016 10:00,?,?,?\r\n\
INC3,Active,01-03-2016 10:00,01-03-2016 11:00,?,?,?\r\n\
INC4,New,02-03-2016 08:00,02-03-2016 08:00,Desk,30-03-2016 08:00,?\r\n\
INC4,Active,02-03-2016 08:30,02-03-2016 09:00,Network,30-03-2016 08:00,?\r\n\
INC5,New,03-03-2016 08:00,03-03-2016 08:00,Desk,03-03-2016 12:00,?\r\n\
INC5,Active,03-03-2016 08:00,03-03-2016 09:00,Desk,03-03-2016 12:00,?\r\n";

/// `orgsim fit` on the audit, its columns named.
const FIT_AUDIT: [&str; 12] = [
    "fit",
    "audit.csv",
    "--case",
    "number",
    "--time",
    "sys_updated_at",
    "--team",
    "assignment_group",
    "--opened",
    "opened_at",
    "--resolved",
    "resolved_at",
];

fn audit_columns() -> orgsim::fit::log::Columns {
    orgsim::fit::log::Columns {
        case: "number".into(),
        time: "sys_updated_at".into(),
        team: "assignment_group".into(),
        opened: Some("opened_at".into()),
        resolved: Some("resolved_at".into()),
        ..Default::default()
    }
}

#[test]
fn resolution_is_read_as_servicenow_counts_it() {
    let log = orgsim::fit::log::read_csv(AUDIT.as_bytes(), "audit.csv", &audit_columns()).unwrap();
    let case = |name: &str| log.cases.iter().find(|c| c.name == name).unwrap();
    let at = |text: &str| {
        let civil = jiff::civil::DateTime::strptime("%d-%m-%Y %H:%M", text).unwrap();
        jiff::tz::TimeZone::UTC.to_timestamp(civil).unwrap().as_second() as f64
    };
    use orgsim::fit::log::Outcome;
    // resolved_at first.
    assert_eq!(case("INC1").resolved, Some(at("01-03-2016 09:52")));
    // No resolved_at: the first row in a resolved state (the state column
    // incident_state is found by name), not the Closed one.
    assert_eq!(case("INC2").resolved, Some(at("29-02-2016 10:00")));
    assert_eq!(case("INC2").outcome, Outcome::Resolved);
    // A resolution after the log's last event is outside its window: open.
    assert_eq!((case("INC4").resolved, case("INC4").outcome), (None, Outcome::Open));
    let q = &log.quality;
    assert_eq!((q.resolved_by_state, q.resolved_after_window, q.open), (1, 1, 2), "{q:?}");
    assert_eq!((q.opened_differs, q.opened_differs_example.as_deref()), (1, Some("INC4")));
    // --closed is the last fallback; other resolved states are named.
    let closed = orgsim::fit::log::Columns {
        closed: Some("closed_at".into()),
        resolved_states: vec!["closed".into()],
        ..audit_columns()
    };
    let log = orgsim::fit::log::read_csv(AUDIT.as_bytes(), "audit.csv", &closed).unwrap();
    let inc2 = log.cases.iter().find(|c| c.name == "INC2").unwrap();
    assert_eq!(inc2.resolved, Some(at("05-03-2016 10:00")));
}

#[test]
fn every_case_of_the_log_is_accounted_for() {
    let sandbox = Sandbox::new();
    sandbox.write("audit.csv", AUDIT);
    let args = [&FIT_AUDIT[..], &["--out", "fitted"]].concat();
    let stdout = sandbox.run(&args).success();
    assert!(stdout.contains("1 cases dropped: no row names a team"), "{stdout}");
    assert!(stdout.contains("resolved at their first row in a resolved state"), "{stdout}");
    assert!(stdout.contains("different opened times") && stdout.contains("\"INC4\""), "{stdout}");
    let rows = csv_rows(&sandbox.path("fitted"), "fit.csv");
    let count = |name: &str| rows.iter().find(|r| r["parameter"] == name).map(|r| r["value"].clone());
    assert_eq!(count("dropped_no_team").as_deref(), Some("1"));
    assert_eq!(count("dropped_rows_after_resolution").as_deref(), Some("0"));
    assert_eq!(count("cases").as_deref(), Some("4"));
    assert_eq!(count("resolved_by_state").as_deref(), Some("1"));
    assert_eq!(count("resolved_after_window").as_deref(), Some("1"));
}

#[test]
fn the_reader_names_the_right_line_and_separator() {
    let sandbox = Sandbox::new();
    let header = "case:concept:name,org:group,time:timestamp";
    // CR LF line ends: the line numbers are the file's own.
    sandbox
        .write("crlf.csv", &format!("{header}\r\n1,A,2024-01-01T08:00:00Z\r\n2,A,2024-01-01T09:00:00Z\r\n3,A,?\r\n"));
    let stderr = sandbox.run(&["fit", "crlf.csv"]).failure();
    assert!(stderr.contains("crlf.csv, line 4, column \"time:timestamp\""), "{stderr}");
    sandbox.write("ragged.csv", &format!("{header}\r\n1,A,2024-01-01T08:00:00Z\r\n2,A\r\n"));
    assert!(sandbox.run(&["fit", "ragged.csv"]).failure().contains("ragged.csv, line 3: this row has 2 fields"));
    // A column of mixed forms blames the row that fits no form the rest use.
    sandbox.write(
        "mixed.csv",
        &format!("{header}\n1,A,01-02-2024 08:00\n2,A,13-02-2024 09:00\n3,A,2024-02-03 10:00\n4,A,14-02-2024 09:00\n"),
    );
    let stderr = sandbox.run(&["fit", "mixed.csv"]).failure();
    assert!(stderr.contains("line 4") && stderr.contains("\"2024-02-03 10:00\""), "{stderr}");
    // Semicolons: a hint, and --delimiter reads them.
    let semi = "case;team;time\n1;A;2024-01-01T08:00:00Z\n2;A;2024-01-01T09:00:00Z\n3;A;2024-01-01T10:30:00Z\n";
    sandbox.write("semi.csv", semi);
    let stderr = sandbox.run(&["fit", "semi.csv", "--case", "case", "--team", "team", "--time", "time"]).failure();
    assert!(stderr.contains("pass --delimiter ';'"), "{stderr}");
    let args = ["fit", "semi.csv", "--case", "case", "--team", "team", "--time", "time", "--delimiter", ";", "--quiet"];
    sandbox.run(&args).success();
    assert!(sandbox.run(&["fit", "semi.csv", "--delimiter", "|"]).failure().contains("--delimiter"));
}

#[test]
fn patience_is_written_only_where_it_can_be_estimated() {
    let sandbox = Sandbox::new();
    // An outcome column but no start/complete events: the waits of served
    // customers are unknown.
    let mut log = String::from("case:concept:name,org:group,time:timestamp,outcome\n");
    for case in 0..30 {
        let opened = case * 7;
        let outcome = if case % 3 == 0 { "abandoned" } else { "served" };
        log += &format!("{case},Desk,2024-01-01T08:{:02}:00Z,{outcome}\n", opened % 60);
        log += &format!("{case},Desk,2024-01-01T09:{:02}:00Z,{outcome}\n", (opened + 5) % 60);
    }
    sandbox.write("waitless.csv", &log);
    let stdout = sandbox.run(&["fit", "waitless.csv", "--out", "fitted"]).success();
    assert!(stdout.contains("10 customers gave up") && stdout.contains("patience cannot be estimated"), "{stdout}");
    let scenario = std::fs::read_to_string(sandbox.path("fitted/scenario.toml")).unwrap();
    assert!(!scenario.contains("patience = {") && scenario.contains("--patience-mean"), "{scenario}");
    // The consultant who knows it gives it.
    sandbox.run(&["fit", "waitless.csv", "--out", "given", "--patience-mean", "4", "--quiet"]).success();
    let scenario = std::fs::read_to_string(sandbox.path("given/scenario.toml")).unwrap();
    assert!(scenario.contains("patience = { dist = \"exponential\", mean = 4"), "{scenario}");
    assert!(sandbox.run(&["fit", "waitless.csv", "--patience-mean", "-1"]).failure().contains("--patience-mean"));
}

#[test]
fn a_fitted_status_history_takes_the_head_counts_the_client_knows_and_answers_impact() {
    let sandbox = Sandbox::new();
    sandbox.write("audit.csv", AUDIT);
    let fit = FIT_AUDIT;
    // A head count alone would count the waiting twice.
    let stderr = sandbox.run(&[&fit[..], &["--out", "alone", "--staff", "Desk=2"]].concat()).failure();
    assert!(stderr.contains("waiting included") && stderr.contains("--utilization Desk=U"), "{stderr}");
    assert!(!sandbox.path("alone").exists());
    let stderr = sandbox.run(&[&fit[..], &["--utilization", "Desk=0.5"]].concat()).failure();
    assert!(stderr.contains("--staff \"Desk\"=N"), "{stderr}");
    let stderr = sandbox.run(&[&fit[..], &["--staff", "Nobody=2", "--work-time", "Nobody=3"]].concat()).failure();
    assert!(stderr.contains("no such team") && stderr.contains("\"Desk\""), "{stderr}");
    // With a utilization the work time follows by Little's law: U·N/λ.
    let args = [&fit[..], &["--out", "fitted", "--quiet", "--staff", "Desk=2", "--utilization", "Desk=0.5"]].concat();
    sandbox.run(&args).success();
    let rows = csv_rows(&sandbox.path("fitted"), "fit.csv");
    let visits: f64 =
        rows.iter().find(|r| r["kind"] == "visits" && r["team"] == "Desk").unwrap()["value"].parse().unwrap();
    let log = orgsim::fit::log::read_csv(AUDIT.as_bytes(), "audit.csv", &audit_columns()).unwrap();
    let opened: Vec<f64> =
        log.cases.iter().filter(|c| c.events.iter().any(|e| e.team.is_some())).map(|c| c.opened).collect();
    let window = (opened.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
        - opened.iter().cloned().fold(f64::INFINITY, f64::min))
        / 60.0;
    let scenario = orgsim::scenario::Scenario::from_toml_str(
        &std::fs::read_to_string(sandbox.path("fitted/scenario.toml")).unwrap(),
        "scenario.toml",
    )
    .unwrap();
    let desk = scenario.departments.iter().find(|d| d.name == "Desk").unwrap();
    assert_eq!(desk.staff, 2);
    let expected = 0.5 * 2.0 / (visits / window);
    assert!((desk.service_mean - expected).abs() < 1e-6 * expected, "{} vs {expected}", desk.service_mean);
    // The fitted organization answers the question.
    // Network's head count is unknown: the error says what would help.
    let stderr = sandbox.run(&["impact", "fitted/scenario.toml", "--out", "impact", "--replications", "4"]).failure();
    assert!(stderr.contains("(\"Network\")") && stderr.contains("--include-front-line"), "{stderr}");
    let args =
        ["impact", "fitted/scenario.toml", "--out", "impact", "--replications", "4", "--quiet", "--include-front-line"];
    sandbox.run(&args).success();
    let ranked = csv_rows(&sandbox.path("impact"), "impact.csv");
    assert_eq!(ranked.len(), 1, "{ranked:?}");
    assert_eq!((ranked[0]["department"].as_str(), ranked[0]["role"].as_str()), ("Desk", "front line"));
}

#[test]
fn handoffs_are_counted_both_ways() {
    let sandbox = Sandbox::new();
    // Every case goes Desk → Network → Storage; with --top 1 Network and
    // Storage become one department.
    let mut log = String::from("case:concept:name,org:group,time:timestamp\n");
    for case in 0..40 {
        let hour = 8 + case % 10;
        let day = 1 + case / 10;
        for (minute, team) in [(0, "Desk"), (10, "Network"), (30, "Storage"), (50, "Storage")] {
            log += &format!("{case},{team},2024-01-0{day}T{hour:02}:{minute:02}:00Z\n");
        }
    }
    sandbox.write("chain.csv", &log);
    sandbox
        .run(&["fit", "chain.csv", "--top", "1", "--check", "--replications", "10", "--out", "fitted", "--quiet"])
        .success();
    let check = csv_rows(&sandbox.path("fitted"), "fit-check.csv");
    let row =
        |name: &str| check.iter().find(|r| r["measure"] == name).unwrap_or_else(|| panic!("no {name}: {check:?}"));
    assert_eq!(row("handoffs_mean")["observed"], "1");
    let raw = row("handoffs_mean_raw");
    assert_eq!(
        (raw["observed"].as_str(), raw["verdict"].as_str(), raw["simulated_mean"].as_str()),
        ("2", "observed_only", "")
    );
    let page = std::fs::read_to_string(sandbox.path("fitted/fit.html")).unwrap();
    assert!(page.contains("handoffs_mean_raw</code> counts every change of team in the log"));
    // Time at each department, waiting included: 10 minutes at the desk,
    // 40 in the lumped rest, reproduced by the fitted (fixed) times.
    for (name, minutes) in [("time_at_team_mean.Desk", "10"), ("time_at_team_mean.Other teams", "40")] {
        let measure = row(name);
        assert_eq!((measure["observed"].as_str(), measure["verdict"].as_str()), (minutes, "ok"), "{measure:?}");
    }
}

#[test]
fn a_named_front_line_passes_on_the_cases_that_began_elsewhere() {
    let sandbox = Sandbox::new();
    // 60 cases: two in three begin at the desk and go on to the network
    // team; one in three is logged first at the network team.
    let mut log = String::from("case:concept:name,org:group,time:timestamp\n");
    for case in 0..60 {
        let hour = 8 + case % 10;
        let day = 1 + case / 10;
        if case % 3 == 0 {
            log += &format!("{case},Network,2024-01-0{day}T{hour:02}:00:00Z\n");
            log += &format!("{case},Network,2024-01-0{day}T{hour:02}:40:00Z\n");
        } else {
            log += &format!("{case},Desk,2024-01-0{day}T{hour:02}:00:00Z\n");
            log += &format!("{case},Network,2024-01-0{day}T{hour:02}:10:00Z\n");
            log += &format!("{case},Network,2024-01-0{day}T{hour:02}:40:00Z\n");
        }
    }
    sandbox.write("tickets.csv", &log);
    // Without --front-line both teams take first touches.
    sandbox.run(&["fit", "tickets.csv", "--out", "both", "--quiet"]).success();
    let both = std::fs::read_to_string(sandbox.path("both/scenario.toml")).unwrap();
    assert_eq!(both.matches("front_line = true").count(), 2, "{both}");
    let stderr = sandbox.run(&["fit", "tickets.csv", "--front-line", "Nobody", "--out", "bad"]).failure();
    assert!(stderr.contains("--front-line \"Nobody\": no such team") && stderr.contains("\"Desk\""), "{stderr}");
    assert!(!sandbox.path("bad").exists());
    let fit = [
        "fit",
        "tickets.csv",
        "--front-line",
        "Desk",
        "--staff",
        "Network=3",
        "--utilization",
        "Network=0.5",
        "--out",
        "desk",
        "--quiet",
    ];
    sandbox.run(&fit).success();
    let text = std::fs::read_to_string(sandbox.path("desk/scenario.toml")).unwrap();
    assert_eq!(text.matches("front_line = true").count(), 1, "{text}");
    // Every case now passes from the desk to the network team.
    assert!(text.contains("transfers = [ { dept = \"Network\", probability = 1.0 } ]"), "{text}");
    let rows = csv_rows(&sandbox.path("desk"), "fit.csv");
    let moved = rows.iter().find(|r| r["parameter"] == "entered_elsewhere").unwrap();
    assert_eq!((moved["team"].as_str(), moved["value"].as_str()), ("Desk", "20"));
    // The desk's own time is the 40 visits the log shows, 10 minutes each.
    let sample =
        rows.iter().find(|r| r["kind"] == "service" && r["team"] == "Desk" && r["target"] == "sample").unwrap();
    assert_eq!((sample["value"].as_str(), sample["n"].as_str()), ("10", "40"));
    // The question can now be asked of the internal team.
    sandbox.run(&["impact", "desk/scenario.toml", "--out", "impact", "--replications", "4", "--quiet"]).success();
    let ranked = csv_rows(&sandbox.path("impact"), "impact.csv");
    assert_eq!((ranked[0]["department"].as_str(), ranked[0]["role"].as_str()), ("Network", "internal"), "{ranked:?}");
}

#[test]
fn the_new_fit_flags_refuse_bad_values() {
    let sandbox = Sandbox::new();
    sandbox.write("audit.csv", AUDIT);
    let bad: [(&[&str], &str); 9] = [
        (&["--state", "status"], "column \"status\": no such column"),
        (&["--closed", "closed"], "column \"closed\": no such column"),
        (&["--staff", "Desk=abc"], "\"abc\" is not a head count"),
        (&["--staff", "Desk=0"], "\"0\" is not a head count"),
        (&["--staff", "Desk"], "write TEAM=VALUE"),
        (&["--staff", "Desk=2", "--utilization", "Desk=1.5"], "a share above 0 and at most 1"),
        (&["--staff", "Desk=2", "--work-time", "Desk=-3"], "a time above 0"),
        (&["--staff", "Desk=2", "--utilization", "Desk=0.5", "--work-time", "Desk=3"], "not both"),
        (&["--staff-file", "staff.csv"], "team,staff"),
    ];
    sandbox.write("staff.csv", "name,count\nDesk,2\n");
    for (extra, expected) in bad {
        let stderr = sandbox.run(&[&FIT_AUDIT[..], extra, &["--out", "out"]].concat()).failure();
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
        assert!(!sandbox.path("out").exists());
    }
    // A staff file read whole.
    sandbox.write("staff.csv", "team,staff,utilization\nDesk,2,0.5\nNetwork,3,0.25\n");
    sandbox.run(&[&FIT_AUDIT[..], &["--staff-file", "staff.csv", "--out", "out", "--quiet"]].concat()).success();
    let scenario = std::fs::read_to_string(sandbox.path("out/scenario.toml")).unwrap();
    assert!(scenario.contains("staff = 2") && scenario.contains("staff = 3"), "{scenario}");
}

#[test]
fn the_check_reads_like_a_test_report() {
    let sandbox = Sandbox::new();
    // 40 cases, 10 minutes at the desk each, then to the network team.
    let mut log = String::from("case:concept:name,org:group,time:timestamp\n");
    for case in 0..40 {
        let hour = 8 + case % 10;
        let day = 1 + case / 10;
        for (minute, team) in [(0, "Desk"), (10, "Network"), (30, "Network")] {
            log += &format!("{case},{team},2024-01-0{day}T{hour:02}:{minute:02}:00Z\n");
        }
    }
    sandbox.write("desk.csv", &log);
    // A work time of 50 minutes for a desk whose cases stay 10: the
    // staffed desk cannot reproduce the log, and the note says why.
    let args = [
        "fit",
        "desk.csv",
        "--staff",
        "Desk=1",
        "--work-time",
        "Desk=50",
        "--check",
        "--replications",
        "20",
        "--out",
        "fitted",
    ];
    let stdout = sandbox.run(&args).success();
    let check = csv_rows(&sandbox.path("fitted"), "fit-check.csv");
    let row = |name: &str| check.iter().find(|r| r["measure"] == name).unwrap_or_else(|| panic!("{name}: {check:?}"));
    let desk = row("time_at_team_mean.Desk");
    assert_eq!((desk["observed"].as_str(), desk["verdict"].as_str()), ("10", "below"), "{desk:?}");
    assert!(desk["note"].contains("staff given (1), work time 50 min") && desk["note"].contains("longer"), "{desk:?}");
    for inside in check.iter().filter(|r| r["verdict"] == "ok") {
        assert_eq!(inside["note"], "", "{inside:?}");
    }
    // The count outside, against the count the model gives by chance.
    let count = row("measures_outside");
    let outside = check
        .iter()
        .filter(|r| r["measure"] != "measures_outside" && !matches!(r["verdict"].as_str(), "ok" | "observed_only"))
        .count();
    assert_eq!(count["observed"], outside.to_string());
    let chance: f64 = count["simulated_mean"].parse().unwrap();
    let high: f64 = count["simulated_p975"].parse().unwrap();
    assert!(chance >= 0.0 && high.fract() == 0.0 && chance <= high, "{count:?}");
    assert!(
        stdout.contains(&format!("check: {outside} of")) && stdout.contains("by chance the model itself puts"),
        "{stdout}"
    );
    // The page a client reads.
    let page = std::fs::read_to_string(sandbox.path("fitted/fit.html")).unwrap();
    let text = crate::util::visible_text(&page);
    assert!(text.contains("sample mean") && text.contains("fitted mean"), "{text}");
    assert!(text.contains("staff given (1), work time 50 min"), "the note is on the page");
    assert!(text.contains("by chance even for a perfect model"), "{text}");
    assert!(sandbox.path("fitted/plots/fit-check.svg").exists());
    let unreadable = crate::util::unreadable_numbers(&text, 4);
    assert!(unreadable.is_empty(), "{unreadable:?}");
}

#[test]
fn fit_html_is_ready_for_a_client() {
    let sandbox = Sandbox::new();
    // 12 teams, each case passed along a ring of three: 36 kinds of
    // handoff, times of hours.
    let teams: Vec<String> = (0..12).map(|t| format!("Team {t}")).collect();
    let mut log = String::from("case:concept:name,org:group,time:timestamp\n");
    for case in 0..240usize {
        let day = 1 + case / 24;
        let hour = case % 24;
        for step in 0..3 {
            let team = &teams[(case + step * (1 + case % 3)) % 12];
            log += &format!("{case},{team},2024-01-{day:02}T{hour:02}:{:02}:00Z\n", 17 * step + case % 7);
        }
        let team = &teams[(case + 2 * (1 + case % 3)) % 12];
        log += &format!("{case},{team},2024-01-{:02}T{hour:02}:55:00Z\n", day + 1);
    }
    sandbox.write("ring.csv", &log);
    sandbox
        .run(&["fit", "ring.csv", "--top", "12", "--check", "--replications", "10", "--out", "ring", "--quiet"])
        .success();
    let page = std::fs::read_to_string(sandbox.path("ring/fit.html")).unwrap();
    let text = crate::util::visible_text(&page);
    let unreadable = crate::util::unreadable_numbers(&text, 4);
    assert!(unreadable.is_empty(), "{unreadable:?}");
    // Times of a day and more read in hours or days, not minutes.
    assert!(text.contains(" h ") || text.contains(" days "), "{text}");
    assert!(text.contains("time unit") && text.contains("minute"), "the time unit is filled in");
    // The 15 busiest handoffs and one line for the rest.
    let handoffs = &page[page.find("<h2>Handoffs</h2>").unwrap()..];
    let table = &handoffs[..handoffs.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 1 + 15 + 1, "{table}");
    assert!(table.contains("others: "), "{table}");
    // The network names each of its 12 teams.
    let flow = std::fs::read_to_string(sandbox.path("ring/plots/flow.svg")).unwrap();
    for team in &teams {
        assert!(flow.contains(&format!("\n{team}\n")), "{team} is not labelled");
    }
    // Density axes read as numbers, not all "0.00".
    let histogram = std::fs::read_to_string(sandbox.path("ring/plots/fit-time-1-Team_0.svg"))
        .or_else(|_| {
            let plots = std::fs::read_dir(sandbox.path("ring/plots")).unwrap();
            let first =
                plots.filter_map(Result::ok).find(|e| e.file_name().to_string_lossy().starts_with("fit-time-1-"));
            std::fs::read_to_string(first.unwrap().path())
        })
        .unwrap();
    assert!(!histogram.contains(">0.00<") && histogram.contains("share of visits per"), "density axis");
}

#[test]
fn a_resolution_outside_its_range_says_what_the_log_did_to_it() {
    let log = orgsim::fit::log::read_csv(AUDIT.as_bytes(), "audit.csv", &audit_columns()).unwrap();
    let clock = orgsim::fit::timestamps::Clock::new("UTC").unwrap();
    let fit = orgsim::fit::estimate::estimate(&log, &clock, &crate::fit::minute_settings(10)).unwrap();
    let outside = |measure: &str| orgsim::fit::check::Comparison {
        measure: measure.into(),
        observed: 100.0,
        simulated_mean: 1.5,
        simulated_p025: 1.0,
        simulated_p975: 2.0,
        note: String::new(),
    };
    let note = orgsim::fit::check_notes::note(&fit, &outside("resolution_p50"));
    assert!(
        note.contains("1 case has no resolved time; taken as resolved at their first row in a resolved state"),
        "{note}"
    );
    assert!(note.contains("more slowly"), "{note}");
    let note = orgsim::fit::check_notes::note(&fit, &outside("time_at_team_mean.Network"));
    assert!(note.contains("staff unknown"), "{note}");
    let note = orgsim::fit::check_notes::note(&fit, &outside("handoffs_mean"));
    assert!(note.contains("independent of the case's history"), "{note}");
}
