//! Resolution of namespaces, workloads and the references between them:
//! connections, exposures, releases, secrets and storage classes.

use std::collections::{BTreeMap, BTreeSet};

use super::cluster::{invalid, label, printable, unique};
use super::connections::Targets;
use super::exposure::{exposure, metrics, port_exposure};
use super::names::{is_label_key, is_label_value, is_quantity};
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned, did_you_mean};
use crate::model::{self, AppSource, Stack};

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
    let mut workloads: Vec<Workload> = ns.apps.iter().filter_map(|app| self::app(stack, ns, app, d)).collect();
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

fn app(stack: &Stack, ns: &model::Namespace, app: &model::App, d: &mut Diagnostics) -> Option<Workload> {
    label(&app.name, "app", d);
    ports(&app.ports, d);
    resources(&app.resources, d);
    super::availability::check(app, d);
    let (pod_labels, object_name, kind) = match &app.source {
        AppSource::Image(image) => {
            if image.is_empty() || image.chars().any(|c| c.is_whitespace() || c.is_control()) {
                d.push(invalid(image.span, "a container image reference", image));
            }
            super::runtime::check_image_app(app, image, d);
            let mut app = app.clone();
            app.env.sort_by(|a, b| a.name.value.cmp(&b.name.value));
            app.volumes.sort_by(|a, b| a.name.value.cmp(&b.name.value));
            // A Job's name follows its spec; a CronJob's template may change in place.
            let object_name = match &app.run {
                Some(run) if run.schedule.is_none() => super::jobs::job_name(&stack.name, ns.mesh, &app),
                _ => app.name.value.clone(),
            };
            (identity_labels(&app.name), object_name, WorkloadKind::Image(Box::new(app)))
        }
        AppSource::Release { release, workload, pods, service_account, .. } => {
            if let Some(sa) = service_account {
                label(sa, "service account", d);
            }
            if !ns.releases.iter().any(|r| r.name.value == release.value) {
                let names: Vec<&str> = ns.releases.iter().map(|r| r.name.value.as_str()).collect();
                d.push(unknown_reference("release", release, &names));
            }
            label(workload, "workload", d);
            for (key, value) in &pods.value {
                if !is_label_key(key) || !is_label_value(value) {
                    d.push(invalid(pods.span, "a valid Kubernetes label", &format!("{key}={value}")));
                }
            }
            for (what, present) in [
                ("env", !app.env.is_empty()),
                ("volume", !app.volumes.is_empty()),
                ("command", !app.command.is_empty()),
            ] {
                if present {
                    d.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            app.name.span,
                            format!("`{what}` is set by the chart's values for release apps"),
                        )
                        .label("app from a release")
                        .help("put it in the release's `values { ... }`"),
                    );
                }
            }
            (pods.value.clone(), workload.value.clone(), WorkloadKind::Release { release: release.value.clone() })
        }
    };
    for env in &app.env {
        if env.name.is_empty()
            || !env.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            || env.name.starts_with(|c: char| c.is_ascii_digit())
        {
            d.push(invalid(env.name.span, "an environment variable name", &env.name));
        }
        if let model::EnvValue::Secret { secret, key } = &env.value {
            secret_key(ns, secret, key, d);
        }
    }
    unique(app.env.iter().map(|e| &e.name), "env var", d);
    unique(app.volumes.iter().map(|v| &v.name), "volume", d);
    for volume in &app.volumes {
        label(&volume.name, "volume", d);
        if !volume.mount.starts_with('/') {
            d.push(invalid(volume.mount.span, "an absolute mount path", &volume.mount));
        }
        if let Some(size) = &volume.size {
            quantity(size, d);
        }
        storage_class(stack, volume.storage_class.as_ref(), d);
    }
    if app.api_access && stack.cluster().api_server.is_none() {
        d.push(
            Diagnostic::error(Code::MissingValue, app.name.span, "`api-access` needs the API server's address")
                .label("needs the API server")
                .help("add `api-server \"10.0.0.10\" port=6443` to `cluster { ... }`"),
        );
    }
    let mut internet: Vec<(u16, Span)> =
        app.internet.iter().flat_map(|i| i.ports.iter().map(|p| (p.value, p.span))).collect();
    for (port, span) in &internet {
        if *port == 0 {
            d.push(invalid(*span, "a port from 1 to 65535", "0"));
        }
    }
    internet.sort_by_key(|(p, _)| *p);
    internet.dedup_by_key(|(p, _)| *p);
    let mut workload = Workload {
        name: app.name.value.clone(),
        namespace: ns.name.value.clone(),
        span: app.name.span,
        kind,
        pod_labels,
        object_name,
        ports: resolved_ports(&app.ports),
        connects: Vec::new(),
        exposes: Vec::new(),
        expose_ports: Vec::new(),
        api_access: app.api_access,
        internet,
        service_account: match &app.source {
            AppSource::Image(_) => Some(app.name.value.clone()),
            AppSource::Release { service_account, .. } => service_account.as_ref().map(|s| s.value.clone()),
        },
        metrics: None,
    };
    if let Some(m) = &app.metrics {
        workload.metrics = metrics(stack, &workload, m, d);
    }
    super::probes::check(app, &workload, d);
    super::files::check(ns, app, d);
    Some(workload)
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
fn identity_labels(name: &Spanned<String>) -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_owned(), name.value.clone())])
}

