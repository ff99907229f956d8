//! Paths inside the output directory: joining a relative path without ever
//! leaving the directory or following a symbolic link.

use std::fs;
use std::path::{Path, PathBuf};

use super::EmitError;

/// `out/relative`, refusing anything that could leave `out`: absolute paths,
/// `..`, empty or odd components, and symbolic links on the way.
pub(super) fn safe_join(out: &Path, relative: &str) -> Result<PathBuf, EmitError> {
    let bad = || EmitError::BadPath { path: relative.to_owned() };
    let mut full = out.to_path_buf();
    for part in relative.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains(['\\', '\0']) {
            return Err(bad());
        }
        full.push(part);
        if let Ok(meta) = fs::symlink_metadata(&full)
            && meta.file_type().is_symlink()
        {
            return Err(EmitError::Symlink { path: relative.to_owned() });
        }
    }
    Ok(full)
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
