//! Whole rendered trees of the repository's stack and every example, as
//! snapshots; and the committed `out/` must equal a fresh build.

use crate::support::{compile_in, root, tree_text};

/// The rendered tree of an example, with its secret store.
fn example_tree(name: &str) -> stackc::render::Tree {
    let dir = root().join("examples").join(name);
    let source = std::fs::read_to_string(dir.join("stack.kdl")).expect("example exists");
    compile_in(&dir, &source).unwrap()
}

fn seed_tree() -> stackc::render::Tree {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    compile_in(&root(), &source).unwrap()
}

#[test]
fn seed_stack_tree() {
    let tree = seed_tree();
    insta::assert_snapshot!("seed", tree_text(&tree));
}

#[test]
fn committed_out_matches_the_stack() {
    let tree = seed_tree();
    for (path, bytes) in &tree.files {
        let on_disk = std::fs::read(root().join("out").join(path)).unwrap_or_else(|_| panic!("out/{path} is missing"));
        assert!(on_disk == *bytes, "out/{path} differs from a fresh build; run `stackc build`");
    }
}

#[test]
fn minimal_tree() {
    insta::assert_snapshot!("minimal", tree_text(&example_tree("minimal")));
}

#[test]
fn multi_namespace_tree() {
    insta::assert_snapshot!("multi-namespace", tree_text(&example_tree("multi-namespace")));
}

#[test]
fn mixed_tree() {
    insta::assert_snapshot!("mixed", tree_text(&example_tree("mixed")));
}

#[test]
fn argocd_tree() {
    insta::assert_snapshot!("argocd", tree_text(&example_tree("argocd")));
}

#[test]
fn kustomize_tree() {
    insta::assert_snapshot!("kustomize", tree_text(&example_tree("kustomize")));
}

#[test]
fn environments_tree() {
    insta::assert_snapshot!("environments", tree_text(&example_tree("environments")));
}

#[test]
fn selfhosted_tree() {
    insta::assert_snapshot!("selfhosted", tree_text(&example_tree("selfhosted")));
}

#[test]
fn every_directory_has_a_kustomization_listing_exactly_its_entries() {
    use std::collections::{BTreeMap, BTreeSet};
    for name in ["minimal", "multi-namespace", "mixed", "argocd", "kustomize", "environments", "cilium"] {
        let tree = example_tree(name);
        let mut entries: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        // Hidden directories (the Kyverno CLI suite) are tooling, not manifests.
        for path in tree.files.keys().chain(tree.foreign.iter()).filter(|p| !p.split('/').any(|c| c.starts_with('.'))) {
            let mut parts: Vec<&str> = path.split('/').collect();
            let file = parts.pop().unwrap().to_owned();
            if file != "kustomization.yaml" {
                entries.entry(parts.join("/")).or_default().insert(file);
            }
            while let Some(child) = parts.pop() {
                entries.entry(parts.join("/")).or_default().insert(child.to_owned());
            }
        }
        let objects: Vec<serde_json::Value> =
            tree.files.values().filter_map(|bytes| serde_yaml_ng::from_slice(bytes).ok()).collect();
        // Directories a Flux Kustomization or an Argo CD Application applies.
        let roots: BTreeSet<String> = objects
            .iter()
            .filter(|o| {
                o["apiVersion"].as_str().is_some_and(|a| a.starts_with("kustomize.toolkit.fluxcd.io/"))
                    || o["kind"] == "Application"
            })
            .filter_map(|o| {
                let path = o["spec"]["path"].as_str().or_else(|| o["spec"]["source"]["path"].as_str());
                path.map(|p| p.trim_start_matches("./").to_owned())
            })
            .collect();
        // Files a KSOPS generator reads are listed by the generator, not by `resources:`.
        let generated: BTreeSet<String> = tree
            .files
            .iter()
            .filter_map(|(path, bytes)| {
                let o: serde_json::Value = serde_yaml_ng::from_slice(bytes).ok()?;
                (o["kind"] == "ksops").then(|| (path.rsplit_once('/').unwrap().0.to_owned(), o))
            })
            .flat_map(|(dir, o)| {
                o["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| format!("{dir}/{}", f.as_str().unwrap()))
                    .collect::<Vec<_>>()
            })
            .collect();
        // Shared directories a cluster directory lists as `../../<dir>` (kustomize engine).
        let mut included: BTreeSet<String> = BTreeSet::new();
        for (path, bytes) in tree.files.iter().filter(|(p, _)| p.ends_with("kustomization.yaml")) {
            let parsed: serde_json::Value = serde_yaml_ng::from_slice(bytes).unwrap();
            let dir = path.trim_end_matches("kustomization.yaml").trim_end_matches('/');
            for entry in parsed["resources"].as_array().into_iter().flatten().filter_map(|r| r.as_str()) {
                if let Some(up) = entry.strip_prefix("../../") {
                    assert_eq!(dir.matches('/').count(), 1, "{name}: {path} lists {entry}");
                    assert!(tree.files.contains_key(&format!("{up}/kustomization.yaml")), "{name}: {path}: {entry}");
                    included.insert(up.to_owned());
                }
            }
        }
        let listing = |dir: &str| {
            if dir.is_empty() { "kustomization.yaml".to_owned() } else { format!("{dir}/kustomization.yaml") }
        };
        // A directory that would list nothing (each child applied on its own)
        // has no kustomization.yaml, and its parent does not list it.
        let unlisted: BTreeSet<&String> =
            entries.keys().filter(|dir| !tree.files.contains_key(&listing(dir))).collect();
        for (dir, present) in &entries {
            let k = listing(dir);
            let child = |e: &String| if dir.is_empty() { e.clone() } else { format!("{dir}/{e}") };
            // A directory the engine applies on its own is not listed by its
            // parent, or it would be applied twice.
            let expected: BTreeSet<String> = present
                .iter()
                .filter(|e| {
                    let child = child(e);
                    let included = included.iter().any(|i| i.starts_with(&format!("{child}/")));
                    !roots.contains(&child) && !generated.contains(&child) && !included && !unlisted.contains(&child)
                })
                .cloned()
                .collect();
            let Some(text) = tree.files.get(&k) else {
                assert!(expected.is_empty(), "{name}: {k} missing, it would list {expected:?}");
                continue;
            };
            let parsed: serde_json::Value = serde_yaml_ng::from_slice(text).unwrap();
            let listed: BTreeSet<String> = ["resources", "generators"]
                .iter()
                .flat_map(|field| parsed[field].as_array().cloned().unwrap_or_default())
                .map(|r| r.as_str().unwrap().to_owned())
                .filter(|r| !r.starts_with("../"))
                .collect();
            assert_eq!(listed, expected, "{name}: {k}");
        }
    }
}

#[test]
fn cilium_tree() {
    insta::assert_snapshot!("cilium", tree_text(&example_tree("cilium")));
}

#[test]
fn social_tree() {
    insta::assert_snapshot!("social", tree_text(&example_tree("social")));
}

#[test]
fn forge_tree() {
    insta::assert_snapshot!("forge", tree_text(&example_tree("forge")));
}
