//! Objects of an app namespace: the Namespace, and per workload its
//! ServiceAccount, Deployment or StatefulSet, Service and PVCs, or the Helm
//! release that creates it. Image apps are built in `image_apps`, databases
//! in `databases`; the pieces they share (labels, ServiceAccount, Service,
//! pod spec, resources, PVCs) are here.

use serde_json::{Value, json};

use super::databases::database;
use super::helm::HelmChart;
use super::image_apps::image_app;
use super::object::Object;
use super::platform::{common_labels, namespace};
use super::security::PodIdentity;
use crate::check::{Namespace, ResolvedStack, Workload, WorkloadKind};
use crate::diagnostic::Diagnostics;
use crate::model::Resources;
use crate::secrets::SecretStore;

/// The Namespace object of an app namespace.
pub(super) fn namespace_object(stack: &ResolvedStack, ns: &Namespace) -> Object {
    let labels = common_labels(stack);
    let namespace_object = namespace(&ns.name, &labels, ns.mesh.then_some("enabled"), ns.span);
    match &stack.platform.linkerd {
        // The stack's default inbound policy, on the namespace itself too.
        Some(linkerd) if ns.mesh => namespace_object.annotated(json!({
            "linkerd.io/inject": "enabled",
            "config.linkerd.io/default-inbound-policy": linkerd.inbound.value.as_str(),
        })),
        _ => namespace_object,
    }
}

/// The workloads of an app namespace (its Namespace is [`namespace_object`]).
/// Project files come from `store`; one that could not be read is reported in `d`.
pub(super) fn objects(stack: &ResolvedStack, ns: &Namespace, store: &SecretStore, d: &mut Diagnostics) -> Vec<Object> {
    let mut out = Vec::new();
    for w in &ns.workloads {
        match &w.kind {
            WorkloadKind::Image(app) => out.extend(image_app(stack, w, app, store, d)),
            WorkloadKind::Database(db) => out.extend(database(stack, w, db)),
            WorkloadKind::Release { .. } => {}
        }
    }
    out
}

/// The Helm releases of an app namespace.
pub(super) fn charts(stack: &ResolvedStack, ns: &Namespace) -> Vec<HelmChart> {
    ns.releases
        .iter()
        .map(|release| HelmChart {
            name: release.name.value.clone(),
            namespace: ns.name.clone(),
            chart: release.chart.value.clone(),
            repository: release.repository.value.clone(),
            url: stack
                .helm_repositories
                .iter()
                .find(|r| r.name.value == release.repository.value)
                .map(|r| r.url.value.clone())
                .unwrap_or_default(),
            version: release.version.value.clone(),
            values: release.values.clone(),
            depends_on: Vec::new(),
            secret_values: Vec::new(),
            origin: release.name.span,
        })
        .collect()
}

/// Labels of a workload's objects: the pod identity plus the common ones.
pub(super) fn workload_labels(stack: &ResolvedStack, w: &Workload) -> Value {
    let mut labels = common_labels(stack);
    if let Some(map) = labels.as_object_mut() {
        for (k, v) in &w.pod_labels {
            map.insert(k.clone(), json!(v));
        }
    }
    labels
}

/// Whether the workload's pods get the Linkerd proxy.
pub(super) fn ns_meshed(stack: &ResolvedStack, w: &Workload) -> bool {
    stack.platform.linkerd.is_some() && stack.namespaces.iter().any(|n| n.name == w.namespace && n.mesh)
}

pub(super) fn yes_no(on: bool) -> &'static str {
    if on { "yes" } else { "no" }
}

pub(super) fn service_account(w: &Workload, labels: &Value) -> Object {
    Object::new(
        "v1",
        "ServiceAccount",
        &w.name,
        Some(&w.namespace),
        labels,
        json!({"automountServiceAccountToken": false}),
        w.span,
    )
}

pub(super) fn service(w: &Workload, labels: &Value) -> Object {
    let ports: Vec<Value> = w
        .ports
        .iter()
        .map(|p| json!({"name": p.name, "port": p.number, "targetPort": p.name, "protocol": p.protocol.as_str()}))
        .collect();
    let spec = json!({"spec": {"type": "ClusterIP", "selector": w.pod_labels, "ports": ports}});
    Object::new("v1", "Service", &w.name, Some(&w.namespace), labels, spec, w.span)
}

pub(super) fn pod_spec(w: &Workload, identity: &PodIdentity, container: Value, api_access: bool) -> Value {
    json!({
        "serviceAccountName": w.name,
        "automountServiceAccountToken": api_access,
        "securityContext": identity.pod_context(),
        "containers": [container],
    })
}

pub(super) fn resources(r: &Resources, requests: (&str, &str), limits: (&str, &str)) -> Value {
    let pick = |v: &Option<crate::diagnostic::Spanned<String>>, default: &str| {
        v.as_ref().map_or_else(|| default.to_owned(), |s| s.value.clone())
    };
    json!({
        "requests": {"cpu": pick(&r.requests_cpu, requests.0), "memory": pick(&r.requests_memory, requests.1)},
        "limits": {"cpu": pick(&r.limits_cpu, limits.0), "memory": pick(&r.limits_memory, limits.1)},
    })
}

pub(super) fn pvc_spec(size: &str, class: Option<&str>) -> Value {
    let mut spec = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}});
    if let Some(class) = class {
        spec["storageClassName"] = json!(class);
    }
    spec
}

pub(super) fn default_class(stack: &ResolvedStack) -> Option<String> {
    stack.cluster.storage_classes.iter().find(|s| s.default).map(|s| s.name.value.clone())
}
