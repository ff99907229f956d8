//! The resolved stack: every name points at something that exists, every
//! port is a number, and every list is in a canonical order so that the
//! order of declarations never shows in the output.

use std::collections::BTreeMap;

use crate::diagnostic::Span;
use crate::model::{self, Protocol};

/// A stack whose references are all resolved.
#[derive(Debug, Clone)]
pub struct ResolvedStack {
    pub name: String,
    pub cluster: model::Cluster,
    /// With several clusters, the cluster's name: its Secrets live under
    /// `secrets/<cluster>/` (each cluster has its own recipients and values).
    pub store_scope: Option<String>,
    pub platform: model::Platform,
    /// Helm repositories, sorted by name, only the ones in use.
    pub helm_repositories: Vec<model::HelmRepository>,
    /// Namespaces sorted by name.
    pub namespaces: Vec<Namespace>,
    /// Namespace names in Flux dependency order (dependencies first).
    pub namespace_order: Vec<String>,
}

/// A resolved namespace.
#[derive(Debug, Clone)]
pub struct Namespace {
    pub name: String,
    pub span: Span,
    pub mesh: bool,
    /// The cron schedule of its Velero backups; `None` without Velero or
    /// when the namespace opts out.
    pub backup_schedule: Option<String>,
    /// Sorted, deduplicated.
    pub depends_on: Vec<String>,
    /// Sorted by name.
    pub releases: Vec<model::Release>,
    /// Apps and databases, sorted by name.
    pub workloads: Vec<Workload>,
    /// Sorted by name.
    pub secrets: Vec<model::Secret>,
}

/// Pods with an identity: an app or a database.
#[derive(Debug, Clone)]
pub struct Workload {
    pub name: String,
    pub namespace: String,
    pub span: Span,
    pub kind: WorkloadKind,
    /// The labels the pods carry and policies select on.
    pub pod_labels: BTreeMap<String, String>,
    /// Deployment or StatefulSet name.
    pub object_name: String,
    pub ports: Vec<ResolvedPort>,
    /// Sorted, deduplicated.
    pub connects: Vec<Connection>,
    pub exposes: Vec<Exposure>,
    /// Ports served through Traefik entry points of their own.
    pub expose_ports: Vec<PortExposure>,
    pub api_access: bool,
    /// Sorted, deduplicated internet egress ports.
    pub internet: Vec<(u16, Span)>,
    /// The ServiceAccount the pods run as: their mesh identity. Unknown for
    /// a release app that does not declare `service-account`.
    pub service_account: Option<String>,
    /// Metrics the platform's Prometheus scrapes.
    pub metrics: Option<ResolvedMetrics>,
}

impl Workload {
    /// How a `job` or `cronjob` runs; `None` for every other workload.
    #[must_use]
    pub fn run(&self) -> Option<&model::Run> {
        match &self.kind {
            WorkloadKind::Image(app) => app.run.as_deref(),
            _ => None,
        }
    }
}

/// An app's metrics endpoint.
#[derive(Debug, Clone)]
pub struct ResolvedMetrics {
    pub port: u16,
    pub path: String,
    pub interval: String,
    pub span: Span,
}

/// What creates a workload's pods.
#[derive(Debug, Clone)]
pub enum WorkloadKind {
    /// stackc writes a Deployment.
    Image(Box<model::App>),
    /// stackc writes a StatefulSet.
    Database(Box<Database>),
    /// A Helm release creates the pods.
    Release { release: String },
}

/// A database with its engine resolved.
#[derive(Debug, Clone)]
pub struct Database {
    pub decl: model::Database,
    pub engine: Engine,
    pub image: String,
    pub storage_class: Option<String>,
}

/// Database engines stackc knows how to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgresql {
        major: u32,
    },
    /// `password`: the server requires the credentials Secret's password.
    Redis {
        aof: bool,
        password: bool,
    },
}

/// A named port with its number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResolvedPort {
    pub name: String,
    pub number: u16,
    pub protocol: Protocol,
}

/// A declared connection, resolved to a workload and a port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Connection {
    pub namespace: String,
    pub workload: String,
    pub port: u16,
    pub protocol: Protocol,
    pub span: Span,
}

/// A TCP or UDP port exposed through a Traefik entry point of its own.
#[derive(Debug, Clone)]
pub struct PortExposure {
    /// The public port: the entry point's name is `tcp-N` or `udp-N`.
    pub entry: u16,
    pub protocol: Protocol,
    /// The pod port traffic arrives on.
    pub port: u16,
    /// The Service and its port the IngressRouteTCP/UDP points at.
    pub service: String,
    pub service_port: u16,
    pub span: Span,
}

/// What a public port below 1024 adds to give Traefik's container port: the
/// chart runs Traefik as user 65532 with every capability dropped, no
/// `NET_BIND_SERVICE` (traefik/traefik-helm-chart v37.1.2 `traefik/values.yaml:953-957`,
/// `:960-965`), so it cannot bind a privileged port; the chart's own `web`
/// entry point listens on 8000 behind Service port 80 the same way
/// (`values.yaml:676-681`). The Service keeps the public port (`exposedPort`).
pub const PRIVILEGED_PORT_OFFSET: u16 = 10_000;

impl PortExposure {
    /// The port Traefik's container listens on: the public port, or for a
    /// privileged one (below 1024) [`PRIVILEGED_PORT_OFFSET`] above it.
    #[must_use]
    pub fn container_port(&self) -> u16 {
        container_port(self.entry)
    }

    /// The Traefik entry point's name (at most 15 characters: a port name).
    #[must_use]
    pub fn entry_point(&self) -> String {
        let protocol = if self.protocol == Protocol::Udp { "udp" } else { "tcp" };
        format!("{protocol}-{}", self.entry)
    }
}

/// Traefik's container port for public port `entry` (see [`PortExposure::container_port`]).
#[must_use]
pub fn container_port(entry: u16) -> u16 {
    if entry < 1024 { entry + PRIVILEGED_PORT_OFFSET } else { entry }
}

/// A host exposed through the ingress controller.
#[derive(Debug, Clone)]
pub struct Exposure {
    pub host: String,
    pub path: String,
    /// The pod port traffic arrives on.
    pub port: u16,
    /// The Service and its port the IngressRoute points at.
    pub service: String,
    pub service_port: u16,
    pub issuer: String,
    /// Traefik strips `path` before the request reaches the app.
    pub strip_prefix: bool,
    pub span: Span,
}
