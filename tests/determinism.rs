//! Same input, same bytes: across runs and under any reordering of
//! declarations.

use proptest::prelude::*;

use crate::support::{compile_in, root};

/// Reorder the children of every node whose order does not matter: the
/// stack's top level, namespaces, apps (connections, ports, env...).
fn shuffled(source: &str, seed: u64) -> String {
    let mut doc: kdl::KdlDocument = source.parse().unwrap();
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    fn visit(doc: &mut kdl::KdlDocument, depth: usize, next: &mut dyn FnMut() -> u64) {
        let nodes = doc.nodes_mut();
        let keep_order = nodes.iter().any(|n| n.name().value() == "-");
        if depth > 0 && !keep_order {
            for i in (1..nodes.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                nodes.swap(i, j);
            }
        }
        for node in nodes.iter_mut() {
            let name = node.name().value().to_owned();
            // Helm values are data, and command/args lists are ordered.
            if name == "values" {
                continue;
            }
            if let Some(children) = node.children_mut() {
                visit(children, depth + 1, next);
            }
        }
    }
    visit(&mut doc, 0, &mut next);
    doc.to_string()
}

#[test]
fn two_builds_are_byte_identical() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    assert_eq!(compile_in(&root(), &source).unwrap(), compile_in(&root(), &source).unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(35))]
    #[test]
    fn shuffled_declarations_give_identical_bytes(seed in any::<u64>(), which in 0usize..7) {
        // Clusters, overrides and engines included: the order of declarations never matters.
        let path = match which {
            0 => root().join("stack.kdl"),
            1 => root().join("examples/minimal/stack.kdl"),
            2 => root().join("examples/multi-namespace/stack.kdl"),
            3 => root().join("examples/argocd/stack.kdl"),
            4 => root().join("examples/kustomize/stack.kdl"),
            5 => root().join("examples/environments/stack.kdl"),
            _ => root().join("examples/mixed/stack.kdl"),
        };
        let source = std::fs::read_to_string(&path).unwrap();
        let reordered = shuffled(&source, seed);
        let dir = path.parent().unwrap();
        prop_assert_eq!(compile_in(dir, &source).unwrap(), compile_in(dir, &reordered).unwrap());
    }
}
