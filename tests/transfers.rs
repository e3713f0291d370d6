//! Transfers (Markov routing): the checks, the network rules they join,
//! sweeps by name, and where they show.

use crate::util::{Sandbox, csv_rows, scenario};

/// First line → second line → third line; `first` and `second` are the
/// transfer lists of the first two.
fn lines(first: &str, second: &str) -> String {
    format!(
        r#"name = "lines"
horizon = 3000.0
warmup = 300.0
replications = 4
seed = 3
[customers]
arrival_rate = 0.5
[[department]]
name = "First"
front_line = true
staff = 2
service = {{ dist = "exponential", mean = 1.0 }}
transfers = {first}
[[department]]
name = "Second"
staff = 2
service = {{ dist = "exponential", mean = 2.0 }}
transfers = {second}
[[department]]
name = "Third"
staff = 2
service = {{ dist = "exponential", mean = 2.0 }}
[behavior]
enabled = false
"#
    )
}

const TO_SECOND: &str = r#"[ { dept = "Second", probability = 0.6 } ]"#;
const TO_THIRD: &str = r#"[ { dept = "Third", probability = 0.5 } ]"#;

#[test]
fn bad_transfers_are_refused_with_the_field_and_what_is_valid() {
    let sandbox = Sandbox::new();
    let cases: [(&str, String, &str); 7] = [
        ("unknown", lines(r#"[ { dept = "Fourth", probability = 0.5 } ]"#, "[]"), "no department is named \"Fourth\""),
        (
            "twice",
            lines(r#"[ { dept = "Second", probability = 0.2 }, { dept = "Second", probability = 0.3 } ]"#, "[]"),
            "appears twice",
        ),
        ("negative", lines(r#"[ { dept = "Second", probability = -0.1 } ]"#, "[]"), "transfers[0].probability"),
        ("above", lines(r#"[ { dept = "Second", probability = 1.5 } ]"#, "[]"), "transfers[0].probability"),
        (
            "sum",
            lines(r#"[ { dept = "Second", probability = 0.7 }, { dept = "Third", probability = 0.4 } ]"#, "[]"),
            "add up to 1.1",
        ),
        // Work passed back and forth for ever: the expected visits diverge.
        (
            "loop",
            lines(r#"[ { dept = "Second", probability = 1.0 } ]"#, r#"[ { dept = "First", probability = 1.0 } ]"#),
            "First → Second",
        ),
        ("field", lines(r#"[ { dept = "Second", chance = 0.5 } ]"#, "[]"), "chance"),
    ];
    for (name, text, expected) in cases {
        sandbox.write(&format!("{name}.toml"), &text);
        let stderr = sandbox.run(&["validate", &format!("{name}.toml")]).failure();
        assert!(stderr.contains(&format!("{name}.toml")) && stderr.contains(expected), "{name}: {stderr}");
    }
    // A hold whose request can be transferred back to the holder could
    // deadlock: the hold lies on a loop.
    let hold = lines(TO_SECOND, r#"[ { dept = "First", probability = 0.2 } ]"#).replace(
        "transfers = [ { dept = \"Second\", probability = 0.6 } ]",
        "needs = [ { dept = \"Second\", probability = 0.5, mode = \"hold\" } ]",
    );
    sandbox.write("hold.toml", &hold);
    let stderr = sandbox.run(&["validate", "hold.toml"]).failure();
    assert!(stderr.contains("mode = \"hold\"") && stderr.contains("loop"), "{stderr}");
}

#[test]
fn transfers_show_in_validate_and_links_and_sweep_by_name() {
    let sandbox = Sandbox::new();
    sandbox.write("lines.toml", &lines(TO_SECOND, TO_THIRD));
    let stdout = sandbox.run(&["validate", "lines.toml"]).success();
    assert!(
        stdout.contains("→ \"Second\" 60% (transfer)") && stdout.contains("→ \"Third\" 50% (transfer)"),
        "{stdout}"
    );
    sandbox.run(&["run", "lines.toml", "--out", "run", "--quiet", "--no-plots"]).success();
    let links = csv_rows(&sandbox.path("run"), "links.csv");
    let moved = |from: &str| links.iter().find(|l| l["from"] == from && l["mode"] == "transfer").unwrap();
    // 0.5 customers a minute over 2,700 minutes: 60% move on (a Poisson
    // count with mean 810 per replication), then half of those; means over
    // 4 replications, each within four standard errors.
    let first: f64 = moved("First")["requests_mean"].parse().unwrap();
    let second: f64 = moved("Second")["requests_mean"].parse().unwrap();
    let replications = 4.0;
    let expected_first = 0.6 * 1350.0;
    assert!((first - expected_first).abs() < 4.0 * (expected_first / replications).sqrt(), "{first}");
    let share = second / first;
    assert!((share - 0.5).abs() < 4.0 * (0.25 / (first * replications)).sqrt(), "{first} {second}");
    assert_eq!(moved("First")["delay_mean"], "", "a transfer has no reply");
    let base = scenario(&lines(TO_SECOND, TO_THIRD));
    let path = "department.First.transfers.Second.probability";
    let edited = orgsim::scenario::edit::set(&base.resolved, path, &toml::Value::Float(0.3)).unwrap();
    assert_eq!(edited.departments[0].transfers[0].probability, 0.3);
    let error = orgsim::scenario::edit::set(
        &base.resolved,
        "department.First.transfers.Third.probability",
        &toml::Value::Float(0.3),
    )
    .unwrap_err();
    assert!(error.message.contains("no transfer to \"Third\""), "{error}");
}
