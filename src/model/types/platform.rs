//! Platform components: the GitOps engine, Linkerd, Traefik, cert-manager,
//! Kyverno, Prometheus, Velero.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// Platform components. Each is optional; features that need one say so.
#[derive(Debug, Clone, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Platform {
    /// What applies the tree: `engine "flux"` (the default), `"argocd"` or `"kustomize"`.
    pub engine: GitOpsEngine,
    /// The Linkerd service mesh.
    pub linkerd: Option<Linkerd>,
    /// The Traefik ingress controller.
    pub traefik: Option<Traefik>,
    /// cert-manager and its ACME issuers.
    pub cert_manager: Option<CertManager>,
    /// Kyverno and the rules derived from the stack.
    pub kyverno: Option<Kyverno>,
    /// An existing Prometheus (Prometheus Operator) that scrapes apps.
    pub prometheus: Option<Prometheus>,
    /// An existing Velero that backs up the stack's PVCs on a schedule.
    pub velero: Option<Velero>,
}

/// The Velero that backs up the stack's volumes: stackc writes one
/// `Schedule` per namespace holding PVCs and installs nothing.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Velero {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The namespace Velero runs in, where the Schedules go (default `velero`).
    pub namespace: Name,
    /// When backups run: a five-field cron expression or a `@daily`-style
    /// descriptor (default `0 3 * * *`, in the Velero server's time zone).
    pub schedule: Spanned<String>,
    /// How long each backup is kept, a Go duration (default `720h`, 30 days).
    pub ttl: Spanned<String>,
    /// The BackupStorageLocation backups go to (default: Velero's default location).
    pub storage_location: Option<Name>,
    /// How volume data is captured: `fs-backup` (default) or `snapshot`.
    pub volume_backup: Spanned<VolumeBackup>,
}

/// How Velero captures the data of a volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum VolumeBackup {
    /// File-system backup by Velero's node-agent (kopia), on any storage.
    FsBackup,
    /// Volume snapshots (CSI or a provider plugin); needs snapshot support.
    Snapshot,
}

/// The Prometheus that scrapes apps' `metrics`: stackc writes PodMonitors
/// and the policy that lets exactly its pods in.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Prometheus {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The namespace Prometheus runs in (default `monitoring`).
    pub namespace: Name,
    /// The labels of the Prometheus pods (default `app.kubernetes.io/name=prometheus`).
    pub pods: BTreeMap<String, String>,
    /// Its ServiceAccount, the mesh identity (default `prometheus`).
    pub service_account: Name,
    /// Labels PodMonitors need for this Prometheus to select them, e.g. `release=kube-prometheus-stack`.
    pub monitor_labels: BTreeMap<String, String>,
}

/// The GitOps engine that applies the rendered tree.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::engine)]
pub enum GitOpsEngine {
    /// Flux CD: Kustomizations with `dependsOn`, HelmReleases, SOPS decryption.
    Flux(Flux),
    /// Argo CD: an app of apps, an Application per directory and per Helm
    /// release, ordered by sync waves; Secrets through KSOPS.
    #[serde(rename = "argocd")]
    ArgoCd(ArgoCd),
    /// Plain kustomize: no engine objects; Helm charts under `helmCharts`,
    /// Secrets through KSOPS.
    Kustomize {
        #[schemars(skip)]
        span: crate::diagnostic::Span,
    },
}

impl Default for GitOpsEngine {
    fn default() -> Self {
        let span = crate::diagnostic::Span::default();
        GitOpsEngine::Flux(Flux { span, install_manifest: Some(Spanned::new(FLUX_INSTALL_MANIFEST.to_owned(), span)) })
    }
}

impl GitOpsEngine {
    /// The engine's name as written in `stack.kdl`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            GitOpsEngine::Flux(_) => "flux",
            GitOpsEngine::ArgoCd(_) => "argocd",
            GitOpsEngine::Kustomize { .. } => "kustomize",
        }
    }

    /// The namespace the engine's controllers run in, if it has one.
    #[must_use]
    pub fn namespace(&self) -> Option<&str> {
        match self {
            GitOpsEngine::Flux(_) => Some("flux-system"),
            GitOpsEngine::ArgoCd(a) => Some(&a.namespace.value),
            GitOpsEngine::Kustomize { .. } => None,
        }
    }

    /// The `engine` node, or the `platform` default.
    #[must_use]
    pub fn span(&self) -> crate::diagnostic::Span {
        match self {
            GitOpsEngine::Flux(f) => f.span,
            GitOpsEngine::ArgoCd(a) => a.span,
            GitOpsEngine::Kustomize { span } => *span,
        }
    }
}

/// Argo CD: Applications in `namespace`, in `project`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct ArgoCd {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The namespace Argo CD runs in and its Applications live in (default `argocd`).
    pub namespace: Name,
    /// The Argo CD project of every Application (default `default`).
    pub project: Name,
}

/// The file `flux install --export` and `flux bootstrap` write Flux's own
/// manifests to (fluxcd/flux2 v2.9.4 pkg/manifestgen/install/options.go:57).
pub const FLUX_INSTALL_MANIFEST: &str = "gotk-components.yaml";

/// Flux CD: Kustomizations with dependency ordering and SOPS decryption.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Flux {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// A file in `flux-system/` that stackc lists but does not own: Flux's
    /// own manifests (default `gotk-components.yaml`, written by `flux
    /// install --export` or committed by `flux bootstrap`); `#false` for
    /// none, when Flux is installed another way.
    pub install_manifest: Option<Spanned<String>>,
}

/// Linkerd service mesh: mTLS and identity-based policy.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Linkerd {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The linkerd-crds and linkerd-control-plane chart version.
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

impl DefaultInbound {
    /// The value Linkerd's chart and annotation take.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultInbound::AllUnauthenticated => "all-unauthenticated",
            DefaultInbound::AllAuthenticated => "all-authenticated",
            DefaultInbound::ClusterAuthenticated => "cluster-authenticated",
            DefaultInbound::ClusterUnauthenticated => "cluster-unauthenticated",
            DefaultInbound::Deny => "deny",
        }
    }
}

/// Traefik v3 ingress controller.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Traefik {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The Traefik chart version.
    pub version: Spanned<String>,
    /// Redirect every HTTP request to HTTPS.
    pub redirect_http_to_https: bool,
}

/// cert-manager with ACME issuers.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct CertManager {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The cert-manager chart version.
    pub version: Spanned<String>,
    /// ACME ClusterIssuers.
    #[serde(rename = "issuer")]
    pub issuers: Vec<Issuer>,
}

/// An ACME ClusterIssuer solving DNS-01 challenges.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "acme-email", "dns01", "token-secret"]))]
pub struct Issuer {
    /// The ClusterIssuer name.
    pub name: Name,
    /// The ACME account e-mail.
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
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Kyverno {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The Kyverno chart version.
    pub version: Spanned<String>,
    /// `audit` (report) or `enforce` (reject) for every rule.
    pub mode: Spanned<PolicyMode>,
    /// Per-rule overrides: another mode, or the rule switched off.
    #[serde(rename = "rule")]
    pub rules: Vec<KyvernoRule>,
}

/// An override of one generated Kyverno rule.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct KyvernoRule {
    /// The rule's name, e.g. `restrict-image-registries`.
    pub name: Name,
    /// This rule's mode, overriding the default.
    pub mode: Option<Spanned<PolicyMode>>,
    /// `#false` leaves the rule out.
    pub enabled: bool,
}

/// Whether Kyverno blocks violations or only reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyMode {
    Audit,
    Enforce,
}
