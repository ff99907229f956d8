//! The Cilium dialect (`cni "cilium"`, issue 15 item 3): the API server's
//! edges, the webhook calls and node-relayed clients as
//! `CiliumNetworkPolicy` entities, no `ipBlock` of a node or the API server
//! left; the proof evaluates the Cilium objects (entities match the nodes
//! and the API server, an `ipBlock` never does), and `explain` names them.

use std::net::IpAddr;

use serde_json::{Value, json};
use stackc::verify::netpol::{self, Allowed, Cidr, Endpoint, Entity, Identities, PortSet, Protocol};

use crate::support::{compile, compile_in, root, stackc, tree_text};

fn seed_source() -> String {
    std::fs::read_to_string(root().join("stack.kdl")).unwrap()
}

/// The seed with `fact` added to its cluster.
fn seed_with(fact: &str) -> String {
    let seed = seed_source();
    let anchor = "        api-server \"10.0.0.10\" port=6443\n";
    assert!(seed.contains(anchor), "the seed declares its API server");
    seed.replace(anchor, &format!("{anchor}        {fact}\n"))
}

fn analyzed(source: &str) -> stackc::Analyzed {
    let store = stackc::secrets::load_store(&root()).unwrap();
    stackc::analyze(source, &store).unwrap().remove(0)
}

fn objects<'a>(a: &'a stackc::Analyzed, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    a.derived.components.iter().flat_map(|c| &c.objects).filter(move |o| o.kind == kind).filter_map(|o| o.tree())
}

/// Every `cidr` of every `ipBlock` of the NetworkPolicies.
fn ip_blocks(a: &stackc::Analyzed) -> Vec<String> {
    let mut out = Vec::new();
    for policy in objects(a, "NetworkPolicy") {
        for direction in ["ingress", "egress"] {
            for rule in policy["spec"][direction].as_array().into_iter().flatten() {
                for peer in rule["from"].as_array().or(rule["to"].as_array()).into_iter().flatten() {
                    out.extend(peer["ipBlock"]["cidr"].as_str().map(str::to_owned));
                }
            }
        }
    }
    out
}

#[test]
fn on_cilium_no_ip_block_names_a_node_or_the_api_server() {
    let portable = analyzed(&seed_source());
    assert!(ip_blocks(&portable).contains(&"10.0.0.10/32".to_owned()), "the portable dialect writes the API server");
    assert!(ip_blocks(&portable).contains(&"10.42.7.0/31".to_owned()), "and the node subnets");
    let cilium = analyzed(&seed_with("cni \"cilium\""));
    let mut left = ip_blocks(&cilium);
    left.sort();
    left.dedup();
    // Only the internet and clients of Traefik are addresses on Cilium.
    assert_eq!(left, ["0.0.0.0/0"]);
}

#[test]
fn every_api_server_edge_is_a_cilium_entity() {
    let a = analyzed(&seed_with("cni \"cilium\""));
    let graph = &a.derived.graph;
    let mut egress = Vec::new();
    let mut webhooks = Vec::new();
    let mut clients = Vec::new();
    for policy in objects(&a, "CiliumNetworkPolicy") {
        assert_eq!(policy["apiVersion"], "cilium.io/v2");
        let name = format!("{}/{}", policy["metadata"]["namespace"].as_str().unwrap(), policy["metadata"]["name"]);
        for rule in policy["spec"]["egress"].as_array().into_iter().flatten() {
            assert_eq!(rule["toEntities"], json!(["kube-apiserver"]), "{name}");
            assert_eq!(rule["toPorts"], json!([{"ports": [{"port": "6443", "protocol": "TCP"}]}]), "{name}");
            egress.push(policy["spec"]["endpointSelector"]["matchLabels"].clone());
        }
        for rule in policy["spec"]["ingress"].as_array().into_iter().flatten() {
            let selector = policy["spec"]["endpointSelector"]["matchLabels"].clone();
            match &rule["fromEntities"] {
                e if *e == json!(["host", "kube-apiserver", "remote-node"]) => webhooks.push(selector),
                e if *e == json!(["host", "remote-node"]) => clients.push(selector),
                other => panic!("{name}: unexpected entities {other}"),
            }
        }
    }
    let labels = |n: &stackc::derive::GraphNode| serde_json::to_value(&n.labels).unwrap();
    let mut want: Vec<Value> = graph.nodes.iter().filter(|n| n.managed && n.api_access).map(labels).collect();
    let key = |v: &Value| v.to_string();
    want.sort_by_key(key);
    egress.sort_by_key(key);
    assert_eq!(egress, want, "one kube-apiserver egress per workload with API access");
    let mut want: Vec<Value> =
        graph.nodes.iter().filter(|n| n.managed && !n.api_ingress.is_empty()).map(labels).collect();
    want.sort_by_key(key);
    webhooks.sort_by_key(key);
    assert_eq!(webhooks, want, "one node-and-API-server ingress per webhook");
    assert_eq!(webhooks.len(), 5, "cert-manager's, Kyverno's two, Linkerd's destination and injector");
    assert_eq!(clients.len(), 1, "Traefik's entry points");
    stackc::verify::verify(&a.stack, &a.derived).expect("the Cilium seed is proven");
}

