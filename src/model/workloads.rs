//! Lowering of a `namespace` and what it holds: releases, apps, databases
//! and secrets.

use super::lower::{integer_args, labels, one_of, string_args};
use super::reader::{ID, PORT, REPLICAS, Reader, integer, missing, string};
use super::types::*;
use super::values::values;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::syntax::{Node, Scalar};

pub(super) fn namespace(node: &Node, d: &mut Diagnostics) -> Option<Namespace> {
    let r = Reader::new(
        node,
        1,
        &["mesh", "backup", "backup-schedule"],
        &["depends-on", "release", "app", "database", "job", "cronjob", "secret"],
        d,
    );
    let name = r.arg_string(0, "name", d);
    let mesh = r.bool("mesh", false, d);
    let backup = r.bool("backup", true, d);
    let backup_schedule = r.string("backup-schedule", d);
    let depends_on = r
        .children("depends-on")
        .flat_map(|n| {
            Reader::new(n, usize::MAX, &[], &[], d);
            n.args.iter().filter_map(|a| string(&a.value, a.span, d)).collect::<Vec<_>>()
        })
        .collect();
    let releases = r.children("release").filter_map(|n| release(n, d)).collect();
    let apps = r.children("app").filter_map(|n| app(n, d)).collect();
    let databases = r.children("database").filter_map(|n| database(n, d)).collect();
    let jobs = r.children("job").filter_map(|n| super::jobs::job(n, d)).collect();
    let cronjobs = r.children("cronjob").filter_map(|n| super::jobs::cronjob(n, d)).collect();
    let secrets = r.children("secret").filter_map(|n| secret(n, d)).collect();
    Some(Namespace {
        name: name?,
        mesh,
        backup,
        backup_schedule,
        depends_on,
        releases,
        apps,
        databases,
        jobs,
        cronjobs,
        secrets,
    })
}

fn release(node: &Node, d: &mut Diagnostics) -> Option<Release> {
    let r = Reader::new(node, 1, &["chart", "repository", "version"], &["values"], d);
    let values = r.child("values", d).map_or_else(|| serde_json::json!({}), |n| values(n, d));
    Some(Release {
        name: r.arg_string(0, "name", d)?,
        chart: r.required_string("chart", d)?,
        repository: r.required_string("repository", d)?,
        version: r.required_string("version", d)?,
        values,
    })
}

const APP_CHILDREN: &[&str] = &[
    "pods",
    "port",
    "expose",
    "expose-port",
    "connects-to",
    "resources",
    "env",
    "volume",
    "security",
    "internet",
    "metrics",
    "command",
    "args",
    "readiness",
    "liveness",
    "startup",
    "file",
    "availability",
];

fn app(node: &Node, d: &mut Diagnostics) -> Option<App> {
    let r = Reader::new(
        node,
        1,
        &["image", "release", "workload", "service-account", "service-account-value", "replicas", "api-access"],
        APP_CHILDREN,
        d,
    );
    let name = r.arg_string(0, "name", d);
    let source = app_source(&r, d);
    let replicas = r.integer("replicas", REPLICAS, d).unwrap_or_else(|| Spanned::new(1, node.name_span));
    let ports = r.children("port").filter_map(|n| port(n, d)).collect();
    let exposes = r.children("expose").filter_map(|n| expose(n, d)).collect();
    let expose_ports = r.children("expose-port").filter_map(|n| expose_port(n, d)).collect();
    let connects = r.children("connects-to").filter_map(|n| connect(n, d)).collect();
    let resources = r.child("resources", d).map(|n| resources(n, d)).unwrap_or_default();
    let env = r.children("env").filter_map(|n| env(n, d)).collect();
    let volumes = r.children("volume").filter_map(|n| volume(n, d)).collect();
    let security = r.child("security", d).map(|n| security(n, d)).unwrap_or_default();
    let internet = internet(&r, d);
    let command = r.child("command", d).map(|n| string_args(n, d)).unwrap_or_default();
    let args = r.child("args", d).map(|n| string_args(n, d)).unwrap_or_default();
    let availability = r.child("availability", d).map(|n| super::availability::availability(n, d));
    Some(App {
        name: name?,
        source: source?,
        replicas,
        ports,
        exposes,
        expose_ports,
        connects,
        resources,
        env,
        volumes,
        security,
        api_access: r.bool("api-access", false, d),
        metrics: r.child("metrics", d).and_then(|n| metrics(n, d)),
        internet,
        command,
        args,
        files: r.children("file").filter_map(|n| super::files::file(n, d)).collect(),
        probes: super::probes::probes(&r, d),
        availability,
        run: None,
    })
}

