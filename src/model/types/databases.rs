//! Databases and the Secrets workloads read.

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// A database run as a StatefulSet with a PVC.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "engine", "version", "size"]))]
pub struct Database {
    /// The database name: its StatefulSet and Service.
    pub name: Name,
    /// `postgresql` or `redis`.
    pub engine: Spanned<String>,
    /// The major version.
    pub version: Spanned<String>,
    /// The PVC size, e.g. `10Gi`.
    pub size: Spanned<String>,
    /// A declared storage class.
    pub storage_class: Option<Name>,
    /// Redis: `aof` (append-only file) or `rdb` snapshots.
    pub persistence: Option<Spanned<String>>,
    /// Redis: `password=#true` makes the server require the password in
    /// key `password` of the implicit `<name>-credentials` Secret (off by
    /// default; PostgreSQL always has one).
    pub password: Option<Spanned<bool>>,
    /// CPU and memory requests and limits.
    pub resources: Resources,
}

/// A Secret some workloads read.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct Secret {
    /// The Secret name.
    pub name: Name,
    /// Created outside stackc (by hand, or another tool).
    pub external: bool,
    /// The keys workloads read.
    #[serde(rename = "key")]
    pub keys: Vec<SecretKey>,
}

/// One key of a Secret.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct SecretKey {
    /// The key.
    pub name: Name,
    /// stackc generates a random value.
    pub generated: bool,
}
