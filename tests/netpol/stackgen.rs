//! A cluster shaped like stackc's own output, for the scale test: `n`
//! workloads over `n / 10` namespaces, a default-deny per namespace, one
//! ingress and one egress policy per workload allowing exactly its declared
//! edges (about 3 callees each, a quarter of them in another namespace),
//! and DNS egress to a `kube-system` pod (by selector, or to any peer on
//! port 53, which changes nothing since every other pod admits only its
//! callers). Also returns what reachability must report. Uses only the
//! public API, deterministically (no RNG crate).

use std::collections::BTreeMap;

use stackc::verify::netpol::{
    Allowed, Cluster, LabelSelector, Labels, NAMESPACE_NAME_LABEL, Namespace, Peer, Pod, Policy, PolicyTypes,
    PortMatch, PortSet, PortSpec, Protocol, Rule,
};

const NAME: &str = "app.kubernetes.io/name";
pub const DNS_POD: &str = "kube-system/coredns";

/// The cluster and the exact reachability expected without externals:
/// `(from id, to id) -> allowed`.
pub struct Stack {
    pub cluster: Cluster,
    pub expected: BTreeMap<(String, String), Allowed>,
    /// Distinct declared workload -> workload pairs.
    pub declared_pairs: usize,
}

/// A small deterministic generator (`SplitMix64`).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        usize::try_from(z % n.max(1) as u64).unwrap_or(0)
    }
}

fn spec(protocol: Protocol, port: PortMatch) -> PortSpec {
    PortSpec { protocol, port }
}

fn pods_named(name: &str) -> LabelSelector {
    LabelSelector::labels([(NAME, name)])
}

