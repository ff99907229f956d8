//! Examples from the Kubernetes documentation, "Network Policies"
//! (<https://kubernetes.io/docs/concepts/services-networking/network-policies/>),
//! each with the outcome the documentation states.

use serde_json::json;

use crate::netpol::common::*;

/// `service/networking/networkpolicy.yaml` ("test-network-policy").
fn test_network_policy() -> Policy {
    policy(
        "default",
        "test-network-policy",
        json!({
            "podSelector": { "matchLabels": { "role": "db" } },
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [ {
                "from": [
                    { "ipBlock": { "cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"] } },
                    { "namespaceSelector": { "matchLabels": { "project": "myproject" } } },
                    { "podSelector": { "matchLabels": { "role": "frontend" } } }
                ],
                "ports": [ { "protocol": "TCP", "port": 6379 } ]
            } ],
            "egress": [ {
                "to": [ { "ipBlock": { "cidr": "10.0.0.0/24" } } ],
                "ports": [ { "protocol": "TCP", "port": 5978 } ]
            } ]
        }),
    )
}

fn docs_cluster(policies: Vec<Policy>) -> Cluster {
    cluster(
        vec![ns("default", &[]), ns("myproject", &[("project", "myproject")]), ns("other", &[])],
        vec![
            pod("default/db", &[("role", "db")]),
            pod("default/frontend", &[("role", "frontend")]),
            pod("default/backend", &[("role", "backend")]),
            pod("myproject/anything", &[("x", "y")]),
            pod("other/frontend", &[("role", "frontend")]),
        ],
        policies,
    )
}

/// Per the docs, this policy isolates `role=db` pods of `default` for
/// ingress and egress; lets in, on TCP 6379 only, pods of `default` labelled
/// `role=frontend`, any pod of a namespace labelled `project=myproject`, and
/// addresses in 172.17.0.0/16 outside 172.17.1.0/24; and lets those pods
/// out only to 10.0.0.0/24 on TCP 5978.
#[test]
fn docs_test_network_policy() {
    let c = docs_cluster(vec![test_network_policy()]);
    assert!(tcp(&c, "default/frontend", "default/db", 6379));
    assert!(!tcp(&c, "default/frontend", "default/db", 6380));
    assert!(!can(&c, "default/frontend", "default/db", 6379, UDP));
    assert!(tcp(&c, "myproject/anything", "default/db", 6379));
    assert!(!tcp(&c, "default/backend", "default/db", 6379));
    assert!(!tcp(&c, "other/frontend", "default/db", 6379), "podSelector is namespace-local");
    assert!(tcp(&c, "172.17.0.9", "default/db", 6379));
    assert!(!tcp(&c, "172.17.1.9", "default/db", 6379));
    assert!(tcp(&c, "172.17.2.0", "default/db", 6379));
    assert!(tcp(&c, "default/db", "10.0.0.42", 5978));
    assert!(!tcp(&c, "default/db", "10.0.1.42", 5978));
    assert!(!tcp(&c, "default/db", "default/frontend", 5978), "egress only to the block");
    // Pods without role=db are not isolated.
    assert!(set(&c, "other/frontend", "default/backend").is_all());
    assert!(set(&c, "default/backend", "8.8.8.8").is_all());
}

/// Per the docs ("Default deny all ingress traffic"), every pod of the
/// namespace becomes isolated for ingress, selected by another policy or
/// not, while egress isolation is unchanged.
#[test]
fn docs_default_deny_ingress() {
    let c = docs_cluster(vec![policy(
        "default",
        "default-deny-ingress",
        json!({ "podSelector": {}, "policyTypes": ["Ingress"] }),
    )]);
    assert!(set(&c, "default/frontend", "default/db").is_empty());
    assert!(set(&c, "default/db", "other/frontend").is_all());
}

/// Per the docs ("Allow all ingress traffic"), `ingress: [{}]` admits every
/// incoming connection, and no other policy can then deny one.
#[test]
fn docs_allow_all_ingress_overrides_deny() {
    let c = docs_cluster(vec![
        policy("default", "default-deny-ingress", json!({ "podSelector": {}, "policyTypes": ["Ingress"] })),
        policy(
            "default",
            "allow-all-ingress",
            json!({ "podSelector": {}, "ingress": [ {} ], "policyTypes": ["Ingress"] }),
        ),
    ]);
    assert!(set(&c, "other/frontend", "default/db").is_all());
    assert!(set(&c, "203.0.113.1", "default/db").is_all());
}

