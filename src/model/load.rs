//! What each department is offered on average, from the traffic equations:
//! the arrival rate of new work and the busy servers it needs, ignoring
//! queueing at suppliers and abandonment. `orgsim validate` prints it and
//! warns about departments near or over capacity.

use crate::scenario::network::{self, Edge};
use crate::scenario::{NeedMode, Scenario};

use super::social::rework_probability;

/// Expected traffic per department, without queueing delays.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadEstimate {
    /// New pieces of work per time unit (follow-ups not counted).
    pub arrival_rates: Vec<f64>,
    /// Busy servers needed on average (own work, follow-ups, and time held
    /// waiting for `hold` suppliers' replies as if no supplier queued).
    pub offered_load: Vec<f64>,
}

/// Expected load on each department, from the traffic equations.
pub fn load_estimate(scenario: &Scenario) -> LoadEstimate {
    let n = scenario.departments.len();
    let edges: Vec<Edge> = scenario
        .departments
        .iter()
        .enumerate()
        .flat_map(|(from, department)| {
            department.needs.iter().map(move |need| Edge {
                from,
                to: need.supplier,
                probability: need.probability,
                mode: need.mode,
            })
        })
        .collect();
    let mut external = vec![0.0; n];
    let mut previous = 0.0;
    for &(index, cumulative) in &scenario.customers.entry {
        external[index] = (cumulative - previous) * scenario.customers.arrival_rate;
        previous = cumulative;
    }
    let arrival_rates = network::arrival_rates(&external, &edges).expect("checked loops have finite traffic");
    let handoff_probability: Vec<f64> = scenario
        .departments
        .iter()
        .map(|d| {
            1.0 - d.needs.iter().filter(|n| n.mode == NeedMode::Handoff).map(|n| 1.0 - n.probability).product::<f64>()
        })
        .collect();
    // Response time of one piece of work when nobody queues:
    // R_i = S_i + Σ_j p_ij R_j + P(any handoff at i)·F_i.
    let mut a = vec![vec![0.0; n]; n];
    for (i, row) in a.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for edge in &edges {
        a[edge.from][edge.to] -= edge.probability;
    }
    let own: Vec<f64> = (0..n)
        .map(|i| scenario.departments[i].service_mean + handoff_probability[i] * scenario.departments[i].followup_mean)
        .collect();
    let response = network::solve_linear(a, own).expect("checked loops have finite response");
    // With the social layer on, work found unfit is redone: at the
    // baseline quality (no stress, inputs as good as own work) each piece
    // of work is served 1/(1 − p) times on average.
    let redo: Vec<f64> = scenario
        .departments
        .iter()
        .map(|department| {
            if !scenario.behavior_enabled {
                return 1.0;
            }
            let behavior = &scenario.behavior;
            let own = department.skill.powf(behavior.quality_weight_skill)
                * department.morale_baseline.powf(behavior.quality_weight_morale);
            let quality =
                own * if department.needs.is_empty() { 1.0 } else { own.powf(behavior.quality_weight_inputs) };
            1.0 / (1.0 - rework_probability(behavior, quality))
        })
        .collect();
    let offered_load = (0..n)
        .map(|i| {
            let department = &scenario.departments[i];
            let held: f64 = department
                .needs
                .iter()
                .filter(|need| need.mode == NeedMode::Hold)
                .map(|need| need.probability * response[need.supplier])
                .sum();
            arrival_rates[i]
                * (redo[i] * department.service_mean + held + handoff_probability[i] * department.followup_mean)
        })
        .collect();
    LoadEstimate { arrival_rates, offered_load }
}
