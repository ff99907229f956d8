//! The file MAC: SHA-512 over the plaintext bytes of the leaves, uppercase hex, stored
//! encrypted under the `lastmodified` AAD (sops.go `Encrypt`/`Decrypt`).

use std::fmt::Write as _;

use sha2::{Digest, Sha256, Sha512};

use super::cipher::{EncValue, IV_LEN, OpenError, ValueType, encrypt_value, open};
use super::key::DataKey;
use super::{Result, SopsError};

/// Accumulates the MAC over leaves in walk order.
#[derive(Clone)]
pub struct MacHasher {
    hash: Sha512,
    only_encrypted: bool,
}

impl std::fmt::Debug for MacHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MacHasher").field("only_encrypted", &self.only_encrypted).finish_non_exhaustive()
    }
}

impl MacHasher {
    /// Starts a MAC. With `mac_only_encrypted` the hash first absorbs sha256("sops") and
    /// later only encrypted leaves (sops >= 3.9 `MACOnlyEncryptedInitialization`).
    #[must_use]
    pub fn new(mac_only_encrypted: bool) -> Self {
        let mut hash = Sha512::new();
        if mac_only_encrypted {
            hash.update(Sha256::digest(b"sops"));
        }
        Self { hash, only_encrypted: mac_only_encrypted }
    }

    /// Adds one non-null leaf's plaintext bytes.
    pub fn add(&mut self, plaintext: &[u8], encrypted: bool) {
        if encrypted || !self.only_encrypted {
            self.hash.update(plaintext);
        }
    }

    /// The MAC as sops prints it: 128 uppercase hex digits.
    #[must_use]
    pub fn finish_hex(self) -> String {
        let digest = self.hash.finalize();
        let mut hex = String::with_capacity(digest.len() * 2);
        for byte in digest {
            let _ = write!(hex, "{byte:02X}");
        }
        hex
    }
}

/// Encrypts the MAC hex as a `str` value with AAD `lastmodified`.
///
/// # Errors
/// Only if AES-GCM refuses, which cannot happen for 128 bytes.
pub fn seal_mac(key: &DataKey, mac_hex: &str, lastmodified: &str, iv: &[u8; IV_LEN]) -> Result<String> {
    encrypt_value(key, mac_hex.as_bytes(), ValueType::Str, lastmodified, iv)
}

/// Decrypts a stored `mac` with AAD = canonical `lastmodified`.
///
/// # Errors
/// [`SopsError::MalformedValue`] for a malformed `mac`, [`SopsError::MacAuthentication`]
/// when it does not open.
pub fn open_mac(key: &DataKey, stored: &str, lastmodified_aad: &str) -> Result<String> {
    let malformed = |reason| SopsError::MalformedValue { path: "sops:mac:".to_owned(), reason };
    let value = EncValue::parse(stored).map_err(malformed)?;
    let bytes = open(key, &value, lastmodified_aad).map_err(|e| match e {
        OpenError::IvLength => malformed("IV is not 32 bytes"),
        OpenError::Authentication => SopsError::MacAuthentication,
    })?;
    String::from_utf8(bytes).map_err(|_| malformed("MAC is not UTF-8"))
}
