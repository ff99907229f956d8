//! Environments: per-cluster overrides of shared workloads.

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// Changes one cluster makes to a workload all clusters share, e.g. fewer
/// replicas or smaller volumes in staging, or its own hosts.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["workload"]))]
pub struct Override {
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
    /// The workload, as `namespace/name`.
    pub workload: Name,
    /// An app's replica count in this cluster.
    pub replicas: Option<Spanned<u32>>,
    /// A database's volume size in this cluster, e.g. `2Gi`.
    pub size: Option<Spanned<String>>,
    /// The host of an app that exposes exactly one; with several, use `expose` children.
    pub host: Option<Spanned<String>>,
    /// Hosts replaced in this cluster: `expose "auth.acme.io" host="auth.staging.acme.io"`.
    #[serde(rename = "expose")]
    pub exposes: Vec<HostOverride>,
    /// Volume sizes in this cluster: `volume "data" size="1Gi"`.
    #[serde(rename = "volume")]
    pub volumes: Vec<VolumeOverride>,
    /// Requests and limits in this cluster; what it names replaces the shared value.
    pub resources: Option<Resources>,
}

/// A host an app exposes, replaced in one cluster.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["from", "host"]))]
pub struct HostOverride {
    /// The host as the app declares it.
    pub from: Spanned<String>,
    /// The host in this cluster.
    pub host: Spanned<String>,
}

/// An app volume's size in one cluster.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "size"]))]
pub struct VolumeOverride {
    /// The volume's name.
    pub name: Name,
    /// Its size in this cluster, e.g. `1Gi`.
    pub size: Spanned<String>,
}
