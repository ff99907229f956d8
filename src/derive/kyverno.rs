//! The seed's four Kyverno rules as ClusterPolicies: resource limits, no
//! privileged containers, images only from the registries the stack uses,
//! and the identity label on every pod. Platform namespaces are excluded so
//! the policies never lock the platform out.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::object::Object;
use crate::check::{ResolvedStack, WorkloadKind};
use crate::diagnostic::Span;

pub(super) fn policies(
    stack: &ResolvedStack,
    enforce: bool,
    labels: &Value,
    origin: Span,
) -> Vec<Object> {
    let action = if enforce { "Enforce" } else { "Audit" };
    let registries = registries(stack);
    let registry_pattern = registries
        .iter()
        .map(|r| format!("{r}/*"))
        .collect::<Vec<_>>()
        .join(" | ");
    let mut rules = vec![
        (
            "require-resource-limits",
            "Every container sets CPU and memory limits.",
            json!({"spec": {"containers": [{"resources": {"limits": {"cpu": "?*", "memory": "?*"}}}]}}),
        ),
        (
            "disallow-privileged-containers",
            "Privileged containers are not allowed.",
            json!({"spec": {"containers": [{"=(securityContext)": {"=(privileged)": "false"}}]}}),
        ),
        (
            "require-pod-labels",
            "Pods carry the app.kubernetes.io/name label.",
            json!({"metadata": {"labels": {"app.kubernetes.io/name": "?*"}}}),
        ),
    ];
    if !registries.is_empty() {
        rules.push((
            "restrict-image-registries",
            "Images come only from the registries this stack uses.",
            json!({"spec": {"containers": [{"image": registry_pattern}]}}),
        ));
    }
    let exclude = excluded_namespaces(stack);
    rules
        .into_iter()
        .map(|(name, message, pattern)| {
            let spec = json!({"spec": {
                "background": true,
                "rules": [{
                    "name": name,
                    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "exclude": {"any": [{"resources": {"namespaces": exclude}}]},
                    "validate": {"failureAction": action, "message": message, "pattern": pattern},
                }],
            }});
            Object::new(
                "kyverno.io/v1",
                "ClusterPolicy",
                name,
                None,
                labels,
                spec,
                origin,
            )
        })
        .collect()
}

/// Registries of the images stackc writes into workloads, sorted.
fn registries(stack: &ResolvedStack) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for w in stack.namespaces.iter().flat_map(|n| &n.workloads) {
        let image = match &w.kind {
            WorkloadKind::Image(app) => match &app.source {
                crate::model::AppSource::Image(image) => image.value.clone(),
                crate::model::AppSource::Release { .. } => continue,
            },
            WorkloadKind::Database(db) => db.image.clone(),
            WorkloadKind::Release { .. } => continue,
        };
        out.insert(registry(&image));
    }
    out
}

/// The registry host of an image reference (`docker.io` when none is named).
fn registry(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            first.to_owned()
        }
        _ => "docker.io".to_owned(),
    }
}

/// System and platform namespaces, plus namespaces whose pods come from Helm
/// charts stackc cannot see into.
fn excluded_namespaces(stack: &ResolvedStack) -> Vec<String> {
    let mut out: BTreeSet<String> = [
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "flux-system",
    ]
    .map(str::to_owned)
    .into();
    let p = &stack.platform;
    for (present, ns) in [
        (p.traefik.is_some(), "traefik"),
        (p.cert_manager.is_some(), "cert-manager"),
        (p.linkerd.is_some(), "linkerd"),
        (p.kyverno.is_some(), "kyverno"),
    ] {
        if present {
            out.insert(ns.to_owned());
        }
    }
    out.insert(stack.cluster.dns.namespace.value.clone());
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::registry;

    #[test]
    fn registry_of_images() {
        assert_eq!(registry("postgres:18"), "docker.io");
        assert_eq!(registry("library/postgres:18"), "docker.io");
        assert_eq!(registry("ghcr.io/goauthentik/ldap:2025.10.1"), "ghcr.io");
        assert_eq!(registry("localhost:5000/x"), "localhost:5000");
    }
}
