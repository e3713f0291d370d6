//! The social layer: how internal service changes how staff feel and work,
//! and how that reaches customers. Each rule is one small function or one
//! step of [`SocialState::tick`]; `docs/MODEL.md` §4 states them with their
//! defaults and sources.

use crate::engine::TimeAverage;
use crate::scenario::{BehaviorFile, Scenario};

/// Disconfirmation of an expectation, in [−1, 1]: 0 when `value` equals the
/// `reference`, +1 at 1, −1 at 0, linear in between on each side.
#[inline]
pub fn disconfirmation(value: f64, reference: f64) -> f64 {
    if value >= reference {
        ((value - reference) / (1.0 - reference)).min(1.0)
    } else {
        ((value - reference) / reference).max(-1.0)
    }
}

/// Satisfaction, in [0, 1], with one exchange: 0.5 when timeliness, quality
/// and attitude are exactly as expected; shortfalls weigh `loss_aversion`
/// times as much as equal surpluses (Mittal, Ross & Baldasare 1998).
#[inline]
pub fn satisfaction(behavior: &BehaviorFile, delay: f64, expected_delay: f64, quality: f64, attitude: f64) -> f64 {
    let valued = |x: f64| {
        if x < 0.0 { behavior.loss_aversion * x } else { x }
    };
    let timeliness = (1.0 - delay / expected_delay).clamp(-1.0, 1.0);
    let quality = disconfirmation(quality, behavior.quality_reference);
    let attitude = disconfirmation(attitude, behavior.attitude_reference);
    let score = behavior.weight_timeliness * valued(timeliness)
        + behavior.weight_quality * valued(quality)
        + behavior.weight_attitude * valued(attitude);
    (0.5 + 0.5 * score).clamp(0.0, 1.0)
}

/// Probability that a deliverable of quality `quality` is found unfit and
/// sent back.
#[inline]
pub fn rework_probability(behavior: &BehaviorFile, quality: f64) -> f64 {
    (behavior.rework_per_defect * (1.0 - quality)).clamp(0.0, behavior.rework_cap)
}

/// Probability that a customer with this satisfaction leaves: from
/// `churn_base` at full satisfaction to `churn_after_bad` at none, falling
/// with the square of satisfaction's shortfall.
#[inline]
pub fn churn_probability(behavior: &BehaviorFile, satisfaction: f64) -> f64 {
    let shortfall = 1.0 - satisfaction.clamp(0.0, 1.0);
    behavior.churn_base + (behavior.churn_after_bad - behavior.churn_base) * shortfall * shortfall
}

/// One department's feelings and working state.
#[derive(Debug, Clone)]
pub struct DepartmentMood {
    /// Morale, 0..1.
    pub morale: f64,
    /// Where morale relaxes to.
    pub baseline: f64,
    /// skill^w_skill, fixed.
    pub skill_term: f64,
    /// The morale at which service takes its stated time (the department's
    /// `morale` before recognition).
    pub reference_morale: f64,
    /// morale^w_morale, refreshed when morale changes.
    pub morale_term: f64,
    /// Utilization smoothed over `stress_window`.
    pub utilization: f64,
    /// 0 below the stress threshold, 1 at full utilization.
    pub stress: f64,
    /// Service time multiplier from morale and rushing.
    pub speed_factor: f64,
    /// Internal satisfaction received since the last tick: sum and count.
    pub experience_sum: f64,
    /// Count of those experiences.
    pub experience_count: u32,
    /// Customers' satisfaction met since the last tick (front line).
    pub customer_sum: f64,
    /// Count of those customers.
    pub customer_count: u32,
    /// Departments it exchanges work with.
    pub neighbours: Vec<usize>,
    /// Time-average morale over the statistics window.
    pub morale_time: TimeAverage,
}

/// The social state of a whole organization.
#[derive(Debug, Clone)]
pub struct SocialState {
    /// Per department, in scenario order.
    pub moods: Vec<DepartmentMood>,
    previous: Vec<f64>,
    smoothing: f64,
}

impl SocialState {
    /// Every department at its baseline morale, idle.
    pub fn new(scenario: &Scenario) -> Self {
        let behavior = &scenario.behavior;
        let count = scenario.departments.len();
        let mut neighbours = vec![Vec::new(); count];
        for (from, department) in scenario.departments.iter().enumerate() {
            for need in &department.needs {
                if need.supplier != from {
                    neighbours[from].push(need.supplier);
                    neighbours[need.supplier].push(from);
                }
            }
        }
        let moods = scenario
            .departments
            .iter()
            .zip(neighbours)
            .map(|(department, mut neighbours)| {
                neighbours.sort_unstable();
                neighbours.dedup();
                let mut mood = DepartmentMood {
                    morale: department.morale_baseline,
                    baseline: department.morale_baseline,
                    skill_term: department.skill.powf(behavior.quality_weight_skill),
                    reference_morale: department.measured_morale,
                    morale_term: 1.0,
                    utilization: 0.0,
                    stress: 0.0,
                    speed_factor: 1.0,
                    experience_sum: 0.0,
                    experience_count: 0,
                    customer_sum: 0.0,
                    customer_count: 0,
                    neighbours,
                    morale_time: TimeAverage::new(scenario.warmup),
                };
                mood.refresh(behavior);
                mood
            })
            .collect();
        SocialState {
            moods,
            previous: vec![0.0; count],
            smoothing: 1.0 - (-behavior.update_interval / behavior.stress_window).exp(),
        }
    }

