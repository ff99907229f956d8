//! Rule peers: podSelector vs namespaceSelector vs both, OR of peers,
//! empty selectors, matchExpressions, and egress to cluster DNS.

use serde_json::{Value, json};

use crate::netpol::common::*;

/// Namespaces: `app` (the policy's), `x` (team=x), `y` (team=y), `z` (none).
fn world(from: Value) -> Cluster {
    let mut spec = json!({
        "podSelector": { "matchLabels": { "app": "api" } },
        "ingress": [ {} ]
    });
    spec["ingress"][0]["from"] = from;
    cluster(
        vec![
            ns("app", &[("team", "app")]),
            ns("x", &[("team", "x"), ("env", "prod")]),
            ns("y", &[("team", "y"), ("env", "dev")]),
            ns("z", &[]),
        ],
        vec![
            pod("app/api", &[("app", "api")]),
            pod("app/web", &[("app", "web")]),
            pod("app/job", &[]),
            pod("x/web", &[("app", "web")]),
            pod("x/other", &[("app", "other")]),
            pod("y/web", &[("app", "web"), ("tier", "front")]),
            pod("z/web", &[("app", "web"), ("tier", "back")]),
        ],
        vec![policy("app", "api-in", spec)],
    )
}

/// Sources that may reach app/api (on 80/TCP).
fn sources(c: &Cluster) -> Vec<&str> {
    let mut v: Vec<&str> = c.pods.iter().map(|p| p.id.as_str()).filter(|id| tcp(c, id, "app/api", 80)).collect();
    v.sort_unstable();
    v
}

#[test]
fn pod_selector_alone_means_policy_namespace() {
    let c = world(json!([ { "podSelector": { "matchLabels": { "app": "web" } } } ]));
    assert_eq!(sources(&c), ["app/web"]);
}

#[test]
fn namespace_selector_alone_means_all_pods_there() {
    let c = world(json!([ { "namespaceSelector": { "matchLabels": { "team": "x" } } } ]));
    assert_eq!(sources(&c), ["x/other", "x/web"]);
}

#[test]
fn both_selectors_in_one_peer_are_anded() {
    let c = world(json!([ {
        "namespaceSelector": { "matchLabels": { "team": "x" } },
        "podSelector": { "matchLabels": { "app": "web" } }
    } ]));
    assert_eq!(sources(&c), ["x/web"]);
}

#[test]
fn separate_peers_are_ored() {
    let c = world(json!([
        { "namespaceSelector": { "matchLabels": { "team": "x" } } },
        { "podSelector": { "matchLabels": { "app": "web" } } }
    ]));
    assert_eq!(sources(&c), ["app/web", "x/other", "x/web"]);
}

#[test]
fn empty_pod_selector_in_peer_is_every_pod_of_policy_namespace() {
    let c = world(json!([ { "podSelector": {} } ]));
    assert_eq!(sources(&c), ["app/api", "app/job", "app/web"]);
}

#[test]
fn empty_namespace_selector_is_every_namespace() {
    let c = world(json!([ { "namespaceSelector": {} } ]));
    assert_eq!(sources(&c).len(), 7);
    // ...but no external address.
    assert!(!tcp(&c, "1.1.1.1", "app/api", 80));
    let c = world(json!([ {
        "namespaceSelector": {},
        "podSelector": { "matchLabels": { "app": "web" } }
    } ]));
    assert_eq!(sources(&c), ["app/web", "x/web", "y/web", "z/web"]);
}

#[test]
fn empty_or_missing_from_allows_every_pod_and_address() {
    for from in [json!([]), Value::Null] {
        let c = world(from);
        assert_eq!(sources(&c).len(), 7);
        assert!(tcp(&c, "1.1.1.1", "app/api", 80));
        assert!(tcp(&c, "2001:db8::1", "app/api", 80));
    }
}

#[test]
fn namespace_name_label_is_implicit() {
    let c = world(json!([ { "namespaceSelector": {
        "matchLabels": { "kubernetes.io/metadata.name": "z" } } } ]));
    assert_eq!(sources(&c), ["z/web"]);
}

