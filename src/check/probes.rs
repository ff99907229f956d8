//! Checks of an app's health probes: the port each names is declared (and
//! TCP), the HTTP path is a path, the timing knobs are what the API server
//! accepts. Release apps get their probes from the chart.

use super::cluster::invalid;
use super::connections::find_port;
use super::types::Workload;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::{self, AppSource, PortRef, Probe, ProbeAction, Protocol};

/// Reports every misuse of `app`'s probes; `w` is its resolved workload.
pub(super) fn check(app: &model::App, w: &Workload, d: &mut Diagnostics) {
    let probes = [
        ("readiness", app.probes.readiness.as_ref()),
        ("liveness", app.probes.liveness.as_ref()),
        ("startup", app.probes.startup.as_ref()),
    ];
    for (kind, probe) in probes {
        let Some(probe) = probe else { continue };
        if let AppSource::Release { .. } = app.source {
            d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    probe.span,
                    format!("`{kind}` is set by the chart for release apps"),
                )
                .label("app from a release")
                .help("set the chart's probes in the release's `values { ... }`"),
            );
            continue;
        }
        action(w, probe, d);
        timing(kind, probe, d);
    }
}

fn action(w: &Workload, probe: &Probe, d: &mut Diagnostics) {
    let port = match &probe.action {
        ProbeAction::Http { path, port } => {
            if !path.starts_with('/') || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
                d.push(invalid(path.span, "a URL path starting with `/`", path));
            }
            port
        }
        ProbeAction::Tcp { port } => port,
        ProbeAction::Exec { .. } => return,
    };
    if let Some(found) = find_port(w, port, d)
        && found.protocol == Protocol::Udp
    {
        d.push(
            Diagnostic::error(Code::InvalidValue, port.span, format!("port `{}` is UDP", found.name))
                .label("the kubelet probes over TCP")
                .help("probe a TCP port, or use `exec`"),
        );
    }
}

fn timing(kind: &str, probe: &Probe, d: &mut Diagnostics) {
    let at_least_one: [(&str, &Option<Spanned<u32>>); 4] = [
        ("period", &probe.period),
        ("timeout", &probe.timeout),
        ("failure-threshold", &probe.failure_threshold),
        ("success-threshold", &probe.success_threshold),
    ];
    for (key, value) in at_least_one {
        if let Some(v) = value
            && v.value == 0
        {
            d.push(invalid(v.span, &format!("a `{key}` of at least 1"), "0"));
        }
    }
    if kind != "readiness"
        && let Some(v) = &probe.success_threshold
        && v.value != 1
    {
        d.push(
            Diagnostic::error(Code::InvalidValue, v.span, format!("a {kind} probe's `success-threshold` must be 1"))
                .label("only readiness probes take another value")
                .help("drop `success-threshold`; the API server refuses any other value here"),
        );
    }
}

/// The declared port a probe names, as the container port's name.
pub(crate) fn port_name<'w>(w: &'w Workload, port: &PortRef) -> Option<&'w str> {
    w.ports
        .iter()
        .find(|p| match port {
            PortRef::Name(n) => &p.name == n,
            PortRef::Number(n) => p.number == *n,
        })
        .map(|p| p.name.as_str())
}
