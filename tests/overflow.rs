//! Overflow between teams (multi-skill pooling) against queueing theory:
//! two identical M/M/3 teams that take each other's waiting work at once
//! are one M/M/6 (the system is work-conserving with identical servers);
//! with an `after` longer than any wait they are two M/M/3 teams; one-way
//! overflow lies between. Also: the variant without overflow is paired
//! with it draw for draw, the checks refuse what cannot work, and the
//! overflowed work keeps its own department's needs.

use orgsim::experiment::{self, RunResults};
use orgsim::theory;

use crate::util::{Sandbox, assert_covers, bonferroni, department_values, scenario, values};

/// Customers a minute at each team, exponential one-minute services.
const RATE: f64 = 2.4;

/// Two teams of 3, customers split evenly; `a` and `b` are each team's
/// extra lines (its overflow).
fn two_teams(a: &str, b: &str, replications: u32) -> String {
    format!(
        r#"
name = "pool"
horizon = 20000.0
warmup = 2000.0
replications = {replications}
seed = 17
[customers]
arrival_rate = {total:?}
entry = {{ "A" = 0.5, "B" = 0.5 }}
[[department]]
name = "A"
front_line = true
staff = 3
service = {{ dist = "exponential", mean = 1.0 }}
{a}
[[department]]
name = "B"
front_line = true
staff = 3
service = {{ dist = "exponential", mean = 1.0 }}
{b}
[behavior]
enabled = false
"#,
        total = 2.0 * RATE
    )
}

fn run(a: &str, b: &str) -> RunResults {
    experiment::run(scenario(&two_teams(a, b, 30)))
}

#[test]
fn two_teams_pooled_at_once_are_one_team_of_six_and_never_pooled_are_two_of_three() {
    let checks = 5;
    let (pooled_probability, pooled_wait) = theory::mmc_wait(6, 2.0 * RATE, 1.0).unwrap();
    let (separate_probability, separate_wait) = theory::mmc_wait(3, RATE, 1.0).unwrap();
    let pooled = run("overflow = [ { dept = \"B\", after = 0.0 } ]", "overflow = [ { dept = \"A\", after = 0.0 } ]");
    assert_covers(bonferroni(&values(&pooled, "ext_wait_mean"), checks), pooled_wait, "both ways at once: M/M/6 E[W]");
    assert_covers(
        bonferroni(&values(&pooled, "ext_wait_prob"), checks),
        pooled_probability,
        "both ways at once: M/M/6 P(wait)",
    );
    assert!(department_values(&pooled, "A", "overflow_served").iter().all(|&n| n > 100.0));
    let never = run("overflow = [ { dept = \"B\", after = 1e9 } ]", "overflow = [ { dept = \"A\", after = 1e9 } ]");
    assert_covers(bonferroni(&values(&never, "ext_wait_mean"), checks), separate_wait, "never: M/M/3 E[W]");
    assert_covers(bonferroni(&values(&never, "ext_wait_prob"), checks), separate_probability, "never: M/M/3 P(wait)");
    assert!(department_values(&never, "A", "overflow_served").iter().all(|&n| n == 0.0));
    // One way: between the two.
    let one_way = run("overflow = [ { dept = \"B\", after = 0.0 } ]", "");
    let between = bonferroni(&values(&one_way, "ext_wait_mean"), checks);
    assert!(
        between.low > pooled_wait && between.high < separate_wait,
        "one way: [{}, {}] not between {pooled_wait} and {separate_wait}",
        between.low,
        between.high
    );
}

#[test]
fn overflow_that_never_happens_leaves_every_draw_as_it_was() {
    // Common random numbers: the helpers draw from the home team's stream,
    // and an overflow that never fires changes nothing.
    let without = run("", "");
    let never = run("overflow = [ { dept = \"B\", after = 1e9 } ]", "overflow = [ { dept = \"A\", after = 1e9 } ]");
    for metric in ["ext_wait_mean", "ext_served", "ext_resolution_mean"] {
        assert_eq!(values(&without, metric), values(&never, metric), "{metric}");
    }
}

#[test]
fn overflowed_work_keeps_its_own_needs_and_the_helpers_service_factor() {
    // A (1 person) overflows at once to B (2 people, twice as slow on A's
    // work); A's work always needs C (a handoff), B's never does.
    let text = r#"
name = "needs"
horizon = 20000.0
warmup = 2000.0
replications = 10
seed = 5
[customers]
arrival_rate = 1.2
[[department]]
name = "A"
front_line = true
staff = 1
service = { dist = "exponential", mean = 1.0 }
needs = [ { dept = "C", probability = 1.0, mode = "handoff" } ]
overflow = [ { dept = "B", after = 0.0, service_factor = 2.0 } ]
[[department]]
name = "B"
staff = 2
service = { dist = "exponential", mean = 5.0 }
[[department]]
name = "C"
staff = 3
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#;
    let results = experiment::run(scenario(text));
    let served_by_b = department_values(&results, "B", "overflow_served");
    assert_eq!(served_by_b, department_values(&results, "A", "overflow_sent"));
    assert!(served_by_b.iter().all(|&n| n > 1000.0), "{served_by_b:?}");
    // Every piece of A's work asks C, wherever it was served; B asks no one.
    assert_eq!(
        department_values(&results, "A", "requests_sent"),
        department_values(&results, "C", "requests_received")
    );
    assert!(department_values(&results, "B", "requests_sent").iter().all(|&n| n == 0.0));
    // B only ever works on A's work, at twice A's one minute: its busy
    // time per piece served is 2 (its own mean of 5 never applies).
    let busy = department_values(&results, "B", "busy_mean");
    let window = 18_000.0;
    let per_piece: Vec<f64> = busy.iter().zip(&served_by_b).map(|(b, n)| b * window / n).collect();
    assert_covers(bonferroni(&per_piece, 1), 2.0, "B's time on A's work");
}

