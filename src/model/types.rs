//! The typed stack, as written: names are still unresolved strings.
//! These types are also the source of `stackc schema`, so every doc comment
//! here is user documentation.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use crate::diagnostic::Spanned;

/// A name as written in `stack.kdl`, with its position.
pub type Name = Spanned<String>;

/// A whole stack: one cluster, its platform, and the namespaces of apps.
#[derive(Debug, Clone, JsonSchema)]
pub struct Stack {
    /// The stack's name, used in the `app.kubernetes.io/part-of` label.
    pub name: Name,
    /// The cluster this stack is rendered for.
    pub cluster: Cluster,
    /// Platform components: Flux, Linkerd, Traefik, cert-manager, Kyverno.
    pub platform: Platform,
    /// Helm repositories that app releases install charts from.
    pub helm_repositories: Vec<HelmRepository>,
    /// Namespaces with their apps, databases, releases and secrets.
    pub namespaces: Vec<Namespace>,
}

/// Facts about the cluster that no selector can express.
#[derive(Debug, Clone, JsonSchema)]
pub struct Cluster {
    /// Directory name under `clusters/`, e.g. `production`.
    pub name: Name,
    /// `k3s` or `kubernetes`.
    pub distribution: Spanned<Distribution>,
    /// Kubernetes minor version, e.g. `1.33`.
    pub version: Spanned<String>,
    /// The Git repository Flux syncs from.
    pub git: Option<Git>,
    /// Address (IP or CIDR) and port of the Kubernetes API server.
    pub api_server: Option<ApiServer>,
    /// The cluster DNS service that every pod must reach.
    pub dns: Dns,
    /// Pod and Service CIDRs, excluded from internet egress.
    pub networks: Networks,
    /// Storage classes PVCs may use; one is the default.
    pub storage_classes: Vec<StorageClass>,
    /// age recipients (`age1...`) that can decrypt this cluster's secrets.
    pub age_recipients: Vec<Spanned<String>>,
}

/// The Kubernetes distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Distribution {
    K3s,
    Kubernetes,
}

/// The Git source Flux reconciles.
#[derive(Debug, Clone, JsonSchema)]
pub struct Git {
    pub url: Spanned<String>,
    pub branch: Spanned<String>,
    /// How often Flux polls, e.g. `10m`.
    pub interval: Spanned<String>,
}

/// The API server, reachable only by IP.
#[derive(Debug, Clone, JsonSchema)]
pub struct ApiServer {
    /// An IP address or CIDR, e.g. `10.0.0.10/32`.
    pub address: Spanned<String>,
    pub port: Spanned<u16>,
}

/// The cluster DNS: namespace, pod labels and port.
#[derive(Debug, Clone, JsonSchema)]
pub struct Dns {
    pub namespace: Spanned<String>,
    pub port: Spanned<u16>,
    /// Labels of the DNS pods, e.g. `k8s-app=kube-dns`.
    pub pods: BTreeMap<String, String>,
}

/// In-cluster address ranges.
#[derive(Debug, Clone, JsonSchema)]
pub struct Networks {
    pub pods: Spanned<String>,
    pub services: Spanned<String>,
}

/// A storage class PVCs may use.
#[derive(Debug, Clone, JsonSchema)]
pub struct StorageClass {
    pub name: Name,
    pub default: bool,
}

/// Platform components. Each is optional; features that need one say so.
#[derive(Debug, Clone, Default, JsonSchema)]
pub struct Platform {
    pub flux: Option<Flux>,
    pub linkerd: Option<Linkerd>,
    pub traefik: Option<Traefik>,
    pub cert_manager: Option<CertManager>,
    pub kyverno: Option<Kyverno>,
}

/// Flux CD: Kustomizations with dependency ordering and SOPS decryption.
#[derive(Debug, Clone, JsonSchema)]
pub struct Flux {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// A file in `flux-system/` that stackc lists but does not own, e.g.
    /// `gotk-components.yaml` written by `flux install --export`.
    pub install_manifest: Option<Spanned<String>>,
}

