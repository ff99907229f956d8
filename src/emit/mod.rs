//! Stage 7, `emit`: a [`Tree`] into the output directory, or a drift report
//! for `--check`. stackc records the files it owns in `.stackc-owned`; it
//! removes its own stale files, never touches a file it did not write, and
//! journals every change with backups before applying it, so that a failed or
//! killed build leaves the directory as it was.

mod apply;
mod journal;
mod lock;
mod paths;
mod unlisted;

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::render::Tree;
use journal::Change;
use paths::Dirs;

/// The manifest of owned files, at the top of the output directory.
pub const OWNED: &str = ".stackc-owned";

/// What a build changes, file by file (relative paths, sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Foreign files a `kustomization.yaml` lists that do not exist.
    pub missing_foreign: Vec<String>,
    /// Files in the directory that stackc does not write and no
    /// `kustomization.yaml` lists: nothing applies them.
    pub unlisted: Vec<String>,
}

impl Plan {
    #[must_use]
    pub fn is_clean(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Why the output directory could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("`{path}` exists but was not written by stackc; refusing to overwrite it")]
    Foreign { path: String },
    #[error("`{path}` is a symbolic link; stackc does not write through links")]
    Symlink { path: String },
    #[error("`{path}` is a directory where stackc writes a file")]
    NotAFile { path: String },
    #[error("`{path}` is not a path inside the output directory")]
    BadPath { path: String },
    #[error("another stackc build is writing this directory")]
    Locked,
    #[error("an interrupted build left a journal; run `stackc build` (it rolls back first)")]
    Interrupted,
    #[error("{action} `{path}`: {source}")]
    Io { action: &'static str, path: String, source: io::Error },
}

pub(crate) fn io_error<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(io::Error) -> EmitError + 'p {
    // The path is formatted only on error: this runs once per file written.
    move |source| EmitError::Io { action, path: path.display().to_string(), source }
}

/// Compare the tree with the output directory.
///
/// # Errors
/// A file stackc would overwrite that it does not own, a link in the way, or
/// an unreadable directory.
pub fn plan(tree: &Tree, out: &Path) -> Result<Plan, EmitError> {
    if journal::pending(out) {
        return Err(EmitError::Interrupted);
    }
    let owned = read_owned(out)?;
    let unlisted = unlisted::unlisted(tree, &owned, out);
    let mut dirs = Dirs::new(out);
    let mut plan = Plan { unlisted, ..Plan::default() };
    // Join every path first (one look per directory), then look at the
    // files (a stat each, and a read of the same-size ones) on every core,
    // then take the outcomes in path order: the first error in that order
    // wins, as if the files were looked at one by one.
    let files: Vec<(&String, &Vec<u8>)> = tree.files.iter().collect();
    let joins: Vec<Result<paths::Joined, EmitError>> = files.iter().map(|(path, _)| dirs.join(path)).collect();
    let found = crate::parallel::in_order(files.len(), LOOKS_PER_THREAD, |range| {
        range
            .map(|i| joins[i].as_ref().ok().map(|joined| look(&owned, files[i].0, joined, files[i].1)))
            .collect::<Vec<_>>()
    });
    for (((path, _), joined), found) in files.iter().zip(joins).zip(found.into_iter().flatten()) {
        joined?;
        match found {
            Some(Ok(Found::Added)) => plan.added.push((*path).clone()),
            Some(Ok(Found::Changed)) => plan.changed.push((*path).clone()),
            Some(Ok(Found::Same)) => plan.unchanged += 1,
            Some(Err(e)) => return Err(e),
            None => unreachable!("every joined path is looked at"),
        }
    }
    for path in owned {
        if !tree.files.contains_key(&path) {
            let joined = dirs.join_no_link(&path)?;
            if !joined.absent && joined.full.exists() {
                plan.removed.push(path);
            }
        }
    }
    for path in &tree.foreign {
        let joined = dirs.join_no_link(path)?;
        if joined.absent || !joined.full.exists() {
            plan.missing_foreign.push(path.clone());
        }
    }
    Ok(plan)
}

/// Fewer files than this per thread are not worth a thread.
const LOOKS_PER_THREAD: usize = 128;

/// What a look at a file of the tree found.
enum Found {
    Added,
    Changed,
    Same,
}

