//! Writing values into the store: `stackc secrets set` and `generate`.
//!
//! A new file is encrypted with a fresh data key to the cluster's
//! recipients. Adding to a file that already holds values needs its data
//! key, so an identity; unchanged values keep their ciphertexts (zero churn).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::SecretsError;
use super::files::{exists, read_stored, write_atomic};
use super::plain::PlainSecret;
use super::project::Project;
use super::sops::{
    CryptoRng, DecryptOptions, Decrypted, EncryptedFile, Identities, Node, RngCore, Scalar, encrypt, reencrypt,
};
use super::store::{SecretId, store_options};
use crate::render::yaml::to_yaml;

/// Bytes of randomness in a generated value (256 bits).
pub const GENERATED_BYTES: usize = 32;

/// A fresh value: 32 bytes from the CSPRNG, URL-safe base64 without padding
/// (43 characters, safe in URLs, shells and connection strings).
pub fn generate_value(rng: &mut (impl RngCore + CryptoRng)) -> String {
    let mut bytes = [0u8; GENERATED_BYTES];
    rng.fill_bytes(&mut bytes);
    let value = URL_SAFE_NO_PAD.encode(bytes);
    bytes.fill(0);
    value
}

/// What the store file of a Secret holds, read without a key.
pub(super) struct Existing {
    pub path: String,
    pub file: EncryptedFile,
    /// Keys of `stringData` and `data` (clear text in every store file).
    pub keys: Vec<String>,
    pub secret_type: Option<String>,
}

/// Reads the store file of `id`, if it exists.
pub(super) fn existing(project: &Project, id: &SecretId) -> Result<Option<Existing>, SecretsError> {
    if !exists(&project.dir, id) {
        return Ok(None);
    }
    let stored = read_stored(&project.dir, id)?;
    let file = stored.parsed.map_err(|reason| SecretsError::BadStoreFile { path: stored.path.clone(), reason })?;
    let document = file.documents().first();
    let mut keys = Vec::new();
    for field in ["stringData", "data"] {
        if let Some(Node::Map(entries)) = document.and_then(|d| d.get(field)) {
            keys.extend(entries.iter().map(|(k, _)| k.clone()));
        }
    }
    let secret_type = match document.and_then(|d| d.get("type")) {
        Some(Node::Scalar(Scalar::Str(t))) => Some(t.clone()),
        _ => None,
    };
    Ok(Some(Existing { path: stored.path, file, keys, secret_type }))
}

/// Decrypts an existing file (MAC verified) into its values.
pub(super) fn open(existing: &Existing, identities: &Identities) -> Result<(Decrypted, PlainSecret), SecretsError> {
    let decrypted =
        existing.file.decrypt(identities, DecryptOptions::default()).map_err(SecretsError::sops(&existing.path))?;
    let plain = PlainSecret::from_decrypted(&existing.path, &decrypted)?;
    Ok((decrypted, plain))
}

