//! Lowering of the top of the stack: `stack`, `cluster` (with its
//! `override`s in `environments.rs`) and `helm-repository`. The `platform`
//! block lives in `platform.rs`; namespaces and what they hold in `workloads.rs`.

use std::collections::BTreeMap;

use super::platform::platform;
use super::reader::{PORT, Reader, integer, missing, string, wrong_type};
use super::types::*;
use super::workloads::namespace;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned};
use crate::syntax::{Document, Node, Scalar};

/// Lower a parsed document into a [`Stack`].
///
/// # Errors
/// Every unknown node or property, missing value and wrong type, all at once.
pub fn lower(document: &Document) -> Result<Stack, Diagnostics> {
    let mut d = Diagnostics::default();
    let mut stacks = document.nodes.iter().filter(|n| n.name == "stack");
    for node in &document.nodes {
        if node.name != "stack" {
            d.push(
                Diagnostic::error(Code::UnknownNode, node.name_span, format!("unknown top-level node `{}`", node.name))
                    .label("unknown node")
                    .help("a stack file holds one `stack \"name\" { ... }` node"),
            );
        }
    }
    let Some(node) = stacks.next() else {
        d.push(
            Diagnostic::error(Code::MissingValue, Span::default(), "no `stack` node")
                .help("start the file with `stack \"name\" { cluster ... }`; `stackc init` writes a starter"),
        );
        return Err(d);
    };
    for extra in stacks {
        d.push(Diagnostic::duplicate(Code::DuplicateName, node.name_span, extra.name_span, "a file holds one `stack`"));
    }
    let stack = stack(node, &mut d);
    match stack {
        Some(stack) if !d.has_errors() => Ok(stack),
        _ => Err(d),
    }
}

fn stack(node: &Node, d: &mut Diagnostics) -> Option<Stack> {
    let r = Reader::new(node, 1, &[], &["cluster", "platform", "helm-repository", "namespace"], d);
    let name = r.arg_string(0, "name", d);
    let cluster_nodes: Vec<&Node> = r.children("cluster").collect();
    if cluster_nodes.is_empty() {
        d.push(missing(node, "a `cluster` node"));
    }
    let clusters: Vec<Cluster> = cluster_nodes.iter().filter_map(|n| cluster(n, d)).collect();
    let platform = r.child("platform", d).map(|n| platform(n, d)).unwrap_or_default();
    let helm_repositories = r.children("helm-repository").filter_map(|n| helm_repository(n, d)).collect();
    let namespaces = r.children("namespace").filter_map(|n| namespace(n, d)).collect();
    if clusters.len() < cluster_nodes.len() {
        return None;
    }
    Some(Stack { name: name?, clusters, platform, helm_repositories, namespaces })
}

/// The default prefix of a node's pod subnet: kube-controller-manager's
/// `--node-cidr-mask-size` for IPv4, which k3s leaves at its default.
const NODE_MASK: u8 = 24;
/// What fits a node mask before `check` compares it with the pod CIDR.
const NODE_MASK_RANGE: &str = "a node mask is a prefix length, at most 32";

