//! Fuzz test of everything that reads input: scenario parsing, checking,
//! the `[sweep]` count and points, and the size estimate; the CSV readers
//! of `orgsim report` and `orgsim merge`; and `orgsim fit`'s log readers
//! (CSV, status-history exports, XES, gzip) with the estimate after them.
//! Inputs are mutated from the shipped scenarios and example log, a
//! status-history export, an XES log and real output folders by a
//! fixed-seed mutator, so every run tries the same inputs.
//!
//! Every input must end in `Ok` or a clean error: a panic fails the test, a
//! case running longer than [`CASE_SECONDS`] aborts it (a watchdog thread
//! prints the input), and a counting allocator aborts it when one case
//! holds more than [`CASE_BYTES`] at once. This target is its own test
//! binary so that no other test's allocations are counted.
//!
//! `ORGSIM_FUZZ_CASES` sets the number of inputs (default 3,000; `.ci/run`
//! uses 100,000); one in ten goes to the CSV readers, one in twenty to
//! the log readers.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use orgsim::experiment::sweep::{count_points, plan_sweep};
use orgsim::model::size_estimate;
use orgsim::scenario::Scenario;

/// The most one case may hold at once beyond what was held before it.
const CASE_BYTES: usize = 256 << 20;
/// The longest one case may run.
const CASE_SECONDS: u64 = 10;
/// Sweeps with at most this many points are built point by point.
const BUILT_POINTS: u64 = 40;

struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static BASELINE: AtomicUsize = AtomicUsize::new(0);
static WATCHING: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        if WATCHING.load(Ordering::Relaxed) && held > BASELINE.load(Ordering::Relaxed) + CASE_BYTES {
            WATCHING.store(false, Ordering::Relaxed);
            eprintln!("fuzz: one case holds {held} bytes, more than {CASE_BYTES} beyond its start; input:");
            eprintln!("{}", CURRENT.lock().map(|c| c.clone()).unwrap_or_default());
            std::process::abort();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(pointer, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The input of the case now running, for the watchdog's report.
static CURRENT: Mutex<String> = Mutex::new(String::new());
/// When the case now running started, in milliseconds since the start.
static STARTED: AtomicU64 = AtomicU64::new(u64::MAX);

fn cases() -> usize {
    std::env::var("ORGSIM_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3_000)
}

/// Starts the watchdog: it aborts the process when a case runs too long.
fn watchdog(origin: Instant) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let started = STARTED.load(Ordering::Relaxed);
            let now = origin.elapsed().as_millis() as u64;
            if started != u64::MAX && now.saturating_sub(started) > CASE_SECONDS * 1000 {
                eprintln!("fuzz: a case ran longer than {CASE_SECONDS} s; input:");
                eprintln!("{}", CURRENT.lock().map(|c| c.clone()).unwrap_or_default());
                std::process::abort();
            }
        }
    });
}

const EXTREMES: [&str; 22] = [
    "0",
    "-1",
    "1",
    "2",
    "0.5",
    "1e-300",
    "1e300",
    "nan",
    "inf",
    "-inf",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "9223372036854775807",
    "1e12",
    "1000000",
    "1000001",
    "0.999",
    "1.0",
    "-0.0",
    "\"x\"",
    "[]",
];

