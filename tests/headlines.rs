//! Each report opens with a headline whose figures are the CSV files' own,
//! written by the one formatter; no visible number has more than six
//! significant digits, and none reads NaN or inf.

use std::collections::HashMap;

use orgsim::experiment::catalogue::{Unit, describe};
use orgsim::readable::number;

use crate::util::{Sandbox, csv_rows, unreadable_numbers, visible_text};

fn value(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column].parse().unwrap_or_else(|_| panic!("{column} in {row:?}"))
}

/// The headline's text: the list under "In short".
fn headline(page: &str) -> String {
    let start = page.find("<h2>In short</h2>").expect("a headline");
    let end = start + page[start..].find("</ul>").expect("its list closes");
    visible_text(&page[start..end])
}

#[test]
fn the_run_headline_cites_the_run_files() {
    let sandbox = Sandbox::new();
    sandbox.run(&["run", "--replications", "3", "--out", "run", "--quiet"]).success();
    let folder = sandbox.path("run");
    let page = std::fs::read_to_string(folder.join("report.html")).unwrap();
    let text = headline(&page);
    // The supplier whose replies hold the front line up most, recomputed.
    let scenario = orgsim::scenario::Scenario::default_scenario();
    let front: Vec<&str> = scenario.departments.iter().filter(|d| d.front_line).map(|d| d.name.as_str()).collect();
    let summary = csv_rows(&folder, "summary.csv");
    let mean = |metric: &str| summary.iter().find(|r| r["metric"] == metric).map(|r| value(r, "mean"));
    let mut held: HashMap<String, f64> = HashMap::new();
    for link in csv_rows(&folder, "links.csv").iter().filter(|l| front.contains(&l["from"].as_str())) {
        *held.entry(link["to"].clone()).or_default() += value(link, "requests_mean");
    }
    let (supplier, requests) = held
        .iter()
        .filter_map(|(s, r)| Some((s, *r, *r * mean(&format!("department.{s}.int_delay_given_mean"))?)))
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(s, r, _)| (s.clone(), r))
        .unwrap();
    let delay = mean(&format!("department.{supplier}.int_delay_given_mean")).unwrap();
    let expected = format!(
        "{} replies hold up the front line most: {} requests per replication × {} each",
        orgsim::readable::possessive(&supplier),
        number(requests),
        Unit::Time.format(delay, "minute")
    );
    assert!(text.contains(&expected), "{expected:?} not in {text:?}");
    // The customers' figures are summary.csv's.
    let churn = summary.iter().find(|r| r["metric"] == "ext_churn_rate").unwrap();
    let churn_text = format!(
        "expected to leave (churn) {} ({})",
        Unit::Share.format(value(churn, "mean"), "minute"),
        Unit::Share.format_interval(value(churn, "ci_low"), value(churn, "ci_high"), "minute")
    );
    assert!(text.contains(&churn_text), "{churn_text:?} not in {text:?}");
    let unreadable = unreadable_numbers(&visible_text(&page), 6);
    assert!(unreadable.is_empty(), "{unreadable:?}");
}

