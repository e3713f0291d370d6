//! Recommendations confirmed on fresh seeds: the figures printed for a
//! staffing or a ranking come from replications that played no part in
//! choosing it; Erlang's closed forms beside the staffing by interval;
//! strict targets refused.

use orgsim::experiment::confirm::Confirm;
use orgsim::experiment::intervals::{INTERVAL_METRICS, interval_rows};
use orgsim::experiment::jobs::{Plan, Silent};
use orgsim::experiment::optimize::{Target, optimize};
use orgsim::experiment::staffing::{SlotTarget, staff_by_interval};
use orgsim::experiment::statistics::student_t_critical;
use orgsim::scenario::{Scenario, ShiftFile};
use orgsim::theory;

use crate::util::{Sandbox, csv_rows, scenario};

/// A desk with 30-minute slots whose demand climbs from 0.5 to 4.3 calls a
/// minute between 07:00 and 10:00, holds until 18:00 and falls to 1.0;
/// handle time 6, patience 3 (both exponential).
fn steep_ramp() -> Scenario {
    scenario(&ramp_text("patience = { dist = \"exponential\", mean = 3.0 }"))
}

/// The ramp's scenario text with `customers` among the customers' keys.
fn ramp_text(customers: &str) -> String {
    let rates: Vec<String> = (0..48)
        .map(|k| match k {
            0..14 => 0.5,
            14..20 => 0.5 + f64::from(k - 13) * 3.8 / 6.0,
            20..36 => 4.3,
            _ => 1.0,
        })
        .map(|rate| format!("{rate:.4}"))
        .collect();
    format!(
        r#"name = "ramp"
horizon = 2880.0
warmup = 1440.0
replications = 20
seed = 11
[customers]
rates = {{ every = 30.0, values = [{}] }}
{customers}
[[department]]
name = "Desk"
front_line = true
staff = 30
service = {{ dist = "exponential", mean = 6.0 }}
[behavior]
enabled = false
"#,
        rates.join(", ")
    )
}

/// The lowest slot, by the lower end of its (1 − 0.05/slots) interval of
/// `wait_prob`, when `required` staffs `base` slot by slot on 400
/// replications under a seed the plan never used.
fn slots_above(base: &Scenario, required: &[u32], target: f64) -> Vec<(usize, f64)> {
    let mut file = base.resolved.clone();
    file.departments[0].staff = None;
    file.departments[0].shifts = Some(
        required
            .iter()
            .enumerate()
            .map(|(k, &staff)| ShiftFile {
                start: k as f64 * 30.0,
                length: 30.0,
                staff,
                shrinkage: None,
                breaks: Vec::new(),
            })
            .collect(),
    );
    let staffed = Scenario::from_file(file, "check").unwrap();
    let seed = orgsim::engine::streams::labelled_seed(base.seed, "verification");
    let results = orgsim::experiment::run_replications(&staffed, 400, seed);
    let rows = interval_rows(&staffed, &results);
    assert_eq!(rows.len(), 48);
    let column = INTERVAL_METRICS.iter().position(|m| *m == "wait_prob").unwrap();
    let widen = student_t_critical(1.0 - 0.05 / 48.0, 399) / student_t_critical(0.95, 399);
    rows.iter()
        .enumerate()
        .filter_map(|(slot, row)| {
            let e = row.metrics[column]?;
            let lower = e.mean - (e.mean - e.low) * widen;
            (lower > target).then_some((slot, lower))
        })
        .collect()
}

#[test]
fn a_confirmed_staffing_by_interval_holds_on_fresh_seeds_and_the_in_sample_one_does_not() {
    let base = steep_ramp();
    let target = SlotTarget::parse("wait_prob<=0.2", &base).unwrap();
    let plan = Plan { replications: base.replications, seed: base.seed, precision: None };
    let confirmed =
        staff_by_interval(&base, &[target], (&[480.0], &Default::default()), &plan, Confirm::Rounds(None), &Silent)
            .unwrap();
    let desk = &confirmed.departments[0];
    assert!(desk.confirmed.as_ref().unwrap().iter().all(|&m| m), "every slot confirmed");
    assert!(confirmed.confirm_rounds >= 1);
    let missed = slots_above(&base, &desk.required, 0.2);
    assert!(missed.is_empty(), "the confirmed plan misses on fresh seeds in slots {missed:?}");
    // The test of the test: the same code without confirmation reports its
    // figures on the seed that chose them, and fresh seeds find a slot
    // that misses.
    let in_sample =
        staff_by_interval(&base, &[target], (&[480.0], &Default::default()), &plan, Confirm::Off, &Silent).unwrap();
    let desk = &in_sample.departments[0];
    assert!(desk.confirmed.is_none());
    let missed = slots_above(&base, &desk.required, 0.2);
    assert!(!missed.is_empty(), "the in-sample plan was expected to miss somewhere on fresh seeds");
}

