//! Namespaces and what they hold: Helm repositories and releases, apps, ports,
//! connections, exposure, env, volumes, databases and secrets.

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

/// A Helm repository.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct HelmRepository {
    /// The name releases refer to.
    pub name: Name,
    /// An `https://` or `oci://` URL.
    pub url: Spanned<String>,
}

/// A namespace of the stack.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct Namespace {
    /// The namespace name.
    pub name: Name,
    /// Inject the Linkerd proxy into every pod (mTLS).
    pub mesh: bool,
    /// `#false` leaves this namespace out of the platform's Velero backups.
    pub backup: bool,
    /// A cron schedule for this namespace's backups instead of the platform's.
    pub backup_schedule: Option<Spanned<String>>,
    /// Namespaces whose Flux Kustomization must be ready first.
    pub depends_on: Vec<Name>,
    /// Helm charts installed here.
    #[serde(rename = "release")]
    pub releases: Vec<Release>,
    /// Apps from images or from releases.
    #[serde(rename = "app")]
    pub apps: Vec<App>,
    /// PostgreSQL and Redis databases.
    #[serde(rename = "database")]
    pub databases: Vec<Database>,
    /// Pods that run once per spec (a schema migration, say).
    #[serde(rename = "job")]
    pub jobs: Vec<Job>,
    /// Pods that run on a schedule.
    #[serde(rename = "cronjob")]
    pub cronjobs: Vec<CronJob>,
    /// Secrets workloads read.
    #[serde(rename = "secret")]
    pub secrets: Vec<Secret>,
}

/// A Helm chart installed by a Flux HelmRelease.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "chart", "repository", "version"]))]
pub struct Release {
    /// The HelmRelease name.
    pub name: Name,
    /// The chart name in the repository.
    pub chart: Spanned<String>,
    /// The name of a `helm-repository`.
    pub repository: Name,
    /// The chart version.
    pub version: Spanned<String>,
    /// Chart values, as nested nodes.
    pub values: serde_json::Value,
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
    /// Metrics scraped by the platform's Prometheus.
    pub metrics: Option<Metrics>,
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
    pub run: Option<Run>,
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

/// A named container port.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "number"]))]
pub struct Port {
    /// An IANA service name (at most 15 characters).
    pub name: Name,
    /// The container port.
    #[schemars(range(min = 1))]
    pub number: Spanned<u16>,
    /// `TCP` (default) or `UDP`.
    pub protocol: Protocol,
}

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
}

impl Protocol {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

/// A port given by name or by number.
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::port_ref)]
pub enum PortRef {
    /// A port name, e.g. `"http"`.
    Name(String),
    /// A port number, e.g. `8080`.
    Number(u16),
}

/// Exposure through Traefik with a cert-manager certificate.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["host", "port"]))]
#[schemars(transform = super::kdl::expose_service)]
pub struct Expose {
    /// The public host name.
    pub host: Spanned<String>,
    /// The app port traffic arrives on.
    pub port: Spanned<PortRef>,
    /// For release apps: the Service the chart creates and its port
    /// (described as the node's `service` and `service-port`).
    #[schemars(skip)]
    pub service: Option<Spanned<(String, u16)>>,
    /// The ClusterIssuer; defaults to the only one declared.
    pub issuer: Option<Name>,
    /// A path prefix (default `/`). Apps share a host by path: the longest
    /// prefix wins.
    pub path: Spanned<String>,
    /// Strip `path` from the request before it reaches the app (a Traefik
    /// `stripPrefix` Middleware); default `#false`.
    pub strip_prefix: Option<Spanned<bool>>,
}

/// A TCP or UDP port exposed to the world through a Traefik entry point of
/// its own: `expose-port 2222 port="ssh"`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["number", "port"]))]
#[schemars(transform = super::kdl::expose_service)]
pub struct ExposePort {
    /// The public port: Traefik's entry point listens on it and its Service
    /// exposes it.
    #[schemars(range(min = 1))]
    pub number: Spanned<u16>,
    /// The app port traffic arrives on.
    pub port: Spanned<PortRef>,
    /// `TCP` (default; an IngressRouteTCP) or `UDP` (an IngressRouteUDP).
    pub protocol: Protocol,
    /// For release apps: the Service the chart creates and its port
    /// (described as the node's `service` and `service-port`).
    #[schemars(skip)]
    pub service: Option<Spanned<(String, u16)>>,
}

