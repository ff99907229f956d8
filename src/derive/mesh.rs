//! Linkerd identity policy of a meshed namespace, from the same graph as the
//! NetworkPolicies: a `Server` per port of every meshed workload, denying by
//! default; for the ports with clients, an `AuthorizationPolicy` requiring
//! mTLS from exactly the clients' ServiceAccounts (`MeshTLSAuthentication`),
//! and, for clients outside the mesh, the cluster's pod network
//! (`NetworkAuthentication`, narrowed to the exact pods by NetworkPolicy).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::graph::{EdgeReason, Graph, GraphNode, OPAQUE_PORTS};
use super::object::Object;
use super::platform::common_labels;
use crate::check::{Namespace, ResolvedStack};

const API: &str = "policy.linkerd.io";

pub(super) fn policies(stack: &ResolvedStack, ns: &Namespace, graph: &Graph) -> Vec<Object> {
    if !ns.mesh {
        return Vec::new();
    }
    let labels = common_labels(stack);
    let mut out = Vec::new();
    for node in graph.nodes_in(&ns.name).filter(|n| n.managed) {
        for (port_name, port, _) in &node.ports {
            let server = format!("{}-{port_name}", node.name);
            let protocol = if OPAQUE_PORTS.contains(port) { "opaque" } else { "unknown" };
            let spec = json!({"spec": {
                "podSelector": {"matchLabels": node.labels},
                "port": port,
                "proxyProtocol": protocol,
                "accessPolicy": "deny",
            }});
            out.push(Object::new(
                "policy.linkerd.io/v1beta3",
                "Server",
                &server,
                Some(&ns.name),
                &labels,
                spec,
                node.span,
            ));
            let clients: BTreeSet<&str> = graph
                .edges_to(&node.id)
                .filter(|e| e.port == *port && matches!(e.reason, EdgeReason::Declared | EdgeReason::Ingress))
                .map(|e| e.from.as_str())
                .collect();
            let (meshed, unmeshed): (Vec<&GraphNode>, Vec<&GraphNode>) =
                clients.iter().filter_map(|c| graph.node(c)).partition(|c| c.meshed);
            if !meshed.is_empty() {
                let identities: Vec<Value> = meshed
                    .iter()
                    .filter_map(|c| c.service_account.as_ref().map(|sa| (sa, &c.namespace)))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .map(|(sa, namespace)| json!({"kind": "ServiceAccount", "name": sa, "namespace": namespace}))
                    .collect();
                let authn = format!("{server}-clients");
                let spec = json!({"spec": {"identityRefs": identities}});
                out.push(Object::new(
                    "policy.linkerd.io/v1alpha1",
                    "MeshTLSAuthentication",
                    &authn,
                    Some(&ns.name),
                    &labels,
                    spec,
                    node.span,
                ));
                out.push(authorization(&server, &server, "MeshTLSAuthentication", &authn, &ns.name, &labels, node));
            }
            if !unmeshed.is_empty() {
                let authn = format!("{server}-unmeshed");
                let spec = json!({"spec": {"networks": [{"cidr": stack.cluster.networks.pods.value}]}});
                out.push(Object::new(
                    "policy.linkerd.io/v1alpha1",
                    "NetworkAuthentication",
                    &authn,
                    Some(&ns.name),
                    &labels,
                    spec,
                    node.span,
                ));
                out.push(authorization(&authn, &server, "NetworkAuthentication", &authn, &ns.name, &labels, node));
            }
        }
    }
    out
}

/// An AuthorizationPolicy letting `authn` through `server`.
fn authorization(
    name: &str,
    server: &str,
    kind: &str,
    authn: &str,
    namespace: &str,
    labels: &Value,
    node: &GraphNode,
) -> Object {
    let spec = json!({"spec": {
        "targetRef": {"group": API, "kind": "Server", "name": server},
        "requiredAuthenticationRefs": [{"group": API, "kind": kind, "name": authn}],
    }});
    Object::new("policy.linkerd.io/v1alpha1", "AuthorizationPolicy", name, Some(namespace), labels, spec, node.span)
}
