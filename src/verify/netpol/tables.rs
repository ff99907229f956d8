//! Precomputed tables for the [`Evaluator`](super::Evaluator): which
//! policies isolate each pod, and per rule the sorted list of pods its peers
//! admit, all resolved through the inverted indexes of `index` (no rule is
//! evaluated against every pod), a policy at a time on the available
//! threads. From them, the candidate peers of a pod: the only pods it may
//! have a non-empty allowed set with.

use std::borrow::Cow;

use super::eval::{Ctx, Oracle, rules};
use super::index::{NsSet, PodIndex};
use super::lists::{Lists, narrow};
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

/// What the rules of some consecutive policies admit, and the pods each
/// selects: one part of [`Tables`], resolved on one thread.
#[derive(Default)]
struct Resolved {
    /// `[policy]` -> pods its `podSelector` selects (none for a policy of
    /// no type, which isolates nothing).
    selected: Lists,
    /// `[policy * 2 + dir]` -> how many rules it has in `admits`.
    rules: Vec<u32>,
    /// `[rule]` -> the pods it admits (none when it admits all).
    admits: Lists,
    /// `[rule]` -> whether it admits every pod.
    admits_all: Vec<bool>,
}

/// Isolation per pod, admitted pods per rule, and the reverse of the
/// ingress rules, for candidate generation. Index lists are [`Lists`].
pub(super) struct Tables<'c> {
    ctx: Ctx<'c>,
    /// `[dir]`: `[pod]` -> isolating policies, ascending.
    isolating: [Lists; 2],
    /// `[dir][pod]` -> whether a rule of an isolating policy may admit an
    /// address (it has an `ipBlock` or no peers).
    addresses: [Vec<bool>; 2],
    /// `[policy]` -> pods its `podSelector` selects (empty for a policy of
    /// no type, which isolates nothing).
    selected: Lists,
    /// `[policy * 2 + dir]` -> its first rule in `admits`; one more at the
    /// end. A policy has rules there only where it isolates a pod.
    first_rule: Vec<u32>,
    /// `[rule]` -> the pods it admits, ascending (none when it admits all).
    admits: Lists,
    /// `[rule]` -> whether it admits every pod.
    admits_all: Vec<bool>,
    /// `[pod]` -> ingress-isolating policies with a rule listing the pod.
    ingress_rev: Lists,
    /// Ingress-isolating policies with a rule admitting every pod.
    ingress_all: Vec<u32>,
    /// Total pods selected by `ingress_all`.
    ingress_all_size: usize,
    /// Pods no policy isolates for ingress.
    ingress_open: Vec<u32>,
}

impl<'c> Tables<'c> {
    pub fn build(ctx: Ctx<'c>) -> Self {
        let c = ctx.cluster;
        let index = PodIndex::build(&ctx);
        // Policies resolve on their own: on the available threads, in order.
        let parts = parallel::in_order(c.policies.len(), POLICIES_PER_THREAD, |part| {
            let mut r = Resolved::default();
            for pol in &c.policies[part] {
                resolve(&index, &ctx, pol, &mut r);
            }
            r
        });
        drop(index);
        let mut all = Resolved::default();
        for part in &parts {
            all.selected.append(&part.selected);
            all.rules.extend_from_slice(&part.rules);
            all.admits.append(&part.admits);
            all.admits_all.extend_from_slice(&part.admits_all);
        }
        drop(parts);
        let Resolved { mut selected, rules: counts, mut admits, admits_all } = all;
        selected.shrink_to_fit();
        admits.shrink_to_fit();
        let mut first_rule = Vec::with_capacity(counts.len() + 1);
        first_rule.push(0);
        for n in counts {
            first_rule.push(first_rule[first_rule.len() - 1] + n);
        }
        let mut isolated: [Vec<(u32, u32)>; 2] = [Vec::new(), Vec::new()];
        let mut addresses = [vec![false; c.pods.len()], vec![false; c.pods.len()]];
        for (p, pol) in c.policies.iter().enumerate() {
            let typed = [pol.types.ingress, pol.types.egress];
            for dir in DIRECTIONS.into_iter().filter(|d| typed[d.slot()]) {
                let d = dir.slot();
                let open = rules(pol, dir).iter().any(|r| {
                    r.peers.is_empty() || r.peers.iter().any(|p| matches!(p, Peer::IpBlock(_) | Peer::Entity(_)))
                });
                for &j in selected.get(p) {
                    isolated[d].push((j, narrow(p)));
                    addresses[d][j as usize] |= open;
                }
            }
        }
        let isolating = isolated.map(|pairs| Lists::grouped(c.pods.len(), pairs));
        let mut t = Self {
            ctx,
            isolating,
            addresses,
            selected,
            first_rule,
            admits,
            admits_all,
            ingress_rev: Lists::default(),
            ingress_all: Vec::new(),
            ingress_all_size: 0,
            ingress_open: Vec::new(),
        };
        t.reverse_ingress();
        t
    }

