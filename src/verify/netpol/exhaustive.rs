//! The reference all-pairs evaluation ([`Cluster::reachability_exhaustive`],
//! for tests): evaluates every rule against every pod into bitsets, then
//! every pair, in O(pods²). [`Cluster::reachability`] must agree with it.

use std::borrow::Cow;
use std::net::IpAddr;

use super::eval::{Ctx, Oracle, pair, rules};
use super::lists::narrow;
use super::model::{Cluster, Direction, Endpoint, Reach};

/// Precomputed isolation per pod and matching pods per rule.
struct BitIndex<'a, 'c> {
    ctx: &'a Ctx<'c>,
    /// `[dir][pod]` -> isolating policies.
    isolating: [Vec<Vec<u32>>; 2],
    /// `[policy][dir][rule]` -> bitset over pods admitted by the rule's peers
    /// (empty vectors for policies that isolate no pod in `dir`).
    admits: Vec<[Vec<Vec<u64>>; 2]>,
}

impl<'a, 'c> BitIndex<'a, 'c> {
    fn build(ctx: &'a Ctx<'c>) -> Self {
        let c = ctx.cluster;
        let dirs = [Direction::Ingress, Direction::Egress];
        let isolating: [Vec<Vec<u32>>; 2] =
            dirs.map(|d| (0..c.pods.len()).map(|i| ctx.isolating(i, d).into_iter().map(narrow).collect()).collect());
        let mut used = vec![[false; 2]; c.policies.len()];
        for (d, per_pod) in isolating.iter().enumerate() {
            for &p in per_pod.iter().flatten() {
                used[p as usize][d] = true;
            }
        }
        let words = c.pods.len().div_ceil(64);
        let admits = c
            .policies
            .iter()
            .zip(&used)
            .map(|(pol, used)| {
                dirs.map(|d| {
                    if !used[d.slot()] {
                        return Vec::new();
                    }
                    rules(pol, d)
                        .iter()
                        .map(|rule| {
                            let mut bits = vec![0u64; words];
                            for j in 0..c.pods.len() {
                                if ctx.rule_admits(pol, rule, Endpoint::Pod(j)) {
                                    bits[j / 64] |= 1 << (j % 64);
                                }
                            }
                            bits
                        })
                        .collect()
                })
            })
            .collect();
        Self { ctx, isolating, admits }
    }
}

impl<'c> Oracle<'c> for BitIndex<'_, 'c> {
    fn ctx(&self) -> &Ctx<'c> {
        self.ctx
    }
    fn isolating(&self, pod: usize, dir: Direction) -> Cow<'_, [u32]> {
        Cow::Borrowed(&self.isolating[dir.slot()][pod])
    }
    fn admits_pod(&self, policy: usize, dir: Direction, rule: usize, pod: usize) -> bool {
        self.admits[policy][dir.slot()][rule][pod / 64] >> (pod % 64) & 1 == 1
    }
}

impl Cluster {
    /// Same result as [`Cluster::reachability`], computed by visiting every
    /// pair: the reference the indexed evaluation is tested against (for
    /// tests; quadratic in the number of pods).
    #[must_use]
    pub fn reachability_exhaustive(&self, externals: &[IpAddr]) -> Vec<Reach> {
        let ctx = Ctx::new(self);
        let index = BitIndex::build(&ctx);
        let mut ext = externals.to_vec();
        ext.sort_unstable();
        ext.dedup();
        let pods = || (0..self.pods.len()).map(Endpoint::Pod);
        let exts = || ext.iter().copied().map(Endpoint::External);
        let pairs = pods()
            .flat_map(|f| pods().chain(exts()).map(move |t| (f, t)))
            .chain(exts().flat_map(|f| pods().map(move |t| (f, t))));
        let mut out: Vec<Reach> = pairs
            .filter_map(|(from, to)| {
                let allowed = pair(&index, from, to);
                (!allowed.is_empty()).then_some(Reach { from, to, allowed })
            })
            .collect();
        let key = |e: Endpoint| match e {
            Endpoint::Pod(i) => (0, Some((self.pods[i].id.as_str(), i)), None),
            Endpoint::External(ip) => (1, None, Some(ip)),
        };
        out.sort_by(|a, b| (key(a.from), key(a.to)).cmp(&(key(b.from), key(b.to))));
        out
    }
}
