//! Where the output directory lives in its Git repository: the engines'
//! paths (Flux Kustomizations, Argo CD Applications) are relative to the
//! repository root, not to the output directory. Found by walking up from
//! the output directory to the directory holding `.git` (a directory, or a
//! file in a worktree or submodule); a cluster's `git path=` wins over it.

use std::path::{Component, Path, PathBuf};

/// Where the output directory is, as far as the file system tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Inside a Git repository: the output directory relative to its root,
    /// `/`-separated (`""` when it is the root).
    Repository { root: PathBuf, path: String },
    /// In no Git repository: the output directory is taken as the root.
    Outside,
}

impl Location {
    /// The prefix the engines' paths start with.
    #[must_use]
    pub fn prefix(&self) -> &str {
        match self {
            Location::Repository { path, .. } => path,
            Location::Outside => "",
        }
    }
}

/// Locate `out` (which need not exist yet) in its Git repository.
///
/// # Errors
/// The current directory cannot be read, or the path inside the repository
/// is not UTF-8.
pub fn locate(out: &Path) -> Result<Location, String> {
    let absolute = absolute(out)?;
    for root in absolute.ancestors() {
        if root.join(".git").exists() {
            let inside = absolute.strip_prefix(root).map_err(|e| e.to_string())?;
            let mut parts = Vec::new();
            for part in inside.components() {
                let Component::Normal(part) = part else { continue };
                let part = part
                    .to_str()
                    .ok_or_else(|| format!("{}: the path inside the repository is not UTF-8", out.display()))?;
                parts.push(part);
            }
            return Ok(Location::Repository { root: root.to_path_buf(), path: parts.join("/") });
        }
    }
    Ok(Location::Outside)
}

/// `out` as an absolute path without `.`, `..` or symbolic links: the part
/// that exists canonicalized, the rest (not created yet) appended.
fn absolute(out: &Path) -> Result<PathBuf, String> {
    let joined = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| format!("the current directory: {e}"))?.join(out)
    };
    let mut missing = Vec::new();
    let mut existing = joined.as_path();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut path = canonical;
            for part in missing.iter().rev() {
                match part {
                    Component::ParentDir => {
                        path.pop();
                    }
                    Component::Normal(name) => path.push(name),
                    _ => {}
                }
            }
            return Ok(path);
        }
        let Some(parent) = existing.parent() else {
            return Ok(joined);
        };
        if let Some(last) = existing.components().next_back() {
            missing.push(last);
        }
        existing = parent;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_output_directory_below_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        let located = locate(&dir.path().join("deploy/./out")).unwrap();
        assert_eq!(located.prefix(), "deploy/out");
        assert_eq!(locate(dir.path()).unwrap().prefix(), "");
        // A worktree's `.git` is a file.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join(".git"), "gitdir: ../.git/worktrees/sub\n").unwrap();
        assert_eq!(locate(&sub.join("out/../out")).unwrap().prefix(), "out");
    }
}
