//! The pods of the platform charts whose namespaces stackc writes
//! NetworkPolicies for (Traefik, cert-manager, Kyverno), read from the
//! chart facts ([`crate::charts`]), hooks included, as graph nodes like any
//! declared workload. Linkerd's pods are in the facts too, but its
//! namespace gets no policies yet.

use super::graph::{GraphNode, node};
use crate::charts::{self, ChartPod};
use crate::check::ResolvedStack;
use crate::diagnostic::Span;
use crate::model::Protocol;

/// The `platform` nodes whose charts' pods get NetworkPolicies.
const MANAGED: &[&str] = &["traefik", "cert-manager", "kyverno"];

/// Every pod of the charts the stack installs in a managed platform
/// namespace, with its namespace, in chart order.
pub fn platform_pods(stack: &ResolvedStack) -> Vec<(&'static str, &'static ChartPod)> {
    let p = &stack.platform;
    let installed = |component: &str| match component {
        "traefik" => p.traefik.is_some(),
        "cert-manager" => p.cert_manager.is_some(),
        "kyverno" => p.kyverno.is_some(),
        _ => false,
    };
    MANAGED.iter().filter(|c| installed(c)).flat_map(|c| charts::of(c)).flat_map(charts::pods).collect()
}

/// Platform namespaces get NetworkPolicies only when the cluster declares
/// the API server's address: every controller needs it, and no selector can
/// name it. Without it they stay open rather than break the platform.
pub fn platform_managed(stack: &ResolvedStack) -> bool {
    stack.cluster.api_server.is_some()
}

/// One graph node per pod of [`platform_pods`]: selected by the chart's
/// selector labels, modelled with all its labels, allowed what its fact says.
pub(super) fn chart_nodes(stack: &ResolvedStack) -> Vec<GraphNode> {
    let managed = platform_managed(stack);
    let mut nodes = Vec::new();
    for (namespace, pod) in platform_pods(stack) {
        let span = platform_span(stack, namespace);
        let labels = pod.selector.iter().copied().collect();
        let mut n = node(&format!("{namespace}/{}", pod.workload), pod.workload, namespace, labels, span);
        n.other_labels = pod.other_labels.iter().copied().collect();
        n.managed = managed;
        // Hook Jobs run to completion: an injected proxy would keep them
        // running (cert-manager v1.19.1 deploy/charts/cert-manager/values.yaml:1294-1297).
        n.meshed = namespace == "traefik" && pod.hook.is_none() && stack.platform.linkerd.is_some();
        n.ports = pod.ports.iter().map(|(name, port)| ((*name).to_owned(), *port, Protocol::Tcp)).collect();
        n.api_access = pod.api_server;
        n.internet = pod.internet.to_vec();
        n.world_ingress = pod.world_ingress.to_vec();
        n.api_ingress = pod.api_ingress.to_vec();
        n.service_account = Some(pod.service_account.to_owned());
        nodes.push(n);
    }
    nodes
}

/// The `platform` node that installs the chart of `namespace`.
fn platform_span(stack: &ResolvedStack, namespace: &str) -> Span {
    let p = &stack.platform;
    match namespace {
        "traefik" => p.traefik.as_ref().map(|t| t.span),
        "cert-manager" => p.cert_manager.as_ref().map(|c| c.span),
        "kyverno" => p.kyverno.as_ref().map(|k| k.span),
        _ => None,
    }
    .unwrap_or_default()
}