/// Linkerd service mesh: mTLS and identity-based policy.
#[derive(Debug, Clone, JsonSchema)]
pub struct Linkerd {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    pub version: Spanned<String>,
    /// The default inbound policy of meshed namespaces.
    pub inbound: Spanned<DefaultInbound>,
}

/// Linkerd's default inbound policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DefaultInbound {
    AllUnauthenticated,
    AllAuthenticated,
    ClusterAuthenticated,
    ClusterUnauthenticated,
    Deny,
}

/// Traefik v3 ingress controller.
#[derive(Debug, Clone, JsonSchema)]
pub struct Traefik {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    pub version: Spanned<String>,
    /// Redirect every HTTP request to HTTPS.
    pub redirect_http_to_https: bool,
}

/// cert-manager with ACME issuers.
#[derive(Debug, Clone, JsonSchema)]
pub struct CertManager {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    pub version: Spanned<String>,
    pub issuers: Vec<Issuer>,
}

/// An ACME ClusterIssuer solving DNS-01 challenges.
#[derive(Debug, Clone, JsonSchema)]
pub struct Issuer {
    pub name: Name,
    pub acme_email: Spanned<String>,
    /// `production`, `staging`, or an ACME directory URL.
    pub server: Spanned<String>,
    /// The DNS provider, e.g. `cloudflare`.
    pub dns01: Spanned<DnsProvider>,
    /// The Secret in `cert-manager` holding the provider's API token.
    pub token_secret: Spanned<String>,
}

/// DNS-01 providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DnsProvider {
    Cloudflare,
}

/// Kyverno policy engine.
#[derive(Debug, Clone, JsonSchema)]
pub struct Kyverno {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    pub version: Spanned<String>,
    pub mode: Spanned<PolicyMode>,
    /// Per-rule overrides: another mode, or the rule switched off.
    pub rules: Vec<KyvernoRule>,
}

/// An override of one generated Kyverno rule.
#[derive(Debug, Clone, JsonSchema)]
pub struct KyvernoRule {
    /// The rule's name, e.g. `restrict-image-registries`.
    pub name: Name,
    pub mode: Option<Spanned<PolicyMode>>,
    pub enabled: bool,
}

/// Whether Kyverno blocks violations or only reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyMode {
    Audit,
    Enforce,
}

/// A Helm repository.
#[derive(Debug, Clone, JsonSchema)]
pub struct HelmRepository {
    pub name: Name,
    pub url: Spanned<String>,
}

/// A namespace of the stack.
#[derive(Debug, Clone, JsonSchema)]
pub struct Namespace {
    pub name: Name,
    /// Inject the Linkerd proxy into every pod (mTLS).
    pub mesh: bool,
    /// Namespaces whose Flux Kustomization must be ready first.
    pub depends_on: Vec<Name>,
    pub releases: Vec<Release>,
    pub apps: Vec<App>,
    pub databases: Vec<Database>,
    pub secrets: Vec<Secret>,
}

/// A Helm chart installed by a Flux HelmRelease.
#[derive(Debug, Clone, JsonSchema)]
pub struct Release {
    pub name: Name,
    pub chart: Spanned<String>,
    /// The name of a `helm-repository`.
    pub repository: Name,
    pub version: Spanned<String>,
    /// Chart values, as nested nodes.
    pub values: serde_json::Value,
}

/// An application: pods from an image, or pods a Helm release creates.
#[derive(Debug, Clone, JsonSchema)]
pub struct App {
    pub name: Name,
    pub source: AppSource,
    pub replicas: Spanned<u32>,
    pub ports: Vec<Port>,
    pub exposes: Vec<Expose>,
    pub connects: Vec<Connect>,
    pub resources: Resources,
    pub env: Vec<Env>,
    pub volumes: Vec<Volume>,
    pub security: Security,
    /// The app talks to the Kubernetes API server.
    pub api_access: bool,
    /// Egress to the internet (outside cluster and private ranges).
    pub internet: Vec<InternetEgress>,
    pub command: Vec<String>,
    pub args: Vec<String>,
}

