//! Durations read from a log whose times are floored to a resolution
//! (whole minutes, say): both ends of a duration x are floored, so the
//! observed duration d (in units of the resolution) is x plus the
//! difference of two uniform rounding errors, and
//! P(d) = ∫ f(x)·(1 − |x − d|) dx over (d − 1, d + 1), a triangular kernel.
//!
//! The kernel's integral has a closed form in the distribution function F
//! and the partial mean ∫₀ˣ t f(t) dt = mean · F₁(x), where F₁ is the
//! size-biased distribution (the exponential's is a gamma of shape 2, the
//! gamma's a gamma of shape k + 1, the lognormal's a lognormal with μ + σ²).
//! Each family is fitted by maximizing this likelihood (Nelder–Mead on
//! unconstrained parameters, from moment estimates corrected for the
//! rounding's variance of 1/6), zeros included, and compared by BIC on it
//! and by the Kolmogorov–Smirnov distance to the discretized distribution,
//! whose distribution function is P(D ≤ d) = ∫ F over (d, d + 1).

use statrs::distribution::{ContinuousCDF, Exp, Gamma, LogNormal};

use super::families::{Family, Fitted};

/// Distribution and survival functions at a point.
type Tails = dyn Fn(f64) -> (f64, f64);

/// A family's distribution function, its size-biased one, and its mean.
struct Functions {
    plain: Box<Tails>,
    biased: Box<Tails>,
    mean: f64,
}

impl Functions {
    fn of(family: Family) -> Option<Functions> {
        let mean = family.mean();
        let (plain, biased): (Box<Tails>, Box<Tails>) = match family {
            Family::Exponential { mean } => {
                let d = Exp::new(1.0 / mean).ok()?;
                let b = Gamma::new(2.0, 1.0 / mean).ok()?;
                (Box::new(move |x| (d.cdf(x), d.sf(x))), Box::new(move |x| (b.cdf(x), b.sf(x))))
            }
            Family::Lognormal { mu, sigma } => {
                let d = LogNormal::new(mu, sigma).ok()?;
                let b = LogNormal::new(mu + sigma * sigma, sigma).ok()?;
                (Box::new(move |x| (d.cdf(x), d.sf(x))), Box::new(move |x| (b.cdf(x), b.sf(x))))
            }
            Family::Gamma { shape, rate } => {
                let d = Gamma::new(shape, rate).ok()?;
                let b = Gamma::new(shape + 1.0, rate).ok()?;
                (Box::new(move |x| (d.cdf(x), d.sf(x))), Box::new(move |x| (b.cdf(x), b.sf(x))))
            }
        };
        mean.is_finite().then_some(Functions { plain, biased, mean })
    }

    /// The probability of the observed duration `d` (a whole number ≥ 0).
    fn probability(&self, d: f64) -> f64 {
        let right = (1.0 + d) * mass(&self.plain, d, d + 1.0) - self.mean * mass(&self.biased, d, d + 1.0);
        let left = if d >= 1.0 {
            (1.0 - d) * mass(&self.plain, d - 1.0, d) + self.mean * mass(&self.biased, d - 1.0, d)
        } else {
            0.0
        };
        left + right
    }

    /// P(D ≤ d) = ∫ F over (d, d + 1).
    fn at_most(&self, d: f64) -> f64 {
        let (a, b) = (d, d + 1.0);
        let (fa, sa) = (self.plain)(a);
        let (fb, sb) = (self.plain)(b);
        if fa < 0.5 {
            let (ga, _) = (self.biased)(a);
            let (gb, _) = (self.biased)(b);
            b * fb - a * fa - self.mean * (gb - ga)
        } else {
            let (_, ta) = (self.biased)(a);
            let (_, tb) = (self.biased)(b);
            1.0 - (b * sb - a * sa + self.mean * (ta - tb))
        }
    }
}

/// P(a < X ≤ b), from whichever tail keeps the digits.
fn mass(tails: &Tails, a: f64, b: f64) -> f64 {
    let (fa, sa) = tails(a);
    let (fb, sb) = tails(b);
    if fa < 0.5 { fb - fa } else { sa - sb }
}

/// Observed durations in units of the resolution: each distinct whole
/// number and how often it occurs.
struct Counts {
    values: Vec<(f64, f64)>,
    n: f64,
}

impl Counts {
    fn log_likelihood(&self, family: Family) -> f64 {
        let Some(functions) = Functions::of(family) else { return f64::NEG_INFINITY };
        let mut total = 0.0;
        for &(d, count) in &self.values {
            let p = functions.probability(d);
            if p.is_nan() || p <= 0.0 {
                return f64::NEG_INFINITY;
            }
            total += count * p.ln();
        }
        total
    }

