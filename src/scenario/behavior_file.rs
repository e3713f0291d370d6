//! The `[behavior]` table as written: the social layer's switch and its
//! coefficients, each with its default (docs/MODEL.md gives each one's
//! meaning and source).

use serde::{Deserialize, Serialize};

/// The `[behavior]` table: the social layer's switch and coefficients. Every
/// coefficient has a default; `docs/MODEL.md` gives each one's meaning and
/// source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BehaviorFile {
    /// Whether the social layer runs.
    pub enabled: bool,
    /// Time between morale updates.
    pub update_interval: f64,
    /// Service time grows by this share at morale 0.
    pub morale_slowdown: f64,
    /// Weight of skill in output quality (weighted geometric mean).
    pub quality_weight_skill: f64,
    /// Weight of morale in output quality.
    pub quality_weight_morale: f64,
    /// Weight of the inputs' quality in output quality.
    pub quality_weight_inputs: f64,
    /// Utilization above which a department is under stress.
    pub stress_threshold: f64,
    /// Time constant of the utilization that stress reads.
    pub stress_window: f64,
    /// Share by which service speeds up under full stress (rushing).
    pub rush_speedup: f64,
    /// Share of quality lost under full stress.
    pub rush_quality_loss: f64,
    /// Probability of rework per unit of missing quality.
    pub rework_per_defect: f64,
    /// Highest probability of rework.
    pub rework_cap: f64,
    /// Weight of timeliness in satisfaction.
    pub weight_timeliness: f64,
    /// Weight of quality in satisfaction.
    pub weight_quality: f64,
    /// Weight of attitude in satisfaction.
    pub weight_attitude: f64,
    /// How much more a shortfall weighs than an equal surplus.
    pub loss_aversion: f64,
    /// The quality people expect.
    pub quality_reference: f64,
    /// The attitude people expect.
    pub attitude_reference: f64,
    /// Satisfaction lost per repeat contact (customer effort).
    pub repeat_penalty: f64,
    /// How far one internal experience moves one staff member's morale.
    pub experience_weight: f64,
    /// How far one customer's satisfaction moves a front-line staff member's morale.
    pub customer_experience_weight: f64,
    /// Rate at which morale is pulled toward neighbours' (positive moods), per time unit.
    pub contagion_rate: f64,
    /// How much faster a worse mood spreads than a better one.
    pub negative_contagion_factor: f64,
    /// Morale lost per time unit under full stress.
    pub stress_morale_rate: f64,
    /// Rate at which morale above baseline returns to it, per time unit.
    pub recovery_rate: f64,
    /// How much faster morale below baseline returns to it.
    pub negative_fade_factor: f64,
    /// Probability that a satisfied customer leaves anyway.
    pub churn_base: f64,
    /// Probability that a customer leaves after a bad experience (satisfaction 0 or abandonment).
    pub churn_after_bad: f64,
}

impl Default for BehaviorFile {
    fn default() -> Self {
        BehaviorFile {
            enabled: true,
            update_interval: 5.0,
            morale_slowdown: 0.3,
            quality_weight_skill: 0.5,
            quality_weight_morale: 0.2,
            quality_weight_inputs: 0.3,
            stress_threshold: 0.9,
            stress_window: 60.0,
            rush_speedup: 0.2,
            rush_quality_loss: 0.3,
            rework_per_defect: 1.2,
            rework_cap: 0.9,
            weight_timeliness: 0.4,
            weight_quality: 0.4,
            weight_attitude: 0.2,
            loss_aversion: 2.0,
            quality_reference: 0.8,
            attitude_reference: 0.6,
            repeat_penalty: 0.15,
            experience_weight: 0.02,
            customer_experience_weight: 0.005,
            contagion_rate: 0.005,
            negative_contagion_factor: 2.0,
            stress_morale_rate: 0.002,
            recovery_rate: 0.002,
            negative_fade_factor: 2.0,
            churn_base: 0.02,
            churn_after_bad: 0.25,
        }
    }
}
