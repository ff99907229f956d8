//! Namespaces and the Helm charts they install: Helm repositories,
//! namespaces (what they hold) and releases.

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// A Helm repository.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct HelmRepository {
    /// The name releases refer to.
    pub name: Name,
    /// An `https://` or `oci://` URL.
    pub url: Spanned<String>,
}

/// A namespace of the stack.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct Namespace {
    /// The namespace name.
    pub name: Name,
    /// Inject the Linkerd proxy into every pod (mTLS).
    pub mesh: bool,
    /// `#false` leaves this namespace out of the platform's Velero backups.
    pub backup: bool,
    /// A cron schedule for this namespace's backups instead of the platform's.
    pub backup_schedule: Option<Spanned<String>>,
    /// Namespaces whose Flux Kustomization must be ready first.
    pub depends_on: Vec<Name>,
    /// Helm charts installed here.
    #[serde(rename = "release")]
    pub releases: Vec<Release>,
    /// Apps from images or from releases.
    #[serde(rename = "app")]
    pub apps: Vec<App>,
    /// PostgreSQL and Redis databases.
    #[serde(rename = "database")]
    pub databases: Vec<Database>,
    /// Pods that run once per spec (a schema migration, say).
    #[serde(rename = "job")]
    pub jobs: Vec<Job>,
    /// Pods that run on a schedule.
    #[serde(rename = "cronjob")]
    pub cronjobs: Vec<CronJob>,
    /// Secrets workloads read.
    #[serde(rename = "secret")]
    pub secrets: Vec<Secret>,
}

/// A Helm chart installed by a Flux HelmRelease.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "chart", "repository", "version"]))]
pub struct Release {
    /// The HelmRelease name.
    pub name: Name,
    /// The chart name in the repository.
    pub chart: Spanned<String>,
    /// The name of a `helm-repository`.
    pub repository: Name,
    /// The chart version.
    pub version: Spanned<String>,
    /// Chart values, as nested nodes.
    pub values: serde_json::Value,
}
