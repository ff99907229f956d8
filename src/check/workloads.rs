//! Resolution of namespaces and their databases; apps are resolved in
//! `apps`, the references between them in `references`.

use std::collections::{BTreeMap, BTreeSet};

use super::apps;
use super::cluster::{invalid, label, unique};
use super::connections::Targets;
use super::containers::{quantity, resources};
use super::exposure::{exposure, port_exposure};
use super::references::{storage_class, unknown_reference};
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::{self, Stack};

pub(super) fn resolve(stack: &Stack, d: &mut Diagnostics) -> Vec<Namespace> {
    unique(stack.namespaces.iter().map(|n| &n.name), "namespace", d);
    let mut namespaces: Vec<Namespace> = stack.namespaces.iter().map(|ns| namespace(stack, ns, d)).collect();
    namespaces.sort_by(|a, b| a.name.cmp(&b.name));
    namespaces.dedup_by(|a, b| a.name == b.name);
    let targets = Targets::new(&namespaces);
    let mut hosts = super::hosts::Hosts::default();
    let mut entries = BTreeMap::new();
    let mut resolved = Vec::new();
    for ns_decl in &stack.namespaces {
        for app in &ns_decl.apps {
            let connects: Vec<Connection> =
                app.connects.iter().filter_map(|c| targets.connection(&ns_decl.name, c, d)).collect();
            let exposes =
                app.exposes.iter().filter_map(|e| exposure(stack, &ns_decl.name, app, e, &mut hosts, d)).collect();
            let ports: Vec<PortExposure> =
                app.expose_ports.iter().filter_map(|e| port_exposure(stack, app, e, &mut entries, d)).collect();
            resolved.push((ns_decl.name.value.clone(), app.name.value.clone(), connects, exposes, ports));
        }
    }
    for (ns, app, mut connects, exposes, ports) in resolved {
        let Some(workload) =
            namespaces.iter_mut().find(|n| n.name == ns).and_then(|n| n.workloads.iter_mut().find(|w| w.name == app))
        else {
            continue;
        };
        connects.sort();
        connects.dedup_by(|a, b| {
            (&a.namespace, &a.workload, a.port, a.protocol) == (&b.namespace, &b.workload, b.port, b.protocol)
        });
        workload.connects = connects;
        workload.exposes = exposes;
        workload.expose_ports = ports;
    }
    for ns in &mut namespaces {
        for w in &mut ns.workloads {
            w.exposes.sort_by(|a, b| a.host.cmp(&b.host));
        }
    }
    mesh_identities(&namespaces, d);
    namespaces
}

/// A meshed release app that opens connections to meshed workloads must
/// say which ServiceAccount the chart runs it as: Linkerd authorizes by it.
fn mesh_identities(namespaces: &[Namespace], d: &mut Diagnostics) {
    let meshed: BTreeSet<&str> = namespaces.iter().filter(|n| n.mesh).map(|n| n.name.as_str()).collect();
    for ns in namespaces.iter().filter(|n| n.mesh) {
        for w in &ns.workloads {
            let to_mesh = w.connects.iter().any(|c| meshed.contains(c.namespace.as_str()));
            if w.service_account.is_none() && to_mesh {
                d.push(
                    Diagnostic::error(
                        Code::Unenforceable,
                        w.span,
                        format!("`{}` connects to meshed workloads, but its ServiceAccount is unknown", w.name),
                    )
                    .label("identity unknown")
                    .help("Linkerd authorizes clients by ServiceAccount: add `service-account=\"<the chart's ServiceAccount>\"`"),
                );
            }
        }
    }
}

fn namespace(stack: &Stack, ns: &model::Namespace, d: &mut Diagnostics) -> Namespace {
    label(&ns.name, "namespace", d);
    if ns.mesh && stack.platform.linkerd.is_none() {
        d.push(
            Diagnostic::error(Code::MissingPlatform, ns.name.span, "a meshed namespace needs Linkerd")
                .label("mesh=#true")
                .help("add `linkerd` to `platform { ... }`, or drop `mesh=#true`"),
        );
    }
    let known: Vec<&str> = stack.namespaces.iter().map(|n| n.name.value.as_str()).collect();
    let mut depends_on = BTreeSet::new();
    for dep in &ns.depends_on {
        if dep.value == ns.name.value {
            d.push(
                Diagnostic::error(Code::DependencyCycle, dep.span, "a namespace cannot depend on itself")
                    .label("itself"),
            );
        } else if known.contains(&dep.value.as_str()) {
            depends_on.insert(dep.value.clone());
        } else {
            d.push(unknown_reference("namespace", dep, &known));
        }
    }
    unique(ns.releases.iter().map(|r| &r.name), "release", d);
    let repositories: Vec<&str> = stack.helm_repositories.iter().map(|r| r.name.value.as_str()).collect();
    for release in &ns.releases {
        label(&release.name, "release", d);
        if !repositories.contains(&release.repository.value.as_str()) {
            d.push(unknown_reference("helm repository", &release.repository, &repositories));
        }
    }
    unique(ns.secrets.iter().map(|s| &s.name), "secret", d);
    for secret in &ns.secrets {
        label(&secret.name, "secret", d);
        unique(secret.keys.iter().map(|k| &k.name), "secret key", d);
        for key in &secret.keys {
            if key.name.is_empty()
                || !key.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                d.push(invalid(key.name.span, "a Secret key (letters, digits, `-`, `_`, `.`)", &key.name));
            }
        }
    }
    unique(ns.apps.iter().map(|a| &a.name).chain(ns.databases.iter().map(|db| &db.name)), "workload", d);
    let mut workloads: Vec<Workload> = ns.apps.iter().filter_map(|app| apps::app(stack, ns, app, d)).collect();
    workloads.extend(ns.databases.iter().filter_map(|db| database(stack, ns, db, d)));
    workloads.sort_by(|a, b| a.name.cmp(&b.name));
    let mut releases = ns.releases.clone();
    releases.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    super::identity::bind_service_accounts(ns, &mut releases, d);
    super::secrets::check_credentials(ns, d);
    let mut secrets = super::secrets::with_implicit(ns);
    secrets.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    for secret in &mut secrets {
        secret.keys.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    }
    Namespace {
        name: ns.name.value.clone(),
        span: ns.name.span,
        mesh: ns.mesh,
        backup_schedule: super::velero::namespace_schedule(stack, ns, d),
        depends_on: depends_on.into_iter().collect(),
        releases,
        workloads,
        secrets,
    }
}

fn database(stack: &Stack, ns: &model::Namespace, db: &model::Database, d: &mut Diagnostics) -> Option<Workload> {
    label(&db.name, "database", d);
    quantity(&db.size, d);
    resources(&db.resources, d);
    let class = storage_class(stack, db.storage_class.as_ref(), d);
    let mut resolved = super::databases::resolve(db, d)?;
    resolved.storage_class = class;
    let port = resolved.engine.port();
    Some(Workload {
        name: db.name.value.clone(),
        namespace: ns.name.value.clone(),
        span: db.name.span,
        pod_labels: identity_labels(&db.name),
        object_name: db.name.value.clone(),
        ports: vec![port],
        kind: WorkloadKind::Database(Box::new(resolved)),
        connects: Vec::new(),
        exposes: Vec::new(),
        expose_ports: Vec::new(),
        api_access: false,
        internet: Vec::new(),
        service_account: Some(db.name.value.clone()),
        metrics: None,
    })
}

/// The labels stackc puts on the pods it creates, and selects them by.
pub(super) fn identity_labels(name: &Spanned<String>) -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.value.clone())])
}
