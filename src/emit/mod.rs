//! Stage 6, `emit`: a [`Tree`] into the output directory, or a drift report
//! for `--check`. stackc records the files it owns in `.stackc-owned`; it
//! removes its own stale files, never touches a file it did not write, and
//! writes every file to a temporary name first so that a failed build leaves
//! the directory as it was.

mod journal;
mod lock;
mod paths;

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Tree;
use journal::Change;
use paths::{safe_join, with_suffix};

/// The manifest of owned files, at the top of the output directory.
pub const OWNED: &str = ".stackc-owned";
const TMP_SUFFIX: &str = ".stackc-tmp";
/// Test hook: abort the process after this many renames, as a kill would.
const FAULT_ENV: &str = "STACKC_FAULT_AFTER_RENAMES";

/// What a build changes, file by file (relative paths, sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    /// Foreign files a `kustomization.yaml` lists that do not exist.
    pub missing_foreign: Vec<String>,
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
    Io {
        action: &'static str,
        path: String,
        source: io::Error,
    },
}

pub(crate) fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> EmitError {
    let path = path.display().to_string();
    move |source| EmitError::Io {
        action,
        path,
        source,
    }
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
    let mut plan = Plan::default();
    for (path, bytes) in &tree.files {
        let full = safe_join(out, path)?;
        match fs::symlink_metadata(&full) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => plan.added.push(path.clone()),
            Err(e) => return Err(io_error("reading", &full)(e)),
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(EmitError::Symlink { path: path.clone() });
            }
            Ok(meta) if !meta.is_file() => return Err(EmitError::NotAFile { path: path.clone() }),
            Ok(_) if !owned.contains(path) => {
                return Err(EmitError::Foreign { path: path.clone() });
            }
            Ok(_) => {
                if fs::read(&full).map_err(io_error("reading", &full))? == *bytes {
                    plan.unchanged += 1;
                } else {
                    plan.changed.push(path.clone());
                }
            }
        }
    }
    for path in owned {
        if !tree.files.contains_key(&path) && safe_join(out, &path)?.exists() {
            plan.removed.push(path);
        }
    }
    for path in &tree.foreign {
        if !safe_join(out, path)?.exists() {
            plan.missing_foreign.push(path.clone());
        }
    }
    Ok(plan)
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
        Ok(Self {
            dir: dir.to_path_buf(),
            _lock: lock,
        })
    }

    /// See [`plan`].
    ///
    /// # Errors
    /// As [`plan`].
    pub fn plan(&self, tree: &Tree) -> Result<Plan, EmitError> {
        plan(tree, &self.dir)
    }

    /// Apply a plan made for the same tree: stage every file under a
    /// temporary name, journal the change with backups, then rename.
    ///
    /// # Errors
    /// Any I/O failure; the directory then keeps its old contents (staged
    /// files are removed, applied changes rolled back).
    pub fn write(&self, tree: &Tree, plan: &Plan) -> Result<(), EmitError> {
        let out = self.dir.as_path();
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
        if let Err(e) = stage(tree, out, plan, &mut staged) {
            for (tmp, _) in &staged {
                let _ = fs::remove_file(tmp);
            }
            return Err(e);
        }
        let mut changes: Vec<Change> = Vec::new();
        for (_, target) in &staged {
            let relative = target
                .strip_prefix(out)
                .unwrap_or(target)
                .to_string_lossy()
                .into_owned();
            changes.push(if target.exists() {
                Change::Replace(relative)
            } else {
                Change::Add(relative)
            });
        }
        changes.extend(plan.removed.iter().cloned().map(Change::Remove));
        journal::begin(out, &changes)?;
        match apply(out, plan, &staged) {
            Ok(()) => journal::finish(out),
            Err(e) => {
                journal::roll_back(out)?;
                Err(e)
            }
        }
    }
}

fn apply(out: &Path, plan: &Plan, staged: &[(PathBuf, PathBuf)]) -> Result<(), EmitError> {
    let fault: Option<usize> = std::env::var(FAULT_ENV).ok().and_then(|v| v.parse().ok());
    for (done, (tmp, target)) in staged.iter().enumerate() {
        if fault == Some(done) {
            std::process::abort();
        }
        fs::rename(tmp, target).map_err(io_error("renaming into", target))?;
    }
    for path in &plan.removed {
        let full = safe_join(out, path)?;
        fs::remove_file(&full).map_err(io_error("removing", &full))?;
        paths::remove_empty_parents(out, &full);
    }
    Ok(())
}

fn stage(
    tree: &Tree,
    out: &Path,
    plan: &Plan,
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), EmitError> {
    for path in plan.added.iter().chain(&plan.changed) {
        let target = safe_join(out, path)?;
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_error("creating", parent))?;
        }
        let tmp = with_suffix(&target, TMP_SUFFIX);
        fs::write(&tmp, &tree.files[path]).map_err(io_error("writing", &tmp))?;
        staged.push((tmp, target));
    }
    let manifest: String = std::iter::once(
        "# Files written by stackc; it removes them when they go stale.\n".to_owned(),
    )
    .chain(tree.files.keys().map(|p| format!("{p}\n")))
    .collect();
    let target = out.join(OWNED);
    let current = fs::read_to_string(&target).unwrap_or_default();
    if current != manifest {
        fs::create_dir_all(out).map_err(io_error("creating", out))?;
        let tmp = with_suffix(&target, TMP_SUFFIX);
        fs::write(&tmp, manifest).map_err(io_error("writing", &tmp))?;
        staged.push((tmp, target));
    }
    Ok(())
}

fn read_owned(out: &Path) -> Result<BTreeSet<String>, EmitError> {
    let path = out.join(OWNED);
    match fs::read_to_string(&path) {
        Ok(text) => {
            let owned: BTreeSet<String> = text
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect();
            for p in &owned {
                safe_join(out, p)?;
            }
            Ok(owned)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(io_error("reading", &path)(e)),
    }
}