fn desk(horizon: f64) -> Scenario {
    scenario(&format!(
        r#"name = "desk"
horizon = {horizon:.1}
warmup = 300.0
replications = 10
seed = 10
[customers]
arrival_rate = 4.0
[[department]]
name = "Desk"
front_line = true
staff = 5
service = {{ dist = "exponential", mean = 1.0 }}
[behavior]
enabled = false
"#
    ))
}

#[test]
fn optimize_adds_the_person_its_search_was_short_of() {
    // M/M/c with λ = 4, μ = 1: C(7, 4) = 0.140 misses a 0.135 target and
    // C(8, 4) = 0.065 meets it; on seed 10 the search's replications
    // happen to put 7 under the target.
    assert!(theory::erlang_c(7, 4.0).unwrap() > 0.135 && theory::erlang_c(8, 4.0).unwrap() < 0.135);
    let base = desk(3000.0);
    let plan = Plan { replications: base.replications, seed: base.seed, precision: None };
    let target = Target::parse("ext_wait_prob<=0.135", &base).unwrap();
    let in_sample = optimize(&base, std::slice::from_ref(&target), 10, &plan, Confirm::Off, &Silent).unwrap();
    assert_eq!(in_sample.recommended().staff, vec![7], "the search alone stops one person short");
    assert!(in_sample.confirmation.is_none());
    let search = optimize(&base, &[target], 10, &plan, Confirm::Rounds(None), &Silent).unwrap();
    let best = search.recommended();
    assert_eq!(best.staff, vec![8]);
    assert_eq!((best.phase, best.round), ("confirm", 1), "chosen on round 1's replications");
    let confirmation = search.confirmation.as_ref().unwrap();
    assert!(confirmation.confirmed && confirmation.stopped.is_none());
    assert_eq!(confirmation.rounds, 2, "round 1 found 7 short, round 2 confirmed 8");
    // The figures reported are round 2's, not those that chose 8.
    let reported = search.reported().metric("ext_wait_prob").unwrap().estimate.unwrap();
    let chosen = best.results.metric("ext_wait_prob").unwrap().estimate.unwrap();
    assert_ne!(reported.mean, chosen.mean);
    assert!(reported.high <= 0.135);
}

#[test]
fn optimize_says_plainly_when_it_cannot_confirm() {
    // The hiring budget ends at 7, one short.
    let sandbox = Sandbox::new();
    sandbox.write("desk.toml", &desk(3000.0).to_toml());
    let stdout = sandbox
        .run(&[
            "optimize",
            "desk.toml",
            "--target",
            "ext_wait_prob<=0.135",
            "--max-hires",
            "2",
            "--out",
            "o",
            "--no-plots",
        ])
        .success();
    assert!(stdout.contains("NOT CONFIRMED") && stdout.contains("could not confirm"), "{stdout}");
    let rows = csv_rows(&sandbox.path("o"), "optimize.csv");
    let best: Vec<_> = rows.iter().filter(|r| r["recommended"] == "true").collect();
    assert_eq!(best.len(), 1);
    assert_eq!(best[0]["confirmed"], "false");
    assert_eq!(best[0]["staff.Desk"], "7");
    let high: f64 = best[0]["ext_wait_prob_confirmed_ci_high"].parse().unwrap();
    assert!(high > 0.135, "the confirmed figure is the one that misses: {high}");
    assert!(rows.iter().filter(|r| r["recommended"] != "true").all(|r| r["confirmed"].is_empty()));
}

