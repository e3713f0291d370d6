//! Time at a team, fitted: maximum likelihood among the exponential, the
//! lognormal and the gamma, chosen by BIC (k·ln n − 2·ln L), each with its
//! Kolmogorov–Smirnov distance to the sample. The distributions and their
//! functions come from `statrs`.
//!
//! - Exponential: the mean.
//! - Lognormal: μ and σ, the mean and the (maximum-likelihood) standard
//!   deviation of ln x.
//! - Gamma: the shape k solves ln k − ψ(k) = ln x̄ − mean(ln x), which
//!   decreases in k, so bisection finds it; the rate is k / x̄.

use statrs::distribution::{Continuous, ContinuousCDF, Exp, Gamma, LogNormal};
use statrs::function::gamma::digamma;

/// A fitted family and its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Family {
    /// Exponential with this mean.
    Exponential {
        /// The mean.
        mean: f64,
    },
    /// Lognormal: ln x is normal with mean `mu` and deviation `sigma`.
    Lognormal {
        /// Mean of ln x.
        mu: f64,
        /// Standard deviation of ln x.
        sigma: f64,
    },
    /// Gamma with this shape and rate.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Rate (1 / scale).
        rate: f64,
    },
}

impl Family {
    /// Its name in `fit.csv`.
    pub fn name(&self) -> &'static str {
        match self {
            Family::Exponential { .. } => "exponential",
            Family::Lognormal { .. } => "lognormal",
            Family::Gamma { .. } => "gamma",
        }
    }

    /// Parameters fitted (for BIC).
    pub(crate) fn parameters(&self) -> f64 {
        match self {
            Family::Exponential { .. } => 1.0,
            _ => 2.0,
        }
    }

    /// The same family for the variable multiplied by `factor` (> 0).
    pub fn scaled(&self, factor: f64) -> Family {
        match *self {
            Family::Exponential { mean } => Family::Exponential { mean: mean * factor },
            Family::Lognormal { mu, sigma } => Family::Lognormal { mu: mu + factor.ln(), sigma },
            Family::Gamma { shape, rate } => Family::Gamma { shape, rate: rate / factor },
        }
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            Family::Exponential { mean } => mean,
            Family::Lognormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Family::Gamma { shape, rate } => shape / rate,
        }
    }

    /// Its coefficient of variation.
    pub fn cv(&self) -> f64 {
        match *self {
            Family::Exponential { .. } => 1.0,
            Family::Lognormal { sigma, .. } => ((sigma * sigma).exp() - 1.0).sqrt(),
            Family::Gamma { shape, .. } => 1.0 / shape.sqrt(),
        }
    }

    /// The family named `name` with this mean and coefficient of variation
    /// (the way a scenario file gives it).
    pub fn from_mean_cv(name: &str, mean: f64, cv: f64) -> Option<Family> {
        if !(mean > 0.0 && cv > 0.0 && mean.is_finite() && cv.is_finite()) {
            return None;
        }
        match name {
            "exponential" => Some(Family::Exponential { mean }),
            "lognormal" => {
                let sigma2 = (1.0 + cv * cv).ln();
                Some(Family::Lognormal { mu: mean.ln() - sigma2 / 2.0, sigma: sigma2.sqrt() })
            }
            "gamma" => {
                let shape = 1.0 / (cv * cv);
                Some(Family::Gamma { shape, rate: shape / mean })
            }
            _ => None,
        }
    }

    /// The density at `x` (0 where undefined).
    pub fn density(&self, x: f64) -> f64 {
        self.functions().map_or(0.0, |f| f(x).0.exp())
    }

    /// Log-density and distribution function at `x`; `None` when the
    /// parameters are degenerate.
    fn functions(&self) -> Option<Box<DensityAndCdf>> {
        match *self {
            Family::Exponential { mean } => {
                let d = Exp::new(1.0 / mean).ok()?;
                Some(Box::new(move |x| (d.ln_pdf(x), d.cdf(x))))
            }
            Family::Lognormal { mu, sigma } => {
                let d = LogNormal::new(mu, sigma).ok()?;
                Some(Box::new(move |x| (d.ln_pdf(x), d.cdf(x))))
            }
            Family::Gamma { shape, rate } => {
                let d = Gamma::new(shape, rate).ok()?;
                Some(Box::new(move |x| (d.ln_pdf(x), d.cdf(x))))
            }
        }
    }
}

/// The log-density and the distribution function at a point.
type DensityAndCdf = dyn Fn(f64) -> (f64, f64);

/// One family fitted to a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fitted {
    /// The family and its parameters.
    pub family: Family,
    /// ln L at the estimate.
    pub log_likelihood: f64,
    /// k·ln n − 2·ln L: smaller is better.
    pub bic: f64,
    /// Largest distance between the fitted and the sample's distribution
    /// functions.
    pub ks: f64,
}

