//! Plain kustomize: no engine objects. Each Helm chart becomes an entry of
//! its directory's `helmCharts:`, inflated by `kustomize build
//! --enable-helm` (CRDs included, releases in the order they depend on each
//! other, hooks and tests left out).
//!
//! Without Helm's release lifecycle a hook would be applied as an ordinary
//! object on every build: Kyverno's `pre-delete` Jobs, on by default
//! (kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/values.yaml:535-537,
//! charts/kyverno/templates/hooks/pre-delete-scale-to-zero.yaml:1,12), would
//! scale Kyverno to zero and delete its webhook configurations, and
//! cert-manager's `post-install` startup check (cert-manager/cert-manager
//! v1.19.1 deploy/charts/cert-manager/values.yaml:1331) would be an immutable
//! Job applied again. `skipHooks` passes `--no-hooks`
//! and `skipTests` `--skip-tests` to `helm template` (kubernetes-sigs/kustomize
//! api/types/helmchartargs.go, `HelmChart.AsHelmArgs`).

use serde_json::json;

use crate::derive::helm::in_dependency_order;
use crate::derive::{Component, HelmChart};

pub(super) fn helm_charts(c: &mut Component) {
    let charts = std::mem::take(&mut c.charts);
    c.helm_charts.extend(in_dependency_order(charts).iter().map(entry));
}

fn entry(chart: &HelmChart) -> serde_json::Value {
    let mut entry = json!({
        "name": chart.chart,
        "repo": chart.url,
        "version": chart.version,
        "releaseName": chart.name,
        "namespace": chart.namespace,
        "includeCRDs": true,
        "skipHooks": true,
        "skipTests": true,
    });
    if chart.values.as_object().is_some_and(|v| !v.is_empty()) {
        entry["valuesInline"] = chart.values.clone();
    }
    entry
}
