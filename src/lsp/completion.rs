//! Completion: node and property names valid at the cursor (from
//! [`schema`](mod@super::schema)), enum values, and references to what the
//! stack declares (from the [`Index`] of the last version that parsed).

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent, MarkupKind, TextEdit,
};

use super::context::{self, Context, Slot};
use super::documents::Document;
use super::index::{Index, Kind};
use super::schema::{self, Field};

/// The completions at byte `offset` of `doc`.
pub fn complete(doc: &mut Document, offset: usize) -> Vec<CompletionItem> {
    let text = doc.text.clone();
    let cx = context::at(&text, offset);
    let range = doc.lines.range(&text, crate::diagnostic::Span::new(cx.start, offset.saturating_sub(cx.start)));
    let index = doc.latest();
    let empty = Index::default();
    let index = index.as_ref().map_or(&empty, |p| &p.index);
    let mut items = Vec::new();
    let path: Vec<&str> = cx.parents.iter().map(|(n, _)| n.as_str()).collect();
    match &cx.slot {
        Slot::NodeName if path.is_empty() => {
            items.push(item("stack", "A stack: its clusters, platform and namespaces.", CompletionItemKind::MODULE))
        }
        Slot::NodeName => {
            for field in schema::shape(&path).map(|s| s.children).unwrap_or_default() {
                items.push(item(&field.name, &field.description, CompletionItemKind::MODULE));
            }
        }
        Slot::Entry(arg) => {
            let mut node_path = path.clone();
            node_path.push(&cx.node.name);
            // Inside a string only the argument's values fit.
            if let Some(shape) = schema::shape(&node_path).filter(|_| !cx.quoted) {
                for field in shape.properties.iter().filter(|f| cx.node.prop(&f.name).is_none()) {
                    let mut property = item(&field.name, &field.description, CompletionItemKind::PROPERTY);
                    property.insert_text = Some(format!("{}=", field.name));
                    items.push(property);
                }
            }
            let mut values = argument_values(&cx, *arg, index);
            if let Some(argument) = schema::shape(&node_path).and_then(|s| s.arguments.into_iter().nth(*arg)) {
                values.extend(argument.values.into_iter().map(|v| (v, argument.description.clone())));
            }
            items.extend(values.into_iter().map(|(v, d)| value_item(&cx, &v, &d)));
        }
        Slot::Value(key) => {
            let values = property_values(&cx, &path, key, index);
            items.extend(values.into_iter().map(|(v, d)| value_item(&cx, &v, &d)));
        }
        Slot::Nothing => {}
    }
    for item in &mut items {
        let text = item.insert_text.take().unwrap_or_else(|| item.label.clone());
        item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(range, text)));
    }
    items
}

fn item(label: &str, description: &str, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        documentation: (!description.is_empty()).then(|| {
            Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: description.to_owned() })
        }),
        ..CompletionItem::default()
    }
}

/// A value, quoted unless the cursor is already in a string (keywords such
/// as `#true` and numbers stay bare).
fn value_item(cx: &Context, value: &str, detail: &str) -> CompletionItem {
    let bare = value.starts_with('#') || value.parse::<i64>().is_ok();
    let mut value_item = item(value, "", CompletionItemKind::VALUE);
    value_item.detail = (!detail.is_empty()).then(|| detail.to_owned());
    value_item.insert_text = Some(if cx.quoted || bare { value.to_owned() } else { format!("{value:?}") });
    value_item
}

/// The namespace and app the cursor is in.
fn scope(cx: &Context) -> (String, String) {
    let find = |name: &str| {
        cx.parents.iter().rev().find(|(n, _)| n == name).and_then(|(_, arg)| arg.clone()).unwrap_or_default()
    };
    (find("namespace"), find("app"))
}

/// Completions of a node's `arg`-th argument: what it references.
fn argument_values(cx: &Context, arg: usize, index: &Index) -> Vec<(String, String)> {
    let (ns, _) = scope(cx);
    // Inside `override "ns/name"`: that workload's volumes and hosts.
    let overridden = || match cx.parents.last() {
        Some((parent, Some(target))) if parent == "override" => Some(format!("{target}/")),
        _ => None,
    };
    match (cx.node.name.as_str(), arg) {
        // Nothing connects to a job: it has no ingress.
        ("connects-to", 0) => {
            workloads(index, Some(&ns)).into_iter().filter(|(_, _, node)| !is_job(node)).map(drop_node).collect()
        }
        ("override", 0) => workloads(index, None).into_iter().map(drop_node).collect(),
        ("volume", 0) => overridden().map(|t| names(index, Kind::Volume, &t)).unwrap_or_default(),
        ("expose", 0) => overridden().map(|t| names(index, Kind::Host, &t)).unwrap_or_default(),
        ("depends-on", _) => names(index, Kind::Namespace, "").into_iter().filter(|(n, _)| *n != ns).collect(),
        _ => Vec::new(),
    }
}

