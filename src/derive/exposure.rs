//! Exposure: per host, one cert-manager Certificate and one Traefik
//! IngressRoute with a route per app that shares the host by path prefix,
//! plus a `stripPrefix` Middleware for each route that asks for one; per
//! `expose-port`, an IngressRouteTCP or IngressRouteUDP on its entry point.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::object::Object;
use super::platform::common_labels;
use crate::check::{Exposure, Namespace, ResolvedStack};
use crate::model::Protocol;

pub(super) fn objects(stack: &ResolvedStack, ns: &Namespace) -> Vec<Object> {
    let labels = common_labels(stack);
    // `check` guarantees every exposure of a host is in one namespace, with one
    // issuer and distinct paths.
    let mut hosts: BTreeMap<String, Vec<&Exposure>> = BTreeMap::new();
    for e in ns.workloads.iter().flat_map(|w| &w.exposes) {
        hosts.entry(e.host.to_ascii_lowercase()).or_default().push(e);
    }
    let mut out = Vec::new();
    for exposures in hosts.values_mut() {
        // Longest prefix first, so the list reads in the order Traefik matches.
        exposures.sort_by(|a, b| b.path.len().cmp(&a.path.len()).then_with(|| a.path.cmp(&b.path)));
        let first = exposures[0];
        let name = host_slug(&first.host);
        let secret = format!("{name}-tls");
        let certificate = json!({"spec": {
            "secretName": secret,
            "dnsNames": [first.host],
            "issuerRef": {"kind": "ClusterIssuer", "name": first.issuer, "group": "cert-manager.io"},
        }});
        out.push(Object::new(
            "cert-manager.io/v1",
            "Certificate",
            &name,
            Some(&ns.name),
            &labels,
            certificate,
            first.span,
        ));
        let shared = exposures.len() > 1;
        let mut routes = Vec::new();
        for e in exposures.iter() {
            let rule = if e.path == "/" {
                format!("Host(`{}`)", e.host)
            } else {
                format!("Host(`{}`) && PathPrefix(`{}`)", e.host, e.path)
            };
            let mut route =
                json!({"kind": "Rule", "match": rule, "services": [{"name": e.service, "port": e.service_port}]});
            if shared {
                // Traefik orders a router by its priority, by default the length of
                // its rule (doc.traefik.io/traefik/v3.8/reference/routing-configuration/
                // http/routing/rules-and-priority/, "Priority"): on one host the
                // longer prefix makes the longer rule and wins. Written out so the
                // order is visible in the tree and survives a rule that grows.
                route["priority"] = json!(rule.len());
            }
            if e.strip_prefix {
                let middleware = format!("{name}-strip-{}", path_slug(&e.path));
                out.push(Object::new(
                    "traefik.io/v1alpha1",
                    "Middleware",
                    &middleware,
                    Some(&ns.name),
                    &labels,
                    json!({"spec": {"stripPrefix": {"prefixes": [e.path]}}}),
                    e.span,
                ));
                route["middlewares"] = json!([{"name": middleware}]);
            }
            routes.push(route);
        }
        let route = json!({"spec": {
            "entryPoints": ["websecure"],
            "routes": Value::Array(routes),
            "tls": {"secretName": secret},
        }});
        out.push(Object::new("traefik.io/v1alpha1", "IngressRoute", &name, Some(&ns.name), &labels, route, first.span));
    }
    for (w, e) in ns.workloads.iter().flat_map(|w| w.expose_ports.iter().map(move |e| (w, e))) {
        let entry_point = e.entry_point();
        let name = format!("{}-{entry_point}", w.name);
        let service = json!({"name": e.service, "port": e.service_port});
        let (kind, route) = if e.protocol == Protocol::Udp {
            ("IngressRouteUDP", json!({"services": [service]}))
        } else {
            // Plain TCP carries no SNI: `HostSNI(`*`)` matches every connection
            // (the CRD requires `match`, schemas traefik.io ingressroutetcp).
            ("IngressRouteTCP", json!({"match": "HostSNI(`*`)", "services": [service]}))
        };
        let spec = json!({"spec": {"entryPoints": [entry_point], "routes": [route]}});
        out.push(Object::new("traefik.io/v1alpha1", kind, &name, Some(&ns.name), &labels, spec, e.span));
    }
    out
}

/// `auth.acme.io` → `auth-acme-io`; `*.acme.io` → `wildcard-acme-io`.
fn host_slug(host: &str) -> String {
    host.replacen('*', "wildcard", 1).replace('.', "-").to_ascii_lowercase()
}

/// `/api/v1/streaming` → `api-v1-streaming`. A path the slug does not spell
/// back exactly (`/API`, `/a-b`, `/a/`) gets 8 hex digits of its SHA-256, so
/// two prefixes of one host never share a Middleware name.
fn path_slug(path: &str) -> String {
    let mut slug = String::new();
    for c in path.trim_matches('/').chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' };
        if !(c == '-' && slug.ends_with('-')) {
            slug.push(c);
        }
    }
    let slug = slug.trim_matches('-').to_owned();
    if format!("/{}", slug.replace('-', "/")) == path {
        return slug;
    }
    let mut hashed = slug;
    if !hashed.is_empty() {
        hashed.push('-');
    }
    for byte in &Sha256::digest(path.as_bytes())[..4] {
        let _ = write!(hashed, "{byte:02x}");
    }
    hashed
}

#[cfg(test)]
mod tests {
    use super::path_slug;

    #[test]
    fn path_slugs_are_readable_and_distinct() {
        assert_eq!(path_slug("/api/v1/streaming"), "api-v1-streaming");
        let ambiguous = ["/a-b", "/a/b", "/A/b", "/a/b/", "/a//b"];
        let slugs: std::collections::BTreeSet<String> = ambiguous.iter().map(|p| path_slug(p)).collect();
        assert_eq!(slugs.len(), ambiguous.len(), "{slugs:?}");
        assert_eq!(path_slug("/a/b"), "a-b");
    }
}
