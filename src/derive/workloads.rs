//! Objects of an app namespace: the Namespace, and per workload its
//! ServiceAccount, Deployment or StatefulSet, Service and PVCs, or the Helm
//! release that creates it.

use serde_json::{Map, Value, json};

use super::helm::HelmChart;
use super::object::Object;
use super::platform::{common_labels, namespace};
use super::security::PodIdentity;
use crate::check::images::postgres_data;
use crate::check::secrets::{PASSWORD_KEY, credentials_secret};
use crate::check::{Database, Engine, Namespace, ResolvedStack, Workload, WorkloadKind};
use crate::diagnostic::Diagnostics;
use crate::model::{App, EnvValue, Resources};
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
fn workload_labels(stack: &ResolvedStack, w: &Workload) -> Value {
    let mut labels = common_labels(stack);
    if let Some(map) = labels.as_object_mut() {
        for (k, v) in &w.pod_labels {
            map.insert(k.clone(), json!(v));
        }
    }
    labels
}

fn image_app(stack: &ResolvedStack, w: &Workload, app: &App, store: &SecretStore, d: &mut Diagnostics) -> Vec<Object> {
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

/// Data mount path, env and args of an engine.
pub(super) type EngineSetup = (&'static str, Vec<Value>, Vec<&'static str>);

fn database(stack: &ResolvedStack, w: &Workload, db: &Database) -> Vec<Object> {
    let labels = workload_labels(stack, w);
    let ns = Some(w.namespace.as_str());
    let port = db.engine.port();
    let facts = db.engine.image_facts();
    let identity = PodIdentity::of_image(facts);
    let (data_path, mut env, args): EngineSetup = match db.engine {
        Engine::Postgresql { major } => {
            let secret = json!({"secretKeyRef": {"name": credentials_secret(&w.name), "key": PASSWORD_KEY}});
            let (mount, pgdata) = postgres_data(major);
            let env = vec![
                json!({"name": "PGDATA", "value": pgdata}),
                json!({"name": "POSTGRES_PASSWORD", "valueFrom": secret}),
            ];
            (mount, env, Vec::new())
        }
        Engine::Redis { aof, password: false } => ("/data", Vec::new(), vec!["--appendonly", yes_no(aof)]),
        Engine::Redis { aof, password: true } => super::redis_auth::server(&w.name, aof),
    };
    // Every other path the image writes gets an emptyDir.
    let scratch: Vec<(&str, &str)> =
        facts.writable.iter().filter(|p| p.path != data_path).map(|p| (p.volume, p.path)).collect();
    env.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let mut mounts = vec![json!({"name": "data", "mountPath": data_path})];
    mounts.extend(scratch.iter().map(|(name, path)| json!({"name": name, "mountPath": path})));
    let mut container = json!({
        "name": w.name,
        "image": db.image,
        "ports": [{"name": port.name, "containerPort": port.number, "protocol": port.protocol.as_str()}],
        // An exec probe runs inside the container: it needs no path through
        // NetworkPolicy or Linkerd's default-deny Server.
        "readinessProbe": {"exec": {"command": db.engine.probe()}, "periodSeconds": 10},
        "resources": resources(&db.decl.resources, ("100m", "256Mi"), ("1", "1Gi")),
        "securityContext": identity.container_context(),
        "volumeMounts": mounts,
    });
    if !env.is_empty() {
        container["env"] = Value::Array(env);
    }
    if !args.is_empty() {
        container["args"] = json!(args);
    }
    let mut pod = pod_spec(w, &identity, container, false);
    if !scratch.is_empty() {
        pod["volumes"] =
            json!(scratch.iter().map(|(name, _)| json!({"name": name, "emptyDir": {}})).collect::<Vec<_>>());
    }
    let claim = json!({"metadata": {"name": "data"}, "spec": pvc_spec(&db.decl.size, db.storage_class.as_deref())});
    let mut spec = json!({"spec": {
        "serviceName": w.name,
        "replicas": 1,
        "selector": {"matchLabels": w.pod_labels},
        "template": {"metadata": {"labels": labels}, "spec": null},
        "volumeClaimTemplates": [claim],
    }});
    spec["spec"]["template"]["spec"] = pod;
    vec![
        service_account(w, &labels),
        Object::new("apps/v1", "StatefulSet", &w.object_name, ns, &labels, spec, w.span),
        service(w, &labels),
    ]
}

/// Whether the workload's pods get the Linkerd proxy.
fn ns_meshed(stack: &ResolvedStack, w: &Workload) -> bool {
    stack.platform.linkerd.is_some() && stack.namespaces.iter().any(|n| n.name == w.namespace && n.mesh)
}

fn yes_no(on: bool) -> &'static str {
    if on { "yes" } else { "no" }
}

fn service_account(w: &Workload, labels: &Value) -> Object {
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

fn service(w: &Workload, labels: &Value) -> Object {
    let ports: Vec<Value> = w
        .ports
        .iter()
        .map(|p| json!({"name": p.name, "port": p.number, "targetPort": p.name, "protocol": p.protocol.as_str()}))
        .collect();
    let spec = json!({"spec": {"type": "ClusterIP", "selector": w.pod_labels, "ports": ports}});
    Object::new("v1", "Service", &w.name, Some(&w.namespace), labels, spec, w.span)
}

fn pod_spec(w: &Workload, identity: &PodIdentity, container: Value, api_access: bool) -> Value {
    json!({
        "serviceAccountName": w.name,
        "automountServiceAccountToken": api_access,
        "securityContext": identity.pod_context(),
        "containers": [container],
    })
}

fn resources(r: &Resources, requests: (&str, &str), limits: (&str, &str)) -> Value {
    let pick = |v: &Option<crate::diagnostic::Spanned<String>>, default: &str| {
        v.as_ref().map_or_else(|| default.to_owned(), |s| s.value.clone())
    };
    json!({
        "requests": {"cpu": pick(&r.requests_cpu, requests.0), "memory": pick(&r.requests_memory, requests.1)},
        "limits": {"cpu": pick(&r.limits_cpu, limits.0), "memory": pick(&r.limits_memory, limits.1)},
    })
}

fn pvc_spec(size: &str, class: Option<&str>) -> Value {
    let mut spec = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}});
    if let Some(class) = class {
        spec["storageClassName"] = json!(class);
    }
    spec
}

fn default_class(stack: &ResolvedStack) -> Option<String> {
    stack.cluster.storage_classes.iter().find(|s| s.default).map(|s| s.name.value.clone())
}

impl App {
    fn source_image(&self) -> &str {
        match &self.source {
            crate::model::AppSource::Image(image) => image,
            crate::model::AppSource::Release { .. } => "",
        }
    }
}
