//! Patience from a log: exponential with right-censoring where the log
//! shows the waits of served customers, and otherwise only the count of
//! those who gave up (the mean cannot be estimated from them alone).

use super::estimate::Patience;
use super::log::Outcome;
use super::visits::Trail;

/// Exponential patience with right-censoring: the customers who gave up
/// waited their patience out; a served customer's wait (where the log
/// shows when work began) says patience was longer. The estimate is the
/// total time waited over the number who gave up.
pub fn estimate(trails: &[Trail], unit: f64) -> Option<Patience> {
    let mut exposure = 0.0;
    let (mut abandoned, mut censored) = (0u64, 0u64);
    for trail in trails {
        let first = trail.first_visit();
        match trail.outcome {
            Outcome::Abandoned => {
                let end = trail.withdrawn.unwrap_or(first.start + first.own_time);
                exposure += (end - trail.opened).max(0.0);
                abandoned += 1;
            }
            _ => {
                if let Some(wait) = first.wait {
                    exposure += wait.max(0.0) + (first.start - trail.opened).max(0.0);
                    censored += 1;
                }
            }
        }
    }
    // Without a single served customer's wait the exposure is only the
    // abandoners' own: its mean would be the mean time to abandon, far
    // shorter than patience.
    let served = trails.iter().any(|t| t.outcome != Outcome::Abandoned);
    (abandoned > 0 && exposure > 0.0 && (censored > 0 || !served)).then(|| Patience {
        mean: exposure / abandoned as f64 / unit,
        abandoned,
        censored,
        given: false,
    })
}

/// The customers who gave up, when the log has abandonments but no waits
/// of served customers to estimate patience with.
pub fn unknown(trails: &[Trail]) -> Option<u64> {
    let abandoned = trails.iter().filter(|t| t.outcome == Outcome::Abandoned).count() as u64;
    let served = trails.iter().filter(|t| t.outcome != Outcome::Abandoned);
    let waits = served.clone().any(|t| t.first_visit().wait.is_some());
    (abandoned > 0 && served.count() > 0 && !waits).then_some(abandoned)
}
