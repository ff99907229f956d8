//! Apps: where their pods come from, their resources, metrics and internet
//! egress.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// Metrics an app exposes for Prometheus.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["port"]))]
pub struct Metrics {
    /// The app port serving metrics.
    pub port: Spanned<PortRef>,
    /// The HTTP path (default `/metrics`).
    pub path: Spanned<String>,
    /// The scrape interval (default `30s`).
    pub interval: Spanned<String>,
}

/// An application: pods from an image, or pods a Helm release creates.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
#[schemars(transform = super::kdl::app_source)]
pub struct App {
    /// The app name: its Deployment, Service and ServiceAccount.
    pub name: Name,
    /// Where the pods come from: `image=` or `release=` (described on the
    /// app node itself, where `stack.kdl` writes them).
    #[schemars(skip)]
    pub source: AppSource,
    /// The number of pods (default 1).
    pub replicas: Spanned<u32>,
    /// Named container ports.
    #[serde(rename = "port")]
    pub ports: Vec<Port>,
    /// Hosts served through Traefik.
    #[serde(rename = "expose")]
    pub exposes: Vec<Expose>,
    /// Non-HTTP ports served through a Traefik entry point of their own.
    #[serde(rename = "expose-port")]
    pub expose_ports: Vec<ExposePort>,
    /// Connections this app opens; the only traffic its policies allow.
    #[serde(rename = "connects-to")]
    pub connects: Vec<Connect>,
    /// CPU and memory requests and limits.
    pub resources: Resources,
    /// Environment variables.
    pub env: Vec<Env>,
    /// Mounted volumes.
    #[serde(rename = "volume")]
    pub volumes: Vec<Volume>,
    /// Overrides of the hardened security context.
    pub security: Security,
    /// The app talks to the Kubernetes API server.
    pub api_access: bool,
    /// Egress to the internet (outside cluster and private ranges).
    pub internet: Vec<InternetEgress>,
    // Boxed, like the probes: most apps have none, and every app lives for
    // the whole build (with the probes boxed too, an `App` went from 1912 to 920 bytes).
    /// Metrics scraped by the platform's Prometheus.
    pub metrics: Option<Box<Metrics>>,
    /// The container command.
    pub command: Vec<String>,
    /// The container arguments.
    pub args: Vec<String>,
    /// Files mounted into the container.
    #[serde(rename = "file")]
    pub files: Vec<File>,
    /// Health probes: `readiness`, `liveness`, `startup`.
    #[serde(flatten)]
    pub probes: Probes,
    /// Disruption budget and spread across nodes (apps with `replicas` > 1).
    pub availability: Option<Availability>,
    /// Set on the app `check` folds from a `job` or `cronjob`: its pods run
    /// to completion, with no ingress.
    #[schemars(skip)]
    pub run: Option<Box<Run>>,
}

/// Where an app's pods come from.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AppSource {
    /// A container image; stackc writes the Deployment.
    Image(Spanned<String>),
    /// Pods of a Helm release in the same namespace.
    Release {
        /// The `release` in the same namespace.
        release: Name,
        /// The Deployment or StatefulSet name the chart gives these pods.
        workload: Name,
        /// The labels the chart puts on these pods.
        pods: Spanned<BTreeMap<String, String>>,
        /// The ServiceAccount the chart runs these pods as (their mesh identity).
        service_account: Option<Name>,
        /// The chart value that names the pods' ServiceAccount, as a dotted
        /// path (e.g. `server.serviceAccountName`): stackc sets it to
        /// `service-account` in the release's values, so the identity the
        /// policies admit is the one the pods run as.
        service_account_value: Option<Spanned<String>>,
    },
}

/// CPU and memory requests and limits.
#[derive(Debug, Clone, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
#[schemars(transform = super::kdl::resources)]
pub struct Resources {
    /// CPU request, e.g. `100m`.
    pub requests_cpu: Option<Spanned<String>>,
    /// Memory request, e.g. `128Mi`.
    pub requests_memory: Option<Spanned<String>>,
    /// CPU limit, e.g. `500m`.
    pub limits_cpu: Option<Spanned<String>>,
    /// Memory limit, e.g. `256Mi`.
    pub limits_memory: Option<Spanned<String>>,
}

/// Egress to the internet on the given ports.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["ports"]))]
pub struct InternetEgress {
    /// TCP ports reachable on the internet.
    #[schemars(inner(range(min = 1)), length(min = 1))]
    pub ports: Vec<Spanned<u16>>,
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
}
