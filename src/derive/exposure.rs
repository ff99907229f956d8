//! Exposure: a Traefik IngressRoute and a cert-manager Certificate per host.

use serde_json::json;

use super::object::Object;
use super::platform::common_labels;
use crate::check::{Namespace, ResolvedStack};

pub(super) fn objects(stack: &ResolvedStack, ns: &Namespace) -> Vec<Object> {
    let labels = common_labels(stack);
    let mut out = Vec::new();
    for w in &ns.workloads {
        for e in &w.exposes {
            let name = host_slug(&e.host);
            let secret = format!("{name}-tls");
            let certificate = json!({"spec": {
                "secretName": secret,
                "dnsNames": [e.host],
                "issuerRef": {"kind": "ClusterIssuer", "name": e.issuer, "group": "cert-manager.io"},
            }});
            out.push(Object::new(
                "cert-manager.io/v1",
                "Certificate",
                &name,
                Some(&ns.name),
                &labels,
                certificate,
                e.span,
            ));
            let rule = if e.path == "/" {
                format!("Host(`{}`)", e.host)
            } else {
                format!("Host(`{}`) && PathPrefix(`{}`)", e.host, e.path)
            };
            let route = json!({"spec": {
                "entryPoints": ["websecure"],
                "routes": [{"kind": "Rule", "match": rule, "services": [{"name": e.service, "port": e.service_port}]}],
                "tls": {"secretName": secret},
            }});
            out.push(Object::new("traefik.io/v1alpha1", "IngressRoute", &name, Some(&ns.name), &labels, route, e.span));
        }
    }
    out
}

/// `auth.acme.io` → `auth-acme-io`; `*.acme.io` → `wildcard-acme-io`.
fn host_slug(host: &str) -> String {
    host.replacen('*', "wildcard", 1).replace('.', "-").to_ascii_lowercase()
}