#[test]
fn the_proof_reads_the_cilium_objects() {
    // Without its CiliumNetworkPolicies the Cilium seed loses every API
    // server edge: the proof must say so, edge by edge.
    let mut a = analyzed(&seed_with("cni \"cilium\""));
    for c in &mut a.derived.components {
        c.objects.retain(|o| o.kind != "CiliumNetworkPolicy");
    }
    let d = stackc::verify::verify(&a.stack, &a.derived).expect_err("API server edges are missing");
    let messages: Vec<&str> = d.iter().map(|x| x.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m
            .contains("kyverno/kyverno-admission-controller → 10.0.0.10: nothing, but the stack declares: TCP 6443")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("10.42.1.0 → kyverno/kyverno-admission-controller: nothing")),
        "{messages:#?}"
    );
}

#[test]
fn an_explicit_portable_cni_changes_nothing() {
    let seed = tree_text(&compile_in(&root(), &seed_source()).unwrap());
    assert_eq!(tree_text(&compile_in(&root(), &seed_with("cni \"portable\"")).unwrap()), seed);
}

#[test]
fn an_unknown_cni_is_refused_with_a_suggestion() {
    insta::assert_snapshot!("unknown_cni", compile(&seed_with("cni \"cilum\"")).unwrap_err());
}

#[test]
fn a_cni_without_a_name_is_refused() {
    insta::assert_snapshot!("cni_without_a_name", compile(&seed_with("cni")).unwrap_err());
}

/// A cluster of one pod `a/web` and `policies`, with the identities of a
/// Cilium cluster whose API server is 10.0.0.10 and a node 10.0.0.11.
fn cilium_cluster(policies: &[Value]) -> netpol::Cluster {
    let pod = netpol::Pod {
        id: "a/web".into(),
        namespace: "a".into(),
        labels: [("app", "web")].into_iter().collect(),
        named_ports: Default::default(),
    };
    let api: Box<[Entity]> = Box::new([Entity::Host, Entity::KubeApiserver, Entity::RemoteNode]);
    let node: Box<[Entity]> = Box::new([Entity::Host, Entity::RemoteNode]);
    let identities = Identities::new(vec![
        (Cidr::parse("10.0.0.10/32").unwrap(), api),
        (Cidr::parse("10.0.0.11/32").unwrap(), node),
    ]);
    netpol::Cluster {
        namespaces: Vec::new(),
        pods: vec![pod],
        policies: netpol::parse_policies(policies).expect("valid policies"),
        identities,
    }
}

fn egress_to(cluster: &netpol::Cluster, ip: &str) -> Allowed {
    cluster.allowed(Endpoint::Pod(0), Endpoint::External(ip.parse::<IpAddr>().unwrap()))
}

