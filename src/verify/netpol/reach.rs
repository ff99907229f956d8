//! Reachability over many pairs in near-linear time: an [`Evaluator`]
//! resolves every rule through the inverted indexes of `tables` once, then
//! answers one row at a time: a pod is paired only with its candidate peers
//! (the pods its egress rules admit, or the pods whose ingress rules admit
//! it, whichever is fewer); every other pair is denied by one side and has
//! nothing to report. [`Cluster::reachability`] is all the rows at once.
//! Each visited pair goes through the same `pair` function as
//! [`Cluster::allowed`].

use std::net::IpAddr;

use super::eval::{Ctx, pair};
use super::model::{Cluster, Endpoint, Reach};
use super::ports::Allowed;
use super::tables::Tables;

/// The cluster's policies resolved for many queries, so that a caller can
/// walk reachability row by row and keep only one row at a time. Built by
/// [`Cluster::evaluator`]; shareable between threads.
pub struct Evaluator<'c> {
    tables: Tables<'c>,
    /// Pod indices in output order: by id, then by index.
    order: Vec<usize>,
    /// Each pod's position in `order`.
    rank: Vec<usize>,
}

impl Cluster {
    /// Resolves the policies once for [`Evaluator::allowed`] and
    /// [`Evaluator::reachable_from`].
    #[must_use]
    pub fn evaluator(&self) -> Evaluator<'_> {
        let tables = Tables::build(Ctx::new(self));
        let mut order: Vec<usize> = (0..self.pods.len()).collect();
        order.sort_by(|&a, &b| (self.pods[a].id.as_str(), a).cmp(&(self.pods[b].id.as_str(), b)));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        Evaluator { tables, order, rank }
    }

    /// Every pod -> pod, pod -> external and external -> pod pair with a
    /// non-empty allowed set (pod -> itself included: it stands for one
    /// replica of a workload talking to another). `externals` is
    /// deduplicated. Sorted by `from` then `to`, pods (by id) before
    /// externals (by address).
    ///
    /// Costs about O(pods × candidate peers × rules per pod), plus
    /// O(pods × externals), instead of visiting all pairs. The result holds
    /// every reachable pair at once: to bound memory, walk the rows of an
    /// [`Evaluator`] instead.
    #[must_use]
    pub fn reachability(&self, externals: &[IpAddr]) -> Vec<Reach> {
        let evaluator = self.evaluator();
        let mut ext = externals.to_vec();
        ext.sort_unstable();
        ext.dedup();
        let exts = || ext.iter().copied().map(Endpoint::External);
        let mut out = Vec::new();
        let mut row = Vec::new();
        let mut push = |from, to, allowed: Allowed| {
            if !allowed.is_empty() {
                out.push(Reach { from, to, allowed });
            }
        };
        for &a in evaluator.pods_in_order() {
            let from = Endpoint::Pod(a);
            evaluator.reachable_from(a, &mut row);
            for (b, allowed) in row.drain(..) {
                push(from, Endpoint::Pod(b), allowed);
            }
            for to in exts() {
                push(from, to, evaluator.allowed(from, to));
            }
        }
        for from in exts() {
            for &b in evaluator.pods_in_order() {
                push(from, Endpoint::Pod(b), evaluator.allowed(from, Endpoint::Pod(b)));
            }
        }
        out
    }
}

impl Evaluator<'_> {
    /// Ports `from` may connect to on `to`: the same as
    /// [`Cluster::allowed`], from the resolved tables.
    ///
    /// # Panics
    /// If an [`Endpoint::Pod`] index is out of range of [`Cluster::pods`].
    #[must_use]
    pub fn allowed(&self, from: Endpoint, to: Endpoint) -> Allowed {
        pair(&self.tables, from, to)
    }

    /// The pod indices, by id then index: the order of every row.
    #[must_use]
    pub fn pods_in_order(&self) -> &[usize] {
        &self.order
    }

    /// One row of pod -> pod reachability: replaces `out` with every pod
    /// that pod `from` may reach, with its non-empty allowed set, in
    /// [`Self::pods_in_order`] order. Pods outside the row are denied.
    ///
    /// # Panics
    /// If `from` is out of range of [`Cluster::pods`].
    pub fn reachable_from(&self, from: usize, out: &mut Vec<(usize, Allowed)>) {
        out.clear();
        let mut push = |b: usize| {
            let allowed = self.allowed(Endpoint::Pod(from), Endpoint::Pod(b));
            if !allowed.is_empty() {
                out.push((b, allowed));
            }
        };
        match self.tables.candidates(from) {
            Some(mut cands) => {
                cands.sort_unstable_by_key(|&b| self.rank[b]);
                cands.dedup();
                cands.into_iter().for_each(&mut push);
            }
            None => self.order.iter().copied().for_each(&mut push),
        }
    }
}
