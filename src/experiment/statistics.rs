//! Confidence intervals across replications: the sample mean with a
//! Student-t interval, t = t_{1−α/2, n−1} · s/√n.
//!
//! The t distribution's two-sided probability P(|T| ≤ t) for integer degrees
//! of freedom ν has a closed form (Abramowitz & Stegun, *Handbook of
//! Mathematical Functions*, 26.7.3–26.7.4), with θ = atan(t/√ν):
//! odd ν: (2/π)·[θ + sin θ·(cos θ + (2/3)cos³θ + … + (2·4⋯(ν−3))/(1·3⋯(ν−2))·cos^{ν−2}θ)];
//! even ν: sin θ·[1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3⋯(ν−3))/(2·4⋯(ν−2))·cos^{ν−2}θ].
//! The critical value is found by bisection on it.

/// P(|T| ≤ t) for Student's t with `degrees` degrees of freedom.
pub fn student_t_central(t: f64, degrees: u64) -> f64 {
    let t = t.abs();
    let theta = (t / (degrees as f64).sqrt()).atan();
    let (sin, cos) = theta.sin_cos();
    let cos2 = cos * cos;
    if degrees % 2 == 1 {
        // term_k = (2·4⋯2k)/(3·5⋯(2k+1)) · cos^{2k+1}; k from 0 to (ν−3)/2.
        let mut term = cos;
        let mut sum = 0.0;
        let mut k = 0;
        while 2 * k + 3 <= degrees {
            sum += term;
            k += 1;
            term *= cos2 * (2 * k) as f64 / (2 * k + 1) as f64;
        }
        (2.0 / std::f64::consts::PI) * (theta + sin * sum)
    } else {
        // term_k = (1·3⋯(2k−1))/(2·4⋯2k) · cos^{2k}; k from 0 to (ν−2)/2.
        let mut term = 1.0;
        let mut sum = 0.0;
        let mut k = 0;
        while 2 * k + 2 <= degrees {
            sum += term;
            k += 1;
            term *= cos2 * (2 * k - 1) as f64 / (2 * k) as f64;
        }
        sin * sum
    }
}

/// The t such that P(|T| ≤ t) = `confidence`, for `degrees` ≥ 1.
pub fn student_t_critical(confidence: f64, degrees: u64) -> f64 {
    assert!(degrees >= 1 && confidence > 0.0 && confidence < 1.0);
    let mut high = 2.0;
    while student_t_central(high, degrees) < confidence {
        high *= 2.0;
    }
    let mut low = 0.0;
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if student_t_central(middle, degrees) < confidence {
            low = middle;
        } else {
            high = middle;
        }
        if high - low < 1e-12 * high {
            break;
        }
    }
    0.5 * (low + high)
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
