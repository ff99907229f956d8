//! `stackc graph`: the declared network graph as Mermaid, Graphviz dot or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::json;

use super::{Format, GraphArgs, exit, print_diagnostics, read_stack, select_one};
use crate::derive::{EdgeReason, Graph};
use crate::labels::LabelMap;

/// Output formats of `stackc graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

pub(super) fn run(args: &GraphArgs) -> i32 {
    let (name, source) = match read_stack(&args.input) {
        Ok(read) => read,
        Err(code) => return code,
    };
    // The graph follows from the stack alone: no secret values needed.
    match crate::resolve(&source) {
        Ok(stacks) => {
            let stack = match select_one(stacks, |s| &s.cluster.name.value, &args.cluster) {
                Ok(stack) => stack,
                Err(code) => return code,
            };
            let graph = crate::derive::network_graph(&stack);
            let text = match args.format {
                GraphFormat::Json => json(&graph),
                GraphFormat::Mermaid => mermaid(&graph),
                GraphFormat::Dot => dot(&graph),
            };
            print!("{text}");
            exit::OK
        }
        Err(d) => {
            print_diagnostics(&d, &name, &source, Format::Human);
            exit::INPUT
        }
    }
}

/// The JSON shape of the design brief, with extra fields.
#[must_use]
pub fn json(graph: &Graph) -> String {
    let nodes: Vec<_> = graph
        .nodes
        .iter()
        .map(|n| {
            let mut node = json!({"id": n.id, "namespace": n.namespace, "labels": n.labels, "meshed": n.meshed, "managed": n.managed, "hosts": n.hosts});
            // The pods' every label, where it is more than the selecting ones.
            if !n.other_labels.is_empty() {
                let all: LabelMap = n.labels.iter().chain(&n.other_labels).collect();
                node["pod_labels"] = json!(all);
            }
            node
        })
        .collect();
    let edges: Vec<_> = graph
        .edges
        .iter()
        .map(|e| json!({"from": e.from, "to": e.to, "port": e.port, "protocol": e.protocol.as_str(), "reason": e.reason.as_str()}))
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({"nodes": nodes, "edges": edges})).unwrap_or_default();
    text.push('\n');
    text
}

fn key(id: &str) -> String {
    id.replace(['/', '-', '.'], "_")
}

/// Group edges by (from, to) so each arrow lists its ports.
fn grouped(graph: &Graph) -> BTreeMap<(&str, &str), (Vec<String>, bool)> {
    let meshed: BTreeMap<&str, bool> = graph.nodes.iter().map(|n| (n.id.as_str(), n.meshed)).collect();
    let mut out: BTreeMap<(&str, &str), (Vec<String>, bool)> = BTreeMap::new();
    for e in &graph.edges {
        if matches!(e.reason, EdgeReason::Dns | EdgeReason::MeshControl | EdgeReason::MeshProxy) {
            continue;
        }
        let mtls = meshed.get(e.from.as_str()).copied().unwrap_or(false)
            && meshed.get(e.to.as_str()).copied().unwrap_or(false);
        let entry = out.entry((e.from.as_str(), e.to.as_str())).or_insert((Vec::new(), mtls));
        entry.0.push(if e.protocol.as_str() == "TCP" {
            e.port.to_string()
        } else {
            format!("{}/{}", e.port, e.protocol.as_str())
        });
    }
    out
}

/// Mermaid: namespaces as subgraphs, mTLS edges marked, hosts as entry nodes.
#[must_use]
pub fn mermaid(graph: &Graph) -> String {
    let mut out = String::from("graph LR\n");
    let mut by_ns: BTreeMap<&str, Vec<&crate::derive::GraphNode>> = BTreeMap::new();
    for n in &graph.nodes {
        by_ns.entry(n.namespace.as_str()).or_default().push(n);
    }
    for (ns, nodes) in by_ns {
        let _ = writeln!(out, "    subgraph {}[\"{ns}\"]", key(&format!("ns_{ns}")));
        for n in nodes {
            let short = n.id.rsplit('/').next().unwrap_or(&n.id);
            let _ = writeln!(out, "        {}[\"{short}\"]", key(&n.id));
        }
        out.push_str("    end\n");
    }
    for n in &graph.nodes {
        for host in &n.hosts {
            let _ = writeln!(
                out,
                "    {}([\"{host}\"]) -->|HTTPS 443| {}",
                key(&format!("host_{host}")),
                key(&crate::derive::traefik_id())
            );
        }
    }
    for ((from, to), (ports, mtls)) in grouped(graph) {
        let arrow = if mtls { "==>" } else { "-->" };
        let label = if mtls { format!("mTLS {}", ports.join(",")) } else { ports.join(",") };
        let _ = writeln!(out, "    {} {arrow}|{label}| {}", key(from), key(to));
    }
    out
}

/// Graphviz dot: namespaces as clusters, mTLS edges bold.
#[must_use]
pub fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph stack {\n    rankdir=LR;\n");
    let mut by_ns: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in &graph.nodes {
        by_ns.entry(n.namespace.as_str()).or_default().push(n.id.as_str());
    }
    for (ns, ids) in by_ns {
        let _ = writeln!(out, "    subgraph \"cluster_{ns}\" {{\n        label=\"{ns}\";");
        for id in ids {
            let _ = writeln!(out, "        \"{id}\";");
        }
        out.push_str("    }\n");
    }
    for ((from, to), (ports, mtls)) in grouped(graph) {
        let style = if mtls { ", style=bold, color=darkgreen" } else { "" };
        let _ = writeln!(out, "    \"{from}\" -> \"{to}\" [label=\"{}\"{style}];", ports.join(","));
    }
    out.push_str("}\n");
    out
}
