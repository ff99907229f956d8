//! Resolution of one app into a `Workload`: its source, ports, resources,
//! env Secrets, volumes, metrics and files.

use super::cluster::{invalid, label, unique};
use super::containers::{ports, quantity, resolved_ports, resources};
use super::exposure::metrics;
use super::names::{is_label_key, is_label_value};
use super::references::{secret_key, storage_class, unknown_reference};
use super::types::*;
use super::workloads::identity_labels;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use crate::model::{self, AppSource, Stack};

pub(super) fn app(stack: &Stack, ns: &model::Namespace, app: &model::App, d: &mut Diagnostics) -> Option<Workload> {
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
