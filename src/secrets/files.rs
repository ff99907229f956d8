//! The store on disk: reading every `secrets/[<cluster>/]<ns>/<name>.sops.yaml` beside
//! the stack into a [`SecretStore`], and writing one file atomically.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::error::SecretsError;
use super::sops::EncryptedFile;
use super::store::{PUBLIC_SUFFIX, STORE_DIR, STORE_SUFFIX, SecretId, SecretStore, StoredSecret};
use crate::check::names::is_dns1123_label;

/// Reads every store file below `<stack_dir>/secrets`. A missing directory
/// is an empty store; a file that does not parse is kept with its error, so
/// the build can report it at the Secret's declaration. Files whose names
/// are not `<label>/<label>.sops.yaml` are ignored, but for public
/// certificates `<label>/<label>.crt` (Linkerd's trust anchor).
///
/// # Errors
/// A directory or file that exists but cannot be read.
pub fn load_store(stack_dir: &Path) -> Result<SecretStore, SecretsError> {
    let root = stack_dir.join(STORE_DIR);
    let mut store = SecretStore::default();
    let namespaces = match fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(store),
        Err(e) => return Err(SecretsError::io("reading", &root)(e)),
    };
    for entry in namespaces {
        let entry = entry.map_err(SecretsError::io("reading", &root))?;
        let label = entry.file_name().to_string_lossy().into_owned();
        if is_dns1123_label(&label) && entry.path().is_dir() {
            load_dir(stack_dir, None, &label, &mut store)?;
        }
    }
    Ok(store)
}

/// Reads `secrets/[<scope>/]<label>/`: its `<name>.sops.yaml` files are the
/// Secrets of namespace `<label>`. At the top (no scope) a subdirectory
/// makes `<label>` a cluster and the subdirectory one of its namespaces
/// (`secrets/<cluster>/<ns>/<name>.sops.yaml`, for stacks with several).
fn load_dir(stack_dir: &Path, scope: Option<&str>, label: &str, store: &mut SecretStore) -> Result<(), SecretsError> {
    let mut dir = stack_dir.join(STORE_DIR);
    dir.extend(scope);
    dir.push(label);
    for entry in fs::read_dir(&dir).map_err(SecretsError::io("reading", &dir))? {
        let entry = entry.map_err(SecretsError::io("reading", &dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            if scope.is_none() && is_dns1123_label(&name) {
                load_dir(stack_dir, Some(label), &name, store)?;
            }
            continue;
        }
        if let Some(secret) = name.strip_suffix(STORE_SUFFIX).filter(|n| is_dns1123_label(n)) {
            let id = SecretId::new(label, secret).in_scope(scope);
            let stored = read_stored(stack_dir, &id)?;
            store.insert(id, stored);
        } else if let Some(public) = name.strip_suffix(PUBLIC_SUFFIX).filter(|n| is_dns1123_label(n)) {
            let text = fs::read_to_string(entry.path()).map_err(SecretsError::io("reading", &entry.path()))?;
            store.insert_public(SecretId::new(label, public).in_scope(scope), text);
        }
    }
    Ok(())
}

/// Reads one store file.
///
/// # Errors
/// The file cannot be read.
pub fn read_stored(stack_dir: &Path, id: &SecretId) -> Result<StoredSecret, SecretsError> {
    let path = id.store_path();
    let full = stack_dir.join(&path);
    let text = fs::read_to_string(&full).map_err(SecretsError::io("reading", &full))?;
    let parsed = EncryptedFile::from_yaml(&text).map_err(|e| e.to_string());
    Ok(StoredSecret { path, text, parsed })
}

/// Whether the store file of `id` exists.
#[must_use]
pub fn exists(stack_dir: &Path, id: &SecretId) -> bool {
    stack_dir.join(id.store_path()).is_file()
}

/// Writes `text` to `<stack_dir>/<relative>` through a temporary file and a
/// rename, creating directories as needed.
///
/// # Errors
/// Any I/O failure; the previous file is then left as it was.
pub fn write_atomic(stack_dir: &Path, relative: &str, text: &str) -> Result<(), SecretsError> {
    let full = stack_dir.join(relative);
    if let Some(parent) = full.parent() {
        fs::create_dir_all(parent).map_err(SecretsError::io("creating", parent))?;
    }
    let tmp = full.with_extension("yaml.stackc-tmp");
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, &full)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(SecretsError::io("writing", &full))
}
