//! Hostile input, round two: the newer keys and commands under inputs
//! meant to hang them, blow up their memory, clobber files or return an
//! empty answer without a word. Runs that could hang or blow up go through
//! [`Sandbox::run_limited`], under a time and a memory limit.

use std::os::unix::fs::FileTypeExt;

use crate::util::Sandbox;

/// A laptop's share of memory: what a hostile case may take at most.
const FOUR_GB: u64 = 4 << 30;

fn nothing_written(sandbox: &Sandbox) {
    assert!(sandbox.listing().iter().all(|p| !p.starts_with("output") && !p.starts_with("out")), "output written");
}

/// One front-line desk of `staff` with exponential service of mean 1.
fn desk(customers: &str, staff: u32, horizon: f64) -> String {
    format!(
        "name = \"desk\"\nhorizon = {horizon:?}\nreplications = 1\nseed = 1\n\n[customers]\n{customers}\n\n\
         [[department]]\nname = \"Desk\"\nfront_line = true\nstaff = {staff}\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n"
    )
}

#[test]
fn slot_boundaries_are_capped_like_shift_changes() {
    let sandbox = Sandbox::new();
    sandbox.write("tiny.toml", &desk("rates = { every = 1e-7, values = [1.0, 2.0] }", 4, 2880.0));
    let stderr = sandbox.run_limited(&["run", "tiny.toml"], 60, FOUR_GB).failure();
    assert!(stderr.contains("tiny.toml:") && stderr.contains("customers.rates.every"), "{stderr}");
    assert!(stderr.contains("at most 10000000") && stderr.contains("horizon / 10000000"), "{stderr}");
    nothing_written(&sandbox);
    // The estimate counts the boundaries that pass the cap.
    let fine = orgsim::scenario::Scenario::from_toml_str(
        &desk("rates = { every = 0.001, values = [1.0, 2.0] }", 4, 2880.0),
        "fine.toml",
    )
    .unwrap();
    let estimate = orgsim::model::size_estimate(&fine, 1);
    assert!(estimate.events > 2.88e6, "{} events", estimate.events);
}

#[test]
fn a_surge_that_piles_up_a_queue_is_refused_before_it_runs() {
    let sandbox = Sandbox::new();
    let customers = "arrival_rate = 3.0\npatience = { dist = \"exponential\", mean = 3.0 }\n\
                     surges = [{ start = 600.0, end = 700.0, factor = 1e6 }]";
    sandbox.write("surge.toml", &desk(customers, 10, 2880.0));
    let stderr = sandbox.run_limited(&["run", "surge.toml"], 60, FOUR_GB).failure();
    assert!(stderr.contains("GiB of work waiting at once") && stderr.contains("\"Desk\""), "{stderr}");
    nothing_written(&sandbox);
}