#[test]
fn match_expressions_in() {
    let c = world(json!([ { "namespaceSelector": { "matchExpressions": [
        { "key": "team", "operator": "In", "values": ["x", "y"] } ] } } ]));
    assert_eq!(sources(&c), ["x/other", "x/web", "y/web"]);
}

#[test]
fn match_expressions_not_in_matches_missing_key() {
    let c = world(json!([ { "namespaceSelector": { "matchExpressions": [
        { "key": "team", "operator": "NotIn", "values": ["x", "app"] } ] } } ]));
    // y has team=y; z has no team label at all, which NotIn accepts.
    assert_eq!(sources(&c), ["y/web", "z/web"]);
}

#[test]
fn match_expressions_exists_and_does_not_exist() {
    let c = world(json!([ {
        "namespaceSelector": { "matchExpressions": [ { "key": "env", "operator": "Exists" } ] },
        "podSelector": { "matchExpressions": [ { "key": "tier", "operator": "Exists" } ] }
    } ]));
    assert_eq!(sources(&c), ["y/web"]);
    let c = world(json!([ {
        "namespaceSelector": { "matchExpressions": [ { "key": "env", "operator": "DoesNotExist" } ] },
        "podSelector": { "matchExpressions": [ { "key": "app", "operator": "DoesNotExist" } ] }
    } ]));
    assert_eq!(sources(&c), ["app/job"]);
}

#[test]
fn match_labels_and_expressions_are_anded() {
    let c = world(json!([ {
        "namespaceSelector": {},
        "podSelector": {
            "matchLabels": { "app": "web" },
            "matchExpressions": [ { "key": "tier", "operator": "NotIn", "values": ["back"] } ]
        }
    } ]));
    assert_eq!(sources(&c), ["app/web", "x/web", "y/web"]);
}

#[test]
fn match_expressions_in_spec_pod_selector() {
    let c = cluster(
        vec![ns("a", &[])],
        vec![pod("a/one", &[("tier", "front")]), pod("a/two", &[("tier", "back")]), pod("a/three", &[])],
        vec![policy(
            "a",
            "iso",
            json!({ "podSelector": { "matchExpressions": [
                { "key": "tier", "operator": "In", "values": ["back", "db"] } ] } }),
        )],
    );
    assert!(set(&c, "a/one", "a/two").is_empty());
    assert!(set(&c, "a/one", "a/three").is_all());
    assert!(set(&c, "a/two", "a/one").is_all());
}

#[test]
fn egress_to_dns_in_kube_system() {
    let c = cluster(
        vec![ns("shop", &[]), ns("kube-system", &[])],
        vec![
            pod("shop/api", &[("app", "api")]),
            pod("shop/db", &[("app", "db")]),
            pod("kube-system/coredns", &[("k8s-app", "kube-dns")]),
            pod("kube-system/metrics", &[("k8s-app", "metrics-server")]),
        ],
        vec![
            policy("shop", "default-deny", json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] })),
            policy(
                "shop",
                "allow-dns",
                json!({
                    "podSelector": {},
                    "policyTypes": ["Egress"],
                    "egress": [ {
                        "to": [ {
                            "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "kube-system" } },
                            "podSelector": { "matchLabels": { "k8s-app": "kube-dns" } }
                        } ],
                        "ports": [ { "protocol": "UDP", "port": 53 }, { "protocol": "TCP", "port": 53 } ]
                    } ]
                }),
            ),
        ],
    );
    let mut dns = Allowed::only(UDP, PortSet::single(53));
    dns.get_mut(TCP).insert_range(53, 53);
    assert_eq!(set(&c, "shop/api", "kube-system/coredns"), dns);
    assert!(can(&c, "shop/api", "kube-system/coredns", 53, UDP));
    assert!(!tcp(&c, "shop/api", "kube-system/coredns", 80));
    assert!(!can(&c, "shop/api", "kube-system/metrics", 53, UDP));
    assert!(!can(&c, "shop/api", "8.8.8.8", 53, UDP), "ipBlock-free rule never matches externals");
    assert!(set(&c, "shop/api", "shop/db").is_empty());
    assert!(set(&c, "kube-system/coredns", "kube-system/metrics").is_all());
}