    /// One morale update, `update_interval` after the last; `busy_share[d]`
    /// is department d's busy servers / staff right now.
    pub fn tick(
        &mut self,
        behavior: &BehaviorFile,
        now: f64,
        staff: impl Fn(usize) -> u32,
        busy_share: impl Fn(usize) -> f64,
    ) {
        let dt = behavior.update_interval;
        for (previous, mood) in self.previous.iter_mut().zip(&self.moods) {
            *previous = mood.morale;
        }
        for (index, mood) in self.moods.iter_mut().enumerate() {
            let staff = f64::from(staff(index));
            // Stress: sustained utilization above the threshold.
            mood.utilization += (busy_share(index) - mood.utilization) * self.smoothing;
            mood.stress =
                ((mood.utilization - behavior.stress_threshold) / (1.0 - behavior.stress_threshold)).clamp(0.0, 1.0);
            let mut morale = mood.morale;
            // Experiences: service better than expected (satisfaction above
            // the neutral 0.5) lifts one staff member's morale, worse service
            // frustrates; the department's morale is its staff's mean.
            let neutral = |sum: f64, count: u32| sum - 0.5 * f64::from(count);
            morale += behavior.experience_weight / staff * neutral(mood.experience_sum, mood.experience_count);
            morale += behavior.customer_experience_weight / staff * neutral(mood.customer_sum, mood.customer_count);
            mood.experience_sum = 0.0;
            mood.experience_count = 0;
            mood.customer_sum = 0.0;
            mood.customer_count = 0;
            // Contagion toward the neighbours' mean morale; worse moods
            // spread faster.
            if !mood.neighbours.is_empty() {
                let around =
                    mood.neighbours.iter().map(|&n| self.previous[n]).sum::<f64>() / mood.neighbours.len() as f64;
                let factor = if around < self.previous[index] { behavior.negative_contagion_factor } else { 1.0 };
                morale += (behavior.contagion_rate * factor * dt).min(1.0) * (around - self.previous[index]);
            }
            // Stress wears morale down.
            morale -= behavior.stress_morale_rate * mood.stress * dt;
            // Relaxation toward the baseline; a bad mood fades faster.
            let factor = if morale < mood.baseline { behavior.negative_fade_factor } else { 1.0 };
            morale += (behavior.recovery_rate * factor * dt).min(1.0) * (mood.baseline - morale);
            let morale = morale.clamp(0.0, 1.0);
            mood.morale_time.update(now, mood.morale);
            mood.morale = morale;
            mood.refresh(behavior);
        }
    }
}

impl DepartmentMood {
    /// Recomputes the terms that depend on morale and stress.
    fn refresh(&mut self, behavior: &BehaviorFile) {
        self.morale_term = self.morale.powf(behavior.quality_weight_morale);
        let slowdown = |morale: f64| 1.0 + behavior.morale_slowdown * (1.0 - morale);
        self.speed_factor =
            slowdown(self.morale) / slowdown(self.reference_morale) * (1.0 - behavior.rush_speedup * self.stress);
    }

    /// Quality of a piece of work finished now, given the mean quality of
    /// the replies it used (`None`: it used none).
    #[inline]
    pub fn output_quality(&self, behavior: &BehaviorFile, inputs: Option<f64>) -> f64 {
        let input_term = inputs.map_or(1.0, |quality| quality.max(0.0).powf(behavior.quality_weight_inputs));
        self.skill_term * self.morale_term * input_term * (1.0 - behavior.rush_quality_loss * self.stress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn satisfaction_is_neutral_at_expectations_and_loss_averse() {
        let behavior = BehaviorFile::default();
        let neutral = satisfaction(&behavior, 10.0, 10.0, behavior.quality_reference, behavior.attitude_reference);
        assert!((neutral - 0.5).abs() < 1e-12);
        let early = satisfaction(&behavior, 5.0, 10.0, behavior.quality_reference, behavior.attitude_reference);
        let late = satisfaction(&behavior, 15.0, 10.0, behavior.quality_reference, behavior.attitude_reference);
        assert!(early > 0.5 && late < 0.5);
        // Half the expected delay early gains less than as much late loses.
        assert!((0.5 - late) > (early - 0.5) * 1.9);
    }

    #[test]
    fn churn_and_rework_fall_with_satisfaction_and_quality() {
        let behavior = BehaviorFile::default();
        assert_eq!(churn_probability(&behavior, 0.0), behavior.churn_after_bad);
        assert_eq!(churn_probability(&behavior, 1.0), behavior.churn_base);
        assert!(churn_probability(&behavior, 0.4) > churn_probability(&behavior, 0.6));
        assert!((rework_probability(&behavior, 0.8) - 0.24).abs() < 1e-12);
        assert_eq!(rework_probability(&behavior, 0.0), behavior.rework_cap);
        assert_eq!(rework_probability(&behavior, 1.0), 0.0);
    }
}
