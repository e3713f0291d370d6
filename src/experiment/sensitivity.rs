//! Sobol sensitivity indices from a Saltelli design (see
//! [`super::design`]): for each parameter i, the first-order index S1
//! (the share of the output's variance its main effect explains) and the
//! total index ST (its share including every interaction).
//!
//! With f(A), f(B) and f(AB⁽ⁱ⁾) the outputs on the design's matrices and
//! V the variance of f(A) and f(B) together (Saltelli et al., *Computer
//! Physics Communications* 181, 2010, table 2):
//! - S1ᵢ = mean(f(B)·(f(AB⁽ⁱ⁾) − f(A))) / V (Saltelli 2010, (b));
//! - STᵢ = mean((f(A) − f(AB⁽ⁱ⁾))²) / 2 / V (Jansen 1999, (f)).
//!
//! Their 95% intervals are bootstrap percentiles: the n rows resampled with
//! replacement `resamples` times from a seeded stream.

use rand::RngExt;
use statrs::statistics::{Data, OrderStatistics};

use super::design::Block;
use crate::engine::streams::stream;

/// Bootstrap resamples of the intervals.
pub const RESAMPLES: usize = 1000;

/// One parameter's indices for one output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indices {
    /// First-order index.
    pub s1: f64,
    /// Its 95% bootstrap interval.
    pub s1_interval: (f64, f64),
    /// Total index (Jansen).
    pub st: f64,
    /// Its 95% bootstrap interval.
    pub st_interval: (f64, f64),
}

/// S1 and ST of every parameter on the rows `rows` (indices into the
/// outputs); `None` when the outputs do not vary.
fn point_estimates(a: &[f64], b: &[f64], ab: &[Vec<f64>], rows: &[usize]) -> Option<Vec<(f64, f64)>> {
    let n = rows.len() as f64;
    let all = rows.iter().flat_map(|&r| [a[r], b[r]]);
    let mean = all.clone().sum::<f64>() / (2.0 * n);
    let variance = all.map(|y| (y - mean).powi(2)).sum::<f64>() / (2.0 * n);
    if !(variance > 0.0 && variance.is_finite()) {
        return None;
    }
    Some(
        ab.iter()
            .map(|abi| {
                let first = rows.iter().map(|&r| b[r] * (abi[r] - a[r])).sum::<f64>() / n;
                let total = rows.iter().map(|&r| (a[r] - abi[r]).powi(2)).sum::<f64>() / (2.0 * n);
                (first / variance, total / variance)
            })
            .collect(),
    )
}

/// The indices of every parameter from outputs on A, B and each AB⁽ⁱ⁾
/// (row j of each from the same design row), with intervals from
/// `resamples` bootstrap draws under `seed`; `None` when the outputs do
/// not vary or a row is missing.
pub fn sobol_indices(a: &[f64], b: &[f64], ab: &[Vec<f64>], resamples: usize, seed: u64) -> Option<Vec<Indices>> {
    let n = a.len();
    if n < 2 || b.len() != n || ab.iter().any(|abi| abi.len() != n) {
        return None;
    }
    let rows: Vec<usize> = (0..n).collect();
    let estimates = point_estimates(a, b, ab, &rows)?;
    let mut rng = stream(seed, 0, "sensitivity:bootstrap");
    let mut draws: Vec<Vec<(f64, f64)>> = Vec::with_capacity(resamples);
    let mut sample = vec![0usize; n];
    for _ in 0..resamples {
        for slot in sample.iter_mut() {
            *slot = rng.random_range(0..n);
        }
        draws.extend(point_estimates(a, b, ab, &sample));
    }
    let interval = |values: Vec<f64>| {
        if values.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        let mut data = Data::new(values);
        (data.quantile(0.025), data.quantile(0.975))
    };
    Some(
        estimates
            .iter()
            .enumerate()
            .map(|(i, &(s1, st))| Indices {
                s1,
                st,
                s1_interval: interval(draws.iter().map(|d| d[i].0).collect()),
                st_interval: interval(draws.iter().map(|d| d[i].1).collect()),
            })
            .collect(),
    )
}

/// f(A), f(B) and each f(AB⁽ⁱ⁾), row by row.
pub type BlockOutputs = (Vec<f64>, Vec<f64>, Vec<Vec<f64>>);

/// Splits the outputs of a Sobol sweep, point by point with their blocks,
/// into f(A), f(B) and each f(AB⁽ⁱ⁾) for `k` parameters (the j-th A goes
/// with the j-th B and AB); `None` when the blocks do not make whole rows.
pub fn split_blocks(points: &[(Block, f64)], k: usize) -> Option<BlockOutputs> {
    let (mut a, mut b, mut ab) = (Vec::new(), Vec::new(), vec![Vec::new(); k]);
    for &(block, y) in points {
        match block {
            Block::A => a.push(y),
            Block::B => b.push(y),
            Block::AB(i) if (1..=k).contains(&i) => ab[i - 1].push(y),
            Block::AB(_) => return None,
        }
    }
    (a.len() == b.len() && ab.iter().all(|abi| abi.len() == a.len())).then_some((a, b, ab))
}

#[cfg(test)]
mod tests {
    use super::super::design::saltelli;
    use super::*;

    /// The Ishigami function, a = 7, b = 0.1, on [−π, π]³.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| std::f64::consts::PI * (2.0 * u - 1.0)).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn the_ishigami_function_has_its_known_indices() {
        let n = 1 << 13;
        let points: Vec<(Block, f64)> =
            saltelli(n, 3, 2024).into_iter().map(|(block, u)| (block, ishigami(&u))).collect();
        let (a, b, ab) = split_blocks(&points, 3).unwrap();
        let indices = sobol_indices(&a, &b, &ab, RESAMPLES, 1).unwrap();
        // Analytic values (Ishigami & Homma 1990; Saltelli et al. 2010).
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            let found = indices[i];
            // Each truth inside the estimate's 95% bootstrap interval.
            for (estimate, (low, high), truth, what) in
                [(found.s1, found.s1_interval, s1[i], "S1"), (found.st, found.st_interval, st[i], "ST")]
            {
                assert!((low..=high).contains(&truth), "{what}{}: {truth} outside [{low}, {high}] ({estimate})", i + 1);
            }
        }
        // Reproducible, and None for an output that does not vary.
        assert_eq!(sobol_indices(&a, &b, &ab, 50, 3), sobol_indices(&a, &b, &ab, 50, 3));
        assert!(sobol_indices(&[1.0; 4], &[1.0; 4], &[vec![1.0; 4]], 10, 1).is_none());
    }
}
