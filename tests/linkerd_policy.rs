//! The Linkerd control plane's NetworkPolicies (issue 15 item 1): default-deny
//! in `linkerd`; identity (8080), destination (8086) and policy (8090)
//! reachable only from meshed pods, the control plane's own proxies
//! included (never to their own pod, which they reach over localhost); the
//! webhooks only from the API server's addresses; egress to the API server,
//! DNS, and for the heartbeat the internet.

use std::net::IpAddr;

use stackc::verify::netpol::{Allowed, Cluster, Endpoint, PortSet, Protocol};

use crate::support::{root, stackc};

fn seed() -> stackc::Analyzed {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let store = stackc::secrets::load_store(&root()).unwrap();
    stackc::analyze(&source, &store).unwrap().remove(0)
}

fn tcp(ports: &[u16]) -> Allowed {
    let mut allowed = Allowed::none();
    for port in ports {
        allowed.union_with(&Allowed::only(Protocol::Tcp, PortSet::single(*port)));
    }
    allowed
}

fn pod(cluster: &Cluster, id: &str) -> Endpoint {
    cluster.pod(id).unwrap_or_else(|| panic!("{id} is modelled"))
}

const DESTINATION: &str = "linkerd/linkerd-destination";
const IDENTITY: &str = "linkerd/linkerd-identity";
const INJECTOR: &str = "linkerd/linkerd-proxy-injector";
const HEARTBEAT: &str = "linkerd/linkerd-heartbeat";

#[test]
fn the_linkerd_namespace_is_default_deny() {
    let derived = seed().derived;
    let deny = derived
        .components
        .iter()
        .flat_map(|c| &c.objects)
        .find(|o| o.kind == "NetworkPolicy" && o.name == "default-deny" && o.namespace.as_deref() == Some("linkerd"))
        .and_then(stackc::derive::Object::tree)
        .expect("linkerd/default-deny");
    assert_eq!(deny["spec"]["podSelector"], serde_json::json!({}));
    assert!(derived.graph.nodes_in("linkerd").all(|n| n.managed));
}

#[test]
fn only_meshed_pods_reach_the_control_plane() {
    let cluster = {
        let a = seed();
        stackc::verify::cluster(&a.stack, &a.derived)
    }
    .unwrap();
    let (destination, identity) = (pod(&cluster, DESTINATION), pod(&cluster, IDENTITY));
    for meshed in ["authentik/authentik-server", "authentik/postgres", "linkwarden/linkwarden", "traefik/traefik"] {
        let from = pod(&cluster, meshed);
        assert_eq!(cluster.allowed(from, destination), tcp(&[8086, 8090]), "{meshed} → destination");
        assert_eq!(cluster.allowed(from, identity), tcp(&[8080]), "{meshed} → identity");
        for other in [INJECTOR, HEARTBEAT] {
            assert!(cluster.allowed(from, pod(&cluster, other)).is_empty(), "{meshed} → {other}");
        }
    }
    for unmeshed in ["kube-system/coredns", "cert-manager/cert-manager", "kyverno/kyverno-admission-controller"] {
        let from = pod(&cluster, unmeshed);
        for to in [DESTINATION, IDENTITY, INJECTOR, HEARTBEAT] {
            assert!(cluster.allowed(from, pod(&cluster, to)).is_empty(), "{unmeshed} → {to}");
        }
    }
}

#[test]
fn the_control_planes_own_proxies() {
    let cluster = {
        let a = seed();
        stackc::verify::cluster(&a.stack, &a.derived)
    }
    .unwrap();
    let reach = |from: &str, to: &str| cluster.allowed(pod(&cluster, from), pod(&cluster, to));
    assert_eq!(reach(INJECTOR, DESTINATION), tcp(&[8086, 8090]));
    assert_eq!(reach(INJECTOR, IDENTITY), tcp(&[8080]));
    assert_eq!(reach(IDENTITY, DESTINATION), tcp(&[8086, 8090]));
    assert_eq!(reach(DESTINATION, IDENTITY), tcp(&[8080]));
    // The heartbeat runs no proxy (LINKERD_DISABLED): it reaches no pod but DNS.
    for to in [DESTINATION, IDENTITY, INJECTOR] {
        assert!(reach(HEARTBEAT, to).is_empty(), "heartbeat → {to}");
        assert!(reach(to, HEARTBEAT).is_empty(), "{to} → heartbeat");
    }
    let graph = &seed().derived.graph;
    assert!(graph.edges.iter().all(|e| e.from != e.to), "no edge to the own pod");
}

#[test]
fn webhooks_and_external_addresses() {
    let cluster = {
        let a = seed();
        stackc::verify::cluster(&a.stack, &a.derived)
    }
    .unwrap();
    let ip = |s: &str| Endpoint::External(s.parse::<IpAddr>().unwrap());
    for api in ["10.0.0.10", "10.42.7.0", "10.42.7.1"] {
        assert_eq!(cluster.allowed(ip(api), pod(&cluster, INJECTOR)), tcp(&[8443]), "{api} → injector");
        assert_eq!(cluster.allowed(ip(api), pod(&cluster, DESTINATION)), tcp(&[8443, 9443]), "{api} → destination");
        assert!(cluster.allowed(ip(api), pod(&cluster, IDENTITY)).is_empty(), "{api} → identity");
    }
    assert!(cluster.allowed(ip("10.42.7.2"), pod(&cluster, INJECTOR)).is_empty());
    for id in [DESTINATION, IDENTITY, INJECTOR, HEARTBEAT] {
        assert_eq!(cluster.allowed(pod(&cluster, id), ip("10.0.0.10")), tcp(&[6443]), "{id} → API server");
        let internet = if id == HEARTBEAT { tcp(&[443]) } else { Allowed::none() };
        assert_eq!(cluster.allowed(pod(&cluster, id), ip("1.1.1.1")), internet, "{id} → internet");
    }
}

#[test]
fn verify_and_explain_cover_linkerd() {
    let out = stackc(&root(), &["explain", "authentik/server", "linkerd/linkerd-identity:8080"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ALLOW authentik/authentik-server -> linkerd/linkerd-identity 8080/TCP"), "{text}");
    assert!(text.contains("graph: derived: the Linkerd proxy talks to its control plane"), "{text}");
    assert!(text.contains("NetworkPolicy linkerd/linkerd-identity-ingress"), "{text}");
    let out = stackc(&root(), &["explain", "cert-manager/cert-manager", "linkerd/linkerd-identity:8080"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("DENY"), "{text}");
    // A policy that lets any pod of the cluster reach identity is caught by the proof.
    let stackc::Analyzed { stack, mut derived } = seed();
    let policy = derived
        .components
        .iter_mut()
        .flat_map(|c| c.objects.iter_mut())
        .find(|o| o.name == "linkerd-identity-ingress")
        .and_then(stackc::derive::Object::tree_mut)
        .unwrap();
    policy["spec"]["ingress"].as_array_mut().unwrap().push(serde_json::json!({"from": [{"namespaceSelector": {}}]}));
    let d = stackc::verify::verify(&stack, &derived).expect_err("too much");
    let text: String = d.iter().map(|x| format!("{}\n", x.message)).collect();
    assert!(text.contains("kube-system/coredns → linkerd/linkerd-identity: all"), "{text}");
}
