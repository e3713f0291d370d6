//! Sampled sweep designs: a Latin hypercube fills each range stratum by
//! stratum; a Sobol design finds the one parameter that matters, keeps its
//! blocks through shards and merge, and bad design keys are refused.

use crate::util::{Sandbox, csv_rows};

/// An M/M/c queue (social layer off) where only the staff can change the
/// waits: the cost of a person and a customer's value change nothing the
/// customers meet.
fn queue(design: &str, samples: u64) -> String {
    format!(
        r#"name = "mmc-design"
time_unit = "minute"
horizon = 1500.0
warmup = 150.0
replications = 2
seed = 5
[customers]
arrival_rate = 2.0
value = 10.0
[[department]]
name = "Desk"
front_line = true
staff = 3
cost_per_time = 1.0
service = {{ dist = "exponential", mean = 1.0 }}
[behavior]
enabled = false
[sweep]
design = "{design}"
samples = {samples}
"department.Desk.staff" = {{ from = 3, to = 6 }}
"department.Desk.cost_per_time" = {{ from = 0.5, to = 2.0 }}
"customers.value" = {{ from = 1.0, to = 100.0 }}
"#
    )
}

#[test]
fn a_sobol_design_finds_the_one_parameter_that_matters() {
    let sandbox = Sandbox::new();
    sandbox.write("sobol.toml", &queue("sobol", 256));
    sandbox.run(&["sweep", "sobol.toml", "--out", "out", "--quiet"]).success();
    let folder = sandbox.path("out");
    let sweep = csv_rows(&folder, "sweep.csv");
    assert_eq!(sweep.len(), 256 * 5, "N·(k + 2) points");
    let blocks: Vec<&str> = sweep[..5].iter().map(|r| r["block"].as_str()).collect();
    assert_eq!(blocks, ["A", "B", "AB1", "AB2", "AB3"]);
    assert!(sweep.iter().all(|r| (3..=6).contains(&r["param.department.Desk.staff"].parse::<i64>().unwrap())));
    let rows = csv_rows(&folder, "sensitivity.csv");
    let index = |parameter: &str, column: &str| -> f64 {
        let row = rows.iter().find(|r| r["metric"] == "ext_wait_mean" && r["parameter"] == parameter).unwrap();
        row[column].parse().unwrap_or_else(|_| panic!("{column} of {parameter}: {row:?}"))
    };
    assert!(index("department.Desk.staff", "st") > 0.9, "staff's total index {}", index("department.Desk.staff", "st"));
    for other in ["department.Desk.cost_per_time", "customers.value"] {
        assert!(index(other, "st") < 0.05 && index(other, "s1").abs() < 0.05, "{other}: {}", index(other, "st"));
    }
    assert!(index("department.Desk.staff", "st_ci_low") <= index("department.Desk.staff", "st"));
    assert!(folder.join("plots/sensitivity-ext_wait_mean.svg").exists());
    // The headline names the parameter with the largest total index, with
    // sensitivity.csv's figures.
    let page = std::fs::read_to_string(folder.join("report.html")).unwrap();
    let expected = format!(
        "Desk: staff explains most of the variance of mean wait before service: total Sobol index {} ({})",
        orgsim::readable::number(index("department.Desk.staff", "st")),
        orgsim::readable::interval(
            index("department.Desk.staff", "st_ci_low"),
            index("department.Desk.staff", "st_ci_high")
        )
    );
    assert!(page.contains(&expected), "{expected}");
    // The folder alone gives the indices back.
    let written = std::fs::read(folder.join("sensitivity.csv")).unwrap();
    std::fs::remove_file(folder.join("sensitivity.csv")).unwrap();
    sandbox.run(&["report", "out", "--quiet"]).success();
    assert!(written == std::fs::read(folder.join("sensitivity.csv")).unwrap(), "report recomputes the same indices");
    // A grid sweep into the same folder leaves no stale indices behind.
    let grid = queue("grid", 2)
        .replace("samples = 2\n", "")
        .replace("{ from = 3, to = 6 }", "[3, 4]")
        .replace("{ from = 0.5, to = 2.0 }", "[1.0]")
        .replace("{ from = 1.0, to = 100.0 }", "[10.0]");
    sandbox.write("grid.toml", &grid);
    let stdout = sandbox.run(&["sweep", "grid.toml", "--out", "out", "--no-plots"]).success();
    assert!(!folder.join("sensitivity.csv").exists() && !stdout.contains("sensitivity.csv"), "{stdout}");
}

