//! Reads a rendered tree: every Secret and ConfigMap it holds, every chart
//! it installs (Flux HelmRelease, Argo CD Application, kustomize
//! `helmCharts`), and every reference an object makes to a Secret, a
//! ConfigMap or a ServiceAccount (a mesh identity), with the namespace the
//! consumer resolves it in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::pods::{pod_references, values_references};

/// What a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Secret,
    ConfigMap,
    ServiceAccount,
}

/// One object's use of a Secret or ConfigMap.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The tree file of the object that refers.
    pub from: String,
    /// The field, for the failure message.
    pub via: &'static str,
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// The key read, when one is.
    pub key: Option<String>,
    /// `optional: true`: the consumer runs without it.
    pub optional: bool,
}

/// A Helm chart the tree installs, whatever the engine.
#[derive(Debug, Clone)]
pub struct ChartInstall {
    pub from: String,
    pub chart: String,
    pub version: String,
    pub release: String,
    pub namespace: String,
    pub values: Value,
}

/// The parsed tree.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Every object with the file it is in (tooling under hidden
    /// directories, such as the Kyverno CLI suite, is not applied).
    pub objects: Vec<(String, Value)>,
    /// (kind, namespace, name) → the keys it holds.
    pub held: BTreeMap<(Kind, String, String), BTreeSet<String>>,
    pub charts: Vec<ChartInstall>,
    pub references: Vec<Reference>,
}

/// Reads every YAML file of `tree`.
pub fn parse(tree: &stackc::render::Tree) -> Parsed {
    let mut parsed = Parsed::default();
    for (path, bytes) in &tree.files {
        if path.split('/').any(|c| c.starts_with('.')) || !path.ends_with(".yaml") {
            continue;
        }
        let text = std::str::from_utf8(bytes).expect("the tree is UTF-8");
        let object: Value = serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        parsed.objects.push((path.clone(), object));
    }
    for (path, object) in &parsed.objects {
        held(object, &mut parsed.held);
        charts(path, object, &mut parsed.charts);
        references(path, object, &mut parsed.references);
    }
    for chart in &parsed.charts {
        values_references(&chart.from, &chart.values, &chart.namespace, &mut parsed.references);
    }
    parsed
}

pub(super) fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path).and_then(Value::as_str)
}

pub(super) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

pub(super) fn items<'a>(v: &'a Value, path: &[&str]) -> impl Iterator<Item = &'a Value> {
    at(v, path).and_then(Value::as_array).into_iter().flatten()
}

fn namespace_of(object: &Value) -> String {
    s(object, &["metadata", "namespace"]).unwrap_or_default().to_owned()
}

fn held(object: &Value, held: &mut BTreeMap<(Kind, String, String), BTreeSet<String>>) {
    let kind = match s(object, &["kind"]) {
        Some("Secret") => Kind::Secret,
        Some("ConfigMap") => Kind::ConfigMap,
        Some("ServiceAccount") => Kind::ServiceAccount,
        _ => return,
    };
    let name = s(object, &["metadata", "name"]).unwrap_or_default().to_owned();
    let keys = ["data", "stringData", "binaryData"]
        .iter()
        .filter_map(|f| object.get(f).and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .collect();
    held.insert((kind, namespace_of(object), name), keys);
}

fn charts(path: &str, object: &Value, out: &mut Vec<ChartInstall>) {
    let namespace = namespace_of(object);
    match s(object, &["kind"]) {
        Some("HelmRelease") => out.push(ChartInstall {
            from: path.to_owned(),
            chart: s(object, &["spec", "chart", "spec", "chart"]).unwrap_or_default().to_owned(),
            version: s(object, &["spec", "chart", "spec", "version"]).unwrap_or_default().to_owned(),
            release: s(object, &["spec", "releaseName"])
                .or(s(object, &["metadata", "name"]))
                .unwrap_or_default()
                .to_owned(),
            namespace: s(object, &["spec", "targetNamespace"]).map_or(namespace, str::to_owned),
            values: at(object, &["spec", "values"]).cloned().unwrap_or(Value::Null),
        }),
        Some("Application") if at(object, &["spec", "source", "chart"]).is_some() => out.push(ChartInstall {
            from: path.to_owned(),
            chart: s(object, &["spec", "source", "chart"]).unwrap_or_default().to_owned(),
            version: s(object, &["spec", "source", "targetRevision"]).unwrap_or_default().to_owned(),
            release: s(object, &["spec", "source", "helm", "releaseName"]).unwrap_or_default().to_owned(),
            namespace: s(object, &["spec", "destination", "namespace"]).unwrap_or_default().to_owned(),
            values: at(object, &["spec", "source", "helm", "valuesObject"]).cloned().unwrap_or(Value::Null),
        }),
        Some("Kustomization")
            if s(object, &["apiVersion"]).is_some_and(|a| a.starts_with("kustomize.config.k8s.io")) =>
        {
            for c in items(object, &["helmCharts"]) {
                out.push(ChartInstall {
                    from: path.to_owned(),
                    chart: s(c, &["name"]).unwrap_or_default().to_owned(),
                    version: s(c, &["version"]).unwrap_or_default().to_owned(),
                    release: s(c, &["releaseName"]).unwrap_or_default().to_owned(),
                    namespace: s(c, &["namespace"]).unwrap_or_default().to_owned(),
                    values: c.get("valuesInline").cloned().unwrap_or(Value::Null),
                });
            }
        }
        _ => {}
    }
}

pub(super) fn reference(
    from: &str,
    via: &'static str,
    kind: Kind,
    namespace: &str,
    name: &str,
    key: Option<&str>,
) -> Reference {
    Reference {
        from: from.to_owned(),
        via,
        kind,
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        key: key.map(str::to_owned),
        optional: false,
    }
}

pub(super) fn optional(r: Reference, selector: &Value) -> Reference {
    Reference { optional: selector.get("optional").and_then(Value::as_bool).unwrap_or(false), ..r }
}

/// The namespace a ClusterIssuer's Secrets are read in: cert-manager's
/// cluster resource namespace, which its chart sets to the release's
/// namespace (cert-manager v1.19.1 deploy/charts/cert-manager/templates/deployment.yaml:100-104,
/// `clusterResourceNamespace: ""` at values.yaml:187; read for the ACME
/// account key at pkg/issuer/acme/setup.go:110-112 and for the DNS-01 token
/// at pkg/issuer/acme/dns/dns.go:256-260).
pub fn cluster_resource_namespace() -> &'static str {
    stackc::charts::of("cert-manager").next().expect("cert-manager's facts").namespace
}

