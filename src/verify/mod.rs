//! Stage 5, `verify`: proof that the derived NetworkPolicies allow exactly
//! the declared graph. An evaluator of Kubernetes NetworkPolicy semantics
//! ([`netpol`]) computes who can reach whom over the workloads and policies
//! stackc emits; every pair with a managed end must allow exactly the ports
//! of the graph's edges, and the sample external addresses exactly the API
//! server and internet egress the stack declares. `build` refuses a tree
//! that fails this: it would be a compiler bug.
//!
//! The proof ([`prove`]) walks the pairs a source at a time and keeps none:
//! `ends` numbers the endpoints by id, `declared` answers what the stack
//! declares for a source, and `compare` evaluates each source's row with a
//! [`netpol::Evaluator`], compares it and drops it, on the available
//! threads, diagnostics in pair order. Beside it, [`policies`] checks every
//! object against the generated Kyverno policies ([`kyverno`]).

mod compare;
mod declared;
mod ends;
pub mod kyverno;
pub mod netpol;
mod policies;

pub use policies::{Checker, Expected, PolicyReport, policies};

use std::net::IpAddr;

use serde_json::Value;

use crate::check::ResolvedStack;
use crate::derive::{Derived, Graph};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use crate::model;
use crate::parallel;
use compare::Rows;
use declared::{ApiCallers, Declared, excluded_ranges, first_ip};
use ends::{Duplicate, Ends};
use netpol::{Cluster, Protocol};

/// Fewer objects than this per thread are not worth a thread.
const OBJECTS_PER_THREAD: usize = 2048;

/// What was proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub workloads: usize,
    pub pairs: usize,
    pub edges: usize,
    pub externals: usize,
}

/// The evaluator's model of the cluster stackc emits.
///
/// # Errors
/// A NetworkPolicy the evaluator cannot parse (a compiler bug).
pub fn cluster(stack: &ResolvedStack, derived: &Derived) -> Result<Cluster, netpol::NetpolError> {
    let mut objects: Vec<&Value> = Vec::new();
    for object in derived.components.iter().flat_map(|c| &c.objects).filter(|o| netpol::is_policy(o.kind)) {
        objects.push(object.tree().ok_or_else(|| netpol::NetpolError::NotNetworkPolicy {
            path: format!("{}/{}", object.namespace.as_deref().unwrap_or_default(), object.name),
            value: "rendered, its tree is gone".to_owned(),
        })?);
    }
    // Parsed in parts on the available threads, concatenated in order.
    let parts = parallel::in_order(objects.len(), OBJECTS_PER_THREAD, |part| {
        netpol::parse_policies(objects[part].iter().copied())
    });
    let mut policies = Vec::with_capacity(parts.iter().flatten().map(Vec::len).sum());
    for part in parts {
        policies.extend(part?);
    }
    Ok(cluster_of(stack, &derived.graph, policies))
}

/// The evaluator's model of a cluster: the graph's workloads as pods,
/// `policies` (parsed from the NetworkPolicies, in any order), and on
/// Cilium the [`identities`] of its nodes.
#[must_use]
pub fn cluster_of(stack: &ResolvedStack, graph: &Graph, policies: Vec<netpol::Policy>) -> Cluster {
    let pods = graph
        .nodes
        .iter()
        .map(|n| netpol::Pod {
            id: n.id.clone(),
            namespace: n.namespace.clone(),
            labels: if n.other_labels.is_empty() {
                n.labels.clone()
            } else {
                n.labels.iter().chain(&n.other_labels).collect()
            },
            named_ports: n.ports.iter().map(|(name, port, proto)| (name.clone(), (*port, protocol(*proto)))).collect(),
        })
        .collect();
    Cluster { namespaces: Vec::new(), pods, policies, identities: identities(stack) }
}

/// On Cilium (`cni "cilium"`), what Cilium knows the addresses the API
/// server's calls come from as: the API server `kube-apiserver`, `host`
/// and `remote-node` (it runs in the host network of a node); the other
/// callers ([`webhook_sources`](crate::derive::webhook_sources):
/// node addresses, the `.0`/`.1` host addresses of each node subnet) `host`
/// and `remote-node`. The proof does not place pods on nodes, so a node is
/// both the local and a remote one. Nothing for the portable dialect.
#[must_use]
pub fn identities(stack: &ResolvedStack) -> netpol::Identities {
    use netpol::Entity::{Host, KubeApiserver, RemoteNode};
    if stack.cluster.cni.value != model::Cni::Cilium {
        return netpol::Identities::default();
    }
    let blocks = crate::derive::webhook_sources(stack)
        .iter()
        .enumerate()
        .filter_map(|(i, block)| {
            let entities: Box<[netpol::Entity]> =
                if i == 0 { Box::new([Host, KubeApiserver, RemoteNode]) } else { Box::new([Host, RemoteNode]) };
            netpol::Cidr::parse(block).ok().map(|c| (c, entities))
        })
        .collect();
    netpol::Identities::new(blocks)
}

/// Sample addresses outside the cluster: the API server and the other
/// addresses its webhook calls come from (node addresses, node subnets'
/// overlay addresses, and a pod address beside them), two public
/// addresses, and one address of every range internet egress excludes.
#[must_use]
pub fn external_probes(stack: &ResolvedStack) -> Vec<IpAddr> {
    let mut probes: Vec<IpAddr> = vec![[1, 1, 1, 1].into(), [203, 0, 113, 7].into()];
    let api = stack.cluster.api_server.as_ref().and_then(|a| first_ip(&a.address));
    probes.extend(api);
    probes.extend(ApiCallers::new(stack).probes());
    for block in excluded_ranges(stack) {
        probes.extend(first_ip(&block));
    }
    probes.sort();
    probes.dedup();
    probes
}