    fn ks(&self, family: Family) -> f64 {
        let Some(functions) = Functions::of(family) else { return 1.0 };
        let (mut below, mut distance): (f64, f64) = (0.0, 0.0);
        for &(d, count) in &self.values {
            let before = if d >= 1.0 { functions.at_most(d - 1.0) } else { 0.0 };
            let upto = below + count / self.n;
            distance = distance.max((below - before).abs()).max((upto - functions.at_most(d)).abs());
            below = upto;
        }
        distance
    }
}

/// Every family fitted to `sample` (in the scenario's unit, each value a
/// multiple of `resolution`, zeros included) by the floored likelihood,
/// best BIC first, in the scenario's unit; empty for fewer than two
/// distinct values.
pub fn fit_all(sample: &[f64], resolution: f64) -> Vec<Fitted> {
    let mut whole: Vec<f64> =
        sample.iter().filter(|x| x.is_finite() && **x >= 0.0).map(|x| (x / resolution).round()).collect();
    whole.sort_by(f64::total_cmp);
    let mut values: Vec<(f64, f64)> = Vec::new();
    for d in whole.iter().copied() {
        match values.last_mut() {
            Some((last, count)) if *last == d => *count += 1.0,
            _ => values.push((d, 1.0)),
        }
    }
    let n = whole.len() as f64;
    if values.len() < 2 {
        return Vec::new();
    }
    let counts = Counts { values, n };
    let mean = whole.iter().sum::<f64>() / n;
    let variance = whole.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n;
    // Two floored ends add the variance of the difference of two uniforms.
    let cv = ((variance - 1.0 / 6.0).max(0.01 * mean * mean)).sqrt() / mean;
    let starts = ["exponential", "lognormal", "gamma"].map(|name| Family::from_mean_cv(name, mean, cv));
    let mut fitted: Vec<Fitted> = starts
        .into_iter()
        .flatten()
        .filter_map(|start| {
            let family = maximize(&counts, start)?;
            let log_likelihood = counts.log_likelihood(family);
            log_likelihood.is_finite().then(|| Fitted {
                family: family.scaled(resolution),
                log_likelihood,
                bic: family.parameters() * n.ln() - 2.0 * log_likelihood,
                ks: counts.ks(family),
            })
        })
        .collect();
    fitted.sort_by(|a, b| a.bic.total_cmp(&b.bic));
    fitted
}

/// A family from unconstrained parameters.
type Maker = fn(&[f64]) -> Family;

/// The family of `start`'s kind with the largest floored likelihood.
fn maximize(counts: &Counts, start: Family) -> Option<Family> {
    let (point, make): (Vec<f64>, Maker) = match start {
        Family::Exponential { mean } => (vec![mean.ln()], |p| Family::Exponential { mean: p[0].exp() }),
        Family::Lognormal { mu, sigma } => {
            (vec![mu, sigma.ln()], |p| Family::Lognormal { mu: p[0], sigma: p[1].exp() })
        }
        Family::Gamma { shape, rate } => {
            (vec![shape.ln(), rate.ln()], |p| Family::Gamma { shape: p[0].exp(), rate: p[1].exp() })
        }
    };
    let best = nelder_mead(|p| -counts.log_likelihood(make(p)), point);
    let family = make(&best);
    counts.log_likelihood(family).is_finite().then_some(family)
}

