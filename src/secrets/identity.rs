//! Age identities (private keys): finding them the way sops users expect,
//! and creating one (`stackc secrets keygen`).
//!
//! Lookup: `--identity FILE` alone when given; otherwise every source sops
//! reads that is present: `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY` (the key text),
//! and the default `$XDG_CONFIG_HOME/sops/age/keys.txt` (or
//! `~/.config/sops/age/keys.txt`).

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;

use super::error::SecretsError;
use super::sops::Identities;

/// Where identities may come from; built from the process environment by the
/// CLI, and by hand in tests.
#[derive(Clone, Default)]
pub struct IdentitySources {
    /// `--identity FILE`.
    pub flag: Option<PathBuf>,
    /// `SOPS_AGE_KEY_FILE`.
    pub key_file: Option<PathBuf>,
    /// `SOPS_AGE_KEY`: identity text itself.
    pub key: Option<String>,
    /// The default identity file, when a home or config directory is known.
    pub default_file: Option<PathBuf>,
}

impl fmt::Debug for IdentitySources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdentitySources")
            .field("flag", &self.flag)
            .field("key_file", &self.key_file)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("default_file", &self.default_file)
            .finish()
    }
}

/// `$XDG_CONFIG_HOME/sops/age/keys.txt`, else `$HOME/.config/sops/age/keys.txt`.
#[must_use]
pub fn default_identity_file(config_home: Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    config_home
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".config")))
        .map(|c| c.join("sops").join("age").join("keys.txt"))
}

impl IdentitySources {
    /// The sources of the process environment, with `--identity`.
    #[must_use]
    pub fn from_env(flag: Option<PathBuf>) -> Self {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        Self {
            flag,
            key_file: var("SOPS_AGE_KEY_FILE").map(PathBuf::from),
            key: var("SOPS_AGE_KEY").map(|v| v.to_string_lossy().into_owned()),
            default_file: default_identity_file(
                var("XDG_CONFIG_HOME").map(PathBuf::from),
                var("HOME").map(PathBuf::from),
            ),
        }
    }

    /// Loads the identities; `Ok(None)` when no source is present. Warnings
    /// (an identity file others can read) go to `warn`.
    ///
    /// # Errors
    /// A given file that cannot be read, or identity text that does not parse.
    pub fn load(&self, warn: &mut dyn FnMut(String)) -> Result<Option<Identities>, SecretsError> {
        let mut text = String::new();
        let mut found = false;
        let mut add_file = |path: &Path, text: &mut String| -> Result<(), SecretsError> {
            text.push_str(&read_identity_file(path, warn)?);
            text.push('\n');
            Ok(())
        };
        if let Some(flag) = &self.flag {
            add_file(flag, &mut text)?;
            found = true;
        } else {
            if let Some(file) = &self.key_file {
                add_file(file, &mut text)?;
                found = true;
            }
            if let Some(key) = &self.key {
                text.push_str(key);
                text.push('\n');
                found = true;
            }
            if let Some(file) = self.default_file.as_ref().filter(|f| f.is_file()) {
                add_file(file, &mut text)?;
                found = true;
            }
        }
        if !found {
            return Ok(None);
        }
        let identities = Identities::parse(&text).map_err(SecretsError::sops("identity"));
        text.replace_range(.., &"\0".repeat(text.len()));
        identities.map(Some)
    }

    /// As [`Self::load`], but no identity at all is an error.
    ///
    /// # Errors
    /// [`SecretsError::NoIdentity`], and those of [`Self::load`].
    pub fn require(&self, warn: &mut dyn FnMut(String)) -> Result<Identities, SecretsError> {
        self.load(warn)?.ok_or_else(|| SecretsError::NoIdentity { tried: self.tried() })
    }

    fn tried(&self) -> String {
        let mut tried = vec!["--identity".to_owned(), "SOPS_AGE_KEY_FILE".to_owned()];
        tried.push("SOPS_AGE_KEY".to_owned());
        if let Some(file) = &self.default_file {
            tried.push(file.display().to_string());
        }
        tried.join(", ")
    }
}

fn read_identity_file(path: &Path, warn: &mut dyn FnMut(String)) -> Result<String, SecretsError> {
    let text = fs::read_to_string(path).map_err(SecretsError::io("reading identity", path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                warn(format!(
                    "identity file `{}` can be read by others (mode {mode:03o}); run `chmod 600 {}`",
                    path.display(),
                    path.display()
                ));
            }
        }
    }
    Ok(text)
}

/// Creates a new X25519 identity in `path` (mode 0600, parent directories
/// 0700), in the format of `age-keygen`; returns its public recipient.
///
/// # Errors
/// [`SecretsError::Exists`] when `path` exists (nothing is overwritten), I/O errors.
pub fn keygen(path: &Path, created: &str) -> Result<String, SecretsError> {
    if path.exists() {
        return Err(SecretsError::Exists { path: path.display().to_string() });
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let secret = identity.to_string();
    let text = format!("# created: {created}\n# public key: {recipient}\n{}\n", secret.expose_secret());
    write_private(path, &text)?;
    Ok(recipient)
}

/// Writes a new file only its owner can read (mode 0600, parent directories
/// 0700); an existing file is never overwritten.
///
/// # Errors
/// [`SecretsError::Exists`] when `path` exists, I/O errors.
pub fn write_private(path: &Path, text: &str) -> Result<(), SecretsError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(parent).map_err(SecretsError::io("creating", parent))?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            SecretsError::Exists { path: path.display().to_string() }
        } else {
            SecretsError::io("creating", path)(e)
        }
    })?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(SecretsError::io("writing", path))
}
