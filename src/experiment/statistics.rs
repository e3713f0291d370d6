//! Confidence intervals across replications: the sample mean with a
//! Student-t interval, t = t_{1−α/2, n−1} · s/√n, the quantile taken from
//! the statrs crate's Student-t distribution.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The t such that P(|T| ≤ t) = `confidence`, for `degrees` ≥ 1.
pub fn student_t_critical(confidence: f64, degrees: u64) -> f64 {
    assert!(degrees >= 1 && confidence > 0.0 && confidence < 1.0);
    let t = StudentsT::new(0.0, 1.0, degrees as f64).expect("degrees ≥ 1 give a valid t distribution");
    t.inverse_cdf(0.5 + confidence / 2.0)
}

/// A mean with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Sample mean.
    pub mean: f64,
    /// Lower end of the interval (`NaN` with one observation).
    pub low: f64,
    /// Upper end of the interval (`NaN` with one observation).
    pub high: f64,
    /// Observations.
    pub count: usize,
}

impl Estimate {
    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }

    /// Whether `value` lies inside the interval.
    pub fn contains(&self, value: f64) -> bool {
        self.low <= value && value <= self.high
    }
}

/// Mean and two-sided Student-t interval at `confidence` (e.g. 0.95) of
/// `values`; `None` when there are none.
pub fn estimate(values: &[f64], confidence: f64) -> Option<Estimate> {
    let count = values.len();
    if count == 0 {
        return None;
    }
    let n = count as f64;
    let mean = values.iter().sum::<f64>() / n;
    if count == 1 {
        return Some(Estimate { mean, low: f64::NAN, high: f64::NAN, count });
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half = student_t_critical(confidence, count as u64 - 1) * (variance / n).sqrt();
    Some(Estimate { mean, low: mean - half, high: mean + half, count })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_values_match_tables() {
        // Two-sided 95% and 99% points (any t table).
        for (degrees, expected) in
            [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (19, 2.0930), (29, 2.0452), (120, 1.9799)]
        {
            let t = student_t_critical(0.95, degrees);
            assert!((t - expected).abs() < 5e-4, "ν = {degrees}: {t}");
        }
        assert!((student_t_critical(0.99, 9) - 3.2498).abs() < 5e-4);
        assert!((student_t_critical(0.95, 100_000) - 1.95996).abs() < 1e-4);
    }

    #[test]
    fn interval_of_known_sample() {
        let e = estimate(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.95).unwrap();
        assert_eq!(e.mean, 3.0);
        // s = √2.5, half-width = 2.7764·√2.5/√5.
        assert!((e.half_width() - 2.7764 * (0.5f64).sqrt()).abs() < 1e-3);
        assert!(estimate(&[], 0.95).is_none());
        assert!(estimate(&[4.0], 0.95).unwrap().low.is_nan());
    }
}
