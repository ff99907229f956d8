//! `NetworkPolicy` semantics evaluator behind `stackc verify` and
//! `stackc explain`: given the namespaces, pods and `networking.k8s.io/v1`
//! `NetworkPolicies` stackc emits, computes exactly which endpoint may reach
//! which on which ports, and explains why.
//!
//! Semantics (as Kubernetes defines them):
//! - A pod is isolated for ingress (egress) iff a policy in its namespace
//!   selects it and lists that type in its effective `policyTypes`
//!   (default: `Ingress`, plus `Egress` when `spec.egress` is non-empty).
//! - `from -> to` is allowed on a port iff (`from` is not egress-isolated or
//!   some egress rule of a policy selecting `from` allows `to` on it) and
//!   (`to` is not ingress-isolated or some ingress rule of a policy
//!   selecting `to` allows `from` on it). Rules and policies are additive.
//! - Peers: none listed = everything; `podSelector` alone = pods of the
//!   policy's namespace; `namespaceSelector` alone = all pods of matching
//!   namespaces; both in one peer = AND; `ipBlock` = external addresses.
//!   Pod IPs are not modelled, so an `ipBlock` never matches a pod.
//! - Ports: none listed = all ports of all protocols; `protocol` defaults to
//!   TCP; `endPort` makes a range; a named port resolves against the
//!   destination pod's container ports (for egress rules too), name and
//!   protocol both matching, and never matches an external destination.
//! - Every namespace carries `kubernetes.io/metadata.name: <name>`.
//! - External endpoints are subject to no policy themselves.
//!
//! - Cilium (`cilium.io/v2` `CiliumNetworkPolicy`, the forms stackc writes:
//!   `endpointSelector`, entity peers, numeric `toPorts`): a policy like any
//!   other, whose entity peers match the [`Identities`] of the cluster; on
//!   such a cluster an `ipBlock` matches no address with an identity.
//!
//! Layout: `policy` (the typed policy), `parse` (policy from JSON, `cilium`
//! the Cilium objects),
//! `selector` (label selectors), `cidr` (IP blocks), `ports` (port sets),
//! `model` (cluster and endpoints), `eval` (the semantics), `index`
//! (inverted label indexes), `tables` (per-rule admitted pods and candidate
//! peers, in `lists`), `reach` (the [`Evaluator`]: reachability row by row, or all
//! pairs at once, near-linear), `exhaustive` (the quadratic reference it is
//! tested against), `explain` (verdicts with reasons), `error`, `json`,
//! `hash` (the lookup maps' hasher) and `sorted` (the small maps; labels are a
//! [`LabelMap`], shared with the derive graph). Work on threads is
//! [`crate::parallel`].

mod cidr;
mod cilium;
mod error;
mod eval;
mod exhaustive;
mod explain;
pub(super) mod hash;
mod index;
mod json;
mod lists;
mod model;
mod parse;
mod policy;
mod ports;
mod reach;
mod selector;
mod sorted;
mod tables;

pub use crate::labels::LabelMap;
pub use cidr::{Cidr, IpBlock};
pub use error::NetpolError;
pub use explain::{MissReason, PolicyRef, RuleMiss, RuleRef, SideVerdict, Verdict};
pub use model::{Cluster, Direction, Endpoint, Identities, NAMESPACE_NAME_LABEL, Namespace, Pod, Reach};
pub use parse::{is_policy, parse_policies, parse_policy};
pub use policy::{Entity, Peer, Policy, PolicyTypes, PortMatch, PortSpec, Rule};
pub use ports::{Allowed, PortSet, Protocol};
pub use reach::Evaluator;
pub use selector::{LabelSelector, Labels, Operator, Requirement};
pub use sorted::SortedMap;
