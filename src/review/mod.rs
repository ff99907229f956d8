//! Semantic review of a change: what two versions of a stack mean for the
//! cluster — connections opened or closed (policy relaxed or tightened),
//! exposed hosts, internet and API-server egress, workloads added, removed
//! or changed, mesh membership. For pull-request comments, as markdown or
//! JSON.

mod render;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::check::{ResolvedStack, WorkloadKind};
use crate::derive::Graph;
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
    /// `(workload, what, old, new)`.
    pub workloads_changed: Vec<(String, String, String, String)>,
    pub meshed: Vec<String>,
    pub unmeshed: Vec<String>,
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
        *self == Review::default()
    }
}

/// Compare two analyzed stacks.
#[must_use]
pub fn review(old: (&ResolvedStack, &Graph), new: (&ResolvedStack, &Graph)) -> Review {
    let (old_edges, new_edges) = (connections(old.1), connections(new.1));
    let (old_hosts, new_hosts) = (hosts(old.1), hosts(new.1));
    let (old_net, new_net) = (internet(old.1), internet(new.1));
    let (old_api, new_api) = (api_access(old.1), api_access(new.1));
    let (old_w, new_w) = (workloads(old.0), workloads(new.0));
    let (old_mesh, new_mesh) = (meshed(old.0), meshed(new.0));
    let mut changed = Vec::new();
    for (id, new_facts) in &new_w {
        if let Some(old_facts) = old_w.get(id) {
            for (what, new_value) in new_facts {
                let old_value = old_facts.get(what).cloned().unwrap_or_default();
                if &old_value != new_value {
                    changed.push((id.clone(), what.clone(), old_value, new_value.clone()));
                }
            }
        }
    }
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
        workloads_changed: changed,
        meshed: minus(&new_mesh, &old_mesh),
        unmeshed: minus(&old_mesh, &new_mesh),
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

/// The reviewable facts of each workload: image, replicas, chart version.
fn workloads(s: &ResolvedStack) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for ns in &s.namespaces {
        for w in &ns.workloads {
            let mut facts = BTreeMap::new();
            match &w.kind {
                WorkloadKind::Image(app) => {
                    if let crate::model::AppSource::Image(image) = &app.source {
                        facts.insert("image".to_owned(), image.value.clone());
                    }
                    facts.insert("replicas".to_owned(), app.replicas.value.to_string());
                }
                WorkloadKind::Database(db) => {
                    facts.insert("image".to_owned(), db.image.clone());
                    facts.insert("size".to_owned(), db.decl.size.value.clone());
                }
                WorkloadKind::Release { release } => {
                    if let Some(r) = ns.releases.iter().find(|r| &r.name.value == release) {
                        facts.insert("chart".to_owned(), format!("{} {}", r.chart.value, r.version.value));
                    }
                }
            }
            out.insert(format!("{}/{}", ns.name, w.name), facts);
        }
    }
    out
}