/// Nelder–Mead's simplex search for a minimum of `f`, from `start` with
/// steps of 0.2 (the parameters are logarithms or of that scale), for at
/// most 400 evaluations per dimension or until the simplex's values agree
/// to 1e-10.
fn nelder_mead(f: impl Fn(&[f64]) -> f64, start: Vec<f64>) -> Vec<f64> {
    let dimensions = start.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = (0..=dimensions)
        .map(|i| {
            let mut point = start.clone();
            if i > 0 {
                point[i - 1] += 0.2;
            }
            let value = f(&point);
            (point, value)
        })
        .collect();
    let value = |p: &[f64]| {
        let v = f(p);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    let along =
        |from: &[f64], to: &[f64], t: f64| -> Vec<f64> { from.iter().zip(to).map(|(a, b)| a + t * (b - a)).collect() };
    for _ in 0..400 * dimensions {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[dimensions].1);
        if best.is_finite() && (worst - best).abs() <= 1e-10 * (1.0 + best.abs()) {
            break;
        }
        let centroid: Vec<f64> = (0..dimensions)
            .map(|k| simplex[..dimensions].iter().map(|(p, _)| p[k]).sum::<f64>() / dimensions as f64)
            .collect();
        let worst_point = simplex[dimensions].0.clone();
        let reflected = along(&centroid, &worst_point, -1.0);
        let reflected_value = value(&reflected);
        if reflected_value < best {
            let expanded = along(&centroid, &worst_point, -2.0);
            let expanded_value = value(&expanded);
            simplex[dimensions] = if expanded_value < reflected_value {
                (expanded, expanded_value)
            } else {
                (reflected, reflected_value)
            };
        } else if reflected_value < simplex[dimensions - 1].1 {
            simplex[dimensions] = (reflected, reflected_value);
        } else {
            let contracted = along(&centroid, &worst_point, 0.5);
            let contracted_value = value(&contracted);
            if contracted_value < worst {
                simplex[dimensions] = (contracted, contracted_value);
            } else {
                let anchor = simplex[0].0.clone();
                for vertex in simplex.iter_mut().skip(1) {
                    vertex.0 = along(&anchor, &vertex.0, 0.5);
                    vertex.1 = value(&vertex.0);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex.swap_remove(0).0
}

/// The log's resolution: the largest of a day, an hour, a minute and a
/// second that every time (counted from the first) is a whole multiple
/// of, in seconds; `None` when the times are finer than a second.
pub fn resolution(times: impl Iterator<Item = f64>) -> Option<f64> {
    let mut candidates = vec![86_400.0, 3_600.0, 60.0, 1.0];
    let mut first = None;
    for time in times.filter(|t| t.is_finite()) {
        let origin = *first.get_or_insert(time);
        let offset = time - origin;
        candidates.retain(|unit| {
            let ratio = offset / unit;
            (ratio - ratio.round()).abs() * unit < 1e-3
        });
        if candidates.is_empty() {
            return None;
        }
    }
    first?;
    candidates.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::Distribution;

    /// Durations between two instants drawn uniformly in a minute's phase,
    /// both floored to the minute, in minutes.
    fn floored(distribution: impl Distribution<f64>, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed);
        let phase = rand_distr::Uniform::new(0.0, 1.0).unwrap();
        (0..n)
            .map(|_| {
                let start: f64 = phase.sample(&mut rng) * 1000.0;
                let end = start + distribution.sample(&mut rng);
                end.floor() - start.floor()
            })
            .collect()
    }

    #[test]
    fn the_kernel_probabilities_add_up_to_one_and_match_the_distribution_function() {
        for family in [
            Family::Exponential { mean: 1.0 },
            Family::Exponential { mean: 40.0 },
            Family::Lognormal { mu: 0.5, sigma: 0.8 },
            Family::Gamma { shape: 0.6, rate: 0.4 },
            Family::Gamma { shape: 5.0, rate: 2.0 },
        ] {
            let functions = Functions::of(family).unwrap();
            let mut total = 0.0;
            for d in 0..5000 {
                total += functions.probability(d as f64);
                let upto = functions.at_most(d as f64);
                assert!((upto - total).abs() < 1e-9, "{family:?} at {d}: {upto} against {total}");
            }
            assert!((total - 1.0).abs() < 1e-9, "{family:?}: {total}");
        }
    }

    #[test]
    fn an_exponential_of_mean_one_floored_to_the_minute_is_recovered() {
        let n = 5000;
        let sample = floored(rand_distr::Exp::new(1.0).unwrap(), n, 7);
        assert!(sample.contains(&0.0));
        let fitted = fit_all(&sample, 1.0);
        let exponential = fitted.iter().find(|f| f.family.name() == "exponential").unwrap();
        // The maximum-likelihood mean's standard error is about mean/√n
        // (a little more for floored data); 4 of them.
        let se = 1.0 / (n as f64).sqrt();
        assert!((exponential.family.mean() - 1.0).abs() < 4.0 * 1.2 * se, "{exponential:?}");
        assert!(exponential.ks < 1.63 / (n as f64).sqrt(), "{exponential:?}");
        let best = &fitted[0];
        assert!((best.family.mean() - 1.0).abs() < 4.0 * 1.2 * se, "{best:?}");
    }

    #[test]
    fn a_gamma_floored_to_the_resolution_keeps_its_shape() {
        let n = 4000;
        let sample: Vec<f64> =
            floored(rand_distr::Gamma::new(3.0, 1.0).unwrap(), n, 8).iter().map(|d| d * 60.0).collect();
        let fitted = fit_all(&sample, 60.0);
        let gamma = fitted.iter().find(|f| f.family.name() == "gamma").unwrap();
        let Family::Gamma { shape, .. } = gamma.family else { unreachable!() };
        // In the sample's unit (60 per whole step): mean 180.
        assert!((gamma.family.mean() - 180.0).abs() < 4.0 * 180.0 / 3f64.sqrt() / (n as f64).sqrt(), "{gamma:?}");
        assert!((shape - 3.0).abs() < 0.5, "{gamma:?}");
    }

    #[test]
    fn the_resolution_is_the_largest_unit_every_time_is_a_multiple_of() {
        let base = 1_700_000_040.0;
        assert_eq!(resolution([base, base + 120.0, base + 3600.0].into_iter()), Some(60.0));
        assert_eq!(resolution([base, base + 7200.0].into_iter()), Some(3600.0));
        assert_eq!(resolution([base, base + 86_400.0 * 3.0].into_iter()), Some(86_400.0));
        assert_eq!(resolution([base, base + 61.0].into_iter()), Some(1.0));
        assert_eq!(resolution([base, base + 0.25].into_iter()), None);
        assert_eq!(resolution(std::iter::empty()), None);
    }
}