/// `internet 443 80` nodes.
pub(super) fn internet(r: &Reader<'_>, d: &mut Diagnostics) -> Vec<InternetEgress> {
    r.children("internet")
        .map(|n| {
            Reader::new(n, usize::MAX, &[], &[], d);
            let ports = integer_args(n, PORT, d);
            if n.args.is_empty() {
                d.push(missing(n, "at least one port, e.g. `internet 443`"));
            }
            InternetEgress { ports, span: n.name_span }
        })
        .collect()
}

fn app_source(r: &Reader<'_>, d: &mut Diagnostics) -> Option<AppSource> {
    let image = r.string("image", d);
    let release = r.string("release", d);
    let pods = r.child("pods", d);
    match (image, release) {
        (Some(image), None) => {
            for key in ["workload", "service-account", "service-account-value"] {
                if let Some((_, span)) = r.prop(key) {
                    d.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            span,
                            format!("`{key}` is only for apps from a `release`"),
                        )
                        .label("not with `image`"),
                    );
                }
            }
            if let Some(pods) = pods {
                d.push(
                    Diagnostic::error(Code::InvalidValue, pods.name_span, "`pods` is only for apps from a `release`")
                        .label("not with `image`")
                        .help("stackc labels the pods of image apps itself"),
                );
            }
            Some(AppSource::Image(image))
        }
        (None, Some(release)) => {
            let workload = r.required_string("workload", d);
            let Some(pods) = pods else {
                d.push(
                    missing(r.node, "a `pods` node with the labels the chart puts on these pods")
                        .help("e.g. `pods \"app.kubernetes.io/name\"=\"authentik\" \"app.kubernetes.io/component\"=\"server\"`; without them no policy can select the pods"),
                );
                return None;
            };
            let service_account = r.string("service-account", d);
            let service_account_value = r.string("service-account-value", d);
            Some(AppSource::Release {
                release,
                workload: workload?,
                pods: labels(pods, d),
                service_account,
                service_account_value,
            })
        }
        (Some(_), Some(release)) => {
            d.push(
                Diagnostic::error(Code::InvalidValue, release.span, "an app has either `image` or `release`, not both")
                    .label("second source"),
            );
            None
        }
        (None, None) => {
            d.push(missing(r.node, "`image=\"...\"` or `release=\"...\"`"));
            None
        }
    }
}

fn port(node: &Node, d: &mut Diagnostics) -> Option<Port> {
    let r = Reader::new(node, 2, &["protocol"], &[], d);
    let name = r.arg_string(0, "name", d);
    let number = match r.arg(1) {
        Some((value, span)) => integer::<u16>(value, span, PORT, d),
        None => {
            d.push(missing(node, "a port number, e.g. `port \"http\" 8080`"));
            None
        }
    };
    let protocol = protocol(&r, d);
    Some(Port { name: name?, number: number?, protocol: protocol? })
}

fn protocol(r: &Reader<'_>, d: &mut Diagnostics) -> Option<Protocol> {
    match r.string("protocol", d) {
        None => Some(Protocol::Tcp),
        Some(s) => match s.value.as_str() {
            "TCP" | "tcp" => Some(Protocol::Tcp),
            "UDP" | "udp" => Some(Protocol::Udp),
            other => {
                d.push(one_of(s.span, "protocol", other, &["TCP", "UDP"]));
                None
            }
        },
    }
}

pub(super) fn port_ref(value: &Scalar, span: crate::diagnostic::Span, d: &mut Diagnostics) -> Option<Spanned<PortRef>> {
    match value {
        Scalar::String(s) => Some(Spanned::new(PortRef::Name(s.clone()), span)),
        Scalar::Integer(_) => {
            integer::<u16>(value, span, PORT, d).map(|n| Spanned::new(PortRef::Number(n.value), span))
        }
        other => {
            d.push(super::reader::wrong_type(span, "a port name or number", other));
            None
        }
    }
}