/// Look at the file of `path` (one stat) and, when it has the size of
/// `bytes`, read it.
fn look(owned: &BTreeSet<String>, path: &String, joined: &paths::Joined, bytes: &[u8]) -> Result<Found, EmitError> {
    if joined.absent {
        // Its directory does not exist (a new output directory, a new
        // namespace): no need to look at the file.
        return Ok(Found::Added);
    }
    let full = &joined.full;
    match fs::symlink_metadata(full) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Found::Added),
        Err(e) => Err(io_error("reading", full)(e)),
        Ok(meta) if meta.file_type().is_symlink() => Err(EmitError::Symlink { path: path.clone() }),
        Ok(meta) if !meta.is_file() => Err(EmitError::NotAFile { path: path.clone() }),
        Ok(_) if !owned.contains(path) => Err(EmitError::Foreign { path: path.clone() }),
        Ok(meta) if holds(full, path, meta.len(), bytes)? => Ok(Found::Same),
        Ok(_) => Ok(Found::Changed),
    }
}

/// Whether the file at `full`, of `len` bytes, holds exactly `bytes`. A
/// file of another size is not read; the file is opened without following a
/// link, in case one replaced it since it was looked at.
fn holds(full: &Path, path: &str, len: u64, bytes: &[u8]) -> Result<bool, EmitError> {
    if len != bytes.len() as u64 {
        return Ok(false);
    }
    let mut file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(full)
        .map_err(|e| link_or_io(e, "reading", full, path))?;
    // Through `take`: `File::read_to_end` would ask the size again (fstat).
    let mut found = Vec::with_capacity(bytes.len() + 1);
    (&mut file).take(len + 1).read_to_end(&mut found).map_err(io_error("reading", full))?;
    Ok(found == bytes)
}

/// `O_NOFOLLOW` met a link: say so; any other error as it is.
fn link_or_io(e: io::Error, action: &'static str, full: &Path, path: &str) -> EmitError {
    if e.raw_os_error() == Some(libc::ELOOP) {
        EmitError::Symlink { path: path.to_owned() }
    } else {
        io_error(action, full)(e)
    }
}

/// Exclusive use of an output directory for one build.
pub struct Output {
    dir: PathBuf,
    _lock: lock::Lock,
}

impl Output {
    /// Lock the directory and roll back a build that was interrupted.
    ///
    /// # Errors
    /// Another build holds the lock, or the rollback fails.
    pub fn open(dir: &Path) -> Result<Self, EmitError> {
        let lock = lock::lock(dir)?;
        if journal::pending(dir) {
            journal::roll_back(dir)?;
        }
        Ok(Self { dir: dir.to_path_buf(), _lock: lock })
    }

    /// See [`plan`].
    ///
    /// # Errors
    /// As [`plan`].
    pub fn plan(&self, tree: &Tree) -> Result<Plan, EmitError> {
        plan(tree, &self.dir)
    }

    /// Apply a plan made for the same tree: journal the change (with
    /// backups of what it replaces or removes), then write in place. A build
    /// that fails or dies is rolled back from the journal.
    ///
    /// # Errors
    /// Any I/O failure; the directory then keeps its old contents.
    pub fn write(&self, tree: &Tree, plan: &Plan) -> Result<(), EmitError> {
        let out = self.dir.as_path();
        let manifest = manifest(tree);
        let manifest_path = out.join(OWNED);
        let old_manifest = fs::read_to_string(&manifest_path).ok();
        let mut changes: Vec<Change> = plan.added.iter().cloned().map(Change::Add).collect();
        changes.extend(plan.changed.iter().cloned().map(Change::Replace));
        match &old_manifest {
            Some(old) if *old == manifest => {}
            Some(_) => changes.push(Change::Replace(OWNED.to_owned())),
            None => changes.push(Change::Add(OWNED.to_owned())),
        }
        changes.extend(plan.removed.iter().cloned().map(Change::Remove));
        journal::begin(out, &changes)?;
        match apply::apply(out, tree, &changes, &manifest) {
            Ok(()) => journal::finish(out),
            Err(e) => {
                journal::roll_back(out)?;
                Err(e)
            }
        }
    }
}

/// The ownership manifest of a tree.
fn manifest(tree: &Tree) -> String {
    const HEADER: &str = "# Files written by stackc; it removes them when they go stale.\n";
    let mut text = String::with_capacity(HEADER.len() + tree.files.keys().map(|p| p.len() + 1).sum::<usize>());
    text.push_str(HEADER);
    for path in tree.files.keys() {
        text.push_str(path);
        text.push('\n');
    }
    text
}

fn read_owned(out: &Path) -> Result<BTreeSet<String>, EmitError> {
    let path = out.join(OWNED);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let owned: BTreeSet<String> =
                text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect();
            for p in &owned {
                paths::check_relative(p)?;
            }
            Ok(owned)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(io_error("reading", &path)(e)),
    }
}
