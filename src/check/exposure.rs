//! Resolving `expose` (host, port, Service, issuer) and `metrics`.

use std::collections::BTreeMap;

use super::cluster::invalid;
use super::connections::find_port;
use super::containers::resolved_ports;
use super::hosts::Hosts;
use super::names::is_host;
use super::references::unknown_reference;
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned};
use crate::model::{self, AppSource, Protocol, Stack};

pub(super) fn exposure(
    stack: &Stack,
    namespace: &str,
    app: &model::App,
    e: &model::Expose,
    hosts: &mut Hosts,
    d: &mut Diagnostics,
) -> Option<Exposure> {
    if stack.platform.traefik.is_none() {
        d.push(
            Diagnostic::error(Code::MissingPlatform, e.host.span, "exposing an app needs Traefik")
                .help("add `traefik` to `platform { ... }`"),
        );
    }
    if !is_host(&e.host) {
        d.push(invalid(e.host.span, "a host name like `app.example.com`", &e.host));
    }
    if !e.path.starts_with('/') || e.path.contains('`') || e.path.chars().any(char::is_control) {
        d.push(invalid(e.path.span, "a URL path starting with `/`", &e.path));
    }
    if let Some(strip) = e.strip_prefix.as_ref().filter(|s| s.value && e.path.value == "/") {
        d.push(
            Diagnostic::error(Code::InvalidValue, strip.span, "`strip-prefix` on an exposure at `/` strips nothing")
                .label("nothing to strip")
                .help("add `path=\"/...\"`, or remove `strip-prefix`"),
        );
    }
    let issuers: Vec<&str> =
        stack.platform.cert_manager.iter().flat_map(|c| c.issuers.iter().map(|i| i.name.value.as_str())).collect();
    let issuer = match (&e.issuer, issuers.as_slice()) {
        (Some(name), _) if issuers.contains(&name.value.as_str()) => Some(name.value.clone()),
        (Some(name), _) => {
            d.push(unknown_reference("issuer", name, &issuers));
            None
        }
        (None, [only]) => Some((*only).to_owned()),
        (None, []) => {
            d.push(
                Diagnostic::error(
                    Code::MissingPlatform,
                    e.host.span,
                    "exposing an app needs a cert-manager issuer for its certificate",
                )
                .help("add `cert-manager { issuer \"letsencrypt\" ... }` to `platform`"),
            );
            None
        }
        (None, _) => {
            d.push(
                Diagnostic::error(Code::MissingValue, e.host.span, "several issuers are declared; say which one")
                    .help("add `issuer=\"...\"`"),
            );
            None
        }
    };
    if is_host(&e.host) {
        hosts.claim(namespace, e, issuer.as_deref(), d);
    }
    let port = app_port(app, &e.port, d)?;
    let (service, service_port) = service_of(app, e.service.as_ref(), port.number, e.host.span, "80", d)?;
    Some(Exposure {
        host: e.host.value.clone(),
        path: e.path.value.clone(),
        port: port.number,
        service,
        service_port,
        issuer: issuer?,
        strip_prefix: e.strip_prefix.as_ref().is_some_and(|s| s.value),
        span: e.host.span,
    })
}

/// The app's port `port` names (by name or number).
fn app_port(app: &model::App, port: &Spanned<model::PortRef>, d: &mut Diagnostics) -> Option<ResolvedPort> {
    let ports = resolved_ports(&app.ports);
    let probe = Workload {
        name: app.name.value.clone(),
        namespace: String::new(),
        span: app.name.span,
        kind: WorkloadKind::Release { release: String::new() },
        pod_labels: BTreeMap::new(),
        object_name: String::new(),
        ports,
        connects: Vec::new(),
        exposes: Vec::new(),
        expose_ports: Vec::new(),
        api_access: false,
        internet: Vec::new(),
        service_account: None,
        metrics: None,
    };
    find_port(&probe, port, d)
}

/// Traefik's own ports, which an `expose-port` cannot take: the container
/// ports (traefik/traefik-helm-chart v37.1.2 traefik/values.yaml:652,676,717,778)
/// and the Service ports of `web` and `websecure` (:681, :722).
const TRAEFIK_PORTS: [u16; 6] = [80, 443, 8000, 8080, 8443, 9100];

