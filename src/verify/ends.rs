//! The proof's endpoints inside the cluster, numbered: every pod of the
//! evaluated cluster, every node of the graph and every end of its edges,
//! one [`End`] per id, in id order. The number of an end (its rank) is what
//! rows and edges refer to, so the proof compares integers, not strings,
//! and its order is the order of ids.

use super::netpol::Cluster;
use super::netpol::hash::FastMap;
use crate::derive::{Graph, GraphNode};

/// One id: the graph's node and the cluster's pod that carry it, if any.
pub(super) struct End<'a> {
    pub id: &'a str,
    pub node: Option<&'a GraphNode>,
    /// Index into [`Cluster::pods`].
    pub pod: Option<usize>,
}

impl End<'_> {
    /// Whether stackc writes the policies of this end's namespace.
    pub fn managed(&self) -> bool {
        self.node.is_some_and(|n| n.managed)
    }
}

/// Every end by rank, and the rank of each id and each pod.
pub(super) struct Ends<'a> {
    pub list: Vec<End<'a>>,
    rank: FastMap<&'a str, usize>,
    /// `[pod]` -> its rank.
    pub of_pod: Vec<usize>,
}

/// Two pods, or two graph nodes, with one id: pairs could not be told apart.
pub(super) struct Duplicate<'a>(pub &'a str);

impl<'a> Ends<'a> {
    /// The ends of `graph` and `cluster`.
    ///
    /// # Errors
    /// An id that two pods, or two graph nodes, carry.
    pub fn new(graph: &'a Graph, cluster: &'a Cluster) -> Result<Self, Duplicate<'a>> {
        let mut list: Vec<End<'a>> = Vec::with_capacity(graph.nodes.len().max(cluster.pods.len()));
        let mut rank: FastMap<&'a str, usize> = FastMap::with_capacity_and_hasher(list.capacity(), Default::default());
        for node in &graph.nodes {
            if rank.insert(&node.id, list.len()).is_some() {
                return Err(Duplicate(&node.id));
            }
            list.push(End { id: &node.id, node: Some(node), pod: None });
        }
        for (i, pod) in cluster.pods.iter().enumerate() {
            let at = *rank.entry(&pod.id).or_insert_with(|| {
                list.push(End { id: &pod.id, node: None, pod: None });
                list.len() - 1
            });
            let end = &mut list[at];
            if end.pod.replace(i).is_some() {
                return Err(Duplicate(&pod.id));
            }
        }
        for id in graph.edges.iter().flat_map(|e| [e.from.as_str(), e.to.as_str()]) {
            rank.entry(id).or_insert_with(|| {
                list.push(End { id, node: None, pod: None });
                list.len() - 1
            });
        }
        // Graph nodes come sorted by id, and pods and edge ends name them:
        // then this is all. Otherwise sort, and number again.
        if !list.is_sorted_by(|a, b| a.id < b.id) {
            list.sort_unstable_by(|a, b| a.id.cmp(b.id));
            for (r, end) in list.iter().enumerate() {
                rank.insert(end.id, r);
            }
        }
        let mut of_pod = vec![0; cluster.pods.len()];
        for (r, end) in list.iter().enumerate() {
            if let Some(p) = end.pod {
                of_pod[p] = r;
            }
        }
        Ok(Self { list, rank, of_pod })
    }

    /// The rank of `id` (an id of the graph or of a pod).
    pub fn rank(&self, id: &str) -> Option<usize> {
        self.rank.get(id).copied()
    }

    pub fn get(&self, rank: usize) -> &End<'a> {
        &self.list[rank]
    }

    /// Whether either end is managed: the pairs the proof covers.
    pub fn covers(&self, a: usize, b: usize) -> bool {
        self.get(a).managed() || self.get(b).managed()
    }
}
