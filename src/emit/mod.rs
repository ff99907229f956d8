//! Stage 6, `emit`: a [`Tree`] into the output directory, or a drift report
//! for `--check`. stackc records the files it owns in `.stackc-owned`; it
//! removes its own stale files, never touches a file it did not write, and
//! writes every file to a temporary name first so that a failed build leaves
//! the directory as it was.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Tree;

/// The manifest of owned files, at the top of the output directory.
pub const OWNED: &str = ".stackc-owned";
const TMP_SUFFIX: &str = ".stackc-tmp";

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
    #[error("`{path}` in {OWNED} is not a path inside the output directory")]
    BadManifest { path: String },
    #[error("{action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: io::Error,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> EmitError {
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

/// Apply a plan made by [`plan`] for the same tree.
///
/// # Errors
/// Any I/O failure; files already staged are removed again, so the
/// directory keeps its old contents.
pub fn write(tree: &Tree, out: &Path, plan: &Plan) -> Result<(), EmitError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = stage(tree, out, plan, &mut staged);
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (tmp, target) in &staged {
        fs::rename(tmp, target).map_err(io_error("renaming into", target))?;
    }
    for path in &plan.removed {
        let full = safe_join(out, path)?;
        fs::remove_file(&full).map_err(io_error("removing", &full))?;
        remove_empty_parents(out, &full);
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
        let tmp = tmp_path(&target);
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
        let tmp = tmp_path(&target);
        fs::write(&tmp, manifest).map_err(io_error("writing", &tmp))?;
        staged.push((tmp, target));
    }
    Ok(())
}

fn tmp_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(TMP_SUFFIX);
    target.with_file_name(name)
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

/// `out/relative`, refusing anything that could leave `out`: absolute paths,
/// `..`, empty or odd components, and symbolic links on the way.
fn safe_join(out: &Path, relative: &str) -> Result<PathBuf, EmitError> {
    let bad = || EmitError::BadManifest {
        path: relative.to_owned(),
    };
    let mut full = out.to_path_buf();
    for part in relative.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains(['\\', '\0']) {
            return Err(bad());
        }
        full.push(part);
        if let Ok(meta) = fs::symlink_metadata(&full)
            && meta.file_type().is_symlink()
        {
            return Err(EmitError::Symlink {
                path: relative.to_owned(),
            });
        }
    }
    Ok(full)
}

fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
