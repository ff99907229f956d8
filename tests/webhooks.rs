//! Admission webhooks on a multi-node cluster: the API server's calls reach
//! a webhook pod on another node from that node's overlay addresses (a node
//! subnet's `.0` and `.1`), so webhook ingress admits every node subnet's
//! `.0/31`, the declared node addresses and the API server, and never a pod
//! address; the proof treats those addresses as the API server; a bad
//! `networks` fact is a diagnostic at its span.

use std::net::IpAddr;

use serde_json::Value;
use stackc::charts::{self, ChartPod};
use stackc::verify::netpol::{Allowed, Cluster, Endpoint, PortSet, Protocol};

use crate::support::{compile, root};

fn seed_source() -> String {
    std::fs::read_to_string(root().join("stack.kdl")).unwrap()
}

fn analyzed(source: &str) -> stackc::Analyzed {
    let store = stackc::secrets::load_store(&root()).unwrap();
    stackc::analyze(source, &store).unwrap().remove(0)
}

/// The seed with its `networks` node replaced by `networks`.
fn seed_with(networks: &str) -> String {
    let seed = seed_source();
    let old = "networks pods=\"10.42.0.0/16\" services=\"10.43.0.0/16\"";
    assert!(seed.contains(old), "the seed declares its networks");
    seed.replace(old, networks)
}

fn tcp(ports: &[u16]) -> Allowed {
    let mut allowed = Allowed::none();
    for port in ports {
        allowed.union_with(&Allowed::only(Protocol::Tcp, PortSet::single(*port)));
    }
    allowed
}

/// Every chart pod the seed's policies cover, with its evaluator endpoint.
fn chart_pods(cluster: &Cluster) -> Vec<(String, &'static ChartPod, Endpoint)> {
    let mut out = Vec::new();
    for component in ["linkerd", "traefik", "cert-manager", "kyverno"] {
        for (namespace, pod) in charts::of(component).flat_map(charts::pods) {
            let id = format!("{namespace}/{}", pod.workload);
            let end = cluster.pod(&id).unwrap_or_else(|| panic!("{id} is modelled"));
            out.push((id, pod, end));
        }
    }
    out
}

/// Asserts what `ip` may open to each chart pod: its webhook ports when
/// `webhook`, nothing otherwise (beside Traefik's entry points, open to all).
fn assert_from(cluster: &Cluster, ip: &str, webhook: bool) {
    let from = Endpoint::External(ip.parse::<IpAddr>().unwrap());
    let mut webhooks = 0;
    for (id, pod, end) in chart_pods(cluster) {
        let mut want = tcp(pod.world_ingress);
        if webhook {
            want.union_with(&tcp(pod.api_ingress));
        }
        assert_eq!(cluster.allowed(from, end), want, "{ip} → {id}");
        webhooks += usize::from(!pod.api_ingress.is_empty());
    }
    // Linkerd's injector and destination (SP and policy validators), cert-manager's
    // webhook, Kyverno's admission and cleanup controllers.
    assert_eq!(webhooks, 5);
}

#[test]
fn webhooks_admit_the_overlay_addresses_of_worker_nodes() {
    let cluster = {
        let a = analyzed(&seed_source());
        stackc::verify::cluster(&a.stack, &a.derived)
    }
    .unwrap();
    for ip in ["10.0.0.10", "10.42.0.0", "10.42.0.1", "10.42.7.0", "10.42.7.1", "10.42.200.0", "10.42.255.1"] {
        assert_from(&cluster, ip, true);
    }
}

#[test]
fn webhooks_admit_no_pod_address() {
    let cluster = {
        let a = analyzed(&seed_source());
        stackc::verify::cluster(&a.stack, &a.derived)
    }
    .unwrap();
    for ip in ["10.42.0.2", "10.42.7.2", "10.42.7.128", "10.42.7.255", "10.42.255.254", "10.43.0.1", "10.0.0.11"] {
        assert_from(&cluster, ip, false);
    }
}

