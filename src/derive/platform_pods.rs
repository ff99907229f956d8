//! The pods of the platform charts whose namespaces stackc writes
//! NetworkPolicies for (Linkerd's control plane, Traefik, cert-manager,
//! Kyverno), read from the chart facts ([`crate::charts`]), hooks included,
//! as graph nodes like any declared workload.

use super::graph::{GraphNode, node};
use crate::charts::{self, ChartPod};
use crate::check::ResolvedStack;
use crate::diagnostic::Span;
use crate::model::Protocol;

/// The `platform` nodes whose charts' pods get NetworkPolicies.
const MANAGED: &[&str] = &["linkerd", "traefik", "cert-manager", "kyverno"];

/// Every pod of the charts the stack installs in a managed platform
/// namespace, with its namespace, in chart order.
pub fn platform_pods(stack: &ResolvedStack) -> Vec<(&'static str, &'static ChartPod)> {
    let p = &stack.platform;
    let installed = |component: &str| match component {
        "linkerd" => p.linkerd.is_some(),
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
        n.meshed = meshed(stack, namespace, pod);
        n.ports = pod.ports.iter().map(|(name, port)| ((*name).to_owned(), *port, Protocol::Tcp)).collect();
        n.api_access = pod.api_server;
        n.internet = pod.internet.to_vec();
        n.world_ingress = pod.world_ingress.iter().map(|p| (*p, Protocol::Tcp)).collect();
        if namespace == "traefik" && pod.workload == "traefik" {
            // Traefik's entry points are a function of the stack: one per `expose-port`.
            n.world_ingress = super::platform::traefik_world_ports(stack);
            for e in super::platform::expose_ports(stack) {
                n.ports.push((e.entry_point(), e.container_port(), e.protocol));
            }
        }
        n.api_ingress = pod.api_ingress.to_vec();
        n.service_account = Some(pod.service_account.to_owned());
        nodes.push(n);
    }
    nodes
}

/// Whether the pod runs a Linkerd proxy. Traefik's namespace is injected
/// (`ingress` mode); hook Jobs are not, as an injected proxy would keep
/// them running (cert-manager v1.19.1 deploy/charts/cert-manager/values.yaml:1294-1297).
/// The control plane's pods carry the chart's own proxy container, with
/// its port `linkerd-proxy` (linkerd/linkerd2 edge-25.10.7
/// charts/partials/templates/_proxy.tpl:262-265); the heartbeat has none
/// (charts/linkerd-control-plane/templates/heartbeat.yaml:61-62).
fn meshed(stack: &ResolvedStack, namespace: &str, pod: &ChartPod) -> bool {
    stack.platform.linkerd.is_some()
        && match namespace {
            "traefik" => pod.hook.is_none(),
            "linkerd" => pod.ports.iter().any(|(name, _)| *name == "linkerd-proxy"),
            _ => false,
        }
}

/// The Linkerd control plane's pods every proxy calls, by graph id, with
/// their ports: destination (8086, 8090) and identity (8080). A proxy of
/// the control plane reaches its own pod's controller over `localhost`
/// (linkerd/linkerd2 edge-25.10.7 charts/partials/templates/_proxy.tpl:71,75,229).
pub(super) fn mesh_control(stack: &ResolvedStack) -> impl Iterator<Item = (String, &'static [u16])> {
    let linkerd = stack.platform.linkerd.is_some().then(|| charts::of("linkerd"));
    linkerd
        .into_iter()
        .flatten()
        .flat_map(charts::pods)
        .filter(|(_, pod)| !pod.mesh_ingress.is_empty())
        .map(|(namespace, pod)| (format!("{namespace}/{}", pod.workload), pod.mesh_ingress))
}

/// The `platform` node that installs the chart of `namespace`.
fn platform_span(stack: &ResolvedStack, namespace: &str) -> Span {
    let p = &stack.platform;
    match namespace {
        "linkerd" => p.linkerd.as_ref().map(|l| l.span),
        "traefik" => p.traefik.as_ref().map(|t| t.span),
        "cert-manager" => p.cert_manager.as_ref().map(|c| c.span),
        "kyverno" => p.kyverno.as_ref().map(|k| k.span),
        _ => None,
    }
    .unwrap_or_default()
}
