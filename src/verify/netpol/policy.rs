//! The typed, defaulted `NetworkPolicy` model: [`Policy`], its [`Rule`]s,
//! their [`Peer`]s and [`PortSpec`]s. Built by `parse`, or directly.

use super::cidr::IpBlock;
use super::ports::Protocol;
use super::selector::LabelSelector;

/// A parsed, defaulted `NetworkPolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub namespace: String,
    pub name: String,
    /// Pods of `namespace` the policy applies to; empty selects them all.
    pub pod_selector: LabelSelector,
    /// The effective `policyTypes` after defaulting.
    pub types: PolicyTypes,
    /// `spec.ingress`; only takes effect when `types.ingress`.
    pub ingress: Vec<Rule>,
    /// `spec.egress`; only takes effect when `types.egress`.
    pub egress: Vec<Rule>,
}

/// Which directions a policy isolates the pods it selects for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyTypes {
    pub ingress: bool,
    pub egress: bool,
}

/// One ingress or egress rule: traffic is allowed when the remote end
/// matches one of `peers` AND the port matches one of `ports`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    /// `from` (ingress) or `to` (egress). Empty means every peer: all pods
    /// in all namespaces and all external addresses.
    pub peers: Box<[Peer]>,
    /// Empty means every port of every protocol.
    pub ports: Box<[PortSpec]>,
}

/// One entry of `from`/`to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// Pods. `namespace_selector: None` means the policy's own namespace;
    /// `pod_selector: None` means every pod of the selected namespaces.
    /// Both set means pods matching `pod_selector` in namespaces matching
    /// `namespace_selector` (AND, within one peer). Both `None` is
    /// rejected by the parser; built directly it means every pod of the
    /// policy's own namespace.
    Pods { namespace_selector: Option<LabelSelector>, pod_selector: Option<LabelSelector> },
    /// External addresses. Pod IPs are not modelled, so an `ipBlock`
    /// never matches a pod, even if the pod network lies inside the block.
    IpBlock(IpBlock),
}

/// One entry of `ports`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec {
    pub protocol: Protocol,
    pub port: PortMatch,
}

/// The `port`/`endPort` part of a [`PortSpec`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortMatch {
    /// No `port`: every port of the protocol.
    Any,
    /// `port` (and `endPort`), inclusive; `start == end` without `endPort`.
    Range { start: u16, end: u16 },
    /// A named port, resolved against the destination pod's container
    /// ports (name and protocol must both match).
    Named(String),
}
