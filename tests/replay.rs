//! The studio's replay (`GET /api/replay`): the trace of replication 0,
//! event for event, the same bytes twice, capped at a size said in the
//! document, refusals as the command line's; and the page playing it in
//! headless Chromium (`tests/e2e/replay.mjs`).

use std::path::Path;

use orgsim::studio::replay::{MOST_BYTES, MOST_EVENTS};
use serde_json::Value;

use crate::studio::{browse, browser_ready, http, start};
use crate::util::{SMALL, Sandbox};

/// One event of a trace: time, event, department, work, case (none for a
/// break).
type Step = (f64, String, String, Option<u64>, Option<u64>);

/// The replay's events as trace rows.
fn replay_steps(document: &Value) -> Vec<Step> {
    let kinds = document["kinds"].as_array().unwrap();
    let departments = document["departments"].as_array().unwrap();
    document["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let row = row.as_array().unwrap();
            (
                row[0].as_f64().unwrap(),
                kinds[row[1].as_u64().unwrap() as usize].as_str().unwrap().to_string(),
                departments[row[2].as_u64().unwrap() as usize]["name"].as_str().unwrap().to_string(),
                row[3].as_u64(),
                row[4].as_u64(),
            )
        })
        .collect()
}

/// The rows of a trace CSV written by `orgsim run --trace`.
fn trace_steps(path: &Path) -> Vec<Step> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].parse().unwrap(), r[1].to_string(), r[2].to_string(), r[3].parse().ok(), r[4].parse().ok())
        })
        .collect()
}

fn replay(studio: &crate::studio::Studio, query: &str) -> (u16, String) {
    http(studio, "GET", &format!("/api/replay{query}"), &[], b"")
}

#[test]
fn the_replay_is_the_trace_of_replication_zero_and_the_same_bytes_twice() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    let first = start(&sandbox, &["small.toml"]);
    let second = start(&sandbox, &["small.toml"]);
    let (status, body) = replay(&first, "");
    assert_eq!(status, 200, "{body}");
    // Computed anew by another studio: the same bytes.
    assert_eq!(replay(&second, "").1, body);
    let document: Value = serde_json::from_str(&body).unwrap();
    assert!(document["capped"].is_null(), "{}", &body[..400]);
    assert_eq!(document["end"], document["horizon"]);
    sandbox.run(&["run", "small.toml", "--trace", "trace.csv", "--out", "base", "--no-plots", "--quiet"]).success();
    let trace = trace_steps(&sandbox.path("trace.csv"));
    assert!(trace.len() > 5_000, "{}", trace.len());
    assert_eq!(document["count"].as_u64(), Some(trace.len() as u64));
    assert_eq!(replay_steps(&document), trace);
    // A variant (and another seed): the command line's trace with --set.
    let (status, body) = replay(&first, "?set=department.IT.staff%3D3&set=customers.arrival_rate=1.2&seed=9");
    assert_eq!(status, 200, "{body}");
    sandbox
        .run(&[
            "run",
            "small.toml",
            "--set",
            "department.IT.staff=3",
            "--set",
            "customers.arrival_rate=1.2",
            "--seed",
            "9",
            "--trace",
            "variant.csv",
            "--out",
            "variant",
            "--no-plots",
            "--quiet",
        ])
        .success();
    let variant: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(variant["seed"], 9);
    assert_eq!(replay_steps(&variant), trace_steps(&sandbox.path("variant.csv")));
}

#[test]
fn the_replay_holds_the_breaks_of_the_trace() {
    let sandbox = Sandbox::new();
    let desk = busy_desk(2880.0).replace(
        "staff = 5\n",
        "shifts = [ { start = 0.0, length = 720.0, staff = 5, breaks = [ { after = 60.0, length = 30.0, window = 150.0 } ] },\n\
                   { start = 720.0, length = 720.0, staff = 5 } ]\n",
    );
    sandbox.write("desk.toml", &desk);
    let studio = start(&sandbox, &["desk.toml"]);
    let (status, body) = replay(&studio, "");
    assert_eq!(status, 200, "{body}");
    let steps = replay_steps(&serde_json::from_str(&body).unwrap());
    sandbox.run(&["run", "desk.toml", "--trace", "trace.csv", "--out", "desk", "--no-plots", "--quiet"]).success();
    assert_eq!(steps, trace_steps(&sandbox.path("trace.csv")));
    // Five people's breaks on each of two days, and each one's return.
    for kind in ["break", "back"] {
        let rows: Vec<&Step> = steps.iter().filter(|s| s.1 == kind).collect();
        assert_eq!(rows.len(), 10, "{kind}");
        assert!(rows.iter().all(|s| s.3.is_none() && s.4.is_none()));
    }
    // The page says who is on a break while it plays: from the first
    // break (at 01:00 or later) until the last one's return.
    if !browser_ready() {
        return;
    }
    let found = browse(&sandbox, &studio, "replay-breaks.mjs");
    let time = found["time"].as_f64().unwrap();
    let away = found["away"].as_u64().unwrap();
    assert!(time >= 60.0 && away >= 1, "{found}");
    assert!(found["label"].as_str().unwrap().ends_with(&format!("{away} on a break")), "{found}");
}

