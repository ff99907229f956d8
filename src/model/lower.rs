//! Lowering of the top of the stack: `stack`, `cluster`, `platform` and
//! `helm-repository`. Namespaces and what they hold live in `workloads.rs`.

use std::collections::BTreeMap;

use super::reader::{Reader, integer, missing, string, wrong_type};
use super::types::*;
use super::workloads::namespace;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned};
use crate::syntax::{Document, Node, Scalar};

/// Lower a parsed document into a [`Stack`].
///
/// # Errors
/// Every unknown node or property, missing value and wrong type, all at once.
pub fn lower(document: &Document) -> Result<Stack, Diagnostics> {
    let mut d = Diagnostics::default();
    let mut stacks = document.nodes.iter().filter(|n| n.name == "stack");
    for node in &document.nodes {
        if node.name != "stack" {
            d.push(
                Diagnostic::error(Code::UnknownNode, node.name_span, format!("unknown top-level node `{}`", node.name))
                    .label("unknown node")
                    .help("a stack file holds one `stack \"name\" { ... }` node"),
            );
        }
    }
    let Some(node) = stacks.next() else {
        d.push(
            Diagnostic::error(Code::MissingValue, Span::default(), "no `stack` node")
                .help("start the file with `stack \"name\" { cluster ... }`; `stackc init` writes a starter"),
        );
        return Err(d);
    };
    for extra in stacks {
        d.push(
            Diagnostic::error(Code::DuplicateName, extra.name_span, "a file holds one `stack`").label("second stack"),
        );
    }
    let stack = stack(node, &mut d);
    match stack {
        Some(stack) if !d.has_errors() => Ok(stack),
        _ => Err(d),
    }
}

fn stack(node: &Node, d: &mut Diagnostics) -> Option<Stack> {
    let r = Reader::new(node, 1, &[], &["cluster", "platform", "helm-repository", "namespace"], d);
    let name = r.arg_string(0, "name", d);
    let cluster_nodes: Vec<&Node> = r.children("cluster").collect();
    if cluster_nodes.is_empty() {
        d.push(missing(node, "a `cluster` node"));
    }
    let clusters: Vec<Cluster> = cluster_nodes.iter().filter_map(|n| cluster(n, d)).collect();
    let platform = r.child("platform", d).map(|n| platform(n, d)).unwrap_or_default();
    let helm_repositories = r.children("helm-repository").filter_map(|n| helm_repository(n, d)).collect();
    let namespaces = r.children("namespace").filter_map(|n| namespace(n, d)).collect();
    if clusters.len() < cluster_nodes.len() {
        return None;
    }
    Some(Stack { name: name?, clusters, platform, helm_repositories, namespaces })
}

