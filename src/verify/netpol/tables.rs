//! Precomputed tables for the [`Evaluator`](super::Evaluator): which
//! policies isolate each pod, and per rule the sorted list of pods its peers
//! admit, all resolved through the inverted indexes of `index` (no rule is
//! evaluated against every pod), a policy at a time on the available
//! threads. From them, the candidate peers of a pod: the only pods it may
//! have a non-empty allowed set with.

use std::borrow::Cow;

use super::eval::{Ctx, Oracle, rules};
use super::index::{NsSet, PodIndex};
use super::model::{Direction, Endpoint};
use super::policy::{Peer, Policy, Rule};
use crate::parallel;

/// Fewer policies than this per thread are not worth a thread.
const POLICIES_PER_THREAD: usize = 1024;

const DIRECTIONS: [Direction; 2] = [Direction::Ingress, Direction::Egress];

/// The pods a rule's peers admit.
enum Admitted {
    /// Every pod.
    All,
    /// These pods, ascending.
    Pods(Vec<usize>),
}

impl Admitted {
    fn contains(&self, pod: usize) -> bool {
        match self {
            Self::All => true,
            Self::Pods(v) => v.binary_search(&pod).is_ok(),
        }
    }
}

/// Isolation per pod, admitted pods per rule, and the reverse of the
/// ingress rules, for candidate generation.
pub(super) struct Tables<'c> {
    ctx: Ctx<'c>,
    /// `[dir][pod]` -> isolating policies, ascending.
    isolating: [Vec<Vec<usize>>; 2],
    /// `[dir][pod]` -> whether a rule of an isolating policy may admit an
    /// address (it has an `ipBlock` or no peers).
    addresses: [Vec<bool>; 2],
    /// `[policy]` -> pods its `podSelector` selects (empty for a policy of
    /// no type, which isolates nothing).
    selected: Vec<Vec<usize>>,
    /// `[policy][dir][rule]`, filled only where the policy isolates a pod.
    admits: Vec<[Vec<Admitted>; 2]>,
    /// `[pod]` -> ingress-isolating policies with a rule listing the pod.
    ingress_rev: Vec<Vec<usize>>,
    /// Ingress-isolating policies with a rule admitting every pod.
    ingress_all: Vec<usize>,
    /// Total pods selected by `ingress_all`.
    ingress_all_size: usize,
    /// Pods no policy isolates for ingress.
    ingress_open: Vec<usize>,
}

impl<'c> Tables<'c> {
    pub fn build(ctx: Ctx<'c>) -> Self {
        let c = ctx.cluster;
        let index = PodIndex::build(&ctx);
        // Policies resolve on their own: on the available threads, in order.
        let resolved = parallel::in_order(c.policies.len(), POLICIES_PER_THREAD, |part| {
            c.policies[part].iter().map(|pol| resolve(&index, &ctx, pol)).collect::<Vec<_>>()
        });
        let (selected, admits): (Vec<_>, Vec<_>) = resolved.into_iter().flatten().unzip();
        let mut isolating: [Vec<Vec<usize>>; 2] = [vec![Vec::new(); c.pods.len()], vec![Vec::new(); c.pods.len()]];
        let mut addresses = [vec![false; c.pods.len()], vec![false; c.pods.len()]];
        for (p, (pol, sel)) in c.policies.iter().zip(&selected).enumerate() {
            let typed = [pol.types.ingress, pol.types.egress];
            for dir in DIRECTIONS.into_iter().filter(|d| typed[d.slot()]) {
                let d = dir.slot();
                let open = rules(pol, dir)
                    .iter()
                    .any(|r| r.peers.is_empty() || r.peers.iter().any(|p| matches!(p, Peer::IpBlock(_))));
                for &j in sel {
                    isolating[d][j].push(p);
                    addresses[d][j] |= open;
                }
            }
        }
        let mut t = Self {
            ctx,
            isolating,
            addresses,
            selected,
            admits,
            ingress_rev: vec![Vec::new(); c.pods.len()],
            ingress_all: Vec::new(),
            ingress_all_size: 0,
            ingress_open: Vec::new(),
        };
        t.reverse_ingress();
        t
    }

    fn reverse_ingress(&mut self) {
        let ing = Direction::Ingress.slot();
        for (p, per_dir) in self.admits.iter().enumerate() {
            let rules = &per_dir[ing];
            if rules.iter().any(|a| matches!(a, Admitted::All)) {
                self.ingress_all.push(p);
                self.ingress_all_size += self.selected[p].len();
                continue;
            }
            for a in rules {
                if let Admitted::Pods(pods) = a {
                    for &j in pods {
                        if self.ingress_rev[j].last() != Some(&p) {
                            self.ingress_rev[j].push(p);
                        }
                    }
                }
            }
        }
        self.ingress_open = (0..self.ingress_rev.len()).filter(|&j| self.isolating[ing][j].is_empty()).collect();
    }

