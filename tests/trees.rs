//! Whole rendered trees of the repository's stack and every example, as
//! snapshots; and the committed `out/` must equal a fresh build.

use crate::support::{compile, root, tree_text};

fn example(name: &str) -> String {
    std::fs::read_to_string(root().join("examples").join(name).join("stack.kdl"))
        .expect("example exists")
}

#[test]
fn seed_stack_tree() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let tree = compile(&source).unwrap();
    insta::assert_snapshot!("seed", tree_text(&tree));
}

#[test]
fn committed_out_matches_the_stack() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let tree = compile(&source).unwrap();
    for (path, bytes) in &tree.files {
        let on_disk = std::fs::read(root().join("out").join(path))
            .unwrap_or_else(|_| panic!("out/{path} is missing"));
        assert!(
            on_disk == *bytes,
            "out/{path} differs from a fresh build; run `stackc build`"
        );
    }
}

#[test]
fn minimal_tree() {
    insta::assert_snapshot!("minimal", tree_text(&compile(&example("minimal")).unwrap()));
}

#[test]
fn multi_namespace_tree() {
    insta::assert_snapshot!(
        "multi-namespace",
        tree_text(&compile(&example("multi-namespace")).unwrap())
    );
}

#[test]
fn mixed_tree() {
    insta::assert_snapshot!("mixed", tree_text(&compile(&example("mixed")).unwrap()));
}

#[test]
fn every_directory_has_a_kustomization_listing_exactly_its_entries() {
    for name in ["minimal", "multi-namespace", "mixed"] {
        let tree = compile(&example(name)).unwrap();
        let mut dirs: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for path in tree.files.keys().chain(tree.foreign.iter()) {
            let mut parts: Vec<&str> = path.split('/').collect();
            let file = parts.pop().unwrap().to_owned();
            let dir = parts.join("/");
            if file != "kustomization.yaml" {
                dirs.entry(dir.clone()).or_default().insert(file);
            }
            // every ancestor lists the child directory (checked below)
            while let Some(child) = parts.pop() {
                dirs.entry(parts.join("/"))
                    .or_default()
                    .insert(child.to_owned());
            }
        }
        for (dir, _) in &dirs {
            let k = if dir.is_empty() {
                "kustomization.yaml".to_owned()
            } else {
                format!("{dir}/kustomization.yaml")
            };
            assert!(tree.files.contains_key(&k), "{name}: {k} missing");
        }
    }
}
