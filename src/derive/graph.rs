//! The network graph the stack declares: every workload, the platform pods
//! they talk to, and every in-cluster connection policy must allow, with the
//! reason for each. NetworkPolicies are derived from this graph and verified
//! against it.

use std::collections::BTreeMap;

use crate::check::{ResolvedStack, Workload};
use crate::diagnostic::Span;
use crate::model::Protocol;

/// Workloads and the connections between them.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Sorted by id.
    pub nodes: Vec<GraphNode>,
    /// Sorted, unique by (from, to, port, protocol).
    pub edges: Vec<Edge>,
}

/// Pods with one identity.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// `<namespace>/<Deployment or StatefulSet name>`.
    pub id: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
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
    /// Allowed internet egress ports.
    pub internet: Vec<u16>,
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
        }
    }
}

/// Ports Linkerd treats as opaque by default: meshed traffic to them goes to
/// the proxy's inbound port 4143 with a transport header.
pub const OPAQUE_PORTS: &[u16] = &[25, 587, 3306, 4444, 5432, 6379, 9300, 11211];
/// The Linkerd proxy's inbound port.
pub const PROXY_INBOUND_PORT: u16 = 4143;
/// Ports of the Linkerd control plane pods the proxy talks to.
pub const LINKERD_DESTINATION: (&str, &[u16]) = ("destination", &[8086, 8090]);
pub const LINKERD_IDENTITY: (&str, &[u16]) = ("identity", &[8080]);

/// Ids of the platform nodes.
pub fn traefik_id() -> String {
    "traefik/traefik".to_owned()
}

pub(super) fn graph(stack: &ResolvedStack) -> Graph {
    let mut nodes = Vec::new();
    let linkerd = stack.platform.linkerd.as_ref();
    for ns in &stack.namespaces {
        for w in &ns.workloads {
            nodes.push(GraphNode {
                id: id(w),
                namespace: ns.name.clone(),
                labels: w.pod_labels.clone(),
                meshed: ns.mesh,
                managed: true,
                hosts: w.exposes.iter().map(|e| e.host.clone()).collect(),
                ports: w
                    .ports
                    .iter()
                    .map(|p| (p.name.clone(), p.number, p.protocol))
                    .collect(),
                api_access: w.api_access,
                internet: w.internet.iter().map(|(p, _)| *p).collect(),
                span: w.span,
            });
        }
    }
    let dns = &stack.cluster.dns;
    let dns_id = format!("{}/coredns", dns.namespace.value);
    nodes.push(platform_node(
        &dns_id,
        &dns.namespace,
        dns.pods.clone(),
        false,
        dns.namespace.span,
    ));
    if let Some(l) = linkerd {
        for (component, _) in [LINKERD_DESTINATION, LINKERD_IDENTITY] {
            let labels = BTreeMap::from([(
                "linkerd.io/control-plane-component".to_owned(),
                component.to_owned(),
            )]);
            nodes.push(platform_node(
                &format!("linkerd/linkerd-{component}"),
                "linkerd",
                labels,
                false,
                l.span,
            ));
        }
    }
    if let Some(t) = &stack.platform.traefik {
        let labels = BTreeMap::from([("app.kubernetes.io/name".to_owned(), "traefik".to_owned())]);
        nodes.push(platform_node(
            &traefik_id(),
            "traefik",
            labels,
            linkerd.is_some(),
            t.span,
        ));
    }
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    let meshed: BTreeMap<&str, bool> = nodes.iter().map(|n| (n.id.as_str(), n.meshed)).collect();
    let is_meshed = |id: &str| meshed.get(id).copied().unwrap_or(false);
    let mut edges = Vec::new();
    for ns in &stack.namespaces {
        for w in &ns.workloads {
            let from = id(w);
            for c in &w.connects {
                let to = format!(
                    "{}/{}",
                    c.namespace,
                    object_name(stack, &c.namespace, &c.workload)
                );
                if is_meshed(&from) && is_meshed(&to) && OPAQUE_PORTS.contains(&c.port) {
                    edges.push(edge(
                        &from,
                        &to,
                        PROXY_INBOUND_PORT,
                        Protocol::Tcp,
                        EdgeReason::MeshProxy,
                        c.span,
                    ));
                }
                edges.push(edge(
                    &from,
                    &to,
                    c.port,
                    c.protocol,
                    EdgeReason::Declared,
                    c.span,
                ));
            }
            for e in &w.exposes {
                edges.push(edge(
                    &traefik_id(),
                    &from,
                    e.port,
                    Protocol::Tcp,
                    EdgeReason::Ingress,
                    e.span,
                ));
            }
            for protocol in [Protocol::Udp, Protocol::Tcp] {
                edges.push(edge(
                    &from,
                    &dns_id,
                    dns.port.value,
                    protocol,
                    EdgeReason::Dns,
                    w.span,
                ));
            }
            if ns.mesh {
                for (component, ports) in [LINKERD_DESTINATION, LINKERD_IDENTITY] {
                    for port in ports {
                        let to = format!("linkerd/linkerd-{component}");
                        edges.push(edge(
                            &from,
                            &to,
                            *port,
                            Protocol::Tcp,
                            EdgeReason::MeshControl,
                            ns.span,
                        ));
                    }
                }
            }
        }
    }
    edges.sort_by(|a, b| {
        (&a.from, &a.to, a.port, a.protocol, a.reason)
            .cmp(&(&b.from, &b.to, b.port, b.protocol, b.reason))
    });
    edges.dedup_by(|a, b| {
        (&a.from, &a.to, a.port, a.protocol) == (&b.from, &b.to, b.port, b.protocol)
    });
    Graph { nodes, edges }
}

fn platform_node(
    id: &str,
    namespace: &str,
    labels: BTreeMap<String, String>,
    meshed: bool,
    span: Span,
) -> GraphNode {
    GraphNode {
        id: id.to_owned(),
        namespace: namespace.to_owned(),
        labels,
        meshed,
        managed: false,
        hosts: Vec::new(),
        ports: Vec::new(),
        api_access: false,
        internet: Vec::new(),
        span,
    }
}

fn edge(
    from: &str,
    to: &str,
    port: u16,
    protocol: Protocol,
    reason: EdgeReason,
    span: Span,
) -> Edge {
    Edge {
        from: from.to_owned(),
        to: to.to_owned(),
        port,
        protocol,
        reason,
        span,
    }
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
