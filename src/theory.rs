//! Closed-form queueing results the simulation is checked against: Erlang B,
//! Erlang C (M/M/c), Erlang A (M/M/c+M) and the M/M/1 queue with Bernoulli
//! feedback. Notation: arrival rate λ, service rate μ per server, `n`
//! servers, offered load a = λ/μ, utilization ρ = a/n, abandonment rate θ =
//! 1/mean patience.
//!
//! Sources: Erlang B by its recursion and Erlang C from it (Kleinrock,
//! *Queueing Systems* vol. 1, 1975, §3.5–3.6); Erlang A from Mandelbaum &
//! Zeltyn, "The Palm/Erlang-A queue, with applications to call centers"
//! (2007) and Garnett, Mandelbaum & Reiman (2002); Bernoulli feedback from
//! Takács (1963).

/// Erlang B blocking probability B(n, a) by the recursion
/// B₀ = 1, Bₖ = a·Bₖ₋₁ / (k + a·Bₖ₋₁).
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    (1..=servers).fold(1.0, |b, k| offered_load * b / (f64::from(k) + offered_load * b))
}

/// Erlang C: the probability that an arriving customer waits, C(n, a), for
/// ρ < 1; `None` when the queue is unstable.
pub fn erlang_c(servers: u32, offered_load: f64) -> Option<f64> {
    let n = f64::from(servers);
    if offered_load >= n {
        return None;
    }
    let b = erlang_b(servers, offered_load);
    Some(n * b / (n - offered_load * (1.0 - b)))
}

/// M/M/c: P(W > 0) and the mean wait in queue, E[W] = C / (nμ − λ).
pub fn mmc_wait(servers: u32, arrival_rate: f64, service_rate: f64) -> Option<(f64, f64)> {
    let c = erlang_c(servers, arrival_rate / service_rate)?;
    Some((c, c / (f64::from(servers) * service_rate - arrival_rate)))
}

/// M/M/c: mean time in the system (wait plus service).
pub fn mmc_sojourn(servers: u32, arrival_rate: f64, service_rate: f64) -> Option<f64> {
    mmc_wait(servers, arrival_rate, service_rate).map(|(_, wait)| wait + 1.0 / service_rate)
}

/// What the Erlang A model predicts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Probability that an arriving customer waits at all.
    pub p_wait: f64,
    /// Probability that an arriving customer abandons.
    pub p_abandon: f64,
    /// Mean wait of all customers, abandoners' waits (until they leave)
    /// included.
    pub wait_mean: f64,
}

/// M/M/n+M (Erlang A) with exponential patience of rate θ; any ρ, including
/// overload. `None` if the series overflows (extreme λ/θ).
pub fn erlang_a(servers: u32, arrival_rate: f64, service_rate: f64, abandonment_rate: f64) -> Option<ErlangA> {
    let n = f64::from(servers);
    let x = n * service_rate / abandonment_rate;
    let y = arrival_rate / abandonment_rate;
    // A(x, y) = 1 + Σ_{j≥1} y^j / Π_{k=1..j} (x + k)
    let mut series = 1.0;
    let mut term = 1.0;
    let mut j = 1.0;
    loop {
        term *= y / (x + j);
        series += term;
        if !series.is_finite() {
            return None;
        }
        if term < series * 1e-17 && j > y {
            break;
        }
        j += 1.0;
    }
    let rho = arrival_rate / (n * service_rate);
    let e = erlang_b(servers, arrival_rate / service_rate);
    let p_wait = series * e / (1.0 + (series - 1.0) * e);
    let p_abandon_given_wait = 1.0 / (rho * series) + 1.0 - 1.0 / rho;
    let p_abandon = p_abandon_given_wait * p_wait;
    Some(ErlangA { p_wait, p_abandon, wait_mean: p_abandon / abandonment_rate })
}

