//! The `NetworkPolicy` semantics: which policies isolate a pod, which peers
//! and ports a rule admits, and the allowed port set between two endpoints
//! ([`Cluster::allowed`]). The all-pairs variant lives in `reach`; both go
//! through the same [`pair`] function, parameterised by an [`Oracle`].
//!
//! A connection is allowed on a port iff the egress side of `from` and the
//! ingress side of `to` both allow it; a side allows everything when no
//! policy isolates the pod for that direction, and otherwise the union of
//! the matching rules of the isolating policies. External endpoints have no
//! policy of their own: their side always allows everything.

use std::borrow::Cow;

use super::hash::FastMap;
use super::lists::narrow;
use super::model::{Cluster, Direction, Endpoint, Pod, label_of};
use super::policy::{Peer, Policy, PortMatch, PortSpec, Rule};
use super::ports::{Allowed, PortSet, Protocol};
use super::selector::{LabelSelector, Labels};

impl Direction {
    pub(super) fn slot(self) -> usize {
        match self {
            Self::Ingress => 0,
            Self::Egress => 1,
        }
    }
}

/// The rules of `p` that take effect in `dir` (none unless `dir` is one of
/// the policy's types: rules of an unlisted type are ignored).
pub(super) fn rules(p: &Policy, dir: Direction) -> &[Rule] {
    match dir {
        Direction::Ingress if p.types.ingress => &p.ingress,
        Direction::Egress if p.types.egress => &p.egress,
        _ => &[],
    }
}

/// The ports one `ports` entry opens towards `dst` (the destination pod,
/// `None` for an external destination), as `(protocol, lo, hi)`. A named
/// port opens the destination's container port of that name and protocol,
/// and nothing when there is none (always nothing towards an external).
pub(super) fn spec_ports(spec: &PortSpec, dst: Option<&Pod>) -> Option<(Protocol, u16, u16)> {
    match &spec.port {
        PortMatch::Any => Some((spec.protocol, PortSet::MIN, PortSet::MAX)),
        PortMatch::Range { start, end } => Some((spec.protocol, *start, *end)),
        PortMatch::Named(name) => dst
            .and_then(|pod| pod.named_ports.get(name))
            .filter(|&&(_, proto)| proto == spec.protocol)
            .map(|&(port, proto)| (proto, port, port)),
    }
}

/// Adds the ports `rule` opens towards `dst` to `acc`.
fn add_rule_ports(rule: &Rule, dst: Option<&Pod>, acc: &mut Allowed) {
    if rule.ports.is_empty() {
        *acc = Allowed::all();
        return;
    }
    for (proto, lo, hi) in rule.ports.iter().filter_map(|s| spec_ports(s, dst)) {
        acc.get_mut(proto).insert_range(lo, hi);
    }
}

/// Cluster lookups shared by every evaluation.
pub(super) struct Ctx<'c> {
    pub cluster: &'c Cluster,
    ns_labels: FastMap<&'c str, &'c Labels>,
    by_ns: FastMap<&'c str, Vec<usize>>,
}

impl<'c> Ctx<'c> {
    pub fn new(cluster: &'c Cluster) -> Self {
        let ns_labels = cluster.namespaces.iter().map(|n| (n.name.as_str(), &n.labels)).collect();
        let mut by_ns: FastMap<&str, Vec<usize>> = FastMap::default();
        for (i, p) in cluster.policies.iter().enumerate() {
            by_ns.entry(p.namespace.as_str()).or_default().push(i);
        }
        Self { cluster, ns_labels, by_ns }
    }

    /// The declared labels of namespace `ns` (`None` when undeclared).
    pub fn ns_labels(&self, ns: &str) -> Option<&'c Labels> {
        self.ns_labels.get(ns).copied()
    }

    /// Whether namespace `ns` matches `sel` (its name label included).
    pub fn ns_matches(&self, sel: &LabelSelector, ns: &str) -> bool {
        let labels = self.ns_labels(ns);
        sel.matches_with(|k| label_of(ns, labels, k))
    }

    /// Policies (indices) that select pod `i` and isolate it for `dir`.
    pub fn isolating(&self, i: usize, dir: Direction) -> Vec<usize> {
        let pod = &self.cluster.pods[i];
        let Some(candidates) = self.by_ns.get(pod.namespace.as_str()) else {
            return Vec::new();
        };
        candidates
            .iter()
            .copied()
            .filter(|&p| {
                let pol = &self.cluster.policies[p];
                let typed = match dir {
                    Direction::Ingress => pol.types.ingress,
                    Direction::Egress => pol.types.egress,
                };
                typed && pol.pod_selector.matches(&pod.labels)
            })
            .collect()
    }

    /// Whether `peer` of a rule of `pol` matches `remote`.
    pub fn peer_matches(&self, pol: &Policy, peer: &Peer, remote: Endpoint) -> bool {
        match (peer, remote) {
            (Peer::IpBlock(b), Endpoint::External(ip)) => b.contains(ip) && self.cluster.identities.of(ip).is_none(),
            (Peer::Entity(e), Endpoint::External(ip)) => self.cluster.identities.matches(*e, ip),
            (Peer::IpBlock(_) | Peer::Entity(_), Endpoint::Pod(_)) | (Peer::Pods { .. }, Endpoint::External(_)) => {
                false
            }
            (Peer::Pods { namespace_selector, pod_selector }, Endpoint::Pod(i)) => {
                let pod = &self.cluster.pods[i];
                let ns_ok = match namespace_selector {
                    None => pod.namespace == pol.namespace,
                    Some(sel) => self.ns_matches(sel, &pod.namespace),
                };
                ns_ok && pod_selector.as_ref().is_none_or(|s| s.matches(&pod.labels))
            }
        }
    }

    /// Whether `rule` of `pol` admits `remote` (ignoring ports).
    pub fn rule_admits(&self, pol: &Policy, rule: &Rule, remote: Endpoint) -> bool {
        rule.peers.is_empty() || rule.peers.iter().any(|p| self.peer_matches(pol, p, remote))
    }

    pub fn pod_of(&self, e: Endpoint) -> Option<&'c Pod> {
        match e {
            Endpoint::Pod(i) => Some(&self.cluster.pods[i]),
            Endpoint::External(_) => None,
        }
    }
}

