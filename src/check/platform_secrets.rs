//! The Secrets platform components read, declared by the platform itself as
//! the implicit `<db>-credentials` are by databases: stackc keeps their
//! values in the store, and `build` fails while one has none.
//!
//! * Linkerd's identity (trust anchor certificate, issuer certificate and
//!   key), in the `linkerd` namespace, stored as `linkerd/linkerd-identity`
//!   (`ca.crt`, `tls.crt`, `tls.key`) whatever the engine; `stackc secrets
//!   linkerd-identity` fills it. With Flux the control plane's HelmRelease
//!   reads that Secret into its values. Argo CD and kustomize cannot, so
//!   there the same file is rendered as the `kubernetes.io/tls` Secret
//!   `linkerd-identity-issuer`, which the chart reads itself
//!   (`identity.issuer.scheme: kubernetes.io/tls`: the identity controller
//!   reads `tls.crt` and `tls.key`, linkerd/linkerd2 edge-25.10.7
//!   controller/cmd/identity/main.go:84-90; `linkerd check` also `ca.crt`,
//!   pkg/issuercerts/issuercerts.go:58-77).
//! * The DNS provider's API token of every ACME issuer, in the
//!   `cert-manager` namespace (a ClusterIssuer reads Secrets from the
//!   cluster resource namespace, the chart's own namespace), key
//!   `api-token`.

use crate::diagnostic::Spanned;
use crate::model::{self, GitOpsEngine};

/// The namespace of Linkerd's control plane.
pub const LINKERD_NAMESPACE: &str = "linkerd";
/// The namespace ClusterIssuers read their Secrets from.
pub const CERT_MANAGER_NAMESPACE: &str = "cert-manager";
/// The key of a DNS-01 provider's API token.
pub const API_TOKEN_KEY: &str = "api-token";
/// The keys of Linkerd's identity Secret: trust anchor, issuer certificate, issuer key.
pub const IDENTITY_KEYS: [&str; 3] = ["ca.crt", "tls.crt", "tls.key"];
/// The store's identity Secret, which Flux feeds into the control plane's values.
pub const IDENTITY_SECRET: &str = "linkerd-identity";
/// The issuer Secret the chart reads itself (`kubernetes.io/tls` scheme).
pub const ISSUER_SECRET: &str = "linkerd-identity-issuer";
/// The `type` of the issuer Secret the chart reads itself.
pub const TLS_SECRET_TYPE: &str = "kubernetes.io/tls";
/// The public trust anchor beside the store, `secrets/linkerd/trust-anchor.crt`:
/// the ConfigMap Argo CD and kustomize render is made from it.
pub const TRUST_ANCHOR: &str = "trust-anchor";
/// The ConfigMap of trust anchors the chart reads with `identity.externalCA`
/// (linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:23-36,
/// mounted at :266-270), and its key.
pub const TRUST_ROOTS_CONFIG_MAP: (&str, &str) = ("linkerd-identity-trust-roots", "ca-bundle.crt");
/// The command that fills the identity Secret.
pub const IDENTITY_COMMAND: &str = "stackc secrets linkerd-identity";

/// One Secret a platform component reads.
#[derive(Debug, Clone)]
pub struct PlatformSecret {
    pub namespace: &'static str,
    /// As stored: `secrets/<namespace>/<name>.sops.yaml`.
    pub secret: model::Secret,
    /// The command that fills every key at once, when `secrets set` is not the way.
    pub command: Option<&'static str>,
    /// The name and `type` the rendered Secret has, when not the stored ones.
    pub rendered_as: Option<(&'static str, &'static str)>,
}

/// Every Secret the platform reads, in namespace and name order.
#[must_use]
pub fn platform_secrets(platform: &model::Platform) -> Vec<PlatformSecret> {
    let mut out: Vec<PlatformSecret> = Vec::new();
    if let Some(cm) = &platform.cert_manager {
        for issuer in &cm.issuers {
            let name = &issuer.token_secret;
            if out.iter().any(|s| s.secret.name.value == name.value) {
                continue;
            }
            let key = Spanned::new(API_TOKEN_KEY.to_owned(), name.span);
            out.push(PlatformSecret {
                namespace: CERT_MANAGER_NAMESPACE,
                secret: model::Secret {
                    name: name.clone(),
                    external: false,
                    keys: vec![model::SecretKey { name: key, generated: false }],
                },
                command: None,
                rendered_as: None,
            });
        }
    }
    if let Some(l) = &platform.linkerd {
        let keys = IDENTITY_KEYS
            .iter()
            .map(|k| model::SecretKey { name: Spanned::new((*k).to_owned(), l.span), generated: false })
            .collect();
        out.push(PlatformSecret {
            namespace: LINKERD_NAMESPACE,
            secret: model::Secret { name: Spanned::new(IDENTITY_SECRET.to_owned(), l.span), external: false, keys },
            command: Some(IDENTITY_COMMAND),
            rendered_as: match platform.engine {
                GitOpsEngine::Flux(_) => None,
                GitOpsEngine::ArgoCd(_) | GitOpsEngine::Kustomize { .. } => Some((ISSUER_SECRET, TLS_SECRET_TYPE)),
            },
        });
    }
    out.sort_by(|a, b| (a.namespace, &a.secret.name.value).cmp(&(b.namespace, &b.secret.name.value)));
    out
}
