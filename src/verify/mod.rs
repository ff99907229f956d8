//! Stage 5, `verify`: proof that the derived NetworkPolicies allow exactly
//! the declared graph. An evaluator of Kubernetes NetworkPolicy semantics
//! ([`netpol`]) computes who can reach whom over the workloads and policies
//! stackc emits; every pair with a managed end must allow exactly the ports
//! of the graph's edges, and the sample external addresses exactly the API
//! server and internet egress the stack declares. `build` refuses a tree
//! that fails this: it would be a compiler bug.

pub mod kyverno;
pub mod netpol;
mod policies;

pub use policies::{Checker, Expected, PolicyReport, policies};

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use crate::check::ResolvedStack;
use crate::check::names::cidr;
use crate::derive::{Derived, Graph, GraphNode, NOT_INTERNET};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use crate::model;
use netpol::{Allowed, Cluster, PortSet, Protocol};

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
pub fn cluster(derived: &Derived) -> Result<Cluster, netpol::NetpolError> {
    let mut policies = Vec::new();
    for object in derived.components.iter().flat_map(|c| &c.objects).filter(|o| o.kind == "NetworkPolicy") {
        let tree = object.tree().ok_or_else(|| netpol::NetpolError::NotNetworkPolicy {
            path: format!("{}/{}", object.namespace.as_deref().unwrap_or_default(), object.name),
            value: "only its file is left".to_owned(),
        })?;
        policies.push(netpol::parse_policy(tree)?);
    }
    Ok(cluster_of(&derived.graph, policies))
}

/// The evaluator's model of a cluster: the graph's workloads as pods, and
/// `policies` (parsed from the NetworkPolicies, in any order).
#[must_use]
pub fn cluster_of(graph: &Graph, policies: Vec<netpol::Policy>) -> Cluster {
    let pods = graph
        .nodes
        .iter()
        .map(|n| netpol::Pod {
            id: n.id.clone(),
            namespace: n.namespace.clone(),
            labels: n.labels.clone(),
            named_ports: n.ports.iter().map(|(name, port, proto)| (name.clone(), (*port, protocol(*proto)))).collect(),
        })
        .collect();
    Cluster { namespaces: Vec::new(), pods, policies }
}

/// Sample addresses outside the cluster: the API server, a public address,
/// and one address of every range internet egress excludes.
#[must_use]
pub fn external_probes(stack: &ResolvedStack) -> Vec<IpAddr> {
    let mut probes: Vec<IpAddr> = vec![[1, 1, 1, 1].into(), [203, 0, 113, 7].into()];
    let api = stack.cluster.api_server.as_ref().and_then(|a| first_ip(&a.address));
    probes.extend(api);
    for block in excluded_ranges(stack) {
        probes.extend(first_ip(&block));
    }
    probes.sort();
    probes.dedup();
    probes
}

/// Prove the policies of `derived` allow exactly its graph.
///
/// # Errors
/// One diagnostic per pair whose allowed ports differ from the declared ones.
pub fn verify(stack: &ResolvedStack, derived: &Derived) -> Result<Proof, Diagnostics> {
    match cluster(derived) {
        Ok(cluster) => prove(stack, &derived.graph, &cluster),
        Err(e) => Err(unreadable(&e)),
    }
}

/// The diagnostic for a NetworkPolicy the evaluator cannot read.
#[must_use]
pub fn unreadable(e: &netpol::NetpolError) -> Diagnostics {
    let mut d = Diagnostics::default();
    d.push(Diagnostic::error(
        Code::Internal,
        Span::default(),
        format!("stackc wrote a NetworkPolicy it cannot evaluate: {e}"),
    ));
    d
}

