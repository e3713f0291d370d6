//! Every file in `scenarios/` tells its story in a leading comment, loads,
//! and runs.

use std::path::Path;

use orgsim::experiment;
use orgsim::scenario::{DEFAULT_SCENARIO, Scenario};

fn scenario_files() -> Vec<std::path::PathBuf> {
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
        assert!(
            text.starts_with("# "),
            "{} must open with a comment telling its story",
            path.display()
        );
        let mut scenario = Scenario::from_toml_str(&text, &path.display().to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        scenario.horizon = scenario.horizon.min(2_000.0);
        scenario.warmup = scenario.warmup.min(scenario.horizon / 10.0);
        let results = experiment::run_replications(&scenario, 2, scenario.seed);
        for replication in results {
            assert!(
                replication.external.arrivals > 0,
                "{}: no customers arrived",
                path.display()
            );
            assert!(
                replication.external.served > 0,
                "{}: nobody was served",
                path.display()
            );
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
    assert_eq!(
        experiment::run_replications(&short, 2, 1),
        experiment::run_replications(&original, 2, 1)
    );
}