/// Completions of property `key` of the cursor's node.
fn property_values(cx: &Context, path: &[&str], key: &str, index: &Index) -> Vec<(String, String)> {
    let (ns, app) = scope(cx);
    let node = cx.node.name.as_str();
    let own_ports = || names(index, Kind::Port, &format!("{ns}/{app}/"));
    match (node, key) {
        ("connects-to", "port") => {
            let target = cx.node.args.first().cloned().unwrap_or_default();
            let target = if target.contains('/') { target } else { format!("{ns}/{target}") };
            let mut ports = names(index, Kind::Port, &format!("{target}/"));
            if ports.is_empty() {
                ports.extend(database_port(index, &target));
            }
            ports
        }
        ("env" | "file", "secret") => names(index, Kind::Secret, &format!("{ns}/")),
        ("env" | "file", "key") => {
            let secret = cx.node.prop("secret").unwrap_or_default();
            names(index, Kind::SecretKey, &format!("{ns}/{secret}/"))
        }
        ("app", "release") => names(index, Kind::Release, &format!("{ns}/")),
        ("job" | "cronjob", "image-of") => workloads(index, Some(&ns))
            .into_iter()
            .filter(|(name, _, node)| node == "app" && !name.contains('/'))
            .map(drop_node)
            .collect(),
        ("release", "repository") => names(index, Kind::Repository, ""),
        ("expose", "issuer") => names(index, Kind::Issuer, ""),
        (_, "storage-class") => names(index, Kind::StorageClass, ""),
        ("expose" | "expose-port" | "metrics" | "readiness" | "liveness" | "startup", "port")
        | ("readiness" | "liveness" | "startup", "tcp") => own_ports(),
        ("database", "version") => {
            let engine = cx.node.prop("engine").unwrap_or_default();
            let versions = crate::check::databases::versions(engine);
            versions.iter().map(|v| ((*v).to_owned(), format!("{engine} {v}"))).collect()
        }
        _ => {
            let mut node_path = path.to_vec();
            node_path.push(node);
            let field: Option<Field> =
                schema::shape(&node_path).and_then(|s| s.properties.into_iter().find(|f| f.name == key));
            let Some(field) = field else { return Vec::new() };
            if field.boolean {
                return vec![("#true".to_owned(), String::new()), ("#false".to_owned(), String::new())];
            }
            field.values.into_iter().map(|v| (v, String::new())).collect()
        }
    }
}

/// The last part of each declaration's key under `prefix`, with its summary.
fn names(index: &Index, kind: Kind, prefix: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for symbol in index.all(kind, prefix) {
        let name = symbol.key[prefix.len()..].to_owned();
        if !name.contains('/') && !out.iter().any(|(n, _)| *n == name) {
            out.push((name, symbol.detail.clone()));
        }
    }
    out
}

/// Apps, databases and jobs: by name in namespace `here`, as `ns/name`
/// elsewhere (or everywhere when `here` is `None`), with the declaring node.
fn workloads(index: &Index, here: Option<&str>) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for symbol in index.all(Kind::Workload, "") {
        let (ns, name) = symbol.key.split_once('/').unwrap_or(("", &symbol.key));
        let label = if Some(ns) == here { name.to_owned() } else { symbol.key.clone() };
        out.push((label, symbol.detail.clone(), symbol.node.clone()));
    }
    out
}

fn is_job(node: &str) -> bool {
    matches!(node, "job" | "cronjob")
}

fn drop_node((label, detail, _): (String, String, String)) -> (String, String) {
    (label, detail)
}

/// A database's one port, named after its engine.
fn database_port(index: &Index, target: &str) -> Option<(String, String)> {
    let db = index.declarations(Kind::Workload, target).find(|s| s.node == "database")?;
    let port = if db.detail.contains("engine=\"redis\"") { "redis" } else { "postgresql" };
    Some((port.to_owned(), db.detail.clone()))
}
