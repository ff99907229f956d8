//! Inverted indexes that answer label selectors without scanning every pod:
//! [`LabelIndex`] maps `(key, value)` and `key` to the sorted items carrying
//! them, and [`PodIndex`] adds the pods of each namespace and an index over
//! the namespaces' labels (their implicit name label included).
//!
//! Indexes only narrow: they yield a superset of the matching items, and the
//! caller filters it with the exact predicate of `eval`, which stays the
//! single source of truth for the semantics.

use std::borrow::Cow;
use std::iter;

use super::eval::Ctx;
use super::hash::FastMap;
use super::model::{Cluster, NAMESPACE_NAME_LABEL};
use super::selector::{LabelSelector, Operator, Requirement};

/// The items carrying one label key: all of them, and those per value.
#[derive(Default)]
struct KeyPostings<'c> {
    any: Vec<usize>,
    by_value: FastMap<&'c str, Vec<usize>>,
}

/// Items (numbered `0..`) by label; every posting list is ascending.
#[derive(Default)]
pub(super) struct LabelIndex<'c> {
    keys: FastMap<&'c str, KeyPostings<'c>>,
}

impl<'c> LabelIndex<'c> {
    /// Indexes `items`, the labels of item `i` being the `i`-th entry.
    fn build<L>(items: impl IntoIterator<Item = L>) -> Self
    where
        L: IntoIterator<Item = (&'c str, &'c str)>,
    {
        let mut index = Self::default();
        for (i, labels) in items.into_iter().enumerate() {
            for (k, v) in labels {
                let postings = index.keys.entry(k).or_default();
                postings.any.push(i);
                postings.by_value.entry(v).or_default().push(i);
            }
        }
        index
    }

    fn with_value(&self, k: &str, v: &str) -> &[usize] {
        self.keys.get(k).and_then(|p| p.by_value.get(v)).map_or(&[], Vec::as_slice)
    }

    fn with_key(&self, k: &str) -> &[usize] {
        self.keys.get(k).map_or(&[], |p| p.any.as_slice())
    }

    /// The posting lists of the values of an `In` requirement.
    fn in_lists<'s>(&'s self, r: &'s Requirement) -> impl Iterator<Item = &'s [usize]> {
        r.values.iter().map(|v| self.with_value(&r.key, v))
    }

    /// An ascending superset of the items `sel` matches, from its most
    /// selective `matchLabels` pair, `In` or `Exists` term; `None` when no
    /// term narrows (`{}`, or only `NotIn`/`DoesNotExist`).
    pub fn candidates(&self, sel: &LabelSelector) -> Option<Cow<'_, [usize]>> {
        let exprs = |op: Operator| sel.match_expressions.iter().filter(move |r| r.operator == op);
        let single = sel
            .match_labels
            .iter()
            .map(|(k, v)| self.with_value(k, v))
            .chain(exprs(Operator::Exists).map(|r| self.with_key(&r.key)))
            .min_by_key(|l| l.len());
        let union = exprs(Operator::In)
            .map(|r| (r, self.in_lists(r).map(<[usize]>::len).sum::<usize>()))
            .min_by_key(|&(_, len)| len);
        if let Some(l) = single
            && union.is_none_or(|(_, len)| l.len() <= len)
        {
            return Some(Cow::Borrowed(l));
        }
        let (r, _) = union?;
        let mut all: Vec<usize> = self.in_lists(r).flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        Some(Cow::Owned(all))
    }
}

/// A set of namespaces (indices into [`PodIndex`]'s namespaces with pods).
pub(super) enum NsSet {
    /// Every namespace that has pods.
    All,
    /// One namespace: a policy's own (kept apart, as it needs no vector).
    One(usize),
    Some(Vec<usize>),
}

