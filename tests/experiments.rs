//! Sweeps, paired comparisons, impact attribution and staffing search.

use orgsim::experiment::compare::{compare, unpaired};
use orgsim::experiment::confirm::Confirm;
use orgsim::experiment::impact::{Step, plan_impact, run_impact};
use orgsim::experiment::jobs::{Plan, Silent};
use orgsim::experiment::optimize::{Target, optimize};
use orgsim::experiment::sweep::{plan_sweep, run_sweep};
use orgsim::experiment::{self, CONFIDENCE};
use orgsim::scenario::Scenario;
use orgsim::theory;

use crate::util::{
    SMALL, Sandbox, assert_covers, assert_significant, bonferroni, department, paired, scenario, single_station, story,
    two_suppliers, values, variant,
};

fn plan_of(scenario: &Scenario) -> Plan {
    Plan { replications: scenario.replications, seed: scenario.seed, precision: None }
}

fn pure_desk(staff: u32) -> String {
    format!(
        r#"
name = "desk"
horizon = 30000.0
warmup = 3000.0
replications = 20
seed = 31
[customers]
arrival_rate = 4.0
[[department]]
name = "Desk"
front_line = true
staff = {staff}
service = {{ dist = "exponential", mean = 1.0 }}
[behavior]
enabled = false
"#
    )
}

#[test]
fn a_staff_sweep_of_a_pure_queue_matches_erlang_c_at_every_point() {
    let base = scenario(&(pure_desk(5) + "[sweep]\n\"department.Desk.staff\" = [5, 6, 7, 8]\n"));
    let plan = plan_sweep(&base, "desk").unwrap();
    assert_eq!(plan.points.len(), 4);
    let sweep = run_sweep(plan, &plan_of(&base), &Silent).unwrap();
    let checks = 8;
    for (servers, results) in (5..=8).zip(&sweep.results) {
        let (p_wait, wait) = theory::mmc_wait(servers, 4.0, 1.0).unwrap();
        assert_covers(bonferroni(&values(results, "ext_wait_prob"), checks), p_wait, &format!("M/M/{servers} P(wait)"));
        assert_covers(bonferroni(&values(results, "ext_wait_mean"), checks), wait, &format!("M/M/{servers} E[W]"));
    }
}

#[test]
fn the_staffing_sweep_story_has_a_knee_and_skill_substitutes_for_staff() {
    let base = story("it-staffing-sweep", 10);
    let sweep = run_sweep(plan_sweep(&base, "it-staffing-sweep").unwrap(), &plan_of(&base), &Silent).unwrap();
    // Points run staff 3..6 (outer) × skill 0.6, 0.8, 1.0 (inner).
    let satisfaction =
        |staff: usize, skill: usize| values(&sweep.results[(staff - 3) * 3 + skill], "ext_satisfaction_mean");
    let first_hire: Vec<f64> = satisfaction(4, 1).iter().zip(satisfaction(3, 1)).map(|(a, b)| a - b).collect();
    let second_hire: Vec<f64> = satisfaction(5, 1).iter().zip(satisfaction(4, 1)).map(|(a, b)| a - b).collect();
    assert_significant(paired(&second_hire, &first_hire, 2), 1.0, "the 4th person in IT buys more than the 5th");
    assert_significant(
        paired(&satisfaction(5, 0), &satisfaction(4, 2), 2),
        1.0,
        "skilled IT of 4 vs unskilled IT of 5",
    );
}

#[test]
fn the_same_scenario_under_another_seed_differs_in_about_5_percent_of_metrics() {
    let base = Scenario::default_scenario();
    let mut other = base.clone();
    other.set_seed(base.seed + 1000);
    // Different seeds: the runs are independent, so the true difference of
    // every metric is 0 and each 95% interval misses it with probability 5%.
    let differences = experiment::compare::differences(&experiment::run(base), &experiment::run(other));
    let defined: Vec<_> =
        differences.iter().filter(|d| d.paired.is_some_and(|e| !e.low.is_nan() && e.high > e.low)).collect();
    let misses = defined.iter().filter(|d| d.significant()).count();
    let m = defined.len() as f64;
    // Were the metrics independent, misses ~ Binomial(m, 0.05); allow its
    // mean + 4 standard deviations (metrics are correlated, which widens the
    // spread but not the mean).
    let bound = 0.05 * m + 4.0 * (m * 0.05 * 0.95).sqrt();
    assert!(m > 50.0, "{m} metrics compared");
    assert!((misses as f64) <= bound, "{misses} of {m} intervals exclude 0 (bound {bound:.1})");
}