#[test]
fn compare_and_impact_headlines_cite_their_files() {
    let sandbox = Sandbox::new();
    let base = orgsim::scenario::DEFAULT_SCENARIO;
    sandbox.write("base.toml", base);
    sandbox.write("same.toml", base);
    sandbox.run(&["compare", "base.toml", "same.toml", "--replications", "3", "--out", "cmp", "--quiet"]).success();
    let page = std::fs::read_to_string(sandbox.path("cmp/report.html")).unwrap();
    let text = headline(&page);
    let compare = csv_rows(&sandbox.path("cmp"), "compare.csv");
    let wait = compare.iter().find(|r| r["metric"] == "ext_abandon_rate").unwrap();
    let unit = describe("ext_abandon_rate").unit;
    let expected = format!(
        "abandoned before service {} ({})",
        unit.format_change(value(wait, "difference"), "minute"),
        unit.format_interval(value(wait, "ci_low"), value(wait, "ci_high"), "minute")
    );
    assert!(text.contains("Variant same against the base") && text.contains(&expected), "{expected:?} in {text:?}");
    assert!(unreadable_numbers(&visible_text(&page), 6).is_empty());

    sandbox.run(&["impact", "--step", "staff", "--replications", "3", "--out", "imp", "--quiet"]).success();
    let page = std::fs::read_to_string(sandbox.path("imp/report.html")).unwrap();
    let text = headline(&page);
    let top = &csv_rows(&sandbox.path("imp"), "impact.csv")[0];
    let gain = value(top, "gain_in_revenue_at_risk");
    let expected =
        format!("{} (+1 staff), a gain in revenue at risk over the window of {}", top["department"], number(gain));
    assert!(text.contains(&expected), "{expected:?} not in {text:?}");
    // The step's cost from the scenario; a gain per time unit only where
    // the gain's interval excludes none (here it holds 0).
    let scenario = orgsim::scenario::Scenario::default_scenario();
    let window = scenario.horizon - scenario.warmup;
    assert!(value(top, "gain_ci_low") <= 0.0 && !text.contains("Per minute"), "{text}");
    let cost = scenario.departments.iter().find(|d| d.name == top["department"]).unwrap().cost_per_time;
    assert!(
        text.contains(&format!("{} per minute, {} over the window", number(cost), number(cost * window))),
        "{text}"
    );
    assert!(unreadable_numbers(&visible_text(&page), 6).is_empty());

    // IT one person short: its +1 staff gain is clear, and per minute too.
    let story = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/it-understaffed.toml");
    sandbox
        .run(&[
            "impact",
            story.to_str().unwrap(),
            "--step",
            "staff",
            "--replications",
            "10",
            "--out",
            "short",
            "--quiet",
        ])
        .success();
    let text = headline(&std::fs::read_to_string(sandbox.path("short/report.html")).unwrap());
    let top = &csv_rows(&sandbox.path("short"), "impact.csv")[0];
    assert!(value(top, "gain_ci_low") > 0.0, "{top:?}");
    let gain = value(top, "gain_in_revenue_at_risk");
    assert!(text.contains(&format!("Per minute: {} of revenue", number(gain / window))), "{text}");
}

#[test]
fn sweep_and_robust_headlines_cite_their_files() {
    let sandbox = Sandbox::new();
    let base = orgsim::scenario::DEFAULT_SCENARIO;
    sandbox.write("sweep.toml", &(base.to_string() + "\n[sweep]\n\"department.IT.staff\" = [3, 6]\n"));
    sandbox.run(&["sweep", "sweep.toml", "--replications", "2", "--out", "sweep", "--quiet"]).success();
    let page = std::fs::read_to_string(sandbox.path("sweep/report.html")).unwrap();
    let text = headline(&page);
    let rows = csv_rows(&sandbox.path("sweep"), "sweep.csv");
    let at = |staff: &str| rows.iter().find(|r| r["param.department.IT.staff"] == staff).unwrap();
    let unit = describe("ext_churn_rate").unit;
    let expected = format!(
        "IT: staff moves expected to leave (churn) most: {} at 3, {} at 6",
        unit.format(value(at("3"), "ext_churn_rate_mean"), "minute"),
        unit.format(value(at("6"), "ext_churn_rate_mean"), "minute")
    );
    assert!(text.contains(&expected), "{expected:?} not in {text:?}");

    sandbox.write("base.toml", base);
    sandbox
        .run(&["impact", "base.toml", "--robust", "--worlds", "4", "--replications", "1", "--out", "robust", "--quiet"])
        .success();
    let page = std::fs::read_to_string(sandbox.path("robust/report.html")).unwrap();
    let text = headline(&page);
    let ranks = csv_rows(&sandbox.path("robust"), "robust.csv");
    let top = ranks.iter().max_by(|a, b| value(a, "first_share").total_cmp(&value(b, "first_share"))).unwrap();
    let expected = format!(
        "{} ranks first in {} of the plausible worlds",
        top["department"],
        orgsim::readable::percent(value(top, "first_share"))
    );
    assert!(text.contains(&expected), "{expected:?} not in {text:?}");
    assert!(text.contains(&format!("median gain over the worlds is {}", number(value(top, "gain_median")))), "{text}");
}