fn cluster(node: &Node, d: &mut Diagnostics) -> Option<Cluster> {
    let r = Reader::new(
        node,
        1,
        &["distribution", "version"],
        &["git", "api-server", "dns", "networks", "storage-class", "age-recipient", "override"],
        d,
    );
    let name = r.arg_string(0, "name", d);
    let distribution = r.required_string("distribution", d).and_then(|s| match s.value.as_str() {
        "k3s" => Some(Spanned::new(Distribution::K3s, s.span)),
        "kubernetes" => Some(Spanned::new(Distribution::Kubernetes, s.span)),
        other => {
            d.push(one_of(s.span, "distribution", other, &["k3s", "kubernetes"]));
            None
        }
    });
    let version = r.required_string("version", d);
    let git = r.child("git", d).and_then(|n| {
        let r = Reader::new(n, 0, &["url", "branch", "interval"], &[], d);
        Some(Git {
            url: r.required_string("url", d)?,
            branch: r.string("branch", d).unwrap_or_else(|| Spanned::new("main".into(), n.name_span)),
            interval: r.string("interval", d).unwrap_or_else(|| Spanned::new("10m".into(), n.name_span)),
        })
    });
    let api_server = r.child("api-server", d).and_then(|n| {
        let r = Reader::new(n, 1, &["port"], &[], d);
        Some(ApiServer {
            address: r.arg_string(0, "address", d)?,
            port: r.integer("port", d).unwrap_or_else(|| Spanned::new(6443, n.name_span)),
        })
    });
    let dns = match r.child("dns", d) {
        Some(n) => dns(n, d),
        None => Dns {
            namespace: Spanned::new("kube-system".into(), node.name_span),
            port: Spanned::new(53, node.name_span),
            pods: BTreeMap::from([("k8s-app".into(), "kube-dns".into())]),
        },
    };
    let (pods, services) = match distribution.as_ref().map(|d| d.value) {
        Some(Distribution::Kubernetes) => ("10.244.0.0/16", "10.96.0.0/12"),
        _ => ("10.42.0.0/16", "10.43.0.0/16"),
    };
    let networks = match r.child("networks", d) {
        Some(n) => {
            let r = Reader::new(n, 0, &["pods", "services"], &[], d);
            Networks {
                pods: r.string("pods", d).unwrap_or_else(|| Spanned::new(pods.into(), n.name_span)),
                services: r.string("services", d).unwrap_or_else(|| Spanned::new(services.into(), n.name_span)),
            }
        }
        None => Networks {
            pods: Spanned::new(pods.into(), node.name_span),
            services: Spanned::new(services.into(), node.name_span),
        },
    };
    let storage_classes = r
        .children("storage-class")
        .filter_map(|n| {
            let r = Reader::new(n, 1, &["default"], &[], d);
            Some(StorageClass { name: r.arg_string(0, "name", d)?, default: r.bool("default", false, d) })
        })
        .collect();
    let age_recipients = r
        .children("age-recipient")
        .filter_map(|n| Reader::new(n, 1, &[], &[], d).arg_string(0, "recipient", d))
        .collect();
    let overrides = r.children("override").filter_map(|n| super::environments::override_node(n, d)).collect();
    Some(Cluster {
        name: name?,
        distribution: distribution?,
        version: version?,
        git,
        api_server,
        dns,
        networks,
        storage_classes,
        age_recipients,
        overrides,
    })
}

fn dns(node: &Node, d: &mut Diagnostics) -> Dns {
    let r = Reader::new(node, 0, &["namespace", "port"], &["pods"], d);
    let pods = r
        .child("pods", d)
        .map(|n| labels(n, d).value)
        .unwrap_or_else(|| BTreeMap::from([("k8s-app".into(), "kube-dns".into())]));
    Dns {
        namespace: r.string("namespace", d).unwrap_or_else(|| Spanned::new("kube-system".into(), node.name_span)),
        port: r.integer("port", d).unwrap_or_else(|| Spanned::new(53, node.name_span)),
        pods,
    }
}

/// A node whose properties are labels: `pods "app.kubernetes.io/name"="x"`.
pub(super) fn labels(node: &Node, d: &mut Diagnostics) -> Spanned<BTreeMap<String, String>> {
    for arg in &node.args {
        d.push(
            Diagnostic::error(Code::UnexpectedArgument, arg.span, "labels are written as `key=\"value\"`")
                .label("not a label"),
        );
    }
    for child in &node.children {
        d.push(Diagnostic::error(Code::UnknownNode, child.name_span, format!("`{}` takes no children", node.name)));
    }
    let mut map = BTreeMap::new();
    for prop in &node.props {
        if let Some(value) = string(&prop.value, prop.span, d) {
            map.insert(prop.key.clone(), value.value);
        }
    }
    if map.is_empty() {
        d.push(missing(node, "at least one label, e.g. `app.kubernetes.io/name=\"x\"`"));
    }
    Spanned::new(map, node.span)
}

