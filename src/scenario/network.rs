//! The organization as a network of needs: the branching check (does a piece
//! of work spawn a finite expected number of requests?), loops of `hold`
//! needs that could deadlock, and the traffic equations that give each
//! department's arrival rate and offered load.
//!
//! Write `M[i][j]` for the probability that a piece of work at department `i`
//! needs department `j`. The expected number of pieces of work that one piece
//! at `i` causes, itself included, is `x = (I − M)⁻¹·1`, finite exactly when
//! the spectral radius of `M` is below 1. For a non-negative `M` this holds
//! if and only if `I − M` is a non-singular M-matrix, which is the case if and
//! only if the solution `x` exists and is positive (Berman & Plemmons,
//! *Nonnegative Matrices in the Mathematical Sciences*, 1994, ch. 6).

use super::file::NeedMode;

/// One directed need, by department index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// Requesting department.
    pub from: usize,
    /// Supplier department.
    pub to: usize,
    /// Probability that a piece of work at `from` needs `to`.
    pub probability: f64,
    /// How `from` waits (a transfer never holds: `Handoff`).
    pub mode: NeedMode,
    /// A transfer (the work itself moves on) rather than a need.
    pub transfer: bool,
}

/// Solves `a·x = b` by Gaussian elimination with partial pivoting; `None`
/// when `a` is (numerically) singular.
pub fn solve_linear(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for column in 0..n {
        let pivot = (column..n).max_by(|&r, &s| a[r][column].abs().total_cmp(&a[s][column].abs()))?;
        if a[pivot][column].abs() < 1e-12 {
            return None;
        }
        a.swap(column, pivot);
        b.swap(column, pivot);
        let (upper, lower) = a.split_at_mut(column + 1);
        let pivot_row = &upper[column];
        for (offset, row) in lower.iter_mut().enumerate() {
            let factor = row[column] / pivot_row[column];
            if factor != 0.0 {
                for (entry, pivot_entry) in row[column..].iter_mut().zip(&pivot_row[column..]) {
                    *entry -= factor * pivot_entry;
                }
                b[column + 1 + offset] -= factor * b[column];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

/// Expected number of pieces of work (itself included) that one piece of
/// work at each of `members` causes inside that set, or `None` when it
/// diverges.
fn expected_spawn(members: &[usize], edges: &[Edge]) -> Option<Vec<f64>> {
    let n = members.len();
    let position = |department: usize| members.iter().position(|&m| m == department);
    let mut a = vec![vec![0.0; n]; n];
    for (i, row) in a.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for edge in edges {
        if let (Some(i), Some(j)) = (position(edge.from), position(edge.to)) {
            a[i][j] -= edge.probability;
        }
    }
    let x = solve_linear(a, vec![1.0; n])?;
    x.iter().all(|&v| v.is_finite() && v > 0.0).then_some(x)
}

/// Strongly connected components of the need graph (Tarjan), each listed in
/// ascending department order; components are returned in ascending order of
/// their smallest member.
pub fn strongly_connected(n: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    struct Walk {
        successors: Vec<Vec<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next_index: usize,
        components: Vec<Vec<usize>>,
    }
    impl Walk {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next_index);
            self.low[v] = self.next_index;
            self.next_index += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for k in 0..self.successors[v].len() {
                let w = self.successors[v][k];
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(w_index) if self.on_stack[w] => {
                        self.low[v] = self.low[v].min(w_index);
                    }
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_unstable();
                self.components.push(component);
            }
        }
    }
    let mut successors = vec![Vec::new(); n];
    for edge in edges {
        successors[edge.from].push(edge.to);
    }
    let mut walk = Walk {
        successors,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next_index: 0,
        components: Vec::new(),
    };
    for v in 0..n {
        if walk.index[v].is_none() {
            walk.visit(v);
        }
    }
    walk.components.sort_by_key(|component| component[0]);
    walk.components
}

/// A cycle inside a strongly connected set, using only edges accepted by
/// `usable`, as department indices with the first repeated at the end.
fn cycle_within(members: &[usize], edges: &[Edge], usable: impl Fn(&Edge) -> bool) -> Option<Vec<usize>> {
    for &start in members {
        let mut path = vec![start];
        let mut current = start;
        // Follow the first usable edge that stays inside the set; a walk of
        // members.len() steps must revisit a department if it never stops.
        for _ in 0..=members.len() {
            let next = edges.iter().find(|e| e.from == current && members.contains(&e.to) && usable(e))?.to;
            if let Some(at) = path.iter().position(|&p| p == next) {
                let mut cycle = path[at..].to_vec();
                cycle.push(next);
                return Some(cycle);
            }
            path.push(next);
            current = next;
        }
    }
    None
}

/// What is wrong with the shape of the need network.
#[derive(Debug, Clone, PartialEq)]
pub enum NetworkProblem {
    /// A loop whose expected number of requests is infinite.
    Divergent {
        /// The loop, first department repeated at the end.
        cycle: Vec<usize>,
    },
    /// A `hold` need that lies on a loop of needs: a server holding its
    /// work waits for a supplier whose work, further round the loop, may
    /// wait in that server's own queue, so the loop can deadlock whenever
    /// staff is finite.
    HoldOnLoop {
        /// The loop through the hold, starting with the holder, first
        /// department repeated at the end.
        cycle: Vec<usize>,
        /// The hold need.
        hold: Edge,
    },
}

/// A `hold` link on a loop, if any: the same rule as [`check_loops`]'s,
/// on links that need not carry traffic (any positive probability says
/// only that the link exists).
pub fn hold_on_loop(n: usize, edges: &[Edge]) -> Option<NetworkProblem> {
    let positive: Vec<Edge> = edges.iter().filter(|e| e.probability > 0.0).copied().collect();
    let edges = positive.as_slice();
    for component in strongly_connected(n, edges) {
        let inside = |e: &Edge| component.contains(&e.from) && component.contains(&e.to);
        if let Some(hold) = edges.iter().find(|e| inside(e) && e.mode == NeedMode::Hold).copied() {
            let mut cycle = vec![hold.from];
            cycle.extend(path_within(&component, edges, hold.to, hold.from));
            return Some(NetworkProblem::HoldOnLoop { cycle, hold });
        }
    }
    None
}

/// Checks that every loop of needs spawns a finite expected number of
/// requests and that no `hold` need lies on a loop.
pub fn check_loops(n: usize, edges: &[Edge]) -> Result<(), NetworkProblem> {
    // A need with probability 0 is never taken: it closes no loop.
    let positive: Vec<Edge> = edges.iter().filter(|e| e.probability > 0.0).copied().collect();
    let edges = positive.as_slice();
    for component in strongly_connected(n, edges) {
        let self_loop = edges.iter().any(|e| e.from == component[0] && e.to == component[0]);
        if component.len() == 1 && !self_loop {
            continue;
        }
        let inside = |e: &Edge| component.contains(&e.from) && component.contains(&e.to);
        if expected_spawn(&component, edges).is_none() {
            let cycle = cycle_within(&component, edges, |e| inside(e) && e.probability > 0.0)
                .unwrap_or_else(|| component.clone());
            return Err(NetworkProblem::Divergent { cycle });
        }
        // Both ends of a hold inside one strongly connected set: a path
        // leads from its supplier back to its holder.
        if let Some(hold) = edges.iter().find(|e| inside(e) && e.mode == NeedMode::Hold && e.probability > 0.0).copied()
        {
            let mut cycle = vec![hold.from];
            cycle.extend(path_within(&component, edges, hold.to, hold.from));
            return Err(NetworkProblem::HoldOnLoop { cycle, hold });
        }
    }
    Ok(())
}

/// The shortest path from `from` to `to` over edges with a positive
/// probability inside `members` (breadth first), both ends included; `to`
/// alone when `from == to`.
fn path_within(members: &[usize], edges: &[Edge], from: usize, to: usize) -> Vec<usize> {
    let mut previous: Vec<Option<usize>> = vec![None; members.iter().max().map_or(0, |&m| m + 1)];
    let mut frontier = std::collections::VecDeque::from([from]);
    let mut reached = vec![from];
    while let Some(at) = frontier.pop_front() {
        if at == to {
            break;
        }
        for edge in edges.iter().filter(|e| e.from == at && e.probability > 0.0 && members.contains(&e.to)) {
            if !reached.contains(&edge.to) {
                reached.push(edge.to);
                previous[edge.to] = Some(at);
                frontier.push_back(edge.to);
            }
        }
    }
    let mut path = vec![to];
    let mut at = to;
    while at != from {
        match previous[at] {
            Some(before) => {
                path.push(before);
                at = before;
            }
            None => break,
        }
    }
    path.reverse();
    path
}

/// Rate at which new pieces of work (external cases and internal requests,
/// follow-ups not counted) arrive at each department: the solution of the
/// traffic equations `λ = λ₀ + Mᵀλ`.
pub fn arrival_rates(external: &[f64], edges: &[Edge]) -> Option<Vec<f64>> {
    let n = external.len();
    let mut a = vec![vec![0.0; n]; n];
    for (i, row) in a.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for edge in edges {
        a[edge.to][edge.from] -= edge.probability;
    }
    solve_linear(a, external.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: usize, to: usize, probability: f64, mode: NeedMode) -> Edge {
        Edge { from, to, probability, mode, transfer: false }
    }

    #[test]
    fn a_loop_with_branching_below_one_is_accepted() {
        let edges = [
            edge(0, 1, 0.5, NeedMode::Handoff),
            edge(1, 2, 0.8, NeedMode::Handoff),
            edge(2, 1, 0.9, NeedMode::Handoff),
        ];
        assert_eq!(check_loops(3, &edges), Ok(()));
        // Work at 1 spawns at 2 with 0.8, which spawns back at 1 with 0.9.
        let rates = arrival_rates(&[1.0, 0.0, 0.0], &edges).unwrap();
        let at_1 = 0.5 / (1.0 - 0.72);
        assert!((rates[1] - at_1).abs() < 1e-12);
        assert!((rates[2] - 0.8 * at_1).abs() < 1e-12);
    }

    #[test]
    fn a_divergent_loop_is_named() {
        let edges = [
            edge(0, 1, 1.0, NeedMode::Handoff),
            edge(1, 2, 1.0, NeedMode::Handoff),
            edge(2, 1, 1.0, NeedMode::Handoff),
        ];
        assert_eq!(check_loops(3, &edges), Err(NetworkProblem::Divergent { cycle: vec![1, 2, 1] }));
    }

    #[test]
    fn branching_above_one_diverges_even_when_each_probability_is_below_one() {
        // 1 needs 2 and 3 with 0.6 each; both need 1 back with 0.9:
        // 0.6·0.9 + 0.6·0.9 = 1.08 > 1 requests per piece of work.
        let edges = [
            edge(1, 2, 0.6, NeedMode::Handoff),
            edge(1, 3, 0.6, NeedMode::Handoff),
            edge(2, 1, 0.9, NeedMode::Handoff),
            edge(3, 1, 0.9, NeedMode::Handoff),
        ];
        assert!(matches!(check_loops(4, &edges), Err(NetworkProblem::Divergent { .. })));
    }

    #[test]
    fn a_hold_on_any_loop_is_refused_even_with_a_handoff_on_it() {
        let holds = [edge(0, 1, 0.3, NeedMode::Hold), edge(1, 0, 0.3, NeedMode::Hold)];
        assert_eq!(check_loops(2, &holds), Err(NetworkProblem::HoldOnLoop { cycle: vec![0, 1, 0], hold: holds[0] }));
        // A holds on B, B hands off to A: A's only server can hold while B's
        // request waits in A's queue.
        let mixed = [edge(0, 1, 0.3, NeedMode::Hold), edge(1, 0, 0.3, NeedMode::Handoff)];
        assert_eq!(check_loops(2, &mixed), Err(NetworkProblem::HoldOnLoop { cycle: vec![0, 1, 0], hold: mixed[0] }));
        // The loop may be long, and the hold anywhere on it.
        let long = [
            edge(0, 1, 0.5, NeedMode::Handoff),
            edge(1, 2, 0.5, NeedMode::Handoff),
            edge(2, 3, 0.5, NeedMode::Hold),
            edge(3, 1, 0.5, NeedMode::Handoff),
        ];
        assert_eq!(check_loops(4, &long), Err(NetworkProblem::HoldOnLoop { cycle: vec![2, 3, 1, 2], hold: long[2] }));
        // A hold off every loop, and handoffs on a loop, are fine.
        let safe =
            [edge(0, 1, 0.5, NeedMode::Hold), edge(1, 2, 0.5, NeedMode::Handoff), edge(2, 1, 0.5, NeedMode::Handoff)];
        assert_eq!(check_loops(3, &safe), Ok(()));
        // A need with probability 0 is never taken and closes no loop.
        let never = [edge(0, 1, 0.5, NeedMode::Hold), edge(1, 0, 0.0, NeedMode::Handoff)];
        assert_eq!(check_loops(2, &never), Ok(()));
    }

    #[test]
    fn linear_solver_handles_pivoting() {
        let x = solve_linear(vec![vec![0.0, 2.0], vec![3.0, 1.0]], vec![4.0, 5.0]).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 2.0).abs() < 1e-12);
        assert!(solve_linear(vec![vec![1.0, 2.0], vec![2.0, 4.0]], vec![1.0, 1.0]).is_none());
    }
}
