//! The progress bar of commands that run many jobs: jobs done, rate and
//! time left, on stderr; hidden with `--quiet` or when stderr is not a
//! terminal. Workers only count; the bar draws itself at a limited rate.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::experiment::jobs::Progress;

/// A progress bar fed by the experiment's jobs.
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar on stderr, or a hidden one.
    pub fn new(quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(ProgressBar::hidden());
        }
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{bar:40} {pos}/{len} jobs  {per_sec}  ETA {eta}")
            .expect("a valid template")
            .progress_chars("█▉ ");
        Bar(bar.with_style(style))
    }

    /// Removes the bar before results are printed.
    pub fn clear(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for Bar {
    fn planned(&self, jobs: u64) {
        self.0.inc_length(jobs);
    }

    fn finished(&self) {
        self.0.inc(1);
    }
}