/// Per the docs ("Default deny all egress traffic"), every pod of the
/// namespace loses egress while its ingress isolation is unchanged; and
/// "Allow all egress traffic" (`egress: [{}]`) restores all egress.
#[test]
fn docs_default_deny_and_allow_all_egress() {
    let deny = policy("default", "default-deny-egress", json!({ "podSelector": {}, "policyTypes": ["Egress"] }));
    let c = docs_cluster(vec![deny.clone()]);
    assert!(set(&c, "default/db", "other/frontend").is_empty());
    assert!(set(&c, "default/db", "8.8.8.8").is_empty());
    assert!(set(&c, "other/frontend", "default/db").is_all());
    let allow = policy(
        "default",
        "allow-all-egress",
        json!({ "podSelector": {}, "egress": [ {} ], "policyTypes": ["Egress"] }),
    );
    let c = docs_cluster(vec![deny, allow]);
    assert!(set(&c, "default/db", "8.8.8.8").is_all());
}

/// Per the docs ("Default deny all ingress and all egress traffic"), pods of
/// the namespace can neither send nor receive; other namespaces are as before.
#[test]
fn docs_default_deny_all() {
    let c = docs_cluster(vec![policy(
        "default",
        "default-deny-all",
        json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] }),
    )]);
    assert!(set(&c, "default/frontend", "default/db").is_empty());
    assert!(set(&c, "default/db", "myproject/anything").is_empty());
    assert!(set(&c, "myproject/anything", "other/frontend").is_all());
}

/// Per the docs ("Behavior of to and from selectors"): one `from` element
/// with both selectors admits `role=client` pods of namespaces labelled
/// `user=alice`; two elements admit `role=client` pods of the policy's own
/// namespace OR any pod of a namespace labelled `user=alice`.
#[test]
fn docs_and_versus_or() {
    let build = |from: serde_json::Value| {
        cluster(
            vec![ns("local", &[]), ns("alice", &[("user", "alice")]), ns("bob", &[])],
            vec![
                pod("local/target", &[("role", "server")]),
                pod("local/client", &[("role", "client")]),
                pod("alice/client", &[("role", "client")]),
                pod("alice/other", &[]),
                pod("bob/client", &[("role", "client")]),
            ],
            vec![policy(
                "local",
                "p",
                json!({ "podSelector": { "matchLabels": { "role": "server" } }, "ingress": [ { "from": from } ] }),
            )],
        )
    };
    let ns_sel = json!({ "matchLabels": { "user": "alice" } });
    let pod_sel = json!({ "matchLabels": { "role": "client" } });
    let and = build(json!([ { "namespaceSelector": ns_sel, "podSelector": pod_sel } ]));
    assert!(tcp(&and, "alice/client", "local/target", 80));
    assert!(!tcp(&and, "alice/other", "local/target", 80));
    assert!(!tcp(&and, "local/client", "local/target", 80));
    assert!(!tcp(&and, "bob/client", "local/target", 80));
    let or = build(json!([ { "namespaceSelector": ns_sel }, { "podSelector": pod_sel } ]));
    assert!(tcp(&or, "alice/client", "local/target", 80));
    assert!(tcp(&or, "alice/other", "local/target", 80));
    assert!(tcp(&or, "local/client", "local/target", 80));
    assert!(!tcp(&or, "bob/client", "local/target", 80));
}

/// `networkpolicy-multiport-egress.yaml` ("Targeting a range of ports"):
/// per the docs, `role=db` pods of `default` may reach any address of
/// 10.0.0.0/24 over TCP on ports 32000 through 32768 inclusive.
#[test]
fn docs_multi_port_egress() {
    let c = docs_cluster(vec![policy(
        "default",
        "multi-port-egress",
        json!({
            "podSelector": { "matchLabels": { "role": "db" } },
            "policyTypes": ["Egress"],
            "egress": [ {
                "to": [ { "ipBlock": { "cidr": "10.0.0.0/24" } } ],
                "ports": [ { "protocol": "TCP", "port": 32000, "endPort": 32768 } ]
            } ]
        }),
    )]);
    assert!(tcp(&c, "default/db", "10.0.0.1", 32000));
    assert!(tcp(&c, "default/db", "10.0.0.1", 32768));
    assert!(!tcp(&c, "default/db", "10.0.0.1", 32769));
    assert!(!can(&c, "default/db", "10.0.0.1", 32000, UDP));
    assert_eq!(set(&c, "default/db", "10.0.0.1"), Allowed::only(TCP, PortSet::range(32000, 32768)));
}

/// Per the docs ("Targeting a Namespace by its name"), the control plane
/// labels every namespace `kubernetes.io/metadata.name=<name>`, so a
/// `namespaceSelector` on that label selects one namespace by name.
#[test]
fn docs_target_namespace_by_name() {
    let c = docs_cluster(vec![policy(
        "default",
        "from-other",
        json!({
            "podSelector": { "matchLabels": { "role": "db" } },
            "ingress": [ { "from": [ { "namespaceSelector": {
                "matchLabels": { "kubernetes.io/metadata.name": "other" } } } ] } ]
        }),
    )]);
    assert!(set(&c, "other/frontend", "default/db").is_all());
    assert!(set(&c, "myproject/anything", "default/db").is_empty());
}
