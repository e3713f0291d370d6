//! The `[behavior]` table: every coefficient in its range (also when the
//! layer is off, so a wrong value never waits to bite), and the weight
//! triples that must add up to 1.

use super::super::ScenarioError;
use super::super::errors::{Checker, Step};
use super::super::file::BehaviorFile;

/// Checks the social layer's coefficients.
pub(super) fn check(checker: &Checker, behavior: &BehaviorFile) -> Result<(), ScenarioError> {
    let b = behavior;
    let coefficients: [(&str, f64); 27] = [
        ("update_interval", b.update_interval),
        ("morale_slowdown", b.morale_slowdown),
        ("quality_weight_skill", b.quality_weight_skill),
        ("quality_weight_morale", b.quality_weight_morale),
        ("quality_weight_inputs", b.quality_weight_inputs),
        ("stress_threshold", b.stress_threshold),
        ("stress_window", b.stress_window),
        ("rush_speedup", b.rush_speedup),
        ("rush_quality_loss", b.rush_quality_loss),
        ("rework_per_defect", b.rework_per_defect),
        ("rework_cap", b.rework_cap),
        ("weight_timeliness", b.weight_timeliness),
        ("weight_quality", b.weight_quality),
        ("weight_attitude", b.weight_attitude),
        ("loss_aversion", b.loss_aversion),
        ("quality_reference", b.quality_reference),
        ("attitude_reference", b.attitude_reference),
        ("repeat_penalty", b.repeat_penalty),
        ("experience_weight", b.experience_weight),
        ("customer_experience_weight", b.customer_experience_weight),
        ("contagion_rate", b.contagion_rate),
        ("negative_contagion_factor", b.negative_contagion_factor),
        ("stress_morale_rate", b.stress_morale_rate),
        ("recovery_rate", b.recovery_rate),
        ("negative_fade_factor", b.negative_fade_factor),
        ("churn_base", b.churn_base),
        ("churn_after_bad", b.churn_after_bad),
    ];
    for (name, value) in coefficients {
        let key = format!("behavior.{name}");
        checker.range(&[Step::Key("behavior"), Step::Key(name)], &key, &key, value)?;
    }
    let sums = [
        (
            "quality_weight_skill + quality_weight_morale + quality_weight_inputs",
            b.quality_weight_skill + b.quality_weight_morale + b.quality_weight_inputs,
        ),
        (
            "weight_timeliness + weight_quality + weight_attitude",
            b.weight_timeliness + b.weight_quality + b.weight_attitude,
        ),
    ];
    for (what, total) in sums {
        if (total - 1.0).abs() > 1e-9 {
            return Err(checker.invalid(
                &[Step::Key("behavior")],
                format!("behavior.{what}"),
                format!("the weights must add up to 1 (they add up to {total})"),
            ));
        }
    }
    Ok(())
}