/// Where an app's pods come from.
#[derive(Debug, Clone, JsonSchema)]
pub enum AppSource {
    /// A container image; stackc writes the Deployment.
    Image(Spanned<String>),
    /// Pods of a Helm release in the same namespace.
    Release {
        release: Name,
        /// The Deployment or StatefulSet name the chart gives these pods.
        workload: Name,
        /// The labels the chart puts on these pods.
        pods: Spanned<BTreeMap<String, String>>,
        /// The ServiceAccount the chart runs these pods as (their mesh identity).
        service_account: Option<Name>,
    },
}

/// A named container port.
#[derive(Debug, Clone, JsonSchema)]
pub struct Port {
    pub name: Name,
    pub number: Spanned<u16>,
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
pub enum PortRef {
    Name(String),
    Number(u16),
}

/// Exposure through Traefik with a cert-manager certificate.
#[derive(Debug, Clone, JsonSchema)]
pub struct Expose {
    pub host: Spanned<String>,
    pub port: Spanned<PortRef>,
    /// For release apps: the Service the chart creates.
    pub service: Option<Spanned<(String, u16)>>,
    /// The ClusterIssuer; defaults to the only one declared.
    pub issuer: Option<Name>,
    pub path: Spanned<String>,
}

/// A connection this app opens: `connects-to "app"` or `"namespace/app"`.
#[derive(Debug, Clone, JsonSchema)]
pub struct Connect {
    pub namespace: Option<String>,
    pub target: Name,
    pub port: Option<Spanned<PortRef>>,
}

/// CPU and memory requests and limits.
#[derive(Debug, Clone, Default, JsonSchema)]
pub struct Resources {
    pub requests_cpu: Option<Spanned<String>>,
    pub requests_memory: Option<Spanned<String>>,
    pub limits_cpu: Option<Spanned<String>>,
    pub limits_memory: Option<Spanned<String>>,
}

/// An environment variable: a literal or a key of a Secret.
#[derive(Debug, Clone, JsonSchema)]
pub struct Env {
    pub name: Name,
    pub value: EnvValue,
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, JsonSchema)]
pub enum EnvValue {
    Literal(String),
    Secret { secret: Name, key: Name },
}

/// A mounted volume: a PVC or an emptyDir.
#[derive(Debug, Clone, JsonSchema)]
pub struct Volume {
    pub name: Name,
    pub mount: Spanned<String>,
    /// PVC size; `None` means an emptyDir.
    pub size: Option<Spanned<String>>,
    pub storage_class: Option<Name>,
}

/// The container security context. Defaults are hardened.
#[derive(Debug, Clone, JsonSchema)]
pub struct Security {
    pub run_as_user: Option<i64>,
    pub run_as_group: Option<i64>,
    pub fs_group: Option<i64>,
    pub read_only_root_filesystem: bool,
    pub run_as_non_root: bool,
}

impl Default for Security {
    fn default() -> Self {
        Self {
            run_as_user: None,
            run_as_group: None,
            fs_group: None,
            read_only_root_filesystem: true,
            run_as_non_root: true,
        }
    }
}

/// Egress to the internet on the given ports.
#[derive(Debug, Clone, JsonSchema)]
pub struct InternetEgress {
    pub ports: Vec<Spanned<u16>>,
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
}

/// A database run as a StatefulSet with a PVC.
#[derive(Debug, Clone, JsonSchema)]
pub struct Database {
    pub name: Name,
    pub engine: Spanned<String>,
    pub version: Spanned<String>,
    pub size: Spanned<String>,
    pub storage_class: Option<Name>,
    /// Redis: `aof` (append-only file) or `rdb` snapshots.
    pub persistence: Option<Spanned<String>>,
    pub resources: Resources,
}

/// A Secret some workloads read.
#[derive(Debug, Clone, JsonSchema)]
pub struct Secret {
    pub name: Name,
    /// Created outside stackc (by hand, or another tool).
    pub external: bool,
    pub keys: Vec<SecretKey>,
}

/// One key of a Secret.
#[derive(Debug, Clone, JsonSchema)]
pub struct SecretKey {
    pub name: Name,
    /// stackc generates a random value.
    pub generated: bool,
}
