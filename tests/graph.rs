//! `stackc graph`: one graph, three renderings. Mermaid, dot and JSON are
//! parsed back and must hold the same nodes and the same edges, external
//! ones (internet, API server, world, hosts) and DNS included.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{project, root, stackc};

type Nodes = BTreeSet<String>;
type Edges = BTreeSet<(String, String, u16, String)>;

fn graph(dir: &Path, format: &str) -> String {
    let out = stackc(dir, &["graph", "--format", format]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `80,53/UDP` → `(80, TCP)`, `(53, UDP)`.
fn ports(label: &str) -> Vec<(u16, String)> {
    let label = label.strip_prefix("mTLS ").unwrap_or(label);
    label
        .split(',')
        .map(|p| match p.split_once('/') {
            Some((n, proto)) => (n.parse().unwrap(), proto.to_owned()),
            None => (p.parse().unwrap(), "TCP".to_owned()),
        })
        .collect()
}

fn from_json(text: &str) -> (Nodes, Edges) {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut nodes = Nodes::new();
    let mut edges = Edges::new();
    for key in ["nodes", "external_nodes"] {
        nodes.extend(v[key].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()));
    }
    for key in ["edges", "external_edges"] {
        for e in v[key].as_array().unwrap() {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            edges.insert((s("from"), s("to"), u16::try_from(e["port"].as_u64().unwrap()).unwrap(), s("protocol")));
        }
    }
    (nodes, edges)
}

fn quoted(s: &str) -> &str {
    s.split('"').nth(1).unwrap()
}

fn from_mermaid(text: &str) -> (Nodes, Edges) {
    let mut ids: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut namespace = None;
    let mut edges = Edges::new();
    for line in text.lines().skip(1) {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("subgraph ") {
            namespace = Some(quoted(rest).to_owned());
        } else if t == "end" {
            namespace = None;
        } else if let Some((from, rest)) = t.split_once(" -->|").or_else(|| t.split_once(" ==>|")) {
            let (label, to) = rest.split_once("| ").unwrap();
            for (port, proto) in ports(label) {
                edges.insert((ids[from].clone(), ids[to].clone(), port, proto));
            }
        } else if let Some((key, _)) = t.split_once('[') {
            let label = quoted(t).to_owned();
            let id = match (&namespace, t.contains("([")) {
                (Some(ns), _) => format!("{ns}/{label}"),
                (None, true) if ["internet", "api-server", "world"].contains(&label.as_str()) => label,
                (None, _) => format!("host:{label}"),
            };
            ids.insert(key.trim_end_matches('(').to_owned(), id);
        }
    }
    (ids.into_values().collect(), edges)
}

fn from_dot(text: &str) -> (Nodes, Edges) {
    let mut nodes = Nodes::new();
    let mut edges = Edges::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some((from, rest)) = t.split_once(" -> ") {
            let to = quoted(rest);
            let label = rest.split("label=\"").nth(1).unwrap().split('"').next().unwrap();
            for (port, proto) in ports(label) {
                edges.insert((quoted(from).to_owned(), to.to_owned(), port, proto));
            }
        } else if t.starts_with('"') && !t.starts_with("\"cluster_") {
            nodes.insert(quoted(t).to_owned());
        }
    }
    (nodes, edges)
}

fn same_in_every_format(dir: &Path) -> (Nodes, Edges) {
    let json = from_json(&graph(dir, "json"));
    assert_eq!(from_mermaid(&graph(dir, "mermaid")), json, "mermaid and json differ");
    assert_eq!(from_dot(&graph(dir, "dot")), json, "dot and json differ");
    json
}

#[test]
fn the_seed_graph_is_the_same_in_every_format() {
    let (nodes, edges) = same_in_every_format(&root());
    for id in ["host:links.acme.io", "world", "api-server", "kube-system/coredns"] {
        assert!(nodes.contains(id), "{id} missing: {nodes:?}");
    }
    let has = |from: &str, to: &str, port: u16| edges.iter().any(|e| e.0 == from && e.1 == to && e.2 == port);
    assert!(has("linkwarden/linkwarden", "kube-system/coredns", 53), "DNS edge missing");
    assert!(has("host:links.acme.io", "traefik/traefik", 443));
    assert!(edges.iter().any(|e| e.0 == "world" && e.1 == "traefik/traefik"), "world ingress missing");
    assert!(edges.iter().any(|e| e.0 == "api-server"), "API server calls (webhooks) missing");
}

#[test]
fn internet_and_api_server_egress_are_in_every_format() {
    let dir = project(
        r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        api-server "10.0.0.1" port=6443
    }
    platform {
        engine "flux"
    }
    namespace "a" {
        app "web" image="ghcr.io/acme/web:1.0" api-access=#true {
            port "http" 8080
            internet 443
        }
    }
}
"#,
    );
    let (nodes, edges) = same_in_every_format(dir.path());
    assert!(nodes.contains("internet") && nodes.contains("api-server"), "{nodes:?}");
    assert!(edges.contains(&("a/web".into(), "internet".into(), 443, "TCP".into())), "{edges:?}");
    assert!(edges.contains(&("a/web".into(), "api-server".into(), 6443, "TCP".into())), "{edges:?}");
}