    /// The slots in `admits` of the rules of `policy` for `dir`.
    fn rule_slots(&self, policy: usize, dir: Direction) -> std::ops::Range<usize> {
        let at = policy * 2 + dir.slot();
        self.first_rule[at] as usize..self.first_rule[at + 1] as usize
    }

    /// The pods rule `slot` admits: `None` for all.
    fn admitted(&self, slot: usize) -> Option<&[u32]> {
        (!self.admits_all[slot]).then(|| self.admits.get(slot))
    }

    fn reverse_ingress(&mut self) {
        let ing = Direction::Ingress;
        let mut listed: Vec<(u32, u32)> = Vec::new();
        for p in 0..self.selected.len() {
            let slots = self.rule_slots(p, ing);
            if slots.clone().any(|r| self.admits_all[r]) {
                self.ingress_all.push(narrow(p));
                self.ingress_all_size += self.selected.get(p).len();
                continue;
            }
            for r in slots {
                listed.extend(self.admits.get(r).iter().map(|&j| (j, narrow(p))));
            }
        }
        let pods = self.addresses[0].len();
        self.ingress_rev = Lists::grouped(pods, listed);
        let isolating = &self.isolating[ing.slot()];
        self.ingress_open = (0..pods).filter(|&j| isolating.get(j).is_empty()).map(narrow).collect();
    }

    /// A superset of the pods `from` may have a non-empty allowed set
    /// with, or `None` for all pods: from the egress side (what the egress
    /// rules isolating `from` admit) or the ingress side (pods not isolated
    /// for ingress, and pods of policies with an ingress rule admitting
    /// `from`), whichever is smaller. Unsorted, possibly with repeats.
    pub fn candidates(&self, from: usize) -> Option<Vec<usize>> {
        let all = self.addresses[0].len();
        let eg = Direction::Egress;
        let isolating = self.isolating[eg.slot()].get(from);
        let egress_rules = || isolating.iter().flat_map(move |&p| self.rule_slots(p as usize, eg));
        let egress_cost = if isolating.is_empty() {
            all
        } else {
            egress_rules().map(|r| self.admitted(r).map_or(all, <[u32]>::len)).fold(0, usize::saturating_add)
        };
        let rev = self.ingress_rev.get(from);
        let ingress_cost = self.ingress_open.len()
            + self.ingress_all_size
            + rev.iter().map(|&p| self.selected.get(p as usize).len()).sum::<usize>();
        if egress_cost.min(ingress_cost) >= all {
            None
        } else if egress_cost <= ingress_cost {
            let mut out = Vec::with_capacity(egress_cost);
            for r in egress_rules() {
                out.extend(self.admitted(r).unwrap_or_default().iter().map(|&j| j as usize));
            }
            Some(out)
        } else {
            let mut out: Vec<usize> = self.ingress_open.iter().map(|&j| j as usize).collect();
            for &p in self.ingress_all.iter().chain(rev) {
                out.extend(self.selected.get(p as usize).iter().map(|&j| j as usize));
            }
            Some(out)
        }
    }
}

/// Adds to `out` the pods `pol` selects, and per direction the pods each
/// of its rules admits (no rules when it selects no pod: such rules are
/// never asked).
fn resolve(index: &PodIndex<'_>, ctx: &Ctx<'_>, pol: &Policy, out: &mut Resolved) {
    let sel = selects(index, ctx, pol);
    for d in DIRECTIONS {
        let rules = if sel.is_empty() { &[][..] } else { rules(pol, d) };
        for r in rules {
            match admitted(index, ctx, pol, r) {
                Admitted::All => {
                    out.admits.push([]);
                    out.admits_all.push(true);
                }
                Admitted::Pods(pods) => {
                    out.admits.push(pods);
                    out.admits_all.push(false);
                }
            }
        }
        out.rules.push(narrow(rules.len()));
    }
    out.selected.push(sel);
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
            continue; // an ipBlock or an entity never matches a pod
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
    fn isolating(&self, pod: usize, dir: Direction) -> Cow<'_, [u32]> {
        Cow::Borrowed(self.isolating[dir.slot()].get(pod))
    }
    fn admits_pod(&self, policy: usize, dir: Direction, rule: usize, pod: usize) -> bool {
        let slots = self.rule_slots(policy, dir);
        assert!(rule < slots.len(), "rule {rule} of policy {policy} is not resolved");
        self.admitted(slots.start + rule).is_none_or(|pods| pods.binary_search(&narrow(pod)).is_ok())
    }
    fn may_admit_addresses(&self, pod: usize, dir: Direction) -> bool {
        self.addresses[dir.slot()][pod]
    }
}
