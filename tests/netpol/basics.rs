//! Isolation, default deny, policyTypes defaulting, additivity.

use serde_json::json;

use crate::netpol::common::*;

fn two_namespaces(policies: Vec<Policy>) -> Cluster {
    cluster(
        vec![ns("a", &[]), ns("b", &[])],
        vec![pod("a/web", &[("app", "web")]), pod("a/db", &[("app", "db")]), pod("b/web", &[("app", "web")])],
        policies,
    )
}

const PODS: [&str; 3] = ["a/web", "a/db", "b/web"];

#[test]
fn no_policies_allow_everything() {
    let c = two_namespaces(vec![]);
    for f in PODS {
        for t in PODS {
            assert!(set(&c, f, t).is_all(), "{f} -> {t}");
        }
    }
    assert!(tcp(&c, "a/web", "b/web", 1));
    assert!(can(&c, "a/web", "b/web", 65535, SCTP));
    assert!(tcp(&c, "8.8.8.8", "a/db", 5432));
    assert!(can(&c, "a/db", "8.8.8.8", 53, UDP));
    assert_eq!(c.reachability(&[]).len(), 9);
}

#[test]
fn default_deny_ingress_only_isolates_ingress() {
    let c = two_namespaces(vec![policy("a", "deny-in", json!({ "podSelector": {}, "policyTypes": ["Ingress"] }))]);
    // Nothing gets into pods of a, not even from a.
    assert!(set(&c, "a/web", "a/db").is_empty());
    assert!(set(&c, "b/web", "a/web").is_empty());
    assert!(set(&c, "1.2.3.4", "a/web").is_empty());
    // Egress of a is untouched.
    assert!(set(&c, "a/web", "b/web").is_all());
    assert!(set(&c, "a/db", "1.2.3.4").is_all());
    // Namespace b is untouched.
    assert!(set(&c, "b/web", "b/web").is_all());
}

#[test]
fn default_deny_both_directions() {
    let c = two_namespaces(vec![policy(
        "a",
        "deny-all",
        json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] }),
    )]);
    assert!(set(&c, "a/web", "a/db").is_empty());
    assert!(set(&c, "a/web", "b/web").is_empty());
    assert!(set(&c, "b/web", "a/web").is_empty());
    assert!(set(&c, "a/web", "9.9.9.9").is_empty());
    assert!(set(&c, "b/web", "b/web").is_all());
    let reach = c.reachability(&[]);
    assert_eq!(reach.len(), 1, "only b/web -> b/web survives");
}

#[test]
fn default_deny_egress_only_isolates_egress() {
    let c = two_namespaces(vec![policy("a", "deny-out", json!({ "podSelector": {}, "policyTypes": ["Egress"] }))]);
    assert!(set(&c, "a/web", "b/web").is_empty());
    assert!(set(&c, "a/web", "a/db").is_empty());
    assert!(set(&c, "b/web", "a/web").is_all(), "ingress of a still open");
}

#[test]
fn policy_types_default_adds_egress_when_egress_rules_exist() {
    let p = policy(
        "a",
        "p",
        json!({
            "podSelector": { "matchLabels": { "app": "web" } },
            "egress": [ { "ports": [ { "port": 443 } ] } ]
        }),
    );
    assert_eq!(p.types, PolicyTypes { ingress: true, egress: true });
    let c = two_namespaces(vec![p]);
    // Egress: only 443/TCP anywhere.
    assert_eq!(set(&c, "a/web", "b/web"), Allowed::only(TCP, PortSet::single(443)));
    // Ingress: isolated with no ingress rule -> nothing.
    assert!(set(&c, "b/web", "a/web").is_empty());
}

#[test]
fn policy_types_default_is_ingress_only_without_egress_rules() {
    for spec in [
        json!({ "podSelector": {} }),
        json!({ "podSelector": {}, "egress": [] }),
        json!({ "podSelector": {}, "egress": null, "policyTypes": [] }),
    ] {
        let p = policy("a", "p", spec.clone());
        assert_eq!(p.types, PolicyTypes { ingress: true, egress: false }, "{spec}");
        let c = two_namespaces(vec![p]);
        assert!(set(&c, "a/web", "b/web").is_all(), "{spec}");
        assert!(set(&c, "b/web", "a/web").is_empty(), "{spec}");
    }
}

#[test]
fn rules_of_an_unlisted_type_are_ignored() {
    // policyTypes [Ingress] with egress rules: egress is not isolated.
    let c = two_namespaces(vec![policy(
        "a",
        "p",
        json!({
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [ {} ],
            "egress": [ { "ports": [ { "port": 1 } ] } ]
        }),
    )]);
    assert!(set(&c, "a/web", "b/web").is_all());
    assert!(set(&c, "b/web", "a/web").is_all(), "ingress: [{{}}] allows all");
}

