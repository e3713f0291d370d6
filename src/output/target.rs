//! A file named on the command line for a stream of results (`--events`,
//! `--trace`): written through a temporary name beside it and renamed into
//! place when it is a regular file (or new); written directly when it is a
//! character device such as `/dev/null`, its write errors reported; refused
//! when it is a folder, a FIFO or a socket (a FIFO with no reader would
//! hang). A symbolic link is followed, and the file it points to is
//! replaced, so the link stays a link. Nothing but a regular file is ever
//! renamed over.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use super::files::OutputError;
use super::guard;

/// Most links followed from a named output to its file.
const MOST_LINKS: usize = 40;

/// Where a named output's bytes go.
#[derive(Debug)]
pub struct NamedOutput {
    /// The path as named (errors say it).
    named: PathBuf,
    /// The file the bytes end in: the named path, or where its links lead.
    target: PathBuf,
    /// The temporary file renamed onto `target`; `None` for a device.
    temporary: Option<PathBuf>,
}

fn refused(path: &Path, why: String) -> OutputError {
    OutputError { path: path.to_path_buf(), source: std::io::Error::other(why) }
}

/// Follows `path`'s links to the file they lead to (which may not exist).
fn follow(path: &Path) -> Result<PathBuf, OutputError> {
    let mut current = path.to_path_buf();
    for _ in 0..MOST_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link =
                    std::fs::read_link(&current).map_err(|e| OutputError { path: current.clone(), source: e })?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(refused(path, format!("more than {MOST_LINKS} symbolic links lead from it; name the file itself")))
}

impl NamedOutput {
    /// Opens `path` for writing, as this module describes.
    pub fn open(path: &Path) -> Result<(NamedOutput, File), OutputError> {
        let target = follow(path)?;
        let failed = |source| OutputError { path: path.to_path_buf(), source };
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                return Err(refused(path, "it is a folder; name a file to write".into()));
            }
            Ok(meta) if meta.file_type().is_fifo() || meta.file_type().is_socket() => {
                return Err(refused(
                    path,
                    "it is a FIFO or a socket: writing to one with no reader would hang; name a regular file".into(),
                ));
            }
            Ok(meta) if meta.file_type().is_char_device() || meta.file_type().is_block_device() => {
                let file = OpenOptions::new().write(true).open(&target).map_err(failed)?;
                return Ok((NamedOutput { named: path.to_path_buf(), target, temporary: None }, file));
            }
            _ => {}
        }
        guard::check_write(&target, None).map_err(failed)?;
        let name = target.file_name().map_or("output".into(), |n| n.to_string_lossy().into_owned());
        let temporary = target.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        guard::wrote(&temporary);
        let file = File::create(&temporary).map_err(failed)?;
        Ok((NamedOutput { named: path.to_path_buf(), target, temporary: Some(temporary) }, file))
    }

    /// Moves the written file into place, after `flushed` (the writer's
    /// flush) succeeded; removes the temporary file otherwise.
    pub fn finish(self, flushed: std::io::Result<()>) -> Result<(), OutputError> {
        let result = match &self.temporary {
            Some(temporary) => flushed.and_then(|()| {
                guard::wrote(&self.target);
                std::fs::rename(temporary, &self.target)
            }),
            None => flushed,
        };
        if result.is_err() {
            self.abandon_file();
        }
        result.map_err(|source| OutputError { path: self.named, source })
    }

    fn abandon_file(&self) {
        if let Some(temporary) = &self.temporary {
            let _ = std::fs::remove_file(temporary);
        }
    }

    /// Gives the output up: removes its temporary file.
    pub fn abandon(self) {
        self.abandon_file();
    }
}
