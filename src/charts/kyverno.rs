//! Kyverno chart 3.5.2, release `kyverno` in namespace `kyverno`.
//! Citations: kyverno/kyverno kyverno-chart-3.5.2, paths under
//! `charts/kyverno/`. `kyverno.fullname` (`templates/_helpers/_names.tpl:7-18`)
//! is `kyverno`: the release name contains the chart name.
//!
//! The chart has no CronJobs at this version (no `kind: CronJob` under
//! `templates/`). Its Helm hook Jobs render pods without labels
//! (`crds.migration.podLabels` and `webhooksCleanup.podLabels` are empty);
//! the API server labels every Job's pods `batch.kubernetes.io/job-name:
//! <Job name>` (Kubernetes ≥ 1.27, kubernetes/website
//! content/en/docs/reference/labels-annotations-taints/_index.md
//! `#batchkubernetesio-job-name`), which is what selects them here.

use super::{ChartFacts, ChartPod, WorkloadKind};
use crate::model::Protocol;

/// `kyverno.labels.common` (`templates/_helpers/_labels.tpl:24-30`).
const COMMON: [(&str, &str); 3] = [
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/_helpers/_labels.tpl:15 (kyverno.chart, _names.tpl:20-22)
    ("helm.sh/chart", "kyverno-3.5.2"),
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/_helpers/_labels.tpl:16
    ("app.kubernetes.io/managed-by", "Helm"),
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/_helpers/_labels.tpl:21 (kyverno.chartVersion, _helpers.tpl:10-16; Chart.yaml:4)
    ("app.kubernetes.io/version", "3.5.2"),
];

pub(super) const KYVERNO: ChartFacts = ChartFacts {
    component: "kyverno",
    chart: "kyverno",
    version: "3.5.2",
    source: "kyverno/kyverno kyverno-chart-3.5.2",
    namespace: "kyverno",
    pods: &[
        ADMISSION,
        BACKGROUND,
        CLEANUP,
        REPORTS,
        MIGRATE_RESOURCES,
        hook_cleanup("kyverno-rm-mutatingwhconfig", &[("batch.kubernetes.io/job-name", "kyverno-rm-mutatingwhconfig")]),
        hook_cleanup(
            "kyverno-rm-validatingwhconfig",
            &[("batch.kubernetes.io/job-name", "kyverno-rm-validatingwhconfig")],
        ),
        hook_cleanup("kyverno-scale-to-zero", &[("batch.kubernetes.io/job-name", "kyverno-scale-to-zero")]),
    ],
    requires: &[],
};

/// A controller Deployment: `kyverno-<component>`, selected by
/// `kyverno.matchLabels.common` (`_labels.tpl:32-35`) and its component
/// (`_labels.tpl:37-39`), ServiceAccount of the same name when
/// `rbac.create` (the default).
const fn controller(
    workload: &'static str,
    selector: &'static [(&'static str, &'static str)],
    ports: &'static [(&'static str, u16)],
) -> ChartPod {
    ChartPod {
        workload,
        kind: WorkloadKind::Deployment,
        hook: None,
        selector,
        other_labels: &COMMON,
        service_account: workload,
        ports,
        // Every controller watches and writes the Kubernetes API: each has a
        // ClusterRole (kyverno/kyverno kyverno-chart-3.5.2
        // charts/kyverno/templates/<controller>/clusterrole.yaml).
        api_server: true,
        internet: &[],
        world_ingress: &[],
        api_ingress: &[],
        mesh_ingress: &[],
    }
}

// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/admission-controller/deployment.yaml:4-6 (name: admission-controller/_helpers.tpl:3-5)
const ADMISSION: ChartPod = ChartPod {
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/admission-controller/deployment.yaml:236-241
    // (webhookServer.port 9443: values.yaml:876; metering.port 8000: values.yaml:1187)
    // Image verification (verifyImages rules) reads registries over HTTPS.
    internet: &[(443, Protocol::Tcp)],
    // The API server calls the admission webhooks on `https`.
    api_ingress: &[9443],
    ..controller(
        "kyverno-admission-controller",
        // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/admission-controller/deployment.yaml:37 (_helpers.tpl:14-19)
        &[
            ("app.kubernetes.io/part-of", "kyverno"),
            ("app.kubernetes.io/instance", "kyverno"),
            ("app.kubernetes.io/component", "admission-controller"),
        ],
        &[("https", 9443), ("metrics-port", 8000)],
    )
};

// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/background-controller/deployment.yaml:5-7 (enabled: values.yaml:1211)
const BACKGROUND: ChartPod = controller(
    "kyverno-background-controller",
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/background-controller/deployment.yaml:28 (_helpers.tpl:14-19)
    &[
        ("app.kubernetes.io/part-of", "kyverno"),
        ("app.kubernetes.io/instance", "kyverno"),
        ("app.kubernetes.io/component", "background-controller"),
    ],
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/background-controller/deployment.yaml:93-98 (values.yaml:1508,1517)
    &[("https", 9443), ("metrics", 8000)],
);

// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/cleanup-controller/deployment.yaml:5-7 (enabled: values.yaml:1537)
const CLEANUP: ChartPod = ChartPod {
    // The API server calls its CleanupPolicy webhook (webhookServer.port: values.yaml:1630).
    api_ingress: &[9443],
    ..controller(
        "kyverno-cleanup-controller",
        // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/cleanup-controller/deployment.yaml:35 (_helpers.tpl:14-19)
        &[
            ("app.kubernetes.io/part-of", "kyverno"),
            ("app.kubernetes.io/instance", "kyverno"),
            ("app.kubernetes.io/component", "cleanup-controller"),
        ],
        // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/cleanup-controller/deployment.yaml:100-105 (values.yaml:1626,1847)
        &[("https", 9443), ("metrics", 8000)],
    )
};

// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/reports-controller/deployment.yaml:6-8
const REPORTS: ChartPod = controller(
    "kyverno-reports-controller",
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/reports-controller/deployment.yaml:29 (_helpers.tpl:14-19)
    &[
        ("app.kubernetes.io/part-of", "kyverno"),
        ("app.kubernetes.io/instance", "kyverno"),
        ("app.kubernetes.io/component", "reports-controller"),
    ],
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/reports-controller/deployment.yaml:94-99 (values.yaml:2157,2166)
    &[("https", 9443), ("metrics", 8000)],
);

// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/hooks/post-upgrade-migrate-resources.yaml:68-78 (enabled: values.yaml:137)
const MIGRATE_RESOURCES: ChartPod = ChartPod {
    workload: "kyverno-migrate-resources",
    kind: WorkloadKind::Job,
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/hooks/post-upgrade-migrate-resources.yaml:76
    hook: Some("post-upgrade"),
    // No chart labels: the pod template's labels are only podLabels (:82-92).
    selector: &[("batch.kubernetes.io/job-name", "kyverno-migrate-resources")],
    other_labels: &[],
    // kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/hooks/post-upgrade-migrate-resources.yaml:94
    service_account: "kyverno-migrate-resources",
    ports: &[],
    // `kyverno migrate`: reads and rewrites Kyverno resources and CRD status (:14-34, :105-110).
    api_server: true,
    internet: &[],
    world_ingress: &[],
    api_ingress: &[],
    mesh_ingress: &[],
};

/// A `pre-delete` Job of `webhooksCleanup` (enabled: values.yaml:537):
/// `kubectl` against the API server as the admission controller's
/// ServiceAccount, pods without chart labels.
// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/hooks/pre-delete-remove-mutatingwebhookconfiguration.yaml:5-14,18-30,45-50
// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/hooks/pre-delete-remove-validatingwebhookconfiguration.yaml:5-14,18-30,45-50
// kyverno/kyverno kyverno-chart-3.5.2 charts/kyverno/templates/hooks/pre-delete-scale-to-zero.yaml:5-15,19-31,46-54
const fn hook_cleanup(workload: &'static str, selector: &'static [(&'static str, &'static str)]) -> ChartPod {
    ChartPod {
        workload,
        kind: WorkloadKind::Job,
        hook: Some("pre-delete"),
        selector,
        other_labels: &[],
        service_account: "kyverno-admission-controller",
        ports: &[],
        api_server: true,
        internet: &[],
        world_ingress: &[],
        api_ingress: &[],
        mesh_ingress: &[],
    }
}
