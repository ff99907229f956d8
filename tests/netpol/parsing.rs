//! Parsing: defaults, validation errors with paths, multi-object input.

use serde_json::{Value, json};

use crate::netpol::common::*;

fn err(spec: Value) -> NetpolError {
    parse_policy(&object("a", "p", spec)).expect_err("should be rejected")
}

fn invalid_at(spec: Value, path: &str) {
    let shown = spec.to_string();
    let e = err(spec);
    assert!(matches!(e, NetpolError::Invalid { .. }), "{shown}: expected Invalid, got {e:?}");
    assert_eq!(e.path(), path, "{shown}: {e}");
}

fn ingress_port(port: Value) -> Value {
    let mut spec = json!({ "ingress": [ { "ports": [ null ] } ] });
    spec["ingress"][0]["ports"][0] = port;
    spec
}

#[test]
fn parses_model_with_defaults() {
    let p = policy(
        "ns1",
        "web",
        json!({
            "podSelector": { "matchLabels": { "app": "web" } },
            "ingress": [ {
                "from": [ { "namespaceSelector": { "matchLabels": { "team": "a" } },
                            "podSelector": {} } ],
                "ports": [ { "port": 80 }, { "protocol": "UDP", "port": "dns" }, { "protocol": "SCTP" } ]
            } ]
        }),
    );
    assert_eq!((p.namespace.as_str(), p.name.as_str()), ("ns1", "web"));
    assert_eq!(p.pod_selector, LabelSelector::labels([("app", "web")]));
    assert_eq!(p.ingress.len(), 1);
    assert!(p.egress.is_empty());
    assert_eq!(
        *p.ingress[0].peers,
        [Peer::Pods {
            namespace_selector: Some(LabelSelector::labels([("team", "a")])),
            pod_selector: Some(LabelSelector::everything()),
        }]
    );
    assert_eq!(
        *p.ingress[0].ports,
        [
            PortSpec { protocol: TCP, port: PortMatch::Range { start: 80, end: 80 } },
            PortSpec { protocol: UDP, port: PortMatch::Named("dns".into()) },
            PortSpec { protocol: SCTP, port: PortMatch::Any },
        ]
    );
}

#[test]
fn missing_spec_and_null_fields() {
    let p = parse_policy(&json!({ "metadata": { "name": "n", "namespace": "s" } })).expect("ok");
    assert!(p.pod_selector.is_empty());
    assert!(p.types.ingress && !p.types.egress);
    let p =
        policy("a", "p", json!({ "podSelector": null, "ingress": null, "egress": [ { "to": null, "ports": null } ] }));
    assert!(p.pod_selector.is_empty());
    assert_eq!(p.egress, [Rule::default()]);
    assert!(p.types.egress);
}

#[test]
fn host_bits_of_cidr_are_cleared() {
    let p = policy("a", "p", json!({ "ingress": [ { "from": [ { "ipBlock": { "cidr": "10.1.2.3/8" } } ] } ] }));
    let Peer::IpBlock(b) = &p.ingress[0].peers[0] else { panic!("expected ipBlock") };
    assert_eq!(b.to_string(), "10.0.0.0/8");
}

#[test]
fn rejects_wrong_object() {
    let e = parse_policy(&json!({ "kind": "Service", "metadata": { "name": "n", "namespace": "s" } }))
        .expect_err("not a policy");
    assert!(matches!(e, NetpolError::NotNetworkPolicy { .. }), "{e:?}");
    let e = parse_policy(&json!({ "apiVersion": "extensions/v1beta1", "kind": "NetworkPolicy",
        "metadata": { "name": "n", "namespace": "s" } }))
    .expect_err("old api");
    assert_eq!(e.path(), "apiVersion");
    let e = parse_policy(&json!({ "metadata": { "name": "n" } })).expect_err("no namespace");
    assert_eq!(e, NetpolError::Missing { path: "metadata.namespace".into() });
    let e = parse_policy(&json!({ "metadata": { "namespace": "n" } })).expect_err("no name");
    assert_eq!(e.path(), "metadata.name");
    let e = parse_policy(&json!([])).expect_err("array");
    assert!(matches!(e, NetpolError::Type { .. }));
}

#[test]
fn rejects_unknown_fields() {
    let e = err(json!({ "ingres": [] }));
    assert_eq!(e, NetpolError::UnknownField { path: "spec.ingres".into() });
    let e = err(json!({ "ingress": [ { "from": [ { "namespaceselector": {} } ] } ] }));
    assert_eq!(e.path(), "spec.ingress[0].from[0].namespaceselector");
    let e = err(json!({ "egress": [ { "from": [] } ] }));
    assert_eq!(e.path(), "spec.egress[0].from", "egress rules use `to`");
}