#[test]
fn one_more_person_at_the_bottleneck_is_a_significant_improvement() {
    let base = story("it-understaffed", 10);
    let more = variant(&base, |file| department(file, "IT").add_staff(1));
    let results = compare(base.clone(), vec![("IT+1".into(), more)], &plan_of(&base), &Silent).unwrap();
    let comparison = &results.variants[0];
    for (metric, sign) in [("ext_abandon_rate", -1.0), ("revenue_at_risk", -1.0), ("ext_satisfaction_mean", 1.0)] {
        let difference = comparison.differences.iter().find(|d| d.metric == metric).unwrap();
        assert!(difference.significant(), "{metric}: {difference:?}");
        assert_significant(difference.paired.unwrap(), sign, metric);
    }
}

#[test]
fn pairing_narrows_the_interval_where_common_random_numbers_correlate_the_runs() {
    // M/M/5+M at ρ = 0.9 against one more server: both see the same
    // arrivals, patience and service draws, so their waits rise and fall
    // together and the paired difference varies less than two independent
    // runs would. (Where a run switches between regimes by chance, as the
    // social layer's crisis episodes do, pairing need not help.)
    let base = single_station(5, 4.5, 1.0, Some(5.0), 5000.0, 10);
    let more = variant(&base, |file| file.departments[0].staff = Some(orgsim::scenario::Staff::Count(6)));
    let results = compare(base.clone(), vec![("+1".into(), more)], &plan_of(&base), &Silent).unwrap();
    let comparison = &results.variants[0];
    for metric in ["ext_wait_mean", "ext_abandon_rate", "ext_wait_prob"] {
        let (a, b) = (values(&results.base, metric), values(&comparison.results, metric));
        let pairwise = paired(&a, &b, 1);
        let independent = unpaired(&a, &b, CONFIDENCE).unwrap();
        assert!(
            pairwise.half_width() < independent.half_width(),
            "{metric}: paired ±{} vs unpaired ±{}",
            pairwise.half_width(),
            independent.half_width()
        );
    }
}

#[test]
fn impact_ranks_the_bottleneck_supplier_above_an_idle_one() {
    let base = two_suppliers(12, 5);
    let plan = plan_impact(&base, &Step::ALL, None, false).unwrap();
    assert_eq!(plan.by, "revenue_at_risk");
    // 2 internal departments × 3 steps: without silo delays the silo step
    // has nothing to reduce and is left out.
    assert_eq!(plan.improvements.len(), 6);
    assert!(plan.improvements.iter().all(|i| i.step != Step::Silo));
    let results = run_impact(base.clone(), plan, &plan_of(&base), Confirm::Rounds(None), &Silent).unwrap();
    let rank = |department: &str, step: Step| {
        results.rows.iter().position(|r| r.department == department && r.step == step).unwrap()
    };
    assert_eq!(
        results.rows[0].department,
        "Bottleneck",
        "{:?}",
        results.rows.iter().map(|r| (&r.department, r.step, r.gain)).collect::<Vec<_>>()
    );
    assert!(rank("Bottleneck", Step::Staff) < rank("Idle", Step::Staff));
    // Ranked by the gains that chose the ranking; the figures are the
    // confirmation run's, on other replications.
    let gains: Vec<f64> = results.rows.iter().map(|r| r.screening_gain.unwrap()).collect();
    assert!(gains.windows(2).all(|pair| pair[0] >= pair[1]), "ranked best first: {gains:?}");
    assert_eq!(results.screening_replications, Some(base.replications as usize));
    assert!(results.rows.iter().any(|r| Some(r.gain) != r.screening_gain), "the figures come from fresh replications");
}