/// Prove `cluster` (the graph's pods and the derived policies, see
/// [`cluster_of`]) allows exactly `graph`.
///
/// # Errors
/// One diagnostic per pair whose allowed ports differ from the declared ones.
pub fn prove(stack: &ResolvedStack, graph: &Graph, cluster: &Cluster) -> Result<Proof, Diagnostics> {
    let mut d = Diagnostics::default();
    let expected = expected(graph);
    // Looked up, never iterated: the order of the proof comes from `keys`.
    let nodes: HashMap<&str, &GraphNode> = graph.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let probes = external_probes(stack);
    let outside = Outside::new(stack);
    let end = |e: netpol::Endpoint| match e {
        netpol::Endpoint::Pod(i) => End::Pod(cluster.pods[i].id.as_str()),
        netpol::Endpoint::External(ip) => End::Ip(ip),
    };
    let actual: BTreeMap<(End, End), Allowed> =
        cluster.reachability(&probes).into_iter().map(|r| ((end(r.from), end(r.to)), r.allowed)).collect();
    let managed = |e: End| matches!(e, End::Pod(id) if nodes.get(id).is_some_and(|n| n.managed));
    // Only pairs that some side allows can differ: the ones reachability
    // reports, the declared edges, and managed pods with external addresses.
    // Every other pair is denied by both, so the proof covers all pairs
    // without visiting them one by one.
    let mut keys: BTreeSet<(End, End)> = actual.keys().copied().collect();
    keys.extend(expected.keys().copied());
    for node in graph.nodes.iter().filter(|n| n.managed) {
        for probe in &probes {
            keys.insert((End::Pod(&node.id), End::Ip(*probe)));
            keys.insert((End::Ip(*probe), End::Pod(&node.id)));
        }
    }
    let none = Allowed::none();
    for &(from, to) in keys.iter().filter(|(f, t)| managed(*f) || managed(*t)) {
        let want = expected_between(stack, &outside, &expected, &nodes, from, to);
        let got = actual.get(&(from, to)).unwrap_or(&none);
        if want != *got {
            let node = |e: End| match e {
                End::Pod(id) => nodes.get(id).copied(),
                End::Ip(_) => None,
            };
            let span = node(from).filter(|n| n.managed).or_else(|| node(to)).map_or(Span::default(), |n| n.span);
            d.push(
                Diagnostic::error(
                    Code::Internal,
                    span,
                    format!(
                        "the derived NetworkPolicies allow {from} → {to}: {}, but the stack declares: {}",
                        show(got),
                        show(&want)
                    ),
                )
                .label("for this workload")
                .help("this is a bug in stackc; please report it with this stack"),
            );
        }
    }
    let endpoints = cluster.pods.len() + probes.len();
    let unmanaged = endpoints - graph.nodes.iter().filter(|n| n.managed).count();
    let pairs = endpoints * endpoints - unmanaged * unmanaged;
    if d.has_errors() {
        return Err(d);
    }
    Ok(Proof { workloads: cluster.pods.len(), pairs, edges: graph.edges.len(), externals: probes.len() })
}

fn show(a: &Allowed) -> String {
    if a.is_empty() { "nothing".to_owned() } else { a.to_string() }
}

/// One end of a connection in the proof: a pod by graph id, or an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End<'a> {
    Pod(&'a str),
    Ip(IpAddr),
}

impl std::fmt::Display for End<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Pod(id) => f.write_str(id),
            End::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// The graph's edges as allowed port sets per pair.
fn expected(graph: &Graph) -> BTreeMap<(End<'_>, End<'_>), Allowed> {
    let mut out: BTreeMap<(End, End), Allowed> = BTreeMap::new();
    for e in &graph.edges {
        let entry = out.entry((End::Pod(&e.from), End::Pod(&e.to))).or_insert_with(Allowed::none);
        entry.union_with(&Allowed::only(protocol(e.protocol), PortSet::single(e.port)));
    }
    out
}

/// The cluster's addresses, parsed once for the whole proof.
struct Outside {
    api_ip: Option<IpAddr>,
    /// `(network, mask)` of every IPv4 range internet egress excludes.
    excluded: Vec<(u32, u32)>,
}