/// Erlang A (M/M/n+M): the share of all arrivals served after a wait of at
/// most `tau`; customers who abandon count as misses. `None` when the
/// queue's distribution cannot be summed (extreme λ/θ).
///
/// An arrival that finds all n servers busy and j customers waiting is
/// served when its offered wait V (the time until a server would take it)
/// ends before its patience. V is a sum of exponential stages of rates
/// nμ + kθ, k = 0..j, so U = e^(−θV) ~ Beta(nμ/θ, j + 1) (a product of
/// independent Beta(nμ/θ + k, 1) variables), and P(served, V ≤ τ) =
/// E[U·1{U ≥ e^(−θτ)}] = a/(a + b)·P(U′ ≥ e^(−θτ)) with U′ ~ Beta(a + 1, b),
/// a = nμ/θ, b = j + 1: a regularized incomplete beta function. The states
/// are weighted by the stationary distribution (PASTA), summed in logs.
///
/// Customers who give up within `short` (a wait shorter than `short`) are
/// left out of the count and the total, as planners do: such a customer's
/// patience P ends before min(V, short), with probability
/// 1 − E[max(U, c)], c = e^(−θ·short), and
/// E[max(U, c)] = a/(a + b)·I_{1−c}(b, a + 1) + c·(1 − I_{1−c}(b, a)).
pub fn erlang_a_service_level(
    servers: u32,
    arrival_rate: f64,
    service_rate: f64,
    abandonment_rate: f64,
    (tau, short): (f64, f64),
) -> Option<f64> {
    let (n, lambda, mu, theta) = (f64::from(servers), arrival_rate, service_rate, abandonment_rate);
    if !(lambda > 0.0 && mu > 0.0 && theta > 0.0 && tau >= 0.0 && short >= 0.0) || servers == 0 {
        return None;
    }
    // Log weights relative to state n: below n (no wait), and n + j.
    let mut below = Vec::with_capacity(servers as usize);
    let mut log = 0.0;
    for k in (0..servers).rev() {
        log += (f64::from(k + 1) * mu / lambda).ln();
        below.push(log);
    }
    let mut queue = vec![0.0];
    let mut log = 0.0;
    let mut j = 1.0;
    loop {
        log += (lambda / (n * mu + j * theta)).ln();
        queue.push(log);
        // Past the mode every later weight is smaller: stop when negligible.
        if n * mu + j * theta > lambda && log < -745.0 {
            break;
        }
        if queue.len() > 1_000_000 {
            return None;
        }
        j += 1.0;
    }
    let top = below.iter().chain(&queue).copied().fold(f64::NEG_INFINITY, f64::max);
    let weight = |l: f64| (l - top).exp();
    let total: f64 = below.iter().chain(&queue).map(|&l| weight(l)).sum();
    let no_wait: f64 = below.iter().map(|&l| weight(l)).sum();
    let a = n * mu / theta;
    let late_end = 1.0 - (-theta * tau).exp();
    let in_time: f64 = queue
        .iter()
        .enumerate()
        .map(|(j, &l)| {
            let w = weight(l);
            if w == 0.0 || late_end <= 0.0 {
                return 0.0;
            }
            let b = j as f64 + 1.0;
            // P(U′ ≥ c) = I_{1−c}(b, a + 1).
            w * a / (a + b) * statrs::function::beta::beta_reg(b, a + 1.0, late_end.min(1.0))
        })
        .sum();
    let short_end = 1.0 - (-theta * short).exp();
    let short_abandons: f64 = if short_end <= 0.0 {
        0.0
    } else {
        let c = 1.0 - short_end;
        queue
            .iter()
            .enumerate()
            .map(|(j, &l)| {
                let w = weight(l);
                if w == 0.0 {
                    return 0.0;
                }
                let b = j as f64 + 1.0;
                let kept = a / (a + b) * statrs::function::beta::beta_reg(b, a + 1.0, short_end)
                    + c * (1.0 - statrs::function::beta::beta_reg(b, a, short_end));
                w * (1.0 - kept)
            })
            .sum()
    };
    Some((no_wait + in_time) / (total - short_abandons))
}

/// Erlang C (M/M/n): the share of arrivals that wait at most `tau`,
/// 1 − C(n, a)·e^(−(nμ − λ)τ); `None` when the queue is unstable.
pub fn erlang_c_service_level(servers: u32, arrival_rate: f64, service_rate: f64, tau: f64) -> Option<f64> {
    let c = erlang_c(servers, arrival_rate / service_rate)?;
    Some(1.0 - c * (-(f64::from(servers) * service_rate - arrival_rate) * tau).exp())
}

