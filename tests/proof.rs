//! The network proof (`verify::verify`, `verify::prove`) against a
//! reference: the all-pairs proof it replaced, over the exhaustive
//! evaluator. On the repository's stacks, with their NetworkPolicies
//! tampered with at random, both give the same result and the same
//! diagnostics (text, span, order), and `prove` gives it too from a cluster
//! whose policies were parsed a component at a time, its pods and the
//! graph's nodes and edges in any order.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::net::IpAddr;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value, json};
use stackc::check::ResolvedStack;
use stackc::derive::{Derived, Graph, GraphNode, NOT_INTERNET};
use stackc::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use stackc::verify::Proof;
use stackc::verify::netpol::{self, Allowed, Cluster, Endpoint, PortSet, Protocol};

use crate::support::root;

/// Every cluster of the seed stack and of the examples, analyzed once.
fn clusters() -> &'static [stackc::Analyzed] {
    static CLUSTERS: OnceLock<Vec<stackc::Analyzed>> = OnceLock::new();
    CLUSTERS.get_or_init(|| {
        let dirs = [
            "",
            "examples/minimal",
            "examples/multi-namespace",
            "examples/argocd",
            "examples/mixed",
            "examples/social",
            "examples/forge",
            "examples/cilium",
        ];
        let dirs = dirs.into_iter().chain(["examples/kustomize", "examples/environments"]);
        dirs.flat_map(|dir| {
            let dir = root().join(dir);
            let source = std::fs::read_to_string(dir.join("stack.kdl")).expect("stack.kdl");
            let store = stackc::secrets::load_store(&dir).expect("store loads");
            stackc::analyze(&source, &store).expect("analyzes")
        })
        .collect()
    })
}

/// One end of a pair in the reference: a pod by id, or an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum End<'a> {
    Pod(&'a str),
    Ip(IpAddr),
}

impl fmt::Display for End<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Pod(id) => f.write_str(id),
            End::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// The proof as it was: every reachable pair of the exhaustive evaluation
/// in one map, every key that could differ in one set, compared in order.
fn reference(stack: &ResolvedStack, derived: &Derived) -> Result<Proof, Diagnostics> {
    let cluster = stackc::verify::cluster(stack, derived).expect("tampered policies stay valid");
    let probes = stackc::verify::external_probes(stack);
    let nodes: HashMap<&str, &GraphNode> = derived.graph.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let end = |e: Endpoint| match e {
        Endpoint::Pod(i) => End::Pod(cluster.pods[i].id.as_str()),
        Endpoint::External(ip) => End::Ip(ip),
    };
    let actual: BTreeMap<(End, End), Allowed> =
        cluster.reachability_exhaustive(&probes).into_iter().map(|r| ((end(r.from), end(r.to)), r.allowed)).collect();
    let mut edges: BTreeMap<(End, End), Allowed> = BTreeMap::new();
    for e in &derived.graph.edges {
        let entry = edges.entry((End::Pod(&e.from), End::Pod(&e.to))).or_default();
        entry.union_with(&Allowed::only(protocol(e.protocol), PortSet::single(e.port)));
    }
    let node = |e: End| match e {
        End::Pod(id) => nodes.get(id).copied(),
        End::Ip(_) => None,
    };
    let managed = |e: End| node(e).is_some_and(|n| n.managed);
    let mut keys: BTreeSet<(End, End)> = actual.keys().chain(edges.keys()).copied().collect();
    for n in derived.graph.nodes.iter().filter(|n| n.managed) {
        for &ip in &probes {
            keys.insert((End::Pod(&n.id), End::Ip(ip)));
            keys.insert((End::Ip(ip), End::Pod(&n.id)));
        }
    }
    let mut d = Diagnostics::default();
    for &(from, to) in keys.iter().filter(|(f, t)| managed(*f) || managed(*t)) {
        let want = match (edges.get(&(from, to)), from, node(from), to, node(to)) {
            (Some(a), ..) => a.clone(),
            (None, _, Some(n), End::Ip(ip), None) => to_address(stack, n, ip),
            (None, End::Ip(ip), None, _, Some(n)) => from_address(stack, ip, n),
            _ => Allowed::none(),
        };
        let got = actual.get(&(from, to)).cloned().unwrap_or_default();
        if want != got {
            let span = node(from).filter(|n| n.managed).or_else(|| node(to)).map_or(Span::default(), |n| n.span);
            let message = format!(
                "the derived NetworkPolicies allow {from} → {to}: {}, but the stack declares: {}",
                show(&got),
                show(&want)
            );
            d.push(
                Diagnostic::error(Code::Internal, span, message)
                    .label("for this workload")
                    .help("this is a bug in stackc; please report it with this stack"),
            );
        }
    }
    if d.has_errors() {
        return Err(d);
    }
    let endpoints = cluster.pods.len() + probes.len();
    let unmanaged = endpoints - derived.graph.nodes.iter().filter(|n| n.managed).count();
    let pairs = endpoints * endpoints - unmanaged * unmanaged;
    Ok(Proof { workloads: cluster.pods.len(), pairs, edges: derived.graph.edges.len(), externals: probes.len() })
}

