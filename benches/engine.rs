//! Engine speed: customers per second on M/M/5 at ρ = 0.9 (10⁶ customers,
//! social layer off), on a 10-department network, and replications on one
//! and two threads.
//!
//! Run with `cargo bench --bench engine`; criterion reports the throughput
//! in customers (elements) per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use orgsim::experiment::run_replications;
use orgsim::model::simulate;
use orgsim::scenario::Scenario;

fn mm5(customers: f64) -> Scenario {
    mm5_with(customers, "enabled = false", "arrival_rate = 4.5")
}

/// The same volume (4.5 customers per time unit on average) with a rate
/// profile of 24 hourly slots and figures by slot.
fn mm5_day(customers: f64) -> Scenario {
    let values: Vec<&str> = (0..24).map(|h| if h % 2 == 0 { "4.2" } else { "4.8" }).collect();
    mm5_with(customers, "enabled = false", &format!("rates = {{ every = 60.0, values = [{}] }}", values.join(", ")))
}

/// M/M/5 at ρ = 0.9 with the social layer on at its defaults, except that
/// nothing is sent back for rework: rework adds service per customer and
/// would make it a different (overloaded) queue.
fn mm5_social(customers: f64) -> Scenario {
    mm5_with(customers, "rework_per_defect = 0.0", "arrival_rate = 4.5")
}

fn mm5_with(customers: f64, behavior: &str, demand: &str) -> Scenario {
    let arrival_rate = 4.5;
    Scenario::from_toml_str(
        &format!(
            r#"
name = "mm5"
horizon = {horizon:?}
warmup = 0.0
[customers]
{demand}
[[department]]
name = "Desk"
front_line = true
staff = 5
service = {{ dist = "exponential", mean = 1.0 }}
[behavior]
{behavior}
"#,
            horizon = customers / arrival_rate
        ),
        "mm5",
    )
    .expect("valid")
}

/// Two front-line departments and eight suppliers, with hold and handoff
/// needs, follow-ups, abandonment and non-exponential service.
fn network(customers: f64) -> Scenario {
    let arrival_rate = 2.0;
    let mut text = format!(
        r#"
name = "network10"
horizon = {horizon:?}
warmup = 0.0
[customers]
arrival_rate = {arrival_rate:?}
patience = {{ dist = "exponential", mean = 5.0 }}
entry = {{ "Front 0" = 0.6, "Front 1" = 0.4 }}
"#,
        horizon = customers / arrival_rate
    );
    for front in 0..2 {
        text.push_str(&format!(
            r#"
[[department]]
name = "Front {front}"
front_line = true
staff = 6
service = {{ dist = "lognormal", mean = 2.0, cv = 0.7 }}
needs = [
  {{ dept = "Supplier {a}", probability = 0.3, mode = "handoff" }},
  {{ dept = "Supplier {b}", probability = 0.2, mode = "hold" }},
]
"#,
            a = front * 4,
            b = front * 4 + 1
        ));
    }
    for supplier in 0..8 {
        let needs = if supplier < 6 {
            format!("needs = [ {{ dept = \"Supplier {}\", probability = 0.2, mode = \"handoff\" }} ]", supplier + 2)
        } else {
            String::new()
        };
        text.push_str(&format!(
            r#"
[[department]]
name = "Supplier {supplier}"
staff = 2
service = {{ dist = "gamma", mean = 1.5, cv = 0.8 }}
{needs}
"#
        ));
    }
    text.push_str("\n[behavior]\nenabled = false\n");
    Scenario::from_toml_str(&text, "network10").expect("valid")
}

/// Criterion counts customers; events per customer turn that into events/s.
fn report_events(label: &str, scenario: &Scenario) {
    let result = simulate(scenario, 0, 1);
    eprintln!(
        "{label}: {} customers, {} events, {:.3} events per customer",
        result.external.arrivals,
        result.events,
        result.events as f64 / result.external.arrivals as f64
    );
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    let customers = 1e6;
    group.throughput(Throughput::Elements(customers as u64));
    let scenario = mm5(customers);
    report_events("mm5", &scenario);
    group.bench_function("mm5_rho0.9_1e6_customers", |b| b.iter(|| simulate(&scenario, 0, 1)));
    let scenario = mm5_day(customers);
    report_events("mm5 day", &scenario);
    group.bench_function("mm5_rho0.9_1e6_customers_day", |b| b.iter(|| simulate(&scenario, 0, 1)));
    let scenario = mm5_social(customers);
    report_events("mm5 social", &scenario);
    group.bench_function("mm5_rho0.9_1e6_customers_social", |b| b.iter(|| simulate(&scenario, 0, 1)));
    let scenario = network(customers);
    report_events("network10", &scenario);
    group.bench_function("network10_1e6_customers", |b| b.iter(|| simulate(&scenario, 0, 1)));
    group.finish();
}

fn replications(c: &mut Criterion) {
    let mut group = c.benchmark_group("replications");
    group.sample_size(10);
    let per_replication = 2e5;
    let replications = 16;
    group.throughput(Throughput::Elements((per_replication * f64::from(replications)) as u64));
    let scenario = mm5(per_replication);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        group.bench_function(format!("mm5_16x2e5_threads{threads}"), |b| {
            b.iter(|| pool.install(|| run_replications(&scenario, replications, 1)))
        });
    }
    group.finish();
}

// Criterion's own charts need system fonts, which orgsim does without.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = engine, replications
}
criterion_main!(benches);
