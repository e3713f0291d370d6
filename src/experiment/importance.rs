//! How much an outcome leans on each assumption of a robust ranking: the
//! partial rank correlation (PRCC: Iman & Conover, *Communications in
//! Statistics – Theory and Methods* 9, 1980) between each assumption's
//! values and the outcome over the worlds, every other assumption held
//! fixed by least squares on the ranks.
//!
//! Its interval and test use Fisher's z: z = atanh(r) is close to normal
//! with standard error 1/√(n − 3 − k), k the assumptions held fixed
//! (Fisher 1924; Marino et al., *J. Theor. Biol.* 254, 2008, for PRCC), so
//! the interval tanh(z ± 1.96·se) always lies in [−1, 1]. With some 27
//! assumptions tested at once, one will look large by chance: an
//! assumption *stands out* only when Holm's step-down procedure (Holm,
//! *Scand. J. Statistics* 6, 1979) at a family-wise 0.05 rejects r = 0.

use super::robust::{Assumption, Kind};

/// The family-wise error of the test of which assumptions stand out.
pub const FAMILY_ERROR: f64 = 0.05;

/// One assumption's partial rank correlation with the outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Importance {
    /// The partial rank correlation (NaN when the outcome or the
    /// assumption does not vary).
    pub value: f64,
    /// Its 95% interval by Fisher's z, in [−1, 1].
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
    /// The two-sided p-value of r = 0.
    pub p_value: f64,
    /// Whether Holm's procedure over every assumption rejects r = 0.
    pub stands_out: bool,
}

/// The importance of each assumption to `outcome` (one value per world).
/// The components of a weight triple are each conditioned on every
/// assumption outside their triple.
pub fn importance(assumptions: &[Assumption], values: &[Vec<f64>], outcome: &[f64]) -> Vec<Importance> {
    let n = values.len();
    let y = ranks(outcome);
    let columns: Vec<Vec<f64>> =
        (0..assumptions.len()).map(|j| ranks(&values.iter().map(|v| v[j]).collect::<Vec<_>>())).collect();
    let group = |a: &Assumption| match a.kind {
        Kind::Simplex { group, .. } => Some(group),
        _ => None,
    };
    let mut found: Vec<Importance> = (0..assumptions.len())
        .map(|j| {
            let others: Vec<&Vec<f64>> = (0..assumptions.len())
                .filter(|&o| {
                    o != j && (group(&assumptions[o]).is_none() || group(&assumptions[o]) != group(&assumptions[j]))
                })
                .map(|o| &columns[o])
                .collect();
            let r = correlation(&residuals(&columns[j], &others), &residuals(&y, &others));
            fisher(r, n, others.len())
        })
        .collect();
    holm(&mut found);
    found
}

/// Fisher's z interval and p-value of a correlation `r` over `n` worlds
/// with `fixed` variables held fixed.
fn fisher(r: f64, n: usize, fixed: usize) -> Importance {
    let freedom = n as f64 - 3.0 - fixed as f64;
    if !r.is_finite() || freedom <= 0.0 {
        return Importance { value: r, low: f64::NAN, high: f64::NAN, p_value: f64::NAN, stands_out: false };
    }
    let normal = statrs::distribution::Normal::standard();
    let se = 1.0 / freedom.sqrt();
    let z = r.clamp(-1.0 + 1e-15, 1.0 - 1e-15).atanh();
    let critical = statrs::distribution::ContinuousCDF::inverse_cdf(&normal, 0.975);
    let p_value = 2.0 * (1.0 - statrs::distribution::ContinuousCDF::cdf(&normal, z.abs() / se));
    Importance {
        value: r,
        low: (z - critical * se).tanh(),
        high: (z + critical * se).tanh(),
        p_value: p_value.clamp(0.0, 1.0),
        stands_out: false,
    }
}

/// Holm's step-down procedure at [`FAMILY_ERROR`] over the tested
/// assumptions: the i-th smallest p-value (from 0) of m stands out while
/// every one up to it is at most 0.05/(m − i).
fn holm(found: &mut [Importance]) {
    let mut order: Vec<usize> = (0..found.len()).filter(|&i| found[i].p_value.is_finite()).collect();
    order.sort_by(|&a, &b| found[a].p_value.total_cmp(&found[b].p_value).then(a.cmp(&b)));
    let m = order.len();
    for (i, &index) in order.iter().enumerate() {
        if found[index].p_value > FAMILY_ERROR / (m - i) as f64 {
            break;
        }
        found[index].stands_out = true;
    }
}

/// The assumption the outcome leans on most: the largest importance among
/// those that stand out; `None` when none does.
pub fn leaning(importance: &[Importance]) -> Option<usize> {
    importance
        .iter()
        .enumerate()
        .filter(|(_, i)| i.stands_out && i.value.is_finite())
        .max_by(|a, b| a.1.value.abs().total_cmp(&b.1.value.abs()).then(b.0.cmp(&a.0)))
        .map(|(index, _)| index)
}

