//! The network graph the stack declares: every workload, the platform pods
//! they talk to, and every in-cluster connection policy must allow, with the
//! reason for each. NetworkPolicies and Linkerd policy are derived from this
//! graph, and `verify` proves the policies allow exactly it.

mod index;

use std::collections::BTreeMap;

use index::{Index, edge_from, edge_to, node_id, node_namespace, run};

use super::platform_pods::{chart_nodes, mesh_control};
use crate::check::{ResolvedStack, Workload};
use crate::diagnostic::Span;
use crate::labels::LabelMap;
use crate::model::Protocol;

/// Workloads and the connections between them.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Sorted by id.
    pub nodes: Vec<GraphNode>,
    /// Sorted, unique by (from, to, port, protocol).
    pub edges: Vec<Edge>,
    index: Index,
}

impl Graph {
    /// A graph of `nodes` (sorted by id) and `edges` (sorted), indexed.
    #[must_use]
    pub fn new(nodes: Vec<GraphNode>, edges: Vec<Edge>) -> Self {
        let index = Index::new(&nodes, &edges);
        Self { nodes, edges, index }
    }

    /// The node with this id (the last, if two carry it).
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&GraphNode> {
        run(&self.index.node, &self.nodes, node_id, id).last().map(|&i| &self.nodes[i as usize])
    }

    /// Edges leaving `id`, in edge order.
    pub fn edges_from<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        run(&self.index.from, &self.edges, edge_from, id).iter().map(|&i| &self.edges[i as usize])
    }

    /// Edges arriving at `id`, in edge order.
    pub fn edges_to<'a>(&'a self, id: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        run(&self.index.to, &self.edges, edge_to, id).iter().map(|&i| &self.edges[i as usize])
    }

    /// Nodes of a namespace, in id order.
    pub fn nodes_in<'a>(&'a self, namespace: &str) -> impl Iterator<Item = &'a GraphNode> + 'a {
        run(&self.index.namespace, &self.nodes, node_namespace, namespace).iter().map(|&i| &self.nodes[i as usize])
    }
}

/// Pods with one identity.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// `<namespace>/<Deployment or StatefulSet name>`.
    pub id: String,
    /// The name policies are named after: the app's name in the stack, or
    /// the platform workload's name.
    pub name: String,
    pub namespace: String,
    /// Labels that select exactly these pods: policies select with them.
    pub labels: LabelMap,
    /// The pods' other labels (a chart's version labels, say): empty for
    /// declared workloads, whose pods carry exactly `labels`.
    pub other_labels: LabelMap,
    /// Pods get the Linkerd proxy.
    pub meshed: bool,
    /// In a namespace whose NetworkPolicies stackc writes.
    pub managed: bool,
    /// Hosts exposed through the ingress controller.
    pub hosts: Vec<String>,
    /// Named container ports (name, number, protocol).
    pub ports: Vec<(String, u16, Protocol)>,
    /// Allowed egress to the API server.
    pub api_access: bool,
    /// Allowed internet egress.
    pub internet: Vec<(u16, Protocol)>,
    /// Ports open to any address (the ingress controller's entry points).
    pub world_ingress: Vec<(u16, Protocol)>,
    /// Ports the API server calls (admission webhooks).
    pub api_ingress: Vec<u16>,
    /// The pods' ServiceAccount, their mesh identity, when known.
    pub service_account: Option<String>,
    pub span: Span,
}

/// One allowed connection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
    pub reason: EdgeReason,
    pub span: Span,
}

/// Why a connection is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeReason {
    /// `connects-to` in the stack.
    Declared,
    /// The ingress controller forwards an exposed host.
    Ingress,
    /// Cluster DNS, needed by every pod.
    Dns,
    /// The Linkerd proxy's control plane: destination, policy, identity.
    MeshControl,
    /// Linkerd's inbound proxy port for opaque (non-HTTP) meshed traffic.
    MeshProxy,
    /// Prometheus scrapes an app's `metrics`.
    Metrics,
}

impl EdgeReason {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeReason::Declared => "declared",
            EdgeReason::Ingress => "ingress",
            EdgeReason::Dns => "dns",
            EdgeReason::MeshControl => "mesh-control",
            EdgeReason::MeshProxy => "mesh-proxy",
            EdgeReason::Metrics => "metrics",
        }
    }
}

/// Ports Linkerd treats as opaque by default: meshed traffic to them goes to
/// the proxy's inbound port 4143 with a transport header.
pub const OPAQUE_PORTS: &[u16] = &[25, 587, 3306, 4444, 5432, 6379, 9300, 11211];
/// The Linkerd proxy's inbound port.
pub const PROXY_INBOUND_PORT: u16 = 4143;

/// The graph id of the ingress controller.
#[must_use]
pub fn traefik_id() -> String {
    "traefik/traefik".to_owned()
}

pub(super) fn graph(stack: &ResolvedStack) -> Graph {
    let mut nodes = workload_nodes(stack);
    nodes.extend(platform_nodes(stack));
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let edges = edges(stack, &nodes);
    Graph::new(nodes, edges)
}

fn workload_nodes(stack: &ResolvedStack) -> Vec<GraphNode> {
    let mut nodes = Vec::new();
    for ns in &stack.namespaces {
        for w in &ns.workloads {
            nodes.push(GraphNode {
                id: id(w),
                name: w.name.clone(),
                namespace: ns.name.clone(),
                labels: w.pod_labels.iter().collect(),
                other_labels: LabelMap::new(),
                meshed: ns.mesh,
                managed: true,
                hosts: w.exposes.iter().map(|e| e.host.clone()).collect(),
                ports: w.ports.iter().map(|p| (p.name.clone(), p.number, p.protocol)).collect(),
                api_access: w.api_access,
                internet: w.internet.iter().map(|(p, _)| (*p, Protocol::Tcp)).collect(),
                world_ingress: Vec::new(),
                api_ingress: Vec::new(),
                service_account: w.service_account.clone(),
                span: w.span,
            });
        }
    }
    nodes
}

