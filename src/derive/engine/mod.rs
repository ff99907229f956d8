//! The GitOps engine's part of the tree: how components are applied, in
//! which order, and how Helm charts and Secrets reach the cluster.
//!
//! * `flux`: HelmReleases and HelmRepositories, a Flux Kustomization per
//!   directory with `dependsOn`, SOPS decryption by Flux.
//! * `argocd`: an Argo CD Application per directory and per Helm chart,
//!   ordered by sync waves, under one root Application; Secrets via KSOPS.
//! * `kustomize`: no engine objects; charts under `helmCharts:`, Secrets via
//!   KSOPS.
//!
//! [`objects`] runs before dependencies are derived, [`finish`] after.

mod argocd;
mod flux;
mod ksops;
mod kustomize;

use std::collections::BTreeSet;

use super::Component;
use crate::check::ResolvedStack;
use crate::model::GitOpsEngine;

/// The annotation that orders Argo CD Applications.
pub const SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// Turn every component's Helm charts and Secrets into what the engine
/// reads; Argo CD keeps the charts until [`finish`] (they become
/// Applications of their own).
pub(super) fn objects(stack: &ResolvedStack, components: &mut Vec<Component>) {
    match &stack.platform.engine {
        GitOpsEngine::Flux(_) => flux::objects(stack, components),
        GitOpsEngine::ArgoCd(_) => ksops::generators(components),
        GitOpsEngine::Kustomize { .. } => {
            kustomize::helm_charts(components);
            ksops::generators(components);
        }
    }
}

/// Add the engine's own component to `components` (sorted by directory, with
/// dependencies); return the directories the engine applies on their own.
pub(super) fn finish(stack: &ResolvedStack, components: &mut Vec<Component>) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    match &stack.platform.engine {
        GitOpsEngine::Flux(f) => {
            roots.extend(components.iter().map(|c| c.dir.clone()));
            if stack.cluster.git.is_some() {
                roots.insert(format!("clusters/{}", stack.cluster.name.value));
            }
            let flux = flux::component(stack, f, components);
            components.push(flux);
        }
        GitOpsEngine::ArgoCd(a) => {
            roots.extend(components.iter().map(|c| c.dir.clone()));
            let argo = argocd::component(stack, a, components);
            components.push(argo);
        }
        GitOpsEngine::Kustomize { .. } => {}
    }
    components.sort_by_key(|c| c.dir.clone());
    roots
}

/// The directory of the engine's own component, if it has one: the name a
/// namespace of the stack cannot take.
#[must_use]
pub(super) fn reserved(engine: &GitOpsEngine) -> Vec<&str> {
    match engine {
        GitOpsEngine::Flux(_) => vec![flux::NAMESPACE],
        GitOpsEngine::ArgoCd(a) => vec![argocd::DIR, a.namespace.value.as_str()],
        GitOpsEngine::Kustomize { .. } => Vec::new(),
    }
}
