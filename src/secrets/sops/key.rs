//! The per-file 32-byte data key (sops.go `GenerateDataKey`), never printed.

use std::fmt;

use rand_core::{CryptoRng, RngCore};

/// Length of a sops data key in bytes (AES-256).
pub const DATA_KEY_LEN: usize = 32;

/// The AES-256 key that encrypts every value of one sops file.
///
/// `Debug` is redacted; the bytes are overwritten on drop (best effort, no `zeroize` crate).
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey([u8; DATA_KEY_LEN]);

impl DataKey {
    /// Draws a fresh key from a cryptographic RNG.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut bytes = [0u8; DATA_KEY_LEN];
        rng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Wraps known key bytes (tests, known-answer vectors, unwrapped keys).
    #[must_use]
    pub const fn from_bytes(bytes: [u8; DATA_KEY_LEN]) -> Self {
        Self(bytes)
    }

    /// The raw key bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }
}

impl TryFrom<&[u8]> for DataKey {
    type Error = super::SopsError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        <[u8; DATA_KEY_LEN]>::try_from(bytes)
            .map(Self)
            .map_err(|_| super::SopsError::DataKeyLength { len: bytes.len() })
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        self.0.fill(0);
        // Keeps the store from being optimised away (best effort, not a guarantee).
        std::hint::black_box(&self.0);
    }
}
