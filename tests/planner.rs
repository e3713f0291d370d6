//! A planner's rules for the shift cover (`optimize --by-interval`):
//! windows for shift starts on the clock, caps on the people of a shift
//! length, a minimum on duty; respected in shifts.csv and optimized.toml,
//! refused with the slot that cannot be covered, and bad values refused.

use std::path::Path;

use crate::util::{Sandbox, csv_rows};

fn day() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/call-centre-day.toml").to_str().unwrap().to_string()
}

/// `optimize SCENARIO --by-interval --target TARGET` at 4 replications with
/// `rules`, into `out`, without plots (and quiet unless `talk`).
fn by_interval(
    sandbox: &Sandbox,
    (scenario, target): (&str, &str),
    rules: &[&str],
    (out, talk): (&str, bool),
) -> crate::util::Outcome {
    let mut args = vec!["optimize", scenario, "--by-interval", "--target", target, "--replications", "4"];
    args.extend_from_slice(rules);
    args.extend_from_slice(&["--out", out, "--no-plots"]);
    if !talk {
        args.push("--quiet");
    }
    sandbox.run(&args)
}

/// The call-centre day planned for `wait_prob<=0.2` under `rules`.
fn plan(sandbox: &Sandbox, rules: &[&str], out: &str) -> crate::util::Outcome {
    by_interval(sandbox, (&day(), "wait_prob<=0.2"), rules, (out, false))
}

/// Day shifts of 8 hours starting 05:00 to 13:00, night shifts of 12 from
/// 19:00, at most `night` people on them.
fn day_and_night(night: &str) -> Vec<String> {
    [
        "--shift-lengths",
        "480,720",
        "--shift-starts",
        "480@05:00-13:00",
        "--shift-starts",
        "720@19:00-19:00",
        "--max-shifts",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("720={night}")])
    .collect()
}

fn minutes(clock: &str) -> u32 {
    let (h, m) = clock.split_once(':').unwrap();
    h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap()
}

#[test]
fn the_shift_cover_keeps_start_windows_caps_and_a_minimum() {
    let sandbox = Sandbox::new();
    let mut rules = day_and_night("6");
    rules.extend(["--min-staff".to_string(), "Help Desk=4".to_string()]);
    let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
    plan(&sandbox, &rules, "plan").success();
    let shifts = csv_rows(&sandbox.path("plan"), "shifts.csv");
    assert!(!shifts.is_empty());
    for department in ["Help Desk", "Billing"] {
        let night: u32 = shifts
            .iter()
            .filter(|s| s["department"] == department && s["length"] == "720")
            .map(|s| s["staff"].parse::<u32>().unwrap())
            .sum();
        assert!(night <= 6, "{department}: {night} on 12-hour shifts");
    }
    for shift in &shifts {
        let start = minutes(&shift["clock_start"]);
        match shift["length"].as_str() {
            "480" => assert!((300..=780).contains(&start), "{shift:?}"),
            "720" => assert_eq!(start, 19 * 60, "{shift:?}"),
            other => panic!("length {other}"),
        }
    }
    let staffing = csv_rows(&sandbox.path("plan"), "staffing.csv");
    for row in staffing.iter().filter(|r| r["department"] == "Help Desk") {
        assert!(row["scheduled_staff"].parse::<u32>().unwrap() >= 4, "{row:?}");
    }
    // The plan runs as it is written.
    let optimized = sandbox.path("plan").join("optimized.toml");
    sandbox.run(&["validate", optimized.to_str().unwrap()]).success();
    let text = std::fs::read_to_string(&optimized).unwrap();
    assert!(text.contains("start = 1140.0") && !text.contains("start = 0.0,"), "{text}");
}

#[test]
fn rules_that_leave_a_slot_uncovered_are_refused_naming_it() {
    let sandbox = Sandbox::new();
    // Eight-hour shifts starting 05:00 to 13:00 end by 21:00: the night is
    // open.
    let stderr = plan(&sandbox, &["--shift-starts", "05:00-13:00"], "open").failure();
    assert!(stderr.contains("no allowed shift covers the slot 00:00-01:00"), "{stderr}");
    // Night shifts capped at one person, where the night needs three.
    let capped = day_and_night("1");
    let capped: Vec<&str> = capped.iter().map(String::as_str).collect();
    let stderr = plan(&sandbox, &capped, "capped").failure();
    assert!(stderr.contains("--max-shifts leaves too few people for the slot"), "{stderr}");
    assert!(!sandbox.path("capped").join("shifts.csv").exists() && !sandbox.path("open").exists());
}

