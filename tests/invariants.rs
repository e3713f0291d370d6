//! Properties every run must have: customers are conserved, streams are
//! independent by name, and the thread count does not change any result.

use orgsim::experiment;
use orgsim::scenario::Scenario;

#[test]
fn every_customer_is_served_abandoned_or_still_there() {
    let mut scenario = Scenario::default_scenario();
    scenario.set_replications(6);
    let results = experiment::run(scenario);
    for replication in &results.replications {
        let external = &replication.external;
        assert!(external.arrivals > 1000);
        assert!(external.abandoned > 0, "the default scenario has abandonment");
        assert_eq!(
            external.arrivals,
            external.served + external.abandoned + external.in_system_end,
            "replication {}: {external:?}",
            replication.replication
        );
    }
}

#[test]
fn changing_one_department_leaves_the_customers_stream_alone() {
    // Common random numbers: giving HR more staff changes nothing about who
    // arrives, when, or how patient they are.
    let base = Scenario::default_scenario();
    let mut file = base.resolved.clone();
    file.departments.iter_mut().find(|d| d.name == "HR").unwrap().staff = 4;
    let variant = Scenario::from_file(file, "variant").unwrap();
    let first = experiment::run_replications(&base, 3, 7);
    let second = experiment::run_replications(&variant, 3, 7);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.external.arrivals, b.external.arrivals);
    }
    // …but the run is really different where HR matters.
    assert_ne!(first[0].departments[5], second[0].departments[5]);
}

#[test]
fn replications_are_identical_on_one_thread_and_many() {
    let mut scenario = Scenario::default_scenario();
    scenario.horizon = 3000.0;
    scenario.warmup = 300.0;
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| experiment::run_replications(&scenario, 8, 3));
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| experiment::run_replications(&scenario, 8, 3));
    assert_eq!(one, two);
}