#[test]
fn rejects_bad_ports() {
    invalid_at(ingress_port(json!({ "protocol": "ICMP", "port": 1 })), "spec.ingress[0].ports[0].protocol");
    invalid_at(ingress_port(json!({ "protocol": "tcp", "port": 1 })), "spec.ingress[0].ports[0].protocol");
    invalid_at(ingress_port(json!({ "port": 0 })), "spec.ingress[0].ports[0].port");
    invalid_at(ingress_port(json!({ "port": 65536 })), "spec.ingress[0].ports[0].port");
    invalid_at(ingress_port(json!({ "port": -1 })), "spec.ingress[0].ports[0].port");
    invalid_at(ingress_port(json!({ "port": 100, "endPort": 99 })), "spec.ingress[0].ports[0].endPort");
    invalid_at(ingress_port(json!({ "port": "http", "endPort": 99 })), "spec.ingress[0].ports[0].endPort");
    invalid_at(ingress_port(json!({ "endPort": 99 })), "spec.ingress[0].ports[0].endPort");
    invalid_at(ingress_port(json!({ "port": "80" })), "spec.ingress[0].ports[0].port");
    invalid_at(ingress_port(json!({ "port": "HTTP" })), "spec.ingress[0].ports[0].port");
    invalid_at(ingress_port(json!({ "port": "a-very-long-port-name" })), "spec.ingress[0].ports[0].port");
    let e = err(ingress_port(json!({ "port": 80.5 })));
    assert!(matches!(e, NetpolError::Type { .. }), "{e:?}");
    // Valid edge cases.
    policy("a", "p", ingress_port(json!({ "port": 65535, "endPort": 65535 })));
    policy("a", "p", ingress_port(json!({ "port": "h2c-1" })));
}

#[test]
fn rejects_bad_selectors() {
    let at = "spec.podSelector.matchExpressions[0]";
    invalid_at(
        json!({ "podSelector": { "matchExpressions": [ { "key": "a", "operator": "Equals", "values": ["b"] } ] } }),
        &format!("{at}.operator"),
    );
    invalid_at(
        json!({ "podSelector": { "matchExpressions": [ { "key": "a", "operator": "In", "values": [] } ] } }),
        &format!("{at}.values"),
    );
    invalid_at(
        json!({ "podSelector": { "matchExpressions": [ { "key": "a", "operator": "NotIn" } ] } }),
        &format!("{at}.values"),
    );
    invalid_at(
        json!({ "podSelector": { "matchExpressions": [ { "key": "a", "operator": "Exists", "values": ["x"] } ] } }),
        &format!("{at}.values"),
    );
    let e = err(json!({ "podSelector": { "matchLabels": { "a": 1 } } }));
    assert_eq!(e.path(), "spec.podSelector.matchLabels.a");
    let e = err(json!({ "podSelector": { "matchExpressions": [ { "operator": "Exists" } ] } }));
    assert_eq!(e, NetpolError::Missing { path: format!("{at}.key") });
}

#[test]
fn rejects_bad_peers_and_blocks() {
    let from = |peer: Value| json!({ "ingress": [ { "from": [ peer ] } ] });
    let at = "spec.ingress[0].from[0]";
    invalid_at(from(json!({})), at);
    invalid_at(from(json!({ "ipBlock": { "cidr": "10.0.0.0/8" }, "podSelector": {} })), at);
    invalid_at(from(json!({ "ipBlock": { "cidr": "10.0.0.0" } })), &format!("{at}.ipBlock.cidr"));
    invalid_at(from(json!({ "ipBlock": { "cidr": "10.0.0.0/33" } })), &format!("{at}.ipBlock.cidr"));
    invalid_at(from(json!({ "ipBlock": { "cidr": "300.0.0.0/8" } })), &format!("{at}.ipBlock.cidr"));
    invalid_at(from(json!({ "ipBlock": { "cidr": "::/129" } })), &format!("{at}.ipBlock.cidr"));
    invalid_at(
        from(json!({ "ipBlock": { "cidr": "10.0.0.0/8", "except": ["11.0.0.0/16"] } })),
        &format!("{at}.ipBlock.except[0]"),
    );
    invalid_at(
        from(json!({ "ipBlock": { "cidr": "10.0.0.0/8", "except": ["10.0.0.0/8"] } })),
        &format!("{at}.ipBlock.except[0]"),
    );
    invalid_at(
        from(json!({ "ipBlock": { "cidr": "10.0.0.0/8", "except": ["10.1.0.0/16", "fd00::/8"] } })),
        &format!("{at}.ipBlock.except[1]"),
    );
    let e = err(from(json!({ "ipBlock": {} })));
    assert_eq!(e, NetpolError::Missing { path: format!("{at}.ipBlock.cidr") });
}

#[test]
fn rejects_bad_policy_types() {
    invalid_at(json!({ "policyTypes": ["Ingress", "ingress"] }), "spec.policyTypes[1]");
    let e = err(json!({ "policyTypes": "Ingress" }));
    assert!(matches!(e, NetpolError::Type { .. }), "{e:?}");
}

#[test]
fn error_messages_name_the_field() {
    let e = err(ingress_port(json!({ "port": 100, "endPort": 99 })));
    assert_eq!(
        e.to_string(),
        "spec.ingress[0].ports[0].endPort: invalid value \"99\": endPort must not be less than port"
    );
}

#[test]
fn parse_policies_skips_other_kinds() {
    let objs = [
        json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "a" } }),
        object("a", "one", json!({})),
        json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "d" } }),
        object("a", "two", json!({ "podSelector": {} })),
    ];
    let ps = parse_policies(&objs).expect("ok");
    let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["one", "two"]);
    let bad = [object("a", "bad", json!({ "policyTypes": ["Nope"] }))];
    assert!(parse_policies(&bad).is_err());
}
