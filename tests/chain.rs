//! The chain from an internal team's service to the customer: `compare`
//! and `impact` write `chain.csv` and `plots/chain.svg`, its figures are
//! the same paired differences the experiment's own file gives, and the
//! report opens with it.

use std::collections::HashMap;

use crate::util::{Sandbox, csv_rows, visible_text};

fn row<'a>(rows: &'a [HashMap<String, String>], column: &str, value: &str) -> &'a HashMap<String, String> {
    rows.iter().find(|r| r[column] == value).unwrap_or_else(|| panic!("no {column} = {value}: {rows:?}"))
}

fn number(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap_or_else(|_| panic!("{column} in {row:?}"))
}

#[test]
fn compare_draws_the_chain_of_the_team_it_changed() {
    let sandbox = Sandbox::new();
    let base = orgsim::scenario::DEFAULT_SCENARIO;
    sandbox.write("base.toml", base);
    // Two more people in IT, nothing else.
    let it = base.find("name = \"IT\"").unwrap();
    let staff = it + base[it..].find("staff = ").unwrap();
    let line_end = staff + base[staff..].find('\n').unwrap();
    let current: u32 = base[staff + 8..line_end].trim().parse().unwrap();
    let variant = format!("{}staff = {}{}", &base[..staff], current + 2, &base[line_end..]);
    sandbox.write("more-it.toml", &variant);
    sandbox.run(&["compare", "base.toml", "more-it.toml", "--replications", "8", "--out", "cmp", "--quiet"]).success();
    let chain = csv_rows(&sandbox.path("cmp"), "chain.csv");
    let metrics: Vec<&str> = chain.iter().map(|r| r["metric"].as_str()).collect();
    assert_eq!(
        metrics,
        [
            "department.IT.int_delay_given_mean",
            "department.IT.quality_given",
            "front_morale_mean",
            "ext_wait_mean",
            "ext_satisfaction_mean",
            "ext_churn_rate",
            "revenue_at_risk_rate"
        ]
    );
    assert_eq!(chain[0]["label"], "IT: reply delay it gives");
    assert_eq!(chain.iter().map(|r| r["step"].as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4", "5", "6", "7"]);
    // Each link is compare.csv's own paired difference and interval.
    let compare = csv_rows(&sandbox.path("cmp"), "compare.csv");
    for link in chain.iter().filter(|r| r["metric"] != "front_morale_mean") {
        let same = row(&compare, "metric", &link["metric"]);
        for (ours, theirs) in
            [("base", "base_mean"), ("diff", "difference"), ("diff_ci_low", "ci_low"), ("diff_ci_high", "ci_high")]
        {
            let (a, b) = (number(link, ours), number(same, theirs));
            assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{}: {ours} {a} against {theirs} {b}", link["metric"]);
        }
    }
    // The front lines' morale, weighted by their (constant) staff.
    let scenario = orgsim::scenario::Scenario::from_toml_str(base, "base.toml").unwrap();
    let (mut weighted, mut staff) = (0.0, 0.0);
    for department in scenario.departments.iter().filter(|d| d.front_line) {
        let mean = number(row(&compare, "metric", &format!("department.{}.morale_mean", department.name)), "base_mean");
        weighted += mean * f64::from(department.staff);
        staff += f64::from(department.staff);
    }
    let front = row(&chain, "metric", "front_morale_mean");
    assert!((number(front, "base") - weighted / staff).abs() < 1e-9, "{front:?}");
    // Two more people in IT shorten its replies, surely.
    let delay = &chain[0];
    assert!(number(delay, "diff_ci_high") < 0.0, "{delay:?}");
    // The report opens with the chain, its sentence citing the file's figures.
    let page = std::fs::read_to_string(sandbox.path("cmp/report.html")).unwrap();
    let chain_at = page.find("From internal service to the customer").expect("the chain section");
    assert!(chain_at < page.find("Key figures").unwrap(), "the chain leads the report");
    let text = visible_text(&page);
    let described = orgsim::experiment::catalogue::describe("department.IT.int_delay_given_mean");
    let change = described.unit.format_change(number(delay, "diff"), "minute");
    assert!(text.contains(&format!("IT: reply delay it gives {change}")), "{change} not in the page");
    assert!(sandbox.path("cmp/plots/chain.svg").is_file() && sandbox.path("cmp/plots/chain.png").is_file());
    // Redrawn from the files alone.
    std::fs::remove_dir_all(sandbox.path("cmp/plots")).unwrap();
    sandbox.run(&["report", "cmp"]).success();
    assert!(sandbox.path("cmp/plots/chain.svg").is_file());
}

#[test]
fn several_variants_get_a_chain_each() {
    let sandbox = Sandbox::new();
    let base = orgsim::scenario::DEFAULT_SCENARIO;
    sandbox.write("base.toml", base);
    // Two variants (here the base itself twice, under two names).
    sandbox.write("a.toml", base);
    sandbox.write("b.toml", base);
    sandbox
        .run(&["compare", "base.toml", "a.toml", "b.toml", "--replications", "3", "--out", "two", "--quiet"])
        .success();
    for stem in ["chain-a", "chain-b"] {
        assert!(sandbox.path(&format!("two/{stem}.csv")).is_file(), "{stem}.csv");
        assert!(sandbox.path(&format!("two/plots/{stem}.svg")).is_file(), "{stem}.svg");
    }
    assert!(!sandbox.path("two/chain.csv").exists());
}

#[test]
fn impact_draws_the_top_change_or_the_one_named() {
    let sandbox = Sandbox::new();
    let args = ["impact", "--step", "staff", "--replications", "4", "--quiet"];
    sandbox.run(&[&args[..], &["--out", "top"]].concat()).success();
    let ranked = csv_rows(&sandbox.path("top"), "impact.csv");
    let chain = csv_rows(&sandbox.path("top"), "chain.csv");
    let top = &ranked[0]["department"];
    assert_eq!(chain[0]["metric"], format!("department.{top}.int_delay_given_mean"));
    // The churn link is impact.csv's own difference, family-wise interval and all.
    let churn = row(&chain, "metric", "ext_churn_rate");
    for (ours, theirs) in [("diff", "ext_churn_rate_change"), ("diff_ci_low", "ext_churn_rate_ci_low")] {
        let (a, b) = (number(churn, ours), number(&ranked[0], theirs));
        assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{ours} {a} against {theirs} {b}");
    }
    // Another department by name.
    let last = ranked.last().unwrap()["department"].clone();
    sandbox.run(&[&args[..], &["--out", "named", "--chain", &format!("{last}:staff")]].concat()).success();
    let chain = csv_rows(&sandbox.path("named"), "chain.csv");
    assert_eq!(chain[0]["metric"], format!("department.{last}.int_delay_given_mean"));
    // A name the ranking lacks: exit 2, nothing written.
    let stderr = sandbox.run(&[&args[..], &["--out", "bad", "--chain", "Nobody"]].concat()).failure();
    assert!(
        stderr.contains("--chain \"Nobody\": no such ranked change") && stderr.contains(&format!("{last:?}")),
        "{stderr}"
    );
    assert!(!sandbox.path("bad").exists());
}

#[test]
fn without_the_social_layer_the_chain_runs_through_waits_and_abandonment() {
    let sandbox = Sandbox::new();
    sandbox.write("plain.toml", &orgsim::scenario::DEFAULT_SCENARIO.replace("enabled = true", "enabled = false"));
    sandbox.run(&["impact", "plain.toml", "--replications", "3", "--out", "plain", "--quiet"]).success();
    let chain = csv_rows(&sandbox.path("plain"), "chain.csv");
    let metrics: Vec<&str> = chain.iter().map(|r| r["metric"].as_str()).collect();
    assert_eq!(&metrics[1..], ["ext_wait_mean", "ext_abandon_rate", "ext_resolution_mean"]);
    assert!(metrics[0].ends_with(".int_delay_given_mean"));
}
