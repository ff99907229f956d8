//! Pruning for the kustomize engine: a kubectl ApplySet per cluster. kubectl
//! prunes server-side applied objects only through an ApplySet, and one that
//! spans several namespaces needs a cluster-scoped custom parent (Kubernetes
//! docs, tasks/manage-kubernetes-objects/declarative-config.md, "How to
//! delete objects"; KEP-3659). The tooling directory `clusters/<c>/.applyset/`
//! holds that parent's CRD (labelled as an ApplySet parent type) and the
//! parent itself, with the labels and annotations kubectl requires of a
//! parent it did not create: the ID label, the tooling annotation and the
//! (empty) group-kinds annotation (kubectl `pkg/cmd/apply/applyset.go`,
//! `FetchParent` and `parseKindAnnotation`).

use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::check::ResolvedStack;
use crate::derive::Component;
use crate::derive::object::Object;
use crate::derive::platform::common_labels;

/// The API group and resource of the parent type (stackc's own).
const GROUP: &str = "stackc.io";
const PLURAL: &str = "applysets";
const KIND: &str = "ApplySet";
/// The tooling directory, under `clusters/<c>/` (hidden: never built with the cluster).
const DIR: &str = ".applyset";

/// The `.applyset` component of the cluster.
pub(super) fn component(stack: &ResolvedStack) -> Component {
    let cluster = &stack.cluster.name.value;
    let origin = stack.platform.engine.span();
    let labels = |key: &str, value: &str| {
        let mut labels = common_labels(stack);
        labels[key] = json!(value);
        labels
    };
    let crd = Object::new(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        &format!("{PLURAL}.{GROUP}"),
        None,
        &labels("applyset.kubernetes.io/is-parent-type", "true"),
        json!({"spec": {
            "group": GROUP,
            "names": {"kind": KIND, "listKind": "ApplySetList", "plural": PLURAL, "singular": "applyset"},
            "scope": "Cluster",
            "versions": [{
                "name": "v1",
                "served": true,
                "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object"}},
            }],
        }}),
        origin,
    );
    let parent = Object::new(
        "stackc.io/v1",
        KIND,
        cluster,
        None,
        &labels("applyset.kubernetes.io/id", &id(cluster)),
        json!({}),
        origin,
    )
    .annotated(json!({
        "applyset.kubernetes.io/tooling": "kubectl/v1.33",
        "applyset.kubernetes.io/contains-group-kinds": "",
    }));
    Component::new("applyset", &format!("clusters/{cluster}/{DIR}"), vec![crd, parent])
}

/// The ApplySet ID of the cluster-scoped parent `name`: `applyset-` +
/// unpadded URL-safe base64 of sha256(`<name>.<namespace>.<kind>.<group>`)
/// + `-v1` (kubectl `V1ApplySetIdFormat`).
fn id(name: &str) -> String {
    let hash = Sha256::digest(format!("{name}..{KIND}.{GROUP}").as_bytes());
    format!("applyset-{}-v1", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The KEP's formula, by hand for one name: sha256 of
    /// `production..ApplySet.stackc.io`, base64url without padding.
    #[test]
    fn id_follows_the_kubectl_format() {
        let id = id("production");
        assert!(id.starts_with("applyset-") && id.ends_with("-v1"));
        let encoded = &id["applyset-".len()..id.len() - "-v1".len()];
        assert_eq!(encoded.len(), 43, "32 bytes, unpadded");
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded).unwrap();
        assert_eq!(decoded, Sha256::digest(b"production..ApplySet.stackc.io").to_vec());
        assert!(encoded.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