#[test]
fn many_slots_times_many_departments_count_what_the_files_hold() {
    let sandbox = Sandbox::new();
    let values = vec!["1.0, 1.5"; 50_000].join(", ");
    let mut text = desk(&format!("rates = {{ every = 0.03, values = [{values}] }}"), 5, 3000.0)
        .replace("replications = 1", "replications = 4")
        .replace(
            "mean = 1.0 }\n",
            &format!(
                "mean = 1.0 }}\nneeds = [{}]\n",
                (0..39)
                    .map(|i| format!("{{ dept = \"D{i}\", probability = 0.02, mode = \"handoff\" }}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    for i in 0..39 {
        text += &format!(
            "\n[[department]]\nname = \"D{i}\"\nstaff = 3\nservice = {{ dist = \"exponential\", mean = 1.0 }}\n"
        );
    }
    sandbox.write("slots.toml", &text);
    let stderr = sandbox.run_limited(&["run", "slots.toml", "--threads", "2"], 60, FOUR_GB).failure();
    assert!(stderr.contains("GiB of results kept until the files are written"), "{stderr}");
    assert!(stderr.contains("figures by slot"), "{stderr}");
    nothing_written(&sandbox);
}

#[test]
fn surges_that_stop_every_arrival_are_refused_like_zero_rates() {
    let sandbox = Sandbox::new();
    for customers in [
        "arrival_rate = 1.0\nsurges = [{ start = 0.0, end = 3000.0, factor = 0.0 }]",
        "arrival_rate = 1.0\nsurges = [{ start = 0.0, end = 500.0, factor = 0.0 }, { start = 500.0, end = 1000.0, factor = 0.0 }]",
        // Rates above 0 only in the second half of each period, and a
        // surge of 0 over every second half.
        "rates = { every = 500.0, values = [0.0, 1.0] }\nsurges = [{ start = 500.0, end = 1000.0, factor = 0.0 }]",
    ] {
        sandbox.write("zero.toml", &desk(customers, 2, 1000.0));
        let stderr = sandbox.run(&["run", "zero.toml"]).failure();
        assert!(stderr.contains("customers.surges") && stderr.contains("no customer would ever arrive"), "{stderr}");
        nothing_written(&sandbox);
    }
    // A surge of 0 over part of the time leaves arrivals: it runs.
    sandbox.write(
        "part.toml",
        &desk("arrival_rate = 1.0\nsurges = [{ start = 0.0, end = 500.0, factor = 0.0 }]", 2, 1000.0),
    );
    sandbox.run(&["run", "part.toml", "--quiet", "--no-plots"]).success();
}

#[test]
fn a_bad_period_is_named_before_any_shift() {
    let sandbox = Sandbox::new();
    let shifts = "\n[[department]]\nname = \"Back\"\nshifts = [{ start = 0.0, length = 60.0, staff = 1 }]\nservice = { dist = \"exponential\", mean = 1.0 }\n";
    for (customers, period, field) in [
        ("rates = { every = -60.0, values = [1.0, 2.0] }", "", "customers.rates.every"),
        ("rates = { every = 60.0, values = [] }", "", "customers.rates.values"),
        ("rates = { every = 60.0, values = [1.0, 2.0] }", "period = -120.0\n", "period"),
    ] {
        sandbox.write("bad.toml", &(period.to_string() + &desk(customers, 2, 1000.0) + shifts));
        let stderr = sandbox.run(&["run", "bad.toml"]).failure();
        assert!(stderr.contains(&format!(": {field}:")) && !stderr.contains("shifts"), "{stderr}");
    }
}

/// A log of two cases at team `team`, as `orgsim fit` reads it.
fn log_with_team(team: &str) -> String {
    format!(
        "case:concept:name,org:group,time:timestamp\n1,{team},2024-01-01T08:00:00Z\n2,{team},2024-01-01T09:00:00Z\n"
    )
}

#[test]
fn a_decompression_bomb_stops_at_the_cap() {
    use std::io::Write;
    let sandbox = Sandbox::new();
    // 1 GiB of zeros in about a megabyte.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        encoder.write_all(&zeros).unwrap();
    }
    std::fs::write(sandbox.path("bomb.xes.gz"), encoder.finish().unwrap()).unwrap();
    let stderr = sandbox.run_limited(&["fit", "bomb.xes.gz"], 60, FOUR_GB).failure();
    assert!(stderr.contains("bomb.xes.gz") && stderr.contains("more than 64 MiB once decompressed"), "{stderr}");
    assert!(stderr.contains("--max-log-size"), "{stderr}");
    nothing_written(&sandbox);
    // The flag's range is checked.
    let stderr = sandbox.run(&["fit", "bomb.xes.gz", "--max-log-size", "0"]).failure();
    assert!(stderr.contains("--max-log-size"), "{stderr}");
}

#[test]
fn long_names_are_refused_in_logs_and_scenarios() {
    let sandbox = Sandbox::new();
    sandbox.write("long.csv", &log_with_team(&"T".repeat(1 << 20)));
    let stderr = sandbox.run_limited(&["fit", "long.csv"], 60, FOUR_GB).failure();
    assert!(stderr.contains("long.csv") && stderr.contains("line 2") && stderr.contains("org:group"), "{stderr}");
    assert!(stderr.contains("1048576 characters long") && stderr.contains("at most 200"), "{stderr}");
    assert!(!sandbox.path("output").exists(), "nothing written");
    // 200 characters are fine.
    sandbox.write("fine.csv", &log_with_team(&"T".repeat(200)));
    sandbox.run(&["fit", "fine.csv", "--quiet", "--out", "fitted"]).success();
    let long = "D".repeat(201);
    sandbox.write(
        "long.toml",
        &desk("arrival_rate = 1.0", 2, 100.0).replace("name = \"Desk\"", &format!("name = \"{long}\"")),
    );
    let stderr = sandbox.run(&["run", "long.toml"]).failure();
    assert!(stderr.contains("department[0].name") && stderr.contains("201 characters long"), "{stderr}");
    sandbox.write(
        "long.toml",
        &desk("arrival_rate = 1.0", 2, 100.0).replace("name = \"desk\"", &format!("name = \"{long}\"")),
    );
    let stderr = sandbox.run(&["run", "long.toml"]).failure();
    assert!(stderr.contains(": name:") && stderr.contains("201 characters long"), "{stderr}");
}

#[test]
fn bidirectional_overrides_are_refused_in_names() {
    let sandbox = Sandbox::new();
    for mark in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
        sandbox.write(
            "bidi.toml",
            &desk("arrival_rate = 1.0", 2, 100.0).replace("name = \"Desk\"", &format!("name = \"De{mark}sk\"")),
        );
        let stderr = sandbox.run(&["run", "bidi.toml"]).failure();
        assert!(stderr.contains("department[0].name") && stderr.contains("control characters"), "{stderr}");
    }
    // A fitted team name loses them.
    assert_eq!(orgsim::fit::estimate::clean_name("IT\u{202E}sk", 0), "ITsk");
}

/// A small scenario that runs in well under a second.
fn quick(sandbox: &Sandbox) {
    sandbox.write(
        "s.toml",
        &crate::util::SMALL
            .replace("horizon = 2000.0", "horizon = 400.0")
            .replace("replications = 4", "replications = 2"),
    );
}

#[test]
fn named_outputs_never_replace_special_files() {
    let sandbox = Sandbox::new();
    quick(&sandbox);
    // A FIFO with no reader would hang: refused before anything runs.
    let fifo = sandbox.path("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for flag in ["--events", "--trace"] {
        let stderr = sandbox.run_limited(&["run", "s.toml", "--out", "out", flag, "fifo"], 60, FOUR_GB).failure();
        assert!(stderr.contains("FIFO"), "{stderr}");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO stays a FIFO");
        nothing_written(&sandbox);
    }
    // A folder is refused too.
    std::fs::create_dir(sandbox.path("folder")).unwrap();
    let stderr = sandbox.run(&["run", "s.toml", "--out", "out", "--trace", "folder"]).failure();
    assert!(stderr.contains("it is a folder"), "{stderr}");
    nothing_written(&sandbox);
    // A link stays a link; the file it points to gets the trace.
    std::os::unix::fs::symlink("real.csv", sandbox.path("link.csv")).unwrap();
    sandbox.run(&["run", "s.toml", "--out", "out", "--quiet", "--no-plots", "--trace", "link.csv"]).success();
    assert!(std::fs::symlink_metadata(sandbox.path("link.csv")).unwrap().file_type().is_symlink());
    let trace = std::fs::read_to_string(sandbox.path("real.csv")).unwrap();
    assert!(trace.starts_with("time,event,department"), "{}", &trace[..trace.len().min(80)]);
    assert!(sandbox.listing().iter().all(|p| !p.contains(".tmp-")), "{:?}", sandbox.listing());
}

#[test]
fn inputs_are_never_overwritten() {
    let sandbox = Sandbox::new();
    quick(&sandbox);
    let before = std::fs::read(sandbox.path("s.toml")).unwrap();
    let stderr = sandbox.run(&["run", "s.toml", "--out", "out", "--events", "s.toml"]).failure();
    assert!(stderr.contains("it is the input s.toml"), "{stderr}");
    assert_eq!(std::fs::read(sandbox.path("s.toml")).unwrap(), before);
    nothing_written(&sandbox);
    // The same file under another name is still the input.
    std::fs::hard_link(sandbox.path("s.toml"), sandbox.path("other.csv")).unwrap();
    let stderr = sandbox.run(&["run", "s.toml", "--out", "out", "--trace", "other.csv"]).failure();
    assert!(stderr.contains("it is the input s.toml"), "{stderr}");
    assert_eq!(std::fs::read(sandbox.path("s.toml")).unwrap(), before);
    // A log fitted into its own folder.
    std::fs::create_dir(sandbox.path("d")).unwrap();
    let log = log_with_team("A");
    sandbox.write("d/fit.csv", &log);
    let stderr = sandbox.run(&["fit", "d/fit.csv", "--out", "d"]).failure();
    assert!(stderr.contains("it is the input d/fit.csv"), "{stderr}");
    assert_eq!(std::fs::read_to_string(sandbox.path("d/fit.csv")).unwrap(), log);
    assert_eq!(std::fs::read_dir(sandbox.path("d")).unwrap().count(), 1, "nothing else in d");
    // A run folder's own scenario.toml repeats the run into that folder,
    // byte for byte: writing identical bytes is allowed.
    sandbox.run(&["run", "s.toml", "--out", "out", "--quiet", "--no-plots"]).success();
    let summary = std::fs::read(sandbox.path("out/summary.csv")).unwrap();
    sandbox.run(&["run", "out/scenario.toml", "--out", "out", "--quiet", "--no-plots"]).success();
    assert_eq!(std::fs::read(sandbox.path("out/summary.csv")).unwrap(), summary);
    // An edited scenario.toml rerun into its own folder would change it
    // (the written one does not keep the comment).
    let edited = "# my notes\n".to_string() + &std::fs::read_to_string(sandbox.path("out/scenario.toml")).unwrap();
    sandbox.write("out/scenario.toml", &edited);
    let stderr = sandbox.run(&["run", "out/scenario.toml", "--out", "out", "--quiet"]).failure();
    assert!(stderr.contains("it is the input out/scenario.toml"), "{stderr}");
    assert_eq!(std::fs::read_to_string(sandbox.path("out/scenario.toml")).unwrap(), edited);
}

#[test]
fn a_failed_or_interrupted_run_leaves_nothing_behind() {
    let sandbox = Sandbox::new();
    quick(&sandbox);
    // A failure after the results are written (the event log cannot be
    // written: /dev/full) takes every file of this run back.
    if std::path::Path::new("/dev/full").exists() {
        let stderr = sandbox.run(&["run", "s.toml", "--out", "out", "--quiet", "--events", "/dev/full"]).failure();
        assert!(stderr.contains("/dev/full"), "{stderr}");
        nothing_written(&sandbox);
    }
    // Ctrl-C in the middle of a long run: no part or temporary file stays.
    sandbox.write(
        "long.toml",
        &crate::util::SMALL
            .replace("horizon = 2000.0", "horizon = 2000000.0")
            .replace("replications = 4", "replications = 2"),
    );
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(["run", "long.toml", "--out", "out", "--quiet", "--trace", "trace.csv", "--threads", "2"])
        .current_dir(sandbox.dir.path())
        .spawn()
        .expect("start orgsim");
    // Wait until the run has started writing its time-series parts.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !sandbox.listing().iter().any(|p| p.contains(".timeseries-")) {
        assert!(std::time::Instant::now() < deadline, "no part file appeared: {:?}", sandbox.listing());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: sending a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait_with_output().expect("wait").status;
    assert_eq!(status.code(), Some(130));
    let left: Vec<String> = sandbox.listing().into_iter().filter(|p| !p.ends_with(".toml")).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_reused_folder_loses_the_earlier_scenarios_charts() {
    let sandbox = Sandbox::new();
    quick(&sandbox);
    sandbox.run(&["run", "s.toml", "--out", "out", "--quiet"]).success();
    assert!(sandbox.path("out/plots").exists());
    std::fs::write(sandbox.path("out/plots/day-Other.svg"), "<svg/>").unwrap();
    sandbox.run(&["run", "s.toml", "--out", "out", "--quiet", "--no-plots"]).success();
    assert!(!sandbox.path("out/plots").exists(), "{:?}", sandbox.listing());
}

/// Tampers with the first data row of a CSV text: `edit(fields)`.
fn tampered(row: &str, edit: impl Fn(&mut Vec<String>)) -> String {
    let mut fields: Vec<String> = row.split(',').map(str::to_string).collect();
    edit(&mut fields);
    fields.join(",")
}

#[test]
fn journal_rows_read_back_are_checked() {
    let sandbox = Sandbox::new();
    let slow = crate::util::SMALL
        .replace("horizon = 2000.0", "horizon = 40000.0")
        .replace("replications = 4", "replications = 8")
        + "[sweep]\n\"department.IT.staff\" = [2, 3, 4, 5, 6, 7, 8, 9]\n";
    sandbox.write("slow.toml", &slow);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(["sweep", "slow.toml", "--out", "part", "--quiet", "--threads", "1"])
        .current_dir(sandbox.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start orgsim");
    let journal = sandbox.path("part/sweep.journal");
    let rows = |text: &str| text.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).count();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_to_string(&journal).map_or(0, |t| rows(&t)) == 0 {
        assert!(std::time::Instant::now() < deadline && child.try_wait().unwrap().is_none(), "no point journaled");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let text = std::fs::read_to_string(&journal).unwrap();
    let mut lines = text.lines();
    let identity = lines.next().unwrap().to_string();
    let row = lines.next().unwrap().to_string();
    let columns = row.split(',').count();
    for (edit, expected) in [
        (tampered(&row, |f| f[0] = "999".into()), "point 999 is not one of the sweep's 8 points"),
        (tampered(&row, |f| f[2] = "NaN".into()), "\"NaN\" where a metric must be a finite number"),
        (tampered(&row, |f| f[1] = "17".into()), "\"17\" where point"),
        (tampered(&row, |f| f.truncate(columns - 1)), "fields where the sweep's rows have"),
        (tampered(&row, |f| f[columns - 1] = "fine".into()), "\"fine\" is not a verdict"),
    ] {
        std::fs::write(&journal, format!("{identity}\n{edit}\n")).unwrap();
        let stderr = sandbox.run(&["sweep", "slow.toml", "--out", "part", "--resume", "--quiet"]).failure();
        assert!(stderr.contains("sweep.journal, line 2") && stderr.contains(expected), "{edit}: {stderr}");
        assert!(!sandbox.path("part/sweep.csv").exists());
    }
}

#[test]
fn shard_rows_read_back_are_checked() {
    let sandbox = Sandbox::new();
    let sweep = crate::util::SMALL.replace("horizon = 2000.0", "horizon = 300.0")
        + "[sweep]\n\"department.IT.staff\" = [2, 3, 4]\n";
    sandbox.write("small.toml", &sweep);
    for shard in ["0/2", "1/2"] {
        sandbox.run(&["sweep", "small.toml", "--shard", shard, "--out", "shards", "--quiet"]).success();
    }
    let path = sandbox.path("shards/shard-0-of-2.csv");
    let good = std::fs::read_to_string(&path).unwrap();
    let (header, rows) = good.split_once('\n').unwrap();
    let row = rows.lines().next().unwrap();
    for (edit, expected) in [
        (
            format!("{good}{}\n", tampered(row, |f| f[0] = "9999".into())),
            "point 9999 is not one of the sweep's 3 points",
        ),
        (
            format!("{header}\n{}\n{}", tampered(row, |f| f[3] = "NaN".into()), rows.split_once('\n').unwrap().1),
            "\"NaN\"",
        ),
        (
            format!("{header}\n{}\n{}", tampered(row, |f| f[1] = "5".into()), rows.split_once('\n').unwrap().1),
            "\"5\" where point",
        ),
    ] {
        std::fs::write(&path, &edit).unwrap();
        let stderr = sandbox.run(&["merge", "shards", "--out", "merged"]).failure();
        assert!(stderr.contains("shard-0-of-2.csv, line") && stderr.contains(expected), "{edit}: {stderr}");
        assert!(!sandbox.path("merged").exists());
    }
}

#[test]
fn a_sampled_range_is_checked_whole_whatever_the_seed() {
    let sandbox = Sandbox::new();
    let base = desk("arrival_rate = 1.0", 3, 200.0);
    for seed in ["1", "2", "3"] {
        let text = base.replace("seed = 1", &format!("seed = {seed}"))
            + "\n[sweep]\ndesign = \"lhs\"\nsamples = 8\n\"department.Desk.service.mean\" = { from = -0.2, to = 2.0 }\n";
        sandbox.write("lhs.toml", &text);
        let stderr = sandbox.run(&["sweep", "lhs.toml", "--out", "out"]).failure();
        assert!(stderr.contains("lhs.toml:18:") && stderr.contains("the range holds -0.2"), "{stderr}");
        assert!(!stderr.contains("sweep point"), "{stderr}");
    }
    // A grid's list too, and whole-number keys.
    sandbox.write("grid.toml", &(base.clone() + "\n[sweep]\n\"department.Desk.staff\" = [2, 0, 3]\n"));
    let stderr = sandbox.run(&["sweep", "grid.toml", "--out", "out"]).failure();
    assert!(stderr.contains("the list holds 0") && stderr.contains("department.staff"), "{stderr}");
    // A rule joining several keys still depends on the draws, and says so.
    let joined = base.replace("seed = 1", "seed = 1\n\n[behavior]\nenabled = true\n")
        + "\n[sweep]\ndesign = \"lhs\"\nsamples = 8\n\"behavior.quality_weight_skill\" = { from = 0.1, to = 0.9 }\n";
    sandbox.write("joined.toml", &joined);
    let stderr = sandbox.run(&["sweep", "joined.toml", "--out", "out"]).failure();
    assert!(stderr.contains("add up to 1") && stderr.contains("depends on the values drawn together"), "{stderr}");
    nothing_written(&sandbox);
}

#[test]
fn messages_say_what_is_wrong_in_one_voice() {
    let sandbox = Sandbox::new();
    // One range, the key's own, for a fractional shift staff.
    let shifts =
        |list: &str| desk("arrival_rate = 1.0", 2, 2000.0).replace("staff = 2\n", &format!("shifts = [{list}]\n"));
    sandbox.write("half.toml", &shifts("{ start = 0.0, length = 480.0, staff = 1.5 }"));
    let stderr = sandbox.run(&["run", "half.toml"]).failure();
    assert!(
        stderr.contains("shifts[0].staff: must be a whole number ≥ 1 and at most 1000000 (got floating point `1.5`)"),
        "{stderr}"
    );
    assert!(!stderr.contains("4294967295"), "{stderr}");
    // Too many shifts is not "nobody staffs".
    let many = vec!["{ start = 0.0, length = 60.0, staff = 1 }"; 1001].join(", ");
    sandbox.write("many.toml", &shifts(&many));
    let stderr = sandbox.run(&["run", "many.toml"]).failure();
    assert!(stderr.contains("at most 1000 shifts (got 1001)") && !stderr.contains("nobody staffs"), "{stderr}");
    // An empty log.
    sandbox.write("empty.csv", "");
    let stderr = sandbox.run(&["fit", "empty.csv"]).failure();
    assert!(stderr.contains("the log is empty") && !stderr.contains("the header has )"), "{stderr}");
    // A well-formed date beyond what can be represented.
    sandbox.write("far.csv", "case:concept:name,org:group,time:timestamp\n1,A,9999-12-31T10:00:00Z\n");
    let stderr = sandbox.run(&["fit", "far.csv"]).failure();
    assert!(stderr.contains("is a date-time, but outside the times orgsim can represent"), "{stderr}");
    // Negative numbers reach the flag's own check; huge ones are short.
    sandbox.write("day.toml", &desk("rates = { every = 60.0, values = [1.0, 2.0, 1.0, 0.5] }", 3, 2400.0));
    let stderr = sandbox
        .run(&["optimize", "day.toml", "--by-interval", "--target", "wait_prob<=0.2", "--shift-lengths", "-60"])
        .failure();
    assert!(stderr.contains("--shift-lengths: -60 must be"), "{stderr}");
    sandbox.write("log.csv", &log_with_team("A"));
    let stderr = sandbox.run(&["fit", "log.csv", "--check", "--within", "1e300"]).failure();
    assert!(stderr.contains("(got 1.0e300)"), "{stderr}");
    // A sweep path naming a transfer of a department without transfers.
    sandbox.write(
        "t.toml",
        &(desk("arrival_rate = 1.0", 2, 200.0)
            + "\n[sweep]\n\"department.Desk.transfers.X.probability\" = [0.1, 0.2]\n"),
    );
    let stderr = sandbox.run(&["sweep", "t.toml"]).failure();
    assert!(stderr.contains("it transfers to none"), "{stderr}");
    // Names in a list are quoted: a comma inside one cannot split it.
    let comma = desk("arrival_rate = 1.0", 2, 200.0).replace("name = \"Desk\"", "name = \"Desk, North\"");
    sandbox.write("comma.toml", &comma);
    let stdout = sandbox.run(&["validate", "comma.toml"]).success();
    assert!(stdout.contains("they arrive at \"Desk, North\" 100%"), "{stdout}");
    // Slurm jobs cannot share a stdin.
    let stderr = sandbox.run(&["slurm", "/dev/stdin", "--shards", "2"]).failure();
    assert!(stderr.contains("must be a regular file"), "{stderr}");
}
