//! The rules, one generated ClusterPolicy each. `docs/policies.md` says for
//! each what it does, why, how it is derived and how to override it.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::facts::{Facts, LINKERD_IMAGES, registry};
use super::{Policy, Rule};

pub(super) fn policies(f: &Facts) -> Vec<Policy> {
    vec![
        single(
            f,
            "require-resource-limits",
            pods(&f.managed),
            "Every container sets CPU and memory limits.",
            json!({
                "spec": {"containers": [{"resources": {"limits": {"cpu": "?*", "memory": "?*"}}}]}
            }),
        ),
        single(
            f,
            "disallow-privileged-containers",
            pods(&f.managed),
            "Privileged containers are not allowed.",
            json!({
                "spec": {
                    "containers": [{"=(securityContext)": {"=(privileged)": "false"}}],
                    "=(initContainers)": [{"=(securityContext)": {"=(privileged)": "false"}}],
                }
            }),
        ),
        single(
            f,
            "require-pod-labels",
            pods(&f.managed),
            "Pods carry the app.kubernetes.io/name label.",
            json!({
                "metadata": {"labels": {"app.kubernetes.io/name": "?*"}}
            }),
        ),
        registries(f),
        latest_tag(f),
        images_per_namespace(f),
        Policy {
            name: "require-linkerd-injection",
            rules: nonempty(&f.meshed)
                .map(|meshed| Rule {
                    name: "require-linkerd-injection".into(),
                    resources: json!({"kinds": ["Namespace"], "names": meshed}),
                    validate: json!({"message": "Meshed namespaces inject the Linkerd proxy.", "pattern": {
                        "metadata": {"annotations": {"linkerd.io/inject": "enabled"}}
                    }}),
                })
                .into_iter()
                .collect(),
        },
        single(
            f,
            "restrict-network-policies",
            json!({"kinds": f.policy_kinds, "namespaces": f.managed}),
            "Only stackc writes NetworkPolicies in the namespaces it manages.",
            json!({
                "metadata": {"labels": {"app.kubernetes.io/managed-by": "stackc"}}
            }),
        ),
        ingress_hosts(f),
        single(
            f,
            "restrict-service-types",
            kind("Service", &f.managed),
            "Only the ingress controller is exposed outside the cluster: no NodePort or LoadBalancer Services.",
            json!({
                "spec": {"=(type)": "ClusterIP | ExternalName"}
            }),
        ),
        Policy {
            name: "restrict-pod-security",
            rules: if f.managed.is_empty() {
                Vec::new()
            } else {
                vec![
                    rule(
                        "run-as-non-root",
                        pods(&f.managed),
                        "Pods run as a non-root user.",
                        json!({"spec": {"securityContext": {"runAsNonRoot": true}}}),
                    ),
                    rule(
                        "seccomp-runtime-default",
                        pods(&f.managed),
                        "Pods use the RuntimeDefault (or a Localhost) seccomp profile.",
                        json!({"spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault | Localhost"}}}}),
                    ),
                    rule(
                        "no-host-path",
                        pods(&f.managed),
                        "Pods do not mount hostPath volumes.",
                        json!({"spec": {"=(volumes)": [{"X(hostPath)": "null"}]}}),
                    ),
                ]
            },
        },
        Policy {
            name: "restrict-storage-classes",
            rules: if f.storage_classes.is_empty() || f.managed.is_empty() {
                Vec::new()
            } else {
                vec![rule(
                    "restrict-storage-classes",
                    kind("PersistentVolumeClaim", &f.managed),
                    &format!("PVCs use a storage class the stack declares: {}.", f.storage_classes.join(", ")),
                    json!({"spec": {"storageClassName": f.storage_classes.join(" | ")}}),
                )]
            },
        },
    ]
}

/// Pods in these namespaces (Kyverno applies Pod rules to pod controllers too).
fn pods(namespaces: &[String]) -> Value {
    kind("Pod", namespaces)
}

fn kind(kind: &str, namespaces: &[String]) -> Value {
    json!({"kinds": [kind], "namespaces": namespaces})
}

fn rule(name: &str, resources: Value, message: &str, pattern: Value) -> Rule {
    Rule { name: name.to_owned(), resources, validate: json!({"message": message, "pattern": pattern}) }
}

/// A policy with one rule of the same name, or none when nothing is managed.
fn single(f: &Facts, name: &'static str, resources: Value, message: &str, pattern: Value) -> Policy {
    let rules = if f.managed.is_empty() { Vec::new() } else { vec![rule(name, resources, message, pattern)] };
    Policy { name, rules }
}

fn nonempty(list: &[String]) -> Option<&[String]> {
    (!list.is_empty()).then_some(list)
}

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
fn registries(f: &Facts) -> Policy {
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
fn latest_tag(f: &Facts) -> Policy {
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
fn images_per_namespace(f: &Facts) -> Policy {
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

/// IngressRoutes route only the hosts the stack exposes in their namespace;
/// a namespace that exposes nothing has none. IngressRouteTCP and
/// IngressRouteUDP carry no host worth checking (plain TCP has no SNI: stackc
/// writes ``HostSNI(`*`)``): they are held to the entry points the namespace's
/// `expose-port`s open, so a workload cannot take over another's public port.
fn ingress_hosts(f: &Facts) -> Policy {
    let rules = f.managed.iter().flat_map(|ns| [host_rule(f, ns), entry_point_rule(f, ns)]).collect();
    Policy { name: "restrict-ingressroute-hosts", rules }
}

fn entry_point_rule(f: &Facts, ns: &str) -> Rule {
    let resources = json!({"kinds": ["IngressRouteTCP", "IngressRouteUDP"], "namespaces": [ns]});
    match f.entry_points.get(ns) {
        Some(entries) => rule(
            &format!("entry-points-{ns}"),
            resources,
            &format!("IngressRouteTCPs and IngressRouteUDPs in {ns} use only its declared entry points."),
            json!({
                "spec": {"entryPoints": [entries.iter().cloned().collect::<Vec<_>>().join(" | ")]}
            }),
        ),
        None => Rule {
            name: format!("entry-points-{ns}"),
            resources,
            validate: json!({"message": format!("Namespace {ns} exposes no port."), "deny": {}}),
        },
    }
}

fn host_rule(f: &Facts, ns: &String) -> Rule {
    let resources = kind("IngressRoute", std::slice::from_ref(ns));
    match f.hosts.get(ns) {
        Some(hosts) => {
            let pattern = hosts.iter().map(|h| format!("Host(`{h}`)*")).collect::<Vec<_>>().join(" | ");
            rule(
                &format!("hosts-{ns}"),
                resources,
                &format!("IngressRoutes in {ns} route only its declared hosts."),
                json!({
                    "spec": {"routes": [{"match": pattern}]}
                }),
            )
        }
        None => Rule {
            name: format!("hosts-{ns}"),
            resources,
            validate: json!({"message": format!("Namespace {ns} exposes no host."), "deny": {}}),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The language's list of rule names is exactly the generated policies.
    #[test]
    fn rule_names_match_the_language() {
        let names: Vec<&str> = policies(&Facts::default()).iter().map(|p| p.name).collect();
        assert_eq!(names, crate::model::KYVERNO_RULES);
    }
}
