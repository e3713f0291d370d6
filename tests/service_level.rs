//! The whole day's service level (`ext_service_level`, each front-line
//! department's `service_level`): the share of customers answered within
//! `service_level_time`, customers who gave up within `short_abandon` left
//! out of count and total, against Erlang A; and as a target of plain
//! `orgsim optimize`.

use orgsim::experiment;
use orgsim::theory;

use crate::util::{Sandbox, assert_covers, bonferroni, department_values, scenario, values};

/// M/M/n+M: `servers` people, λ = 4, μ = 1, mean patience 2, answered
/// within 0.25, short abandons within `short` (absent when `None`).
fn desk(servers: u32, short: Option<f64>) -> String {
    let short = short.map_or(String::new(), |t| format!("short_abandon = {t:?}"));
    format!(
        r#"
name = "desk"
horizon = 20000.0
warmup = 2000.0
replications = 30
seed = 23
[customers]
arrival_rate = 4.0
patience = {{ dist = "exponential", mean = 2.0 }}
service_level_time = 0.25
{short}
[[department]]
name = "Desk"
front_line = true
staff = {servers}
service = {{ dist = "exponential", mean = 1.0 }}
[behavior]
enabled = false
"#
    )
}

#[test]
fn the_service_level_matches_erlang_a_with_and_without_short_abandons() {
    let checks = 2;
    for short in [None, Some(0.1)] {
        let results = experiment::run(scenario(&desk(4, short)));
        let expected = theory::erlang_a_service_level(4, 4.0, 1.0, 0.5, (0.25, short.unwrap_or(0.0))).unwrap();
        let level = values(&results, "ext_service_level");
        assert_covers(bonferroni(&level, checks), expected, &format!("service level, short abandons {short:?}"));
        // One front line: the department's figure is the organization's.
        assert_eq!(department_values(&results, "Desk", "service_level"), level);
    }
    // Leaving short abandons out raises the figure (same customers).
    let kept = values(&experiment::run(scenario(&desk(4, None))), "ext_service_level");
    let left_out = values(&experiment::run(scenario(&desk(4, Some(0.1)))), "ext_service_level");
    assert!(kept.iter().zip(&left_out).all(|(k, l)| l > k), "{kept:?} {left_out:?}");
}

#[test]
fn plain_optimize_staffs_to_a_whole_day_service_level() {
    let sandbox = Sandbox::new();
    sandbox.write("desk.toml", &desk(3, None).replace("replications = 30", "replications = 10"));
    sandbox
        .run(&["optimize", "desk.toml", "--target", "ext_service_level>=0.8", "--out", "opt", "--no-plots", "--quiet"])
        .success();
    let rows = crate::util::csv_rows(&sandbox.path("opt"), "optimize.csv");
    let recommended = rows.iter().find(|r| r["recommended"] == "true").expect("a recommendation");
    // Erlang A: the least staff whose whole-day service level reaches 0.8.
    let least = (1..20).find(|&n| theory::erlang_a_service_level(n, 4.0, 1.0, 0.5, (0.25, 0.0)).unwrap() >= 0.8);
    assert_eq!(recommended["staff.Desk"].parse::<u32>().ok(), least, "{recommended:?}");
    let confirmed: f64 = recommended["ext_service_level_confirmed_ci_low"].parse().unwrap();
    assert!(confirmed >= 0.8, "{recommended:?}");
}

#[test]
fn a_bad_short_abandon_is_refused() {
    let sandbox = Sandbox::new();
    for (text, words) in [
        (desk(4, Some(-1.0)), "customers.short_abandon"),
        (desk(4, Some(0.1)).replace("service_level_time = 0.25\n", ""), "give customers.service_level_time too"),
    ] {
        sandbox.write("bad.toml", &text);
        let stderr = sandbox.run(&["validate", "bad.toml"]).failure();
        assert!(stderr.contains(words) && stderr.contains("bad.toml"), "{stderr}");
    }
}

#[test]
fn the_speed_of_answer_and_occupancy_by_slot_match_erlang_c() {
    // M/M/5 at λ = 4 without abandonment: every customer is answered, so
    // the average speed of answer is Erlang C's E[W], and occupancy is ρ.
    let results = experiment::run(crate::util::single_station(5, 4.0, 1.0, None, 40_000.0, 30));
    let rows = experiment::intervals::interval_rows(&results.scenario, &results.replications);
    let column = |name: &str| experiment::intervals::INTERVAL_METRICS.iter().position(|m| *m == name).unwrap();
    let wait = theory::mmc_wait(5, 4.0, 1.0).unwrap().1;
    let per_replication = |name: &str| -> Vec<f64> {
        results
            .replications
            .iter()
            .map(|r| {
                let rows = experiment::intervals::interval_rows(&results.scenario, std::slice::from_ref(r));
                rows[0].metrics[column(name)].unwrap().mean
            })
            .collect()
    };
    assert_covers(bonferroni(&per_replication("asa"), 2), wait, "M/M/5 average speed of answer");
    assert_covers(bonferroni(&per_replication("occupancy"), 2), 0.8, "M/M/5 occupancy");
    assert_eq!(rows.len(), 1);
}

#[test]
fn by_interval_staffing_meets_occupancy_and_speed_of_answer_targets() {
    let sandbox = Sandbox::new();
    let day = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/call-centre-day.toml");
    sandbox
        .run(&[
            "optimize",
            day.to_str().unwrap(),
            "--by-interval",
            "--target",
            "occupancy<=0.85",
            "--target",
            "asa<=0.5",
            "--out",
            "plan",
            "--no-plots",
            "--quiet",
        ])
        .success();
    let rows = crate::util::csv_rows(&sandbox.path("plan"), "staffing.csv");
    for row in &rows {
        assert_eq!(row["confirmed"], "true", "{row:?}");
        let occupancy: f64 = row["occupancy_mean"].parse().unwrap();
        assert!(occupancy <= 0.85, "{row:?}");
        if row["department"] == "Help Desk" {
            let asa: f64 = row["asa_mean"].parse().unwrap();
            assert!(asa <= 0.5, "{row:?}");
        } else {
            assert_eq!(row["asa_mean"], "", "the speed of answer is the front line's: {row:?}");
        }
    }
    // Bad targets: the wrong comparison, out of range.
    for target in ["asa>=0.5", "occupancy<=0", "occupancy<=1.5", "asa<=-1"] {
        let stderr = sandbox
            .run(&["optimize", day.to_str().unwrap(), "--by-interval", "--target", target, "--out", "bad"])
            .failure();
        assert!(stderr.contains(target) && stderr.contains("occupancy<=A"), "{target}: {stderr}");
    }
}
