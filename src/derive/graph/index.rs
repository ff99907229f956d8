//! The graph's lookups: node and edge numbers ordered by id, namespace,
//! source or target, searched by bisection ([`run`]).

use super::{Edge, GraphNode};

/// Lookups built once, so derivation stays linear in the size of the graph:
/// node and edge numbers ordered by a key (ties by number), searched by
/// bisection. Four `u32`s an item, where maps would clone every key.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    /// Nodes by id.
    pub node: Vec<u32>,
    /// Edges by `from`.
    pub from: Vec<u32>,
    /// Edges by `to`.
    pub to: Vec<u32>,
    /// Nodes by namespace.
    pub namespace: Vec<u32>,
}

impl Index {
    /// The lookups of `nodes` and `edges`.
    pub fn new(nodes: &[GraphNode], edges: &[Edge]) -> Self {
        Self {
            node: ordered(nodes, node_id),
            from: ordered(edges, edge_from),
            to: ordered(edges, edge_to),
            namespace: ordered(nodes, node_namespace),
        }
    }
}

/// The numbers of `items` ordered by `key`, ties by number.
fn ordered<T>(items: &[T], key: impl Fn(&T) -> &str) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len()).map(|i| u32::try_from(i).expect("fewer than 2^32 items")).collect();
    let key_of = |i: u32| key(&items[i as usize]);
    if !order.is_sorted_by(|&a, &b| key_of(a) <= key_of(b)) {
        // Stable: numbers with one key stay in order.
        order.sort_by(|&a, &b| key_of(a).cmp(key_of(b)));
    }
    order
}

/// The run of `order` (built by [`ordered`]) whose items' key is `k`.
pub(super) fn run<'o, T>(order: &'o [u32], items: &[T], key: impl Fn(&T) -> &str, k: &str) -> &'o [u32] {
    let key_of = |i: u32| key(&items[i as usize]);
    let start = order.partition_point(|&i| key_of(i) < k);
    let len = order[start..].partition_point(|&i| key_of(i) == k);
    &order[start..start + len]
}

pub(super) fn node_id(n: &GraphNode) -> &str {
    &n.id
}

pub(super) fn node_namespace(n: &GraphNode) -> &str {
    &n.namespace
}

pub(super) fn edge_from(e: &Edge) -> &str {
    &e.from
}

pub(super) fn edge_to(e: &Edge) -> &str {
    &e.to
}
