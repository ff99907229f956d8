//! All-pairs reachability ([`Cluster::reachability`]) in near-linear time:
//! the `tables` resolve every rule through inverted indexes once, then each
//! pod is paired only with its candidate peers (the pods its egress rules
//! admit, or the pods whose ingress rules admit it, whichever is fewer);
//! every other pair is denied by one side and has nothing to report. Each
//! visited pair goes through the same `pair` function as
//! [`Cluster::allowed`], and the output is produced already sorted.

use std::net::IpAddr;

use super::eval::{Ctx, pair};
use super::model::{Cluster, Endpoint, Reach};
use super::tables::Tables;

impl Cluster {
    /// Every pod -> pod, pod -> external and external -> pod pair with a
    /// non-empty allowed set (pod -> itself included: it stands for one
    /// replica of a workload talking to another). `externals` is
    /// deduplicated. Sorted by `from` then `to`, pods (by id) before
    /// externals (by address).
    ///
    /// Costs about O(pods × candidate peers × rules per pod), plus
    /// O(pods × externals), instead of visiting all pairs.
    #[must_use]
    pub fn reachability(&self, externals: &[IpAddr]) -> Vec<Reach> {
        let ctx = Ctx::new(self);
        let tables = Tables::build(&ctx);
        let mut ext = externals.to_vec();
        ext.sort_unstable();
        ext.dedup();
        let exts = || ext.iter().copied().map(Endpoint::External);
        // Pods in output order (by id, then index), and each pod's rank.
        let mut order: Vec<usize> = (0..self.pods.len()).collect();
        order.sort_by(|&a, &b| (self.pods[a].id.as_str(), a).cmp(&(self.pods[b].id.as_str(), b)));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        let mut out = Vec::new();
        let mut push = |from, to| {
            let allowed = pair(&tables, from, to);
            if !allowed.is_empty() {
                out.push(Reach { from, to, allowed });
            }
        };
        for &a in &order {
            let from = Endpoint::Pod(a);
            match tables.candidates(a) {
                Some(mut cands) => {
                    cands.sort_unstable_by_key(|&b| rank[b]);
                    cands.dedup();
                    for b in cands {
                        push(from, Endpoint::Pod(b));
                    }
                }
                None => {
                    for &b in &order {
                        push(from, Endpoint::Pod(b));
                    }
                }
            }
            for to in exts() {
                push(from, to);
            }
        }
        for from in exts() {
            for &b in &order {
                push(from, Endpoint::Pod(b));
            }
        }
        out
    }
}
