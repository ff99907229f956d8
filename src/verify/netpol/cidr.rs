//! IPv4 and IPv6 CIDR blocks and `NetworkPolicy` `ipBlock` peers
//! (`cidr` minus `except`), matched against external IP addresses.
//!
//! Addresses are compared within their own family only: an IPv4 address
//! never falls in an IPv6 block, IPv4-mapped IPv6 addresses included.

use std::fmt;
use std::net::IpAddr;

/// A CIDR block such as `10.0.0.0/24` or `2001:db8::/32`, stored with its
/// host bits cleared (`10.0.0.7/24` reads as `10.0.0.0/24`, as Go's
/// `net.ParseCIDR` used by the API server does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `addr/prefix`.
    ///
    /// # Errors
    /// A static reason when the text is not a valid CIDR.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let (addr, prefix) = s.split_once('/').ok_or("a CIDR needs a /prefix")?;
        let addr: IpAddr = addr.parse().map_err(|_| "not an IP address")?;
        let prefix: u8 = prefix.parse().map_err(|_| "prefix is not a number")?;
        Self::new(addr, prefix).ok_or("prefix is longer than the address")
    }

    /// The block of `addr/prefix`, host bits cleared; `None` if `prefix`
    /// exceeds 32 (IPv4) or 128 (IPv6).
    #[must_use]
    pub fn new(addr: IpAddr, prefix: u8) -> Option<Self> {
        if prefix > max_prefix(addr) {
            return None;
        }
        let addr = match addr {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & mask32(prefix)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & mask128(prefix)).into()),
        };
        Some(Self { addr, prefix })
    }

    /// The network address.
    #[must_use]
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    #[must_use]
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether `ip` is inside the block (same family only).
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => u32::from(ip) & mask32(self.prefix) == u32::from(net),
            (IpAddr::V6(net), IpAddr::V6(ip)) => u128::from(ip) & mask128(self.prefix) == u128::from(net),
            _ => false,
        }
    }

    /// Whether `other` is a strict subset of `self`.
    #[must_use]
    pub fn strictly_contains(&self, other: &Self) -> bool {
        other.prefix > self.prefix && self.contains(other.addr)
    }
}

fn max_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() { 32 } else { 128 }
}

fn mask32(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask128(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// An `ipBlock` peer: addresses in `cidr` but in none of `except`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IpBlock {
    pub cidr: Cidr,
    /// Each a strict subset of `cidr`, of the same family.
    pub except: Vec<Cidr>,
}

impl IpBlock {
    /// Whether `ip` is allowed by this block.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.cidr.contains(ip) && !self.except.iter().any(|e| e.contains(ip))
    }
}

impl fmt::Display for IpBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cidr)?;
        for e in &self.except {
            write!(f, " except {e}")?;
        }
        Ok(())
    }
}