fn show(a: &Allowed) -> String {
    if a.is_empty() { "nothing".to_owned() } else { a.to_string() }
}

fn protocol(p: stackc::model::Protocol) -> Protocol {
    match p {
        stackc::model::Protocol::Tcp => Protocol::Tcp,
        stackc::model::Protocol::Udp => Protocol::Udp,
    }
}

fn tcp(ports: impl IntoIterator<Item = u16>) -> Allowed {
    let mut a = Allowed::none();
    for port in ports {
        a.union_with(&Allowed::only(Protocol::Tcp, PortSet::single(port)));
    }
    a
}

/// The API server's sample address: its address, or the first host of its block.
fn api_ip(stack: &ResolvedStack) -> Option<IpAddr> {
    stack.cluster.api_server.as_ref().and_then(|a| first_ip(&a.address))
}

fn first_ip(block: &str) -> Option<IpAddr> {
    let normal = stackc::check::names::cidr(block)?;
    let ip: IpAddr = normal.split_once('/')?.0.parse().ok()?;
    match (ip, normal.ends_with("/32") || normal.ends_with("/128")) {
        (IpAddr::V4(v4), false) => Some(IpAddr::V4((u32::from(v4) | 1).into())),
        _ => Some(ip),
    }
}

/// Declared egress of `n` to an address: the API server, the internet.
fn to_address(stack: &ResolvedStack, n: &GraphNode, ip: IpAddr) -> Allowed {
    let mut a = Allowed::none();
    if n.api_access
        && api_ip(stack) == Some(ip)
        && let Some(api) = &stack.cluster.api_server
    {
        a.union_with(&tcp([api.port.value]));
    }
    // Only IPv4 ranges are excluded, as the internet rule lists only those.
    let nets = [&stack.cluster.networks.pods.value, &stack.cluster.networks.services.value];
    let mut excluded = NOT_INTERNET.iter().copied().chain(nets.map(String::as_str));
    let block = |b: &str| netpol::Cidr::parse(&stackc::check::names::cidr(b).unwrap_or_default());
    if !(ip.is_ipv4() && excluded.any(|b| block(b).is_ok_and(|c| c.contains(ip)))) {
        for (port, proto) in &n.internet {
            a.union_with(&Allowed::only(protocol(*proto), PortSet::single(*port)));
        }
    }
    a
}

/// Declared ingress of `n` from an address: entry points, webhooks.
fn from_address(stack: &ResolvedStack, ip: IpAddr, n: &GraphNode) -> Allowed {
    let mut a = Allowed::none();
    for &(port, p) in &n.world_ingress {
        a.union_with(&Allowed::only(protocol(p), PortSet::single(port)));
    }
    if api_ip(stack) == Some(ip) || node_source(stack, ip) {
        a.union_with(&tcp(n.api_ingress.iter().copied()));
    }
    a
}

