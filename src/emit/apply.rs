//! Applying a journaled change list to the output directory. Directories are
//! created first, one by one in change order; the files are then written on
//! every core, one task per run of files that share a directory (so a file's
//! directory always exists before its write); removals come last, one by
//! one. Whatever the thread timing, a failure reports the first error in
//! change order, as a single-threaded write would.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::journal::Change;
use super::paths::{self, Dirs};
use super::{EmitError, OWNED, io_error, link_or_io};
use crate::render::Tree;

/// Test hook: abort the process when the change of this index (counted from
/// zero in journal order) is about to be applied, as a kill would. Writes run
/// on every core, so other changes, before or after it, may be done by then:
/// the rollback must undo any subset.
const FAULT_ENV: &str = "STACKC_FAULT_AFTER_WRITES";

/// One file to write: its index among the changes and its relative path.
type Job<'c> = (usize, &'c str);

/// Write and remove in journal order. The plan checked every path; the
/// write looks at each directory again (once), creates the missing ones and
/// opens files without following links, so a directory or file replaced by
/// a link since the plan is refused rather than written through.
pub(super) fn apply(out: &Path, tree: &Tree, changes: &[Change], manifest: &str) -> Result<(), EmitError> {
    let fault: Option<usize> = std::env::var(FAULT_ENV).ok().and_then(|v| v.parse().ok());
    let abort_at = |index: usize| {
        if fault == Some(index) {
            std::process::abort();
        }
    };
    let mut dirs = Dirs::new(out);
    let mut jobs: Vec<Job> = Vec::with_capacity(changes.len());
    // The first change whose directory cannot be made: only the files
    // before it are written, so its error is reported unless one of theirs
    // comes first.
    let mut dir_error = None;
    for (index, change) in changes.iter().enumerate() {
        if let Change::Add(path) | Change::Replace(path) = change {
            if let Err(e) = dirs.create_parents(path) {
                dir_error = Some(e);
                break;
            }
            jobs.push((index, path));
        }
    }
    let bytes_of = |path: &str| if path == OWNED { manifest.as_bytes() } else { tree.files[path].as_slice() };
    let runs = runs(&jobs);
    let written = crate::parallel::map(&runs, |run| {
        run.iter().try_for_each(|&(index, path)| {
            abort_at(index);
            write(out, path, bytes_of(path))
        })
    });
    if let Some(e) = written.into_iter().find_map(Result::err).or(dir_error) {
        return Err(e);
    }
    for (index, change) in changes.iter().enumerate() {
        if let Change::Remove(path) = change {
            abort_at(index);
            let full = dirs.join(path)?.full;
            fs::remove_file(&full).map_err(io_error("removing", &full))?;
            paths::remove_empty_parents(out, &full);
        }
    }
    Ok(())
}

/// The jobs cut into runs of consecutive files in the same directory.
fn runs<'j, 'c>(jobs: &'j [Job<'c>]) -> Vec<&'j [Job<'c>]> {
    jobs.chunk_by(|a, b| dir(a.1) == dir(b.1)).collect()
}

/// The directory part of a relative path (empty at the top).
fn dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Write one file, opened without following a link.
fn write(out: &Path, path: &str, bytes: &[u8]) -> Result<(), EmitError> {
    let target = out.join(path);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&target)
        .map_err(|e| link_or_io(e, "writing", &target, path))?;
    file.write_all(bytes).map_err(io_error("writing", &target))
}
