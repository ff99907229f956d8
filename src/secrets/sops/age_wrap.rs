//! Wrapping the data key for age recipients and unwrapping it with age identities
//! (sops age/keysource.go): one armored age file per recipient holding the 32 raw key bytes.

use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::x25519;

use super::key::{DATA_KEY_LEN, DataKey};
use super::{Result, SopsError};

/// Parsed age identities (private keys). `Debug` shows only how many.
pub struct Identities(Vec<x25519::Identity>);

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identities({} x25519, <redacted>)", self.0.len())
    }
}

impl Identities {
    /// Parses identity file text as sops does: one identity per line, empty lines and lines
    /// starting with `#` skipped, no trimming (a trailing `\r` is dropped by `lines`, as
    /// by Go's line scanner).
    ///
    /// Identities of kinds the `age` crate cannot use (post-quantum `AGE-SECRET-KEY-PQ-`,
    /// plugins) are skipped when the text also holds usable ones.
    ///
    /// # Errors
    /// [`SopsError::InvalidIdentity`] (line number only), [`SopsError::UnsupportedIdentity`]
    /// when only unsupported kinds are present, or [`SopsError::NoIdentities`].
    pub fn parse(text: &str) -> Result<Self> {
        let mut identities = Vec::new();
        let mut unsupported = None;
        for (index, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let number = index + 1;
            let kind = if line.starts_with("AGE-SECRET-KEY-PQ-") {
                Some("ML-KEM-768+X25519 hybrid; the age crate has no age1pq1 support")
            } else if line.starts_with("AGE-PLUGIN-") {
                Some("age plugin")
            } else {
                None
            };
            if let Some(kind) = kind {
                unsupported.get_or_insert(SopsError::UnsupportedIdentity { line: number, kind });
                continue;
            }
            let identity = x25519::Identity::from_str(line).map_err(|_| SopsError::InvalidIdentity { line: number })?;
            identities.push(identity);
        }
        if identities.is_empty() {
            return Err(unsupported.unwrap_or(SopsError::NoIdentities));
        }
        Ok(Self(identities))
    }

    /// The public recipients of these identities (`age1...`).
    #[must_use]
    pub fn recipients(&self) -> Vec<String> {
        self.0.iter().map(|i| i.to_public().to_string()).collect()
    }
}

/// Parses an `age1...` X25519 recipient.
///
/// # Errors
/// [`SopsError::UnsupportedRecipient`] for post-quantum, SSH and plugin recipients,
/// [`SopsError::InvalidRecipient`] otherwise.
pub fn parse_recipient(recipient: &str) -> Result<x25519::Recipient> {
    let unsupported = |kind| SopsError::UnsupportedRecipient { recipient: recipient.to_owned(), kind };
    if recipient.starts_with("age1pq1") {
        return Err(unsupported("ML-KEM-768+X25519 hybrid"));
    }
    if recipient.starts_with("ssh-") {
        return Err(unsupported("SSH"));
    }
    x25519::Recipient::from_str(recipient).map_err(|_| {
        if recipient.starts_with("age1") && recipient[4..].contains('1') {
            unsupported("age plugin")
        } else {
            SopsError::InvalidRecipient { recipient: recipient.to_owned() }
        }
    })
}

/// Encrypts the data key to one recipient as an ASCII-armored age file with `\n` line ends
/// and a final newline, as sops stores it in `enc`.
///
/// # Errors
/// Recipient parse errors, or [`SopsError::AgeEncrypt`].
pub fn wrap(key: &DataKey, recipient: &str) -> Result<String> {
    let parsed = parse_recipient(recipient)?;
    let failed = |message: String| SopsError::AgeEncrypt { recipient: recipient.to_owned(), message };
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&parsed as &dyn age::Recipient))
        .map_err(|e| failed(e.to_string()))?;
    let io = |e: std::io::Error| failed(e.to_string());
    let armor = ArmoredWriter::wrap_output(Vec::new(), Format::AsciiArmor).map_err(io)?;
    let mut writer = encryptor.wrap_output(armor).map_err(io)?;
    writer.write_all(key.as_bytes()).map_err(io)?;
    let armored = writer.finish().and_then(ArmoredWriter::finish).map_err(io)?;
    let text = String::from_utf8(armored).map_err(|_| failed("armor is not UTF-8".to_owned()))?;
    Ok(text.replace("\r\n", "\n"))
}

/// Opens one wrapped key with any of the identities; `Ok(None)` when none of them fits.
///
/// # Errors
/// [`SopsError::AgeFormat`] for a malformed age file, [`SopsError::DataKeyLength`].
pub fn unwrap(enc: &str, recipient: &str, identities: &Identities) -> Result<Option<DataKey>> {
    let malformed = |message: String| SopsError::AgeFormat { recipient: recipient.to_owned(), message };
    let decryptor =
        age::Decryptor::new_buffered(ArmoredReader::new(enc.as_bytes())).map_err(|e| malformed(e.to_string()))?;
    let candidates = identities.0.iter().map(|i| i as &dyn age::Identity);
    let mut reader = match decryptor.decrypt(candidates) {
        Ok(reader) => reader,
        Err(age::DecryptError::NoMatchingKeys) => return Ok(None),
        Err(e) => return Err(malformed(e.to_string())),
    };
    // Read at most one byte more than a key, so an oversized payload is detected cheaply.
    let mut bytes = Vec::with_capacity(DATA_KEY_LEN + 1);
    (&mut reader).take(DATA_KEY_LEN as u64 + 1).read_to_end(&mut bytes).map_err(|e| malformed(e.to_string()))?;
    let key = DataKey::try_from(bytes.as_slice());
    bytes.fill(0);
    key.map(Some)
}
