//! What this invocation reads and writes, so that a command never clobbers
//! what is not its own and takes back what it leaves unfinished:
//! - the inputs named on the command line are protected: a write that would
//!   change one of them (the same file, whatever the name) is refused, and
//!   one that would write the very same bytes leaves it alone;
//! - every file and folder a command creates is noted in a ledger; a command
//!   that fails, or is interrupted with Ctrl-C, removes them (a sweep's
//!   journal and shard files are not noted: `--resume` and `merge` need them).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// What this invocation wrote, and what it must not overwrite.
#[derive(Default)]
struct Ledger {
    /// Files created or replaced (results, temporary and part files).
    files: Vec<PathBuf>,
    /// Folders created, outermost first.
    folders: Vec<PathBuf>,
    /// The inputs, by device and inode, with the name they were given as.
    inputs: Vec<((u64, u64), PathBuf)>,
}

static LEDGER: Mutex<Ledger> = Mutex::new(Ledger { files: Vec::new(), folders: Vec::new(), inputs: Vec::new() });

/// Set while a command stops gracefully on Ctrl-C (a sweep saving its journal).
static GRACEFUL: Mutex<Option<&'static AtomicBool>> = Mutex::new(None);

fn ledger() -> std::sync::MutexGuard<'static, Ledger> {
    LEDGER.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The device and inode of `path` (following links), if it exists.
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Notes `path` as an input of this command.
pub fn protect(path: &Path) {
    if let Some(id) = identity(path) {
        ledger().inputs.push((id, path.to_path_buf()));
    }
}

/// The input that `path` is (the same file, not the same string), if any.
pub fn input_at(path: &Path) -> Option<PathBuf> {
    let id = identity(path)?;
    ledger().inputs.iter().find(|(input, _)| *input == id).map(|(_, name)| name.clone())
}

/// Why writing `bytes` (or, with `None`, a stream) to `path` must not
/// happen: it would change the input named so. Writing the very bytes the
/// input holds is allowed (`Ok(true)`: nothing to write).
pub fn check_write(path: &Path, bytes: Option<&[u8]>) -> Result<bool, std::io::Error> {
    let Some(input) = input_at(path) else {
        return Ok(false);
    };
    if let Some(bytes) = bytes
        && std::fs::read(path).is_ok_and(|held| held == bytes)
    {
        return Ok(true);
    }
    Err(std::io::Error::other(format!(
        "it is the input {}, which this command reads; write the results elsewhere (--out, or another file name)",
        input.display()
    )))
}

/// Notes a file this command created or replaced.
pub fn wrote(path: &Path) {
    ledger().files.push(path.to_path_buf());
}

/// Notes a folder this command created.
pub fn made_folder(path: &Path) {
    ledger().folders.push(path.to_path_buf());
}

/// Removes every file and folder this command created: on failure and on
/// Ctrl-C. Folders go only when empty, innermost first.
pub fn take_back() {
    let mut ledger = ledger();
    for file in ledger.files.drain(..).rev() {
        let _ = std::fs::remove_file(file);
    }
    for folder in ledger.folders.drain(..).rev() {
        let _ = std::fs::remove_dir(folder);
    }
}

/// Keeps everything written so far (the command succeeded).
pub fn keep() {
    let mut ledger = ledger();
    ledger.files.clear();
    ledger.folders.clear();
}

/// Has a Ctrl-C set `flag` (and let the command stop by itself) instead of
/// ending the process; a second Ctrl-C still ends it.
pub fn stop_gracefully(flag: &'static AtomicBool) {
    *GRACEFUL.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(flag);
}

/// Installs the Ctrl-C handler: a command that stops gracefully is told to;
/// any other is ended at once, after taking back what it wrote (exit 130).
pub fn on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let graceful = *GRACEFUL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(flag) = graceful
            && !flag.swap(true, Ordering::SeqCst)
        {
            return;
        }
        take_back();
        std::process::exit(130);
    });
}

/// Refuses, before anything runs, to write `names` in `folder` or `files`
/// where one of them is an input of this command.
pub fn refuse_inputs(folder: &Path, names: &[&str], files: &[&Path]) -> Result<(), super::OutputError> {
    let targets = names.iter().map(|name| folder.join(name)).chain(files.iter().map(|f| f.to_path_buf()));
    for target in targets {
        check_write(&target, None).map_err(|source| super::OutputError { path: target.clone(), source })?;
    }
    Ok(())
}