/// A connection this app opens: `connects-to "app"` or `"namespace/app"`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["target"]))]
pub struct Connect {
    /// The target's namespace (default: this one).
    pub namespace: Option<String>,
    /// The target app or database.
    pub target: Name,
    /// The target port, by name or number; optional when it has one.
    pub port: Option<Spanned<PortRef>>,
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

/// An environment variable: a literal or a key of a Secret.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
#[schemars(transform = super::kdl::env_value)]
pub struct Env {
    /// The variable name.
    pub name: Name,
    /// A literal, or a key of a declared Secret (described as the node's
    /// `value`, `secret` and `key`).
    #[schemars(skip)]
    pub value: EnvValue,
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EnvValue {
    /// `env "NAME" "value"`.
    Literal(String),
    /// `env "NAME" secret="s" key="k"`.
    Secret {
        /// A Secret declared in the namespace.
        secret: Name,
        /// One of its keys.
        key: Name,
    },
}

/// A mounted volume: a PVC or an emptyDir.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "mount"]))]
pub struct Volume {
    /// The volume name (the PVC is `<app>-<name>`).
    pub name: Name,
    /// The absolute mount path.
    pub mount: Spanned<String>,
    /// PVC size; `None` means an emptyDir.
    pub size: Option<Spanned<String>>,
    /// A declared storage class (default: the cluster default).
    pub storage_class: Option<Name>,
}

/// The pod and container security context. Defaults are hardened: an image
/// app runs as user and group 65532 unless it names its own ids or trusts
/// the image's `USER`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Security {
    /// The user id (default 65532, a user no image owns files as).
    pub run_as_user: Option<Spanned<i64>>,
    /// The group id (default: the user id).
    pub run_as_group: Option<Spanned<i64>>,
    /// The group owning mounted volumes (default: the group id).
    pub fs_group: Option<Spanned<i64>>,
    /// `#true` runs the image as its own `USER` (no `runAsUser`): for an
    /// image whose `USER` is a non-root number the kubelet can verify.
    pub trust_image_user: Option<Spanned<bool>>,
    /// A read-only root filesystem (default `#true`); paths the image writes
    /// need a `volume`.
    pub read_only_root_filesystem: bool,
    /// Refuse to run as root (default `#true`).
    pub run_as_non_root: bool,
}

impl Default for Security {
    fn default() -> Self {
        Self {
            run_as_user: None,
            run_as_group: None,
            fs_group: None,
            trust_image_user: None,
            read_only_root_filesystem: true,
            run_as_non_root: true,
        }
    }
}

impl Security {
    /// Whether the pods run as the image's own `USER`.
    #[must_use]
    pub fn trusts_image_user(&self) -> bool {
        self.trust_image_user.as_ref().is_some_and(|t| t.value)
    }
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

/// A database run as a StatefulSet with a PVC.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "engine", "version", "size"]))]
pub struct Database {
    /// The database name: its StatefulSet and Service.
    pub name: Name,
    /// `postgresql` or `redis`.
    pub engine: Spanned<String>,
    /// The major version.
    pub version: Spanned<String>,
    /// The PVC size, e.g. `10Gi`.
    pub size: Spanned<String>,
    /// A declared storage class.
    pub storage_class: Option<Name>,
    /// Redis: `aof` (append-only file) or `rdb` snapshots.
    pub persistence: Option<Spanned<String>>,
    /// Redis: `password=#true` makes the server require the password in
    /// key `password` of the implicit `<name>-credentials` Secret (off by
    /// default; PostgreSQL always has one).
    pub password: Option<Spanned<bool>>,
    /// CPU and memory requests and limits.
    pub resources: Resources,
}

/// A Secret some workloads read.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct Secret {
    /// The Secret name.
    pub name: Name,
    /// Created outside stackc (by hand, or another tool).
    pub external: bool,
    /// The keys workloads read.
    #[serde(rename = "key")]
    pub keys: Vec<SecretKey>,
}

/// One key of a Secret.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct SecretKey {
    /// The key.
    pub name: Name,
    /// stackc generates a random value.
    pub generated: bool,
}
