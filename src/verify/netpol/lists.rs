//! [`Lists`]: the evaluator's many short index lists (a rule's admitted
//! pods, a pod's isolating policies, ...) in one buffer of `u32`, each
//! list a range of it. A `Vec<Vec<usize>>` would give each list a header,
//! an allocation and spare room, for lists mostly one or two long.

/// Lists numbered `0..`, each a slice of one shared buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Lists {
    /// `[list]` -> where it starts in `items`; one entry more at the end.
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Default for Lists {
    fn default() -> Self {
        Self { starts: vec![0], items: Vec::new() }
    }
}

/// An index as stored: pods and policies number fewer than 2³².
pub(super) fn narrow(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 pods, policies and rules")
}

impl Lists {
    /// The number of lists.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// List `i`.
    pub fn get(&self, i: usize) -> &[u32] {
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// Adds a list at the end.
    pub fn push(&mut self, items: impl IntoIterator<Item = usize>) {
        self.items.extend(items.into_iter().map(narrow));
        self.starts.push(narrow(self.items.len()));
    }

    /// Adds `other`'s lists at the end, in order.
    pub fn append(&mut self, other: &Self) {
        let base = narrow(self.items.len());
        self.items.extend_from_slice(&other.items);
        self.starts.extend(other.starts[1..].iter().map(|s| base + s));
    }

    /// `lists` lists where list `l` holds, ascending and without repeats,
    /// the `item` of every `(l, item)` of `pairs`.
    pub fn grouped(lists: usize, mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let mut starts = Vec::with_capacity(lists + 1);
        let mut at = 0;
        for l in 0..=lists {
            while pairs.get(at).is_some_and(|&(owner, _)| (owner as usize) < l) {
                at += 1;
            }
            starts.push(narrow(at));
        }
        Self { starts, items: pairs.into_iter().map(|(_, item)| item).collect() }
    }

    /// Drops spare room, once built.
    pub fn shrink_to_fit(&mut self) {
        self.starts.shrink_to_fit();
        self.items.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_appended_and_grouped_lists_read_back() {
        let mut a = Lists::default();
        a.push([3, 1]);
        a.push([]);
        let mut b = Lists::default();
        b.push([7]);
        a.append(&b);
        assert_eq!(a.len(), 3);
        assert_eq!((a.get(0), a.get(1), a.get(2)), (&[3, 1][..], &[][..], &[7][..]));
        let g = Lists::grouped(4, vec![(2, 5), (0, 9), (2, 1), (2, 5)]);
        assert_eq!(g.len(), 4);
        assert_eq!((g.get(0), g.get(1), g.get(2), g.get(3)), (&[9][..], &[][..], &[1, 5][..], &[][..]));
    }
}
