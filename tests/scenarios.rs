//! Every file in `scenarios/` tells its story in a leading comment, loads,
//! and runs.

use std::path::Path;

use orgsim::experiment;
use orgsim::scenario::{DEFAULT_SCENARIO, Scenario};

pub fn scenario_files() -> Vec<std::path::PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .expect("scenarios/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_scenario_file_tells_its_story_loads_and_runs() {
    let files = scenario_files();
    assert!(!files.is_empty());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# "), "{} must open with a comment telling its story", path.display());
        let mut scenario =
            Scenario::from_toml_str(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        scenario.horizon = scenario.horizon.min(2_000.0);
        scenario.warmup = scenario.warmup.min(scenario.horizon / 10.0);
        let results = experiment::run_replications(&scenario, 2, scenario.seed);
        for replication in results {
            assert!(replication.external.arrivals > 0, "{}: no customers arrived", path.display());
            assert!(replication.external.served > 0, "{}: nobody was served", path.display());
        }
    }
}

#[test]
fn the_embedded_default_is_the_baseline_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    assert_eq!(std::fs::read_to_string(path).unwrap(), DEFAULT_SCENARIO);
    assert_eq!(Scenario::default_scenario().name, "baseline");
}

#[test]
fn the_resolved_scenario_reads_back_to_the_same_scenario() {
    // scenario.toml in the output must repeat the run exactly.
    let scenario = Scenario::default_scenario();
    let again = Scenario::from_toml_str(&scenario.to_toml(), "resolved").unwrap();
    assert_eq!(scenario.resolved, again.resolved);
    let mut short = again.clone();
    short.horizon = 1500.0;
    short.warmup = 100.0;
    let mut original = scenario.clone();
    original.horizon = 1500.0;
    original.warmup = 100.0;
    assert_eq!(experiment::run_replications(&short, 2, 1), experiment::run_replications(&original, 2, 1));
}

// Each story's comment makes a claim; these tests keep the claims that are
// not `[story] expect` entries (tests/stories.rs runs those) true. Story
// runs share their random streams with the baseline's, so the claims are
// checked on paired differences (Bonferroni over each test's checks).

use crate::util::{assert_significant, department_values, paired, story, values};

#[test]
fn baseline_story_front_line_near_80_percent_and_first_contact_resolution_near_70() {
    let results = experiment::run(story("baseline", 10));
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
    let front = mean(department_values(&results, "Customer Service", "utilization"));
    assert!((0.75..0.9).contains(&front), "Customer Service utilization {front}");
    let it = mean(department_values(&results, "IT", "utilization"));
    assert!((0.5..0.7).contains(&it), "IT utilization {it}");
    let rework = mean(values(&results, "ext_rework_rate"));
    assert!((0.2..0.36).contains(&rework), "share of customers who came back {rework}");
    let morale = mean(values(&results, "morale_mean"));
    assert!(morale < 0.7 && morale > 0.5, "morale {morale} settles a little below the 0.7 baseline");
}

/// Mean front-line morale per replication over time windows.
struct WindowMorale {
    windows: Vec<(f64, f64)>,
    sums: Vec<(f64, u32)>,
}

impl orgsim::model::Observer for WindowMorale {
    const SAMPLES: bool = true;
    fn sample(&mut self, sample: &orgsim::model::Sample) {
        if sample.department != "Customer Service" {
            return;
        }
        for (window, sum) in self.windows.iter().zip(&mut self.sums) {
            if window.0 <= sample.time && sample.time < window.1 {
                sum.0 += sample.morale.expect("social layer on");
                sum.1 += 1;
            }
        }
    }
}

#[test]
fn demand_spike_story_morale_stays_low_after_the_surge_ends() {
    // The surge runs from 3000 to 3600. Before: [2000, 3000); after it has
    // ended: [3800, 4400); long after: [7000, 8000).
    let scenario = story("demand-spike", 20);
    let windows = vec![(2000.0, 3000.0), (3800.0, 4400.0), (7000.0, 8000.0)];
    let (_, observers) =
        experiment::run_observed(scenario, |_| WindowMorale { windows: windows.clone(), sums: vec![(0.0, 0); 3] });
    let window =
        |index: usize| -> Vec<f64> { observers.iter().map(|o| o.sums[index].0 / f64::from(o.sums[index].1)).collect() };
    let (before, after, later) = (window(0), window(1), window(2));
    assert_significant(paired(&before, &after, 2), -1.0, "front-line morale after the surge vs before");
    assert_significant(paired(&after, &later, 2), 1.0, "front-line morale recovers later");
}

#[test]
fn enterprise_story_is_a_healthy_organization_of_200_departments() {
    let mut scenario = story("enterprise", 2);
    assert_eq!(scenario.departments.len(), 200);
    assert!(scenario.departments.iter().map(|d| d.staff).sum::<u32>() >= 5000);
    // A tenth of the horizon: still 1.5 million customers per replication.
    scenario.horizon = 10_000.0;
    scenario.warmup = 1_000.0;
    let results = experiment::run(scenario);
    let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
    let front = mean(department_values(&results, "Front 01", "utilization"));
    assert!((0.65..0.8).contains(&front), "front-line utilization {front}");
    let unit = mean(department_values(&results, "Unit 001", "utilization"));
    assert!((0.5..0.7).contains(&unit), "unit utilization {unit}");
    let abandon = mean(values(&results, "ext_abandon_rate"));
    assert!(abandon < 0.01, "abandonment {abandon}");
    // Too slow for a run at four times the horizon here, but not exempt
    // from its own diagnostics.
    let flagged: Vec<_> = results.diagnostics.iter().filter(|d| d.verdict.as_str() != "ok").collect();
    assert!(flagged.is_empty(), "{flagged:?}");
}
