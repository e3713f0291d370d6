//! How much an outcome leans on each assumption of a robust ranking: the
//! partial rank correlation (PRCC: Iman & Conover, *Communications in
//! Statistics – Theory and Methods* 9, 1980) between each assumption's
//! values and the outcome over the worlds, every other assumption held
//! fixed by least squares on the ranks, with a bootstrap interval.

use rand::RngExt;

use super::robust::{Assumption, Kind};
use crate::engine::streams::stream;

/// The importance of each assumption to `outcome` (one value per world):
/// the partial rank correlation, with a 95% bootstrap interval
/// (`resamples` draws under `seed`). The components of a weight triple are
/// each conditioned on every assumption outside their triple.
pub fn importance(
    assumptions: &[Assumption],
    values: &[Vec<f64>],
    outcome: &[f64],
    resamples: usize,
    seed: u64,
) -> Vec<(f64, (f64, f64))> {
    let n = values.len();
    let estimate = |rows: &[usize]| -> Vec<f64> {
        let y = ranks(&rows.iter().map(|&r| outcome[r]).collect::<Vec<_>>());
        let columns: Vec<Vec<f64>> =
            (0..assumptions.len()).map(|j| ranks(&rows.iter().map(|&r| values[r][j]).collect::<Vec<_>>())).collect();
        (0..assumptions.len())
            .map(|j| {
                let group = |a: &Assumption| match a.kind {
                    Kind::Simplex { group, .. } => Some(group),
                    _ => None,
                };
                let others: Vec<&Vec<f64>> = (0..assumptions.len())
                    .filter(|&o| {
                        o != j && (group(&assumptions[o]).is_none() || group(&assumptions[o]) != group(&assumptions[j]))
                    })
                    .map(|o| &columns[o])
                    .collect();
                correlation(&residuals(&columns[j], &others), &residuals(&y, &others))
            })
            .collect()
    };
    let all: Vec<usize> = (0..n).collect();
    let point = estimate(&all);
    let mut rng = stream(seed, 0, "robust:bootstrap");
    let draws: Vec<Vec<f64>> = (0..resamples)
        .map(|_| {
            let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            estimate(&rows)
        })
        .collect();
    point
        .iter()
        .enumerate()
        .map(|(j, &value)| {
            let mut column: Vec<f64> = draws.iter().map(|d| d[j]).filter(|v| v.is_finite()).collect();
            if column.is_empty() {
                return (value, (f64::NAN, f64::NAN));
            }
            column.sort_by(f64::total_cmp);
            let mut data = statrs::statistics::Data::new(column);
            let low = statrs::statistics::OrderStatistics::quantile(&mut data, 0.025);
            let high = statrs::statistics::OrderStatistics::quantile(&mut data, 0.975);
            (value, (low, high))
        })
        .collect()
}

/// The assumption the outcome leans on most: the largest importance whose
/// interval excludes 0, else the largest; `None` when none was estimated.
pub fn leaning(importance: &[(f64, (f64, f64))]) -> Option<usize> {
    let key = |&(value, (low, high)): &(f64, (f64, f64))| (low > 0.0 || high < 0.0, value.abs());
    importance
        .iter()
        .enumerate()
        .filter(|(_, (value, _))| value.is_finite())
        .max_by(|a, b| {
            let (ka, kb) = (key(a.1), key(b.1));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        })
        .map(|(index, _)| index)
}

/// Ranks from 1, ties at their mean rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start;
        while end + 1 < order.len() && values[order[end + 1]] == values[order[start]] {
            end += 1;
        }
        let rank = (start + end) as f64 / 2.0 + 1.0;
        for &index in &order[start..=end] {
            ranks[index] = rank;
        }
        start = end + 1;
    }
    ranks
}

/// What is left of `y` after least squares on a constant and `xs`.
fn residuals(y: &[f64], xs: &[&Vec<f64>]) -> Vec<f64> {
    let n = y.len();
    let p = xs.len() + 1;
    let x = |row: usize, column: usize| if column == 0 { 1.0 } else { xs[column - 1][row] };
    // Normal equations (XᵀX)β = Xᵀy, solved by Gaussian elimination with
    // partial pivoting; a tiny ridge keeps a rank-deficient sample solvable.
    let mut matrix = vec![vec![0.0; p + 1]; p];
    for (i, row) in matrix.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate().take(p) {
            *cell = (0..n).map(|r| x(r, i) * x(r, j)).sum::<f64>() + if i == j && i > 0 { 1e-9 } else { 0.0 };
        }
        row[p] = (0..n).map(|r| x(r, i) * y[r]).sum();
    }
    for column in 0..p {
        let pivot =
            (column..p).max_by(|&a, &b| matrix[a][column].abs().total_cmp(&matrix[b][column].abs())).unwrap_or(column);
        matrix.swap(column, pivot);
        let lead = matrix[column][column];
        if lead.abs() < 1e-12 {
            continue;
        }
        let pivot_row = matrix[column].clone();
        for (index, row) in matrix.iter_mut().enumerate() {
            if index != column {
                let factor = row[column] / lead;
                for (cell, lead_cell) in row.iter_mut().zip(&pivot_row).skip(column) {
                    *cell -= factor * lead_cell;
                }
            }
        }
    }
    let beta: Vec<f64> =
        (0..p).map(|i| if matrix[i][i].abs() < 1e-12 { 0.0 } else { matrix[i][p] / matrix[i][i] }).collect();
    (0..n).map(|r| y[r] - (0..p).map(|j| beta[j] * x(r, j)).sum::<f64>()).collect()
}

/// Pearson's correlation; NaN when either side does not vary.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let (va, vb): (f64, f64) = (a.iter().map(|x| (x - ma).powi(2)).sum(), b.iter().map(|y| (y - mb).powi(2)).sum());
    if va <= 1e-12 || vb <= 1e-12 { f64::NAN } else { cov / (va * vb).sqrt() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::design::latin_hypercube;

    #[test]
    fn partial_rank_correlation_finds_the_input_that_drives_the_output() {
        // y rises with x0, ignores x1, falls with x2 (weakly), plus noise.
        let assumptions: Vec<Assumption> = (0..3)
            .map(|i| Assumption { name: format!("x{i}"), kind: Kind::Key(format!("x{i}")), from: 0.0, to: 1.0 })
            .collect();
        let values = latin_hypercube(200, 3, 4);
        let mut rng = stream(9, 0, "noise");
        let outcome: Vec<f64> = values.iter().map(|v| 3.0 * v[0] - 0.5 * v[2] + 0.2 * rng.random::<f64>()).collect();
        let found = importance(&assumptions, &values, &outcome, 200, 1);
        assert!(found[0].0 > 0.9 && found[0].1.0 > 0.8, "{:?}", found[0]);
        assert!(found[1].1.0 < 0.0 && found[1].1.1 > 0.0, "x1 does not matter: {:?}", found[1]);
        assert!(found[2].0 < -0.5 && found[2].1.1 < 0.0, "{:?}", found[2]);
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }
}