/// Every family fitted to the positive values of `sample` (at least two,
/// not all equal), best BIC first; empty otherwise.
pub fn fit_all(sample: &[f64]) -> Vec<Fitted> {
    let mut values: Vec<f64> = sample.iter().copied().filter(|x| x.is_finite() && *x > 0.0).collect();
    values.sort_by(f64::total_cmp);
    let n = values.len() as f64;
    if values.len() < 2 || values[0] == values[values.len() - 1] {
        return Vec::new();
    }
    let mean = values.iter().sum::<f64>() / n;
    let log_mean = values.iter().map(|x| x.ln()).sum::<f64>() / n;
    let log_sd = (values.iter().map(|x| (x.ln() - log_mean).powi(2)).sum::<f64>() / n).sqrt();
    let shape = gamma_shape(mean.ln() - log_mean);
    let families = [
        Family::Exponential { mean },
        Family::Lognormal { mu: log_mean, sigma: log_sd },
        Family::Gamma { shape, rate: shape / mean },
    ];
    let mut fitted: Vec<Fitted> = families.iter().filter_map(|family| assess(*family, &values)).collect();
    fitted.sort_by(|a, b| a.bic.total_cmp(&b.bic));
    fitted
}

/// The family with the best BIC.
pub fn best(sample: &[f64]) -> Option<Fitted> {
    fit_all(sample).into_iter().next()
}

/// ln L, BIC and KS of `family` on the sorted `values`.
fn assess(family: Family, values: &[f64]) -> Option<Fitted> {
    let functions = family.functions()?;
    let n = values.len() as f64;
    let mut log_likelihood = 0.0;
    let mut ks: f64 = 0.0;
    for (i, &x) in values.iter().enumerate() {
        let (ln_pdf, cdf) = functions(x);
        log_likelihood += ln_pdf;
        ks = ks.max(cdf - i as f64 / n).max((i + 1) as f64 / n - cdf);
    }
    log_likelihood.is_finite().then(|| Fitted {
        family,
        log_likelihood,
        bic: family.parameters() * n.ln() - 2.0 * log_likelihood,
        ks,
    })
}

/// The gamma shape k with ln k − ψ(k) = `s` (s > 0), by bisection on a
/// bracket that always holds it (ln k − ψ(k) lies between 1/(2k) and 1/k).
fn gamma_shape(s: f64) -> f64 {
    let s = s.max(1e-12);
    let (mut low, mut high) = (1.0 / (2.0 * s) * 0.5, 1.0 / s * 2.0);
    let f = |k: f64| k.ln() - digamma(k) - s;
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if f(middle) > 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    0.5 * (low + high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::Distribution;

    fn sample(distribution: impl Distribution<f64>, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        (0..n).map(|_| distribution.sample(&mut rng)).collect()
    }

    #[test]
    fn each_family_is_recognized_and_its_parameters_recovered() {
        let n = 4000;
        let lognormal = sample(rand_distr::LogNormal::new(1.0, 0.5).unwrap(), n, 1);
        let fit = best(&lognormal).unwrap();
        let Family::Lognormal { mu, sigma } = fit.family else { panic!("{fit:?}") };
        // Four standard errors: σ/√n for μ, σ/√(2n) for σ.
        let root = (n as f64).sqrt();
        assert!((mu - 1.0).abs() < 4.0 * 0.5 / root && (sigma - 0.5).abs() < 4.0 * 0.5 / (2f64.sqrt() * root));
        let gamma = sample(rand_distr::Gamma::new(3.0, 2.0).unwrap(), n, 2);
        let fit = best(&gamma).unwrap();
        assert_eq!(fit.family.name(), "gamma", "{fit:?}");
        assert!((fit.family.mean() - 6.0).abs() < 4.0 * 6.0 / 3f64.sqrt() / root, "{fit:?}");
        // An exponential sample: the exponential wins (one parameter fewer),
        // or a gamma whose shape is near 1.
        let exponential = sample(rand_distr::Exp::new(0.25).unwrap(), n, 3);
        let fit = best(&exponential).unwrap();
        match fit.family {
            Family::Exponential { mean } => assert!((mean - 4.0).abs() < 4.0 * 4.0 / root),
            Family::Gamma { shape, .. } => assert!((shape - 1.0).abs() < 0.1, "{fit:?}"),
            other => panic!("{other:?}"),
        }
        // The KS distance of the right family is small (its 99% critical
        // value for n = 4000 is about 1.63/√n).
        assert!(fit.ks < 1.63 / root, "{fit:?}");
    }

    #[test]
    fn too_little_data_fits_nothing() {
        assert!(fit_all(&[]).is_empty());
        assert!(fit_all(&[3.0]).is_empty());
        assert!(fit_all(&[2.0, 2.0, 2.0]).is_empty());
        assert!(fit_all(&[0.0, -1.0, f64::NAN, 5.0]).is_empty());
        assert_eq!(fit_all(&[1.0, 2.0, 4.0]).len(), 3);
    }

    #[test]
    fn the_gamma_shape_solves_its_equation() {
        for k in [0.3, 1.0, 2.5, 40.0] {
            let s = f64::ln(k) - digamma(k);
            assert!((gamma_shape(s) - k).abs() < 1e-6 * k, "{k}");
        }
    }
}