impl Outside {
    fn new(stack: &ResolvedStack) -> Self {
        let excluded = excluded_ranges(stack).iter().filter_map(|block| v4_range(block)).collect();
        Self { api_ip: stack.cluster.api_server.as_ref().and_then(|a| first_ip(&a.address)), excluded }
    }

    fn is_excluded(&self, ip: IpAddr) -> bool {
        let IpAddr::V4(ip) = ip else { return false };
        self.excluded.iter().any(|(net, mask)| u32::from(ip) & mask == net & mask)
    }
}

/// What the stack declares between two endpoints, pods or addresses.
fn expected_between(
    stack: &ResolvedStack,
    outside: &Outside,
    edges: &BTreeMap<(End, End), Allowed>,
    nodes: &HashMap<&str, &GraphNode>,
    from: End,
    to: End,
) -> Allowed {
    if let Some(a) = edges.get(&(from, to)) {
        return a.clone();
    }
    let api_ip = outside.api_ip;
    let tcp = |ports: &mut dyn Iterator<Item = u16>| {
        let mut allowed = Allowed::none();
        for port in ports {
            allowed.union_with(&Allowed::only(Protocol::Tcp, PortSet::single(port)));
        }
        allowed
    };
    let node = |e: End| match e {
        End::Pod(id) => nodes.get(id).copied(),
        End::Ip(_) => None,
    };
    match (from, node(from), to, node(to)) {
        // A pod to an address: the API server, the internet.
        (_, Some(node), End::Ip(ip), None) => {
            let mut allowed = Allowed::none();
            if node.api_access
                && api_ip == Some(ip)
                && let Some(api) = &stack.cluster.api_server
            {
                allowed.union_with(&tcp(&mut std::iter::once(api.port.value)));
            }
            if !outside.is_excluded(ip) {
                for (port, proto) in &node.internet {
                    allowed.union_with(&Allowed::only(protocol(*proto), PortSet::single(*port)));
                }
            }
            allowed
        }
        // An address to a pod: entry points open to all, webhooks to the API server.
        (End::Ip(ip), None, _, Some(node)) => {
            let mut allowed = tcp(&mut node.world_ingress.iter().copied());
            if api_ip == Some(ip) {
                allowed.union_with(&tcp(&mut node.api_ingress.iter().copied()));
            }
            allowed
        }
        _ => Allowed::none(),
    }
}

/// Ranges internet egress never reaches: private, special, and the cluster's.
fn excluded_ranges(stack: &ResolvedStack) -> Vec<String> {
    let mut ranges: Vec<String> = NOT_INTERNET.iter().map(|s| (*s).to_owned()).collect();
    ranges.push(stack.cluster.networks.pods.value.clone());
    ranges.push(stack.cluster.networks.services.value.clone());
    ranges
}

fn protocol(p: model::Protocol) -> Protocol {
    match p {
        model::Protocol::Tcp => Protocol::Tcp,
        model::Protocol::Udp => Protocol::Udp,
    }
}

/// The network address of a CIDR (or the address itself).
fn first_ip(block: &str) -> Option<IpAddr> {
    let normal = cidr(block)?;
    let (addr, _) = normal.split_once('/')?;
    let ip: IpAddr = addr.parse().ok()?;
    match (ip, normal.ends_with("/32") || normal.ends_with("/128")) {
        (IpAddr::V4(v4), false) => Some(IpAddr::V4((u32::from(v4) | 1).into())),
        _ => Some(ip),
    }
}

/// The network and mask of an IPv4 CIDR.
fn v4_range(block: &str) -> Option<(u32, u32)> {
    let normal = cidr(block)?;
    let (addr, bits) = normal.split_once('/')?;
    let (Ok(IpAddr::V4(net)), Ok(bits)) = (addr.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return None;
    };
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    Some((u32::from(net), mask))
}
