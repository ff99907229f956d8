//! The store on disk: reading every `secrets/<ns>/<name>.sops.yaml` beside
//! the stack into a [`SecretStore`], and writing one file atomically.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::error::SecretsError;
use super::sops::EncryptedFile;
use super::store::{STORE_DIR, STORE_SUFFIX, SecretId, SecretStore, StoredSecret};
use crate::check::names::is_dns1123_label;

/// Reads every store file below `<stack_dir>/secrets`. A missing directory
/// is an empty store; a file that does not parse is kept with its error, so
/// the build can report it at the Secret's declaration. Files whose names
/// are not `<label>/<label>.sops.yaml` are ignored.
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
        if !is_dns1123_label(&label) || !entry.path().is_dir() {
            continue;
        }
        // `secrets/<ns>/<name>.sops.yaml`, or with several clusters
        // `secrets/<cluster>/<ns>/<name>.sops.yaml`: a directory of files is
        // a namespace, a directory of directories a cluster.
        for file in fs::read_dir(entry.path()).map_err(SecretsError::io("reading", &entry.path()))? {
            let file = file.map_err(SecretsError::io("reading", &entry.path()))?;
            let file_name = file.file_name().to_string_lossy().into_owned();
            if file.path().is_dir() {
                if is_dns1123_label(&file_name) {
                    load_namespace(stack_dir, Some(&label), &file_name, &mut store)?;
                }
                continue;
            }
            if let Some(name) = file_name.strip_suffix(STORE_SUFFIX).filter(|n| is_dns1123_label(n)) {
                let id = SecretId::new(&label, name);
                let stored = read_stored(stack_dir, &id)?;
                store.insert(id, stored);
            }
        }
    }
    Ok(store)
}

/// Reads the store files of one namespace in the store of a cluster.
fn load_namespace(
    stack_dir: &Path,
    scope: Option<&str>,
    namespace: &str,
    store: &mut SecretStore,
) -> Result<(), SecretsError> {
    let dir = match scope {
        Some(scope) => stack_dir.join(STORE_DIR).join(scope).join(namespace),
        None => stack_dir.join(STORE_DIR).join(namespace),
    };
    for file in fs::read_dir(&dir).map_err(SecretsError::io("reading", &dir))? {
        let file = file.map_err(SecretsError::io("reading", &dir))?;
        let file_name = file.file_name().to_string_lossy().into_owned();
        if let Some(name) = file_name.strip_suffix(STORE_SUFFIX).filter(|n| is_dns1123_label(n)) {
            let id = SecretId::new(namespace, name).in_scope(scope);
            let stored = read_stored(stack_dir, &id)?;
            store.insert(id, stored);
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
