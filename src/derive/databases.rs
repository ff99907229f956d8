//! Objects of a database: its ServiceAccount, StatefulSet with a PVC
//! template, and Service, set up per engine.

use serde_json::{Value, json};

use super::object::Object;
use super::security::PodIdentity;
use super::workloads::{pod_spec, pvc_spec, resources, service, service_account, workload_labels, yes_no};
use crate::check::images::postgres_data;
use crate::check::secrets::{PASSWORD_KEY, credentials_secret};
use crate::check::{Database, Engine, ResolvedStack, Workload};

/// Data mount path, env and args of an engine.
pub(super) type EngineSetup = (&'static str, Vec<Value>, Vec<&'static str>);

pub(super) fn database(stack: &ResolvedStack, w: &Workload, db: &Database) -> Vec<Object> {
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
