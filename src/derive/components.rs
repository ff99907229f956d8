//! Finishing the component list: `dependsOn` derived from what each
//! component's objects need (CRDs and controllers before their users), name
//! clashes, canonical order, and the engine's own component.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{Component, Derived, Graph, engine};
use crate::check::ResolvedStack;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};

/// The component that must be ready before an object of this kind applies.
fn provider(object: &super::Object) -> Option<&'static str> {
    let group = object.api_version().split_once('/').map_or("", |(g, _)| g);
    match (group, object.kind) {
        ("helm.toolkit.fluxcd.io", _) => Some("sources"),
        ("traefik.io", _) => Some("traefik"),
        ("cert-manager.io", "ClusterIssuer" | "Issuer") => Some("cert-manager"),
        ("cert-manager.io", _) => Some("cert-manager-config"),
        ("kyverno.io", _) => Some("kyverno"),
        ("policy.linkerd.io", _) => Some("linkerd"),
        ("", "Namespace") => {
            let inject = object
                .tree()
                .and_then(|t| t.pointer("/metadata/annotations/linkerd.io~1inject"))
                .and_then(Value::as_str);
            inject.map(|_| "linkerd")
        }
        _ => None,
    }
}

/// Make one component final: its dependencies (the providers among
/// `present` that its objects need, besides the declared ones) and its
/// objects in file order. Reads the objects' trees, so it runs before a
/// build seals the component.
pub(super) fn complete(c: &mut Component, present: &BTreeSet<String>) {
    let mut deps: BTreeSet<String> = c.depends_on.iter().cloned().collect();
    for object in &c.objects {
        if let Some(p) = provider(object)
            && p != c.name
            && present.contains(p)
        {
            deps.insert(p.to_owned());
        }
    }
    c.depends_on = deps.into_iter().collect();
    c.objects.sort_by_cached_key(super::Object::file_name);
}

/// The whole list, once every component is [`complete`]: reserved names,
/// canonical order, the engine's own component, name clashes.
pub(super) fn finish(
    stack: &ResolvedStack,
    mut components: Vec<Component>,
    graph: Graph,
    repository: &str,
) -> Result<Derived, Diagnostics> {
    let mut d = Diagnostics::default();
    let platform: BTreeSet<String> =
        components.iter().filter(|c| !is_namespace(stack, c)).map(|c| c.name.clone()).collect();
    let reserved = engine::reserved(&stack.platform.engine);
    for ns in &stack.namespaces {
        if platform.contains(&ns.name) || reserved.contains(&ns.name.as_str()) {
            d.push(
                Diagnostic::error(
                    Code::DuplicateName,
                    ns.span,
                    format!("namespace `{}` has the name of a platform component", ns.name),
                )
                .label("reserved name")
                .help("the platform owns this namespace and directory; choose another name"),
            );
        }
    }
    components.sort_by_key(|c| c.dir.clone());
    let roots = engine::finish(stack, &mut components, repository);
    duplicates(&components, &mut d);
    if d.has_errors() {
        return Err(d);
    }
    Ok(Derived {
        cluster: stack.cluster.name.value.clone(),
        components,
        roots,
        graph,
        stale_recipients: Vec::new(),
        warnings: Diagnostics::default(),
    })
}

fn is_namespace(stack: &ResolvedStack, c: &Component) -> bool {
    stack.namespaces.iter().any(|n| n.name == c.name)
        && c.dir.ends_with(&format!("/{}", c.name))
        && c.dir.starts_with("clusters/")
        && c.objects.iter().any(|o| o.kind == "NetworkPolicy")
}

/// Two objects of one kind with one name in one namespace would overwrite
/// each other in the cluster.
fn duplicates(components: &[Component], d: &mut Diagnostics) {
    // Looked up, never iterated: a hash map (a B-tree compared the long
    // shared prefixes of names at every level).
    let mut seen: HashMap<(&str, Option<&str>, &str), &super::Object> =
        HashMap::with_capacity(components.iter().map(|c| c.objects.len()).sum());
    for object in components.iter().flat_map(|c| &c.objects) {
        let key = (object.kind, object.namespace.as_deref(), object.name.as_str());
        if let Some(first) = seen.insert(key, object) {
            d.push(
                Diagnostic::duplicate(
                    Code::DuplicateName,
                    first.origin,
                    object.origin,
                    format!("two {} objects are both named `{}`", object.kind, object.name),
                )
                .help("rename one of them"),
            );
        }
    }
}