/// Spearman's rank correlation of `x` and `y` (Pearson's on their ranks);
/// NaN when either does not vary.
pub fn rank_correlation(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    sxy / (sxx * syy).sqrt()
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
    use crate::engine::streams::stream;
    use crate::experiment::design::latin_hypercube;
    use rand::RngExt;

    #[test]
    fn rank_correlation_is_one_for_any_rising_relation() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((rank_correlation(&x, &[1.0, 8.0, 27.0, 64.0, 125.0]) - 1.0).abs() < 1e-12);
        assert!((rank_correlation(&x, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // Spearman's ρ = 1 − 6Σd²/(n(n²−1)): one swap of neighbours gives 0.9.
        assert!((rank_correlation(&x, &[1.0, 3.0, 2.0, 4.0, 5.0]) - 0.9).abs() < 1e-12);
        assert!(rank_correlation(&x, &[2.0; 5]).is_nan());
    }

    #[test]
    fn partial_rank_correlation_finds_the_input_that_drives_the_output() {
        // y rises with x0, ignores x1, falls with x2 (weakly), plus noise.
        let assumptions: Vec<Assumption> = (0..3)
            .map(|i| Assumption { name: format!("x{i}"), kind: Kind::Key(format!("x{i}")), from: 0.0, to: 1.0 })
            .collect();
        let values = latin_hypercube(200, 3, 4);
        let mut rng = stream(9, 0, "noise");
        let outcome: Vec<f64> = values.iter().map(|v| 3.0 * v[0] - 0.5 * v[2] + 0.2 * rng.random::<f64>()).collect();
        let found = importance(&assumptions, &values, &outcome);
        assert!(found[0].value > 0.9 && found[0].low > 0.8 && found[0].stands_out, "{:?}", found[0]);
        assert!(
            found[1].low < 0.0 && found[1].high > 0.0 && !found[1].stands_out,
            "x1 does not matter: {:?}",
            found[1]
        );
        assert!(found[2].value < -0.5 && found[2].high < 0.0 && found[2].stands_out, "{:?}", found[2]);
        assert_eq!(leaning(&found), Some(0));
        assert!(found.iter().all(|i| (-1.0..=1.0).contains(&i.low) && (-1.0..=1.0).contains(&i.high)));
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn where_no_assumption_matters_none_stands_out() {
        // 27 assumptions over 40 worlds, the outcome pure noise: each
        // unadjusted 95% interval excludes 0 for about one of them by
        // chance, and Holm's procedure lets none stand out.
        let assumptions: Vec<Assumption> = (0..27)
            .map(|i| Assumption { name: format!("x{i}"), kind: Kind::Key(format!("x{i}")), from: 0.0, to: 1.0 })
            .collect();
        for seed in 0..5 {
            let values = latin_hypercube(40, 27, seed);
            let mut rng = stream(seed, 0, "noise");
            let outcome: Vec<f64> = (0..40).map(|_| rng.random::<f64>()).collect();
            let found = importance(&assumptions, &values, &outcome);
            assert!(found.iter().all(|i| !i.stands_out), "seed {seed}: {found:?}");
            assert!(found.iter().all(|i| (-1.0..=1.0).contains(&i.low) && (-1.0..=1.0).contains(&i.high)));
            assert_eq!(leaning(&found), None);
        }
    }

    #[test]
    fn fisher_intervals_stay_inside_minus_one_to_one_and_holm_steps_down() {
        let perfect = fisher(1.0, 40, 27);
        assert!(perfect.low <= 1.0 && perfect.high <= 1.0 && perfect.low > 0.0, "{perfect:?}");
        let none = fisher(0.0, 40, 27);
        assert!((none.p_value - 1.0).abs() < 1e-12 && none.low > -1.0 && none.high < 1.0);
        // n − 3 − k = 10: se = 0.316; r = 0.8 → z = 1.0986, p = 0.000514.
        let strong = fisher(0.8, 40, 27);
        assert!((strong.p_value - 0.000_514).abs() < 2e-5, "{strong:?}");
        assert!(fisher(0.5, 30, 27).p_value.is_nan(), "no freedom left");
        // Holm over p = 0.001, 0.03, 0.04: the first passes 0.05/3, then
        // 0.03 > 0.05/2 fails and stops the procedure (0.04 < 0.05 alone
        // would have passed).
        let at = |p_value| Importance { value: 0.5, low: 0.1, high: 0.8, p_value, stands_out: false };
        let mut found = vec![at(0.04), at(0.001), at(0.03)];
        holm(&mut found);
        assert_eq!(found.iter().map(|i| i.stands_out).collect::<Vec<_>>(), vec![false, true, false]);
        let mut found = vec![at(0.02), at(0.001), at(0.04)];
        holm(&mut found);
        assert!(found.iter().all(|i| i.stands_out), "0.001 ≤ 0.05/3, 0.02 ≤ 0.05/2, 0.04 ≤ 0.05");
        let mut found = vec![at(0.03), at(0.2)];
        holm(&mut found);
        assert!(found.iter().all(|i| !i.stands_out));
        assert_eq!(leaning(&found), None);
    }
}
