//! NetworkPolicies of a managed namespace, derived from the [`Graph`]:
//! default-deny, then one ingress and one egress policy per workload that
//! allow exactly its edges, plus the API server and internet egress it
//! declares.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::graph::{Graph, GraphNode, id};
use super::object::Object;
use super::platform::common_labels;
use crate::check::{Namespace, ResolvedStack, Workload, names::cidr};
use crate::model::Protocol;

/// Private and special ranges internet egress never reaches.
pub const NOT_INTERNET: &[&str] = &[
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
];

pub(super) fn policies(stack: &ResolvedStack, ns: &Namespace, graph: &Graph) -> Vec<Object> {
    let labels = common_labels(stack);
    let nodes: BTreeMap<&str, &GraphNode> =
        graph.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut out = vec![Object::new(
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "default-deny",
        Some(&ns.name),
        &labels,
        json!({"spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
        ns.span,
    )];
    for w in &ns.workloads {
        let me = id(w);
        let mut ingress: BTreeMap<&str, Vec<(u16, Protocol)>> = BTreeMap::new();
        let mut egress: BTreeMap<&str, Vec<(u16, Protocol)>> = BTreeMap::new();
        for e in &graph.edges {
            if e.to == me {
                ingress
                    .entry(e.from.as_str())
                    .or_default()
                    .push((e.port, e.protocol));
            }
            if e.from == me {
                egress
                    .entry(e.to.as_str())
                    .or_default()
                    .push((e.port, e.protocol));
            }
        }
        let selector = json!({"matchLabels": w.pod_labels});
        if !ingress.is_empty() {
            let rules: Vec<Value> =
                ingress.iter().map(|(peer, ports)| json!({"from": [peer_of(ns, nodes[peer])], "ports": port_list(ports)})).collect();
            let spec = json!({"spec": {"podSelector": selector, "policyTypes": ["Ingress"], "ingress": rules}});
            out.push(Object::new(
                "networking.k8s.io/v1",
                "NetworkPolicy",
                &format!("{}-ingress", w.name),
                Some(&ns.name),
                &labels,
                spec,
                w.span,
            ));
        }
        let mut rules: Vec<Value> =
            egress.iter().map(|(peer, ports)| json!({"to": [peer_of(ns, nodes[peer])], "ports": port_list(ports)})).collect();
        rules.extend(external_egress(stack, w));
        let spec =
            json!({"spec": {"podSelector": selector, "policyTypes": ["Egress"], "egress": rules}});
        out.push(Object::new(
            "networking.k8s.io/v1",
            "NetworkPolicy",
            &format!("{}-egress", w.name),
            Some(&ns.name),
            &labels,
            spec,
            w.span,
        ));
    }
    out
}

/// A peer entry: pods of this namespace by labels, or pods of another
/// namespace by namespace name and labels in one entry (an AND).
fn peer_of(ns: &Namespace, node: &GraphNode) -> Value {
    let pods = json!({"matchLabels": node.labels});
    if node.namespace == ns.name {
        json!({"podSelector": pods})
    } else {
        json!({
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": node.namespace}},
            "podSelector": pods,
        })
    }
}

fn port_list(ports: &[(u16, Protocol)]) -> Vec<Value> {
    let mut ports = ports.to_vec();
    ports.sort();
    ports.dedup();
    ports
        .iter()
        .map(|(port, protocol)| json!({"protocol": protocol.as_str(), "port": port}))
        .collect()
}

/// Egress to addresses no selector can name: the API server and the internet.
fn external_egress(stack: &ResolvedStack, w: &Workload) -> Vec<Value> {
    let mut rules = Vec::new();
    if w.api_access
        && let Some(api) = &stack.cluster.api_server
        && let Some(block) = cidr(&api.address)
    {
        rules.push(json!({"to": [{"ipBlock": {"cidr": block}}], "ports": [{"protocol": "TCP", "port": api.port.value}]}));
    }
    if !w.internet.is_empty() {
        let mut except: Vec<String> = NOT_INTERNET.iter().map(|s| (*s).to_owned()).collect();
        for net in [
            &stack.cluster.networks.pods,
            &stack.cluster.networks.services,
        ] {
            if let Some(block) = cidr(net)
                && block.contains('.')
                && !except.contains(&block)
            {
                except.push(block);
            }
        }
        except.sort();
        let ports: Vec<Value> = w
            .internet
            .iter()
            .map(|(port, _)| json!({"protocol": "TCP", "port": port}))
            .collect();
        rules.push(
            json!({"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": except}}], "ports": ports}),
        );
    }
    rules
}