const LINES: [&str; 32] = [
    "[[department]]\nname = \"Extra\"\nstaff = 2\ntraining = 0.1\nrecognition = 0.2\nservice = { dist = \"triangular\", min = 1.0, mode = 2.0, max = 4.0 }\nfollowup = { dist = \"uniform\", min = 0.5, max = 1.5 }",
    "[[department]]\nname = \"Asker\"\nstaff = 1\nservice = { dist = \"fixed\", value = 1.0 }\nneeds = [ { dept = \"Asker2\", probability = 0.5, mode = \"handoff\", expected_delay = 3.0, silo_delay = 1.0, silo_quality_loss = 0.1, collaboration = 0.5 } ]\n[[department]]\nname = \"Asker2\"\nstaff = 1\nservice = { dist = \"gamma\", mean = 1.0, cv = 0.5 }",
    "sample_every = 1e-300",
    "[behavior]\nupdate_interval = 1e-9",
    "[sweep]\n\"department.IT.staff\" = { from = 1, to = 9, steps = 1000000000000 }",
    "[sweep]\n\"customers.arrival_rate\" = { from = 0.1, to = 1e300, steps = 3 }",
    "[sweep]\n\"seed\" = [1, 2]",
    "[sweep]\ndesign = \"one-at-a-time\"\n\"department.IT.staff\" = [1, 2, 3]",
    "[sweep]\ndesign = \"lhs\"\nsamples = 40\nseed = 3\n\"department.IT.staff\" = { from = 1, to = 9 }\n\"customers.arrival_rate\" = { from = 0.5, to = 2.0 }",
    "[sweep]\ndesign = \"sobol\"\nsamples = 65536\n\"customers.arrival_rate\" = { from = 0.5, to = 2.0 }",
    "[robust]\nskill = { from = -0.1, to = 0.1 }\nmorale = { from = -0.5, to = 0.5 }\n\"behavior.rework_per_defect\" = { from = 0.1, to = 2.0 }",
    "[sweep]\n\"behavior.contagion_rate\" = [0.0, 0.01]\n\"customers.arrival_rate\" = [0.5, 1.0]",
    "[[customers.surges]]\nstart = 10.0\nend = 5.0\nfactor = 2.0",
    "[[customers.surges]]\nstart = 0.0\nend = 1e300\nfactor = 1e300",
    "[[department]]\nname = \"A\\nB\"\nstaff = 1\nservice = { dist = \"fixed\", value = 1.0 }",
    "[[department]]\nname = \"Loop\"\nstaff = 1\nservice = { dist = \"exponential\", mean = 1.0 }\nneeds = [ { dept = \"Loop\", probability = 1.0, mode = \"hold\" } ]",
    "warmup = 1e300",
    "warmup = \"auto\"",
    "period = 60.0",
    "rates = { every = 10.0, values = [1.0, 0.0, 2.5, 3.0, 0.5, 1.0], scale = 1.5 }",
    "service_level_time = 0.5",
    "fte_hours = 7.5",
    "[[department]]\nname = \"Shrunk\"\nstaff = 3\nshrinkage = 0.3\nservice = { dist = \"exponential\", mean = 1.0 }",
    "service_level_time = 0.5\nshort_abandon = 0.1",
    "[[department]]\nname = \"Pool\"\nstaff = \"unlimited\"\nservice = { dist = \"exponential\", mean = 3.0 }",
    "warmup = \"soon\"",
    "horizon = 1e300",
    "replications = 4294967295",
    "[[department]]\nname = \"Relay\"\nstaff = 1\nservice = { dist = \"exponential\", mean = 1.0 }\ntransfers = [ { dept = \"Relay2\", probability = 0.4 }, { dept = \"Relay\", probability = 0.6 } ]\n[[department]]\nname = \"Relay2\"\nshifts = [ { start = 0.0, length = 1e300, staff = 4294967295 } ]\nservice = { dist = \"exponential\", mean = 1.0 }\ntransfers = [ { dept = \"Relay\", probability = 1.0 } ]",
    "[[department]]\nname = \"Pooled\"\nstaff = 2\nservice = { dist = \"exponential\", mean = 1.0 }\noverflow = [ { dept = \"Helper\", after = 0.5, service_factor = 1.2 }, { dept = \"Pooled\", after = -1.0, service_factor = 0.0 } ]\n[[department]]\nname = \"Helper\"\nstaff = 1\nservice = { dist = \"exponential\", mean = 2.0 }\noverflow = [ { dept = \"Pooled\", after = 0.0 } ]",
    "[[department]]\nname = \"Rest\"\nshifts = [ { start = 0.0, length = 60.0, staff = 99999, shrinkage = 0.9, breaks = [ { after = 0.0, length = 1e-300, window = 60.0 }, { after = 30.0, length = 30.0 } ] } ]\nservice = { dist = \"exponential\", mean = 1.0 }",
    "[[department]]\nname = \"Night\"\nshifts = [ { start = 1439.0, length = 2.0, staff = 3 }, { start = -5.0, length = 0.0, staff = 0 } ]\nservice = { dist = \"exponential\", mean = 1.0 }",
];

