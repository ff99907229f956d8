//! Secrets through KSOPS, for the engines that do not decrypt SOPS files
//! themselves (Argo CD, plain kustomize): each directory with Secrets gets
//! one `ksops` generator listing its encrypted Secret files. The files stay
//! one Secret each, byte for byte what Flux would get; the kustomization
//! lists the generator under `generators:` and the Secrets nowhere, so
//! kustomize (with `--enable-alpha-plugins --enable-exec`) applies them
//! decrypted and never applies ciphertext.

use serde_json::json;

use crate::derive::Component;
use crate::derive::object::Object;

/// The KSOPS generator kind and its API version.
pub(super) const API_VERSION: &str = "viaduct.ai/v1";
pub(super) const KIND: &str = "ksops";

pub(super) fn generators(c: &mut Component) {
    let Some(origin) = c.objects.iter().find(|o| o.kind == "Secret").map(|o| o.origin) else {
        return;
    };
    let mut files: Vec<String> = c.objects.iter().filter(|o| o.kind == "Secret").map(Object::file_name).collect();
    files.sort();
    // The KSOPS README's exec KRM function: `ksops` found on PATH.
    let generator = Object::new(API_VERSION, KIND, &c.name, None, &json!({}), json!({"files": files}), origin)
        .annotated(json!({"config.kubernetes.io/function": "exec:\n  path: ksops\n"}));
    c.generators.push(generator.file_name());
    c.generated.extend(files);
    c.objects.push(generator);
}
