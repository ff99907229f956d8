//! The rules, one generated ClusterPolicy each. `docs/policies.md` says for
//! each what it does, why, how it is derived and how to override it. The
//! image rules are built in `images`, the ingress rules in `ingress`.

use serde_json::{Value, json};

use super::facts::Facts;
use super::images::{images_per_namespace, latest_tag, registries};
use super::ingress::ingress_hosts;
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
pub(super) fn pods(namespaces: &[String]) -> Value {
    kind("Pod", namespaces)
}

pub(super) fn kind(kind: &str, namespaces: &[String]) -> Value {
    json!({"kinds": [kind], "namespaces": namespaces})
}

pub(super) fn rule(name: &str, resources: Value, message: &str, pattern: Value) -> Rule {
    Rule { name: name.to_owned(), resources, validate: json!({"message": message, "pattern": pattern}) }
}

/// A policy with one rule of the same name, or none when nothing is managed.
fn single(f: &Facts, name: &'static str, resources: Value, message: &str, pattern: Value) -> Policy {
    let rules = if f.managed.is_empty() { Vec::new() } else { vec![rule(name, resources, message, pattern)] };
    Policy { name, rules }
}

pub(super) fn nonempty(list: &[String]) -> Option<&[String]> {
    (!list.is_empty()).then_some(list)
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
