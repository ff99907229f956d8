//! The pods platform charts run and what each needs from the network: the
//! API server, the internet, ingress from clients or from the API server
//! (admission webhooks). These facts come from the charts' defaults; the
//! graph turns them into nodes and edges like any declared workload.

use crate::check::ResolvedStack;
use crate::model::Protocol;

/// One Deployment of a platform chart.
#[derive(Debug, Clone, Copy)]
pub struct PlatformPod {
    pub namespace: &'static str,
    /// The Deployment name the chart gives it.
    pub workload: &'static str,
    /// The labels the chart puts on its pods.
    pub labels: &'static [(&'static str, &'static str)],
    pub service_account: &'static str,
    /// Named container ports.
    pub ports: &'static [(&'static str, u16)],
    /// Watches or writes the Kubernetes API.
    pub api_server: bool,
    /// Internet egress (ACME, DNS providers, registries).
    pub internet: &'static [(u16, Protocol)],
    /// Ingress from anywhere: the ingress controller's entry points.
    pub world_ingress: &'static [u16],
    /// Ingress from the API server: admission webhooks.
    pub api_ingress: &'static [u16],
}

const TRAEFIK: PlatformPod = PlatformPod {
    namespace: "traefik",
    workload: "traefik",
    labels: &[("app.kubernetes.io/name", "traefik")],
    service_account: "traefik",
    ports: &[("web", 8000), ("websecure", 8443)],
    api_server: true,
    internet: &[],
    world_ingress: &[8000, 8443],
    api_ingress: &[],
};

const CERT_MANAGER: &[PlatformPod] = &[
    PlatformPod {
        namespace: "cert-manager",
        workload: "cert-manager",
        labels: &[("app.kubernetes.io/name", "cert-manager"), ("app.kubernetes.io/component", "controller")],
        service_account: "cert-manager",
        ports: &[("http-metrics", 9402)],
        api_server: true,
        // ACME and the DNS provider's API over HTTPS; DNS-01 self-checks
        // against public recursive resolvers.
        internet: &[(53, Protocol::Udp), (53, Protocol::Tcp), (443, Protocol::Tcp)],
        world_ingress: &[],
        api_ingress: &[],
    },
    PlatformPod {
        namespace: "cert-manager",
        workload: "cert-manager-webhook",
        labels: &[("app.kubernetes.io/name", "webhook"), ("app.kubernetes.io/component", "webhook")],
        service_account: "cert-manager-webhook",
        ports: &[("https", 10250)],
        api_server: true,
        internet: &[],
        world_ingress: &[],
        api_ingress: &[10250],
    },
    PlatformPod {
        namespace: "cert-manager",
        workload: "cert-manager-cainjector",
        labels: &[("app.kubernetes.io/name", "cainjector"), ("app.kubernetes.io/component", "cainjector")],
        service_account: "cert-manager-cainjector",
        ports: &[],
        api_server: true,
        internet: &[],
        world_ingress: &[],
        api_ingress: &[],
    },
];

const KYVERNO: &[PlatformPod] = &[
    PlatformPod {
        namespace: "kyverno",
        workload: "kyverno-admission-controller",
        labels: &[("app.kubernetes.io/component", "admission-controller"), ("app.kubernetes.io/instance", "kyverno")],
        service_account: "kyverno-admission-controller",
        ports: &[("https", 9443)],
        api_server: true,
        // Image verification reads registries.
        internet: &[(443, Protocol::Tcp)],
        world_ingress: &[],
        api_ingress: &[9443],
    },
    PlatformPod {
        namespace: "kyverno",
        workload: "kyverno-background-controller",
        labels: &[("app.kubernetes.io/component", "background-controller"), ("app.kubernetes.io/instance", "kyverno")],
        service_account: "kyverno-background-controller",
        ports: &[],
        api_server: true,
        internet: &[],
        world_ingress: &[],
        api_ingress: &[],
    },
    PlatformPod {
        namespace: "kyverno",
        workload: "kyverno-cleanup-controller",
        labels: &[("app.kubernetes.io/component", "cleanup-controller"), ("app.kubernetes.io/instance", "kyverno")],
        service_account: "kyverno-cleanup-controller",
        ports: &[("https", 9443)],
        api_server: true,
        internet: &[],
        world_ingress: &[],
        api_ingress: &[9443],
    },
    PlatformPod {
        namespace: "kyverno",
        workload: "kyverno-reports-controller",
        labels: &[("app.kubernetes.io/component", "reports-controller"), ("app.kubernetes.io/instance", "kyverno")],
        service_account: "kyverno-reports-controller",
        ports: &[],
        api_server: true,
        internet: &[],
        world_ingress: &[],
        api_ingress: &[],
    },
];

/// The platform pods of the components the stack runs.
pub fn platform_pods(stack: &ResolvedStack) -> Vec<PlatformPod> {
    let p = &stack.platform;
    let mut out = Vec::new();
    if p.traefik.is_some() {
        out.push(TRAEFIK);
    }
    if p.cert_manager.is_some() {
        out.extend_from_slice(CERT_MANAGER);
    }
    if p.kyverno.is_some() {
        out.extend_from_slice(KYVERNO);
    }
    out
}

/// Platform namespaces get NetworkPolicies only when the cluster declares
/// the API server's address: every controller needs it, and no selector can
/// name it. Without it they stay open rather than break the platform.
pub fn platform_managed(stack: &ResolvedStack) -> bool {
    stack.cluster.api_server.is_some()
}
