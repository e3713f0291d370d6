//! `orgsim studio`: its HTTP API on a free port (the same answers as the
//! command line, refusals of bad values, foreign hosts and origins, big
//! bodies; cancelled jobs), and the page in headless Chromium driven by
//! Playwright (`tests/e2e/studio.mjs`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{SMALL, Sandbox, csv_rows};

/// A running studio, stopped when dropped.
pub struct Studio {
    child: Child,
    pub address: String,
}

impl Drop for Studio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(sandbox: &Sandbox, args: &[&str]) -> Studio {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .arg("studio")
        .args(args)
        .args(["--no-open", "--port", "0"])
        .current_dir(sandbox.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start orgsim studio");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_string();
    Studio { child, address }
}

/// One request with `Connection: close`; the status and the body (a
/// chunked body joined).
pub fn http(studio: &Studio, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(&studio.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(name, _)| *name == "Host") {
        head.push_str(&format!("Host: {}\r\n", studio.address));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let mut buffer = [0u8; 65536];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buffer[..n]),
            Err(e) => panic!("{method} {path}: {e}"),
        }
        // A chunked body ends with its last chunk.
        if raw.ends_with(b"\r\n0\r\n\r\n") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let mut joined = String::new();
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            joined.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
        joined
    } else {
        body.to_string()
    };
    (status, body)
}

fn post(studio: &Studio, path: &str, body: &str) -> (u16, String) {
    http(studio, "POST", path, &[("Content-Type", "application/json")], body.as_bytes())
}

fn job_id(body: &str) -> u64 {
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    json["id"].as_u64().unwrap_or_else(|| panic!("{body}"))
}

/// The job's events until it ends: (event, data) pairs.
fn events(studio: &Studio, id: u64) -> Vec<(String, String)> {
    let (status, body) = http(studio, "GET", &format!("/api/jobs/{id}/events"), &[], b"");
    assert_eq!(status, 200, "{body}");
    body.split("\n\n")
        .filter_map(|block| {
            let event = block.lines().find_map(|l| l.strip_prefix("event: "))?;
            let data = block.lines().find_map(|l| l.strip_prefix("data: "))?;
            Some((event.to_string(), data.to_string()))
        })
        .collect()
}

#[test]
fn the_api_answers_as_the_command_line_does() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    let studio = start(&sandbox, &["small.toml"]);
    let (status, body) = http(&studio, "GET", "/api/scenario", &[], b"");
    assert_eq!(status, 200);
    let scenario: serde_json::Value = serde_json::from_str(&body).unwrap();
    let staff = scenario["controls"].as_array().unwrap().iter().find(|c| c["path"] == "department.IT.staff").unwrap();
    assert_eq!(
        (staff["value"].as_f64(), staff["low"].as_f64(), staff["whole"].as_bool()),
        (Some(2.0), Some(1.0), Some(true))
    );
    let (status, body) = post(&studio, "/api/compare", r#"{"set": {"department.IT.staff": 3}, "replications": 6}"#);
    assert_eq!(status, 202, "{body}");
    let id = job_id(&body);
    let stream = events(&studio, id);
    assert_eq!(stream.last().map(|e| e.0.as_str()), Some("result"), "{stream:?}");
    assert!(stream[..stream.len() - 1].iter().all(|e| e.0 == "progress"), "{stream:?}");
    let (status, csv) = http(&studio, "GET", &format!("/api/jobs/{id}/compare.csv"), &[], b"");
    assert_eq!(status, 200);
    sandbox
        .run(&[
            "compare",
            "small.toml",
            "--variant-set",
            "department.IT.staff=3",
            "--replications",
            "6",
            "--out",
            "cli",
            "--quiet",
        ])
        .success();
    assert_eq!(csv, std::fs::read_to_string(sandbox.path("cli/compare.csv")).unwrap(), "compare.csv differs");
    // A client that comes after the end gets the result at once.
    let again = events(&studio, id);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0, "result");
    // The variant as TOML, which validate accepts.
    let (status, toml) = post(&studio, "/api/export", r#"{"set": {"department.IT.staff": 3}}"#);
    assert_eq!(status, 200);
    sandbox.write("variant.toml", &toml);
    sandbox.run(&["validate", "variant.toml"]).success();
    assert!(toml.contains("staff = 3"), "{toml}");
}

