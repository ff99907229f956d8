//! Semantic review of a change: what two versions of a stack mean for the
//! cluster — connections opened or closed (policy relaxed or tightened),
//! exposed hosts, internet and API-server egress, workloads added, removed
//! or changed (image, replicas, env, resources, volumes and sizes, …), mesh
//! membership, Secrets; and every rendered file that differs, by group of
//! meaning, with the rest under "other changes". For pull-request comments,
//! as markdown or JSON.

mod facts;
mod files;
mod render;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::check::ResolvedStack;
use crate::derive::Graph;
use crate::render::Tree;
pub use files::{FileChange, group};
pub use render::{json, markdown};

/// Everything that changed, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Review {
    /// Connections the new policies allow that the old ones did not.
    pub opened: Vec<Connection>,
    /// Connections the old policies allowed that the new ones do not.
    pub closed: Vec<Connection>,
    pub hosts_added: Vec<Host>,
    pub hosts_removed: Vec<Host>,
    /// `(workload, port)` of internet egress.
    pub internet_added: Vec<(String, u16)>,
    pub internet_removed: Vec<(String, u16)>,
    pub api_access_added: Vec<String>,
    pub api_access_removed: Vec<String>,
    pub workloads_added: Vec<String>,
    pub workloads_removed: Vec<String>,
    /// `(workload, what, old, new)`: image, replicas, `env NAME`,
    /// `resources limits.cpu`, `volume NAME`, size, chart, values, ….
    pub workloads_changed: Vec<(String, String, String, String)>,
    pub meshed: Vec<String>,
    pub unmeshed: Vec<String>,
    /// Secrets (`namespace/name`) declared or no longer declared.
    pub secrets_added: Vec<String>,
    pub secrets_removed: Vec<String>,
    /// `(secret, what, old, new)`: a key added, removed or changed.
    pub secrets_changed: Vec<(String, String, String, String)>,
    /// Every rendered file that differs, sorted by path.
    pub files: Vec<FileChange>,
    /// Why the rendered trees were not compared (a version does not build).
    pub files_not_compared: Option<String>,
}

/// One allowed connection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Connection {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: String,
    pub reason: String,
}

/// An exposed host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Host {
    pub host: String,
    pub workload: String,
}

impl Review {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        Review { files_not_compared: None, ..self.clone() } == Review::default()
    }

    /// Add the rendered files that differ between the two versions' trees,
    /// leaving out clusters other than `clusters`.
    pub fn compare_files(&mut self, old: &Tree, new: &Tree, clusters: &[&str]) {
        self.files = files::changes(old, new, clusters);
    }
}

/// Compare two analyzed stacks.
#[must_use]
pub fn review(old: (&ResolvedStack, &Graph), new: (&ResolvedStack, &Graph)) -> Review {
    let (old_edges, new_edges) = (connections(old.1), connections(new.1));
    let (old_hosts, new_hosts) = (hosts(old.1), hosts(new.1));
    let (old_net, new_net) = (internet(old.1), internet(new.1));
    let (old_api, new_api) = (api_access(old.1), api_access(new.1));
    let (old_w, new_w) = (facts::workloads(old.0), facts::workloads(new.0));
    let (old_s, new_s) = (facts::secrets(old.0), facts::secrets(new.0));
    let (old_mesh, new_mesh) = (meshed(old.0), meshed(new.0));
    Review {
        opened: minus(&new_edges, &old_edges),
        closed: minus(&old_edges, &new_edges),
        hosts_added: minus(&new_hosts, &old_hosts),
        hosts_removed: minus(&old_hosts, &new_hosts),
        internet_added: minus(&new_net, &old_net),
        internet_removed: minus(&old_net, &new_net),
        api_access_added: minus(&new_api, &old_api),
        api_access_removed: minus(&old_api, &new_api),
        workloads_added: new_w.keys().filter(|k| !old_w.contains_key(*k)).cloned().collect(),
        workloads_removed: old_w.keys().filter(|k| !new_w.contains_key(*k)).cloned().collect(),
        workloads_changed: facts::changed(&old_w, &new_w),
        meshed: minus(&new_mesh, &old_mesh),
        unmeshed: minus(&old_mesh, &new_mesh),
        secrets_added: new_s.keys().filter(|k| !old_s.contains_key(*k)).cloned().collect(),
        secrets_removed: old_s.keys().filter(|k| !new_s.contains_key(*k)).cloned().collect(),
        secrets_changed: facts::changed(&old_s, &new_s),
        files: Vec::new(),
        files_not_compared: None,
    }
}

fn minus<T: Ord + Clone>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<T> {
    a.difference(b).cloned().collect()
}

fn connections(g: &Graph) -> BTreeSet<Connection> {
    g.edges
        .iter()
        .map(|e| Connection {
            from: e.from.clone(),
            to: e.to.clone(),
            port: e.port,
            protocol: e.protocol.as_str().to_owned(),
            reason: e.reason.as_str().to_owned(),
        })
        .collect()
}

fn hosts(g: &Graph) -> BTreeSet<Host> {
    g.nodes.iter().flat_map(|n| n.hosts.iter().map(|h| Host { host: h.clone(), workload: n.id.clone() })).collect()
}

fn internet(g: &Graph) -> BTreeSet<(String, u16)> {
    g.nodes.iter().filter(|n| n.managed).flat_map(|n| n.internet.iter().map(|(p, _)| (n.id.clone(), *p))).collect()
}

fn api_access(g: &Graph) -> BTreeSet<String> {
    g.nodes.iter().filter(|n| n.managed && n.api_access).map(|n| n.id.clone()).collect()
}

fn meshed(s: &ResolvedStack) -> BTreeSet<String> {
    s.namespaces.iter().filter(|n| n.mesh).map(|n| n.name.clone()).collect()
}