/// Whether the API server's calls may come from `ip`: a `node-address`, or
/// the `.0` or `.1` of a node subnet (`node-mask`) of an IPv4 pod CIDR.
fn node_source(stack: &ResolvedStack, ip: IpAddr) -> bool {
    let networks = &stack.cluster.networks;
    if networks.node_addresses.iter().any(|a| a.value.parse::<IpAddr>().ok() == Some(ip)) {
        return true;
    }
    let (Some((net, bits)), IpAddr::V4(v4)) = (networks.pods.split_once('/'), ip) else { return false };
    let (Ok(net), Ok(bits)) = (net.parse::<std::net::Ipv4Addr>(), bits.parse::<u32>()) else { return false };
    let (ip, net) = (u64::from(u32::from(v4)), u64::from(u32::from(net)));
    let size = 1_u64 << (32 - u32::from(networks.node_mask.value));
    ip >= net && ip < net + (1 << (32 - bits)) && (ip - net) % size < 2
}

/// The cluster of `derived` as a caller of `prove` builds it: the policies
/// parsed a component at a time, the pods in reverse graph order. The parts
/// are concatenated last to first: the order of the policies changes no
/// allowed set.
fn cluster_in_parts(stack: &ResolvedStack, derived: &Derived) -> Cluster {
    let mut cluster = stackc::verify::cluster(stack, derived).expect("valid policies");
    let parts = derived
        .components
        .iter()
        .rev()
        .map(|c| netpol::parse_policies(c.objects.iter().filter_map(stackc::derive::Object::tree)));
    cluster.policies = parts.flat_map(|p| p.expect("valid policies")).collect();
    cluster.pods.reverse();
    cluster
}

/// A change to one NetworkPolicy, chosen by number.
fn tamper(body: &mut Value, how: usize) {
    let spec = &mut body["spec"];
    let dir = if spec["egress"].is_array() { "egress" } else { "ingress" };
    let peers = if dir == "egress" { "to" } else { "from" };
    match how % 9 {
        0 => {
            if let Some(rules) = spec[dir].as_array_mut().filter(|r| !r.is_empty()) {
                rules.remove(0);
            }
        }
        1 => spec[dir] = json!([{ peers: [{"namespaceSelector": {}}] }]),
        2 => {
            if let Some(rule) = spec.pointer_mut(&format!("/{dir}/0")).and_then(Value::as_object_mut) {
                rule.remove("ports");
            }
        }
        3 => {
            if let Some(port) = spec.pointer_mut(&format!("/{dir}/0/ports/0/port")).filter(|p| p.is_u64()) {
                *port = json!(port.as_u64().unwrap_or_default() % 65535 + 1);
            }
        }
        4 => {
            for rule in spec[dir].as_array_mut().into_iter().flatten() {
                if let Some(block) = rule.pointer_mut(&format!("/{peers}/0/ipBlock")).and_then(Value::as_object_mut) {
                    block.remove("except");
                }
            }
        }
        5 => spec["podSelector"] = json!({}),
        6 => spec["podSelector"] = json!({"matchLabels": {"nothing": "here"}}),
        7 => {
            let rule = json!({ peers: [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443}] });
            if let Some(rules) = spec[dir].as_array_mut() {
                rules.push(rule);
            } else {
                spec[dir] = json!([rule]);
            }
        }
        _ => {
            if let Some(spec) = spec.as_object_mut() {
                spec.remove("policyTypes");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    /// Tampered policies: the proof reports exactly what the reference
    /// reports, in the same order, whether it parses the policies itself
    /// or is handed a cluster parsed in parts.
    #[test]
    fn the_proof_agrees_with_the_all_pairs_reference(
        which in any::<prop::sample::Index>(),
        changes in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..9), 0..4),
    ) {
        let analyzed = which.get(clusters());
        let mut derived = analyzed.derived.clone();
        let mut bodies: Vec<&mut Value> = derived
            .components
            .iter_mut()
            .flat_map(|c| c.objects.iter_mut())
            .filter(|o| o.kind == "NetworkPolicy")
            .filter_map(stackc::derive::Object::tree_mut)
            .collect();
        if !bodies.is_empty() {
            for (policy, how) in &changes {
                let at = policy.index(bodies.len());
                tamper(bodies[at], *how);
            }
        }
        let got = stackc::verify::verify(&analyzed.stack, &derived);
        prop_assert_eq!(&got, &reference(&analyzed.stack, &derived));
        let parts = cluster_in_parts(&analyzed.stack, &derived);
        prop_assert_eq!(&got, &stackc::verify::prove(&analyzed.stack, &derived.graph, &parts));
        let graph = &derived.graph;
        let reversed = Graph::new(graph.nodes.iter().rev().cloned().collect(), graph.edges.iter().rev().cloned().collect());
        prop_assert_eq!(&got, &stackc::verify::prove(&analyzed.stack, &reversed, &parts));
    }
}

