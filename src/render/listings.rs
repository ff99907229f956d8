//! The `kustomization.yaml` listings: every ancestor directory lists its
//! children, and a directory that would list nothing gets no listing.

use std::collections::{BTreeMap, BTreeSet};

/// Every ancestor directory lists its child directories, except those the
/// engine applies on their own (listing them too would apply them twice).
pub(super) fn add_parent_listings(listings: &mut BTreeMap<String, BTreeSet<String>>, roots: &BTreeSet<String>) {
    let dirs: Vec<String> = listings.keys().cloned().collect();
    for dir in dirs {
        let mut child = dir.as_str();
        loop {
            let (parent, name) = child.rsplit_once('/').unwrap_or(("", child));
            let entry = listings.entry(parent.to_owned()).or_default();
            if !roots.contains(child) {
                entry.insert(name.to_owned());
            }
            if parent.is_empty() {
                break;
            }
            child = parent;
        }
    }
}

/// A directory whose `kustomization.yaml` would list nothing (every child
/// applied on its own by the engine, e.g. `clusters/` of several clusters,
/// or `infrastructure/` under Flux) gets none, and its parent does not list
/// it: `resources: []` builds nothing, and every engine's cluster is built
/// from `clusters/<c>/`. No engine object points at such a directory (each
/// Flux Kustomization and Argo CD Application names a directory with files).
pub(super) fn drop_empty_listings(
    listings: &mut BTreeMap<String, BTreeSet<String>>,
    extras: &BTreeMap<&str, &crate::derive::Component>,
) {
    loop {
        let empty: Vec<String> = listings
            .iter()
            .filter(|(dir, entries)| {
                entries.is_empty()
                    && extras.get(dir.as_str()).is_none_or(|c| c.generators.is_empty() && c.helm_charts.is_empty())
            })
            .map(|(dir, _)| dir.clone())
            .collect();
        if empty.is_empty() {
            return;
        }
        for dir in empty {
            listings.remove(&dir);
            let (parent, name) = dir.rsplit_once('/').unwrap_or(("", dir.as_str()));
            if parent != dir
                && let Some(entries) = listings.get_mut(parent)
            {
                entries.remove(name);
            }
        }
    }
}
