//! NetworkPolicies of a managed namespace, derived from the [`Graph`]:
//! default-deny, then one ingress and one egress policy per workload that
//! allow exactly its edges, plus the addresses no selector can name: the API
//! server, the internet, and clients outside the cluster. On Cilium the API
//! server's `ipBlock`s are left out: those edges, and node-relayed clients
//! of the ingress controller, are `CiliumNetworkPolicy` entities
//! ([`super::cilium`]).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::graph::{Graph, GraphNode};
use super::node_sources::webhook_sources;
use super::object::{Object, object};
use super::platform::common_labels;
use crate::check::{ResolvedStack, names::cidr};
use crate::diagnostic::Span;
use crate::model::{Cni, Protocol};

/// Private and special ranges internet egress never reaches.
pub const NOT_INTERNET: &[&str] =
    &["10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"];

/// The policies of namespace `namespace`; `span` is its declaration.
pub(super) fn policies(stack: &ResolvedStack, namespace: &str, span: Span, graph: &Graph) -> Vec<Object> {
    let labels = common_labels(stack);
    let mut out = vec![Object::new(
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "default-deny",
        Some(namespace),
        &labels,
        json!({"spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
        span,
    )];
    for node in graph.nodes_in(namespace).filter(|n| n.managed) {
        let mut ingress: BTreeMap<&str, Vec<(u16, Protocol)>> = BTreeMap::new();
        let mut egress: BTreeMap<&str, Vec<(u16, Protocol)>> = BTreeMap::new();
        for e in graph.edges_to(&node.id) {
            ingress.entry(e.from.as_str()).or_default().push((e.port, e.protocol));
        }
        for e in graph.edges_from(&node.id) {
            egress.entry(e.to.as_str()).or_default().push((e.port, e.protocol));
        }
        let selector = json!({"matchLabels": node.labels});
        let peer = |peer: &str| peer_of(namespace, graph.node(peer).expect("edges join nodes of the graph"));
        let mut rules: Vec<Value> = ingress
            .iter()
            .map(|(p, ports)| {
                object([("from", Value::Array(vec![peer(p)])), ("ports", Value::Array(port_list(ports)))])
            })
            .collect();
        rules.extend(external_ingress(stack, node));
        let policy = |direction: &str, rules: Vec<Value>, selector: Value| {
            let name = format!("{}-{}", node.name, direction.to_ascii_lowercase());
            let spec = policy_spec(selector, direction, rules);
            Object::new("networking.k8s.io/v1", "NetworkPolicy", &name, Some(namespace), &labels, spec, node.span)
        };
        // A workload nothing may reach gets no ingress policy: default-deny covers it.
        if !rules.is_empty() {
            out.push(policy("Ingress", rules, selector.clone()));
        }
        let mut rules: Vec<Value> = egress
            .iter()
            .map(|(p, ports)| object([("to", Value::Array(vec![peer(p)])), ("ports", Value::Array(port_list(ports)))]))
            .collect();
        rules.extend(external_egress(stack, node));
        out.push(policy("Egress", rules, selector));
        if stack.cluster.cni.value == Cni::Cilium {
            out.extend(super::cilium::entities_policy(stack, namespace, node, &labels));
        }
    }
    out
}

/// `{"spec": {"podSelector": ..., "policyTypes": [direction], "<direction>": rules}}`.
fn policy_spec(selector: Value, direction: &str, rules: Vec<Value>) -> Value {
    let key = if direction == "Ingress" { "ingress" } else { "egress" };
    let spec = object([("podSelector", selector), ("policyTypes", json!([direction])), (key, Value::Array(rules))]);
    object([("spec", spec)])
}

/// A peer entry: pods of this namespace by labels, or pods of another
/// namespace by namespace name and labels in one entry (an AND).
fn peer_of(namespace: &str, node: &GraphNode) -> Value {
    let pods = json!({"matchLabels": node.labels});
    if node.namespace == namespace {
        object([("podSelector", pods)])
    } else {
        let namespaces = json!({"matchLabels": {"kubernetes.io/metadata.name": node.namespace}});
        object([("namespaceSelector", namespaces), ("podSelector", pods)])
    }
}

fn port_list(ports: &[(u16, Protocol)]) -> Vec<Value> {
    let mut ports = ports.to_vec();
    ports.sort();
    ports.dedup();
    ports.iter().map(|(port, protocol)| json!({"protocol": protocol.as_str(), "port": port})).collect()
}

fn tcp_ports(ports: &[u16]) -> Vec<Value> {
    port_list(&ports.iter().map(|p| (*p, Protocol::Tcp)).collect::<Vec<_>>())
}

/// Ingress from outside the cluster: clients of the ingress controller, and
/// the API server calling admission webhooks, from every address its calls
/// arrive from ([`webhook_sources`]).
fn external_ingress(stack: &ResolvedStack, node: &GraphNode) -> Vec<Value> {
    let mut rules = Vec::new();
    if !node.world_ingress.is_empty() {
        let from = json!([{"ipBlock": {"cidr": "0.0.0.0/0"}}]);
        rules.push(object([("from", from), ("ports", Value::Array(port_list(&node.world_ingress)))]));
    }
    // On Cilium the API server's calls are entities ([`super::cilium`]).
    if !node.api_ingress.is_empty() && stack.cluster.cni.value == Cni::Portable {
        let from: Vec<Value> = webhook_sources(stack).into_iter().map(|b| json!({"ipBlock": {"cidr": b}})).collect();
        if !from.is_empty() {
            let from = Value::Array(from);
            rules.push(object([("from", from), ("ports", Value::Array(tcp_ports(&node.api_ingress)))]));
        }
    }
    rules
}

/// Egress to addresses no selector can name: the API server and the internet.
fn external_egress(stack: &ResolvedStack, node: &GraphNode) -> Vec<Value> {
    let mut rules = Vec::new();
    if node.api_access
        && stack.cluster.cni.value == Cni::Portable
        && let Some(api) = &stack.cluster.api_server
        && let Some(block) = cidr(&api.address)
    {
        rules.push(
            json!({"to": [{"ipBlock": {"cidr": block}}], "ports": [{"protocol": "TCP", "port": api.port.value}]}),
        );
    }
    if !node.internet.is_empty() {
        let to = json!([{"ipBlock": {"cidr": "0.0.0.0/0", "except": internet_except(stack)}}]);
        rules.push(object([("to", to), ("ports", Value::Array(port_list(&node.internet)))]));
    }
    rules
}

/// Private, special and cluster ranges, sorted and unique.
pub fn internet_except(stack: &ResolvedStack) -> Vec<String> {
    let mut except: Vec<String> = NOT_INTERNET.iter().map(|s| (*s).to_owned()).collect();
    for net in [&stack.cluster.networks.pods, &stack.cluster.networks.services] {
        if let Some(block) = cidr(net)
            && block.contains('.')
            && !except.contains(&block)
        {
            except.push(block);
        }
    }
    except.sort();
    except
}
