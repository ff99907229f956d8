//! Property tests over small random clusters: rules are monotone, the
//! all-pairs evaluation agrees with the single-pair one, explain agrees
//! with allowed, and port sets behave like plain sets.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use proptest::prelude::*;

use crate::netpol::common::*;

const EXTERNALS: [&str; 4] = ["10.0.0.1", "10.1.0.1", "192.0.2.1", "2001:db8::1"];
const PROBE_PORTS: [u16; 8] = [1, 53, 80, 81, 443, 8080, 9100, 65535];

fn externals() -> Vec<IpAddr> {
    EXTERNALS.iter().map(|s| s.parse().expect("ip")).collect()
}

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![Just(TCP), Just(UDP), Just(SCTP)]
}

fn opt_label(key: &'static str, values: &'static [&'static str]) -> impl Strategy<Value = Option<(String, String)>> {
    proptest::option::of(proptest::sample::select(values).prop_map(move |v| (key.to_owned(), v.to_owned())))
}

fn pod_labels() -> impl Strategy<Value = Labels> {
    (opt_label("app", &["a", "b"]), opt_label("tier", &["x", "y"])).prop_map(|(a, b)| a.into_iter().chain(b).collect())
}

fn selector(key_vals: &'static [(&'static str, &'static [&'static str])]) -> impl Strategy<Value = LabelSelector> {
    let keys: Vec<&'static str> = key_vals.iter().map(|(k, _)| *k).collect();
    let keys2 = keys.clone();
    let label = (proptest::sample::select(keys), proptest::sample::select(vec!["a", "b", "x", "y", "prod"]));
    let op =
        prop_oneof![Just(Operator::In), Just(Operator::NotIn), Just(Operator::Exists), Just(Operator::DoesNotExist)];
    let expr =
        (proptest::sample::select(keys2), op, proptest::sample::subsequence(vec!["a", "b", "x", "y", "prod"], 1..3))
            .prop_map(|(k, op, vals)| Requirement {
                key: k.to_owned(),
                operator: op,
                values: if matches!(op, Operator::In | Operator::NotIn) {
                    vals.into_iter().map(str::to_owned).collect()
                } else {
                    BTreeSet::new()
                },
            });
    (proptest::option::of(label), proptest::collection::vec(expr, 0..2)).prop_map(|(l, e)| LabelSelector {
        match_labels: l.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
        match_expressions: e.into(),
    })
}

const POD_KEYS: &[(&str, &[&str])] = &[("app", &["a", "b"]), ("tier", &["x", "y"])];
const NS_KEYS: &[(&str, &[&str])] = &[("env", &["prod"]), ("kubernetes.io/metadata.name", &["n0", "n1", "n2"])];

fn peer() -> impl Strategy<Value = Peer> {
    let block = prop_oneof![
        Just(("10.0.0.0/8", vec!["10.1.0.0/16"])),
        Just(("0.0.0.0/0", vec![])),
        Just(("2001:db8::/32", vec![])),
        Just(("192.0.2.0/24", vec!["192.0.2.0/30"])),
    ]
    .prop_map(|(c, e)| {
        Peer::IpBlock(IpBlock {
            cidr: Cidr::parse(c).expect("cidr"),
            except: e.into_iter().map(|x| Cidr::parse(x).expect("cidr")).collect(),
        })
    });
    let pods = (proptest::option::of(selector(NS_KEYS)), proptest::option::of(selector(POD_KEYS)))
        .prop_filter("a peer needs a selector", |(n, p)| n.is_some() || p.is_some())
        .prop_map(|(namespace_selector, pod_selector)| Peer::Pods { namespace_selector, pod_selector });
    prop_oneof![1 => block, 3 => pods]
}

fn port_spec() -> impl Strategy<Value = PortSpec> {
    let m = prop_oneof![
        Just(PortMatch::Any),
        (proptest::sample::select(vec![53u16, 80, 443, 8080]), 0u16..3)
            .prop_map(|(s, len)| PortMatch::Range { start: s, end: s + len }),
        proptest::sample::select(vec!["http", "dns", "metrics"]).prop_map(|n| PortMatch::Named(n.to_owned())),
    ];
    (protocol(), m).prop_map(|(protocol, port)| PortSpec { protocol, port })
}

fn rule() -> impl Strategy<Value = Rule> {
    (proptest::collection::vec(peer(), 0..3), proptest::collection::vec(port_spec(), 0..3))
        .prop_map(|(peers, ports)| Rule { peers: peers.into(), ports: ports.into() })
}

fn policy_strategy() -> impl Strategy<Value = Policy> {
    (
        proptest::sample::select(vec!["n0", "n1", "n2"]),
        selector(POD_KEYS),
        any::<(bool, bool)>(),
        proptest::collection::vec(rule(), 0..3),
        proptest::collection::vec(rule(), 0..3),
    )
        .prop_map(|(ns, pod_selector, (i, e), ingress, egress)| Policy {
            namespace: ns.to_owned(),
            name: "p".to_owned(),
            pod_selector,
            types: PolicyTypes { ingress: i, egress: e },
            ingress,
            egress,
        })
}

