//! Confirmation rounds: every figure printed or written for a
//! recommendation comes from replications whose random streams played no
//! part in choosing it, so a figure chosen because it happened to look good
//! (the winner's curse) is never the one reported.
//!
//! Round `r` runs under a master seed derived from the plan's seed and the
//! label `confirm:<r>` ([`crate::engine::streams::labelled_seed`]), the same
//! on every machine, thread count and shard. A search chooses on the plan's
//! own seed; round 1 measures the choice on fresh streams. Where a target
//! misses there, the search adjusts the choice on round 1's replications and
//! round 2 measures it again on fresh ones, and so on, for at most
//! [`MOST_ROUNDS`] rounds: only the last round's figures are reported.

use super::jobs::Plan;

/// Most confirmation rounds before `optimize` says it could not confirm.
pub const MOST_ROUNDS: u32 = 10;

/// Most confirmation rounds of staffing by interval. Every round adds one
/// person to each slot that misses; with many slots, each judged by its own
/// interval, a few slots near the target miss by chance in a round, so the
/// staffing needs more rounds than a single recommendation to settle (more
/// replications per round settle it sooner).
pub const MOST_SLOT_ROUNDS: u32 = 50;

/// Whether and on how many replications a recommendation is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// No confirmation: the figures are the search's own, measured on the
    /// replications that chose them (for studying the winner's curse; the
    /// command line always confirms).
    Off,
    /// Each round runs this many replications; `None`: as many as the
    /// choice was measured on.
    Rounds(Option<u32>),
}

impl Confirm {
    /// The replications of each round, given how many the choice used;
    /// `None` when off.
    pub fn replications(self, chosen_on: usize) -> Option<u32> {
        match self {
            Confirm::Off => None,
            Confirm::Rounds(given) => Some(given.unwrap_or(chosen_on.max(1) as u32)),
        }
    }
}

/// The seed label of round `round`.
pub fn label(round: u32) -> String {
    format!("confirm:{round}")
}

/// The plan of confirmation round `round` (from 1): `replications` under
/// the round's own seed, no precision goal (every round runs the same
/// number, so rounds compare alike).
pub fn round_plan(plan: &Plan, replications: u32, round: u32) -> Plan {
    Plan { replications, seed: crate::engine::streams::labelled_seed(plan.seed, &label(round)), precision: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_have_their_own_seeds_and_keep_the_replications_asked_for() {
        let plan = Plan { replications: 20, seed: 5, precision: None };
        let (one, two) = (round_plan(&plan, 40, 1), round_plan(&plan, 40, 2));
        assert_eq!(one.replications, 40);
        assert_ne!(one.seed, plan.seed);
        assert_ne!(one.seed, two.seed);
        assert_eq!(one, round_plan(&plan, 40, 1));
    }
}
