//! SOPS files encrypted to age recipients: writing them from typed documents, reading and
//! decrypting files written by the sops CLI (YAML, JSON, dotenv), and re-encrypting with zero
//! churn. The format, rule by rule, is `shared/docs/sops-format.md`.
//!
//! Pipeline of a write: documents (`serde_json::Value`, string/i64/f64/bool/null leaves) →
//! [`tree::Node`] → depth-first walk (AAD = keys joined by `:` plus `:`) that hashes every
//! leaf into the [`mac`] and encrypts the leaves the [`Rule`] selects ([`cipher`]) → MAC
//! sealed under `lastmodified` → data key wrapped per recipient ([`age_wrap`]) → `sops`
//! block ([`metadata`]) appended to every document ([`encrypt()`]). A read parses the file
//! ([`reader`]; YAML typed as go-yaml v3 types it: [`yaml`], [`resolve`], [`gotime`]),
//! unwraps the key and runs the same walk backwards ([`decrypt`]).
//!
//! The emitter of the main crate can ask [`resolve::resolve_plain`] whether a string would
//! read back as another type when written unquoted.
//!
//! Nothing here prints or returns a secret in an error or `Debug` output.

pub mod age_wrap;
pub mod cipher;
pub mod decrypt;
mod dotenv;
pub mod encrypt;
pub mod error;
pub mod gotime;
pub mod key;
pub mod mac;
pub mod metadata;
pub mod reader;
pub mod resolve;
pub mod rule;
pub mod scalar;
mod stash;
pub mod tree;
pub mod yaml;

pub use age_wrap::Identities;
pub use cipher::{EncValue, IV_LEN, ValueType, encrypt_value};
pub use decrypt::{DecryptOptions, Decrypted};
pub use encrypt::{EncryptOptions, encrypt, reencrypt, reencrypt_without_key};
pub use error::{Result, SopsError};
pub use key::DataKey;
pub use mac::MacHasher;
pub use metadata::{AgeEntry, Metadata, WRITER_VERSION};
pub use rand_core::{CryptoRng, OsRng, RngCore};
pub use reader::EncryptedFile;
pub use rule::Rule;
pub use scalar::Scalar;
pub use tree::Node;
pub use yaml::parse_yaml;

/// Decrypts a sops YAML file with age identities (identity-file text) and verifies its MAC.
///
/// # Errors
/// Any [`SopsError`] of parsing, key unwrapping, decryption or MAC verification.
pub fn decrypt_yaml(text: &str, identities: &str) -> Result<Decrypted> {
    EncryptedFile::from_yaml(text)?.decrypt(&Identities::parse(identities)?, DecryptOptions::default())
}

/// Decrypts a sops JSON file with age identities and verifies its MAC.
///
/// # Errors
/// As [`decrypt_yaml`].
pub fn decrypt_json(text: &str, identities: &str) -> Result<Decrypted> {
    EncryptedFile::from_json(text)?.decrypt(&Identities::parse(identities)?, DecryptOptions::default())
}

/// Decrypts a sops dotenv file with age identities and verifies its MAC.
///
/// # Errors
/// As [`decrypt_yaml`].
pub fn decrypt_dotenv(text: &str, identities: &str) -> Result<Decrypted> {
    EncryptedFile::from_dotenv(text)?.decrypt(&Identities::parse(identities)?, DecryptOptions::default())
}
