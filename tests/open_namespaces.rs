//! No silent openness (issue 15 item 2): every namespace stackc writes gets
//! a `default-deny` NetworkPolicy or an `open-namespace` warning naming it,
//! and `stackc verify` lists the namespaces its proof does not cover.

use std::collections::BTreeSet;

use crate::support::{platform_store, render_diagnostics, root, stackc};

const DEMO_RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

/// A stack with the whole platform, and `api-server` when `api` is set.
fn stack(api: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\" {{\n        {api}\n        age-recipient \"{DEMO_RECIPIENT}\"\n    }}\n    platform {{\n        linkerd\n        traefik\n        cert-manager\n        kyverno\n    }}\n    namespace \"a\" {{\n        app \"web\" image=\"x:1\"\n    }}\n}}\n"
    )
}

/// The warnings of every cluster of `source`, built with `dir`'s store
/// (or the platform's seed Secrets when `dir` is `None`).
fn warnings(source: &str, dir: Option<&std::path::Path>) -> stackc::diagnostic::Diagnostics {
    let secrets = dir.map_or_else(
        || platform_store(source),
        |d| {
            let mut store = stackc::secrets::load_store(d).expect("store loads");
            stackc::secrets::project_files::load(d, source, &mut store);
            store
        },
    );
    let options = stackc::CompileOptions { secrets, ..Default::default() };
    let compiled = stackc::compile(source, &options).expect("a warning does not stop the build");
    let mut all = stackc::diagnostic::Diagnostics::default();
    for cluster in &compiled.clusters {
        all.extend(cluster.derived.warnings.clone());
    }
    all
}

/// The namespaces the `open-namespace` warnings name.
fn warned(d: &stackc::diagnostic::Diagnostics) -> BTreeSet<String> {
    d.iter()
        .filter(|w| w.code == stackc::diagnostic::Code::OpenNamespace)
        .filter_map(|w| w.message.split('`').nth(1).map(str::to_owned))
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn platform_without_api_server_warns_for_each_open_namespace() {
    let source = stack("");
    let d = warnings(&source, None);
    assert_eq!(warned(&d), set(&["cert-manager", "kyverno", "linkerd", "traefik"]));
    let text = render_diagnostics(&d, &source);
    insta::assert_snapshot!("platform_without_api_server", text);
}

#[test]
fn platform_with_api_server_is_locked_down_without_warnings() {
    let source = stack("api-server \"10.0.0.10\" port=6443");
    assert_eq!(warned(&warnings(&source, None)), BTreeSet::new());
}

/// The namespaces of a rendered tree (each `Namespace` file) without a
/// `default-deny` NetworkPolicy in the tree: read from the files,
/// independently of how stackc decides.
fn open_in_tree(tree: &stackc::render::Tree) -> BTreeSet<String> {
    let mut namespaces = BTreeSet::new();
    let mut denied = BTreeSet::new();
    for (path, bytes) in &tree.files {
        let Ok(doc) = serde_yaml_ng::from_slice::<serde_json::Value>(bytes) else { continue };
        let name_of = |key: &str| doc["metadata"][key].as_str().map(str::to_owned);
        match (doc["kind"].as_str(), name_of("name")) {
            (Some("Namespace"), Some(n)) if !path.contains(".kyverno-test") => {
                namespaces.insert(n);
            }
            (Some("NetworkPolicy"), Some(n)) if n == "default-deny" => {
                denied.extend(name_of("namespace"));
            }
            _ => {}
        }
    }
    namespaces.difference(&denied).cloned().collect()
}

/// Every namespace of the seed's and each example's tree is locked down or
/// named by a warning.
#[test]
fn every_written_namespace_is_locked_down_or_reported() {
    let mut cases = vec![("seed".to_owned(), root())];
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let dir = entry.unwrap().path();
        if dir.join("stack.kdl").exists() {
            cases.push((dir.file_name().unwrap().to_string_lossy().into_owned(), dir));
        }
    }
    let mut open_somewhere = false;
    for (name, dir) in cases {
        let source = std::fs::read_to_string(dir.join("stack.kdl")).unwrap();
        let open = open_in_tree(&crate::support::compile_in(&dir, &source).unwrap());
        assert_eq!(open, warned(&warnings(&source, Some(&dir))), "{name}: open namespaces and warnings differ");
        open_somewhere |= !open.is_empty();
    }
    assert!(open_somewhere, "some example leaves a namespace open: the test sees both sides");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Generated stacks, any platform subset, with or without `api-server`:
    /// the open namespaces of the tree are exactly the warned ones, and
    /// exactly the installed platform namespaces when `api-server` is missing.
    #[test]
    fn generated_stacks_warn_for_exactly_their_open_namespaces(
        platform in proptest::collection::vec(proptest::prelude::any::<bool>(), 4),
        api in proptest::prelude::any::<bool>(),
        apps in 1usize..4,
    ) {
        let components = ["linkerd", "traefik", "cert-manager", "kyverno"];
        let installed: Vec<&str> = components.iter().zip(&platform).filter(|(_, on)| **on).map(|(c, _)| *c).collect();
        let api_line = if api { "api-server \"10.0.0.10\" port=6443" } else { "" };
        let mut source = format!(
            "stack \"s\" {{\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\" {{\n        {api_line}\n        age-recipient \"{DEMO_RECIPIENT}\"\n    }}\n    platform {{\n"
        );
        for c in &installed {
            source.push_str(&format!("        {c}\n"));
        }
        source.push_str("    }\n");
        for i in 0..apps {
            source.push_str(&format!("    namespace \"n{i}\" {{\n        app \"web\" image=\"x:1\"\n    }}\n"));
        }
        source.push_str("}\n");
        let open = open_in_tree(&crate::support::compile(&source).unwrap());
        proptest::prop_assert_eq!(&open, &warned(&warnings(&source, None)));
        let expected = if api { BTreeSet::new() } else { set(&installed) };
        proptest::prop_assert_eq!(open, expected);
    }
}

#[test]
fn examples_without_api_server_warn_for_their_platform_namespaces() {
    for (example, expected) in [
        ("argocd", &["cert-manager", "kyverno", "linkerd", "traefik"][..]),
        ("mixed", &["cert-manager", "linkerd", "traefik"]),
    ] {
        let dir = root().join("examples").join(example);
        let source = std::fs::read_to_string(dir.join("stack.kdl")).unwrap();
        assert_eq!(warned(&warnings(&source, Some(&dir))), set(expected), "{example}");
    }
}

#[test]
fn verify_names_the_namespaces_its_proof_does_not_cover() {
    let out = stackc(&root().join("examples/mixed"), &["verify"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("proven: "), "{text}");
    assert!(
        text.contains("not covered: `cert-manager`, `linkerd`, `traefik` (written without NetworkPolicies"),
        "{text}"
    );
    assert!(text.contains("not covered: `kube-system`, `monitoring` (not written by stackc)"), "{text}");
    let out = stackc(&root(), &["verify"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("written without NetworkPolicies"), "the seed declares `api-server`: {text}");
    assert!(text.contains("not covered: `kube-system` (not written by stackc)"), "{text}");
}
