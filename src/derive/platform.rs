//! Platform components: Traefik, cert-manager and its issuers, Linkerd,
//! Kyverno. Each is a [`HelmChart`] in its own namespace; the engine decides
//! how it is installed.

use serde_json::{Value, json};

use super::Component;
use super::helm::{HelmChart, SecretValue};
use super::object::Object;
use crate::check::platform_secrets::{IDENTITY_KEYS, IDENTITY_SECRET, TLS_SECRET_TYPE};
use crate::check::{PortExposure, ResolvedStack};
use crate::diagnostic::Span;
use crate::model::{DnsProvider, GitOpsEngine, Protocol};

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

pub(super) fn components(stack: &ResolvedStack, graph: &super::Graph) -> Vec<Component> {
    let labels = common_labels(stack);
    let p = &stack.platform;
    let cluster_dir = format!("clusters/{}", stack.cluster.name.value);
    let mut out = Vec::new();
    if let Some(t) = &p.traefik {
        let mut values = json!({
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
        for e in expose_ports(stack) {
            let protocol = if e.protocol == Protocol::Udp { "UDP" } else { "TCP" };
            // traefik/traefik-helm-chart v37.1.2 traefik/templates/_podtemplate.tpl:111-126 (container port),
            // :191-193 (`--entryPoints.<name>.address=:<port>/<protocol>`), _service.tpl:52-63 (Service port
            // `exposedPort` when `expose.default`); the keys as values.yaml:650-672 lists them.
            values["ports"][e.entry_point()] = json!({
                "port": e.container_port(),
                "exposedPort": e.entry,
                "expose": {"default": true},
                "protocol": protocol,
            });
        }
        if p.linkerd.is_some() {
            values["deployment"] = json!({"podAnnotations": traefik_mesh_annotations(stack)});
        }
        let objects = vec![namespace("traefik", &labels, p.linkerd.is_some().then_some("ingress"), t.span)];
        let charts = vec![release("traefik", "traefik", &TRAEFIK, &t.version, values, t.span)];
        out.push(component("traefik", &cluster_dir, objects, charts));
    }
    if let Some(cm) = &p.cert_manager {
        let values = json!({"crds": {"enabled": true}, "dns01RecursiveNameserversOnly": true, "dns01RecursiveNameservers": "1.1.1.1:53,1.0.0.1:53"});
        let objects = vec![namespace("cert-manager", &labels, None, cm.span)];
        let charts = vec![release("cert-manager", "cert-manager", &CERT_MANAGER, &cm.version, values, cm.span)];
        out.push(component("cert-manager", &cluster_dir, objects, charts));
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
        out.push(Component::new("cert-manager-config", "infrastructure/cert-manager-config", issuers));
    }
    if let Some(l) = &p.linkerd {
        let inbound = l.inbound.value.as_str();
        let crds = release("linkerd-crds", "linkerd", &LINKERD_CRDS, &l.version, json!({}), l.span);
        let mut control_plane = release(
            "linkerd-control-plane",
            "linkerd",
            &LINKERD,
            &l.version,
            // Injected containers get requests and limits so pods still pass
            // `require-resource-limits`. `linkerd-init` takes `proxy.resources`
            // too (linkerd/linkerd2 edge-25.10.7
            // charts/partials/templates/_proxy-init.tpl:52; `proxyInit.resources`
            // is read by nothing since edge-24.6.4).
            json!({
                "proxy": {
                    "defaultInboundPolicy": inbound,
                    "resources": {
                        "cpu": {"request": "10m", "limit": "500m"},
                        "memory": {"request": "20Mi", "limit": "250Mi"},
                    },
                },
            }),
            l.span,
        );
        control_plane.depends_on = vec!["linkerd-crds".into()];
        linkerd_identity(&stack.platform.engine, &mut control_plane);
        let objects = vec![namespace("linkerd", &labels, None, l.span)];
        out.push(component("linkerd", &cluster_dir, objects, vec![crds, control_plane]));
    }
    if let Some(k) = &p.kyverno {
        let objects = vec![namespace("kyverno", &labels, None, k.span)];
        let values = json!({"admissionController": {"replicas": 1}});
        let charts = vec![release("kyverno", "kyverno", &KYVERNO, &k.version, values, k.span)];
        out.push(component("kyverno", &cluster_dir, objects, charts));
        let policies = super::kyverno::policies(stack, k, &labels);
        out.push(component("kyverno-policies", &cluster_dir, policies, Vec::new()));
    }
    if super::platform_pods::platform_managed(stack) {
        let pods = super::platform_pods::platform_pods(stack);
        for c in &mut out {
            if let Some((namespace, _)) = pods.iter().find(|(namespace, _)| *namespace == c.name) {
                let span = graph.nodes.iter().find(|n| n.namespace == *namespace).map(|n| n.span).unwrap_or_default();
                c.objects.extend(super::network::policies(stack, namespace, span, graph));
            }
        }
    }
    out
}

/// Traefik's entry points, as the chart opens them (traefik/traefik-helm-chart
/// v37.1.2 traefik/values.yaml:676 `web` 8000, :717 `websecure` 8443).
pub const TRAEFIK_ENTRY_POINTS: [u16; 2] = [8000, 8443];

/// Every `expose-port` of the stack, by public port.
pub(crate) fn expose_ports(stack: &ResolvedStack) -> Vec<&PortExposure> {
    let mut ports: Vec<&PortExposure> =
        stack.namespaces.iter().flat_map(|n| &n.workloads).flat_map(|w| &w.expose_ports).collect();
    ports.sort_by_key(|e| (e.entry, e.protocol));
    ports
}

/// The ports Traefik takes from the world: the two HTTP entry points and one
/// per `expose-port` (its container port: the public port, or above 10000
/// for a privileged one).
pub(crate) fn traefik_world_ports(stack: &ResolvedStack) -> Vec<(u16, Protocol)> {
    let mut ports: Vec<(u16, Protocol)> = TRAEFIK_ENTRY_POINTS.iter().map(|p| (*p, Protocol::Tcp)).collect();
    ports.extend(expose_ports(stack).iter().map(|e| (e.container_port(), e.protocol)));
    ports
}

/// Traefik under the mesh: internet clients have no mesh identity, so under
/// a default inbound policy such as `all-authenticated` the proxy would
/// refuse them. The entry points skip the proxy's inbound side
/// (`config.linkerd.io/skip-inbound-ports`, linkerd/linkerd2 edge-25.10.7
/// pkg/k8s/labels.go:161, read by the injector at pkg/inject/inject.go:501
/// into proxy-init's `--inbound-ports-to-ignore`,
/// charts/partials/templates/_proxy-init.tpl:24-25), so only those ports
/// take unauthenticated clients; every other port of the pod stays under the
/// default policy, and Traefik's outbound calls to the apps stay meshed
/// (mTLS). Set through the chart's `deployment.podAnnotations`
/// (traefik-helm-chart v37.1.2 traefik/values.yaml:54,
/// templates/_podtemplate.tpl:5-6).
fn traefik_mesh_annotations(stack: &ResolvedStack) -> Value {
    let ports: Vec<String> = traefik_world_ports(stack)
        .iter()
        .filter(|(_, p)| *p == Protocol::Tcp)
        .map(|(port, _)| port.to_string())
        .collect();
    json!({"config.linkerd.io/skip-inbound-ports": ports.join(",")})
}

fn component(name: &str, cluster_dir: &str, objects: Vec<Object>, charts: Vec<HelmChart>) -> Component {
    Component { charts, ..Component::new(name, &format!("{cluster_dir}/{name}"), objects) }
}

/// Linkerd's identity: Flux reads the trust anchor and the issuer from the
/// `linkerd-identity` Secret into the values; the other engines cannot read
/// values from a Secret, so the chart reads the issuer from the Secret
/// `linkerd-identity-issuer` and the trust anchor from the ConfigMap
/// `linkerd-identity-trust-roots` itself (docs/engines.md). Both Secrets are
/// the stored `linkerd/linkerd-identity` (`check::platform_secrets`, rendered
/// by `derive::secrets`); the ConfigMap comes from `derive::trust_roots`.
fn linkerd_identity(engine: &GitOpsEngine, control_plane: &mut HelmChart) {
    if let GitOpsEngine::Flux(_) = engine {
        // In the order of IDENTITY_KEYS: anchor, issuer certificate, issuer key.
        let targets = ["identityTrustAnchorsPEM", "identity.issuer.tls.crtPEM", "identity.issuer.tls.keyPEM"];
        control_plane.secret_values = IDENTITY_KEYS
            .into_iter()
            .zip(targets)
            .map(|(key, target_path)| SecretValue { secret: IDENTITY_SECRET, key, target_path })
            .collect();
    } else {
        control_plane.values["identity"] = json!({"externalCA": true, "issuer": {"scheme": TLS_SECRET_TYPE}});
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

fn release(name: &str, namespace: &str, chart: &Chart, version: &str, values: Value, origin: Span) -> HelmChart {
    HelmChart {
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        chart: chart.chart.to_owned(),
        repository: chart.repository.to_owned(),
        url: chart.url.to_owned(),
        version: version.to_owned(),
        values,
        depends_on: Vec::new(),
        secret_values: Vec::new(),
        origin,
    }
}
