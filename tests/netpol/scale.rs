//! Reachability over clusters shaped like stackc's output: exactly the
//! declared pairs (with their ports) plus DNS, at the sizes stackc proves
//! on every build. Only correctness is asserted, never timings.

use std::net::IpAddr;

use crate::netpol::common::*;
use crate::netpol::stackgen::{DNS_POD, Stack, stack_shaped};

/// Checks `reach` (computed without externals) against `s.expected`,
/// entry by entry, and its order.
fn assert_matches_declared(s: &Stack, reach: &[Reach]) {
    let c = &s.cluster;
    let workloads = c.pods.len() - 1;
    assert_eq!(reach.len(), s.declared_pairs + workloads + 1);
    assert_eq!(reach.len(), s.expected.len());
    for r in reach {
        let key = (c.endpoint_name(r.from), c.endpoint_name(r.to));
        assert_eq!(s.expected.get(&key), Some(&r.allowed), "{key:?}");
    }
    let names: Vec<(String, String)> = reach.iter().map(|r| (c.endpoint_name(r.from), c.endpoint_name(r.to))).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
}

#[test]
fn stack_of_5000_workloads_allows_exactly_the_declared_pairs() {
    let s = stack_shaped(5000, 1, false);
    assert_eq!(s.cluster.pods.len(), 5001);
    assert_eq!(s.cluster.namespaces.len(), 501);
    assert!(s.declared_pairs > 10_000, "{} pairs", s.declared_pairs);
    let reach = s.cluster.reachability(&[]);
    assert_matches_declared(&s, &reach);
    let dns = s.cluster.pod(DNS_POD).expect("dns pod");
    assert_eq!(reach.iter().filter(|r| r.to == dns).count(), 5001);
}

#[test]
fn dns_to_any_peer_changes_nothing_at_scale() {
    // Every egress policy admits every pod: candidates come from the
    // ingress side instead.
    let s = stack_shaped(5000, 2, true);
    let reach = s.cluster.reachability(&[]);
    assert_matches_declared(&s, &reach);
}

#[test]
fn stack_shaped_clusters_agree_with_the_exhaustive_evaluation() {
    let probes: Vec<IpAddr> = ["1.1.1.1", "10.0.0.1", "2001:db8::1"].iter().map(|s| s.parse().expect("ip")).collect();
    for (n, seed, anywhere) in [(1, 3, false), (9, 4, true), (40, 5, false), (250, 6, true)] {
        let s = stack_shaped(n, seed, anywhere);
        let reach = s.cluster.reachability(&probes);
        assert_eq!(reach, s.cluster.reachability_exhaustive(&probes), "n={n}");
        assert_matches_declared(&s, &s.cluster.reachability(&[]));
    }
}

#[test]
fn open_cluster_reports_every_pair() {
    // No policy at all: nothing to narrow by, every pair is reported.
    let pods = (0..60).map(|i| pod(&format!("n{}/w{i}", i % 4), &[("app", "x")])).collect();
    let c = cluster(vec![], pods, vec![]);
    let ip: IpAddr = "192.0.2.1".parse().expect("ip");
    let reach = c.reachability(&[ip, ip]);
    assert_eq!(reach.len(), 60 * 60 + 2 * 60);
    assert!(reach.iter().all(|r| r.allowed.is_all()));
    assert_eq!(reach, c.reachability_exhaustive(&[ip]));
}
