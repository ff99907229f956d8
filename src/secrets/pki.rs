//! The certificates of Linkerd's identity: a self-signed trust anchor and
//! an issuer CA it signs, ECDSA P-256 with SHA-256, as Linkerd makes them
//! itself and as `linkerd check` requires them (linkerd/linkerd2
//! edge-25.10.7):
//!
//! * P-256 keys, signed with ECDSA-SHA256: `pkg/issuercerts/issuercerts.go:174-185`
//!   (`linkerd check`: "trust anchors/issuer cert are using supported crypto
//!   algorithm", `pkg/healthcheck/healthcheck.go:950-1010`);
//! * the anchor a CA with key usages certificate sign and CRL sign
//!   (`pkg/tls/ca.go:120-124`), the issuer a CA with path length 0 and the
//!   same usages (`pkg/tls/ca.go:168-173`); the identity controller refuses
//!   an issuer that is not a CA (`pkg/identity/service.go:140-142`) or that
//!   the anchors do not verify (`pkg/identity/service.go:135-138`);
//! * the issuer named `identity.<namespace>.<trust domain>` =
//!   `identity.linkerd.cluster.local` (`controller/cmd/identity/main.go:125`),
//!   the anchor `root.linkerd.cluster.local` (Linkerd's
//!   "generating your own mTLS root certificates" guide uses these names).
//!
//! Unlike Linkerd's own anchor (no path length limit), the anchor here says
//! path length 1: the chain below it is one issuer, then workload leaves.
//! Keys are PKCS#8 PEM (`PRIVATE KEY`), which Linkerd reads
//! (`pkg/tls/codec.go:72-79`).

use std::time::Duration;

use p256::ecdsa::{DerSignature, SigningKey, signature::Signer};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use sha2::{Digest, Sha256};
use x509_cert::der::asn1::{BitString, GeneralizedTime, OctetString, UtcTime};
use x509_cert::der::{Decode, DecodePem, Encode, EncodePem};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate, Version};

use super::sops::{CryptoRng, RngCore};

/// The trust anchor's subject common name.
pub const ANCHOR_NAME: &str = "root.linkerd.cluster.local";
/// The issuer's subject common name: `identity.<ns>.<trust domain>`.
pub const ISSUER_NAME: &str = "identity.linkerd.cluster.local";
/// How long a new trust anchor is valid: 10 years (3650 days).
pub const ANCHOR_LIFETIME: Duration = Duration::from_secs(3650 * 24 * 3600);
/// How long a new issuer is valid: 1 year (365 days).
pub const ISSUER_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);
/// Validity starts this long before "now", for clocks slightly behind.
pub const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// `ecdsa-with-SHA256` (RFC 5758 section 3.2), without parameters.
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

/// Why a certificate could not be made or read. Never holds key material.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("cannot encode the certificate: {0}")]
    Encode(String),
    #[error("{what} is not a PEM {expected}: {reason}")]
    BadPem { what: &'static str, expected: &'static str, reason: String },
    #[error("the trust anchor's key does not match its certificate")]
    KeyMismatch,
    #[error("the trust anchor expired at {not_after}: rotate the anchor (docs/secrets.md)")]
    Expired { not_after: String },
}

fn encode_error(e: impl std::fmt::Display) -> PkiError {
    PkiError::Encode(e.to_string())
}

/// A CA: its certificate and signing key. `Debug` never shows the key.
pub struct Ca {
    pub certificate: Certificate,
    key: SigningKey,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca").field("subject", &self.certificate.tbs_certificate.subject.to_string()).finish()
    }
}