#[test]
fn sobol_indices_from_too_few_samples_say_so() {
    let sandbox = Sandbox::new();
    sandbox.write("few.toml", &queue("sobol", 16));
    let outcome = sandbox.run(&["sweep", "few.toml", "--out", "few", "--no-plots"]);
    let stderr = outcome.stderr();
    outcome.success();
    let rows = csv_rows(&sandbox.path("few"), "sensitivity.csv");
    let width = |r: &std::collections::HashMap<String, String>, a: &str, b: &str| {
        r[b].parse::<f64>().unwrap_or(0.0) - r[a].parse::<f64>().unwrap_or(0.0)
    };
    let mut widest: f64 = 0.0;
    for row in &rows {
        let wide = width(row, "s1_ci_low", "s1_ci_high").max(width(row, "st_ci_low", "st_ci_high"));
        widest = widest.max(wide);
        assert_eq!(row["note"].contains("few_samples"), wide > 0.2, "{row:?}");
        let above = row["s1_ci_low"].parse::<f64>().unwrap_or(0.0) > row["st_ci_high"].parse::<f64>().unwrap_or(1.0);
        assert_eq!(row["note"].contains("s1_above_st"), above, "{row:?}");
    }
    assert!(widest > 0.2, "16 samples leave wide intervals: {widest}");
    let factor = (widest / 0.2).powi(2).ceil();
    assert!(
        stderr.contains("too few samples") && stderr.contains(&format!("raise samples about {}-fold", factor as u64)),
        "{stderr}"
    );
    // 256 samples narrow them: no note on the queue's parameters' total
    // indices for the wait.
    sandbox.write("many.toml", &queue("sobol", 256));
    sandbox.run(&["sweep", "many.toml", "--out", "many", "--quiet", "--no-plots"]).success();
    let rows = csv_rows(&sandbox.path("many"), "sensitivity.csv");
    let wait = rows.iter().filter(|r| r["metric"] == "ext_wait_mean").collect::<Vec<_>>();
    assert!(wait.iter().all(|r| !r["note"].contains("s1_above_st")), "{wait:?}");
}

#[test]
fn a_sobol_design_in_shards_merges_into_the_same_indices() {
    let sandbox = Sandbox::new();
    sandbox.write("sobol.toml", &queue("sobol", 16));
    sandbox.run(&["sweep", "sobol.toml", "--out", "one", "--quiet", "--no-plots"]).success();
    for shard in ["0/3", "1/3", "2/3"] {
        sandbox.run(&["sweep", "sobol.toml", "--shard", shard, "--out", "shards", "--quiet"]).success();
    }
    sandbox.run(&["merge", "shards", "--out", "merged", "--quiet"]).success();
    for file in ["sweep.csv", "sensitivity.csv"] {
        let one = std::fs::read(sandbox.path("one").join(file)).unwrap();
        assert!(one == std::fs::read(sandbox.path("merged").join(file)).unwrap(), "{file} differs after merge");
    }
}

#[test]
fn a_latin_hypercube_uses_every_stratum_once() {
    let sandbox = Sandbox::new();
    sandbox.write("lhs.toml", &queue("lhs", 20));
    sandbox.run(&["sweep", "lhs.toml", "--out", "out", "--quiet"]).success();
    let folder = sandbox.path("out");
    let sweep = csv_rows(&folder, "sweep.csv");
    assert_eq!(sweep.len(), 20);
    assert!(!sweep[0].contains_key("block") && !folder.join("sensitivity.csv").exists());
    let mut strata: Vec<usize> = sweep
        .iter()
        .map(|r| ((r["param.department.Desk.cost_per_time"].parse::<f64>().unwrap() - 0.5) / 1.5 * 20.0) as usize)
        .collect();
    strata.sort_unstable();
    assert_eq!(strata, (0..20).collect::<Vec<_>>());
    // Staff, a whole number, takes each of 3–6 five times.
    for staff in 3..=6 {
        let count = sweep.iter().filter(|r| r["param.department.Desk.staff"] == staff.to_string()).count();
        assert_eq!(count, 5, "staff {staff}");
    }
    assert!(folder.join("plots/scatter-ext_wait_mean.svg").exists());
    // The headline names staff as what moves the wait most, by its rank
    // correlation over the points, computed here from sweep.csv.
    let staff: Vec<f64> = sweep.iter().map(|r| r["param.department.Desk.staff"].parse().unwrap()).collect();
    let wait: Vec<f64> = sweep.iter().map(|r| r["ext_wait_mean_mean"].parse().unwrap()).collect();
    let rho = orgsim::experiment::importance::rank_correlation(&staff, &wait);
    assert!(rho < -0.8, "{rho}");
    let page = std::fs::read_to_string(folder.join("report.html")).unwrap();
    let expected = format!(
        "Desk: staff moves mean wait before service most: rank correlation {} over 20 points",
        orgsim::readable::number(rho)
    );
    assert!(page.contains(&expected), "{expected}");
    // The design's own seed changes the points; the same seed repeats them.
    sandbox.write("seeded.toml", &queue("lhs", 20).replace("samples = 20", "samples = 20\nseed = 99"));
    sandbox.run(&["sweep", "seeded.toml", "--out", "seeded", "--quiet", "--no-plots"]).success();
    let seeded = csv_rows(&sandbox.path("seeded"), "sweep.csv");
    assert_ne!(seeded[0]["param.customers.value"], sweep[0]["param.customers.value"]);
}