/// The `from` peers of the seed's cert-manager webhook ingress rule.
fn webhook_peers(source: &str) -> Vec<String> {
    let derived = analyzed(source).derived;
    let policy = derived
        .components
        .iter()
        .flat_map(|c| &c.objects)
        .find(|o| o.name == "cert-manager-webhook-ingress")
        .and_then(stackc::derive::Object::tree)
        .expect("the webhook's ingress policy")
        .clone();
    let from = policy["spec"]["ingress"][0]["from"].as_array().unwrap().clone();
    from.iter().map(|p| p["ipBlock"]["cidr"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn one_block_per_node_subnet() {
    let peers = webhook_peers(&seed_source());
    // /16 cut at /24: 256 node subnets, and the API server.
    assert_eq!(peers.len(), 257);
    assert_eq!(peers[..3], ["10.0.0.10/32", "10.42.0.0/31", "10.42.1.0/31"]);
    assert_eq!(peers.last().map(String::as_str), Some("10.42.255.0/31"));
    let peers = webhook_peers(&seed_with("networks pods=\"10.42.0.0/16\" services=\"10.43.0.0/16\" node-mask=25"));
    assert_eq!(peers.len(), 513);
    assert!(peers.contains(&"10.42.7.128/31".to_owned()));
}

#[test]
fn node_mask_and_node_addresses_move_the_sources() {
    let source = seed_with(
        "networks pods=\"10.42.0.0/16\" services=\"10.43.0.0/16\" node-mask=25 {\n            node-address \"192.168.1.21\"\n        }",
    );
    let cluster = {
        let a = analyzed(&source);
        stackc::verify::cluster(&a.stack, &a.derived)
    }
    .unwrap();
    for ip in ["10.42.7.128", "10.42.7.129", "192.168.1.21"] {
        assert_from(&cluster, ip, true);
    }
    for ip in ["10.42.7.130", "192.168.1.22"] {
        assert_from(&cluster, ip, false);
    }
}

/// The `from` list of the cert-manager webhook's ingress rule.
fn rule(derived: &mut stackc::derive::Derived) -> &mut Vec<Value> {
    derived
        .components
        .iter_mut()
        .flat_map(|c| c.objects.iter_mut())
        .find(|o| o.name == "cert-manager-webhook-ingress")
        .and_then(stackc::derive::Object::tree_mut)
        .unwrap()["spec"]["ingress"][0]["from"]
        .as_array_mut()
        .unwrap()
}

#[test]
fn the_proof_treats_node_sources_as_the_api_server() {
    let stackc::Analyzed { stack, mut derived } = analyzed(&seed_source());
    assert!(stackc::verify::verify(&stack, &derived).is_ok());
    // Only the API server's own address, as before: worker nodes' calls are lost.
    let original = rule(&mut derived).clone();
    rule(&mut derived).truncate(1);
    let d = stackc::verify::verify(&stack, &derived).expect_err("too little");
    let text: String = d.iter().map(|x| format!("{}\n", x.message)).collect();
    assert!(
        text.contains("10.42.1.0 → cert-manager/cert-manager-webhook: nothing, but the stack declares: TCP 10250"),
        "{text}"
    );
    // A whole node subnet: its pods could call the webhook.
    *rule(&mut derived) = original;
    rule(&mut derived).push(serde_json::json!({"ipBlock": {"cidr": "10.42.1.0/24"}}));
    let d = stackc::verify::verify(&stack, &derived).expect_err("too much");
    let text: String = d.iter().map(|x| format!("{}\n", x.message)).collect();
    assert!(
        text.contains("10.42.1.2 → cert-manager/cert-manager-webhook: TCP 10250, but the stack declares: nothing"),
        "{text}"
    );
}

#[test]
fn explain_names_a_node_source() {
    let out = crate::support::stackc(&root(), &["explain", "10.42.7.0", "cert-manager/cert-manager-webhook:10250"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ALLOW 10.42.7.0 -> cert-manager/cert-manager-webhook 10250/TCP"), "{text}");
    assert!(text.contains("address: 10.42.7.0 is a node subnet's"), "{text}");
    let out = crate::support::stackc(&root(), &["explain", "10.42.7.2", "cert-manager/cert-manager-webhook:10250"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("DENY"));
}

fn errors(networks: &str) -> String {
    compile(&seed_with(networks)).expect_err("the stack must be rejected")
}

#[test]
fn bad_networks_facts() {
    let base = "networks pods=\"10.42.0.0/16\" services=\"10.43.0.0/16\"";
    insta::assert_snapshot!("node_mask_shorter_than_pods", errors(&format!("{base} node-mask=12")));
    insta::assert_snapshot!("node_mask_without_pod_addresses", errors(&format!("{base} node-mask=31")));
    insta::assert_snapshot!(
        "node_address_not_an_address",
        errors(&format!("{base} {{\n            node-address \"192.168.1.0/24\"\n        }}"))
    );
    insta::assert_snapshot!("too_many_node_subnets", errors("networks pods=\"10.0.0.0/8\" services=\"10.43.0.0/16\""));
}

/// The messages of the diagnostics `source` gets (none when it resolves).
fn messages(source: &str) -> String {
    match stackc::resolve(source) {
        Ok(_) => String::new(),
        Err(d) => d.iter().map(|x| format!("{} {}\n", x.code, x.message)).collect(),
    }
}

#[test]
fn node_subnet_cap_is_1024() {
    let base = "networks pods=\"10.42.0.0/16\" services=\"10.43.0.0/16\"";
    // /16 cut at /26: 1024 subnets, the most written, and the API server.
    assert_eq!(webhook_peers(&seed_with(&format!("{base} node-mask=26"))).len(), 1025);
    let text = messages(&seed_with(&format!("{base} node-mask=27")));
    assert!(text.contains("unsupported `10.42.0.0/16` cut at node-mask 27 is 2048 possible node subnets"), "{text}");
    // Without an API server no webhook ingress is written, so nothing is capped.
    let text = messages(
        &seed_with("networks pods=\"10.0.0.0/8\" services=\"10.43.0.0/16\"")
            .replace("api-server \"10.0.0.10\" port=6443", ""),
    );
    assert!(!text.contains("node subnets"), "{text}");
    assert!(text.contains("`api-access` needs the API server"), "the seed's api-access apps need it: {text}");
}
