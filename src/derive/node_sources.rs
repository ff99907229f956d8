//! Where the API server's calls to an admission webhook come from: the
//! `api-server` address, each declared `node-address`, and the overlay
//! addresses of every node subnet of the pod CIDR (`<subnet>.0/31`).
//!
//! With flannel's overlay backends (k3s's default `vxlan`, and
//! `wireguard-native`) a host-network process such as the API server
//! reaches a pod on another node from the address flannel puts on its
//! interface, the network address of its own node's pod subnet: "This IP
//! is just used as a source address for host to workload traffic"
//! (flannel-io/flannel 1ba5635d `pkg/backend/vxlan/vxlan.go`, in
//! `RegisterNetwork`, `dev.Configure(ip.IP4Net{IP: lease.Subnet.IP,
//! PrefixLen: 32}, ...)`). A pod on its own node is reached over the
//! bridge, `.1`. Pods get `.2` upward (host-local IPAM), so `<subnet>/31`
//! admits both and no pod. The API server may run on any server node, so
//! every subnet the pod CIDR can give a node is listed: 256 at /16 cut at
//! /24, at most [`MAX_NODE_SUBNETS`] (`check` refuses more).

use crate::check::ResolvedStack;
use crate::check::names::cidr;
use crate::check::node_network::{MAX_NODE_MASK, MAX_NODE_SUBNETS, pods_v4};

/// The `ipBlock` CIDRs webhook ingress admits, in order: the API server's,
/// the node addresses (sorted), then the node subnets' overlay addresses
/// in address order. Empty without an `api-server`.
#[must_use]
pub fn webhook_sources(stack: &ResolvedStack) -> Vec<String> {
    let Some(api) = stack.cluster.api_server.as_ref().and_then(|a| cidr(&a.address)) else {
        return Vec::new();
    };
    let networks = &stack.cluster.networks;
    let mut nodes: Vec<String> = networks.node_addresses.iter().filter_map(|a| cidr(a)).collect();
    nodes.sort();
    let mut out = vec![api];
    for node in nodes {
        if !out.contains(&node) {
            out.push(node);
        }
    }
    out.extend(
        overlay_blocks(&networks.pods, networks.node_mask.value).filter(|b| !out.contains(b)).collect::<Vec<_>>(),
    );
    out
}

/// `<subnet>/31` of every `/mask` subnet of an IPv4 pod CIDR; nothing for
/// IPv6 or a mask `check` refuses.
fn overlay_blocks(pods: &str, mask: u8) -> impl Iterator<Item = String> {
    let subnets = match pods_v4(pods) {
        Some((net, prefix)) if (prefix.max(1)..=MAX_NODE_MASK).contains(&mask) => {
            let count = 1_u32 << (mask - prefix);
            Some((net, count.min(MAX_NODE_SUBNETS), 1_u32 << (32 - mask)))
        }
        _ => None,
    };
    subnets.into_iter().flat_map(|(net, count, size)| {
        (0..count).map(move |i| format!("{}/31", std::net::Ipv4Addr::from(net + i * size)))
    })
}