#[test]
fn optimize_finds_the_erlang_c_staffing_of_a_single_desk() {
    // λ = 4, μ = 1. The smallest n with P(wait) ≤ 0.2 is 7 (C = 0.285 at 6,
    // 0.140 at 7), far enough from the target that the confidence margin
    // does not move it.
    let target_value = 0.2;
    let analytic = (5..20).find(|&n| theory::mmc_wait(n, 4.0, 1.0).unwrap().0 <= target_value).unwrap();
    assert_eq!(analytic, 7);
    for start in [5, 10] {
        let base = scenario(&pure_desk(start));
        let target = Target::parse(&format!("ext_wait_prob<={target_value}"), &base).unwrap();
        let search = optimize(&base, &[target], 10, &plan_of(&base), Confirm::Rounds(None), &Silent).unwrap();
        let best = search.recommended();
        assert!(best.feasible());
        assert_eq!(best.staff, vec![analytic], "starting from {start}");
    }
}

#[test]
fn bad_targets_and_steps_are_refused() {
    let base = scenario(&pure_desk(5));
    for (text, expected) in [
        ("ext_abandon<=0.1", "no metric"),
        ("ext_wait_prob=0.1", "no comparison"),
        ("ext_wait_prob<=x", "not a number"),
    ] {
        let error = Target::parse(text, &base).unwrap_err().to_string();
        assert!(error.contains(expected) && error.contains("ext_abandon_rate<=0.05"), "{text}: {error}");
    }
    let silos = story("silos", 2);
    let plan = plan_impact(&silos, &[Step::Silo], None, false).unwrap();
    assert!(plan.improvements.iter().any(|i| i.department == "IT"), "IT has silo links to reduce");
    let it = plan.improvements.iter().find(|i| i.department == "IT").unwrap();
    let need =
        it.scenario.departments[0].needs.iter().find(|n| it.scenario.departments[n.supplier].name == "IT").unwrap();
    assert!((need.silo_delay - 0.8 * 6.0).abs() < 1e-12, "20% less of the 6-minute silo delay: {}", need.silo_delay);
    let error = plan_impact(&base, &[Step::Skill], None, false).unwrap_err().to_string();
    assert!(error.contains("social layer"), "{error}");
    assert!(Step::parse("budget").unwrap_err().to_string().contains("staff"));
}

/// The small organization with the social layer on and a 3 × 2 sweep.
fn sweep_scenario() -> String {
    SMALL.replace("\n[behavior]\nenabled = false\n", "\n")
        + "[sweep]\n\"department.IT.staff\" = [1, 2, 3]\n\"department.Front Desk.needs.IT.silo_delay\" = [0.0, 2.0]\n"
}

#[test]
fn every_experiment_writes_the_same_bytes_on_one_thread_and_two() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", &sweep_scenario());
    sandbox.write("variant.toml", &sweep_scenario().replace("staff = 2", "staff = 3"));
    let commands: [(&str, Vec<&str>, &str); 4] = [
        ("sweep", vec!["sweep", "small.toml"], "sweep.csv"),
        ("compare", vec!["compare", "small.toml", "variant.toml"], "compare.csv"),
        ("impact", vec!["impact", "small.toml"], "impact.csv"),
        ("optimize", vec!["optimize", "small.toml", "--target", "ext_abandon_rate<=0.2"], "optimize.csv"),
    ];
    for (name, args, file) in commands {
        let mut outputs = Vec::new();
        for threads in ["1", "2"] {
            let out = format!("{name}-{threads}");
            let mut full = args.clone();
            full.extend(["--threads", threads, "--out", &out, "--quiet"]);
            sandbox.run(&full).success();
            outputs.push(std::fs::read(sandbox.path(&out).join(file)).unwrap());
        }
        assert!(outputs[0] == outputs[1], "{file} differs between 1 and 2 threads");
        assert!(outputs[0].len() > 100, "{file} has content");
    }
    let sweep = std::fs::read_to_string(sandbox.path("sweep-1/sweep.csv")).unwrap();
    let header = sweep.lines().next().unwrap();
    assert!(
        header.starts_with("point,param.department.IT.staff,param.department.Front Desk.needs.IT.silo_delay,"),
        "{header}"
    );
    assert!(header.contains("ext_satisfaction_mean_mean,ext_satisfaction_mean_ci_low,ext_satisfaction_mean_ci_high"));
    assert_eq!(sweep.lines().count(), 1 + 6, "a row per grid point");
}

