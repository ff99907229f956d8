//! cert-manager chart v1.19.1 (jetstack), release `cert-manager` in
//! namespace `cert-manager`. Citations: cert-manager/cert-manager v1.19.1,
//! paths under `deploy/charts/cert-manager/`. The chart's names come from
//! `cert-manager.fullname` (`_helpers.tpl:13-24`): the release name contains
//! the chart name, so the full name is `cert-manager`.

use super::{ChartFacts, ChartPod, WorkloadKind};
use crate::model::Protocol;

/// Labels every object gets: `labels` (`_helpers.tpl:153-158`), `creator`
/// is `helm` (`values.yaml:1486`).
const COMMON: [(&str, &str); 3] = [
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/_helpers.tpl:154
    ("app.kubernetes.io/version", "v1.19.1"),
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/_helpers.tpl:156
    ("app.kubernetes.io/managed-by", "Helm"),
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/_helpers.tpl:157 (chartName, :146-148)
    ("helm.sh/chart", "cert-manager-v1.19.1"),
];

pub(super) const CERT_MANAGER: ChartFacts = ChartFacts {
    component: "cert-manager",
    chart: "cert-manager",
    version: "v1.19.1",
    source: "cert-manager/cert-manager v1.19.1",
    namespace: "cert-manager",
    pods: &[CONTROLLER, WEBHOOK, CAINJECTOR, STARTUPAPICHECK],
    requires: &[],
};

// cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/deployment.yaml:2-4
const CONTROLLER: ChartPod = ChartPod {
    workload: "cert-manager",
    kind: WorkloadKind::Deployment,
    hook: None,
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/deployment.yaml:35-37 (selector :24-26)
    selector: &[
        ("app.kubernetes.io/name", "cert-manager"),
        ("app.kubernetes.io/instance", "cert-manager"),
        ("app.kubernetes.io/component", "controller"),
    ],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/deployment.yaml:34,38
    other_labels: &[("app", "cert-manager"), COMMON[0], COMMON[1], COMMON[2]],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/deployment.yaml:61 (_helpers.tpl:29-35, values.yaml:209)
    service_account: "cert-manager",
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/deployment.yaml:153-157
    ports: &[("http-metrics", 9402), ("http-healthz", 9403)],
    // A controller: watches Certificates, Orders, Challenges, Secrets.
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/rbac.yaml:3-20 (leader-election Leases, then its ClusterRoles)
    api_server: true,
    // ACME (HTTPS) and the DNS-01 provider's API; DNS-01 self-checks query
    // the recursive nameservers stackc sets (`dns01RecursiveNameservers`,
    // port 53 UDP and TCP).
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/deployment.yaml:143-147 (dns01-recursive-nameservers args)
    internet: &[(53, Protocol::Udp), (53, Protocol::Tcp), (443, Protocol::Tcp)],
    world_ingress: &[],
    api_ingress: &[],
    mesh_ingress: &[],
};

// cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/webhook-deployment.yaml:2
const WEBHOOK: ChartPod = ChartPod {
    // webhook.fullname: `<fullname>-webhook` (_helpers.tpl:55-58)
    workload: "cert-manager-webhook",
    kind: WorkloadKind::Deployment,
    hook: None,
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/webhook-deployment.yaml:35-37 (webhook.name is `webhook`, _helpers.tpl:46-48)
    selector: &[
        ("app.kubernetes.io/name", "webhook"),
        ("app.kubernetes.io/instance", "cert-manager"),
        ("app.kubernetes.io/component", "webhook"),
    ],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/webhook-deployment.yaml:34
    other_labels: &[("app", "webhook"), COMMON[0], COMMON[1], COMMON[2]],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/webhook-deployment.yaml:61 (_helpers.tpl:67-73)
    service_account: "cert-manager-webhook",
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/webhook-deployment.yaml:119-138
    // (securePort 10250: values.yaml:948; metrics while prometheus.enabled, values.yaml:531)
    ports: &[("https", 10250), ("healthcheck", 6080), ("http-metrics", 9402)],
    // Reads its CA Secret and serves from it (dynamic serving).
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/webhook-rbac.yaml:5,15,27-31 (Secrets of its dynamic serving CA)
    api_server: true,
    internet: &[],
    world_ingress: &[],
    // The API server calls the admission webhooks on `https`.
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/webhook-validating-webhook.yaml:45-48 (Service port 443 → targetPort https: webhook-service.yaml:32-34)
    api_ingress: &[10250],
    mesh_ingress: &[],
};

// cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/cainjector-deployment.yaml:3
const CAINJECTOR: ChartPod = ChartPod {
    // cainjector.fullname (_helpers.tpl:93-96)
    workload: "cert-manager-cainjector",
    kind: WorkloadKind::Deployment,
    hook: None,
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/cainjector-deployment.yaml:36-38
    selector: &[
        ("app.kubernetes.io/name", "cainjector"),
        ("app.kubernetes.io/instance", "cert-manager"),
        ("app.kubernetes.io/component", "cainjector"),
    ],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/cainjector-deployment.yaml:35
    other_labels: &[("app", "cainjector"), COMMON[0], COMMON[1], COMMON[2]],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/cainjector-deployment.yaml:62 (_helpers.tpl:101-107)
    service_account: "cert-manager-cainjector",
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/cainjector-deployment.yaml:110-115
    ports: &[("http-metrics", 9402)],
    // Writes CA bundles into webhook configurations and CRDs.
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/cainjector-rbac.yaml:23-28 (webhook configurations, APIServices)
    api_server: true,
    internet: &[],
    world_ingress: &[],
    api_ingress: &[],
    mesh_ingress: &[],
};

// cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/startupapicheck-job.yaml:1-3 (enabled: values.yaml:1302)
const STARTUPAPICHECK: ChartPod = ChartPod {
    // startupapicheck.fullname (_helpers.tpl:127-130)
    workload: "cert-manager-startupapicheck",
    kind: WorkloadKind::Job,
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/values.yaml:1330-1333
    hook: Some("post-install"),
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/startupapicheck-job.yaml:23-25
    selector: &[
        ("app.kubernetes.io/name", "startupapicheck"),
        ("app.kubernetes.io/instance", "cert-manager"),
        ("app.kubernetes.io/component", "startupapicheck"),
    ],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/startupapicheck-job.yaml:22,26
    other_labels: &[("app", "startupapicheck"), COMMON[0], COMMON[1], COMMON[2]],
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/startupapicheck-job.yaml:36 (_helpers.tpl:135-141)
    service_account: "cert-manager-startupapicheck",
    ports: &[],
    // `check api --wait=1m`: asks the API server, which calls the webhook.
    // cert-manager/cert-manager v1.19.1 deploy/charts/cert-manager/templates/startupapicheck-job.yaml:55-58
    api_server: true,
    internet: &[],
    world_ingress: &[],
    api_ingress: &[],
    mesh_ingress: &[],
};
