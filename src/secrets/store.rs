//! The encrypted store in memory: one sops file per Secret, read from
//! `secrets/<namespace>/<name>.sops.yaml` beside the stack. Loading it is
//! [`super::load_store`]'s job; the compiler only ever sees this type, so
//! `derive` stays pure and never needs a private key.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::sops::{EncryptOptions, EncryptedFile, Rule};
use crate::check::names::is_dns1123_label;

/// The directory of the store, relative to the stack file's directory.
pub const STORE_DIR: &str = "secrets";
/// The file name suffix of a store file.
pub const STORE_SUFFIX: &str = ".sops.yaml";
/// The file name suffix of a public certificate beside the store files
/// (Linkerd's trust anchor): clear text, never a secret.
pub const PUBLIC_SUFFIX: &str = ".crt";
/// What Flux needs: `apiVersion`, `kind` and `metadata` in clear text.
pub const ENCRYPTED_REGEX: &str = "^(data|stringData)$";

/// The rule and MAC mode of every file stackc writes: values under `data`
/// and `stringData` encrypted, the MAC over encrypted values only, so that
/// labels and names can change without the data key.
#[must_use]
pub fn store_options(lastmodified: String) -> EncryptOptions {
    EncryptOptions { rule: Rule::EncryptedRegex(ENCRYPTED_REGEX.to_owned()), mac_only_encrypted: true, lastmodified }
}

/// `secrets/<namespace>/<name>.sops.yaml`.
#[must_use]
pub fn store_path(namespace: &str, name: &str) -> String {
    format!("{STORE_DIR}/{namespace}/{name}{STORE_SUFFIX}")
}

/// A Secret by namespace and name, written `NS/NAME`; in a stack with
/// several clusters, also by the cluster whose store holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretId {
    /// The cluster, when the stack has several (`secrets/<cluster>/...`).
    pub scope: Option<String>,
    pub namespace: String,
    pub name: String,
}

impl SecretId {
    #[must_use]
    pub fn new(namespace: &str, name: &str) -> Self {
        Self { scope: None, namespace: namespace.to_owned(), name: name.to_owned() }
    }

    /// The same Secret in the store of `scope` (see [`ResolvedStack::store_scope`](crate::check::ResolvedStack)).
    #[must_use]
    pub fn in_scope(self, scope: Option<&str>) -> Self {
        Self { scope: scope.map(str::to_owned), ..self }
    }

    /// The store file of this Secret, relative to the stack's directory:
    /// `secrets/<namespace>/<name>.sops.yaml`, or with several clusters
    /// `secrets/<cluster>/<namespace>/<name>.sops.yaml`.
    #[must_use]
    pub fn store_path(&self) -> String {
        match &self.scope {
            Some(scope) => format!("{STORE_DIR}/{scope}/{}/{}{STORE_SUFFIX}", self.namespace, self.name),
            None => store_path(&self.namespace, &self.name),
        }
    }
}

impl SecretId {
    /// The public certificate named like this Secret:
    /// `secrets/[<cluster>/]<namespace>/<name>.crt`.
    #[must_use]
    pub fn public_path(&self) -> String {
        let store = self.store_path();
        format!("{}{PUBLIC_SUFFIX}", store.strip_suffix(STORE_SUFFIX).unwrap_or(&store))
    }
}

impl fmt::Display for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// `NS/NAME` is not two DNS-1123 labels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not NAMESPACE/NAME (two DNS-1123 labels, e.g. `authentik/authentik-secrets`)")]
pub struct BadSecretId {
    pub given: String,
}

impl FromStr for SecretId {
    type Err = BadSecretId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('/') {
            Some((ns, name)) if is_dns1123_label(ns) && is_dns1123_label(name) => Ok(Self::new(ns, name)),
            _ => Err(BadSecretId { given: s.chars().take(80).collect() }),
        }
    }
}

/// One store file: its path and text, and the parsed file or why it does not
/// parse. Holds only ciphertexts and clear-text metadata.
#[derive(Clone)]
pub struct StoredSecret {
    /// Relative to the stack's directory, e.g. `secrets/a/db.sops.yaml`.
    pub path: String,
    /// The file as read.
    pub text: String,
    /// The parsed file, or the parse error's message (which never quotes values).
    pub parsed: Result<EncryptedFile, String>,
}

impl fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let recipients = self.parsed.as_ref().map(|p| p.metadata().age.len()).unwrap_or_default();
        f.debug_struct("StoredSecret")
            .field("path", &self.path)
            .field("bytes", &self.text.len())
            .field("parsed", &self.parsed.is_ok())
            .field("recipients", &recipients)
            .finish()
    }
}

/// Every store file found beside a stack, by Secret.
#[derive(Clone, Debug, Default)]
pub struct SecretStore {
    entries: BTreeMap<SecretId, StoredSecret>,
    /// Public certificates (`<name>.crt`) beside the store files, by name.
    public: BTreeMap<SecretId, String>,
    /// The project files the stack mounts (`file ... source=`), by their
    /// path in the stack: the text, or why it could not be read
    /// ([`super::project_files::load`]).
    files: BTreeMap<String, Result<String, String>>,
}

impl SecretStore {
    /// Adds (or replaces) a public certificate.
    pub fn insert_public(&mut self, id: SecretId, text: String) {
        self.public.insert(id, text);
    }

    /// The public certificate of `id`, if there is one.
    #[must_use]
    pub fn public(&self, id: &SecretId) -> Option<&str> {
        self.public.get(id).map(String::as_str)
    }

    /// Adds (or replaces) a project file, or why it could not be read.
    pub fn insert_file(&mut self, path: String, text: Result<String, String>) {
        self.files.insert(path, text);
    }

    /// A project file the stack mounts, if it was looked for.
    #[must_use]
    pub fn file(&self, path: &str) -> Option<&Result<String, String>> {
        self.files.get(path)
    }

    /// Adds (or replaces) the file of one Secret.
    pub fn insert(&mut self, id: SecretId, stored: StoredSecret) {
        self.entries.insert(id, stored);
    }

    /// The file of one Secret, if there is one.
    #[must_use]
    pub fn get(&self, id: &SecretId) -> Option<&StoredSecret> {
        self.entries.get(id)
    }

    /// All files, sorted by Secret.
    pub fn iter(&self) -> impl Iterator<Item = (&SecretId, &StoredSecret)> {
        self.entries.iter()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_print() {
        let id: SecretId = "a/db-credentials".parse().unwrap();
        assert_eq!(id.to_string(), "a/db-credentials");
        assert_eq!(id.store_path(), "secrets/a/db-credentials.sops.yaml");
        for bad in ["a", "a/", "/b", "a/b/c", "A/b", "a/b c", "../x"] {
            assert!(bad.parse::<SecretId>().is_err(), "{bad}");
        }
    }
}
