//! Platform components: Helm sources, Traefik, cert-manager and its issuers,
//! Linkerd, Kyverno. Each is a chart installed by a Flux HelmRelease into its
//! own namespace.

use serde_json::{Value, json};

use super::Component;
use super::object::Object;
use crate::check::ResolvedStack;
use crate::diagnostic::Span;
use crate::model::DnsProvider;

/// Labels on every object stackc writes.
pub(super) fn common_labels(stack: &ResolvedStack) -> Value {
    json!({"app.kubernetes.io/managed-by": "stackc", "app.kubernetes.io/part-of": stack.name})
}

/// A Helm repository of a platform component.
struct Chart {
    repository: &'static str,
    url: &'static str,
    chart: &'static str,
}

const TRAEFIK: Chart = Chart { repository: "traefik", url: "https://traefik.github.io/charts", chart: "traefik" };
const CERT_MANAGER: Chart = Chart { repository: "jetstack", url: "https://charts.jetstack.io", chart: "cert-manager" };
const LINKERD_CRDS: Chart = Chart { repository: "linkerd", url: "https://helm.linkerd.io/edge", chart: "linkerd-crds" };
const LINKERD: Chart =
    Chart { repository: "linkerd", url: "https://helm.linkerd.io/edge", chart: "linkerd-control-plane" };
const KYVERNO: Chart = Chart { repository: "kyverno", url: "https://kyverno.github.io/kyverno/", chart: "kyverno" };

/// The platform components that are Helm charts: the stack's node name, the
/// chart, its repository URL (for `stackc renovate`).
pub const PLATFORM_CHARTS: &[(&str, &str, &str)] = &[
    ("traefik", TRAEFIK.chart, TRAEFIK.url),
    ("cert-manager", CERT_MANAGER.chart, CERT_MANAGER.url),
    ("linkerd", LINKERD.chart, LINKERD.url),
    ("kyverno", KYVERNO.chart, KYVERNO.url),
];

/// The flux-system namespace where sources and Kustomizations live.
pub(super) const FLUX_NAMESPACE: &str = "flux-system";

pub(super) fn components(stack: &ResolvedStack, graph: &super::Graph) -> Vec<Component> {
    let labels = common_labels(stack);
    let p = &stack.platform;
    let cluster_dir = format!("clusters/{}", stack.cluster.name.value);
    let mut out = Vec::new();
    let mut repositories: Vec<(String, String, Span)> =
        stack.helm_repositories.iter().map(|r| (r.name.value.clone(), r.url.value.clone(), r.name.span)).collect();
    let mut platform_chart = |chart: &Chart, span: Span| {
        if !repositories.iter().any(|(name, _, _)| name == chart.repository) {
            repositories.push((chart.repository.to_owned(), chart.url.to_owned(), span));
        }
    };
    if let Some(t) = &p.traefik {
        platform_chart(&TRAEFIK, t.span);
        let values = json!({
            "ports": {
                "web": if t.redirect_http_to_https {
                    json!({"redirections": {"entryPoint": {"to": "websecure", "scheme": "https", "permanent": true}}})
                } else {
                    json!({})
                },
                "websecure": {"tls": {"enabled": true}},
            },
            "ingressRoute": {"dashboard": {"enabled": false}},
            "providers": {"kubernetesCRD": {"allowCrossNamespace": false}},
        });
        let mut objects = vec![namespace("traefik", &labels, p.linkerd.is_some().then_some("ingress"), t.span)];
        objects.push(release("traefik", "traefik", &TRAEFIK, &t.version, values, &labels, t.span));
        out.push(component("traefik", &cluster_dir, objects));
    }
    if let Some(cm) = &p.cert_manager {
        platform_chart(&CERT_MANAGER, cm.span);
        let values = json!({"crds": {"enabled": true}, "dns01RecursiveNameserversOnly": true, "dns01RecursiveNameservers": "1.1.1.1:53,1.0.0.1:53"});
        let objects = vec![
            namespace("cert-manager", &labels, None, cm.span),
            release("cert-manager", "cert-manager", &CERT_MANAGER, &cm.version, values, &labels, cm.span),
        ];
        out.push(component("cert-manager", &cluster_dir, objects));
        let issuers = cm
            .issuers
            .iter()
            .map(|issuer| {
                let server = match issuer.server.value.as_str() {
                    "production" => "https://acme-v02.api.letsencrypt.org/directory",
                    "staging" => "https://acme-staging-v02.api.letsencrypt.org/directory",
                    other => other,
                };
                let solver = match issuer.dns01.value {
                    DnsProvider::Cloudflare => json!({"dns01": {"cloudflare": {"apiTokenSecretRef": {"name": issuer.token_secret.value, "key": "api-token"}}}}),
                };
                let spec = json!({"spec": {"acme": {
                    "email": issuer.acme_email.value,
                    "server": server,
                    "privateKeySecretRef": {"name": format!("{}-account-key", issuer.name.value)},
                    "solvers": [solver],
                }}});
                Object::new("cert-manager.io/v1", "ClusterIssuer", &issuer.name, None, &labels, spec, issuer.name.span)
            })
            .collect();
        out.push(Component {
            name: "cert-manager-config".into(),
            dir: "infrastructure/cert-manager-config".into(),
            objects: issuers,
            depends_on: Vec::new(),
            foreign: Vec::new(),
        });
    }
    if let Some(l) = &p.linkerd {
        platform_chart(&LINKERD, l.span);
        let inbound = l.inbound.value.as_str();
        let crds = release("linkerd-crds", "linkerd", &LINKERD_CRDS, &l.version, json!({}), &labels, l.span);
        let mut control_plane = release(
            "linkerd-control-plane",
            "linkerd",
            &LINKERD,
            &l.version,
            // Injected containers get requests and limits so pods still pass
            // `require-resource-limits`.
            json!({
                "proxy": {
                    "defaultInboundPolicy": inbound,
                    "resources": {
                        "cpu": {"request": "10m", "limit": "500m"},
                        "memory": {"request": "20Mi", "limit": "250Mi"},
                    },
                },
                "proxyInit": {
                    "resources": {
                        "cpu": {"request": "10m", "limit": "100m"},
                        "memory": {"request": "10Mi", "limit": "20Mi"},
                    },
                },
            }),
            &labels,
            l.span,
        );
        if let Some(spec) = control_plane.body.get_mut("spec").and_then(Value::as_object_mut) {
            spec.insert("dependsOn".into(), json!([{"name": "linkerd-crds"}]));
            spec.insert(
                "valuesFrom".into(),
                json!([
                    {"kind": "Secret", "name": "linkerd-identity", "valuesKey": "ca.crt", "targetPath": "identityTrustAnchorsPEM"},
                    {"kind": "Secret", "name": "linkerd-identity", "valuesKey": "tls.crt", "targetPath": "identity.issuer.tls.crtPEM"},
                    {"kind": "Secret", "name": "linkerd-identity", "valuesKey": "tls.key", "targetPath": "identity.issuer.tls.keyPEM"},
                ]),
            );
        }
        let objects = vec![namespace("linkerd", &labels, None, l.span), crds, control_plane];
        out.push(component("linkerd", &cluster_dir, objects));
    }
    if let Some(k) = &p.kyverno {
        platform_chart(&KYVERNO, k.span);
        let objects = vec![
            namespace("kyverno", &labels, None, k.span),
            release(
                "kyverno",
                "kyverno",
                &KYVERNO,
                &k.version,
                json!({"admissionController": {"replicas": 1}}),
                &labels,
                k.span,
            ),
        ];
        out.push(component("kyverno", &cluster_dir, objects));
        let policies = super::kyverno::policies(stack, k, &labels);
        out.push(component("kyverno-policies", &cluster_dir, policies));
    }
    if super::platform_pods::platform_managed(stack) {
        for c in &mut out {
            if let Some(pod) = super::platform_pods::platform_pods(stack).into_iter().find(|p| p.namespace == c.name) {
                let span =
                    graph.nodes.iter().find(|n| n.namespace == pod.namespace).map(|n| n.span).unwrap_or_default();
                c.objects.extend(super::network::policies(stack, pod.namespace, span, graph));
            }
        }
    }
    repositories.sort();
    repositories.dedup_by(|a, b| a.0 == b.0);
    if !repositories.is_empty() {
        let objects = repositories
            .iter()
            .map(|(name, url, span)| {
                let mut spec = json!({"interval": "1h", "url": url});
                if url.starts_with("oci://") {
                    spec["type"] = json!("oci");
                }
                Object::new(
                    "source.toolkit.fluxcd.io/v1",
                    "HelmRepository",
                    name,
                    Some(FLUX_NAMESPACE),
                    &labels,
                    json!({"spec": spec}),
                    *span,
                )
            })
            .collect();
        out.push(Component {
            name: "sources".into(),
            dir: "infrastructure/sources".into(),
            objects,
            depends_on: Vec::new(),
            foreign: Vec::new(),
        });
    }
    out
}