#[test]
fn rules_of_an_unlisted_type_do_not_count_when_another_policy_isolates() {
    // deny-in isolates ingress; egress-only has ingress rules that would
    // allow everything, but its policyTypes lacks Ingress, so they are void.
    let c = two_namespaces(vec![
        policy("a", "deny-in", json!({ "podSelector": {}, "policyTypes": ["Ingress"] })),
        policy(
            "a",
            "egress-only",
            json!({
                "podSelector": {},
                "policyTypes": ["Egress"],
                "ingress": [ {} ],
                "egress": [ {} ]
            }),
        ),
        policy("b", "deny-out", json!({ "podSelector": {}, "policyTypes": ["Egress"] })),
        policy(
            "b",
            "ingress-only",
            json!({ "podSelector": {}, "policyTypes": ["Ingress"], "ingress": [ {} ], "egress": [ {} ] }),
        ),
    ]);
    assert!(set(&c, "b/web", "a/web").is_empty());
    assert!(set(&c, "a/web", "a/db").is_empty());
    assert!(set(&c, "a/web", "9.9.9.9").is_all());
    assert!(set(&c, "b/web", "9.9.9.9").is_empty());
    assert!(set(&c, "9.9.9.9", "b/web").is_all());
}

#[test]
fn policy_in_another_namespace_does_not_select() {
    let c = two_namespaces(vec![policy(
        "b",
        "deny-web",
        json!({ "podSelector": { "matchLabels": { "app": "web" } }, "policyTypes": ["Ingress", "Egress"] }),
    )]);
    assert!(set(&c, "a/db", "a/web").is_all(), "a/web is not selected");
    assert!(set(&c, "a/web", "a/db").is_all());
    assert!(set(&c, "a/web", "b/web").is_empty(), "b/web is");
}

#[test]
fn pod_selector_isolates_only_matching_pods() {
    let c = two_namespaces(vec![policy("a", "db", json!({ "podSelector": { "matchLabels": { "app": "db" } } }))]);
    assert!(set(&c, "b/web", "a/db").is_empty());
    assert!(set(&c, "b/web", "a/web").is_all());
}

#[test]
fn rules_and_policies_are_additive() {
    let c = two_namespaces(vec![
        policy(
            "a",
            "p1",
            json!({
                "podSelector": { "matchLabels": { "app": "db" } },
                "ingress": [
                    { "from": [ { "podSelector": { "matchLabels": { "app": "web" } } } ],
                      "ports": [ { "port": 5432 } ] },
                    { "from": [ { "namespaceSelector": {} } ], "ports": [ { "port": 9187 } ] }
                ]
            }),
        ),
        policy(
            "a",
            "p2",
            json!({
                "podSelector": {},
                "ingress": [ { "from": [ { "podSelector": {} } ], "ports": [ { "port": 8080 } ] } ]
            }),
        ),
    ]);
    let mut expected = PortSet::single(5432);
    expected.insert_range(9187, 9187);
    expected.insert_range(8080, 8080);
    assert_eq!(set(&c, "a/web", "a/db"), Allowed::only(TCP, expected));
    // b/web: only rule 1 of p1 (any namespace) applies.
    assert_eq!(set(&c, "b/web", "a/db"), Allowed::only(TCP, PortSet::single(9187)));
    // a/web is selected by p2 only.
    assert_eq!(set(&c, "a/db", "a/web"), Allowed::only(TCP, PortSet::single(8080)));
    assert!(!tcp(&c, "b/web", "a/web", 8080));
}

#[test]
fn both_egress_and_ingress_must_allow() {
    let out = policy(
        "a",
        "web-out",
        json!({
            "podSelector": { "matchLabels": { "app": "web" } },
            "policyTypes": ["Egress"],
            "egress": [ { "ports": [ { "port": 5432 }, { "port": 6379 } ] } ]
        }),
    );
    let inn = policy(
        "a",
        "db-in",
        json!({
            "podSelector": { "matchLabels": { "app": "db" } },
            "ingress": [ { "ports": [ { "port": 5432 }, { "port": 7000 } ] } ]
        }),
    );
    let c = two_namespaces(vec![out, inn]);
    assert_eq!(set(&c, "a/web", "a/db"), Allowed::only(TCP, PortSet::single(5432)));
    assert!(!tcp(&c, "a/web", "a/db", 6379), "ingress denies");
    assert!(!tcp(&c, "a/web", "a/db", 7000), "egress denies");
    assert!(tcp(&c, "b/web", "a/db", 7000));
}

#[test]
fn undeclared_namespace_still_works() {
    let c = cluster(
        vec![],
        vec![pod("x/a", &[]), pod("y/b", &[])],
        vec![policy(
            "y",
            "from-x",
            json!({ "podSelector": {}, "ingress": [ { "from": [ { "namespaceSelector": {
                "matchLabels": { "kubernetes.io/metadata.name": "x" } } } ] } ] }),
        )],
    );
    assert!(set(&c, "x/a", "y/b").is_all());
    assert!(set(&c, "y/b", "y/b").is_empty());
}