#[test]
fn confirmation_is_the_same_with_one_thread_or_two_and_its_replications_are_bounded() {
    let sandbox = Sandbox::new();
    sandbox.write("desk.toml", &desk(1500.0).to_toml());
    let args = ["optimize", "desk.toml", "--target", "ext_wait_prob<=0.135", "--confirm-replications", "6"];
    for threads in ["1", "2"] {
        let out = format!("t{threads}");
        let mut all = args.to_vec();
        all.extend(["--threads", threads, "--out", &out, "--quiet", "--no-plots"]);
        sandbox.run(&all).success();
    }
    let read = |folder: &str| std::fs::read(sandbox.path(folder).join("optimize.csv")).unwrap();
    assert_eq!(read("t1"), read("t2"));
    let text = String::from_utf8(read("t1")).unwrap();
    assert!(text.lines().any(|l| l.contains(",true,true,")), "a confirmed recommendation: {text}");
    for bad in ["0", "-1", "1000001", "many"] {
        let flag = format!("--confirm-replications={bad}");
        let mut all = args[..4].to_vec();
        all.extend([flag.as_str(), "--out", "never"]);
        let stderr = sandbox.run(&all).failure();
        assert!(stderr.contains("--confirm-replications"), "{bad}: {stderr}");
        assert!(!sandbox.path("never").exists());
    }
    let stderr =
        sandbox.run(&["impact", "desk.toml", "--robust", "--confirm-replications", "5", "--out", "never"]).failure();
    assert!(stderr.contains("--confirm-replications"), "{stderr}");
}

#[test]
fn strict_targets_are_refused_with_the_valid_forms() {
    let sandbox = Sandbox::new();
    sandbox.write("desk.toml", &desk(1500.0).to_toml());
    let day = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/call-centre-day.toml");
    let cases: [&[&str]; 4] = [
        &["desk.toml", "--target", "ext_wait_prob<0.2"],
        &["desk.toml", "--target", "ext_satisfaction_mean>0.5"],
        &[day, "--by-interval", "--target", "wait_prob<0.2"],
        &[day, "--by-interval", "--target", "service_level>0.8"],
    ];
    for args in cases {
        let mut all = vec!["optimize", "--out", "never"];
        all.extend_from_slice(args);
        let outcome = sandbox.run(&all);
        assert_eq!(outcome.output.status.code(), Some(2), "{args:?}");
        let stderr = outcome.stderr();
        assert!(stderr.contains("strict comparison") && stderr.contains("METRIC<=VALUE"), "{args:?}: {stderr}");
        assert!(!sandbox.path("never").exists(), "{args:?}: nothing written");
    }
}

#[test]
fn erlang_columns_are_filled_wherever_a_formula_exists() {
    let sandbox = Sandbox::new();
    // Exponential patience at the front line: Erlang A for service level;
    // Erlang C beside it ignores abandonment and asks for at least as many.
    let ramp = ramp_text("patience = { dist = \"exponential\", mean = 3.0 }\nservice_level_time = 0.3333");
    sandbox.write("ramp.toml", &ramp);
    sandbox
        .run(&[
            "optimize",
            "ramp.toml",
            "--by-interval",
            "--target",
            "service_level>=0.8",
            "--out",
            "a",
            "--quiet",
            "--no-plots",
        ])
        .success();
    let rows = csv_rows(&sandbox.path("a"), "staffing.csv");
    assert_eq!(rows.len(), 48);
    for row in &rows {
        let naive: u32 = row["naive_staff"].parse().unwrap_or_else(|_| panic!("naive blank: {row:?}"));
        let classic: u32 = row["erlang_c_staff"].parse().unwrap_or_else(|_| panic!("Erlang C blank: {row:?}"));
        assert!(classic >= naive, "{row:?}");
        assert_eq!(row["confirmed"], "true", "{row:?}");
    }
    // No patience and loads at or above 1: Erlang C, the same in both.
    sandbox.write("plain.toml", &ramp_text(""));
    let stdout = sandbox
        .run(&["optimize", "plain.toml", "--by-interval", "--target", "wait_prob<=0.2", "--out", "c", "--no-plots"])
        .success();
    let rows = csv_rows(&sandbox.path("c"), "staffing.csv");
    for row in &rows {
        assert!(!row["naive_staff"].is_empty() && row["naive_staff"] == row["erlang_c_staff"], "{row:?}");
    }
    let peak = rows.iter().map(|r| r["naive_staff"].parse::<u32>().unwrap()).max().unwrap();
    // 4.3 calls a minute of 6 minutes: load 25.8.
    let expected = (26..60).find(|&n| theory::erlang_c(n, 25.8).unwrap() <= 0.2).unwrap();
    assert_eq!(peak, expected);
    assert!(
        stdout.contains(&format!("Erlang pointwise {expected}, Erlang C without abandonment {expected}")),
        "{stdout}"
    );
}