fn named_ports() -> impl Strategy<Value = BTreeMap<String, (u16, Protocol)>> {
    proptest::collection::btree_map(
        proptest::sample::select(vec!["http".to_owned(), "dns".to_owned(), "metrics".to_owned()]),
        (proptest::sample::select(vec![53u16, 80, 8080, 9100]), protocol()),
        0..3,
    )
}

fn cluster_strategy() -> impl Strategy<Value = Cluster> {
    let pods = proptest::collection::vec(
        (proptest::sample::select(vec!["n0", "n1", "n2"]), pod_labels(), named_ports()),
        1..6,
    );
    let ns_prod = any::<bool>();
    (pods, ns_prod, proptest::collection::vec(policy_strategy(), 0..4)).prop_map(|(pods, prod, mut policies)| {
        for (i, p) in policies.iter_mut().enumerate() {
            p.name = format!("p{i}");
        }
        Cluster {
            identities: Default::default(),
            // n2 is left undeclared on purpose.
            namespaces: vec![ns("n0", &[("env", if prod { "prod" } else { "dev" })]), ns("n1", &[])],
            pods: pods
                .into_iter()
                .enumerate()
                .map(|(i, (n, labels, named_ports))| Pod {
                    id: format!("{n}/w{i}"),
                    namespace: n.to_owned(),
                    labels,
                    named_ports: named_ports.into(),
                })
                .collect(),
            policies,
        }
    })
}

fn all_pairs(c: &Cluster) -> Vec<(Endpoint, Endpoint)> {
    let pods: Vec<Endpoint> = (0..c.pods.len()).map(Endpoint::Pod).collect();
    let exts: Vec<Endpoint> = externals().into_iter().map(Endpoint::External).collect();
    let mut v = Vec::new();
    for &f in &pods {
        for &t in pods.iter().chain(&exts) {
            v.push((f, t));
        }
    }
    for &f in &exts {
        for &t in &pods {
            v.push((f, t));
        }
    }
    v
}

fn subset(a: &Allowed, b: &Allowed) -> bool {
    &a.intersection(b) == a
}

/// A change to one policy that may only add connections.
#[derive(Debug, Clone)]
enum Grow {
    Rule { ingress: bool, rule: Rule },
    Peer { ingress: bool, peer: Peer },
    Port { ingress: bool, port: PortSpec },
}

fn grow() -> impl Strategy<Value = Grow> {
    prop_oneof![
        (any::<bool>(), rule()).prop_map(|(ingress, rule)| Grow::Rule { ingress, rule }),
        (any::<bool>(), peer()).prop_map(|(ingress, peer)| Grow::Peer { ingress, peer }),
        (any::<bool>(), port_spec()).prop_map(|(ingress, port)| Grow::Port { ingress, port }),
    ]
}

fn rules(p: &mut Policy, ingress: bool) -> &mut Vec<Rule> {
    if ingress { &mut p.ingress } else { &mut p.egress }
}

