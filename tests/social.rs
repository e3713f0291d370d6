//! The social layer's claims, each a mechanism test with fixed seeds. Where
//! two runs are compared they share their random streams (common random
//! numbers) and the claim must hold for the paired difference's confidence
//! interval (Bonferroni-corrected when a test checks several things).

use orgsim::experiment::{self, estimate};
use orgsim::model::{Observer, Sample, simulate_observed};
use orgsim::scenario::Scenario;

use crate::util::{
    assert_significant, department, department_values, paired, scenario, two_suppliers, values, variant,
};

fn baseline(replications: u32) -> Scenario {
    let mut scenario = Scenario::default_scenario();
    scenario.set_replications(replications);
    scenario
}

#[test]
fn a_less_skilled_supplier_lowers_front_line_quality_and_customer_satisfaction() {
    let base = baseline(12);
    let weaker = variant(&base, |file| department(file, "IT").skill = 0.5);
    let (a, b) = (experiment::run(base), experiment::run(weaker));
    let quality = paired(
        &department_values(&a, "Customer Service", "quality_given"),
        &department_values(&b, "Customer Service", "quality_given"),
        2,
    );
    assert_significant(quality, -1.0, "Customer Service quality after IT's skill falls");
    let satisfaction = paired(&values(&a, "ext_satisfaction_mean"), &values(&b, "ext_satisfaction_mean"), 2);
    assert_significant(satisfaction, -1.0, "customer satisfaction after IT's skill falls");
}

/// Records each department's morale at every sample.
#[derive(Default)]
struct MoraleRecorder {
    samples: Vec<(f64, String, f64)>,
}

impl Observer for MoraleRecorder {
    const SAMPLES: bool = true;
    fn sample(&mut self, sample: &Sample) {
        self.samples.push((sample.time, sample.department.to_string(), sample.morale.expect("social layer on")));
    }
}

impl MoraleRecorder {
    fn at(&self, time: f64, department: &str) -> f64 {
        self.samples.iter().find(|(t, d, _)| *t >= time && d == department).expect("sampled").2
    }
}

/// Front — Middle — Back, linked by needs; only contagion and relaxation
/// move morale (experiences and stress switched off), so morale follows a
/// deterministic path.
fn chain(back_morale: f64) -> Scenario {
    scenario(&format!(
        r#"
name = "chain"
horizon = 600.0
warmup = 0.0
sample_every = 5.0
[customers]
arrival_rate = 0.5
[[department]]
name = "Front"
front_line = true
staff = 4
service = {{ dist = "exponential", mean = 2.0 }}
needs = [ {{ dept = "Middle", probability = 0.5, mode = "handoff" }} ]
[[department]]
name = "Middle"
staff = 4
service = {{ dist = "exponential", mean = 2.0 }}
needs = [ {{ dept = "Back", probability = 0.5, mode = "handoff" }} ]
[[department]]
name = "Back"
staff = 4
morale = {back_morale:?}
service = {{ dist = "exponential", mean = 2.0 }}
[behavior]
experience_weight = 0.0
customer_experience_weight = 0.0
stress_morale_rate = 0.0
"#
    ))
}

#[test]
fn low_morale_spreads_to_neighbours_and_faster_than_high_morale() {
    let mut low = MoraleRecorder::default();
    simulate_observed(&chain(0.4), 0, 1, &mut low);
    let mut high = MoraleRecorder::default();
    simulate_observed(&chain(1.0), 0, 1, &mut high);
    // Back's mood reaches Middle, which works with it, and through Middle
    // the Front, less.
    let middle = 0.7 - low.at(300.0, "Middle");
    let front = 0.7 - low.at(300.0, "Front");
    assert!(middle > 0.02, "Middle's morale fell by {middle}");
    assert!(front > 0.0 && front < middle, "Front fell by {front}, Middle by {middle}");
    // The same gap (0.3) spreads about twice as fast downward as upward:
    // after 20 time units Middle has moved further toward a sad Back than
    // toward a happy one.
    let down = 0.7 - low.at(20.0, "Middle");
    let up = high.at(20.0, "Middle") - 0.7;
    assert!(up > 0.0, "a happy Back lifts Middle ({up})");
    assert!(down > 1.5 * up, "negative moved {down}, positive {up}");
}

