//! What the stack declares, as the proof asks it one row at a time: the
//! graph's edges by source end, and what a workload declares towards the
//! sample addresses outside the cluster (the API server, the internet) and
//! from them (entry points open to all, webhooks the API server calls).

use std::net::IpAddr;

use super::ends::Ends;
use super::netpol::{Allowed, Protocol};
use super::protocol;
use crate::check::ResolvedStack;
use crate::check::names::cidr;
use crate::derive::{Graph, GraphNode, NOT_INTERNET};

/// The declared side of the proof.
pub(super) struct Declared {
    /// `(from, to, port, protocol)` of every edge, by rank, sorted: the
    /// edges of one source are a run, by target.
    edges: Vec<(usize, usize, u16, Protocol)>,
    /// `[from]` -> where its run starts in `edges`; one entry more at the end.
    start: Vec<usize>,
    /// The API server's sample address and port.
    api: Option<(IpAddr, u16)>,
    /// Where the API server's calls to webhooks come from.
    callers: ApiCallers,
    /// `(network, mask)` of every IPv4 range internet egress excludes.
    excluded: Vec<(u32, u32)>,
}

impl Declared {
    pub fn new(stack: &ResolvedStack, graph: &Graph, ends: &Ends<'_>) -> Self {
        // `Ends::new` numbers every edge end, so no edge is left out.
        let mut edges: Vec<(usize, usize, u16, Protocol)> = graph
            .edges
            .iter()
            .filter_map(|e| Some((ends.rank(&e.from)?, ends.rank(&e.to)?, e.port, protocol(e.protocol))))
            .collect();
        edges.sort_unstable();
        let mut start = Vec::with_capacity(ends.list.len() + 1);
        let mut at = 0;
        for from in 0..=ends.list.len() {
            while edges.get(at).is_some_and(|e| e.0 < from) {
                at += 1;
            }
            start.push(at);
        }
        let api = stack.cluster.api_server.as_ref().and_then(|a| Some((first_ip(&a.address)?, a.port.value)));
        let excluded = excluded_ranges(stack).iter().filter_map(|block| v4_range(block)).collect();
        let callers = ApiCallers::new(stack);
        Self { edges, start, api, callers, excluded }
    }

    /// The ports declared from end `from` to each end it has edges to, by
    /// target rank.
    pub fn edges_from(&self, from: usize) -> impl Iterator<Item = (usize, Allowed)> + '_ {
        let run = &self.edges[self.start[from]..self.start[from + 1]];
        run.chunk_by(|a, b| a.1 == b.1).map(|group| {
            let mut allowed = Allowed::none();
            for &(_, _, port, proto) in group {
                allowed.get_mut(proto).insert_range(port, port);
            }
            (group[0].1, allowed)
        })
    }

    /// What `node` may open to address `ip`: the API server, the internet.
    pub fn egress(&self, node: &GraphNode, ip: IpAddr) -> Allowed {
        let mut allowed = Allowed::none();
        if let Some((api_ip, port)) = self.api
            && node.api_access
            && api_ip == ip
        {
            allowed.get_mut(Protocol::Tcp).insert_range(port, port);
        }
        if !self.is_excluded(ip) {
            for &(port, proto) in &node.internet {
                allowed.get_mut(protocol(proto)).insert_range(port, port);
            }
        }
        allowed
    }

    /// What address `ip` may open to `node`: entry points open to all,
    /// webhooks to the API server.
    pub fn ingress(&self, ip: IpAddr, node: &GraphNode) -> Allowed {
        let mut allowed = Allowed::none();
        let from_api = self.api.is_some_and(|(api_ip, _)| api_ip == ip) || self.callers.contains(ip);
        let api_ports = node.api_ingress.iter().filter(|_| from_api);
        for &(port, proto) in &node.world_ingress {
            allowed.get_mut(protocol(proto)).insert_range(port, port);
        }
        for &port in api_ports {
            allowed.get_mut(Protocol::Tcp).insert_range(port, port);
        }
        allowed
    }

    fn is_excluded(&self, ip: IpAddr) -> bool {
        let IpAddr::V4(ip) = ip else { return false };
        self.excluded.iter().any(|(net, mask)| u32::from(ip) & mask == net & mask)
    }
}

/// The addresses besides its own that the API server's calls to a webhook
/// come from, as the stack declares them (`networks`): each `node-address`,
/// and the first two addresses of every node subnet of an IPv4 pod CIDR,
/// the overlay interface's and the bridge's (`docs/network-policy.md`).
/// Computed here by arithmetic, apart from the `ipBlock`s `derive` lists.
pub(super) struct ApiCallers {
    nodes: Vec<IpAddr>,
    /// `(network, mask)` of the pod CIDR and the size of a node subnet.
    overlay: Option<(u32, u32, u32)>,
}

impl ApiCallers {
    pub fn new(stack: &ResolvedStack) -> Self {
        let networks = &stack.cluster.networks;
        let nodes = networks.node_addresses.iter().filter_map(|a| first_ip(a)).collect();
        let mask = networks.node_mask.value;
        let overlay = v4_range(&networks.pods)
            .filter(|(_, pods)| (1..=30).contains(&mask) && u32::from(mask) >= pods.count_ones())
            .map(|(net, pods)| (net & pods, pods, 1_u32 << (32 - mask)));
        Self { nodes, overlay }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.nodes.contains(&ip) || self.overlay_contains(ip)
    }

    /// Whether `ip` is a node subnet's `.0` or `.1`.
    pub fn overlay_contains(&self, ip: IpAddr) -> bool {
        let (IpAddr::V4(ip), Some((net, mask, size))) = (ip, self.overlay) else { return false };
        let ip = u32::from(ip);
        ip & mask == net && (ip - net) % size < 2
    }

    /// Sample callers and non-callers: the node addresses, and `.0`, `.1`
    /// and `.2` (a pod's) of the first, second and last node subnets.
    pub fn probes(&self) -> Vec<IpAddr> {
        let mut out = self.nodes.clone();
        if let Some((net, mask, size)) = self.overlay {
            let last = net + (!mask - (size - 1));
            for subnet in [net, net.saturating_add(size).min(last), last] {
                out.extend((0..3).map(|i| IpAddr::V4((subnet + i).into())));
            }
        }
        out
    }
}

/// Ranges internet egress never reaches: private, special, and the cluster's.
pub(super) fn excluded_ranges(stack: &ResolvedStack) -> Vec<String> {
    let mut ranges: Vec<String> = NOT_INTERNET.iter().map(|s| (*s).to_owned()).collect();
    ranges.push(stack.cluster.networks.pods.value.clone());
    ranges.push(stack.cluster.networks.services.value.clone());
    ranges
}

/// The network address of a CIDR (or the address itself).
pub(super) fn first_ip(block: &str) -> Option<IpAddr> {
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
