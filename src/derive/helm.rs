//! [`HelmChart`]: a Helm chart the stack installs, before the engine decides
//! how (a Flux HelmRelease, an Argo CD Application with a Helm source, or a
//! `helmCharts` entry of a kustomization).

use serde_json::Value;

use crate::diagnostic::Span;

/// One Helm release of a chart into a namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct HelmChart {
    /// The release name.
    pub name: String,
    pub namespace: String,
    /// The chart's name in its repository.
    pub chart: String,
    /// The repository's name (a `helm-repository`, or the platform's own).
    pub repository: String,
    /// The repository's URL (`https://` or `oci://`).
    pub url: String,
    pub version: String,
    /// The chart values (an empty object for none).
    pub values: Value,
    /// Releases of the same namespace that must be ready first.
    pub depends_on: Vec<String>,
    /// Values read from Secrets at install time. Only Flux can; for the other
    /// engines the chart is configured to read its Secrets itself.
    pub secret_values: Vec<SecretValue>,
    /// The stack declaration this chart comes from.
    pub origin: Span,
}

/// A value a Flux HelmRelease reads from a Secret key into a values path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretValue {
    pub secret: &'static str,
    pub key: &'static str,
    pub target_path: &'static str,
}

/// Charts after the charts of the same list they depend on; otherwise in
/// the order given.
pub(super) fn in_dependency_order(mut charts: Vec<HelmChart>) -> Vec<HelmChart> {
    let mut out: Vec<HelmChart> = Vec::with_capacity(charts.len());
    while !charts.is_empty() {
        let waiting = |name: &String| charts.iter().any(|c| c.name == *name) && !out.iter().any(|o| o.name == *name);
        let ready = charts.iter().position(|c| !c.depends_on.iter().any(waiting)).unwrap_or(0);
        out.push(charts.remove(ready));
    }
    out
}
