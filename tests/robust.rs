//! `orgsim impact --robust`: the ranking over plausible worlds, what it
//! leans on, and the refusals.

use crate::util::{Sandbox, csv_rows};

/// The baseline organization on a shorter horizon.
fn short_baseline() -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml")).unwrap();
    text.replace("horizon = 10000.0", "horizon = 3000.0").replace("warmup = 2000.0", "warmup = 500.0")
}

#[test]
fn the_ranking_over_plausible_worlds_says_how_stable_it_is_and_what_it_leans_on() {
    let sandbox = Sandbox::new();
    sandbox.write("base.toml", &short_baseline());
    let args = ["impact", "base.toml", "--robust", "--worlds", "40", "--replications", "1"];
    let stdout = sandbox.run(&[&args[..], &["--out", "many"]].concat()).success();
    assert!(stdout.contains("ranks first in"), "{stdout}");
    let folder = sandbox.path("many");
    let ranks = csv_rows(&folder, "robust.csv");
    let number = |row: &std::collections::HashMap<String, String>, c: &str| row[c].parse::<f64>().unwrap();
    // Every internal team, each world counted once as somebody's first.
    assert_eq!(ranks.len(), 6, "{ranks:?}");
    let firsts: f64 = ranks.iter().map(|r| number(r, "first_share")).sum();
    assert!((firsts - 1.0).abs() < 1e-9, "{firsts}");
    for row in &ranks {
        assert!(number(row, "top3_share") >= number(row, "first_share") && row["worlds"] == "40", "{row:?}");
        assert!(
            number(row, "gain_p05") <= number(row, "gain_median")
                && number(row, "gain_median") <= number(row, "gain_p95")
        );
    }
    assert!(number(&ranks[0], "first_share") >= number(&ranks[1], "first_share"));
    let assumptions = csv_rows(&folder, "robust-assumptions.csv");
    assert!(assumptions.len() >= 25 && assumptions.len() + 10 <= 40, "{}", assumptions.len());
    for row in &assumptions {
        let (value, low, high) = (number(row, "importance"), number(row, "ci_low"), number(row, "ci_high"));
        assert!((-1.0..=1.0).contains(&value) && low <= high, "{row:?}");
        assert!((-1.0..=1.0).contains(&low) && (-1.0..=1.0).contains(&high), "Fisher's z stays inside: {row:?}");
        assert!((0.0..=1.0).contains(&number(row, "p_value")), "{row:?}");
        assert!(number(row, "from") < number(row, "to"), "{row:?}");
    }
    // The headline names an assumption only when Holm's procedure lets it
    // stand out, the largest of those; otherwise it says none does.
    let standing: Vec<_> = assumptions.iter().filter(|r| r["stands_out"] == "true").collect();
    let sentence =
        match standing.iter().max_by(|a, b| number(a, "importance").abs().total_cmp(&number(b, "importance").abs())) {
            Some(row) => format!("leans most on {}", row["assumption"]),
            None => "no single assumption stands out at 40 worlds".to_string(),
        };
    assert!(stdout.contains(&sentence), "{sentence}: {stdout}");
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    assert!(html.contains("ranks first in") && html.contains(&sentence), "report sentence");
    // Every world carries the verdict of its runs; as many seeds-only runs
    // repeat the scenario's own assumptions under other seeds.
    let worlds = csv_rows(&folder, "robust-worlds.csv");
    assert_eq!(worlds.len(), 80);
    assert!(
        worlds.iter().all(|w| orgsim::experiment::diagnostics::Verdict::parse(&w["verdict"]).is_some()),
        "{:?}",
        worlds[0]
    );
    let seeds: Vec<_> = worlds.iter().filter(|w| w["kind"] == "seeds_only").collect();
    assert_eq!((seeds.len(), worlds.iter().filter(|w| w["kind"] == "world").count()), (40, 40));
    let name = &assumptions[0]["assumption"];
    assert!(seeds.iter().all(|w| w[name] == seeds[0][name]), "one set of assumption values");
    let gain = format!("gain.{}", ranks[0]["department"]);
    assert!(seeds.iter().any(|w| w[&gain] != seeds[0][&gain]), "other seeds, other gains");
    let seeds_first: f64 = ranks.iter().map(|r| number(r, "first_share_seeds_only")).sum();
    assert!((seeds_first - 1.0).abs() < 1e-9, "each seeds-only run has one first: {seeds_first}");
    for chart in ["robust-ranks", "robust-assumptions"] {
        assert!(folder.join(format!("plots/{chart}.svg")).exists(), "{chart}");
    }
    // One thread or many: the same bytes; and the folder rebuilds its report.
    sandbox.run(&[&args[..], &["--out", "one", "--threads", "1", "--quiet", "--no-plots"]].concat()).success();
    for file in ["robust.csv", "robust-assumptions.csv"] {
        let a = std::fs::read(folder.join(file)).unwrap();
        assert!(a == std::fs::read(sandbox.path("one").join(file)).unwrap(), "{file} depends on the threads");
    }
    std::fs::remove_file(folder.join("report.html")).unwrap();
    sandbox.run(&["report", "many", "--quiet"]).success();
    assert!(std::fs::read_to_string(folder.join("report.html")).unwrap().contains(&sentence));
}

