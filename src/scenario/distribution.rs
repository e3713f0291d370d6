//! Time distributions as a scenario file states them (by mean and coefficient
//! of variation, the way practitioners think) and as the engine samples them.
//!
//! [`DistributionSpec`] is the serde form (`{ dist = "lognormal", mean = 10.0,
//! cv = 0.8 }`); [`Distribution`] is the checked, ready-to-sample form built by
//! [`DistributionSpec::build`].

use rand::Rng;
use rand::distr::Distribution as _;
use rand_distr::{Exp1, Gamma, LogNormal, Triangular, Uniform};
use serde::{Deserialize, Serialize};

/// A distribution of durations as written in a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum DistributionSpec {
    /// Exponential with the given mean.
    Exponential {
        /// Mean duration (> 0).
        mean: f64,
    },
    /// Always the same value.
    Fixed {
        /// The duration (≥ 0).
        value: f64,
    },
    /// Log-normal with the given mean and coefficient of variation.
    Lognormal {
        /// Mean duration (> 0).
        mean: f64,
        /// Standard deviation divided by the mean (> 0).
        cv: f64,
    },
    /// Gamma with the given mean and coefficient of variation.
    Gamma {
        /// Mean duration (> 0).
        mean: f64,
        /// Standard deviation divided by the mean (> 0).
        cv: f64,
    },
    /// Uniform on `[min, max)`.
    Uniform {
        /// Smallest value (≥ 0).
        min: f64,
        /// Largest value (> min).
        max: f64,
    },
    /// Triangular with the given minimum, most likely value and maximum.
    Triangular {
        /// Smallest value (≥ 0).
        min: f64,
        /// Most likely value (min ≤ mode ≤ max).
        mode: f64,
        /// Largest value (> min).
        max: f64,
    },
}

/// Why a distribution's parameters were refused; the message says what is valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct DistributionError(pub String);

/// A checked distribution of non-negative durations, ready to sample.
#[derive(Debug, Clone)]
pub enum Distribution {
    /// Exponential: `mean × Exp(1)`.
    Exponential {
        /// Mean duration.
        mean: f64,
    },
    /// A constant.
    Fixed {
        /// The duration.
        value: f64,
    },
    /// Log-normal.
    Lognormal(LogNormal<f64>),
    /// Gamma.
    Gamma(Gamma<f64>),
    /// Uniform.
    Uniform(Uniform<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
}

fn require(condition: bool, message: impl FnOnce() -> String) -> Result<(), DistributionError> {
    if condition { Ok(()) } else { Err(DistributionError(message())) }
}

/// `name` must lie in its range (`<distribution>.<name>` in [`super::ranges`]).
fn valid(name: &str, value: f64) -> Result<(), DistributionError> {
    let range = super::ranges::range(&format!("<distribution>.{name}"));
    require(range.contains(value), || {
        format!("`{name}` must be {} (got {})", range.describe(), super::ranges::number(value))
    })
}

impl DistributionSpec {
    /// The mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            DistributionSpec::Exponential { mean }
            | DistributionSpec::Lognormal { mean, .. }
            | DistributionSpec::Gamma { mean, .. } => mean,
            DistributionSpec::Fixed { value } => value,
            DistributionSpec::Uniform { min, max } => (min + max) / 2.0,
            DistributionSpec::Triangular { min, mode, max } => (min + mode + max) / 3.0,
        }
    }

    /// The squared coefficient of variation (variance / mean²); 0 for a fixed
    /// value of 0.
    pub fn squared_cv(&self) -> f64 {
        let mean = self.mean();
        if mean == 0.0 {
            return 0.0;
        }
        let variance = match *self {
            DistributionSpec::Exponential { mean } => mean * mean,
            DistributionSpec::Fixed { .. } => 0.0,
            DistributionSpec::Lognormal { mean, cv } | DistributionSpec::Gamma { mean, cv } => (cv * mean).powi(2),
            DistributionSpec::Uniform { min, max } => (max - min).powi(2) / 12.0,
            DistributionSpec::Triangular { min, mode, max } => {
                (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0
            }
        };
        variance / (mean * mean)
    }

    /// Checks the parameters and builds the sampler.
    pub fn build(&self) -> Result<Distribution, DistributionError> {
        match *self {
            DistributionSpec::Exponential { mean } => {
                valid("mean", mean)?;
                Ok(Distribution::Exponential { mean })
            }
            DistributionSpec::Fixed { value } => {
                valid("value", value)?;
                Ok(Distribution::Fixed { value })
            }
            DistributionSpec::Lognormal { mean, cv } => {
                valid("mean", mean)?;
                valid("cv", cv)?;
                LogNormal::from_mean_cv(mean, cv)
                    .map(Distribution::Lognormal)
                    .map_err(|error| DistributionError(format!("invalid lognormal: {error}")))
            }
            DistributionSpec::Gamma { mean, cv } => {
                valid("mean", mean)?;
                valid("cv", cv)?;
                // Gamma(shape k, scale θ): mean kθ, CV² = 1/k.
                let shape = 1.0 / (cv * cv);
                Gamma::new(shape, mean / shape)
                    .map(Distribution::Gamma)
                    .map_err(|error| DistributionError(format!("invalid gamma: {error}")))
            }
            DistributionSpec::Uniform { min, max } => {
                valid("min", min)?;
                valid("max", max)?;
                require(min < max, || {
                    format!(
                        "`min` must be smaller than `max` (got min = {min}, max = {max}); for a constant use {{ dist = \"fixed\", value = {min} }}"
                    )
                })?;
                Uniform::new(min, max)
                    .map(Distribution::Uniform)
                    .map_err(|error| DistributionError(format!("invalid uniform: {error}")))
            }
            DistributionSpec::Triangular { min, mode, max } => {
                valid("min", min)?;
                valid("mode", mode)?;
                valid("max", max)?;
                require(min < max, || format!("`min` must be smaller than `max` (got min = {min}, max = {max})"))?;
                require(min <= mode && mode <= max, || {
                    format!("`mode` must lie between `min` and `max` (got min = {min}, mode = {mode}, max = {max})")
                })?;
                Triangular::new(min, max, mode)
                    .map(Distribution::Triangular)
                    .map_err(|error| DistributionError(format!("invalid triangular: {error}")))
            }
        }
    }
}

