//! Linkerd's trust anchor where the engine cannot feed the chart's values
//! from a Secret (Argo CD, kustomize): the chart runs with
//! `identity.externalCA` and reads the anchors from the ConfigMap
//! `linkerd-identity-trust-roots` (key `ca-bundle.crt`; linkerd/linkerd2
//! edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:23-36
//! is skipped with externalCA, :266-270 mounts it), which stackc renders
//! from the public `secrets/linkerd/trust-anchor.crt` that `stackc secrets
//! linkerd-identity` writes. The same PEM goes into `identityTrustAnchorsPEM`,
//! the value the proxy injector's configuration and the pods' trust-root
//! annotation are made from (charts/partials/templates/_metadata.tpl:8).

use serde_json::json;

use super::Component;
use super::object::Object;
use super::platform::common_labels;
use crate::check::ResolvedStack;
use crate::check::platform_secrets::{IDENTITY_COMMAND, LINKERD_NAMESPACE, TRUST_ANCHOR, TRUST_ROOTS_CONFIG_MAP};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::GitOpsEngine;
use crate::secrets::{SecretId, SecretStore};

/// Adds the trust-roots ConfigMap and the anchor value to the `linkerd`
/// component of an Argo CD or kustomize stack; a missing anchor file is an error.
pub(super) fn add(stack: &ResolvedStack, store: &SecretStore, components: &mut [Component], d: &mut Diagnostics) {
    let Some(linkerd) = &stack.platform.linkerd else { return };
    if let GitOpsEngine::Flux(_) = stack.platform.engine {
        return;
    }
    let id = SecretId::new(LINKERD_NAMESPACE, TRUST_ANCHOR).in_scope(stack.store_scope.as_deref());
    let Some(pem) = store.public(&id) else {
        d.push(
            Diagnostic::error(
                Code::MissingSecret,
                linkerd.span,
                format!("Linkerd's trust anchor has no certificate: `{}` does not exist", id.public_path()),
            )
            .label("needs a trust anchor")
            .help(format!("run `{IDENTITY_COMMAND} --anchor FILE` (docs/secrets.md)")),
        );
        return;
    };
    let Some(component) = components.iter_mut().find(|c| c.name == LINKERD_NAMESPACE) else { return };
    let (name, key) = TRUST_ROOTS_CONFIG_MAP;
    let data = json!({"data": {key: pem}});
    let labels = common_labels(stack);
    component.objects.push(Object::new("v1", "ConfigMap", name, Some(LINKERD_NAMESPACE), &labels, data, linkerd.span));
    if let Some(chart) = component.charts.iter_mut().find(|c| c.name == "linkerd-control-plane") {
        chart.values["identityTrustAnchorsPEM"] = json!(pem);
    }
}