#[test]
fn every_cluster_of_the_examples_is_proven() {
    for a in clusters() {
        let proof = stackc::verify::verify(&a.stack, &a.derived).expect("proven");
        assert_eq!(Ok(proof), reference(&a.stack, &a.derived));
    }
}

#[test]
fn prove_refuses_two_pods_with_one_id() {
    let a = &clusters()[0];
    let mut cluster = stackc::verify::cluster(&a.stack, &a.derived).expect("valid policies");
    let twin = cluster.pods[0].clone();
    cluster.pods.push(twin);
    let d = stackc::verify::prove(&a.stack, &a.derived.graph, &cluster).expect_err("ambiguous pairs");
    let messages: Vec<&str> = d.iter().map(|x| x.message.as_str()).collect();
    let id = &cluster.pods[0].id;
    assert_eq!(messages, [format!("the network proof needs one pod and one graph node per id, but `{id}` names two")]);
}

#[test]
fn prove_reports_a_graph_node_without_pods() {
    // A managed workload the cluster does not run is reached by nothing:
    // each of its declared connections is reported missing.
    let a = &clusters()[0];
    let mut cluster = stackc::verify::cluster(&a.stack, &a.derived).expect("valid policies");
    let gone = a.derived.graph.nodes.iter().position(|n| n.managed).expect("a managed node");
    let id = cluster.pods.remove(gone).id;
    let d = stackc::verify::prove(&a.stack, &a.derived.graph, &cluster).expect_err("missing connections");
    assert!(d.iter().all(|x| x.message.contains(&format!("{id} →")) || x.message.contains(&format!("→ {id}:"))));
    assert!(d.iter().all(|x| x.message.contains(": nothing, but the stack declares: ")));
}

#[test]
fn prove_checks_a_pod_the_graph_does_not_know_by_its_policies() {
    // Without its graph node, an unmanaged pod declares nothing and is not
    // managed; its pairs with managed workloads are still proven.
    let a = clusters().iter().find(|a| a.derived.graph.nodes.iter().any(|n| !n.managed)).expect("an unmanaged node");
    let cluster = stackc::verify::cluster(&a.stack, &a.derived).expect("valid policies");
    let graph = &a.derived.graph;
    let unknown = graph.nodes.iter().find(|n| !n.managed).expect("an unmanaged node");
    let nodes = graph.nodes.iter().filter(|n| n.id != unknown.id).cloned().collect();
    let proof = stackc::verify::prove(&a.stack, &Graph::new(nodes, graph.edges.clone()), &cluster).expect("proven");
    assert_eq!(Ok(proof), stackc::verify::verify(&a.stack, &a.derived));
}
