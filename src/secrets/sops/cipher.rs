//! AES-256-GCM with 32-byte IVs and the `ENC[AES256_GCM,data:..,iv:..,tag:..,type:..]`
//! text form of one encrypted value (sops aes/cipher.go).

use aes_gcm::AesGcm;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::generic_array::typenum::U32;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::SopsError;
use super::key::DataKey;

/// IV length sops writes (`nonceSize = 32`, so GCM derives J0 through GHASH).
pub const IV_LEN: usize = 32;
const TAG_LEN: usize = 16;
const PREFIX: &str = "ENC[AES256_GCM,";

type Gcm = AesGcm<Aes256, U32>;

/// Standard alphabet with padding; decoding is as lenient as Go's `StdEncoding` about
/// trailing bits.
const B64: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

/// The `type:` field of an encrypted value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// A string.
    Str,
    /// A signed 64-bit integer.
    Int,
    /// A 64-bit float.
    Float,
    /// A boolean (`True`/`False`).
    Bool,
    /// A go-yaml timestamp, RFC 3339 with nanoseconds.
    Time,
    /// An encrypted YAML comment.
    Comment,
    /// Legacy raw bytes (read only).
    Bytes,
}

impl ValueType {
    /// The name written after `type:`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Str => "str",
            Self::Int => "int",
            Self::Float => "float",
            Self::Bool => "bool",
            Self::Time => "time",
            Self::Comment => "comment",
            Self::Bytes => "bytes",
        }
    }

    /// Parses a `type:` field.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Str, Self::Int, Self::Float, Self::Bool, Self::Time, Self::Comment, Self::Bytes]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

/// The parts of an `ENC[...]` string, base64-decoded.
#[derive(Clone, PartialEq, Eq)]
pub struct EncValue {
    /// Ciphertext without the tag.
    pub data: Vec<u8>,
    /// The IV.
    pub iv: Vec<u8>,
    /// The GCM tag.
    pub tag: Vec<u8>,
    /// The `type:` field as written.
    pub value_type: String,
}

impl std::fmt::Debug for EncValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncValue")
            .field("data_len", &self.data.len())
            .field("iv_len", &self.iv.len())
            .field("value_type", &self.value_type)
            .finish_non_exhaustive()
    }
}

impl EncValue {
    /// Parses `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<t>]`.
    ///
    /// # Errors
    /// A static reason when the text does not have that shape.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let inner = text
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.strip_suffix(']'))
            .ok_or("not of the form ENC[AES256_GCM,...]")?;
        let mut fields = inner.splitn(4, ',');
        let mut field = |name: &str| {
            fields
                .next()
                .and_then(|f| f.strip_prefix(name))
                .filter(|v| !v.is_empty())
                .ok_or("missing or empty data, iv, tag or type field")
        };
        let (data, iv, tag, value_type) = (field("data:")?, field("iv:")?, field("tag:")?, field("type:")?);
        let decode = |b64: &str| B64.decode(b64).map_err(|_| "invalid base64");
        Ok(Self { data: decode(data)?, iv: decode(iv)?, tag: decode(tag)?, value_type: value_type.to_owned() })
    }
}

/// Encrypts `plaintext` with `key`, the given IV and `aad`, returning the `ENC[...]` text.
///
/// This is the known-answer encoder: with the IV taken from a sops file it reproduces the
/// stored string byte for byte.
///
/// # Errors
/// [`SopsError::Encryption`] if AES-GCM refuses the input (longer than 64 GiB).
pub fn encrypt_value(
    key: &DataKey,
    plaintext: &[u8],
    value_type: ValueType,
    aad: &str,
    iv: &[u8; IV_LEN],
) -> Result<String, SopsError> {
    let cipher = Gcm::new(GenericArray::from_slice(key.as_bytes()));
    let payload = Payload { msg: plaintext, aad: aad.as_bytes() };
    let sealed = cipher
        .encrypt(GenericArray::from_slice(iv), payload)
        .map_err(|_| SopsError::Encryption { path: aad.to_owned() })?;
    let (data, tag) = sealed.split_at(sealed.len() - TAG_LEN);
    Ok(format!(
        "{PREFIX}data:{},iv:{},tag:{},type:{}]",
        B64.encode(data),
        B64.encode(iv),
        B64.encode(tag),
        value_type.as_str()
    ))
}

/// Why [`open`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// The IV is not 32 bytes (sops never writes another length).
    IvLength,
    /// GCM authentication failed.
    Authentication,
}

/// Decrypts a parsed value; like Go, data and tag are concatenated before opening, so only
/// their total length matters.
///
/// # Errors
/// [`OpenError`] when the IV length is unsupported or authentication fails.
pub fn open(key: &DataKey, value: &EncValue, aad: &str) -> Result<Vec<u8>, OpenError> {
    let iv: &[u8; IV_LEN] = value.iv.as_slice().try_into().map_err(|_| OpenError::IvLength)?;
    let mut sealed = Vec::with_capacity(value.data.len() + value.tag.len());
    sealed.extend_from_slice(&value.data);
    sealed.extend_from_slice(&value.tag);
    let cipher = Gcm::new(GenericArray::from_slice(key.as_bytes()));
    let payload = Payload { msg: &sealed, aad: aad.as_bytes() };
    cipher.decrypt(GenericArray::from_slice(iv), payload).map_err(|_| OpenError::Authentication)
}

/// Draws a fresh IV.
pub fn random_iv(rng: &mut (impl rand_core::RngCore + rand_core::CryptoRng)) -> [u8; IV_LEN] {
    let mut iv = [0u8; IV_LEN];
    rng.fill_bytes(&mut iv);
    iv
}
