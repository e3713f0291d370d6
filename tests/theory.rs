//! The model with the social layer off, against queueing theory.
//!
//! Each test compares the simulation with a formula: the analytic value must
//! lie inside the confidence interval of the replication means. Where a test
//! makes k checks at once, each interval is taken at level 1 − 0.05/k
//! (Bonferroni), so the whole test has at most a 5% chance of a false alarm;
//! seeds are fixed, so the outcome is repeatable.

use orgsim::experiment::{self, department_metrics};
use orgsim::theory;

use crate::util::{assert_covers, bonferroni, scenario, single_station, values};

#[test]
fn mmc_matches_erlang_c() {
    // (servers, λ, μ): light, the published example, and ρ = 0.95.
    let cases = [(1, 0.5, 1.0, 40_000.0), (10, 2.0, 0.25, 40_000.0), (5, 4.75, 1.0, 100_000.0)];
    let checks = cases.len() * 2;
    for (servers, lambda, mu, horizon) in cases {
        let results = experiment::run(single_station(servers, lambda, mu, None, horizon, 30));
        let (p_wait, wait) = theory::mmc_wait(servers, lambda, mu).unwrap();
        let label = format!("M/M/{servers} λ={lambda} μ={mu}");
        assert_covers(bonferroni(&values(&results, "ext_wait_prob"), checks), p_wait, &format!("{label} P(wait)"));
        assert_covers(bonferroni(&values(&results, "ext_wait_mean"), checks), wait, &format!("{label} E[W]"));
    }
}

#[test]
fn mmc_plus_m_matches_erlang_a() {
    // (servers, λ, μ, θ): the published example, an overloaded queue
    // (ρ = 1.6) and a small team with patient customers.
    let cases = [(10, 2.0, 0.25, 0.5), (5, 8.0, 1.0, 0.5), (3, 2.5, 1.0, 0.2)];
    let checks = cases.len() * 3;
    for (servers, lambda, mu, theta) in cases {
        let results = experiment::run(single_station(servers, lambda, mu, Some(1.0 / theta), 30_000.0, 30));
        let a = theory::erlang_a(servers, lambda, mu, theta).unwrap();
        let label = format!("M/M/{servers}+M λ={lambda} μ={mu} θ={theta}");
        assert_covers(
            bonferroni(&values(&results, "ext_abandon_rate"), checks),
            a.p_abandon,
            &format!("{label} P(abandon)"),
        );
        assert_covers(bonferroni(&values(&results, "ext_wait_mean"), checks), a.wait_mean, &format!("{label} E[W]"));
        assert_covers(bonferroni(&values(&results, "ext_wait_prob"), checks), a.p_wait, &format!("{label} P(wait)"));
    }
}

/// Front (2 servers) hands half its cases to IT; IT hands 30% of its work
/// to Finance. Every station serves each visit with one exponential rate,
/// FIFO: a product-form (Jackson/BCMP) network in which each station
/// behaves as M/M/c at its total visit rate.
fn handoff_network(followup: &str) -> experiment::RunResults {
    experiment::run(scenario(&format!(
        r#"
name = "jackson"
horizon = 40000.0
warmup = 4000.0
replications = 30
seed = 99
[customers]
arrival_rate = 0.8
[[department]]
name = "Front"
front_line = true
staff = 2
service = {{ dist = "exponential", mean = 1.0 }}
followup = {front}
needs = [ {{ dept = "IT", probability = 0.5, mode = "handoff" }} ]
[[department]]
name = "IT"
staff = 1
service = {{ dist = "exponential", mean = 1.0 }}
followup = {it}
needs = [ {{ dept = "Finance", probability = 0.3, mode = "handoff" }} ]
[[department]]
name = "Finance"
staff = 1
service = {{ dist = "exponential", mean = 2.0 }}
[behavior]
enabled = false
"#,
        front = if followup == "none" {
            "\"none\"".to_string()
        } else {
            "{ dist = \"exponential\", mean = 1.0 }".to_string()
        },
        it = if followup == "none" {
            "\"none\"".to_string()
        } else {
            "{ dist = \"exponential\", mean = 1.0 }".to_string()
        },
    )))
}

