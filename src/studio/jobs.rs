//! The studio's compare jobs: each runs the base against one variant,
//! paired, on the rayon pool in a thread of its own, and keeps what its
//! clients read: progress, then the result (or the reason it failed). At
//! most [`MOST_RUNNING`] run at once; a new one cancels the oldest. A
//! cancel stops the job between replications (no check in the engine).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use crate::experiment::compare::{CompareResults, compare_until};
use crate::experiment::jobs::{Plan, Progress};
use crate::scenario::Scenario;

/// Jobs running at once; a new one cancels the oldest beyond this.
pub const MOST_RUNNING: usize = 2;

/// Finished jobs kept for their clients; older ones are forgotten.
const MOST_KEPT: usize = 32;

/// Where a job stands.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Running: replications done of planned.
    Running(u64, u64),
    /// Finished: the result as a JSON document, and its CSV file
    /// (compare.csv, or story.csv of a story).
    Done(String, Vec<u8>),
    /// Stopped before the end by a cancel.
    Cancelled,
    /// Failed (a stalled model): why.
    Failed(String),
}

/// One job.
pub struct Job {
    stop: AtomicBool,
    state: Mutex<State>,
    changed: Condvar,
}

impl Job {
    /// The state now.
    pub fn state(&self) -> State {
        self.state.lock().expect("no job panics").clone()
    }

    /// Waits until the state differs from `seen` (or a second passes);
    /// returns the state then.
    pub fn wait_change(&self, seen: &State) -> State {
        let guard = self.state.lock().expect("no job panics");
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, std::time::Duration::from_secs(1), |state| state == seen)
            .expect("no job panics");
        guard.clone()
    }

    fn set(&self, state: State) {
        *self.state.lock().expect("no job panics") = state;
        self.changed.notify_all();
    }

    /// Asks the job to stop before its next replication.
    pub fn cancel(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    fn running(&self) -> bool {
        matches!(self.state(), State::Running(..))
    }
}

impl Progress for Job {
    fn planned(&self, jobs: u64) {
        let mut state = self.state.lock().expect("no job panics");
        if let State::Running(done, planned) = *state {
            *state = State::Running(done, planned + jobs);
        }
        self.changed.notify_all();
    }

    fn finished(&self) {
        let mut state = self.state.lock().expect("no job panics");
        if let State::Running(done, planned) = *state {
            *state = State::Running(done + 1, planned);
        }
        self.changed.notify_all();
    }
}

/// Every job of this studio, by id.
#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<BTreeMap<u64, Arc<Job>>>,
}

impl Jobs {
    /// Starts comparing `base` with `variant` (named `variant 1`) under
    /// `plan`; `render` turns the finished comparison into the result
    /// document and its CSV file. Returns the job's id.
    pub fn start(
        &self,
        base: Scenario,
        variant: Scenario,
        plan: Plan,
        render: impl FnOnce(&CompareResults) -> (String, Vec<u8>) + Send + 'static,
    ) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let job = Arc::new(Job {
            stop: AtomicBool::new(false),
            state: Mutex::new(State::Running(0, 0)),
            changed: Condvar::new(),
        });
        {
            let mut jobs = self.jobs.lock().expect("no job panics");
            let running: Vec<Arc<Job>> = jobs.values().filter(|j| j.running()).cloned().collect();
            for old in running.iter().take((running.len() + 1).saturating_sub(MOST_RUNNING)) {
                old.cancel();
            }
            jobs.insert(id, job.clone());
            while jobs.len() > MOST_KEPT {
                let oldest = *jobs.keys().next().expect("not empty");
                jobs.remove(&oldest);
            }
        }
        std::thread::spawn(move || {
            let outcome = compare_until(base, vec![("variant 1".to_string(), variant)], &plan, &*job, &job.stop);
            job.set(match outcome {
                Ok(Some(results)) => {
                    let (document, csv) = render(&results);
                    State::Done(document, csv)
                }
                Ok(None) => State::Cancelled,
                Err(stall) => State::Failed(stall.to_string()),
            });
        });
        id
    }

    /// The job `id`, if this studio knows it.
    pub fn get(&self, id: u64) -> Option<Arc<Job>> {
        self.jobs.lock().expect("no job panics").get(&id).cloned()
    }
}
