//! `stackc secrets linkerd-identity --anchor FILE`: Linkerd's trust anchor
//! and issuer ([`super::pki`]), stored like every other secret.
//!
//! The trust anchor's private key never enters the store nor the cluster:
//! it lives in `FILE` (certificate and PKCS#8 key, mode 0600), which the
//! person keeps offline. A first run creates `FILE` with a new anchor;
//! every run issues a new issuer signed by the anchor in `FILE` and stores
//! it in `linkerd/linkerd-identity` (`ca.crt` the anchor certificate,
//! `tls.crt` and `tls.key` the issuer's), replacing the issuer it held:
//! that is issuer rotation. The anchor's certificate (public) is also
//! written in clear text to `secrets/linkerd/trust-anchor.crt`, from which
//! Argo CD and kustomize trees get the chart's trust-roots ConfigMap.
//! Anchor rotation is in docs/secrets.md.

use std::path::Path;
use std::time::Duration;

use super::edit::store_all;
use super::error::SecretsError;
use super::pki::{Ca, PkiError};
use super::project::Project;
use super::sops::{CryptoRng, Identities, RngCore};
use super::store::SecretId;
use crate::check::platform_secrets::{IDENTITY_KEYS, IDENTITY_SECRET, LINKERD_NAMESPACE, TRUST_ANCHOR};

/// What a run did.
#[derive(Debug)]
pub struct IdentityIssued {
    /// The Secret that holds the issuer now.
    pub id: SecretId,
    /// Whether the anchor file was created by this run.
    pub new_anchor: bool,
    /// The new issuer's last valid day, as the certificate says it.
    pub issuer_not_after: String,
}

/// Creates the anchor in `anchor` unless it exists, then issues and stores
/// a new issuer. `now` is the time since the Unix epoch.
///
/// # Errors
/// A stack without `linkerd`; no recipients; an anchor file that cannot be
/// read, written (it is never overwritten) or that holds no matching
/// certificate and key; store errors.
pub fn linkerd_identity(
    project: &Project,
    anchor: &Path,
    identities: Option<&Identities>,
    now: Duration,
    now_text: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<IdentityIssued, SecretsError> {
    if project.stack.platform.linkerd.is_none() {
        return Err(SecretsError::NoLinkerd);
    }
    project.recipients()?;
    let id = project.id(&format!("{LINKERD_NAMESPACE}/{IDENTITY_SECRET}"))?;
    project.find(&id)?;
    let pki = |e: PkiError| SecretsError::Pki { path: anchor.display().to_string(), source: e };
    let (anchor_ca, new_anchor) = if anchor.exists() {
        let text = std::fs::read_to_string(anchor).map_err(SecretsError::io("reading", anchor))?;
        (Ca::from_pem(&text).map_err(pki)?, false)
    } else {
        let ca = Ca::new_anchor(now, rng).map_err(pki)?;
        let text = format!("{}{}", ca.certificate_pem().map_err(pki)?, ca.key_pkcs8_pem().map_err(pki)?);
        super::identity::write_private(anchor, &text)?;
        (ca, true)
    };
    let issuer = anchor_ca.new_issuer(now, rng).map_err(pki)?;
    let values = [anchor_ca.certificate_pem(), issuer.certificate_pem(), issuer.key_pkcs8_pem()]
        .into_iter()
        .zip(IDENTITY_KEYS)
        .map(|(value, key)| value.map(|v| (key.to_owned(), v)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(pki)?;
    let anchor_pem = values[0].1.clone();
    store_all(project, &id, values, identities, now_text, rng)?;
    let public = SecretId::new(LINKERD_NAMESPACE, TRUST_ANCHOR).in_scope(project.stack.store_scope.as_deref());
    super::files::write_atomic(&project.dir, &public.public_path(), &anchor_pem)?;
    let issuer_not_after = issuer.certificate.tbs_certificate.validity.not_after.to_string();
    Ok(IdentityIssued { id, new_anchor, issuer_not_after })
}