fn seeds() -> Vec<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut names: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let mut texts: Vec<String> = names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.ends_with("enterprise.toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.push(orgsim::scenario::STARTER_SCENARIO.to_string());
    texts.push(orgsim::scenario::DESK_SCENARIO.to_string());
    // The resolved default writes every key out, each social coefficient too.
    texts.push(Scenario::default_scenario().to_toml());
    texts
}

/// Byte offsets of the numbers written in `text`.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit() && (i == 0 || b" =[,{\n".contains(&bytes[i - 1]));
        if starts {
            let end = (i..bytes.len()).find(|&j| !(bytes[j].is_ascii_alphanumeric() || b"._+-".contains(&bytes[j])));
            let end = end.unwrap_or(bytes.len());
            found.push((i, end));
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// One mutation of `text`.
fn mutate(text: &str, rng: &mut SmallRng) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match rng.random_range(0..8) {
        0 | 1 => {
            let spots = numbers(text);
            if spots.is_empty() {
                return text.to_string();
            }
            let (start, end) = spots[rng.random_range(0..spots.len())];
            format!("{}{}{}", &text[..start], EXTREMES[rng.random_range(0..EXTREMES.len())], &text[end..])
        }
        2 => {
            let mut lines = lines.clone();
            if !lines.is_empty() {
                lines.remove(rng.random_range(0..lines.len()));
            }
            lines.join("\n")
        }
        3 => {
            let mut lines = lines.clone();
            if !lines.is_empty() {
                let i = rng.random_range(0..lines.len());
                let j = rng.random_range(0..lines.len());
                lines.swap(i, j);
                lines.insert(j, lines[i]);
            }
            lines.join("\n")
        }
        4 => format!("{text}\n{}\n", LINES[rng.random_range(0..LINES.len())]),
        5 => {
            let at = rng.random_range(0..=text.len());
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            text[..at].to_string()
        }
        6 => {
            let at = rng.random_range(0..=text.len());
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let junk = ["\u{0}", "\u{1b}", "\"", "'", "]", "[[", "=", "\n", "é", "\u{202e}"];
            format!("{}{}{}", &text[..at], junk[rng.random_range(0..junk.len())], &text[at..])
        }
        _ => {
            // Several mutations at once.
            let once = mutate(text, rng);
            mutate(&once, rng)
        }
    }
}

/// Reads a scenario text the way the commands do; every outcome but a
/// panic is fine. Returns whether the scenario was accepted.
fn read_scenario(text: &str) -> bool {
    let Ok(scenario) = Scenario::from_toml_str(text, "fuzz.toml") else {
        return false;
    };
    let estimate = size_estimate(&scenario, scenario.replications);
    assert!(!estimate.events.is_nan() && !estimate.peak_bytes.is_nan(), "estimate {estimate:?}");
    if let Ok(points) = count_points(&scenario, "fuzz.toml")
        && points <= BUILT_POINTS
        && let Ok(plan) = plan_sweep(&scenario, "fuzz.toml")
    {
        assert_eq!(plan.points.len() as u64, points, "the count matches the points built");
    }
    true
}

fn begin(input: &str, origin: Instant) {
    *CURRENT.lock().unwrap() = input.to_string();
    BASELINE.store(HELD.load(Ordering::Relaxed), Ordering::Relaxed);
    STARTED.store(origin.elapsed().as_millis() as u64, Ordering::Relaxed);
}

