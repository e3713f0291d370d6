//! Properties every run must have: customers are conserved, streams are
//! independent by name, and the thread count does not change any result.

use orgsim::experiment;
use orgsim::scenario::{NeedMode, Scenario};

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
    file.departments.iter_mut().find(|d| d.name == "HR").unwrap().staff = Some(orgsim::scenario::Staff::Count(4));
    let variant = Scenario::from_file(file, "variant").unwrap();
    // Every arrival, bit for bit: its time and the front-line department
    // it entered (case numbers are slots, reused as work ends, so they
    // depend on the rest of the run).
    #[derive(Default)]
    struct Arrivals(Vec<(u64, String)>);
    impl orgsim::model::Observer for Arrivals {
        const TRACE: bool = true;
        fn trace(&mut self, event: &orgsim::model::TraceEvent) {
            if event.event == "arrival" {
                self.0.push((event.time.to_bits(), event.department.to_string()));
            }
        }
    }
    for replication in 0..3 {
        let (mut a, mut b) = (Arrivals::default(), Arrivals::default());
        orgsim::model::simulate_observed(&base, replication, 7, &mut a);
        orgsim::model::simulate_observed(&variant, replication, 7, &mut b);
        assert!(a.0.len() > 1000);
        assert!(a.0 == b.0, "replication {replication}: the arrivals differ");
    }
    let first = experiment::run_replications(&base, 3, 7);
    let second = experiment::run_replications(&variant, 3, 7);
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

#[test]
fn each_exchange_costs_the_staff_time_it_took() {
    // A front desk that holds every case while IT answers: the desk's cost
    // per customer is its rate × (its own service + the time held), and
    // IT's cost per request is its rate × its service.
    let scenario = crate::util::scenario(
        r#"
name = "cost"
horizon = 20000.0
warmup = 1000.0
replications = 20
seed = 4
[customers]
arrival_rate = 0.5
[[department]]
name = "Desk"
front_line = true
staff = 30
cost_per_time = 2.0
service = { dist = "exponential", mean = 3.0 }
needs = [ { dept = "IT", probability = 1.0, mode = "hold" } ]
[[department]]
name = "IT"
staff = 1
cost_per_time = 5.0
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#,
    );
    let results = experiment::run(scenario);
    let it_sojourn = orgsim::theory::mmc_sojourn(1, 0.5, 1.0).unwrap();
    let checks = 2;
    crate::util::assert_covers(
        crate::util::bonferroni(&crate::util::values(&results, "ext_handling_cost_mean"), checks),
        2.0 * (3.0 + it_sojourn),
        "desk cost per customer",
    );
    crate::util::assert_covers(
        crate::util::bonferroni(&crate::util::values(&results, "int_cost_mean"), checks),
        5.0 * 1.0,
        "IT cost per request",
    );
}