impl Distribution {
    /// Draws one duration.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Distribution::Exponential { mean } => {
                let unit: f64 = Exp1.sample(rng);
                unit * mean
            }
            Distribution::Fixed { value } => *value,
            Distribution::Lognormal(inner) => inner.sample(rng),
            Distribution::Gamma(inner) => inner.sample(rng),
            Distribution::Uniform(inner) => inner.sample(rng),
            Distribution::Triangular(inner) => inner.sample(rng),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn sample_moments(spec: &DistributionSpec, draws: usize) -> (f64, f64) {
        let distribution = spec.build().expect("valid spec");
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let values: Vec<f64> = (0..draws).map(|_| distribution.sample(&mut rng)).collect();
        let mean = values.iter().sum::<f64>() / draws as f64;
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (draws as f64 - 1.0);
        (mean, variance)
    }

    #[test]
    fn every_family_has_the_stated_mean_and_cv() {
        let specs = [
            DistributionSpec::Exponential { mean: 4.0 },
            DistributionSpec::Lognormal { mean: 10.0, cv: 0.8 },
            DistributionSpec::Gamma { mean: 3.0, cv: 0.5 },
            DistributionSpec::Uniform { min: 1.0, max: 5.0 },
            DistributionSpec::Triangular { min: 1.0, mode: 2.0, max: 6.0 },
        ];
        let draws = 400_000;
        for spec in specs {
            let (mean, variance) = sample_moments(&spec, draws);
            let expected_variance = spec.squared_cv() * spec.mean().powi(2);
            // The sample mean's standard error is sd/√n; 5 standard errors
            // leave a false-failure chance below 1e-6.
            let tolerance = 5.0 * (expected_variance / draws as f64).sqrt();
            assert!((mean - spec.mean()).abs() < tolerance, "{spec:?}: sample mean {mean} vs {}", spec.mean());
            assert!(
                (variance / expected_variance - 1.0).abs() < 0.05,
                "{spec:?}: sample variance {variance} vs {expected_variance}"
            );
        }
    }

    #[test]
    fn invalid_parameters_are_refused_with_what_is_valid() {
        let bad = [
            DistributionSpec::Exponential { mean: 0.0 },
            DistributionSpec::Exponential { mean: -1.0 },
            DistributionSpec::Fixed { value: -0.5 },
            DistributionSpec::Lognormal { mean: 1.0, cv: 0.0 },
            DistributionSpec::Gamma { mean: f64::NAN, cv: 1.0 },
            DistributionSpec::Uniform { min: 3.0, max: 3.0 },
            DistributionSpec::Triangular { min: 1.0, mode: 7.0, max: 5.0 },
        ];
        for spec in bad {
            let error = spec.build().expect_err("must be refused");
            assert!(error.0.contains('`'), "message names the field: {error}");
        }
    }
}
