//! `stackc explain`: whether one connection is allowed, by which objects,
//! from which stack lines.

use std::net::IpAddr;

use serde_json::json;

use super::document::{Document, fields};
use super::verify::{Analyzed, analyzed};
use super::{ClusterArg, Format, StackArgs, exit, try_select_one};
use crate::check::ResolvedStack;
use crate::cli::report::line_column;
use crate::derive::{Derived, EdgeReason, GraphNode};
use crate::verify::{self, netpol};

/// Arguments of `stackc explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: StackArgs,
    #[command(flatten)]
    pub cluster: ClusterArg,
    /// The client: `namespace/app`, a workload id, or an IP address.
    pub from: String,
    /// The server, with an optional port: `namespace/app[:port]` or `IP[:port]`.
    pub to: String,
    /// How to report: `human`, or `json` (one JSON document on stdout for every outcome; see
    /// docs/json-output.md).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

pub(super) fn run_explain(args: &ExplainArgs) -> i32 {
    let mut report = Document::new("explain", args.format);
    match explain(args, &mut report) {
        Ok((text, verdicts)) => report.finish(exit::OK, "ok", text, fields(json!({"verdicts": verdicts}))),
        Err(message) => {
            if let Some(message) = message {
                report.error(&message);
            }
            report.fail(exit::INPUT)
        }
    }
}

/// The verdicts for people and as JSON; or an error to report (`None`:
/// already reported, as diagnostics).
fn explain(args: &ExplainArgs, report: &mut Document) -> Result<(String, Vec<serde_json::Value>), Option<String>> {
    let Analyzed { name, source, clusters } = analyzed(&args.input, &args.cluster, report).map_err(|()| None)?;
    let crate::Analyzed { stack, derived } = try_select_one(clusters, |c| &c.stack.cluster.name.value, &args.cluster)?;
    let cluster = verify::cluster(&stack, &derived).map_err(|e| e.to_string())?;
    let (to, port) = split_port(&args.to);
    let (Some(from_ep), Some(to_ep)) = (endpoint(&cluster, &derived, &args.from), endpoint(&cluster, &derived, to))
    else {
        let unknown = if endpoint(&cluster, &derived, &args.from).is_none() { args.from.as_str() } else { to };
        return Err(Some(unknown_endpoint(&derived, unknown)));
    };
    let to_node = node_of(&cluster, &derived, to_ep);
    let ports: Vec<(u16, netpol::Protocol)> = match port {
        Some(p) => resolve_port(to_node, p)
            .ok_or_else(|| format!("`{p}` is not a port number or a port name of the destination"))?,
        None => to_node
            .map(|n| n.ports.iter().map(|(_, port, proto)| (*port, protocol(*proto))).collect())
            .unwrap_or_default(),
    };
    if ports.is_empty() {
        return Err(Some(format!("the destination declares no ports; give one as `{to}:PORT`")));
    }
    let mut text = String::new();
    let mut verdicts = Vec::new();
    for (port, proto) in ports {
        let verdict = cluster.explain(from_ep, to_ep, port, proto);
        let mut lines = format!("{verdict}\n");
        let mut address = None;
        if let netpol::Endpoint::External(ip) = from_ep
            && let Some(what) = verify::api_address(&stack, ip)
        {
            lines.push_str(&format!("  address: {ip} is {what}\n"));
            address = Some(what);
        }
        for end in [from_ep, to_ep] {
            if let netpol::Endpoint::External(ip) = end
                && let Some(entities) = cluster.identities.of(ip)
            {
                let names: Vec<&str> = entities.iter().map(|e| e.as_str()).collect();
                lines.push_str(&format!("  address: Cilium matches {ip} as the entities {}\n", names.join(", ")));
            }
        }
        let why = sources(&stack, &derived, &source, &name, &verdict);
        lines.push_str(&why);
        verdicts.push(json!({
            "from": verdict.from,
            "to": verdict.to,
            "port": verdict.port,
            "protocol": verdict.protocol.to_string(),
            "allowed": verdict.allowed,
            "egress": verdict.egress.to_string(),
            "ingress": verdict.ingress.to_string(),
            "address": address,
            "sources": why.lines().map(str::trim).collect::<Vec<_>>(),
        }));
        text.push_str(&lines);
        text.push('\n');
    }
    Ok((text, verdicts))
}

