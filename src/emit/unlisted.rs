//! Files in the output directory that nothing applies: not written by
//! stackc, not listed by any `kustomization.yaml` (a hand-added manifest
//! there is silently ignored by Flux, Argo CD and kustomize). Dot files and
//! directories (stackc's own bookkeeping, `.gitkeep`) are left out; links
//! are not followed.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::render::Tree;

/// Relative paths under `out` that are neither in `tree` (its files and the
/// foreign files its kustomizations list) nor in `owned`, sorted.
pub(super) fn unlisted(tree: &Tree, owned: &BTreeSet<String>, out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    walk(out, "", &mut found);
    found.retain(|p| !tree.files.contains_key(p) && !tree.foreign.contains(p) && !owned.contains(p));
    found.sort();
    found
}

fn walk(dir: &Path, prefix: &str, found: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}{name}");
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&entry.path(), &format!("{path}/"), found),
            Ok(_) => found.push(path),
            Err(_) => {}
        }
    }
}