#[test]
fn precision_adds_replications_the_same_way_on_any_thread_count() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", &sweep_scenario());
    for threads in ["1", "2"] {
        let out = format!("p{threads}");
        sandbox
            .run(&[
                "sweep",
                "small.toml",
                "--precision",
                "0.05",
                "--max-replications",
                "40",
                "--threads",
                threads,
                "--out",
                &out,
                "--quiet",
            ])
            .success();
    }
    let a = std::fs::read_to_string(sandbox.path("p1/sweep.csv")).unwrap();
    assert_eq!(a, std::fs::read_to_string(sandbox.path("p2/sweep.csv")).unwrap());
    let replications: u32 = crate::util::csv_rows(&sandbox.path("p1"), "sweep.csv")[0]["replications"].parse().unwrap();
    assert!(replications > 4 && replications <= 40, "replications grew in batches of 4: {replications}");
    assert_eq!(replications % 4, 0);
}

#[test]
fn bad_sweeps_and_targets_exit_2_before_anything_runs() {
    let sandbox = Sandbox::new();
    let cases = [
        (
            "\"department.IT.staff\" = [1, 2, 3]",
            "\"department.ITT.staff\" = [1, 2, 3]",
            "no department is named \"ITT\"",
        ),
        ("\"department.IT.staff\" = [1, 2, 3]", "\"department.IT.stafff\" = [1, 2, 3]", "unknown field `stafff`"),
        ("\"department.IT.staff\" = [1, 2, 3]", "\"department.IT.staff\" = [1.5, 2]", "1.5"),
        ("\"department.IT.staff\" = [1, 2, 3]", "\"department.IT.staff\" = [0, 1]", "a whole number ≥ 1"),
        ("\"department.IT.staff\" = [1, 2, 3]", "\"customers.arrival_rate\" = { from = 1.0, to = 2.0 }", "steps"),
        ("[sweep]", "[nosweep]", "unknown field `nosweep`"),
    ];
    for (from, to, expected) in cases {
        sandbox.write("bad.toml", &sweep_scenario().replace(from, to));
        let stderr = sandbox.run(&["sweep", "bad.toml"]).failure();
        assert!(stderr.contains(expected) && stderr.contains("bad.toml"), "{to}: {stderr}");
        assert!(sandbox.listing().iter().all(|p| !p.starts_with("output")), "{to}: output written");
    }
    let sweep = sweep_scenario();
    sandbox.write("plain.toml", &sweep[..sweep.find("[sweep]").unwrap()]);
    let stderr = sandbox.run(&["sweep", "plain.toml"]).failure();
    assert!(stderr.contains("no [sweep] table"), "{stderr}");
    let stderr = sandbox.run(&["optimize", "plain.toml", "--target", "abandon<=0.1"]).failure();
    assert!(stderr.contains("no metric \"abandon\""), "{stderr}");
    let stderr = sandbox.run(&["impact", "plain.toml", "--by", "nothing"]).failure();
    assert!(stderr.contains("--by"), "{stderr}");
    let stderr = sandbox.run(&["sweep", "small.toml", "--precision", "2"]).failure();
    assert!(stderr.contains("--precision") || stderr.contains("small.toml"), "{stderr}");
    assert!(sandbox.listing().iter().all(|p| !p.starts_with("output")));
}