#[test]
fn bad_overflow_is_refused_naming_the_field() {
    let sandbox = Sandbox::new();
    let cases = [
        ("overflow = [ { dept = \"A\", after = 0.0 } ]", "cannot overflow to itself"),
        ("overflow = [ { dept = \"Z\", after = 0.0 } ]", "no department is named \"Z\""),
        ("overflow = [ { dept = \"B\", after = -1.0 } ]", "overflow[0].after"),
        ("overflow = [ { dept = \"B\", after = 0.0, service_factor = 0.0 } ]", "overflow[0].service_factor"),
        ("overflow = [ { dept = \"B\", after = 1.0 }, { dept = \"B\", after = 2.0 } ]", "appears twice"),
        ("overflow = [ { dept = \"B\" } ]", "after"),
        ("overflow = [ { dept = \"B\", after = 0.0, wait = 1.0 } ]", "unknown field `wait`"),
    ];
    for (line, words) in cases {
        sandbox.write("bad.toml", &two_teams(line, "", 2));
        let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
        assert!(stderr.contains(words) && stderr.contains("bad.toml"), "{line}: {stderr}");
    }
    // To an unlimited department.
    let unlimited = two_teams("overflow = [ { dept = \"B\", after = 0.0 } ]", "", 2).replace(
        "name = \"B\"\nfront_line = true\nstaff = 3",
        "name = \"B\"\nfront_line = true\nstaff = \"unlimited\"",
    );
    sandbox.write("bad.toml", &unlimited);
    let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
    assert!(stderr.contains("unlimited staff"), "{stderr}");
}

#[test]
fn overflow_that_could_deadlock_a_hold_loop_is_refused() {
    // A holds for C and C holds for B; if A's work overflows to B, B's
    // people may all hold A's work waiting for C while C waits for B.
    let text = |overflow: &str| {
        format!(
            r#"
name = "loop"
horizon = 100.0
[customers]
arrival_rate = 1.0
[[department]]
name = "A"
front_line = true
staff = 2
service = {{ dist = "exponential", mean = 1.0 }}
needs = [ {{ dept = "C", probability = 0.5, mode = "hold" }} ]
{overflow}
[[department]]
name = "B"
staff = 2
service = {{ dist = "exponential", mean = 1.0 }}
[[department]]
name = "C"
staff = 2
service = {{ dist = "exponential", mean = 1.0 }}
needs = [ {{ dept = "B", probability = 0.5, mode = "hold" }} ]
[behavior]
enabled = false
"#
        )
    };
    let sandbox = Sandbox::new();
    sandbox.write("fine.toml", &text(""));
    sandbox.run(&["validate", "fine.toml"]).success();
    sandbox.write("loop.toml", &text("overflow = [ { dept = \"B\", after = 1.0 } ]"));
    let stderr = sandbox.run(&["validate", "loop.toml"]).failure();
    assert!(stderr.contains("overflow[0].dept") && stderr.contains("deadlock"), "{stderr}");
    // The same overflow with A's need a handoff is fine.
    let handoff = text("overflow = [ { dept = \"B\", after = 1.0 } ]").replacen(
        "probability = 0.5, mode = \"hold\"",
        "probability = 0.5, mode = \"handoff\"",
        1,
    );
    sandbox.write("handoff.toml", &handoff);
    sandbox.run(&["validate", "handoff.toml"]).success();
}

#[test]
fn overflow_shows_in_links_departments_validate_and_sweeps() {
    let sandbox = Sandbox::new();
    let text = two_teams("overflow = [ { dept = \"B\", after = 0.5 } ]", "", 4)
        + "\n[sweep]\n\"department.A.overflow.0.after\" = [0.0, 2.0, 1000.0]\n";
    sandbox.write("pool.toml", &text);
    let validated = sandbox.run(&["validate", "pool.toml"]).success();
    assert!(validated.contains("⇢ \"B\" after 30 s (overflow, ×1)"), "{validated}");
    assert!(validated.contains("A + B: offered load 4.8 on 6 staff, utilization 80.0%"), "{validated}");
    sandbox.run(&["run", "pool.toml", "--out", "run", "--no-plots", "--quiet"]).success();
    let links = crate::util::csv_rows(&sandbox.path("run"), "links.csv");
    assert_eq!(links.len(), 1);
    assert_eq!((links[0]["from"].as_str(), links[0]["to"].as_str(), links[0]["mode"].as_str()), ("A", "B", "overflow"));
    let departments = crate::util::csv_rows(&sandbox.path("run"), "departments.csv");
    for row in &departments {
        let (sent, served): (f64, f64) =
            (row["overflow_sent"].parse().unwrap(), row["overflow_served"].parse().unwrap());
        match row["department"].as_str() {
            "A" => assert!(sent > 0.0 && served == 0.0, "{row:?}"),
            _ => assert!(sent == 0.0 && served > 0.0, "{row:?}"),
        }
    }
    // Waits grow and help shrinks as Billing steps in later.
    sandbox.run(&["sweep", "pool.toml", "--out", "sweep", "--no-plots", "--quiet"]).success();
    let points = crate::util::csv_rows(&sandbox.path("sweep"), "sweep.csv");
    let column = |key: &str| -> Vec<f64> { points.iter().map(|p| p[key].parse().unwrap()).collect() };
    let waits = column("ext_wait_mean_mean");
    let helped = column("department.B.overflow_served_mean");
    assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");
    assert!(helped[0] > helped[1] && helped[1] > helped[2] && helped[2] == 0.0, "{helped:?}");
}
