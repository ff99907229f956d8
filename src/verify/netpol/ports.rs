//! Port arithmetic: [`Protocol`], [`PortSet`] (a set of ports in
//! `1..=65535` kept as sorted, disjoint, non-adjacent inclusive ranges) and
//! [`Allowed`] (one `PortSet` per protocol). All operations work on ranges,
//! never on individual ports.

use std::fmt;
use std::ops::RangeInclusive;

/// A transport protocol `NetworkPolicy` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// Every protocol, in a fixed order.
    pub const ALL: [Self; 3] = [Self::Tcp, Self::Udp, Self::Sctp];

    /// The protocol as spelled in the API (`TCP`, `UDP`, `SCTP`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Udp => "UDP",
            Self::Sctp => "SCTP",
        }
    }

    /// Parses the API spelling (case-sensitive, as the API server is).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn slot(self) -> usize {
        match self {
            Self::Tcp => 0,
            Self::Udp => 1,
            Self::Sctp => 2,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of ports within `1..=65535`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PortSet {
    /// Sorted, disjoint, non-adjacent, each `lo <= hi`, `lo >= 1`.
    ranges: Vec<(u16, u16)>,
}

impl PortSet {
    /// Smallest port a set can hold (port 0 is not a connectable port).
    pub const MIN: u16 = 1;
    /// Largest port.
    pub const MAX: u16 = u16::MAX;

    /// No port.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every port `1..=65535`.
    #[must_use]
    pub fn all() -> Self {
        Self::range(Self::MIN, Self::MAX)
    }

    /// Ports `lo..=hi` (port 0 is dropped; empty when `lo > hi`).
    #[must_use]
    pub fn range(lo: u16, hi: u16) -> Self {
        let mut s = Self::empty();
        s.insert_range(lo, hi);
        s
    }

    /// One port (empty for port 0).
    #[must_use]
    pub fn single(port: u16) -> Self {
        Self::range(port, port)
    }

    /// Adds ports `lo..=hi`, merging with overlapping or adjacent ranges.
    pub fn insert_range(&mut self, lo: u16, hi: u16) {
        let lo = lo.max(Self::MIN);
        if lo > hi {
            return;
        }
        // First range that ends at or after lo-1 (could touch or overlap).
        let start = self.ranges.partition_point(|&(_, h)| u32::from(h) + 1 < u32::from(lo));
        // First range that starts after hi+1 (cannot touch).
        let end = self.ranges.partition_point(|&(l, _)| u32::from(l) <= u32::from(hi) + 1);
        let (mut new_lo, mut new_hi) = (lo, hi);
        if start < end {
            new_lo = new_lo.min(self.ranges[start].0);
            new_hi = new_hi.max(self.ranges[end - 1].1);
        }
        self.ranges.splice(start..end, [(new_lo, new_hi)]);
    }

    /// Adds every port of `other`.
    pub fn union_with(&mut self, other: &Self) {
        for &(lo, hi) in &other.ranges {
            self.insert_range(lo, hi);
        }
    }

    /// Ports in both sets.
    #[must_use]
    pub fn intersection(&self, other: &Self) -> Self {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while let (Some(&(a_lo, a_hi)), Some(&(b_lo, b_hi))) = (self.ranges.get(i), other.ranges.get(j)) {
            let (lo, hi) = (a_lo.max(b_lo), a_hi.min(b_hi));
            if lo <= hi {
                out.push((lo, hi));
            }
            if a_hi < b_hi {
                i += 1;
            } else {
                j += 1;
            }
        }
        Self { ranges: out }
    }

    /// Whether `port` is in the set.
    #[must_use]
    pub fn contains(&self, port: u16) -> bool {
        let i = self.ranges.partition_point(|&(_, hi)| hi < port);
        self.ranges.get(i).is_some_and(|&(lo, _)| lo <= port)
    }

    /// True when no port is in the set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// True when every port `1..=65535` is in the set.
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.ranges == [(Self::MIN, Self::MAX)]
    }

    /// Number of ports in the set.
    #[must_use]
    pub fn count(&self) -> u32 {
        self.ranges.iter().map(|&(lo, hi)| u32::from(hi) - u32::from(lo) + 1).sum()
    }

    /// The ranges, ascending.
    pub fn ranges(&self) -> impl Iterator<Item = RangeInclusive<u16>> + '_ {
        self.ranges.iter().map(|&(lo, hi)| lo..=hi)
    }
}

impl fmt::Display for PortSet {
    /// `80,443,8000-8080`; `none` when empty; `all` for `1-65535`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        if self.is_all() {
            return f.write_str("all");
        }
        for (i, &(lo, hi)) in self.ranges.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            if lo == hi {
                write!(f, "{sep}{lo}")?;
            } else {
                write!(f, "{sep}{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

/// Ports allowed between two endpoints, one [`PortSet`] per protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Allowed {
    sets: [PortSet; 3],
}

impl Allowed {
    /// Nothing allowed.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// Every port of every protocol.
    #[must_use]
    pub fn all() -> Self {
        Self { sets: [PortSet::all(), PortSet::all(), PortSet::all()] }
    }

    /// Exactly `ports` of `proto`.
    #[must_use]
    pub fn only(proto: Protocol, ports: PortSet) -> Self {
        let mut a = Self::none();
        a.sets[proto.slot()] = ports;
        a
    }

    /// The ports allowed for `proto`.
    #[must_use]
    pub fn get(&self, proto: Protocol) -> &PortSet {
        &self.sets[proto.slot()]
    }

    /// Mutable access to the ports of `proto`.
    pub fn get_mut(&mut self, proto: Protocol) -> &mut PortSet {
        &mut self.sets[proto.slot()]
    }

    /// Whether `port`/`proto` is allowed.
    #[must_use]
    pub fn contains(&self, port: u16, proto: Protocol) -> bool {
        self.get(proto).contains(port)
    }

    /// True when nothing is allowed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sets.iter().all(PortSet::is_empty)
    }

    /// True when every port of every protocol is allowed.
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.sets.iter().all(PortSet::is_all)
    }

    /// Adds everything `other` allows.
    pub fn union_with(&mut self, other: &Self) {
        for (mine, theirs) in self.sets.iter_mut().zip(&other.sets) {
            mine.union_with(theirs);
        }
    }

    /// What both allow.
    #[must_use]
    pub fn intersection(&self, other: &Self) -> Self {
        Self { sets: [0, 1, 2].map(|i| self.sets[i].intersection(&other.sets[i])) }
    }

    /// `(protocol, ports)` for each protocol, in [`Protocol::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Protocol, &PortSet)> {
        Protocol::ALL.into_iter().zip(&self.sets)
    }
}

impl fmt::Display for Allowed {
    /// `all`, `none`, or e.g. `TCP 80,443; UDP 53` (empty protocols omitted).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("all");
        }
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut sep = "";
        for (proto, set) in self.iter().filter(|(_, s)| !s.is_empty()) {
            write!(f, "{sep}{proto} {set}")?;
            sep = "; ";
        }
        Ok(())
    }
}
