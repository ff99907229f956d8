//! `stackc graph`: the declared network graph as Mermaid, Graphviz dot or
//! JSON — three renderings of one [`View`]: the same nodes and edges in each.

mod view;

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Map, json};

use super::document::{Document, fields};
use super::{Format, GraphArgs, exit, try_read_stack, try_select_one};
use crate::derive::Graph;
use crate::labels::LabelMap;
pub use view::{Kind, View, view};

/// Output formats of `stackc graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

pub(super) fn run(args: &GraphArgs) -> i32 {
    let format = if args.format == GraphFormat::Json { Format::Json } else { Format::Human };
    let mut report = Document::new("graph", format);
    let (name, source) = match try_read_stack(&args.input) {
        Ok(read) => read,
        Err(e) => {
            report.error(&e);
            return report.fail(exit::INPUT);
        }
    };
    // The graph follows from the stack alone: no secret values needed.
    let stacks = match crate::resolve(&source) {
        Ok(stacks) => stacks,
        Err(d) => {
            report.diagnostics(&d, &name, &source);
            return report.fail(exit::INPUT);
        }
    };
    let stack = match try_select_one(stacks, |s| &s.cluster.name.value, &args.cluster) {
        Ok(stack) => stack,
        Err(e) => {
            report.error(&e);
            return report.fail(exit::INPUT);
        }
    };
    let graph = crate::derive::network_graph(&stack);
    let api_port = stack.cluster.api_server.as_ref().map(|a| a.port.value);
    match args.format {
        GraphFormat::Json => {
            let graph = serde_json::from_str(&json(&graph, api_port)).unwrap_or_default();
            report.finish(exit::OK, "ok", String::new(), fields(graph))
        }
        GraphFormat::Mermaid => report.finish(exit::OK, "ok", mermaid(&view(&graph, api_port)), Map::new()),
        GraphFormat::Dot => report.finish(exit::OK, "ok", dot(&view(&graph, api_port)), Map::new()),
    }
}

/// JSON: `nodes` and `edges` are the pods and the flows between them (the
/// shape the conformance suite compares with an independent analyzer);
/// `external_nodes` and `external_edges` are the rest of the [`View`].
#[must_use]
pub fn json(graph: &Graph, api_port: Option<u16>) -> String {
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
    let v = view(graph, api_port);
    let edge = |e: &view::Edge| json!({"from": e.from, "to": e.to, "port": e.port, "protocol": e.protocol, "reason": e.reason});
    let external = |e: &&view::Edge| !is_pod(&e.from) || !is_pod(&e.to);
    let edges: Vec<_> = v.edges.iter().filter(|e| !external(e)).map(edge).collect();
    let external_edges: Vec<_> = v.edges.iter().filter(external).map(edge).collect();
    let external_nodes: Vec<_> = v
        .nodes
        .iter()
        .filter(|n| n.namespace.is_none())
        .map(|n| json!({"id": n.id, "kind": n.kind.as_str()}))
        .collect();
    let document =
        json!({"nodes": nodes, "edges": edges, "external_nodes": external_nodes, "external_edges": external_edges});
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// Pod ids are `namespace/workload`; external ids have no `/`.
fn is_pod(id: &str) -> bool {
    id.contains('/')
}

/// Mermaid node keys: the id with `/`, `-`, `.` and `:` as `_`, made unique
/// by a numeric suffix where two ids would meet.
fn keys(v: &View) -> BTreeMap<&str, String> {
    let mut taken = std::collections::BTreeSet::new();
    let mut out = BTreeMap::new();
    for n in &v.nodes {
        let base = n.id.replace(['/', '-', '.', ':'], "_");
        let mut key = base.clone();
        let mut i = 2;
        while !taken.insert(key.clone()) {
            key = format!("{base}_{i}");
            i += 1;
        }
        out.insert(n.id.as_str(), key);
    }
    out
}

/// Mermaid: namespaces as subgraphs, external nodes as stadiums, mTLS
/// edges thick, each arrow labelled with its ports.
#[must_use]
pub fn mermaid(v: &View) -> String {
    let keys = keys(v);
    let mut out = String::from("graph LR\n");
    let mut by_ns: BTreeMap<&str, Vec<&view::Node>> = BTreeMap::new();
    for n in &v.nodes {
        match &n.namespace {
            Some(ns) => by_ns.entry(ns.as_str()).or_default().push(n),
            None => {
                let _ = writeln!(out, "    {}([\"{}\"])", keys[n.id.as_str()], n.label);
            }
        }
    }
    for (ns, nodes) in by_ns {
        let _ = writeln!(out, "    subgraph ns_{}[\"{ns}\"]", ns.replace(['-', '.'], "_"));
        for n in nodes {
            let _ = writeln!(out, "        {}[\"{}\"]", keys[n.id.as_str()], n.label);
        }
        out.push_str("    end\n");
    }
    for ((from, to), (ports, mtls)) in v.grouped() {
        let arrow = if mtls { "==>" } else { "-->" };
        let label = if mtls { format!("mTLS {}", ports.join(",")) } else { ports.join(",") };
        let _ = writeln!(out, "    {} {arrow}|{label}| {}", keys[from], keys[to]);
    }
    out
}

/// Graphviz dot: namespaces as clusters, external nodes as ellipses outside
/// them, mTLS edges bold, each arrow labelled with its ports.
#[must_use]
pub fn dot(v: &View) -> String {
    let mut out = String::from("digraph stack {\n    rankdir=LR;\n");
    let mut by_ns: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for n in &v.nodes {
        match &n.namespace {
            Some(ns) => by_ns.entry(ns.as_str()).or_default().push(n.id.as_str()),
            None => {
                let _ = writeln!(out, "    \"{}\" [shape=ellipse, label=\"{}\"];", n.id, n.label);
            }
        }
    }
    for (ns, ids) in by_ns {
        let _ = writeln!(out, "    subgraph \"cluster_{ns}\" {{\n        label=\"{ns}\";");
        for id in ids {
            let _ = writeln!(out, "        \"{id}\";");
        }
        out.push_str("    }\n");
    }
    for ((from, to), (ports, mtls)) in v.grouped() {
        let style = if mtls { ", style=bold, color=darkgreen" } else { "" };
        let _ = writeln!(out, "    \"{from}\" -> \"{to}\" [label=\"{}\"{style}];", ports.join(","));
    }
    out.push_str("}\n");
    out
}
