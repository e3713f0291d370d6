//! Helpers shared by the integration tests: scenarios built from TOML text,
//! replication values of a metric, and a runner for the built binary in a
//! temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use orgsim::experiment::{self, Estimate, RunResults, replication_metrics};
use orgsim::scenario::Scenario;

/// A scenario from TOML text; panics with the error if it is refused.
pub fn scenario(text: &str) -> Scenario {
    Scenario::from_toml_str(text, "<test>").unwrap_or_else(|error| panic!("{error}"))
}

/// One station fed by Poisson arrivals: M/M/n, or M/M/n+M with `patience`.
pub fn single_station(
    servers: u32,
    arrival_rate: f64,
    service_rate: f64,
    patience_mean: Option<f64>,
    horizon: f64,
    replications: u32,
) -> Scenario {
    let patience =
        patience_mean.map_or(String::new(), |mean| format!("patience = {{ dist = \"exponential\", mean = {mean:?} }}"));
    scenario(&format!(
        r#"
name = "station"
horizon = {horizon:?}
warmup = {warmup:?}
replications = {replications}
seed = 12345
[customers]
arrival_rate = {arrival_rate:?}
{patience}
[[department]]
name = "Desk"
front_line = true
staff = {servers}
service = {{ dist = "exponential", mean = {mean:?} }}
[behavior]
enabled = false
"#,
        warmup = horizon / 10.0,
        mean = 1.0 / service_rate,
    ))
}

/// The per-replication values of an organization-wide metric.
pub fn values(results: &RunResults, metric: &str) -> Vec<f64> {
    results
        .replications
        .iter()
        .filter_map(|replication| {
            replication_metrics(replication)
                .into_iter()
                .find(|(name, _)| *name == metric)
                .unwrap_or_else(|| panic!("no metric {metric}"))
                .1
        })
        .collect()
}

/// The interval at the Bonferroni-corrected level for `checks` simultaneous
/// checks with a family-wise error of 5%: each check uses 1 − 0.05/checks.
pub fn bonferroni(values: &[f64], checks: usize) -> Estimate {
    experiment::estimate(values, 1.0 - 0.05 / checks as f64).expect("values")
}

/// Asserts that `expected` lies in the interval, with a readable message.
pub fn assert_covers(estimate: Estimate, expected: f64, what: &str) {
    assert!(
        estimate.contains(expected),
        "{what}: theory {expected:.5} outside the simulated interval [{:.5}, {:.5}] (mean {:.5}, {} replications)",
        estimate.low,
        estimate.high,
        estimate.mean,
        estimate.count
    );
}

/// A temporary folder holding copies of test inputs, where the binary runs.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox { dir: tempfile::tempdir().expect("temporary folder") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).expect("write test input");
        path
    }

    /// Runs the orgsim binary with `args` inside the sandbox.
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.run_with_env(args, &[])
    }

    /// Like [`Sandbox::run`], with extra environment variables.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, String)]) -> Outcome {
        let output = Command::new(env!("CARGO_BIN_EXE_orgsim"))
            .args(args)
            .envs(env.iter().map(|(key, value)| (*key, value.as_str())))
            .current_dir(self.dir.path())
            .output()
            .expect("start orgsim");
        Outcome { command: format!("orgsim {}", args.join(" ")), output }
    }

    /// Runs the binary under a wall-clock limit of `seconds` and an
    /// address-space limit of `bytes`, so that a hang or a memory blow-up
    /// fails the test instead of hanging it or exhausting the machine.
    /// Panics when the limit of time is reached or a signal ends the run.
    pub fn run_limited(&self, args: &[&str], seconds: u64, bytes: u64) -> Outcome {
        use std::os::unix::process::CommandExt;
        let mut command = Command::new(env!("CARGO_BIN_EXE_orgsim"));
        command.args(args).current_dir(self.dir.path());
        command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        // SAFETY: setrlimit is async-signal-safe and touches only the child.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = command.spawn().expect("start orgsim");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        // Read the pipes on their own threads so that a chatty child never blocks.
        let mut out = child.stdout.take().expect("stdout");
        let mut err = child.stderr.take().expect("stderr");
        let read_out = std::thread::spawn(move || {
            let mut buffer = Vec::new();
            std::io::Read::read_to_end(&mut out, &mut buffer).ok();
            buffer
        });
        let read_err = std::thread::spawn(move || {
            let mut buffer = Vec::new();
            std::io::Read::read_to_end(&mut err, &mut buffer).ok();
            buffer
        });
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for orgsim") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                child.kill().ok();
                child.wait().ok();
                panic!("orgsim {} ran past {seconds} s", args.join(" "));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let output = Output { status, stdout: read_out.join().unwrap(), stderr: read_err.join().unwrap() };
        let outcome = Outcome { command: format!("orgsim {}", args.join(" ")), output };
        assert!(
            outcome.output.status.code().is_some(),
            "killed by a signal (a memory blow-up or an abort)\n{}",
            outcome.describe()
        );
        outcome
    }

    /// Every entry in the sandbox, recursively, as relative paths.
    pub fn listing(&self) -> Vec<String> {
        fn walk(root: &Path, dir: &Path, into: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("read dir") {
                let path = entry.expect("entry").path();
                into.push(path.strip_prefix(root).unwrap().display().to_string());
                if path.is_dir() {
                    walk(root, &path, into);
                }
            }
        }
        let mut all = Vec::new();
        walk(self.dir.path(), self.dir.path(), &mut all);
        all.sort();
        all
    }
}

