//! One build at a time per output directory: an exclusive lock on
//! `.stackc.lock` (kept, never removed, so every process locks the same file).

use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::Path;

use super::{EmitError, io_error};

pub(super) const LOCK_FILE: &str = ".stackc.lock";

/// Holds the lock until dropped.
pub struct Lock {
    _file: File,
}

/// Take the lock, or fail at once if another build holds it.
pub(super) fn lock(out: &Path) -> Result<Lock, EmitError> {
    fs::create_dir_all(out).map_err(io_error("creating", out))?;
    let path = out.join(LOCK_FILE);
    let file =
        OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io_error("opening", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(Lock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(EmitError::Locked),
        Err(TryLockError::Error(e)) => Err(io_error("locking", &path)(e)),
    }
}
