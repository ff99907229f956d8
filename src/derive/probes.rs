//! An image app's probes as container fields (`readinessProbe`,
//! `livenessProbe`, `startupProbe`).
//!
//! Probes need no policy of their own:
//! * HTTP probes under Linkerd: the policy controller reads each container's
//!   `httpGet` probes (linkerd/linkerd2 edge-25.10.7
//!   policy-controller/k8s/index/src/inbound/workload.rs:65-112, named
//!   ports resolved to their number there) and adds to the port's policy, default or `Server`
//!   without HTTPRoutes (index.rs:1993-2013, stackc writes none), a `probe`
//!   route: `GET` on each exact probe path, unauthenticated, from the
//!   `probeNetworks` (index.rs:2236-2297), which default to `0.0.0.0/0` and
//!   `::/0` (charts/linkerd-control-plane/values.yaml:93-98). So stackc's
//!   `accessPolicy: deny` Servers keep authorizing the kubelet's probes.
//!   The proxy injector leaves the probes as written (no rewrite to the
//!   proxy's port): it only counts their ports among the pod's inbound ports
//!   (pkg/inject/inject.go:1376-1400), which for stackc's probes, always on
//!   declared container ports, adds nothing.
//! * Exec probes run inside the container: no network at all.
//! * NetworkPolicy: the kubelet probes from the pod's own node, and traffic
//!   from the local node is always allowed; kube-router (k3s' policy
//!   controller) puts "rule to permit the traffic to pods when source is
//!   the pod's local node" (`-m addrtype --src-type LOCAL -j ACCEPT`) first
//!   in every pod's firewall chain, before the policies (cloudnativelabs/
//!   kube-router 0d0f4cc pkg/controllers/netpol/pod.go, syncPodFirewallChains).

use serde_json::{Map, Value, json};

use crate::check::Workload;
use crate::check::probes::port_name;
use crate::model::{Probe, ProbeAction, Probes};

/// Adds the probes of `probes` to `container`; `w` resolves port numbers
/// to the container port names `check` proved declared.
pub(super) fn insert(container: &mut Map<String, Value>, w: &Workload, probes: &Probes) {
    let fields =
        [("readinessProbe", &probes.readiness), ("livenessProbe", &probes.liveness), ("startupProbe", &probes.startup)];
    for (field, probe) in fields {
        if let Some(probe) = probe {
            container.insert(field.into(), render(w, probe));
        }
    }
}

fn render(w: &Workload, probe: &Probe) -> Value {
    let mut out = Map::new();
    match &probe.action {
        ProbeAction::Http { path, port } => {
            out.insert(
                "httpGet".into(),
                json!({"path": path.value, "port": port_name(w, &port.value).unwrap_or_default()}),
            );
        }
        ProbeAction::Tcp { port } => {
            out.insert("tcpSocket".into(), json!({"port": port_name(w, &port.value).unwrap_or_default()}));
        }
        ProbeAction::Exec { command } => {
            out.insert("exec".into(), json!({"command": command}));
        }
    }
    let knobs = [
        ("initialDelaySeconds", &probe.initial_delay),
        ("periodSeconds", &probe.period),
        ("timeoutSeconds", &probe.timeout),
        ("failureThreshold", &probe.failure_threshold),
        ("successThreshold", &probe.success_threshold),
    ];
    for (key, value) in knobs {
        if let Some(v) = value {
            out.insert(key.into(), json!(v.value));
        }
    }
    Value::Object(out)
}