#[test]
fn the_api_refuses_what_the_command_line_refuses_and_what_is_not_its_own() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    let studio = start(&sandbox, &["small.toml"]);
    // A bad value: 400 with the command line's message.
    let (status, body) = post(&studio, "/api/compare", r#"{"set": {"department.IT.staff": 0}}"#);
    assert_eq!(status, 400, "{body}");
    let stderr = sandbox.run(&["compare", "small.toml", "--variant-set", "department.IT.staff=0"]).failure();
    let message: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(message["error"].as_str().unwrap(), stderr.trim().trim_start_matches("error: "));
    for (request, words) in [
        (r#"{"set": {"department.ITT.staff": 3}}"#, "no department is named \"ITT\""),
        (r#"{"set": {"department.IT.staff": [1]}}"#, "give a number, true or false, or a string"),
        (r#"{"replications": 0}"#, "`replications` must be a whole number from 1 to 1000"),
        (r#"{"seed": -1}"#, "`seed` must be a whole number"),
        ("not json", "not JSON"),
    ] {
        let (status, body) = post(&studio, "/api/compare", request);
        assert_eq!(status, 400, "{request}: {body}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(error["error"].as_str().unwrap().contains(words), "{request}: {body}");
    }
    // Another host (DNS rebinding), another origin, a big body.
    let (status, _) = http(&studio, "GET", "/api/scenario", &[("Host", "evil.example:80")], b"");
    assert_eq!(status, 403);
    let (status, _) = http(
        &studio,
        "POST",
        "/api/compare",
        &[("Origin", "http://evil.example"), ("Content-Type", "application/json")],
        b"{}",
    );
    assert_eq!(status, 403);
    let big = vec![b'a'; 2 << 20];
    let (status, _) = http(&studio, "POST", "/api/compare", &[], &big);
    assert_eq!(status, 413);
    let (status, _) = http(&studio, "GET", "/api/jobs/99/events", &[], b"");
    assert_eq!(status, 404);
}

#[test]
fn a_cancelled_job_stops_and_a_third_job_cancels_the_oldest() {
    let sandbox = Sandbox::new();
    let studio = start(&sandbox, &[]);
    let long = r#"{"set": {"department.IT.staff": 6}, "replications": 1000}"#;
    let (_, body) = post(&studio, "/api/compare", long);
    let first = job_id(&body);
    let (status, _) = http(&studio, "DELETE", &format!("/api/jobs/{first}"), &[], b"");
    assert_eq!(status, 200);
    let started = Instant::now();
    let ended = events(&studio, first);
    assert_eq!(ended.last().map(|e| e.0.as_str()), Some("cancelled"), "{ended:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
    let ids: Vec<u64> = (0..3).map(|_| job_id(&post(&studio, "/api/compare", long).1)).collect();
    assert_eq!(events(&studio, ids[0]).last().map(|e| e.0.clone()), Some("cancelled".to_string()));
    for id in &ids[1..] {
        http(&studio, "DELETE", &format!("/api/jobs/{id}"), &[], b"");
    }
}

/// Whether the browser tests can run here: node, Chromium and
/// `tests/e2e/node_modules` (`npm ci` in tests/e2e). Under CI they must.
pub fn browser_ready() -> bool {
    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e");
    let ready = e2e.join("node_modules/playwright-core").is_dir()
        && Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
        && Path::new("/usr/bin/chromium").exists();
    if !ready {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install nodejs and chromium and run `npm ci` in tests/e2e (see .ci/run)"
        );
        eprintln!("skipped: no node, chromium or tests/e2e/node_modules");
    }
    ready
}

/// Runs the browser script `tests/e2e/<script>` on the studio's page (its
/// screenshots go to the sandbox) and reads the JSON document it prints.
pub fn browse(sandbox: &Sandbox, studio: &Studio, script: &str) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e").join(script);
    let output = Command::new("node")
        .arg(&script)
        .arg(format!("http://{}/", studio.address))
        .arg(sandbox.dir.path())
        .output()
        .expect("run node");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_page_changes_a_team_and_shows_the_chain_the_command_line_computes() {
    if !browser_ready() {
        return;
    }
    let sandbox = Sandbox::new();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let studio = start(&sandbox, &[base.to_str().unwrap()]);
    let found = browse(&sandbox, &studio, "studio.mjs");
    eprintln!("studio timings: {} ms at 20 replications, {} ms at 200", found["result_ms"], found["result_200_ms"]);
    assert_eq!(found["opened"], true, "clicking IT opens its controls");
    // The chain on the page is the command line's chain.csv.
    sandbox
        .run(&["compare", base.to_str().unwrap(), "--variant-set", "department.IT.staff=4", "--out", "cli", "--quiet"])
        .success();
    let rows = csv_rows(&sandbox.path("cli"), "chain.csv");
    let chain = found["chain"].as_array().unwrap();
    assert_eq!(chain.len(), rows.len(), "{found}");
    for (link, row) in chain.iter().zip(&rows) {
        assert_eq!(link["metric"], row["metric"].as_str());
        let unit = orgsim::experiment::catalogue::describe(&row["metric"]).unit;
        let diff: f64 = row["diff"].parse().unwrap();
        let shown = link["change"].as_str().unwrap();
        assert!(shown.starts_with(&unit.format_change(diff, "minute")), "{shown} against {diff}");
    }
    assert!(found["error"].as_str().unwrap().contains("at most 1"), "{found}");
    // The story's marks are story.csv's from the command line.
    let story = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/it-understaffed.toml");
    sandbox.run(&["run", story.to_str().unwrap(), "--out", "story", "--no-plots", "--quiet"]).success();
    let expected = csv_rows(&sandbox.path("story"), "story.csv");
    let shown = found["story"].as_array().unwrap();
    assert_eq!(shown.len(), expected.len(), "{found}");
    for (row, csv) in shown.iter().zip(&expected) {
        assert_eq!(
            (row["metric"].as_str(), row["borne_out"].as_str()),
            (Some(csv["metric"].as_str()), Some(csv["borne_out"].as_str()))
        );
    }
    assert_eq!(found["story_look_for"], 3);
    // The saved variant is a valid scenario, and `orgsim compare` with it
    // gives the page's chain at 200 replications.
    let saved = found["saved"].as_str().unwrap();
    sandbox.run(&["validate", saved]).success();
    sandbox
        .run(&[
            "compare",
            base.to_str().unwrap(),
            saved,
            "--replications",
            "200",
            "--out",
            "saved",
            "--quiet",
            "--no-plots",
        ])
        .success();
    let rows = csv_rows(&sandbox.path("saved"), "chain.csv");
    let chain = found["chain_200"].as_array().unwrap();
    assert_eq!(chain.len(), rows.len(), "{found}");
    for (link, row) in chain.iter().zip(&rows) {
        let unit = orgsim::experiment::catalogue::describe(&row["metric"]).unit;
        let diff: f64 = row["diff"].parse().unwrap();
        assert!(
            link["change"].as_str().unwrap().starts_with(&unit.format_change(diff, "minute")),
            "{link} against {diff}"
        );
    }
    assert!(sandbox.path("studio-result.png").is_file());
}

#[test]
fn a_story_from_the_page_is_judged_as_the_command_line_judges_it() {
    let sandbox = Sandbox::new();
    let studio = start(&sandbox, &[]);
    let (status, body) = http(&studio, "GET", "/api/stories", &[], b"");
    assert_eq!(status, 200);
    let listed: serde_json::Value = serde_json::from_str(&body).unwrap();
    let files: Vec<&str> = listed["stories"].as_array().unwrap().iter().map(|s| s["file"].as_str().unwrap()).collect();
    for file in ["it-understaffed.toml", "silos.toml", "collaboration.toml", "recognition.toml", "classroom.toml"] {
        assert!(files.contains(&file), "{file} not in {files:?}");
    }
    let (status, body) = post(&studio, "/api/story", r#"{"story": "classroom.toml"}"#);
    assert_eq!(status, 202, "{body}");
    let id = job_id(&body);
    assert_eq!(events(&studio, id).last().map(|e| e.0.clone()), Some("result".to_string()));
    let (_, csv) = http(&studio, "GET", &format!("/api/jobs/{id}/story.csv"), &[], b"");
    let story = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classroom.toml");
    sandbox.run(&["run", story.to_str().unwrap(), "--out", "cli", "--no-plots", "--quiet"]).success();
    assert_eq!(csv, std::fs::read_to_string(sandbox.path("cli/story.csv")).unwrap());
    for (request, words) in [
        (r#"{"story": "nope.toml"}"#, "no shipped story"),
        (r#"{"story": "classroom.toml", "set": {"department.Help Desk.staff": 0}}"#, "must be a whole number ≥ 1"),
        (r#"{"story": "classroom.toml", "replications": 5000}"#, "`replications` must be"),
    ] {
        let (status, body) = post(&studio, "/api/story", request);
        assert_eq!(status, 400, "{request}: {body}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(error["error"].as_str().unwrap().contains(words), "{request}: {body}");
    }
}

#[test]
fn bad_studio_flags_are_refused_before_anything_listens() {
    let sandbox = Sandbox::new();
    for (args, words) in [
        (&["studio", "--no-open", "--port", "70000"][..], "70000"),
        (&["studio", "--no-open", "--allow-host", "bad host"][..], "give a host name of letters, digits"),
        (&["studio", "--no-open", "--host", "not-an-address"][..], "not-an-address"),
        (&["studio", "--no-open", "--set", "department.IT.staff=0"][..], "must be a whole number ≥ 1"),
        (&["studio", "--no-open", "missing.toml"][..], "missing.toml"),
    ] {
        let outcome = sandbox.run(args);
        assert_eq!(outcome.output.status.code(), Some(2), "{args:?}");
        let stderr = outcome.stderr();
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(outcome.stdout().is_empty(), "{args:?}: nothing listens");
    }
}
