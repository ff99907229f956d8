//! Decrypting a parsed file: every value the rule selects, then the MAC check (sops.go
//! `Tree.Decrypt`, cmd/sops/common `DecryptTree`); and the [`Decrypted`] result.

use std::fmt;

use serde_json::Value;

use super::age_wrap::Identities;
use super::cipher::{EncValue, OpenError, ValueType, open};
use super::key::DataKey;
use super::mac::{MacHasher, open_mac};
use super::metadata::Metadata;
use super::reader::EncryptedFile;
use super::scalar::Scalar;
use super::stash::Stash;
use super::tree::{Node, aad, walk, walk_mut};
use super::{Result, SopsError};

/// How strictly to decrypt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecryptOptions {
    /// Accept a missing or wrong MAC (sops `--ignore-mac`).
    pub ignore_mac: bool,
}

impl EncryptedFile {
    /// Unwraps the data key with `identities`, then [`Self::decrypt_with_key`].
    ///
    /// # Errors
    /// See [`Self::data_key`] and [`Self::decrypt_with_key`].
    pub fn decrypt(&self, identities: &Identities, options: DecryptOptions) -> Result<Decrypted> {
        self.decrypt_with_key(self.data_key(identities)?, options)
    }

    /// Decrypts every value the rule selects and verifies the MAC.
    ///
    /// # Errors
    /// [`SopsError::MalformedValue`], [`SopsError::ValueAuthentication`],
    /// [`SopsError::ValueMoved`], [`SopsError::BadPlaintext`], and unless
    /// `ignore_mac`: [`SopsError::MissingMac`], [`SopsError::MacAuthentication`],
    /// [`SopsError::MacMismatch`].
    pub fn decrypt_with_key(&self, key: DataKey, options: DecryptOptions) -> Result<Decrypted> {
        let matcher = self.metadata.rule.matcher()?;
        let mut documents = self.documents.clone();
        let mut mac = MacHasher::new(self.metadata.mac_only_encrypted);
        let mut stash = Stash::default();
        walk_mut(&mut documents, &mut |path, leaf| {
            let encrypted = matcher.should_encrypt(path);
            match &*leaf {
                // Non-strings and "" under an encrypted path pass through, as in sops.
                Scalar::Str(stored) if encrypted && !stored.is_empty() => {
                    let aad = aad(path);
                    let (plain, value_type) = self.open_leaf(&key, stored, &aad)?;
                    let bytes =
                        plain.to_bytes().ok_or_else(|| SopsError::TimeOutOfRange { path: aad.clone() })?.into_owned();
                    stash.insert(aad, value_type, bytes, stored.clone());
                    *leaf = plain;
                }
                _ => {}
            }
            let bytes = leaf.to_bytes().ok_or_else(|| SopsError::TimeOutOfRange { path: aad(path) })?;
            mac.add(&bytes, encrypted);
            Ok(())
        })?;
        let verified_mac = self.verify_mac(&key, mac.finish_hex(), options)?;
        Ok(Decrypted { documents, metadata: self.metadata.clone(), key, stash, verified_mac })
    }

    fn open_leaf(&self, key: &DataKey, stored: &str, aad: &str) -> Result<(Scalar, ValueType)> {
        let malformed = |reason| SopsError::MalformedValue { path: aad.to_owned(), reason };
        let value = EncValue::parse(stored).map_err(malformed)?;
        let value_type = ValueType::parse(&value.value_type).ok_or_else(|| SopsError::UnknownValueType {
            path: aad.to_owned(),
            value_type: value.value_type.clone(),
        })?;
        let bytes = match open(key, &value, aad) {
            Ok(bytes) => bytes,
            Err(OpenError::IvLength) => return Err(malformed("IV is not 32 bytes")),
            Err(OpenError::Authentication) => return Err(self.moved_or_altered(key, &value, aad)),
        };
        let plain = Scalar::from_plaintext(value_type, bytes).ok_or_else(|| SopsError::BadPlaintext {
            path: aad.to_owned(),
            value_type: value_type.as_str().to_owned(),
        })?;
        Ok((plain, value_type))
    }

    /// Tells a value moved from another path (it opens under that path's AAD) from an
    /// altered one. Runs only on failure.
    fn moved_or_altered(&self, key: &DataKey, value: &EncValue, path: &str) -> SopsError {
        let mut origin = None;
        // The closure never fails; the walk's result carries nothing.
        let _ = walk(&self.documents, &mut |candidate, _| {
            let candidate = aad(candidate);
            if origin.is_none() && candidate != path && open(key, value, &candidate).is_ok() {
                origin = Some(candidate);
            }
            Ok(())
        });
        match origin {
            Some(origin) => SopsError::ValueMoved { path: path.to_owned(), origin },
            None => SopsError::ValueAuthentication { path: path.to_owned() },
        }
    }

    /// The stored MAC if it matches `computed`; `None` when ignored.
    fn verify_mac(&self, key: &DataKey, computed: String, options: DecryptOptions) -> Result<Option<String>> {
        let verified = self
            .metadata
            .mac
            .as_deref()
            .ok_or(SopsError::MissingMac)
            .and_then(|stored| open_mac(key, stored, &self.metadata.lastmodified_aad()?))
            .and_then(|stored| if stored == computed { Ok(computed) } else { Err(SopsError::MacMismatch) });
        match verified {
            Ok(mac) => Ok(Some(mac)),
            Err(_) if options.ignore_mac => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// A decrypted file: plaintext documents plus what re-encryption needs (data key, metadata,
/// stashed ciphertexts, the verified MAC). `Debug` never shows values or the key.
pub struct Decrypted {
    documents: Vec<Node>,
    metadata: Metadata,
    key: DataKey,
    stash: Stash,
    verified_mac: Option<String>,
}

impl Decrypted {
    /// The plaintext documents as JSON values (times as RFC 3339 strings).
    #[must_use]
    pub fn documents(&self) -> Vec<Value> {
        self.documents.iter().map(Node::to_json).collect()
    }

    /// The plaintext documents as typed trees.
    #[must_use]
    pub fn trees(&self) -> &[Node] {
        &self.documents
    }

    /// The file's metadata.
    #[must_use]
    pub const fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The unwrapped data key.
    #[must_use]
    pub const fn data_key(&self) -> &DataKey {
        &self.key
    }

    /// The MAC hex, when it was verified.
    #[must_use]
    pub fn verified_mac(&self) -> Option<&str> {
        self.verified_mac.as_deref()
    }

    pub(crate) const fn stash(&self) -> &Stash {
        &self.stash
    }
}

impl fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decrypted")
            .field("documents", &self.documents)
            .field("metadata", &self.metadata)
            .field("key", &self.key)
            .field("stash", &self.stash)
            .field("mac_verified", &self.verified_mac.is_some())
            .finish()
    }
}