#[test]
fn too_few_worlds_keep_the_stability_and_say_why_the_importance_is_missing() {
    let sandbox = Sandbox::new();
    sandbox.write("base.toml", &short_baseline());
    let outcome =
        sandbox.run(&["impact", "base.toml", "--robust", "--worlds", "8", "--replications", "1", "--out", "few"]);
    let stdout = outcome.success();
    assert!(outcome.stderr().contains("too few to tell which"), "{}", outcome.stderr());
    assert!(stdout.contains("too few worlds to say"), "{stdout}");
    let assumptions = csv_rows(&sandbox.path("few"), "robust-assumptions.csv");
    assert!(assumptions.iter().all(|r| r["importance"].is_empty() && !r["from"].is_empty()));
    assert_eq!(csv_rows(&sandbox.path("few"), "robust.csv")[0]["worlds"], "8");
}

#[test]
fn robust_flags_and_scenarios_it_cannot_use_are_refused() {
    let sandbox = Sandbox::new();
    sandbox.write("base.toml", &short_baseline());
    let day = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml");
    let cases: [(&[&str], &str); 3] = [
        (&["impact", "base.toml", "--robust", "--worlds", "1"], "--worlds"),
        (&["impact", "base.toml", "--worlds", "8"], "--robust"),
        (&["impact", day, "--robust", "--worlds", "8"], "switches off"),
    ];
    for (args, expected) in cases {
        let stderr = sandbox.run(&[args, &["--out", "never", "--quiet"]].concat()).failure();
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!sandbox.path("never").exists(), "{args:?}: nothing written");
    }
}

#[test]
fn a_scenario_gives_its_own_plausible_ranges_and_bad_ones_are_refused() {
    let sandbox = Sandbox::new();
    let own =
        "\n[robust]\n\"behavior.rework_per_defect\" = { from = 0.2, to = 3.0 }\nskill = { from = -0.02, to = 0.05 }\n";
    sandbox.write("own.toml", &format!("{}{own}", short_baseline()));
    sandbox
        .run(&["impact", "own.toml", "--robust", "--worlds", "4", "--replications", "1", "--out", "own", "--quiet"])
        .success();
    let rows = csv_rows(&sandbox.path("own"), "robust-assumptions.csv");
    let range = |name: &str| {
        let row = rows.iter().find(|r| r["assumption"] == name).unwrap();
        (row["from"].clone(), row["to"].clone())
    };
    assert_eq!(range("behavior.rework_per_defect"), ("0.2".to_string(), "3".to_string()));
    assert_eq!(range("skill"), ("-0.02".to_string(), "0.05".to_string()));
    let cases = [
        ("\"behavior.enabled\" = { from = 0, to = 1 }", "is not an assumption an impact ranking varies"),
        ("\"behavior.weight_quality\" = { from = 0.1, to = 0.5 }", "drawn over the whole simplex"),
        ("\"behavior.rework_cap\" = { from = 0.5, to = 0.2 }", "`from` must be below `to`"),
        ("\"behavior.rework_cap\" = { from = 0.5, to = 2.0 }", "robust.\"behavior.rework_cap\".to"),
        ("morale = { from = -2.0, to = 0.1 }", "must be a number ≥ -1"),
        ("skill = 0.1", "must be a range { from, to }"),
        ("skill = { from = 0.0, to = 0.1, steps = 3 }", "unknown key `steps`"),
    ];
    for (line, expected) in cases {
        sandbox.write("bad.toml", &format!("{}\n[robust]\n{line}\n", short_baseline()));
        let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
        assert!(stderr.contains(expected) && stderr.contains("bad.toml"), "{line}: expected {expected:?} in\n{stderr}");
    }
}

#[test]
fn worlds_spread_over_shards_merge_into_the_files_of_one_machine() {
    let sandbox = Sandbox::new();
    sandbox.write("base.toml", &short_baseline());
    let args = ["impact", "base.toml", "--robust", "--worlds", "6", "--replications", "1", "--quiet"];
    sandbox.run(&[&args[..], &["--out", "one", "--no-plots"]].concat()).success();
    for shard in ["0/2", "1/2"] {
        sandbox.run(&[&args[..], &["--shard", shard, "--out", "shards"]].concat()).success();
    }
    sandbox.run(&["merge", "shards", "--out", "merged", "--quiet"]).success();
    for file in ["robust.csv", "robust-assumptions.csv", "robust-worlds.csv"] {
        let one = std::fs::read(sandbox.path("one").join(file)).unwrap();
        assert!(one == std::fs::read(sandbox.path("merged").join(file)).unwrap(), "{file} differs after merge");
    }
    assert!(sandbox.path("merged/report.html").exists());
    // A missing shard is named.
    std::fs::remove_file(sandbox.path("shards/shard-1-of-2.toml")).unwrap();
    let stderr = sandbox.run(&["merge", "shards", "--out", "incomplete"]).failure();
    assert!(stderr.contains("shard-1-of-2"), "{stderr}");
    let stderr = sandbox.run(&["impact", "base.toml", "--shard", "0/2", "--out", "never"]).failure();
    assert!(stderr.contains("--robust"), "--shard needs --robust: {stderr}");
}
