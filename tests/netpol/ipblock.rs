//! ipBlock peers and external endpoints, IPv4 and IPv6.

use std::net::IpAddr;

use serde_json::json;

use crate::netpol::common::*;

fn with(spec: serde_json::Value) -> Cluster {
    cluster(
        vec![ns("a", &[])],
        vec![pod("a/app", &[("app", "app")]), pod("a/other", &[])],
        vec![policy("a", "p", spec)],
    )
}

#[test]
fn ingress_ip_block_with_except() {
    let c = with(json!({
        "podSelector": { "matchLabels": { "app": "app" } },
        "ingress": [ { "from": [ { "ipBlock": { "cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"] } } ] } ]
    }));
    assert!(tcp(&c, "172.17.0.1", "a/app", 80));
    assert!(tcp(&c, "172.17.255.255", "a/app", 80));
    assert!(!tcp(&c, "172.17.1.1", "a/app", 80));
    assert!(!tcp(&c, "172.18.0.1", "a/app", 80));
    assert!(!tcp(&c, "a/other", "a/app", 80), "ipBlock never matches pods");
}

#[test]
fn ip_block_covering_everything_still_matches_no_pod() {
    let c = with(json!({
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [ { "from": [ { "ipBlock": { "cidr": "0.0.0.0/0" } }, { "ipBlock": { "cidr": "::/0" } } ] } ],
        "egress": [ { "to": [ { "ipBlock": { "cidr": "0.0.0.0/0" } } ] } ]
    }));
    assert!(set(&c, "a/other", "a/app").is_empty());
    assert!(set(&c, "8.8.8.8", "a/app").is_all());
    assert!(set(&c, "2001:db8::1", "a/app").is_all());
    assert!(set(&c, "a/app", "8.8.8.8").is_all());
    assert!(set(&c, "a/app", "2001:db8::1").is_empty(), "v4 block does not hold v6");
}

#[test]
fn egress_to_ip_block_on_a_port() {
    let c = with(json!({
        "podSelector": { "matchLabels": { "app": "app" } },
        "policyTypes": ["Egress"],
        "egress": [ { "to": [ { "ipBlock": { "cidr": "10.0.0.0/24" } } ], "ports": [ { "port": 5978 } ] } ]
    }));
    assert!(tcp(&c, "a/app", "10.0.0.200", 5978));
    assert!(!tcp(&c, "a/app", "10.0.0.200", 5979));
    assert!(!tcp(&c, "a/app", "10.0.1.1", 5978));
    assert!(set(&c, "a/other", "10.0.1.1").is_all(), "unselected pod");
}

#[test]
fn ipv6_block_with_except() {
    let c = with(json!({
        "podSelector": {},
        "policyTypes": ["Egress"],
        "egress": [ { "to": [ { "ipBlock": { "cidr": "2001:db8::/32", "except": ["2001:db8:1::/48"] } } ] } ]
    }));
    assert!(tcp(&c, "a/app", "2001:db8::1", 443));
    assert!(tcp(&c, "a/app", "2001:db8:ffff::1", 443));
    assert!(!tcp(&c, "a/app", "2001:db8:1::1", 443));
    assert!(!tcp(&c, "a/app", "2001:db9::1", 443));
    assert!(!tcp(&c, "a/app", "::ffff:10.0.0.1", 443));
    assert!(!tcp(&c, "a/app", "10.0.0.1", 443), "v6 block does not hold v4");
}

#[test]
fn selector_peers_never_match_externals() {
    let c = with(json!({
        "podSelector": {},
        "ingress": [ { "from": [ { "podSelector": {} }, { "namespaceSelector": {} } ] } ]
    }));
    assert!(set(&c, "a/other", "a/app").is_all());
    assert!(set(&c, "1.2.3.4", "a/app").is_empty());
}

#[test]
fn externals_are_not_subject_to_policy() {
    let c = with(json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] }));
    let (x, y) = (ep(&c, "1.1.1.1"), ep(&c, "2.2.2.2"));
    assert!(c.allowed(x, y).is_all());
    let v = c.explain(x, y, 80, TCP);
    assert!(v.allowed);
    assert_eq!(v.egress, SideVerdict::External);
    assert_eq!(v.ingress, SideVerdict::External);
}

#[test]
fn reachability_with_externals() {
    let c = with(json!({
        "podSelector": { "matchLabels": { "app": "app" } },
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [ { "from": [ { "ipBlock": { "cidr": "192.0.2.0/24" } } ], "ports": [ { "port": 443 } ] } ],
        "egress": [ { "to": [ { "ipBlock": { "cidr": "198.51.100.0/24" } } ] } ]
    }));
    let inside: IpAddr = "192.0.2.7".parse().expect("ip");
    let egress_ok: IpAddr = "198.51.100.9".parse().expect("ip");
    let r = c.reachability(&[egress_ok, inside, inside]);
    let pairs: Vec<(String, String, String)> =
        r.iter().map(|x| (c.endpoint_name(x.from), c.endpoint_name(x.to), x.allowed.to_string())).collect();
    let s = |a: &str, b: &str, p: &str| (a.to_owned(), b.to_owned(), p.to_owned());
    assert_eq!(
        pairs,
        [
            s("a/app", "198.51.100.9", "all"),
            s("a/other", "a/other", "all"),
            s("a/other", "192.0.2.7", "all"),
            s("a/other", "198.51.100.9", "all"),
            s("192.0.2.7", "a/app", "TCP 443"),
            s("192.0.2.7", "a/other", "all"),
            s("198.51.100.9", "a/other", "all"),
        ]
    );
}