#[test]
fn near_full_utilization_a_small_internal_delay_raises_abandonment_more_than_proportionally() {
    // Agents put every customer on hold to consult the back office (which
    // never queues). A silo delay of 0.5 adds 10% to the 5-unit handling.
    let desk = |arrival_rate: f64, silo_delay: f64| {
        scenario(&format!(
            r#"
name = "desk"
horizon = 20000.0
warmup = 1000.0
replications = 20
seed = 8
[customers]
arrival_rate = {arrival_rate:?}
patience = {{ dist = "exponential", mean = 5.0 }}
[[department]]
name = "Agents"
front_line = true
staff = 10
service = {{ dist = "exponential", mean = 4.0 }}
needs = [ {{ dept = "Back Office", probability = 1.0, mode = "hold", silo_delay = {silo_delay:?} }} ]
[[department]]
name = "Back Office"
staff = 40
service = {{ dist = "fixed", value = 1.0 }}
[behavior]
experience_weight = 0.0
customer_experience_weight = 0.0
stress_morale_rate = 0.0
rush_speedup = 0.0
contagion_rate = 0.0
rework_per_defect = 0.0
"#
        ))
    };
    let growth = |arrival_rate: f64| {
        let before = experiment::run(desk(arrival_rate, 0.0));
        let after = experiment::run(desk(arrival_rate, 0.5));
        (values(&before, "ext_abandon_rate"), values(&after, "ext_abandon_rate"))
    };
    // At 95% of capacity: abandonment grows by more than twice the 10% the
    // handling time grew: after − 1.2·before > 0, paired.
    let (before, after) = growth(1.9);
    let excess: Vec<f64> = before.iter().zip(&after).map(|(b, a)| a - 1.2 * b).collect();
    let excess = estimate(&excess, 1.0 - 0.05 / 2.0).unwrap();
    assert!(excess.low > 0.0, "abandonment grew less than 2 × 10%: {excess:?}");
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    eprintln!("busy desk: abandonment {:.4} → {:.4}", mean(&before), mean(&after));
    // At half capacity the same delay changes little in absolute terms.
    let (idle_before, idle_after) = growth(1.0);
    let busy_gain = paired(&before, &after, 2).mean;
    let idle_gain = paired(&idle_before, &idle_after, 2).mean;
    assert!(busy_gain > 5.0 * idle_gain.max(0.0), "busy +{busy_gain}, idle +{idle_gain}");
}

#[test]
fn front_line_morale_and_customer_satisfaction_correlate_across_internal_service_levels() {
    // Eight organizations whose internal service differs in three separate
    // ways, crossed: IT's skill (the quality of its replies), IT's head count
    // (how long they take) and a silo between Customer Service and IT (a
    // delay on every request). No single input sets both figures.
    let base = baseline(6);
    let mut morale = Vec::new();
    let mut satisfaction = Vec::new();
    let designs = [
        (0.5, 3, 10.0),
        (0.95, 3, 10.0),
        (0.5, 3, 0.0),
        (0.95, 3, 0.0),
        (0.5, 5, 10.0),
        (0.95, 5, 10.0),
        (0.5, 5, 0.0),
        (0.95, 5, 0.0),
    ];
    for (skill, staff, silo) in designs {
        let results = experiment::run(variant(&base, |file| {
            let it = department(file, "IT");
            it.skill = skill;
            it.staff = Some(orgsim::scenario::Staff::Count(staff));
            for need in &mut department(file, "Customer Service").needs {
                if need.dept == "IT" {
                    need.silo_delay = silo;
                }
            }
        }));
        let mean = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        morale.push(mean(department_values(&results, "Customer Service", "morale_mean")));
        satisfaction.push(mean(values(&results, "ext_satisfaction_mean")));
    }
    let n = morale.len() as f64;
    let (mx, my) = (morale.iter().sum::<f64>() / n, satisfaction.iter().sum::<f64>() / n);
    let cov: f64 = morale.iter().zip(&satisfaction).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sx = morale.iter().map(|x| (x - mx).powi(2)).sum::<f64>().sqrt();
    let sy = satisfaction.iter().map(|y| (y - my).powi(2)).sum::<f64>().sqrt();
    let r = cov / (sx * sy);
    // One-sided 5% critical value of Pearson's r for n = 8 (6 degrees of
    // freedom): 0.622.
    assert!(r > 0.622, "r = {r}: morale {morale:?}, satisfaction {satisfaction:?}");
}

#[test]
fn improving_the_supplier_a_busy_front_line_waits_on_beats_improving_an_idle_one() {
    let base = two_suppliers(16, 21);
    let busy_plus = variant(&base, |file| department(file, "Bottleneck").add_staff(1));
    let idle_plus = variant(&base, |file| department(file, "Idle").add_staff(1));
    let busy = experiment::run(busy_plus);
    let idle = experiment::run(idle_plus);
    let difference = paired(&values(&idle, "ext_satisfaction_mean"), &values(&busy, "ext_satisfaction_mean"), 1);
    assert_significant(difference, 1.0, "satisfaction with +1 at the busy supplier vs +1 at the idle one");
}

#[test]
fn revenue_at_risk_rate_is_the_total_per_counted_time_unit() {
    let results = experiment::run(baseline(3));
    let totals = values(&results, "revenue_at_risk");
    let rates = values(&results, "revenue_at_risk_rate");
    let window = results.scenario.horizon - results.scenario.warmup;
    for (total, rate) in totals.iter().zip(&rates) {
        assert!(*total > 0.0);
        assert!((rate * window - total).abs() <= 1e-9 * total, "{rate} × {window} ≠ {total}");
    }
}
