//! The cluster being evaluated: [`Namespace`]s, [`Pod`]s (one per workload),
//! parsed policies, and the [`Endpoint`]s a connection runs between.

use std::fmt;
use std::net::IpAddr;

use super::cidr::Cidr;
use super::policy::{Entity, Policy};
use super::ports::{Allowed, Protocol};
use super::selector::Labels;
use super::sorted::SortedMap;

/// The label every namespace carries with its own name as value.
pub const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// A namespace and its labels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Namespace {
    pub name: String,
    /// Labels as written; [`NAMESPACE_NAME_LABEL`] is implied (and wins over
    /// a conflicting explicit value, as the API server enforces).
    pub labels: Labels,
}

impl Namespace {
    /// The value of label `key`, including the implicit name label.
    #[must_use]
    pub fn label(&self, key: &str) -> Option<&str> {
        label_of(&self.name, Some(&self.labels), key)
    }
}

/// Label lookup for a namespace that may not be declared: an undeclared
/// namespace has only its implicit name label.
pub(super) fn label_of<'a>(name: &'a str, labels: Option<&'a Labels>, key: &str) -> Option<&'a str> {
    if key == NAMESPACE_NAME_LABEL { Some(name) } else { labels.and_then(|l| l.get(key)) }
}

/// A pod template (all replicas of one workload behave alike).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pod {
    /// `<namespace>/<workload>`, used in output and for sorting.
    pub id: String,
    pub namespace: String,
    pub labels: Labels,
    /// Container port name -> (port number, protocol).
    pub named_ports: SortedMap<String, (u16, Protocol)>,
}

/// One end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// Index into [`Cluster::pods`].
    Pod(usize),
    /// An address outside the cluster; never a pod. No `NetworkPolicy`
    /// applies to it, so only the pod side of a connection is restricted.
    External(IpAddr),
}

/// Everything the evaluator needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cluster {
    /// Declared namespaces. A pod or policy may live in an undeclared
    /// namespace, which then has only its implicit name label.
    pub namespaces: Vec<Namespace>,
    pub pods: Vec<Pod>,
    pub policies: Vec<Policy>,
    /// The addresses Cilium knows as nodes or the API server; empty for a
    /// plain `NetworkPolicy` cluster.
    pub identities: Identities,
}

/// Addresses Cilium gives a reserved identity (a node, the API server),
/// with the entities that match them. A `fromEntities`/`toEntities` peer
/// matches exactly these (and `world` every other external address), and
/// an `ipBlock` never does: Cilium's "CIDR rules do not apply to traffic
/// where both sides of the connection are either managed by Cilium or use
/// an IP belonging to a node in the cluster" (cilium/cilium 01af123d
/// `Documentation/security/policy/layer3.rst`, "IP/CIDR based").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identities {
    blocks: Vec<(Cidr, Box<[Entity]>)>,
}

impl Identities {
    /// Blocks and their entities; where blocks overlap, the first decides.
    #[must_use]
    pub fn new(blocks: Vec<(Cidr, Box<[Entity]>)>) -> Self {
        Self { blocks }
    }

    /// The entities of `ip`, `None` for an address with no reserved identity.
    #[must_use]
    pub fn of(&self, ip: IpAddr) -> Option<&[Entity]> {
        self.blocks.iter().find(|(block, _)| block.contains(ip)).map(|(_, entities)| &**entities)
    }

    /// Whether entity peer `entity` matches external address `ip`.
    #[must_use]
    pub fn matches(&self, entity: Entity, ip: IpAddr) -> bool {
        self.of(ip).map_or(entity == Entity::World, |entities| entities.contains(&entity))
    }
}

impl Cluster {
    /// The endpoint of the pod with this id.
    #[must_use]
    pub fn pod(&self, id: &str) -> Option<Endpoint> {
        self.pods.iter().position(|p| p.id == id).map(Endpoint::Pod)
    }

    /// A printable name: the pod id, or the IP address.
    ///
    /// # Panics
    /// If an [`Endpoint::Pod`] index is out of range.
    #[must_use]
    pub fn endpoint_name(&self, e: Endpoint) -> String {
        match e {
            Endpoint::Pod(i) => self.pods[i].id.clone(),
            Endpoint::External(ip) => ip.to_string(),
        }
    }
}

/// One entry of [`Cluster::reachability`]: `from` may open connections to
/// `to` on the `allowed` ports (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub from: Endpoint,
    pub to: Endpoint,
    pub allowed: Allowed,
}

/// The direction of a rule, as seen from the pod the policy selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ingress => "ingress",
            Self::Egress => "egress",
        })
    }
}