/// Each station's mean wait against M/M/c at its visit rate, and the mean
/// resolution time against Σ visits·sojourn; `stations` are (name, servers,
/// service rate, visits per customer).
fn assert_jackson(results: &experiment::RunResults, stations: &[(&str, u32, f64, f64)], resolution_visits: &[f64]) {
    let lambda = 0.8;
    let checks = 1 + stations.len();
    let mut expected_resolution = 0.0;
    for (index, &(name, servers, mu, visits)) in stations.iter().enumerate() {
        let (_, wait) = theory::mmc_wait(servers, lambda * visits, mu).unwrap();
        expected_resolution += resolution_visits[index] * (wait + 1.0 / mu);
        let waits: Vec<f64> = results
            .replications
            .iter()
            .map(|r| {
                let metrics =
                    department_metrics(&r.departments[index], r.window, r.social, (r.pooled, r.service_level));
                metrics.iter().find(|(key, _)| *key == "wait_mean").unwrap().1.unwrap()
            })
            .collect();
        assert_covers(
            bonferroni(&waits, checks),
            wait,
            &format!("{name} mean wait (M/M/{servers} at λ={})", lambda * visits),
        );
    }
    assert_covers(
        bonferroni(&values(results, "ext_resolution_mean"), checks),
        expected_resolution,
        "mean resolution time",
    );
}

#[test]
fn handoff_network_with_followups_matches_jackson_product_form() {
    // A returning reply queues for a follow-up with the same exponential
    // service. Visits per customer: Front 1 + 0.5 follow-ups; IT 0.5 + 0.15
    // follow-ups; Finance 0.15; all lie on the customer's path.
    let results = handoff_network("service");
    let stations = [("Front", 2, 1.0, 1.5), ("IT", 1, 1.0, 0.65), ("Finance", 1, 0.5, 0.15)];
    assert_jackson(&results, &stations, &[1.5, 0.65, 0.15]);
}

#[test]
fn handoff_network_without_followups_matches_jackson_product_form() {
    // followup = "none": the work is done when the last reply is back, so
    // visits are Front 1, IT 0.5, Finance 0.15.
    let results = handoff_network("none");
    let stations = [("Front", 2, 1.0, 1.0), ("IT", 1, 1.0, 0.5), ("Finance", 1, 0.5, 0.15)];
    assert_jackson(&results, &stations, &[1.0, 0.5, 0.15]);
}

#[test]
fn transfer_network_matches_jackson_product_form() {
    // Markov routing: Front passes half its work to Second and a fifth to
    // Third; Second passes 40% on to Third and sends 10% back to Front.
    // Visits per customer: Front 1/0.95, Second 0.5/0.95, Third
    // (0.2 + 0.2)/0.95; each station is M/M/c at its visit rate.
    let results = experiment::run(scenario(
        r#"
name = "transfers"
horizon = 40000.0
warmup = 4000.0
replications = 30
seed = 8
[customers]
arrival_rate = 0.8
[[department]]
name = "Front"
front_line = true
staff = 2
service = { dist = "exponential", mean = 1.0 }
transfers = [ { dept = "Second", probability = 0.5 }, { dept = "Third", probability = 0.2 } ]
[[department]]
name = "Second"
staff = 1
service = { dist = "exponential", mean = 1.0 }
transfers = [ { dept = "Third", probability = 0.4 }, { dept = "Front", probability = 0.1 } ]
[[department]]
name = "Third"
staff = 1
service = { dist = "exponential", mean = 2.0 }
[behavior]
enabled = false
"#,
    ));
    let (front, second) = (1.0 / 0.95, 0.5 / 0.95);
    let third = 0.2 * front + 0.4 * second;
    let stations = [("Front", 2, 1.0, front), ("Second", 1, 1.0, second), ("Third", 1, 0.5, third)];
    assert_jackson(&results, &stations, &[front, second, third]);
}

#[test]
fn hold_tandem_matches_the_product_form_sojourn() {
    // The front line (30 servers, a nearly infinite-server station) consults
    // IT on every case and holds until the reply. With so many servers no
    // case ever queues at the front (Erlang B(30, 6.4) < 1e-9), so the
    // resolution time is the front's service plus the M/M/2 sojourn at IT.
    let results = experiment::run(scenario(
        r#"
name = "tandem"
horizon = 40000.0
warmup = 4000.0
replications = 30
seed = 5
[customers]
arrival_rate = 1.5
[[department]]
name = "Front"
front_line = true
staff = 30
service = { dist = "exponential", mean = 2.0 }
needs = [ { dept = "IT", probability = 1.0, mode = "hold" } ]
[[department]]
name = "IT"
staff = 2
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#,
    ));
    assert!(theory::erlang_b(30, 1.5 * (2.0 + 2.3)) < 1e-9);
    let expected = 2.0 + theory::mmc_sojourn(2, 1.5, 1.0).unwrap();
    assert_covers(bonferroni(&values(&results, "ext_resolution_mean"), 2), expected, "tandem resolution time");
    assert_covers(
        bonferroni(&values(&results, "int_delay_mean"), 2),
        theory::mmc_sojourn(2, 1.5, 1.0).unwrap(),
        "IT reply delay (M/M/2 sojourn)",
    );
}