/// What a run of the binary gave.
pub struct Outcome {
    pub command: String,
    pub output: Output,
}

impl Outcome {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn describe(&self) -> String {
        format!(
            "command: {}\nstatus: {}\nstdout:\n{}\nstderr:\n{}",
            self.command,
            self.output.status,
            self.stdout(),
            self.stderr()
        )
    }

    /// Asserts success and returns stdout.
    pub fn success(&self) -> String {
        assert!(self.output.status.success(), "expected success\n{}", self.describe());
        self.stdout()
    }

    /// Asserts exit code 2 and returns stderr.
    pub fn failure(&self) -> String {
        assert_eq!(self.output.status.code(), Some(2), "expected exit code 2\n{}", self.describe());
        self.stderr()
    }
}

/// The per-replication values of a department metric (`department.<name>.<key>`).
pub fn department_values(results: &RunResults, department: &str, key: &str) -> Vec<f64> {
    let index = results.scenario.department_index(department).unwrap_or_else(|| panic!("no department {department}"));
    results
        .replications
        .iter()
        .filter_map(|r| {
            orgsim::experiment::department_metrics(
                &r.departments[index],
                r.window,
                r.social,
                (r.pooled, r.service_level),
            )
            .into_iter()
            .find(|(k, _)| *k == key)
            .unwrap_or_else(|| panic!("no department metric {key}"))
            .1
        })
        .collect()
}

/// Paired differences `variant − base`, replication by replication (the two
/// runs share their random streams), at the Bonferroni level for `checks`.
pub fn paired(base: &[f64], variant: &[f64], checks: usize) -> Estimate {
    assert_eq!(base.len(), variant.len(), "paired runs need the same replications");
    let differences: Vec<f64> = base.iter().zip(variant).map(|(b, v)| v - b).collect();
    bonferroni(&differences, checks)
}

/// Asserts that the whole interval lies above 0 (`sign` 1) or below (−1).
pub fn assert_significant(estimate: Estimate, sign: f64, what: &str) {
    let ok = if sign > 0.0 { estimate.low > 0.0 } else { estimate.high < 0.0 };
    assert!(
        ok,
        "{what}: expected a {} difference, got {:.5} [{:.5}, {:.5}] over {} replications",
        if sign > 0.0 { "positive" } else { "negative" },
        estimate.mean,
        estimate.low,
        estimate.high,
        estimate.count
    );
}

/// A scenario from `scenarios/`, with fewer replications for speed.
pub fn story(name: &str, replications: u32) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).expect("story exists");
    let mut scenario = Scenario::from_toml_str(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
    scenario.set_replications(replications);
    scenario
}

/// A variant of `base` made by editing its resolved file.
pub fn variant(base: &Scenario, edit: impl FnOnce(&mut orgsim::scenario::ScenarioFile)) -> Scenario {
    let mut file = base.resolved.clone();
    edit(&mut file);
    Scenario::from_file(file, "variant").unwrap_or_else(|e| panic!("{e}"))
}