fn end() {
    STARTED.store(u64::MAX, Ordering::Relaxed);
}

/// An output folder per kind (run, sweep, impact, compare, optimize, shards)
/// written by the real commands, to mutate.
fn folders(root: &Path) -> Vec<(String, std::path::PathBuf)> {
    let small = root.join("small.toml");
    std::fs::write(
        &small,
        "name = \"small\"\nhorizon = 300.0\nwarmup = 30.0\nreplications = 2\nseed = 3\n[customers]\narrival_rate = 1.0\npatience = { dist = \"exponential\", mean = 4.0 }\n[[department]]\nname = \"Front Desk\"\nfront_line = true\nstaff = 3\nservice = { dist = \"exponential\", mean = 2.0 }\nneeds = [ { dept = \"IT\", probability = 0.3, mode = \"handoff\" } ]\n[[department]]\nname = \"IT\"\nstaff = 2\nservice = { dist = \"exponential\", mean = 3.0 }\n[sweep]\n\"department.IT.staff\" = [1, 2]\n",
    )
    .unwrap();
    let variant = root.join("variant.toml");
    std::fs::write(&variant, std::fs::read_to_string(&small).unwrap().replace("staff = 2", "staff = 3")).unwrap();
    let s = small.display().to_string();
    let v = variant.display().to_string();
    let commands: [(&str, Vec<&str>); 6] = [
        ("run", vec!["run", &s]),
        ("sweep", vec!["sweep", &s]),
        ("impact", vec!["impact", &s]),
        ("compare", vec!["compare", &s, &v]),
        ("optimize", vec!["optimize", &s, "--target", "ext_abandon_rate<=0.5"]),
        ("shards", vec!["sweep", &s, "--shard", "0/1"]),
    ];
    commands
        .into_iter()
        .map(|(kind, mut args)| {
            let out = root.join(kind);
            let out_text = out.display().to_string();
            args.extend(["--out", &out_text, "--quiet", "--no-plots"]);
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_orgsim")).args(&args).status().unwrap();
            assert!(status.success(), "{args:?}");
            (kind.to_string(), out)
        })
        .collect()
}

/// Mutates one CSV (or `scenario.toml`) of a copy of `folder` and reads the
/// copy as `orgsim report` or `orgsim merge` would.
fn read_folder(kind: &str, folder: &Path, scratch: &Path, rng: &mut SmallRng) {
    let _ = std::fs::remove_dir_all(scratch);
    std::fs::create_dir_all(scratch).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "toml"))
        .collect();
    files.sort();
    for file in &files {
        std::fs::copy(file, scratch.join(file.file_name().unwrap())).unwrap();
    }
    let target = &files[rng.random_range(0..files.len())];
    let text = std::fs::read_to_string(target).unwrap();
    let mutated = match rng.random_range(0..4) {
        0 => {
            // Drop a column.
            let column = rng.random_range(0..8);
            text.lines()
                .map(|line| {
                    let mut fields: Vec<&str> = line.split(',').collect();
                    if column < fields.len() {
                        fields.remove(column);
                    }
                    fields.join(",") + "\n"
                })
                .collect()
        }
        _ => mutate(&text, rng),
    };
    std::fs::write(scratch.join(target.file_name().unwrap()), &mutated).unwrap();
    *CURRENT.lock().unwrap() = format!("{kind}: {}:\n{mutated}", target.display());
    let _ = match kind {
        "run" => orgsim::output::report::write_run_report(scratch, false).map_err(|e| e.to_string()),
        "shards" => {
            orgsim::output::shards::merge(scratch, &scratch.join("merged")).map(|_| ()).map_err(|e| e.to_string())
        }
        experiment => {
            orgsim::output::report::write_experiment_report(scratch, experiment, false).map_err(|e| e.to_string())
        }
    };
}

