//! The reviewable facts of a stack, as `(subject, fact) → value` maps that
//! two versions compare key by key: each workload's image, replicas, env,
//! resources, volumes and sizes, ports, command, security, chart and
//! values; each Secret's keys. A fact only one version has compares with
//! `(none)`.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{ResolvedStack, Workload, WorkloadKind};
use crate::diagnostic::Spanned;
use crate::model::{self, AppSource, EnvValue, PortRef, Resources};

/// Facts of one subject (`fact name → value`).
pub type Facts = BTreeMap<String, String>;

/// What stands for a fact one version does not have.
pub const NONE: &str = "(none)";

/// Each workload's facts, by `namespace/name`.
pub fn workloads(s: &ResolvedStack) -> BTreeMap<String, Facts> {
    let mut out = BTreeMap::new();
    for ns in &s.namespaces {
        for w in &ns.workloads {
            let mut facts = Facts::new();
            match &w.kind {
                WorkloadKind::Image(app) => app_facts(&mut facts, app),
                WorkloadKind::Database(db) => {
                    facts.insert("image".to_owned(), db.image.clone());
                    facts.insert("size".to_owned(), db.decl.size.value.clone());
                    facts.insert("version".to_owned(), db.decl.version.value.clone());
                    opt(&mut facts, "storage-class", db.storage_class.clone());
                    opt(&mut facts, "persistence", db.decl.persistence.as_ref().map(|p| p.value.clone()));
                    resources(&mut facts, &db.decl.resources);
                }
                WorkloadKind::Release { release } => {
                    if let Some(r) = ns.releases.iter().find(|r| &r.name.value == release) {
                        facts.insert("chart".to_owned(), format!("{} {}", r.chart.value, r.version.value));
                        facts.insert("values".to_owned(), r.values.to_string());
                    }
                }
            }
            common(&mut facts, w);
            out.insert(format!("{}/{}", ns.name, w.name), facts);
        }
    }
    out
}

/// Each Secret's facts (its keys, external or not), by `namespace/name`.
pub fn secrets(s: &ResolvedStack) -> BTreeMap<String, Facts> {
    let mut out = BTreeMap::new();
    for ns in &s.namespaces {
        for secret in &ns.secrets {
            let mut facts = Facts::new();
            for key in &secret.keys {
                let how = if key.generated { "generated" } else { "set by hand" };
                facts.insert(format!("key {}", key.name.value), how.to_owned());
            }
            if secret.external {
                facts.insert("external".to_owned(), "yes".to_owned());
            }
            out.insert(format!("{}/{}", ns.name, secret.name.value), facts);
        }
    }
    out
}

/// `(subject, fact, old, new)` for every fact that differs between subjects
/// both versions have.
pub fn changed(old: &BTreeMap<String, Facts>, new: &BTreeMap<String, Facts>) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for (id, new_facts) in new {
        let Some(old_facts) = old.get(id) else { continue };
        let keys: BTreeSet<&String> = old_facts.keys().chain(new_facts.keys()).collect();
        for key in keys {
            let (a, b) = (old_facts.get(key), new_facts.get(key));
            if a != b {
                let show = |v: Option<&String>| v.cloned().unwrap_or_else(|| NONE.to_owned());
                out.push((id.clone(), key.clone(), show(a), show(b)));
            }
        }
    }
    out
}

fn app_facts(facts: &mut Facts, app: &model::App) {
    if let AppSource::Image(image) = &app.source {
        facts.insert("image".to_owned(), image.value.clone());
    }
    facts.insert("replicas".to_owned(), app.replicas.value.to_string());
    for env in &app.env {
        let value = match &env.value {
            EnvValue::Literal(v) => format!("{v:?}"),
            EnvValue::Secret { secret, key } => format!("secret {} key {}", secret.value, key.value),
        };
        facts.insert(format!("env {}", env.name.value), value);
    }
    resources(facts, &app.resources);
    for v in &app.volumes {
        let what = v.size.as_ref().map_or_else(|| "emptyDir".to_owned(), |s| format!("PVC {}", s.value));
        let class = v.storage_class.as_ref().map(|c| format!(", class {}", c.value)).unwrap_or_default();
        facts.insert(format!("volume {}", v.name.value), format!("{} at {}{class}", what, v.mount.value));
    }
    list(facts, "command", &app.command);
    list(facts, "args", &app.args);
    let sec = &app.security;
    let id = |v: &Option<Spanned<i64>>| v.as_ref().map_or_else(|| "default".to_owned(), |s| s.value.to_string());
    facts.insert(
        "security".to_owned(),
        format!(
            "user {}, group {}, fsGroup {}, image user {}, read-only root {}, non-root {}",
            id(&sec.run_as_user),
            id(&sec.run_as_group),
            id(&sec.fs_group),
            sec.trusts_image_user(),
            sec.read_only_root_filesystem,
            sec.run_as_non_root
        ),
    );
    if let Some(m) = &app.metrics {
        let port = match &m.port.value {
            PortRef::Name(n) => n.clone(),
            PortRef::Number(n) => n.to_string(),
        };
        facts.insert("metrics".to_owned(), format!("port {port} path {} every {}", m.path.value, m.interval.value));
    }
}

/// Facts every kind of workload has: ports and ServiceAccount.
fn common(facts: &mut Facts, w: &Workload) {
    for p in &w.ports {
        facts.insert(format!("port {}", p.name), format!("{} {}", p.number, p.protocol.as_str()));
    }
    opt(facts, "service-account", w.service_account.clone());
}

fn resources(facts: &mut Facts, r: &Resources) {
    for (name, value) in [
        ("requests.cpu", &r.requests_cpu),
        ("requests.memory", &r.requests_memory),
        ("limits.cpu", &r.limits_cpu),
        ("limits.memory", &r.limits_memory),
    ] {
        opt(facts, &format!("resources {name}"), value.as_ref().map(|v| v.value.clone()));
    }
}

fn list(facts: &mut Facts, name: &str, items: &[String]) {
    if !items.is_empty() {
        facts.insert(name.to_owned(), format!("{items:?}"));
    }
}

fn opt(facts: &mut Facts, name: &str, value: Option<String>) {
    if let Some(v) = value {
        facts.insert(name.to_owned(), v);
    }
}