impl Ca {
    /// A new self-signed trust anchor, valid from `now` (less [`CLOCK_SKEW`])
    /// for [`ANCHOR_LIFETIME`]; `now` is the time since the Unix epoch.
    ///
    /// # Errors
    /// [`PkiError::Encode`] when the times cannot be encoded.
    pub fn new_anchor(now: Duration, rng: &mut (impl RngCore + CryptoRng)) -> Result<Self, PkiError> {
        let key = SigningKey::random(rng);
        let subject = common_name(ANCHOR_NAME)?;
        let spki = spki(&key)?;
        let ski = key_id(&spki);
        let extensions = vec![
            extension(&BasicConstraints { ca: true, path_len_constraint: Some(1) }, true, &subject)?,
            extension(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign), true, &subject)?,
            extension(&SubjectKeyIdentifier(ski), false, &subject)?,
        ];
        let tbs = tbs(serial(rng)?, subject.clone(), subject, validity(now, ANCHOR_LIFETIME)?, spki, extensions);
        let certificate = sign(tbs, &key)?;
        Ok(Self { certificate, key })
    }

    /// A new issuer CA signed by this anchor, valid from `now` (less
    /// [`CLOCK_SKEW`]) for [`ISSUER_LIFETIME`], never past the anchor.
    ///
    /// # Errors
    /// [`PkiError::Expired`] when the anchor is no longer valid at `now`;
    /// [`PkiError::Encode`] when the times cannot be encoded.
    pub fn new_issuer(&self, now: Duration, rng: &mut (impl RngCore + CryptoRng)) -> Result<Self, PkiError> {
        let anchor_end = self.certificate.tbs_certificate.validity.not_after;
        if anchor_end.to_unix_duration() <= now {
            return Err(PkiError::Expired { not_after: anchor_end.to_string() });
        }
        let key = SigningKey::random(rng);
        let subject = common_name(ISSUER_NAME)?;
        let spki = spki(&key)?;
        let ski = key_id(&spki);
        let anchor_ski = key_id(&self.certificate.tbs_certificate.subject_public_key_info);
        let aki = AuthorityKeyIdentifier { key_identifier: Some(anchor_ski), ..AuthorityKeyIdentifier::default() };
        let extensions = vec![
            extension(&BasicConstraints { ca: true, path_len_constraint: Some(0) }, true, &subject)?,
            extension(&KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign), true, &subject)?,
            extension(&SubjectKeyIdentifier(ski), false, &subject)?,
            extension(&aki, false, &subject)?,
        ];
        let mut validity = validity(now, ISSUER_LIFETIME)?;
        if anchor_end.to_unix_duration() < validity.not_after.to_unix_duration() {
            validity.not_after = anchor_end;
        }
        let issuer = self.certificate.tbs_certificate.subject.clone();
        let tbs = tbs(serial(rng)?, issuer, subject, validity, spki, extensions);
        let certificate = sign(tbs, &self.key)?;
        Ok(Self { certificate, key })
    }

    /// The certificate as PEM.
    ///
    /// # Errors
    /// [`PkiError::Encode`].
    pub fn certificate_pem(&self) -> Result<String, PkiError> {
        self.certificate.to_pem(LineEnding::LF).map_err(encode_error)
    }

    /// The private key as PKCS#8 PEM (`PRIVATE KEY`, the curve named in the
    /// algorithm), which Linkerd reads (`pkg/tls/codec.go:72-79`). Not SEC1:
    /// the RustCrypto SEC1 encoding leaves out the optional curve parameters,
    /// and Go's `x509.ParseECPrivateKey` then refuses an "unknown elliptic curve".
    ///
    /// # Errors
    /// [`PkiError::Encode`].
    pub fn key_pkcs8_pem(&self) -> Result<String, PkiError> {
        self.key.to_pkcs8_pem(LineEnding::LF).map(|pem| pem.to_string()).map_err(encode_error)
    }

    /// A CA from PEM text holding its certificate and its private key
    /// (PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`), as the anchor file
    /// does, checking that they belong together.
    ///
    /// # Errors
    /// [`PkiError::BadPem`] or [`PkiError::KeyMismatch`].
    pub fn from_pem(text: &str) -> Result<Self, PkiError> {
        let bad = |what, expected, reason: String| PkiError::BadPem { what, expected, reason };
        let certificate = pem_block(text, "CERTIFICATE")
            .ok_or_else(|| bad("the file", "CERTIFICATE", "no such block".to_owned()))
            .and_then(|block| {
                Certificate::from_pem(block.as_bytes())
                    .map_err(|e| bad("the certificate", "CERTIFICATE", e.to_string()))
            })?;
        let key = if let Some(block) = pem_block(text, "PRIVATE KEY") {
            SigningKey::from_pkcs8_pem(block).ok()
        } else {
            pem_block(text, "EC PRIVATE KEY")
                .and_then(|block| p256::SecretKey::from_sec1_pem(block).ok())
                .map(SigningKey::from)
        };
        let key = key.ok_or_else(|| bad("the key", "P-256 PRIVATE KEY", "missing or not a P-256 key".to_owned()))?;
        if spki(&key)? != certificate.tbs_certificate.subject_public_key_info {
            return Err(PkiError::KeyMismatch);
        }
        Ok(Self { certificate, key })
    }
}

