//! [`SortedMap`]: the small maps of the model (a pod's named ports)
//! as one boxed slice of pairs sorted by key. Such maps hold one or two
//! entries and are built once; a `BTreeMap` would give each a node with
//! room for eleven. Iteration is in key order, as a `BTreeMap`'s, so what
//! is built from a map reads the same.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;

/// A map as a slice of `(key, value)` sorted by key, keys unique: lookups
/// by binary search, no spare capacity. Built from pairs, where a later
/// pair replaces an earlier one with the same key (as inserting into a
/// `BTreeMap` in turn would).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SortedMap<K, V> {
    entries: Box<[(K, V)]>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self { entries: Box::default() }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// The empty map.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key)).ok().map(|i| &self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.get(key).is_some()
    }

    /// Sets the value of `key`, returning the value it replaces. Costs a
    /// copy of the map: for building, collect pairs instead.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                let mut v = std::mem::take(&mut self.entries).into_vec();
                v.insert(i, (key, value));
                self.entries = v.into_boxed_slice();
                None
            }
        }
    }
}

impl<K, V> SortedMap<K, V> {
    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut v: Vec<(K, V)> = pairs.into_iter().collect();
        if v.is_sorted_by(|a, b| a.0 < b.0) {
            return Self { entries: v.into_boxed_slice() };
        }
        // Stable: of equal keys the pairs stay in input order, so keeping
        // the last of each run keeps the value written last.
        v.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(v.len());
        for pair in v {
            match out.last_mut() {
                Some(last) if last.0 == pair.0 => *last = pair,
                _ => out.push(pair),
            }
        }
        Self { entries: out.into_boxed_slice() }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Ord, V> From<BTreeMap<K, V>> for SortedMap<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        Self { entries: map.into_iter().collect() }
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_vec().into_iter()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    /// As a `BTreeMap` prints: `{k: v, ...}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_a_btreemap_built_from_the_same_pairs() {
        let pairs = [("b", 1), ("a", 2), ("c", 3), ("a", 4), ("b", 5)];
        let sorted: SortedMap<&str, i32> = pairs.into_iter().collect();
        let tree: BTreeMap<&str, i32> = pairs.into_iter().collect();
        assert!(sorted.iter().eq(tree.iter()));
        assert_eq!(format!("{sorted:?}"), format!("{tree:?}"));
        for k in ["a", "b", "c", "d"] {
            assert_eq!(sorted.get(k), tree.get(k));
        }
        assert_eq!(SortedMap::from(tree.clone()), sorted);
    }

    #[test]
    fn insert_keeps_order_and_replaces() {
        let mut m = SortedMap::new();
        assert_eq!(m.insert(2, 'b'), None);
        assert_eq!(m.insert(1, 'a'), None);
        assert_eq!(m.insert(2, 'c'), Some('b'));
        assert!(m.iter().eq([(&1, &'a'), (&2, &'c')]));
        assert_eq!(m.len(), 2);
        assert!(m.contains_key(&1) && !m.contains_key(&3));
    }
}
