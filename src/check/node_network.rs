//! The node-network facts of `networks`: `node-mask` (each node's slice of
//! the pod CIDR) and `node-address`. Admission-webhook ingress admits the
//! overlay addresses of every possible node subnet (`docs/network-policy.md`,
//! decision 0010), so the mask must cut the pod CIDR into subnets that have
//! pod addresses beyond `.0` and `.1`, and into few enough of them to write
//! one `ipBlock` each.

use super::cluster::invalid;
use super::names::cidr;
use crate::charts;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::Stack;

/// The most node subnets webhook ingress lists (one `ipBlock` each, in
/// every webhook's ingress policy): a /16 pod CIDR cut at /26.
pub const MAX_NODE_SUBNETS: u32 = 1024;

/// The longest node mask that leaves a node pod addresses: `.0` is the
/// overlay interface's, `.1` the bridge's, pods get `.2` upward.
pub const MAX_NODE_MASK: u8 = 30;

/// The IPv4 pod CIDR as `(network, prefix)`; `None` for IPv6 or invalid
/// (the latter reported by `check_cluster`).
#[must_use]
pub fn pods_v4(pods: &str) -> Option<(u32, u8)> {
    let normal = cidr(pods)?;
    let (addr, prefix) = normal.split_once('/')?;
    let std::net::IpAddr::V4(ip) = addr.parse().ok()? else { return None };
    let prefix: u8 = prefix.parse().ok()?;
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    Some((u32::from(ip) & mask, prefix))
}

pub(super) fn check_node_network(stack: &Stack, d: &mut Diagnostics) {
    let networks = &stack.cluster().networks;
    for address in &networks.node_addresses {
        if !cidr(address).is_some_and(|c| c.ends_with("/32") || c.ends_with("/128")) {
            d.push(
                invalid(address.span, "a node's IP address", address)
                    .help("give one `node-address \"192.168.1.21\"` per node, without a prefix length"),
            );
        }
    }
    let Some((_, prefix)) = pods_v4(&networks.pods) else { return };
    let mask = &networks.node_mask;
    let lowest = prefix.max(1);
    if mask.value < lowest || mask.value > MAX_NODE_MASK {
        d.push(
            invalid(
                mask.span,
                &format!("a node mask from {lowest} (the pod CIDR's) to {MAX_NODE_MASK}"),
                &mask.to_string(),
            )
            .help("use the cluster's `--node-cidr-mask-size` (24 unless it was changed)"),
        );
        return;
    }
    let subnets = 1_u64 << (mask.value - prefix);
    if webhooks(stack) && subnets > u64::from(MAX_NODE_SUBNETS) {
        d.push(
            Diagnostic::error(
                Code::Unsupported,
                networks.pods.span,
                format!(
                    "`{}` cut at node-mask {} is {subnets} possible node subnets; webhook ingress lists at most {MAX_NODE_SUBNETS}",
                    networks.pods.value, mask.value
                ),
            )
            .label("too many node subnets")
            .help(format!(
                "each node subnet is one ipBlock in every webhook's ingress policy; declare the pod CIDR the cluster \
                 really uses (k3s `--cluster-cidr`) and its `node-mask`, so that at most {MAX_NODE_SUBNETS} subnets remain"
            )),
        );
    }
}

/// Whether the stack derives webhook ingress: the API server is declared
/// and an installed platform chart has a pod the API server calls.
fn webhooks(stack: &Stack) -> bool {
    let p = &stack.platform;
    let installed = [
        ("linkerd", p.linkerd.is_some()),
        ("traefik", p.traefik.is_some()),
        ("cert-manager", p.cert_manager.is_some()),
        ("kyverno", p.kyverno.is_some()),
    ];
    stack.cluster().api_server.is_some()
        && installed
            .iter()
            .filter(|(_, on)| *on)
            .flat_map(|(c, _)| charts::of(c))
            .any(|chart| chart.pods.iter().any(|pod| !pod.api_ingress.is_empty()))
}
