//! `orgsim slurm` on a real Slurm cluster. `.ci/run` starts a one-node
//! cluster on localhost (munge, slurmctld, slurmd) and exports SLURM_CONF;
//! under CI=true these tests fail without it, elsewhere they skip.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::util::{SMALL, Sandbox};

fn cluster() -> bool {
    let available = std::env::var_os("SLURM_CONF").is_some()
        && Command::new("sinfo")
            .arg("-h")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must start a Slurm cluster and export SLURM_CONF (see .ci/run)"
        );
        eprintln!("skipped: no Slurm cluster (SLURM_CONF unset or sinfo failing)");
    }
    available
}

/// Runs orgsim in the sandbox, killing it after two minutes.
fn run_bounded(sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(args)
        .current_dir(sandbox.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start orgsim");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("orgsim {} did not finish within two minutes", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

fn sweep() -> String {
    SMALL.replace("\n[behavior]\nenabled = false\n", "\n")
        + "[sweep]\n\"department.IT.staff\" = [1, 2, 3]\n\"department.Front Desk.needs.IT.silo_delay\" = [0.0, 2.0]\n"
}

#[test]
fn a_sweep_through_slurm_merges_to_the_bytes_of_a_local_run() {
    if !cluster() {
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", &sweep());
    // A value set on the command line reaches every job.
    let set = "department.Front Desk.cost_per_time=2";
    sandbox.run(&["sweep", "small.toml", "--out", "local", "--quiet", "--set", set]).success();
    let output = run_bounded(
        &sandbox,
        &["slurm", "small.toml", "--shards", "3", "--out", "cluster", "--submit", "--wait", "--set", set],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("job array") && stdout.contains("merged"), "{stdout}");
    for file in ["sweep.csv", "scenario.toml", "report.html"] {
        let local = std::fs::read(sandbox.path("local").join(file)).unwrap();
        let cluster = std::fs::read(sandbox.path("cluster").join(file)).unwrap();
        assert!(local == cluster, "{file} differs between the local sweep and the cluster's");
    }
    let script = std::fs::read_to_string(sandbox.path("cluster/slurm/array.sh")).unwrap();
    assert!(script.contains("#SBATCH --array=0-2") && script.contains("RAYON_NUM_THREADS"), "{script}");
}

#[test]
fn a_failed_shard_cancels_the_merge_and_is_named() {
    if !cluster() {
        return;
    }
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", &sweep());
    // A program that fails for array task 1 and runs orgsim otherwise.
    let wrapper = sandbox.write(
        "flaky.sh",
        &format!(
            "#!/bin/sh\nif [ \"$SLURM_ARRAY_TASK_ID\" = 1 ]; then echo 'shard 1 fails on purpose' >&2; exit 3; fi\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_orgsim")
        ),
    );
    Command::new("chmod").arg("+x").arg(&wrapper).status().unwrap();
    let output = run_bounded(
        &sandbox,
        &["slurm", "small.toml", "--shards", "3", "--out", "broken", "--submit", "--wait", "--program", "flaky.sh"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("shard 1") && stderr.contains("--shard 1/3") && stderr.contains("cancelled"), "{stderr}");
    assert!(!sandbox.path("broken/sweep.csv").exists(), "the merge must not run");
    assert!(sandbox.path("broken/shard-0-of-3.toml").exists() && sandbox.path("broken/shard-2-of-3.toml").exists());
    let log = std::fs::read_to_string(sandbox.path("broken/slurm/shard-1.log")).unwrap();
    assert!(log.contains("fails on purpose"), "{log}");
}

#[test]
fn robust_worlds_through_slurm_merge_to_the_bytes_of_a_local_run() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", &SMALL.replace("\n[behavior]\nenabled = false\n", "\n"));
    // The scripts, written everywhere: the shards run impact --robust with
    // every value quoted.
    sandbox
        .run(&[
            "slurm",
            "small.toml",
            "--robust",
            "--worlds",
            "6",
            "--step",
            "staff",
            "--by",
            "revenue_at_risk",
            "--shards",
            "2",
            "--out",
            "scripts",
            "--quiet",
        ])
        .success();
    let script = std::fs::read_to_string(sandbox.path("scripts/slurm/array.sh")).unwrap();
    assert!(
        script.contains(" impact ") && script.contains("--robust --worlds 6 --step 'staff' --by 'revenue_at_risk'"),
        "{script}"
    );
    let stderr = sandbox.run(&["slurm", "small.toml", "--worlds", "6", "--shards", "2"]).failure();
    assert!(stderr.contains("--robust"), "{stderr}");
    if !cluster() {
        return;
    }
    let args = ["--robust", "--worlds", "6", "--replications", "2"];
    sandbox.run(&[&["impact", "small.toml", "--out", "local", "--quiet"][..], &args[..]].concat()).success();
    let output = run_bounded(
        &sandbox,
        &[&["slurm", "small.toml", "--shards", "2", "--out", "cluster", "--submit", "--wait"][..], &args[..]].concat(),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    for file in ["robust.csv", "robust-assumptions.csv", "robust-worlds.csv"] {
        let local = std::fs::read(sandbox.path("local").join(file)).unwrap();
        let cluster = std::fs::read(sandbox.path("cluster").join(file)).unwrap();
        assert!(local == cluster, "{file} differs between the local ranking and the cluster's");
    }
}