fn cluster(node: &Node, d: &mut Diagnostics) -> Option<Cluster> {
    let r = Reader::new(
        node,
        1,
        &["distribution", "version"],
        &["git", "api-server", "cni", "dns", "networks", "storage-class", "age-recipient", "override"],
        d,
    );
    let name = r.arg_string(0, "name", d);
    let distribution = r.required_string("distribution", d).and_then(|s| match s.value.as_str() {
        "k3s" => Some(Spanned::new(Distribution::K3s, s.span)),
        "kubernetes" => Some(Spanned::new(Distribution::Kubernetes, s.span)),
        other => {
            d.push(one_of(s.span, "distribution", other, &["k3s", "kubernetes"]));
            None
        }
    });
    let version = r.required_string("version", d);
    let git = r.child("git", d).and_then(|n| {
        let r = Reader::new(n, 0, &["url", "branch", "interval", "path"], &[], d);
        let path = r.string("path", d).and_then(|p| repository_path(p, d));
        Some(Git {
            url: r.required_string("url", d)?,
            branch: r.string("branch", d).unwrap_or_else(|| Spanned::new("main".into(), n.name_span)),
            interval: r.string("interval", d).unwrap_or_else(|| Spanned::new("10m".into(), n.name_span)),
            path,
        })
    });
    let api_server = r.child("api-server", d).and_then(|n| {
        let r = Reader::new(n, 1, &["port"], &[], d);
        Some(ApiServer {
            address: r.arg_string(0, "address", d)?,
            port: r.integer("port", PORT, d).unwrap_or_else(|| Spanned::new(6443, n.name_span)),
        })
    });
    // An unknown name is reported; the default keeps the other checks going.
    let cni = r.child("cni", d).and_then(|n| cni(n, d)).unwrap_or_else(|| Spanned::new(Cni::Portable, node.name_span));
    let dns = match r.child("dns", d) {
        Some(n) => dns(n, d),
        None => Dns {
            namespace: Spanned::new("kube-system".into(), node.name_span),
            port: Spanned::new(53, node.name_span),
            pods: BTreeMap::from([("k8s-app".into(), "kube-dns".into())]),
        },
    };
    let (pods, services) = match distribution.as_ref().map(|d| d.value) {
        Some(Distribution::Kubernetes) => ("10.244.0.0/16", "10.96.0.0/12"),
        _ => ("10.42.0.0/16", "10.43.0.0/16"),
    };
    let networks = match r.child("networks", d) {
        Some(n) => {
            let r = Reader::new(n, 0, &["pods", "services", "node-mask"], &["node-address"], d);
            let node_addresses = r
                .children("node-address")
                .filter_map(|a| Reader::new(a, 1, &[], &[], d).arg_string(0, "address", d))
                .collect();
            Networks {
                pods: r.string("pods", d).unwrap_or_else(|| Spanned::new(pods.into(), n.name_span)),
                services: r.string("services", d).unwrap_or_else(|| Spanned::new(services.into(), n.name_span)),
                node_mask: r
                    .integer("node-mask", NODE_MASK_RANGE, d)
                    .unwrap_or_else(|| Spanned::new(NODE_MASK, n.name_span)),
                node_addresses,
            }
        }
        None => Networks {
            pods: Spanned::new(pods.into(), node.name_span),
            services: Spanned::new(services.into(), node.name_span),
            node_mask: Spanned::new(NODE_MASK, node.name_span),
            node_addresses: Vec::new(),
        },
    };
    let storage_classes = r
        .children("storage-class")
        .filter_map(|n| {
            let r = Reader::new(n, 1, &["default"], &[], d);
            Some(StorageClass { name: r.arg_string(0, "name", d)?, default: r.bool("default", false, d) })
        })
        .collect();
    let age_recipients = r
        .children("age-recipient")
        .filter_map(|n| Reader::new(n, 1, &[], &[], d).arg_string(0, "recipient", d))
        .collect();
    let overrides = r.children("override").filter_map(|n| super::environments::override_node(n, d)).collect();
    Some(Cluster {
        name: name?,
        distribution: distribution?,
        version: version?,
        git,
        api_server,
        cni,
        dns,
        networks,
        storage_classes,
        age_recipients,
        overrides,
    })
}

/// `cni "cilium"`: the policy dialect, one of [`Cni::NAMES`].
fn cni(node: &Node, d: &mut Diagnostics) -> Option<Spanned<Cni>> {
    let name = Reader::new(node, 1, &[], &[], d).arg_string(0, "name", d)?;
    let cni = match name.value.as_str() {
        "portable" => Cni::Portable,
        "cilium" => Cni::Cilium,
        other => {
            d.push(one_of(name.span, "cni", other, Cni::NAMES));
            return None;
        }
    };
    Some(Spanned::new(cni, name.span))
}

