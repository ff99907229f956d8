//! The rules about ingress: the hosts and Traefik entry points each
//! namespace's IngressRoutes may use.

use serde_json::json;

use super::facts::Facts;
use super::rules::{kind, rule};
use super::{Policy, Rule};

/// IngressRoutes route only the hosts the stack exposes in their namespace;
/// a namespace that exposes nothing has none. IngressRouteTCP and
/// IngressRouteUDP carry no host worth checking (plain TCP has no SNI: stackc
/// writes ``HostSNI(`*`)``): they are held to the entry points the namespace's
/// `expose-port`s open, so a workload cannot take over another's public port.
pub(super) fn ingress_hosts(f: &Facts) -> Policy {
    let rules = f.managed.iter().flat_map(|ns| [host_rule(f, ns), entry_point_rule(f, ns)]).collect();
    Policy { name: "restrict-ingressroute-hosts", rules }
}

fn entry_point_rule(f: &Facts, ns: &str) -> Rule {
    let resources = json!({"kinds": ["IngressRouteTCP", "IngressRouteUDP"], "namespaces": [ns]});
    match f.entry_points.get(ns) {
        Some(entries) => rule(
            &format!("entry-points-{ns}"),
            resources,
            &format!("IngressRouteTCPs and IngressRouteUDPs in {ns} use only its declared entry points."),
            json!({
                "spec": {"entryPoints": [entries.iter().cloned().collect::<Vec<_>>().join(" | ")]}
            }),
        ),
        None => Rule {
            name: format!("entry-points-{ns}"),
            resources,
            validate: json!({"message": format!("Namespace {ns} exposes no port."), "deny": {}}),
        },
    }
}

fn host_rule(f: &Facts, ns: &String) -> Rule {
    let resources = kind("IngressRoute", std::slice::from_ref(ns));
    match f.hosts.get(ns) {
        Some(hosts) => {
            let pattern = hosts.iter().map(|h| format!("Host(`{h}`)*")).collect::<Vec<_>>().join(" | ");
            rule(
                &format!("hosts-{ns}"),
                resources,
                &format!("IngressRoutes in {ns} route only its declared hosts."),
                json!({
                    "spec": {"routes": [{"match": pattern}]}
                }),
            )
        }
        None => Rule {
            name: format!("hosts-{ns}"),
            resources,
            validate: json!({"message": format!("Namespace {ns} exposes no host."), "deny": {}}),
        },
    }
}
