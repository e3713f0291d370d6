//! Sweep speed: 48 jobs (3 points × 16 replications) of the default
//! organization, on one thread and on two. Parallel efficiency at two
//! threads is time(1) / (2 × time(2)).
//!
//! Run with `cargo bench --bench sweep`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use orgsim::experiment::jobs::{Plan, Silent};
use orgsim::experiment::sweep::{plan_sweep, run_sweep};
use orgsim::scenario::{DEFAULT_SCENARIO, Scenario};

fn sweep(c: &mut Criterion) {
    let text = format!("{DEFAULT_SCENARIO}\n[sweep]\n\"department.IT.staff\" = [4, 5, 6]\n");
    let scenario = Scenario::from_toml_str(&text, "sweep bench").expect("valid");
    let run = Plan { replications: 16, seed: 1, precision: None };
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.throughput(Throughput::Elements(48));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        group.bench_function(format!("default_48_jobs_threads{threads}"), |b| {
            b.iter(|| {
                let plan = plan_sweep(&scenario, "sweep bench").expect("valid sweep");
                pool.install(|| run_sweep(plan, &run, &Silent).expect("no stall"))
            })
        });
    }
    group.finish();
}

// Criterion's own charts need system fonts, which orgsim does without.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = sweep
}
criterion_main!(benches);
