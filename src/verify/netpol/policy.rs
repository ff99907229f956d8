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
    /// A Cilium entity (`fromEntities`/`toEntities` of a
    /// `CiliumNetworkPolicy`): the external addresses the cluster's
    /// [`Identities`](super::Identities) give it. Never a pod.
    Entity(Entity),
}

/// The Cilium entities the evaluator understands: those stackc writes, and
/// `world` (cilium/cilium v1.19.4 `ciliumnetworkpolicies.yaml`, the
/// `toEntities` enum; meanings in `Documentation/security/policy/layer3.rst`,
/// "Entities based").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    /// The node of the selected pod, host-network processes included.
    Host,
    /// The API server, in the cluster or outside it.
    KubeApiserver,
    /// Every other node, host-network processes included.
    RemoteNode,
    /// Every address outside the cluster: one with no other identity.
    World,
}

impl Entity {
    /// The entity of a name as the CRD spells it.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "host" => Some(Self::Host),
            "kube-apiserver" => Some(Self::KubeApiserver),
            "remote-node" => Some(Self::RemoteNode),
            "world" => Some(Self::World),
            _ => None,
        }
    }

    /// The name as the CRD spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::KubeApiserver => "kube-apiserver",
            Self::RemoteNode => "remote-node",
            Self::World => "world",
        }
    }
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