/// M/M/1 where a finished job returns to the queue with probability
/// `feedback`: mean total time in the system, 1 / (μ(1 − p) − λ).
pub fn mm1_feedback_sojourn(arrival_rate: f64, service_rate: f64, feedback: f64) -> Option<f64> {
    let capacity = service_rate * (1.0 - feedback);
    (arrival_rate < capacity).then(|| 1.0 / (capacity - arrival_rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_a_and_c_match_the_published_example() {
        // MODEL.md: n = 10, λ = 2, μ = 0.25, θ = 0.5.
        let a = erlang_a(10, 2.0, 0.25, 0.5).unwrap();
        assert!((a.p_wait - 0.24752).abs() < 5e-6, "{a:?}");
        assert!((a.p_abandon - 0.06841).abs() < 5e-6, "{a:?}");
        assert!((a.wait_mean - 0.13681).abs() < 5e-6, "{a:?}");
        let (p_wait, wait) = mmc_wait(10, 2.0, 0.25).unwrap();
        assert!((p_wait - 0.40918).abs() < 5e-6);
        assert!((wait - 0.81836).abs() < 5e-6);
    }

    #[test]
    fn erlang_a_service_level_matches_the_reference_values() {
        // n = 10, λ = 2, μ = 0.25, θ = 0.5 (patience mean 2).
        for (tau, expected) in [(0.5, 0.85159), (1.0, 0.90053), (2.0, 0.92820)] {
            let level = erlang_a_service_level(10, 2.0, 0.25, 0.5, (tau, 0.0)).unwrap();
            assert!((level - expected).abs() < 5e-6, "τ = {tau}: {level}");
        }
        // τ = 0: served without waiting; τ → ∞: everyone who does not abandon.
        let a = erlang_a(10, 2.0, 0.25, 0.5).unwrap();
        let at_zero = erlang_a_service_level(10, 2.0, 0.25, 0.5, (0.0, 0.0)).unwrap();
        assert!((at_zero - (1.0 - a.p_wait)).abs() < 1e-9, "{at_zero}");
        let forever = erlang_a_service_level(10, 2.0, 0.25, 0.5, (1e6, 0.0)).unwrap();
        assert!((forever - (1.0 - a.p_abandon)).abs() < 1e-9, "{forever}");
        // Overloaded and tiny patience: still a share.
        let level = erlang_a_service_level(3, 40.0, 1.0, 5.0, (0.1, 0.0)).unwrap();
        assert!((0.0..=1.0).contains(&level), "{level}");
    }

    #[test]
    fn short_abandons_leave_the_service_level_count_and_total() {
        let a = erlang_a(10, 2.0, 0.25, 0.5).unwrap();
        let kept = erlang_a_service_level(10, 2.0, 0.25, 0.5, (1.0, 0.0)).unwrap();
        // Leaving out every abandonment divides by the share who do not.
        let all_out = erlang_a_service_level(10, 2.0, 0.25, 0.5, (1.0, 1e6)).unwrap();
        assert!((all_out - kept / (1.0 - a.p_abandon)).abs() < 1e-9, "{all_out}");
        // A short threshold lies between, and grows with it.
        let some = erlang_a_service_level(10, 2.0, 0.25, 0.5, (1.0, 0.2)).unwrap();
        let more = erlang_a_service_level(10, 2.0, 0.25, 0.5, (1.0, 0.4)).unwrap();
        assert!(kept < some && some < more && more < all_out, "{kept} {some} {more} {all_out}");
    }

    #[test]
    fn erlang_a_service_level_tends_to_erlang_c_as_patience_grows() {
        let c = erlang_c_service_level(5, 4.0, 1.0, 0.5).unwrap();
        let a = erlang_a_service_level(5, 4.0, 1.0, 1e-5, (0.5, 0.0)).unwrap();
        assert!((a - c).abs() < 1e-3, "{a} vs {c}");
        assert!(erlang_c_service_level(4, 4.0, 1.0, 0.5).is_none(), "unstable");
    }

    #[test]
    fn erlang_c_of_one_server_is_rho() {
        let (p_wait, wait) = mmc_wait(1, 0.9, 1.0).unwrap();
        assert!((p_wait - 0.9).abs() < 1e-12);
        assert!((wait - 9.0).abs() < 1e-9);
        assert!(mmc_wait(2, 2.0, 1.0).is_none());
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows() {
        let a = erlang_a(5, 4.0, 1.0, 1e-6).unwrap();
        let (p_wait, wait) = mmc_wait(5, 4.0, 1.0).unwrap();
        assert!((a.p_wait - p_wait).abs() < 1e-4);
        assert!((a.wait_mean - wait).abs() / wait < 1e-3);
    }

    #[test]
    fn overloaded_erlang_a_loses_the_excess() {
        // Far overloaded, the abandonment rate approaches 1 − 1/ρ.
        let a = erlang_a(10, 40.0, 1.0, 1.0).unwrap();
        assert!((a.p_abandon - 0.75).abs() < 0.01, "{a:?}");
    }
}
