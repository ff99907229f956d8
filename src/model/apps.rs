//! Lowering of an `app`: its children, where its pods come from, its
//! metrics and its internet egress.

use super::containers::{env, resources, security, volume};
use super::lower::{integer_args, labels, string_args};
use super::ports::{connect, expose, expose_port, port, port_ref};
use super::reader::{PORT, REPLICAS, Reader, missing};
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::syntax::Node;

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

pub(super) fn app(node: &Node, d: &mut Diagnostics) -> Option<App> {
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
        metrics: r.child("metrics", d).and_then(|n| metrics(n, d)).map(Box::new),
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
