//! `stackc verify` and `stackc explain`: the proof that the policies allow
//! exactly the declared graph, and the reasons for one connection.

use std::net::IpAddr;

use super::{
    ClusterArg, Format, StackArgs, exit, load_secrets, out, print_diagnostics, read_stack, select, select_one,
};
use crate::check::ResolvedStack;
use crate::cli::report::line_column;
use crate::derive::{Derived, EdgeReason, GraphNode};
use crate::diagnostic::Code;
use crate::verify::{self, netpol};

/// A stack read, with its secret store, through stages 1–4.
struct Analyzed {
    name: String,
    source: String,
    clusters: Vec<crate::Analyzed>,
}

fn analyzed(args: &StackArgs, cluster: &ClusterArg) -> Result<Analyzed, i32> {
    let (name, source) = read_stack(args)?;
    let secrets = load_secrets(args)?;
    match crate::analyze(&source, &secrets) {
        Ok(clusters) => {
            let clusters = select(clusters, |c| &c.stack.cluster.name.value, cluster)?;
            Ok(Analyzed { name, source, clusters })
        }
        Err(d) => {
            print_diagnostics(&d, &name, &source, Format::Human);
            Err(exit::INPUT)
        }
    }
}

/// Arguments of `stackc verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub input: StackArgs,
    /// Prove only this cluster (default: every cluster of the stack).
    #[command(flatten)]
    pub cluster: ClusterArg,
}

pub(super) fn run_verify(args: &VerifyArgs) -> i32 {
    let Analyzed { name, source, clusters } = match analyzed(&args.input, &args.cluster) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let several = clusters.len() > 1;
    for crate::Analyzed { stack, derived } in &clusters {
        match verify::verify(stack, derived) {
            Ok(proof) => {
                let which = if several { format!(" of cluster `{}`", stack.cluster.name.value) } else { String::new() };
                let kinds = match stack.cluster.cni.value {
                    crate::model::Cni::Portable => "NetworkPolicies",
                    crate::model::Cni::Cilium => "NetworkPolicies and CiliumNetworkPolicies",
                };
                let line = format!(
                    "proven: the {kinds}{which} allow exactly the declared graph ({} workloads, {} edges, {} pairs and {} external addresses checked)\n",
                    proof.workloads, proof.edges, proof.pairs, proof.externals
                );
                if let Err(code) = out::print(line).and_then(|()| print_uncovered(&verify::uncovered(derived))) {
                    return code;
                }
            }
            Err(d) => {
                print_diagnostics(&d, &name, &source, Format::Human);
                return if d.iter().all(|x| x.code == Code::Internal) { exit::DRIFT } else { exit::INPUT };
            }
        }
    }
    exit::OK
}

/// The namespaces the proof does not cover, one line per reason.
fn print_uncovered(uncovered: &verify::Uncovered) -> Result<(), i32> {
    let list = |names: &[String]| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let mut text = String::new();
    if !uncovered.open.is_empty() {
        text.push_str(&format!(
            "not covered: {} (written without NetworkPolicies, see the `open-namespace` warnings of `stackc build`): any pod may reach their pods, and they may reach anything\n",
            list(&uncovered.open)
        ));
    }
    if !uncovered.outside.is_empty() {
        text.push_str(&format!(
            "not covered: {} (not written by stackc): proven only for connections to and from the namespaces stackc locks down\n",
            list(&uncovered.outside)
        ));
    }
    out::print(text)
}

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
}

pub(super) fn run_explain(args: &ExplainArgs) -> i32 {
    let Analyzed { name, source, clusters } = match analyzed(&args.input, &args.cluster) {
        Ok(a) => a,
        Err(code) => return code,
    };
    let crate::Analyzed { stack, derived } = match select_one(clusters, |c| &c.stack.cluster.name.value, &args.cluster)
    {
        Ok(c) => c,
        Err(code) => return code,
    };
    let cluster = match verify::cluster(&stack, &derived) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INPUT;
        }
    };
    let (to, port) = split_port(&args.to);
    let (Some(from_ep), Some(to_ep)) = (endpoint(&cluster, &derived, &args.from), endpoint(&cluster, &derived, to))
    else {
        let unknown = if endpoint(&cluster, &derived, &args.from).is_none() { args.from.as_str() } else { to };
        eprintln!("error: {}", unknown_endpoint(&derived, unknown));
        return exit::INPUT;
    };
    let to_node = node_of(&cluster, &derived, to_ep);
    let ports: Vec<(u16, netpol::Protocol)> = match port {
        Some(p) => match resolve_port(to_node, p) {
            Some(found) => found,
            None => {
                eprintln!("error: `{p}` is not a port number or a port name of the destination");
                return exit::INPUT;
            }
        },
        None => to_node
            .map(|n| n.ports.iter().map(|(_, port, proto)| (*port, protocol(*proto))).collect())
            .unwrap_or_default(),
    };
    if ports.is_empty() {
        eprintln!("error: the destination declares no ports; give one as `{to}:PORT`");
        return exit::INPUT;
    }
    let mut text = String::new();
    for (port, proto) in ports {
        let verdict = cluster.explain(from_ep, to_ep, port, proto);
        text.push_str(&format!("{verdict}\n"));
        if let netpol::Endpoint::External(ip) = from_ep
            && let Some(what) = verify::api_address(&stack, ip)
        {
            text.push_str(&format!("  address: {ip} is {what}\n"));
        }
        for end in [from_ep, to_ep] {
            if let netpol::Endpoint::External(ip) = end
                && let Some(entities) = cluster.identities.of(ip)
            {
                let names: Vec<&str> = entities.iter().map(|e| e.as_str()).collect();
                text.push_str(&format!("  address: Cilium matches {ip} as the entities {}\n", names.join(", ")));
            }
        }
        text.push_str(&sources(&stack, &derived, &source, &name, &verdict));
        text.push('\n');
    }
    out::print_then(text, exit::OK)
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
