//! The build's interleaved pipeline (`stackc::compile`, which seals each app
//! namespace as soon as it is derived) gives exactly what the stages give
//! run one after the other: the same tree, the same diagnostics.

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use stackc::derive::Body;
use stackc::render::{self, RenderOptions, Tree};
use stackc::secrets::SecretStore;

use crate::support::{gen_stack, render_diagnostics, root};

fn options(secrets: SecretStore) -> stackc::CompileOptions {
    stackc::CompileOptions {
        render: RenderOptions { source_name: "stack.kdl".into(), templates: BTreeMap::new() },
        secrets,
        repository: String::new(),
    }
}

/// Stages 4–6 in turn, every tree kept.
fn in_turn(source: &str, options: &stackc::CompileOptions) -> Result<Tree, String> {
    let show = |d: &stackc::diagnostic::Diagnostics| render_diagnostics(d, source);
    let clusters = stackc::analyze(source, &options.secrets).map_err(|d| show(&d))?;
    let mut reports = Vec::new();
    for c in &clusters {
        stackc::verify::verify(&c.stack, &c.derived).map_err(|d| show(&d))?;
        reports.push(stackc::verify::policies(&c.derived).map_err(|d| show(&d))?);
    }
    let derived: Vec<&stackc::derive::Derived> = clusters.iter().map(|c| &c.derived).collect();
    let mut tree = render::render(&derived, &options.render).map_err(|d| show(&d))?;
    for (c, report) in clusters.iter().zip(&reports) {
        tree.files.extend(render::kyverno_tests::files(&c.derived, report, &BTreeMap::new()).map_err(|d| show(&d))?);
    }
    Ok(tree)
}

/// The build's pipeline; also checks that it did seal app namespaces.
fn sealed(source: &str, options: &stackc::CompileOptions) -> Result<Tree, String> {
    let compiled = stackc::compile(source, options).map_err(|d| render_diagnostics(&d, source))?;
    let objects = compiled.clusters.iter().flat_map(|c| &c.derived.components).flat_map(|c| &c.objects);
    let files = objects.filter(|o| matches!(o.body, Body::Rendered)).count();
    let apps: usize =
        compiled.clusters.iter().map(|c| c.stack.namespaces.iter().map(|n| n.workloads.len()).sum::<usize>()).sum();
    assert!(apps == 0 || files > 0, "a stack with {apps} workloads sealed nothing");
    Ok(compiled.tree)
}

fn same(source: &str, dir: &Path) {
    let options = options(stackc::secrets::load_store(dir).expect("store loads"));
    assert_eq!(sealed(source, &options), in_turn(source, &options));
}

#[test]
fn the_seed_and_every_example_compile_alike() {
    let mut stacks = vec![root().join("stack.kdl")];
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path().join("stack.kdl");
        if path.exists() {
            stacks.push(path);
        }
    }
    assert!(stacks.len() > 5, "{stacks:?}");
    for path in stacks {
        let source = std::fs::read_to_string(&path).unwrap();
        same(&source, path.parent().unwrap());
    }
}

#[test]
fn a_policy_violation_is_reported_alike() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {\n        storage-class \"local-path\" default=#true\n    }\n    platform {\n        kyverno\n    }\n    namespace \"a\" {\n        app \"web\" image=\"nginx:latest\" { port \"http\" 80 }\n        app \"api\" image=\"nginx:1.29\" { connects-to \"web\" }\n    }\n}\n";
    let options = options(SecretStore::default());
    let sealed = stackc::compile(source, &options).map(|_| ()).map_err(|d| render_diagnostics(&d, source));
    let in_turn = in_turn(source, &options).map(|_| ());
    assert!(sealed.as_ref().is_err_and(|e| e.contains("disallow-latest-tag")), "{sealed:?}");
    assert_eq!(sealed, in_turn);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn generated_stacks_compile_alike(n in 1usize..60, seed in any::<u64>(), platform in 0usize..4) {
        let platform = ["engine \"flux\"", "engine \"flux\"\n        kyverno", "engine \"argocd\"\n        kyverno mode=\"enforce\"", "engine \"kustomize\""][platform];
        let source = gen_stack::stack_kdl(n, seed).replace("engine \"flux\"", platform);
        prop_assert!(source.contains(platform));
        let options = options(SecretStore::default());
        prop_assert_eq!(sealed(&source, &options), in_turn(&source, &options));
    }
}