fn tcp(port: u16) -> Allowed {
    Allowed::only(Protocol::Tcp, PortSet::single(port))
}

#[test]
fn an_ip_block_never_matches_a_node_on_cilium() {
    let everything = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "out", "namespace": "a"},
        "spec": {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]}});
    let cluster = cilium_cluster(&[everything]);
    assert_eq!(egress_to(&cluster, "1.1.1.1"), Allowed::all());
    assert_eq!(egress_to(&cluster, "10.0.0.12"), Allowed::all(), "an address without identity is matched");
    assert_eq!(egress_to(&cluster, "10.0.0.10"), Allowed::none(), "the API server is not");
    assert_eq!(egress_to(&cluster, "10.0.0.11"), Allowed::none(), "a node is not");
}

#[test]
fn entities_match_the_addresses_with_their_identity() {
    let policy = |entity: &str| {
        json!({"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
            "metadata": {"name": entity, "namespace": "a"},
            "spec": {"endpointSelector": {"matchLabels": {"app": "web"}},
                "egress": [{"toEntities": [entity], "toPorts": [{"ports": [{"port": "6443", "protocol": "TCP"}]}]}]}})
    };
    let api = cilium_cluster(&[policy("kube-apiserver")]);
    assert_eq!(egress_to(&api, "10.0.0.10"), tcp(6443));
    assert_eq!(egress_to(&api, "10.0.0.11"), Allowed::none());
    assert_eq!(egress_to(&api, "1.1.1.1"), Allowed::none());
    let nodes = cilium_cluster(&[policy("remote-node")]);
    assert_eq!(egress_to(&nodes, "10.0.0.10"), tcp(6443), "the API server runs on a node");
    assert_eq!(egress_to(&nodes, "10.0.0.11"), tcp(6443));
    assert_eq!(egress_to(&nodes, "1.1.1.1"), Allowed::none());
    let world = cilium_cluster(&[policy("world")]);
    assert_eq!(egress_to(&world, "1.1.1.1"), tcp(6443));
    assert_eq!(egress_to(&world, "10.0.0.11"), Allowed::none());
    // A pod is never an entity stackc writes.
    let pods = cilium_cluster(&[policy("host")]);
    assert_eq!(pods.allowed(Endpoint::Pod(0), Endpoint::Pod(0)), Allowed::none());
}

#[test]
fn the_evaluator_refuses_cilium_forms_stackc_does_not_write() {
    let with = |rule: Value| {
        json!({"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "p", "namespace": "a"},
            "spec": {"endpointSelector": {}, "egress": [rule]}})
    };
    let error = |v: Value| netpol::parse_policy(&v).unwrap_err().to_string();
    assert_eq!(error(with(json!({"toEndpoints": [{}]}))), "spec.egress[0].toEndpoints: unknown field");
    assert_eq!(
        error(with(json!({"toEntities": ["cluster"]}))),
        "spec.egress[0].toEntities[0]: invalid value \"cluster\": not an entity stackc writes: host, kube-apiserver, remote-node or world"
    );
    assert_eq!(
        error(with(json!({"toEntities": ["world"], "toPorts": [{"ports": [{"port": "https"}]}]}))),
        "spec.egress[0].toPorts[0].ports[0].port: invalid value \"https\": stackc writes a port number in 1..=65535"
    );
    assert_eq!(error(with(json!({"toPorts": []}))), "spec.egress[0].toEntities: required field is missing");
}

#[test]
fn explain_names_the_entity_and_the_cilium_policy() {
    let dir = root().join("examples/cilium");
    let out = stackc(&dir, &["explain", "tools/dashboard", "192.168.20.10:6443"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!("explain_cilium_api_server", String::from_utf8_lossy(&out.stdout));
    let out = stackc(&dir, &["explain", "10.0.3.0", "kyverno/kyverno-admission-controller:9443"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!("explain_cilium_webhook", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn verify_proves_the_cilium_example() {
    let out = stackc(&root().join("examples/cilium"), &["verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!("verify_cilium", String::from_utf8_lossy(&out.stdout));
}
