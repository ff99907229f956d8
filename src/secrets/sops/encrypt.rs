//! Encrypting typed documents into sops form (sops.go `Tree.Encrypt`,
//! cmd/sops/common `EncryptTree`), with and without a previous file to stay byte-identical to.

use rand_core::{CryptoRng, RngCore};
use serde_json::Value;

use super::age_wrap::wrap;
use super::cipher::{encrypt_value, random_iv};
use super::decrypt::Decrypted;
use super::gotime::GoTime;
use super::key::DataKey;
use super::mac::{MacHasher, seal_mac};
use super::metadata::{AgeEntry, Metadata, WRITER_VERSION};
use super::reader::EncryptedFile;
use super::rule::{Matcher, Rule};
use super::scalar::Scalar;
use super::tree::{BigInts, Node, aad, walk, walk_mut};
use super::{Result, SopsError};

/// What to write besides the values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptOptions {
    /// Which leaves to encrypt; Flux wants `EncryptedRegex("^(data|stringData)$")`.
    pub rule: Rule,
    /// MAC only the encrypted values, so clear-text metadata can change without the key.
    pub mac_only_encrypted: bool,
    /// `YYYY-MM-DDTHH:MM:SSZ`, supplied by the caller so output is deterministic.
    pub lastmodified: String,
}

