//! Hostile, huge and malformed input: each case ends in a clear error (exit
//! 2, nothing written) or a bounded run, never a hang, a panic, a huge
//! allocation or a command run that the user did not ask for.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use orgsim::experiment::jobs::{Plan, Silent, replicate};
use orgsim::model::simulate;

use crate::util::{SMALL, Sandbox, scenario};

fn with_sweep(sweep: &str) -> String {
    SMALL.to_string() + "[sweep]\n" + sweep
}

fn nothing_written(sandbox: &Sandbox) {
    assert!(sandbox.listing().iter().all(|p| !p.starts_with("output") && !p.starts_with("out")), "output written");
}

#[test]
fn ticks_finer_than_the_horizon_and_service_allow_are_refused() {
    let sandbox = Sandbox::new();
    for (key, value) in [("update_interval", "1e-300"), ("update_interval", "0.0001")] {
        sandbox.write("bad.toml", &SMALL.replace("enabled = false", &format!("enabled = true\n{key} = {value}")));
        let stderr = sandbox.run(&["run", "bad.toml"]).failure();
        assert!(stderr.contains(&format!("behavior.{key}")) && stderr.contains("must be at least"), "{stderr}");
    }
    sandbox.write("bad.toml", &SMALL.replace("seed = 3", "seed = 3\nsample_every = 1e-300"));
    let stderr = sandbox.run(&["run", "bad.toml"]).failure();
    assert!(stderr.contains("sample_every") && stderr.contains("must be at least") && stderr.contains("1.0e-300"));
    nothing_written(&sandbox);
}

#[test]
fn huge_sweeps_are_refused_before_a_point_is_built() {
    let sandbox = Sandbox::new();
    let cases = [
        ("\"customers.arrival_rate\" = { from = 0.5, to = 1.0, steps = 1000000000000 }\n", "steps"),
        (
            "\"customers.arrival_rate\" = { from = 0.5, to = 1.0, steps = 1000 }\n\"department.IT.staff\" = { from = 1, to = 1000, steps = 1000 }\n",
            "1000000 points",
        ),
        (
            // 99,999 points pass the count; their size (a long horizon each) does not.
            "\"customers.arrival_rate\" = { from = 0.5, to = 1.0, steps = 99999 }\n",
            "hours of computing",
        ),
    ];
    for (sweep, expected) in cases {
        sandbox.write("huge.toml", &with_sweep(sweep).replace("horizon = 2000.0", "horizon = 2000000.0"));
        let stderr = sandbox.run(&["sweep", "huge.toml"]).failure();
        assert!(stderr.contains(expected), "{sweep}: {stderr}");
        nothing_written(&sandbox);
    }
}

#[test]
fn experiments_keep_figures_not_distributions() {
    let base = scenario(SMALL);
    let plan = Plan { replications: 3, seed: base.seed, precision: None };
    let kept = replicate(std::slice::from_ref(&base), &plan, &Silent).unwrap();
    for (replication, result) in kept[0].iter().enumerate() {
        assert_eq!(result.external.wait_histogram.count(), 0, "the histogram is dropped");
        let full = simulate(&base, replication as u32, base.seed);
        assert!(full.external.wait_histogram.count() > 0);
        assert_eq!(result.external.wait_p90, full.external.wait_histogram.quantile(0.9));
        assert_eq!(result.external.resolution_p90, full.external.resolution_histogram.quantile(0.9));
    }
}

