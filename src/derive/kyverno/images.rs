//! The rules about images: allowed registries, no `latest` tag, and the
//! images each namespace may run.

use std::collections::BTreeSet;

use serde_json::json;

use super::Policy;
use super::facts::{Facts, LINKERD_IMAGES, registry};
use super::rules::{nonempty, pods, rule};

/// `a | b | c` of the image patterns: `registry/*` for images that name a
/// registry, the repository itself for Docker Hub short names.
fn image_patterns<'a>(images: impl Iterator<Item = &'a String>, meshed: bool) -> String {
    let mut patterns: BTreeSet<String> = images
        .map(|image| {
            let explicit = image
                .split_once('/')
                .is_some_and(|(first, _)| first.contains('.') || first.contains(':') || first == "localhost");
            if explicit {
                format!("{}/*", registry(image))
            } else {
                format!("{}*", image.split(['@', ':']).next().unwrap_or(image))
            }
        })
        .collect();
    if meshed {
        patterns.insert(LINKERD_IMAGES.to_owned());
    }
    patterns.into_iter().collect::<Vec<_>>().join(" | ")
}

/// Images only from the registries the stack's own images use, in the
/// namespaces whose pods all come from those images.
pub(super) fn registries(f: &Facts) -> Policy {
    let namespaces: Vec<String> = f.known_images.keys().cloned().collect();
    let images: Vec<&String> = f.known_images.values().flatten().collect();
    let rules = nonempty(&namespaces)
        .map(|ns| {
            let meshed = ns.iter().any(|n| f.meshed.contains(n));
            let pattern = image_patterns(images.iter().copied(), meshed);
            rule(
                "restrict-image-registries",
                pods(ns),
                &format!("Images come only from the registries this stack uses: {pattern}."),
                json!({
                    "spec": {"containers": [{"image": pattern}], "=(initContainers)": [{"image": pattern}]}
                }),
            )
        })
        .into_iter()
        .collect();
    Policy { name: "restrict-image-registries", rules }
}

/// Every image has a tag that is not `latest`, or a digest when the stack
/// pins all its images by digest.
pub(super) fn latest_tag(f: &Facts) -> Policy {
    if f.managed.is_empty() {
        return Policy { name: "disallow-latest-tag", rules: Vec::new() };
    }
    let require = if f.digests {
        rule(
            "require-image-digest",
            pods(&f.managed),
            "Images are pinned by digest.",
            json!({"spec": {"containers": [{"image": "*@sha256:*"}]}}),
        )
    } else {
        rule(
            "require-image-tag",
            pods(&f.managed),
            "Images name a tag.",
            json!({"spec": {"containers": [{"image": "*:*"}]}}),
        )
    };
    let latest = rule(
        "validate-image-tag",
        pods(&f.managed),
        "The `latest` tag is not allowed.",
        json!({"spec": {"containers": [{"image": "!*:latest"}]}}),
    );
    Policy { name: "disallow-latest-tag", rules: vec![require, latest] }
}

/// Per namespace, only the images the stack declares there (and Linkerd's
/// proxy where meshed), for namespaces whose pods stackc writes.
pub(super) fn images_per_namespace(f: &Facts) -> Policy {
    let rules = f
        .known_images
        .iter()
        .map(|(ns, images)| {
            let mut allowed: Vec<String> = images.iter().cloned().collect();
            if f.meshed.contains(ns) {
                allowed.push(LINKERD_IMAGES.to_owned());
            }
            let pattern = allowed.join(" | ");
            rule(
                &format!("images-{ns}"),
                pods(std::slice::from_ref(ns)),
                &format!("Namespace {ns} runs only the images the stack declares for it."),
                json!({
                    "spec": {"containers": [{"image": pattern}]}
                }),
            )
        })
        .collect();
    Policy { name: "restrict-images-per-namespace", rules }
}
