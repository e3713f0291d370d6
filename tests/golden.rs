//! Golden outputs: a seeded run, sweep, impact and optimize whose every CSV
//! file must stay byte-identical. They guard refactors: a change that moves
//! any figure shows up here. A change meant to move figures regenerates them
//! with `ORGSIM_BLESS=1 cargo test golden` and says what moved in its commit.

use std::path::{Path, PathBuf};

use crate::util::{SMALL, Sandbox};

fn golden_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden").join(name)
}

fn csv_files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

/// Runs `args` in a sandbox (with `SMALL` as `small.toml`) and compares
/// every CSV file of `out` with the golden copy named `name`.
fn check(name: &str, args: &[&str]) {
    let sandbox = Sandbox::new();
    sandbox.write("small.toml", SMALL);
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--out", "out", "--quiet", "--no-plots"]);
    sandbox.run(&full).success();
    let produced = sandbox.path("out");
    let golden = golden_dir(name);
    if std::env::var_os("ORGSIM_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        std::fs::create_dir_all(&golden).expect("golden folder");
        for file in csv_files(&produced) {
            std::fs::copy(produced.join(&file), golden.join(&file)).expect("copy golden file");
        }
        return;
    }
    assert_eq!(csv_files(&produced), csv_files(&golden), "{name}: the set of CSV files changed");
    for file in csv_files(&golden) {
        let expected = std::fs::read(golden.join(&file)).expect("golden file");
        let actual = std::fs::read(produced.join(&file)).expect("produced file");
        if expected != actual {
            let expected = String::from_utf8_lossy(&expected);
            let actual = String::from_utf8_lossy(&actual);
            let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "{name}/{file} differs from the golden copy at line {}:\n golden: {}\n now:    {}\n(if the change is meant to move figures, regenerate with ORGSIM_BLESS=1 and say so)",
                line + 1,
                expected.lines().nth(line).unwrap_or("<end>"),
                actual.lines().nth(line).unwrap_or("<end>")
            );
        }
    }
}

fn story(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(format!("{name}.toml")).display().to_string()
}

#[test]
fn a_seeded_baseline_run_keeps_every_csv_byte_for_byte() {
    check("run", &["run", "--replications", "3", "--seed", "7"]);
}

#[test]
fn a_seeded_sweep_keeps_every_csv_byte_for_byte() {
    check("sweep", &["sweep", &story("it-staffing-sweep"), "--replications", "2", "--seed", "7"]);
}

#[test]
fn a_seeded_impact_keeps_every_csv_byte_for_byte() {
    check("impact", &["impact", "--replications", "2", "--seed", "7"]);
}

#[test]
fn a_seeded_optimize_keeps_every_csv_byte_for_byte() {
    check("optimize", &["optimize", "small.toml", "--target", "ext_abandon_rate<=0.05", "--max-hires", "3"]);
}