fn expose(node: &Node, d: &mut Diagnostics) -> Option<Expose> {
    let r = Reader::new(node, 1, &["port", "service", "service-port", "issuer", "path", "strip-prefix"], &[], d);
    let host = r.arg_string(0, "host", d);
    let port = match r.prop("port") {
        Some((value, span)) => port_ref(value, span, d),
        None => {
            d.push(missing(node, "property `port`"));
            None
        }
    };
    let service = service(&r, d);
    Some(Expose {
        host: host?,
        port: port?,
        service,
        issuer: r.string("issuer", d),
        path: r.string("path", d).unwrap_or_else(|| Spanned::new("/".into(), node.name_span)),
        strip_prefix: r.prop("strip-prefix").map(|(_, span)| Spanned::new(r.bool("strip-prefix", false, d), span)),
    })
}

fn service(r: &Reader<'_>, d: &mut Diagnostics) -> Option<Spanned<(String, u16)>> {
    match (r.string("service", d), r.integer::<u16>("service-port", PORT, d)) {
        (Some(name), Some(port)) => Some(Spanned::new((name.value, port.value), name.span)),
        (None, None) => None,
        (Some(name), None) => {
            d.push(
                Diagnostic::error(Code::MissingValue, name.span, "`service` needs `service-port`")
                    .label("which port of this Service?"),
            );
            None
        }
        (None, Some(port)) => {
            d.push(
                Diagnostic::error(Code::MissingValue, port.span, "`service-port` needs `service`")
                    .label("port of which Service?"),
            );
            None
        }
    }
}

/// `expose-port 2222 port="ssh" [protocol="UDP"] [service=... service-port=N]`.
fn expose_port(node: &Node, d: &mut Diagnostics) -> Option<ExposePort> {
    let r = Reader::new(node, 1, &["port", "protocol", "service", "service-port"], &[], d);
    let number = match r.arg(0) {
        Some((value, span)) => integer::<u16>(value, span, PORT, d),
        None => {
            d.push(missing(node, "a public port number, e.g. `expose-port 2222 port=\"ssh\"`"));
            None
        }
    };
    let port = match r.prop("port") {
        Some((value, span)) => port_ref(value, span, d),
        None => {
            d.push(missing(node, "property `port`"));
            None
        }
    };
    let protocol = protocol(&r, d);
    let service = service(&r, d);
    Some(ExposePort { number: number?, port: port?, protocol: protocol?, service })
}

pub(super) fn connect(node: &Node, d: &mut Diagnostics) -> Option<Connect> {
    let r = Reader::new(node, 1, &["port"], &[], d);
    let target = r.arg_string(0, "target app", d)?;
    let port = r.prop("port").and_then(|(value, span)| port_ref(value, span, d));
    let (namespace, name) = match target.value.split_once('/') {
        Some((ns, app)) => (Some(ns.to_owned()), app.to_owned()),
        None => (None, target.value.clone()),
    };
    Some(Connect { namespace, target: Spanned::new(name, target.span), port })
}

pub(super) fn resources(node: &Node, d: &mut Diagnostics) -> Resources {
    let r = Reader::new(node, 0, &[], &["requests", "limits"], d);
    let mut resources = Resources::default();
    if let Some(n) = r.child("requests", d) {
        let r = Reader::new(n, 0, &["cpu", "memory"], &[], d);
        resources.requests_cpu = quantity(&r, "cpu", d);
        resources.requests_memory = quantity(&r, "memory", d);
    }
    if let Some(n) = r.child("limits", d) {
        let r = Reader::new(n, 0, &["cpu", "memory"], &[], d);
        resources.limits_cpu = quantity(&r, "cpu", d);
        resources.limits_memory = quantity(&r, "memory", d);
    }
    resources
}

/// Quantities may be written as strings (`"500m"`) or integers (`1`).
fn quantity(r: &Reader<'_>, key: &str, d: &mut Diagnostics) -> Option<Spanned<String>> {
    match r.prop(key)? {
        (Scalar::Integer(i), span) => Some(Spanned::new(i.to_string(), span)),
        (value, span) => string(value, span, d),
    }
}

