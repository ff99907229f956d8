//! The comparison at the heart of the proof, one row at a time: a row is
//! every pair leaving one source, an end (by rank) or a sample address.
//! Each row is evaluated, compared with what the stack declares, and
//! dropped, so the proof never holds more than a row of pairs per thread.
//! Rows are shared out among threads (`crate::parallel`) and their
//! mismatches put back in row order: the diagnostics come in the order of
//! `(from, to)`, ends by id before addresses.

use std::net::IpAddr;
use std::ops::Range;

use super::declared::Declared;
use super::ends::Ends;
use super::netpol::{Allowed, Endpoint, Evaluator};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::parallel;

/// Fewer rows than this per thread are not worth a thread.
const ROWS_PER_THREAD: usize = 256;

/// What a row needs: both sides of the proof and the sample addresses.
pub(super) struct Rows<'a> {
    pub ends: &'a Ends<'a>,
    pub declared: &'a Declared,
    pub evaluator: &'a Evaluator<'a>,
    /// Sorted and unique.
    pub probes: &'a [IpAddr],
}

/// One end of a pair, for the message: an end by rank, or an address.
#[derive(Clone, Copy)]
enum Side {
    End(usize),
    Ip(IpAddr),
}

impl Rows<'_> {
    /// Ends first, then addresses: the order of `(from, to)`.
    fn len(&self) -> usize {
        self.ends.list.len() + self.probes.len()
    }

    /// Every mismatch, in row order, on up to `available_parallelism`
    /// threads.
    pub fn mismatches(&self) -> Vec<Diagnostic> {
        parallel::in_order(self.len(), ROWS_PER_THREAD, |rows| self.rows(rows)).into_iter().flatten().collect()
    }

    /// The mismatches of rows `range`, in order.
    fn rows(&self, range: Range<usize>) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut row = Vec::new();
        for r in range {
            match r.checked_sub(self.ends.list.len()) {
                None => self.end_row(r, &mut row, &mut out),
                Some(p) => self.address_row(self.probes[p], &mut out),
            }
        }
        out
    }

    /// The row of end `a`: the ends its pod reaches and the ends the graph
    /// declares for it, merged by rank, then the addresses when it is
    /// managed. Pairs of two unmanaged ends are not the proof's.
    fn end_row(&self, a: usize, row: &mut Vec<(usize, Allowed)>, out: &mut Vec<Diagnostic>) {
        let end = self.ends.get(a);
        row.clear();
        if let Some(pod) = end.pod {
            self.evaluator.reachable_from(pod, row);
            for (b, _) in row.iter_mut() {
                *b = self.ends.of_pod[*b];
            }
            row.sort_unstable_by_key(|&(b, _)| b);
        }
        let none = Allowed::none();
        let mut reached = row.iter().peekable();
        let mut declared = self.declared.edges_from(a).peekable();
        loop {
            let b = match (reached.peek(), declared.peek()) {
                (None, None) => break,
                (Some((r, _)), None) => *r,
                (None, Some((d, _))) => *d,
                (Some((r, _)), Some((d, _))) => *r.min(d),
            };
            let got = reached.next_if(|(r, _)| *r == b).map_or(&none, |(_, allowed)| allowed);
            let want = declared.next_if(|(d, _)| *d == b).map_or_else(Allowed::none, |(_, allowed)| allowed);
            if self.ends.covers(a, b) && *got != want {
                out.push(self.mismatch(Side::End(a), Side::End(b), got, &want));
            }
        }
        let Some(node) = end.node.filter(|n| n.managed) else { return };
        for &ip in self.probes {
            let got = end
                .pod
                .map_or_else(Allowed::none, |p| self.evaluator.allowed(Endpoint::Pod(p), Endpoint::External(ip)));
            let want = self.declared.egress(node, ip);
            if got != want {
                out.push(self.mismatch(Side::End(a), Side::Ip(ip), &got, &want));
            }
        }
    }

    /// The row of address `ip`: every managed end.
    fn address_row(&self, ip: IpAddr, out: &mut Vec<Diagnostic>) {
        for (b, end) in self.ends.list.iter().enumerate() {
            let Some(node) = end.node.filter(|n| n.managed) else { continue };
            let got = end
                .pod
                .map_or_else(Allowed::none, |p| self.evaluator.allowed(Endpoint::External(ip), Endpoint::Pod(p)));
            let want = self.declared.ingress(ip, node);
            if got != want {
                out.push(self.mismatch(Side::Ip(ip), Side::End(b), &got, &want));
            }
        }
    }

    /// The diagnostic of a pair whose allowed ports are not the declared
    /// ones, at the managed source's declaration, else the target's.
    fn mismatch(&self, from: Side, to: Side, got: &Allowed, want: &Allowed) -> Diagnostic {
        let node = |s: Side| match s {
            Side::End(e) => self.ends.get(e).node,
            Side::Ip(_) => None,
        };
        let span = node(from).filter(|n| n.managed).or_else(|| node(to)).map_or(Span::default(), |n| n.span);
        let name = |s: Side| match s {
            Side::End(e) => self.ends.get(e).id.to_owned(),
            Side::Ip(ip) => ip.to_string(),
        };
        Diagnostic::error(
            Code::Internal,
            span,
            format!(
                "the derived NetworkPolicies allow {} → {}: {}, but the stack declares: {}",
                name(from),
                name(to),
                show(got),
                show(want)
            ),
        )
        .label("for this workload")
        .help("this is a bug in stackc; please report it with this stack")
    }
}

fn show(a: &Allowed) -> String {
    if a.is_empty() { "nothing".to_owned() } else { a.to_string() }
}