/// A status-history export: a row per update, the team repeated, day-first
/// dates, `?` for missing values, CRLF line ends.
const STATUS_HISTORY: &str = "number,incident_state,opened_at,sys_updated_at,assignment_group,resolved_at\r\n\
INC1,New,29-02-2016 04:40,29-02-2016 04:57,Desk,01-03-2016 09:52\r\n\
INC1,Active,29-02-2016 04:40,29-02-2016 05:30,Network,01-03-2016 09:52\r\n\
INC1,Resolved,29-02-2016 04:40,01-03-2016 09:52,Network,01-03-2016 09:52\r\n\
INC2,New,29-02-2016 06:00,29-02-2016 06:00,Desk,?\r\n\
INC2,Active,29-02-2016 06:00,29-02-2016 07:00,?,?\r\n\
INC3,New,01-03-2016 10:00,01-03-2016 10:00,Desk,01-03-2016 11:30\r\n\
INC3,Active,01-03-2016 10:00,01-03-2016 10:30,Network,01-03-2016 11:30\r\n";

/// An XES log of two traces.
const XES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
<trace><string key="concept:name" value="1"/>
<event><string key="org:group" value="Desk"/><string key="lifecycle:transition" value="start"/><date key="time:timestamp" value="2024-01-01T08:00:00.000+00:00"/></event>
<event><string key="org:group" value="Desk"/><string key="lifecycle:transition" value="complete"/><date key="time:timestamp" value="2024-01-01T08:05:00.000+00:00"/></event>
<event><string key="org:group" value="IT"/><string key="lifecycle:transition" value="start"/><date key="time:timestamp" value="2024-01-01T08:10:00.000+00:00"/></event>
</trace>
<trace><string key="concept:name" value="2"/>
<event><string key="org:group" value="IT"/><string key="lifecycle:transition" value="start"/><date key="time:timestamp" value="2024-01-01T09:00:00.000+00:00"/></event>
</trace>
</log>
"#;

/// The logs to mutate: (file name, text, columns).
fn logs() -> Vec<(&'static str, String, orgsim::fit::log::Columns)> {
    use orgsim::fit::log::Columns;
    // The first few hundred rows of the shipped example log.
    let example = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/helpdesk-log.csv"))
        .unwrap()
        .lines()
        .take(300)
        .collect::<Vec<_>>()
        .join("\n");
    let lifecycle = Columns {
        lifecycle: Some("lifecycle:transition".into()),
        outcome: Some("outcome".into()),
        ..Columns::default()
    };
    let history = Columns {
        case: "number".into(),
        time: "sys_updated_at".into(),
        team: "assignment_group".into(),
        opened: Some("opened_at".into()),
        resolved: Some("resolved_at".into()),
        ..Columns::default()
    };
    let xes = Columns { lifecycle: Some("lifecycle:transition".into()), ..Columns::default() };
    vec![
        ("helpdesk-log.csv", example.clone(), lifecycle.clone()),
        ("history.csv", STATUS_HISTORY.to_string(), history),
        ("log.xes", XES.to_string(), xes.clone()),
        ("log.xes.gz", XES.to_string(), xes),
        ("helpdesk-log.csv.gz", example, lifecycle),
    ]
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, bytes).unwrap();
    encoder.finish().unwrap()
}