fn component(name: &str, cluster_dir: &str, objects: Vec<Object>) -> Component {
    Component {
        name: name.to_owned(),
        dir: format!("{cluster_dir}/{name}"),
        objects,
        depends_on: Vec::new(),
        foreign: Vec::new(),
    }
}

/// A Namespace; `inject` is the Linkerd injection mode, if any.
pub(super) fn namespace(name: &str, labels: &Value, inject: Option<&str>, origin: Span) -> Object {
    let object = Object::new("v1", "Namespace", name, None, labels, json!({}), origin);
    match inject {
        Some(mode) => object.annotated(json!({"linkerd.io/inject": mode})),
        None => object,
    }
}

/// Which chart a HelmRelease installs: chart name, repository, version.
#[derive(Clone, Copy)]
pub(super) struct ChartRef<'a> {
    pub chart: &'a str,
    pub repository: &'a str,
    pub version: &'a str,
}

pub(super) fn helm_release(
    name: &str,
    namespace: &str,
    chart: &ChartRef<'_>,
    values: Value,
    labels: &Value,
    origin: Span,
) -> Object {
    let ChartRef { chart, repository, version } = *chart;
    let mut spec = json!({
        "interval": "30m",
        "chart": {"spec": {
            "chart": chart,
            "version": version,
            "sourceRef": {"kind": "HelmRepository", "name": repository, "namespace": FLUX_NAMESPACE},
            "interval": "12h",
        }},
        "install": {"remediation": {"retries": 3}},
        "upgrade": {"remediation": {"retries": 3}},
    });
    if values.as_object().is_some_and(|v| !v.is_empty()) {
        spec["values"] = values;
    }
    Object::new(
        "helm.toolkit.fluxcd.io/v2",
        "HelmRelease",
        name,
        Some(namespace),
        labels,
        json!({"spec": spec}),
        origin,
    )
}

fn release(
    name: &str,
    namespace: &str,
    chart: &Chart,
    version: &str,
    values: Value,
    labels: &Value,
    origin: Span,
) -> Object {
    helm_release(
        name,
        namespace,
        &ChartRef { chart: chart.chart, repository: chart.repository, version },
        values,
        labels,
        origin,
    )
}
