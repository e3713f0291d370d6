//! `orgsim run --events`: replication 0 as an event log.

use std::collections::HashMap;

use crate::util::{Sandbox, csv_rows};

/// A front line that holds every case for IT's reply, and hands a third of
/// them to Billing; customers may give up.
const HOLDING: &str = r#"name = "log"
time_unit = "minute"
horizon = 600.0
warmup = 0.0
replications = 1
seed = 4
[customers]
arrival_rate = 1.0
patience = { dist = "exponential", mean = 2.0 }
[[department]]
name = "Front"
front_line = true
staff = 3
service = { dist = "exponential", mean = 1.0 }
needs = [ { dept = "IT", probability = 1.0, mode = "hold" }, { dept = "Billing", probability = 0.3, mode = "handoff" } ]
[[department]]
name = "IT"
staff = 2
service = { dist = "exponential", mean = 0.5 }
[[department]]
name = "Billing"
staff = 1
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#;

fn seconds(stamp: &str) -> f64 {
    let instant: jiff::Timestamp = stamp.parse().unwrap_or_else(|e| panic!("{stamp}: {e}"));
    instant.as_millisecond() as f64 / 1000.0
}

#[test]
fn the_event_log_pairs_starts_and_completes_and_keeps_holds_inside() {
    let sandbox = Sandbox::new();
    sandbox.write("log.toml", HOLDING);
    sandbox.run(&["run", "log.toml", "--out", "run", "--quiet", "--no-plots", "--events", "events.csv"]).success();
    let text = std::fs::read_to_string(sandbox.path("events.csv")).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "case:concept:name,concept:name,org:group,lifecycle:transition,time:timestamp,request_id,parent_id,outcome"
    );
    let rows = csv_rows(&sandbox.path("."), "events.csv");
    // Each piece of work's visits: start then complete, in time order.
    let mut visits: HashMap<String, Vec<(f64, f64)>> = HashMap::new();
    let mut open: HashMap<String, f64> = HashMap::new();
    let origin = seconds("2024-01-01T00:00:00Z");
    for row in &rows {
        let time = (seconds(&row["time:timestamp"]) - origin) / 60.0;
        let id = row["request_id"].clone();
        match row["lifecycle:transition"].as_str() {
            "start" => assert!(open.insert(id, time).is_none(), "two starts without a complete: {row:?}"),
            "complete" => {
                let start = open.remove(&id).unwrap_or_else(|| panic!("a complete without a start: {row:?}"));
                assert!(time >= start, "{row:?}");
                visits.entry(row["request_id"].clone()).or_default().push((start, time));
            }
            "withdraw" => assert_eq!(row["outcome"], "abandoned", "{row:?}"),
            "schedule" => assert!(!open.contains_key(&id), "queued while in service: {row:?}"),
            other => panic!("unexpected transition {other}"),
        }
    }
    // An IT request lies inside its holder's visit at the front line.
    let mut held = 0;
    for row in rows.iter().filter(|r| r["org:group"] == "IT" && r["lifecycle:transition"] == "complete") {
        let parent = &row["parent_id"];
        let (start, end) = visits[&row["request_id"]][0];
        let holder = visits.get(parent).map(Vec::as_slice).unwrap_or(&[]);
        assert!(
            holder.iter().any(|&(from, to)| from <= start && end <= to + 1e-6),
            "IT request {} ({start}–{end}) outside its holder's visits {holder:?}",
            row["request_id"]
        );
        held += 1;
    }
    assert!(held > 300, "{held}");
    // A case's outcome: served (it completed), abandoned, or empty (open at
    // the horizon) on every one of its rows.
    let mut outcomes: HashMap<&str, &str> = HashMap::new();
    for row in &rows {
        let previous = outcomes.insert(&row["case:concept:name"], &row["outcome"]);
        assert!(previous.is_none_or(|p| p == row["outcome"]), "{row:?}");
    }
    let abandoned = outcomes.values().filter(|o| **o == "abandoned").count();
    let served = outcomes.values().filter(|o| **o == "served").count();
    assert!(abandoned > 0 && served > 10 * abandoned, "{served} {abandoned}");
}

#[test]
fn bad_event_log_requests_are_refused_before_anything_runs() {
    let sandbox = Sandbox::new();
    sandbox.write("log.toml", HOLDING);
    sandbox.write("shifts.toml", &HOLDING.replace("time_unit = \"minute\"", "time_unit = \"shift\""));
    sandbox.write("long.toml", &HOLDING.replace("horizon = 600.0", "horizon = 1e12"));
    let cases: [(&[&str], &str); 3] = [
        (&["run", "shifts.toml", "--events", "e.csv"], "time_unit to be second, minute, hour or day"),
        (&["run", "log.toml", "--events", "e.csv", "--events-start", "yesterday"], "not an RFC 3339 instant"),
        (&["run", "long.toml", "--events", "e.csv", "--allow-large"], "runs past the last instant"),
    ];
    for (args, expected) in cases {
        let mut all = args.to_vec();
        all.extend(["--out", "never", "--quiet"]);
        let stderr = sandbox.run(&all).failure();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!sandbox.path("never").exists() && !sandbox.path("e.csv").exists(), "{args:?}: nothing written");
    }
    // The start instant moves every timestamp.
    sandbox
        .run(&[
            "run",
            "log.toml",
            "--out",
            "run",
            "--quiet",
            "--no-plots",
            "--events",
            "e.csv",
            "--events-start",
            "2025-03-03T08:00:00Z",
        ])
        .success();
    let rows = csv_rows(&sandbox.path("."), "e.csv");
    assert!(rows.iter().all(|r| r["time:timestamp"].starts_with("2025-03-03T")), "{:?}", rows[0]);
}