/// The stack with `n` workloads (at least one namespace of up to 10).
#[must_use]
pub fn stack_shaped(n: usize, seed: u64, dns_anywhere: bool) -> Stack {
    let nsc = (n / 10).max(1);
    let mut rng = Rng(seed);
    let ns_of = |i: usize| i % nsc;
    let name_of = |i: usize| format!("w{}", i / nsc);
    let id_of = |i: usize| format!("ns{}/{}", ns_of(i), name_of(i));
    let mut namespaces: Vec<Namespace> = (0..nsc)
        .map(|k| Namespace { name: format!("ns{k}"), labels: [("team".to_owned(), format!("t{}", k % 3))].into() })
        .collect();
    namespaces.push(Namespace { name: "kube-system".to_owned(), labels: Labels::new() });
    let mut pods: Vec<Pod> = (0..n)
        .map(|i| Pod {
            id: id_of(i),
            namespace: format!("ns{}", ns_of(i)),
            labels: [(NAME.to_owned(), name_of(i))].into(),
            named_ports: [("http".to_owned(), (8080, Protocol::Tcp))].into(),
        })
        .collect();
    pods.push(Pod {
        id: DNS_POD.to_owned(),
        namespace: "kube-system".to_owned(),
        labels: [("k8s-app".to_owned(), "kube-dns".to_owned())].into(),
        named_ports: [("dns".to_owned(), (53, Protocol::Udp))].into(),
    });
    // Edges: (from, to) -> port specs, and the ports they open.
    let mut edges: BTreeMap<(usize, usize), Vec<PortSpec>> = BTreeMap::new();
    let mut expected: BTreeMap<(String, String), Allowed> = BTreeMap::new();
    for from in 0..n {
        for _ in 0..3 {
            let cross = nsc > 1 && rng.below(4) == 0;
            let to = if cross {
                let k = (ns_of(from) + 1 + rng.below(nsc - 1)) % nsc;
                k + nsc * rng.below(n.div_ceil(nsc))
            } else {
                ns_of(from) + nsc * rng.below(n.div_ceil(nsc))
            };
            if to >= n || to == from {
                continue;
            }
            let (s, proto, lo) = match rng.below(3) {
                0 => (spec(Protocol::Tcp, PortMatch::Named("http".into())), Protocol::Tcp, 8080),
                1 => {
                    let p = 9000 + u16::try_from(rng.below(5)).unwrap_or(0);
                    let m = PortMatch::Range { start: p, end: p };
                    (spec(Protocol::Tcp, m), Protocol::Tcp, p)
                }
                _ => {
                    let m = PortMatch::Range { start: 5353, end: 5353 };
                    (spec(Protocol::Udp, m), Protocol::Udp, 5353)
                }
            };
            edges.entry((from, to)).or_default().push(s);
            let e = expected.entry((id_of(from), id_of(to))).or_default();
            e.get_mut(proto).insert_range(lo, lo);
        }
    }
    let declared_pairs = edges.len();
    let mut incoming: Vec<Vec<(usize, &[PortSpec])>> = vec![Vec::new(); n];
    for (&(from, to), ports) in &edges {
        incoming[to].push((from, ports));
    }
    let peer = |me: usize, other: usize| Peer::Pods {
        namespace_selector: (ns_of(me) != ns_of(other))
            .then(|| LabelSelector::labels([(NAMESPACE_NAME_LABEL, format!("ns{}", ns_of(other)))])),
        pod_selector: Some(pods_named(&name_of(other))),
    };
    let rule =
        |me: usize, other: usize, ports: &[PortSpec]| Rule { peers: [peer(me, other)].into(), ports: ports.into() };
    let policy = |i: usize, suffix: &str, types: PolicyTypes| Policy {
        namespace: format!("ns{}", ns_of(i)),
        name: format!("{}-{suffix}", name_of(i)),
        pod_selector: pods_named(&name_of(i)),
        types,
        ingress: Vec::new(),
        egress: Vec::new(),
    };
    let dns = Rule {
        peers: if dns_anywhere {
            Box::default()
        } else {
            [Peer::Pods {
                namespace_selector: Some(LabelSelector::labels([(NAMESPACE_NAME_LABEL, "kube-system")])),
                pod_selector: Some(LabelSelector::labels([("k8s-app", "kube-dns")])),
            }]
            .into()
        },
        ports: [
            spec(Protocol::Udp, PortMatch::Range { start: 53, end: 53 }),
            spec(Protocol::Tcp, PortMatch::Range { start: 53, end: 53 }),
        ]
        .into(),
    };
    let mut policies: Vec<Policy> = (0..nsc)
        .map(|k| Policy {
            namespace: format!("ns{k}"),
            name: "default-deny".to_owned(),
            pod_selector: LabelSelector::everything(),
            types: PolicyTypes { ingress: true, egress: true },
            ingress: Vec::new(),
            egress: Vec::new(),
        })
        .collect();
    for (i, callers) in incoming.iter().enumerate() {
        let mut ing = policy(i, "ingress", PolicyTypes { ingress: true, egress: false });
        ing.ingress = callers.iter().map(|&(from, ports)| rule(i, from, ports)).collect();
        if !ing.ingress.is_empty() {
            policies.push(ing);
        }
        let mut eg = policy(i, "egress", PolicyTypes { ingress: false, egress: true });
        eg.egress = edges.range((i, 0)..(i + 1, 0)).map(|(&(_, to), ports)| rule(i, to, ports)).collect();
        eg.egress.push(dns.clone());
        policies.push(eg);
        let mut dns_ports = Allowed::only(Protocol::Udp, PortSet::single(53));
        dns_ports.get_mut(Protocol::Tcp).insert_range(53, 53);
        expected.insert((id_of(i), DNS_POD.to_owned()), dns_ports);
    }
    // coredns is isolated by no policy: it may reach itself, nothing else
    // (every other pod is ingress-isolated and admits only its callers).
    expected.insert((DNS_POD.to_owned(), DNS_POD.to_owned()), Allowed::all());
    Stack { cluster: Cluster { namespaces, pods, policies, identities: Default::default() }, expected, declared_pairs }
}