#[test]
fn staff_beyond_its_range_is_an_error_and_optimize_never_overflows() {
    let sandbox = Sandbox::new();
    sandbox.write("huge.toml", &SMALL.replace("staff = 2", "staff = 4294967295"));
    let stderr = sandbox.run(&["optimize", "huge.toml", "--target", "ext_abandon_rate<=0.01"]).failure();
    assert!(stderr.contains("department \"IT\".staff") && stderr.contains("at most 1000000"), "{stderr}");
    sandbox.write("huge.toml", &SMALL.replace("staff = 2", "staff = 4294967296"));
    let stderr = sandbox.run(&["validate", "huge.toml"]).failure();
    assert!(stderr.contains("at most 1000000") && stderr.contains("huge.toml:21"), "{stderr}");
    // At the largest staff, the search stops adding instead of overflowing,
    // and its removal pass stops after --max-hires + 1 people and says so,
    // instead of running a million rounds.
    sandbox.write(
        "top.toml",
        &SMALL.replace("staff = 2", "staff = 1000000").replace("horizon = 2000.0", "horizon = 400.0"),
    );
    let table = sandbox
        .run(&["optimize", "top.toml", "--target", "ext_abandon_rate<=0", "--max-hires", "3", "--replications", "2"])
        .success();
    assert!(table.contains("removal stopped after --max-hires + 1 people"), "{table}");
}

#[test]
fn a_seed_scenario_toml_cannot_repeat_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.write("seed.toml", &SMALL.replace("seed = 3", "seed = 18446744073709551615"));
    let stderr = sandbox.run(&["run", "seed.toml"]).failure();
    assert!(stderr.contains("seed") && stderr.contains("at most 9223372036854775807"), "{stderr}");
    sandbox.write("small.toml", SMALL);
    let stderr = sandbox.run(&["run", "small.toml", "--seed", "9223372036854775808"]).failure();
    assert!(stderr.contains("--seed"), "{stderr}");
    sandbox
        .run(&["run", "small.toml", "--seed", "9223372036854775807", "--quiet", "--no-plots", "--out", "o"])
        .success();
}

#[test]
fn a_report_on_a_csv_without_a_column_names_the_file_and_column() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    sandbox.run(&["impact", "small.toml", "--replications", "2", "--out", "impact", "--quiet", "--no-plots"]).success();
    let path = sandbox.path("impact/impact.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let header = text.lines().next().unwrap().to_string();
    let columns: Vec<&str> = header.split(',').collect();
    let step = columns.iter().position(|c| *c == "step").expect("impact.csv has a step column");
    let without: String = text
        .lines()
        .map(|line| {
            let mut fields: Vec<&str> = line.split(',').collect();
            fields.remove(step);
            fields.join(",") + "\n"
        })
        .collect();
    std::fs::write(&path, without).unwrap();
    let stderr = sandbox.run(&["report", "impact"]).failure();
    assert!(stderr.contains("impact.csv") && stderr.contains("`step`"), "{stderr}");
}

