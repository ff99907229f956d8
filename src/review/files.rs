//! The rendered files a change touches: every path added, changed or removed
//! between the two versions' trees, each in the group of meaning its object
//! kind belongs to (`workloads`, `connections`, …) or in `other`.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::render::Tree;

/// One rendered file that differs between the two versions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileChange {
    /// The path inside the output directory.
    pub path: String,
    /// `added`, `changed` or `removed`.
    pub change: &'static str,
    /// The group of meaning of its object kind, or `other`.
    pub group: &'static str,
}

/// Every file that differs between `old` and `new`, sorted by path, leaving
/// out other clusters' files (`clusters/<name>/` for a name not in `keep`).
#[must_use]
pub fn changes(old: &Tree, new: &Tree, keep: &[&str]) -> Vec<FileChange> {
    let paths: BTreeSet<&String> = old.files.keys().chain(new.files.keys()).collect();
    let mut out = Vec::new();
    for path in paths {
        if !in_clusters(path, keep) {
            continue;
        }
        let change = match (old.files.get(path), new.files.get(path)) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(a), Some(b)) if a != b => "changed",
            _ => continue,
        };
        out.push(FileChange { path: path.clone(), change, group: group(path) });
    }
    out
}

fn in_clusters(path: &str, keep: &[&str]) -> bool {
    match path.strip_prefix("clusters/").and_then(|rest| rest.split_once('/')) {
        Some((cluster, _)) => keep.contains(&cluster),
        None => true,
    }
}

/// The group of meaning of a file, from the kind its name starts with
/// (`<kind>-<name>.yaml`).
#[must_use]
pub fn group(path: &str) -> &'static str {
    let file = path.rsplit('/').next().unwrap_or(path);
    let kind = file.split_once('-').map_or("", |(kind, _)| kind);
    if path.contains("/kyverno-policies/") || path.contains("kyverno-test") {
        return "policies";
    }
    match kind {
        "deployment"
        | "statefulset"
        | "service"
        | "serviceaccount"
        | "persistentvolumeclaim"
        | "helmrelease"
        | "servicemonitor"
        | "podmonitor" => "workloads",
        "networkpolicy" => "connections",
        "ingressroute" | "certificate" | "clusterissuer" | "middleware" => "exposure",
        "server" | "authorizationpolicy" | "meshtlsauthentication" | "networkauthentication" | "httproute" => "mesh",
        "secret" => "secrets",
        "clusterpolicy" | "policy" => "policies",
        _ => "other",
    }
}
