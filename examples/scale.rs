//! Times one replication of a scenario file and reports its peak memory:
//!
//! ```sh
//! cargo run --release --example scale -- scenarios/enterprise.toml [HORIZON]
//! ```
//!
//! HORIZON, if given, replaces the scenario's horizon (the warm-up is
//! scaled with it), so the same organization can be measured at several
//! lengths. Peak memory is the process's high-water mark (VmHWM in
//! /proc/self/status, Linux).

use std::time::Instant;

use orgsim::model::simulate;
use orgsim::scenario::Scenario;

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: scale SCENARIO.toml [HORIZON]");
    let text = std::fs::read_to_string(&path).expect("readable scenario");
    let mut scenario = Scenario::from_toml_str(&text, &path).unwrap_or_else(|error| panic!("{error}"));
    if let Some(horizon) = args.next() {
        let horizon: f64 = horizon.parse().expect("a number");
        scenario.warmup *= horizon / scenario.horizon;
        scenario.horizon = horizon;
    }
    let started = Instant::now();
    let result = simulate(&scenario, 0, scenario.seed);
    let seconds = started.elapsed().as_secs_f64();
    let customers = scenario.customers.arrival_rate * scenario.horizon;
    println!(
        "{}: {} departments, {} staff, horizon {}: about {:.3e} customers, {} events in {:.2} s ({:.2e} customers/s, {:.2e} events/s); peak memory {} MiB",
        scenario.name,
        scenario.departments.len(),
        scenario.departments.iter().map(|d| d.staff).sum::<u32>(),
        scenario.horizon,
        customers,
        result.events,
        seconds,
        customers / seconds,
        result.events as f64 / seconds,
        peak_memory_kib().map_or("?".to_string(), |kib| (kib / 1024).to_string())
    );
}
