//! A stack and the directory of its store, as the `stackc secrets` commands
//! see them: which Secrets are declared, with which keys, for whom.

use std::path::{Path, PathBuf};

use super::error::SecretsError;
use super::store::SecretId;
use crate::check::ResolvedStack;
use crate::check::platform_secrets::{PlatformSecret, platform_secrets};
use crate::model;

/// The resolved stack and the directory its `secrets/` lives in.
#[derive(Debug)]
pub struct Project {
    pub dir: PathBuf,
    pub stack: ResolvedStack,
    /// The Secrets the platform reads (Linkerd's identity, DNS-01 tokens).
    pub platform: Vec<PlatformSecret>,
}

impl Project {
    #[must_use]
    pub fn new(dir: &Path, stack: ResolvedStack) -> Self {
        let platform = platform_secrets(&stack.platform);
        Self { dir: dir.to_path_buf(), stack, platform }
    }

    /// Every Secret stackc keeps values of (not `external`): the platform's,
    /// then the namespaces' with the implicit `<db>-credentials` of
    /// PostgreSQL databases.
    pub fn declared(&self) -> impl Iterator<Item = (SecretId, &model::Secret)> {
        let scope = self.stack.store_scope.as_deref();
        let platform = self.platform.iter().map(move |p| (SecretId::new(p.namespace, &p.secret.name.value), &p.secret));
        let namespaces = self.stack.namespaces.iter().flat_map(|ns| {
            ns.secrets.iter().filter(|s| !s.external).map(|s| (SecretId::new(&ns.name, &s.name.value), s))
        });
        platform.chain(namespaces).map(move |(id, s)| (id.in_scope(scope), s))
    }

    /// A Secret named `NS/NAME` on the command line, in this cluster's store.
    ///
    /// # Errors
    /// [`SecretsError::BadId`] when `text` is not `NS/NAME`.
    pub fn id(&self, text: &str) -> Result<SecretId, SecretsError> {
        let id: SecretId = text.parse()?;
        Ok(id.in_scope(self.stack.store_scope.as_deref()))
    }

    /// The declaration of `id`.
    ///
    /// # Errors
    /// [`SecretsError::UnknownSecret`], or [`SecretsError::External`].
    pub fn find(&self, id: &SecretId) -> Result<&model::Secret, SecretsError> {
        let platform = self.platform.iter().find(|p| p.namespace == id.namespace && p.secret.name.value == id.name);
        let found = platform.map(|p| &p.secret).or_else(|| {
            self.stack
                .namespaces
                .iter()
                .find(|ns| ns.name == id.namespace)
                .and_then(|ns| ns.secrets.iter().find(|s| s.name.value == id.name))
        });
        match found {
            Some(secret) if secret.external => Err(SecretsError::External { id: id.clone() }),
            Some(secret) => Ok(secret),
            None => {
                let known: Vec<String> = self.declared().map(|(id, _)| id.to_string()).collect();
                Err(SecretsError::UnknownSecret {
                    id: id.clone(),
                    known: if known.is_empty() { String::new() } else { format!(" (declared: {})", known.join(", ")) },
                })
            }
        }
    }

    /// The cluster's age recipients, as written in the stack.
    ///
    /// # Errors
    /// [`SecretsError::NoRecipients`] when there are none.
    pub fn recipients(&self) -> Result<Vec<String>, SecretsError> {
        let recipients: Vec<String> = self.stack.cluster.age_recipients.iter().map(|r| r.value.clone()).collect();
        if recipients.is_empty() {
            return Err(SecretsError::NoRecipients { cluster: self.stack.cluster.name.value.clone() });
        }
        Ok(recipients)
    }
}