#[test]
fn bad_rules_are_refused() {
    let sandbox = Sandbox::new();
    for (rule, words) in [
        (["--shift-starts", "25:00-26:00"], "give a window of clock times HH:MM-HH:MM"),
        (["--shift-starts", "0500-1300"], "give a window of clock times HH:MM-HH:MM"),
        (["--shift-starts", "300@05:00-06:00"], "the length must be one of --shift-lengths (480)"),
        (["--max-shifts", "480=x"], "N must be a whole number from 0 to 1000000"),
        (["--max-shifts", "480=2000000"], "N must be a whole number from 0 to 1000000"),
        (["--max-shifts", "480"], "give LENGTH=N"),
        (["--min-staff", "Nobody=2"], "no department is named \"Nobody\""),
        (["--min-staff", "many"], "N must be a whole number from 0 to 1000000"),
        (["--shift-break", "480: after=180, length=30"], "length must be a whole number of slots of 60 (got 30)"),
        (["--shift-break", "600: after=180, length=60"], "the length must be one of --shift-lengths (480)"),
        (["--shift-break", "480: after=420, window=60, length=60"], "past its length 480"),
        (["--shift-break", "480: after=120, pause=60"], "unknown key \"pause\""),
        (["--shift-break", "480: after=120"], "give both after and length"),
        (["--shift-break", "480: after=-60, length=60"], "after must be a number from 0 to 1e12"),
        (["--shift-break", "480 after=60"], "give LENGTH: after=A, window=W, length=L"),
    ] {
        let stderr = plan(&sandbox, &rule, "bad").failure();
        assert!(stderr.contains(words) && stderr.contains(rule[0]), "{rule:?}: {stderr}");
    }
    // The rules belong to --by-interval.
    let day = day();
    let stderr =
        sandbox.run(&["optimize", day.as_str(), "--target", "ext_abandon_rate<=0.1", "--min-staff", "2"]).failure();
    assert!(stderr.contains("--by-interval"), "{stderr}");
}

#[test]
fn staffing_lists_clock_times_and_full_time_equivalents() {
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(day()).unwrap().replace("seed = 2026", "seed = 2026\nfte_hours = 7.5");
    sandbox.write("day.toml", &text);
    let stdout = by_interval(&sandbox, ("day.toml", "wait_prob<=0.2"), &[], ("plan", true)).success();
    let rows = csv_rows(&sandbox.path("plan"), "staffing.csv");
    let mut fte_by_department = std::collections::BTreeMap::new();
    for row in &rows {
        // Hourly slots from midnight: clock times from start_time.
        let start: f64 = row["interval_start"].parse().unwrap();
        assert_eq!(minutes(&row["clock_start"]) as f64, start % 1440.0, "{row:?}");
        let scheduled: f64 = row["scheduled_staff"].parse().unwrap();
        let fte: f64 = row["scheduled_fte"].parse().unwrap();
        // One person for an hour is 1/7.5 of a full-time day.
        assert!((fte - scheduled / 7.5).abs() < 1e-9, "{row:?}");
        *fte_by_department.entry(row["department"].clone()).or_insert(0.0) += fte;
    }
    for (department, fte) in fte_by_department {
        let line = format!("{} FTE a day (7.5 hours each)", orgsim::readable::number(fte));
        assert!(stdout.contains(&line), "{department}: {line} not in\n{stdout}");
    }
    // A bad value.
    sandbox.write("bad.toml", &text.replace("fte_hours = 7.5", "fte_hours = 25.0"));
    let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
    assert!(stderr.contains("fte_hours") && stderr.contains("bad.toml"), "{stderr}");
}

#[test]
fn staffing_with_the_social_layer_on_says_what_the_layer_adds() {
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(day()).unwrap();
    sandbox.write("social.toml", &text.replace("[behavior]\nenabled = false", "[behavior]\nenabled = true"));
    sandbox.write("plain.toml", &text);
    let run =
        |file: &str| by_interval(&sandbox, (file, "wait_prob<=0.2"), &[], (&format!("{file}.out"), true)).success();
    let social = run("social.toml");
    assert!(social.contains("The social layer is on"), "{social}");
    let line = social.lines().find(|l| l.contains("Customers who waited")).expect("the wait figure");
    let share = |after: &str| -> f64 {
        line.split(after).nth(1).unwrap().trim().split('%').next().unwrap().trim().parse().unwrap()
    };
    // Rework adds work: with the layer off the same plan waits less.
    assert!(share("layer off") < share("layer on"), "{line}");
    assert!(social.contains("work it assumes is redone: Help Desk"), "{social}");
    assert!(!run("plain.toml").contains("social layer is on"));
}