#[test]
fn bad_design_keys_are_refused_with_what_would_be_valid() {
    let sandbox = Sandbox::new();
    let base = queue("sobol", 16);
    let cases: [(&str, String, &str); 9] = [
        (
            "design",
            base.replace("design = \"sobol\"", "design = \"random\""),
            "must be \"grid\", \"one-at-a-time\", \"lhs\" or \"sobol\"",
        ),
        ("no samples", base.replace("samples = 16\n", ""), "needs the number of points to draw"),
        ("one sample", base.replace("samples = 16", "samples = 1"), "sweep.samples"),
        ("too many", base.replace("samples = 16", "samples = 70000"), "at most 65536 samples"),
        (
            "grid samples",
            base.replace("design = \"sobol\"", "design = \"grid\"")
                .replace("{ from = 3, to = 6 }", "[3, 4]")
                .replace("{ from = 0.5, to = 2.0 }", "[1.0]")
                .replace("{ from = 1.0, to = 100.0 }", "[1.0]"),
            "only a sampled design",
        ),
        (
            "steps",
            base.replace("{ from = 0.5, to = 2.0 }", "{ from = 0.5, to = 2.0, steps = 4 }"),
            "give { from, to } only",
        ),
        ("list", base.replace("{ from = 0.5, to = 2.0 }", "[0.5, 1.0]"), "draws each parameter from a range"),
        (
            "backwards",
            base.replace("{ from = 0.5, to = 2.0 }", "{ from = 2.0, to = 0.5 }"),
            "`from` must be below `to`",
        ),
        ("fractional staff", base.replace("{ from = 3, to = 6 }", "{ from = 2.5, to = 6 }"), "takes whole numbers"),
    ];
    for (what, text, expected) in cases {
        sandbox.write("bad.toml", &text);
        let stderr = sandbox.run(&["sweep", "bad.toml", "--out", "never", "--quiet"]).failure();
        assert!(stderr.contains(expected) && stderr.contains("bad.toml"), "{what}: expected {expected:?} in\n{stderr}");
        assert!(!sandbox.path("never").exists(), "{what}: nothing written");
    }
    sandbox.write("seed.toml", &base.replace("samples = 16", "samples = 16\nseed = -1"));
    let stderr = sandbox.run(&["validate", "seed.toml"]).failure();
    assert!(stderr.contains("sweep.seed"), "{stderr}");
}

#[test]
fn a_whole_number_key_is_drawn_whole_whatever_the_scenario_writes_there() {
    let sandbox = Sandbox::new();
    // The desk's staff is "unlimited" in the file: the key still takes
    // whole numbers, so the design draws whole head counts.
    let text = queue("lhs", 12).replace("staff = 3", "staff = \"unlimited\"").replace(
        "\"department.Desk.staff\" = { from = 3, to = 6 }",
        "\"department.Desk.staff\" = { from = 3, to = 5 }",
    );
    sandbox.write("unlimited.toml", &text);
    sandbox.run(&["sweep", "unlimited.toml", "--out", "out", "--quiet", "--no-plots"]).success();
    let staff: Vec<String> = csv_rows(&sandbox.path("out"), "sweep.csv")
        .into_iter()
        .map(|r| r["param.department.Desk.staff"].clone())
        .collect();
    assert!(staff.iter().all(|s| ["3", "4", "5"].contains(&s.as_str())), "{staff:?}");
}
