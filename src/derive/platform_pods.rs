//! The pods of the platform charts whose namespaces stackc writes
//! NetworkPolicies for (Traefik, cert-manager, Kyverno), read from the
//! chart facts ([`crate::charts`]), hooks included. The graph turns each
//! into a node like any declared workload. Linkerd's pods are in the facts
//! too, but its namespace gets no policies yet.

use crate::charts::{self, ChartPod};
use crate::check::ResolvedStack;

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
