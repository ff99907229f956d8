//! The controller of a `job` or `cronjob`: a Job named after its spec, or a
//! CronJob, around the hardened pod every image app gets. No Service and no
//! disruption budget: a job's pods take no traffic and run to completion.

use serde_json::{Map, Value, json};

use super::object::Object;
use crate::check::Workload;
use crate::model::Run;

/// Linkerd's pod annotation that injects the proxy as a native sidecar (an
/// init container with `restartPolicy: Always`), which the kubelet stops
/// once the job's container has exited, so the Job completes: linkerd/linkerd2
/// edge-25.10.7 `pkg/k8s/labels.go:293-294` (the `config.beta.linkerd.io`
/// prefix, `labels.go:131`), read by the injector in `pkg/inject/inject.go:375-385`,
/// rendered in `charts/partials/templates/_proxy.tpl:336-337`.
pub(super) const NATIVE_SIDECAR: &str = "config.beta.linkerd.io/proxy-enable-native-sidecar";

/// The Job or CronJob of `w` with pod spec `pod`. `files_hash` is the hash
/// of its ConfigMap, `meshed` whether its namespace injects the proxy.
pub(super) fn object(
    w: &Workload,
    run: &Run,
    labels: &Value,
    mut pod: Value,
    files_hash: Option<String>,
    meshed: bool,
) -> Object {
    // `Never`: a failed pod stays for its logs, and the Job starts a new one
    // (up to `backoffLimit`); `Always` is refused for a Job's pods.
    pod["restartPolicy"] = json!("Never");
    let mut annotations = Map::new();
    if meshed {
        annotations.insert(NATIVE_SIDECAR.into(), json!("true"));
    }
    // A Job's template is immutable and its name already follows its spec;
    // a CronJob's template changes in place, so it carries the files' hash
    // like a Deployment (each run reads the ConfigMap of its time).
    if let Some(hash) = files_hash.filter(|_| run.schedule.is_some()) {
        annotations.insert(super::config_files::HASH_ANNOTATION.into(), json!(hash));
    }
    let mut template = json!({"metadata": {"labels": labels}, "spec": null});
    if !annotations.is_empty() {
        template["metadata"]["annotations"] = Value::Object(annotations);
    }
    template["spec"] = pod;
    let mut job = Map::new();
    if let Some(limit) = run.backoff_limit {
        job.insert("backoffLimit".into(), json!(limit));
    }
    if let Some(deadline) = run.active_deadline {
        job.insert("activeDeadlineSeconds".into(), json!(deadline));
    }
    // No `ttlSecondsAfterFinished`: a Job deleted by its TTL while it is still
    // in Git is created again by the engine, and runs again
    // (docs/decisions/0014-jobs.md).
    job.insert("template".into(), template);
    let ns = Some(w.namespace.as_str());
    let Some(schedule) = &run.schedule else {
        return Object::new("batch/v1", "Job", &w.object_name, ns, labels, json!({"spec": job}), w.span);
    };
    let mut spec = Map::new();
    spec.insert("schedule".into(), json!(schedule.cron.value));
    if let Some(zone) = &schedule.time_zone {
        spec.insert("timeZone".into(), json!(zone.value));
    }
    spec.insert("concurrencyPolicy".into(), json!(schedule.concurrency.as_str()));
    if schedule.suspend {
        spec.insert("suspend".into(), json!(true));
    }
    if let Some(deadline) = schedule.starting_deadline {
        spec.insert("startingDeadlineSeconds".into(), json!(deadline));
    }
    if let Some(kept) = schedule.successful_history {
        spec.insert("successfulJobsHistoryLimit".into(), json!(kept));
    }
    if let Some(kept) = schedule.failed_history {
        spec.insert("failedJobsHistoryLimit".into(), json!(kept));
    }
    spec.insert("jobTemplate".into(), json!({"metadata": {"labels": labels}, "spec": job}));
    Object::new("batch/v1", "CronJob", &w.object_name, ns, labels, json!({"spec": spec}), w.span)
}
