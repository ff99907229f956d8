//! Objects of an app from an image: its ServiceAccount, Deployment,
//! Service and PVCs.

use serde_json::{Map, Value, json};

use super::object::Object;
use super::security::PodIdentity;
use super::workloads::{
    default_class, ns_meshed, pod_spec, pvc_spec, resources, service, service_account, workload_labels,
};
use crate::check::{ResolvedStack, Workload};
use crate::diagnostic::Diagnostics;
use crate::model::{App, EnvValue};
use crate::secrets::SecretStore;

pub(super) fn image_app(
    stack: &ResolvedStack,
    w: &Workload,
    app: &App,
    store: &SecretStore,
    d: &mut Diagnostics,
) -> Vec<Object> {
    let labels = workload_labels(stack, w);
    let ns = Some(w.namespace.as_str());
    let mut out = vec![service_account(w, &labels)];
    let mut container = Map::new();
    container.insert("name".into(), json!(w.name));
    container.insert("image".into(), json!(app.source_image()));
    if !app.command.is_empty() {
        container.insert("command".into(), json!(app.command));
    }
    if !app.args.is_empty() {
        container.insert("args".into(), json!(app.args));
    }
    if !w.ports.is_empty() {
        let ports: Vec<Value> = w
            .ports
            .iter()
            .map(|p| json!({"name": p.name, "containerPort": p.number, "protocol": p.protocol.as_str()}))
            .collect();
        container.insert("ports".into(), Value::Array(ports));
    }
    if !app.env.is_empty() {
        let env: Vec<Value> = app
            .env
            .iter()
            .map(|e| match &e.value {
                EnvValue::Literal(v) => json!({"name": e.name.value, "value": v}),
                EnvValue::Secret { secret, key } => {
                    json!({"name": e.name.value, "valueFrom": {"secretKeyRef": {"name": secret.value, "key": key.value}}})
                }
            })
            .collect();
        container.insert("env".into(), Value::Array(env));
    }
    super::probes::insert(&mut container, w, &app.probes);
    container.insert("resources".into(), resources(&app.resources, ("50m", "64Mi"), ("500m", "256Mi")));
    let identity = PodIdentity::of_app(&app.security);
    container.insert("securityContext".into(), identity.container_context());
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    for v in &app.volumes {
        mounts.push(json!({"name": v.name.value, "mountPath": v.mount.value}));
        match &v.size {
            Some(size) => {
                let claim = format!("{}-{}", w.name, v.name.value);
                volumes.push(json!({"name": v.name.value, "persistentVolumeClaim": {"claimName": claim}}));
                let class = v.storage_class.as_ref().map(|c| c.value.clone()).or_else(|| default_class(stack));
                out.push(Object::new(
                    "v1",
                    "PersistentVolumeClaim",
                    &claim,
                    ns,
                    &labels,
                    json!({"spec": pvc_spec(&size.value, class.as_deref())}),
                    v.name.span,
                ));
            }
            None => volumes.push(json!({"name": v.name.value, "emptyDir": {}})),
        }
    }
    let files = super::config_files::files(w, app, &labels, store, d);
    mounts.extend(files.mounts);
    volumes.extend(files.volumes);
    out.extend(files.config_map);
    if !mounts.is_empty() {
        container.insert("volumeMounts".into(), Value::Array(mounts));
    }
    let mut pod = pod_spec(w, &identity, Value::Object(container), app.api_access);
    if !volumes.is_empty() {
        pod["volumes"] = Value::Array(volumes);
    }
    if let Some(run) = &app.run {
        let meshed = ns_meshed(stack, w);
        out.push(super::jobs::object(w, run, &labels, pod, files.hash, meshed));
        return out;
    }
    if let Some(spread) = super::availability::spread(w, app) {
        pod["topologySpreadConstraints"] = spread;
    }
    // The pod is moved in, not embedded: `json!` would copy it.
    let mut spec = json!({"spec": {
        "replicas": app.replicas.value,
        "selector": {"matchLabels": w.pod_labels},
        "template": {"metadata": {"labels": labels}, "spec": null},
    }});
    spec["spec"]["template"]["spec"] = pod;
    if let Some(hash) = files.hash {
        spec["spec"]["template"]["metadata"]["annotations"] = json!({super::config_files::HASH_ANNOTATION: hash});
    }
    out.push(Object::new("apps/v1", "Deployment", &w.object_name, ns, &labels, spec, w.span));
    out.extend(super::availability::budget(w, app, &labels));
    if !w.ports.is_empty() {
        out.push(service(w, &labels));
    }
    out
}

impl App {
    fn source_image(&self) -> &str {
        match &self.source {
            crate::model::AppSource::Image(image) => image,
            crate::model::AppSource::Release { .. } => "",
        }
    }
}