fn platform(node: &Node, d: &mut Diagnostics) -> Platform {
    // `flux` was the engine's node before `engine`: say what replaced it.
    for old in node.children.iter().filter(|c| c.name == "flux") {
        d.push(
            Diagnostic::error(Code::UnknownNode, old.name_span, "`flux` is now written `engine \"flux\"`")
                .label("the old engine node")
                .help(
                    "write `engine \"flux\"` with the same properties, or `engine \"argocd\"` / `engine \"kustomize\"`",
                ),
        );
    }
    let mut current = node.clone();
    current.children.retain(|c| c.name != "flux");
    let node = &current;
    let r = Reader::new(
        node,
        0,
        &[],
        &["engine", "linkerd", "traefik", "cert-manager", "kyverno", "prometheus", "velero"],
        d,
    );
    let engine = r.child("engine", d).and_then(|n| engine(n, d)).unwrap_or_default();
    let linkerd = r.child("linkerd", d).map(|n| {
        let r = Reader::new(n, 0, &["version", "inbound"], &[], d);
        let inbound = r
            .string("inbound", d)
            .and_then(|s| {
                let value = match s.value.as_str() {
                    "all-unauthenticated" => DefaultInbound::AllUnauthenticated,
                    "all-authenticated" => DefaultInbound::AllAuthenticated,
                    "cluster-authenticated" => DefaultInbound::ClusterAuthenticated,
                    "cluster-unauthenticated" => DefaultInbound::ClusterUnauthenticated,
                    "deny" => DefaultInbound::Deny,
                    other => {
                        d.push(one_of(s.span, "inbound policy", other, INBOUND));
                        return None;
                    }
                };
                Some(Spanned::new(value, s.span))
            })
            .unwrap_or_else(|| Spanned::new(DefaultInbound::AllAuthenticated, n.name_span));
        Linkerd { span: n.name_span, version: version(&r, "2025.10.7", d), inbound }
    });
    let traefik = r.child("traefik", d).map(|n| {
        let r = Reader::new(n, 0, &["version", "redirect-http-to-https"], &[], d);
        Traefik {
            span: n.name_span,
            version: version(&r, "37.1.2", d),
            redirect_http_to_https: r.bool("redirect-http-to-https", true, d),
        }
    });
    let cert_manager = r.child("cert-manager", d).map(|n| {
        let r = Reader::new(n, 0, &["version"], &["issuer"], d);
        CertManager {
            span: n.name_span,
            version: version(&r, "v1.19.1", d),
            issuers: r.children("issuer").filter_map(|n| issuer(n, d)).collect(),
        }
    });
    let kyverno = r.child("kyverno", d).map(|n| super::kyverno::kyverno(n, d));
    let prometheus = r.child("prometheus", d).map(|n| prometheus(n, d));
    let velero = r.child("velero", d).map(|n| super::velero::velero(n, d));
    Platform { prometheus, engine, linkerd, traefik, cert_manager, kyverno, velero }
}

/// The engines and the properties each takes.
const ENGINES: &[(&str, &[&str])] =
    &[("flux", &["install-manifest"]), ("argocd", &["namespace", "project"]), ("kustomize", &[])];

/// `engine "flux"|"argocd"|"kustomize"` with the properties of that engine.
fn engine(node: &Node, d: &mut Diagnostics) -> Option<GitOpsEngine> {
    let every: Vec<&str> = ENGINES.iter().flat_map(|(_, props)| props.iter().copied()).collect();
    let r = Reader::new(node, 1, &every, &[], d);
    let name = r.arg_string(0, "engine name", d)?;
    let Some((_, props)) = ENGINES.iter().find(|(engine, _)| *engine == name.value) else {
        let names: Vec<&str> = ENGINES.iter().map(|(engine, _)| *engine).collect();
        d.push(one_of(name.span, "engine", &name.value, &names));
        return None;
    };
    for prop in node.props.iter().filter(|p| every.contains(&p.key.as_str()) && !props.contains(&p.key.as_str())) {
        let owner = ENGINES.iter().find(|(_, props)| props.contains(&prop.key.as_str())).map_or("", |(e, _)| *e);
        d.push(
            Diagnostic::error(
                Code::UnknownProperty,
                prop.key_span,
                format!("property `{}` is for engine `{owner}`, not `{}`", prop.key, name.value),
            )
            .label(format!("not a property of `{}`", name.value))
            .help(if props.is_empty() {
                format!("engine `{}` takes no properties", name.value)
            } else {
                format!("engine `{}` takes: {}", name.value, props.join(", "))
            }),
        );
    }
    let span = node.name_span;
    let text = |key: &str, default: &str, d: &mut Diagnostics| {
        r.string(key, d).unwrap_or_else(|| Spanned::new(default.to_owned(), span))
    };
    Some(match name.value.as_str() {
        "argocd" => GitOpsEngine::ArgoCd(ArgoCd {
            span,
            namespace: text("namespace", "argocd", d),
            project: text("project", "default", d),
        }),
        "kustomize" => GitOpsEngine::Kustomize { span },
        _ => GitOpsEngine::Flux(Flux { span, install_manifest: r.string("install-manifest", d) }),
    })
}