/// Answers the two questions the pair evaluation asks; implemented directly
/// (for one pair) and from precomputed tables (for all pairs). Tables hold
/// answers for pods only: addresses are always asked of the context.
pub(super) trait Oracle<'c> {
    fn ctx(&self) -> &Ctx<'c>;
    fn isolating(&self, pod: usize, dir: Direction) -> Cow<'_, [u32]>;
    /// Whether rule `rule` of `policy` (for `dir`) admits pod `pod`.
    fn admits_pod(&self, policy: usize, dir: Direction, rule: usize, pod: usize) -> bool;
    /// False only when no rule for `dir` of the policies isolating `pod`
    /// can admit an address (none has an `ipBlock` or no peers): then the
    /// side allows no address, without asking each rule.
    fn may_admit_addresses(&self, pod: usize, dir: Direction) -> bool {
        let _ = (pod, dir);
        true
    }

    fn admits(&self, policy: usize, dir: Direction, rule: usize, remote: Endpoint) -> bool {
        match remote {
            Endpoint::Pod(j) => self.admits_pod(policy, dir, rule, j),
            Endpoint::External(_) => self.ctx().rule_admits_at(policy, dir, rule, remote),
        }
    }
}

impl<'c> Ctx<'c> {
    /// Rule `rule` of `policy` for `dir`, evaluated for `remote`.
    fn rule_admits_at(&self, policy: usize, dir: Direction, rule: usize, remote: Endpoint) -> bool {
        let pol = &self.cluster.policies[policy];
        self.rule_admits(pol, &rules(pol, dir)[rule], remote)
    }
}

impl<'c> Oracle<'c> for Ctx<'c> {
    fn ctx(&self) -> &Ctx<'c> {
        self
    }
    fn isolating(&self, pod: usize, dir: Direction) -> Cow<'_, [u32]> {
        Cow::Owned(Ctx::isolating(self, pod, dir).into_iter().map(narrow).collect())
    }
    fn admits_pod(&self, policy: usize, dir: Direction, rule: usize, pod: usize) -> bool {
        self.rule_admits_at(policy, dir, rule, Endpoint::Pod(pod))
    }
}

/// What one side allows: `None` when the pod is not isolated for `dir` (or
/// is external), else the union over the isolating policies' rules that
/// admit `remote`. Named ports resolve against `to`.
fn side<'c>(o: &impl Oracle<'c>, me: Endpoint, dir: Direction, remote: Endpoint, to: Endpoint) -> Option<Allowed> {
    let Endpoint::Pod(i) = me else { return None };
    let isolating = o.isolating(i, dir);
    if isolating.is_empty() {
        return None;
    }
    if matches!(remote, Endpoint::External(_)) && !o.may_admit_addresses(i, dir) {
        return Some(Allowed::none());
    }
    let ctx = o.ctx();
    let dst = ctx.pod_of(to);
    let mut acc = Allowed::none();
    for p in isolating.iter().map(|&p| p as usize) {
        let pol = &ctx.cluster.policies[p];
        for (r, rule) in rules(pol, dir).iter().enumerate() {
            if o.admits(p, dir, r, remote) {
                add_rule_ports(rule, dst, &mut acc);
                if acc.is_all() {
                    return Some(acc);
                }
            }
        }
    }
    Some(acc)
}

pub(super) fn pair<'c>(o: &impl Oracle<'c>, from: Endpoint, to: Endpoint) -> Allowed {
    let egress = side(o, from, Direction::Egress, to, to);
    if egress.as_ref().is_some_and(Allowed::is_empty) {
        return Allowed::none();
    }
    let ingress = side(o, to, Direction::Ingress, from, to);
    match (egress, ingress) {
        (None, None) => Allowed::all(),
        (Some(a), None) | (None, Some(a)) => a,
        (Some(a), Some(b)) => a.intersection(&b),
    }
}

impl Cluster {
    /// Ports `from` may connect to on `to`, per protocol. An external
    /// endpoint is subject to no policy, so external -> external is `all`.
    ///
    /// # Panics
    /// If an [`Endpoint::Pod`] index is out of range of [`Cluster::pods`].
    #[must_use]
    pub fn allowed(&self, from: Endpoint, to: Endpoint) -> Allowed {
        pair(&Ctx::new(self), from, to)
    }
}