fn dns(node: &Node, d: &mut Diagnostics) -> Dns {
    let r = Reader::new(node, 0, &["namespace", "port"], &["pods"], d);
    let pods = r
        .child("pods", d)
        .map(|n| labels(n, d).value)
        .unwrap_or_else(|| BTreeMap::from([("k8s-app".into(), "kube-dns".into())]));
    Dns {
        namespace: r.string("namespace", d).unwrap_or_else(|| Spanned::new("kube-system".into(), node.name_span)),
        port: r.integer("port", PORT, d).unwrap_or_else(|| Spanned::new(53, node.name_span)),
        pods,
    }
}

/// A node whose properties are labels: `pods "app.kubernetes.io/name"="x"`.
pub(super) fn labels(node: &Node, d: &mut Diagnostics) -> Spanned<BTreeMap<String, String>> {
    for arg in &node.args {
        d.push(
            Diagnostic::error(Code::UnexpectedArgument, arg.span, "labels are written as `key=\"value\"`")
                .label("not a label"),
        );
    }
    for child in &node.children {
        d.push(Diagnostic::error(Code::UnknownNode, child.name_span, format!("`{}` takes no children", node.name)));
    }
    let mut map = BTreeMap::new();
    for prop in &node.props {
        if let Some(value) = string(&prop.value, prop.span, d) {
            map.insert(prop.key.clone(), value.value);
        }
    }
    if map.is_empty() {
        d.push(missing(node, "at least one label, e.g. `app.kubernetes.io/name=\"x\"`"));
    }
    Spanned::new(map, node.span)
}

fn helm_repository(node: &Node, d: &mut Diagnostics) -> Option<HelmRepository> {
    let r = Reader::new(node, 1, &["url"], &[], d);
    Some(HelmRepository { name: r.arg_string(0, "name", d)?, url: r.required_string("url", d)? })
}

/// `invalid-value` for a string outside a fixed set.
pub(super) fn one_of(span: Span, what: &str, found: &str, allowed: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::error(Code::InvalidValue, span, format!("unknown {what} `{found}`"))
        .label(format!("unknown {what}"));
    match crate::diagnostic::did_you_mean(found, allowed.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`? expected one of: {}", allowed.join(", "))),
        None => diagnostic.help(format!("expected one of: {}", allowed.join(", "))),
    }
}

/// Integer arguments of a node, e.g. `internet 443 80`.
pub(super) fn integer_args<T: TryFrom<i128>>(node: &Node, range: &str, d: &mut Diagnostics) -> Vec<Spanned<T>> {
    node.args.iter().filter_map(|a| integer(&a.value, a.span, range, d)).collect()
}

/// String arguments of a node, e.g. `command "sh" "-c"`.
pub(super) fn string_args(node: &Node, d: &mut Diagnostics) -> Vec<String> {
    node.args
        .iter()
        .filter_map(|a| match &a.value {
            Scalar::String(s) => Some(s.clone()),
            other => {
                d.push(wrong_type(a.span, "a string", other));
                None
            }
        })
        .collect()
}

/// `git path=`: a relative path inside the repository, normalized to
/// `a/b` (`""` for the root); no `..`, no absolute path, no backslash.
fn repository_path(path: Spanned<String>, d: &mut Diagnostics) -> Option<Spanned<String>> {
    let trimmed = path.value.trim_end_matches('/');
    let parts: Vec<&str> =
        if trimmed.is_empty() { Vec::new() } else { trimmed.split('/').filter(|p| *p != ".").collect() };
    let valid = !path.value.starts_with('/')
        && !path.value.contains('\\')
        && parts.iter().all(|p| !p.is_empty() && *p != ".." && !p.chars().any(char::is_control));
    if !valid {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                path.span,
                format!("`{}` is not a path inside the repository", path.value.escape_default()),
            )
            .label("repository path")
            .help(
                "the output directory relative to the repository root, e.g. `path=\"out\"` (`path=\".\"` for the root)",
            ),
        );
        return None;
    }
    Some(Spanned::new(parts.join("/"), path.span))
}