#[test]
fn the_replay_refuses_what_the_command_line_refuses() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    let studio = start(&sandbox, &["small.toml"]);
    // A bad value: the command line's message.
    let (status, body) = replay(&studio, "?set=department.IT.staff%3D0");
    assert_eq!(status, 400, "{body}");
    let stderr = sandbox.run(&["run", "small.toml", "--set", "department.IT.staff=0"]).failure();
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"].as_str().unwrap(), stderr.trim().trim_start_matches("error: "));
    for (query, words) in [
        ("?set=department.IT", "no `=`"),
        ("?seed=-1", "`seed` must be a whole number from 0"),
        ("?seed=x", "`seed` must be a whole number from 0"),
        ("?sed=1", "unknown parameter \\\"sed\\\""),
        ("?set=department.ITT.staff%3D2", "no department is named"),
    ] {
        let (status, body) = replay(&studio, query);
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.contains(words), "{query}: {body}");
    }
    // Oversized: the size estimate's message, as the command line gives it.
    let (status, body) = replay(&studio, "?set=sample_every%3D1e6&set=horizon%3D1e11&set=customers.arrival_rate%3D10");
    assert_eq!(status, 413, "{body}");
    let stderr = sandbox
        .run(&[
            "run",
            "small.toml",
            "--set",
            "sample_every=1e6",
            "--set",
            "horizon=1e11",
            "--set",
            "customers.arrival_rate=10",
            "--replications",
            "1",
        ])
        .failure();
    assert!(body.contains("hours of computing") && stderr.contains("hours of computing"), "{body}\n{stderr}");
    let estimate = |text: &str| text.split("about ").nth(1).and_then(|t| t.split(' ').next()).map(str::to_string);
    assert_eq!(estimate(&body), estimate(&stderr), "{body}\n{stderr}");
}

/// One desk of 5 taking 4 customers a minute, over `horizon` minutes.
fn busy_desk(horizon: f64) -> String {
    format!(
        "name = \"busy\"\nhorizon = {horizon:?}\nseed = 4\nreplications = 1\n\n[customers]\narrival_rate = 4.0\n\n\
         [[department]]\nname = \"Desk\"\nfront_line = true\nstaff = 5\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n\n\
         [behavior]\nenabled = false\n"
    )
}

#[test]
fn a_replay_too_long_for_the_cap_covers_the_first_part_and_says_so() {
    let sandbox = Sandbox::new();
    // About 5 events a customer: some 1.3 million events in all.
    sandbox.write("busy.toml", &busy_desk(66_000.0));
    let studio = start(&sandbox, &["busy.toml"]);
    let (status, body) = replay(&studio, "");
    assert_eq!(status, 200);
    assert!(body.len() <= MOST_BYTES, "{} bytes", body.len());
    let document: Value = serde_json::from_str(&body).unwrap();
    let capped = document["capped"].as_str().unwrap_or_else(|| panic!("{}", &body[..600]));
    assert!(capped.contains("1,000,000 events") && capped.contains("64 MiB"), "{capped}");
    let end = document["end"].as_f64().unwrap();
    assert!(end < 66_000.0 && capped.contains("of 45.83 days"), "{capped}");
    let steps = replay_steps(&document);
    assert!(steps.len() <= MOST_EVENTS && steps.len() > 100_000, "{}", steps.len());
    assert!(steps.last().unwrap().0 <= end);
    // The events it holds are the first ones of the whole run's trace.
    sandbox.run(&["run", "busy.toml", "--trace", "trace.csv", "--out", "busy", "--no-plots", "--quiet"]).success();
    let trace = trace_steps(&sandbox.path("trace.csv"));
    assert!(trace.len() > steps.len());
    assert_eq!(steps[..], trace[..steps.len()]);
    assert!(trace[steps.len()].0 >= end);
}

#[test]
fn the_page_plays_the_replay_and_follows_a_customer_through_the_trace() {
    if !browser_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let studio = start(&sandbox, &[]);
    let found = browse(&sandbox, &studio, "replay.mjs");
    eprintln!("replay: {found}");
    let time = |key: &str| found[key]["time"].as_f64().unwrap();
    assert!(time("playing") > time("first"), "the clock advances: {found}");
    assert_ne!(found["first"]["text"], found["playing"]["text"]);
    assert_eq!(time("paused"), time("paused_later"), "pause stops the clock: {found}");
    assert!(found["queue_states"].as_u64().unwrap() >= 2, "a queue length changes on screen: {found}");
    assert!(found["fps"].as_u64().unwrap() >= 20, "at least 20 frames a second: {found}");
    // The customer's steps are its case's rows of the trace of the same run.
    sandbox.run(&["run", "--trace", "trace.csv", "--out", "base", "--no-plots", "--quiet"]).success();
    let case = found["case"].as_u64().unwrap();
    assert_eq!(found["case_shown"].as_u64(), Some(case));
    let expected: Vec<Step> =
        trace_steps(&sandbox.path("trace.csv")).into_iter().filter(|step| step.4 == Some(case)).collect();
    let shown: Vec<Step> = found["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["time"].as_f64().unwrap(),
                s["event"].as_str().unwrap().to_string(),
                s["department"].as_str().unwrap().to_string(),
                s["work"].as_u64(),
                Some(case),
            )
        })
        .collect();
    assert!(shown.len() >= 3, "{found}");
    assert_eq!(shown, expected);
    assert!(sandbox.path("studio-replay.png").is_file());
}
