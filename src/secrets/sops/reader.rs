//! Parsing files written by sops (YAML, JSON, dotenv) into their stored documents and
//! `sops` metadata, and unwrapping the data key (stores/*/store.go `LoadEncryptedFile`).

use serde_json::Value;

use super::age_wrap::{Identities, unwrap};
use super::dotenv::parse_dotenv;
use super::key::DataKey;
use super::metadata::Metadata;
use super::tree::{BigInts, Node};
use super::yaml::parse_yaml;
use super::{Result, SopsError};

/// A parsed encrypted file: its documents as stored (`ENC[...]` strings) and its metadata.
#[derive(Clone, Debug)]
pub struct EncryptedFile {
    pub(super) documents: Vec<Node>,
    pub(super) metadata: Metadata,
}

impl EncryptedFile {
    /// Parses a YAML file written by sops (one or more documents).
    ///
    /// # Errors
    /// YAML errors, [`SopsError::NotEncrypted`], metadata errors.
    pub fn from_yaml(text: &str) -> Result<Self> {
        Self::from_documents(parse_yaml(text)?)
    }

    /// Parses a JSON file written by sops. Integral numbers read as integers.
    ///
    /// # Errors
    /// [`SopsError::JsonSyntax`], [`SopsError::NotAMapping`], [`SopsError::NotEncrypted`],
    /// metadata errors.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| SopsError::JsonSyntax { line: e.line(), column: e.column() })?;
        let node = Node::from_json(&value, BigInts::AsFloat)?;
        if !matches!(node, Node::Map(_)) {
            return Err(SopsError::NotAMapping { document: 0 });
        }
        Self::from_documents(vec![node])
    }

    /// Parses a dotenv file written by sops.
    ///
    /// # Errors
    /// [`SopsError::DotenvSyntax`], [`SopsError::NotEncrypted`], metadata errors.
    pub fn from_dotenv(text: &str) -> Result<Self> {
        let (data, block) = parse_dotenv(text)?;
        if matches!(&block, Node::Map(entries) if entries.is_empty()) {
            return Err(SopsError::NotEncrypted);
        }
        let metadata = Metadata::from_node(&block)?;
        Ok(Self { documents: vec![data], metadata })
    }

    /// Metadata from the first document; `sops` removed from every document.
    fn from_documents(mut documents: Vec<Node>) -> Result<Self> {
        let block = documents.first().and_then(|doc| doc.get("sops")).ok_or(SopsError::NotEncrypted)?;
        let metadata = Metadata::from_node(block)?;
        for doc in &mut documents {
            if let Node::Map(entries) = doc {
                entries.retain(|(key, _)| key != "sops");
            }
        }
        Ok(Self { documents, metadata })
    }

    /// The `sops` block.
    #[must_use]
    pub const fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The documents as stored, without `sops`: encrypted values are `ENC[...]` strings.
    #[must_use]
    pub fn documents(&self) -> &[Node] {
        &self.documents
    }

    /// Unwraps the data key with the first identity that opens any `age` entry.
    ///
    /// # Errors
    /// [`SopsError::NoAgeKeys`], [`SopsError::NoMatchingIdentity`], or the first error met
    /// on an entry (malformed age file, wrong key length) when no entry opened.
    pub fn data_key(&self, identities: &Identities) -> Result<DataKey> {
        let entries = &self.metadata.age;
        if entries.is_empty() {
            return Err(SopsError::NoAgeKeys { kinds: self.metadata.other_key_kinds.join(", ") });
        }
        let mut first_error = None;
        for entry in entries {
            match unwrap(&entry.enc, &entry.recipient, identities) {
                Ok(Some(key)) => return Ok(key),
                Ok(None) => {}
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        Err(first_error.unwrap_or(SopsError::NoMatchingIdentity { wrapped: entries.len() }))
    }
}
