//! The indexed [`Cluster::reachability`] against the exhaustive reference,
//! over random clusters richer than `props`' ones: labelled and undeclared
//! namespaces (one with a conflicting explicit name label), pods with
//! repeated ids, selectors of every operator (empty ones included),
//! namespace selectors, `ipBlock`s, every `policyTypes` variant, rules
//! without peers or ports, and peers that admit every pod.

use std::collections::BTreeSet;
use std::net::IpAddr;

use proptest::prelude::*;

use crate::netpol::common::*;

const NSS: [&str; 5] = ["n0", "n1", "n2", "n3", "n4"];
/// Label values; namespace names too, for selectors on the name label.
const VALUES: [&str; 6] = ["a", "b", "n0", "n1", "n4", "prod"];

fn value() -> impl Strategy<Value = String> {
    proptest::sample::select(VALUES.to_vec()).prop_map(str::to_owned)
}

fn key(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(keys).prop_map(str::to_owned)
}

fn selector(keys: &'static [&'static str]) -> impl Strategy<Value = LabelSelector> {
    let op =
        prop_oneof![Just(Operator::In), Just(Operator::NotIn), Just(Operator::Exists), Just(Operator::DoesNotExist)];
    let expr = (key(keys), op, proptest::collection::btree_set(value(), 1..3)).prop_map(|(key, operator, values)| {
        Requirement {
            key,
            values: if matches!(operator, Operator::In | Operator::NotIn) { values } else { BTreeSet::new() },
            operator,
        }
    });
    prop_oneof![
        1 => Just(LabelSelector::everything()),
        4 => (
            proptest::collection::btree_map(key(keys), value(), 0..3),
            proptest::collection::vec(expr, 0..3),
        )
            .prop_map(|(match_labels, match_expressions)| LabelSelector {
                match_labels: match_labels.into(),
                match_expressions: match_expressions.into(),
            }),
    ]
}

const POD_KEYS: &[&str] = &["app", "tier", "role"];
const NS_KEYS: &[&str] = &["env", "team", "kubernetes.io/metadata.name"];

fn peer() -> impl Strategy<Value = Peer> {
    let block = proptest::sample::select(vec!["10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32"])
        .prop_map(|c| Peer::IpBlock(IpBlock { cidr: Cidr::parse(c).expect("cidr"), except: Vec::new() }));
    let pods = (proptest::option::of(selector(NS_KEYS)), proptest::option::of(selector(POD_KEYS)))
        .prop_map(|(namespace_selector, pod_selector)| Peer::Pods { namespace_selector, pod_selector });
    prop_oneof![1 => block, 4 => pods]
}

fn port_spec() -> impl Strategy<Value = PortSpec> {
    let port = prop_oneof![
        Just(PortMatch::Any),
        (80u16..83).prop_map(|p| PortMatch::Range { start: p, end: p + 1 }),
        proptest::sample::select(vec!["http", "dns"]).prop_map(|n| PortMatch::Named(n.into())),
    ];
    let proto = prop_oneof![Just(TCP), Just(UDP), Just(SCTP)];
    (proto, port).prop_map(|(protocol, port)| PortSpec { protocol, port })
}

fn rule() -> impl Strategy<Value = Rule> {
    (proptest::collection::vec(peer(), 0..3), proptest::collection::vec(port_spec(), 0..3))
        .prop_map(|(peers, ports)| Rule { peers: peers.into(), ports: ports.into() })
}

fn policy_strategy() -> impl Strategy<Value = Policy> {
    (
        proptest::sample::select(NSS.to_vec()),
        selector(POD_KEYS),
        any::<(bool, bool)>(),
        proptest::collection::vec(rule(), 0..3),
        proptest::collection::vec(rule(), 0..3),
    )
        .prop_map(|(ns, pod_selector, (ingress, egress), i, e)| Policy {
            namespace: ns.to_owned(),
            name: "p".to_owned(),
            pod_selector,
            types: PolicyTypes { ingress, egress },
            ingress: i,
            egress: e,
        })
}

fn pod_strategy() -> impl Strategy<Value = Pod> {
    (
        proptest::sample::select(NSS.to_vec()),
        0..4usize,
        proptest::collection::btree_map(key(POD_KEYS), value(), 0..3),
        proptest::collection::btree_map(
            proptest::sample::select(vec!["http".to_owned(), "dns".to_owned()]),
            (80u16..83, prop_oneof![Just(TCP), Just(UDP)]),
            0..2,
        ),
    )
        .prop_map(|(ns, w, labels, named_ports)| Pod {
            id: format!("{ns}/w{w}"),
            namespace: ns.to_owned(),
            labels: labels.into(),
            named_ports: named_ports.into(),
        })
}

fn cluster_strategy() -> impl Strategy<Value = Cluster> {
    let ns_labels = proptest::collection::btree_map(key(&["env", "team"]), value(), 0..3);
    (
        proptest::collection::vec(ns_labels, 3),
        proptest::collection::vec(pod_strategy(), 0..14),
        proptest::collection::vec(policy_strategy(), 0..8),
    )
        .prop_map(|(ns_labels, pods, policies)| {
            let mut namespaces: Vec<Namespace> = ns_labels
                .into_iter()
                .zip(NSS)
                .map(|(labels, name)| Namespace { name: name.to_owned(), labels: labels.into() })
                .collect();
            // n3 claims another name (the implicit label wins); n4 is
            // undeclared.
            namespaces.push(ns("n3", &[("kubernetes.io/metadata.name", "n1")]));
            Cluster { namespaces, pods, policies, identities: Default::default() }
        })
}

fn externals() -> impl Strategy<Value = Vec<IpAddr>> {
    let ips: Vec<IpAddr> =
        ["10.0.0.1", "192.0.2.1", "2001:db8::1", "10.0.0.1"].iter().map(|s| s.parse().expect("ip")).collect();
    proptest::sample::subsequence(ips, 0..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn indexed_reachability_equals_exhaustive(c in cluster_strategy(), ext in externals()) {
        let fast = c.reachability(&ext);
        let slow = c.reachability_exhaustive(&ext);
        prop_assert_eq!(fast, slow);
    }
}

#[test]
fn peers_admitting_every_pod_and_pods_without_policies_agree() {
    let pods = vec![pod("a/x", &[("app", "a")]), pod("a/y", &[]), pod("b/x", &[("app", "b")]), pod("c/z", &[])];
    let policies = vec![
        policy("a", "deny", serde_json::json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] })),
        policy(
            "a",
            "all-ns",
            serde_json::json!({
                "podSelector": { "matchLabels": { "app": "a" } },
                "egress": [ { "to": [ { "namespaceSelector": {} } ], "ports": [ { "port": 80 } ] } ],
                "ingress": [ { "from": [ { "namespaceSelector": {}, "podSelector": {} } ] } ]
            }),
        ),
        policy(
            "b",
            "from-a",
            serde_json::json!({
                "podSelector": {},
                "ingress": [ { "from": [ { "namespaceSelector": { "matchExpressions": [ { "key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["c"] } ] } } ] } ]
            }),
        ),
    ];
    let c = cluster(vec![ns("a", &[("env", "prod")])], pods, policies);
    let ext: Vec<IpAddr> = vec!["203.0.113.7".parse().expect("ip")];
    let reach = c.reachability(&ext);
    assert_eq!(reach, c.reachability_exhaustive(&ext));
    assert!(tcp(&c, "a/x", "b/x", 80));
    assert!(!tcp(&c, "a/x", "b/x", 81));
    assert!(!tcp(&c, "c/z", "b/x", 80));
    assert!(tcp(&c, "c/z", "a/x", 80));
}