/// The stack lines behind a verdict: the edge, and each deciding policy.
fn sources(stack: &ResolvedStack, derived: &Derived, source: &str, file: &str, v: &netpol::Verdict) -> String {
    let mut text = String::new();
    let at = |span: crate::diagnostic::Span| {
        let (line, column) = line_column(source, span.offset);
        format!("{file}:{line}:{column}")
    };
    for e in derived
        .graph
        .edges
        .iter()
        .filter(|e| e.from == v.from && e.to == v.to && e.port == v.port && protocol(e.protocol) == v.protocol)
    {
        let why = match e.reason {
            EdgeReason::Declared => "declared by `connects-to`",
            EdgeReason::Ingress => "derived: the ingress controller serves an exposed host",
            EdgeReason::Dns => "derived: every pod resolves names through the cluster DNS",
            EdgeReason::MeshControl => "derived: the Linkerd proxy talks to its control plane",
            EdgeReason::Metrics => "derived: Prometheus scrapes the app's `metrics`",
            EdgeReason::MeshProxy => "derived: Linkerd sends opaque meshed traffic to the proxy's inbound port",
        };
        text.push_str(&format!("  graph: {why} ({})\n", at(e.span)));
    }
    let mut policies: std::collections::BTreeSet<&netpol::PolicyRef> = std::collections::BTreeSet::new();
    for side in [&v.egress, &v.ingress] {
        match side {
            netpol::SideVerdict::Allowed { by } => policies.extend(by.iter().map(|r| &r.policy)),
            netpol::SideVerdict::Denied { selected_by, .. } => policies.extend(selected_by.iter()),
            _ => {}
        }
    }
    for p in policies {
        let origin = derived.components.iter().flat_map(|c| c.objects.iter().map(move |o| (c, o))).find(|(_, o)| {
            netpol::is_policy(o.kind) && o.name == p.name && o.namespace.as_deref() == Some(p.namespace.as_str())
        });
        if let Some((component, object)) = origin {
            text.push_str(&format!(
                "  {} {p}: {}/{} from {}\n",
                object.kind,
                component.dir,
                object.file_name(),
                at(object.origin)
            ));
        }
    }
    // The destination's Server: same namespace, same port, selecting its pods.
    let to = derived.graph.node(&v.to);
    if stack.platform.linkerd.is_some()
        && let Some(to) = to
        && let Some(server) = derived.components.iter().flat_map(|c| &c.objects).find(|o| {
            o.kind == "Server"
                && o.namespace.as_deref() == Some(to.namespace.as_str())
                && o.tree().is_some_and(|t| {
                    t["spec"]["port"] == v.port
                        && t["spec"]["podSelector"]["matchLabels"] == serde_json::json!(to.labels)
                })
        })
    {
        text.push_str(&format!(
            "  Linkerd: Server {}/{} (deny by default; AuthorizationPolicy `{}` names the allowed identities) from {}\n",
            server.namespace.as_deref().unwrap_or_default(),
            server.name,
            server.name,
            at(server.origin)
        ));
    }
    text
}

/// Why `text` names no endpoint, with the closest `namespace/app` or the list.
fn unknown_endpoint(derived: &Derived, text: &str) -> String {
    let names: Vec<String> = derived.graph.nodes.iter().map(|n| format!("{}/{}", n.namespace, n.name)).collect();
    let candidates = names.iter().map(String::as_str).chain(derived.graph.nodes.iter().map(|n| n.id.as_str()));
    match crate::diagnostic::did_you_mean(text, candidates) {
        Some(close) => format!("unknown endpoint `{text}`; did you mean `{close}`?"),
        None => format!(
            "unknown endpoint `{text}`; use `namespace/app`, a workload id or an IP address; known: {}",
            derived.graph.nodes.iter().map(|n| n.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn split_port(text: &str) -> (&str, Option<&str>) {
    if text.parse::<IpAddr>().is_ok() {
        return (text, None);
    }
    match text.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() => (host, Some(port)),
        _ => (text, None),
    }
}

fn endpoint(cluster: &netpol::Cluster, derived: &Derived, text: &str) -> Option<netpol::Endpoint> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(netpol::Endpoint::External(ip));
    }
    let node = derived.graph.nodes.iter().find(|n| n.id == text || format!("{}/{}", n.namespace, n.name) == text)?;
    cluster.pod(&node.id)
}

fn node_of<'a>(cluster: &netpol::Cluster, derived: &'a Derived, ep: netpol::Endpoint) -> Option<&'a GraphNode> {
    match ep {
        netpol::Endpoint::Pod(i) => derived.graph.nodes.iter().find(|n| n.id == cluster.pods[i].id),
        netpol::Endpoint::External(_) => None,
    }
}

/// A port number (with the protocols the destination declares for it, TCP
/// otherwise) or a named port of the destination.
fn resolve_port(node: Option<&GraphNode>, text: &str) -> Option<Vec<(u16, netpol::Protocol)>> {
    let ports = node.map(|n| n.ports.as_slice()).unwrap_or_default();
    if let Ok(number) = text.parse::<u16>() {
        let found: Vec<_> = ports.iter().filter(|p| p.1 == number).map(|p| (number, protocol(p.2))).collect();
        return Some(if found.is_empty() { vec![(number, netpol::Protocol::Tcp)] } else { found });
    }
    let found: Vec<_> = ports.iter().filter(|p| p.0 == text).map(|p| (p.1, protocol(p.2))).collect();
    (!found.is_empty()).then_some(found)
}

fn protocol(p: crate::model::Protocol) -> netpol::Protocol {
    match p {
        crate::model::Protocol::Tcp => netpol::Protocol::Tcp,
        crate::model::Protocol::Udp => netpol::Protocol::Udp,
    }
}
