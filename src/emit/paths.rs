//! Paths inside the output directory: joining a relative path without ever
//! leaving the directory or following a symbolic link, and creating the
//! directories a build writes into. [`Dirs`] looks at each directory once
//! per pass (plan, journal, write), not once per file below it.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{EmitError, io_error};

/// What a pass found at one directory of the output tree.
#[derive(Clone, Copy)]
enum Seen {
    /// A real directory, not a link.
    Dir,
    /// Nothing there, so nothing below it either.
    Missing,
}

/// The directories of one output directory that a pass has already looked
/// at, by relative path. A pass is one loop over the tree's paths; the
/// next pass starts afresh, so a directory replaced by a link between the
/// plan and the write is seen by the write.
pub(super) struct Dirs<'a> {
    out: &'a Path,
    seen: HashMap<String, Seen>,
}

/// A relative path joined onto the output directory.
pub(super) struct Joined {
    pub full: PathBuf,
    /// A directory on the way does not exist, so neither does the path.
    pub absent: bool,
}

impl<'a> Dirs<'a> {
    pub fn new(out: &'a Path) -> Self {
        Self { out, seen: HashMap::new() }
    }

    /// `out/relative`, refusing anything that could leave `out`: absolute
    /// paths, `..`, empty or odd components, and symbolic links among the
    /// directories on the way (each looked at once per pass). The last
    /// component itself is not looked at.
    pub fn join(&mut self, relative: &str) -> Result<Joined, EmitError> {
        check_relative(relative)?;
        let full = self.out.join(relative);
        for (end, _) in relative.match_indices('/') {
            let dir = &relative[..end];
            match self.seen.get(dir) {
                Some(Seen::Dir) => continue,
                Some(Seen::Missing) => return Ok(Joined { full, absent: true }),
                None => {}
            }
            match fs::symlink_metadata(self.out.join(dir)) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(EmitError::Symlink { path: relative.to_owned() });
                }
                Ok(meta) if meta.is_dir() => {
                    self.seen.insert(dir.to_owned(), Seen::Dir);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    self.seen.insert(dir.to_owned(), Seen::Missing);
                    return Ok(Joined { full, absent: true });
                }
                // A file on the way, or an unreadable entry: the caller's own
                // look at the path fails and says why.
                _ => {}
            }
        }
        Ok(Joined { full, absent: false })
    }

    /// As [`Dirs::join`], and the path itself must not be a symbolic link.
    pub fn join_no_link(&mut self, relative: &str) -> Result<Joined, EmitError> {
        let joined = self.join(relative)?;
        if !joined.absent && fs::symlink_metadata(&joined.full).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(EmitError::Symlink { path: relative.to_owned() });
        }
        Ok(joined)
    }

    /// Make the directories of `relative` exist as real directories, each
    /// created or checked once per pass. A link on the way is refused: one
    /// may have replaced a directory since the plan looked.
    pub fn create_parents(&mut self, relative: &str) -> Result<(), EmitError> {
        for (end, _) in relative.match_indices('/') {
            let dir = &relative[..end];
            if matches!(self.seen.get(dir), Some(Seen::Dir)) {
                continue;
            }
            let full = self.out.join(dir);
            // mkdir first: it never follows a link, and in a new output
            // directory it is the only call needed.
            match fs::create_dir(&full) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match fs::symlink_metadata(&full) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        return Err(EmitError::Symlink { path: relative.to_owned() });
                    }
                    Ok(meta) if meta.is_dir() => {}
                    _ => return Err(io_error("creating", &full)(e)),
                },
                Err(e) => return Err(io_error("creating", &full)(e)),
            }
            self.seen.insert(dir.to_owned(), Seen::Dir);
        }
        Ok(())
    }
}

/// A relative path of the output tree, refusing absolute paths, `..`, and
/// empty or odd components.
pub(super) fn check_relative(relative: &str) -> Result<(), EmitError> {
    if relative.split('/').any(|part| part.is_empty() || part == "." || part == ".." || part.contains(['\\', '\0'])) {
        return Err(EmitError::BadPath { path: relative.to_owned() });
    }
    Ok(())
}

/// `out/relative` checked as [`Dirs::join_no_link`] does, for a single path.
pub(super) fn safe_join(out: &Path, relative: &str) -> Result<PathBuf, EmitError> {
    Dirs::new(out).join_no_link(relative).map(|joined| joined.full)
}

/// Remove directories left empty by removing `file`, up to `out`.
pub(super) fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
