//! Builders shared by the `NetworkPolicy` evaluator tests.

use std::net::IpAddr;

use serde_json::{Value, json};

pub use stackc::verify::netpol::*;

pub const TCP: Protocol = Protocol::Tcp;
pub const UDP: Protocol = Protocol::Udp;
pub const SCTP: Protocol = Protocol::Sctp;

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

pub fn ns(name: &str, l: &[(&str, &str)]) -> Namespace {
    Namespace { name: name.to_owned(), labels: labels(l) }
}

/// A pod with id `ns/name`.
pub fn pod(id: &str, l: &[(&str, &str)]) -> Pod {
    let (namespace, _) = id.split_once('/').expect("pod id is ns/name");
    Pod { id: id.to_owned(), namespace: namespace.to_owned(), labels: labels(l), named_ports: SortedMap::new() }
}

/// A pod with named container ports.
pub fn pod_ports(id: &str, l: &[(&str, &str)], ports: &[(&str, u16, Protocol)]) -> Pod {
    let mut p = pod(id, l);
    p.named_ports = ports.iter().map(|(n, port, proto)| ((*n).to_owned(), (*port, *proto))).collect();
    p
}

/// A full `NetworkPolicy` object around `spec`.
pub fn object(namespace: &str, name: &str, spec: Value) -> Value {
    let mut v = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": { "name": name, "namespace": namespace },
    });
    v["spec"] = spec;
    v
}

/// Parses a policy that must be valid.
pub fn policy(namespace: &str, name: &str, spec: Value) -> Policy {
    parse_policy(&object(namespace, name, spec)).expect("valid policy")
}

pub fn cluster(namespaces: Vec<Namespace>, pods: Vec<Pod>, policies: Vec<Policy>) -> Cluster {
    Cluster { namespaces, pods, policies, identities: Default::default() }
}

/// Endpoint from a pod id or an IP address.
pub fn ep(c: &Cluster, name: &str) -> Endpoint {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Endpoint::External(ip);
    }
    c.pod(name).unwrap_or_else(|| panic!("no pod {name} in test cluster"))
}

pub fn set(c: &Cluster, from: &str, to: &str) -> Allowed {
    c.allowed(ep(c, from), ep(c, to))
}

/// Whether `from` may reach `to` on `port/proto`; also checks that
/// `explain` and `reachability` agree with `allowed`.
pub fn can(c: &Cluster, from: &str, to: &str, port: u16, proto: Protocol) -> bool {
    let (f, t) = (ep(c, from), ep(c, to));
    let allowed = c.allowed(f, t);
    let by_set = allowed.contains(port, proto);
    let verdict = c.explain(f, t, port, proto);
    assert_eq!(verdict.allowed, by_set, "explain disagrees with allowed for {from} -> {to} {port}/{proto}:\n{verdict}");
    let externals: Vec<IpAddr> = [f, t]
        .iter()
        .filter_map(|e| match e {
            Endpoint::External(ip) => Some(*ip),
            Endpoint::Pod(_) => None,
        })
        .collect();
    if externals.len() < 2 {
        let reach = c.reachability(&externals);
        let found = reach.iter().find(|r| r.from == f && r.to == t);
        match found {
            Some(r) => assert_eq!(r.allowed, allowed, "reachability vs allowed"),
            None => assert!(allowed.is_empty(), "reachability omits a non-empty pair"),
        }
    }
    by_set
}

/// Shorthand: TCP.
pub fn tcp(c: &Cluster, from: &str, to: &str, port: u16) -> bool {
    can(c, from, to, port, TCP)
}
