//! Linkerd edge-25.10.7: charts `linkerd-crds` and `linkerd-control-plane`
//! at chart version 2025.10.7, releases of those names in namespace
//! `linkerd`. Citations: linkerd/linkerd2 edge-25.10.7, paths under
//! `charts/` (the charts' `Chart.yaml` say `0.0.0-undefined`; the release
//! pipeline sets the version, `charts/linkerd-control-plane/Chart.yaml:19-20`).
//!
//! `derive` writes the `linkerd` namespace's NetworkPolicies from these
//! facts (`docs/network-policy.md`). The control plane's pods run
//! their own proxy (`partials.proxy`), with the ports `linkerd-proxy` 4143
//! and `linkerd-admin` 4191 (`charts/partials/templates/_proxy.tpl:262-265`,
//! `charts/linkerd-control-plane/values.yaml:167,171`).

use super::{ChartFacts, ChartPod, Required, WorkloadKind};
use crate::model::Protocol;

pub(super) const CRDS: ChartFacts = ChartFacts {
    component: "linkerd",
    chart: "linkerd-crds",
    version: "2025.10.7",
    source: "linkerd/linkerd2 edge-25.10.7",
    namespace: "linkerd",
    // Only CustomResourceDefinitions: no `kind: Deployment|DaemonSet|Job|CronJob` under charts/linkerd-crds/templates.
    pods: &[],
    requires: &[],
};

pub(super) const CONTROL_PLANE: ChartFacts = ChartFacts {
    component: "linkerd",
    chart: "linkerd-control-plane",
    version: "2025.10.7",
    source: "linkerd/linkerd2 edge-25.10.7",
    namespace: "linkerd",
    pods: &[DESTINATION, IDENTITY, PROXY_INJECTOR, HEARTBEAT],
    requires: &[
        // linkerd/linkerd2 edge-25.10.7 charts/partials/templates/_proxy.tpl:220
        Required::Value("identityTrustAnchorsPEM"),
        // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:19
        Required::Value("identity.issuer.tls.crtPEM"),
        // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:20
        Required::Value("identity.issuer.tls.keyPEM"),
    ],
};

/// The proxy's labels and the chart's, beside the selector.
const OTHER: &[(&str, &str)] = &[("linkerd.io/workload-ns", "linkerd")];

// linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/destination.yaml:135,146
const DESTINATION: ChartPod = ChartPod {
    workload: "linkerd-destination",
    kind: WorkloadKind::Deployment,
    hook: None,
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/destination.yaml:169-172 (selector :152-155;
    // partials.proxy.labels charts/partials/templates/_metadata.tpl:15-17 with destination.yaml:125-126)
    selector: &[
        ("linkerd.io/control-plane-component", "destination"),
        ("linkerd.io/control-plane-ns", "linkerd"),
        ("linkerd.io/proxy-deployment", "linkerd-destination"),
    ],
    other_labels: OTHER,
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/destination.yaml:437
    service_account: "linkerd-destination",
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/destination.yaml:247-250,305-308,377-382
    ports: &[
        ("dest-grpc", 8086),
        ("dest-admin", 9996),
        ("sp-validator", 8443),
        ("spval-admin", 9997),
        ("policy-grpc", 8090),
        ("policy-admin", 9990),
        ("policy-https", 9443),
        ("linkerd-proxy", 4143),
        ("linkerd-admin", 4191),
    ],
    // Watches Services, Endpoints, Pods and the policy resources.
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/destination-rbac.yaml:5,21-24
    api_server: true,
    internet: &[],
    world_ingress: &[],
    // ServiceProfile and policy validating webhooks (Services linkerd-sp-validator, linkerd-policy-validator: destination.yaml:48-61,88-101).
    api_ingress: &[8443, 9443],
    // Every proxy asks destination (8086) and policy (8090).
    mesh_ingress: &[8086, 8090],
};

// linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:109,120
const IDENTITY: ChartPod = ChartPod {
    workload: "linkerd-identity",
    kind: WorkloadKind::Deployment,
    hook: None,
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:142-145 (selector :126-129; identity.yaml:99-100)
    selector: &[
        ("linkerd.io/control-plane-component", "identity"),
        ("linkerd.io/control-plane-ns", "linkerd"),
        ("linkerd.io/proxy-deployment", "linkerd-identity"),
    ],
    other_labels: OTHER,
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:263
    service_account: "linkerd-identity",
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:195-198
    ports: &[("ident-grpc", 8080), ("ident-admin", 9990), ("linkerd-proxy", 4143), ("linkerd-admin", 4191)],
    // Validates ServiceAccount tokens (TokenReview).
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity-rbac.yaml:5,15
    api_server: true,
    internet: &[],
    world_ingress: &[],
    api_ingress: &[],
    // Every proxy asks identity for its certificate (LINKERD2_PROXY_IDENTITY_SVC_ADDR, _proxy.tpl:228).
    mesh_ingress: &[8080],
};

// linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/proxy-injector.yaml:16,27
const PROXY_INJECTOR: ChartPod = ChartPod {
    workload: "linkerd-proxy-injector",
    kind: WorkloadKind::Deployment,
    hook: None,
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/proxy-injector.yaml:49-52 (selector :34; proxy-injector.yaml:6-7)
    selector: &[("linkerd.io/control-plane-component", "proxy-injector")],
    other_labels: &[
        ("linkerd.io/control-plane-ns", "linkerd"),
        ("linkerd.io/workload-ns", "linkerd"),
        ("linkerd.io/proxy-deployment", "linkerd-proxy-injector"),
    ],
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/proxy-injector.yaml:171
    service_account: "linkerd-proxy-injector",
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/proxy-injector.yaml:109-112
    ports: &[("proxy-injector", 8443), ("injector-admin", 9995), ("linkerd-proxy", 4143), ("linkerd-admin", 4191)],
    // Reads namespaces and workloads of the pods it injects.
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/proxy-injector-rbac.yaml:5,18-24
    api_server: true,
    internet: &[],
    world_ingress: &[],
    // The mutating webhook; 8443 is opaque (proxy-injector.yaml:46).
    api_ingress: &[8443],
    mesh_ingress: &[],
};

// linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/heartbeat.yaml:1,7-9 (disableHeartBeat: values.yaml:517)
const HEARTBEAT: ChartPod = ChartPod {
    workload: "linkerd-heartbeat",
    kind: WorkloadKind::CronJob,
    hook: None,
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/heartbeat.yaml:32-34
    selector: &[("linkerd.io/control-plane-component", "heartbeat")],
    other_labels: OTHER,
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/heartbeat.yaml:53
    service_account: "linkerd-heartbeat",
    ports: &[],
    // Reads the linkerd-config ConfigMap and the namespaces.
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/heartbeat-rbac.yaml:7,16,38,46
    api_server: true,
    // Sends the heartbeat to https://versioncheck.linkerd.io (controller/heartbeat/heartbeat.go:220-222,
    // pkg/version/channels.go:23). It also queries linkerd-viz's Prometheus (heartbeat.yaml:74-78), absent here.
    internet: &[(443, Protocol::Tcp)],
    world_ingress: &[],
    api_ingress: &[],
    mesh_ingress: &[],
};
