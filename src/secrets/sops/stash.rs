//! Ciphertexts remembered while decrypting, so that re-encrypting an unchanged value gives
//! back its old `ENC[...]` text (sops `Cipher.stash`): the zero-churn mechanism.

use std::collections::HashMap;
use std::fmt;

use super::cipher::ValueType;

/// Maps (AAD, type, plaintext bytes) to the stored `ENC[...]` string.
///
/// Holds plaintexts, so `Debug` prints only the entry count.
#[derive(Clone, Default)]
pub struct Stash(HashMap<(String, ValueType, Vec<u8>), String>);

impl Stash {
    /// Remembers that `plaintext` at `aad` was stored as `enc`.
    pub fn insert(&mut self, aad: String, value_type: ValueType, plaintext: Vec<u8>, enc: String) {
        self.0.insert((aad, value_type, plaintext), enc);
    }

    /// The stored ciphertext of exactly this plaintext at this path, if any.
    #[must_use]
    pub fn get(&self, aad: &str, value_type: ValueType, plaintext: &[u8]) -> Option<&str> {
        // The key is owned; build it only for the lookup.
        self.0.get(&(aad.to_owned(), value_type, plaintext.to_vec())).map(String::as_str)
    }
}

impl fmt::Debug for Stash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stash({} entries, <redacted>)", self.0.len())
    }
}
