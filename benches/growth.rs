//! How time grows with the size of the organization and the length of the
//! run: one replication of a generated organization (a front line and a
//! chain of suppliers, social layer on) with 10, 100 and 1,000 departments
//! at 10⁵ customers, and with 10 departments at 10⁵, 10⁶ and 10⁷ customers.
//! Criterion reports customers per second; time should grow about linearly
//! in customers and at most logarithmically in departments.
//!
//! Peak memory is measured per process by the `scale` example:
//! `cargo run --release --example scale -- scenarios/enterprise.toml 6800`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use orgsim::model::simulate;
use orgsim::scenario::Scenario;

/// `departments` departments: a tenth front line (at least one), each front
/// desk handing tickets to three suppliers, each supplier passing one in ten
/// to the next; staffed for about 75% utilization.
pub fn organization(departments: usize, customers: f64) -> Scenario {
    let fronts = (departments / 10).max(1);
    let suppliers = departments - fronts;
    let arrival_rate = 2.0 * fronts as f64;
    let mut text = format!(
        "name = \"growth\"\nhorizon = {horizon:?}\nwarmup = 0.0\n[customers]\narrival_rate = {arrival_rate:?}\npatience = {{ dist = \"exponential\", mean = 5.0 }}\n",
        horizon = customers / arrival_rate
    );
    let share = 1.0 / fronts as f64;
    let entry: Vec<String> = (0..fronts).map(|f| format!("\"Front {f}\" = {share:?}")).collect();
    text.push_str(&format!("entry = {{ {} }}\n", entry.join(", ")));
    for f in 0..fronts {
        let needs: Vec<String> = (0..3)
            .map(|k| {
                format!("{{ dept = \"Supplier {}\", probability = 0.1, mode = \"handoff\" }}", (f * 3 + k) % suppliers)
            })
            .collect();
        text.push_str(&format!(
            "[[department]]\nname = \"Front {f}\"\nfront_line = true\nstaff = 4\nservice = {{ dist = \"exponential\", mean = 1.0 }}\nneeds = [ {} ]\n",
            needs.join(", ")
        ));
    }
    for s in 0..suppliers {
        text.push_str(&format!(
            "[[department]]\nname = \"Supplier {s}\"\nstaff = 2\nservice = {{ dist = \"exponential\", mean = 1.0 }}\nneeds = [ {{ dept = \"Supplier {}\", probability = 0.1, mode = \"handoff\" }} ]\n",
            (s + 1) % suppliers
        ));
    }
    text.push_str("[behavior]\nrework_per_defect = 0.5\n");
    Scenario::from_toml_str(&text, "growth").expect("valid generated organization")
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("growth");
    group.sample_size(10);
    for departments in [10, 100, 1000] {
        let customers = 1e5;
        let scenario = organization(departments, customers);
        group.throughput(Throughput::Elements(customers as u64));
        group.bench_function(format!("departments_{departments}_customers_1e5"), |b| {
            b.iter(|| simulate(&scenario, 0, 1))
        });
    }
    for customers in [1e5, 1e6, 1e7] {
        let scenario = organization(10, customers);
        group.throughput(Throughput::Elements(customers as u64));
        group.bench_function(format!("length_10_departments_customers_{customers:e}"), |b| {
            b.iter(|| simulate(&scenario, 0, 1))
        });
    }
    group.finish();
}

// Criterion's own charts need system fonts, which orgsim does without.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = growth
}
criterion_main!(benches);