/// `expose-port N port="..."`: the public port, claimed once per protocol
/// across the stack (`taken`).
pub(super) fn port_exposure(
    stack: &Stack,
    app: &model::App,
    e: &model::ExposePort,
    taken: &mut BTreeMap<(Protocol, u16), (Span, Option<u16>)>,
    d: &mut Diagnostics,
) -> Option<PortExposure> {
    if stack.platform.traefik.is_none() {
        d.push(
            Diagnostic::error(Code::MissingPlatform, e.number.span, "exposing a port needs Traefik")
                .help("add `traefik` to `platform { ... }`"),
        );
    }
    if TRAEFIK_PORTS.contains(&e.number.value) {
        d.push(
            Diagnostic::error(Code::InvalidValue, e.number.span, format!("port {} is Traefik's own", e.number.value))
                .label("taken by Traefik")
                .help("choose another public port, e.g. 2222"),
        );
    } else if let Some((first, listening_for)) = taken.get(&(e.protocol, e.number.value)) {
        d.push(match listening_for {
            // Taken as the listening port of a privileged public port.
            Some(public) => listens_there(e.number.value, *public, *first, e.number.span),
            None => Diagnostic::duplicate(
                Code::DuplicateName,
                *first,
                e.number.span,
                format!("public port {} is exposed twice", e.number.value),
            )
            .help("each `expose-port` needs a public port of its own"),
        });
    } else {
        taken.insert((e.protocol, e.number.value), (e.number.span, None));
        let container = container_port(e.number.value);
        if container != e.number.value {
            // A privileged port listens higher up: that port must be free too.
            match taken.get(&(e.protocol, container)) {
                Some((other, _)) => d.push(listens_there(container, e.number.value, e.number.span, *other)),
                None => {
                    taken.insert((e.protocol, container), (e.number.span, Some(e.number.value)));
                }
            }
        }
    }
    let port = app_port(app, &e.port, d)?;
    let (service, service_port) = service_of(app, e.service.as_ref(), port.number, e.number.span, "22", d)?;
    Some(PortExposure {
        entry: e.number.value,
        protocol: e.protocol,
        port: port.number,
        service,
        service_port,
        span: e.number.span,
    })
}

/// Public port `port` is where Traefik listens for privileged public port
/// `public` (declared at `privileged`); `other` exposes `port` itself.
fn listens_there(port: u16, public: u16, privileged: Span, other: Span) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateName,
        other,
        format!("Traefik listens for public port {public} on port {port}, which is exposed too"),
    )
    .label(format!("public port {port}"))
    .also(privileged, format!("public port {public}, served on {port}"))
    .help("Traefik runs without the capability to bind ports below 1024; choose another public port")
}

pub(super) fn metrics(stack: &Stack, w: &Workload, m: &model::Metrics, d: &mut Diagnostics) -> Option<ResolvedMetrics> {
    if stack.platform.prometheus.is_none() {
        d.push(
            Diagnostic::error(Code::MissingPlatform, m.port.span, "scraping metrics needs Prometheus")
                .label("metrics")
                .help("add `prometheus namespace=\"monitoring\"` to `platform { ... }`"),
        );
    }
    if !super::names::is_duration(&m.interval) {
        d.push(invalid(m.interval.span, "a duration like `30s`", &m.interval));
    }
    if !m.path.starts_with('/') || m.path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        d.push(invalid(m.path.span, "a URL path starting with `/`", &m.path));
    }
    let port = find_port(w, &m.port, d)?;
    Some(ResolvedMetrics {
        port: port.number,
        path: m.path.value.clone(),
        interval: m.interval.value.clone(),
        span: m.port.span,
    })
}

/// The Service (name, port) an exposure routes to: the one written, the
/// image app's own, or for a release app none (a diagnostic at `span`,
/// whose hint suggests `example_port`).
fn service_of(
    app: &model::App,
    written: Option<&Spanned<(String, u16)>>,
    port: u16,
    span: Span,
    example_port: &str,
    d: &mut Diagnostics,
) -> Option<(String, u16)> {
    match (&app.source, written) {
        (_, Some(s)) => Some(s.value.clone()),
        (AppSource::Image(_), None) => Some((app.name.value.clone(), port)),
        (AppSource::Release { .. }, None) => {
            d.push(
                Diagnostic::error(
                    Code::MissingValue,
                    span,
                    "an app from a release needs the chart's Service to expose",
                )
                .label("which Service?")
                .help(format!("add `service=\"<chart's service>\" service-port={example_port}`")),
            );
            None
        }
    }
}
