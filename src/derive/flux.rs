//! The `flux-system` component: the GitRepository, the cluster's root
//! Kustomization, and one Flux Kustomization per component with its
//! `dependsOn`, pruning, and SOPS decryption for the directories that
//! carry Secrets.

use serde_json::{Value, json};

use super::Component;
use super::object::Object;
use super::platform::{FLUX_NAMESPACE, common_labels};
use crate::check::ResolvedStack;
use crate::model::Flux;

/// The Secret in `flux-system` holding the age identity (`age.agekey`).
pub const SOPS_SECRET: &str = "sops-age";

pub(super) fn component(stack: &ResolvedStack, flux: &Flux, components: &[Component]) -> Component {
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
            &format!("./clusters/{}", cluster.name.value),
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
            &format!("./{}", c.dir),
            interval,
            &c.depends_on,
            decrypt,
            &labels,
            flux.span,
        ));
    }
    Component {
        name: FLUX_NAMESPACE.into(),
        dir: format!("clusters/{}/{FLUX_NAMESPACE}", cluster.name.value),
        objects,
        depends_on: Vec::new(),
        foreign: flux.install_manifest.iter().map(|m| m.value.clone()).collect(),
    }
}

fn kustomization(
    name: &str,
    path: &str,
    interval: &str,
    depends_on: &[String],
    decrypt: bool,
    labels: &Value,
    origin: crate::diagnostic::Span,
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