    /// A superset of the pods `from` may have a non-empty allowed set
    /// with, or `None` for all pods: from the egress side (what the egress
    /// rules isolating `from` admit) or the ingress side (pods not isolated
    /// for ingress, and pods of policies with an ingress rule admitting
    /// `from`), whichever is smaller. Unsorted, possibly with repeats.
    pub fn candidates(&self, from: usize) -> Option<Vec<usize>> {
        let all = self.isolating[0].len();
        let eg = Direction::Egress.slot();
        let egress_rules = || self.isolating[eg][from].iter().flat_map(move |&p| self.admits[p][eg].iter());
        let egress_cost = if self.isolating[eg][from].is_empty() {
            all
        } else {
            egress_rules()
                .map(|a| match a {
                    Admitted::All => all,
                    Admitted::Pods(v) => v.len(),
                })
                .fold(0, usize::saturating_add)
        };
        let ingress_policies = || self.ingress_all.iter().chain(&self.ingress_rev[from]);
        let ingress_cost = self.ingress_open.len()
            + self.ingress_all_size
            + self.ingress_rev[from].iter().map(|&p| self.selected[p].len()).sum::<usize>();
        if egress_cost.min(ingress_cost) >= all {
            None
        } else if egress_cost <= ingress_cost {
            let mut out = Vec::with_capacity(egress_cost);
            for a in egress_rules() {
                if let Admitted::Pods(v) = a {
                    out.extend_from_slice(v);
                }
            }
            Some(out)
        } else {
            let mut out = self.ingress_open.clone();
            for &p in ingress_policies() {
                out.extend_from_slice(&self.selected[p]);
            }
            Some(out)
        }
    }
}

/// The pods `pol` selects, and per direction the pods each of its rules
/// admits (none when it selects no pod: such rules are never asked).
fn resolve(index: &PodIndex<'_>, ctx: &Ctx<'_>, pol: &Policy) -> (Vec<usize>, [Vec<Admitted>; 2]) {
    let sel = selects(index, ctx, pol);
    let admits = DIRECTIONS.map(|d| {
        if sel.is_empty() {
            return Vec::new();
        }
        rules(pol, d).iter().map(|r| admitted(index, ctx, pol, r)).collect()
    });
    (sel, admits)
}

/// The pods `pol` selects, if it has any type (else it selects none).
fn selects(index: &PodIndex<'_>, ctx: &Ctx<'_>, pol: &Policy) -> Vec<usize> {
    if !(pol.types.ingress || pol.types.egress) {
        return Vec::new();
    }
    let pods = &ctx.cluster.pods;
    let sel = &pol.pod_selector;
    index.select(&index.namespace(&pol.namespace), Some(sel), |j| {
        pods[j].namespace == pol.namespace && sel.matches(&pods[j].labels)
    })
}

/// The pods `rule` of `pol` admits.
fn admitted(index: &PodIndex<'_>, ctx: &Ctx<'_>, pol: &Policy, rule: &Rule) -> Admitted {
    if rule.peers.is_empty() {
        return Admitted::All;
    }
    let mut pods = Vec::new();
    for peer in &rule.peers {
        let Peer::Pods { namespace_selector, pod_selector } = peer else {
            continue; // an ipBlock never matches a pod
        };
        let nss = match namespace_selector {
            None => index.namespace(&pol.namespace),
            Some(sel) => index.namespaces(ctx, sel),
        };
        let pod_sel = pod_selector.as_ref().filter(|s| !s.is_empty());
        if matches!(nss, NsSet::All) && pod_sel.is_none() {
            return Admitted::All;
        }
        let found = index.select(&nss, pod_sel, |j| ctx.peer_matches(pol, peer, Endpoint::Pod(j)));
        if pods.is_empty() {
            pods = found;
        } else {
            pods.extend(found);
        }
    }
    if rule.peers.len() > 1 {
        pods.sort_unstable();
        pods.dedup();
    }
    if pods.len() == ctx.cluster.pods.len() { Admitted::All } else { Admitted::Pods(pods) }
}

impl<'c> Oracle<'c> for Tables<'c> {
    fn ctx(&self) -> &Ctx<'c> {
        &self.ctx
    }
    fn isolating(&self, pod: usize, dir: Direction) -> Cow<'_, [usize]> {
        Cow::Borrowed(&self.isolating[dir.slot()][pod])
    }
    fn admits_pod(&self, policy: usize, dir: Direction, rule: usize, pod: usize) -> bool {
        self.admits[policy][dir.slot()][rule].contains(pod)
    }
    fn may_admit_addresses(&self, pod: usize, dir: Direction) -> bool {
        self.addresses[dir.slot()][pod]
    }
}