#[test]
fn a_transferred_request_replies_from_where_its_work_ends() {
    // The front line (30 servers: nobody queues there) holds every case for
    // IT, and IT passes every request on to Finance, whose completion is
    // the reply: the hold lasts an M/M/2 sojourn at IT plus one at Finance.
    let results = experiment::run(scenario(
        r#"
name = "forwarded"
horizon = 40000.0
warmup = 4000.0
replications = 30
seed = 6
[customers]
arrival_rate = 1.5
[[department]]
name = "Front"
front_line = true
staff = 30
service = { dist = "exponential", mean = 2.0 }
needs = [ { dept = "IT", probability = 1.0, mode = "hold" } ]
[[department]]
name = "IT"
staff = 2
service = { dist = "exponential", mean = 1.0 }
transfers = [ { dept = "Finance", probability = 1.0 } ]
[[department]]
name = "Finance"
staff = 2
service = { dist = "exponential", mean = 1.0 }
[behavior]
enabled = false
"#,
    ));
    let sojourn = theory::mmc_sojourn(2, 1.5, 1.0).unwrap();
    assert!(theory::erlang_b(30, 1.5 * (2.0 + 2.0 * sojourn)) < 1e-6);
    assert_covers(bonferroni(&values(&results, "int_delay_mean"), 2), 2.0 * sojourn, "reply delay: IT then Finance");
    assert_covers(
        bonferroni(&values(&results, "ext_resolution_mean"), 2),
        2.0 + 2.0 * sojourn,
        "resolution: front service and the held request",
    );
}

#[test]
fn littles_law_holds_in_every_department() {
    // The default organization has holds, handoffs, follow-ups and
    // abandonment. In each department the time-average number present
    // (queue + servers occupied) must equal visit rate × mean visit time.
    let mut default = orgsim::scenario::Scenario::default_scenario();
    default.set_replications(30);
    let results = experiment::run(default);
    let checks = results.scenario.departments.len();
    for (index, department) in results.scenario.departments.iter().enumerate() {
        let mut present = Vec::new();
        let mut little = Vec::new();
        for replication in &results.replications {
            let metrics = department_metrics(
                &replication.departments[index],
                replication.window,
                replication.social,
                (replication.pooled, replication.service_level),
            );
            let get = |key: &str| metrics.iter().find(|(k, _)| *k == key).unwrap().1.unwrap();
            present.push(get("in_system_mean"));
            little.push(get("visit_rate") * get("visit_time_mean"));
        }
        let lambda_w = little.iter().sum::<f64>() / little.len() as f64;
        assert_covers(bonferroni(&present, checks), lambda_w, &format!("{}: L vs λW", department.name));
    }
}

#[test]
fn rework_loop_matches_mm1_with_bernoulli_feedback() {
    // One server, no needs; quality is skill alone (weight 1), morale never
    // moves and rushing is off, so every answer is sent back with the fixed
    // probability p = rework_per_defect·(1 − skill) = 0.3 and redone: an
    // M/M/1 queue with Bernoulli feedback, mean time in system
    // 1/(μ(1 − p) − λ) = 1/(0.7 − 0.5) = 5.
    let results = experiment::run(scenario(
        r#"
name = "rework"
horizon = 40000.0
warmup = 4000.0
replications = 30
seed = 17
[customers]
arrival_rate = 0.5
[[department]]
name = "Desk"
front_line = true
staff = 1
skill = 0.7
service = { dist = "exponential", mean = 1.0 }
[behavior]
quality_weight_skill = 1.0
quality_weight_morale = 0.0
quality_weight_inputs = 0.0
rework_per_defect = 1.0
rush_speedup = 0.0
rush_quality_loss = 0.0
stress_morale_rate = 0.0
experience_weight = 0.0
customer_experience_weight = 0.0
"#,
    ));
    let expected = theory::mm1_feedback_sojourn(0.5, 1.0, 0.3).unwrap();
    assert_covers(
        bonferroni(&values(&results, "ext_resolution_mean"), 2),
        expected,
        "M/M/1 with rework: time in system",
    );
    assert_covers(bonferroni(&values(&results, "ext_rework_rate"), 2), 0.3, "share of customers who came back");
}