/// Pods by label and by namespace, and namespaces by label.
pub(super) struct PodIndex<'c> {
    pods: usize,
    labels: LabelIndex<'c>,
    /// Namespaces that have pods, in order of first pod.
    ns_ids: FastMap<&'c str, usize>,
    /// Per namespace, its pods (ascending).
    members: Vec<Vec<usize>>,
    /// The namespaces' labels, as `Ctx` reads them.
    ns_labels: LabelIndex<'c>,
    ns_names: Vec<&'c str>,
}

impl<'c> PodIndex<'c> {
    pub fn build(ctx: &Ctx<'c>) -> Self {
        let c: &'c Cluster = ctx.cluster;
        let mut ns_ids: FastMap<&'c str, usize> = FastMap::default();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut ns_names = Vec::new();
        for (i, p) in c.pods.iter().enumerate() {
            let id = *ns_ids.entry(p.namespace.as_str()).or_insert_with(|| {
                ns_names.push(p.namespace.as_str());
                members.push(Vec::new());
                members.len() - 1
            });
            members[id].push(i);
        }
        let labels = LabelIndex::build(c.pods.iter().map(|p| p.labels.iter()));
        let ns_labels = LabelIndex::build(ns_names.iter().map(|&name| {
            let declared = ctx.ns_labels(name).into_iter().flatten();
            declared.filter(|&(k, _)| k != NAMESPACE_NAME_LABEL).chain(iter::once((NAMESPACE_NAME_LABEL, name)))
        }));
        Self { pods: c.pods.len(), labels, ns_ids, members, ns_labels, ns_names }
    }

    /// The namespace named `name`: none when it has no pods.
    pub fn namespace(&self, name: &str) -> NsSet {
        self.ns_ids.get(name).map_or(NsSet::Some(Vec::new()), |&n| NsSet::One(n))
    }

    /// The namespaces with pods that `sel` matches.
    pub fn namespaces(&self, ctx: &Ctx<'_>, sel: &LabelSelector) -> NsSet {
        if sel.is_empty() {
            return NsSet::All;
        }
        let matching: Vec<usize> = match self.ns_labels.candidates(sel) {
            Some(cands) => cands.iter().copied().filter(|&n| self.ns_match(ctx, sel, n)).collect(),
            None => (0..self.ns_names.len()).filter(|&n| self.ns_match(ctx, sel, n)).collect(),
        };
        if matching.len() == self.ns_names.len() { NsSet::All } else { NsSet::Some(matching) }
    }

    fn ns_match(&self, ctx: &Ctx<'_>, sel: &LabelSelector, n: usize) -> bool {
        self.ns_names.get(n).is_some_and(|name| ctx.ns_matches(sel, name))
    }

    /// The pods `keep` accepts among the pods of `nss` that `sel` may
    /// match, ascending. `keep` is the exact predicate and must itself check
    /// the namespace and `sel`: candidates come from whichever is smaller,
    /// the namespaces' pods or `sel`'s posting lists over all namespaces.
    pub fn select(&self, nss: &NsSet, sel: Option<&LabelSelector>, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let scan_cost = match nss {
            NsSet::All => self.pods,
            NsSet::One(n) => self.members[*n].len(),
            NsSet::Some(ns) => ns.iter().map(|&n| self.members[n].len()).sum(),
        };
        if let Some(cands) = sel.and_then(|s| self.labels.candidates(s))
            && cands.len() < scan_cost
        {
            return cands.iter().copied().filter(|&j| keep(j)).collect();
        }
        match nss {
            NsSet::All => (0..self.pods).filter(|&j| keep(j)).collect(),
            NsSet::One(n) => self.members[*n].iter().copied().filter(|&j| keep(j)).collect(),
            NsSet::Some(ns) => {
                let mut out: Vec<usize> =
                    ns.iter().flat_map(|&n| self.members[n].iter().copied()).filter(|&j| keep(j)).collect();
                if ns.len() > 1 {
                    out.sort_unstable();
                }
                out
            }
        }
    }
}