#[test]
fn new_desk_writes_a_planners_starter_that_plans() {
    let sandbox = Sandbox::new();
    let text = sandbox.run(&["new", "--desk"]).success();
    sandbox.write("desk.toml", &text);
    sandbox.run(&["validate", "desk.toml"]).success();
    let scenario = orgsim::scenario::Scenario::from_toml_str(&text, "desk.toml").unwrap();
    assert!(!scenario.behavior_enabled, "the social layer is off");
    assert_eq!(scenario.customers.profile.as_ref().map(|p| (p.every, p.rates.len())), Some((30.0, 48)));
    assert_eq!(scenario.customers.service_level_time, Some(0.333));
    assert!(scenario.customers.short_abandon > 0.0 && scenario.fte_hours == 8.0);
    assert!(scenario.departments[0].schedule.is_some(), "shifts");
    // Every key line carries its comment.
    for key in [
        "time_unit",
        "start_time",
        "period",
        "horizon",
        "fte_hours",
        "patience",
        "service_level_time",
        "short_abandon",
        "service",
        "shrinkage",
        "enabled",
    ] {
        let line =
            text.lines().find(|l| l.trim_start().starts_with(&format!("{key} ="))).unwrap_or_else(|| panic!("{key}"));
        assert!(line.contains('#') || text.contains(&format!("# {key}")), "{line}");
    }
    // The plan its comment suggests runs and meets the target in every slot.
    let mut command = String::new();
    for line in text.lines().skip_while(|l| !l.contains("orgsim optimize")) {
        let line = line.trim_start_matches('#').trim();
        command.push_str(line.trim_end_matches('\\'));
        command.push(' ');
        if !line.ends_with('\\') {
            break;
        }
    }
    let words = shell_words(&command);
    assert!(words.windows(2).any(|w| w == ["--shift-starts", "480@05:00-13:00"]), "{command}");
    assert!(words.windows(2).any(|w| w == ["--shift-break", "480: after=180, window=60, length=30"]), "{command}");
    assert!(scenario.departments[0].shrinkage > 0.0 && scenario.departments[0].breaks.is_some());
    let first = words.iter().position(|w| w == "--shift-lengths").expect("the rules");
    let rules: Vec<&str> = words[first..].iter().map(String::as_str).collect();
    let stdout = by_interval(&sandbox, ("desk.toml", "service_level>=0.8"), &rules, ("plan", true)).success();
    // The covered plan as written, breaks and shrinkage as the engine
    // takes them, meets the target over the day on fresh seeds.
    let line = stdout.lines().find(|l| l.contains("Answered within the service-level time")).expect("the plan check");
    assert!(stdout.contains("The shift plan as written"), "{stdout}");
    // Its run is steady: the heading says the diagnostics found nothing.
    assert!(stdout.contains("fresh replications (95% intervals; diagnostics ok)"), "{stdout}");
    let low: f64 = line.split('(').nth(1).unwrap().split(" – ").next().unwrap().trim().parse().unwrap();
    assert!(low >= 80.0, "{line}");
    let rows = csv_rows(&sandbox.path("plan"), "staffing.csv");
    assert_eq!(rows.len(), 48);
    assert!(rows.iter().all(|r| r["confirmed"] == "true"), "{rows:?}");
    // The cover places every break: those serving (on duty less on a
    // break) make the roster in every slot.
    let mut breaks = 0;
    for row in &rows {
        let [rostered, scheduled, away] =
            ["rostered_staff", "scheduled_staff", "on_break"].map(|c| row[c].parse::<u32>().unwrap());
        assert!(scheduled - away >= rostered, "{row:?}");
        breaks += away;
    }
    assert!(breaks > 0);
    // Each shift's people break inside the window given.
    for shift in csv_rows(&sandbox.path("plan"), "shifts.csv") {
        let start = minutes(&shift["clock_start"]);
        let (window, length) = if shift["length"] == "480" { (180..=240, 30) } else { (300..=420, 30) };
        let (from, to) = shift["breaks"].split_once('-').unwrap();
        let (from, to) = (minutes(from), minutes(to));
        assert!(window.contains(&((from + 1440 - start) % 1440)) && (to + 1440 - from) % 1440 == length, "{shift:?}");
    }
    // The plan runs as written, its breaks taken on the engine's rules.
    let optimized = sandbox.path("plan").join("optimized.toml");
    let text = std::fs::read_to_string(&optimized).unwrap();
    assert!(text.contains("[[department.shifts.breaks]]") && text.contains("shrinkage = 0.15"), "{text}");
    // The report lists the roster, those on a break and each shift's breaks.
    let report = std::fs::read_to_string(sandbox.path("plan").join("report.html")).unwrap();
    assert!(report.contains("<th>rostered</th><th>scheduled</th><th>on a break</th>"), "staff by slot");
    assert!(report.contains("<th>people</th><th>breaks</th>") && report.contains(":30</td></tr>"), "shifts");
}

