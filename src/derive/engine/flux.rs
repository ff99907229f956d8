//! Flux: every Helm chart a HelmRelease with its HelmRepository in
//! `infrastructure/sources`; and the `flux-system` component: the
//! GitRepository, the cluster's root Kustomization, and one Flux
//! Kustomization per component with its `dependsOn`, pruning, and SOPS
//! decryption for the directories that carry Secrets.

use serde_json::{Value, json};

use super::GitPath;
use crate::check::ResolvedStack;
use crate::derive::object::Object;
use crate::derive::platform::common_labels;
use crate::derive::{Component, HelmChart};
use crate::diagnostic::Span;
use crate::model::Flux;

/// The namespace of Flux's controllers, sources and Kustomizations.
pub(super) const NAMESPACE: &str = "flux-system";
const FLUX_NAMESPACE: &str = NAMESPACE;

/// The Secret in `flux-system` holding the age identity (`age.agekey`).
pub const SOPS_SECRET: &str = "sops-age";

/// A chart repository Flux declares: name, URL, the stack line.
pub(super) type Repository = (String, String, Span);

/// Each chart of the component a HelmRelease in it; returns the charts'
/// repositories.
pub(super) fn releases(stack: &ResolvedStack, c: &mut Component) -> Vec<Repository> {
    let labels = common_labels(stack);
    let mut repositories = Vec::new();
    for chart in std::mem::take(&mut c.charts) {
        repositories.push((chart.repository.clone(), chart.url.clone(), chart.origin));
        c.objects.push(helm_release(&chart, &labels));
    }
    repositories
}

/// The `sources` component: the repositories the stack names and those the
/// charts use (`used`), each once.
pub(super) fn sources(stack: &ResolvedStack, used: Vec<Repository>) -> Option<Component> {
    let labels = common_labels(stack);
    let mut repositories: Vec<Repository> =
        stack.helm_repositories.iter().map(|r| (r.name.value.clone(), r.url.value.clone(), r.name.span)).collect();
    for repository in used {
        if !repositories.iter().any(|(name, _, _)| *name == repository.0) {
            repositories.push(repository);
        }
    }
    repositories.sort();
    repositories.dedup_by(|a, b| a.0 == b.0);
    if repositories.is_empty() {
        return None;
    }
    let objects = repositories
        .iter()
        .map(|(name, url, span)| {
            let mut spec = json!({"interval": "1h", "url": url});
            if url.starts_with("oci://") {
                spec["type"] = json!("oci");
            }
            Object::new(
                "source.toolkit.fluxcd.io/v1",
                "HelmRepository",
                name,
                Some(FLUX_NAMESPACE),
                &labels,
                json!({"spec": spec}),
                *span,
            )
        })
        .collect();
    Some(Component::new("sources", "infrastructure/sources", objects))
}

fn helm_release(chart: &HelmChart, labels: &Value) -> Object {
    let mut spec = json!({
        "interval": "30m",
        "chart": {"spec": {
            "chart": chart.chart,
            "version": chart.version,
            "sourceRef": {"kind": "HelmRepository", "name": chart.repository, "namespace": FLUX_NAMESPACE},
            "interval": "12h",
        }},
        "install": {"remediation": {"retries": 3}},
        "upgrade": {"remediation": {"retries": 3}},
    });
    if chart.values.as_object().is_some_and(|v| !v.is_empty()) {
        spec["values"] = chart.values.clone();
    }
    if !chart.depends_on.is_empty() {
        spec["dependsOn"] = json!(chart.depends_on.iter().map(|d| json!({"name": d})).collect::<Vec<_>>());
    }
    if !chart.secret_values.is_empty() {
        spec["valuesFrom"] = chart
            .secret_values
            .iter()
            .map(|v| json!({"kind": "Secret", "name": v.secret, "valuesKey": v.key, "targetPath": v.target_path}))
            .collect();
    }
    Object::new(
        "helm.toolkit.fluxcd.io/v2",
        "HelmRelease",
        &chart.name,
        Some(&chart.namespace),
        labels,
        json!({"spec": spec}),
        chart.origin,
    )
}

/// The `flux-system` component. Paths are relative to the repository root
/// with a `./` in front, as `flux bootstrap --path` writes them (fluxcd/flux2
/// v2.9.4 pkg/manifestgen/sync/sync.go:95).
pub(super) fn component(
    stack: &ResolvedStack,
    flux: &Flux,
    components: &[Component],
    repository: &GitPath<'_>,
) -> Component {
    let labels = common_labels(stack);
    let cluster = &stack.cluster;
    let interval = cluster.git.as_ref().map_or("10m", |g| g.interval.value.as_str());
    let mut objects = Vec::new();
    if let Some(git) = &cluster.git {
        let spec = json!({"spec": {"interval": git.interval.value, "url": git.url.value, "ref": {"branch": git.branch.value}, "secretRef": {"name": FLUX_NAMESPACE}}});
        objects.push(Object::new(
            "source.toolkit.fluxcd.io/v1",
            "GitRepository",
            FLUX_NAMESPACE,
            Some(FLUX_NAMESPACE),
            &labels,
            spec,
            git.url.span,
        ));
        objects.push(kustomization(
            FLUX_NAMESPACE,
            &format!("./{}", repository.path(&format!("clusters/{}", cluster.name.value))),
            interval,
            &[],
            false,
            &labels,
            flux.span,
        ));
    }
    for c in components {
        let decrypt = c.objects.iter().any(|o| o.kind == "Secret");
        objects.push(kustomization(
            &c.name,
            &format!("./{}", repository.path(&c.dir)),
            interval,
            &c.depends_on,
            decrypt,
            &labels,
            flux.span,
        ));
    }
    Component {
        foreign: flux.install_manifest.iter().map(|m| m.value.clone()).collect(),
        ..Component::new(FLUX_NAMESPACE, &format!("clusters/{}/{FLUX_NAMESPACE}", cluster.name.value), objects)
    }
}

fn kustomization(
    name: &str,
    path: &str,
    interval: &str,
    depends_on: &[String],
    decrypt: bool,
    labels: &Value,
    origin: Span,
) -> Object {
    let mut spec = json!({
        "interval": interval,
        "path": path,
        "prune": true,
        "wait": true,
        "timeout": "5m",
        "sourceRef": {"kind": "GitRepository", "name": FLUX_NAMESPACE},
    });
    if !depends_on.is_empty() {
        spec["dependsOn"] = json!(depends_on.iter().map(|d| json!({"name": d})).collect::<Vec<_>>());
    }
    if decrypt {
        spec["decryption"] = json!({"provider": "sops", "secretRef": {"name": SOPS_SECRET}});
    }
    Object::new(
        "kustomize.toolkit.fluxcd.io/v1",
        "Kustomization",
        name,
        Some(FLUX_NAMESPACE),
        labels,
        json!({"spec": spec}),
        origin,
    )
}
