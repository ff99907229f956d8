//! What an app's container sees: environment variables, volumes and the
//! security context.

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// An environment variable: a literal or a key of a Secret.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
#[schemars(transform = super::kdl::env_value)]
pub struct Env {
    /// The variable name.
    pub name: Name,
    /// A literal, or a key of a declared Secret (described as the node's
    /// `value`, `secret` and `key`).
    #[schemars(skip)]
    pub value: EnvValue,
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EnvValue {
    /// `env "NAME" "value"`.
    Literal(String),
    /// `env "NAME" secret="s" key="k"`.
    Secret {
        /// A Secret declared in the namespace.
        secret: Name,
        /// One of its keys.
        key: Name,
    },
}

/// A mounted volume: a PVC or an emptyDir.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "mount"]))]
pub struct Volume {
    /// The volume name (the PVC is `<app>-<name>`).
    pub name: Name,
    /// The absolute mount path.
    pub mount: Spanned<String>,
    /// PVC size; `None` means an emptyDir.
    pub size: Option<Spanned<String>>,
    /// A declared storage class (default: the cluster default).
    pub storage_class: Option<Name>,
}

/// The pod and container security context. Defaults are hardened: an image
/// app runs as user and group 65532 unless it names its own ids or trusts
/// the image's `USER`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Security {
    /// The user id (default 65532, a user no image owns files as).
    pub run_as_user: Option<Spanned<i64>>,
    /// The group id (default: the user id).
    pub run_as_group: Option<Spanned<i64>>,
    /// The group owning mounted volumes (default: the group id).
    pub fs_group: Option<Spanned<i64>>,
    /// `#true` runs the image as its own `USER` (no `runAsUser`): for an
    /// image whose `USER` is a non-root number the kubelet can verify.
    pub trust_image_user: Option<Spanned<bool>>,
    /// A read-only root filesystem (default `#true`); paths the image writes
    /// need a `volume`.
    pub read_only_root_filesystem: bool,
    /// Refuse to run as root (default `#true`).
    pub run_as_non_root: bool,
}

impl Default for Security {
    fn default() -> Self {
        Self {
            run_as_user: None,
            run_as_group: None,
            fs_group: None,
            trust_image_user: None,
            read_only_root_filesystem: true,
            run_as_non_root: true,
        }
    }
}

impl Security {
    /// Whether the pods run as the image's own `USER`.
    #[must_use]
    pub fn trusts_image_user(&self) -> bool {
        self.trust_image_user.as_ref().is_some_and(|t| t.value)
    }
}