pub(super) fn env(node: &Node, d: &mut Diagnostics) -> Option<Env> {
    let r = Reader::new(node, 2, &["secret", "key"], &[], d);
    let name = r.arg_string(0, "name", d)?;
    let value = match (r.arg(1), r.string("secret", d), r.string("key", d)) {
        (Some((Scalar::String(s), _)), None, None) => EnvValue::Literal(s.clone()),
        (Some((Scalar::Integer(i), _)), None, None) => EnvValue::Literal(i.to_string()),
        (Some((Scalar::Bool(b), _)), None, None) => EnvValue::Literal(b.to_string()),
        (None, Some(secret), Some(key)) => EnvValue::Secret { secret, key },
        (Some((_, span)), Some(_), _) | (Some((_, span)), _, Some(_)) => {
            d.push(
                Diagnostic::error(Code::InvalidValue, span, "an env var has a value or `secret`+`key`, not both")
                    .label("value"),
            );
            return None;
        }
        (Some((other, span)), None, None) => {
            d.push(super::reader::wrong_type(span, "a string", other));
            return None;
        }
        (None, _, _) => {
            d.push(missing(node, "a value (`env \"NAME\" \"value\"`) or `secret=\"...\" key=\"...\"`"));
            return None;
        }
    };
    Some(Env { name, value })
}

pub(super) fn volume(node: &Node, d: &mut Diagnostics) -> Option<Volume> {
    let r = Reader::new(node, 1, &["mount", "size", "storage-class"], &[], d);
    Some(Volume {
        name: r.arg_string(0, "name", d)?,
        mount: r.required_string("mount", d)?,
        size: r.string("size", d),
        storage_class: r.string("storage-class", d),
    })
}

pub(super) fn security(node: &Node, d: &mut Diagnostics) -> Security {
    let r = Reader::new(
        node,
        0,
        &[
            "run-as-user",
            "run-as-group",
            "fs-group",
            "trust-image-user",
            "read-only-root-filesystem",
            "run-as-non-root",
        ],
        &[],
        d,
    );
    let defaults = Security::default();
    let trust_image_user = r.prop("trust-image-user").and_then(|(value, span)| match value {
        Scalar::Bool(b) => Some(Spanned::new(*b, span)),
        other => {
            d.push(super::reader::wrong_type(span, "a boolean (#true or #false)", other));
            None
        }
    });
    Security {
        run_as_user: r.integer("run-as-user", ID, d),
        run_as_group: r.integer("run-as-group", ID, d),
        fs_group: r.integer("fs-group", ID, d),
        trust_image_user,
        read_only_root_filesystem: r.bool("read-only-root-filesystem", defaults.read_only_root_filesystem, d),
        run_as_non_root: r.bool("run-as-non-root", defaults.run_as_non_root, d),
    }
}

fn database(node: &Node, d: &mut Diagnostics) -> Option<Database> {
    let r = Reader::new(
        node,
        1,
        &["engine", "version", "size", "storage-class", "persistence", "password"],
        &["resources"],
        d,
    );
    let password = r.prop("password").and_then(|(value, span)| match value {
        Scalar::Bool(b) => Some(Spanned::new(*b, span)),
        other => {
            d.push(super::reader::wrong_type(span, "a boolean (#true or #false)", other));
            None
        }
    });
    Some(Database {
        name: r.arg_string(0, "name", d)?,
        engine: r.required_string("engine", d)?,
        version: r.required_string("version", d)?,
        size: r.required_string("size", d)?,
        storage_class: r.string("storage-class", d),
        persistence: r.string("persistence", d),
        password,
        resources: r.child("resources", d).map(|n| resources(n, d)).unwrap_or_default(),
    })
}

fn secret(node: &Node, d: &mut Diagnostics) -> Option<Secret> {
    let r = Reader::new(node, 1, &["external"], &["key"], d);
    let keys = r
        .children("key")
        .filter_map(|n| {
            let r = Reader::new(n, 1, &["generated"], &[], d);
            Some(SecretKey { name: r.arg_string(0, "name", d)?, generated: r.bool("generated", false, d) })
        })
        .collect();
    Some(Secret { name: r.arg_string(0, "name", d)?, external: r.bool("external", false, d), keys })
}

fn metrics(node: &Node, d: &mut Diagnostics) -> Option<Metrics> {
    let r = Reader::new(node, 0, &["port", "path", "interval"], &[], d);
    let port = match r.prop("port") {
        Some((value, span)) => port_ref(value, span, d),
        None => {
            d.push(missing(node, "property `port`"));
            None
        }
    };
    Some(Metrics {
        port: port?,
        path: r.string("path", d).unwrap_or_else(|| Spanned::new("/metrics".into(), node.name_span)),
        interval: r.string("interval", d).unwrap_or_else(|| Spanned::new("30s".into(), node.name_span)),
    })
}
