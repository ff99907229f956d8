//! Health probes of an app's container: readiness, liveness and startup.

use schemars::JsonSchema;

use super::PortRef;
use crate::diagnostic::{Span, Spanned};

/// The probes of an app's container, each optional (boxed: most apps have
/// none, and an app is kept for the whole build).
#[derive(Debug, Clone, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Probes {
    /// `readiness ...`: while it fails, the pod gets no traffic from its Service.
    pub readiness: Option<Box<Probe>>,
    /// `liveness ...`: when it fails `failure-threshold` times, the container restarts.
    pub liveness: Option<Box<Probe>>,
    /// `startup ...`: holds the other probes back until it succeeds once.
    pub startup: Option<Box<Probe>>,
}

/// One probe: exactly one of `http="/path" port=...`, `tcp=<port>` or an
/// `exec "cmd" "arg"...` child, and the timing knobs (whole seconds).
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
#[schemars(transform = super::kdl::probe_action)]
pub struct Probe {
    /// What the probe does.
    #[schemars(skip)]
    pub action: ProbeAction,
    /// Seconds after the container starts before the first probe (`initial-delay`).
    pub initial_delay: Option<Spanned<u32>>,
    /// Seconds between probes (`period`, Kubernetes' default 10).
    pub period: Option<Spanned<u32>>,
    /// Seconds a probe may take (`timeout`, Kubernetes' default 1).
    pub timeout: Option<Spanned<u32>>,
    /// Failures in a row that count as failed (`failure-threshold`, default 3).
    pub failure_threshold: Option<Spanned<u32>>,
    /// Successes in a row that count as passing again (`success-threshold`,
    /// default 1; readiness only).
    pub success_threshold: Option<Spanned<u32>>,
    /// The probe node's name, for diagnostics.
    #[schemars(skip)]
    pub span: Span,
}

/// What a probe checks.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum ProbeAction {
    /// `http="/healthz" port="http"`: an HTTP GET by the kubelet; 200–399 passes.
    Http {
        /// The request path, starting with `/`.
        #[serde(rename = "http")]
        path: Spanned<String>,
        /// The app port, by name or number.
        port: Spanned<PortRef>,
    },
    /// `tcp="http"`: the kubelet opens a TCP connection to this app port.
    Tcp {
        /// The app port, by name or number.
        #[serde(rename = "tcp")]
        port: Spanned<PortRef>,
    },
    /// `exec "pg_isready" "-q"` as a child: a command run in the container; exit 0 passes.
    Exec {
        /// The command and its arguments (a child node).
        #[serde(rename = "exec")]
        command: Vec<String>,
    },
}
