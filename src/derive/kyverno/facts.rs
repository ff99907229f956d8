//! What the Kyverno rules are derived from: images, registries, hosts,
//! entry points, storage classes and namespaces of the stack.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{ResolvedStack, WorkloadKind};
use crate::model::AppSource;

/// The images of Linkerd's injected containers (proxy and init).
pub const LINKERD_IMAGES: &str = "cr.l5d.io/linkerd/*";

/// Facts of the stack that rules are written from, all sorted.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Namespaces no rule applies to: system and platform.
    pub excluded: Vec<String>,
    /// App namespaces (stackc writes their NetworkPolicies).
    pub managed: Vec<String>,
    /// Meshed app namespaces.
    pub meshed: Vec<String>,
    /// Namespaces whose pods all come from images the stack names.
    pub known_images: BTreeMap<String, BTreeSet<String>>,
    /// Registries of every image stackc writes.
    pub registries: BTreeSet<String>,
    /// Whether every image stackc writes is pinned by digest.
    pub digests: bool,
    /// Hosts exposed per namespace.
    pub hosts: BTreeMap<String, BTreeSet<String>>,
    /// Traefik entry points (`tcp-2222`, `udp-5353`) each namespace's
    /// `expose-port`s route from.
    pub entry_points: BTreeMap<String, BTreeSet<String>>,
    pub storage_classes: Vec<String>,
    /// The kinds of the network policies stackc writes: `NetworkPolicy`,
    /// and on Cilium `CiliumNetworkPolicy` (whose allows add up with them).
    pub policy_kinds: Vec<&'static str>,
}

impl Facts {
    pub fn of(stack: &ResolvedStack) -> Self {
        let mut facts = Facts { excluded: excluded(stack), ..Facts::default() };
        let mut all_images = Vec::new();
        for ns in &stack.namespaces {
            facts.managed.push(ns.name.clone());
            if ns.mesh {
                facts.meshed.push(ns.name.clone());
            }
            let mut images = BTreeSet::new();
            let mut complete = true;
            for w in &ns.workloads {
                match image(&w.kind) {
                    Some(image) => {
                        facts.registries.insert(registry(&image));
                        all_images.push(image.clone());
                        images.insert(image);
                    }
                    None => complete = false,
                }
                for e in &w.exposes {
                    facts.hosts.entry(ns.name.clone()).or_default().insert(e.host.clone());
                }
                for e in &w.expose_ports {
                    facts.entry_points.entry(ns.name.clone()).or_default().insert(e.entry_point());
                }
            }
            if complete && !images.is_empty() {
                facts.known_images.insert(ns.name.clone(), images);
            }
        }
        facts.digests = !all_images.is_empty() && all_images.iter().all(|i| i.contains("@sha256:"));
        facts.storage_classes = stack.cluster.storage_classes.iter().map(|s| s.name.value.clone()).collect();
        facts.storage_classes.sort();
        facts.policy_kinds.push("NetworkPolicy");
        if stack.cluster.cni.value == crate::model::Cni::Cilium {
            facts.policy_kinds.push(crate::derive::cilium::KIND);
        }
        facts
    }
}

/// The image of a workload stackc writes (`None` for chart pods).
fn image(kind: &WorkloadKind) -> Option<String> {
    match kind {
        WorkloadKind::Image(app) => match &app.source {
            AppSource::Image(image) => Some(image.value.clone()),
            AppSource::Release { .. } => None,
        },
        WorkloadKind::Database(db) => Some(db.image.clone()),
        WorkloadKind::Release { .. } => None,
    }
}

/// The registry host of an image reference (`docker.io` when none is named).
pub fn registry(image: &str) -> String {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => first.to_owned(),
        _ => "docker.io".to_owned(),
    }
}

/// System namespaces and the platform's own (the engine's included).
fn excluded(stack: &ResolvedStack) -> Vec<String> {
    let mut out: BTreeSet<String> = ["kube-system", "kube-public", "kube-node-lease"].map(str::to_owned).into();
    let p = &stack.platform;
    out.extend(p.engine.namespace().map(str::to_owned));
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
