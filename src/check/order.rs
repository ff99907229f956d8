//! Namespace dependency order from `depends-on`, with cycle detection.

use std::collections::BTreeMap;

use super::types::Namespace;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};

/// Namespaces in an order where each comes after what it depends on; ties
/// broken by name. A cycle is reported at every namespace on it.
pub(super) fn namespace_order(namespaces: &[Namespace], d: &mut Diagnostics) -> Vec<String> {
    let index: BTreeMap<&str, &Namespace> = namespaces.iter().map(|n| (n.name.as_str(), n)).collect();
    let mut state: BTreeMap<&str, Mark> = BTreeMap::new();
    let mut order = Vec::new();
    for ns in namespaces {
        let mut path = Vec::new();
        visit(ns.name.as_str(), &index, &mut state, &mut path, &mut order, d);
    }
    order
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Visiting,
    Done,
}

fn visit<'a>(
    name: &'a str,
    index: &BTreeMap<&'a str, &'a Namespace>,
    state: &mut BTreeMap<&'a str, Mark>,
    path: &mut Vec<&'a str>,
    order: &mut Vec<String>,
    d: &mut Diagnostics,
) {
    match state.get(name) {
        Some(Mark::Done) => return,
        Some(Mark::Visiting) => {
            let start = path.iter().position(|n| *n == name).unwrap_or(0);
            let mut cycle: Vec<&str> = path[start..].to_vec();
            cycle.push(name);
            if let Some(ns) = index.get(name) {
                d.push(
                    Diagnostic::error(
                        Code::DependencyCycle,
                        ns.span,
                        format!("namespaces depend on each other: {}", cycle.join(" → ")),
                    )
                    .label("on a dependency cycle")
                    .help("remove one `depends-on` of the cycle; Flux cannot order a cycle"),
                );
            }
            return;
        }
        None => {}
    }
    let Some(ns) = index.get(name) else { return };
    state.insert(name, Mark::Visiting);
    path.push(name);
    for dep in &ns.depends_on {
        if let Some((key, _)) = index.get_key_value(dep.as_str()) {
            visit(key, index, state, path, order, d);
        }
    }
    path.pop();
    state.insert(name, Mark::Done);
    order.push(name.to_owned());
}
