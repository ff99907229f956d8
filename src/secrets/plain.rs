//! The plaintext of one store file, as the commands that need a private key
//! see it: the Secret's type and its values. `Debug` shows keys only.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value, json};

use super::error::SecretsError;
use super::sops::{Decrypted, Node, Scalar};
use super::store::SecretId;

/// The `type` of Secrets stackc creates.
pub const OPAQUE: &str = "Opaque";

/// Decrypted values of one Secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PlainSecret {
    /// `type:` of the Secret (`Opaque` unless a sops-made file says otherwise).
    pub secret_type: String,
    /// `stringData` values by key.
    pub string_data: BTreeMap<String, String>,
    /// `data` values (base64 text) by key, as files made with the sops CLI may hold.
    pub data: BTreeMap<String, String>,
}

impl fmt::Debug for PlainSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlainSecret")
            .field("type", &self.secret_type)
            .field("string_data_keys", &self.string_data.keys().collect::<Vec<_>>())
            .field("data_keys", &self.data.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl PlainSecret {
    /// An empty `Opaque` Secret.
    #[must_use]
    pub fn new() -> Self {
        Self { secret_type: OPAQUE.to_owned(), ..Self::default() }
    }

    /// Every key, from `stringData` and `data`.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.string_data.keys().chain(self.data.keys())
    }

    /// Whether `key` has a value.
    #[must_use]
    pub fn has(&self, key: &str) -> bool {
        self.string_data.contains_key(key) || self.data.contains_key(key)
    }

    /// Sets a `stringData` value (and drops a `data` value of the same key).
    pub fn set(&mut self, key: &str, value: String) {
        self.data.remove(key);
        self.string_data.insert(key.to_owned(), value);
    }

    /// Reads a decrypted store file: one document, `type`, `stringData`
    /// and `data` with scalar values (other fields are dropped).
    ///
    /// # Errors
    /// [`SecretsError::BadStoreFile`] when the shape is not a Secret's.
    pub fn from_decrypted(path: &str, decrypted: &Decrypted) -> Result<Self, SecretsError> {
        let bad = |reason: String| SecretsError::BadStoreFile { path: path.to_owned(), reason };
        let [document] = decrypted.trees() else {
            return Err(bad("expected exactly one YAML document".to_owned()));
        };
        let mut plain = Self::new();
        if let Some(Node::Scalar(Scalar::Str(t))) = document.get("type") {
            plain.secret_type.clone_from(t);
        }
        for (field, target) in [("stringData", &mut plain.string_data), ("data", &mut plain.data)] {
            match document.get(field) {
                None | Some(Node::Null) => {}
                Some(Node::Map(entries)) => {
                    for (key, value) in entries {
                        let text =
                            scalar_text(value).ok_or_else(|| bad(format!("`{field}.{key}` is not a single value")))?;
                        target.insert(key.clone(), text);
                    }
                }
                Some(_) => return Err(bad(format!("`{field}` is not a mapping"))),
            }
        }
        Ok(plain)
    }

    /// The store document: a Secret with only name and namespace as metadata,
    /// keys sorted. The values are encrypted by the caller.
    #[must_use]
    pub fn to_document(&self, id: &SecretId) -> Value {
        let mut doc = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": id.name, "namespace": id.namespace},
            "type": self.secret_type,
        });
        for (field, values) in [("data", &self.data), ("stringData", &self.string_data)] {
            if !values.is_empty() {
                let map: Map<String, Value> =
                    values.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
                doc[field] = Value::Object(map);
            }
        }
        if self.data.is_empty() && self.string_data.is_empty() {
            doc["stringData"] = json!({});
        }
        doc
    }
}

/// A scalar as the text Kubernetes sees (sops files may hold unquoted numbers).
fn scalar_text(node: &Node) -> Option<String> {
    match node {
        Node::Scalar(Scalar::Str(s)) => Some(s.clone()),
        Node::Scalar(Scalar::Bool(b)) => Some(b.to_string()),
        Node::Scalar(s) => s.to_bytes().and_then(|b| String::from_utf8(b.into_owned()).ok()),
        Node::Null => Some(String::new()),
        Node::Map(_) | Node::Seq(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_keys_not_values() {
        let mut plain = PlainSecret::new();
        plain.set("password", "s3cr3t-value".to_owned());
        let debug = format!("{plain:?}");
        assert!(debug.contains("password"), "{debug}");
        assert!(!debug.contains("s3cr3t-value"), "{debug}");
    }

    #[test]
    fn document_has_stackc_shape() {
        let mut plain = PlainSecret::new();
        plain.set("b", "2".to_owned());
        plain.set("a", "1".to_owned());
        let doc = plain.to_document(&SecretId::new("ns", "s"));
        assert_eq!(
            doc,
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "ns"}, "type": "Opaque", "stringData": {"a": "1", "b": "2"}})
        );
    }
}