/// The words of a command line, double quotes grouping.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !words.last().unwrap().is_empty() {
                    words.push(String::new());
                }
            }
            c => words.last_mut().unwrap().push(c),
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// M/M/n at λ = 5, μ = 1: `staff` people, `shrinkage` of them away.
fn shrunk_desk(staff: u32, shrinkage: Option<f64>) -> String {
    let shrinkage = shrinkage.map_or(String::new(), |s| format!("shrinkage = {s:?}"));
    format!(
        "name = \"desk\"\nhorizon = 20000.0\nwarmup = 2000.0\nreplications = 20\nseed = 3\n[customers]\narrival_rate = 5.0\n\
         [[department]]\nname = \"Desk\"\nfront_line = true\nstaff = {staff}\n{shrinkage}\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n\
         [behavior]\nenabled = false\n"
    )
}

#[test]
fn shrinkage_leaves_the_available_share_of_the_roster_serving() {
    use orgsim::experiment;
    // 30% of 10 rostered people away at every moment: 7 serve, exactly as
    // a roster of 7 (the rotation keeps the count; nobody is taken from
    // work in hand, so no hand-over overlap arises while it holds).
    let shrunk = experiment::run(crate::util::scenario(&shrunk_desk(10, Some(0.3))));
    let seven = experiment::run(crate::util::scenario(&shrunk_desk(7, None)));
    for metric in ["ext_wait_mean", "ext_wait_prob", "ext_served"] {
        assert_eq!(crate::util::values(&shrunk, metric), crate::util::values(&seven, metric), "{metric}");
    }
    let wait = orgsim::theory::mmc_wait(7, 5.0, 1.0).unwrap().1;
    crate::util::assert_covers(
        crate::util::bonferroni(&crate::util::values(&shrunk, "ext_wait_mean"), 1),
        wait,
        "M/M/7 E[W]",
    );
    // Bad values.
    let sandbox = Sandbox::new();
    for (text, words) in [
        (shrunk_desk(10, Some(0.95)), "department \"Desk\".shrinkage"),
        (shrunk_desk(10, Some(-0.1)), "department \"Desk\".shrinkage"),
        (shrunk_desk(1, Some(0.6)), "nobody of \"Desk\" would ever be available"),
        (
            shrunk_desk(10, Some(0.3)).replace("staff = 10", "staff = \"unlimited\""),
            "an unlimited department has no roster",
        ),
    ] {
        sandbox.write("bad.toml", &text);
        let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
        assert!(stderr.contains(words) && stderr.contains("bad.toml"), "{stderr}");
    }
}

#[test]
fn staffing_rosters_for_shrinkage() {
    let sandbox = Sandbox::new();
    let text = std::fs::read_to_string(day())
        .unwrap()
        .replace("name = \"Help Desk\"\n", "name = \"Help Desk\"\nshrinkage = 0.3\n");
    sandbox.write("day.toml", &text);
    by_interval(&sandbox, ("day.toml", "wait_prob<=0.2"), &[], ("plan", false)).success();
    for row in csv_rows(&sandbox.path("plan"), "staffing.csv") {
        let [required, rostered, scheduled] =
            ["required_staff", "rostered_staff", "scheduled_staff"].map(|c| row[c].parse::<u32>().unwrap());
        let shrinkage = if row["department"] == "Help Desk" { 0.3 } else { 0.0 };
        assert_eq!(rostered, (f64::from(required) / (1.0 - shrinkage) - 1e-9).ceil() as u32, "{row:?}");
        assert!(scheduled >= rostered, "{row:?}");
        // The roster leaves at least the required people available.
        assert!((f64::from(scheduled) * (1.0 - shrinkage)).round() as u32 >= required, "{row:?}");
    }
    let optimized = std::fs::read_to_string(sandbox.path("plan").join("optimized.toml")).unwrap();
    assert!(optimized.contains("shrinkage = 0.3"), "{optimized}");
}