fn references(path: &str, object: &Value, out: &mut Vec<Reference>) {
    let ns = namespace_of(object);
    let kind = s(object, &["kind"]).unwrap_or_default();
    let pod = match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => at(object, &["spec", "template", "spec"]),
        "CronJob" => at(object, &["spec", "jobTemplate", "spec", "template", "spec"]),
        "Pod" => at(object, &["spec"]),
        _ => None,
    };
    if let Some(pod) = pod {
        pod_references(path, pod, &ns, out);
    }
    match kind {
        "HelmRelease" => {
            for v in items(object, &["spec", "valuesFrom"]) {
                let k = if s(v, &["kind"]) == Some("ConfigMap") { Kind::ConfigMap } else { Kind::Secret };
                let key = s(v, &["valuesKey"]).unwrap_or("values.yaml");
                out.push(optional(
                    reference(path, "spec.valuesFrom", k, &ns, s(v, &["name"]).unwrap_or_default(), Some(key)),
                    v,
                ));
            }
        }
        "Kustomization" | "GitRepository" | "HelmRepository" | "OCIRepository" | "Bucket" => {
            for (field, via) in [
                (&["spec", "decryption", "secretRef", "name"][..], "spec.decryption.secretRef"),
                (&["spec", "secretRef", "name"][..], "spec.secretRef"),
                (&["spec", "certSecretRef", "name"][..], "spec.certSecretRef"),
                (&["spec", "kubeConfig", "secretRef", "name"][..], "spec.kubeConfig.secretRef"),
            ] {
                if let Some(name) = s(object, field) {
                    out.push(reference(path, via, Kind::Secret, &ns, name, None));
                }
            }
        }
        "ClusterIssuer" | "Issuer" => {
            let ns = if kind == "ClusterIssuer" { cluster_resource_namespace().to_owned() } else { ns };
            if let Some(name) = s(object, &["spec", "acme", "privateKeySecretRef", "name"]) {
                let key = s(object, &["spec", "acme", "privateKeySecretRef", "key"]).unwrap_or("tls.key");
                out.push(reference(path, "spec.acme.privateKeySecretRef", Kind::Secret, &ns, name, Some(key)));
            }
            for solver in items(object, &["spec", "acme", "solvers"]) {
                for (field, via) in [
                    ("apiTokenSecretRef", "dns01.cloudflare.apiTokenSecretRef"),
                    ("apiKeySecretRef", "dns01.cloudflare.apiKeySecretRef"),
                ] {
                    if let Some(r) = at(solver, &["dns01", "cloudflare", field]) {
                        let name = s(r, &["name"]).unwrap_or_default();
                        out.push(reference(path, via, Kind::Secret, &ns, name, s(r, &["key"])));
                    }
                }
            }
        }
        "MeshTLSAuthentication" => {
            for r in items(object, &["spec", "identityRefs"]).filter(|r| s(r, &["kind"]) == Some("ServiceAccount")) {
                let account_ns = s(r, &["namespace"]).unwrap_or(&ns);
                let name = s(r, &["name"]).unwrap_or_default();
                out.push(reference(path, "spec.identityRefs", Kind::ServiceAccount, account_ns, name, None));
            }
        }
        "IngressRoute" => {
            if let Some(name) = s(object, &["spec", "tls", "secretName"]) {
                out.push(reference(path, "spec.tls.secretName", Kind::Secret, &ns, name, Some("tls.crt")));
            }
        }
        _ => {}
    }
}
