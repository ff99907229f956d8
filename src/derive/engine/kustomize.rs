//! Plain kustomize: no engine objects. Each Helm chart becomes an entry of
//! its directory's `helmCharts:`, inflated by `kustomize build
//! --enable-helm` (CRDs included, releases in the order they depend on each
//! other).

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
    });
    if chart.values.as_object().is_some_and(|v| !v.is_empty()) {
        entry["valuesInline"] = chart.values.clone();
    }
    entry
}
