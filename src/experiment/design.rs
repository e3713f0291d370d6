//! Sampled sweep designs: points of the unit cube, one coordinate per
//! parameter, turned into values by each parameter's range.
//!
//! - A Latin hypercube of n points: each parameter's range cut into n
//!   equal strata, each stratum used once, a uniform point inside it, the
//!   strata of different parameters paired by independent random
//!   permutations (McKay, Beckman & Conover, *Technometrics* 21, 1979).
//! - Saltelli's scheme (Saltelli et al., "Variance based sensitivity
//!   analysis of model output", *Computer Physics Communications* 181,
//!   2010): two matrices A and B of n rows from a 2k-dimensional
//!   Owen-scrambled Sobol sequence (`sobol_burley`: A the first k
//!   dimensions, B the last k), and for each parameter i the matrix AB⁽ⁱ⁾,
//!   A with column i from B; n·(k + 2) points, in the order A, B, AB⁽¹⁾…
//!   AB⁽ᵏ⁾ for each row.
//!
//! Both are drawn from the design's seed alone, so the design is the same
//! on every machine and thread count.

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::engine::streams::{stream, stream_seed};

/// Which of Saltelli's matrices a point comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Block {
    /// Matrix A.
    A,
    /// Matrix B.
    B,
    /// A with parameter `i`'s column (from 1) taken from B.
    AB(usize),
}

impl Block {
    /// `A`, `B` or `AB<i>`, as `sweep.csv` writes it.
    pub fn label(self) -> String {
        match self {
            Block::A => "A".into(),
            Block::B => "B".into(),
            Block::AB(i) => format!("AB{i}"),
        }
    }

    /// The block a label names.
    pub fn parse(label: &str) -> Option<Block> {
        match label {
            "A" => Some(Block::A),
            "B" => Some(Block::B),
            _ => label.strip_prefix("AB").and_then(|i| i.parse().ok()).filter(|i| *i >= 1).map(Block::AB),
        }
    }
}

/// A Latin hypercube of `n` points in `k` dimensions under `seed`.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = stream(seed, 0, "sweep:lhs");
    let mut points = vec![vec![0.0; k]; n];
    for dimension in 0..k {
        let mut strata: Vec<usize> = (0..n).collect();
        strata.shuffle(&mut rng);
        for (point, stratum) in points.iter_mut().zip(strata) {
            let u: f64 = rng.random();
            point[dimension] = (stratum as f64 + u) / n as f64;
        }
    }
    points
}

/// Saltelli's points for `n` samples of `k` parameters under `seed`, each
/// with its block.
pub fn saltelli(n: usize, k: usize, seed: u64) -> Vec<(Block, Vec<f64>)> {
    // sobol_burley takes a 32-bit seed: derived from the design's.
    let scramble = stream_seed(seed, 0, "sweep:sobol") as u32;
    let sobol = |row: usize, dimension: usize| f64::from(sobol_burley::sample(row as u32, dimension as u32, scramble));
    let mut points = Vec::with_capacity(n * (k + 2));
    for row in 0..n {
        let a: Vec<f64> = (0..k).map(|d| sobol(row, d)).collect();
        let b: Vec<f64> = (0..k).map(|d| sobol(row, k + d)).collect();
        points.push((Block::A, a.clone()));
        points.push((Block::B, b.clone()));
        for i in 0..k {
            let mut mixed = a.clone();
            mixed[i] = b[i];
            points.push((Block::AB(i + 1), mixed));
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin_hypercube_uses_every_stratum_of_every_parameter_once() {
        let points = latin_hypercube(50, 3, 7);
        for dimension in 0..3 {
            let mut strata: Vec<usize> = points.iter().map(|p| (p[dimension] * 50.0) as usize).collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
        assert_eq!(points, latin_hypercube(50, 3, 7));
        assert_ne!(points, latin_hypercube(50, 3, 8));
    }

    #[test]
    fn saltelli_points_mix_a_and_b_one_column_at_a_time() {
        let points = saltelli(4, 3, 1);
        assert_eq!(points.len(), 4 * 5);
        let (a, b) = (&points[0].1, &points[1].1);
        assert_eq!((points[0].0, points[1].0, points[3].0), (Block::A, Block::B, Block::AB(2)));
        assert_eq!(points[3].1, vec![a[0], b[1], a[2]]);
        assert!(points.iter().all(|(_, p)| p.iter().all(|u| (0.0..1.0).contains(u))));
        assert_eq!(Block::parse(&Block::AB(12).label()), Some(Block::AB(12)));
        assert_eq!(Block::parse("AB0"), None);
    }
}
