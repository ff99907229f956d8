//! References from pod specs and from the pod-spec fragments charts take
//! in their values: env, envFrom, volumes, image pull Secrets and the
//! ServiceAccount.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::walk::{Kind, Reference, at, items, optional, reference, s};

pub(super) fn pod_references(path: &str, pod: &Value, ns: &str, out: &mut Vec<Reference>) {
    for container in items(pod, &["containers"]).chain(items(pod, &["initContainers"])) {
        env_references(path, container, ns, out);
    }
    for volume in items(pod, &["volumes"]) {
        if let Some(v) = volume.get("secret") {
            out.push(optional(
                reference(path, "volumes.secret", Kind::Secret, ns, s(v, &["secretName"]).unwrap_or_default(), None),
                v,
            ));
        }
        if let Some(v) = volume.get("configMap") {
            out.push(optional(
                reference(path, "volumes.configMap", Kind::ConfigMap, ns, s(v, &["name"]).unwrap_or_default(), None),
                v,
            ));
        }
        for source in items(volume, &["projected", "sources"]) {
            if let Some(v) = source.get("secret") {
                out.push(optional(
                    reference(path, "projected.secret", Kind::Secret, ns, s(v, &["name"]).unwrap_or_default(), None),
                    v,
                ));
            }
            if let Some(v) = source.get("configMap") {
                let name = s(v, &["name"]).unwrap_or_default();
                out.push(optional(reference(path, "projected.configMap", Kind::ConfigMap, ns, name, None), v));
            }
        }
    }
    // Without `serviceAccountName` a pod runs as `default`.
    let account = s(pod, &["serviceAccountName"]).unwrap_or("default");
    out.push(reference(path, "serviceAccountName", Kind::ServiceAccount, ns, account, None));
    for secret in items(pod, &["imagePullSecrets"]) {
        out.push(reference(path, "imagePullSecrets", Kind::Secret, ns, s(secret, &["name"]).unwrap_or_default(), None));
    }
}

/// `env[].valueFrom` and `envFrom[]` of a container, or of a chart's values
/// fragment shaped like one (`global.env`, `server.envFrom`, …).
fn env_references(path: &str, holder: &Value, ns: &str, out: &mut Vec<Reference>) {
    for env in items(holder, &["env"]) {
        if let Some(r) = at(env, &["valueFrom", "secretKeyRef"]) {
            let name = s(r, &["name"]).unwrap_or_default();
            out.push(optional(
                reference(path, "env.valueFrom.secretKeyRef", Kind::Secret, ns, name, s(r, &["key"])),
                r,
            ));
        }
        if let Some(r) = at(env, &["valueFrom", "configMapKeyRef"]) {
            let name = s(r, &["name"]).unwrap_or_default();
            out.push(optional(
                reference(path, "env.valueFrom.configMapKeyRef", Kind::ConfigMap, ns, name, s(r, &["key"])),
                r,
            ));
        }
    }
    for from in items(holder, &["envFrom"]) {
        if let Some(r) = from.get("secretRef") {
            let name = s(r, &["name"]).unwrap_or_default();
            out.push(optional(reference(path, "envFrom.secretRef", Kind::Secret, ns, name, None), r));
        }
        if let Some(r) = from.get("configMapRef") {
            let name = s(r, &["name"]).unwrap_or_default();
            out.push(optional(reference(path, "envFrom.configMapRef", Kind::ConfigMap, ns, name, None), r));
        }
    }
}

/// Chart values that hold container `env`/`envFrom` fragments or name a
/// `serviceAccountName`, at any depth (charts pass them into their pods as
/// they are).
pub(super) fn values_references(path: &str, values: &Value, ns: &str, out: &mut Vec<Reference>) {
    match values {
        Value::Object(map) => {
            if map.contains_key("env") || map.contains_key("envFrom") {
                env_references(path, values, ns, out);
            }
            if let Some(account) = map.get("serviceAccountName").and_then(Value::as_str) {
                out.push(reference(path, "values serviceAccountName", Kind::ServiceAccount, ns, account, None));
            }
            for (k, v) in map {
                if k != "env" && k != "envFrom" {
                    values_references(path, v, ns, out);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| values_references(path, v, ns, out)),
        _ => {}
    }
}

/// The variables a container gets from `env` (named) and `envFrom`
/// (every key of each Secret the tree holds), for a values fragment.
pub fn env_names(
    holder: &Value,
    ns: &str,
    held: &BTreeMap<(Kind, String, String), BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut names: BTreeSet<String> =
        items(holder, &["env"]).filter_map(|e| s(e, &["name"]).map(str::to_owned)).collect();
    for from in items(holder, &["envFrom"]) {
        for (kind, field) in [(Kind::Secret, "secretRef"), (Kind::ConfigMap, "configMapRef")] {
            if let Some(name) = from.get(field).and_then(|r| s(r, &["name"])) {
                let prefix = s(from, &["prefix"]).unwrap_or_default();
                let keys = held.get(&(kind, ns.to_owned(), name.to_owned())).into_iter().flatten();
                names.extend(keys.map(|k| format!("{prefix}{k}")));
            }
        }
    }
    names
}