const INBOUND: &[&str] =
    &["all-unauthenticated", "all-authenticated", "cluster-authenticated", "cluster-unauthenticated", "deny"];

pub(super) fn version(r: &Reader<'_>, default: &str, d: &mut Diagnostics) -> Spanned<String> {
    r.string("version", d).unwrap_or_else(|| Spanned::new(default.to_owned(), r.name_span()))
}

fn issuer(node: &Node, d: &mut Diagnostics) -> Option<Issuer> {
    let r = Reader::new(node, 1, &["acme-email", "server", "dns01", "token-secret"], &[], d);
    let dns01 = r.required_string("dns01", d).and_then(|s| match s.value.as_str() {
        "cloudflare" => Some(Spanned::new(DnsProvider::Cloudflare, s.span)),
        other => {
            d.push(one_of(s.span, "DNS-01 provider", other, &["cloudflare"]));
            None
        }
    });
    Some(Issuer {
        name: r.arg_string(0, "name", d)?,
        acme_email: r.required_string("acme-email", d)?,
        server: r.string("server", d).unwrap_or_else(|| Spanned::new("production".into(), node.name_span)),
        dns01: dns01?,
        token_secret: r.required_string("token-secret", d)?,
    })
}

fn helm_repository(node: &Node, d: &mut Diagnostics) -> Option<HelmRepository> {
    let r = Reader::new(node, 1, &["url"], &[], d);
    Some(HelmRepository { name: r.arg_string(0, "name", d)?, url: r.required_string("url", d)? })
}

/// `invalid-value` for a string outside a fixed set.
pub(super) fn one_of(span: Span, what: &str, found: &str, allowed: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::error(Code::InvalidValue, span, format!("unknown {what} `{found}`"))
        .label(format!("unknown {what}"));
    match crate::diagnostic::did_you_mean(found, allowed.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`? expected one of: {}", allowed.join(", "))),
        None => diagnostic.help(format!("expected one of: {}", allowed.join(", "))),
    }
}

/// Integer arguments of a node, e.g. `internet 443 80`.
pub(super) fn integer_args<T: TryFrom<i128>>(node: &Node, d: &mut Diagnostics) -> Vec<Spanned<T>> {
    node.args.iter().filter_map(|a| integer(&a.value, a.span, d)).collect()
}

/// String arguments of a node, e.g. `command "sh" "-c"`.
pub(super) fn string_args(node: &Node, d: &mut Diagnostics) -> Vec<String> {
    node.args
        .iter()
        .filter_map(|a| match &a.value {
            Scalar::String(s) => Some(s.clone()),
            other => {
                d.push(wrong_type(a.span, "a string", other));
                None
            }
        })
        .collect()
}

fn prometheus(node: &Node, d: &mut Diagnostics) -> Prometheus {
    let r = Reader::new(node, 0, &["namespace", "service-account"], &["pods", "monitor-labels"], d);
    let pods = r.child("pods", d).map_or_else(
        || BTreeMap::from([("app.kubernetes.io/name".to_owned(), "prometheus".to_owned())]),
        |n| labels(n, d).value,
    );
    Prometheus {
        span: node.name_span,
        namespace: r.string("namespace", d).unwrap_or_else(|| Spanned::new("monitoring".into(), node.name_span)),
        pods,
        service_account: r
            .string("service-account", d)
            .unwrap_or_else(|| Spanned::new("prometheus".into(), node.name_span)),
        monitor_labels: r.child("monitor-labels", d).map(|n| labels(n, d).value).unwrap_or_default(),
    }
}