/// The first PEM block labelled `label` in `text`, markers included.
fn pem_block<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)?;
    let stop = text[start..].find(&end)? + start + end.len();
    Some(&text[start..stop])
}

fn common_name(name: &str) -> Result<Name, PkiError> {
    format!("CN={name}").parse().map_err(encode_error)
}

fn spki(key: &SigningKey) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    let der = key.verifying_key().to_public_key_der().map_err(encode_error)?;
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(encode_error)
}

/// The key identifier of a public key: the leftmost 160 bits of the SHA-256
/// of its `subjectPublicKey` bits (RFC 7093 section 2, method 1).
fn key_id(spki: &SubjectPublicKeyInfoOwned) -> OctetString {
    let digest = Sha256::digest(spki.subject_public_key.raw_bytes());
    OctetString::new(&digest[..20]).expect("20 bytes fit an OCTET STRING")
}

fn extension(value: &impl x509_cert::ext::AsExtension, critical: bool, subject: &Name) -> Result<Extension, PkiError> {
    let mut extension = value.to_extension(subject, &[]).map_err(encode_error)?;
    extension.critical = critical;
    Ok(extension)
}

/// A positive random 128-bit serial number (RFC 5280 section 4.1.2.2).
fn serial(rng: &mut (impl RngCore + CryptoRng)) -> Result<SerialNumber, PkiError> {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    SerialNumber::new(&bytes).map_err(encode_error)
}

/// From `now - CLOCK_SKEW` for `lifetime`; UTCTime before 2050 and
/// GeneralizedTime from then on (RFC 5280 section 4.1.2.5).
fn validity(now: Duration, lifetime: Duration) -> Result<Validity, PkiError> {
    Ok(Validity { not_before: time(now.saturating_sub(CLOCK_SKEW))?, not_after: time(now + lifetime)? })
}

fn time(at: Duration) -> Result<Time, PkiError> {
    let seconds = Duration::from_secs(at.as_secs());
    match UtcTime::from_unix_duration(seconds) {
        Ok(utc) => Ok(Time::UtcTime(utc)),
        Err(_) => GeneralizedTime::from_unix_duration(seconds).map(Time::GeneralTime).map_err(encode_error),
    }
}

fn tbs(
    serial_number: SerialNumber,
    issuer: Name,
    subject: Name,
    validity: Validity,
    subject_public_key_info: SubjectPublicKeyInfoOwned,
    extensions: Vec<Extension>,
) -> TbsCertificate {
    TbsCertificate {
        version: Version::V3,
        serial_number,
        signature: AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA256, parameters: None },
        issuer,
        validity,
        subject,
        subject_public_key_info,
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    }
}

fn sign(tbs_certificate: TbsCertificate, key: &SigningKey) -> Result<Certificate, PkiError> {
    let tbs = tbs_certificate.to_der().map_err(encode_error)?;
    let signature: DerSignature = key.sign(&tbs);
    Ok(Certificate {
        tbs_certificate,
        signature_algorithm: AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA256, parameters: None },
        signature: BitString::from_bytes(signature.as_bytes()).map_err(encode_error)?,
    })
}