/// Encrypts one file (one or more documents) to the given age recipients with a fresh data
/// key. Each returned document has its selected leaves replaced by `ENC[...]` strings and
/// the `sops` block appended as its last key.
///
/// # Errors
/// [`SopsError::NoDocuments`], [`SopsError::NotAMapping`], [`SopsError::AlreadyEncrypted`],
/// [`SopsError::IntegerOutOfRange`], [`SopsError::InvalidLastModified`],
/// [`SopsError::InvalidRule`], [`SopsError::NoRecipients`], recipient errors.
pub fn encrypt(
    documents: &[Value],
    recipients: &[String],
    options: &EncryptOptions,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<Value>> {
    let trees = to_trees(documents)?;
    check_lastmodified(&options.lastmodified)?;
    let key = DataKey::generate(rng);
    let age = wrap_all(&key, recipients, &[])?;
    seal(trees, &key, None, age, options, rng)
}

/// Re-encrypts with a previous file's data key, keeping the wrapped key of every recipient
/// that stays, the ciphertext of every value whose path, type and plaintext are unchanged,
/// and — when the MAC is unchanged too — `lastmodified` and `mac` (then
/// `options.lastmodified` is not used). Identical input thus gives identical output.
///
/// Dropping a recipient does not rotate the data key (as `sops updatekeys`).
///
/// # Errors
/// As [`encrypt`].
pub fn reencrypt(
    previous: &Decrypted,
    documents: &[Value],
    recipients: &[String],
    options: &EncryptOptions,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<Value>> {
    let trees = to_trees(documents)?;
    check_lastmodified(&options.lastmodified)?;
    let key = previous.data_key();
    let age = wrap_all(key, recipients, &previous.metadata().age)?;
    seal(trees, key, Some(previous), age, options, rng)
}

/// Re-emits a `mac_only_encrypted` file whose clear-text values changed, without the data
/// key: every value the rule encrypts must be given as the previous file's stored value
/// (its `ENC[...]` string, from [`EncryptedFile::documents`]), at the same path and in the
/// same order, so the previous ciphertexts, `lastmodified` and `mac` stay valid.
///
/// # Errors
/// [`SopsError::NeedsDataKey`] when that is not the case (MAC over all values, rule or
/// recipients changed, an encrypted value differs or moved), and the shape errors of
/// [`encrypt`].
pub fn reencrypt_without_key(
    previous: &EncryptedFile,
    documents: &[Value],
    recipients: &[String],
    options: &EncryptOptions,
) -> Result<Vec<Value>> {
    let needs = |reason: String| Err(SopsError::NeedsDataKey { reason });
    let old = previous.metadata();
    if !(old.mac_only_encrypted && options.mac_only_encrypted) {
        return needs("the MAC covers clear-text values (mac_only_encrypted is off)".to_owned());
    }
    if old.rule != options.rule {
        return needs("the encryption rule changed".to_owned());
    }
    let Some(mac) = old.mac.clone() else {
        return needs("the previous file has no MAC".to_owned());
    };
    let mut age = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        match old.age.iter().find(|e| &e.recipient == recipient) {
            Some(entry) => age.push(entry.clone()),
            None => return needs(format!("recipient `{recipient}` is new")),
        }
    }
    if age.is_empty() {
        return Err(SopsError::NoRecipients);
    }
    let trees = to_trees(documents)?;
    let matcher = options.rule.matcher()?;
    let before = encrypted_leaves(previous.documents(), &matcher)?;
    let after = encrypted_leaves(&trees, &matcher)?;
    if let Some(((path, _), _)) = after.iter().zip(&before).find(|(a, b)| a != b) {
        return needs(format!("the encrypted value at `{path}` is not the previous ciphertext"));
    }
    if after.len() != before.len() {
        return needs("encrypted values were added or removed".to_owned());
    }
    let metadata = written_metadata(age, old.lastmodified.clone(), mac, options);
    Ok(attach(&trees, &metadata))
}

/// Converts and checks the caller's documents.
fn to_trees(documents: &[Value]) -> Result<Vec<Node>> {
    if documents.is_empty() {
        return Err(SopsError::NoDocuments);
    }
    documents
        .iter()
        .enumerate()
        .map(|(document, value)| match Node::from_json(value, BigInts::Reject)? {
            Node::Map(entries) if entries.iter().any(|(k, _)| k == "sops") => {
                Err(SopsError::AlreadyEncrypted { document })
            }
            node @ Node::Map(_) => Ok(node),
            _ => Err(SopsError::NotAMapping { document }),
        })
        .collect()
}

/// Reuses `previous` entries by exact recipient string, wraps the key for the rest.
fn wrap_all(key: &DataKey, recipients: &[String], previous: &[AgeEntry]) -> Result<Vec<AgeEntry>> {
    if recipients.is_empty() {
        return Err(SopsError::NoRecipients);
    }
    recipients
        .iter()
        .map(|recipient| {
            let enc = match previous.iter().find(|e| &e.recipient == recipient) {
                Some(entry) => entry.enc.clone(),
                None => wrap(key, recipient)?,
            };
            Ok(AgeEntry { recipient: recipient.clone(), enc })
        })
        .collect()
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly: the string is also the MAC's AAD.
fn check_lastmodified(value: &str) -> Result<()> {
    let canonical = GoTime::parse_rfc3339(value).map(|t| t.format(false));
    if canonical.as_deref() == Some(value) && value.ends_with('Z') {
        Ok(())
    } else {
        Err(SopsError::InvalidLastModified { value: value.to_owned() })
    }
}

fn seal(
    mut trees: Vec<Node>,
    key: &DataKey,
    previous: Option<&Decrypted>,
    age: Vec<AgeEntry>,
    options: &EncryptOptions,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Vec<Value>> {
    let matcher = options.rule.matcher()?;
    let mut mac = MacHasher::new(options.mac_only_encrypted);
    walk_mut(&mut trees, &mut |path, leaf| {
        let encrypted = matcher.should_encrypt(path);
        let bytes = leaf.to_bytes().ok_or_else(|| SopsError::TimeOutOfRange { path: aad(path) })?.into_owned();
        mac.add(&bytes, encrypted);
        if encrypted && !leaf.is_empty_str() {
            let aad = aad(path);
            let value_type = leaf.value_type();
            let stashed = previous.and_then(|p| p.stash().get(&aad, value_type, &bytes));
            let stored = match stashed {
                Some(enc) => enc.to_owned(),
                None => encrypt_value(key, &bytes, value_type, &aad, &random_iv(rng))?,
            };
            *leaf = Scalar::Str(stored);
        }
        Ok(())
    })?;
    let mac_hex = mac.finish_hex();
    let unchanged = previous.filter(|p| p.verified_mac() == Some(mac_hex.as_str()));
    let (lastmodified, mac) = match unchanged.and_then(|p| Some((p, p.metadata().mac.clone()?))) {
        Some((p, mac)) => (p.metadata().lastmodified.clone(), mac),
        None => (options.lastmodified.clone(), seal_mac(key, &mac_hex, &options.lastmodified, &random_iv(rng))?),
    };
    let metadata = written_metadata(age, lastmodified, mac, options);
    Ok(attach(&trees, &metadata))
}

fn written_metadata(age: Vec<AgeEntry>, lastmodified: String, mac: String, options: &EncryptOptions) -> Metadata {
    Metadata {
        age,
        lastmodified,
        mac: Some(mac),
        rule: options.rule.clone(),
        mac_only_encrypted: options.mac_only_encrypted,
        version: Some(WRITER_VERSION.to_owned()),
        other_key_kinds: Vec::new(),
    }
}

/// Leaves the rule encrypts, as (AAD, stored value), in walk order.
fn encrypted_leaves(trees: &[Node], matcher: &Matcher) -> Result<Vec<(String, Scalar)>> {
    let mut leaves = Vec::new();
    walk(trees, &mut |path, leaf| {
        if matcher.should_encrypt(path) {
            leaves.push((aad(path), leaf.clone()));
        }
        Ok(())
    })?;
    Ok(leaves)
}

/// Appends the `sops` block as the last key of every document.
fn attach(trees: &[Node], metadata: &Metadata) -> Vec<Value> {
    let block = metadata.to_json();
    trees
        .iter()
        .map(|tree| {
            let mut document = tree.to_json();
            if let Value::Object(map) = &mut document {
                map.insert("sops".to_owned(), block.clone());
            }
            document
        })
        .collect()
}