fn ports(ports: &[model::Port], d: &mut Diagnostics) {
    unique(ports.iter().map(|p| &p.name), "port", d);
    let mut numbers: BTreeMap<(u16, model::Protocol), Span> = BTreeMap::new();
    for port in ports {
        let name = port.name.value.as_str();
        let iana = !name.is_empty()
            && name.len() <= 15
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && name.chars().any(|c| c.is_ascii_lowercase())
            && !name.starts_with('-')
            && !name.ends_with('-')
            && !name.contains("--");
        if !iana {
            d.push(
                Diagnostic::error(
                    Code::InvalidName,
                    port.name.span,
                    format!("`{}` is not a valid port name", printable(name)),
                )
                .label("not an IANA service name")
                .help("use at most 15 lowercase letters, digits and single `-`, with at least one letter"),
            );
        }
        if port.number.value == 0 {
            d.push(invalid(port.number.span, "a port from 1 to 65535", "0"));
        }
        if let Some(first) = numbers.insert((port.number.value, port.protocol), port.number.span) {
            d.push(Diagnostic::duplicate(
                Code::DuplicateName,
                first,
                port.number.span,
                format!("port {} is declared twice", port.number.value),
            ));
        }
    }
}

pub(super) fn resolved_ports(ports: &[model::Port]) -> Vec<ResolvedPort> {
    let mut out: Vec<ResolvedPort> = ports
        .iter()
        .map(|p| ResolvedPort { name: p.name.value.clone(), number: p.number.value, protocol: p.protocol })
        .collect();
    out.sort();
    out
}

fn resources(r: &model::Resources, d: &mut Diagnostics) {
    for q in [&r.requests_cpu, &r.requests_memory, &r.limits_cpu, &r.limits_memory].into_iter().flatten() {
        quantity(q, d);
    }
}

fn quantity(q: &Spanned<String>, d: &mut Diagnostics) {
    if !is_quantity(q) {
        d.push(
            Diagnostic::error(
                Code::InvalidQuantity,
                q.span,
                format!("`{}` is not a Kubernetes quantity", printable(q)),
            )
            .label("invalid quantity")
            .help("write e.g. `500m`, `1`, `256Mi`, `10Gi`"),
        );
    }
}

fn storage_class(stack: &Stack, class: Option<&Spanned<String>>, d: &mut Diagnostics) -> Option<String> {
    let classes: Vec<&str> = stack.cluster().storage_classes.iter().map(|s| s.name.value.as_str()).collect();
    match class {
        Some(class) if classes.contains(&class.value.as_str()) => Some(class.value.clone()),
        Some(class) => {
            d.push(unknown_reference("storage class", class, &classes));
            None
        }
        None => stack.cluster().storage_classes.iter().find(|s| s.default).map(|s| s.name.value.clone()),
    }
}

pub(super) fn secret_key(ns: &model::Namespace, secret: &Spanned<String>, key: &Spanned<String>, d: &mut Diagnostics) {
    let secrets = super::secrets::with_implicit(ns);
    let names: Vec<&str> = secrets.iter().map(|s| s.name.value.as_str()).collect();
    let Some(decl) = secrets.iter().find(|s| s.name.value == secret.value) else {
        d.push(unknown_reference("secret", secret, &names).help(declare_secret(&ns.name.value, secret, key)));
        return;
    };
    if !decl.external && !decl.keys.iter().any(|k| k.name.value == key.value) {
        let keys: Vec<&str> = decl.keys.iter().map(|k| k.name.value.as_str()).collect();
        d.push(unknown_reference("secret key", key, &keys));
    }
}

/// How to declare the Secret `secret` that namespace `ns` reads. A pod reads
/// only Secrets of its own namespace, so `other/name` becomes a Secret of
/// `ns` that holds the same value.
fn declare_secret(ns: &str, secret: &Spanned<String>, key: &Spanned<String>) -> String {
    let key = printable(key);
    match secret.value.split_once('/') {
        Some((other, name)) if !other.is_empty() && !name.is_empty() && !name.contains('/') => {
            let (other, name) = (printable(other), printable(name));
            format!(
                "a pod reads only Secrets of its own namespace: declare `secret \"{name}\" {{ key \"{key}\" }}` in namespace `{ns}`, read it with `secret=\"{name}\"`, and store the same value in it:\n  stackc secrets show {other}/{name}\n  stackc secrets set {ns}/{name} {key}"
            )
        }
        _ => format!("declare it in namespace `{ns}`: `secret \"{}\" {{ key \"{key}\" }}`", printable(secret)),
    }
}

pub(super) fn unknown_reference(what: &str, name: &Spanned<String>, known: &[&str]) -> Diagnostic {
    let diagnostic =
        Diagnostic::error(Code::UnknownReference, name.span, format!("unknown {what} `{}`", printable(name)))
            .label(format!("no such {what}"));
    match did_you_mean(name, known.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None if known.is_empty() => diagnostic.help(format!("no {what} is declared here")),
        None => diagnostic.help(format!("declared: {}", known.join(", "))),
    }
}