/// Encrypts `plain` to the cluster's recipients and writes the store file:
/// re-using `previous`'s data key and unchanged ciphertexts when given.
pub(super) fn seal(
    project: &Project,
    id: &SecretId,
    plain: &PlainSecret,
    previous: Option<&Decrypted>,
    now: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<(), SecretsError> {
    let path = id.store_path();
    let recipients = project.recipients()?;
    let documents = [plain.to_document(id)];
    let options = store_options(now.to_owned());
    let encrypted = match previous {
        Some(previous) => reencrypt(previous, &documents, &recipients, &options, rng),
        None => encrypt(&documents, &recipients, &options, rng),
    }
    .map_err(SecretsError::sops(&path))?;
    let text: String = encrypted.iter().map(to_yaml).collect();
    write_atomic(&project.dir, &path, &text)
}

/// Adds `values` to the Secret's store file (creating it as needed).
/// Without identities, an existing file is only replaced when every value
/// it holds is among `values`.
fn store_values(
    project: &Project,
    id: &SecretId,
    values: Vec<(String, String)>,
    identities: Option<&Identities>,
    now: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<(), SecretsError> {
    let existing = existing(project, id)?;
    let replaces_all = existing.as_ref().is_none_or(|e| e.keys.iter().all(|k| values.iter().any(|(v, _)| v == k)));
    let fresh = |existing: Option<&Existing>| {
        let mut plain = PlainSecret::new();
        if let Some(t) = existing.and_then(|e| e.secret_type.clone()) {
            plain.secret_type = t;
        }
        (plain, None)
    };
    let (mut plain, previous) = match &existing {
        None => fresh(None),
        Some(e) if e.keys.is_empty() => fresh(Some(e)),
        Some(e) => match identities.map(|ids| open(e, ids)) {
            Some(Ok((decrypted, plain))) => (plain, Some(decrypted)),
            Some(Err(error)) if !replaces_all => return Err(error),
            None if !replaces_all => {
                return Err(SecretsError::NeedsIdentity { path: e.path.clone(), why: "no identity found".to_owned() });
            }
            // Every stored value is replaced: a fresh file loses nothing.
            _ => fresh(Some(e)),
        },
    };
    for (key, value) in values {
        plain.set(&key, value);
    }
    seal(project, id, &plain, previous.as_ref(), now, rng)
}

/// Stores several values of a Secret at once (the file's other values, if
/// any, are kept: they need an identity to be read).
///
/// # Errors
/// As [`set`].
pub(super) fn store_all(
    project: &Project,
    id: &SecretId,
    values: Vec<(String, String)>,
    identities: Option<&Identities>,
    now: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<(), SecretsError> {
    store_values(project, id, values, identities, now, rng)
}

/// `stackc secrets set NS/NAME KEY`: stores one value of a declared key.
///
/// # Errors
/// Undeclared Secret or key, an empty value, no recipients, a file that
/// holds other values when no identity is given, decryption and I/O errors.
pub fn set(
    project: &Project,
    id: &SecretId,
    key: &str,
    value: String,
    identities: Option<&Identities>,
    now: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<(), SecretsError> {
    set_all(project, id, vec![(key.to_owned(), value)], identities, now, rng)
}

/// Several values of a declared Secret at once, each checked as [`set`]
/// checks one (`stackc import compose` stores what it found this way).
///
/// # Errors
/// As [`set`].
pub fn set_all(
    project: &Project,
    id: &SecretId,
    values: Vec<(String, String)>,
    identities: Option<&Identities>,
    now: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<(), SecretsError> {
    let secret = project.find(id)?;
    for (key, value) in &values {
        if !secret.keys.iter().any(|k| k.name.value == *key) {
            let declared: Vec<&str> = secret.keys.iter().map(|k| k.name.value.as_str()).collect();
            return Err(SecretsError::UnknownKey {
                id: id.clone(),
                key: key.chars().take(253).collect(),
                declared: declared.join(", "),
            });
        }
        if value.is_empty() {
            return Err(SecretsError::EmptyValue);
        }
    }
    project.recipients()?;
    store_values(project, id, values, identities, now, rng)
}

/// Whether `key` of `id` is a `generated=#true` key whose value is already
/// stored: `set` would replace a generated value (the CLI says so).
///
/// # Errors
/// An unknown Secret, an unreadable store file.
pub fn replaces_generated(project: &Project, id: &SecretId, key: &str) -> Result<bool, SecretsError> {
    let generated = project.find(id)?.keys.iter().any(|k| k.name.value == key && k.generated);
    Ok(generated && existing(project, id)?.is_some_and(|e| e.keys.iter().any(|k| k == key)))
}

/// What `generate` did: the keys it filled per Secret, and the Secrets it
/// could not fill.
#[derive(Debug, Default)]
pub struct Generated {
    pub filled: Vec<(SecretId, Vec<String>)>,
    pub failed: Vec<(SecretId, SecretsError)>,
}

/// `stackc secrets generate`: a fresh random value for every declared
/// `generated=#true` key that has none. Idempotent.
///
/// # Errors
/// No recipients while something needs generating. Per-Secret failures are
/// collected in [`Generated::failed`].
pub fn generate(
    project: &Project,
    identities: Option<&Identities>,
    now: &str,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Generated, SecretsError> {
    let mut report = Generated::default();
    for (id, secret) in project.declared() {
        let result = (|| {
            let stored = existing(project, &id)?.map(|e| e.keys).unwrap_or_default();
            let missing: Vec<String> = secret
                .keys
                .iter()
                .filter(|k| k.generated && !stored.contains(&k.name.value))
                .map(|k| k.name.value.clone())
                .collect();
            if missing.is_empty() {
                return Ok(missing);
            }
            project.recipients()?;
            let values = missing.iter().map(|k| (k.clone(), generate_value(rng))).collect();
            store_values(project, &id, values, identities, now, rng)?;
            Ok(missing)
        })();
        match result {
            Ok(keys) if keys.is_empty() => {}
            Ok(keys) => report.filled.push((id, keys)),
            Err(e @ SecretsError::NoRecipients { .. }) => return Err(e),
            Err(e) => report.failed.push((id, e)),
        }
    }
    Ok(report)
}
