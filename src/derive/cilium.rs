//! The Cilium dialect (`cni "cilium"`): the edges that reach nodes and the
//! API server as `CiliumNetworkPolicy` entities, one object per workload
//! that has any (`<workload>-entities`), beside the plain `NetworkPolicy`s
//! that keep every edge (the `ipBlock`s Cilium does not match dropped).
//!
//! Cilium's CIDR rules, `ipBlock`s included, "do not apply to traffic where
//! both sides of the connection are either managed by Cilium or use an IP
//! belonging to a node in the cluster (including host networking pods)";
//! for a self-hosted API server "you must ordinarily use the
//! `kube-apiserver` entity" (cilium/cilium 01af123d
//! `Documentation/security/policy/layer3.rst`, "IP/CIDR based" and
//! "Selecting nodes with CIDR / ipBlock"). So on Cilium the portable
//! dialect's API server `ipBlock`s match nothing, and each is written here
//! as an entity instead:
//!
//! * egress to the API server: `toEntities: [kube-apiserver]`, "both
//!   deployments of the kube-apiserver: within the cluster and outside of
//!   the cluster" (same file, "Entities based");
//! * webhook ingress: `fromEntities: [host, kube-apiserver, remote-node]`.
//!   The API server's call to a pod on another node may leave from an
//!   address Cilium only knows as that node's (its `cilium_host` router
//!   address, like flannel's overlay `.0` in decision 0012), and the same
//!   file notes the `kube-apiserver` entity "may not work for ingress
//!   traffic" where control-plane traffic is relayed by nodes. `host` and
//!   `remote-node` are the local and the other nodes, host-network
//!   processes included: the Cilium counterpart of the portable dialect's
//!   node subnets, and nothing wider (no pod carries either identity).
//!
//! * clients of the ingress controller: the portable rule admits every
//!   address (`0.0.0.0/0`), node addresses included, and a client relayed
//!   by a node (a NodePort or load balancer Service that SNATs to the
//!   node's address) arrives from one; on Cilium that `ipBlock` misses
//!   them, so the entry points also admit `fromEntities: [host,
//!   remote-node]`, which keeps the graph's `world` edge whole.
//!
//! A `CiliumNetworkPolicy` and a `NetworkPolicy` selecting one pod add up,
//! and any policy selecting a pod with rules of a direction isolates it in
//! that direction ("Ingress/Egress Default Deny", same file); the
//! namespace's `default-deny` already does, so these objects only allow.
//! Field shapes: `cilium.io/v2` CRD at v1.19.4 (`port` is a string, the
//! entity names an enum), validated by the conformance suite.

use serde_json::{Value, json};

use super::graph::GraphNode;
use super::object::{Object, object};
use crate::check::ResolvedStack;
use crate::model::Protocol;

/// The API version and kind of the objects this dialect adds.
pub const API_VERSION: &str = "cilium.io/v2";
pub const KIND: &str = "CiliumNetworkPolicy";

/// The entities webhook ingress admits, sorted.
pub const WEBHOOK_CALLERS: &[&str] = &["host", "kube-apiserver", "remote-node"];
/// The entity API server egress reaches.
pub const API_SERVER: &str = "kube-apiserver";
/// The entities client ingress admits besides the `ipBlock`, sorted.
pub const NODES: &[&str] = &["host", "remote-node"];

/// `<workload>-entities`: the edges of `node` Cilium needs entities for,
/// or `None` when it has none. Needs the cluster's `api-server` (its port;
/// without it platform namespaces stay open and no app has API access).
pub(super) fn entities_policy(
    stack: &ResolvedStack,
    namespace: &str,
    node: &GraphNode,
    labels: &Value,
) -> Option<Object> {
    let api = stack.cluster.api_server.as_ref()?;
    let mut spec = serde_json::Map::new();
    spec.insert("endpointSelector".into(), json!({"matchLabels": node.labels}));
    let mut ingress = Vec::new();
    if !node.world_ingress.is_empty() {
        ingress.push(rule("fromEntities", NODES, &node.world_ingress));
    }
    if !node.api_ingress.is_empty() {
        let ports: Vec<(u16, Protocol)> = node.api_ingress.iter().map(|p| (*p, Protocol::Tcp)).collect();
        ingress.push(rule("fromEntities", WEBHOOK_CALLERS, &ports));
    }
    if !ingress.is_empty() {
        spec.insert("ingress".into(), Value::Array(ingress));
    }
    if node.api_access {
        spec.insert("egress".into(), json!([rule("toEntities", &[API_SERVER], &[(api.port.value, Protocol::Tcp)])]));
    }
    if spec.len() == 1 {
        return None;
    }
    let name = format!("{}-entities", node.name);
    let rest = object([("spec", Value::Object(spec))]);
    Some(Object::new(API_VERSION, KIND, &name, Some(namespace), labels, rest, node.span))
}

/// `{<key>: entities, toPorts: [{ports}]}`, the ports sorted and unique,
/// each number a string, as the CRD wants it.
fn rule(key: &str, entities: &[&str], ports: &[(u16, Protocol)]) -> Value {
    let mut ports = ports.to_vec();
    ports.sort_unstable();
    ports.dedup();
    let ports: Vec<Value> =
        ports.iter().map(|(port, protocol)| json!({"port": port.to_string(), "protocol": protocol.as_str()})).collect();
    object([(key, json!(entities)), ("toPorts", json!([{"ports": ports}]))])
}