#[test]
fn one_at_a_time_varies_each_parameter_around_the_scenario() {
    let text = sweep_scenario().replace("[sweep]\n", "[sweep]\ndesign = \"one-at-a-time\"\n");
    let base = scenario(&text);
    let plan = plan_sweep(&base, "small").unwrap();
    // 3 values of IT staff (silo delay at the scenario's 0) + 2 of the silo delay (IT staff at 2).
    let points: Vec<(String, String)> = plan
        .points
        .iter()
        .map(|p| {
            (orgsim::experiment::sweep::value_text(&p.values[0]), orgsim::experiment::sweep::value_text(&p.values[1]))
        })
        .collect();
    let expected = [("1", "0"), ("2", "0"), ("3", "0"), ("2", "0"), ("2", "2")];
    assert_eq!(points, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    assert_eq!(plan.points[4].scenario.departments[0].needs[0].silo_delay, 2.0);
    assert_eq!(plan.points[2].scenario.departments[1].staff, 3);
}

#[test]
fn shards_merge_into_the_bytes_of_a_single_machine_sweep() {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", &sweep_scenario());
    sandbox.run(&["sweep", "small.toml", "--out", "local", "--quiet"]).success();
    for shard in ["0/4", "1/4", "2/4", "3/4"] {
        sandbox
            .run(&["sweep", "small.toml", "--shard", shard, "--out", "shards", "--threads", "1", "--quiet"])
            .success();
    }
    let manifest = std::fs::read_to_string(sandbox.path("shards/shard-2-of-4.toml")).unwrap();
    assert!(manifest.contains("scenario_hash") && manifest.contains("points = ["), "{manifest}");
    sandbox.run(&["merge", "shards", "--out", "merged"]).success();
    for file in [
        "sweep.csv",
        "scenario.toml",
        "report.html",
        "plots/sweep-ext_satisfaction_mean.png",
        "plots/sweep-ext_abandon_rate.svg",
    ] {
        let local = std::fs::read(sandbox.path("local").join(file)).unwrap();
        let merged = std::fs::read(sandbox.path("merged").join(file)).unwrap();
        assert!(local == merged, "{file} differs between the merged shards and one machine");
    }
    // A missing shard is named, with the command that reruns it.
    std::fs::remove_file(sandbox.path("shards/shard-3-of-4.toml")).unwrap();
    let stderr = sandbox.run(&["merge", "shards", "--out", "incomplete"]).failure();
    assert!(stderr.contains("missing shard-3-of-4") && stderr.contains("--shard 3/4"), "{stderr}");
    assert!(!sandbox.path("incomplete").exists());
    // A shard of another sweep is refused.
    sandbox.run(&["sweep", "small.toml", "--shard", "3/4", "--seed", "99", "--out", "shards", "--quiet"]).success();
    let stderr = sandbox.run(&["merge", "shards"]).failure();
    assert!(stderr.contains("another sweep"), "{stderr}");
    // Bad requests.
    assert!(sandbox.run(&["sweep", "small.toml", "--shard", "4/4"]).failure().contains("0 ≤ K < N"));
    assert!(
        sandbox.run(&["sweep", "small.toml", "--shard", "0/2", "--precision", "0.1"]).failure().contains("--precision")
    );
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_bytes() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let sandbox = Sandbox::new();
    let slow = SMALL.replace("horizon = 2000.0", "horizon = 60000.0").replace("replications = 4", "replications = 24")
        + "[sweep]\n\"department.IT.staff\" = [2, 3, 4, 5, 6, 7, 8, 9]\n";
    sandbox.write("slow.toml", &slow);
    sandbox.run(&["sweep", "slow.toml", "--out", "whole", "--quiet"]).success();
    let mut child = Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .args(["sweep", "slow.toml", "--out", "part", "--quiet", "--threads", "1"])
        .current_dir(sandbox.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start orgsim");
    let journal = sandbox.path("part/sweep.journal");
    let started = Instant::now();
    let journaled = |path: &std::path::Path| {
        std::fs::read_to_string(path)
            .map_or(0, |text| text.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).count())
    };
    while journaled(&journal) == 0 {
        assert!(started.elapsed() < Duration::from_secs(60), "no point was journaled within a minute");
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended before a point was journaled");
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill");
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "interrupted sweeps exit 2: {stderr}");
    assert!(stderr.contains("interrupted") && stderr.contains("--resume"), "{stderr}");
    let saved = journaled(&journal);
    assert!((1..8).contains(&saved), "{saved} points saved");
    assert!(!sandbox.path("part/sweep.csv").exists(), "no sweep.csv before the sweep is complete");
    let stdout = sandbox.run(&["sweep", "slow.toml", "--out", "part", "--resume"]).success();
    assert!(stdout.contains(&format!("resumed: {saved} of 8 points")), "{stdout}");
    assert_eq!(
        std::fs::read(sandbox.path("whole/sweep.csv")).unwrap(),
        std::fs::read(sandbox.path("part/sweep.csv")).unwrap()
    );
    assert!(!journal.exists(), "the journal is removed once sweep.csv is written");
    // Resuming a sweep with no journal says so.
    let stderr = sandbox.run(&["sweep", "slow.toml", "--out", "fresh", "--resume"]).failure();
    assert!(stderr.contains("no journal"), "{stderr}");
}
