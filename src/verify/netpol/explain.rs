//! Verdicts with reasons for one connection `from -> to : port/proto`
//! ([`Cluster::explain`]): for each side (egress of `from`, ingress of
//! `to`) whether it is not isolated, which policy rules allow it, or which
//! policies isolate it and why each of their rules does not match.

use std::fmt;

use super::eval::{Ctx, rules, spec_ports};
use super::model::{Cluster, Direction, Endpoint};
use super::ports::{PortSet, Protocol};

/// A policy, by `(namespace, name)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyRef {
    pub namespace: String,
    pub name: String,
}

impl fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Rule `rule` (0-based index into `spec.ingress` or `spec.egress`, as the
/// side says) of `policy`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleRef {
    pub policy: PolicyRef,
    pub rule: usize,
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy {} rule {}", self.policy, self.rule)
    }
}

/// Why a rule of an isolating policy did not allow the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MissReason {
    /// No entry of `from`/`to` matches the remote endpoint.
    Peer,
    /// The peer matches, but no entry of `ports` covers the port/protocol
    /// (a named port that the destination does not define counts here).
    Port,
}

/// A non-matching rule and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleMiss {
    pub rule: RuleRef,
    pub reason: MissReason,
}

/// The outcome for one side of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideVerdict {
    /// The endpoint is external: no `NetworkPolicy` applies to this side.
    External,
    /// No policy selects the pod for this direction: everything allowed.
    NotIsolated,
    /// Allowed by these rules (all that match, in policy order).
    Allowed { by: Vec<RuleRef> },
    /// The pod is isolated by `selected_by` and no rule of theirs allows
    /// the connection; `misses` says why for each of their rules.
    Denied { selected_by: Vec<PolicyRef>, misses: Vec<RuleMiss> },
}

impl SideVerdict {
    /// Whether this side lets the connection through.
    #[must_use]
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Self::Denied { .. })
    }
}

impl fmt::Display for SideVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::External => f.write_str("not applicable (external endpoint)"),
            Self::NotIsolated => f.write_str("not isolated (no policy selects it)"),
            Self::Allowed { by } => {
                f.write_str("allowed by ")?;
                join(f, by)
            }
            Self::Denied { selected_by, misses } => {
                f.write_str("denied: selected by ")?;
                join(f, selected_by)?;
                f.write_str("; no rule allows")?;
                for m in misses {
                    let why = match m.reason {
                        MissReason::Peer => "peer does not match",
                        MissReason::Port => "port does not match",
                    };
                    write!(f, "; {}: {why}", m.rule)?;
                }
                Ok(())
            }
        }
    }
}

fn join<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T]) -> fmt::Result {
    for (i, it) in items.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        write!(f, "{sep}{it}")?;
    }
    Ok(())
}

/// The verdict for `from -> to : port/protocol`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Pod id or IP address.
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
    /// `egress.is_allowed() && ingress.is_allowed()` (and `port != 0`).
    pub allowed: bool,
    /// The egress side of `from`.
    pub egress: SideVerdict,
    /// The ingress side of `to`.
    pub ingress: SideVerdict,
}

impl fmt::Display for Verdict {
    /// Three lines: the decision, then the egress and ingress sides.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = if self.allowed { "ALLOW" } else { "DENY" };
        writeln!(f, "{word} {} -> {} {}/{}", self.from, self.to, self.port, self.protocol)?;
        writeln!(f, "  egress of {}: {}", self.from, self.egress)?;
        write!(f, "  ingress of {}: {}", self.to, self.ingress)
    }
}

impl Cluster {
    /// Explains whether `from` may connect to `to` on `port`/`proto`.
    /// Port 0 is not a connectable port and is never allowed.
    ///
    /// # Panics
    /// If an [`Endpoint::Pod`] index is out of range of [`Cluster::pods`].
    #[must_use]
    pub fn explain(&self, from: Endpoint, to: Endpoint, port: u16, proto: Protocol) -> Verdict {
        let ctx = Ctx::new(self);
        let egress = side(&ctx, from, Direction::Egress, to, to, port, proto);
        let ingress = side(&ctx, to, Direction::Ingress, from, to, port, proto);
        Verdict {
            from: self.endpoint_name(from),
            to: self.endpoint_name(to),
            port,
            protocol: proto,
            allowed: port >= PortSet::MIN && egress.is_allowed() && ingress.is_allowed(),
            egress,
            ingress,
        }
    }
}

fn side(
    ctx: &Ctx<'_>,
    me: Endpoint,
    dir: Direction,
    remote: Endpoint,
    to: Endpoint,
    port: u16,
    proto: Protocol,
) -> SideVerdict {
    let Endpoint::Pod(i) = me else {
        return SideVerdict::External;
    };
    let isolating = ctx.isolating(i, dir);
    if isolating.is_empty() {
        return SideVerdict::NotIsolated;
    }
    let dst = ctx.pod_of(to);
    let port_ok = port >= PortSet::MIN;
    let mut by = Vec::new();
    let mut misses = Vec::new();
    let mut selected_by = Vec::new();
    for &p in &isolating {
        let pol = &ctx.cluster.policies[p];
        let pref = PolicyRef { namespace: pol.namespace.clone(), name: pol.name.clone() };
        for (r, rule) in rules(pol, dir).iter().enumerate() {
            let reason = if !ctx.rule_admits(pol, rule, remote) {
                Some(MissReason::Peer)
            } else if port_ok
                && (rule.ports.is_empty()
                    || rule
                        .ports
                        .iter()
                        .filter_map(|s| spec_ports(s, dst))
                        .any(|(pr, lo, hi)| pr == proto && (lo..=hi).contains(&port)))
            {
                None
            } else {
                Some(MissReason::Port)
            };
            let rule = RuleRef { policy: pref.clone(), rule: r };
            match reason {
                None => by.push(rule),
                Some(reason) => misses.push(RuleMiss { rule, reason }),
            }
        }
        selected_by.push(pref);
    }
    if by.is_empty() { SideVerdict::Denied { selected_by, misses } } else { SideVerdict::Allowed { by } }
}
