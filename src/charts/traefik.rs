//! Traefik chart 37.1.2, release `traefik` in namespace `traefik`.
//! Citations: traefik/traefik-helm-chart v37.1.2, paths under `traefik/`.
//! `traefik.fullname` (`templates/_helpers.tpl:43-54`) is `traefik`: the
//! release name contains the chart name. The chart runs one Deployment
//! (`deployment.kind` is `Deployment`, `values.yaml:19-23`; the DaemonSet
//! template renders only for kind `DaemonSet`) and no Jobs.

use super::{ChartFacts, ChartPod, WorkloadKind};

pub(super) const TRAEFIK: ChartFacts = ChartFacts {
    component: "traefik",
    chart: "traefik",
    version: "37.1.2",
    source: "traefik/traefik-helm-chart v37.1.2",
    namespace: "traefik",
    pods: &[TRAEFIK_POD],
    requires: &[],
};

// traefik/traefik-helm-chart v37.1.2 traefik/templates/deployment.yaml:6,21-23
const TRAEFIK_POD: ChartPod = ChartPod {
    workload: "traefik",
    kind: WorkloadKind::Deployment,
    hook: None,
    // traefik/traefik-helm-chart v37.1.2 traefik/templates/_podtemplate.tpl:15-16 → traefik.labels (_helpers.tpl:71-78) → traefik.labelselector (_helpers.tpl:65-68)
    selector: &[
        // traefik/traefik-helm-chart v37.1.2 traefik/templates/_helpers.tpl:66 (traefik.name, :6-8)
        ("app.kubernetes.io/name", "traefik"),
        // traefik/traefik-helm-chart v37.1.2 traefik/templates/_helpers.tpl:67 (traefik.instance-name `<release>-<namespace>`, :59-61)
        ("app.kubernetes.io/instance", "traefik-traefik"),
    ],
    other_labels: &[
        // traefik/traefik-helm-chart v37.1.2 traefik/templates/_helpers.tpl:73 (traefik.chart, :13-15; Chart.yaml:5)
        ("helm.sh/chart", "traefik-37.1.2"),
        // traefik/traefik-helm-chart v37.1.2 traefik/templates/_helpers.tpl:74
        ("app.kubernetes.io/managed-by", "Helm"),
    ],
    // traefik/traefik-helm-chart v37.1.2 traefik/templates/_podtemplate.tpl:32 (traefik.serviceAccountName, _helpers.tpl:96-98; values.yaml:913)
    service_account: "traefik",
    // traefik/traefik-helm-chart v37.1.2 traefik/templates/_podtemplate.tpl:109-126, values.yaml:651-652,673-676,714-717,775-778
    ports: &[("metrics", 9100), ("traefik", 8080), ("web", 8000), ("websecure", 8443)],
    // The kubernetesCRD and kubernetesIngress providers watch the API.
    // traefik/traefik-helm-chart v37.1.2 traefik/templates/rbac/clusterrole.yaml:2-4,15-23 (get/list/watch on Services, Endpoints, … cluster-wide)
    api_server: true,
    internet: &[],
    // The entry points the Service exposes (expose.default: values.yaml:679-681 web, :720-722 websecure).
    world_ingress: &[8000, 8443],
    api_ingress: &[],
    mesh_ingress: &[],
};