/// M/M/n at λ = 3, μ = 1 through a day: `day` people from 00:00 to 12:00
/// and `night` from 12:00, each shift written as given (a shift's own
/// `shrinkage` in its braces).
fn two_shift_desk(day: &str, night: &str) -> String {
    format!(
        "name = \"desk\"\nhorizon = 20160.0\nwarmup = 1440.0\nperiod = 1440.0\nreplications = 20\nseed = 3\n[customers]\narrival_rate = 3.0\n\
         [[department]]\nname = \"Desk\"\nfront_line = true\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n\
         shifts = [ {{ start = 0.0, length = 720.0, {day} }}, {{ start = 720.0, length = 720.0, {night} }} ]\n\
         [behavior]\nenabled = false\n"
    )
}

#[test]
fn a_shifts_own_shrinkage_applies_to_its_people() {
    use orgsim::experiment;
    // Ten by day at 30% and ten by night at 50% serve exactly as seven
    // and five.
    let shrunk = experiment::run(crate::util::scenario(&two_shift_desk(
        "staff = 10, shrinkage = 0.3",
        "staff = 10, shrinkage = 0.5",
    )));
    let plain = experiment::run(crate::util::scenario(&two_shift_desk("staff = 7", "staff = 5")));
    for metric in ["ext_wait_mean", "ext_wait_prob", "ext_served"] {
        assert_eq!(crate::util::values(&shrunk, metric), crate::util::values(&plain, metric), "{metric}");
    }
    // The department's shrinkage stands where a shift gives none: 20% of
    // ten by day, 50% of ten by night.
    let mixed = two_shift_desk("staff = 10", "staff = 10, shrinkage = 0.5")
        .replace("front_line = true\n", "front_line = true\nshrinkage = 0.2\n");
    let mixed = experiment::run(crate::util::scenario(&mixed));
    let eight = experiment::run(crate::util::scenario(&two_shift_desk("staff = 8", "staff = 5")));
    assert_eq!(crate::util::values(&mixed, "ext_wait_mean"), crate::util::values(&eight, "ext_wait_mean"));
    // validate holds the load against those kept: 7 by day, 5 by night.
    let sandbox = Sandbox::new();
    sandbox.write("shrunk.toml", &two_shift_desk("staff = 10, shrinkage = 0.3", "staff = 10, shrinkage = 0.5"));
    let text = sandbox.run(&["validate", "shrunk.toml"]).success();
    assert!(text.contains("\"Desk\": 10 on duty on average, 0 on a break, shrinkage 40%: 6 serving"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("Desk") && l.contains("50.0%*")), "load 3 on 6: {text}");
    // Bad values.
    for (text, words) in [
        (two_shift_desk("staff = 10, shrinkage = 0.95", "staff = 5"), "department \"Desk\".shifts[0].shrinkage"),
        (
            two_shift_desk("staff = 1, shrinkage = 0.6", "staff = 1, shrinkage = 0.7"),
            "nobody of \"Desk\" would ever be available",
        ),
    ] {
        sandbox.write("bad.toml", &text);
        let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
        assert!(stderr.contains(words) && stderr.contains("bad.toml"), "{stderr}");
    }
    // Staffing by interval says the covering shifts take the department's
    // shrinkage instead.
    let text = std::fs::read_to_string(day()).unwrap().replace(
        "{ start = 420.0, length = 720.0, staff = 10 }",
        "{ start = 420.0, length = 720.0, staff = 10, shrinkage = 0.3 }",
    );
    assert!(text.contains("shrinkage = 0.3"));
    sandbox.write("day.toml", &text);
    let stdout = by_interval(&sandbox, ("day.toml", "wait_prob<=0.2"), &[], ("plan", true)).success();
    assert!(stdout.contains("\"Help Desk\": the covering shifts take the department's shrinkage (0%)"), "{stdout}");
}