/// Random small networks of needs and transfers: whenever the check
/// accepts one, work keeps flowing to the end of every replication (a
/// deadlock would stop every service for good, and the stall stop would
/// fire), whatever the needs' modes; forced past the check, hold loops do
/// deadlock.
#[test]
fn no_accepted_network_stops_making_progress() {
    use rand::{RngExt, SeedableRng};
    struct LastEnd(f64);
    impl orgsim::model::Observer for LastEnd {
        const TRACE: bool = true;
        fn trace(&mut self, event: &orgsim::model::TraceEvent) {
            if event.event == "end" {
                self.0 = self.0.max(event.time);
            }
        }
    }
    let mut rng = rand::rngs::SmallRng::seed_from_u64(10);
    // Transfers draw from their own generator: the needs stay as they were.
    let mut transfer_rng = rand::rngs::SmallRng::seed_from_u64(11);
    let mut with_transfer = 0;
    let (mut accepted, mut with_hold, mut refused_holds, mut forced_stalls) = (0, 0, 0, 0);
    for network in 0..300 {
        let departments = rng.random_range(2..=4);
        let mut text =
            format!("name = \"net{network}\"\nhorizon = 3000.0\nreplications = 1\n[customers]\narrival_rate = 0.1\n");
        let mut holds = 0;
        for from in 0..departments {
            let mut needs = Vec::new();
            for to in 0..departments {
                if to != from && rng.random_bool(0.5) {
                    let mode = if rng.random_bool(0.5) { "hold" } else { "handoff" };
                    holds += usize::from(mode == "hold");
                    let probability = rng.random_range(0.1..0.6);
                    needs.push(format!("{{ dept = \"D{to}\", probability = {probability}, mode = \"{mode}\" }}"));
                }
            }
            let to = transfer_rng.random_range(0..departments);
            let transfers = if to != from && transfer_rng.random_bool(0.4) {
                format!("{{ dept = \"D{to}\", probability = {} }}", transfer_rng.random_range(0.1..0.5))
            } else {
                String::new()
            };
            text.push_str(&format!(
                "[[department]]\nname = \"D{from}\"\nfront_line = {}\nstaff = {}\nservice = {{ dist = \"exponential\", mean = 1.0 }}\nneeds = [{}]\ntransfers = [{transfers}]\n",
                from == 0,
                rng.random_range(1..=2),
                needs.join(", ")
            ));
        }
        text.push_str("[behavior]\nenabled = false\n");
        let scenario = match Scenario::from_toml_str(&text, "random network") {
            Ok(scenario) => scenario,
            Err(error) => {
                refused_holds += usize::from(error.to_string().contains("deadlock"));
                continue;
            }
        };
        accepted += 1;
        with_hold += usize::from(holds > 0);
        with_transfer += usize::from(scenario.departments.iter().any(|d| !d.transfers.is_empty()));
        let mut last = LastEnd(0.0);
        let result = orgsim::model::simulate_observed(&scenario, 0, 5, &mut last);
        // Customers arrive every 10 time units on average; 300 without a
        // single service end has probability e⁻³⁰.
        assert!(3000.0 - last.0 < 300.0, "no service ended after {}:\n{text}", last.0);
        assert!(result.stalled.is_none(), "{:?}:\n{text}", result.stalled);
        // The same network with every need forced to `hold` (past the
        // check): where that closes a loop, the stall stop may fire.
        let mut forced = scenario.clone();
        forced.horizon = 30_000.0;
        forced.departments.iter_mut().flat_map(|d| d.needs.iter_mut()).for_each(|n| n.mode = NeedMode::Hold);
        forced_stalls += usize::from(orgsim::model::simulate(&forced, 0, 5).stalled.is_some());
    }
    assert!(
        accepted >= 50 && with_hold >= 20 && refused_holds >= 20 && with_transfer >= 20,
        "{accepted} {with_hold} {refused_holds} {with_transfer}"
    );
    assert!(forced_stalls >= 10, "hold loops deadlock and the stall stop sees it: {forced_stalls}");
}

/// The warm-up only decides what is counted: morale, stress and contagion
/// run the same whatever its length, so the time series' dynamics match
/// column for column while the statistics differ.
#[test]
fn the_warm_up_changes_what_is_counted_not_what_happens() {
    let sandbox = crate::util::Sandbox::new();
    let baseline = orgsim::scenario::DEFAULT_SCENARIO.replace("horizon = 10000.0", "horizon = 4000.0");
    for (name, warmup) in [("short", "100.0"), ("long", "2000.0")] {
        sandbox.write(&format!("{name}.toml"), &baseline.replace("warmup = 2000.0", &format!("warmup = {warmup}")));
        sandbox
            .run(&["run", &format!("{name}.toml"), "--replications", "2", "--out", name, "--quiet", "--no-plots"])
            .success();
    }
    let dynamics = |name: &str| -> Vec<String> {
        let text = std::fs::read_to_string(sandbox.path(name).join("timeseries.csv")).unwrap();
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let keep: Vec<usize> = ["replication", "time", "department", "queue", "busy", "morale"]
            .iter()
            .map(|c| header.iter().position(|h| h == c).unwrap_or_else(|| panic!("no column {c}")))
            .collect();
        text.lines()
            .map(|line| {
                let fields: Vec<&str> = line.split(',').collect();
                keep.iter().map(|&i| fields[i]).collect::<Vec<_>>().join(",")
            })
            .collect()
    };
    let (short, long) = (dynamics("short"), dynamics("long"));
    assert!(short.len() > 1000);
    assert!(short == long, "the dynamics differ between warm-ups of 100 and 2000");
    let summary = |name: &str| std::fs::read_to_string(sandbox.path(name).join("summary.csv")).unwrap();
    assert_ne!(summary("short"), summary("long"), "the statistics must differ");
}
