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
    /// Share of each department's work redone at baseline skill and morale
    /// (0 with the social layer off).
    pub rework_share: Vec<f64>,
}

/// Expected load on each department, from the traffic equations.
pub fn load_estimate(scenario: &Scenario) -> LoadEstimate {
    let n = scenario.departments.len();
    let edges: Vec<Edge> = scenario
        .departments
        .iter()
        .enumerate()
        .flat_map(|(from, department)| {
            let needs = department.needs.iter().map(move |need| Edge {
                from,
                to: need.supplier,
                probability: need.probability,
                mode: need.mode,
                transfer: false,
            });
            // Work transferred on is served there, and a request's reply
            // comes from where its work ends.
            let transfers = department.transfers.iter().map(move |transfer| Edge {
                from,
                to: transfer.to,
                probability: transfer.probability,
                mode: NeedMode::Handoff,
                transfer: true,
            });
            needs.chain(transfers)
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
    let rework_share = redo.iter().map(|r| 1.0 - 1.0 / r).collect();
    LoadEstimate { arrival_rates, offered_load, rework_share }
}

/// What a run would cost, estimated before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeEstimate {
    /// Events over all replications.
    pub events: f64,
    /// Seconds on one core, at [`EVENTS_PER_SECOND`].
    pub seconds: f64,
    /// Memory one replication's queues may hold at once, in bytes: the
    /// work an overload (over the horizon, in the busiest slot, in a surge)
    /// piles up.
    pub peak_bytes: f64,
    /// The department holding most of that work, if any piles up.
    pub growing: Option<String>,
}

/// A conservative engine speed for estimates (the benchmarks measure 10 to
/// 16 million events per second on one core).
pub const EVENTS_PER_SECOND: f64 = 5e6;

/// Bytes a waiting piece of work takes (its slot and its queue entry).
const BYTES_PER_WAITING_WORK: f64 = 96.0;

/// Per department, how fast its queue grows without bound (work per time
/// unit; 0 when it does not): a queue nobody can leave, offered more work
/// than its staff on duty over the run can do, grows at the arrival rate
/// times the share of the offered work that cannot be served. With
/// patience the front line's queue is held down by abandonment.
fn queue_growth(scenario: &Scenario, load: &LoadEstimate) -> Vec<f64> {
    scenario
        .departments
        .iter()
        .enumerate()
        .map(|(index, department)| {
            let can_abandon = department.front_line && scenario.customers.patience.is_some();
            let offered = load.offered_load[index];
            let staff = department.mean_serving(0.0, scenario.horizon).unwrap_or(f64::INFINITY);
            if can_abandon || offered <= staff { 0.0 } else { load.arrival_rates[index] * (1.0 - staff / offered) }
        })
        .collect()
}

/// Per department, whether the load estimate says its queue grows without
/// bound (not merely ρ ≥ 1: abandonment keeps a front line's queue
/// finite).
pub fn overloaded(scenario: &Scenario) -> Vec<bool> {
    queue_growth(scenario, &load_estimate(scenario)).into_iter().map(|g| g > 0.0).collect()
}

/// Estimates the events and memory of `replications` replications.
pub fn size_estimate(scenario: &Scenario, replications: u32) -> SizeEstimate {
    let load = load_estimate(scenario);
    let window = scenario.horizon;
    let customers = scenario.customers.arrival_rate
        * (window
            + scenario
                .customers
                .surges
                .iter()
                .map(|s| (s.factor - 1.0) * (s.end.min(window) - s.start.min(window)))
                .sum::<f64>());
    // Each piece of work ends one service at least; customers also arrive
    // (and may abandon); handoffs add a follow-up.
    let services: f64 = load
        .arrival_rates
        .iter()
        .zip(&scenario.departments)
        .map(|(rate, department)| {
            let followup =
                department.followup.is_some() && department.needs.iter().any(|n| n.mode == NeedMode::Handoff);
            rate * window * if followup { 2.0 } else { 1.0 }
        })
        .sum();
    // Customers arrive (one event), may abandon (one more), and every
    // service ends with an event.
    let per_customer = if scenario.customers.patience.is_some() { 2.0 } else { 1.0 };
    // Time-series samples and morale updates visit every department.
    let departments = scenario.departments.len() as f64;
    let samples = scenario.horizon / scenario.sample_every;
    let morale_updates =
        if scenario.behavior_enabled { scenario.horizon / scenario.behavior.update_interval } else { 0.0 };
    let ticks = (samples + morale_updates) * departments;
    // Every change of a schedule is an event.
    let shift_changes: f64 = scenario
        .departments
        .iter()
        .filter_map(|d| d.schedule.as_ref())
        .map(|schedule| schedule.staff.len() as f64 * (scenario.horizon / schedule.period).ceil())
        .sum::<f64>()
        + scenario.customers.profile.as_ref().map_or(0.0, |p| (scenario.horizon / p.every).ceil());
    let events = (per_customer * customers + services + ticks + shift_changes) * f64::from(replications);
    let (queued, growing) = most_queued(scenario, &load);
    SizeEstimate { events, seconds: events / EVENTS_PER_SECOND, peak_bytes: queued * BYTES_PER_WAITING_WORK, growing }
}

/// The most pieces of work one replication holds in queues at once, and the
/// department holding most of them. A stretch of overload (the mean load
/// over the horizon, the busiest slot of the rate profile, each surge)
/// piles work up at every department it overloads: the excess over what
/// the staff can serve, for the stretch's length. At a front line whose
/// customers abandon, the queue also keeps the places of those who left
/// until a server reaches them, so it holds every arrival of the last
/// stretch of waiting: about the mean patience × (1 + ln ρ) (the oldest
/// wait that some customer still sits out when the load is ρ times what
/// the staff can serve, with exponential patience), at most the stretch.
fn most_queued(scenario: &Scenario, load: &LoadEstimate) -> (f64, Option<String>) {
    let customers = &scenario.customers;
    let busiest_slot = customers
        .profile
        .as_ref()
        .map(|p| p.rates.iter().copied().fold(0.0, f64::max) / customers.arrival_rate.max(f64::MIN_POSITIVE))
        .unwrap_or(1.0);
    let mut stretches = vec![(1.0, scenario.horizon)];
    if let Some(profile) = &customers.profile {
        stretches.push((busiest_slot, profile.every.min(scenario.horizon)));
    }
    for surge in &customers.surges {
        let length = surge.end.min(scenario.horizon) - surge.start.min(scenario.horizon);
        stretches.push((surge.factor * busiest_slot, length));
    }
    let patience = scenario.resolved.customers.patience.as_ref().map(|p| p.mean());
    let mut most = (0.0, None);
    for (factor, length) in stretches {
        let queued: Vec<f64> = scenario
            .departments
            .iter()
            .enumerate()
            .map(|(index, department)| {
                let staff = department.mean_serving(0.0, scenario.horizon).unwrap_or(f64::INFINITY);
                let load_factor = factor * load.offered_load[index] / staff;
                let arrivals = factor * load.arrival_rates[index];
                if load_factor <= 1.0 || arrivals <= 0.0 {
                    return 0.0;
                }
                match patience {
                    Some(mean) if department.front_line => arrivals * length.min(mean * (1.0 + load_factor.ln())),
                    _ => arrivals * (1.0 - 1.0 / load_factor) * length,
                }
            })
            .collect();
        let total: f64 = queued.iter().sum();
        if total > most.0 {
            let largest = queued.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(index, _)| index);
            most = (total, largest.map(|index| scenario.departments[index].name.clone()));
        }
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate;

    #[test]
    fn the_event_estimate_is_close_to_what_runs() {
        let mut scenario = Scenario::default_scenario();
        scenario.horizon = 5_000.0;
        let estimate = size_estimate(&scenario, 1);
        let events = simulate(&scenario, 0, 1).events as f64;
        let ratio = estimate.events / events;
        assert!((0.5..2.0).contains(&ratio), "estimate {} vs {events} events", estimate.events);
        assert_eq!(estimate.peak_bytes, 0.0, "nothing grows without bound in the default organization");
        assert!(estimate.growing.is_none());
    }
}
