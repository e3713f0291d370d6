//! `--set PATH=VALUE` on every command that reads a scenario, and
//! `compare --variant-set`: a set value is the file's own value, checked
//! the same way, recorded in the resolved scenario.toml and carried to
//! cluster jobs.

use crate::util::{SMALL, Sandbox, csv_rows};

/// SMALL with IT's staff written as `staff`.
fn small_with_it(staff: u32) -> String {
    SMALL.replace("name = \"IT\"\nstaff = 2", &format!("name = \"IT\"\nstaff = {staff}"))
}

#[test]
fn a_set_value_runs_as_if_the_file_said_it() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    sandbox.write("three.toml", &small_with_it(3));
    sandbox.run(&["run", "small.toml", "--set", "department.IT.staff=3", "--out", "set", "--no-plots"]).success();
    sandbox.run(&["run", "three.toml", "--out", "file", "--no-plots"]).success();
    for file in ["summary.csv", "departments.csv", "scenario.toml"] {
        assert_eq!(
            std::fs::read(sandbox.path("set").join(file)).unwrap(),
            std::fs::read(sandbox.path("file").join(file)).unwrap(),
            "{file}"
        );
    }
    // Several, in order; the social layer's switch too.
    sandbox
        .run(&[
            "run",
            "small.toml",
            "--set",
            "behavior.enabled=true",
            "--set",
            "customers.arrival_rate=0.5",
            "--out",
            "two",
            "--no-plots",
        ])
        .success();
    let resolved = std::fs::read_to_string(sandbox.path("two/scenario.toml")).unwrap();
    assert!(resolved.contains("arrival_rate = 0.5") && resolved.contains("enabled = true"), "{resolved}");
    let stdout = sandbox.run(&["validate", "small.toml", "--set", "department.IT.staff=5"]).success();
    assert!(stdout.contains("--set department.IT.staff=5"), "{stdout}");
}

#[test]
fn a_bad_set_is_refused_like_a_bad_file_value() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    sandbox.write("swept.toml", &(SMALL.to_string() + "[sweep]\n\"department.IT.staff\" = [2, 3]\n"));
    let cases: [(&[&str], &[&str]); 8] = [
        (
            &["run", "small.toml", "--set", "department.IT.staff=0"],
            &["--set department.IT.staff=0", "must be a whole number ≥ 1"],
        ),
        (&["run", "small.toml", "--set", "department.ITT.staff=3"], &["no department is named \"ITT\"", "\"IT\""]),
        (&["run", "small.toml", "--set", "department.IT.stafff=3"], &["unknown field `stafff`"]),
        (&["run", "small.toml", "--set", "department.IT.staff"], &["no `=`", "PATH=VALUE"]),
        (&["run", "small.toml", "--set", "behavior.enabled=maybe"], &["behavior.enabled", "maybe"]),
        (&["run", "small.toml", "--set", "customers.arrival_rate=1e300"], &["arrival_rate", "at most"]),
        (&["sweep", "swept.toml", "--set", "department.IT.staff=3"], &["varied by this scenario's [sweep]"]),
        (&["compare", "small.toml", "--variant-set", "department.IT.skill=1.5"], &["skill", "at most 1"]),
    ];
    for (args, words) in cases {
        let mut args = args.to_vec();
        args.extend(["--out", "out"]);
        let stderr = sandbox.run(&args).failure();
        for word in words {
            assert!(stderr.contains(word), "{args:?}: {word}: {stderr}");
        }
        assert!(!sandbox.path("out").exists(), "{args:?} left output");
    }
    // Exit code 2: bad input.
    let outcome = sandbox.run(&["run", "small.toml", "--set", "department.IT.staff=-1"]);
    assert_eq!(outcome.output.status.code(), Some(2));
    let stderr = sandbox.run(&["compare", "small.toml", "--variant-set", ";"]).failure();
    assert!(stderr.contains("at least one PATH=VALUE"), "{stderr}");
}

#[test]
fn a_variant_set_compares_like_a_variant_file() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    sandbox.write("variant 1.toml", &small_with_it(3));
    sandbox.run(&["compare", "small.toml", "variant 1.toml", "--out", "files", "--quiet"]).success();
    sandbox
        .run(&["compare", "small.toml", "--variant-set", "department.IT.staff=3", "--out", "set", "--quiet"])
        .success();
    let files = std::fs::read(sandbox.path("files/compare.csv")).unwrap();
    assert_eq!(files, std::fs::read(sandbox.path("set/compare.csv")).unwrap());
    assert!(csv_rows(&sandbox.path("set"), "compare.csv").iter().all(|r| r["variant"] == "variant 1"));
    // Two variants, named in order.
    sandbox
        .run(&[
            "compare",
            "small.toml",
            "--variant-set",
            "department.IT.staff=3",
            "--variant-set",
            "department.IT.staff=4;department.IT.skill=0.9",
            "--out",
            "two",
            "--quiet",
        ])
        .success();
    let rows = csv_rows(&sandbox.path("two"), "compare.csv");
    assert!(rows.iter().any(|r| r["variant"] == "variant 2"), "{rows:?}");
}

#[test]
fn cluster_jobs_repeat_every_set_quoted_for_the_shell() {
    let sandbox = Sandbox::new();
    sandbox.write("swept.toml", &(SMALL.to_string() + "[sweep]\n\"department.IT.staff\" = [2, 3]\n"));
    sandbox
        .run(&[
            "slurm",
            "swept.toml",
            "--shards",
            "2",
            "--out",
            "cluster",
            "--set",
            "department.Front Desk.cost_per_time=2",
            "--set",
            "department.IT.service={ dist = \"exponential\", mean = 3.0 }",
        ])
        .success();
    let script = std::fs::read_to_string(sandbox.path("cluster/slurm/array.sh")).unwrap();
    assert!(script.contains("--set 'department.Front Desk.cost_per_time=2'"), "{script}");
    assert!(script.contains("--set 'department.IT.service={ dist = \"exponential\", mean = 3.0 }'"), "{script}");
    // Each shard, run as the script says, carries the set into its manifest:
    // shards with and without it do not merge.
    for (shard, set) in [("0/2", true), ("1/2", false)] {
        let mut args = vec!["sweep", "swept.toml", "--shard", shard, "--out", "mixed", "--quiet"];
        if set {
            args.extend(["--set", "department.Front Desk.cost_per_time=2"]);
        }
        sandbox.run(&args).success();
    }
    let stderr = sandbox.run(&["merge", "mixed", "--out", "merged"]).failure();
    assert!(stderr.contains("scenario"), "{stderr}");
}