/// A folder of fake Slurm commands: `sbatch` prints a job id, `squeue`
/// always fails.
fn fake_slurm(sandbox: &Sandbox) -> String {
    let bin = sandbox.path("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    for (name, body) in [("sbatch", "echo 4242"), ("squeue", "echo 'slurm_load_jobs error: unreachable' >&2; exit 1")] {
        let path = bin.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

#[test]
fn slurm_wait_gives_up_when_squeue_keeps_failing() {
    let sandbox = Sandbox::new();
    sandbox.write("sweep.toml", &with_sweep("\"department.IT.staff\" = [1, 2]\n"));
    let path = fake_slurm(&sandbox);
    let outcome = sandbox.run_with_env(
        &["slurm", "sweep.toml", "--shards", "2", "--out", "shared", "--submit", "--wait"],
        &[("PATH", path)],
    );
    let stderr = outcome.failure();
    assert!(stderr.contains("squeue failed 10 times in a row") && stderr.contains("unreachable"), "{stderr}");
}

#[test]
fn hostile_names_and_flags_make_scripts_that_run_nothing_but_orgsim() {
    let sandbox = Sandbox::new();
    let sweep = with_sweep("\"department.IT.staff\" = [1, 2]\n");
    // Control characters in names are refused outright.
    sandbox.write("newline.toml", &sweep.replace("name = \"small\"", "name = \"a\\n$(touch pwned)\""));
    assert!(sandbox.run(&["validate", "newline.toml"]).failure().contains("control characters"));
    sandbox.write("newline.toml", &sweep.replace("name = \"IT\"", "name = \"I\\u001bT\""));
    assert!(sandbox.run(&["validate", "newline.toml"]).failure().contains("control characters"));
    // Values for #SBATCH lines must match Slurm's forms.
    sandbox.write("sweep.toml", &sweep);
    for flags in [
        ["--partition", "debug\n$(touch pwned)"],
        ["--partition", "a b"],
        ["--time", "1:00 $(touch pwned)"],
        ["--out", "shared dir"],
    ] {
        let mut args = vec!["slurm", "sweep.toml", "--shards", "2"];
        args.extend(flags);
        let stderr = sandbox.run(&args).failure();
        assert!(stderr.contains(flags[0]), "{flags:?}: {stderr}");
    }
    // A name full of shell syntax, and paths with quotes, end up quoted.
    let hostile = "evil $(touch pwned) `touch pwned2` ; touch pwned3 ' \\\" ";
    sandbox.write("it's $(x).toml", &sweep.replace("name = \"small\"", &format!("name = \"{hostile}\"")));
    let stub = sandbox.path("fake orgsim's $(touch pwned4)");
    std::fs::write(&stub, "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"$(dirname \"$0\")/calls.txt\"\n").unwrap();
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stub_arg = stub.display().to_string();
    sandbox
        .run(&[
            "slurm",
            "it's $(x).toml",
            "--shards",
            "2",
            "--out",
            "shared",
            "--partition",
            "debug,long",
            "--time",
            "1-02:00:00",
            "--program",
            &stub_arg,
        ])
        .success();
    let array = std::fs::read_to_string(sandbox.path("shared/slurm/array.sh")).unwrap();
    assert!(!array.contains("--allow-large"), "--allow-large only when given:\n{array}");
    assert!(array.contains("#SBATCH --job-name=orgsim-evil___touch_pwned"), "{array}");
    for script in ["array.sh", "merge.sh"] {
        let status = std::process::Command::new("bash")
            .arg(sandbox.path("shared/slurm").join(script))
            .env("SLURM_ARRAY_TASK_ID", "0")
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .env("SLURM_CPUS_PER_TASK", "1")
            .current_dir(sandbox.dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "{script}");
    }
    let listing = sandbox.listing();
    assert!(listing.iter().all(|p| !p.contains("pwned") || p.contains("fake orgsim")), "{listing:?}");
    let calls = std::fs::read_to_string(sandbox.path("calls.txt")).unwrap();
    let calls: Vec<&str> = calls.lines().collect();
    let scenario = sandbox.path("it's $(x).toml").display().to_string();
    let shared = sandbox.path("shared").display().to_string();
    assert_eq!(calls[..6], ["sweep", scenario.as_str(), "--shard", "0/2", "--out", shared.as_str()]);
    assert_eq!(calls[6..], ["--quiet", "merge", shared.as_str(), "--quiet"]);
}

#[test]
fn slurm_checks_the_size_and_passes_allow_large_only_when_given() {
    let sandbox = Sandbox::new();
    let big = with_sweep("\"department.IT.staff\" = [1, 2]\n").replace("horizon = 2000.0", "horizon = 1e12");
    sandbox.write("big.toml", &big);
    let stderr = sandbox.run(&["slurm", "big.toml", "--shards", "2", "--out", "shared"]).failure();
    assert!(stderr.contains("hours of computing") && stderr.contains("--allow-large"), "{stderr}");
    assert!(!Path::new(&sandbox.path("shared")).exists(), "no script written");
    sandbox.run(&["slurm", "big.toml", "--shards", "2", "--out", "shared", "--allow-large", "--quiet"]).success();
    let array = std::fs::read_to_string(sandbox.path("shared/slurm/array.sh")).unwrap();
    assert!(array.contains("--allow-large"), "{array}");
}

#[test]
fn sweeping_what_cannot_vary_is_refused_with_what_to_use_instead() {
    let sandbox = Sandbox::new();
    for (path, advice) in [
        ("seed", "--seed"),
        ("replications", "--replications"),
        ("behavior.enabled", "orgsim compare"),
        ("department.IT.name", "orgsim compare"),
    ] {
        let values = if path == "behavior.enabled" { "[true, false]" } else { "[1, 2]" };
        sandbox.write("bad.toml", &with_sweep(&format!("\"{path}\" = {values}\n")));
        let stderr = sandbox.run(&["sweep", "bad.toml"]).failure();
        assert!(stderr.contains(path) && stderr.contains(advice) && stderr.contains("bad.toml:"), "{path}: {stderr}");
        nothing_written(&sandbox);
    }
}

#[test]
fn every_command_takes_quiet_and_every_simulating_command_the_shared_options() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", &with_sweep("\"department.IT.staff\" = [1, 2]\n"));
    sandbox.write("variant.toml", &with_sweep("\"department.IT.staff\" = [1, 2]\n").replace("staff = 2", "staff = 3"));
    assert!(sandbox.run(&["validate", "small.toml", "--quiet"]).success().is_empty());
    assert!(!sandbox.run(&["new", "--quiet"]).success().is_empty(), "new still prints the scenario it exists for");
    let shared = ["--replications", "2", "--seed", "5", "--threads", "1", "--quiet", "--no-plots"];
    let commands: [Vec<&str>; 5] = [
        vec!["run", "small.toml", "--out", "run"],
        vec!["sweep", "small.toml", "--out", "sweep"],
        vec!["compare", "small.toml", "variant.toml", "--out", "compare"],
        vec!["impact", "small.toml", "--out", "impact"],
        vec!["optimize", "small.toml", "--target", "ext_abandon_rate<=0.5", "--out", "optimize"],
    ];
    for mut command in commands {
        command.extend(shared);
        assert!(sandbox.run(&command).success().is_empty(), "{command:?} printed with --quiet");
    }
    assert!(sandbox.run(&["report", "run", "--no-plots", "--quiet"]).success().is_empty());
    sandbox
        .run(&["sweep", "small.toml", "--shard", "0/1", "--out", "shards", "--quiet", "--replications", "2"])
        .success();
    assert!(sandbox.run(&["merge", "shards", "--quiet"]).success().is_empty());
    let slurm = ["slurm", "small.toml", "--shards", "1", "--out", "s", "--quiet", "--seed", "5", "--threads", "2"];
    assert!(sandbox.run(&slurm).success().is_empty());
    let array = std::fs::read_to_string(sandbox.path("s/slurm/array.sh")).unwrap();
    assert!(array.contains("--seed 5 --threads 2"), "{array}");
}

#[test]
fn errors_say_each_thing_once_and_numbers_briefly() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    let stderr = sandbox.run(&["run", "small.toml", "--out", "o", "--trace", "no/such/folder/trace.csv"]).failure();
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("trace.csv").count(), 1, "{stderr}");
    sandbox.write("bad.toml", &with_sweep("\"department.ITT.staff\" = [1, 2]\n"));
    let stderr = sandbox.run(&["sweep", "bad.toml"]).failure();
    assert_eq!(stderr.matches("`department.ITT.staff`").count(), 1, "{stderr}");
    sandbox.write(
        "huge.toml",
        &SMALL.replace("horizon = 2000.0", "horizon = 1e12").replace("arrival_rate = 1.0", "arrival_rate = 1e9"),
    );
    let stderr = sandbox.run(&["run", "huge.toml"]).failure();
    assert!(stderr.contains("e21 events") || stderr.contains("e22 events"), "{stderr}");
    let longest_digits = stderr.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    assert!(longest_digits < 16, "a number printed in full: {stderr}");
}