/// The department called `name` in a scenario file.
pub fn department<'a>(
    file: &'a mut orgsim::scenario::ScenarioFile,
    name: &str,
) -> &'a mut orgsim::scenario::DepartmentFile {
    file.departments.iter_mut().find(|d| d.name == name).unwrap_or_else(|| panic!("no department {name}"))
}

/// A busy front line that consults a bottleneck supplier on half its cases
/// and an idle one on 5%, holding the customer on the line.
pub fn two_suppliers(replications: u32, seed: u64) -> Scenario {
    scenario(&format!(
        r#"
name = "two-suppliers"
horizon = 8000.0
warmup = 800.0
replications = {replications}
seed = {seed}
[customers]
arrival_rate = 1.0
patience = {{ dist = "exponential", mean = 8.0 }}
value = 100.0
[[department]]
name = "Front"
front_line = true
staff = 7
service = {{ dist = "exponential", mean = 5.0 }}
needs = [
  {{ dept = "Bottleneck", probability = 0.5, mode = "hold" }},
  {{ dept = "Idle", probability = 0.05, mode = "hold" }},
]
[[department]]
name = "Bottleneck"
staff = 2
service = {{ dist = "exponential", mean = 3.0 }}
[[department]]
name = "Idle"
staff = 2
service = {{ dist = "exponential", mean = 3.0 }}
"#
    ))
}

/// A small organization (a front desk and IT), social layer off; the
/// bad-input tests refer to its line numbers.
pub const SMALL: &str = r#"# Two departments.
name = "small"
horizon = 2000.0
warmup = 200.0
replications = 4
seed = 3

[customers]
arrival_rate = 1.0
patience = { dist = "exponential", mean = 4.0 }

[[department]]
name = "Front Desk"
front_line = true
staff = 3
service = { dist = "exponential", mean = 2.0 }
needs = [ { dept = "IT", probability = 0.3, mode = "handoff" } ]

[[department]]
name = "IT"
staff = 2
service = { dist = "lognormal", mean = 3.0, cv = 0.5 }

[behavior]
enabled = false
"#;

/// Reads the CSV file `file` of `folder` as rows of named fields.
pub fn csv_rows(folder: &std::path::Path, file: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(folder.join(file)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.into(), v.into())).collect())
        .collect()
}

/// A front-line desk (one-minute exponential services) that hands a fifth
/// of its work off to a back office of 2: `settings` are the run settings
/// (name, horizon, …), `customers` the `[customers]` lines and `desk` the
/// desk's staff lines.
pub fn desk_and_back_office(settings: &str, customers: &str, desk: &str) -> String {
    format!(
        r#"{settings}
[customers]
{customers}
[[department]]
name = "Desk"
front_line = true
{desk}
service = {{ dist = "exponential", mean = 1.0 }}
needs = [ {{ dept = "Back", probability = 0.2, mode = "handoff" }} ]
[[department]]
name = "Back"
staff = 2
service = {{ dist = "exponential", mean = 2.0 }}
[behavior]
enabled = false
"#
    )
}

/// The text a reader sees in an HTML page, the charts' own text included:
/// tags, styles and scripts left out, entities `&amp;`-style left as they
/// are.
pub fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        let tail = &rest[start..];
        // Skip whole elements whose content is not read as text.
        let skipped = ["<style", "<script"].iter().find(|open| tail.starts_with(**open));
        let end = match skipped {
            Some(open) => {
                let close = format!("</{}>", &open[1..]);
                tail.find(&close).map_or(tail.len(), |at| at + close.len())
            }
            None => tail.find('>').map_or(tail.len(), |at| at + 1),
        };
        rest = &tail[end..];
    }
    text.push_str(rest);
    text
}

/// The decimal numbers in `text` with more than `most` significant digits,
/// and any "NaN" or "inf" word.
pub fn unreadable_numbers(text: &str, most: usize) -> Vec<String> {
    let mut found = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        let word = word.trim_matches(|c| c == '.' || c == '-');
        if matches!(word.to_ascii_lowercase().as_str(), "nan" | "inf" | "infinity") {
            found.push(word.to_string());
            continue;
        }
        if !word.contains('.') || word.parse::<f64>().is_err() {
            continue;
        }
        let digits: String = word.chars().filter(char::is_ascii_digit).collect();
        if digits.trim_start_matches('0').len() > most {
            found.push(word.to_string());
        }
    }
    found
}
