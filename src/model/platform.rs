//! Lowering of the `platform` block: the GitOps engine and the platform
//! components (Linkerd, Traefik, cert-manager, Kyverno, Prometheus, Velero).

use std::collections::BTreeMap;

use super::lower::{labels, one_of};
use super::reader::{Reader, wrong_type};
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned};
use crate::syntax::{Node, Scalar};

pub(super) fn platform(node: &Node, d: &mut Diagnostics) -> Platform {
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
        Linkerd { span: n.name_span, version: version(&r, crate::charts::supported_version("linkerd"), d), inbound }
    });
    let traefik = r.child("traefik", d).map(|n| {
        let r = Reader::new(n, 0, &["version", "redirect-http-to-https"], &[], d);
        Traefik {
            span: n.name_span,
            version: version(&r, crate::charts::supported_version("traefik"), d),
            redirect_http_to_https: r.bool("redirect-http-to-https", true, d),
        }
    });
    let cert_manager = r.child("cert-manager", d).map(|n| {
        let r = Reader::new(n, 0, &["version"], &["issuer"], d);
        CertManager {
            span: n.name_span,
            version: version(&r, crate::charts::supported_version("cert-manager"), d),
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
        _ => GitOpsEngine::Flux(Flux { span, install_manifest: install_manifest(&r, span, d) }),
    })
}

/// `install-manifest=`: a file name, `#false` for none, or the default.
fn install_manifest(r: &Reader<'_>, span: Span, d: &mut Diagnostics) -> Option<Spanned<String>> {
    match r.prop("install-manifest") {
        None => Some(Spanned::new(FLUX_INSTALL_MANIFEST.to_owned(), span)),
        Some((Scalar::Bool(false), _)) => None,
        Some((Scalar::String(file), span)) => Some(Spanned::new(file.clone(), span)),
        Some((other, span)) => {
            d.push(wrong_type(span, "a file name or #false", other));
            None
        }
    }
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