fn apply(p: &mut Policy, g: Grow) {
    match g {
        Grow::Rule { ingress, rule } => rules(p, ingress).push(rule),
        // Adding to an empty list would narrow "everything" to one entry,
        // so only grow lists that are already non-empty.
        Grow::Peer { ingress, peer } => {
            if let Some(r) = rules(p, ingress).iter_mut().find(|r| !r.peers.is_empty()) {
                r.peers = r.peers.iter().cloned().chain([peer]).collect();
            }
        }
        Grow::Port { ingress, port } => {
            if let Some(r) = rules(p, ingress).iter_mut().find(|r| !r.ports.is_empty()) {
                r.ports = r.ports.iter().cloned().chain([port]).collect();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn adding_rules_peers_or_ports_never_removes_a_connection(
        c in cluster_strategy(), which in any::<prop::sample::Index>(), g in grow()
    ) {
        prop_assume!(!c.policies.is_empty());
        let mut bigger = c.clone();
        let i = which.index(c.policies.len());
        apply(&mut bigger.policies[i], g);
        for (f, t) in all_pairs(&c) {
            let before = c.allowed(f, t);
            let after = bigger.allowed(f, t);
            prop_assert!(subset(&before, &after), "{f:?}->{t:?}: {before} not within {after}");
        }
    }

    #[test]
    fn reachability_agrees_with_allowed(c in cluster_strategy()) {
        let reach = c.reachability(&externals());
        let mut expected = Vec::new();
        for (f, t) in all_pairs(&c) {
            let a = c.allowed(f, t);
            if !a.is_empty() {
                expected.push((f, t, a));
            }
        }
        let mut got: Vec<(Endpoint, Endpoint, Allowed)> =
            reach.iter().map(|r| (r.from, r.to, r.allowed.clone())).collect();
        prop_assert!(got.iter().all(|(_, _, a)| !a.is_empty()));
        let key = |e: &Endpoint| format!("{e:?}");
        let sort = |v: &mut Vec<(Endpoint, Endpoint, Allowed)>| v.sort_by_key(|(f, t, _)| (key(f), key(t)));
        sort(&mut got);
        sort(&mut expected);
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn explain_agrees_with_allowed(c in cluster_strategy()) {
        for (f, t) in all_pairs(&c) {
            let a = c.allowed(f, t);
            for proto in Protocol::ALL {
                for port in PROBE_PORTS {
                    let v = c.explain(f, t, port, proto);
                    prop_assert_eq!(v.allowed, a.contains(port, proto), "{}", v);
                    prop_assert_eq!(v.allowed, v.egress.is_allowed() && v.ingress.is_allowed());
                }
            }
        }
    }

    #[test]
    fn port_set_matches_a_plain_set(
        ranges in proptest::collection::vec((1u16..60, 0u16..8), 0..8),
        other in proptest::collection::vec((1u16..60, 0u16..8), 0..8),
    ) {
        let build = |rs: &[(u16, u16)]| {
            let mut s = PortSet::empty();
            let mut plain = BTreeSet::new();
            for &(lo, len) in rs {
                s.insert_range(lo, lo + len);
                plain.extend(lo..=lo + len);
            }
            (s, plain)
        };
        let (a, pa) = build(&ranges);
        let (b, pb) = build(&other);
        let mut u = a.clone();
        u.union_with(&b);
        let i = a.intersection(&b);
        for p in 0..80u16 {
            prop_assert_eq!(a.contains(p), pa.contains(&p));
            prop_assert_eq!(u.contains(p), pa.contains(&p) || pb.contains(&p));
            prop_assert_eq!(i.contains(p), pa.contains(&p) && pb.contains(&p));
        }
        prop_assert_eq!(a.count() as usize, pa.len());
        // Canonical form: ranges are disjoint and non-adjacent.
        let rs: Vec<_> = u.ranges().collect();
        prop_assert!(rs.windows(2).all(|w| u32::from(*w[0].end()) + 1 < u32::from(*w[1].start())));
    }
}

/// At the YAML level monotonicity has one exception, worth pinning down:
/// the first egress rule added to a policy without `policyTypes` also adds
/// `Egress` to its defaulted types, isolating its pods for egress.
#[test]
fn first_egress_rule_without_policy_types_can_remove_connections() {
    let pods = || vec![pod("a/x", &[]), pod("a/y", &[])];
    let before = cluster(vec![], pods(), vec![policy("a", "p", serde_json::json!({ "podSelector": {} }))]);
    let after = cluster(
        vec![],
        pods(),
        vec![policy("a", "p", serde_json::json!({ "podSelector": {}, "egress": [ { "ports": [ { "port": 53 } ] } ] }))],
    );
    assert!(set(&before, "a/x", "1.1.1.1").is_all());
    assert_eq!(set(&after, "a/x", "1.1.1.1"), Allowed::only(TCP, PortSet::single(53)));
}

#[test]
fn reachability_scales_to_hundreds_of_pods() {
    let mut pods = Vec::new();
    let mut policies = Vec::new();
    for n in 0..10 {
        for w in 0..30 {
            pods.push(pod(&format!("ns{n}/w{w}"), &[("app", &format!("a{}", w % 5))]));
        }
        policies.push(policy(
            &format!("ns{n}"),
            "deny",
            serde_json::json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] }),
        ));
        policies.push(policy(
            &format!("ns{n}"),
            "allow",
            serde_json::json!({
                "podSelector": { "matchLabels": { "app": "a0" } },
                "ingress": [ { "from": [ { "namespaceSelector": {}, "podSelector": { "matchLabels": { "app": "a1" } } } ], "ports": [ { "port": 80 } ] } ],
                "egress": [ { "to": [ { "namespaceSelector": {} } ], "ports": [ { "port": 80 }, { "protocol": "UDP", "port": 53 } ] } ]
            }),
        ));
    }
    let c = cluster(vec![], pods, policies);
    let reach = c.reachability(&externals());
    // a1 pods have no egress rule: nothing leaves them; a0 pods only talk
    // to other a0 pods' ingress... which admits only a1. So: nothing.
    assert!(reach.is_empty(), "{} pairs", reach.len());
    let mut c = c;
    for n in 0..10 {
        c.policies.push(policy(
            &format!("ns{n}"),
            "a1-out",
            serde_json::json!({ "podSelector": { "matchLabels": { "app": "a1" } }, "policyTypes": ["Egress"], "egress": [ {} ] }),
        ));
    }
    let reach = c.reachability(&[]);
    // 60 a1 pods x 60 a0 pods on 80/TCP.
    assert_eq!(reach.len(), 60 * 60);
    assert!(reach.iter().all(|r| r.allowed == Allowed::only(TCP, PortSet::single(80))));
}
