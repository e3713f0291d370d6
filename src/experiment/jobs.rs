//! The flat job list every experiment runs on: points (scenario variants) ×
//! replications, one job each, over rayon. Job (point p, replication r)
//! always uses the streams of replication r under the same seed, so every
//! point sees the same customers (common random numbers) and results, kept
//! in job order, do not depend on the number of threads.
//!
//! With a precision goal, replications are added in batches of a fixed size
//! (never dependent on the thread count) until every key metric's interval
//! is narrow enough at every point, or a cap is reached. All points get the
//! same replications, so they stay paired.

use std::sync::atomic::AtomicBool;

use rayon::prelude::*;

use super::{CONFIDENCE, estimate, replication_metrics};
use crate::model::{ReplicationResult, simulate};
use crate::scenario::Scenario;

/// Receives progress from running jobs. Implementations must be cheap and
/// must not print from workers; the command line draws a bar from it.
pub trait Progress: Sync {
    /// `jobs` more jobs were planned.
    fn planned(&self, _jobs: u64) {}
    /// One job finished.
    fn finished(&self) {}
}

/// Reports nowhere.
pub struct Silent;

impl Progress for Silent {}

/// When to stop adding replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Precision {
    /// Each key metric's 95% half-width must be at most this share of its mean.
    pub relative: f64,
    /// Never run more replications than this.
    pub max_replications: u32,
}

/// How many replications to run, under which seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Replications to start with (and the size of each added batch).
    pub replications: u32,
    /// Master seed shared by all points.
    pub seed: u64,
    /// Keep adding replications until precise enough.
    pub precision: Option<Precision>,
}

fn precise_enough(results: &[ReplicationResult], relative: f64) -> bool {
    super::metrics::precision_metrics().all(|metric| {
        let values: Vec<f64> = results
            .iter()
            .filter_map(|r| replication_metrics(r).into_iter().find(|(name, _)| *name == metric).and_then(|m| m.1))
            .collect();
        match estimate(&values, CONFIDENCE) {
            None => true,
            Some(e) if e.low.is_nan() => false,
            Some(e) => e.half_width() <= relative * e.mean.abs(),
        }
    })
}

/// Runs replications of every point; results per point, in replication order.
/// Fails when a replication stalls ([`super::Stalled`]).
pub fn replicate(
    points: &[Scenario],
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<Vec<Vec<ReplicationResult>>, super::Stalled> {
    let never = AtomicBool::new(false);
    Ok(replicate_until(points, plan, progress, &never)?.expect("never stopped"))
}

/// [`replicate`], stopping when `stop` is set: replications not started
/// then are skipped and the result is `None`.
pub fn replicate_until(
    points: &[Scenario],
    plan: &Plan,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Result<Option<Vec<Vec<ReplicationResult>>>, super::Stalled> {
    let mut results: Vec<Vec<ReplicationResult>> = vec![Vec::new(); points.len()];
    let mut done = 0u32;
    let mut target = plan.replications;
    loop {
        let batch: Vec<std::sync::Mutex<Vec<ReplicationResult>>> = points.iter().map(|_| Default::default()).collect();
        let finished_all = replicate_each(points, done..target, plan.seed, progress, stop, &|point, finished| {
            *batch[point].lock().expect("no job panics") = finished;
        });
        if !finished_all || stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(None);
        }
        for (index, (all, finished)) in results.iter_mut().zip(batch).enumerate() {
            let finished = finished.into_inner().expect("no job panics");
            super::Stalled::check(&finished).map_err(|stall| {
                super::Stalled { run: Some(index), ..stall }.in_run(&format!(
                    "run {} of {} of this experiment ({})",
                    index + 1,
                    points.len(),
                    points[index].name
                ))
            })?;
            all.extend(finished);
        }
        done = target;
        let Some(precision) = plan.precision else {
            break;
        };
        if done >= precision.max_replications || results.iter().all(|r| precise_enough(r, precision.relative)) {
            break;
        }
        target = (done + plan.replications).min(precision.max_replications);
    }
    Ok(Some(results))
}

/// Runs replications `replications` of every point as one flat job list,
/// and hands each point's results (in replication order) to `finished` as
/// soon as its last replication is done. Jobs not started when `stop` is
/// set are skipped; returns whether every point finished.
pub fn replicate_each(
    points: &[Scenario],
    replications: std::ops::Range<u32>,
    seed: u64,
    progress: &dyn Progress,
    stop: &AtomicBool,
    finished: &(dyn Fn(usize, Vec<ReplicationResult>) + Sync),
) -> bool {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU32, Ordering};
    let first = replications.start;
    let replications = replications.end - replications.start;
    let slots: Vec<Mutex<Vec<Option<ReplicationResult>>>> =
        points.iter().map(|_| Mutex::new(vec![None; replications as usize])).collect();
    let remaining: Vec<AtomicU32> = points.iter().map(|_| AtomicU32::new(replications)).collect();
    let jobs = points.len() as u64 * u64::from(replications);
    progress.planned(jobs);
    (0..jobs).into_par_iter().for_each(|job| {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let point = (job / u64::from(replications)) as usize;
        let offset = (job % u64::from(replications)) as u32;
        let mut result = simulate(&points[point], first + offset, seed);
        // The series stay until the point's diagnostics read them
        // ([`super::RunResults::reduced`]).
        result.drop_all_but_series();
        progress.finished();
        slots[point].lock().expect("no job panics")[offset as usize] = Some(result);
        if remaining[point].fetch_sub(1, Ordering::AcqRel) == 1 {
            let results = std::mem::take(&mut *slots[point].lock().expect("no job panics"));
            finished(point, results.into_iter().map(|r| r.expect("every replication ran")).collect());
        }
    });
    remaining.iter().all(|r| r.load(Ordering::Acquire) == 0)
}