/// DNS, Prometheus, and the pods of platform charts (the Linkerd control
/// plane's among them).
fn platform_nodes(stack: &ResolvedStack) -> Vec<GraphNode> {
    let mut nodes = Vec::new();
    let dns = &stack.cluster.dns;
    let mut dns_node = node(&dns_id(stack), "coredns", &dns.namespace, dns.pods.iter().collect(), dns.namespace.span);
    dns_node.ports =
        vec![("dns".into(), dns.port.value, Protocol::Udp), ("dns-tcp".into(), dns.port.value, Protocol::Tcp)];
    nodes.push(dns_node);
    if let Some(p) = &stack.platform.prometheus {
        let mut n = node(
            &prometheus_id(stack).unwrap_or_default(),
            "prometheus",
            &p.namespace,
            p.pods.iter().collect(),
            p.span,
        );
        n.service_account = Some(p.service_account.value.clone());
        nodes.push(n);
    }
    nodes.extend(chart_nodes(stack));
    nodes
}

fn edges(stack: &ResolvedStack, nodes: &[GraphNode]) -> Vec<Edge> {
    let by_id: BTreeMap<&str, &GraphNode> = nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let is_meshed = |id: &str| by_id.get(id).is_some_and(|n| n.meshed);
    let mut edges = Vec::new();
    for ns in &stack.namespaces {
        for w in &ns.workloads {
            let from = id(w);
            for c in &w.connects {
                let to = format!("{}/{}", c.namespace, object_name(stack, &c.namespace, &c.workload));
                if is_meshed(&from) && is_meshed(&to) && OPAQUE_PORTS.contains(&c.port) {
                    edges.push(edge(&from, &to, PROXY_INBOUND_PORT, Protocol::Tcp, EdgeReason::MeshProxy, c.span));
                }
                edges.push(edge(&from, &to, c.port, c.protocol, EdgeReason::Declared, c.span));
            }
            for e in &w.exposes {
                edges.push(edge(&traefik_id(), &from, e.port, Protocol::Tcp, EdgeReason::Ingress, e.span));
            }
            for e in &w.expose_ports {
                edges.push(edge(&traefik_id(), &from, e.port, e.protocol, EdgeReason::Ingress, e.span));
            }
            if let (Some(m), Some(prometheus)) = (&w.metrics, prometheus_id(stack)) {
                edges.push(edge(&prometheus, &from, m.port, Protocol::Tcp, EdgeReason::Metrics, m.span));
            }
        }
    }
    let dns = dns_id(stack);
    let dns_port = stack.cluster.dns.port.value;
    for n in nodes.iter().filter(|n| n.managed) {
        for protocol in [Protocol::Udp, Protocol::Tcp] {
            edges.push(edge(&n.id, &dns, dns_port, protocol, EdgeReason::Dns, n.span));
        }
        if n.meshed {
            // The control plane's own proxies too, but not to their own pod (localhost).
            for (to, ports) in mesh_control(stack).filter(|(to, _)| *to != n.id) {
                for port in ports {
                    edges.push(edge(&n.id, &to, *port, Protocol::Tcp, EdgeReason::MeshControl, n.span));
                }
            }
        }
    }
    edges.sort_by(|a, b| {
        (&a.from, &a.to, a.port, a.protocol, a.reason).cmp(&(&b.from, &b.to, b.port, b.protocol, b.reason))
    });
    edges.dedup_by(|a, b| (&a.from, &a.to, a.port, a.protocol) == (&b.from, &b.to, b.port, b.protocol));
    edges
}

/// The graph id of the platform's Prometheus, if the stack names one.
#[must_use]
pub fn prometheus_id(stack: &ResolvedStack) -> Option<String> {
    stack.platform.prometheus.as_ref().map(|p| format!("{}/prometheus", p.namespace.value))
}

fn dns_id(stack: &ResolvedStack) -> String {
    format!("{}/coredns", stack.cluster.dns.namespace.value)
}

pub(super) fn node(id: &str, name: &str, namespace: &str, labels: LabelMap, span: Span) -> GraphNode {
    GraphNode {
        id: id.to_owned(),
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        labels,
        other_labels: LabelMap::new(),
        meshed: false,
        managed: false,
        hosts: Vec::new(),
        ports: Vec::new(),
        api_access: false,
        internet: Vec::new(),
        world_ingress: Vec::new(),
        api_ingress: Vec::new(),
        service_account: None,
        span,
    }
}

fn edge(from: &str, to: &str, port: u16, protocol: Protocol, reason: EdgeReason, span: Span) -> Edge {
    Edge { from: from.to_owned(), to: to.to_owned(), port, protocol, reason, span }
}

/// The graph id of a workload.
#[must_use]
pub fn id(w: &Workload) -> String {
    format!("{}/{}", w.namespace, w.object_name)
}

fn object_name(stack: &ResolvedStack, namespace: &str, workload: &str) -> String {
    stack
        .namespaces
        .iter()
        .find(|n| n.name == namespace)
        .and_then(|n| n.workloads.iter().find(|w| w.name == workload))
        .map_or_else(|| workload.to_owned(), |w| w.object_name.clone())
}
