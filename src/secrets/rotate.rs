//! Commands that need the private key for every file they touch:
//! `stackc secrets rotate` (a new data key, encrypted to the stack's current
//! recipients) and `stackc secrets show` (decrypt for a person).

use super::edit::{existing, open, seal};
use super::error::SecretsError;
use super::plain::PlainSecret;
use super::project::Project;
use super::sops::{CryptoRng, Identities, RngCore};
use super::store::SecretId;

/// What `rotate` did.
#[derive(Debug, Default)]
pub struct Rotated {
    /// Store files rewritten.
    pub rotated: Vec<String>,
    /// Declared Secrets without a store file (nothing to rotate).
    pub missing: Vec<SecretId>,
    pub failed: Vec<(SecretId, SecretsError)>,
}

/// Re-encrypts every declared Secret's store file with a fresh data key to
/// the cluster's current recipients, in stackc's store shape (encrypted
/// `data`/`stringData`, `mac_only_encrypted`). Each file is decrypted with
/// its MAC verified first, so a tampered file is never re-signed.
///
/// # Errors
/// No recipients; per-file failures are collected in [`Rotated::failed`].
pub fn rotate(
    project: &Project,
    identities: &Identities,
    now: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Rotated, SecretsError> {
    project.recipients()?;
    let mut report = Rotated::default();
    for (id, _) in project.declared() {
        let result = existing(project, &id).and_then(|found| {
            let Some(found) = found else {
                return Ok(None);
            };
            let (_, plain) = open(&found, identities)?;
            seal(project, &id, &plain, None, now, rng)?;
            Ok(Some(found.path))
        });
        match result {
            Ok(Some(path)) => report.rotated.push(path),
            Ok(None) => report.missing.push(id),
            Err(e) => report.failed.push((id, e)),
        }
    }
    Ok(report)
}

/// Decrypts one Secret (MAC verified). Tampering — an altered value, values
/// swapped between keys, an altered MAC — and a wrong identity each fail with
/// their own error.
///
/// # Errors
/// Undeclared Secret, no store file, decryption errors.
pub fn show(project: &Project, id: &SecretId, identities: &Identities) -> Result<PlainSecret, SecretsError> {
    project.find(id)?;
    let found = existing(project, id)?.ok_or_else(|| SecretsError::NoStoreFile { path: id.store_path() })?;
    open(&found, identities).map(|(_, plain)| plain)
}
