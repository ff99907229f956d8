//! The one error type of the secret store and the `stackc secrets` commands.
//!
//! Invariant, as in [`super::sops::SopsError`]: no variant carries a secret
//! value, a data key or an identity. Paths, Secret names, keys and public
//! recipients are clear text in every store file and may appear.

use std::io;

use thiserror::Error;

use super::sops::SopsError;
use super::store::{BadSecretId, SecretId};

/// Everything a store operation can fail with.
#[derive(Debug, Error)]
pub enum SecretsError {
    #[error("{action} `{path}`: {source}")]
    Io { action: &'static str, path: String, source: io::Error },
    #[error("`{path}`: {source}")]
    Sops { path: String, source: SopsError },
    #[error(transparent)]
    BadId(#[from] BadSecretId),
    #[error("`{path}` is not a Secret stackc can read: {reason}")]
    BadStoreFile { path: String, reason: String },
    #[error("the stack declares no Secret `{id}`{known}")]
    UnknownSecret { id: SecretId, known: String },
    #[error("Secret `{id}` is declared `external=#true`: it is created outside stackc and has no store file")]
    External { id: SecretId },
    #[error("Secret `{id}` declares no key `{key}` (declared: {declared}); declare it in the stack first")]
    UnknownKey { id: SecretId, key: String, declared: String },
    #[error(
        "cluster `{cluster}` lists no `age-recipient`: add one (`stackc secrets keygen` prints it) before storing secrets"
    )]
    NoRecipients { cluster: String },
    #[error("no age identity found (tried {tried}); pass `--identity FILE`, or set SOPS_AGE_KEY_FILE or SOPS_AGE_KEY")]
    NoIdentity { tried: String },
    #[error("`{path}` already holds values; adding to it needs an age identity that can decrypt it ({why})")]
    NeedsIdentity { path: String, why: String },
    #[error("Secret has no store file `{path}`: run `stackc secrets generate` or `stackc secrets set`")]
    NoStoreFile { path: String },
    #[error("no `--out` given, and neither XDG_CONFIG_HOME nor HOME is set to find the sops key file")]
    NoDefaultLocation,
    #[error("the value is empty: nothing was stored")]
    EmptyValue,
    #[error("the value is not UTF-8 text; Secret values in stringData must be text")]
    NotUtf8,
    #[error("`{path}` already exists; stackc never overwrites an identity")]
    Exists { path: String },
    #[error("the stack has no `linkerd` in its platform: there is no Linkerd identity to make")]
    NoLinkerd,
    #[error("trust anchor `{path}`: {source}")]
    Pki { path: String, source: super::pki::PkiError },
}

impl SecretsError {
    /// An I/O error with the action and path it happened on.
    pub fn io(action: &'static str, path: &std::path::Path) -> impl FnOnce(io::Error) -> Self {
        let path = path.display().to_string();
        move |source| Self::Io { action, path, source }
    }

    /// A sops error on one file.
    pub fn sops(path: &str) -> impl FnOnce(SopsError) -> Self {
        let path = path.to_owned();
        move |source| Self::Sops { path, source }
    }
}
