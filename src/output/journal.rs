//! The journal of a sweep: each point's `sweep.csv` line, appended and
//! flushed as soon as the point finishes, so an interrupted sweep loses at
//! most the points in progress and `--resume` runs only the rest. The first
//! line identifies the sweep; a line cut short by a crash is ignored.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::files::{OutputError, failed_at as failed};

/// The lines a journal already holds, by point number.
pub type Saved = BTreeMap<usize, String>;

/// Why a journal cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// It could not be read or written.
    #[error(transparent)]
    Io(#[from] OutputError),
    /// A saved line is not a line of this sweep.
    #[error("{}, line {line}: {why}; the journal is not this sweep's: delete it and run without --resume", path.display())]
    Row {
        /// The journal.
        path: PathBuf,
        /// The line (1 is the identity line).
        line: usize,
        /// What is wrong.
        why: String,
    },
}

/// An open journal.
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

fn identity(hash: &str, points: usize) -> String {
    format!("# orgsim sweep journal: sweep {hash}, {points} points\n")
}

impl Journal {
    /// Starts a new journal (replacing an old one).
    pub fn create(path: &Path, hash: &str, points: usize) -> Result<Journal, OutputError> {
        let mut file = File::create(path).map_err(failed(path))?;
        file.write_all(identity(hash, points).as_bytes()).and_then(|()| file.sync_data()).map_err(failed(path))?;
        Ok(Journal { path: path.to_path_buf(), file: Mutex::new(file) })
    }

    /// Reopens a journal to go on with the same sweep; returns it and the
    /// lines of the points it already holds, by point number, each checked
    /// by `check` (which returns its point number). `Ok(None)` when the
    /// journal is missing or belongs to another sweep.
    pub fn resume(
        path: &Path,
        hash: &str,
        points: usize,
        check: &dyn Fn(&str) -> Result<usize, String>,
    ) -> Result<Option<(Journal, Saved)>, JournalError> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok(None);
        };
        let Some(rest) = text.strip_prefix(&identity(hash, points)) else {
            return Ok(None);
        };
        let mut done = BTreeMap::new();
        let mut complete = identity(hash, points).len();
        for (index, line) in rest.split_inclusive('\n').enumerate() {
            if !line.ends_with('\n') {
                break;
            }
            let bad = |why: String| JournalError::Row { path: path.to_path_buf(), line: index + 2, why };
            let number = check(line.trim_end_matches(['\n', '\r'])).map_err(bad)?;
            if done.insert(number, line.to_string()).is_some() {
                return Err(bad(format!("point {number} is saved twice")));
            }
            complete += line.len();
        }
        let file = OpenOptions::new().write(true).open(path).map_err(failed(path))?;
        // Drop a line a crash cut short, then append after the last whole one.
        file.set_len(complete as u64).map_err(failed(path))?;
        let mut file = file;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).map_err(failed(path))?;
        Ok(Some((Journal { path: path.to_path_buf(), file: Mutex::new(file) }, done)))
    }

    /// Appends one point's line and flushes it to disk.
    pub fn append(&self, line: &str) -> Result<(), OutputError> {
        let mut file = self.file.lock().expect("no writer panics");
        file.write_all(line.as_bytes()).and_then(|()| file.sync_data()).map_err(failed(&self.path))
    }

    /// Removes the journal once `sweep.csv` is written.
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