/// Mutates one log and reads it as `orgsim fit` does: the bytes (through
/// gzip for a `.gz` name, under the size cap), the rows, the estimate.
fn read_log(logs: &[(&'static str, String, orgsim::fit::log::Columns)], rng: &mut SmallRng) {
    use orgsim::fit::{estimate, log, source, timestamps, xes};
    let (name, text, columns) = &logs[rng.random_range(0..logs.len())];
    let mut bytes = match rng.random_range(0..6) {
        // A huge field: a team name of a megabyte.
        0 => text.replacen("Desk", &"D".repeat(1 << 20), 1).into_bytes(),
        // Broken quoting.
        1 => text.replacen(',', ",\"", 1 + rng.random_range(0..3)).into_bytes(),
        // Random bytes somewhere.
        2 => {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..rng.random_range(1..16) {
                let at = rng.random_range(0..=bytes.len());
                bytes.insert(at, rng.random());
            }
            bytes
        }
        _ => mutate(text, rng).into_bytes(),
    };
    if source::is_gzip(name) {
        bytes = match rng.random_range(0..4) {
            // Garbage that is not gzip at all, or cut short.
            0 => bytes.iter().map(|b| b.wrapping_mul(31)).collect(),
            1 => {
                let mut packed = gzip(&bytes);
                packed.truncate(rng.random_range(0..=packed.len()));
                packed
            }
            _ => gzip(&bytes),
        };
    }
    *CURRENT.lock().unwrap() = format!("log {name}:\n{}", String::from_utf8_lossy(&bytes[..bytes.len().min(4000)]));
    let Ok(plain) = source::read_log(bytes.as_slice(), source::is_gzip(name), source::DEFAULT_MOST_MIB, name) else {
        return;
    };
    let read =
        if xes::is_xes(name) { xes::read_xes(&plain, name, columns) } else { log::read_csv(&plain, name, columns) };
    let Ok(log) = read else { return };
    let Ok(clock) = timestamps::Clock::new("UTC") else { return };
    let settings = estimate::Settings {
        top: 10,
        slot_minutes: 60,
        unit_seconds: 60.0,
        time_unit: "minute".to_string(),
        patience_mean: None,
        front_line: Vec::new(),
    };
    let _ = estimate::estimate(&log, &clock, &settings);
}

#[test]
fn the_mutations_reach_every_numeric_key() {
    let mut corpus = seeds().join("\n");
    corpus.push_str(&LINES.join("\n"));
    for range in orgsim::scenario::ranges::RANGES {
        let key = range.key.trim_end_matches(".<name>");
        let name = key.rsplit('.').next().unwrap();
        assert!(
            corpus.contains(&format!("{name} =")) || corpus.contains(&format!("{name}\" =")),
            "no fuzz input writes `{}`: add it to a seed or to LINES",
            range.key
        );
    }
}

#[test]
fn every_input_ends_in_ok_or_a_clean_error() {
    let origin = Instant::now();
    watchdog(origin);
    let root = tempfile::tempdir().unwrap();
    let folders = folders(root.path());
    let scratch = root.path().join("scratch");
    let seeds = seeds();
    let logs = logs();
    let mut rng = SmallRng::seed_from_u64(20261123);
    let total = cases();
    let mut refused = 0usize;
    WATCHING.store(true, Ordering::Relaxed);
    for case in 0..total {
        let outcome = if case % 10 == 9 {
            let (kind, folder) = &folders[rng.random_range(0..folders.len())];
            begin("", origin);
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                read_folder(kind, folder, &scratch, &mut rng)
            }));
            result.map(|_| true)
        } else if case % 20 == 4 {
            begin("", origin);
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_log(&logs, &mut rng))).map(|_| true)
        } else {
            let seed = &seeds[rng.random_range(0..seeds.len())];
            let text = mutate(seed, &mut rng);
            begin(&text, origin);
            std::panic::catch_unwind(|| read_scenario(&text))
        };
        end();
        match outcome {
            Ok(accepted) => refused += usize::from(!accepted),
            Err(_) => panic!("case {case} panicked; input:\n{}", CURRENT.lock().unwrap()),
        }
    }
    WATCHING.store(false, Ordering::Relaxed);
    let logs = (total + 15) / 20;
    println!(
        "fuzz: {total} inputs ({} scenario texts, {refused} of them refused; {} output folders; {logs} logs) in {:.1} s",
        total - total / 10 - logs,
        total / 10,
        origin.elapsed().as_secs_f64()
    );
    assert!(refused > 0 && refused < total, "the mutations reach both outcomes");
}
