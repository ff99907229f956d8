//! The GitOps engine's part of the tree: how components are applied, in
//! which order, and how Helm charts and Secrets reach the cluster.
//!
//! * `flux`: HelmReleases and HelmRepositories, a Flux Kustomization per
//!   directory with `dependsOn`, SOPS decryption by Flux.
//! * `argocd`: an Argo CD Application per directory and per Helm chart,
//!   ordered by sync waves, under one root Application; Secrets via KSOPS.
//! * `kustomize`: no engine objects; charts under `helmCharts:`, Secrets via
//!   KSOPS; `clusters/<c>/` lists the shared directories it needs, and the
//!   tooling directory `clusters/<c>/.applyset/` holds the kubectl ApplySet
//!   parent that prunes.
//!
//! [`objects`] runs on each component before its dependencies are derived,
//! [`sources`] and [`finish`] once all components exist.

mod applyset;
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

/// Turn one component's Helm charts and Secrets into what the engine
/// reads; Argo CD keeps the charts until [`finish`] (they become
/// Applications of their own). Returns the chart repositories the engine
/// must declare (see [`sources`]).
pub(super) fn objects(stack: &ResolvedStack, component: &mut Component) -> Vec<flux::Repository> {
    match &stack.platform.engine {
        GitOpsEngine::Flux(_) => return flux::releases(stack, component),
        GitOpsEngine::ArgoCd(_) => ksops::generators(component),
        GitOpsEngine::Kustomize { .. } => {
            kustomize::helm_charts(component);
            ksops::generators(component);
        }
    }
    Vec::new()
}

/// The component declaring the chart repositories, if the engine has one:
/// Flux's `infrastructure/sources`.
pub(super) fn sources(stack: &ResolvedStack, used: Vec<flux::Repository>) -> Option<Component> {
    match &stack.platform.engine {
        GitOpsEngine::Flux(_) => flux::sources(stack, used),
        GitOpsEngine::ArgoCd(_) | GitOpsEngine::Kustomize { .. } => None,
    }
}

/// Where a directory of the tree is in the Git repository the engine reads.
pub(super) struct GitPath<'a> {
    /// The output directory relative to the repository root (`""`: the root).
    prefix: &'a str,
}

impl<'a> GitPath<'a> {
    /// The cluster's `git path=` when declared, else `found` (the CLI's).
    fn new(stack: &'a ResolvedStack, found: &'a str) -> Self {
        let declared = stack.cluster.git.as_ref().and_then(|g| g.path.as_ref());
        Self { prefix: declared.map_or(found, |p| p.value.as_str()) }
    }

    /// `dir` (relative to the output directory) relative to the repository root.
    fn path(&self, dir: &str) -> String {
        if self.prefix.is_empty() { dir.to_owned() } else { format!("{}/{dir}", self.prefix) }
    }
}

/// Add the engine's own component to `components` (sorted by directory, with
/// dependencies); return the directories the engine applies on their own.
/// `repository` is where the output directory is in the Git repository.
pub(super) fn finish(stack: &ResolvedStack, components: &mut Vec<Component>, repository: &str) -> BTreeSet<String> {
    let repository = GitPath::new(stack, repository);
    let mut roots = BTreeSet::new();
    match &stack.platform.engine {
        GitOpsEngine::Flux(f) => {
            roots.extend(components.iter().map(|c| c.dir.clone()));
            if stack.cluster.git.is_some() {
                roots.insert(format!("clusters/{}", stack.cluster.name.value));
            }
            let flux = flux::component(stack, f, components, &repository);
            components.push(flux);
        }
        GitOpsEngine::ArgoCd(a) => {
            roots.extend(components.iter().map(|c| c.dir.clone()));
            let (apps, root) = argocd::components(stack, a, components, &repository);
            // Only the root Application applies `argocd/`.
            roots.insert(apps.dir.clone());
            components.push(apps);
            components.push(root);
        }
        GitOpsEngine::Kustomize { .. } => {
            // `clusters/<c>/` builds the whole cluster: it lists the shared
            // directories it needs, which `out/` then does not list again.
            let cluster = format!("clusters/{}", stack.cluster.name.value);
            let inside = format!("{cluster}/");
            let includes: Vec<String> =
                components.iter().filter(|c| !c.dir.starts_with(&inside)).map(|c| format!("../../{}", c.dir)).collect();
            // The ApplySet parent that prunes the cluster: applied on its own, before.
            let parent = applyset::component(stack);
            roots.insert(parent.dir.clone());
            components.push(parent);
            if !includes.is_empty() {
                roots.extend(
                    components
                        .iter()
                        .filter_map(|c| c.dir.split_once('/'))
                        .map(|(top, _)| top.to_owned())
                        .filter(|top| top != "clusters"),
                );
                components.push(Component { includes, ..Component::new("cluster", &cluster, Vec::new()) });
            }
        }
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