/// What `ip` is to the proof when the API server's calls may come from it:
/// the API server itself, a declared node address, or a node subnet's
/// overlay address (`docs/network-policy.md`, "Admission webhooks").
#[must_use]
pub fn api_address(stack: &ResolvedStack, ip: IpAddr) -> Option<&'static str> {
    let callers = ApiCallers::new(stack);
    if stack.cluster.api_server.is_none() {
        None
    } else if stack.cluster.api_server.as_ref().and_then(|a| first_ip(&a.address)) == Some(ip) {
        Some("the API server (`api-server`)")
    } else if callers.overlay_contains(ip) && stack.cluster.cni.value == model::Cni::Cilium {
        Some(
            "a node subnet's `.0` or `.1` address, which the proof takes for a node's own address on Cilium (`networks node-mask`)",
        )
    } else if callers.overlay_contains(ip) {
        Some(
            "a node subnet's `.0` (overlay) or `.1` (bridge) address, where the API server's calls to pods come from (`networks node-mask`)",
        )
    } else if callers.contains(ip) {
        Some("a node address the API server's calls may come from (`networks { node-address }`)")
    } else {
        None
    }
}

/// Prove the policies of `derived` allow exactly its graph: [`cluster`],
/// then [`prove`].
///
/// # Errors
/// A NetworkPolicy the evaluator cannot parse, or one diagnostic per pair
/// whose allowed ports differ from the declared ones.
pub fn verify(stack: &ResolvedStack, derived: &Derived) -> Result<Proof, Diagnostics> {
    match cluster(stack, derived) {
        Ok(cluster) => prove(stack, &derived.graph, &cluster),
        Err(e) => Err(unreadable(&e)),
    }
}

/// The diagnostic for a NetworkPolicy the evaluator cannot read.
#[must_use]
pub fn unreadable(e: &netpol::NetpolError) -> Diagnostics {
    internal(format!("stackc wrote a network policy it cannot evaluate: {e}"))
}

/// Prove the policies of `cluster` allow exactly `graph`, for a caller
/// that built the cluster itself (parsing the NetworkPolicies a part at a
/// time with [`netpol::parse_policies`], say, and dropping the objects).
///
/// The endpoints are the cluster's pods and the graph's nodes, matched by
/// id, and the sample addresses of [`external_probes`]. Every pair with a
/// managed end must allow exactly the declared ports: a graph node without
/// a pod allows nothing, and a pod without a graph node declares nothing
/// and is not managed. Reachability is evaluated and compared one source
/// at a time, so memory stays at one row of pairs per thread.
///
/// # Errors
/// One diagnostic per pair whose allowed ports differ from the declared
/// ones, in the order of `(from, to)`: ends by id, then addresses. An id
/// that two pods, or two graph nodes, carry is an error too.
pub fn prove(stack: &ResolvedStack, graph: &Graph, cluster: &Cluster) -> Result<Proof, Diagnostics> {
    let ends = Ends::new(graph, cluster).map_err(|Duplicate(id)| {
        internal(format!("the network proof needs one pod and one graph node per id, but `{id}` names two"))
    })?;
    let probes = external_probes(stack);
    let declared = Declared::new(stack, graph, &ends);
    let evaluator = cluster.evaluator();
    let rows = Rows { ends: &ends, declared: &declared, evaluator: &evaluator, probes: &probes };
    let mismatches = rows.mismatches();
    if !mismatches.is_empty() {
        let mut d = Diagnostics::default();
        for m in mismatches {
            d.push(m);
        }
        return Err(d);
    }
    let endpoints = ends.list.len() + probes.len();
    let unmanaged = endpoints - ends.list.iter().filter(|e| e.managed()).count();
    let pairs = endpoints * endpoints - unmanaged * unmanaged;
    Ok(Proof { workloads: cluster.pods.len(), pairs, edges: graph.edges.len(), externals: probes.len() })
}

/// What the proof does not cover: connections between two pods that no
/// NetworkPolicy of stackc selects. `open` are the namespaces stackc writes
/// without policies (each an `open-namespace` warning of the build),
/// `outside` the namespaces of the graph stackc does not write (DNS, say),
/// both sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uncovered {
    pub open: Vec<String>,
    pub outside: Vec<String>,
}

/// The namespaces the proof of `derived` does not cover ([`Uncovered`]).
#[must_use]
pub fn uncovered(derived: &Derived) -> Uncovered {
    let open: Vec<String> =
        crate::derive::open_namespaces(&derived.components).into_iter().map(|(name, _)| name).collect();
    let written: std::collections::BTreeSet<&str> = derived
        .components
        .iter()
        .flat_map(|c| &c.objects)
        .filter(|o| o.kind == "Namespace")
        .map(|o| o.name.as_str())
        .collect();
    let outside: std::collections::BTreeSet<String> = derived
        .graph
        .nodes
        .iter()
        .filter(|n| !n.managed && !written.contains(n.namespace.as_str()))
        .map(|n| n.namespace.clone())
        .collect();
    Uncovered { open, outside: outside.into_iter().collect() }
}

/// A compiler bug found by the proof, with no better place to point at.
fn internal(message: String) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.push(Diagnostic::error(Code::Internal, Span::default(), message));
    d
}

fn protocol(p: model::Protocol) -> Protocol {
    match p {
        model::Protocol::Tcp => Protocol::Tcp,
        model::Protocol::Udp => Protocol::Udp,
    }
}
