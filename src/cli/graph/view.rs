//! The one node and edge set every rendering of `stackc graph` prints: the
//! declared graph's pods and edges (DNS and mesh control included) and what
//! lies outside the cluster, as the NetworkPolicies allow it — the internet
//! (egress), the API server (egress and webhook calls), the world (the
//! ingress controller's entry points) and each exposed host.

use std::collections::{BTreeMap, BTreeSet};

use crate::derive::{Graph, traefik_id};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Pods of a workload.
    Pods { meshed: bool },
    /// Addresses outside the cluster and its private ranges.
    Internet,
    /// The Kubernetes API server.
    ApiServer,
    /// Any address: clients of the ingress controller's entry points.
    World,
    /// A host name exposed through the ingress controller.
    Host,
}

impl Kind {
    /// The `kind` of an external node in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pods { .. } => "pods",
            Kind::Internet => "internet",
            Kind::ApiServer => "api-server",
            Kind::World => "world",
            Kind::Host => "host",
        }
    }
}

/// One node: `namespace/workload`, `internet`, `api-server`, `world` or
/// `host:<name>`.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    /// The namespace of pods; `None` outside the cluster.
    pub namespace: Option<String>,
    /// What a picture shows: the workload name, or the external id.
    pub label: String,
    pub kind: Kind,
}

/// One allowed flow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: &'static str,
    pub reason: &'static str,
}

/// The graph every format renders.
#[derive(Debug, Clone)]
pub struct View {
    /// Pods first (by id), then external nodes (by id).
    pub nodes: Vec<Node>,
    /// Sorted, unique.
    pub edges: Vec<Edge>,
}

/// Build the view of `graph`; `api_port` is the declared API server's port
/// (no API server edges without one, as the policies have no address).
#[must_use]
pub fn view(graph: &Graph, api_port: Option<u16>) -> View {
    let mut nodes: Vec<Node> = graph
        .nodes
        .iter()
        .map(|n| Node {
            id: n.id.clone(),
            namespace: Some(n.namespace.clone()),
            label: n.id.rsplit('/').next().unwrap_or(&n.id).to_owned(),
            kind: Kind::Pods { meshed: n.meshed },
        })
        .collect();
    let mut edges: BTreeSet<Edge> = graph
        .edges
        .iter()
        .map(|e| Edge {
            from: e.from.clone(),
            to: e.to.clone(),
            port: e.port,
            protocol: e.protocol.as_str(),
            reason: e.reason.as_str(),
        })
        .collect();
    let mut external: BTreeMap<String, Kind> = BTreeMap::new();
    let add = |edges: &mut BTreeSet<Edge>, (from, to): (&str, &str), port, protocol, reason| {
        edges.insert(Edge { from: from.to_owned(), to: to.to_owned(), port, protocol, reason });
    };
    for n in &graph.nodes {
        for (port, protocol) in &n.internet {
            external.insert("internet".to_owned(), Kind::Internet);
            add(&mut edges, (&n.id, "internet"), *port, protocol.as_str(), "internet");
        }
        if let Some(api) = api_port {
            if n.api_access {
                external.insert("api-server".to_owned(), Kind::ApiServer);
                add(&mut edges, (&n.id, "api-server"), api, "TCP", "api-access");
            }
            for port in &n.api_ingress {
                external.insert("api-server".to_owned(), Kind::ApiServer);
                add(&mut edges, ("api-server", &n.id), *port, "TCP", "api-ingress");
            }
        }
        for (port, protocol) in &n.world_ingress {
            external.insert("world".to_owned(), Kind::World);
            add(&mut edges, ("world", &n.id), *port, protocol.as_str(), "world-ingress");
        }
        for host in &n.hosts {
            let id = format!("host:{host}");
            add(&mut edges, (&id, &traefik_id()), 443, "TCP", "host");
            external.insert(id, Kind::Host);
        }
    }
    for (id, kind) in external {
        let label = id.strip_prefix("host:").unwrap_or(&id).to_owned();
        nodes.push(Node { id, namespace: None, label, kind });
    }
    View { nodes, edges: edges.into_iter().collect() }
}

impl View {
    /// Edges grouped by `(from, to)`, each with its `port[/protocol]`
    /// labels (TCP unsaid) and whether it runs between two meshed
    /// workloads (mTLS).
    #[must_use]
    pub fn grouped(&self) -> BTreeMap<(&str, &str), (Vec<String>, bool)> {
        let meshed: BTreeSet<&str> =
            self.nodes.iter().filter(|n| n.kind == Kind::Pods { meshed: true }).map(|n| n.id.as_str()).collect();
        let mut out: BTreeMap<(&str, &str), (Vec<String>, bool)> = BTreeMap::new();
        for e in &self.edges {
            let mtls = meshed.contains(e.from.as_str()) && meshed.contains(e.to.as_str());
            let entry = out.entry((e.from.as_str(), e.to.as_str())).or_insert_with(|| (Vec::new(), mtls));
            let label = if e.protocol == "TCP" { e.port.to_string() } else { format!("{}/{}", e.port, e.protocol) };
            if !entry.0.contains(&label) {
                entry.0.push(label);
            }
        }
        out
    }
}
